//! Pickers, relations and buttons that keep their place (issue 11 items 8, 9, 10 and the
//! undo polish), driven through the window with egui_kittest: relations are added from the
//! palette and read as sentences, a double click on "Create entry" with the real pointer
//! links only the new entry, role candidates say what and where they are, and undo selects
//! what it brought back.
#![allow(clippy::unwrap_used)]
#![cfg(feature = "gui")]

mod support;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use marginalia::app::command::{Command, Menu, table};
use marginalia::app::{App, Prefs};
use marginalia::model::registry::Entry;
use marginalia::model::*;
use marginalia::session::Session;
use marginalia::store;

/// The window size these tests run at.
const SIZE: [f32; 2] = [1400.0, 900.0];
use std::path::Path;
use support::gui::{project, steps};

const SOURCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/projects/korean-armistice-1951/sources/cable-21677-mao-to-filippov-1951-07-11.txt"
);

/// A saved project holding the sample cable's text and the given registry entries
/// (type, name); no annotations.
fn make_project(dir: &Path, entries: &[(&str, &str)]) {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let src = dir.join("sources/cable-21677.txt");
    std::fs::copy(SOURCE, &src).unwrap();
    let doc = store::document_from_source(dir, &src).unwrap();
    let mut project = Project::new("pickers");
    project.documents.insert(doc.id(), doc);
    for (ty, name) in entries {
        let e = Entry::new(Slug::new(*ty), *name);
        project.registry.insert(e.id, e);
    }
    let mut s = Session::create(project, dir.join("session.marginalia.ron"));
    s.save().unwrap();
}

fn open(entries: &[(&str, &str)]) -> (tempfile::TempDir, Harness<'static, App>) {
    let tmp = tempfile::tempdir().unwrap();
    make_project(tmp.path(), entries);
    let mut h = support::gui::harness(App::with_project(Prefs::default(), tmp.path()), SIZE);
    steps(&mut h);
    // Match case, so that "NAM IL" is the name and not a word inside another.
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    steps(&mut h);
    h.get_by_label("Match case").click();
    steps(&mut h);
    h.key_press(Key::Escape);
    steps(&mut h);
    (tmp, h)
}

/// Selects the next occurrence of `text` with the find bar and presses `key` on it.
fn press_on(h: &mut Harness<'_, App>, text: &str, key: Key) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    steps(h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Find in document").type_text(text);
    steps(h);
    h.key_press(Key::Enter);
    steps(h);
    h.key_press(Key::Escape);
    steps(h);
    h.key_press(key);
    steps(h);
}

fn selected(h: &Harness<'_, App>) -> Annotation {
    let st = &h.state().state;
    project(h)
        .annotation(st.doc.unwrap(), st.selected.unwrap())
        .unwrap()
        .clone()
}

/// Clicks at `at` with the pointer: move, press, release.
fn click_at(h: &mut Harness<'_, App>, at: egui::Pos2) {
    h.hover_at(at);
    h.run_steps(1);
    h.drag_at(at);
    h.run_steps(1);
    h.drop_at(at);
    h.run_steps(1);
}

#[test]
fn add_relation_is_in_the_annotate_menu_and_the_palette() {
    let specs = table(None);
    let spec = specs
        .iter()
        .find(|s| s.command == Command::AddRelation)
        .expect("Add relation is a command of the table");
    assert_eq!(spec.menu, Menu::Annotate);
    assert!(spec.label.starts_with("Add relation"), "{}", spec.label);

    let (_tmp, mut h) = open(&[]);
    press_on(&mut h, "enemy delegation", Key::O);
    let delegation = selected(&h).id;
    press_on(&mut h, "NAM IL", Key::P);
    let nam = selected(&h).id;
    // From the palette: the relation form opens (it starts collapsed when there are none).
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::P);
    steps(&mut h);
    h.get_by_label("Command").type_text("add relation");
    steps(&mut h);
    h.key_press(Key::Enter);
    steps(&mut h);
    assert!(!h.state().state.palette_open);
    h.get_by_label("New relation").click();
    steps(&mut h);
    h.get_by_label("Member of").click();
    steps(&mut h);
    // The candidate says what it is and where.
    let row = h.get_by_label_contains("enemy delegation · Organization · mention");
    let row_text = row.accesskit_node().label().unwrap_or_default();
    assert!(row_text.contains(", line "), "{row_text}");
    assert!(row_text.contains("«enemy delegation»"), "{row_text}");
    row.click();
    steps(&mut h);
    let doc = h.state().state.doc.unwrap();
    let rel = project(&h).documents[&doc]
        .annotations
        .values()
        .find_map(|a| a.as_relation().cloned())
        .expect("a relation was added");
    assert_eq!(
        (rel.type_id.as_str(), rel.from, rel.to),
        (
            "member_of",
            Target::Annotation(nam),
            Target::Annotation(delegation)
        )
    );
    // Listed as a sentence, not "Member of to …".
    h.get_by_label("NAM IL — member of → enemy delegation");
    assert!(h.query_by_label_contains("Member of to").is_none());
}

#[test]
fn add_relation_without_a_mention_says_why() {
    let (_tmp, mut h) = open(&[]);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::P);
    steps(&mut h);
    h.get_by_label("Command").type_text("add relation");
    steps(&mut h);
    h.key_press(Key::Enter);
    steps(&mut h);
    assert!(
        h.state().state.status.contains("Select a mention or event"),
        "{}",
        h.state().state.status
    );
}

/// Before the fix "Create entry" was below the suggestions: once the new entry existed it
/// became a suggestion too and pushed the button down, so the second click of a double
/// click landed on "Link to Nam Il Committee".
#[test]
fn double_click_on_create_entry_links_only_the_new_entry() {
    let (_tmp, mut h) = open(&[
        ("organization", "Nam Il Committee"),
        ("organization", "Central Committee"),
    ]);
    press_on(&mut h, "NAM IL", Key::P);
    let nam = selected(&h).id;
    let button = h.get_by_label("Create entry “NAM IL”").rect();
    let at = button.center();
    click_at(&mut h, at);
    click_at(&mut h, at);
    steps(&mut h);
    let p = project(&h);
    let doc = h.state().state.doc.unwrap();
    let named: Vec<&Entry> = p.registry.values().filter(|e| e.name == "NAM IL").collect();
    assert_eq!(named.len(), 1, "one entry was created");
    let linked = p
        .annotation(doc, nam)
        .and_then(Annotation::as_mention)
        .and_then(|m| m.entry);
    assert_eq!(
        linked,
        Some(named[0].id),
        "the mention is linked to the new entry"
    );
    assert_eq!(named[0].type_id.as_str(), "person");
    // The button stayed where it was, and is off now.
    let again = h.get_by_label("Create entry “NAM IL”");
    assert_eq!(again.rect().center(), at);
    assert!(again.accesskit_node().is_disabled());
    // The person's suggestions put persons first: the organizations come after.
    assert!(h.query_by_label_contains("Link to NAM IL").is_none());
}

#[test]
fn link_suggestions_offer_the_mentions_type_first() {
    let (_tmp, mut h) = open(&[("organization", "Nam Il Committee"), ("person", "Nam Il")]);
    press_on(&mut h, "NAM IL", Key::P);
    let rows: Vec<String> = h
        .query_all_by_label_contains("Link to ")
        .map(|n| n.accesskit_node().label().unwrap_or_default())
        .filter(|l| l.contains(" · "))
        .collect();
    assert_eq!(
        rows.first().map(String::as_str),
        Some("Link to Nam Il · Person"),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r == "Link to Nam Il Committee · Organization")
    );
}

#[test]
fn role_picker_rows_show_type_kind_place_and_nearest_first() {
    let (_tmp, mut h) = open(&[("person", "Kim Il Sung")]);
    press_on(&mut h, "LI KENONG", Key::P);
    press_on(&mut h, "KIM IL SUNG", Key::P);
    press_on(&mut h, "Brief report", Key::C);
    h.get_by_label("Add Copy to…").click_accesskit();
    steps(&mut h);
    let rows: Vec<String> = h
        .query_all_by_label_contains(" · Person · ")
        .map(|n| n.accesskit_node().label().unwrap_or_default())
        .collect();
    assert!(rows.len() >= 3, "{rows:?}");
    assert!(
        rows.iter()
            .any(|r| r.starts_with("LI KENONG · Person · mention · "))
    );
    let entry = rows
        .iter()
        .position(|r| r.starts_with("Kim Il Sung · Person · registry entry"))
        .expect("the entry is offered, marked as one");
    assert_eq!(entry, rows.len() - 1, "mentions before entries: {rows:?}");
}

#[test]
fn undo_selects_what_it_brought_back() {
    let (_tmp, mut h) = open(&[]);
    press_on(&mut h, "NAM IL", Key::P);
    let nam = selected(&h).id;
    h.key_press(Key::Delete);
    steps(&mut h);
    assert_eq!(h.state().state.selected, None);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    steps(&mut h);
    assert_eq!(h.state().state.selected, Some(nam));
}

/// In a short window the link field is below the inspector's fold: Ctrl+L focuses it and
/// scrolls it into view.
#[test]
fn ctrl_l_scrolls_the_link_field_into_view() {
    let tmp = tempfile::tempdir().unwrap();
    make_project(tmp.path(), &[]);
    let mut h = support::gui::harness(
        App::with_project(Prefs::default(), tmp.path()),
        [1100.0, 240.0],
    );
    steps(&mut h);
    press_on(&mut h, "NAM IL", Key::P);
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1100.0, 240.0));
    let field = h.get_by_label("Link to entry").rect();
    assert!(
        !window.contains_rect(field),
        "the test needs the field out of view at first: {field:?}"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::L);
    steps(&mut h);
    let field = h.get_by_label("Link to entry");
    assert!(field.is_focused());
    assert!(
        window.contains_rect(field.rect()),
        "scrolled into view: {:?}",
        field.rect()
    );
}

/// Issue 24, item 8: Esc in the role picker, and Ctrl+Z there, leave focus on a control
/// (the reader), never on nothing.
#[test]
fn esc_and_undo_in_the_role_picker_leave_focus_on_the_reader() {
    let (_tmp, mut h) = open(&[]);
    press_on(&mut h, "NAM IL", Key::P);
    press_on(&mut h, "Brief report", Key::C);
    let focus = |h: &Harness<'_, App>| h.ctx.memory(|m| m.focused());
    h.get_by_label("Add Copy to…").click_accesskit();
    steps(&mut h);
    assert!(h.ctx.text_edit_focused(), "the picker has focus");
    h.key_press(Key::Escape);
    steps(&mut h);
    assert_eq!(
        focus(&h),
        Some(marginalia::app::a11y::reader_id()),
        "Esc: focus on the reader"
    );
    h.get_by_label("Add Copy to…").click_accesskit();
    steps(&mut h);
    h.key_press(Key::Enter);
    steps(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    steps(&mut h);
    assert!(focus(&h).is_some(), "Ctrl+Z: focus is somewhere");
}

/// Issue 24, item 9: moving in the role picker says the highlighted row and where it is.
#[test]
fn moving_in_the_role_picker_says_the_row() {
    let (_tmp, mut h) = open(&[]);
    press_on(&mut h, "NAM IL", Key::P);
    press_on(&mut h, "LI KENONG", Key::P);
    press_on(&mut h, "Brief report", Key::C);
    h.get_by_label("Add Copy to…").click_accesskit();
    steps(&mut h);
    let first = h.state().state.status.clone();
    assert!(first.contains(", 1 of "), "{first}");
    h.key_press(Key::ArrowDown);
    steps(&mut h);
    let second = h.state().state.status.clone();
    assert!(second.contains(", 2 of "), "{second}");
}
