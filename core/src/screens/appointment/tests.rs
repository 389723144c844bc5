use std::collections::HashMap;
use std::sync::Mutex;

use super::*;
use crate::import::{import, CancelToken, Silent, Source};
use crate::phantom::{self, PhantomSpec};
use crate::vault::tests::temp_dir;

const PASS: &str = "copper lantern orbit meadow";

#[derive(Default)]
struct DeviceStore(Mutex<HashMap<String, Key>>);

impl KeyStore for DeviceStore {
    fn load(&self, id: &str) -> std::result::Result<Option<Key>, KeyStoreError> {
        Ok(self.0.lock().unwrap().get(id).cloned())
    }
    fn store(&self, id: &str, key: &Key) -> std::result::Result<(), KeyStoreError> {
        self.0.lock().unwrap().insert(id.into(), key.clone());
        Ok(())
    }
    fn delete(&self, id: &str) -> std::result::Result<(), KeyStoreError> {
        self.0.lock().unwrap().remove(id);
        Ok(())
    }
}

/// A vault (passphrase `PASS`) holding one CT study; its study and series ids.
fn vault_with_a_study() -> (Arc<Vault>, String, String) {
    let dir = temp_dir("screen-appointment");
    let keys = PassphraseKeyStore::new(&dir, PASS).with_cost(1024, 1);
    let vault = Arc::new(Vault::create(&dir, &keys).unwrap());
    let cd = temp_dir("screen-appointment-cd");
    let files = phantom::ct_series(PhantomSpec {
        slices: 3,
        size: 16,
        seed: 4,
    })
    .unwrap();
    for (i, f) in files.iter().enumerate() {
        std::fs::write(cd.join(format!("IM{i:04}")), f).unwrap();
    }
    import(&vault, &[Source::Path(cd)], &Silent, &CancelToken::new()).unwrap();
    let study = vault.studies().unwrap()[0].id.clone();
    let series = vault.series(&study).unwrap()[0].id.clone();
    (vault, study, series)
}

fn enter(study: &str, series: Option<&str>) -> AppointmentEvent {
    AppointmentEvent::Enter {
        study_id: study.into(),
        series_id: series.map(String::from),
        hide_patient_name: true,
    }
}

#[test]
fn off_it_shows_everything_and_blocks_nothing() {
    let (vault, _, _) = vault_with_a_study();
    let v = AppointmentMode::new(vault, None, Language::En).view();
    assert!(!v.active);
    assert!(v.show_navigation);
    assert!(!v.block_screenshots);
    assert!(!v.hide_patient_name);
    assert_eq!(v.banner, None);
    assert_eq!(v.effect, None);
    assert!(!v.locked);
}

#[test]
fn on_it_pins_one_study_and_leaving_takes_the_passphrase() {
    let (vault, study, series) = vault_with_a_study();
    let mut m = AppointmentMode::new(vault.clone(), None, Language::En);
    let v = m.handle(enter(&study, Some(&series))).unwrap();
    assert!(v.active && m.is_active());
    assert_eq!(v.pinned_study_id.as_deref(), Some(study.as_str()));
    assert_eq!(v.pinned_series_id.as_deref(), Some(series.as_str()));
    assert!(v.hide_patient_name);
    assert!(v.block_screenshots);
    assert!(!v.show_navigation);
    assert_eq!(
        v.banner.as_deref(),
        Some("Appointment mode: only these images are shown.")
    );
    let v = m
        .handle(AppointmentEvent::SetHidePatientName(false))
        .unwrap();
    assert!(!v.hide_patient_name);

    // no device store: the passphrase
    let v = m.handle(AppointmentEvent::Leave).unwrap();
    assert_eq!(
        v.effect,
        Some(AppointmentEffect::AskPassphrase {
            prompt: "Enter your passphrase to leave appointment mode".into()
        })
    );
    // an empty one is refused by field; a wrong one counted
    assert!(matches!(
        m.handle(AppointmentEvent::Passphrase(String::new())),
        Err(Error::Invalid(f)) if f[0].field == "passphrase"
    ));
    let v = m
        .handle(AppointmentEvent::Passphrase("wrong horse".into()))
        .unwrap();
    assert!(v.active && v.block_screenshots);
    assert_eq!(v.attempts_left, Some(MAX_WRONG - 1));
    assert_eq!(
        v.feedback.as_deref(),
        Some("That passphrase is not the right one.")
    );
    assert!(v.effect.is_some(), "still asking");
    let v = m.handle(AppointmentEvent::Passphrase(PASS.into())).unwrap();
    assert!(!v.active);
    assert!(v.show_navigation);
    assert!(!v.block_screenshots);
    assert_eq!(v.effect, None);
    assert!(vault.is_unlocked());
}

#[test]
fn a_new_device_language_speaks_at_once() {
    let (vault, _, _) = vault_with_a_study();
    let mut m = AppointmentMode::new(vault, None, Language::En);
    let english = m.view().leave_label;
    m.set_language(Language::Fr);
    let french = m.view().leave_label;
    assert_ne!(english, french);
    m.set_language(Language::En);
    assert_eq!(m.view().leave_label, english);
}

#[test]
fn refusals_leave_the_mode_as_it_was() {
    let (vault, study, series) = vault_with_a_study();
    let mut m = AppointmentMode::new(vault.clone(), None, Language::En);
    assert!(matches!(
        m.handle(enter("nope", None)),
        Err(Error::NotFound("study"))
    ));
    assert!(matches!(
        m.handle(enter(&study, Some("nope"))),
        Err(Error::NotFound("series"))
    ));
    // answers nobody asked for, leaving while off
    assert!(m.handle(AppointmentEvent::Leave).is_err());
    m.handle(enter(&study, None)).unwrap();
    assert!(matches!(
        m.handle(AppointmentEvent::Passphrase(PASS.into())),
        Err(Error::InvalidArgument(_))
    ));
    assert!(m.handle(AppointmentEvent::BiometricsDone).is_err());
    assert!(
        m.handle(enter(&study, Some(&series))).is_err(),
        "already on"
    );
    let v = m.view();
    assert!(v.active);
    assert_eq!(v.pinned_series_id, None);
    // a dismissed prompt stays on
    m.handle(AppointmentEvent::Leave).unwrap();
    let v = m.handle(AppointmentEvent::CancelLeave).unwrap();
    assert!(v.active && v.effect.is_none());
}

#[test]
fn too_many_wrong_passphrases_lock_the_vault() {
    let (vault, study, _) = vault_with_a_study();
    let mut m = AppointmentMode::new(vault.clone(), None, Language::En);
    m.handle(enter(&study, None)).unwrap();
    m.handle(AppointmentEvent::Leave).unwrap();
    for _ in 1..MAX_WRONG {
        assert!(
            m.handle(AppointmentEvent::Passphrase("no".into()))
                .unwrap()
                .active
        );
    }
    let v = m.handle(AppointmentEvent::Passphrase("no".into())).unwrap();
    assert!(v.locked);
    assert!(!vault.is_unlocked());
    assert!(!v.active);
    assert_eq!(
        v.feedback.as_deref(),
        Some("Too many wrong passphrases: Scanpass is locked.")
    );
}

#[test]
fn biometrics_are_checked_against_the_vault_key() {
    let (vault, study, _) = vault_with_a_study();
    let device = Arc::new(DeviceStore::default());
    let mut m = AppointmentMode::new(
        vault.clone(),
        Some(device.clone() as Arc<dyn KeyStore>),
        Language::Fr,
    );
    m.handle(enter(&study, None)).unwrap();
    // a device store, but the patient has not chosen fingerprint or face unlock: the passphrase
    let v = m.handle(AppointmentEvent::Leave).unwrap();
    assert!(matches!(
        v.effect,
        Some(AppointmentEffect::AskPassphrase { .. })
    ));
    m.handle(AppointmentEvent::CancelLeave).unwrap();
    let mut chosen = crate::screens::settings::Settings::load(vault.dir());
    chosen.device_unlock = true;
    chosen.save(vault.dir()).unwrap();
    let v = m.handle(AppointmentEvent::Leave).unwrap();
    assert!(matches!(
        v.effect,
        Some(AppointmentEffect::AskBiometrics { .. })
    ));
    // the device store holds another key: not the owner's word, the passphrase instead
    device.store(vault.id(), &Key::random()).unwrap();
    let v = m.handle(AppointmentEvent::BiometricsDone).unwrap();
    assert!(v.active);
    assert!(matches!(
        v.effect,
        Some(AppointmentEffect::AskPassphrase { .. })
    ));
    assert!(v
        .feedback
        .unwrap()
        .contains("Saisissez votre phrase secrète"));
    m.handle(AppointmentEvent::CancelLeave).unwrap();

    // the right key: out
    device
        .store(vault.id(), &vault.key_copy().unwrap())
        .unwrap();
    m.handle(AppointmentEvent::Leave).unwrap();
    let v = m.handle(AppointmentEvent::BiometricsDone).unwrap();
    assert!(!v.active);

    // a failed prompt falls back to the passphrase
    m.handle(enter(&study, None)).unwrap();
    m.handle(AppointmentEvent::Leave).unwrap();
    let v = m.handle(AppointmentEvent::BiometricsFailed).unwrap();
    assert!(matches!(
        v.effect,
        Some(AppointmentEffect::AskPassphrase { .. })
    ));
}

#[test]
fn an_incoming_link_waits_while_the_mode_is_on() {
    let (vault, study, _) = vault_with_a_study();
    let mut m = AppointmentMode::new(vault, None, Language::En);
    // off: a link may open at once
    assert!(m.may_open_link() && m.view().links_may_open);
    let v = m.handle(enter(&study, None)).unwrap();
    assert!(!v.links_may_open && !m.may_open_link());
    // asking to leave, a wrong passphrase, staying: still not
    m.handle(AppointmentEvent::Leave).unwrap();
    let v = m
        .handle(AppointmentEvent::Passphrase("wrong horse".into()))
        .unwrap();
    assert!(!v.links_may_open);
    let v = m.handle(AppointmentEvent::CancelLeave).unwrap();
    assert!(!v.links_may_open);
    // the owner's unlock ends the mode: the waiting link may open now
    m.handle(AppointmentEvent::Leave).unwrap();
    let v = m.handle(AppointmentEvent::Passphrase(PASS.into())).unwrap();
    assert!(!v.active && v.links_may_open && m.may_open_link());
}

#[test]
fn the_prompts_words_and_tries_left_come_from_the_core() {
    let (vault, study, _) = vault_with_a_study();
    let mut m = AppointmentMode::new(vault.clone(), None, Language::En);
    m.handle(enter(&study, None)).unwrap();
    m.handle(AppointmentEvent::Leave).unwrap();
    let v = m
        .handle(AppointmentEvent::Passphrase("wrong horse".into()))
        .unwrap();
    assert_eq!(v.passphrase_label, "Passphrase");
    assert_eq!(v.stay_label, "Stay");
    assert_eq!(
        v.attempts_left_text.as_deref(),
        Some("4 tries left before Scanpass locks")
    );
    assert!(v.guided_access_hint.contains("Guided Access"));
    assert_eq!(
        v.hidden_while_recorded,
        "Hidden while the screen is being recorded."
    );
    for _ in 0..3 {
        m.handle(AppointmentEvent::Passphrase("wrong horse".into()))
            .unwrap();
    }
    assert_eq!(
        m.view().attempts_left_text.as_deref(),
        Some("1 try left before Scanpass locks")
    );

    let mut fr = AppointmentMode::new(vault, None, Language::Fr);
    fr.handle(enter(&study, None)).unwrap();
    fr.handle(AppointmentEvent::Leave).unwrap();
    let v = fr
        .handle(AppointmentEvent::Passphrase("wrong horse".into()))
        .unwrap();
    assert_eq!(v.stay_label, "Rester");
    assert_eq!(
        v.attempts_left_text.as_deref(),
        Some("Encore 4 essais avant que Scanpass se verrouille")
    );
    assert!(v.guided_access_hint.contains("Accès guidé"));
}
