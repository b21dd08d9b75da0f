//! The statistics view: annotations per type, documents per status, per annotator and per
//! document, with small bar charts painted in place.

use super::{DataKey, color32};
use crate::app::{AppState, Message};
use crate::model::Slug;
use crate::views::concordance::{Stats, stats};
use crate::views::svg::type_color;
use egui::{Align2, FontId, Sense, vec2};
use std::sync::Arc;

/// The statistics, computed once per project change.
#[derive(Default)]
pub struct StatsView {
    cache: Option<(DataKey, Arc<Stats>)>,
}

impl StatsView {
    pub fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState, key: &DataKey) {
        let Some(p) = st.project() else { return };
        if self.cache.as_ref().is_none_or(|(k, _)| k != key) {
            self.cache = Some((key.clone(), Arc::new(stats(p))));
        }
        let Some((_, s)) = self.cache.clone() else {
            return;
        };
        let mut open = None;
        egui::ScrollArea::vertical()
            .id_salt("stats")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.strong("Annotations by type");
                let rows: Vec<(String, usize, egui::Color32)> = s
                    .by_type
                    .iter()
                    .map(|(t, n)| {
                        let slug = Slug::new(t.as_str());
                        (
                            p.schema.label(&slug).to_owned(),
                            *n,
                            color32(type_color(p, &slug)),
                        )
                    })
                    .collect();
                bars(ui, &rows);
                ui.add_space(6.0);
                ui.strong("Documents by status");
                let accent = ui.visuals().selection.bg_fill;
                let rows: Vec<_> = s
                    .by_status
                    .iter()
                    .map(|(k, n)| (k.clone(), *n, accent))
                    .collect();
                bars(ui, &rows);
                ui.add_space(6.0);
                ui.strong("Per annotator");
                let rows: Vec<_> = s
                    .annotators
                    .iter()
                    .map(|(who, a)| {
                        let who = if who.is_empty() {
                            "(nobody named)"
                        } else {
                            who
                        };
                        (
                            format!(
                                "{who} · {}",
                                crate::words::count(a.documents, "document", "documents")
                            ),
                            a.annotations,
                            accent,
                        )
                    })
                    .collect();
                bars(ui, &rows);
                ui.add_space(6.0);
                ui.strong(format!("Per document ({})", s.documents.len()));
                let max = s.documents.iter().map(|d| d.annotations).max().unwrap_or(0);
                for d in s.documents.iter().take(500) {
                    ui.horizontal(|ui| {
                        // The title is cut to its share of the row (whole on hover).
                        let title_w = (ui.available_width() - 220.0).max(80.0);
                        let link = ui
                            .scope(|ui| {
                                ui.set_max_width(title_w);
                                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                                ui.link(&d.title)
                            })
                            .inner;
                        if link.on_hover_text(&d.title).clicked() {
                            open = Some(d.doc);
                        }
                        ui.weak(&d.status);
                        bar(ui, d.annotations, max, accent, 80.0);
                    });
                }
                if s.documents.len() > 500 {
                    ui.weak(format!("… and {} more", s.documents.len() - 500));
                }
            });
        if let Some(d) = open {
            st.push(Message::SelectDocument(d));
        }
    }
}

/// One labelled bar per row, scaled to the largest count.
fn bars(ui: &mut egui::Ui, rows: &[(String, usize, egui::Color32)]) {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0);
    let label_w = (ui.available_width() * 0.4).clamp(80.0, 220.0);
    for (label, n, c) in rows {
        ui.horizontal(|ui| {
            let (r, painter) = ui.allocate_painter(vec2(label_w, 16.0), Sense::hover());
            painter.with_clip_rect(r.rect).text(
                r.rect.left_center(),
                Align2::LEFT_CENTER,
                label,
                FontId::proportional(13.0),
                ui.visuals().text_color(),
            );
            bar(ui, *n, max, *c, (ui.available_width() - 60.0).max(40.0));
        });
    }
}

/// A bar of `n` out of `max` in `width` points, with the count after it.
fn bar(ui: &mut egui::Ui, n: usize, max: usize, c: egui::Color32, width: f32) {
    let (r, painter) = ui.allocate_painter(vec2(width, 14.0), Sense::hover());
    let frac = if max == 0 { 0.0 } else { n as f32 / max as f32 };
    let mut b = r.rect;
    b.set_width((width * frac).max(if n > 0 { 1.0 } else { 0.0 }));
    painter.rect_filled(b, 2.0, c);
    ui.label(n.to_string());
}
