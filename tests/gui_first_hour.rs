//! The first launch as a new user sees it: the start screen's buttons by accessible label,
//! and opening the sample copies it into the user's data folder (a temporary HOME here).
#![allow(clippy::unwrap_used)]
#![cfg(feature = "gui")]

mod support;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use marginalia::app::{App, Prefs};

/// The window size these tests run at.
const SIZE: [f32; 2] = [1000.0, 700.0];
use marginalia::build_info;

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
    let mut h = support::gui::harness(app, SIZE);
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
    let mut h = support::gui::harness(app, SIZE);
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

#[test]
fn menus_read_right_and_esc_closes_them() {
    let home = tempfile::tempdir().unwrap();
    let file = build_info::install_sample(home.path()).unwrap();
    let mut h = support::gui::harness(App::with_project(Prefs::default(), &file), SIZE);
    h.run_steps(3);
    assert!(h.state().state.session.is_some());
    h.get_by_label("Edit").click();
    h.run_steps(2);
    let undo = h.get_by_label_contains("Undo").rect().top();
    let redo = h.get_by_label_contains("Redo").rect().top();
    assert!(undo < redo, "Undo above Redo");
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(
        h.query_by_label_contains("Redo").is_none(),
        "Esc closed the menu"
    );
    h.get_by_label("Annotate").click();
    h.run_steps(2);
    // Shortcuts as on the keys, not egui's key names.
    // A menu row's accessible name is its text; its shortcut is apart (issue 16).
    let shortcut = |h: &Harness<'_, App>, l: &str| {
        h.get_by_label(l)
            .accesskit_node()
            .data()
            .keyboard_shortcut()
            .map(str::to_owned)
    };
    assert_eq!(shortcut(&h, "Next annotation").as_deref(), Some("]"));
    assert_eq!(shortcut(&h, "Previous annotation").as_deref(), Some("["));
    assert!(h.query_by_label_contains("Bracket").is_none());
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(h.query_by_label_contains("Next annotation").is_none());
    h.get_by_label("View").click();
    h.run_steps(2);
    assert_eq!(shortcut(&h, "Larger text").as_deref(), Some("Ctrl++"));
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    h.get_by_label("Project").click();
    h.run_steps(2);
    let top = |h: &Harness<'_, App>, l: &str| h.get_by_label(l).rect().top();
    let order = [
        "New project from a folder of sources…",
        "Open…",
        "Save",
        "Save As…",
        "Add documents…",
        "Export…",
        "Import…",
        "Close project",
        "Quit",
    ];
    for w in order.windows(2) {
        assert!(top(&h, w[0]) < top(&h, w[1]), "{} above {}", w[0], w[1]);
    }
}

#[test]
fn opening_a_folder_of_texts_offers_a_project_there_with_a_gitignore() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("letter-1.txt"), "Dear Sir,\n").unwrap();
    std::fs::write(tmp.path().join("letter-2.txt"), "Dear Madam,\n").unwrap();
    let mut app = App::new(Prefs::default());
    app.state
        .push(marginalia::app::Message::Open(tmp.path().to_path_buf()));
    let mut h = support::gui::harness(app, SIZE);
    h.run_steps(3);
    assert!(h.state().state.session.is_none(), "asks first");
    h.get_by_label("Create a project here").click();
    h.run_steps(3);
    let s = h.state().state.session.as_ref().expect("project created");
    assert_eq!(s.disk.dir, tmp.path());
    assert_eq!(s.project.documents.len(), 2);
    let ignore = std::fs::read_to_string(tmp.path().join(".gitignore")).unwrap();
    assert!(
        ignore.contains("*.bak") && ignore.contains("*.recovery"),
        "{ignore}"
    );
    assert!(h.state().state.status.starts_with("Opened"));
    // The new documents are offered for titles and status (gui_new_documents); kept here.
    h.get_by_label("Keep as they are").click();
    h.run_steps(2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    h.run_steps(2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::W);
    h.run_steps(3);
    assert!(h.state().state.session.is_none());
    assert!(
        !h.state().state.status.contains("Opened"),
        "the status bar no longer says what was opened: {}",
        h.state().state.status
    );
}

#[test]
fn ctrl_equals_scales_the_whole_window_and_undo_says_what_it_undid() {
    let home = tempfile::tempdir().unwrap();
    let file = build_info::install_sample(home.path()).unwrap();
    let mut h = support::gui::harness(App::with_project(Prefs::default(), &file), SIZE);
    h.run_steps(3);
    let ppp_before = h.ctx.pixels_per_point();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Equals);
    h.run_steps(3);
    let scale = h.state().state.prefs.ui_scale;
    assert!(scale > 1.0, "remembered in the preferences: {scale}");
    assert!((h.ctx.zoom_factor() - scale).abs() < 1e-3);
    // Every panel, menus and lists too, is drawn with more pixels per point.
    let ppp_after = h.ctx.pixels_per_point();
    assert!(
        ppp_after > ppp_before * 1.05,
        "the whole window scales: {ppp_before} → {ppp_after}"
    );
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Minus);
    h.run_steps(3);
    assert_eq!(h.state().state.prefs.ui_scale, 1.0);
    // A window opened with remembered preferences starts at that scale.
    let prefs = Prefs {
        ui_scale: 1.5,
        ..Prefs::default()
    };
    let mut h2 = support::gui::harness(App::new(prefs), SIZE);
    h2.run_steps(2);
    assert!((h2.ctx.zoom_factor() - 1.5).abs() < 1e-3);

    // Undo names what it undid.
    let doc = h.state().state.doc.unwrap();
    h.state_mut().state.sel = marginalia::app::Selection {
        anchor: 0,
        caret: 5,
        fragments: vec![],
    };
    h.state_mut().state.push(marginalia::app::Command::TagAs(
        marginalia::model::Slug::new("person"),
    ));
    h.run_steps(3);
    let n = |h: &Harness<'_, App>| {
        h.state().state.project().unwrap().documents[&doc]
            .annotations
            .len()
    };
    let tagged = n(&h);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(3);
    assert_eq!(n(&h), tagged - 1);
    let status = h.state().state.status.clone();
    assert!(status.starts_with("Undone: "), "{status}");
}

#[test]
fn schema_editor_key_fields_fit_a_wide_letter() {
    let home = tempfile::tempdir().unwrap();
    let file = build_info::install_sample(home.path()).unwrap();
    let mut h = support::gui::harness(App::with_project(Prefs::default(), &file), SIZE);
    h.run_steps(3);
    h.state_mut()
        .state
        .push(marginalia::app::Command::ToggleSchemaEditor);
    h.run_steps(4);
    let field = h.get_by_label("Key of Person");
    let font = egui::TextStyle::Body.resolve(&h.ctx.global_style());
    let w = h.ctx.fonts_mut(|f| f.glyph_width(&font, 'W'));
    // A TextEdit has a 4-point margin on each side.
    assert!(
        field.rect().width() >= w + 8.0,
        "key field {} wide, a W needs {}",
        field.rect().width(),
        w + 8.0
    );
}

/// At 700 × 900 the registry's rows are cut with "…" inside the panel (they ran off its
/// edge), their accessible labels keep the whole name, and the inspector's "Show
/// annotations by" label stays on one line (beside its box it broke mid-word).
#[test]
fn narrow_side_panels_cut_rows_instead_of_clipping_them() {
    let home = tempfile::tempdir().unwrap();
    let file = build_info::install_sample(home.path()).unwrap();
    let mut h = support::gui::harness_dt(
        App::with_project(Prefs::default(), &file),
        [700.0, 900.0],
        0.25,
    );
    h.run_steps(4);
    let panel = h
        .get_by_role_and_label(egui::accesskit::Role::Heading, "Registry")
        .rect();
    let rows: Vec<(String, egui::Rect)> = h
        .query_all_by_label_contains(" · Person · ")
        .map(|n| (n.accesskit_node().label().unwrap_or_default(), n.rect()))
        .collect();
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .any(|(l, _)| l.starts_with("Stalin, Joseph Vissarionovich · Person · ")),
        "{rows:?}"
    );
    for (label, r) in &rows {
        assert!(r.right() <= 700.5, "{label} ends at {}", r.right());
        assert!(
            r.left() >= panel.left() - 20.0,
            "{label} starts at {}",
            r.left()
        );
    }
    let shown_by = h.get_by_label("Show annotations by").rect();
    assert!(shown_by.height() < 24.0, "the label wrapped: {shown_by:?}");
}
