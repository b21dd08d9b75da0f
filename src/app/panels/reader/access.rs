//! The reader in the accessibility tree: the focusable `Document` node holds the
//! **document's whole text** as text runs (every line, not only those in view), so AT-SPI
//! offsets are the document's own code-point offsets (the anchors' offsets), stable as the
//! view scrolls, with a newline at the end of each source line exactly where the text has
//! one. Lines in view carry their on-screen geometry (egui's glyph positions); lines out of
//! view carry the text alone. Runs are cut where an annotation begins or ends, and runs
//! inside an annotation are underlined (the one text attribute AccessKit 0.25's Unix adapter
//! passes on that says what the reader draws: AT-SPI `underline:single`). The caret and
//! selection are the document's text selection, and a screen reader can set them
//! (`set_caret_offset`, `set_selection`: AccessKit's `SetTextSelection`) anywhere in the
//! document. Each annotation in view is one labelled `Mark` ("Person: Nam Il, linked to Nam
//! Il", described by its line), in reading order; clicking or focusing it selects it.
//!
//! AccessKit gives a `Paragraph` no text interface (only documents, labels and text
//! inputs), so lines are generic containers: AT-SPI does not show them, the document's text
//! is one string.

use crate::app::Selection;
use crate::model::{AnnId, SourceText};
use egui::accesskit;
use egui::{Galley, Id, Pos2, Rect, UiBuilder};
use std::ops::Range;
use std::sync::Arc;

use super::super::pieces::Pieces;
use super::LineIndex;

/// AccessKit's `word_starts` are `u8`: runs hold at most this many characters (an ending
/// newline may make one more: it is never a word start).
const MAX_CHARS_PER_TEXT_RUN: usize = 255;

/// Annotation nodes exposed at once; more in view are counted in the document's description.
const MAX_ANNOTATION_NODES: usize = 200;

/// Documents up to this many code points are exposed whole; a longer one as a window of
/// about three [`BLOCK`]s around the view, whose offsets count from the window's start
/// (which moves a block at a time, not with every scroll).
const MAX_EXPOSED_CHARS: usize = 300_000;
const BLOCK: usize = 100_000;

/// The pieces drawn this frame: their code points, screen position and galley.
pub(super) type DrawnPieces = [(Range<usize>, Pos2, Arc<Galley>)];

/// One text run as exposed: its node and the document code points it holds (`len` counts
/// the newline ending a line).
#[derive(Clone, Copy, Debug)]
struct RunAt {
    node: accesskit::NodeId,
    start: usize,
    len: usize,
}

/// The text runs exposed in the last frame, in document order: maps AccessKit text
/// positions to document offsets and back.
#[derive(Default)]
pub struct Runs(Vec<RunAt>);

impl Runs {
    /// The document offset of a text position; `None` for a node not exposed.
    fn offset_of(&self, pos: &accesskit::TextPosition) -> Option<usize> {
        let r = self.0.iter().find(|r| r.node == pos.node)?;
        Some(r.start + pos.character_index.min(r.len))
    }

    /// The text position of document offset `o` (clamped to what is exposed).
    fn position(&self, o: usize) -> Option<accesskit::TextPosition> {
        let i = self.0.partition_point(|r| r.start + r.len <= o);
        let r = match self.0.get(i) {
            Some(r) if r.start <= o => r,
            Some(r) => {
                return Some(accesskit::TextPosition {
                    node: r.node,
                    character_index: 0,
                });
            }
            None => self.0.last()?,
        };
        Some(accesskit::TextPosition {
            node: r.node,
            character_index: o.saturating_sub(r.start).min(r.len),
        })
    }

    /// The first document offset exposed (0 unless the document is too long to expose whole).
    pub fn first_offset(&self) -> usize {
        self.0.first().map_or(0, |r| r.start)
    }
}

/// An annotation in view, as its node shows it.
pub(super) struct AnnNode {
    pub ann: AnnId,
    /// Its first rectangle on screen.
    pub rect: Rect,
    /// "Person: Mao Zedong, linked to Mao Zedong".
    pub label: String,
    /// From the start of its first fragment to the end of its last (document code points).
    pub span: Range<usize>,
}

/// What the reader exposes: the text, its pieces and their annotation segments, and the
/// pieces drawn this frame.
pub(super) struct Source<'a> {
    pub text: &'a SourceText,
    pub pieces: &'a Pieces,
    pub index: &'a LineIndex,
    pub drawn: &'a DrawnPieces,
}

/// The pieces exposed: all of them, or a window around `view_start` in a long document.
fn exposed_pieces(text: &SourceText, pieces: &Pieces, view_start: usize) -> Range<usize> {
    if text.len_chars() <= MAX_EXPOSED_CHARS {
        return 0..pieces.len();
    }
    let lo = (view_start / BLOCK).saturating_sub(1) * BLOCK;
    pieces.of(lo)..(pieces.of(lo + 3 * BLOCK) + 1).min(pieces.len())
}

/// A caret or selection a screen reader set this frame over AT-SPI (`set_caret_offset`,
/// `add_selection`, `set_selection`: AccessKit's `SetTextSelection` on the document), as
/// (anchor, caret) document offsets, read against the runs exposed last frame (the tree the
/// screen reader saw).
pub(super) fn requested_selection(
    ctx: &egui::Context,
    doc_node: Id,
    runs: &Runs,
) -> Option<(usize, usize)> {
    let doc = doc_node.accesskit_id();
    ctx.input(|i| {
        i.events.iter().rev().find_map(|e| match e {
            egui::Event::AccessKitActionRequest(accesskit::ActionRequest {
                action: accesskit::Action::SetTextSelection,
                target_node,
                data: Some(accesskit::ActionData::SetTextSelection(sel)),
                ..
            }) if *target_node == doc => {
                Some((runs.offset_of(&sel.anchor)?, runs.offset_of(&sel.focus)?))
            }
            _ => None,
        })
    })
}

/// The annotation whose node a screen reader clicked or focused this frame (AT-SPI
/// `doAction`, `grabFocus`), and where it starts: the reader selects it and puts the caret
/// there, so reading goes on from the annotation's place in the text.
pub(super) fn requested_annotation(
    ctx: &egui::Context,
    doc_node: Id,
    anns: &[AnnNode],
) -> Option<(AnnId, usize)> {
    ctx.input(|i| {
        i.events.iter().rev().find_map(|e| match e {
            egui::Event::AccessKitActionRequest(accesskit::ActionRequest {
                action: accesskit::Action::Click | accesskit::Action::Focus,
                target_node,
                ..
            }) => anns
                .iter()
                .take(MAX_ANNOTATION_NODES)
                .find(|a| mark_node(doc_node, a.ann).accesskit_id() == *target_node)
                .map(|a| (a.ann, a.span.start)),
            _ => None,
        })
    })
}

/// The node id of annotation `ann`'s mark under `doc_node`.
fn mark_node(doc_node: Id, ann: AnnId) -> Id {
    doc_node.with(("annotation", ann))
}

/// Word starts of `chars` (egui's rule: a word character after a non-word one; `before`
/// is the character before the run).
fn word_starts(chars: &[char], before: Option<char>) -> Vec<u8> {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut prev = before;
    let mut out = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if word(c) && !prev.is_some_and(word) {
            out.push(u8::try_from(i).unwrap_or(u8::MAX));
        }
        prev = Some(c);
    }
    out
}

/// A row of a piece: its piece-local characters and, when drawn, its glyph geometry
/// (x position relative to the row's left edge, width) and screen rectangle.
struct Row {
    chars: Range<usize>,
    geometry: Option<(Vec<(f32, f32)>, Rect)>,
}

/// The rows of a drawn piece from its galley (`None` if the galley's glyphs do not match
/// the piece's characters one to one; the piece is then exposed as text alone).
fn galley_rows(g: &Galley, top: Pos2, chars: usize) -> Option<Vec<Row>> {
    let mut rows = Vec::with_capacity(g.rows.len());
    let mut at = 0;
    for row in &g.rows {
        let n = row.glyphs.len();
        let geo = row
            .glyphs
            .iter()
            .map(|gl| (gl.pos.x - row.pos.x, gl.advance_width))
            .collect();
        let rect = row.rect_without_leading_space().translate(top.to_vec2());
        rows.push(Row {
            chars: at..at + n,
            geometry: Some((geo, rect)),
        });
        at += n + usize::from(row.ends_with_newline);
    }
    (at == chars).then_some(rows)
}

/// Exposes the document under `doc_node`: every exposed piece's text runs (cut at
/// annotation boundaries, underlined inside annotations), then the annotation marks in
/// reading order, and the selection. Returns the runs, for next frame's action requests.
pub(super) fn expose(
    ui: &mut egui::Ui,
    doc_node: Id,
    src: &Source<'_>,
    sel: &Selection,
    anns: &mut [AnnNode],
) -> Runs {
    let ctx = ui.ctx().clone();
    let mut runs = Runs::default();
    if ctx.accesskit_node_builder(doc_node, |_| ()).is_none() {
        return runs;
    }
    let view_start = src.drawn.first().map_or(0, |(r, _, _)| r.start);
    let window = exposed_pieces(src.text, src.pieces, view_start);
    anns.sort_by_key(|a| (a.span.start, a.span.end));
    let mut next_ann = 0;
    let underline = accesskit::TextDecoration {
        style: accesskit::TextDecorationStyle::Solid,
        color: accesskit::Color {
            red: 0,
            green: 0,
            blue: 0,
            alpha: 255,
        },
    };
    for i in window.clone() {
        let r = src.pieces.range(i);
        let chars: Vec<char> = src.text.slice(r.start, r.end).chars().collect();
        // A source line's newline follows its last piece (not a long line's inner cuts).
        let newline = i + 1 < src.pieces.len() && src.pieces.range(i + 1).start > r.end;
        let drawn = src.drawn.iter().find(|(d, _, _)| d.start == r.start);
        let rows = drawn
            .and_then(|(_, top, g)| galley_rows(g, *top, chars.len()))
            .unwrap_or_else(|| {
                vec![Row {
                    chars: 0..chars.len(),
                    geometry: None,
                }]
            });
        // Piece-local annotation boundaries, and the spans a run may lie in.
        let segs = src.index.line(i);
        let mut cuts: Vec<usize> = segs
            .iter()
            .flat_map(|s| [s.start as usize, s.end as usize])
            .filter(|c| *c > 0 && *c < chars.len())
            .collect();
        cuts.sort_unstable();
        cuts.dedup();
        let piece = doc_node.with(("piece", r.start));
        let mut k = 0usize;
        let last_row = rows.len().saturating_sub(1);
        for (ri, row) in rows.iter().enumerate() {
            // The row cut at annotation boundaries and at the run length limit.
            let mut bounds = vec![row.chars.start];
            let mut a = row.chars.start;
            for &c in cuts
                .iter()
                .filter(|c| **c > row.chars.start && **c < row.chars.end)
                .chain(std::iter::once(&row.chars.end))
            {
                while c - a > MAX_CHARS_PER_TEXT_RUN {
                    a += MAX_CHARS_PER_TEXT_RUN;
                    bounds.push(a);
                }
                bounds.push(c);
                a = c;
            }
            bounds.dedup();
            if bounds.len() == 1 {
                bounds.push(row.chars.end);
            }
            // A line's newline ends its last run, or a run of its own when that run is
            // underlined (the newline is no part of a tagged word).
            let last_tagged = bounds.len() >= 2 && {
                let (a, b) = (bounds[bounds.len() - 2], bounds[bounds.len() - 1]);
                b > a
                    && segs
                        .iter()
                        .any(|s| (s.start as usize) <= a && b <= s.end as usize)
            };
            if ri == last_row && newline && last_tagged {
                bounds.push(row.chars.end);
            }
            let n_runs = bounds.len() - 1;
            for (j, w) in bounds.windows(2).enumerate() {
                let (a, b) = (w[0], w[1]);
                let id = piece.with(("run", k + j));
                let ends_piece = ri == last_row && j + 1 == n_runs;
                let mut value: String = chars[a..b].iter().collect();
                let mut lengths: Vec<u8> = chars[a..b]
                    .iter()
                    .map(|c| u8::try_from(c.len_utf8()).unwrap_or(4))
                    .collect();
                let ws = word_starts(&chars[a..b], a.checked_sub(1).map(|p| chars[p]));
                let tagged = b > a
                    && segs
                        .iter()
                        .any(|s| (s.start as usize) <= a && b <= s.end as usize);
                let geometry = row.geometry.as_ref().map(|(geo, rect)| {
                    let local = &geo[a - row.chars.start..b - row.chars.start];
                    let x0 = local.first().map_or(rect.max.x - rect.min.x, |g| g.0);
                    let x1 = local.last().map_or(x0, |g| g.0 + g.1);
                    let mut pos: Vec<f32> = local.iter().map(|g| g.0 - x0).collect();
                    let mut wid: Vec<f32> = local.iter().map(|g| g.1).collect();
                    if ends_piece && newline {
                        pos.push(x1 - x0);
                        wid.push(0.0);
                    }
                    let bounds = Rect::from_x_y_ranges(
                        rect.min.x + x0..=rect.min.x + x1,
                        rect.min.y..=rect.max.y,
                    );
                    (pos, wid, bounds)
                });
                if ends_piece && newline {
                    value.push('\n');
                    lengths.push(1);
                }
                let len = lengths.len();
                let _run = ui.new_child(
                    UiBuilder::new()
                        .scope_id(id)
                        .max_rect(geometry.as_ref().map_or(Rect::ZERO, |g| g.2))
                        .accessibility_parent(doc_node)
                        .accessibility_role(accesskit::Role::TextRun),
                );
                ctx.accesskit_node_builder(id, |n| {
                    n.set_role(accesskit::Role::TextRun);
                    n.set_text_direction(accesskit::TextDirection::LeftToRight);
                    n.set_value(value);
                    n.set_character_lengths(lengths);
                    n.set_word_starts(ws);
                    if let Some((pos, wid, b)) = geometry {
                        n.set_bounds(accesskit::Rect {
                            x0: b.min.x.into(),
                            y0: b.min.y.into(),
                            x1: b.max.x.into(),
                            y1: b.max.y.into(),
                        });
                        n.set_character_positions(pos);
                        n.set_character_widths(wid);
                    }
                    // Runs of one row (or of one piece out of view) make one line.
                    if j > 0 {
                        n.set_previous_on_line(piece.with(("run", k + j - 1)).accesskit_id());
                    }
                    if j + 1 < n_runs {
                        n.set_next_on_line(piece.with(("run", k + j + 1)).accesskit_id());
                    }
                    if tagged {
                        n.set_underline(underline);
                    }
                });
                runs.0.push(RunAt {
                    node: id.accesskit_id(),
                    start: r.start + a,
                    len,
                });
            }
            k += n_runs;
        }
        // The annotations that begin in this piece, after its text (reading order).
        while let Some(a) = anns
            .get(next_ann)
            .filter(|a| a.span.start < r.end.max(r.start + 1))
        {
            if next_ann < MAX_ANNOTATION_NODES {
                add_mark(ui, doc_node, a, src.text);
            }
            next_ann += 1;
        }
    }
    for a in anns.iter().take(MAX_ANNOTATION_NODES).skip(next_ann) {
        add_mark(ui, doc_node, a, src.text);
    }
    if let (Some(anchor), Some(focus)) = (runs.position(sel.anchor), runs.position(sel.caret)) {
        ctx.accesskit_node_builder(doc_node, |n| {
            n.set_text_selection(accesskit::TextSelection { anchor, focus });
        });
    }
    let mut notes = Vec::new();
    if window != (0..src.pieces.len()) {
        notes.push(format!(
            "Long document: text from character {} of {}",
            runs.first_offset(),
            src.text.len_chars()
        ));
    }
    if anns.len() > MAX_ANNOTATION_NODES {
        let more = anns.len() - MAX_ANNOTATION_NODES;
        notes.push(format!("{more} more annotations in view are not listed"));
    }
    if !notes.is_empty() {
        ctx.accesskit_node_builder(doc_node, |n| n.set_description(notes.join("; ")));
    }
    runs
}

/// One annotation's node: named by what it is, described by its line, focusable and
/// clickable (either selects it).
fn add_mark(ui: &mut egui::Ui, doc_node: Id, a: &AnnNode, text: &SourceText) {
    let ctx = ui.ctx().clone();
    let mark = ui.new_child(
        UiBuilder::new()
            .scope_id(mark_node(doc_node, a.ann))
            .max_rect(a.rect)
            .accessibility_parent(doc_node)
            .accessibility_role(accesskit::Role::Mark)
            .accessibility_label(a.label.clone()),
    );
    let line = text.line_of(a.span.start.min(text.len_chars())) + 1;
    ctx.accesskit_node_builder(mark.unique_id(), |n| {
        n.add_action(accesskit::Action::Focus);
        n.add_action(accesskit::Action::Click);
        n.set_description(format!("line {line}"));
        n.set_bounds(accesskit::Rect {
            x0: a.rect.min.x.into(),
            y0: a.rect.min.y.into(),
            x1: a.rect.max.x.into(),
            y1: a.rect.max.y.into(),
        });
    });
}
