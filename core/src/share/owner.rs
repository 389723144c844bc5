//! A share once sent, as its owner manages it through the relay: revoke it, lift the lock wrong
//! passcodes put on it, read its access log. Each call authenticates with the owner secret the
//! vault keeps in the share's record ([`super::ShareRecord`]).

use super::relay_client::{AccessEvent, Relay, ShareError};
use super::{ShareLifecycle, ShareRecord};
use crate::error::Result;
use crate::vault::Vault;

/// Revoke a share: the relay deletes its ciphertext; the record stays, marked revoked. A share
/// the relay no longer has (expired, revoked elsewhere) is simply marked.
pub fn revoke(vault: &Vault, id: &str) -> Result<ShareRecord> {
    let mut r = vault.share_record(id)?;
    let relay = Relay::new(&r.relay)?;
    match relay.revoke(&r.id, &r.owner_secret) {
        Ok(()) | Err(ShareError::Gone | ShareError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    r.state = ShareLifecycle::Revoked;
    r.pending = None;
    vault.save_share(&r)?;
    Ok(r)
}

/// Lift the lock the relay put on a passcode share after wrong passcodes (the recipient had the
/// right one after all): they can try again at once, the back-off starts afresh.
pub fn unlock(vault: &Vault, id: &str) -> Result<ShareRecord> {
    let r = vault.share_record(id)?;
    let relay = Relay::new(&r.relay)?;
    relay.unlock(&r.id, &r.owner_secret)?;
    Ok(r)
}

/// The relay's access log of a share: when it was opened and how often.
pub fn access_log(vault: &Vault, id: &str) -> Result<Vec<AccessEvent>> {
    let r = vault.share_record(id)?;
    let relay = Relay::new(&r.relay)?;
    Ok(relay.access_log(&r.id, &r.owner_secret)?)
}
