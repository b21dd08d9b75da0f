//! Errors from reading and writing projects. Each names the file, last.

use std::path::PathBuf;
use thiserror::Error;

/// Why a project could not be loaded or saved.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("cannot {action}: {err}: {}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        /// Shown in the message, not as a separate cause, so it is printed once.
        err: std::io::Error,
    },
    #[error("malformed file at line {line}, column {col}: {message}: {}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        col: usize,
        message: String,
    },
    #[error("unknown field{} {}; refusing to load so nothing is dropped on save: {}", if fields.len() == 1 { "" } else { "s" }, fields.join(", "), path.display())]
    UnknownFields { path: PathBuf, fields: Vec<String> },
    #[error("file is {size} bytes, over the limit of {limit} bytes; refusing to parse: {}", path.display())]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("invalid UTF-8 at byte offset {offset} (line {line}): {}", path.display())]
    InvalidUtf8 {
        path: PathBuf,
        offset: usize,
        line: usize,
    },
    #[error("format version {found} is not supported (this Marginalia reads versions {oldest} to {newest}): {}", path.display())]
    UnsupportedVersion {
        path: PathBuf,
        found: u32,
        oldest: u32,
        newest: u32,
    },
    #[error("path \"{target}\" resolves outside the project folder; refused: {}", path.display())]
    Escapes { path: PathBuf, target: String },
    #[error("{message}: {}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error("no project file (*.marginalia.ron) in folder: {}", path.display())]
    NoProjectFile { path: PathBuf },
    #[error("more than one project file (*.marginalia.ron) in folder; name one: {}", path.display())]
    SeveralProjectFiles { path: PathBuf },
    #[error("the file changed on disk since it was loaded; not overwritten: {}", path.display())]
    Conflict { path: PathBuf },
    #[error("{conflicts} merge conflict{} to resolve: another writer's changes ({incoming} record{}) were merged in and some changed the same records as yours (review them under Project → Resolve conflicts); not saved: {}", if *conflicts == 1 { "" } else { "s" }, if *incoming == 1 { "" } else { "s" }, path.display())]
    MergeConflicts {
        path: PathBuf,
        incoming: usize,
        conflicts: usize,
    },
    #[error("the project is open read-only ({reason}); not saved: {}", path.display())]
    ReadOnly { path: PathBuf, reason: String },
    #[error("cannot serialize: {message}: {}", path.display())]
    Serialize { path: PathBuf, message: String },
}

impl StoreError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Self::Io {
            action,
            path: path.into(),
            err: source,
        }
    }

    /// The file the error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            Self::Io { path, .. }
            | Self::Parse { path, .. }
            | Self::UnknownFields { path, .. }
            | Self::TooLarge { path, .. }
            | Self::InvalidUtf8 { path, .. }
            | Self::UnsupportedVersion { path, .. }
            | Self::Escapes { path, .. }
            | Self::Invalid { path, .. }
            | Self::NoProjectFile { path }
            | Self::SeveralProjectFiles { path }
            | Self::Conflict { path }
            | Self::MergeConflicts { path, .. }
            | Self::ReadOnly { path, .. }
            | Self::Serialize { path, .. } => path,
        }
    }
}
