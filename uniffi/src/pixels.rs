//! RGBA pixels handed to the app with one copy: the core renders straight into the buffer that
//! crosses the FFI, behind the 4-byte length prefix uniffi's byte arrays carry, so the Rust side
//! copies nothing and the foreign side copies once (into its `ByteArray`, `Data` or `bytes`).

use uniffi::{metadata::codes, MetadataBuffer, RustBuffer};

/// Bytes, seen by the app as a byte array. Built only by [`Pixels::render_with`].
pub struct Pixels(Vec<u8>);

/// Bytes of the length prefix of a serialized byte array.
const PREFIX: usize = 4;

impl Pixels {
    /// Fill a buffer through `fill(buffer, prefix)`, which writes from `buffer[prefix..]` on;
    /// the length prefix is set after.
    pub(crate) fn render_with<T, E>(
        fill: impl FnOnce(&mut Vec<u8>, usize) -> Result<T, E>,
    ) -> Result<(Pixels, T), E> {
        let mut buf = vec![0u8; PREFIX];
        let out = fill(&mut buf, PREFIX)?;
        let len = i32::try_from(buf.len() - PREFIX).unwrap_or(i32::MAX);
        buf[..PREFIX].copy_from_slice(&len.to_be_bytes());
        Ok((Pixels(buf), out))
    }

    /// A filled buffer of `len` bytes, for the lowering benchmark (`examples/lowering.rs`).
    #[doc(hidden)]
    pub fn for_bench(len: usize) -> (Pixels, ()) {
        let filled = Self::render_with::<_, std::convert::Infallible>(|buf, at| {
            buf.resize(at + len, 7);
            Ok(())
        });
        match filled {
            Ok(done) => done,
            Err(never) => match never {},
        }
    }

    /// The pixel bytes, without the prefix.
    pub fn bytes(&self) -> &[u8] {
        &self.0[PREFIX..]
    }
}

// SAFETY: the buffer is exactly what uniffi's `Vec<u8>` lowering writes (a big-endian i32 length,
// then the bytes), and the type id says so, so the generated bindings read it as a byte array.
unsafe impl uniffi::Lower<crate::UniFfiTag> for Pixels {
    type FfiType = RustBuffer;

    fn lower(obj: Self) -> RustBuffer {
        RustBuffer::from_vec(obj.0)
    }

    fn write(obj: Self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&obj.0)
    }
}

impl uniffi::TypeId<crate::UniFfiTag> for Pixels {
    const TYPE_ID_META: MetadataBuffer =
        MetadataBuffer::from_code(codes::TYPE_VEC).concat_value(codes::TYPE_U8);
}

uniffi::derive_ffi_traits!(impl LowerReturn<crate::UniFfiTag> for Pixels);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_buffer_is_what_uniffi_writes_for_a_byte_vector() {
        let (p, ()) = Pixels::render_with::<_, ()>(|buf, at| {
            buf.resize(at + 5, 0);
            buf[at..].copy_from_slice(b"RGBA!");
            Ok(())
        })
        .unwrap();
        let mut want = Vec::new();
        <Vec<u8> as uniffi::Lower<crate::UniFfiTag>>::write(b"RGBA!".to_vec(), &mut want);
        assert_eq!(p.0, want);
        assert_eq!(p.bytes(), b"RGBA!");
    }
}
