//! Issue 27 item 2: suggestions in the reader of a real window (egui_kittest). They arrive
//! from the background worker, are drawn (dashed) but are no annotations; a click on a
//! suggested word accepts it, Enter accepts the current one, Backspace rejects it (and the
//! rejection is saved beside the project), Ctrl+Z takes an accept back as one step; the
//! "accept all" review lists what it will accept before it does. Tests named `…_by_command`
//! send only commands.
#![allow(clippy::unwrap_used)]
#![cfg(feature = "gui")]

mod support;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::app::{App, Command, Message, Prefs};
use marginalia::model::*;
use marginalia::session::Session;
use support::gui;

const NOTE: &str = "Cable from FILIPPOV to Mao Zedong, 12 July 1951.\n\
                    The delegation will meet in Kaesong. FILIPPOV agrees.\n";

/// The sample project with one more document, `NOTE`, unannotated; the window open on it.
fn window(
    tmp: &std::path::Path,
    size: [f32; 2],
) -> (Harness<'static, App>, DocId, std::path::PathBuf) {
    let file = marginalia::build_info::install_sample(tmp).unwrap();
    let dir = file.parent().unwrap().to_path_buf();
    let src = dir.join("sources/note.txt");
    std::fs::write(&src, NOTE).unwrap();
    let mut s = Session::open(&file).unwrap();
    let doc = marginalia::store::document_from_source(&dir, &src).unwrap();
    let id = doc.id();
    s.project.documents.insert(id, doc);
    s.save().unwrap();
    drop(s);
    let prefs = Prefs {
        annotator: Some("Tester".into()),
        ..Prefs::default()
    };
    let mut h = gui::harness_dt(App::with_project(prefs, &file), size, 0.25);
    h.run_steps(4);
    h.state_mut().state.push(Message::SelectDocument(id));
    gui::run_until(&mut h, "suggestions drawn", |app| {
        !app.reader.suggestions_drawn.is_empty()
    });
    (h, id, file)
}

fn note(h: &Harness<'_, App>, id: DocId) -> Document {
    gui::project(h).documents[&id].clone()
}

fn suggestion_quotes(h: &Harness<'_, App>) -> Vec<String> {
    h.state()
        .state
        .suggest
        .list
        .iter()
        .map(|s| s.quote.clone())
        .collect()
}

#[test]
fn suggestions_are_drawn_but_are_not_annotations() {
    let tmp = tempfile::tempdir().unwrap();
    let (h, id, _) = window(tmp.path(), gui::WIDE);
    let quotes = suggestion_quotes(&h);
    assert!(quotes.contains(&"FILIPPOV".to_owned()), "{quotes:?}");
    assert!(quotes.contains(&"12 July 1951".to_owned()), "{quotes:?}");
    let p = gui::project(&h);
    let stalin = h
        .state()
        .state
        .suggest
        .list
        .iter()
        .find(|s| s.quote == "FILIPPOV")
        .and_then(|s| s.entry)
        .map(|e| p.registry[&e].name.clone());
    assert!(
        stalin.as_deref().is_some_and(|n| n.contains("Stalin")),
        "the cover name suggests Stalin: {stalin:?}"
    );
    assert!(note(&h, id).annotations.is_empty(), "nothing was added");
    assert!(!gui::session(&h).is_dirty(), "suggestions change no data");
}

#[test]
fn a_click_on_a_suggested_word_accepts_it_and_ctrl_z_takes_it_back() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut h, id, _) = window(tmp.path(), gui::WIDE);
    let at = gui::offset_of(NOTE, "FILIPPOV");
    let r = gui::char_rect(&h, at + 3);
    gui::click_at(&mut h, r);
    let d = note(&h, id);
    assert_eq!(d.annotations.len(), 1, "one mention accepted");
    let a = d.annotations.values().next().unwrap();
    let m = a.as_mention().unwrap();
    assert_eq!(m.anchor.quote.exact, "FILIPPOV");
    assert_eq!(m.type_id, Slug::new("person"));
    let p = gui::project(&h);
    assert!(p.registry[&m.entry.unwrap()].name.contains("Stalin"));
    assert_eq!(
        a.created.as_ref().map(|s| s.by.as_str()),
        Some("Tester"),
        "stamped with the annotator"
    );
    // The other FILIPPOV is still proposed; the accepted one is not.
    gui::run_until(&mut h, "suggestions again", |app| {
        app.state.suggest.generation == app.state.generation()
    });
    let filippovs = suggestion_quotes(&h)
        .iter()
        .filter(|q| *q == "FILIPPOV")
        .count();
    assert_eq!(filippovs, 1);
    // Ctrl+Z: one step takes it back, and it is proposed again.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    gui::steps(&mut h);
    assert!(note(&h, id).annotations.is_empty(), "undone in one step");
    gui::run_until(&mut h, "both proposed again", |app| {
        app.state
            .suggest
            .list
            .iter()
            .filter(|s| s.quote == "FILIPPOV")
            .count()
            == 2
    });
}

#[test]
fn period_enter_and_backspace_at_the_keys_accept_and_reject() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut h, id, file) = window(tmp.path(), gui::NARROW);
    // Focus the reader as a keyboard user does.
    h.state_mut().state.push(Command::CycleRegion(true));
    h.run_steps(2);
    h.key_press(Key::Period);
    gui::steps(&mut h);
    let first = h
        .state()
        .state
        .suggest
        .current_suggestion()
        .cloned()
        .unwrap();
    assert_eq!(first.quote, "FILIPPOV", "the first suggestion is current");
    h.key_press(Key::Enter);
    gui::steps(&mut h);
    assert_eq!(note(&h, id).annotations.len(), 1, "Enter accepted it");
    // The next one is current now (Mao Zedong, from the sample's registry). Backspace
    // rejects it.
    let next = h
        .state()
        .state
        .suggest
        .current_suggestion()
        .cloned()
        .unwrap();
    assert_eq!(next.quote, "Mao Zedong");
    h.key_press(Key::Backspace);
    gui::steps(&mut h);
    assert_eq!(note(&h, id).annotations.len(), 1, "rejecting adds nothing");
    let saved = marginalia::store::suggestions::load_rejections(&file).unwrap();
    assert!(
        saved.contains(&next),
        "the rejection is saved beside the project"
    );
    gui::run_until(&mut h, "suggestions again", |app| {
        app.state.suggest.generation == app.state.generation() && app.state.suggest.millis > 0.0
    });
    let quotes = suggestion_quotes(&h);
    assert!(
        !quotes.contains(&"Mao Zedong".to_owned()),
        "a rejected suggestion is not proposed again: {quotes:?}"
    );
    assert!(quotes.contains(&"12 July 1951".to_owned()), "{quotes:?}");
}

#[test]
fn accept_all_in_project_lists_then_accepts_in_one_step_by_command() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut h, id, _) = window(tmp.path(), gui::WIDE);
    h.state_mut().state.push(Command::NextSuggestion);
    gui::steps(&mut h);
    assert_eq!(
        h.state().state.suggest.current_suggestion().unwrap().quote,
        "FILIPPOV"
    );
    h.state_mut()
        .state
        .push(Command::AcceptAllSuggestions(true));
    gui::run_until(&mut h, "the review's list", |app| {
        app.state
            .suggest
            .accept_all
            .as_ref()
            .is_some_and(|r| r.items.is_some())
    });
    let n = h
        .state()
        .state
        .suggest
        .accept_all
        .as_ref()
        .unwrap()
        .items
        .as_ref()
        .unwrap()
        .len();
    assert!(n >= 2, "both FILIPPOVs of the note at least: {n}");
    assert!(
        note(&h, id).annotations.is_empty(),
        "nothing accepted before the button"
    );
    let label = format!("Accept {n} suggestions");
    h.get_by_label(&label).click();
    gui::steps(&mut h);
    assert!(
        h.state().state.suggest.accept_all.is_none(),
        "the review closed"
    );
    assert_eq!(note(&h, id).annotations.len(), 2);
    h.state_mut().state.push(Command::Undo);
    gui::steps(&mut h);
    assert!(
        note(&h, id).annotations.is_empty(),
        "one undo step took all back"
    );
}

#[test]
fn accept_and_reject_by_command() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut h, id, _) = window(tmp.path(), gui::WIDE);
    h.state_mut().state.push(Command::NextSuggestion);
    h.state_mut().state.push(Command::AcceptSuggestion);
    gui::steps(&mut h);
    assert_eq!(note(&h, id).annotations.len(), 1);
    h.state_mut().state.push(Command::RejectSuggestion);
    gui::steps(&mut h);
    assert!(
        h.state().state.status.starts_with("Rejected"),
        "{}",
        h.state().state.status
    );
    h.state_mut().state.push(Command::ToggleSuggestions);
    gui::steps(&mut h);
    assert!(h.state().reader.suggestions_drawn.is_empty(), "hidden");
}
