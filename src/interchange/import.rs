//! Imports from other tools' formats into a new project: the [`Importer`] trait and
//! [`run`] (the list of importers is [`super::formats`]). An import either writes a
//! project that `check` accepts or fails and leaves nothing behind: the project is built
//! and saved in a staging folder, loaded back and validated there, and moved into place
//! only then.

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
    #[error("--strict: the import would not keep {count} thing(s), so nothing was imported:\n  {}\nsource: {}", lines.join("\n  "), path.display())]
    WouldDrop {
        path: PathBuf,
        count: usize,
        /// The report's grouped lines.
        lines: Vec<String>,
    },
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
    /// Reads `source` (a file or folder) and builds a project in `cx.staging`: copies each
    /// source text into it (use [`store::document_from_source`] to make the document) and
    /// returns the project. Must not write outside `cx.staging`. Everything the source holds
    /// that the project does not keep goes into `cx.report` ([`ImportReport::drop`]).
    fn import(&self, source: &Path, cx: &mut ImportContext<'_>) -> Result<Project, ImportError>;
}

/// Progress of a long import (PDF, IIIF): (share done from 0 to 1, what is being done).
pub type ProgressFn = std::sync::Arc<dyn Fn(f32, &str) + Send + Sync>;

/// How an import reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Refuse the import when anything would not be kept (the report is not empty).
    pub strict: bool,
    /// W3C: how `TextPositionSelector`s count (`None`: decided from the quotes).
    pub offsets: Option<OffsetUnit>,
}

/// What a W3C file's `TextPositionSelector` offsets count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OffsetUnit {
    /// Unicode code points (the W3C model's unit; ours).
    CodePoints,
    /// UTF-16 code units (JavaScript strings: RecogitoJS, Hypothesis).
    Utf16,
}

/// What an importer works with: the staging folder it builds in, the options, and the
/// report it adds to.
pub struct ImportContext<'a> {
    pub staging: &'a Path,
    pub options: &'a ImportOptions,
    pub report: ImportReport,
}

impl<'a> ImportContext<'a> {
    /// A context building in `staging` with `options` and an empty report.
    pub fn new(staging: &'a Path, options: &'a ImportOptions) -> Self {
        Self {
            staging,
            options,
            report: ImportReport::default(),
        }
    }
}

/// What an import did not keep: one item per thing, grouped for reading by
/// [`ImportReport::grouped`] and listed whole by [`ImportReport::full_text`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub items: Vec<super::report::Item>,
}

impl ImportReport {
    /// Records that `count` things of `kind` in `document` (a file or document title) at
    /// `place` (a line, an annotation; "" for the whole document) were not kept.
    pub fn drop(
        &mut self,
        kind: impl Into<String>,
        count: usize,
        document: impl Into<String>,
        place: impl Into<String>,
    ) {
        if count == 0 {
            return;
        }
        self.items.push(super::report::Item {
            kind: kind.into(),
            count,
            document: document.into(),
            place: place.into(),
        });
    }

    /// Whether everything was kept.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// One line per kind with counts and the first places.
    pub fn grouped(&self) -> Vec<String> {
        super::report::grouped_lines(&self.items)
    }

    /// The full list, one line per item: what `marginalia import --report FILE` writes.
    pub fn full_text(&self, title: &str) -> String {
        super::report::full_text(title, &self.items)
    }
}

/// Runs `importer` on `source`, building in `staging` with default options: the project
/// and the report of what it did not keep (for tests and tools that save it themselves).
pub fn import_into(
    importer: &dyn Importer,
    source: &Path,
    staging: &Path,
) -> Result<(Project, ImportReport), ImportError> {
    let options = ImportOptions::default();
    let mut cx = ImportContext::new(staging, &options);
    let project = importer.import(source, &mut cx)?;
    Ok((project, cx.report))
}

/// A finished import: the new project's file and what was not kept.
#[derive(Clone, Debug)]
pub struct Imported {
    pub project_file: PathBuf,
    pub report: ImportReport,
}

/// Imports `source` into a new project folder `out_dir` and returns the project file:
/// [`run_with_limits`] with the store's default load limits and default options.
pub fn run(importer: &dyn Importer, source: &Path, out_dir: &Path) -> Result<PathBuf, ImportError> {
    run_with_limits(importer, source, out_dir, Limits::default())
}

/// Imports `source` into a new project folder `out_dir` with `options` and returns the
/// project file and the report of what was not kept; with `options.strict`, a non-empty
/// report refuses the import ([`ImportError::WouldDrop`]) and nothing is written.
pub fn run_reporting(
    importer: &dyn Importer,
    source: &Path,
    out_dir: &Path,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    run_full(importer, source, out_dir, Limits::default(), options)
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
    run_full(importer, source, out_dir, limits, &ImportOptions::default()).map(|i| i.project_file)
}

fn run_full(
    importer: &dyn Importer,
    source: &Path,
    out_dir: &Path,
    limits: Limits,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
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
    sweep_stale_staging(parent);
    let staging = parent.join(staging_name(&name, std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(|e| ImportError::io("create folder", &staging, e))?;
    let result = (|| {
        let mut cx = ImportContext::new(&staging, options);
        let mut project = importer.import(source, &mut cx)?;
        let report = cx.report;
        if options.strict && !report.is_empty() {
            return Err(ImportError::WouldDrop {
                path: source.to_path_buf(),
                count: report.items.iter().map(|i| i.count).sum(),
                lines: report.grouped(),
            });
        }
        if project.info.name.is_empty() {
            project.info.name = name.clone();
        }
        let file_name = format!("{}{}", slug_file_name(&name), store::PROJECT_SUFFIX);
        let project_file = staging.join(&file_name);
        check_before_saving(&project, source, limits)?;
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
        Ok(Imported {
            project_file: out_dir.join(file_name),
            report,
        })
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

/// The name of the staging folder process `pid` builds the import of `name` in.
fn staging_name(name: &str, pid: u32) -> String {
    format!(".{name}.importing-{pid}")
}

/// Removes the staging folders that imports killed before they finished left in `parent`:
/// only folders (not links) named exactly `.NAME.importing-PID`, and only when process PID
/// is certainly not running on this machine. Returns the folders removed.
pub fn sweep_stale_staging(parent: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(parent) else {
        return removed;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let Some((name, pid)) = file_name
            .strip_prefix('.')
            .and_then(|n| n.rsplit_once(".importing-"))
        else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if name.is_empty()
            || staging_name(name, pid) != file_name
            || store::fs::process_running(pid) != Some(false)
            || !entry.file_type().is_ok_and(|t| t.is_dir())
        {
            continue;
        }
        let path = entry.path();
        if std::fs::remove_dir_all(&path).is_ok() {
            removed.push(path);
        }
    }
    removed
}

/// The path that names `doc` in an error: the imported file of the same relative path as
/// its source text when there is one, else `source`, the file or folder imported. (Never
/// the staging folder, which is gone when the error is shown.)
fn shown(doc: &Document, source: &Path) -> PathBuf {
    let base = if source.is_dir() {
        source
    } else {
        source.parent().unwrap_or(source)
    };
    doc.meta
        .source
        .as_ref()
        .map(|s| base.join(s.path.as_str()))
        .filter(|p| p.starts_with(base) && p.is_file())
        .unwrap_or_else(|| source.to_path_buf())
}

/// What would make the saved project fail to load or fail `check`, found before anything
/// is saved: an annotation id in two documents, two documents on one annotation file, an
/// annotation file over the load limit, and validation errors.
fn check_before_saving(
    project: &Project,
    source: &Path,
    limits: Limits,
) -> Result<(), ImportError> {
    let mut ann_owner: HashMap<_, &Document> = HashMap::new();
    let mut doc_files: HashMap<String, &Document> = HashMap::new();
    for doc in project.documents.values() {
        let invalid = |message: String| ImportError::Invalid {
            path: shown(doc, source),
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
            .map_or_else(|| source.to_path_buf(), |d| shown(d, source));
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn an_import_removes_stale_staging_folders_of_dead_processes_only() {
        if !Path::new("/proc/self").exists() {
            return; // Whether a process runs cannot be known here, so nothing is removed.
        }
        let tmp = tempfile::tempdir().unwrap();
        let parent = tmp.path();
        // No process has a pid near u32::MAX (Linux caps pids at 2^22); ours is alive.
        let dead = parent.join(".old.importing-4294967290");
        let dead_other = parent.join(".proj.importing-4294967291");
        let alive = parent.join(format!(".old.importing-{}", std::process::id()));
        let kept = [
            alive.clone(),
            parent.join(".old.importing-04294967290"),
            parent.join(".old.importing-+4294967290"),
            parent.join(".old.importing-4294967290x"),
            parent.join("old.importing-4294967290"),
            parent.join("..importing-4294967290"),
            parent.join("notes"),
        ];
        for d in [&dead, &dead_other].into_iter().chain(&kept) {
            std::fs::create_dir_all(d.join("sources")).unwrap();
            std::fs::write(d.join("sources/a.txt"), "written by someone").unwrap();
        }
        let file_not_folder = parent.join(".file.importing-4294967292");
        std::fs::write(&file_not_folder, "a file, not a staging folder").unwrap();
        #[cfg(unix)]
        let link = {
            let link = parent.join(".link.importing-4294967293");
            std::os::unix::fs::symlink(parent.join("notes"), &link).unwrap();
            link
        };

        let src = parent.join("src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("a.txt"), "text").unwrap();
        let file = run(
            crate::interchange::formats::importer("text")
                .unwrap()
                .as_ref(),
            &src,
            &parent.join("proj"),
        )
        .unwrap();
        assert!(file.exists());

        assert!(!dead.exists() && !dead_other.exists());
        for k in &kept {
            assert!(k.join("sources/a.txt").exists(), "{}", k.display());
        }
        assert!(file_not_folder.is_file());
        #[cfg(unix)]
        assert!(
            std::fs::symlink_metadata(&link).is_ok() && parent.join("notes/sources/a.txt").exists()
        );
        let staging_left: Vec<_> = std::fs::read_dir(parent)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(".proj."))
            .collect();
        assert!(staging_left.is_empty(), "{staging_left:?}");
        assert!(sweep_stale_staging(parent).is_empty());
    }

    #[test]
    fn an_import_that_would_not_pass_check_names_the_imported_file() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(
            src.join("annotation.conf"),
            "[entities]\nPerson\nPlace\n[relations]\nRel\tArg1:Person, Arg2:Person\n[events]\n[attributes]\n",
        )
        .unwrap();
        std::fs::write(src.join("a.txt"), "Kim met Seoul\n").unwrap();
        std::fs::write(
            src.join("a.ann"),
            "T1\tPerson 0 3\tKim\nT2\tPlace 8 13\tSeoul\nR1\tRel Arg1:T1 Arg2:T2\n",
        )
        .unwrap();
        let err = run(
            crate::interchange::formats::importer("brat")
                .unwrap()
                .as_ref(),
            &src,
            &tmp.path().join("proj"),
        )
        .unwrap_err();
        let ImportError::Invalid { path, message } = &err else {
            panic!("{err}");
        };
        assert!(message.contains("would not pass check"), "{err}");
        assert_eq!(path, &src.join("a.txt"), "{err}");
        assert!(!tmp.path().join("proj").exists());
    }
}
