//! Times opening one slice from the vault against the same file on plain disk, in one process,
//! interleaved (used by benches/vault/run). The vault is unlocked once, before any timing, so the
//! passphrase's Argon2id cost is left out: what remains is what a viewer pays per slice.
//!
//! Usage: vault_slice --vault DIR --series ID --index I --file F [--repeat N]
//!        (SCANPASS_PASSPHRASE gives the passphrase)
//!
//! Times, each the median of N calls after one warm-up, printed as one JSON object:
//! - `plain_ms`: `render_file(F)`: read, parse, decode frame 0, render with the default window;
//! - `vault_ms`: what the app's viewer does on a cache miss: `Vault::open_row` of instance I from
//!   the listing it keeps (reads the blob whole and decrypts it in place; over 8 MiB, only the
//!   chunks the decoder reads), then decode and render;
//! - `vault_decrypt_ms`: `read_instance` (the whole blob decrypted) then the same open, decode
//!   and render from memory as the plain path: decryption alone added, without the listing;
//! - `list_ms`: `Vault::instances(series)`: the listing a viewer makes once per series (and
//!   `Vault::render(series, I)` on every call);
//! - `plain_steady_ms`, `decrypt_steady_ms`: the plain and decrypt paths again, each as N calls in
//!   a row (mean), with no other path in between;
//! - `vault_ratio`, `decrypt_ratio`: the medians of the per-round ratios of `vault_ms` and
//!   `vault_decrypt_ms` to `plain_ms` (each against the plain call of the same round).
//!
//! `identical` says whether the vault's pixels equal the plain file's (the right file was given).
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use scanpass_core::dicom::DicomImage;
use scanpass_core::render::{self, Voi};
use scanpass_core::vault::{PassphraseKeyStore, Vault};

// the allocator of the scanpass CLI (`scanpass render`, `scanpass bench`)
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn main() -> ExitCode {
    let (mut vault_dir, mut series, mut index, mut file, mut repeat) =
        (None, None, None::<usize>, None, 20usize);
    let mut args = std::env::args().skip(1);
    while let (Some(a), Some(v)) = (args.next(), args.next()) {
        match a.as_str() {
            "--vault" => vault_dir = Some(PathBuf::from(v)),
            "--series" => series = Some(v),
            "--index" => index = v.parse().ok(),
            "--file" => file = Some(PathBuf::from(v)),
            "--repeat" => repeat = v.parse().unwrap_or(20),
            _ => {
                eprintln!("vault_slice: unknown argument {a}");
                return ExitCode::from(2);
            }
        }
    }
    let (Some(dir), Some(series), Some(index), Some(file)) = (vault_dir, series, index, file)
    else {
        eprintln!("usage: vault_slice --vault DIR --series ID --index I --file F [--repeat N]");
        return ExitCode::from(2);
    };
    match run(&dir, &series, index, &file, repeat.max(1)) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("vault_slice: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(
    dir: &std::path::Path,
    series: &str,
    index: usize,
    file: &std::path::Path,
    repeat: usize,
) -> Result<String, String> {
    let pass = std::env::var("SCANPASS_PASSPHRASE").map_err(|_| "set SCANPASS_PASSPHRASE")?;
    let vault = Vault::open(dir).map_err(|e| e.to_string())?;
    vault
        .unlock(&PassphraseKeyStore::new(dir, &pass))
        .map_err(|e| e.to_string())?;
    let study = vault
        .studies()
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|s| {
            vault
                .series(&s.id)
                .map(|l| l.iter().any(|x| x.id == series))
                .unwrap_or(false)
        })
        .ok_or("no study holds that series")?
        .id;
    let row = scanpass_core::library::instances(&vault, series)
        .map_err(|e| e.to_string())?
        .get(index)
        .ok_or("no such instance")?
        .clone();
    let instance = row.id.clone();
    let voi = Voi::Default;

    let plain = || -> Result<render::Image, String> {
        Ok(scanpass_core::render_file(file, 0, &voi)
            .map_err(|e| e.to_string())?
            .1)
    };
    let in_vault = || -> Result<render::Image, String> {
        let img = vault.open_row(&study, &row).map_err(|e| e.to_string())?;
        let frame = img.decode_frame(0).map_err(|e| e.to_string())?;
        let info = img.info().map_err(|e| e.to_string())?;
        Ok(render::render(info, &frame, &voi)
            .map_err(|e| e.to_string())?
            .0)
    };
    let decrypt_only = || -> Result<render::Image, String> {
        let mut bytes = vault
            .read_instance(&study, &instance)
            .map_err(|e| e.to_string())?;
        // moved out, not copied, so that this path does no more work than the plain one (a
        // benchmark only: the app would keep the plaintext zeroized)
        let img = DicomImage::from_bytes(bytes.take()).map_err(|e| e.to_string())?;
        let frame = img.decode_frame(0).map_err(|e| e.to_string())?;
        let info = img.info().map_err(|e| e.to_string())?;
        Ok(render::render(info, &frame, &voi)
            .map_err(|e| e.to_string())?
            .0)
    };
    let list = || -> Result<usize, String> {
        Ok(scanpass_core::library::instances(&vault, series)
            .map_err(|e| e.to_string())?
            .len())
    };

    // warm-up, and the check that both paths show the same picture
    let (a, b, c) = (plain()?, in_vault()?, decrypt_only()?);
    let identical = a.rgba == b.rgba && a.rgba == c.rgba;
    list()?;

    let mut t = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    for i in 0..repeat {
        // rotate the order each round so that no path always runs first
        for k in 0..4 {
            let which = (i + k) % 4;
            let start = Instant::now();
            match which {
                0 => drop(std::hint::black_box(plain()?)),
                1 => drop(std::hint::black_box(in_vault()?)),
                2 => drop(std::hint::black_box(decrypt_only()?)),
                _ => drop(std::hint::black_box(list()?)),
            }
            t[which].push(start.elapsed().as_secs_f64() * 1e3);
        }
    }
    // the same two paths, each in a loop of its own: no other path's buffers between calls, as
    // when a viewer scrolls (the allocator keeps reusing the same memory)
    let steady = |f: &dyn Fn() -> Result<render::Image, String>| -> Result<f64, String> {
        let start = Instant::now();
        for _ in 0..repeat {
            drop(std::hint::black_box(f()?));
        }
        Ok(start.elapsed().as_secs_f64() * 1e3 / repeat as f64)
    };
    let (ps, ds) = (steady(&plain)?, steady(&decrypt_only)?);
    // paired ratios (each against the plain call of the same round): steadier than a ratio of
    // medians on a shared machine, where load comes and goes between rounds
    let ratio = |k: usize| median(t[k].iter().zip(&t[0]).map(|(x, p)| x / p).collect());
    let (rv, rd) = (ratio(1), ratio(2));
    let [p, v, d, l] = t.map(median);
    Ok(format!(
        "{{\"plain_ms\": {p:.4}, \"vault_ms\": {v:.4}, \"vault_decrypt_ms\": {d:.4}, \
         \"list_ms\": {l:.4}, \"vault_ratio\": {rv:.4}, \"decrypt_ratio\": {rd:.4}, \
         \"plain_steady_ms\": {ps:.4}, \"decrypt_steady_ms\": {ds:.4}, \
         \"instances\": {}, \"repeat\": {repeat}, \"identical\": {identical}}}",
        list()?
    ))
}
