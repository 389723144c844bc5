//! `/s/<id>`: what the relay answers to a link of the old form (`https://RELAY/s/<id>#<key>`).
//!
//! The relay serves no viewer code (ADR 8): the browser viewer is a static, versioned build on an
//! origin of its own, and a link opens it with everything in the fragment. Code served by the
//! relay could read the fragment and the typed passcode and send them home, so whoever ran the
//! relay could read every study; here the relay only answers a page without any script (CSP
//! `default-src 'none'`) saying that this form of link is not served here.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::server::AppState;

/// The notice's Content-Security-Policy: nothing may load or run.
pub const NOTICE_CSP: &str =
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// `/s/{*rest}`: the notice, for any path under `/s/`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/s/{*rest}", get(notice))
}

async fn notice() -> Response {
    (
        // 410: this form of link is gone for browsers, whatever the share
        StatusCode::GONE,
        [(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(NOTICE_CSP),
        )],
        Html(NOTICE),
    )
        .into_response()
}

/// No script, no style, no image, no link: plain text a browser shows as it is.
pub const NOTICE: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
    <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
    <meta name=\"referrer\" content=\"no-referrer\"><title>Scanpass</title></head><body>\
    <h1>Scanpass</h1><p>This kind of link is not opened here any more. Shared images are opened \
    by the Scanpass viewer, which never comes from the server that keeps the encrypted images.</p>\
    <p>Ask the person who sent you this link for a new one. (The Scanpass app still opens this \
    link.)</p></body></html>";
