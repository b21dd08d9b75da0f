//! Store round trips on a small project built in a temporary folder.
#![allow(clippy::unwrap_used)]

use marginalia::model::*;
use marginalia::session::Session;
use marginalia::store;
use std::collections::BTreeSet;

fn small_project(dir: &std::path::Path) -> Session {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let src = dir.join("sources/cable.txt");
    std::fs::write(&src, "To Cde. FILIPPOV\r\nЛи Кэ-нун 李克农 reports.\r\n").unwrap();
    let doc = store::document_from_source(dir, &src).unwrap();
    let doc_id = doc.id();
    let mut project = Project::new("Test");
    project.documents.insert(doc_id, doc);
    let mut s = Session::create(project, dir.join("test.marginalia.ron"));
    let text = s.project.documents[&doc_id].text.clone().unwrap();
    let stalin = Entry::new(Slug::new("person"), "Stalin");
    let m = Annotation::new(Body::Mention(Mention {
        type_id: Slug::new("person"),
        anchor: TextAnchor::span(&text, 8, 16).unwrap(),
        entry: Some(stalin.id),
        date: None,
    }));
    s.commit(
        Transaction::new("tag")
            .with(Edit::add_entry(stalin))
            .with(Edit::add_annotation(doc_id, m)),
    )
    .unwrap();
    s
}

#[test]
fn save_load_save_is_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = small_project(tmp.path());
    let report = s.save().unwrap();
    assert_eq!(report.written.len(), 2, "{report:?}");
    let bytes_before: Vec<Vec<u8>> = ["test.marginalia.ron", "sources/cable.txt.ann.ron"]
        .iter()
        .map(|f| std::fs::read(tmp.path().join(f)).unwrap())
        .collect();

    let mut loaded = Session::open(tmp.path()).unwrap();
    assert_eq!(loaded.load_problems, vec![]);
    assert_eq!(loaded.project, s.project);
    let all: BTreeSet<DocId> = loaded.project.documents.keys().copied().collect();
    let r = store::save(&loaded.project, &mut loaded.disk, true, &all).unwrap();
    assert!(
        r.written.is_empty(),
        "unchanged project rewrote {:?}",
        r.written
    );
    let doc = loaded.project.documents.values().next().unwrap();
    assert_eq!(store::document_bytes(doc).unwrap(), bytes_before[1]);
    let ann = String::from_utf8(bytes_before[1].clone()).unwrap();
    assert!(!ann.contains('\r'));
    assert!(
        ann.contains("Ли Кэ-нун 李克农"),
        "non-ASCII must not be escaped:\n{ann}"
    );
}

#[test]
fn conflict_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = small_project(tmp.path());
    s.save().unwrap();
    let pf = tmp.path().join("test.marginalia.ron");
    let mut theirs = std::fs::read_to_string(&pf).unwrap();
    theirs = theirs.replace("name: \"Test\"", "name: \"Colleague\"");
    std::fs::write(&pf, &theirs).unwrap();
    let mut info = s.project.info.clone();
    info.name = "Mine".into();
    s.commit(Transaction::new("rename").with(Edit::Info {
        before: s.project.info.clone(),
        after: info,
    }))
    .unwrap();
    // The save merges the colleague's version first: both renamed the project, so it stops
    // for the review and writes nothing.
    let err = s.save().unwrap_err();
    assert!(
        matches!(err, store::StoreError::MergeConflicts { conflicts: 1, .. }),
        "{err}"
    );
    assert!(err.to_string().ends_with("test.marginalia.ron"), "{err}");
    assert_eq!(std::fs::read_to_string(&pf).unwrap(), theirs);
    assert!(s.is_dirty());
}
