//! Uploaded files, stored on disk by content hash outside any served folder. The same
//! file uploaded twice is stored once.

use crate::StoreError;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// A local-disk content-addressed file store.
#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

/// What was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    pub sha256: String,
    pub size: i64,
}

impl BlobStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BlobStore { root: root.into() }
    }

    fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(self.root.join(&sha256[..2]).join(&sha256[2..4]).join(sha256))
    }

    /// Stores bytes and returns their hash. Written to a temporary name and renamed, so a
    /// crash never leaves a partial file under a valid hash.
    pub async fn put(&self, bytes: &[u8]) -> Result<StoredBlob, StoreError> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        let path = self.path_of(&sha256).ok_or_else(|| StoreError::Corrupt("bad hash".into()))?;
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(StoredBlob { sha256, size: bytes.len() as i64 });
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        tokio::fs::create_dir_all(dir).await?;
        let tmp = dir.join(format!(".{}.{}.tmp", &sha256[..16], rand::random::<u64>()));
        // A full disk fails the write part-way, and a client that hangs up drops this future
        // mid-write: either way the partial file is removed, so failed uploads do not keep
        // filling the disk.
        let mut guard = RemoveOnDrop(Some(tmp.clone()));
        tokio::fs::write(&tmp, bytes).await?;
        tokio::fs::rename(&tmp, &path).await?;
        guard.0 = None;
        Ok(StoredBlob { sha256, size: bytes.len() as i64 })
    }

    /// The bytes of a stored file.
    pub async fn get(&self, sha256: &str) -> Result<Vec<u8>, StoreError> {
        let path = self.path_of(sha256).ok_or(StoreError::NotFound)?;
        match tokio::fs::read(path).await {
            Ok(b) => Ok(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::NotFound),
            Err(e) => Err(e.into()),
        }
    }
}

/// Removes a temporary file when dropped (on error or cancellation); forgotten once the file
/// has been renamed into place (then `None`).
struct RemoveOnDrop(Option<PathBuf>);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}
