//! The browser viewer (`web/`): its page at `/s/<id>` and its files under `/v/`.
//!
//! The files are the Vite build of `web/`, embedded in the binary at build time (`build.rs`), or
//! read from a folder given with `--web DIR` (for working on the viewer without rebuilding the
//! relay). The page learns the share id from its own path and the key from the fragment, which
//! never reaches the relay. Both routes carry the viewer's CSP: scripts, workers, styles and
//! fetches from the relay only, plus `'wasm-unsafe-eval'` for the DICOM codecs (WebAssembly).
//! Workers get their CSP from their own response, so the files under `/v/` carry it too.

use std::path::{Component, Path as FsPath, PathBuf};

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::ApiError;
use crate::server::AppState;

include!(concat!(env!("OUT_DIR"), "/web_assets.rs"));

/// The viewer page's Content-Security-Policy.
pub const VIEWER_CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
     worker-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Where the viewer's files come from.
#[derive(Debug, Clone, Default)]
pub enum WebAssets {
    /// Built into the binary (empty when `web/dist` was not built: a placeholder page is served).
    #[default]
    Embedded,
    /// A folder holding a Vite build of `web/` (its `index.html` and `assets/`).
    Dir(PathBuf),
}

/// `/s/{*rest}` (the page) and `/v/{*path}` (its scripts, styles and codecs).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/s/{*rest}", get(page))
        .route("/v/{*path}", get(asset))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(VIEWER_CSP),
        ))
}

async fn page(State(st): State<AppState>) -> Response {
    match load(&st.web, "index.html").await {
        Some(bytes) => Html(bytes).into_response(),
        None => Html(PLACEHOLDER).into_response(),
    }
}

async fn asset(State(st): State<AppState>, Path(path): Path<String>) -> Response {
    if !safe(&path) {
        return ApiError::NotFound.into_response();
    }
    match load(&st.web, &path).await {
        Some(bytes) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, content_type(&path))],
            bytes,
        )
            .into_response(),
        None => ApiError::NotFound.into_response(),
    }
}

/// Relative, plain components only: no `..`, no root, no empty or hidden names.
fn safe(path: &str) -> bool {
    !path.is_empty()
        && path.len() < 256
        && FsPath::new(path).components().all(|c| match c {
            Component::Normal(s) => s.to_str().is_some_and(|s| !s.starts_with('.')),
            _ => false,
        })
}

async fn load(assets: &WebAssets, path: &str) -> Option<Vec<u8>> {
    match assets {
        WebAssets::Embedded => WEB_ASSETS
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, b)| b.to_vec()),
        WebAssets::Dir(dir) => {
            let file = dir.join(path);
            tokio::task::spawn_blocking(move || std::fs::read(file).ok())
                .await
                .ok()
                .flatten()
        }
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "json" | "map" => "application/json",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

const PLACEHOLDER: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
    <title>Scanpass</title><meta name=\"referrer\" content=\"no-referrer\"></head><body>\
    <h1>Scanpass</h1><p>This relay was built without its browser viewer. Open this link in the \
    Scanpass app, or build <code>web/</code> and the relay again.</p></body></html>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_paths_stay_inside_the_build() {
        assert!(safe("assets/index-abc.js"));
        assert!(safe("index.html"));
        for bad in [
            "",
            "../x",
            "assets/../../x",
            "/etc/passwd",
            ".env",
            "a/.git/x",
            "a//b/../c",
        ] {
            assert!(!safe(bad), "{bad}");
        }
    }

    #[test]
    fn codecs_are_served_as_wasm() {
        assert_eq!(content_type("assets/openjpeg.wasm"), "application/wasm");
        assert_eq!(
            content_type("assets/x.js"),
            "text/javascript; charset=utf-8"
        );
    }
}
