//! `scanpass scroll-bench` is a contract (issue 20): benchmarks and checks call it and read its
//! JSON. On a real series (SAG-anon, 192 MR slices) imported into a vault by the CLI, it prints
//! the twelve fields, counts the slices it asked for (forward, backward, the jump and a second
//! back) and checks the fling's shape, and refuses a rate it cannot pace and a series that is not there. No timing is
//! asserted: the figures belong to docs/benchmarks.md.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PASSPHRASE: &str = "scroll-bench test passphrase";

fn samples() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/dicom-samples/SAG-anon");
    d.is_dir().then_some(d)
}

fn scanpass(vault: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scanpass"))
        .arg("--vault")
        .arg(vault)
        .args(args)
        .env("SCANPASS_PASSPHRASE", PASSPHRASE)
        .env("HOME", vault.with_extension("home"))
        .output()
        .unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn scroll_bench_replays_a_series_and_reports_the_contract_fields() {
    let Some(sag) = samples() else {
        eprintln!("skipped: ../shared/dicom-samples is not beside the checkout");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    let imported = scanpass(&vault, &["import", sag.to_str().unwrap()]);
    assert!(imported.status.success());
    let studies = json(&scanpass(&vault, &["studies", "--json"]));
    let study = studies[0]["id"].as_str().unwrap().to_string();
    let series = json(&scanpass(&vault, &["series", &study, "--json"]));
    let series = series[0]["id"].as_str().unwrap().to_string();

    let r = json(&scanpass(
        &vault,
        &["scroll-bench", &series, "--fps", "120", "--json"],
    ));
    let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "first_slice_ms",
            "fling_slices",
            "fling_span",
            "fling_wait_ms_p50",
            "fling_wait_ms_p99",
            "forward_slices_per_s",
            "fps_asked",
            "slices",
            "slices_per_s",
            "slices_per_s_after_1s",
            "wait_ms_p50",
            "wait_ms_p99"
        ]
    );
    // 191 forward after slice 0, 191 back, then the far end and 119 more back from it
    assert_eq!(r["slices"], 191 + 191 + 120);
    assert_eq!(r["fps_asked"], 120.0);
    let f = |k: &str| r[k].as_f64().unwrap();
    assert!(f("slices_per_s") > 0.0 && f("slices_per_s") <= 121.0, "{r}");
    assert!(f("slices_per_s_after_1s") <= 121.0, "{r}");
    assert!(f("forward_slices_per_s") > 0.0, "{r}");
    assert!(f("wait_ms_p50") <= f("wait_ms_p99"), "{r}");
    assert!(f("first_slice_ms") > 0.0, "{r}");
    // the fling: from slice 0 at 4 slices a frame, decaying; never past the last slice, some
    // slices flown past (fewer shown than covered), each shown once
    let span = r["fling_span"].as_u64().unwrap();
    let shown = r["fling_slices"].as_u64().unwrap();
    assert!(span > 60 && span <= 191, "{r}");
    assert!(shown > 10 && shown < span, "{r}");
    assert!(f("fling_wait_ms_p50") <= f("fling_wait_ms_p99"), "{r}");

    let bad_rate = scanpass(&vault, &["scroll-bench", &series, "--fps", "0"]);
    assert!(!bad_rate.status.success());
    assert!(String::from_utf8_lossy(&bad_rate.stderr).contains("--fps"));
    let missing = scanpass(&vault, &["scroll-bench", "no-such-series"]);
    assert!(!missing.status.success());
}
