//! PDF: the text layer in reading order and each page rendered to a page image, read with
//! the `hayro` crates (pure Rust; see `docs/interchange-pdf.md` for why these). Import only.
//!
//! - [`text`]: the text layer, from the glyphs the interpreter draws (with their Unicode
//!   values and positions), in the order the page draws them, grouped into lines.
//! - [`render`]: a page at reading resolution, as PNG (text pages) or JPEG (scans).
//! - [`worker`]: both run in a child process of our own binary with a memory limit and a
//!   time limit, so a hostile file cannot take the application down or hang it.
//! - [`read`]: the importer: one document per PDF, page breaks labelled as the PDF labels
//!   its pages, page images written beside the text.

pub mod read;
pub mod render;
pub mod text;
pub mod worker;

pub use read::PdfImporter;

use hayro::hayro_syntax::Pdf;
use hayro::hayro_syntax::object::{Array, Dict, Name, Object};

/// The largest PDF read.
pub const MAX_PDF_BYTES: u64 = 512 << 20;
/// The most pages a PDF may have.
pub const MAX_PAGES: usize = 10_000;
/// Pages are rendered at this resolution, dots per inch …
pub const RENDER_DPI: f32 = 150.0;
/// … with the longer side at most this many pixels, and at least [`MIN_SIDE`].
pub const MAX_SIDE: f32 = 2_400.0;
pub const MIN_SIDE: f32 = 800.0;

/// Why a PDF is refused (the file is named by the caller).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum PdfError {
    #[error(
        "the PDF is encrypted (password-protected or restricted); Marginalia reads only unencrypted PDFs: remove the protection with the owner's permission and import it again"
    )]
    Encrypted,
    #[error("not a PDF, or damaged beyond repair")]
    Broken,
    #[error("the PDF has no pages")]
    NoPages,
    #[error(
        "the PDF has {0} pages, more than the {MAX_PAGES} Marginalia imports at once; split it"
    )]
    TooManyPages(usize),
    #[error("reading the PDF failed: {0}")]
    Failed(String),
}

/// Opens `data` as a PDF, refusing encrypted and broken files.
pub fn open(data: std::sync::Arc<Vec<u8>>) -> Result<Pdf, PdfError> {
    use hayro::hayro_syntax::LoadPdfError;
    let pdf = match Pdf::new(data.clone()) {
        Ok(p) => p,
        Err(LoadPdfError::Decryption(_)) => return Err(PdfError::Encrypted),
        Err(LoadPdfError::Invalid) => return Err(PdfError::Broken),
    };
    // A PDF encrypted with an empty user password opens without one; a password no file
    // has tells it apart from an unencrypted one.
    if let Err(LoadPdfError::Decryption(_)) =
        Pdf::new_with_password(data, "\u{1}marginalia-not-a-password\u{1}")
    {
        return Err(PdfError::Encrypted);
    }
    let n = pdf.pages().len();
    if n == 0 {
        return Err(PdfError::NoPages);
    }
    if n > MAX_PAGES {
        return Err(PdfError::TooManyPages(n));
    }
    Ok(pdf)
}

/// A PDF text string: UTF-16BE with a byte-order mark, UTF-8 with one (PDF 2.0), else
/// PDFDocEncoding (Latin-1 for the characters documents use).
pub fn text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// The labels of the PDF's pages (`/PageLabels` in the catalog: decimal, roman or letter
/// numbers with a prefix, from a start value), one per page; empty strings when the PDF
/// labels none.
pub fn page_labels(pdf: &Pdf) -> Vec<String> {
    let n = pdf.pages().len();
    let xref = pdf.xref();
    let Some(root) = xref.get::<Dict<'_>>(xref.root_id()) else {
        return vec![String::new(); n];
    };
    let Some(tree) = root.get::<Dict<'_>>(b"PageLabels") else {
        return vec![String::new(); n];
    };
    // (first page index, label dict) from the number tree, kids followed to a fixed depth.
    let mut ranges: Vec<(usize, Dict<'_>)> = Vec::new();
    let mut stack = vec![(tree, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        if let Some(nums) = node.get::<Array<'_>>(b"Nums") {
            let items: Vec<Object<'_>> = nums.iter::<Object<'_>>().collect();
            for pair in items.chunks(2) {
                if let [Object::Number(k), Object::Dict(d)] = pair {
                    let k = k.as_f64();
                    if k >= 0.0 && k < n as f64 {
                        // In range and not negative, so the cast is exact.
                        ranges.push((k as usize, d.clone()));
                    }
                }
            }
        }
        if depth < 16
            && let Some(kids) = node.get::<Array<'_>>(b"Kids")
        {
            stack.extend(kids.iter::<Dict<'_>>().map(|k| (k, depth + 1)));
        }
    }
    if ranges.is_empty() {
        return vec![String::new(); n];
    }
    ranges.sort_by_key(|r| r.0);
    let mut out = vec![String::new(); n];
    for (i, (first, d)) in ranges.iter().enumerate() {
        let end = ranges.get(i + 1).map_or(n, |r| r.0);
        let style = d.get::<Name<'_>>(b"S").map(|s| s.as_ref().to_vec());
        let prefix = d
            .get::<hayro::hayro_syntax::object::String<'_>>(b"P")
            .map(|p| text_string(p.as_bytes()))
            .unwrap_or_default();
        let start = d.get::<i64>(b"St").unwrap_or(1).max(1);
        for (k, slot) in out.iter_mut().enumerate().take(end).skip(*first) {
            let v = start.saturating_add((k - first) as i64);
            let number = match style.as_deref() {
                Some(b"D") => v.to_string(),
                Some(b"R") => roman(v).to_uppercase(),
                Some(b"r") => roman(v),
                Some(b"A") => letters(v).to_uppercase(),
                Some(b"a") => letters(v),
                _ => String::new(),
            };
            *slot = format!("{prefix}{number}");
        }
    }
    out
}

/// Lowercase roman numerals (up to 3999; larger values in decimal).
fn roman(mut v: i64) -> String {
    if !(1..4000).contains(&v) {
        return v.to_string();
    }
    let table = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut s = String::new();
    for (n, r) in table {
        while v >= n {
            s.push_str(r);
            v -= n;
        }
    }
    s
}

/// PDF letter numbering: a … z, aa … zz, aaa …
fn letters(v: i64) -> String {
    if v < 1 {
        return v.to_string();
    }
    let v = v.min(26 * 1000) - 1;
    let c = char::from(b'a' + (v % 26) as u8);
    std::iter::repeat_n(c, (v / 26 + 1) as usize).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering() {
        assert_eq!(roman(1984), "mcmlxxxiv");
        assert_eq!(roman(4), "iv");
        assert_eq!(letters(1), "a");
        assert_eq!(letters(28), "bb");
        assert_eq!(text_string(b"\xfe\xff\x04\x1a\x00a"), "Кa");
        assert_eq!(text_string(b"caf\xe9"), "café");
    }
}
