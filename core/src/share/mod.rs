//! Sharing a study (or a few studies of the patient, to compare) for a second opinion (issue 6).
//! The wire format is docs/share-format.md.
//!
//! - [`link`]: the link and the keys derived from it;
//! - [`pin`]: the browser viewer's pinned hashes and the check of a viewer origin (ADR 8);
//! - [`seal`]: AES-256-GCM sealed chunks and manifest; [`manifest`]: the list of files;
//! - [`stream`]: the files end to end in fixed-size chunks, padded (what the relay sees: ADR 9);
//! - [`relay_client`]: the client of the relay (`relay/`), which stores only ciphertext;
//! - [`send`]: encrypt studies (optionally de-identified) and upload them, resuming an interrupted
//!   upload (the file-set goes through an upload sink, `upload.rs`, chunk by chunk to the relay);
//!   [`owner`]: revoke a share, lift its lock, read its access log;
//! - [`receive`]: open a link and import its studies into the vault.

pub mod link;
pub mod manifest;
pub mod owner;
pub mod passcode;
pub mod pin;
pub mod receive;
mod records;
pub mod relay_client;
pub mod seal;
pub mod send;
pub mod stream;
mod upload;
#[cfg(test)]
mod vectors;

use serde::{Deserialize, Serialize};

/// The relay a share goes through when the patient's settings name none
/// ([`crate::screens::settings`]) and the CLI is given none: one on this device, as
/// `scanpass-relay` starts by default. A release sets the deployed relay's https address here.
pub const DEFAULT_RELAY: &str = "http://127.0.0.1:8787";

pub use link::{viewer_base, Link, LinkError, ShareKeys, DEFAULT_VIEWER};
pub use manifest::Manifest;
pub use owner::{access_log, revoke, unlock};
pub use pin::{check_viewer, ViewerCheck, ViewerCheckError};
pub use receive::{open_share, receive, Received};
pub use relay_client::{AccessEvent, AccessKind, ShareError};
pub use send::{preflight, share, ShareListener, ShareOptions, ShareProgress, Shared};

/// Where a share stands in its life, as the vault stores it (what the patient is shown, with
/// expiry taken into account, is [`ShareStatus`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShareLifecycle {
    /// Created on the relay, upload not finished: sharing the same study again resumes it.
    Uploading,
    /// Finalized: the link opens it (until it expires).
    Ready,
    /// Revoked by the patient: the relay deleted the ciphertext.
    Revoked,
}

/// A share as the vault keeps it. Holds the link with its key and the owner secret: it never
/// leaves the (encrypted) vault.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareRecord {
    /// The relay's share id.
    pub id: String,
    pub relay: String,
    /// The whole link, key included.
    pub link: String,
    pub owner_secret: String,
    /// The study shared (with several: the first).
    pub study_id: String,
    /// The other studies shared with it, in order (earlier ones to compare with).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_studies: Vec<String>,
    /// The series shared; empty: the whole studies.
    pub series: Vec<String>,
    /// The de-identification preset applied, if any (`second-opinion`, `research`).
    pub deidentify: Option<String>,
    pub passcode: bool,
    pub created_at: i64,
    pub expires_at: i64,
    pub max_downloads: Option<u64>,
    pub state: ShareLifecycle,
    /// Files, bytes of files, and chunks of the share (known once the upload finished).
    pub files: u32,
    pub bytes: u64,
    pub chunks: u32,
    /// What resuming an unfinished upload needs; dropped once it finished.
    pub pending: Option<Pending>,
}

/// The secrets of an unfinished upload: the share's keys (they depend on the passcode, which is
/// not kept), the de-identification seed (the files must come out the same), and a digest of
/// what was being shared (a changed study starts a new share).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    pub content_key: String,
    pub manifest_key: String,
    pub deid_seed: String,
    pub plan: String,
}

impl std::fmt::Debug for ShareRecord {
    /// Without the link (its fragment is the key) and the owner secret, so that a record in a
    /// log or a panic message gives neither away.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShareRecord")
            .field("id", &self.id)
            .field("relay", &self.relay)
            .field("link", &"<redacted>")
            .field("owner_secret", &"<redacted>")
            .field("study_id", &self.study_id)
            .field("other_studies", &self.other_studies)
            .field("series", &self.series)
            .field("deidentify", &self.deidentify)
            .field("passcode", &self.passcode)
            .field("expires_at", &self.expires_at)
            .field("state", &self.state)
            .field("pending", &self.pending)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pending(<redacted>)")
    }
}

/// Where a share stands for the patient: its state, with expiry taken into account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareStatus {
    /// The link opens it.
    Active,
    /// The upload did not finish: sharing the same study the same way again resumes it.
    Unfinished,
    Expired,
    Revoked,
}

impl ShareStatus {
    /// As the CLI prints it.
    pub fn name(self) -> &'static str {
        match self {
            ShareStatus::Active => "active",
            ShareStatus::Unfinished => "unfinished",
            ShareStatus::Expired => "expired",
            ShareStatus::Revoked => "revoked",
        }
    }
}

impl ShareRecord {
    /// Whether the relay has let the share expire by `now` (unix seconds).
    pub fn expired(&self, now: i64) -> bool {
        self.expires_at <= now
    }

    /// Where the share stands now.
    pub fn status(&self) -> ShareStatus {
        match self.state {
            ShareLifecycle::Revoked => ShareStatus::Revoked,
            _ if self.expired(crate::vault::now()) => ShareStatus::Expired,
            ShareLifecycle::Uploading => ShareStatus::Unfinished,
            ShareLifecycle::Ready => ShareStatus::Active,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_in_a_log_shows_neither_the_key_nor_the_owner_secret() {
        let link = Link::new("https://relay.example", "AbCdEfGhIjKlMnOpQrStUv").unwrap();
        let url = link.to_url();
        let key = url.split('#').nth(1).unwrap().to_string();
        let r = ShareRecord {
            id: "AbCdEfGhIjKlMnOpQrStUv".into(),
            relay: "https://relay.example".into(),
            link: url,
            owner_secret: "owner-secret-that-must-not-show".into(),
            study_id: "s".into(),
            other_studies: Vec::new(),
            series: Vec::new(),
            deidentify: None,
            passcode: false,
            created_at: 0,
            expires_at: 0,
            max_downloads: None,
            state: ShareLifecycle::Ready,
            files: 0,
            bytes: 0,
            chunks: 0,
            pending: None,
        };
        let shown = format!("{r:?} {r:#?}");
        assert!(!shown.contains(&key), "{shown}");
        assert!(
            !shown.contains("owner-secret-that-must-not-show"),
            "{shown}"
        );
        assert!(shown.contains("AbCdEfGhIjKlMnOpQrStUv"));
    }
}
