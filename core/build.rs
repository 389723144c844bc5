//! Pins the browser viewer this core was built with: copies the SHA-256 list that the Vite build
//! of `web/` writes (`web/dist/viewer-hashes.json`; `SCANPASS_WEB_DIST` names another build)
//! into the build, for `share::pin` (`scanpass viewer-check`, and the apps before they make a
//! link; ADR 8). Without a build of `web/` the core still builds, with no pinned viewer.
//!
//! Watched: that one file when it exists (the Vite plugin keeps its time when the hashes did not
//! change, so rebuilding an unchanged viewer does not rebuild the core), else `web/` itself
//! (watching a missing path would rerun this script on every build).

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=SCANPASS_WEB_DIST");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let dist = std::env::var_os("SCANPASS_WEB_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir.join("../web/dist"));
    let hashes = dist.join("viewer-hashes.json");
    let text = if hashes.is_file() {
        println!("cargo:rerun-if-changed={}", hashes.display());
        std::fs::read_to_string(&hashes).unwrap_or_default()
    } else {
        let web = manifest_dir.join("../web");
        if web.is_dir() {
            println!("cargo:rerun-if-changed={}", web.display());
        }
        String::new()
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap()).join("viewer-hashes.json");
    std::fs::write(out, text).unwrap();
}
