//! Exports: the [`Exporter`] trait, the [`Output`] exporters put their files into, and [`run`], which writes those files only
//! when that is safe: never into the project's own folder, never over an existing file
//! unless asked to, each file atomically.

use crate::model::{Annotation, Document, Project};
use crate::store::StoreError;
use rayon::prelude::*;
use std::collections::HashSet;
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
    #[error(
        "the file already exists; choose an empty folder or replace it on purpose (--force): {}",
        path.display()
    )]
    Exists { path: PathBuf },
    #[error("refusing to export into the project's own folder or a folder inside it, whose files it would replace: {}", path.display())]
    IntoProject { path: PathBuf },
    #[error(transparent)]
    Store(#[from] StoreError),
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
    /// Makes the export of `project`: adds every file to `out` and returns the files (as
    /// [`Output::add`] names them) and everything the format could not hold.
    fn write(
        &self,
        project: &Project,
        out: &mut Output,
        progress: Progress<'_>,
    ) -> Result<ExportReport, ExportError>;

    /// Whether the format writes who adjudicated an annotation and from whose versions
    /// ([`Annotation::adjudicated_from`](crate::model::Annotation::adjudicated_from)); when
    /// not, [`run`] reports each adjudicated annotation as left out of it.
    fn keeps_adjudication(&self) -> bool {
        false
    }

    /// Exports `project` into the folder `out_dir` (created if missing): [`run`].
    fn export(
        &self,
        project: &Project,
        out_dir: &Path,
        options: &ExportOptions,
        progress: Progress<'_>,
    ) -> Result<ExportReport, ExportError> {
        run(self, project, out_dir, options, progress)
    }
}

/// How an export may write.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Replace files that already exist (the old one is kept as `<name>.bak`).
    pub overwrite: bool,
    /// The exported project's folder, never written into.
    pub project_dir: Option<PathBuf>,
}

/// The files of one export, held until all are made. Names are `/`-separated paths
/// relative to the output folder; each is a plain path inside it and used once.
#[derive(Debug)]
pub struct Output {
    dir: PathBuf,
    files: Vec<(PathBuf, Vec<u8>)>,
    used: HashSet<String>,
}

impl Output {
    /// An empty export into folder `dir`.
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
            files: Vec::new(),
            used: HashSet::new(),
        }
    }

    /// The output folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Adds file `name` with `bytes`; returns the path it will have.
    pub fn add(&mut self, name: &str, bytes: Vec<u8>) -> Result<PathBuf, ExportError> {
        let path =
            super::common::join_inside(&self.dir, name).map_err(|message| ExportError::Format {
                path: self.dir.clone(),
                message,
            })?;
        if !self.used.insert(name.to_owned()) {
            return Err(ExportError::Format {
                path,
                message: "the export would write this file twice".into(),
            });
        }
        self.files.push((path.clone(), bytes));
        Ok(path)
    }

    /// The files added, in order.
    pub fn files(&self) -> impl Iterator<Item = (&Path, &[u8])> {
        self.files.iter().map(|(p, b)| (p.as_path(), b.as_slice()))
    }
}

/// `path` with links resolved, for a path that may not exist yet: its nearest existing
/// ancestor canonicalized, the rest appended. `None` when no ancestor resolves.
fn resolved(path: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(path).ok()?;
    let mut rest = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(c) = cur.canonicalize() {
            return Some(rest.iter().rev().fold(c, |p, part| p.join(part)));
        }
        rest.push(cur.file_name()?.to_os_string());
        cur = cur.parent()?;
    }
}

/// Makes the export of `project` with `exporter` and writes it into `out_dir`. Refuses,
/// before writing anything, an `out_dir` that is the project's own folder or inside it, and any file
/// that exists already (unless `options.overwrite`; something that is not a regular file
/// is never replaced). Each file is written atomically.
pub fn run<E: Exporter + ?Sized>(
    exporter: &E,
    project: &Project,
    out_dir: &Path,
    options: &ExportOptions,
    progress: Progress<'_>,
) -> Result<ExportReport, ExportError> {
    // The project's folder or any folder inside it holds sources and annotation files an
    // export must never replace, even with `overwrite`.
    if let Some(project_dir) = &options.project_dir
        && let (Some(a), Ok(b)) = (resolved(out_dir), project_dir.canonicalize())
        && a.starts_with(&b)
    {
        return Err(ExportError::IntoProject {
            path: out_dir.to_path_buf(),
        });
    }
    let mut out = Output::new(out_dir);
    // Annotators' independent layers are not the project's annotations: exports write the
    // shared (curated) set and report the rest (docs/agreement.md).
    let (project, in_layers) = crate::model::layers::shared_only(project);
    let mut report = exporter.write(&project, &mut out, progress)?;
    report.omitted.extend(in_layers);
    if !exporter.keeps_adjudication() {
        report
            .omitted
            .extend(adjudication_left_out(exporter.label(), &project));
    }
    for (path, _) in out.files() {
        match std::fs::symlink_metadata(path) {
            Ok(m) if !options.overwrite || !m.is_file() => {
                return Err(ExportError::Exists {
                    path: path.to_path_buf(),
                });
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(ExportError::io("inspect", path, e)),
        }
    }
    // Files are created on rayon's pool (one thread per core): with one flush for all
    // files there is no sync to wait on, and more threads only contend for the folder.
    write_files(&out.files, options.overwrite)?;
    Ok(report)
}

/// Writes `files` atomically, as [`crate::store::fs::write_atomic`] does (a temporary file
/// beside each, its data synced, then renamed over the target; a replaced file kept as
/// `NAME.bak`), in phases over all files: every temporary file is written, then all are
/// flushed to disk (one `syncfs` on Linux, else a sync per file), then renamed, then each
/// folder is synced once. Synced one by one, thousands of small files spent seconds in
/// fsync (3 ms each on the build machine); one `syncfs` takes about 0.4 s for 4,000.
fn write_files(files: &[(PathBuf, Vec<u8>)], overwrite: bool) -> Result<(), ExportError> {
    let folder = |p: &Path| {
        p.parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf()
    };
    let folders: std::collections::BTreeSet<PathBuf> =
        files.iter().map(|(p, _)| folder(p)).collect();
    for d in &folders {
        std::fs::create_dir_all(d).map_err(|e| ExportError::io("create folder", d, e))?;
    }
    let pid = std::process::id();
    let temp = |path: &Path| crate::store::fs::temp_path(path, pid);
    let remove_temps = || {
        files.par_iter().for_each(|(path, _)| {
            let _ = std::fs::remove_file(temp(path));
        });
    };
    // Files are closed after writing and opened again to sync, so no more than one per
    // thread is open at a time.
    let written = files.par_iter().try_for_each(|(path, bytes)| {
        let tmp = temp(path);
        crate::store::fs::create_file(&tmp)
            .and_then(|mut f| std::io::Write::write_all(&mut f, bytes))
            .map_err(|e| ExportError::io("write", &tmp, e))
    });
    // One flush per file system where the platform has it, else one sync per file.
    let synced = written.and_then(|()| {
        if flush_file_systems(&folders)? {
            return Ok(());
        }
        files.par_iter().try_for_each(|(path, _)| {
            let tmp = temp(path);
            std::fs::File::open(&tmp)
                .and_then(|f| f.sync_all())
                .map_err(|e| ExportError::io("sync", &tmp, e))
        })
    });
    if let Err(e) = synced {
        remove_temps();
        return Err(e);
    }
    let renamed = files.par_iter().try_for_each(|(path, _)| {
        let tmp = temp(path);
        if overwrite && std::fs::symlink_metadata(path).is_ok() {
            let bak = crate::store::fs::backup_path(path);
            match std::fs::remove_file(&bak) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(ExportError::io("replace backup", &bak, e));
                }
                _ => {}
            }
            if std::fs::hard_link(path, &bak).is_err() {
                std::fs::copy(path, &bak).map_err(|e| ExportError::io("back up", &bak, e))?;
            }
        }
        std::fs::rename(&tmp, path).map_err(|e| ExportError::io("replace", path, e))
    });
    if let Err(e) = renamed {
        remove_temps();
        return Err(e);
    }
    folders
        .par_iter()
        .try_for_each(|d| match std::fs::File::open(d) {
            // Where a folder cannot be opened, renames are as durable as the platform makes them.
            Ok(f) => f
                .sync_all()
                .map_err(|e| ExportError::io("sync folder", d, e)),
            Err(_) => Ok(()),
        })
}

/// Flushes the file systems holding `folders` (one `syncfs` per device); `false` where the
/// platform cannot, and each file must be synced.
fn flush_file_systems(folders: &std::collections::BTreeSet<PathBuf>) -> Result<bool, ExportError> {
    let mut devices = std::collections::BTreeSet::new();
    for d in folders {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let dev = std::fs::metadata(d)
                .map_err(|e| ExportError::io("inspect", d, e))?
                .dev();
            if !devices.insert(dev) {
                continue;
            }
        }
        #[cfg(not(unix))]
        let _ = &mut devices;
        if !crate::store::fs::sync_filesystem(d).map_err(|e| ExportError::io("sync", d, e))? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// What an export wrote, and what it left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportReport {
    /// The files written, in writing order.
    pub files: Vec<PathBuf>,
    /// One sentence per piece of project data the format cannot express, naming the
    /// document and annotation ("brat cannot express …: Meeting <id> in \"Cable …\"").
    pub omitted: Vec<String>,
}

impl ExportReport {
    /// The omissions as a reader wants them: one line per kind with counts and the first
    /// places ([`group_omissions`]).
    pub fn grouped(&self) -> Vec<String> {
        group_omissions(self.omitted.clone())
    }

    /// The full list of omissions, one line per item, grouped under a line per kind: what
    /// `marginalia export --report FILE` writes.
    pub fn full_text(&self, title: &str) -> String {
        super::report::full_text(title, &omitted_items(&self.omitted))
    }
}

/// A part of an annotation that a format may not be able to hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Attributes,
    Note,
    Certainty,
    /// Who made and last changed the annotation, and when.
    Annotator,
    /// A mention's or event's normalized date.
    Date,
    /// A mention's registry entry.
    Entry,
}

impl Part {
    fn present(self, a: &Annotation) -> bool {
        match self {
            Part::Attributes => !a.attributes.is_empty(),
            Part::Note => !a.note.is_empty(),
            Part::Certainty => a.cert.is_some(),
            Part::Annotator => !a.annotator().is_empty() || a.modified.is_some(),
            Part::Date => match &a.body {
                crate::model::Body::Mention(m) => m.date.is_some(),
                crate::model::Body::Event(e) => e.date.is_some(),
                crate::model::Body::Relation(_) => false,
            },
            Part::Entry => a.as_mention().is_some_and(|m| m.entry.is_some()),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Part::Attributes => "attributes",
            Part::Note => "a note",
            Part::Certainty => "certainty",
            Part::Annotator => "the annotator",
            Part::Date => "a normalized date",
            Part::Entry => "a registry link",
        }
    }
}

/// `"<Type label> <annotation id> in \"<document title>\""`: names an annotation for a report.
pub fn describe(project: &Project, doc: &Document, a: &Annotation) -> String {
    format!(
        "{} {} in \"{}\"",
        project.schema.label(a.type_id()),
        a.id,
        doc.meta.title
    )
}

/// `"<format> cannot express <what>: <annotation>"`.
/// One omission line per adjudicated annotation of `project` (a format that cannot write
/// who adjudicated it and from whose versions).
fn adjudication_left_out(format: &str, project: &Project) -> Vec<String> {
    project
        .documents
        .values()
        .flat_map(|d| d.annotations.values().map(move |a| (d, a)))
        .filter(|(_, a)| !a.adjudicated_from.is_empty())
        .map(|(d, a)| {
            let what = "who adjudicated it and from whose versions";
            format!(
                "{} (adjudicated by {} from {})",
                omission(format, what, project, d, a),
                a.adjudicator().unwrap_or("an unnamed curator"),
                a.adjudicated_from.join(", ")
            )
        })
        .collect()
}

pub fn omission(
    format: &str,
    what: &str,
    project: &Project,
    doc: &Document,
    a: &Annotation,
) -> String {
    format!(
        "{format} cannot express {what}: {}",
        describe(project, doc, a)
    )
}

/// Adds an omission when `doc` has an archival description (repository, shelfmark, dates
/// …), for formats that hold no document metadata.
pub fn omit_archival(omitted: &mut Vec<String>, format: &str, doc: &Document) {
    if doc.meta.archival != crate::model::ArchivalMeta::default() {
        omitted.push(format!(
            "{format} cannot express the archival description of \"{}\"",
            doc.meta.title
        ));
    }
}

/// Adds one omission per part in `parts` that `a` has.
pub fn omit_parts(
    omitted: &mut Vec<String>,
    format: &str,
    parts: &[Part],
    project: &Project,
    doc: &Document,
    a: &Annotation,
) {
    for p in parts {
        if p.present(a) {
            omitted.push(omission(format, p.name(), project, doc, a));
        }
    }
}

/// Omission sentences grouped by kind, with counts and the first few places
/// ([`super::report`]): "brat cannot express the annotator: 116 in 1 document, e.g. …".
pub fn group_omissions(omitted: Vec<String>) -> Vec<String> {
    super::report::grouped_lines(&omitted_items(&omitted))
}

/// Omission sentences as report items ([`super::report::parse_sentence`]).
pub fn omitted_items(omitted: &[String]) -> Vec<super::report::Item> {
    omitted
        .iter()
        .map(|l| super::report::parse_sentence(l))
        .collect()
}
