use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::crypto::Key;
use crate::vault::KeyStoreError;

use super::*;
use crate::screens::settings::SettingsEvent;
use crate::screens::settings::SettingsScreen;
use crate::vault::tests::temp_dir;

const GOOD: &str = "copper lantern orbit meadow";

/// A clock the test moves.
#[derive(Default)]
struct TestClock(AtomicU64);

impl TestClock {
    fn set(&self, ms: u64) {
        self.0.store(ms, Ordering::SeqCst)
    }
}

impl Clock for TestClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A device key store in memory; `refuse` makes it refuse everything (a cancelled prompt).
#[derive(Default)]
struct DeviceStore {
    keys: Mutex<HashMap<String, Key>>,
    refuse: std::sync::atomic::AtomicBool,
}

impl KeyStore for DeviceStore {
    fn load(&self, id: &str) -> std::result::Result<Option<Key>, KeyStoreError> {
        if self.refuse.load(Ordering::SeqCst) {
            return Err(KeyStoreError::WrongSecret);
        }
        Ok(self.keys.lock().unwrap().get(id).cloned())
    }
    fn store(&self, id: &str, key: &Key) -> std::result::Result<(), KeyStoreError> {
        if self.refuse.load(Ordering::SeqCst) {
            return Err(KeyStoreError::Unavailable("refused".into()));
        }
        self.keys.lock().unwrap().insert(id.into(), key.clone());
        Ok(())
    }
    fn delete(&self, id: &str) -> std::result::Result<(), KeyStoreError> {
        self.keys.lock().unwrap().remove(id);
        Ok(())
    }
}

fn screen(dir: &Path, device: Option<Arc<DeviceStore>>, clock: &Arc<TestClock>) -> StartScreen {
    StartScreen::new(
        dir,
        device.map(|d| d as Arc<dyn KeyStore>),
        Language::En,
        clock.clone(),
    )
    .unwrap()
    .with_kdf_cost(1024, 1)
}

fn created(device: Option<Arc<DeviceStore>>) -> (PathBuf, StartScreen, Arc<TestClock>) {
    let dir = temp_dir("screen-start");
    let clock = Arc::new(TestClock::default());
    let mut s = screen(&dir, device, &clock);
    s.handle(StartEvent::Create {
        passphrase: GOOD.into(),
        confirm: GOOD.into(),
    })
    .unwrap();
    (dir, s, clock)
}

fn fields(e: Error) -> Vec<(String, String)> {
    match e {
        Error::Invalid(f) => f.into_iter().map(|f| (f.field, f.message)).collect(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn no_vault_asks_to_create_one_and_refuses_weak_passphrases_in_words() {
    let dir = temp_dir("screen-start-create");
    let clock = Arc::new(TestClock::default());
    let mut s = screen(&dir, None, &clock);
    let v = s.view();
    assert_eq!(v.stage, StartStage::Create);
    assert!(!v.show_library);
    assert_eq!(v.confirm_label.as_deref(), Some("Passphrase again"));
    assert!(v.message.contains("Choose a passphrase"));

    let f = fields(
        s.handle(StartEvent::Create {
            passphrase: "password1".into(),
            confirm: "password1".into(),
        })
        .unwrap_err(),
    );
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].0, "passphrase");
    assert!(f[0].1.contains("too easy to guess"), "{}", f[0].1);
    let f = fields(
        s.handle(StartEvent::Create {
            passphrase: String::new(),
            confirm: "x".into(),
        })
        .unwrap_err(),
    );
    assert_eq!(
        f,
        vec![
            ("passphrase".into(), "Choose a passphrase.".into()),
            (
                "confirm".into(),
                "The two passphrases are not the same.".into()
            )
        ]
    );
    // nothing was created
    assert!(!Vault::exists(&dir));
    assert_eq!(s.view().stage, StartStage::Create);

    let v = s
        .handle(StartEvent::Create {
            passphrase: GOOD.into(),
            confirm: GOOD.into(),
        })
        .unwrap();
    assert_eq!(v.stage, StartStage::Unlocked);
    assert!(v.show_library);
    assert_eq!(v.lock_label.as_deref(), Some("Lock"));
    assert!(s.vault().unwrap().is_unlocked());
    // a second creation is refused
    assert!(matches!(
        s.handle(StartEvent::Create {
            passphrase: GOOD.into(),
            confirm: GOOD.into()
        }),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn a_locked_vault_shows_nothing_and_counts_wrong_passphrases_then_waits() {
    let (dir, mut s, clock) = created(None);
    let v = s.handle(StartEvent::Lock).unwrap();
    assert_eq!(v.stage, StartStage::Unlock);
    assert!(!v.show_library);
    assert_eq!(v.device_label, None);
    assert_eq!(v.attempts_left, None);
    // a later launch opens it locked
    let fresh = screen(&dir, None, &clock);
    assert_eq!(fresh.view().stage, StartStage::Unlock);

    for left in (1..FREE_ATTEMPTS).rev() {
        let v = s
            .handle(StartEvent::Unlock {
                passphrase: "wrong horse".into(),
            })
            .unwrap();
        assert_eq!(v.stage, StartStage::Unlock);
        assert_eq!(v.attempts_left, Some(left));
        // the number in words, plural-correct
        let words = if left == 1 {
            "1 try left".to_string()
        } else {
            format!("{left} tries left")
        };
        assert_eq!(v.attempts_left_text.as_deref(), Some(words.as_str()));
        assert_eq!(
            v.feedback.as_deref(),
            Some("That passphrase does not unlock your images. Please try again.")
        );
    }
    // the fifth: a wait of 30 s
    let v = s
        .handle(StartEvent::Unlock {
            passphrase: "wrong horse".into(),
        })
        .unwrap();
    assert_eq!(v.retry_in_seconds, Some(30));
    assert_eq!(
        v.feedback.as_deref(),
        Some("Too many wrong passphrases. Try again in 30 seconds.")
    );
    // even the right passphrase waits
    clock.set(10_000);
    let v = s
        .handle(StartEvent::Unlock {
            passphrase: GOOD.into(),
        })
        .unwrap();
    assert_eq!(v.stage, StartStage::Unlock);
    assert_eq!(v.retry_in_seconds, Some(20));
    // after the wait: one more wrong one doubles it
    clock.set(30_000);
    let v = s
        .handle(StartEvent::Unlock {
            passphrase: "wrong".into(),
        })
        .unwrap();
    assert_eq!(v.retry_in_seconds, Some(60));
    clock.set(90_000);
    let v = s
        .handle(StartEvent::Unlock {
            passphrase: GOOD.into(),
        })
        .unwrap();
    assert_eq!(v.stage, StartStage::Unlocked);
    assert_eq!(v.feedback, None);
    assert_eq!(v.attempts_left, None);
}

/// The settings screen of `s`'s vault with `device` as the device's key store, the device able
/// to unlock with a fingerprint or face.
fn settings_with(s: &StartScreen, dir: &Path, device: &Arc<DeviceStore>) -> SettingsScreen {
    let mut settings = SettingsScreen::new(dir, Language::En)
        .with_device_unlock(s.vault().unwrap(), device.clone() as Arc<dyn KeyStore>);
    settings
        .handle(SettingsEvent::DeviceBiometrics(Biometrics::Ready))
        .unwrap();
    settings
}

#[test]
fn creation_keeps_the_key_by_the_passphrase_only_and_offers_no_device_button() {
    let device = Arc::new(DeviceStore::default());
    let (dir, mut s, _) = created(Some(device.clone()));
    assert!(s.view().feedback.is_none());
    assert!(device.keys.lock().unwrap().is_empty(), "off by default");
    assert!(dir.join("passphrase.key").exists());
    s.handle(StartEvent::DeviceBiometrics(Biometrics::Ready))
        .unwrap();
    let v = s.handle(StartEvent::Lock).unwrap();
    assert_eq!(v.device_label, None);
    assert!(matches!(
        s.handle(StartEvent::UnlockWithDevice),
        Err(Error::InvalidArgument(_))
    ));
    assert_eq!(s.view().stage, StartStage::Unlock);
}

#[test]
fn turning_device_unlock_on_keeps_the_key_there_and_offers_the_button() {
    let device = Arc::new(DeviceStore::default());
    let (dir, mut s, _) = created(Some(device.clone()));
    let id = s.vault().unwrap().id().to_string();
    let mut settings = settings_with(&s, &dir, &device);
    let v = settings
        .handle(SettingsEvent::SetDeviceUnlock(true))
        .unwrap();
    let toggle = v.device_unlock.unwrap();
    assert!(toggle.on && toggle.enabled);
    assert!(device.keys.lock().unwrap().contains_key(&id));
    assert!(crate::screens::settings::device_unlock_chosen(&dir));

    // the lock screen offers the button only once the shell says the device can
    s.handle(StartEvent::Lock).unwrap();
    assert_eq!(s.view().device_label, None);
    let v = s
        .handle(StartEvent::DeviceBiometrics(Biometrics::Ready))
        .unwrap();
    assert_eq!(
        v.device_label.as_deref(),
        Some("Unlock with fingerprint or face")
    );
    // nothing enrolled any more: the passphrase only
    let v = s
        .handle(StartEvent::DeviceBiometrics(Biometrics::NotEnrolled))
        .unwrap();
    assert_eq!(v.device_label, None);
    s.handle(StartEvent::DeviceBiometrics(Biometrics::Ready))
        .unwrap();
    let v = s.handle(StartEvent::UnlockWithDevice).unwrap();
    assert_eq!(v.stage, StartStage::Unlocked);

    // the device key is gone (a new fingerprint voids it): the passphrase opens, said so
    s.handle(StartEvent::Lock).unwrap();
    device.keys.lock().unwrap().clear();
    let v = s.handle(StartEvent::UnlockWithDevice).unwrap();
    assert_eq!(v.stage, StartStage::Unlock);
    assert_eq!(
        v.feedback.as_deref(),
        Some("Your fingerprint or face did not unlock Scanpass. Use your passphrase.")
    );
    let v = s
        .handle(StartEvent::Unlock {
            passphrase: GOOD.into(),
        })
        .unwrap();
    assert_eq!(v.stage, StartStage::Unlocked);
}

#[test]
fn turning_device_unlock_off_deletes_the_key_there() {
    let device = Arc::new(DeviceStore::default());
    let (dir, mut s, _) = created(Some(device.clone()));
    let mut settings = settings_with(&s, &dir, &device);
    settings
        .handle(SettingsEvent::SetDeviceUnlock(true))
        .unwrap();
    assert_eq!(device.keys.lock().unwrap().len(), 1);
    let v = settings
        .handle(SettingsEvent::SetDeviceUnlock(false))
        .unwrap();
    assert!(!v.device_unlock.unwrap().on);
    assert!(
        device.keys.lock().unwrap().is_empty(),
        "only the passphrase opens"
    );
    assert!(!crate::screens::settings::device_unlock_chosen(&dir));

    s.handle(StartEvent::DeviceBiometrics(Biometrics::Ready))
        .unwrap();
    let v = s.handle(StartEvent::Lock).unwrap();
    assert_eq!(v.device_label, None);
    assert!(s.handle(StartEvent::UnlockWithDevice).is_err());
}

#[test]
fn a_key_left_in_the_device_store_while_off_goes_at_the_next_passphrase_unlock() {
    let device = Arc::new(DeviceStore::default());
    let (_, mut s, _) = created(Some(device.clone()));
    let vault = s.vault().unwrap();
    // what an older version kept there at creation
    device
        .store(vault.id(), &vault.key_copy().unwrap())
        .unwrap();
    s.handle(StartEvent::Lock).unwrap();
    s.handle(StartEvent::Unlock {
        passphrase: GOOD.into(),
    })
    .unwrap();
    assert!(device.keys.lock().unwrap().is_empty());
}

#[test]
fn a_device_store_that_refuses_the_key_leaves_device_unlock_off() {
    let device = Arc::new(DeviceStore::default());
    let (dir, s, _) = created(Some(device.clone()));
    let mut settings = settings_with(&s, &dir, &device);
    // the patient cancelled the platform's prompt
    device.refuse.store(true, Ordering::SeqCst);
    let v = settings
        .handle(SettingsEvent::SetDeviceUnlock(true))
        .unwrap();
    let toggle = v.device_unlock.unwrap();
    assert!(!toggle.on);
    assert_eq!(
        toggle.feedback.as_deref(),
        Some("Fingerprint or face unlock was not turned on. You can try again.")
    );
    assert!(!crate::screens::settings::device_unlock_chosen(&dir));
    assert!(device.keys.lock().unwrap().is_empty());
    // the word goes with the next change
    device.refuse.store(false, Ordering::SeqCst);
    let v = settings
        .handle(SettingsEvent::SetDeviceUnlock(true))
        .unwrap();
    assert!(v.device_unlock.unwrap().feedback.is_none());
}

#[test]
fn without_an_enrolled_fingerprint_or_face_it_can_only_be_turned_off() {
    let device = Arc::new(DeviceStore::default());
    let (dir, s, _) = created(Some(device.clone()));
    let mut settings = SettingsScreen::new(&dir, Language::En)
        .with_device_unlock(s.vault().unwrap(), device.clone() as Arc<dyn KeyStore>);
    // until the shell says: the device cannot
    let t = settings.view().device_unlock.unwrap();
    assert!(!t.on && !t.enabled);
    assert_eq!(
        t.note.as_deref(),
        Some("This phone cannot unlock Scanpass with a fingerprint or face.")
    );
    let v = settings
        .handle(SettingsEvent::DeviceBiometrics(Biometrics::NotEnrolled))
        .unwrap();
    let t = v.device_unlock.unwrap();
    assert!(!t.enabled);
    assert_eq!(
        t.note.as_deref(),
        Some("Add a fingerprint or face in your phone's settings first.")
    );
    assert!(matches!(
        settings.handle(SettingsEvent::SetDeviceUnlock(true)),
        Err(Error::InvalidArgument(_))
    ));
    assert!(device.keys.lock().unwrap().is_empty());

    // on, then the fingerprints removed: still on, and it can be turned off
    settings
        .handle(SettingsEvent::DeviceBiometrics(Biometrics::Ready))
        .unwrap();
    settings
        .handle(SettingsEvent::SetDeviceUnlock(true))
        .unwrap();
    let v = settings
        .handle(SettingsEvent::DeviceBiometrics(Biometrics::NotEnrolled))
        .unwrap();
    let t = v.device_unlock.unwrap();
    assert!(t.on && t.enabled);
    settings
        .handle(SettingsEvent::SetDeviceUnlock(false))
        .unwrap();
    assert!(device.keys.lock().unwrap().is_empty());
}

#[test]
fn settings_without_a_device_store_have_no_toggle_and_refuse_it() {
    let (dir, _, _) = created(None);
    let mut settings = SettingsScreen::new(&dir, Language::En);
    assert_eq!(settings.view().device_unlock, None);
    assert!(matches!(
        settings.handle(SettingsEvent::SetDeviceUnlock(true)),
        Err(Error::InvalidArgument(_))
    ));
    assert!(!crate::screens::settings::device_unlock_chosen(&dir));
}

#[test]
fn the_toggle_speaks_french() {
    let device = Arc::new(DeviceStore::default());
    let (dir, s, _) = created(Some(device.clone()));
    let mut settings = SettingsScreen::new(&dir, Language::Fr)
        .with_device_unlock(s.vault().unwrap(), device.clone() as Arc<dyn KeyStore>);
    let v = settings
        .handle(SettingsEvent::DeviceBiometrics(Biometrics::NotEnrolled))
        .unwrap();
    let t = v.device_unlock.unwrap();
    assert_eq!(t.label, "Déverrouiller avec l'empreinte ou le visage");
    assert!(t.help.starts_with("Sur ce téléphone seulement."));
    assert_eq!(
        t.note.as_deref(),
        Some("Ajoutez d'abord une empreinte ou un visage dans les réglages du téléphone.")
    );
}

#[test]
fn a_choice_left_in_the_folder_does_not_carry_over_to_a_new_vault() {
    let dir = temp_dir("screen-start-leftover");
    let left = Settings {
        device_unlock: true,
        ..Settings::default()
    };
    left.save(&dir).unwrap();
    let device = Arc::new(DeviceStore::default());
    let clock = Arc::new(TestClock::default());
    let mut s = screen(&dir, Some(device.clone()), &clock);
    s.handle(StartEvent::Create {
        passphrase: GOOD.into(),
        confirm: GOOD.into(),
    })
    .unwrap();
    assert!(!crate::screens::settings::device_unlock_chosen(&dir));
    s.handle(StartEvent::DeviceBiometrics(Biometrics::Ready))
        .unwrap();
    assert_eq!(s.handle(StartEvent::Lock).unwrap().device_label, None);
    assert!(device.keys.lock().unwrap().is_empty());
}

#[test]
fn idle_time_and_leaving_lock_by_the_settings() {
    let (dir, mut s, clock) = created(None);
    // the default: 5 minutes
    let v = s.handle(StartEvent::Activity { now_ms: 1_000 }).unwrap();
    assert!(v.show_library);
    let v = s.handle(StartEvent::Tick { now_ms: 300_999 }).unwrap();
    assert!(v.show_library, "4 min 59 s");
    // the background does not lock at 5 minutes' setting, but its time counts
    let v = s
        .handle(StartEvent::Background { now_ms: 200_000 })
        .unwrap();
    assert!(v.show_library);
    let v = s.handle(StartEvent::Activity { now_ms: 301_000 }).unwrap();
    assert_eq!(v.stage, StartStage::Unlock);
    assert!(!v.show_library);
    assert_eq!(
        v.feedback.as_deref(),
        Some("Scanpass locked itself after 5 minutes without use.")
    );
    clock.set(302_000);
    s.handle(StartEvent::Unlock {
        passphrase: GOOD.into(),
    })
    .unwrap();

    // "when I leave": the background locks at once
    let mut settings = SettingsScreen::new(&dir, Language::En);
    settings
        .handle(SettingsEvent::SetAutoLock(AutoLock::OnLeave))
        .unwrap();
    let v = s
        .handle(StartEvent::Background { now_ms: 303_000 })
        .unwrap();
    assert!(!v.show_library);
    assert_eq!(
        v.feedback.as_deref(),
        Some("Scanpass locked itself when you left it.")
    );

    // never: a day of idling keeps it open
    settings
        .handle(SettingsEvent::SetAutoLock(AutoLock::Never))
        .unwrap();
    s.handle(StartEvent::Unlock {
        passphrase: GOOD.into(),
    })
    .unwrap();
    let v = s.handle(StartEvent::Tick { now_ms: 86_400_000 }).unwrap();
    assert!(v.show_library);
    // a locked vault's ticks do nothing
    s.handle(StartEvent::Lock).unwrap();
    let v = s.handle(StartEvent::Tick { now_ms: 90_000_000 }).unwrap();
    assert_eq!(v.feedback, None);
}

#[test]
fn the_settings_language_speaks_on_the_lock_screen() {
    let (dir, mut s, _clock) = created(None);
    SettingsScreen::new(&dir, Language::En)
        .handle(SettingsEvent::SetLanguage(Some(Language::Fr)))
        .unwrap();
    let v = s.handle(StartEvent::Lock).unwrap();
    assert_eq!(v.title, "Scanpass est verrouillé");
    assert_eq!(v.submit_label, "Déverrouiller");
}

#[test]
fn a_new_device_language_speaks_unless_the_settings_chose_one() {
    let (dir, mut s, _clock) = created(None);
    let unlocked = s.view();
    s.set_device_language(Language::Fr);
    let v = s.view();
    assert_ne!(v.lock_label, unlocked.lock_label);
    assert_eq!(v.lock_label.as_deref(), Some("Verrouiller"));
    // the settings' choice wins over the device's
    SettingsScreen::new(&dir, Language::Fr)
        .handle(SettingsEvent::SetLanguage(Some(Language::En)))
        .unwrap();
    assert_eq!(s.view().lock_label, unlocked.lock_label);
}

#[test]
fn unlocking_before_a_vault_exists_is_refused() {
    let dir = temp_dir("screen-start-none");
    let clock = Arc::new(TestClock::default());
    let mut s = screen(&dir, None, &clock);
    assert!(matches!(
        s.handle(StartEvent::Unlock {
            passphrase: GOOD.into()
        }),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        s.handle(StartEvent::UnlockWithDevice),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn tries_left_are_worded_in_french_too() {
    let (dir, mut s, clock) = created(None);
    s.handle(StartEvent::Lock).unwrap();
    drop(s);
    let mut fr = StartScreen::new(&dir, None, Language::Fr, clock.clone())
        .unwrap()
        .with_kdf_cost(1024, 1);
    let mut texts = Vec::new();
    for _ in 1..FREE_ATTEMPTS {
        let v = fr
            .handle(StartEvent::Unlock {
                passphrase: "wrong horse".into(),
            })
            .unwrap();
        texts.extend(v.attempts_left_text);
    }
    assert_eq!(texts.first().map(String::as_str), Some("Encore 4 essais"));
    assert_eq!(texts.last().map(String::as_str), Some("Encore 1 essai"));
}
