//! Where the vault's encrypted blobs live, behind a narrow trait in the manner of
//! matrix-rust-sdk's store traits: a [`BlobStore`] keeps ciphertext by blob id and knows nothing
//! of keys or formats; [`Blobs`] encrypts above it ([`crate::crypto::blob`]), so every store
//! holds the same bytes and a store can never see a plaintext or a key.
//!
//! - [`FileBlobStore`]: the vault's folder, `<vault>/blobs/<2 hex>/<32 hex>`, named by random
//!   blob ids (never by anything from the data). Written to a temporary name, synced, then
//!   renamed: a blob is either whole or absent, whatever happens to the process.
//! - [`MemoryBlobStore`]: in memory, for tests and for a store that needs no disk; the same
//!   contract, checked by the same tests.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::byte_source::ByteSource;
use crate::crypto::{encrypt_blob, encrypt_blob_to, encrypted_len, BlobId, BlobReader, Key};

/// A blob's ciphertext, for random access.
pub type Ciphertext = Box<dyn ByteSource + Send + Sync>;

/// Keeps blobs' ciphertext by id. Implementations must make [`BlobStore::put`] all or nothing
/// (a blob is whole or absent after any failure, a crash included) and durable when it returns,
/// so that an index row written after it never points at a partial blob.
pub trait BlobStore: Send + Sync {
    /// Stores as blob `id` the bytes `write` writes (replacing any blob of that id).
    fn put(
        &self,
        id: &BlobId,
        write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()>;

    /// The ciphertext of blob `id`; `NotFound` when there is none.
    fn get(&self, id: &BlobId) -> io::Result<Ciphertext>;

    /// Deletes blob `id` (absent is fine).
    fn remove(&self, id: &BlobId) -> io::Result<()>;

    /// Every blob id held; leftovers of interrupted writes are cleared on the way.
    fn list(&self) -> io::Result<Vec<BlobId>>;
}

/// Blobs encrypted under their study's key, over any [`BlobStore`].
#[derive(Clone)]
pub struct Blobs {
    store: Arc<dyn BlobStore>,
}

impl Blobs {
    pub fn new(store: Arc<dyn BlobStore>) -> Self {
        Blobs { store }
    }

    /// Encrypt and store a blob; returns its encrypted size.
    pub fn write(&self, key: &Key, id: &BlobId, plaintext: &[u8]) -> io::Result<u64> {
        let out = encrypt_blob(key, id, plaintext)?;
        self.store.put(id, &mut |w| w.write_all(&out))?;
        Ok(out.len() as u64)
    }

    /// [`Blobs::write`] of a plaintext read from `source` as it is encrypted (a large file
    /// streamed from an import's temporary file): memory holds one chunk, not the file.
    pub fn write_from(&self, key: &Key, id: &BlobId, source: &dyn ByteSource) -> io::Result<u64> {
        self.store
            .put(id, &mut |w| encrypt_blob_to(key, id, source, w).map(|_| ()))?;
        Ok(encrypted_len(source.len()))
    }

    /// Open a blob for random-access decryption.
    pub fn reader(&self, key: &Key, id: &BlobId) -> io::Result<BlobReader<Ciphertext>> {
        BlobReader::new(self.store.get(id)?, key, id)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    /// Delete a blob (absent is fine).
    pub fn remove(&self, id: &BlobId) -> io::Result<()> {
        self.store.remove(id)
    }

    /// Every blob id held.
    pub fn list(&self) -> io::Result<Vec<BlobId>> {
        self.store.list()
    }
}

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
pub struct FileBlobStore {
    root: PathBuf,
}

impl FileBlobStore {
    pub fn new(root: PathBuf) -> io::Result<Self> {
        fs::create_dir_all(root.join("tmp"))?;
        Ok(FileBlobStore { root })
    }

    /// The file of blob `id`.
    pub fn path(&self, id: &BlobId) -> PathBuf {
        let h = hex::encode(id);
        self.root.join(&h[..2]).join(&h)
    }
}

impl BlobStore for FileBlobStore {
    fn put(
        &self,
        id: &BlobId,
        write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let path = self.path(id);
        let tmp = self.root.join("tmp").join(hex::encode(id));
        let written = (|| -> io::Result<()> {
            let mut f = io::BufWriter::with_capacity(1 << 17, File::create(&tmp)?);
            write(&mut f)?;
            f.into_inner().map_err(|e| e.into_error())?.sync_data()
        })();
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::rename(&tmp, &path)
    }

    fn get(&self, id: &BlobId) -> io::Result<Ciphertext> {
        Ok(Box::new(File::open(self.path(id))?))
    }

    fn remove(&self, id: &BlobId) -> io::Result<()> {
        match fs::remove_file(self.path(id)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    fn list(&self) -> io::Result<Vec<BlobId>> {
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

/// Blobs in memory: ciphertext only, as on disk. A blob read stays whole while read, whatever
/// is put or removed meanwhile (as an open file on Unix).
#[derive(Default)]
pub struct MemoryBlobStore {
    blobs: Mutex<HashMap<BlobId, Arc<[u8]>>>,
}

impl MemoryBlobStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<BlobId, Arc<[u8]>>> {
        self.blobs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Changes the stored bytes of blob `id` (tests of damaged blobs); false if there is none.
    pub fn tamper(&self, id: &BlobId, change: impl FnOnce(&mut Vec<u8>)) -> bool {
        let mut map = self.map();
        let Some(bytes) = map.get(id) else {
            return false;
        };
        let mut bytes = bytes.to_vec();
        change(&mut bytes);
        map.insert(*id, bytes.into());
        true
    }
}

struct Shared(Arc<[u8]>);

impl ByteSource for Shared {
    fn len(&self) -> u64 {
        self.0.len() as u64
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        self.0[..].read_at(offset, buf)
    }
}

impl BlobStore for MemoryBlobStore {
    fn put(
        &self,
        id: &BlobId,
        write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        self.map().insert(*id, bytes.into());
        Ok(())
    }

    fn get(&self, id: &BlobId) -> io::Result<Ciphertext> {
        let bytes = self.map().get(id).cloned().ok_or(io::ErrorKind::NotFound)?;
        Ok(Box::new(Shared(bytes)))
    }

    fn remove(&self, id: &BlobId) -> io::Result<()> {
        self.map().remove(id);
        Ok(())
    }

    fn list(&self) -> io::Result<Vec<BlobId>> {
        Ok(self.map().keys().copied().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{new_blob_id, CHUNK};

    /// What every store must do, run against each of them.
    fn contract(store: Arc<dyn BlobStore>) {
        let blobs = Blobs::new(store.clone());
        let key = Key::random();
        assert!(blobs.list().unwrap().is_empty());
        let data: Vec<u8> = (0..(2 * CHUNK + 99)).map(|i| (i * 7 % 251) as u8).collect();
        let (a, b) = (new_blob_id(), new_blob_id());
        let n = blobs.write(&key, &a, &data).unwrap();
        assert_eq!(n, encrypted_len(data.len() as u64));
        assert_eq!(
            blobs.write_from(&key, &b, &data[..10].to_vec()).unwrap(),
            encrypted_len(10)
        );
        // ciphertext only in the store, the same bytes as the crypto module's
        let stored = store.get(&a).unwrap();
        let mut raw = vec![0u8; stored.len() as usize];
        stored.read_at(0, &mut raw).unwrap();
        assert_eq!(raw, encrypt_blob(&key, &a, &data).unwrap());
        // read back whole and by range
        let r = blobs.reader(&key, &a).unwrap();
        assert_eq!(&r.read_all().unwrap()[..], &data[..]);
        let mut buf = vec![0u8; 100];
        r.read_at(CHUNK as u64 - 50, &mut buf).unwrap();
        assert_eq!(&buf[..], &data[CHUNK - 50..CHUNK + 50]);
        assert_eq!(
            &blobs.reader(&key, &b).unwrap().read_all().unwrap()[..],
            &data[..10]
        );
        // another key is refused, an absent blob is NotFound
        assert!(blobs
            .reader(&Key::random(), &a)
            .unwrap()
            .read_all()
            .is_err());
        let absent = new_blob_id();
        assert_eq!(
            blobs.reader(&key, &absent).err().map(|e| e.kind()),
            Some(io::ErrorKind::NotFound)
        );
        // a write that fails half-way leaves no blob, and the old one of that id whole
        let failed = store.put(&a, &mut |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("the source failed"))
        });
        assert!(failed.is_err());
        assert_eq!(
            &blobs.reader(&key, &a).unwrap().read_all().unwrap()[..],
            &data[..]
        );
        assert!(store
            .put(&absent, &mut |_| Err(io::Error::other("no")))
            .is_err());
        let mut ids = blobs.list().unwrap();
        ids.sort();
        let mut want = vec![a, b];
        want.sort();
        assert_eq!(ids, want);
        // removed, and removing again is fine
        blobs.remove(&a).unwrap();
        blobs.remove(&a).unwrap();
        assert_eq!(blobs.list().unwrap(), vec![b]);
        assert!(blobs.reader(&key, &a).is_err());
    }

    #[test]
    fn the_file_store_keeps_the_contract() {
        let dir = super::super::tests::temp_dir("blobs");
        contract(Arc::new(FileBlobStore::new(dir.join("blobs")).unwrap()));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn the_memory_store_keeps_the_contract() {
        contract(Arc::new(MemoryBlobStore::new()));
    }
}
