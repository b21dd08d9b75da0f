//! The RecogitoJS profile of the W3C export, checked against the structure RecogitoJS's
//! text annotator loads: a plain array of annotations, each with `@context`, `type`
//! `Annotation` and an `id`; text annotations with `target.selector` holding both a
//! `TextQuoteSelector` and a `TextPositionSelector` (UTF-16 code units) that select the quote in the `.txt`;
//! relations as `linking` annotations whose targets are `{"id"}`s of annotations in the
//! same array.
#![allow(clippy::unwrap_used)]

use marginalia::interchange::export::{ExportOptions, Exporter};
use marginalia::interchange::w3c::RecogitoExporter;
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;

#[test]
fn sample_project_loads_as_recogitojs_expects() {
    let project_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951");
    let project = marginalia::store::load(&project_dir).unwrap().project;
    let tmp = tempfile::tempdir().unwrap();
    let report = RecogitoExporter
        .export(&project, tmp.path(), &ExportOptions::default(), &mut |_| {})
        .unwrap();
    let jsons: Vec<_> = report
        .files
        .iter()
        .filter(|f| {
            f.extension().is_some_and(|e| e == "json")
                && !f.to_string_lossy().ends_with(".regions.json")
        })
        .collect();
    assert_eq!(jsons.len(), project.documents.len());
    let (mut texts, mut links) = (0, 0);
    for f in jsons {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        let items = v.as_array().expect("a plain array of annotations");
        // RecogitoJS counts UTF-16 code units (JavaScript strings).
        let text: Vec<u16> = std::fs::read_to_string(f.with_extension("txt"))
            .unwrap()
            .encode_utf16()
            .collect();
        let ids: HashSet<&str> = items.iter().map(|a| a["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), items.len(), "ids are unique in {}", f.display());
        for a in items {
            assert_eq!(a["@context"], "http://www.w3.org/ns/anno.jsonld");
            assert_eq!(a["type"], "Annotation");
            let bodies = a["body"].as_array().unwrap();
            assert!(
                bodies
                    .iter()
                    .any(|b| b["purpose"] == "tagging" && b["type"] == "TextualBody"),
                "{a}"
            );
            if a["motivation"] == "linking" {
                let ends = a["target"].as_array().unwrap();
                assert_eq!(ends.len(), 2, "{a}");
                for e in ends {
                    // RecogitoJS's relations layer draws only `#`-ids equal to a highlight's.
                    let end = e["id"].as_str().unwrap();
                    assert!(end.starts_with('#') && ids.contains(end), "{a}");
                }
                links += 1;
                continue;
            }
            let sels = a["target"]["selector"].as_array().unwrap();
            let quote = sels
                .iter()
                .find(|s| s["type"] == "TextQuoteSelector")
                .unwrap();
            let pos = sels
                .iter()
                .find(|s| s["type"] == "TextPositionSelector")
                .unwrap();
            let (s, e) = (
                pos["start"].as_u64().unwrap() as usize,
                pos["end"].as_u64().unwrap() as usize,
            );
            let selected = String::from_utf16(&text[s..e]).unwrap();
            assert_eq!(selected, quote["exact"].as_str().unwrap(), "{a}");
            texts += 1;
        }
    }
    assert!(
        texts > 10 && links > 5,
        "{texts} text annotations, {links} links"
    );
}

#[test]
#[ignore = "needs ../shared/tools/w3c_check.py (python3, jsonschema); run by .ci/checks/interchange_corpora.sh"]
fn w3c_check_accepts_the_recogito_profile() {
    let checker = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/w3c_check.py");
    let checker = std::env::var_os("MARGINALIA_SHARED")
        .map(|s| Path::new(&s).join("tools/w3c_check.py"))
        .unwrap_or(checker);
    assert!(
        checker.is_file(),
        "the W3C checker is missing: {} (set MARGINALIA_SHARED to the shared folder)",
        checker.display()
    );
    let project_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951");
    let project = marginalia::store::load(&project_dir).unwrap().project;
    let tmp = tempfile::tempdir().unwrap();
    RecogitoExporter
        .export(&project, tmp.path(), &ExportOptions::default(), &mut |_| {})
        .unwrap();
    let out = std::process::Command::new("python3")
        .arg(&checker)
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
