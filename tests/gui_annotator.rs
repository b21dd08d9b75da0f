//! Who did what, in the window (egui_kittest): the annotator-name prompt on first launch,
//! the inspector's "Created by … changed by …" line, and the reader and registry filtered
//! by annotator.
#![allow(clippy::unwrap_used)]
#![cfg(feature = "gui")]

mod support;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::app::{App, Command, Message, Prefs, Selection};
use marginalia::model::ops::{core, registry};
use marginalia::model::*;
use marginalia::session::Session;
use marginalia::store;

/// The window size these tests run at.
const SIZE: [f32; 2] = [1400.0, 900.0];
use std::path::Path;
use support::gui::{project, steps};

const TEXT: &str = "Filippov replied to Mao on 10 July.\n";
/// 2023-11-14T22:13:20Z and a day and an hour later.
const T1: UtcTime = UtcTime(1_700_000_000);
const T2: UtcTime = UtcTime(1_700_090_000);

fn make_project(dir: &Path) {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let src = dir.join("sources/cable.txt");
    std::fs::write(&src, TEXT).unwrap();
    let doc = store::document_from_source(dir, &src).unwrap();
    let mut project = Project::new("Who did what");
    project.documents.insert(doc.id(), doc);
    Session::create(project, dir.join("who.marginalia.ron"))
        .save()
        .unwrap();
}

/// Makes `name` the annotator, with the clock at `at`.
fn be(h: &mut Harness<'_, App>, name: &str, at: UtcTime) {
    let st = &mut h.state_mut().state;
    st.prefs.annotator = Some(name.into());
    st.clock = Clock::Fixed(at);
}

/// Tags the first occurrence of `word` as a person through the command; returns its id.
fn tag(h: &mut Harness<'_, App>, word: &str) -> AnnId {
    let start = TEXT.find(word).unwrap();
    let st = &mut h.state_mut().state;
    st.sel = Selection {
        anchor: start,
        caret: start + word.len(),
        fragments: Vec::new(),
    };
    st.push(Command::TagAs(Slug::new("person")));
    steps(h);
    h.state()
        .state
        .selected
        .expect("the new mention is selected")
}

/// Clicks the reader in the middle of `word`, as a pointer would.
fn click_word(h: &mut Harness<'_, App>, word: &str) {
    let mid = TEXT.find(word).unwrap() + word.len() / 2;
    let at = h
        .state()
        .reader
        .char_rect(mid)
        .unwrap_or_else(|| panic!("{word} is not on screen"))
        .center();
    h.hover_at(at);
    h.run_steps(1);
    h.drag_at(at);
    h.run_steps(1);
    h.drop_at(at);
    steps(h);
}

fn choose(h: &mut Harness<'_, App>, combo: &str, option: &str) {
    h.get_by_label(combo).click();
    steps(h);
    h.get_by_label(option).click();
    steps(h);
}

#[test]
fn first_launch_asks_for_the_name_once_with_the_default_filled_in() {
    let mut app = App::new(Prefs::default());
    app.ask_annotator_if_unset();
    let mut h = support::gui::harness(app, SIZE);
    steps(&mut h);
    h.get_by_label("Your name as annotator");
    let offered = marginalia::app::prefs::default_annotator();
    assert_eq!(
        h.state().state.annotator_prompt.as_deref(),
        Some(offered.as_str())
    );
    // "Not now" keeps no name: it is asked again on the next launch.
    h.get_by_label("Not now").click();
    steps(&mut h);
    assert!(h.query_by_label("Your name as annotator").is_none());
    assert_eq!(h.state().state.prefs.annotator, None);
    assert!(h.state().state.stamper().is_none(), "no name, no stamps");

    let mut app = App::new(Prefs::default());
    app.ask_annotator_if_unset();
    let mut h = support::gui::harness(app, SIZE);
    steps(&mut h);
    let field = h.get_by_label("Annotator name");
    field.click();
    steps(&mut h);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Annotator name").type_text("Анна Петрова");
    steps(&mut h);
    h.get_by_label("OK").click();
    steps(&mut h);
    assert!(h.query_by_label("Your name as annotator").is_none());
    let st = &h.state().state;
    assert_eq!(st.prefs.annotator.as_deref(), Some("Анна Петрова"));
    assert_eq!(st.stamper().map(|s| s.by).as_deref(), Some("Анна Петрова"));
    // Asked once: with a name set, the next launch does not ask.
    let mut app = App::new(st.prefs.clone());
    app.ask_annotator_if_unset();
    assert_eq!(app.state.annotator_prompt, None);
}

#[test]
fn the_inspector_says_who_and_the_reader_and_registry_filter_by_annotator() {
    let tmp = tempfile::tempdir().unwrap();
    make_project(tmp.path());
    let mut h = support::gui::harness(App::with_project(Prefs::default(), tmp.path()), SIZE);
    steps(&mut h);
    let doc = h.state().state.doc.unwrap();

    be(&mut h, "Anna", T1);
    let filippov = tag(&mut h, "Filippov");
    h.get_by_label("Created by Anna on 2023-11-14 22:13 UTC");
    be(&mut h, "Ben", T2);
    let tx = core::set_note(project(&h), doc, filippov, "Stalin's cover name").unwrap();
    h.state_mut().state.push(Message::Apply(tx));
    steps(&mut h);
    h.get_by_label(
        "Created by Anna on 2023-11-14 22:13 UTC, changed by Ben on 2023-11-15 23:13 UTC",
    );
    let mao = tag(&mut h, "Mao");
    let a = project(&h).annotation(doc, mao).unwrap();
    assert_eq!(a.created.as_ref().map(|s| s.by.as_str()), Some("Ben"));
    assert_eq!(a.created.as_ref().map(|s| s.at), Some(T2));

    // The reader shows only Anna's: clicking Mao selects nothing, Filippov is still there.
    choose(&mut h, "Show annotations by", "Anna");
    click_word(&mut h, "Mao");
    assert_eq!(h.state().state.selected, None, "Ben's mention is hidden");
    click_word(&mut h, "Filippov");
    assert_eq!(h.state().state.selected, Some(filippov));
    choose(&mut h, "Show annotations by", "everyone");
    click_word(&mut h, "Mao");
    assert_eq!(h.state().state.selected, Some(mao));

    // The registry: one entry each; filtered to Anna's, Ben's is not listed.
    for (who, name) in [("Anna", "Kim Il Sung"), ("Ben", "Peng Dehuai")] {
        be(&mut h, who, T1);
        let (tx, _) = registry::create_entry(project(&h), &Slug::new("person"), name).unwrap();
        h.state_mut().state.push(Message::Apply(tx));
        steps(&mut h);
    }
    assert!(h.query_by_label_contains("Peng Dehuai ·").is_some());
    choose(&mut h, "Entries by", "Anna");
    assert!(h.query_by_label_contains("Kim Il Sung ·").is_some());
    assert!(h.query_by_label_contains("Peng Dehuai ·").is_none());

    // Saved and read back, the stamps are as made.
    h.state_mut().state.push(Command::Save);
    steps(&mut h);
    let back = store::load(tmp.path()).unwrap().project;
    let a = back.annotation(doc, filippov).unwrap();
    assert_eq!(
        a.created.as_ref().map(|s| (s.by.as_str(), s.at)),
        Some(("Anna", T1))
    );
    assert_eq!(
        a.modified.as_ref().map(|s| (s.by.as_str(), s.at)),
        Some(("Ben", T2))
    );
}
