//! Archive import speed and memory (issue 25). Prints, for generated inputs:
//!
//! - a text PDF of 30 and of 300 pages (45 lines a page, Helvetica): `text_s` (every
//!   page's text layer read), `total_s` (the import done: every page rendered at 150 dpi in
//!   the child process, files written, the project saved and checked), `pages_per_s`, and
//!   the child's `peak_rss_mb` — which stays about the same from 30 to 300 pages: memory is
//!   bounded per page, not per document;
//! - a PAGE XML file of 1,000 lines (50 regions of 20 lines, words with coordinates and
//!   confidences, a Transkribus tag per line) with its scan: `page_import_s`.
//!
//! Run: `cargo bench --bench archive_import` (release build; the PDF reader's child process
//! is `target/release/marginalia`, built with the bench).
#![allow(clippy::unwrap_used)]

#[path = "../tests/support/pdf.rs"]
#[allow(dead_code)]
mod pdf;

use marginalia::interchange::import::{self, Importer};
use marginalia::interchange::pdf::worker::{Record, extract};
use std::fmt::Write as _;
use std::time::Instant;

fn pdf_bench(pages: usize) {
    let bytes = pdf::pdf(&pdf::book(pages, 45), &pdf::Options::default());
    let mb = bytes.len() as f64 / 1e6;
    // The reader alone: when the text is ready, and the child's peak memory.
    let t = Instant::now();
    let mut text_s = 0.0;
    let mut peak = 0;
    let mut images = 0;
    extract(bytes.clone(), true, None, &mut |r| {
        match r {
            Record::Image { .. } => {
                if images == 0 {
                    text_s = t.elapsed().as_secs_f64();
                }
                images += 1;
            }
            Record::Memory { peak_kib } => peak = peak_kib,
            _ => {}
        }
        Ok(())
    })
    .unwrap();
    let reader_s = t.elapsed().as_secs_f64();
    // The whole import, as `marginalia import --format pdf` runs it.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("book.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let t = Instant::now();
    let importer = marginalia::interchange::pdf::PdfImporter::default();
    import::run_reporting(
        &importer,
        &file,
        &dir.path().join("proj"),
        &import::ImportOptions::default(),
    )
    .unwrap();
    let total_s = t.elapsed().as_secs_f64();
    println!(
        "pdf pages={pages} file_mb={mb:.1} text_s={text_s:.2} reader_s={reader_s:.2} total_s={total_s:.2} pages_per_s={:.1} peak_rss_mb={:.0} ({})",
        pages as f64 / total_s,
        peak as f64 / 1024.0,
        importer.label()
    );
}

fn page_bench() {
    let dir = tempfile::tempdir().unwrap();
    let (w, h) = (2_400u32, 3_400u32);
    image::RgbImage::from_pixel(w, h, image::Rgb([240, 235, 220]))
        .save(dir.path().join("scan.png"))
        .unwrap();
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PcGts xmlns=\"http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15\">\n<Page imageFilename=\"scan.png\" imageWidth=\"{w}\" imageHeight=\"{h}\">\n<ReadingOrder><OrderedGroup id=\"ro\">\n"
    );
    for r in 0..50 {
        let _ = writeln!(xml, "<RegionRefIndexed index=\"{r}\" regionRef=\"r{r}\"/>");
    }
    xml.push_str("</OrderedGroup></ReadingOrder>\n");
    for r in 0..50u32 {
        let y0 = 20 + r * 66;
        let _ = writeln!(
            xml,
            "<TextRegion id=\"r{r}\" type=\"paragraph\"><Coords points=\"10,{y0} 2390,{y0} 2390,{} 10,{}\"/>",
            y0 + 64,
            y0 + 64
        );
        for l in 0..20u32 {
            let y = y0 + l * 3;
            let words = [
                "Aufklärung",
                "iſt",
                "der",
                "Ausgang",
                "des",
                "Menſchen",
                "aus",
                "ſeiner",
            ];
            let mut text = String::new();
            let _ = write!(
                xml,
                "<TextLine id=\"l{r}_{l}\" custom=\"readingOrder {{index:{l};}} person {{offset:0; length:10;}}\"><Coords points=\"12,{y} 2388,{y} 2388,{} 12,{}\"/><Baseline points=\"12,{} 2388,{}\"/>",
                y + 3,
                y + 3,
                y + 2,
                y + 2
            );
            for (k, word) in words.iter().enumerate() {
                let x = 12 + k as u32 * 290;
                let _ = write!(
                    xml,
                    "<Word id=\"w{r}_{l}_{k}\"><Coords points=\"{x},{y} {},{y} {},{} {x},{}\"/><TextEquiv conf=\"0.9{k}\"><Unicode>{word}</Unicode></TextEquiv></Word>",
                    x + 280,
                    x + 280,
                    y + 3,
                    y + 3
                );
                if k > 0 {
                    text.push(' ');
                }
                text.push_str(word);
            }
            let _ = writeln!(
                xml,
                "<TextEquiv conf=\"0.87\"><Unicode>{text}</Unicode></TextEquiv></TextLine>"
            );
        }
        xml.push_str("</TextRegion>\n");
    }
    xml.push_str("</Page></PcGts>\n");
    let file = dir.path().join("page.xml");
    std::fs::write(&file, &xml).unwrap();
    let t = Instant::now();
    let importer = marginalia::interchange::page::PageImporter::default();
    import::run_reporting(
        &importer,
        &file,
        &dir.path().join("proj"),
        &import::ImportOptions::default(),
    )
    .unwrap();
    println!(
        "page lines=1000 words=8000 file_mb={:.1} page_import_s={:.3}",
        xml.len() as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
}

fn main() {
    page_bench();
    pdf_bench(30);
    pdf_bench(300);
}
