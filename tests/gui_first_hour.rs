//! The first launch as a new user sees it: the start screen's buttons by accessible label,
//! and opening the sample copies it into the user's data folder (a temporary HOME here).
#![allow(clippy::unwrap_used)]
#![cfg(feature = "gui")]

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::app::{App, Prefs};
use marginalia::build_info;

fn harness(app: App) -> Harness<'static, App> {
    Harness::builder()
        .with_size([1000.0, 700.0])
        .build_ui_state(|ui, app: &mut App| app.frame(ui), app)
}

#[test]
fn start_screen_offers_the_first_steps_and_opens_the_sample_copy() {
    let home = tempfile::tempdir().unwrap();
    let data = build_info::user_data_dir_from(None, Some(home.path().into()), None).unwrap();
    let prefs = Prefs {
        recent: vec![home.path().join("old.marginalia.ron")],
        ..Prefs::default()
    };
    let mut app = App::new(prefs);
    app.start.data_dir = Some(data.clone());
    let mut h = harness(app);
    h.run_steps(2);
    h.get_by_label("Open…");
    h.get_by_label("New project from a folder…");
    h.get_by_label(&home.path().join("old.marginalia.ron").display().to_string());
    h.get_by_label("Open the sample").click();
    h.run_steps(3);
    let file = data
        .join(build_info::SAMPLE_NAME)
        .join(build_info::SAMPLE_FILES[0].0);
    assert!(file.is_file(), "sample copied to {}", file.display());
    let session = h.state().state.session.as_ref().expect("sample opened");
    assert!(
        session.disk.dir.starts_with(home.path()),
        "the copy is open, not the repository's: {}",
        session.disk.dir.display()
    );
    assert!(!session.project.documents.is_empty());
    assert!(
        h.query_by_label("Open the sample").is_none(),
        "start screen gone"
    );
}

#[test]
fn opening_a_random_file_says_what_it_is_not_and_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("os-release");
    std::fs::write(&f, "PRETTY_NAME=\"Debian GNU/Linux 13\"\n").unwrap();
    let mut app = App::new(Prefs::default());
    app.state.push(marginalia::app::Message::Open(f.clone()));
    let mut h = harness(app);
    h.run_steps(3);
    assert!(h.state().state.session.is_none());
    let Some(marginalia::app::Dialog::Message(m)) = &h.state().state.dialog else {
        panic!("an error is shown");
    };
    let (first, detail) = m.split_once('\n').unwrap();
    assert!(
        first.contains("is not a Marginalia project file"),
        "{first}"
    );
    assert!(first.contains("New project from a folder"), "{first}");
    assert!(
        detail.starts_with("Detail: ") && detail.contains("os-release"),
        "{detail}"
    );
    let m = m.clone();
    h.get_by_label(&m);
}
