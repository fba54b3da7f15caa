//! S3-compatible object storage, used when `S3_BUCKET` is set: finished
//! decks (uploaded after completion, downloaded through presigned URLs) and
//! the banks (`courseware banks upload|sync`). Local storage stays the
//! default; nothing here runs without a bucket.
//!
//! The SDK runs on one TLS stack (rustls with ring, as reqwest uses) through
//! an HTTP client we build, so aws-lc is never compiled. Credentials come
//! from the standard AWS chain: environment, profile files, then the
//! instance or container role.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Object-storage settings (all optional: without `S3_BUCKET`, files stay local).
#[derive(Debug, Clone, clap::Args)]
pub struct S3Config {
    /// Bucket for outputs and banks; unset keeps everything on local disk.
    #[arg(long, env = "S3_BUCKET")]
    pub s3_bucket: Option<String>,
    /// Endpoint of an S3-compatible service (MinIO, Ceph, R2…); unset = AWS.
    #[arg(long, env = "S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    /// Path-style addressing (`endpoint/bucket/key`), which most S3-compatible services need.
    #[arg(long, env = "S3_FORCE_PATH_STYLE", default_value_t = false, action = clap::ArgAction::Set)]
    pub s3_force_path_style: bool,
    /// Region of the bucket.
    #[arg(long, env = "AWS_REGION", default_value = "us-east-1")]
    pub aws_region: String,
    /// Key prefix of finished decks: `<prefix><job id>.pptx`.
    #[arg(long, env = "S3_OUTPUTS_PREFIX", default_value = "outputs/")]
    pub s3_outputs_prefix: String,
    /// Key prefix of the banks.
    #[arg(long, env = "S3_BANKS_PREFIX", default_value = "banks/")]
    pub s3_banks_prefix: String,
    /// Key prefix of database backups (`courseware backup --s3`, scheduled backups).
    #[arg(long, env = "S3_BACKUPS_PREFIX", default_value = "backups/")]
    pub s3_backups_prefix: String,
    /// Where `banks sync` puts the banks (`tagged/`, `drilldown/`, `templates/`, `illustrations/`).
    #[arg(long, env = "BANKS_ROOT", default_value = "./data/banks")]
    pub banks_root: PathBuf,
    /// Sync the banks from the bucket before serving, and use the synced copies.
    #[arg(long, env = "BANKS_SYNC_ON_START", default_value_t = false, action = clap::ArgAction::Set)]
    pub banks_sync_on_start: bool,
    /// First wait before retrying a failed output upload (doubles up to 5 minutes).
    #[arg(long, env = "S3_UPLOAD_RETRY_SECONDS", default_value_t = 5)]
    pub s3_upload_retry_seconds: u64,
    /// Files at least this large are uploaded in parts.
    #[arg(long, env = "S3_MULTIPART_THRESHOLD_MB", default_value_t = 16)]
    pub s3_multipart_threshold_mb: u64,
}

impl Default for S3Config {
    fn default() -> Self {
        S3Config {
            s3_bucket: None,
            s3_endpoint: None,
            s3_force_path_style: false,
            aws_region: "us-east-1".into(),
            s3_outputs_prefix: "outputs/".into(),
            s3_banks_prefix: "banks/".into(),
            s3_backups_prefix: "backups/".into(),
            banks_root: PathBuf::from("./data/banks"),
            banks_sync_on_start: false,
            s3_upload_retry_seconds: 5,
            s3_multipart_threshold_mb: 16,
        }
    }
}

/// Part size for multipart uploads (S3's minimum is 5 MiB).
const PART: usize = 8 << 20;

/// The metadata key holding an object's SHA-256 (hex).
const SHA_META: &str = "sha256";

/// A connected bucket.
pub struct S3 {
    client: aws_sdk_s3::Client,
    pub bucket: String,
    pub outputs_prefix: String,
    pub banks_prefix: String,
    multipart_threshold: u64,
}

/// An object as listed.
#[derive(Debug, Clone)]
pub struct Listed {
    pub key: String,
    pub size: u64,
}

fn err<E: std::error::Error>(what: &str, e: E) -> anyhow::Error {
    anyhow::anyhow!("{what}: {}", DisplayErrorContext(e))
}

/// SHA-256 of a file, hex.
pub async fn file_sha256(path: &Path) -> std::io::Result<String> {
    let mut f = tokio::fs::File::open(path).await?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 << 10];
    loop {
        let n = f.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

impl S3 {
    /// Connects when `S3_BUCKET` is set; `None` otherwise. Does not touch the
    /// network (an unreachable service is reported by [`S3::healthy`]).
    pub async fn from_config(c: &S3Config) -> anyhow::Result<Option<Arc<S3>>> {
        let Some(bucket) = c.s3_bucket.clone().filter(|b| !b.is_empty()) else {
            return Ok(None);
        };
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
            ))
            .build_https();
        let timeouts = aws_config::timeout::TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(5))
            .operation_attempt_timeout(Duration::from_secs(120))
            .build();
        let shared = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .http_client(http)
            .region(aws_config::Region::new(c.aws_region.clone()))
            .timeout_config(timeouts)
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(3))
            .load()
            .await;
        let mut conf = aws_sdk_s3::config::Builder::from(&shared).force_path_style(c.s3_force_path_style);
        if let Some(endpoint) = c.s3_endpoint.as_ref().filter(|e| !e.is_empty()) {
            conf = conf.endpoint_url(endpoint);
        }
        Ok(Some(Arc::new(S3 {
            client: aws_sdk_s3::Client::from_conf(conf.build()),
            bucket,
            outputs_prefix: c.s3_outputs_prefix.clone(),
            banks_prefix: c.s3_banks_prefix.clone(),
            multipart_threshold: c.s3_multipart_threshold_mb.max(5) << 20,
        })))
    }

    /// The bucket answers (within 5 s).
    pub async fn healthy(&self) -> bool {
        let probe = self.client.head_bucket().bucket(&self.bucket).send();
        matches!(
            tokio::time::timeout(Duration::from_secs(5), probe).await,
            Ok(Ok(_))
        )
    }

    pub fn output_key(&self, job_id: &str) -> String {
        format!("{}{job_id}.pptx", self.outputs_prefix)
    }

    /// Uploads a file (in parts when large), recording its SHA-256 as metadata.
    pub async fn put_file(&self, key: &str, path: &Path, content_type: &str) -> anyhow::Result<u64> {
        let size = tokio::fs::metadata(path).await?.len();
        let sha = file_sha256(path).await?;
        if size >= self.multipart_threshold {
            self.put_multipart(key, path, content_type, &sha).await?;
        } else {
            let body = ByteStream::from_path(path)
                .await
                .map_err(|e| err("reading the file", e))?;
            self.client
                .put_object()
                .bucket(&self.bucket)
                .key(key)
                .content_type(content_type)
                .metadata(SHA_META, &sha)
                .body(body)
                .send()
                .await
                .map_err(|e| err("uploading", e))?;
        }
        Ok(size)
    }

    async fn put_multipart(
        &self,
        key: &str,
        path: &Path,
        content_type: &str,
        sha: &str,
    ) -> anyhow::Result<()> {
        let created = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .metadata(SHA_META, sha)
            .send()
            .await
            .map_err(|e| err("starting a multipart upload", e))?;
        let upload_id = created
            .upload_id()
            .ok_or_else(|| anyhow::anyhow!("the service gave no upload id"))?
            .to_string();
        let result = async {
            let mut f = tokio::fs::File::open(path).await?;
            let mut parts = Vec::new();
            let mut number = 1;
            loop {
                let mut buf = Vec::with_capacity(PART);
                (&mut f).take(PART as u64).read_to_end(&mut buf).await?;
                if buf.is_empty() {
                    break;
                }
                let out = self
                    .client
                    .upload_part()
                    .bucket(&self.bucket)
                    .key(key)
                    .upload_id(&upload_id)
                    .part_number(number)
                    .body(ByteStream::from(buf))
                    .send()
                    .await
                    .map_err(|e| err("uploading a part", e))?;
                parts.push(
                    CompletedPart::builder()
                        .part_number(number)
                        .set_e_tag(out.e_tag().map(String::from))
                        .build(),
                );
                number += 1;
            }
            self.client
                .complete_multipart_upload()
                .bucket(&self.bucket)
                .key(key)
                .upload_id(&upload_id)
                .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
                .send()
                .await
                .map_err(|e| err("completing a multipart upload", e))?;
            anyhow::Ok(())
        }
        .await;
        if result.is_err() {
            let _ = self
                .client
                .abort_multipart_upload()
                .bucket(&self.bucket)
                .key(key)
                .upload_id(&upload_id)
                .send()
                .await;
        }
        result
    }

    /// A presigned GET URL valid for `ttl`, asking the service to name the
    /// download `filename`.
    pub async fn presign_get(
        &self,
        key: &str,
        ttl: Duration,
        filename: Option<&str>,
    ) -> anyhow::Result<String> {
        let cfg = PresigningConfig::expires_in(ttl).map_err(|e| err("presigning", e))?;
        let mut req = self.client.get_object().bucket(&self.bucket).key(key);
        if let Some(name) = filename {
            req = req.response_content_disposition(name);
        }
        let p = req.presigned(cfg).await.map_err(|e| err("presigning", e))?;
        Ok(p.uri().to_string())
    }

    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| err("deleting", e))?;
        Ok(())
    }

    /// Size and recorded SHA-256 of an object; `None` when it does not exist.
    pub async fn head(&self, key: &str) -> anyhow::Result<Option<(u64, Option<String>)>> {
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(h) => {
                let size = u64::try_from(h.content_length().unwrap_or(0)).unwrap_or(0);
                let sha = h
                    .metadata()
                    .and_then(|m: &HashMap<String, String>| m.get(SHA_META).cloned());
                Ok(Some((size, sha)))
            }
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(None),
            Err(e) => Err(err("reading object metadata", e)),
        }
    }

    /// Every object under `prefix`.
    pub async fn list(&self, prefix: &str) -> anyhow::Result<Vec<Listed>> {
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(prefix)
            .into_paginator()
            .send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| err("listing", e))?;
            for o in page.contents() {
                if let Some(key) = o.key() {
                    out.push(Listed {
                        key: key.to_string(),
                        size: u64::try_from(o.size().unwrap_or(0)).unwrap_or(0),
                    });
                }
            }
        }
        Ok(out)
    }

    /// Downloads an object to `dest` through a temporary file in the same
    /// folder, renamed into place only when complete.
    pub async fn download_to(&self, key: &str, dest: &Path) -> anyhow::Result<u64> {
        let dir = dest
            .parent()
            .ok_or_else(|| anyhow::anyhow!("no folder for {}", dest.display()))?;
        tokio::fs::create_dir_all(dir).await?;
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.part-{:08x}", rand::random::<u32>()));
        let result = async {
            let obj = self
                .client
                .get_object()
                .bucket(&self.bucket)
                .key(key)
                .send()
                .await
                .map_err(|e| err("downloading", e))?;
            let mut body = obj.body.into_async_read();
            let mut f = tokio::fs::File::create(&tmp).await?;
            let n = tokio::io::copy(&mut body, &mut f).await?;
            f.flush().await?;
            f.sync_all().await?;
            drop(f);
            tokio::fs::rename(&tmp, dest).await?;
            anyhow::Ok(n)
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        result
    }
}
