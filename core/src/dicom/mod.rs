//! DICOM: open any file a hospital hands out, describe its image, decode one frame.
//!
//! - [`open`] parses bytes (any wrapping: Part 10, no preamble, no meta group) into an [`Object`];
//!   [`ReadDepth::HeaderOnly`] stops before the pixel data for fast listing.
//! - [`ImageInfo`] is what the header says about the image and its display transforms.
//! - [`decode_frame`] gives one frame's stored values ([`Frame`]) without decoding the others.
//! - [`summary`] gives the patient/study/series/instance identity for listings.
//!
//! Rendering those values for a screen lives in [`crate::render`].

pub(crate) mod attrs;
mod color;
mod decode;
mod encapsulated;
mod header;
mod image;
mod j2k;
mod jpeg;
mod jpegls;
mod locate;
mod open;
mod rle;
mod summary;

/// Scanpass's Implementation Class UID, written in the file meta group of every file it writes
/// (exports, de-identified copies, phantoms, re-wrapped objects).
pub const IMPLEMENTATION_CLASS_UID: &str = "1.2.826.0.1.3680043.10.1604.1";

pub use crate::byte_source::ByteSource;
pub(crate) use decode::each_samples;
pub use decode::{
    decode_frame, decode_frame_for_view, reducible, reduction_for_view, ColorModel, Frame, Samples,
};
pub use header::{
    FrameTransforms, ImageInfo, Lut, Photometric, PixelElement, Rescale, SampleType, SyntaxName,
    VoiFunction, Window,
};
pub use image::{DicomImage, WHOLE_FILE_LIMIT};
pub(crate) use open::end_of_meta;
pub use open::{has_dicom_magic, looks_like_dicom, open, parse, Object, ReadDepth};
pub use summary::{summary, Summary};
