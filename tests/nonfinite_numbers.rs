//! Issue 8 item 11, model side: a number attribute that is not finite is refused by the
//! operations, reported when a project holding one is loaded, and does not make its
//! annotation impossible to edit, delete or undo.
#![allow(clippy::unwrap_used)]

use marginalia::model::ops::{events, tagging};
use marginalia::model::*;
use marginalia::session::Session;
use marginalia::store;

/// A saved project with one "quantity" mention whose `count` is `NaN`, written as a damaged
/// or hand-edited file would hold it; returns the folder's session and the ids.
fn project_with_nan(dir: &std::path::Path) -> (DocId, AnnId) {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let src = dir.join("sources/cable.txt");
    std::fs::write(&src, "Copies: 12 to Moscow.\n").unwrap();
    let doc = store::document_from_source(dir, &src).unwrap();
    let doc_id = doc.id();
    let mut project = Project::new("Test");
    let text = doc.text.clone().unwrap();
    project.documents.insert(doc_id, doc);
    let mut m = Annotation::new(Body::Mention(Mention {
        type_id: Slug::new("quantity"),
        anchor: TextAnchor::span(&text, 8, 10).unwrap(),
        entry: None,
        date: None,
    }));
    m.attributes
        .insert(Slug::new("count"), AttrValue::Number(f64::NAN));
    let id = m.id;
    // Put in the data directly, as a damaged file would bring it: a commit refuses it.
    project
        .documents
        .get_mut(&doc_id)
        .unwrap()
        .annotations
        .insert(id, m);
    let mut s = Session::create(project, dir.join("test.marginalia.ron"));
    s.save().unwrap();
    (doc_id, id)
}

#[test]
fn nan_is_reported_on_load_and_the_annotation_stays_editable() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, ann) = project_with_nan(tmp.path());
    let mut s = Session::open(tmp.path()).unwrap();
    let nan_problems: Vec<_> = s
        .load_problems
        .iter()
        .filter(|p| p.message.contains("not a finite number"))
        .collect();
    assert_eq!(nan_problems.len(), 1, "{:?}", s.load_problems);
    assert_eq!(nan_problems[0].severity, Severity::Error);
    assert_eq!(nan_problems[0].annotation, Some(ann));

    // The value can be replaced by a finite one, and that undone and redone.
    let tx = events::set_attribute(
        &s.project,
        doc,
        ann,
        &"count".into(),
        Some(AttrValue::Number(12.0)),
    )
    .unwrap();
    s.commit(tx).unwrap();
    assert!(s.undo().unwrap());
    assert!(s.redo().unwrap());
    assert!(s.undo().unwrap());
    // The annotation can be deleted, and the deletion undone.
    let tx = tagging::delete(&s.project, doc, ann).unwrap();
    s.commit(tx).unwrap();
    assert!(s.project.annotation(doc, ann).is_none());
    assert!(s.undo().unwrap());
    assert!(s.project.annotation(doc, ann).is_some());

    // Setting NaN or infinity again is refused with a clear error.
    for n in [f64::NAN, f64::INFINITY] {
        let err = events::set_attribute(
            &s.project,
            doc,
            ann,
            &"count".into(),
            Some(AttrValue::Number(n)),
        )
        .unwrap_err();
        assert!(err.to_string().contains("a finite number"), "{err}");
    }
}
