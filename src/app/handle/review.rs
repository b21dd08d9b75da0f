//! Re-anchoring when a project opens with sources changed on disk, and the review queue's
//! toggle. The queue's own actions are undoable transactions built by
//! [`crate::model::ops::review`] in the panel and applied as `Message::Apply`.

use crate::app::App;
use crate::app::state::{Dialog, SaveState};
use crate::model::ops::review::review_items;

impl App {
    /// Runs re-anchoring for every document whose source changed on disk since it was
    /// annotated (one undoable transaction each), then offers the review queue when
    /// something needs a person. Not for read-only opens, nor while a recovery copy waits
    /// to be taken or discarded.
    pub(super) fn reanchor_on_open(&mut self) {
        let st = &mut self.state;
        if matches!(st.dialog, Some(Dialog::Recovery(_))) {
            return;
        }
        let Some(s) = &mut st.session else { return };
        if s.is_read_only() {
            return;
        }
        match s.reanchor_changed_sources() {
            Ok((docs, t)) if !docs.is_empty() => {
                st.save_state = SaveState::Unsaved;
                if let Some(d) = s
                    .project
                    .documents
                    .values()
                    .find(|d| !review_items(d).is_empty())
                {
                    st.doc = Some(d.id());
                }
                st.revalidate();
                st.review_open = t.review + t.orphaned > 0;
                st.review_at = 0;
                st.status = format!(
                    "{} source(s) changed on disk and were re-anchored: moved {}, need review {}, orphaned {} (Undo reverts this)",
                    docs.len(),
                    t.moved,
                    t.review,
                    t.orphaned
                );
            }
            Ok(_) => {}
            Err(e) => st.status = format!("Cannot re-anchor the changed sources: {e:#}"),
        }
    }

    pub(super) fn toggle_review(&mut self) {
        let st = &mut self.state;
        st.review_open ^= true;
        st.review_at = 0;
    }
}
