//! `marginalia suggest PROJECT --json` run as the debug binary on a copy of the sample with a
//! new, unannotated document: the registry's cover name suggests its entry, the project's
//! annotated names and an absolute date are proposed, every span is a code-point range whose
//! text is the quote (a CJK prefix shifts them), and suggesting writes nothing.
#![allow(clippy::unwrap_used)]

use marginalia::build_info;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Every file under `dir` with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walk(dir) {
        out.insert(e.display().to_string(), std::fs::read(&e).unwrap());
    }
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn suggest_json_proposes_entries_and_dates_with_code_point_spans_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let file = build_info::install_sample(tmp.path()).unwrap();
    let dir = file.parent().unwrap().to_path_buf();
    let text = "电报 Cable from FILIPPOV to Mao Zedong, 12 July 1951.\n\
                The delegation led by Nam Il will meet in Kaesong.\n";
    let note = tmp.path().join("note.txt");
    std::fs::write(&note, text).unwrap();
    let added = Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .args([
            "add".as_ref(),
            dir.as_os_str(),
            note.as_os_str(),
            "--copy".as_ref(),
        ])
        .output()
        .unwrap();
    assert!(added.status.success(), "{added:?}");
    let before = files(&dir);
    let annotations_before = marginalia::store::load(&dir)
        .unwrap()
        .project
        .documents
        .values()
        .map(|d| d.annotations.len())
        .sum::<usize>();

    let out = Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .args(["suggest".as_ref(), dir.as_os_str(), "--json".as_ref()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = json["suggestions"].as_array().unwrap();
    let chars: Vec<char> = text.chars().collect();
    let mut seen = Vec::new();
    for s in list.iter().filter(|s| s["title"] == "note") {
        let span = &s["spans"][0];
        let (a, b) = (
            span[0].as_u64().unwrap() as usize,
            span[1].as_u64().unwrap() as usize,
        );
        let quote: String = chars[a..b].iter().collect();
        assert_eq!(s["quote"], quote.as_str(), "span {a}..{b} of {s}");
        seen.push((
            quote,
            s["type"].as_str().unwrap().to_owned(),
            s["entry_name"]
                .as_str()
                .or(s["date"].as_str())
                .unwrap_or("")
                .to_owned(),
        ));
    }
    let has = |q: &str, ty: &str, what: &str| {
        seen.iter()
            .any(|(sq, st, sw)| sq == q && st == ty && sw.contains(what))
    };
    assert!(
        has("FILIPPOV", "person", "Stalin"),
        "the cover name suggests Stalin: {seen:?}"
    );
    assert!(has("Nam Il", "person", "Nam Il"), "{seen:?}");
    assert!(has("12 July 1951", "date", "1951-07-12"), "{seen:?}");

    // Looking is not changing: every file as it was, no annotation added.
    assert_eq!(files(&dir), before, "suggest wrote to the project");
    let annotations_after = marginalia::store::load(&dir)
        .unwrap()
        .project
        .documents
        .values()
        .map(|d| d.annotations.len())
        .sum::<usize>();
    assert_eq!(annotations_after, annotations_before);
}
