//! The import screen: where images can come from (each source with its label and the effect the
//! shell performs to pick it), the progress of an import as a view the shell redraws, cancel,
//! and a summary a patient understands.
//!
//! Threads: [`ImportScreen::start`] is the import, one blocking call (seconds to minutes): the
//! shell calls it on a background thread. While it runs, the [`ImportViewListener`] it was given
//! receives each new view on that thread (the shell hops to its main thread to draw), and
//! [`ImportScreen::cancel`] and [`ImportScreen::view`] may be called from any other thread.
//! `start` returns the final view (the summary) once the import is over.
//!
//! Time left is estimated here from the rate so far, on an injectable [`Clock`].

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::import::{self, CancelToken, ImportEvent, ImportSummary, Problem, Source};
use crate::text::{self, Arg, Language};
use crate::vault::Vault;

/// A monotonic clock (injectable for tests).
pub trait Clock: Send + Sync {
    /// Time since an arbitrary, fixed origin.
    fn now(&self) -> Duration;
}

/// The system's monotonic clock.
pub struct SystemClock(Instant);

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock(Instant::now())
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }
}

/// The kinds of source the core reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A CD, DVD or USB stick copy: a folder searched recursively, its DICOMDIR read.
    Folder,
    Zip,
    Files,
    /// A provider link (DICOMweb study, or a zip or DICOM file), with an optional access token.
    Link,
}

/// What the shell does to let the patient pick a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportEffect {
    /// The platform's folder picker.
    PickFolder,
    /// The platform's file picker, `multiple` files or one, of these media types (empty: any).
    PickFiles {
        multiple: bool,
        media_types: Vec<String>,
    },
    /// The link form of the view ([`LinkForm`]); its submission is [`ImportScreen::link_source`].
    AskLink,
}

/// One way to add images.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceChoice {
    pub kind: SourceKind,
    pub label: String,
    pub detail: String,
    pub effect: ImportEffect,
}

/// The form a provider link is typed or pasted into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkForm {
    pub url_label: String,
    pub token_label: String,
    pub submit: String,
    /// Why the last link was refused.
    pub error: Option<String>,
}

/// Where a running import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportPhase {
    Searching,
    Importing,
    Finishing,
    /// Cancel was asked: the file being stored is finished, then it stops.
    Stopping,
}

/// A running import, as the shell redraws it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportProgress {
    pub phase: ImportPhase,
    /// The phase in words ("Adding images…").
    pub phase_text: String,
    pub files_done: u64,
    pub files_total: u64,
    /// "12 of 194 files" (empty while searching).
    pub files_text: String,
    /// "12 MB of 40 MB" (empty while searching).
    pub bytes_text: String,
    /// 0 to 1; None while the total is not known (searching).
    pub fraction: Option<f32>,
    /// "About 3 minutes left"; None until the rate is known.
    pub time_left: Option<String>,
    pub cancel_label: String,
    pub can_cancel: bool,
}

/// One file that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    /// Where it was, relative to the source (never a patient attribute).
    pub file: String,
    /// Why, in words.
    pub reason: String,
}

/// What an import did, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportResult {
    pub title: String,
    /// "192 images added", "2 files were not images", ..., in that order.
    pub lines: Vec<String>,
    /// "These images belong to 2 people: check before sharing them."
    pub warning: Option<String>,
    pub problems: Vec<FileProblem>,
    pub done_label: String,
    pub images_added: u64,
    pub cancelled: bool,
    /// The summary as the core has it (counts for the app's own use).
    pub summary: ImportSummary,
}

/// The import screen as the shell draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportView {
    pub title: String,
    pub choices: Vec<SourceChoice>,
    pub link_form: LinkForm,
    /// While an import runs.
    pub progress: Option<ImportProgress>,
    /// Once it is over (until [`ImportScreenEvent::Dismiss`]).
    pub result: Option<ImportResult>,
    /// An import that could not start or stopped on an error, in words.
    pub error: Option<String>,
    /// What to show while the shell copies what the patient picked, before the import starts.
    pub reading_text: String,
}

/// Receives each new view while an import runs, on the importing thread.
pub trait ImportViewListener: Send + Sync {
    fn on_view(&self, view: &ImportView);
}

impl ImportViewListener for crate::import::Silent {
    fn on_view(&self, _: &ImportView) {}
}

/// What the patient did on the import screen (besides starting and cancelling an import).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportScreenEvent {
    /// The result or the error was read: back to the choices.
    Dismiss,
}

#[derive(Default)]
struct Run {
    files: u64,
    bytes: u64,
    done: u64,
    bytes_done: u64,
    /// When the files were found (the rate is measured from there).
    started: Option<Duration>,
    found: bool,
    stopping: bool,
}

#[derive(Default)]
struct State {
    running: Option<Run>,
    last: Option<(ImportSummary, u64, u64)>,
    error: Option<String>,
    link_error: Option<String>,
    cancel: CancelToken,
}

/// The import screen. Safe to share between threads (see the module's note on threads).
pub struct ImportScreen {
    vault: Arc<Vault>,
    lang: Language,
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
}

impl ImportScreen {
    /// The language the screen speaks (its errors too, in the bindings).
    pub fn language(&self) -> Language {
        self.lang
    }

    pub fn new(vault: Arc<Vault>, lang: Language) -> ImportScreen {
        Self::with_clock(vault, lang, Arc::new(SystemClock::default()))
    }

    /// With a clock of the caller's (tests).
    pub fn with_clock(vault: Arc<Vault>, lang: Language, clock: Arc<dyn Clock>) -> ImportScreen {
        ImportScreen {
            vault,
            lang,
            clock,
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The source for a provider link as the link form gave it, or None (and the form's error
    /// set) when it is not a link the core can download from.
    pub fn link_source(&self, url: &str, token: Option<&str>) -> Option<Source> {
        let ok = crate::net::check(url).is_ok();
        self.state().link_error = (!ok).then(|| self.t("import-link-bad"));
        ok.then(|| Source::Url {
            url: url.trim().to_string(),
            bearer: token
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(String::from),
        })
    }

    /// Import `sources`; blocks until it is over (call it on a background thread). `listener`
    /// gets each new view on this thread. Returns the final view: the summary, or the error in
    /// words. Errors: a locked vault, and a storage failure of the vault itself; while an import
    /// runs, a second `start` is refused.
    pub fn start(
        &self,
        sources: &[Source],
        listener: &dyn ImportViewListener,
    ) -> Result<ImportView> {
        let cancel = {
            let mut s = self.state();
            if s.running.is_some() {
                return Err(Error::InvalidArgument(
                    "an import is already running".into(),
                ));
            }
            s.running = Some(Run::default());
            s.last = None;
            s.error = None;
            s.cancel = CancelToken::new();
            s.cancel.clone()
        };
        listener.on_view(&self.view());
        let forward = Forward {
            screen: self,
            listener,
        };
        let r = import::import(&self.vault, sources, &forward, &cancel);
        let mut s = self.state();
        let run = s.running.take().unwrap_or_default();
        match r {
            Ok(summary) => s.last = Some((summary, run.done, run.files)),
            Err(e @ (Error::Locked | Error::Storage(_) | Error::KeyStore(_))) => return Err(e),
            Err(Error::Cancelled) => {
                s.last = Some((
                    ImportSummary {
                        cancelled: true,
                        ..Default::default()
                    },
                    run.done,
                    run.files,
                ))
            }
            Err(e) => {
                let id = match e {
                    Error::Io { .. } => "import-error-cannot-read",
                    Error::Network(_) => "import-error-network",
                    Error::Archive(_) => "import-error-archive",
                    _ => "import-error-other",
                };
                s.error = Some(self.t(id));
            }
        }
        drop(s);
        let view = self.view();
        listener.on_view(&view);
        Ok(view)
    }

    /// Stop the running import (from any thread): the file being stored is finished, what was
    /// imported is kept.
    pub fn cancel(&self) {
        let mut s = self.state();
        s.cancel.cancel();
        if let Some(run) = s.running.as_mut() {
            run.stopping = true;
        }
    }

    /// Apply what the patient did; returns the view to draw next.
    pub fn handle(&self, event: ImportScreenEvent) -> ImportView {
        match event {
            ImportScreenEvent::Dismiss => {
                let mut s = self.state();
                s.last = None;
                s.error = None;
                s.link_error = None;
            }
        }
        self.view()
    }

    /// The view as things stand.
    pub fn view(&self) -> ImportView {
        let s = self.state();
        let t = |id| self.t(id);
        let choice = |kind, label, detail, effect| SourceChoice {
            kind,
            label: t(label),
            detail: t(detail),
            effect,
        };
        let choices = vec![
            choice(
                SourceKind::Folder,
                "import-source-folder",
                "import-source-folder-detail",
                ImportEffect::PickFolder,
            ),
            choice(
                SourceKind::Zip,
                "import-source-zip",
                "import-source-zip-detail",
                ImportEffect::PickFiles {
                    multiple: false,
                    media_types: vec!["application/zip".into()],
                },
            ),
            choice(
                SourceKind::Files,
                "import-source-files",
                "import-source-files-detail",
                ImportEffect::PickFiles {
                    multiple: true,
                    media_types: Vec::new(),
                },
            ),
            choice(
                SourceKind::Link,
                "import-source-link",
                "import-source-link-detail",
                ImportEffect::AskLink,
            ),
        ];
        ImportView {
            title: t("import-title"),
            choices,
            link_form: LinkForm {
                url_label: t("import-link-url"),
                token_label: t("import-link-token"),
                submit: t("import-link-submit"),
                error: s.link_error.clone(),
            },
            progress: s.running.as_ref().map(|r| self.progress(r)),
            result: s
                .last
                .as_ref()
                .map(|(summary, done, total)| self.result(summary, *done, *total)),
            error: s.error.clone(),
            reading_text: t("import-phase-reading"),
        }
    }

    fn t(&self, id: &str) -> String {
        text::message(self.lang, id, &[])
    }

    fn progress(&self, r: &Run) -> ImportProgress {
        let lang = self.lang;
        let phase = if r.stopping {
            ImportPhase::Stopping
        } else if !r.found {
            ImportPhase::Searching
        } else if r.done < r.files {
            ImportPhase::Importing
        } else {
            ImportPhase::Finishing
        };
        let phase_text = self.t(match phase {
            ImportPhase::Searching => "import-phase-searching",
            ImportPhase::Importing => "import-phase-importing",
            ImportPhase::Finishing => "import-phase-finishing",
            ImportPhase::Stopping => "import-phase-stopping",
        });
        let (files_text, bytes_text) = if r.found {
            (
                text::message(
                    lang,
                    "import-files",
                    &[
                        ("done", Arg::Number(r.done as f64)),
                        ("total", Arg::Number(r.files as f64)),
                    ],
                ),
                text::message(
                    lang,
                    "import-bytes",
                    &[
                        ("done", Arg::Text(&text::size(r.bytes_done, lang))),
                        ("total", Arg::Text(&text::size(r.bytes, lang))),
                    ],
                ),
            )
        } else {
            (String::new(), String::new())
        };
        let fraction = r.found.then(|| {
            if r.bytes > 0 {
                (r.bytes_done as f64 / r.bytes as f64).min(1.0) as f32
            } else if r.files > 0 {
                r.done as f32 / r.files as f32
            } else {
                1.0
            }
        });
        let time_left = match (phase, r.started) {
            (ImportPhase::Importing, Some(t0)) => Some(self.time_left(r, t0)),
            _ => None,
        };
        ImportProgress {
            phase,
            phase_text,
            files_done: r.done,
            files_total: r.files,
            files_text,
            bytes_text,
            fraction,
            time_left,
            cancel_label: self.t("import-cancel"),
            can_cancel: !r.stopping,
        }
    }

    /// Time left from the rate so far (bytes, or files when sizes are unknown), once two
    /// seconds of it were measured.
    fn time_left(&self, r: &Run, t0: Duration) -> String {
        let elapsed = self.clock.now().saturating_sub(t0).as_secs_f64();
        let (done, total) = if r.bytes > 0 {
            (r.bytes_done as f64, r.bytes as f64)
        } else {
            (r.done as f64, r.files as f64)
        };
        if elapsed < 2.0 || done <= 0.0 {
            return self.t("import-time-estimating");
        }
        let left = elapsed * (total - done).max(0.0) / done;
        time_left_text(left, self.lang)
    }

    fn result(&self, s: &ImportSummary, done: u64, total: u64) -> ImportResult {
        let lang = self.lang;
        let n = |id: &str, count: usize| {
            text::message(lang, id, &[("count", Arg::Number(count as f64))])
        };
        let mut lines = Vec::new();
        if s.cancelled {
            lines.push(text::message(
                lang,
                "import-cancelled",
                &[
                    ("done", Arg::Number(done as f64)),
                    ("total", Arg::Number(total as f64)),
                ],
            ));
        }
        lines.push(n("import-added", s.instances_added));
        for (id, count) in [
            ("import-duplicates", s.duplicates),
            ("import-skipped", s.skipped),
            ("import-conflicts", s.conflicts),
            ("import-errors", s.errors.len()),
        ] {
            if count > 0 {
                lines.push(n(id, count));
            }
        }
        let title = if s.cancelled {
            "import-cancelled-title"
        } else if s.instances_added == 0 && s.duplicates == 0 && !s.errors.is_empty() {
            "import-failed-title"
        } else {
            "import-done-title"
        };
        ImportResult {
            title: self.t(title),
            lines,
            warning: s
                .mixed_patients
                .then(|| n("import-mixed-patients", s.patients)),
            problems: s
                .errors
                .iter()
                .map(|e| FileProblem {
                    file: e.path.clone(),
                    reason: self.t(problem_id(e.problem)),
                })
                .collect(),
            done_label: self.t("import-done"),
            images_added: s.instances_added as u64,
            cancelled: s.cancelled,
            summary: s.clone(),
        }
    }
}

fn problem_id(p: Problem) -> &'static str {
    match p {
        Problem::Unreadable => "import-problem-unreadable",
        Problem::Damaged => "import-problem-damaged",
        Problem::Unsupported => "import-problem-unsupported",
        Problem::Missing => "import-problem-missing",
        Problem::TooLarge => "import-problem-too-large",
        Problem::Archive => "import-problem-archive",
        Problem::Incomplete => "import-problem-incomplete",
        Problem::Thumbnail => "import-problem-thumbnail",
    }
}

/// Seconds left in words, rounded as people say it.
pub fn time_left_text(secs: f64, lang: Language) -> String {
    if secs < 15.0 {
        text::message(lang, "import-time-seconds", &[])
    } else if secs < 60.0 {
        text::message(lang, "import-time-minute", &[])
    } else if secs < 3600.0 {
        let minutes = (secs / 60.0).round().max(2.0);
        if minutes >= 60.0 {
            return text::message(lang, "import-time-hours", &[("hours", Arg::Number(1.0))]);
        }
        text::message(
            lang,
            "import-time-minutes",
            &[("minutes", Arg::Number(minutes))],
        )
    } else {
        let hours = (secs / 3600.0).round();
        text::message(lang, "import-time-hours", &[("hours", Arg::Number(hours))])
    }
}

/// The import's listener: updates the screen's state and hands the listener the new view.
struct Forward<'a> {
    screen: &'a ImportScreen,
    listener: &'a dyn ImportViewListener,
}

impl import::ImportListener for Forward<'_> {
    fn on_event(&self, event: &ImportEvent) {
        {
            let mut s = self.screen.state();
            let Some(run) = s.running.as_mut() else {
                return;
            };
            match *event {
                ImportEvent::Found { files, bytes } => {
                    run.found = true;
                    run.files = files;
                    run.bytes = bytes;
                    run.started = Some(self.screen.clock.now());
                }
                ImportEvent::Processed { done, files, bytes } => {
                    run.done = done;
                    run.files = files;
                    run.bytes_done = bytes;
                }
                // listed in the summary; nothing to redraw
                ImportEvent::FileError { .. } => return,
            }
        }
        self.listener.on_view(&self.screen.view());
    }
}

#[cfg(test)]
mod tests;
