//! Exports to the formats the field uses, one file per format, each an [`Exporter`].

pub mod brat;
pub mod conll;
pub mod csv;
pub mod jsonl;
pub mod tei;
pub mod w3c;

use crate::model::Project;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why an export failed. Each names the file, last.
#[derive(Debug, Error)]
pub enum ExportError {
    #[error("cannot {action}: {err}: {}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        /// Shown in the message, not as a separate cause, so it is printed once.
        err: std::io::Error,
    },
    #[error("{message}: {}", path.display())]
    Format { path: PathBuf, message: String },
}

impl ExportError {
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            action,
            path: path.into(),
            err: source,
        }
    }
}

/// Reports progress from 0.0 to 1.0; exporters call it at least once per document.
pub type Progress<'a> = &'a mut dyn FnMut(f32);

/// One export format.
pub trait Exporter: Send + Sync {
    /// The name used on the command line (`--format tei`).
    fn id(&self) -> &'static str;
    /// The name shown in menus.
    fn label(&self) -> &'static str;
    /// Writes the export of `project` into the folder `out_dir` (created if missing) and
    /// returns the files written.
    fn export(
        &self,
        project: &Project,
        out_dir: &Path,
        progress: Progress<'_>,
    ) -> Result<Vec<PathBuf>, ExportError>;
}

/// Every exporter, in menu order.
pub fn all() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(tei::TeiExporter),
        Box::new(brat::BratExporter),
        Box::new(w3c::W3cExporter),
        Box::new(csv::CsvExporter),
        Box::new(jsonl::JsonlExporter),
        Box::new(conll::ConllExporter),
    ]
}

/// The exporter with command-line name `id`.
pub fn by_id(id: &str) -> Option<Box<dyn Exporter>> {
    all().into_iter().find(|e| e.id() == id)
}

/// Creates `dir` and writes `bytes` to `dir/name`, returning the path.
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, ExportError> {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| ExportError::io("create folder", parent, e))?;
    }
    std::fs::write(&path, bytes).map_err(|e| ExportError::io("write", &path, e))?;
    Ok(path)
}
