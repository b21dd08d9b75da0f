//! The window under test, shared by every `tests/gui_*.rs`: one harness builder, the sizes
//! the house standard tests at, small projects on disk, and the pointer gestures the tests
//! make at real widget positions (a drag over the reader's text, a click at a rectangle).

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use marginalia::app::{App, Prefs};
use marginalia::model::{Annotation, DocId, Project};
use marginalia::session::Session;
use marginalia::store;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The narrow window the issues are checked at.
pub const NARROW: [f32; 2] = [700.0, 900.0];
/// The wide one.
pub const WIDE: [f32; 2] = [1400.0, 900.0];

/// The window running `app` at `size`, one frame per step of egui's default length.
pub fn harness(app: App, size: [f32; 2]) -> Harness<'static, App> {
    Harness::builder()
        .with_size(size)
        .build_ui_state(|ui, app: &mut App| app.frame(ui), app)
}

/// [`harness`] with frames `dt` seconds apart (autosave, double clicks, animations).
pub fn harness_dt(app: App, size: [f32; 2], dt: f32) -> Harness<'static, App> {
    Harness::builder()
        .with_size(size)
        .with_step_dt(dt)
        .build_ui_state(|ui, app: &mut App| app.frame(ui), app)
}

/// The window with `file` open, after its first frames.
pub fn open(file: &Path, size: [f32; 2]) -> Harness<'static, App> {
    let mut h = harness_dt(App::with_project(Prefs::default(), file), size, 0.25);
    h.run_steps(4);
    assert!(
        h.state().state.session.is_some(),
        "opened {}",
        file.display()
    );
    h
}

/// Three frames: enough for a click, its queued action and the redraw.
pub fn steps(h: &mut Harness<'_, App>) {
    h.run_steps(3);
}

/// Steps until `done`, sleeping between frames (for background threads); panics naming
/// `what` after 10 seconds.
pub fn run_until(h: &mut Harness<'_, App>, what: &str, done: impl Fn(&App) -> bool) {
    let start = std::time::Instant::now();
    while !done(h.state()) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "timed out waiting for {what}"
        );
        h.run_steps(1);
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run_steps(2);
}

pub fn session<'a>(h: &'a Harness<'_, App>) -> &'a Session {
    h.state().state.session.as_ref().expect("a project is open")
}

pub fn project<'a>(h: &'a Harness<'_, App>) -> &'a Project {
    &session(h).project
}

/// The selected annotation, as the project holds it now.
pub fn selected(h: &Harness<'_, App>) -> Annotation {
    let st = &h.state().state;
    project(h)
        .annotation(
            st.doc.expect("a document is open"),
            st.selected.expect("selected"),
        )
        .expect("the selected annotation exists")
        .clone()
}

/// A saved project in `dir` with one document per `(file name, text)`, in `sources/`;
/// returns the project file and the documents' ids in that order.
pub fn project_on_disk(dir: &Path, name: &str, docs: &[(&str, &str)]) -> (PathBuf, Vec<DocId>) {
    std::fs::create_dir_all(dir.join("sources")).expect("sources folder");
    let mut project = Project::new(name);
    let mut ids = Vec::new();
    for (file, text) in docs {
        let src = dir.join("sources").join(file);
        std::fs::write(&src, text).expect("source written");
        let doc = store::document_from_source(dir, &src).expect("a document");
        ids.push(doc.id());
        project.documents.insert(doc.id(), doc);
    }
    let file = dir.join(format!(
        "{}.marginalia.ron",
        name.to_lowercase().replace(' ', "-")
    ));
    Session::create(project, file.clone())
        .save()
        .expect("project saved");
    (file, ids)
}

/// The sample project (the cable of 11 July 1951 with its annotations) installed in a
/// temporary folder; keep the folder alive while the file is used.
pub fn sample() -> (tempfile::TempDir, PathBuf) {
    let home = tempfile::tempdir().expect("temporary folder");
    let file = marginalia::build_info::install_sample(home.path()).expect("sample installed");
    (home, file)
}

/// Code point `offset`'s rectangle in the reader, as drawn last frame.
pub fn char_rect(h: &Harness<'_, App>, offset: usize) -> egui::Rect {
    h.state()
        .reader
        .char_rect(offset)
        .unwrap_or_else(|| panic!("code point {offset} is on screen"))
}

/// Drags the pointer over the reader's text from code point `start` to just before `end`,
/// as a hand does: press, move in steps, release.
pub fn drag_over(h: &mut Harness<'_, App>, start: usize, end: usize) {
    let from = char_rect(h, start).left_center() + egui::vec2(1.0, 0.0);
    let to = char_rect(h, end - 1).right_center() - egui::vec2(1.0, 0.0);
    h.hover_at(from);
    h.run_steps(1);
    h.drag_at(from);
    h.run_steps(1);
    for t in [0.25, 0.5, 0.75, 1.0] {
        h.hover_at(from + (to - from) * t);
        h.run_steps(1);
    }
    h.drop_at(to);
    h.run_steps(2);
}

/// The code point where `needle` starts in `text`.
pub fn offset_of(text: &str, needle: &str) -> usize {
    let b = text
        .find(needle)
        .unwrap_or_else(|| panic!("“{needle}” is in the text"));
    text[..b].chars().count()
}

/// Drags over the first `needle` of the open document's text.
pub fn select_text(h: &mut Harness<'_, App>, needle: &str) {
    let text = {
        let st = &h.state().state;
        let p = project(h);
        p.documents[&st.doc.expect("a document is open")]
            .text_or_empty()
            .as_str()
            .to_owned()
    };
    let start = offset_of(&text, needle);
    drag_over(h, start, start + needle.chars().count());
}

/// A click at the centre of `rect`, as a pointer does it.
pub fn click_at(h: &mut Harness<'_, App>, rect: egui::Rect) {
    let p = rect.center();
    h.hover_at(p);
    h.run_steps(1);
    h.drag_at(p);
    h.run_steps(1);
    h.drop_at(p);
    h.run_steps(2);
}

/// Every node of the window's AccessKit tree whose rectangle reaches outside the window
/// horizontally (by more than a point), with its role and label: what would be cut off at
/// the window's edge. Content scrolled out of view vertically is not counted.
pub fn outside_the_window(h: &Harness<'_, App>, size: [f32; 2]) -> Vec<String> {
    h.query_all_by(|_| true)
        .filter_map(|n| {
            let node = n.accesskit_node();
            // A window's resize grips reach a few points past its edge by design; a one-line
            // field's text runs scroll inside the field.
            if node.role() == egui::accesskit::Role::Splitter
                || (node.role() == egui::accesskit::Role::TextRun
                    && node
                        .parent()
                        .is_some_and(|p| p.role() == egui::accesskit::Role::TextInput))
            {
                return None;
            }
            let r = node.bounding_box()?;
            let out = r.width() > 0.0 && (r.x0 < -1.0 || r.x1 > f64::from(size[0]) + 1.0);
            out.then(|| {
                format!(
                    "{:?} “{}” at x {:.0}–{:.0}",
                    node.role(),
                    node.label().unwrap_or_default(),
                    r.x0,
                    r.x1
                )
            })
        })
        .collect()
}
