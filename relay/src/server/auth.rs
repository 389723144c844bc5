//! Who may do what on a share: well-formed share ids, the owner's secret (bearer, compared by
//! its hash in constant time), and the recipient's token, counted against the passcode lock.

use std::time::Duration;

use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use scanpass_protocol::TOKEN_HEADER;
use sha2::{Digest, Sha256};

use super::{log_event, log_id, now, AppState};
use crate::error::ApiError;
use crate::meta::{Attempt, Event, Share, ShareState};

pub(super) fn sha256(bytes: &[u8]) -> Vec<u8> {
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
pub(super) fn new_share_id() -> String {
    loop {
        let id = random_b64(16);
        if id.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return id;
        }
    }
}

/// A well-formed share id is 22 base64url characters of 16 bytes; anything else is unknown.
pub(super) fn valid_id(id: &str) -> bool {
    id.len() == 22 && URL_SAFE_NO_PAD.decode(id).is_ok_and(|b| b.len() == 16)
}

/// The share, if it exists and is live (not revoked, expired or purged).
pub(super) async fn live_share(st: &AppState, id: &str) -> Result<Share, ApiError> {
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

pub(super) async fn owner_share(
    st: &AppState,
    id: &str,
    headers: &HeaderMap,
) -> Result<Share, ApiError> {
    let share = live_share(st, id).await?;
    check_owner(&share, headers)?;
    Ok(share)
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
pub(super) async fn recipient_share(
    st: &AppState,
    id: &str,
    headers: &HeaderMap,
) -> Result<Share, ApiError> {
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
