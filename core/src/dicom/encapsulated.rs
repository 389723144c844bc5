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
    let missing = || Error::UnsupportedPixelData(format!("no fragment holds frame {frame}"));
    if fragments.is_empty() {
        return Err(Error::UnsupportedPixelData(
            "encapsulated pixel data without fragments".into(),
        ));
    }
    let (first, last) = if frames == 1 {
        (0, fragments.len())
    } else if fragments.len() == frames as usize {
        (frame as usize, frame as usize + 1)
    } else if offset_table.len() == frames as usize {
        // fragment start offsets as counted by the table: each item has an 8-byte header
        let mut starts = Vec::with_capacity(fragments.len());
        let mut at = 0u64;
        for f in fragments {
            starts.push(at);
            at += 8 + f.len() as u64;
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
        let last = starts
            .iter()
            .position(|s| *s >= end)
            .unwrap_or(fragments.len());
        (first, last)
    } else {
        // split at fragments that end an image
        let mut frame_start = 0;
        let mut index = 0;
        let mut found = None;
        for (i, f) in fragments.iter().enumerate() {
            if ends_image(f) {
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
    if first >= last || last > fragments.len() {
        return Err(missing());
    }
    if last - first == 1 {
        Ok(Cow::Borrowed(&fragments[first]))
    } else {
        Ok(Cow::Owned(fragments[first..last].concat()))
    }
}

fn ends_image(f: &[u8]) -> bool {
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
