//! The Agreement window (issue 26), driven by clicks at real positions: View menu → "Show/hide
//! annotator agreement" opens a window whose tables show the numbers `model::agreement`
//! computes for the project's annotator layers; an edit in a layer updates them; Close
//! closes it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use marginalia::model::layers::Independence;
use marginalia::model::schema::{EntityType, EventType, RoleSlot};
use marginalia::model::*;
use marginalia::session::Session;
use support::gui::{NARROW, WIDE, click_at, open, project_on_disk, steps};

const TEXT: &str = "Пётр Ильич wrote to 毛泽东 from 北京 🎉 at the Cafe\u{301} Европа.\n";

/// A project with Ada's and Ben's layers of one document.
fn layered(dir: &std::path::Path) -> std::path::PathBuf {
    let (file, ids) = project_on_disk(dir, "Two readers", &[("letter.txt", TEXT)]);
    let mut s = Session::open(&file).unwrap();
    let doc = &s.project.documents[&ids[0]];
    let text = doc.text.clone().unwrap();
    let mut tx = Transaction::new("layers");
    for (who, ty, phrase) in [
        ("ada", "person", "Пётр Ильич"),
        ("ada", "person", "毛泽东"),
        ("ada", "place", "北京"),
        ("ben", "person", "Пётр Ильич"),
        ("ben", "place", "毛泽东"),
        ("ben", "place", "北京"),
    ] {
        let start = support::gui::offset_of(TEXT, phrase);
        let mut a = Annotation::new(Body::Mention(Mention {
            type_id: Slug::new(ty),
            anchor: TextAnchor::span(&text, start, start + phrase.chars().count()).unwrap(),
            entry: None,
            date: None,
        }));
        a.layer = Some(who.to_owned());
        tx = tx.with(Edit::Annotation {
            doc: ids[0],
            before: None,
            after: Some(Box::new(a)),
        });
    }
    let before = s.project.info.clone();
    let mut after = before.clone();
    after.independent = Some(Independence {
        all: true,
        ..Independence::default()
    });
    tx = tx.with(Edit::Info { before, after });
    s.commit(tx).unwrap();
    s.save().unwrap();
    file
}

/// The document shown in the reader (the project has one).
fn select_first_document(h: &mut egui_kittest::Harness<'_, marginalia::app::App>) {
    if h.state().state.doc.is_none() {
        let id = *support::gui::project(h).documents.keys().next().unwrap();
        h.state_mut()
            .state
            .push(marginalia::app::Message::SelectDocument(id));
        steps(h);
    }
}

fn open_agreement(h: &mut egui_kittest::Harness<'_, marginalia::app::App>) {
    use egui_kittest::kittest::Queryable;
    let view = h.get_by_label("View").rect();
    click_at(h, view);
    let item = h.get_by_label("Show/hide annotator agreement").rect();
    click_at(h, item);
    steps(h);
}

#[test]
fn the_agreement_window_opens_from_the_view_menu_and_shows_the_report() {
    use egui_kittest::kittest::Queryable;
    for size in [NARROW, WIDE] {
        let tmp = tempfile::tempdir().unwrap();
        let file = layered(tmp.path());
        let mut h = open(&file, size);
        assert!(h.query_by_label("Pairs").is_none());
        open_agreement(&mut h);
        assert!(h.state().state.agreement_open);
        let report =
            marginalia::app::panels::agreement::compute(&support::gui::project(&h).clone())
                .unwrap();
        for label in [
            "Overall",
            "Pairs",
            "Per type",
            "Per document",
            "ada / ben",
            "person",
            "place",
        ] {
            assert!(
                h.query_all_by_label(label).next().is_some(),
                "{label} at {size:?}"
            );
        }
        let kappa = format!("{:.3}", report.pairs[0].cohen_kappa.unwrap());
        assert!(
            h.query_all_by_label(&kappa).next().is_some(),
            "Cohen's κ {kappa}"
        );
        let fleiss = format!("{:.3}", report.fleiss_kappa.unwrap());
        assert!(
            h.query_all_by_label(&fleiss).next().is_some(),
            "Fleiss' κ {fleiss}"
        );
        // Ben corrects his type of 毛泽东: the window follows the project.
        let (doc, ann) = {
            let p = support::gui::project(&h);
            let d = p.documents.values().next().unwrap();
            let a = d
                .annotations
                .values()
                .find(|a| {
                    a.layer.as_deref() == Some("ben")
                        && a.type_id().0 == "place"
                        && a.anchor().unwrap().extent().start > 15
                        && a.anchor().unwrap().extent().start < 25
                })
                .unwrap();
            (d.id(), a.clone())
        };
        let mut after = ann.clone();
        if let Body::Mention(m) = &mut after.body {
            m.type_id = Slug::new("person");
        }
        let tx = Transaction::new("retype").with(Edit::Annotation {
            doc,
            before: Some(Box::new(ann)),
            after: Some(Box::new(after)),
        });
        h.state_mut()
            .state
            .session
            .as_mut()
            .unwrap()
            .commit(tx)
            .unwrap();
        steps(&mut h);
        let now = marginalia::app::panels::agreement::compute(support::gui::project(&h)).unwrap();
        assert!(now.pairs[0].cohen_kappa > report.pairs[0].cohen_kappa);
        let kappa = format!("{:.3}", now.pairs[0].cohen_kappa.unwrap());
        assert!(
            h.query_all_by_label(&kappa).next().is_some(),
            "updated κ {kappa}"
        );
        // The window's own Close button (the lowest of those so labelled).
        let close = h
            .query_all_by_label("Close")
            .map(|n| n.rect())
            .max_by(|a, b| a.top().total_cmp(&b.top()))
            .unwrap();
        click_at(&mut h, close);
        steps(&mut h);
        assert!(!h.state().state.agreement_open);
        assert!(h.query_by_label("Pairs").is_none());
    }
}

#[test]
fn without_layers_the_window_says_how_to_get_them() {
    use egui_kittest::kittest::Queryable;
    let tmp = tempfile::tempdir().unwrap();
    let (file, _) = project_on_disk(tmp.path(), "Alone", &[("a.txt", "Kim Il Sung\n")]);
    let mut h = open(&file, NARROW);
    open_agreement(&mut h);
    assert!(
        h.query_by_label_contains("has no annotator layers")
            .is_some(),
        "the reason is shown"
    );
}

/// Independent mode in the window: with Ada as the annotator, what she tags goes into her
/// layer (the selection is set and the tag command sent, as `tests/gui_annotator.rs` does).
#[test]
fn an_annotator_in_independent_mode_tags_into_their_own_layer_by_command() {
    let tmp = tempfile::tempdir().unwrap();
    let file = layered(tmp.path());
    let mut h = open(&file, WIDE);
    select_first_document(&mut h);
    h.state_mut().state.prefs.annotator = Some("ada".into());
    let start = support::gui::offset_of(TEXT, "Европа");
    {
        let st = &mut h.state_mut().state;
        st.sel = marginalia::app::Selection {
            anchor: start,
            caret: start + "Европа".chars().count(),
            fragments: Vec::new(),
        };
        st.push(marginalia::app::Command::TagAs(Slug::new("place")));
    }
    steps(&mut h);
    let p = support::gui::project(&h);
    let new = p
        .documents
        .values()
        .next()
        .unwrap()
        .annotations
        .values()
        .find(|a| a.anchor().is_some_and(|x| x.extent().start == start))
        .unwrap_or_else(|| panic!("the new mention; status: {}", h.state().state.status));
    assert_eq!(new.type_id().0, "place");
    assert_eq!(new.layer.as_deref(), Some("ada"));
}

/// Curation by clicks: View → Show/hide curation lists the places where the layers differ;
/// "Accept all where all agree" copies the two agreed mentions into the shared layer in one
/// step (with whose versions they were), an "Accept" on Ben's version of 毛泽东 adds his,
/// and Undo takes the last choice back.
#[test]
fn a_curator_accepts_agreed_mentions_and_one_version_and_undoes() {
    use egui_kittest::kittest::Queryable;
    let tmp = tempfile::tempdir().unwrap();
    let file = layered(tmp.path());
    let mut h = open(&file, WIDE);
    if h.state().state.doc.is_none() {
        let id = *support::gui::project(&h).documents.keys().next().unwrap();
        h.state_mut()
            .state
            .push(marginalia::app::Message::SelectDocument(id));
        steps(&mut h);
    }
    let view = h.get_by_label("View").rect();
    click_at(&mut h, view);
    let item = h.get_by_label("Show/hide curation").rect();
    click_at(&mut h, item);
    steps(&mut h);
    assert!(h.query_by_label_contains("type differs").is_some());
    let shared = |h: &egui_kittest::Harness<'_, marginalia::app::App>| -> Vec<Annotation> {
        support::gui::project(h)
            .documents
            .values()
            .flat_map(|d| d.annotations.values())
            .filter(|a| a.layer.is_none())
            .cloned()
            .collect()
    };
    let all = h.get_by_label("Accept all where all agree").rect();
    click_at(&mut h, all);
    steps(&mut h);
    let s = shared(&h);
    assert_eq!(s.len(), 2, "Пётр Ильич and 北京");
    assert!(s.iter().all(|a| a.adjudicated_from == ["ada", "ben"]));
    let ben = h.get_by_label("Accept ben's place “毛泽东”").rect();
    click_at(&mut h, ben);
    steps(&mut h);
    let s = shared(&h);
    assert_eq!(s.len(), 3);
    assert!(
        s.iter()
            .any(|a| a.adjudicated_from == ["ben"] && a.type_id().0 == "place")
    );
    h.state_mut().state.push(marginalia::app::Command::Undo);
    steps(&mut h);
    assert_eq!(shared(&h).len(), 2, "one Undo takes back one choice");
}

/// A 300-character type name and a long CJK quote in Ada's layer only, and an event in both
/// layers with different roles: the long content that must not push the window off screen.
fn with_long_content(file: &std::path::Path) {
    let mut s = Session::open(file).unwrap();
    let doc = s.project.documents.values().next().unwrap();
    let (id, text) = (doc.id(), doc.text.clone().unwrap());
    let long_type = "correspondent_".repeat(22);
    let long_label = "长".repeat(100) + &"Correspondent ".repeat(15);
    let europa = support::gui::offset_of(TEXT, "Европа");
    let mut m = Annotation::new(Body::Mention(Mention {
        type_id: Slug::new(&long_type),
        anchor: TextAnchor::span(&text, europa, europa + 6).unwrap(),
        entry: None,
        date: None,
    }));
    m.layer = Some("ada".into());
    let before = s.project.schema.clone();
    let mut after = before.clone();
    after.entity_types.push(EntityType {
        id: Slug::new(&long_type),
        label: long_label,
        color: "#336699".into(),
        hotkey: None,
        dated: false,
        description: String::new(),
    });
    after.event_types.push(EventType {
        id: Slug::new("letter"),
        label: "Letter".into(),
        color: "#996633".into(),
        hotkey: None,
        roles: ["sender", "author"]
            .into_iter()
            .map(|r| RoleSlot {
                id: Slug::new(r),
                label: r.into(),
                fillers: Vec::new(),
                min: 0,
                max: None,
            })
            .collect(),
        description: String::new(),
    });
    let mut tx = Transaction::new("long")
        .with(Edit::Schema {
            before: Box::new(before),
            after: Box::new(after),
        })
        .with(Edit::Annotation {
            doc: id,
            before: None,
            after: Some(Box::new(m)),
        });
    let wrote = support::gui::offset_of(TEXT, "wrote");
    for (who, role) in [("ada", "sender"), ("ben", "author")] {
        let piotr = doc
            .annotations
            .values()
            .find(|a| a.layer.as_deref() == Some(who) && a.anchor().unwrap().extent().start == 0)
            .unwrap()
            .id;
        let mut e = Annotation::new(Body::Event(Event {
            type_id: Slug::new("letter"),
            trigger: Some(TextAnchor::span(&text, wrote, wrote + 5).unwrap()),
            roles: [(Slug::new(role), vec![Target::Annotation(piotr)])]
                .into_iter()
                .collect(),
            date: None,
        }));
        e.layer = Some(who.into());
        tx = tx.with(Edit::Annotation {
            doc: id,
            before: None,
            after: Some(Box::new(e)),
        });
    }
    s.commit(tx).unwrap();
    s.save().unwrap();
}

fn open_curation(h: &mut egui_kittest::Harness<'_, marginalia::app::App>) {
    use egui_kittest::kittest::Queryable;
    let view = h.get_by_label("View").rect();
    click_at(h, view);
    let item = h.get_by_label("Show/hide curation").rect();
    click_at(h, item);
    steps(h);
}

fn shared_of(h: &egui_kittest::Harness<'_, marginalia::app::App>) -> Vec<Annotation> {
    support::gui::project(h)
        .documents
        .values()
        .flat_map(|d| d.annotations.values())
        .filter(|a| a.layer.is_none())
        .cloned()
        .collect()
}

/// The curation window side by side at 700 and 1400 px, by clicks at real positions: the
/// kinds are shown (type differs, roles differ, only some have it), nothing reaches past the
/// window's edge with a 300-character type name and CJK; a click on "type differs" shows
/// 毛泽东 in the reader; "Accept" on Ben's version, then on Ada's (which replaces Ben's),
/// the menu's Undo brings Ben's back; "Accept" on Ada's event brings its filler with it.
#[test]
fn a_curator_compares_side_by_side_accepts_replaces_and_undoes_at_two_widths() {
    use egui_kittest::kittest::Queryable;
    for size in [NARROW, WIDE] {
        let tmp = tempfile::tempdir().unwrap();
        let file = layered(tmp.path());
        with_long_content(&file);
        let mut h = open(&file, size);
        select_first_document(&mut h);
        open_curation(&mut h);
        for label in [
            "type differs",
            "roles differ",
            "only some have it",
            "all agree",
        ] {
            assert!(
                h.query_all_by_label(label).next().is_some(),
                "{label} at {size:?}"
            );
        }
        let out = support::gui::outside_the_window(&h, size);
        assert!(out.is_empty(), "cut off at {size:?}: {out:#?}");
        // A click on the difference shows it in the reader.
        let diff = h.get_by_label("type differs").rect();
        click_at(&mut h, diff);
        steps(&mut h);
        let mao = support::gui::offset_of(TEXT, "毛泽东");
        let sel = h.state().state.sel.clone();
        assert_eq!(
            (sel.anchor.min(sel.caret), sel.anchor.max(sel.caret)),
            (mao, mao + 3),
            "the reader selects 毛泽东 at {size:?}"
        );
        let ben = h.get_by_label("Accept ben's place “毛泽东”").rect();
        click_at(&mut h, ben);
        steps(&mut h);
        let s = shared_of(&h);
        assert_eq!(s.len(), 1);
        assert_eq!(
            (s[0].type_id().0.as_str(), s[0].adjudicated_from.as_slice()),
            ("place", &["ben".to_owned()][..])
        );
        let ada = h.get_by_label("Accept ada's person “毛泽东”").rect();
        click_at(&mut h, ada);
        steps(&mut h);
        let s = shared_of(&h);
        assert_eq!(s.len(), 1, "Ada's version replaces Ben's at {size:?}");
        assert_eq!(s[0].type_id().0, "person");
        // Undo from the Edit menu (the menu bar's, the topmost "Edit").
        let edit = h
            .query_all_by_label("Edit")
            .map(|n| n.rect())
            .min_by(|a, b| a.top().total_cmp(&b.top()))
            .unwrap();
        click_at(&mut h, edit);
        steps(&mut h);
        let undo = h.get_by_label_contains("Undo").rect();
        click_at(&mut h, undo);
        steps(&mut h);
        let s = shared_of(&h);
        assert_eq!(s.len(), 1);
        assert_eq!(
            s[0].type_id().0,
            "place",
            "one Undo brings Ben's back at {size:?}"
        );
        // Ada's event: accepted with its sender mention (Пётр Ильич) in one step. The wheel
        // over the list brings it into view.
        let over = h.get_by_label("type differs").rect().center();
        h.hover_at(over);
        h.run_steps(1);
        for _ in 0..4 {
            h.event(egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: egui::vec2(0.0, -400.0),
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Unknown,
                modifiers: egui::Modifiers::NONE,
            });
            h.run_steps(2);
        }
        let ev = h.get_by_label("Accept ada's letter “wrote”").rect();
        click_at(&mut h, ev);
        steps(&mut h);
        let s = shared_of(&h);
        assert_eq!(s.len(), 3, "the event and its filler at {size:?}");
        let e = s.iter().find(|a| a.type_id().0 == "letter").unwrap();
        let Body::Event(e) = &e.body else { panic!() };
        let Target::Annotation(f) = e.roles[&Slug::new("sender")][0] else {
            panic!()
        };
        assert!(s.iter().any(|a| a.id == f), "the filler is the shared copy");
    }
}

/// Independent mode with the pointer: Ada drags over “wrote” in the reader and presses L
/// (Place): the mention goes into her layer.
#[test]
fn an_annotator_drag_selects_and_tags_into_their_own_layer() {
    for size in [NARROW, WIDE] {
        let tmp = tempfile::tempdir().unwrap();
        let file = layered(tmp.path());
        let mut h = open(&file, size);
        select_first_document(&mut h);
        h.state_mut().state.prefs.annotator = Some("ada".into());
        steps(&mut h);
        let start = support::gui::offset_of(TEXT, "wrote");
        assert!(
            h.state().state.problems.is_empty(),
            "agreeing layers are not duplicates: {:?}",
            h.state().state.problems
        );
        support::gui::select_text(&mut h, "wrote");
        let sel = h.state().state.sel.clone();
        assert_eq!(
            (sel.anchor.min(sel.caret), sel.anchor.max(sel.caret)),
            (start, start + 5),
            "the drag selected “wrote” at {size:?}"
        );
        h.key_press(egui::Key::L);
        steps(&mut h);
        let p = support::gui::project(&h);
        let new: Vec<&Annotation> = p
            .documents
            .values()
            .flat_map(|d| d.annotations.values())
            .filter(|a| a.anchor().is_some_and(|x| x.extent().start == start))
            .collect();
        assert_eq!(new.len(), 1, "one new mention at {size:?}");
        assert_eq!(new[0].type_id().0, "place");
        assert_eq!(new[0].layer.as_deref(), Some("ada"));
    }
}

/// What a scholar annotating independently expects: the registry counts and lists only the
/// mentions they see (their own layer), the inspector does not show another annotator's
/// hidden mention, and with the Curation window open they see the curated layer instead.
#[test]
fn while_annotating_independently_registry_and_inspector_show_only_ones_own_layer() {
    use egui_kittest::kittest::Queryable;
    let tmp = tempfile::tempdir().unwrap();
    let file = layered(tmp.path());
    // Ada's and Ben's “Пётр Ильич” both linked to one entry.
    {
        let mut s = Session::open(&file).unwrap();
        let e = Entry::new(Slug::new("person"), "Tchaikovsky, Pyotr Ilyich");
        let eid = e.id;
        let doc = s.project.documents.values().next().unwrap();
        let mut tx = Transaction::new("link").with(Edit::Entry {
            before: None,
            after: Some(Box::new(e)),
        });
        for a in doc.annotations.values() {
            if a.anchor().unwrap().extent().start == 0 {
                let mut b = a.clone();
                if let Body::Mention(m) = &mut b.body {
                    m.entry = Some(eid);
                }
                tx = tx.with(Edit::Annotation {
                    doc: doc.id(),
                    before: Some(Box::new(a.clone())),
                    after: Some(Box::new(b)),
                });
            }
        }
        s.commit(tx).unwrap();
        s.save().unwrap();
    }
    let mut h = open(&file, WIDE);
    select_first_document(&mut h);
    let row = |n: usize| format!("Tchaikovsky, Pyotr Ilyich · Person · {n}");
    assert!(
        h.query_by_label_contains(&row(2)).is_some(),
        "without a name every layer counts"
    );
    h.state_mut().state.prefs.annotator = Some("ada".into());
    steps(&mut h);
    assert!(
        h.query_by_label_contains(&row(1)).is_some(),
        "Ada sees her one mention"
    );
    let bens = support::gui::project(&h)
        .documents
        .values()
        .flat_map(|d| d.annotations.values())
        .find(|a| a.layer.as_deref() == Some("ben"))
        .unwrap()
        .id;
    h.state_mut()
        .state
        .push(marginalia::app::Message::SelectAnnotation(Some(bens)));
    steps(&mut h);
    assert!(
        h.query_by_label_contains("is in ben's layer, hidden")
            .is_some()
    );
    // Curating: the curated layer (empty so far) is what counts.
    open_curation(&mut h);
    assert!(h.query_by_label_contains(&row(1)).is_none());
    assert!(h.query_by_label_contains(&row(2)).is_none());
}

/// For looking at the curation window in a real window (see docs/agreement.md): writes the
/// layered project with the long content into `$CURATION_SHOT_DIR` and prints where the View
/// menu, its curation item and the document are at 700 and 1400 px, for xdotool to click.
#[test]
#[ignore = "writes a project for a screenshot under Xvfb; run by hand"]
fn curation_screenshot_project() {
    use egui_kittest::kittest::Queryable;
    let Some(dir) = std::env::var_os("CURATION_SHOT_DIR") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = layered(&dir);
    with_long_content(&file);
    println!("project {}", file.display());
    for size in [NARROW, WIDE] {
        let mut h = open(&file, size);
        let doc = h
            .query_all_by_label_contains("letter")
            .next()
            .unwrap()
            .rect()
            .center();
        println!("{size:?} document {doc:?}");
        select_first_document(&mut h);
        let view_rect = h.get_by_label("View").rect();
        let view = view_rect.center();
        click_at(&mut h, view_rect);
        let item = h.get_by_label("Show/hide curation").rect().center();
        println!("{size:?} view {view:?} item {item:?}");
    }
}
