//! Records requests in the vault: one JSON document per request in the encrypted index (table
//! `request`, migration 002), with the imported study it led to as a foreign key
//! ([`crate::vault`]'s documents: the vault stores them without knowing what they say).

use crate::error::{Error, Result};
use crate::request::RequestRecord;
use crate::vault::{Documents, Vault};

fn to_json(r: &RequestRecord) -> Result<String> {
    serde_json::to_string(r).map_err(|e| Error::Storage(format!("a request does not encode: {e}")))
}

fn from_json(s: &str, study: Option<String>) -> Result<RequestRecord> {
    // serde's message could quote the stored text: keep only that it failed
    let mut rec: RequestRecord = serde_json::from_str(s)
        .map_err(|_| Error::Integrity("a stored request is damaged".into()))?;
    // the study link reflects the vault now: a deleted study is no longer linked
    if let Some(r) = rec.tracking.received.as_mut() {
        r.study_id = study;
    }
    Ok(rec)
}

fn study_of(r: &RequestRecord) -> Option<String> {
    r.tracking
        .received
        .as_ref()
        .and_then(|x| x.study_id.clone())
}

impl Vault {
    /// Store a new request (finished or a wizard draft); returns its id.
    pub fn create_request(&self, record: &RequestRecord) -> Result<String> {
        let id = hex::encode(crate::crypto::new_blob_id());
        let study = study_of(record);
        if let Some(s) = &study {
            if !self.has_study(s)? {
                return Err(Error::NotFound("study"));
            }
        }
        self.put_document(
            Documents::Requests,
            &id,
            &to_json(record)?,
            study.as_deref(),
        )?;
        Ok(id)
    }

    /// Replace a stored request.
    pub fn update_request(&self, id: &str, record: &RequestRecord) -> Result<()> {
        let data = to_json(record)?;
        let study = study_of(record);
        if let Some(s) = &study {
            if !self.has_study(s)? {
                return Err(Error::NotFound("study"));
            }
        }
        if !self.update_document(Documents::Requests, id, &data, study.as_deref())? {
            return Err(Error::NotFound("request"));
        }
        Ok(())
    }

    /// One request. The study link reflects the vault now: a deleted study is no longer linked.
    pub fn request(&self, id: &str) -> Result<RequestRecord> {
        let doc = self
            .document(Documents::Requests, id)?
            .ok_or(Error::NotFound("request"))?;
        from_json(&doc.data, doc.study_id)
    }

    /// Every request, oldest first, with its id.
    pub fn requests(&self) -> Result<Vec<(String, RequestRecord)>> {
        self.documents(Documents::Requests)?
            .into_iter()
            .map(|d| Ok((d.id, from_json(&d.data, d.study_id)?)))
            .collect()
    }

    /// The full id of the one request whose id starts with `prefix` (at least 4 characters), as
    /// a shell lets the patient type a short id.
    pub fn resolve_request(&self, prefix: &str) -> Result<String> {
        let p = prefix.trim().to_ascii_lowercase();
        if p.len() < 4 || !p.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(Error::InvalidArgument(
                "request id: give at least its first 4 characters (0-9, a-f)".into(),
            ));
        }
        match self
            .document_ids_starting(Documents::Requests, &p)?
            .as_slice()
        {
            [one] => Ok(one.clone()),
            [] => Err(Error::NotFound("request")),
            _ => Err(Error::InvalidArgument(
                "request id: several requests start so; give more characters".into(),
            )),
        }
    }

    /// Forget a request.
    pub fn delete_request(&self, id: &str) -> Result<()> {
        if !self.delete_document(Documents::Requests, id)? {
            return Err(Error::NotFound("request"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::answers::{Answers, Delivery, Format, Patient, Provider, Studies};
    use crate::request::dates::parse_iso;
    use crate::request::wizard::{Event, Wizard};
    use crate::request::{Channel, Jurisdiction, Language, Mark};
    use crate::vault::tests::temp_dir;
    use crate::vault::PassphraseKeyStore;

    fn answers() -> Answers {
        Answers {
            jurisdiction: Jurisdiction::Uk,
            language: Language::En,
            provider: Provider {
                name: "Northwick Imaging".into(),
                email: "records@example.org".into(),
                ..Provider::default()
            },
            patient: Patient {
                name: "Quintessa Plaintextova".into(),
                date_of_birth: "1961-07-04".into(),
                ..Patient::default()
            },
            studies: Studies {
                all: true,
                ..Studies::default()
            },
            format: Format::DicomDownload,
            delivery: Delivery::Patient,
        }
    }

    #[test]
    fn requests_round_trip_encrypted_and_survive_reopening() {
        let dir = temp_dir("requests");
        let keys = PassphraseKeyStore::new(&dir, "pw").with_cost(1024, 1);
        let vault = Vault::create(&dir, &keys).unwrap();
        let today = parse_iso("2025-03-10").unwrap();

        let mut rec = RequestRecord::new(answers(), today);
        let id = vault.create_request(&rec).unwrap();
        rec.mark(
            Mark::Sent {
                on: parse_iso("2025-01-31").unwrap(),
                channel: Channel::Email,
            },
            today,
        )
        .unwrap();
        vault.update_request(&id, &rec).unwrap();

        let mut w = Wizard::new(today);
        w.update(Event::SetJurisdiction(Jurisdiction::Eu));
        w.update(Event::Next);
        let draft_id = vault
            .create_request(&RequestRecord::draft(w.clone(), today))
            .unwrap();

        // a study link must name a real study
        let mut bad = rec.clone();
        bad.mark(
            Mark::Received {
                on: today,
                study_id: Some("nope".into()),
            },
            today,
        )
        .unwrap();
        assert!(matches!(
            vault.update_request(&id, &bad),
            Err(Error::NotFound("study"))
        ));

        vault.lock();
        assert!(matches!(vault.requests(), Err(Error::Locked)));
        drop(vault);

        let vault = Vault::open(&dir).unwrap();
        vault.unlock(&keys).unwrap();
        let all = vault.requests().unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all.iter().find(|(i, _)| *i == id).unwrap().1, rec);
        let draft = vault.request(&draft_id).unwrap();
        let resumed = draft.wizard.unwrap().resume(today);
        assert_eq!(resumed.draft(), w.draft());
        assert_eq!(resumed.step(), w.step());
        assert_eq!(
            rec.due_on(),
            parse_iso("2025-02-28"),
            "UK one month from 31 January"
        );

        assert_eq!(vault.resolve_request(&id[..6]).unwrap(), id);
        assert!(vault.resolve_request("zz").is_err());
        vault.delete_request(&draft_id).unwrap();
        assert!(matches!(
            vault.request(&draft_id),
            Err(Error::NotFound("request"))
        ));

        // nothing in the vault folder shows the patient's name in plain text
        let mut stack = vec![dir.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let bytes = std::fs::read(&p).unwrap();
                    assert!(
                        !bytes.windows(12).any(|w| w == b"Plaintextova"),
                        "{} holds the name in plain text",
                        p.display()
                    );
                }
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
