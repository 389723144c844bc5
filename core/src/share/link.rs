//! The share link and the keys derived from it.
//!
//! A link is `https://VIEWER/#<relay>/<share-id>/<key>` (docs/share-format.md): everything is in
//! the fragment, which a browser never sends to a server, so the static host of the viewer
//! learns nothing, and the relay (another origin, reached by CORS) never serves the code that
//! reads the key (ADR 8). `<relay>` is the relay's base address without its `https://`; the
//! share id names the ciphertext there; the key (256 random bits, base64url) the apps never log.
//! The older form `https://RELAY/s/<share-id>#<key>` is still read, for the apps and the CLI
//! (no relay code runs there); links are written in the new form only.
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

use crate::crypto::Key;

/// Argon2id cost of a passcode: 64 MiB, 3 passes, 1 lane, as the vault passphrase (about 0.3 s
/// here; a recipient types it once).
const PASSCODE_MEMORY_KIB: u32 = 64 * 1024;
const PASSCODE_PASSES: u32 = 3;

/// Where links send the browser when neither the app nor `SCANPASS_VIEWER` / `--viewer` names a
/// viewer: the static, versioned viewer origin of this release (ADR 8). NOT YET DEPLOYED: the
/// name is a reserved `.example` one, so that no one else can serve code at it; a release sets
/// the real origin here, with the hashes of [`super::pin`] published beside it.
pub const DEFAULT_VIEWER: &str = concat!(
    "https://view.scanpass.example/",
    env!("CARGO_PKG_VERSION"),
    "/"
);

/// Why a link does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("the link does not start with https:// (or http:// to this device)")]
    Scheme,
    #[error("the link has no share id (it may have been cut when copied)")]
    NoShareId,
    #[error("the link has no key after '#' (it may have been cut when copied)")]
    NoKey,
    #[error("the link's key is damaged (it may have been cut or changed when copied)")]
    BadKey,
    #[error("the link's share id is damaged")]
    BadShareId,
    #[error("the link's relay address is damaged or not https:// (or http:// to this device)")]
    BadRelay,
    #[error(
        "the viewer address must be https:// (or http:// to this device), a plain address \
         without '?', '#' or a user name"
    )]
    BadViewer,
}

/// A share link: where the viewer and the relay are, which share, and the key.
#[derive(Clone, PartialEq, Eq)]
pub struct Link {
    /// The relay: `https://host[:port][/prefix]`, without a trailing `/`.
    pub base: String,
    /// The share id the relay gave (base64url).
    pub share_id: String,
    /// Whether the share needs a passcode (written `p.<key>`), so that a viewer asks for it
    /// before its first request instead of spending an attempt.
    pub passcode: bool,
    /// The viewer the link opens (`https://view.example/1.4.0/`, ending in `/`); `None` for a
    /// link of the old form `https://RELAY/s/<id>#<key>`, which is read but never written.
    pub viewer: Option<String>,
    key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // the key never reaches a log
        f.debug_struct("Link")
            .field("base", &self.base)
            .field("share_id", &self.share_id)
            .field("passcode", &self.passcode)
            .field("viewer", &self.viewer)
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

/// An address a link may name (relay or viewer): `https://` (or `http://` to this device), a
/// host of letters, digits, `.` and `-` (or `[::1]`), an optional port, an optional path of
/// plain segments. No user name, query or fragment, nothing to escape: what reads back the same
/// from a fragment, a QR code or an e-mail.
fn valid_address(s: &str) -> bool {
    address(s).is_some()
}

fn address(s: &str) -> Option<()> {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://").filter(|_| is_local_http(s)))?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let port = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        let ok = !host.is_empty() && host.bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
        ok.then_some(())?;
        match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        }
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        let ok = !host.is_empty()
            && host.len() <= 253
            && !host.starts_with(['.', '-'])
            && !host.ends_with(['.', '-'])
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        ok.then_some(())?;
        port
    };
    if let Some(p) = port {
        let ok = !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit());
        ok.then_some(())?;
    }
    // plain segments; an empty one only at the very end (a trailing '/')
    let segs: Vec<&str> = path.split('/').skip(1).collect();
    for (i, seg) in segs.iter().enumerate() {
        let ok = if seg.is_empty() {
            i + 1 == segs.len()
        } else {
            *seg != "."
                && *seg != ".."
                && seg
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
        };
        ok.then_some(())?;
    }
    Some(())
}

/// The viewer's address as links carry it: checked, ending in `/`.
pub fn viewer_base(viewer: &str) -> Result<String, LinkError> {
    let v = viewer.trim();
    let v = if v.ends_with('/') {
        v.to_string()
    } else {
        format!("{v}/")
    };
    if valid_address(&v) {
        Ok(v)
    } else {
        Err(LinkError::BadViewer)
    }
}

impl Link {
    /// A new link with a fresh random key for a share the relay at `base` created as
    /// `share_id`, opening the default viewer ([`DEFAULT_VIEWER`]; see [`Link::with_viewer`]).
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
        if !valid_address(base) {
            return Err(LinkError::BadRelay);
        }
        if !valid_id(share_id) {
            return Err(LinkError::BadShareId);
        }
        Ok(Link {
            base: base.to_string(),
            share_id: share_id.to_string(),
            passcode: false,
            viewer: Some(DEFAULT_VIEWER.to_string()),
            key: Zeroizing::new(key),
        })
    }

    /// The same link, saying whether the share needs a passcode.
    pub fn with_passcode(mut self, passcode: bool) -> Link {
        self.passcode = passcode;
        self
    }

    /// The same link, opening the viewer at `viewer` (its base address, e.g.
    /// `https://view.example/1.4.0/`).
    pub fn with_viewer(mut self, viewer: &str) -> Result<Link, LinkError> {
        self.viewer = Some(viewer_base(viewer)?);
        Ok(self)
    }

    /// Read a link as a patient pasted it (spaces and line breaks around it are ignored): the
    /// viewer form `https://VIEWER/#<relay>/<id>/[p.]<key>`, or the old
    /// `https://RELAY/s/<id>#[p.]<key>`.
    pub fn parse(text: &str) -> Result<Link, LinkError> {
        let text = text.trim();
        let (before, fragment) = text.split_once('#').ok_or(LinkError::NoKey)?;
        if !(before.starts_with("https://") || is_local_http(before)) {
            return Err(LinkError::Scheme);
        }
        if fragment.contains('/') {
            return Self::parse_viewer_form(before, fragment);
        }
        let Some((base, id)) = before.rsplit_once("/s/") else {
            // a viewer link whose fragment was cut
            return Err(if fragment.is_empty() {
                LinkError::NoKey
            } else {
                LinkError::NoShareId
            });
        };
        let id = id.trim_end_matches('/');
        if id.is_empty() {
            return Err(LinkError::NoShareId);
        }
        let (passcode, key) = read_key(fragment)?;
        let mut link = Self::with_key(base, id, key)?.with_passcode(passcode);
        link.viewer = None;
        Ok(link)
    }

    /// `VIEWER#<relay>/<id>/[p.]<key>`: read from the right, as neither the key nor the id holds
    /// a `/` and the relay's address may.
    fn parse_viewer_form(viewer: &str, fragment: &str) -> Result<Link, LinkError> {
        let viewer = viewer_base(viewer)?;
        let (head, key) = fragment.rsplit_once('/').ok_or(LinkError::NoKey)?;
        let (relay, id) = head.rsplit_once('/').ok_or(LinkError::NoShareId)?;
        if id.is_empty() {
            return Err(LinkError::NoShareId);
        }
        if relay.is_empty() {
            return Err(LinkError::BadRelay);
        }
        let relay = if relay.starts_with("https://") || relay.starts_with("http://") {
            relay.to_string()
        } else {
            format!("https://{relay}")
        };
        if !valid_address(&relay) || relay.ends_with('/') {
            return Err(LinkError::BadRelay);
        }
        let (passcode, key) = read_key(key)?;
        let mut link = Self::with_key(&relay, id, key)?.with_passcode(passcode);
        link.viewer = Some(viewer);
        Ok(link)
    }

    /// The link as text, key included: for the patient to send, never for a log.
    pub fn to_url(&self) -> String {
        let key = URL_SAFE_NO_PAD.encode(self.key.as_ref());
        let p = if self.passcode { "p." } else { "" };
        match &self.viewer {
            Some(viewer) => format!(
                "{viewer}#{}/{}/{p}{key}",
                self.base.strip_prefix("https://").unwrap_or(&self.base),
                self.share_id,
            ),
            None => format!("{}/s/{}#{p}{key}", self.base, self.share_id),
        }
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

/// `[p.]<key>`: whether a passcode is needed, and the 32 key bytes.
fn read_key(text: &str) -> Result<(bool, [u8; 32]), LinkError> {
    let (passcode, text) = match text.strip_prefix("p.") {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if text.is_empty() {
        return Err(LinkError::NoKey);
    }
    let raw = Zeroizing::new(
        URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| LinkError::BadKey)?,
    );
    let key: [u8; 32] = raw.as_slice().try_into().map_err(|_| LinkError::BadKey)?;
    Ok((passcode, key))
}

/// http is allowed only to this device (a relay on loopback, for tests and the demo), by the
/// core's one rule ([`crate::net::is_loopback_host`]).
fn is_local_http(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or("");
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    crate::net::is_loopback_host(host)
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

    const VIEWER: &str = "https://view.example/1.4.0/";

    #[test]
    fn a_link_round_trips_through_its_text() {
        let l = Link::new("https://relay.example.org/", "AbCdEfGh12345678")
            .unwrap()
            .with_viewer(VIEWER)
            .unwrap();
        let url = l.to_url();
        // everything after the viewer is in the fragment; the relay without its https://
        assert!(
            url.starts_with("https://view.example/1.4.0/#relay.example.org/AbCdEfGh12345678/"),
            "{url}"
        );
        assert_eq!(url.split('#').next(), Some(VIEWER));
        let back = Link::parse(&format!("  {url}\n")).unwrap();
        assert_eq!(back, l);
        assert_eq!(back.base, "https://relay.example.org");
        assert_eq!(back.viewer.as_deref(), Some(VIEWER));
        // two new links never share a key
        let other = Link::new("https://relay.example.org", "AbCdEfGh12345678").unwrap();
        assert_ne!(other.to_url(), url);
        // the default viewer, when none is named
        assert!(other.to_url().starts_with(DEFAULT_VIEWER));
        // a passcode share says so in its fragment, and reads back
        let p = l.clone().with_passcode(true);
        assert!(p.to_url().contains("/AbCdEfGh12345678/p."));
        let back = Link::parse(&p.to_url()).unwrap();
        assert!(back.passcode);
        assert_eq!(back.keys(None).verifier(), l.keys(None).verifier());
        // a relay on loopback keeps its http://, a prefix its path; a viewer without its
        // final '/' gets one
        let local = Link::new("http://127.0.0.1:8787", "AbCdEfGh12345678")
            .unwrap()
            .with_viewer("http://127.0.0.1:9000/viewer/0.1.0")
            .unwrap();
        assert!(local.to_url().starts_with(
            "http://127.0.0.1:9000/viewer/0.1.0/#http://127.0.0.1:8787/AbCdEfGh12345678/"
        ));
        assert_eq!(Link::parse(&local.to_url()).unwrap(), local);
        let prefixed = Link::new("https://r.example/scanpass/relay", "AbCdEfGh12345678").unwrap();
        let back = Link::parse(&prefixed.to_url()).unwrap();
        assert_eq!(back.base, "https://r.example/scanpass/relay");
        assert_eq!(back, prefixed);
        // the same key and id give the same keys whatever the form of the link
        let old = format!(
            "https://relay.example.org/s/AbCdEfGh12345678#{}",
            url.rsplit('/').next().unwrap()
        );
        assert_eq!(
            Link::parse(&old).unwrap().keys(None).verifier(),
            l.keys(None).verifier()
        );
    }

    #[test]
    fn the_old_form_still_reads_for_the_apps() {
        let l = Link::new("https://relay.example.org", "AbCdEfGh12345678").unwrap();
        let key = l.to_url().rsplit('/').next().unwrap().to_string();
        let old = format!("https://relay.example.org/s/AbCdEfGh12345678#{key}");
        let back = Link::parse(&old).unwrap();
        assert_eq!(back.base, "https://relay.example.org");
        assert_eq!(back.share_id, "AbCdEfGh12345678");
        assert_eq!(back.viewer, None);
        assert!(!back.passcode);
        // written back as it was read (a pasted old link keeps its QR code)
        assert_eq!(back.to_url(), old);
        let p = Link::parse(&format!("http://127.0.0.1:8787/s/AbCdEfGh12345678#p.{key}")).unwrap();
        assert!(p.passcode);
        assert_eq!(p.base, "http://127.0.0.1:8787");
    }

    #[test]
    fn broken_links_say_what_is_wrong() {
        let good = Link::new("https://r.example", "AbCdEfGh12345678")
            .unwrap()
            .with_viewer(VIEWER)
            .unwrap()
            .to_url();
        let (front, frag) = good.split_once('#').unwrap();
        let key = frag.rsplit('/').next().unwrap();
        let with = |f: &str| Link::parse(&format!("{front}#{f}"));
        assert_eq!(Link::parse(front), Err(LinkError::NoKey));
        assert_eq!(with(""), Err(LinkError::NoKey));
        assert_eq!(with("r.example/AbCdEfGh12345678/"), Err(LinkError::NoKey));
        assert_eq!(with("r.example/AbCdEfGh12345678/p."), Err(LinkError::NoKey));
        assert_eq!(
            with(&format!("r.example/AbCdEfGh12345678/{}", &key[..20])),
            Err(LinkError::BadKey),
            "a key cut short"
        );
        assert_eq!(
            with(&format!("r.example/AbCdEfGh12345678/{key}!")),
            Err(LinkError::BadKey)
        );
        assert_eq!(with(key), Err(LinkError::NoShareId), "relay and id lost");
        assert_eq!(
            with(&format!("AbCdEfGh12345678/{key}")),
            Err(LinkError::NoShareId)
        );
        assert_eq!(
            with(&format!("r.example//{key}")),
            Err(LinkError::NoShareId)
        );
        assert_eq!(
            with(&format!("/AbCdEfGh12345678/{key}")),
            Err(LinkError::BadRelay)
        );
        for relay in [
            "http://r.example",
            "ftp://r.example",
            "r.example:80x",
            "user@r.example",
            "r.example?x=1",
            "r ex",
            "r.example/",
            "r.example/../x",
            "https://",
            ".r.example",
        ] {
            assert_eq!(
                with(&format!("{relay}/AbCdEfGh12345678/{key}")),
                Err(LinkError::BadRelay),
                "{relay}"
            );
        }
        assert_eq!(
            with(&format!("r.example/bad id!/{key}")),
            Err(LinkError::BadShareId)
        );
        assert_eq!(
            Link::parse(&good.replace("https://view.example", "http://view.example")),
            Err(LinkError::Scheme),
            "http to another machine"
        );
        assert_eq!(
            Link::parse(&good.replace("view.example/1.4.0/", "view.example/1.4.0/?q=1")),
            Err(LinkError::BadViewer)
        );
        assert!(Link::parse(&good.replace(VIEWER, "http://127.0.0.1:9000/")).is_ok());
        assert!(Link::parse(&good.replace("#r.example", "#http://127.0.0.1:8787")).is_ok());
        // http to this device by the core's one loopback rule (crate::net), no other
        for (relay, ok) in [
            ("http://127.0.0.2:8787", true),
            ("http://LOCALHOST:8787", true),
            ("http://[::1]:8787", true),
            ("http://localhost.example:8787", false),
            ("http://128.0.0.1:8787", false),
            ("http://[::2]:8787", false),
        ] {
            let got = Link::parse(&good.replace("#r.example", &format!("#{relay}")));
            assert_eq!(got.is_ok(), ok, "{relay}: {got:?}");
            assert_eq!(Link::new(relay, "AbCdEfGh12345678").is_ok(), ok, "{relay}");
        }
        assert!(Link::parse(&good.replace("#r.example", "#https://r.example")).is_ok());
        // the old form
        let old = format!("https://r.example/s/AbCdEfGh12345678#{key}");
        assert_eq!(
            Link::parse(&old.replace("/s/", "/x/")),
            Err(LinkError::NoShareId)
        );
        assert_eq!(
            Link::parse("https://r.example/s/#x"),
            Err(LinkError::NoShareId)
        );
        assert_eq!(
            Link::parse(&old.replace("AbCdEfGh12345678", "bad id!")),
            Err(LinkError::BadShareId)
        );
        // viewers a link may not name
        let l = Link::new("https://r.example", "AbCdEfGh12345678").unwrap();
        for v in [
            "http://view.example/",
            "https://view.example/#x",
            "https://view.example/?a",
            "https://u@view.example/",
            "javascript:alert(1)",
            "https://view.example/a b/",
        ] {
            assert_eq!(l.clone().with_viewer(v), Err(LinkError::BadViewer), "{v}");
        }
        // the key never shows in Debug output
        let l = Link::parse(&good).unwrap();
        assert!(!format!("{l:?}").contains(key));
    }

    #[test]
    fn cut_or_altered_links_never_panic() {
        // a cheap stand-in for the fuzz target (fuzz/fuzz_targets/link.rs): cut and altered
        // links, byte by byte, never panic, and what reads writes back to the same link
        let good = Link::new("http://127.0.0.1:8787/x", "AbCdEfGh12345678")
            .unwrap()
            .with_passcode(true)
            .to_url();
        let mut texts = Vec::new();
        for i in 0..=good.len() {
            if good.is_char_boundary(i) {
                texts.push(good[..i].to_string());
                texts.push(good[i..].to_string());
                for c in ["/", "#", ".", "[", "]", ":", "@", "%", "\u{e9}", " "] {
                    texts.push(format!("{}{c}{}", &good[..i], &good[i..]));
                }
            }
        }
        for t in texts {
            if let Ok(l) = Link::parse(&t) {
                assert_eq!(Link::parse(&l.to_url()).as_ref(), Ok(&l), "{t}");
            }
        }
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
    fn a_typical_link_fits_a_version_7_qr_code() {
        // docs/adr/0008: about 120 bytes, 45 x 45 modules at level M (the old form: 41 x 41)
        let l = Link::new("https://relay.example.org", "vU4qAVktKf9nh3BNw9Kzvg")
            .unwrap()
            .with_viewer("https://view.example.org/1.4.0/")
            .unwrap();
        let width = |s: &str| qrcode::QrCode::new(s.as_bytes()).unwrap().width();
        assert_eq!(l.to_url().len(), 116);
        assert_eq!(width(&l.to_url()), 45, "version 7");
        let p = l.clone().with_passcode(true);
        assert!(width(&p.to_url()) <= 49, "version 8 at most");
        let mut old = l.clone();
        old.viewer = None;
        assert_eq!(width(&old.to_url()), 41, "version 6");
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
