//! The hOCR reader: each `ocr_page` of an hOCR file as a [`LayoutPage`] (a file may hold
//! several pages: one document with a page break per page).
//!
//! - Regions: paragraphs (`ocr_par`), or content areas (`ocr_carea`) without paragraphs,
//!   in file order; photos and images are graphic regions.
//! - A line (`ocr_line`, `ocrx_line`, `ocr_header`, `ocr_caption`, `ocr_textfloat`) is its
//!   words (`ocrx_word`) joined with spaces, or its own text when it has no words.
//! - Boxes from `title="bbox x0 y0 x1 y1"`; the page image from the page's
//!   `image "…"` (relative to the file), its size from the page's bbox.
//! - `x_wconf` (0–100) → `word_confidence` (0–1); `x_confs` and the line's own `x_conf`
//!   → `confidence`; `<strong>`/`<b>` and `<em>`/`<i>` in words → `text_style`.
//! - Not kept, and counted: separators, character boxes, baselines and font sizes
//!   (`baseline`, `x_size`, `x_font`), outlines of areas whose paragraphs are kept.

use super::super::common::xml::El;
use super::super::import::ImportError;
use super::super::layout::{self, LayoutFormat, LayoutPage, Line, NotKept, Region};
use super::{AREA, GRAPHICS, LINES, PAGE, PARAGRAPH, SKIPPED, WORD, bbox, properties};
use std::path::Path;

/// Reads hOCR files and folders of them.
pub type HocrImporter = layout::LayoutImporter<HocrFormat>;

/// hOCR as a [`LayoutFormat`].
#[derive(Clone, Copy, Debug, Default)]
pub struct HocrFormat;

fn classes(e: &El) -> impl Iterator<Item = &str> {
    e.attr("class").unwrap_or_default().split_whitespace()
}

fn has_class(e: &El, c: &str) -> bool {
    classes(e).any(|x| x == c)
}

fn has_any(e: &El, cs: &[&str]) -> bool {
    classes(e).any(|x| cs.contains(&x))
}

fn outline(e: &El) -> Option<Vec<(f64, f64)>> {
    let (x0, y0, x1, y1) = bbox(e.attr("title").unwrap_or_default())?;
    Some(layout::box_points(x0, y0, x1 - x0, y1 - y0))
}

fn prop<'a>(e: &'a El, key: &str) -> Option<&'a str> {
    properties(e.attr("title").unwrap_or_default())
        .into_iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

impl LayoutFormat for HocrFormat {
    fn name(&self) -> &'static str {
        "hOCR"
    }

    fn id(&self) -> &'static str {
        "hocr"
    }

    fn label(&self) -> &'static str {
        "hOCR (Tesseract, Kraken)"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["hocr", "html", "htm", "xhtml"]
    }

    fn in_mets_group(&self, use_or_mime: &str) -> bool {
        use_or_mime.eq_ignore_ascii_case("text/vnd.hocr+html")
            || use_or_mime.to_ascii_uppercase().contains("HOCR")
    }

    fn is_own(&self, root: &El) -> bool {
        root.name == "html" && root.descendants().iter().any(|e| has_class(e, PAGE))
    }

    fn parse(&self, text: &str, file: &Path) -> Result<El, ImportError> {
        super::super::common::xml::parse_html(text, file)
    }

    fn pages(
        &self,
        root: &El,
        file: &Path,
        not_kept: &mut NotKept,
    ) -> Result<Vec<LayoutPage>, ImportError> {
        let mut pages = Vec::new();
        for page in root
            .descendants()
            .into_iter()
            .filter(|e| has_class(e, PAGE))
        {
            pages.push(read_page(page, file, not_kept));
        }
        if pages.is_empty() {
            return Err(ImportError::Invalid {
                path: file.to_path_buf(),
                message: "this hOCR file has no ocr_page".into(),
            });
        }
        Ok(pages)
    }
}

fn read_page(page: &El, file: &Path, not_kept: &mut NotKept) -> LayoutPage {
    let place = |e: &El| format!("{} line {}", file.display(), e.line);
    let title = page.attr("title").unwrap_or_default();
    let size = bbox(title)
        .map(|(_, _, x1, y1)| (x1, y1))
        .filter(|(w, h)| *w > 0.0 && *h > 0.0);
    let image = prop(page, "image")
        .map(str::to_owned)
        .filter(|s| !s.is_empty());
    let label = String::new();
    let mut regions = Vec::new();
    for e in page.descendants() {
        if has_class(e, PARAGRAPH)
            || (has_class(e, AREA) && !e.descendants().iter().any(|d| has_class(d, PARAGRAPH)))
        {
            regions.push(read_region(e, file, not_kept));
        } else if has_class(e, AREA) && e.attr("title").is_some() {
            not_kept.add(
                "hOCR outlines of content areas whose paragraphs are kept (ocr_carea)",
                place(e),
            );
        } else if has_any(e, GRAPHICS) {
            regions.push(Region {
                id: e.attr("id").unwrap_or_default().to_owned(),
                kind: classes(e)
                    .next()
                    .unwrap_or("image")
                    .trim_start_matches("ocr_")
                    .to_owned(),
                outline: outline(e),
                graphic: true,
                ..Region::default()
            });
        } else if let Some(c) = classes(e).find(|c| SKIPPED.contains(c)) {
            not_kept.add(format!("hOCR {c} elements"), place(e));
        }
    }
    // Lines outside any paragraph or area: one region of their own each.
    let inside: std::collections::HashSet<*const El> = page
        .descendants()
        .into_iter()
        .filter(|e| has_class(e, PARAGRAPH) || has_class(e, AREA))
        .flat_map(|r| r.descendants())
        .map(|d| d as *const El)
        .collect();
    for e in page.descendants() {
        if has_any(e, LINES) && !inside.contains(&(e as *const El)) {
            regions.push(Region {
                lines: vec![read_line(e, file, not_kept)],
                ..Region::default()
            });
        }
    }
    LayoutPage {
        file: file.to_path_buf(),
        image,
        image_file: None,
        size,
        label,
        regions,
    }
}

fn read_region(r: &El, file: &Path, not_kept: &mut NotKept) -> Region {
    let lines = r
        .descendants()
        .into_iter()
        .filter(|e| has_any(e, LINES))
        .map(|l| read_line(l, file, not_kept))
        .collect();
    Region {
        id: r.attr("id").unwrap_or_default().to_owned(),
        kind: if has_class(r, PARAGRAPH) {
            "paragraph"
        } else {
            ""
        }
        .to_owned(),
        outline: outline(r),
        confidence: None,
        lines,
        text: None,
        graphic: false,
    }
}

fn read_line(l: &El, file: &Path, not_kept: &mut NotKept) -> Line {
    let place = |e: &El| format!("{} line {}", file.display(), e.line);
    for k in [
        "baseline",
        "x_size",
        "x_descenders",
        "x_ascenders",
        "x_font",
        "x_fsize",
    ] {
        if prop(l, k).is_some() {
            not_kept.add(format!("hOCR line properties ({k})"), place(l));
        }
    }
    let words: Vec<&El> = l
        .descendants()
        .into_iter()
        .filter(|e| has_class(e, WORD))
        .collect();
    let mut text = String::new();
    let mut len = 0;
    let mut tags = Vec::new();
    let mut word_confidences = Vec::new();
    if words.is_empty() {
        text = l
            .all_text()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
    }
    for w in &words {
        let t = w
            .all_text()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if t.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push(' ');
            len += 1;
        }
        let start = len;
        text.push_str(&t);
        len += t.chars().count();
        if let Some(c) = prop(w, "x_wconf").and_then(|c| c.parse::<f64>().ok()) {
            word_confidences.push((t.clone(), c / 100.0));
        }
        let mut emph = Vec::new();
        for d in w.descendants() {
            match d.name.as_str() {
                "strong" | "b" if !emph.contains(&"bold") => emph.push("bold"),
                "em" | "i" if !emph.contains(&"italic") => emph.push("italic"),
                _ => {}
            }
        }
        if let Some(tag) = layout::style_tag(&emph, start, len) {
            tags.push(tag);
        }
        if w.descendants().iter().any(|d| has_any(d, SKIPPED)) {
            not_kept.add("hOCR character boxes (ocrx_cinfo)", place(w));
        }
    }
    let confidence = prop(l, "x_conf")
        .and_then(|c| c.parse::<f64>().ok())
        .map(|c| c / 100.0);
    Line {
        id: l.attr("id").unwrap_or_default().to_owned(),
        text,
        outline: outline(l),
        confidence,
        word_confidences,
        tags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interchange::common::xml::parse_html;

    #[test]
    fn tesseract_hocr() {
        let html = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><meta charset="utf-8"><title></title></head><body>
<div class='ocr_page' id='page_1' title='image "p1.png"; bbox 0 0 200 100; ppageno 0'>
 <div class='ocr_carea' id='block_1_1' title="bbox 10 10 190 60">
  <p class='ocr_par' id='par_1_1' title="bbox 10 10 190 60">
   <span class='ocr_line' id='line_1_1' title="bbox 10 10 190 30; baseline 0 -5; x_size 20">
    <span class='ocrx_word' id='word_1_1' title='bbox 10 10 60 30; x_wconf 91'>Was&nbsp;</span>
    <span class='ocrx_word' id='word_1_2' title='bbox 70 10 100 30; x_wconf 88'><strong>iſt</strong></span>
   </span>
  </p>
 </div>
 <div class='ocr_separator' title="bbox 0 70 200 72"></div>
</div></body></html>"#;
        let root = parse_html(html, Path::new("p.hocr")).unwrap();
        assert!(HocrFormat.is_own(&root));
        let mut nk = NotKept::default();
        let pages = HocrFormat
            .pages(&root, Path::new("p.hocr"), &mut nk)
            .unwrap();
        let p = &pages[0];
        assert_eq!(
            (p.image.as_deref(), p.size),
            (Some("p1.png"), Some((200.0, 100.0)))
        );
        assert_eq!(p.regions.len(), 1);
        let l = &p.regions[0].lines[0];
        assert_eq!(l.text, "Was iſt");
        assert_eq!(l.word_confidences[0], ("Was".to_owned(), 0.91));
        assert_eq!((l.tags[0].start, l.tags[0].end), (4, 7));
        assert_eq!(nk.count("hOCR ocr_separator elements"), 1);
        assert_eq!(nk.count("hOCR line properties (baseline)"), 1);
    }
}
