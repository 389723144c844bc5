//! The share commands of `scanpass`: share, shares, revoke, unlock-share, access-log, receive. The flows are the
//! core's (`scanpass_core::share`); this file parses, asks the core and prints.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use scanpass_core::deid::Preset;
use scanpass_core::import::{self, CancelToken};
use scanpass_core::share::{self, AccessKind, Link, ShareOptions, ShareProgress};
// the relay when neither `--relay` nor `SCANPASS_RELAY` names one: the core's
use scanpass_core::share::DEFAULT_RELAY;
use scanpass_core::vault::keystore::desktop;
use serde_json::json;
use zeroize::Zeroizing;

use crate::progress::FileBar;
use crate::vault_cmd::{open, passphrase};
use crate::{err, CliResult};

#[derive(clap::Args)]
pub struct ShareArgs {
    /// The study to share (its id, from `scanpass studies`); more ids share those studies in
    /// the same link after it (earlier scans of the same patient, to compare with).
    #[arg(required = true, num_args = 1..)]
    studies: Vec<String>,
    /// Share only this series (repeat for several); default: the whole studies.
    #[arg(long = "series")]
    series: Vec<String>,
    /// The relay's address.
    #[arg(long, env = "SCANPASS_RELAY", default_value = DEFAULT_RELAY)]
    relay: String,
    /// The viewer the link opens: a static build of web/ on an origin of its own, never the
    /// relay's (default: the core's DEFAULT_VIEWER, not yet deployed).
    #[arg(long, env = "SCANPASS_VIEWER")]
    viewer: Option<String>,
    /// How long the link works: 7d (default), 12h, 30m, 1h30m (a bare number is days); at most
    /// 31d.
    #[arg(long, default_value = "7d")]
    expires: String,
    /// Stop serving after this many downloads (openings of the link).
    #[arg(long)]
    max_downloads: Option<u64>,
    /// Require a passcode, read from this environment variable (never from the command line,
    /// where other users could read it).
    #[arg(long)]
    passcode_env: Option<String>,
    /// De-identify before sharing: second-opinion (keeps who you are: the doctor must know) or
    /// research (anonymous, new UIDs).
    #[arg(long)]
    deidentify: Option<String>,
    /// Print the link as a QR code too.
    #[arg(long)]
    qr: bool,
    /// Write the link's QR code to this PNG file.
    #[arg(long)]
    qr_png: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

/// `7d`, `12h`, `30m`, `45s` (a bare number is days).
fn parse_duration(s: &str) -> Result<u64, String> {
    let s = s.trim().to_ascii_lowercase();
    // a bare number is days (as before humantime); units are humantime's (lower-cased first, so
    // that `7D` is days and `m` is minutes, never months)
    let text = if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        format!("{s}d")
    } else {
        s.clone()
    };
    let d = humantime::parse_duration(&text).map_err(|e| match e {
        humantime::DurationError::UnknownUnit { .. } => {
            format!("--expires: unknown unit in {s:?} (use d, h, m or s)")
        }
        humantime::DurationError::NumberOverflow => format!("--expires: {s:?} is too long"),
        _ => format!("--expires: {s:?} is not a duration like 7d, 12h or 30m"),
    })?;
    if d.subsec_nanos() != 0 {
        return Err(format!("--expires: {s:?} is not a whole number of seconds"));
    }
    // the bounds (1 second to 31 days) are the core's rule, checked by `share::share`
    Ok(d.as_secs())
}

fn secret_env(var: &str, what: &str) -> Result<String, String> {
    std::env::var(var)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| format!("{what}: {var} is not set"))
}

fn date_time(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| unix.to_string())
}

struct Progress(FileBar);

impl share::ShareListener for Progress {
    fn on_progress(&self, p: &ShareProgress) {
        match p {
            ShareProgress::Started { resumed, files } => {
                let what = if *resumed { "resuming" } else { "sharing" };
                self.0
                    .println(&format!("{what} {files} file(s): encrypting and uploading"));
            }
            ShareProgress::File {
                done,
                files,
                bytes_sent,
            } => self.0.set(*done, *files, Some(*bytes_sent)),
            ShareProgress::Finishing => {}
        }
    }
}

pub fn share(dir: &Path, a: &ShareArgs) -> CliResult {
    let vault = open(dir)?;
    let passcode = match &a.passcode_env {
        Some(var) => Some(secret_env(var, "--passcode-env")?),
        None => None,
    };
    let deidentify = match &a.deidentify {
        Some(name) => Some(Preset::from_name(name).ok_or_else(|| {
            format!("--deidentify: unknown preset {name:?} (second-opinion or research)")
        })?),
        None => None,
    };
    let options = ShareOptions {
        studies: a.studies.clone(),
        series: a.series.clone(),
        relay: a.relay.clone(),
        expires_in_secs: parse_duration(&a.expires)?,
        max_downloads: a.max_downloads,
        passcode,
        deidentify,
        viewer: a.viewer.clone(),
    };
    if let Some(reason) = share::preflight(&vault, &a.studies, &a.series).map_err(err)? {
        eprintln!("warning: {}", reason.sentence());
    }
    let tty = std::io::stderr().is_terminal() && !a.json;
    let progress = Progress(FileBar::new(" sent"));
    let listener: &dyn share::ShareListener = if tty { &progress } else { &import::Silent };
    let done = share::share(&vault, &options, listener, &CancelToken::new()).map_err(err)?;
    let r = &done.record;
    let link = Link::parse(&r.link).map_err(|e| e.to_string())?;
    if let Some(path) = &a.qr_png {
        crate::write(path, &link.qr_png(8).map_err(err)?)?;
    }
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "id": r.id,
                "link": r.link,
                "expires_on": date_time(r.expires_at),
                "expires_at": r.expires_at,
                "max_downloads": r.max_downloads,
                "passcode": r.passcode,
                "deidentified": r.deidentify,
                "studies": 1 + r.other_studies.len(),
                "files": r.files,
                "bytes": r.bytes,
                "resumed": done.resumed,
                "chunks_sent": done.chunks_sent,
                "chunks_skipped": done.chunks_skipped,
                "warning": done.warning,
            }))
            .map_err(|e| e.to_string())?
        );
    } else {
        println!("{}", r.link);
        println!(
            "share {}: {} file(s), {:.1} MB, expires {}{}{}",
            r.id,
            r.files,
            r.bytes as f64 / 1e6,
            date_time(r.expires_at),
            r.max_downloads
                .map(|n| format!(", at most {n} download(s)"))
                .unwrap_or_default(),
            if r.passcode {
                ", passcode needed (send it another way than the link)"
            } else {
                ""
            }
        );
    }
    if a.qr {
        let qr = link.qr_terminal().map_err(|e| e.to_string())?;
        if a.json {
            eprintln!("{qr}");
        } else {
            println!("{qr}");
        }
    }
    Ok(())
}

pub fn shares(dir: &Path, as_json: bool) -> CliResult {
    let vault = open(dir)?;
    let rows = vault.share_records().map_err(err)?;
    if as_json {
        let list: Vec<_> = rows
            .iter()
            .map(|r| {
                json!({
                    "id": r.id,
                    "link": r.link,
                    "state": r.status().name(),
                    "study": r.study_id,
                    "other_studies": r.other_studies,
                    "series": r.series,
                    "created_at": r.created_at,
                    "expires_on": date_time(r.expires_at),
                    "expires_at": r.expires_at,
                    "max_downloads": r.max_downloads,
                    "passcode": r.passcode,
                    "deidentified": r.deidentify,
                    "files": r.files,
                    "bytes": r.bytes,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&list).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    if rows.is_empty() {
        println!("no shares yet (`scanpass share STUDY`)");
    }
    for r in &rows {
        println!(
            "{}  {:<10}  expires {}  {} file(s){}{}",
            r.id,
            r.status().name(),
            date_time(r.expires_at),
            r.files,
            r.deidentify
                .as_deref()
                .map(|d| format!(", de-identified ({d})"))
                .unwrap_or_default(),
            if r.passcode { ", passcode" } else { "" }
        );
    }
    Ok(())
}

pub fn revoke(dir: &Path, id: &str) -> CliResult {
    let vault = open(dir)?;
    let id = vault.resolve_share(id).map_err(err)?;
    let r = share::revoke(&vault, &id).map_err(err)?;
    println!(
        "revoked share {}: the relay deleted its data; the link no longer opens",
        r.id
    );
    Ok(())
}

pub fn unlock(dir: &Path, id: &str) -> CliResult {
    let vault = open(dir)?;
    let id = vault.resolve_share(id).map_err(err)?;
    let r = share::unlock(&vault, &id).map_err(err)?;
    println!("unlocked share {}: the link can be tried again", r.id);
    Ok(())
}

pub fn access_log(dir: &Path, id: &str, as_json: bool) -> CliResult {
    let vault = open(dir)?;
    let id = vault.resolve_share(id).map_err(err)?;
    let events = share::access_log(&vault, &id).map_err(err)?;
    if as_json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "id": id, "events": events }))
                .map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    let count = |k| events.iter().filter(|e| e.kind() == Some(k)).count();
    let opened = count(AccessKind::Manifest);
    let parts = count(AccessKind::Chunk);
    println!("share {id}: opened {opened} time(s), {parts} part(s) fetched");
    // one line per opening and per refusal; the parts fetched are counted, not listed
    for e in events
        .iter()
        .filter(|e| e.kind() != Some(AccessKind::Chunk))
    {
        let what = match e.kind() {
            Some(AccessKind::Manifest) => "opened (a download began)",
            Some(AccessKind::Denied) => "refused: wrong passcode or damaged link",
            Some(AccessKind::Locked) => "locked after too many wrong passcodes",
            _ => e.event.as_str(),
        };
        println!("  {}  {what}", date_time(e.at));
    }
    Ok(())
}

/// The link to receive: from `--link-env VAR`, else one line of standard input.
fn link_input(on_command_line: bool, link_env: Option<&str>) -> Result<Zeroizing<String>, String> {
    if on_command_line {
        return Err(
            "give the link on standard input or with --link-env VAR, not as an argument: \
                    it holds the key, and a command line shows in the process list and the \
                    shell's history"
                .into(),
        );
    }
    if let Some(var) = link_env {
        return secret_env(var, "--link-env").map(Zeroizing::new);
    }
    if std::io::stdin().is_terminal() {
        eprint!("paste the link and press Enter: ");
    }
    let mut line = Zeroizing::new(String::new());
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the link from standard input: {e}"))?;
    if line.trim().is_empty() {
        return Err("no link on standard input (or give --link-env VAR)".into());
    }
    Ok(line)
}

pub fn receive(
    dir: &Path,
    link_on_command_line: bool,
    link_env: Option<&str>,
    passcode_env: Option<&str>,
    as_json: bool,
) -> CliResult {
    let link = link_input(link_on_command_line, link_env)?;
    let link = link.trim();
    let passcode = match passcode_env {
        Some(var) => Some(secret_env(var, "--passcode-env")?),
        None => None,
    };
    let vault = desktop::open_or_create(dir, passphrase().as_deref()).map_err(err)?;
    let r = share::receive(
        &vault,
        link,
        passcode.as_deref(),
        &import::Silent,
        &CancelToken::new(),
    )
    .map_err(err)?;
    let s = &r.import;
    if as_json {
        let mut v = serde_json::to_value(s).map_err(|e| e.to_string())?;
        v["deidentified"] = json!(r.deidentified);
        v["warning"] = json!(r.warning);
        println!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
        );
    } else {
        println!(
            "received {} new instance(s) in {} series of {} study(ies); {} duplicate(s), {} error(s)",
            s.instances_added,
            s.series,
            s.studies,
            s.duplicates,
            s.errors.len()
        );
        if let Some(d) = &r.deidentified {
            println!("the sender de-identified these images ({d})");
        }
        for e in &s.errors {
            println!("  {}: {}", e.path, e.error);
        }
    }
    Ok(())
}

/// `scanpass viewer-check [URL]`: the viewer origin serves the pinned build, file for file.
pub fn viewer_check(url: Option<String>, json: bool) -> CliResult {
    let ok = share::check_viewer(url.as_deref()).map_err(|e| e.to_string())?;
    if json {
        println!(
            "{}",
            json!({"base": ok.base, "version": ok.version, "files": ok.files, "bytes": ok.bytes})
        );
    } else {
        println!(
            "viewer at {} serves the pinned build{}: {} files, {} bytes, every SHA-256 equal",
            ok.base,
            ok.version
                .as_deref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default(),
            ok.files,
            ok.bytes
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations_read_as_before_and_more() {
        // what the hand-written parser accepted
        for (text, secs) in [
            ("7", 7 * 86_400),
            ("7d", 7 * 86_400),
            (" 2days ", 2 * 86_400),
            ("1day", 86_400),
            ("12h", 12 * 3_600),
            ("3hours", 3 * 3_600),
            ("1hour", 3_600),
            ("30m", 30 * 60),
            ("30min", 30 * 60),
            ("30minutes", 30 * 60),
            ("45s", 45),
            ("45sec", 45),
            ("45seconds", 45),
            ("2S", 2),
            ("7D", 7 * 86_400),
            ("0", 0),
        ] {
            assert_eq!(parse_duration(text), Ok(secs), "{text}");
        }
        // and now: combinations, spaces, weeks
        assert_eq!(parse_duration("1h 30m"), Ok(5_400));
        assert_eq!(parse_duration("1d12h"), Ok(129_600));
        assert_eq!(parse_duration("2w"), Ok(14 * 86_400));
        // refused, each with a reason
        for (text, why) in [
            ("", "not a duration"),
            ("abc", "not a duration"),
            ("7x", "unknown unit"),
            ("-1d", "not a duration"),
            ("1500ms", "whole number of seconds"),
            ("99999999999999999999d", "too long"),
        ] {
            let e = parse_duration(text).unwrap_err();
            assert!(e.contains(why), "{text}: {e}");
        }
    }
}
