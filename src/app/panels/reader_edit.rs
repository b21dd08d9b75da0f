//! The reader's edit-mode indicator: a strip over the foot of the text while the
//! transcription is being corrected, so it is always visible that keys change the source.
//! It floats over the text instead of taking a row above it: switching edit mode on or off
//! must not move the text under the pointer.

use crate::app::AppState;

/// Draws the indicator over the bottom of `area` (the reader's rectangle) when edit mode
/// is on (nothing otherwise).
pub fn banner(ui: &egui::Ui, st: &AppState, area: egui::Rect) {
    if !st.text_editing || st.session.is_none() {
        return;
    }
    let fill = ui
        .visuals()
        .extreme_bg_color
        .lerp_to_gamma(ui.visuals().warn_fg_color, 0.22);
    egui::Area::new(egui::Id::unique("edit-mode-banner"))
        .order(egui::Order::Foreground)
        .fixed_pos(area.left_bottom())
        .pivot(egui::Align2::LEFT_BOTTOM)
        .interactable(false)
        .show(ui.ctx(), |ui| {
            ui.set_max_width(area.width());
            egui::Frame::new()
                .fill(fill)
                .corner_radius(4.0)
                .inner_margin(egui::Margin::symmetric(8, 4))
                .show(ui, |ui| {
                    ui.set_width(area.width() - 16.0);
                    // Wrapped: never wider than the reader.
                    ui.horizontal_wrapped(|ui| {
                        ui.strong("Correcting the transcription");
                        ui.label(
                            "— typing changes the source text; annotations follow. Ctrl+E stops.",
                        );
                    });
                });
        });
}
