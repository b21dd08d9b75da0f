//! Fuzz harness for the importers (issue 8, "Keep it hard"): structured mutations of real
//! inputs (exports of the sample project, `tests/fixtures`, and in the long run the shared
//! corpora), each imported with [`import::run`] into a fresh folder inside a sandbox folder
//! on a thread with a time limit. Checks per input: no panic, no hang, nothing in the
//! sandbox created, changed or removed outside the output folder (the input included, and
//! no staging folder left behind), an error names a file, and an import that succeeds
//! wrote a project that loads with no error problem (as `check` would).
//!
//! The quick run is part of `cargo test`; the long one is
//! `cargo test --test import_fuzz -- --ignored --nocapture` (`FUZZ_SECONDS` per target,
//! default 45; `FUZZ_SEED` for other inputs; needs the shared corpora, `MARGINALIA_SHARED`
//! or `../shared`), and its figures go into `docs/reliability.md`.
//!
//! Adding an importer is one [`Target`]: its id, its seed folders, and the tokens and
//! nesting that its syntax is made of.
#![allow(clippy::unwrap_used)]

use marginalia::interchange::export::{self, ExportOptions};
use marginalia::interchange::formats;
use marginalia::interchange::import;
use marginalia::model::validate::Severity;
use marginalia::store;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

mod support;

use support::fuzz::{Edit, copy_dir, insert, nest, seeded_runner, snapshot, within};
use support::shared;

/// One importer under test.
struct Target {
    /// The importer's id in [`formats::importer`].
    importer: &'static str,
    /// Seed folders, each imported as a whole; `long` adds the shared corpora.
    seeds: fn(long: bool) -> Vec<PathBuf>,
    /// Files with these extensions in a seed are the ones mutated.
    mutate: &'static [&'static str],
    /// Pieces of the format's syntax inserted by [`Mutation::Insert`].
    tokens: &'static [&'static str],
    /// What [`Mutation::Nest`] wraps a position in (open, close).
    nest: (&'static str, &'static str),
    /// The file of a seed folder to import, when the importer takes a file (IIIF's
    /// manifest); else the folder.
    entry: Option<&'static str>,
}

/// Every importer the harness covers.
const TARGETS: &[Target] = &[
    Target {
        importer: "brat",
        seeds: brat_seeds,
        mutate: &["ann", "conf", "txt"],
        tokens: BRAT_TOKENS,
        nest: ("[", "]"),
        entry: None,
    },
    Target {
        importer: "tei",
        seeds: tei_seeds,
        mutate: &["xml"],
        tokens: XML_TOKENS,
        nest: ("<hi>", "</hi>"),
        entry: None,
    },
    Target {
        importer: "w3c",
        seeds: w3c_seeds,
        mutate: &["json", "jsonld", "txt"],
        tokens: JSON_TOKENS,
        nest: ("[", "]"),
        entry: None,
    },
    Target {
        importer: "webanno-tsv",
        seeds: webanno_seeds,
        mutate: &["tsv"],
        tokens: TSV_TOKENS,
        nest: ("[", "]"),
        entry: None,
    },
    Target {
        importer: "text",
        seeds: text_seeds,
        mutate: &["txt", "md"],
        tokens: TEXT_TOKENS,
        nest: ("(", ")"),
        entry: None,
    },
    Target {
        importer: "page",
        seeds: page_seeds,
        mutate: &["xml"],
        tokens: LAYOUT_TOKENS,
        nest: ("<TextRegion>", "</TextRegion>"),
        entry: None,
    },
    Target {
        importer: "alto",
        seeds: alto_seeds,
        mutate: &["xml"],
        tokens: LAYOUT_TOKENS,
        nest: ("<ComposedBlock>", "</ComposedBlock>"),
        entry: None,
    },
    Target {
        importer: "hocr",
        seeds: hocr_seeds,
        mutate: &["hocr"],
        tokens: LAYOUT_TOKENS,
        nest: ("<span class='ocr_line'>", "</span>"),
        entry: None,
    },
    Target {
        importer: "pdf",
        seeds: pdf_seeds,
        mutate: &["pdf"],
        tokens: PDF_TOKENS,
        nest: ("<<", ">>"),
        entry: None,
    },
    Target {
        importer: "iiif",
        seeds: iiif_seeds,
        mutate: &["json"],
        tokens: IIIF_TOKENS,
        nest: ("[", "]"),
        entry: Some("manifest.json"),
    },
];

/// PAGE, ALTO and hOCR syntax: elements and attributes the readers look at, hostile
/// coordinates, references to files that are not there or outside.
const LAYOUT_TOKENS: &[&str] = &[
    "<TextRegion id=\"r9\">",
    "</TextRegion>",
    "<TextLine id=\"l9\"><TextEquiv><Unicode>x</Unicode></TextEquiv></TextLine>",
    "<Coords points=\"0,0 99999999999,0 5,-7\"/>",
    "<Coords points=\"1,1 1,1\"/>",
    "<RegionRefIndexed index=\"-1\" regionRef=\"r1\"/>",
    "<OrderedGroup>",
    " custom=\"person {offset:-1; length:99999;} place {offset:2;length:1;continued:true;}\"",
    " imageFilename=\"../../outside.png\"",
    " imageWidth=\"0\"",
    "<String CONTENT=\"x\" HPOS=\"NaN\" VPOS=\"1e308\" WIDTH=\"-5\" HEIGHT=\"0\"/>",
    "<SP/>",
    "<HYP CONTENT=\"¬\"/>",
    " TAGREFS=\"t1 t2\"",
    " STYLEREFS=\"s9\"",
    "<fileName>/etc/passwd</fileName>",
    "title='bbox 0 0 1 1; image \"../../x.png\"'",
    "<span class='ocrx_word' title='bbox 5 5 1 1; x_wconf 999'>w</span>",
    "<div class='ocr_page' title='bbox 0 0 0 0'>",
    "&nbsp;",
    "&unknown;",
    "<!DOCTYPE x [<!ENTITY e \"eeeeeeee\">]>",
];

/// PDF syntax: objects, streams with lying lengths, references far away, encryption.
const PDF_TOKENS: &[&str] = &[
    "obj",
    "endobj",
    "stream\n",
    "\nendstream",
    "/Length 99999999",
    "<<",
    ">>",
    "[",
    "]",
    "/Type /Page",
    "/Kids [1 0 R 1 0 R]",
    "xref\n0 1\n",
    "trailer",
    "%%EOF",
    "/Encrypt 1 0 R",
    "/Filter /FlateDecode",
    "BT /F1 1e30 Tf (x) Tj ET",
    "q 1e308 0 0 1e308 0 0 cm",
    "9999999999 0 R",
    "/PageLabels << /Nums [0 << /S /R /St -5 >>] >>",
    "/Width 100000 /Height 100000",
];

/// IIIF manifests without web addresses (nothing is fetched from outside: the images are
/// `urn:` ids, which the fetcher refuses).
const IIIF_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    "\"type\": \"Canvas\"",
    "\"type\": \"Collection\"",
    "\"items\": []",
    "\"width\": -1",
    "\"height\": 1e308",
    "\"label\": {\"none\": [\"\u{202e}\"]}",
    "\"service\": [{\"id\": \"urn:x\", \"type\": \"ImageService3\"}]",
    "\"@context\": \"http://iiif.io/api/presentation/2/context.json\"",
    "\"sequences\": [{\"canvases\": []}]",
    "null",
    "\"urn:marginalia:fuzz/../../outside\"",
];

/// WebAnno TSV 3.3 syntax: headers, sentence and token rows, stacked and slot values,
/// escapes, and UTF-16 offsets past the text.
const TSV_TOKENS: &[&str] = &[
    "#FORMAT=WebAnno TSV 3.3\n",
    "#T_SP=webanno.custom.Span|value\n",
    "#T_RL=webanno.custom.Rel|value|BT_webanno.custom.Span\n",
    "#T_CH=webanno.custom.Chain|referenceType|referenceRelation\n",
    "\n#Text=",
    "\t",
    "1-1\t0-4\tKim\t",
    "1-2\t99999-100000\tx\t",
    "1-1.1\t0-2\tKi\t",
    "*[1]|*[2]",
    "_",
    "*",
    "[4294967296]",
    "1-1[0_0]",
    "\\|",
    "\\[",
    "\\",
    "->",
];

const COMMON_TOKENS: &[&str] = &[
    "\u{feff}",
    "\r\n",
    "\r",
    "\n",
    "\0",
    "\u{202e}",
    "🦀",
    "e\u{301}",
    "\u{ffff}",
    "\u{10ffff}",
    "../../outside",
    "/etc/passwd",
    "-1",
    "0",
    "4294967296",
    "18446744073709551616",
];

const BRAT_TOKENS: &[&str] = &[
    "\t",
    "T1\tPerson 0 5\tx\n",
    "T1\tPerson 0 5\tx\n",
    "T999\tPerson 3 1\tx\n",
    "T2\tPerson 0 5;3 9\tx\n",
    "T3\tPerson 0 18446744073709551615\tx\n",
    "T4\t../../x 0 1\tx\n",
    "R1\tRel Arg1:T1 Arg2:T1\n",
    "R2\tRel Arg1:T404 Arg2:T1\n",
    "E1\tEv:T1 Theme:T1 Theme2:E1\n",
    "E2\tEv:E2\n",
    "A1\tNegation T1\n",
    "A2\tKind E1 Value\n",
    "M1\tKind T1 Value\n",
    "#1\tAnnotatorNotes T1\tnote\n",
    "#2\tAnnotatorNotes T404\tnote\n",
    "N1\tReference T1 Wiki:1\tx\n",
    "*\tEquiv T1 T1 T404\n",
    "[entities]\n",
    "[relations]\n",
    "[events]\n",
    "[attributes]\n",
    "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n",
    "Rel\tArg1:Person, Arg2:Person\n",
    "Ev\tTheme:Person, Theme2*:<EVENT>\n",
    "Kind\tArg:<ENTITY>, Value:A|B|C\n",
    "<ENTITY>=Person|Place\n",
    "!Person\n",
    "\tsub\n",
    " ",
    ";",
    ":",
    "|",
];

const XML_TOKENS: &[&str] = &[
    "<",
    ">",
    "/>",
    "</div>",
    "<div type=\"document\" xml:id=\"d1\">",
    "<div type=\"document\" xml:id=\"x/../../../notes\">",
    "<div type=\"document\" xml:id=\"\">",
    "<persName ref=\"#p1\">",
    "</persName>",
    "<placeName ref=\"#../x\">",
    "<date when=\"1951-13-45\">",
    "<date when=\"-99999\">",
    "<note>",
    "</note>",
    "<p>",
    "</p>",
    "<lb/>",
    "<pb n=\"1\"/>",
    "<anchor xml:id=\"a1\"/>",
    "<span from=\"#a1\" to=\"#a0\">",
    "xml:id=\"d1\"",
    "xml:space=\"preserve\"",
    "&amp;",
    "&lt;",
    "&#0;",
    "&#x110000;",
    "&#xD800;",
    "&undefined;",
    "<!DOCTYPE TEI [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>",
    "&b;",
    "<!ENTITY x SYSTEM \"file:///etc/passwd\">",
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
    "<?pi x?>",
    "xmlns=\"http://example.org\"",
    "\"",
    "'",
];

const JSON_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "null",
    "true",
    "1e309",
    "-0",
    "\\u0000",
    "\\ud800",
    "\"id\": \"urn:x\",",
    "\"id\": \"\",",
    "\"type\": \"Annotation\",",
    "\"type\": \"AnnotationCollection\",",
    "\"type\": \"TextPositionSelector\", \"start\": 5, \"end\": 1,",
    "\"type\": \"TextQuoteSelector\", \"exact\": \"\",",
    "\"start\": 18446744073709551616,",
    "\"source\": \"../../../etc/passwd\",",
    "\"source\": \"file:///etc/passwd\",",
    "\"body\": [],",
    "\"target\": {},",
    "\"items\": [{}],",
    "\"@context\": \"http://www.w3.org/ns/anno.jsonld\",",
];

const TEXT_TOKENS: &[&str] = &[
    "\u{85}",
    "\u{2028}",
    "\t",
    "\x1b[31m",
    "# heading\n",
    "\u{fffd}",
    "\u{200b}",
];

/// The sample project under `projects/`.
fn sample_project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951")
}

/// Exports of the sample project (`brat`, `tei`, `w3c`) and its source texts (`text`),
/// made once per test process.
fn sample_exports() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let loaded = store::load(&sample_project()).unwrap();
        for id in ["brat", "tei", "w3c", "webanno-tsv"] {
            let exporter = formats::exporter(id).unwrap();
            export::run(
                &*exporter,
                &loaded.project,
                &dir.path().join(id),
                &ExportOptions::default(),
                &mut |_| {},
            )
            .unwrap();
        }
        let text = dir.path().join("text");
        std::fs::create_dir_all(&text).unwrap();
        for e in std::fs::read_dir(sample_project().join("sources")).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "txt") {
                std::fs::copy(&p, text.join(p.file_name().unwrap())).unwrap();
            }
        }
        dir
    })
    .path()
}

/// Folders of one file each: every `*.json` directly in `dir` (the W3C test suite's
/// annotations are separate cases, each imported on its own).
fn one_file_seeds(name: &str, dir: &Path, ext: &str) -> Vec<PathBuf> {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let root = DIR.get_or_init(|| tempfile::tempdir().unwrap()).path();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort();
    files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let seed = root.join(format!("{name}-{i}"));
            if !seed.exists() {
                std::fs::create_dir_all(&seed).unwrap();
                std::fs::copy(f, seed.join(f.file_name().unwrap())).unwrap();
            }
            seed
        })
        .collect()
}

fn brat_seeds(long: bool) -> Vec<PathBuf> {
    let mut seeds = vec![sample_exports().join("brat")];
    if long {
        let tutorials = shared("corpora/brat/tutorials");
        for e in std::fs::read_dir(tutorials).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                seeds.push(p);
            }
        }
    }
    seeds
}

fn tei_seeds(long: bool) -> Vec<PathBuf> {
    let mut seeds = vec![
        sample_exports().join("tei"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tei"),
    ];
    if long {
        seeds.extend(one_file_seeds(
            "letters",
            &shared("corpora/tei/letters"),
            "xml",
        ));
    }
    seeds
}

fn w3c_seeds(long: bool) -> Vec<PathBuf> {
    let mut seeds = vec![sample_exports().join("w3c")];
    if long {
        seeds.extend(one_file_seeds(
            "w3c",
            &shared("corpora/w3c/annotations"),
            "json",
        ));
    }
    seeds
}

fn webanno_seeds(long: bool) -> Vec<PathBuf> {
    let mut seeds = vec![sample_exports().join("webanno-tsv")];
    if long {
        // INCEpTION's own round-trip suite: each case's reference.tsv on its own.
        static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
        let root = DIR.get_or_init(|| tempfile::tempdir().unwrap()).path();
        let suite = shared("corpora/webanno-tsv/tsv3-suite");
        let mut cases: Vec<PathBuf> = std::fs::read_dir(suite)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.join("reference.tsv").is_file())
            .collect();
        cases.sort();
        for (i, case) in cases.iter().enumerate() {
            let seed = root.join(format!("webanno-{i}"));
            if !seed.exists() {
                std::fs::create_dir_all(&seed).unwrap();
                std::fs::copy(case.join("reference.tsv"), seed.join("reference.tsv")).unwrap();
            }
            seeds.push(seed);
        }
    }
    seeds
}

fn text_seeds(_long: bool) -> Vec<PathBuf> {
    vec![sample_exports().join("text")]
}

/// Generated seeds for the archive formats (PAGE, ALTO, hOCR with page images; PDFs with
/// text, labels and a scanned page; a IIIF manifest), made once per test process.
fn archive_seeds() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let img = |p: &Path| {
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            image::RgbImage::from_pixel(40, 60, image::Rgb([240, 240, 230]))
                .save(p)
                .unwrap();
        };
        img(&d.join("page/p1.png"));
        std::fs::write(
            d.join("page/p1.xml"),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">
<Page imageFilename="p1.png" imageWidth="40" imageHeight="60">
<ReadingOrder><OrderedGroup id="g"><RegionRefIndexed index="0" regionRef="r1"/></OrderedGroup></ReadingOrder>
<TextRegion id="r1" type="paragraph"><Coords points="1,1 39,1 39,50 1,50"/>
<TextLine id="l1" custom="readingOrder {index:0;} person {offset:0; length:3;} place {offset:4;length:2;continued:true;}"><Coords points="1,1 39,1 39,20 1,20"/><Baseline points="1,19 39,19"/>
<Word id="w1"><Coords points="1,1 10,1 10,20"/><TextEquiv conf="0.9"><Unicode>Kim</Unicode></TextEquiv><TextStyle italic="true"/></Word>
<TextEquiv conf="0.8"><Unicode>Kim Ir-</Unicode></TextEquiv><TextStyle bold="true"/></TextLine>
<TextLine id="l2" custom="place {offset:0; length:3;}"><Coords points="1,25 39,25 39,45 1,45"/><TextEquiv><Unicode>sen 金日成</Unicode></TextEquiv></TextLine>
</TextRegion><ImageRegion id="i1"><Coords points="5,52 30,52 30,58"/></ImageRegion>
</Page></PcGts>"#,
        )
        .unwrap();
        img(&d.join("alto/p1.png"));
        std::fs::write(
            d.join("alto/p1.xml"),
            r#"<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Description><MeasurementUnit>pixel</MeasurementUnit>
<sourceImageInformation><fileName>p1.png</fileName></sourceImageInformation></Description>
<Styles><TextStyle ID="s1" FONTSTYLE="bold italics"/></Styles>
<Tags><NamedEntityTag ID="t1" TYPE="Person" LABEL="Kim"/></Tags>
<Layout><Page WIDTH="40" HEIGHT="60" PRINTED_IMG_NR="1"><PrintSpace>
<TextBlock ID="b1" HPOS="1" VPOS="1" WIDTH="38" HEIGHT="50"><Shape><Polygon POINTS="1,1 39,1 39,50 1,50"/></Shape>
<TextLine ID="l1" HPOS="1" VPOS="1" WIDTH="38" HEIGHT="20"><String CONTENT="Kim" TAGREFS="t1" STYLEREFS="s1" WC="0.9" HPOS="1" VPOS="1" WIDTH="10" HEIGHT="20"/><SP/><String CONTENT="Ir" TAGREFS="t1" HPOS="15" VPOS="1" WIDTH="10" HEIGHT="20"/><HYP CONTENT="-"/></TextLine>
<TextLine ID="l2" HPOS="1" VPOS="25" WIDTH="38" HEIGHT="20"><String CONTENT="sen" HPOS="1" VPOS="25" WIDTH="10" HEIGHT="20"/></TextLine>
</TextBlock><Illustration ID="i1" HPOS="5" VPOS="52" WIDTH="25" HEIGHT="6"/></PrintSpace></Page></Layout></alto>"#,
        )
        .unwrap();
        img(&d.join("hocr/p1.png"));
        std::fs::write(
            d.join("hocr/p1.hocr"),
            r#"<html xmlns="http://www.w3.org/1999/xhtml"><head><meta charset="utf-8"></head><body>
<div class='ocr_page' title='image "p1.png"; bbox 0 0 40 60'><div class='ocr_carea' title='bbox 1 1 39 50'>
<p class='ocr_par' title='bbox 1 1 39 50'><span class='ocr_line' title='bbox 1 1 39 20; baseline 0 -2'>
<span class='ocrx_word' title='bbox 1 1 10 20; x_wconf 90'><strong>Kim</strong></span> <span class='ocrx_word' title='bbox 15 1 25 20'>Ir-</span></span>
<span class='ocr_line' title='bbox 1 25 39 45'><span class='ocrx_word' title='bbox 1 25 10 45'>sen&nbsp;</span></span></p></div>
<div class='ocr_separator' title='bbox 0 55 40 56'></div></div></body></html>"#,
        )
        .unwrap();
        std::fs::create_dir_all(d.join("pdf")).unwrap();
        let pages = vec![
            support::pdf::Page::Text(vec!["Kim Ir Sen (chief)".into(), "Kaesong".into()]),
            support::pdf::Page::Scan {
                width: 20,
                height: 30,
            },
        ];
        let opts = support::pdf::Options {
            labels: vec![(0, "r", "", 1)],
            ..Default::default()
        };
        std::fs::write(d.join("pdf/a.pdf"), support::pdf::pdf(&pages, &opts)).unwrap();
        std::fs::create_dir_all(d.join("iiif")).unwrap();
        std::fs::write(
            d.join("iiif/manifest.json"),
            r#"{"@context": "http://iiif.io/api/presentation/3/context.json", "id": "urn:marginalia:fuzz", "type": "Manifest",
"label": {"en": ["Fuzz"]}, "metadata": [{"label": {"en": ["Date"]}, "value": {"none": ["1951"]}}],
"items": [{"id": "urn:marginalia:fuzz/c1", "type": "Canvas", "label": {"none": ["1r"]}, "width": 40, "height": 60,
 "items": [{"id": "urn:p", "type": "AnnotationPage", "items": [{"id": "urn:a", "type": "Annotation", "motivation": "painting",
 "body": {"id": "urn:marginalia:fuzz/img.jpg", "type": "Image", "service": [{"id": "urn:marginalia:fuzz/svc", "type": "ImageService3"}]},
 "target": "urn:marginalia:fuzz/c1"}]}]}]}"#,
        )
        .unwrap();
        dir
    })
    .path()
}

/// The Kant pages of the shared HTR corpus (PAGE, ALTO, scans, METS).
fn kant() -> PathBuf {
    shared("corpora/htr/kant_aufklaerung_1784/data")
}

fn page_seeds(long: bool) -> Vec<PathBuf> {
    let mut seeds = vec![archive_seeds().join("page")];
    if long {
        seeds.push(kant());
    }
    seeds
}

fn alto_seeds(long: bool) -> Vec<PathBuf> {
    let mut seeds = vec![archive_seeds().join("alto")];
    if long {
        seeds.push(kant());
    }
    seeds
}

fn hocr_seeds(_long: bool) -> Vec<PathBuf> {
    vec![archive_seeds().join("hocr")]
}

fn pdf_seeds(_long: bool) -> Vec<PathBuf> {
    vec![archive_seeds().join("pdf")]
}

fn iiif_seeds(_long: bool) -> Vec<PathBuf> {
    vec![archive_seeds().join("iiif")]
}

/// One structured change to an input folder.
#[derive(Clone, Debug)]
enum Mutation {
    Edit(Edit),
    /// Inserts the `nth` token of the target or a common one.
    Insert {
        at: usize,
        nth: usize,
    },
    /// Repeats line `nth` `times` times.
    RepeatLine {
        nth: usize,
        times: usize,
    },
    /// Wraps position `at` in `depth` of the target's nesting.
    Nest {
        at: usize,
        depth: usize,
    },
    /// Removes the file.
    RemoveFile,
    /// Copies the file beside itself under another name.
    CopyFile {
        name: &'static str,
    },
}

const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1",
    "2",
    "255",
    "256",
    "65536",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "1e400",
    "-0",
    "0x10",
    "1.5",
    "NaN",
    "99999999999999999999999999",
];

const COPY_NAMES: &[&str] = &[
    "copy",
    "Copy",
    " copy ",
    "-rf",
    ".hidden",
    "con",
    "é",
    "e\u{301}",
    "a:b",
    "x.ann",
    "x.txt",
    "annotation.conf",
];

fn string_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("../outside.txt".to_owned()),
        Just("../../../../../../tmp/outside".to_owned()),
        Just("/etc/passwd".to_owned()),
        Just("file:///etc/passwd".to_owned()),
        Just("C:\\\\x".to_owned()),
        Just(".".to_owned()),
        Just("#".to_owned()),
        Just("x".repeat(70_000)),
        "[a-zA-Z0-9_#:./-]{0,12}",
        any::<String>().prop_map(|s| s.replace(['"', '\\', '<', '&'], "")),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let pos = any::<usize>();
    let edit = Mutation::Edit;
    prop_oneof![
        3 => (pos, 1usize..64).prop_map(move |(at, len)| edit(Edit::Delete { at, len })),
        2 => (pos, 1usize..256, pos).prop_map(move |(from, len, to)| edit(Edit::Duplicate { from, len, to })),
        6 => (pos, pos).prop_map(|(at, nth)| Mutation::Insert { at, nth }),
        4 => (pos, prop::sample::select(NUMBERS)).prop_map(move |(nth, value)| edit(Edit::Number { nth, value })),
        3 => (pos, string_value()).prop_map(move |(nth, value)| edit(Edit::Str { nth, value })),
        2 => (pos, pos).prop_map(move |(a, b)| edit(Edit::SwapLines { a, b })),
        1 => (pos, 1usize..3000).prop_map(|(nth, times)| Mutation::RepeatLine { nth, times }),
        1 => pos.prop_map(move |at| edit(Edit::Truncate { at })),
        2 => (pos, 0u8..8).prop_map(move |(at, bit)| edit(Edit::FlipBit { at, bit })),
        1 => (pos, 1usize..3000).prop_map(|(at, depth)| Mutation::Nest { at, depth }),
        1 => Just(Mutation::RemoveFile),
        1 => prop::sample::select(COPY_NAMES).prop_map(|name| Mutation::CopyFile { name }),
    ]
}

/// A case: which seed, which file in it, and the changes.
fn case() -> impl Strategy<Value = (usize, usize, Vec<Mutation>)> {
    (
        any::<usize>(),
        any::<usize>(),
        prop::collection::vec(mutation(), 1..4),
    )
}

/// Applies `m` to `file`'s bytes (or to the file itself), with `target`'s syntax.
fn apply(target: &Target, file: &Path, bytes: &mut Vec<u8>, m: &Mutation) {
    match m {
        Mutation::Edit(e) => e.apply(bytes),
        Mutation::Insert { at, nth } => {
            let all = target.tokens.len() + COMMON_TOKENS.len();
            let nth = nth % all;
            let token = target
                .tokens
                .get(nth)
                .unwrap_or_else(|| &COMMON_TOKENS[nth - target.tokens.len()]);
            insert(bytes, *at, token.as_bytes());
        }
        Mutation::RepeatLine { nth, times } => {
            let mut lines: Vec<Vec<u8>> =
                bytes.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect();
            let i = nth % lines.len();
            let line = lines[i].clone();
            lines.splice(i..i, std::iter::repeat_n(line, *times));
            *bytes = lines.join(&b'\n');
        }
        Mutation::Nest { at, depth } => nest(bytes, *at, *depth, target.nest.0, target.nest.1),
        Mutation::RemoveFile => {
            let _ = std::fs::remove_file(file);
        }
        Mutation::CopyFile { name } => {
            let ext = file.extension().map(|e| e.to_string_lossy().into_owned());
            let copy = file.with_file_name(match ext {
                Some(ext) if !name.contains('.') => format!("{name}.{ext}"),
                _ => (*name).to_owned(),
            });
            if !copy.exists() {
                std::fs::write(copy, &*bytes).unwrap();
            }
        }
    }
}

/// Relative paths of the files under `dir` whose extension is one of `exts`, sorted.
fn mutable_files(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = snapshot(dir)
        .into_keys()
        .filter(|p| p.is_file())
        .filter(|p| p.extension().is_some_and(|e| exts.iter().any(|x| e == *x)))
        .map(|p| p.strip_prefix(dir).unwrap().to_path_buf())
        .collect();
    out.sort();
    out
}

#[derive(Debug, Default)]
struct Stats {
    inputs: usize,
    imported: usize,
    clear_errors: usize,
    panics: usize,
    hangs: usize,
    outside_writes: usize,
    failures: Vec<String>,
}

/// The per-input time limit.
const LIMIT: Duration = Duration::from_secs(20);

/// What one import did, judged.
enum Outcome {
    Imported,
    ClearError,
    Failure(String),
}

/// Imports `input` with `importer` into `out`, on a thread with the time limit. `None` is a
/// hang; `Some(Err(()))` a panic.
fn import_within(
    importer: &'static str,
    input: &Path,
    out: &Path,
) -> Option<Result<Result<PathBuf, String>, ()>> {
    let (input, out) = (input.to_path_buf(), out.to_path_buf());
    within(LIMIT, move || {
        let importer = formats::importer(importer).unwrap();
        import::run(&*importer, &input, &out).map_err(|e| e.to_string())
    })
    .map(|r| r.map_err(|_| ()))
}

/// Whether the project `file` inside `out` loads with no error problem.
fn judge_imported(file: &Path, out: &Path) -> Outcome {
    if !file.starts_with(out) {
        return Outcome::Failure(format!(
            "project file outside the output: {}",
            file.display()
        ));
    }
    match store::load(file) {
        Err(e) => Outcome::Failure(format!("the imported project does not load: {e}")),
        Ok(loaded) => match loaded
            .problems
            .iter()
            .find(|p| p.severity == Severity::Error)
        {
            Some(p) => Outcome::Failure(format!(
                "the imported project does not pass check: {}",
                p.message
            )),
            None => Outcome::Imported,
        },
    }
}

/// Runs `target` on mutated inputs until `cases` inputs or `budget` time, whichever first.
fn fuzz(target: &Target, long: bool, cases: usize, budget: Duration, seed: u64) -> Stats {
    let mut runner = seeded_runner(seed);
    let strategy = case();
    let seeds: Vec<(PathBuf, Vec<PathBuf>)> = (target.seeds)(long)
        .into_iter()
        .map(|d| {
            let files = mutable_files(&d, target.mutate);
            assert!(
                !files.is_empty(),
                "the {} seed folder has no file to mutate: {}",
                target.importer,
                d.display()
            );
            (d, files)
        })
        .collect();
    let mut stats = Stats::default();
    let start = Instant::now();
    while stats.inputs < cases && start.elapsed() < budget {
        let (seed_pick, file_pick, mutations) = strategy.new_tree(&mut runner).unwrap().current();
        stats.inputs += 1;
        let (seed_dir, files) = &seeds[seed_pick % seeds.len()];
        let sandbox = tempfile::tempdir().unwrap();
        // Two levels down, so that the `../` and `../../` escapes the mutations write land
        // inside the snapshotted sandbox; deeper ones aim at /tmp/outside, checked below.
        let nest = sandbox.path().join("up2").join("up1");
        let input = nest.join("in");
        let out = nest.join("out");
        copy_dir(seed_dir, &input);
        let rel = &files[file_pick % files.len()];
        let file = input.join(rel);
        let mut bytes = std::fs::read(&file).unwrap();
        for m in &mutations {
            apply(target, &file, &mut bytes, m);
        }
        if file.exists() {
            std::fs::write(&file, &bytes).unwrap();
        }
        let what = format!(
            "{} #{}: {} / {} with {mutations:?}",
            target.importer,
            stats.inputs,
            seed_dir.display(),
            rel.display()
        );
        let before = snapshot(sandbox.path());
        let escape = Path::new("/tmp/outside");
        let escape_before = escape.exists();
        let source = target
            .entry
            .map_or_else(|| input.clone(), |e| input.join(e));
        let outcome = match import_within(target.importer, &source, &out) {
            None => {
                stats.hangs += 1;
                stats.failures.push(format!("hang: {what}"));
                // The thread cannot be stopped; keep its folder alive and stop here.
                std::mem::forget(sandbox);
                break;
            }
            Some(Err(())) => {
                stats.panics += 1;
                Outcome::Failure("panic".into())
            }
            Some(Ok(Ok(project_file))) => judge_imported(&project_file, &out),
            Some(Ok(Err(msg))) => {
                if msg.contains(&*input.to_string_lossy()) {
                    Outcome::ClearError
                } else {
                    Outcome::Failure(format!("error naming no file ({msg})"))
                }
            }
        };
        let mut after = snapshot(sandbox.path());
        after.retain(|p, _| !p.starts_with(&out));
        if escape.exists() != escape_before {
            stats.outside_writes += 1;
            stats.failures.push(format!(
                "wrote {} outside the sandbox: {what}",
                escape.display()
            ));
        }
        if after != before {
            stats.outside_writes += 1;
            let changed: Vec<_> = after
                .iter()
                .filter(|(p, h)| before.get(*p) != Some(h))
                .map(|(p, _)| p.display().to_string())
                .chain(
                    before
                        .keys()
                        .filter(|p| !after.contains_key(*p))
                        .map(|p| format!("removed {}", p.display())),
                )
                .collect();
            stats.failures.push(format!(
                "files changed outside the output {changed:?}: {what}"
            ));
        }
        match outcome {
            Outcome::Imported => stats.imported += 1,
            Outcome::ClearError => stats.clear_errors += 1,
            Outcome::Failure(why) => stats.failures.push(format!("{why}: {what}")),
        }
    }
    stats
}

/// Runs every target; `FUZZ_SEED` (default 0) picks another reproducible series of inputs.
fn run_all(long: bool, cases: usize, budget: Duration) {
    let base: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut failures = Vec::new();
    for (i, t) in TARGETS.iter().enumerate() {
        let s = fuzz(
            t,
            long,
            cases,
            budget,
            base.wrapping_mul(16) + 0x1_5eed + i as u64,
        );
        println!(
            "import fuzz {}: {} inputs, {} imported, {} clear errors, {} panics, {} hangs, {} with files changed outside the output, {} failures",
            t.importer,
            s.inputs,
            s.imported,
            s.clear_errors,
            s.panics,
            s.hangs,
            s.outside_writes,
            s.failures.len()
        );
        failures.extend(s.failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The quick run: at most 400 inputs or 3 s per target, well under 20 s.
#[test]
fn importers_survive_mutated_inputs() {
    run_all(false, 400, Duration::from_secs(3));
}

/// The long run, by hand or from CI: `FUZZ_SECONDS` per target (default 45), with the
/// shared corpora as seeds.
#[test]
#[ignore = "long fuzz run with ../shared: cargo test --test import_fuzz -- --ignored --nocapture"]
fn importers_survive_mutated_inputs_long() {
    run_all(true, usize::MAX, support::fuzz::seconds_from_env(45));
}

/// Every importer is a target, the mutations change files, and inputs are reproducible
/// from the seed.
#[test]
fn harness_covers_every_importer_and_mutates_deterministically() {
    let mut ids: Vec<_> = formats::importers().iter().map(|i| i.id()).collect();
    ids.sort_unstable();
    let mut covered: Vec<_> = TARGETS.iter().map(|t| t.importer).collect();
    covered.sort_unstable();
    assert_eq!(ids, covered, "an importer has no fuzz target");

    let seed = [7u8; 32];
    let gen_cases = || {
        let mut r = TestRunner::new_with_rng(
            Config::default(),
            TestRng::from_seed(RngAlgorithm::ChaCha, &seed),
        );
        (0..50)
            .map(|_| format!("{:?}", case().new_tree(&mut r).unwrap().current()))
            .collect::<Vec<_>>()
    };
    assert_eq!(gen_cases(), gen_cases());

    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a.ann");
    let brat = &TARGETS[0];
    let mut b = b"T1\tPerson 0 5\tKim\n".to_vec();
    apply(
        brat,
        &file,
        &mut b,
        &Mutation::Edit(Edit::Number {
            nth: 0,
            value: "4294967296",
        }),
    );
    assert_eq!(b, b"T1\tPerson 4294967296 5\tKim\n");
    let mut b = b"<a><b/></a>".to_vec();
    apply(
        &TARGETS[1],
        &file,
        &mut b,
        &Mutation::Nest { at: 3, depth: 2 },
    );
    assert_eq!(b, b"<a><hi><hi></hi></hi><b/></a>");
    let mut b = b"x\ny".to_vec();
    apply(
        brat,
        &file,
        &mut b,
        &Mutation::RepeatLine { nth: 1, times: 2 },
    );
    assert_eq!(b, b"x\ny\ny\ny");
    std::fs::write(&file, "x").unwrap();
    apply(brat, &file, &mut b, &Mutation::CopyFile { name: "copy" });
    assert!(tmp.path().join("copy.ann").is_file());
}

/// Found by the fuzzer: a TEI document id of 70,000 characters became a file name too long
/// for the file system, and the error named the staging folder. Names are cut; it imports.
#[test]
fn a_tei_document_id_too_long_for_a_file_name_imports() {
    let sandbox = tempfile::tempdir().unwrap();
    let input = sandbox.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let id = "x".repeat(70_000);
    std::fs::write(
        input.join("vol.xml"),
        format!(
            "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\"><teiHeader><fileDesc><titleStmt><title>t</title></titleStmt></fileDesc></teiHeader>\n<text><body>\n<div type=\"document\" xml:id=\"{id}\"><p>One.</p></div>\n<div type=\"document\" xml:id=\"{id}y\"><p>Two.</p></div>\n</body></text></TEI>\n"
        ),
    )
    .unwrap();
    let out = sandbox.path().join("out");
    let file = match import_within("tei", &input, &out) {
        Some(Ok(Ok(file))) => file,
        other => panic!(
            "{:?}",
            other.map(|r| r.map(|r| r.map_err(|e| e[..e.len().min(300)].to_owned())))
        ),
    };
    assert!(matches!(judge_imported(&file, &out), Outcome::Imported));
    assert_eq!(store::load(&file).unwrap().project.documents.len(), 2);
}
