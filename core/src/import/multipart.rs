//! A small multipart/related parser (RFC 2046 section 5.1, as DICOMweb WADO-RS uses it: one DICOM
//! instance a part). It reads bytes from outside, so it never panics, never trusts a length, and
//! keeps memory bounded: [`index`] streams the body through a 64 KiB window and returns where each
//! part is, so that a multi-gigabyte study is indexed in place on disk and read one part at a time.
//! A fuzz target drives [`parse`] (`fuzz/fuzz_targets/multipart.rs`).
//!
//! Lenient where servers differ: a lone LF is accepted where CRLF belongs, transport padding after
//! a boundary is skipped, preamble and epilogue are ignored, a part without headers is allowed.
//! Part headers are not interpreted beyond Content-Type (a DICOM part is recognised by its bytes).

use std::io::{self, Read, Seek, SeekFrom};

use memchr::memmem;

/// Bytes read at a time.
const CHUNK: usize = 64 << 10;
/// Longest part header block.
pub const MAX_HEAD: usize = 16 << 10;
/// Most parts in one body (a study of 500 000 images is far past any real one).
pub const MAX_PARTS: usize = 500_000;
/// Longest boundary accepted (RFC 2046 allows 70; some servers go a little over).
const MAX_BOUNDARY: usize = 200;
/// Transport padding (spaces, tabs) allowed after a boundary.
const MAX_PADDING: usize = 128;

/// What is wrong with a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MultipartError {
    /// The Content-Type is not multipart or names no usable boundary.
    NoBoundary,
    /// No boundary line in the body.
    NoParts,
    /// More than [`MAX_PARTS`] parts.
    TooManyParts,
    /// A part's header block does not end within [`MAX_HEAD`] bytes.
    HeadTooLong,
    /// Reading the body failed.
    Io(String),
}

impl std::fmt::Display for MultipartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoBoundary => write!(f, "a multipart response without a usable boundary"),
            Self::NoParts => write!(f, "a multipart response with no parts"),
            Self::TooManyParts => write!(f, "a multipart response with over {MAX_PARTS} parts"),
            Self::HeadTooLong => write!(f, "a part's headers run over {MAX_HEAD} bytes"),
            Self::Io(e) => write!(f, "cannot read the response: {e}"),
        }
    }
}

/// One part: where its body is, and its Content-Type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Offset of the body (after the part's headers) from the start of the multipart body.
    pub offset: u64,
    pub len: u64,
    /// The part's Content-Type, as sent (at most 200 characters).
    pub content_type: Option<String>,
}

/// Parts found in a body, and whether it ended before its closing boundary (a cut download: the
/// unterminated last part is left out).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parts {
    pub parts: Vec<Part>,
    pub truncated: bool,
}

/// Whether a Content-Type is multipart (any subtype).
pub fn is_multipart(content_type: &str) -> bool {
    media_type(content_type).starts_with("multipart/")
}

/// The media type of a Content-Type (lower case, no parameters).
pub fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// A parameter of a Content-Type (name compared case-insensitively; quoted strings unquoted).
pub fn param(content_type: &str, name: &str) -> Option<String> {
    let mut rest = content_type.split_once(';')?.1;
    loop {
        let (key, after) = rest.split_once('=')?;
        let key = key.trim().trim_start_matches(';').trim();
        let after = after.trim_start();
        let (value, next) = if let Some(q) = after.strip_prefix('"') {
            // quoted-string: up to the next unescaped quote
            let mut value = String::new();
            let mut chars = q.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, e)) = chars.next() {
                            value.push(e);
                        }
                    }
                    '"' => {
                        end = Some(i + 1);
                        break;
                    }
                    c => value.push(c),
                }
            }
            let next = match end {
                Some(e) => q.get(e..).unwrap_or(""),
                None => "",
            };
            (value, next.split_once(';').map(|x| x.1))
        } else {
            match after.split_once(';') {
                Some((v, n)) => (v.trim().to_string(), Some(n)),
                None => (after.trim().to_string(), None),
            }
        };
        if key.eq_ignore_ascii_case(name) {
            return Some(value);
        }
        rest = next?;
    }
}

/// The boundary of a multipart Content-Type, checked for length and line breaks.
pub fn boundary(content_type: &str) -> Result<String, MultipartError> {
    if !is_multipart(content_type) {
        return Err(MultipartError::NoBoundary);
    }
    let b = param(content_type, "boundary").ok_or(MultipartError::NoBoundary)?;
    if b.is_empty() || b.len() > MAX_BOUNDARY || b.bytes().any(|c| c == b'\r' || c == b'\n') {
        return Err(MultipartError::NoBoundary);
    }
    Ok(b)
}

/// Parse an in-memory body (tests and fuzzing; the import indexes a file with [`parts`]).
pub fn parse(body: &[u8], content_type: &str) -> Result<Parts, MultipartError> {
    let b = boundary(content_type)?;
    parts(&mut io::Cursor::new(body), &b)
}

/// Index the body in `r` (from its start) and read each part's headers.
pub fn parts<R: Read + Seek>(r: &mut R, boundary: &str) -> Result<Parts, MultipartError> {
    r.seek(SeekFrom::Start(0)).map_err(io_err)?;
    let (spans, truncated) = index(&mut *r, boundary)?;
    let mut parts = Vec::with_capacity(spans.len());
    let mut head = Vec::with_capacity(MAX_HEAD);
    for (start, end) in spans {
        let len = end.saturating_sub(start);
        r.seek(SeekFrom::Start(start)).map_err(io_err)?;
        head.clear();
        (&mut *r)
            .take(len.min(MAX_HEAD as u64))
            .read_to_end(&mut head)
            .map_err(io_err)?;
        let (head_len, content_type) = parse_head(&head)?;
        let head_len = (head_len as u64).min(len);
        parts.push(Part {
            offset: start + head_len,
            len: len - head_len,
            content_type,
        });
    }
    Ok(Parts { parts, truncated })
}

/// Where each part is (start after its boundary line, end before the next boundary), streaming
/// `r` through a bounded window; and whether the body ended before its closing boundary.
pub fn index<R: Read>(mut r: R, boundary: &str) -> Result<(Vec<(u64, u64)>, bool), MultipartError> {
    let mut needle = Vec::with_capacity(boundary.len() + 3);
    needle.extend_from_slice(b"\n--");
    needle.extend_from_slice(boundary.as_bytes());
    let finder = memmem::Finder::new(&needle);
    // The window starts with a virtual LF so that a boundary on the very first line is found like
    // any other: window[i] is at body offset base + i - 1.
    let mut window: Vec<u8> = Vec::with_capacity(CHUNK + needle.len() + MAX_PADDING + 8);
    window.push(b'\n');
    let mut base: u64 = 0;
    let mut from = 0usize;
    let mut eof = false;
    let mut spans = Vec::new();
    let mut open: Option<u64> = None; // start of the part being read
    let lookahead = needle.len() + MAX_PADDING + 2;
    loop {
        let hit = window
            .get(from..)
            .and_then(|w| finder.find(w))
            .map(|i| i + from);
        match hit {
            Some(i) => {
                if !eof && window.len() < i + lookahead {
                    eof = fill(&mut r, &mut window)?;
                    from = i;
                    continue;
                }
                let after = i + needle.len();
                let at = |k: usize| window.get(k).copied();
                // the CRLF (or LF) before the dashes belongs to the boundary
                let mut delim = i;
                if i > 0 && at(i - 1) == Some(b'\r') {
                    delim = i - 1;
                }
                let delim_offset = (base + delim as u64).saturating_sub(1);
                if at(after) == Some(b'-') && at(after + 1) == Some(b'-') {
                    if let Some(start) = open.take() {
                        spans.push((start, delim_offset.max(start)));
                    }
                    return finish(spans, false);
                }
                let mut k = after;
                while k < after + MAX_PADDING && matches!(at(k), Some(b' ' | b'\t')) {
                    k += 1;
                }
                let line_end = match (at(k), at(k + 1)) {
                    (Some(b'\r'), Some(b'\n')) => Some(k + 2),
                    (Some(b'\n'), _) => Some(k + 1),
                    // the body ends right after a boundary: an empty last part, then nothing
                    (None, _) if eof => Some(k),
                    _ => None,
                };
                let Some(line_end) = line_end else {
                    // the boundary text followed by something else: not a boundary line
                    from = i + 1;
                    continue;
                };
                if let Some(start) = open.take() {
                    spans.push((start, delim_offset.max(start)));
                    if spans.len() > MAX_PARTS {
                        return Err(MultipartError::TooManyParts);
                    }
                }
                open = Some((base + line_end as u64).saturating_sub(1));
                from = line_end;
            }
            None => {
                if eof {
                    break;
                }
                // Every start before the last needle.len() bytes was searched: keep only the
                // tail a boundary may begin in, and the byte before it (a CR that belongs to it).
                let keep = needle.len() + 1;
                let drop = window.len().saturating_sub(keep);
                window.drain(..drop);
                base += drop as u64;
                from = from.saturating_sub(drop).min(window.len());
                eof = fill(&mut r, &mut window)?;
            }
        }
    }
    // no closing boundary: the part that was open is cut short, and left out
    let truncated = open.is_some();
    finish(spans, truncated)
}

fn finish(
    spans: Vec<(u64, u64)>,
    truncated: bool,
) -> Result<(Vec<(u64, u64)>, bool), MultipartError> {
    if spans.is_empty() && !truncated {
        return Err(MultipartError::NoParts);
    }
    Ok((spans, truncated))
}

/// Read one chunk onto the window; true at end of input.
fn fill<R: Read>(r: &mut R, window: &mut Vec<u8>) -> Result<bool, MultipartError> {
    let old = window.len();
    window.resize(old + CHUNK, 0);
    loop {
        match r.read(&mut window[old..]) {
            Ok(n) => {
                window.truncate(old + n);
                return Ok(n == 0);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                window.truncate(old);
                return Err(io_err(e));
            }
        }
    }
}

/// The length of a part's header block (including the blank line that ends it) and its
/// Content-Type. `head` is the start of the part.
pub fn parse_head(head: &[u8]) -> Result<(usize, Option<String>), MultipartError> {
    // no headers at all: the part starts with the blank line
    let end = if head.starts_with(b"\r\n") {
        2
    } else if head.starts_with(b"\n") {
        1
    } else {
        let crlf = memmem::find(head, b"\r\n\r\n").map(|i| i + 4);
        let lf = memmem::find(head, b"\n\n").map(|i| i + 2);
        match (crlf, lf) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => {
                if head.len() >= MAX_HEAD {
                    return Err(MultipartError::HeadTooLong);
                }
                // a part that is all header and no body (or cut): nothing to read
                head.len()
            }
        }
    };
    let block = head.get(..end).unwrap_or(head);
    let mut content_type = None;
    for line in block.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (name, value) = line.split_at(colon);
        if name.trim_ascii().eq_ignore_ascii_case(b"content-type") {
            let v = String::from_utf8_lossy(value.get(1..).unwrap_or(b"").trim_ascii());
            content_type = Some(v.chars().take(200).collect());
        }
    }
    Ok((end, content_type))
}

fn io_err(e: io::Error) -> MultipartError {
    MultipartError::Io(e.kind().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CT: &str = "multipart/related; type=\"application/dicom\"; boundary=\"b0und-ary\"";

    fn bodies(p: &Parts, body: &[u8]) -> Vec<Vec<u8>> {
        p.parts
            .iter()
            .map(|x| body[x.offset as usize..(x.offset + x.len) as usize].to_vec())
            .collect()
    }

    fn body(parts: &[&[u8]]) -> Vec<u8> {
        let mut b = b"preamble to ignore\r\n".to_vec();
        for p in parts {
            b.extend_from_slice(b"--b0und-ary\r\nContent-Type: application/dicom\r\n\r\n");
            b.extend_from_slice(p);
            b.extend_from_slice(b"\r\n");
        }
        b.extend_from_slice(b"--b0und-ary--\r\nepilogue");
        b
    }

    #[test]
    fn content_type_parameters() {
        assert_eq!(boundary(CT).unwrap(), "b0und-ary");
        assert_eq!(
            boundary("Multipart/Related; Boundary=abc ; type=application/dicom").unwrap(),
            "abc"
        );
        assert_eq!(
            param(r#"multipart/related; a="x;\"y"; boundary=z"#, "a").unwrap(),
            "x;\"y"
        );
        assert_eq!(
            param(r#"multipart/related; a="x;\"y"; boundary=z"#, "boundary").unwrap(),
            "z"
        );
        assert_eq!(
            param("multipart/related; type=\"application/dicom\"", "type").unwrap(),
            "application/dicom"
        );
        for bad in [
            "application/zip; boundary=x",
            "multipart/related",
            "multipart/related; boundary=",
            "multipart/related; boundary=\"\"",
            "multipart/related; boundary=\"unterminated",
            "multipart/related; boundary",
            "multipart/related;;;",
        ] {
            assert!(
                boundary(bad).is_err() || bad.contains("unterminated"),
                "{bad}"
            );
        }
        assert_eq!(
            boundary("multipart/related; boundary=\"unterminated").unwrap(),
            "unterminated"
        );
        assert_eq!(
            boundary(&format!("multipart/related; boundary={}", "x".repeat(201))),
            Err(MultipartError::NoBoundary)
        );
    }

    #[test]
    fn well_formed_bodies() {
        let big = vec![0xA5u8; 200_000]; // spans several windows
        let parts: Vec<&[u8]> = vec![b"first", b"", &big, b"\r\n--b0und-ar not a boundary", b"x"];
        let b = body(&parts);
        let p = parse(&b, CT).unwrap();
        assert!(!p.truncated);
        assert_eq!(
            bodies(&p, &b),
            parts.iter().map(|x| x.to_vec()).collect::<Vec<_>>()
        );
        assert_eq!(
            p.parts[0].content_type.as_deref(),
            Some("application/dicom")
        );

        // first line is the boundary, LF only, no headers, padding after the boundary
        let b = b"--b0und-ary \t\n\nhello\n--b0und-ary\nX-A: 1\n\nworld\n--b0und-ary--";
        let p = parse(b, CT).unwrap();
        assert_eq!(bodies(&p, b), vec![b"hello".to_vec(), b"world".to_vec()]);
        assert_eq!(p.parts[1].content_type, None);
    }

    #[test]
    fn every_split_of_the_input_gives_the_same_parts() {
        // a reader that returns one byte at a time exercises every window boundary
        struct Dribble<'a>(&'a [u8]);
        impl Read for Dribble<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0.is_empty() || buf.is_empty() {
                    return Ok(0);
                }
                buf[0] = self.0[0];
                self.0 = &self.0[1..];
                Ok(1)
            }
        }
        let b = body(&[b"one", b"two\r\n", b"--b0und-ary-no"]);
        let whole = index(&b[..], "b0und-ary").unwrap();
        let dribbled = index(Dribble(&b), "b0und-ary").unwrap();
        assert_eq!(whole, dribbled);
        assert_eq!(whole.0.len(), 3);
    }

    #[test]
    fn malformed_bodies_are_errors_not_panics() {
        let cases: Vec<(&[u8], Result<usize, MultipartError>)> = vec![
            (b"", Err(MultipartError::NoParts)),
            (b"no boundary anywhere", Err(MultipartError::NoParts)),
            (b"--b0und-ary--", Err(MultipartError::NoParts)),
            (
                b"--b0und-aryX\r\nnot a boundary line",
                Err(MultipartError::NoParts),
            ),
            // cut short: the open part is dropped and the body is flagged
            (b"--b0und-ary\r\n\r\ncut", Ok(0)),
            (b"--b0und-ary\r\n\r\nA\r\n--b0und-ary\r\n\r\ncut", Ok(1)),
            // boundary at the very end, no closing dashes
            (b"--b0und-ary\r\n\r\nA\r\n--b0und-ary", Ok(1)),
            // "--b0und-ary-" is not a boundary line: the part never ends
            (b"--b0und-ary\r\n\r\nA\r\n--b0und-ary-", Ok(0)),
            // headers never end: a part with no body
            (b"--b0und-ary\r\nContent-Type: x\r\n--b0und-ary--", Ok(1)),
            // the CRLF ending a boundary line cannot start the next one: one part, whose body
            // is "--b0und-ary"
            (
                b"\r\n\r\n--b0und-ary\r\n--b0und-ary\r\n--b0und-ary--",
                Ok(1),
            ),
            (
                b"--b0und-ary\r--b0und-ary\n\n--b0und-ary--\r\n",
                Err(MultipartError::NoParts),
            ),
        ];
        for (b, want) in cases {
            let got = parse(b, CT).map(|p| p.parts.len());
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(b));
            if let Ok(p) = parse(b, CT) {
                for x in &p.parts {
                    assert!(x.offset + x.len <= b.len() as u64);
                }
            }
        }
        let cut = parse(b"--b0und-ary\r\n\r\nA\r\n--b0und-ary\r\n\r\ncut", CT).unwrap();
        assert!(cut.truncated);
        // a header block that never ends within the limit
        let mut long = b"--b0und-ary\r\n".to_vec();
        long.extend(std::iter::repeat_n(b'h', MAX_HEAD + 10));
        long.extend_from_slice(b"\r\n--b0und-ary--");
        assert_eq!(parse(&long, CT), Err(MultipartError::HeadTooLong));
        // a wrong content type
        assert_eq!(
            parse(b"--x\r\n\r\nA\r\n--x--", "application/dicom"),
            Err(MultipartError::NoBoundary)
        );
    }

    #[test]
    fn pseudo_random_inputs_never_panic() {
        // a cheap in-tree fuzz: mutate a valid body byte by byte with a fixed-seed generator
        let base = body(&[b"abc", b"defgh", b""]);
        let mut state = 0x9E3779B97F4A7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3000 {
            let mut b = base.clone();
            for _ in 0..(next() % 6) {
                let at = (next() as usize) % (b.len() + 1);
                match next() % 3 {
                    0 if at < b.len() => b[at] = next() as u8,
                    1 => b.insert(at, [b'\r', b'\n', b'-', b'b'][(next() % 4) as usize]),
                    _ => b.truncate(at),
                }
            }
            if let Ok(p) = parse(&b, CT) {
                for x in &p.parts {
                    assert!(x.offset + x.len <= b.len() as u64);
                }
            }
        }
    }
}
