//! The vault: every study a patient carries, encrypted at rest on the device.
//!
//! Layout of a vault folder (nothing in it names the patient):
//! - `vault.json`: the vault id and format version (no secrets, no patient data);
//! - `index.db`: the SQLCipher-encrypted index (studies, series, instances, sealed study keys,
//!   records requests);
//! - `blobs/xx/<id>`: one encrypted blob per stored DICOM file or thumbnail ([`crypto`]);
//! - `passphrase.key`: only when a [`PassphraseKeyStore`] keeps the vault key.
//!
//! Key hierarchy: the vault key (in a [`KeyStore`]) → the index key (HKDF) and, sealed in the index,
//! one random key per study → one key per blob (HKDF with the blob id). Deleting a study destroys
//! its key and its blobs. A locked vault holds no key in memory.
//!
//! Thread safety: [`Vault`] is `Send + Sync`; calls serialise on an internal lock where they touch
//! the index. Reads of pixel data happen outside it.

pub mod blobs;
pub mod crypto;
pub mod export;
mod index;
pub mod keystore;
mod requests;
mod shares;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::dicom::{ByteSource, DicomImage, Summary, WHOLE_FILE_LIMIT};
use crate::error::{Error, Result};
use crate::render::{self, Voi};
use blobs::BlobStore;
use crypto::{BlobId, Key};
use index::{in_transaction, sql, Index};
pub use keystore::{KeyStore, KeyStoreError, KeyringKeyStore, PassphraseKeyStore};

const FORMAT: u32 = 1;

/// A study as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudyRow {
    pub id: String,
    pub patient_name: Option<String>,
    pub patient_id: Option<String>,
    pub study_date: Option<String>,
    pub description: Option<String>,
    pub modalities: Vec<String>,
    pub series_count: u32,
    pub instance_count: u32,
}

/// A series as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesRow {
    pub id: String,
    pub number: Option<i64>,
    pub modality: Option<String>,
    pub description: Option<String>,
    pub instance_count: u32,
}

/// An instance as listed, in display order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstanceRow {
    pub id: String,
    pub number: Option<i64>,
    pub frames: u32,
    pub rows: Option<u32>,
    pub cols: Option<u32>,
    pub conflict: bool,
    #[serde(skip)]
    blob_id: BlobId,
    #[serde(skip)]
    position: Option<[f64; 3]>,
    #[serde(skip)]
    orientation: Option<[f64; 6]>,
}

impl InstanceRow {
    /// Image Position (Patient) of the first frame, in mm, when the file gives it.
    pub fn position(&self) -> Option<[f64; 3]> {
        self.position
    }
    /// Image Orientation (Patient): row then column direction cosines, when the file gives it.
    pub fn orientation(&self) -> Option<[f64; 6]> {
        self.orientation
    }
}

/// A patient as listed: the studies of one (Patient ID, Patient's Name) pair. A vault usually
/// holds one patient; a CD from a hospital can hold several (see [`crate::import::ImportSummary`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatientRow {
    /// Opaque and stable for as long as the studies are kept: pass it to [`Vault::studies_of`].
    pub id: String,
    pub name: Option<String>,
    pub patient_id: Option<String>,
    pub study_count: u32,
    /// The newest study date (DICOM DA, `YYYYMMDD`), when any study has one.
    pub latest_study_date: Option<String>,
}

/// Called when the vault locks, so that whatever holds decrypted pixels drops them.
pub type LockHook = dyn Fn() + Send + Sync;

struct Unlocked {
    key: Key,
    index: Index,
    /// study id → study key, unsealed on first use
    study_keys: HashMap<String, Key>,
}

/// An open vault.
pub struct Vault {
    dir: PathBuf,
    id: String,
    key_check: Option<String>,
    blobs: BlobStore,
    state: Mutex<Option<Unlocked>>,
    lock_hooks: Mutex<Vec<std::sync::Weak<LockHook>>>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct VaultFile {
    id: String,
    format: u32,
    /// A check value of the vault key (HKDF output, 128 bits; says nothing of the key), so that a
    /// wrong key is told apart from a damaged index. Absent in vaults made before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key_check: Option<String>,
}

fn key_check(key: &Key, vault_id: &str) -> String {
    hex::encode(
        &key.derive("scanpass key check v1", vault_id.as_bytes())
            .expose()[..16],
    )
}

fn io_err(what: &'static str) -> impl Fn(std::io::Error) -> Error {
    move |source| Error::Io { what, source }
}

pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn new_id() -> String {
    hex::encode(crypto::new_blob_id())
}

impl Vault {
    /// Create a vault in `dir` (empty or absent), its key kept by `keys`. Returns it unlocked.
    pub fn create(dir: &Path, keys: &dyn KeyStore) -> Result<Vault> {
        std::fs::create_dir_all(dir).map_err(io_err("the vault folder"))?;
        if dir.join("vault.json").exists() {
            return Err(Error::AlreadyExists("vault"));
        }
        let id = new_id();
        let key = Key::random();
        keys.store(&id, &key)
            .map_err(|e| Error::KeyStore(e.to_string()))?;
        let file = serde_json::to_vec_pretty(&VaultFile {
            key_check: Some(key_check(&key, &id)),
            id: id.clone(),
            format: FORMAT,
        })
        .map_err(|e| Error::Storage(e.to_string()))?;
        blobs::write_atomic(&dir.join("vault.json"), &file).map_err(io_err("vault.json"))?;
        let vault = Vault::open(dir)?;
        vault.unlock_with(key)?;
        Ok(vault)
    }

    /// Open the vault in `dir`, locked.
    pub fn open(dir: &Path) -> Result<Vault> {
        let raw = std::fs::read(dir.join("vault.json")).map_err(io_err("vault.json"))?;
        let file: VaultFile = serde_json::from_slice(&raw)
            .map_err(|_| Error::Integrity("vault.json is damaged".into()))?;
        if file.format != FORMAT {
            return Err(Error::Storage(format!(
                "unknown vault format {}",
                file.format
            )));
        }
        let blobs = BlobStore::new(dir.join("blobs")).map_err(io_err("the blob folder"))?;
        Ok(Vault {
            dir: dir.to_path_buf(),
            id: file.id,
            key_check: file.key_check,
            blobs,
            state: Mutex::new(None),
            lock_hooks: Mutex::new(Vec::new()),
        })
    }

    /// Whether a vault exists in `dir`.
    pub fn exists(dir: &Path) -> bool {
        dir.join("vault.json").is_file()
    }

    /// The vault's id (random; names its key in key stores).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The vault's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Unlock with the key kept by `keys`.
    pub fn unlock(&self, keys: &dyn KeyStore) -> Result<()> {
        let key = match keys.load(&self.id) {
            Ok(Some(k)) => k,
            Ok(None) => {
                return Err(Error::KeyStore(
                    "no key for this vault in the key store".into(),
                ))
            }
            Err(KeyStoreError::WrongSecret) => return Err(Error::WrongKey),
            Err(e) => return Err(Error::KeyStore(e.to_string())),
        };
        self.unlock_with(key)
    }

    /// Unlock with a vault key obtained elsewhere (a cached copy, say).
    pub fn unlock_with_key(&self, key: Key) -> Result<()> {
        self.unlock_with(key)
    }

    /// A copy of the vault key, to cache in a key store.
    pub(crate) fn key_copy(&self) -> Result<Key> {
        self.with(|u| Ok(u.key.clone()))
    }

    fn unlock_with(&self, key: Key) -> Result<()> {
        if let Some(check) = &self.key_check {
            let ours = key_check(&key, &self.id);
            if !subtle_eq(ours.as_bytes(), check.as_bytes()) {
                return Err(Error::WrongKey);
            }
        }
        let index = Index::open(&self.dir.join("index.db"), &key)?;
        *self.lock_state() = Some(Unlocked {
            key,
            index,
            study_keys: HashMap::new(),
        });
        self.collect_orphans()?;
        Ok(())
    }

    /// Lock: forget every key and close the index; viewers drop the pixels they hold
    /// ([`Vault::on_lock`]).
    pub fn lock(&self) {
        *self.lock_state() = None; // keys zeroize on drop
        let hooks: Vec<_> = {
            let mut hooks = self.lock_hooks.lock().unwrap_or_else(|p| p.into_inner());
            hooks.retain(|h| h.strong_count() > 0);
            hooks.iter().filter_map(|h| h.upgrade()).collect()
        };
        for hook in hooks {
            hook();
        }
    }

    /// Run `hook` whenever the vault locks, for as long as the caller keeps it alive (the vault
    /// holds it weakly).
    pub fn on_lock(&self, hook: &Arc<LockHook>) {
        let mut hooks = self.lock_hooks.lock().unwrap_or_else(|p| p.into_inner());
        hooks.retain(|h| h.strong_count() > 0);
        hooks.push(Arc::downgrade(hook));
    }

    /// Whether the vault is unlocked.
    pub fn is_unlocked(&self) -> bool {
        self.lock_state().is_some()
    }

    fn lock_state(&self) -> MutexGuard<'_, Option<Unlocked>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn with<T>(&self, f: impl FnOnce(&mut Unlocked) -> Result<T>) -> Result<T> {
        let mut guard = self.lock_state();
        let u = guard.as_mut().ok_or(Error::Locked)?;
        f(u)
    }

    /// The SQLCipher version encrypting the index.
    pub fn cipher_version(&self) -> Result<String> {
        self.with(|u| u.index.cipher_version())
    }

    /// Remove blobs that no index row references (left by an interrupted import or delete).
    fn collect_orphans(&self) -> Result<()> {
        let on_disk = self.blobs.list().map_err(io_err("the blob folder"))?;
        let known: std::collections::HashSet<String> = self.with(|u| {
            let mut stmt = u
                .index
                .conn
                .prepare("SELECT blob_id FROM instance UNION SELECT blob_id FROM thumbnail")
                .map_err(sql)?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(sql)?;
            rows.collect::<std::result::Result<_, _>>().map_err(sql)
        })?;
        for id in on_disk {
            if !known.contains(&hex::encode(id)) {
                self.blobs.remove(&id).map_err(io_err("an orphan blob"))?;
            }
        }
        Ok(())
    }

    fn study_key(u: &mut Unlocked, study_id: &str) -> Result<Key> {
        if let Some(k) = u.study_keys.get(study_id) {
            return Ok(k.clone());
        }
        let sealed: Vec<u8> = u
            .index
            .conn
            .query_row(
                "SELECT sealed_key FROM study WHERE id = ?1",
                [study_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql)?
            .ok_or(Error::NotFound("study"))?;
        let raw = crypto::open(&u.key, &sealed, study_ad(study_id).as_bytes())
            .map_err(|_| Error::Integrity("a study key does not open".into()))?;
        let key = Key::from_slice(&raw).ok_or_else(|| Error::Integrity("bad study key".into()))?;
        u.study_keys.insert(study_id.to_string(), key.clone());
        Ok(key)
    }

    /// Every study, newest first.
    pub fn studies(&self) -> Result<Vec<StudyRow>> {
        self.with(|u| {
            let mut stmt = u
                .index
                .conn
                .prepare(
                    "SELECT s.id, s.patient_name, s.patient_id, s.study_date, s.description,
                            (SELECT group_concat(DISTINCT modality) FROM series WHERE study_id = s.id),
                            (SELECT count(*) FROM series WHERE study_id = s.id),
                            (SELECT count(*) FROM instance i JOIN series se ON i.series_id = se.id
                              WHERE se.study_id = s.id)
                     FROM study s ORDER BY s.study_date DESC, s.created_at DESC",
                )
                .map_err(sql)?;
            let rows = stmt
                .query_map([], |r| {
                    let modalities: Option<String> = r.get(5)?;
                    Ok(StudyRow {
                        id: r.get(0)?,
                        patient_name: r.get(1)?,
                        patient_id: r.get(2)?,
                        study_date: r.get(3)?,
                        description: r.get(4)?,
                        modalities: modalities
                            .map(|m| m.split(',').map(str::to_string).collect())
                            .unwrap_or_default(),
                        series_count: r.get(6)?,
                        instance_count: r.get(7)?,
                    })
                })
                .map_err(sql)?;
            rows.collect::<std::result::Result<_, _>>().map_err(sql)
        })
    }

    /// The patients of the vault: studies grouped by (Patient ID, Patient's Name), newest first.
    pub fn patients(&self) -> Result<Vec<PatientRow>> {
        let mut out: Vec<PatientRow> = Vec::new();
        for s in self.studies()? {
            let id = patient_key(&s.patient_id, &s.patient_name);
            match out.iter_mut().find(|p| p.id == id) {
                Some(p) => {
                    p.study_count += 1;
                    if s.study_date > p.latest_study_date {
                        p.latest_study_date = s.study_date.clone();
                    }
                }
                None => out.push(PatientRow {
                    id,
                    name: s.patient_name.clone(),
                    patient_id: s.patient_id.clone(),
                    study_count: 1,
                    latest_study_date: s.study_date.clone(),
                }),
            }
        }
        out.sort_by(|a, b| b.latest_study_date.cmp(&a.latest_study_date));
        Ok(out)
    }

    /// The studies of one patient (an id from [`Vault::patients`]), newest first.
    pub fn studies_of(&self, patient: &str) -> Result<Vec<StudyRow>> {
        let rows: Vec<StudyRow> = self
            .studies()?
            .into_iter()
            .filter(|s| patient_key(&s.patient_id, &s.patient_name) == patient)
            .collect();
        if rows.is_empty() {
            return Err(Error::NotFound("patient"));
        }
        Ok(rows)
    }

    /// The series of a study, by series number.
    pub fn series(&self, study_id: &str) -> Result<Vec<SeriesRow>> {
        self.with(|u| {
            let exists: bool = u
                .index
                .conn
                .query_row(
                    "SELECT count(*) FROM study WHERE id = ?1",
                    [study_id],
                    |r| r.get::<_, i64>(0),
                )
                .map_err(sql)?
                > 0;
            if !exists {
                return Err(Error::NotFound("study"));
            }
            let mut stmt = u
                .index
                .conn
                .prepare(
                    "SELECT se.id, se.number, se.modality, se.description,
                            (SELECT count(*) FROM instance WHERE series_id = se.id)
                     FROM series se WHERE se.study_id = ?1
                     ORDER BY se.number IS NULL, se.number, se.description",
                )
                .map_err(sql)?;
            let rows = stmt
                .query_map([study_id], |r| {
                    Ok(SeriesRow {
                        id: r.get(0)?,
                        number: r.get(1)?,
                        modality: r.get(2)?,
                        description: r.get(3)?,
                        instance_count: r.get(4)?,
                    })
                })
                .map_err(sql)?;
            rows.collect::<std::result::Result<_, _>>().map_err(sql)
        })
    }

    /// The instances of a series in display order: along the slice normal when the geometry is
    /// known and shared, else by instance number.
    pub fn instances(&self, series_id: &str) -> Result<Vec<InstanceRow>> {
        let mut rows = self.with(|u| {
            let mut stmt = u
                .index
                .conn
                .prepare_cached(
                    "SELECT id, number, frames, rows, cols, conflict, blob_id, position, orientation
                     FROM instance WHERE series_id = ?1",
                )
                .map_err(sql)?;
            let rows = stmt
                .query_map([series_id], |r| {
                    let blob: String = r.get(6)?;
                    let pos: Option<String> = r.get(7)?;
                    let ori: Option<String> = r.get(8)?;
                    Ok(InstanceRow {
                        id: r.get(0)?,
                        number: r.get(1)?,
                        frames: r.get(2)?,
                        rows: r.get(3)?,
                        cols: r.get(4)?,
                        conflict: r.get::<_, i64>(5)? != 0,
                        blob_id: hex::decode(blob)
                            .ok()
                            .and_then(|b| b.try_into().ok())
                            .unwrap_or([0; 16]),
                        position: pos.and_then(|p| parse_floats::<3>(&p)),
                        orientation: ori.and_then(|p| parse_floats::<6>(&p)),
                    })
                })
                .map_err(sql)?;
            rows.collect::<std::result::Result<Vec<_>, _>>()
                .map_err(sql)
        })?;
        if rows.is_empty() {
            self.with(|u| {
                u.index
                    .conn
                    .query_row("SELECT id FROM series WHERE id = ?1", [series_id], |r| {
                        r.get::<_, String>(0)
                    })
                    .optional()
                    .map_err(sql)?
                    .ok_or(Error::NotFound("series"))
            })?;
        }
        sort_for_display(&mut rows);
        Ok(rows)
    }

    /// The study a series belongs to.
    pub fn study_of_series(&self, series_id: &str) -> Result<String> {
        self.with(|u| {
            u.index
                .conn
                .prepare_cached("SELECT study_id FROM series WHERE id = ?1")
                .map_err(sql)?
                .query_row([series_id], |r| r.get(0))
                .optional()
                .map_err(sql)?
                .ok_or(Error::NotFound("series"))
        })
    }

    /// Open instance `index` (display order) of a series for viewing: a slice is decrypted
    /// whole (and wiped when the image is dropped); an object over [`WHOLE_FILE_LIMIT`] has only
    /// the chunks of each frame asked for decrypted. Frames are decoded on demand.
    pub fn open_instance(&self, series_id: &str, index: usize) -> Result<DicomImage> {
        let rows = self.instances(series_id)?;
        let row = rows.get(index).ok_or(Error::NotFound("instance"))?;
        let study = self.study_of_series(series_id)?;
        self.open_blob(&study, &row.blob_id)
    }

    /// Open a listed instance of `study_id` (a row from [`Vault::instances`]) without listing
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
        let blob: String = self.with(|u| {
            u.index
                .conn
                .prepare_cached(
                    "SELECT i.blob_id FROM instance i JOIN series s ON i.series_id = s.id
                     WHERE i.id = ?1 AND s.study_id = ?2",
                )
                .map_err(sql)?
                .query_row([instance_id, study_id], |r| r.get(0))
                .optional()
                .map_err(sql)?
                .ok_or(Error::NotFound("instance"))
        })?;
        let blob = parse_blob_id(&blob)?;
        let key = self.with(|u| Self::study_key(u, study_id))?;
        let reader = self.blobs.reader(&key, &blob).map_err(integrity)?;
        reader.read_all().map_err(integrity)
    }

    /// Render frame `frame` of instance `index` of a series.
    pub fn render(
        &self,
        series_id: &str,
        index: usize,
        frame: u32,
        voi: &Voi,
    ) -> Result<(render::Image, render::Applied)> {
        let img = self.open_instance(series_id, index)?;
        let decoded = img.decode_frame(frame).map_err(map_integrity)?;
        render::render(img.info()?, &decoded, voi)
    }

    /// The thumbnail of a series, as PNG bytes (made at import, stored encrypted).
    pub fn thumbnail(&self, series_id: &str) -> Result<Vec<u8>> {
        let study = self.study_of_series(series_id)?;
        let blob: Option<String> = self.with(|u| {
            u.index
                .conn
                .query_row(
                    "SELECT blob_id FROM thumbnail WHERE series_id = ?1",
                    [series_id],
                    |r| r.get(0),
                )
                .optional()
                .map_err(sql)
        })?;
        let blob = parse_blob_id(&blob.ok_or(Error::NotFound("thumbnail"))?)?;
        let key = self.with(|u| Self::study_key(u, &study))?;
        let reader = self.blobs.reader(&key, &blob).map_err(integrity)?;
        Ok(reader.read_all().map_err(integrity)?.to_vec())
    }

    /// Delete a study: its key is destroyed, its blobs removed, the index space wiped
    /// (`secure_delete`) and reclaimed.
    pub fn delete_study(&self, study_id: &str) -> Result<()> {
        let blobs: Vec<String> = self.with(|u| {
            let ids: Vec<String> = {
                let mut stmt = u
                    .index
                    .conn
                    .prepare(
                        "SELECT i.blob_id FROM instance i JOIN series s ON i.series_id = s.id WHERE s.study_id = ?1
                         UNION SELECT t.blob_id FROM thumbnail t JOIN series s ON t.series_id = s.id WHERE s.study_id = ?1",
                    )
                    .map_err(sql)?;
                let rows = stmt.query_map([study_id], |r| r.get(0)).map_err(sql)?;
                rows.collect::<std::result::Result<_, _>>().map_err(sql)?
            };
            let n = u.index.conn.execute("DELETE FROM study WHERE id = ?1", [study_id]).map_err(sql)?;
            if n == 0 {
                return Err(Error::NotFound("study"));
            }
            u.study_keys.remove(study_id);
            u.index.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;").map_err(sql)?;
            Ok(ids)
        })?;
        for b in blobs {
            self.blobs
                .remove(&parse_blob_id(&b)?)
                .map_err(io_err("a blob"))?;
        }
        Ok(())
    }

    /// Store one DICOM file (already read, made [`Storable`]) in the vault. Returns what happened
    /// to it.
    pub(crate) fn store(&self, file: &Storable, image: &DicomImage) -> Result<Stored> {
        let (bytes, digest) = (file.bytes.as_slice(), &file.digest);
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

        // look up what the index has for this instance, study and series
        let (existing, study_id, series_id) = self.with(|u| {
            let existing: Vec<Vec<u8>> = {
                let mut stmt = u
                    .index
                    .conn
                    .prepare_cached("SELECT sha256 FROM instance WHERE sop_uid = ?1")
                    .map_err(sql)?;
                let rows = stmt.query_map([&sop], |r| r.get(0)).map_err(sql)?;
                rows.collect::<std::result::Result<_, _>>().map_err(sql)?
            };
            let study: Option<(String, Option<String>, Option<String>)> = u
                .index
                .conn
                .prepare_cached(
                    "SELECT id, patient_id, patient_name FROM study WHERE study_uid = ?1",
                )
                .map_err(sql)?
                .query_row([&study_uid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()
                .map_err(sql)?;
            let series: Option<(String, String)> = u
                .index
                .conn
                .prepare_cached("SELECT id, study_id FROM series WHERE series_uid = ?1")
                .map_err(sql)?
                .query_row([&series_uid], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
                .map_err(sql)?;
            Ok((existing, study, series))
        })?;
        // A file naming a study (or series) already stored must be of the same patient, and a
        // series must stay in its study: else a crafted file with another patient's Study
        // Instance UID would be filed, shown and shared inside that patient's study.
        let study_id = match study_id {
            Some((id, patient_id, patient_name)) => {
                if !same_patient(
                    (&patient_id, &patient_name),
                    (&s.patient_id, &s.patient_name),
                ) {
                    return Err(Error::bad(
                        "PatientID",
                        "this file names a study already in the vault for another patient: \
                         not imported (check where it came from)",
                    ));
                }
                Some(id)
            }
            None => None,
        };
        let series_id = match series_id {
            Some((series, of_study)) if Some(&of_study) == study_id.as_ref() => Some(series),
            Some(_) => {
                return Err(Error::bad(
                    "SeriesInstanceUID",
                    "this file names a series of another study in the vault: not imported",
                ))
            }
            None => None,
        };
        if existing.iter().any(|h| h.as_slice() == digest) {
            return Ok(Stored::Duplicate);
        }
        let conflict = !existing.is_empty();
        let study_id = study_id.unwrap_or_else(new_id);
        let new_study = self.with(|u| {
            Ok(u.index
                .conn
                .query_row(
                    "SELECT count(*) FROM study WHERE id = ?1",
                    [&study_id],
                    |r| r.get::<_, i64>(0),
                )
                .map_err(sql)?
                == 0)
        })?;
        let study_key = if new_study {
            Key::random()
        } else {
            self.with(|u| Self::study_key(u, &study_id))?
        };

        // the blob first (synced), then the index row: a crash leaves at worst an orphan blob
        let blob = crypto::new_blob_id();
        let size = self
            .blobs
            .write(&study_key, &blob, bytes)
            .map_err(io_err("a blob"))?;

        let series_id = series_id.unwrap_or_else(new_id);
        let instance_id = new_id();
        self.with(|u| {
            let sealed = crypto::seal(&u.key, study_key.expose(), study_ad(&study_id).as_bytes());
            in_transaction(&mut u.index.conn, |tx| {
                if new_study {
                    tx.execute(
                        "INSERT INTO study (id, study_uid, patient_name, patient_id, birth_date, sex, study_date, description, accession, sealed_key, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                        params![study_id, study_uid, s.patient_name, s.patient_id, s.patient_birth_date, s.patient_sex, s.study_date, s.study_description, s.accession_number, sealed, now()],
                    )
                    .map_err(sql)?;
                }
                tx.execute(
                    "INSERT OR IGNORE INTO series (id, study_id, series_uid, number, modality, description, body_part)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![series_id, study_id, series_uid, s.series_number, s.modality, s.series_description, s.body_part],
                )
                .map_err(sql)?;
                tx.execute(
                    "INSERT INTO instance (id, series_id, sop_uid, sop_class, number, position, orientation, frames, rows, cols, transfer_syntax, blob_id, size, sha256, conflict, imported_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                    params![
                        instance_id, series_id, sop, s.sop_class_uid, s.instance_number,
                        s.image_position_patient.map(|p| join(&p)), s.image_orientation_patient.map(|p| join(&p)),
                        info.map(|i| i.frames).unwrap_or(0), info.map(|i| i.rows), info.map(|i| i.cols),
                        info.map(|i| i.transfer_syntax.uid.clone()), hex::encode(blob), size as i64, digest.to_vec(),
                        conflict as i64, now()
                    ],
                )
                .map_err(sql)?;
                Ok(())
            })?;
            u.study_keys.insert(study_id.clone(), study_key.clone());
            Ok(())
        })?;
        Ok(Stored::Added {
            study_id,
            series_id,
            conflict,
            patient: patient_of(&s),
        })
    }

    /// Series that have instances but no thumbnail (an import was interrupted before making it).
    pub(crate) fn series_without_thumbnail(&self) -> Result<Vec<String>> {
        self.with(|u| {
            let mut stmt = u
                .index
                .conn
                .prepare(
                    "SELECT s.id FROM series s WHERE NOT EXISTS (SELECT 1 FROM thumbnail t WHERE t.series_id = s.id)
                     AND EXISTS (SELECT 1 FROM instance i WHERE i.series_id = s.id)",
                )
                .map_err(sql)?;
            let rows = stmt.query_map([], |r| r.get(0)).map_err(sql)?;
            rows.collect::<std::result::Result<_, _>>().map_err(sql)
        })
    }

    /// Make (or remake) the thumbnail of a series from its middle instance.
    pub(crate) fn make_thumbnail(&self, series_id: &str) -> Result<()> {
        let rows = self.instances(series_id)?;
        let Some(mid) = rows.get(rows.len() / 2) else {
            return Ok(());
        };
        let study = self.study_of_series(series_id)?;
        let img = self.open_blob(&study, &mid.blob_id)?;
        let Ok(info) = img.info() else { return Ok(()) }; // no image (a report): no thumbnail
        let frame = img.decode_frame(info.frames / 2)?;
        let (full, _) = render::render(info, &frame, &Voi::Default)?;
        let png = render::encode_png(&render::thumbnail(&full, 128))?;
        let key = self.with(|u| Self::study_key(u, &study))?;
        let blob = crypto::new_blob_id();
        self.blobs
            .write(&key, &blob, &png)
            .map_err(io_err("a thumbnail"))?;
        let old: Option<String> = self.with(|u| {
            let old = u
                .index
                .conn
                .query_row(
                    "SELECT blob_id FROM thumbnail WHERE series_id = ?1",
                    [series_id],
                    |r| r.get(0),
                )
                .optional()
                .map_err(sql)?;
            u.index
                .conn
                .execute(
                    "INSERT INTO thumbnail (series_id, blob_id) VALUES (?1, ?2)
                     ON CONFLICT(series_id) DO UPDATE SET blob_id = excluded.blob_id",
                    params![series_id, hex::encode(blob)],
                )
                .map_err(sql)?;
            Ok(old)
        })?;
        if let Some(old) = old {
            self.blobs
                .remove(&parse_blob_id(&old)?)
                .map_err(io_err("a thumbnail"))?;
        }
        Ok(())
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

fn study_ad(study_id: &str) -> String {
    format!("scanpass study key v1\0{study_id}")
}

/// A file's bytes as the vault stores them: the preamble zeroed (it may carry executable content:
/// PE/ELF polyglots), with their SHA-256 (the dedupe key). Made on any thread: the import makes it
/// on its reading thread, beside the one that stores.
pub(crate) struct Storable {
    bytes: Vec<u8>,
    digest: [u8; 32],
}

impl Storable {
    pub(crate) fn new(mut bytes: Vec<u8>) -> Storable {
        if bytes.len() >= 132 && &bytes[128..132] == b"DICM" {
            bytes[..128].fill(0);
        }
        let digest = sha256(&bytes);
        Storable { bytes, digest }
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

fn join(v: &[f64]) -> String {
    v.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join("\\")
}

fn parse_floats<const N: usize>(s: &str) -> Option<[f64; N]> {
    let v: Vec<f64> = s
        .split('\\')
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    v.try_into().ok()
}

fn parse_blob_id(s: &str) -> Result<BlobId> {
    hex::decode(s)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Error::Integrity("bad blob id in the index".into()))
}

fn integrity(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::InvalidData {
        Error::Integrity("a stored file fails its integrity check".into())
    } else {
        Error::Io {
            what: "a stored file",
            source: e,
        }
    }
}

fn map_integrity(e: Error) -> Error {
    match e {
        Error::Io { source, .. } if source.kind() == std::io::ErrorKind::InvalidData => {
            Error::Integrity("a stored image fails its integrity check".into())
        }
        other => other,
    }
}

/// Display order: by position along the slice normal when every instance has the same
/// orientation and a position; else by instance number; ties by id.
fn sort_for_display(rows: &mut [InstanceRow]) {
    let shared = rows.first().and_then(|r| r.orientation).filter(|o| {
        rows.iter().all(|r| {
            r.position.is_some()
                && r.orientation
                    .is_some_and(|x| x.iter().zip(o).all(|(a, b)| (a - b).abs() < 1e-3))
        })
    });
    match shared {
        Some(o) => {
            let n = [
                o[1] * o[5] - o[2] * o[4],
                o[2] * o[3] - o[0] * o[5],
                o[0] * o[4] - o[1] * o[3],
            ];
            let d = |r: &InstanceRow| {
                r.position
                    .map(|p| p[0] * n[0] + p[1] * n[1] + p[2] * n[2])
                    .unwrap_or(0.0)
            };
            rows.sort_by(|a, b| {
                d(a).total_cmp(&d(b))
                    .then(a.number.cmp(&b.number))
                    .then(a.id.cmp(&b.id))
            });
        }
        None => rows.sort_by(|a, b| a.number.cmp(&b.number).then(a.id.cmp(&b.id))),
    }
}

/// Constant-time equality of two check values (`subtle`).
fn subtle_eq(a: &[u8], b: &[u8]) -> bool {
    subtle::ConstantTimeEq::ct_eq(a, b).into()
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

/// The opaque id of a patient: a hash of the identity under a per-process random salt, so that it
/// is stable while the app runs but says nothing of the patient if it is logged or kept.
fn patient_key(id: &Option<String>, name: &Option<String>) -> String {
    use sha2::Digest;
    static SALT: std::sync::OnceLock<[u8; 16]> = std::sync::OnceLock::new();
    let salt = SALT.get_or_init(rand::random);
    let mut h = sha2::Sha256::new();
    h.update(salt);
    for part in [id, name] {
        let v = part.as_deref().unwrap_or("").trim();
        h.update((v.len() as u64).to_le_bytes());
        h.update(v.as_bytes());
    }
    hex::encode(&h.finalize()[..8])
}

#[cfg(test)]
mod tests;
