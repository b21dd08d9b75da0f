//! Issue 8 through the real window (egui_kittest): inputs that froze, crashed or silently
//! deleted data. Each test builds the hostile project on disk, opens it and drives the
//! window by accessible labels, keys and pointer events.
#![allow(clippy::unwrap_used)]
#![cfg(feature = "gui")]

mod support;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use marginalia::app::{App, Message, Prefs};
use marginalia::model::schema::{AttrKind, AttributeDef};
use marginalia::model::*;
use marginalia::session::Session;
use marginalia::store;
use std::path::Path;
use support::gui::{project, steps};

/// The window size these tests run at.
const SIZE: [f32; 2] = [1280.0, 800.0];

/// Saves a project over one source with `raw` text; `edit` adds annotations first.
fn make(dir: &Path, raw: &str, edit: impl FnOnce(&mut Project, DocId)) -> DocId {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let src = dir.join("sources/a.txt");
    std::fs::write(&src, raw).unwrap();
    let doc = store::document_from_source(dir, &src).unwrap();
    let id = doc.id();
    let mut p = Project::new("Hardening");
    p.documents.insert(id, doc);
    edit(&mut p, id);
    Session::create(p, dir.join("h.marginalia.ron"))
        .save()
        .unwrap();
    id
}

fn mention(p: &Project, doc: DocId, span: Span) -> Annotation {
    let text = p.documents[&doc].text_or_empty();
    Annotation::new(Body::Mention(Mention {
        type_id: Slug::new("person"),
        anchor: TextAnchor::new(text, &[span]).unwrap(),
        entry: None,
        date: None,
    }))
}

/// Issue 8 §2: 10,000 annotations on one span froze the window forever.
#[test]
fn ten_thousand_stacked_annotations_draw_and_hover() {
    let tmp = tempfile::tempdir().unwrap();
    make(tmp.path(), "Kim Il Sung met Peng.\n", |p, d| {
        for _ in 0..10_000 {
            let a = mention(p, d, Span::new(0, 11));
            p.documents.get_mut(&d).unwrap().annotations.insert(a.id, a);
        }
    });
    let mut h = support::gui::harness(App::with_project(Prefs::default(), tmp.path()), SIZE);
    steps(&mut h);
    assert_eq!(project(&h).annotation_count(), 10_000);
    let at = h.state().reader.char_rect(4).unwrap().center();
    h.hover_at(at);
    // Past the tooltip delay.
    h.hover_at(at);
    h.run_steps(8);
    h.get_by_label("… and 9988 more");
}

/// Issue 8 §5: a Choice value that no longer fits its attribute was removed every time the
/// annotation was drawn (and autosave wrote the loss).
#[test]
fn a_choice_value_that_no_longer_fits_is_shown_and_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ann = None;
    let doc = make(tmp.path(), "Kim Il Sung met Peng.\n", |p, d| {
        p.schema.attributes.push(AttributeDef {
            id: Slug::new("grade"),
            label: "Grade".into(),
            kind: AttrKind::Choice(vec!["general".into(), "marshal".into()]),
            applies_to: vec![],
        });
        let mut a = mention(p, d, Span::new(0, 11));
        a.attributes
            .insert(Slug::new("grade"), AttrValue::Text("Commander, CPV".into()));
        ann = Some(a.id);
        p.documents.get_mut(&d).unwrap().annotations.insert(a.id, a);
    });
    let ann = ann.unwrap();
    let mut h = support::gui::harness(App::with_project(Prefs::default(), tmp.path()), SIZE);
    steps(&mut h);
    h.state_mut()
        .state
        .push(Message::SelectAnnotation(Some(ann)));
    // Several seconds of frames: long enough for an autosave of any change.
    h.run_steps(30);
    h.get_by_label_contains("does not fit Grade");
    assert_eq!(
        project(&h).annotation(doc, ann).unwrap().attributes[&Slug::new("grade")],
        AttrValue::Text("Commander, CPV".into())
    );
    assert!(!h.state().state.is_dirty(), "drawing changed nothing");
    // `check` lists the value, and it is still on disk.
    let loaded = store::load(tmp.path()).unwrap();
    assert!(
        loaded
            .problems
            .iter()
            .any(|p| p.annotation == Some(ann) && p.message.contains("wrong kind")),
        "{:?}",
        loaded.problems
    );
    assert_eq!(
        loaded.project.annotation(doc, ann),
        project(&h).annotation(doc, ann)
    );
}

/// Issue 8 §11: after undoing "add documents" the window pointed at a removed document and
/// the next `]`, arrow key or Ctrl+F panicked.
#[test]
fn undo_revalidates_the_open_document() {
    let tmp = tempfile::tempdir().unwrap();
    let first = make(tmp.path(), "Kim Il Sung met Peng.\n", |_, _| {});
    std::fs::write(tmp.path().join("sources/b.txt"), "Filippov replied.\n").unwrap();
    let mut h = support::gui::harness(App::with_project(Prefs::default(), tmp.path()), SIZE);
    steps(&mut h);
    h.state_mut().state.push(Message::AddDocuments(vec![
        tmp.path().join("sources/b.txt"),
    ]));
    steps(&mut h);
    // Esc keeps the new document as it is (the new-documents window is modal).
    h.key_press(Key::Escape);
    steps(&mut h);
    let title = project(&h)
        .documents
        .values()
        .find(|d| d.id() != first)
        .unwrap()
        .meta
        .title
        .clone();
    h.get_by_label(&title).click();
    steps(&mut h);
    let added = h.state().state.doc.unwrap();
    assert_ne!(added, first, "the added document is open");
    h.key_press(Key::ArrowRight);
    h.key_press(Key::ArrowRight);
    steps(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    steps(&mut h);
    assert_eq!(h.state().state.doc, Some(first));
    for k in [
        Key::CloseBracket,
        Key::OpenBracket,
        Key::ArrowRight,
        Key::ArrowDown,
    ] {
        h.key_press(k);
        steps(&mut h);
    }
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    steps(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    steps(&mut h);
    assert_eq!(project(&h).documents.len(), 2);
}

/// Issue 8 §12: load problems appeared only on save. They show on open, each with a way to
/// go to it.
#[test]
fn problems_show_on_open_and_go_to_the_annotation() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ann = None;
    make(tmp.path(), "Kim Il Sung met Peng.\n", |p, d| {
        let mut a = mention(p, d, Span::new(16, 20));
        if let Body::Mention(m) = &mut a.body {
            m.entry = Some(EntryId::new());
        }
        ann = Some(a.id);
        p.documents.get_mut(&d).unwrap().annotations.insert(a.id, a);
    });
    let mut h = support::gui::harness(App::with_project(Prefs::default(), tmp.path()), SIZE);
    steps(&mut h);
    h.get_by_label("Problems");
    h.get_by_label_contains("missing registry entry");
    assert_eq!(h.state().state.selected, None);
    h.get_by_label("Go to").click();
    steps(&mut h);
    assert_eq!(h.state().state.selected, ann);
    // One state at a time: the annotation is selected, the caret at its start (no text
    // selection, which would take the inspector from it).
    assert_eq!(h.state().state.sel.span(), Span::new(16, 16));
    h.get_by_label("Close").click();
    steps(&mut h);
    assert!(h.query_by_label("Go to").is_none());
}

/// Issue 8 §13: a one-line 10 MB source took seconds and gigabytes to draw; a huge note
/// froze the window when its annotation was selected.
#[test]
fn a_ten_megabyte_line_and_a_huge_note_stay_responsive() {
    let tmp = tempfile::tempdir().unwrap();
    let line = "Kim Il Sung met Peng Dehuai at Kaesong. ".repeat(10_000_000 / 40);
    let mut ann = None;
    make(tmp.path(), &line, |p, d| {
        let mut a = mention(p, d, Span::new(0, 11));
        a.note = "Note. ".repeat(4_000_000);
        ann = Some(a.id);
        p.documents.get_mut(&d).unwrap().annotations.insert(a.id, a);
    });
    let mut h = support::gui::harness(App::with_project(Prefs::default(), tmp.path()), SIZE);
    steps(&mut h);
    assert!(
        h.state().reader.last_visible_lines < 100,
        "only a screenful of pieces is laid out, not {}",
        h.state().reader.last_visible_lines
    );
    h.state_mut().state.push(Message::SelectAnnotation(ann));
    steps(&mut h);
    h.get_by_label("Show all");
    h.get_by_label_contains("KB more not shown");
}
