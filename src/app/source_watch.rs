//! The window's side of a source file changed on disk while its project is open: the logic
//! (what changed, taking or keeping it) is [`crate::session::source_watch`]; here the status
//! line, the dialog and the selection follow it.

use super::App;
use super::state::{Dialog, SaveState, Selection};
use crate::model::DocId;
use crate::session::source_watch::{changed_sources, keep_mine, take_theirs};
use crate::store;

impl App {
    /// Picks up source files another writer changed, when the watch saw something (see
    /// [`super::watch::Watch::sources_due`]); waits while a dialog is open or another
    /// writer is mid-save.
    pub(super) fn pick_up_sources(&mut self) {
        let st = &mut self.state;
        let (Some(w), Some(s)) = (&mut st.watch, &st.session) else {
            return;
        };
        if !w.sources_due || st.dialog.is_some() {
            return;
        }
        if store::journal::journal_path(&s.disk.project_file).exists() {
            return;
        }
        w.sources_due = false;
        for doc in changed_sources(s, &mut w.source_stats) {
            let Some(s) = &self.state.session else { return };
            if s.unsaved.sources.contains(&doc) {
                let title = s
                    .project
                    .documents
                    .get(&doc)
                    .map(|d| d.meta.title.clone())
                    .unwrap_or_default();
                self.state.status = format!(
                    "Source of {title} changed on disk; you have unsaved edits of its text"
                );
                self.state.dialog = Some(Dialog::SourceChanged { doc, title });
                // The other documents are looked at again once this is answered.
                if let Some(w) = &mut self.state.watch {
                    w.sources_due = true;
                }
                return;
            }
            self.reanchor_changed_source(doc);
        }
    }

    /// The answer to [`Dialog::SourceChanged`]: `theirs` discards our text edits of `doc`
    /// for the file's text (undoable); otherwise ours stays and the next save writes it.
    pub(super) fn source_choice(&mut self, doc: DocId, theirs: bool) {
        if theirs {
            self.reanchor_changed_source(doc);
            return;
        }
        let st = &mut self.state;
        let Some(s) = &mut st.session else { return };
        match keep_mine(s, doc) {
            Ok(copy) => {
                st.status = format!(
                    "Kept your text; saving writes it over the file (theirs is kept in {})",
                    copy.display()
                )
            }
            Err(e) => st.status = format!("Cannot keep the other text: {e:#}"),
        }
    }

    fn reanchor_changed_source(&mut self, doc: DocId) {
        let st = &mut self.state;
        let stamper = st.stamper();
        let Some(s) = &mut st.session else { return };
        s.stamper = stamper;
        match take_theirs(s, doc) {
            Ok((title, t)) => {
                let review = t.review + t.orphaned;
                st.status = format!(
                    "Source of {title} changed on disk: {} re-anchored, {review} to review",
                    t.moved
                );
                st.save_state = SaveState::Unsaved;
                st.recovery_written = false;
                if st.doc == Some(doc) {
                    let len = s
                        .project
                        .documents
                        .get(&doc)
                        .and_then(|d| d.text.as_ref())
                        .map_or(0, |t| t.len_chars());
                    if st.sel.caret > len || st.sel.anchor > len {
                        st.sel = Selection::at(len.min(st.sel.caret));
                    }
                    st.selected = None;
                }
                if review > 0 {
                    st.doc = Some(doc);
                    st.review_open = true;
                    st.review_at = 0;
                }
                st.revalidate();
            }
            Err(e) => st.status = format!("Cannot take the changed source: {e:#}"),
        }
    }
}
