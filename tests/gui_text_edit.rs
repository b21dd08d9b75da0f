//! Correcting the transcription in the real window (egui_kittest), with real pointer and
//! key events: a misread name inside a tagged mention of the sample cable is corrected in
//! edit mode, the mention follows, undo and redo work across the text edit, a mention
//! deleted entirely goes and comes back with undo, outside edit mode keys tag again, and
//! the saved project reloads clean with the corrected source.
#![allow(clippy::unwrap_used)]
#![cfg(feature = "gui")]

mod support;

use egui::{Event, Key, Modifiers, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::app::{App, Message, Prefs};
use marginalia::model::ops::text::edit_text;
use marginalia::model::*;
use marginalia::session::Session;

/// The window size these tests run at.
const SIZE: [f32; 2] = [1400.0, 900.0];
use std::path::{Path, PathBuf};
use support::gui::{project, steps};

const PROJECT_FILE: &str = "korean-armistice-1951.marginalia.ron";
const SOURCE: &str = "sources/cable-21677-mao-to-filippov-1951-07-11.txt";

/// A copy of the sample project in which "Filippov" in the cable's first tagged mention
/// of him was misread as "Filipov" (made and saved outside the window).
fn misread_sample() -> (tempfile::TempDir, PathBuf, DocId) {
    let tmp = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951");
    std::fs::create_dir_all(tmp.path().join("sources")).unwrap();
    for rel in [
        PROJECT_FILE,
        SOURCE,
        "sources/cable-21677-mao-to-filippov-1951-07-11.txt.ann.ron",
        "sources/cable-21677-mao-to-filippov-1951-07-11.001.jpg",
    ] {
        std::fs::copy(from.join(rel), tmp.path().join(rel)).unwrap();
    }
    let file = tmp.path().join(PROJECT_FILE);
    let mut s = Session::open(&file).unwrap();
    let doc = cable(&s.project);
    let (_, start) = mention_of(&s.project, doc, "Filippov");
    let tx = edit_text(&s.project, doc, start + 5..start + 6, "").unwrap();
    s.commit(tx).unwrap();
    s.save().unwrap();
    (tmp, file, doc)
}

fn cable(p: &Project) -> DocId {
    *p.documents
        .iter()
        .find(|(_, d)| {
            d.meta
                .source
                .as_ref()
                .is_some_and(|i| i.path.as_str() == SOURCE)
        })
        .unwrap()
        .0
}

/// The first mention whose text is exactly `name`, with its start offset.
fn mention_of(p: &Project, doc: DocId, name: &str) -> (AnnId, usize) {
    find_mention(p, doc, name).unwrap_or_else(|| panic!("no mention of {name}"))
}

fn find_mention(p: &Project, doc: DocId, name: &str) -> Option<(AnnId, usize)> {
    let d = &p.documents[&doc];
    let text = d.text.as_ref().unwrap();
    d.annotations
        .values()
        .filter_map(|a| {
            let m = a.as_mention()?;
            (m.anchor.covered_text(text) == name).then(|| (a.id, m.anchor.fragments[0].start))
        })
        .min_by_key(|(_, start)| *start)
}

fn text_of(h: &Harness<'_, App>, doc: DocId) -> String {
    project(h).documents[&doc]
        .text
        .as_ref()
        .unwrap()
        .as_str()
        .to_owned()
}

/// Clicks the reader with the pointer (move, press, release) just inside the left edge of
/// code point `offset`, where the reader drew it in the last frame: the caret goes before it.
fn click_before(h: &mut Harness<'_, App>, offset: usize) {
    let at = h
        .state()
        .reader
        .char_rect(offset)
        .unwrap_or_else(|| panic!("code point {offset} is not on screen"))
        .left_center()
        + vec2(1.0, 0.0);
    h.hover_at(at);
    h.run_steps(1);
    h.drag_at(at);
    h.run_steps(1);
    h.drop_at(at);
    steps(h);
}

/// Drags the pointer across code points `[start, end)`.
fn drag_over(h: &mut Harness<'_, App>, start: usize, end: usize) {
    let reader = &h.state().reader;
    let from = reader.char_rect(start).unwrap().left_center() + vec2(1.0, 0.0);
    let to = reader.char_rect(end - 1).unwrap().right_center() - vec2(1.0, 0.0);
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

#[test]
fn correct_a_misread_name_inside_a_tagged_mention_undo_save_reload() {
    let (tmp, file, doc) = misread_sample();
    let mut h = support::gui::harness(App::with_project(Prefs::default(), &file), SIZE);
    steps(&mut h);
    h.state_mut().state.push(Message::SelectDocument(doc));
    steps(&mut h);
    let (ann, start) = mention_of(project(&h), doc, "Filipov");
    let count = project(&h).annotation_count();
    let misread = text_of(&h, doc);

    // Outside edit mode a plain key does not type.
    click_before(&mut h, start + 4);
    h.event(Event::Text("p".into()));
    steps(&mut h);
    assert_eq!(
        text_of(&h, doc),
        misread,
        "keys do not type outside edit mode"
    );

    // Edit ▸ Correct transcription by its shortcut; the indicator shows.
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    steps(&mut h);
    assert!(h.state().state.text_editing);
    h.get_by_label("Correcting the transcription");

    // Click between "Fili" and "pov" and type the missing "p" (the reader has the focus).
    click_before(&mut h, start + 4);
    assert_eq!(h.state().state.sel.caret, start + 4);
    assert_eq!(
        h.ctx.memory(|m| m.focused()),
        Some(marginalia::app::a11y::reader_id())
    );
    assert!(h.state().state.sel.span().is_empty());
    h.event(Event::Text("p".into()));
    steps(&mut h);
    assert_eq!(mention_of(project(&h), doc, "Filippov"), (ann, start));
    assert_eq!(project(&h).annotation_count(), count);
    assert_eq!(h.state().state.sel.caret, start + 5, "the caret follows");

    // Undo and redo the correction with the keyboard.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    steps(&mut h);
    assert_eq!(text_of(&h, doc), misread);
    assert_eq!(mention_of(project(&h), doc, "Filipov"), (ann, start));
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    steps(&mut h);
    assert_eq!(mention_of(project(&h), doc, "Filippov"), (ann, start));
    let corrected = project(&h).clone();

    // Select the whole name and delete it: the mention goes; undo brings it back.
    drag_over(&mut h, start, start + 8);
    assert_eq!(h.state().state.sel.span(), Span::new(start, start + 8));
    h.key_press(Key::Delete);
    steps(&mut h);
    assert!(
        project(&h).annotation(doc, ann).is_none(),
        "mention removed"
    );
    assert_eq!(
        text_of(&h, doc).chars().count(),
        corrected.documents[&doc].text.as_ref().unwrap().len_chars() - 8
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    steps(&mut h);
    // (An autosave may have refreshed the stored source hash meanwhile: compare the text
    // and the annotations.)
    let (now, was) = (&project(&h).documents[&doc], &corrected.documents[&doc]);
    assert!(now.text == was.text, "undo restores the text");
    assert!(
        now.annotations == was.annotations,
        "undo restores the mention"
    );

    // Letters typed one after another are one undo step.
    click_before(&mut h, start);
    for c in ["a", "b"] {
        h.event(Event::Text(c.into()));
        steps(&mut h);
    }
    let typed = text_of(&h, doc);
    assert_eq!(
        typed.chars().count(),
        corrected.documents[&doc].text.as_ref().unwrap().len_chars() + 2
    );
    assert_eq!(mention_of(project(&h), doc, "Filippov"), (ann, start + 2));
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    steps(&mut h);
    assert!(
        project(&h).documents[&doc].text == corrected.documents[&doc].text,
        "one undo removes the burst"
    );

    // Leave edit mode.
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    steps(&mut h);
    assert!(!h.state().state.text_editing);
    assert!(h.query_by_label("Correcting the transcription").is_none());

    // Save with the keyboard and reload from disk: clean, corrected, mention in place.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    steps(&mut h);
    assert!(!h.state().state.is_dirty());
    let s = Session::open(&file).unwrap();
    assert!(s.load_problems.is_empty(), "{:?}", s.load_problems);
    assert_eq!(mention_of(&s.project, doc, "Filippov"), (ann, start));
    // The corrected source is the sample's original file again, byte for byte.
    let original = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("projects/korean-armistice-1951")
        .join(SOURCE);
    assert_eq!(
        std::fs::read(tmp.path().join(SOURCE)).unwrap(),
        std::fs::read(original).unwrap()
    );
    assert!(find_mention(&s.project, doc, "Filipov").is_none());
}

/// The edit-mode strip above the reader does not widen it: with the page pane beside the
/// reader, the text drawn in edit mode stays left of the page image (a strip wider than the
/// reader once laid the text out under the pane, where the pointer could not reach it).
#[test]
fn edit_mode_keeps_the_text_beside_the_page_pane() {
    let (_tmp, file, doc) = misread_sample();
    let mut h = support::gui::harness(App::with_project(Prefs::default(), &file), SIZE);
    steps(&mut h);
    h.state_mut().state.push(Message::SelectDocument(doc));
    steps(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    steps(&mut h);
    assert!(h.state().state.text_editing);
    h.get_by_label("Correcting the transcription");
    let page = h.get_by_label("Page image").rect();
    let n = text_of(&h, doc).chars().count().min(400);
    let mut seen = 0;
    for off in 0..n {
        if let Some(r) = h.state().reader.char_rect(off) {
            seen += 1;
            assert!(
                r.max.x <= page.min.x,
                "code point {off} drawn at {r:?}, under the page pane at x {}",
                page.min.x
            );
        }
    }
    assert!(seen > 100, "only {seen} code points on screen");
}

/// A source changed outside Marginalia: opening the project re-anchors it and offers the
/// review queue; j moves to an item with a proposed place, Enter accepts it (the mark goes,
/// the anchor is the proposed one), and undo brings the item back.
#[test]
fn a_source_changed_on_disk_is_reanchored_on_open_and_an_item_accepted_by_keyboard() {
    use marginalia::model::ops::review::review_items;
    let tmp = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951");
    std::fs::create_dir_all(tmp.path().join("sources")).unwrap();
    for rel in [
        PROJECT_FILE,
        SOURCE,
        "sources/cable-21677-mao-to-filippov-1951-07-11.txt.ann.ron",
        "sources/cable-21677-mao-to-filippov-1951-07-11.001.jpg",
    ] {
        std::fs::copy(from.join(rel), tmp.path().join(rel)).unwrap();
    }
    // Rewritten title line (its mentions recur below, so they cannot be placed with
    // certainty) and a respelled name throughout.
    let src = tmp.path().join(SOURCE);
    let old = std::fs::read_to_string(&src).unwrap();
    let title_end = old.find('\n').unwrap();
    let new = format!(
        "[Transcription revised 2026]\n\nMao Zedong to Filippov, Cable No. 21677 of 11 July 1951{}",
        &old[title_end..]
    )
    .replace("Filippov", "Filipov");
    std::fs::write(&src, new).unwrap();

    let file = tmp.path().join(PROJECT_FILE);
    let mut h = support::gui::harness(App::with_project(Prefs::default(), &file), SIZE);
    steps(&mut h);
    assert!(h.state().state.review_open, "the review queue is offered");
    h.get_by_label("Re-anchoring review");
    let doc = cable(project(&h));
    let d = &project(&h).documents[&doc];
    let items = review_items(d);
    let k = items
        .iter()
        .position(|id| {
            d.annotations[id]
                .reanchor
                .as_ref()
                .is_some_and(|r| !r.candidates.is_empty())
        })
        .expect("an item with a proposed place");
    let item = items[k];
    let best = d.annotations[&item].reanchor.as_ref().unwrap().candidates[0]
        .anchor
        .fragments
        .clone();
    for _ in 0..k {
        h.key_press(Key::J);
        steps(&mut h);
    }
    assert_eq!(h.state().state.selected, Some(item), "the item is selected");
    h.key_press(Key::Enter);
    steps(&mut h);
    let a = project(&h).annotation(doc, item).unwrap();
    assert_eq!(a.reanchor, None);
    assert_eq!(a.anchor().unwrap().fragments, best);
    assert_eq!(
        review_items(&project(&h).documents[&doc]).len(),
        items.len() - 1
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    steps(&mut h);
    assert!(
        project(&h)
            .annotation(doc, item)
            .unwrap()
            .reanchor
            .is_some()
    );
}
