//! scanpass-protocol: the share relay's HTTP API as types, the one copy both sides use — the
//! relay (`scanpass-relay`) serves it, the core's relay client (`scanpass-core`,
//! `share::relay_client`) speaks it. `relay/API.md` describes the routes; the browser viewer
//! (`web/src/share.ts`) reads the same JSON.
//!
//! - request and response bodies ([`CreateShare`], [`Created`], [`SetVerifier`],
//!   [`UploadStatus`], [`Finalize`], [`AccessLog`], ...), serialised exactly as the relay always
//!   has (field order and omitted fields are part of the wire format: a test pins them);
//! - every error answer is [`ErrorBody`], whose `error` is an [`ErrorCode`]: one enum with its
//!   wire string and HTTP status;
//! - limits both sides check: [`DEFAULT_EXPIRY_SECS`], [`MAX_EXPIRY_SECS`], [`MAX_CHUNKS`], and
//!   the recipient's token header [`TOKEN_HEADER`].
//!
//! No I/O and no HTTP library here: only serde.

use serde::{Deserialize, Serialize};

/// One day in seconds.
pub const DAY: u64 = 24 * 3600;
/// A share's lifetime when the request names none.
pub const DEFAULT_EXPIRY_SECS: u64 = 7 * DAY;
/// The longest lifetime a share may be given.
pub const MAX_EXPIRY_SECS: u64 = 31 * DAY;
/// Chunk indexes go up to this (exclusive): 2^20 chunks of 8 MiB is 8 TiB, far above any quota.
pub const MAX_CHUNKS: u32 = 1 << 20;
/// The header a recipient shows its access token in (hex of 32 bytes).
pub const TOKEN_HEADER: &str = "x-scanpass-token";

/// Whether a lifetime in seconds is one a share may have: 1 s to [`MAX_EXPIRY_SECS`].
pub fn expiry_allowed(secs: u64) -> bool {
    (1..=MAX_EXPIRY_SECS).contains(&secs)
}

/// `POST /api/shares`. Fields left out take the relay's defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateShare {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_secs: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_downloads: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_quota: Option<u64>,
    /// Hex of SHA-256 of the recipient token; may instead be set later ([`SetVerifier`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_verifier: Option<String>,
    /// Whether the recipient token comes from a passcode (default true: counted and locked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passcode: Option<bool>,
}

/// What `POST /api/shares` answers (201). The owner secret is shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    pub id: String,
    pub owner_secret: String,
    pub expires_at: i64,
}

/// `PUT /api/shares/{id}/auth-verifier`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetVerifier {
    pub auth_verifier: String,
    /// Whether the token comes from a passcode (default true: counted and locked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passcode: Option<bool>,
}

/// What `PUT .../chunks/{n}` and `PUT .../manifest` answer (`index`: none for the manifest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredReply {
    pub index: Option<u32>,
    pub size: u64,
    /// Hex of the stored bytes' SHA-256.
    pub sha256: String,
}

/// A stored chunk (or the manifest, listed with index 0) in [`UploadStatus`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkStatus {
    pub index: u32,
    pub size: u64,
}

/// `GET /api/shares/{id}/upload-status` (the owner's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadStatus {
    pub chunks: Vec<ChunkStatus>,
    pub manifest: Option<ChunkStatus>,
    pub finalized: bool,
    pub chunk_count: Option<u32>,
    pub bytes_used: u64,
    pub size_quota: u64,
    pub max_chunk_size: u64,
    pub expires_at: i64,
    pub downloads: u64,
    pub max_downloads: Option<u64>,
    /// Whether recipients can be served: a share is finalized only with a verifier. Relays
    /// before this field: read as false, so that a resume sets it again.
    #[serde(default)]
    pub has_verifier: bool,
    #[serde(default)]
    pub passcode: bool,
    pub locked: bool,
    /// Unix seconds until which recipients are refused (0: not locked).
    #[serde(default)]
    pub locked_until: i64,
}

/// `POST /api/shares/{id}/finalize`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finalize {
    pub chunks: u32,
}

/// What finalize answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finalized {
    pub bytes: u64,
    pub chunks: u32,
}

/// One access to a share: when, and what ([`AccessKind`]'s name; a newer relay may send one
/// this version does not know).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEvent {
    pub at: i64,
    pub event: String,
}

impl AccessEvent {
    /// What the event is, when this version knows its name.
    pub fn kind(&self) -> Option<AccessKind> {
        AccessKind::parse(&self.event)
    }
}

/// What an access-log entry records. No IP, no user agent: only when and what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessKind {
    /// A download began (the manifest was fetched).
    Manifest,
    /// A part was fetched.
    Chunk,
    /// A wrong token (a wrong passcode or a damaged link).
    Denied,
    /// The share locked after too many wrong passcodes.
    Locked,
}

impl AccessKind {
    /// Every kind.
    pub const ALL: [AccessKind; 4] = [
        AccessKind::Manifest,
        AccessKind::Chunk,
        AccessKind::Denied,
        AccessKind::Locked,
    ];

    /// The name sent (the access log's `event`) and stored by the relay.
    pub const fn as_str(self) -> &'static str {
        match self {
            AccessKind::Manifest => "manifest",
            AccessKind::Chunk => "chunk",
            AccessKind::Denied => "denied",
            AccessKind::Locked => "locked",
        }
    }

    /// A kind from its name; `None` for one this version does not know.
    pub fn parse(s: &str) -> Option<AccessKind> {
        AccessKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// `GET /api/shares/{id}/access-log`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLog {
    pub events: Vec<AccessEvent>,
}

/// Every error answer: a stable code, a fixed sentence (never an id, a secret or a body), and
/// for some codes a count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Wrong passcode tokens left before the share locks (`token_wrong` on a passcode share).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
    /// The code as sent; [`ErrorCode::parse`] reads it (a newer relay may send a code this
    /// version does not know).
    pub error: String,
    #[serde(default)]
    pub message: String,
    /// Seconds until a locked share opens again (`locked`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $wire:literal, $status:literal;)*) => {
        /// The relay's error codes, each with its wire string and HTTP status.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[$doc])* $name,)*
        }

        impl ErrorCode {
            /// Every code.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$name,)*];

            /// The code as the JSON body's `error` carries it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$name => $wire,)*
                }
            }

            /// The HTTP status the relay answers with.
            pub const fn status(self) -> u16 {
                match self {
                    $(ErrorCode::$name => $status,)*
                }
            }

            /// A code from its wire string; `None` for one this version does not know.
            pub fn parse(s: &str) -> Option<ErrorCode> {
                match s {
                    $($wire => Some(ErrorCode::$name),)*
                    _ => None,
                }
            }
        }
    };
}

codes! {
    /// No such share.
    NotFound = "not_found", 404;
    /// Revoked, expired, or downloaded the allowed number of times.
    Gone = "gone", 410;
    /// Locked after too many wrong passcodes.
    Locked = "locked", 423;
    OwnerAuthMissing = "owner_auth_missing", 401;
    OwnerAuthWrong = "owner_auth_wrong", 403;
    TokenMissing = "token_missing", 401;
    TokenWrong = "token_wrong", 403;
    /// Finalize before the recipient verifier was set.
    NoVerifier = "no_verifier", 409;
    Busy = "busy", 503;
    StorageFull = "storage_full", 507;
    NotFinalized = "not_finalized", 409;
    /// The share is finalized and the request differs from what is stored.
    Finalized = "finalized", 409;
    Incomplete = "incomplete", 409;
    /// A body over the relay's limit.
    TooLarge = "too_large", 413;
    /// The share's size quota would be exceeded.
    QuotaExceeded = "quota_exceeded", 413;
    BadRequest = "bad_request", 400;
    RateLimited = "rate_limited", 429;
    Internal = "internal", 500;
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn codes_read_back_and_are_distinct() {
        let mut seen = std::collections::HashSet::new();
        for &c in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(c.as_str()), Some(c));
            assert!(seen.insert(c.as_str()), "{c} twice");
            assert!((400..600).contains(&c.status()), "{c}");
        }
        assert_eq!(ErrorCode::parse("something_new"), None);
        assert_eq!(ErrorCode::QuotaExceeded.as_str(), "quota_exceeded");
    }

    /// The access log's names, as the relay stored and sent them before this crate.
    #[test]
    fn access_kinds_keep_their_names() {
        let names: Vec<&str> = AccessKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, ["manifest", "chunk", "denied", "locked"]);
        for k in AccessKind::ALL {
            assert_eq!(AccessKind::parse(k.as_str()), Some(k));
        }
        let e = AccessEvent {
            at: 1,
            event: "opened-later".into(),
        };
        assert_eq!(e.kind(), None);
        assert_eq!(AccessKind::parse("Locked"), None, "names are exact");
    }

    /// The bytes on the wire as the relay wrote them before this crate (serde_json's maps are
    /// sorted by key; structs keep their field order).
    #[test]
    fn the_wire_format_is_pinned() {
        assert_eq!(
            s(&ErrorBody {
                attempts_left: Some(2),
                error: "token_wrong".into(),
                message: "the passcode token is wrong".into(),
                retry_after: None,
            }),
            json!({"error": "token_wrong", "message": "the passcode token is wrong",
                   "attempts_left": 2})
            .to_string()
        );
        assert_eq!(
            s(&Finalized {
                bytes: 7,
                chunks: 3
            }),
            json!({"chunks": 3, "bytes": 7}).to_string()
        );
        assert_eq!(
            s(&CreateShare {
                expires_in_secs: Some(60),
                ..Default::default()
            }),
            r#"{"expires_in_secs":60}"#
        );
        assert_eq!(
            s(&SetVerifier {
                auth_verifier: "ab".into(),
                passcode: Some(false)
            }),
            json!({"auth_verifier": "ab", "passcode": false}).to_string()
        );
        assert_eq!(s(&Finalize { chunks: 4 }), json!({"chunks": 4}).to_string());
        assert_eq!(
            s(&StoredReply {
                index: None,
                size: 9,
                sha256: "00".into()
            }),
            r#"{"index":null,"size":9,"sha256":"00"}"#
        );
        assert_eq!(
            s(&AccessLog {
                events: vec![AccessEvent {
                    at: 5,
                    event: "chunk".into()
                }]
            }),
            json!({"events": [{"at": 5, "event": "chunk"}]}).to_string()
        );
        let status = UploadStatus {
            chunks: vec![ChunkStatus { index: 1, size: 2 }],
            manifest: None,
            finalized: false,
            chunk_count: None,
            bytes_used: 2,
            size_quota: 10,
            max_chunk_size: 8,
            expires_at: 100,
            downloads: 0,
            max_downloads: Some(3),
            has_verifier: true,
            passcode: true,
            locked: false,
            locked_until: 0,
        };
        assert_eq!(
            s(&status),
            r#"{"chunks":[{"index":1,"size":2}],"manifest":null,"finalized":false,"chunk_count":null,"bytes_used":2,"size_quota":10,"max_chunk_size":8,"expires_at":100,"downloads":0,"max_downloads":3,"has_verifier":true,"passcode":true,"locked":false,"locked_until":0}"#
        );
        // an older relay's status (no has_verifier, passcode, locked_until) still reads
        let old: UploadStatus = serde_json::from_str(
            r#"{"chunks":[],"manifest":null,"finalized":false,"chunk_count":null,"bytes_used":0,"size_quota":1,"max_chunk_size":1,"expires_at":1,"downloads":0,"max_downloads":null,"locked":false}"#,
        )
        .unwrap();
        assert!(!old.has_verifier);
    }

    fn s<T: Serialize>(v: &T) -> String {
        serde_json::to_string(v).unwrap()
    }

    #[test]
    fn expiry_bounds() {
        assert!(!expiry_allowed(0));
        assert!(expiry_allowed(1));
        assert!(expiry_allowed(MAX_EXPIRY_SECS));
        assert!(!expiry_allowed(MAX_EXPIRY_SECS + 1));
        assert_eq!(MAX_EXPIRY_SECS, 31 * 86_400);
    }
}
