//! Fuzz what a recipient reads from a share: the sealed objects the relay serves (any bytes: a
//! relay is not trusted) and the manifest JSON inside them (written by the sender, from outside).
//! Checked beyond "no panic": a manifest that reads has stream ranges and indexes that hold
//! together, and writes back to JSON (plain and padded) that reads as the same manifest.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scanpass_core::share::manifest::Manifest;
use scanpass_core::share::{seal, stream};
use scanpass_core::crypto::Key;

fuzz_target!(|data: &[u8]| {
    // as a sealed chunk: refused (no key could have made these bytes), never a panic
    let key = Key::from_bytes([7; 32]);
    assert!(seal::open(&key, data, &seal::chunk_aad("fuzz", 0)).is_err());
    assert!(seal::open_owned(&key, data.to_vec(), &seal::chunk_aad("fuzz", 0)).is_err());
    // as a decrypted manifest
    if let Ok(m) = Manifest::from_json(data) {
        for f in &m.files {
            assert!(f.offset + f.size <= m.stream_len());
            let span = stream::chunks_of(f.offset, f.size, m.chunk_size);
            assert!(span.end <= m.chunk_count as u64);
            assert!(f.series.is_none_or(|s| (s as usize) < m.series.len()));
        }
        for s in &m.series {
            assert!(s.files.iter().all(|&i| (i as usize) < m.files.len()));
            assert!((s.study as usize) < m.studies.len());
            assert!(s.thumbnail.as_ref().is_none_or(|t| t.offset + t.size <= m.stream_len()));
        }
        assert_eq!(Manifest::from_json(&m.to_json()).as_ref(), Ok(&m));
        assert_eq!(Manifest::from_json(&m.to_padded_json()).as_ref(), Ok(&m));
    }
});
