//! Find follows text edits in the real window (egui_kittest): with the find bar open on a
//! query and the transcription being corrected, each key typed, deleted or undone leaves the
//! bar's hits (and those of find in project) exactly those of a fresh search of the text.
#![allow(clippy::unwrap_used)]
#![cfg(feature = "gui")]

mod support;

use egui::{Event, Key, Modifiers, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::app::{App, Message, Prefs};
use marginalia::model::query::find::FindIndex;
use marginalia::model::*;
use std::path::{Path, PathBuf};
use support::gui::{project, steps};

/// The window size these tests run at.
const SIZE: [f32; 2] = [1400.0, 900.0];

const PROJECT_FILE: &str = "korean-armistice-1951.marginalia.ron";
const SOURCE: &str = "sources/cable-21677-mao-to-filippov-1951-07-11.txt";
const QUERY: &str = "Filippov";

/// A copy of the sample project's cable (the project file and the cable's files).
fn sample() -> (tempfile::TempDir, PathBuf) {
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
    (tmp, file)
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

/// The hits of a fresh search for the query in the document as it is now, with the find
/// options the window starts with (whole words, case folded).
fn fresh_hits(h: &Harness<'_, App>, doc: DocId) -> Vec<Span> {
    let text = project(h).documents[&doc].text.as_ref().unwrap();
    FindIndex::new(text, false).search(QUERY, true).hits
}

/// The find bar's hits, checked against a fresh search.
fn bar_hits(h: &Harness<'_, App>, doc: DocId) -> Vec<Span> {
    let hits = h.state().state.find.hits.clone();
    assert_eq!(
        hits,
        fresh_hits(h, doc),
        "the bar's hits are a fresh search's"
    );
    hits
}

/// Clicks the reader just inside the left edge of code point `offset`: the caret goes there.
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

fn shifted(hits: &[Span], by: usize) -> Vec<Span> {
    hits.iter()
        .map(|s| Span::new(s.start + by, s.end + by))
        .collect()
}

#[test]
fn find_hits_follow_typing_deleting_and_undo() {
    let (_tmp, file) = sample();
    let mut h = support::gui::harness(App::with_project(Prefs::default(), &file), SIZE);
    steps(&mut h);
    let doc = cable(project(&h));
    h.state_mut().state.push(Message::SelectDocument(doc));
    steps(&mut h);

    // The find bar, open on the query.
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    steps(&mut h);
    h.get_by_label("Find in document").type_text(QUERY);
    steps(&mut h);
    let start = bar_hits(&h, doc);
    assert_eq!(start.len(), 3, "the cable names Filippov three times");

    // Correct the transcription with find still open.
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    steps(&mut h);
    assert!(h.state().state.text_editing && h.state().state.find.open);

    // A letter typed inside the first hit breaks it; the others shift by one.
    click_before(&mut h, start[0].start + 4);
    h.event(Event::Text("x".into()));
    steps(&mut h);
    assert_eq!(bar_hits(&h, doc), shifted(&start[1..], 1));

    // Backspace mends it.
    h.key_press(Key::Backspace);
    steps(&mut h);
    assert_eq!(bar_hits(&h, doc), start);

    // Letters typed right before the first hit join its word (no whole word any more);
    // a space after them makes it one again, shifted like the others.
    click_before(&mut h, start[0].start);
    for (k, c) in ["a", "b"].into_iter().enumerate() {
        h.event(Event::Text(c.into()));
        steps(&mut h);
        assert_eq!(bar_hits(&h, doc), shifted(&start[1..], k + 1));
    }
    h.event(Event::Text(" ".into()));
    steps(&mut h);
    assert_eq!(bar_hits(&h, doc), shifted(&start, 3));

    // Typing a new occurrence and a space after it makes a hit of it.
    for c in QUERY.chars().chain([' ']) {
        h.event(Event::Text(c.to_string()));
        steps(&mut h);
        bar_hits(&h, doc);
    }
    let hits = bar_hits(&h, doc);
    assert_eq!(hits.len(), 4);
    assert_eq!(hits[0], Span::new(start[0].start + 3, start[0].start + 11));

    // Find in project, open beside it, follows the next key too.
    h.state_mut().state.find.project_query = QUERY.into();
    h.state_mut().state.find.project_open = true;
    steps(&mut h);
    let in_project = |h: &Harness<'_, App>| -> Vec<Span> {
        h.state()
            .state
            .find
            .project_hits
            .iter()
            .filter(|(d, _, _)| *d == doc)
            .map(|(_, s, _)| *s)
            .collect()
    };
    assert_eq!(in_project(&h), hits);
    // Deleting the space between two occurrences joins them into one word: no hit.
    h.key_press(Key::Backspace);
    steps(&mut h);
    let hits = bar_hits(&h, doc);
    assert_eq!(hits, shifted(&start[1..], 3 + QUERY.len()));
    assert_eq!(in_project(&h), hits);

    // Undo brings the text, and the hits, back (typing made six undo steps).
    for _ in 0..6 {
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        steps(&mut h);
        bar_hits(&h, doc);
    }
    assert_eq!(bar_hits(&h, doc), start);
    assert_eq!(in_project(&h), start);
}
