//! `marginalia add PROJECT FILE…`: adds source files to a project as documents.
//!
//! A file inside the project folder is added where it is. A file outside is refused unless
//! `--copy` is given; then it is copied into the project's `sources/` folder first, never over
//! a different file (`store::place`: the same bytes already there are used, else the copy is
//! numbered `letter-2.txt`; the window's Add documents and Add pages follow the same rule).
//! All files are checked before anything is written, so a refused file leaves the project
//! unchanged. Sources already in the project are skipped.
//! `--title` (one file only) and `--status` set the new documents' metadata in the same step.

use crate::model::{DocStatus, Edit, Transaction};
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
    #[error("cannot add the documents: {0}")]
    Edit(#[from] crate::model::edit::EditError),
    #[error(
        "--title names one document, but {0} files were given: add them one at a time to give each its title"
    )]
    TitleForMany(usize),
    #[error(
        "--title is empty: give the document a title, or leave --title out to use the file name"
    )]
    EmptyTitle,
}

/// Metadata for the documents `add` creates; `None` keeps the default (title from the file
/// name, status "Not started"). A title is only for a single file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewMeta {
    pub title: Option<String>,
    pub status: Option<DocStatus>,
}

/// Reads a status as `--status` takes it: a [`DocStatus`] label in any case, with spaces,
/// hyphens or underscores between words ("in-progress", "Needs review").
pub fn parse_status(s: &str) -> Result<DocStatus, String> {
    let norm = |x: &str| {
        x.trim()
            .to_lowercase()
            .replace(['-', '_'], " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let want = norm(s);
    DocStatus::ALL
        .into_iter()
        .find(|d| norm(d.label()) == want)
        .ok_or_else(|| {
            let all: Vec<String> = DocStatus::ALL
                .iter()
                .map(|d| norm(d.label()).replace(' ', "-"))
                .collect();
            format!("unknown status “{s}”; use one of: {}", all.join(", "))
        })
}

/// How one file was added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// Added where it is, inside the project folder.
    InPlace { source: String },
    /// Copied from `from` into the project folder, at `source`.
    Copied { source: String, from: PathBuf },
    /// The file from `from` was already in the project folder at `source` (the same
    /// bytes), not yet as a document: added from there, nothing copied.
    SameAs { source: String, from: PathBuf },
    /// The project already had a document for this source.
    AlreadyThere { source: String },
}

/// Adds `files` to the project at `project` and saves it; `copy` copies files from outside
/// the project folder into its `sources/` folder.
pub fn run(project: &Path, files: &[PathBuf], copy: bool) -> Result<Vec<Added>, AddError> {
    run_with(project, files, copy, &NewMeta::default())
}

/// [`run`], giving the new documents the title and status in `meta` (in the same history
/// step and save). A title with more than one file is refused before anything is read.
pub fn run_with(
    project: &Path,
    files: &[PathBuf],
    copy: bool,
    meta: &NewMeta,
) -> Result<Vec<Added>, AddError> {
    let title = match meta.title.as_deref().map(str::trim) {
        Some(_) if files.len() > 1 => return Err(AddError::TitleForMany(files.len())),
        Some("") => return Err(AddError::EmptyTitle),
        t => t,
    };
    let mut session = Session::open(project)?;
    let dir = session
        .dir()
        .canonicalize()
        .map_err(|source| AddError::Read {
            path: session.dir().to_path_buf(),
            source,
        })?;
    // Check first: every file is readable, and a file outside the folder only with --copy.
    for f in files {
        let real = f.canonicalize().map_err(|source| AddError::Read {
            path: f.clone(),
            source,
        })?;
        if !real.starts_with(&dir) && !copy {
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
    for f in files {
        // The one rule the window's Add documents and Add pages use too: in place, or
        // copied into sources/ never over a different file.
        let placed = store::place::place_in_project(
            &dir,
            f,
            "sources",
            store::Limits::default().max_source_bytes,
        )?;
        let target = placed.rel().to_native(&dir);
        let mut doc = store::document_from_source(&dir, &target)?;
        if let Some(t) = title {
            doc.meta.title = t.to_owned();
        }
        if let Some(s) = meta.status {
            doc.meta.status = s;
        }
        let source = doc
            .meta
            .source
            .as_ref()
            .map(|s| s.path.to_string())
            .unwrap_or_default();
        if known.contains(&source) || added.iter().any(|a| matches!(a, Added::InPlace { source: s } | Added::Copied { source: s, .. } | Added::SameAs { source: s, .. } if *s == source)) {
            added.push(Added::AlreadyThere { source });
            continue;
        }
        tx.push(Edit::Document {
            before: None,
            after: Some(Box::new(doc)),
        });
        added.push(match placed {
            store::place::Placed::InPlace(_) => Added::InPlace { source },
            store::place::Placed::Copied { from, .. } => Added::Copied { source, from },
            store::place::Placed::Same { from, .. } => Added::SameAs { source, from },
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
            Added::SameAs { source, from } => {
                format!(
                    "added {source} (the same file as {} was already there)\n",
                    from.display()
                )
            }
            Added::AlreadyThere { source } => {
                format!("skipped {source} (already in the project)\n")
            }
        };
        out.push_str(&line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_is_read_from_the_model_labels() {
        assert_eq!(parse_status("in-progress"), Ok(DocStatus::InProgress));
        assert_eq!(parse_status("Needs review"), Ok(DocStatus::NeedsReview));
        assert_eq!(parse_status("NOT_STARTED"), Ok(DocStatus::NotStarted));
        assert_eq!(parse_status("done"), Ok(DocStatus::Done));
        let e = parse_status("finished").err().unwrap_or_default();
        assert!(e.contains("finished") && e.contains("needs-review"), "{e}");
    }

    #[test]
    fn title_and_status_are_set_and_a_title_for_many_files_is_refused()
    -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let file = crate::build_info::install_sample(tmp.path())?;
        let dir = file.parent().ok_or("no folder")?.to_path_buf();
        let (a, b) = (dir.join("sources/a.txt"), dir.join("sources/b.txt"));
        std::fs::write(&a, "Minutes of the first meeting.\n")?;
        std::fs::write(&b, "Minutes of the second meeting.\n")?;
        let before = std::fs::read(&file)?;
        let many = NewMeta {
            title: Some("Both".into()),
            status: None,
        };
        let e = run_with(&file, &[a.clone(), b.clone()], false, &many);
        assert!(matches!(e, Err(AddError::TitleForMany(2))), "{e:?}");
        let blank = NewMeta {
            title: Some("  ".into()),
            status: None,
        };
        assert!(matches!(
            run_with(&file, std::slice::from_ref(&a), false, &blank),
            Err(AddError::EmptyTitle)
        ));
        assert_eq!(std::fs::read(&file)?, before, "nothing written");

        let one = NewMeta {
            title: Some(" Minutes, 10 July 1951 ".into()),
            status: Some(DocStatus::InProgress),
        };
        run_with(&file, &[a], false, &one)?;
        let status_only = NewMeta {
            title: None,
            status: Some(DocStatus::NeedsReview),
        };
        run_with(&file, &[b], false, &status_only)?;
        let p = store::load(&file)?.project;
        let meta = |src: &str| {
            p.documents
                .values()
                .map(|d| &d.meta)
                .find(|m| m.source.as_ref().is_some_and(|s| s.path.to_string() == src))
                .map(|m| (m.title.clone(), m.status))
        };
        assert_eq!(
            meta("sources/a.txt"),
            Some(("Minutes, 10 July 1951".into(), DocStatus::InProgress))
        );
        assert_eq!(
            meta("sources/b.txt"),
            Some(("b".into(), DocStatus::NeedsReview))
        );
        Ok(())
    }
}
