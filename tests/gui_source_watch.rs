//! A source text changed on disk by another writer while the project is open in the window
//! (egui_kittest): re-anchored live when we have no unsaved edits of that text; with unsaved
//! edits the user keeps ours or takes theirs, and neither text is lost. Our own saves of a
//! source are no change.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "gui")]

mod support;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::app::state::Dialog;
use marginalia::app::watch::Watch;
use marginalia::app::{App, Command, Message, Prefs};
use marginalia::model::*;
use marginalia::session::Session;
use marginalia::store;
use std::path::{Path, PathBuf};

const OLD: &str = "Stalin met Mao in Moscow.\n";
/// What a colleague's corrected transcription holds: a line inserted at the top.
const THEIRS: &str = "Telegram 1949-12-16.\nStalin met Mao in Moscow.\n";
const SHIFT: usize = "Telegram 1949-12-16.\n".len();

/// A project with one document and two person mentions, "Stalin" and "Mao"; returns the
/// source file and the document.
fn make_project(dir: &Path) -> (PathBuf, DocId) {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let src = dir.join("sources/cable.txt");
    std::fs::write(&src, OLD).unwrap();
    let doc = store::document_from_source(dir, &src).unwrap();
    let d = doc.id();
    let text = doc.text.clone().unwrap();
    let mut project = Project::new("Cables");
    project.documents.insert(d, doc);
    for (start, end) in [(0, 6), (11, 14)] {
        let a = Annotation::new(Body::Mention(Mention {
            type_id: Slug::new("person"),
            anchor: TextAnchor::span(&text, start, end).unwrap(),
            entry: None,
            date: None,
        }));
        let doc = project.documents.get_mut(&d).unwrap();
        doc.annotations.insert(a.id, a);
    }
    Session::create(project, dir.join("cables.marginalia.ron"))
        .save()
        .unwrap();
    (src, d)
}

/// The window, watching by polling (no dependence on the system's file events).
fn open(dir: &Path) -> Harness<'static, App> {
    let mut h = support::gui::harness_dt(
        App::with_project(Prefs::default(), dir),
        [1280.0, 900.0],
        0.25,
    );
    h.run_steps(2);
    let st = &mut h.state_mut().state;
    let w = Watch::polling(st.session.as_ref().unwrap());
    st.watch = Some(w);
    h
}

fn session<'a>(h: &'a Harness<'_, App>) -> &'a Session {
    h.state().state.session.as_ref().unwrap()
}

fn text(h: &Harness<'_, App>, d: DocId) -> String {
    session(h).project.documents[&d]
        .text
        .as_ref()
        .unwrap()
        .as_str()
        .to_owned()
}

/// Where each annotation of `d` starts, sorted.
fn starts(h: &Harness<'_, App>, d: DocId) -> Vec<usize> {
    let mut v: Vec<usize> = session(h).project.documents[&d]
        .annotations
        .values()
        .map(|a| a.anchor().unwrap().fragments[0].start)
        .collect();
    v.sort();
    v
}

/// Another writer replaces the source file (as `git pull` would).
fn colleague_writes(src: &Path, text: &str) {
    // A modification time the polling cannot mistake for the old one.
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(src, text).unwrap();
}

/// Runs frames (a poll is due every two seconds of window time) until `done` or gives up.
fn run_until(h: &mut Harness<'_, App>, done: impl Fn(&App) -> bool) -> bool {
    for _ in 0..40 {
        h.run_steps(1);
        if done(h.state()) {
            return true;
        }
    }
    false
}

/// Our unsaved edit of the transcription: "NOTE " inserted at the start.
fn edit_our_text(h: &mut Harness<'_, App>, d: DocId) {
    let tx =
        marginalia::model::ops::text::edit_text(&session(h).project, d, 0..0, "NOTE ").unwrap();
    h.state_mut().state.push(Message::Apply(tx));
    h.run_steps(1);
    assert!(
        session(h).unsaved.sources.contains(&d),
        "an unsaved text edit"
    );
}

#[test]
fn a_changed_source_is_reanchored_live_and_undo_restores_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, d) = make_project(tmp.path());
    let mut h = open(tmp.path());
    assert_eq!(starts(&h, d), [0, 11]);
    let title = session(&h).project.documents[&d].meta.title.clone();
    colleague_writes(&src, THEIRS);
    assert!(
        run_until(&mut h, |a| a.state.status.starts_with("Source of")),
        "the change was not picked up; status: {}",
        h.state().state.status
    );
    assert_eq!(
        h.state().state.status,
        format!("Source of {title} changed on disk: 2 re-anchored, 0 to review")
    );
    assert_eq!(text(&h, d), THEIRS);
    assert_eq!(
        starts(&h, d),
        [SHIFT, SHIFT + 11],
        "anchors moved with the text"
    );
    assert!(!h.state().state.review_open, "nothing to review");
    assert!(h.state().state.dialog.is_none());
    // One history entry: one undo brings back the old text and anchors.
    h.state_mut().state.push(Command::Undo);
    h.run_steps(1);
    assert_eq!(text(&h, d), OLD);
    assert_eq!(starts(&h, d), [0, 11]);
    assert_eq!(
        std::fs::read_to_string(&src).unwrap(),
        THEIRS,
        "disk untouched"
    );
}

#[test]
fn with_unsaved_text_edits_keep_mine_saves_ours_and_keeps_a_copy_of_theirs() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, d) = make_project(tmp.path());
    let mut h = open(tmp.path());
    edit_our_text(&mut h, d);
    colleague_writes(&src, THEIRS);
    assert!(
        run_until(&mut h, |a| matches!(
            a.state.dialog,
            Some(Dialog::SourceChanged { .. })
        )),
        "no question asked; status: {}",
        h.state().state.status
    );
    // The modal fades in.
    h.run_steps(3);
    h.get_by_label("A source changed on disk");
    assert_eq!(text(&h, d), format!("NOTE {OLD}"), "our text is untouched");
    h.get_by_label("Keep mine").click();
    h.run_steps(1);
    assert!(h.state().state.dialog.is_none());
    // Autosave, held back while the question was open, may save at once.
    let status = &h.state().state.status;
    assert!(
        status.starts_with("Kept your text") || status.starts_with("Saved"),
        "{status}"
    );
    let copy = src.with_file_name("cable.txt.theirs");
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), THEIRS);
    h.state_mut().state.push(Command::Save);
    h.run_steps(1);
    assert!(
        h.state().state.status.starts_with("Saved"),
        "our save is no conflict: {}",
        h.state().state.status
    );
    assert_eq!(
        std::fs::read_to_string(&src).unwrap(),
        format!("NOTE {OLD}")
    );
    // Our own save of the source is no change: polls after it ask nothing.
    let saved = h.state().state.status.clone();
    assert!(!run_until(&mut h, |a| a.state.dialog.is_some()
        || a.state.status != saved));
}

#[test]
fn with_unsaved_text_edits_take_theirs_reanchors_and_undo_brings_ours_back() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, d) = make_project(tmp.path());
    let mut h = open(tmp.path());
    edit_our_text(&mut h, d);
    assert_eq!(starts(&h, d), [5, 16]);
    colleague_writes(&src, THEIRS);
    assert!(run_until(&mut h, |a| a.state.dialog.is_some()));
    h.run_steps(3);
    h.get_by_label("Take theirs").click();
    h.run_steps(1);
    assert!(h.state().state.dialog.is_none());
    // Autosave, held back while the question was open, may save at once.
    let status = &h.state().state.status;
    assert!(
        status.starts_with("Source of") || status.starts_with("Saved"),
        "{status}"
    );
    assert_eq!(text(&h, d), THEIRS);
    assert_eq!(starts(&h, d), [SHIFT, SHIFT + 11]);
    h.state_mut().state.push(Command::Undo);
    h.run_steps(1);
    assert_eq!(text(&h, d), format!("NOTE {OLD}"), "our text is back");
    assert_eq!(starts(&h, d), [5, 16]);
    assert_eq!(std::fs::read_to_string(&src).unwrap(), THEIRS);
}

#[test]
fn a_mention_the_new_source_lost_opens_the_review_queue() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, d) = make_project(tmp.path());
    let mut h = open(tmp.path());
    let title = session(&h).project.documents[&d].meta.title.clone();
    colleague_writes(&src, "Telegram 1949-12-16.\nStalin met Zhou in Moscow.\n");
    assert!(
        run_until(&mut h, |a| a.state.status.starts_with("Source of")),
        "the change was not picked up; status: {}",
        h.state().state.status
    );
    assert_eq!(
        h.state().state.status,
        format!("Source of {title} changed on disk: 1 re-anchored, 1 to review")
    );
    assert!(h.state().state.review_open, "the review queue is open");
    let marked = session(&h).project.documents[&d]
        .annotations
        .values()
        .filter(|a| a.reanchor.is_some())
        .count();
    assert_eq!(marked, 1);
}

#[test]
fn a_pull_that_brings_source_and_annotation_file_together_is_reanchored() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, d) = make_project(tmp.path());
    let mut h = open(tmp.path());
    let file = session(&h).disk.project_file.clone();
    colleague_writes(&src, THEIRS);
    // The colleague's annotation file changed too (a note), anchored to the old text.
    let mut theirs = Session::open(&file).unwrap();
    let before = theirs.project.documents[&d]
        .annotations
        .values()
        .next()
        .unwrap()
        .clone();
    let mut after = before.clone();
    after.note = "theirs".into();
    theirs
        .commit(Transaction::new("note").with(Edit::update_annotation(d, before, after)))
        .unwrap();
    theirs.save().unwrap();
    assert!(
        run_until(&mut h, |a| a.state.status.starts_with("Source of")),
        "the change was not picked up; status: {}",
        h.state().state.status
    );
    assert_eq!(text(&h, d), THEIRS);
    assert_eq!(
        starts(&h, d),
        [SHIFT, SHIFT + 11],
        "anchors moved with the text"
    );
    let notes: Vec<String> = session(&h).project.documents[&d]
        .annotations
        .values()
        .map(|a| a.note.clone())
        .filter(|n| !n.is_empty())
        .collect();
    assert_eq!(notes, ["theirs"], "the merged note is kept");
}
