//! Fuzz the DICOMweb multipart/related parser (`scanpass_core::import::multipart`): it reads a
//! provider's response, bytes from outside. Input: a first line taken as the response's
//! Content-Type, the rest as its body.
//!
//! Checked beyond "no panic": every part lies inside the body, parts are in order and do not
//! overlap, and indexing the body through a reader that hands out bytes in odd-sized pieces (as a
//! network or a file does) finds exactly what indexing it in one piece finds.
#![no_main]

use std::io::Read;

use libfuzzer_sys::fuzz_target;
use scanpass_core::import::multipart;

/// Hands out the body in pieces whose sizes cycle through `sizes`.
struct Pieces<'a> {
    data: &'a [u8],
    sizes: &'a [u8],
    turn: usize,
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = if self.sizes.is_empty() {
            buf.len()
        } else {
            self.sizes[self.turn % self.sizes.len()] as usize + 1
        };
        self.turn += 1;
        let n = want.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let content_type = String::from_utf8_lossy(&data[..split]);
    let body = data.get(split + 1..).unwrap_or(&[]);
    let Ok(parsed) = multipart::parse(body, &content_type) else {
        return;
    };
    let mut end = 0u64;
    for p in &parsed.parts {
        assert!(p.offset >= end, "parts overlap or go backwards");
        end = p.offset + p.len;
        assert!(end <= body.len() as u64, "a part past the end of the body");
    }
    let boundary = multipart::boundary(&content_type).expect("parse found a boundary");
    let whole = multipart::index(body, &boundary);
    let sizes = &body[..body.len().min(7)];
    let pieces = multipart::index(
        Pieces {
            data: body,
            sizes,
            turn: 0,
        },
        &boundary,
    );
    assert_eq!(whole, pieces, "the result depends on how the bytes arrive");
});
