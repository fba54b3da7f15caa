//! Start-up and shutdown: open and migrate the database before listening,
//! create the first administrator from the environment when asked, and stop
//! cleanly on SIGINT/SIGTERM.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use backend::accounts::throttle::LoginThrottle;
use backend::db::sessions::DbSessionStore;
use backend::{db, AppState, Config};
use tokio::net::TcpListener;

/// Opens the database, applies migrations and builds the shared state.
/// Fails (and the process exits non-zero) before any port is opened.
pub async fn prepare(mut config: Config) -> anyhow::Result<AppState> {
    config
        .make_paths_absolute()
        .context("resolving DATA_DIR and the other folders against the current directory")?;
    config
        .day
        .schedule()
        .map_err(|e| anyhow::anyhow!("COURSE_DAY_START/END, COURSE_LUNCH or COURSE_BREAKS: {e}"))?;
    let s3 = backend::storage::s3::S3::from_config(&config.s3)
        .await
        .context("configuring object storage")?;
    if let Some(s3) = &s3 {
        tracing::info!(bucket = %s3.bucket, "object storage on");
        if config.s3.banks_sync_on_start {
            let root = config.s3.banks_root.clone();
            match backend::templates::banks::sync(s3, &root).await {
                Ok(s) => tracing::info!(root = %root.display(), "banks synced: {}", s.line("downloaded")),
                // The copies from the last good sync (if any) are used.
                Err(e) => {
                    tracing::error!(error = %format!("{e:#}"), "banks sync failed; using what is in BANKS_ROOT")
                }
            }
            backend::templates::banks::use_synced(&mut config, &root);
        }
    }
    let target = config.database()?;
    if let backend::db::Target::Postgres(_) = &target {
        shared_settings(&config)?;
    }
    let pool = db::connect(&target).await?;
    db::migrate(&pool)
        .await
        .with_context(|| format!("could not apply migrations to {}", target.describe()))?;
    tracing::info!(database = %target.describe(), "database ready");

    let jobs = Arc::new(backend::jobs::runtime::JobRuntime::new(
        Duration::from_secs(config.job_time_limit.max(1)),
        Duration::from_secs(config.job_lease_seconds.max(3)),
        Duration::from_millis(config.job_stage_pause_ms),
    ));
    // SQLite: this process holds the data directory alone, so whatever was
    // running is orphaned and goes back to the queue now. PostgreSQL: other
    // replicas may be running those jobs; a job whose replica died is
    // re-queued when its lease lapses (`jobs::worker::heartbeat`).
    let (requeued, failed) = match &pool {
        backend::db::Pool::Sqlite(_) => backend::db::jobs::recover(&pool)
            .await
            .context("recovering jobs")?,
        backend::db::Pool::Postgres(_) => (0, 0),
    };
    if requeued + failed > 0 {
        tracing::warn!(
            requeued,
            failed,
            "recovered jobs left running by a previous process"
        );
    }
    let link_key = backend::storage::links::LinkKey::load(
        config.secret_key.as_ref().map(|k| k.expose()),
        &config.data_dir,
    )
    .context("preparing the download-link key")?;
    if let backend::db::Pool::Postgres(_) = &pool {
        // Every replica must sign download links with the same key.
        let fingerprint = link_key.fingerprint();
        let agreed = db::agree_on_setting(&pool, LINK_KEY_SETTING, &fingerprint).await?;
        anyhow::ensure!(
            agreed == fingerprint,
            "SECRET_KEY is not the key the other servers on this database use: download links made by \
             one would not verify on another. Give every replica the same SECRET_KEY (to change the key, \
             stop every replica, run `DELETE FROM cluster_settings WHERE name = '{LINK_KEY_SETTING}'` \
             and start them with the new one)"
        );
    }
    let storage: Arc<dyn backend::storage::Storage> = Arc::new(backend::storage::LocalStorage::new(
        config.data_dir.join("outputs"),
    ));
    let llm = backend::llm::Llm::from_config(&config.llm).context("configuring the AI writer")?;
    match &llm {
        Some(l) => tracing::info!(provider = l.provider, model = %l.model, "AI writer on"),
        None => tracing::info!("AI writer off (LLM_PROVIDER=none): the offline writer writes courses"),
    }
    let renders_per_hour = config.renders_per_hour;
    let state = AppState {
        s3,
        llm,
        storage,
        jobs,
        link_key,
        throttle: Arc::new(LoginThrottle::new(
            config.login_max_failures,
            Duration::from_secs(config.login_lockout_seconds),
        )),
        pool,
        config: Arc::new(config),
        setup_code: backend::accounts::new_setup_code().into(),
        storage_health: Default::default(),
        metrics: Default::default(),
        outline_reads: Arc::new(backend::accounts::throttle::Hourly::new(
            types::limits::MAX_OUTLINE_READS_PER_HOUR,
        )),
        template_uploads: Arc::new(backend::accounts::throttle::Hourly::new(
            types::limits::MAX_TEMPLATE_UPLOADS_PER_HOUR,
        )),
        renders: Arc::new(backend::accounts::throttle::Hourly::new(renders_per_hour)),
        converters: Default::default(),
    };
    ensure_first_admin(&state).await?;
    Ok(state)
}

/// With `INITIAL_ADMIN_*` set and no users yet, creates that administrator.
/// Otherwise, on an empty database, tells the operator how to get in.
async fn ensure_first_admin(state: &AppState) -> anyhow::Result<()> {
    if backend::accounts::any_users(state).await? {
        return Ok(());
    }
    let c = &state.config;
    match (&c.initial_admin_email, &c.initial_admin_password) {
        (Some(email), Some(pw)) => {
            let name = c
                .initial_admin_name
                .clone()
                .unwrap_or_else(|| "Administrator".into());
            create_admin(state, email, &name, pw.expose()).await?;
            tracing::info!(email = %email, "first administrator created from INITIAL_ADMIN_*");
        }
        _ => {
            let base = c
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", c.bind));
            tracing::warn!(
                "no users yet: open {}/setup?code={} in a browser to create the first administrator \
                 (the code works until then; it changes at each start), or run `courseware create-admin`",
                base.trim_end_matches('/'),
                state.setup_code
            );
        }
    }
    Ok(())
}

/// Validates and creates an administrator (used by start-up and the CLI).
pub async fn create_admin(state: &AppState, email: &str, name: &str, password: &str) -> anyhow::Result<i64> {
    backend::accounts::create_user(state, email, name, password.to_owned(), true)
        .await
        .map(|u| u.id)
        .map_err(|e| match e {
            backend::Error::Api(api) => anyhow::anyhow!("{}", api_field_message(&api)),
            other => anyhow::anyhow!(other),
        })
}

/// "field: message" for a validation error, as the CLI shows it.
fn api_field_message(e: &types::ApiError) -> String {
    match e {
        types::ApiError::Invalid { field, message } if !field.is_empty() => format!("{field}: {message}"),
        other => other.to_string(),
    }
}

/// Connections the kernel holds for the accept loop. The standard library's
/// (and tokio's) 128 is too few for a burst: a connection arriving when 128
/// wait has its SYN dropped and the client retries only after a second, so a
/// few hundred clients connecting at once made even `/health` take 1 s. The
/// kernel caps this at `net.core.somaxconn` (4096 on current kernels).
const LISTEN_BACKLOG: u32 = 1024;

/// Listens on `addr` with [`LISTEN_BACKLOG`] waiting connections.
pub fn listen(addr: std::net::SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    // As `TcpListener::bind` does: a restarted server may rebind at once.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish within
/// the configured grace period.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let grace = Duration::from_secs(state.config.shutdown_grace_seconds);
    // Held while serving: `courseware restore` refuses to replace the
    // database underneath a running server.
    let _data_lock = match backend::ops::backup::lock_data_dir(&state.config.data_dir) {
        Ok(Some(lock)) => Some(lock),
        Ok(None) => {
            tracing::warn!(
                data_dir = %state.config.data_dir.display(),
                "another process holds the data directory's lock (another server?)"
            );
            None
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not lock the data directory");
            None
        }
    };
    let sweeper = {
        let store = DbSessionStore::new(state.pool.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(crate::http::SESSION_SWEEP_INTERVAL);
            loop {
                tick.tick().await;
                if let Err(e) = store.delete_expired().await {
                    tracing::warn!(error = %e, "sweeping expired sessions failed");
                }
            }
        })
    };
    let pool = state.pool.clone();
    let workers = backend::jobs::worker::start(&state, state.config.worker_concurrency);
    let (bg_stop, bg_rx) = tokio::sync::watch::channel(false);
    let mut background = vec![tokio::spawn(backend::storage::offload::janitor(
        state.clone(),
        bg_rx.clone(),
    ))];
    background.push(tokio::spawn(backend::ops::backup::scheduled(
        state.clone(),
        bg_rx.clone(),
    )));
    background.push(tokio::spawn(backend::jobs::listen::other_replicas(
        state.clone(),
        bg_rx.clone(),
    )));
    background.push(tokio::spawn(backend::webhooks::send::run(
        state.clone(),
        bg_rx.clone(),
    )));
    if state.s3.is_some() {
        background.push(tokio::spawn(backend::storage::offload::uploader(
            state.clone(),
            bg_rx,
        )));
    }
    let header_timeout = Duration::from_secs(state.config.header_timeout_seconds.max(1));
    let converters = state.converters.clone();
    let app = crate::router(state);

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let server = accept_loop(listener, app, header_timeout, async move {
        shutdown.await;
        tracing::info!("shutting down: finishing in-flight requests");
        let _ = stop_tx.send(true);
    });
    let mut stop_rx2 = stop_rx.clone();
    tokio::select! {
        r = server => r.context("server error")?,
        _ = async {
            let _ = stop_rx2.wait_for(|s| *s).await;
            tokio::time::sleep(grace).await;
        } => tracing::warn!("grace period over; closing remaining connections"),
    }
    sweeper.abort();
    // Renders still running (a slide view whose client waits on) end now:
    // their process groups would outlive this process.
    let killed = converters.kill_all();
    if killed > 0 {
        tracing::warn!(killed, "stopped preview conversions still running");
    }
    workers.shutdown(grace).await;
    let _ = bg_stop.send(true);
    for task in background {
        let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
    }
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Accepts connections until `shutdown` resolves, then waits for open
/// connections to finish their requests. HTTP/1 with a header read timeout:
/// a client that opens a connection and sends its headers slowly (or never)
/// is cut off after `header_timeout` and holds no task or memory beyond that.
async fn accept_loop(
    listener: TcpListener,
    app: axum::Router,
    header_timeout: Duration,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::extract::connect_info::ConnectInfo;
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;

    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = tower::service_fn(move |req: axum::http::Request<hyper::body::Incoming>| {
            let mut req = req.map(axum::body::Body::new);
            req.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(req)
        });
        let service = hyper_util::service::TowerToHyperService::new(service);
        let conn = builder.serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
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
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// On PostgreSQL the server is one of several replicas; what they must
/// share is checked before anything starts: one link-signing key (a link
/// made by one replica verifies on every other) and one place for decks.
/// The `cluster_settings` row holding the download-link key's fingerprint.
const LINK_KEY_SETTING: &str = "link_key_fingerprint";

fn shared_settings(config: &backend::Config) -> anyhow::Result<()> {
    anyhow::ensure!(
        config.secret_key.as_ref().is_some_and(|k| k.expose().len() >= 32),
        "with DATABASE_URL on PostgreSQL, set SECRET_KEY (32 characters or more), the same on every \
         replica: download links made by one replica must verify on the others"
    );
    anyhow::ensure!(
        config.s3.s3_bucket.is_some() || config.shared_data_dir,
        "with DATABASE_URL on PostgreSQL, keep decks in object storage (S3_BUCKET) so every replica \
         can serve them, or set SHARED_DATA_DIR=true if all replicas mount the same DATA_DIR"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    /// Before anything is accepted, 600 clients connect at once: each is let
    /// in by the kernel at once (with the default 128 the 129th waited for a
    /// SYN retry, a second or more).
    #[tokio::test]
    async fn a_burst_of_connections_waits_in_the_backlog_not_in_syn_retries() {
        let listener = super::listen(([127, 0, 0, 1], 0).into()).expect("listen");
        let addr = listener.local_addr().expect("addr");
        let t = Instant::now();
        let mut held = Vec::new();
        for i in 0..600 {
            let stream =
                tokio::time::timeout(Duration::from_millis(500), tokio::net::TcpStream::connect(addr))
                    .await
                    .unwrap_or_else(|_| panic!("connection {i} was not let in within 500 ms"))
                    .expect("connect");
            held.push(stream);
        }
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        drop(listener);
    }
}
