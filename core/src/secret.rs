//! Bytes that hold patient data in the clear (decrypted from the vault or a share), wiped when
//! they are dropped.
use zeroize::Zeroize;

/// Decrypted bytes, wiped when dropped (and the spare capacity with them). What
/// `Zeroizing<Vec<u8>>` does, at memory speed: zeroize 1.9 wipes a `Vec` one volatile byte store
/// at a time (a few GB/s: a sixth of an uncompressed slice's decode time here), a slice with one
/// fill behind an optimisation barrier. Derefs to the `Vec`; `std::mem::take` moves the bytes out
/// unwiped, for a caller that takes over their care.
#[derive(Default, PartialEq, Eq)]
pub struct SecretBytes(Vec<u8>);

impl SecretBytes {
    pub fn new(bytes: Vec<u8>) -> SecretBytes {
        SecretBytes(bytes)
    }
}

impl std::ops::Deref for SecretBytes {
    type Target = Vec<u8>;
    fn deref(&self) -> &Vec<u8> {
        &self.0
    }
}

impl std::ops::DerefMut for SecretBytes {
    fn deref_mut(&mut self) -> &mut Vec<u8> {
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
