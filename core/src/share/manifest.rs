//! The manifest of a share (docs/share-format.md): what the files are, where their chunks are,
//! and what a viewer lists before it fetches a slice. Sealed with the manifest key.

use serde::{Deserialize, Serialize};

/// `format` of every manifest.
pub const FORMAT: &str = "scanpass-share";
/// The manifest version this code writes for one study (and reads).
pub const VERSION: u32 = 1;
/// The version of a share of several studies (`studies`, `series[].study`), also read.
pub const VERSION_STUDIES: u32 = 2;
/// Largest piece of a file in one chunk.
pub const CHUNK_SIZE: usize = 4 << 20;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub created_at: i64,
    pub chunk_size: u64,
    pub chunk_count: u32,
    /// The de-identification preset applied before sealing (`second-opinion`, `research`).
    pub deidentified: Option<String>,
    /// Why some images may show identifying text in their pixels, when that is so.
    pub burned_in_warning: Option<String>,
    /// `None` for an anonymous (research) share. With several studies: the first study's.
    pub patient: Option<Patient>,
    /// The study; with several studies, the first (as `studies[0]`, without its `patient`).
    pub study: Study,
    /// Version 2: every study, in the order the patient chose. Empty in version 1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub studies: Vec<Study>,
    pub series: Vec<Series>,
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Patient {
    pub name: Option<String>,
    pub id: Option<String>,
    pub birth_date: Option<String>,
    pub sex: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Study {
    pub uid: Option<String>,
    pub date: Option<String>,
    pub time: Option<String>,
    pub description: Option<String>,
    pub accession: Option<String>,
    pub modalities: Vec<String>,
    /// Version 2: the patient as this study's files name it (`None` for a research share).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<Patient>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// Version 2: index into [`Manifest::studies`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub study: Option<u32>,
    pub uid: Option<String>,
    pub number: Option<i64>,
    pub modality: Option<String>,
    pub description: Option<String>,
    pub body_part: Option<String>,
    pub instances: u32,
    pub thumbnail_chunk: Option<u32>,
    /// Indexes into [`Manifest::files`], in display order.
    pub files: Vec<u32>,
}

/// What a file of the share is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Image,
    Readme,
    Dicomdir,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub kind: FileKind,
    pub size: u64,
    pub sha256: String,
    pub first_chunk: u32,
    pub chunks: u32,
    pub series: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sop_instance_uid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sop_class_uid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_syntax: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_number: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frames: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cols: Option<u32>,
}

/// Why a decrypted manifest is not one this code reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    #[error("the share was made by a newer Scanpass (format version {0}): update the app")]
    TooNew(u32),
    #[error("the share's list of files is damaged")]
    Damaged,
}

/// Whether `path` is one of the names a Scanpass file-set gives a file of this kind (the only
/// names a manifest may hold): `DICOMDIR`, `README.TXT`, `DICOM/PTnnnnnn/STnnnnnn/SEnnnnnn/IMnnnnnn`.
/// Anything else (`..`, an absolute path, a terminal escape, a name of another file-set) would
/// reach a zip, a folder or a terminal as the sender chose it.
pub fn is_file_set_path(path: &str, kind: FileKind) -> bool {
    match kind {
        FileKind::Dicomdir => path == "DICOMDIR",
        FileKind::Readme => path == "README.TXT",
        FileKind::Image => {
            let mut parts = path.split('/');
            parts.next() == Some("DICOM")
                && ["PT", "ST", "SE", "IM"].iter().all(|prefix| {
                    parts.next().is_some_and(|p| {
                        p.len() == 8
                            && p.starts_with(prefix)
                            && p[2..].bytes().all(|b| b.is_ascii_digit())
                    })
                })
                && parts.next().is_none()
        }
    }
}

impl Manifest {
    /// Read a decrypted manifest and check that its chunk ranges and indexes hold together, so
    /// that no later step indexes out of range.
    pub fn from_json(bytes: &[u8]) -> Result<Manifest, ManifestError> {
        #[derive(Deserialize)]
        struct Head {
            format: String,
            version: u32,
        }
        let head: Head = serde_json::from_slice(bytes).map_err(|_| ManifestError::Damaged)?;
        if head.format != FORMAT {
            return Err(ManifestError::Damaged);
        }
        if head.version != VERSION && head.version != VERSION_STUDIES {
            return Err(ManifestError::TooNew(head.version));
        }
        let m: Manifest = serde_json::from_slice(bytes).map_err(|_| ManifestError::Damaged)?;
        m.check()?;
        Ok(m)
    }

    fn check(&self) -> Result<(), ManifestError> {
        let bad = || ManifestError::Damaged;
        if self.chunk_size == 0 || self.chunk_size > 64 << 20 || self.chunk_count > 1 << 20 {
            return Err(bad());
        }
        for f in &self.files {
            let end = f.first_chunk as u64 + f.chunks as u64;
            let need = f.size.div_ceil(self.chunk_size);
            if end > self.chunk_count as u64 || need != f.chunks as u64 {
                return Err(bad());
            }
            if f.series.is_some_and(|s| s as usize >= self.series.len()) {
                return Err(bad());
            }
            if f.sha256.len() != 64 || hex::decode(&f.sha256).is_err() {
                return Err(bad());
            }
            if !is_file_set_path(&f.path, f.kind) {
                return Err(bad());
            }
        }
        let several = self.version == VERSION_STUDIES;
        if several && self.studies.is_empty() {
            return Err(bad());
        }
        for s in &self.series {
            if s.files.iter().any(|&i| i as usize >= self.files.len()) {
                return Err(bad());
            }
            let study_ok = match s.study {
                Some(i) => several && (i as usize) < self.studies.len(),
                None => !several,
            };
            if !study_ok {
                return Err(bad());
            }
            if s.thumbnail_chunk.is_some_and(|c| c >= self.chunk_count) {
                return Err(bad());
            }
        }
        Ok(())
    }

    /// Every study of the share: `studies` (version 2), else the one `study` with its patient.
    pub fn all_studies(&self) -> Vec<Study> {
        if self.studies.is_empty() {
            vec![Study {
                patient: self.patient.clone(),
                ..self.study.clone()
            }]
        } else {
            self.studies.clone()
        }
    }

    /// The index into [`Manifest::all_studies`] of series `s`.
    pub fn study_of_series(&self, s: &Series) -> usize {
        s.study.unwrap_or(0) as usize
    }

    pub fn to_json(&self) -> Vec<u8> {
        // plain data with string keys: serialization cannot fail
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Bytes of all files.
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn only_the_file_set_s_own_names_are_read() {
        use FileKind::*;
        assert!(is_file_set_path(
            "DICOM/PT000000/ST000001/SE000002/IM000003",
            Image
        ));
        assert!(is_file_set_path("DICOMDIR", Dicomdir));
        assert!(is_file_set_path("README.TXT", Readme));
        for bad in [
            "../../.bashrc",
            "/etc/passwd",
            "DICOM/PT000000/ST000000/SE000000/../../x",
            "DICOM/PT000000/ST000000/SE000000/IM000000/x",
            "DICOM/PT000000/ST000000/SE000000",
            "DICOM/PT00000a/ST000000/SE000000/IM000000",
            "DICOM\\PT000000\\ST000000\\SE000000\\IM000000",
            "DICOM/PT000000/ST000000/SE000000/IM000000\u{1b}[2J",
            "dicom/PT000000/ST000000/SE000000/IM000000",
            "DICOMDIR",
        ] {
            assert!(!is_file_set_path(bad, Image), "{bad}");
        }
        assert!(!is_file_set_path("../DICOMDIR", Dicomdir));
        assert!(!is_file_set_path("README.TXT\n", Readme));
        let mut m = sample();
        m.files[0].path = "../../evil".into();
        assert_eq!(
            Manifest::from_json(&m.to_json()),
            Err(ManifestError::Damaged)
        );
    }
    use super::*;

    fn sample() -> Manifest {
        Manifest {
            format: FORMAT.into(),
            version: VERSION,
            created_at: 1,
            chunk_size: CHUNK_SIZE as u64,
            chunk_count: 2,
            deidentified: None,
            burned_in_warning: None,
            patient: None,
            study: Study::default(),
            studies: Vec::new(),
            series: vec![Series {
                files: vec![0],
                instances: 1,
                thumbnail_chunk: Some(1),
                ..Default::default()
            }],
            files: vec![FileEntry {
                path: "DICOM/PT000000/ST000000/SE000000/IM000000".into(),
                kind: FileKind::Image,
                size: 10,
                sha256: "00".repeat(32),
                first_chunk: 0,
                chunks: 1,
                series: Some(0),
                sop_instance_uid: None,
                sop_class_uid: None,
                transfer_syntax: None,
                instance_number: Some(1),
                frames: Some(1),
                rows: Some(2),
                cols: Some(5),
            }],
        }
    }

    #[test]
    fn several_studies_read_as_version_2_and_one_as_version_1() {
        let one = sample();
        let studies = one.all_studies();
        assert_eq!(studies.len(), 1);
        assert_eq!(one.study_of_series(&one.series[0]), 0);

        let mut two = sample();
        two.version = VERSION_STUDIES;
        let study = |d: &str| Study {
            date: Some(d.into()),
            patient: Some(Patient {
                id: Some(format!("P{d}")),
                ..Default::default()
            }),
            ..Default::default()
        };
        two.studies = vec![study("20240131"), study("20230612")];
        two.series[0].study = Some(1);
        let read = Manifest::from_json(&two.to_json()).unwrap();
        assert_eq!(read, two);
        assert_eq!(read.all_studies()[1].date.as_deref(), Some("20230612"));
        assert_eq!(read.study_of_series(&read.series[0]), 1);
        // a series in a study that is not there, or in none
        let mut bad = two.clone();
        bad.series[0].study = Some(2);
        assert_eq!(
            Manifest::from_json(&bad.to_json()),
            Err(ManifestError::Damaged)
        );
        bad.series[0].study = None;
        assert_eq!(
            Manifest::from_json(&bad.to_json()),
            Err(ManifestError::Damaged)
        );
        // version 1 bytes are as before: no `studies`, no `series[].study`
        let text = String::from_utf8(one.to_json()).unwrap();
        assert!(!text.contains("\"studies\"") && !text.contains("\"study\":0"));
    }

    #[test]
    fn a_manifest_round_trips_and_bad_ones_are_refused() {
        let m = sample();
        assert_eq!(Manifest::from_json(&m.to_json()).unwrap(), m);
        let mut newer = serde_json::to_value(&m).unwrap();
        newer["version"] = 3.into();
        assert_eq!(
            Manifest::from_json(&serde_json::to_vec(&newer).unwrap()),
            Err(ManifestError::TooNew(3))
        );
        // a file whose chunks run past the end, or whose size needs more chunks
        let mut past = m.clone();
        past.files[0].first_chunk = 2;
        assert_eq!(
            Manifest::from_json(&past.to_json()),
            Err(ManifestError::Damaged)
        );
        let mut big = m.clone();
        big.files[0].size = CHUNK_SIZE as u64 + 1;
        assert_eq!(
            Manifest::from_json(&big.to_json()),
            Err(ManifestError::Damaged)
        );
        let mut series = m.clone();
        series.series[0].files = vec![7];
        assert_eq!(
            Manifest::from_json(&series.to_json()),
            Err(ManifestError::Damaged)
        );
        assert_eq!(
            Manifest::from_json(b"{\"format\":1}"),
            Err(ManifestError::Damaged)
        );
        // version 2 without its studies, or version 1 with series placed in studies: damaged
        let mut v2 = m.clone();
        v2.version = VERSION_STUDIES;
        assert_eq!(
            Manifest::from_json(&v2.to_json()),
            Err(ManifestError::Damaged)
        );
        let mut v1 = m.clone();
        v1.series[0].study = Some(0);
        assert_eq!(
            Manifest::from_json(&v1.to_json()),
            Err(ManifestError::Damaged)
        );
        // unknown fields are ignored (a newer writer within version 1)
        let mut extra = serde_json::to_value(&m).unwrap();
        extra["comment"] = "x".into();
        assert!(Manifest::from_json(&serde_json::to_vec(&extra).unwrap()).is_ok());
    }
}
