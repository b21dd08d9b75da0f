//! Regions of page images and page breaks through W3C Web Annotation and TEI: round trips
//! of rectangles, polygons, region-only mentions and links to text mentions; files as
//! browser tools (Annotorious) and other TEI editions write them; the report lines of
//! formats that cannot hold pages. The validators run in `.ci/checks/interchange_xml.sh`,
//! which exports the sample project (it has rectangle and polygon regions).
#![allow(clippy::unwrap_used)]

use marginalia::interchange::export::{ExportOptions, Exporter};
use marginalia::interchange::import::Importer;
use marginalia::interchange::{brat, conll, csv, jsonl, tei, w3c};
use marginalia::model::region::{PageRegion, Shape};
use marginalia::model::*;
use std::collections::BTreeMap;
use std::path::Path;

const TEXT: &str =
    "CABLE No 21677\nto Cde. FILIPPOV\n\nStamp: SUBJECT TO RETURN\nDeciphered by Vaganov\n";
const PAGE1: &str = "sources/cable.001.png";
const PAGE2: &str = "sources/cable.002.png";

fn id(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 | n)
}

fn span(text: &SourceText, needle: &str) -> Span {
    let byte = text.as_str().find(needle).unwrap();
    let start = text.char_of(byte);
    Span::new(start, start + needle.chars().count())
}

struct Ids {
    filippov: AnnId,
    stamp_text: AnnId,
    /// Rectangle on page 1, linked to `filippov`.
    rect: AnnId,
    /// Polygon on page 2, no words, linked to `stamp_text`.
    polygon: AnnId,
    /// A mention of "Vaganov" that is also a region of page 2 (its own words and place).
    both: AnnId,
    /// A region on page 1 with no link.
    alone: AnnId,
}

fn fixture() -> (Project, Ids) {
    let mut p = Project::new("Regions");
    let text = SourceText::from_str_normalizing(TEXT);
    let mut doc = Document {
        meta: DocumentMeta {
            id: DocId(id(1)),
            title: "cable".into(),
            source: Some(SourceInfo {
                path: RelPath::parse("sources/cable.txt").unwrap(),
                hash: "0".repeat(64),
                line_ending: text.line_ending(),
                bom: false,
            }),
            images: vec![
                RelPath::parse(PAGE1).unwrap(),
                RelPath::parse(PAGE2).unwrap(),
            ],
            status: DocStatus::InProgress,
            archival: ArchivalMeta {
                number: "7".into(),
                source_id: "d7".into(),
                page_breaks: vec![
                    PageBreak {
                        offset: 0,
                        n: "1".into(),
                        facs: PAGE1.into(),
                    },
                    PageBreak {
                        offset: span(&text, "Stamp").start,
                        n: "2".into(),
                        facs: PAGE2.into(),
                    },
                ],
                ..ArchivalMeta::default()
            },
        },
        text: Some(text.clone()),
        annotations: BTreeMap::new(),
    };
    let mut add = |a: Annotation| {
        let i = a.id;
        doc.annotations.insert(i, a);
        i
    };
    let mention = |n: u128, ty: &str, needle: &str| {
        let mut a = Annotation::new(Body::Mention(Mention {
            type_id: Slug::new(ty),
            anchor: TextAnchor::new(&text, &[span(&text, needle)]).unwrap(),
            entry: None,
            date: None,
        }));
        a.id = AnnId(id(n));
        a.resp = "Tester".into();
        a
    };
    let filippov = add(mention(10, "person", "FILIPPOV"));
    let stamp_text = add(mention(11, "stamp", "Stamp: SUBJECT TO RETURN"));
    let region = |n: u128, ty: &str, page, shape, text| {
        let mut a = PageRegion { page, shape, text }.into_mention(Slug::new(ty));
        a.id = AnnId(id(n));
        a.note = format!("region {n}");
        a
    };
    let rect = add(region(
        20,
        "person",
        0,
        Shape::Rect {
            x: 130,
            y: 40,
            width: 120,
            height: 33,
        },
        Some(filippov),
    ));
    let polygon = add(region(
        21,
        "stamp",
        1,
        Shape::Polygon(vec![(870, 394), (1570, 394), (1570, 470), (900, 480)]),
        Some(stamp_text),
    ));
    let mut b = mention(22, "person", "Vaganov");
    b.region = Some(PageRegion {
        page: 1,
        shape: Shape::Rect {
            x: 300,
            y: 600,
            width: 100,
            height: 30,
        },
        text: None,
    });
    let both = add(b);
    let alone = add(region(
        23,
        "stamp",
        0,
        Shape::Polygon(vec![(5, 1), (9, 8), (1, 8)]),
        None,
    ));
    p.documents.insert(doc.id(), doc);
    (
        p,
        Ids {
            filippov,
            stamp_text,
            rect,
            polygon,
            both,
            alone,
        },
    )
}

fn export(project: &Project, exporter: &dyn Exporter, out: &Path) -> Vec<String> {
    exporter
        .export(project, out, &ExportOptions::default(), &mut |_| {})
        .unwrap()
        .omitted
}

fn import(importer: &dyn Importer, source: &Path, tmp: &Path) -> Project {
    let staging = tmp.join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    marginalia::interchange::import::import_into(importer, source, &staging)
        .map(|(p, _)| p)
        .unwrap()
}

fn regions(doc: &Document) -> BTreeMap<AnnId, PageRegion> {
    doc.annotations
        .values()
        .filter_map(|a| a.region.clone().map(|r| (a.id, r)))
        .collect()
}

fn assert_regions_kept(before: &Project, after: &Project, format: &str) {
    let (a, b) = (
        before.documents.values().next().unwrap(),
        after.documents.values().next().unwrap(),
    );
    assert_eq!(b.meta.images, a.meta.images, "{format}: pages");
    assert_eq!(regions(b), regions(a), "{format}: regions");
    for (id, ann) in &a.annotations {
        let got = &b.annotations[id];
        assert_eq!(got.type_id(), ann.type_id(), "{format}: type of {id}");
        assert_eq!(got.note, ann.note, "{format}: note of {id}");
        assert_eq!(got.anchor(), ann.anchor(), "{format}: anchor of {id}");
    }
    assert_eq!(b.annotations.len(), a.annotations.len(), "{format}");
}

#[test]
fn w3c_round_trip_keeps_rectangles_polygons_and_links() {
    let (p, ids) = fixture();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("w3c");
    let omitted = export(&p, &w3c::W3cExporter, &out);
    assert!(omitted.iter().all(|l| !l.contains("region")), "{omitted:?}");
    // The selectors as Annotorious and IIIF viewers read them.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sources/cable.json")).unwrap())
            .unwrap();
    let items = json["first"]["items"].as_array().unwrap();
    let item = |a: AnnId| {
        items
            .iter()
            .find(|i| i["id"] == format!("urn:uuid:{a}"))
            .unwrap()
    };
    let rect = &item(ids.rect)["target"];
    assert_eq!(rect[0]["source"], PAGE1);
    assert_eq!(rect[0]["selector"]["type"], "FragmentSelector");
    assert_eq!(
        rect[0]["selector"]["conformsTo"],
        "http://www.w3.org/TR/media-frags/"
    );
    assert_eq!(rect[0]["selector"]["value"], "xywh=pixel:130,40,120,33");
    assert_eq!(rect[1], format!("urn:uuid:{}", ids.filippov));
    let poly = &item(ids.polygon)["target"][0];
    assert_eq!(poly["source"], PAGE2);
    assert_eq!(poly["selector"]["type"], "SvgSelector");
    assert_eq!(
        poly["selector"]["value"],
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><polygon points=\"870,394 1570,394 1570,470 900,480\"/></svg>"
    );
    // A mention with words and a place: its text target, then its image target.
    let both = &item(ids.both)["target"];
    assert_eq!(both[0]["selector"][0]["type"], "TextQuoteSelector");
    assert_eq!(both[1]["selector"]["type"], "FragmentSelector");
    assert_eq!(item(ids.alone)["target"].as_array().unwrap().len(), 1);
    assert_eq!(json["images"], serde_json::json!([PAGE1, PAGE2]));

    let back = import(&w3c::W3cImporter, &out, tmp.path());
    assert_regions_kept(&p, &back, "W3C");
    let doc = back.documents.values().next().unwrap();
    assert_eq!(
        marginalia::model::region::regions_showing(doc, ids.stamp_text),
        vec![ids.polygon]
    );
}

#[test]
fn tei_round_trip_keeps_regions_pages_and_numbers() {
    let (p, ids) = fixture();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("tei");
    let omitted = export(&p, &tei::TeiExporter, &out);
    assert!(omitted.iter().all(|l| !l.contains("region")), "{omitted:?}");
    let xml = std::fs::read_to_string(out.join("sources/cable.xml")).unwrap();
    for want in [
        "<surface xml:id=\"page-1\" n=\"1\">",
        &format!("<graphic url=\"{PAGE2}\"/>"),
        &format!(
            "<zone xml:id=\"z-{}\" ulx=\"130\" uly=\"40\" lrx=\"250\" lry=\"73\"/>",
            ids.rect
        ),
        &format!(
            "<zone xml:id=\"z-{}\" points=\"870,394 1570,394 1570,470 900,480\"/>",
            ids.polygon
        ),
        &format!("facs=\"#z-{}\"", ids.rect),
        &format!("facs=\"#z-{}\"", ids.both),
        "<pb n=\"1\" facs=\"#page-1\"/>",
        "<pb n=\"2\" facs=\"#page-2\"/>",
        "<idno type=\"number\">7</idno>",
        "<idno type=\"source-id\">d7</idno>",
    ] {
        assert!(xml.contains(want), "missing {want}\n{xml}");
    }
    let back = import(&tei::TeiImporter, &out, tmp.path());
    assert_regions_kept(&p, &back, "TEI");
    let (a, b) = (
        p.documents.values().next().unwrap(),
        back.documents.values().next().unwrap(),
    );
    assert_eq!(b.meta.archival.page_breaks, a.meta.archival.page_breaks);
    assert_eq!(b.meta.archival.number, "7");
    assert_eq!(b.meta.archival.source_id, "d7");
    assert_eq!(b.text_or_empty().as_str(), a.text_or_empty().as_str());
}

#[test]
fn tei_page_breaks_round_trip_at_every_kind_of_offset() {
    let (mut p, _) = fixture();
    let doc = p.documents.values_mut().next().unwrap();
    let text = doc.text_or_empty().clone();
    let nl = text.as_str().find("\n\n").unwrap();
    let at = |offset: usize, n: &str| PageBreak {
        offset,
        n: n.into(),
        facs: String::new(),
    };
    // Before a line break, between two paragraphs, at a paragraph's start and at the end.
    let before_lb = span(&text, "\nto").start;
    doc.meta.archival.page_breaks = vec![
        at(before_lb, "a"),
        at(text.char_of(nl) + 1, "b"),
        at(text.char_of(nl) + 2, "c"),
        at(text.len_chars(), "d"),
    ];
    let want = doc.meta.archival.page_breaks.clone();
    let tmp = tempfile::tempdir().unwrap();
    export(&p, &tei::TeiExporter, &tmp.path().join("tei"));
    let back = import(&tei::TeiImporter, &tmp.path().join("tei"), tmp.path());
    let b = back.documents.values().next().unwrap();
    assert_eq!(b.meta.archival.page_breaks, want);
}

#[test]
fn image_only_documents_round_trip_through_w3c_and_tei() {
    let (mut p, ids) = fixture();
    let doc = p.documents.values_mut().next().unwrap();
    doc.meta.source = None;
    doc.text = None;
    doc.meta.archival.page_breaks.clear();
    doc.annotations
        .retain(|_, a| a.region.is_some() && a.anchor().is_some_and(|an| an.fragments.is_empty()));
    for a in doc.annotations.values_mut() {
        if let Some(r) = &mut a.region {
            r.text = None;
        }
    }
    for (format, exporter, importer) in [
        (
            "W3C",
            &w3c::W3cExporter as &dyn Exporter,
            &w3c::W3cImporter as &dyn Importer,
        ),
        ("TEI", &tei::TeiExporter, &tei::TeiImporter),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        export(&p, exporter, &out);
        let back = import(importer, &out, tmp.path());
        assert_regions_kept(&p, &back, format);
        let b = back.documents.values().next().unwrap();
        assert_eq!(b.annotations.len(), 3, "{format}");
        assert!(b.annotations.contains_key(&ids.alone), "{format}");
        if format == "W3C" {
            assert!(b.meta.source.is_none(), "W3C keeps it image-only");
        }
    }
}

/// A 4 × 3 PNG.
fn png() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbImage::new(4, 3)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

#[test]
fn annotorious_files_become_image_only_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("page.jpg"), png()).unwrap();
    // As Annotorious writes it: a plain array, one target object, a web address as the
    // source, fractional pixels, ids that are not uuids.
    std::fs::write(
        dir.join("annotations.json"),
        r##"[
  {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "#a88b22d0-6106-4872-9435-c78b5e89fede",
   "type": "Annotation",
   "body": [{"type": "TextualBody", "purpose": "tagging", "value": "Stamp/Mark"},
            {"type": "TextualBody", "purpose": "commenting", "value": "violet ink"}],
   "target": {"source": "https://example.org/iiif/page.jpg",
     "selector": {"type": "FragmentSelector", "conformsTo": "http://www.w3.org/TR/media-frags/",
                  "value": "xywh=pixel:270.4,120.6,90,170"}}},
  {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "#b2",
   "type": "Annotation",
   "body": [{"type": "TextualBody", "purpose": "tagging", "value": "signature"}],
   "target": {"source": "https://example.org/iiif/page.jpg",
     "selector": {"type": "SvgSelector",
                  "value": "<svg><polygon points=\"10,10 190.5,12 100,90\"></polygon></svg>"}}}
]"##,
    )
    .unwrap();
    let staging = tmp.path().join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    let p = marginalia::interchange::import::import_into(&w3c::W3cImporter, &dir, &staging)
        .map(|(p, _)| p)
        .unwrap();
    let doc = p.documents.values().next().unwrap();
    assert_eq!(doc.meta.title, "annotations");
    assert!(doc.meta.source.is_none());
    assert_eq!(doc.meta.images, vec![RelPath::parse("page.jpg").unwrap()]);
    assert!(staging.join("page.jpg").is_file(), "the image is copied");
    let mut shapes: Vec<(String, Shape, String)> = doc
        .annotations
        .values()
        .map(|a| {
            let r = a.region.clone().unwrap();
            assert_eq!(r.page, 0);
            (a.type_id().as_str().to_owned(), r.shape, a.note.clone())
        })
        .collect();
    shapes.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        shapes,
        vec![
            (
                "signature".to_owned(),
                Shape::Polygon(vec![(10, 10), (191, 12), (100, 90)]),
                String::new()
            ),
            (
                "stamp".to_owned(),
                Shape::Rect {
                    x: 270,
                    y: 121,
                    width: 90,
                    height: 170
                },
                "violet ink".to_owned()
            ),
        ]
    );
}

#[test]
fn w3c_refuses_what_cannot_be_placed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    let file = |selector: &str, source: &str| {
        format!(
            r#"[{{"@context": "http://www.w3.org/ns/anno.jsonld", "id": "x", "type": "Annotation",
               "body": [{{"type": "TextualBody", "purpose": "tagging", "value": "stamp"}}],
               "target": {{"source": "{source}", "selector": {selector}}}}}]"#
        )
    };
    for (json, want) in [
        (
            file(
                r#"{"type": "FragmentSelector", "value": "xywh=percent:1,2,3,4"}"#,
                "p.png",
            ),
            "percent",
        ),
        (
            file(
                r#"{"type": "SvgSelector", "value": "<svg><circle r='3'/></svg>"}"#,
                "p.png",
            ),
            "no <polygon>",
        ),
        (
            file(
                r#"{"type": "FragmentSelector", "value": "xywh=pixel:1,2,3,4"}"#,
                "https://example.org/missing.png",
            ),
            "missing.png",
        ),
    ] {
        std::fs::write(dir.join("a.json"), json).unwrap();
        let staging = tmp.path().join("staging");
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging).unwrap();
        let err = marginalia::interchange::import::import_into(&w3c::W3cImporter, &dir, &staging)
            .map(|(p, _)| p)
            .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(want), "{msg}");
        assert!(msg.contains("a.json"), "names the file: {msg}");
    }
}

#[test]
fn foreign_tei_facsimile_zones_become_linked_region_mentions() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(dir.join("img")).unwrap();
    std::fs::write(dir.join("img/f1.png"), png()).unwrap();
    std::fs::write(
        dir.join("letter.xml"),
        r##"<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader><fileDesc><titleStmt><title>Letter</title></titleStmt>
    <publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>
  <facsimile>
    <surface xml:id="f1"><graphic url="img/f1.png"/>
      <zone xml:id="z-sig" points="10,10 190,12 100,90"/>
      <zone xml:id="z-line" ulx="5" uly="100" lrx="300" lry="130"/>
      <zone xml:id="unused" ulx="1" uly="1" lrx="2" lry="2"/>
    </surface>
    <surface xml:id="f2"><graphic url="img/f2.png"/></surface>
  </facsimile>
  <text><body>
    <pb n="1" facs="#f1"/>
    <p>Dear <persName facs="#z-line">Kim</persName>, signed <persName facs="#z-sig">Peng</persName>.</p>
    <pb n="2" facs="#f2"/>
    <p>Second page.</p>
  </body></text>
</TEI>"##,
    )
    .unwrap();
    let p = import(&tei::TeiImporter, &dir, tmp.path());
    let doc = p.documents.values().next().unwrap();
    assert_eq!(
        doc.meta.images,
        vec![
            RelPath::parse("img/f1.png").unwrap(),
            RelPath::parse("img/f2.png").unwrap()
        ]
    );
    let pbs: Vec<(&str, &str)> = doc
        .meta
        .archival
        .page_breaks
        .iter()
        .map(|b| (b.n.as_str(), b.facs.as_str()))
        .collect();
    assert_eq!(pbs, vec![("1", "img/f1.png"), ("2", "img/f2.png")]);
    let text_of = |id: AnnId| {
        doc.annotations[&id]
            .anchor()
            .unwrap()
            .covered_text(doc.text_or_empty())
    };
    let mut linked: Vec<(String, String, Shape)> = doc
        .annotations
        .values()
        .filter_map(|a| {
            let r = a.region.as_ref()?;
            assert_eq!(r.page, 0);
            assert!(a.anchor().unwrap().fragments.is_empty());
            Some((
                a.type_id().as_str().to_owned(),
                text_of(r.text.unwrap()),
                r.shape.clone(),
            ))
        })
        .collect();
    linked.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        linked,
        vec![
            (
                "person".to_owned(),
                "Kim".to_owned(),
                Shape::Rect {
                    x: 5,
                    y: 100,
                    width: 295,
                    height: 30
                }
            ),
            (
                "person".to_owned(),
                "Peng".to_owned(),
                Shape::Polygon(vec![(10, 10), (190, 12), (100, 90)])
            ),
        ],
        "the zone nothing points at is not an annotation"
    );
}

#[test]
fn formats_without_pages_say_what_they_leave_out() {
    let (p, ids) = fixture();
    for (format, exporter) in [
        ("brat", &brat::BratExporter as &dyn Exporter),
        ("CSV", &csv::CsvExporter),
        ("JSON Lines", &jsonl::JsonlExporter),
        ("CoNLL", &conll::ConllExporter),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let omitted = export(&p, exporter, &tmp.path().join("out"));
        let has = |needle: &str| omitted.iter().any(|l| l.contains(needle));
        assert!(
            has(&format!(
                "{format} cannot express page images (2) of \"cable\""
            )),
            "{format}: {omitted:#?}"
        );
        assert!(
            has(&format!(
                "{format} cannot express page breaks (2) of \"cable\""
            )),
            "{format}: {omitted:#?}"
        );
        for r in [ids.rect, ids.polygon, ids.both, ids.alone] {
            assert!(
                omitted
                    .iter()
                    .any(|l| l.contains("a region of a page image") && l.contains(&r.to_string())),
                "{format}: region {r}: {omitted:#?}"
            );
        }
    }
    // brat writes no span for a region without words.
    let tmp = tempfile::tempdir().unwrap();
    export(&p, &brat::BratExporter, &tmp.path().join("brat"));
    let ann = std::fs::read_to_string(tmp.path().join("brat/sources/cable.ann")).unwrap();
    assert_eq!(
        ann.lines().filter(|l| l.starts_with('T')).count(),
        3,
        "{ann}"
    );
}

#[test]
fn the_samples_regions_are_linked_and_survive_both_formats() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951");
    let p = marginalia::store::load(&dir).unwrap().project;
    let doc = p.documents.values().next().unwrap();
    let mut found: Vec<(String, &str, String)> = doc
        .annotations
        .values()
        .filter_map(|a| {
            let r = a.region.as_ref()?;
            r.shape.check_inside(1700, 2200).unwrap();
            let t = &doc.annotations[&r.text.unwrap()];
            let kind = match r.shape {
                Shape::Rect { .. } => "rect",
                Shape::Polygon(_) => "polygon",
            };
            Some((
                a.type_id().as_str().to_owned(),
                kind,
                t.anchor().unwrap().covered_text(doc.text_or_empty()),
            ))
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            ("docref".to_owned(), "rect", "CABLE Nº 21677".to_owned()),
            ("stamp".to_owned(), "polygon", "Vaganov".to_owned()),
            ("stamp".to_owned(), "polygon", "[signature]".to_owned()),
            (
                "stamp".to_owned(),
                "rect",
                "Stamp: SUBJECT TO RETURN".to_owned()
            ),
        ]
    );
    for (format, exporter, importer) in [
        (
            "W3C",
            &w3c::W3cExporter as &dyn Exporter,
            &w3c::W3cImporter as &dyn Importer,
        ),
        ("TEI", &tei::TeiExporter, &tei::TeiImporter),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        export(&p, exporter, &tmp.path().join("out"));
        let back = import(importer, &tmp.path().join("out"), tmp.path());
        let b = back.documents.values().next().unwrap();
        assert_eq!(regions(b), regions(doc), "{format}");
        assert_eq!(b.meta.images, doc.meta.images, "{format}");
    }
}

#[test]
fn a_volume_gives_each_document_the_pages_it_points_at() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("volume.xml"),
        r##"<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader><fileDesc><titleStmt><title>Volume</title></titleStmt>
    <publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>
  <facsimile>
    <surface xml:id="s1"><graphic url="p1.jpg"/></surface>
    <surface xml:id="s2"><graphic url="p2.jpg"/><zone xml:id="zz" ulx="1" uly="2" lrx="30" lry="40"/></surface>
  </facsimile>
  <text><body>
    <div type="document" n="1" xml:id="d1"><pb n="1" facs="#s1"/><p>First document.</p></div>
    <div type="document" n="2" xml:id="d2"><pb n="2" facs="#s2"/><p>To <persName facs="#zz">Kim</persName>.</p></div>
  </body></text>
</TEI>"##,
    )
    .unwrap();
    let p = import(&tei::TeiImporter, &dir, tmp.path());
    let by_number = |n: &str| {
        p.documents
            .values()
            .find(|d| d.meta.archival.number == n)
            .unwrap()
    };
    let (d1, d2) = (by_number("1"), by_number("2"));
    assert_eq!(d1.meta.images, vec![RelPath::parse("p1.jpg").unwrap()]);
    assert_eq!(d2.meta.images, vec![RelPath::parse("p2.jpg").unwrap()]);
    assert_eq!(d2.meta.archival.page_breaks[0].facs, "p2.jpg");
    let r: Vec<&PageRegion> = d2
        .annotations
        .values()
        .filter_map(|a| a.region.as_ref())
        .collect();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].page, 0, "page index in the document's own pages");
    assert!(regions(d1).is_empty());
}

/// The RecogitoJS profile writes the regions in the profile Annotorious draws (one target
/// object whose `selector` is an object, `source` the page image), in `<stem>.regions.json`;
/// a region linked to a text mention says so in a `linking` body; page breaks are reported.
#[test]
fn recogito_profile_writes_regions_annotorious_draws() {
    let (p, ids) = fixture();
    let tmp = tempfile::tempdir().unwrap();
    let omitted = export(&p, &w3c::RecogitoExporter, &tmp.path().join("out"));
    assert!(
        omitted
            .iter()
            .any(|l| l.contains("cannot express page breaks (2) of \"cable\"")),
        "{omitted:#?}"
    );
    assert!(
        !omitted
            .iter()
            .any(|l| l.contains("a region of a page image")),
        "{omitted:#?}"
    );
    let regions: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(find_file(&tmp.path().join("out"), ".regions.json")).unwrap(),
    )
    .unwrap();
    let items = regions.as_array().unwrap();
    assert_eq!(items.len(), 4, "{regions:#}");
    for r in [ids.rect, ids.polygon, ids.both, ids.alone] {
        let a = items
            .iter()
            .find(|a| a["id"].as_str().unwrap().contains(&r.to_string()))
            .unwrap_or_else(|| panic!("region {r}: {regions:#}"));
        let t = &a["target"];
        assert!(t.is_object(), "{a:#}");
        assert!(
            t["source"].as_str().unwrap().ends_with(".png")
                || t["source"].as_str().unwrap().ends_with(".jpg"),
            "{a:#}"
        );
        let sel = &t["selector"];
        assert!(sel.is_object(), "{a:#}");
        match sel["type"].as_str().unwrap() {
            "FragmentSelector" => {
                assert!(sel["value"].as_str().unwrap().starts_with("xywh=pixel:"))
            }
            "SvgSelector" => assert!(sel["value"].as_str().unwrap().contains("<polygon points=")),
            other => panic!("{other}"),
        }
    }
}
/// The first file under `dir` whose name ends with `suffix`.
fn find_file(dir: &Path, suffix: &str) -> std::path::PathBuf {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .map(|e| e.path().to_path_buf())
        .find(|p| p.to_string_lossy().ends_with(suffix))
        .unwrap_or_else(|| panic!("no *{suffix} in {}", dir.display()))
}

/// The W3C export keeps the archival description, page breaks included, and the import
/// restores it.
#[test]
fn w3c_round_trip_keeps_page_breaks_and_archival_description() {
    let (p, _) = fixture();
    let tmp = tempfile::tempdir().unwrap();
    let omitted = export(&p, &w3c::W3cExporter, &tmp.path().join("out"));
    assert!(
        !omitted
            .iter()
            .any(|l| l.contains("archival") || l.contains("page breaks")),
        "{omitted:#?}"
    );
    let back = import(&w3c::W3cImporter, &tmp.path().join("out"), tmp.path());
    let before = p.documents.values().next().unwrap();
    let after = back.documents.values().next().unwrap();
    assert_eq!(after.meta.archival.page_breaks.len(), 2);
    assert_eq!(after.meta.archival, before.meta.archival);
}
