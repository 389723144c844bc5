//! Every sentence a patient reads, in the app's language, from one catalogue: Project Fluent
//! files in `core/locales/<lang>/`, one per screen plus `common.ftl` for the words they share
//! (Mozilla's localisation system: plurals, gender and grammar live in the translation, not in
//! code), compiled into the library. English and French today; a language is added by adding its
//! folder (a test holds every language to the same files and message ids). A screen's file is
//! listed once, in [`CATALOGUE`].
//!
//! Also the display rules that turn what the files say into what people read, once for every
//! shell: a DICOM person name as people write it ([`person_name`]), a DICOM date in the
//! language ([`date`]), modality and body part in words ([`modality`], [`body_part`]), counts and
//! sizes ([`count`], [`size`]).

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};
use unic_langid::LanguageIdentifier;

/// A language the core speaks (the app's, a letter's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Fr,
}

impl Language {
    /// Every language, in the order the settings list them.
    pub const ALL: [Language; 2] = [Language::En, Language::Fr];

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
        }
    }

    /// A language by its code or name, as a person types it (`en`, `French`, `français`).
    pub fn from_code(s: &str) -> Option<Language> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "english" => Some(Language::En),
            "fr" | "french" | "français" | "francais" => Some(Language::Fr),
            _ => None,
        }
    }

    /// The language for a platform locale (a BCP 47 tag such as `fr-CA`, or `fr_FR` as POSIX
    /// writes it): its primary language when the core speaks it, else English.
    pub fn from_locale(tag: &str) -> Language {
        tag.replace('_', "-")
            .parse::<LanguageIdentifier>()
            .ok()
            .and_then(|id| Language::from_code(id.language.as_str()))
            .unwrap_or_default()
    }

    /// The catalogue's files in this language, in [`CATALOGUE`] order.
    fn sources(self) -> impl Iterator<Item = &'static str> {
        CATALOGUE.iter().map(move |f| match self {
            Language::En => f.en,
            Language::Fr => f.fr,
        })
    }
}

/// One file of the catalogue, in every language.
pub(crate) struct CatalogueFile {
    #[cfg_attr(not(test), expect(dead_code, reason = "the tests name the file"))]
    pub name: &'static str,
    pub en: &'static str,
    pub fr: &'static str,
}

macro_rules! catalogue_file {
    ($name:literal) => {
        CatalogueFile {
            name: $name,
            en: include_str!(concat!("../../locales/en/", $name, ".ftl")),
            fr: include_str!(concat!("../../locales/fr/", $name, ".ftl")),
        }
    };
}

/// The catalogue: one file per screen, and the words they share. A message id is unique across
/// the files (a test checks it).
pub(crate) const CATALOGUE: &[CatalogueFile] = &[
    catalogue_file!("common"),
    catalogue_file!("library"),
    catalogue_file!("viewer"),
    catalogue_file!("start"),
    catalogue_file!("appointment"),
    catalogue_file!("settings"),
    catalogue_file!("import"),
    catalogue_file!("share"),
    catalogue_file!("receive"),
    catalogue_file!("request"),
    catalogue_file!("errors"),
];

type Bundle = FluentBundle<FluentResource>;

fn bundle(lang: Language) -> &'static Bundle {
    static BUNDLES: [OnceLock<Bundle>; 2] = [OnceLock::new(), OnceLock::new()];
    BUNDLES[lang as usize].get_or_init(|| {
        let id: LanguageIdentifier = lang.code().parse().expect("a valid language code");
        let mut b = FluentBundle::new_concurrent(vec![id]);
        // plain text for the shells (no Unicode isolation marks around placeables)
        b.set_use_isolating(false);
        // the files are compiled in and checked by the tests: a syntax error cannot ship
        for source in lang.sources() {
            let res = FluentResource::try_new(source.to_string()).unwrap_or_else(|(res, _)| res);
            let _ = b.add_resource(res);
        }
        b
    })
}

/// A value for a message's placeable.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Text(&'a str),
    Number(f64),
}

/// Message `id` in `lang`, its placeables filled from `args`. An id missing from the catalogue
/// gives the id itself (the tests make sure none is).
pub fn message(lang: Language, id: &str, args: &[(&str, Arg)]) -> String {
    let b = bundle(lang);
    let Some(pattern) = b.get_message(id).and_then(|m| m.value()) else {
        return id.to_string();
    };
    let mut fa = FluentArgs::new();
    for (k, v) in args {
        match v {
            Arg::Text(t) => fa.set(*k, FluentValue::from(*t)),
            Arg::Number(n) => fa.set(*k, FluentValue::from(*n)),
        }
    }
    let mut errors = Vec::new();
    b.format_pattern(pattern, Some(&fa), &mut errors)
        .into_owned()
}

/// Whether the catalogue of `lang` has message `id`.
pub fn has_message(lang: Language, id: &str) -> bool {
    bundle(lang).has_message(id)
}

/// A DICOM person name (`Family^Given^Middle^Prefix^Suffix`, groups `=`-separated) as people
/// write it: prefix, given and middle names, the family name in capitals (the clinical habit that
/// tells it apart in any culture), suffix. Names sent all in capitals get their given names in
/// title case (`DOE^JANE` → `Jane DOE`). Only the first (alphabetic) group is used.
pub fn person_name(pn: &str) -> String {
    let group = pn.split('=').find(|g| !g.trim().is_empty()).unwrap_or("");
    let mut parts = group.split('^').map(str::trim);
    let (family, given, middle, prefix, suffix) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    let family = family.to_uppercase();
    let soft = |s: &str| {
        if s.chars().any(char::is_lowercase) {
            s.to_string()
        } else {
            title_case(s)
        }
    };
    [
        soft(prefix),
        soft(given),
        soft(middle),
        family,
        suffix.to_string(),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" ")
}

/// `JEAN-LUC O'NEIL` → `Jean-Luc O'Neil`: a capital after a start, a space, a hyphen or an
/// apostrophe.
fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = matches!(c, ' ' | '-' | '\'' | '’');
    }
    out
}

/// A DICOM date (DA, `YYYYMMDD`; the old `YYYY.MM.DD` too) written out in `lang`
/// (`20240131` → "31 January 2024", "31 janvier 2024"); None when it is not a real date.
pub fn date(da: &str, lang: Language) -> Option<String> {
    let digits: String = da.trim().chars().filter(|c| *c != '.').collect();
    let d = chrono::NaiveDate::parse_from_str(&digits, "%Y%m%d").ok()?;
    if digits.len() != 8 {
        return None;
    }
    use chrono::Datelike;
    let month = message(lang, &format!("month-{}", d.month()), &[]);
    Some(message(
        lang,
        "date-long",
        &[
            ("day", Arg::Number(d.day() as f64)),
            ("month", Arg::Text(&month)),
            ("year", Arg::Text(&d.year().to_string())),
        ],
    ))
}

/// A modality code (`CT`, `MR`, ...) in words; an unknown code as it is.
pub fn modality(code: &str, lang: Language) -> String {
    coded("modality", code, lang)
}

/// A Body Part Examined code (`CHEST`, `KNEE`, ...) in words; an unknown code as it is, in
/// sentence case.
pub fn body_part(code: &str, lang: Language) -> String {
    let words = coded("body", code, lang);
    if words.chars().any(char::is_lowercase) {
        return words;
    }
    let lower = words.to_lowercase();
    let mut chars = lower.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn coded(prefix: &str, code: &str, lang: Language) -> String {
    let key: String = code
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase();
    let id = format!("{prefix}-{key}");
    if !key.is_empty() && has_message(lang, &id) {
        message(lang, &id, &[])
    } else {
        code.trim().to_string()
    }
}

/// What a count counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Images,
    Series,
    Studies,
}

/// `n` things with the language's plural ("1 image", "2 images"; "1 série", "0 série").
pub fn count(what: Counted, n: u64, lang: Language) -> String {
    let id = match what {
        Counted::Images => "count-images",
        Counted::Series => "count-series",
        Counted::Studies => "count-studies",
    };
    message(lang, id, &[("count", Arg::Number(n as f64))])
}

/// A size in bytes as people read it: 3 significant figures at most, decimal units (KB = 1000
/// bytes, as phones and file managers show them), the language's decimal separator.
pub fn size(bytes: u64, lang: Language) -> String {
    const UNITS: [(&str, f64); 3] = [("size-gb", 1e9), ("size-mb", 1e6), ("size-kb", 1e3)];
    for (id, unit) in UNITS {
        let v = bytes as f64 / unit;
        if v >= 1.0 {
            let text = if v >= 100.0 {
                format!("{v:.0}")
            } else if v >= 10.0 {
                format!("{v:.1}")
            } else {
                format!("{v:.2}")
            };
            let text = match text.contains('.') {
                true => text.trim_end_matches('0').trim_end_matches('.').to_string(),
                false => text,
            };
            let text = text.replace('.', &message(lang, "decimal-separator", &[]));
            return message(lang, id, &[("value", Arg::Text(&text))]);
        }
    }
    message(lang, "size-bytes", &[("value", Arg::Number(bytes as f64))])
}

#[cfg(test)]
mod tests;
