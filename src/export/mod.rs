//! Exports to the formats the field uses, one file per format, each an [`Exporter`].

pub mod brat;
pub mod conll;
pub mod csv;
pub mod jsonl;
pub mod tei;
pub mod w3c;

use crate::model::{Annotation, Document, Project};
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
    /// returns the files written and everything the format could not hold.
    fn export(
        &self,
        project: &Project,
        out_dir: &Path,
        progress: Progress<'_>,
    ) -> Result<ExportReport, ExportError>;
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

/// A part of an annotation that a format may not be able to hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Attributes,
    Note,
    Certainty,
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
            Part::Annotator => !a.resp.is_empty(),
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

/// Every exporter, in menu order.
pub fn all() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(tei::TeiExporter),
        Box::new(brat::BratExporter),
        Box::new(w3c::W3cExporter),
        Box::new(csv::CsvExporter),
        Box::new(jsonl::JsonlExporter),
        Box::new(conll::ConllExporter),
        Box::new(crate::interchange::webanno_tsv::WebAnnoTsvExporter),
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
