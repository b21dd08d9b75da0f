//! The window's state: what the panels read and write, the selection, dialogs and
//! preferences. Panels change project data only by queuing actions.

use super::message::{Action, Queue};
use super::recovery;
use crate::model::ops::tagging::Occurrence;
use crate::model::{AnnId, DocId, Project, Span};
use crate::session::Session;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::mpsc;

/// Seconds after the last change before an autosave.
pub const AUTOSAVE_SECS: f64 = 3.0;
/// Seconds after the last change before the recovery copy is written.
pub const RECOVERY_SECS: f64 = 1.0;
/// Key of the preferences in eframe's storage.
pub const PREFS_KEY: &str = "marginalia-prefs";

/// Preferences kept between runs (never project data).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    pub recent: Vec<PathBuf>,
    pub dark: bool,
    pub text_size: f32,
    pub show_documents: bool,
    pub show_inspector: bool,
    pub show_registry: bool,
    pub snap_words: bool,
    /// The name stamped on what this person creates and changes; `None` until asked.
    pub annotator: Option<String>,
    /// Whether the page images are shown beside the transcription.
    pub show_pages: bool,
    /// Whether the transcription is shown (hidden: the page images take its place).
    pub show_transcription: bool,
    /// The whole window's scale (egui's zoom factor), changed with Ctrl+= and Ctrl+-.
    pub ui_scale: f32,
}

impl Default for Prefs {
    fn default() -> Self {
        Self {
            recent: Vec::new(),
            dark: false,
            text_size: 16.0,
            show_documents: true,
            show_inspector: true,
            show_registry: true,
            snap_words: true,
            annotator: None,
            show_pages: true,
            show_transcription: true,
            ui_scale: 1.0,
        }
    }
}

/// Where the project stands relative to its files.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveState {
    Saved,
    Unsaved,
    Saving,
    Error(String),
}

/// The reader's text selection: a caret, its anchor, and fragments kept for a
/// discontinuous span. Offsets are code points.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    pub anchor: usize,
    pub caret: usize,
    pub fragments: Vec<Span>,
}

impl Selection {
    pub fn at(offset: usize) -> Self {
        Self {
            anchor: offset,
            caret: offset,
            fragments: Vec::new(),
        }
    }

    pub fn span(&self) -> Span {
        Span::new(self.anchor.min(self.caret), self.anchor.max(self.caret))
    }

    /// The kept fragments plus the current span, non-empty ones only.
    pub fn spans(&self) -> Vec<Span> {
        let mut v = self.fragments.clone();
        let s = self.span();
        if !s.is_empty() {
            v.push(s);
        }
        v
    }

    pub fn is_empty(&self) -> bool {
        self.spans().is_empty()
    }
}

/// Which text field should take keyboard focus next frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Find,
    ProjectFind,
    Link,
    Palette,
    /// The inspector's new-relation form.
    Relation,
}

/// "Tag all occurrences" awaiting review.
#[derive(Clone, Debug)]
pub struct TagAllReview {
    pub needle: String,
    pub type_id: crate::model::Slug,
    pub entry: Option<crate::model::EntryId>,
    pub hits: Vec<(Occurrence, bool)>,
}

/// One document just added, as the new-documents window edits it.
#[derive(Clone, Debug, PartialEq)]
pub struct NewDocRow {
    pub doc: DocId,
    /// The source file's name, as shown beside the title.
    pub file: String,
    pub title: String,
    pub status: crate::model::DocStatus,
}

/// Documents just added, offered for a title and status (see `app::dialogs`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewDocuments {
    pub rows: Vec<NewDocRow>,
    /// Files that could not be added, said above the list.
    pub note: Option<String>,
    /// Why "Apply" did not apply; the typed titles stay.
    pub error: Option<String>,
    /// Whether the first title field has had keyboard focus.
    pub focused: bool,
    /// Esc was pressed with titles or status typed: asking before they are dropped.
    pub confirm_discard: bool,
}

/// A modal question or message.
#[derive(Clone, Debug)]
pub enum Dialog {
    /// Unsaved changes; run `then` after saving or discarding.
    Unsaved {
        then: Box<Action>,
    },
    /// The project changed on disk.
    Conflict(String),
    /// The project is open elsewhere: who has it (one line), and the path to open.
    InUse {
        path: PathBuf,
        who: String,
    },
    /// A recovery copy newer than the project was found.
    Recovery(Box<recovery::Recovery>),
    TagAll(TagAllReview),
    Message(String),
    /// A folder of sources without a project was opened: offer to create one there.
    OfferProject(PathBuf),
    /// Documents were just added: offer to set their titles and status.
    NewDocuments(NewDocuments),
    /// The source file of `doc` changed on disk while it has unsaved text edits here:
    /// keep ours or take theirs (see [`super::source_watch`]).
    SourceChanged {
        doc: DocId,
        title: String,
    },
}

/// Find in document and find in project.
#[derive(Clone, Debug, Default)]
pub struct FindState {
    pub open: bool,
    pub query: String,
    pub hits: Vec<Span>,
    pub current: usize,
    /// Query the hits were computed for, with the session generation.
    pub hits_for: Option<(String, DocId, u64)>,
    pub project_open: bool,
    pub project_query: String,
    /// (document, span, line of context)
    pub project_hits: Vec<(DocId, Span, String)>,
    /// Whether `hits` stops at the most a search collects.
    pub truncated: bool,
    /// The project search the project hits are for: query, generation, whole words, case.
    pub project_hits_for: Option<(String, u64, bool, bool)>,
}

impl FindState {
    /// The find hits overlapping `range` (code points of the open document), for the
    /// reader to highlight every hit in view; empty when find is closed.
    pub fn hits_in(&self, range: std::ops::Range<usize>) -> &[Span] {
        if !self.open {
            return &[];
        }
        let from = self.hits.partition_point(|s| s.end <= range.start);
        let to = self.hits.partition_point(|s| s.start < range.end);
        &self.hits[from..to.max(from)]
    }
}

/// Everything the panels read and write. Panels change data only by queuing commands.
pub struct AppState {
    pub session: Option<Session>,
    pub doc: Option<DocId>,
    pub sel: Selection,
    pub selected: Option<AnnId>,
    pub prefs: Prefs,
    pub queue: Queue,
    pub save_state: SaveState,
    pub status: String,
    pub dialog: Option<Dialog>,
    pub focus: Option<Focus>,
    /// Scroll the reader so this offset is visible.
    pub scroll_to: Option<usize>,
    pub find: FindState,
    pub palette_open: bool,
    pub palette_query: String,
    /// Screen position for the "Tag as" popup, when open.
    pub tag_popup: Option<egui::Pos2>,
    pub link_query: String,
    pub link_alias: Option<crate::model::AliasKind>,
    /// Time of the last change not yet autosaved / written to the recovery copy.
    pub last_change: Option<f64>,
    pub recovery_written: bool,
    pub allow_close: bool,
    /// The event role being filled: mentions clicked in the reader go into it.
    pub filling: Option<(AnnId, crate::model::Slug)>,
    /// The registry entry whose page is open.
    pub entry_page: Option<crate::model::EntryId>,
    pub schema_editor_open: bool,
    /// Whether the About window is shown.
    pub about_open: bool,
    /// Whether the legend window is shown.
    pub legend_open: bool,
    pub metadata_open: bool,
    /// Whether the Problems panel is shown.
    pub problems_open: bool,
    /// Whether the Agreement window is shown.
    pub agreement_open: bool,
    /// Whether the Curation window is shown.
    pub curation_open: bool,
    /// Transcription edit mode: keys in the reader change the source text (see
    /// `handle::text_edit`) instead of tagging.
    pub text_editing: bool,
    /// Whether the re-anchoring review queue is shown, and its current item.
    pub review_open: bool,
    pub review_at: usize,
    /// The typing burst under way in edit mode: the session generation after its last
    /// keystroke and the caret after it; the next keystroke there joins its undo step.
    pub typing_burst: Option<(u64, usize)>,
    /// The view across the project shown below the reader, if any.
    pub view: Option<super::panels::views::ViewKind>,
    /// The load problems of the open project (the same list as `check`), found on open,
    /// reload and save.
    pub problems: Vec<crate::model::Problem>,
    /// Whether the conflict review is shown.
    pub conflicts_open: bool,
    /// Watches the open project's files for other writers.
    pub watch: Option<super::watch::Watch>,
    /// The annotator-name prompt's text while it is open (see `app::prefs`).
    pub annotator_prompt: Option<String>,
    /// The clock of the stamps on commits (fixed in tests).
    pub clock: crate::model::Clock,
    /// The reader shows only annotations this annotator made or changed last (`None`: all).
    pub reader_annotator: Option<String>,
    /// The page pane's drawn region, selected region and its linked text.
    pub pages: super::panels::facsimile::PagesState,
    /// File and folder choosers: the system dialog, or the in-window one where there is none.
    pub chooser: super::pick::Chooser,
    /// Suggestions of the open document, computed in the background (`app::suggest`).
    pub suggest: super::suggest::SuggestState,
    pub(super) files_tx: mpsc::Sender<Action>,
    pub(super) files_rx: mpsc::Receiver<Action>,
}

impl AppState {
    /// Who is looking, for what independent documents show (`model::layers::Viewer`): the
    /// annotator's name, curating while the Curation window is open.
    pub fn viewer(&self) -> crate::model::layers::Viewer<'_> {
        crate::model::layers::Viewer {
            annotator: self.prefs.annotator.as_deref(),
            curating: self.curation_open,
        }
    }

    /// The state of a window with no project open.
    pub fn new(prefs: Prefs) -> Self {
        let (files_tx, files_rx) = mpsc::channel();
        Self {
            session: None,
            doc: None,
            sel: Selection::default(),
            selected: None,
            prefs,
            queue: Queue::default(),
            save_state: SaveState::Saved,
            status: String::new(),
            dialog: None,
            focus: None,
            scroll_to: None,
            find: FindState::default(),
            palette_open: false,
            palette_query: String::new(),
            tag_popup: None,
            link_query: String::new(),
            link_alias: None,
            last_change: None,
            recovery_written: false,
            allow_close: false,
            filling: None,
            entry_page: None,
            schema_editor_open: false,
            about_open: false,
            legend_open: false,
            metadata_open: false,
            problems_open: false,
            agreement_open: false,
            curation_open: false,
            text_editing: false,
            review_open: false,
            review_at: 0,
            typing_burst: None,
            view: None,
            problems: Vec::new(),
            conflicts_open: false,
            watch: None,
            annotator_prompt: None,
            clock: crate::model::Clock::System,
            reader_annotator: None,
            pages: Default::default(),
            chooser: Default::default(),
            suggest: Default::default(),
            files_tx,
            files_rx,
        }
    }

    /// Drops or clamps every id and offset the window holds that the project no longer has:
    /// the open document, the selection, the selected annotation, the event being filled,
    /// the open registry page, find hits and a pending "tag all" review. Called after
    /// anything that replaces or rewinds project data (undo, redo, reload, merge, apply).
    pub fn revalidate(&mut self) {
        let Some(p) = self.session.as_ref().map(|s| &s.project) else {
            self.doc = None;
            self.selected = None;
            self.filling = None;
            self.entry_page = None;
            self.sel = Selection::default();
            self.find.hits.clear();
            self.find.hits_for = None;
            self.find.project_hits.clear();
            self.find.project_hits_for = None;
            return;
        };
        if self.doc.is_some_and(|d| !p.documents.contains_key(&d)) {
            self.doc = p.documents.keys().next().copied();
            self.sel = Selection::default();
            self.selected = None;
            self.scroll_to = Some(0);
            self.find.hits.clear();
            self.find.hits_for = None;
        }
        let len = self
            .doc
            .and_then(|d| p.documents.get(&d))
            .map_or(0, |d| d.text_or_empty().len_chars());
        self.sel.anchor = self.sel.anchor.min(len);
        self.sel.caret = self.sel.caret.min(len);
        self.sel.fragments.retain(|s| s.end <= len);
        self.scroll_to = self.scroll_to.map(|o| o.min(len));
        if let Some(a) = self.selected
            && self.doc.is_none_or(|d| p.annotation(d, a).is_none())
        {
            self.selected = None;
        }
        if let Some((event, _)) = &self.filling
            && p.find_annotation(*event).is_none()
        {
            self.filling = None;
        }
        if self
            .entry_page
            .is_some_and(|e| !p.registry.contains_key(&e))
        {
            self.entry_page = None;
        }
        self.find.hits.retain(|s| s.end <= len);
        self.find.current = self
            .find
            .current
            .min(self.find.hits.len().saturating_sub(1));
        self.find.hits_for = None;
        self.find.project_hits.retain(|(d, s, _)| {
            p.documents
                .get(d)
                .is_some_and(|d| s.end <= d.text_or_empty().len_chars())
        });
        if let Some(Dialog::TagAll(review)) = &mut self.dialog {
            review.hits.retain(|(o, _)| {
                p.documents
                    .get(&o.doc)
                    .is_some_and(|d| o.span.end <= d.text_or_empty().len_chars())
            });
            if review.entry.is_some_and(|e| !p.registry.contains_key(&e)) {
                review.entry = None;
            }
        }
    }

    pub fn project(&self) -> Option<&Project> {
        self.session.as_ref().map(|s| &s.project)
    }

    /// What the window shows of the session's state: the data's generation, the status
    /// line, the save state and whether the review is open. When it changes after the
    /// panels were drawn, the frame asks for another (see [`super::App::frame`]).
    pub(crate) fn drawn(&self) -> (u64, String, SaveState, bool) {
        (
            self.generation(),
            self.status.clone(),
            self.save_state.clone(),
            self.conflicts_open,
        )
    }

    pub fn generation(&self) -> u64 {
        self.session.as_ref().map_or(0, |s| s.generation)
    }

    /// Queues a command or message for the end of this frame.
    pub fn push(&mut self, a: impl Into<Action>) {
        self.queue.push(a);
    }

    pub fn is_dirty(&self) -> bool {
        self.session.as_ref().is_some_and(Session::is_dirty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Annotation, Body, Document, DocumentMeta, EntryId, Mention, Slug, SourceText, TextAnchor,
    };

    fn doc(text: &str) -> Document {
        let text = SourceText::from_str_normalizing(text);
        let mut d = Document {
            meta: DocumentMeta {
                id: DocId::new(),
                title: "t".into(),
                source: None,
                images: vec![],
                status: Default::default(),
                archival: Default::default(),
            },
            text: None,
            annotations: Default::default(),
        };
        let a = Annotation::new(Body::Mention(Mention {
            type_id: Slug::new("person"),
            anchor: TextAnchor::new(&text, &[Span::new(0, 3)]).expect("anchor"),
            entry: None,
            date: None,
        }));
        d.annotations.insert(a.id, a);
        d.text = Some(text);
        d
    }

    #[test]
    fn revalidate_drops_every_id_the_project_lost() {
        let (long, short) = (doc("Kim Il Sung met Peng Dehuai."), doc("Kim."));
        let (long_id, short_id) = (long.id(), short.id());
        let ann = *long.annotations.keys().next().expect("one");
        let mut p = Project::new("p");
        p.documents.insert(long_id, long);
        p.documents.insert(short_id, short);
        let mut st = AppState::new(Prefs::default());
        st.session = Some(Session::create(p, PathBuf::from("p.marginalia.ron")));
        st.doc = Some(long_id);
        st.selected = Some(ann);
        st.filling = Some((ann, Slug::new("participant")));
        st.entry_page = Some(EntryId::new());
        st.sel = Selection {
            anchor: 20,
            caret: 25,
            fragments: vec![Span::new(10, 15)],
        };
        st.find.project_hits = vec![(long_id, Span::new(16, 20), String::new())];
        st.revalidate();
        assert_eq!(st.doc, Some(long_id), "still there");
        assert_eq!(st.selected, Some(ann));
        assert!(st.filling.is_some());
        assert_eq!(st.entry_page, None, "no such entry");
        if let Some(s) = &mut st.session {
            s.project.documents.remove(&long_id);
        }
        st.revalidate();
        assert_eq!(st.doc, Some(short_id));
        assert_eq!(st.selected, None);
        assert_eq!(st.filling, None);
        assert_eq!(st.sel, Selection::default());
        assert!(st.find.project_hits.is_empty());
    }
}
