//! Imports from other tools' formats into a new project, one file per format, each an
//! [`Importer`]. A failed import leaves nothing behind: the project is built in a staging
//! folder and moved into place only when it has been saved.

pub mod brat;
pub mod tei;
pub mod text;
pub mod w3c;

use crate::model::Project;
use crate::session::Session;
use crate::store::{self, StoreError};
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
        Box::new(crate::interchange::webanno_tsv::WebAnnoTsvImporter),
    ]
}

/// The importer with command-line name `id`.
pub fn by_id(id: &str) -> Option<Box<dyn Importer>> {
    all().into_iter().find(|e| e.id() == id)
}

/// Imports `source` into a new project folder `out_dir` and returns the project file.
/// The project is built and saved in a staging folder beside `out_dir`, then renamed into
/// place; on any error the staging folder is removed and `out_dir` is untouched.
pub fn run(importer: &dyn Importer, source: &Path, out_dir: &Path) -> Result<PathBuf, ImportError> {
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
        let mut session = Session::create(project, staging.join(&file_name));
        session.save()?;
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

/// A file name made of the safe characters of `name`.
pub fn slug_file_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-').to_owned();
    if s.is_empty() {
        "project".to_owned()
    } else {
        s
    }
}
