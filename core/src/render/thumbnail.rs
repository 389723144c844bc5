//! Thumbnails (area-averaged downscale) and PNG encoding of rendered images.

use super::Image;
use crate::error::{Error, Result};

/// Shrink an image so that its longer side is at most `max_side`, averaging each source area
/// (no aliasing on fine detail such as CT noise). Images already small enough are copied.
pub fn thumbnail(img: &Image, max_side: u32) -> Image {
    let (w, h) = (img.width.max(1), img.height.max(1));
    let scale = (max_side.max(1) as f64 / w.max(h) as f64).min(1.0);
    let tw = ((w as f64 * scale).round() as u32).max(1);
    let th = ((h as f64 * scale).round() as u32).max(1);
    if tw == w && th == h {
        return img.clone();
    }
    let mut rgba = vec![0u8; tw as usize * th as usize * 4];
    for ty in 0..th {
        let y0 = (ty as u64 * h as u64 / th as u64) as u32;
        let y1 = (((ty + 1) as u64 * h as u64).div_ceil(th as u64) as u32).clamp(y0 + 1, h);
        for tx in 0..tw {
            let x0 = (tx as u64 * w as u64 / tw as u64) as u32;
            let x1 = (((tx + 1) as u64 * w as u64).div_ceil(tw as u64) as u32).clamp(x0 + 1, w);
            let mut acc = [0u64; 4];
            for y in y0..y1 {
                let row = (y as usize * w as usize) * 4;
                for x in x0..x1 {
                    let p = &img.rgba[row + x as usize * 4..row + x as usize * 4 + 4];
                    for c in 0..4 {
                        acc[c] += p[c] as u64;
                    }
                }
            }
            let n = ((y1 - y0) * (x1 - x0)) as u64;
            let o = (ty as usize * tw as usize + tx as usize) * 4;
            for c in 0..4 {
                rgba[o + c] = ((acc[c] + n / 2) / n) as u8;
            }
        }
    }
    Image {
        width: tw,
        height: th,
        rgba,
    }
}

/// Encode an RGBA8 image as PNG (grey images are written as 8-bit grey to keep files small).
pub fn encode_png(img: &Image) -> Result<Vec<u8>> {
    let grey = img
        .rgba
        .chunks_exact(4)
        .all(|p| p[0] == p[1] && p[1] == p[2] && p[3] == 255);
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, img.width, img.height);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        let data: Vec<u8> = if grey {
            enc.set_color(png::ColorType::Grayscale);
            img.rgba.chunks_exact(4).map(|p| p[0]).collect()
        } else {
            enc.set_color(png::ColorType::Rgba);
            img.rgba.clone()
        };
        let mut w = enc
            .write_header()
            .map_err(|e| Error::InvalidArgument(format!("cannot encode PNG: {e}")))?;
        w.write_image_data(&data)
            .map_err(|e| Error::InvalidArgument(format!("cannot encode PNG: {e}")))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbnail_averages_areas_and_keeps_aspect() {
        // 4x2 image: left half black, right half white
        let mut rgba = Vec::new();
        for _y in 0..2 {
            for x in 0..4 {
                let v = if x < 2 { 0 } else { 255 };
                rgba.extend_from_slice(&[v, v, v, 255]);
            }
        }
        let t = thumbnail(
            &Image {
                width: 4,
                height: 2,
                rgba,
            },
            2,
        );
        assert_eq!((t.width, t.height), (2, 1));
        assert_eq!(&t.rgba, &[0, 0, 0, 255, 255, 255, 255, 255]);
    }

    #[test]
    fn png_round_trips_through_the_png_decoder() {
        let img = Image {
            width: 2,
            height: 1,
            rgba: vec![10, 10, 10, 255, 200, 200, 200, 255],
        };
        let bytes = encode_png(&img).unwrap();
        let dec = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut r = dec.read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size()];
        let info = r.next_frame(&mut buf).unwrap();
        assert_eq!(info.color_type, png::ColorType::Grayscale);
        assert_eq!(&buf[..2], &[10, 200]);
    }
}
