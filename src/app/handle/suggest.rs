//! Suggestions: moving between them, accepting (one undo step, stamped like any tag),
//! rejecting (remembered beside the project), "accept all of this string" after a review,
//! and the worker's answers (`app::suggest`).

use crate::app::suggest::{AcceptAll, Computed};
use crate::app::{App, Selection};
use crate::model::suggest::{Suggestion, accept, same_string};

impl App {
    /// Describes suggestion `s` in the status line (and so to a screen reader).
    fn say_suggestion(&mut self, s: &Suggestion) {
        let st = &mut self.state;
        let Some(p) = st.project() else { return };
        st.status = format!(
            "{}. Enter accepts, Backspace rejects.",
            crate::app::suggest::describe(p, s)
        );
    }

    /// Makes suggestion `i` of the open document current: the caret goes to its start and
    /// the reader scrolls to it.
    fn go_to_suggestion(&mut self, i: usize) {
        let st = &mut self.state;
        let Some(s) = st.suggest.list.get(i).cloned() else {
            return;
        };
        st.suggest.current = Some(i);
        st.selected = None;
        st.tag_popup = None;
        st.sel = Selection::at(s.span.start);
        st.scroll_to = Some(s.span.start);
        self.say_suggestion(&s);
    }

    pub(super) fn step_suggestion(&mut self, forward: bool) {
        let st = &self.state;
        let Some(doc) = st.doc else { return };
        match st.suggest.step(doc, st.sel.caret, forward) {
            Some(i) => self.go_to_suggestion(i),
            None => {
                self.state.status = if st.suggest.shown(doc).is_empty() {
                    "No suggestions in this document".into()
                } else if forward {
                    "No suggestion after this one".into()
                } else {
                    "No suggestion before this one".into()
                };
            }
        }
    }

    /// The current suggestion, when the caret is in it and nothing is selected: what Enter
    /// and Backspace act on.
    pub(super) fn suggestion_at_caret(&self) -> Option<usize> {
        let st = &self.state;
        let doc = st.doc?;
        let i = st.suggest.current?;
        let s = st.suggest.shown(doc).get(i)?;
        (st.sel.span().is_empty() && s.span.start <= st.sel.caret && st.sel.caret <= s.span.end)
            .then_some(i)
    }

    pub(super) fn accept_current_suggestion(&mut self, ctx: &egui::Context) {
        let Some(i) = self.suggestion_at_caret() else {
            self.state.status = "No suggestion here: press . or , to go to one".into();
            return;
        };
        let s = self.state.suggest.list[i].clone();
        if self.accept_suggestions(ctx, std::slice::from_ref(&s)) {
            // The next one is current: Enter, Enter, … reviews the document.
            let sg = &mut self.state.suggest;
            sg.list.remove(i);
            sg.current = None;
            if i < sg.list.len() {
                self.go_to_suggestion(i);
            }
        }
    }

    pub(super) fn reject_current_suggestion(&mut self) {
        let Some(i) = self.suggestion_at_caret() else {
            self.state.status = "No suggestion here: press . or , to go to one".into();
            return;
        };
        let st = &mut self.state;
        let Some(s) = &st.session else { return };
        let file = s.disk.project_file.clone();
        let read_only = s.is_read_only();
        match st.suggest.reject(i, &file, read_only) {
            Some(Ok(s)) => {
                let next = st.suggest.current;
                st.status = format!("Rejected “{}”: not proposed again", s.quote);
                if let Some(n) = next {
                    let note = st.status.clone();
                    self.go_to_suggestion(n);
                    self.state.status = format!("{note}. {}", self.state.status);
                }
            }
            Some(Err(e)) => {
                st.status = format!("The rejection is not saved: {e}");
            }
            None => {}
        }
    }

    /// Accepts `list` as mentions: one transaction, so one undo step, stamped with the
    /// annotator by the commit. `true` when something was accepted.
    pub(super) fn accept_suggestions(&mut self, ctx: &egui::Context, list: &[Suggestion]) -> bool {
        let Some(p) = self.state.project() else {
            return false;
        };
        match accept(p, list) {
            Ok((tx, skipped)) => {
                let n = tx.edits.len();
                if !self.commit(ctx, tx) {
                    return false;
                }
                if list.len() > 1 || skipped > 0 {
                    let mut note = format!(
                        "Accepted {}",
                        crate::words::count(n, "suggestion", "suggestions")
                    );
                    if skipped > 0 {
                        note.push_str(&format!(
                            "; {} skipped (already tagged, or the text or schema changed)",
                            skipped
                        ));
                    }
                    self.state.status = note;
                }
                true
            }
            Err(e) => {
                self.state.status = format!("Nothing accepted: {e}");
                false
            }
        }
    }

    /// Opens the "accept all of this string" review for the current suggestion (or the one
    /// under the caret), in the document or the project.
    pub(super) fn accept_all_review(&mut self, project_wide: bool) {
        let st = &mut self.state;
        let Some(doc) = st.doc else { return };
        let i = st
            .suggest
            .current
            .or_else(|| st.suggest.at(doc, st.sel.caret));
        let Some(s) = i.and_then(|i| st.suggest.shown(doc).get(i)).cloned() else {
            st.status = "No suggestion chosen: press . or , to go to one first".into();
            return;
        };
        let items = if project_wide {
            st.suggest.ask_same_in_project(&s);
            None
        } else {
            Some(
                same_string(&st.suggest.list, &s)
                    .into_iter()
                    .cloned()
                    .collect(),
            )
        };
        st.suggest.accept_all = Some(AcceptAll {
            of: Some(s),
            project_wide,
            items,
            keep: Vec::new(),
        });
    }

    pub(super) fn suggestions_in_project(&mut self, of: Suggestion, all: Vec<Suggestion>) {
        if let Some(r) = &mut self.state.suggest.accept_all
            && r.of.as_ref() == Some(&of)
        {
            r.items = Some(all);
        }
    }

    pub(super) fn suggestions_computed(&mut self, c: Computed) {
        let st = &mut self.state;
        let generation = st.generation();
        let doc = st
            .session
            .as_ref()
            .zip(st.doc)
            .and_then(|(s, d)| s.project.documents.get(&d));
        st.suggest.receive(c, doc, generation);
    }

    /// A click on a suggestion in the reader accepts it.
    pub(super) fn suggestion_clicked(&mut self, ctx: &egui::Context, offset: usize) {
        let st = &mut self.state;
        let Some(doc) = st.doc else { return };
        if let Some(i) = st.suggest.at(doc, offset) {
            st.suggest.current = Some(i);
            st.sel = Selection::at(offset);
            self.accept_current_suggestion(ctx);
        }
    }
}
