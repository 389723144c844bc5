//! The core's cryptography and secrets, kept small to be reviewed in one sitting; nothing here
//! knows about DICOM, the vault or sharing.
//!
//! - [`Key`] ([`keys`]): 256-bit keys, zeroized on drop, never printed; [`Key::derive`]:
//!   HKDF-SHA256 sub-keys, one per purpose and context.
//! - [`seal`] / [`open`]: XChaCha20-Poly1305 with a random 192-bit nonce, for small secrets
//!   (wrapped keys, encrypted settings). The associated data names what the secret belongs to.
//! - [`AeadKey`]: the blob and share ciphers, from `ring` (assembly using AES-NI/VAES on x86-64
//!   and the ARMv8 crypto extensions on phones), with the key schedule wiped on drop.
//! - [`SecretBytes`] ([`secret`]): bytes that hold patient data in the clear, wiped on drop.
//! - [`ct_eq`]: equality of secrets and check values in constant time (`subtle`).
//! - Blobs ([`blob`]: [`encrypt_blob`], [`BlobReader`]): a 32-byte header, then the plaintext in
//!   64 KiB chunks, each sealed with AES-256-GCM (format version 2; version 1, still read, used
//!   ChaCha20-Poly1305) under a key derived for that blob alone, with the chunk index and a
//!   last-chunk flag as the nonce and the header as associated data (the design of age's STREAM).
//!   A chunk cannot be moved, dropped, swapped between blobs or truncated away unnoticed, and any
//!   slice of a blob is read by decrypting only the chunks it covers.
//! - Streams ([`stream`]: [`StreamWriter`], [`BlobReader::stream`]): the same chunks, cipher and
//!   nonces for bytes whose length is not known when they start (an import's temporary files: a
//!   download, a zip entry), each chunk followed by its tag (format version 3) and written as it
//!   fills; the last chunk's flag marks the end, so a stream cut at a chunk boundary is noticed
//!   too.
//!
//! Nonces are never reused: blob keys are unique per (study key, random 128-bit blob id), a blob id
//! is written once, and chunk nonces count chunks within a blob; sealed secrets draw 192-bit
//! random nonces.

pub mod blob;
pub mod keys;
pub mod secret;
pub mod stream;

pub use blob::{
    encrypt_blob, encrypt_blob_to, encrypted_len, new_blob_id, BlobId, BlobReader, CHUNK, HEADER,
};
pub use keys::{open, seal, AeadKey, IntegrityError, Key, TAG};
pub use secret::SecretBytes;
pub use stream::StreamWriter;

/// Whether `a` and `b` are equal, in a time that does not depend on where they differ (`subtle`):
/// for secrets and check values, where an early exit would tell an attacker how much matched.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    subtle::ConstantTimeEq::ct_eq(a, b).into()
}
