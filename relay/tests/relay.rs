//! The relay binary, started on loopback (port 0) over a temporary data folder, driven over HTTP.
//! Nothing is mocked: the real server, SQLite file and object folder, and SIGKILL for crashes.
//!
//! Every test runs on each storage set-up ([`Backend`]): SQLite + local files (`local::`),
//! PostgreSQL metadata (`postgres::`), S3 objects (`s3::`) and both (`postgres_s3::`), plus
//! `scaled::` tests with two relay processes on one database and one bucket. The PostgreSQL and
//! S3 servers are real ones that `tests/relay-scale/run` starts (a throwaway PostgreSQL cluster,
//! s3s-fs); it passes them in `SCANPASS_TEST_POSTGRES_URL` (a server URL without a database:
//! each set-up creates a fresh database in it) and `SCANPASS_TEST_S3_ENDPOINT`,
//! `SCANPASS_TEST_S3_BUCKET`, `SCANPASS_TEST_S3_ACCESS_KEY_ID`,
//! `SCANPASS_TEST_S3_SECRET_ACCESS_KEY` (each set-up uses a fresh key prefix). Without them those
//! tests print why and return; with `SCANPASS_TEST_REQUIRE_SERVERS=1` they fail instead.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::blocking::{Body, Client, Response};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// JSON over reqwest without its `json` feature (the workspace builds reqwest without it).
trait JsonBody {
    fn json(self, v: &Value) -> Self;
}

impl JsonBody for reqwest::blocking::RequestBuilder {
    fn json(self, v: &Value) -> Self {
        self.header("content-type", "application/json")
            .body(v.to_string())
    }
}

trait JsonReply {
    fn json(self) -> serde_json::Result<Value>;
}

impl JsonReply for Response {
    fn json(self) -> serde_json::Result<Value> {
        serde_json::from_slice(&self.bytes().expect("reply body"))
    }
}

/// Where a relay keeps its metadata and objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Local,
    Postgres,
    S3,
    PostgresS3,
}

impl Backend {
    fn postgres(self) -> bool {
        matches!(self, Backend::Postgres | Backend::PostgresS3)
    }
    fn s3(self) -> bool {
        matches!(self, Backend::S3 | Backend::PostgresS3)
    }
}

/// One test's storage: a fresh PostgreSQL database and a fresh S3 key prefix where the backend
/// asks for them. Relays started with the same `Setup` share them (restarts, two processes).
struct Setup {
    database_url: Option<String>,
    s3: Option<S3Target>,
}

#[derive(Clone)]
struct S3Target {
    endpoint: String,
    bucket: String,
    prefix: String,
    key_id: String,
    secret: String,
}

/// Reads a test server's variable; absent: says so once and skips, or fails when required.
fn server_var(name: &str, what: &str) -> Option<String> {
    if let Ok(v) = std::env::var(name) {
        if !v.is_empty() {
            return Some(v);
        }
    }
    let why = format!(
        "{name} is not set: the relay tests on {what} need the real server that \
         tests/relay-scale/run starts"
    );
    if std::env::var("SCANPASS_TEST_REQUIRE_SERVERS").is_ok_and(|v| v == "1") {
        panic!("{why} (SCANPASS_TEST_REQUIRE_SERVERS=1)");
    }
    static SAID: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut said = SAID.lock().unwrap_or_else(|p| p.into_inner());
    if !said.contains(&why) {
        // straight to stderr, past the test harness's capture, so a plain `cargo test` shows it
        let _ = writeln!(std::io::stderr(), "SKIPPING: {why}");
        said.push(why);
    }
    None
}

fn unique_name(prefix: &str) -> String {
    format!("{prefix}{:016x}", rand::random::<u64>())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

impl Setup {
    /// `None` when the backend's server is not configured (the test then returns at once).
    fn new(backend: Backend) -> Option<Setup> {
        let database_url = if backend.postgres() {
            let server = server_var("SCANPASS_TEST_POSTGRES_URL", "PostgreSQL")?;
            let server = server.trim_end_matches('/').to_string();
            let name = unique_name("relay_test_");
            runtime().block_on(async {
                let (client, conn) =
                    tokio_postgres::connect(&format!("{server}/postgres"), tokio_postgres::NoTls)
                        .await
                        .expect("connect to the test PostgreSQL server");
                tokio::spawn(conn);
                client
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create a test database");
            });
            Some(format!("{server}/{name}"))
        } else {
            None
        };
        let s3 = if backend.s3() {
            Some(S3Target {
                endpoint: server_var("SCANPASS_TEST_S3_ENDPOINT", "S3")?,
                bucket: server_var("SCANPASS_TEST_S3_BUCKET", "S3")?,
                key_id: server_var("SCANPASS_TEST_S3_ACCESS_KEY_ID", "S3")?,
                secret: server_var("SCANPASS_TEST_S3_SECRET_ACCESS_KEY", "S3")?,
                prefix: unique_name("relay-test-"),
            })
        } else {
            None
        };
        Some(Setup { database_url, s3 })
    }
}

impl S3Target {
    fn store(&self) -> object_store::aws::AmazonS3 {
        let _ = rustls::crypto::ring::default_provider().install_default();
        object_store::aws::AmazonS3Builder::new()
            .with_endpoint(&self.endpoint)
            .with_bucket_name(&self.bucket)
            .with_region("us-east-1")
            .with_access_key_id(&self.key_id)
            .with_secret_access_key(&self.secret)
            .with_allow_http(true)
            .build()
            .unwrap()
    }

    /// Every object key under this set-up's prefix.
    fn keys(&self) -> Vec<String> {
        use futures::TryStreamExt;
        use object_store::ObjectStore;
        let store = self.store();
        let prefix = object_store::path::Path::from(self.prefix.as_str());
        runtime().block_on(async {
            store
                .list(Some(&prefix))
                .map_ok(|m| m.location.to_string())
                .try_collect()
                .await
                .expect("list the test bucket")
        })
    }
}

struct Relay {
    child: Child,
    base: String,
    data: PathBuf,
    stderr: PathBuf,
    s3: Option<S3Target>,
}

impl Relay {
    fn start(setup: &Setup, data: &Path, extra: &[&str]) -> Relay {
        let stderr = data.with_extension("stderr.log");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&stderr)
            .unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_scanpass-relay"));
        cmd.args(["--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .args(extra)
            .env("SCANPASS_RELAY_LOG", "debug")
            .stdout(Stdio::piped())
            .stderr(log);
        if let Some(url) = &setup.database_url {
            cmd.env("SCANPASS_RELAY_DATABASE_URL", url);
        }
        if let Some(s3) = &setup.s3 {
            cmd.args(["--s3-endpoint", &s3.endpoint, "--s3-bucket", &s3.bucket])
                .args(["--s3-prefix", &s3.prefix, "--s3-allow-http"])
                .env("SCANPASS_RELAY_S3_ACCESS_KEY_ID", &s3.key_id)
                .env("SCANPASS_RELAY_S3_SECRET_ACCESS_KEY", &s3.secret);
        }
        let mut child = cmd.spawn().expect("start scanpass-relay");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = match line.trim().strip_prefix("scanpass-relay listening on ") {
            Some(base) => base.to_string(),
            None => {
                let _ = child.wait();
                let logs = std::fs::read_to_string(&stderr).unwrap_or_default();
                panic!("unexpected first line {line:?}; the relay said:\n{logs}");
            }
        };
        Relay {
            child,
            base,
            data: data.to_path_buf(),
            stderr,
            s3: setup.s3.clone(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn kill(&mut self) {
        let _ = self.child.kill(); // SIGKILL
        let _ = self.child.wait();
    }

    fn logs(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Every stored object (file under the object folder, or S3 key) whose path names the share.
    fn files_of(&self, id: &str) -> Vec<String> {
        fn walk(dir: &Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out)
                } else {
                    out.push(p.to_string_lossy().into_owned())
                }
            }
        }
        let mut all = Vec::new();
        match &self.s3 {
            Some(s3) => all = s3.keys(),
            None => walk(&self.data.join("objects"), &mut all),
        }
        all.into_iter().filter(|p| p.contains(id)).collect()
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.kill();
    }
}

fn client() -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

struct Share {
    id: String,
    secret: String,
    /// The recipient token whose verifier the share was created with (every share has one: the
    /// relay finalizes none without it), sent by [`fetch`] when it is given no token.
    token: String,
}

/// The recipient token of the tests' shares, unless a test sets another verifier.
const TOKEN: &str = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf";

fn create(c: &Client, r: &Relay, mut body: Value) -> Share {
    if body.get("auth_verifier").is_none() {
        // TOKEN's verifier, worked out once (sha256sum is a process per call)
        static VERIFIER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        body["auth_verifier"] = VERIFIER.get_or_init(|| sha256_hex(TOKEN)).clone().into();
    }
    let resp = c.post(r.url("/api/shares")).json(&body).send().unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let v: Value = resp.json().unwrap();
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 22, "128-bit id in base64url");
    let secret = v["owner_secret"].as_str().unwrap().to_string();
    assert_eq!(secret.len(), 43, "256-bit secret in base64url");
    assert!(v["expires_at"].as_i64().unwrap() > 0);
    Share {
        id,
        secret,
        token: TOKEN.into(),
    }
}

fn put(c: &Client, r: &Relay, s: &Share, what: &str, body: Vec<u8>) -> Response {
    c.put(r.url(&format!("/api/shares/{}/{what}", s.id)))
        .bearer_auth(&s.secret)
        .body(body)
        .send()
        .unwrap()
}

fn owner_get(c: &Client, r: &Relay, s: &Share, what: &str) -> Response {
    c.get(r.url(&format!("/api/shares/{}/{what}", s.id)))
        .bearer_auth(&s.secret)
        .send()
        .unwrap()
}

fn finalize(c: &Client, r: &Relay, s: &Share, n: u32) -> Response {
    c.post(r.url(&format!("/api/shares/{}/finalize", s.id)))
        .bearer_auth(&s.secret)
        .json(&json!({ "chunks": n }))
        .send()
        .unwrap()
}

/// A recipient's GET: `token` None sends the share's own token, `Some("")` none at all.
fn fetch(c: &Client, r: &Relay, s: &Share, what: &str, token: Option<&str>) -> Response {
    let mut req = c.get(r.url(&format!("/api/shares/{}/{what}", s.id)));
    match token.unwrap_or(&s.token) {
        "" => {}
        t => req = req.header("X-Scanpass-Token", t),
    }
    req.send().unwrap()
}

/// Deterministic test bytes standing in for ciphertext.
fn blob(seed: u8, len: usize) -> Vec<u8> {
    let mut x = u32::from(seed).wrapping_mul(2654435761) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

fn stored_indexes(c: &Client, r: &Relay, s: &Share) -> Vec<(u64, u64)> {
    let resp = owner_get(c, r, s, "upload-status");
    assert_eq!(resp.status(), StatusCode::OK);
    let v: Value = resp.json().unwrap();
    v["chunks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["index"].as_u64().unwrap(), c["size"].as_u64().unwrap()))
        .collect()
}

fn upload_out_of_order_then_fetch_byte_identical(b: Backend) {
    let Some(env) = Setup::new(b) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let r = Relay::start(&env, &dir.path().join("data"), &[]);
    let c = client();
    let s = create(&c, &r, json!({}));
    // the last chunk spans several of the relay's 256 KiB file reads, the last one partial
    let chunks: Vec<Vec<u8>> = (0..4)
        .map(|i| {
            blob(
                i,
                if i == 3 {
                    3 * 256 * 1024 + 17
                } else {
                    100_000 + i as usize
                },
            )
        })
        .collect();
    let manifest = blob(99, 777);

    for i in [2usize, 0, 3] {
        let resp = put(&c, &r, &s, &format!("chunks/{i}"), chunks[i].clone());
        assert_eq!(resp.status(), StatusCode::OK);
    }
    // the same chunk again is fine
    assert_eq!(
        put(&c, &r, &s, "chunks/2", chunks[2].clone()).status(),
        StatusCode::OK
    );
    assert_eq!(
        stored_indexes(&c, &r, &s),
        vec![(0, 100_000), (2, 100_002), (3, chunks[3].len() as u64)]
    );
    // recipients see nothing before finalize; finalize refuses an incomplete share
    assert_eq!(
        fetch(&c, &r, &s, "manifest", None).status(),
        StatusCode::CONFLICT
    );
    assert_eq!(finalize(&c, &r, &s, 4).status(), StatusCode::CONFLICT);
    assert_eq!(
        put(&c, &r, &s, "chunks/1", chunks[1].clone()).status(),
        StatusCode::OK
    );
    assert_eq!(finalize(&c, &r, &s, 4).status(), StatusCode::CONFLICT); // no manifest yet
    assert_eq!(
        put(&c, &r, &s, "manifest", manifest.clone()).status(),
        StatusCode::OK
    );
    assert_eq!(finalize(&c, &r, &s, 4).status(), StatusCode::OK);
    assert_eq!(finalize(&c, &r, &s, 4).status(), StatusCode::OK); // idempotent

    // after finalize: same bytes accepted, different bytes or new chunks refused
    assert_eq!(
        put(&c, &r, &s, "chunks/1", chunks[1].clone()).status(),
        StatusCode::OK
    );
    assert_eq!(
        put(&c, &r, &s, "chunks/1", blob(7, 10)).status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        put(&c, &r, &s, "chunks/4", blob(7, 10)).status(),
        StatusCode::CONFLICT
    );

    let m = fetch(&c, &r, &s, "manifest", None);
    assert_eq!(m.status(), StatusCode::OK);
    assert_eq!(
        m.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
    assert_eq!(m.bytes().unwrap().to_vec(), manifest);
    for (i, want) in chunks.iter().enumerate() {
        let got = fetch(&c, &r, &s, &format!("chunks/{i}"), None);
        assert_eq!(got.status(), StatusCode::OK);
        assert_eq!(&got.bytes().unwrap().to_vec(), want, "chunk {i}");
    }
    assert_eq!(
        fetch(&c, &r, &s, "chunks/4", None).status(),
        StatusCode::NOT_FOUND
    );

    // the access log: one manifest and four chunk fetches, times and kinds only
    let v: Value = owner_get(&c, &r, &s, "access-log").json().unwrap();
    let kinds: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["manifest", "chunk", "chunk", "chunk", "chunk"]);
    assert!(!v.to_string().contains("127.0.0.1"));

    // the logs hold neither the id, nor the secret, nor the client's address
    let logs = r.logs();
    assert!(logs.contains("share finalized"), "{logs}");
    assert!(!logs.contains(&s.id) && !logs.contains(&s.secret));
    // (the S3 server's address may appear: the HTTP client's debug log names where it connects)
    let s3_server =
        r.s3.as_ref()
            .map(|s3| s3.endpoint.trim_start_matches("http://"));
    for line in logs.lines().filter(|l| l.contains("127.0.0.1")) {
        assert!(
            line.contains("listening") || s3_server.is_some_and(|a| line.contains(a)),
            "a client address in the logs: {line}"
        );
    }
}

fn owner_routes_need_the_owner_secret(b: Backend) {
    let Some(env) = Setup::new(b) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let r = Relay::start(&env, &dir.path().join("data"), &[]);
    let c = client();
    let s = create(&c, &r, json!({}));
    let wrong = Share {
        id: s.id.clone(),
        secret: create(&c, &r, json!({})).secret,
        token: TOKEN.into(),
    };
    assert_eq!(
        put(&c, &r, &wrong, "chunks/0", blob(1, 10)).status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        owner_get(&c, &r, &wrong, "upload-status").status(),
        StatusCode::FORBIDDEN
    );
    let no_auth = c
        .put(r.url(&format!("/api/shares/{}/chunks/0", s.id)))
        .body(vec![1, 2, 3])
        .send()
        .unwrap();
    assert_eq!(no_auth.status(), StatusCode::UNAUTHORIZED);
    let revoke = c
        .delete(r.url(&format!("/api/shares/{}", s.id)))
        .bearer_auth(&wrong.secret)
        .send()
        .unwrap();
    assert_eq!(revoke.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        put(&c, &r, &s, "chunks/0", blob(1, 10)).status(),
        StatusCode::OK
    );
}

fn revoke_deletes_every_object_and_leaves_410(b: Backend) {
    let Some(env) = Setup::new(b) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let r = Relay::start(&env, &dir.path().join("data"), &[]);
    let c = client();
    let s = create(&c, &r, json!({}));
    let other = create(&c, &r, json!({}));
    for i in 0..3 {
        assert_eq!(
            put(&c, &r, &s, &format!("chunks/{i}"), blob(i, 5000)).status(),
            StatusCode::OK
        );
    }
    put(&c, &r, &s, "manifest", blob(9, 100));
    put(&c, &r, &other, "chunks/0", blob(3, 100));
    assert_eq!(finalize(&c, &r, &s, 3).status(), StatusCode::OK);
    assert_eq!(r.files_of(&s.id).len(), 4);

    let resp = c
        .delete(r.url(&format!("/api/shares/{}", s.id)))
        .bearer_auth(&s.secret)
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(r.files_of(&s.id), Vec::<String>::new());
    if r.s3.is_none() {
        assert!(
            !r.data.join("objects/shares").join(&s.id).exists(),
            "empty folders removed"
        );
    }
    assert_eq!(r.files_of(&other.id).len(), 1, "other shares untouched");
    for what in ["manifest", "chunks/0"] {
        assert_eq!(fetch(&c, &r, &s, what, None).status(), StatusCode::GONE);
    }
    assert_eq!(
        owner_get(&c, &r, &s, "upload-status").status(),
        StatusCode::GONE
    );
    assert_eq!(
        put(&c, &r, &s, "chunks/0", blob(1, 10)).status(),
        StatusCode::GONE
    );
}

fn expired_shares_answer_410_and_are_swept(b: Backend) {
    let Some(env) = Setup::new(b) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let r = Relay::start(
        &env,
        &dir.path().join("data"),
        &["--sweep-interval-secs", "1"],
    );
    let c = client();
    let too_long = c
        .post(r.url("/api/shares"))
        .json(&json!({ "expires_in_secs": 31 * 86400 + 1 }))
        .send()
        .unwrap();
    assert_eq!(too_long.status(), StatusCode::BAD_REQUEST);
    // expiry has one-second resolution: a 1 s share may expire at once, so it gets no upload;
    // the 3 s one is there to watch the sweep delete stored objects
    let quick = create(&c, &r, json!({ "expires_in_secs": 1 }));
    let s = create(&c, &r, json!({ "expires_in_secs": 3 }));
    assert_eq!(
        put(&c, &r, &s, "chunks/0", blob(1, 1000)).status(),
        StatusCode::OK
    );
    assert_eq!(r.files_of(&s.id).len(), 1);
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        fetch(&c, &r, &quick, "manifest", None).status(),
        StatusCode::GONE
    );
    assert_eq!(
        owner_get(&c, &r, &quick, "upload-status").status(),
        StatusCode::GONE
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        fetch(&c, &r, &s, "manifest", None).status(),
        StatusCode::GONE
    );
    assert_eq!(
        put(&c, &r, &s, "chunks/1", blob(1, 10)).status(),
        StatusCode::GONE
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while !r.files_of(&s.id).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(
        r.files_of(&s.id),
        Vec::<String>::new(),
        "the sweep deleted the objects"
    );
}

fn unknown_ids_404_then_429(b: Backend) {
    let Some(env) = Setup::new(b) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let r = Relay::start(
        &env,
        &dir.path().join("data"),
        &["--fail-burst", "10", "--fail-refill-per-min", "1"],
    );
    let c = client();
    let mut statuses = Vec::new();
    for i in 0..15u8 {
        let id = base64_16(i);
        let resp = c
            .get(r.url(&format!("/api/shares/{id}/manifest")))
            .send()
            .unwrap();
        statuses.push(resp.status());
    }
    assert!(
        statuses[..10].iter().all(|s| *s == StatusCode::NOT_FOUND),
        "{statuses:?}"
    );
    assert!(
        statuses[10..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // malformed ids are unknown too; and a limited client is refused even for good requests
    let resp = c
        .post(r.url("/api/shares"))
        .json(&json!({}))
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
}

fn base64_16(seed: u8) -> String {
    // 22 base64url characters decode to 16 bytes: a well-formed id no share has
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    blob(seed, 21)
        .iter()
        .map(|b| alphabet[(*b % 64) as usize] as char)
        .chain(std::iter::once('A'))
        .collect()
}

fn wrong_tokens_lock_the_share(b: Backend) {
    let Some(env) = Setup::new(b) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let r = Relay::start(&env, &dir.path().join("data"), &[]);
    let c = client();
    let token = "00112233445566778899aabbccddeeff";
    let verifier = sha256_hex(token);
    let s = create(&c, &r, json!({ "auth_verifier": verifier }));
    put(&c, &r, &s, "chunks/0", blob(1, 100));
    put(&c, &r, &s, "manifest", blob(2, 100));
    assert_eq!(finalize(&c, &r, &s, 1).status(), StatusCode::OK);

    assert_eq!(
        fetch(&c, &r, &s, "manifest", Some("")).status(),
        StatusCode::UNAUTHORIZED
    );
    let good = fetch(&c, &r, &s, "manifest", Some(token));
    assert_eq!(good.status(), StatusCode::OK);
    assert_eq!(good.bytes().unwrap().to_vec(), blob(2, 100));
    for _ in 0..4 {
        assert_eq!(
            fetch(&c, &r, &s, "chunks/0", Some("deadbeef")).status(),
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        fetch(&c, &r, &s, "chunks/0", Some("deadbeef")).status(),
        StatusCode::LOCKED
    );
    // locked for everyone now, the right token too
    assert_eq!(
        fetch(&c, &r, &s, "manifest", Some(token)).status(),
        StatusCode::LOCKED
    );
    let v: Value = owner_get(&c, &r, &s, "access-log").json().unwrap();
    let kinds: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["manifest", "denied", "denied", "denied", "denied", "denied", "locked"]
    );
    assert!(!r.logs().contains(token));
}

/// `n` GETs of `url` sent at once (one thread each, released together), each with the token
/// `token(i)`; their statuses in order.
fn burst(url: &str, n: usize, token: impl Fn(usize) -> Option<String>) -> Vec<u16> {
    let c = client();
    let gate = std::sync::Arc::new(std::sync::Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|i| {
            let (c, gate, url, token) = (c.clone(), gate.clone(), url.to_string(), token(i));
            std::thread::spawn(move || {
                let mut req = c.get(url);
                if let Some(t) = token {
                    req = req.header("X-Scanpass-Token", t);
                }
                gate.wait();
                req.send().unwrap().status().as_u16()
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

fn events_of(c: &Client, r: &Relay, s: &Share) -> Vec<String> {
    let v: Value = owner_get(c, r, s, "access-log").json().unwrap();
    v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap().to_string())
        .collect()
}

/// Issue 15, point 1: tokens for every passcode worked out offline and sent at once. Each attempt
/// is counted before its token is compared, so no more than the limit (5) is ever compared, and
/// the right token that follows finds the share locked.
fn parallel_wrong_tokens_never_exceed_the_limit(b: Backend) {
    let Some(env) = Setup::new(b) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // a generous per-IP budget: the share's own limit is what is tested here
    let r = Relay::start(&env, &dir.path().join("data"), &["--fail-burst", "10000"]);
    let c = client();
    let s = create(&c, &r, json!({}));
    put(&c, &r, &s, "chunks/0", blob(1, 100));
    put(&c, &r, &s, "manifest", blob(2, 100));
    assert_eq!(finalize(&c, &r, &s, 1).status(), StatusCode::OK);

    let url = r.url(&format!("/api/shares/{}/manifest", s.id));
    let statuses = burst(&url, 200, |i| Some(format!("{:032x}", i + 1)));
    let compared_wrong = statuses.iter().filter(|&&st| st == 403).count();
    assert!(
        statuses.iter().all(|st| [403, 423].contains(st)),
        "{statuses:?}"
    );
    let denied = events_of(&c, &r, &s)
        .iter()
        .filter(|e| *e == "denied")
        .count();
    assert!(
        denied <= 5 && compared_wrong < 5,
        "{denied} wrong tokens compared (at most 5 allowed), {compared_wrong} answered 403"
    );
    assert_eq!(
        fetch(&c, &r, &s, "manifest", None).status(),
        StatusCode::LOCKED,
        "the right token after the burst"
    );
}

/// Issue 15, point 1: the per-IP failure budget is spent before a request runs, so a burst of
/// unknown ids gets no more than the budget answered.
fn parallel_failures_never_exceed_the_ip_budget(b: Backend) {
    let Some(env) = Setup::new(b) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let r = Relay::start(
        &env,
        &dir.path().join("data"),
        &["--fail-burst", "10", "--fail-refill-per-min", "1"],
    );
    let url = r.url(&format!("/api/shares/{}/manifest", base64_16(7)));
    let statuses = burst(&url, 100, |_| None);
    let answered = statuses.iter().filter(|&&st| st == 404).count();
    assert!(
        statuses.iter().all(|st| [404, 429].contains(st)),
        "{statuses:?}"
    );
    assert!(answered <= 10, "{answered} unknown-id lookups answered");
}

/// Issue 15, point 2: a share whose verifier was never set (the sender died between create and
/// set-verifier) cannot be finalized, so it is never served to whoever knows its id.
fn no_share_is_finalized_without_a_verifier(b: Backend) {
    let Some(env) = Setup::new(b) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let r = Relay::start(&env, &dir.path().join("data"), &[]);
    let c = client();
    let resp = c
        .post(r.url("/api/shares"))
        .json(&json!({}))
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let v: Value = resp.json().unwrap();
    let s = Share {
        id: v["id"].as_str().unwrap().into(),
        secret: v["owner_secret"].as_str().unwrap().into(),
        token: String::new(),
    };
    put(&c, &r, &s, "chunks/0", blob(1, 100));
    put(&c, &r, &s, "manifest", blob(2, 100));
    let status: Value = owner_get(&c, &r, &s, "upload-status").json().unwrap();
    assert_eq!(status["has_verifier"], false, "{status}");
    let refused = finalize(&c, &r, &s, 1);
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(refused.json().unwrap()["error"], "no_verifier");
    assert_eq!(
        fetch(&c, &r, &s, "manifest", Some("")).status(),
        StatusCode::CONFLICT,
        "not served"
    );
    // resumed: the verifier set again, then finalized; served only with the token
    let set = c
        .put(r.url(&format!("/api/shares/{}/auth-verifier", s.id)))
        .bearer_auth(&s.secret)
        .json(&json!({ "auth_verifier": sha256_hex(TOKEN) }))
        .send()
        .unwrap();
    assert_eq!(set.status(), StatusCode::NO_CONTENT);
    assert_eq!(finalize(&c, &r, &s, 1).status(), StatusCode::OK);
    assert_eq!(
        fetch(&c, &r, &s, "manifest", Some("")).status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        fetch(&c, &r, &s, "manifest", Some(TOKEN)).status(),
        StatusCode::OK
    );
}

/// Issue 15, point 6: only passcode shares lock, for a time that doubles at each lock, and the
/// owner can lift a lock; a share whose token comes from the link key alone never locks, so
/// whoever learns its id cannot shut it.
fn locks_back_off_only_passcode_shares_and_the_owner_lifts_them(b: Backend) {
    let Some(env) = Setup::new(b) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let r = Relay::start(
        &env,
        &dir.path().join("data"),
        &["--lock-base-secs", "2", "--fail-burst", "1000"],
    );
    let c = client();
    let finished = |body: Value| {
        let s = create(&c, &r, body);
        put(&c, &r, &s, "chunks/0", blob(1, 100));
        put(&c, &r, &s, "manifest", blob(2, 100));
        assert_eq!(finalize(&c, &r, &s, 1).status(), StatusCode::OK);
        s
    };
    let wrong_five = |s: &Share| -> Vec<u16> {
        (0..5)
            .map(|_| fetch(&c, &r, s, "manifest", Some("beef")).status().as_u16())
            .collect()
    };
    let retry_after = |resp: Response| -> u64 {
        let header: u64 = resp.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        let body: Value = resp.json().unwrap();
        assert_eq!(body["retry_after"].as_u64(), Some(header));
        header
    };

    let s = finished(json!({}));
    assert_eq!(wrong_five(&s), [403, 403, 403, 403, 423]);
    let locked = fetch(&c, &r, &s, "manifest", None);
    assert_eq!(locked.status(), StatusCode::LOCKED);
    assert!(
        (1..=2).contains(&retry_after(locked)),
        "the first lock: 2 s"
    );
    let v: Value = owner_get(&c, &r, &s, "upload-status").json().unwrap();
    assert_eq!(
        (v["locked"].as_bool(), v["passcode"].as_bool()),
        (Some(true), Some(true))
    );
    std::thread::sleep(Duration::from_millis(2100));
    assert_eq!(
        fetch(&c, &r, &s, "manifest", None).status(),
        StatusCode::OK,
        "the lock ran out: the right passcode opens it"
    );
    assert_eq!(wrong_five(&s), [403, 403, 403, 403, 423], "a fresh window");
    let again = fetch(&c, &r, &s, "manifest", None);
    assert!(
        (3..=4).contains(&retry_after(again)),
        "the second lock: twice as long"
    );
    let lifted = c
        .post(r.url(&format!("/api/shares/{}/unlock", s.id)))
        .bearer_auth(&s.secret)
        .send()
        .unwrap();
    assert_eq!(lifted.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        fetch(&c, &r, &s, "manifest", None).status(),
        StatusCode::OK,
        "the owner lifted the lock"
    );
    let stranger = c
        .post(r.url(&format!("/api/shares/{}/unlock", s.id)))
        .send()
        .unwrap();
    assert_eq!(stranger.status(), StatusCode::UNAUTHORIZED);

    // a share without a passcode: wrong tokens are refused, never counted, never lock it
    let open = finished(json!({ "passcode": false }));
    for _ in 0..20 {
        let resp = fetch(&c, &r, &open, "manifest", Some("beef"));
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        let body: Value = resp.json().unwrap();
        assert_eq!(body["error"], "token_wrong");
        assert!(body.get("attempts_left").is_none(), "{body}");
    }
    assert_eq!(
        fetch(&c, &r, &open, "manifest", None).status(),
        StatusCode::OK
    );
    let v: Value = owner_get(&c, &r, &open, "upload-status").json().unwrap();
    assert_eq!(
        (v["locked"].as_bool(), v["passcode"].as_bool()),
        (Some(false), Some(false))
    );
}

/// A recipient fetching many chunks of a passcode share in parallel (more than the attempt
/// limit at once) is served every one: attempts being compared hold the others back briefly,
/// never refuse them.
fn parallel_right_tokens_are_all_served(b: Backend) {
    let Some(env) = Setup::new(b) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let r = Relay::start(&env, &dir.path().join("data"), &[]);
    let c = client();
    let s = create(&c, &r, json!({}));
    for i in 0..4 {
        put(&c, &r, &s, &format!("chunks/{i}"), blob(i, 1000));
    }
    put(&c, &r, &s, "manifest", blob(9, 100));
    assert_eq!(finalize(&c, &r, &s, 4).status(), StatusCode::OK);
    let url = r.url(&format!("/api/shares/{}/chunks/2", s.id));
    let statuses = burst(&url, 24, |_| Some(TOKEN.to_string()));
    assert!(statuses.iter().all(|&st| st == 200), "{statuses:?}");
    assert!(!events_of(&c, &r, &s).iter().any(|e| e == "denied"));
}

fn sha256_hex(token_hex: &str) -> String {
    // The verifier is SHA-256 over the token's bytes. Computed with coreutils, not our code.
    let bytes: Vec<u8> = (0..token_hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&token_hex[i..i + 2], 16).unwrap())
        .collect();
    let mut child = Command::new("sha256sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

fn max_downloads_then_410(b: Backend) {
    let Some(env) = Setup::new(b) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let r = Relay::start(&env, &dir.path().join("data"), &[]);
    let c = client();
    let s = create(&c, &r, json!({ "max_downloads": 2 }));
    put(&c, &r, &s, "chunks/0", blob(1, 100));
    put(&c, &r, &s, "manifest", blob(2, 100));
    assert_eq!(finalize(&c, &r, &s, 1).status(), StatusCode::OK);
    // HEAD checks access without spending a download
    let head = c
        .head(r.url(&format!("/api/shares/{}/manifest", s.id)))
        .header("X-Scanpass-Token", TOKEN)
        .send()
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    for _ in 0..2 {
        assert_eq!(fetch(&c, &r, &s, "manifest", None).status(), StatusCode::OK);
        assert_eq!(fetch(&c, &r, &s, "chunks/0", None).status(), StatusCode::OK);
    }
    assert_eq!(
        fetch(&c, &r, &s, "manifest", None).status(),
        StatusCode::GONE
    );
    let v: Value = owner_get(&c, &r, &s, "upload-status").json().unwrap();
    assert_eq!(v["downloads"], 2);
}

/// Issue 15, point 13: a share whose last allowed download began is deleted once that download
/// had its grace to finish, not kept until it expires.
fn spent_shares_are_deleted_after_the_grace(b: Backend) {
    let Some(env) = Setup::new(b) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let r = Relay::start(
        &env,
        &dir.path().join("data"),
        &["--sweep-interval-secs", "1", "--download-grace-secs", "1"],
    );
    let c = client();
    let s = create(&c, &r, json!({ "max_downloads": 1 }));
    put(&c, &r, &s, "chunks/0", blob(1, 100));
    put(&c, &r, &s, "manifest", blob(2, 100));
    assert_eq!(finalize(&c, &r, &s, 1).status(), StatusCode::OK);
    assert_eq!(r.files_of(&s.id).len(), 2);
    assert_eq!(fetch(&c, &r, &s, "manifest", None).status(), StatusCode::OK);
    assert_eq!(fetch(&c, &r, &s, "chunks/0", None).status(), StatusCode::OK);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !r.files_of(&s.id).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(r.files_of(&s.id), Vec::<String>::new(), "spent: deleted");
    assert_eq!(
        fetch(&c, &r, &s, "chunks/0", None).status(),
        StatusCode::GONE
    );
}

fn size_limits_answer_413(b: Backend) {
    let Some(env) = Setup::new(b) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let r = Relay::start(
        &env,
        &dir.path().join("data"),
        &["--max-chunk-size", "1000", "--max-share-size", "2500"],
    );
    let c = client();
    let s = create(&c, &r, json!({}));
    assert_eq!(
        put(&c, &r, &s, "chunks/0", blob(1, 1001)).status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );
    // without a Content-Length (chunked transfer), the limit holds while reading
    let chunked = c
        .put(r.url(&format!("/api/shares/{}/chunks/0", s.id)))
        .bearer_auth(&s.secret)
        .body(Body::new(std::io::Cursor::new(blob(1, 5000))))
        .send()
        .unwrap();
    assert_eq!(chunked.status(), StatusCode::PAYLOAD_TOO_LARGE);
    for i in 0..2 {
        assert_eq!(
            put(&c, &r, &s, &format!("chunks/{i}"), blob(1, 1000)).status(),
            StatusCode::OK
        );
    }
    assert_eq!(
        put(&c, &r, &s, "chunks/2", blob(1, 1000)).status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );
    // replacing a chunk counts its new size only
    assert_eq!(
        put(&c, &r, &s, "chunks/1", blob(2, 900)).status(),
        StatusCode::OK
    );
    let big = c
        .post(r.url("/api/shares"))
        .json(&json!({ "size_quota": 2501 }))
        .send()
        .unwrap();
    assert_eq!(big.status(), StatusCode::BAD_REQUEST);
}

fn cors_and_security_headers(b: Backend) {
    let Some(env) = Setup::new(b) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let r = Relay::start(&env, &dir.path().join("data"), &[]);
    let c = client();
    let pre = c
        .request(reqwest::Method::OPTIONS, r.url("/api/shares/x/manifest"))
        .header("Origin", "https://viewer.example")
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "x-scanpass-token")
        .send()
        .unwrap();
    assert!(pre.status().is_success(), "{}", pre.status());
    assert_eq!(pre.headers()["access-control-allow-origin"], "*");
    // the viewer on its own origin reads a share: GET with the token header, CORS allowed
    let s = create(&c, &r, json!({}));
    let keys = scanpass_core::share::Link::new(&r.base, &s.id)
        .unwrap()
        .keys(None);
    let set = c
        .put(r.url(&format!("/api/shares/{}/auth-verifier", s.id)))
        .bearer_auth(&s.secret)
        .json(&json!({ "auth_verifier": keys.verifier() }))
        .send()
        .unwrap();
    assert_eq!(set.status(), StatusCode::NO_CONTENT);
    put(&c, &r, &s, "chunks/0", blob(1, 100));
    put(&c, &r, &s, "manifest", blob(2, 100));
    assert_eq!(finalize(&c, &r, &s, 1).status(), StatusCode::OK);
    let m = c
        .get(r.url(&format!("/api/shares/{}/manifest", s.id)))
        .header("Origin", "https://viewer.example")
        .header("X-Scanpass-Token", keys.token_hex().as_str())
        .send()
        .unwrap();
    assert_eq!(m.status(), StatusCode::OK);
    assert_eq!(m.headers()["access-control-allow-origin"], "*");
    // every answer, API or not, success or refusal, carries what a security scanner expects
    let page = c.get(r.url("/s/abc")).send().unwrap();
    let answers = [
        ("preflight", pre),
        ("manifest", m),
        ("/s/ page", page),
        ("404", c.get(r.url("/nothing")).send().unwrap()),
        ("healthz", c.get(r.url("/healthz")).send().unwrap()),
        (
            "create",
            c.post(r.url("/api/shares"))
                .json(&json!({}))
                .send()
                .unwrap(),
        ),
    ];
    for (what, resp) in &answers {
        let h = resp.headers();
        let get = |name: &str| {
            h.get(name)
                .unwrap_or_else(|| panic!("{what}: no {name}"))
                .to_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(
            get("strict-transport-security"),
            "max-age=63072000; includeSubDomains",
            "{what}"
        );
        assert_eq!(get("x-frame-options"), "DENY", "{what}");
        assert_eq!(get("cross-origin-opener-policy"), "same-origin", "{what}");
        assert_eq!(
            get("cross-origin-resource-policy"),
            "cross-origin",
            "{what}"
        );
        let pp = get("permissions-policy");
        for feature in ["camera=()", "microphone=()", "geolocation=()", "usb=()"] {
            assert!(pp.contains(feature), "{what}: {feature} not denied in {pp}");
        }
        assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
        assert_eq!(get("referrer-policy"), "no-referrer", "{what}");
        assert_eq!(get("cache-control"), "no-store", "{what}");
        let csp = get("content-security-policy");
        assert!(
            csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
            "{what}: {csp}"
        );
    }
    // the /s/ page of an old link: no script, and says to ask for a new link
    let (_, page) = answers.into_iter().nth(2).unwrap();
    assert_eq!(page.status(), StatusCode::GONE);
    let text = page.text().unwrap();
    assert!(!text.to_ascii_lowercase().contains("<script") && text.contains("new one"));

    drop(r);
    let r = Relay::start(
        &env,
        &dir.path().join("data2"),
        &["--cors-origins", "https://a.example"],
    );
    let pre = c
        .request(reqwest::Method::OPTIONS, r.url("/api/shares/x/manifest"))
        .header("Origin", "https://b.example")
        .header("Access-Control-Request-Method", "GET")
        .send()
        .unwrap();
    assert!(pre.headers().get("access-control-allow-origin").is_none());
}

fn sigkill_mid_upload_then_resume(b: Backend) {
    let Some(env) = Setup::new(b) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut r = Relay::start(&env, &data, &[]);
    let c = client();
    let s = create(&c, &r, json!({}));
    let chunks: Vec<Vec<u8>> = (0..5).map(|i| blob(i, 300_000)).collect();
    for i in [0usize, 3] {
        assert_eq!(
            put(&c, &r, &s, &format!("chunks/{i}"), chunks[i].clone()).status(),
            StatusCode::OK
        );
    }
    // chunk 1 arrives slowly: half of it, then the relay dies
    struct Slow(Vec<u8>, usize);
    impl Read for Slow {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.1 >= self.0.len() / 2 {
                std::thread::sleep(Duration::from_secs(3));
            }
            let n = buf.len().min(self.0.len() - self.1).min(16 * 1024);
            buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
            self.1 += n;
            Ok(n)
        }
    }
    let url = r.url(&format!("/api/shares/{}/chunks/1", s.id));
    let (secret, body) = (s.secret.clone(), chunks[1].clone());
    let uploader = std::thread::spawn(move || {
        client()
            .put(url)
            .bearer_auth(secret)
            .body(Body::new(Slow(body, 0)))
            .send()
    });
    std::thread::sleep(Duration::from_millis(800));
    r.kill();
    assert!(uploader.join().unwrap().is_err(), "the upload was cut");

    let r = Relay::start(&env, &data, &[]);
    assert_eq!(stored_indexes(&c, &r, &s), vec![(0, 300_000), (3, 300_000)]);
    for i in [1usize, 2, 4] {
        assert_eq!(
            put(&c, &r, &s, &format!("chunks/{i}"), chunks[i].clone()).status(),
            StatusCode::OK
        );
    }
    put(&c, &r, &s, "manifest", blob(50, 64));
    assert_eq!(finalize(&c, &r, &s, 5).status(), StatusCode::OK);
    assert_eq!(
        fetch(&c, &r, &s, "manifest", None)
            .bytes()
            .unwrap()
            .to_vec(),
        blob(50, 64)
    );
    for (i, want) in chunks.iter().enumerate() {
        let got = fetch(&c, &r, &s, &format!("chunks/{i}"), None);
        assert_eq!(&got.bytes().unwrap().to_vec(), want, "chunk {i}");
    }
}

fn sigterm_stops_gracefully(b: Backend) {
    let Some(env) = Setup::new(b) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut r = Relay::start(&env, &dir.path().join("data"), &[]);
    let pid = r.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = r.child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(Instant::now() < deadline, "still running after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(r.logs().contains("stopped"));
}

fn token_from_the_core_share_link_opens_the_share(b: Backend) {
    let Some(env) = Setup::new(b) else {
        return;
    };
    // The flow the apps will follow: create, derive keys from the id the relay chose, set the
    // verifier, upload, finalize; the recipient parses the link and derives the same token.
    let dir = tempfile::tempdir().unwrap();
    let r = Relay::start(&env, &dir.path().join("data"), &[]);
    let c = client();
    let s = create(&c, &r, json!({}));
    let link = scanpass_core::share::Link::new(&r.base, &s.id).unwrap();
    let sender = link.keys(Some("4821"));
    let set = c
        .put(r.url(&format!("/api/shares/{}/auth-verifier", s.id)))
        .bearer_auth(&s.secret)
        .json(&json!({ "auth_verifier": sender.verifier() }))
        .send()
        .unwrap();
    assert_eq!(set.status(), StatusCode::NO_CONTENT);
    put(&c, &r, &s, "chunks/0", blob(1, 100));
    put(&c, &r, &s, "manifest", blob(2, 100));
    assert_eq!(finalize(&c, &r, &s, 1).status(), StatusCode::OK);
    // after finalize the verifier is fixed
    let again = c
        .put(r.url(&format!("/api/shares/{}/auth-verifier", s.id)))
        .bearer_auth(&s.secret)
        .json(&json!({ "auth_verifier": "00".repeat(32) }))
        .send()
        .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);

    let received = scanpass_core::share::Link::parse(&link.to_url()).unwrap();
    let wrong = received.keys(Some("4822"));
    assert_eq!(
        fetch(&c, &r, &s, "manifest", Some(&wrong.token_hex())).status(),
        StatusCode::FORBIDDEN
    );
    let right = received.keys(Some("4821"));
    let m = fetch(&c, &r, &s, "manifest", Some(&right.token_hex()));
    assert_eq!(m.status(), StatusCode::OK);
    assert_eq!(m.bytes().unwrap().to_vec(), blob(2, 100));
    assert!(!r.logs().contains(right.token_hex().as_str()));
}

/// A client whose requests come from `ip` (any 127.x.y.z: each is another client to the relay).
fn client_from(ip: &str) -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder()
        .local_address(ip.parse::<std::net::IpAddr>().unwrap())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// The relay's peak resident memory (VmHWM), in MiB.
fn peak_rss_mib(r: &Relay) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", r.child.id())).unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb / 1024
}

/// Issue 15, point 5: a bounded flood on loopback (creates from one client, slow uploads from
/// one client, large uploads from many clients at once) leaves the relay answering others, with
/// its memory bounded. Local storage only: what is measured is the relay process.
#[test]
fn a_flood_of_creates_and_uploads_leaves_the_relay_answering() {
    let env = Setup::new(Backend::Local).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let r = Relay::start(
        &env,
        &dir.path().join("data"),
        &[
            "--create-burst",
            "5",
            "--fail-burst",
            "4",
            "--body-idle-timeout-secs",
            "2",
            "--max-in-flight",
            "8",
        ],
    );
    let rss_idle = peak_rss_mib(&r);
    // 1. creates from one client: 5, then 429
    let flood = client_from("127.0.0.1");
    let codes: Vec<u16> = (0..30)
        .map(|_| {
            let req = flood.post(r.url("/api/shares")).json(&json!({}));
            req.send().unwrap().status().as_u16()
        })
        .collect();
    assert_eq!(codes.iter().filter(|&&c| c == 201).count(), 5, "{codes:?}");
    assert!(codes[5..].iter().all(|&c| c == 429), "{codes:?}");

    // 2. slow uploads from one client: at most its budget (4) held, each ended by the body's
    // idle timeout; meanwhile another client is served at once
    let other = client_from("127.0.0.2");
    let s = create(&other, &r, json!({}));
    struct Stall(usize);
    impl Read for Stall {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                std::thread::sleep(Duration::from_secs(6));
                return Ok(0);
            }
            let n = buf.len().min(self.0).min(1024);
            buf[..n].fill(1);
            self.0 -= n;
            Ok(n)
        }
    }
    let slow: Vec<_> = (0..20)
        .map(|i| {
            let url = r.url(&format!("/api/shares/{}/chunks/{i}", s.id));
            let secret = s.secret.clone();
            std::thread::spawn(move || {
                let started = Instant::now();
                let resp = client_from("127.0.0.1")
                    .put(url)
                    .bearer_auth(secret)
                    .header("content-length", "2048")
                    .body(Body::new(Stall(1024)))
                    .send();
                (
                    resp.map(|r| r.status().as_u16()).unwrap_or(0),
                    started.elapsed(),
                )
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let t = Instant::now();
    let health = client_from("127.0.0.3")
        .get(r.url("/healthz"))
        .send()
        .unwrap();
    let answered_in = t.elapsed();
    assert_eq!(health.status(), StatusCode::OK);
    assert!(
        answered_in < Duration::from_secs(1),
        "{answered_in:?} during the flood"
    );
    let ends: Vec<(u16, Duration)> = slow.into_iter().map(|t| t.join().unwrap()).collect();
    // (a refused upload may also see its connection closed while it still sends: 0 here)
    let held: Vec<_> = ends
        .iter()
        .filter(|(c, _)| ![0, 429, 503].contains(c))
        .collect();
    assert!(held.len() <= 4, "{ends:?}");
    // the relay's own log says how long it held each: the body's idle timeout (2 s), not the
    // 6 s the uploads stalled
    let plain: String = {
        // the log is coloured (ANSI escapes around each field name): drop them
        let mut out = String::new();
        let mut esc = false;
        for ch in r.logs().chars() {
            match (esc, ch) {
                (false, '\u{1b}') => esc = true,
                (true, 'm') => esc = false,
                (true, _) => {}
                (false, c) => out.push(c),
            }
        }
        out
    };
    let held_ms: Vec<u64> = plain
        .lines()
        .filter(|l| l.contains("method=PUT") && l.contains("status=400"))
        .filter_map(|l| {
            l.split("ms=")
                .nth(1)?
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .collect();
    assert_eq!(held_ms.len(), held.len(), "{held_ms:?} {ends:?}");
    assert!(
        held_ms.iter().all(|&ms| (1500..5000).contains(&ms)),
        "held {held_ms:?} ms"
    );

    // 3. 4 MiB uploads from 40 clients at once: at most 8 in flight, the others 503 at once
    let shares: Vec<Share> = (0..40)
        .map(|i| create(&client_from(&format!("127.0.1.{}", i + 1)), &r, json!({})))
        .collect();
    let gate = std::sync::Arc::new(std::sync::Barrier::new(shares.len()));
    let ups: Vec<_> = shares
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (url, secret, gate) = (
                r.url(&format!("/api/shares/{}/chunks/0", s.id)),
                s.secret.clone(),
                gate.clone(),
            );
            std::thread::spawn(move || {
                let c = client_from(&format!("127.0.1.{}", i + 1));
                let req = c.put(url).bearer_auth(secret).body(blob(i as u8, 4 << 20));
                gate.wait();
                // a refused upload may see its connection closed while it still sends: 0
                req.send().map_or(0, |r| r.status().as_u16())
            })
        })
        .collect();
    let codes: Vec<u16> = ups.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(codes.iter().all(|c| [0, 200, 503].contains(c)), "{codes:?}");
    assert!(codes.contains(&200), "{codes:?}");
    let rss_peak = peak_rss_mib(&r);
    eprintln!(
        "flood: relay peak RSS {rss_peak} MiB (idle {rss_idle} MiB); 4 MiB uploads: {} stored, \
         {} refused busy",
        codes.iter().filter(|&&c| c == 200).count(),
        codes.iter().filter(|&&c| c != 200).count()
    );
    assert!(rss_peak < 256, "peak RSS {rss_peak} MiB");
    // and it still serves a whole share to someone else
    let s = create(&client_from("127.0.0.4"), &r, json!({}));
    let c = client_from("127.0.0.4");
    put(&c, &r, &s, "chunks/0", blob(1, 1000));
    put(&c, &r, &s, "manifest", blob(2, 100));
    assert_eq!(finalize(&c, &r, &s, 1).status(), StatusCode::OK);
    let got = fetch(&c, &r, &s, "chunks/0", None);
    assert_eq!(got.bytes().unwrap().to_vec(), blob(1, 1000));
}

/// Runs each named test function once per [`Backend`], as `local::NAME`, `postgres::NAME`,
/// `s3::NAME` and `postgres_s3::NAME`.
macro_rules! each_backend {
    ($($name:ident),* $(,)?) => {
        mod local {
            $(#[test] fn $name() { super::$name(super::Backend::Local) })*
        }
        mod postgres {
            $(#[test] fn $name() { super::$name(super::Backend::Postgres) })*
        }
        mod s3 {
            $(#[test] fn $name() { super::$name(super::Backend::S3) })*
        }
        mod postgres_s3 {
            $(#[test] fn $name() { super::$name(super::Backend::PostgresS3) })*
        }
    };
}

each_backend!(
    upload_out_of_order_then_fetch_byte_identical,
    owner_routes_need_the_owner_secret,
    revoke_deletes_every_object_and_leaves_410,
    expired_shares_answer_410_and_are_swept,
    unknown_ids_404_then_429,
    wrong_tokens_lock_the_share,
    max_downloads_then_410,
    size_limits_answer_413,
    cors_and_security_headers,
    sigkill_mid_upload_then_resume,
    sigterm_stops_gracefully,
    token_from_the_core_share_link_opens_the_share,
    parallel_wrong_tokens_never_exceed_the_limit,
    parallel_failures_never_exceed_the_ip_budget,
    no_share_is_finalized_without_a_verifier,
    locks_back_off_only_passcode_shares_and_the_owner_lifts_them,
    parallel_right_tokens_are_all_served,
    spent_shares_are_deleted_after_the_grace,
);

/// Several relay processes behind a load balancer: one PostgreSQL database, one bucket.
mod scaled {
    use super::*;

    fn fetch_status(c: &Client, r: &Relay, s: &Share, what: &str, token: Option<&str>) -> u16 {
        fetch(c, r, s, what, token).status().as_u16()
    }

    #[test]
    fn two_relays_serve_one_share_and_enforce_its_limits_together() {
        let Some(env) = Setup::new(Backend::PostgresS3) else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let a = Relay::start(&env, &dir.path().join("a"), &[]);
        let b = Relay::start(&env, &dir.path().join("b"), &[]);
        let relays = [&a, &b];
        let c = client();

        // created and finalized on one relay, uploaded through both (as a balancer spreads it)
        let s = create(&c, &a, json!({ "max_downloads": 3 }));
        let chunks: Vec<Vec<u8>> = (0..4).map(|i| blob(i, 50_000 + i as usize)).collect();
        for (i, chunk) in chunks.iter().enumerate() {
            let r = relays[i % 2];
            let resp = put(&c, r, &s, &format!("chunks/{i}"), chunk.clone());
            assert_eq!(resp.status(), StatusCode::OK);
        }
        assert_eq!(
            put(&c, &b, &s, "manifest", blob(9, 300)).status(),
            StatusCode::OK
        );
        assert_eq!(
            stored_indexes(&c, &a, &s),
            vec![(0, 50_000), (1, 50_001), (2, 50_002), (3, 50_003)]
        );
        assert_eq!(finalize(&c, &a, &s, 4).status(), StatusCode::OK);
        // the other relay knows it is finalized: different bytes are refused there too
        assert_eq!(
            put(&c, &b, &s, "chunks/0", blob(1, 10)).status(),
            StatusCode::CONFLICT
        );

        // served by the relay that did not create it, byte for byte
        let m = fetch(&c, &b, &s, "manifest", None);
        assert_eq!(m.status(), StatusCode::OK);
        assert_eq!(m.bytes().unwrap().to_vec(), blob(9, 300));
        for (i, want) in chunks.iter().enumerate() {
            let got = fetch(&c, relays[(i + 1) % 2], &s, &format!("chunks/{i}"), None);
            assert_eq!(got.status(), StatusCode::OK);
            assert_eq!(&got.bytes().unwrap().to_vec(), want, "chunk {i}");
        }
        // the download limit (3) is one count across both relays
        assert_eq!(fetch_status(&c, &a, &s, "manifest", None), 200);
        assert_eq!(fetch_status(&c, &b, &s, "manifest", None), 200);
        assert_eq!(fetch_status(&c, &a, &s, "manifest", None), 410);
        assert_eq!(fetch_status(&c, &b, &s, "manifest", None), 410);
        let v: Value = owner_get(&c, &b, &s, "upload-status").json().unwrap();
        assert_eq!(v["downloads"], 3);
        let v: Value = owner_get(&c, &a, &s, "access-log").json().unwrap();
        assert_eq!(
            v["events"].as_array().unwrap().len(),
            3 + 4,
            "3 manifests, 4 chunks"
        );

        // concurrent recipients on both relays: exactly max_downloads of them get the manifest
        let s2 = create(&c, &b, json!({ "max_downloads": 5 }));
        put(&c, &a, &s2, "chunks/0", blob(3, 1000));
        put(&c, &b, &s2, "manifest", blob(4, 100));
        assert_eq!(finalize(&c, &b, &s2, 1).status(), StatusCode::OK);
        let urls: Vec<String> = (0..24)
            .map(|i| relays[i % 2].url(&format!("/api/shares/{}/manifest", s2.id)))
            .collect();
        let threads: Vec<_> = urls
            .into_iter()
            .map(|url| {
                std::thread::spawn(move || {
                    let req = client().get(url).header("X-Scanpass-Token", TOKEN);
                    req.send().unwrap().status()
                })
            })
            .collect();
        let statuses: Vec<StatusCode> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
        let gone = statuses.iter().filter(|s| **s == StatusCode::GONE).count();
        assert_eq!((ok, gone), (5, 19), "{statuses:?}");

        // wrong tokens counted across relays: the fifth locks the share on both
        let token = "00112233445566778899aabbccddeeff";
        let s3 = create(&c, &a, json!({ "auth_verifier": sha256_hex(token) }));
        put(&c, &a, &s3, "chunks/0", blob(5, 100));
        put(&c, &a, &s3, "manifest", blob(6, 100));
        assert_eq!(finalize(&c, &a, &s3, 1).status(), StatusCode::OK);
        for i in 0..4 {
            assert_eq!(
                fetch_status(&c, relays[i % 2], &s3, "manifest", Some("beef")),
                403
            );
        }
        assert_eq!(fetch_status(&c, &a, &s3, "manifest", Some("beef")), 423);
        assert_eq!(fetch_status(&c, &b, &s3, "manifest", Some(token)), 423);

        // revoked through one relay: gone on the other, and its objects gone from the bucket
        assert_eq!(a.files_of(&s.id).len(), 5);
        let resp = c
            .delete(b.url(&format!("/api/shares/{}", s.id)))
            .bearer_auth(&s.secret)
            .send()
            .unwrap();
        assert_eq!(resp.status(), StatusCode::NO_CONTENT);
        assert_eq!(fetch_status(&c, &a, &s, "chunks/0", None), 410);
        assert_eq!(a.files_of(&s.id), Vec::<String>::new());
        assert_eq!(a.files_of(&s2.id).len(), 2, "other shares untouched");
        for r in relays {
            let logs = r.logs();
            assert!(!logs.contains(&s.id) && !logs.contains(&s.secret), "{logs}");
        }
    }

    /// Owner writes to one share through two relays at once stay serialised (the database's share
    /// lock, held across the object write): the object stored is the one its row describes.
    #[test]
    fn concurrent_owner_writes_through_two_relays_keep_object_and_row_together() {
        let Some(env) = Setup::new(Backend::PostgresS3) else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let a = Relay::start(&env, &dir.path().join("a"), &[]);
        let b = Relay::start(&env, &dir.path().join("b"), &[]);
        let c = client();
        let s = create(&c, &a, json!({}));
        let threads: Vec<_> = (0..16u8)
            .map(|i| {
                let r = if i % 2 == 0 { &a } else { &b };
                let url = r.url(&format!("/api/shares/{}/chunks/0", s.id));
                let secret = s.secret.clone();
                std::thread::spawn(move || {
                    let body = blob(i, 200_000);
                    client()
                        .put(url)
                        .bearer_auth(secret)
                        .body(body)
                        .send()
                        .unwrap()
                        .status()
                })
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap(), StatusCode::OK);
        }
        assert_eq!(
            put(&c, &b, &s, "manifest", blob(40, 100)).status(),
            StatusCode::OK
        );
        assert_eq!(finalize(&c, &a, &s, 1).status(), StatusCode::OK);
        let got = fetch(&c, &b, &s, "chunks/0", None);
        assert_eq!(got.status(), StatusCode::OK);
        let got = got.bytes().unwrap().to_vec();
        assert!((0..16u8).any(|i| blob(i, 200_000) == got));
        // sending the stored bytes again is the idempotent 200: the row holds their SHA-256
        assert_eq!(put(&c, &a, &s, "chunks/0", got).status(), StatusCode::OK);
    }
}
