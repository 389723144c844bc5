//! An import by link killed in the middle of its download leaves no plaintext in the vault's
//! folder (issue 15, point 4): a real loopback HTTP server sends part of a zip of real sample
//! DICOM files and then stalls, `scanpass import <link>` is killed with SIGKILL while the body is
//! still streaming, and every file under the vault folder (and the temporary file's bytes as they
//! were on disk just before the kill, which a backup or a copy of the phone taken then would hold)
//! is searched for the patient's name, ID, study UID, the "DICM" magic and a run of the files' raw
//! bytes. The vault then opens with its temporary folder empty.
#![cfg(target_os = "linux")]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use scanpass_core::dicom::DicomImage;

const PASSPHRASE: &str = "killed-import test passphrase";

fn samples() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/dicom-samples/SAG-anon");
    d.is_dir().then_some(d)
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if e.file_type().unwrap().is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The temporary files `pid` holds open under `tmp`: (fd path, size).
fn open_temp_files(pid: u32, tmp: &Path) -> Vec<(PathBuf, u64)> {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    let tmp = tmp.to_string_lossy().into_owned();
    fds.flatten()
        .filter_map(|e| {
            let target = std::fs::read_link(e.path()).ok()?;
            target.to_string_lossy().starts_with(&tmp).then(|| {
                (
                    e.path(),
                    std::fs::metadata(e.path()).map(|m| m.len()).unwrap_or(0),
                )
            })
        })
        .collect()
}

#[test]
fn an_import_killed_mid_download_leaves_no_plaintext() {
    let Some(dir) = samples() else {
        eprintln!("SKIPPED: ../shared/dicom-samples/SAG-anon is absent");
        return;
    };
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "dcm"))
        .collect();
    names.sort();
    names.truncate(40);
    let files: Vec<Vec<u8>> = names.iter().map(|p| std::fs::read(p).unwrap()).collect();
    // a zip of them, stored (so that the raw bytes travel as they are)
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (i, f) in files.iter().enumerate() {
        zip.start_file(
            format!("DICOM/IM{i:04}"),
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored),
        )
        .unwrap();
        zip.write_all(f).unwrap();
    }
    let body = zip.finish().unwrap().into_inner();
    let stall_at = body.len() / 2;

    // what must not be on disk: identity from the first file, the magic, raw runs of bytes
    let first = DicomImage::from_bytes(files[0].clone()).unwrap();
    let s = first.summary();
    let mut needles: Vec<(String, Vec<u8>)> = Vec::new();
    for (what, v) in [
        ("patient name", s.patient_name.clone()),
        ("patient id", s.patient_id.clone()),
        ("study uid", s.study_instance_uid.clone()),
        ("series uid", s.series_instance_uid.clone()),
    ] {
        let v = v.expect(what);
        needles.push((what.into(), v.trim().as_bytes().to_vec()));
    }
    needles.push(("DICM magic".into(), b"DICM".to_vec()));
    for (i, f) in files.iter().enumerate().take(8) {
        let mid = f.len() / 2;
        let run = f[mid..mid + 48].to_vec();
        assert!(run.iter().any(|b| *b != run[0]), "a run worth looking for");
        let at = body.windows(48).position(|w| w == run).unwrap();
        assert!(at + 48 < stall_at, "sent before the stall");
        needles.push((format!("48 raw bytes of file {i}"), run));
    }

    // a real HTTP server on loopback: headers for the whole body, half of it, then a stall
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (sent_tx, sent_rx) = mpsc::channel::<()>();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let served = body.clone();
    let server = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut req = Vec::new();
        let mut b = [0u8; 1024];
        while !contains(&req, b"\r\n\r\n") {
            let n = conn.read(&mut b).unwrap();
            assert!(n > 0);
            req.extend_from_slice(&b[..n]);
        }
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: {}\r\n\r\n",
            served.len()
        );
        conn.write_all(head.as_bytes()).unwrap();
        conn.write_all(&served[..stall_at]).unwrap();
        conn.flush().unwrap();
        sent_tx.send(()).unwrap();
        let _ = release_rx.recv_timeout(Duration::from_secs(300));
    });

    let root = std::env::temp_dir().join(format!(
        "sp-killed-import-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    let vault = root.join("vault");
    std::fs::create_dir_all(root.join("home")).unwrap();
    let scanpass = env!("CARGO_BIN_EXE_scanpass");
    let mut child = Command::new(scanpass)
        .args(["--vault", vault.to_str().unwrap(), "import"])
        .arg(format!("http://127.0.0.1:{port}/study.zip"))
        .env("SCANPASS_PASSPHRASE", PASSPHRASE)
        .env("HOME", root.join("home"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    sent_rx.recv_timeout(Duration::from_secs(120)).unwrap();

    // wait (polling, no timing asserted) until the child has written most of what it was sent
    // to its temporary file, then copy that file's bytes as they are on disk
    let tmp = vault.join("import-tmp");
    let want = stall_at as u64 - (1 << 20);
    let deadline = Instant::now() + Duration::from_secs(120);
    let on_disk = loop {
        let open = open_temp_files(child.id(), &tmp);
        if let Some((fd, _)) = open.iter().find(|(_, len)| *len >= want) {
            break std::fs::read(fd).unwrap();
        }
        assert!(
            Instant::now() < deadline,
            "the import never wrote its download: {open:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let _ = release_tx.send(());
    server.join().unwrap();

    let mut all = Vec::new();
    files_under(&vault, &mut all);
    assert!(all.iter().any(|p| p.ends_with("index.db")), "{all:?}");
    let mut found = Vec::new();
    for (what, needle) in &needles {
        if contains(&on_disk, needle) {
            found.push(format!("{what} in the temporary file as it was on disk"));
        }
        for p in &all {
            if contains(&std::fs::read(p).unwrap(), needle) {
                found.push(format!("{what} in {}", p.display()));
            }
            if p.to_string_lossy()
                .contains(&*String::from_utf8_lossy(needle))
            {
                found.push(format!("{what} in the name {}", p.display()));
            }
        }
    }
    assert!(found.is_empty(), "plaintext left on disk: {found:#?}");

    // the vault opens again, with its temporary folder empty (but for its backup markers)
    let out = Command::new(scanpass)
        .args(["--vault", vault.to_str().unwrap(), "studies"])
        .env("SCANPASS_PASSPHRASE", PASSPHRASE)
        .env("HOME", root.join("home"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut left: Vec<String> = std::fs::read_dir(&tmp)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    left.sort();
    assert!(
        left.iter().all(|n| n == "CACHEDIR.TAG" || n == ".nomedia"),
        "left in import-tmp after the vault opened: {left:?}"
    );
    std::fs::remove_dir_all(&root).ok();
}

fn rand_suffix() -> String {
    format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    )
}
