//! A real S3-compatible server for tests: `s3s-fs` (installed by
//! scripts/bootstrap with cargo install) on a free localhost port, keeping
//! objects as files in a temporary folder. It can be stopped and started
//! again on the same port and folder, to test an outage.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const ACCESS_KEY: &str = "courseware-test";
pub const SECRET_KEY: &str = "courseware-test-secret";
pub const BUCKET: &str = "courseware";

pub struct S3Server {
    pub port: u16,
    pub root: PathBuf,
    child: Option<Child>,
}

/// `s3s-fs` as scripts/bootstrap builds it from tools/ (linked at
/// `target/tools`), else from PATH.
fn binary() -> PathBuf {
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/tools/s3s-fs");
    let found = built.is_file().then_some(built).or_else(|| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join("s3s-fs"))
                .find(|p| p.is_file())
        })
    });
    found.expect("no s3s-fs in target/tools or on PATH: run scripts/bootstrap")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

impl S3Server {
    /// Starts a server with an empty bucket in `root`.
    pub async fn start(root: &Path) -> S3Server {
        std::fs::create_dir_all(root.join(BUCKET)).expect("bucket dir");
        let mut s = S3Server {
            port: free_port(),
            root: root.to_path_buf(),
            child: None,
        };
        s.resume().await;
        s
    }

    /// (Re)starts the process on the same port and folder; waits until it answers.
    pub async fn resume(&mut self) {
        let child = Command::new(binary())
            .args(["--host", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
            .arg(&self.root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start s3s-fs");
        self.child = Some(child);
        let t = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .is_err()
        {
            assert!(t.elapsed() < Duration::from_secs(10), "s3s-fs did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the process (the folder stays).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Settings pointing the app at this server. Credentials come from the
    /// standard chain, so they are set in the environment (the same values
    /// for every test in the process).
    pub fn config(&self) -> backend::storage::s3::S3Config {
        std::env::set_var("AWS_ACCESS_KEY_ID", ACCESS_KEY);
        std::env::set_var("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
        backend::storage::s3::S3Config {
            s3_bucket: Some(BUCKET.into()),
            s3_endpoint: Some(self.endpoint()),
            s3_force_path_style: true,
            s3_upload_retry_seconds: 1,
            ..Default::default()
        }
    }

    /// The object's bytes as the server keeps them on disk.
    pub fn object(&self, key: &str) -> Option<Vec<u8>> {
        std::fs::read(self.root.join(BUCKET).join(key)).ok()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.stop();
    }
}
