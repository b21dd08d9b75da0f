//! The annotator's name: its default, the prompt that asks for it (once, on first launch,
//! and from Edit → Your name as annotator…), and the stamper every commit of the window
//! uses. The name itself is [`Prefs::annotator`](super::Prefs).

use super::{App, AppState};
use crate::model::{Annotation, Entry, Project, Stamper};
use std::collections::BTreeSet;

pub use crate::annotator::{default_annotator, default_from};

/// Every annotator of the annotations of `doc` of `project` (creators and last changers),
/// sorted; all documents when `doc` is `None`.
pub fn annotation_annotators<'p>(
    project: &'p Project,
    doc: Option<crate::model::DocId>,
) -> Vec<String> {
    let mut names: BTreeSet<&str> = BTreeSet::new();
    let mut add = |a: &'p Annotation| {
        names.insert(a.annotator());
        if let Some(m) = &a.modified {
            names.insert(m.by.as_str());
        }
    };
    match doc.and_then(|d| project.documents.get(&d)) {
        Some(d) => d.annotations.values().for_each(&mut add),
        None if doc.is_none() => project
            .documents
            .values()
            .flat_map(|d| d.annotations.values())
            .for_each(&mut add),
        None => {}
    }
    names.remove("");
    names.into_iter().map(str::to_owned).collect()
}

/// Every annotator of the registry's entries (creators and last changers), sorted.
pub fn entry_annotators<'p>(entries: impl Iterator<Item = &'p Entry>) -> Vec<String> {
    let names: BTreeSet<&str> = entries
        .flat_map(|e| [&e.created, &e.modified].into_iter().flatten())
        .map(|s| s.by.as_str())
        .filter(|n| !n.is_empty())
        .collect();
    names.into_iter().map(str::to_owned).collect()
}

/// A combo labelled `label` choosing one of the annotators `names` or everyone (`None`).
pub fn annotator_combo(
    ui: &mut egui::Ui,
    label: &str,
    names: &[String],
    chosen: &mut Option<String>,
) {
    // The label on its own line: beside the box, a narrow side panel broke it mid-word.
    let label_id = ui.label(label).id;
    egui::ComboBox::from_id_salt(label)
        .width(ui.available_width().clamp(60.0, 220.0))
        .selected_text(chosen.as_deref().unwrap_or("everyone"))
        .show_ui(ui, |ui| {
            ui.selectable_value(chosen, None, "everyone");
            for n in names {
                ui.selectable_value(chosen, Some(n.clone()), n);
            }
        })
        .response
        .labelled_by(label_id);
}

impl AppState {
    /// Opens the prompt for the annotator name, filled in with the current name, or the
    /// default when there is none.
    pub fn ask_annotator(&mut self) {
        let name = match &self.prefs.annotator {
            Some(n) => n.clone(),
            None => default_annotator(),
        };
        self.annotator_prompt = Some(name);
    }

    /// Who the window's commits are stamped by, with its clock; `None` when no name is set.
    pub fn stamper(&self) -> Option<Stamper> {
        let by = self.prefs.annotator.as_deref().map(str::trim)?;
        (!by.is_empty()).then(|| Stamper {
            by: by.to_owned(),
            clock: self.clock,
        })
    }
}

impl App {
    /// On first launch (no name in the preferences), asks for the annotator name.
    pub fn ask_annotator_if_unset(&mut self) {
        if self.state.prefs.annotator.is_none() {
            self.state.ask_annotator();
        }
    }

    /// The annotator-name prompt, while it is open and no other dialog is.
    pub(super) fn annotator_prompt(&mut self, ctx: &egui::Context) {
        let st = &mut self.state;
        if st.dialog.is_some() {
            return;
        }
        let Some(name) = st.annotator_prompt.as_mut() else {
            return;
        };
        let mut done: Option<bool> = None;
        let modal = egui::Modal::new(egui::Id::unique("annotator-name")).show(ctx, |ui| {
            ui.set_max_width(460.0);
            crate::app::a11y::heading_at(ui, "Your name as annotator", 1);
            ui.label(
                "Marginalia records who creates and changes each annotation and registry \
                 entry, and when. This name is saved with them in the project files.",
            );
            let field = super::panels::labelled_field(ui, "Annotator name", name, "your name");
            let ok = !name.trim().is_empty();
            let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.horizontal(|ui| {
                if ui.add_enabled(ok, egui::Button::new("OK")).clicked() || (ok && enter) {
                    done = Some(true);
                }
                if ui.button("Not now").clicked() {
                    done = Some(false);
                }
            });
        });
        super::a11y::dialog_shown(ctx, modal.response.layer_id);
        super::a11y::dialog_node(ctx, &modal.response, "Your name as annotator");
        if modal.should_close() && done.is_none() {
            done = Some(false);
        }
        match done {
            Some(true) => {
                let name = name.trim().to_owned();
                st.status = format!("Annotations you make are recorded as made by {name}");
                st.prefs.annotator = Some(name);
                st.annotator_prompt = None;
            }
            Some(false) => st.annotator_prompt = None,
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_name_falls_back_from_git_to_the_system_user() {
        let env = |k: &str| match k {
            "USER" => Some("anna".to_owned()),
            _ => None,
        };
        assert_eq!(
            default_from(|| Some("Anna Petrova\n".into()), env),
            "Anna Petrova"
        );
        assert_eq!(default_from(|| None, env), "anna");
        assert_eq!(default_from(|| Some("  \n".into()), env), "anna");
        let windows = |k: &str| (k == "USERNAME").then(|| "ben".to_owned());
        assert_eq!(default_from(|| None, windows), "ben");
        assert_eq!(default_from(|| None, |_| None), "");
    }
}
