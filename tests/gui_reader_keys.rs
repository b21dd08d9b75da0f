//! Issue 11 item 4: the reader's keyboard in a real window (egui_kittest): Up/Down by
//! wrapped row, Home/End to the row's ends, Ctrl+Home/End, PageUp/PageDown by a screenful,
//! and the reading position kept when the window is resized.
#![allow(clippy::unwrap_used)]
#![cfg(feature = "gui")]

mod support;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use marginalia::app::{App, Command, Prefs};
use marginalia::model::*;
use marginalia::session::Session;
use marginalia::store;
use std::path::{Path, PathBuf};

/// A project with one document of `text`; returns the project file.
fn make_project(dir: &Path, text: &str) -> PathBuf {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let src = dir.join("sources/doc.txt");
    std::fs::write(&src, text).unwrap();
    let doc = store::document_from_source(dir, &src).unwrap();
    let mut project = Project::new("Keys");
    project.documents.insert(doc.id(), doc);
    let file = dir.join("keys.marginalia.ron");
    Session::create(project, file.clone()).save().unwrap();
    file
}

/// The window with `file` open and the reader focused (F6), as a keyboard user has it.
fn focused_reader(file: &Path, size: [f32; 2]) -> Harness<'static, App> {
    let mut h = support::gui::harness_dt(App::with_project(Prefs::default(), file), size, 0.25);
    h.run_steps(4);
    // Focus the reader (F6), as a keyboard user would.
    h.state_mut().state.push(Command::CycleRegion(true));
    h.run_steps(2);
    h
}

fn caret(h: &Harness<'_, App>) -> usize {
    h.state().state.sel.caret
}

fn press(h: &mut Harness<'_, App>, m: Modifiers, k: Key) {
    h.key_press_modifiers(m, k);
    h.run_steps(2);
}

/// One long paragraph (wraps into many rows), then a short line.
fn paragraph() -> String {
    let words: Vec<String> = (0..120).map(|i| format!("word{i}")).collect();
    format!("{}\nSecond line.\n", words.join(" "))
}

#[test]
fn up_and_down_move_by_wrapped_row_and_home_end_by_row() {
    let tmp = tempfile::tempdir().unwrap();
    let text = paragraph();
    let first_len = text.find('\n').unwrap();
    let mut h = focused_reader(&make_project(tmp.path(), &text), [900.0, 700.0]);
    assert_eq!(caret(&h), 0);
    let top0 = h.state().reader.char_rect(0).unwrap().top();
    press(&mut h, Modifiers::NONE, Key::ArrowDown);
    let c = caret(&h);
    assert!(
        c > 0 && c < first_len,
        "Down stays in the wrapped paragraph: caret {c} of {first_len}"
    );
    let top1 = h.state().reader.char_rect(c).unwrap().top();
    assert!(top1 > top0, "one row lower: {top0} → {top1}");
    press(&mut h, Modifiers::SHIFT, Key::ArrowDown);
    let sel = h.state().state.sel.span();
    assert!(
        sel.start == c && sel.end < first_len,
        "Shift+Down selects one row, not the paragraph: {sel:?}"
    );
    press(&mut h, Modifiers::NONE, Key::ArrowUp);
    press(&mut h, Modifiers::NONE, Key::ArrowUp);
    assert_eq!(caret(&h), 0, "Up twice is back on the first row");
    // End: the end of the first row, not of the paragraph.
    press(&mut h, Modifiers::NONE, Key::End);
    let end = caret(&h);
    assert!(end > 0 && end < first_len, "End of the row: {end}");
    let r = h.state().reader.char_rect(end - 1).unwrap();
    assert!((r.top() - top0).abs() < 1.0, "the row's last character");
    press(&mut h, Modifiers::NONE, Key::Home);
    assert_eq!(caret(&h), 0);
    press(&mut h, Modifiers::COMMAND, Key::End);
    assert_eq!(caret(&h), text.chars().count());
    press(&mut h, Modifiers::COMMAND, Key::Home);
    assert_eq!(caret(&h), 0);
}

#[test]
fn page_down_and_up_move_a_screenful() {
    let tmp = tempfile::tempdir().unwrap();
    let text: String = (0..400)
        .map(|i| format!("Line {i} of the cable.\n"))
        .collect();
    let mut h = focused_reader(&make_project(tmp.path(), &text), [900.0, 700.0]);
    let visible = h.state().reader.last_visible_lines;
    assert!(visible > 5, "{visible} lines in view");
    press(&mut h, Modifiers::NONE, Key::PageDown);
    h.run_steps(2);
    let c = caret(&h);
    let line = text[..]
        .char_indices()
        .take_while(|(i, _)| *i < c)
        .filter(|(_, ch)| *ch == '\n')
        .count();
    assert!(
        line + 3 >= visible && line <= visible + 1,
        "PageDown moved {line} lines with {visible} in view"
    );
    let first = h.state().reader.first_visible_line;
    assert!(
        first + 3 >= visible,
        "the view scrolled a page: top line {first}"
    );
    press(&mut h, Modifiers::NONE, Key::PageUp);
    h.run_steps(2);
    assert_eq!(caret(&h), 0);
    assert_eq!(h.state().reader.first_visible_line, 0);
}

#[test]
fn resizing_keeps_the_line_at_the_top() {
    let tmp = tempfile::tempdir().unwrap();
    // Long lines, so that the width changes every line's height.
    let text: String = (0..300)
        .map(|i| format!("Line {i}: {}\n", "the delegation met again ".repeat(6)))
        .collect();
    let mut h = focused_reader(&make_project(tmp.path(), &text), [1200.0, 700.0]);
    let target = text.lines().take(150).map(|l| l.chars().count() + 1).sum();
    h.state_mut().state.scroll_to = Some(target);
    h.run_steps(3);
    let before = h.state().reader.first_visible_line;
    assert!(before > 100, "scrolled down: top line {before}");
    h.set_size(egui::vec2(800.0, 700.0));
    h.run_steps(4);
    let after = h.state().reader.first_visible_line;
    assert!(
        after.abs_diff(before) <= 1,
        "the top line stays in place: {before} → {after}"
    );
}

/// Issue 11 item 6: while the pointer drags over "eeting.", the reader already shows
/// "meeting" selected, as the tag will be.
#[test]
fn dragging_shows_the_word_snapped_range() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = focused_reader(
        &make_project(tmp.path(), "The meeting. resumed at 1500\n"),
        [900.0, 600.0],
    );
    assert!(h.state().state.prefs.snap_words);
    let reader = &h.state().reader;
    let from = reader.char_rect(5).unwrap().left_center() + egui::vec2(1.0, 0.0);
    let to = reader.char_rect(11).unwrap().right_center() - egui::vec2(1.0, 0.0);
    h.hover_at(from);
    h.run_steps(1);
    h.drag_at(from);
    h.run_steps(1);
    for t in [0.5, 1.0] {
        h.hover_at(from + (to - from) * t);
        h.run_steps(1);
    }
    // The selection the drag made is drawn in the next frame, with the button still down.
    h.run_steps(1);
    // Still dragging: the raw selection is "eeting.", the shown one "meeting".
    assert_eq!(h.state().state.sel.span(), Span::new(5, 12));
    assert_eq!(h.state().reader.shown_selection, vec![Span::new(4, 11)]);
    h.drop_at(to);
    h.run_steps(2);
    assert_eq!(h.state().reader.shown_selection, vec![Span::new(4, 11)]);
}

/// Issue 11 item 5: one state at a time. Ctrl+T with a text selection reviews that text,
/// not the previously selected annotation's; filling a role ends when its event is
/// deselected; the status bar says which state the reader is in.
#[test]
fn a_text_selection_wins_and_filling_ends_with_its_event() {
    use marginalia::app::{Dialog, Message};
    let home = tempfile::tempdir().unwrap();
    let file = marginalia::build_info::install_sample(home.path()).unwrap();
    let mut h = focused_reader(&file, [1280.0, 800.0]);
    // An annotation selected, then a text selection elsewhere (the document's first word).
    h.state_mut().state.push(Command::NextAnnotation);
    h.run_steps(2);
    h.state_mut().state.push(Command::NextAnnotation);
    h.run_steps(2);
    let selected = h.state().state.selected.unwrap();
    h.state_mut()
        .state
        .push(Command::Caret(marginalia::app::CaretMove::DocStart, false));
    h.run_steps(2);
    press(
        &mut h,
        Modifiers::COMMAND | Modifiers::SHIFT,
        Key::ArrowRight,
    );
    let sel = h.state().state.sel.span();
    assert!(!sel.is_empty());
    assert_eq!(h.state().state.selected, Some(selected));
    let word = {
        let st = &h.state().state;
        let p = &st.session.as_ref().unwrap().project;
        p.documents[&st.doc.unwrap()]
            .text_or_empty()
            .slice(sel.start, sel.end)
            .to_owned()
    };
    let mode = marginalia::app::panels::status::mode_line(&h.state().state).unwrap();
    assert!(mode.starts_with("Text selected"), "{mode}");
    press(&mut h, Modifiers::COMMAND, Key::T);
    let Some(Dialog::TagAll(review)) = &h.state().state.dialog else {
        panic!("the tag-all review opened");
    };
    assert_eq!(review.needle, word.trim(), "Ctrl+T took the text selection");
    h.state_mut().state.dialog = None;
    // Filling a role of an event: deselecting the event ends it.
    let (event, role) = {
        let st = &h.state().state;
        let p = &st.session.as_ref().unwrap().project;
        let doc = &p.documents[&st.doc.unwrap()];
        let ev = doc
            .annotations
            .values()
            .find_map(|a| a.as_event().map(|e| (a.id, e)))
            .unwrap();
        let role = p.schema.event(&ev.1.type_id).unwrap().roles[0].id.clone();
        (ev.0, role)
    };
    h.state_mut().state.selected = Some(event);
    h.state_mut().state.push(Message::FillRole { event, role });
    h.run_steps(2);
    assert!(h.state().state.filling.is_some());
    let mode = marginalia::app::panels::status::mode_line(&h.state().state).unwrap();
    assert!(mode.starts_with("Filling"), "{mode}");
    h.state_mut().state.push(Message::SelectAnnotation(None));
    h.run_steps(2);
    assert!(
        h.state().state.filling.is_none(),
        "filling ended with its event"
    );
}
