//! How the reader looks and what it offers (issue 11, items 5, 7, 12): the default palette
//! stays distinguishable (also simulated for deuteranopia and protanopia), the legend lists
//! every type with its hotkey, the "Tag as" popup offers event types, the tag-all dialog
//! has a type chooser, and every find hit in view is highlighted.
#![allow(clippy::unwrap_used)]

use marginalia::model::Schema;
use marginalia::model::schema::parse_color;

#[cfg(feature = "gui")]
mod support;

/// sRGB (0–255) to linear light.
fn linear(c: u8) -> f64 {
    let c = f64::from(c) / 255.0;
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// CIE L*a*b* (D65) of linear RGB.
fn lab(rgb: [f64; 3]) -> [f64; 3] {
    let [r, g, b] = rgb.map(|v| v.clamp(0.0, 1.0));
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f64| {
        if t > 0.008856 {
            t.cbrt()
        } else {
            7.787 * t + 16.0 / 116.0
        }
    };
    [
        116.0 * f(y) - 16.0,
        500.0 * (f(x) - f(y)),
        200.0 * (f(y) - f(z)),
    ]
}

/// Machado et al. (2009) full-severity simulation matrices, on linear RGB.
const DEUTERANOPIA: [[f64; 3]; 3] = [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.011820, 0.042940, 0.968881],
];
const PROTANOPIA: [[f64; 3]; 3] = [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
];
const NORMAL: [[f64; 3]; 3] = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];

fn seen(hex: &str, m: &[[f64; 3]; 3]) -> [f64; 3] {
    let [r, g, b] = parse_color(hex).unwrap_or_else(|| panic!("bad colour {hex}"));
    let l = [linear(r), linear(g), linear(b)];
    lab([0, 1, 2].map(|i| m[i][0] * l[0] + m[i][1] * l[1] + m[i][2] * l[2]))
}

/// The closest pair among `types` (label, colour) as seen through `m`: (ΔE*76, a, b).
fn closest(types: &[(String, String)], m: &[[f64; 3]; 3]) -> (f64, String, String) {
    let mut best = (f64::MAX, String::new(), String::new());
    for (i, (la, ca)) in types.iter().enumerate() {
        for (lb, cb) in &types[i + 1..] {
            let (a, b) = (seen(ca, m), seen(cb, m));
            let d = ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt();
            if d < best.0 {
                best = (d, la.clone(), lb.clone());
            }
        }
    }
    best
}

#[test]
fn the_default_palette_stays_distinguishable_also_for_colour_blind_readers() {
    let s = Schema::default_diplomatic();
    let entities: Vec<(String, String)> = s
        .entity_types
        .iter()
        .map(|t| (t.label.clone(), t.color.clone()))
        .collect();
    let events: Vec<(String, String)> = s
        .event_types
        .iter()
        .map(|t| (t.label.clone(), t.color.clone()))
        .collect();
    let all: Vec<_> = entities.iter().chain(&events).cloned().collect();
    // Types drawn the same way (underlines; boxes) must be far apart; an event and an entity
    // are also told apart by their shape, so they may come a little closer.
    for (m, vision) in [
        (&NORMAL, "normal vision"),
        (&DEUTERANOPIA, "deuteranopia"),
        (&PROTANOPIA, "protanopia"),
    ] {
        for (group, types, min) in [
            ("entity", &entities, 15.0),
            ("event", &events, 15.0),
            ("any", &all, 12.0),
        ] {
            let (d, a, b) = closest(types, m);
            assert!(
                d >= min,
                "{group} types {a} and {b} are only ΔE {d:.1} apart with {vision} (need {min})"
            );
        }
    }
}

#[cfg(feature = "gui")]
mod window {
    use egui::{Key, Modifiers, Pos2};
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;
    use marginalia::app::{App, Command, Prefs, Selection};
    use marginalia::model::*;
    use marginalia::session::Session;
    use marginalia::store;
    use std::path::Path;

    const TEXT: &str = "Paris wrote to Paris.\nThe meeting in Paris ended.\n";

    fn make_project(dir: &Path) {
        std::fs::create_dir_all(dir.join("sources")).unwrap();
        let src = dir.join("sources/note.txt");
        std::fs::write(&src, TEXT).unwrap();
        let doc = store::document_from_source(dir, &src).unwrap();
        let mut project = Project::new("Look");
        project.documents.insert(doc.id(), doc);
        Session::create(project, dir.join("look.marginalia.ron"))
            .save()
            .unwrap();
    }

    fn open(dir: &Path) -> Harness<'static, App> {
        make_project(dir);
        let mut h =
            crate::support::gui::harness(App::with_project(Prefs::default(), dir), [1280.0, 800.0]);
        h.run_steps(4);
        assert!(h.state().state.doc.is_some(), "the document is open");
        h
    }

    fn project<'a>(h: &'a Harness<'_, App>) -> &'a Project {
        &h.state().state.session.as_ref().unwrap().project
    }

    fn char_pos(needle: &str, nth: usize) -> usize {
        let b = TEXT.match_indices(needle).nth(nth).unwrap().0;
        TEXT[..b].chars().count()
    }

    /// Selects `needle`'s `nth` occurrence as the reader's text selection.
    fn select(h: &mut Harness<'_, App>, needle: &str, nth: usize) {
        let a = char_pos(needle, nth);
        let b = a + needle.chars().count();
        h.state_mut().state.sel = Selection {
            anchor: a,
            caret: b,
            fragments: Vec::new(),
        };
        h.run_steps(2);
    }

    #[test]
    fn the_legend_lists_every_type_with_its_hotkey() {
        let tmp = tempfile::tempdir().unwrap();
        let mut h = open(tmp.path());
        h.state_mut().state.queue.push(Command::ToggleLegend);
        h.run_steps(3);
        let schema = project(&h).schema.clone();
        for t in &schema.entity_types {
            let k = t.hotkey.unwrap().to_ascii_uppercase();
            h.get_by_label(&format!("{} — {k}", t.label));
        }
        for t in &schema.event_types {
            let k = t.hotkey.unwrap().to_ascii_uppercase();
            h.get_by_label(&format!("{} — {k}", t.label));
        }
        h.get_by_label("Mentions are underlined; event triggers are boxed.");
    }

    #[test]
    fn the_tag_popup_offers_event_types_and_creates_the_event() {
        let tmp = tempfile::tempdir().unwrap();
        let mut h = open(tmp.path());
        select(&mut h, "meeting", 0);
        h.state_mut().state.tag_popup = Some(Pos2::new(300.0, 200.0));
        h.run_steps(2);
        h.get_by_label("New event");
        h.get_by_label("Person  (P)");
        h.get_by_label("Meeting  (M)").click();
        h.run_steps(3);
        let doc = h.state().state.doc.unwrap();
        let events: Vec<_> = project(&h).documents[&doc]
            .annotations
            .values()
            .filter_map(|a| a.as_event())
            .collect();
        assert_eq!(events.len(), 1, "one event created from the popup");
        assert_eq!(events[0].type_id.as_str(), "meeting");
        assert_eq!(
            events[0].trigger.as_ref().unwrap().quote.exact,
            "meeting",
            "the selection is the trigger"
        );
    }

    #[test]
    fn tag_all_has_a_type_chooser() {
        let tmp = tempfile::tempdir().unwrap();
        let mut h = open(tmp.path());
        select(&mut h, "Paris", 0);
        h.key_press_modifiers(Modifiers::COMMAND, Key::T);
        h.run_steps(3);
        h.get_by_label("Tag all \"Paris\"");
        // Starts as the first entity type, and says so.
        h.get_by_label("3 occurrences; untick any that are not a Person.");
        h.get_by_label("Tag as").click();
        h.run_steps(2);
        h.get_by_label("Place").click();
        h.run_steps(2);
        h.get_by_label("3 occurrences; untick any that are not a Place.");
        h.get_by_label("Apply").click();
        h.run_steps(3);
        let doc = h.state().state.doc.unwrap();
        let types: Vec<String> = project(&h).documents[&doc]
            .annotations
            .values()
            .filter_map(|a| a.as_mention())
            .map(|m| m.type_id.to_string())
            .collect();
        assert_eq!(types, vec!["place"; 3]);
    }

    #[test]
    fn every_find_hit_in_view_is_highlighted() {
        let tmp = tempfile::tempdir().unwrap();
        let mut h = open(tmp.path());
        h.key_press_modifiers(Modifiers::COMMAND, Key::F);
        h.run_steps(2);
        h.get_by_label("Find in document").type_text("Paris");
        h.run_steps(4);
        assert_eq!(h.state().state.find.hits.len(), 3);
        assert_eq!(
            h.state().reader.find_hits_drawn,
            3,
            "each hit in view is drawn"
        );
        h.key_press(Key::Escape);
        h.run_steps(3);
        assert_eq!(
            h.state().reader.find_hits_drawn,
            0,
            "closing find clears the highlights"
        );
    }

    #[test]
    fn the_hover_tooltip_does_not_cover_the_tag_popup() {
        let tmp = tempfile::tempdir().unwrap();
        let mut h = open(tmp.path());
        select(&mut h, "Paris", 0);
        h.key_press(Key::P);
        h.run_steps(3);
        let at = h
            .state()
            .reader
            .char_rect(char_pos("Paris", 0) + 2)
            .unwrap();
        // Over the tagged "Paris" long enough for the tooltip.
        h.hover_at(at.center());
        h.run_steps(20);
        assert!(
            h.query_by_label("Person").is_some(),
            "the tooltip names the mention's type"
        );
        select(&mut h, "Paris", 1);
        h.state_mut().state.tag_popup = Some(Pos2::new(at.min.x, at.max.y + 40.0));
        h.hover_at(at.center());
        h.run_steps(20);
        h.get_by_label("Person  (P)");
        assert!(
            h.query_by_label("Person").is_none(),
            "no tooltip while the tag popup is open"
        );
    }
}
