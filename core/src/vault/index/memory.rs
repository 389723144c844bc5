//! The index in memory: the tables of the SQLCipher index as vectors in the order rows were
//! stored, every query answered as SQLite answers it (orders, ties, NULLs, constraints), so that
//! tests of everything above the index run on either. Shared by clones: a vault locked and
//! unlocked again (or opened again over the same [`MemoryIndex`]) finds what it stored.

use std::sync::{Arc, Mutex, MutexGuard};

use super::{
    IndexOpener, IndexStore, NewInstance, NewRows, NewSeries, NewStudy, SeriesMatch, StudyMatch,
};
use crate::crypto::{BlobId, Key};
use crate::error::{Error, Result};
use crate::vault::documents::{Document, Documents};
use crate::vault::listing::{InstanceRow, SeriesRow, StudyRow};

/// An index in memory. Cloning shares it.
#[derive(Clone, Default)]
pub struct MemoryIndex {
    shared: Arc<Mutex<Shared>>,
}

#[derive(Default)]
struct Shared {
    /// A check value of the key the index was first opened with (HKDF output; not the key),
    /// so that another key is refused as SQLCipher refuses it.
    key_check: Option<[u8; 16]>,
    tables: Tables,
}

/// The rows of each table, in the order they were stored (SQLite's rowid order).
#[derive(Default, Clone)]
struct Tables {
    studies: Vec<NewStudy>,
    series: Vec<NewSeries>,
    instances: Vec<NewInstance>,
    /// (series id, blob id)
    thumbnails: Vec<(String, BlobId)>,
    requests: Vec<Doc>,
    shares: Vec<Doc>,
}

#[derive(Clone)]
struct Doc {
    id: String,
    data: String,
    study_id: Option<String>,
    created_at: i64,
}

impl MemoryIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    fn tables(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl IndexOpener for MemoryIndex {
    fn open(&self, index_key: &Key) -> Result<Box<dyn IndexStore>> {
        let check: [u8; 16] = index_key
            .derive("scanpass memory index check v1", b"")
            .expose()[..16]
            .try_into()
            .expect("16 of 32 bytes");
        let mut shared = self.tables();
        match shared.key_check {
            None => shared.key_check = Some(check),
            Some(c) if c == check => {}
            Some(_) => {
                return Err(Error::Integrity(
                    "the vault index is damaged, or the key is wrong".into(),
                ))
            }
        }
        Ok(Box::new(self.clone()))
    }
}

/// A broken constraint, worded as SQLite words it.
fn constraint(what: &str) -> Error {
    Error::Storage(format!("{what} constraint failed"))
}

impl Tables {
    fn docs(&self, kind: Documents) -> &Vec<Doc> {
        match kind {
            Documents::Requests => &self.requests,
            Documents::Shares => &self.shares,
        }
    }

    fn docs_mut(&mut self, kind: Documents) -> &mut Vec<Doc> {
        match kind {
            Documents::Requests => &mut self.requests,
            Documents::Shares => &mut self.shares,
        }
    }

    fn has_study(&self, id: &str) -> bool {
        self.studies.iter().any(|s| s.id == id)
    }

    fn series_ids_of(&self, study_id: &str) -> Vec<&str> {
        self.series
            .iter()
            .filter(|s| s.study_id == study_id)
            .map(|s| s.id.as_str())
            .collect()
    }

    /// A document's link must name a stored study (a foreign key).
    fn check_link(&self, study: Option<&str>) -> Result<()> {
        match study {
            Some(s) if !self.has_study(s) => Err(constraint("FOREIGN KEY")),
            _ => Ok(()),
        }
    }
}

fn document(d: &Doc) -> Document {
    Document {
        id: d.id.clone(),
        data: d.data.clone(),
        study_id: d.study_id.clone(),
    }
}

impl IndexStore for MemoryIndex {
    fn studies(&self) -> Result<Vec<StudyRow>> {
        let shared = self.tables();
        let t = &shared.tables;
        let mut rows: Vec<(&NewStudy, StudyRow)> = t
            .studies
            .iter()
            .map(|s| {
                let series: Vec<&NewSeries> =
                    t.series.iter().filter(|se| se.study_id == s.id).collect();
                // group_concat(DISTINCT modality): non-null values in scan order, joined by ','
                let mut distinct: Vec<&str> = Vec::new();
                for m in series.iter().filter_map(|se| se.modality.as_deref()) {
                    if !distinct.contains(&m) {
                        distinct.push(m);
                    }
                }
                let modalities = if distinct.is_empty() {
                    Vec::new()
                } else {
                    distinct.join(",").split(',').map(str::to_string).collect()
                };
                let instance_count = t
                    .instances
                    .iter()
                    .filter(|i| series.iter().any(|se| se.id == i.series_id))
                    .count();
                let row = StudyRow {
                    id: s.id.clone(),
                    patient_name: s.patient_name.clone(),
                    patient_id: s.patient_id.clone(),
                    study_date: s.study_date.clone(),
                    description: s.description.clone(),
                    modalities,
                    series_count: series.len() as u32,
                    instance_count: instance_count as u32,
                };
                (s, row)
            })
            .collect();
        // ORDER BY study_date DESC, created_at DESC (NULL is the smallest value: last); rows that
        // tie keep the order they were stored in (a stable sort, as SQLite's sorter)
        rows.sort_by(|(a, _), (b, _)| {
            b.study_date
                .cmp(&a.study_date)
                .then(b.created_at.cmp(&a.created_at))
        });
        Ok(rows.into_iter().map(|(_, r)| r).collect())
    }

    fn has_study(&self, id: &str) -> Result<bool> {
        Ok(self.tables().tables.has_study(id))
    }

    fn sealed_study_key(&self, id: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .tables()
            .tables
            .studies
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.sealed_key.clone()))
    }

    fn study_by_uid(&self, study_uid: &str) -> Result<Option<StudyMatch>> {
        Ok(self
            .tables()
            .tables
            .studies
            .iter()
            .find(|s| s.study_uid == study_uid)
            .map(|s| StudyMatch {
                id: s.id.clone(),
                patient_id: s.patient_id.clone(),
                patient_name: s.patient_name.clone(),
            }))
    }

    fn delete_study(&mut self, id: &str) -> Result<Option<Vec<BlobId>>> {
        let mut shared = self.tables();
        let t = &mut shared.tables;
        if !t.has_study(id) {
            return Ok(None);
        }
        let series: Vec<String> = t.series_ids_of(id).into_iter().map(String::from).collect();
        let in_study = |s: &str| series.iter().any(|x| x == s);
        // the UNION of instance and thumbnail blobs: distinct, sorted (as their hex text sorts)
        let mut blobs: Vec<BlobId> = t
            .instances
            .iter()
            .filter(|i| in_study(&i.series_id))
            .map(|i| i.blob_id)
            .chain(
                t.thumbnails
                    .iter()
                    .filter(|(s, _)| in_study(s))
                    .map(|(_, b)| *b),
            )
            .collect();
        blobs.sort();
        blobs.dedup();
        // ON DELETE CASCADE for series, instances and thumbnails; SET NULL for documents
        t.instances.retain(|i| !in_study(&i.series_id));
        t.thumbnails.retain(|(s, _)| !in_study(s));
        t.series.retain(|s| s.study_id != id);
        t.studies.retain(|s| s.id != id);
        for doc in t.requests.iter_mut().chain(t.shares.iter_mut()) {
            if doc.study_id.as_deref() == Some(id) {
                doc.study_id = None;
            }
        }
        Ok(Some(blobs))
    }

    fn series_of(&self, study_id: &str) -> Result<Vec<SeriesRow>> {
        let shared = self.tables();
        let t = &shared.tables;
        let mut rows: Vec<SeriesRow> = t
            .series
            .iter()
            .filter(|s| s.study_id == study_id)
            .map(|s| SeriesRow {
                id: s.id.clone(),
                number: s.number,
                modality: s.modality.clone(),
                description: s.description.clone(),
                instance_count: t.instances.iter().filter(|i| i.series_id == s.id).count() as u32,
            })
            .collect();
        // ORDER BY number IS NULL, number, description (NULL description first); ties stay in
        // the order stored
        rows.sort_by(|a, b| {
            (a.number.is_none(), a.number, &a.description).cmp(&(
                b.number.is_none(),
                b.number,
                &b.description,
            ))
        });
        Ok(rows)
    }

    fn series_by_uid(&self, series_uid: &str) -> Result<Option<SeriesMatch>> {
        Ok(self
            .tables()
            .tables
            .series
            .iter()
            .find(|s| s.series_uid == series_uid)
            .map(|s| SeriesMatch {
                id: s.id.clone(),
                study_id: s.study_id.clone(),
            }))
    }

    fn study_of_series(&self, series_id: &str) -> Result<Option<String>> {
        Ok(self
            .tables()
            .tables
            .series
            .iter()
            .find(|s| s.id == series_id)
            .map(|s| s.study_id.clone()))
    }

    fn series_without_thumbnail(&self) -> Result<Vec<String>> {
        let shared = self.tables();
        let t = &shared.tables;
        Ok(t.series
            .iter()
            .filter(|s| {
                !t.thumbnails.iter().any(|(x, _)| *x == s.id)
                    && t.instances.iter().any(|i| i.series_id == s.id)
            })
            .map(|s| s.id.clone())
            .collect())
    }

    fn instances_of(&self, series_id: &str) -> Result<Vec<InstanceRow>> {
        Ok(self
            .tables()
            .tables
            .instances
            .iter()
            .filter(|i| i.series_id == series_id)
            .map(|i| InstanceRow {
                id: i.id.clone(),
                number: i.number,
                frames: i.frames,
                rows: i.rows,
                cols: i.cols,
                conflict: i.conflict,
                blob_id: i.blob_id,
                position: i.position,
                orientation: i.orientation,
            })
            .collect())
    }

    fn instance_digests(&self, sop_uid: &str) -> Result<Vec<[u8; 32]>> {
        Ok(self
            .tables()
            .tables
            .instances
            .iter()
            .filter(|i| i.sop_uid == sop_uid)
            .map(|i| i.sha256)
            .collect())
    }

    fn instance_blob(&self, study_id: &str, instance_id: &str) -> Result<Option<BlobId>> {
        let shared = self.tables();
        let t = &shared.tables;
        Ok(t.instances
            .iter()
            .find(|i| {
                i.id == instance_id
                    && t.series
                        .iter()
                        .any(|s| s.id == i.series_id && s.study_id == study_id)
            })
            .map(|i| i.blob_id))
    }

    fn insert_all(&mut self, rows: &[NewRows]) -> Result<()> {
        let mut shared = self.tables();
        // all or nothing: the rows go into a copy that replaces the tables when all are in
        let mut t = shared.tables.clone();
        for row in rows {
            let (study, series, instance) = (&row.study, &row.series, &row.instance);
            if let Some(s) = study {
                if t.has_study(&s.id) || t.studies.iter().any(|x| x.study_uid == s.study_uid) {
                    return Err(constraint("UNIQUE"));
                }
                t.studies.push(s.clone());
            }
            // INSERT OR IGNORE: a series of that id or UID stays as it is; a new one must link
            // to a stored study
            if !t
                .series
                .iter()
                .any(|x| x.id == series.id || x.series_uid == series.series_uid)
            {
                if !t.has_study(&series.study_id) {
                    return Err(constraint("FOREIGN KEY"));
                }
                t.series.push(series.clone());
            }
            if !t.series.iter().any(|x| x.id == instance.series_id) {
                return Err(constraint("FOREIGN KEY"));
            }
            if t.instances
                .iter()
                .any(|x| x.id == instance.id || x.blob_id == instance.blob_id)
            {
                return Err(constraint("UNIQUE"));
            }
            t.instances.push(instance.clone());
        }
        shared.tables = t;
        Ok(())
    }

    fn blob_ids(&self) -> Result<Vec<BlobId>> {
        let shared = self.tables();
        let t = &shared.tables;
        let mut ids: Vec<BlobId> = t
            .instances
            .iter()
            .map(|i| i.blob_id)
            .chain(t.thumbnails.iter().map(|(_, b)| *b))
            .collect();
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    fn thumbnail_blob(&self, series_id: &str) -> Result<Option<BlobId>> {
        Ok(self
            .tables()
            .tables
            .thumbnails
            .iter()
            .find(|(s, _)| s == series_id)
            .map(|(_, b)| *b))
    }

    fn set_thumbnail(&mut self, series_id: &str, blob: &BlobId) -> Result<Option<BlobId>> {
        let mut shared = self.tables();
        let t = &mut shared.tables;
        if !t.series.iter().any(|s| s.id == series_id) {
            return Err(constraint("FOREIGN KEY"));
        }
        if t.thumbnails
            .iter()
            .any(|(s, b)| b == blob && s != series_id)
        {
            return Err(constraint("UNIQUE"));
        }
        match t.thumbnails.iter_mut().find(|(s, _)| s == series_id) {
            Some((_, b)) => Ok(Some(std::mem::replace(b, *blob))),
            None => {
                t.thumbnails.push((series_id.to_string(), *blob));
                Ok(None)
            }
        }
    }

    fn put_document(
        &mut self,
        kind: Documents,
        id: &str,
        data: &str,
        study: Option<&str>,
        now: i64,
    ) -> Result<()> {
        let mut shared = self.tables();
        let t = &mut shared.tables;
        t.check_link(study)?;
        let docs = t.docs_mut(kind);
        match docs.iter_mut().find(|d| d.id == id) {
            Some(d) => {
                d.data = data.to_string();
                d.study_id = study.map(String::from);
            }
            None => docs.push(Doc {
                id: id.to_string(),
                data: data.to_string(),
                study_id: study.map(String::from),
                created_at: now,
            }),
        }
        Ok(())
    }

    fn update_document(
        &mut self,
        kind: Documents,
        id: &str,
        data: &str,
        study: Option<&str>,
        _now: i64,
    ) -> Result<bool> {
        let mut shared = self.tables();
        let t = &mut shared.tables;
        if !t.docs(kind).iter().any(|d| d.id == id) {
            return Ok(false);
        }
        t.check_link(study)?;
        let d = t
            .docs_mut(kind)
            .iter_mut()
            .find(|d| d.id == id)
            .expect("checked above");
        d.data = data.to_string();
        d.study_id = study.map(String::from);
        Ok(true)
    }

    fn document(&self, kind: Documents, id: &str) -> Result<Option<Document>> {
        Ok(self
            .tables()
            .tables
            .docs(kind)
            .iter()
            .find(|d| d.id == id)
            .map(document))
    }

    fn documents(&self, kind: Documents) -> Result<Vec<Document>> {
        let shared = self.tables();
        let mut docs: Vec<&Doc> = shared.tables.docs(kind).iter().collect();
        docs.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        Ok(docs.into_iter().map(document).collect())
    }

    fn document_ids_starting(&self, kind: Documents, prefix: &str) -> Result<Vec<String>> {
        let shared = self.tables();
        let mut ids: Vec<String> = shared
            .tables
            .docs(kind)
            .iter()
            .filter(|d| d.id.starts_with(prefix))
            .map(|d| d.id.clone())
            .collect();
        ids.sort();
        ids.truncate(2);
        Ok(ids)
    }

    fn delete_document(&mut self, kind: Documents, id: &str) -> Result<bool> {
        let mut shared = self.tables();
        let docs = shared.tables.docs_mut(kind);
        let before = docs.len();
        docs.retain(|d| d.id != id);
        Ok(docs.len() < before)
    }

    fn cipher_version(&self) -> Result<String> {
        Err(Error::Storage(
            "the index is kept in memory, not encrypted by SQLCipher".into(),
        ))
    }
}
