//! The document metadata editor: a window with the current document's title, status and
//! archival description (the form edits a copy; "Apply" commits it as one undoable change),
//! its page images and page breaks (each change applies at once), and the project's name
//! and description.

use super::{View, labelled_field};
use crate::app::{AppState, Command, Message, Queue};
use crate::model::ops::{document, region};
use crate::model::{ArchivalMeta, DocId, DocStatus, NormalizedDate, Project};

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
    project_name: String,
    project_description: String,
    /// Each page break's number and image as typed.
    breaks: Vec<(String, String)>,
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
                project_name: p.info.name.clone(),
                project_description: p.info.description.clone(),
                breaks: meta
                    .archival
                    .page_breaks
                    .iter()
                    .map(|b| (b.n.clone(), b.facs.clone()))
                    .collect(),
            });
            self.error = None;
        }
        let mut open = true;
        let mut cmds = Queue::default();
        let shown = super::show_window(
            super::window(ui.ctx(), "Document metadata")
                .open(&mut open)
                .default_width(460.0)
                .default_height(560.0),
            ui.ctx(),
            |ui| {
                egui::ScrollArea::vertical()
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        self.document_form(ui, p, doc, &mut cmds);
                        ui.separator();
                        self.pages(ui, p, doc, &mut cmds);
                        ui.separator();
                        self.project_form(ui, p, &mut cmds);
                    });
            },
        );
        if super::esc_closes(ui.ctx(), &shown) {
            open = false;
        }
        if !open {
            cmds.push(Command::ToggleMetadata);
        }
        st.queue.extend(cmds);
    }
}

impl MetadataEditor {
    /// Title, status and the archival description, applied together.
    fn document_form(&mut self, ui: &mut egui::Ui, p: &Project, doc: DocId, cmds: &mut Queue) {
        let Some(f) = self.form.as_mut() else { return };
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
        labelled_field(
            ui,
            "Number in the edition",
            &mut a.number,
            "2 (FRUS document 2)",
        );
        labelled_field(ui, "Id in the edition", &mut a.source_id, "d2 (its xml:id)");
        labelled_field(ui, "Document date", &mut f.date, "YYYY-MM-DD, or A – B");
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        ui.horizontal_wrapped(|ui| {
            if ui.button("Apply").clicked() {
                let mut archival = f.archival.clone();
                // Page breaks are edited below, one by one: the form's copy is not applied.
                if let Some(d) = p.documents.get(&doc) {
                    archival.page_breaks = d.meta.archival.page_breaks.clone();
                }
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
    }

    /// The document's page images (moved or removed one at a time) and page breaks (their
    /// printed number and image, or removed): each change applies at once.
    fn pages(&mut self, ui: &mut egui::Ui, p: &Project, doc: DocId, cmds: &mut Queue) {
        let Some(d) = p.documents.get(&doc) else {
            return;
        };
        let images = &d.meta.images;
        ui.strong(format!("Page images ({})", images.len()));
        if images.is_empty() {
            ui.weak("None. Project → Add pages… adds scans of the original.");
        }
        let mut result = None;
        for (i, img) in images.iter().enumerate() {
            ui.horizontal_wrapped(|ui| {
                ui.label(format!("{}. {}", i + 1, img));
                if i > 0
                    && super::small_action(ui, "Up", &format!("Move page {} up", i + 1)).clicked()
                {
                    result = Some(region::move_page(p, doc, i, i - 1));
                }
                if i + 1 < images.len()
                    && super::small_action(ui, "Down", &format!("Move page {} down", i + 1))
                        .clicked()
                {
                    result = Some(region::move_page(p, doc, i, i + 1));
                }
                let what = format!("Remove page {} from the document (the file stays)", i + 1);
                if super::small_action(ui, "×", &what).clicked() {
                    result = Some(region::remove_page(p, doc, i));
                }
            });
        }
        let breaks = &d.meta.archival.page_breaks;
        ui.strong(format!("Page breaks ({})", breaks.len()));
        if breaks.is_empty() {
            ui.weak("None. Annotate → Page break at caret adds one where the caret is.");
        }
        let text = d.text_or_empty();
        if let Some(f) = self.form.as_mut() {
            f.breaks
                .resize(breaks.len(), (String::new(), String::new()));
            for (i, b) in breaks.iter().enumerate() {
                let line = text.line_of(b.offset.min(text.len_chars())) + 1;
                let (n, facs) = &mut f.breaks[i];
                let mut changed = false;
                ui.horizontal_wrapped(|ui| {
                    ui.label(format!("Line {line}:"));
                    let l = ui.label("page");
                    changed |= ui
                        .add(
                            egui::TextEdit::singleline(n)
                                .hint_text("563")
                                .desired_width(60.0),
                        )
                        .labelled_by(l.id)
                        .lost_focus();
                    let l = ui.label("image");
                    changed |= ui
                        .add(
                            egui::TextEdit::singleline(facs)
                                .hint_text("file or URL")
                                .desired_width(140.0),
                        )
                        .labelled_by(l.id)
                        .lost_focus();
                    let what = format!("Remove the page break at line {line}");
                    if super::small_action(ui, "×", &what).clicked() {
                        result = Some(region::remove_page_break(p, doc, i));
                    }
                });
                if changed && (n.trim() != b.n || facs.trim() != b.facs) {
                    result = Some(region::edit_page_break(p, doc, i, n, facs));
                }
            }
        }
        match result {
            Some(Ok(tx)) => {
                cmds.push(Message::Apply(tx));
                self.error = None;
            }
            Some(Err(crate::model::ops::OpError::NoChange)) | None => {}
            Some(Err(e)) => self.error = Some(e.to_string()),
        }
    }

    /// The project's name and description.
    fn project_form(&mut self, ui: &mut egui::Ui, p: &Project, cmds: &mut Queue) {
        let Some(f) = self.form.as_mut() else { return };
        ui.strong("Project");
        labelled_field(ui, "Project name", &mut f.project_name, "");
        let l = ui.label("Project description");
        ui.add(
            egui::TextEdit::multiline(&mut f.project_description)
                .desired_rows(2)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(l.id);
        if ui.button("Apply to the project").clicked() {
            match document::set_project_info(p, &f.project_name, &f.project_description) {
                Ok(tx) => {
                    cmds.push(Message::Apply(tx));
                    self.error = None;
                }
                Err(crate::model::ops::OpError::NoChange) => {
                    self.error = Some("Nothing changed".into());
                }
                Err(e) => self.error = Some(e.to_string()),
            }
        }
    }
}
