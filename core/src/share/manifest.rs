//! The manifest of a share (docs/share-format.md): what the files are, where each lies in the
//! share's one stream ([`super::stream`]), and what a viewer lists before it fetches a slice.
//! Sealed with the manifest key, padded with spaces to a size class.

use serde::{Deserialize, Serialize};

use super::stream::{MAX_CHUNKS, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE};

/// `format` of every manifest.
pub const FORMAT: &str = "scanpass-share";
/// The manifest version this code writes and reads: one padded stream in fixed-size chunks, one
/// or several studies. Versions 1 and 2 (a file per chunk run, sizes visible to the relay) are
/// no longer read: no link of them was ever given out (ADR 9).
pub const VERSION: u32 = 3;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub created_at: i64,
    /// Plaintext bytes of every chunk (the last too: the stream is padded).
    pub chunk_size: u64,
    pub chunk_count: u32,
    /// The de-identification preset applied before sealing (`second-opinion`, `research`).
    pub deidentified: Option<String>,
    /// Why some images may show identifying text in their pixels, when that is so.
    pub burned_in_warning: Option<String>,
    /// Every study, in the order the patient chose (the one the opinion is about first).
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
    /// The patient as this study's files name it (for a research share, only the pseudonym).
    pub patient: Option<Patient>,
}

/// Bytes `offset .. offset + size` of the stream, and their SHA-256.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Piece {
    pub offset: u64,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// Index into [`Manifest::studies`].
    pub study: u32,
    pub uid: Option<String>,
    pub number: Option<i64>,
    pub modality: Option<String>,
    pub description: Option<String>,
    pub body_part: Option<String>,
    pub instances: u32,
    /// Its thumbnail (PNG, at most 128 px) in the stream.
    pub thumbnail: Option<Piece>,
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
    /// Where the file lies in the stream.
    pub offset: u64,
    pub size: u64,
    pub sha256: String,
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

impl FileEntry {
    /// The file's place in the stream.
    pub fn piece(&self) -> Piece {
        Piece {
            offset: self.offset,
            size: self.size,
            sha256: self.sha256.clone(),
        }
    }
}

/// Why a decrypted manifest is not one this code reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    #[error("the share was made by a newer Scanpass (format version {0}): update the app")]
    TooNew(u32),
    #[error(
        "the share was made by an older Scanpass (format version {0}), which this one no longer \
         reads: ask for a new link"
    )]
    TooOld(u32),
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
    /// Read a decrypted manifest (trailing spaces, its padding, included) and check that its
    /// ranges and indexes hold together, so that no later step indexes out of range.
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
        if head.version < VERSION {
            return Err(ManifestError::TooOld(head.version));
        }
        if head.version > VERSION {
            return Err(ManifestError::TooNew(head.version));
        }
        let m: Manifest = serde_json::from_slice(bytes).map_err(|_| ManifestError::Damaged)?;
        m.check()?;
        Ok(m)
    }

    /// Bytes of the stream (every chunk's plaintext, padding included).
    pub fn stream_len(&self) -> u64 {
        self.chunk_size * self.chunk_count as u64
    }

    fn check(&self) -> Result<(), ManifestError> {
        let bad = || ManifestError::Damaged;
        if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&self.chunk_size)
            || self.chunk_count == 0
            || self.chunk_count > MAX_CHUNKS
        {
            return Err(bad());
        }
        let end = self.stream_len();
        let within = |p: &Piece| {
            p.offset.checked_add(p.size).is_some_and(|e| e <= end)
                && p.sha256.len() == 64
                && hex::decode(&p.sha256).is_ok()
        };
        for f in &self.files {
            if !within(&f.piece()) {
                return Err(bad());
            }
            if f.series.is_some_and(|s| s as usize >= self.series.len()) {
                return Err(bad());
            }
            if !is_file_set_path(&f.path, f.kind) {
                return Err(bad());
            }
        }
        if self.studies.is_empty() {
            return Err(bad());
        }
        for s in &self.series {
            if s.files.iter().any(|&i| i as usize >= self.files.len()) {
                return Err(bad());
            }
            if s.study as usize >= self.studies.len() {
                return Err(bad());
            }
            if s.thumbnail.as_ref().is_some_and(|t| !within(t)) {
                return Err(bad());
            }
        }
        Ok(())
    }

    /// The manifest as written: JSON, then spaces up to its size class
    /// ([`super::stream::padded_manifest_len`]), which JSON readers skip as white space.
    pub fn to_padded_json(&self) -> Vec<u8> {
        let mut out = self.to_json();
        out.resize(super::stream::padded_manifest_len(out.len()), b' ');
        out
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
            chunk_size: 1024,
            chunk_count: 2,
            deidentified: None,
            burned_in_warning: None,
            studies: vec![Study::default()],
            series: vec![Series {
                files: vec![0],
                instances: 1,
                thumbnail: Some(Piece {
                    offset: 0,
                    size: 100,
                    sha256: "11".repeat(32),
                }),
                ..Default::default()
            }],
            files: vec![FileEntry {
                path: "DICOM/PT000000/ST000000/SE000000/IM000000".into(),
                kind: FileKind::Image,
                offset: 100,
                size: 1500,
                sha256: "00".repeat(32),
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
    fn several_studies_and_their_series() {
        let mut two = sample();
        let study = |d: &str| Study {
            date: Some(d.into()),
            patient: Some(Patient {
                id: Some(format!("P{d}")),
                ..Default::default()
            }),
            ..Default::default()
        };
        two.studies = vec![study("20240131"), study("20230612")];
        two.series[0].study = 1;
        let read = Manifest::from_json(&two.to_json()).unwrap();
        assert_eq!(read, two);
        // a series in a study that is not there
        let mut bad = two.clone();
        bad.series[0].study = 2;
        assert_eq!(
            Manifest::from_json(&bad.to_json()),
            Err(ManifestError::Damaged)
        );
        bad.studies.clear();
        bad.series.clear();
        assert_eq!(
            Manifest::from_json(&bad.to_json()),
            Err(ManifestError::Damaged)
        );
    }

    #[test]
    fn a_manifest_round_trips_padded_and_bad_ones_are_refused() {
        let m = sample();
        assert_eq!(Manifest::from_json(&m.to_json()).unwrap(), m);
        let padded = m.to_padded_json();
        assert_eq!(padded.len() + crate::share::seal::OVERHEAD, 16 << 10);
        assert_eq!(Manifest::from_json(&padded).unwrap(), m);
        for (v, want) in [
            (4, ManifestError::TooNew(4)),
            (2, ManifestError::TooOld(2)),
            (1, ManifestError::TooOld(1)),
        ] {
            let mut other = serde_json::to_value(&m).unwrap();
            other["version"] = v.into();
            assert_eq!(
                Manifest::from_json(&serde_json::to_vec(&other).unwrap()),
                Err(want)
            );
        }
        // a file or a thumbnail past the stream's end, sizes that overflow, bad chunk sizes
        let mut past = m.clone();
        past.files[0].offset = 2048 - 1499;
        assert_eq!(
            Manifest::from_json(&past.to_json()),
            Err(ManifestError::Damaged)
        );
        past.files[0].offset = u64::MAX - 10;
        assert_eq!(
            Manifest::from_json(&past.to_json()),
            Err(ManifestError::Damaged)
        );
        let mut thumb = m.clone();
        thumb.series[0].thumbnail.as_mut().unwrap().size = 5000;
        assert_eq!(
            Manifest::from_json(&thumb.to_json()),
            Err(ManifestError::Damaged)
        );
        for (size, count) in [(0, 2), (512, 2), (32 << 20, 2), (1024, 0), (1024, 1 << 21)] {
            let mut c = m.clone();
            c.chunk_size = size;
            c.chunk_count = count;
            assert_eq!(
                Manifest::from_json(&c.to_json()),
                Err(ManifestError::Damaged),
                "{size} {count}"
            );
        }
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
        // unknown fields are ignored (a newer writer within version 3)
        let mut extra = serde_json::to_value(&m).unwrap();
        extra["comment"] = "x".into();
        assert!(Manifest::from_json(&serde_json::to_vec(&extra).unwrap()).is_ok());
    }
}
