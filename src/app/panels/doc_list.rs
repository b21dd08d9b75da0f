//! The document list: title, date, annotation count and status, with a filter box.

use super::{View, labelled_field};
use crate::app::{AppState, Message};
use crate::model::registry::fold;

#[derive(Default)]
pub struct DocList {
    filter: String,
}

impl View for DocList {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        crate::app::a11y::heading(ui, "Documents");
        labelled_field(ui, "Filter", &mut self.filter, "title or status");
        ui.separator();
        let Some(p) = st.session.as_ref().map(|s| &s.project) else {
            ui.label("No project open.");
            return;
        };
        let q = fold(self.filter.trim());
        let mut docs: Vec<_> = p
            .documents
            .values()
            .filter(|d| {
                q.is_empty()
                    || fold(&d.meta.title).contains(&q)
                    || fold(d.meta.status.label()).contains(&q)
            })
            .collect();
        docs.sort_by(|a, b| {
            let da = a.meta.archival.date.as_ref().and_then(|d| d.sort_key());
            let db = b.meta.archival.date.as_ref().and_then(|d| d.sort_key());
            da.cmp(&db).then_with(|| a.meta.title.cmp(&b.meta.title))
        });
        let mut clicked = None;
        egui::ScrollArea::vertical()
            .id_salt("doc-list")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for d in docs {
                    let selected = st.doc == Some(d.id());
                    let date = d
                        .meta
                        .archival
                        .date
                        .as_ref()
                        .map(|x| x.to_string())
                        .unwrap_or_default();
                    // A long title is cut to the list's width (whole on hover); the line
                    // under it wraps.
                    let r = ui
                        .add(egui::Button::selectable(selected, &d.meta.title).truncate())
                        .on_hover_text(&d.meta.title);
                    ui.add(
                        egui::Label::new(
                            egui::RichText::new(format!(
                                "{date}{}{} · {}",
                                if date.is_empty() { "" } else { " · " },
                                crate::words::count(
                                    d.annotations.len(),
                                    "annotation",
                                    "annotations"
                                ),
                                d.meta.status.label()
                            ))
                            .small(),
                        )
                        .wrap(),
                    );
                    if r.clicked() {
                        clicked = Some(d.id());
                    }
                    ui.add_space(4.0);
                }
            });
        if let Some(d) = clicked {
            st.push(Message::SelectDocument(d));
        }
    }
}
