//! Provider links as import sources: (a) a DICOMweb WADO-RS study URL (`.../studies/<uid>`,
//! optionally narrowed to a series or instance), fetched as `multipart/related;
//! type="application/dicom"`, one DICOM instance a part; (b) a link to a zip (or to one DICOM
//! file). Which one is decided by the response's Content-Type (and, for (b), by the bytes).
//!
//! The response is streamed to a temporary file in the vault's folder, encrypted as it arrives
//! under a key held only in memory ([`crate::vault::scratch`]; size-capped at [`MAX_DOWNLOAD`],
//! cancellable between chunks), then indexed in place: memory holds one part or one zip entry at a
//! time. Where a link may go (https, or http to this device; public addresses only; which
//! redirects are followed) and the client's timeouts are [`crate::net`]'s rules.
//!
//! Errors ([`Error::Network`]) say what went wrong in words and never carry the link (its path
//! names the study by UID) or the bearer token; both are scrubbed from library messages too.

use std::io::BufReader;
use std::sync::Arc;

use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::Url;

use super::multipart;
use super::scan::{Candidate, Context, Found, Origin, MAX_FILE};
use super::zip::{self as archive, Archive, Budget};
use super::FileError;
use crate::dicom::ByteSource;
use crate::error::{one_line, Error, Result};
use crate::net::{check, client, is_loopback, Redirects};
use crate::vault::scratch::{self as tmp, CopyError, SourceReader, Span, TempFile, TempWriter};

/// Largest response downloaded.
pub const MAX_DOWNLOAD: u64 = 16 << 30;
/// What a WADO-RS retrieve asks for.
pub const DICOM_ACCEPT: &str = "multipart/related; type=\"application/dicom\"";
const OTHER_ACCEPT: &str = "application/zip, application/dicom;q=0.9, */*;q=0.5";
/// How downloaded things are named in reports (never the link: it may carry a UID).
const DISPLAY: &str = "link";

/// Whether a link looks like a WADO-RS retrieve: `.../studies/<uid>` (then optionally
/// `/series/<uid>` and `/instances/<uid>`), nothing after.
pub fn is_dicomweb(u: &Url) -> bool {
    let Some(segs) = u.path_segments() else {
        return false;
    };
    let segs: Vec<&str> = segs.filter(|s| !s.is_empty()).collect();
    let n = segs.len();
    let pair = |i: usize, name: &str| n >= i + 2 && segs[n - i - 2].eq_ignore_ascii_case(name);
    pair(0, "studies")
        || (pair(0, "series") && pair(2, "studies"))
        || (pair(0, "instances") && pair(2, "series") && pair(4, "studies"))
}

/// Fetch `url` and add what it holds to `found`.
pub fn expand(
    url: &str,
    bearer: Option<&str>,
    ctx: &Context,
    budget: &mut Budget,
    found: &mut Found,
) -> Result<()> {
    let u = check(url)?;
    let secrets = Secrets::new(url, &u, bearer);
    let client = client(is_loopback(&u), Redirects::Follow)
        .map_err(|e| secrets.error("cannot set up HTTP", e.as_ref()))?;
    let mut req = client.get(u.clone()).header(
        ACCEPT,
        if is_dicomweb(&u) {
            DICOM_ACCEPT
        } else {
            OTHER_ACCEPT
        },
    );
    if let Some(token) = bearer {
        let mut v = HeaderValue::from_str(&format!("Bearer {}", token.trim())).map_err(|_| {
            Error::Network("the access token holds characters a request cannot carry".into())
        })?;
        v.set_sensitive(true);
        req = req.header(AUTHORIZATION, v);
    }
    if ctx.cancel.is_cancelled() {
        return Err(Error::Cancelled);
    }
    let mut resp = req.send().map_err(|e| secrets.reqwest(&e))?;
    let status = resp.status();
    if !status.is_success() {
        let hint = match status.as_u16() {
            401 | 403 => ": the link or its access token was refused (it may have expired)",
            404 | 410 => ": nothing there (the link may have expired)",
            406 | 415 => ": the server cannot send the images in this form",
            _ => "",
        };
        return Err(Error::Network(format!(
            "the server answered {status}{hint}"
        )));
    }
    let content_type = resp
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let declared = resp
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_DOWNLOAD) {
        return Err(too_large());
    }

    // encrypted as it arrives, under a key only this process holds (see `tmp`)
    let mut file = TempWriter::create(&ctx.tmp)?;
    let got = tmp::copy_capped(&mut resp, &mut file, MAX_DOWNLOAD, ctx.cancel);
    match got {
        Ok(n) if declared.is_some_and(|d| d != n) => {
            return Err(Error::Network(
                "the download broke off before its end".into(),
            ))
        }
        Ok(_) => {}
        Err(CopyError::TooLarge) => return Err(too_large()),
        Err(CopyError::Cancelled) => return Err(Error::Cancelled),
        Err(CopyError::Read(e)) => {
            return Err(secrets.error("the download broke off", &e));
        }
        Err(CopyError::Write(source)) => {
            return Err(Error::Io {
                what: "a temporary file",
                source,
            })
        }
    }
    drop(resp);
    let temp = file.finish()?;

    if multipart::is_multipart(&content_type) {
        return add_parts(Arc::new(temp), &content_type, found);
    }
    let mut head = vec![0u8; temp.len().min(132) as usize];
    temp.read_at(0, &mut head).map_err(|source| Error::Io {
        what: "a downloaded file",
        source,
    })?;
    if archive::is_zip(&head) {
        let a = Arc::new(Archive::temp(temp));
        return archive::expand(a, DISPLAY, false, ctx, budget, found);
    }
    if crate::dicom::has_dicom_magic(&head) {
        let len = temp.len();
        found.files.push(Candidate {
            origin: Origin::Span(Span {
                file: Arc::new(temp),
                offset: 0,
                len,
            }),
            display: DISPLAY.into(),
            size: len,
        });
        return Ok(());
    }
    let kind = multipart::media_type(&content_type);
    let kind = if !kind.is_empty()
        && kind.len() <= 80
        && kind
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
    {
        kind
    } else {
        "something unknown".to_string()
    };
    Err(Error::Network(format!(
        "the link gave {kind}, not a zip or DICOM images (a sign-in page?)"
    )))
}

/// Index a downloaded multipart response and add one candidate a part.
fn add_parts(temp: Arc<TempFile>, content_type: &str, found: &mut Found) -> Result<()> {
    let malformed = |e: multipart::MultipartError| {
        Error::Network(format!("the server's answer is malformed: {e}"))
    };
    let boundary = multipart::boundary(content_type).map_err(malformed)?;
    let mut r = BufReader::new(SourceReader::new(temp.clone()));
    let parts = multipart::parts(&mut r, &boundary).map_err(malformed)?;
    let width = parts.parts.len().to_string().len();
    for (i, p) in parts.parts.iter().enumerate() {
        let display = format!("{DISPLAY}, part {:0width$}", i + 1);
        if p.len > MAX_FILE {
            found.missing.push(FileError {
                path: display,
                error: format!("over {} GiB: not opened", MAX_FILE >> 30),
                problem: super::Problem::TooLarge,
            });
            continue;
        }
        if p.len < 8 {
            continue;
        }
        found.files.push(Candidate {
            origin: Origin::Span(Span {
                file: temp.clone(),
                offset: p.offset,
                len: p.len,
            }),
            display,
            size: p.len,
        });
    }
    if parts.truncated {
        found.missing.push(FileError {
            path: DISPLAY.into(),
            error: "the answer ended early: its last image is incomplete and was left out".into(),
            problem: super::Problem::Incomplete,
        });
    }
    Ok(())
}

fn too_large() -> Error {
    Error::Network(format!(
        "the download is over {} GiB: stopped",
        MAX_DOWNLOAD >> 30
    ))
}

/// Text that must not appear in an error: the link (whole, its path and query) and the token.
struct Secrets(Vec<String>);

impl Secrets {
    fn new(raw: &str, u: &Url, bearer: Option<&str>) -> Self {
        let mut v: Vec<String> = vec![raw.trim().to_string(), u.as_str().to_string()];
        v.push(u.path().to_string());
        v.extend(u.path_segments().into_iter().flatten().map(str::to_string));
        v.extend(u.query().map(str::to_string));
        v.extend(bearer.map(|t| t.trim().to_string()));
        v.retain(|s| s.len() >= 4 && s != "/");
        // longest first, so that a part of a longer secret does not leave the rest behind
        v.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Secrets(v)
    }

    fn scrub(&self, msg: &str) -> String {
        let mut out = one_line(msg);
        for s in &self.0 {
            out = out.replace(s.as_str(), "(hidden)");
        }
        out
    }

    /// `what` and the innermost cause of `e`, scrubbed.
    fn error(&self, what: &str, e: &dyn std::error::Error) -> Error {
        let mut cause = e.to_string();
        let mut s = e.source();
        while let Some(x) = s {
            cause = x.to_string();
            s = x.source();
        }
        Error::Network(self.scrub(&format!("{what}: {cause}")))
    }

    fn reqwest(&self, e: &reqwest::Error) -> Error {
        let what = if e.is_timeout() {
            "the server did not answer in time"
        } else if e.is_connect() {
            "cannot connect to the server"
        } else if e.is_redirect() {
            "a redirect was refused"
        } else if e.is_body() || e.is_decode() {
            "the download broke off"
        } else {
            "the request failed"
        };
        // the innermost cause is shown; reqwest's own top-level message (which names the link)
        // only when there is no cause, and then scrubbed
        self.error(what, e)
    }
}

#[cfg(test)]
mod tests;
