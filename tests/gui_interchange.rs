//! Project → Export… and Import… driven headless (egui_kittest): the menu opens the export
//! window; a queued `Message::Export` writes the sample project as CSV on a background
//! thread and the window lists the files; a queued `Message::Import` builds a new project
//! from the export of a brat folder and opens it. The import report, the strict checkbox and
//! "Save the full list…" are driven by clicks at their rects and typing into the fields.
#![allow(clippy::unwrap_used)]
#![cfg(feature = "gui")]

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::app::{App, Message, Prefs};
use marginalia::interchange::export::{ExportOptions, Exporter};
use std::path::Path;

mod support;

/// The window size these tests run at.
const SIZE: [f32; 2] = [1280.0, 800.0];
use std::time::{Duration, Instant};

fn sample() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951")
}

/// Steps frames until `done` holds, for at most 60 s.
fn run_until(h: &mut Harness<'_, App>, done: impl Fn(&App) -> bool) {
    let start = Instant::now();
    while !done(h.state()) {
        assert!(start.elapsed() < Duration::from_secs(60), "timed out");
        h.run_steps(1);
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run_steps(2);
}

#[test]
fn export_csv_and_import_brat_through_the_app_by_command() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = support::gui::harness(App::with_project(Prefs::default(), &sample()), SIZE);
    h.run_steps(3);
    assert!(h.state().state.session.is_some(), "sample project opened");

    // Project → Export… opens the window.
    h.get_by_label("Project").click();
    h.run_steps(2);
    h.get_by_label("Export…").click();
    h.run_steps(3);
    h.get_by_label("Output folder");

    let out = tmp.path().join("csv");
    h.state_mut().state.push(Message::Export {
        format: "csv".into(),
        out: out.clone(),
        overwrite: false,
    });
    run_until(&mut h, |app| app.interchange.last_export().is_some());
    let report = h.state().interchange.last_export().unwrap().clone();
    for name in [
        "mentions.csv",
        "entities.csv",
        "events.csv",
        "relations.csv",
    ] {
        let f = out.join(name);
        assert!(f.is_file(), "{} missing", f.display());
        assert!(report.files.contains(&f), "{name} not listed");
        assert!(
            std::fs::read_to_string(&f).unwrap().lines().count() > 1,
            "{name} empty"
        );
    }
    // The window lists what was written and what was left out.
    h.get_by_label(&format!("{} files written:", report.files.len()));
    assert!(
        !report.omitted.is_empty(),
        "CSV leaves out attributes of the sample"
    );
    // One line per kind of omission, with its count (`interchange::report`).
    h.get_by_label(&report.grouped()[0]);

    // Import: export brat, then import it through the app; the new project opens.
    let brat = tmp.path().join("brat");
    marginalia::interchange::brat::BratExporter
        .export(
            &h.state().state.session.as_ref().unwrap().project,
            &brat,
            &ExportOptions::default(),
            &mut |_| {},
        )
        .unwrap();
    let new = tmp.path().join("imported");
    h.state_mut().state.push(Message::Import {
        format: "brat".into(),
        source: brat,
        out: new.clone(),
    });
    run_until(&mut h, |app| {
        app.state
            .session
            .as_ref()
            .is_some_and(|s| s.dir().starts_with(&new) || s.dir() == new)
    });
    let s = h.state().state.session.as_ref().unwrap();
    let original = marginalia::store::load(&sample()).unwrap().project;
    assert_eq!(s.project.documents.len(), original.documents.len());
}

/// Replaces the text of the field labelled `label` by clicking it, selecting all and typing.
fn type_into_field(h: &mut Harness<'_, App>, label: &str, text: &str) {
    h.get_by_label(label).click();
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label(label).type_text(text);
    h.run_steps(2);
}

/// A TEI letter with two `<gap>`s: the edition omits words there, so the import reports them.
const GAPPY: &str = r#"<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>V</title></titleStmt></fileDesc></teiHeader>
<text><body>
<div type="document" xml:id="d1" n="1"><head>A letter</head><p>Dear <gap reason="illegible"/> sir, <gap reason="illegible"/> yours.</p></div>
</body></text></TEI>"#;

#[test]
fn import_report_strict_checkbox_and_full_list_by_clicking() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let file = marginalia::build_info::install_sample(home.path()).unwrap();
    let src = tmp.path().join("gappy.xml");
    std::fs::write(&src, GAPPY).unwrap();
    let mut app = App::with_project(Prefs::default(), &file);
    app.state.chooser.set_native(false);
    let mut h = support::gui::harness(app, SIZE);
    h.run_steps(3);

    // Project → Import…, TEI, the source and a new folder, strict ticked: refused.
    h.get_by_label("Project").click();
    h.run_steps(2);
    h.get_by_label("Import…").click();
    h.run_steps(3);
    h.get_by_role_and_label(Role::RadioButton, "TEI P5 XML")
        .click();
    h.run_steps(1);
    type_into_field(&mut h, "Source file or folder", &src.display().to_string());
    let strict_out = tmp.path().join("strict");
    type_into_field(
        &mut h,
        "New project folder",
        &strict_out.display().to_string(),
    );
    h.get_by_label("Refuse the import if anything would not be kept")
        .click();
    h.run_steps(1);
    h.get_by_role_and_label(Role::Button, "Import").click();
    run_until(&mut h, |app| app.interchange.failed().is_some());
    let error = h.state().state.status.clone();
    assert!(
        error.contains("gap") && error.contains("2"),
        "the refusal lists the grouped report: {error}"
    );
    assert!(!strict_out.exists(), "a refused import creates nothing");

    // Unticked: imported and opened; the window shows the grouped line with its count.
    h.get_by_label("Refuse the import if anything would not be kept")
        .click();
    h.run_steps(1);
    let out = tmp.path().join("kept");
    type_into_field(&mut h, "New project folder", &out.display().to_string());
    h.get_by_role_and_label(Role::Button, "Import").click();
    run_until(&mut h, |app| {
        app.state
            .session
            .as_ref()
            .is_some_and(|s| s.dir().starts_with(&out))
    });
    h.run_steps(3);
    h.get_by_label("2 things were not kept:");
    // A wrapped label carries its text as its value.
    let line = h
        .get_all_by(|n| {
            n.value()
                .is_some_and(|l| l.starts_with("TEI <gap>") && l.contains(": 2 in 1 document"))
        })
        .next()
        .expect("the grouped line")
        .value()
        .unwrap();
    assert!(line.contains("gappy.xml line 3"), "{line}");

    // "Save the full list…" in the in-window dialog: one line per gap under the heading.
    h.get_by_label("Save the full list…").click();
    h.run_steps(4);
    assert!(h.state().state.chooser.is_open(), "the save dialog is open");
    let list = tmp.path().join("report.txt");
    let name = h
        .get_all_by_role(Role::TextInput)
        .filter(|n| n.value().as_deref() == Some("report.txt"))
        .count();
    assert_eq!(name, 1, "the dialog proposes report.txt");
    let field = h
        .get_all_by_role(Role::TextInput)
        .find(|n| n.value().as_deref() == Some("report.txt"))
        .unwrap();
    field.focus();
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_all_by_role(Role::TextInput)
        .find(|n| n.value().as_deref() == Some("report.txt"))
        .unwrap()
        .type_text(&list.display().to_string());
    h.run_steps(1);
    h.key_press(Key::Enter);
    h.run_steps(4);
    let text = std::fs::read_to_string(&list).unwrap();
    assert!(text.contains("TEI <gap>"), "{text}");
    assert_eq!(
        text.lines()
            .filter(|l| l.contains("gappy.xml line 3"))
            .count(),
        2,
        "{text}"
    );
    // Said in the window and in the status bar.
    let said = format!("Full list written to {}", list.display());
    assert_eq!(h.get_all_by_label(&said).count(), 2);
}
