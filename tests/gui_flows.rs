//! More flows through the real window (egui_kittest): tag all occurrences with review,
//! the command palette, a project changed on disk, and the recovery copy after a crash.
#![allow(clippy::unwrap_used)]
#![cfg(feature = "gui")]

mod support;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::app::{Action, App, Command, Message, Prefs, recovery};
use marginalia::model::*;
use marginalia::session::Session;
use marginalia::store;

/// The window size these tests run at.
const SIZE: [f32; 2] = [1280.0, 800.0];
use std::path::Path;

const TEXT: &str =
    "To Cde. FILIPPOV\nFilippov replied. Mao Zedong (毛泽东) wrote to Filippov again.\n";

fn make_project(dir: &Path) -> DocId {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let src = dir.join("sources/cable.txt");
    std::fs::write(&src, TEXT).unwrap();
    let doc = store::document_from_source(dir, &src).unwrap();
    let id = doc.id();
    let mut project = Project::new("Flows");
    project.documents.insert(id, doc);
    Session::create(project, dir.join("flows.marginalia.ron"))
        .save()
        .unwrap();
    id
}

fn send(h: &mut Harness<'_, App>, c: impl Into<Action>) {
    h.state_mut().state.push(c);
    h.run_steps(2);
}

fn count(h: &Harness<'_, App>) -> usize {
    h.state()
        .state
        .session
        .as_ref()
        .unwrap()
        .project
        .annotation_count()
}

/// Drags the pointer across code points `[start, end)` of the reader's text, where the
/// reader drew them in the last frame.
fn drag_over(h: &mut Harness<'_, App>, start: usize, end: usize) {
    let reader = &h.state().reader;
    let from = reader
        .char_rect(start)
        .expect("start on screen")
        .left_center()
        + egui::vec2(1.0, 0.0);
    let to = reader
        .char_rect(end - 1)
        .expect("end on screen")
        .right_center()
        - egui::vec2(1.0, 0.0);
    h.hover_at(from);
    h.run_steps(1);
    h.drag_at(from);
    h.run_steps(1);
    for t in [0.25, 0.5, 0.75, 1.0] {
        h.hover_at(from + (to - from) * t);
        h.run_steps(1);
    }
    h.drop_at(to);
    h.run_steps(2);
}

/// Selects "FILIPPOV" on the first line with the pointer and tags it with the P key.
fn tag_first_filippov(h: &mut Harness<'_, App>, doc: DocId) {
    assert_eq!(h.state().state.doc, Some(doc));
    drag_over(h, 8, 16);
    assert_eq!(h.state().state.sel.span(), Span::new(8, 16));
    h.key_press(Key::P);
    h.run_steps(2);
    assert_eq!(count(h), 1);
}

#[test]
fn tag_all_occurrences_with_review() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = make_project(tmp.path());
    let mut h =
        support::gui::harness_dt(App::with_project(Prefs::default(), tmp.path()), SIZE, 0.25);
    h.run_steps(2);
    tag_first_filippov(&mut h, doc);
    h.key_press_modifiers(Modifiers::COMMAND, Key::T);
    h.run_steps(2);
    h.get_by_label("Apply").click();
    h.run_steps(2);
    assert_eq!(count(&h), 3, "the two other occurrences are tagged");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(count(&h), 1, "tag all is one undo step");
}

#[test]
fn palette_runs_commands() {
    let mut h = support::gui::harness_dt(App::new(Prefs::default()), SIZE, 0.25);
    h.run_steps(2);
    assert!(!h.state().state.prefs.dark);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::P);
    h.run_steps(2);
    h.get_by_label("Command").type_text("dark theme");
    h.run_steps(1);
    h.key_press(Key::Enter);
    h.run_steps(2);
    assert!(h.state().state.prefs.dark);
    assert!(!h.state().state.palette_open);
}

#[test]
fn change_on_disk_is_merged_and_nothing_is_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = make_project(tmp.path());
    let mut h =
        support::gui::harness_dt(App::with_project(Prefs::default(), tmp.path()), SIZE, 0.25);
    h.run_steps(2);
    tag_first_filippov(&mut h, doc);
    // A colleague changes the document's annotation file meanwhile.
    let ann_file = tmp.path().join("sources/cable.txt.ann.ron");
    let theirs = std::fs::read_to_string(&ann_file)
        .unwrap()
        .replace("NotStarted", "Done");
    std::fs::write(&ann_file, &theirs).unwrap();
    // Saving merges their change in (no conflict) and saves both.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    let status = h.state().state.status.clone();
    assert!(status.starts_with("Merged 1 change from disk"), "{status}");
    assert!(!h.state().state.is_dirty());
    assert_eq!(count(&h), 1);
    let p = &h.state().state.session.as_ref().unwrap().project;
    assert_eq!(p.documents[&doc].meta.status, DocStatus::Done);
    let on_disk = Session::open(&tmp.path().join("flows.marginalia.ron")).unwrap();
    assert_eq!(&on_disk.project, p);
}

#[test]
fn recovery_copy_survives_a_crash() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = make_project(tmp.path());
    let project_file = tmp.path().join("flows.marginalia.ron");
    {
        let mut h =
            support::gui::harness_dt(App::with_project(Prefs::default(), tmp.path()), SIZE, 0.25);
        h.run_steps(2);
        tag_first_filippov(&mut h, doc);
        // A second passes (steps are 0.25 s): the recovery copy is written; then "crash"
        // before the autosave.
        h.run_steps(6);
        assert_eq!(recovery::copies(&project_file).len(), 1);
        assert!(h.state().state.is_dirty());
    }
    let mut h =
        support::gui::harness_dt(App::with_project(Prefs::default(), tmp.path()), SIZE, 0.25);
    h.run_steps(2);
    h.get_by_label("Recover unsaved work?");
    h.get_by_label("Restore changes").click();
    h.run_steps(2);
    assert_eq!(count(&h), 1);
    let p = &h.state().state.session.as_ref().unwrap().project;
    let a = p.documents[&doc].annotations.values().next().unwrap();
    assert_eq!(a.anchor().unwrap().quote.exact, "FILIPPOV");
    // Restoring is undoable, and saving removes the recovery copy.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    assert!(recovery::copies(&project_file).is_empty());
    assert_eq!(
        store::load(tmp.path()).unwrap().project.annotation_count(),
        1
    );
}

#[test]
fn mouse_drag_and_type_popup_tag_a_line() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = make_project(tmp.path());
    let mut h =
        support::gui::harness_dt(App::with_project(Prefs::default(), tmp.path()), SIZE, 0.25);
    h.run_steps(2);
    let r = h.get_by_label("Document text").rect();
    // Line 0 sits in the first line box; drag from before its start to past its end.
    let y = r.min.y + 16.0;
    h.hover_at(egui::pos2(r.min.x + 1.0, y));
    h.run_steps(1);
    h.drag_at(egui::pos2(r.min.x + 1.0, y));
    h.run_steps(1);
    for x in [80.0, 200.0, 400.0, 600.0] {
        h.hover_at(egui::pos2(r.min.x + x, y));
        h.run_steps(1);
    }
    h.drop_at(egui::pos2(r.min.x + 600.0, y));
    h.run_steps(2);
    assert_eq!(h.state().state.sel.span(), Span::new(0, 16));
    // The type popup opened at the pointer; pick Person with the mouse.
    h.get_by_label("Person  (P)").click();
    h.run_steps(2);
    let p = &h.state().state.session.as_ref().unwrap().project;
    let a = p.documents[&doc].annotations.values().next().unwrap();
    assert_eq!(a.type_id().as_str(), "person");
    assert_eq!(a.anchor().unwrap().quote.exact, "To Cde. FILIPPOV");
}

/// Folder and file choices come from dialogs and drops, which kittest cannot drive: they
/// are queued as the messages those send.
#[test]
fn new_project_from_a_folder_then_add_documents_by_command() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cables");
    std::fs::create_dir_all(dir.join("more")).unwrap();
    std::fs::write(dir.join("a.txt"), "Сталин to Mao.\n").unwrap();
    std::fs::write(dir.join("more/b.md"), "김일성 and 毛泽东.\n").unwrap();
    std::fs::write(dir.join("notes.pdf"), "not a source").unwrap();
    let mut h = support::gui::harness_dt(App::new(Prefs::default()), SIZE, 0.25);
    h.run_steps(1);
    send(&mut h, Message::NewFromFolder(dir.clone()));
    let s = h.state().state.session.as_ref().unwrap();
    assert_eq!(s.project.documents.len(), 2);
    assert!(h.state().state.is_dirty());
    send(&mut h, Command::Save);
    assert!(dir.join("cables.marginalia.ron").exists());
    assert!(dir.join("more/b.md.ann.ron").exists());
    std::fs::write(dir.join("c.txt"), "Filippov.\n").unwrap();
    send(
        &mut h,
        Message::AddDocuments(vec![dir.join("c.txt"), dir.join("a.txt")]),
    );
    assert_eq!(
        h.state()
            .state
            .session
            .as_ref()
            .unwrap()
            .project
            .documents
            .len(),
        3,
        "a.txt is already in"
    );
    // Esc keeps the new document as it is (the new-documents window, gui_new_documents).
    h.key_press(Key::Escape);
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(
        h.state()
            .state
            .session
            .as_ref()
            .unwrap()
            .project
            .documents
            .len(),
        2
    );
}
