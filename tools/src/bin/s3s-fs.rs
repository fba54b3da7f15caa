//! A real S3-compatible server keeping objects as files, for the tests:
//! `s3s-fs --host H --port P --access-key K --secret-key S ROOT`
//! (buckets are ROOT's folders). Runs until SIGINT or SIGTERM.
use anyhow::{bail, Context, Result};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use std::path::PathBuf;
use tokio::net::TcpListener;
use tokio::signal::unix::{signal, SignalKind};

struct Options {
    host: String,
    port: u16,
    keys: Option<(String, String)>,
    root: PathBuf,
}

fn options() -> Result<Options> {
    let mut args = std::env::args().skip(1);
    let (mut host, mut port, mut access, mut secret, mut root) = ("127.0.0.1".to_string(), 8014, None, None, None);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--version" | "-V" => {
                println!("s3s-fs 0.14.0");
                std::process::exit(0);
            }
            "--host" => host = value()?,
            "--port" => port = value()?.parse().context("--port")?,
            "--access-key" => access = Some(value()?),
            "--secret-key" => secret = Some(value()?),
            flag if flag.starts_with('-') => bail!("unknown option {flag}"),
            path => root = Some(PathBuf::from(path)),
        }
    }
    let keys = match (access, secret) {
        (Some(a), Some(s)) => Some((a, s)),
        (None, None) => None,
        _ => bail!("--access-key and --secret-key go together"),
    };
    let root = root.context("usage: s3s-fs [--host H] [--port P] [--access-key K --secret-key S] ROOT")?;
    Ok(Options { host, port, keys, root })
}

#[tokio::main]
async fn main() -> Result<()> {
    let opt = options()?;
    let fs = s3s_fs::FileSystem::new(&opt.root).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let mut builder = s3s::service::S3ServiceBuilder::new(fs);
    if let Some((access, secret)) = opt.keys {
        builder.set_auth(s3s::auth::SimpleAuth::from_single(access, secret));
    }
    let service = builder.build();
    let listener = TcpListener::bind((opt.host.as_str(), opt.port)).await?;
    let http = Builder::new(TokioExecutor::new());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut term = signal(SignalKind::terminate())?;
    loop {
        let (socket, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(_) => continue,
            },
            _ = tokio::signal::ctrl_c() => break,
            _ = term.recv() => break,
        };
        let conn = http.serve_connection(TokioIo::new(socket), service.clone());
        let conn = graceful.watch(conn.into_owned());
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(std::time::Duration::from_secs(2)) => {}
    }
    Ok(())
}
