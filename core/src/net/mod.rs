//! The HTTP client every network call of the core uses (provider links in [`crate::import`], the
//! relay and the viewer check in [`crate::share`]), and the rules about where it may go:
//!
//! - https only, except http to this device ([`is_loopback`]: `localhost` in any case,
//!   127.0.0.0/8 and `::1`), for tests and local tools — the one copy of that rule, which share
//!   links ([`is_loopback_host`]) apply too;
//! - names resolve to public addresses only ([`is_internal`]) unless the first link was to this
//!   device, so that a link cannot point the phone at its own network's services;
//! - a redirect may not leave https, and may reach this device or a private network only when the
//!   first link did (`redirect_allowed`); the relay client follows none (`Redirects::Refuse`);
//! - timeouts: [`CONNECT_TIMEOUT`] to connect, [`IDLE_TIMEOUT`] for the answer and for each read
//!   of the body (no total limit: a large study on a slow line may take long).
//!
//! The client is a blocking one (reqwest's, which runs its own small runtime thread: ADR 10):
//! do not call it from inside an async runtime. TLS is rustls on ring with the platform's
//! verifier (the OS trust store). On Android the verifier must be initialised by the app first
//! (the FFI crate's JNI entry, which the app calls at start, then [`platform_tls_initialised`]):
//! until then every client is refused with a sentence saying so, rather than one that trusts no
//! certificate or panics inside the verifier at the first connection.

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::blocking::Client;
use reqwest::{redirect, Url};

use crate::error::{Error, Result};

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
/// Longest wait for the answer, and for each read of the body.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
const MAX_REDIRECTS: usize = 5;

/// Check a link: https, or http to this device. Returns it parsed.
pub fn check(url: &str) -> Result<Url> {
    let u =
        Url::parse(url.trim()).map_err(|e| Error::Network(format!("not a valid link ({e})")))?;
    match u.scheme() {
        "https" => Ok(u),
        "http" if is_loopback(&u) => Ok(u),
        "http" => Err(Error::Network(
            "plain http links are refused (only https, or http to this device)".into(),
        )),
        _ => Err(Error::Network("only https links can be imported".into())),
    }
}

/// Whether a link points at this device.
pub fn is_loopback(u: &Url) -> bool {
    u.host_str().is_some_and(is_loopback_host)
}

/// Whether a host (as written in a URL: a name, an IPv4 address, an IPv6 address with or
/// without its brackets) is this device: `localhost` (names are case-insensitive), 127.0.0.0/8,
/// `::1`.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|a| a.is_loopback())
}

/// Whether a request may reach this address: not for a provider link that did not start on this
/// device. Loopback, private (RFC 1918, unique local), link-local (cloud metadata services live
/// there), carrier-grade NAT, unspecified, multicast, broadcast and documentation ranges, and
/// IPv4 addresses written as IPv6.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => {
            let [b0, b1, ..] = a.octets();
            a.is_loopback()
                || a.is_private()
                || a.is_link_local()
                || a.is_unspecified()
                || a.is_multicast()
                || a.is_broadcast()
                || a.is_documentation()
                || b0 == 0
                || (b0 == 100 && (64..128).contains(&b1)) // 100.64.0.0/10, shared (CGNAT)
        }
        IpAddr::V6(a) => {
            let s0 = a.segments()[0];
            a.is_loopback()
                || a.is_unspecified()
                || a.is_multicast()
                || (s0 & 0xfe00) == 0xfc00 // fc00::/7, unique local
                || (s0 & 0xffc0) == 0xfe80 // fe80::/10, link-local
                || a.to_ipv4_mapped().is_some_and(|v4| is_internal(IpAddr::V4(v4)))
        }
    }
}

/// Whether a redirect to `u` may be followed: https (or http to this device when the first link
/// was to this device); to this device or a private network only when the first link was to this
/// device. Names are checked again when they are resolved ([`PublicOnly`]).
pub(crate) fn redirect_allowed(
    first_local: bool,
    u: &Url,
) -> std::result::Result<(), &'static str> {
    let local = is_loopback(u)
        || u.host_str()
            .map(|h| h.trim_start_matches('[').trim_end_matches(']'))
            .and_then(|h| h.parse::<IpAddr>().ok())
            .is_some_and(is_internal);
    match u.scheme() {
        "https" | "http" if local && !first_local => {
            Err("a redirect to this device or a private network was refused")
        }
        "https" => Ok(()),
        "http" if is_loopback(u) => Ok(()),
        _ => Err("a redirect away from https was refused"),
    }
}

/// Resolves names to public addresses only: a provider's https link whose name (or a
/// redirect's) resolves to this device or a private network is refused, so that a link cannot
/// make the phone reach its own network's services. The look-up blocks the client's own runtime
/// thread (the blocking client serves one request at a time here).
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            use std::net::ToSocketAddrs;
            let all: Vec<std::net::SocketAddr> = (host.as_str(), 0).to_socket_addrs()?.collect();
            let public: Vec<_> = all.into_iter().filter(|a| !is_internal(a.ip())).collect();
            if public.is_empty() {
                return Err("the link's server is on this device or a private network".into());
            }
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// How a client treats redirects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Redirects {
    /// Provider links: followed within [`redirect_allowed`].
    Follow,
    /// The relay client: never (it carries the share's token and the owner secret, which must
    /// not go to another host).
    Refuse,
}

/// Whether the platform's certificate verifier may be used: on Android only after the app has
/// initialised it (it needs the app's Java context), elsewhere always (the OS store needs none).
static PLATFORM_TLS_READY: AtomicBool = AtomicBool::new(!cfg!(target_os = "android"));

/// Says that the app has initialised the platform's certificate verifier (Android: called by the
/// FFI crate's JNI entry once `rustls-platform-verifier` holds the app's context).
pub fn platform_tls_initialised() {
    PLATFORM_TLS_READY.store(true, Ordering::Release);
}

/// Why no HTTPS client can be made. Its sentence goes into the error the patient sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TlsRefused {
    /// Android, and the app has not initialised the platform's verifier: an app bug, said loudly
    /// instead of a client that would panic inside the verifier at its first connection.
    NotInitialised,
    /// The device's trusted certificates could not be read, and the link is not to this device:
    /// a client trusting no certificate would only fail later with a misleading message.
    NoTrustStore,
}

impl std::fmt::Display for TlsRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TlsRefused::NotInitialised => {
                "secure connections are not set up in this app (the platform's certificate check was not initialised)"
            }
            TlsRefused::NoTrustStore => {
                "this device's trusted certificates could not be read, so no secure connection can be checked"
            }
        })
    }
}

impl std::error::Error for TlsRefused {}

/// The TLS set-up rule: the platform's verifier when it is ready and the device has a trust store;
/// a client trusting no certificate only for a link to this device (plain http to a local relay
/// needs none, which is what a bare container without certificates can still do); otherwise a
/// refusal. `platform` is not called before the verifier is ready.
pub(crate) fn tls_config<C>(
    local: bool,
    ready: bool,
    platform: impl FnOnce() -> Option<C>,
    no_roots: impl FnOnce() -> C,
) -> std::result::Result<C, TlsRefused> {
    if !ready {
        return Err(TlsRefused::NotInitialised);
    }
    match platform() {
        Some(config) => Ok(config),
        None if local => Ok(no_roots()),
        None => Err(TlsRefused::NoTrustStore),
    }
}

/// The blocking client: rustls on ring with the platform verifier ([`tls_config`]), timeouts,
/// redirects as asked, no proxy for loopback. `local`: the first link is to this device;
/// otherwise names resolve to public addresses only.
pub(crate) fn client(
    local: bool,
    redirects: Redirects,
) -> std::result::Result<Client, Box<dyn std::error::Error>> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?;
    let tls = tls_config(
        local,
        PLATFORM_TLS_READY.load(Ordering::Acquire),
        || {
            builder
                .clone()
                .with_platform_verifier()
                .ok()
                .map(|b| b.with_no_client_auth())
        },
        || {
            builder
                .clone()
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth()
        },
    )?;
    let mut b = Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(IDLE_TIMEOUT)
        .redirect(match redirects {
            Redirects::Refuse => redirect::Policy::none(),
            Redirects::Follow => redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() >= MAX_REDIRECTS {
                    return attempt.error("too many redirects");
                }
                match redirect_allowed(local, attempt.url()) {
                    Ok(()) => attempt.follow(),
                    Err(why) => attempt.error(why),
                }
            }),
        })
        .user_agent(concat!("scanpass/", env!("CARGO_PKG_VERSION")));
    if local {
        b = b.no_proxy();
    } else if redirects == Redirects::Follow {
        b = b.dns_resolver(Arc::new(PublicOnly));
    }
    Ok(b.build()?)
}

#[cfg(test)]
mod tests;
