//! The relay's HTTP server (see `relay/API.md`), one file per job:
//! - this file: the shared state and limits, the route table, the security headers, and the
//!   guard every request passes (failure rate limit, in-flight bound, request logs);
//! - `routes.rs`: the handlers, one per route of the API;
//! - `auth.rs`: share ids, the owner's secret, the recipient's token and the passcode lock;
//! - `locks.rs`: one write lock per share, so an owner's writes never interleave;
//! - `objects.rs`: the shares' objects in the object store (paths, writes, streamed reads, the
//!   storage bound), their purge and the expiry sweep.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use object_store::ObjectStore;
use sha2::{Digest, Sha256};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::ApiError;
use crate::meta::{Event, MetaStore};
use crate::ratelimit::FailureLimiter;
use locks::ShareLocks;
use routes::{
    access_log, create_share, finalize, get_chunk, get_manifest, put_chunk, put_manifest, revoke,
    set_verifier, unlock, upload_status,
};

use scanpass_protocol::TOKEN_HEADER;
pub use scanpass_protocol::{DAY, DEFAULT_EXPIRY_SECS, MAX_CHUNKS, MAX_EXPIRY_SECS};

mod auth;
mod locks;
mod objects;
mod routes;

pub use objects::{purge, sweep};

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

/// Adds an event to the share's access log (what its owner reads).
async fn log_event(st: &AppState, id: &str, event: Event) -> Result<(), ApiError> {
    let key = id.to_string();
    st.meta(move |m| m.log_event(&key, now(), event)).await
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
