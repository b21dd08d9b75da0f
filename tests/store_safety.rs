//! The store on bad days: failed saves, backups, strict loading and untrusted files.
#![allow(clippy::unwrap_used)]

use marginalia::model::*;
use marginalia::session::Session;
use marginalia::store::{self, Limits, StoreError};
use std::path::{Path, PathBuf};

const PROJECT: &str = "test.marginalia.ron";
const ANN: &str = "sources/cable.txt.ann.ron";
const SOURCE: &str = "sources/cable.txt";

/// A saved project with one source, one entry and one mention of it.
fn saved_project(dir: &Path) -> Session {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let src = dir.join(SOURCE);
    std::fs::write(&src, "To Cde. FILIPPOV\r\nЛи Кэ-нун 李克农 reports.\r\n").unwrap();
    let doc = store::document_from_source(dir, &src).unwrap();
    let doc_id = doc.id();
    let mut project = Project::new("Test");
    project.documents.insert(doc_id, doc);
    let mut s = Session::create(project, dir.join(PROJECT));
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
    s.save().unwrap();
    s
}

fn doc_id(s: &Session) -> DocId {
    *s.project.documents.keys().next().unwrap()
}

/// Changes the note of the document's first annotation, through the undo history.
fn edit_note(s: &mut Session, note: &str) {
    let d = doc_id(s);
    let before = s.project.documents[&d]
        .annotations
        .values()
        .next()
        .unwrap()
        .clone();
    let mut after = before.clone();
    after.note = note.into();
    s.commit(Transaction::new("note").with(Edit::update_annotation(d, before, after)))
        .unwrap();
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap()
}

fn rewrite(dir: &Path, rel: &str, f: impl FnOnce(String) -> String) {
    let p = dir.join(rel);
    let s = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, f(s)).unwrap();
}

/// The temporary file this process writes for `path` before replacing it.
fn temp_path_for(path: &Path) -> PathBuf {
    store::fs::temp_path(path, std::process::id())
}

fn load_err(dir: &Path) -> StoreError {
    store::load(dir).unwrap_err()
}

#[test]
fn failed_save_keeps_old_file_and_unsaved_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut s = saved_project(dir);
    let old = read(dir, ANN);
    edit_note(&mut s, "first try");
    // A folder where the temporary file must go makes creating it fail.
    let blocker = temp_path_for(&dir.join(ANN));
    std::fs::create_dir(&blocker).unwrap();
    let err = s.save().unwrap_err();
    assert!(matches!(err, StoreError::Io { .. }), "{err}");
    assert_eq!(read(dir, ANN), old);
    assert!(s.is_dirty());
    assert!(!dir.join(format!("{ANN}.bak")).exists());

    std::fs::remove_dir(&blocker).unwrap();
    let report = s.save().unwrap();
    assert_eq!(report.written, vec![ANN.to_string()]);
    assert!(!s.is_dirty());
    assert!(read(dir, ANN).contains("first try"));
}

#[test]
fn save_that_fails_halfway_can_be_retried() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut s = saved_project(dir);
    // Both the annotation file and the project file change; the project file cannot be
    // written, after the annotation file was.
    edit_note(&mut s, "halfway");
    let mut info = s.project.info.clone();
    info.description = "renamed".into();
    s.commit(Transaction::new("describe").with(Edit::Info {
        before: s.project.info.clone(),
        after: info,
    }))
    .unwrap();
    let old_project = read(dir, PROJECT);
    let blocker = temp_path_for(&dir.join(PROJECT));
    std::fs::create_dir(&blocker).unwrap();
    s.save().unwrap_err();
    assert_eq!(read(dir, PROJECT), old_project);
    assert!(s.is_dirty());
    std::fs::remove_dir(&blocker).unwrap();
    // The annotation file we wrote ourselves is not a conflict.
    s.save().unwrap();
    assert!(read(dir, PROJECT).contains("renamed"));
    assert!(read(dir, ANN).contains("halfway"));
    assert_eq!(store::load(dir).unwrap().project, s.project);
}

#[test]
fn backup_holds_the_previous_version_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut s = saved_project(dir);
    let v1 = read(dir, ANN);
    edit_note(&mut s, "second");
    s.save().unwrap();
    let v2 = read(dir, ANN);
    assert_eq!(read(dir, &format!("{ANN}.bak")), v1);
    edit_note(&mut s, "third");
    s.save().unwrap();
    assert_eq!(read(dir, &format!("{ANN}.bak")), v2);
    assert!(read(dir, ANN).contains("third"));
    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("sources"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn one_changed_annotation_is_a_small_diff() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut s = saved_project(dir);
    let project_before = read(dir, PROJECT);
    let before = read(dir, ANN);
    edit_note(&mut s, "checked");
    let report = s.save().unwrap();
    assert_eq!(report.written, vec![ANN.to_string()]);
    assert_eq!(read(dir, PROJECT), project_before);
    let after = read(dir, ANN);
    let old: Vec<&str> = before.lines().collect();
    let new: Vec<&str> = after.lines().collect();
    let added: Vec<&&str> = new.iter().filter(|l| !old.contains(l)).collect();
    let removed: Vec<&&str> = old.iter().filter(|l| !new.contains(l)).collect();
    assert_eq!(added.len(), 1, "{added:?}");
    assert!(removed.is_empty(), "{removed:?}");
    assert!(!after.contains('\r'));
}

#[test]
fn unknown_field_is_an_error_naming_field_and_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    saved_project(dir);
    rewrite(dir, ANN, |s| {
        s.replacen(
            "exact: \"FILIPPOV\",",
            "exact: \"FILIPPOV\",\n colour: \"red\",",
            1,
        )
    });
    let err = load_err(dir);
    assert!(matches!(err, StoreError::UnknownFields { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("colour"), "{msg}");
    assert!(msg.ends_with("cable.txt.ann.ron"), "{msg}");

    // In the project file, inside a registry entry.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    saved_project(dir);
    rewrite(dir, PROJECT, |s| {
        s.replacen("name: \"Stalin\",", "name: \"Stalin\", born: 1878,", 1)
    });
    let msg = load_err(dir).to_string();
    assert!(msg.contains("born"), "{msg}");
    assert!(msg.ends_with(PROJECT), "{msg}");
}

#[test]
fn newer_format_opens_read_only_and_save_refuses() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    saved_project(dir);
    let newer = store::FORMAT_VERSION + 1;
    rewrite(dir, ANN, |s| {
        s.replacen(
            &format!("format_version: {}", store::FORMAT_VERSION),
            &format!("format_version: {newer},\n    colour: \"red\""),
            1,
        )
        .replacen(
            "status: NotStarted,",
            "status: NotStarted,\n provenance: \"x\",",
            1,
        )
    });
    let before = read(dir, ANN);
    let mut s = Session::open(dir).unwrap();
    assert!(s.is_read_only());
    let warning = &s.load_problems[0];
    assert_eq!(warning.severity, Severity::Warning);
    assert!(warning.message.contains("read-only"), "{}", warning.message);
    assert!(warning.message.contains("colour"), "{}", warning.message);
    assert_eq!(
        s.project
            .documents
            .values()
            .next()
            .unwrap()
            .annotations
            .len(),
        1
    );
    edit_note(&mut s, "mine");
    let err = s.save().unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err}");
    assert!(s.is_dirty());
    assert_eq!(read(dir, ANN), before);

    // A newer project file, too.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    saved_project(dir);
    rewrite(dir, PROJECT, |s| {
        s.replacen(
            &format!("format_version: {}", store::FORMAT_VERSION),
            &format!("format_version: {newer}"),
            1,
        )
    });
    let mut s = Session::open(dir).unwrap();
    assert!(s.is_read_only());
    assert!(matches!(s.save(), Err(StoreError::ReadOnly { .. })));
}

#[test]
fn version_below_oldest_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    saved_project(dir);
    rewrite(dir, PROJECT, |s| {
        s.replacen(
            &format!("format_version: {}", store::FORMAT_VERSION),
            "format_version: 0",
            1,
        )
    });
    let err = load_err(dir);
    assert!(
        matches!(err, StoreError::UnsupportedVersion { found: 0, .. }),
        "{err}"
    );
    let msg = err.to_string();
    assert!(msg.contains("format version 0"), "{msg}");
    assert!(msg.ends_with(PROJECT), "{msg}");
}

#[test]
fn malformed_file_names_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    saved_project(dir);
    rewrite(dir, ANN, |s| {
        s.replacen("exact: \"FILIPPOV\"", "exact: FILIPPOV\"", 1)
    });
    let line = read(dir, ANN)
        .lines()
        .position(|l| l.contains("exact: FILIPPOV"))
        .unwrap()
        + 1;
    let err = load_err(dir);
    let StoreError::Parse { line: l, col, .. } = &err else {
        panic!("{err}");
    };
    assert_eq!(*l, line, "{err}");
    assert!(*col > 1, "{err}");
    let msg = err.to_string();
    assert!(msg.contains(&format!("line {line}, column")), "{msg}");
    assert!(msg.ends_with("cable.txt.ann.ron"), "{msg}");
}

#[test]
fn oversized_file_is_refused_before_parsing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    saved_project(dir);
    // Malformed as well: the size check must come first.
    let limit = read(dir, PROJECT).len().max(read(dir, ANN).len()) as u64;
    let mut junk = read(dir, ANN);
    junk.push_str(&"(((( not RON".repeat(2000));
    std::fs::write(dir.join(ANN), &junk).unwrap();
    let limits = Limits {
        max_ron_bytes: limit,
        ..Limits::default()
    };
    let err = store::load_with(dir, limits).unwrap_err();
    assert!(matches!(err, StoreError::TooLarge { .. }), "{err}");
    assert!(err.to_string().ends_with("cable.txt.ann.ron"), "{err}");

    // Sources are limited too.
    rewrite(dir, ANN, |s| s.replace("(((( not RON", ""));
    let limits = Limits {
        max_source_bytes: 8,
        ..Limits::default()
    };
    let err = store::load_with(dir, limits).unwrap_err();
    assert!(matches!(err, StoreError::TooLarge { .. }), "{err}");
    assert!(err.to_string().ends_with("cable.txt"), "{err}");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for (open, close) in [("[", "]"), ("(", ")"), ("Some(", ")"), ("{\"a\":", "}")] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        saved_project(dir);
        let deep = format!("{}1{}", open.repeat(100_000), close.repeat(100_000));
        // As an unknown field's value, which is parsed and skipped, and as a known one.
        rewrite(dir, ANN, |s| {
            s.replacen("annotations:", &format!("x: {deep},\n    annotations:"), 1)
        });
        let err = load_err(dir);
        assert!(
            matches!(err, StoreError::Parse { .. }),
            "{open}: {}",
            err.to_string().chars().take(200).collect::<String>()
        );
        rewrite(dir, PROJECT, |s| {
            s.replacen("name: \"Test\"", &format!("name: {deep}"), 1)
        });
        assert!(matches!(load_err(dir), StoreError::Parse { .. }), "{open}");
    }
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_project_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "To Cde. FILIPPOV\nsecret").unwrap();

    // A source that is a link to a file outside.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    saved_project(dir);
    std::fs::remove_file(dir.join(SOURCE)).unwrap();
    std::os::unix::fs::symlink(&secret, dir.join(SOURCE)).unwrap();
    let err = load_err(dir);
    assert!(matches!(err, StoreError::Escapes { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains(SOURCE) && msg.contains("outside"), "{msg}");

    // A folder that is a link to a folder outside.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    saved_project(dir);
    let real = dir.join("sources");
    let moved = outside.path().join("moved");
    std::fs::rename(&real, &moved).unwrap();
    std::os::unix::fs::symlink(&moved, &real).unwrap();
    assert!(matches!(load_err(dir), StoreError::Escapes { .. }));

    // A page image that is a link to a file outside.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    saved_project(dir);
    std::os::unix::fs::symlink(&secret, dir.join("sources/page1.png")).unwrap();
    rewrite(dir, ANN, |s| {
        s.replacen(
            "status:",
            "images: [\"sources/page1.png\"],\n        status:",
            1,
        )
    });
    let err = load_err(dir);
    assert!(matches!(err, StoreError::Escapes { .. }), "{err}");
    assert!(err.to_string().contains("sources/page1.png"), "{err}");

    // Adding a linked source is refused too, so a project never saves what it cannot load.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::os::unix::fs::symlink(&secret, dir.join("link.txt")).unwrap();
    let err = store::document_from_source(dir, &dir.join("link.txt")).unwrap_err();
    assert!(err.to_string().contains("outside"), "{err}");
}

#[test]
fn paths_escaping_the_project_are_refused() {
    for bad in [
        "../secret.txt",
        "/etc/passwd",
        "sources/../../x.txt",
        "C:/Windows/win.ini",
        "//server/share/x.txt",
        "\\\\\\\\server\\\\share\\\\x.txt",
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        saved_project(dir);
        rewrite(dir, ANN, |s| {
            s.replacen(
                &format!("path: \"{SOURCE}\""),
                &format!("path: \"{bad}\""),
                1,
            )
        });
        let err = load_err(dir);
        let msg = err.to_string();
        assert!(matches!(err, StoreError::Parse { .. }), "{bad}: {msg}");
        assert!(
            msg.contains("project folder") || msg.contains("backslash"),
            "{bad}: {msg}"
        );
        assert!(msg.ends_with("cable.txt.ann.ron"), "{msg}");
        // The same in the project file's document list.
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        saved_project(dir);
        rewrite(dir, PROJECT, |s| {
            s.replacen(&format!("file: \"{ANN}\""), &format!("file: \"{bad}\""), 1)
        });
        let msg = load_err(dir).to_string();
        assert!(msg.ends_with(PROJECT), "{bad}: {msg}");
    }
}

#[test]
fn invalid_utf8_in_a_source_names_file_and_offset() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    saved_project(dir);
    std::fs::write(dir.join(SOURCE), b"To Cde.\nFILI\xFFPOV").unwrap();
    let err = load_err(dir);
    assert!(
        matches!(
            err,
            StoreError::InvalidUtf8 {
                offset: 12,
                line: 2,
                ..
            }
        ),
        "{err}"
    );
    let msg = err.to_string();
    assert!(msg.contains("byte offset 12"), "{msg}");
    assert!(msg.ends_with(SOURCE), "{msg}");
}

#[test]
fn duplicate_ids_are_errors() {
    // The same annotation twice in one file.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    saved_project(dir);
    rewrite(dir, ANN, |s| {
        let start = s.find("annotations: [").unwrap() + "annotations: [".len();
        let end = s.rfind(']').unwrap();
        let item = s[start..end].trim_end().to_string();
        format!("{}{item}{item}\n{}", &s[..start], &s[end..])
    });
    let msg = load_err(dir).to_string();
    assert!(msg.contains("appears twice"), "{msg}");
    assert!(msg.ends_with("cable.txt.ann.ron"), "{msg}");

    // The same registry entry twice.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    saved_project(dir);
    rewrite(dir, PROJECT, |s| {
        let start = s.find("registry: [").unwrap() + "registry: [".len();
        let end = start + s[start..].find("\n    ],").unwrap();
        let item = s[start..end].to_string();
        format!("{}{item}{item}{}", &s[..start], &s[end..])
    });
    let msg = load_err(dir).to_string();
    assert!(msg.contains("appears twice"), "{msg}");
    assert!(msg.ends_with(PROJECT), "{msg}");

    // The same annotation id in two documents.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut s = saved_project(dir);
    let src2 = dir.join("sources/copy.txt");
    std::fs::copy(dir.join(SOURCE), &src2).unwrap();
    let mut doc2 = store::document_from_source(dir, &src2).unwrap();
    let ann = s
        .project
        .documents
        .values()
        .next()
        .unwrap()
        .annotations
        .values()
        .next()
        .unwrap()
        .clone();
    doc2.annotations.insert(ann.id, ann);
    s.project.documents.insert(doc2.id(), doc2);
    s.save().unwrap();
    let msg = load_err(dir).to_string();
    assert!(msg.contains("more than one document"), "{msg}");
}

#[test]
fn missing_source_is_reported_and_annotations_survive_a_save() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    saved_project(dir);
    let before = read(dir, ANN);
    std::fs::remove_file(dir.join(SOURCE)).unwrap();
    let mut s = Session::open(dir).unwrap();
    let p = s
        .load_problems
        .iter()
        .find(|p| p.message.contains("missing"))
        .unwrap();
    assert!(
        p.message
            .ends_with(&format!("sources{}cable.txt", std::path::MAIN_SEPARATOR)),
        "{}",
        p.message
    );
    assert_eq!(p.document, Some(doc_id(&s)));
    let doc = s.project.documents.values().next().unwrap();
    assert!(doc.text.is_none());
    assert_eq!(doc.annotations.len(), 1);
    // Save another change, and the document itself with nothing changed.
    let mut info = s.project.info.clone();
    info.name = "Renamed".into();
    s.commit(Transaction::new("rename").with(Edit::Info {
        before: s.project.info.clone(),
        after: info,
    }))
    .unwrap();
    s.unsaved.docs.insert(doc_id(&s));
    let report = s.save().unwrap();
    assert_eq!(report.written, vec![PROJECT.to_string()]);
    assert_eq!(read(dir, ANN), before);
}

#[test]
fn changed_source_flags_anchors_without_moving_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    saved_project(dir);
    let before = read(dir, ANN);
    std::fs::write(
        dir.join(SOURCE),
        "To Comrade FILIPPOV\r\nЛи Кэ-нун reports.\r\n",
    )
    .unwrap();
    let mut s = Session::open(dir).unwrap();
    let d = doc_id(&s);
    let changed = s
        .load_problems
        .iter()
        .find(|p| p.message.contains("source changed"))
        .unwrap();
    assert_eq!(changed.document, Some(d));
    let ann = s.project.documents[&d]
        .annotations
        .values()
        .next()
        .unwrap()
        .clone();
    let flagged = s
        .load_problems
        .iter()
        .find(|p| p.annotation == Some(ann.id))
        .unwrap();
    assert!(
        flagged.message.contains("flagged for review"),
        "{}",
        flagged.message
    );
    assert_eq!(ann.anchor().unwrap().fragments, vec![Span::new(8, 16)]);
    assert_eq!(ann.anchor().unwrap().quote.exact, "FILIPPOV");
    s.unsaved.docs.insert(d);
    s.save().unwrap();
    assert_eq!(read(dir, ANN), before);
}

#[test]
fn records_are_written_sorted_by_id() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut s = saved_project(dir);
    let d = doc_id(&s);
    let text = s.project.documents[&d].text.clone().unwrap();
    let mut tx = Transaction::new("tag three");
    for n in [0x3u128, 0x1, 0x2] {
        let mut a = Annotation::new(Body::Mention(Mention {
            type_id: Slug::new("person"),
            anchor: TextAnchor::span(&text, 0, 2).unwrap(),
            entry: None,
            date: None,
        }));
        a.id = AnnId(uuid::Uuid::from_u128(n));
        tx.push(Edit::add_annotation(d, a));
    }
    s.commit(tx).unwrap();
    s.save().unwrap();
    let file = read(dir, ANN);
    let ids: Vec<&str> = file
        .lines()
        .filter_map(|l| l.trim().strip_prefix("id: \""))
        .skip(1) // the document's own id
        .collect();
    assert_eq!(ids.len(), 4, "{file}");
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    assert!(ids[0].starts_with("00000000-0000-0000-0000-000000000001"));
}

/// A save replaces only regular files: a link in place of the annotation file is refused,
/// with an error naming it, and left as the user made it, in a save of that file alone and
/// in a journalled save of several files; nothing is half written.
#[cfg(unix)]
#[test]
fn a_linked_project_file_is_not_replaced_by_a_save() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut s = saved_project(dir);
    // The annotation file becomes a link to a copy inside the project.
    let kept = dir.join("sources/kept.ron");
    std::fs::rename(dir.join(ANN), &kept).unwrap();
    std::os::unix::fs::symlink("kept.ron", dir.join(ANN)).unwrap();
    let held = std::fs::read(&kept).unwrap();
    edit_note(&mut s, "through the link");
    let err = s.save().unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("symbolic link"), "{msg}");
    assert!(msg.ends_with(&dir.join(ANN).display().to_string()), "{msg}");
    // Also when the project file changes in the same save.
    let mut info = s.project.info.clone();
    info.description = "both files".into();
    s.commit(Transaction::new("describe").with(Edit::Info {
        before: s.project.info.clone(),
        after: info,
    }))
    .unwrap();
    let old_project = read(dir, PROJECT);
    let err = s.save().unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert_eq!(read(dir, PROJECT), old_project);
    assert!(
        std::fs::symlink_metadata(dir.join(ANN))
            .unwrap()
            .is_symlink()
    );
    assert_eq!(std::fs::read(&kept).unwrap(), held);
    assert!(s.is_dirty());
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("sources"))
        .unwrap()
        .chain(std::fs::read_dir(dir).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.ends_with(".journal"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
