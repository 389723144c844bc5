//! My shares: every share the patient made, newest first, its state in words, who opened it in
//! words ("Opened twice, last on 3 March 2026", from the relay's access log), and revoking one
//! behind a confirmation.
//!
//! Threads: `view` reads the vault (milliseconds); `handle(Refresh)` and
//! `handle(ConfirmRevoke)` ask the relay (network: seconds when it is far or down): call them off
//! the main thread.

use std::collections::HashMap;
use std::sync::Arc;

use super::day_of;
use crate::error::{Error, Result};
use crate::screens::library::{study_card, Confirmation};
use crate::share::{self, AccessEvent, AccessKind, ShareRecord, ShareStatus};
use crate::text::{self, Arg, Language};
use crate::vault::Vault;

/// What the patient did on "my shares".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MySharesEvent {
    /// Ask the relay who opened each open share.
    Refresh,
    AskRevoke {
        share_id: String,
    },
    ConfirmRevoke,
    CancelRevoke,
}

/// One share, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareCard {
    pub id: String,
    /// The study shared ("MR-Brain w/o Contrast, 8 March 2013"), with "+ 1" for more.
    pub title: String,
    pub status: ShareStatus,
    /// "Open until 13 December 2026", "Revoked: ...".
    pub state: String,
    /// "Opened twice, last on 3 March 2026" (after a refresh; None before, and for a share
    /// that is not open).
    pub access: Option<String>,
    /// The link, to send again (its key included: show it, never log it). None once revoked.
    pub link: Option<String>,
    pub can_revoke: bool,
    pub revoke_label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MySharesView {
    pub title: String,
    pub shares: Vec<ShareCard>,
    pub empty: Option<String>,
    pub confirm: Option<Confirmation>,
    /// A revoke that did not reach the relay, in words.
    pub error: Option<String>,
    /// Asks the relay who opened each share (`Refresh`).
    pub refresh_label: String,
    /// A card's link, to the platform's share sheet again.
    pub send_label: String,
}

pub struct MySharesScreen {
    vault: Arc<Vault>,
    lang: Language,
    access: HashMap<String, Option<Vec<AccessEvent>>>,
    pending_revoke: Option<String>,
    error: Option<String>,
}

impl MySharesScreen {
    /// The language the screen speaks (its errors too, in the bindings).
    pub fn language(&self) -> Language {
        self.lang
    }

    pub fn new(vault: Arc<Vault>, lang: Language) -> MySharesScreen {
        MySharesScreen {
            vault,
            lang,
            access: HashMap::new(),
            pending_revoke: None,
            error: None,
        }
    }

    fn t(&self, id: &str) -> String {
        text::message(self.lang, id, &[])
    }

    /// Apply what the patient did; returns the view to draw next. Refused: revoking a share
    /// that is not there (`NotFound`), a confirmation with nothing asked.
    pub fn handle(&mut self, event: MySharesEvent) -> Result<MySharesView> {
        match event {
            MySharesEvent::Refresh => {
                self.error = None;
                for r in self.vault.share_records()? {
                    if r.status() == ShareStatus::Active {
                        // an unreachable relay is said on the card, not as an error
                        let log = share::access_log(&self.vault, &r.id).ok();
                        self.access.insert(r.id, log);
                    }
                }
            }
            MySharesEvent::AskRevoke { share_id } => {
                let r = self.vault.share_record(&share_id)?;
                if r.status() == ShareStatus::Revoked {
                    return Err(Error::InvalidArgument(
                        "this share is already revoked".into(),
                    ));
                }
                self.pending_revoke = Some(share_id);
            }
            MySharesEvent::ConfirmRevoke => {
                let id = self
                    .pending_revoke
                    .take()
                    .ok_or_else(|| Error::InvalidArgument("no revoke to confirm".into()))?;
                match share::revoke(&self.vault, &id) {
                    Ok(_) => {
                        self.access.remove(&id);
                        self.error = None;
                    }
                    Err(e @ (Error::Locked | Error::Storage(_))) => return Err(e),
                    Err(_) => self.error = Some(self.t("share-error-unreachable")),
                }
            }
            MySharesEvent::CancelRevoke => self.pending_revoke = None,
        }
        self.view()
    }

    /// The view as things stand (from the vault; the access logs of the last refresh).
    pub fn view(&self) -> Result<MySharesView> {
        let mut records = self.vault.share_records()?;
        records.reverse(); // newest first
        let studies = self.vault.studies()?;
        let shares: Vec<ShareCard> = records.iter().map(|r| self.card(r, &studies)).collect();
        let confirm = self.pending_revoke.as_ref().map(|_| Confirmation {
            title: self.t("shares-revoke-title"),
            message: self.t("shares-revoke-message"),
            confirm: self.t("shares-revoke"),
            cancel: self.t("action-cancel"),
            destructive: true,
        });
        Ok(MySharesView {
            title: self.t("shares-title"),
            empty: shares.is_empty().then(|| self.t("shares-empty")),
            shares,
            confirm,
            error: self.error.clone(),
            refresh_label: self.t("shares-refresh"),
            send_label: self.t("shares-send"),
        })
    }

    fn card(&self, r: &ShareRecord, studies: &[crate::vault::StudyRow]) -> ShareCard {
        let lang = self.lang;
        let mut title = studies
            .iter()
            .find(|s| s.id == r.study_id)
            .map(|s| {
                let c = study_card(s, lang);
                format!("{}, {}", c.title, c.date)
            })
            .unwrap_or_else(|| self.t("shares-study-gone"));
        if !r.other_studies.is_empty() {
            title = format!("{title} + {}", r.other_studies.len());
        }
        let status = r.status();
        let date = day_of(r.expires_at, lang);
        let state = match status {
            ShareStatus::Active => {
                text::message(lang, "shares-state-active", &[("date", Arg::Text(&date))])
            }
            ShareStatus::Unfinished => self.t("shares-state-unfinished"),
            ShareStatus::Expired => {
                text::message(lang, "shares-state-expired", &[("date", Arg::Text(&date))])
            }
            ShareStatus::Revoked => self.t("shares-state-revoked"),
        };
        let access = match (status, self.access.get(&r.id)) {
            (ShareStatus::Active, Some(Some(log))) => Some(access_text(log, lang)),
            (ShareStatus::Active, Some(None)) => Some(self.t("shares-access-failed")),
            (ShareStatus::Active, None) => Some(self.t("shares-access-unknown")),
            _ => None,
        };
        ShareCard {
            id: r.id.clone(),
            title,
            status,
            state,
            access,
            link: (status != ShareStatus::Revoked).then(|| r.link.clone()),
            can_revoke: status != ShareStatus::Revoked,
            revoke_label: self.t("shares-revoke"),
        }
    }
}

/// The relay's access log in words: how often it was opened and when last, wrong passcodes,
/// a lock.
pub fn access_text(log: &[AccessEvent], lang: Language) -> String {
    let opened: Vec<i64> = log
        .iter()
        .filter(|e| e.event == AccessKind::Manifest.as_str())
        .map(|e| e.at)
        .collect();
    let denied = log
        .iter()
        .filter(|e| e.event == AccessKind::Denied.as_str())
        .count();
    let locked = log.iter().any(|e| e.event == AccessKind::Locked.as_str());
    let mut parts = vec![match opened.iter().max() {
        None => text::message(lang, "shares-access-none", &[]),
        Some(&last) => text::message(
            lang,
            "shares-access-opened",
            &[
                ("count", Arg::Number(opened.len() as f64)),
                ("date", Arg::Text(&day_of(last, lang))),
            ],
        ),
    }];
    if denied > 0 {
        parts.push(text::message(
            lang,
            "shares-access-denied",
            &[("count", Arg::Number(denied as f64))],
        ));
    }
    if locked {
        parts.push(text::message(lang, "shares-access-locked", &[]));
    }
    parts.join(". ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::tests::temp_dir;
    use crate::vault::PassphraseKeyStore;

    #[test]
    fn the_lists_buttons_are_worded_by_the_core() {
        let dir = temp_dir("screen-my-shares-words");
        let keys = PassphraseKeyStore::new(&dir, "pw").with_cost(1024, 1);
        let vault = Arc::new(Vault::create(&dir, &keys).unwrap());
        let v = MySharesScreen::new(vault.clone(), Language::En)
            .view()
            .unwrap();
        assert_eq!(
            (v.refresh_label.as_str(), v.send_label.as_str()),
            ("Refresh", "Send the link")
        );
        let v = MySharesScreen::new(vault, Language::Fr).view().unwrap();
        assert_eq!(
            (v.refresh_label.as_str(), v.send_label.as_str()),
            ("Actualiser", "Envoyer le lien")
        );
    }
}
