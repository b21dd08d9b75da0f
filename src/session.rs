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
}

impl Session {
    /// Opens the project file, or the one project file in a folder.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let loaded = store::load(path)?;
        Ok(Self {
            project: loaded.project,
            disk: loaded.disk,
            history: History::default(),
            unsaved: Touched::default(),
            load_problems: loaded.problems,
            generation: 0,
            failed_save_as: None,
        })
    }

    /// A new, unsaved project to be written as `project_file`.
    pub fn create(project: Project, project_file: PathBuf) -> Self {
        Self {
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
        }
    }

    /// Applies a user action and records it for undo.
    pub fn commit(&mut self, tx: Transaction) -> Result<(), EditError> {
        let touched = self.history.commit(&mut self.project, tx)?;
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
        let report = store::save_sources_with(
            fs,
            &self.project,
            &mut self.disk,
            self.unsaved.project,
            &self.unsaved.docs,
            &self.unsaved.sources,
        )?;
        self.unsaved = Touched::default();
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
        match store::save_sources_with(fs, &self.project, &mut disk, true, &all, &sources) {
            Ok(report) => {
                self.disk = disk;
                self.unsaved = Touched::default();
                Ok(report)
            }
            Err(e) => {
                self.failed_save_as = Some(disk);
                Err(e)
            }
        }
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
