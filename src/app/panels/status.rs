//! The status bar: save state, current document, counts and the last message.

use super::View;
use crate::app::{AppState, SaveState};

#[derive(Default)]
pub struct StatusBar;

impl View for StatusBar {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        ui.horizontal(|ui| {
            let (text, color) = match (&st.save_state, st.is_dirty()) {
                (SaveState::Error(e), _) => {
                    (format!("Not saved: {e}"), ui.visuals().error_fg_color)
                }
                (SaveState::Saving, _) => ("Saving…".to_owned(), ui.visuals().warn_fg_color),
                (_, true) => ("Unsaved changes".to_owned(), ui.visuals().warn_fg_color),
                (_, false) => (
                    "All changes saved".to_owned(),
                    ui.visuals().weak_text_color(),
                ),
            };
            ui.colored_label(color, text);
            // The reader's state and the last message come first: a narrow window must
            // show them too (the counts after them may be cut off).
            if let Some(mode) = mode_line(st) {
                ui.separator();
                ui.label(mode);
            }
            if !st.status.is_empty() {
                ui.separator();
            }
            // The last message is a polite live region: screen readers speak each new one
            // (selection, tagging, undo, save results; see app::a11y::Announcer).
            let r = ui.label(&st.status);
            crate::app::a11y::live(ui.ctx(), r.id);
            if let Some(p) = st.session.as_ref().map(|s| &s.project) {
                ui.separator();
                if let Some(d) = st.doc.and_then(|d| p.documents.get(&d)) {
                    ui.label(format!(
                        "{} · {} annotations",
                        d.meta.title,
                        d.annotations.len()
                    ));
                    ui.separator();
                }
                ui.label(format!(
                    "{} documents · {} annotations · {} entries",
                    p.documents.len(),
                    p.annotation_count(),
                    p.registry.len()
                ));
                ui.separator();
                ui.label(if st.prefs.snap_words {
                    "Snap: words"
                } else {
                    "Snap: off"
                });
                if !st.sel.fragments.is_empty() {
                    ui.separator();
                    ui.label(format!("{} fragments", st.sel.fragments.len() + 1));
                }
            }
        });
    }
}

/// The one state the reader is in, in words: filling a role, a text selection, or a
/// selected annotation (a text selection wins over a selected annotation: commands act on
/// it). `None` when nothing is selected.
pub fn mode_line(st: &AppState) -> Option<String> {
    let p = st.project()?;
    if let Some((event, role)) = &st.filling {
        let role = st
            .doc
            .and_then(|d| p.annotation(d, *event))
            .and_then(|a| a.as_event())
            .and_then(|e| p.schema.event(&e.type_id))
            .and_then(|t| t.role(role))
            .map_or_else(|| role.to_string(), |r| r.label.clone());
        return Some(format!("Filling “{role}”: click a mention (Esc stops)"));
    }
    if !st.sel.is_empty() {
        let n: usize = st.sel.spans().iter().map(|s| s.len()).sum();
        let mut line = format!("Text selected: {n} characters (a type key tags it)");
        // The annotation selected before is only the target of "Move here".
        if let Some(a) = st
            .doc
            .zip(st.selected)
            .and_then(|(d, a)| p.annotation(d, a))
        {
            line.push_str(&format!(
                "; Ctrl+R moves the {} here",
                p.schema.label(a.type_id())
            ));
        }
        return Some(line);
    }
    let (d, a) = (st.doc?, st.selected?);
    let a = p.annotation(d, a)?;
    Some(format!(
        "Annotation selected: {}",
        p.schema.label(a.type_id())
    ))
}
