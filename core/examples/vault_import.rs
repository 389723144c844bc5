//! Times an import into a vault that is already created and unlocked, as the app imports (it
//! unlocks once per session), in one process (used by benches/vault/run beside the
//! `scanpass import` process, which also creates the vault: an Argon2id derivation).
//!
//! Usage: vault_import --vault NEW_DIR FOLDER   (SCANPASS_PASSPHRASE gives the passphrase)
//!
//! Prints one JSON object: `seconds` (the import alone: reading, parsing, hashing, encrypting,
//! syncing, indexing, the series thumbnails), `instances_added`, `errors`.
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use scanpass_core::import::{self, CancelToken, Silent, Source};
use scanpass_core::vault::{PassphraseKeyStore, Vault};

// the allocator of the scanpass CLI, as in the other benchmark examples
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some("--vault"), Some(dir), Some(folder)) =
        (args.first().map(String::as_str), args.get(1), args.get(2))
    else {
        eprintln!("usage: vault_import --vault NEW_DIR FOLDER");
        return ExitCode::from(2);
    };
    let Ok(pass) = std::env::var("SCANPASS_PASSPHRASE") else {
        eprintln!("vault_import: set SCANPASS_PASSPHRASE");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    let vault = match Vault::create(&dir, &PassphraseKeyStore::new(&dir, &pass)) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("vault_import: {e}");
            return ExitCode::FAILURE;
        }
    };
    let t = Instant::now();
    let summary = import::import(
        &vault,
        &[Source::Path(PathBuf::from(folder))],
        &Silent,
        &CancelToken::new(),
    );
    let seconds = t.elapsed().as_secs_f64();
    match summary {
        Ok(s) => {
            println!(
                "{{\"seconds\": {seconds}, \"instances_added\": {}, \"errors\": {}}}",
                s.instances_added,
                s.errors.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("vault_import: {e}");
            ExitCode::FAILURE
        }
    }
}
