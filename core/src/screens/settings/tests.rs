use super::*;
use crate::vault::tests::temp_dir;

#[test]
fn defaults_then_changes_survive_a_restart() {
    let dir = temp_dir("screen-settings");
    let mut s = SettingsScreen::new(&dir, Language::En);
    let v = s.view();
    assert_eq!(v.relay, DEFAULT_RELAY);
    assert!(v.relay_is_default);
    let labels: Vec<_> = v.auto_lock.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "When I leave the app",
            "After 1 minute",
            "After 5 minutes",
            "After 15 minutes",
            "After 1 hour",
            "Never"
        ]
    );
    assert_eq!(
        v.auto_lock.iter().filter(|c| c.selected).count(),
        1,
        "one chosen"
    );
    assert!(v.auto_lock[2].selected);
    let names: Vec<_> = v.languages.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["Same as this device", "English", "Français"]);
    assert!(v.languages[0].selected);

    s.handle(SettingsEvent::SetRelay("https://relay.example.org/".into()))
        .unwrap();
    s.handle(SettingsEvent::SetAutoLock(AutoLock::OneHour))
        .unwrap();
    let v = s
        .handle(SettingsEvent::SetLanguage(Some(Language::Fr)))
        .unwrap();
    assert_eq!(v.title, "Réglages");
    assert_eq!(v.auto_lock[4].label, "Après 1 heure");

    let again = SettingsScreen::new(&dir, Language::En);
    assert_eq!(again.settings().relay(), "https://relay.example.org");
    assert_eq!(again.settings().auto_lock, AutoLock::OneHour);
    let v = again.view();
    assert!(!v.relay_is_default);
    assert!(v.auto_lock[4].selected);
    assert_eq!(v.languages[2].code.as_deref(), Some("fr"));
    assert!(v.languages[2].selected);

    let v = s.handle(SettingsEvent::UseDefaultRelay).unwrap();
    assert!(v.relay_is_default);
    assert_eq!(Settings::load(&dir).relay, None);
}

#[test]
fn a_relay_must_be_https_or_this_device() {
    let dir = temp_dir("screen-settings-relay");
    let mut s = SettingsScreen::new(&dir, Language::En);
    for bad in [
        "http://relay.example.org",
        "ftp://relay.example.org",
        "relay.example.org",
        "https://user:pw@relay.example.org",
        "https://relay.example.org/?x=1",
    ] {
        match s.handle(SettingsEvent::SetRelay(bad.into())) {
            Err(Error::Invalid(f)) => {
                assert_eq!(f.len(), 1);
                assert_eq!(f[0].field, "relay");
                assert!(!f[0].message.is_empty());
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
    assert_eq!(s.settings().relay, None, "nothing changed");
    for good in [
        "http://127.0.0.1:9000",
        "http://localhost:8787",
        "http://[::1]:1",
    ] {
        s.handle(SettingsEvent::SetRelay(good.into())).unwrap();
    }
    // the default written out is the default
    s.handle(SettingsEvent::SetRelay(DEFAULT_RELAY.into()))
        .unwrap();
    assert!(s.view().relay_is_default);
}

#[test]
fn a_damaged_file_gives_the_defaults() {
    let dir = temp_dir("screen-settings-damaged");
    std::fs::write(dir.join("settings.json"), b"{not json").unwrap();
    assert_eq!(Settings::load(&dir), Settings::default());
}

#[test]
fn the_relay_buttons_are_worded_by_the_core() {
    let dir = temp_dir("screen-settings-words");
    let v = SettingsScreen::new(&dir, Language::En).view();
    assert_eq!(v.relay_save_label, "Use this server");
    assert_eq!(v.relay_default_label, "Use the default server");
    let v = SettingsScreen::new(&dir, Language::Fr).view();
    assert_eq!(v.relay_save_label, "Utiliser ce serveur");
}
