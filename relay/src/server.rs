//! HTTP routes (see `relay/API.md`), the failure rate limit, request logging and the expiry sweep.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, MatchedPath, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use futures::{StreamExt, TryStreamExt};
use object_store::path::Path as ObjPath;
use object_store::{ObjectStore, PutOptions, PutPayload};
use rand::RngCore;

use sha2::{Digest, Sha256};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::ApiError;
use crate::meta::{Attempt, DownloadCount, Event, MetaStore, NewShare, Share, ShareState, Stored};
use crate::ratelimit::FailureLimiter;

use scanpass_protocol::{
    AccessEvent, AccessLog, ChunkStatus, CreateShare, Created, Finalize, Finalized, SetVerifier,
    StoredReply, UploadStatus, TOKEN_HEADER,
};
pub use scanpass_protocol::{DAY, DEFAULT_EXPIRY_SECS, MAX_CHUNKS, MAX_EXPIRY_SECS};

/// Limits and policies, from the command line.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_chunk_size: u64,
    pub max_share_size: u64,
    pub max_auth_failures: u32,
    /// The first lock's length; each later lock of the same share lasts twice the one before.
    pub lock_base_secs: u64,
    pub download_grace_secs: u64,
    /// `None`: any origin may GET the recipient routes.
    pub cors_origins: Option<Vec<HeaderValue>>,
    /// Requests handled at once, all clients together; more: 503 `busy` at once (each client
    /// has its own bound too: its failure budget, taken by every request in flight).
    pub max_in_flight: usize,
    /// The longest a request body may pause (a slow upload holding a connection): then 408.
    pub body_idle_timeout: Duration,
    /// Bytes stored across all shares (chunks and manifests), beyond which uploads are refused
    /// (507 `storage_full`); 0: no bound.
    pub max_total_size: u64,
}

#[derive(Clone)]
pub struct AppState {
    pub meta: Arc<dyn MetaStore>,
    pub store: Arc<dyn ObjectStore>,
    pub limits: Arc<Limits>,
    pub limiter: Arc<FailureLimiter>,
    /// Share creations per client IP (a token bucket that is never refunded).
    pub creations: Arc<FailureLimiter>,
    in_flight: Arc<tokio::sync::Semaphore>,
    locks: Arc<ShareLocks>,
}

impl AppState {
    pub fn new(
        meta: Arc<dyn MetaStore>,
        store: Arc<dyn ObjectStore>,
        limits: Limits,
        limiter: FailureLimiter,
        creations: FailureLimiter,
    ) -> Self {
        let locks = Arc::new(ShareLocks::new(meta.clone()));
        Self {
            meta,
            store,
            in_flight: Arc::new(tokio::sync::Semaphore::new(limits.max_in_flight.max(1))),
            limits: Arc::new(limits),
            limiter: Arc::new(limiter),
            creations: Arc::new(creations),
            locks,
        }
    }

    /// Runs a metadata call on the blocking pool.
    async fn meta<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn MetaStore) -> Result<T, crate::meta::MetaError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let meta = self.meta.clone();
        tokio::task::spawn_blocking(move || f(meta.as_ref()))
            .await
            .map_err(|e| ApiError::Internal(format!("metadata task: {e}")))?
            .map_err(ApiError::from)
    }
}

/// One async mutex per share, so the owner's writes to one share (chunk, manifest, finalize,
/// revoke) do not interleave: a finalized chunk can then never be overwritten by a late upload.
/// With a metadata store shared by several relays (PostgreSQL) the store's own share lock is
/// taken too, inside this one ([`MetaStore::lock_share`]).
struct ShareLocks {
    local: Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>,
    meta: Arc<dyn MetaStore>,
}

impl ShareLocks {
    fn new(meta: Arc<dyn MetaStore>) -> Self {
        Self {
            local: Mutex::default(),
            meta,
        }
    }

    fn get(&self, id: &str) -> ShareLock {
        let mut map = self.local.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 1024 {
            map.retain(|_, w| w.strong_count() > 0);
        }
        let local = match map.get(id).and_then(Weak::upgrade) {
            Some(lock) => lock,
            None => {
                let lock = Arc::new(tokio::sync::Mutex::new(()));
                map.insert(id.to_string(), Arc::downgrade(&lock));
                lock
            }
        };
        ShareLock {
            local,
            meta: self.meta.clone(),
            id: id.to_string(),
        }
    }
}

struct ShareLock {
    local: Arc<tokio::sync::Mutex<()>>,
    meta: Arc<dyn MetaStore>,
    id: String,
}

/// Held over one owner write; fields drop in order: the store's lock, then the process's.
struct ShareGuard {
    _store: Option<Box<dyn std::any::Any + Send>>,
    _local: tokio::sync::OwnedMutexGuard<()>,
}

impl ShareLock {
    async fn lock(&self) -> ShareGuard {
        let local = self.local.clone().lock_owned().await;
        let (meta, id) = (self.meta.clone(), self.id.clone());
        let store = match tokio::task::spawn_blocking(move || meta.lock_share(&id)).await {
            Ok(Ok(store)) => store,
            // The metadata calls that follow fail too when the database is gone; a write that
            // gets through is still checked by the store's own transactions.
            Ok(Err(e)) => {
                tracing::error!(error = %e, "share write lock not taken in the metadata store");
                None
            }
            Err(e) => {
                tracing::error!(error = %e, "share write lock task failed");
                None
            }
        };
        ShareGuard {
            _store: store,
            _local: local,
        }
    }
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// What the logs say instead of a share id: the first 8 hex digits of its SHA-256.
pub fn log_id(id: &str) -> String {
    hex::encode(&Sha256::digest(id.as_bytes())[..4])
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

/// Constant-time equality of two hashes (`subtle`; unequal lengths are simply unequal).
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    subtle::ConstantTimeEq::ct_eq(a, b).into()
}

fn random_b64(n: usize) -> String {
    let mut buf = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// A new share id: 16 random bytes in base64url, drawn again until it starts with a letter or a
/// digit, so that it never reads as an option on a command line (`scanpass revoke -x…`). Costs
/// under 0.05 bits of the 128.
fn new_share_id() -> String {
    loop {
        let id = random_b64(16);
        if id.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return id;
        }
    }
}

/// A well-formed share id is 22 base64url characters of 16 bytes; anything else is unknown.
fn valid_id(id: &str) -> bool {
    id.len() == 22 && URL_SAFE_NO_PAD.decode(id).is_ok_and(|b| b.len() == 16)
}

fn share_prefix(id: &str) -> ObjPath {
    ObjPath::from(format!("shares/{id}"))
}

fn chunk_path(id: &str, n: u32) -> ObjPath {
    ObjPath::from(format!("shares/{id}/chunks/{n:010}"))
}

fn manifest_path(id: &str) -> ObjPath {
    ObjPath::from(format!("shares/{id}/manifest"))
}

pub fn router(state: AppState) -> Router {
    let cors = CorsLayer::new()
        .allow_methods([Method::GET])
        .allow_headers([HeaderName::from_static(TOKEN_HEADER)])
        .allow_origin(match &state.limits.cors_origins {
            None => AllowOrigin::any(),
            Some(list) => AllowOrigin::list(list.clone()),
        })
        .max_age(Duration::from_secs(3600));

    let router = Router::new()
        .route("/api/shares", post(create_share))
        .route("/api/shares/{id}", axum::routing::delete(revoke))
        .route("/api/shares/{id}/chunks/{n}", put(put_chunk).get(get_chunk))
        .route(
            "/api/shares/{id}/manifest",
            put(put_manifest).get(get_manifest),
        )
        .route("/api/shares/{id}/upload-status", get(upload_status))
        .route("/api/shares/{id}/finalize", post(finalize))
        .route("/api/shares/{id}/auth-verifier", put(set_verifier))
        .route("/api/shares/{id}/unlock", post(unlock))
        .route("/api/shares/{id}/access-log", get(access_log))
        .route("/healthz", get(|| async { "ok" }))
        // Links of the old form (`/s/<id>#key`): a page without script saying so. The relay
        // serves no viewer code (ADR 8).
        .merge(crate::web::routes())
        .fallback(|| async { ApiError::NotFound })
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        // a body that pauses longer than this (a slow upload holding its connection) ends the
        // request: reading it fails, and the upload is answered 400 (it can be sent again)
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            state.limits.body_idle_timeout,
        ))
        .layer(cors)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(PERMISSIONS_POLICY),
        ));
    SECURITY_HEADERS
        .into_iter()
        .fold(router, |router, (name, value)| {
            router.layer(SetResponseHeaderLayer::overriding(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            ))
        })
        .with_state(state)
}

/// The headers every answer carries, besides CORS and a closed CSP (unless a route set its own):
/// what a security scanner expects of an API that a browser on another origin reads (the viewer,
/// ADR 8). `Cross-Origin-Resource-Policy: cross-origin` lets that viewer read the answers (the
/// token header and CORS decide who gets a share, not the origin).
pub const SECURITY_HEADERS: [(&str, &str); 7] = [
    (
        "strict-transport-security",
        "max-age=63072000; includeSubDomains",
    ),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("cache-control", "no-store"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "cross-origin"),
];

/// No powerful browser feature for anything the relay answers.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), autoplay=(), camera=(), \
     display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), \
     midi=(), payment=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), \
     xr-spatial-tracking=()";

/// Refuses clients that spent their failures, charges failures, and logs each request by its
/// route template (never the path, which holds the share id) and status. A request takes its
/// client's token before it runs and gives it back unless it failed, so parallel requests cannot
/// all pass the check before the first failure is counted.
async fn guard(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    let ip = peer.ip();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "(unmatched)".into());
    if !st.limiter.try_spend(ip) {
        tracing::info!(%method, %route, status = 429, "request refused: too many failures");
        return ApiError::RateLimited.into_response();
    }
    // all clients together: at most max_in_flight requests at once, the others refused at once
    // (a flood cannot queue up memory or connections behind the ones being served)
    let Ok(_permit) = st.in_flight.clone().try_acquire_owned() else {
        st.limiter.refund(ip);
        tracing::info!(%method, %route, status = 503, "request refused: relay busy");
        return ApiError::Busy.into_response();
    };
    let started = std::time::Instant::now();
    let resp = next.run(req).await;
    let status = resp.status();
    if !matches!(
        status,
        StatusCode::NOT_FOUND
            | StatusCode::UNAUTHORIZED
            | StatusCode::FORBIDDEN
            | StatusCode::LOCKED
    ) {
        st.limiter.refund(ip);
    }
    tracing::info!(
        %method,
        %route,
        status = status.as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    resp
}

// ---- share lookup and authentication ----

/// The share, if it exists and is live (not revoked, expired or purged).
async fn live_share(st: &AppState, id: &str) -> Result<Share, ApiError> {
    if !valid_id(id) {
        return Err(ApiError::NotFound);
    }
    let key = id.to_string();
    let share = st
        .meta(move |m| m.share(&key))
        .await?
        .ok_or(ApiError::NotFound)?;
    if share.state != ShareState::Active || share.expires_at <= now() {
        return Err(ApiError::Gone);
    }
    Ok(share)
}

fn check_owner(share: &Share, headers: &HeaderMap) -> Result<(), ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or(ApiError::OwnerAuthMissing)?;
    let secret = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(ApiError::OwnerAuthMissing)?;
    let bytes = URL_SAFE_NO_PAD
        .decode(secret.trim())
        .map_err(|_| ApiError::OwnerAuthWrong)?;
    if ct_eq(&sha256(&bytes), &share.owner_hash) {
        Ok(())
    } else {
        tracing::info!(share = %log_id(&share.id), "wrong owner secret");
        Err(ApiError::OwnerAuthWrong)
    }
}

async fn owner_share(st: &AppState, id: &str, headers: &HeaderMap) -> Result<Share, ApiError> {
    let share = live_share(st, id).await?;
    check_owner(&share, headers)?;
    Ok(share)
}

async fn log_event(st: &AppState, id: &str, event: Event) -> Result<(), ApiError> {
    let key = id.to_string();
    st.meta(move |m| m.log_event(&key, now(), event)).await
}

/// How long a recipient's request waits, at most, for attempts being compared to settle when
/// as many as the limit are in flight (a recipient fetching chunks in parallel), before 503.
const BUSY_WAIT: Duration = Duration::from_secs(5);

fn locked(until: i64) -> ApiError {
    ApiError::Locked {
        retry_after: until.saturating_sub(now()).max(1) as u64,
    }
}

/// A recipient's request: the share must be live, have a verifier, its token must hash to it,
/// and it must be finalized.
///
/// For a passcode share (a guessable token) every attempt is counted in the metadata store
/// BEFORE its token is compared (one statement, on SQLite and PostgreSQL alike) and given back
/// when the token is right: however many requests arrive at once, at most
/// `max_auth_failures` wrong tokens are compared before the share locks. A lock lasts
/// `lock_base_secs`, doubled at each new lock; the owner can lift it (`POST .../unlock`).
/// Shares without a passcode never lock: their token has the link key's 256 bits, so a wrong
/// one is a damaged link, not a guess, and locking would only let whoever knows the share id
/// shut it.
async fn recipient_share(st: &AppState, id: &str, headers: &HeaderMap) -> Result<Share, ApiError> {
    let share = live_share(st, id).await?;
    // a share is never finalized without a verifier; one from an older relay is not served
    let Some(verifier) = share.auth_verifier.clone() else {
        return Err(ApiError::NoVerifier);
    };
    if share.passcode && share.locked_until > now() {
        return Err(locked(share.locked_until)); // early answer; the reservation below decides
    }
    let token = headers
        .get(TOKEN_HEADER)
        .ok_or(ApiError::TokenMissing)?
        .to_str()
        .ok()
        .and_then(|t| hex::decode(t.trim()).ok());
    let max = st.limits.max_auth_failures;
    if share.passcode {
        let waited = std::time::Instant::now();
        loop {
            let key = share.id.clone();
            match st
                .meta(move |m| m.reserve_attempt(&key, max, now()))
                .await?
            {
                Attempt::Reserved => break,
                Attempt::Locked { until } => return Err(locked(until)),
                Attempt::Busy if waited.elapsed() < BUSY_WAIT => {
                    tokio::time::sleep(Duration::from_millis(20)).await
                }
                Attempt::Busy => return Err(ApiError::Busy),
            }
        }
    }
    let good = token.is_some_and(|t| ct_eq(&sha256(&t), &verifier));
    if good {
        if share.passcode {
            let key = share.id.clone();
            st.meta(move |m| m.refund_attempt(&key)).await?;
        }
        if share.finalized_chunks.is_none() {
            return Err(ApiError::NotFinalized);
        }
        return Ok(share);
    }
    log_event(st, &share.id, Event::Denied).await?;
    if !share.passcode {
        return Err(ApiError::TokenWrong {
            attempts_left: None,
        });
    }
    let (key, base) = (share.id.clone(), st.limits.lock_base_secs);
    let failed = st
        .meta(move |m| m.settle_failure(&key, max, now(), base))
        .await?;
    if let Some(until) = failed.locked_until {
        log_event(st, &share.id, Event::Locked).await?;
        tracing::warn!(share = %log_id(&share.id), "share locked after wrong tokens");
        return Err(locked(until));
    }
    // how many more wrong tokens the share takes before it locks (the viewer says so)
    let attempts_left = u64::from(max).saturating_sub(failed.failures) as u32;
    Err(ApiError::TokenWrong {
        attempts_left: Some(attempts_left),
    })
}

// ---- handlers ----

async fn create_share(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Result<Json<CreateShare>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    // creations per client are bounded (a relay is no anonymous file host): a patient shares a
    // few studies a day; the bucket refills over time
    if !st.creations.try_spend(peer.ip()) {
        return Err(ApiError::RateLimited);
    }
    let Json(req) = body.map_err(|e| ApiError::BadRequest(format!("bad JSON body: {e}")))?;
    let expires_in = req.expires_in_secs.unwrap_or(DEFAULT_EXPIRY_SECS);
    if !scanpass_protocol::expiry_allowed(expires_in) {
        return Err(ApiError::BadRequest(format!(
            "expires_in_secs must be between 1 and {MAX_EXPIRY_SECS} (31 days)"
        )));
    }
    if req.max_downloads == Some(0) {
        return Err(ApiError::BadRequest(
            "max_downloads must be at least 1".into(),
        ));
    }
    let size_quota = req.size_quota.unwrap_or(st.limits.max_share_size);
    if size_quota > st.limits.max_share_size {
        return Err(ApiError::BadRequest(format!(
            "size_quota is above this relay's limit of {} bytes",
            st.limits.max_share_size
        )));
    }
    let auth_verifier = req
        .auth_verifier
        .as_deref()
        .map(parse_verifier)
        .transpose()?;
    let id = new_share_id();
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let owner_hash: [u8; 32] = Sha256::digest(secret).into();
    let created_at = now();
    let new = NewShare {
        id: id.clone(),
        owner_hash,
        created_at,
        expires_at: created_at + expires_in as i64,
        max_downloads: req.max_downloads,
        size_quota,
        auth_verifier,
        passcode: req.passcode.unwrap_or(true),
    };
    let expires_at = new.expires_at;
    st.meta(move |m| m.create_share(&new)).await?;
    tracing::info!(share = %log_id(&id), expires_in, "share created");
    Ok((
        StatusCode::CREATED,
        Json(Created {
            id,
            owner_secret: URL_SAFE_NO_PAD.encode(secret),
            expires_at,
        }),
    ))
}

/// Reads an upload's body up to `limit` bytes: larger is 413, a body cut short is 400.
fn parse_verifier(text: &str) -> Result<[u8; 32], ApiError> {
    hex::decode(text.trim())
        .ok()
        .and_then(|v| <[u8; 32]>::try_from(v).ok())
        .ok_or_else(|| {
            ApiError::BadRequest("auth_verifier must be 64 hex digits (a SHA-256)".into())
        })
}

/// The verifier depends on keys derived from the share id (scanpass-core `share::link`), which
/// the client learns only from `POST /api/shares`: so it can be set afterwards, until finalize.
async fn set_verifier(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<SetVerifier>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiError> {
    owner_share(&st, &id, &headers).await?;
    let Json(req) = body.map_err(|e| ApiError::BadRequest(format!("bad JSON body: {e}")))?;
    let verifier = parse_verifier(&req.auth_verifier)?;
    let passcode = req.passcode.unwrap_or(true);
    let lock = st.locks.get(&id);
    let _held = lock.lock().await;
    let share = live_share(&st, &id).await?;
    if share.finalized_chunks.is_some() {
        // setting the same verifier again is how a resumed upload makes sure of it
        return if share.auth_verifier.as_deref() == Some(&verifier[..]) {
            Ok(StatusCode::NO_CONTENT)
        } else {
            Err(ApiError::Finalized)
        };
    }
    let key = id.clone();
    st.meta(move |m| m.set_verifier(&key, &verifier, passcode))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The owner lifts a lock (the recipient had the right passcode after all): no failures counted,
/// the back-off from the start.
async fn unlock(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    owner_share(&st, &id, &headers).await?;
    let key = id.clone();
    st.meta(move |m| m.reset_lock(&key)).await?;
    tracing::info!(share = %log_id(&id), "share unlocked by its owner");
    Ok(StatusCode::NO_CONTENT)
}

async fn read_body(headers: &HeaderMap, body: Body, limit: u64) -> Result<Bytes, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::TooLarge(limit));
    }
    axum::body::to_bytes(body, limit as usize)
        .await
        .map_err(|e| {
            let inner = e.into_inner();
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(inner.as_ref());
            while let Some(err) = source {
                if err.is::<http_body_util::LengthLimitError>() {
                    return ApiError::TooLarge(limit);
                }
                source = err.source();
            }
            ApiError::BadRequest("the body was cut short".into())
        })
}

/// Refuses an upload that would take the relay's storage past `--max-total-size`. Checked before
/// the write, not in one transaction with it: uploads in flight at once can pass it together, by
/// at most their own sizes (the in-flight bound times the chunk size).
async fn check_total(st: &AppState, adding: u64) -> Result<(), ApiError> {
    let max = st.limits.max_total_size;
    if max == 0 {
        return Ok(());
    }
    let used = st.meta(|m| m.total_bytes()).await?;
    if used.saturating_add(adding) > max {
        tracing::warn!(used, max, "upload refused: the relay's storage is full");
        return Err(ApiError::StorageFull);
    }
    Ok(())
}

async fn put_object(st: &AppState, path: &ObjPath, bytes: Bytes) -> Result<(), ApiError> {
    st.store
        .put_opts(path, PutPayload::from_bytes(bytes), PutOptions::default())
        .await?;
    Ok(())
}

/// An object as a streamed response: its bytes go out as the store reads them, never held whole
/// (a chunk is up to `--max-chunk-size`, and many may be served at once).
async fn get_object(st: &AppState, path: &ObjPath) -> Result<Response, ApiError> {
    let got = st.store.get_opts(path, Default::default()).await?;
    let size = got.meta.size;
    let body = Body::from_stream(got.into_stream().map_err(|e| {
        // object_store's message names the path (the share id): keep only the kind
        tracing::error!(kind = %object_kind(&e), "object read failed mid-response");
        std::io::Error::other("object read failed")
    }));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            ),
            (header::CONTENT_LENGTH, HeaderValue::from(size)),
        ],
        body,
    )
        .into_response())
}

fn object_kind(e: &object_store::Error) -> &'static str {
    match e {
        object_store::Error::NotFound { .. } => "not found",
        _ => "store failure",
    }
}

async fn put_chunk(
    State(st): State<AppState>,
    Path((id, n)): Path<(String, u32)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<StoredReply>, ApiError> {
    if n >= MAX_CHUNKS {
        return Err(ApiError::BadRequest(format!(
            "chunk index must be below {MAX_CHUNKS}"
        )));
    }
    owner_share(&st, &id, &headers).await?;
    let bytes = read_body(&headers, body, st.limits.max_chunk_size).await?;
    let stored = Stored {
        size: bytes.len() as u64,
        sha256: sha256(&bytes),
    };
    let lock = st.locks.get(&id);
    let _held = lock.lock().await;
    // Re-read under the lock: finalize or revoke may have happened while the body arrived.
    let share = live_share(&st, &id).await?;
    let key = id.clone();
    let existing = st.meta(move |m| m.chunk(&key, n)).await?;
    let reply = StoredReply {
        index: Some(n),
        size: stored.size,
        sha256: hex::encode(&stored.sha256),
    };
    if existing.as_ref() == Some(&stored) {
        return Ok(Json(reply)); // the same chunk again: already stored
    }
    if share.finalized_chunks.is_some() {
        return Err(ApiError::Finalized);
    }
    let old = existing.map_or(0, |c| c.size);
    if share.bytes_used - old + stored.size > share.size_quota {
        return Err(ApiError::Quota);
    }
    check_total(&st, stored.size).await?;
    put_object(&st, &chunk_path(&id, n), bytes).await?;
    let key = id.clone();
    st.meta(move |m| m.record_chunk(&key, n, &stored)).await?;
    Ok(Json(reply))
}

async fn put_manifest(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<StoredReply>, ApiError> {
    owner_share(&st, &id, &headers).await?;
    let bytes = read_body(&headers, body, st.limits.max_chunk_size).await?;
    let stored = Stored {
        size: bytes.len() as u64,
        sha256: sha256(&bytes),
    };
    let lock = st.locks.get(&id);
    let _held = lock.lock().await;
    let share = live_share(&st, &id).await?;
    let reply = StoredReply {
        index: None,
        size: stored.size,
        sha256: hex::encode(&stored.sha256),
    };
    if share.manifest.as_ref() == Some(&stored) {
        return Ok(Json(reply));
    }
    if share.finalized_chunks.is_some() {
        return Err(ApiError::Finalized);
    }
    let old = share.manifest.as_ref().map_or(0, |m| m.size);
    if share.bytes_used - old + stored.size > share.size_quota {
        return Err(ApiError::Quota);
    }
    check_total(&st, stored.size).await?;
    put_object(&st, &manifest_path(&id), bytes).await?;
    let key = id.clone();
    st.meta(move |m| m.record_manifest(&key, &stored)).await?;
    Ok(Json(reply))
}

async fn upload_status(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<UploadStatus>, ApiError> {
    let share = owner_share(&st, &id, &headers).await?;
    let key = id.clone();
    let chunks = st.meta(move |m| m.chunks(&key)).await?;
    Ok(Json(UploadStatus {
        chunks: chunks
            .into_iter()
            .map(|(index, s)| ChunkStatus {
                index,
                size: s.size,
            })
            .collect(),
        manifest: share.manifest.as_ref().map(|m| ChunkStatus {
            index: 0,
            size: m.size,
        }),
        finalized: share.finalized_chunks.is_some(),
        chunk_count: share.finalized_chunks,
        bytes_used: share.bytes_used,
        size_quota: share.size_quota,
        max_chunk_size: st.limits.max_chunk_size,
        expires_at: share.expires_at,
        downloads: share.downloads,
        max_downloads: share.max_downloads,
        has_verifier: share.auth_verifier.is_some(),
        passcode: share.passcode,
        locked: share.passcode && share.locked_until > now(),
        locked_until: if share.passcode {
            share.locked_until
        } else {
            0
        },
    }))
}

async fn finalize(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<Finalize>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Finalized>, ApiError> {
    owner_share(&st, &id, &headers).await?;
    let Json(req) = body.map_err(|e| ApiError::BadRequest(format!("bad JSON body: {e}")))?;
    if req.chunks == 0 || req.chunks > MAX_CHUNKS {
        return Err(ApiError::BadRequest(format!(
            "chunks must be between 1 and {MAX_CHUNKS}"
        )));
    }
    let lock = st.locks.get(&id);
    let _held = lock.lock().await;
    let share = live_share(&st, &id).await?;
    if let Some(n) = share.finalized_chunks {
        return if n == req.chunks {
            Ok(Json(Finalized {
                bytes: share.bytes_used,
                chunks: n,
            }))
        } else {
            Err(ApiError::Finalized)
        };
    }
    if share.auth_verifier.is_none() {
        return Err(ApiError::NoVerifier);
    }
    if share.manifest.is_none() {
        return Err(ApiError::Incomplete("the manifest is missing".into()));
    }
    let key = id.clone();
    let stored: Vec<u32> = st
        .meta(move |m| m.chunks(&key))
        .await?
        .into_iter()
        .map(|(i, _)| i)
        .collect();
    let missing: Vec<u32> = (0..req.chunks)
        .filter(|i| stored.binary_search(i).is_err())
        .take(20)
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::Incomplete(format!(
            "chunks missing (first ones): {missing:?}"
        )));
    }
    if let Some(extra) = stored.iter().find(|&&i| i >= req.chunks) {
        return Err(ApiError::Incomplete(format!(
            "chunk {extra} is stored beyond the count given"
        )));
    }
    let key = id.clone();
    let n = req.chunks;
    st.meta(move |m| m.finalize(&key, n)).await?;
    tracing::info!(share = %log_id(&id), chunks = n, "share finalized");
    Ok(Json(Finalized {
        bytes: share.bytes_used,
        chunks: n,
    }))
}

async fn get_manifest(
    State(st): State<AppState>,
    method: Method,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let share = recipient_share(&st, &id, &headers).await?;
    if method == Method::HEAD {
        // axum answers HEAD through GET routes: check access, count and log nothing
        return Ok(StatusCode::OK.into_response());
    }
    let key = share.id.clone();
    let counted = st.meta(move |m| m.count_download(&key, now())).await?;
    if counted == DownloadCount::Exhausted {
        return Err(ApiError::Gone);
    }
    log_event(&st, &id, Event::Manifest).await?;
    get_object(&st, &manifest_path(&id)).await
}

async fn get_chunk(
    State(st): State<AppState>,
    method: Method,
    Path((id, n)): Path<(String, u32)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let share = recipient_share(&st, &id, &headers).await?;
    if n >= share.finalized_chunks.unwrap_or(0) {
        return Err(ApiError::NotFound);
    }
    // After the last allowed download, its chunks stay fetchable for a grace period only.
    if let (Some(max), Some(at)) = (share.max_downloads, share.exhausted_at) {
        if share.downloads >= max && now() > at + st.limits.download_grace_secs as i64 {
            return Err(ApiError::Gone);
        }
    }
    if method == Method::HEAD {
        return Ok(StatusCode::OK.into_response());
    }
    log_event(&st, &id, Event::Chunk).await?;
    get_object(&st, &chunk_path(&id, n)).await
}

async fn revoke(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    owner_share(&st, &id, &headers).await?;
    let lock = st.locks.get(&id);
    let _held = lock.lock().await;
    let key = id.clone();
    st.meta(move |m| m.set_state(&key, ShareState::Revoked))
        .await?;
    purge(&st, &id).await?;
    tracing::info!(share = %log_id(&id), "share revoked");
    Ok(StatusCode::NO_CONTENT)
}

async fn access_log(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<AccessLog>, ApiError> {
    owner_share(&st, &id, &headers).await?;
    let key = id.clone();
    let events: Vec<AccessEvent> = st
        .meta(move |m| m.events(&key))
        .await?
        .into_iter()
        .map(|(at, event)| AccessEvent {
            at,
            event: event.as_str().to_string(),
        })
        .collect();
    Ok(Json(AccessLog { events }))
}

// ---- deletion ----

/// Deletes every object of a share and marks it purged (its row stays as a tombstone).
pub async fn purge(st: &AppState, id: &str) -> Result<(), ApiError> {
    let locations = st
        .store
        .list(Some(&share_prefix(id)))
        .map_ok(|m| m.location);
    let deleted: Vec<_> = st
        .store
        .delete_stream(locations.boxed())
        .collect::<Vec<_>>()
        .await;
    for r in deleted {
        match r {
            Ok(_) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let key = id.to_string();
    st.meta(move |m| m.mark_purged(&key)).await
}

/// Deletes the objects of revoked, expired and spent shares (a spent share's ciphertext is kept
/// only for the grace its last download had to finish), and forgets idle rate-limit buckets.
pub async fn sweep(st: &AppState) -> Result<usize, ApiError> {
    st.limiter.prune();
    st.creations.prune();
    let grace = st.limits.download_grace_secs;
    let ids = st.meta(move |m| m.to_purge(now(), grace)).await?;
    let n = ids.len();
    for id in ids {
        let lock = st.locks.get(&id);
        let _held = lock.lock().await;
        purge(st, &id).await?;
        tracing::info!(share = %log_id(&id), "share purged");
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_ids_are_well_formed_and_never_start_like_an_option() {
        // one id in 32 would start with '-' or '_' without the redraw: 2000 draws catch it
        for _ in 0..2000 {
            let id = new_share_id();
            assert!(valid_id(&id), "{id}");
            assert!(id.starts_with(|c: char| c.is_ascii_alphanumeric()), "{id}");
        }
    }
}
