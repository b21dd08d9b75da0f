//! Correcting the transcription in the reader: the edit mode's toggle and its keys.
//!
//! Edit mode is explicit (Edit → Correct transcription, Ctrl+E), so nobody types into a
//! source by accident. Outside it, keys keep their tagging meaning. In it, typed text,
//! paste and Enter replace the reader's selection (or insert at the caret), Backspace and
//! Delete remove the selection or the character cluster beside the caret; each change goes
//! through [`edit_text`] as one history entry, and annotations follow it.

use crate::app::{App, Selection};
use crate::model::ops::OpError;
use crate::model::ops::text::edit_text;
use crate::model::text::normalize_line_endings;
use egui::{Event, Key};
use unicode_segmentation::UnicodeSegmentation;

/// One change the keyboard asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Typing {
    Insert(String),
    Backspace,
    Delete,
}

/// The change an input event asks for in edit mode, if any.
pub(crate) fn typing_of(e: &Event) -> Option<Typing> {
    match e {
        Event::Text(s) | Event::Paste(s) if !s.is_empty() => Some(Typing::Insert(s.clone())),
        Event::Key {
            key,
            pressed: true,
            modifiers,
            ..
        } if !modifiers.command && !modifiers.ctrl && !modifiers.alt => match key {
            Key::Enter => Some(Typing::Insert("\n".into())),
            Key::Backspace => Some(Typing::Backspace),
            Key::Delete => Some(Typing::Delete),
            _ => None,
        },
        _ => None,
    }
}

/// The code-point range `t` replaces and the text it puts there, given the caret and the
/// selected span `[start, end)` in `text`; `None` when there is nothing to delete.
fn range_for(
    text: &str,
    len: usize,
    caret: usize,
    start: usize,
    end: usize,
    t: &Typing,
) -> Option<(std::ops::Range<usize>, String)> {
    match t {
        Typing::Insert(s) => Some((start..end, s.clone())),
        _ if start < end => Some((start..end, String::new())),
        Typing::Backspace => {
            let before = text.chars().take(caret).collect::<String>();
            let n = before.graphemes(true).next_back()?.chars().count();
            Some((caret - n..caret, String::new()))
        }
        Typing::Delete => {
            if caret >= len {
                return None;
            }
            let after: String = text.chars().skip(caret).take(64).collect();
            let n = after.graphemes(true).next()?.chars().count();
            Some((caret..caret + n, String::new()))
        }
    }
}

impl App {
    /// Turns the transcription edit mode on or off.
    pub(super) fn toggle_text_edit(&mut self) {
        let st = &mut self.state;
        if st.text_editing {
            st.text_editing = false;
            st.status = "Stopped correcting the transcription: keys tag again".into();
            return;
        }
        let Some(s) = &st.session else {
            st.status = "Open a project to correct a transcription".into();
            return;
        };
        if s.is_read_only() {
            st.status =
                "This project is open read-only: its transcriptions cannot be corrected".into();
            return;
        }
        let has_text = st
            .doc
            .and_then(|d| s.project.documents.get(&d))
            .is_some_and(|d| d.text.is_some());
        if !has_text {
            st.status = "Select a document with a transcription to correct it".into();
            return;
        }
        st.text_editing = true;
        st.tag_popup = None;
        st.status =
            "Correcting the transcription: typing changes the source text (Ctrl+E to stop)".into();
    }

    /// In edit mode, applies this frame's typing to the open document. Does nothing while a
    /// text field, dialog, palette, popup or the review queue has the keyboard.
    pub(crate) fn text_edit_input(&mut self, ctx: &egui::Context) {
        let st = &self.state;
        if !st.text_editing
            || st.review_open
            || st.dialog.is_some()
            || st.palette_open
            // The focused reader is where typing goes; any other focused widget keeps it.
            || crate::app::a11y::focus_elsewhere(ctx)
            || egui::Popup::is_any_open(ctx)
        {
            return;
        }
        // Letters meant for a text field that lost focus never change the source.
        if self.typing.armed {
            if ctx.input(|i| i.events.iter().any(|e| typing_of(e).is_some())) {
                self.state.status = "Typing did not change the text: the field you were typing in lost focus. Click in the text (or press Esc) to go on correcting it.".into();
            }
            return;
        }
        let typed: Vec<Typing> = ctx.input(|i| i.events.iter().filter_map(typing_of).collect());
        for t in typed {
            self.type_one(ctx, &t);
        }
    }

    /// Applies one change at the reader's caret or selection.
    pub(crate) fn type_one(&mut self, ctx: &egui::Context, t: &Typing) {
        let st = &self.state;
        let (Some(p), Some(doc)) = (st.project(), st.doc) else {
            return;
        };
        let Some(text) = p.documents.get(&doc).and_then(|d| d.text.as_ref()) else {
            return;
        };
        let len = text.len_chars();
        let span = st.sel.span();
        let (start, end) = (span.start.min(len), span.end.min(len));
        let caret = st.sel.caret.min(len);
        let (range, insert) = match t {
            Typing::Insert(s) => (start..end, s.clone()),
            _ if start < end => (start..end, String::new()),
            _ => {
                // The character cluster beside the caret is found in a short window.
                let (ws, we) = (caret.saturating_sub(64), (caret + 64).min(len));
                let window = text.slice(ws, we);
                let c = caret - ws;
                match range_for(window, we - ws, c, c, c, t) {
                    Some((r, s)) => (r.start + ws..r.end + ws, s),
                    None => return,
                }
            }
        };
        // Letters typed one after another at the caret join one undo step; a space, a
        // line break, a deletion or any other change in between starts a new one.
        let generation = self.state.session.as_ref().map_or(0, |s| s.generation);
        let joins = matches!(t, Typing::Insert(s) if !s.starts_with(char::is_whitespace))
            && range.is_empty()
            && self.state.typing_burst == Some((generation, range.start));
        let tx = match edit_text(p, doc, range.clone(), &insert) {
            Ok(tx) => tx,
            Err(OpError::NoChange) => return,
            Err(e) => {
                self.state.status = format!("Cannot change the text: {e}");
                return;
            }
        };
        let committed = if joins {
            self.commit_typing(ctx, tx)
        } else {
            self.commit(ctx, tx)
        };
        if committed {
            let caret = range.start + normalize_line_endings(&insert).0.chars().count();
            let st = &mut self.state;
            st.sel = Selection::at(caret);
            st.scroll_to = Some(caret);
            st.typing_burst = match t {
                Typing::Insert(_) => st.session.as_ref().map(|s| (s.generation, caret)),
                _ => None,
            };
        }
    }

    /// Commits a keystroke joined to the typing burst's undo step.
    fn commit_typing(&mut self, ctx: &egui::Context, tx: crate::model::Transaction) -> bool {
        let st = &mut self.state;
        let Some(s) = &mut st.session else {
            return false;
        };
        match s.commit_joined(tx, "Typing") {
            Ok(change) => {
                st.changed(&change, ctx.input(|i| i.time));
                true
            }
            Err(e) => {
                st.status = format!("Typing failed: {e}");
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_typing_and_shortcuts_do_not() {
        let key = |key, modifiers| Event::Key {
            key,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers,
        };
        assert_eq!(
            typing_of(&Event::Text("ü".into())),
            Some(Typing::Insert("ü".into()))
        );
        assert_eq!(
            typing_of(&key(Key::Enter, egui::Modifiers::NONE)),
            Some(Typing::Insert("\n".into()))
        );
        assert_eq!(typing_of(&key(Key::Enter, egui::Modifiers::COMMAND)), None);
        assert_eq!(
            typing_of(&key(Key::Backspace, egui::Modifiers::NONE)),
            Some(Typing::Backspace)
        );
        assert_eq!(typing_of(&key(Key::P, egui::Modifiers::NONE)), None);
    }

    #[test]
    fn backspace_and_delete_take_a_whole_character_cluster() {
        let s = "ae\u{301}👨\u{200d}👩b";
        let len = s.chars().count();
        // Backspace after "é" (e + combining acute) removes both code points.
        assert_eq!(
            range_for(s, len, 3, 3, 3, &Typing::Backspace),
            Some((1..3, String::new()))
        );
        // Delete before the family emoji removes its three code points.
        assert_eq!(
            range_for(s, len, 3, 3, 3, &Typing::Delete),
            Some((3..6, String::new()))
        );
        assert_eq!(range_for(s, len, 0, 0, 0, &Typing::Backspace), None);
        assert_eq!(range_for(s, len, len, len, len, &Typing::Delete), None);
        // A selection is deleted whichever key.
        assert_eq!(
            range_for(s, len, 1, 0, 2, &Typing::Delete),
            Some((0..2, String::new()))
        );
    }
}
