//! Issue 16: the window as a screen reader sees it, through the AccessKit tree egui_kittest
//! queries — the document's visible text, caret and annotations, named regions and
//! headings, drop-down values, menu items, the Tab order, F6, and the keys the reader owns.
#![allow(clippy::unwrap_used)]
#![cfg(feature = "gui")]

mod support;

use egui::accesskit::{Live, Role};
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::{Harness, Node};
use marginalia::app::a11y::reader_id;
use marginalia::app::{App, Command, Prefs};
use marginalia::build_info;

/// The window size these tests run at.
const SIZE: [f32; 2] = [1280.0, 800.0];

/// The sample project, copied to a temporary folder, open on its first document.
fn sample() -> (tempfile::TempDir, Harness<'static, App>) {
    let home = tempfile::tempdir().unwrap();
    let file = build_info::install_sample(home.path()).unwrap();
    let mut h = support::gui::harness_dt(App::with_project(Prefs::default(), &file), SIZE, 0.25);
    h.run_steps(4);
    assert!(h.state().state.doc.is_some(), "a document is open");
    (home, h)
}

fn focused(h: &Harness<'_, App>) -> Option<egui::Id> {
    h.ctx.memory(|m| m.focused())
}

fn document<'a>(h: &'a Harness<'_, App>) -> Node<'a> {
    h.get_by_role_and_label(Role::Document, "Document text")
}

/// The first non-blank line of the open document, as the reader shows it at the top.
fn first_line(h: &Harness<'_, App>) -> String {
    let st = &h.state().state;
    let p = &st.session.as_ref().unwrap().project;
    let doc = &p.documents[&st.doc.unwrap()];
    doc.text_or_empty()
        .as_str()
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap()
        .to_owned()
}

fn status(h: &Harness<'_, App>) -> String {
    h.state().state.status.clone()
}

#[test]
fn reader_exposes_visible_text_caret_and_annotations() {
    let (_home, h) = sample();
    let doc = document(&h);
    let ak = doc.accesskit_node();
    assert!(ak.supports_text_ranges(), "the reader has text runs");
    let text = ak.document_range().text();
    let line = first_line(&h);
    assert!(
        text.contains(line.trim()),
        "the reader's text holds its first line {line:?}; got {:?}",
        text.chars().take(200).collect::<String>()
    );
    let runs = doc
        .children_recursive()
        .filter(|n| n.accesskit_node().role() == Role::TextRun)
        .count();
    assert!(runs > 3, "one text run per visible row, got {runs}");
    assert!(ak.has_text_selection(), "the caret is exposed");
    // Each annotation in view has a node saying its type, text and link.
    let marks: Vec<String> = doc
        .children_recursive()
        .filter(|n| n.accesskit_node().role() == Role::Mark)
        .filter_map(|n| n.accesskit_node().label())
        .collect();
    assert!(!marks.is_empty(), "annotations in view are nodes");
    assert!(
        marks
            .iter()
            .any(|m| m.starts_with("Person: ") && m.contains(", linked to ")),
        "a linked person reads as such: {marks:?}"
    );
}

#[test]
fn window_regions_and_headings_are_named() {
    let (_home, h) = sample();
    let root = h.root();
    assert!(
        root.accesskit_node()
            .label()
            .is_some_and(|l| l.ends_with("Marginalia")),
        "window name: {:?}",
        root.accesskit_node().label()
    );
    for name in ["Reader", "Documents", "Inspector", "Registry", "Status bar"] {
        h.get_by_role_and_label(Role::Region, name);
    }
    for name in ["Documents", "Inspector", "Registry"] {
        let n = h.get_by_role_and_label(Role::Heading, name);
        assert_eq!(n.accesskit_node().level(), Some(2));
    }
    // The status message is a live region.
    let live: Vec<_> = h
        .root()
        .children_recursive()
        .filter(|n| n.accesskit_node().data().live() == Some(Live::Polite))
        .collect();
    assert_eq!(live.len(), 1, "one polite live region (the status message)");
    assert_eq!(live[0].accesskit_node().role(), Role::Label);
}

#[test]
fn reader_is_near_the_menu_bar_in_tab_order_and_owns_its_keys() {
    let (_home, mut h) = sample();
    // From the menu bar's last button, Tab reaches the reader within three presses.
    h.get_by_label("Help").focus();
    h.run_steps(2);
    let mut presses = 0;
    while focused(&h) != Some(reader_id()) && presses < 3 {
        h.key_press(Key::Tab);
        h.run_steps(1);
        presses += 1;
    }
    assert_eq!(
        focused(&h),
        Some(reader_id()),
        "after {presses} Tab presses"
    );
    assert!(document(&h).is_focused());
    // Focused, the reader takes `]` (no Escape needed first) and the caret keys.
    assert_eq!(h.state().state.selected, None);
    h.key_press(Key::CloseBracket);
    h.run_steps(2);
    let selected = h.state().state.selected;
    assert!(selected.is_some(), "] selected the next annotation");
    assert_eq!(focused(&h), Some(reader_id()));
    let said = status(&h);
    assert!(said.contains(": "), "the selection is announced: {said:?}");
    let caret = h.state().state.sel.caret;
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    h.run_steps(2);
    let sel = h.state().state.sel.span();
    assert_eq!(
        (sel.start, sel.end),
        (caret, caret + 2),
        "Shift+Right extends"
    );
    assert_eq!(
        focused(&h),
        Some(reader_id()),
        "arrows keep focus in the reader"
    );
    h.key_press(Key::ArrowDown);
    h.run_steps(2);
    assert_eq!(
        focused(&h),
        Some(reader_id()),
        "Down moves the caret, not focus"
    );
    // Esc clears the selection and leaves focus in the reader.
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    h.run_steps(1);
    h.key_press(Key::Escape);
    h.run_steps(2);
    assert!(h.state().state.sel.is_empty());
    assert_eq!(focused(&h), Some(reader_id()));
    // Shift+Tab goes back to the menu bar.
    h.key_press_modifiers(Modifiers::SHIFT, Key::Tab);
    h.run_steps(2);
    let back = focused(&h);
    assert!(back.is_some() && back != Some(reader_id()));
}

#[test]
fn tab_never_stops_on_a_resize_handle() {
    let (_home, mut h) = sample();
    let mut seen = Vec::new();
    for _ in 0..80 {
        h.key_press(Key::Tab);
        h.run_steps(2);
        let f = h
            .root()
            .children_recursive()
            .find(|n| n.is_focused())
            .map(|n| (n.accesskit_node().role(), n.accesskit_node().label()));
        assert!(
            !matches!(f, Some((Role::Splitter, _))),
            "Tab stopped on a resize handle after {seen:?}"
        );
        seen.push(f);
    }
    assert!(
        seen.iter().any(|f| matches!(f, Some((Role::Document, _)))),
        "the reader is in the Tab cycle"
    );
}

#[test]
fn f6_moves_between_panels() {
    let (_home, mut h) = sample();
    // With an annotation selected the inspector has fields to focus (an empty region is
    // passed over).
    h.state_mut().state.push(Command::NextAnnotation);
    h.run_steps(2);
    h.state_mut().state.push(Command::CycleRegion(true));
    h.run_steps(2);
    assert_eq!(focused(&h), Some(reader_id()));
    assert_eq!(status(&h), "Reader panel");
    let mut order = Vec::new();
    for _ in 0..5 {
        h.key_press(Key::F6);
        h.run_steps(2);
        order.push(status(&h));
        let f = focused(&h);
        assert!(f.is_some() && f != Some(reader_id()), "{order:?}");
    }
    assert_eq!(
        order,
        [
            "Page images panel",
            "Documents panel",
            "Inspector panel",
            "Registry panel",
            "Status bar panel"
        ]
    );
    // The status bar's landing is its message, not a registry row above it (issue 24).
    let f = h
        .root()
        .children_recursive()
        .find(|n| n.is_focused())
        .map(|n| n.accesskit_node().role());
    assert_eq!(
        f,
        Some(Role::Label),
        "F6 to the status bar lands on its message"
    );
    h.key_press(Key::F6);
    h.run_steps(2);
    assert_eq!(focused(&h), Some(reader_id()), "F6 wraps to the reader");
    h.key_press_modifiers(Modifiers::SHIFT, Key::F6);
    h.run_steps(2);
    assert_eq!(status(&h), "Status bar panel");
}

#[test]
fn drop_downs_expose_their_value() {
    let (_home, mut h) = sample();
    h.state_mut().state.push(Command::NextAnnotation);
    h.run_steps(3);
    let st = &h.state().state;
    let p = &st.session.as_ref().unwrap().project;
    let a = p.annotation(st.doc.unwrap(), st.selected.unwrap()).unwrap();
    let ty = p.schema.label(a.type_id()).to_owned();
    let values: Vec<Option<String>> = h
        .query_all_by_role(Role::ComboBox)
        .map(|n| n.value())
        .collect();
    assert!(
        values.iter().any(|v| v.as_deref() == Some(ty.as_str())),
        "the Type drop-down says {ty}: {values:?}"
    );
    assert!(
        values
            .iter()
            .all(|v| v.as_ref().is_some_and(|v| !v.is_empty())),
        "every drop-down has a value: {values:?}"
    );
}

#[test]
fn menu_items_read_name_and_shortcut_apart_and_esc_returns_focus() {
    let (_home, mut h) = sample();
    h.get_by_label("Project").click();
    h.run_steps(2);
    let save = h.get_by_role_and_label(Role::MenuItem, "Save");
    assert_eq!(
        save.accesskit_node().data().keyboard_shortcut(),
        Some("Ctrl+S")
    );
    assert!(h.query_by_label_contains("Save Ctrl+S").is_none());
    h.key_press(Key::Escape);
    h.run_steps(2);
    assert!(h.query_by_role_and_label(Role::MenuItem, "Save").is_none());
    let f = h.root().children_recursive().find(|n| n.is_focused());
    assert_eq!(
        f.and_then(|n| n.accesskit_node().label()).as_deref(),
        Some("Project"),
        "focus is back on the menu's button"
    );
}

#[test]
fn tagging_and_undo_are_announced() {
    let (_home, mut h) = sample();
    // Select the first word of the document with the caret keys, then tag it.
    h.state_mut().state.push(Command::CycleRegion(true));
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::ArrowRight);
    h.run_steps(2);
    assert!(!h.state().state.sel.is_empty());
    h.key_press(Key::P);
    h.run_steps(3);
    let said = status(&h);
    assert!(said.starts_with("Done: "), "{said:?}");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(3);
    let said = status(&h);
    assert!(said.starts_with("Undone: "), "{said:?}");
}

/// Issue 24, items 2 and 8: a floating window opened from the menu takes focus, keeps Tab
/// inside, and Esc closes it with focus back in the main window (never on nothing).
#[test]
fn metadata_window_takes_focus_traps_tab_and_closes_on_esc() {
    let (_home, mut h) = sample();
    // As from the keyboard: F6 to the reader first (a window that opens before the user did
    // anything does not take focus).
    h.key_press(Key::F6);
    h.run_steps(2);
    h.state_mut().state.push(Command::ToggleMetadata);
    h.run_steps(4);
    let in_window = |h: &Harness<'_, App>| {
        let f = focused(h)?;
        h.ctx
            .viewport(|v| v.this_pass.widgets.get(f).map(|w| w.layer_id.order))
    };
    assert_eq!(
        in_window(&h),
        Some(egui::Order::Middle),
        "focus is in the metadata window when it opens"
    );
    for i in 0..30 {
        h.key_press(Key::Tab);
        h.run_steps(2);
        assert_eq!(
            in_window(&h),
            Some(egui::Order::Middle),
            "Tab {i} stays in the window"
        );
    }
    h.key_press(Key::Escape);
    h.run_steps(3);
    assert!(
        !h.state().state.metadata_open,
        "Esc closes the metadata window"
    );
    assert!(focused(&h).is_some(), "focus is somewhere after Esc");
    assert_eq!(
        in_window(&h),
        Some(egui::Order::Background),
        "focus is back in the main window"
    );
}

/// Issue 24, item 9: keys that need a selection say so when there is none.
#[test]
fn keys_without_a_selection_say_what_they_need() {
    let (_home, mut h) = sample();
    for (cmd, said) in [
        (Command::DeleteAnnotation, "nothing to delete"),
        (Command::LinkSearch, "select a mention"),
        (Command::Respan, "No annotation selected"),
        (Command::TagPopup, "select text"),
        (Command::AddFragment, "No text selected"),
    ] {
        h.state_mut().state.status.clear();
        h.state_mut().state.push(cmd.clone());
        h.run_steps(2);
        assert!(
            status(&h).contains(said),
            "{cmd:?} says {said:?}: {:?}",
            status(&h)
        );
    }
}

/// Issue 24, item 5: Esc in an open drop-down of the New-documents window closes the
/// drop-down only; the window and the typed title stay. Then Esc is the window's.
#[test]
fn esc_in_an_open_drop_down_closes_only_the_drop_down() {
    use marginalia::app::{Dialog, Message};
    let home = tempfile::tempdir().unwrap();
    let project = build_info::install_sample(home.path()).unwrap();
    let mut h = support::gui::harness_dt(App::with_project(Prefs::default(), &project), SIZE, 0.25);
    h.run_steps(4);
    let file = project
        .parent()
        .unwrap()
        .join("sources")
        .join("a11y-new.txt");
    std::fs::write(&file, "Note.\n").unwrap();
    h.state_mut().state.push(Message::AddDocuments(vec![file]));
    h.run_steps(4);
    let open =
        |h: &Harness<'_, App>| matches!(h.state().state.dialog, Some(Dialog::NewDocuments(_)));
    assert!(open(&h), "the New-documents window is open");
    h.get_by_label("Title of a11y-new.txt").click();
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Title of a11y-new.txt")
        .type_text("Typed title");
    h.run_steps(2);
    h.get_by_label("Status of a11y-new.txt").click();
    h.run_steps(2);
    assert!(egui::Popup::is_any_open(&h.ctx), "the drop-down is open");
    h.key_press(Key::Escape);
    h.run_steps(3);
    assert!(
        !egui::Popup::is_any_open(&h.ctx),
        "Esc closed the drop-down"
    );
    assert!(open(&h), "and not the window");
    let Some(Dialog::NewDocuments(nd)) = &h.state().state.dialog else {
        unreachable!()
    };
    assert_eq!(nd.rows[0].title, "Typed title", "the typed title is kept");
    // The window's own Esc now: with a title typed it asks before dropping it.
    h.key_press(Key::Escape);
    h.run_steps(3);
    let Some(Dialog::NewDocuments(nd)) = &h.state().state.dialog else {
        panic!("the window asks before dropping the typed title")
    };
    assert!(
        nd.confirm_discard,
        "a second Esc asks to drop the typed title"
    );
    h.key_press(Key::Escape);
    h.run_steps(3);
    assert!(!open(&h), "a third Esc drops it and closes the window");
}

/// Issue 24, item 10: the in-window file dialog takes focus when it opens, keeps Tab inside,
/// and its icon buttons have names.
#[test]
fn file_dialog_takes_focus_keeps_tab_and_names_its_buttons() {
    let home = tempfile::tempdir().unwrap();
    let file = build_info::install_sample(home.path()).unwrap();
    let mut app = App::with_project(Prefs::default(), &file);
    app.state.chooser.set_native(false);
    let mut h = support::gui::harness_dt(app, SIZE, 0.25);
    h.run_steps(4);
    h.key_press(Key::F6);
    h.run_steps(2);
    h.state_mut().state.push(Command::OpenDialog);
    h.run_steps(6);
    assert!(
        h.state().state.chooser.is_open(),
        "the in-window dialog is open"
    );
    let layer = |h: &Harness<'_, App>| {
        let f = focused(h)?;
        h.ctx
            .viewport(|v| v.this_pass.widgets.get(f).map(|w| w.layer_id))
    };
    let first = layer(&h);
    assert!(
        first.is_some_and(|l| l.order != egui::Order::Background),
        "focus is in the dialog when it opens: {first:?}"
    );
    for i in 0..25 {
        h.key_press(Key::Tab);
        h.run_steps(2);
        assert_eq!(layer(&h), first, "Tab {i} stays in the dialog");
    }
    h.get_by_label("Parent folder");
    h.get_by_label("Reload");
    // Its two text fields are named (egui_file labels neither).
    h.get_by_role_and_label(Role::TextInput, "Folder path");
    let unnamed = h
        .root()
        .children_recursive()
        .filter(|n| n.accesskit_node().role() == Role::TextInput)
        .filter(|n| {
            n.accesskit_node().label().is_none_or(|l| l.is_empty())
                && n.accesskit_node().data().labelled_by().is_empty()
        })
        .count();
    assert_eq!(unnamed, 0, "no unnamed text field");
}

/// Issue 24, items 6 and 7: the reader's text is the whole document (not only the lines in
/// view), so its offsets are the document's code-point offsets and do not move as the view
/// scrolls; a screen reader setting the caret far below the view moves the caret there and
/// the view follows; tagged words are underlined text runs; annotation nodes come in
/// reading order, each described by its line.
#[test]
fn reader_text_is_the_whole_document_with_document_offsets() {
    let (_home, mut h) = sample();
    let source = {
        let st = &h.state().state;
        let p = &st.session.as_ref().unwrap().project;
        p.documents[&st.doc.unwrap()]
            .text_or_empty()
            .as_str()
            .to_owned()
    };
    let len = source.chars().count();
    let text = document(&h).accesskit_node().document_range().text();
    assert_eq!(text, source, "the reader's text is the document's text");
    let top_before = h.state().reader.first_visible_offset;
    // Set the caret near the end over AccessKit, as AT-SPI set_caret_offset does.
    let target = len - 3;
    {
        let doc = document(&h);
        let ak = doc.accesskit_node();
        let pos = ak
            .text_position_from_global_usv_index(target)
            .unwrap()
            .to_raw();
        let (target_node, target_tree) = ak.locate();
        h.event(egui::Event::AccessKitActionRequest(
            egui::accesskit::ActionRequest {
                action: egui::accesskit::Action::SetTextSelection,
                target_node,
                target_tree,
                data: Some(egui::accesskit::ActionData::SetTextSelection(
                    egui::accesskit::TextSelection {
                        anchor: pos,
                        focus: pos,
                    },
                )),
            },
        ));
    }
    h.run_steps(8);
    assert_eq!(h.state().state.sel.caret, target, "the caret moved there");
    assert_ne!(
        h.state().reader.first_visible_offset,
        top_before,
        "the view followed the caret"
    );
    let doc = document(&h);
    let ak = doc.accesskit_node();
    assert_eq!(
        ak.document_range().text(),
        source,
        "after scrolling, the same text"
    );
    assert_eq!(
        ak.text_selection_focus().unwrap().to_global_usv_index(),
        target,
        "the caret's offset is its document offset"
    );
    // Tagged words are underlined runs; annotations in reading order, by line.
    let underlined: Vec<String> = doc
        .children_recursive()
        .filter(|n| n.accesskit_node().role() == Role::TextRun)
        .filter(|n| n.accesskit_node().data().underline().is_some())
        .filter_map(|n| n.accesskit_node().data().value().map(str::to_owned))
        .collect();
    assert!(!underlined.is_empty(), "tagged words are underlined");
    let lines: Vec<usize> = doc
        .children_recursive()
        .filter(|n| n.accesskit_node().role() == Role::Mark)
        .map(|n| {
            let d = n.accesskit_node().description().unwrap_or_default();
            d.strip_prefix("line ")
                .and_then(|l| l.parse().ok())
                .unwrap_or_else(|| panic!("a mark says its line: {d:?}"))
        })
        .collect();
    assert!(!lines.is_empty(), "annotations in view are nodes");
    assert!(
        lines.windows(2).all(|w| w[0] <= w[1]),
        "annotation nodes come in reading order: {lines:?}"
    );
}

/// Issue 24, item 7: reading with the caret, entering a tagged word says what it is, once
/// ("Person: Mao Zedong, linked to Mao Zedong"): AccessKit's Unix adapter has no text
/// attribute that could carry it.
#[test]
fn the_caret_entering_a_tagged_word_says_what_it_is() {
    let (_home, mut h) = sample();
    h.key_press(Key::F6);
    h.run_steps(2);
    // The first person annotation of the document, and the caret just before it.
    let (start, said) = {
        let st = &h.state().state;
        let p = &st.session.as_ref().unwrap().project;
        let d = st.doc.unwrap();
        let doc = &p.documents[&d];
        let (start, id) = doc
            .annotations
            .values()
            .filter(|a| a.as_mention().is_some())
            .filter_map(|a| Some((a.anchor()?.extent().start, a.id)))
            .filter(|(s, _)| *s > 0)
            .min()
            .unwrap();
        let said = marginalia::app::a11y::describe_annotation(p, d, id).unwrap();
        (start, said)
    };
    h.state_mut().state.sel = marginalia::app::Selection::at(start - 1);
    h.run_steps(2);
    let before = status(&h);
    h.key_press(Key::ArrowRight);
    h.run_steps(2);
    assert_eq!(h.state().state.sel.caret, start);
    let now = status(&h);
    assert!(
        now.contains(said.split(',').next().unwrap()),
        "entering the annotation is said: {now:?} (before: {before:?}; expected {said:?})"
    );
}

/// Issue 24, item 9: a message equal to the last one is heard again: the live status
/// message's node is made anew (AccessKit's Unix adapter announces a live node when it is
/// added; an unchanged name is not announced).
#[test]
fn a_message_said_again_is_a_new_live_node() {
    let (_home, mut h) = sample();
    h.key_press(Key::F6);
    h.run_steps(2);
    let live_id = |h: &Harness<'_, App>| {
        h.root()
            .children_recursive()
            .find(|n| n.accesskit_node().live() == Live::Polite)
            .map(|n| {
                let ak = n.accesskit_node();
                (ak.id(), ak.label().or_else(|| ak.value()))
            })
    };
    h.key_press(Key::Delete);
    h.run_steps(2);
    let (first, said) = live_id(&h).unwrap();
    assert!(
        said.as_deref()
            .is_some_and(|s| s.contains("nothing to delete")),
        "{said:?}"
    );
    h.key_press(Key::Delete);
    h.run_steps(2);
    let (second, again) = live_id(&h).unwrap();
    assert_eq!(again, said);
    assert_ne!(first, second, "the same message again is a new live node");
}

/// Issue 24, item 9, for Orca 43 (Debian 12), which presents no live region (AT-SPI
/// `object:announcement`) but speaks a change of the focused control's description: each
/// message is also put in the description of the control that has focus (once focus has
/// settled there), and does not follow focus to the next control.
#[test]
fn a_message_is_also_said_by_the_focused_controls_description() {
    let (_home, mut h) = sample();
    h.key_press(Key::F6);
    h.run_steps(20);
    let focused = |h: &Harness<'_, App>| {
        h.root()
            .children_recursive()
            .find(|n| n.accesskit_node().is_focused())
            .map(|n| {
                let ak = n.accesskit_node();
                (ak.id(), ak.description())
            })
    };
    let (reader, before) = focused(&h).unwrap();
    assert!(
        !before
            .as_deref()
            .is_some_and(|d| d.contains("nothing to delete")),
        "{before:?}"
    );
    h.key_press(Key::Delete);
    h.run_steps(2);
    let (id, said) = focused(&h).unwrap();
    assert_eq!(id, reader);
    assert_eq!(
        said.as_deref(),
        Some("No annotation selected: nothing to delete")
    );
    h.key_press(Key::Tab);
    h.run_steps(3);
    let (next, desc) = focused(&h).unwrap();
    assert_ne!(next, reader, "Tab moved focus");
    assert!(
        !desc
            .as_deref()
            .is_some_and(|d| d.contains("nothing to delete")),
        "the message stays behind: {desc:?}"
    );
}

/// Issue 24, item 8: Enter in the Link field links and gives focus to the reader (not to
/// nothing), where letters a hand still types do nothing until a deliberate move (see
/// `letters_typed_after_a_field_lost_focus_do_nothing`).
#[test]
fn enter_in_the_link_field_gives_focus_to_the_reader() {
    let (_home, mut h) = sample();
    h.key_press(Key::F6);
    h.run_steps(2);
    // Select the first person mention, as `]` does.
    h.key_press(Key::CloseBracket);
    h.run_steps(2);
    assert!(
        h.state().state.selected.is_some(),
        "an annotation is selected"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::L);
    h.run_steps(3);
    assert!(
        h.ctx.text_edit_focused(),
        "Ctrl+L puts focus in the Link field"
    );
    h.get_by_label("Link to entry")
        .type_text("Someone Quite New");
    h.run_steps(1);
    h.key_press(Key::Enter);
    h.run_steps(3);
    assert_eq!(focused(&h), Some(reader_id()), "focus is on the reader");
    let count = h
        .state()
        .state
        .session
        .as_ref()
        .unwrap()
        .project
        .annotation_count();
    h.key_press(Key::P);
    h.run_steps(2);
    assert!(status(&h).contains("lost focus"), "{}", status(&h));
    h.key_press(Key::ArrowRight);
    h.run_steps(2);
    assert_eq!(
        h.state()
            .state
            .session
            .as_ref()
            .unwrap()
            .project
            .annotation_count(),
        count
    );
}

/// Issue 24, item 9: a selection says its length; the palette says its highlighted row as
/// it changes; typing in the Link field says what Enter would do.
#[test]
fn selection_palette_and_link_field_are_spoken() {
    let (_home, mut h) = sample();
    h.key_press(Key::F6);
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    h.run_steps(2);
    assert_eq!(status(&h), "Text selected: 1 character");
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    h.run_steps(2);
    assert_eq!(status(&h), "Text selected: 2 characters");
    h.key_press(Key::Escape);
    h.run_steps(2);
    h.state_mut().state.push(Command::Palette);
    h.run_steps(3);
    h.get_by_label("Command").type_text("Schema editor");
    h.run_steps(2);
    assert!(
        status(&h).starts_with("Schema editor…, 1 of "),
        "{}",
        status(&h)
    );
    h.key_press(Key::Escape);
    h.run_steps(3);
    assert_eq!(focused(&h), Some(reader_id()), "Esc: back in the reader");
    h.key_press(Key::CloseBracket);
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::L);
    h.run_steps(3);
    h.get_by_label("Link to entry").type_text("Zzyzx Nobody");
    h.run_steps(2);
    assert_eq!(status(&h), "No entry matches: Enter creates “Zzyzx Nobody”");
}

/// Issue 24, item 9: an error message appears as a modal dialog named by its message, with
/// focus inside it (a screen reader says the dialog's name as focus enters it); Esc closes
/// it with focus back on the reader.
#[test]
fn an_error_dialog_is_named_modal_and_focused() {
    let (_home, mut h) = sample();
    h.key_press(Key::F6);
    h.run_steps(2);
    let msg = "Could not read notes.ron, line 3: expected a string";
    h.state_mut().state.dialog = Some(marginalia::app::Dialog::Message(msg.to_owned()));
    h.run_steps(4);
    let dialogs: Vec<_> = h
        .root()
        .children_recursive()
        .filter(|n| n.accesskit_node().role() == Role::Dialog)
        .collect();
    let labels: Vec<String> = dialogs
        .iter()
        .map(|n| n.accesskit_node().label().unwrap_or_default())
        .collect();
    let d = dialogs
        .into_iter()
        .find(|n| n.accesskit_node().label().is_some_and(|l| l.contains(msg)))
        .unwrap_or_else(|| panic!("a dialog named by its message: {labels:?}"));
    let name = d.accesskit_node().label().unwrap_or_default();
    assert!(
        name.starts_with("Dialog: ") && name.contains(msg),
        "{name:?}"
    );
    assert!(d.accesskit_node().is_modal(), "modal");
    let f = focused(&h).expect("focus is somewhere");
    let order = h
        .ctx
        .viewport(|v| v.this_pass.widgets.get(f).map(|w| w.layer_id.order));
    assert!(
        order.is_some_and(|o| o != egui::Order::Background),
        "focus is inside the dialog, not the main window: {order:?}"
    );
    h.key_press(Key::Escape);
    h.run_steps(4);
    assert!(h.state().state.dialog.is_none(), "Esc closes it");
    assert_eq!(focused(&h), Some(reader_id()), "focus back on the reader");
}

/// Issue 24, item 10: a dialog's title is a heading of level 1 (panel titles are level 2).
#[test]
fn dialog_titles_are_headings_with_a_level() {
    let (home, mut h) = sample();
    h.state_mut().state.dialog = Some(marginalia::app::Dialog::OfferProject(
        home.path().to_path_buf(),
    ));
    h.run_steps(4);
    let n = h.get_by_role_and_label(Role::Heading, "No project in this folder yet");
    assert_eq!(n.accesskit_node().level(), Some(1));
    let without: Vec<String> = h
        .root()
        .children_recursive()
        .filter(|n| n.accesskit_node().role() == Role::Heading)
        .filter(|n| n.accesskit_node().level().is_none())
        .filter_map(|n| n.accesskit_node().label())
        .collect();
    assert!(without.is_empty(), "headings without a level: {without:?}");
}
