//! Undo and redo, find, the palette.

use crate::app::state::{Focus, SaveState};
use crate::app::{App, Message};

impl App {
    pub(super) fn undo_redo(&mut self, ctx: &egui::Context, undo: bool) {
        let st = &mut self.state;
        let Some(s) = &mut st.session else { return };
        let touched = s.history.next_annotations(undo);
        let r = if undo { s.undo() } else { s.redo() };
        match r {
            // The announcer (`a11y`) says what was undone or redone, in the status bar.
            Ok(true) => {
                st.last_change = Some(ctx.input(|i| i.time));
                st.recovery_written = false;
                st.save_state = SaveState::Unsaved;
                st.revalidate();
                // One annotation changed in the open document: select it, so that the
                // reader and inspector show what was undone (or redone).
                if let [(doc, ann)] = touched.as_slice()
                    && st.doc == Some(*doc)
                    && st
                        .project()
                        .is_some_and(|p| p.annotation(*doc, *ann).is_some())
                {
                    st.queue.push(Message::SelectAnnotation(Some(*ann)));
                }
            }
            Ok(false) => st.status = "Nothing to undo or redo".into(),
            Err(e) => {
                let what = if undo { "undo" } else { "redo" };
                // Whatever the history kept, the window must not point at stale ids.
                st.revalidate();
                self.error(&format!("Cannot {what}: {e}"));
            }
        }
    }

    pub(super) fn find(&mut self) {
        let st = &mut self.state;
        st.find.open = true;
        st.focus = Some(Focus::Find);
        let s = st.sel.span();
        if !s.is_empty()
            && s.len() < 200
            && let (Some(p), Some(d)) = (st.project(), st.doc)
            && let Some(doc) = p.documents.get(&d)
        {
            st.find.query = doc.text_or_empty().slice(s.start, s.end).to_owned();
        }
    }

    pub(super) fn find_in_project(&mut self) {
        self.state.find.project_open = true;
        self.state.focus = Some(Focus::ProjectFind);
    }

    pub(super) fn toggle_palette(&mut self) {
        let st = &mut self.state;
        st.palette_open = !st.palette_open;
        st.palette_query.clear();
        st.focus = st.palette_open.then_some(Focus::Palette);
    }
}
