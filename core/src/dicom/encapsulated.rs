//! Finding one frame's compressed bytes among the fragments of encapsulated pixel data
//! (PS3.5 A.4): one fragment per frame, the Basic Offset Table, or, when neither tells,
//! the end-of-image marker (FFD9, shared by JPEG, JPEG-LS and JPEG 2000) ending a fragment.

use std::borrow::Cow;

use crate::error::{Error, Result};

pub(crate) fn frame_bytes<'a>(
    fragments: &'a [Vec<u8>],
    offset_table: &[u32],
    frames: u32,
    frame: u32,
) -> Result<Cow<'a, [u8]>> {
    let lens: Vec<u64> = fragments.iter().map(|f| f.len() as u64).collect();
    let range = frame_fragments(&lens, offset_table, frames, frame, &|i| {
        ends_image(&fragments[i])
    })?;
    if range.len() == 1 {
        Ok(Cow::Borrowed(&fragments[range.start]))
    } else {
        Ok(Cow::Owned(fragments[range].concat()))
    }
}

/// Which fragments (by index) hold frame `frame`, given each fragment's length, the Basic Offset
/// Table and a test telling whether fragment i ends with an end-of-image marker.
pub(crate) fn frame_fragments(
    lens: &[u64],
    offset_table: &[u32],
    frames: u32,
    frame: u32,
    ends_image: &dyn Fn(usize) -> bool,
) -> Result<std::ops::Range<usize>> {
    let missing = || Error::UnsupportedPixelData(format!("no fragment holds frame {frame}"));
    if lens.is_empty() {
        return Err(Error::UnsupportedPixelData(
            "encapsulated pixel data without fragments".into(),
        ));
    }
    let (first, last) = if frames == 1 {
        (0, lens.len())
    } else if lens.len() == frames as usize {
        (frame as usize, frame as usize + 1)
    } else if offset_table.len() == frames as usize {
        // fragment start offsets as counted by the table: each item has an 8-byte header
        let mut starts = Vec::with_capacity(lens.len());
        let mut at = 0u64;
        for l in lens {
            starts.push(at);
            at += 8 + l;
        }
        let begin = offset_table[frame as usize] as u64;
        let end = offset_table
            .get(frame as usize + 1)
            .map(|v| *v as u64)
            .unwrap_or(u64::MAX);
        let first = starts
            .iter()
            .position(|s| *s == begin)
            .ok_or_else(missing)?;
        let last = starts.iter().position(|s| *s >= end).unwrap_or(lens.len());
        (first, last)
    } else {
        // split at fragments that end an image
        let mut frame_start = 0;
        let mut index = 0;
        let mut found = None;
        for i in 0..lens.len() {
            if ends_image(i) {
                if index == frame {
                    found = Some((frame_start, i + 1));
                    break;
                }
                index += 1;
                frame_start = i + 1;
            }
        }
        found.ok_or_else(missing)?
    };
    if first >= last || last > lens.len() {
        return Err(missing());
    }
    Ok(first..last)
}

pub(crate) fn ends_image(f: &[u8]) -> bool {
    let trimmed = match f.iter().rposition(|b| *b != 0) {
        Some(p) => &f[..=p],
        None => return false,
    };
    trimmed.ends_with(&[0xFF, 0xD9])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_fragment_per_frame() {
        let f = vec![vec![1u8], vec![2], vec![3]];
        assert_eq!(&*frame_bytes(&f, &[], 3, 1).unwrap(), &[2]);
        assert!(frame_bytes(&f, &[], 3, 3).is_err());
    }

    #[test]
    fn offset_table_spans_fragments() {
        let f = vec![vec![1u8, 2], vec![3, 4], vec![5, 6]];
        // frame 0 = fragments 0..2 (offsets 0, 10), frame 1 = fragment 2 (offset 20)
        assert_eq!(&*frame_bytes(&f, &[0, 20], 2, 0).unwrap(), &[1, 2, 3, 4]);
        assert_eq!(&*frame_bytes(&f, &[0, 20], 2, 1).unwrap(), &[5, 6]);
    }

    #[test]
    fn end_of_image_markers_split_frames() {
        let f = vec![
            vec![0xFF, 0xD8, 1],
            vec![2, 0xFF, 0xD9, 0],
            vec![0xFF, 0xD8, 0xFF, 0xD9],
        ];
        assert_eq!(
            &*frame_bytes(&f, &[], 2, 0).unwrap(),
            &[0xFF, 0xD8, 1, 2, 0xFF, 0xD9, 0]
        );
        assert_eq!(
            &*frame_bytes(&f, &[], 2, 1).unwrap(),
            &[0xFF, 0xD8, 0xFF, 0xD9]
        );
        assert!(frame_bytes(&f, &[], 4, 3).is_err());
    }

    #[test]
    fn single_frame_concatenates_everything() {
        let f = vec![vec![1u8], vec![2]];
        assert_eq!(&*frame_bytes(&f, &[], 1, 0).unwrap(), &[1, 2]);
    }
}
