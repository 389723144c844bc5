//! The share flow: a study (or several, or some of their series), optionally de-identified,
//! written as one DICOM File-set ([`crate::export::write_plan`]); the series' thumbnails and
//! then every file of it go end to end into one stream, cut into chunks of
//! [`super::stream::CHUNK_SIZE`] and padded to a size class ([`super::stream`], ADR 9), each chunk
//! sealed and uploaded to the relay; then the sealed, padded manifest, then finalize. The vault
//! keeps a [`ShareRecord`].
//!
//! Resuming: the record is saved as soon as the relay created the share, with what resuming
//! needs ([`super::Pending`]). Sharing the same study the same way again (same series, preset,
//! relay, passcode, and the study unchanged) asks the relay which chunks it already holds and
//! sends only the others. De-identification is seeded, so the files (and so the stream) come out
//! byte for byte as they did the first time; the chunks holding the DICOMDIR, whose own UID is
//! new at each writing, are always sent again. A network drop is retried (1 s, 3 s) before the flow gives up; the
//! record then stays `uploading` for the next attempt.

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::manifest::{self, Manifest, Study};
use super::relay_client::{CreateShare, Relay, ShareError};
use super::seal;
use super::stream::{self, CHUNK_SIZE};
use super::upload::Uploader;
use super::{Link, Pending, ShareLifecycle, ShareRecord};
use crate::crypto::{Key, SecretBytes};
use crate::deid::{self, Preset, Reason};
use crate::dicom::attrs::text;
use crate::dicom::{parse, Object, ReadDepth};
use crate::error::{Error, Result};
use crate::export;
use crate::import::CancelToken;
use crate::vault::{now, Vault};
use dicom_dictionary_std::tags;

/// Default and largest lifetime of a share (the relay's, from its protocol).
pub use scanpass_protocol::{DEFAULT_EXPIRY_SECS, MAX_EXPIRY_SECS};

/// What to share and how.
#[derive(Debug, Clone)]
pub struct ShareOptions {
    /// The studies shared, in the order the recipient sees them: the one the opinion is about
    /// first, then earlier ones to compare with. At least one.
    pub studies: Vec<String>,
    /// Series ids of those studies; empty: all of them.
    pub series: Vec<String>,
    /// The relay's base address (`https://host`, or `http://127.0.0.1:port` on this device).
    pub relay: String,
    pub expires_in_secs: u64,
    pub max_downloads: Option<u64>,
    /// Mixed into the keys; the recipient needs it besides the link.
    pub passcode: Option<String>,
    pub deidentify: Option<Preset>,
    /// The viewer the link opens (its base address, e.g. `https://view.example/1.4.0/`);
    /// `None`: [`super::DEFAULT_VIEWER`]. A resumed share keeps the link it was created with.
    pub viewer: Option<String>,
}

/// Progress of a share, from the sharing thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareProgress {
    /// The relay holds the share; `files` instance files are to be sealed and sent.
    Started { resumed: bool, files: u64 },
    /// One more file sealed (and sent, unless the relay already had it).
    File {
        done: u64,
        files: u64,
        bytes_sent: u64,
    },
    /// All sent; the manifest is next.
    Finishing,
}

pub trait ShareListener: Send + Sync {
    fn on_progress(&self, progress: &ShareProgress);
}

impl ShareListener for crate::import::Silent {
    fn on_progress(&self, _: &ShareProgress) {}
}

/// A finished share.
#[derive(Debug, Clone)]
pub struct Shared {
    pub record: ShareRecord,
    /// Whether an unfinished upload of the same share was resumed.
    pub resumed: bool,
    /// Chunks sent now, and chunks the relay already had (a resumed upload).
    pub chunks_sent: u32,
    pub chunks_skipped: u32,
    /// Why some images may show identifying text in their pixels.
    pub warning: Option<String>,
}

/// Check before sharing: whether images of the selection may show identifying text in their
/// pixels (Burned In Annotation YES, ultrasound, secondary capture). Reads the header of the
/// first image of each series.
pub fn preflight(vault: &Vault, studies: &[String], series: &[String]) -> Result<Option<Reason>> {
    for (study_id, plan) in export::plan_studies(vault, studies, series)? {
        for (_, rows) in plan {
            if let Some(first) = rows.first() {
                let bytes = vault.read_instance(&study_id, &first.id)?;
                let obj = parse(&bytes, ReadDepth::HeaderOnly)?;
                if let Some(r) = deid::burned_in_risk(&obj) {
                    return Ok(Some(r));
                }
            }
        }
    }
    Ok(None)
}

/// What identifies the upload: the studies' instances, the options that change the bytes.
fn plan_digest(o: &ShareOptions, plan: &[export::StudyPlan]) -> String {
    let mut h = Sha256::new();
    h.update(b"scanpass share plan v1\0");
    h.update(o.relay.trim_end_matches('/').as_bytes());
    h.update([0]);
    for (study, _) in plan {
        h.update(study.as_bytes());
        h.update([0]);
    }
    h.update(o.deidentify.map(|p| p.name()).unwrap_or("").as_bytes());
    // what a preset writes: an upload begun by a version that de-identified otherwise (before
    // the pseudonyms of deid::DEID_OUTPUT) is not resumed with bytes of another shape
    h.update(
        o.deidentify
            .map(|_| deid::DEID_OUTPUT)
            .unwrap_or("")
            .as_bytes(),
    );
    h.update([0, o.passcode.is_some() as u8]);
    for (_, study) in plan {
        for (s, rows) in study {
            h.update(s.id.as_bytes());
            h.update([1]);
            for r in rows {
                h.update(r.id.as_bytes());
                h.update([2]);
            }
        }
    }
    hex::encode(h.finalize())
}

fn key_hex(k: &Key) -> String {
    hex::encode(k.expose())
}

fn key_of(hex_text: &str) -> Result<Key> {
    let bytes = Zeroizing::new(
        hex::decode(hex_text).map_err(|_| Error::Integrity("a stored share is damaged".into()))?,
    );
    Key::from_slice(&bytes).ok_or_else(|| Error::Integrity("a stored share is damaged".into()))
}

/// Share a study: create the share on the relay (or resume the unfinished one of the same
/// study and options), seal and upload every file, the thumbnails and the manifest, finalize.
pub fn share(
    vault: &Vault,
    o: &ShareOptions,
    listener: &dyn ShareListener,
    cancel: &CancelToken,
) -> Result<Shared> {
    if !vault.is_unlocked() {
        return Err(Error::Locked);
    }
    if !scanpass_protocol::expiry_allowed(o.expires_in_secs) {
        return Err(Error::InvalidArgument(
            "a share lasts from 1 second to 31 days".into(),
        ));
    }
    let viewer = super::viewer_base(o.viewer.as_deref().unwrap_or(super::DEFAULT_VIEWER))
        .map_err(|e| Error::InvalidArgument(e.to_string()))?;
    if o.max_downloads == Some(0) {
        return Err(Error::InvalidArgument(
            "a download limit must allow at least one download".into(),
        ));
    }
    if let Some(p) = o.passcode.as_deref() {
        super::passcode::check(p).map_err(|weak| Error::InvalidArgument(weak.to_string()))?;
    }
    if o.studies.is_empty() {
        return Err(Error::InvalidArgument("choose a study to share".into()));
    }
    let study_plan = export::plan_studies(vault, &o.studies, &o.series)?;
    // the studies the link holds: each once, in the order given, without those that hold none
    // of the chosen series (the record and the summary name these, not what was asked for)
    let studies: Vec<String> = study_plan.iter().map(|(id, _)| id.clone()).collect();
    let Some(first_study) = studies.first() else {
        return Err(Error::InvalidArgument(
            "the chosen studies hold no images to share".into(),
        ));
    };
    let plan = plan_digest(o, &study_plan);
    let relay = Relay::new(&o.relay)?;

    // an unfinished upload of the same thing, with the same passcode: resume it
    let mut resume = None;
    for r in vault.share_records()? {
        let Some(p) = r.pending.as_ref().filter(|p| p.plan == plan) else {
            continue;
        };
        if r.state != ShareLifecycle::Uploading || r.expired(now() + 3600) {
            continue;
        }
        let Ok(link) = Link::parse(&r.link) else {
            continue;
        };
        let keys = link.keys(o.passcode.as_deref());
        if key_hex(&keys.content) != p.content_key {
            continue; // another passcode: a new share
        }
        match relay.upload_status(&r.id, &r.owner_secret) {
            Ok(status) => {
                // Set the verifier on every resume (the relay takes the same one again): the
                // first attempt may have died between creating the share and setting it, and
                // a share finalized without one would be served to whoever knows its id.
                relay.set_verifier(
                    &r.id,
                    &r.owner_secret,
                    &keys.verifier(),
                    o.passcode.is_some(),
                )?;
                resume = Some((r, link, status));
                break;
            }
            Err(ShareError::Gone | ShareError::NotFound) => {
                let mut gone = r.clone();
                gone.state = ShareLifecycle::Revoked;
                gone.pending = None;
                vault.save_share(&gone)?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let resumed = resume.is_some();
    let (mut record, link, have) = match resume {
        Some((r, link, status)) => {
            let have: HashMap<u32, u64> = status.chunks.iter().map(|c| (c.index, c.size)).collect();
            if status.finalized {
                let mut r = r;
                r.state = ShareLifecycle::Ready;
                r.pending = None;
                vault.save_share(&r)?;
                return Ok(Shared {
                    record: r,
                    resumed: true,
                    chunks_sent: 0,
                    chunks_skipped: status.chunk_count.unwrap_or(0),
                    warning: None,
                });
            }
            (r, link, have)
        }
        None => {
            let created = relay.create(&CreateShare {
                expires_in_secs: Some(o.expires_in_secs),
                max_downloads: o.max_downloads,
                size_quota: None,
                ..CreateShare::default()
            })?;
            let link = Link::new(relay.base(), &created.id)
                .and_then(|l| l.with_viewer(&viewer))
                .map_err(|e| Error::InvalidArgument(e.to_string()))?
                .with_passcode(o.passcode.is_some());
            let keys = link.keys(o.passcode.as_deref());
            let mut seed = Zeroizing::new([0u8; 32]);
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, seed.as_mut());
            let record = ShareRecord {
                id: created.id.clone(),
                relay: relay.base().to_string(),
                link: link.to_url(),
                owner_secret: created.owner_secret,
                study_id: first_study.clone(),
                other_studies: studies[1..].to_vec(),
                series: o.series.clone(),
                deidentify: o.deidentify.map(|p| p.name().to_string()),
                passcode: o.passcode.is_some(),
                created_at: now(),
                expires_at: created.expires_at,
                max_downloads: o.max_downloads,
                state: ShareLifecycle::Uploading,
                files: 0,
                bytes: 0,
                chunks: 0,
                pending: Some(Pending {
                    content_key: key_hex(&keys.content),
                    manifest_key: key_hex(&keys.manifest),
                    deid_seed: hex::encode(seed.as_ref()),
                    plan: plan.clone(),
                }),
            };
            // saved before anything is sent: the share can be resumed or revoked from now on
            vault.save_share(&record)?;
            relay.set_verifier(
                &record.id,
                &record.owner_secret,
                &keys.verifier(),
                o.passcode.is_some(),
            )?;
            (record, link, HashMap::new())
        }
    };
    let pending = record
        .pending
        .clone()
        .ok_or_else(|| Error::Integrity("a stored share is damaged".into()))?;
    let content = key_of(&pending.content_key)?;
    let manifest_key = key_of(&pending.manifest_key)?;
    let seed: [u8; 32] = hex::decode(&pending.deid_seed)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Error::Integrity("a stored share is damaged".into()))?;
    drop(link);

    // every series of the share, in the file-set's order
    let series_rows: Vec<_> = study_plan.iter().flat_map(|(_, p)| p).collect();
    let files: u64 = series_rows.iter().map(|(_, r)| r.len() as u64).sum();
    listener.on_progress(&ShareProgress::Started { resumed, files });
    let (share_id, secret) = (record.id.clone(), record.owner_secret.clone());
    let mut up = Uploader {
        relay: &relay,
        id: &share_id,
        secret: &secret,
        key: &content,
        have,
        stream: Some(stream::StreamWriter::new(CHUNK_SIZE)),
        volatile: None,
        files: Vec::new(),
        series: Vec::new(),
        series_dirs: HashMap::new(),
        study_dirs: HashMap::new(),
        heads: Vec::new(),
        burned_in: None,
        sent: 0,
        skipped: 0,
        bytes_sent: 0,
        images_done: 0,
        images: files,
        listener,
        cancel,
    };
    // thumbnails first, in series order (the file-set's SE000000, SE000001, ...): a viewer fetches
    // them all on opening, and at the stream's start they say nothing of where its files end
    let mut thumbs = Vec::with_capacity(series_rows.len());
    for (s, _) in &series_rows {
        thumbs.push(match vault.thumbnail(&s.id) {
            Ok(png) => Some(up.append_piece(&png)?),
            Err(_) => None,
        });
    }
    let mut session = o
        .deidentify
        .map(|p| deid::Session::seeded(p.options(), seed));
    let mut transform = |bytes: &mut SecretBytes| -> Result<()> {
        if let Some(s) = session.as_mut() {
            let out = deid::deidentify_bytes(s, bytes)?;
            *bytes = SecretBytes::new(out);
        }
        Ok(())
    };
    export::write_plan(
        vault,
        &study_plan,
        &mut transform,
        &mut up,
        &crate::import::Silent,
        cancel,
    )?;
    let chunk_count = up.finish()?;
    for (series, thumb) in up.series.iter_mut().zip(thumbs) {
        series.thumbnail = thumb;
    }
    listener.on_progress(&ShareProgress::Finishing);
    let warning = up.burned_in.map(|r| r.sentence().to_string());
    let research = o.deidentify == Some(Preset::Research);
    let heads = std::mem::take(&mut up.heads);
    let series = std::mem::take(&mut up.series);
    let studies: Vec<Study> = heads
        .iter()
        .enumerate()
        .map(|(i, head)| {
            let mut modalities: Vec<String> = series
                .iter()
                .filter(|s| s.study as usize == i)
                .filter_map(|s| s.modality.clone())
                .collect();
            modalities.sort();
            modalities.dedup();
            study_of(head, modalities, research)
        })
        .collect();
    let m = Manifest {
        format: manifest::FORMAT.into(),
        version: manifest::VERSION,
        created_at: record.created_at,
        chunk_size: CHUNK_SIZE,
        chunk_count,
        deidentified: record.deidentify.clone(),
        burned_in_warning: warning.clone(),
        studies,
        series,
        files: std::mem::take(&mut up.files),
    };
    let sealed = seal::seal(
        &manifest_key,
        &m.to_padded_json(),
        &seal::manifest_aad(&record.id),
    );
    relay.put_manifest(&record.id, &record.owner_secret, &sealed)?;
    relay.finalize(&record.id, &record.owner_secret, m.chunk_count)?;
    record.state = ShareLifecycle::Ready;
    record.pending = None;
    record.files = m.files.len() as u32;
    record.bytes = m.total_bytes();
    record.chunks = m.chunk_count;
    vault.save_share(&record)?;
    Ok(Shared {
        record,
        resumed,
        chunks_sent: up.sent,
        chunks_skipped: up.skipped,
        warning,
    })
}

/// The manifest's description of a study, from the header of its first file (as sent: for a
/// research share, de-identified, so the patient is only the pseudonym the session gave them, by
/// which a reader tells two people's studies apart).
fn study_of(head: &Object, modalities: Vec<String>, research: bool) -> Study {
    let t = |tag| text(head, tag);
    let patient = if research {
        manifest::Patient {
            name: t(tags::PATIENT_NAME),
            ..Default::default()
        }
    } else {
        manifest::Patient {
            name: t(tags::PATIENT_NAME),
            id: t(tags::PATIENT_ID),
            birth_date: t(tags::PATIENT_BIRTH_DATE),
            sex: t(tags::PATIENT_SEX),
        }
    };
    Study {
        uid: t(tags::STUDY_INSTANCE_UID),
        date: t(tags::STUDY_DATE),
        time: t(tags::STUDY_TIME),
        description: t(tags::STUDY_DESCRIPTION),
        accession: t(tags::ACCESSION_NUMBER),
        modalities,
        patient: Some(patient),
    }
}
