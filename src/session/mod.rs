//! An open project: the model, its files on disk, the undo history and what is unsaved.
//!
//! Shared by the GUI and the command line; no UI code here. Besides [`Session`] itself:
//! the per-session recovery copy ([`recovery`]), watching the folder for other writers
//! ([`watch`]), source files changed on disk ([`source_watch`]) and re-anchoring documents
//! whose source changed ([`reanchor`]) — all tested without a window.
//!
//! **Several writers.** A save holds the project's inter-process lock
//! ([`crate::store::WriteLock`]) from the moment it looks at the disk until its last rename:
//! what another writer saved since this session last looked is merged in first (three-way,
//! by record, not on this session's undo stack), then written, then checked (a writer that
//! does not honour the lock is found by what the save replaced, and merged again). A save
//! reports success only for what is on disk.

mod changes;
pub mod reanchor;
pub mod recovery;
pub mod source_watch;
pub mod watch;

use crate::model::edit::EditError;
use crate::model::validate::Problem;
use crate::model::{DocId, History, Project, Touched, Transaction};
use crate::store::{self, DiskState, SaveReport, StoreError, WriteLock};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One open project.
#[derive(Debug)]
pub struct Session {
    pub project: Project,
    pub disk: DiskState,
    pub history: History,
    /// What changed since the last load or save.
    pub unsaved: Touched,
    /// Problems found when the project was loaded.
    pub load_problems: Vec<Problem>,
    /// Bumped on every change, so views can cache derived data.
    pub generation: u64,
    /// What a failed Save As may have left on disk, until it is retried or succeeds.
    failed_save_as: Option<DiskState>,
    /// The project as last loaded, saved or merged from disk: the base of a three-way
    /// merge when another writer changed the files.
    pub base: Project,
    /// This process's presence lock on the project file, while the window holds it open
    /// for writing; `None` for the command line, read-only opens and unsaved projects.
    pub lock: Option<store::lock::ProjectLock>,
    /// Who makes the changes committed here, and their clock: every annotation and entry a
    /// commit creates or changes is stamped with it. `None`: no stamps (the command line,
    /// or no annotator name set).
    pub stamper: Option<crate::model::Stamper>,
    /// This session, as its recovery copy and presence entry name it.
    pub id: SessionId,
    /// Marks the session open in this process while it lives (see [`recovery`]).
    _live: recovery::Live,
    /// Who made the changes merged from disk since the session opened (annotator names from
    /// the records' stamps): an undo that no longer applies because of them names them.
    merged_authors: BTreeSet<String>,
    /// Hashes of the project's files by their status, so that looking for another
    /// writer's changes reads only the files whose status changed (derived, never saved).
    seen_on_disk: store::memo::HashMemo,
    /// What the recent generations touched (derived, in memory only).
    changes: changes::ChangeLog,
}

/// How many times a save merges and tries again when other writers keep saving in between
/// (each try holds the lock, so this is only reached where locks are not honoured).
const SAVE_TRIES: usize = 8;

/// One session of one process: the name of its recovery copy and presence entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionId {
    pub host: String,
    pub pid: u32,
    /// Unix seconds (UTC) when the session started.
    pub since: u64,
    /// Tells apart sessions of one process started in the same second.
    pub seq: u32,
}

impl SessionId {
    /// A new id for a session of this process, now.
    pub fn new() -> Self {
        static SEQ: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        Self {
            host: store::lock::host_name(),
            pid: std::process::id(),
            since: store::lock::now_secs(),
            seq: SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// The id in a file name: letters, digits, `-` and `_` only.
    pub fn file_part(&self) -> String {
        let host: String = self
            .host
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .take(64)
            .collect();
        format!("{host}-{}-{}-{}", self.pid, self.since, self.seq)
    }
}

impl Default for SessionId {
    fn default() -> Self {
        Self::new()
    }
}

/// What [`Session::merge_from_disk`] brought in.
#[derive(Clone, Debug)]
pub struct DiskMerge {
    /// Records the disk version changed since the base (taken without conflict or not).
    pub incoming: usize,
    /// The conflicts this merge found; the session holds one version of each.
    pub conflicts: Vec<crate::model::merge::Conflict>,
}

/// What [`Session::sync_from_disk`] found.
#[derive(Clone, Debug)]
pub enum DiskSync {
    /// The files hold what this session last loaded or saved (its own writes included).
    Unchanged,
    /// Another writer is in the middle of a save (its journal is there): look again later.
    Busy,
    /// Merged into the session as one undoable history entry.
    Merged(DiskMerge),
    /// Not merged: it would conflict with unsaved changes here. The next save merges it
    /// and opens the conflict review.
    Postponed(DiskMerge),
}

impl DiskMerge {
    /// One line for the status bar.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "Merged {} change{} from disk",
            self.incoming,
            if self.incoming == 1 { "" } else { "s" }
        );
        if !self.conflicts.is_empty() {
            s.push_str(&format!(
                "; {} conflict{} to resolve before saving",
                self.conflicts.len(),
                if self.conflicts.len() == 1 { "" } else { "s" }
            ));
        }
        s
    }
}

impl Session {
    /// Opens the project file, or the one project file in a folder.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let loaded = store::load(path)?;
        let id = SessionId::new();
        Ok(Self {
            _live: recovery::Live::new(&id),
            base: loaded.project.clone(),
            project: loaded.project,
            disk: loaded.disk,
            history: History::default(),
            unsaved: Touched::default(),
            load_problems: loaded.problems,
            generation: 0,
            failed_save_as: None,
            lock: None,
            stamper: None,
            id,
            merged_authors: BTreeSet::new(),
            seen_on_disk: Default::default(),
            changes: Default::default(),
        })
    }

    /// A new, unsaved project to be written as `project_file`.
    pub fn create(project: Project, project_file: PathBuf) -> Self {
        let id = SessionId::new();
        Self {
            _live: recovery::Live::new(&id),
            base: Project {
                info: project.info.clone(),
                ..Project::default()
            },
            project,
            disk: DiskState::new(project_file),
            history: History::default(),
            unsaved: Touched {
                project: true,
                docs: BTreeSet::new(),
                sources: BTreeSet::new(),
            },
            load_problems: Vec::new(),
            generation: 0,
            failed_save_as: None,
            lock: None,
            stamper: None,
            id,
            merged_authors: BTreeSet::new(),
            seen_on_disk: Default::default(),
            changes: Default::default(),
        }
    }

    /// Applies a user action, stamped by [`Session::stamper`], and records it for undo.
    /// A transaction that would leave the project invalid by its schema (an entity type on
    /// an event, a role filler of the wrong type, …) is refused with the reason and changes
    /// nothing, so the window can never save what `marginalia check` rejects — except an
    /// event whose required roles are not filled yet (events are made that way; `check`
    /// lists them).
    pub fn commit(&mut self, mut tx: Transaction) -> Result<Change, EditError> {
        crate::model::ops::core::refuse_invalid_at_commit(&self.project, &tx)
            .map_err(|e| EditError::Refused(e.to_string()))?;
        if let Some(s) = &self.stamper {
            crate::model::ops::core::stamp(&mut tx, &s.stamp());
        }
        let label = tx.label.clone();
        let touched = self.history.commit(&mut self.project, tx)?;
        Ok(self.note_change(label, touched))
    }

    /// [`Session::commit`], joined to the last action as one undo step (typing bursts).
    pub fn commit_joined(&mut self, tx: Transaction, label: &str) -> Result<Change, EditError> {
        let touched = self.history.commit_joined(&mut self.project, tx, label)?;
        Ok(self.note_change(label.to_owned(), touched))
    }

    /// Undoes the last action of this session; `Ok(false)` when there is none. Changes
    /// merged from disk are not on the undo stack: an action whose records a colleague
    /// changed since no longer applies, is dropped, and the error names who changed them.
    pub fn undo(&mut self) -> Result<bool, EditError> {
        let label = self.history.undo_label().unwrap_or_default().to_owned();
        match self.history.undo(&mut self.project) {
            None => Ok(false),
            Some(r) => {
                let touched = r.map_err(|e| self.by_others(e))?;
                self.note_change(label, touched);
                Ok(true)
            }
        }
    }

    /// Redoes the last undone action; `Ok(false)` when there is none.
    pub fn redo(&mut self) -> Result<bool, EditError> {
        let label = self.history.redo_label().unwrap_or_default().to_owned();
        match self.history.redo(&mut self.project) {
            None => Ok(false),
            Some(r) => {
                let touched = r.map_err(|e| self.by_others(e))?;
                self.note_change(label, touched);
                Ok(true)
            }
        }
    }

    /// An undo or redo that no longer applies after changes merged from disk says whose.
    fn by_others(&self, e: EditError) -> EditError {
        if self.merged_authors.is_empty() {
            return e;
        }
        let by: Vec<&str> = self.merged_authors.iter().map(String::as_str).collect();
        EditError::ChangedByOthers {
            inner: Box::new(e),
            by: by.join(", "),
        }
    }

    fn note_change(&mut self, label: String, touched: Touched) -> Change {
        if !touched.is_empty() {
            self.unsaved.merge(touched.clone());
            self.generation += 1;
            self.changes.record(self.generation, touched.clone());
        }
        Change { label, touched }
    }

    /// What the changes after generation `since` touched, or `None` when that is not
    /// known part by part (a merge from disk, or too long ago): then anything may have
    /// changed.
    pub fn touched_since(&self, since: u64) -> Option<Touched> {
        self.changes.since(since)
    }

    pub fn is_dirty(&self) -> bool {
        !self.unsaved.is_empty() || self.disk.project_hash.is_none()
    }

    pub fn is_read_only(&self) -> bool {
        self.disk.read_only.is_some()
    }

    /// Saves what changed. On error nothing is marked saved.
    ///
    /// Holds the project's inter-process lock throughout: what another writer saved since
    /// this session last loaded, saved or merged is merged in first (not on the undo stack;
    /// [`SaveReport::merged`] counts it), then everything is written. When the merge finds
    /// conflicts nothing is written and [`StoreError::MergeConflicts`] says so: they wait in
    /// the project for review. After the renames, a file that held something else than this
    /// session expected (a writer that does not honour the lock) is merged again, so no
    /// record another writer saved is ever replaced unseen.
    pub fn save(&mut self) -> Result<SaveReport, StoreError> {
        self.save_with(&store::fs::RealFs)
    }

    /// [`Session::save`] through a file-system seam (tests fail or crash it at any step).
    /// On error nothing is marked saved, and [`Session::disk`] still says what each file
    /// may hold, so the next save reports no false conflict.
    pub fn save_with(&mut self, fs: &dyn store::fs::Fs) -> Result<SaveReport, StoreError> {
        self.refuse_unresolved()?;
        if let Some(reason) = &self.disk.read_only {
            return Err(StoreError::ReadOnly {
                path: self.disk.project_file.clone(),
                reason: reason.clone(),
            });
        }
        let lock = WriteLock::acquire(&self.disk.project_file)?;
        // A save interrupted earlier (this session's or another's) is finished or undone
        // before anything on disk is compared.
        store::journal::recover(fs, &self.disk.project_file)?;
        let mut merged = 0;
        let mut tries = 0;
        loop {
            tries += 1;
            if self.changed_on_disk() {
                let m = self.merge_from_disk_locked(&lock)?;
                merged += m.incoming;
                if !self.project.conflicts.is_empty() {
                    return Err(StoreError::MergeConflicts {
                        path: self.disk.project_file.clone(),
                        incoming: merged,
                        conflicts: self.project.conflicts.len(),
                    });
                }
            }
            self.refresh_source_hashes();
            let result = store::save_locked(
                fs,
                &self.project,
                &mut self.disk,
                self.unsaved.project,
                &self.unsaved.docs,
                &self.unsaved.sources,
                &lock,
            );
            match result {
                Ok(mut report) => {
                    let overwritten = std::mem::take(&mut report.overwritten);
                    if !overwritten.is_empty() && tries < SAVE_TRIES {
                        // Another writer's version was replaced (the lock was not honoured):
                        // its records are merged back into the file, and from there into
                        // this session by the next round.
                        self.merge_back_overwritten(&overwritten)?;
                        self.base_follows_save();
                        continue;
                    }
                    self.base_follows_save();
                    report.merged = merged;
                    return Ok(report);
                }
                // A file changed between the look and the write: only where the lock is not
                // honoured. Look again (a changed source is the caller's to decide).
                Err(StoreError::Conflict { .. })
                    if tries < SAVE_TRIES && self.changed_on_disk() =>
                {
                    continue;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// After a save wrote what [`Session::unsaved`] names: the base becomes the project
    /// again by copying only those records (the project file's parts, and each written
    /// document), not the whole project — at 2,000,000 annotations a full copy took seconds
    /// on the UI thread. Everything else already equals the base: every change to the
    /// project is marked unsaved (debug builds check that the two are equal afterwards).
    fn base_follows_save(&mut self) {
        let saved = std::mem::take(&mut self.unsaved);
        let (base, project) = (&mut self.base, &self.project);
        if saved.project {
            base.info.clone_from(&project.info);
            base.schema.clone_from(&project.schema);
            if base.registry != project.registry {
                base.registry.clone_from(&project.registry);
            }
        }
        // A document new to the disk is written whether or not it was marked.
        base.documents
            .retain(|id, _| project.documents.contains_key(id));
        for (id, doc) in &project.documents {
            if !base.documents.contains_key(id) {
                base.documents.insert(*id, doc.clone());
            }
        }
        if base.conflicts != project.conflicts {
            base.conflicts.clone_from(&project.conflicts);
        }
        for id in saved.docs.iter().chain(&saved.sources) {
            match project.documents.get(id) {
                Some(doc) => {
                    if base.documents.get(id) != Some(doc) {
                        base.documents.insert(*id, doc.clone());
                    }
                }
                None => {
                    base.documents.remove(id);
                }
            }
        }
        debug_assert!(
            self.base == self.project,
            "a change to the project was not marked unsaved, so the merge base missed it"
        );
    }

    /// Records in the history, as part of the last action, that each document whose
    /// transcription is about to be written will hold the hash of the bytes written: the
    /// refresh is undone with the action it is joined to, and the documents' metadata edits
    /// stay undoable (they compare only the fields they change).
    fn refresh_source_hashes(&mut self) {
        let mut tx = Transaction::new("Refresh source hashes");
        for id in &self.unsaved.sources {
            let Some(d) = self.project.documents.get(id) else {
                continue;
            };
            let (Some(src), Some(text)) = (&d.meta.source, &d.text) else {
                continue;
            };
            let hash = store::hash_bytes(&crate::model::ops::text::source_bytes(text))
                .to_hex()
                .to_string();
            if src.hash != hash {
                let mut after = d.meta.clone();
                if let Some(s) = &mut after.source {
                    s.hash = hash;
                }
                tx.push(crate::model::Edit::DocumentMeta {
                    before: Box::new(d.meta.clone()),
                    after: Box::new(after),
                });
            }
        }
        if tx.is_empty() {
            return;
        }
        let touched = match self.history.amend_last(&mut self.project, tx.clone()) {
            Some(r) => r,
            // Nothing to undo: no action can compare the old hash.
            None => tx.apply(&mut self.project),
        };
        // It applies: it was built from the current metadata.
        if let Ok(t) = touched {
            self.unsaved.merge(t);
        }
    }

    /// After a save replaced versions it did not expect (`overwritten`: what was there,
    /// kept as `.bak`), merges each file three-way — base: this session's base version of
    /// the file, ours: what was just written, theirs: what was replaced — and writes the
    /// result, so the next round of the save merges it into the session.
    fn merge_back_overwritten(
        &mut self,
        overwritten: &[store::Overwritten],
    ) -> Result<(), StoreError> {
        use store::merge::{FileKind, Version};
        for o in overwritten {
            let Some(kind) = FileKind::of_path(&o.path) else {
                continue;
            };
            let ours = store::fs::read_regular(&o.path, store::Limits::default().max_ron_bytes)?;
            let base = self.base_bytes(kind, &o.path).unwrap_or_default();
            let labels = crate::model::merge::Labels {
                ours: "this window".into(),
                theirs: "another writer".into(),
            };
            let merged = store::merge::merge_file(
                kind,
                Version {
                    path: &o.path,
                    bytes: &base,
                },
                Version {
                    path: &o.path,
                    bytes: &ours,
                },
                Version {
                    path: &o.path,
                    bytes: &o.replaced,
                },
                &labels,
            )?;
            if merged.bytes != ours {
                store::write_atomic(&o.path, &merged.bytes, store::Backup::Skip)?;
            }
        }
        Ok(())
    }

    /// The bytes this session's base version of the file `path` would have.
    fn base_bytes(&self, kind: store::merge::FileKind, path: &Path) -> Option<Vec<u8>> {
        match kind {
            store::merge::FileKind::Project => {
                let refs: Vec<store::format::DocRef> = self
                    .base
                    .documents
                    .keys()
                    .filter_map(|id| {
                        self.disk.docs.get(id).map(|d| store::format::DocRef {
                            id: *id,
                            file: d.file.clone(),
                        })
                    })
                    .collect();
                store::project_bytes(&self.base, &refs).ok()
            }
            store::merge::FileKind::Document => {
                let (id, _) = self
                    .disk
                    .docs
                    .iter()
                    .find(|(_, d)| d.file.to_native(&self.disk.dir) == path)?;
                let doc = self.base.documents.get(id)?;
                store::document_bytes_with(doc, &self.base.conflicts).ok()
            }
        }
    }

    /// Saves the whole project under a new project file in the same folder, or in another
    /// folder when every source can be reached from it.
    pub fn save_as(&mut self, project_file: PathBuf) -> Result<SaveReport, StoreError> {
        self.save_as_with(&store::fs::RealFs, project_file)
    }

    /// [`Session::save_as`] through a file-system seam. Retrying a failed Save As to the
    /// same file knows what the failed one may have left there, so it is no false conflict.
    pub fn save_as_with(
        &mut self,
        fs: &dyn store::fs::Fs,
        project_file: PathBuf,
    ) -> Result<SaveReport, StoreError> {
        let mut disk = match self.failed_save_as.take() {
            Some(prev) if prev.project_file == project_file => prev,
            // Save As over the open project file is a save of everything.
            _ if project_file == self.disk.project_file => self.disk.clone(),
            _ => self.fresh_disk_state(project_file),
        };
        let all: BTreeSet<DocId> = self.project.documents.keys().copied().collect();
        self.refresh_source_hashes();
        let sources = self.unsaved.sources.clone();
        match store::save_sources_with(fs, &self.project, &mut disk, true, &all, &sources) {
            Ok(report) => {
                let moved = disk.project_file != self.disk.project_file;
                self.disk = disk;
                self.unsaved = Touched::default();
                self.base = self.project.clone();
                // The session now edits the new file: its lock moves there (the old one is
                // dropped, which removes it).
                if moved && self.lock.is_some() {
                    self.lock = None;
                    self.acquire_lock()?;
                }
                Ok(report)
            }
            Err(e) => {
                self.failed_save_as = Some(disk);
                Err(e)
            }
        }
    }

    /// Writes a complete, independent copy of the project into the folder `dir`: every
    /// source and page image copied to the same relative path, the project file under its
    /// own name and every annotation file, all paths relative to `dir`. Refuses to replace
    /// any file already there. Returns the copy, opened; this session is unchanged.
    pub fn save_copy(&self, dir: &Path) -> Result<Session, StoreError> {
        let name = self
            .disk
            .project_file
            .file_name()
            .ok_or_else(|| StoreError::Invalid {
                path: self.disk.project_file.clone(),
                message: "the project file has no name".into(),
            })?;
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io("create folder", dir, e))?;
        let project_file = dir.join(name);
        let mut files: Vec<&crate::model::RelPath> = Vec::new();
        for doc in self.project.documents.values() {
            files.extend(doc.meta.source.as_ref().map(|s| &s.path));
            files.extend(doc.meta.images.iter());
        }
        let mut targets = vec![project_file.clone()];
        targets.extend(files.iter().map(|r| r.to_native(dir)));
        targets.extend(self.disk.docs.values().map(|d| d.file.to_native(dir)));
        if let Some(t) = targets.iter().find(|t| t.exists()) {
            return Err(StoreError::Invalid {
                path: t.clone(),
                message:
                    "a file is already there; the copy would replace it, so nothing was copied"
                        .into(),
            });
        }
        for rel in files {
            let (from, to) = (rel.to_native(&self.disk.dir), rel.to_native(dir));
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| StoreError::io("create folder", parent, e))?;
            }
            std::fs::copy(&from, &to).map_err(|e| StoreError::io("copy source", &from, e))?;
        }
        let mut disk = self.disk.forgetting_hashes(project_file.clone());
        let all: BTreeSet<DocId> = self.project.documents.keys().copied().collect();
        store::save(&self.project, &mut disk, true, &all)?;
        Session::open(&project_file)
    }

    /// Takes the presence lock beside the project file (replacing a stale one), so others
    /// opening the project see it is in use.
    pub fn acquire_lock(&mut self) -> Result<(), StoreError> {
        self.lock = None;
        let annotator = self.annotator();
        self.lock = Some(store::lock::ProjectLock::acquire(
            &self.disk.project_file,
            &annotator,
            &self.id.file_part(),
        )?);
        Ok(())
    }

    /// The name of the person working in this session: the annotator name its changes are
    /// stamped with, else the system user.
    pub fn annotator(&self) -> String {
        self.stamper
            .as_ref()
            .map(|s| s.by.clone())
            .filter(|b| !b.trim().is_empty())
            .unwrap_or_else(store::lock::user_name)
    }

    /// Opened while someone else has the project open: saving is refused, no lock taken.
    pub fn set_read_only(&mut self, reason: String) {
        self.lock = None;
        self.disk.read_only = Some(reason);
    }

    /// Refreshes the presence lock when it is due, so machines that cannot see our process
    /// know we are still here.
    pub fn keep_presence(&mut self) -> Result<(), StoreError> {
        if let Some(l) = &mut self.lock
            && store::lock::now_secs().saturating_sub(l.info().refreshed)
                >= store::lock::REFRESH_SECS
        {
            l.refresh()?;
        }
        Ok(())
    }

    /// Saving is refused while the project holds merge conflicts nobody has resolved (from
    /// a merge from disk, or loaded from files the git merge driver wrote).
    fn refuse_unresolved(&self) -> Result<(), StoreError> {
        let n = self.project.conflicts.len();
        if n == 0 {
            return Ok(());
        }
        Err(StoreError::Invalid {
            path: self.disk.project_file.clone(),
            message: format!(
                "{n} merge conflict{} not resolved yet (review them under Project → Resolve conflicts); not saved",
                if n == 1 { " is" } else { "s are" }
            ),
        })
    }

    /// Resolves the conflicts at `which` (indexes into `project.conflicts`) by `choice`,
    /// as one undoable history entry. Refused, with nothing changed, when the choice would
    /// leave a reference dangling.
    pub fn resolve_conflicts(
        &mut self,
        which: &[usize],
        choice: crate::model::merge::Choice,
    ) -> Result<(), anyhow::Error> {
        let mut tx = crate::model::merge::resolve(&self.project, which, choice)?;
        // Not validated like a user's edit: a version someone wrote is put back as it was
        // (refusing it could leave a conflict nobody can resolve); `check` reports it.
        if let Some(s) = &self.stamper {
            crate::model::ops::core::stamp(&mut tx, &s.stamp());
        }
        let label = tx.label.clone();
        let touched = self.history.commit(&mut self.project, tx)?;
        self.note_change(label, touched);
        Ok(())
    }

    /// Whether the project file or an annotation file holds something this session did not
    /// last load or save (so another writer changed it). Our own writes, and versions a
    /// failed save of ours may have left, are not changes.
    pub fn changed_on_disk(&self) -> bool {
        let differs = |path: &Path, known: Option<store::Hash>| -> bool {
            let now = self.seen_on_disk.hash_of(path);
            now != known
                && !now.is_some_and(|h| {
                    self.disk
                        .attempted
                        .get(path)
                        .is_some_and(|v| v.contains(&h))
                })
        };
        if self.disk.project_hash.is_none() {
            return false;
        }
        differs(&self.disk.project_file, self.disk.project_hash)
            || self
                .disk
                .docs
                .values()
                .any(|d| d.hash.is_some() && differs(&d.file.to_native(&self.disk.dir), d.hash))
    }

    /// Brings in what another writer saved, if anything: merged at once (one undoable
    /// history entry) when that needs no one's decision or this session has nothing
    /// unsaved; otherwise left for the next save, which merges it and shows the conflicts.
    /// Unsaved edits are never lost either way.
    pub fn sync_from_disk(&mut self) -> Result<DiskSync, StoreError> {
        if !self.changed_on_disk() {
            return Ok(DiskSync::Unchanged);
        }
        if store::journal::journal_path(&self.disk.project_file).exists() {
            return Ok(DiskSync::Busy);
        }
        let loaded = store::load(&self.disk.project_file)?;
        let merged = crate::model::merge::merge_projects(
            &self.base,
            &self.project,
            &loaded.project,
            &Self::labels(),
        );
        // Conflicts the files brought (a `git pull` whose merge driver recorded them) need
        // the review at once, like the merge's own.
        let brought = loaded
            .project
            .conflicts
            .iter()
            .any(|c| !self.base.conflicts.contains(c));
        if !merged.is_clean() && !brought && self.is_dirty() {
            return Ok(DiskSync::Postponed(DiskMerge {
                incoming: changed_records(&self.base, &loaded.project),
                conflicts: merged.new_conflicts,
            }));
        }
        self.apply_merge(loaded, merged).map(DiskSync::Merged)
    }

    fn labels() -> crate::model::merge::Labels {
        crate::model::merge::Labels {
            ours: "this window".into(),
            theirs: "on disk".into(),
        }
    }

    /// Another writer changed the project's files: loads the disk version and merges it into
    /// this session by record (base = [`Session::base`], ours = the session, theirs = disk),
    /// as one transaction in the undo history ("Merge N changes from disk"): undoing it
    /// restores the pre-merge project, and earlier edits stay undoable where the merge did
    /// not touch their records. Every file that then differs from disk is marked unsaved.
    /// Conflicts are recorded in the project (`Project::conflicts`), keeping our version;
    /// nothing either side wrote is dropped, and saving waits until they are resolved.
    pub fn merge_from_disk(&mut self) -> Result<DiskMerge, StoreError> {
        let lock = WriteLock::for_reading(&self.disk.project_file);
        self.merge_from_disk_locked(&lock)
    }

    /// [`Session::merge_from_disk`] while holding the project's lock.
    fn merge_from_disk_locked(&mut self, lock: &WriteLock) -> Result<DiskMerge, StoreError> {
        let loaded = store::load_locked(&self.disk.project_file, store::Limits::default(), lock)?;
        let merged = crate::model::merge::merge_projects(
            &self.base,
            &self.project,
            &loaded.project,
            &Self::labels(),
        );
        self.apply_merge(loaded, merged)
    }

    fn apply_merge(
        &mut self,
        loaded: store::Loaded,
        merged: crate::model::merge::Merged,
    ) -> Result<DiskMerge, StoreError> {
        let theirs = loaded.project;
        let incoming = changed_records(&self.base, &theirs);
        let authors = authors_of_changes(&self.base, &theirs);
        let label = format!(
            "Merge {incoming} change{} from disk",
            if incoming == 1 { "" } else { "s" }
        );
        let had: Vec<crate::model::merge::Conflict> = self.project.conflicts.clone();
        let mut merged = merged;
        for c in &mut merged.project.conflicts {
            if !had.contains(c) {
                name_theirs(c, &authors);
            }
        }
        // Not on this session's undo stack: undo is per person (an earlier action of ours
        // whose records this merge changed no longer applies, and says whose work it would
        // remove).
        let tx = crate::model::merge::transaction_between(&self.project, &merged.project, &label);
        tx.apply(&mut self.project)
            .map_err(|e| StoreError::Invalid {
                path: loaded.disk.project_file.clone(),
                message: format!("the merge from disk does not apply: {e}"),
            })?;
        self.merged_authors.extend(authors);
        let mut unsaved = Touched {
            project: self.project.info != theirs.info
                || self.project.schema != theirs.schema
                || self.project.registry != theirs.registry
                || self.project.conflicts != theirs.conflicts
                || self.project.documents.keys().ne(theirs.documents.keys()),
            docs: BTreeSet::new(),
            sources: BTreeSet::new(),
        };
        for (id, doc) in &self.project.documents {
            let on_disk = theirs.documents.get(id);
            if on_disk != Some(doc) {
                unsaved.docs.insert(*id);
            }
            // A transcription this session corrected and has not saved yet stays to be written.
            if self.unsaved.sources.contains(id) && on_disk.is_some_and(|t| t.text != doc.text) {
                unsaved.sources.insert(*id);
            }
        }
        self.base = theirs;
        self.disk = loaded.disk;
        self.unsaved = unsaved;
        self.generation += 1;
        self.changes.record_unknown(self.generation);
        Ok(DiskMerge {
            incoming,
            conflicts: self
                .project
                .conflicts
                .iter()
                .filter(|c| !had.contains(c))
                .cloned()
                .collect(),
        })
    }

    /// What is on disk for a project about to be saved as `project_file` for the first time.
    fn fresh_disk_state(&self, project_file: PathBuf) -> DiskState {
        let disk = DiskState::new(project_file);
        if disk.dir != self.disk.dir {
            return self.disk.forgetting_hashes(disk.project_file);
        }
        disk
    }

    /// The project's display name.
    pub fn name(&self) -> &str {
        &self.project.info.name
    }

    /// The folder the project's relative paths start from.
    pub fn dir(&self) -> &Path {
        &self.disk.dir
    }
}

/// How many records differ between two versions of a project (conflicts recorded in the
/// files count as records too).
fn changed_records(a: &Project, b: &Project) -> usize {
    use crate::model::merge::{record, record_keys};
    let keys: BTreeSet<_> = record_keys(a).union(&record_keys(b)).cloned().collect();
    let conflicts = b
        .conflicts
        .iter()
        .filter(|c| !a.conflicts.contains(c))
        .count();
    keys.iter().filter(|k| record(a, k) != record(b, k)).count() + conflicts
}

/// The annotator names on the records `b` changed since `a` (who made "theirs").
fn authors_of_changes(a: &Project, b: &Project) -> BTreeSet<String> {
    use crate::model::merge::{Record, record, record_keys};
    let mut out = BTreeSet::new();
    for k in record_keys(b) {
        let now = record(b, &k);
        if now == record(a, &k) {
            continue;
        }
        let by = match &now {
            Some(Record::Annotation(x)) => x
                .modified
                .as_ref()
                .map(|s| s.by.clone())
                .or_else(|| Some(x.annotator().to_owned())),
            Some(Record::Entry(e)) => e
                .modified
                .as_ref()
                .or(e.created.as_ref())
                .map(|s| s.by.clone()),
            _ => None,
        };
        out.extend(by.filter(|b| !b.is_empty()));
    }
    out
}

/// Names who made "theirs" in a conflict: the annotator on their version of the record,
/// else everyone whose changes the merge brought.
fn name_theirs(c: &mut crate::model::merge::Conflict, authors: &BTreeSet<String>) {
    let by = c
        .theirs
        .as_ref()
        .and_then(crate::model::merge::Record::author)
        .or_else(|| {
            (!authors.is_empty()).then(|| authors.iter().cloned().collect::<Vec<_>>().join(", "))
        });
    if let Some(by) = by
        && !c.theirs_label.contains(&by)
    {
        c.theirs_label = format!("{by} ({})", c.theirs_label);
    }
}

/// What a commit, undo or redo changed: the label for the status bar and what to save.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub label: String,
    pub touched: Touched,
}
