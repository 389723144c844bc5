//! `scanpass-relay --listen 127.0.0.1:8787 --data DIR`: every flag has an environment variable
//! and a default. Logs go to stderr (JSON with `--log-json`); stdout gets one line naming the
//! bound address, so a test or a supervisor can start it on port 0.
//!
//! Scaled out: `--database-url postgres://…` puts the metadata in PostgreSQL and `--s3-bucket`
//! (with `--s3-endpoint` for a server other than AWS) the objects in S3-compatible storage; the
//! S3 keys come from the environment only (`SCANPASS_RELAY_S3_ACCESS_KEY_ID`,
//! `SCANPASS_RELAY_S3_SECRET_ACCESS_KEY`, else the usual `AWS_*` variables), never from a flag.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderValue;
use clap::Parser;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::prefix::PrefixStore;
use object_store::ObjectStore;
use scanpass_relay::meta::{MetaStore, PgMeta, SqliteMeta};
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
    /// Folder for the metadata database (relay.sqlite3) and the objects (objects/), unless
    /// --database-url and --s3-bucket put them elsewhere.
    #[arg(
        long,
        env = "SCANPASS_RELAY_DATA",
        default_value = "scanpass-relay-data"
    )]
    data: PathBuf,
    /// PostgreSQL for the metadata instead of SQLite (`postgres://user@host:port/db`); several
    /// relays may share it. Migrations run at start.
    #[arg(long, env = "SCANPASS_RELAY_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// Connections each relay process keeps to PostgreSQL at most.
    #[arg(long, env = "SCANPASS_RELAY_DATABASE_POOL_SIZE", default_value_t = 16)]
    database_pool_size: usize,
    /// S3 bucket for the objects instead of the data folder.
    #[arg(long, env = "SCANPASS_RELAY_S3_BUCKET")]
    s3_bucket: Option<String>,
    /// S3-compatible endpoint (`https://s3.example:9000`); absent: AWS for --s3-region.
    #[arg(long, env = "SCANPASS_RELAY_S3_ENDPOINT", requires = "s3_bucket")]
    s3_endpoint: Option<String>,
    /// S3 region (signing region for other S3-compatible servers).
    #[arg(long, env = "SCANPASS_RELAY_S3_REGION", default_value = "us-east-1")]
    s3_region: String,
    /// Key prefix inside the bucket, so that one bucket can hold several relays' objects.
    #[arg(long, env = "SCANPASS_RELAY_S3_PREFIX", requires = "s3_bucket")]
    s3_prefix: Option<String>,
    /// Allow a plain-http --s3-endpoint (a server on loopback or a private network only).
    #[arg(long, env = "SCANPASS_RELAY_S3_ALLOW_HTTP")]
    s3_allow_http: bool,
    /// Largest chunk or manifest body, in bytes.
    #[arg(long, env = "SCANPASS_RELAY_MAX_CHUNK_SIZE", default_value_t = 8 << 20)]
    max_chunk_size: u64,
    /// Largest share (its default size quota), in bytes.
    #[arg(long, env = "SCANPASS_RELAY_MAX_SHARE_SIZE", default_value_t = 2 << 30)]
    max_share_size: u64,
    /// Wrong recipient tokens before a share locks.
    #[arg(long, env = "SCANPASS_RELAY_MAX_AUTH_FAILURES", default_value_t = 5)]
    max_auth_failures: u32,
    /// Seconds a passcode share stays locked after its wrong tokens reach the limit; each later
    /// lock of the same share lasts twice as long (the owner can unlock it at any time).
    #[arg(long, env = "SCANPASS_RELAY_LOCK_BASE_SECS", default_value_t = 900)]
    lock_base_secs: u64,
    /// Requests handled at once, all clients together; more are refused at once (503).
    #[arg(long, env = "SCANPASS_RELAY_MAX_IN_FLIGHT", default_value_t = 256)]
    max_in_flight: usize,
    /// Seconds a request body may pause before the request ends (slow uploads).
    #[arg(
        long,
        env = "SCANPASS_RELAY_BODY_IDLE_TIMEOUT_SECS",
        default_value_t = 30
    )]
    body_idle_timeout_secs: u64,
    /// Bytes stored across all shares beyond which uploads are refused (507); 0: no bound.
    #[arg(long, env = "SCANPASS_RELAY_MAX_TOTAL_SIZE", default_value_t = 0)]
    max_total_size: u64,
    /// Shares a client IP may create in a burst before 429.
    #[arg(long, env = "SCANPASS_RELAY_CREATE_BURST", default_value_t = 20)]
    create_burst: u32,
    /// Share creations a client IP earns back per hour.
    #[arg(
        long,
        env = "SCANPASS_RELAY_CREATE_REFILL_PER_HOUR",
        default_value_t = 60
    )]
    create_refill_per_hour: u32,
    /// Failed requests (404, 401, 403, 423) a client IP may make in a burst before 429. Each
    /// request holds one of these until it ends well, so this also bounds the requests one
    /// address has in flight.
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
    /// Log filter (tracing-subscriber EnvFilter syntax). object_store logs at warn and above
    /// only, unless the filter names it (its messages can quote object paths, i.e. share ids).
    #[arg(long, env = "SCANPASS_RELAY_LOG", default_value = "info")]
    log: String,
}

#[derive(Debug, thiserror::Error)]
enum StartError {
    #[error("cannot create the data folder {0}: {1}")]
    DataDir(PathBuf, std::io::Error),
    #[error("cannot open the object store: {0}")]
    Store(#[from] object_store::Error),
    #[error("cannot reach the S3 bucket: {0}")]
    S3(object_store::Error),
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
    // object_store's own retry messages quote request URLs, whose paths hold share ids: below
    // warn they stay off unless the filter names object_store itself.
    let directives = if args.log.contains("object_store") {
        args.log.clone()
    } else {
        format!("{},object_store=warn", args.log)
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&directives)
        .map_err(|e| StartError::Log(e.to_string()))?;
    let fmt = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if args.log_json {
        fmt.json().init();
    } else {
        fmt.init();
    }

    let _ = rustls::crypto::ring::default_provider().install_default(); // S3 over https
    let store = open_objects(&args).await?;
    let meta: Arc<dyn MetaStore> = match &args.database_url {
        Some(url) => {
            let meta = PgMeta::connect(url, args.database_pool_size).await?;
            tracing::info!("metadata: PostgreSQL");
            Arc::new(meta)
        }
        None => {
            std::fs::create_dir_all(&args.data)
                .map_err(|e| StartError::DataDir(args.data.clone(), e))?;
            Arc::new(SqliteMeta::open(&args.data.join("relay.sqlite3"))?)
        }
    };
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
        meta,
        store,
        Limits {
            max_chunk_size: args.max_chunk_size,
            max_share_size: args.max_share_size,
            max_auth_failures: args.max_auth_failures.max(1),
            lock_base_secs: args.lock_base_secs.max(1),
            download_grace_secs: args.download_grace_secs,
            cors_origins,
            max_in_flight: args.max_in_flight.max(1),
            body_idle_timeout: Duration::from_secs(args.body_idle_timeout_secs.max(1)),
            max_total_size: args.max_total_size,
        },
        FailureLimiter::new(args.fail_burst, args.fail_refill_per_min),
        FailureLimiter::per_hour(args.create_burst, args.create_refill_per_hour),
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

    let shutdown = shutdown_signal();
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| StartError::Listen(args.listen, e))?;
    let bound = listener.local_addr().map_err(StartError::Serve)?;
    // Nagle off: a response's last small write would otherwise wait for the client's delayed
    // ACK (about 40 ms on Linux), once per request on a keep-alive connection
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!("TCP_NODELAY not set: {e}");
        }
    });
    println!("scanpass-relay listening on http://{bound}");
    let _ = std::io::stdout().flush();
    tracing::info!(%bound, "listening");

    axum::serve(
        listener,
        server::router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .map_err(StartError::Serve)?;
    sweeper.abort();
    tracing::info!("stopped");
    Ok(())
}

/// The object store: S3 when --s3-bucket is given (checked at start with one listing, so a wrong
/// endpoint, bucket or key stops the relay at once), else files under `--data/objects`.
async fn open_objects(args: &Args) -> Result<Arc<dyn ObjectStore>, StartError> {
    let Some(bucket) = &args.s3_bucket else {
        let objects = args.data.join("objects");
        std::fs::create_dir_all(&objects).map_err(|e| StartError::DataDir(args.data.clone(), e))?;
        let store = LocalFileSystem::new_with_prefix(&objects)?
            .with_automatic_cleanup(true)
            .with_fsync(true);
        return Ok(Arc::new(store));
    };
    let mut builder = AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .with_region(&args.s3_region)
        .with_allow_http(args.s3_allow_http);
    if let Some(endpoint) = &args.s3_endpoint {
        builder = builder.with_endpoint(endpoint);
    }
    if let Ok(key) = std::env::var("SCANPASS_RELAY_S3_ACCESS_KEY_ID") {
        builder = builder.with_access_key_id(key);
    }
    if let Ok(secret) = std::env::var("SCANPASS_RELAY_S3_SECRET_ACCESS_KEY") {
        builder = builder.with_secret_access_key(secret);
    }
    let s3 = builder.build()?;
    let store: Arc<dyn ObjectStore> = match &args.s3_prefix {
        Some(prefix) => Arc::new(PrefixStore::new(s3, prefix.as_str())),
        None => Arc::new(s3),
    };
    store
        .list_with_delimiter(Some(&object_store::path::Path::from("shares")))
        .await
        .map_err(StartError::S3)?;
    tracing::info!("objects: S3 bucket");
    Ok(store)
}

/// Resolves on SIGINT or SIGTERM. The handlers are installed when this is called, not when it is
/// first polled: call it before announcing the address, so an early SIGTERM still stops cleanly.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let (int, term) = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = wait(int) => {},
                _ = wait(term) => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutting down");
    }
}
