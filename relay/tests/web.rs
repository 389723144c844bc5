//! What the relay answers a browser on the real binary: no viewer code (ADR 8: the browser viewer
//! is a static build on an origin of its own), and the passcode attempts left.

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

fn start(data: &std::path::Path) -> Relay {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scanpass-relay"));
    cmd.args(["--listen", "127.0.0.1:0", "--data"]).arg(data);
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
fn the_relay_serves_no_viewer_code() {
    // ADR 8: the code that reads a link's key never comes from the relay. /s/<id> answers a
    // page without script, with a CSP that lets nothing load or run; /v/ (the viewer's files
    // before) is gone, and --web (a viewer folder to serve) is refused.
    let dir = tempfile::tempdir().unwrap();
    let r = start(&dir.path().join("data"));
    let c = client();
    for path in [
        "/s/vU4qAVktKf9nh3BNw9Kzvg",
        "/s/vU4qAVktKf9nh3BNw9Kzvg/",
        "/s/x/y",
    ] {
        let page = c.get(format!("{}{path}", r.1)).send().unwrap();
        assert_eq!(page.status(), StatusCode::GONE, "{path}");
        let csp = page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(csp.starts_with("default-src 'none'"), "{csp}");
        assert!(
            !csp.contains("script-src") && !csp.contains("'self'"),
            "{csp}"
        );
        assert!(page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let text = page.text().unwrap().to_ascii_lowercase();
        assert!(text.contains("ask the person who sent you this link for a new one"));
        for tag in [
            "<script", "<link", "<img", "<iframe", "<style", "<form", "src=", "href=",
        ] {
            assert!(!text.contains(tag), "{tag} in the /s/ page");
        }
    }
    for path in ["/v/index.html", "/v/assets/x.js"] {
        let resp = c.get(format!("{}{path}", r.1)).send().unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let web = dir.path().join("dist");
    std::fs::create_dir_all(&web).unwrap();
    std::fs::write(
        web.join("index.html"),
        "<script>steal(location.hash)</script>",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_scanpass-relay"))
        .args(["--listen", "127.0.0.1:0", "--web"])
        .arg(&web)
        .arg("--data")
        .arg(dir.path().join("data2"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(!out.status.success(), "--web was accepted");
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
