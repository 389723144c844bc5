//! Letters as PDF with the standard Helvetica fonts (no font file to ship; WinAnsi encoding covers
//! English and French). Text is wrapped with Helvetica's own advance widths, so that lines fill
//! the measure without running off the page; pdftotext (poppler) extracts it back.

use printpdf::{BuiltinFont, IndirectFontRef, Mm, PdfDocument, PdfDocumentReference};

use super::letter::{Block, Letter, PageSize};

/// Whether the PDF base fonts (WinAnsiEncoding) can show `c`.
pub(super) fn encodable(c: char) -> bool {
    matches!(c as u32, 0x20..=0x7E | 0xA0..=0xFF) || "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ".contains(c)
}

// Advance widths (1/1000 em) of ASCII 32..=126 in Helvetica and Helvetica-Bold, from the AFM files
// of URW's Nimbus Sans (metric-compatible with Helvetica), Debian fonts-urw-base35.
const REGULAR: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

fn width_em(c: char, bold: bool) -> f32 {
    let table = if bold { &BOLD } else { &REGULAR };
    let w = match c as u32 {
        n @ 32..=126 => table[(n - 32) as usize],
        // accented Latin letters are as wide as their base letter; take a wide one to be safe
        _ if c.is_uppercase() => 722,
        _ if c.is_alphabetic() => 556,
        _ => 1000,
    };
    f32::from(w) / 1000.0
}

/// Text width in mm at `size` points.
fn width_mm(s: &str, size: f32, bold: bool) -> f32 {
    let em: f32 = s.chars().map(|c| width_em(c, bold)).sum();
    em * size * 25.4 / 72.0
}

/// Greedy word wrap to `max` mm; a word longer than the line (a long URL) is cut.
fn wrap(text: &str, size: f32, bold: bool, max: f32) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width_mm(&candidate, size, bold) <= max {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        // a single word wider than the line: cut it
        let mut piece = String::new();
        for c in word.chars() {
            piece.push(c);
            if width_mm(&piece, size, bold) > max {
                piece.pop();
                out.push(std::mem::take(&mut piece));
                piece.push(c);
            }
        }
        line = piece;
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

struct Writer {
    doc: PdfDocumentReference,
    regular: IndirectFontRef,
    bold: IndirectFontRef,
    layer: printpdf::PdfLayerReference,
    w: f32,
    h: f32,
    y: f32,
}

const MARGIN: f32 = 22.0;
const BODY: f32 = 10.5;

impl Writer {
    fn measure(&self) -> f32 {
        self.w - 2.0 * MARGIN
    }

    fn new_page(&mut self) {
        let (p, l) = self.doc.add_page(Mm(self.w), Mm(self.h), "text");
        self.layer = self.doc.get_page(p).get_layer(l);
        self.y = self.h - MARGIN;
    }

    /// One line of text at the cursor, moving down a line first (to a new page at the bottom);
    /// `prefix` (a bullet) goes in the indent.
    fn line(&mut self, text: &str, size: f32, bold: bool, indent: f32, prefix: &str) {
        let lead = size * 0.3528 * 1.35;
        if self.y - lead < MARGIN {
            self.new_page();
        }
        self.y -= lead;
        let font = if bold { &self.bold } else { &self.regular };
        if !prefix.is_empty() {
            self.layer
                .use_text(prefix, size, Mm(MARGIN + indent - 4.0), Mm(self.y), font);
        }
        self.layer
            .use_text(text, size, Mm(MARGIN + indent), Mm(self.y), font);
    }

    fn para(&mut self, text: &str, size: f32, bold: bool, indent: f32, bullet: &str) {
        let max = self.measure() - indent;
        for (i, l) in wrap(text, size, bold, max).iter().enumerate() {
            self.line(l, size, bold, indent, if i == 0 { bullet } else { "" });
        }
    }

    fn gap(&mut self, mm: f32) {
        self.y -= mm;
    }

    /// A new page unless `mm` more fit above the bottom margin: a heading keeps with the first
    /// lines of its text, the closing with the signature.
    fn keep(&mut self, mm: f32) {
        if self.y - mm < MARGIN {
            self.new_page();
        }
    }
}

/// Write `letter` as PDF bytes.
pub(super) fn render(letter: &Letter) -> crate::Result<Vec<u8>> {
    let (w, h) = match letter.page {
        PageSize::A4 => (210.0, 297.0),
        PageSize::UsLetter => (215.9, 279.4),
    };
    let pdf_err = |e: printpdf::Error| crate::Error::Storage(format!("PDF: {e}"));
    // the document title is generic: no patient data in metadata
    let (doc, p, l) = PdfDocument::new("Letter", Mm(w), Mm(h), "text");
    let regular = doc
        .add_builtin_font(BuiltinFont::Helvetica)
        .map_err(pdf_err)?;
    let bold = doc
        .add_builtin_font(BuiltinFont::HelveticaBold)
        .map_err(pdf_err)?;
    let layer = doc.get_page(p).get_layer(l);
    let mut wr = Writer {
        doc,
        regular,
        bold,
        layer,
        w,
        h,
        y: h - MARGIN,
    };
    for s in &letter.sender {
        wr.para(s, BODY, false, 0.0, "");
    }
    wr.gap(5.0);
    wr.para(&letter.date, BODY, false, 0.0, "");
    wr.gap(5.0);
    for s in &letter.recipient {
        wr.para(s, BODY, false, 0.0, "");
    }
    wr.gap(6.0);
    wr.para(&letter.subject, BODY + 0.5, true, 0.0, "");
    wr.gap(4.0);
    wr.para(&letter.salutation, BODY, false, 0.0, "");
    wr.gap(2.5);
    for b in &letter.body {
        match b {
            Block::Heading(t) => {
                // the heading and at least three lines of what follows
                wr.keep(4.0 * BODY * 0.3528 * 1.35 + 1.5);
                wr.gap(1.5);
                wr.para(t, BODY, true, 0.0, "");
            }
            Block::Para(t) => {
                wr.para(t, BODY, false, 0.0, "");
                wr.gap(2.5);
            }
            Block::Bullets(items) => {
                for i in items {
                    wr.para(i, BODY, false, 5.0, "-");
                }
                wr.gap(2.5);
            }
            Block::Lines(ls) => {
                for s in ls {
                    wr.para(s, BODY, false, 5.0, "");
                }
                wr.gap(2.5);
            }
        }
    }
    wr.gap(2.0);
    let lines = 2.0 + letter.signature.len() as f32;
    wr.keep(lines * BODY * 0.3528 * 1.35 + 12.0);
    wr.para(&letter.closing, BODY, false, 0.0, "");
    wr.gap(10.0);
    for s in &letter.signature {
        wr.para(s, BODY, false, 0.0, "");
    }
    wr.gap(8.0);
    for s in &letter.footer {
        wr.para(s, 7.5, false, 0.0, "");
    }
    wr.doc.save_to_bytes().map_err(pdf_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_fits_the_measure_and_keeps_every_word() {
        let text = "Please provide the complete studies as original DICOM files, not screenshots or JPEGs, by secure download link. https://www.example.org/a/very/long/address/that/does/not/fit/on/one/line/at/all/whatever/the/size";
        let lines = wrap(text, 10.5, false, 80.0);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(width_mm(l, 10.5, false) <= 80.0, "{l}");
        }
        let joined: String = lines.concat().split_whitespace().collect();
        let orig: String = text.split_whitespace().collect();
        assert_eq!(joined, orig);
    }

    #[test]
    fn winansi_covers_french_and_not_cjk() {
        assert!("Zoé, né(e) le 1er août; garçon « ».".chars().all(encodable));
        assert!(!encodable('王'));
        assert!(!encodable('\u{0142}')); // ł: Polish, not in WinAnsi
    }

    #[test]
    fn widths_are_helvetica() {
        // Helvetica: 'i' 222, 'm' 833, 'W' 944, space 278
        assert_eq!(width_em('i', false), 0.222);
        assert_eq!(width_em('m', false), 0.833);
        assert_eq!(width_em('W', false), 0.944);
        assert_eq!(width_em(' ', true), 0.278);
    }
}
