//! Correcting the transcription of the sample cable in place: the mention follows the
//! edit, the corrected source is saved with its BOM and CRLF line endings, the project
//! reloads clean, and undo restores the project.
#![allow(clippy::unwrap_used)]

use marginalia::model::anchor::AnchorCheck;
use marginalia::model::ops::text::{edit_text, source_bytes};
use marginalia::model::{AnnId, DocId, Edit, Transaction};
use marginalia::session::Session;
use std::path::{Path, PathBuf};

const PROJECT_FILE: &str = "korean-armistice-1951.marginalia.ron";
const SOURCE: &str = "sources/cable-21677-mao-to-filippov-1951-07-11.txt";

fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// A copy of the sample project whose cable is stored with a BOM and CRLF line endings,
/// saved so that it loads clean.
fn crlf_bom_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951"),
        tmp.path(),
    );
    let src = tmp.path().join(SOURCE);
    let lf = std::fs::read_to_string(&src).unwrap();
    assert!(!lf.contains('\r'), "the sample cable is stored with LF");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(lf.replace('\n', "\r\n").as_bytes());
    std::fs::write(&src, &bytes).unwrap();
    let file = tmp.path().join(PROJECT_FILE);
    let mut s = Session::open(&file).unwrap();
    // The source was converted outside: record its new hash, line ending and BOM.
    let doc = cable(&s);
    let meta = s.project.documents[&doc].meta.clone();
    let mut after = meta.clone();
    let info = after.source.as_mut().unwrap();
    info.hash = blake3::hash(&bytes).to_hex().to_string();
    info.line_ending = marginalia::model::LineEnding::Crlf;
    info.bom = true;
    s.commit(Transaction::new("record").with(Edit::DocumentMeta {
        before: Box::new(meta),
        after: Box::new(after),
    }))
    .unwrap();
    s.save().unwrap();
    assert!(
        Session::open(&file).unwrap().load_problems.is_empty(),
        "the prepared copy loads clean"
    );
    (tmp, file)
}

fn cable(s: &Session) -> DocId {
    *s.project
        .documents
        .iter()
        .find(|(_, d)| {
            d.meta
                .source
                .as_ref()
                .is_some_and(|i| i.path.as_str() == SOURCE)
        })
        .unwrap()
        .0
}

/// The first mention whose text is exactly `name`, with its start offset.
fn mention_of(s: &Session, doc: DocId, name: &str) -> (AnnId, usize) {
    let d = &s.project.documents[&doc];
    let text = d.text.as_ref().unwrap();
    d.annotations
        .values()
        .filter_map(|a| {
            let m = a.as_mention()?;
            (m.anchor.covered_text(text) == name).then(|| (a.id, m.anchor.fragments[0].start))
        })
        .min_by_key(|(_, start)| *start)
        .unwrap_or_else(|| panic!("no mention of {name}"))
}

fn assert_anchors_match(s: &Session, doc: DocId) {
    let d = &s.project.documents[&doc];
    let text = d.text.as_ref().unwrap();
    for a in d.annotations.values() {
        // A region with no transcribed words anchors on no text.
        if let Some(anchor) = a.anchor().filter(|x| !x.fragments.is_empty()) {
            assert_eq!(anchor.check(text), AnchorCheck::Ok, "{:?}", a.id);
        }
    }
}

#[test]
fn correcting_filipov_inside_a_tagged_mention_keeps_crlf_and_bom_and_loads_clean() {
    let (tmp, file) = crlf_bom_copy();
    let src = tmp.path().join(SOURCE);
    let original_bytes = std::fs::read(&src).unwrap();

    // Make the misreading: "Filippov" → "Filipov", saved.
    let mut s = Session::open(&file).unwrap();
    let doc = cable(&s);
    let (ann, start) = mention_of(&s, doc, "Filippov");
    let tx = edit_text(&s.project, doc, start + 5..start + 6, "").unwrap();
    s.commit(tx).unwrap();
    assert_eq!(mention_of(&s, doc, "Filipov").0, ann);
    s.save().unwrap();
    let misread = std::fs::read(&src).unwrap();
    assert!(misread.starts_with(b"\xEF\xBB\xBF"));
    assert!(String::from_utf8_lossy(&misread).contains("Cde. Filipov"));

    // Reload and correct it: the mention follows and covers the corrected name.
    let mut s = Session::open(&file).unwrap();
    assert!(s.load_problems.is_empty(), "{:?}", s.load_problems);
    let before_fix = s.project.clone();
    let (ann2, start) = mention_of(&s, doc, "Filipov");
    assert_eq!(ann2, ann);
    let tx = edit_text(&s.project, doc, start + 4..start + 4, "p").unwrap();
    s.commit(tx).unwrap();
    assert_eq!(mention_of(&s, doc, "Filippov"), (ann, start));
    assert_anchors_match(&s, doc);

    // Undo restores the project exactly; redo brings the correction back.
    assert!(s.undo().unwrap());
    assert_eq!(s.project, before_fix);
    assert!(s.redo().unwrap());
    s.save().unwrap();

    let saved = std::fs::read(&src).unwrap();
    assert_eq!(
        saved, original_bytes,
        "BOM, CRLF and the text as before the misreading"
    );
    assert!(
        tmp.path().join(format!("{SOURCE}.bak")).exists(),
        "the previous source is kept as .bak"
    );
    let s = Session::open(&file).unwrap();
    assert!(s.load_problems.is_empty(), "{:?}", s.load_problems);
    assert_eq!(mention_of(&s, doc, "Filippov").0, ann);
    assert_anchors_match(&s, doc);
    let text = s.project.documents[&doc].text.as_ref().unwrap();
    assert_eq!(source_bytes(text), original_bytes);
}

#[test]
fn a_source_changed_on_disk_is_not_overwritten() {
    let (tmp, file) = crlf_bom_copy();
    let src = tmp.path().join(SOURCE);
    let mut s = Session::open(&file).unwrap();
    let doc = cable(&s);
    let tx = edit_text(&s.project, doc, 0..0, "Note. ").unwrap();
    s.commit(tx).unwrap();
    std::fs::write(&src, b"changed elsewhere\n").unwrap();
    assert!(matches!(
        s.save(),
        Err(marginalia::store::StoreError::Conflict { .. })
    ));
    assert_eq!(std::fs::read(&src).unwrap(), b"changed elsewhere\n");
}
