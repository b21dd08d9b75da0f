//! Correcting the transcription: a text edit together with the annotation updates it
//! implies, as one transaction in the same history as annotation edits.
//!
//! Anchors are mapped through the [`ChangeSet`] by its boundary rule (text inserted at a
//! mention's edge stays outside it; inside it, it joins); quotes and context are refreshed.
//! A mention whose text is deleted entirely is removed, with whatever would dangle (event
//! roles naming it, relations to it) through the shared cascade [`core::rewrite`]. The
//! document's stored source hash is updated when saving ([`refresh_source_hashes`]), so the
//! saved project loads clean.

use super::OpError;
use super::core;
use crate::model::anchor::{AnchorError, TextAnchor};
use crate::model::annotation::{Annotation, Body};
use crate::model::changeset::ChangeSet;
use crate::model::edit::{Edit, Transaction};
use crate::model::ids::{AnnId, DocId};
use crate::model::project::Project;
use crate::model::text::{SourceText, normalize_line_endings};
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
///
/// Cost: anchors the change does not touch (neither their text nor their quote context)
/// are not copied into the transaction; the one [`Edit::Text`] shifts them. Only touched
/// anchors (and whatever the removal of a mention makes dangle) get explicit edits, and
/// only then is the changed text built here.
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
    let replaced = text.slice(range.start, range.end);
    if normalize_line_endings(replacement).0 == replaced {
        return Err(OpError::NoChange);
    }
    let inverse = change.invert(text).map_err(|_| out_of_bounds())?;
    let d = core::document(project, doc)?;
    let mapper = change.mapper();

    // Map every touched anchor of the document. A mention whose text is gone is removed;
    // an event whose trigger text is gone keeps its roles and loses the trigger.
    let touched: Vec<(&Annotation, &TextAnchor)> = d
        .annotations
        .values()
        .filter_map(|a| a.anchor().map(|an| (a, an)))
        .filter(|(_, an)| mapper.touches(an))
        .collect();
    let mut doomed = BTreeSet::new();
    let mut moved: BTreeMap<AnnId, Option<TextAnchor>> = BTreeMap::new();
    if !touched.is_empty() {
        let anchors: Vec<&TextAnchor> = touched.iter().map(|(_, an)| *an).collect();
        let mapped = change
            .map_anchors_from_old(&anchors, text)
            .map_err(|_| out_of_bounds())?;
        for ((a, old), new) in touched.iter().zip(mapped) {
            match new {
                None if a.as_event().is_some() => {
                    moved.insert(a.id, None);
                }
                None => {
                    doomed.insert((doc, a.id));
                }
                Some(new) if new != **old => {
                    moved.insert(a.id, Some(new));
                }
                Some(_) => {}
            }
        }
    }

    let set_anchor = |a: &mut Annotation| {
        let Some(new) = moved.get(&a.id) else {
            return;
        };
        match &mut a.body {
            Body::Mention(m) => {
                if let Some(anchor) = new {
                    m.anchor = anchor.clone();
                }
            }
            Body::Event(e) => e.trigger = new.clone(),
            Body::Relation(_) => {}
        }
    };
    let mut edits = if doomed.is_empty() {
        // Nothing is removed, so nothing can dangle: only the moved anchors change.
        touched
            .iter()
            .filter(|(a, _)| moved.contains_key(&a.id))
            .map(|(a, _)| {
                let mut after = (*a).clone();
                set_anchor(&mut after);
                Edit::update_annotation(doc, (*a).clone(), after)
            })
            .collect()
    } else {
        let scope = BTreeSet::from([doc]);
        core::rewrite(
            project,
            doomed,
            &BTreeSet::new(),
            Some(&scope),
            |a| moved.contains_key(&a.id),
            |_, a| set_anchor(a),
        )
    };
    // Every annotation of the document the transaction names is left alone by the text
    // edit; one changed only by the cascade (an event losing a role filler) still moves
    // with the text, so its new state carries the shifted anchor.
    let mut explicit: BTreeSet<AnnId> = touched.iter().map(|(a, _)| a.id).collect();
    for e in &mut edits {
        if let Edit::Annotation {
            doc: d2,
            before,
            after,
        } = e
            && *d2 == doc
        {
            if let Some(b) = before {
                explicit.insert(b.id);
            }
            if let Some(a) = after {
                explicit.insert(a.id);
                if !moved.contains_key(&a.id)
                    && let Some(an) = a.anchor_mut()
                    && !mapper.touches(an)
                {
                    mapper.shift(an);
                }
            }
        }
    }
    // Page breaks move with the text: a break stays before text typed exactly where it
    // is (the start of its page), so what is typed there belongs to the new page.
    let breaks = &d.meta.archival.page_breaks;
    let mapped: Vec<usize> = breaks
        .iter()
        .map(|b| change.map_pos(b.offset, crate::model::changeset::Assoc::Before))
        .collect();
    let meta_edit = breaks
        .iter()
        .zip(&mapped)
        .any(|(b, m)| b.offset != *m)
        .then(|| {
            let mut after = d.meta.clone();
            for (b, m) in after.archival.page_breaks.iter_mut().zip(&mapped) {
                b.offset = *m;
            }
            Edit::DocumentMeta {
                before: Box::new(d.meta.clone()),
                after: Box::new(after),
            }
        });
    let mut tx = Transaction::new(label(text, &range, replacement));
    tx.push(Edit::Text {
        doc,
        change: Box::new(change),
        inverse: Box::new(inverse),
        explicit,
    });
    tx.edits.extend(edits);
    tx.edits.extend(meta_edit);
    Ok(tx)
}

/// Sets the stored source hash of each of `docs` to that of the bytes a save writes for
/// its text. The hash is a record of the file, not user data: it is computed when saving
/// (the session calls this before writing sources), not per keystroke.
pub fn refresh_source_hashes(project: &mut Project, docs: &BTreeSet<DocId>) {
    for id in docs {
        let Some(d) = project.documents.get_mut(id) else {
            continue;
        };
        let (Some(src), Some(text)) = (&mut d.meta.source, &d.text) else {
            continue;
        };
        let hash = blake3::hash(&source_bytes(text)).to_hex().to_string();
        if src.hash != hash {
            src.hash = hash;
        }
    }
}

/// "Insert …", "Delete …" or "Replace …" for the undo menu.
fn label(text: &SourceText, range: &Range<usize>, replacement: &str) -> String {
    let short = |s: &str| -> String {
        let mut t: String = s.chars().take(20).collect();
        if s.chars().count() > 20 {
            t.push('…');
        }
        t.replace('\n', "¶")
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::annotation::{Event, Mention, Relation, Target};
    use crate::model::document::{DocStatus, Document, DocumentMeta, SourceInfo};
    use crate::model::edit::History;
    use crate::model::ids::Slug;
    use crate::model::text::SourceText;
    use crate::store::document_bytes;
    use proptest::prelude::*;

    /// Pieces of text in the scripts and shapes that trip code-point arithmetic.
    fn piece() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "Филиппов",
            "Сталин ",
            "毛泽东",
            "金日成",
            "김일성 ",
            "판문점",
            "e\u{301}",
            "n\u{303}o",
            "👨\u{200d}👩\u{200d}👧",
            "🇰🇷",
            "\r\n",
            "\n",
            " ",
            "Mao",
            ", ",
            "ё",
        ])
        .prop_map(str::to_owned)
    }

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(piece(), 4..40).prop_map(|v| v.concat())
    }

    /// A project with one document holding `src` (as its source file's bytes would, with a
    /// BOM), mentions over `spans`, an event whose roles name the first two mentions and
    /// whose trigger is the third, and a relation between the first two.
    fn project(src: &str, spans: &[(usize, usize)]) -> (Project, DocId) {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(src.as_bytes());
        let text = SourceText::from_bytes(&bytes).unwrap();
        let meta = DocumentMeta {
            id: DocId::new(),
            title: "d".into(),
            source: Some(SourceInfo {
                path: crate::model::RelPath::parse("d.txt").unwrap(),
                hash: blake3::hash(&bytes).to_hex().to_string(),
                line_ending: text.line_ending(),
                bom: true,
            }),
            images: vec![],
            status: DocStatus::NotStarted,
            archival: Default::default(),
        };
        let doc = meta.id;
        let len = text.len_chars();
        let mut anns = BTreeMap::new();
        let mut ids = Vec::new();
        let mut anchors = Vec::new();
        for &(a, b) in spans {
            let (a, b) = (a % (len + 1), b % (len + 1));
            let (s, e) = (a.min(b), a.max(b));
            if let Ok(anchor) = TextAnchor::span(&text, s, e) {
                anchors.push(anchor.clone());
                let m = Annotation::new(Body::Mention(Mention {
                    type_id: Slug::new("person"),
                    anchor,
                    entry: None,
                    date: None,
                }));
                ids.push(m.id);
                anns.insert(m.id, m);
            }
        }
        if ids.len() >= 3 {
            let ev = Annotation::new(Body::Event(Event {
                type_id: Slug::new("meeting"),
                trigger: Some(anchors[2].clone()),
                roles: BTreeMap::from([(
                    Slug::new("participant"),
                    vec![Target::Annotation(ids[0]), Target::Annotation(ids[1])],
                )]),
                date: None,
            }));
            let rel = Annotation::new(Body::Relation(Relation {
                type_id: Slug::new("knows"),
                from: Target::Annotation(ids[0]),
                to: Target::Annotation(ids[1]),
            }));
            anns.insert(ev.id, ev);
            anns.insert(rel.id, rel);
        }
        let mut p = Project::new("t");
        p.documents.insert(
            doc,
            Document {
                meta,
                text: Some(text),
                annotations: anns,
            },
        );
        (p, doc)
    }

    /// Every anchor equals one freshly made over its fragments (quote and context refreshed),
    /// the hash refreshed for saving is that of the bytes a save writes, and nothing points
    /// at a removed annotation.
    fn assert_consistent(p: &Project, doc: DocId) {
        let d = &p.documents[&doc];
        let text = d.text.as_ref().unwrap();
        for a in d.annotations.values() {
            if let Some(anchor) = a.anchor() {
                assert_eq!(
                    Some(anchor),
                    TextAnchor::new(text, &anchor.fragments).ok().as_ref()
                );
            }
            for t in a.targets() {
                if let Target::Annotation(id) = t {
                    assert!(d.annotations.contains_key(&id), "dangling {id:?}");
                }
            }
        }
        let mut saved = p.clone();
        refresh_source_hashes(&mut saved, &BTreeSet::from([doc]));
        let hash = blake3::hash(&source_bytes(text)).to_hex().to_string();
        assert_eq!(
            saved.documents[&doc].meta.source.as_ref().unwrap().hash,
            hash
        );
    }

    fn saved(p: &Project, doc: DocId) -> (Vec<u8>, Vec<u8>) {
        let d = &p.documents[&doc];
        (
            document_bytes(d).unwrap(),
            source_bytes(d.text.as_ref().unwrap()),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn random_edits_keep_anchors_and_undo_restores_the_project(
            src in text(),
            crlf in any::<bool>(),
            spans in prop::collection::vec((0usize..400, 0usize..400), 0..12),
            edits in prop::collection::vec((0usize..400, 0usize..8, prop::option::of(piece())), 1..12),
        ) {
            // One line-ending style per file (mixed styles are saved as LF; see design.md).
            let src = src.replace("\r\n", "\n");
            let src = if crlf { src.replace('\n', "\r\n") } else { src };
            let (mut p, doc) = project(&src, &spans);
            let original = p.clone();
            let original_bytes = saved(&p, doc);
            let mut h = History::default();
            for (at, n, ins) in edits {
                let len = p.documents[&doc].text.as_ref().unwrap().len_chars();
                let start = at % (len + 1);
                let end = (start + n).min(len);
                match edit_text(&p, doc, start..end, ins.as_deref().unwrap_or("")) {
                    Ok(tx) => {
                        let touched = h.commit(&mut p, tx).unwrap();
                        prop_assert!(touched.sources.contains(&doc));
                    }
                    Err(OpError::NoChange) => {}
                    Err(e) => panic!("{e}"),
                }
                assert_consistent(&p, doc);
            }
            while h.can_undo() {
                h.undo(&mut p).unwrap().unwrap();
            }
            prop_assert_eq!(saved(&p, doc), original_bytes);
            prop_assert_eq!(p, original);
        }
    }

    #[test]
    fn deleting_a_mention_removes_it_and_what_would_dangle_and_undo_restores_them() {
        let src = "Mao met Filippov in Moscow";
        let (mut p, doc) = project(src, &[(0, 3), (8, 16), (4, 7)]);
        let before = p.clone();
        let mut h = History::default();
        // Delete "Filippov " entirely: the mention goes, the relation naming it goes, the
        // event loses the filler.
        let tx = edit_text(&p, doc, 8..17, "").unwrap();
        assert_eq!(tx.label, "Delete “Filippov ”");
        h.commit(&mut p, tx).unwrap();
        let d = &p.documents[&doc];
        assert_eq!(d.text.as_ref().unwrap().as_str(), "Mao met in Moscow");
        let kinds: Vec<_> = d
            .annotations
            .values()
            .map(|a| a.type_id().as_str())
            .collect();
        assert_eq!(kinds.iter().filter(|k| **k == "person").count(), 2);
        assert!(
            !kinds.contains(&"knows"),
            "the relation to the deleted mention goes"
        );
        let ev = d.annotations.values().find_map(|a| a.as_event()).unwrap();
        assert_eq!(ev.roles.values().flatten().count(), 1);
        assert_consistent(&p, doc);
        h.undo(&mut p).unwrap().unwrap();
        assert_eq!(p, before);
    }

    #[test]
    fn far_anchors_shift_with_the_text_edit_and_cascaded_ones_carry_the_shift() {
        let pad = "x".repeat(60);
        let src = format!("Filippov arrived. {pad} Mao waited. {pad} The meeting ended.");
        let at = |w: &str| src.find(w).unwrap();
        let (mao, meeting) = (at("Mao"), at("meeting"));
        let (mut p, doc) = project(&src, &[(0, 8), (mao, mao + 3), (meeting, meeting + 7)]);
        let before = p.clone();
        let tx = edit_text(&p, doc, 0..9, "").unwrap();
        // Only the deleted mention, the relation naming it and the event losing it as a
        // filler are written out; Mao's mention shifts inside the text edit.
        let Some(Edit::Text { explicit, .. }) = tx.edits.first() else {
            panic!("the text edit comes first");
        };
        assert_eq!(explicit.len(), 3);
        assert_eq!(tx.edits.len(), 4);
        let mut h = History::default();
        h.commit(&mut p, tx).unwrap();
        assert_consistent(&p, doc);
        let d = &p.documents[&doc];
        let ev = d.annotations.values().find_map(|a| a.as_event()).unwrap();
        let trigger = ev.trigger.as_ref().unwrap();
        assert_eq!(trigger.fragments[0].start, meeting - 9);
        assert_eq!(ev.roles.values().flatten().count(), 1);
        h.undo(&mut p).unwrap().unwrap();
        assert_eq!(p, before);
    }

    #[test]
    fn a_text_edit_refuses_to_shift_an_anchor_it_touches() {
        // Far mentions on both sides of the touched one in id order: those shifted before
        // the touched one is met are shifted back.
        let pad = "x".repeat(50);
        let src = format!("Mao met Filippov. {pad} Kim {pad} Peng {pad} Zhou");
        let at = |w: &str| src.find(w).unwrap();
        let spans: Vec<(usize, usize)> = ["Kim", "Peng", "Mao", "Zhou"]
            .iter()
            .map(|w| (at(w), at(w) + w.len()))
            .collect();
        let (mut p, doc) = project(&src, &spans);
        let len = p.documents[&doc].text.as_ref().unwrap().len_chars();
        let change = ChangeSet::replace(len, 1, 1, "a").unwrap();
        let inverse = change
            .invert(p.documents[&doc].text.as_ref().unwrap())
            .unwrap();
        let edit = Edit::Text {
            doc,
            change: Box::new(change),
            inverse: Box::new(inverse),
            explicit: BTreeSet::new(),
        };
        let before = p.clone();
        assert_eq!(
            edit.apply(&mut p),
            Err(crate::model::edit::EditError::TextMismatch(doc))
        );
        assert_eq!(p, before);
    }

    #[test]
    fn a_joined_typing_burst_is_one_undo_step() {
        let (mut p, doc) = project("Mao met Filippov in Moscow", &[(8, 16)]);
        let before = p.clone();
        let mut h = History::default();
        for (i, c) in ["K", "i", "m"].iter().enumerate() {
            let tx = edit_text(&p, doc, 4 + i..4 + i, c).unwrap();
            if i == 0 {
                h.commit(&mut p, tx).unwrap();
            } else {
                h.commit_joined(&mut p, tx, "Typing").unwrap();
            }
        }
        assert_consistent(&p, doc);
        let typed = p.clone();
        assert_eq!(
            p.documents[&doc].text.as_ref().unwrap().as_str(),
            "Mao Kimmet Filippov in Moscow"
        );
        assert_eq!(h.undo_label(), Some("Typing"));
        h.undo(&mut p).unwrap().unwrap();
        assert_eq!(p, before);
        assert!(!h.can_undo());
        h.redo(&mut p).unwrap().unwrap();
        assert_eq!(p, typed);
    }

    #[test]
    fn out_of_range_and_no_op_edits_are_refused() {
        let (p, doc) = project("abc", &[]);
        assert!(matches!(
            edit_text(&p, doc, 2..9, "x"),
            Err(OpError::Anchor(AnchorError::OutOfBounds { .. }))
        ));
        assert_eq!(edit_text(&p, doc, 1..2, "b"), Err(OpError::NoChange));
    }

    #[test]
    fn page_breaks_move_with_the_text_and_typing_at_a_page_start_joins_that_page() {
        let (mut p, doc) = project("one\ntwo\nthree", &[]);
        p.documents.get_mut(&doc).unwrap().meta.archival.page_breaks = vec![
            crate::model::PageBreak {
                offset: 0,
                ..Default::default()
            },
            crate::model::PageBreak {
                offset: 4,
                n: "2".into(),
                ..Default::default()
            },
            crate::model::PageBreak {
                offset: 8,
                ..Default::default()
            },
        ];
        let mut h = History::default();
        let tx = edit_text(&p, doc, 4..4, "Сталин ").unwrap();
        h.commit(&mut p, tx).unwrap();
        let offsets = |p: &Project| -> Vec<usize> {
            p.documents[&doc]
                .meta
                .archival
                .page_breaks
                .iter()
                .map(|b| b.offset)
                .collect()
        };
        assert_eq!(offsets(&p), [0, 4, 15]);
        let tx = edit_text(&p, doc, 0..3, "").unwrap();
        h.commit(&mut p, tx).unwrap();
        assert_eq!(offsets(&p), [0, 1, 12]);
        h.undo(&mut p).unwrap().unwrap();
        h.undo(&mut p).unwrap().unwrap();
        assert_eq!(offsets(&p), [0, 4, 8]);
    }
}
