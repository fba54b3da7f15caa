//! Where finished decks are kept. Everything goes through [`Storage`], so an
//! object store can replace the local folder by configuration; local files
//! are the embedded default.

pub mod decks;
pub mod links;
pub mod offload;
pub mod s3;

use std::io;
use std::path::PathBuf;

/// A place that keeps finished decks.
#[async_trait::async_trait]
pub trait Storage: Send + Sync {
    /// Stores `bytes` under `key` (e.g. `ab12cd34.pptx`) and returns the
    /// location to record with the job (for local storage, the file path).
    async fn put(&self, key: &str, bytes: Vec<u8>) -> io::Result<String>;
    /// Reads what [`Storage::put`] stored at `location`.
    async fn get(&self, location: &str) -> io::Result<Vec<u8>>;
    /// Removes it; a missing object is not an error.
    async fn delete(&self, location: &str) -> io::Result<()>;
    /// Whether the store can be written to right now (for `/health`).
    async fn healthy(&self) -> bool;
    /// The file a location is kept in, when kept in a local folder.
    fn file(&self, location: &str) -> io::Result<PathBuf>;
    /// A short name for logs and `/health`.
    fn kind(&self) -> &'static str;
}

/// Files in a local folder, written to a temporary name and renamed so a
/// crash never leaves half a deck under the real name.
pub struct LocalStorage {
    root: PathBuf,
}

impl LocalStorage {
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    /// The file for a stored location: a key (a plain file name, what
    /// `put` returns) under the root. Locations recorded by older versions
    /// are absolute paths; their file name is looked up under the root, so
    /// moving or respelling `DATA_DIR` keeps them working. Anything else
    /// (separators in a key, `..`, hidden names) is refused.
    fn inside(&self, location: &str) -> io::Result<PathBuf> {
        let name = if location.contains(['/', '\\']) {
            std::path::Path::new(location)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
        } else {
            location
        };
        if key_ok(name) {
            Ok(self.root.join(name))
        } else {
            Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "location outside the storage folder",
            ))
        }
    }
}

/// A storage key: one plain, visible file name.
fn key_ok(key: &str) -> bool {
    !key.is_empty() && !key.contains(['/', '\\']) && !key.starts_with('.') && key != ".."
}

/// The key a stored location refers to (its file name), for comparing
/// locations recorded under different spellings of the data folder.
pub fn location_key(location: &str) -> Option<&str> {
    std::path::Path::new(location)
        .file_name()
        .and_then(|n| n.to_str())
}

#[async_trait::async_trait]
impl Storage for LocalStorage {
    async fn put(&self, key: &str, bytes: Vec<u8>) -> io::Result<String> {
        if !key_ok(key) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "bad storage key"));
        }
        tokio::fs::create_dir_all(&self.root).await?;
        let path = self.root.join(key);
        let tmp = self.root.join(format!(".{key}.part"));
        tokio::fs::write(&tmp, &bytes).await?;
        if let Err(e) = tokio::fs::rename(&tmp, &path).await {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(e);
        }
        // The key, not the path: the root may be spelled differently later.
        Ok(key.to_owned())
    }

    async fn get(&self, location: &str) -> io::Result<Vec<u8>> {
        tokio::fs::read(self.inside(location)?).await
    }

    async fn delete(&self, location: &str) -> io::Result<()> {
        match tokio::fs::remove_file(self.inside(location)?).await {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    async fn healthy(&self) -> bool {
        if tokio::fs::create_dir_all(&self.root).await.is_err() {
            return false;
        }
        let probe = self.root.join(".health");
        let ok = tokio::fs::write(&probe, b"ok").await.is_ok();
        let _ = tokio::fs::remove_file(&probe).await;
        ok
    }

    fn file(&self, location: &str) -> io::Result<PathBuf> {
        self.inside(location)
    }

    fn kind(&self) -> &'static str {
        "local"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn local_storage_round_trips_and_stays_inside_its_folder() {
        let dir = std::env::temp_dir().join(format!("cw-storage-{}", std::process::id()));
        let s = LocalStorage::new(dir.clone());
        let loc = s.put("ab12cd34.pptx", b"deck".to_vec()).await.expect("put");
        assert_eq!(loc, "ab12cd34.pptx", "locations are keys, not paths");
        assert_eq!(s.get(&loc).await.expect("get"), b"deck");
        // A location an older version recorded as an absolute path, under
        // another spelling of the data folder, still finds the file.
        let legacy = format!("/somewhere/else/outputs/{loc}");
        assert_eq!(s.get(&legacy).await.expect("legacy get"), b"deck");
        assert!(s.healthy().await);
        assert!(s.put("../evil", vec![]).await.is_err());
        assert!(s.get("/etc/passwd").await.is_err());
        assert!(s.get(&format!("{}/../x", dir.display())).await.is_err());
        s.delete(&loc).await.expect("delete");
        s.delete(&loc).await.expect("deleting twice is fine");
        assert!(s.get(&loc).await.is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
