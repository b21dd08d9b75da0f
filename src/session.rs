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
    /// Conflicts of the last merge from disk not yet accepted; saving is refused meanwhile.
    pub unresolved: Vec<crate::model::merge::Conflict>,
    /// This process's presence lock on the project file, while the window holds it open
    /// for writing; `None` for the command line, read-only opens and unsaved projects.
    pub lock: Option<store::lock::ProjectLock>,
}

/// What [`Session::merge_from_disk`] brought in.
#[derive(Debug)]
pub struct DiskMerge {
    /// Records the disk version changed since the base (taken without conflict or not).
    pub incoming: usize,
    /// The conflicts this merge found; the session holds one version of each.
    pub conflicts: Vec<crate::model::merge::Conflict>,
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
            unresolved: Vec::new(),
            lock: None,
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
            unresolved: Vec::new(),
            lock: None,
        }
    }

    /// Applies a user action and records it for undo.
    pub fn commit(&mut self, tx: Transaction) -> Result<(), EditError> {
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

    /// Saving is refused while a merge from disk left conflicts nobody has resolved.
    fn refuse_unresolved(&self) -> Result<(), StoreError> {
        if self.unresolved.is_empty() {
            return Ok(());
        }
        Err(StoreError::Invalid {
            path: self.disk.project_file.clone(),
            message: format!(
                "{} conflict(s) with changes on disk are not resolved yet; not saved",
                self.unresolved.len()
            ),
        })
    }

    /// Accepts the version the session holds for every conflict of the last merge from
    /// disk (ours); the other versions stay recorded in `Project::conflicts`, so nothing
    /// is lost, and saving is allowed again.
    pub fn accept_merge(&mut self) {
        self.unresolved.clear();
    }

    /// Another writer changed the project's files: loads the disk version and merges it into
    /// this session by record (base = [`Session::base`], ours = the session, theirs = disk).
    /// The session then holds the merged project, every file that differs from disk is
    /// marked unsaved, and the undo history is cleared (its edits were made against the
    /// pre-merge project). Conflicts are recorded in the project (`Project::conflicts`),
    /// keeping our version; nothing either side wrote is dropped.
    pub fn merge_from_disk(&mut self) -> Result<DiskMerge, StoreError> {
        let loaded = store::load(&self.disk.project_file)?;
        let theirs = loaded.project;
        let labels = crate::model::merge::Labels {
            ours: "this window".into(),
            theirs: "on disk".into(),
        };
        let merged =
            crate::model::merge::merge_projects(&self.base, &self.project, &theirs, &labels);
        let incoming = changed_records(&self.base, &theirs);
        let mut unsaved = Touched {
            project: merged.project.info != theirs.info
                || merged.project.schema != theirs.schema
                || merged.project.registry != theirs.registry
                || merged.project.conflicts != theirs.conflicts
                || merged.project.documents.keys().ne(theirs.documents.keys()),
            docs: BTreeSet::new(),
            sources: BTreeSet::new(),
        };
        for (id, doc) in &merged.project.documents {
            let on_disk = theirs.documents.get(id);
            if on_disk != Some(doc) {
                unsaved.docs.insert(*id);
            }
            // A transcription this session corrected and has not saved yet stays to be written.
            if self.unsaved.sources.contains(id) && on_disk.is_some_and(|t| t.text != doc.text) {
                unsaved.sources.insert(*id);
            }
        }
        self.project = merged.project;
        self.base = theirs;
        self.disk = loaded.disk;
        self.unsaved = unsaved;
        self.history = History::default();
        self.generation += 1;
        self.unresolved.extend(merged.new_conflicts.iter().cloned());
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
