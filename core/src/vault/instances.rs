//! Storing and reading instance files: a DICOM file in (deduplicated, filed under its patient's
//! study and series, encrypted as a blob), bytes or an opened image out; thumbnails; deleting a
//! study with its key.

use std::collections::HashMap;

use super::index::{NewInstance, NewRows, NewSeries, NewStudy, SeriesMatch, StudyMatch};
use super::{integrity, io_err, new_id, now, study_ad, InstanceRow, Vault};
use crate::crypto::{self, BlobId, Key};
use crate::dicom::{ByteSource, DicomImage, Summary, WHOLE_FILE_LIMIT};
use crate::error::{Error, Result};

impl Vault {
    /// Open a listed instance of `study_id` (a row from [`crate::library::instances`]) without listing
    /// the series again, as a viewer does slice after slice.
    pub fn open_row(&self, study_id: &str, row: &InstanceRow) -> Result<DicomImage> {
        self.open_blob(study_id, &row.blob_id)
    }

    fn open_blob(&self, study_id: &str, blob: &BlobId) -> Result<DicomImage> {
        let key = self.with(|u| Self::study_key(u, study_id))?;
        let reader = self.blobs.reader(&key, blob).map_err(integrity)?;
        // a slice (up to the size of a file read whole from plain disk): one read, decrypted in
        // place, then parsed and its frames borrowed as from a plain file; a larger object (a
        // multi-frame cine, a tomosynthesis stack) keeps the blob open and decrypts the chunks of
        // each frame when asked, so that memory stays in proportion to one frame
        let opened = if reader.len() <= WHOLE_FILE_LIMIT {
            let bytes = reader.read_all().map_err(integrity)?;
            DicomImage::from_secret(bytes)
        } else {
            DicomImage::from_reader(Box::new(reader))
        };
        opened.map_err(|e| match e {
            Error::Io { source, .. } if source.kind() == std::io::ErrorKind::InvalidData => {
                Error::Integrity("a stored image fails its integrity check".into())
            }
            other => other,
        })
    }

    /// Decrypt one stored instance whole (for export and sharing).
    pub fn read_instance(&self, study_id: &str, instance_id: &str) -> Result<crypto::SecretBytes> {
        let blob = self.with(|u| {
            u.index
                .instance_blob(study_id, instance_id)?
                .ok_or(Error::NotFound("instance"))
        })?;
        let key = self.with(|u| Self::study_key(u, study_id))?;
        let reader = self.blobs.reader(&key, &blob).map_err(integrity)?;
        reader.read_all().map_err(integrity)
    }

    /// The thumbnail of a series, as PNG bytes (made at import, stored encrypted).
    pub fn thumbnail(&self, series_id: &str) -> Result<Vec<u8>> {
        let study = self.study_of_series(series_id)?;
        let blob = self.with(|u| u.index.thumbnail_blob(series_id))?;
        let blob = blob.ok_or(Error::NotFound("thumbnail"))?;
        let key = self.with(|u| Self::study_key(u, &study))?;
        let reader = self.blobs.reader(&key, &blob).map_err(integrity)?;
        Ok(reader.read_all().map_err(integrity)?.to_vec())
    }

    /// Delete a study: its key is destroyed, its blobs removed, the index space wiped
    /// (`secure_delete`) and reclaimed.
    pub fn delete_study(&self, study_id: &str) -> Result<()> {
        let blobs = self.with(|u| {
            let deleted = u.index.delete_study(study_id);
            if !matches!(deleted, Ok(None)) {
                u.study_keys.remove(study_id);
            }
            deleted?.ok_or(Error::NotFound("study"))
        })?;
        for b in blobs {
            self.blobs.remove(&b).map_err(io_err("a blob"))?;
        }
        self.changed();
        Ok(())
    }

    /// Stage one DICOM file (already read, made [`Storable`]) into `batch`: the same checks as
    /// storing it (its patient, its series' study, dedupe by content, against the vault and the
    /// batch), its blob written but not yet durable, its index rows kept for [`Vault::commit`].
    /// Returns what storing it does once the batch commits. An error leaves the batch as it was.
    pub(crate) fn stage(
        &self,
        batch: &mut Batch,
        file: &Storable,
        image: &DicomImage,
    ) -> Result<Stored> {
        let digest = &file.digest;
        let s = image.summary();
        let sop = s
            .sop_instance_uid
            .clone()
            .ok_or_else(|| Error::bad("SOPInstanceUID", "absent"))?;
        let study_uid = s
            .study_instance_uid
            .clone()
            .ok_or_else(|| Error::bad("StudyInstanceUID", "absent"))?;
        let series_uid = s
            .series_instance_uid
            .clone()
            .ok_or_else(|| Error::bad("SeriesInstanceUID", "absent"))?;
        let info = image.info().ok();

        // what the batch and the index have for this instance, study and series
        let pending_study = batch.studies.get(&study_uid).cloned();
        let pending_series = batch.series.get(&series_uid).cloned();
        let (mut existing, study, series) = self.with(|u| {
            let existing = u.index.instance_digests(&sop)?;
            let study = match &pending_study {
                Some(p) => Some(StudyMatch {
                    id: p.id.clone(),
                    patient_id: p.patient_id.clone(),
                    patient_name: p.patient_name.clone(),
                }),
                None => u.index.study_by_uid(&study_uid)?,
            };
            let series = match pending_series {
                Some(p) => Some(p),
                None => u.index.series_by_uid(&series_uid)?,
            };
            Ok((existing, study, series))
        })?;
        if let Some(d) = batch.digests.get(&sop) {
            existing.extend_from_slice(d);
        }
        // A file naming a study (or series) already stored must be of the same patient, and a
        // series must stay in its study: else a crafted file with another patient's Study
        // Instance UID would be filed, shown and shared inside that patient's study.
        let study_id = match study {
            Some(found) => {
                if !same_patient(
                    (&found.patient_id, &found.patient_name),
                    (&s.patient_id, &s.patient_name),
                ) {
                    return Err(Error::bad(
                        "PatientID",
                        "this file names a study already in the vault for another patient: \
                         not imported (check where it came from)",
                    ));
                }
                Some(found.id)
            }
            None => None,
        };
        let series_id = match series {
            Some(found) if Some(&found.study_id) == study_id.as_ref() => Some(found.id),
            Some(_) => {
                return Err(Error::bad(
                    "SeriesInstanceUID",
                    "this file names a series of another study in the vault: not imported",
                ))
            }
            None => None,
        };
        if existing.iter().any(|h| h == digest) {
            return Ok(Stored::Duplicate);
        }
        let conflict = !existing.is_empty();
        // the study: one this batch creates, one in the vault, or a new one
        let (study_id, study_key, new_study) = match (pending_study, study_id) {
            (Some(p), _) => (p.id, p.key, false),
            (None, Some(id)) => {
                let key = self.with(|u| Self::study_key(u, &id))?;
                (id, key, false)
            }
            (None, None) => (new_id(), Key::random(), true),
        };

        // the blob now, not yet durable: [`Vault::commit`] syncs the batch's blobs, then writes
        // their rows (a crash leaves at worst orphan blobs, collected when the vault opens)
        let blob = crypto::new_blob_id();
        let size = match &file.data {
            Data::Bytes(bytes) => self.blobs.write_unsynced(&study_key, &blob, bytes),
            Data::Stream(source) => self.blobs.write_from_unsynced(&study_key, &blob, source),
        }
        .map_err(io_err("a blob"))?;

        let series_id = series_id.unwrap_or_else(new_id);
        let series = NewSeries {
            id: series_id.clone(),
            study_id: study_id.clone(),
            series_uid: series_uid.clone(),
            number: s.series_number,
            modality: s.modality.clone(),
            description: s.series_description.clone(),
            body_part: s.body_part.clone(),
        };
        let instance = NewInstance {
            id: new_id(),
            series_id: series_id.clone(),
            sop_uid: sop.clone(),
            sop_class: s.sop_class_uid.clone(),
            number: s.instance_number,
            position: s.image_position_patient,
            orientation: s.image_orientation_patient,
            frames: info.map(|i| i.frames).unwrap_or(0),
            rows: info.map(|i| i.rows),
            cols: info.map(|i| i.cols),
            transfer_syntax: info.map(|i| i.transfer_syntax.uid.clone()),
            blob_id: blob,
            size,
            sha256: *digest,
            conflict,
            imported_at: now(),
        };
        let study = if new_study {
            let sealed_key = self.with(|u| {
                Ok(crypto::seal(
                    &u.key,
                    study_key.expose(),
                    study_ad(&study_id).as_bytes(),
                ))
            })?;
            batch.studies.insert(
                study_uid.clone(),
                PendingStudy {
                    id: study_id.clone(),
                    key: study_key,
                    patient_id: s.patient_id.clone(),
                    patient_name: s.patient_name.clone(),
                },
            );
            Some(NewStudy {
                id: study_id.clone(),
                study_uid,
                patient_name: s.patient_name.clone(),
                patient_id: s.patient_id.clone(),
                birth_date: s.patient_birth_date.clone(),
                sex: s.patient_sex.clone(),
                study_date: s.study_date.clone(),
                description: s.study_description.clone(),
                accession: s.accession_number.clone(),
                sealed_key,
                created_at: now(),
            })
        } else {
            None
        };
        batch.series.insert(
            series_uid,
            SeriesMatch {
                id: series_id.clone(),
                study_id: study_id.clone(),
            },
        );
        batch.digests.entry(sop).or_default().push(*digest);
        batch.blobs.push(blob);
        batch.bytes += size;
        batch.rows.push(NewRows {
            study,
            series,
            instance,
        });
        Ok(Stored::Added {
            study_id,
            series_id,
            conflict,
            patient: patient_of(&s),
        })
    }

    /// Commit a batch: one durable barrier for all its blobs ([`Blobs::sync`]), then all its
    /// index rows in one transaction. Once it returns, its instances are stored (a kill cannot
    /// lose them); on an error none is, and its blobs are removed. The batch is empty after.
    pub(crate) fn commit(&self, batch: &mut Batch) -> Result<()> {
        if batch.rows.is_empty() {
            batch.clear();
            return Ok(());
        }
        if let Err(e) = self.blobs.sync(&batch.blobs) {
            self.discard(batch);
            return Err(Error::Storage(format!(
                "the images could not be saved: {e}"
            )));
        }
        let committed = self.with(|u| {
            u.index.insert_all(&batch.rows)?;
            for p in batch.studies.values() {
                u.study_keys.insert(p.id.clone(), p.key.clone());
            }
            Ok(())
        });
        if let Err(e) = committed {
            self.discard(batch);
            return Err(e);
        }
        batch.clear();
        self.changed();
        Ok(())
    }

    /// Drop a batch that will not commit (a cancelled or failed import): its blobs are removed
    /// (those a crash keeps are orphans, collected when the vault opens), no row was written.
    pub(crate) fn discard(&self, batch: &mut Batch) {
        for b in &batch.blobs {
            let _ = self.blobs.remove(b);
        }
        batch.clear();
    }

    /// Series that have instances but no thumbnail (an import was interrupted before making it).
    pub(crate) fn series_without_thumbnail(&self) -> Result<Vec<String>> {
        self.with(|u| u.index.series_without_thumbnail())
    }

    /// Store (or replace) the thumbnail of a series: PNG bytes, encrypted under its study's key.
    pub(crate) fn put_thumbnail(&self, series_id: &str, png: &[u8]) -> Result<()> {
        let study = self.study_of_series(series_id)?;
        let key = self.with(|u| Self::study_key(u, &study))?;
        let blob = crypto::new_blob_id();
        self.blobs
            .write(&key, &blob, png)
            .map_err(io_err("a thumbnail"))?;
        let old = self.with(|u| u.index.set_thumbnail(series_id, &blob))?;
        if let Some(old) = old {
            self.blobs.remove(&old).map_err(io_err("a thumbnail"))?;
        }
        self.changed();
        Ok(())
    }
}

/// Instances staged together ([`Vault::stage`]) and stored with one barrier and one index
/// transaction ([`Vault::commit`]): their blobs (written, not yet durable) and their rows, and
/// what later files of the batch must see of them (their studies, series and contents) before
/// they are in the index. Holds rows and ids, never file bytes.
#[derive(Default)]
pub(crate) struct Batch {
    rows: Vec<NewRows>,
    blobs: Vec<BlobId>,
    bytes: u64,
    /// studies this batch creates, by Study Instance UID
    studies: HashMap<String, PendingStudy>,
    /// series this batch stores instances in, by Series Instance UID
    series: HashMap<String, SeriesMatch>,
    /// the contents staged, by SOP Instance UID
    digests: HashMap<String, Vec<[u8; 32]>>,
}

#[derive(Clone)]
struct PendingStudy {
    id: String,
    key: Key,
    patient_id: Option<String>,
    patient_name: Option<String>,
}

impl Batch {
    pub(crate) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Bytes of blobs staged.
    pub(crate) fn bytes(&self) -> u64 {
        self.bytes
    }

    fn clear(&mut self) {
        *self = Batch::default();
    }
}

/// What storing one file did.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Stored {
    Added {
        study_id: String,
        series_id: String,
        conflict: bool,
        patient: String,
    },
    Duplicate,
}

fn patient_of(s: &Summary) -> String {
    format!(
        "{}|{}",
        s.patient_id.as_deref().unwrap_or(""),
        s.patient_name.as_deref().unwrap_or("")
    )
}

/// A file's bytes as the vault stores them: the preamble zeroed (it may carry executable content:
/// PE/ELF polyglots), with their SHA-256 (the dedupe key). Made on any thread: the import makes it
/// on its reading thread, beside the one that stores. Held in memory, or (a large file) read from
/// where the import keeps it (an encrypted temporary file) as it is hashed and as it is stored.
pub(crate) struct Storable {
    data: Data,
    digest: [u8; 32],
}

enum Data {
    Bytes(Vec<u8>),
    Stream(NoPreamble),
}

/// A file read from a source with its preamble read as zeros (when it has one).
struct NoPreamble {
    source: Box<dyn ByteSource + Send + Sync>,
    zero: bool,
}

impl ByteSource for NoPreamble {
    fn len(&self) -> u64 {
        self.source.len()
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        self.source.read_at(offset, buf)?;
        if self.zero && offset < 128 {
            let n = ((128 - offset) as usize).min(buf.len());
            buf[..n].fill(0);
        }
        Ok(())
    }
}

impl Storable {
    pub(crate) fn new(mut bytes: Vec<u8>) -> Storable {
        if bytes.len() >= 132 && &bytes[128..132] == b"DICM" {
            bytes[..128].fill(0);
        }
        let digest = sha256(&bytes);
        Storable {
            data: Data::Bytes(bytes),
            digest,
        }
    }

    /// A file read from `source` (hashed here, one block at a time), never whole in memory.
    pub(crate) fn stream(source: Box<dyn ByteSource + Send + Sync>) -> Result<Storable> {
        use sha2::Digest;
        let io = io_err("a file being imported");
        let len = source.len();
        let mut head = [0u8; 132];
        let zero = len >= 132 && {
            source.read_at(0, &mut head).map_err(&io)?;
            &head[128..132] == b"DICM"
        };
        let s = NoPreamble { source, zero };
        let mut hash = sha2::Sha256::new();
        let mut buf = crypto::SecretBytes::new(vec![0u8; 1 << 20]);
        let mut at = 0u64;
        while at < len {
            let n = (len - at).min(buf.len() as u64) as usize;
            s.read_at(at, &mut buf[..n]).map_err(&io)?;
            hash.update(&buf[..n]);
            at += n as u64;
        }
        Ok(Storable {
            data: Data::Stream(s),
            digest: hash.finalize().into(),
        })
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

/// Whether two files' patient modules name the same patient: the same Patient ID when both
/// have one; else the same name (case, spaces and trailing `^` aside, as systems pad them).
fn same_patient(
    a: (&Option<String>, &Option<String>),
    b: (&Option<String>, &Option<String>),
) -> bool {
    let id = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(String::from)
    };
    let name = |v: &Option<String>| {
        v.as_deref()
            .unwrap_or("")
            .trim()
            .trim_end_matches('^')
            .trim()
            .to_uppercase()
    };
    match (id(a.0), id(b.0)) {
        (Some(x), Some(y)) => x == y,
        _ => name(a.1) == name(b.1),
    }
}
