//! Rendered slices handed to the app with one copy.
//!
//! uniffi lowers a `Vec<u8>` byte by byte into a new buffer, and the foreign side copies that
//! buffer again into its own array: two copies of every slice, and the first alone costs more than
//! rendering it (`examples/lowering.rs`). A [`RenderedSliceWire`] is instead the serialized
//! [`RenderedSlice`](crate::RenderedSlice) record built in place: the core renders the pixels
//! straight into the buffer behind room for the record's other fields, which are filled in after,
//! and the buffer crosses the FFI as it is. The foreign side copies once, into its `ByteArray`,
//! `Data` or `bytes`. One record, not an object with a getter, also keeps a render to one call
//! through the FFI, which matters on the JVM, where each call costs tens of microseconds.

use bytes::BufMut;
use uniffi::{metadata::codes, MetadataBuffer, RustBuffer};

/// The window fields of a rendered slice.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct WindowFields {
    pub windowed: bool,
    pub center: f64,
    pub width: f64,
}

impl From<&scanpass_core::render::Applied> for WindowFields {
    /// The window applied (grey images); none for colour images and VOI LUTs.
    fn from(a: &scanpass_core::render::Applied) -> Self {
        match a {
            scanpass_core::render::Applied::Window { center, width, .. } => WindowFields {
                windowed: true,
                center: *center,
                width: *width,
            },
            _ => WindowFields {
                windowed: false,
                center: 0.0,
                width: 0.0,
            },
        }
    }
}

/// A [`crate::RenderedSlice`] serialized as uniffi does, pixels last.
pub struct RenderedSliceWire(Vec<u8>);

/// The record's fields before the pixels: width u32, height u32, windowed (bool, one byte),
/// window_center f64, window_width f64, reduced (bool, one byte), and the pixel array's i32
/// length.
const HEADER: usize = 4 + 4 + 1 + 8 + 8 + 1 + 4;

/// What a render says besides its pixels.
pub(crate) struct Shape {
    pub width: u32,
    pub height: u32,
    pub window: WindowFields,
    /// Decoded below full resolution (a first image at the view's size).
    pub reduced: bool,
}

impl Shape {
    pub(crate) fn of(r: &scanpass_core::viewer::Rendered) -> Shape {
        Shape {
            width: r.width,
            height: r.height,
            window: WindowFields::from(&r.applied),
            reduced: r.reduced,
        }
    }
}

impl RenderedSliceWire {
    /// Render through `fill(buffer, at)`, which writes the RGBA from `buffer[at..]` on (resizing
    /// the buffer) and returns its [`Shape`]; the header is written after.
    pub(crate) fn build<E>(
        fill: impl FnOnce(&mut Vec<u8>, usize) -> Result<Shape, E>,
    ) -> Result<Self, E> {
        let mut buf = vec![0u8; HEADER];
        let shape = fill(&mut buf, HEADER)?;
        let w = shape.window;
        let len = i32::try_from(buf.len() - HEADER).unwrap_or(i32::MAX);
        let mut head = &mut buf[..HEADER];
        head.put_u32(shape.width);
        head.put_u32(shape.height);
        head.put_i8(w.windowed as i8);
        head.put_f64(w.center);
        head.put_f64(w.width);
        head.put_i8(shape.reduced as i8);
        head.put_i32(len);
        Ok(RenderedSliceWire(buf))
    }

    /// A filled buffer of `len` pixel bytes, for the lowering benchmark.
    #[doc(hidden)]
    pub fn for_bench(len: usize) -> Self {
        let built = Self::build::<std::convert::Infallible>(|buf, at| {
            buf.resize(at + len, 7);
            Ok(Shape {
                width: 1,
                height: 1,
                window: WindowFields {
                    windowed: false,
                    center: 0.0,
                    width: 0.0,
                },
                reduced: false,
            })
        });
        match built {
            Ok(w) => w,
            Err(never) => match never {},
        }
    }

    /// The pixel bytes.
    pub fn rgba(&self) -> &[u8] {
        &self.0[HEADER..]
    }
}

// SAFETY: the buffer is exactly what uniffi's derived lowering of `RenderedSlice` writes (tested
// below against the derive itself), and the type id names that record, so the generated bindings
// read it as one.
#[allow(unsafe_code)] // a hand-written lowering: the rendered slice crosses the FFI in one copy (ADR 5)
unsafe impl uniffi::Lower<crate::UniFfiTag> for RenderedSliceWire {
    type FfiType = RustBuffer;

    fn lower(obj: Self) -> RustBuffer {
        RustBuffer::from_vec(obj.0)
    }

    fn write(obj: Self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&obj.0)
    }
}

impl uniffi::TypeId<crate::UniFfiTag> for RenderedSliceWire {
    // the record's own type id: `RenderedSlice` in this crate's `viewer` module
    const TYPE_ID_META: MetadataBuffer = MetadataBuffer::from_code(codes::TYPE_RECORD)
        .concat_str(crate::viewer::MODULE_PATH)
        .concat_str("RenderedSlice");
}

uniffi::derive_ffi_traits!(impl LowerReturn<crate::UniFfiTag> for RenderedSliceWire);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RenderedSlice;
    use uniffi::TypeId;

    fn wire(windowed: bool, reduced: bool) -> (RenderedSliceWire, RenderedSlice) {
        let rgba: Vec<u8> = (0..=255u8).cycle().take(3 * 2 * 4).collect();
        let w = WindowFields {
            windowed,
            center: -600.5,
            width: 1500.25,
        };
        let px = rgba.clone();
        let ours = RenderedSliceWire::build::<()>(|buf, at| {
            buf.resize(at + px.len(), 0);
            buf[at..].copy_from_slice(&px);
            Ok(Shape {
                width: 3,
                height: 2,
                window: w,
                reduced,
            })
        })
        .unwrap();
        let record = RenderedSlice {
            width: 3,
            height: 2,
            windowed,
            window_center: -600.5,
            window_width: 1500.25,
            reduced,
            rgba,
        };
        (ours, record)
    }

    #[test]
    fn the_wire_is_what_uniffi_writes_for_the_record() {
        for (windowed, reduced) in [(true, false), (false, false), (true, true), (false, true)] {
            let (ours, record) = wire(windowed, reduced);
            let mut theirs = Vec::new();
            <RenderedSlice as uniffi::Lower<crate::UniFfiTag>>::write(record.clone(), &mut theirs);
            assert_eq!(ours.0, theirs, "windowed {windowed}, reduced {reduced}");
            assert_eq!(ours.rgba(), &record.rgba[..]);
        }
    }

    #[test]
    fn the_wire_carries_the_records_type_id() {
        assert_eq!(
            <RenderedSliceWire as TypeId<crate::UniFfiTag>>::TYPE_ID_META.as_ref(),
            <RenderedSlice as TypeId<crate::UniFfiTag>>::TYPE_ID_META.as_ref()
        );
    }
}
