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

#[test]
fn wrong_token_says_how_many_attempts_are_left() {
    // what the viewer shows after a wrong passcode
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_scanpass-relay"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--max-auth-failures",
            "3",
            "--data",
        ])
        .arg(dir.path().join("data"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let r = Relay(
        child,
        line.trim()
            .strip_prefix("scanpass-relay listening on ")
            .unwrap()
            .to_string(),
    );
    let c = client();
    // verifier of the token 00..: SHA-256 of 16 zero bytes
    let verifier = "374708fff7719dd5979ec875d56cd2286f6d3cf7ec317a3b25632aab28ec37bb";
    let created: serde_json::Value = serde_json::from_slice(
        &c.post(format!("{}/api/shares", r.1))
            .header("content-type", "application/json")
            .body(format!("{{\"auth_verifier\":\"{verifier}\"}}"))
            .send()
            .unwrap()
            .bytes()
            .unwrap(),
    )
    .unwrap();
    let (id, secret) = (
        created["id"].as_str().unwrap(),
        created["owner_secret"].as_str().unwrap(),
    );
    let owner = |m: reqwest::Method, path: &str, body: Vec<u8>| {
        let resp = c
            .request(m, format!("{}/api/shares/{id}{path}", r.1))
            .header("authorization", format!("Bearer {secret}"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .unwrap();
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
    };
    owner(reqwest::Method::PUT, "/chunks/0", vec![1; 40]);
    owner(reqwest::Method::PUT, "/manifest", vec![2; 40]);
    owner(
        reqwest::Method::POST,
        "/finalize",
        b"{\"chunks\":1}".to_vec(),
    );
    let fetch = |token: &str| {
        c.get(format!("{}/api/shares/{id}/manifest", r.1))
            .header("x-scanpass-token", token)
            .send()
            .unwrap()
    };
    assert_eq!(fetch(&"00".repeat(16)).status(), StatusCode::OK);
    for left in [2, 1] {
        let resp = fetch("ff");
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        let body: serde_json::Value = serde_json::from_slice(&resp.bytes().unwrap()).unwrap();
        assert_eq!(body["error"], "token_wrong");
        assert_eq!(body["attempts_left"], left, "{body}");
    }
    assert_eq!(fetch("ff").status(), StatusCode::LOCKED);
    assert_eq!(fetch(&"00".repeat(16)).status(), StatusCode::LOCKED);
}
