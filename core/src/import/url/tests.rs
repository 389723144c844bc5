//! Provider links against a tiny HTTP server on loopback (canned answers, one per connection).
//! The real DICOMweb server (Orthanc) is exercised by `tests/dicomweb/run`.

use std::io::{BufRead, BufReader, Cursor, Write};
use std::net::{Shutdown, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use ::zip::write::SimpleFileOptions;
use ::zip::ZipWriter;

use super::*;
use crate::import::{import, CancelToken, ImportSummary, Silent, Source};
use crate::phantom::{self, PhantomSpec};
use crate::vault::keystore::PassphraseKeyStore;
use crate::vault::scratch as tmp;
use crate::vault::Vault;

const TOKEN: &str = "s3cret-Token.abc";
const STUDY_UID: &str = "1.2.826.0.1.3680043.99.4242";

struct Server {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
}

/// Answer each of the next connections with the next canned response, recording request heads.
fn serve(responses: Vec<Vec<u8>>) -> Server {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    std::thread::spawn(move || {
        for resp in responses {
            let Ok((mut s, _)) = l.accept() else { return };
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            seen.lock().unwrap().push(head);
            let _ = s.write_all(&resp);
            let _ = s.shutdown(Shutdown::Both);
        }
    });
    Server { port, requests }
}

fn response(status: &str, headers: &[(&str, &str)], body: &[u8], length: bool) -> Vec<u8> {
    let mut r = format!("HTTP/1.1 {status}\r\nConnection: close\r\n").into_bytes();
    for (k, v) in headers {
        r.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    if length {
        r.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    r.extend_from_slice(b"\r\n");
    r.extend_from_slice(body);
    r
}

fn slices(n: u32, seed: u64) -> Vec<Vec<u8>> {
    phantom::ct_series(PhantomSpec {
        slices: n,
        size: 32,
        seed,
    })
    .unwrap()
}

fn multipart_body(parts: &[Vec<u8>], boundary: &str) -> Vec<u8> {
    let mut b = Vec::new();
    for p in parts {
        b.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Type: application/dicom\r\nContent-Length: {}\r\n\r\n",
                p.len()
            )
            .as_bytes(),
        );
        b.extend_from_slice(p);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    b
}

fn vault(tag: &str) -> (PathBuf, Vault) {
    let dir = tmp::test_dir(tag);
    let keys = PassphraseKeyStore::new(&dir, "test").with_cost(1024, 1);
    let v = Vault::create(&dir, &keys).unwrap();
    (dir, v)
}

fn link(port: u16, path: &str, bearer: bool) -> Source {
    Source::Url {
        url: format!("http://127.0.0.1:{port}{path}"),
        bearer: bearer.then(|| TOKEN.to_string()),
    }
}

fn run(vault: &Vault, s: Source) -> Result<ImportSummary> {
    import(vault, &[s], &Silent, &CancelToken::new())
}

fn no_temp_left(dir: &std::path::Path) {
    let left = crate::vault::scratch::leftovers(&dir.join("import-tmp"));
    assert_eq!(left, 0, "temporary files left behind");
}

#[test]
fn dicomweb_links_are_told_apart() {
    let web = |s: &str| is_dicomweb(&Url::parse(s).unwrap());
    assert!(web("https://h/dicom-web/studies/1.2.3"));
    assert!(web("https://h/dicom-web/studies/1.2.3/"));
    assert!(web("https://h/wado/studies/1.2/series/3.4"));
    assert!(web("https://h/wado/studies/1.2/series/3.4/instances/5.6"));
    assert!(!web("https://h/dicom-web/studies"));
    assert!(!web("https://h/dicom-web/studies/1.2/metadata"));
    assert!(!web("https://h/share/abc.zip"));
}

#[test]
fn debug_output_hides_the_link_and_the_token() {
    let s = Source::Url {
        url: format!("https://h/studies/{STUDY_UID}"),
        bearer: Some(TOKEN.into()),
    };
    let d = format!("{s:?}");
    assert!(!d.contains(TOKEN) && !d.contains(STUDY_UID), "{d}");
}

#[test]
fn dicomweb_study_as_multipart() {
    let (dir, vault) = vault("url-mp");
    let files = slices(6, 11);
    let body = multipart_body(&files, "DICOMwebBoundary-1234");
    let server = serve(vec![response(
        "200 OK",
        &[(
            "Content-Type",
            "multipart/related; type=\"application/dicom\"; boundary=DICOMwebBoundary-1234",
        )],
        &body,
        true,
    )]);
    let s = run(
        &vault,
        link(
            server.port,
            &format!("/dicom-web/studies/{STUDY_UID}"),
            true,
        ),
    )
    .unwrap();
    assert_eq!(
        (s.instances_added, s.studies, s.series),
        (6, 1, 1),
        "{s:#?}"
    );
    assert!(s.errors.is_empty());
    let req = server.requests.lock().unwrap()[0].to_ascii_lowercase();
    assert!(req.contains("accept: multipart/related; type=\"application/dicom\""));
    assert!(req.contains(&format!(
        "authorization: bearer {}",
        TOKEN.to_ascii_lowercase()
    )));
    no_temp_left(&dir);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_cut_multipart_answer_keeps_the_complete_parts() {
    let (dir, vault) = vault("url-cut");
    let files = slices(5, 12);
    let body = multipart_body(&files, "b");
    // cut inside the fourth part, no Content-Length: the connection just closes
    let cut = body.len() - files[4].len() - files[3].len() / 2 - 60;
    let server = serve(vec![response(
        "200 OK",
        &[("Content-Type", "multipart/related; boundary=b")],
        &body[..cut],
        false,
    )]);
    let s = run(&vault, link(server.port, "/wado/studies/1.2.3", false)).unwrap();
    assert_eq!(s.instances_added, 3, "{s:#?}");
    assert_eq!(s.errors.len(), 1);
    assert!(s.errors[0].error.contains("ended early"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_zip_link_and_a_dicom_link() {
    let (dir, vault) = vault("url-zip");
    let files = slices(4, 13);
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for (i, f) in files.iter().enumerate() {
        w.start_file(format!("IMAGES/IM{i}"), SimpleFileOptions::default())
            .unwrap();
        w.write_all(f).unwrap();
    }
    let zip = w.finish().unwrap().into_inner();
    let one = slices(1, 14).remove(0);
    let server = serve(vec![
        response(
            "200 OK",
            &[("Content-Type", "application/octet-stream")],
            &zip,
            true,
        ),
        response(
            "200 OK",
            &[("Content-Type", "application/dicom")],
            &one,
            true,
        ),
    ]);
    let s = run(&vault, link(server.port, "/share/abcdef", true)).unwrap();
    assert_eq!(s.instances_added, 4, "{s:#?}");
    let req = server.requests.lock().unwrap()[0].to_ascii_lowercase();
    assert!(req.contains("accept: application/zip"), "{req}");
    let s = run(&vault, link(server.port, "/one.dcm", false)).unwrap();
    assert_eq!(s.instances_added, 1, "{s:#?}");
    no_temp_left(&dir);
    std::fs::remove_dir_all(&dir).ok();
}

/// Every failure is an `Error::Network` that names neither the link nor the token.
#[test]
fn failures_are_typed_and_keep_secrets() {
    let (dir, vault) = vault("url-err");
    let path = format!("/dicom-web/studies/{STUDY_UID}");
    let html = b"<html><body>Please sign in</body></html>";
    let server = serve(vec![
        response("401 Unauthorized", &[], b"", true),
        response("404 Not Found", &[], b"", true),
        response("200 OK", &[("Content-Type", "text/html")], html, true),
        response(
            "302 Found",
            &[("Location", &format!("http://example.invalid{path}"))],
            b"",
            true,
        ),
        response(
            "200 OK",
            &[("Content-Type", "multipart/related")],
            b"x",
            true,
        ),
        // promises more than it sends
        response(
            "200 OK",
            &[
                ("Content-Type", "application/zip"),
                ("Content-Length", "100000"),
            ],
            b"PK\x03\x04 and then nothing",
            false,
        ),
    ]);
    let expect = |want: &str| {
        let e = run(&vault, link(server.port, &path, true)).unwrap_err();
        let Error::Network(msg) = &e else {
            panic!("not a network error: {e:?}")
        };
        assert!(msg.contains(want), "{msg:?} lacks {want:?}");
        let text = e.to_string();
        for secret in [TOKEN, STUDY_UID, path.as_str()] {
            assert!(!text.contains(secret), "{text:?} holds a secret");
        }
    };
    expect("401 Unauthorized: the link or its access token was refused");
    expect("404");
    expect("text/html, not a zip or DICOM images");
    expect("redirect");
    expect("boundary");
    expect("broke off");

    // nobody listening
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = run(&vault, link(port, &path, true)).unwrap_err();
    assert!(
        matches!(&e, Error::Network(m) if m.starts_with("cannot connect") && !m.contains(STUDY_UID)),
        "{e:?}"
    );
    // plain http to another machine: refused before any connection
    let e = run(
        &vault,
        Source::Url {
            url: format!("http://pacs.example.org{path}"),
            bearer: Some(TOKEN.into()),
        },
    )
    .unwrap_err();
    assert!(matches!(&e, Error::Network(m) if m.contains("plain http")));
    no_temp_left(&dir);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn secrets_are_scrubbed_from_library_messages() {
    let raw = format!("https://h.example/dicom-web/studies/{STUDY_UID}?token=abcd1234");
    let u = Url::parse(&raw).unwrap();
    let s = Secrets::new(&raw, &u, Some(TOKEN));
    let msg = s.scrub(&format!(
        "error for url ({raw}): {TOKEN} /dicom-web/studies/{STUDY_UID} token=abcd1234"
    ));
    for secret in [TOKEN, STUDY_UID, "abcd1234"] {
        assert!(!msg.contains(secret), "{msg}");
    }
}
