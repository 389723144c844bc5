//! Writes a generated CT phantom series of any size to a folder, one slice at a time (memory stays
//! at one slice whatever the series size). Used by the vault crash test and the vault benchmark.
//!
//! Usage: cargo run --release -p scanpass-core --example phantom -- \
//!            --slices N --size S --out DIR [--seed K] [--prefix IM]
//!
//! Files are named `<prefix><5-digit slice number>` (no patient data in names). The same
//! arguments give the same bytes; a different seed gives a different study (other UIDs).
use std::path::PathBuf;
use std::process::ExitCode;

use scanpass_core::phantom::{ct_slice, PhantomSpec};

fn usage() -> ExitCode {
    eprintln!("usage: phantom --slices N --size S --out DIR [--seed K] [--prefix IM]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut spec = PhantomSpec::default();
    let mut out: Option<PathBuf> = None;
    let mut prefix = "IM".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let Some(v) = args.next() else {
            return usage();
        };
        let ok = match a.as_str() {
            "--slices" => v.parse().map(|n| spec.slices = n).is_ok(),
            "--size" => v.parse().map(|n| spec.size = n).is_ok(),
            "--seed" => v.parse().map(|n| spec.seed = n).is_ok(),
            "--out" => {
                out = Some(PathBuf::from(v));
                true
            }
            "--prefix" => {
                prefix = v;
                true
            }
            _ => false,
        };
        if !ok {
            return usage();
        }
    }
    let Some(out) = out else {
        return usage();
    };
    if spec.slices == 0 || spec.size < 8 {
        eprintln!("phantom: --slices must be at least 1 and --size at least 8");
        return ExitCode::from(2);
    }
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("phantom: cannot create {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    let mut bytes_total = 0u64;
    for i in 0..spec.slices {
        let bytes = match ct_slice(spec, i) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("phantom: slice {i}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let path = out.join(format!("{prefix}{:05}", i + 1));
        if let Err(e) = std::fs::write(&path, &bytes) {
            eprintln!("phantom: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        bytes_total += bytes.len() as u64;
    }
    println!(
        "wrote {} slices of {}x{} ({:.1} MB) to {}",
        spec.slices,
        spec.size,
        spec.size,
        bytes_total as f64 / 1e6,
        out.display()
    );
    ExitCode::SUCCESS
}
