//! The on-disk shape of projects: one project file plus one file per document.
//!
//! ```text
//! my-project/
//! ├── my-project.marginalia.ron        ProjectFile: info, schema, registry, document list
//! └── sources/
//!     ├── cable-21677.txt              the source, never written by Marginalia
//!     └── cable-21677.txt.ann.ron      DocumentFile: metadata and annotations
//! ```
//!
//! Why one annotation file per document, beside its source: two scholars who annotate
//! different documents change different files, so git merges them cleanly; saving after an
//! edit writes only the documents that changed, so a 2,000-document project saves one
//! small file, not all of them; and a source travels with its annotations. The project file
//! keeps what is shared: schema, registry and the list of documents.
//!
//! Every list is sorted by id and every file is pretty-printed RON with `\n` line
//! endings, so loading and saving without changes writes identical bytes, and one changed
//! annotation is a small diff.

use crate::model::{Annotation, DocId, DocumentMeta, Entry, ProjectInfo, RelPath, Schema};
use serde::{Deserialize, Serialize};

/// The format version this build writes. Files carry it as `format_version`.
pub const FORMAT_VERSION: u32 = 1;
/// The oldest format version this build reads (older files are migrated on load).
pub const OLDEST_FORMAT_VERSION: u32 = 1;

/// File name suffix of project files.
pub const PROJECT_SUFFIX: &str = ".marginalia.ron";
/// Suffix appended to a source's file name to name its annotation file.
pub const DOC_SUFFIX: &str = ".ann.ron";

pub(crate) const PROJECT_HEADER: &str =
    "// Marginalia project. Paths are relative to this file's folder.\n";
pub(crate) const DOC_HEADER: &str = "// Marginalia annotations for one document. Offsets count Unicode code points in the LF-normalized source.\n";

/// A document's entry in the project file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocRef {
    pub id: DocId,
    /// The document's annotation file, relative to the project folder.
    pub file: RelPath,
}

/// The project file, as read.
#[derive(Debug, Deserialize)]
pub struct ProjectFile {
    pub format_version: u32,
    pub info: ProjectInfo,
    pub schema: Schema,
    #[serde(default)]
    pub registry: Vec<Entry>,
    #[serde(default)]
    pub documents: Vec<DocRef>,
}

/// The project file, as written (borrowing from the model).
#[derive(Serialize)]
pub(crate) struct ProjectFileOut<'a> {
    pub format_version: u32,
    pub info: &'a ProjectInfo,
    pub schema: &'a Schema,
    pub registry: Vec<&'a Entry>,
    pub documents: Vec<&'a DocRef>,
}

/// A document's annotation file, as read.
#[derive(Debug, Deserialize)]
pub struct DocumentFile {
    pub format_version: u32,
    pub document: DocumentMeta,
    #[serde(default)]
    pub annotations: Vec<Annotation>,
}

/// A document's annotation file, as written.
#[derive(Serialize)]
pub(crate) struct DocumentFileOut<'a> {
    pub format_version: u32,
    pub document: &'a DocumentMeta,
    pub annotations: Vec<&'a Annotation>,
}

/// Only the version, to tell "newer format" from "malformed" when a full parse fails.
#[derive(Deserialize)]
pub(crate) struct VersionProbe {
    pub format_version: u32,
}

/// The annotation file path for a document: beside its source, or under `annotations/`
/// for documents without a transcription.
pub fn doc_file_for(meta: &DocumentMeta) -> RelPath {
    match &meta.source {
        Some(src) => src.path.with_suffix(DOC_SUFFIX),
        #[allow(clippy::expect_used)]
        None => RelPath::parse(&format!("annotations/{}{DOC_SUFFIX}", meta.id))
            .expect("a UUID forms a valid relative path"),
    }
}

/// The RON style every file is written in.
pub(crate) fn pretty() -> ron::ser::PrettyConfig {
    ron::ser::PrettyConfig::new()
        .new_line("\n")
        .indentor("    ")
        .struct_names(false)
        .escape_strings(false)
        .separate_tuple_members(false)
        .compact_arrays(false)
}
