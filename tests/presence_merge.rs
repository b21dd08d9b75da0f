//! Two writers on one project folder: a save refused because the other saved first merges
//! the disk version in and saves both sides' work.
#![allow(clippy::unwrap_used)]

use marginalia::model::*;
use marginalia::session::Session;
use marginalia::store::{self, StoreError};
use std::path::Path;

const PROJECT: &str = "test.marginalia.ron";
const SOURCE: &str = "sources/cable.txt";

/// A saved project with one source and no annotations.
fn saved_project(dir: &Path) -> Session {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let src = dir.join(SOURCE);
    std::fs::write(&src, "Stalin met Mao in Moscow.\n").unwrap();
    let doc = store::document_from_source(dir, &src).unwrap();
    let mut project = Project::new("Test");
    project.documents.insert(doc.id(), doc);
    let mut s = Session::create(project, dir.join(PROJECT));
    s.save().unwrap();
    s
}

fn doc_id(s: &Session) -> DocId {
    *s.project.documents.keys().next().unwrap()
}

/// Tags code points `start..end` as a person with a new entry; returns the annotation id.
fn tag(s: &mut Session, start: usize, end: usize, name: &str) -> AnnId {
    let d = doc_id(s);
    let text = s.project.documents[&d].text.clone().unwrap();
    let entry = Entry::new(Slug::new("person"), name);
    let m = Annotation::new(Body::Mention(Mention {
        type_id: Slug::new("person"),
        anchor: TextAnchor::span(&text, start, end).unwrap(),
        entry: Some(entry.id),
        date: None,
    }));
    let id = m.id;
    s.commit(
        Transaction::new("tag")
            .with(Edit::add_entry(entry))
            .with(Edit::add_annotation(d, m)),
    )
    .unwrap();
    id
}

#[test]
fn refused_save_merges_disk_version_and_keeps_both_tags() {
    let dir = tempfile::tempdir().unwrap();
    saved_project(dir.path());
    let file = dir.path().join(PROJECT);
    let mut a = Session::open(&file).unwrap();
    let mut b = Session::open(&file).unwrap();
    let stalin = tag(&mut a, 0, 6, "Stalin");
    let mao = tag(&mut b, 11, 14, "Mao");
    a.save().unwrap();
    // B's autosave merges what A saved since B loaded (issue 21: under the save lock, in
    // the save itself), then writes both.
    let r = b.save().unwrap();
    assert_eq!(r.merged, 2, "an annotation and an entry came in");

    let reopened = Session::open(&file).unwrap();
    let d = doc_id(&reopened);
    let anns = &reopened.project.documents[&d].annotations;
    assert!(anns.contains_key(&stalin), "A's tag lost");
    assert!(anns.contains_key(&mao), "B's tag lost");
    assert_eq!(reopened.project.registry.len(), 2);
    assert_eq!(reopened.project, b.project);
    // A can save again after merging B's save back.
    tag(&mut a, 18, 24, "Moscow");
    assert!(a.save().unwrap().merged > 0);
    let last = Session::open(&file).unwrap();
    assert_eq!(last.project.documents[&d].annotations.len(), 3);
}

#[test]
fn conflicting_merge_refuses_save_until_resolved_and_keeps_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = saved_project(dir.path());
    let ann = tag(&mut first, 0, 6, "Stalin");
    first.save().unwrap();
    let file = dir.path().join(PROJECT);
    let mut a = Session::open(&file).unwrap();
    let mut b = Session::open(&file).unwrap();
    for (s, note) in [(&mut a, "from A"), (&mut b, "from B")] {
        let d = doc_id(s);
        let before = s.project.documents[&d].annotations[&ann].clone();
        let mut after = before.clone();
        after.note = note.into();
        s.commit(Transaction::new("note").with(Edit::update_annotation(d, before, after)))
            .unwrap();
    }
    a.save().unwrap();
    // B's save merges A's version first; the conflict stops it before anything is written.
    assert!(matches!(
        b.save(),
        Err(StoreError::MergeConflicts { conflicts: 1, .. })
    ));
    let err = b.save().unwrap_err().to_string();
    assert!(err.contains("not resolved"), "{err}");
    assert!(err.ends_with(&file.display().to_string()), "{err}");
    let c = &b.project.conflicts;
    assert_eq!(c.len(), 1, "the other version is recorded until resolved");
    let theirs = format!("{:?}", c[0].theirs);
    assert!(theirs.contains("from A"), "{theirs}");
    b.resolve_conflicts(&[0], marginalia::model::merge::Choice::Mine)
        .unwrap();
    b.save().unwrap();
    let reopened = Session::open(&file).unwrap();
    let d = doc_id(&reopened);
    assert_eq!(
        reopened.project.documents[&d].annotations[&ann].note,
        "from B"
    );
    assert!(reopened.project.conflicts.is_empty());
}
