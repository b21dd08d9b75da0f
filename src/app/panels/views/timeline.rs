//! The timeline view: every dated event on a zoomable, pannable time axis (years down to
//! minutes), one row per event type or per registry entry; uncertain dates drawn as ranges
//! (an open end runs to the edge, hatched lighter); undated events listed aside (below when narrow). Hover
//! shows the event's frame, a click jumps to the event in its document; the events of the
//! registry entry whose page is open are outlined. Filters: type, entry, document,
//! annotator.
//!
//! Drag pans (sideways: time, up/down: rows), Ctrl+wheel or pinch zooms around the
//! pointer, the wheel scrolls rows; "−", "+" and "Fit" zoom from the keyboard too.

use super::{DataKey, color32, push_go_to};
use crate::app::AppState;
use crate::model::{AnnId, DocId, EntryId, Project, Slug};
use crate::views::timeline::{RowMode, Timeline, TimelineFilter};
use crate::views::{EventInfo, Index, Link, Minute, find_entry, svg};
use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, StrokeKind, pos2, vec2};
use std::collections::BTreeSet;
use std::sync::Arc;

/// Height of one row, in points.
pub const ROW_H: f32 = 22.0;
const AXIS_H: f32 = 22.0;
/// From this width on, undated events are listed beside the plot rather than below.
const ASIDE_FROM: f32 = 720.0;
/// Shortest span shown: ten minutes.
const MIN_SPAN: f64 = 10.0;
/// Longest span shown: a thousand years.
const MAX_SPAN: f64 = 1000.0 * 525_960.0;

/// Where the plot was drawn last frame: enough to find an event's bar again.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geometry {
    /// The area the bars are drawn in (below the axis, right of the labels).
    pub plot: Rect,
    pub from: f64,
    pub to: f64,
    /// Rows scrolled off the top, in points.
    pub row_offset: f32,
}

impl Geometry {
    pub fn x_of(&self, m: f64) -> f32 {
        self.plot.left() + ((m - self.from) / (self.to - self.from)) as f32 * self.plot.width()
    }

    pub fn minute_at(&self, x: f32) -> f64 {
        self.from + f64::from((x - self.plot.left()) / self.plot.width()) * (self.to - self.from)
    }

    /// The bar of an event's range in the lane whose top is `top` points below the first
    /// row's (see [`Timeline::row_tops`]): an open end reaches the plot's edge; a bar is at
    /// least 4 points wide.
    pub fn bar(&self, top: f32, e: &EventInfo) -> Option<Rect> {
        let r = e.range.as_ref()?;
        let x0 = r
            .start
            .map_or(self.plot.left() - 1.0, |s| self.x_of(s as f64));
        let x1 = r
            .end
            .map_or(self.plot.right() + 1.0, |s| self.x_of(s as f64));
        let (x0, x1) = if x1 - x0 < 4.0 {
            let c = (x0 + x1) / 2.0;
            (c - 2.0, c + 2.0)
        } else {
            (x0, x1)
        };
        let y = self.plot.top() + top - self.row_offset;
        Some(Rect::from_min_max(
            pos2(x0, y + 4.0),
            pos2(x1, y + ROW_H - 4.0),
        ))
    }
}

type CacheKey = (DataKey, TimelineFilter, bool);

/// The timeline's state: filters, the visible period and rows, and the built data.
#[derive(Default)]
pub struct TimelineView {
    /// Rows per registry entry instead of per event type.
    pub by_entry: bool,
    pub event_type: Option<Slug>,
    /// Registry entry to keep (id, name or alias); empty keeps all.
    pub entry_query: String,
    entry_for: Option<(String, Option<EntryId>)>,
    pub document: Option<DocId>,
    pub annotator: Option<String>,
    /// The visible period `[from, to)` in minutes; `None` fits the data.
    pub view: Option<(f64, f64)>,
    pub row_offset: f32,
    cache: Option<(CacheKey, Arc<Timeline>, Vec<String>)>,
    /// The plot as drawn last frame.
    pub geometry: Option<Geometry>,
    /// The event under the pointer last frame.
    pub hovered: Option<Link>,
}

impl TimelineView {
    fn entry(&mut self, p: &Project) -> Option<EntryId> {
        let q = self.entry_query.trim();
        if q.is_empty() {
            return None;
        }
        match &self.entry_for {
            Some((s, e)) if s == q => *e,
            _ => {
                let e = find_entry(p, q);
                self.entry_for = Some((q.to_owned(), e));
                e
            }
        }
    }

    /// The filter the controls describe.
    pub fn filter(&mut self, p: &Project) -> TimelineFilter {
        TimelineFilter {
            types: self.event_type.iter().cloned().collect(),
            entry: self.entry(p),
            document: self.document,
            annotator: self.annotator.clone(),
        }
    }

    fn mode(&self) -> RowMode {
        if self.by_entry {
            RowMode::ByEntry
        } else {
            RowMode::ByType
        }
    }

    /// The timeline as the controls filter it now (built afresh).
    pub fn data(&mut self, p: &Project, index: &Index) -> Timeline {
        let f = self.filter(p);
        Timeline::build(p, index, &f, self.mode())
    }

    /// The period shown, in whole minutes (for the network's time window).
    pub fn visible(&self) -> Option<(Minute, Minute)> {
        let g = self.geometry?;
        Some((g.from.floor() as Minute, g.to.ceil() as Minute))
    }

    /// The centre of an event's bar as drawn last frame (first row it is in), if on screen.
    pub fn event_pos(&self, ann: AnnId) -> Option<Pos2> {
        let g = self.geometry?;
        let (_, t, _) = self.cache.as_ref()?;
        let tops = t.row_tops(ROW_H);
        for (ri, row) in t.rows.iter().enumerate() {
            for (&ei, &lane) in row.events.iter().zip(&row.lanes) {
                let e = t.events.get(ei)?;
                if e.link.ann == Some(ann) {
                    let top = tops.get(ri)? + f32::from(lane) * ROW_H;
                    let r = g.bar(top, e)?.intersect(g.plot);
                    return (r.is_positive()).then(|| r.center());
                }
            }
        }
        None
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState, key: &DataKey, index: &Index) {
        let Some(p) = st.project() else { return };
        let filter = self.filter(p);
        let ck = (key.clone(), filter.clone(), self.by_entry);
        if self.cache.as_ref().is_none_or(|(k, _, _)| *k != ck) {
            let t = Timeline::build(p, index, &filter, self.mode());
            let annotators: BTreeSet<String> = index
                .events
                .iter()
                .filter(|e| !e.resp.is_empty())
                .map(|e| e.resp.clone())
                .collect();
            self.cache = Some((ck, Arc::new(t), annotators.into_iter().collect()));
        }
        let Some((_, t, annotators)) = self.cache.clone() else {
            return;
        };
        self.controls(ui, p, &annotators, t.extent);
        // Undated events are listed aside when there is room, else below.
        let avail_w = ui.available_width();
        let aside = !t.undated.is_empty() && avail_w >= ASIDE_FROM;
        let side_w = if aside {
            (avail_w * 0.22).clamp(160.0, 300.0)
        } else {
            0.0
        };
        let undated_h = if t.undated.is_empty() || aside {
            0.0
        } else {
            (ui.available_height() * 0.3).clamp(40.0, 120.0)
        };
        let h = (ui.available_height() - undated_h).max(120.0);
        let plot_w = if aside {
            avail_w - side_w - ui.spacing().item_spacing.x
        } else {
            avail_w
        };
        let (resp, painter) = ui.allocate_painter(vec2(plot_w, h), Sense::click_and_drag());
        let side_rect = Rect::from_min_size(
            pos2(
                resp.rect.right() + ui.spacing().item_spacing.x,
                resp.rect.top(),
            ),
            vec2(side_w, h),
        );
        resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, "Timeline plot"));
        let rect = resp.rect;
        let label_w = (rect.width() * 0.22).clamp(70.0, 170.0);
        let plot = Rect::from_min_max(pos2(rect.left() + label_w, rect.top() + AXIS_H), rect.max);
        let (mut from, mut to) = self.view.unwrap_or_else(|| fit(t.extent));
        // Pan and zoom.
        if resp.dragged() {
            let d = resp.drag_delta();
            let per_pt = (to - from) / f64::from(plot.width().max(1.0));
            from -= f64::from(d.x) * per_pt;
            to -= f64::from(d.x) * per_pt;
            self.row_offset -= d.y;
            self.view = Some((from, to));
        }
        if resp.hovered() {
            let (zoom, scroll) = ui.input(|i| (i.zoom_delta(), i.smooth_scroll_delta));
            let at = resp.hover_pos().map_or((from + to) / 2.0, |p| {
                Geometry {
                    plot,
                    from,
                    to,
                    row_offset: 0.0,
                }
                .minute_at(p.x)
            });
            if zoom != 1.0 {
                (from, to) = zoom_around(from, to, at, 1.0 / f64::from(zoom));
                self.view = Some((from, to));
            }
            if scroll.x != 0.0 {
                let per_pt = (to - from) / f64::from(plot.width().max(1.0));
                from -= f64::from(scroll.x) * per_pt;
                to -= f64::from(scroll.x) * per_pt;
                self.view = Some((from, to));
            }
            self.row_offset -= scroll.y;
        }
        let rows_h = t.row_tops(ROW_H).last().copied().unwrap_or(0.0);
        let max_offset = (rows_h - plot.height()).max(0.0);
        self.row_offset = self.row_offset.clamp(0.0, max_offset);
        let g = Geometry {
            plot,
            from,
            to,
            row_offset: self.row_offset,
        };
        self.geometry = Some(g);
        let highlight = st.entry_page;
        let selected = st.selected;
        let hovered = resp
            .hover_pos()
            .filter(|p| plot.contains(*p))
            .and_then(|pos| event_at(&t, &g, pos));
        self.hovered = hovered.and_then(|i| t.events.get(i)).map(|e| e.link);
        draw(
            ui, &painter, p, &t, &g, rect, label_w, highlight, selected, hovered,
        );
        if let Some(ei) = hovered
            && let Some(e) = t.events.get(ei)
        {
            let resp = resp
                .clone()
                .on_hover_ui_at_pointer(|ui| event_frame(ui, p, e));
            if resp.clicked() {
                let link = e.link;
                push_go_to(st, link);
            }
        }
        if aside {
            ui.scope_builder(egui::UiBuilder::new().max_rect(side_rect), |ui| {
                undated(ui, st, &t.undated);
            });
        } else if !t.undated.is_empty() {
            undated(ui, st, &t.undated);
        }
    }

    fn controls(
        &mut self,
        ui: &mut egui::Ui,
        p: &Project,
        annotators: &[String],
        extent: Option<(Minute, Minute)>,
    ) {
        ui.horizontal_wrapped(|ui| {
            ui.label("Rows:");
            ui.selectable_value(&mut self.by_entry, false, "by type");
            ui.selectable_value(&mut self.by_entry, true, "by entry");
            crate::app::panels::labelled_combo(
                ui,
                "Events of type",
                egui::ComboBox::from_id_salt("Events of type").selected_text(
                    self.event_type
                        .as_ref()
                        .map_or("all", |t| p.schema.label(t)),
                ),
                |ui| {
                    ui.selectable_value(&mut self.event_type, None, "all");
                    for t in &p.schema.event_types {
                        ui.selectable_value(&mut self.event_type, Some(t.id.clone()), &t.label);
                    }
                },
            );
            let l = ui.label("Entry");
            ui.add(
                egui::TextEdit::singleline(&mut self.entry_query)
                    .hint_text("any")
                    .desired_width(110.0),
            )
            .labelled_by(l.id);
            crate::app::panels::labelled_combo(
                ui,
                "Document",
                egui::ComboBox::from_id_salt("Document")
                    .selected_text(
                        self.document
                            .and_then(|d| p.documents.get(&d))
                            .map_or("all", |d| d.meta.title.as_str()),
                    )
                    .width(140.0),
                |ui| {
                    ui.selectable_value(&mut self.document, None, "all");
                    for d in p.documents.values() {
                        ui.selectable_value(&mut self.document, Some(d.id()), &d.meta.title);
                    }
                },
            );
            crate::app::panels::labelled_combo(
                ui,
                "Annotator",
                egui::ComboBox::from_id_salt("Annotator")
                    .selected_text(self.annotator.as_deref().unwrap_or("all")),
                |ui| {
                    ui.selectable_value(&mut self.annotator, None, "all");
                    for a in annotators {
                        ui.selectable_value(&mut self.annotator, Some(a.clone()), a);
                    }
                },
            );
            let (from, to) = self.view.unwrap_or_else(|| fit(extent));
            if ui.button("−").on_hover_text("Zoom out").clicked() {
                self.view = Some(zoom_around(from, to, (from + to) / 2.0, 2.0));
            }
            if ui.button("+").on_hover_text("Zoom in").clicked() {
                self.view = Some(zoom_around(from, to, (from + to) / 2.0, 0.5));
            }
            if ui.button("Fit").on_hover_text("Show every event").clicked() {
                self.view = None;
                self.row_offset = 0.0;
            }
        });
    }
}

/// The period showing `extent` with a margin (a day around a lone point).
fn fit(extent: Option<(Minute, Minute)>) -> (f64, f64) {
    match extent {
        Some((a, b)) => {
            let pad = ((b - a) / 50).max(30) as f64;
            (a as f64 - pad, b as f64 + pad)
        }
        None => {
            let (a, b) = crate::views::iso_bounds("1950").unwrap_or((0, 525_600));
            (a as f64, b as f64)
        }
    }
}

/// `[from, to)` scaled by `factor` around `at`, kept between ten minutes and 1000 years.
pub fn zoom_around(from: f64, to: f64, at: f64, factor: f64) -> (f64, f64) {
    let span = ((to - from) * factor).clamp(MIN_SPAN, MAX_SPAN);
    let k = if to > from {
        (at - from) / (to - from)
    } else {
        0.5
    };
    let from = at - span * k;
    (from, from + span)
}

/// The event under `pos`: in the row and lane there, the shortest bar within 3 points.
fn event_at(t: &Timeline, g: &Geometry, pos: Pos2) -> Option<usize> {
    let y = pos.y - g.plot.top() + g.row_offset;
    if y < 0.0 {
        return None;
    }
    let tops = t.row_tops(ROW_H);
    let row = tops.partition_point(|&top| top <= y).checked_sub(1)?;
    let r = t.rows.get(row)?;
    let lane = ((y - tops.get(row)?) / ROW_H).floor() as u16;
    let top = tops.get(row)? + f32::from(lane) * ROW_H;
    r.events
        .iter()
        .zip(&r.lanes)
        .filter(|(_, l)| **l == lane)
        .filter_map(|(&ei, _)| {
            let e = t.events.get(ei)?;
            let b = g.bar(top, e)?.expand(3.0);
            b.contains(pos).then_some((b.width(), ei))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, ei)| ei)
}

#[allow(clippy::too_many_arguments)]
fn draw(
    ui: &egui::Ui,
    painter: &egui::Painter,
    p: &Project,
    t: &Timeline,
    g: &Geometry,
    rect: Rect,
    label_w: f32,
    highlight: Option<EntryId>,
    selected: Option<AnnId>,
    hovered: Option<usize>,
) {
    let v = ui.visuals();
    let text = v.text_color();
    let faint = v.faint_bg_color;
    let grid = v.widgets.noninteractive.bg_stroke.color;
    let font = FontId::proportional(12.0);
    let plot = g.plot;
    painter.rect_filled(rect, 0.0, v.extreme_bg_color);
    // Axis ticks.
    let max_ticks = (plot.width() / 90.0).max(2.0) as usize;
    for (m, label) in svg::ticks(g.from.ceil() as Minute, g.to.floor() as Minute, max_ticks) {
        let x = g.x_of(m as f64);
        painter.line_segment(
            [pos2(x, plot.top() - 4.0), pos2(x, plot.bottom())],
            Stroke::new(1.0, grid),
        );
        // Centred on its tick, but never past either edge of the chart (the last label
        // was cut in half).
        let galley = painter.layout_no_wrap(label, font.clone(), text);
        let w = galley.size().x;
        let left = (x - w / 2.0).clamp(rect.left(), (rect.right() - w).max(rect.left()));
        painter.galley(pos2(left, rect.top() + 2.0), galley, text);
    }
    if t.rows.is_empty() {
        painter.text(
            plot.left_top() + vec2(8.0, 8.0),
            Align2::LEFT_TOP,
            "No dated events.",
            font.clone(),
            v.weak_text_color(),
        );
    }
    let tops = t.row_tops(ROW_H);
    let first = tops
        .partition_point(|&top| top <= g.row_offset)
        .saturating_sub(1);
    let last = tops.partition_point(|&top| top < g.row_offset + plot.height());
    let rows_shown = last.saturating_sub(first).max(1);
    let label_clip = painter.with_clip_rect(Rect::from_min_max(
        pos2(rect.left(), plot.top()),
        pos2(rect.left() + label_w - 4.0, plot.bottom()),
    ));
    let bars = painter.with_clip_rect(plot);
    // Type colours, looked up once a frame (a row may hold thousands of events).
    let mut colors: Vec<(&Slug, Color32)> = Vec::new();
    for (ri, row) in t.rows.iter().enumerate().skip(first).take(rows_shown) {
        let row_top = tops.get(ri).copied().unwrap_or(0.0);
        let y = plot.top() + row_top - g.row_offset;
        let row_h = f32::from(row.lane_count) * ROW_H;
        let band = Rect::from_min_max(pos2(rect.left(), y), pos2(rect.right(), y + row_h));
        if ri % 2 == 0 {
            painter
                .with_clip_rect(Rect::from_min_max(pos2(rect.left(), plot.top()), rect.max))
                .rect_filled(band, 0.0, faint);
        }
        label_clip.text(
            pos2(rect.left() + 4.0, y + ROW_H / 2.0),
            Align2::LEFT_CENTER,
            &row.label,
            font.clone(),
            text,
        );
        // Bars that touch in the same colour and lane are drawn as one: at most about one
        // shape per point of width and lane, however many events a row holds.
        let mut runs: Vec<Option<(Rect, Color32, bool)>> = vec![None; usize::from(row.lane_count)];
        let flush = |run: &mut Option<(Rect, Color32, bool)>| {
            if let Some((r, c, open)) = run.take() {
                if open {
                    bars.rect_filled(r, 2.0, c.gamma_multiply(0.3));
                    bars.rect_stroke(r, 2.0, Stroke::new(1.0, c), StrokeKind::Inside);
                } else {
                    bars.rect_filled(r, 2.0, c);
                }
            }
        };
        let mut marked: Vec<(Rect, bool)> = Vec::new();
        for (&ei, &lane) in row.events.iter().zip(&row.lanes) {
            let Some(e) = t.events.get(ei) else { continue };
            let Some(b) = g.bar(row_top + f32::from(lane) * ROW_H, e) else {
                continue;
            };
            let Some(run) = runs.get_mut(usize::from(lane)) else {
                continue;
            };
            if b.right() < plot.left() || b.left() > plot.right() {
                continue;
            }
            let c = match colors.iter().find(|(t, _)| *t == &e.type_id) {
                Some((_, c)) => *c,
                None => {
                    let c = color32(svg::type_color(p, &e.type_id));
                    colors.push((&e.type_id, c));
                    c
                }
            };
            let open = e
                .range
                .as_ref()
                .is_some_and(|r| r.start.is_none() || r.end.is_none());
            let is_sel = selected.is_some() && e.link.ann == selected;
            if is_sel || Some(ei) == hovered || highlight.is_some_and(|h| e.has(h, None)) {
                marked.push((b, is_sel || Some(ei) == hovered));
            }
            match run {
                Some((r, rc, ro)) if *rc == c && *ro == open && b.left() <= r.right() + 1.0 => {
                    *r = r.union(b);
                }
                _ => {
                    flush(run);
                    *run = Some((b, c, open));
                }
            }
        }
        for run in &mut runs {
            flush(run);
        }
        for (b, strong) in marked {
            let stroke = if strong {
                Stroke::new(2.5, v.strong_text_color())
            } else {
                Stroke::new(2.0, v.selection.stroke.color)
            };
            bars.rect_stroke(b.expand(1.5), 3.0, stroke, StrokeKind::Outside);
        }
    }
}

/// The event's frame, as the hover card shows it: label, time, document, every role.
pub fn event_frame(ui: &mut egui::Ui, p: &Project, e: &EventInfo) {
    ui.strong(&e.label);
    if let Some(r) = &e.range {
        let by = e.dated_by_label();
        let via = if by.is_empty() {
            String::new()
        } else {
            format!(" (from {by})")
        };
        ui.label(format!("{}{via}", r.label));
    } else {
        ui.label("undated");
    }
    ui.label(format!("in {}", e.doc_title));
    let ty = p.schema.event(&e.type_id);
    for (role, fillers) in &e.roles {
        let label = ty
            .and_then(|t| t.roles.iter().find(|r| &r.id == role))
            .map_or(role.as_str(), |r| r.label.as_str());
        let names: Vec<&str> = fillers.iter().map(|f| f.label.as_str()).collect();
        ui.label(format!("{label}: {}", names.join(", ")));
    }
    if !e.resp.is_empty() {
        ui.small(format!("annotator: {}", e.resp));
    }
}

fn undated(ui: &mut egui::Ui, st: &mut AppState, events: &[EventInfo]) {
    ui.label(format!("Undated ({}):", events.len()));
    let mut go: Option<Link> = None;
    // Never taller than what is left: the strip must not grow frame by frame.
    egui::ScrollArea::vertical()
        .id_salt("timeline-undated")
        .auto_shrink([false, true])
        .max_height(ui.available_height().max(0.0))
        .show_rows(ui, 18.0, events.len(), |ui, range| {
            for e in &events[range] {
                if ui.link(format!("{} · {}", e.label, e.doc_title)).clicked() {
                    go = Some(e.link);
                }
            }
        });
    if let Some(l) = go {
        push_go_to(st, l);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_keeps_the_point_under_the_pointer() {
        let (a, b) = zoom_around(0.0, 1000.0, 250.0, 0.5);
        assert!((a - 125.0).abs() < 1e-9 && (b - 625.0).abs() < 1e-9);
        let (a, b) = zoom_around(0.0, 100.0, 50.0, 0.0001);
        assert!((b - a - MIN_SPAN).abs() < 1e-9, "never below ten minutes");
    }

    #[test]
    fn geometry_maps_minutes_to_points_and_back() {
        let g = Geometry {
            plot: Rect::from_min_max(pos2(100.0, 50.0), pos2(600.0, 300.0)),
            from: 1000.0,
            to: 2000.0,
            row_offset: 0.0,
        };
        assert_eq!(g.x_of(1500.0), 350.0);
        assert!((g.minute_at(350.0) - 1500.0).abs() < 1e-6);
    }
}
