//! The status bar: save state, current document, counts and the last message.

use super::View;
use crate::app::{AppState, SaveState};
use crate::words::count;

#[derive(Default)]
pub struct StatusBar;

impl View for StatusBar {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        // Every item is cut to the room left (whole on hover), and items that find no room
        // are left out: nothing runs past the window's edge, whatever a title's length.
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
        ui.horizontal(|ui| {
            let (text, color) = save_state(ui, st);
            ui.colored_label(color, text);
            // The reader's state and the last message come first: a narrow window must
            // show them too (the counts after them are left out when there is no room).
            if let Some(mode) = mode_line(st) {
                item(ui, |ui| {
                    ui.label(&mode).on_hover_text(&mode);
                });
            }
            // The last message is a polite live region: screen readers speak each new one
            // (selection, tagging, undo, save results; see app::a11y::Announcer).
            if !st.status.is_empty() {
                ui.separator();
            }
            let room = (ui.available_width() - 8.0).max(0.0);
            // Focusable, so that F6 (and Tab) can land on the status bar and read it.
            let r = ui
                .scope_builder(crate::app::a11y::status_message_scope(ui.ctx()), |ui| {
                    ui.set_max_width(room);
                    ui.add(egui::Label::new(&st.status).sense(egui::Sense::FOCUSABLE))
                })
                .inner;
            if r.rect.width() + 1.0 < text_width(ui, &st.status) {
                r.clone().on_hover_text(&st.status);
            }
            crate::app::a11y::live(ui.ctx(), r.id);
            let Some(p) = st.session.as_ref().map(|s| &s.project) else {
                return;
            };
            if let Some(d) = st.doc.and_then(|d| p.documents.get(&d)) {
                let line = format!(
                    "{} · {}",
                    d.meta.title,
                    count(d.annotations.len(), "annotation", "annotations")
                );
                item(ui, |ui| {
                    ui.label(&line).on_hover_text(&d.meta.title);
                });
            }
            let totals = format!(
                "{} · {} · {}",
                count(p.documents.len(), "document", "documents"),
                count(p.annotation_count(), "annotation", "annotations"),
                count(p.registry.len(), "entry", "entries")
            );
            item(ui, |ui| {
                ui.label(&totals);
            });
            item(ui, |ui| {
                ui.label(if st.prefs.snap_words {
                    "Snap: words"
                } else {
                    "Snap: off"
                });
            });
            if !st.sel.fragments.is_empty() {
                let n = st.sel.fragments.len() + 1;
                item(ui, |ui| {
                    ui.label(count(n, "fragment", "fragments"));
                });
            }
        });
    }
}

/// What the bar says about saving: nothing to save without a project.
fn save_state(ui: &egui::Ui, st: &AppState) -> (String, egui::Color32) {
    if st.session.is_none() {
        return ("No project open".to_owned(), ui.visuals().weak_text_color());
    }
    match (&st.save_state, st.is_dirty()) {
        (SaveState::Error(e), _) => (format!("Not saved: {e}"), ui.visuals().error_fg_color),
        (SaveState::Saving, _) => ("Saving…".to_owned(), ui.visuals().warn_fg_color),
        (_, true) => ("Unsaved changes".to_owned(), ui.visuals().warn_fg_color),
        (_, false) => (
            "All changes saved".to_owned(),
            ui.visuals().weak_text_color(),
        ),
    }
}

/// Adds a separator and `add` when there is room for more than a few letters.
fn item(ui: &mut egui::Ui, add: impl FnOnce(&mut egui::Ui)) {
    if ui.available_width() > 80.0 {
        ui.separator();
        add(ui);
    }
}

/// Width of `text` on one line in the body font.
fn text_width(ui: &egui::Ui, text: &str) -> f32 {
    let font = egui::TextStyle::Body.resolve(ui.style());
    ui.fonts_mut(|f| {
        f.layout_no_wrap(text.to_owned(), font, egui::Color32::WHITE)
            .size()
            .x
    })
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
