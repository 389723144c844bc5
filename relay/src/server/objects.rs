//! The shares' objects in the object store (`shares/<id>/chunks/<n>`, `shares/<id>/manifest`):
//! writes, reads streamed out as the store serves them, the relay's storage bound, and deletion
//! (a share's purge, the expiry sweep).

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use futures::{StreamExt, TryStreamExt};
use object_store::path::Path as ObjPath;
use object_store::{GetResultPayload, ObjectStore, PutOptions, PutPayload};

use super::{log_id, now, AppState};
use crate::error::ApiError;

fn share_prefix(id: &str) -> ObjPath {
    ObjPath::from(format!("shares/{id}"))
}

pub(super) fn chunk_path(id: &str, n: u32) -> ObjPath {
    ObjPath::from(format!("shares/{id}/chunks/{n:010}"))
}

pub(super) fn manifest_path(id: &str) -> ObjPath {
    ObjPath::from(format!("shares/{id}/manifest"))
}

/// Refuses an upload that would take the relay's storage past `--max-total-size`. Checked before
/// the write, not in one transaction with it: uploads in flight at once can pass it together, by
/// at most their own sizes (the in-flight bound times the chunk size).
pub(super) async fn check_total(st: &AppState, adding: u64) -> Result<(), ApiError> {
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

pub(super) async fn put_object(
    st: &AppState,
    path: &ObjPath,
    bytes: Bytes,
) -> Result<(), ApiError> {
    st.store
        .put_opts(path, PutPayload::from_bytes(bytes), PutOptions::default())
        .await?;
    Ok(())
}

/// An object as a streamed response: its bytes go out as the store reads them, never held whole
/// (a chunk is up to `--max-chunk-size`, and many may be served at once).
pub(super) async fn get_object(st: &AppState, path: &ObjPath) -> Result<Response, ApiError> {
    let got = st.store.get_opts(path, Default::default()).await?;
    let size = got.meta.size;
    let stream = match got.payload {
        GetResultPayload::File(file, _) => file_blocks(file, got.range).boxed(),
        GetResultPayload::Stream(s) => s,
    };
    let body = Body::from_stream(stream.map_err(|e| {
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

/// Bytes read from a local file at a time, each read on the blocking pool.
const FILE_BLOCK: usize = 256 * 1024;

/// A local object's bytes in [`FILE_BLOCK`] reads. object_store's own stream of a local file
/// (`GetResult::into_stream`) reads 8 KiB at a time, each read a task of its own on the blocking
/// pool: 128 hand-offs between threads for a 1 MiB chunk made a recipient's GET 3–5 times slower
/// than reading the object whole (benches/share, one GET at a time, 2026-12-07). 256 KiB keeps a
/// response's memory small while many are served at once, in 4 hand-offs per chunk.
fn file_blocks(
    file: std::fs::File,
    range: std::ops::Range<u64>,
) -> impl futures::Stream<Item = object_store::Result<Bytes>> + Send + 'static {
    futures::stream::try_unfold(
        (file, range.start, range.end),
        |(mut file, at, end)| async move {
            if at >= end {
                return Ok(None);
            }
            let len = (end - at).min(FILE_BLOCK as u64) as usize;
            tokio::task::spawn_blocking(move || {
                use std::io::{Read, Seek, SeekFrom};
                let mut buf = vec![0u8; len];
                file.seek(SeekFrom::Start(at))
                    .and_then(|_| file.read_exact(&mut buf))
                    .map_err(|e| object_store::Error::Generic {
                        store: "LocalFileSystem",
                        source: Box::new(e),
                    })?;
                Ok(Some((Bytes::from(buf), (file, at + len as u64, end))))
            })
            .await
            .map_err(|e| object_store::Error::Generic {
                store: "LocalFileSystem",
                source: Box::new(e),
            })?
        },
    )
}

fn object_kind(e: &object_store::Error) -> &'static str {
    match e {
        object_store::Error::NotFound { .. } => "not found",
        _ => "store failure",
    }
}

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
