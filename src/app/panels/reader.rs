//! The reader: the document's text with its annotations as colored underline bars (mentions)
//! and colored boxes with a corner marker (event triggers), find hits highlighted.
//!
//! Only visible lines are laid out: one galley per [piece](super::pieces) (a source line, or
//! a part of a very long one), placed by a table of tops built from wrapped heights
//! (estimated for pieces not yet seen, exact once laid out, per width and text size).
//! Annotations are found per piece through [`LineIndex`], built once per project change,
//! never by scanning all annotations in a frame. Annotations stacked deeper than
//! [`MAX_BAR_DEPTH`] bars are not drawn one by one: a "+N" marker counts them.

mod access;
mod keys;
mod suggestions;

use super::View;
use super::pieces::Pieces;
use crate::app::a11y::{describe_annotation, reader_id};
use crate::app::{AppState, Command, Message, Selection};
use crate::model::schema::parse_color;
use crate::model::{AnnId, DocId, Document, SourceText};
use egui::text::{CCursor, LayoutJob, TextFormat};
use egui::{Color32, FontId, Pos2, Rect, Sense, Stroke, Vec2, pos2, vec2};
use std::collections::HashMap;
use std::sync::Arc;

/// Vertical room below the text for underline bars (and the same above, as egui centres).
const BAR_ROOM: f32 = 9.0;
const BAR_PITCH: f32 = 3.0;
const BAR_WIDTH: f32 = 2.0;
/// Bars drawn under one stretch of text; more collapse into a "+N" marker.
pub const MAX_BAR_DEPTH: u8 = 3;
/// Annotations listed in the hover tooltip; the rest are counted.
const MAX_TOOLTIP_LINES: usize = 12;
/// Background of a find hit, and of the current one.
const FIND_HIT: Color32 = Color32::from_rgba_premultiplied(120, 100, 0, 90);
const FIND_CURRENT: Color32 = Color32::from_rgba_premultiplied(200, 150, 0, 150);
/// Stroke of an event trigger's box.
const EVENT_BOX_WIDTH: f32 = 1.5;

/// The shapes marking one annotation fragment whose text occupies `rr` (a row rect with
/// [`BAR_ROOM`] above and below): a mention is an underline bar at its stacking level; an
/// event trigger is a box around the text, widened by its level, with a filled corner
/// triangle (the trigger marker), so events never look like mentions.
pub fn seg_shapes(seg: &Seg, rr: Rect) -> Vec<egui::Shape> {
    let level = f32::from(seg.depth.min(MAX_BAR_DEPTH - 1));
    if seg.event {
        let b = rr.shrink2(vec2(-level * BAR_PITCH, BAR_ROOM - 2.0 - level * BAR_PITCH));
        let corner = [
            b.left_top(),
            b.left_top() + vec2(6.0, 0.0),
            b.left_top() + vec2(0.0, 6.0),
        ];
        vec![
            egui::Shape::rect_stroke(
                b,
                2.0,
                Stroke::new(EVENT_BOX_WIDTH, seg.color),
                egui::StrokeKind::Inside,
            ),
            egui::Shape::convex_polygon(corner.to_vec(), seg.color, Stroke::NONE),
        ]
    } else {
        let y = rr.max.y - BAR_ROOM + 1.0 + level * BAR_PITCH;
        vec![egui::Shape::line_segment(
            [pos2(rr.min.x, y), pos2(rr.max.x, y)],
            Stroke::new(BAR_WIDTH, seg.color),
        )]
    }
}

/// One annotation fragment on one line, in line-local code points.
#[derive(Clone, Copy, Debug)]
pub struct Seg {
    pub start: u32,
    pub end: u32,
    pub ann: AnnId,
    pub color: Color32,
    /// Stacking level: 0 is the bar nearest the text; [`MAX_BAR_DEPTH`] means not drawn
    /// (counted in a [`Marker`]).
    pub depth: u8,
    /// Length of the whole annotation's extent, to pick the innermost on click.
    pub extent_len: u32,
    /// An event's trigger: drawn as a box, not an underline.
    pub event: bool,
}

/// "+N": `count` annotation fragments stacked too deep to draw start at `start` (piece-local
/// code points).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Marker {
    pub start: u32,
    pub count: u32,
}

/// Annotation fragments by piece (compressed rows: `starts[l]..starts[l + 1]` into `segs`),
/// and the "+N" markers of each piece.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    pub starts: Vec<u32>,
    pub segs: Vec<Seg>,
    pub marker_starts: Vec<u32>,
    pub markers: Vec<Marker>,
}

impl LineIndex {
    /// Builds the index for a document laid out as `pieces`:
    /// O(fragments · pieces each spans · [`MAX_BAR_DEPTH`] + n log n), whatever the stacking.
    pub fn build(doc: &Document, schema: &crate::model::Schema, pieces: &Pieces) -> Self {
        Self::build_by(
            doc,
            schema,
            pieces,
            None,
            &crate::model::layers::Visible::All,
        )
    }

    /// [`LineIndex::build`] of only the annotations `only` made or changed last (`None`: all).
    pub fn build_by(
        doc: &Document,
        schema: &crate::model::Schema,
        pieces: &Pieces,
        only: Option<&str>,
        visible: &crate::model::layers::Visible,
    ) -> Self {
        let lines = pieces.len();
        let mut colors: HashMap<&str, Color32> = HashMap::new();
        let mut items: Vec<(u32, Seg)> = Vec::new();
        for a in doc.annotations.values().filter(|a| visible.shows(a)) {
            let Some(anchor) = a.anchor().filter(|_| only.is_none_or(|n| a.touched_by(n))) else {
                continue;
            };
            let ty = a.type_id();
            let color = *colors.entry(ty.as_str()).or_insert_with(|| {
                schema
                    .color(ty)
                    .and_then(parse_color)
                    .map_or(Color32::GRAY, |[r, g, b]| Color32::from_rgb(r, g, b))
            });
            // Marked until reviewed: an annotation re-anchoring could not place.
            let color = super::review::mark_color(a).unwrap_or(color);
            let extent_len = anchor.extent().len() as u32;
            let event = a.as_event().is_some();
            for f in &anchor.fragments {
                let (l0, l1) = (pieces.of(f.start), pieces.of(f.end.max(f.start + 1) - 1));
                for l in l0..=l1.min(lines.saturating_sub(1)) {
                    let r = pieces.range(l);
                    let s = f.start.max(r.start) - r.start;
                    let e = f.end.min(r.end).max(r.start) - r.start;
                    if e <= s && !(r.is_empty() && l0 == l1) {
                        continue;
                    }
                    items.push((
                        l as u32,
                        Seg {
                            start: s as u32,
                            end: e as u32,
                            ann: a.id,
                            color,
                            depth: 0,
                            extent_len,
                            event,
                        },
                    ));
                }
            }
        }
        items.sort_by_key(|(l, s)| (*l, s.start, std::cmp::Reverse(s.end)));
        let mut starts = vec![0u32; lines + 1];
        for (l, _) in &items {
            starts[*l as usize + 1] += 1;
        }
        for i in 0..lines {
            starts[i + 1] += starts[i];
        }
        let mut segs: Vec<Seg> = items.into_iter().map(|(_, s)| s).collect();
        let mut marker_starts = Vec::with_capacity(lines + 1);
        let mut markers: Vec<Marker> = Vec::new();
        // Stack overlapping segments: each takes the lowest of the drawn levels free over
        // its range; with none free it is counted in the marker at its start.
        for l in 0..lines {
            marker_starts.push(markers.len() as u32);
            let row = &mut segs[starts[l] as usize..starts[l + 1] as usize];
            let first_marker = markers.len();
            // End of the segment holding each drawn level (0: free).
            let mut level_end = [0u32; MAX_BAR_DEPTH as usize];
            for s in row.iter_mut() {
                match level_end.iter().position(|end| *end <= s.start) {
                    Some(d) => {
                        level_end[d] = s.end.max(s.start + 1);
                        s.depth = d as u8;
                    }
                    None => {
                        s.depth = MAX_BAR_DEPTH;
                        match markers[first_marker..].last_mut() {
                            Some(m) if m.start == s.start => m.count += 1,
                            _ => markers.push(Marker {
                                start: s.start,
                                count: 1,
                            }),
                        }
                    }
                }
            }
        }
        marker_starts.push(markers.len() as u32);
        Self {
            starts,
            segs,
            marker_starts,
            markers,
        }
    }

    pub fn line(&self, l: usize) -> &[Seg] {
        match (self.starts.get(l), self.starts.get(l + 1)) {
            (Some(&a), Some(&b)) => self.segs.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The "+N" markers of piece `l`, by start.
    pub fn markers(&self, l: usize) -> &[Marker] {
        match (self.marker_starts.get(l), self.marker_starts.get(l + 1)) {
            (Some(&a), Some(&b)) => self.markers.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// Line heights and tops for one document at one width and text size.
#[derive(Default)]
struct Layout {
    doc: Option<DocId>,
    generation: u64,
    width: f32,
    size: f32,
    line_height: f32,
    heights: Vec<f32>,
    exact: Vec<bool>,
    tops: Vec<f32>,
    index: LineIndex,
    pieces: Pieces,
    /// The annotator filter `index` was built with.
    annotator: Option<String>,
    /// Whose independent layer `index` shows (the window's annotator name).
    me: Option<String>,
    /// The Curation window is open: independent documents show their curated layer.
    curating: bool,
}

impl Layout {
    fn total(&self) -> f32 {
        self.tops.last().copied().unwrap_or(0.0)
    }

    fn recompute_tops(&mut self) {
        self.tops.clear();
        self.tops.reserve(self.heights.len() + 1);
        let mut y = 0.0;
        self.tops.push(0.0);
        for h in &self.heights {
            y += h;
            self.tops.push(y);
        }
    }

    /// The line at content height `y`.
    fn line_at(&self, y: f32) -> usize {
        self.tops
            .partition_point(|t| *t <= y)
            .saturating_sub(1)
            .min(self.heights.len().saturating_sub(1))
    }
}

/// The centre panel.
#[derive(Default)]
pub struct Reader {
    layout: Layout,
    /// Lines drawn in the last frame, and the first of them (for the benchmark).
    pub last_visible_lines: usize,
    pub first_visible_line: usize,
    /// The first code point shown in the last frame (the page pane follows it).
    pub first_visible_offset: Option<usize>,
    /// The pieces drawn in the last frame: their code points, screen position and galley.
    drawn: Vec<(std::ops::Range<usize>, Pos2, Arc<egui::Galley>)>,
    /// Find-hit fragments highlighted in the last frame.
    pub find_hits_drawn: usize,
    /// Suggestions drawn in the last frame: index in the open document's list, and where.
    pub suggestions_drawn: Vec<(usize, Rect)>,
    /// The selection as drawn in the last frame (snapped to words when that is on).
    pub shown_selection: Vec<crate::model::Span>,
    /// The view's top (content y) and height in the last frame.
    view_top: f32,
    view_height: f32,
    /// A scroll offset to apply next frame (page moves, keeping the top line on resize).
    pending_scroll: Option<f32>,
    /// The line (and how far into it) that must stay at the view's top after a resize, and
    /// for how many more frames.
    keep_top: Option<(usize, f32, u8)>,
    /// The line a jump scrolled to, and for how many more frames it is put in view.
    scroll_target: Option<(usize, u8)>,
    /// The text runs exposed to accessibility in the last frame.
    access_runs: access::Runs,
}

/// Frames a jump's target line is held in view while the lines around it get their real
/// heights.
const SETTLE_FRAMES: u8 = 4;

fn line_job(text: &str, font: &FontId, color: Color32, line_height: f32, width: f32) -> LayoutJob {
    let mut job = LayoutJob::single_section(
        text.to_owned(),
        TextFormat {
            font_id: font.clone(),
            color,
            line_height: Some(line_height),
            ..Default::default()
        },
    );
    job.wrap.max_width = width;
    job
}

/// Selections this long or longer are shown as they are, not snapped (snapping looks at the
/// text around the span; a whole-document selection would copy the document each frame).
const MAX_SNAPPED_SHOWN: usize = 10_000;

/// `span` snapped to whole words as tagging will snap it
/// ([`snap_to_words`](crate::model::ops::tagging::snap_to_words)), looking only at the text
/// within 64 characters of the span.
pub fn snapped(text: &SourceText, span: crate::model::Span) -> crate::model::Span {
    const AROUND: usize = 64;
    if span.is_empty() || span.len() >= MAX_SNAPPED_SHOWN {
        return span;
    }
    let n = text.len_chars();
    let (lo, hi) = (
        span.start.saturating_sub(AROUND),
        (span.end + AROUND).min(n),
    );
    let window = SourceText::from_str_normalizing(text.slice(lo, hi));
    let w = crate::model::ops::tagging::snap_to_words(
        &window,
        crate::model::Span::new(span.start - lo, span.end.min(n) - lo),
    );
    crate::model::Span::new(w.start + lo, w.end + lo)
}

/// A cursor before local char `c` that, at a wrap, stands at the start of the next row (the
/// character there is drawn on that row).
fn next_row_cursor(c: usize) -> CCursor {
    let mut cc = CCursor::new(c);
    cc.prefer_next_row = true;
    cc
}

/// Blank lines (paragraph breaks) take half a line.
fn empty_line_height(line_height: f32) -> f32 {
    (line_height * 0.5).round()
}

/// Rectangles covering local chars `[a, b)` of a laid-out line, one per row.
fn span_rects(galley: &egui::Galley, a: usize, b: usize) -> Vec<Rect> {
    let mut out = Vec::new();
    if b <= a {
        return out;
    }
    let ca = CCursor::new(a);
    let mut cb = CCursor::new(b);
    cb.prefer_next_row = false;
    let (ra, rb) = (
        galley.layout_from_cursor(ca).row,
        galley.layout_from_cursor(cb).row,
    );
    let (pa, pb) = (galley.pos_from_cursor(ca), galley.pos_from_cursor(cb));
    for r in ra..=rb.min(galley.rows.len().saturating_sub(1)) {
        let row = galley.rows[r].rect();
        let x0 = if r == ra { pa.min.x } else { row.min.x };
        let x1 = if r == rb { pb.min.x } else { row.max.x };
        if x1 > x0 {
            out.push(Rect::from_min_max(pos2(x0, row.min.y), pos2(x1, row.max.y)));
        }
    }
    out
}

impl Reader {
    /// Where code point `offset` of the open document was drawn in the last frame (the
    /// rectangle of the character starting there), if it was on screen.
    pub fn char_rect(&self, offset: usize) -> Option<Rect> {
        let (r, top, g) = self
            .drawn
            .iter()
            .find(|(r, _, _)| r.start <= offset && offset < r.end)?;
        let a = g.pos_from_cursor(next_row_cursor(offset - r.start));
        let b = g.pos_from_cursor(CCursor::new(offset - r.start + 1));
        let rect = if b.min.y == a.min.y && b.min.x > a.min.x {
            Rect::from_min_max(a.min, pos2(b.min.x, a.max.y))
        } else {
            a.expand2(vec2(2.0, 0.0))
        };
        Some(rect.translate(top.to_vec2()))
    }

    fn prepare(
        &mut self,
        ui: &egui::Ui,
        size: f32,
        generation: u64,
        project: &crate::model::Project,
        doc: &Document,
        width: f32,
    ) {
        let l = &mut self.layout;
        let text = doc.text_or_empty();
        let same_doc = l.doc == Some(doc.id());
        if !same_doc || l.generation != generation || l.index.starts.is_empty() {
            l.pieces = Pieces::new(text);
            let only = l.annotator.as_deref();
            // Independent annotation: only the annotator's own layer (docs/agreement.md).
            let viewer = crate::model::layers::Viewer {
                annotator: l.me.as_deref(),
                curating: l.curating,
            };
            let visible = crate::model::layers::visible_to(project, doc.id(), viewer);
            l.index = LineIndex::build_by(doc, &project.schema, &l.pieces, only, &visible);
            l.generation = generation;
        }
        if !same_doc
            || (l.width - width).abs() > 0.5
            || l.size != size
            || l.heights.len() != l.pieces.len()
        {
            // Keep the line at the top of the view where it is when the width or text size
            // changes (resizing the window must not lose the reading position).
            // While an earlier resize is still settling, that line is the one to keep (the
            // view may not have reached it yet: a drag resizes every frame).
            let keep = (same_doc && !l.tops.is_empty()).then(|| match self.keep_top {
                Some((line, frac, _)) => (line, frac),
                None => {
                    let line = l.line_at(self.view_top);
                    let into = self.view_top - l.tops.get(line).copied().unwrap_or(0.0);
                    let frac = into / l.heights.get(line).copied().unwrap_or(1.0).max(1.0);
                    (line, frac)
                }
            });
            let font = FontId::proportional(size);
            let (row, avg) = ui.fonts_mut(|f| (f.row_height(&font), f.glyph_width(&font, 'n')));
            l.line_height = (row + 2.0 * BAR_ROOM).round();
            l.doc = Some(doc.id());
            l.width = width;
            l.size = size;
            let n = l.pieces.len();
            l.heights.clear();
            l.exact.clear();
            l.heights.reserve(n);
            let per_row = (width / avg.max(1.0)).max(1.0);
            for i in 0..n {
                let chars = l.pieces.range(i).len() as f32;
                if chars == 0.0 {
                    l.heights.push(empty_line_height(l.line_height));
                    continue;
                }
                let rows = (chars / per_row).ceil().max(1.0);
                l.heights.push(rows * l.line_height);
            }
            l.exact.resize(n, false);
            l.recompute_tops();
            if let Some((line, frac)) = keep {
                self.keep_top = Some((line, frac.clamp(0.0, 1.0), SETTLE_FRAMES));
            }
        }
    }

    fn galley(
        &self,
        ui: &egui::Ui,
        text: &SourceText,
        line: usize,
        font: &FontId,
        color: Color32,
    ) -> Arc<egui::Galley> {
        let r = self.layout.pieces.range(line);
        let job = line_job(
            text.slice(r.start, r.end),
            font,
            color,
            self.layout.line_height,
            self.layout.width,
        );
        ui.fonts_mut(|f| f.layout_job(job))
    }

    /// Code point under a screen position, given the content origin.
    fn hit(
        &self,
        ui: &egui::Ui,
        text: &SourceText,
        origin: Pos2,
        pos: Pos2,
        font: &FontId,
    ) -> (usize, usize) {
        let line = self.layout.line_at(pos.y - origin.y);
        let g = self.galley(ui, text, line, font, Color32::WHITE);
        let top = origin + vec2(0.0, self.layout.tops.get(line).copied().unwrap_or(0.0));
        let c = g.cursor_from_pos(pos - top);
        let r = self.layout.pieces.range(line);
        (line, (r.start + c.index.0).min(r.end))
    }
}

impl View for Reader {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        super::reader_edit::banner(ui, st, ui.max_rect());
        self.drawn.clear();
        // The session is taken out for the frame so the selection can change while the
        // document is borrowed; it is always put back.
        let Some(session) = st.session.take() else {
            ui.centered_and_justified(|ui| {
                ui.label("No project open. Use Project → Open…, or drop a project file or a folder of .txt/.md sources here.");
            });
            return;
        };
        self.show_doc(ui, st, &session);
        st.session = Some(session);
        self.tag_popup(ui, st);
    }
}

/// What drawing one frame's lines needs, read once per frame.
struct Frame<'a> {
    project: &'a crate::model::Project,
    doc: &'a Document,
    text: &'a SourceText,
    painter: egui::Painter,
    origin: Pos2,
    font: FontId,
    text_color: Color32,
    sel_bg: Color32,
    outline: Color32,
    /// The selection as it is shown (snapped to words when that is on).
    sel_spans: Vec<crate::model::Span>,
    /// The selected event's fillers, linked to it on screen.
    links: HashMap<AnnId, String>,
    find_here: bool,
    find_current: Option<crate::model::Span>,
    hover: Option<Pos2>,
    /// Whether screen readers are listening (the annotations in view become nodes).
    expose: bool,
}

/// What drawing the lines found out.
#[derive(Default)]
struct Drawn {
    ann_nodes: Vec<access::AnnNode>,
    link_rects: HashMap<AnnId, Rect>,
    /// The annotations under the pointer, shortest first.
    hover_info: Option<Vec<AnnId>>,
    changed_heights: bool,
    visible_lines: usize,
}

impl Reader {
    fn show_doc(
        &mut self,
        ui: &mut egui::Ui,
        st: &mut AppState,
        session: &crate::session::Session,
    ) {
        let project = &session.project;
        let Some(doc) = st.doc.and_then(|d| project.documents.get(&d)) else {
            ui.centered_and_justified(|ui| ui.label("No document selected."));
            return;
        };
        if doc.text.is_none() {
            ui.label(format!(
                "“{}” has no readable transcription.",
                doc.meta.title
            ));
            return;
        }
        let text = doc.text_or_empty();
        let width = (ui.available_width() - 16.0).max(80.0);
        // The annotator filter (chosen in the inspector): a change rebuilds the index.
        if self.layout.annotator != st.reader_annotator
            || self.layout.me != st.prefs.annotator
            || self.layout.curating != st.curation_open
        {
            self.layout.annotator.clone_from(&st.reader_annotator);
            self.layout.me.clone_from(&st.prefs.annotator);
            self.layout.curating = st.curation_open;
            self.layout.index = LineIndex::default();
        }
        let switched = self.layout.doc != Some(doc.id());
        self.prepare(
            ui,
            st.prefs.text_size,
            session.generation,
            project,
            doc,
            width,
        );
        // A thumb that stays big enough to grab on a long document.
        ui.spacing_mut().scroll.handle_min_length = 32.0;
        let area = self.scroll_area(ui, st, text, switched);
        let drawn = area
            .show_viewport(ui, |ui, viewport| {
                self.viewport(ui, st, project, doc, width, viewport)
            })
            .inner;
        self.last_visible_lines = drawn.visible_lines;
        if drawn.changed_heights {
            self.layout.recompute_tops();
            ui.ctx().request_repaint();
        }
    }

    /// The scroll area, at the offset this frame needs: the top line kept after a resize, a
    /// page move, a jump's target held in view while heights settle.
    fn scroll_area(
        &mut self,
        ui: &egui::Ui,
        st: &mut AppState,
        text: &SourceText,
        switched: bool,
    ) -> egui::ScrollArea {
        let mut area = egui::ScrollArea::vertical()
            .id_salt("reader-scroll")
            .auto_shrink([false, false]);
        // After a resize, the line that was at the top is put there again for a few frames,
        // from the heights as they are now (lines get their real heights as they are laid
        // out; and until the scroll area knows the new content height it pulls an offset
        // past the old end back).
        if let Some((line, frac, tries)) = self.keep_top.take() {
            let l = &self.layout;
            if let (Some(top), Some(h)) = (l.tops.get(line), l.heights.get(line)) {
                self.pending_scroll = Some(top + frac * h);
            }
            if tries > 0 {
                self.keep_top = Some((line, frac, tries - 1));
                ui.ctx().request_repaint();
            }
        }
        if let Some(y) = self.pending_scroll.take() {
            area = area.vertical_scroll_offset(y);
        }
        if let Some(off) = st.scroll_to.take() {
            let line = self.layout.pieces.of(off.min(text.len_chars()));
            let y = self.layout.tops.get(line).copied().unwrap_or(0.0);
            // Scroll only when the line is not already in view (in this document: the view
            // of the one shown before says nothing).
            let cur = ui
                .ctx()
                .data(|d| d.get_temp::<(f32, f32)>(egui::Id::unique("reader-view")));
            let visible =
                !switched && cur.is_some_and(|(a, b)| y >= a && y + self.layout.line_height <= b);
            if !visible {
                self.scroll_target = Some((line, SETTLE_FRAMES));
                self.keep_top = None;
            }
        }
        // A jump's line is put in view again for a few frames: lines above it are laid out
        // for the first time as the view moves, and their real heights push it down.
        if let Some((line, tries)) = self.scroll_target.take() {
            let y = self.layout.tops.get(line).copied().unwrap_or(0.0);
            area = area.vertical_scroll_offset((y - 80.0).max(0.0));
            if tries > 0 {
                self.scroll_target = Some((line, tries - 1));
                ui.ctx().request_repaint();
            }
        }
        area
    }

    /// The visible part of the document: the one text widget, the lines in view with their
    /// marks, event links, the accessibility tree, pointer input and the hover card.
    fn viewport(
        &mut self,
        ui: &mut egui::Ui,
        st: &mut AppState,
        project: &crate::model::Project,
        doc: &Document,
        width: f32,
        viewport: Rect,
    ) -> Drawn {
        let text = doc.text_or_empty();
        self.view_top = viewport.min.y;
        self.view_height = viewport.height();
        ui.ctx().data_mut(|d| {
            d.insert_temp(
                egui::Id::unique("reader-view"),
                (viewport.min.y, viewport.max.y),
            )
        });
        let total = self.layout.total();
        let (rect, _) = ui.allocate_exact_size(
            vec2(width + 8.0, total.max(viewport.height())),
            Sense::hover(),
        );
        let resp = text_widget(ui, rect, viewport);
        let font = FontId::proportional(st.prefs.text_size);
        // With snapping on, the selection is shown as it will be tagged (whole words),
        // already while dragging.
        let sel_spans: Vec<crate::model::Span> = if st.prefs.snap_words {
            st.sel
                .spans()
                .into_iter()
                .map(|s| snapped(text, s))
                .collect()
        } else {
            st.sel.spans()
        };
        self.shown_selection.clone_from(&sel_spans);
        let f = Frame {
            project,
            doc,
            text,
            painter: ui.painter_at(ui.clip_rect()),
            origin: rect.min + vec2(4.0, 0.0),
            text_color: ui.visuals().text_color(),
            sel_bg: ui.visuals().selection.bg_fill,
            outline: ui.visuals().strong_text_color(),
            sel_spans,
            links: event_links(doc, project, st.selected),
            // Find hits are drawn when they were computed for this document.
            find_here: st
                .find
                .hits_for
                .as_ref()
                .is_some_and(|(_, d, _)| *d == doc.id()),
            find_current: st.find.hits.get(st.find.current).copied(),
            hover: resp.hover_pos(),
            expose: ui.ctx().accesskit_node_builder(resp.id, |_| ()).is_some(),
            font,
        };
        let first = self.layout.line_at(viewport.min.y);
        self.first_visible_line = first;
        self.first_visible_offset =
            (first < self.layout.pieces.len()).then(|| self.layout.pieces.range(first).start);
        self.drawn.clear();
        self.find_hits_drawn = 0;
        self.suggestions_drawn.clear();
        let mut out = Drawn::default();
        let mut line = first;
        while line < self.layout.pieces.len() && self.layout.tops[line] < viewport.max.y {
            self.draw_line(ui, st, &f, line, &mut out);
            line += 1;
        }
        if let Some(sel) = st.selected {
            draw_event_links(
                &f.painter,
                sel,
                &f.links,
                &out.link_rects,
                &f.font,
                f.outline,
            );
        }
        if f.expose {
            // A screen reader moving the caret (Say All, `set_caret_offset`) moves ours,
            // anywhere in the document; the view follows it.
            if let Some((anchor, caret)) =
                access::requested_selection(ui.ctx(), resp.id, &self.access_runs)
            {
                st.sel = crate::app::Selection {
                    anchor,
                    caret,
                    fragments: Vec::new(),
                };
                st.scroll_to = Some(caret);
                ui.ctx().request_repaint();
            }
            // A screen reader clicking (or focusing) an annotation's node selects it, as a
            // click on it does, with the caret at its start; the announcer then reads it.
            if let Some((a, at)) = access::requested_annotation(ui.ctx(), resp.id, &out.ann_nodes) {
                st.selected = Some(a);
                st.sel = crate::app::Selection::at(at);
                resp.request_focus();
            }
            let src = access::Source {
                text,
                pieces: &self.layout.pieces,
                index: &self.layout.index,
                drawn: &self.drawn,
            };
            self.access_runs = access::expose(ui, resp.id, &src, &st.sel, &mut out.ann_nodes);
        }
        self.pointer(ui, st, &resp, &f, out.hover_info.as_deref());
        // The tooltip would cover the "Tag as" popup: none while it is open.
        if let Some(anns) = out.hover_info.as_ref().filter(|_| st.tag_popup.is_none()) {
            hover_card(&resp, project, doc, anns);
        } else if st.tag_popup.is_none() {
            self.suggestion_card(&resp, st.suggest.shown(doc.id()), project);
        }
        out
    }

    /// One line (or piece of a long line): selection, find hits, the text, annotation bars
    /// and "+N" markers, the caret; and what is under the pointer.
    fn draw_line(
        &mut self,
        ui: &egui::Ui,
        st: &AppState,
        f: &Frame<'_>,
        line: usize,
        out: &mut Drawn,
    ) {
        out.visible_lines += 1;
        let top = f.origin + vec2(0.0, self.layout.tops[line]);
        let g = self.galley(ui, f.text, line, &f.font, f.text_color);
        let r = self.layout.pieces.range(line);
        let h = if r.is_empty() {
            empty_line_height(self.layout.line_height)
        } else {
            g.size().y.max(self.layout.line_height)
        };
        if (h - self.layout.heights[line]).abs() > 0.5 {
            self.layout.heights[line] = h;
            out.changed_heights = true;
        }
        self.layout.exact[line] = true;
        let band = |rr: Rect| {
            rr.translate(top.to_vec2())
                .shrink2(vec2(0.0, BAR_ROOM - 1.0))
        };
        // Selection background.
        for s in &f.sel_spans {
            let (a, b) = (s.start.max(r.start), s.end.min(r.end));
            if b > a {
                for rr in span_rects(&g, a - r.start, b - r.start) {
                    f.painter.rect_filled(band(rr), 2.0, f.sel_bg);
                }
            }
        }
        // Every find hit in view, the current one stronger.
        let find_hits = if f.find_here {
            st.find.hits_in(r.clone())
        } else {
            &[]
        };
        for hit in find_hits {
            let (a, b) = (hit.start.max(r.start), hit.end.min(r.end));
            if b <= a {
                continue;
            }
            self.find_hits_drawn += 1;
            let current = f.find_current == Some(*hit);
            for rr in span_rects(&g, a - r.start, b - r.start) {
                f.painter
                    .rect_filled(band(rr), 2.0, if current { FIND_CURRENT } else { FIND_HIT });
            }
        }
        let caret_here =
            st.sel.caret >= r.start && st.sel.caret <= r.end && st.sel.span().is_empty();
        f.painter.galley(top, g.clone(), f.text_color);
        self.drawn.push((r.clone(), top, g.clone()));
        if f.expose {
            self.annotation_nodes(f, line, &g, top, out);
        }
        self.annotation_bars(st, f, line, &g, top, out);
        let shown = st.suggest.shown(f.doc.id());
        self.draw_suggestions(f, shown, st.suggest.current, &r, &g, top);
        if caret_here {
            let c = st.sel.caret - r.start;
            // At a wrap, the caret is at the start of the next row.
            let p = g
                .pos_from_cursor(next_row_cursor(c))
                .translate(top.to_vec2());
            f.painter.line_segment(
                [
                    pos2(p.min.x, p.min.y + BAR_ROOM - 2.0),
                    pos2(p.min.x, p.max.y - BAR_ROOM + 2.0),
                ],
                Stroke::new(1.5, f.text_color),
            );
        }
        if let Some(hp) = f.hover
            && hp.y >= top.y
            && hp.y < top.y + h
        {
            let c = g.cursor_from_pos(hp - top).index.0 as u32;
            let mut under: Vec<&Seg> = self
                .layout
                .index
                .line(line)
                .iter()
                .filter(|s| s.start <= c && c < s.end)
                .collect();
            under.sort_by_key(|s| s.extent_len);
            if !under.is_empty() {
                out.hover_info = Some(under.iter().map(|s| s.ann).collect());
            }
        }
    }

    /// The annotations of `line` as accessibility nodes (each once, at its first piece).
    fn annotation_nodes(
        &self,
        f: &Frame<'_>,
        line: usize,
        g: &egui::Galley,
        top: Pos2,
        out: &mut Drawn,
    ) {
        for seg in self.layout.index.line(line) {
            if out.ann_nodes.iter().any(|a| a.ann == seg.ann) {
                continue;
            }
            let Some(rr) = span_rects(g, seg.start as usize, seg.end as usize)
                .first()
                .map(|rr| rr.translate(top.to_vec2()))
            else {
                continue;
            };
            if let Some(d) = describe_annotation(f.project, f.doc.id(), seg.ann) {
                let r = self.layout.pieces.range(line);
                let span = f
                    .project
                    .annotation(f.doc.id(), seg.ann)
                    .and_then(|a| a.anchor())
                    .and_then(|t| Some(t.fragments.first()?.start..t.fragments.last()?.end))
                    .unwrap_or(r.start + seg.start as usize..r.start + seg.end as usize);
                out.ann_nodes.push(access::AnnNode {
                    ann: seg.ann,
                    rect: rr,
                    label: d,
                    span,
                });
            }
        }
    }

    /// The underline bars of `line` (at most `MAX_BAR_DEPTH` deep), the selected
    /// annotation's outline, and "+N" for annotations stacked deeper.
    fn annotation_bars(
        &self,
        st: &AppState,
        f: &Frame<'_>,
        line: usize,
        g: &egui::Galley,
        top: Pos2,
        out: &mut Drawn,
    ) {
        for seg in self.layout.index.line(line) {
            if seg.depth >= MAX_BAR_DEPTH {
                continue;
            }
            let selected = st.selected == Some(seg.ann) || st.pages.linked_text == Some(seg.ann);
            let linked = selected || f.links.contains_key(&seg.ann);
            for rr in span_rects(g, seg.start as usize, seg.end as usize) {
                let rr = rr.translate(top.to_vec2());
                if linked {
                    out.link_rects.entry(seg.ann).or_insert(rr);
                }
                f.painter.extend(seg_shapes(seg, rr));
                if selected {
                    f.painter.rect_stroke(
                        rr.shrink2(vec2(-1.0, BAR_ROOM - 2.0)),
                        2.0,
                        Stroke::new(1.5, f.outline),
                        egui::StrokeKind::Outside,
                    );
                }
            }
        }
        // "+N" for annotations stacked too deep to draw, under the deepest bar.
        for m in self.layout.index.markers(line) {
            let p = g
                .pos_from_cursor(CCursor::new(m.start as usize))
                .translate(top.to_vec2());
            f.painter.text(
                pos2(p.min.x, p.max.y - 1.0),
                egui::Align2::LEFT_BOTTOM,
                format!("+{}", m.count),
                FontId::proportional((f.font.size * 0.55).max(8.0)),
                f.outline,
            );
        }
    }

    /// Pointer input: a click selects an annotation or places the caret; a drag selects
    /// text (Ctrl adds a fragment); a right click on a selection opens "Tag as".
    fn pointer(
        &mut self,
        ui: &egui::Ui,
        st: &mut AppState,
        resp: &egui::Response,
        f: &Frame<'_>,
        hover_info: Option<&[AnnId]>,
    ) {
        if resp.drag_started()
            && let Some(p) = ui
                .input(|i| i.pointer.press_origin())
                .or(resp.interact_pointer_pos())
        {
            let (_, off) = self.hit(ui, f.text, f.origin, p, &f.font);
            let add = ui.input(|i| i.modifiers.command || i.modifiers.ctrl);
            let mut frags = if add { st.sel.spans() } else { Vec::new() };
            frags.retain(|s| !s.is_empty());
            st.sel = Selection {
                anchor: off,
                caret: off,
                fragments: frags,
            };
            st.tag_popup = None;
            resp.request_focus();
        } else if resp.dragged()
            && let Some(p) = resp.interact_pointer_pos()
        {
            let (_, off) = self.hit(ui, f.text, f.origin, p, &f.font);
            st.sel.caret = off;
        }
        if resp.drag_stopped() && !st.sel.span().is_empty() {
            st.tag_popup = resp.interact_pointer_pos().map(|p| p + vec2(8.0, 12.0));
        }
        if resp.clicked()
            && let Some(p) = resp.interact_pointer_pos()
        {
            let (_, off) = self.hit(ui, f.text, f.origin, p, &f.font);
            resp.request_focus();
            st.tag_popup = None;
            st.sel = Selection::at(off);
            let hit = hover_info.and_then(|v| v.first().copied());
            st.queue.push(Message::SelectAnnotation(hit));
            // A click on a suggestion (not on an annotation) accepts it.
            if hit.is_none() && st.suggest.at(f.doc.id(), off).is_some() {
                st.queue.push(Message::SuggestionClicked(off));
            }
        }
        if resp.secondary_clicked() && !st.sel.is_empty() {
            st.tag_popup = resp.interact_pointer_pos();
        }
    }

    /// The "Tag as" popup: one button per entity type, then per event type, with hotkeys.
    fn tag_popup(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        let Some(pos) = st.tag_popup else { return };
        if st.sel.is_empty() {
            st.tag_popup = None;
            return;
        }
        let Some(p) = st.session.as_ref().map(|s| &s.project) else {
            return;
        };
        let types = popup_types(&p.schema);
        let mut picked = None;
        egui::Area::new(egui::Id::unique("tag-popup"))
            .fixed_pos(pos)
            .order(egui::Order::Foreground)
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.label("Tag as");
                    let first_event = types
                        .iter()
                        .position(|t| matches!(t.0, Command::NewEvent(_)));
                    for (i, (cmd, label, key, color)) in types.iter().enumerate() {
                        if Some(i) == first_event {
                            ui.separator();
                            ui.label("New event");
                        }
                        let c = parse_color(color)
                            .map_or(Color32::GRAY, |[r, g, b]| Color32::from_rgb(r, g, b));
                        ui.horizontal(|ui| {
                            let (r, _) = ui.allocate_exact_size(Vec2::splat(10.0), Sense::hover());
                            ui.painter().rect_filled(r, 2.0, c);
                            let text = match key {
                                Some(k) => format!("{label}  ({})", k.to_ascii_uppercase()),
                                None => label.clone(),
                            };
                            if ui.button(text).clicked() {
                                picked = Some(cmd.clone());
                            }
                        });
                    }
                });
            });
        if let Some(cmd) = picked {
            st.queue.push(cmd);
            st.tag_popup = None;
        }
    }
}

/// The one widget that is the document text, with a fixed id (focus can be given to it from
/// anywhere: Tab, F6). Focused, it owns the caret keys and Esc, and shows a frame.
fn text_widget(ui: &mut egui::Ui, rect: Rect, viewport: Rect) -> egui::Response {
    let resp = ui.interact(rect, reader_id(), Sense::click_and_drag());
    resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Document, true, "Document text"));
    if resp.has_focus() {
        // Only Tab leaves it.
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
        ui.painter().rect_stroke(
            viewport.translate(rect.min.to_vec2()).shrink(1.0),
            2.0,
            ui.visuals().selection.stroke,
            egui::StrokeKind::Inside,
        );
    }
    resp
}

/// The card shown over the annotations under the pointer: type, linked entry, the start of
/// the note; at most `MAX_TOOLTIP_LINES`, the rest counted.
fn hover_card(resp: &egui::Response, p: &crate::model::Project, doc: &Document, anns: &[AnnId]) {
    let more = anns.len().saturating_sub(MAX_TOOLTIP_LINES);
    let mut lines: Vec<String> = anns
        .iter()
        .take(MAX_TOOLTIP_LINES)
        .filter_map(|id| p.annotation(doc.id(), *id))
        .map(|a| {
            let mut s = p.schema.label(a.type_id()).to_owned();
            if let Some(e) = a
                .as_mention()
                .and_then(|m| m.entry)
                .and_then(|e| p.registry.get(&e))
            {
                s.push_str(&format!(" → {}", e.name));
            }
            if !a.note.is_empty() {
                let note: String = a.note.chars().take(200).collect();
                let cut = if note.len() < a.note.len() { "…" } else { "" };
                s.push_str(&format!(" — {note}{cut}"));
            }
            s
        })
        .collect();
    if more > 0 {
        lines.push(format!("… and {more} more"));
    }
    resp.clone().on_hover_ui_at_pointer(|ui| {
        for l in lines {
            ui.label(l);
        }
    });
}

/// What the "Tag as" popup offers: each entity type (tag as a mention), then each event
/// type (a new event on the selection), as (command, label, hotkey, colour).
pub fn popup_types(schema: &crate::model::Schema) -> Vec<(Command, String, Option<char>, String)> {
    let entities = schema.entity_types.iter().map(|t| {
        (
            Command::TagAs(t.id.clone()),
            t.label.clone(),
            t.hotkey,
            t.color.clone(),
        )
    });
    let events = schema.event_types.iter().map(|t| {
        (
            Command::NewEvent(t.id.clone()),
            t.label.clone(),
            t.hotkey,
            t.color.clone(),
        )
    });
    entities.chain(events).collect()
}

/// The role fillers of the selected annotation when it is an event: filler annotation →
/// role label (several roles joined by ", ").
fn event_links(
    doc: &Document,
    project: &crate::model::Project,
    selected: Option<AnnId>,
) -> HashMap<AnnId, String> {
    let mut out: HashMap<AnnId, String> = HashMap::new();
    let Some(ev) = selected
        .and_then(|id| doc.annotations.get(&id))
        .and_then(|a| a.as_event())
    else {
        return out;
    };
    let ty = project.schema.event(&ev.type_id);
    for (role, fillers) in &ev.roles {
        let label = ty
            .and_then(|t| t.role(role))
            .map_or_else(|| role.to_string(), |r| r.label.clone());
        for f in fillers {
            if let crate::model::Target::Annotation(a) = f {
                out.entry(*a)
                    .and_modify(|l| {
                        l.push_str(", ");
                        l.push_str(&label);
                    })
                    .or_insert_with(|| label.clone());
            }
        }
    }
    out
}

/// Draws a curve from the selected event's trigger to each visible role filler, and the
/// role's name above the filler. Fillers on screen are outlined even when the trigger is not.
fn draw_event_links(
    painter: &egui::Painter,
    event: AnnId,
    links: &HashMap<AnnId, String>,
    rects: &HashMap<AnnId, Rect>,
    font: &FontId,
    color: Color32,
) {
    let stroke = Stroke::new(1.2, color.gamma_multiply(0.7));
    let from = rects.get(&event).map(|r| r.center_top());
    let small = FontId::proportional((font.size * 0.7).max(9.0));
    for (ann, role) in links {
        let Some(r) = rects.get(ann) else { continue };
        painter.rect_stroke(
            r.expand(1.0),
            2.0,
            Stroke::new(1.0, color.gamma_multiply(0.6)),
            egui::StrokeKind::Outside,
        );
        let to = r.center_top();
        if let Some(from) = from {
            let lift = 18.0 + (from.y - to.y).abs() * 0.15;
            let ctrl = pos2((from.x + to.x) / 2.0, from.y.min(to.y) - lift);
            painter.add(egui::epaint::QuadraticBezierShape::from_points_stroke(
                [from, ctrl, to],
                false,
                Color32::TRANSPARENT,
                stroke,
            ));
        }
        painter.text(
            to - vec2(0.0, 2.0),
            egui::Align2::CENTER_BOTTOM,
            role,
            small.clone(),
            color,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_selected_event_links_its_fillers_by_role() {
        let dir = crate::build_info::sample_project();
        let loaded = crate::store::load(&dir).unwrap();
        let p = &loaded.project;
        let doc = p.documents.values().next().unwrap();
        let meeting = doc
            .annotations
            .values()
            .find(|a| {
                a.as_event()
                    .is_some_and(|e| e.type_id.as_str() == "meeting")
                    && a.anchor()
                        .is_some_and(|t| t.quote.exact == "meeting resumed")
            })
            .unwrap();
        let links = event_links(doc, p, Some(meeting.id));
        let label_of = |quote: &str| {
            doc.annotations
                .values()
                .find(|a| a.anchor().is_some_and(|t| t.quote.exact == quote))
                .and_then(|a| links.get(&a.id).cloned())
        };
        assert_eq!(label_of("NAM IL").as_deref(), Some("Participant"));
        assert_eq!(label_of("1500").as_deref(), Some("Time"));
        assert_eq!(label_of("1700").as_deref(), Some("End time"));
        let mention = doc.annotations.values().find(|a| a.as_mention().is_some());
        assert!(event_links(doc, p, mention.map(|a| a.id)).is_empty());
    }

    #[test]
    fn events_are_boxed_and_mentions_underlined() {
        let dir = crate::build_info::sample_project();
        let loaded = crate::store::load(&dir).unwrap();
        let p = &loaded.project;
        let doc = p.documents.values().next().unwrap();
        let index = LineIndex::build(doc, &p.schema, &Pieces::new(doc.text_or_empty()));
        let kind = |ann: AnnId| doc.annotations.get(&ann).map(|a| a.as_event().is_some());
        let (mut events, mut mentions) = (0, 0);
        let rr = Rect::from_min_size(pos2(10.0, 10.0), vec2(50.0, 20.0 + 2.0 * BAR_ROOM));
        for seg in &index.segs {
            assert_eq!(Some(seg.event), kind(seg.ann));
            let shapes = seg_shapes(seg, rr);
            if seg.event {
                events += 1;
                assert!(matches!(shapes[0], egui::Shape::Rect(_)), "{shapes:?}");
                assert!(matches!(shapes[1], egui::Shape::Path(_)), "trigger marker");
            } else {
                mentions += 1;
                assert_eq!(shapes.len(), 1);
                assert!(matches!(shapes[0], egui::Shape::LineSegment { .. }));
            }
        }
        assert!(
            events > 0 && mentions > 0,
            "{events} events, {mentions} mentions"
        );
    }

    #[test]
    fn the_tag_popup_offers_entity_and_event_types() {
        let schema = crate::model::Schema::default_diplomatic();
        let offered = popup_types(&schema);
        for t in &schema.entity_types {
            assert!(offered.iter().any(|o| o.0 == Command::TagAs(t.id.clone())));
        }
        for t in &schema.event_types {
            assert!(
                offered
                    .iter()
                    .any(|o| o.0 == Command::NewEvent(t.id.clone()) && o.1 == t.label),
                "{} missing",
                t.label
            );
        }
        assert_eq!(
            offered.len(),
            schema.entity_types.len() + schema.event_types.len()
        );
    }
}

#[cfg(test)]
mod snap_tests {
    use super::*;
    use crate::model::Span;

    #[test]
    fn the_shown_selection_is_the_snapped_one() {
        let t = SourceText::from_str_normalizing("The meeting. resumed at 1500");
        // Dragging over "eeting." shows "meeting", as tagging will take it.
        assert_eq!(snapped(&t, Span::new(5, 12)), Span::new(4, 11));
        assert_eq!(
            snapped(&t, Span::new(5, 12)),
            crate::model::ops::tagging::snap_to_words(&t, Span::new(5, 12))
        );
        assert_eq!(snapped(&t, Span::new(3, 3)), Span::new(3, 3));
        let long = "word ".repeat(5_000);
        let t = SourceText::from_str_normalizing(&long);
        assert_eq!(snapped(&t, Span::new(1, 12_000)), Span::new(1, 12_000));
        assert_eq!(snapped(&t, Span::new(101, 108)), Span::new(100, 109));
    }
}

#[cfg(test)]
mod stacking_tests {
    use super::*;
    use crate::model::{Annotation, Body, Mention, Schema, Slug, Span, TextAnchor};

    /// A document whose text is `raw`, with `n` person mentions on each of `spans`.
    fn stacked(raw: &str, spans: &[Span], n: usize) -> Document {
        let dir = tempfile::tempdir().expect("temp dir");
        let src = dir.path().join("t.txt");
        std::fs::write(&src, raw).expect("write source");
        let mut doc = crate::store::document_from_source(dir.path(), &src).expect("document");
        let text = doc.text_or_empty().clone();
        for s in spans {
            for _ in 0..n {
                let a = Annotation::new(Body::Mention(Mention {
                    type_id: Slug::new("person"),
                    anchor: TextAnchor::new(&text, &[*s]).expect("anchor"),
                    entry: None,
                    date: None,
                }));
                doc.annotations.insert(a.id, a);
            }
        }
        doc
    }

    /// Issue 8 §2: 257+ annotations on one span wrapped a u8 depth and never finished.
    #[test]
    fn ten_thousand_annotations_on_one_span_collapse_into_a_marker() {
        let doc = stacked("Kim Il Sung met Peng.\n", &[Span::new(0, 11)], 10_000);
        let pieces = Pieces::new(doc.text_or_empty());
        let index = LineIndex::build(&doc, &Schema::default_diplomatic(), &pieces);
        let row = index.line(0);
        assert_eq!(row.len(), 10_000);
        let drawn = row.iter().filter(|s| s.depth < MAX_BAR_DEPTH).count();
        assert_eq!(drawn, usize::from(MAX_BAR_DEPTH));
        assert_eq!(
            index.markers(0),
            &[Marker {
                start: 0,
                count: 10_000 - u32::from(MAX_BAR_DEPTH)
            }]
        );
    }

    #[test]
    fn levels_are_reused_once_free() {
        // Two separate stacks of two on one line: both fit, no marker.
        let doc = stacked("aaaa bbbb cccc\n", &[Span::new(0, 4), Span::new(5, 9)], 2);
        let pieces = Pieces::new(doc.text_or_empty());
        let index = LineIndex::build(&doc, &Schema::default_diplomatic(), &pieces);
        let depths: Vec<u8> = index.line(0).iter().map(|s| s.depth).collect();
        assert_eq!(depths, vec![0, 1, 0, 1]);
        assert!(index.markers(0).is_empty());
    }
}
