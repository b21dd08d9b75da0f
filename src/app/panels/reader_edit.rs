//! The reader's edit-mode indicator: a strip above the text while the transcription is
//! being corrected, so it is always visible that keys change the source.

use crate::app::AppState;

/// Draws the indicator when edit mode is on (nothing otherwise).
pub fn banner(ui: &mut egui::Ui, st: &AppState) {
    if !st.text_editing || st.session.is_none() {
        return;
    }
    let fill = ui.visuals().warn_fg_color.gamma_multiply(0.18);
    egui::Frame::new()
        .fill(fill)
        .inner_margin(egui::Margin::symmetric(8, 4))
        .show(ui, |ui| {
            // Wrapped: an unwrapped line wider than the reader would widen the reader's
            // `Ui` past its panel, and the text would be laid out under the page pane.
            ui.horizontal_wrapped(|ui| {
                ui.strong("Correcting the transcription");
                ui.label("— typing changes the source text; annotations follow. Ctrl+E stops.");
            });
        });
}
