//! Where the vault's encrypted blobs live, behind a narrow trait in the manner of
//! matrix-rust-sdk's store traits: a [`BlobStore`] keeps ciphertext by blob id and knows nothing
//! of keys or formats; [`Blobs`] encrypts above it ([`crate::crypto::blob`]), so every store
//! holds the same bytes and a store can never see a plaintext or a key.
//!
//! - [`FileBlobStore`]: the vault's folder, `<vault>/blobs/<2 hex>/<32 hex>`, named by random
//!   blob ids (never by anything from the data). Written to a temporary name, synced, then
//!   renamed: a blob is either whole or absent, whatever happens to the process. The import
//!   writes many blobs unsynced ([`BlobStore::put_unsynced`]) and makes them durable together
//!   with one barrier ([`BlobStore::sync`]) before their index rows commit (group commit).
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

    /// [`BlobStore::put`] without the wait for the disk: the blob is whole or absent if the
    /// process dies, but durable (across a power loss, with its name) only once
    /// [`BlobStore::sync`] has returned for it. Nothing may point at it before then. The default
    /// is [`BlobStore::put`] (already durable).
    fn put_unsynced(
        &self,
        id: &BlobId,
        write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        self.put(id, write)
    }

    /// Makes the blobs `ids`, put by [`BlobStore::put_unsynced`], durable: one barrier for all
    /// of them. An error means none of them may be relied on.
    fn sync(&self, ids: &[BlobId]) -> io::Result<()> {
        let _ = ids;
        Ok(())
    }

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

    /// [`Blobs::write`], durable only after [`Blobs::sync`] ([`BlobStore::put_unsynced`]).
    pub fn write_unsynced(&self, key: &Key, id: &BlobId, plaintext: &[u8]) -> io::Result<u64> {
        let out = encrypt_blob(key, id, plaintext)?;
        self.store.put_unsynced(id, &mut |w| w.write_all(&out))?;
        Ok(out.len() as u64)
    }

    /// [`Blobs::write_unsynced`] of a plaintext read from `source` as it is encrypted (a large
    /// file streamed from an import's temporary file): memory holds one chunk, not the file.
    pub fn write_from_unsynced(
        &self,
        key: &Key,
        id: &BlobId,
        source: &dyn ByteSource,
    ) -> io::Result<u64> {
        self.store
            .put_unsynced(id, &mut |w| encrypt_blob_to(key, id, source, w).map(|_| ()))?;
        Ok(encrypted_len(source.len()))
    }

    /// Make blobs written unsynced durable, with one barrier ([`BlobStore::sync`]).
    pub fn sync(&self, ids: &[BlobId]) -> io::Result<()> {
        self.store.sync(ids)
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
    let _ = sync_dir_checked(dir);
}

/// Make a folder's entries durable (the names of the files created or renamed in it).
fn sync_dir_checked(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir; // Windows: NTFS journals the names; a folder cannot be flushed
    Ok(())
}

/// Whether one `syncfs(2)` can stand for an fsync of every file written: Linux and Android
/// from kernel 5.8, where syncfs reports a write-back error of the file system (before, it
/// returned 0 even when a page failed to reach the disk).
#[cfg(any(target_os = "linux", target_os = "android"))]
#[allow(unsafe_code)] // uname(2): libc has no safe wrapper, std none at all
fn syncfs_reports_errors() -> bool {
    static KNOWN: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *KNOWN.get_or_init(|| {
        // SAFETY: uname fills the struct it is given; the release is a NUL-terminated string
        let release = unsafe {
            let mut u: libc::utsname = std::mem::zeroed();
            if libc::uname(&mut u) != 0 {
                return false;
            }
            std::ffi::CStr::from_ptr(u.release.as_ptr())
                .to_string_lossy()
                .into_owned()
        };
        kernel_at_least(&release, (5, 8))
    })
}

/// Whether a kernel release string (`6.1.0-18-amd64`, `4.19.113-g820a424c538c`) is at least
/// `want` (major, minor).
#[cfg_attr(not(any(target_os = "linux", target_os = "android")), allow(dead_code))]
fn kernel_at_least(release: &str, want: (u32, u32)) -> bool {
    let mut parts = release
        .split(|c: char| !c.is_ascii_digit())
        .map(|p| p.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(major), Some(minor)) => (major, minor) >= want,
        _ => false,
    }
}

/// Ask the kernel to start writing a file's pages now (not waiting), so that the disk works
/// while the import encrypts the next files and the batch's barrier finds little left to do.
#[allow(unsafe_code)] // sync_file_range(2): no safe wrapper in libc or std
fn start_writeback(f: &File) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: a plain syscall on an open descriptor; failure only loses the head start
        unsafe {
            libc::sync_file_range(f.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE);
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = f;
}

/// syncfs(2) of the file system `f` is on.
#[cfg(any(target_os = "linux", target_os = "android"))]
#[allow(unsafe_code)] // no safe wrapper in libc or std
fn syncfs(f: &File) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: a plain syscall on an open descriptor
    if unsafe { libc::syncfs(f.as_raw_fd()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The blob folder of a vault.
#[derive(Debug, Clone)]
pub struct FileBlobStore {
    root: PathBuf,
    /// The blob folder, open for as long as the store: `syncfs` reports a write-back error of
    /// the file system that happened since this descriptor last reported one, so a descriptor
    /// opened before the blobs were written misses none (one opened at the barrier could miss
    /// an error another program had already been told of).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    root_fd: Arc<File>,
}

impl FileBlobStore {
    pub fn new(root: PathBuf) -> io::Result<Self> {
        fs::create_dir_all(root.join("tmp"))?;
        Ok(FileBlobStore {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            root_fd: Arc::new(File::open(&root)?),
            root,
        })
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

    /// Written under a temporary name in the blob's own folder (`<id>.part`), renamed when
    /// whole, not synced; its writing to the disk is started at once (Linux, Android).
    fn put_unsynced(
        &self,
        id: &BlobId,
        write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let path = self.path(id);
        let dir = path.parent().expect("a blob path has a folder");
        let tmp = path.with_extension("part");
        let written = (|| -> io::Result<()> {
            let file = match File::create(&tmp) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    fs::create_dir_all(dir)?;
                    File::create(&tmp)?
                }
                other => other?,
            };
            let mut f = io::BufWriter::with_capacity(1 << 17, file);
            write(&mut f)?;
            let f = f.into_inner().map_err(|e| e.into_error())?;
            start_writeback(&f);
            Ok(())
        })();
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        fs::rename(&tmp, &path)
    }

    /// One barrier for a batch. On Linux and Android (kernel 5.8 and later) one `syncfs` of the
    /// vault's file system: every blob's bytes, its name and its folder in one call, one cache
    /// flush of the disk instead of one per file (the per-file flushes are what made the import
    /// a quarter of a copy's speed). It also writes out whatever else is pending on that file
    /// system, which the kernel would write within seconds anyway. Elsewhere (and on older
    /// kernels, whose syncfs hides write errors): each blob's data, then each folder's entries.
    fn sync(&self, ids: &[BlobId]) -> io::Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if syncfs_reports_errors() {
            return syncfs(&self.root_fd);
        }
        let mut dirs = std::collections::BTreeSet::new();
        for id in ids {
            let path = self.path(id);
            // write access: Windows flushes only a handle that may write
            fs::OpenOptions::new()
                .write(true)
                .open(&path)?
                .sync_data()?;
            if let Some(dir) = path.parent() {
                dirs.insert(dir.to_path_buf());
            }
        }
        for dir in &dirs {
            sync_dir_checked(dir)?;
        }
        // a folder made for this batch is itself an entry of the root
        sync_dir_checked(&self.root)
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
                let f = f?;
                let name = f.file_name();
                if name.to_str().is_some_and(|n| n.ends_with(".part")) {
                    // an unsynced write the process did not finish
                    let _ = fs::remove_file(f.path());
                    continue;
                }
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
            blobs
                .write_from_unsynced(&key, &b, &data[..10].to_vec())
                .unwrap(),
            encrypted_len(10)
        );
        blobs.sync(&[b]).unwrap();
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

    /// Blobs written unsynced, then made durable together.
    fn unsynced_contract(store: Arc<dyn BlobStore>) {
        let blobs = Blobs::new(store.clone());
        let key = Key::random();
        let data: Vec<u8> = (0..(CHUNK + 7)).map(|i| (i * 13 % 251) as u8).collect();
        let ids: Vec<BlobId> = (0..5).map(|_| new_blob_id()).collect();
        for (k, id) in ids.iter().enumerate() {
            let n = if k % 2 == 0 {
                blobs.write_unsynced(&key, id, &data).unwrap()
            } else {
                blobs.write_from_unsynced(&key, id, &data).unwrap()
            };
            assert_eq!(n, encrypted_len(data.len() as u64));
        }
        blobs.sync(&ids).unwrap();
        blobs.sync(&[]).unwrap();
        for id in &ids {
            assert_eq!(
                &blobs.reader(&key, id).unwrap().read_all().unwrap()[..],
                &data[..]
            );
            // the same bytes as a synced write
            let stored = store.get(id).unwrap();
            let mut raw = vec![0u8; stored.len() as usize];
            stored.read_at(0, &mut raw).unwrap();
            assert_eq!(raw, encrypt_blob(&key, id, &data).unwrap());
        }
        let mut listed = blobs.list().unwrap();
        listed.sort();
        let mut want = ids.clone();
        want.sort();
        assert_eq!(listed, want);
        // a write that fails half-way leaves nothing
        let bad = new_blob_id();
        assert!(store
            .put_unsynced(&bad, &mut |w| {
                w.write_all(b"half")?;
                Err(io::Error::other("the source failed"))
            })
            .is_err());
        assert!(store.get(&bad).is_err());
        assert_eq!(blobs.list().unwrap().len(), ids.len());
    }

    #[test]
    fn unsynced_writes_and_one_barrier_keep_the_contract() {
        let dir = super::super::tests::temp_dir("blobs");
        let files = FileBlobStore::new(dir.join("blobs")).unwrap();
        unsynced_contract(Arc::new(files.clone()));
        // a write the process did not finish (`<id>.part`) is cleared when listing
        let id = new_blob_id();
        let part = files.path(&id).with_extension("part");
        fs::create_dir_all(part.parent().unwrap()).unwrap();
        fs::write(&part, b"torn").unwrap();
        assert!(!files.list().unwrap().contains(&id));
        assert!(!part.exists());
        fs::remove_dir_all(&dir).ok();
        unsynced_contract(Arc::new(MemoryBlobStore::new()));
    }

    #[test]
    fn kernel_releases_are_compared_by_major_and_minor() {
        assert!(kernel_at_least("6.18.44-fc-v1300", (5, 8)));
        assert!(kernel_at_least("5.8.0", (5, 8)));
        assert!(kernel_at_least(
            "5.10.198-android12-9-00085-g226a9632f13d",
            (5, 8)
        ));
        assert!(!kernel_at_least("5.4.289-android12-9", (5, 8)));
        assert!(!kernel_at_least("4.19.113-g820a424c538c", (5, 8)));
        assert!(!kernel_at_least("", (5, 8)));
        assert!(!kernel_at_least("garbage", (5, 8)));
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
