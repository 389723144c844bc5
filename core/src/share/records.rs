//! The patient's shares in the vault: one JSON document per share in the encrypted index (table
//! `share`, migration 003). The record holds the link with its key and the relay's owner secret,
//! so it never leaves the vault.

use crate::error::{Error, Result};
use crate::share::ShareRecord;
use crate::vault::{Documents, Vault};

fn to_json(r: &ShareRecord) -> Result<String> {
    serde_json::to_string(r).map_err(|e| Error::Storage(format!("a share does not encode: {e}")))
}

fn from_json(s: &str) -> Result<ShareRecord> {
    serde_json::from_str(s).map_err(|_| Error::Integrity("a stored share is damaged".into()))
}

impl Vault {
    /// Store a share record (new or changed), by its relay id. The record outlives its study (the
    /// ciphertext on the relay stays revocable): the link is kept only while the study is here.
    pub fn save_share(&self, r: &ShareRecord) -> Result<()> {
        let study = self.has_study(&r.study_id)?.then_some(r.study_id.as_str());
        self.put_document(Documents::Shares, &r.id, &to_json(r)?, study)
    }

    /// One share, by its relay id.
    pub fn share_record(&self, id: &str) -> Result<ShareRecord> {
        let doc = self
            .document(Documents::Shares, id)?
            .ok_or(Error::NotFound("share"))?;
        from_json(&doc.data)
    }

    /// Every share, oldest first.
    pub fn share_records(&self) -> Result<Vec<ShareRecord>> {
        self.documents(Documents::Shares)?
            .iter()
            .map(|d| from_json(&d.data))
            .collect()
    }

    /// The id of the one share whose id starts with `prefix` (at least 4 characters).
    pub fn resolve_share(&self, prefix: &str) -> Result<String> {
        let p = prefix.trim();
        if p.chars().count() < 4 {
            return Err(Error::InvalidArgument(
                "share id: give at least its first 4 characters".into(),
            ));
        }
        match self.document_ids_starting(Documents::Shares, p)?.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(Error::NotFound("share")),
            _ => Err(Error::InvalidArgument(
                "more than one share starts with these characters: give more of the id".into(),
            )),
        }
    }
}
