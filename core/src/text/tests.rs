use super::*;
use std::collections::BTreeSet;

fn file_ids(source: &str, name: &str) -> Vec<String> {
    let res = fluent_syntax::parser::parse(source).unwrap_or_else(|_| panic!("{name}.ftl parses"));
    res.body
        .iter()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect()
}

/// Every id of the catalogue in `lang`; fails on an id defined twice (in one file or two).
fn ids(lang: Language) -> BTreeSet<String> {
    let mut all = BTreeSet::new();
    for (f, source) in CATALOGUE.iter().zip(lang.sources()) {
        for id in file_ids(source, f.name) {
            assert!(all.insert(id.clone()), "{lang:?}: {id} is defined twice");
        }
    }
    all
}

#[test]
fn every_file_has_the_same_ids_in_every_language() {
    for f in CATALOGUE {
        assert_eq!(
            file_ids(f.fr, f.name),
            file_ids(f.en, f.name),
            "fr/{}.ftl",
            f.name
        );
    }
    // every .ftl on disk is in the catalogue
    for lang in Language::ALL {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang.code());
        for e in std::fs::read_dir(&dir).unwrap() {
            let name = e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .trim_end_matches(".ftl")
                .to_string();
            assert!(
                CATALOGUE.iter().any(|f| f.name == name),
                "{} not in CATALOGUE",
                name
            );
        }
    }
}

#[test]
fn every_catalogue_parses_and_has_the_same_messages() {
    let en = ids(Language::En);
    assert!(en.len() > 50, "{}", en.len());
    for lang in Language::ALL {
        assert_eq!(ids(lang), en, "{lang:?} differs from English");
        for id in &en {
            let m = message(lang, id, &[]);
            assert!(!m.is_empty() && m != *id, "{lang:?} {id}");
        }
    }
}

#[test]
fn languages_from_codes_and_platform_locales() {
    assert_eq!(Language::from_locale("fr-CA"), Language::Fr);
    assert_eq!(Language::from_locale("fr_FR"), Language::Fr);
    assert_eq!(Language::from_locale("en-GB"), Language::En);
    assert_eq!(Language::from_locale("de-DE"), Language::En);
    assert_eq!(Language::from_locale("not a tag!"), Language::En);
    assert_eq!(Language::from_code("Français"), Some(Language::Fr));
    assert_eq!(Language::from_code("xx"), None);
}

#[test]
fn person_names_as_people_write_them() {
    for (pn, want) in [
        ("DOE^JANE", "Jane DOE"),
        ("Doe^Jane", "Jane DOE"),
        ("DOE^JANE^MARIE^DR^JR", "Dr Jane Marie DOE JR"),
        ("O'NEIL^JEAN-LUC", "Jean-Luc O'NEIL"),
        ("McDonald^Mary Ann", "Mary Ann MCDONALD"),
        ("MÜLLER^JÖRG", "Jörg MÜLLER"),
        ("YAMADA^TARO=山田^太郎=やまだ^たろう", "Taro YAMADA"),
        ("=山田^太郎", "太郎 山田"),
        ("ANONYMIZED", "ANONYMIZED"),
        ("  DOE ^ JANE ", "Jane DOE"),
        ("", ""),
        ("^^^", ""),
    ] {
        assert_eq!(person_name(pn), want, "{pn:?}");
    }
}

#[test]
fn dates_in_the_language() {
    assert_eq!(date("20240131", Language::En).unwrap(), "31 January 2024");
    assert_eq!(date("20240131", Language::Fr).unwrap(), "31 janvier 2024");
    assert_eq!(date("1996.10.29", Language::En).unwrap(), "29 October 1996");
    assert_eq!(date("20240801", Language::Fr).unwrap(), "1 août 2024");
    for bad in [
        "20240230",
        "2024013",
        "202401311",
        "",
        "abcdefgh",
        "2024-01-31x",
    ] {
        assert_eq!(date(bad, Language::En), None, "{bad:?}");
    }
}

#[test]
fn modalities_and_body_parts_in_words() {
    assert_eq!(modality("CT", Language::En), "CT scan");
    assert_eq!(modality("MR", Language::Fr), "IRM");
    assert_eq!(modality(" mr ", Language::En), "MRI");
    assert_eq!(modality("ZZ", Language::En), "ZZ");
    assert_eq!(modality("", Language::En), "");
    assert_eq!(body_part("CHEST", Language::En), "Chest");
    assert_eq!(body_part("KNEE", Language::Fr), "Genou");
    assert_eq!(
        body_part("ABDOMEN PELVIS", Language::En),
        "Abdomen and pelvis"
    );
    assert_eq!(body_part("LEFTFOREARM", Language::En), "Leftforearm");
    assert_eq!(body_part("", Language::En), "");
}

#[test]
fn counts_follow_each_languages_plural() {
    assert_eq!(count(Counted::Images, 1, Language::En), "1 image");
    assert_eq!(count(Counted::Images, 0, Language::En), "0 images");
    assert_eq!(count(Counted::Images, 192, Language::En), "192 images");
    assert_eq!(count(Counted::Studies, 2, Language::Fr), "2 examens");
    // French: 0 and 1 are singular
    assert_eq!(count(Counted::Series, 1, Language::Fr), "1 série");
    assert_eq!(count(Counted::Series, 0, Language::Fr), "0 série");
}

#[test]
fn sizes_as_people_read_them() {
    assert_eq!(size(0, Language::En), "0 bytes");
    assert_eq!(size(999, Language::En), "999 bytes");
    assert_eq!(size(1000, Language::En), "1 KB");
    assert_eq!(size(1_536_000, Language::En), "1.54 MB");
    assert_eq!(size(1_536_000, Language::Fr), "1,54 Mo");
    assert_eq!(size(100_000_000, Language::En), "100 MB");
    assert_eq!(size(447_000_000, Language::En), "447 MB");
    assert_eq!(size(12_300_000_000, Language::Fr), "12,3 Go");
}

#[test]
fn a_missing_message_is_its_id_not_a_panic() {
    assert_eq!(
        message(Language::En, "no-such-message", &[]),
        "no-such-message"
    );
}
