//! The About window: what Marginalia is, and the version and git revision it was built from.

use super::View;
use crate::app::{AppState, Command};

/// Shows the About window while `AppState::about_open` is set.
#[derive(Default)]
pub struct About;

impl View for About {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        if !st.about_open {
            return;
        }
        let mut open = true;
        let shown = super::show_window(
            super::window(ui.ctx(), "About Marginalia")
                .open(&mut open)
                .collapsible(false)
                .resizable(false),
            ui.ctx(),
            |ui| {
                ui.label("An annotation workbench for archival documents.");
                ui.label(format!("Version {}", crate::build_info::VERSION));
                ui.label("CJK text: Noto Sans CJK subset, SIL Open Font License 1.1.");
                if ui.button("Close").clicked() {
                    st.queue.push(Command::About);
                }
            },
        );
        if super::esc_closes(ui.ctx(), &shown) {
            open = false;
        }
        if !open {
            st.about_open = false;
        }
    }
}
