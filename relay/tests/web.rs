//! The browser viewer's routes on the real binary: the page at /s/<id>, its files under /v/, the
//! viewer's CSP on both (workers take theirs from their own response), nothing outside the build.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use reqwest::blocking::Client;
use reqwest::StatusCode;

struct Relay(Child, String);

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(data: &std::path::Path, web: Option<&std::path::Path>) -> Relay {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scanpass-relay"));
    cmd.args(["--listen", "127.0.0.1:0", "--data"]).arg(data);
    if let Some(web) = web {
        cmd.arg("--web").arg(web);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start scanpass-relay");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("scanpass-relay listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    Relay(child, base)
}

fn client() -> Client {
    // the workspace's reqwest leaves the rustls provider to the caller
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::new()
}

#[test]
fn viewer_page_and_files_with_their_csp() {
    let dir = tempfile::tempdir().unwrap();
    let web = dir.path().join("dist");
    std::fs::create_dir_all(web.join("assets")).unwrap();
    std::fs::write(web.join("index.html"), "<!doctype html><p>test viewer</p>").unwrap();
    std::fs::write(web.join("assets/codec.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(dir.path().join("secret.txt"), "outside").unwrap();
    let r = start(&dir.path().join("data"), Some(&web));
    let c = client();

    let page = c
        .get(format!("{}/s/vU4qAVktKf9nh3BNw9Kzvg", r.1))
        .send()
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    for part in [
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "worker-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{part} missing from {csp}");
    }
    assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"));
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    assert!(page.text().unwrap().contains("test viewer"));

    let wasm = c
        .get(format!("{}/v/assets/codec.wasm", r.1))
        .send()
        .unwrap();
    assert_eq!(wasm.status(), StatusCode::OK);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert!(wasm.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("'wasm-unsafe-eval'"));
    assert_eq!(wasm.bytes().unwrap().as_ref(), b"\0asm\x01\0\0\0");

    for bad in [
        "/v/../secret.txt",
        "/v/%2e%2e/secret.txt",
        "/v/assets/none.js",
    ] {
        let resp = c.get(format!("{}{bad}", r.1)).send().unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{bad}");
    }
}

#[test]
fn embedded_viewer_or_placeholder_by_default() {
    // Built with web/dist, the relay serves that build; built without, a page saying so.
    let dir = tempfile::tempdir().unwrap();
    let r = start(&dir.path().join("data"), None);
    let page = client()
        .get(format!("{}/s/vU4qAVktKf9nh3BNw9Kzvg", r.1))
        .send()
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let text = page.text().unwrap();
    assert!(
        text.contains("<!doctype html>") && text.contains("viewer"),
        "{text}"
    );
}
