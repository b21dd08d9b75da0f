//! An open project: the model, its files on disk, the undo history and what is unsaved.
//!
//! Shared by the GUI and the command line; no UI code here.

use crate::model::edit::EditError;
use crate::model::validate::Problem;
use crate::model::{DocId, History, Project, Touched, Transaction};
use crate::store::{self, DiskState, SaveReport, StoreError};
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
        Ok(Self {
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
        })
    }

    /// A new, unsaved project to be written as `project_file`.
    pub fn create(project: Project, project_file: PathBuf) -> Self {
        Self {
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
        }
    }

    /// Applies a user action, stamped by [`Session::stamper`], and records it for undo.
    pub fn commit(&mut self, mut tx: Transaction) -> Result<(), EditError> {
        if let Some(s) = &self.stamper {
            crate::model::ops::core::stamp(&mut tx, &s.stamp());
        }
        let touched = self.history.commit(&mut self.project, tx)?;
        self.note_change(touched);
        Ok(())
    }

    /// [`Session::commit`], joined to the last action as one undo step (typing bursts).
    pub fn commit_joined(&mut self, tx: Transaction, label: &str) -> Result<(), EditError> {
        let touched = self.history.commit_joined(&mut self.project, tx, label)?;
        self.note_change(touched);
        Ok(())
    }

    /// Undoes the last action; `Ok(false)` when there is none.
    pub fn undo(&mut self) -> Result<bool, EditError> {
        match self.history.undo(&mut self.project) {
            None => Ok(false),
            Some(r) => {
                self.note_change(r?);
                Ok(true)
            }
        }
    }

    /// Redoes the last undone action; `Ok(false)` when there is none.
    pub fn redo(&mut self) -> Result<bool, EditError> {
        match self.history.redo(&mut self.project) {
            None => Ok(false),
            Some(r) => {
                self.note_change(r?);
                Ok(true)
            }
        }
    }

    fn note_change(&mut self, touched: Touched) {
        if !touched.is_empty() {
            self.unsaved.merge(touched);
            self.generation += 1;
        }
    }

    pub fn is_dirty(&self) -> bool {
        !self.unsaved.is_empty() || self.disk.project_hash.is_none()
    }

    pub fn is_read_only(&self) -> bool {
        self.disk.read_only.is_some()
    }

    /// Saves what changed. On error nothing is marked saved.
    pub fn save(&mut self) -> Result<SaveReport, StoreError> {
        self.save_with(&store::fs::RealFs)
    }

    /// [`Session::save`] through a file-system seam (tests fail or crash it at any step).
    /// On error nothing is marked saved, and [`Session::disk`] still says what each file
    /// may hold, so the next save reports no false conflict.
    pub fn save_with(&mut self, fs: &dyn store::fs::Fs) -> Result<SaveReport, StoreError> {
        self.refuse_unresolved()?;
        crate::model::ops::text::refresh_source_hashes(&mut self.project, &self.unsaved.sources);
        let report = store::save_sources_with(
            fs,
            &self.project,
            &mut self.disk,
            self.unsaved.project,
            &self.unsaved.docs,
            &self.unsaved.sources,
        )?;
        self.unsaved = Touched::default();
        self.base = self.project.clone();
        Ok(report)
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
        let sources = self.unsaved.sources.clone();
        crate::model::ops::text::refresh_source_hashes(&mut self.project, &sources);
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
        let mut disk = DiskState::new(project_file.clone());
        disk.docs = self
            .disk
            .docs
            .iter()
            .map(|(id, d)| {
                (
                    *id,
                    store::DocDisk {
                        file: d.file.clone(),
                        hash: None,
                    },
                )
            })
            .collect();
        let all: BTreeSet<DocId> = self.project.documents.keys().copied().collect();
        store::save(&self.project, &mut disk, true, &all)?;
        Session::open(&project_file)
    }

    /// Takes the presence lock beside the project file (replacing a stale one), so others
    /// opening the project see it is in use.
    pub fn acquire_lock(&mut self) -> Result<(), StoreError> {
        self.lock = Some(store::lock::ProjectLock::acquire(&self.disk.project_file)?);
        Ok(())
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
        let tx = crate::model::merge::resolve(&self.project, which, choice)?;
        self.commit(tx)?;
        Ok(())
    }

    /// Whether the project file or an annotation file holds something this session did not
    /// last load or save (so another writer changed it). Our own writes, and versions a
    /// failed save of ours may have left, are not changes.
    pub fn changed_on_disk(&self) -> bool {
        let differs = |path: &Path, known: Option<store::Hash>| -> bool {
            let now = std::fs::symlink_metadata(path)
                .ok()
                .filter(|m| m.file_type().is_file())
                .and_then(|_| std::fs::read(path).ok())
                .map(|b| store::hash_bytes(&b));
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
        if !merged.is_clean() && self.is_dirty() {
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
        let loaded = store::load(&self.disk.project_file)?;
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
        let label = format!(
            "Merge {incoming} change{} from disk",
            if incoming == 1 { "" } else { "s" }
        );
        let tx = crate::model::merge::transaction_between(&self.project, &merged.project, &label);
        self.history
            .commit(&mut self.project, tx)
            .map_err(|e| StoreError::Invalid {
                path: loaded.disk.project_file.clone(),
                message: format!("the merge from disk does not apply: {e}"),
            })?;
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
        Ok(DiskMerge {
            incoming,
            conflicts: merged.new_conflicts,
        })
    }

    /// What is on disk for a project about to be saved as `project_file` for the first time.
    fn fresh_disk_state(&self, project_file: PathBuf) -> DiskState {
        let mut disk = DiskState::new(project_file);
        if disk.dir != self.disk.dir {
            disk.docs = self
                .disk
                .docs
                .iter()
                .map(|(id, d)| {
                    (
                        *id,
                        store::DocDisk {
                            file: d.file.clone(),
                            hash: None,
                        },
                    )
                })
                .collect();
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

/// How many records differ between two versions of a project.
fn changed_records(a: &Project, b: &Project) -> usize {
    use crate::model::merge::{record, record_keys};
    let keys: BTreeSet<_> = record_keys(a).union(&record_keys(b)).cloned().collect();
    keys.iter().filter(|k| record(a, k) != record(b, k)).count()
}
