//! Project-level actions: open, create from a folder, reload, save, add documents, close,
//! quit; and the helpers every handler shares (commit, errors).

use crate::app::message::Message;
use crate::app::state::{Dialog, FindState, Prefs, SaveState, Selection};
use crate::app::{App, Command, recovery};
use crate::model::{DocId, Edit, Transaction};
use crate::session::Session;
use crate::store::{self, StoreError};
use std::path::{Path, PathBuf};

impl App {
    /// Asks about unsaved changes first; `true` when the caller may go on now.
    fn settled(&mut self, then: Message) -> bool {
        if self.state.is_dirty() {
            self.state.dialog = Some(Dialog::Unsaved {
                then: Box::new(then.into()),
            });
            return false;
        }
        true
    }

    pub(super) fn open(&mut self, path: PathBuf) {
        if !self.settled(Message::Open(path.clone())) {
            return;
        }
        if let Ok(file) = store::resolve_project_file(&path)
            && let store::lock::Presence::Held(others) = store::lock::presence(&file)
        {
            self.state.dialog = Some(Dialog::InUse {
                path,
                who: store::lock::describe_all(&others),
            });
            return;
        }
        self.open_in_use(path, false);
    }

    /// Opens a project without asking about presence again; `read_only`: without a lock,
    /// and saving refused.
    pub(super) fn open_in_use(&mut self, path: PathBuf, read_only: bool) {
        match Session::open(&path) {
            Ok(mut s) => {
                // The presence entry names the annotator.
                s.stamper = self.state.stamper();
                let lock_error = if read_only {
                    s.set_read_only("opened read-only while in use elsewhere".into());
                    None
                } else {
                    s.acquire_lock().err()
                };
                self.set_session(s, &path);
                self.reanchor_on_open();
                if let Some(e) = lock_error {
                    self.state.status = format!("Opened, but cannot mark it in use: {e}");
                }
            }
            Err(e) => self.error(&super::super::start::open_failure_text(&path, &e)),
        }
    }

    pub(super) fn new_from_folder(&mut self, ctx: &egui::Context, dir: PathBuf) {
        if !self.settled(Message::NewFromFolder(dir.clone())) {
            return;
        }
        let created = store::resolve_project_file(&dir).is_err();
        match new_project_from_folder(&dir) {
            Ok(mut s) => {
                let file = s.disk.project_file.clone();
                s.stamper = self.state.stamper();
                let lock_error = s.acquire_lock().err();
                // A new project's documents are all new: offer their titles and status.
                let mut docs: Vec<(String, DocId)> = s
                    .project
                    .documents
                    .values()
                    .map(|d| {
                        let src = d.meta.source.as_ref().map(|x| x.path.to_string());
                        (src.unwrap_or_default(), d.meta.id)
                    })
                    .collect();
                docs.sort();
                self.set_session(s, &file);
                if let Some(e) = lock_error {
                    self.state.status = format!("Cannot mark the project in use: {e}");
                }
                self.state.last_change = Some(ctx.input(|i| i.time));
                if created && self.state.dialog.is_none() {
                    let ids: Vec<DocId> = docs.into_iter().map(|(_, id)| id).collect();
                    self.offer_new_documents(&ids, None);
                }
            }
            Err(e) => self.error(&format!("Cannot create a project: {e:#}")),
        }
    }

    pub(super) fn reload(&mut self) {
        let Some(s) = &self.state.session else { return };
        let file = s.disk.project_file.clone();
        // Keep the reader where it was when the document is still there.
        let (doc, sel, selected) = (self.state.doc, self.state.sel.clone(), self.state.selected);
        let read_only = s.disk.read_only.clone();
        match Session::open(&file) {
            Ok(mut s) => {
                // The reloaded session keeps this window's presence (or read-only state).
                if let Some(old) = self.state.session.as_mut() {
                    s.lock = old.lock.take();
                }
                if let Some(r) = read_only
                    && s.disk.read_only.is_none()
                {
                    s.set_read_only(r);
                }
                self.set_session(s, &file);
                let st = &mut self.state;
                if doc.is_some_and(|d| st.project().is_some_and(|p| p.documents.contains_key(&d))) {
                    st.doc = doc;
                    st.sel = sel;
                    st.selected = selected;
                    st.scroll_to = Some(st.sel.caret);
                }
                st.revalidate();
            }
            Err(e) => self.error(&format!("Cannot reload the project: {e}")),
        }
    }

    pub(super) fn save_as(&mut self, path: PathBuf) {
        let st = &mut self.state;
        let Some(s) = &mut st.session else { return };
        let old = s.disk.project_file.clone();
        match s.save_as(path.clone()) {
            Ok(r) => {
                recovery::remove_for(&old, &s.id);
                st.save_state = SaveState::Saved;
                st.status = format!("Saved as {} ({} files)", path.display(), r.written.len());
                remember(&mut st.prefs, &path);
            }
            Err(e) => {
                st.save_state = SaveState::Error(e.to_string());
                self.error(&format!("Cannot save: {e}"));
            }
        }
    }

    /// Saves a complete copy of the project into `dir` and opens it; the project this
    /// window had open stays as it is on disk (its unsaved changes live on in the copy and
    /// in its recovery copy).
    pub(super) fn save_copy(&mut self, dir: PathBuf) {
        let Some(s) = &self.state.session else { return };
        match s.save_copy(&dir) {
            Ok(mut copy) => {
                let file = copy.disk.project_file.clone();
                let lock_error = copy.acquire_lock().err();
                self.set_session(copy, &file);
                self.state.status = format!("Saved a copy as {} and opened it", file.display());
                if let Some(e) = lock_error {
                    self.state
                        .status
                        .push_str(&format!("; cannot mark it in use: {e}"));
                }
            }
            Err(e) => self.error(&format!("Cannot save a copy: {e}")),
        }
    }

    /// Adds source files as documents. A file outside the project folder is copied into
    /// `sources/` first (never over a different file: `store::place`, the rule of Add pages
    /// and `marginalia add --copy`), and one line says so.
    pub(super) fn add_documents(&mut self, ctx: &egui::Context, paths: &[PathBuf]) {
        // PDFs, PAGE/ALTO/hOCR/METS files and manifests are imported in the background.
        let (archive, paths): (Vec<&PathBuf>, Vec<&PathBuf>) = paths.iter().partition(|p| {
            crate::interchange::into_project::detect(&p.to_string_lossy()).is_some()
        });
        if !archive.is_empty() {
            let sources = archive
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            self.state.push(Message::AddArchive(sources));
        }
        if paths.is_empty() {
            return;
        }
        let Some(s) = &self.state.session else { return };
        let dir = s.dir().to_path_buf();
        let mut tx = Transaction::new("Add documents");
        let mut known: Vec<String> = s
            .project
            .documents
            .values()
            .filter_map(|d| d.meta.source.as_ref().map(|x| x.path.to_string()))
            .collect();
        let mut errors = Vec::new();
        let mut placed = Vec::new();
        let limit = store::Limits::default().max_source_bytes;
        for p in paths {
            let doc = store::place::place_in_project(&dir, p, "sources", limit).and_then(|pl| {
                let d = store::document_from_source(&dir, &pl.rel().to_native(&dir))?;
                Ok((pl, d))
            });
            match doc {
                Ok((pl, d)) => {
                    let rel = pl.rel().to_string();
                    placed.push(pl);
                    if known.contains(&rel) {
                        continue;
                    }
                    known.push(rel);
                    tx.push(Edit::Document {
                        before: None,
                        after: Some(Box::new(d)),
                    });
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
        let n = tx.edits.len();
        // The add is its own history entry; titles and status set afterwards are the next.
        let added: Vec<DocId> = tx
            .edits
            .iter()
            .filter_map(|e| match e {
                Edit::Document { after: Some(d), .. } => Some(d.meta.id),
                _ => None,
            })
            .collect();
        let committed = self.commit(ctx, tx);
        let copies = store::place::describe_copies(&placed);
        let skipped = placed.len().saturating_sub(n);
        let mut line = format!("Added {}.", crate::words::count(n, "document", "documents"));
        if skipped > 0 {
            line.push_str(&format!(
                " {} already in the project.",
                crate::words::count(skipped, "file was", "files were")
            ));
        }
        if !copies.is_empty() {
            line.push(' ');
            line.push_str(&copies);
        }
        self.state.status = line;
        let mut note = copies;
        if !errors.is_empty() {
            if !note.is_empty() {
                note.push('\n');
            }
            note.push_str(&format!(
                "Some files were not added:\n{}",
                errors.join("\n")
            ));
        }
        let note = (!note.is_empty()).then_some(note);
        if committed {
            self.offer_new_documents(&added, note);
        } else if let Some(note) = note {
            self.state.dialog = Some(Dialog::Message(note));
        }
    }

    pub(super) fn close(&mut self) {
        let st = &mut self.state;
        if st.is_dirty() {
            st.dialog = Some(Dialog::Unsaved {
                then: Box::new(Command::Close.into()),
            });
            return;
        }
        recovery::remove(st.session.as_ref());
        st.session = None;
        st.problems.clear();
        st.sel = Selection::default();
        st.save_state = SaveState::Saved;
        st.status = "Closed the project".into();
        st.revalidate();
    }

    pub(super) fn quit(&mut self, ctx: &egui::Context) {
        let st = &mut self.state;
        if st.is_dirty() && !st.allow_close {
            st.dialog = Some(Dialog::Unsaved {
                then: Box::new(Command::Quit.into()),
            });
            return;
        }
        st.allow_close = true;
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }

    /// Commits a transaction, then drops ids it removed; reports failure in the status bar.
    pub(super) fn commit(&mut self, ctx: &egui::Context, mut tx: Transaction) -> bool {
        let st = &mut self.state;
        let stamper = st.stamper();
        let Some(s) = &mut st.session else {
            return false;
        };
        if tx.is_empty() {
            return false;
        }
        // In an independent document, what the annotator creates goes into their layer.
        let viewer = crate::model::layers::Viewer {
            annotator: st.prefs.annotator.as_deref(),
            curating: st.curation_open,
        };
        crate::model::layers::into_layer(&s.project, &mut tx, viewer);
        let label = tx.label.clone();
        s.stamper = stamper;
        match s.commit(tx) {
            Ok(change) => {
                st.changed(&change, ctx.input(|i| i.time));
                true
            }
            Err(e) => {
                st.status = format!("{label} failed: {e}");
                false
            }
        }
    }

    /// Saves the open project (Ctrl+S, autosave). With [`TRACE_SAVES_ENV`] set, each save
    /// prints when it started and ended (Unix milliseconds) and what it did to standard
    /// error.
    pub(crate) fn save(&mut self) {
        let st = &mut self.state;
        let Some(s) = &mut st.session else { return };
        st.save_state = SaveState::Saving;
        let started = unix_ms();
        let result = s.save();
        if std::env::var_os(TRACE_SAVES_ENV).is_some() {
            // One line per save for trials that check two windows' saves really raced.
            let outcome = match &result {
                Ok(r) => format!("ok written={} merged={}", r.written.len(), r.merged),
                Err(e) => format!("error {e}"),
            };
            eprintln!(
                "marginalia save: start_ms={started} end_ms={} {outcome}",
                unix_ms()
            );
        }
        match result {
            Ok(r) => {
                recovery::remove(Some(s));
                st.save_state = SaveState::Saved;
                st.last_change = None;
                st.status = if r.written.is_empty() {
                    "Saved (nothing changed)".to_owned()
                } else {
                    format!(
                        "Saved {}",
                        crate::words::count(r.written.len(), "file", "files")
                    )
                };
                if r.merged > 0 {
                    st.status = format!(
                        "Merged {} change{} from disk; {}",
                        r.merged,
                        if r.merged == 1 { "" } else { "s" },
                        st.status
                    );
                }
                st.revalidate();
            }
            // The save merged another writer's work first, and some of it changed the same
            // records as ours: the review opens; nothing is lost, saving waits for it.
            Err(e @ StoreError::MergeConflicts { .. }) => {
                st.save_state = SaveState::Error("merge conflicts to resolve".into());
                st.status = e.to_string();
                st.conflicts_open = true;
                st.recovery_written = false;
                st.revalidate();
            }
            Err(StoreError::Conflict { .. }) => self.merge_from_disk(),
            Err(e) => {
                st.save_state = SaveState::Error(e.to_string());
                st.status = format!("Cannot save: {e}");
            }
        }
    }

    /// A save was refused because another writer changed the files: merges the disk
    /// version into the session (one undoable history entry), says what came in, and
    /// saves the result when nothing conflicts; conflicts open the review and saving waits
    /// until they are resolved.
    fn merge_from_disk(&mut self) {
        let st = &mut self.state;
        let Some(s) = &mut st.session else { return };
        match s.merge_from_disk() {
            Ok(m) if s.project.conflicts.is_empty() => {
                let merged = m.summary();
                st.revalidate();
                self.save();
                let st = &mut self.state;
                st.status = format!("{merged}; {}", st.status);
            }
            Ok(m) => {
                st.save_state = SaveState::Error("merge conflicts to resolve".into());
                st.status = m.summary();
                st.conflicts_open = true;
                st.revalidate();
            }
            Err(e) => {
                st.save_state = SaveState::Error("changed on disk".into());
                st.dialog = Some(Dialog::Conflict(format!(
                    "The project changed on disk and could not be merged: {e}"
                )));
            }
        }
    }

    fn set_session(&mut self, s: Session, path: &Path) {
        let st = &mut self.state;
        st.doc = s.project.documents.keys().next().copied();
        let mut s = s;
        // Who works here decides whether a recovery copy is offered as theirs.
        if s.stamper.is_none() {
            s.stamper = st.stamper();
        }
        let recovered = recovery::read(&s);
        st.problems = s.load_problems.clone();
        // Load problems are shown on open, not first discovered on save.
        st.problems_open = !st.problems.is_empty();
        // Conflicts recorded in the files (the git merge driver wrote them) open the review.
        st.conflicts_open = !s.project.conflicts.is_empty();
        st.session = Some(s);
        st.sel = Selection::default();
        st.selected = None;
        st.filling = None;
        st.entry_page = None;
        st.save_state = SaveState::Saved;
        st.find = FindState::default();
        st.last_change = None;
        st.allow_close = false;
        st.scroll_to = Some(0);
        st.status = format!("Opened {}", path.display());
        remember(&mut st.prefs, path);
        match recovered {
            Ok(Some(r)) => st.dialog = Some(Dialog::Recovery(Box::new(r))),
            Ok(None) => {}
            Err(e) => st.status = format!("Recovery copy unreadable: {e}"),
        }
    }

    pub(super) fn error(&mut self, msg: &str) {
        self.state.status = msg.lines().next().unwrap_or_default().to_owned();
        self.state.dialog = Some(Dialog::Message(msg.to_owned()));
    }
}

/// Puts `path` first in the recent-projects list (at most ten).
fn remember(prefs: &mut Prefs, path: &Path) {
    let p = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    prefs.recent.retain(|x| x != &p);
    prefs.recent.insert(0, p);
    prefs.recent.truncate(10);
}

/// The project already in `dir`, or a new one over the transcriptions under it, kept where
/// they are.
fn new_project_from_folder(dir: &Path) -> anyhow::Result<Session> {
    if let Ok(file) = store::resolve_project_file(dir) {
        return Ok(Session::open(&file)?);
    }
    let (project, file) = crate::interchange::text::project_in_place(dir)?;
    crate::app::start::write_gitignore(dir)?;
    Ok(Session::create(project, file))
}

/// Set (to anything) to have the window print one line per save to standard error:
/// `marginalia save: start_ms=… end_ms=… ok written=N merged=M` (or `error …`).
pub const TRACE_SAVES_ENV: &str = "MARGINALIA_TRACE_SAVES";

/// Milliseconds since the Unix epoch (0 if the clock is before it).
fn unix_ms() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}
