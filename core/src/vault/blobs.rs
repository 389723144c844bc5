//! Encrypted blob files: `<vault>/blobs/<2 hex>/<32 hex>`, named by random blob ids (never by
//! anything from the data). Written to a temporary name, synced, then renamed: a blob is either
//! whole or absent, whatever happens to the process.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::crypto::{encrypt_blob, encrypt_blob_to, BlobId, BlobReader, IntegrityError, Key};
use crate::dicom::ByteSource;

/// Write `bytes` to `path` atomically (temporary file, fsync, rename, fsync of the folder).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension("part");
    {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_data()?;
    }
    fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        sync_dir(dir);
    }
    Ok(())
}

fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The blob folder of a vault.
#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    pub fn new(root: PathBuf) -> io::Result<Self> {
        fs::create_dir_all(root.join("tmp"))?;
        Ok(BlobStore { root })
    }

    pub fn path(&self, id: &BlobId) -> PathBuf {
        let h = hex::encode(id);
        self.root.join(&h[..2]).join(&h)
    }

    /// Encrypt and write a blob; returns its size on disk. The file is synced before this
    /// returns, so an index row written after it never points at a partial blob.
    pub fn write(&self, key: &Key, id: &BlobId, plaintext: &[u8]) -> io::Result<u64> {
        let path = self.path(id);
        let tmp = self.root.join("tmp").join(hex::encode(id));
        let out = encrypt_blob(key, id, plaintext)?;
        {
            let mut f = File::create(&tmp)?;
            f.write_all(&out)?;
            f.sync_data()?;
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::rename(&tmp, &path)?;
        Ok(out.len() as u64)
    }

    /// [`BlobStore::write`] of a plaintext read from `source` as it is encrypted (a large file
    /// streamed from an import's temporary file): memory holds one chunk, not the file.
    pub fn write_from(&self, key: &Key, id: &BlobId, source: &dyn ByteSource) -> io::Result<u64> {
        let path = self.path(id);
        let tmp = self.root.join("tmp").join(hex::encode(id));
        let size = {
            let mut f = io::BufWriter::with_capacity(1 << 17, File::create(&tmp)?);
            let size = encrypt_blob_to(key, id, source, &mut f)?;
            f.into_inner().map_err(|e| e.into_error())?.sync_data()?;
            size
        };
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::rename(&tmp, &path)?;
        Ok(size)
    }

    /// Open a blob for random-access decryption.
    pub fn reader(&self, key: &Key, id: &BlobId) -> io::Result<BlobReader<File>> {
        let f = File::open(self.path(id))?;
        BlobReader::new(f, key, id)
            .map_err(|e: IntegrityError| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    /// Delete a blob (absent is fine).
    pub fn remove(&self, id: &BlobId) -> io::Result<()> {
        match fs::remove_file(self.path(id)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Every blob id on disk, and leftovers of interrupted writes removed.
    pub fn list(&self) -> io::Result<Vec<BlobId>> {
        for e in fs::read_dir(self.root.join("tmp"))? {
            let _ = fs::remove_file(e?.path());
        }
        let mut ids = Vec::new();
        for dir in fs::read_dir(&self.root)? {
            let dir = dir?;
            if dir.file_name() == "tmp" || !dir.file_type()?.is_dir() {
                continue;
            }
            for f in fs::read_dir(dir.path())? {
                let name = f?.file_name();
                if let Some(id) = name
                    .to_str()
                    .and_then(|n| hex::decode(n).ok())
                    .and_then(|b| <[u8; 16]>::try_from(b).ok())
                {
                    ids.push(id);
                }
            }
        }
        Ok(ids)
    }
}
