//! The document metadata editor: a window with the current document's title, status and
//! archival description. The form edits a copy; "Apply" commits it as one undoable change.

use super::{View, labelled_field};
use crate::app::{AppState, Command, Message, Queue};
use crate::model::ops::document;
use crate::model::{ArchivalMeta, DocId, DocStatus, NormalizedDate};

/// The form's copy of a document's metadata, and the document it was taken from.
#[derive(Default)]
pub struct MetadataEditor {
    form: Option<Form>,
    error: Option<String>,
}

struct Form {
    doc: DocId,
    /// The session generation the form was loaded at; reloaded after other changes.
    generation: u64,
    title: String,
    status: DocStatus,
    archival: ArchivalMeta,
    date: String,
}

/// The status chooser of a document, offering every [`DocStatus`]: the metadata editor's
/// and each row of the new-documents window's (`combo` carries the label or id).
pub fn status_combo(
    ui: &mut egui::Ui,
    combo: egui::ComboBox,
    status: &mut DocStatus,
) -> egui::Response {
    combo
        .selected_text(status.label())
        .show_ui(ui, |ui| {
            for s in DocStatus::ALL {
                ui.selectable_value(status, s, s.label());
            }
        })
        .response
}

impl View for MetadataEditor {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        if !st.metadata_open {
            self.form = None;
            return;
        }
        let (Some(doc), Some(p)) = (st.doc, st.session.as_ref().map(|s| &s.project)) else {
            return;
        };
        let Some(meta) = p.documents.get(&doc).map(|d| &d.meta) else {
            return;
        };
        let generation = st.generation();
        let stale = self
            .form
            .as_ref()
            .is_none_or(|f| f.doc != doc || f.generation != generation);
        if stale {
            self.form = Some(Form {
                doc,
                generation,
                title: meta.title.clone(),
                status: meta.status,
                archival: meta.archival.clone(),
                date: meta
                    .archival
                    .date
                    .as_ref()
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            });
            self.error = None;
        }
        let Some(f) = self.form.as_mut() else { return };
        let mut open = true;
        let mut cmds = Queue::default();
        super::show_window(
            super::window(ui.ctx(), "Document metadata")
                .open(&mut open)
                .default_width(460.0),
            ui.ctx(),
            |ui| {
                labelled_field(ui, "Title", &mut f.title, "");
                ui.horizontal(|ui| {
                    let l = ui.label("Status");
                    status_combo(ui, egui::ComboBox::from_id_salt("Status"), &mut f.status)
                        .labelled_by(l.id);
                });
                ui.separator();
                let a = &mut f.archival;
                labelled_field(ui, "Archive", &mut a.archive, "e.g. APRF");
                labelled_field(ui, "Collection", &mut a.collection, "fond, series");
                labelled_field(
                    ui,
                    "Call number",
                    &mut a.call_number,
                    "f. 45, op. 1, d. 339",
                );
                labelled_field(ui, "Citation", &mut a.citation, "how to cite it");
                labelled_field(ui, "URL", &mut a.url, "https://…");
                labelled_field(
                    ui,
                    "Original language",
                    &mut a.original_language,
                    "ru, zh, ko…",
                );
                labelled_field(
                    ui,
                    "Translation note",
                    &mut a.translation_note,
                    "who translated, how",
                );
                labelled_field(ui, "Document date", &mut f.date, "YYYY-MM-DD, or A – B");
                if let Some(e) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                ui.horizontal(|ui| {
                    if ui.button("Apply").clicked() {
                        let mut archival = f.archival.clone();
                        // The same forms as every date field: ISO, A – B, after A.
                        let date = NormalizedDate::parse(&f.date);
                        if let Ok(d) = &date {
                            archival.date = (!d.is_empty()).then(|| d.clone());
                        }
                        match date
                            .map_err(|e| format!("Document date: {e}"))
                            .and_then(|_| {
                                document::set_metadata(p, doc, &f.title, f.status, archival)
                                    .map_err(|e| e.to_string())
                            }) {
                            Ok(tx) if tx.is_empty() => self.error = Some("Nothing changed".into()),
                            Ok(tx) => {
                                cmds.push(Message::Apply(tx));
                                self.error = None;
                            }
                            Err(e) => self.error = Some(e),
                        }
                    }
                    if ui.button("Close metadata").clicked() {
                        cmds.push(Command::ToggleMetadata);
                    }
                    if ui.button("Revert").clicked() {
                        // Reload from the project on the next frame.
                        f.generation = u64::MAX;
                        self.error = None;
                    }
                });
            },
        );
        if !open {
            cmds.push(Command::ToggleMetadata);
        }
        st.queue.extend(cmds);
    }
}
