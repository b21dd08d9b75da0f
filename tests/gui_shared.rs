//! Two writers in the window (egui_kittest): the presence dialog when the project is open
//! elsewhere, and the lock taken and released by the window.
#![allow(clippy::unwrap_used)]
#![cfg(feature = "gui")]

mod support;

use egui_kittest::kittest::Queryable;
use marginalia::app::{App, Prefs};
use marginalia::model::*;
use marginalia::session::Session;
use marginalia::store;
use marginalia::store::lock::{self, LockInfo};

/// The window size these tests run at.
const SIZE: [f32; 2] = [1280.0, 800.0];
use std::path::{Path, PathBuf};

fn make_project(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let src = dir.join("sources/cable.txt");
    std::fs::write(&src, "Filippov replied.\n").unwrap();
    let doc = store::document_from_source(dir, &src).unwrap();
    let mut project = Project::new("Shared");
    project.documents.insert(doc.id(), doc);
    let file = dir.join("shared.marginalia.ron");
    Session::create(project, file.clone()).save().unwrap();
    file
}

/// A lock as another live process on this machine writes it (pid 1 is always running).
fn colleague_lock(file: &Path) -> LockInfo {
    let mut info = LockInfo::current();
    info.pid = 1;
    info.user = "anna".into();
    std::fs::write(lock::lock_path(file), ron::ser::to_string(&info).unwrap()).unwrap();
    info
}

#[test]
fn open_elsewhere_asks_and_read_only_refuses_saving() {
    let tmp = tempfile::tempdir().unwrap();
    let file = make_project(tmp.path());
    let theirs = colleague_lock(&file);
    let mut h =
        support::gui::harness_dt(App::with_project(Prefs::default(), tmp.path()), SIZE, 0.25);
    h.run_steps(2);
    h.get_by_label("The project is open elsewhere");
    h.get_by_label(&format!("Open by {}.", theirs.describe()));
    assert!(
        h.state().state.session.is_none(),
        "nothing opened before the answer"
    );
    h.get_by_label("Open read-only").click();
    h.run_steps(2);
    let s = h.state().state.session.as_ref().unwrap();
    assert!(s.is_read_only());
    assert!(s.lock.is_none());
    assert_eq!(
        lock::read(&lock::lock_path(&file)).unwrap(),
        Some(theirs),
        "the colleague's lock is left alone"
    );
}

#[test]
fn continue_takes_the_lock_and_closing_removes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let file = make_project(tmp.path());
    colleague_lock(&file);
    let mut h =
        support::gui::harness_dt(App::with_project(Prefs::default(), tmp.path()), SIZE, 0.25);
    h.run_steps(2);
    h.get_by_label("Continue").click();
    h.run_steps(2);
    let s = h.state().state.session.as_ref().unwrap();
    assert!(!s.is_read_only());
    let held = lock::read(&lock::lock_path(&file)).unwrap().unwrap();
    assert!(held.is_mine());
    drop(h);
    assert!(!lock::lock_path(&file).exists(), "closing removes our lock");
}

#[test]
fn stale_lock_is_replaced_without_asking() {
    let tmp = tempfile::tempdir().unwrap();
    let file = make_project(tmp.path());
    let mut dead = LockInfo::current();
    dead.pid = (4_000_000..4_100_000)
        .find(|p| !Path::new("/proc").join(p.to_string()).exists())
        .unwrap();
    std::fs::write(lock::lock_path(&file), ron::ser::to_string(&dead).unwrap()).unwrap();
    let mut h =
        support::gui::harness_dt(App::with_project(Prefs::default(), tmp.path()), SIZE, 0.25);
    h.run_steps(2);
    assert!(h.query_by_label("The project is open elsewhere").is_none());
    assert!(h.state().state.session.is_some());
    assert!(
        lock::read(&lock::lock_path(&file))
            .unwrap()
            .unwrap()
            .is_mine()
    );
}

#[test]
fn save_copy_message_writes_the_copy_and_opens_it() {
    let (tmp, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let file = make_project(tmp.path());
    let mut h =
        support::gui::harness_dt(App::with_project(Prefs::default(), tmp.path()), SIZE, 0.25);
    h.run_steps(2);
    let dest = out.path().join("copy");
    h.state_mut()
        .state
        .push(marginalia::app::Message::SaveCopy(dest.clone()));
    h.run_steps(2);
    let s = h.state().state.session.as_ref().unwrap();
    assert_eq!(s.dir(), dest.as_path());
    assert_eq!(s.project, Session::open(&file).unwrap().project);
    let copy_file = dest.join("shared.marginalia.ron");
    assert!(
        lock::read(&lock::lock_path(&copy_file))
            .unwrap()
            .unwrap()
            .is_mine()
    );
    assert!(
        !lock::lock_path(&file).exists(),
        "the original is no longer held"
    );
    assert!(h.state().state.status.starts_with("Saved a copy as"));
}

#[test]
fn conflicting_save_opens_the_review_and_saves_after_resolving() {
    let tmp = tempfile::tempdir().unwrap();
    let file = make_project(tmp.path());
    let mut h =
        support::gui::harness_dt(App::with_project(Prefs::default(), tmp.path()), SIZE, 0.25);
    h.run_steps(2);
    // Both sides change the document's title: a conflict.
    let mut other = Session::open(&file).unwrap();
    let d = *other.project.documents.keys().next().unwrap();
    let before = other.project.documents[&d].meta.clone();
    let mut theirs = before.clone();
    theirs.title = "Theirs".into();
    other
        .commit(Transaction::new("title").with(Edit::DocumentMeta {
            before: Box::new(before.clone()),
            after: Box::new(theirs),
        }))
        .unwrap();
    other.save().unwrap();
    let mut mine = before.clone();
    mine.title = "Mine".into();
    h.state_mut()
        .state
        .session
        .as_mut()
        .unwrap()
        .commit(Transaction::new("title").with(Edit::DocumentMeta {
            before: Box::new(before),
            after: Box::new(mine),
        }))
        .unwrap();
    h.state_mut().state.push(marginalia::app::Command::Save);
    h.run_steps(4);
    let status = h.state().state.status.clone();
    assert!(h.query_by_label("Merge conflicts").is_some(), "{status}");
    h.get_by_label_contains("changed on both sides");
    assert!(h.state().state.is_dirty(), "not saved while unresolved");
    h.get_by_label("Keep mine").click();
    h.run_steps(2);
    h.state_mut().state.push(marginalia::app::Command::Save);
    h.run_steps(2);
    assert!(!h.state().state.is_dirty());
    let on_disk = Session::open(&file).unwrap();
    assert_eq!(on_disk.project.documents[&d].meta.title, "Mine");
    assert!(on_disk.project.conflicts.is_empty(), "resolved");
}
