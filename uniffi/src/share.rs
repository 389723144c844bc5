//! Sharing for a second opinion (the core's `share`): share a study by an end-to-end encrypted
//! link, list, revoke, read the access log; receive a link into the vault. Every call here goes
//! to the network and blocks: call it off the main thread (or use the `_async` forms).

use std::sync::Arc;

use scanpass_core::deid::Preset;
use scanpass_core::share::{self as core, ShareRecord};

use crate::error::ScanpassError;
use crate::import::{CancelHandle, ImportListener, ImportSummary, Listener, ListenerError};
use crate::library::Vault;

type Result<T> = std::result::Result<T, ScanpassError>;

/// De-identification before sharing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Deidentify {
    /// Keeps who the patient is (the doctor must know whose scan it is); removes the rest of
    /// the Basic Profile's list.
    SecondOpinion,
    /// Anonymous: the Basic Profile, new UIDs consistent across the study.
    Research,
}

/// What to share and how.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ShareRequest {
    pub study_id: String,
    /// Series to share, of the study and of `other_study_ids`; empty: all of them.
    pub series_ids: Vec<String>,
    /// The relay, e.g. `https://share.scanpass.app`.
    pub relay: String,
    /// 1 to 31 (the core refuses others: `InvalidInput`).
    pub expires_in_days: u32,
    pub max_downloads: Option<u32>,
    /// The recipient needs it besides the link; send it another way.
    pub passcode: Option<String>,
    pub deidentify: Option<Deidentify>,
    /// Other studies shared in the same link, after `study_id` (earlier scans of the same
    /// patient for the doctor to compare with), in the order given.
    #[uniffi(default = [])]
    pub other_study_ids: Vec<String>,
    /// The browser viewer the link opens (its base address, e.g. `https://view.example/1.4.0/`):
    /// a static build on an origin of its own, never the relay's. `None`: the core's default.
    #[uniffi(default = None)]
    pub viewer: Option<String>,
}

/// Where a share stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ShareStatus {
    Active,
    /// The upload did not finish: sharing the same study the same way again resumes it.
    Unfinished,
    Expired,
    Revoked,
}

/// One share, as the patient's list shows it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ShareInfo {
    pub id: String,
    /// The link to send (its key included: show it, never log it).
    pub link: String,
    pub status: ShareStatus,
    pub study_id: String,
    /// The other studies shared in the same link.
    pub other_study_ids: Vec<String>,
    /// Unix seconds.
    pub created_at: i64,
    pub expires_at: i64,
    pub max_downloads: Option<u64>,
    pub passcode: bool,
    pub deidentified: Option<Deidentify>,
    pub files: u32,
    pub bytes: u64,
}

/// A finished share.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ShareResult {
    pub share: ShareInfo,
    /// An interrupted upload of the same share was resumed.
    pub resumed: bool,
    /// Why some images may show identifying text in their pixels (shown before sharing too).
    pub warning: Option<String>,
}

/// One access to a share: when (unix seconds) and what (`manifest`: opened; `chunk`: a part
/// fetched; `denied`: wrong passcode; `locked`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AccessEntry {
    pub at: i64,
    pub event: String,
}

/// What receiving a link did.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReceiveSummary {
    pub summary: ImportSummary,
    pub deidentified: Option<Deidentify>,
    pub warning: Option<String>,
}

/// Share progress, on the sharing thread: `done` of `files` images sealed and sent.
#[uniffi::export(with_foreign)]
pub trait ShareListener: Send + Sync {
    fn on_progress(
        &self,
        done: u64,
        files: u64,
        bytes_sent: u64,
    ) -> std::result::Result<(), ListenerError>;
}

struct Progress(Option<Arc<dyn ShareListener>>);

impl core::ShareListener for Progress {
    fn on_progress(&self, p: &core::ShareProgress) {
        if let (
            Some(l),
            core::ShareProgress::File {
                done,
                files,
                bytes_sent,
            },
        ) = (&self.0, p)
        {
            // a listener that throws is ignored: the share goes on
            let _ = l.on_progress(*done, *files, *bytes_sent);
        }
    }
}

fn preset(d: Deidentify) -> Preset {
    match d {
        Deidentify::SecondOpinion => Preset::SecondOpinion,
        Deidentify::Research => Preset::Research,
    }
}

fn deid_of(name: Option<&str>) -> Option<Deidentify> {
    match Preset::from_name(name?)? {
        Preset::SecondOpinion => Some(Deidentify::SecondOpinion),
        Preset::Research => Some(Deidentify::Research),
    }
}

fn info(r: &ShareRecord) -> ShareInfo {
    ShareInfo {
        id: r.id.clone(),
        link: r.link.clone(),
        status: match r.status() {
            core::ShareStatus::Active => ShareStatus::Active,
            core::ShareStatus::Unfinished => ShareStatus::Unfinished,
            core::ShareStatus::Expired => ShareStatus::Expired,
            core::ShareStatus::Revoked => ShareStatus::Revoked,
        },
        study_id: r.study_id.clone(),
        other_study_ids: r.other_studies.clone(),
        created_at: r.created_at,
        expires_at: r.expires_at,
        max_downloads: r.max_downloads,
        passcode: r.passcode,
        deidentified: deid_of(r.deidentify.as_deref()),
        files: r.files,
        bytes: r.bytes,
    }
}

fn share_blocking(
    vault: &scanpass_core::vault::Vault,
    request: ShareRequest,
    listener: Option<Arc<dyn ShareListener>>,
    cancel: &CancelHandle,
) -> Result<ShareResult> {
    let options = core::ShareOptions {
        studies: std::iter::once(request.study_id)
            .chain(request.other_study_ids)
            .collect(),
        series: request.series_ids,
        relay: request.relay,
        expires_in_secs: request.expires_in_days as u64 * 86_400,
        max_downloads: request.max_downloads.map(u64::from),
        passcode: request.passcode,
        deidentify: request.deidentify.map(preset),
        viewer: request.viewer,
    };
    let done = core::share(vault, &options, &Progress(listener), &cancel.0)?;
    Ok(ShareResult {
        share: info(&done.record),
        resumed: done.resumed,
        warning: done.warning,
    })
}

fn receive_blocking(
    vault: &scanpass_core::vault::Vault,
    link: &str,
    passcode: Option<String>,
    listener: Option<Arc<dyn ImportListener>>,
    cancel: &CancelHandle,
) -> Result<ReceiveSummary> {
    let r = core::receive(
        vault,
        link,
        passcode.as_deref(),
        &Listener(listener),
        &cancel.0,
    )?;
    Ok(ReceiveSummary {
        summary: r.import.into(),
        deidentified: deid_of(r.deidentified.as_deref()),
        warning: r.warning,
    })
}

#[uniffi::export]
impl Vault {
    /// Before sharing: a warning to show when images of the selection may carry identifying
    /// text in their pixels (ultrasound, screenshots, burned-in annotation). Blocks briefly.
    #[uniffi::method(default(other_study_ids = []))]
    pub fn share_warning(
        &self,
        study_id: String,
        series_ids: Vec<String>,
        other_study_ids: Vec<String>,
    ) -> Result<Option<String>> {
        let studies: Vec<String> = std::iter::once(study_id).chain(other_study_ids).collect();
        Ok(core::preflight(&self.inner, &studies, &series_ids)?.map(|r| r.sentence().to_string()))
    }

    /// Share a study: sealed on this device, uploaded to the relay, a link returned. Sharing the
    /// same study the same way again after an interruption resumes the upload. Blocks.
    pub fn share(
        &self,
        request: ShareRequest,
        listener: Option<Arc<dyn ShareListener>>,
        cancel: Arc<CancelHandle>,
    ) -> Result<ShareResult> {
        share_blocking(&self.inner, request, listener, &cancel)
    }

    /// [`Vault::share`] on a thread of its own (Kotlin `suspend`, Swift `async`).
    pub async fn share_async(
        &self,
        request: ShareRequest,
        listener: Option<Arc<dyn ShareListener>>,
        cancel: Arc<CancelHandle>,
    ) -> Result<ShareResult> {
        let vault = self.inner.clone();
        crate::on_thread("scanpass-share", move || {
            share_blocking(&vault, request, listener, &cancel)
        })
        .await
    }

    /// Every share, oldest first.
    pub fn shares(&self) -> Result<Vec<ShareInfo>> {
        Ok(self.inner.share_records()?.iter().map(info).collect())
    }

    /// Revoke a share: the relay deletes it and the link stops working. Blocks.
    pub fn revoke_share(&self, share_id: String) -> Result<ShareInfo> {
        Ok(info(&core::revoke(&self.inner, &share_id)?))
    }

    /// Lift the lock the relay put on a passcode share after wrong passcodes. Blocks.
    pub fn unlock_share(&self, share_id: String) -> Result<ShareInfo> {
        Ok(info(&core::unlock(&self.inner, &share_id)?))
    }

    /// When a share was opened. Blocks.
    pub fn share_access_log(&self, share_id: String) -> Result<Vec<AccessEntry>> {
        Ok(core::access_log(&self.inner, &share_id)?
            .into_iter()
            .map(|e| AccessEntry {
                at: e.at,
                event: e.event,
            })
            .collect())
    }

    /// Open a share link (with its passcode when it has one) and import its images. Blocks.
    pub fn receive(
        &self,
        link: String,
        passcode: Option<String>,
        listener: Option<Arc<dyn ImportListener>>,
        cancel: Arc<CancelHandle>,
    ) -> Result<ReceiveSummary> {
        receive_blocking(&self.inner, &link, passcode, listener, &cancel)
    }

    /// [`Vault::receive`] on a thread of its own.
    pub async fn receive_async(
        &self,
        link: String,
        passcode: Option<String>,
        listener: Option<Arc<dyn ImportListener>>,
        cancel: Arc<CancelHandle>,
    ) -> Result<ReceiveSummary> {
        let vault = self.inner.clone();
        crate::on_thread("scanpass-receive", move || {
            receive_blocking(&vault, &link, passcode, listener, &cancel)
        })
        .await
    }
}

/// Whether a pasted link needs a passcode (ask for it first), or why it does not read.
/// Why a share's passcode would be refused, in the patient's words with a strong one suggested,
/// or `None` when it is strong enough: call it as the patient types (`share` refuses the same
/// passcodes, as `InvalidInput`). The rule is the core's (`share::passcode`).
#[uniffi::export]
pub fn passcode_problem(passcode: String) -> Option<String> {
    core::passcode::check(&passcode)
        .err()
        .map(|w| w.to_string())
}

/// A strong passcode to offer (`k7fq-2mzx-p9rd`: 12 random characters that cannot be misread).
#[uniffi::export]
pub fn suggest_passcode() -> String {
    core::passcode::suggest()
}

#[uniffi::export]
pub fn link_needs_passcode(link: String) -> Result<bool> {
    core::Link::parse(&link)
        .map(|l| l.passcode)
        .map_err(|_| ScanpassError::from(crate::error::Case::InvalidInput))
}

/// A link as a QR code PNG, `scale` pixels a module.
#[uniffi::export]
pub fn link_qr_png(link: String, scale: u32) -> Result<Vec<u8>> {
    let l = core::Link::parse(&link)
        .map_err(|_| ScanpassError::from(crate::error::Case::InvalidInput))?;
    Ok(l.qr_png(scale)?)
}

/// What [`check_viewer`] found.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ViewerCheckResult {
    /// The viewer serves exactly the build this library pins.
    pub verified: bool,
    /// Files compared.
    pub files: u32,
    /// Why not, in a sentence naming the first file that differs (or "no pinned viewer in this
    /// build").
    pub problem: Option<String>,
}

/// Before making a link: whether the browser viewer the link would open (`viewer`, its base
/// address; `None`: the core's default) serves, file for file, the build this library pins
/// (ADR 8). Fetches every file of the viewer: call it off the main thread.
#[uniffi::export(default(viewer = None))]
pub fn check_viewer(viewer: Option<String>) -> ViewerCheckResult {
    match core::check_viewer(viewer.as_deref()) {
        Ok(ok) => ViewerCheckResult {
            verified: true,
            files: ok.files as u32,
            problem: None,
        },
        Err(e) => ViewerCheckResult {
            verified: false,
            files: 0,
            problem: Some(e.to_string()),
        },
    }
}
