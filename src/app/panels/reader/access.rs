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
        let _mark = ui.new_child(
            UiBuilder::new()
                .scope_id(doc_node.with(("annotation", *ann)))
                .max_rect(*rect)
                .accessibility_parent(doc_node)
                .accessibility_role(accesskit::Role::Mark)
                .accessibility_label(label.clone()),
        );
    }
    if anns.len() > MAX_ANNOTATION_NODES {
        let more = anns.len() - MAX_ANNOTATION_NODES;
        ctx.accesskit_node_builder(doc_node, |n| {
            n.set_description(format!("{more} more annotations in view are not listed"));
        });
    }
}
