//! Imports from other tools' formats into a new project: the [`Importer`] trait, the
//! registry of importers ([`all`], [`by_id`]) and [`run`]. An import either writes a
//! project that `check` accepts or fails and leaves nothing behind: the project is built
//! and saved in a staging folder, loaded back and validated there, and moved into place
//! only then.

use super::{brat, tei, text, w3c};
use crate::model::validate::{Severity, validate};
use crate::model::{DocId, Document, Project};
use crate::store::{self, DiskState, Limits, StoreError};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why an import failed. Each names the file (and line, where there is one), last.
#[derive(Debug, Error)]
pub enum ImportError {
    #[error("cannot {action}: {err}: {}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        /// Shown in the message, not as a separate cause, so it is printed once.
        err: std::io::Error,
    },
    #[error("line {line}: {message}: {}", path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{message}: {}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the output folder already exists and is not empty; choose a new one: {}", path.display())]
    OutputExists { path: PathBuf },
}

impl ImportError {
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            action,
            path: path.into(),
            err: source,
        }
    }
}

/// One import format.
pub trait Importer: Send + Sync {
    /// The name used on the command line (`--format brat`).
    fn id(&self) -> &'static str;
    /// The name shown in menus.
    fn label(&self) -> &'static str;
    /// Reads `source` (a file or folder) and builds a project in `staging`: copies each
    /// source text into it (use [`store::document_from_source`] to make the document) and
    /// returns the project. Must not write outside `staging`.
    fn import(&self, source: &Path, staging: &Path) -> Result<Project, ImportError>;
}

/// Every importer, in menu order.
pub fn all() -> Vec<Box<dyn Importer>> {
    vec![
        Box::new(brat::BratImporter),
        Box::new(text::TextImporter),
        Box::new(tei::TeiImporter),
        Box::new(w3c::W3cImporter),
        Box::new(super::webanno_tsv::WebAnnoTsvImporter),
    ]
}

/// The importer with command-line name `id`.
pub fn by_id(id: &str) -> Option<Box<dyn Importer>> {
    all().into_iter().find(|e| e.id() == id)
}

/// Imports `source` into a new project folder `out_dir` and returns the project file:
/// [`run_with_limits`] with the store's default load limits.
pub fn run(importer: &dyn Importer, source: &Path, out_dir: &Path) -> Result<PathBuf, ImportError> {
    run_with_limits(importer, source, out_dir, Limits::default())
}

/// Imports `source` into a new project folder `out_dir` and returns the project file.
/// The project is built, checked and saved in a staging folder beside `out_dir`, loaded
/// back with `limits` as `check` would load it, and renamed into place only when that load
/// has no error; on any error the staging folder is removed and `out_dir` is untouched.
pub fn run_with_limits(
    importer: &dyn Importer,
    source: &Path,
    out_dir: &Path,
    limits: Limits,
) -> Result<PathBuf, ImportError> {
    if out_dir.exists()
        && std::fs::read_dir(out_dir)
            .map_err(|e| ImportError::io("read folder", out_dir, e))?
            .next()
            .is_some()
    {
        return Err(ImportError::OutputExists {
            path: out_dir.to_path_buf(),
        });
    }
    let parent = out_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| ImportError::io("create folder", parent, e))?;
    let name = out_dir.file_name().map_or_else(
        || "imported".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let staging = parent.join(format!(".{name}.importing-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(|e| ImportError::io("create folder", &staging, e))?;
    let result = (|| {
        let mut project = importer.import(source, &staging)?;
        if project.info.name.is_empty() {
            project.info.name = name.clone();
        }
        let file_name = format!("{}{}", slug_file_name(&name), store::PROJECT_SUFFIX);
        let project_file = staging.join(&file_name);
        check_before_saving(&project, &project_file, limits)?;
        let all: BTreeSet<DocId> = project.documents.keys().copied().collect();
        store::save(
            &project,
            &mut DiskState::new(project_file.clone()),
            true,
            &all,
        )?;
        check_saved(&project_file, limits)?;
        if out_dir.exists() {
            std::fs::remove_dir(out_dir).map_err(|e| ImportError::io("replace", out_dir, e))?;
        }
        std::fs::rename(&staging, out_dir)
            .map_err(|e| ImportError::io("move into place", out_dir, e))?;
        Ok(out_dir.join(file_name))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

/// The path that names `doc` in an error: its source text, else the project file.
fn shown(doc: &Document, project_file: &Path) -> PathBuf {
    doc.meta.source.as_ref().map_or_else(
        || project_file.to_path_buf(),
        |s| PathBuf::from(s.path.as_str()),
    )
}

/// What would make the saved project fail to load or fail `check`, found before anything
/// is saved: an annotation id in two documents, two documents on one annotation file, an
/// annotation file over the load limit, and validation errors.
fn check_before_saving(
    project: &Project,
    project_file: &Path,
    limits: Limits,
) -> Result<(), ImportError> {
    let mut ann_owner: HashMap<_, &Document> = HashMap::new();
    let mut doc_files: HashMap<String, &Document> = HashMap::new();
    for doc in project.documents.values() {
        let invalid = |message: String| ImportError::Invalid {
            path: shown(doc, project_file),
            message,
        };
        let file = store::doc_file_for(&doc.meta).to_string();
        if let Some(other) = doc_files.insert(file.clone(), doc) {
            return Err(invalid(format!(
                "documents \"{}\" and \"{}\" would share the annotation file {file}",
                other.meta.title, doc.meta.title
            )));
        }
        for id in doc.annotations.keys() {
            if let Some(other) = ann_owner.insert(*id, doc) {
                return Err(invalid(format!(
                    "annotation id {id} is used in document \"{}\" and in \"{}\"",
                    other.meta.title, doc.meta.title
                )));
            }
        }
        let bytes = store::document_bytes(doc)
            .map_err(|e| invalid(format!("cannot serialize the annotations: {e}")))?;
        if bytes.len() as u64 > limits.max_ron_bytes {
            return Err(invalid(format!(
                "the annotations of \"{}\" would take {} bytes, over the limit of {} bytes a project may load",
                doc.meta.title,
                bytes.len(),
                limits.max_ron_bytes
            )));
        }
    }
    if let Some(p) = validate(project)
        .into_iter()
        .find(|p| p.severity == Severity::Error)
    {
        let path = p
            .document
            .and_then(|d| project.documents.get(&d))
            .map_or_else(|| project_file.to_path_buf(), |d| shown(d, project_file));
        return Err(ImportError::Invalid {
            path,
            message: format!("the imported project would not pass check: {}", p.message),
        });
    }
    Ok(())
}

/// Loads the saved project back as `check` does; a load error or a validation error fails
/// the import.
fn check_saved(project_file: &Path, limits: Limits) -> Result<(), ImportError> {
    let loaded = store::load_with(project_file, limits)?;
    if let Some(p) = loaded
        .problems
        .iter()
        .find(|p| p.severity == Severity::Error)
    {
        return Err(ImportError::Invalid {
            path: project_file.to_path_buf(),
            message: format!("the imported project does not pass check: {}", p.message),
        });
    }
    Ok(())
}

/// A project file name's stem for a project called `name` (see
/// [`super::common::slug_file_name`]).
pub fn slug_file_name(name: &str) -> String {
    super::common::slug_file_name(name)
}
