//! Issue 22: the window holds its shape with real content. For every panel and window, at
//! 700 × 900 and 1400 × 900, with long content — a 300-character document title, forty
//! candidates for a role, a 120-character entry name, an event with twelve role fillers, a
//! dated mention, Cyrillic and Chinese — nothing leaves the window, no side panel grows past
//! its cap, and the reader keeps at least 45 % of the width. Panels and windows are opened
//! by command (the menus are tested elsewhere); what is asserted is where everything lands.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "gui")]

mod support;

use egui_kittest::Harness;
use marginalia::app::command::ViewKind;
use marginalia::app::layout::PanelRects;
use marginalia::app::{App, Command, Dialog, Message};
use marginalia::model::*;
use marginalia::session::Session;
use support::gui::{NARROW, WIDE, offset_of, open, outside_the_window, project_on_disk, steps};

const ENTRY_NAME_LEN: usize = 120;

fn title_300() -> String {
    let base = "Telegram from the Commander in Chief, United Nations Command (Ridgway), to the Joint Chiefs of Staff, on the fourth plenary session at Kaesong — Записка Ким Ир Сена 毛泽东 — ";
    base.chars().cycle().take(300).collect()
}

fn text() -> String {
    let mut s =
        String::from("The meeting resumed on 14 July 1951 and will continue tomorrow at 0800.\n");
    for i in 0..40 {
        s.push_str(&format!(
            "Delegate Number{i:02} spoke; Ким Ир Сен и 毛泽东 listened.\n"
        ));
    }
    s
}

/// The long-content project: returns the project file, the document, the mention linked to
/// the 120-character entry, the meeting with twelve participants, and the date mention.
fn rich(dir: &std::path::Path) -> (std::path::PathBuf, DocId, AnnId, AnnId, AnnId) {
    let text = text();
    let (file, ids) = project_on_disk(
        dir,
        "Layout",
        &[
            ("cable.txt", &text),
            ("записка-毛泽东.txt", "Короткая записка. 简短的说明。\n"),
        ],
    );
    let mut s = Session::open(&file).unwrap();
    let doc = ids[0];
    let t = s.project.documents[&doc].text.clone().unwrap();
    let mut d = s.project.documents[&doc].clone();
    d.meta.title = title_300();
    d.meta.archival.date = Some(NormalizedDate::when("1951-07-10"));
    let mut tx = Transaction::new("content").with(Edit::Document {
        before: Some(Box::new(s.project.documents[&doc].clone())),
        after: Some(Box::new(d)),
    });
    let long_name: String = "Nam Il, General, Chief Delegate of the Korean People's Army and the Chinese People's Volunteers at Kaesong, 1951–1953 "
        .chars()
        .cycle()
        .take(ENTRY_NAME_LEN)
        .collect();
    let entry = Entry::new(Slug::new("person"), long_name);
    let entry_id = entry.id;
    tx.push(Edit::add_entry(entry));
    let span = |needle: &str, nth: usize| {
        let start = text
            .match_indices(needle)
            .nth(nth)
            .map(|(b, _)| text[..b].chars().count())
            .unwrap();
        TextAnchor::span(&t, start, start + needle.chars().count()).unwrap()
    };
    let mut people = Vec::new();
    for i in 0..40 {
        let a = Annotation::new(Body::Mention(Mention {
            type_id: Slug::new("person"),
            anchor: span(&format!("Number{i:02}"), 0),
            entry: (i == 0).then_some(entry_id),
            date: None,
        }));
        people.push(a.id);
        tx.push(Edit::add_annotation(doc, a));
    }
    let date = Annotation::new(Body::Mention(Mention {
        type_id: Slug::new("date"),
        anchor: span("14 July 1951", 0),
        entry: None,
        date: Some(NormalizedDate::when("1951-07-14")),
    }));
    let date_id = date.id;
    tx.push(Edit::add_annotation(doc, date));
    let mut roles = std::collections::BTreeMap::new();
    roles.insert(
        Slug::new("participant"),
        people[..12]
            .iter()
            .map(|a| Target::Annotation(*a))
            .collect(),
    );
    roles.insert(Slug::new("time"), vec![Target::Annotation(date_id)]);
    let meeting = Annotation::new(Body::Event(Event {
        type_id: Slug::new("meeting"),
        trigger: Some(span("meeting", 0)),
        roles,
        date: None,
    }));
    let meeting_id = meeting.id;
    tx.push(Edit::add_annotation(doc, meeting));
    s.commit(tx).unwrap();
    s.save().unwrap();
    let _ = offset_of;
    (file, doc, people[0], meeting_id, date_id)
}

/// What is wrong with the layout now, in words (empty: nothing).
fn check(h: &Harness<'_, App>, size: [f32; 2], what: &str, panels_only: bool) -> Vec<String> {
    let mut bad = Vec::new();
    let r = h.state().panel_rects;
    let w = r.window.width();
    let at = format!("{what} at {}", size[0]);
    if h.state().state.session.is_some() && r.centre.width() < 0.45 * w - 1.0 {
        bad.push(format!(
            "{at}: the reader keeps {:.0} of {w:.0} points",
            r.centre.width()
        ));
    }
    if let Some(d) = r.documents
        && d.width() > PanelRects::docs_cap(w) + 1.0
    {
        bad.push(format!(
            "{at}: documents {:.0} wide, past their cap",
            d.width()
        ));
    }
    if let (Some(right), docs) = (r.right, r.documents.map_or(0.0, |d| d.width()))
        && right.width() > PanelRects::right_cap(w, docs) + 1.0
    {
        bad.push(format!(
            "{at}: right column {:.0} wide, past its cap",
            right.width()
        ));
    }
    for o in outside_the_window(h, size) {
        bad.push(format!("{at}: outside the window: {o}"));
    }
    for o in cut_at_windows(h) {
        bad.push(format!("{at}: cut at a window's edge: {o}"));
    }
    if panels_only {
        for (name, panel) in [("documents", r.documents), ("right column", r.right)] {
            let Some(panel) = panel else { continue };
            for o in cut_at(h, panel) {
                bad.push(format!("{at}: cut at the {name}'s edge: {o}"));
            }
        }
    }
    bad
}

/// Nodes inside a floating window that run past its right edge (cut off there).
fn cut_at_windows(h: &Harness<'_, App>) -> Vec<String> {
    use egui_kittest::kittest::{NodeT, Queryable};
    let mut out = Vec::new();
    for w in h.query_all_by(|n| n.role() == egui::accesskit::Role::Window) {
        let Some(wb) = w.accesskit_node().bounding_box() else {
            continue;
        };
        let title = w.accesskit_node().label().unwrap_or_default();
        for n in w.children_recursive() {
            let node = n.accesskit_node();
            if node.role() == egui::accesskit::Role::Splitter {
                continue;
            }
            let field_text = node.role() == egui::accesskit::Role::TextRun
                && node
                    .parent()
                    .is_some_and(|p| p.role() == egui::accesskit::Role::TextInput);
            let Some(b) = node.bounding_box() else {
                continue;
            };
            if !field_text && b.width() > 0.0 && b.x1 > wb.x1 + 1.0 {
                out.push(format!(
                    "{:?} “{}” to x {:.0} in “{title}” (to x {:.0})",
                    node.role(),
                    node.label().unwrap_or_default(),
                    b.x1,
                    wb.x1
                ));
            }
        }
    }
    out
}

/// Nodes that start inside `panel` but run past its right edge (cut off there).
fn cut_at(h: &Harness<'_, App>, panel: egui::Rect) -> Vec<String> {
    use egui_kittest::kittest::{NodeT, Queryable};
    h.query_all_by(|_| true)
        .filter_map(|n| {
            let node = n.accesskit_node();
            let b = node.bounding_box()?;
            let inside = f64::from(panel.min.x) - 1.0 <= b.x0
                && b.x0 < f64::from(panel.max.x)
                && f64::from(panel.min.y) <= b.y0
                && b.y0 < f64::from(panel.max.y);
            if node.role() == egui::accesskit::Role::Splitter {
                return None;
            }
            let text_of_field = node.role() == egui::accesskit::Role::TextRun
                && node
                    .parent()
                    .is_some_and(|p| p.role() == egui::accesskit::Role::TextInput);
            (inside && !text_of_field && b.width() > 0.0 && b.x1 > f64::from(panel.max.x) + 1.0)
                .then(|| {
                    format!(
                        "{:?} “{}” to x {:.0}",
                        node.role(),
                        node.label().unwrap_or_default(),
                        b.x1
                    )
                })
        })
        .collect()
}

/// One state of the window to check, set up on a freshly opened project.
#[derive(Clone, Debug)]
enum State {
    Start,
    Open,
    LinkedMention,
    EventFillingARole,
    DateMention,
    Find,
    View(ViewKind),
    Window(Command),
    EntryPage,
    NewDocuments,
    LongMessage,
    Palette,
}

fn setup(h: &mut Harness<'_, App>, s: &State, ids: (DocId, AnnId, AnnId, AnnId)) {
    let (doc, linked, meeting, date) = ids;
    let st = &mut h.state_mut().state;
    st.push(Message::SelectDocument(doc));
    match s {
        State::Start => {
            st.push(Command::Close);
        }
        State::Open => {}
        State::LinkedMention => st.push(Message::SelectAnnotation(Some(linked))),
        State::EventFillingARole => {
            st.push(Message::SelectAnnotation(Some(meeting)));
            st.push(Message::FillRole {
                event: meeting,
                role: Slug::new("participant"),
            });
        }
        State::DateMention => st.push(Message::SelectAnnotation(Some(date))),
        State::Find => {
            st.push(Command::Find);
            st.find.query = "Number".into();
            st.push(Command::FindInProject);
        }
        State::View(v) => st.push(Command::ShowView(*v)),
        State::Window(c) => st.push(c.clone()),
        State::EntryPage => {
            st.push(Message::SelectAnnotation(Some(linked)));
            let e = project_entry(st);
            st.push(Message::OpenEntry(e));
        }
        State::NewDocuments => {
            let dir = st.session.as_ref().unwrap().dir().to_path_buf();
            let f =
                dir.join("sources/новый-文件-with-a-rather-long-file-name-for-a-narrow-window.txt");
            std::fs::write(&f, format!("{}\n", title_300())).unwrap();
            st.push(Message::AddDocuments(vec![f]));
        }
        State::LongMessage => {
            st.dialog = Some(Dialog::Message(format!(
                "{}\nDetail: {}",
                title_300(),
                "/a/very/long/path/".repeat(12)
            )));
        }
        State::Palette => st.push(Command::Palette),
    }
    h.run_steps(12);
}

fn project_entry(st: &marginalia::app::AppState) -> Option<EntryId> {
    st.project()?.registry.keys().next().copied()
}

#[test]
fn every_panel_and_window_holds_its_shape_by_command() {
    let states = [
        State::Start,
        State::Open,
        State::LinkedMention,
        State::EventFillingARole,
        State::DateMention,
        State::Find,
        State::View(ViewKind::Timeline),
        State::View(ViewKind::Network),
        State::View(ViewKind::Concordance),
        State::View(ViewKind::Questions),
        State::View(ViewKind::Statistics),
        State::Window(Command::ExportDialog),
        State::Window(Command::ImportDialog),
        State::Window(Command::ToggleSchemaEditor),
        State::Window(Command::ToggleMetadata),
        State::Window(Command::ToggleLegend),
        State::Window(Command::ToggleProblems),
        State::Window(Command::About),
        State::Window(Command::ToggleConflicts),
        State::Window(Command::ToggleReview),
        State::EntryPage,
        State::NewDocuments,
        State::LongMessage,
        State::Palette,
    ];
    let mut bad = Vec::new();
    for size in [NARROW, WIDE] {
        for s in &states {
            let tmp = tempfile::tempdir().unwrap();
            let (file, doc, linked, meeting, date) = rich(tmp.path());
            let mut h = open(&file, size);
            setup(&mut h, s, (doc, linked, meeting, date));
            let panels_only = matches!(
                s,
                State::Open
                    | State::LinkedMention
                    | State::EventFillingARole
                    | State::DateMention
                    | State::View(_)
            );
            bad.extend(check(&h, size, &format!("{s:?}"), panels_only));
            let _ = steps;
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
