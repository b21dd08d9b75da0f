//! A text field's edit buffer bound to one value of a record (an entry's name, an
//! annotation's note): merged changes never hide behind a stale buffer.
//!
//! The panels keep a [`Bound`] per field instead of a bare `String`. Each frame,
//! [`Bound::field`] first compares the record's current value with the one the buffer was
//! loaded from: when the record changed under the field (a merge from disk, undo, redo) the
//! buffer takes the new value — unless the person has typed in it, in which case their text
//! stays and the field remembers the record changed. On leaving the field, text that differs
//! from the record is written ([`Edit::Write`]) — or, when the record changed while it was
//! being edited, the field asks first ("changed meanwhile to …: keep mine / take theirs"),
//! so a click in and out never writes an old value back over a colleague's change.

/// What leaving a bound field asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// Nothing to write.
    None,
    /// Write this text to the record.
    Write(String),
}

/// An edit buffer bound to a record's value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bound {
    /// What the field shows and the person edits.
    pub text: String,
    /// The record's value the buffer was last loaded from (or brought up to date with).
    seen: String,
    /// Whether the field had keyboard focus at the end of the last frame.
    focused: bool,
    /// The record changed while the person was editing: the text they had and the value it
    /// changed to; asked about before anything is written.
    asking: Option<(String, String)>,
    /// The field is written by a button ("Apply"), not on leaving: typed text counts as
    /// being edited until then, focused or not.
    applied_later: bool,
}

impl Bound {
    /// A buffer showing `value`.
    pub fn new(value: &str) -> Self {
        Self {
            text: value.to_owned(),
            seen: value.to_owned(),
            ..Self::default()
        }
    }

    /// A buffer showing `value` for a form written by a button: text typed and left
    /// unapplied is kept (and asked about) when the record changes, as while typing.
    pub fn applied_later(value: &str) -> Self {
        Self {
            applied_later: true,
            ..Self::new(value)
        }
    }

    /// Brings the buffer up to date with the record's `current` value: taken when the field
    /// is not being edited (or its text is untouched); kept, and remembered as changed
    /// under the field, when the person has typed in it.
    pub fn sync(&mut self, current: &str) {
        if current == self.seen {
            return;
        }
        if self.text != current && (self.focused || self.applied_later) && self.text != self.seen {
            // Ask when they leave the field; until then their typing is not disturbed.
            self.seen = current.to_owned();
            self.asking = Some((self.text.clone(), current.to_owned()));
            return;
        }
        self.text = current.to_owned();
        self.seen = current.to_owned();
        self.asking = None;
    }

    /// The record changed while it was being edited: (their text, the record's value now).
    pub fn question(&self) -> Option<&(String, String)> {
        self.asking.as_ref().filter(|_| !self.focused)
    }

    /// The answer to [`Bound::question`]: keep the typed text (written) or take the
    /// record's value (the buffer shows it).
    pub fn answer(&mut self, keep_mine: bool) -> Edit {
        let Some((mine, theirs)) = self.asking.take() else {
            return Edit::None;
        };
        if keep_mine {
            self.text = mine.clone();
            Edit::Write(mine)
        } else {
            self.text = theirs.clone();
            self.seen = theirs;
            Edit::None
        }
    }

    /// Records the field's focus after it was shown, and what leaving it asks for: the
    /// typed text when it differs from the record (`current`), nothing while a question
    /// about a change under the field waits.
    pub fn after(&mut self, response: &egui::Response, current: &str) -> Edit {
        self.focused = response.has_focus();
        if !response.lost_focus() || self.asking.is_some() || self.text == current {
            return Edit::None;
        }
        Edit::Write(self.text.clone())
    }

    /// Shows the question about a change under the field, if there is one; returns what the
    /// answer asks to write.
    pub fn ask_ui(&mut self, ui: &mut egui::Ui, what: &str) -> Edit {
        let Some((_, theirs)) = self.question().cloned() else {
            return Edit::None;
        };
        let mut answer = None;
        ui.group(|ui| {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!(
                    "The {what} was changed while you edited it (merged from disk, undo or redo) to: {}",
                    short(&theirs)
                ),
            );
            ui.horizontal(|ui| {
                if ui.button("Keep mine").clicked() {
                    answer = Some(true);
                }
                if ui.button("Take theirs").clicked() {
                    answer = Some(false);
                }
            });
        });
        answer.map_or(Edit::None, |mine| self.answer(mine))
    }
}

/// At most 80 characters of `s`, for a question.
fn short(s: &str) -> String {
    let mut t: String = s.chars().take(80).collect();
    if s.chars().count() > 80 {
        t.push('…');
    }
    format!("“{t}”")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_not_being_edited_follows_its_record() {
        let mut b = Bound::new("Stalin");
        b.sync("Stalin, J. V.");
        assert_eq!(b.text, "Stalin, J. V.");
        assert!(b.question().is_none());
    }

    /// Issue 21: after a colleague's rename was merged, the Name field still showed the old
    /// name and a click in and out wrote it back.
    #[test]
    fn a_field_edited_while_its_record_changed_asks_before_writing() {
        let mut b = Bound::new("Old name");
        b.focused = true;
        b.text = "Old name, edited".into();
        b.sync("Their name");
        assert_eq!(b.text, "Old name, edited", "typing is not disturbed");
        // Still in the field: no question yet.
        assert!(b.question().is_none());
        b.focused = false;
        let q = b.question().cloned();
        assert_eq!(
            q,
            Some(("Old name, edited".to_owned(), "Their name".to_owned()))
        );
        assert_eq!(b.answer(false), Edit::None);
        assert_eq!(b.text, "Their name");
        // Asked again and kept: the typed text is written.
        b.focused = true;
        b.text = "Mine".into();
        b.sync("Theirs again");
        b.focused = false;
        assert_eq!(b.answer(true), Edit::Write("Mine".into()));
    }

    #[test]
    fn a_field_applied_later_keeps_unapplied_text_and_asks() {
        let mut b = Bound::applied_later("Korean armistice");
        b.text = "Korean armistice, 1951".into();
        // Left the field without applying; a colleague's change comes in.
        b.sync("Armistice talks");
        assert_eq!(b.text, "Korean armistice, 1951");
        assert_eq!(
            b.question().cloned(),
            Some((
                "Korean armistice, 1951".to_owned(),
                "Armistice talks".to_owned()
            ))
        );
        // Applying writes the text: the record now equals it, no question.
        let mut b = Bound::applied_later("a");
        b.text = "b".into();
        b.sync("b");
        assert!(b.question().is_none());
        assert_eq!(b.text, "b");
    }

    #[test]
    fn an_untouched_focused_field_just_follows() {
        let mut b = Bound::new("a");
        b.focused = true;
        b.sync("b");
        assert_eq!(b.text, "b");
        assert!(b.question().is_none());
    }
}
