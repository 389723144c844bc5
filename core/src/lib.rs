//! # scanpass-core
//!
//! Everything Scanpass decides, with no FFI types: the apps (through `scanpass-ffi`), the
//! `scanpass` command line and the tests all drive this crate.
//!
//! Which module to use:
//! - to read a DICOM file, describe its image and decode a frame: [`dicom`]
//!   ([`dicom::open`], [`dicom::ImageInfo::from_object`], [`dicom::decode_frame`]);
//! - to keep studies encrypted on the device and read them back: [`vault::Vault`], filled by
//!   [`import::import`];
//! - to request one's images from a provider (the law of each jurisdiction, the wizard, the
//!   letters, the deadline tracking): [`request`], stored with [`vault::Vault::create_request`];
//! - to show a stored series slice by slice (window/level, prefetch, cine): [`viewer::Viewer`];
//! - to turn a decoded frame into pixels for a screen (window/level, presets, LUTs, palette,
//!   thumbnails, PNG): [`render`];
//! - to strip identity from images before sharing them (PS3.15 Annex E presets, burned-in text
//!   warning): [`deid`] ([`deid::Session`], [`deid::deidentify_bytes`], [`deid::burned_in_risk`]);
//! - to review the encryption (keys, the AEADs, the blob and stream format, wiped secret
//!   bytes): [`crypto`], which knows nothing of the vault, DICOM or sharing;
//! - [`Error`] is the internal error with full technical context; messages never carry
//!   patient data.
//!
//! One call does the common case: [`render_file`] opens, decodes and renders one frame.

pub mod byte_source;
pub mod crypto;
pub mod deid;
pub mod dicom;
mod error;
pub mod export;
pub mod fileset;
pub mod import;
pub mod library;
pub mod net;
// synthetic DICOM for tests, benchmarks, fuzz seeds and `scanpass phantom`: not in the phone
// libraries (feature `phantom`)
#[cfg(any(test, feature = "phantom"))]
pub mod phantom;
pub mod render;
pub mod request;
pub mod screens;
pub mod share;
pub mod task;
pub mod text;
pub mod vault;
pub mod viewer;

use std::path::Path;

pub use error::{Error, Result};

/// Open `path`, decode `frame` and render it with `voi`: the whole pipeline in one call.
pub fn render_file(
    path: &Path,
    frame: u32,
    voi: &render::Voi,
) -> Result<(dicom::ImageInfo, render::Image, render::Applied)> {
    let img = dicom::DicomImage::open(path)?;
    let decoded = img.decode_frame(frame)?;
    let info = img.info()?;
    let (image, applied) = render::render(info, &decoded, voi)?;
    Ok((info.clone(), image, applied))
}

/// [`render_file`] into a caller's buffer (resized to rows × cols × 4), as a viewer reuses the
/// buffer it blits; returns the image description and what was applied.
pub fn render_file_into(
    path: &Path,
    frame: u32,
    voi: &render::Voi,
    rgba: &mut Vec<u8>,
) -> Result<(dicom::ImageInfo, render::Applied)> {
    let img = dicom::DicomImage::open(path)?;
    let decoded = img.decode_frame(frame)?;
    let info = img.info()?;
    rgba.resize(decoded.rows as usize * decoded.cols as usize * 4, 0);
    let applied = render::render_into(info, &decoded, voi, false, rgba)?;
    Ok((info.clone(), applied))
}
