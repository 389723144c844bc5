//! Known-answer vectors of the share format (docs/share-format-vectors/, in the manner of rage's
//! test vectors): fixed inputs (link key, share id, nonces, file bytes) and the exact bytes a
//! writer must produce. Two tests hold the core to them:
//! - the writer (key derivation, [`StreamWriter`] chunking and padding, sealing, the padded
//!   manifest) made again from the same inputs gives the committed file byte for byte;
//! - the reader (link parsing, keys, [`seal::open`], [`Manifest::from_json`], cutting files out
//!   of chunks) opens the committed bytes into the committed plaintexts.
//!
//! `web/src/share.ts` is held to the same file by `tests/web/vectors-test.mjs`, and the Node
//! writer `tests/web/share-writer.mjs` by the same script. After a deliberate format change:
//! `SCANPASS_WRITE_VECTORS=1 cargo test --release -p scanpass-core share::vectors`, and say why
//! in the commit.

use sha2::{Digest, Sha256};

use super::manifest::{self, FileEntry, FileKind, Manifest, Piece, Series, Study};
use super::seal;
use super::stream::{self, StreamWriter, TooLarge};
use super::Link;

const FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../docs/share-format-vectors/share-v3.json"
);
const SHARE_ID: &str = "VeCtOrS0123456789abcXY";
const CHUNK_SIZE: u64 = 1024;
const PASSCODE: &str = "  amber kettle quietly orbits  ";

fn h(label: &str) -> [u8; 32] {
    Sha256::digest(label.as_bytes()).into()
}

fn nonce(label: &str) -> [u8; 12] {
    h(label)[..12].try_into().unwrap()
}

/// Deterministic bytes standing for a file (not DICOM: readers of the format do not parse it).
fn bytes(seed: u8, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32 * 31 + seed as u32 * 7) as u8)
        .collect()
}

fn link_text(passcode: bool) -> String {
    let key = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        h("scanpass vectors link key"),
    );
    let p = if passcode { "p." } else { "" };
    format!("https://view.example/0.1.0/#relay.example.org/{SHARE_ID}/{p}{key}")
}

#[derive(Debug)]
struct NoFail;
impl From<TooLarge> for NoFail {
    fn from(_: TooLarge) -> NoFail {
        NoFail
    }
}

/// The vectors, made by the writer's code from the fixed inputs.
fn make() -> serde_json::Value {
    use serde_json::json;
    let link = Link::parse(&link_text(false)).unwrap();
    let keys = link.keys(None);
    // the pieces in stream order: a thumbnail, two images of one series, an image of a second
    // study's series, README.TXT, DICOMDIR
    let thumb = bytes(1, 300);
    let files: Vec<(&str, FileKind, Vec<u8>)> = vec![
        (
            "DICOM/PT000000/ST000000/SE000000/IM000000",
            FileKind::Image,
            bytes(2, 1500),
        ),
        (
            "DICOM/PT000000/ST000000/SE000000/IM000001",
            FileKind::Image,
            bytes(3, 700),
        ),
        (
            "DICOM/PT000000/ST000001/SE000000/IM000000",
            FileKind::Image,
            bytes(4, 0),
        ),
        (
            "README.TXT",
            FileKind::Readme,
            b"Scanpass test vectors\r\n".to_vec(),
        ),
        ("DICOMDIR", FileKind::Dicomdir, bytes(5, 900)),
    ];
    let mut w = StreamWriter::new(CHUNK_SIZE);
    let mut plain_chunks: Vec<Vec<u8>> = Vec::new();
    let mut emit = |n: u32, c: &[u8]| -> Result<(), NoFail> {
        assert_eq!(n as usize, plain_chunks.len());
        plain_chunks.push(c.to_vec());
        Ok(())
    };
    let piece = |w: &StreamWriter, b: &[u8]| Piece {
        offset: w.pos(),
        size: b.len() as u64,
        sha256: hex::encode(Sha256::digest(b)),
    };
    let thumb_piece = piece(&w, &thumb);
    w.append(&thumb, &mut emit).unwrap();
    let mut entries = Vec::new();
    for (i, (path, kind, b)) in files.iter().enumerate() {
        let p = piece(&w, b);
        entries.push(FileEntry {
            path: path.to_string(),
            kind: *kind,
            offset: p.offset,
            size: p.size,
            sha256: p.sha256,
            series: (*kind == FileKind::Image).then_some(if i < 2 { 0 } else { 1 }),
            sop_instance_uid: (*kind == FileKind::Image).then(|| format!("2.25.{}", 100 + i)),
            sop_class_uid: (*kind == FileKind::Image).then(|| "1.2.840.10008.5.1.4.1.1.2".into()),
            transfer_syntax: (*kind == FileKind::Image).then(|| "1.2.840.10008.1.2.1".into()),
            instance_number: (*kind == FileKind::Image).then_some(i as i64 + 1),
            frames: (*kind == FileKind::Image).then_some(1),
            rows: (*kind == FileKind::Image).then_some(16),
            cols: (*kind == FileKind::Image).then_some(16),
        });
        w.append(b, &mut emit).unwrap();
    }
    let stream_len = w.pos();
    let count = w.finish(&mut emit).unwrap();
    let patient = manifest::Patient {
        name: Some("VECTOR^TEST".into()),
        id: Some("V-1".into()),
        birth_date: Some("19700101".into()),
        sex: Some("O".into()),
    };
    let study = |uid: &str, date: &str, modality: &str| Study {
        uid: Some(uid.into()),
        date: Some(date.into()),
        time: None,
        description: Some("TEST VECTORS".into()),
        accession: None,
        modalities: vec![modality.into()],
        patient: Some(patient.clone()),
    };
    let m = Manifest {
        format: manifest::FORMAT.into(),
        version: manifest::VERSION,
        created_at: 1_795_845_525,
        chunk_size: CHUNK_SIZE,
        chunk_count: count,
        deidentified: None,
        burned_in_warning: None,
        studies: vec![
            study("2.25.1", "20240131", "CT"),
            study("2.25.2", "20230612", "MR"),
        ],
        series: vec![
            Series {
                study: 0,
                uid: Some("2.25.11".into()),
                number: Some(2),
                modality: Some("CT".into()),
                description: Some("AXIAL".into()),
                body_part: Some("HEAD".into()),
                instances: 2,
                thumbnail: Some(thumb_piece),
                files: vec![0, 1],
            },
            Series {
                study: 1,
                uid: Some("2.25.12".into()),
                number: Some(1),
                modality: Some("MR".into()),
                description: None,
                body_part: None,
                instances: 1,
                thumbnail: None,
                files: vec![2],
            },
        ],
        files: entries,
    };
    let manifest_plain = m.to_padded_json();
    let manifest_nonce = nonce("scanpass vectors manifest nonce");
    let sealed_manifest = seal::seal_with_nonce(
        &keys.manifest,
        manifest_nonce,
        &manifest_plain,
        &seal::manifest_aad(SHARE_ID),
    );
    let chunks: Vec<serde_json::Value> = plain_chunks
        .iter()
        .enumerate()
        .map(|(n, c)| {
            let nn = nonce(&format!("scanpass vectors chunk nonce {n}"));
            let aad = seal::chunk_aad(SHARE_ID, n as u32);
            json!({
                "index": n,
                "nonce": hex::encode(nn),
                "aad": hex::encode(&aad),
                "plaintext": hex::encode(c),
                "sealed": hex::encode(seal::seal_with_nonce(&keys.content, nn, c, &aad)),
            })
        })
        .collect();
    let mut pieces = vec![json!({
        "what": "thumbnail of series 0",
        "offset": m.series[0].thumbnail.as_ref().unwrap().offset,
        "size": thumb.len(),
        "plaintext": hex::encode(&thumb),
    })];
    for (f, (_, _, b)) in m.files.iter().zip(&files) {
        pieces.push(json!({
            "what": f.path,
            "offset": f.offset,
            "size": f.size,
            "plaintext": hex::encode(b),
        }));
    }
    let pass_link = Link::parse(&link_text(true)).unwrap();
    let pass_keys = pass_link.keys(Some(PASSCODE));
    let padme: Vec<[u64; 2]> = [
        0u64,
        1,
        9,
        100,
        1000,
        3000,
        527_082,
        1 << 20,
        (1 << 20) + 1,
        45_000_000,
        1 << 33,
    ]
    .iter()
    .map(|&l| [l, stream::padme(l)])
    .collect();
    let manifest_sizes: Vec<[usize; 2]> = [10usize, 16_000, 16_355, 16_356, 100_000, 3_000_000]
        .iter()
        .map(|&l| [l, stream::padded_manifest_len(l) + seal::OVERHEAD])
        .collect();
    json!({
        "about": "Known-answer vectors of docs/share-format.md (format version 3). See README.md beside this file.",
        "format_version": manifest::VERSION,
        "link": link.to_url(),
        "share_id": SHARE_ID,
        "link_key": hex::encode(h("scanpass vectors link key")),
        "keys": {
            "content": hex::encode(keys.content.expose()),
            "manifest": hex::encode(keys.manifest.expose()),
            "token": keys.token_hex().as_str(),
            "verifier": keys.verifier(),
        },
        "passcode_case": {
            "link": pass_link.to_url(),
            "passcode": PASSCODE,
            "keys": {
                "content": hex::encode(pass_keys.content.expose()),
                "manifest": hex::encode(pass_keys.manifest.expose()),
                "token": pass_keys.token_hex().as_str(),
                "verifier": pass_keys.verifier(),
            },
        },
        "chunk_size": CHUNK_SIZE,
        "stream_length": stream_len,
        "chunk_count": count,
        "pieces": pieces,
        "chunks": chunks,
        "manifest": {
            "nonce": hex::encode(manifest_nonce),
            "aad": hex::encode(seal::manifest_aad(SHARE_ID)),
            "plaintext": String::from_utf8(manifest_plain).unwrap(),
            "sealed": hex::encode(sealed_manifest),
        },
        "padme": padme,
        "sealed_manifest_size": manifest_sizes,
    })
}

fn text_of(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap() + "\n"
}

fn committed() -> serde_json::Value {
    let text = std::fs::read_to_string(FILE).expect("docs/share-format-vectors/share-v3.json");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn the_writer_makes_the_committed_vectors() {
    let made = text_of(&make());
    if std::env::var_os("SCANPASS_WRITE_VECTORS").is_some() {
        std::fs::write(FILE, &made).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(FILE).unwrap();
    assert!(
        made == on_disk,
        "the share writer no longer makes docs/share-format-vectors/share-v3.json: the format \
         changed. If that was meant, bump the format version, regenerate with \
         SCANPASS_WRITE_VECTORS=1 and update docs/share-format.md and web/src/share.ts"
    );
}

#[test]
fn the_reader_opens_the_committed_vectors() {
    let v = committed();
    let s = |x: &serde_json::Value| x.as_str().unwrap().to_string();
    let unhex = |x: &serde_json::Value| hex::decode(x.as_str().unwrap()).unwrap();
    let link = Link::parse(&s(&v["link"])).unwrap();
    assert_eq!(link.share_id, s(&v["share_id"]));
    let keys = link.keys(None);
    assert_eq!(hex::encode(keys.content.expose()), s(&v["keys"]["content"]));
    assert_eq!(
        hex::encode(keys.manifest.expose()),
        s(&v["keys"]["manifest"])
    );
    assert_eq!(keys.token_hex().as_str(), s(&v["keys"]["token"]));
    assert_eq!(keys.verifier(), s(&v["keys"]["verifier"]));
    let pc = &v["passcode_case"];
    let pl = Link::parse(&s(&pc["link"])).unwrap();
    assert!(pl.passcode);
    let pk = pl.keys(Some(&s(&pc["passcode"])));
    assert_eq!(hex::encode(pk.content.expose()), s(&pc["keys"]["content"]));
    assert_eq!(pk.token_hex().as_str(), s(&pc["keys"]["token"]));

    // the manifest opens, reads, and its padding is the documented size class
    let sealed = unhex(&v["manifest"]["sealed"]);
    let plain = seal::open(&keys.manifest, &sealed, &seal::manifest_aad(&link.share_id)).unwrap();
    assert_eq!(plain.as_slice(), s(&v["manifest"]["plaintext"]).as_bytes());
    assert!(sealed.len().is_power_of_two());
    let m = Manifest::from_json(&plain).unwrap();
    assert_eq!(m.chunk_count as u64, v["chunk_count"].as_u64().unwrap());
    // every chunk opens in its place only, and has the share's chunk size
    let chunks = v["chunks"].as_array().unwrap();
    assert_eq!(chunks.len(), m.chunk_count as usize);
    let mut opened = Vec::new();
    for (n, c) in chunks.iter().enumerate() {
        let sealed = unhex(&c["sealed"]);
        assert_eq!(sealed.len() as u64, m.chunk_size + seal::OVERHEAD as u64);
        let p = seal::open(
            &keys.content,
            &sealed,
            &seal::chunk_aad(&link.share_id, n as u32),
        )
        .unwrap();
        assert_eq!(p.as_slice(), &unhex(&c["plaintext"])[..]);
        let elsewhere = seal::chunk_aad(&link.share_id, n as u32 + 1);
        assert!(seal::open(&keys.content, &sealed, &elsewhere).is_err());
        opened.push(p);
    }
    // each file and the thumbnail cut out of the chunks it spans
    let refs: Vec<&[u8]> = opened.iter().map(|c| c.as_slice()).collect();
    let mut pieces: Vec<Piece> = m
        .series
        .iter()
        .filter_map(|s| s.thumbnail.clone())
        .collect();
    pieces.extend(m.files.iter().map(|f| f.piece()));
    let want = v["pieces"].as_array().unwrap();
    assert_eq!(pieces.len(), want.len());
    for (p, w) in pieces.iter().zip(want) {
        assert_eq!(p.offset, w["offset"].as_u64().unwrap());
        let span = stream::chunks_of(p.offset, p.size, m.chunk_size);
        let got = super::receive::cut(
            &refs[span.start as usize..span.end as usize],
            span.start,
            m.chunk_size,
            p,
        )
        .unwrap();
        assert_eq!(got.as_slice(), &unhex(&w["plaintext"])[..], "{}", w["what"]);
    }
    // the padding rules, as a table
    for pair in v["padme"].as_array().unwrap() {
        let (l, p) = (pair[0].as_u64().unwrap(), pair[1].as_u64().unwrap());
        assert_eq!(stream::padme(l), p, "{l}");
    }
    for pair in v["sealed_manifest_size"].as_array().unwrap() {
        let (l, p) = (
            pair[0].as_u64().unwrap() as usize,
            pair[1].as_u64().unwrap() as usize,
        );
        assert_eq!(stream::padded_manifest_len(l) + seal::OVERHEAD, p, "{l}");
    }
}
