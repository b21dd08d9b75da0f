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

/// Issue 21: Continue used to replace the colleague's lock, so after we quit nobody was
/// shown although they were still in. Now it joins the list, and closing removes only our
/// entry.
#[test]
fn continue_joins_the_others_and_closing_removes_only_our_entry() {
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
    let all = lock::read_all(&lock::lock_path(&file)).unwrap();
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(all.iter().any(|i| i.is_mine()) && all.iter().any(|i| !i.is_mine()));
    drop(h);
    let left = lock::read_all(&lock::lock_path(&file)).unwrap();
    assert_eq!(left.len(), 1, "the colleague is still in: {left:?}");
    assert!(!left[0].is_mine());
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

/// Issue 21, item 4: a colleague changes an annotation's note while the window shows it in
/// the inspector. The live merge (the folder watch, not a save of ours) brings the new note
/// into the Note field; clicking into the field and out again (pointer events at its rect)
/// writes nothing back — before, the field kept the old text and the click reverted them.
#[test]
fn a_note_field_follows_a_live_merge_and_a_click_in_and_out_writes_nothing_back() {
    use egui_kittest::kittest::NodeT as _;
    use marginalia::app::Message;
    let tmp = tempfile::tempdir().unwrap();
    let file = marginalia::build_info::install_sample(tmp.path()).unwrap();
    let (d, a) = {
        let mut s = Session::open(&file).unwrap();
        let d = *s.project.documents.keys().next().unwrap();
        let (tx, a) =
            ops::tagging::tag_mention(&s.project, d, &[Span::new(0, 4)], &Slug::new("person"))
                .unwrap();
        s.commit(tx).unwrap();
        let tx = ops::core::set_note(&s.project, d, a, "first reading").unwrap();
        s.commit(tx).unwrap();
        s.save().unwrap();
        (d, a)
    };
    let mut h = support::gui::harness_dt(App::with_project(Prefs::default(), &file), SIZE, 0.25);
    h.run_steps(2);
    h.state_mut().state.push(Message::SelectDocument(d));
    h.run_steps(2);
    h.state_mut().state.push(Message::SelectAnnotation(Some(a)));
    h.run_steps(3);
    let note_field = |h: &egui_kittest::Harness<'static, App>| {
        h.query_all_by_label("Note")
            .find(|n| n.accesskit_node().role() == egui::accesskit::Role::MultilineTextInput)
            .map(|n| (n.accesskit_node().value().unwrap_or_default(), n.rect()))
            .unwrap_or_else(|| {
                let seen: Vec<String> = h
                    .query_all_by_label_contains("Note")
                    .map(|n| format!("{:?} {:?}", n.accesskit_node().role(), n.accesskit_node().label()))
                    .collect();
                let st = &h.state().state;
                panic!(
                    "the inspector shows the Note field: {seen:?} doc {:?} sel {:?} inspector {} status {}",
                    st.doc,
                    st.selected,
                    h.query_all_by_label("Inspector").count(),
                    st.status
                )
            })
    };
    assert_eq!(note_field(&h).0, "first reading");
    // The colleague's window, in its own session, changes the note and saves.
    let mut other = Session::open(&file).unwrap();
    let tx = ops::core::set_note(&other.project, d, a, "colleague's reading").unwrap();
    other.commit(tx).unwrap();
    other.save().unwrap();
    // The window's watch sees the save and merges it (real time: the watch is a thread).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while note_field(&h).0 != "colleague's reading" && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
        h.run_steps(1);
    }
    let status = h.state().state.status.clone();
    assert_eq!(note_field(&h).0, "colleague's reading", "{status}");
    // Click into the field, then out of it (on the window's empty bottom-right corner).
    let rect = note_field(&h).1;
    let at = egui::pos2(rect.center().x as f32, rect.center().y as f32);
    h.hover_at(at);
    h.run_steps(1);
    h.drag_at(at);
    h.run_steps(1);
    h.drop_at(at);
    h.run_steps(2);
    let out = egui::pos2(1270.0, 790.0);
    h.hover_at(out);
    h.run_steps(1);
    h.drag_at(out);
    h.run_steps(1);
    h.drop_at(out);
    h.run_steps(3);
    let s = h.state().state.session.as_ref().unwrap();
    assert_eq!(
        s.project.documents[&d].annotations[&a].note,
        "colleague's reading"
    );
    assert!(
        s.history.undo_label().is_none_or(|l| !l.contains("note")),
        "no note edit was committed: {:?}",
        s.history.undo_label()
    );
    h.state_mut().state.push(marginalia::app::Command::Save);
    h.run_steps(2);
    let on_disk = Session::open(&file).unwrap();
    assert_eq!(
        on_disk.project.documents[&d].annotations[&a].note,
        "colleague's reading"
    );
}

/// Issue 21, the two-window trial: what another process saves reaches a window that is
/// hidden (fully covered by the colleague's window, or minimized) without anyone touching
/// it. eframe 0.37 runs no frame for a hidden window — only `App::logic`, on each wake of
/// the folder watch — so before, the window neither merged nor updated its accessibility
/// tree until it was shown or got input (the trial's windows, one on the other, each
/// missed the other's last tag). Here a second process of the binary (`marginalia add`)
/// adds a document while the window is hidden: its logic merges it and asks for a frame
/// drawn while hidden, and that frame's tree names the new document.
#[test]
fn another_process_save_reaches_a_hidden_window() {
    let tmp = tempfile::tempdir().unwrap();
    let file = marginalia::build_info::install_sample(tmp.path()).unwrap();
    let dir = file.parent().unwrap().to_path_buf();
    let mut h = support::gui::harness_dt(App::with_project(Prefs::default(), &file), SIZE, 0.25);
    h.run_steps(3);
    let shown =
        |h: &egui_kittest::Harness<'static, App>| h.query_all_by_label("harbour note").count() > 0;
    assert!(!shown(&h), "no such document yet");
    let generation = h.state().state.generation();
    std::fs::write(dir.join("sources/harbour note.txt"), "Ships at Inchon.\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .arg("add")
        .arg(&dir)
        .arg(dir.join("sources/harbour note.txt"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The window is covered: eframe calls only the app's logic, as the watch wakes it.
    let mut hidden = egui::RawInput::default();
    hidden.viewports.insert(
        egui::ViewportId::ROOT,
        egui::ViewportInfo {
            minimized: Some(false),
            occluded: Some(true),
            ..Default::default()
        },
    );
    let ctx = h.ctx.clone();
    let mut asked = false;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !asked && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
        let out = ctx.run_logic(&hidden, |ctx| h.state_mut().logic(ctx));
        asked = out
            .viewport_commands
            .values()
            .flatten()
            .any(|c| matches!(c, egui::ViewportCommand::RequestPaintWhileHidden));
    }
    let st = &h.state().state;
    assert_ne!(
        st.generation(),
        generation,
        "the hidden window merged the other process's save: {}",
        st.status
    );
    assert!(asked, "the hidden window asked to be drawn: {}", st.status);
    // The frame eframe then draws while hidden.
    h.run();
    assert!(
        shown(&h),
        "the new document is in the hidden window's tree (status: {})",
        h.state().state.status
    );
}

/// The value and rectangle of the text field labelled `label` (role `role`).
fn bound_field(
    h: &egui_kittest::Harness<'static, App>,
    label: &str,
    role: egui::accesskit::Role,
) -> Option<(String, egui::Rect)> {
    use egui_kittest::kittest::NodeT as _;
    h.query_all_by_label(label)
        .find(|n| n.accesskit_node().role() == role)
        .map(|n| (n.accesskit_node().value().unwrap_or_default(), n.rect()))
}

/// Runs the window until the field labelled `label` shows `want` (real time: the folder
/// watch that brings another session's save is a thread); fails naming what it showed.
fn wait_for_field(
    h: &mut egui_kittest::Harness<'static, App>,
    label: &str,
    role: egui::accesskit::Role,
    want: &str,
) -> egui::Rect {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let seen = bound_field(h, label, role);
        if let Some((v, rect)) = &seen
            && v == want
        {
            return *rect;
        }
        if std::time::Instant::now() > deadline {
            panic!(
                "the {label} field shows {seen:?}, not {want:?} (status: {})",
                h.state().state.status
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        h.run_steps(1);
    }
}

/// A click into `rect` and then out of every field (the window's empty bottom-right
/// corner), as a pointer does it.
fn click_in_and_out(h: &mut egui_kittest::Harness<'static, App>, rect: egui::Rect) {
    support::gui::click_at(h, rect);
    let out = egui::Rect::from_center_size(egui::pos2(1270.0, 790.0), egui::vec2(1.0, 1.0));
    support::gui::click_at(h, out);
    h.run_steps(2);
}

/// The sample with its first registry entry given coordinates and an alias with a note,
/// saved; the window open on it, showing that entry's page.
fn entry_page_on_sample(
    tmp: &Path,
) -> (
    PathBuf,
    EntryId,
    String,
    egui_kittest::Harness<'static, App>,
) {
    use marginalia::app::Message;
    use marginalia::model::registry::{AliasKind, Coordinates};
    let file = marginalia::build_info::install_sample(tmp).unwrap();
    let mut s = Session::open(&file).unwrap();
    let id = *s.project.registry.keys().next().unwrap();
    let at = Coordinates {
        lat: 37.97,
        lon: 126.55,
    };
    let tx = ops::registry::set_coordinates(&s.project, id, Some(at)).unwrap();
    s.commit(tx).unwrap();
    let alias = "Kaesong talks alias";
    let tx = ops::registry::add_alias(&s.project, id, alias, AliasKind::Variant, "first reading")
        .unwrap();
    s.commit(tx).unwrap();
    s.save().unwrap();
    let mut h = support::gui::harness_dt(App::with_project(Prefs::default(), &file), SIZE, 0.25);
    h.run_steps(2);
    h.state_mut().state.push(Message::OpenEntry(Some(id)));
    h.run_steps(3);
    (file, id, alias.to_owned(), h)
}

/// Issue 21 item 4 for the entry page's Coordinates field (issue 22): a colleague's
/// session changes the coordinates while the page shows them; the live merge brings them
/// into the field, and a click in and out (pointer events at its rect) writes nothing back.
#[test]
fn the_coordinates_field_follows_a_live_merge_and_a_click_in_and_out_writes_nothing_back() {
    use egui::accesskit::Role;
    use marginalia::model::registry::Coordinates;
    let tmp = tempfile::tempdir().unwrap();
    let (file, id, _, mut h) = entry_page_on_sample(tmp.path());
    wait_for_field(&mut h, "Coordinates", Role::TextInput, "37.97, 126.55");
    let theirs = Coordinates {
        lat: 38.0,
        lon: 127.25,
    };
    let mut other = Session::open(&file).unwrap();
    let tx = ops::registry::set_coordinates(&other.project, id, Some(theirs)).unwrap();
    other.commit(tx).unwrap();
    other.save().unwrap();
    let rect = wait_for_field(&mut h, "Coordinates", Role::TextInput, "38, 127.25");
    click_in_and_out(&mut h, rect);
    let s = h.state().state.session.as_ref().unwrap();
    assert_eq!(s.project.registry[&id].coordinates, Some(theirs));
    assert!(
        !s.is_dirty(),
        "nothing written: {:?}",
        s.history.undo_label()
    );
    h.state_mut().state.push(marginalia::app::Command::Save);
    h.run_steps(2);
    let on_disk = Session::open(&file).unwrap();
    assert_eq!(on_disk.project.registry[&id].coordinates, Some(theirs));
}

/// Issue 21 item 4 for an alias's note on the entry page (issue 22): the same, for the
/// "Note on …" field of the alias a colleague re-noted.
#[test]
fn an_alias_note_field_follows_a_live_merge_and_a_click_in_and_out_writes_nothing_back() {
    use egui::accesskit::Role;
    let tmp = tempfile::tempdir().unwrap();
    let (file, id, alias, mut h) = entry_page_on_sample(tmp.path());
    let label = format!("Note on {alias}");
    wait_for_field(&mut h, &label, Role::TextInput, "first reading");
    let mut other = Session::open(&file).unwrap();
    let i = other.project.registry[&id]
        .aliases
        .iter()
        .position(|a| a.name == alias)
        .unwrap();
    let mut changed = other.project.registry[&id].aliases[i].clone();
    changed.note = "colleague's reading".into();
    let tx = ops::registry::edit_alias(&other.project, id, i, changed).unwrap();
    other.commit(tx).unwrap();
    other.save().unwrap();
    let rect = wait_for_field(&mut h, &label, Role::TextInput, "colleague's reading");
    click_in_and_out(&mut h, rect);
    let s = h.state().state.session.as_ref().unwrap();
    assert_eq!(
        s.project.registry[&id].aliases[i].note,
        "colleague's reading"
    );
    assert!(
        !s.is_dirty(),
        "nothing written: {:?}",
        s.history.undo_label()
    );
    h.state_mut().state.push(marginalia::app::Command::Save);
    h.run_steps(2);
    let on_disk = Session::open(&file).unwrap();
    assert_eq!(
        on_disk.project.registry[&id].aliases[i].note,
        "colleague's reading"
    );
}

/// Issue 21 item 4 for the project's name and description in the metadata editor (issue
/// 22): a colleague renames the project while the person has typed into the description
/// (clicked into it, typed, clicked out, not applied yet). The name field follows the
/// live merge; the typed description stays (before, the merge reloaded the whole form
/// and wiped it); "Apply to the project" then writes their description under the
/// colleague's name, never the old name back.
#[test]
fn project_fields_follow_a_live_merge_and_keep_what_is_being_typed() {
    use egui::accesskit::Role;
    use marginalia::app::{Command, Message};
    let tmp = tempfile::tempdir().unwrap();
    let file = marginalia::build_info::install_sample(tmp.path()).unwrap();
    let before = Session::open(&file).unwrap().project.info.clone();
    let d = *Session::open(&file)
        .unwrap()
        .project
        .documents
        .keys()
        .next()
        .unwrap();
    let mut h = support::gui::harness_dt(App::with_project(Prefs::default(), &file), SIZE, 0.25);
    h.run_steps(2);
    h.state_mut().state.push(Message::SelectDocument(d));
    h.run_steps(2);
    h.state_mut().state.push(Command::ToggleMetadata);
    h.run_steps(3);
    wait_for_field(&mut h, "Project name", Role::TextInput, &before.name);
    let (desc, rect) = bound_field(&h, "Project description", Role::MultilineTextInput)
        .expect("the metadata editor shows the project description");
    assert_eq!(desc, before.description);
    // Click into the description, type, click out.
    support::gui::click_at(&mut h, rect);
    h.key_press(egui::Key::End);
    h.run_steps(1);
    h.event(egui::Event::Text(" (draft)".into()));
    h.run_steps(2);
    let (now, _) = bound_field(&h, "Project description", Role::MultilineTextInput).unwrap();
    assert!(now.contains(" (draft)"), "typed: {now:?}");
    let out = egui::Rect::from_center_size(egui::pos2(1270.0, 790.0), egui::vec2(1.0, 1.0));
    support::gui::click_at(&mut h, out);
    // The colleague renames the project and saves.
    let mut other = Session::open(&file).unwrap();
    let tx =
        ops::document::set_project_info(&other.project, "Armistice talks", &before.description)
            .unwrap();
    other.commit(tx).unwrap();
    other.save().unwrap();
    let name_rect = wait_for_field(&mut h, "Project name", Role::TextInput, "Armistice talks");
    let (kept, _) = bound_field(&h, "Project description", Role::MultilineTextInput).unwrap();
    assert_eq!(kept, now, "the typed description survives the merge");
    // A click in and out of the name field writes nothing.
    click_in_and_out(&mut h, name_rect);
    assert_eq!(
        h.state().state.session.as_ref().unwrap().project.info.name,
        "Armistice talks"
    );
    // Apply: the typed description under the colleague's name.
    // The button is at the foot of the editor's scrolled form: the wheel, over the form,
    // brings it into view.
    h.hover_at(name_rect.center());
    h.run_steps(1);
    for _ in 0..3 {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -400.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: egui::Modifiers::NONE,
        });
        h.run_steps(2);
    }
    let apply = h.get_by_label("Apply to the project").rect();
    support::gui::click_at(&mut h, apply);
    h.run_steps(2);
    let info = &h.state().state.session.as_ref().unwrap().project.info;
    assert_eq!(info.name, "Armistice talks");
    assert_eq!(info.description, now);
}

/// The metadata editor's document form (issue 21, left over from issue 22's fields): a
/// colleague's save changes the call number while the person is typing a new title; the
/// live merge brings the call number into the form, the typed title stays (it used to be
/// wiped by a reload of the whole form), and Apply writes both.
#[test]
fn document_form_keeps_a_typed_title_and_takes_a_merged_call_number() {
    use egui::accesskit::Role;
    use marginalia::app::{Command, Message};
    let tmp = tempfile::tempdir().unwrap();
    let file = marginalia::build_info::install_sample(tmp.path()).unwrap();
    let s = Session::open(&file).unwrap();
    let (d, meta) = s
        .project
        .documents
        .iter()
        .next()
        .map(|(id, doc)| (*id, doc.meta.clone()))
        .unwrap();
    let mut h = support::gui::harness_dt(App::with_project(Prefs::default(), &file), SIZE, 0.25);
    h.run_steps(2);
    h.state_mut().state.push(Message::SelectDocument(d));
    h.run_steps(2);
    h.state_mut().state.push(Command::ToggleMetadata);
    h.run_steps(3);
    let title_rect = wait_for_field(&mut h, "Title", Role::TextInput, &meta.title);
    // Click into the title, type at its end; the field keeps focus.
    support::gui::click_at(&mut h, title_rect);
    h.key_press(egui::Key::End);
    h.run_steps(1);
    h.event(egui::Event::Text(" (draft)".into()));
    h.run_steps(2);
    let typed = format!("{} (draft)", meta.title);
    assert_eq!(
        bound_field(&h, "Title", Role::TextInput).unwrap().0,
        typed,
        "typed into the title"
    );
    // The colleague sets a call number and saves.
    let mut other = Session::open(&file).unwrap();
    let mut archival = meta.archival.clone();
    archival.call_number = "f. 45, op. 1, d. 340".into();
    let tx =
        ops::document::set_metadata(&other.project, d, &meta.title, meta.status, archival).unwrap();
    other.commit(tx).unwrap();
    other.save().unwrap();
    wait_for_field(
        &mut h,
        "Call number",
        Role::TextInput,
        "f. 45, op. 1, d. 340",
    );
    assert_eq!(
        bound_field(&h, "Title", Role::TextInput).unwrap().0,
        typed,
        "the typed title survives the merge"
    );
    let apply = h.get_by_label("Apply").rect();
    support::gui::click_at(&mut h, apply);
    h.run_steps(2);
    let now = &h
        .state()
        .state
        .session
        .as_ref()
        .unwrap()
        .project
        .documents
        .get(&d)
        .unwrap()
        .meta;
    assert_eq!(now.title, typed);
    assert_eq!(now.archival.call_number, "f. 45, op. 1, d. 340");
}
