//! Correcting the transcription: a text edit together with the annotation updates it
//! implies, as one transaction in the same history as annotation edits.
//!
//! Anchors are mapped through the [`ChangeSet`] by its boundary rule (text inserted at a
//! mention's edge stays outside it; inside it, it joins); quotes and context are refreshed.
//! A mention whose text is deleted entirely is removed, with whatever would dangle (event
//! roles naming it, relations to it) through the shared cascade [`core::rewrite`]. The
//! document's stored source hash is updated to the bytes a save will write, so the saved
//! project loads clean.

use super::OpError;
use super::core;
use crate::model::anchor::AnchorError;
use crate::model::changeset::ChangeSet;
use crate::model::edit::{Edit, Transaction};
use crate::model::ids::{AnnId, DocId};
use crate::model::project::Project;
use crate::model::text::SourceText;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

/// The bytes a source file holds for `text`: its BOM and original line endings restored.
pub fn source_bytes(text: &SourceText) -> Vec<u8> {
    let body = text.to_original_line_endings();
    let mut out = Vec::with_capacity(body.len() + 3);
    if text.had_bom() {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    out.extend_from_slice(body.as_bytes());
    out
}

/// Replaces the code points `range` of document `doc`'s text with `replacement` (line
/// endings normalized to LF). Fails when the document has no text, the range is outside
/// it, or the text would not change.
pub fn edit_text(
    project: &Project,
    doc: DocId,
    range: Range<usize>,
    replacement: &str,
) -> Result<Transaction, OpError> {
    let text = core::text(project, doc)?;
    let len = text.len_chars();
    let out_of_bounds = || {
        OpError::Anchor(AnchorError::OutOfBounds {
            start: range.start,
            end: range.end,
            len,
        })
    };
    let change = ChangeSet::replace(len, range.start, range.end, replacement)
        .map_err(|_| out_of_bounds())?;
    let new_text = change.apply(text).map_err(|_| out_of_bounds())?;
    if new_text.as_str() == text.as_str() {
        return Err(OpError::NoChange);
    }
    let inverse = change.invert(text).map_err(|_| out_of_bounds())?;
    let d = core::document(project, doc)?;

    // Map every anchor of the document; those whose text is gone are removed.
    let anchored: Vec<(AnnId, &crate::model::anchor::TextAnchor)> = d
        .annotations
        .values()
        .filter_map(|a| a.anchor().map(|an| (a.id, an)))
        .collect();
    let mapped = change.map_anchors(anchored.iter().map(|(_, an)| *an), &new_text);
    let mut doomed = BTreeSet::new();
    let mut moved = BTreeMap::new();
    for ((id, old), new) in anchored.iter().zip(mapped) {
        match new {
            None => {
                doomed.insert((doc, *id));
            }
            Some(new) if new != **old => {
                moved.insert(*id, new);
            }
            Some(_) => {}
        }
    }

    let mut tx = Transaction::new(label(text, &range, replacement));
    tx.push(Edit::Text {
        doc,
        change: Box::new(change),
        inverse: Box::new(inverse),
    });
    if let Some(src) = &d.meta.source {
        let hash = blake3::hash(&source_bytes(&new_text)).to_hex().to_string();
        if hash != src.hash {
            let mut after = d.meta.clone();
            if let Some(s) = &mut after.source {
                s.hash = hash;
            }
            tx.push(Edit::DocumentMeta {
                before: Box::new(d.meta.clone()),
                after: Box::new(after),
            });
        }
    }
    let scope = BTreeSet::from([doc]);
    tx.edits.extend(core::rewrite(
        project,
        doomed,
        &BTreeSet::new(),
        Some(&scope),
        |a| moved.contains_key(&a.id),
        |_, a| {
            if let (Some(new), Some(anchor)) = (moved.get(&a.id), a.anchor_mut()) {
                *anchor = new.clone();
            }
        },
    ));
    Ok(tx)
}

/// "Insert …", "Delete …" or "Replace …" for the undo menu.
fn label(text: &SourceText, range: &Range<usize>, replacement: &str) -> String {
    let short = |s: &str| -> String {
        let mut t: String = s.chars().take(20).collect();
        if s.chars().count() > 20 {
            t.push('…');
        }
        t.replace('\n', "⏎")
    };
    if range.is_empty() {
        format!("Insert “{}”", short(replacement))
    } else if replacement.is_empty() {
        format!("Delete “{}”", short(text.slice(range.start, range.end)))
    } else {
        format!(
            "Replace “{}” with “{}”",
            short(text.slice(range.start, range.end)),
            short(replacement)
        )
    }
}
