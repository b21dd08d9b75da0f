//! One state at a time in the reader and inspector (issue 11, item 5), with real pointer
//! events at the reader's text positions: after an annotation is clicked, dragging over other
//! text shows the *selection* in the inspector (no Delete), Delete does not remove the
//! annotation selected before, Ctrl+R moves it to the selection, and clicking an annotation
//! ends the text selection.
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

const TEXT: &str = "Nam Il met Peng Dehuai at Kaesong on 10 July.\n";

fn make_project(dir: &Path) {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let src = dir.join("sources/minutes.txt");
    std::fs::write(&src, TEXT).unwrap();
    let doc = store::document_from_source(dir, &src).unwrap();
    let mut project = Project::new("One state");
    project.documents.insert(doc.id(), doc);
    Session::create(project, dir.join("state.marginalia.ron"))
        .save()
        .unwrap();
}

fn start(word: &str) -> usize {
    TEXT.find(word).unwrap()
}

/// Drags the pointer across `word` where the reader drew it in the last frame.
fn drag_over(h: &mut Harness<'_, App>, word: &str) {
    let (s, e) = (start(word), start(word) + word.chars().count());
    let reader = &h.state().reader;
    let from = reader.char_rect(s).expect("on screen").left_center() + egui::vec2(1.0, 0.0);
    let to = reader.char_rect(e - 1).expect("on screen").right_center() - egui::vec2(1.0, 0.0);
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
    assert_eq!(
        h.state().state.sel.span(),
        Span::new(s, e),
        "dragged {word}"
    );
}

/// Clicks the middle of `word` as a pointer would.
fn click(h: &mut Harness<'_, App>, word: &str) {
    let mid = start(word) + word.chars().count() / 2;
    let at = h.state().reader.char_rect(mid).expect("on screen").center();
    h.hover_at(at);
    h.run_steps(1);
    h.drag_at(at);
    h.run_steps(1);
    h.drop_at(at);
    h.run_steps(3);
}

fn mentions(h: &Harness<'_, App>) -> Vec<String> {
    let p = &h.state().state.session.as_ref().unwrap().project;
    p.documents
        .values()
        .flat_map(|d| d.annotations.values())
        .filter_map(|a| a.as_mention().map(|m| m.anchor.quote.exact.clone()))
        .collect()
}

fn mode(h: &Harness<'_, App>) -> String {
    marginalia::app::panels::status::mode_line(&h.state().state).unwrap_or_default()
}

#[test]
fn a_new_text_selection_replaces_the_selected_annotation_in_the_inspector() {
    let tmp = tempfile::tempdir().unwrap();
    make_project(tmp.path());
    let mut h =
        support::gui::harness_dt(App::with_project(Prefs::default(), tmp.path()), SIZE, 0.25);
    h.run_steps(3);
    // Tag "Nam Il" as a person with the pointer and the P key.
    drag_over(&mut h, "Nam Il");
    h.key_press(Key::P);
    h.run_steps(2);
    assert_eq!(mentions(&h), ["Nam Il"]);
    let nam = h
        .state()
        .state
        .selected
        .expect("the new mention is selected");

    // Click elsewhere, then click the annotation: it is selected, no text is.
    click(&mut h, "Kaesong");
    click(&mut h, "Nam Il");
    assert_eq!(h.state().state.selected, Some(nam));
    assert!(h.state().state.sel.is_empty());
    h.get_by_label("Delete");
    assert!(
        mode(&h).starts_with("Annotation selected: Person"),
        "{}",
        mode(&h)
    );

    // Drag over other text: the inspector shows the selection; the annotation is only the
    // target of "Move here", and Delete is not offered.
    drag_over(&mut h, "Peng Dehuai");
    assert_eq!(
        h.state().state.selected,
        Some(nam),
        "kept as the move target"
    );
    h.get_by_label("Selected: “Peng Dehuai”");
    h.get_by_label("Move “Nam Il” here (Ctrl+R)");
    h.get_by_label("Meeting (M)");
    assert!(
        h.query_by_label("Delete").is_none(),
        "no Delete in the selection state"
    );
    assert!(h.query_by_label("Move to selection").is_none());
    let m = mode(&h);
    assert!(
        m.starts_with("Text selected: 11 characters") && m.contains("Ctrl+R moves the Person here"),
        "{m}"
    );

    // The Delete key does not delete the annotation selected before.
    h.key_press(Key::Delete);
    h.run_steps(2);
    assert_eq!(
        mentions(&h),
        ["Nam Il"],
        "Delete with text selected deletes nothing"
    );
    assert!(
        h.state().state.status.contains("Text is selected"),
        "{}",
        h.state().state.status
    );

    // Clicking the annotation ends the text selection: back to the annotation state.
    click(&mut h, "Nam Il");
    assert!(
        h.state().state.sel.is_empty(),
        "the click cleared the text selection"
    );
    assert_eq!(h.state().state.selected, Some(nam));
    h.get_by_label("Delete");
    assert!(h.query_by_label("Move “Nam Il” here (Ctrl+R)").is_none());

    // Select again and move it with Ctrl+R.
    drag_over(&mut h, "Peng Dehuai");
    h.key_press_modifiers(Modifiers::COMMAND, Key::R);
    h.run_steps(3);
    assert_eq!(mentions(&h), ["Peng Dehuai"], "Ctrl+R moved the annotation");
    assert!(h.state().state.sel.is_empty());

    // Now with no text selected, Delete deletes the selected annotation.
    click(&mut h, "Peng Dehuai");
    assert_eq!(h.state().state.selected, Some(nam));
    h.key_press(Key::Delete);
    h.run_steps(2);
    assert!(mentions(&h).is_empty(), "deleted");
}

/// At 700 × 900 the inspector's rows of buttons wrap: selecting an annotation (and then a
/// text selection beside it) does not widen the inspector and squeeze the reader.
#[test]
fn the_inspector_keeps_its_width_in_a_narrow_window() {
    let home = tempfile::tempdir().unwrap();
    let file = marginalia::build_info::install_sample(home.path()).unwrap();
    let mut h = support::gui::harness_dt(
        App::with_project(Prefs::default(), &file),
        [700.0, 900.0],
        0.25,
    );
    h.run_steps(3);
    let left = |h: &Harness<'_, App>| {
        h.get_by_role_and_label(egui::accesskit::Role::Heading, "Inspector")
            .rect()
            .left()
    };
    let before = left(&h);
    // The first annotations of the sample, one after another, then a text selection.
    for _ in 0..4 {
        h.key_press(Key::CloseBracket);
        h.run_steps(3);
        assert!(h.state().state.selected.is_some());
        // A few points for a scroll bar; a row of buttons that does not wrap takes tens.
        assert!(
            before - left(&h) < 8.0,
            "the inspector grew: {before} → {}",
            left(&h)
        );
    }
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    h.run_steps(3);
    h.get_by_label_contains("here (Ctrl+R)");
    assert!(
        before - left(&h) < 8.0,
        "nor in the selection state: {}",
        left(&h)
    );
}
