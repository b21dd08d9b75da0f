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
            if !st.status.is_empty() {
                ui.separator();
                ui.label(&st.status);
            }
        });
    }
}
