//! `scanpass-relay --listen 127.0.0.1:8787 --data DIR`: every flag has an environment variable
//! and a default. Logs go to stderr (JSON with `--log-json`); stdout gets one line naming the
//! bound address, so a test or a supervisor can start it on port 0.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderValue;
use clap::Parser;
use object_store::local::LocalFileSystem;
use scanpass_relay::meta::SqliteMeta;
use scanpass_relay::ratelimit::FailureLimiter;
use scanpass_relay::server::{self, AppState, Limits};

#[derive(Parser, Debug)]
#[command(
    name = "scanpass-relay",
    version,
    about = "Scanpass share relay: stores ciphertext only"
)]
struct Args {
    /// Address to listen on (port 0 picks a free port; the bound address is printed).
    #[arg(long, env = "SCANPASS_RELAY_LISTEN", default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
    /// Folder for the metadata database (relay.sqlite3) and the objects (objects/).
    #[arg(
        long,
        env = "SCANPASS_RELAY_DATA",
        default_value = "scanpass-relay-data"
    )]
    data: PathBuf,
    /// Largest chunk or manifest body, in bytes.
    #[arg(long, env = "SCANPASS_RELAY_MAX_CHUNK_SIZE", default_value_t = 8 << 20)]
    max_chunk_size: u64,
    /// Largest share (its default size quota), in bytes.
    #[arg(long, env = "SCANPASS_RELAY_MAX_SHARE_SIZE", default_value_t = 2 << 30)]
    max_share_size: u64,
    /// Wrong recipient tokens before a share locks.
    #[arg(long, env = "SCANPASS_RELAY_MAX_AUTH_FAILURES", default_value_t = 5)]
    max_auth_failures: u32,
    /// Failed requests (404, 401, 403, 423) a client IP may make in a burst before 429.
    #[arg(long, env = "SCANPASS_RELAY_FAIL_BURST", default_value_t = 30)]
    fail_burst: u32,
    /// Failed requests a client IP earns back per minute.
    #[arg(long, env = "SCANPASS_RELAY_FAIL_REFILL_PER_MIN", default_value_t = 30)]
    fail_refill_per_min: u32,
    /// Seconds between sweeps deleting the objects of expired and revoked shares.
    #[arg(long, env = "SCANPASS_RELAY_SWEEP_INTERVAL_SECS", default_value_t = 60)]
    sweep_interval_secs: u64,
    /// Seconds the chunks stay fetchable after the last allowed download's manifest fetch.
    #[arg(
        long,
        env = "SCANPASS_RELAY_DOWNLOAD_GRACE_SECS",
        default_value_t = 3600
    )]
    download_grace_secs: u64,
    /// Origins allowed to GET recipient routes, comma-separated; `*` for any.
    #[arg(
        long,
        env = "SCANPASS_RELAY_CORS_ORIGINS",
        default_value = "*",
        value_delimiter = ','
    )]
    cors_origins: Vec<String>,
    /// Log as JSON lines (for a log collector) instead of text.
    #[arg(long, env = "SCANPASS_RELAY_LOG_JSON")]
    log_json: bool,
    /// Log filter (tracing-subscriber EnvFilter syntax).
    #[arg(long, env = "SCANPASS_RELAY_LOG", default_value = "info")]
    log: String,
}

#[derive(Debug, thiserror::Error)]
enum StartError {
    #[error("cannot create the data folder {0}: {1}")]
    DataDir(PathBuf, std::io::Error),
    #[error("cannot open the object store: {0}")]
    Store(#[from] object_store::Error),
    #[error("cannot open the metadata database: {0}")]
    Meta(#[from] scanpass_relay::meta::MetaError),
    #[error("bad --cors-origins value {0:?}")]
    Cors(String),
    #[error("bad --log filter: {0}")]
    Log(String),
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
    #[error("server: {0}")]
    Serve(std::io::Error),
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("scanpass-relay: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scanpass-relay: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), StartError> {
    let filter = tracing_subscriber::EnvFilter::try_new(&args.log)
        .map_err(|e| StartError::Log(e.to_string()))?;
    let fmt = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if args.log_json {
        fmt.json().init();
    } else {
        fmt.init();
    }

    let objects = args.data.join("objects");
    std::fs::create_dir_all(&objects).map_err(|e| StartError::DataDir(args.data.clone(), e))?;
    let store = LocalFileSystem::new_with_prefix(&objects)?
        .with_automatic_cleanup(true)
        .with_fsync(true);
    let meta = SqliteMeta::open(&args.data.join("relay.sqlite3"))?;
    let cors_origins = if args.cors_origins.iter().any(|o| o == "*") {
        None
    } else {
        Some(
            args.cors_origins
                .iter()
                .map(|o| HeaderValue::from_str(o.trim()).map_err(|_| StartError::Cors(o.clone())))
                .collect::<Result<Vec<_>, _>>()?,
        )
    };
    let state = AppState::new(
        Arc::new(meta),
        Arc::new(store),
        Limits {
            max_chunk_size: args.max_chunk_size,
            max_share_size: args.max_share_size,
            max_auth_failures: args.max_auth_failures.max(1),
            download_grace_secs: args.download_grace_secs,
            cors_origins,
        },
        FailureLimiter::new(args.fail_burst, args.fail_refill_per_min),
    );

    let sweeper = {
        let state = state.clone();
        let every = Duration::from_secs(args.sweep_interval_secs.max(1));
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                if let Err(e) = server::sweep(&state).await {
                    tracing::error!(error = %e, "sweep failed");
                }
            }
        })
    };

    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| StartError::Listen(args.listen, e))?;
    let bound = listener.local_addr().map_err(StartError::Serve)?;
    println!("scanpass-relay listening on http://{bound}");
    let _ = std::io::stdout().flush();
    tracing::info!(%bound, "listening");

    axum::serve(
        listener,
        server::router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(StartError::Serve)?;
    sweeper.abort();
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
