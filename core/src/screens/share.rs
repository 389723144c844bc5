//! The share screen: the form (the studies and series to include, the de-identification preset
//! with a plain explanation of each, how long the link works, how often it may be opened, the
//! passcode: suggested, checked, with the reasons), validation by field, the burned-in-text
//! warning, progress (an unfinished share resumes), and the result: the link, its QR code, the
//! text to send with it and, apart, the text for the passcode. [`mine`] is "my shares".
//!
//! Threads: [`ShareScreen::share`] uploads, one blocking call (seconds to minutes, network): the
//! shell calls it on a background thread; its [`ShareViewListener`] gets each new view on that
//! thread; [`ShareScreen::cancel`], [`ShareScreen::view`] and [`ShareScreen::handle`] may be
//! called from any other thread meanwhile (`handle` and `view` read the vault: milliseconds).

pub mod mine;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard};

use scanpass_protocol::{expiry_allowed, DAY, DEFAULT_EXPIRY_SECS, MAX_EXPIRY_SECS};

use crate::deid::{Preset, Reason};
use crate::error::{Error, Result};
use crate::import::CancelToken;
use crate::share::{self, passcode, Link, ShareError, ShareOptions, ShareProgress};
use crate::text::{self, Arg, Counted, Language};
use crate::vault::{SeriesRow, StudyRow, Vault};

/// How long a link may work, in days, as offered (those the protocol allows).
pub const EXPIRY_DAYS: [u32; 5] = [1, 3, 7, 14, 31];
/// Download limits offered (`None`: no limit).
pub const DOWNLOAD_LIMITS: [Option<u32>; 5] = [None, Some(1), Some(3), Some(5), Some(10)];
/// Pixels a module of the result's QR code.
pub const QR_SCALE: u32 = 8;

/// The form's fields, by id (the keys of [`FieldError`]).
pub mod field {
    pub const STUDIES: &str = "studies";
    pub const SERIES: &str = "series";
    pub const EXPIRY: &str = "expiry";
    pub const DOWNLOADS: &str = "downloads";
    pub const PASSCODE: &str = "passcode";
}

/// What the patient did on the share form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareEvent {
    ToggleStudy {
        study_id: String,
    },
    ToggleSeries {
        series_id: String,
    },
    /// `None`: share the images as they are.
    SetPreset(Option<Preset>),
    SetExpiryDays(u32),
    SetDownloadLimit(Option<u32>),
    UsePasscode(bool),
    SetPasscode(String),
    /// Fill the passcode with the suggested one.
    UseSuggestedPasscode,
    /// The result or the error was read: back to the form.
    Dismiss,
}

/// A study the form offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudyPick {
    pub id: String,
    /// "MR-Brain w/o Contrast, 8 March 2013".
    pub label: String,
    /// "1 series · 192 images".
    pub detail: String,
    pub selected: bool,
    pub series: Vec<SeriesPick>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesPick {
    pub id: String,
    /// "SAG T1 (192 images)".
    pub label: String,
    pub selected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresetChoice {
    /// `None`: keep everything.
    pub preset: Option<Preset>,
    pub label: String,
    pub explanation: String,
    pub selected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiryChoice {
    pub days: u32,
    pub label: String,
    pub selected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadChoice {
    pub limit: Option<u32>,
    pub label: String,
    pub selected: bool,
}

/// The passcode part of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasscodeField {
    pub label: String,
    /// "Ask for a passcode (recommended)": the switch.
    pub use_label: String,
    pub enabled: bool,
    pub value: String,
    pub hint: String,
    /// A strong passcode to offer, and the button that takes it.
    pub suggestion: String,
    pub suggest_label: String,
}

/// A refusal of one field of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// One of [`field`].
    pub field: String,
    pub message: String,
}

/// The form, as drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareForm {
    pub studies_label: String,
    pub studies: Vec<StudyPick>,
    pub preset_label: String,
    pub presets: Vec<PresetChoice>,
    pub expiry_label: String,
    pub expiry: Vec<ExpiryChoice>,
    pub downloads_label: String,
    pub downloads: Vec<DownloadChoice>,
    pub passcode: PasscodeField,
    /// Why images of the selection may show identifying text in their pixels.
    pub warning: Option<String>,
    /// Refusals, by field (after a first attempt to share; then as the patient corrects).
    pub errors: Vec<FieldError>,
    pub submit: String,
}

/// An upload under way.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareProgressView {
    pub text: String,
    pub resumed: bool,
    pub done: u64,
    pub total: u64,
    /// 0 to 1; None before the files are counted.
    pub fraction: Option<f32>,
    pub cancel_label: String,
    pub can_cancel: bool,
}

/// A finished share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareDone {
    pub title: String,
    pub share_id: String,
    /// The link (its key included: show it, never log it).
    pub link: String,
    /// The link as a QR code, PNG.
    pub qr_png: Vec<u8>,
    /// The text to send with the link, in the app's language.
    pub message: String,
    /// The text to send the passcode with, another way; None without a passcode.
    pub passcode_message: Option<String>,
    /// Why to send the passcode apart.
    pub passcode_note: Option<String>,
    pub resumed: bool,
    pub warning: Option<String>,
    /// The platform's share sheet with `message` ("Send the link").
    pub send_label: String,
    /// The QR code full screen ("Show the QR code").
    pub show_qr_label: String,
    /// The share sheet with `passcode_message`; None without a passcode.
    pub send_passcode_label: Option<String>,
    /// The QR image for screen readers.
    pub qr_description: String,
    /// Leaves the finished share.
    pub done_label: String,
}

/// The share screen as the shell draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareView {
    pub title: String,
    pub form: ShareForm,
    pub progress: Option<ShareProgressView>,
    pub result: Option<ShareDone>,
    /// The share stopped, in words (what to do next included).
    pub error: Option<String>,
}

/// Receives each new view while a share uploads, on the sharing thread.
pub trait ShareViewListener: Send + Sync {
    fn on_view(&self, view: &ShareView);
}

impl ShareViewListener for crate::import::Silent {
    fn on_view(&self, _: &ShareView) {}
}

struct Running {
    resumed: bool,
    done: u64,
    total: Option<u64>,
    finishing: bool,
    stopping: bool,
}

struct State {
    /// Selected studies, in the order the form lists them.
    studies: BTreeSet<String>,
    /// Series left out (of selected studies).
    unselected_series: BTreeSet<String>,
    preset: Option<Preset>,
    days: u32,
    limit: Option<u32>,
    use_passcode: bool,
    passcode: String,
    suggestion: String,
    /// Whether the patient tried to share: errors are shown from then on.
    tried: bool,
    warning: Option<Reason>,
    running: Option<Running>,
    result: Option<ShareDone>,
    error: Option<String>,
    cancel: CancelToken,
}

/// The share screen for one patient's studies. Safe to share between threads.
pub struct ShareScreen {
    vault: Arc<Vault>,
    lang: Language,
    relay: String,
    viewer: Option<String>,
    /// The patient's studies (the one asked for first) with their series.
    studies: Vec<(StudyRow, Vec<SeriesRow>)>,
    state: Mutex<State>,
}

impl ShareScreen {
    /// The language the screen speaks (its errors too, in the bindings).
    pub fn language(&self) -> Language {
        self.lang
    }

    /// The form for sharing `study_id` (selected, all its series) through the relay at `relay`;
    /// the same patient's other studies are offered to add (earlier scans to compare with).
    /// `viewer`: the browser viewer links open (None: the core's default). Blocks (the vault).
    pub fn new(
        vault: Arc<Vault>,
        lang: Language,
        relay: &str,
        viewer: Option<String>,
        study_id: &str,
    ) -> Result<ShareScreen> {
        let library = vault.library()?;
        let (_, studies) = library
            .into_iter()
            .find(|(_, studies)| studies.iter().any(|s| s.id == study_id))
            .ok_or(Error::NotFound("study"))?;
        let mut listed = Vec::new();
        for s in studies {
            let series = vault.series(&s.id)?;
            listed.push((s, series));
        }
        // the study asked for first, the others newest first (as the library lists them)
        listed.sort_by_key(|(s, _)| s.id != study_id);
        let screen = ShareScreen {
            vault,
            lang,
            relay: relay.trim().to_string(),
            viewer,
            studies: listed,
            state: Mutex::new(State {
                studies: BTreeSet::from([study_id.to_string()]),
                unselected_series: BTreeSet::new(),
                preset: None,
                days: (DEFAULT_EXPIRY_SECS / DAY) as u32,
                limit: None,
                use_passcode: true,
                passcode: String::new(),
                suggestion: passcode::suggest(),
                tried: false,
                warning: None,
                running: None,
                result: None,
                error: None,
                cancel: CancelToken::new(),
            }),
        };
        screen.refresh_warning()?;
        Ok(screen)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn t(&self, id: &str) -> String {
        text::message(self.lang, id, &[])
    }

    /// Apply what the patient did; returns the view to draw next. A study or series not on the
    /// form is refused (`NotFound`), and so is a change while an upload runs.
    pub fn handle(&self, event: ShareEvent) -> Result<ShareView> {
        let mut reselect = false;
        {
            let mut s = self.state();
            if s.running.is_some() && event != ShareEvent::Dismiss {
                return Err(Error::InvalidArgument("a share is being uploaded".into()));
            }
            match event {
                ShareEvent::ToggleStudy { study_id } => {
                    if !self.studies.iter().any(|(st, _)| st.id == study_id) {
                        return Err(Error::NotFound("study"));
                    }
                    if !s.studies.remove(&study_id) {
                        s.studies.insert(study_id);
                    }
                    reselect = true;
                }
                ShareEvent::ToggleSeries { series_id } => {
                    if !self
                        .studies
                        .iter()
                        .any(|(_, series)| series.iter().any(|r| r.id == series_id))
                    {
                        return Err(Error::NotFound("series"));
                    }
                    if !s.unselected_series.remove(&series_id) {
                        s.unselected_series.insert(series_id);
                    }
                    reselect = true;
                }
                ShareEvent::SetPreset(p) => s.preset = p,
                ShareEvent::SetExpiryDays(d) => s.days = d,
                ShareEvent::SetDownloadLimit(l) => s.limit = l,
                ShareEvent::UsePasscode(on) => s.use_passcode = on,
                ShareEvent::SetPasscode(p) => s.passcode = p,
                ShareEvent::UseSuggestedPasscode => {
                    s.passcode = s.suggestion.clone();
                    s.use_passcode = true;
                }
                ShareEvent::Dismiss => {
                    s.result = None;
                    s.error = None;
                }
            }
        }
        if reselect {
            self.refresh_warning()?;
        }
        Ok(self.view())
    }

    /// The burned-in-text warning of the selection, read again (headers of each series' first
    /// image).
    fn refresh_warning(&self) -> Result<()> {
        let (studies, series) = {
            let s = self.state();
            self.selection(&s)
        };
        let warning = if studies.is_empty() {
            None
        } else {
            share::preflight(&self.vault, &studies, &series)?
        };
        self.state().warning = warning;
        Ok(())
    }

    /// The selected studies in form order, and the selected series (empty: all of them).
    fn selection(&self, s: &State) -> (Vec<String>, Vec<String>) {
        let chosen: Vec<&(StudyRow, Vec<SeriesRow>)> = self
            .studies
            .iter()
            .filter(|(st, _)| s.studies.contains(&st.id))
            .collect();
        let studies = chosen.iter().map(|(st, _)| st.id.clone()).collect();
        let some_left_out = chosen
            .iter()
            .flat_map(|(_, series)| series)
            .any(|r| s.unselected_series.contains(&r.id));
        let series = if some_left_out {
            chosen
                .iter()
                .flat_map(|(_, series)| series)
                .filter(|r| !s.unselected_series.contains(&r.id))
                .map(|r| r.id.clone())
                .collect()
        } else {
            Vec::new()
        };
        (studies, series)
    }

    /// The form's refusals, by field.
    fn errors(&self, s: &State) -> Vec<FieldError> {
        let lang = self.lang;
        let mut errors = Vec::new();
        let mut refuse = |field: &str, message: String| {
            errors.push(FieldError {
                field: field.to_string(),
                message,
            })
        };
        if s.studies.is_empty() {
            refuse(field::STUDIES, self.t("share-error-studies"));
        } else if self
            .studies
            .iter()
            .filter(|(st, _)| s.studies.contains(&st.id))
            .any(|(_, series)| series.iter().all(|r| s.unselected_series.contains(&r.id)))
        {
            refuse(field::SERIES, self.t("share-error-series"));
        }
        if !expiry_allowed(s.days as u64 * DAY) {
            refuse(
                field::EXPIRY,
                text::message(
                    lang,
                    "share-error-expiry",
                    &[("days", Arg::Number((MAX_EXPIRY_SECS / DAY) as f64))],
                ),
            );
        }
        if s.limit == Some(0) {
            refuse(field::DOWNLOADS, self.t("share-error-downloads"));
        }
        if s.use_passcode {
            if s.passcode.trim().is_empty() {
                refuse(field::PASSCODE, self.t("share-error-passcode-empty"));
            } else if passcode::check(&s.passcode).is_err() {
                refuse(
                    field::PASSCODE,
                    text::message(
                        lang,
                        "share-error-passcode-weak",
                        &[("suggestion", Arg::Text(&s.suggestion))],
                    ),
                );
            }
        }
        errors
    }

    /// Share what the form says; blocks until the link is ready (call it on a background
    /// thread). A form with refusals is not sent: the view comes back with its errors by field.
    /// An upload that stops (network, cancel) comes back with the error in words; sharing again
    /// resumes it. Errors: a locked vault, a storage failure.
    pub fn share(&self, listener: &dyn ShareViewListener) -> Result<ShareView> {
        let (options, passcode_text) = {
            let mut s = self.state();
            if s.running.is_some() {
                return Err(Error::InvalidArgument("a share is being uploaded".into()));
            }
            s.tried = true;
            s.result = None;
            s.error = None;
            if !self.errors(&s).is_empty() {
                drop(s);
                return Ok(self.view());
            }
            let (studies, series) = self.selection(&s);
            let passcode = s.use_passcode.then(|| s.passcode.trim().to_string());
            s.cancel = CancelToken::new();
            s.running = Some(Running {
                resumed: false,
                done: 0,
                total: None,
                finishing: false,
                stopping: false,
            });
            (
                ShareOptions {
                    studies,
                    series,
                    relay: self.relay.clone(),
                    expires_in_secs: s.days as u64 * DAY,
                    max_downloads: s.limit.map(u64::from),
                    passcode: passcode.clone(),
                    deidentify: s.preset,
                    viewer: self.viewer.clone(),
                },
                passcode,
            )
        };
        listener.on_view(&self.view());
        let cancel = self.state().cancel.clone();
        let forward = Forward {
            screen: self,
            listener,
        };
        let r = share::share(&self.vault, &options, &forward, &cancel);
        let mut s = self.state();
        s.running = None;
        match r {
            Ok(done) => {
                let link = done.record.link.clone();
                let qr_png = Link::parse(&link)
                    .map_err(|e| Error::Integrity(e.to_string()))?
                    .qr_png(QR_SCALE)?;
                let date = day_of(done.record.expires_at, self.lang);
                let message = text::message(
                    self.lang,
                    if passcode_text.is_some() {
                        "share-message-passcode"
                    } else {
                        "share-message"
                    },
                    &[("date", Arg::Text(&date)), ("link", Arg::Text(&link))],
                );
                s.result = Some(ShareDone {
                    title: self.t("share-done-title"),
                    share_id: done.record.id.clone(),
                    link,
                    qr_png,
                    message,
                    passcode_message: passcode_text.as_ref().map(|p| {
                        text::message(
                            self.lang,
                            "share-passcode-message",
                            &[("passcode", Arg::Text(p))],
                        )
                    }),
                    passcode_note: passcode_text
                        .as_ref()
                        .map(|_| self.t("share-passcode-separately")),
                    resumed: done.resumed,
                    send_label: self.t("share-done-send"),
                    show_qr_label: self.t("share-done-show-qr"),
                    send_passcode_label: passcode_text
                        .as_ref()
                        .map(|_| self.t("share-done-send-passcode")),
                    qr_description: self.t("share-done-qr-description"),
                    done_label: self.t("common-done"),
                    // the sender's sentence is English: say it from the reason, in the language
                    warning: done
                        .warning
                        .map(|_| self.warning(s.warning.unwrap_or(Reason::BurnedInAnnotation))),
                });
            }
            Err(e @ (Error::Locked | Error::Storage(_) | Error::KeyStore(_))) => return Err(e),
            Err(e) => {
                let id = match &e {
                    Error::Cancelled => "share-error-stopped",
                    Error::Share(_) => match ShareError::of(&e) {
                        Some(ShareError::TooLarge) => "share-error-too-large",
                        Some(ShareError::Unreachable(_) | ShareError::RateLimited) => {
                            "share-error-unreachable"
                        }
                        _ => "share-error-other",
                    },
                    Error::Network(_) => "share-error-unreachable",
                    _ => "share-error-other",
                };
                s.error = Some(self.t(id));
            }
        }
        drop(s);
        let view = self.view();
        listener.on_view(&view);
        Ok(view)
    }

    /// Stop the upload (from any thread). What was sent stays on the relay: sharing the same
    /// selection again resumes it.
    pub fn cancel(&self) {
        let mut s = self.state();
        s.cancel.cancel();
        if let Some(r) = s.running.as_mut() {
            r.stopping = true;
        }
    }

    fn warning(&self, r: Reason) -> String {
        self.t(match r {
            Reason::BurnedInAnnotation => "share-burned-in-annotation",
            Reason::Ultrasound => "share-burned-in-ultrasound",
            Reason::SecondaryCapture => "share-burned-in-secondary-capture",
        })
    }

    /// The view as things stand.
    pub fn view(&self) -> ShareView {
        let s = self.state();
        let lang = self.lang;
        let studies = self
            .studies
            .iter()
            .map(|(st, series)| {
                let card = super::library::study_card(st, lang);
                StudyPick {
                    id: st.id.clone(),
                    label: format!("{}, {}", card.title, card.date),
                    detail: card.counts,
                    selected: s.studies.contains(&st.id),
                    series: series
                        .iter()
                        .map(|r| SeriesPick {
                            id: r.id.clone(),
                            label: series_label(r, lang),
                            selected: !s.unselected_series.contains(&r.id),
                        })
                        .collect(),
                }
            })
            .collect();
        let presets = [None, Some(Preset::SecondOpinion), Some(Preset::Research)]
            .into_iter()
            .map(|p| {
                let id = match p {
                    None => "share-preset-none",
                    Some(Preset::SecondOpinion) => "share-preset-second-opinion",
                    Some(Preset::Research) => "share-preset-research",
                };
                PresetChoice {
                    preset: p,
                    label: self.t(id),
                    explanation: self.t(&format!("{id}-explained")),
                    selected: s.preset == p,
                }
            })
            .collect();
        let expiry = EXPIRY_DAYS
            .iter()
            .filter(|d| expiry_allowed(**d as u64 * DAY))
            .map(|&days| ExpiryChoice {
                days,
                label: text::message(
                    lang,
                    "share-expiry-days",
                    &[("days", Arg::Number(days as f64))],
                ),
                selected: s.days == days,
            })
            .collect();
        let downloads = DOWNLOAD_LIMITS
            .iter()
            .map(|&limit| DownloadChoice {
                limit,
                label: match limit {
                    None => self.t("share-downloads-none"),
                    Some(n) => text::message(
                        lang,
                        "share-downloads-count",
                        &[("count", Arg::Number(n as f64))],
                    ),
                },
                selected: s.limit == limit,
            })
            .collect();
        let form = ShareForm {
            studies_label: self.t("share-studies-label"),
            studies,
            preset_label: self.t("share-preset-label"),
            presets,
            expiry_label: self.t("share-expiry-label"),
            expiry,
            downloads_label: self.t("share-downloads-label"),
            downloads,
            passcode: PasscodeField {
                label: self.t("share-passcode-label"),
                use_label: self.t("share-passcode-use"),
                enabled: s.use_passcode,
                value: s.passcode.clone(),
                hint: self.t("share-passcode-hint"),
                suggestion: s.suggestion.clone(),
                suggest_label: self.t("share-passcode-suggest"),
            },
            warning: s.warning.map(|r| self.warning(r)),
            errors: if s.tried { self.errors(&s) } else { Vec::new() },
            submit: self.t("share-submit"),
        };
        let progress = s.running.as_ref().map(|r| {
            let text = if r.stopping {
                self.t("share-phase-stopping")
            } else if r.finishing {
                self.t("share-phase-finishing")
            } else {
                match r.total {
                    None => self.t("share-phase-preparing"),
                    Some(_) if r.resumed && r.done == 0 => self.t("share-phase-resuming"),
                    Some(total) => text::message(
                        lang,
                        "share-phase-sending",
                        &[
                            ("done", Arg::Number(r.done as f64)),
                            ("total", Arg::Number(total as f64)),
                        ],
                    ),
                }
            };
            ShareProgressView {
                text,
                resumed: r.resumed,
                done: r.done,
                total: r.total.unwrap_or(0),
                fraction: r.total.map(|t| {
                    if t == 0 {
                        1.0
                    } else {
                        r.done as f32 / t as f32
                    }
                }),
                cancel_label: self.t("share-cancel"),
                can_cancel: !r.stopping,
            }
        });
        ShareView {
            title: self.t("share-title"),
            form,
            progress,
            result: s.result.clone(),
            error: s.error.clone(),
        }
    }
}

/// "SAG T1 (192 images)", or "Series 3 (…)" without a description.
fn series_label(r: &SeriesRow, lang: Language) -> String {
    let title = r
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(String::from)
        .unwrap_or_else(|| {
            text::message(
                lang,
                "share-series-untitled",
                &[("number", Arg::Number(r.number.unwrap_or(0) as f64))],
            )
        });
    text::message(
        lang,
        "share-series-label",
        &[
            ("title", Arg::Text(&title)),
            (
                "images",
                Arg::Text(&text::count(Counted::Images, r.instance_count as u64, lang)),
            ),
        ],
    )
}

/// A unix time's day in the language (UTC).
pub(crate) fn day_of(unix: i64, lang: Language) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .and_then(|t| text::date(&t.format("%Y%m%d").to_string(), lang))
        .unwrap_or_default()
}

/// The share's listener: updates the screen's state and hands the listener the new view.
struct Forward<'a> {
    screen: &'a ShareScreen,
    listener: &'a dyn ShareViewListener,
}

impl share::ShareListener for Forward<'_> {
    fn on_progress(&self, p: &ShareProgress) {
        {
            let mut s = self.screen.state();
            let Some(r) = s.running.as_mut() else { return };
            match *p {
                ShareProgress::Started { resumed, files } => {
                    r.resumed = resumed;
                    r.total = Some(files);
                }
                ShareProgress::File { done, files, .. } => {
                    r.done = done;
                    r.total = Some(files);
                }
                ShareProgress::Finishing => r.finishing = true,
            }
        }
        self.listener.on_view(&self.screen.view());
    }
}
