//! The real `courseware` binary in a process of its own, for tests that
//! need its own memory figures, a real SIGKILL or several replicas.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncBufReadExt;

use super::{ADMIN_EMAIL, ADMIN_PASSWORD};

// ---------------------------------------------------------------- harness

/// The real binary, started in its own process on a free port.
pub struct Spawned {
    pub child: tokio::process::Child,
    pub base: String,
    pub pid: u32,
    pub dir: tempfile::TempDir,
    /// What the server wrote to stdout (its log) after the start line, up
    /// to 4 MB.
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

pub fn samples(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(rel)
}

impl Spawned {
    pub async fn start(extra: &[(&str, &str)]) -> Spawned {
        let dir = tempfile::tempdir().expect("tmp");
        if let Some(url) = super::postgres_url(dir.path()) {
            super::ensure_postgres_database(&url).await;
        }
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_courseware"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("COURSEWARE_BIND", "127.0.0.1:0")
            .env("DATA_DIR", dir.path())
            .envs(super::postgres_env(dir.path()))
            .env("SITE_ROOT", dir.path().join("site"))
            .env("SAMPLE_TEMPLATES_DIR", samples("templates"))
            .env("TAGGED_BANK_DIR", samples("banks/tagged"))
            .env("DRILL_DOWN_BANK_DIR", samples("banks/drilldown"))
            .env("ILLUSTRATIONS_DIR", samples("illustrations"))
            .env("INITIAL_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("INITIAL_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        for (k, v) in extra {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn courseware");
        let pid = child.id().expect("pid");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let base = tokio::time::timeout(Duration::from_secs(30), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(url) = line.split("running at ").nth(1) {
                    // A plain line, or a JSON log line (LOG_FORMAT=json).
                    let url = url.split(|c: char| c == '"' || c.is_whitespace()).next();
                    return url.unwrap_or_default().to_string();
                }
            }
            panic!("the server exited before listening");
        })
        .await
        .expect("server start");
        // Keep draining stdout so the server never blocks on a full pipe.
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let kept = log.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                let mut kept = kept.lock().unwrap_or_else(|p| p.into_inner());
                if kept.len() < 4 << 20 {
                    kept.push_str(&line);
                    kept.push('\n');
                }
            }
        });
        Spawned {
            child,
            base,
            pid,
            dir,
            log,
        }
    }

    /// The process's peak resident memory so far, in MB (VmHWM).
    pub fn peak_rss_mb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).expect("status");
        status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .expect("VmHWM")
            / 1024
    }

    /// The log the server has written so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}
