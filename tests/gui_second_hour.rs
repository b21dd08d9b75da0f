//! Issue 22, "the second hour": each defect a historian met in an hour of real work, driven
//! through the window with real pointer events at widget positions and real keys, at 700 and
//! 1400 points wide. Each test fails without its fix.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "gui")]

mod support;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
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
        status.contains("Organization") && status.contains("within its kind"),
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
}
