//! `marginalia merge BASE OURS THEIRS --path P` on files, without git: exit codes, the bytes
//! written into OURS, and conflicts in project files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use marginalia::model::merge::{self, ConflictKind, RecordKey};
use marginalia::model::*;
use marginalia::store::format::DocRef;
use marginalia::store::{self, merge::parse_project_file};
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_marginalia");
const PROJECT_PATH: &str = "korean-armistice-1951.marginalia.ron";

fn sample() -> (Project, Vec<DocRef>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951");
    let loaded = store::load(&dir).unwrap();
    let refs = loaded
        .disk
        .docs
        .iter()
        .map(|(id, d)| DocRef {
            id: *id,
            file: d.file.clone(),
        })
        .collect();
    (loaded.project, refs)
}

fn bytes(p: &Project, refs: &[DocRef]) -> Vec<u8> {
    store::project_bytes(p, refs).unwrap()
}

/// Writes the three versions and runs the driver; returns the exit code, stderr and the
/// bytes left in OURS.
fn run(base: &[u8], ours: &[u8], theirs: &[u8]) -> (i32, String, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let path = |n: &str| -> PathBuf { dir.path().join(n) };
    std::fs::write(path(".merge_file_O"), base).unwrap();
    std::fs::write(path(".merge_file_A"), ours).unwrap();
    std::fs::write(path(".merge_file_B"), theirs).unwrap();
    let o = Command::new(BIN)
        .arg("merge")
        .arg(path(".merge_file_O"))
        .arg(path(".merge_file_A"))
        .arg(path(".merge_file_B"))
        .args([
            "--path",
            PROJECT_PATH,
            "--ours-label",
            "HEAD",
            "--theirs-label",
            "%Y",
        ])
        .output()
        .unwrap();
    let out = std::fs::read(path(".merge_file_A")).unwrap();
    // Nothing but the three files is left behind (no backup, no temporary file).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
    (
        o.status.code().unwrap(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        out,
    )
}

#[test]
fn entries_added_on_both_sides_merge_cleanly_into_save_bytes() {
    let (base, refs) = sample();
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    let kim = Entry::new(Slug::new("person"), "Kim Il Sung");
    let peng = Entry::new(Slug::new("person"), "Peng Dehuai");
    ours.registry.insert(kim.id, kim.clone());
    theirs.registry.insert(peng.id, peng.clone());
    theirs.info.description = "Armistice talks, July 1951".into();
    let (code, err, out) = run(
        &bytes(&base, &refs),
        &bytes(&ours, &refs),
        &bytes(&theirs, &refs),
    );
    assert_eq!(code, 0, "{err}");
    let mut expected = ours.clone();
    expected.registry.insert(peng.id, peng);
    expected.info = theirs.info.clone();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        String::from_utf8(bytes(&expected, &refs)).unwrap()
    );
}

#[test]
fn nothing_changed_leaves_ours_byte_for_byte() {
    let (base, refs) = sample();
    let b = bytes(&base, &refs);
    let (code, err, out) = run(&b, &b, &b);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, b);
}

#[test]
fn deleting_a_type_the_other_side_uses_is_a_recorded_conflict() {
    let (mut base, refs) = sample();
    let mut ship = base.schema.entity_types[0].clone();
    ship.id = Slug::new("ship");
    ship.label = "Ship".into();
    ship.hotkey = None;
    base.schema.entity_types.push(ship.clone());
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    ours.schema.entity_types.retain(|t| t.id != ship.id);
    let vessel = Entry::new(ship.id.clone(), "Danish hospital ship Jutlandia");
    theirs.registry.insert(vessel.id, vessel.clone());
    let (code, err, out) = run(
        &bytes(&base, &refs),
        &bytes(&ours, &refs),
        &bytes(&theirs, &refs),
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("1 conflict recorded"), "{err}");
    let pf = parse_project_file(Path::new(PROJECT_PATH), &out).unwrap();
    assert_eq!(pf.conflicts.len(), 1);
    let c = &pf.conflicts[0];
    assert_eq!(c.record, RecordKey::EntityType(ship.id.clone()));
    assert_eq!(c.kind, ConflictKind::DeletedButReferenced);
    assert_eq!(c.referenced_by, vec![RecordKey::Entry(vessel.id)]);
    assert_eq!(
        (c.ours_label.as_str(), c.theirs_label.as_str()),
        ("HEAD", "theirs")
    );
    assert!(pf.schema.entity_types.iter().any(|t| t.id == ship.id));
    assert!(pf.registry.iter().any(|e| e.id == vessel.id));
}

#[test]
fn both_added_without_a_base_merges() {
    let (base, refs) = sample();
    let mut theirs = base.clone();
    let kim = Entry::new(Slug::new("person"), "Kim Il Sung");
    theirs.registry.insert(kim.id, kim.clone());
    let (code, err, out) = run(b"", &bytes(&base, &refs), &bytes(&theirs, &refs));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, bytes(&theirs, &refs));
}

#[test]
fn a_malformed_side_is_an_error_naming_the_file_and_ours_is_untouched() {
    let (base, refs) = sample();
    let b = bytes(&base, &refs);
    let mut broken = b.clone();
    broken.truncate(b.len() / 2);
    let mut ours = base.clone();
    ours.info.description = "ours".into();
    let o = bytes(&ours, &refs);
    let (code, err, out) = run(&b, &o, &broken);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("malformed file") && err.contains(PROJECT_PATH),
        "{err}"
    );
    assert_eq!(out, o);
}

/// A conflict about a document that is no longer in the project is kept in the project file
/// rather than dropped with the document's file.
#[test]
fn a_conflict_about_a_removed_document_stays_in_the_project_file() {
    let (mut base, refs) = sample();
    let doc = *base.documents.keys().next().unwrap();
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    ours.documents.get_mut(&doc).unwrap().meta.title = "ours".into();
    theirs.documents.get_mut(&doc).unwrap().meta.title = "theirs".into();
    let merged = merge::merge_projects(&base, &ours, &theirs, &merge::Labels::default());
    assert_eq!(merged.new_conflicts.len(), 1);
    base.conflicts = merged.project.conflicts.clone();
    base.documents.clear();
    let out = bytes(&base, &[]);
    let pf = parse_project_file(Path::new(PROJECT_PATH), &out).unwrap();
    assert_eq!(pf.conflicts, merged.new_conflicts);
    // With the document listed, the conflict goes to its annotation file instead.
    let with_doc = bytes(&merged.project, &refs);
    assert!(
        parse_project_file(Path::new(PROJECT_PATH), &with_doc)
            .unwrap()
            .conflicts
            .is_empty()
    );
}
