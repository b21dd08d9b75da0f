//! Internal messages: requests that carry data from panels, dialogs, drops and file pickers
//! (a path, a prepared [`Transaction`], a place to jump to). Unlike a
//! [`Command`](super::Command) they have no label, shortcut or menu row. Both kinds go
//! through one [`Queue`] and are handled once per frame in `App::handle`.

use super::Command;
use crate::model::ids::{AnnId, DocId, EntryId, Slug};
use crate::model::registry::AliasKind;
use crate::model::{Span, Target, Transaction};
use std::path::PathBuf;

/// A request with data, produced by the window itself.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// Create a project from the .txt and .md files in a folder (or open the one there).
    NewFromFolder(PathBuf),
    /// Open a project file or folder.
    Open(PathBuf),
    /// Open a project that someone else has open (after asking): for writing, or read-only.
    OpenInUse {
        path: PathBuf,
        read_only: bool,
    },
    SaveAs(PathBuf),
    /// Save a complete copy of the project into this folder and open it.
    SaveCopy(PathBuf),
    AddDocuments(Vec<PathBuf>),
    /// Import PDFs, PAGE/ALTO/hOCR/METS files or IIIF manifests (paths or addresses) into
    /// the open project, in the background ([`super::panels::archive`]).
    AddArchive(Vec<String>),
    /// A background import of archive files is done: commit `tx` (its documents and the
    /// schema they need), then offer `docs` in the new-documents window with `note`.
    ArchiveAdded {
        tx: Transaction,
        docs: Vec<DocId>,
        note: Option<String>,
    },
    /// Export the open project as `format` (an exporter id) into the folder `out`.
    Export {
        format: String,
        out: PathBuf,
        /// Replace files an earlier export left in `out` (the export window's "Replace
        /// files of an earlier export"); never files of the project itself.
        overwrite: bool,
    },
    /// Import `source` as `format` (an importer id) into the new project folder `out`, then
    /// open it.
    Import {
        format: String,
        source: PathBuf,
        out: PathBuf,
    },
    /// Re-read the project from disk, dropping unsaved changes (after a conflict).
    Reload,
    SelectDocument(DocId),
    SelectAnnotation(Option<AnnId>),
    Link {
        entry: Option<EntryId>,
        alias: Option<AliasKind>,
    },
    CreateEntry {
        name: String,
        alias: Option<AliasKind>,
    },
    /// Scroll to and select a span.
    Jump {
        doc: DocId,
        span: Span,
    },
    /// Commit a prepared edit (from the inspector's fields).
    Apply(Transaction),
    /// Fill an event's role: the next mentions clicked in the reader go into it.
    FillRole {
        event: AnnId,
        role: Slug,
    },
    /// Stop filling a role.
    CancelFill,
    AddFiller {
        event: AnnId,
        role: Slug,
        target: Target,
    },
    /// Show a registry entry's page (`None` closes it).
    OpenEntry(Option<EntryId>),
    /// From the page pane (regions, pages).
    Pages(super::panels::facsimile::PagesMsg),
    /// The answer to [`super::state::Dialog::SourceChanged`]: take the file's text
    /// (`theirs`) or keep ours.
    SourceChoice {
        doc: DocId,
        theirs: bool,
    },
    /// The background worker's suggestions for a document (`app::suggest`).
    Suggestions(Box<super::suggest::Computed>),
    /// Every suggestion in the project of the same string as the first (for the "accept
    /// all in the project" review).
    SuggestionsInProject(
        Box<crate::model::suggest::Suggestion>,
        Vec<crate::model::suggest::Suggestion>,
    ),
    /// A click on the suggestion over this code point of the open document: accept it.
    SuggestionClicked(usize),
    /// Accept these suggestions as mentions, as one undo step (from the review).
    AcceptSuggestions(Vec<crate::model::suggest::Suggestion>),
    /// Close the "accept all" review without accepting.
    CloseAcceptAll,
}

/// One queued item: a user command or an internal message.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Command(Command),
    Message(Message),
}

impl From<Command> for Action {
    fn from(c: Command) -> Self {
        Action::Command(c)
    }
}

impl From<Message> for Action {
    fn from(m: Message) -> Self {
        Action::Message(m)
    }
}

/// Actions waiting to be handled, in the order they were pushed.
#[derive(Clone, Debug, Default)]
pub struct Queue(Vec<Action>);

impl Queue {
    pub fn push(&mut self, a: impl Into<Action>) {
        self.0.push(a.into());
    }

    /// Pushes `a` when there is one.
    pub fn push_opt(&mut self, a: Option<impl Into<Action>>) {
        if let Some(a) = a {
            self.push(a);
        }
    }

    /// Appends every action of `other`, in order.
    pub fn extend(&mut self, other: Queue) {
        self.0.extend(other.0);
    }

    /// Takes every queued action, leaving the queue empty.
    pub fn take(&mut self) -> Vec<Action> {
        std::mem::take(&mut self.0)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Action> {
        self.0.iter()
    }
}
