//! Bringing the archive in (issue 25): PDF, PAGE XML, ALTO, hOCR and IIIF imports, and the
//! IIIF export. Everything here runs on generated files (a PDF writer, PAGE/ALTO/hOCR
//! written in the test, an IIIF level-0 image tree served from 127.0.0.1 by a small server
//! in the test). The real HTR pages of `../shared/corpora/htr` are compared in the ignored
//! test `kant_page_and_alto_give_the_same_text_and_line_regions`
//! (`.ci/checks/archive_import.sh`).
#![allow(clippy::unwrap_used)]

mod support;

use marginalia::interchange::export::{ExportOptions, Exporter};
use marginalia::interchange::import::{self, Importer};
use marginalia::interchange::layout::{self, Group};
use marginalia::model::region::Shape;
use marginalia::model::{Document, Project};
use marginalia::store;
use std::path::{Path, PathBuf};
use support::pdf::{Options, Page, book, pdf};

/// Imports `source` into a new project and loads it back: the project, what was not kept
/// (the report's grouped lines) and the project folder.
fn import_ok(importer: &dyn Importer, source: &Path) -> (Project, Vec<String>, PathBuf) {
    let out = tempfile::tempdir().unwrap().keep();
    let dest = out.join("proj");
    let done =
        import::run_reporting(importer, source, &dest, &import::ImportOptions::default()).unwrap();
    let (file, not_kept) = (done.project_file, done.report.grouped());
    let loaded = store::load(&file).unwrap();
    let errors: Vec<_> = loaded
        .problems
        .iter()
        .filter(|p| p.severity == marginalia::model::validate::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    (loaded.project, not_kept, dest)
}

fn only_doc(p: &Project) -> &Document {
    assert_eq!(p.documents.len(), 1);
    p.documents.values().next().unwrap()
}

fn text(d: &Document) -> &str {
    d.text.as_ref().unwrap().as_str()
}

fn png(path: &Path, w: u32, h: u32) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    image::RgbImage::from_pixel(w, h, image::Rgb([250, 250, 240]))
        .save(path)
        .unwrap();
}

// ---------------------------------------------------------------------------------------
// PDF

#[test]
fn a_text_pdf_gives_its_text_in_order_with_a_labelled_page_break_per_page_and_page_images() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("minutes.pdf");
    let pages = vec![
        Page::Text(vec![
            "Kaesong, 10 July 1951".into(),
            "Present: Nam Il (chief)".into(),
        ]),
        Page::Text(vec!["The meeting resumed at 1500.".into()]),
        Page::Text(vec!["Adjourned.".into()]),
    ];
    let opts = Options {
        labels: vec![(0, "r", "", 1), (1, "D", "S. ", 1)],
        ..Options::default()
    };
    std::fs::write(&file, pdf(&pages, &opts)).unwrap();
    let (p, not_kept, dest) =
        import_ok(&marginalia::interchange::pdf::PdfImporter::default(), &file);
    let d = only_doc(&p);
    assert_eq!(d.meta.title, "minutes");
    assert_eq!(
        text(d),
        "Kaesong, 10 July 1951\nPresent: Nam Il (chief)\nThe meeting resumed at 1500.\nAdjourned."
    );
    let breaks: Vec<(usize, &str)> = d
        .meta
        .archival
        .page_breaks
        .iter()
        .map(|b| (b.offset, b.n.as_str()))
        .collect();
    assert_eq!(breaks, [(0, "i"), (46, "S. 1"), (75, "S. 2")]);
    assert_eq!(d.meta.images.len(), 3);
    for img in &d.meta.images {
        let (w, h) = image::image_dimensions(img.to_native(&dest)).unwrap();
        // A4 at 150 dpi.
        assert_eq!((w, h), (1239, 1754), "{img}");
    }
    assert!(
        not_kept
            .iter()
            .any(|l| l.contains("annotations, outlines and form fields")),
        "{not_kept:?}"
    );
}

#[test]
fn a_scans_only_pdf_becomes_page_images_with_an_empty_transcription() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("scan.pdf");
    let pages = vec![
        Page::Scan {
            width: 120,
            height: 170,
        },
        Page::Scan {
            width: 120,
            height: 170,
        },
    ];
    std::fs::write(&file, pdf(&pages, &Options::default())).unwrap();
    let (p, _, dest) = import_ok(&marginalia::interchange::pdf::PdfImporter::default(), &file);
    let d = only_doc(&p);
    assert_eq!(text(d), "\n", "an empty line per page");
    assert!(d.meta.source.is_some(), "ready for Correct transcription");
    let offsets: Vec<usize> = d
        .meta
        .archival
        .page_breaks
        .iter()
        .map(|b| b.offset)
        .collect();
    assert_eq!(offsets, [0, 1]);
    assert_eq!(d.meta.images.len(), 2);
    for img in &d.meta.images {
        assert!(
            img.as_str().ends_with(".jpg"),
            "a scan is kept as JPEG: {img}"
        );
        assert!(img.to_native(&dest).is_file());
    }
}

#[test]
fn encrypted_broken_and_empty_pdfs_are_refused_naming_the_file_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "locked.pdf",
            pdf(
                &[Page::Text(vec!["secret".into()])],
                &Options {
                    encrypted: true,
                    ..Options::default()
                },
            ),
            "encrypted",
        ),
        (
            "garbage.pdf",
            b"%PDF-1.7\nthis is not a pdf".to_vec(),
            "damaged",
        ),
        ("empty.pdf", Vec::new(), "damaged"),
        (
            "cut.pdf",
            pdf(&book(3, 10), &Options::default())[..200].to_vec(),
            "",
        ),
    ];
    for (name, bytes, says) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        let out = tempfile::tempdir().unwrap();
        let dest = out.path().join("proj");
        let r = import::run(
            &marginalia::interchange::pdf::PdfImporter::default(),
            &file,
            &dest,
        );
        match r {
            Err(e) => {
                let msg = e.to_string();
                assert!(msg.ends_with(name), "{msg}");
                assert!(msg.contains(says), "{msg}");
            }
            // A cut file may still hold readable pages: then it imports what is there.
            Ok(_) => assert_eq!(name, "cut.pdf"),
        }
        if !dest.exists() {
            assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0, "{name}");
        }
    }
}

#[test]
fn a_folder_of_pdfs_is_a_document_each() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("box 2")).unwrap();
    std::fs::write(
        dir.path().join("a.pdf"),
        pdf(&book(1, 2), &Options::default()),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("box 2/b.pdf"),
        pdf(&book(2, 2), &Options::default()),
    )
    .unwrap();
    let (p, _, _) = import_ok(
        &marginalia::interchange::pdf::PdfImporter::default(),
        dir.path(),
    );
    let mut titles: Vec<(&str, usize)> = p
        .documents
        .values()
        .map(|d| (d.meta.title.as_str(), d.meta.images.len()))
        .collect();
    titles.sort();
    assert_eq!(titles, [("a", 1), ("b", 2)]);
}

// ---------------------------------------------------------------------------------------
// PAGE, ALTO, hOCR

const PAGE_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2013-07-15">
  <Metadata><Creator>Transkribus</Creator></Metadata>
  <Page imageFilename="brief.jpg" imageWidth="400" imageHeight="600">
    <ReadingOrder><OrderedGroup id="ro"><RegionRefIndexed index="0" regionRef="r2"/><RegionRefIndexed index="1" regionRef="r1"/></OrderedGroup></ReadingOrder>
    <TextRegion id="r1" custom="readingOrder {index:1;}">
      <Coords points="10,300 390,300 390,400 10,400"/>
      <TextLine id="l3" custom="readingOrder {index:0;} person {offset:7; length:4; lastname:Kant;} place {offset:16; length:7;continued:true;}">
        <Coords points="10,300 390,300 390,340 10,340"/>
        <TextEquiv conf="0.87"><Unicode>Lieber Kant, in Königs-</Unicode></TextEquiv>
      </TextLine>
      <TextLine id="l4" custom="readingOrder {index:1;} place {offset:0; length:4;continued:true;} date {offset:9; length:4; when:1784;}">
        <Coords points="10,350 200,340 390,350 390,400 10,400"/>
        <TextEquiv><Unicode>berg, im 1784</Unicode></TextEquiv>
      </TextLine>
    </TextRegion>
    <TextRegion id="r2" type="heading">
      <Coords points="10,10 390,10 390,60 10,60"/>
      <TextLine id="l1"><Coords points="10,10 390,10 390,60 10,60"/>
        <TextEquiv><Unicode>An Kant</Unicode></TextEquiv><TextStyle bold="true" fontFamily="Fraktur"/></TextLine>
    </TextRegion>
    <ImageRegion id="i1"><Coords points="100,100 300,100 300,280 100,280"/></ImageRegion>
    <SeparatorRegion id="s1"><Coords points="0,290 400,290 400,292 0,292"/></SeparatorRegion>
  </Page>
</PcGts>"#;

#[test]
fn a_transkribus_page_gives_text_in_reading_order_linked_regions_and_tags() {
    let dir = tempfile::tempdir().unwrap();
    // Transkribus: the PAGE file in page/, its image one folder up.
    let page_dir = dir.path().join("page");
    std::fs::create_dir_all(&page_dir).unwrap();
    std::fs::write(page_dir.join("brief.xml"), PAGE_XML).unwrap();
    png(&dir.path().join("brief.jpg"), 200, 300);
    let (p, not_kept, dest) = import_ok(
        &marginalia::interchange::page::PageImporter::default(),
        &page_dir.join("brief.xml"),
    );
    let _ = dest;
    let d = only_doc(&p);
    assert_eq!(text(d), "An Kant\n\nLieber Kant, in Königs-\nberg, im 1784");
    assert_eq!(d.meta.images.len(), 1);
    // Lines: linked to their text; shapes scaled from the 400 × 600 the file says to the
    // 200 × 300 image.
    let lines = layout::regions_of(d, "text_line");
    assert_eq!(lines.len(), 3);
    let l3 = &d.annotations[&lines[1]];
    assert_eq!(
        l3.anchor().unwrap().covered_text(d.text.as_ref().unwrap()),
        "Lieber Kant, in Königs-"
    );
    assert_eq!(
        l3.region.as_ref().unwrap().shape,
        Shape::Rect {
            x: 5,
            y: 150,
            width: 190,
            height: 20
        }
    );
    assert_eq!(
        l3.attributes[&marginalia::model::Slug::new("confidence")],
        marginalia::model::AttrValue::Number(0.87)
    );
    let l4 = &d.annotations[&lines[2]];
    assert!(matches!(
        l4.region.as_ref().unwrap().shape,
        Shape::Polygon(_)
    ));
    // Regions: the heading first (reading order), a graphic without words.
    let regions = layout::regions_of(d, "text_region");
    assert_eq!(regions.len(), 2);
    let graphics = layout::regions_of(d, "graphic_region");
    assert_eq!(graphics.len(), 1);
    assert!(
        d.annotations[&graphics[0]]
            .anchor()
            .unwrap()
            .fragments
            .is_empty()
    );
    // Tags: a person, a place continued over the line break as one mention, a date.
    let of_type = |t: &str| -> Vec<String> {
        d.annotations
            .values()
            .filter(|a| a.type_id().as_str() == t)
            .map(|a| a.anchor().unwrap().covered_text(d.text.as_ref().unwrap()))
            .collect()
    };
    assert_eq!(of_type("person"), ["Kant"]);
    let place = d
        .annotations
        .values()
        .find(|a| a.type_id().as_str() == "place")
        .unwrap();
    assert_eq!(
        place
            .anchor()
            .unwrap()
            .fragment_texts(d.text.as_ref().unwrap()),
        ["Königs-", "berg"],
        "one mention over the line break"
    );
    assert_eq!(of_type("date"), ["1784"]);
    assert_eq!(of_type("text_style"), ["An Kant"]);
    let date = d
        .annotations
        .values()
        .find(|a| a.type_id().as_str() == "date")
        .unwrap();
    assert_eq!(
        date.as_mention().unwrap().date,
        Some(marginalia::model::NormalizedDate::when("1784"))
    );
    let joined = not_kept.join("\n");
    for expected in [
        "PAGE SeparatorRegions: ",
        "PAGE TextStyle @fontFamily: ",
        "PAGE Metadata <Creator>: ",
    ] {
        assert!(joined.contains(expected), "{expected} in\n{joined}");
    }
}

#[test]
fn a_missing_page_image_is_reported_and_listed_where_it_belongs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("brief.xml"), PAGE_XML).unwrap();
    let (p, not_kept, _) = import_ok(
        &marginalia::interchange::page::PageImporter::default(),
        &dir.path().join("brief.xml"),
    );
    let d = only_doc(&p);
    assert_eq!(d.meta.images[0].as_str(), "brief.jpg");
    assert!(
        not_kept.iter().any(|l| l.contains("page images not found")),
        "{not_kept:?}"
    );
}

#[test]
fn hyphenation_and_line_breaks_are_kept_as_the_engine_gives_them_in_alto_and_hocr() {
    let dir = tempfile::tempdir().unwrap();
    png(&dir.path().join("p1.png"), 100, 60);
    std::fs::write(
        dir.path().join("p1.xml"),
        r#"<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#"><Description><MeasurementUnit>pixel</MeasurementUnit>
        <sourceImageInformation><fileName>p1.png</fileName></sourceImageInformation></Description>
        <Layout><Page WIDTH="100" HEIGHT="60"><PrintSpace>
        <TextBlock ID="b" HPOS="1" VPOS="1" WIDTH="98" HEIGHT="50">
          <TextLine ID="l1" HPOS="1" VPOS="1" WIDTH="98" HEIGHT="20"><String CONTENT="Ким" HPOS="1" VPOS="1" WIDTH="30" HEIGHT="20" WC="0.5"/><SP/><String CONTENT="Ир" HPOS="40" VPOS="1" WIDTH="30" HEIGHT="20" SUBS_TYPE="HypPart1" SUBS_CONTENT="Ирсен"/><HYP CONTENT="-"/></TextLine>
          <TextLine ID="l2" HPOS="1" VPOS="25" WIDTH="98" HEIGHT="20"><String CONTENT="сен" HPOS="1" VPOS="25" WIDTH="30" HEIGHT="20"/><SP/><String CONTENT="金日成" HPOS="40" VPOS="25" WIDTH="30" HEIGHT="20"/></TextLine>
        </TextBlock></PrintSpace></Page></Layout></alto>"#,
    )
    .unwrap();
    let (p, not_kept, _) = import_ok(
        &marginalia::interchange::alto::AltoImporter::default(),
        &dir.path().join("p1.xml"),
    );
    let d = only_doc(&p);
    assert_eq!(text(d), "Ким Ир-\nсен 金日成");
    assert!(
        not_kept.iter().any(|l| l.contains("SUBS_CONTENT")),
        "{not_kept:?}"
    );

    let hocr = dir.path().join("h.hocr");
    std::fs::write(
        &hocr,
        r#"<html xmlns="http://www.w3.org/1999/xhtml"><head><meta name="ocr-system" content="tesseract"></head><body>
        <div class="ocr_page" title='image "p1.png"; bbox 0 0 100 60'>
          <p class="ocr_par" title="bbox 1 1 99 51">
            <span class="ocr_line" title="bbox 1 1 99 21"><span class="ocrx_word" title="bbox 1 1 31 21; x_wconf 96">Ким</span> <span class="ocrx_word" title="bbox 40 1 70 21">Ир-</span></span>
            <span class="ocr_line" title="bbox 1 25 99 45"><span class="ocrx_word" title="bbox 1 25 31 45">сен</span></span>
          </p></div></body></html>"#,
    )
    .unwrap();
    let (p, _, _) = import_ok(
        &marginalia::interchange::hocr::HocrImporter::default(),
        &hocr,
    );
    let d = only_doc(&p);
    assert_eq!(text(d), "Ким Ир-\nсен");
    assert_eq!(layout::regions_of(d, "text_line").len(), 2);
}

#[test]
fn a_folder_of_pages_is_a_document_per_page_or_one_book() {
    let dir = tempfile::tempdir().unwrap();
    for (i, name) in ["p10.xml", "p2.xml", "p1.xml"].iter().enumerate() {
        let xml = PAGE_XML
            .replace("brief.jpg", &format!("{name}.png"))
            .replace("An Kant", &format!("Seite {i}"));
        std::fs::write(dir.path().join(name), xml).unwrap();
        png(&dir.path().join(format!("{name}.png")), 40, 60);
    }
    std::fs::write(dir.path().join("notes.xml"), "<notes/>").unwrap();
    let (p, not_kept, _) = import_ok(
        &marginalia::interchange::page::PageImporter::default(),
        dir.path(),
    );
    assert_eq!(p.documents.len(), 3);
    assert!(
        not_kept.iter().any(|l| l.contains("not PAGE XML")),
        "{not_kept:?}"
    );
    let (p, _, _) = import_ok(
        &marginalia::interchange::page::PageImporter::grouped(Group::Book),
        dir.path(),
    );
    let d = only_doc(&p);
    assert_eq!(d.meta.images.len(), 3);
    let names: Vec<&str> = d.meta.images.iter().map(|i| i.file_name()).collect();
    assert_eq!(names, ["p1.xml.png", "p2.xml.png", "p10.xml.png"]);
    assert_eq!(d.meta.archival.page_breaks.len(), 3);
    assert!(text(d).starts_with("Seite 2\n"));
    // Every region sits on its own page.
    let pages: Vec<usize> = layout::regions_of(d, "text_line")
        .iter()
        .map(|id| d.annotations[id].region.as_ref().unwrap().page)
        .collect();
    assert_eq!(pages, [0, 0, 0, 1, 1, 1, 2, 2, 2]);
}

#[test]
fn hostile_layout_files_are_refused_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!(
        "<PcGts>\n{}{}</PcGts>",
        "<a>".repeat(100_000),
        "</a>".repeat(100_000)
    );
    let f = dir.path().join("deep.xml");
    std::fs::write(&f, deep).unwrap();
    let out = tempfile::tempdir().unwrap();
    let e = import::run(
        &marginalia::interchange::page::PageImporter::default(),
        &f,
        &out.path().join("p"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("line 2") && e.ends_with("deep.xml"), "{e}");
    let f = dir.path().join("alto.xml");
    std::fs::write(&f, "<alto><Layout>").unwrap();
    let e = import::run(
        &marginalia::interchange::alto::AltoImporter::default(),
        &f,
        &out.path().join("p"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("never closed"), "{e}");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

/// The two real pages of Kant's essay (OCR-D ground truth): the PAGE and the ALTO files give
/// the same line regions, and the same text but for the spaces the ALTO file does not
/// record (it has no `SP` elements: spaces come from the gaps between word boxes, and
/// where the PAGE transcribers wrote "1784 ." the boxes touch).
#[test]
#[ignore = "needs ../shared/corpora/htr (run by .ci/checks/archive_import.sh)"]
fn kant_page_and_alto_give_the_same_text_and_line_regions() {
    let shared = std::env::var("MARGINALIA_SHARED").unwrap_or_else(|_| "../shared".into());
    let data = Path::new(&shared).join("corpora/htr/kant_aufklaerung_1784/data");
    assert!(data.is_dir(), "{}", data.display());
    let (page, page_nk, page_dir) = import_ok(
        &marginalia::interchange::page::PageImporter::default(),
        &data,
    );
    let (alto, alto_nk, _) = import_ok(
        &marginalia::interchange::alto::AltoImporter::default(),
        &data,
    );
    println!("PAGE: {}\nALTO: {}", page_nk.join("\n"), alto_nk.join("\n"));
    let (p, a) = (only_doc(&page), only_doc(&alto));
    assert_eq!(p.meta.images.len(), 2);
    assert_eq!(a.meta.images.len(), 2);
    assert!(p.meta.images[0].to_native(&page_dir).is_file());
    type Bounds = (u64, u64, u64, u64);
    let lines = |d: &Document| -> Vec<(usize, String, Bounds)> {
        layout::regions_of(d, "text_line")
            .iter()
            .map(|id| {
                let ann = &d.annotations[id];
                let r = ann.region.as_ref().unwrap();
                (
                    r.page,
                    ann.anchor().unwrap().covered_text(d.text.as_ref().unwrap()),
                    r.shape.bounds().unwrap(),
                )
            })
            .collect()
    };
    let (pl, al) = (lines(p), lines(a));
    assert_eq!(pl.len(), 55);
    assert_eq!(al.len(), 55);
    let mut differ = Vec::new();
    for (x, y) in pl.iter().zip(&al) {
        assert_eq!(x.0, y.0, "page of {} / {}", x.1, y.1);
        assert_eq!(x.2, y.2, "box of {} / {}", x.1, y.1);
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        assert_eq!(squeeze(&x.1), squeeze(&y.1));
        if x.1 != y.1 {
            differ.push(format!("{:?} / {:?}", x.1, y.1));
        }
    }
    // Only spaces next to punctuation where the ALTO word boxes touch.
    assert!(differ.len() <= 5, "{differ:#?}");
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    assert_eq!(squeeze(text(p)), squeeze(text(a)));
    assert_eq!(
        layout::regions_of(p, "text_region").len(),
        layout::regions_of(a, "text_region").len()
    );
    assert!(
        text(p).starts_with("Berliniſche Monatsſchrift.\n\n1784 ."),
        "{}",
        &text(p)[..80]
    );
}

// ---------------------------------------------------------------------------------------
// IIIF

/// A level-0 static image tree for `name`: `info.json` listing two sizes, and the images at
/// `full/W,/0/default.jpg` (version 2) and `full/W,H/0/default.jpg` (version 3).
fn level0(root: &Path, base: &str, name: &str, w: u32, h: u32) {
    let dir = root.join("iiif").join(name);
    let sizes = [(w / 4, h / 4), (w / 2, h / 2)];
    let info = serde_json::json!({
        "@context": "http://iiif.io/api/image/3/context.json",
        "id": format!("{base}iiif/{name}"),
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level0",
        "width": w,
        "height": h,
        "sizes": sizes.iter().map(|(w, h)| serde_json::json!({"width": w, "height": h})).collect::<Vec<_>>(),
    });
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("info.json"), info.to_string()).unwrap();
    for (sw, sh) in sizes {
        for size in [format!("{sw},"), format!("{sw},{sh}")] {
            let p = dir.join("full").join(size).join("0/default.jpg");
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            image::RgbImage::from_pixel(sw, sh, image::Rgb([200, 190, 170]))
                .save_with_format(&p, image::ImageFormat::Jpeg)
                .unwrap();
        }
    }
}

fn manifest_v3(base: &str) -> serde_json::Value {
    let canvas = |i: u32, label: &str| {
        serde_json::json!({
            "id": format!("{base}canvas/{i}"),
            "type": "Canvas",
            "label": {"none": [label]},
            "width": 2400, "height": 3200,
            "items": [{"id": format!("{base}canvas/{i}/p"), "type": "AnnotationPage", "items": [{
                "id": format!("{base}canvas/{i}/p/a"), "type": "Annotation", "motivation": "painting",
                "body": {"id": format!("{base}iiif/f{i}/full/max/0/default.jpg"), "type": "Image", "format": "image/jpeg",
                         "service": [{"id": format!("{base}iiif/f{i}"), "type": "ImageService3", "profile": "level0"}]},
                "target": format!("{base}canvas/{i}")}]}]
        })
    };
    serde_json::json!({
        "@context": "http://iiif.io/api/presentation/3/context.json",
        "id": format!("{base}manifest.json"),
        "type": "Manifest",
        "label": {"en": ["Letter of Filippov, 1951"]},
        "metadata": [
            {"label": {"en": ["Repository"]}, "value": {"none": ["Archive of the President"]}},
            {"label": {"en": ["Shelfmark"]}, "value": {"none": ["f. 45, op. 1, d. 339"]}},
            {"label": {"en": ["Date"]}, "value": {"none": ["1951-07-11"]}},
            {"label": {"en": ["Scribe"]}, "value": {"none": ["unknown"]}}
        ],
        "requiredStatement": {"label": {"en": ["Attribution"]}, "value": {"en": ["Wilson Center"]}},
        "items": [canvas(1, "1r"), canvas(2, "1v")]
    })
}

#[test]
fn a_iiif_manifest_served_locally_imports_with_cached_images_labels_and_description_and_exports_back()
 {
    let root = tempfile::tempdir().unwrap();
    let server = support::http::Server::start(root.path());
    let base = server.base.clone();
    level0(root.path(), &base, "f1", 2400, 3200);
    level0(root.path(), &base, "f2", 2400, 3200);
    std::fs::write(
        root.path().join("manifest.json"),
        manifest_v3(&base).to_string(),
    )
    .unwrap();
    let url = format!("{base}manifest.json");
    let (p, not_kept, dest) = import_ok(
        &marginalia::interchange::iiif::IiifImporter::default(),
        Path::new(&url),
    );
    let d = only_doc(&p);
    assert_eq!(d.meta.title, "Letter of Filippov, 1951");
    let labels: Vec<&str> = d
        .meta
        .archival
        .page_breaks
        .iter()
        .map(|b| b.n.as_str())
        .collect();
    assert_eq!(labels, ["1r", "1v"]);
    assert_eq!(d.meta.archival.archive, "Archive of the President");
    assert_eq!(d.meta.archival.call_number, "f. 45, op. 1, d. 339");
    assert_eq!(
        d.meta.archival.date,
        Some(marginalia::model::NormalizedDate::when("1951-07-11"))
    );
    assert!(d.meta.archival.citation.contains("Wilson Center"));
    assert_eq!(d.meta.archival.canvases[1].id, format!("{base}canvas/2"));
    assert!(
        not_kept.iter().any(|l| l.contains("(Scribe)")),
        "{not_kept:?}"
    );
    // The reading size from the level-0 sizes (1200 × 1600: the larger listed), kept inside
    // the project.
    for img in &d.meta.images {
        let path = img.to_native(&dest);
        assert!(path.starts_with(&dest));
        assert_eq!(image::image_dimensions(&path).unwrap(), (1200, 1600));
    }
    assert_eq!(text(d), "\n");
    // Works offline: the server is gone, the project still loads with its pages.
    drop(server);
    let file = store::resolve_project_file(&dest).unwrap();
    let mut loaded = store::load(&file).unwrap();

    // Annotate a region on page 2 and export: the annotation targets the library's canvas
    // in canvas coordinates (the image is half the canvas).
    let doc_id = *loaded.project.documents.keys().next().unwrap();
    let doc = loaded.project.documents.get_mut(&doc_id).unwrap();
    let mut a = marginalia::model::region::PageRegion {
        page: 1,
        shape: Shape::Rect {
            x: 100,
            y: 200,
            width: 300,
            height: 40,
        },
        text: None,
    }
    .into_mention(marginalia::model::Slug::new("stamp"));
    a.note = "Incoming stamp".into();
    doc.annotations.insert(a.id, a);
    let out = tempfile::tempdir().unwrap();
    let exporter =
        marginalia::interchange::iiif::IiifExporter::with_base_url("http://127.0.0.1:9/");
    let report = exporter
        .export(
            &loaded.project,
            out.path(),
            &ExportOptions {
                overwrite: false,
                project_dir: Some(dest.clone()),
            },
            &mut |_| {},
        )
        .unwrap();
    assert!(report.files.iter().any(|f| f.ends_with("collection.json")));
    let manifest_file = report
        .files
        .iter()
        .find(|f| f.ends_with("manifest.json"))
        .unwrap();
    let folder = manifest_file.parent().unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(manifest_file).unwrap()).unwrap();
    assert_eq!(manifest["items"][1]["id"], format!("{base}canvas/2"));
    assert_eq!(manifest["items"][1]["width"], 2400);
    let page: serde_json::Value =
        serde_json::from_slice(&std::fs::read(folder.join("annotations/page-0002.json")).unwrap())
            .unwrap();
    let ann = &page["items"][0];
    assert_eq!(ann["target"]["source"]["id"], format!("{base}canvas/2"));
    assert_eq!(ann["target"]["selector"]["value"], "xywh=200,400,600,80");
    let bodies: Vec<&str> = ann["body"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["value"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["Stamp/Mark", "Stamp/Mark", "Incoming stamp"]);
    let _ = loaded.disk;
}

#[test]
fn iiif_refuses_redirects_out_of_http_and_non_manifests() {
    let root = tempfile::tempdir().unwrap();
    let server = support::http::Server::start(root.path());
    std::fs::write(
        root.path().join("collection.json"),
        r#"{"@context": "http://iiif.io/api/presentation/3/context.json", "id": "x", "type": "Collection", "items": []}"#,
    )
    .unwrap();
    for (path, says) in [
        // ureq follows no redirect out of http(s): the file is never read.
        ("redirect-to-file", "redirect-to-file"),
        ("collection.json", "collection"),
        ("missing.json", "404"),
    ] {
        let url = format!("{}{path}", server.base);
        let out = tempfile::tempdir().unwrap();
        let e = import::run(
            &marginalia::interchange::iiif::IiifImporter::default(),
            Path::new(&url),
            &out.path().join("p"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains(says), "{path}: {e}");
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
    }
}

#[test]
fn a_iiif_presentation_2_manifest_imports_with_image_api_2_sizes() {
    let root = tempfile::tempdir().unwrap();
    let server = support::http::Server::start(root.path());
    let base = server.base.clone();
    level0(root.path(), &base, "v2", 1600, 2400);
    // An Image API 2 info.json: sizes are asked for as `w,`.
    let info = root.path().join("iiif/v2/info.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&info).unwrap()).unwrap();
    v["@context"] = "http://iiif.io/api/image/2/context.json".into();
    v["@id"] = format!("{base}iiif/v2").into();
    std::fs::write(&info, v.to_string()).unwrap();
    let manifest = serde_json::json!({
        "@context": "http://iiif.io/api/presentation/2/context.json",
        "@id": format!("{base}m2.json"),
        "@type": "sc:Manifest",
        "label": [{"@value": "Brief", "@language": "de"}, {"@value": "Letter", "@language": "en"}],
        "attribution": "Staatsbibliothek",
        "metadata": [{"label": "Signatur", "value": "Nachl. 7, 12"}],
        "sequences": [{"@type": "sc:Sequence", "canvases": [{
            "@id": format!("{base}c/1"), "@type": "sc:Canvas", "label": "f. 1r",
            "width": 1600, "height": 2400,
            "images": [{"@type": "oa:Annotation", "motivation": "sc:painting", "on": format!("{base}c/1"),
                "resource": {"@id": format!("{base}iiif/v2/full/full/0/default.jpg"), "@type": "dctypes:Image",
                    "service": {"@context": "http://iiif.io/api/image/2/context.json", "@id": format!("{base}iiif/v2"),
                                "profile": "http://iiif.io/api/image/2/level0.json"}}}]
        }]}]
    });
    std::fs::write(root.path().join("m2.json"), manifest.to_string()).unwrap();
    let url = format!("{base}m2.json");
    let (p, _, dest) = import_ok(
        &marginalia::interchange::iiif::IiifImporter::default(),
        Path::new(&url),
    );
    let d = only_doc(&p);
    assert_eq!(d.meta.title, "Letter");
    assert_eq!(d.meta.archival.page_breaks[0].n, "f. 1r");
    assert_eq!(d.meta.archival.call_number, "Nachl. 7, 12");
    assert_eq!(d.meta.archival.citation, "Staatsbibliothek");
    // The larger listed size (800 × 1200), fetched as `800,`.
    assert_eq!(
        image::image_dimensions(d.meta.images[0].to_native(&dest)).unwrap(),
        (800, 1200)
    );
}

#[test]
fn a_iiif_manifest_with_ranges_becomes_a_document_per_range_when_asked() {
    let root = tempfile::tempdir().unwrap();
    let server = support::http::Server::start(root.path());
    let base = server.base.clone();
    for name in ["f1", "f2", "f3"] {
        level0(root.path(), &base, name, 2400, 3200);
    }
    let mut m = manifest_v3(&base);
    // A third canvas, and a table of contents: a letter (canvas 1, and part of canvas 3
    // as `#xywh=`) and an envelope (canvas 2 by reference to a range listed on its own).
    let mut third = m["items"][1].clone();
    let text = third
        .to_string()
        .replace("/2", "/3")
        .replace("\"1v\"", "\"2r\"");
    third = serde_json::from_str(&text).unwrap();
    m["items"].as_array_mut().unwrap().push(third);
    m["structures"] = serde_json::json!([{
        "id": format!("{base}range/toc"), "type": "Range", "label": {"en": ["Contents"]},
        "items": [
            {"id": format!("{base}range/letter"), "type": "Range", "label": {"en": ["Letter"]},
             "items": [{"id": format!("{base}canvas/1"), "type": "Canvas"},
                       {"type": "SpecificResource", "source": format!("{base}canvas/3"),
                        "selector": {"type": "FragmentSelector", "value": "xywh=0,0,10,10"}}]},
            {"id": format!("{base}range/envelope"), "type": "Range"}
        ]
    }, {
        "id": format!("{base}range/envelope"), "type": "Range", "label": {"en": ["Envelope"]},
        "items": [{"id": format!("{base}canvas/2#xywh=0,0,5,5"), "type": "Canvas"}]
    }]);
    std::fs::write(root.path().join("ranges.json"), m.to_string()).unwrap();
    let url = format!("{base}ranges.json");
    // By default one document, and the ranges are reported as not kept.
    let (p, not_kept, _) = import_ok(
        &marginalia::interchange::iiif::IiifImporter::default(),
        Path::new(&url),
    );
    assert_eq!(only_doc(&p).meta.archival.page_breaks.len(), 3);
    assert!(
        not_kept.iter().any(|l| l.contains("IIIF ranges")),
        "{not_kept:?}"
    );
    // Asked for ranges: the table of contents' two ranges are the documents.
    let importer = marginalia::interchange::iiif::IiifImporter {
        ranges: true,
        ..Default::default()
    };
    let (p, not_kept, dest) = import_ok(&importer, Path::new(&url));
    assert!(
        !not_kept.iter().any(|l| l.contains("IIIF ranges")),
        "{not_kept:?}"
    );
    let mut docs: Vec<(String, Vec<String>, Vec<String>)> = p
        .documents
        .values()
        .map(|d| {
            (
                d.meta.title.clone(),
                d.meta
                    .archival
                    .page_breaks
                    .iter()
                    .map(|b| b.n.clone())
                    .collect(),
                d.meta
                    .archival
                    .canvases
                    .iter()
                    .map(|c| c.id.clone())
                    .collect(),
            )
        })
        .collect();
    docs.sort();
    assert_eq!(
        docs,
        [
            (
                "Letter of Filippov, 1951: Envelope".to_owned(),
                vec!["1v".to_owned()],
                vec![format!("{base}canvas/2")]
            ),
            (
                "Letter of Filippov, 1951: Letter".to_owned(),
                vec!["1r".to_owned(), "2r".to_owned()],
                vec![format!("{base}canvas/1"), format!("{base}canvas/3")]
            ),
        ]
    );
    for d in p.documents.values() {
        assert_eq!(d.meta.archival.archive, "Archive of the President");
        for img in &d.meta.images {
            assert!(img.to_native(&dest).is_file(), "{img:?}");
        }
    }
    // Remove the letter's range: canvases 1 and 3 are in no range, and become a document
    // of their own rather than being dropped.
    m["structures"] = serde_json::json!([m["structures"][1].clone()]);
    std::fs::write(root.path().join("ranges.json"), m.to_string()).unwrap();
    let (p, _, _) = import_ok(&importer, Path::new(&url));
    let mut titles: Vec<(String, usize)> = p
        .documents
        .values()
        .map(|d| (d.meta.title.clone(), d.meta.archival.page_breaks.len()))
        .collect();
    titles.sort();
    assert_eq!(
        titles,
        [
            ("Letter of Filippov, 1951: Envelope".to_owned(), 1),
            ("Letter of Filippov, 1951: pages in no range".to_owned(), 2)
        ]
    );
}
