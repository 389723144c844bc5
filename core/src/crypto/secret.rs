//! Bytes that hold patient data in the clear (decrypted from the vault or a share), wiped when
//! they are dropped.
use zeroize::Zeroize;

/// Decrypted bytes, wiped when dropped (and the spare capacity with them). What
/// `Zeroizing<Vec<u8>>` does, at memory speed: zeroize 1.9 wipes a `Vec` one volatile byte store
/// at a time (a few GB/s: a sixth of an uncompressed slice's decode time here), a slice with one
/// fill behind an optimisation barrier. Derefs to a slice, never to the `Vec` (whose growth
/// would free plaintext unwiped); [`SecretBytes::take`] moves the bytes out unwiped, for a caller
/// that takes over their care.
#[derive(Default, PartialEq, Eq)]
pub struct SecretBytes(Vec<u8>);

impl SecretBytes {
    pub fn new(bytes: Vec<u8>) -> SecretBytes {
        SecretBytes(bytes)
    }

    /// Empty, with room for `n` bytes: fill it with [`extend_from_slice`](Self::extend_from_slice).
    pub fn with_capacity(n: usize) -> SecretBytes {
        SecretBytes(Vec::with_capacity(n))
    }

    /// Appends `bytes`. Should they not fit the allocation, the bytes move to a larger one (at
    /// least twice the size) and the old one is wiped before it is freed (a `Vec` would free it
    /// as it is).
    pub fn extend_from_slice(&mut self, bytes: &[u8]) {
        let need = self.0.len() + bytes.len();
        if need > self.0.capacity() {
            let mut grown = Vec::with_capacity(need.max(2 * self.0.capacity()));
            grown.extend_from_slice(&self.0);
            let mut old = std::mem::replace(&mut self.0, grown);
            old.as_mut_slice().zeroize();
            old.spare_capacity_mut().zeroize();
        }
        self.0.extend_from_slice(bytes);
    }

    /// Keeps the first `n` bytes; the rest is wiped.
    pub fn truncate(&mut self, n: usize) {
        if n < self.0.len() {
            self.0[n..].zeroize();
            self.0.truncate(n);
        }
    }

    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    /// The buffer, read-only (for APIs that take a `Vec`).
    pub fn as_vec(&self) -> &Vec<u8> {
        &self.0
    }

    /// Moves the bytes out unwiped, leaving this empty: for a caller that takes over their care.
    pub fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.0)
    }
}

impl std::ops::Deref for SecretBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

/// A slice, not the `Vec`: growing the `Vec` would move the plaintext to a new allocation and
/// free the old one unwiped. Allocate the size known in advance (`SecretBytes::new` of a buffer
/// made with it) and fill it.
impl std::ops::DerefMut for SecretBytes {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.0
    }
}

impl Drop for SecretBytes {
    fn drop(&mut self) {
        self.0.as_mut_slice().zeroize();
        self.0.spare_capacity_mut().zeroize();
    }
}

impl std::fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretBytes({} bytes)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_truncates_and_takes_as_a_buffer_would() {
        let mut s = SecretBytes::with_capacity(4);
        s.extend_from_slice(b"abc");
        s.extend_from_slice(b"defgh"); // past the capacity: moved, the old buffer wiped
        assert_eq!(s.as_slice(), b"abcdefgh");
        assert!(s.as_vec().capacity() >= 8);
        s.truncate(5);
        assert_eq!(&s[..], b"abcde");
        s[0] = b'A';
        assert_eq!(s.take(), b"Abcde".to_vec());
        assert!(s.is_empty());
    }
}
