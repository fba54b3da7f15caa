//! Where finished decks are kept. Everything goes through [`Storage`], so an
//! object store can replace the local folder by configuration; local files
//! are the embedded default.

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

    /// Only locations inside the root are accepted.
    fn inside(&self, location: &str) -> io::Result<PathBuf> {
        let path = PathBuf::from(location);
        let ok = path.starts_with(&self.root)
            && !path
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir));
        if ok {
            Ok(path)
        } else {
            Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "location outside the storage folder",
            ))
        }
    }
}

#[async_trait::async_trait]
impl Storage for LocalStorage {
    async fn put(&self, key: &str, bytes: Vec<u8>) -> io::Result<String> {
        if key.is_empty() || key.contains(['/', '\\']) || key.starts_with('.') {
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
        Ok(path.to_string_lossy().into_owned())
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
        assert_eq!(s.get(&loc).await.expect("get"), b"deck");
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
