//! W3C Web Annotation files as browser tools write them: whole-document notes, position
//! and quote selectors that disagree, UTF-16 offsets, Hypothesis-style comments, files
//! that are not Web Annotation, out-of-range offsets.
#![allow(clippy::unwrap_used)]

use marginalia::interchange::formats;
use marginalia::interchange::import::{self, ImportError};
use marginalia::model::registry::Authority;
use marginalia::model::*;

const DOC: &str = "urn:uuid:01900000-0000-7000-8000-0000000000aa";

/// Imports one `doc.json` with `doc.txt` beside it.
fn import_json(json: &str, text: &str) -> Result<Project, ImportError> {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("in");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("doc.json"), json).unwrap();
    std::fs::write(src.join("doc.txt"), text).unwrap();
    let out = tmp.path().join("project");
    let importer = formats::importer("w3c").unwrap();
    let file = import::run(importer.as_ref(), &src, &out)?;
    Ok(marginalia::store::load(&file).unwrap().project)
}

fn only_annotation(p: &Project) -> Annotation {
    let d = p.documents.values().next().unwrap();
    assert_eq!(d.annotations.len(), 1, "{:?}", d.annotations);
    d.annotations.values().next().unwrap().clone()
}

fn page(items: &str) -> String {
    format!(
        r#"{{"@context": "http://www.w3.org/ns/anno.jsonld", "id": "{DOC}", "type": "AnnotationPage", "items": [{items}]}}"#
    )
}

#[test]
fn whole_document_note_is_kept_as_a_document_note() {
    let json = page(&format!(
        r#"{{"id": "urn:uuid:01900000-0000-7000-8000-000000000001", "type": "Annotation",
            "motivation": "commenting",
            "body": {{"type": "TextualBody", "value": "Cited in the 1952 report."}},
            "target": "{DOC}"}}"#
    ));
    let p = import_json(&json, "Kaesong talks resumed.").unwrap();
    let a = only_annotation(&p);
    let Body::Event(e) = &a.body else {
        panic!("{a:?}")
    };
    assert_eq!(e.type_id.as_str(), "document_note");
    assert!(e.trigger.is_none() && e.roles.is_empty());
    assert_eq!(a.note, "Cited in the 1952 report.");
    // A target object without selector is the whole document too.
    let json = page(
        r#"{"id": "urn:uuid:01900000-0000-7000-8000-000000000002", "type": "Annotation",
            "body": [{"type": "TextualBody", "value": "Check the date."}],
            "target": {"source": "https://example.org/cable.txt"}}"#,
    );
    let a = only_annotation(&import_json(&json, "Kaesong talks resumed.").unwrap());
    assert_eq!(a.note, "Check the date.");
    assert!(a.anchor().is_none());
}

#[test]
fn quote_wins_over_a_disagreeing_position_and_the_note_says_so() {
    let text = "Kaesong was quiet. The talks at Kaesong resumed.";
    // The position points at the first "Kaesong"; the quote's prefix names the second.
    let json = page(
        r#"{"id": "urn:uuid:01900000-0000-7000-8000-000000000003", "type": "Annotation",
            "body": [{"type": "TextualBody", "purpose": "tagging", "value": "Place"}],
            "target": {"source": "x", "selector": [
              {"type": "TextQuoteSelector", "exact": "Kaesong", "prefix": "talks at ", "suffix": " resumed"},
              {"type": "TextPositionSelector", "start": 0, "end": 8}]}}"#,
    );
    let a = only_annotation(&import_json(&json, text).unwrap());
    let m = a.as_mention().unwrap();
    let start = text.rfind("Kaesong").unwrap();
    assert_eq!(m.anchor.fragments, vec![Span::new(start, start + 7)]);
    assert!(
        a.note.contains("W3C import") && a.note.contains("TextQuoteSelector"),
        "{}",
        a.note
    );
}

#[test]
fn utf16_offsets_are_detected_and_converted() {
    // Two characters outside the BMP (each two UTF-16 code units) before the names.
    let text = "𝔄𝔅 Ли Кэ-нун met 😀 Peng Dehuai.";
    let cp = |w: &str| {
        let b = text.find(w).unwrap();
        text[..b].chars().count()
    };
    let u16 = |w: &str| {
        let b = text.find(w).unwrap();
        text[..b].encode_utf16().count()
    };
    let item = |n: u32, w: &str| {
        format!(
            r#"{{"id": "urn:uuid:01900000-0000-7000-8000-00000000010{n}", "type": "Annotation",
              "body": [{{"type": "TextualBody", "purpose": "tagging", "value": "Person"}}],
              "target": {{"source": "x", "selector": [
                {{"type": "TextQuoteSelector", "exact": "{w}"}},
                {{"type": "TextPositionSelector", "start": {}, "end": {}}}]}}}}"#,
            u16(w),
            u16(w) + w.encode_utf16().count()
        )
    };
    assert_ne!(u16("Peng Dehuai"), cp("Peng Dehuai"));
    let json = page(&format!(
        "{}, {}",
        item(1, "Ли Кэ-нун"),
        item(2, "Peng Dehuai")
    ));
    let p = import_json(&json, text).unwrap();
    let d = p.documents.values().next().unwrap();
    let mut spans: Vec<(Span, String)> = d
        .annotations
        .values()
        .map(|a| {
            let m = a.as_mention().unwrap();
            (m.anchor.fragments[0], a.note.clone())
        })
        .collect();
    spans.sort_by_key(|(s, _)| s.start);
    for ((span, note), w) in spans.iter().zip(["Ли Кэ-нун", "Peng Dehuai"]) {
        assert_eq!(*span, Span::new(cp(w), cp(w) + w.chars().count()), "{w}");
        assert!(note.is_empty(), "converted, not re-anchored: {note}");
    }
}

#[test]
fn hypothesis_comment_without_purpose_is_a_note() {
    let text = "The delegation arrived at Kaesong on 10 July.";
    let json = page(
        r#"{"id": "urn:uuid:01900000-0000-7000-8000-000000000004", "type": "Annotation",
            "motivation": "commenting",
            "body": [{"type": "TextualBody", "value": "Other sources say 8 July.", "format": "text/markdown"}],
            "target": {"source": "x", "selector": [
              {"type": "TextQuoteSelector", "exact": "10 July", "prefix": "on ", "suffix": "."},
              {"type": "TextPositionSelector", "start": 37, "end": 44}]}}"#,
    );
    let a = only_annotation(&import_json(&json, text).unwrap());
    assert_eq!(a.note, "Other sources say 8 July.");
    assert_eq!(a.anchor().unwrap().quote.exact, "10 July");
}

#[test]
fn files_that_are_not_web_annotation_are_refused_clearly() {
    let item = r#"{"id": "urn:uuid:01900000-0000-7000-8000-000000000005", "type": "Annotation",
        "body": [{"type": "TextualBody", "value": "x"}], "target": "urn:x"}"#;
    let no_context = format!(r#"{{"type": "AnnotationPage", "items": [{item}]}}"#);
    let e = import_json(&no_context, "text").unwrap_err().to_string();
    assert!(e.contains("@context") && e.contains("doc.json"), "{e}");
    let note = page(
        r#"{"id": "urn:uuid:01900000-0000-7000-8000-000000000006", "type": "Note",
            "content": "x"}"#,
    );
    let e = import_json(&note, "text").unwrap_err().to_string();
    assert!(e.contains("\"Note\"") && e.contains("doc.json"), "{e}");
}

#[test]
fn out_of_range_offsets_say_so() {
    let json = page(
        r#"{"id": "urn:uuid:01900000-0000-7000-8000-000000000007", "type": "Annotation",
            "body": [{"type": "TextualBody", "purpose": "tagging", "value": "Place"}],
            "target": {"source": "x", "selector":
              {"type": "TextPositionSelector", "start": 100, "end": 120}}}"#,
    );
    let e = import_json(&json, "Kaesong").unwrap_err().to_string();
    assert!(
        e.contains("100–120") && e.contains("outside the text of 7"),
        "{e}"
    );
}

/// Imports `json` beside `text` with `options`; the project and the report.
fn import_with(
    json: &str,
    text: &str,
    options: &import::ImportOptions,
) -> Result<(Project, import::ImportReport), ImportError> {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("in");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("doc.json"), json).unwrap();
    std::fs::write(src.join("doc.txt"), text).unwrap();
    let importer = formats::importer("w3c").unwrap();
    let done = import::run_reporting(importer.as_ref(), &src, &tmp.path().join("p"), options)?;
    let p = marginalia::store::load(&done.project_file).unwrap().project;
    Ok((p, done.report))
}

/// Hypothesis's form of a page note: a plain string target naming another IRI than the
/// collection's, and a `bodyValue` (the model's short form of a plain-text body).
#[test]
fn string_target_and_body_value_notes_are_whole_document_notes() {
    let json = page(
        r#"{"id": "urn:uuid:01900000-0000-7000-8000-000000000011", "type": "Annotation",
            "body": [{"type": "TextualBody", "value": "Seen in the archive."}],
            "target": "urn:x"}"#,
    );
    let a = only_annotation(&import_json(&json, "Kaesong talks resumed.").unwrap());
    assert_eq!(a.type_id().as_str(), "document_note");
    assert_eq!(a.note, "Seen in the archive.");
    let json = page(
        r#"{"id": "urn:uuid:01900000-0000-7000-8000-000000000012", "type": "Annotation",
            "bodyValue": "Second copy in Moscow.",
            "target": {"source": "urn:x"}}"#,
    );
    let a = only_annotation(&import_json(&json, "Kaesong talks resumed.").unwrap());
    assert_eq!(a.type_id().as_str(), "document_note");
    assert_eq!(a.note, "Second copy in Moscow.");
}

/// Positions without quotes cannot be checked: by default they are read as code points
/// and the report says so; `--offsets utf16` reads them as JavaScript counts them.
#[test]
fn unquoted_utf16_offsets_are_reported_or_read_as_told() {
    let text = "😀 Mao met 𝕂im.";
    // "Mao" is code points 2..5, UTF-16 units 3..6.
    let json = page(
        r#"{"id": "urn:uuid:01900000-0000-7000-8000-000000000013", "type": "Annotation",
            "body": [{"type": "TextualBody", "purpose": "tagging", "value": "Person"}],
            "target": {"source": "x", "selector": {"type": "TextPositionSelector", "start": 3, "end": 6}}}"#,
    );
    let (p, report) = import_with(&json, text, &import::ImportOptions::default()).unwrap();
    assert_eq!(report.items.len(), 1, "{report:?}");
    assert!(
        report.grouped()[0].contains("--offsets utf16"),
        "{report:?}"
    );
    let a = only_annotation(&p);
    let d = p.documents.values().next().unwrap();
    assert_eq!(a.anchor().unwrap().covered_text(d.text_or_empty()), "ao ");
    let opts = import::ImportOptions {
        offsets: Some(import::OffsetUnit::Utf16),
        ..Default::default()
    };
    let (p, report) = import_with(&json, text, &opts).unwrap();
    assert!(report.is_empty(), "{report:?}");
    let d = p.documents.values().next().unwrap();
    assert_eq!(
        only_annotation(&p)
            .anchor()
            .unwrap()
            .covered_text(d.text_or_empty()),
        "Mao"
    );
    // --strict refuses the import the report would have listed, and writes nothing.
    let strict = import::ImportOptions {
        strict: true,
        ..Default::default()
    };
    let err = import_with(&json, text, &strict).unwrap_err();
    assert!(matches!(err, ImportError::WouldDrop { .. }), "{err}");
}

/// An identifying body naming a Wikidata (or GND, VIAF, GeoNames) URI is that authority id,
/// not an opaque URI.
#[test]
fn authority_uris_on_import_are_known_schemes() {
    let json = page(
        r#"{"id": "urn:uuid:01900000-0000-7000-8000-000000000014", "type": "Annotation",
            "body": [{"type": "TextualBody", "purpose": "tagging", "value": "Person"},
                     {"type": "SpecificResource", "purpose": "identifying", "source": "http://www.wikidata.org/entity/Q5816"}],
            "target": {"source": "x", "selector": [{"type": "TextQuoteSelector", "exact": "Mao"}]}}"#,
    );
    let p = import_json(&json, "Mao met Kim.").unwrap();
    let e = p.registry.values().next().unwrap();
    assert_eq!(e.authority.len(), 1, "{e:?}");
    assert_eq!(e.authority[0].scheme, Authority::Wikidata);
    assert_eq!(e.authority[0].id, "Q5816");
}
