//! Start and lock: create the vault, unlock it, lock it, and lock it by itself after an idle time.
//!
//! - **Create**: the vault key is kept by a passphrase ([`PassphraseKeyStore`]). The passphrase
//!   must resist guessing on someone else's computer, by the rule shares use
//!   ([`crate::share::passcode::check`]); the reasons come back by field ([`Error::Invalid`]:
//!   `passphrase`, `confirm`). The device's key store gets the key only when the patient turns
//!   on unlocking with a fingerprint or face in the settings
//!   ([`crate::screens::settings::SettingsEvent::SetDeviceUnlock`]).
//! - **Unlock**: with the passphrase, or with the device's key store (the platform's biometric
//!   prompt, bound to the key) when the patient chose it, the shell gave a device store
//!   ([`StartScreen::new`]'s `device_keys`) and the device has a fingerprint or face enrolled
//!   ([`StartEvent::DeviceBiometrics`]): only then does the view offer the device's button.
//!   A passphrase unlock while the choice is off deletes any vault key left in the device
//!   store (kept there by an older version). Wrong passphrases: [`FREE_ATTEMPTS`] tries, then a
//!   wait that doubles from [`FIRST_WAIT_MS`] up to [`LONGEST_WAIT_MS`]; the view says how many
//!   tries are left or how long to wait. (The wait slows a person at the phone; the passphrase
//!   file's Argon2id is what stops a copy of it being guessed.)
//! - **Locked**: the view says `show_library: false`; nothing of the library is in it.
//! - **Idle**: the shell reports [`StartEvent::Activity`], [`StartEvent::Background`] and
//!   [`StartEvent::Tick`] with its clock's time; the model locks after the idle time of the
//!   settings ([`AutoLock`]), or at once on leaving when so chosen.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, FieldError, Result};
use crate::screens::settings::{AutoLock, Biometrics, Settings};
use crate::share::passcode;
use crate::text::{self, Arg, Language};
use crate::vault::{KeyStore, PassphraseKeyStore, Vault};

/// Wrong passphrases allowed before the first wait.
pub const FREE_ATTEMPTS: u32 = 5;
/// The first wait after [`FREE_ATTEMPTS`] wrong passphrases; each further one doubles it.
pub const FIRST_WAIT_MS: u64 = 30_000;
/// The longest wait.
pub const LONGEST_WAIT_MS: u64 = 15 * 60_000;

/// The time, in milliseconds, from a clock the shell and the tests choose (wall or monotonic:
/// only differences are used).
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> u64;
}

/// The system's wall clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0)
    }
}

/// What the patient (or the shell, for the idle events) did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartEvent {
    /// Create the vault, its key kept by `passphrase`.
    Create { passphrase: String, confirm: String },
    /// Unlock through the device's key store (its biometric prompt): only when the view offers
    /// it (`device_label`).
    UnlockWithDevice,
    /// What the device can do now (the shell asks the platform on showing the screen and on
    /// coming back to the app). Until said: [`Biometrics::Unavailable`].
    DeviceBiometrics(Biometrics),
    /// Unlock with the passphrase.
    Unlock { passphrase: String },
    /// Lock now.
    Lock,
    /// The patient touched the app.
    Activity { now_ms: u64 },
    /// The app went to the background.
    Background { now_ms: u64 },
    /// The shell's periodic timer (every few seconds while in the foreground).
    Tick { now_ms: u64 },
}

/// Which screen to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartStage {
    /// No vault yet: the creation form.
    Create,
    /// The lock screen.
    Unlock,
    /// Unlocked: the shell shows the library.
    Unlocked,
}

/// The start or lock screen as the shell draws it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartView {
    pub stage: StartStage,
    /// Whether the shell may show the library (and anything from the vault): only when unlocked.
    pub show_library: bool,
    pub title: String,
    pub message: String,
    pub passphrase_label: String,
    /// The second field at creation; `None` on the lock screen.
    pub confirm_label: Option<String>,
    /// What makes a good passphrase (at creation).
    pub passphrase_hint: Option<String>,
    pub submit_label: String,
    /// The device's button ("Unlock with fingerprint or face"): on the lock screen when the
    /// patient chose it and the device can; `None` otherwise.
    pub device_label: Option<String>,
    /// What happened last, in words (a wrong passphrase, an automatic lock...).
    pub feedback: Option<String>,
    /// Wrong passphrases left before a wait (on the lock screen, once one was wrong).
    pub attempts_left: Option<u32>,
    /// The same in words, plural-correct ("2 tries left").
    pub attempts_left_text: Option<String>,
    /// Seconds to wait before the next try (the submit button is disabled meanwhile).
    pub retry_in_seconds: Option<u32>,
    /// The lock button (when unlocked).
    pub lock_label: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Feedback {
    WrongPassphrase,
    Wait,
    DeviceRefused,
    AutoLocked,
}

/// The start and lock screen's state, and the idle policy.
pub struct StartScreen {
    dir: PathBuf,
    lang: Language,
    device_keys: Option<Arc<dyn KeyStore>>,
    biometrics: Biometrics,
    clock: Arc<dyn Clock>,
    vault: Option<Arc<Vault>>,
    failures: u32,
    retry_at_ms: Option<u64>,
    feedback: Option<Feedback>,
    last_activity_ms: u64,
    kdf: Option<(u32, u32)>,
}

impl StartScreen {
    /// The language the screen speaks (its errors too, in the bindings).
    pub fn language(&self) -> Language {
        self.lang
    }

    /// The start screen of the vault folder `dir` (opened, locked, when a vault is there).
    /// `device_keys`: the platform's key store, when the device has one; `lang`: the device's
    /// language (the settings may choose another).
    pub fn new(
        dir: &Path,
        device_keys: Option<Arc<dyn KeyStore>>,
        lang: Language,
        clock: Arc<dyn Clock>,
    ) -> Result<StartScreen> {
        let vault = if Vault::exists(dir) {
            Some(Arc::new(Vault::open(dir)?))
        } else {
            None
        };
        let now = clock.now_ms();
        Ok(StartScreen {
            dir: dir.to_path_buf(),
            lang,
            device_keys,
            biometrics: Biometrics::default(),
            clock,
            vault,
            failures: 0,
            retry_at_ms: None,
            feedback: None,
            last_activity_ms: now,
            kdf: None,
        })
    }

    /// A cheaper passphrase key derivation, for tests only.
    #[doc(hidden)]
    pub fn with_kdf_cost(mut self, memory_kib: u32, passes: u32) -> Self {
        self.kdf = Some((memory_kib, passes));
        self
    }

    /// The device's language changed (Android keeps the process, and this model, across a
    /// language change; the screens are drawn again in the new one). A language chosen in the
    /// settings still wins.
    pub fn set_device_language(&mut self, lang: Language) {
        self.lang = lang;
    }

    /// The vault, once created or opened (locked or not): for the other screens.
    pub fn vault(&self) -> Option<Arc<Vault>> {
        self.vault.clone()
    }

    fn lang(&self) -> Language {
        Settings::load(&self.dir).language(self.lang)
    }

    fn auto_lock(&self) -> AutoLock {
        Settings::load(&self.dir).auto_lock
    }

    fn passphrase_store(&self, passphrase: &str) -> PassphraseKeyStore {
        let store = PassphraseKeyStore::new(&self.dir, passphrase);
        match self.kdf {
            Some((m, p)) => store.with_cost(m, p),
            None => store,
        }
    }

    /// Apply an event; returns the view to draw next. Refusals: a passphrase that does not meet
    /// the rules at creation ([`Error::Invalid`], nothing created); creating where a vault is, or
    /// unlocking before there is one ([`Error::InvalidArgument`]). A wrong passphrase is not an
    /// error: the view says so, with the tries left.
    pub fn handle(&mut self, event: StartEvent) -> Result<StartView> {
        match event {
            StartEvent::Create {
                passphrase,
                confirm,
            } => self.create(&passphrase, &confirm)?,
            StartEvent::UnlockWithDevice => self.unlock_with_device()?,
            StartEvent::DeviceBiometrics(b) => self.biometrics = b,
            StartEvent::Unlock { passphrase } => self.unlock(&passphrase)?,
            StartEvent::Lock => {
                if let Some(v) = &self.vault {
                    v.lock();
                }
                self.feedback = None;
            }
            StartEvent::Activity { now_ms } => {
                self.check_idle(now_ms);
                self.last_activity_ms = now_ms;
            }
            StartEvent::Background { now_ms } => {
                if self.auto_lock().locks_on_leave() {
                    self.auto_lock_now();
                } else {
                    self.check_idle(now_ms);
                }
            }
            StartEvent::Tick { now_ms } => self.check_idle(now_ms),
        }
        Ok(self.view())
    }

    fn check_idle(&mut self, now_ms: u64) {
        if let Some(idle) = self.auto_lock().idle_ms() {
            if now_ms.saturating_sub(self.last_activity_ms) >= idle {
                self.auto_lock_now();
            }
        }
    }

    fn auto_lock_now(&mut self) {
        if let Some(v) = self.vault.as_ref().filter(|v| v.is_unlocked()) {
            v.lock();
            self.feedback = Some(Feedback::AutoLocked);
        }
    }

    fn create(&mut self, passphrase: &str, confirm: &str) -> Result<()> {
        if self.vault.is_some() || Vault::exists(&self.dir) {
            return Err(Error::InvalidArgument("a vault is already there".into()));
        }
        let lang = self.lang();
        let fields = passphrase_problems(passphrase, confirm, lang);
        if !fields.is_empty() {
            return Err(Error::Invalid(fields));
        }
        // a choice left from an earlier vault in this folder does not carry over: the device
        // store gets the key only when the patient turns it on for this one
        let mut settings = Settings::load(&self.dir);
        if settings.device_unlock {
            settings.device_unlock = false;
            settings.save(&self.dir)?;
        }
        let vault = Vault::create(&self.dir, &self.passphrase_store(passphrase))?;
        self.feedback = None;
        self.vault = Some(Arc::new(vault));
        self.unlocked();
        Ok(())
    }

    fn existing(&self) -> Result<Arc<Vault>> {
        self.vault
            .clone()
            .ok_or_else(|| Error::InvalidArgument("there is no vault to unlock yet".into()))
    }

    /// Whether the device's button is offered: the patient chose it, the shell gave a device
    /// store, and the device has a fingerprint or face enrolled.
    fn device_offered(&self) -> bool {
        self.device_keys.is_some()
            && self.biometrics == Biometrics::Ready
            && Settings::load(&self.dir).device_unlock
    }

    fn unlock_with_device(&mut self) -> Result<()> {
        let vault = self.existing()?;
        let device = match &self.device_keys {
            Some(d) if self.device_offered() => d.clone(),
            _ => {
                return Err(Error::InvalidArgument(
                    "unlocking with this device is off".into(),
                ))
            }
        };
        match vault.unlock(device.as_ref()) {
            Ok(()) => self.unlocked(),
            // refused, cancelled, no key there (a new fingerprint voids it): the passphrase
            Err(Error::WrongKey | Error::KeyStore(_)) => {
                self.feedback = Some(Feedback::DeviceRefused)
            }
            Err(e) => return Err(e),
        }
        Ok(())
    }

    fn unlock(&mut self, passphrase: &str) -> Result<()> {
        let vault = self.existing()?;
        if vault.is_unlocked() {
            return Ok(());
        }
        let now = self.clock.now_ms();
        if self.retry_at_ms.is_some_and(|t| now < t) {
            self.feedback = Some(Feedback::Wait);
            return Ok(());
        }
        match vault.unlock(&PassphraseKeyStore::new(&self.dir, passphrase)) {
            Ok(()) => {
                self.unlocked();
                self.forget_device_key_unless_chosen(&vault);
            }
            Err(Error::WrongKey) => {
                self.failures += 1;
                self.feedback = Some(Feedback::WrongPassphrase);
                self.retry_at_ms = (self.failures >= FREE_ATTEMPTS).then(|| {
                    let doublings = (self.failures - FREE_ATTEMPTS).min(16);
                    now + (FIRST_WAIT_MS << doublings).min(LONGEST_WAIT_MS)
                });
            }
            Err(e) => return Err(e),
        }
        Ok(())
    }

    /// Off means only the passphrase opens: a vault key an older version left in the device
    /// store goes. A store that cannot delete it now is asked again at the next unlock.
    fn forget_device_key_unless_chosen(&self, vault: &Vault) {
        if let Some(d) = &self.device_keys {
            if !Settings::load(&self.dir).device_unlock {
                let _ = d.delete(vault.id());
            }
        }
    }

    fn unlocked(&mut self) {
        self.feedback = None;
        self.failures = 0;
        self.retry_at_ms = None;
        self.last_activity_ms = self.clock.now_ms();
    }

    /// The view as things stand.
    pub fn view(&self) -> StartView {
        let lang = self.lang();
        let m = |id: &str| text::message(lang, id, &[]);
        let stage = match &self.vault {
            None => StartStage::Create,
            Some(v) if v.is_unlocked() => StartStage::Unlocked,
            Some(_) => StartStage::Unlock,
        };
        let now = self.clock.now_ms();
        let wait_ms = self
            .retry_at_ms
            .map(|t| t.saturating_sub(now))
            .filter(|w| *w > 0);
        let retry_in_seconds = wait_ms.map(|w| w.div_ceil(1000) as u32);
        let feedback = self.feedback.and_then(|f| {
            Some(match f {
                Feedback::WrongPassphrase | Feedback::Wait => match retry_in_seconds {
                    Some(s) => {
                        text::message(lang, "start-wait", &[("seconds", Arg::Number(s as f64))])
                    }
                    None if f == Feedback::Wait => return None,
                    None => m("start-wrong-passphrase"),
                },
                Feedback::DeviceRefused => m("start-device-refused"),
                Feedback::AutoLocked => {
                    let a = self.auto_lock();
                    if a.locks_on_leave() {
                        m("start-auto-locked-on-leave")
                    } else {
                        let minutes = a.idle_ms().unwrap_or(0) / 60_000;
                        text::message(
                            lang,
                            "start-auto-locked",
                            &[("minutes", Arg::Number(minutes as f64))],
                        )
                    }
                }
            })
        });
        let attempts_left =
            (stage == StartStage::Unlock && self.failures > 0 && self.failures < FREE_ATTEMPTS)
                .then(|| FREE_ATTEMPTS - self.failures);
        let attempts_left_text = attempts_left.map(|n| {
            text::message(
                lang,
                "start-attempts-left",
                &[("count", Arg::Number(f64::from(n)))],
            )
        });
        match stage {
            StartStage::Create => StartView {
                stage,
                show_library: false,
                title: m("start-create-title"),
                message: m("start-create-message"),
                passphrase_label: m("start-passphrase"),
                confirm_label: Some(m("start-confirm")),
                passphrase_hint: Some(m("start-passphrase-hint")),
                submit_label: m("start-create"),
                device_label: None,
                feedback,
                attempts_left: None,
                attempts_left_text: None,
                retry_in_seconds: None,
                lock_label: None,
            },
            StartStage::Unlock => StartView {
                stage,
                show_library: false,
                title: m("start-locked-title"),
                message: m("start-locked-message"),
                passphrase_label: m("start-passphrase"),
                confirm_label: None,
                passphrase_hint: None,
                submit_label: m("start-unlock"),
                device_label: self.device_offered().then(|| m("start-unlock-device")),
                feedback,
                attempts_left,
                attempts_left_text,
                retry_in_seconds,
                lock_label: None,
            },
            StartStage::Unlocked => StartView {
                stage,
                show_library: true,
                title: String::new(),
                message: String::new(),
                passphrase_label: String::new(),
                confirm_label: None,
                passphrase_hint: None,
                submit_label: String::new(),
                device_label: None,
                feedback,
                attempts_left: None,
                attempts_left_text: None,
                retry_in_seconds: None,
                lock_label: Some(m("start-lock")),
            },
        }
    }
}

/// Why a new passphrase is refused, by field (`passphrase`, `confirm`), in words; empty when it
/// is accepted.
pub fn passphrase_problems(passphrase: &str, confirm: &str, lang: Language) -> Vec<FieldError> {
    let mut fields = Vec::new();
    if passphrase.trim().is_empty() {
        fields.push(FieldError::new(
            "passphrase",
            text::message(lang, "start-passphrase-empty", &[]),
        ));
    } else if passcode::check(passphrase).is_err() {
        fields.push(FieldError::new(
            "passphrase",
            text::message(lang, "start-passphrase-weak", &[]),
        ));
    }
    if passphrase != confirm {
        fields.push(FieldError::new(
            "confirm",
            text::message(lang, "start-passphrase-mismatch", &[]),
        ));
    }
    fields
}

#[cfg(test)]
mod tests;
