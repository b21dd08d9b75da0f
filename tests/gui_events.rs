//! Rebuilds the 10 July 1951 session of the sample cable through the window alone
//! (egui_kittest, by accessible labels and keys): the people and delegations as mentions,
//! Li Kenong's report to Mao with its two copy recipients, the meeting with three
//! participants and two agenda points, each point with who proposed and who opposed it.
//! Then saves, reads the files back from disk and checks they hold exactly those events.
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
use std::collections::BTreeMap;
use std::path::Path;
use support::gui::{project, steps};

/// The window size these tests run at.
const SIZE: [f32; 2] = [1400.0, 900.0];

const SOURCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/projects/korean-armistice-1951/sources/cable-21677-mao-to-filippov-1951-07-11.txt"
);

/// A saved project holding only the sample cable's text: no annotations, no registry.
fn make_project(dir: &Path) {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let src = dir.join("sources/cable-21677.txt");
    std::fs::copy(SOURCE, &src).unwrap();
    let doc = store::document_from_source(dir, &src).unwrap();
    let mut project = Project::new("10 July session");
    project.documents.insert(doc.id(), doc);
    let mut s = Session::create(project, dir.join("session.marginalia.ron"));
    s.save().unwrap();
}

/// Selects the next occurrence of `text` after the caret with the find bar (Ctrl+F, Ctrl+A
/// to replace the last search, Enter, Escape).
fn find(h: &mut Harness<'_, App>, text: &str) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    steps(h);
    assert!(h.get_by_label("Find in document").is_focused());
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Find in document").type_text(text);
    steps(h);
    h.key_press(Key::Enter);
    steps(h);
    h.key_press(Key::Escape);
    steps(h);
    let st = &h.state().state;
    let sel = st.sel.span();
    let doc = st.doc.unwrap();
    let found = project(h).documents[&doc]
        .text_or_empty()
        .slice(sel.start, sel.end)
        .to_owned();
    assert_eq!(found, text, "find selected the wrong text");
}

/// Finds `text` and presses a type's or event type's hotkey on it.
fn press_on(h: &mut Harness<'_, App>, text: &str, key: Key) {
    find(h, text);
    h.key_press(key);
    steps(h);
}

/// The selected annotation.
fn selected(h: &Harness<'_, App>) -> Annotation {
    let st = &h.state().state;
    project(h)
        .annotation(st.doc.unwrap(), st.selected.unwrap())
        .unwrap()
        .clone()
}

/// Fills a role of the selected event from the keyboard picker: one search per filler,
/// Enter takes the first match; Escape ends.
fn fill(h: &mut Harness<'_, App>, role: &str, searches: &[&str]) {
    h.get_by_label(&format!("Add {role}…")).click_accesskit();
    steps(h);
    for q in searches {
        let label = format!("Filler for {role}");
        let field = h.get_by_label(&label);
        assert!(field.is_focused(), "the picker for {role} has focus");
        field.type_text(q);
        steps(h);
        h.key_press(Key::Enter);
        steps(h);
    }
    h.key_press(Key::Escape);
    steps(h);
    assert!(
        h.state().state.filling.is_none(),
        "Escape stops filling {role}"
    );
}

/// An event's roles as role id → the quoted text of each filler.
fn roles(p: &Project, doc: DocId, ev: &Event) -> BTreeMap<String, Vec<String>> {
    ev.roles
        .iter()
        .map(|(role, fillers)| {
            let texts = fillers
                .iter()
                .map(|t| match t {
                    Target::Annotation(a) => p
                        .annotation(doc, *a)
                        .unwrap()
                        .anchor()
                        .unwrap()
                        .quote
                        .exact
                        .clone(),
                    Target::Entry(e) => panic!("unexpected entry filler {e}"),
                })
                .collect();
            (role.0.clone(), texts)
        })
        .collect()
}

fn expect(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
    pairs
        .iter()
        .map(|(r, v)| (r.to_string(), v.iter().map(|s| s.to_string()).collect()))
        .collect()
}

#[test]
fn rebuild_the_10_july_session_through_the_ui() {
    let tmp = tempfile::tempdir().unwrap();
    make_project(tmp.path());
    let mut h = support::gui::harness(App::with_project(Prefs::default(), tmp.path()), SIZE);
    steps(&mut h);
    assert!(h.state().state.session.is_some(), "project opened");
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    steps(&mut h);
    h.get_by_label("Match case").click();
    steps(&mut h);
    h.key_press(Key::Escape);
    steps(&mut h);

    // The report: Li Kenong to Mao, copies to Kim Il Sung and Peng Dehuai.
    for name in ["LI KENONG", "MAO ZEDONG", "KIM IL SUNG", "PENG DEHUAI"] {
        press_on(&mut h, name, Key::P);
    }
    press_on(&mut h, "Brief report", Key::C);
    let comm = selected(&h);
    assert_eq!(comm.type_id().as_str(), "communication");
    // Sender and recipient are required and still empty: both are marked.
    assert_eq!(h.query_all_by_label("required, empty").count(), 2);
    fill(&mut h, "Sender", &["li"]);
    fill(&mut h, "Recipient", &["mao"]);
    fill(&mut h, "Copy to", &["kim", "peng"]);
    assert_eq!(h.query_all_by_label("required, empty").count(), 0);

    // The session and its first agenda point: point 3, ours, opposed by the enemy.
    press_on(&mut h, "meeting", Key::M);
    let meeting = selected(&h);
    assert_eq!(meeting.type_id().as_str(), "meeting");
    press_on(&mut h, "Our representatives", Key::O);
    press_on(&mut h, "enemy representatives", Key::O);
    press_on(&mut h, "point", Key::A);
    assert_eq!(selected(&h).type_id().as_str(), "agenda_point");
    fill(&mut h, "Proposed by", &["our"]);
    fill(&mut h, "Opposed by", &["enemy"]);

    // The second: more support personnel, theirs, which we declined.
    press_on(&mut h, "proposal", Key::A);
    let second = selected(&h);
    fill(&mut h, "Proposed by", &["enemy"]);
    press_on(&mut h, "we", Key::O);
    // Back to the agenda point just before it with "[".
    h.key_press(Key::OpenBracket);
    steps(&mut h);
    assert_eq!(selected(&h).id, second.id);
    fill(&mut h, "Opposed by", &["we"]);

    // Nam Il, then back to the meeting (six annotations earlier) to fill it.
    press_on(&mut h, "NAM IL", Key::P);
    for _ in 0..6 {
        h.key_press(Key::OpenBracket);
        steps(&mut h);
    }
    assert_eq!(selected(&h).id, meeting.id);
    fill(&mut h, "Participant", &["our", "enemy", "nam"]);
    fill(&mut h, "Agenda point", &["point", "proposal"]);

    // Save, then read the files back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    steps(&mut h);
    assert!(!h.state().state.is_dirty(), "saved");
    let on_disk = store::load(tmp.path()).unwrap();
    assert_eq!(on_disk.problems, vec![]);
    let p = &on_disk.project;
    assert_eq!(p, project(&h));
    assert!(p.registry.is_empty());
    let (doc, d) = p.documents.iter().next().unwrap();
    let mut events: Vec<(String, String, BTreeMap<String, Vec<String>>)> = d
        .annotations
        .values()
        .filter_map(|a| {
            let ev = a.as_event()?;
            let trigger = ev.trigger.as_ref().unwrap().quote.exact.clone();
            Some((ev.type_id.0.clone(), trigger, roles(p, *doc, ev)))
        })
        .collect();
    events.sort();
    let want = vec![
        (
            "agenda_point".to_owned(),
            "point".to_owned(),
            expect(&[
                ("proposed_by", &["Our representatives"]),
                ("opposed_by", &["enemy representatives"]),
            ]),
        ),
        (
            "agenda_point".to_owned(),
            "proposal".to_owned(),
            expect(&[
                ("proposed_by", &["enemy representatives"]),
                ("opposed_by", &["we"]),
            ]),
        ),
        (
            "communication".to_owned(),
            "Brief report".to_owned(),
            expect(&[
                ("sender", &["LI KENONG"]),
                ("recipient", &["MAO ZEDONG"]),
                ("copy_to", &["KIM IL SUNG", "PENG DEHUAI"]),
            ]),
        ),
        (
            "meeting".to_owned(),
            "meeting".to_owned(),
            expect(&[
                (
                    "participant",
                    &["Our representatives", "enemy representatives", "NAM IL"],
                ),
                ("agenda_point", &["point", "proposal"]),
            ]),
        ),
    ];
    assert_eq!(events, want);
    // Besides the four events: the eight mentions, and nothing else.
    let mentions: Vec<(String, String)> = d
        .annotations
        .values()
        .filter_map(|a| {
            let m = a.as_mention()?;
            Some((m.type_id.0.clone(), m.anchor.quote.exact.clone()))
        })
        .collect();
    assert_eq!(mentions.len(), 8, "{mentions:?}");
    assert_eq!(d.annotations.len(), 12);
    // The whole project validates without errors.
    let errors: Vec<_> = marginalia::model::validate::validate(p)
        .into_iter()
        .filter(|x| x.severity == marginalia::model::validate::Severity::Error)
        .collect();
    assert_eq!(errors, vec![]);
}

/// Copies the sample project into `dir`.
fn copy_sample(dir: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951");
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    for rel in [
        "korean-armistice-1951.marginalia.ron",
        "sources/cable-21677-mao-to-filippov-1951-07-11.txt",
        "sources/cable-21677-mao-to-filippov-1951-07-11.txt.ann.ron",
    ] {
        std::fs::copy(from.join(rel), dir.join(rel)).unwrap();
    }
}

/// Replaces the text of the field labelled `label` and presses Enter.
fn set_field(h: &mut Harness<'_, App>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    steps(h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label(label).type_text(text);
    steps(h);
    h.key_press(Key::Enter);
    steps(h);
}

fn undo(h: &mut Harness<'_, App>) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    steps(h);
}

#[test]
fn entry_page_schema_editor_and_metadata() {
    let tmp = tempfile::tempdir().unwrap();
    copy_sample(tmp.path());
    let mut h = support::gui::harness(App::with_project(Prefs::default(), tmp.path()), SIZE);
    steps(&mut h);
    let original = project(&h).clone();
    let stalin = *original
        .registry
        .values()
        .find(|e| e.name.starts_with("Stalin"))
        .map(|e| &e.id)
        .unwrap();
    let stalin_mentions = original.mentions_of(stalin);
    assert!(!stalin_mentions.is_empty());

    // The registry finds Stalin by his cover name; open his page. (The document list has a
    // "Filter" field too; the registry's comes after it.)
    h.get_all_by_label("Filter").last().unwrap().focus();
    steps(&mut h);
    h.get_all_by_label("Filter")
        .last()
        .unwrap()
        .type_text("filippov");
    steps(&mut h);
    h.get_by_label_contains("Stalin, Joseph Vissarionovich ·")
        .click();
    steps(&mut h);
    h.get_by_label("Open page of Stalin, Joseph Vissarionovich")
        .click_accesskit();
    steps(&mut h);
    assert_eq!(h.state().state.entry_page, Some(stalin));
    h.get_by_label("Filippov — Cover name");
    // Split the cover name off into an entry of its own…
    h.get_by_label("Filippov — Cover name").click_accesskit();
    steps(&mut h);
    set_field(&mut h, "New entry name", "Filippov (cover name)");
    h.get_by_label("Split off 1 item").click_accesskit();
    steps(&mut h);
    let split = *project(&h)
        .registry
        .values()
        .find(|e| e.name == "Filippov (cover name)")
        .map(|e| &e.id)
        .unwrap();
    assert_eq!(
        h.state().state.entry_page,
        Some(split),
        "the new entry's page is shown"
    );
    assert_eq!(project(&h).registry[&split].aliases[0].name, "Filippov");
    assert!(
        project(&h).registry[&stalin]
            .aliases
            .iter()
            .all(|a| a.name != "Filippov")
    );
    // …then merge Stalin into it: his mentions and names move over.
    set_field(&mut h, "Entry to merge", "stalin");
    h.get_by_label_contains("Merge “Stalin, Joseph Vissarionovich”")
        .click_accesskit();
    steps(&mut h);
    assert!(!project(&h).registry.contains_key(&stalin));
    assert_eq!(project(&h).mentions_of(split), stalin_mentions);
    // Both undone: exactly the project as opened.
    undo(&mut h);
    undo(&mut h);
    assert!(project(&h) == &original, "undo restores the exact project");
    // The page showed the split-off entry, which no longer exists: it closed.
    assert_eq!(h.state().state.entry_page, None);

    // Schema editor, from the Project menu.
    h.get_by_label("Project").click();
    steps(&mut h);
    h.get_by_label("Schema editor…").click();
    steps(&mut h);
    set_field(&mut h, "Name of topic", "Subject");
    assert_eq!(project(&h).schema.label(&Slug::new("topic")), "Subject");
    set_field(&mut h, "Key of Subject", "p");
    h.get_by_label_contains("hotkey 'p' is already used by \"Person\"");
    assert_eq!(
        project(&h)
            .schema
            .entity(&Slug::new("topic"))
            .unwrap()
            .hotkey,
        Some('t')
    );
    let renamed = project(&h).clone();
    let stamps = |p: &Project| -> usize {
        p.documents
            .values()
            .flat_map(|d| d.annotations.values())
            .filter(|a| a.type_id().as_str() == "stamp")
            .count()
    };
    assert!(stamps(&renamed) > 0);
    // Deleting a type in use asks; deleting the stamps too removes them and what points at them.
    h.get_by_label("Delete Stamp/Mark…").click_accesskit();
    steps(&mut h);
    h.get_by_label_contains("Uses: ");
    h.get_by_label("Delete them and everything that points at them")
        .click_accesskit();
    steps(&mut h);
    assert!(project(&h).schema.entity(&Slug::new("stamp")).is_none());
    assert_eq!(stamps(project(&h)), 0);
    undo(&mut h);
    assert!(project(&h) == &renamed);
    // Or retype them: every stamp becomes a document reference.
    h.get_by_label("Delete Stamp/Mark…").click_accesskit();
    steps(&mut h);
    h.get_by_label("Retype them to").click();
    steps(&mut h);
    h.get_by_label("Document reference").click();
    steps(&mut h);
    h.get_by_label("Retype and delete").click_accesskit();
    steps(&mut h);
    assert_eq!(stamps(project(&h)), 0);
    let docrefs = |p: &Project| -> usize {
        p.documents
            .values()
            .flat_map(|d| d.annotations.values())
            .filter(|a| a.type_id().as_str() == "docref")
            .count()
    };
    assert_eq!(docrefs(project(&h)), docrefs(&renamed) + stamps(&renamed));
    undo(&mut h);
    undo(&mut h);
    assert!(project(&h) == &original);

    h.get_by_label("Close schema editor").click_accesskit();
    steps(&mut h);
    assert!(!h.state().state.schema_editor_open);

    // Document metadata, from the Project menu.
    h.get_by_label("Project").click();
    steps(&mut h);
    h.get_by_label("Document metadata…").click();
    steps(&mut h);
    set_field(&mut h, "Call number", "f. 45, op. 1, d. 339, l. 1");
    h.get_by_label("Apply").click_accesskit();
    steps(&mut h);
    let meta = &project(&h).documents.values().next().unwrap().meta;
    assert_eq!(meta.archival.call_number, "f. 45, op. 1, d. 339, l. 1");
    set_field(&mut h, "URL", "digitalarchive.wilsoncenter.org");
    h.get_by_label("Apply").click_accesskit();
    steps(&mut h);
    h.get_by_label_contains("is not a web address");
    undo(&mut h);
    assert!(project(&h) == &original);
}

/// Clicks the reader with the pointer (move, press, release) in the middle of annotation
/// `a`'s text, at the position the reader drew it in the last frame.
fn click_mention(h: &mut Harness<'_, App>, a: AnnId) {
    let doc = h.state().state.doc.unwrap();
    let span = project(h)
        .annotation(doc, a)
        .unwrap()
        .anchor()
        .unwrap()
        .extent();
    let mid = span.start + span.len() / 2;
    let at = h
        .state()
        .reader
        .char_rect(mid)
        .unwrap_or_else(|| panic!("the mention at {mid} is not on screen"))
        .center();
    let text = h.get_by_label("Document text").rect();
    assert!(text.contains(at), "{at:?} lies outside the reader {text:?}");
    h.hover_at(at);
    h.run_steps(1);
    h.drag_at(at);
    h.run_steps(1);
    h.drop_at(at);
    steps(h);
}

/// While a role is being filled, a mention clicked in the reader with the pointer goes into
/// the role and the event stays selected; once stopped, a click selects the mention.
#[test]
fn clicking_a_mention_fills_the_role() {
    let tmp = tempfile::tempdir().unwrap();
    make_project(tmp.path());
    let mut h = support::gui::harness(App::with_project(Prefs::default(), tmp.path()), SIZE);
    steps(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    steps(&mut h);
    h.get_by_label("Match case").click();
    steps(&mut h);
    h.key_press(Key::Escape);
    steps(&mut h);
    press_on(&mut h, "LI KENONG", Key::P);
    let li = selected(&h).id;
    press_on(&mut h, "KIM IL SUNG", Key::P);
    let kim = selected(&h).id;
    press_on(&mut h, "Brief report", Key::C);
    let comm = selected(&h).id;
    h.get_by_label("Add Copy to…").click_accesskit();
    steps(&mut h);
    for m in [li, kim] {
        click_mention(&mut h, m);
        assert_eq!(
            h.state().state.selected,
            Some(comm),
            "the event stays selected"
        );
    }
    let copies = selected(&h).as_event().unwrap().roles[&Slug::new("copy_to")].clone();
    assert_eq!(
        copies,
        vec![Target::Annotation(li), Target::Annotation(kim)]
    );
    // Stopped: a click selects the mention again.
    h.get_by_label("Done").click_accesskit();
    steps(&mut h);
    assert!(h.state().state.filling.is_none());
    click_mention(&mut h, li);
    assert_eq!(h.state().state.selected, Some(li));
}
