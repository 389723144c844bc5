//! The library: what the patient holds, as the screens show it. The vault ([`crate::vault`])
//! stores and lists rows; this module decides their order for display, opens a slice by its
//! place in a series, renders it, and makes the series thumbnails.

use crate::dicom::DicomImage;
use crate::error::{Error, Result};
use crate::render::{self, Voi};
use crate::vault::{map_integrity, InstanceRow, Vault};

/// The instances of a series in display order ([`display_order`]).
pub fn instances(vault: &Vault, series_id: &str) -> Result<Vec<InstanceRow>> {
    let mut rows = vault.instance_rows(series_id)?;
    display_order(&mut rows);
    Ok(rows)
}

/// Display order: by position along the slice normal when every instance has the same
/// orientation and a position; else by instance number; ties by id.
pub fn display_order(rows: &mut [InstanceRow]) {
    let shared = rows.first().and_then(|r| r.orientation()).filter(|o| {
        rows.iter().all(|r| {
            r.position().is_some()
                && r.orientation()
                    .is_some_and(|x| x.iter().zip(o).all(|(a, b)| (a - b).abs() < 1e-3))
        })
    });
    match shared {
        Some(o) => {
            let n = [
                o[1] * o[5] - o[2] * o[4],
                o[2] * o[3] - o[0] * o[5],
                o[0] * o[4] - o[1] * o[3],
            ];
            let d = |r: &InstanceRow| {
                r.position()
                    .map(|p| p[0] * n[0] + p[1] * n[1] + p[2] * n[2])
                    .unwrap_or(0.0)
            };
            rows.sort_by(|a, b| {
                d(a).total_cmp(&d(b))
                    .then(a.number.cmp(&b.number))
                    .then(a.id.cmp(&b.id))
            });
        }
        None => rows.sort_by(|a, b| a.number.cmp(&b.number).then(a.id.cmp(&b.id))),
    }
}

/// Open instance `index` (display order) of a series for viewing: a slice is decrypted whole
/// (and wiped when the image is dropped); a large object has only the chunks of each frame asked
/// for decrypted ([`Vault::open_row`]). Frames are decoded on demand.
pub fn open_instance(vault: &Vault, series_id: &str, index: usize) -> Result<DicomImage> {
    let rows = instances(vault, series_id)?;
    let row = rows.get(index).ok_or(Error::NotFound("instance"))?;
    let study = vault.study_of_series(series_id)?;
    vault.open_row(&study, row)
}

/// Render frame `frame` of instance `index` (display order) of a series.
pub fn render(
    vault: &Vault,
    series_id: &str,
    index: usize,
    frame: u32,
    voi: &Voi,
) -> Result<(render::Image, render::Applied)> {
    let img = open_instance(vault, series_id, index)?;
    let decoded = img.decode_frame(frame).map_err(map_integrity)?;
    render::render(img.info()?, &decoded, voi)
}

/// The side of a series thumbnail, in pixels.
pub const THUMBNAIL_SIZE: u32 = 128;

/// Make (or remake) the thumbnail of a series from its middle instance (its middle frame), at
/// the default window, and store it in the vault. A series without an image (a report) gets none.
pub fn make_thumbnail(vault: &Vault, series_id: &str) -> Result<()> {
    let rows = instances(vault, series_id)?;
    let Some(mid) = rows.get(rows.len() / 2) else {
        return Ok(());
    };
    let study = vault.study_of_series(series_id)?;
    let img = vault.open_row(&study, mid)?;
    let Ok(info) = img.info() else { return Ok(()) }; // no image (a report): no thumbnail
    let frame = img.decode_frame(info.frames / 2)?;
    let (full, _) = render::render(info, &frame, &Voi::Default)?;
    let png = render::encode_png(&render::thumbnail(&full, THUMBNAIL_SIZE))?;
    vault.put_thumbnail(series_id, &png)
}
