//! Save as copy: a complete, independent project in another folder, equal to the session.
#![allow(clippy::unwrap_used)]

use marginalia::cli::check;
use marginalia::model::*;
use marginalia::session::Session;
use marginalia::store;
use std::path::Path;

/// A real 2 × 3 PNG: `check` reads page image headers.
fn tiny_png() -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::RgbImage::new(2, 3)
        .write_to(&mut bytes, image::ImageFormat::Png)
        .unwrap();
    bytes.into_inner()
}

/// A saved project with two sources in subfolders, a page image and a tag; returns it open.
fn project(dir: &Path) -> Session {
    std::fs::create_dir_all(dir.join("sources/1950")).unwrap();
    std::fs::create_dir_all(dir.join("images")).unwrap();
    std::fs::write(dir.join("sources/1950/cable.txt"), "Stalin met Mao.\r\n").unwrap();
    std::fs::write(dir.join("sources/note.md"), "# Note\nMao replied.\n").unwrap();
    std::fs::write(dir.join("images/p1.png"), tiny_png()).unwrap();
    let mut project = Project::new("Copy me");
    for src in ["sources/1950/cable.txt", "sources/note.md"] {
        let mut doc = store::document_from_source(dir, &dir.join(src)).unwrap();
        if src.ends_with("cable.txt") {
            doc.meta.images = vec![RelPath::parse("images/p1.png").unwrap()];
        }
        project.documents.insert(doc.id(), doc);
    }
    let mut s = Session::create(project, dir.join("copy.marginalia.ron"));
    let d = *s.project.documents.keys().next().unwrap();
    let text = s.project.documents[&d].text.clone().unwrap();
    let entry = Entry::new(Slug::new("person"), "Mao");
    let m = Annotation::new(Body::Mention(Mention {
        type_id: Slug::new("person"),
        anchor: TextAnchor::span(&text, 0, 4).unwrap(),
        entry: Some(entry.id),
        date: None,
    }));
    s.commit(
        Transaction::new("tag")
            .with(Edit::add_entry(entry))
            .with(Edit::add_annotation(d, m)),
    )
    .unwrap();
    s.save().unwrap();
    s
}

#[test]
fn copy_is_complete_independent_and_equal() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let s = project(a.path());
    let out = b.path().join("elsewhere");
    let copy = s.save_copy(&out).unwrap();
    assert_eq!(copy.project, s.project);
    assert_eq!(copy.dir(), out.as_path());
    let report = check::run(&out.join("copy.marginalia.ron")).unwrap();
    assert!(report.ok, "{}", check::format_text(&report));
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(
        std::fs::read(out.join("images/p1.png")).unwrap(),
        tiny_png()
    );
    // Independent: the original folder can go away and the copy still loads equal.
    let original = s.project.clone();
    drop(s);
    std::fs::remove_dir_all(a.path()).unwrap();
    let reopened = Session::open(&out).unwrap();
    assert_eq!(reopened.project, original);
    assert!(
        reopened.load_problems.is_empty(),
        "{:?}",
        reopened.load_problems
    );
}

#[test]
fn copy_never_replaces_files_already_there() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let s = project(a.path());
    std::fs::create_dir_all(b.path().join("sources")).unwrap();
    std::fs::write(b.path().join("sources/note.md"), "mine").unwrap();
    let err = s.save_copy(b.path()).unwrap_err().to_string();
    assert!(err.contains("already there"), "{err}");
    assert!(
        err.ends_with(
            &b.path()
                .join("sources")
                .join("note.md")
                .display()
                .to_string()
        ),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(b.path().join("sources/note.md")).unwrap(),
        "mine"
    );
    assert!(!b.path().join("copy.marginalia.ron").exists());
}

#[test]
fn save_as_moves_the_presence_lock_to_the_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = project(dir.path());
    s.acquire_lock().unwrap();
    let old_lock = dir.path().join("copy.marginalia.ron.lock");
    assert!(old_lock.exists());
    let new_file = dir.path().join("renamed.marginalia.ron");
    s.save_as(new_file.clone()).unwrap();
    assert!(!old_lock.exists(), "the old file is no longer open here");
    assert!(dir.path().join("renamed.marginalia.ron.lock").exists());
    assert!(!dir.path().join("copy.marginalia.ron.lock.bak").exists());
}
