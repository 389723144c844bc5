//! The receive flow: open a link (with its passcode when it has one), fetch and decrypt the
//! manifest and each file's chunks, check each file's SHA-256, and import the images into the
//! vault with the same checks as any import ([`crate::import::Ingest`]). Nothing decrypted is
//! written to disk outside the vault.

use sha2::{Digest, Sha256};

use super::manifest::{self, FileKind, Manifest, ManifestError};
use super::relay_client::{Relay, ShareError};
use super::seal::{self, SealError};
use super::{Link, ShareKeys};
use crate::error::{Error, Result};
use crate::import::{CancelToken, ImportListener, ImportSummary, Ingest};
use crate::vault::crypto::SecretBytes;
use crate::vault::Vault;

/// What receiving a share did.
#[derive(Debug, Clone)]
pub struct Received {
    pub import: ImportSummary,
    /// The preset the sender applied, if any.
    pub deidentified: Option<String>,
    /// The sender's warning about identifying text in pixels, if any.
    pub warning: Option<String>,
}

/// An opened share: its link, relay, keys and decrypted manifest.
pub struct OpenShare {
    pub link: Link,
    pub relay: Relay,
    pub keys: ShareKeys,
    pub manifest: Manifest,
}

impl OpenShare {
    /// The plaintext of file `i` of the manifest, its chunks fetched and checked.
    pub fn file(&self, i: usize) -> Result<SecretBytes> {
        let f = self.manifest.files.get(i).ok_or(Error::NotFound("file"))?;
        let token = self.keys.token_hex();
        // room for the whole file at once, within what its chunks can hold (the size is the
        // sender's word: never trusted beyond that)
        let room = (f.size as usize).min(f.chunks as usize * manifest::CHUNK_SIZE);
        let mut out = SecretBytes::with_capacity(if f.chunks > 1 { room } else { 0 });
        for n in f.first_chunk..f.first_chunk + f.chunks {
            let limit = self.manifest.chunk_size + seal::OVERHEAD as u64;
            let sealed = self.relay.chunk(&self.link.share_id, &token, n, limit)?;
            let mut plain = seal::open_owned(
                &self.keys.content,
                sealed,
                &seal::chunk_aad(&self.link.share_id, n),
            )
            .map_err(sealed_error)?;
            if f.chunks == 1 {
                std::mem::swap(&mut out, &mut plain); // a file of one chunk: no copy
            } else {
                out.extend_from_slice(&plain);
            }
        }
        if out.len() as u64 != f.size || hex::encode(Sha256::digest(out.as_slice())) != f.sha256 {
            return Err(Error::Integrity(
                "a shared file does not match its checksum".into(),
            ));
        }
        Ok(out)
    }
}

fn sealed_error(e: SealError) -> Error {
    match e {
        SealError::Version => Error::from(ShareError::Data(
            "the share was made by a newer Scanpass: update the app".into(),
        )),
        SealError::Integrity => Error::Integrity("shared data does not decrypt".into()),
    }
}

/// Open a link: derive the keys (an Argon2id derivation when there is a passcode), fetch and
/// decrypt the manifest. Counts one download on the relay.
pub fn open_share(link_text: &str, passcode: Option<&str>) -> Result<OpenShare> {
    let link = Link::parse(link_text).map_err(|e| Error::from(ShareError::Data(e.to_string())))?;
    if link.passcode && passcode.is_none_or(|p| p.trim().is_empty()) {
        return Err(ShareError::PasscodeNeeded.into());
    }
    let relay = Relay::new(&link.base)?;
    let keys = link.keys(passcode.filter(|_| link.passcode));
    let sealed = relay.manifest(&link.share_id, &keys.token_hex())?;
    let plain =
        seal::open(&keys.manifest, &sealed, &seal::manifest_aad(&link.share_id)).map_err(|e| {
            match e {
                SealError::Integrity => Error::from(ShareError::Data(
                    "the link's key does not open this share (the link may be damaged)".into(),
                )),
                other => sealed_error(other),
            }
        })?;
    let manifest = Manifest::from_json(&plain).map_err(|e| match e {
        ManifestError::TooNew(_) | ManifestError::Damaged => {
            Error::from(ShareError::Data(e.to_string()))
        }
    })?;
    Ok(OpenShare {
        link,
        relay,
        keys,
        manifest,
    })
}

/// Receive a share into the vault: every image file of it, through the import's checks.
pub fn receive(
    vault: &Vault,
    link_text: &str,
    passcode: Option<&str>,
    listener: &dyn ImportListener,
    cancel: &CancelToken,
) -> Result<Received> {
    if !vault.is_unlocked() {
        return Err(Error::Locked);
    }
    let open = open_share(link_text, passcode)?;
    let images: Vec<usize> = (0..open.manifest.files.len())
        .filter(|&i| open.manifest.files[i].kind == FileKind::Image)
        .collect();
    let bytes = images.iter().map(|&i| open.manifest.files[i].size).sum();
    let mut ingest = Ingest::begin(vault, listener, images.len() as u64, bytes)?;
    // fetching and decrypting (network, AES, SHA-256) on FETCHERS threads, each taking the next
    // file, storing (vault encryption, index) on this one: they overlap, and the requests of
    // several files are in flight at once; at most 4 files wait to be stored
    const FETCHERS: usize = 3;
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Result<SecretBytes>)>(4);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| -> Result<()> {
        let (open, images, next, stop) = (&open, &images, &next, &stop);
        for _ in 0..FETCHERS {
            let tx = tx.clone();
            scope.spawn(move || {
                use std::sync::atomic::Ordering::SeqCst;
                while !cancel.is_cancelled() && !stop.load(SeqCst) {
                    let Some(&i) = images.get(next.fetch_add(1, SeqCst)) else {
                        break;
                    };
                    let r = open.file(i);
                    // the relay refused or the network failed: no fetcher goes on
                    let fatal = matches!(r, Err(Error::Share(_)));
                    if tx.send((i, r)).is_err() || fatal {
                        stop.store(true, SeqCst);
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (i, r) in rx {
            let f = &open.manifest.files[i];
            match r {
                Ok(mut plain) => ingest.add(&f.path, f.size, Ok(plain.take()))?,
                // the relay or the network failed: stop (what is stored stays; receiving again
                // skips it as duplicates)
                Err(e @ Error::Share(_)) => return Err(e),
                Err(e) => ingest.add(&f.path, f.size, Err(e))?,
            }
        }
        Ok(())
    })?;
    if cancel.is_cancelled() {
        ingest.summary.cancelled = true;
    }
    Ok(Received {
        import: ingest.finish()?,
        deidentified: open.manifest.deidentified.clone(),
        warning: open.manifest.burned_in_warning.clone(),
    })
}
