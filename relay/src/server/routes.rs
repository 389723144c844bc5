//! The handlers, one per route of the API (`relay/API.md`): the owner's (create, upload,
//! verifier, finalize, status, unlock, access log, revoke) and the recipient's (manifest, chunks).

use std::net::SocketAddr;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::auth::{live_share, new_share_id, owner_share, recipient_share, sha256};
use super::objects::{check_total, chunk_path, get_object, manifest_path, purge, put_object};
use super::{log_event, log_id, now, AppState};
use crate::error::ApiError;
use crate::meta::{DownloadCount, Event, NewShare, ShareState, Stored};
use scanpass_protocol::{
    AccessEvent, AccessLog, ChunkStatus, CreateShare, Created, Finalize, Finalized, SetVerifier,
    StoredReply, UploadStatus, DEFAULT_EXPIRY_SECS, MAX_CHUNKS, MAX_EXPIRY_SECS,
};

pub(super) async fn create_share(
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

/// The verifier a client sends: 64 hex digits of a SHA-256.
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
pub(super) async fn set_verifier(
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
pub(super) async fn unlock(
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

/// Reads an upload's body up to `limit` bytes: larger is 413, a body cut short is 400.
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

pub(super) async fn put_chunk(
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

pub(super) async fn put_manifest(
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

pub(super) async fn upload_status(
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

pub(super) async fn finalize(
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

pub(super) async fn get_manifest(
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

pub(super) async fn get_chunk(
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

pub(super) async fn revoke(
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

pub(super) async fn access_log(
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
