//! Documents just added get a title and status where they are added (issue 11): the
//! new-documents window after Add documents (and after creating a project from a folder),
//! driven by keyboard and pointer at 700 × 900; Apply is one undo step after the add, and
//! undoing never loses the typed titles (redo brings them back).
#![allow(clippy::unwrap_used)]
#![cfg(feature = "gui")]

mod support;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use marginalia::app::state::NewDocuments;
use marginalia::app::{App, Dialog, Message, Prefs};
use marginalia::build_info;
use marginalia::model::DocStatus;

/// The window size these tests run at.
const SIZE: [f32; 2] = [700.0, 900.0];
use std::path::{Path, PathBuf};
use support::gui::{project, steps};

/// Title and status of the document made from `sources/<file>`, if there is one.
fn meta(h: &Harness<'_, App>, file: &str) -> Option<(String, DocStatus)> {
    project(h)
        .documents
        .values()
        .map(|d| &d.meta)
        .find(|m| {
            m.source
                .as_ref()
                .is_some_and(|s| s.path.to_string().ends_with(&format!("/{file}")))
        })
        .map(|m| (m.title.clone(), m.status))
}

fn review<'a>(h: &'a Harness<'_, App>) -> Option<&'a NewDocuments> {
    match &h.state().state.dialog {
        Some(Dialog::NewDocuments(nd)) => Some(nd),
        _ => None,
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn focused(h: &Harness<'_, App>, label: &str) -> bool {
    h.get_by_label(label).accesskit_node().is_focused()
}

#[test]
fn added_documents_get_titles_and_status_in_one_undoable_step() {
    let home = tempfile::tempdir().unwrap();
    let file = build_info::install_sample(home.path()).unwrap();
    let sources = file.parent().unwrap().join("sources");
    let files = vec![
        write(
            &sources,
            "a.txt",
            "\n\n  Minutes of the first meeting  \nBody.\n",
        ),
        write(&sources, "b.txt", "Dear Nam Il,\n"),
        write(&sources, "c.txt", "Report.\n"),
    ];
    let mut h = support::gui::harness_dt(App::with_project(Prefs::default(), &file), SIZE, 0.25);
    steps(&mut h);
    let before = project(&h).documents.len();
    h.state_mut().state.push(Message::AddDocuments(files));
    steps(&mut h);
    assert_eq!(project(&h).documents.len(), before + 3, "added at once");
    assert_eq!(
        review(&h).map(|r| r.rows.len()),
        Some(3),
        "the window lists them"
    );
    for f in ["a.txt", "b.txt", "c.txt"] {
        h.get_by_label(&format!("Title of {f}"));
        h.get_by_label(&format!("Status of {f}"));
    }
    assert!(
        focused(&h, "Title of a.txt"),
        "the first title has the keyboard"
    );
    let w = h.get_by_label("Title of a.txt").rect().width();
    assert!(w >= 200.0, "a title field wide enough to read ({w})");

    // "Titles from first lines" fills each title from its text.
    h.get_by_label("Titles from first lines").click();
    steps(&mut h);
    let titles: Vec<String> = review(&h)
        .unwrap()
        .rows
        .iter()
        .map(|r| r.title.clone())
        .collect();
    assert_eq!(
        titles,
        ["Minutes of the first meeting", "Dear Nam Il,", "Report."]
    );

    // Type a title, Tab over the status to the next title, type another.
    h.get_by_label("Title of a.txt").click();
    steps(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Title of a.txt")
        .type_text("Minutes, 10 July 1951");
    steps(&mut h);
    h.key_press(Key::Tab);
    steps(&mut h);
    assert!(focused(&h, "Status of a.txt"), "Tab goes to the status");
    h.key_press(Key::Tab);
    steps(&mut h);
    assert!(focused(&h, "Title of b.txt"), "then to the next title");
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Title of b.txt")
        .type_text("Letter to Nam Il");
    steps(&mut h);
    // A status with the pointer.
    h.get_by_label("Status of c.txt").click();
    steps(&mut h);
    h.get_by_label("In progress").click();
    steps(&mut h);
    // Enter applies.
    h.key_press(Key::Enter);
    steps(&mut h);
    assert!(review(&h).is_none(), "closed");
    let want = [
        ("a.txt", "Minutes, 10 July 1951", DocStatus::NotStarted),
        ("b.txt", "Letter to Nam Il", DocStatus::NotStarted),
        ("c.txt", "Report.", DocStatus::InProgress),
    ];
    for (f, t, s) in want {
        assert_eq!(meta(&h, f), Some((t.to_owned(), s)), "{f}");
    }

    // Undo takes back the titles and status first (one step), then the add; redo restores
    // both, typed titles included.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    steps(&mut h);
    assert_eq!(meta(&h, "a.txt"), Some(("a".into(), DocStatus::NotStarted)));
    assert_eq!(meta(&h, "c.txt"), Some(("c".into(), DocStatus::NotStarted)));
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    steps(&mut h);
    assert_eq!(meta(&h, "a.txt"), None, "the add undone");
    for _ in 0..2 {
        h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
        steps(&mut h);
    }
    for (f, t, s) in want {
        assert_eq!(meta(&h, f), Some((t.to_owned(), s)), "{f} after redo");
    }

    // Esc keeps a new document as it is.
    let d = write(&sources, "d.txt", "Note.\n");
    h.state_mut().state.push(Message::AddDocuments(vec![d]));
    steps(&mut h);
    h.get_by_label("Title of d.txt");
    h.key_press(Key::Escape);
    steps(&mut h);
    assert!(review(&h).is_none(), "Esc closed it");
    assert_eq!(meta(&h, "d.txt"), Some(("d".into(), DocStatus::NotStarted)));
}

#[test]
fn two_hundred_files_scroll_and_the_buttons_stay_in_the_window() {
    let home = tempfile::tempdir().unwrap();
    let file = build_info::install_sample(home.path()).unwrap();
    let sources = file.parent().unwrap().join("sources");
    let files: Vec<PathBuf> = (0..200)
        .map(|i| {
            write(
                &sources,
                &format!("cable-{i:03}.txt"),
                &format!("Cable {i}\n"),
            )
        })
        .collect();
    let mut h = support::gui::harness_dt(App::with_project(Prefs::default(), &file), SIZE, 0.25);
    steps(&mut h);
    h.state_mut().state.push(Message::AddDocuments(files));
    steps(&mut h);
    assert_eq!(review(&h).map(|r| r.rows.len()), Some(200));
    for b in ["Apply", "Keep as they are", "Titles from first lines"] {
        let r = h.get_by_label(b).rect();
        assert!(r.bottom() <= 900.0 && r.top() >= 0.0, "{b} at {r:?}");
    }
    // One status for all, then Apply with the pointer.
    let first = h.get_by_label("Apply").rect();
    h.run_steps(1);
    assert_eq!(
        h.get_by_label("Apply").rect(),
        first,
        "the window keeps its size"
    );
    let n = h.get_by_label("Status of all");
    eprintln!(
        "DEBUG {:?} {:?} {:?}",
        n.rect(),
        n.accesskit_node().role(),
        h.get_by_label("Titles from first lines").rect()
    );
    n.click();
    steps(&mut h);
    eprintln!("DEBUG open {}", egui::Popup::is_any_open(&h.ctx));
    h.get_by_label("Done").click();
    steps(&mut h);
    h.get_by_label("Apply").click();
    steps(&mut h);
    assert!(review(&h).is_none());
    assert_eq!(
        meta(&h, "cable-199.txt"),
        Some(("cable-199".into(), DocStatus::Done))
    );
}

#[test]
fn a_project_created_from_a_folder_offers_its_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("letters");
    std::fs::create_dir_all(&dir).unwrap();
    write(&dir, "1951-07-10.txt", "To Filippov\n");
    write(&dir, "1951-07-11.txt", "From Filippov\n");
    let mut h = support::gui::harness_dt(App::new(Prefs::default()), SIZE, 0.25);
    steps(&mut h);
    h.state_mut()
        .state
        .push(Message::NewFromFolder(dir.clone()));
    steps(&mut h);
    let files: Vec<String> = review(&h)
        .unwrap()
        .rows
        .iter()
        .map(|r| r.file.clone())
        .collect();
    assert_eq!(files, ["1951-07-10.txt", "1951-07-11.txt"]);
    h.get_by_label("Titles from first lines").click();
    steps(&mut h);
    h.get_by_label("Apply").click();
    steps(&mut h);
    let mut titles: Vec<String> = project(&h)
        .documents
        .values()
        .map(|d| d.meta.title.clone())
        .collect();
    titles.sort();
    assert_eq!(titles, ["From Filippov", "To Filippov"]);
}
