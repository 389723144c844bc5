//! `demo` (what `./run` runs): a phantom series generated (or the file given), described and
//! rendered; then imported into a new encrypted vault, rendered again through a viewer session,
//! and, with a relay, shared end to end.

use std::path::{Path, PathBuf};

use scanpass_core::render::{self, Voi};

use crate::{err, inspect, write, CliResult};

/// `demo`: what `./run` runs. A phantom series (or the file given), described and rendered with
/// the file's window and two presets; then the app's path through a vault (see [`demo_vault`]).
pub fn demo(
    file: Option<PathBuf>,
    out: &Path,
    relay: Option<&str>,
    viewer: Option<String>,
) -> CliResult {
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let file = match file {
        Some(f) => f,
        None => {
            let spec = scanpass_core::phantom::PhantomSpec::default();
            let series = scanpass_core::phantom::ct_series(spec).map_err(err)?;
            let dir = out.join("phantom");
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            for (i, bytes) in series.iter().enumerate() {
                write(&dir.join(format!("IM{:04}", i + 1)), bytes)?;
            }
            println!(
                "generated a {}-slice phantom CT series in {}",
                series.len(),
                dir.display()
            );
            dir.join(format!("IM{:04}", series.len() / 2 + 1))
        }
    };
    inspect(&file, false)?;
    for (name, voi) in [
        ("default", Voi::Default),
        ("brain", Voi::preset("ct-brain").map_err(err)?),
        ("bone", Voi::preset("ct-bone").map_err(err)?),
    ] {
        let (_, image, applied) = scanpass_core::render_file(&file, 0, &voi).map_err(err)?;
        let png = out.join(format!("slice-{name}.png"));
        write(&png, &render::encode_png(&image).map_err(err)?)?;
        println!("rendered {} ({applied:?})", png.display());
    }
    demo_vault(&file, out, relay, viewer)
}

/// The demo's second half, the app's path: import the series (the folder of the file) into a new
/// encrypted vault and render its middle slice through a viewer session.
fn demo_vault(
    file: &Path,
    out: &Path,
    relay: Option<&str>,
    viewer_base: Option<String>,
) -> CliResult {
    use scanpass_core::import::{import, CancelToken, Silent, Source};
    use scanpass_core::vault::{PassphraseKeyStore, Vault};
    use scanpass_core::viewer::Viewer;
    let dir = out.join("vault");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .map_err(|e| format!("cannot replace {}: {e}", dir.display()))?;
    }
    // embedded default; a real vault keeps its key in the platform store or a passphrase of yours
    let passphrase =
        std::env::var("SCANPASS_PASSPHRASE").unwrap_or_else(|_| "scanpass-demo".into());
    let vault = std::sync::Arc::new(
        Vault::create(&dir, &PassphraseKeyStore::new(&dir, &passphrase)).map_err(err)?,
    );
    let source = match file.parent() {
        Some(folder) if folder.join("IM0001").exists() => folder.to_path_buf(),
        _ => file.to_path_buf(),
    };
    let summary = import(
        &vault,
        &[Source::Path(source)],
        &Silent,
        &CancelToken::new(),
    )
    .map_err(err)?;
    println!(
        "imported {} image(s) into the encrypted vault {}",
        summary.instances_added,
        dir.display()
    );
    let study = vault
        .studies()
        .map_err(err)?
        .into_iter()
        .next()
        .ok_or("the import stored no study")?;
    let series = vault
        .series(&study.id)
        .map_err(err)?
        .into_iter()
        .next()
        .ok_or("no series")?;
    let viewer = Viewer::open(vault.clone(), &series.id).map_err(err)?;
    let middle = viewer.slice_count() / 2;
    let (image, applied) = viewer.render(middle, &Voi::Default).map_err(err)?;
    let png = out.join("vault-slice.png");
    write(&png, &render::encode_png(&image).map_err(err)?)?;
    println!(
        "rendered slice {} of {} from the vault: {} ({applied:?})",
        middle + 1,
        viewer.slice_count(),
        png.display()
    );
    let Some(relay) = relay else {
        return Ok(());
    };
    // the share flow, as the app's "share for a second opinion" button runs it
    let options = scanpass_core::share::ShareOptions {
        studies: vec![study.id.clone()],
        series: Vec::new(),
        relay: relay.to_string(),
        expires_in_secs: scanpass_core::share::send::DEFAULT_EXPIRY_SECS,
        max_downloads: None,
        passcode: None,
        deidentify: None,
        viewer: viewer_base,
    };
    let shared =
        scanpass_core::share::share(&vault, &options, &Silent, &CancelToken::new()).map_err(err)?;
    let link = scanpass_core::share::Link::parse(&shared.record.link).map_err(|e| e.to_string())?;
    let qr = out.join("share-qr.png");
    write(&qr, &link.qr_png(8).map_err(err)?)?;
    println!(
        "shared the study through {relay} ({} files, end-to-end encrypted; QR code in {}):",
        shared.record.files,
        qr.display()
    );
    println!("{}", shared.record.link);
    Ok(())
}
