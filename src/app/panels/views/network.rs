//! The network view: people and organizations as nodes, edges from communications, copies,
//! shared meetings and relations, coloured by kind and as wide as their weight; optionally
//! only the period the timeline shows. The layout ([`crate::views::network::layout`]) is
//! computed once per network on a background thread, never per frame. Drag pans, Ctrl+wheel
//! or pinch zooms; a click on a node opens its entry page, a click on an edge lists the
//! events behind it, each a link to the text.

use super::network_mesh::{MeshCache, radius};
use super::{DataKey, color32, push_go_to};
use crate::app::{AppState, Message};
use crate::model::Project;
use crate::views::network::{EdgeKind, Network, NetworkFilter, layout};
use crate::views::{Actor, Index, Link, Minute, iso_day, svg};
use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Shape, Stroke, vec2};
use std::sync::Arc;
use std::sync::mpsc;

/// The built network and, once computed, its layout.
type Built = (Arc<Network>, Option<Arc<Vec<[f32; 2]>>>);
type CacheKey = (DataKey, Option<(Minute, Minute)>, bool);

/// How the unit square of the layout maps onto the plot last frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geometry {
    pub plot: Rect,
    pub zoom: f32,
    pub pan: egui::Vec2,
}

/// Above this many nodes, nodes are squares in cached meshes, not a circle shape each.
const MANY: usize = 3000;

impl Geometry {
    /// Points the layout's unit square spans.
    pub fn side(&self) -> f32 {
        self.plot.width().min(self.plot.height()) * 0.9 * self.zoom
    }

    /// Where the layout's centre is drawn.
    pub fn centre(&self) -> Pos2 {
        self.plot.center() + self.pan
    }

    pub fn to_screen(&self, p: [f32; 2]) -> Pos2 {
        let side = self.side();
        self.centre() + vec2((p[0] - 0.5) * side, (p[1] - 0.5) * side)
    }
}

/// The network's state: filters, zoom and pan, the built network and the chosen edge.
pub struct NetworkView {
    /// Only events in the period the timeline shows.
    pub timeline_window: bool,
    /// Unlinked names as nodes too.
    pub unlinked: bool,
    pub zoom: f32,
    pub pan: egui::Vec2,
    cache: Option<(CacheKey, Built)>,
    pending: Option<(CacheKey, mpsc::Receiver<Vec<[f32; 2]>>)>,
    /// The edge whose events are listed.
    pub edge: Option<usize>,
    pub geometry: Option<Geometry>,
    /// The edge (and node square) meshes of the drawn network, moved rather than rebuilt.
    meshes: Option<MeshCache>,
}

impl Default for NetworkView {
    fn default() -> Self {
        Self {
            timeline_window: false,
            unlinked: true,
            zoom: 1.0,
            pan: egui::Vec2::ZERO,
            cache: None,
            pending: None,
            edge: None,
            geometry: None,
            meshes: None,
        }
    }
}

impl NetworkView {
    fn filter(&self, window: Option<(Minute, Minute)>) -> NetworkFilter {
        NetworkFilter {
            window: window.filter(|_| self.timeline_window),
            unlinked: self.unlinked,
            ..NetworkFilter::default()
        }
    }

    /// The network as filtered now with its layout, computed afresh (for pictures).
    pub fn data(&self, p: &Project, index: &Index) -> (Network, Vec<[f32; 2]>) {
        let window = self.cache.as_ref().and_then(|((_, w, _), _)| *w);
        let net = Network::build(p, index, &self.filter(window));
        let pos = match &self.cache {
            Some((_, (n, Some(pos)))) if **n == net => pos.as_ref().clone(),
            _ => layout(&net),
        };
        (net, pos)
    }

    /// Whether the layout of the current network is ready.
    pub fn ready(&self) -> bool {
        matches!(&self.cache, Some((_, (_, Some(_)))))
    }

    /// The network drawn last frame.
    pub fn network(&self) -> Option<&Network> {
        self.cache.as_ref().map(|(_, (n, _))| n.as_ref())
    }

    /// Where a node was drawn last frame.
    pub fn node_pos(&self, actor: &Actor) -> Option<Pos2> {
        let g = self.geometry?;
        let (_, (net, pos)) = self.cache.as_ref()?;
        let i = net.node_of(actor)?;
        Some(g.to_screen(*pos.as_ref()?.get(i)?))
    }

    /// The middle of an edge as drawn last frame.
    pub fn edge_pos(&self, edge: usize) -> Option<Pos2> {
        let g = self.geometry?;
        let (_, (net, pos)) = self.cache.as_ref()?;
        let e = net.edges.get(edge)?;
        let pos = pos.as_ref()?;
        let (a, b) = (
            g.to_screen(*pos.get(e.source)?),
            g.to_screen(*pos.get(e.target)?),
        );
        Some(a + (b - a) * 0.5)
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        st: &mut AppState,
        key: &DataKey,
        index: &Index,
        window: Option<(Minute, Minute)>,
    ) {
        let Some(p) = st.project() else { return };
        self.controls(ui, window);
        let ck: CacheKey = (
            key.clone(),
            window.filter(|_| self.timeline_window),
            self.unlinked,
        );
        if self.cache.as_ref().is_none_or(|(k, _)| *k != ck)
            && self.pending.as_ref().is_none_or(|(k, _)| *k != ck)
        {
            let net = Arc::new(Network::build(p, index, &self.filter(window)));
            let (tx, rx) = mpsc::channel();
            let n = net.clone();
            let ctx = ui.ctx().clone();
            std::thread::spawn(move || {
                let _ = tx.send(layout(&n));
                ctx.request_repaint();
            });
            self.edge = None;
            self.cache = Some((ck.clone(), (net, None)));
            self.pending = Some((ck, rx));
        }
        if let Some((k, rx)) = &self.pending
            && let Ok(pos) = rx.try_recv()
        {
            if let Some((ck, (_, slot))) = &mut self.cache
                && ck == k
            {
                *slot = Some(Arc::new(pos));
            }
            self.pending = None;
        }
        let Some((_, (net, pos))) = self.cache.clone() else {
            return;
        };
        ui.small(format!(
            "{}, {}",
            crate::words::count(net.nodes.len(), "node", "nodes"),
            crate::words::count(net.edges.len(), "edge", "edges")
        ));
        let list_h = if self.edge.is_some() { 110.0 } else { 0.0 };
        let h = (ui.available_height() - list_h).max(140.0);
        let (resp, painter) =
            ui.allocate_painter(vec2(ui.available_width(), h), Sense::click_and_drag());
        resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, "Network plot"));
        let Some(pos) = pos else {
            painter.text(
                resp.rect.center(),
                Align2::CENTER_CENTER,
                format!("Laying out {} nodes…", net.nodes.len()),
                FontId::proportional(14.0),
                ui.visuals().weak_text_color(),
            );
            ui.ctx().request_repaint();
            return;
        };
        if resp.dragged() {
            self.pan += resp.drag_delta();
        }
        if resp.hovered() {
            let zoom = ui.input(|i| i.zoom_delta());
            if zoom != 1.0 {
                let at = resp.hover_pos().unwrap_or(resp.rect.center());
                let new = (self.zoom * zoom).clamp(0.2, 60.0);
                let k = new / self.zoom;
                // Keep the point under the pointer where it is.
                let c = resp.rect.center() + self.pan;
                self.pan += (at - c) * (1.0 - k);
                self.zoom = new;
            }
        }
        let g = Geometry {
            plot: resp.rect,
            zoom: self.zoom,
            pan: self.pan,
        };
        self.geometry = Some(g);
        let screen: Vec<Pos2> = pos.iter().map(|q| g.to_screen(*q)).collect();
        // No picking while dragging: nothing is hovered then, and it scans every node.
        let hover = resp
            .hover_pos()
            .filter(|_| !resp.dragged())
            .and_then(|h| pick(&net, &screen, h));
        let highlight = st.entry_page;
        let meshes = MeshCache::ensure(
            &mut self.meshes,
            p,
            &net,
            &pos,
            g.side(),
            ui.visuals().dark_mode,
            net.nodes.len() > MANY,
        );
        draw(
            ui, &painter, p, &net, &screen, &g, hover, self.edge, highlight, meshes,
        );
        if let Some(m) = self.picked(p, &net, &resp, hover) {
            st.push(m);
        }
        if let Some(i) = self.edge
            && net.edges.get(i).is_some()
        {
            self.edge_events(ui, st, index, &net, i);
        }
    }

    /// The node or edge under the pointer: its card; a click opens a node's entry page or
    /// lists an edge's events (a click on nothing closes the list).
    fn picked(
        &mut self,
        p: &Project,
        net: &Network,
        resp: &egui::Response,
        hover: Option<Picked>,
    ) -> Option<Message> {
        match hover {
            Some(Picked::Node(i)) => {
                if let Some(n) = net.nodes.get(i) {
                    let resp = resp.clone().on_hover_ui_at_pointer(|ui| {
                        ui.strong(&n.label);
                        ui.label(format!(
                            "{} · {}{}",
                            p.schema.label(&n.type_id),
                            crate::words::count(n.degree, "link", "links"),
                            if matches!(n.actor, Actor::Unlinked { .. }) {
                                " · not in the registry"
                            } else {
                                ""
                            }
                        ));
                    });
                    if resp.clicked()
                        && let Actor::Entry(id) = n.actor
                    {
                        return Some(Message::OpenEntry(Some(id)));
                    }
                }
            }
            Some(Picked::Edge(i)) => {
                if let Some(e) = net.edges.get(i) {
                    let resp = resp.clone().on_hover_ui_at_pointer(|ui| {
                        ui.strong(edge_title(p, net, i));
                        ui.label(format!(
                            "{}{}",
                            crate::words::count(e.weight, "event", "events"),
                            e.range
                                .as_ref()
                                .map_or(String::new(), |r| format!(" · {}", r.label))
                        ));
                    });
                    if resp.clicked() {
                        self.edge = Some(i);
                    }
                }
            }
            None => {
                if resp.clicked() {
                    self.edge = None;
                }
            }
        }
        None
    }

    fn controls(&mut self, ui: &mut egui::Ui, window: Option<(Minute, Minute)>) {
        ui.horizontal_wrapped(|ui| {
            let label = match window {
                Some((a, b)) => format!(
                    "Only the timeline's period ({} – {})",
                    iso_day(a),
                    iso_day(b - 1)
                ),
                None => "Only the timeline's period".to_owned(),
            };
            ui.checkbox(&mut self.timeline_window, label)
                .on_hover_text("Open the timeline to choose the period");
            ui.checkbox(&mut self.unlinked, "Unlinked names");
            if ui.button("−").on_hover_text("Zoom out").clicked() {
                self.zoom = (self.zoom / 1.5).max(0.2);
            }
            if ui.button("+").on_hover_text("Zoom in").clicked() {
                self.zoom = (self.zoom * 1.5).min(60.0);
            }
            if ui
                .button("Fit")
                .on_hover_text("Show the whole network")
                .clicked()
            {
                self.zoom = 1.0;
                self.pan = egui::Vec2::ZERO;
            }
        });
    }

    /// The events or relations behind edge `i`, each a link to the text.
    fn edge_events(
        &mut self,
        ui: &mut egui::Ui,
        st: &mut AppState,
        index: &Index,
        net: &Network,
        i: usize,
    ) {
        let Some(p) = st.project() else { return };
        let Some(e) = net.edges.get(i) else { return };
        ui.horizontal(|ui| {
            ui.strong(edge_title(p, net, i));
            if ui.small_button("Close list").clicked() {
                self.edge = None;
            }
        });
        let mut go: Option<Link> = None;
        egui::ScrollArea::vertical()
            .id_salt("network-edge-events")
            .auto_shrink([false, true])
            .max_height(ui.available_height().max(0.0))
            .show(ui, |ui| {
                for link in &e.links {
                    let text = edge_link_text(p, index, &e.kind, link);
                    if ui.link(text).clicked() {
                        go = Some(*link);
                    }
                }
            });
        if let Some(l) = go {
            push_go_to(st, l);
        }
    }
}

/// How the list under the network names one event or relation behind an edge.
pub fn edge_link_text(p: &Project, index: &Index, kind: &EdgeKind, link: &Link) -> String {
    match index.events.iter().find(|x| x.link == *link) {
        Some(ev) => format!(
            "{} · {} · {}",
            ev.range.as_ref().map_or("undated", |r| r.label.as_str()),
            ev.label,
            ev.doc_title
        ),
        None => {
            let title = p
                .documents
                .get(&link.doc)
                .map_or("", |d| d.meta.title.as_str());
            format!("{} · {title}", kind.label(p))
        }
    }
}

fn edge_title(p: &Project, net: &Network, i: usize) -> String {
    let Some(e) = net.edges.get(i) else {
        return String::new();
    };
    let name = |n: usize| net.nodes.get(n).map_or("?", |n| n.label.as_str());
    format!(
        "{}: {} {} {}",
        e.kind.label(p),
        name(e.source),
        if e.directed { "→" } else { "—" },
        name(e.target)
    )
}

/// What the pointer is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Picked {
    Node(usize),
    Edge(usize),
}

/// The node under `at` (nearest within its radius + 3 points), else the nearest edge within
/// 4 points.
fn pick(net: &Network, screen: &[Pos2], at: Pos2) -> Option<Picked> {
    let node = net
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| {
            let d = screen.get(i)?.distance(at);
            (d <= radius(n.degree) + 3.0).then_some((d, i))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, i)) = node {
        return Some(Picked::Node(i));
    }
    net.edges
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let (a, b) = (*screen.get(e.source)?, *screen.get(e.target)?);
            let d = segment_distance(a, b, at);
            (d <= 4.0).then_some((d, i))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, i)| Picked::Edge(i))
}

fn segment_distance(a: Pos2, b: Pos2, p: Pos2) -> f32 {
    let ab = b - a;
    let len2 = ab.length_sq();
    if len2 <= f32::EPSILON {
        return a.distance(p);
    }
    let t = ((p - a).dot(ab) / len2).clamp(0.0, 1.0);
    (a + ab * t).distance(p)
}

#[allow(clippy::too_many_arguments)]
fn draw(
    ui: &egui::Ui,
    painter: &egui::Painter,
    p: &Project,
    net: &Network,
    screen: &[Pos2],
    g: &Geometry,
    hover: Option<Picked>,
    chosen: Option<usize>,
    highlight: Option<crate::model::EntryId>,
    meshes: &mut MeshCache,
) {
    let v = ui.visuals();
    let plot = g.plot;
    let painter = painter.with_clip_rect(plot);
    painter.rect_filled(plot, 0.0, v.extreme_bg_color);
    let visible = plot.expand(20.0);
    // Edges from the cached tiles: panning moves them, it does not rebuild them.
    let (edge_tiles, node_tiles) = meshes.shapes(g.centre(), g.side(), visible);
    painter.extend(edge_tiles);
    // The chosen and hovered edges drawn again on top, wide and in full colour; arrow
    // heads only where there are few edges.
    let mut arrows = Vec::new();
    for (i, e) in net.edges.iter().enumerate() {
        let strong = chosen == Some(i) || hover == Some(Picked::Edge(i));
        if !strong && net.edges.len() >= 5000 {
            continue;
        }
        let (Some(&a), Some(&b)) = (screen.get(e.source), screen.get(e.target)) else {
            continue;
        };
        if !visible.intersects(Rect::from_two_pos(a, b)) {
            continue;
        }
        let c = color32(svg::edge_color(p, &e.kind));
        let c = if strong { c } else { c.gamma_multiply(0.7) };
        if strong {
            painter.line_segment([a, b], Stroke::new(3.5, c));
        }
        let d = b - a;
        let len = d.length();
        if e.directed && len > 20.0 && net.edges.len() < 5000 {
            let r = net.nodes.get(e.target).map_or(4.0, |n| radius(n.degree));
            let tip = b - d / len * (r + 1.0);
            arrows.push((tip, d / len, c));
        }
    }
    for (tip, dir, c) in arrows {
        let side = vec2(-dir.y, dir.x) * 3.5;
        let back = tip - dir * 8.0;
        painter.add(Shape::convex_polygon(
            vec![tip, back + side, back - side],
            c,
            Stroke::NONE,
        ));
    }
    painter.extend(node_tiles);
    let font = FontId::proportional(11.0);
    let many = net.nodes.len() > MANY;
    let outline = Stroke::new(0.8, v.widgets.noninteractive.fg_stroke.color);
    let mut texts: Vec<(Pos2, &str)> = Vec::new();
    let mut rings: Vec<(Pos2, f32)> = Vec::new();
    let mut types: Vec<(&crate::model::Slug, Color32)> = Vec::new();
    for (i, n) in net.nodes.iter().enumerate() {
        let Some(&c) = screen.get(i) else { continue };
        if !visible.contains(c) {
            continue;
        }
        let r = radius(n.degree);
        if !many {
            // Thousands of nodes are squares in the cached tiles instead.
            let fill = match types.iter().find(|(t, _)| *t == &n.type_id) {
                Some((_, c)) => *c,
                None => {
                    let c = color32(svg::type_color(p, &n.type_id));
                    types.push((&n.type_id, c));
                    c
                }
            };
            painter.circle(c, r, fill, outline);
        }
        let marked = hover == Some(Picked::Node(i))
            || matches!(n.actor, Actor::Entry(id) if Some(id) == highlight);
        if marked {
            rings.push((c, r + 3.0));
        }
        // Labels where they can be read: the busier nodes, or everything when zoomed in.
        if marked
            || (texts.len() < 300 && (n.degree >= 3 || g.zoom >= 2.0 || net.nodes.len() <= 60))
        {
            texts.push((c + vec2(r + 3.0, 0.0), n.label.as_str()));
        }
    }
    for (c, r) in rings {
        painter.circle_stroke(c, r, Stroke::new(2.5, v.selection.stroke.color));
    }
    for (at, label) in texts {
        painter.text(at, Align2::LEFT_CENTER, label, font.clone(), v.text_color());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::pos2;

    #[test]
    fn distance_to_a_segment() {
        let (a, b) = (pos2(0.0, 0.0), pos2(10.0, 0.0));
        assert_eq!(segment_distance(a, b, pos2(5.0, 3.0)), 3.0);
        assert_eq!(segment_distance(a, b, pos2(-4.0, 3.0)), 5.0);
        assert_eq!(segment_distance(a, a, pos2(3.0, 4.0)), 5.0);
    }

    #[test]
    fn the_unit_square_fills_the_plot_centre() {
        let g = Geometry {
            plot: Rect::from_min_size(pos2(0.0, 0.0), vec2(200.0, 100.0)),
            zoom: 1.0,
            pan: egui::Vec2::ZERO,
        };
        assert_eq!(g.to_screen([0.5, 0.5]), pos2(100.0, 50.0));
        assert_eq!(g.to_screen([0.0, 0.0]), pos2(55.0, 5.0));
    }
}
