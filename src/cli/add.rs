//! `marginalia add PROJECT FILE…`: adds source files to a project as documents.
//!
//! A file inside the project folder is added where it is. A file outside is refused unless
//! `--copy` is given; then it is copied into the project's `sources/` folder first (never over
//! a different file of the same name). All files are checked before anything is written, so a
//! refused file leaves the project unchanged. Sources already in the project are skipped.

use crate::model::{Edit, Transaction};
use crate::session::Session;
use crate::store::{self, StoreError};
use std::path::{Path, PathBuf};

/// Why `add` refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "not inside the project folder {}; pass --copy to copy it into sources/: {}",
        dir.display(),
        path.display()
    )]
    Outside { dir: PathBuf, path: PathBuf },
    #[error("a different file of that name is already in the project: {}", path.display())]
    NameTaken { path: PathBuf },
    #[error("cannot copy into the project: {}: {source}", path.display())]
    Copy {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot add the documents: {0}")]
    Edit(#[from] crate::model::edit::EditError),
}

/// How one file was added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// Added where it is, inside the project folder.
    InPlace { source: String },
    /// Copied from `from` into the project folder, at `source`.
    Copied { source: String, from: PathBuf },
    /// The project already had a document for this source.
    AlreadyThere { source: String },
}

/// Adds `files` to the project at `project` and saves it; `copy` copies files from outside
/// the project folder into its `sources/` folder.
pub fn run(project: &Path, files: &[PathBuf], copy: bool) -> Result<Vec<Added>, AddError> {
    let mut session = Session::open(project)?;
    let dir = session
        .dir()
        .canonicalize()
        .map_err(|source| AddError::Read {
            path: session.dir().to_path_buf(),
            source,
        })?;
    // Plan first: where each file will live inside the project, and whether to copy it.
    let mut plan: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    for f in files {
        let real = f.canonicalize().map_err(|source| AddError::Read {
            path: f.clone(),
            source,
        })?;
        if real.starts_with(&dir) {
            plan.push((real, None));
        } else if copy {
            let name = real.file_name().ok_or_else(|| AddError::Read {
                path: f.clone(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file"),
            })?;
            let target = dir.join("sources").join(name);
            if target.exists() {
                let same = std::fs::read(&target).ok() == std::fs::read(&real).ok();
                if !same {
                    return Err(AddError::NameTaken { path: target });
                }
                plan.push((target, None));
            } else {
                plan.push((target, Some(real)));
            }
        } else {
            return Err(AddError::Outside {
                dir,
                path: f.clone(),
            });
        }
    }
    let known: Vec<String> = session
        .project
        .documents
        .values()
        .filter_map(|d| d.meta.source.as_ref().map(|s| s.path.to_string()))
        .collect();
    let mut added = Vec::new();
    let mut tx = Transaction::new("Add documents");
    for (target, from) in plan {
        if let Some(from) = &from {
            let err = |source| AddError::Copy {
                path: target.clone(),
                source,
            };
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(err)?;
            }
            let bytes = std::fs::read(from).map_err(|source| AddError::Read {
                path: from.clone(),
                source,
            })?;
            // Atomic, and never over a file put there meanwhile.
            store::fs::write_new(&target, &bytes)?;
        }
        let doc = store::document_from_source(&dir, &target)?;
        let source = doc
            .meta
            .source
            .as_ref()
            .map(|s| s.path.to_string())
            .unwrap_or_default();
        if known.contains(&source) || added.iter().any(|a| matches!(a, Added::InPlace { source: s } | Added::Copied { source: s, .. } if *s == source)) {
            added.push(Added::AlreadyThere { source });
            continue;
        }
        tx.push(Edit::Document {
            before: None,
            after: Some(Box::new(doc)),
        });
        added.push(match from {
            Some(from) => Added::Copied { source, from },
            None => Added::InPlace { source },
        });
    }
    if !tx.edits.is_empty() {
        session.commit(tx)?;
        session.save()?;
    }
    Ok(added)
}

/// One line per file, for people.
pub fn format_text(added: &[Added]) -> String {
    let mut out = String::new();
    for a in added {
        let line = match a {
            Added::InPlace { source } => format!("added {source} (in the project folder)\n"),
            Added::Copied { source, from } => {
                format!("added {source} (copied from {})\n", from.display())
            }
            Added::AlreadyThere { source } => {
                format!("skipped {source} (already in the project)\n")
            }
        };
        out.push_str(&line);
    }
    out
}
