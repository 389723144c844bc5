//! Load generator for the share benchmark (benches/share/run): N concurrent recipients each open
//! a share link the way the viewer does (fetch the manifest, which counts a download, then every
//! chunk in order) against a running relay, all at once.
//!
//! Usage: cargo run --release -p scanpass-relay --example share_load -- LINK [--recipients N]
//!            [--open-all] [--parallel K]
//!
//! `--open-all`: every recipient decrypts every chunk and checks every file's SHA-256, as the
//! zip download of the browser viewer does (with one recipient: the recipient's download
//! throughput).
//! `--parallel K`: each recipient keeps K chunk requests in flight (default 1), as the browser
//! viewer keeps a few. Chunks are opened on tokio's blocking pool; files are cut out of the
//! stream and hashed in order.
//!
//! Prints one JSON line: recipients, completed, failed, seconds, bytes (all recipients), MB/s, and
//! per-recipient median/max seconds. Each recipient checks that it received the manifest and
//! every chunk of the stream, each of the one sealed size the format gives, and decrypts its
//! manifest and one chunk (the keys come from the link, as in a browser).

use std::time::Instant;

// the allocator of the scanpass CLI, whose `receive` this client stands for
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use scanpass_core::share::{manifest::Manifest, seal, Link};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut args = std::env::args().skip(1);
    let link_text = args
        .next()
        .ok_or("usage: share_load LINK [--recipients N]")?;
    let mut recipients = 100usize;
    let mut open_all = false;
    let mut parallel = 1usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--recipients" => recipients = args.next().ok_or("--recipients N")?.parse()?,
            "--open-all" => open_all = true,
            "--parallel" => parallel = args.next().ok_or("--parallel K")?.parse::<usize>()?.max(1),
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let link = Link::parse(&link_text).map_err(|e| e.to_string())?;
    let keys = link.keys(None);
    let token = keys.token_hex().to_string();
    let http = reqwest::Client::builder().no_proxy().build()?;
    let api = format!("{}/api/shares/{}", link.base, link.share_id);
    let manifest_key =
        scanpass_core::crypto::Key::from_slice(keys.manifest.expose()).ok_or("key")?;
    let content_key = scanpass_core::crypto::Key::from_slice(keys.content.expose()).ok_or("key")?;
    let share_id = link.share_id.clone();

    let start = Instant::now();
    let mut tasks = Vec::with_capacity(recipients);
    for r in 0..recipients {
        let (http, api, token, share_id) =
            (http.clone(), api.clone(), token.clone(), share_id.clone());
        let mk = scanpass_core::crypto::Key::from_slice(manifest_key.expose()).unwrap();
        let ck = scanpass_core::crypto::Key::from_slice(content_key.expose()).unwrap();
        tasks.push(tokio::spawn(async move {
            let t0 = Instant::now();
            let sealed = get(&http, format!("{api}/manifest"), &token).await?;
            let plain = seal::open(&mk, &sealed, &seal::manifest_aad(&share_id))
                .map_err(|e| e.to_string())?;
            let m = Manifest::from_json(&plain).map_err(|e| e.to_string())?;
            let mut bytes = sealed.len() as u64;
            let probe = (r as u32) % m.chunk_count.max(1);
            // the files in stream order, each checked once the chunks it spans are opened
            let mut order: Vec<usize> = (0..m.files.len()).collect();
            order.sort_by_key(|&i| m.files[i].offset);
            let mut order = order.into_iter().peekable();
            // opened stream bytes from `base` on, kept until the files in them are checked
            let (mut window, mut base) = (Vec::<u8>::new(), 0u64);
            let want = m.chunk_size + seal::OVERHEAD as u64;
            let (m, ck) = (std::sync::Arc::new(m), std::sync::Arc::new(ck));
            /// A chunk fetched and, with --open-all, opened.
            enum Got {
                Sealed(bytes::Bytes),
                Plain(Vec<u8>),
            }
            use futures::StreamExt;
            // two stages: the fetches (`parallel` requests in flight, each a task of its own so
            // that it runs on while the chunks before it are opened) and the opening (on the
            // blocking pool, `OPENERS` chunks at a time): the next request goes out while the
            // last body is decrypted, as a browser's fetches go on beside WebCrypto
            const OPENERS: usize = 4;
            let mut bodies = futures::stream::iter(0..m.chunk_count)
                .map(|n| {
                    let (http, url, token) =
                        (http.clone(), format!("{api}/chunks/{n}"), token.clone());
                    tokio::spawn(async move {
                        let body = get(&http, url, &token).await?;
                        let len = body.len() as u64;
                        // every chunk of the padded stream has the same size
                        if len != want {
                            return Err(format!("chunk {n}: {len} bytes, {want} expected"));
                        }
                        Ok((n, body))
                    })
                })
                .buffered(parallel)
                .map(|fetched| {
                    let (ck, share_id) = (ck.clone(), share_id.clone());
                    async move {
                        let (n, body) = fetched.map_err(|e| e.to_string())??;
                        let len = body.len() as u64;
                        if !open_all {
                            return Ok((n, len, Got::Sealed(body)));
                        }
                        let got = tokio::task::spawn_blocking(move || {
                            seal::open_owned(&ck, body.into(), &seal::chunk_aad(&share_id, n))
                                .map(|mut p| Got::Plain(p.take()))
                                .map_err(|e| format!("chunk {n}: {e}"))
                        })
                        .await
                        .map_err(|e| e.to_string())??;
                        Ok::<_, String>((n, len, got))
                    }
                })
                .buffered(OPENERS);
            while let Some(item) = bodies.next().await {
                let (n, len, got) = item?;
                bytes += len;
                match got {
                    Got::Sealed(body) => {
                        if n == probe {
                            seal::open(&ck, &body, &seal::chunk_aad(&share_id, n))
                                .map_err(|e| format!("chunk {n}: {e}"))?;
                        }
                    }
                    Got::Plain(plain) => {
                        window.extend_from_slice(&plain);
                        let end = base + window.len() as u64;
                        while let Some(&i) = order.peek() {
                            let f = &m.files[i];
                            if f.offset + f.size > end {
                                break;
                            }
                            let at = (f.offset - base) as usize;
                            let digest = <sha2::Sha256 as sha2::Digest>::digest(
                                &window[at..at + f.size as usize],
                            );
                            if hex::encode(digest) != f.sha256 {
                                return Err(format!("file {i}: checksum mismatch"));
                            }
                            order.next();
                        }
                        let keep = order.peek().map_or(end, |&i| m.files[i].offset.min(end));
                        window.drain(..(keep - base) as usize);
                        base = keep;
                    }
                }
            }
            Ok::<(u64, f64), String>((bytes, t0.elapsed().as_secs_f64()))
        }));
    }
    let mut done = Vec::new();
    let mut failed = Vec::new();
    for t in tasks {
        match t.await {
            Ok(Ok(x)) => done.push(x),
            Ok(Err(e)) => failed.push(e),
            Err(e) => failed.push(e.to_string()),
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let bytes: u64 = done.iter().map(|d| d.0).sum();
    let mut times: Vec<f64> = done.iter().map(|d| d.1).collect();
    times.sort_by(f64::total_cmp);
    let median = times.get(times.len() / 2).copied().unwrap_or(0.0);
    let max = times.last().copied().unwrap_or(0.0);
    println!(
        "{}",
        serde_json::json!({
            "recipients": recipients,
            "completed": done.len(),
            "failed": failed.len(),
            "open_all": open_all,
            "parallel": parallel,
            "first_error": failed.first(),
            "seconds": secs,
            "bytes": bytes,
            "mb_per_s": bytes as f64 / 1e6 / secs,
            "median_recipient_s": median,
            "max_recipient_s": max,
        })
    );
    Ok(())
}

/// A recipient route's body, the access token shown.
async fn get(http: &reqwest::Client, url: String, token: &str) -> Result<bytes::Bytes, String> {
    let e = |e: reqwest::Error| e.to_string();
    http.get(url)
        .header("X-Scanpass-Token", token)
        .send()
        .await
        .map_err(e)?
        .error_for_status()
        .map_err(e)?
        .bytes()
        .await
        .map_err(e)
}
