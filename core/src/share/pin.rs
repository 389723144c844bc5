//! The browser viewer's pinned hashes, and the check that a viewer origin serves exactly them.
//!
//! The viewer is a static, versioned build on an origin of its own (ADR 8): whoever runs the
//! relay never serves the code that reads a link's key. What remains is trusting the viewer's
//! host. So the Vite build of `web/` lists the SHA-256 of every file it writes
//! (`web/dist/viewer-hashes.json`), the core embeds the list of the build it was built with
//! (`core/build.rs`), and [`check_viewer`] fetches every pinned file from a viewer's base address
//! and compares: `scanpass viewer-check [URL]`, and the apps before they make a link. A core
//! built without `web/dist` pins nothing, and says so.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

/// `web/dist/viewer-hashes.json` of the build this core was built with ("" without one).
const PINNED_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/viewer-hashes.json"));

/// The largest file the check reads (the biggest codec is about 1 MB).
const MAX_FILE: u64 = 32 << 20;

#[derive(serde::Deserialize)]
struct HashesFile {
    format: String,
    #[serde(default)]
    version: Option<String>,
    files: BTreeMap<String, String>,
}

/// The pinned viewer: its version and every file with its SHA-256 (lower-case hex), `index.html`
/// first, then by path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pins {
    pub version: Option<String>,
    pub files: Vec<(String, String)>,
}

impl Pins {
    /// Reads a `viewer-hashes.json` as the Vite build writes it.
    pub fn parse(json: &str) -> Option<Pins> {
        let h: HashesFile = serde_json::from_str(json).ok()?;
        if h.format != "scanpass-viewer-hashes" {
            return None;
        }
        let mut files: Vec<(String, String)> = h
            .files
            .into_iter()
            .filter(|(path, hash)| {
                safe_path(path) && hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit())
            })
            .map(|(p, h)| (p, h.to_ascii_lowercase()))
            .collect();
        files.sort_by_key(|(p, _)| (p != "index.html", p.clone()));
        Some(Pins {
            version: h.version,
            files,
        })
    }
}

/// The viewer build this core pins (empty when it was built without `web/dist`).
pub fn pinned() -> Pins {
    Pins::parse(PINNED_JSON).unwrap_or(Pins {
        version: None,
        files: Vec::new(),
    })
}

/// Relative paths of plain segments only, as a static host maps them to files.
fn safe_path(p: &str) -> bool {
    !p.is_empty()
        && p.split('/').all(|s| {
            !s.is_empty()
                && s != "."
                && s != ".."
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
        })
}

/// A viewer origin that serves the pinned build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewerCheck {
    /// The base address checked, ending in `/`.
    pub base: String,
    pub version: Option<String>,
    pub files: usize,
    pub bytes: u64,
}

/// Why a viewer origin is not the pinned build. Names the file, never anything of a share.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ViewerCheckError {
    #[error("no pinned viewer in this build (web/ was not built before the core)")]
    NoPins,
    #[error("{0}")]
    BadBase(String),
    #[error("the viewer at {base} cannot be reached ({file}: {reason})")]
    Unreachable {
        base: String,
        file: String,
        reason: String,
    },
    #[error("the viewer at {base} does not serve {file} (HTTP {status})")]
    Missing {
        base: String,
        file: String,
        status: u16,
    },
    #[error("{file} served by the viewer at {base} differs from the pinned build")]
    Differs { base: String, file: String },
}

/// What fetching one file gave: its bytes, an HTTP status other than 200, or a failure on the
/// way.
pub enum Fetched {
    Bytes(Vec<u8>),
    Status(u16),
    Failed(String),
}

/// Compares every pinned file, in order, with what `fetch` gives for it (the I/O-free part of
/// [`check_viewer`]); stops at the first that differs.
pub fn check_with(
    base: &str,
    pins: &Pins,
    mut fetch: impl FnMut(&str) -> Fetched,
) -> Result<ViewerCheck, ViewerCheckError> {
    if pins.files.is_empty() {
        return Err(ViewerCheckError::NoPins);
    }
    let mut bytes = 0u64;
    for (file, want) in &pins.files {
        match fetch(file) {
            Fetched::Bytes(b) => {
                if hex::encode(Sha256::digest(&b)) != *want {
                    return Err(ViewerCheckError::Differs {
                        base: base.into(),
                        file: file.clone(),
                    });
                }
                bytes += b.len() as u64;
            }
            Fetched::Status(status) => {
                return Err(ViewerCheckError::Missing {
                    base: base.into(),
                    file: file.clone(),
                    status,
                })
            }
            Fetched::Failed(reason) => {
                return Err(ViewerCheckError::Unreachable {
                    base: base.into(),
                    file: file.clone(),
                    reason,
                })
            }
        }
    }
    Ok(ViewerCheck {
        base: base.into(),
        version: pins.version.clone(),
        files: pins.files.len(),
        bytes,
    })
}

/// Fetches every file this core pins from the viewer at `viewer` (its base address, e.g.
/// `https://view.example/1.4.0/`; `None`: [`super::DEFAULT_VIEWER`], the one a share links to
/// when none is named) and compares it with the pinned SHA-256.
pub fn check_viewer(viewer: Option<&str>) -> Result<ViewerCheck, ViewerCheckError> {
    let viewer = viewer.unwrap_or(super::DEFAULT_VIEWER);
    let pins = pinned();
    if pins.files.is_empty() {
        return Err(ViewerCheckError::NoPins);
    }
    let base =
        super::link::viewer_base(viewer).map_err(|e| ViewerCheckError::BadBase(e.to_string()))?;
    let url = crate::net::check(&base).map_err(|e| ViewerCheckError::BadBase(e.to_string()))?;
    // redirects as for any link (a CDN may redirect): the bytes are what is compared
    let http = crate::net::client(crate::net::is_loopback(&url), crate::net::Redirects::Follow)
        .map_err(|e| ViewerCheckError::BadBase(format!("cannot set up TLS: {e}")))?;
    check_with(&base, &pins, |file| {
        let resp = match http.get(format!("{base}{file}")).send() {
            Ok(r) => r,
            Err(e) => return Fetched::Failed(without_url(e)),
        };
        if resp.status() != reqwest::StatusCode::OK {
            return Fetched::Status(resp.status().as_u16());
        }
        let mut body = Vec::new();
        use std::io::Read;
        match resp.take(MAX_FILE + 1).read_to_end(&mut body) {
            Ok(_) if body.len() as u64 <= MAX_FILE => Fetched::Bytes(body),
            Ok(_) => Fetched::Failed("larger than any file of the viewer".into()),
            Err(e) => Fetched::Failed(e.to_string()),
        }
    })
}

fn without_url(e: reqwest::Error) -> String {
    let e = e.without_url();
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "connection refused or no route".into()
    } else {
        e.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pins() -> Pins {
        let h = |b: &[u8]| hex::encode(Sha256::digest(b));
        Pins::parse(&format!(
            r#"{{"format":"scanpass-viewer-hashes","version":"0.1.0","files":{{
                "assets/a.js":"{}","assets/b.wasm":"{}","index.html":"{}",
                "../evil":"{}","short":"abc"}}}}"#,
            h(b"a"),
            h(b"b"),
            h(b"<html>"),
            h(b"x"),
        ))
        .unwrap()
    }

    #[test]
    fn the_pin_list_reads_index_first_and_drops_what_a_host_cannot_serve() {
        let p = pins();
        let names: Vec<&str> = p.files.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(names, ["index.html", "assets/a.js", "assets/b.wasm"]);
        assert_eq!(p.version.as_deref(), Some("0.1.0"));
        assert_eq!(Pins::parse(""), None);
        assert_eq!(Pins::parse(r#"{"format":"other","files":{}}"#), None);
    }

    #[test]
    fn the_first_file_that_differs_is_named() {
        let p = pins();
        fn served(changed: Option<&'static str>) -> impl Fn(&str) -> Fetched {
            move |f: &str| {
                let mut b = match f {
                    "index.html" => b"<html>".to_vec(),
                    "assets/a.js" => b"a".to_vec(),
                    "assets/b.wasm" => b"b".to_vec(),
                    _ => return Fetched::Status(404),
                };
                if changed == Some(f) {
                    b[0] ^= 1;
                }
                Fetched::Bytes(b)
            }
        }
        let ok = check_with("http://127.0.0.1:1/", &p, served(None)).unwrap();
        assert_eq!((ok.files, ok.bytes), (3, 8));
        let e = check_with("http://127.0.0.1:1/", &p, served(Some("assets/b.wasm"))).unwrap_err();
        assert_eq!(
            e,
            ViewerCheckError::Differs {
                base: "http://127.0.0.1:1/".into(),
                file: "assets/b.wasm".into()
            }
        );
        assert!(e.to_string().contains("assets/b.wasm"));
        let e = check_with("b/", &p, |f| {
            if f == "assets/a.js" {
                Fetched::Status(404)
            } else {
                served(None)(f)
            }
        })
        .unwrap_err();
        assert!(
            matches!(e, ViewerCheckError::Missing { ref file, status: 404, .. } if file == "assets/a.js")
        );
        let none = Pins {
            version: None,
            files: vec![],
        };
        assert_eq!(
            check_with("b/", &none, |_| Fetched::Status(200)),
            Err(ViewerCheckError::NoPins)
        );
        assert!(ViewerCheckError::NoPins
            .to_string()
            .contains("no pinned viewer in this build"));
    }
}
