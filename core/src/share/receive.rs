//! The receive flow: open a link (with its passcode when it has one), fetch and decrypt the
//! manifest and each file's chunks, check each file's SHA-256, and import the images into the
//! vault with the same checks as any import ([`crate::import::Ingest`]). Nothing decrypted is
//! written to disk outside the vault.

use sha2::{Digest, Sha256};

use super::manifest::{FileKind, Manifest, ManifestError, Piece};
use super::relay_client::{Relay, ShareError};
use super::seal::{self, SealError};
use super::stream;
use super::{Link, ShareKeys};
use crate::crypto::SecretBytes;
use crate::error::{Error, Result};
use crate::import::{CancelToken, ImportListener, ImportSummary, Ingest};
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
    /// Chunk `n` of the stream, fetched and opened.
    pub fn chunk(&self, n: u32) -> Result<SecretBytes> {
        let token = self.keys.token_hex();
        let limit = self.manifest.chunk_size + seal::OVERHEAD as u64;
        let sealed = self.relay.chunk(&self.link.share_id, &token, n, limit)?;
        let plain = seal::open_owned(
            &self.keys.content,
            sealed,
            &seal::chunk_aad(&self.link.share_id, n),
        )
        .map_err(sealed_error)?;
        if plain.len() as u64 != self.manifest.chunk_size {
            return Err(Error::Integrity(
                "a shared chunk is not of the share's chunk size".into(),
            ));
        }
        Ok(plain)
    }

    /// The plaintext of a piece of the stream (a file, a thumbnail), its chunks fetched and its
    /// SHA-256 checked.
    pub fn piece(&self, p: &Piece) -> Result<SecretBytes> {
        let chunks = stream::chunks_of(p.offset, p.size, self.manifest.chunk_size);
        let mut got = Vec::with_capacity((chunks.end - chunks.start) as usize);
        for n in chunks.clone() {
            got.push(self.chunk(n as u32)?);
        }
        let got: Vec<&[u8]> = got.iter().map(|c| c.as_slice()).collect();
        cut(&got, chunks.start, self.manifest.chunk_size, p)
    }
}

/// `p`'s bytes out of the opened chunks `first ..` that hold it, checked against its SHA-256.
pub(crate) fn cut(chunks: &[&[u8]], first: u64, chunk_size: u64, p: &Piece) -> Result<SecretBytes> {
    let mut out = SecretBytes::with_capacity(p.size as usize);
    let (start, end) = (p.offset, p.offset + p.size);
    for (i, c) in chunks.iter().enumerate() {
        let at = (first + i as u64) * chunk_size;
        let from = start.max(at) - at;
        let to = end.min(at + chunk_size) - at;
        if from < to {
            out.extend_from_slice(&c[from as usize..to as usize]);
        }
    }
    if out.len() as u64 != p.size || hex::encode(Sha256::digest(out.as_slice())) != p.sha256 {
        return Err(Error::Integrity(
            "a shared file does not match its checksum".into(),
        ));
    }
    Ok(out)
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
        ManifestError::TooNew(_) | ManifestError::TooOld(_) | ManifestError::Damaged => {
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
    let m = &open.manifest;
    // the images in stream order (a file is stored once all the chunks it spans are here)
    let mut images: Vec<usize> = (0..m.files.len())
        .filter(|&i| m.files[i].kind == FileKind::Image)
        .collect();
    images.sort_by_key(|&i| m.files[i].offset);
    let bytes = images.iter().map(|&i| m.files[i].size).sum();
    let mut ingest = Ingest::begin(vault, listener, images.len() as u64, bytes)?;
    // Every chunk is fetched, the padding too, in order: the relay sees a whole download of the
    // padded stream, never where the files end (ADR 9). Fetching and opening (network, AES) on
    // FETCHERS threads, each taking the next chunk; cutting files out, checking and storing
    // (vault encryption, index) on this one; at most 4 opened chunks wait in the channel.
    const FETCHERS: u32 = 3;
    let (tx, rx) = std::sync::mpsc::sync_channel::<(u32, Result<SecretBytes>)>(4);
    let next = std::sync::atomic::AtomicU32::new(0);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let chunk_size = m.chunk_size;
    std::thread::scope(|scope| -> Result<()> {
        let (open, next, stop) = (&open, &next, &stop);
        for _ in 0..FETCHERS {
            let tx = tx.clone();
            scope.spawn(move || {
                use std::sync::atomic::Ordering::SeqCst;
                while !cancel.is_cancelled() && !stop.load(SeqCst) {
                    let n = next.fetch_add(1, SeqCst);
                    if n >= open.manifest.chunk_count {
                        break;
                    }
                    let r = open.chunk(n);
                    // the relay refused or the network failed: no fetcher goes on
                    let fatal = matches!(r, Err(Error::Share(_)));
                    if tx.send((n, r)).is_err() || fatal {
                        stop.store(true, SeqCst);
                        break;
                    }
                }
            });
        }
        drop(tx);
        // opened chunks not yet used up (`None`: it did not open, so neither do its files); those
        // no image still to store spans (padding, README.TXT, DICOMDIR) are never kept
        let mut held = std::collections::BTreeMap::<u64, Option<SecretBytes>>::new();
        let need_end = images
            .iter()
            .map(|&i| stream::chunks_of(m.files[i].offset, m.files[i].size, chunk_size).end)
            .max()
            .unwrap_or(0);
        let mut keep = 0u64; // chunks below this are done with
        let mut k = 0; // the next image to store
        let mut store = |held: &mut std::collections::BTreeMap<u64, Option<SecretBytes>>,
                         k: &mut usize,
                         keep: &mut u64|
         -> Result<()> {
            while let Some(&i) = images.get(*k) {
                let f = &m.files[i];
                let span = stream::chunks_of(f.offset, f.size, chunk_size);
                if !span.clone().all(|n| held.contains_key(&n)) {
                    break;
                }
                let opened: Option<Vec<&[u8]>> = span
                    .clone()
                    .map(|n| held[&n].as_ref().map(|c| c.as_slice()))
                    .collect();
                let r = match opened {
                    Some(chunks) => cut(&chunks, span.start, chunk_size, &f.piece()),
                    None => Err(Error::Integrity("shared data does not decrypt".into())),
                };
                ingest.add(&f.path, f.size, r.map(|mut b| b.take()))?;
                *k += 1;
                // chunks before the next image's first are done with
                *keep = images.get(*k).map_or(u64::MAX, |&j| {
                    stream::chunks_of(m.files[j].offset, m.files[j].size, chunk_size).start
                });
                held.retain(|&n, _| n >= *keep);
            }
            Ok(())
        };
        store(&mut held, &mut k, &mut keep)?; // empty files
        for (n, r) in rx {
            let n = n as u64;
            let wanted = n >= keep && n < need_end;
            match r {
                Ok(plain) if wanted => held.insert(n, Some(plain)),
                Ok(_) => None,
                // the relay or the network failed: stop (what is stored stays; receiving again
                // skips it as duplicates)
                Err(e @ Error::Share(_)) => return Err(e),
                Err(_) if wanted => held.insert(n, None),
                Err(_) => None,
            };
            store(&mut held, &mut k, &mut keep)?;
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
