//! The index contract, run on both implementations, and a differential test that replays one
//! long sequence of calls on both and compares every answer: the in-memory index is only worth
//! its tests while it answers as SQLCipher does.

use std::fmt::Debug;
use std::path::PathBuf;

use super::*;
use crate::error::Error;

fn temp_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "sp-index-{}-{}",
        std::process::id(),
        hex::encode(crate::crypto::new_blob_id())
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn sqlcipher() -> Box<dyn IndexStore> {
    let path = temp_dir().join("index.db");
    SqlCipherFile::new(path).open(&Key::random()).unwrap()
}

fn memory() -> Box<dyn IndexStore> {
    MemoryIndex::new().open(&Key::random()).unwrap()
}

fn blob(n: u8) -> BlobId {
    [n; 16]
}

fn study(id: &str, uid: &str, date: Option<&str>, created_at: i64) -> NewStudy {
    NewStudy {
        id: id.into(),
        study_uid: uid.into(),
        patient_name: Some(format!("PATIENT^{id}")),
        patient_id: Some(format!("P-{id}")),
        birth_date: None,
        sex: Some("O".into()),
        study_date: date.map(String::from),
        description: Some(format!("study {id}")),
        accession: None,
        sealed_key: vec![7; 60],
        created_at,
    }
}

fn series(id: &str, study: &str, number: Option<i64>, modality: Option<&str>) -> NewSeries {
    NewSeries {
        id: id.into(),
        study_id: study.into(),
        series_uid: format!("uid-{id}"),
        number,
        modality: modality.map(String::from),
        description: None,
        body_part: None,
    }
}

fn instance(id: &str, series: &str, sop: &str, blob_id: BlobId, digest: u8) -> NewInstance {
    NewInstance {
        id: id.into(),
        series_id: series.into(),
        sop_uid: sop.into(),
        sop_class: Some("1.2.840.10008.5.1.4.1.1.2".into()),
        number: Some(digest as i64),
        position: Some([0.5, -12.25, digest as f64 * 2.5]),
        orientation: Some([1.0, 0.0, 0.0, 0.0, 1.0, 0.0]),
        frames: 1,
        rows: Some(32),
        cols: Some(32),
        transfer_syntax: Some("1.2.840.10008.1.2.1".into()),
        blob_id,
        size: 1000 + digest as u64,
        sha256: [digest; 32],
        conflict: false,
        imported_at: 1,
    }
}

fn is_storage<T: Debug>(r: Result<T>) -> bool {
    matches!(r, Err(Error::Storage(_)))
}

fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}

/// What every index answers, from empty.
fn contract(ix: &mut dyn IndexStore) {
    // empty
    assert_eq!(ix.studies().unwrap(), vec![]);
    assert!(!ix.has_study("a").unwrap());
    assert_eq!(ix.sealed_study_key("a").unwrap(), None);
    assert_eq!(ix.study_by_uid("uid-a").unwrap(), None);
    assert_eq!(ix.delete_study("a").unwrap(), None);
    assert_eq!(ix.series_of("a").unwrap(), vec![]);
    assert_eq!(ix.series_by_uid("uid-a1").unwrap(), None);
    assert_eq!(ix.study_of_series("a1").unwrap(), None);
    assert_eq!(ix.instances_of("a1").unwrap(), vec![]);
    assert_eq!(ix.blob_ids().unwrap(), Vec::<BlobId>::new());
    assert_eq!(ix.documents(Documents::Requests).unwrap(), vec![]);

    // study a: four series, out of order, with and without number, modality, description
    let a = study("a", "uid-a", Some("20200101"), 100);
    let a1 = series("a1", "a", Some(2), Some("CT"));
    ix.insert(Some(&a), &a1, &instance("i1", "a1", "sop1", blob(1), 1))
        .unwrap();
    // the same series again is kept as it was (a second modality does not replace the first)
    let mut a1_again = a1.clone();
    a1_again.modality = Some("PT".into());
    ix.insert(None, &a1_again, &instance("i2", "a1", "sop2", blob(2), 2))
        .unwrap();
    ix.insert(
        None,
        &series("a2", "a", Some(1), Some("MR")),
        &instance("i3", "a2", "sop3", blob(3), 3),
    )
    .unwrap();
    let mut a3 = series("a3", "a", None, Some("CT"));
    a3.description = Some("b".into());
    ix.insert(None, &a3, &instance("i4", "a3", "sop4", blob(4), 4))
        .unwrap();
    ix.insert(
        None,
        &series("a4", "a", None, None),
        &instance("i5", "a4", "sop5", blob(5), 5),
    )
    .unwrap();
    // three more studies: no date, a later date, the same date stored later
    for (s, se, i, b) in [
        (study("b", "uid-b", None, 200), "b1", "i6", 6),
        (study("c", "uid-c", Some("20210101"), 50), "c1", "i7", 7),
        (study("d", "uid-d", Some("20200101"), 300), "d1", "i8", 8),
    ] {
        let id = s.id.clone();
        ix.insert(
            Some(&s),
            &series(se, &id, Some(1), Some("US")),
            &instance(i, se, &format!("sop{b}"), blob(b), b),
        )
        .unwrap();
    }

    let studies = ix.studies().unwrap();
    let order: Vec<&str> = studies.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        order,
        ["c", "d", "a", "b"],
        "date newest first, no date last"
    );
    let sa = &studies[2];
    assert_eq!(sa.modalities, ["CT", "MR"]);
    assert_eq!((sa.series_count, sa.instance_count), (4, 5));
    assert_eq!(sa.patient_name.as_deref(), Some("PATIENT^a"));
    assert_eq!(sa.study_date.as_deref(), Some("20200101"));
    assert!(studies[3].study_date.is_none());

    let series_a: Vec<(String, Option<String>, u32)> = ix
        .series_of("a")
        .unwrap()
        .into_iter()
        .map(|s| (s.id, s.modality, s.instance_count))
        .collect();
    assert_eq!(
        series_a,
        [
            ("a2".into(), Some("MR".into()), 1),
            ("a1".into(), Some("CT".into()), 2),
            ("a4".into(), None, 1),
            ("a3".into(), Some("CT".into()), 1),
        ],
        "by number, no number last, then by description (none first)"
    );

    assert!(ix.has_study("a").unwrap());
    assert_eq!(ix.sealed_study_key("a").unwrap(), Some(vec![7; 60]));
    let found = ix.study_by_uid("uid-a").unwrap().unwrap();
    assert_eq!(
        (found.id.as_str(), found.patient_id.as_deref()),
        ("a", Some("P-a"))
    );
    assert_eq!(
        ix.series_by_uid("uid-a1").unwrap(),
        Some(SeriesMatch {
            id: "a1".into(),
            study_id: "a".into()
        })
    );
    assert_eq!(ix.study_of_series("a3").unwrap().as_deref(), Some("a"));

    let rows = ix.instances_of("a1").unwrap();
    let mut ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["i1", "i2"]);
    let i1 = rows.iter().find(|r| r.id == "i1").unwrap();
    assert_eq!(i1.blob_id, blob(1));
    assert_eq!(i1.position(), Some([0.5, -12.25, 2.5]));
    assert_eq!(i1.orientation(), Some([1.0, 0.0, 0.0, 0.0, 1.0, 0.0]));
    assert_eq!(
        (i1.frames, i1.rows, i1.cols, i1.number),
        (1, Some(32), Some(32), Some(1))
    );
    assert!(!i1.conflict);

    // the same SOP Instance UID with other content: both digests, the second a conflict
    let mut again = instance("i9", "a1", "sop1", blob(9), 9);
    again.conflict = true;
    ix.insert(None, &a1, &again).unwrap();
    assert_eq!(
        sorted(ix.instance_digests("sop1").unwrap()),
        [[1; 32], [9; 32]]
    );
    assert!(ix
        .instances_of("a1")
        .unwrap()
        .iter()
        .any(|r| r.id == "i9" && r.conflict));
    assert_eq!(ix.instance_blob("a", "i9").unwrap(), Some(blob(9)));
    assert_eq!(
        ix.instance_blob("b", "i9").unwrap(),
        None,
        "not of that study"
    );

    // broken constraints change nothing, even what came before them in the same call
    let before = ix.studies().unwrap();
    assert!(
        is_storage(ix.insert(
            Some(&study("e", "uid-a", None, 1)),
            &series("e1", "e", None, None),
            &instance("i10", "e1", "sop10", blob(10), 10),
        )),
        "a Study Instance UID taken"
    );
    assert!(
        is_storage(ix.insert(
            Some(&study("e", "uid-e", None, 1)),
            &series("e1", "e", None, None),
            &instance("i10", "e1", "sop10", blob(1), 10),
        )),
        "a blob id taken"
    );
    assert!(
        is_storage(ix.insert(
            None,
            &series("f1", "f", None, None),
            &instance("i11", "f1", "sop11", blob(11), 11),
        )),
        "a series of no stored study"
    );
    assert!(
        is_storage(ix.insert(None, &a1, &instance("i1", "a1", "sop12", blob(12), 12),)),
        "an instance id taken"
    );
    assert_eq!(ix.studies().unwrap(), before);
    assert!(!ix.has_study("e").unwrap());
    assert_eq!(ix.study_of_series("e1").unwrap(), None);

    // thumbnails
    assert_eq!(
        sorted(ix.series_without_thumbnail().unwrap()),
        ["a1", "a2", "a3", "a4", "b1", "c1", "d1"]
    );
    assert_eq!(ix.set_thumbnail("a1", &blob(20)).unwrap(), None);
    assert_eq!(ix.set_thumbnail("a1", &blob(21)).unwrap(), Some(blob(20)));
    assert_eq!(ix.thumbnail_blob("a1").unwrap(), Some(blob(21)));
    assert_eq!(ix.set_thumbnail("b1", &blob(22)).unwrap(), None);
    assert!(
        is_storage(ix.set_thumbnail("zz", &blob(23))),
        "no such series"
    );
    assert!(
        is_storage(ix.set_thumbnail("c1", &blob(21))),
        "a blob id taken"
    );
    assert_eq!(ix.thumbnail_blob("c1").unwrap(), None);
    assert_eq!(
        sorted(ix.series_without_thumbnail().unwrap()),
        ["a2", "a3", "a4", "c1", "d1"]
    );
    assert_eq!(
        sorted(ix.blob_ids().unwrap()),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 21, 22].map(blob)
    );

    // documents
    let k = Documents::Requests;
    ix.put_document(k, "r2", "{two}", None, 20).unwrap();
    ix.put_document(k, "r1", "{one}", Some("a"), 20).unwrap();
    ix.put_document(k, "r0", "{zero}", Some("b"), 30).unwrap();
    ix.put_document(Documents::Shares, "s1", "{share}", Some("a"), 5)
        .unwrap();
    assert!(
        is_storage(ix.put_document(k, "r3", "{}", Some("zz"), 1)),
        "no such study"
    );
    assert!(ix.document(k, "r3").unwrap().is_none());
    let ids = |ix: &dyn IndexStore, k| -> Vec<String> {
        ix.documents(k).unwrap().into_iter().map(|d| d.id).collect()
    };
    assert_eq!(ids(&*ix, k), ["r1", "r2", "r0"], "oldest first, then by id");
    assert_eq!(ids(&*ix, Documents::Shares), ["s1"], "kinds apart");
    // put again replaces, keeping when it was made; update replaces only what exists
    ix.put_document(k, "r1", "{one'}", None, 99).unwrap();
    assert_eq!(ids(&*ix, k), ["r1", "r2", "r0"]);
    assert_eq!(
        ix.document(k, "r1").unwrap(),
        Some(Document {
            id: "r1".into(),
            data: "{one'}".into(),
            study_id: None
        })
    );
    assert!(ix
        .update_document(k, "r2", "{two'}", Some("a"), 99)
        .unwrap());
    assert!(!ix.update_document(k, "r9", "{}", Some("zz"), 99).unwrap());
    assert!(is_storage(ix.update_document(
        k,
        "r2",
        "{}",
        Some("zz"),
        99
    )));
    assert_eq!(ix.document(k, "r2").unwrap().unwrap().data, "{two'}");
    assert_eq!(ix.document_ids_starting(k, "r").unwrap(), ["r0", "r1"]);
    assert_eq!(ix.document_ids_starting(k, "r2").unwrap(), ["r2"]);
    assert_eq!(
        ix.document_ids_starting(k, "x").unwrap(),
        Vec::<String>::new()
    );
    assert_eq!(ix.document_ids_starting(k, "").unwrap(), ["r0", "r1"]);

    // deleting a study takes its series, instances and thumbnails, and unlinks its documents
    let gone = ix.delete_study("a").unwrap().unwrap();
    assert_eq!(sorted(gone), [1, 2, 3, 4, 5, 9, 21].map(blob));
    assert_eq!(ix.delete_study("a").unwrap(), None);
    assert!(!ix.has_study("a").unwrap());
    assert_eq!(ix.study_by_uid("uid-a").unwrap(), None);
    assert_eq!(ix.series_of("a").unwrap(), vec![]);
    assert_eq!(ix.series_by_uid("uid-a1").unwrap(), None);
    assert_eq!(ix.instances_of("a1").unwrap(), vec![]);
    assert_eq!(ix.instance_digests("sop1").unwrap(), Vec::<[u8; 32]>::new());
    assert_eq!(ix.thumbnail_blob("a1").unwrap(), None);
    assert_eq!(sorted(ix.blob_ids().unwrap()), [6, 7, 8, 22].map(blob));
    assert_eq!(ix.document(k, "r2").unwrap().unwrap().study_id, None);
    assert_eq!(
        ix.document(Documents::Shares, "s1")
            .unwrap()
            .unwrap()
            .study_id,
        None
    );
    assert_eq!(
        ix.document(k, "r0").unwrap().unwrap().study_id.as_deref(),
        Some("b"),
        "another study's link stays"
    );
    let order: Vec<String> = ix.studies().unwrap().into_iter().map(|s| s.id).collect();
    assert_eq!(order, ["c", "d", "b"]);

    assert!(ix.delete_document(k, "r0").unwrap());
    assert!(!ix.delete_document(k, "r0").unwrap());
    assert_eq!(ids(&*ix, k), ["r1", "r2"]);
}

#[test]
fn the_sqlcipher_index_keeps_the_contract() {
    contract(&mut *sqlcipher());
}

#[test]
fn the_memory_index_keeps_the_contract() {
    contract(&mut *memory());
}

/// Many instances in one call: later rows may name the study and series earlier rows store;
/// one bad row and none is stored.
fn inserts_all_or_nothing(ix: &mut dyn IndexStore) {
    let row = |study: Option<NewStudy>, se: NewSeries, i: NewInstance| NewRows {
        study,
        series: se,
        instance: i,
    };
    let good = vec![
        row(
            Some(study("a", "uid-a", Some("20240101"), 1)),
            series("a1", "a", Some(1), Some("CT")),
            instance("i1", "a1", "sop1", blob(1), 1),
        ),
        row(
            None,
            series("a1", "a", Some(1), Some("CT")),
            instance("i2", "a1", "sop2", blob(2), 2),
        ),
        row(
            None,
            series("a2", "a", Some(2), Some("CT")),
            instance("i3", "a2", "sop3", blob(3), 3),
        ),
    ];
    ix.insert_all(&good).unwrap();
    assert_eq!(ix.studies().unwrap().len(), 1);
    assert_eq!(ix.series_of("a").unwrap().len(), 2);
    assert_eq!(
        sorted(ix.blob_ids().unwrap()),
        vec![blob(1), blob(2), blob(3)]
    );
    ix.insert_all(&[]).unwrap();
    // a new study and two instances, the last reusing a blob id: nothing of the call is stored
    let bad = vec![
        row(
            Some(study("b", "uid-b", None, 2)),
            series("b1", "b", None, None),
            instance("i4", "b1", "sop4", blob(4), 4),
        ),
        row(
            None,
            series("b1", "b", None, None),
            instance("i5", "b1", "sop5", blob(1), 5),
        ),
    ];
    assert!(is_storage(ix.insert_all(&bad)));
    assert!(!ix.has_study("b").unwrap());
    assert_eq!(ix.series_by_uid("uid-b1").unwrap(), None);
    assert_eq!(ix.instance_digests("sop4").unwrap(), Vec::<[u8; 32]>::new());
    assert_eq!(
        sorted(ix.blob_ids().unwrap()),
        vec![blob(1), blob(2), blob(3)]
    );
}

#[test]
fn both_indexes_insert_a_group_all_or_nothing() {
    inserts_all_or_nothing(&mut *sqlcipher());
    inserts_all_or_nothing(&mut *memory());
}

/// Reopened with its key, an index has what it had; with another key, it is refused as damaged.
fn reopens(opener: &dyn IndexOpener) {
    let key = Key::random();
    {
        let mut ix = opener.open(&key).unwrap();
        ix.insert(
            Some(&study("a", "uid-a", None, 1)),
            &series("a1", "a", None, None),
            &instance("i1", "a1", "sop1", blob(1), 1),
        )
        .unwrap();
    }
    let ix = opener.open(&key).unwrap();
    assert_eq!(ix.instances_of("a1").unwrap().len(), 1);
    drop(ix);
    assert!(matches!(
        opener.open(&Key::random()),
        Err(Error::Integrity(_))
    ));
}

#[test]
fn both_indexes_reopen_with_their_key_and_refuse_another() {
    reopens(&SqlCipherFile::new(temp_dir().join("index.db")));
    reopens(&MemoryIndex::new());
}

#[test]
fn only_the_sqlcipher_index_says_it_is_encrypted() {
    assert!(sqlcipher().cipher_version().unwrap().starts_with('4'));
    assert!(matches!(memory().cipher_version(), Err(Error::Storage(_))));
}

/// A small, seeded generator (the sequence must be the same on every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len() as u64) as usize]
    }
    fn maybe<'a>(&mut self, from: &[&'a str]) -> Option<&'a str> {
        (self.below(4) != 0).then(|| self.pick(from))
    }
}

/// An answer as compared: the value, or which kind of error (SQLite words its own).
fn outcome<T: Debug>(r: Result<T>) -> String {
    match r {
        Ok(v) => format!("{v:?}"),
        Err(Error::Storage(_)) => "Err(Storage)".into(),
        Err(Error::Integrity(_)) => "Err(Integrity)".into(),
        Err(e) => format!("Err({e:?})"),
    }
}

/// One random call, made on `ix`; the answer as compared. Ids, UIDs, dates and times come from
/// small sets, so that calls collide (constraints, ties in every order, links to deleted rows).
fn random_call(rng: &mut Rng, ix: &mut dyn IndexStore, step: u64) -> String {
    const STUDIES: &[&str] = &["s0", "s1", "s2", "s3", "s4"];
    const SERIES: &[&str] = &["e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7"];
    const DATES: &[&str] = &["20190101", "20200101", "20200102"];
    const MODALITIES: &[&str] = &["CT", "MR", "SR", ""];
    const TEXT: &[&str] = &["a", "b", "B", "é"];
    const SOPS: &[&str] = &["o0", "o1", "o2", "o3", "o4", "o5"];
    const DOCS: &[&str] = &["d0", "d01", "d1", "d10", "x"];
    let kind = if rng.below(2) == 0 {
        Documents::Requests
    } else {
        Documents::Shares
    };
    match rng.below(22) {
        0..=5 => {
            let study_id = rng.pick(STUDIES);
            let new_study = (rng.below(3) == 0).then(|| NewStudy {
                id: study_id.into(),
                study_uid: format!("uid-{}", rng.pick(STUDIES)),
                patient_name: rng.maybe(TEXT).map(String::from),
                patient_id: rng.maybe(TEXT).map(String::from),
                birth_date: rng.maybe(DATES).map(String::from),
                sex: None,
                study_date: rng.maybe(DATES).map(String::from),
                description: rng.maybe(TEXT).map(String::from),
                accession: None,
                sealed_key: vec![rng.below(256) as u8; 60],
                created_at: rng.below(3) as i64,
            });
            let series_id = rng.pick(SERIES);
            let se = NewSeries {
                id: series_id.into(),
                study_id: study_id.into(),
                series_uid: format!("uid-{}", rng.pick(SERIES)),
                number: (rng.below(3) != 0).then(|| rng.below(3) as i64 - 1),
                modality: rng.maybe(MODALITIES).map(String::from),
                description: rng.maybe(TEXT).map(String::from),
                body_part: None,
            };
            let f = |rng: &mut Rng| (rng.below(2001) as f64 - 1000.0) / 8.0;
            let i = NewInstance {
                id: format!("i{}", rng.below(40)),
                series_id: if rng.below(8) == 0 {
                    rng.pick(SERIES).into()
                } else {
                    series_id.into()
                },
                sop_uid: rng.pick(SOPS).into(),
                sop_class: rng.maybe(TEXT).map(String::from),
                number: (rng.below(4) != 0).then(|| rng.below(5) as i64),
                position: (rng.below(4) != 0).then(|| [f(rng), f(rng), f(rng)]),
                orientation: (rng.below(4) != 0)
                    .then(|| [f(rng), f(rng), f(rng), f(rng), f(rng), f(rng)]),
                frames: rng.below(3) as u32,
                rows: (rng.below(3) != 0).then(|| rng.below(600) as u32),
                cols: (rng.below(3) != 0).then(|| rng.below(600) as u32),
                transfer_syntax: rng.maybe(TEXT).map(String::from),
                blob_id: blob(rng.below(60) as u8),
                size: rng.below(1 << 40),
                sha256: [rng.below(4) as u8; 32],
                conflict: rng.below(2) == 0,
                imported_at: step as i64,
            };
            outcome(ix.insert(new_study.as_ref(), &se, &i))
        }
        6 => outcome(ix.studies()),
        7 => outcome(ix.series_of(rng.pick(STUDIES))),
        8 => outcome(ix.instances_of(rng.pick(SERIES)).map(|mut v| {
            // in no particular order
            v.sort_by(|a, b| a.id.cmp(&b.id));
            v
        })),
        9 => outcome(ix.study_by_uid(&format!("uid-{}", rng.pick(STUDIES)))),
        10 => outcome(ix.series_by_uid(&format!("uid-{}", rng.pick(SERIES)))),
        11 => outcome(ix.study_of_series(rng.pick(SERIES))),
        12 => outcome(ix.instance_digests(rng.pick(SOPS)).map(sorted)),
        13 => outcome(ix.instance_blob(rng.pick(STUDIES), &format!("i{}", rng.below(40)))),
        14 => outcome(ix.series_without_thumbnail().map(sorted)),
        15 => outcome(ix.set_thumbnail(rng.pick(SERIES), &blob(100 + rng.below(20) as u8))),
        16 => outcome(ix.blob_ids().map(sorted)),
        17 if rng.below(4) == 0 => {
            outcome(ix.delete_study(rng.pick(STUDIES)).map(|v| v.map(sorted)))
        }
        17 => outcome(ix.sealed_study_key(rng.pick(STUDIES))),
        18 => {
            let (id, study) = (rng.pick(DOCS), rng.maybe(STUDIES));
            let data = format!("{{{step}}}");
            if rng.below(2) == 0 {
                outcome(ix.put_document(kind, id, &data, study, rng.below(3) as i64))
            } else {
                outcome(ix.update_document(kind, id, &data, study, rng.below(3) as i64))
            }
        }
        19 => outcome(ix.documents(kind)),
        20 => {
            let prefix = ["", "d", "d0", "d1", "x", "y"][rng.below(6) as usize];
            outcome(ix.document_ids_starting(kind, prefix))
        }
        _ if rng.below(3) == 0 => outcome(ix.delete_document(kind, rng.pick(DOCS))),
        _ => outcome(ix.document(kind, rng.pick(DOCS))),
    }
}

/// Everything an index holds, as the queries read it.
fn everything(ix: &dyn IndexStore) -> String {
    let mut out = format!("{:?}\n", ix.studies().unwrap());
    for s in ["s0", "s1", "s2", "s3", "s4"] {
        out += &format!("{:?}\n", ix.series_of(s).unwrap());
    }
    for s in ["e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7"] {
        let mut rows = ix.instances_of(s).unwrap();
        rows.sort_by(|a, b| a.id.cmp(&b.id));
        out += &format!("{rows:?} {:?}\n", ix.thumbnail_blob(s).unwrap());
    }
    for k in [Documents::Requests, Documents::Shares] {
        out += &format!("{:?}\n", ix.documents(k).unwrap());
    }
    out
}

#[test]
fn the_memory_index_answers_every_call_as_sqlcipher_does() {
    let mut calls = 0;
    let mut kinds = std::collections::HashSet::new();
    for seed in 1..=6u64 {
        let (mut sql, mut mem) = (sqlcipher(), memory());
        let start = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let (mut a, mut b) = (Rng(start), Rng(start));
        for step in 0..400 {
            let x = random_call(&mut a, &mut *sql, step);
            let y = random_call(&mut b, &mut *mem, step);
            assert_eq!(x, y, "seed {seed}, call {step}");
            kinds.insert(x.split('(').next().unwrap_or("").to_string());
            calls += 1;
        }
        assert_eq!(everything(&*sql), everything(&*mem), "seed {seed}");
    }
    // the sequence reached more than empty answers: rows, errors, links
    assert!(
        calls == 2400 && kinds.contains("Err") && kinds.contains("Some"),
        "{kinds:?}"
    );
}
