//! The registry list: every entry with its mention count; expand one to see its aliases
//! and jump to its mentions.

use super::{View, labelled_field};
use crate::app::{AppState, Command};
use crate::model::{EntryId, Span};
use std::collections::BTreeMap;

#[derive(Default)]
pub struct RegistryList {
    filter: String,
    /// Mention counts, cached per project generation.
    counts: Option<(u64, BTreeMap<EntryId, usize>)>,
}

impl View for RegistryList {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        ui.heading("Registry");
        labelled_field(ui, "Filter", &mut self.filter, "name or alias");
        let Some(p) = st.session.as_ref().map(|s| &s.project) else { return };
        let generation = st.generation();
        if self.counts.as_ref().is_none_or(|(g, _)| *g != generation) {
            self.counts = Some((generation, p.mention_counts()));
        }
        let counts = self.counts.as_ref().map(|c| &c.1);
        let q = self.filter.trim();
        let mut entries: Vec<_> = p
            .registry
            .values()
            .filter_map(|e| e.match_score(q).map(|s| (s, e)))
            .collect();
        entries.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
        let mut jump = None;
        egui::ScrollArea::vertical()
            .id_salt("registry")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for (_, e) in entries {
                    let n = counts.and_then(|c| c.get(&e.id)).copied().unwrap_or(0);
                    egui::CollapsingHeader::new(format!(
                        "{} · {} · {n}",
                        e.name,
                        p.schema.label(&e.type_id)
                    ))
                    .id_salt(e.id)
                    .show(ui, |ui| {
                        for a in &e.aliases {
                            ui.small(format!("also: {} ({})", a.name, a.kind.as_str()));
                        }
                        for (doc, ann) in p.mentions_of(e.id).into_iter().take(50) {
                            let Some(d) = p.documents.get(&doc) else { continue };
                            let Some(an) = d.annotations.get(&ann).and_then(|a| a.anchor()) else {
                                continue;
                            };
                            if ui
                                .link(format!("{}: “{}”", d.meta.title, an.quote.exact))
                                .clicked()
                            {
                                jump = Some((doc, an.extent(), ann));
                            }
                        }
                    });
                }
            });
        if let Some((doc, span, ann)) = jump {
            st.push(Command::Jump { doc, span: Span::new(span.start, span.start) });
            st.push(Command::SelectAnnotation(Some(ann)));
        }
    }
}
