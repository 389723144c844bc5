//! The sink a share's file-set is written into ([`crate::fileset::FileSink`]): each file goes end to
//! end into the share's stream ([`super::stream`]), each chunk is sealed and sent to the relay as
//! it fills (unless a resumed upload finds the relay holding it), and the manifest's list of files
//! and series is gathered on the way.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::manifest::{FileEntry, FileKind, Piece, Series};
use super::relay_client::Relay;
use super::seal::{self, OVERHEAD};
use super::send::{ShareListener, ShareProgress};
use super::stream::{self, CHUNK_SIZE};
use crate::crypto::{Key, SecretBytes};
use crate::deid::{self, Reason};
use crate::dicom::attrs::{int, text};
use crate::dicom::{parse, Object, ReadDepth};
use crate::error::{Error, Result};
use crate::fileset::FileSink;
use crate::import::CancelToken;
use dicom_dictionary_std::tags;

/// Puts each file of the file-set into the stream, and seals and sends each chunk of it the relay
/// lacks.
pub(super) struct Uploader<'a> {
    pub(super) relay: &'a Relay,
    pub(super) id: &'a str,
    pub(super) secret: &'a str,
    pub(super) key: &'a Key,
    /// Chunks the relay holds (index → sealed size), from a resumed upload.
    pub(super) have: HashMap<u32, u64>,
    /// The stream (taken out while it calls back into [`Uploader::send`]).
    pub(super) stream: Option<stream::StreamWriter>,
    /// Bytes of the stream that come out differently at each writing (the DICOMDIR): their
    /// chunks are sent even when the relay holds a chunk of that index.
    pub(super) volatile: Option<std::ops::Range<u64>>,
    pub(super) files: Vec<FileEntry>,
    pub(super) series: Vec<Series>,
    pub(super) series_dirs: HashMap<String, u32>,
    /// `DICOM/PTxxxxxx/STxxxxxx` → index of the study, and each study's first header
    pub(super) study_dirs: HashMap<String, u32>,
    pub(super) heads: Vec<Object>,
    pub(super) burned_in: Option<Reason>,
    pub(super) sent: u32,
    pub(super) skipped: u32,
    pub(super) bytes_sent: u64,
    pub(super) images_done: u64,
    pub(super) images: u64,
    pub(super) listener: &'a dyn ShareListener,
    pub(super) cancel: &'a CancelToken,
}

impl From<stream::TooLarge> for Error {
    fn from(_: stream::TooLarge) -> Error {
        Error::InvalidArgument("the study is too large for one share".into())
    }
}

impl Uploader<'_> {
    /// Append `bytes` to the stream, sending each chunk as it fills.
    fn append(&mut self, bytes: &[u8]) -> Result<()> {
        let mut w = self.stream.take().ok_or(Error::Cancelled)?;
        let r = w.append(bytes, &mut |n, chunk| self.send(n, chunk));
        self.stream = Some(w);
        r
    }

    /// Append `bytes` and say where they are.
    pub(super) fn append_piece(&mut self, bytes: &[u8]) -> Result<Piece> {
        let offset = self.pos();
        self.append(bytes)?;
        Ok(Piece {
            offset,
            size: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(bytes)),
        })
    }

    pub(super) fn pos(&self) -> u64 {
        self.stream.as_ref().map_or(0, |w| w.pos())
    }

    /// Seal and send chunk `n` unless the relay has it.
    fn send(&mut self, n: u32, chunk: &[u8]) -> Result<()> {
        if self.cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        let start = n as u64 * CHUNK_SIZE;
        let volatile = self
            .volatile
            .as_ref()
            .is_some_and(|v| v.start < start + CHUNK_SIZE && start < v.end);
        if !volatile && self.have.get(&n) == Some(&(CHUNK_SIZE + OVERHEAD as u64)) {
            self.skipped += 1;
        } else {
            let sealed = seal::seal(self.key, chunk, &seal::chunk_aad(self.id, n));
            self.relay.put_chunk(self.id, self.secret, n, &sealed)?;
            self.sent += 1;
            self.bytes_sent += sealed.len() as u64;
        }
        Ok(())
    }

    /// Pad the stream to its size class and send the rest of it; returns the chunk count.
    pub(super) fn finish(&mut self) -> Result<u32> {
        let w = self.stream.take().ok_or(Error::Cancelled)?;
        w.finish(&mut |n, chunk| self.send(n, chunk))
    }
}

impl FileSink for Uploader<'_> {
    fn add(&mut self, rel: &str, parts: &[&[u8]], _compressible: bool) -> Result<()> {
        let mut plain = SecretBytes::with_capacity(parts.iter().map(|p| p.len()).sum());
        for p in parts {
            plain.extend_from_slice(p);
        }
        let kind = match rel {
            "README.TXT" => FileKind::Readme,
            "DICOMDIR" => FileKind::Dicomdir,
            _ => FileKind::Image,
        };
        let index = self.files.len() as u32;
        let mut entry = FileEntry {
            path: rel.to_string(),
            kind,
            offset: self.pos(),
            size: plain.len() as u64,
            sha256: hex::encode(Sha256::digest(plain.as_slice())),
            series: None,
            sop_instance_uid: None,
            sop_class_uid: None,
            transfer_syntax: None,
            instance_number: None,
            frames: None,
            rows: None,
            cols: None,
        };
        if kind == FileKind::Image {
            let head = parse(&plain, ReadDepth::HeaderOnly)?;
            if self.burned_in.is_none() {
                self.burned_in = deid::burned_in_risk(&head);
            }
            // DICOM/PT000000/ST000000/SE000003/IM000001: the series folder
            let dir = rel
                .rsplit_once('/')
                .map(|(d, _)| d)
                .unwrap_or("")
                .to_string();
            let study_dir = dir.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            let next_study = self.heads.len() as u32;
            let st = *self
                .study_dirs
                .entry(study_dir.to_string())
                .or_insert(next_study);
            if st == next_study {
                self.heads.push(head.clone());
            }
            let next = self.series.len() as u32;
            let s = *self.series_dirs.entry(dir).or_insert(next);
            if s == next {
                self.series.push(Series {
                    study: st,
                    uid: text(&head, tags::SERIES_INSTANCE_UID),
                    number: int(&head, tags::SERIES_NUMBER),
                    modality: text(&head, tags::MODALITY),
                    description: text(&head, tags::SERIES_DESCRIPTION),
                    body_part: text(&head, tags::BODY_PART_EXAMINED),
                    instances: 0,
                    thumbnail: None,
                    files: Vec::new(),
                });
            }
            let series = &mut self.series[s as usize];
            series.instances += 1;
            series.files.push(index);
            entry.series = Some(s);
            entry.sop_instance_uid = text(&head, tags::SOP_INSTANCE_UID);
            entry.sop_class_uid = text(&head, tags::SOP_CLASS_UID);
            entry.transfer_syntax = Some(
                head.meta()
                    .transfer_syntax()
                    .trim_end_matches(['\0', ' '])
                    .to_string(),
            );
            entry.instance_number = int(&head, tags::INSTANCE_NUMBER);
            entry.frames = Some(int(&head, tags::NUMBER_OF_FRAMES).unwrap_or(1).max(1) as u32);
            entry.rows = int(&head, tags::ROWS).map(|v| v as u32);
            entry.cols = int(&head, tags::COLUMNS).map(|v| v as u32);
        }
        if kind == FileKind::Dicomdir {
            self.volatile = Some(self.pos()..self.pos() + plain.len() as u64);
        }
        self.append(&plain)?;
        self.files.push(entry);
        if kind == FileKind::Image {
            self.images_done += 1;
            self.listener.on_progress(&ShareProgress::File {
                done: self.images_done,
                files: self.images,
                bytes_sent: self.bytes_sent,
            });
        }
        Ok(())
    }
}
