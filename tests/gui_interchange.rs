//! Project → Export… and Import… driven headless (egui_kittest): the menu opens the export
//! window; a queued `Message::Export` writes the sample project as CSV on a background
//! thread and the window lists the files; a queued `Message::Import` builds a new project
//! from the export of a brat folder and opens it.
#![allow(clippy::unwrap_used)]
#![cfg(feature = "gui")]

mod support;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::app::{App, Message, Prefs};
use marginalia::interchange::export::{ExportOptions, Exporter};
use std::path::Path;

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
    h.get_by_label(&report.omitted[0]);

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
