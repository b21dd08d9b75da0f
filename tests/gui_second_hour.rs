//! Issue 22, "the second hour": each defect a historian met in an hour of real work, driven
//! through the window with real pointer events at widget positions and real keys, at 700 and
//! 1400 points wide. Each test fails without its fix.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "gui")]

mod support;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use marginalia::app::{App, Prefs};
use marginalia::model::*;
use marginalia::session::Session;
use support::gui::{
    NARROW, WIDE, click_at, open, outside_the_window, project, select_text, selected, steps,
};

/// A 300-character title, as FRUS and archive catalogues write them.
fn long_title() -> String {
    let mut t = String::from(
        "Telegram from the Commander in Chief, United Nations Command (Ridgway) to the Joint Chiefs of Staff, reporting the fourth plenary session of the armistice conference at Kaesong, the agenda items proposed by the Communist delegation, and the positions taken on the thirty-eighth parallel",
    );
    while t.chars().count() < 300 {
        t.push_str(" and more");
    }
    t.chars().take(300).collect()
}

/// A cable naming forty people (each a candidate for a role), a meeting, dates, with the
/// document's date 10 July 1951 and a 300-character title.
fn cable() -> String {
    let mut s = String::from(
        "The meeting resumed on 14 July 1951 and will continue tomorrow at 0800 in the afternoon.\n",
    );
    for i in 0..40 {
        s.push_str(&format!("Delegate Number{i:02} spoke.\n"));
    }
    s.push_str("Ким Ир Сен и 毛泽东 met at Kaesong.\n");
    s
}

fn with_people(dir: &std::path::Path) -> std::path::PathBuf {
    let text = cable();
    let (file, ids) = support::gui::project_on_disk(dir, "Second hour", &[("cable.txt", &text)]);
    let mut s = Session::open(&file).unwrap();
    let doc = ids[0];
    let t = s.project.documents[&doc].text.clone().unwrap();
    let mut tx = Transaction::new("people");
    let mut d = s.project.documents[&doc].clone();
    d.meta.title = long_title();
    d.meta.archival.date = Some(NormalizedDate::when("1951-07-10"));
    let before = s.project.documents[&doc].clone();
    tx.push(Edit::Document {
        before: Some(Box::new(before)),
        after: Some(Box::new(d)),
    });
    for i in 0..40 {
        let name = format!("Number{i:02}");
        let start = support::gui::offset_of(&text, &name);
        let a = Annotation::new(Body::Mention(Mention {
            type_id: Slug::new("person"),
            anchor: TextAnchor::span(&t, start, start + name.chars().count()).unwrap(),
            entry: None,
            date: None,
        }));
        tx.push(Edit::add_annotation(doc, a));
    }
    s.commit(tx).unwrap();
    s.save().unwrap();
    file
}

fn right_width(h: &Harness<'_, App>) -> f32 {
    h.state()
        .panel_rects
        .right
        .expect("the right column is shown")
        .width()
}

fn assert_layout(h: &Harness<'_, App>, size: [f32; 2], what: &str) {
    let r = h.state().panel_rects;
    // The window's inner width: the panels share it (the frame takes 8 points each side).
    let w = r.window.width();
    assert!(
        r.centre.width() >= 0.45 * w - 1.0,
        "{what} at {w}: the reader keeps {:.0} of {w} points",
        r.centre.width()
    );
    if let Some(right) = r.right {
        assert!(
            right.max.x <= size[0] + 1.0,
            "{what}: the right column leaves the window"
        );
    }
    let out = outside_the_window(h, size);
    assert!(
        out.is_empty(),
        "{what} at {w}: outside the window: {out:#?}\npanels: {r:#?}"
    );
}

/// Item 1: filling a role lists forty candidates whose rows carry the 300-character title;
/// the inspector keeps its width, the list, its search field and Done stay in the window,
/// and after Esc the width is what it was.
#[test]
fn filling_a_role_keeps_the_inspector_in_the_window() {
    for size in [NARROW, WIDE] {
        let tmp = tempfile::tempdir().unwrap();
        let file = with_people(tmp.path());
        let mut h = open(&file, size);
        let before = right_width(&h);
        select_text(&mut h, "meeting");
        h.key_press(Key::M);
        steps(&mut h);
        assert_eq!(
            project(&h).schema.label(selected(&h).type_id()),
            "Meeting",
            "M made a meeting"
        );
        h.get_by_label("Add Participant…").click();
        steps(&mut h);
        assert!(h.state().state.filling.is_some(), "filling the role");
        assert!(
            h.query_all_by_label_contains("Number0").count() >= 8,
            "candidate rows are listed"
        );
        assert!(
            (right_width(&h) - before).abs() < 1.0,
            "at {}: the inspector kept {before} points, not {}",
            size[0],
            right_width(&h)
        );
        for label in ["Done", "Filler for Participant"] {
            let r = h.get_by_label(label).rect();
            assert!(
                r.max.x <= h.state().panel_rects.right.unwrap().max.x + 1.0,
                "{label} is inside the inspector"
            );
        }
        let search = h.get_by_label("Filler for Participant").rect();
        assert!(
            search.width() >= 150.0,
            "at {}: the search is wide enough to type in: {search:?}",
            size[0]
        );
        assert_layout(&h, size, "filling a role");
        // Pick one, then stop with Esc: the width is still the one it had.
        let row = h
            .get_all_by_label_contains("Number03")
            .next()
            .unwrap()
            .rect();
        click_at(&mut h, row);
        h.key_press(Key::Escape);
        steps(&mut h);
        assert!((right_width(&h) - before).abs() < 1.0);
        assert_layout(&h, size, "after Esc");
    }
}

/// Item 1, saved widths: a right column saved 900 points wide by an earlier session (or
/// by a wide window) is clamped when the window opens narrow; the reader keeps 45 %.
#[test]
fn a_saved_width_is_clamped_when_the_window_opens() {
    let tmp = tempfile::tempdir().unwrap();
    let file = with_people(tmp.path());
    let mut wide = open(&file, WIDE);
    // Drag the right column's edge as far left as it goes.
    let right = wide.state().panel_rects.right.unwrap();
    let edge = egui::pos2(right.min.x + 1.0, right.center().y);
    wide.hover_at(edge);
    wide.run_steps(1);
    wide.drag_at(edge);
    wide.run_steps(1);
    for x in [900.0, 600.0, 300.0, 100.0] {
        wide.hover_at(egui::pos2(x, edge.y));
        wide.run_steps(1);
    }
    wide.drop_at(egui::pos2(100.0, edge.y));
    wide.run_steps(3);
    let dragged = right_width(&wide);
    assert!(dragged > 400.0, "the edge was dragged: {dragged}");
    assert_layout(&wide, WIDE, "dragged wide");
    // What eframe saves and loads: egui's memory, with the panel's width in it.
    let memory = wide.ctx.memory(|m| m.clone());
    let mut narrow =
        support::gui::harness_dt(App::with_project(Prefs::default(), &file), NARROW, 0.25);
    narrow.ctx.memory_mut(|m| *m = memory);
    narrow.run_steps(4);
    assert!(right_width(&narrow) < 300.0, "{}", right_width(&narrow));
    assert_layout(&narrow, NARROW, "loaded narrow");
}

/// Item 3: a tagged date gets a control: its normalized value read from the text and the
/// document's date ("tomorrow at 0800" in a cable of 10 July), with certainty; it can be
/// typed as a range; the event it dates reaches the timeline.
#[test]
fn a_tagged_date_is_normalized_in_the_window() {
    let tmp = tempfile::tempdir().unwrap();
    let file = with_people(tmp.path());
    let mut h = open(&file, WIDE);
    select_text(&mut h, "14 July 1951");
    h.key_press(Key::D);
    steps(&mut h);
    assert_eq!(selected(&h).type_id().as_str(), "date");
    assert!(
        h.query_by_label_contains("Create entry").is_none(),
        "a date is not offered as a registry entry first"
    );
    h.get_by_label("Use 1951-07-14").click();
    steps(&mut h);
    let a = selected(&h);
    assert_eq!(
        a.as_mention().unwrap().date,
        Some(NormalizedDate::when("1951-07-14"))
    );
    assert_eq!(a.cert, Some(Certainty::High));
    h.get_by_label_contains("The date matches the text");

    select_text(&mut h, "tomorrow at 0800");
    h.key_press(Key::D);
    steps(&mut h);
    h.get_by_label_contains("from the document's date 1951-07-10");
    h.get_by_label("Use 1951-07-11T08:00").click();
    steps(&mut h);
    let a = selected(&h);
    assert_eq!(
        a.as_mention().unwrap().date,
        Some(NormalizedDate::when("1951-07-11T08:00"))
    );
    assert_eq!(a.cert, Some(Certainty::Medium));

    // Typed as a range: the field takes what it shows.
    let field = h.get_by_label("Normalized (ISO 8601)").rect();
    click_at(&mut h, field);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(1);
    h.get_by_label("Normalized (ISO 8601)")
        .type_text("1951-07-11T08:00 – 1951-07-11T12:00");
    h.run_steps(1);
    h.key_press(Key::Tab);
    steps(&mut h);
    assert_eq!(
        selected(&h).as_mention().unwrap().date,
        Some(NormalizedDate::range(
            "1951-07-11T08:00",
            "1951-07-11T12:00"
        ))
    );
    // Undo takes the typed range back.
    h.key_press(Key::Escape);
    steps(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    steps(&mut h);
    let p = project(&h);
    let dates: Vec<_> = p
        .documents
        .values()
        .flat_map(|d| d.annotations.values())
        .filter_map(|a| a.as_mention()?.date.clone())
        .collect();
    assert!(
        dates.contains(&NormalizedDate::when("1951-07-11T08:00")),
        "{dates:?}"
    );
}

/// Item 4: with an event selected, an entity type's key does not turn it into an entity
/// and says why; an event type's key retypes it; with a mention selected an event key
/// changes nothing.
#[test]
fn type_keys_retype_only_within_the_kind() {
    let tmp = tempfile::tempdir().unwrap();
    let file = with_people(tmp.path());
    let mut h = open(&file, WIDE);
    select_text(&mut h, "meeting");
    h.key_press(Key::M);
    steps(&mut h);
    let meeting = selected(&h);
    assert_eq!(meeting.type_id().as_str(), "meeting");
    // Focus back in the reader, nothing selected but the event.
    h.key_press(Key::O);
    steps(&mut h);
    let after = selected(&h);
    assert_eq!(
        after.type_id().as_str(),
        "meeting",
        "O did not make it an organization"
    );
    let status = h.state().state.status.clone();
    assert!(
        status.contains("Organization")
            && status.contains("is an event;")
            && status.contains("within its kind"),
        "{status}"
    );
    assert!(
        marginalia::model::validate::validate(project(&h))
            .iter()
            .all(|p| p.severity != Severity::Error)
    );
    h.key_press(Key::A);
    steps(&mut h);
    assert_eq!(
        selected(&h).type_id().as_str(),
        "agenda_point",
        "A retypes the event"
    );
    assert_eq!(selected(&h).id, meeting.id, "the same event, retyped");
    let events = |h: &Harness<'_, App>| {
        project(h)
            .documents
            .values()
            .flat_map(|d| d.annotations.values())
            .filter(|a| a.as_event().is_some())
            .count()
    };
    assert_eq!(events(&h), 1);
    // A mention selected: M creates nothing and says why.
    let t = support::gui::offset_of(&cable(), "Number05");
    let r = support::gui::char_rect(&h, t + 2);
    click_at(&mut h, r);
    assert_eq!(selected(&h).type_id().as_str(), "person");
    h.key_press(Key::M);
    steps(&mut h);
    assert_eq!(events(&h), 1, "no meeting created");
    assert_eq!(selected(&h).type_id().as_str(), "person");
}

/// Item 4: letters typed into a text field that lost focus (Enter in the entry search)
/// never act as type keys.
#[test]
fn letters_typed_after_a_field_lost_focus_do_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let file = with_people(tmp.path());
    let mut h = open(&file, WIDE);
    let t = support::gui::offset_of(&cable(), "Number05");
    let r = support::gui::char_rect(&h, t + 2);
    click_at(&mut h, r);
    let person = selected(&h);
    let field = h.get_by_label("Link to entry").rect();
    click_at(&mut h, field);
    h.get_by_label("Link to entry").type_text("Delegate Five");
    h.run_steps(1);
    h.key_press(Key::Enter);
    steps(&mut h);
    let linked = selected(&h);
    assert!(
        linked.as_mention().unwrap().entry.is_some(),
        "Enter created the entry"
    );
    // The hand goes on typing: "o", "m", "a" must not retype or create anything.
    let count = project(&h).annotation_count();
    for k in [Key::O, Key::M, Key::A, Key::P] {
        h.key_press(k);
        h.run_steps(1);
        assert!(
            h.state().state.status.contains("lost focus"),
            "{}",
            h.state().state.status
        );
    }
    steps(&mut h);
    assert_eq!(project(&h).annotation_count(), count, "nothing was created");
    assert_eq!(
        selected(&h).type_id(),
        person.type_id(),
        "nothing was retyped"
    );
    // A click in the text arms the keys again.
    click_at(&mut h, r);
    h.key_press(Key::L);
    steps(&mut h);
    assert_eq!(selected(&h).type_id().as_str(), "place");
}

/// Item 9: tagging an already tagged span with the same type makes no duplicate: it says
/// "already tagged" and selects the one there; `check` reports exact duplicates in files.
#[test]
fn tagging_the_same_span_twice_selects_the_first() {
    let tmp = tempfile::tempdir().unwrap();
    let file = with_people(tmp.path());
    let mut h = open(&file, WIDE);
    let count = project(&h).annotation_count();
    select_text(&mut h, "Number07");
    h.key_press(Key::P);
    steps(&mut h);
    assert_eq!(project(&h).annotation_count(), count, "no duplicate");
    let status = h.state().state.status.clone();
    assert!(status.contains("already tagged as Person"), "{status}");
    let sel = selected(&h);
    assert_eq!(sel.anchor().unwrap().quote.exact, "Number07");
    // A different type on the same words is a new annotation.
    select_text(&mut h, "Number07");
    h.key_press(Key::O);
    steps(&mut h);
    assert_eq!(project(&h).annotation_count(), count + 1);
    // An event's trigger too: the same words as a Meeting again select the meeting there.
    select_text(&mut h, "meeting");
    h.key_press(Key::M);
    steps(&mut h);
    let meeting = selected(&h);
    assert_eq!(meeting.type_id().as_str(), "meeting");
    assert_eq!(project(&h).annotation_count(), count + 2);
    h.key_press(Key::Escape);
    steps(&mut h);
    select_text(&mut h, "meeting");
    h.key_press(Key::M);
    steps(&mut h);
    assert_eq!(
        project(&h).annotation_count(),
        count + 2,
        "no second meeting"
    );
    let status = h.state().state.status.clone();
    assert!(status.contains("already tagged as Meeting"), "{status}");
    assert_eq!(selected(&h).id, meeting.id);
}

/// A long second document whose meeting (no trigger: the text only implies it) has its
/// participant and time far down; the first document is short.
fn two_documents(dir: &std::path::Path) -> (std::path::PathBuf, DocId, AnnId, usize) {
    let mut long = String::new();
    for i in 0..300 {
        long.push_str(&format!(
            "Line {i}: the delegations exchanged notes on the agenda and the demarcation line.\n"
        ));
    }
    long.push_str("Nam Il arrived at 1500 on 10 July 1951.\n");
    let (file, ids) = support::gui::project_on_disk(
        dir,
        "Two",
        &[("a-short.txt", "A short note.\n"), ("b-long.txt", &long)],
    );
    let mut s = Session::open(&file).unwrap();
    let doc = ids[1];
    let t = s.project.documents[&doc].text.clone().unwrap();
    let at = |needle: &str| support::gui::offset_of(&long, needle);
    let mention = |ty: &str, needle: &str, date: Option<NormalizedDate>| {
        Annotation::new(Body::Mention(Mention {
            type_id: Slug::new(ty),
            anchor: TextAnchor::span(&t, at(needle), at(needle) + needle.chars().count()).unwrap(),
            entry: None,
            date,
        }))
    };
    let nam = mention("person", "Nam Il", None);
    let time = mention(
        "date",
        "1500 on 10 July 1951",
        Some(NormalizedDate::when("1951-07-10T15:00")),
    );
    let mut roles = std::collections::BTreeMap::new();
    roles.insert(Slug::new("participant"), vec![Target::Annotation(nam.id)]);
    roles.insert(Slug::new("time"), vec![Target::Annotation(time.id)]);
    let meeting = Annotation::new(Body::Event(Event {
        type_id: Slug::new("meeting"),
        trigger: None,
        roles,
        date: None,
    }));
    let id = meeting.id;
    let tx = Transaction::new("meeting")
        .with(Edit::add_annotation(doc, nam))
        .with(Edit::add_annotation(doc, time))
        .with(Edit::add_annotation(doc, meeting));
    s.commit(tx).unwrap();
    s.save().unwrap();
    (file, doc, id, at("Nam Il"))
}

/// Item 5: a jump from the timeline into another document scrolls the reader to the event
/// (an event without a trigger: to its fillers), at both widths.
#[test]
fn a_jump_into_another_document_scrolls_to_the_event() {
    for size in [NARROW, WIDE] {
        let tmp = tempfile::tempdir().unwrap();
        let (file, doc, meeting, nam) = two_documents(tmp.path());
        let mut h = open(&file, size);
        assert_ne!(
            h.state().state.doc,
            Some(doc),
            "the short document is open first"
        );
        h.get_by_label("View").click();
        h.run_steps(2);
        h.get_by_label("Timeline").click();
        h.run_steps(30);
        let pos = h
            .state()
            .views
            .timeline
            .event_pos(meeting)
            .expect("the meeting is on the timeline");
        h.hover_at(pos);
        h.run_steps(1);
        h.drag_at(pos);
        h.run_steps(1);
        h.drop_at(pos);
        h.run_steps(8);
        assert_eq!(h.state().state.doc, Some(doc));
        assert_eq!(h.state().state.selected, Some(meeting));
        assert!(
            h.state().reader.char_rect(nam).is_some(),
            "at {}: the reader shows Nam Il (line 300), first line shown {}",
            size[0],
            h.state().reader.first_visible_line
        );
    }
}

/// Smaller: the reader keeps its place when the find bar closes, a panel is resized, or
/// edit mode shows its banner (which no longer pushes the text down).
#[test]
fn the_reader_keeps_its_place() {
    let tmp = tempfile::tempdir().unwrap();
    let (file, doc, _, _) = two_documents(tmp.path());
    let mut h = open(&file, WIDE);
    h.state_mut()
        .state
        .push(marginalia::app::Message::SelectDocument(doc));
    steps(&mut h);
    h.state_mut()
        .state
        .push(marginalia::app::Command::CycleRegion(true));
    steps(&mut h);
    for _ in 0..6 {
        h.key_press(Key::PageDown);
        h.run_steps(2);
    }
    h.run_steps(3);
    let line = h.state().reader.first_visible_line;
    assert!(line > 50, "paged down to line {line}");
    let probe = h.state().reader.first_visible_offset.unwrap() + 200;
    let before = support::gui::char_rect(&h, probe);
    // Find bar opened and closed.
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    steps(&mut h);
    h.key_press(Key::Escape);
    h.run_steps(6);
    assert!(!h.state().state.find.open);
    let after = h.state().reader.first_visible_line;
    assert!(after.abs_diff(line) <= 1, "find bar: {line} → {after}");
    // Edit mode on: the text does not move under the pointer.
    let at = support::gui::char_rect(&h, probe);
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run_steps(4);
    assert!(h.state().state.text_editing);
    let moved = support::gui::char_rect(&h, probe);
    assert!(
        (moved.top() - at.top()).abs() < 1.0,
        "the banner moved the text from {} to {}",
        at.top(),
        moved.top()
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run_steps(4);
    // The right column dragged 200 points wider: the text re-wraps, the top line stays.
    let right = h.state().panel_rects.right.unwrap();
    let edge = egui::pos2(right.min.x + 1.0, right.center().y);
    h.hover_at(edge);
    h.run_steps(1);
    h.drag_at(edge);
    h.run_steps(1);
    for dx in [50.0, 100.0, 150.0, 200.0] {
        h.hover_at(edge - egui::vec2(dx, 0.0));
        h.run_steps(1);
    }
    h.drop_at(edge - egui::vec2(200.0, 0.0));
    h.run_steps(8);
    let resized = h.state().reader.first_visible_line;
    assert!(resized.abs_diff(line) <= 1, "resize: {line} → {resized}");
    let _ = before;
}

/// Item 2: Project ▸ Add documents adds a file from outside the project: copied into
/// sources/ (never over a different file of that name), and one line says so.
#[test]
fn documents_from_outside_are_copied_in_and_said_so() {
    let tmp = tempfile::tempdir().unwrap();
    let file = with_people(tmp.path());
    let outside = tempfile::tempdir().unwrap();
    let letter = outside.path().join("letter.txt");
    std::fs::write(&letter, "Dear Sir,\nthe talks resume tomorrow.\n").unwrap();
    // A different file of that name is already in the project: it is kept.
    std::fs::write(tmp.path().join("sources/letter.txt"), "mine\n").unwrap();
    let mut h = open(&file, NARROW);
    let docs = project(&h).documents.len();
    h.state_mut()
        .state
        .push(marginalia::app::Message::AddDocuments(vec![letter.clone()]));
    steps(&mut h);
    assert_eq!(project(&h).documents.len(), docs + 1);
    let status = h.state().state.status.clone();
    assert!(
        status.contains("Added 1 document.")
            && status.contains("Copied from outside the project: letter.txt as sources/letter-2.txt (that name was taken)"),
        "{status}"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("sources/letter.txt")).unwrap(),
        "mine\n"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("sources/letter-2.txt")).unwrap(),
        "Dear Sir,\nthe talks resume tomorrow.\n"
    );
    // The new-documents window says it too (as does the status bar).
    assert_eq!(
        h.query_all_by_label_contains("Copied from outside the project")
            .count(),
        2
    );
    h.get_by_label("Keep as they are").click();
    steps(&mut h);
    assert!(h.state().state.dialog.is_none());
}

/// Item 6: Esc in a drop-down of the new-documents window closes the drop-down only; Esc
/// with titles typed asks before dropping them.
#[test]
fn esc_in_a_drop_down_keeps_the_new_documents_window() {
    let tmp = tempfile::tempdir().unwrap();
    let file = with_people(tmp.path());
    let (a, b) = (
        tmp.path().join("sources/a.md"),
        tmp.path().join("sources/b.md"),
    );
    std::fs::write(&a, "# Minutes of the first session\n\ntext\n").unwrap();
    std::fs::write(&b, "# Minutes of the second session\n\ntext\n").unwrap();
    let mut h = open(&file, NARROW);
    h.state_mut()
        .state
        .push(marginalia::app::Message::AddDocuments(vec![a, b]));
    steps(&mut h);
    h.get_by_label("Titles from first lines").click();
    steps(&mut h);
    // Markdown's "# " is not part of the title.
    let title = h.get_by_label("Title of a.md").value().unwrap_or_default();
    assert_eq!(title, "Minutes of the first session");
    h.get_by_label("Status of a.md").click();
    steps(&mut h);
    assert!(egui::Popup::is_any_open(&h.ctx), "the status list is open");
    h.key_press(Key::Escape);
    steps(&mut h);
    assert!(!egui::Popup::is_any_open(&h.ctx), "Esc closed the list");
    assert!(
        matches!(
            h.state().state.dialog,
            Some(marginalia::app::Dialog::NewDocuments(_))
        ),
        "and only the list"
    );
    // Esc again, with titles typed: asked first; "Go back" keeps them.
    h.key_press(Key::Escape);
    steps(&mut h);
    h.get_by_label_contains("Drop the titles and status you typed");
    h.get_by_label("Go back to the titles").click();
    steps(&mut h);
    h.key_press(Key::Enter);
    steps(&mut h);
    assert!(h.state().state.dialog.is_none());
    let titles: Vec<String> = project(&h)
        .documents
        .values()
        .map(|d| d.meta.title.clone())
        .collect();
    assert!(
        titles.contains(&"Minutes of the second session".to_owned()),
        "{titles:?}"
    );
}

/// Item 7: "Create entry" names the entry after the mention, not after a search for part
/// of it; a region with no words offers no entry without a name.
#[test]
fn a_new_entry_is_named_after_the_mention() {
    let tmp = tempfile::tempdir().unwrap();
    let file = with_people(tmp.path());
    let mut h = open(&file, WIDE);
    let t = support::gui::offset_of(&cable(), "Number05");
    let r = support::gui::char_rect(&h, t + 2);
    click_at(&mut h, r);
    let field = h.get_by_label("Link to entry").rect();
    click_at(&mut h, field);
    h.get_by_label("Link to entry").type_text("Numb");
    h.run_steps(2);
    h.get_by_label("Create entry “Number05”").click();
    steps(&mut h);
    let p = project(&h);
    let entry = selected(&h).as_mention().unwrap().entry.unwrap();
    assert_eq!(p.registry[&entry].name, "Number05");
    assert_eq!(
        marginalia::app::panels::inspector::new_entry_name("", ""),
        None,
        "a region with nothing typed has no name to give"
    );
}

/// Item 8: the export window shows every format at 700 points (the row wraps), a second
/// export to the same folder offers a control to replace the files, and the message wraps.
#[test]
fn the_export_window_wraps_and_offers_to_replace() {
    let tmp = tempfile::tempdir().unwrap();
    let file = with_people(tmp.path());
    let out = tempfile::tempdir().unwrap();
    let mut h = open(&file, NARROW);
    h.get_by_label("Project").click();
    h.run_steps(2);
    h.get_by_label("Export…").click();
    steps(&mut h);
    for e in marginalia::interchange::formats::exporters() {
        let r = h.get_by_label(e.label()).rect();
        assert!(r.max.x <= NARROW[0], "{} is in view: {r:?}", e.label());
    }
    assert_layout(&h, NARROW, "export window");
    let export = |h: &mut Harness<'_, App>| {
        h.state_mut().state.push(marginalia::app::Message::Export {
            format: "csv".into(),
            out: out.path().to_path_buf(),
            overwrite: false,
        });
        h.run_steps(2);
        support::gui::run_until(h, "the export", |app| !app.interchange.busy());
    };
    export(&mut h);
    assert!(h.state().interchange.last_export().is_some());
    export(&mut h);
    assert!(h.state().interchange.last_export().is_none(), "refused");
    h.get_by_label_contains("already holds files of an earlier export");
    assert!(
        !h.state().state.status.contains("--force"),
        "{}",
        h.state().state.status
    );
    assert_layout(&h, NARROW, "export refused");
    h.get_by_label("Replace them and export").click();
    support::gui::run_until(&mut h, "the export", |app| {
        app.interchange.last_export().is_some()
    });
}

/// Item 10: a message closes with Enter or Esc; a damaged project file names its line and
/// the .bak beside it; a missing path says so in words.
#[test]
fn messages_close_with_keys_and_say_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let file = with_people(tmp.path());
    // The project file damaged after a save that kept a .bak.
    std::fs::copy(
        &file,
        tmp.path().join(format!(
            "{}.bak",
            file.file_name().unwrap().to_string_lossy()
        )),
    )
    .unwrap();
    std::fs::write(&file, "(format_version: 1,\n  info: (\n  oops\n").unwrap();
    let mut h = support::gui::harness_dt(App::with_project(Prefs::default(), &file), NARROW, 0.25);
    h.run_steps(3);
    let Some(marginalia::app::Dialog::Message(m)) = h.state().state.dialog.clone() else {
        panic!("an error is shown");
    };
    assert!(m.contains("is damaged at line"), "{m}");
    assert!(m.contains(".bak"), "{m}");
    assert_layout(&h, NARROW, "the message");
    h.key_press(Key::Enter);
    steps(&mut h);
    assert!(h.state().state.dialog.is_none(), "Enter closed it");
    h.state_mut().state.push(marginalia::app::Message::Open(
        tmp.path().join("gone.marginalia.ron"),
    ));
    steps(&mut h);
    let Some(marginalia::app::Dialog::Message(m)) = h.state().state.dialog.clone() else {
        panic!("an error is shown");
    };
    assert!(!m.contains("os error"), "{m}");
    h.key_press(Key::Escape);
    steps(&mut h);
    assert!(h.state().state.dialog.is_none(), "Esc closed it");
}

/// Smaller: the command palette highlights the row Enter runs, moves it with the arrows,
/// and "meet" no longer finds "Smaller text".
#[test]
fn the_palette_shows_the_row_enter_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let file = with_people(tmp.path());
    let mut h = open(&file, NARROW);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::P);
    steps(&mut h);
    h.get_by_label("Command").type_text("show");
    steps(&mut h);
    // The highlighted row is marked for screen readers as toggled on, and it is the first.
    let on = |h: &Harness<'_, App>| -> Vec<String> {
        // (The document list marks the open document the same way.)
        h.query_all_by(|n| n.toggled() == Some(egui::accesskit::Toggled::True))
            .map(|n| n.accesskit_node().label().unwrap_or_default())
            .filter(|l| !l.starts_with("Telegram"))
            .collect()
    };
    let highlighted = on(&h);
    assert_eq!(highlighted.len(), 1, "{highlighted:?}");
    assert!(highlighted[0].starts_with("Show/hide"), "{highlighted:?}");
    h.key_press(Key::ArrowDown);
    steps(&mut h);
    let second = on(&h);
    assert_eq!(second.len(), 1);
    assert_ne!(second, highlighted, "Down moved the highlight");
    // Enter runs the highlighted row.
    let before = h.state().state.prefs.clone();
    h.key_press(Key::Enter);
    steps(&mut h);
    assert!(!h.state().state.palette_open);
    let after = &h.state().state.prefs;
    assert!(
        (
            before.show_documents,
            before.show_inspector,
            before.show_registry
        ) != (
            after.show_documents,
            after.show_inspector,
            after.show_registry
        ) || before.show_pages != after.show_pages
            || before.show_transcription != after.show_transcription,
        "{second:?} ran"
    );
    // Loose matches are gone: "meet" finds the meeting, not "Smaller text".
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::P);
    steps(&mut h);
    h.get_by_label("Command").type_text("meet");
    steps(&mut h);
    assert!(h.query_by_label_contains("Smaller text").is_none());
    assert_eq!(on(&h).len(), 1);
    h.key_press(Key::Escape);
    steps(&mut h);
    assert!(!h.state().state.palette_open);
}

/// Smaller: with no project open the status bar does not claim "All changes saved".
#[test]
fn no_project_is_not_all_changes_saved() {
    let mut h = support::gui::harness(App::new(Prefs::default()), NARROW);
    h.run_steps(3);
    assert!(h.query_by_label("All changes saved").is_none());
    h.get_by_label("No project open");
}

/// Types into the field labelled `label` as a hand does: click it, select all, type, Tab.
fn fill(h: &mut Harness<'_, App>, label: &str, text: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run_steps(3);
    let r = h.get_by_label(label).rect();
    click_at(h, r);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(1);
    h.get_by_label(label).type_text(text);
    h.run_steps(1);
    h.key_press(Key::Tab);
    steps(h);
}

/// The field table (docs/window.md): fields that were reachable only by editing RON now
/// have a control — the project's name and description, a document's number and id in its
/// edition, page images (moved, removed), page breaks (number, image, removed), a type's
/// description, "dated" and "symmetric", an entry's coordinates and an alias's note.
#[test]
fn every_field_has_a_control_in_the_window() {
    let tmp = tempfile::tempdir().unwrap();
    let file = with_people(tmp.path());
    // Two page images and a page break.
    std::fs::create_dir_all(tmp.path().join("scans")).unwrap();
    for n in ["p1.png", "p2.png"] {
        std::fs::write(
            tmp.path().join("scans").join(n),
            support::images::encoded(image::ImageFormat::Png),
        )
        .unwrap();
    }
    {
        let mut s = Session::open(&file).unwrap();
        let doc = *s.project.documents.keys().next().unwrap();
        let before = s.project.documents[&doc].meta.clone();
        let mut after = before.clone();
        after.images = vec![
            RelPath::parse("scans/p1.png").unwrap(),
            RelPath::parse("scans/p2.png").unwrap(),
        ];
        after.archival.page_breaks = vec![PageBreak {
            offset: 20,
            n: String::new(),
            facs: String::new(),
        }];
        let mut place = Entry::new(Slug::new("place"), "Kaesong");
        place.aliases.push(Alias {
            name: "Kaijo".into(),
            kind: AliasKind::Variant,
            note: String::new(),
        });
        let tx = Transaction::new("pages")
            .with(Edit::DocumentMeta {
                before: Box::new(before),
                after: Box::new(after),
            })
            .with(Edit::add_entry(place));
        s.commit(tx).unwrap();
        s.save().unwrap();
    }
    let mut h = open(&file, WIDE);
    let doc = h.state().state.doc.unwrap();
    h.get_by_label("Project").click();
    h.run_steps(2);
    h.get_by_label("Document metadata…").click();
    steps(&mut h);
    // The document: number and id in its edition, its date as a range.
    fill(&mut h, "Document date", "1951-07-10 – 1951-07-11");
    fill(&mut h, "Number in the edition", "2");
    fill(&mut h, "Id in the edition", "d2");
    h.get_by_label("Apply").click();
    steps(&mut h);
    let meta = |h: &Harness<'_, App>| project(h).documents[&doc].meta.clone();
    assert_eq!(meta(&h).archival.number, "2");
    assert_eq!(meta(&h).archival.source_id, "d2");
    assert_eq!(
        meta(&h).archival.date,
        Some(NormalizedDate::range("1951-07-10", "1951-07-11"))
    );
    // Page images: the second moved up, then the first (now p2) removed.
    h.get_by_label("Move page 2 up").click();
    steps(&mut h);
    assert_eq!(meta(&h).images[0].as_str(), "scans/p2.png");
    h.get_by_label("Remove page 1 from the document (the file stays)")
        .click();
    steps(&mut h);
    assert_eq!(meta(&h).images.len(), 1);
    assert!(tmp.path().join("scans/p2.png").exists(), "the file stays");
    // The page break: its printed number and image, then removed.
    fill(&mut h, "page", "563");
    assert_eq!(meta(&h).archival.page_breaks[0].n, "563");
    h.get_by_label("Remove the page break at line 1").click();
    steps(&mut h);
    assert!(meta(&h).archival.page_breaks.is_empty());
    // The project's name and description.
    fill(&mut h, "Project name", "Kaesong talks");
    let r = h.get_by_label("Project description").rect();
    click_at(&mut h, r);
    h.get_by_label("Project description").type_text("July 1951");
    h.run_steps(1);
    h.get_by_label("Apply to the project").click();
    steps(&mut h);
    assert_eq!(project(&h).info.name, "Kaesong talks");
    assert_eq!(project(&h).info.description, "July 1951");
    h.get_by_label("Close metadata").click();
    steps(&mut h);

    // The schema: a type's description, "dated", "symmetric".
    h.get_by_label("Project").click();
    h.run_steps(2);
    h.get_by_label("Schema editor…").click();
    steps(&mut h);
    fill(&mut h, "Description of Topic", "What a point is about.");
    let schema = |h: &Harness<'_, App>| project(h).schema.clone();
    assert_eq!(
        schema(&h).entity(&Slug::new("topic")).unwrap().description,
        "What a point is about."
    );
    h.get_by_label("Topic mentions have a date").scroll_to_me();
    h.run_steps(3);
    h.get_by_label("Topic mentions have a date").click();
    steps(&mut h);
    assert!(schema(&h).entity(&Slug::new("topic")).unwrap().dated);
    h.get_by_label("Close schema editor").click();
    steps(&mut h);
    // Relation types are on their own tab.
    h.state_mut()
        .state
        .push(marginalia::app::Command::ToggleSchemaEditor);
    steps(&mut h);
    h.get_by_label("Relation types").click();
    steps(&mut h);
    h.get_by_label("Member of reads the same both ways")
        .scroll_to_me();
    h.run_steps(3);
    h.get_by_label("Member of reads the same both ways").click();
    steps(&mut h);
    assert!(
        schema(&h)
            .relation(&Slug::new("member_of"))
            .unwrap()
            .symmetric
    );
    h.get_by_label("Close schema editor").click();
    steps(&mut h);

    // The registry: a place's coordinates and an alias's note.
    let kaesong = *project(&h)
        .registry
        .iter()
        .find(|(_, e)| e.name == "Kaesong")
        .unwrap()
        .0;
    h.state_mut()
        .state
        .push(marginalia::app::Message::OpenEntry(Some(kaesong)));
    steps(&mut h);
    fill(&mut h, "Coordinates", "37.97, 126.55");
    assert_eq!(
        project(&h).registry[&kaesong].coordinates,
        Some(marginalia::model::registry::Coordinates {
            lat: 37.97,
            lon: 126.55
        })
    );
    fill(&mut h, "Note on Kaijo", "Japanese reading");
    assert_eq!(
        project(&h).registry[&kaesong].aliases[0].note,
        "Japanese reading"
    );
    // Every one of these is one step of undo.
    let undo_label = session_undo_label(&h);
    assert!(
        undo_label.contains("Kaijo") || undo_label.contains("alias"),
        "{undo_label}"
    );
}

fn session_undo_label(h: &Harness<'_, App>) -> String {
    support::gui::session(h)
        .history
        .undo_label()
        .unwrap_or_default()
        .to_owned()
}

/// Clicks the control labelled `label` after scrolling it into view.
fn press(h: &mut Harness<'_, App>, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run_steps(3);
    let r = h.get_by_label(label).rect();
    click_at(h, r);
}

/// The other rows of the field table, each changed through its control with the pointer:
/// schema types, colours, roles and attributes; an annotation's certainty, note, attribute
/// value, an event's trigger and date; an entry's alias and authority id; a page break; a
/// document's status.
#[test]
fn the_other_fields_each_change_through_their_control() {
    let tmp = tempfile::tempdir().unwrap();
    let file = with_people(tmp.path());
    let mut h = open(&file, WIDE);
    let doc = h.state().state.doc.unwrap();
    let schema = |h: &Harness<'_, App>| project(h).schema.clone();
    h.state_mut()
        .state
        .push(marginalia::app::Command::ToggleSchemaEditor);
    steps(&mut h);
    // A new entity type, then its colour.
    fill(&mut h, "Name", "Ship");
    press(&mut h, "Add entity type");
    let ship = schema(&h)
        .entity_types
        .iter()
        .find(|t| t.label == "Ship")
        .map(|t| t.id.clone())
        .expect("the type was added");
    fill(&mut h, "Color of Ship", "#123456");
    assert_eq!(schema(&h).entity(&ship).unwrap().color, "#123456");
    // A role of Meeting.
    press(&mut h, "Event types");
    press(&mut h, "Roles of Meeting (8)");
    press(&mut h, "Add a role to Meeting");
    fill(&mut h, "Role name", "Interpreter");
    press(&mut h, "Save role");
    let has_role = |h: &Harness<'_, App>, label: &str| {
        schema(h)
            .event(&Slug::new("meeting"))
            .unwrap()
            .roles
            .iter()
            .any(|r| r.label == label)
    };
    assert!(has_role(&h, "Interpreter"));
    // Edited (renamed), then removed: no event fills it.
    press(&mut h, "Edit role Interpreter");
    fill(&mut h, "Role name", "Translator");
    press(&mut h, "Save role");
    assert!(has_role(&h, "Translator") && !has_role(&h, "Interpreter"));
    press(&mut h, "Remove role Translator");
    press(&mut h, "Remove it");
    assert!(!has_role(&h, "Translator"));
    // An attribute for every type (text).
    press(&mut h, "Attributes");
    fill(&mut h, "Attribute name", "Spelling in the original");
    press(&mut h, "Add attribute");
    assert!(
        schema(&h)
            .attributes
            .iter()
            .any(|a| a.label == "Spelling in the original")
    );
    press(&mut h, "Close schema editor");

    // A mention's certainty, note and attribute value.
    let t = support::gui::offset_of(&cable(), "Number05");
    let r = support::gui::char_rect(&h, t + 2);
    click_at(&mut h, r);
    press(&mut h, "Certainty");
    press(&mut h, "low");
    assert_eq!(selected(&h).cert, Some(Certainty::Low));
    fill(&mut h, "Note", "Name garbled in the cable");
    assert_eq!(selected(&h).note, "Name garbled in the cable");
    fill(&mut h, "Spelling in the original", "Намбер");
    assert_eq!(
        selected(&h)
            .attributes
            .values()
            .next()
            .map(|v| v.to_string()),
        Some("Намбер".to_owned())
    );

    // An event: trigger from the selection, an explicit date.
    select_text(&mut h, "meeting");
    h.key_press(Key::M);
    steps(&mut h);
    let meeting = selected(&h).id;
    select_text(&mut h, "resumed");
    press(&mut h, "Move “meeting” here (Ctrl+R)");
    let ev = project(&h).annotation(doc, meeting).unwrap().clone();
    assert_eq!(ev.anchor().unwrap().quote.exact, "resumed");
    fill(&mut h, "Explicit date", "1951-07-14");
    assert_eq!(
        project(&h)
            .annotation(doc, meeting)
            .unwrap()
            .as_event()
            .unwrap()
            .date,
        Some(NormalizedDate::when("1951-07-14"))
    );

    // An entry: an alias and an authority id.
    let t = support::gui::offset_of(&cable(), "Number06");
    let r = support::gui::char_rect(&h, t + 2);
    click_at(&mut h, r);
    fill(&mut h, "Link to entry", "Delegate Six");
    press(&mut h, "Create entry “Delegate Six”");
    press(&mut h, "Entry page");
    fill(&mut h, "New alias", "D6");
    press(&mut h, "Add alias");
    fill(&mut h, "Id or URL", "Q42");
    press(&mut h, "Add id");
    let e = project(&h)
        .registry
        .values()
        .find(|e| e.name == "Delegate Six")
        .unwrap()
        .clone();
    assert_eq!(e.aliases[0].name, "D6");
    assert_eq!(e.authority.len(), 1);
    press(&mut h, "Close page");

    // A page break at the caret, from the menu; the document's status.
    let r = support::gui::char_rect(&h, 30);
    click_at(&mut h, r);
    h.get_by_label("Annotate").click();
    h.run_steps(2);
    h.get_by_label("Page break at caret").click();
    steps(&mut h);
    assert_eq!(
        project(&h).documents[&doc].meta.archival.page_breaks.len(),
        1
    );
    h.get_by_label("Project").click();
    h.run_steps(2);
    h.get_by_label("Document metadata…").click();
    steps(&mut h);
    press(&mut h, "Status");
    press(&mut h, "Done");
    press(&mut h, "Apply");
    assert_eq!(project(&h).documents[&doc].meta.status, DocStatus::Done);
    press(&mut h, "Close metadata");
    // An event the text only implies, made from the menu with nothing selected, then given
    // a trigger from a selection.
    h.key_press(Key::Escape);
    h.key_press(Key::Escape);
    steps(&mut h);
    h.state_mut().state.selected = None;
    h.get_by_label("Annotate").click();
    h.run_steps(2);
    h.get_by_label("New Meeting event").click();
    steps(&mut h);
    let implied = selected(&h);
    assert!(implied.anchor().is_none(), "no trigger yet");
    select_text(&mut h, "spoke");
    press(&mut h, "Trigger := selection");
    assert_eq!(
        project(&h)
            .annotation(doc, implied.id)
            .unwrap()
            .anchor()
            .unwrap()
            .quote
            .exact,
        "spoke"
    );
}

/// The one node labelled `label` inside the floating window whose title starts with
/// `window` (the inspector may show a field of the same name).
fn in_window(h: &Harness<'_, App>, window: &str, label: &str) -> egui::Rect {
    let w = h
        .query_all_by(|n| {
            n.role() == egui::accesskit::Role::Window
                && n.label().is_some_and(|l| l.starts_with(window))
        })
        .next()
        .unwrap_or_else(|| panic!("the window {window}"))
        .rect();
    h.query_all_by_label(label)
        .map(|n| n.rect())
        .find(|r| w.contains(r.center()))
        .unwrap_or_else(|| panic!("{label} in {window}"))
}

/// The rest of the field table: a role's fillers moved and removed, a link undone, an
/// entry renamed and retyped, an alias and an id removed, a relation reversed, a relation
/// type's arguments changed.
#[test]
fn list_items_move_go_and_turn_around() {
    let tmp = tempfile::tempdir().unwrap();
    let file = with_people(tmp.path());
    let mut h = open(&file, WIDE);
    let doc = h.state().state.doc.unwrap();
    // A meeting with three participants picked from the list.
    select_text(&mut h, "meeting");
    h.key_press(Key::M);
    steps(&mut h);
    let meeting = selected(&h).id;
    press(&mut h, "Add Participant…");
    for n in ["Number01", "Number02", "Number03"] {
        let prefix = format!("{n} · Person");
        let row = h
            .query_all_by(|x| x.label().is_some_and(|l| l.starts_with(&prefix)))
            .next()
            .unwrap()
            .rect();
        click_at(&mut h, row);
    }
    press(&mut h, "Done");
    let names = |h: &Harness<'_, App>| -> Vec<String> {
        let p = project(h);
        p.annotation(doc, meeting)
            .unwrap()
            .as_event()
            .unwrap()
            .roles[&Slug::new("participant")]
            .iter()
            .map(|t| p.target_label(doc, t))
            .collect()
    };
    assert_eq!(names(&h), ["Number01", "Number02", "Number03"]);
    press(&mut h, "Move Number03 up");
    assert_eq!(names(&h), ["Number01", "Number03", "Number02"]);
    press(&mut h, "Move Number01 down");
    assert_eq!(names(&h), ["Number03", "Number01", "Number02"]);
    press(&mut h, "Remove Number01 from Participant");
    assert_eq!(names(&h), ["Number03", "Number02"]);

    // A relation from Number05 to an organization, reversed (both ends may be either).
    select_text(&mut h, "Number08");
    h.key_press(Key::O);
    steps(&mut h);
    let t = support::gui::offset_of(&cable(), "Number05");
    let r = support::gui::char_rect(&h, t + 2);
    click_at(&mut h, r);
    let nam = selected(&h).id;
    h.state_mut()
        .state
        .push(marginalia::app::Command::AddRelation);
    steps(&mut h);
    press(&mut h, "New relation");
    press(&mut h, "Subordinate of");
    fill(&mut h, "Relation target", "Number08");
    let row = h
        .get_by_label_contains("Number08 · Organization · mention")
        .rect();
    click_at(&mut h, row);
    let rel = |h: &Harness<'_, App>| {
        project(h).documents[&doc]
            .annotations
            .values()
            .find_map(|a| a.as_relation().map(|r| (a.id, r.clone())))
            .expect("a relation")
    };
    let (p, r0) = (project(&h), rel(&h).1);
    assert_eq!(
        r0.from,
        Target::Annotation(nam),
        "{} → {}",
        p.target_label(doc, &r0.from),
        p.target_label(doc, &r0.to)
    );
    press(&mut h, "Number05 — subordinate of → Number08");
    assert_eq!(h.state().state.selected, Some(rel(&h).0));
    press(&mut h, "Reverse");
    assert_eq!(rel(&h).1.to, Target::Annotation(nam));

    // An entry: created, renamed, retyped, its alias and id removed, unlinked.
    click_at(&mut h, r);
    fill(&mut h, "Link to entry", "Delegate Five");
    press(&mut h, "Create entry “Delegate Five”");
    let entry = selected(&h).as_mention().unwrap().entry.unwrap();
    press(&mut h, "Entry page");
    fill(&mut h, "New alias", "D5");
    press(&mut h, "Add alias");
    fill(&mut h, "Id or URL", "Q42");
    press(&mut h, "Add id");
    let field = in_window(&h, "Entry:", "Name");
    click_at(&mut h, field);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(1);
    h.event(egui::Event::Text("Delegate No. 5".into()));
    h.run_steps(1);
    h.key_press(Key::Tab);
    steps(&mut h);
    assert_eq!(project(&h).registry[&entry].name, "Delegate No. 5");
    let ty = in_window(&h, "Entry:", "Type");
    click_at(&mut h, ty);
    let org = in_window(&h, "Entry:", "Organization");
    click_at(&mut h, org);
    assert_eq!(
        project(&h).registry[&entry].type_id.as_str(),
        "organization"
    );
    press(&mut h, "Remove alias D5");
    let remove_id = h
        .query_all_by(|n| {
            n.label()
                .is_some_and(|l| l.starts_with("Remove id") && l.ends_with("Q42"))
        })
        .next()
        .expect("the id's remove button")
        .rect();
    click_at(&mut h, remove_id);
    let e = project(&h).registry[&entry].clone();
    // (The old name stays as an alias: renaming keeps it findable.)
    assert!(
        e.aliases.iter().all(|a| a.name != "D5") && e.authority.is_empty(),
        "{e:?}"
    );
    press(&mut h, "Close page");
    press(&mut h, "Unlink");
    assert_eq!(selected(&h).as_mention().unwrap().entry, None);

    // A relation type's arguments: Member of may now start at a place too.
    h.state_mut()
        .state
        .push(marginalia::app::Command::ToggleSchemaEditor);
    steps(&mut h);
    press(&mut h, "Relation types");
    press(&mut h, "Edit arguments of Member of");
    let place = in_window(&h, "Schema", "Place");
    click_at(&mut h, place);
    press(&mut h, "Save arguments");
    assert!(
        project(&h)
            .schema
            .relation(&Slug::new("member_of"))
            .unwrap()
            .from
            .contains(&Slug::new("place"))
    );
}

/// Smaller: two meetings at overlapping times in one row of the timeline are drawn in two
/// lanes — each has its own place, and a click on each selects that one.
#[test]
fn overlapping_events_each_have_their_place_on_the_timeline() {
    let tmp = tempfile::tempdir().unwrap();
    let (file, doc, first, _) = two_documents(tmp.path());
    // A second meeting at the same time.
    let second = {
        let mut s = Session::open(&file).unwrap();
        let ev = s.project.annotation(doc, first).unwrap().clone();
        let mut copy = ev.clone();
        copy.id = AnnId::new();
        let id = copy.id;
        s.commit(Transaction::new("second").with(Edit::add_annotation(doc, copy)))
            .unwrap();
        s.save().unwrap();
        id
    };
    let mut h = open(&file, WIDE);
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label("Timeline").click();
    h.run_steps(30);
    let t = &h.state().views.timeline;
    let (a, b) = (t.event_pos(first).unwrap(), t.event_pos(second).unwrap());
    assert!((a.y - b.y).abs() > 10.0, "two lanes: {a:?} and {b:?}");
    for (pos, id) in [(a, first), (b, second)] {
        h.hover_at(pos);
        h.run_steps(1);
        h.drag_at(pos);
        h.run_steps(1);
        h.drop_at(pos);
        h.run_steps(6);
        assert_eq!(h.state().state.selected, Some(id));
    }
}

/// Smaller: a drop-down's label comes before it (left of the box), not after it.
#[test]
fn labels_sit_before_their_drop_downs() {
    let tmp = tempfile::tempdir().unwrap();
    let file = with_people(tmp.path());
    for size in [NARROW, WIDE] {
        let h = open(&file, size);
        for label in ["Sort", "Show"] {
            let combo = h
                .query_all_by(|n| {
                    n.role() == egui::accesskit::Role::ComboBox
                        && n.label().as_deref() == Some(label)
                })
                .next()
                .unwrap_or_else(|| panic!("the {label} drop-down"))
                .rect();
            let text = h
                .query_all_by(|n| {
                    n.role() == egui::accesskit::Role::Label
                        && (n.label().as_deref() == Some(label)
                            || n.value().as_deref() == Some(label))
                })
                .next()
                .unwrap_or_else(|| panic!("the {label} label"))
                .rect();
            assert!(
                text.max.x <= combo.min.x + 1.0 || text.max.y <= combo.min.y + 1.0,
                "at {}: {label} reads before its box: label {text:?}, box {combo:?}",
                size[0]
            );
        }
    }
}

/// Smaller: the answers to a question name roles by their labels ("Participant"), never by
/// their ids; a tagged date reaches the TEI export as `@when`.
#[test]
fn answers_name_roles_and_tagged_dates_reach_the_export() {
    let tmp = tempfile::tempdir().unwrap();
    let (file, _, _, _) = two_documents(tmp.path());
    let mut h = open(&file, WIDE);
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label("Questions").click();
    h.run_steps(10);
    press(&mut h, "Question");
    press(&mut h, "What happened on a date or in a period");
    fill(&mut h, "From date", "1951-07-10");
    press(&mut h, "Ask");
    h.run_steps(3);
    h.get_by_label_contains("Participant: Nam Il");
    assert!(
        h.query_by_label_contains("participant:").is_none()
            && h.query_by_label_contains("time:").is_none(),
        "no role ids"
    );
    // The date mention's normalized value is in the TEI as @when.
    let out = tempfile::tempdir().unwrap();
    let tei = marginalia::interchange::formats::exporter("tei").unwrap();
    let options = marginalia::interchange::export::ExportOptions {
        overwrite: false,
        project_dir: None,
    };
    tei.export(project(&h), out.path(), &options, &mut |_| {})
        .unwrap();
    let mut found = false;
    for e in walk(out.path()) {
        let t = std::fs::read_to_string(&e).unwrap_or_default();
        // Minute precision is no xsd:dateTime: TEI's @when-iso holds it.
        found |= t.contains("when-iso=\"1951-07-10T15:00\"");
    }
    assert!(found, "the TEI export carries @when");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
