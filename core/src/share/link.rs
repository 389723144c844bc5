//! The share link and the keys derived from it.
//!
//! A link is `https://HOST/s/<share-id>#<key>`: the share id names the ciphertext on the relay;
//! the key (256 random bits, base64url) lives only in the fragment, which a browser never sends
//! to the server, and the apps never log.
//!
//! Keys ([`ShareKeys::derive`]): a root key is extracted from the link key with HKDF-SHA256,
//! salted with the share id and, when the patient set a passcode, with an Argon2id hash of the
//! passcode (salted with the share id and the link key, so it cannot be precomputed for all
//! shares). From the root: the content key (study files), the manifest key (the encrypted list of
//! files), and the access token the recipient shows the relay. The relay keeps only SHA-256 of
//! the token (the verifier), checks it before serving anything, and locks the share after a
//! number of wrong tokens: a leaked link without its passcode opens nothing, and the relay never
//! learns a key.

use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hkdf::Hkdf;
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::vault::crypto::Key;

/// Argon2id cost of a passcode: 64 MiB, 3 passes, 1 lane, as the vault passphrase (about 0.3 s
/// here; a recipient types it once).
const PASSCODE_MEMORY_KIB: u32 = 64 * 1024;
const PASSCODE_PASSES: u32 = 3;

/// Why a link does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("the link does not start with https:// (or http:// to this device)")]
    Scheme,
    #[error("the link has no share id (expected .../s/<id>#<key>)")]
    NoShareId,
    #[error("the link has no key after '#' (it may have been cut when copied)")]
    NoKey,
    #[error("the link's key is damaged (it may have been cut or changed when copied)")]
    BadKey,
    #[error("the link's share id is damaged")]
    BadShareId,
}

/// A share link: where the relay is, which share, and the key.
#[derive(Clone, PartialEq, Eq)]
pub struct Link {
    /// `https://host[:port][/prefix]`, without the trailing `/s/...`.
    pub base: String,
    /// The share id the relay gave (base64url).
    pub share_id: String,
    /// Whether the share needs a passcode (written `#p.<key>`), so that a viewer asks for it
    /// before its first request instead of spending an attempt.
    pub passcode: bool,
    key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // the key never reaches a log
        f.debug_struct("Link")
            .field("base", &self.base)
            .field("share_id", &self.share_id)
            .field("passcode", &self.passcode)
            .field("key", &"(hidden)")
            .finish()
    }
}

fn valid_id(id: &str) -> bool {
    (8..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Link {
    /// A new link with a fresh random key for a share the relay at `base` created as `share_id`.
    pub fn new(base: &str, share_id: &str) -> Result<Link, LinkError> {
        let mut key = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(key.as_mut());
        Self::with_key(base, share_id, *key)
    }

    fn with_key(base: &str, share_id: &str, key: [u8; 32]) -> Result<Link, LinkError> {
        let base = base.trim_end_matches('/');
        if !(base.starts_with("https://") || is_local_http(base)) {
            return Err(LinkError::Scheme);
        }
        if !valid_id(share_id) {
            return Err(LinkError::BadShareId);
        }
        Ok(Link {
            base: base.to_string(),
            share_id: share_id.to_string(),
            passcode: false,
            key: Zeroizing::new(key),
        })
    }

    /// The same link, saying whether the share needs a passcode.
    pub fn with_passcode(mut self, passcode: bool) -> Link {
        self.passcode = passcode;
        self
    }

    /// Read a link as a patient pasted it (spaces and line breaks around it are ignored).
    pub fn parse(text: &str) -> Result<Link, LinkError> {
        let text = text.trim();
        let (before, fragment) = text.split_once('#').ok_or(LinkError::NoKey)?;
        if !(before.starts_with("https://") || is_local_http(before)) {
            return Err(LinkError::Scheme);
        }
        let (base, id) = before.rsplit_once("/s/").ok_or(LinkError::NoShareId)?;
        let id = id.trim_end_matches('/');
        if id.is_empty() {
            return Err(LinkError::NoShareId);
        }
        let (passcode, fragment) = match fragment.strip_prefix("p.") {
            Some(rest) => (true, rest),
            None => (false, fragment),
        };
        if fragment.is_empty() {
            return Err(LinkError::NoKey);
        }
        let raw = Zeroizing::new(
            URL_SAFE_NO_PAD
                .decode(fragment)
                .map_err(|_| LinkError::BadKey)?,
        );
        let key: [u8; 32] = raw.as_slice().try_into().map_err(|_| LinkError::BadKey)?;
        Ok(Self::with_key(base, id, key)?.with_passcode(passcode))
    }

    /// The link as text, key included: for the patient to send, never for a log.
    pub fn to_url(&self) -> String {
        format!(
            "{}/s/{}#{}{}",
            self.base,
            self.share_id,
            if self.passcode { "p." } else { "" },
            URL_SAFE_NO_PAD.encode(self.key.as_ref())
        )
    }

    /// The keys of this share, with the passcode if the patient set one. Costs an Argon2id
    /// derivation (about 0.3 s) when there is a passcode.
    pub fn keys(&self, passcode: Option<&str>) -> ShareKeys {
        ShareKeys::derive(&self.key, &self.share_id, passcode)
    }

    /// The link as a QR code for a terminal (two rows of modules per line of text).
    pub fn qr_terminal(&self) -> Result<String, LinkError> {
        let code = qrcode::QrCode::new(self.to_url().as_bytes()).map_err(|_| LinkError::BadKey)?;
        Ok(code
            .render::<qrcode::render::unicode::Dense1x2>()
            .quiet_zone(true)
            .build())
    }

    /// The link as a QR code PNG, `scale` pixels a module, with the standard 4-module quiet zone.
    pub fn qr_png(&self, scale: u32) -> crate::Result<Vec<u8>> {
        let code = qrcode::QrCode::new(self.to_url().as_bytes())
            .map_err(|e| crate::Error::InvalidArgument(format!("QR code: {e}")))?;
        let width = code.width() as u32;
        let colors = code.to_colors();
        let scale = scale.clamp(1, 32);
        let side = (width + 8) * scale;
        let mut rgba = vec![255u8; (side * side * 4) as usize];
        for (i, c) in colors.iter().enumerate() {
            if *c == qrcode::Color::Dark {
                let (mx, my) = (i as u32 % width + 4, i as u32 / width + 4);
                for y in my * scale..(my + 1) * scale {
                    for x in mx * scale..(mx + 1) * scale {
                        let at = ((y * side + x) * 4) as usize;
                        rgba[at..at + 3].copy_from_slice(&[0, 0, 0]);
                    }
                }
            }
        }
        crate::render::encode_png(&crate::render::Image {
            width: side,
            height: side,
            rgba,
        })
    }
}

/// http is allowed only to this device (a relay on loopback, for tests and the demo).
fn is_local_http(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', ':']).next().unwrap_or("");
    host == "localhost" || host == "127.0.0.1" || rest.starts_with("[::1]")
}

/// The keys of one share.
pub struct ShareKeys {
    /// Encrypts the study's files.
    pub content: Key,
    /// Encrypts the manifest (the list of files and their chunks).
    pub manifest: Key,
    /// Shown to the relay to fetch anything; the relay keeps only [`ShareKeys::verifier`].
    pub token: Zeroizing<[u8; 32]>,
}

impl ShareKeys {
    fn derive(link_key: &[u8; 32], share_id: &str, passcode: Option<&str>) -> ShareKeys {
        let mut salt = Zeroizing::new(Vec::with_capacity(64));
        salt.extend_from_slice(b"scanpass share v1\0");
        salt.extend_from_slice(share_id.as_bytes());
        if let Some(p) = passcode {
            salt.push(0);
            salt.extend_from_slice(passcode_hash(link_key, share_id, p).as_ref());
        }
        let hk = Hkdf::<Sha256>::new(Some(&salt), link_key);
        let expand = |label: &str| {
            let mut out = [0u8; 32];
            // 32 bytes is always a valid HKDF-SHA256 output length
            let _ = hk.expand(label.as_bytes(), &mut out);
            out
        };
        ShareKeys {
            content: Key::from_bytes(expand("scanpass share content v1")),
            manifest: Key::from_bytes(expand("scanpass share manifest v1")),
            token: Zeroizing::new(expand("scanpass share token v1")),
        }
    }

    /// The token as the relay's header carries it (hex).
    pub fn token_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.token.as_ref()))
    }

    /// SHA-256 of the token (hex): what the relay stores to check tokens without learning them.
    pub fn verifier(&self) -> String {
        hex::encode(Sha256::digest(self.token.as_ref()))
    }
}

fn passcode_hash(link_key: &[u8; 32], share_id: &str, passcode: &str) -> Zeroizing<[u8; 32]> {
    let mut salt = Sha256::new();
    salt.update(b"scanpass share passcode v1\0");
    salt.update(share_id.as_bytes());
    salt.update([0]);
    salt.update(link_key);
    let salt = salt.finalize();
    let mut out = Zeroizing::new([0u8; 32]);
    // fixed, valid parameters: these calls cannot fail
    let params = Params::new(PASSCODE_MEMORY_KIB, PASSCODE_PASSES, 1, Some(32))
        .expect("valid Argon2 parameters");
    let _ = Argon2::new(Algorithm::Argon2id, Version::V0x13, params).hash_password_into(
        passcode.trim().as_bytes(),
        &salt,
        out.as_mut(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_round_trips_through_its_text() {
        let l = Link::new("https://relay.example.org/", "AbCdEfGh12345678").unwrap();
        let url = l.to_url();
        assert!(url.starts_with("https://relay.example.org/s/AbCdEfGh12345678#"));
        let back = Link::parse(&format!("  {url}\n")).unwrap();
        assert_eq!(back, l);
        // two new links never share a key
        let other = Link::new("https://relay.example.org", "AbCdEfGh12345678").unwrap();
        assert_ne!(other.to_url(), url);
        // a passcode share says so in its fragment, and reads back
        let p = l.clone().with_passcode(true);
        assert!(p.to_url().contains("#p."));
        let back = Link::parse(&p.to_url()).unwrap();
        assert!(back.passcode);
        assert_eq!(back.keys(None).verifier(), l.keys(None).verifier());
    }

    #[test]
    fn broken_links_say_what_is_wrong() {
        let good = Link::new("https://r.example", "AbCdEfGh12345678")
            .unwrap()
            .to_url();
        let (front, key) = good.split_once('#').unwrap();
        assert_eq!(Link::parse(front), Err(LinkError::NoKey));
        assert_eq!(Link::parse(&format!("{front}#")), Err(LinkError::NoKey));
        assert_eq!(
            Link::parse(&format!("{front}#{}", &key[..20])),
            Err(LinkError::BadKey),
            "a key cut short"
        );
        assert_eq!(
            Link::parse(&good.replace("https://", "http://")),
            Err(LinkError::Scheme),
            "http to another machine"
        );
        assert!(Link::parse(&good.replace("https://r.example", "http://127.0.0.1:8787")).is_ok());
        assert_eq!(
            Link::parse(&good.replace("/s/", "/x/")),
            Err(LinkError::NoShareId)
        );
        assert_eq!(
            Link::parse(&good.replace("AbCdEfGh12345678", "bad id!")),
            Err(LinkError::BadShareId)
        );
        // the key never shows in Debug output
        let l = Link::parse(&good).unwrap();
        assert!(!format!("{l:?}").contains(key));
    }

    #[test]
    fn keys_are_distinct_and_a_passcode_changes_all_of_them() {
        let l = Link::new("https://r.example", "AbCdEfGh12345678").unwrap();
        let plain = l.keys(None);
        assert_ne!(plain.content.expose(), plain.manifest.expose());
        assert_ne!(plain.content.expose(), plain.token.as_ref());
        // the same link gives the same keys (the recipient derives what the sender did)
        let again = Link::parse(&l.to_url()).unwrap().keys(None);
        assert_eq!(again.content.expose(), plain.content.expose());
        assert_eq!(again.verifier(), plain.verifier());
        // a passcode changes every key: the link alone opens nothing
        let with = l.keys(Some("4821"));
        assert_ne!(with.content.expose(), plain.content.expose());
        assert_ne!(with.token.as_ref(), plain.token.as_ref());
        assert_ne!(l.keys(Some("4822")).verifier(), with.verifier());
        assert_eq!(
            l.keys(Some(" 4821 ")).verifier(),
            with.verifier(),
            "spaces trimmed"
        );
        // the verifier is a hash of the token, not the token
        assert_ne!(with.verifier(), hex::encode(with.token.as_ref()));
        assert_eq!(with.verifier().len(), 64);
        // another share id with the same key gives other keys
        let moved = Link::parse(&l.to_url().replace("AbCdEfGh12345678", "AbCdEfGh12345679"))
            .unwrap()
            .keys(None);
        assert_ne!(moved.content.expose(), plain.content.expose());
    }

    #[test]
    fn the_qr_code_encodes_the_link() {
        let l = Link::new("https://r.example", "AbCdEfGh12345678").unwrap();
        let term = l.qr_terminal().unwrap();
        assert!(term.lines().count() > 10);
        let png = l.qr_png(4).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }
}
