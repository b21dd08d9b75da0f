//! Every file choice on a desktop without a system file dialog (the switch
//! `Chooser::set_native(false)`, as on a bare X session): Open, New project from a folder,
//! Add documents, Save As, Save as copy and the Export/Import "Choose…" buttons work through
//! the in-window dialog, by typing or pasting a path and by clicking in its list.
#![allow(clippy::unwrap_used)]
#![cfg(feature = "gui")]

mod support;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, Node};
use marginalia::app::{App, Command, Prefs};
use marginalia::build_info;
use std::path::{Path, PathBuf};

/// The window at 700 points, with file choices in the window (no system dialog).
fn window(mut app: App) -> Harness<'static, App> {
    app.state.chooser.set_native(false);
    support::gui::harness(app, [700.0, 900.0])
}

/// A copy of the sample in a fresh folder: (the folder's guard, the project file).
fn sample() -> (tempfile::TempDir, PathBuf) {
    let home = tempfile::tempdir().unwrap();
    let file = build_info::install_sample(home.path()).unwrap();
    (home, file)
}

fn dialog_open(h: &Harness<'_, App>) -> bool {
    h.state().state.chooser.is_open()
}

/// The in-window file dialog: egui_file titles its window with a folder, open-folder or
/// disk symbol before our title.
fn dialog<'a>(h: &'a Harness<'_, App>) -> Node<'a> {
    h.get_by(|n| {
        n.role() == Role::Window
            && n.label()
                .is_some_and(|l| ["📁  ", "📂  ", "💾  "].iter().any(|p| l.starts_with(p)))
    })
}

/// The dialog's text fields, top (the folder shown) first, then the name field.
fn fields<'a>(h: &'a Harness<'_, App>) -> Vec<Node<'a>> {
    let d = dialog(h);
    d.get_all_by_role(Role::TextInput).collect()
}

/// Replaces the text of `field` with `text` as a person would (select all, type), then Enter.
fn type_into(h: &mut Harness<'_, App>, pick: impl Fn(&Harness<'_, App>) -> usize, text: &str) {
    let i = pick(h);
    fields(h)[i].focus();
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    fields(h)[i].type_text(text);
    h.run_steps(1);
    h.key_press(Key::Enter);
    h.run_steps(4);
}

/// The index of the dialog's top field (it shows the folder the dialog is in).
fn folder_field(h: &Harness<'_, App>) -> usize {
    let dir = h
        .state()
        .state
        .chooser
        .directory()
        .unwrap()
        .display()
        .to_string();
    fields(h)
        .iter()
        .position(|n| n.value().as_deref() == Some(dir.as_str()))
        .expect("the folder field")
}

/// The index of the dialog's name field (the last text field: it is in the bottom row).
fn name_field(h: &Harness<'_, App>) -> usize {
    fields(h).len() - 1
}

/// Goes to `dir` by typing it into the folder field.
fn go_to(h: &mut Harness<'_, App>, dir: &Path) {
    type_into(h, folder_field, &dir.display().to_string());
    assert_eq!(h.state().state.chooser.directory(), Some(dir));
}

#[test]
fn open_by_typing_a_path_and_by_clicking_in_the_list() {
    let (_home, file) = sample();
    // Typing (or pasting) the project file's path.
    let mut h = window(App::new(Prefs::default()));
    h.run_steps(4);
    h.get_by_label("Open…").click();
    h.run_steps(4);
    assert!(dialog_open(&h), "the in-window dialog is shown");
    type_into(&mut h, name_field, &file.display().to_string());
    let s = h.state().state.session.as_ref().expect("opened by typing");
    assert_eq!(s.disk.project_file, file);
    assert!(!dialog_open(&h));

    // Clicking: go to the folder, click the file, then Open.
    let mut h = window(App::new(Prefs::default()));
    h.run_steps(4);
    h.get_by_label("Open…").click();
    h.run_steps(4);
    go_to(&mut h, file.parent().unwrap());
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    h.get_by_label(&format!("🗋 {name}")).click();
    h.run_steps(4);
    h.get_by_role_and_label(Role::Button, "Open").click();
    h.run_steps(4);
    let s = h
        .state()
        .state
        .session
        .as_ref()
        .expect("opened by clicking");
    assert_eq!(s.disk.project_file, file);
}

#[test]
fn new_project_from_a_folder_by_typing_its_path_then_choosing_it() {
    let sources = tempfile::tempdir().unwrap();
    std::fs::write(sources.path().join("a.txt"), "A letter.\n").unwrap();
    std::fs::write(sources.path().join("b.txt"), "Another letter.\n").unwrap();
    let mut h = window(App::new(Prefs::default()));
    h.run_steps(4);
    h.get_by_label("New project from a folder…").click();
    h.run_steps(4);
    // Enter in the name field must not choose the folder shown (the home folder).
    type_into(&mut h, name_field, &sources.path().display().to_string());
    assert!(
        h.state().state.session.is_none(),
        "nothing chosen by the name field"
    );
    go_to(&mut h, sources.path());
    h.get_by_label("Choose this folder").click();
    h.run_steps(4);
    let s = h.state().state.session.as_ref().expect("project created");
    assert_eq!(s.disk.dir, sources.path());
    assert_eq!(s.project.documents.len(), 2);
}

#[test]
fn add_documents_by_clicking_two_files() {
    let (home, file) = sample();
    let dir = file.parent().unwrap();
    std::fs::write(dir.join("new-a.txt"), "First new letter.\n").unwrap();
    std::fs::write(dir.join("new-b.txt"), "Second new letter.\n").unwrap();
    let mut h = window(App::with_project(Prefs::default(), &file));
    h.run_steps(4);
    let before = h.state().state.project().unwrap().documents.len();
    h.state_mut().state.push(Command::AddDocumentsDialog);
    h.run_steps(4);
    assert_eq!(
        h.state().state.chooser.directory(),
        Some(dir),
        "starts in the project's folder"
    );
    h.get_by_label("🗋 new-a.txt").click();
    h.run_steps(1);
    h.get_by_label("🗋 new-b.txt")
        .click_modifiers(Modifiers::CTRL);
    h.run_steps(1);
    h.get_by_role_and_label(Role::Button, "Open").click();
    h.run_steps(4);
    let after = h.state().state.project().unwrap().documents.len();
    assert_eq!(after, before + 2, "{}", h.state().state.status);
    drop(home);
}

#[test]
fn save_as_by_typing_a_path_and_save_a_copy_into_a_chosen_folder() {
    let (_home, file) = sample();
    let elsewhere = tempfile::tempdir().unwrap();
    let mut h = window(App::with_project(Prefs::default(), &file));
    h.run_steps(4);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.run_steps(4);
    assert!(dialog_open(&h), "Save As shows the in-window dialog");
    let target = elsewhere.path().join("mine");
    type_into(&mut h, name_field, &target.display().to_string());
    let saved = elsewhere.path().join("mine.marginalia.ron");
    assert!(saved.is_file(), "{}", h.state().state.status);

    let copies = tempfile::tempdir().unwrap();
    h.state_mut().state.push(Command::SaveCopyDialog);
    h.run_steps(4);
    go_to(&mut h, copies.path());
    h.get_by_label("Choose this folder").click();
    h.run_steps(4);
    let written = std::fs::read_dir(copies.path()).unwrap().count();
    assert!(
        written > 0,
        "a copy was written: {}",
        h.state().state.status
    );
}

#[test]
fn export_and_import_choose_buttons_fill_their_fields() {
    let (_home, file) = sample();
    let out = tempfile::tempdir().unwrap();
    let mut h = window(App::with_project(Prefs::default(), &file));
    h.run_steps(4);
    h.state_mut().state.push(Command::ExportDialog);
    h.run_steps(4);
    h.get_by_label("Choose folder…").click();
    h.run_steps(4);
    assert!(dialog_open(&h));
    go_to(&mut h, out.path());
    h.get_by_label("Choose this folder").click();
    h.run_steps(4);
    assert_eq!(
        h.get_by_label("Output folder").value().as_deref(),
        Some(out.path().display().to_string().as_str())
    );

    h.state_mut().state.push(Command::ImportDialog);
    h.run_steps(4);
    h.get_by_label("Choose file…").click();
    h.run_steps(4);
    go_to(&mut h, file.parent().unwrap());
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    h.get_by_label(&format!("🗋 {name}")).click();
    h.run_steps(1);
    h.get_by_role_and_label(Role::Button, "Open").click();
    h.run_steps(4);
    assert_eq!(
        h.get_by_label("Source file or folder").value().as_deref(),
        Some(file.display().to_string().as_str())
    );
}

/// Issue 24, item 10: by keyboard, Enter on a folder's row opens the folder (egui_file
/// only selects it: a double click opens), and focus goes to the dialog's first control.
#[test]
fn enter_on_a_folder_row_opens_the_folder() {
    let (_home, file) = sample();
    let dir = file.parent().unwrap().to_path_buf();
    std::fs::create_dir_all(dir.join("letters")).unwrap();
    std::fs::write(dir.join("letters/one.txt"), "A letter.\n").unwrap();
    let mut h = window(App::with_project(Prefs::default(), &file));
    h.run_steps(4);
    h.state_mut().state.push(Command::AddDocumentsDialog);
    h.run_steps(4);
    assert_eq!(h.state().state.chooser.directory(), Some(dir.as_path()));
    h.get_by_label("🗀 letters").focus();
    h.run_steps(2);
    h.key_press(Key::Enter);
    h.run_steps(4);
    assert_eq!(
        h.state().state.chooser.directory(),
        Some(dir.join("letters").as_path()),
        "Enter opened the folder"
    );
    h.get_by_label("🗋 one.txt");
    let f = h.ctx.memory(|m| m.focused());
    assert!(f.is_some(), "focus is in the dialog, not nowhere");
}
