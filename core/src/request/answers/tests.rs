use super::*;

fn today() -> NaiveDate {
    parse_iso("2025-06-01").unwrap()
}

const GOOD: &str = r#"{"jurisdiction": "EU",
    "provider": {"name": "Clinique Exemple", "address": "1 Rue X, Paris", "email": "records@example.org"},
    "patient": {"name": "Ana Example", "date_of_birth": "1980-02-29", "email": "ana@example.net"},
    "studies": "CT head March 2024", "format": "dicom-download", "sent_on": "2025-01-31"}"#;

#[test]
fn an_empty_or_unprintable_key_is_still_named() {
    // found by the answers fuzzer: `{"": 2}` gave an error naming no field
    for json in [r#"{"": 2}"#, "{\"\\u0007\": 2}"] {
        let errors = from_json(json.as_bytes(), today()).unwrap_err();
        let unknown: Vec<_> = errors
            .iter()
            .filter(|e| e.problem.contains("not a known key"))
            .collect();
        assert_eq!(unknown.len(), 1, "{json}: {errors:?}");
        assert_eq!(unknown[0].field, "(an empty key)", "{json}");
    }
}

#[test]
fn a_good_file_reads() {
    let f = from_json(GOOD.as_bytes(), today()).unwrap();
    assert_eq!(f.answers.jurisdiction, Jurisdiction::Eu);
    assert_eq!(f.answers.format, Format::DicomDownload);
    assert_eq!(f.answers.delivery, Delivery::Patient);
    assert!(f.answers.studies.reports);
    assert_eq!(f.sent_on, parse_iso("2025-01-31"));
    assert!(f.answers.validate(today()).is_empty());
}

fn fields(json: &str) -> Vec<String> {
    from_json(json.as_bytes(), today())
        .unwrap_err()
        .into_iter()
        .map(|e| e.field)
        .collect()
}

#[test]
fn bad_files_name_the_field_and_never_the_value() {
    let cases: &[(&str, &str, &str)] = &[
        (
            r#""jurisdiction": "EU""#,
            r#""jurisdiction": "FR""#,
            "jurisdiction",
        ),
        (
            r#""format": "dicom-download""#,
            r#""format": "jpeg""#,
            "format",
        ),
        (
            r#""1980-02-29""#,
            r#""29/02/1980""#,
            "patient.date_of_birth",
        ),
        (
            r#""1980-02-29""#,
            r#""1981-02-29""#,
            "patient.date_of_birth",
        ),
        (
            r#""1980-02-29""#,
            r#""2090-01-01""#,
            "patient.date_of_birth",
        ),
        (
            r#""records@example.org""#,
            r#""records-at-example""#,
            "provider.email",
        ),
        (r#""name": "Ana Example", "#, "", "patient.name"),
        (
            r#""sent_on": "2025-01-31""#,
            r#""sent_on": "2025-31-01""#,
            "sent_on",
        ),
        (
            r#""sent_on": "2025-01-31""#,
            r#""sent_on": "2025-01-31", "colour": 1"#,
            "colour",
        ),
        (
            r#""studies": "CT head March 2024""#,
            r#""studies": """#,
            "studies",
        ),
        (
            r#""studies": "CT head March 2024""#,
            r#""studies": 7"#,
            "studies",
        ),
        (
            r#""sent_on": "2025-01-31""#,
            r#""sent_on": "2025-01-31", "deliver_to": {"name": "Dr B"}"#,
            "deliver_to.address",
        ),
        (
            r#""sent_on": "2025-01-31""#,
            r#""sent_on": "2025-01-31", "language": "fr""#,
            "language",
        ),
    ];
    for (from, to, field) in cases {
        let json = GOOD.replacen(from, to, 1);
        assert_ne!(json, GOOD, "case {field} did not change the file");
        let got = fields(&json);
        assert!(got.iter().any(|f| f == field), "{field}: got {got:?}");
        let err = join(&from_json(json.as_bytes(), today()).unwrap_err());
        for secret in ["Ana Example", "1980", "records@", "29/02", "jpeg", "FR\""] {
            assert!(!err.contains(secret), "{field}: error shows a value: {err}");
        }
    }
    assert_eq!(fields("[1]"), ["answers"]);
    assert_eq!(fields("{\"jurisdiction\": "), ["answers"]);
    let missing = fields("{}");
    for f in ["jurisdiction", "provider", "patient", "studies", "format"] {
        assert!(missing.iter().any(|m| m == f), "{f}: {missing:?}");
    }
}

#[test]
fn provider_needs_a_way_to_reach_it() {
    let p = Provider {
        name: "X".into(),
        ..Provider::default()
    };
    assert_eq!(p.validate()[0].field, "provider.address");
    let p = Provider {
        name: "X".into(),
        fax: "+1 (555) 010-9999".into(),
        ..Provider::default()
    };
    assert!(p.validate().is_empty());
}

#[test]
fn french_only_for_canada() {
    assert!(validate_jurisdiction(Some(Jurisdiction::Ca), Language::Fr).is_empty());
    assert!(validate_jurisdiction(Some(Jurisdiction::CaOn), Language::Fr).is_empty());
    assert_eq!(
        validate_jurisdiction(Some(Jurisdiction::Us), Language::Fr)[0].field,
        "language"
    );
}
