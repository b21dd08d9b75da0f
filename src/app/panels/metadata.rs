//! The document metadata editor: a window with the current document's title, status and
//! archival description (the form edits a copy; "Apply" commits it as one undoable change),
//! its page images and page breaks (each change applies at once), and the project's name
//! and description.

use super::{View, labelled_field};
use crate::app::bound::Bound;
use crate::app::{AppState, Command, Message, Queue};
use crate::model::ops::{document, region};
use crate::model::{ArchivalMeta, DocId, DocStatus, DocumentMeta, NormalizedDate, Project};

/// The form's copy of a document's metadata, and the document it was taken from.
#[derive(Default)]
pub struct MetadataEditor {
    form: Option<Form>,
    error: Option<String>,
}

struct Form {
    doc: DocId,
    /// The session generation the form was loaded at; rebased after other changes.
    generation: u64,
    /// What the person edits.
    fields: Fields,
    /// The document's fields as they were when `fields` was last loaded or rebased: what
    /// tells the person's changes from another session's.
    base: Fields,
    /// Fields both the person and another session (a merge from disk, undo, redo) changed,
    /// differently: named above the form until Apply or Revert.
    clashes: Vec<String>,
    /// Revert asked for: the form is reloaded from the project on the next frame.
    revert: bool,
    /// Bound to the project's name and description: they follow merged changes without the
    /// form being reloaded, so what the person is typing there is not wiped by a reload.
    project_name: Bound,
    project_description: Bound,
    /// Each page break's number and image as typed.
    breaks: Vec<(String, String)>,
}

/// A document's title, status, archival description and date as the form edits them
/// (the date as typed). Serialized only to compare and rebase field by field.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Fields {
    title: String,
    status: DocStatus,
    date_typed: String,
    #[serde(flatten)]
    archival: ArchivalMeta,
}

impl Fields {
    fn of(meta: &DocumentMeta) -> Self {
        Self {
            title: meta.title.clone(),
            status: meta.status,
            date_typed: meta
                .archival
                .date
                .as_ref()
                .map(|d| d.to_string())
                .unwrap_or_default(),
            archival: meta.archival.clone(),
        }
    }

    /// Brings the form's fields onto `theirs` (the document changed under the form since
    /// `base`): every field the person left as it was takes the new value; every field they
    /// changed keeps their text. Returns the fields both changed, differently (by their
    /// saved names), which the form names until Apply or Revert.
    fn rebase(&mut self, base: &Fields, theirs: &Fields) -> Vec<String> {
        use serde_json::{Map, Value};
        let as_map = |f: &Fields| match serde_json::to_value(f) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        let (mine, base, theirs) = (as_map(self), as_map(base), as_map(theirs));
        let keys: std::collections::BTreeSet<&String> = mine
            .keys()
            .chain(base.keys())
            .chain(theirs.keys())
            .collect();
        let mut out = Map::new();
        let mut clashes = Vec::new();
        for key in keys {
            let (m, b, t) = (mine.get(key), base.get(key), theirs.get(key));
            let keep = if m == b {
                t
            } else {
                if t != b && t != m {
                    clashes.push(key.clone());
                }
                m
            };
            if let Some(v) = keep {
                out.insert(key.clone(), v.clone());
            }
        }
        match serde_json::from_value(Value::Object(out)) {
            Ok(rebased) => *self = rebased,
            // Cannot happen for values that came from these types; the person's text stays.
            Err(_) => clashes.push("form".into()),
        }
        clashes
    }
}

/// A saved field name as the form labels it ("call_number" → "call number").
fn field_label(key: &str) -> String {
    match key {
        "date_typed" => "document date".into(),
        k => k.replace('_', " "),
    }
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
        let breaks_of = |meta: &DocumentMeta| {
            meta.archival
                .page_breaks
                .iter()
                .map(|b| (b.n.clone(), b.facs.clone()))
                .collect()
        };
        match self.form.as_mut() {
            Some(f) if f.doc == doc && !f.revert => {
                if f.generation != generation {
                    // Something changed (an edit, a merge from disk, undo, redo): what the
                    // person typed stays, the fields they did not touch follow.
                    f.generation = generation;
                    let fresh = Fields::of(meta);
                    if fresh != f.base {
                        for c in f.fields.rebase(&f.base, &fresh) {
                            if !f.clashes.contains(&c) {
                                f.clashes.push(c);
                            }
                        }
                        f.base = fresh;
                    }
                    f.breaks = breaks_of(meta);
                }
            }
            _ => {
                // The project's fields are kept across reloads (they are bound, synced below).
                let (project_name, project_description) = self.form.take().map_or_else(
                    || {
                        (
                            Bound::applied_later(&p.info.name),
                            Bound::applied_later(&p.info.description),
                        )
                    },
                    |f| (f.project_name, f.project_description),
                );
                let fields = Fields::of(meta);
                self.form = Some(Form {
                    doc,
                    generation,
                    base: fields.clone(),
                    fields,
                    clashes: Vec::new(),
                    revert: false,
                    project_name,
                    project_description,
                    breaks: breaks_of(meta),
                });
                self.error = None;
            }
        }
        if let Some(f) = self.form.as_mut() {
            f.project_name.sync(&p.info.name);
            f.project_description.sync(&p.info.description);
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
        let Some(form) = self.form.as_mut() else {
            return;
        };
        if !form.clashes.is_empty() {
            let names: Vec<String> = form.clashes.iter().map(|c| field_label(c)).collect();
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!(
                    "Changed elsewhere while you edited it (merged from disk, undo or redo): {}. \
                     Apply keeps your text; Revert takes the document's.",
                    names.join(", ")
                ),
            );
        }
        let f = &mut form.fields;
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
        labelled_field(
            ui,
            "Document date",
            &mut f.date_typed,
            "YYYY-MM-DD, or A – B",
        );
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
                let date = NormalizedDate::parse(&f.date_typed);
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
                        form.clashes.clear();
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
                form.revert = true;
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
        // Applied with the button, not on leaving: what leaving asks for is not written;
        // the fields only learn their focus (a change merged while typing asks below).
        let r = labelled_field(ui, "Project name", &mut f.project_name.text, "");
        let _ = f.project_name.after(&r, &p.info.name);
        let _ = f.project_name.ask_ui(ui, "project name");
        let l = ui.label("Project description");
        let r = ui
            .add(
                egui::TextEdit::multiline(&mut f.project_description.text)
                    .desired_rows(2)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(l.id);
        let _ = f.project_description.after(&r, &p.info.description);
        let _ = f.project_description.ask_ui(ui, "project description");
        if ui.button("Apply to the project").clicked() {
            match document::set_project_info(p, &f.project_name.text, &f.project_description.text) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(title: &str, call_number: &str, citation: &str) -> Fields {
        Fields {
            title: title.into(),
            status: DocStatus::default(),
            date_typed: String::new(),
            archival: ArchivalMeta {
                call_number: call_number.into(),
                citation: citation.into(),
                ..ArchivalMeta::default()
            },
        }
    }

    #[test]
    fn rebase_keeps_typed_fields_and_takes_untouched_ones() {
        let base = fields("Cable", "d. 339", "");
        let mut mine = fields("Cable (draft)", "d. 339", "");
        let theirs = fields("Cable", "d. 340", "APRF 45/1/339");
        assert!(mine.rebase(&base, &theirs).is_empty());
        assert_eq!(mine, fields("Cable (draft)", "d. 340", "APRF 45/1/339"));
    }

    #[test]
    fn rebase_names_fields_both_changed_and_keeps_the_typed_text() {
        let base = fields("Cable", "d. 339", "");
        let mut mine = fields("Cable (mine)", "d. 339", "");
        let theirs = fields("Cable (theirs)", "", "");
        assert_eq!(mine.rebase(&base, &theirs), vec!["title".to_owned()]);
        assert_eq!(mine, fields("Cable (mine)", "", ""));
        // The same change on both sides is no clash.
        let mut same = fields("X", "", "");
        assert!(same.rebase(&base, &fields("X", "", "")).is_empty());
        assert_eq!(field_label("call_number"), "call number");
    }
}
