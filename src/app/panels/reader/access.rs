//! The reader in the accessibility tree: under the focusable `Document` node, one
//! `Paragraph` per visible piece carrying egui text runs (so a screen reader reads by line,
//! word and character), the caret and selection as the document's text selection, and one
//! labelled `Mark` per annotation in view ("Person: Nam Il, linked to Nam Il").
//! Only what is on screen is exposed, like the drawing.

use crate::app::Selection;
use crate::model::AnnId;
use egui::accesskit;
use egui::emath::TSTransform;
use egui::text::CCursor;
use egui::{Galley, Id, Pos2, Rect, UiBuilder};
use std::ops::Range;
use std::sync::Arc;

/// AccessKit's `word_starts` are `u8`: egui splits a row into runs of at most this many
/// characters (egui's `MAX_CHARS_PER_TEXT_RUN`).
const MAX_CHARS_PER_TEXT_RUN: usize = 255;

/// Annotation nodes exposed at once; more in view are counted in the document's description.
const MAX_ANNOTATION_NODES: usize = 200;

/// The id of the node of the piece starting at code point `start`.
fn piece_node(doc_node: Id, start: usize) -> Id {
    doc_node.with(("piece", start))
}

/// Where character `offset` (piece-local) of a piece's galley is, as egui numbers its runs.
fn text_position(piece: Id, galley: &Galley, offset: usize) -> accesskit::TextPosition {
    let lc = galley.layout_from_cursor(CCursor::new(offset));
    let column = lc.column.0;
    let chunk = if column > 0 && column.is_multiple_of(MAX_CHARS_PER_TEXT_RUN) {
        column / MAX_CHARS_PER_TEXT_RUN - 1
    } else {
        column / MAX_CHARS_PER_TEXT_RUN
    };
    accesskit::TextPosition {
        node: piece.with(lc.row).with(chunk).accesskit_id(),
        character_index: column - chunk * MAX_CHARS_PER_TEXT_RUN,
    }
}

/// Ends a piece's last text run with a newline, as egui does for a row that ends one: the
/// pieces are source lines drawn apart, and without it a screen reader reading the
/// document's text ran one line into the next ("…[Stalin]Citation:") and read a blank line
/// as the next one. Adds one character (the newline) at the end of the line's last row.
fn end_with_newline(ctx: &egui::Context, piece: Id, galley: &Galley) {
    let Some((row_index, row)) = galley.rows.iter().enumerate().next_back() else {
        return;
    };
    if row.ends_with_newline {
        return;
    }
    let chars = row.glyphs.len();
    let chunk = chars.saturating_sub(1) / MAX_CHARS_PER_TEXT_RUN;
    let run = piece.with(row_index).with(chunk);
    let width = row.size.x;
    ctx.accesskit_node_builder(run, |n| {
        if n.role() != accesskit::Role::TextRun {
            return;
        }
        let mut value = n.value().unwrap_or_default().to_owned();
        if value.ends_with('\n') {
            return;
        }
        value.push('\n');
        let mut lengths = n.character_lengths().to_vec();
        lengths.push(1);
        let mut positions = n.character_positions().map(<[f32]>::to_vec);
        let mut widths = n.character_widths().map(<[f32]>::to_vec);
        let x = match (&positions, &widths) {
            (Some(p), Some(w)) => p.last().zip(w.last()).map_or(0.0, |(p, w)| p + w),
            _ => width,
        };
        if let Some(p) = positions.as_mut() {
            p.push(x);
        }
        if let Some(w) = widths.as_mut() {
            w.push(0.0);
        }
        n.set_value(value);
        n.set_character_lengths(lengths);
        if let Some(p) = positions {
            n.set_character_positions(p);
        }
        if let Some(w) = widths {
            n.set_character_widths(w);
        }
    });
}

/// The document offset of a text position in the drawn pieces' runs (see
/// [`text_position`] and [`end_with_newline`]); `None` for a node not drawn this frame.
fn offset_of(
    doc_node: Id,
    drawn: &[(Range<usize>, Pos2, Arc<Galley>)],
    pos: &accesskit::TextPosition,
) -> Option<usize> {
    for (r, _, g) in drawn {
        let piece = piece_node(doc_node, r.start);
        let mut row_start = 0;
        for (row_index, row) in g.rows.iter().enumerate() {
            let chars = row.glyphs.len() + usize::from(row.ends_with_newline);
            for chunk in 0..=chars / MAX_CHARS_PER_TEXT_RUN {
                if piece.with(row_index).with(chunk).accesskit_id() == pos.node {
                    let local = row_start + chunk * MAX_CHARS_PER_TEXT_RUN + pos.character_index;
                    return Some((r.start + local).min(r.end));
                }
            }
            row_start += chars;
        }
    }
    None
}

/// A caret or selection a screen reader set this frame over AT-SPI (`set_caret_offset`,
/// `add_selection`, `set_selection`: AccessKit's `SetTextSelection` on the document), as
/// (anchor, caret) document offsets. Only positions in the drawn pieces can be asked for.
pub(super) fn requested_selection(
    ctx: &egui::Context,
    doc_node: Id,
    drawn: &[(Range<usize>, Pos2, Arc<Galley>)],
) -> Option<(usize, usize)> {
    let doc = doc_node.accesskit_id();
    ctx.input(|i| {
        i.events.iter().rev().find_map(|e| match e {
            egui::Event::AccessKitActionRequest(accesskit::ActionRequest {
                action: accesskit::Action::SetTextSelection,
                target_node,
                data: Some(accesskit::ActionData::SetTextSelection(sel)),
                ..
            }) if *target_node == doc
                || drawn.iter().any(|(r, _, _)| {
                    piece_node(doc_node, r.start).accesskit_id() == *target_node
                }) =>
            {
                Some((
                    offset_of(doc_node, drawn, &sel.anchor)?,
                    offset_of(doc_node, drawn, &sel.focus)?,
                ))
            }
            _ => None,
        })
    })
}

/// The annotation whose node a screen reader clicked or focused this frame (AT-SPI
/// `doAction`, `grabFocus`): the reader selects it.
pub(super) fn requested_annotation(
    ctx: &egui::Context,
    doc_node: Id,
    anns: &[(AnnId, Rect, String)],
) -> Option<AnnId> {
    ctx.input(|i| {
        i.events.iter().rev().find_map(|e| match e {
            egui::Event::AccessKitActionRequest(accesskit::ActionRequest {
                action: accesskit::Action::Click | accesskit::Action::Focus,
                target_node,
                ..
            }) => anns
                .iter()
                .take(MAX_ANNOTATION_NODES)
                .find(|(a, _, _)| mark_node(doc_node, *a).accesskit_id() == *target_node)
                .map(|(a, _, _)| *a),
            _ => None,
        })
    })
}

/// The node id of annotation `ann`'s mark under `doc_node`.
fn mark_node(doc_node: Id, ann: AnnId) -> Id {
    doc_node.with(("annotation", ann))
}

/// Exposes the drawn pieces under `doc_node`: text runs, the selection (clamped to what is
/// in view) and the annotations in `anns` (id, first rectangle on screen, description).
pub(super) fn expose(
    ui: &mut egui::Ui,
    doc_node: Id,
    drawn: &[(Range<usize>, Pos2, Arc<Galley>)],
    sel: &Selection,
    anns: &[(AnnId, Rect, String)],
) {
    let ctx = ui.ctx().clone();
    if ctx.accesskit_node_builder(doc_node, |_| ()).is_none() {
        return;
    }
    for (r, top, g) in drawn {
        let id = piece_node(doc_node, r.start);
        let _piece = ui.new_child(
            UiBuilder::new()
                .scope_id(id)
                .max_rect(Rect::from_min_size(*top, g.size()))
                .accessibility_parent(doc_node)
                .accessibility_role(accesskit::Role::Paragraph),
        );
        egui::text_selection::accesskit_text::update_accesskit_for_text_widget(
            &ctx,
            id,
            None,
            TSTransform::from_translation(top.to_vec2()),
            g,
        );
        end_with_newline(&ctx, id, g);
    }
    // The selection, or the caret when it is empty, clamped to the pieces in view.
    let (Some(first), Some(last)) = (drawn.first(), drawn.last()) else {
        return;
    };
    let (lo, hi) = (first.0.start, last.0.end);
    let at = |o: usize| {
        let o = o.clamp(lo, hi);
        drawn
            .iter()
            .find(|(r, _, _)| r.start <= o && o <= r.end)
            .map(|(r, _, g)| text_position(piece_node(doc_node, r.start), g, o - r.start))
    };
    if let (Some(anchor), Some(focus)) = (at(sel.anchor), at(sel.caret)) {
        ctx.accesskit_node_builder(doc_node, |n| {
            n.set_text_selection(accesskit::TextSelection { anchor, focus });
        });
    }
    for (ann, rect, label) in anns.iter().take(MAX_ANNOTATION_NODES) {
        let mark = ui.new_child(
            UiBuilder::new()
                .scope_id(mark_node(doc_node, *ann))
                .max_rect(*rect)
                .accessibility_parent(doc_node)
                .accessibility_role(accesskit::Role::Mark)
                .accessibility_label(label.clone()),
        );
        // Focusable and clickable for a screen reader: either selects the annotation.
        ctx.accesskit_node_builder(mark.unique_id(), |n| {
            n.add_action(accesskit::Action::Focus);
            n.add_action(accesskit::Action::Click);
        });
    }
    if anns.len() > MAX_ANNOTATION_NODES {
        let more = anns.len() - MAX_ANNOTATION_NODES;
        ctx.accesskit_node_builder(doc_node, |n| {
            n.set_description(format!("{more} more annotations in view are not listed"));
        });
    }
}
