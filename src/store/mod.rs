//! Projects on disk: RON files next to the sources.
//!
//! See [`format`] for the layout and why annotations live in one file per document.
//! Loading is strict (a malformed, oversized or unsafe file is an error naming the file
//! and line) and never falls back to defaults; saving is deterministic, atomic for the
//! whole project (see [`journal`]), and refuses to overwrite a file that changed on disk
//! since it was read. Only regular files are read ([`fs::open_regular`]).

mod error;
pub mod format;
pub mod fs;
pub mod journal;
mod load;
pub mod lock;
pub mod memo;
pub mod merge;
pub mod place;
mod save;
pub mod suggestions;
pub mod write_lock;

pub use error::StoreError;
pub use format::{DOC_SUFFIX, FORMAT_VERSION, PROJECT_SUFFIX, doc_file_for};
pub use fs::{Backup, write_atomic};
pub use load::{Limits, Loaded, load, load_locked, load_with, resolve_project_file};
pub use save::{
    Overwritten, SaveReport, document_bytes, document_bytes_with, project_bytes, save, save_locked,
    save_sources_with, save_with,
};
pub use write_lock::WriteLock;

use crate::model::{
    ArchivalMeta, DocId, DocStatus, Document, DocumentMeta, RelPath, SourceInfo, SourceText,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Marginalia's working files beside a project's files, as `.gitignore` patterns: save
/// backups, recovery copies, the presence file, the save lock, save journals, temporary
/// files of an interrupted save, and the `.theirs` copies kept when a source changed on
/// disk. `git-setup` and a new project's `.gitignore` both write exactly these.
pub const WORKING_FILES: &[&str] = &[
    "*.bak",
    "*.recovery",
    "*.marginalia.ron.lock",
    ".*.save-lock",
    ".*.journal",
    ".*.tmp-*",
    "*.theirs",
    "*.theirs-*",
];

/// Whether a file named `name` (no folder) is one of the [`WORKING_FILES`]: nothing a user
/// wrote, so listings of a project's content (the embedded sample, "writes nothing" checks)
/// leave it out.
pub fn is_working_file(name: &str) -> bool {
    fn matches(pattern: &[u8], name: &[u8]) -> bool {
        match pattern.split_first() {
            None => name.is_empty(),
            Some((b'*', rest)) => (0..=name.len()).any(|i| matches(rest, &name[i..])),
            Some((c, rest)) => name.first() == Some(c) && matches(rest, &name[1..]),
        }
    }
    WORKING_FILES
        .iter()
        .any(|p| matches(p.as_bytes(), name.as_bytes()))
}

/// A BLAKE3 content hash.
pub type Hash = blake3::Hash;

pub fn hash_bytes(bytes: &[u8]) -> Hash {
    blake3::hash(bytes)
}

/// Where a project lives on disk and what its files held when last read or written.
#[derive(Clone, Debug)]
pub struct DiskState {
    pub project_file: PathBuf,
    /// The project folder: every relative path is resolved against it.
    pub dir: PathBuf,
    /// Hash of the project file as last read or written; `None`: not yet on disk.
    pub project_hash: Option<Hash>,
    pub docs: BTreeMap<DocId, DocDisk>,
    /// Hash of each document's source file as last read or written (only sources that
    /// were read); a source is written only by an explicit edit of the transcription.
    pub sources: BTreeMap<DocId, Hash>,
    /// Why the project may not be saved (a newer format), if so.
    pub read_only: Option<String>,
    /// Versions a failed save may or may not have left in a file (it could not tell): the
    /// file holding one of them is no conflict. Cleared by a successful save.
    pub attempted: BTreeMap<PathBuf, Vec<Hash>>,
}

/// A document's annotation file and its hash as last read or written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocDisk {
    pub file: RelPath,
    pub hash: Option<Hash>,
}

impl DiskState {
    /// The state of a project that has not been saved yet, to be saved as `project_file`.
    pub fn new(project_file: PathBuf) -> Self {
        let dir = project_file
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Self {
            project_file,
            dir,
            project_hash: None,
            docs: BTreeMap::new(),
            sources: BTreeMap::new(),
            read_only: None,
            attempted: BTreeMap::new(),
        }
    }

    /// The state for writing the same project as `project_file`, a file not written yet:
    /// each document keeps its annotation file name, with no hash known (nothing of it is
    /// on disk there yet), so a save writes every file.
    pub fn forgetting_hashes(&self, project_file: PathBuf) -> Self {
        let mut disk = Self::new(project_file);
        disk.docs = self
            .docs
            .iter()
            .map(|(id, d)| {
                (
                    *id,
                    DocDisk {
                        file: d.file.clone(),
                        hash: None,
                    },
                )
            })
            .collect();
        disk
    }
}

/// Reads a file from outside the project (an imported file) through the store's guard:
/// a regular file only (a FIFO, device or folder is refused, never opened for a blocking
/// read), at most `limit` bytes (checked before reading, and again while reading).
pub fn read_guarded(path: &Path, limit: u64) -> Result<Vec<u8>, StoreError> {
    load::read_limited(path, limit)
}

/// Reads a source file inside the project folder and makes a document of it, titled after
/// its file name. The source is read, never written.
pub fn document_from_source(project_dir: &Path, source: &Path) -> Result<Document, StoreError> {
    let rel = RelPath::from_native(project_dir, source).map_err(|e| StoreError::Invalid {
        path: source.to_path_buf(),
        message: format!("sources must be inside the project folder ({e})"),
    })?;
    // A link inside the folder to a file outside would be refused when the project is
    // loaded again, so it is refused here too.
    let canonical_dir = project_dir
        .canonicalize()
        .map_err(|e| StoreError::io("resolve folder", project_dir, e))?;
    load::check_inside(&canonical_dir, source, rel.as_str(), source)?;
    let bytes = load::read_limited(source, Limits::default().max_source_bytes)?;
    let text = SourceText::from_bytes(&bytes).map_err(|e| {
        let crate::model::text::DecodeError::InvalidUtf8 { offset } = e;
        StoreError::InvalidUtf8 {
            path: source.to_path_buf(),
            offset,
            line: bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1,
        }
    })?;
    let title = source
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| rel.to_string());
    Ok(Document {
        meta: DocumentMeta {
            id: DocId::new(),
            title,
            source: Some(SourceInfo {
                path: rel,
                hash: hash_bytes(&bytes).to_hex().to_string(),
                line_ending: text.line_ending(),
                bom: text.had_bom(),
            }),
            images: Vec::new(),
            status: DocStatus::NotStarted,
            archival: ArchivalMeta::default(),
        },
        text: Some(text),
        annotations: BTreeMap::new(),
    })
}

#[cfg(test)]
mod working_file_tests {
    use super::is_working_file;

    #[test]
    fn working_files_are_told_from_what_users_wrote() {
        for name in [
            ".kaesong.marginalia.ron.save-lock",
            "kaesong.marginalia.ron.bak",
            "kaesong.marginalia.ron.lock",
            ".kaesong.marginalia.ron.journal",
            ".cable.txt.tmp-1234",
            "cable.txt.theirs",
            "cable.txt.theirs-2",
        ] {
            assert!(is_working_file(name), "{name}");
        }
        for name in [
            "kaesong.marginalia.ron",
            "cable.txt",
            "cable.txt.ann.ron",
            "save-lock.txt",
            "theirs.txt",
            ".hidden-notes.txt",
        ] {
            assert!(!is_working_file(name), "{name}");
        }
    }
}
