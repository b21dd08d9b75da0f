//! The conflict review in the window (egui_kittest, real pointer events): conflicts from a
//! refused save and from files the git merge driver wrote, shown side by side with the text
//! they anchor to, resolved per record or for all, undoable, and saved clean.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "gui")]

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::app::{App, Command, Prefs};
use marginalia::model::*;
use marginalia::session::Session;
use marginalia::store;
use std::path::{Path, PathBuf};

mod support;
use support::git::{output as git, run as git_ok};

/// The window size these tests run at.
const SIZE: [f32; 2] = [1280.0, 900.0];

const PROJECT: &str = "cables.marginalia.ron";
const BIN: &str = env!("CARGO_BIN_EXE_marginalia");

/// A project with one document and two person mentions (notes "base"); returns the file and
/// the two annotation ids.
fn make_project(dir: &Path) -> (PathBuf, DocId, [AnnId; 2]) {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let src = dir.join("sources/cable.txt");
    std::fs::write(&src, "Stalin met Mao in Moscow.\n").unwrap();
    let doc = store::document_from_source(dir, &src).unwrap();
    let d = doc.id();
    let text = doc.text.clone().unwrap();
    let mut project = Project::new("Cables");
    project.documents.insert(d, doc);
    let mut ids = Vec::new();
    for (start, end) in [(0, 6), (11, 14)] {
        let mut a = Annotation::new(Body::Mention(Mention {
            type_id: Slug::new("person"),
            anchor: TextAnchor::span(&text, start, end).unwrap(),
            entry: None,
            date: None,
        }));
        a.note = "base".into();
        ids.push(a.id);
        project
            .documents
            .get_mut(&d)
            .unwrap()
            .annotations
            .insert(a.id, a);
    }
    let file = dir.join(PROJECT);
    Session::create(project, file.clone()).save().unwrap();
    (file, d, [ids[0], ids[1]])
}

fn note_tx(p: &Project, d: DocId, a: AnnId, note: &str) -> Transaction {
    let before = p.annotation(d, a).unwrap().clone();
    let mut after = before.clone();
    after.note = note.into();
    Transaction::new("note").with(Edit::update_annotation(d, before, after))
}

/// Another writer changes the notes of `anns` and saves.
fn colleague_saves(file: &Path, d: DocId, anns: &[AnnId], note: &str) {
    let mut s = Session::open(file).unwrap();
    for a in anns {
        let tx = note_tx(&s.project, d, *a, note);
        s.commit(tx).unwrap();
    }
    s.save().unwrap();
}

fn session<'a>(h: &'a Harness<'_, App>) -> &'a Session {
    h.state().state.session.as_ref().unwrap()
}

fn notes(p: &Project, d: DocId) -> Vec<String> {
    let mut v: Vec<String> = p.documents[&d]
        .annotations
        .values()
        .map(|a| a.note.clone())
        .collect();
    v.sort();
    v
}

/// The window edits the notes of `anns` (through the session, as the inspector would).
fn window_edits(h: &mut Harness<'_, App>, d: DocId, anns: &[AnnId], note: &str) {
    for a in anns {
        let tx = note_tx(&session(h).project, d, *a, note);
        h.state_mut()
            .state
            .push(marginalia::app::Message::Apply(tx));
        h.run_steps(1);
    }
}

#[test]
fn a_refused_save_opens_the_review_and_each_choice_is_clicked_and_undoable() {
    let tmp = tempfile::tempdir().unwrap();
    let (file, d, [stalin, _]) = make_project(tmp.path());
    let mut h =
        support::gui::harness_dt(App::with_project(Prefs::default(), tmp.path()), SIZE, 0.25);
    h.run_steps(2);
    colleague_saves(&file, d, &[stalin], "theirs");
    window_edits(&mut h, d, &[stalin], "mine");
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(3);
    // The review: both versions side by side with the text the annotation anchors to.
    h.get_by_label("Merge conflicts");
    h.get_by_label("Mine (this window)");
    h.get_by_label("Theirs (on disk)");
    h.get_by_label("note: mine");
    h.get_by_label("note: theirs");
    assert_eq!(
        h.get_all_by_label("text: \"Stalin\"").count(),
        2,
        "each side shows the anchored text"
    );
    h.get_all_by_label("in: …[Stalin] met Mao in Moscow.…")
        .next()
        .expect("with its context");
    // Saving is refused with the reason while the conflict is open; nothing is lost.
    h.state_mut().state.push(Command::Save);
    h.run_steps(2);
    let status = h.state().state.status.clone();
    assert!(
        status.contains("merge conflict is not resolved"),
        "{status}"
    );
    assert!(h.state().state.is_dirty());
    // Keep theirs, by a click.
    h.get_by_label("Keep theirs").click();
    h.run_steps(2);
    assert!(session(&h).project.conflicts.is_empty());
    assert_eq!(notes(&session(&h).project, d), ["base", "theirs"]);
    h.get_by_label("No conflicts left: the project can be saved.");
    // Undo brings the conflict back, with my version in place; redo resolves again.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(session(&h).project.conflicts.len(), 1);
    assert_eq!(notes(&session(&h).project, d), ["base", "mine"]);
    h.get_by_label("Keep both").click();
    h.run_steps(2);
    assert_eq!(notes(&session(&h).project, d), ["base", "mine", "theirs"]);
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    assert!(!h.state().state.is_dirty(), "{}", h.state().state.status);
    let on_disk = Session::open(&file).unwrap();
    assert_eq!(notes(&on_disk.project, d), ["base", "mine", "theirs"]);
    assert!(marginalia::cli::check::run(&file).unwrap().ok);
}

#[test]
fn keep_mine_for_all_resolves_every_conflict_in_one_step() {
    let tmp = tempfile::tempdir().unwrap();
    let (file, d, anns) = make_project(tmp.path());
    let mut h =
        support::gui::harness_dt(App::with_project(Prefs::default(), tmp.path()), SIZE, 0.25);
    h.run_steps(2);
    colleague_saves(&file, d, &anns, "theirs");
    window_edits(&mut h, d, &anns, "mine");
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(3);
    assert_eq!(session(&h).project.conflicts.len(), 2);
    h.get_by_label("Keep mine for all").click();
    h.run_steps(2);
    assert!(session(&h).project.conflicts.is_empty());
    assert_eq!(
        session(&h).history.undo_label(),
        Some("Resolve 2 conflicts: keep mine")
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    assert_eq!(
        notes(&Session::open(&file).unwrap().project, d),
        ["mine", "mine"]
    );
}

#[test]
fn the_watch_merges_a_colleagues_save_into_the_open_window() {
    let tmp = tempfile::tempdir().unwrap();
    let (file, d, [stalin, mao]) = make_project(tmp.path());
    let mut h =
        support::gui::harness_dt(App::with_project(Prefs::default(), tmp.path()), SIZE, 0.25);
    h.run_steps(2);
    window_edits(&mut h, d, &[mao], "mine, unsaved");
    colleague_saves(&file, d, &[stalin], "theirs");
    let mut status = String::new();
    for _ in 0..40 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        h.run_steps(1);
        status = h.state().state.status.clone();
        if status.starts_with("Merged") {
            break;
        }
    }
    assert_eq!(status, "Merged 1 change from disk");
    assert_eq!(
        notes(&session(&h).project, d),
        ["mine, unsaved", "theirs"],
        "the unsaved edit is kept"
    );
    assert!(h.state().state.is_dirty());
}

// ------------------------------------------------------------------------ the git flow

#[test]
fn git_conflict_opens_in_the_review_resolves_and_checks_clean() {
    assert!(support::git::available(), "this test needs git installed");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    let (file, d, [stalin, _]) = make_project(&dir);
    support::git::init_with_setup(&dir, BIN, "start");
    git_ok(&dir, &["checkout", "-q", "-b", "colleague"]);
    colleague_saves(&file, d, &[stalin], "the colleague's reading");
    git_ok(&dir, &["commit", "-q", "-am", "colleague"]);
    git_ok(&dir, &["checkout", "-q", "main"]);
    colleague_saves(&file, d, &[stalin], "my reading");
    git_ok(&dir, &["commit", "-q", "-am", "mine"]);
    let merge = git(&dir, &["merge", "-q", "colleague"]);
    assert!(!merge.status.success(), "git reports the conflict");
    // The conflicted file loads; the window opens the review by itself.
    let mut h = support::gui::harness_dt(App::with_project(Prefs::default(), &dir), SIZE, 0.25);
    h.run_steps(3);
    h.get_by_label("Merge conflicts");
    h.get_by_label("note: my reading");
    h.get_by_label("note: the colleague's reading");
    h.get_by_label("Keep theirs").click();
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    assert!(!h.state().state.is_dirty(), "{}", h.state().state.status);
    drop(h);
    let check = std::process::Command::new(BIN)
        .arg("check")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "check is clean: {}",
        String::from_utf8_lossy(&check.stdout)
    );
    let on_disk = Session::open(&file).unwrap();
    assert_eq!(
        notes(&on_disk.project, d),
        ["base", "the colleague's reading"]
    );
    git_ok(&dir, &["add", "-A"]);
    git_ok(&dir, &["commit", "-q", "-m", "merged"]);
    let status = git(&dir, &["status", "--porcelain"]);
    assert!(String::from_utf8_lossy(&status.stdout).trim().is_empty());
}
