//! hOCR (OCR results in XHTML, as Tesseract, Kraken, OCRopus and Calamari write them): the
//! vocabulary (element classes, the `title` properties) and the reader ([`read`]). Import
//! only.

pub mod read;

pub use read::{HocrFormat, HocrImporter};

/// Classes of a page.
pub const PAGE: &str = "ocr_page";
/// Classes of a block of text: content areas, then paragraphs inside them.
pub const AREA: &str = "ocr_carea";
pub const PARAGRAPH: &str = "ocr_par";
/// Classes of a line of text.
pub const LINES: &[&str] = &[
    "ocr_line",
    "ocrx_line",
    "ocr_header",
    "ocr_caption",
    "ocr_textfloat",
];
/// Class of a word.
pub const WORD: &str = "ocrx_word";
/// Classes of regions without text, kept as graphic regions.
pub const GRAPHICS: &[&str] = &["ocr_photo", "ocr_image", "ocr_graphic", "ocr_float"];
/// Classes not kept (counted).
pub const SKIPPED: &[&str] = &["ocr_separator", "ocr_noise", "ocrx_cinfo", "ocr_cinfo"];

/// The properties of an hOCR `title`: `image "p1.png"; bbox 0 0 10 20; x_wconf 93`, as
/// (name, value) pairs with the value's quotes removed.
pub fn properties(title: &str) -> Vec<(&str, &str)> {
    title
        .split(';')
        .filter_map(|p| {
            let p = p.trim();
            let (k, v) = p.split_once(char::is_whitespace).unwrap_or((p, ""));
            (!k.is_empty()).then(|| (k, v.trim().trim_matches('"').trim_matches('\'')))
        })
        .collect()
}

/// The `bbox` of a `title` as (x0, y0, x1, y1).
pub fn bbox(title: &str) -> Option<(f64, f64, f64, f64)> {
    let v = properties(title).into_iter().find(|(k, _)| *k == "bbox")?.1;
    let n: Vec<f64> = v
        .split_whitespace()
        .map(|s| s.parse::<f64>().ok().filter(|x| x.is_finite()))
        .collect::<Option<_>>()?;
    match n.as_slice() {
        [a, b, c, d] => Some((*a, *b, *c, *d)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_properties() {
        let t = "image \"scans/p 1.png\"; bbox 0 0 1200 1800; ppageno 0";
        assert_eq!(properties(t)[0], ("image", "scans/p 1.png"));
        assert_eq!(bbox(t), Some((0.0, 0.0, 1200.0, 1800.0)));
        assert_eq!(bbox("bbox 1 2 3"), None);
    }
}
