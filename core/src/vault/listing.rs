//! Listing what the vault holds: patients, studies, series and instances, as rows read from
//! the encrypted index (display order and display text are the library's: [`crate::library`]).

use serde::Serialize;

use super::Vault;
use crate::crypto::{BlobId, Key};
use crate::error::{Error, Result};

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
    pub(super) blob_id: BlobId,
    #[serde(skip)]
    pub(super) position: Option<[f64; 3]>,
    #[serde(skip)]
    pub(super) orientation: Option<[f64; 6]>,
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
    /// Opaque, the same at every launch and different in every vault (derived under the vault
    /// key): pass it to [`Vault::studies_of`].
    pub id: String,
    pub name: Option<String>,
    pub patient_id: Option<String>,
    pub study_count: u32,
    /// The newest study date (DICOM DA, `YYYYMMDD`), when any study has one.
    pub latest_study_date: Option<String>,
}

impl Vault {
    /// Every study, newest first.
    pub fn studies(&self) -> Result<Vec<StudyRow>> {
        self.with(|u| u.index.studies())
    }

    /// The patients of the vault: studies grouped by (Patient ID, Patient's Name), newest first.
    pub fn patients(&self) -> Result<Vec<PatientRow>> {
        Ok(self.library()?.into_iter().map(|(p, _)| p).collect())
    }

    /// The studies of one patient (an id from [`Vault::patients`]), newest first.
    pub fn studies_of(&self, patient: &str) -> Result<Vec<StudyRow>> {
        self.library()?
            .into_iter()
            .find(|(p, _)| p.id == patient)
            .map(|(_, studies)| studies)
            .ok_or(Error::NotFound("patient"))
    }

    /// Every patient with their studies, newest first, from one listing of the index (what a
    /// library screen shows; [`Vault::patients`] and [`Vault::studies_of`] are views of it).
    pub fn library(&self) -> Result<Vec<(PatientRow, Vec<StudyRow>)>> {
        let mut out: Vec<(PatientRow, Vec<StudyRow>)> = Vec::new();
        let ids = self.patient_ids_key()?;
        for s in self.studies()? {
            let id = patient_key(&ids, &s.patient_id, &s.patient_name);
            match out.iter_mut().find(|(p, _)| p.id == id) {
                Some((p, studies)) => {
                    p.study_count += 1;
                    if s.study_date > p.latest_study_date {
                        p.latest_study_date = s.study_date.clone();
                    }
                    studies.push(s);
                }
                None => out.push((
                    PatientRow {
                        id,
                        name: s.patient_name.clone(),
                        patient_id: s.patient_id.clone(),
                        study_count: 1,
                        latest_study_date: s.study_date.clone(),
                    },
                    vec![s],
                )),
            }
        }
        out.sort_by(|(a, _), (b, _)| b.latest_study_date.cmp(&a.latest_study_date));
        Ok(out)
    }

    /// The series of a study, by series number.
    pub fn series(&self, study_id: &str) -> Result<Vec<SeriesRow>> {
        self.with(|u| {
            if !u.index.has_study(study_id)? {
                return Err(Error::NotFound("study"));
            }
            u.index.series_of(study_id)
        })
    }

    /// The instances of a series, in no particular order: [`crate::library::instances`] gives
    /// them in display order.
    pub fn instance_rows(&self, series_id: &str) -> Result<Vec<InstanceRow>> {
        let rows = self.with(|u| u.index.instances_of(series_id))?;
        if rows.is_empty() {
            self.with(|u| {
                u.index
                    .study_of_series(series_id)?
                    .ok_or(Error::NotFound("series"))
            })?;
        }
        Ok(rows)
    }

    /// The study a series belongs to.
    pub fn study_of_series(&self, series_id: &str) -> Result<String> {
        self.with(|u| {
            u.index
                .study_of_series(series_id)?
                .ok_or(Error::NotFound("series"))
        })
    }
}

/// The opaque id of a patient: a keyed hash of the identity under a key derived from the vault
/// key, so that it is the same at every launch (an app restores its screen after the system
/// killed it) and in no other vault, and says nothing of the patient if it is logged or kept.
fn patient_key(ids: &Key, id: &Option<String>, name: &Option<String>) -> String {
    let mut identity = Vec::new();
    for part in [id, name] {
        let v = part.as_deref().unwrap_or("").trim();
        identity.extend_from_slice(&(v.len() as u64).to_le_bytes());
        identity.extend_from_slice(v.as_bytes());
    }
    hex::encode(&ids.derive("patient", &identity).expose()[..8])
}

impl Vault {
    /// The key patient ids are derived under (from the vault key).
    fn patient_ids_key(&self) -> Result<Key> {
        self.with(|u| Ok(u.key.derive("scanpass patient ids v1", b"")))
    }
}
