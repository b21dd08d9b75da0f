//! The page pane: the open document's page images beside the transcription, with zoom,
//! pan, rotation, brightness/contrast and page navigation, and its regions drawn, selected,
//! drawn anew and adjusted.
//!
//! Pixels come from the [`BackgroundDecoder`] (never decoded on the UI thread; a placeholder
//! of the page's shape shows meanwhile), tiles from [`Pyramid::visible_tiles`] and a
//! [`TileCache`]; only visible tiles are uploaded, at most
//! [`NEW_TILES_PER_FRAME`](crate::facsimile::NEW_TILES_PER_FRAME) a frame, the others drawn
//! from a coarser texture until then ([`textures`]). Project changes go through commands and
//! messages like every panel: drawing a region leaves a [`Draft`] that a "Tag as" command
//! turns into a region mention; moving a handle commits a [`Message::Apply`].

pub mod textures;
pub mod view;

use super::super::message::Message;
use super::super::{AppState, Command};
use crate::facsimile::tiles::level_size;
use crate::facsimile::{
    BackgroundDecoder, DecodeEvent, DecodeLimits, Pyramid, TILE_SIZE, TileCache, TileKey, ViewRect,
};
use crate::model::ops::region as region_ops;
use crate::model::region::Shape;
use crate::model::schema::parse_color;
use crate::model::{AnnId, DocId, Document, RelPath};
use egui::{Color32, Pos2, Rect, Sense, Stroke, Vec2, pos2, vec2};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use textures::{Adjust, Textures};
use view::Camera;

/// A region drawn but not yet tagged: the next "Tag as" command makes it a region mention.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub doc: DocId,
    pub page: usize,
    pub shape: Shape,
}

/// What the page pane shares with the rest of the window (in [`AppState::pages`]).
#[derive(Clone, Debug, Default)]
pub struct PagesState {
    pub draft: Option<Draft>,
    /// The region last selected in the pane; "Link to the selected region" links to it.
    pub region: Option<AnnId>,
    /// The text mention the selected region is linked to, outlined in the reader.
    pub linked_text: Option<AnnId>,
}

/// Requests from the page pane, handled in `handle/facsimile.rs`.
#[derive(Clone, Debug, PartialEq)]
pub enum PagesMsg {
    /// Select a region (`None`: none), show its text.
    SelectRegion(Option<AnnId>),
    /// Add these image files as pages of the open document (copied into the project when
    /// they are outside it).
    AddPages(Vec<PathBuf>),
}

/// The drawing tool.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tool {
    /// Select regions, drag handles, pan.
    #[default]
    Select,
    Rect,
    Polygon,
}

/// One page of the open document, as far as it is decoded.
enum PageState {
    Loading(Option<(u32, u32)>),
    Ready(Arc<Pyramid>),
    Failed(String),
}

/// What a pointer drag on the page is doing.
#[derive(Clone, Debug)]
enum Drag {
    Pan,
    NewRect((f64, f64)),
    /// Moving a region (`None`) or one of its handles (`Some(i)`): the shape at the start.
    Adjust {
        ann: AnnId,
        handle: Option<usize>,
        start: (f64, f64),
        original: Shape,
    },
}

/// Counts from the last frame, for tests and the benchmark.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameStats {
    pub visible: usize,
    pub drawn_exact: usize,
    pub uploads: usize,
    pub cut: usize,
}

/// The page pane.
pub struct Facsimile {
    decoder: Option<BackgroundDecoder>,
    decoder_error: Option<String>,
    /// The document and page images the loaded pages belong to.
    loaded_for: Option<(DocId, Vec<RelPath>)>,
    epoch: u64,
    pages: HashMap<usize, PageState>,
    cache: TileCache,
    textures: Textures,
    pub page: usize,
    camera: Option<Camera>,
    /// Fit the page at the next frame that knows its size.
    fit: Option<bool>,
    pub adjust: Adjust,
    pub tool: Tool,
    drag: Option<Drag>,
    preview: Option<(AnnId, Shape)>,
    polygon: Vec<(u32, u32)>,
    last_selected: Option<AnnId>,
    /// The reader's first visible offset and page last frame.
    reader_page: Option<usize>,
    /// Frames during which the reader's scroll follows the pane and is not followed back.
    hold: u8,
    canvas: Rect,
    pub stats: FrameStats,
}

impl Default for Facsimile {
    fn default() -> Self {
        Self {
            decoder: None,
            decoder_error: None,
            loaded_for: None,
            epoch: 0,
            pages: HashMap::new(),
            cache: TileCache::new(TileCache::DEFAULT_BUDGET),
            textures: Textures::default(),
            page: 0,
            camera: None,
            fit: Some(false),
            adjust: Adjust::default(),
            tool: Tool::Select,
            drag: None,
            preview: None,
            polygon: Vec::new(),
            last_selected: None,
            reader_page: None,
            hold: 0,
            canvas: Rect::NOTHING,
            stats: FrameStats::default(),
        }
    }
}

fn type_color(project: &crate::model::Project, ty: &crate::model::Slug) -> Color32 {
    project
        .schema
        .color(ty)
        .and_then(parse_color)
        .map_or(Color32::GRAY, |[r, g, b]| Color32::from_rgb(r, g, b))
}

/// Whether image point `p` lies in `shape`.
pub fn contains(shape: &Shape, p: (f64, f64)) -> bool {
    match shape {
        Shape::Rect {
            x,
            y,
            width,
            height,
        } => {
            let (x, y) = (f64::from(*x), f64::from(*y));
            p.0 >= x && p.1 >= y && p.0 < x + f64::from(*width) && p.1 < y + f64::from(*height)
        }
        Shape::Polygon(pts) => {
            let mut inside = false;
            let n = pts.len();
            for i in 0..n {
                let (xi, yi) = (f64::from(pts[i].0), f64::from(pts[i].1));
                let (xj, yj) = (
                    f64::from(pts[(i + n - 1) % n].0),
                    f64::from(pts[(i + n - 1) % n].1),
                );
                if (yi > p.1) != (yj > p.1) && p.0 < (xj - xi) * (p.1 - yi) / (yj - yi) + xi {
                    inside = !inside;
                }
            }
            inside
        }
    }
}

/// The handles of a shape in image pixels: a rectangle's four corners (top-left, top-right,
/// bottom-right, bottom-left), a polygon's vertices.
pub fn handles(shape: &Shape) -> Vec<(f64, f64)> {
    match shape {
        Shape::Rect { .. } => match shape.bounds() {
            Some((x0, y0, x1, y1)) => {
                let (x0, y0, x1, y1) = (x0 as f64, y0 as f64, x1 as f64, y1 as f64);
                vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
            }
            None => Vec::new(),
        },
        Shape::Polygon(p) => p
            .iter()
            .map(|&(x, y)| (f64::from(x), f64::from(y)))
            .collect(),
    }
}

fn clamp_px(v: f64, max: u32) -> u32 {
    if v.is_finite() {
        v.round().clamp(0.0, f64::from(max)) as u32
    } else {
        0
    }
}

/// A rectangle from two image points, clamped to a `w × h` page.
pub fn rect_between(a: (f64, f64), b: (f64, f64), (w, h): (u32, u32)) -> Shape {
    let (x0, x1) = (clamp_px(a.0.min(b.0), w), clamp_px(a.0.max(b.0), w));
    let (y0, y1) = (clamp_px(a.1.min(b.1), h), clamp_px(a.1.max(b.1), h));
    Shape::Rect {
        x: x0,
        y: y0,
        width: x1 - x0,
        height: y1 - y0,
    }
}

/// `original` moved by `(dx, dy)` image pixels (`handle: None`) or with one handle moved,
/// kept on the `w × h` page.
pub fn adjusted(
    original: &Shape,
    handle: Option<usize>,
    (dx, dy): (f64, f64),
    (w, h): (u32, u32),
) -> Shape {
    match (original, handle) {
        (
            Shape::Rect {
                x,
                y,
                width,
                height,
            },
            None,
        ) => {
            let nx = (f64::from(*x) + dx).clamp(0.0, f64::from(w.saturating_sub(*width)));
            let ny = (f64::from(*y) + dy).clamp(0.0, f64::from(h.saturating_sub(*height)));
            Shape::Rect {
                x: nx.round() as u32,
                y: ny.round() as u32,
                width: *width,
                height: *height,
            }
        }
        (Shape::Rect { .. }, Some(i)) => {
            let c = handles(original);
            let moved = c.get(i).map_or((0.0, 0.0), |p| (p.0 + dx, p.1 + dy));
            let opposite = c.get((i + 2) % 4).copied().unwrap_or_default();
            rect_between(moved, opposite, (w, h))
        }
        (Shape::Polygon(pts), handle) => {
            let (mut dx, mut dy) = (dx, dy);
            if handle.is_none() {
                // The whole polygon stays on the page.
                let (x0, y0, x1, y1) = original.bounds().unwrap_or_default();
                dx = dx.clamp(-(x0 as f64), f64::from(w) - x1 as f64);
                dy = dy.clamp(-(y0 as f64), f64::from(h) - y1 as f64);
            }
            Shape::Polygon(
                pts.iter()
                    .enumerate()
                    .map(|(i, &(x, y))| {
                        if handle.is_none_or(|h| h == i) {
                            (
                                clamp_px(f64::from(x) + dx, w),
                                clamp_px(f64::from(y) + dy, h),
                            )
                        } else {
                            (x, y)
                        }
                    })
                    .collect(),
            )
        }
    }
}

/// The rectangle of tile `key` in full-size image pixels of a `w × h` page.
fn tile_image_rect(key: TileKey, (w, h): (u32, u32)) -> ViewRect {
    let f = f64::from(1u32 << key.level.min(31));
    let (lw, lh) = level_size(w, h, key.level);
    let (lx, ly) = (key.col * TILE_SIZE, key.row * TILE_SIZE);
    let (tw, th) = (
        TILE_SIZE.min(lw.saturating_sub(lx)),
        TILE_SIZE.min(lh.saturating_sub(ly)),
    );
    ViewRect {
        x0: f64::from(lx) * f,
        y0: f64::from(ly) * f,
        x1: (f64::from(lx + tw) * f).min(f64::from(w)),
        y1: (f64::from(ly + th) * f).min(f64::from(h)),
    }
}

/// Draws the part `uv` of texture `tex` over image rectangle `r`, rotated with the camera.
fn draw_textured(
    painter: &egui::Painter,
    cam: &Camera,
    pane: Rect,
    tex: egui::TextureId,
    r: ViewRect,
    uv: Rect,
) {
    let mut mesh = egui::Mesh::with_texture(tex);
    let corners = [
        ((r.x0, r.y0), uv.left_top()),
        ((r.x1, r.y0), uv.right_top()),
        ((r.x1, r.y1), uv.right_bottom()),
        ((r.x0, r.y1), uv.left_bottom()),
    ];
    for ((x, y), uv) in corners {
        mesh.vertices.push(egui::epaint::Vertex {
            pos: cam.to_screen(pane, x, y),
            uv,
            color: Color32::WHITE,
        });
    }
    mesh.add_triangle(0, 1, 2);
    mesh.add_triangle(0, 2, 3);
    painter.add(egui::Shape::mesh(mesh));
}

impl Facsimile {
    /// Whether page `page` of the open document is decoded.
    pub fn is_ready(&self, page: usize) -> bool {
        matches!(self.pages.get(&page), Some(PageState::Ready(_)))
    }

    /// The error shown for page `page`, if it could not be read.
    pub fn error(&self, page: usize) -> Option<&str> {
        match self.pages.get(&page) {
            Some(PageState::Failed(e)) => Some(e),
            _ => None,
        }
    }

    /// Where image point `(x, y)` of the current page was drawn in the last frame.
    pub fn screen_of(&self, x: f64, y: f64) -> Option<Pos2> {
        self.camera.map(|c| c.to_screen(self.canvas, x, y))
    }

    /// Where the page was drawn in the last frame.
    pub fn canvas_rect(&self) -> Rect {
        self.canvas
    }

    /// The camera's zoom (screen points per image pixel), once the page size is known.
    pub fn zoom(&self) -> Option<f64> {
        self.camera.map(|c| c.zoom)
    }

    /// Follows the open document: a different document or changed page images start over.
    fn follow(&mut self, doc: Option<&Document>) {
        let key = doc.map(|d| (d.id(), d.meta.images.clone()));
        if key == self.loaded_for {
            return;
        }
        let same_doc = key.as_ref().map(|k| k.0) == self.loaded_for.as_ref().map(|k| k.0);
        self.loaded_for = key;
        self.epoch += 1;
        self.pages.clear();
        self.cache = TileCache::new(TileCache::DEFAULT_BUDGET);
        self.textures.clear();
        self.drag = None;
        self.preview = None;
        self.polygon.clear();
        if !same_doc {
            self.page = 0;
            self.camera = None;
            self.fit = Some(false);
            self.reader_page = None;
        }
        let pages = doc.map_or(0, |d| d.meta.images.len());
        self.page = self.page.min(pages.saturating_sub(1));
    }

    fn decode_key(&self, page: usize) -> u64 {
        (self.epoch << 24) | page as u64
    }

    /// Reads what the decoder finished; asks for the current page when it is not there.
    fn poll(&mut self, ctx: &egui::Context, dir: Option<&std::path::Path>) {
        if self.decoder.is_none() && self.decoder_error.is_none() {
            match BackgroundDecoder::spawn(DecodeLimits::default()) {
                Ok(d) => self.decoder = Some(d),
                Err(e) => self.decoder_error = Some(format!("cannot start the image decoder: {e}")),
            }
        }
        let Some(dec) = &self.decoder else { return };
        for ev in dec.poll() {
            let (key, state) = match ev {
                DecodeEvent::Dimensions { key, width, height } => {
                    (key, PageState::Loading(Some((width, height))))
                }
                DecodeEvent::Ready { key, pyramid } => (key, PageState::Ready(pyramid)),
                DecodeEvent::Failed { key, error } => (key, PageState::Failed(error.to_string())),
            };
            if key >> 24 != self.epoch {
                continue;
            }
            let page = (key & 0xff_ffff) as usize;
            let size = match &state {
                PageState::Ready(p) => Some(p.size()),
                PageState::Loading(s) => *s,
                PageState::Failed(_) => None,
            };
            if page == self.page
                && self.camera.is_none()
                && let Some(size) = size
            {
                self.camera = Some(Camera {
                    zoom: 1.0,
                    center: (0.0, 0.0),
                    rotation: Default::default(),
                    size,
                });
            }
            self.pages.insert(page, state);
        }
        let Some((_, images)) = &self.loaded_for else {
            return;
        };
        if let (Some(img), Some(dir)) = (images.get(self.page), dir)
            && !self.pages.contains_key(&self.page)
        {
            self.pages.insert(self.page, PageState::Loading(None));
            dec.request(self.decode_key(self.page), img.to_native(dir));
            ctx.request_repaint();
        }
        // Pages far from the one shown are dropped: CPU memory holds at most three pyramids.
        let page = self.page;
        self.pages.retain(|p, s| {
            p.abs_diff(page) <= 1 || matches!(s, PageState::Failed(_) | PageState::Loading(_))
        });
        if self
            .pages
            .values()
            .any(|s| matches!(s, PageState::Loading(_)))
        {
            ctx.request_repaint_after(std::time::Duration::from_millis(30));
        }
    }

    /// Shows page `page` (clamped); `from_user` scrolls the reader to where it begins.
    fn go_to(&mut self, st: &mut AppState, doc: &Document, page: usize, from_user: bool) {
        let n = doc.meta.images.len();
        if n == 0 {
            return;
        }
        let page = page.min(n - 1);
        if page != self.page {
            self.page = page;
            self.camera = self.camera.map(|c| Camera {
                size: match self.pages.get(&page) {
                    Some(PageState::Ready(p)) => p.size(),
                    Some(PageState::Loading(Some(s))) => *s,
                    _ => c.size,
                },
                ..c
            });
            if !matches!(
                self.pages.get(&page),
                Some(PageState::Ready(_) | PageState::Loading(Some(_)))
            ) {
                self.camera = None;
            }
            self.fit = Some(false);
            self.polygon.clear();
        }
        if from_user {
            let starts = region_ops::page_starts(doc);
            if let Some(off) = region_ops::page_offset(&starts, page) {
                st.scroll_to = Some(off);
                self.hold = 4;
                self.reader_page = Some(page);
            }
        }
    }

    /// Draws the pane. `reader_offset`: the first code point the reader showed this frame.
    pub fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState, reader_offset: Option<usize>) {
        let Some(session) = st.session.take() else {
            return;
        };
        self.show(ui, st, &session, reader_offset);
        st.session = Some(session);
    }

    fn show(
        &mut self,
        ui: &mut egui::Ui,
        st: &mut AppState,
        session: &crate::session::Session,
        reader_offset: Option<usize>,
    ) {
        let project = &session.project;
        let doc = st.doc.and_then(|d| project.documents.get(&d));
        self.follow(doc);
        self.poll(ui.ctx(), Some(session.dir()));
        let Some(doc) = doc else {
            ui.label("No document selected.");
            return;
        };
        if doc.meta.images.is_empty() {
            ui.label(
                "This document has no page images. Use Project → Add pages…, or drop images here.",
            );
            return;
        }
        // Forget ids that undo or a reload took away.
        let is_region = |a: AnnId| doc.annotations.get(&a).is_some_and(|a| a.region.is_some());
        if st.pages.region.is_some_and(|r| !is_region(r)) {
            st.pages.region = None;
            st.pages.linked_text = None;
        }
        if st.pages.draft.as_ref().is_some_and(|d| d.doc != doc.id()) {
            st.pages.draft = None;
        }
        if let Some(e) = &self.decoder_error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        self.follow_reader(st, doc, reader_offset);
        self.follow_selection(st, doc);
        self.toolbar(ui, st, doc);
        self.region_list(ui, st, project, doc);
        self.canvas(ui, st, project, doc);
    }

    /// Scrolling the transcription past a page break shows that page.
    fn follow_reader(&mut self, st: &mut AppState, doc: &Document, reader_offset: Option<usize>) {
        let Some(off) = reader_offset else { return };
        let starts = region_ops::page_starts(doc);
        let Some(page) = region_ops::page_at(&starts, off) else {
            return;
        };
        if self.hold > 0 {
            self.hold -= 1;
            self.reader_page = Some(page);
            return;
        }
        if self.reader_page != Some(page) {
            self.reader_page = Some(page);
            self.go_to(st, doc, page, false);
        }
    }

    /// Selecting a text mention shows the regions linked to it; selecting a region, its page.
    fn follow_selection(&mut self, st: &mut AppState, doc: &Document) {
        if st.selected == self.last_selected {
            return;
        }
        self.last_selected = st.selected;
        let Some(sel) = st.selected else { return };
        let target = match doc.annotations.get(&sel).and_then(|a| a.region.as_ref()) {
            Some(_) => Some(sel),
            None => crate::model::region::regions_showing(doc, sel)
                .into_iter()
                .next(),
        };
        let Some(region) = target
            .and_then(|r| doc.annotations.get(&r))
            .and_then(|a| a.region.clone())
        else {
            return;
        };
        self.go_to(st, doc, region.page, false);
        if let Some((x0, y0, x1, y1)) = region.shape.bounds() {
            let (cx, cy) = ((x0 + x1) as f64 / 2.0, (y0 + y1) as f64 / 2.0);
            if let Some(c) = &mut self.camera {
                c.center_on(cx, cy);
                self.fit = None;
            }
        }
    }

    fn toolbar(&mut self, ui: &mut egui::Ui, st: &mut AppState, doc: &Document) {
        let n = doc.meta.images.len();
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(self.page > 0, egui::Button::new("Previous"))
                .on_hover_text("Previous page (Page Up)")
                .clicked()
            {
                self.go_to(st, doc, self.page.saturating_sub(1), true);
            }
            ui.label(format!("Page {} of {n}", self.page + 1));
            if ui
                .add_enabled(self.page + 1 < n, egui::Button::new("Next"))
                .on_hover_text("Next page (Page Down)")
                .clicked()
            {
                self.go_to(st, doc, self.page + 1, true);
            }
            ui.separator();
            let pane = self.canvas;
            if let Some(cam) = &mut self.camera {
                if ui.button("-").on_hover_text("Zoom out (-)").clicked() {
                    cam.zoom_at(pane, pane.center(), 1.0 / 1.25);
                }
                ui.label(format!("{:.0} %", cam.zoom * 100.0));
                if ui.button("+").on_hover_text("Zoom in (+)").clicked() {
                    cam.zoom_at(pane, pane.center(), 1.25);
                }
                if ui.button("Fit page").on_hover_text("0").clicked() {
                    self.fit = Some(false);
                }
                if ui.button("Fit width").on_hover_text("2").clicked() {
                    self.fit = Some(true);
                }
                if ui.button("100 %").on_hover_text("1").clicked() {
                    cam.zoom_at(pane, pane.center(), 1.0 / cam.zoom);
                }
                if ui
                    .button("Rotate 90°")
                    .on_hover_text("Turn 90° clockwise")
                    .clicked()
                {
                    cam.rotate();
                    self.fit = Some(false);
                }
            }
            ui.separator();
            for (tool, label, tip) in [
                (
                    Tool::Select,
                    "Select",
                    "Select and adjust regions, drag to pan",
                ),
                (Tool::Rect, "Rectangle", "Drag to draw a rectangle"),
                (
                    Tool::Polygon,
                    "Polygon",
                    "Click the corners; double-click or Enter closes",
                ),
            ] {
                if ui
                    .selectable_label(self.tool == tool, label)
                    .on_hover_text(tip)
                    .clicked()
                {
                    self.tool = tool;
                    self.polygon.clear();
                }
            }
            ui.menu_button("Adjust", |ui| {
                ui.add(
                    egui::Slider::new(&mut self.adjust.brightness, -0.5..=0.5).text("Brightness"),
                );
                ui.add(
                    egui::Slider::new(&mut self.adjust.contrast, 0.5..=3.0)
                        .logarithmic(true)
                        .text("Contrast"),
                );
                if ui.button("Reset").clicked() {
                    self.adjust = Adjust::default();
                }
            });
        });
    }

    /// The regions of the page, and the selected one's link to its text.
    fn region_list(
        &mut self,
        ui: &mut egui::Ui,
        st: &mut AppState,
        project: &crate::model::Project,
        doc: &Document,
    ) {
        let page = self.page;
        let regions: Vec<_> = doc
            .annotations
            .values()
            .filter(|a| a.region.as_ref().is_some_and(|r| r.page == page))
            .collect();
        let quote = |id: AnnId| {
            doc.annotations
                .get(&id)
                .and_then(|a| a.anchor())
                .map(|an| {
                    let q: String = an.quote.exact.chars().take(40).collect();
                    format!("“{q}”")
                })
                .unwrap_or_default()
        };
        egui::CollapsingHeader::new(format!("Regions on this page ({})", regions.len()))
            .id_salt("page-regions")
            .default_open(false)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("page-regions-scroll")
                    .max_height(140.0)
                    .show(ui, |ui| {
                        for a in &regions {
                            let link = a
                                .region
                                .as_ref()
                                .and_then(|r| r.text)
                                .map(|t| format!(" → {}", quote(t)))
                                .unwrap_or_default();
                            let text = format!("{}{link}", project.schema.label(a.type_id()));
                            let selected = st.pages.region == Some(a.id);
                            if ui.selectable_label(selected, text).clicked() {
                                st.queue
                                    .push(Message::Pages(PagesMsg::SelectRegion(Some(a.id))));
                            }
                        }
                    });
                let Some(sel) = st
                    .pages
                    .region
                    .and_then(|r| doc.annotations.get(&r))
                    .filter(|a| a.region.is_some())
                else {
                    return;
                };
                let current = sel.region.as_ref().and_then(|r| r.text);
                let mut texts: Vec<(usize, AnnId)> = doc
                    .annotations
                    .values()
                    .filter(|a| a.region.is_none())
                    .filter_map(|a| {
                        let an = a.as_mention()?.anchor.clone();
                        (!an.fragments.is_empty()).then(|| (an.extent().start, a.id))
                    })
                    .collect();
                texts.sort();
                let mut chosen = current;
                let shown = current.map_or_else(|| "(none)".to_owned(), quote);
                crate::app::panels::labelled_combo(
                    ui,
                    "Transcribed by",
                    egui::ComboBox::from_id_salt("Transcribed by").selected_text(shown),
                    |ui| {
                        ui.selectable_value(&mut chosen, None, "(none)");
                        for (_, t) in &texts {
                            ui.selectable_value(&mut chosen, Some(*t), quote(*t));
                        }
                    },
                );
                if chosen != current {
                    match region_ops::link_text(project, doc.id(), sel.id, chosen) {
                        Ok(tx) => st.queue.push(Message::Apply(tx)),
                        Err(e) => st.status = format!("Cannot link: {e}"),
                    }
                }
            });
    }

    fn canvas(
        &mut self,
        ui: &mut egui::Ui,
        st: &mut AppState,
        project: &crate::model::Project,
        doc: &Document,
    ) {
        let (rect, resp) = ui.allocate_exact_size(
            ui.available_size().max(vec2(64.0, 64.0)),
            Sense::click_and_drag(),
        );
        resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, "Page image"));
        self.canvas = rect;
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 0.0, ui.visuals().extreme_bg_color);
        self.stats = FrameStats::default();
        let state = self.pages.get(&self.page);
        let size = match state {
            Some(PageState::Ready(p)) => Some(p.size()),
            Some(PageState::Loading(s)) => *s,
            _ => None,
        };
        if let Some(PageState::Failed(e)) = state {
            let e = e.clone();
            ui.put(
                rect.shrink(12.0),
                egui::Label::new(
                    egui::RichText::new(format!("This page cannot be shown: {e}"))
                        .color(ui.visuals().error_fg_color),
                )
                .wrap(),
            );
            return;
        }
        let Some(size) = size else {
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                "Loading page…",
                egui::FontId::proportional(14.0),
                ui.visuals().weak_text_color(),
            );
            return;
        };
        let cam = self.camera.get_or_insert(Camera {
            zoom: 1.0,
            center: (0.0, 0.0),
            rotation: Default::default(),
            size,
        });
        cam.size = size;
        if let Some(width_only) = self.fit.take() {
            cam.fit(rect.size(), width_only);
        }
        self.input(ui, st, project, doc, &resp, rect);
        let Some(cam) = self.camera else { return };
        // The page: a placeholder of its shape, then its tiles.
        let page_rect = cam.rect_to_screen(
            rect,
            ViewRect {
                x0: 0.0,
                y0: 0.0,
                x1: f64::from(size.0),
                y1: f64::from(size.1),
            },
        );
        painter.rect_filled(page_rect, 0.0, Color32::from_gray(235));
        match self.pages.get(&self.page) {
            Some(PageState::Ready(p)) => {
                let p = p.clone();
                self.draw_tiles(ui.ctx(), &painter, &cam, rect, &p);
            }
            _ => {
                painter.text(
                    page_rect.center(),
                    egui::Align2::CENTER_CENTER,
                    "Loading page…",
                    egui::FontId::proportional(14.0),
                    Color32::from_gray(90),
                );
            }
        }
        self.draw_regions(ui, st, project, doc, &painter, &cam, rect, &resp);
        self.draft_popup(ui, st, project, &cam, rect);
    }

    fn draw_tiles(
        &mut self,
        ctx: &egui::Context,
        painter: &egui::Painter,
        cam: &Camera,
        pane: Rect,
        pyramid: &Pyramid,
    ) {
        let page = self.page;
        let size = pyramid.size();
        self.textures.begin_frame(self.adjust);
        let coarsest = TileKey {
            level: pyramid.level_count().saturating_sub(1),
            col: 0,
            row: 0,
        };
        let mut cut = 0;
        let mut pending = false;
        // The whole page at the coarsest level first: every missing tile falls back to it.
        if self.textures.get(page, coarsest).is_none()
            && let Some(tile) = pyramid.tile(coarsest)
        {
            self.textures.upload(ctx, page, coarsest, &tile);
        }
        let reqs = pyramid.visible_tiles(cam.viewport(pane), cam.zoom, cam.rotation);
        self.stats.visible = reqs.len();
        let full = Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0));
        for req in &reqs {
            let mut tex = self.textures.get(page, req.key);
            if tex.is_none() && self.textures.can_upload() {
                let tile = match self.cache.get(page, req.key) {
                    Some(t) => Some(t),
                    None if cut < crate::facsimile::NEW_TILES_PER_FRAME => {
                        cut += 1;
                        pyramid
                            .tile(req.key)
                            .map(|t| self.cache.insert(page, req.key, t))
                    }
                    None => None,
                };
                tex = tile.map(|t| self.textures.upload(ctx, page, req.key, &t));
            }
            if let Some(tex) = tex {
                draw_textured(painter, cam, pane, tex, req.image_rect, full);
                self.stats.drawn_exact += 1;
                continue;
            }
            pending = true;
            // A coarser texture stands in until this tile is uploaded.
            let mut k = req.key;
            while k.level < coarsest.level {
                k = k.parent();
                if let Some(tex) = self.textures.get(page, k) {
                    let r = tile_image_rect(k, size);
                    let t = req.image_rect;
                    let uv = Rect::from_min_max(
                        pos2(
                            ((t.x0 - r.x0) / r.width()) as f32,
                            ((t.y0 - r.y0) / r.height()) as f32,
                        ),
                        pos2(
                            ((t.x1 - r.x0) / r.width()) as f32,
                            ((t.y1 - r.y0) / r.height()) as f32,
                        ),
                    );
                    draw_textured(painter, cam, pane, tex, t, uv);
                    break;
                }
            }
        }
        self.stats.uploads = self.textures.uploads();
        self.stats.cut = cut;
        self.textures.end_frame();
        if pending {
            ctx.request_repaint();
        }
    }

    /// Pointer and keys on the page.
    fn input(
        &mut self,
        ui: &egui::Ui,
        st: &mut AppState,
        project: &crate::model::Project,
        doc: &Document,
        resp: &egui::Response,
        pane: Rect,
    ) {
        let Some(mut cam) = self.camera else { return };
        let size = cam.size;
        if resp.clicked() || resp.drag_started() {
            resp.request_focus();
        }
        if resp.has_focus() {
            ui.memory_mut(|m| {
                m.set_focus_lock_filter(
                    resp.id,
                    egui::EventFilter {
                        tab: false,
                        horizontal_arrows: true,
                        vertical_arrows: true,
                        escape: true,
                    },
                )
            });
        }
        // Wheel and pinch zoom about the pointer.
        if let Some(hover) = resp.hover_pos() {
            let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta, i.zoom_delta()));
            let factor = f64::from(pinch) * (f64::from(scroll.y) * 0.002).exp();
            if (factor - 1.0).abs() > 1e-4 {
                cam.zoom_at(pane, hover, factor);
                self.fit = None;
            }
        }
        let pointer_img = resp
            .interact_pointer_pos()
            .or(resp.hover_pos())
            .map(|p| cam.to_image(pane, p));
        self.drags(ui, st, project, doc, resp, &mut cam, pane, pointer_img);
        self.clicks(st, doc, resp, pointer_img, size);
        if resp.has_focus() {
            self.keys(ui, st, project, doc, &mut cam, pane);
        }
        self.camera = Some(cam);
    }

    /// Drags on the page: a new rectangle, a region's handle or body moved (applied when
    /// released), or the page panned.
    #[allow(clippy::too_many_arguments)]
    fn drags(
        &mut self,
        ui: &egui::Ui,
        st: &mut AppState,
        project: &crate::model::Project,
        doc: &Document,
        resp: &egui::Response,
        cam: &mut Camera,
        pane: Rect,
        pointer_img: Option<(f64, f64)>,
    ) {
        let size = cam.size;
        let selected_shape = |ann: AnnId| {
            doc.annotations
                .get(&ann)
                .and_then(|a| a.region.as_ref())
                .filter(|r| r.page == self.page)
                .map(|r| r.shape.clone())
        };
        // Drags.
        // A drag starts where the button went down, not where it was recognised as a drag.
        let press_img = ui
            .input(|i| i.pointer.press_origin())
            .map(|p| cam.to_image(pane, p));
        if resp.drag_started_by(egui::PointerButton::Primary)
            && let Some(p) = press_img.or(pointer_img)
        {
            self.drag = Some(match self.tool {
                Tool::Rect => Drag::NewRect(p),
                Tool::Polygon => Drag::Pan,
                Tool::Select => {
                    let sel = st
                        .pages
                        .region
                        .and_then(|r| selected_shape(r).map(|s| (r, s)));
                    let grab = 6.0 / cam.zoom;
                    match sel {
                        Some((ann, shape)) => {
                            let near = handles(&shape).iter().position(|h| {
                                (h.0 - p.0).abs() <= grab && (h.1 - p.1).abs() <= grab
                            });
                            if near.is_some() || contains(&shape, p) {
                                Drag::Adjust {
                                    ann,
                                    handle: near,
                                    start: p,
                                    original: shape,
                                }
                            } else {
                                Drag::Pan
                            }
                        }
                        None => Drag::Pan,
                    }
                }
            });
        } else if resp.drag_started() {
            self.drag = Some(Drag::Pan);
        }
        if resp.dragged() {
            match (&self.drag, pointer_img) {
                (Some(Drag::Pan), _) => {
                    cam.pan(resp.drag_delta());
                    self.fit = None;
                }
                (Some(Drag::NewRect(a)), Some(b)) => {
                    let shape = rect_between(*a, b, size);
                    st.pages.draft = Some(Draft {
                        doc: doc.id(),
                        page: self.page,
                        shape,
                    });
                }
                (
                    Some(Drag::Adjust {
                        ann,
                        handle,
                        start,
                        original,
                    }),
                    Some(b),
                ) => {
                    let d = (b.0 - start.0, b.1 - start.1);
                    self.preview = Some((*ann, adjusted(original, *handle, d, size)));
                }
                _ => {}
            }
        }
        if resp.drag_stopped() {
            match self.drag.take() {
                Some(Drag::NewRect(_))
                    if st
                        .pages
                        .draft
                        .as_ref()
                        .is_some_and(|d| d.shape.check().is_err()) =>
                {
                    st.pages.draft = None;
                }
                Some(Drag::Adjust { ann, .. }) => {
                    if let Some((_, shape)) = self.preview.take() {
                        match region_ops::set_shape(project, doc.id(), ann, shape) {
                            Ok(tx) => st.queue.push(Message::Apply(tx)),
                            Err(crate::model::ops::OpError::NoChange) => {}
                            Err(e) => st.status = format!("Cannot change the region: {e}"),
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Clicks on the page: a polygon's points (double click closes it), or the smallest
    /// region under the pointer selected.
    fn clicks(
        &mut self,
        st: &mut AppState,
        doc: &Document,
        resp: &egui::Response,
        pointer_img: Option<(f64, f64)>,
        size: (u32, u32),
    ) {
        if let Some(p) = pointer_img {
            match self.tool {
                Tool::Polygon if resp.double_clicked() => self.close_polygon(st, doc),
                Tool::Polygon if resp.clicked() => {
                    self.polygon
                        .push((clamp_px(p.0, size.0), clamp_px(p.1, size.1)));
                }
                Tool::Select | Tool::Rect if resp.clicked() => {
                    // The smallest region under the pointer wins, so nested ones can be picked.
                    let hit = doc
                        .annotations
                        .values()
                        .filter_map(|a| Some((a.id, a.region.as_ref()?)))
                        .filter(|(_, r)| r.page == self.page && contains(&r.shape, p))
                        .min_by_key(|(_, r)| {
                            r.shape
                                .bounds()
                                .map_or(u64::MAX, |(x0, y0, x1, y1)| (x1 - x0) * (y1 - y0))
                        })
                        .map(|(id, _)| id);
                    st.queue.push(Message::Pages(PagesMsg::SelectRegion(hit)));
                }
                _ => {}
            }
        }
    }

    fn close_polygon(&mut self, st: &mut AppState, doc: &Document) {
        let pts = std::mem::take(&mut self.polygon);
        let shape = Shape::Polygon(pts);
        if shape.check().is_ok() {
            st.pages.draft = Some(Draft {
                doc: doc.id(),
                page: self.page,
                shape,
            });
        } else {
            st.status = "A polygon needs at least three corners".into();
        }
    }

    fn keys(
        &mut self,
        ui: &egui::Ui,
        st: &mut AppState,
        project: &crate::model::Project,
        doc: &Document,
        cam: &mut Camera,
        pane: Rect,
    ) {
        use egui::Key;
        let (pressed, mods) = ui.input(|i| {
            let keys: Vec<Key> = i
                .events
                .iter()
                .filter_map(|e| match e {
                    egui::Event::Key {
                        key, pressed: true, ..
                    } => Some(*key),
                    _ => None,
                })
                .collect();
            (keys, i.modifiers)
        });
        if mods.command || mods.alt {
            return;
        }
        let step = 60.0;
        for key in pressed {
            match key {
                Key::Plus | Key::Equals => cam.zoom_at(pane, pane.center(), 1.25),
                Key::Minus => cam.zoom_at(pane, pane.center(), 1.0 / 1.25),
                Key::Num0 => self.fit = Some(false),
                Key::Num2 => self.fit = Some(true),
                Key::Num1 => cam.zoom_at(pane, pane.center(), 1.0 / cam.zoom),
                Key::PageDown => self.go_to(st, doc, self.page + 1, true),
                Key::PageUp => self.go_to(st, doc, self.page.saturating_sub(1), true),
                Key::Home => self.go_to(st, doc, 0, true),
                Key::End => self.go_to(st, doc, usize::MAX, true),
                Key::ArrowLeft | Key::ArrowRight | Key::ArrowUp | Key::ArrowDown => {
                    let d = match key {
                        Key::ArrowLeft => vec2(-1.0, 0.0),
                        Key::ArrowRight => vec2(1.0, 0.0),
                        Key::ArrowUp => vec2(0.0, -1.0),
                        _ => vec2(0.0, 1.0),
                    };
                    if mods.shift {
                        self.nudge(st, project, doc, cam, d);
                    } else {
                        cam.pan(-d * step);
                    }
                }
                Key::Enter if self.tool == Tool::Polygon && !self.polygon.is_empty() => {
                    self.close_polygon(st, doc);
                }
                Key::Escape => {
                    if !self.polygon.is_empty() {
                        self.polygon.clear();
                    } else if st.pages.draft.is_some() {
                        st.pages.draft = None;
                    } else {
                        st.queue.push(Message::Pages(PagesMsg::SelectRegion(None)));
                    }
                }
                Key::Delete | Key::Backspace
                    if st.pages.region.is_some() && st.selected == st.pages.region =>
                {
                    st.queue.push(Command::DeleteAnnotation);
                }
                _ => {
                    // A type's hotkey tags the drawn region, or retypes the selected one.
                    let name = key.name();
                    let ty = project.schema.entity_types.iter().find(|t| {
                        t.hotkey
                            .is_some_and(|h| h.to_ascii_uppercase().to_string() == name)
                    });
                    if let Some(t) = ty
                        && (st.pages.draft.is_some() || st.pages.region.is_some())
                    {
                        st.queue.push(Command::TagAs(t.id.clone()));
                    }
                }
            }
        }
    }

    /// Moves the selected region by one screen pixel (at least one image pixel).
    fn nudge(
        &mut self,
        st: &mut AppState,
        project: &crate::model::Project,
        doc: &Document,
        cam: &Camera,
        d: Vec2,
    ) {
        let Some(ann) = st.pages.region else { return };
        let Some(shape) = doc
            .annotations
            .get(&ann)
            .and_then(|a| a.region.as_ref())
            .map(|r| r.shape.clone())
        else {
            return;
        };
        let px = (1.0 / cam.zoom).round().max(1.0);
        let moved = adjusted(
            &shape,
            None,
            (f64::from(d.x) * px, f64::from(d.y) * px),
            cam.size,
        );
        match region_ops::set_shape(project, doc.id(), ann, moved) {
            Ok(tx) => st.queue.push(Message::Apply(tx)),
            Err(crate::model::ops::OpError::NoChange) => {}
            Err(e) => st.status = format!("Cannot move the region: {e}"),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn draw_regions(
        &self,
        ui: &egui::Ui,
        st: &AppState,
        project: &crate::model::Project,
        doc: &Document,
        painter: &egui::Painter,
        cam: &Camera,
        pane: Rect,
        resp: &egui::Response,
    ) {
        let outline = |shape: &Shape| -> Vec<Pos2> {
            match shape {
                Shape::Rect { .. } => handles(shape),
                Shape::Polygon(_) => handles(shape),
            }
            .into_iter()
            .map(|(x, y)| cam.to_screen(pane, x, y))
            .collect()
        };
        let hover_img = resp.hover_pos().map(|p| cam.to_image(pane, p));
        let linked: Vec<AnnId> = st
            .selected
            .map(|s| crate::model::region::regions_showing(doc, s))
            .unwrap_or_default();
        let mut hovered: Option<(AnnId, Pos2)> = None;
        for a in doc.annotations.values() {
            let Some(r) = &a.region else { continue };
            if r.page != self.page {
                continue;
            }
            let shape = match &self.preview {
                Some((id, s)) if *id == a.id => s,
                _ => &r.shape,
            };
            let color = type_color(project, a.type_id());
            let selected = st.pages.region == Some(a.id) || st.selected == Some(a.id);
            let highlight = linked.contains(&a.id);
            let pts = outline(shape);
            let fill = if selected || highlight {
                color.gamma_multiply(0.25)
            } else {
                Color32::TRANSPARENT
            };
            let width = if selected || highlight { 3.0 } else { 2.0 };
            painter.add(egui::Shape::closed_line(
                pts.clone(),
                Stroke::new(width, color),
            ));
            if fill != Color32::TRANSPARENT
                && let Some(b) = shape.bounds()
            {
                let r = cam.rect_to_screen(
                    pane,
                    ViewRect {
                        x0: b.0 as f64,
                        y0: b.1 as f64,
                        x1: b.2 as f64,
                        y1: b.3 as f64,
                    },
                );
                painter.rect_filled(r, 0.0, fill);
            }
            if selected {
                for p in &pts {
                    painter.rect_filled(Rect::from_center_size(*p, Vec2::splat(8.0)), 1.0, color);
                    painter.rect_stroke(
                        Rect::from_center_size(*p, Vec2::splat(8.0)),
                        1.0,
                        Stroke::new(1.0, Color32::WHITE),
                        egui::StrokeKind::Outside,
                    );
                }
            }
            if let Some(h) = hover_img
                && contains(shape, h)
                && let Some(top) = pts
                    .iter()
                    .copied()
                    .reduce(|a, b| pos2(a.x.min(b.x), a.y.min(b.y)))
            {
                hovered = Some((a.id, top));
            }
        }
        // The label of the region under the pointer.
        if let Some((id, at)) = hovered
            && let Some(a) = doc.annotations.get(&id)
        {
            let mut label = project.schema.label(a.type_id()).to_owned();
            if let Some(name) = a
                .as_mention()
                .and_then(|m| m.entry)
                .and_then(|e| project.registry.get(&e))
            {
                label = format!("{label}: {}", name.name);
            }
            if let Some(t) = a
                .region
                .as_ref()
                .and_then(|r| r.text)
                .and_then(|t| doc.annotations.get(&t))
                .and_then(|t| t.anchor())
            {
                label = format!("{label} — “{}”", t.quote.exact);
            }
            let galley = painter.layout_no_wrap(
                label,
                egui::FontId::proportional(13.0),
                ui.visuals().strong_text_color(),
            );
            let r = Rect::from_min_size(at - vec2(0.0, galley.size().y + 6.0), galley.size())
                .expand(3.0);
            painter.rect_filled(r, 3.0, ui.visuals().window_fill);
            painter.galley(r.min + vec2(3.0, 3.0), galley, Color32::WHITE);
        }
        // The region being drawn.
        let dashed = |pts: Vec<Pos2>, closed: bool| {
            let mut pts = pts;
            if closed && let Some(first) = pts.first().copied() {
                pts.push(first);
            }
            painter.extend(egui::Shape::dashed_line(
                &pts,
                Stroke::new(2.0, ui.visuals().selection.stroke.color),
                6.0,
                4.0,
            ));
        };
        if let Some(d) = &st.pages.draft
            && d.page == self.page
        {
            dashed(outline(&d.shape), true);
        }
        if !self.polygon.is_empty() {
            let mut pts: Vec<Pos2> = self
                .polygon
                .iter()
                .map(|&(x, y)| cam.to_screen(pane, f64::from(x), f64::from(y)))
                .collect();
            if let Some(h) = resp.hover_pos() {
                pts.push(h);
            }
            dashed(pts, false);
        }
    }

    /// The "Tag as" popup beside a drawn region.
    fn draft_popup(
        &mut self,
        ui: &egui::Ui,
        st: &mut AppState,
        project: &crate::model::Project,
        cam: &Camera,
        pane: Rect,
    ) {
        if self.drag.is_some() {
            return;
        }
        let Some(d) = &st.pages.draft else { return };
        if d.page != self.page {
            return;
        }
        let Some((_, _, x1, y1)) = d.shape.bounds() else {
            return;
        };
        let at = cam.to_screen(pane, x1 as f64, y1 as f64);
        let at = pos2(
            at.x.clamp(pane.min.x, pane.max.x - 120.0),
            at.y.clamp(pane.min.y, pane.max.y - 60.0),
        );
        let mut picked = None;
        let mut cancel = false;
        egui::Area::new(egui::Id::unique("region-tag-popup"))
            .fixed_pos(at)
            .order(egui::Order::Foreground)
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.label("Mark region as");
                    for t in &project.schema.entity_types {
                        let c = parse_color(&t.color)
                            .map_or(Color32::GRAY, |[r, g, b]| Color32::from_rgb(r, g, b));
                        ui.horizontal(|ui| {
                            let (r, _) = ui.allocate_exact_size(Vec2::splat(10.0), Sense::hover());
                            ui.painter().rect_filled(r, 2.0, c);
                            let text = match t.hotkey {
                                Some(k) => format!("{}  ({})", t.label, k.to_ascii_uppercase()),
                                None => t.label.clone(),
                            };
                            if ui.button(text).clicked() {
                                picked = Some(t.id.clone());
                            }
                        });
                    }
                    if ui.button("Cancel").clicked() {
                        cancel = true;
                    }
                });
            });
        if let Some(ty) = picked {
            st.queue.push(Command::TagAs(ty));
        } else if cancel {
            st.pages.draft = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hit_testing_rectangles_and_polygons() {
        let r = Shape::Rect {
            x: 10,
            y: 10,
            width: 5,
            height: 5,
        };
        assert!(contains(&r, (10.0, 10.0)));
        assert!(contains(&r, (14.9, 14.9)));
        assert!(!contains(&r, (15.0, 12.0)));
        let tri = Shape::Polygon(vec![(0, 0), (10, 0), (0, 10)]);
        assert!(contains(&tri, (2.0, 2.0)));
        assert!(!contains(&tri, (8.0, 8.0)));
    }

    #[test]
    fn drawing_moving_and_resizing_stay_on_the_page() {
        let page = (100, 80);
        assert_eq!(
            rect_between((90.0, 70.0), (-5.0, 200.0), page),
            Shape::Rect {
                x: 0,
                y: 70,
                width: 90,
                height: 10
            }
        );
        let r = Shape::Rect {
            x: 10,
            y: 10,
            width: 20,
            height: 10,
        };
        assert_eq!(
            adjusted(&r, None, (500.0, -3.0), page),
            Shape::Rect {
                x: 80,
                y: 7,
                width: 20,
                height: 10
            },
            "moved, kept inside"
        );
        // Dragging the bottom-right handle past the top-left flips the rectangle.
        assert_eq!(
            adjusted(&r, Some(2), (-25.0, -15.0), page),
            Shape::Rect {
                x: 5,
                y: 5,
                width: 5,
                height: 5
            }
        );
        let tri = Shape::Polygon(vec![(0, 0), (10, 0), (0, 10)]);
        assert_eq!(
            adjusted(&tri, Some(1), (5.0, 5.0), page),
            Shape::Polygon(vec![(0, 0), (15, 5), (0, 10)])
        );
        assert_eq!(
            adjusted(&tri, None, (-5.0, 3.0), page),
            Shape::Polygon(vec![(0, 3), (10, 3), (0, 13)]),
            "cannot leave the page on the left"
        );
    }

    #[test]
    fn tile_rects_match_the_pyramid() {
        let size = (1300, 700);
        let k = TileKey {
            level: 1,
            col: 1,
            row: 0,
        };
        let r = tile_image_rect(k, size);
        assert_eq!((r.x0, r.y0, r.x1, r.y1), (1024.0, 0.0, 1300.0, 700.0));
        let p = Pyramid::new(image::RgbImage::new(size.0, size.1));
        let reqs = p.visible_tiles(
            ViewRect {
                x0: 0.0,
                y0: 0.0,
                x1: 1300.0,
                y1: 700.0,
            },
            0.5,
            Default::default(),
        );
        for q in reqs {
            assert_eq!(tile_image_rect(q.key, size), q.image_rect);
        }
    }
}
