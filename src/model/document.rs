//! Documents: archival metadata, the source they were read from, and their annotations.

use super::annotation::Annotation;
use super::date::NormalizedDate;
use super::ids::{AnnId, DocId};
use super::text::{LineEnding, SourceText};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// A path relative to the project folder, with `/` separators.
///
/// Invariant: non-empty, not absolute, no `..` or `.` component, no drive letter, no UNC
/// prefix, no backslash, no NUL. Shared projects are untrusted, so a path can never name a
/// file outside the project folder.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RelPath(String);

/// Why a string is not an acceptable [`RelPath`].
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum PathError {
    #[error("the path is empty")]
    Empty,
    #[error("absolute path \"{0}\" is not allowed; paths must be relative to the project folder")]
    Absolute(String),
    #[error("path \"{0}\" leaves the project folder (\"..\")")]
    ParentDir(String),
    #[error(
        "path \"{0}\" names a drive or network share; paths must be relative to the project folder"
    )]
    Drive(String),
    #[error("path \"{0}\" uses a backslash; use \"/\" between folders")]
    Backslash(String),
    #[error("path \"{0}\" contains an empty, \".\" or NUL component")]
    Component(String),
}

impl RelPath {
    pub fn parse(s: &str) -> Result<Self, PathError> {
        let owned = || s.to_owned();
        if s.is_empty() {
            return Err(PathError::Empty);
        }
        if s.starts_with("\\\\") || s.starts_with("//") {
            return Err(PathError::Drive(owned()));
        }
        if s.contains('\\') {
            return Err(PathError::Backslash(owned()));
        }
        if s.starts_with('/') || s.starts_with('~') {
            return Err(PathError::Absolute(owned()));
        }
        let b = s.as_bytes();
        if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
            return Err(PathError::Drive(owned()));
        }
        for part in s.split('/') {
            match part {
                ".." => return Err(PathError::ParentDir(owned())),
                "" | "." => return Err(PathError::Component(owned())),
                p if p.contains('\0') || p.contains(':') => {
                    return Err(PathError::Component(owned()));
                }
                _ => {}
            }
        }
        Ok(Self(s.to_owned()))
    }

    /// Makes a relative path from `path` inside `base`, or fails when it is outside.
    pub fn from_native(base: &Path, path: &Path) -> Result<Self, PathError> {
        let rel = path
            .strip_prefix(base)
            .map_err(|_| PathError::ParentDir(path.display().to_string()))?;
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Self::parse(&parts.join("/"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The path on this machine, under the project folder `base`.
    pub fn to_native(&self, base: &Path) -> PathBuf {
        self.0
            .split('/')
            .fold(base.to_path_buf(), |p, part| p.join(part))
    }

    /// This path with `suffix` appended to its file name.
    pub fn with_suffix(&self, suffix: &str) -> Self {
        Self(format!("{}{suffix}", self.0))
    }

    /// The file name, without folders.
    pub fn file_name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }
}

impl TryFrom<String> for RelPath {
    type Error = PathError;
    fn try_from(s: String) -> Result<Self, PathError> {
        Self::parse(&s)
    }
}

impl From<RelPath> for String {
    fn from(p: RelPath) -> String {
        p.0
    }
}

impl std::fmt::Display for RelPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a document's transcription came from, and its fingerprint when last annotated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    pub path: RelPath,
    /// BLAKE3 of the file's bytes, hex.
    pub hash: String,
    #[serde(default)]
    pub line_ending: LineEnding,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bom: bool,
}

/// How far work on a document has come.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum DocStatus {
    #[default]
    NotStarted,
    InProgress,
    Done,
    NeedsReview,
}

impl DocStatus {
    pub const ALL: [DocStatus; 4] = [
        Self::NotStarted,
        Self::InProgress,
        Self::Done,
        Self::NeedsReview,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::NotStarted => "Not started",
            Self::InProgress => "In progress",
            Self::Done => "Done",
            Self::NeedsReview => "Needs review",
        }
    }
}

/// Archival description of a document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArchivalMeta {
    /// The country of the holding archive, as the source writes it ("D", "GB").
    #[serde(skip_serializing_if = "String::is_empty")]
    pub country: String,
    /// The town of the holding archive ("Marbach am Neckar", "Cambridge").
    #[serde(skip_serializing_if = "String::is_empty")]
    pub settlement: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub archive: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub collection: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub call_number: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub citation: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub url: String,
    /// BCP 47 tag or language name of the original ("ru").
    #[serde(skip_serializing_if = "String::is_empty")]
    pub original_language: String,
    /// Who translated, from what, and how faithful the transcription is.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub translation_note: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<NormalizedDate>,
    /// The document's number in its edition ("2" for FRUS document 2).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub number: String,
    /// The document's identifier in the edition it was imported from (its `xml:id`, "d2").
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source_id: String,
    /// Page breaks of the printed or manuscript original, in text order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub page_breaks: Vec<PageBreak>,
    /// The IIIF manifest the page images came from (its id or address), empty when none.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub manifest: String,
    /// The IIIF canvas each page image shows, in page order (empty when the images did not
    /// come from IIIF): an IIIF export places annotations on these canvases.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub canvases: Vec<Canvas>,
}

/// A IIIF canvas: its id and size in canvas coordinates (the page image may be smaller;
/// coordinates scale by the ratio of the sizes).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Canvas {
    pub id: String,
    pub width: u32,
    pub height: u32,
}

/// Where a new page of the original begins in the text.
///
/// Invariant: `offset` is a code-point offset into the LF-normalized text, at most its length.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PageBreak {
    /// The first character of the new page.
    pub offset: usize,
    /// The page number as printed ("563"), empty when unnumbered.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub n: String,
    /// The page image's name or URL (TEI `@facs`), empty when none.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub facs: String,
}

/// Everything about a document except its text and annotations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentMeta {
    pub id: DocId,
    pub title: String,
    /// The text transcription, if the document has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceInfo>,
    /// Paths of page images, in page order. They are kept, checked on load and saved; no
    /// part of Marginalia displays them yet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<RelPath>,
    #[serde(default)]
    pub status: DocStatus,
    #[serde(default)]
    pub archival: ArchivalMeta,
}

/// A document in memory: its metadata, its text (when it has a transcription and the
/// source could be read) and its annotations by id.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub meta: DocumentMeta,
    pub text: Option<SourceText>,
    pub annotations: BTreeMap<AnnId, Annotation>,
}

impl Document {
    pub fn id(&self) -> DocId {
        self.meta.id
    }

    /// The text, or an empty one for documents without a transcription and unread sources.
    pub fn text_or_empty(&self) -> &SourceText {
        static EMPTY: std::sync::OnceLock<SourceText> = std::sync::OnceLock::new();
        self.text
            .as_ref()
            .unwrap_or_else(|| EMPTY.get_or_init(SourceText::default))
    }

    /// Where annotation `ann` is in the text: its own extent (a mention, an event with a
    /// trigger), else the earliest extent among what it points at in this document (an
    /// event's role fillers, a relation's arguments, one step deep). `None` when it has
    /// neither (a region on a page image, an event of registry entries only).
    pub fn place_of(&self, ann: AnnId) -> Option<super::anchor::Span> {
        use super::annotation::{Body, Target};
        let a = self.annotations.get(&ann)?;
        if let Some(an) = a.anchor() {
            return Some(an.extent());
        }
        let targets: Vec<Target> = match &a.body {
            Body::Event(e) => e.roles.values().flatten().copied().collect(),
            Body::Relation(r) => vec![r.from, r.to],
            Body::Mention(_) => Vec::new(),
        };
        targets
            .iter()
            .filter_map(|t| match t {
                Target::Annotation(id) => self.annotations.get(id)?.anchor().map(|an| an.extent()),
                Target::Entry(_) => None,
            })
            .min_by_key(|s| (s.start, s.end))
    }

    /// Annotations whose anchors overlap `[start, end)`, in id order.
    pub fn annotations_in(&self, start: usize, end: usize) -> impl Iterator<Item = &Annotation> {
        self.annotations.values().filter(move |a| {
            a.anchor()
                .is_some_and(|an| an.fragments.iter().any(|s| s.start < end && start < s.end))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relpaths_that_escape_are_refused() {
        for bad in [
            "../../etc/passwd",
            "/etc/passwd",
            "sources/../../x",
            "C:/Windows/x.txt",
            "c:x.txt",
            "\\\\server\\share\\x",
            "//server/share/x",
            "a\\b.txt",
            "a//b",
            "./a",
            "~/x",
            "",
        ] {
            assert!(RelPath::parse(bad).is_err(), "{bad}");
        }
        for good in [
            "a.txt",
            "sources/cable 21677.txt",
            "источники/телеграмма.txt",
            "..a/b",
        ] {
            assert!(RelPath::parse(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn native_round_trip() {
        let base = Path::new("/tmp/proj");
        let p = RelPath::parse("sources/a.txt").unwrap();
        let native = p.to_native(base);
        assert_eq!(native, Path::new("/tmp/proj/sources/a.txt"));
        assert_eq!(RelPath::from_native(base, &native).unwrap(), p);
        assert!(RelPath::from_native(base, Path::new("/etc/passwd")).is_err());
    }
}
