//! The window's panels, one file each. A panel draws into the `Ui` the app gives it and
//! changes project data only by queuing [`Command`](super::Command)s and
//! [`Message`](super::Message)s.

pub mod about;
pub mod archive;
pub mod conflicts;
pub mod doc_list;
pub mod entry_page;
pub mod event_frame;
pub mod facsimile;
pub mod find;
pub mod inspector;
pub mod interchange;
pub mod legend;
pub mod metadata;
pub mod palette;
pub mod pieces;
pub mod problems;
pub mod reader;
pub mod reader_edit;
pub mod registry;
pub mod review;
pub mod schema_editor;
pub mod status;
pub mod views;

use super::AppState;

/// A panel's contents (placement is the app's business).
pub trait View {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState);
}

/// A single-line text field with an accessible label shown before it.
pub fn labelled_field(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    hint: &str,
) -> egui::Response {
    ui.horizontal(|ui| {
        let l = ui.label(label);
        ui.add(
            egui::TextEdit::singleline(text)
                .hint_text(hint)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(l.id)
    })
    .inner
}
