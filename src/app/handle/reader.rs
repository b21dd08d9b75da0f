//! The reader: choosing documents and annotations, moving the caret, the selection.

use crate::app::message::Message;
use crate::app::state::Selection;
use crate::app::{App, CaretMove};
use crate::model::caret::move_caret;
use crate::model::{AnnId, DocId, Span, Target};

impl App {
    pub(super) fn select_document(&mut self, d: DocId) {
        let st = &mut self.state;
        if !st.project().is_some_and(|p| p.documents.contains_key(&d)) {
            return;
        }
        st.doc = Some(d);
        st.sel = Selection::default();
        st.selected = None;
        st.scroll_to = Some(0);
        st.find.hits_for = None;
    }

    pub(super) fn select_annotation(&mut self, ctx: &egui::Context, a: Option<AnnId>) {
        let st = &mut self.state;
        if let (Some((event, role)), Some(a)) = (st.filling.clone(), a)
            && a != event
        {
            self.handle(
                ctx,
                Message::AddFiller {
                    event,
                    role,
                    target: Target::Annotation(a),
                },
            );
            return;
        }
        let (Some(d), Some(p)) = (st.doc, st.project()) else {
            return;
        };
        let ann = a.and_then(|a| p.annotation(d, a));
        if a.is_some() && ann.is_none() {
            return;
        }
        let place = a.and_then(|a| p.documents.get(&d)?.place_of(a));
        if let Some(start) = place.map(|s| s.start) {
            st.scroll_to = Some(start);
            // Selecting an annotation ends a text selection (one state at a time).
            if !st.sel.is_empty() {
                st.sel = Selection::at(start);
            }
        }
        // Filling a role ends when its event is no longer the selected annotation.
        if st
            .filling
            .as_ref()
            .is_some_and(|(event, _)| Some(*event) != a)
        {
            st.filling = None;
        }
        st.selected = a;
        st.link_query.clear();
    }

    pub(super) fn step_annotation(&mut self, forward: bool) {
        let st = &mut self.state;
        let Some(doc) = st
            .project()
            .zip(st.doc)
            .and_then(|(p, d)| p.documents.get(&d))
        else {
            return;
        };
        let mut anns: Vec<(usize, usize, AnnId)> = doc
            .annotations
            .values()
            .filter_map(|a| {
                a.anchor()
                    .map(|an| (an.extent().start, an.extent().end, a.id))
            })
            .collect();
        anns.sort();
        let cur = st
            .selected
            .and_then(|id| anns.iter().position(|x| x.2 == id));
        let next = match (cur, forward) {
            (None, true) => anns.iter().position(|x| x.0 >= st.sel.caret),
            (None, false) => anns.iter().rposition(|x| x.0 < st.sel.caret),
            (Some(i), true) => (i + 1 < anns.len()).then_some(i + 1),
            (Some(i), false) => i.checked_sub(1),
        };
        if let Some(&(start, _, id)) = next.and_then(|i| anns.get(i)) {
            if st.filling.as_ref().is_some_and(|(event, _)| *event != id) {
                st.filling = None;
            }
            st.selected = Some(id);
            st.sel = Selection::at(start);
            st.scroll_to = Some(start);
            st.link_query.clear();
        }
    }

    pub(super) fn caret(&mut self, m: CaretMove, extend: bool) {
        let st = &mut self.state;
        let Some(doc) = st
            .project()
            .zip(st.doc)
            .and_then(|(p, d)| p.documents.get(&d))
        else {
            return;
        };
        // Measured on the reader's layout where it can (wrapped rows, a screenful), else by
        // source line.
        let page = match m {
            CaretMove::PageUp => self.reader.page(st.sel.caret, false),
            CaretMove::PageDown => self.reader.page(st.sel.caret, true),
            _ => None,
        };
        let caret = page
            .or_else(|| self.reader.visual_caret(st.sel.caret, m))
            .unwrap_or_else(|| move_caret(doc.text_or_empty(), st.sel.caret, m));
        st.sel.caret = caret;
        if !extend {
            st.sel.anchor = caret;
            st.sel.fragments.clear();
        }
        if page.is_none() {
            st.scroll_to = Some(caret);
        }
    }

    pub(super) fn clear_selection(&mut self) {
        let st = &mut self.state;
        if st.filling.take().is_some() {
            st.status = "Stopped filling the role".into();
        } else if st.find.open {
            st.find.open = false;
        } else if st.tag_popup.is_some() {
            st.tag_popup = None;
        } else if !st.sel.is_empty() {
            st.sel = Selection::at(st.sel.caret);
        } else {
            st.selected = None;
        }
    }

    pub(super) fn add_fragment(&mut self) {
        let st = &mut self.state;
        let s = st.sel.span();
        if !s.is_empty() {
            st.sel.fragments.push(s);
            st.sel.anchor = st.sel.caret;
            st.status = format!(
                "{} fragment(s) kept; select the next one",
                st.sel.fragments.len()
            );
        } else {
            st.status =
                "No text selected: select a part of the text to keep it as a fragment".into();
        }
    }

    pub(super) fn tag_popup(&mut self, ctx: &egui::Context) {
        let st = &mut self.state;
        if !st.sel.is_empty() {
            let pos = ctx.content_rect().center();
            st.tag_popup = Some(st.tag_popup.unwrap_or(pos));
        } else if st.selected.is_none() {
            st.status = "No text selected: select text to tag it".into();
        }
    }

    pub(super) fn jump(&mut self, doc: DocId, span: Span) {
        let st = &mut self.state;
        let Some(len) = st
            .project()
            .and_then(|p| p.documents.get(&doc))
            .map(|d| d.text_or_empty().len_chars())
        else {
            return;
        };
        if st.doc != Some(doc) {
            st.doc = Some(doc);
            st.selected = None;
            st.find.hits_for = None;
        }
        st.sel = Selection {
            anchor: span.start.min(len),
            caret: span.end.min(len),
            fragments: Vec::new(),
        };
        st.scroll_to = Some(span.start.min(len));
    }
}
