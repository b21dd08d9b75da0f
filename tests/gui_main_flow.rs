//! Drives the real workbench window headless (egui_kittest) by accessible labels and keys:
//! open a project, find a word, tag it as a Person by keyboard, link it to a registry entry,
//! undo and redo, save, and check the files on disk hold exactly that.
#![allow(clippy::unwrap_used)]
#![cfg(feature = "gui")]

mod support;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::app::{App, Prefs};
use marginalia::model::*;
use marginalia::session::Session;
use marginalia::store;

/// The window size these tests run at.
const SIZE: [f32; 2] = [1280.0, 800.0];
use std::path::Path;
use support::gui::steps;

const TEXT: &str = "To Cde. FILIPPOV\nI am sending you the answer of Mao Zedong (毛泽东).\nKim Il Sung (김일성) agrees; スターリン; Сталин.\n";

/// A saved project with one document and a registry entry for Stalin.
fn make_project(dir: &Path) -> EntryId {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let src = dir.join("sources/cable.txt");
    std::fs::write(&src, TEXT).unwrap();
    let doc = store::document_from_source(dir, &src).unwrap();
    let mut project = Project::new("Flow test");
    project.documents.insert(doc.id(), doc);
    let stalin = Entry::new(Slug::new("person"), "Stalin, Joseph Vissarionovich");
    let id = stalin.id;
    project.registry.insert(id, stalin);
    let mut s = Session::create(project, dir.join("flow.marginalia.ron"));
    s.save().unwrap();
    id
}

fn mentions(app: &App) -> Vec<Annotation> {
    let p = &app.state.session.as_ref().unwrap().project;
    p.documents
        .values()
        .flat_map(|d| d.annotations.values().cloned())
        .collect()
}

#[test]
fn tag_link_undo_redo_save_reload() {
    let tmp = tempfile::tempdir().unwrap();
    let stalin = make_project(tmp.path());
    let mut h = support::gui::harness(App::with_project(Prefs::default(), tmp.path()), SIZE);
    steps(&mut h);
    assert!(h.state().state.session.is_some(), "project opened");
    assert!(h.state().title().contains("Flow test"));
    h.get_by_label("Document text");

    // Find "filippov" with Ctrl+F, go to it with Enter, leave the box with Escape.
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    steps(&mut h);
    assert!(h.get_by_label("Find in document").is_focused());
    h.get_by_label("Find in document").type_text("filippov");
    steps(&mut h);
    h.key_press(Key::Enter);
    steps(&mut h);
    h.key_press(Key::Escape);
    steps(&mut h);
    // Widen the selection by one character with Shift+Right, then undo that with Shift+Left:
    // keyboard selection works, and snapping keeps the tag on the word.
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    steps(&mut h);
    assert_eq!(h.state().state.sel.span(), Span::new(8, 17));
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowLeft);
    steps(&mut h);

    // Tag as Person with its hotkey.
    h.key_press(Key::P);
    steps(&mut h);
    let m = mentions(h.state());
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].type_id().as_str(), "person");
    assert_eq!(m[0].anchor().unwrap().quote.exact, "FILIPPOV");
    assert!(h.state().title().starts_with('•'), "unsaved mark");

    // Link it: Ctrl+L focuses the registry search; Enter takes the best match.
    h.key_press_modifiers(Modifiers::COMMAND, Key::L);
    steps(&mut h);
    assert!(h.get_by_label("Link to entry").is_focused());
    h.get_by_label("Link to entry").type_text("stal");
    steps(&mut h);
    h.key_press(Key::Enter);
    steps(&mut h);
    let linked = |app: &App| mentions(app)[0].as_mention().unwrap().entry;
    assert_eq!(linked(h.state()), Some(stalin));

    // Undo the link, then redo it (Ctrl+Shift+Z) — and undo/redo again with Ctrl+Y.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    steps(&mut h);
    assert_eq!(linked(h.state()), None);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    steps(&mut h);
    assert_eq!(linked(h.state()), Some(stalin));
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    steps(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    steps(&mut h);
    assert!(mentions(h.state()).is_empty(), "both actions undone");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    steps(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    steps(&mut h);
    assert_eq!(linked(h.state()), Some(stalin));

    // Save, then read the files back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    steps(&mut h);
    assert!(!h.state().state.is_dirty());
    assert!(!h.state().title().starts_with('•'));
    let on_disk = store::load(tmp.path()).unwrap();
    assert_eq!(on_disk.problems, vec![]);
    assert_eq!(
        on_disk.project,
        h.state().state.session.as_ref().unwrap().project
    );
    let anns: Vec<&Annotation> = on_disk
        .project
        .documents
        .values()
        .flat_map(|d| d.annotations.values())
        .collect();
    assert_eq!(anns.len(), 1);
    let m = anns[0].as_mention().unwrap();
    assert_eq!(m.type_id.as_str(), "person");
    assert_eq!(m.anchor.fragments, vec![Span::new(8, 16)]);
    assert_eq!(m.anchor.quote.exact, "FILIPPOV");
    assert_eq!(m.entry, Some(stalin));
    assert_eq!(on_disk.project.registry.len(), 1);
    // The recovery copy is gone after a clean save.
    assert!(!tmp.path().join("flow.marginalia.ron.recovery").exists());
}

#[test]
fn cjk_cyrillic_text_renders() {
    // kittest panics on glyphs missing from every font, so rendering these proves coverage.
    let mut h = Harness::new_ui(|ui| {
        marginalia::app::fonts::install(ui.ctx());
        ui.label("毛泽东 김일성 スターリン Сталин Ελλάδα");
    });
    h.run();
    h.get_by_label("毛泽东 김일성 スターリン Сталин Ελλάδα");
}

#[test]
fn about_shows_version_and_git_revision() {
    let tmp = tempfile::tempdir().unwrap();
    make_project(tmp.path());
    let mut h = support::gui::harness(App::with_project(Prefs::default(), tmp.path()), SIZE);
    steps(&mut h);
    h.get_by_label("Help").click();
    steps(&mut h);
    h.get_by_label("About Marginalia").click();
    steps(&mut h);
    let version = format!("Version {}", marginalia::build_info::VERSION);
    h.get_by_label(&version);
    h.get_by_label("Close").click();
    steps(&mut h);
    assert!(h.query_by_label(&version).is_none());
}
