//! A client of the share relay (relay/API.md), blocking, over [`crate::net`]'s client. The wire
//! types and error codes are `scanpass-protocol`'s, the relay's own.
//!
//! Errors never carry the owner secret, the access token, a key or a body: the relay's
//! `{"error": code}` is mapped to a [`ShareError`] a patient can read.

use std::time::Duration;

use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::header::AUTHORIZATION;
use reqwest::StatusCode;
pub use scanpass_protocol::{
    AccessEvent, AccessKind, ChunkStatus, CreateShare, Created, UploadStatus,
};
use scanpass_protocol::{ErrorBody, ErrorCode, Finalize, SetVerifier, TOKEN_HEADER};
use serde::Serialize;
use zeroize::Zeroizing;

/// Why the relay, or the way to it, refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    #[error("the relay does not know this share (the link may be wrong or cut)")]
    NotFound,
    #[error(
        "this share is no longer available: it expired, was revoked, or reached its download limit"
    )]
    Gone,
    #[error(
        "this share is locked after too many wrong passcodes: try again later, or ask the person \
         who shared it to unlock it"
    )]
    Locked,
    #[error("{}", wrong_passcode(*.attempts_left))]
    WrongPasscode { attempts_left: Option<u32> },
    #[error("this share needs a passcode")]
    PasscodeNeeded,
    #[error("the relay refused the owner's secret for this share")]
    NotOwner,
    #[error("the share is not complete yet (its upload has not finished)")]
    NotReady,
    #[error("the study is larger than the relay accepts for one share")]
    TooLarge,
    #[error("too many failed attempts from this network: wait a minute and try again")]
    RateLimited,
    #[error("the relay cannot be reached: {0}")]
    Unreachable(String),
    #[error("the relay answered with an error ({0})")]
    Relay(String),
    #[error("{0}")]
    Data(String),
}

impl From<ShareError> for crate::Error {
    fn from(e: ShareError) -> Self {
        crate::Error::Share(Box::new(e))
    }
}

impl ShareError {
    /// The share error an [`crate::Error`] carries, if it is one.
    pub fn of(e: &crate::Error) -> Option<&ShareError> {
        match e {
            crate::Error::Share(inner) => inner.downcast_ref(),
            _ => None,
        }
    }
}

fn wrong_passcode(left: Option<u32>) -> String {
    match left {
        Some(0) => "wrong passcode (or a damaged link); the share is now locked".into(),
        Some(1) => "wrong passcode (or a damaged link); 1 attempt left".into(),
        Some(n) => format!("wrong passcode (or a damaged link); {n} attempts left"),
        None => "wrong passcode (or a damaged link)".into(),
    }
}

/// The largest sealed manifest a recipient reads (a study of tens of thousands of files).
pub const MAX_MANIFEST: u64 = 64 << 20;

/// A relay at a base address (`https://host[/prefix]`).
pub struct Relay {
    base: String,
    http: Client,
}

/// Attempts for a request that failed on the way (not for a refusal): the first, then after 1 s
/// and 3 s.
const RETRIES: [Duration; 2] = [Duration::from_secs(1), Duration::from_secs(3)];

impl Relay {
    pub fn new(base: &str) -> crate::Result<Relay> {
        let base = base.trim().trim_end_matches('/').to_string();
        let url = crate::net::check(&base)?;
        let loopback = crate::net::is_loopback(&url);
        let http = crate::net::client(loopback, crate::net::Redirects::Refuse)
            .map_err(|e| crate::Error::Network(format!("cannot set up TLS: {e}")))?;
        Ok(Relay { base, http })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn api(&self, rest: &str) -> String {
        format!("{}/api/shares{rest}", self.base)
    }

    /// Send, retrying failures on the way (connection refused or cut, timeouts) twice; an
    /// answer, even an error status, is returned as is.
    fn send(&self, build: impl Fn() -> RequestBuilder) -> Result<Response, ShareError> {
        let mut last = String::new();
        for wait in std::iter::once(None).chain(RETRIES.iter().map(Some)) {
            if let Some(w) = wait {
                std::thread::sleep(*w);
            }
            match build().send() {
                Ok(r) => return Ok(r),
                Err(e) => last = describe(&e),
            }
        }
        Err(ShareError::Unreachable(last))
    }

    fn check(r: Response) -> Result<Response, ShareError> {
        let status = r.status();
        if status.is_success() {
            return Ok(r);
        }
        let body: Option<ErrorBody> = r.bytes().ok().and_then(|b| serde_json::from_slice(&b).ok());
        let raw = body.as_ref().map(|b| b.error.as_str()).unwrap_or("");
        let code = ErrorCode::parse(raw);
        Err(match (status, code) {
            (StatusCode::NOT_FOUND, _) => ShareError::NotFound,
            (StatusCode::GONE, _) => ShareError::Gone,
            (StatusCode::LOCKED, _) => ShareError::Locked,
            (_, Some(ErrorCode::TokenWrong)) => ShareError::WrongPasscode {
                attempts_left: body.and_then(|b| b.attempts_left),
            },
            (_, Some(ErrorCode::TokenMissing)) => ShareError::PasscodeNeeded,
            (_, Some(ErrorCode::OwnerAuthWrong | ErrorCode::OwnerAuthMissing)) => {
                ShareError::NotOwner
            }
            (_, Some(ErrorCode::NotFinalized | ErrorCode::NoVerifier)) => ShareError::NotReady,
            (_, Some(ErrorCode::QuotaExceeded | ErrorCode::TooLarge)) => ShareError::TooLarge,
            (StatusCode::TOO_MANY_REQUESTS, _) => ShareError::RateLimited,
            (s, _) if raw.is_empty() => ShareError::Relay(format!("HTTP {}", s.as_u16())),
            (s, _) => ShareError::Relay(format!("HTTP {} {raw}", s.as_u16())),
        })
    }

    fn owner(b: RequestBuilder, secret: &str) -> RequestBuilder {
        b.header(AUTHORIZATION, format!("Bearer {secret}"))
    }

    fn json<T: serde::de::DeserializeOwned>(r: Response) -> Result<T, ShareError> {
        let b = Self::bytes_within(r, MAX_MANIFEST)?;
        serde_json::from_slice(&b)
            .map_err(|_| ShareError::Relay("an answer that does not read".into()))
    }

    pub fn create(&self, req: &CreateShare) -> Result<Created, ShareError> {
        let r = self.send(|| json(self.http.post(self.api("")), req))?;
        Self::json(Self::check(r)?)
    }

    /// Sets the recipient verifier (again, on a resumed upload: the relay takes the same one
    /// once more even after finalize). `passcode`: the token is passcode-derived, so the relay
    /// counts wrong ones and locks the share; a token from the link key alone never locks it.
    pub fn set_verifier(
        &self,
        id: &str,
        secret: &str,
        verifier: &str,
        passcode: bool,
    ) -> Result<(), ShareError> {
        let body = SetVerifier {
            auth_verifier: verifier.to_string(),
            passcode: Some(passcode),
        };
        let url = self.api(&format!("/{id}/auth-verifier"));
        let r = self.send(|| json(Self::owner(self.http.put(&url), secret), &body))?;
        Self::check(r).map(drop)
    }

    pub fn upload_status(&self, id: &str, secret: &str) -> Result<UploadStatus, ShareError> {
        let url = self.api(&format!("/{id}/upload-status"));
        let r = self.send(|| Self::owner(self.http.get(&url), secret))?;
        Self::json(Self::check(r)?)
    }

    pub fn put_chunk(&self, id: &str, secret: &str, n: u32, body: &[u8]) -> Result<(), ShareError> {
        let url = self.api(&format!("/{id}/chunks/{n}"));
        let r = self.send(|| Self::owner(self.http.put(&url), secret).body(body.to_vec()))?;
        Self::check(r).map(drop)
    }

    pub fn put_manifest(&self, id: &str, secret: &str, body: &[u8]) -> Result<(), ShareError> {
        let url = self.api(&format!("/{id}/manifest"));
        let r = self.send(|| Self::owner(self.http.put(&url), secret).body(body.to_vec()))?;
        Self::check(r).map(drop)
    }

    pub fn finalize(&self, id: &str, secret: &str, chunks: u32) -> Result<(), ShareError> {
        let url = self.api(&format!("/{id}/finalize"));
        let body = Finalize { chunks };
        let r = self.send(|| json(Self::owner(self.http.post(&url), secret), &body))?;
        Self::check(r).map(drop)
    }

    /// Lifts a lock after wrong passcodes (the owner's call).
    pub fn unlock(&self, id: &str, secret: &str) -> Result<(), ShareError> {
        let url = self.api(&format!("/{id}/unlock"));
        let r = self.send(|| Self::owner(self.http.post(&url), secret))?;
        Self::check(r).map(drop)
    }

    pub fn revoke(&self, id: &str, secret: &str) -> Result<(), ShareError> {
        let url = self.api(&format!("/{id}"));
        let r = self.send(|| Self::owner(self.http.delete(&url), secret))?;
        Self::check(r).map(drop)
    }

    pub fn access_log(&self, id: &str, secret: &str) -> Result<Vec<AccessEvent>, ShareError> {
        let url = self.api(&format!("/{id}/access-log"));
        let r = self.send(|| Self::owner(self.http.get(&url), secret))?;
        Self::json::<scanpass_protocol::AccessLog>(Self::check(r)?).map(|l| l.events)
    }

    /// The sealed manifest (counts a download); larger than [`MAX_MANIFEST`]: refused.
    pub fn manifest(&self, id: &str, token: &Zeroizing<String>) -> Result<Vec<u8>, ShareError> {
        self.recipient_get(&format!("/{id}/manifest"), token, MAX_MANIFEST)
    }

    /// Sealed chunk `n`, at most `limit` bytes (the manifest's chunk size and the seal's
    /// overhead): a relay sending more is refused before it is held in memory.
    pub fn chunk(
        &self,
        id: &str,
        token: &Zeroizing<String>,
        n: u32,
        limit: u64,
    ) -> Result<Vec<u8>, ShareError> {
        self.recipient_get(&format!("/{id}/chunks/{n}"), token, limit)
    }

    /// The body of a recipient route, the access token shown, at most `limit` bytes.
    fn recipient_get(
        &self,
        rest: &str,
        token: &Zeroizing<String>,
        limit: u64,
    ) -> Result<Vec<u8>, ShareError> {
        let url = self.api(rest);
        let r = self.send(|| self.http.get(&url).header(TOKEN_HEADER, token.as_str()))?;
        Self::bytes_within(Self::check(r)?, limit)
    }

    /// The body, read up to `limit` bytes: a longer one (declared or sent) is refused without
    /// being held whole.
    fn bytes_within(r: Response, limit: u64) -> Result<Vec<u8>, ShareError> {
        use std::io::Read;
        let too_big = || ShareError::Data("the relay sent more than this share holds".into());
        if r.content_length().is_some_and(|n| n > limit) {
            return Err(too_big());
        }
        let mut out = Vec::with_capacity(r.content_length().unwrap_or(0) as usize);
        r.take(limit + 1)
            .read_to_end(&mut out)
            .map_err(|_| ShareError::Unreachable("the transfer broke off".into()))?;
        if out.len() as u64 > limit {
            return Err(too_big());
        }
        Ok(out)
    }
}

/// A JSON body (reqwest's `json` feature is not built).
fn json<T: Serialize>(b: RequestBuilder, body: &T) -> RequestBuilder {
    b.header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(serde_json::to_vec(body).unwrap_or_default())
}

/// A transport failure in words, without the address (it holds the share id).
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "it did not answer in time".into()
    } else if e.is_connect() {
        "the connection was refused or failed".into()
    } else if e.is_body() || e.is_decode() {
        "the transfer broke off".into()
    } else {
        "the request failed".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    /// A relay that answers every request with `body` (a crafted relay: no real one sends a
    /// chunk larger than the share's chunk size).
    fn crafted_relay(body: Vec<u8>, declare_length: bool) -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(4) {
                let Ok(mut s) = stream else { continue };
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                let head = if declare_length {
                    format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n", body.len())
                } else {
                    "HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n".to_string()
                };
                let _ = s.write_all(head.as_bytes());
                let _ = s.write_all(&body);
            }
        });
        format!("http://{addr}")
    }

    #[test]
    fn a_share_error_reads_back_from_the_core_error_with_its_message() {
        for e in [
            ShareError::Gone,
            ShareError::WrongPasscode {
                attempts_left: Some(2),
            },
            ShareError::Data("damaged".into()),
        ] {
            let core: crate::Error = e.clone().into();
            assert_eq!(core.to_string(), e.to_string());
            assert_eq!(ShareError::of(&core), Some(&e));
        }
        assert_eq!(ShareError::of(&crate::Error::Cancelled), None);
    }

    #[test]
    fn a_chunk_larger_than_the_share_allows_is_refused_unread() {
        let token = Zeroizing::new("00".repeat(32));
        for declare in [true, false] {
            let relay = Relay::new(&crafted_relay(vec![7u8; 5000], declare)).unwrap();
            let got = relay.chunk("AbCdEfGhIjKlMnOpQrStUv", &token, 0, 4096);
            assert!(
                matches!(got, Err(ShareError::Data(_))),
                "{declare}: {got:?}"
            );
            let relay = Relay::new(&crafted_relay(vec![7u8; 4000], declare)).unwrap();
            let got = relay.chunk("AbCdEfGhIjKlMnOpQrStUv", &token, 0, 4096);
            assert_eq!(got.map(|b| b.len()), Ok(4000), "{declare}");
        }
    }

    #[test]
    fn the_relay_client_follows_no_redirect_with_the_token() {
        // where a redirect would send the token: it must receive nothing
        let elsewhere = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let there = elsewhere.local_addr().unwrap();
        elsewhere.set_nonblocking(true).unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            if let Some(Ok(mut s)) = listener.incoming().next() {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                let _ = write!(
                    s,
                    "HTTP/1.1 302 Found\r\nlocation: http://{there}/api/shares/x/manifest\r\n\
                     content-length: 0\r\n\r\n"
                );
            }
        });
        let relay = Relay::new(&format!("http://{addr}")).unwrap();
        let token = Zeroizing::new("ab".repeat(32));
        assert!(relay.manifest("AbCdEfGhIjKlMnOpQrStUv", &token).is_err());
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(elsewhere.accept().is_err(), "the redirect was followed");
    }
}
