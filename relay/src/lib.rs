//! scanpass-relay: the share relay. It stores and serves ciphertext only.
//!
//! Clients (the apps, the CLI and the browser viewer) encrypt a study into chunks and an
//! encrypted manifest, upload them here with an owner secret, and give the recipient a link whose
//! fragment holds the key; the relay never sees that fragment. What the relay knows: sizes,
//! times, counters, the SHA-256 of the owner secret and, optionally, a verifier of a
//! passcode-derived token. The HTTP API is described in `relay/API.md`.
//!
//! - [`server`]: routes, authentication, failure rate limit, request logs, expiry sweep.
//! - [`meta`]: share metadata behind the [`meta::MetaStore`] trait: SQLite by default, PostgreSQL
//!   (`--database-url`) when several relays serve one set of shares.
//! - Objects go through the `object_store` crate: local files by default, S3-compatible storage
//!   with `--s3-bucket`.
//! - [`ratelimit`]: in-memory token buckets per client IP, for failures only.
//! - [`web`]: `/s/<id>`, a page without script for links of the old form. The relay serves no
//!   viewer code: the browser viewer is a static build on an origin of its own (ADR 8).

pub mod error;
pub mod meta;
pub mod ratelimit;
pub mod server;
pub mod web;
