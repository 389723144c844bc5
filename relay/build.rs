//! Embeds the browser viewer's build (`web/dist`, made by `npm run build` in `web/`) into the
//! relay binary, so `scanpass-relay --listen ADDR --data DIR` serves it with no other files.
//! `SCANPASS_WEB_DIST` names another folder. Without a build the relay still compiles and serves
//! a page saying the viewer was not built into it (`cargo test` needs no Node.js).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=SCANPASS_WEB_DIST");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let dist = std::env::var_os("SCANPASS_WEB_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir.join("../web/dist"));
    let mut files = Vec::new();
    if dist.join("index.html").is_file() {
        // cargo scans a watched folder recursively
        println!("cargo:rerun-if-changed={}", dist.display());
        collect(&dist, &dist, &mut files);
        files.sort();
    } else {
        // Watch web/ itself (not its missing dist/, which would rerun this script on every build).
        let web = manifest_dir.join("../web");
        if web.is_dir() {
            println!("cargo:rerun-if-changed={}", web.display());
        }
        println!(
            "cargo:warning=web/dist not built: the relay serves a placeholder at /s/* \
             (run `npm ci && npm run build` in web/, or tests/web/run)"
        );
    }
    let mut out = String::from("pub static WEB_ASSETS: &[(&str, &[u8])] = &[\n");
    for (rel, abs) in &files {
        writeln!(
            out,
            "    ({rel:?}, include_bytes!({:?})),",
            abs.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let out_path = PathBuf::from(std::env::var_os("OUT_DIR").unwrap()).join("web_assets.rs");
    std::fs::write(out_path, out).unwrap();
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if let Ok(rel) = path.strip_prefix(root) {
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let abs = path.canonicalize().unwrap_or(path.clone());
            files.push((rel, abs));
        }
    }
}
