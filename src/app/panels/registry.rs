//! The registry list: every entry with its mention count; expand one to see its aliases
//! and jump to its mentions.

use super::{View, labelled_field};
use crate::app::{AppState, Message};
use crate::model::ops::registry::{RegistryQuery, SortBy, query_counted};
use crate::model::{EntryId, Span};
use std::collections::BTreeMap;

#[derive(Default)]
pub struct RegistryList {
    filter: String,
    /// Mention counts, cached per project generation.
    counts: Option<(u64, BTreeMap<EntryId, usize>)>,
    /// The annotator the counts were made for (what they see: `layers::mention_counts_seen`).
    counts_for: (Option<String>, bool),
    sort: SortBy,
    /// Entity type to show; `None` shows all.
    only: Option<crate::model::Slug>,
    /// Show only entries this annotator created or changed last; `None` shows all.
    annotator: Option<String>,
    /// The registry's annotators, cached per project generation.
    annotators: Option<(u64, Vec<String>)>,
}

impl View for RegistryList {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        crate::app::a11y::heading(ui, "Registry");
        labelled_field(ui, "Filter", &mut self.filter, "name or alias");
        let Some(p) = st.session.as_ref().map(|s| &s.project) else {
            return;
        };
        // One drop-down a row: side by side they ran past a narrow column's edge.
        ui.vertical(|ui| {
            crate::app::panels::labelled_combo(
                ui,
                "Sort",
                egui::ComboBox::from_id_salt("Sort").selected_text(self.sort.label()),
                |ui| {
                    for s in SortBy::ALL {
                        ui.selectable_value(&mut self.sort, s, s.label());
                    }
                },
            );
            crate::app::panels::labelled_combo(
                ui,
                "Show",
                egui::ComboBox::from_id_salt("Show").selected_text(
                    self.only
                        .as_ref()
                        .map_or("all types", |t| p.schema.label(t)),
                ),
                |ui| {
                    ui.selectable_value(&mut self.only, None, "all types");
                    for t in &p.schema.entity_types {
                        ui.selectable_value(&mut self.only, Some(t.id.clone()), &t.label);
                    }
                },
            );
            let generation = st.generation();
            if self
                .annotators
                .as_ref()
                .is_none_or(|(g, _)| *g != generation)
            {
                let names = crate::app::prefs::entry_annotators(p.registry.values());
                self.annotators = Some((generation, names));
            }
            if let Some((_, names)) = &self.annotators
                && (!names.is_empty() || self.annotator.is_some())
            {
                crate::app::prefs::annotator_combo(ui, "Entries by", names, &mut self.annotator);
            }
        });
        let generation = st.generation();
        // While annotating independently, only the mentions one sees count (one's own
        // layer in independent documents, as the reader shows them).
        let me = st.viewer();
        let key = (me.annotator.map(str::to_owned), me.curating);
        if self.counts.as_ref().is_none_or(|(g, _)| *g != generation) || self.counts_for != key {
            self.counts = Some((generation, crate::model::layers::mention_counts_seen(p, me)));
            self.counts_for = key;
        }
        let counts = self.counts.as_ref().map(|c| &c.1);
        let q = RegistryQuery {
            text: self.filter.trim().to_owned(),
            types: self.only.iter().cloned().collect(),
            sort: self.sort,
        };
        let mut rows = counts.map(|c| query_counted(p, &q, c)).unwrap_or_default();
        if let Some(name) = &self.annotator {
            rows.retain(|r| p.registry.get(&r.id).is_some_and(|e| e.touched_by(name)));
        }
        let mut open_page = None;
        let mut jump = None;
        egui::ScrollArea::vertical()
            .id_salt("registry")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for row in rows {
                    let Some(e) = p.registry.get(&row.id) else {
                        continue;
                    };
                    let n = row.mentions;
                    let width = ui.available_width() - ui.spacing().indent - 4.0;
                    let label = format!("{} · {} · {n}", e.name, p.schema.label(&e.type_id));
                    egui::CollapsingHeader::new(one_line(ui, label, width))
                        .id_salt(e.id)
                        .show(ui, |ui| {
                            if ui
                                .small_button(format!("Open page of {}", e.name))
                                .clicked()
                            {
                                open_page = Some(e.id);
                            }
                            for a in &e.aliases {
                                ui.small(format!("also: {} ({})", a.name, a.kind.as_str()));
                            }
                            for (doc, ann) in crate::model::layers::mentions_seen(p, e.id, me)
                                .into_iter()
                                .take(50)
                            {
                                let Some(d) = p.documents.get(&doc) else {
                                    continue;
                                };
                                let Some(an) = d.annotations.get(&ann).and_then(|a| a.anchor())
                                else {
                                    continue;
                                };
                                if ui
                                    .link(mention_label(d, an))
                                    .on_hover_text(&d.meta.title)
                                    .clicked()
                                {
                                    jump = Some((doc, an.extent(), ann));
                                }
                            }
                        });
                }
            });
        if let Some(e) = open_page {
            st.push(Message::OpenEntry(Some(e)));
        }
        if let Some((doc, span, ann)) = jump {
            st.push(Message::Jump {
                doc,
                span: Span::new(span.start, span.start),
            });
            st.push(Message::SelectAnnotation(Some(ann)));
        }
    }
}

/// A mention in the registry list: the document's short title, the line, and a few words
/// around the mention ("Cable No. 21677, Mao…, line 4: …met [Nam Il] at Kaesong…").
fn mention_label(d: &crate::model::Document, an: &crate::model::TextAnchor) -> String {
    use crate::model::query::find::{short_title, words_around};
    let title = short_title(&d.meta.title, 24);
    match &d.text {
        Some(t) if an.extent().end <= t.len_chars() => {
            let (before, hit, after) = words_around(t, an.extent(), 4);
            let line = t.line_of(an.extent().start) + 1;
            format!("{title}, line {line}: {before}[{hit}]{after}")
        }
        _ => format!("{title}: “{}”", an.quote.exact),
    }
}

/// `text` on one line, cut with "…" at `width` so a narrow panel does not clip it; the
/// accessible label keeps the whole text.
fn one_line(ui: &egui::Ui, text: String, width: f32) -> egui::WidgetText {
    let font = egui::TextStyle::Button.resolve(ui.style());
    // The placeholder colour takes the header's own (hovered, selected) colour when drawn.
    let mut job = egui::text::LayoutJob::simple_singleline(text, font, egui::Color32::PLACEHOLDER);
    job.wrap = egui::text::TextWrapping::truncate_at_width(width.max(40.0));
    egui::WidgetText::Galley(ui.ctx().fonts_mut(|f| f.layout_job(job)))
}
