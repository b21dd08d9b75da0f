//! Re-anchoring after a source changed outside Marginalia, and the review of what it could
//! not place with certainty — each step one undoable transaction.
//!
//! [`reanchor_document`] moves the anchors re-anchoring is certain of and marks the others
//! ([`Annotation::reanchor`]); a marked annotation keeps its old anchor until a person
//! [accepts](accept) a candidate, [re-spans](respan) it by hand, or deletes it
//! ([`core::delete_annotation`]). [`accept_all`] takes the best candidate of every item of
//! a document that has one.

use super::OpError;
use super::core;
use crate::model::anchor::{Span, TextAnchor};
use crate::model::annotation::Annotation;
use crate::model::document::Document;
use crate::model::edit::{Edit, Transaction};
use crate::model::ids::{AnnId, DocId};
use crate::model::project::Project;
use crate::model::reanchor::{AnchorReview, Options, Outcome, ReviewKind, Tally, plan_document};

/// Re-anchors every annotation of document `doc` against its current text, which was read
/// from a source whose bytes hash to `source_hash` (hex): moved anchors move, uncertain and
/// orphaned ones are marked for review (keeping their anchors), marks that no longer apply
/// are cleared, and the stored hash, line ending and BOM become those of the source. The
/// transaction may be empty when nothing changes.
pub fn reanchor_document(
    project: &Project,
    doc: DocId,
    source_hash: &str,
) -> Result<(Transaction, Tally), OpError> {
    let d = core::document(project, doc)?;
    let text = core::text(project, doc)?;
    let mut tally = Tally::default();
    let mut tx = Transaction::new(format!("Re-anchor “{}”", d.meta.title));
    for (id, outcome) in plan_document(d, Options::default()) {
        tally.add(&outcome);
        let Some(a) = d.annotations.get(&id) else {
            continue;
        };
        let mut after = a.clone();
        let review = match outcome {
            Outcome::Unchanged => None,
            Outcome::Moved(new) => {
                if let Some(an) = after.anchor_mut() {
                    *an = new;
                }
                None
            }
            Outcome::Review(candidates) => Some(AnchorReview {
                kind: ReviewKind::NeedsReview,
                source_hash: source_hash.to_owned(),
                candidates,
            }),
            Outcome::Orphaned => Some(AnchorReview {
                kind: ReviewKind::Orphaned,
                source_hash: source_hash.to_owned(),
                candidates: Vec::new(),
            }),
        };
        after.reanchor = review;
        if after != *a {
            tx.push(Edit::update_annotation(doc, a.clone(), after));
        }
    }
    if let Some(src) = &d.meta.source
        && (src.hash != source_hash
            || src.line_ending != text.line_ending()
            || src.bom != text.had_bom())
    {
        let mut meta = d.meta.clone();
        if let Some(s) = &mut meta.source {
            s.hash = source_hash.to_owned();
            s.line_ending = text.line_ending();
            s.bom = text.had_bom();
        }
        tx.push(Edit::DocumentMeta {
            before: Box::new(d.meta.clone()),
            after: Box::new(meta),
        });
    }
    Ok((tx, tally))
}

/// The annotations of `doc` waiting for review, in reading order (by their old anchor).
pub fn review_items(doc: &Document) -> Vec<AnnId> {
    let mut items: Vec<(usize, AnnId)> = doc
        .annotations
        .values()
        .filter(|a| a.reanchor.is_some())
        .map(|a| (a.anchor().map_or(0, |an| an.extent().start), a.id))
        .collect();
    items.sort();
    items.into_iter().map(|(_, id)| id).collect()
}

fn reviewed(project: &Project, doc: DocId, ann: AnnId) -> Result<&Annotation, OpError> {
    let a = core::annotation(project, doc, ann)?;
    if a.reanchor.is_none() {
        return Err(OpError::NoChange);
    }
    Ok(a)
}

/// The annotation `a` placed over `spans` of the current text, its review mark cleared.
fn placed(
    project: &Project,
    doc: DocId,
    a: &Annotation,
    spans: &[Span],
) -> Result<Annotation, OpError> {
    let text = core::text(project, doc)?;
    let anchor = TextAnchor::new(text, spans)?;
    let mut after = a.clone();
    match after.anchor_mut() {
        Some(an) => *an = anchor,
        None => {
            return Err(OpError::WrongAnnotation {
                ann: a.id,
                kind: "a mention",
            });
        }
    }
    after.reanchor = None;
    Ok(after)
}

/// Places annotation `ann` at its review's candidate number `candidate` (0 is the best),
/// with the quote read from the current text, and clears the mark.
pub fn accept(
    project: &Project,
    doc: DocId,
    ann: AnnId,
    candidate: usize,
) -> Result<Transaction, OpError> {
    let a = reviewed(project, doc, ann)?;
    let c = a
        .reanchor
        .as_ref()
        .and_then(|r| r.candidates.get(candidate))
        .ok_or(OpError::NoItem {
            entry: "the review".into(),
            what: "candidate",
            index: candidate + 1,
        })?;
    let after = placed(project, doc, a, &c.anchor.fragments)?;
    Ok(
        Transaction::new("Accept proposed place").with(Edit::update_annotation(
            doc,
            a.clone(),
            after,
        )),
    )
}

/// Places annotation `ann` over `spans` (a person's own choice) and clears the mark.
pub fn respan(
    project: &Project,
    doc: DocId,
    ann: AnnId,
    spans: &[Span],
) -> Result<Transaction, OpError> {
    let a = reviewed(project, doc, ann)?;
    let after = placed(project, doc, a, spans)?;
    Ok(
        Transaction::new("Place annotation by hand").with(Edit::update_annotation(
            doc,
            a.clone(),
            after,
        )),
    )
}

/// Accepts the best candidate of every item of `doc` that has one (orphans stay).
pub fn accept_all(project: &Project, doc: DocId) -> Result<Transaction, OpError> {
    let d = core::document(project, doc)?;
    let mut tx = Transaction::new(format!("Accept all proposed places in “{}”", d.meta.title));
    for id in review_items(d) {
        let Some(a) = d.annotations.get(&id) else {
            continue;
        };
        let Some(best) = a.reanchor.as_ref().and_then(|r| r.candidates.first()) else {
            continue;
        };
        let after = placed(project, doc, a, &best.anchor.fragments)?;
        tx.push(Edit::update_annotation(doc, a.clone(), after));
    }
    if tx.is_empty() {
        return Err(OpError::NoChange);
    }
    Ok(tx)
}

/// The review kind of an annotation, for lists ("needs review" / "orphaned").
pub fn kind_label(kind: ReviewKind) -> &'static str {
    match kind {
        ReviewKind::NeedsReview => "needs review",
        ReviewKind::Orphaned => "orphaned",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::annotation::{Body, Mention};
    use crate::model::document::{DocStatus, DocumentMeta, SourceInfo};
    use crate::model::edit::History;
    use crate::model::ids::Slug;
    use crate::model::text::SourceText;
    use std::collections::BTreeMap;

    /// A project whose document was annotated on `old` and now holds `new`, its stored hash
    /// still that of `old`.
    fn changed(old: &str, new: &str, spans: &[(usize, usize)]) -> (Project, DocId, Vec<AnnId>) {
        let old_text = SourceText::from_str_normalizing(old);
        let meta = DocumentMeta {
            id: DocId::new(),
            title: "cable".into(),
            source: Some(SourceInfo {
                path: crate::model::RelPath::parse("c.txt").unwrap(),
                hash: blake3::hash(old.as_bytes()).to_hex().to_string(),
                line_ending: old_text.line_ending(),
                bom: false,
            }),
            images: vec![],
            status: DocStatus::NotStarted,
            archival: Default::default(),
        };
        let doc = meta.id;
        let mut annotations = BTreeMap::new();
        let mut ids = Vec::new();
        for &(s, e) in spans {
            let a = Annotation::new(Body::Mention(Mention {
                type_id: Slug::new("person"),
                anchor: TextAnchor::span(&old_text, s, e).unwrap(),
                entry: None,
                date: None,
            }));
            ids.push(a.id);
            annotations.insert(a.id, a);
        }
        let mut p = Project::new("t");
        p.documents.insert(
            doc,
            Document {
                meta,
                text: Some(SourceText::from_str_normalizing(new)),
                annotations,
            },
        );
        (p, doc, ids)
    }

    const OLD: &str = "Kaesong talks. Li Kenong met Nam Il at Kaesong on the tenth.";
    const NEW: &str = "Preface.\nKaesong talks. Li Kenong met Nam Il at Kaesong on the 10th.";

    #[test]
    fn reanchoring_moves_the_certain_marks_the_rest_and_undo_restores() {
        // "Li Kenong" is certain; the second "Kaesong" with its context changed is not.
        let (mut p, doc, ids) = changed(OLD, NEW, &[(15, 24), (39, 46)]);
        let before = p.clone();
        let hash = blake3::hash(NEW.as_bytes()).to_hex().to_string();
        let (tx, tally) = reanchor_document(&p, doc, &hash).unwrap();
        assert_eq!(
            tally.moved + tally.review + tally.orphaned + tally.unchanged,
            2
        );
        assert!(tally.moved >= 1);
        let mut h = History::default();
        h.commit(&mut p, tx).unwrap();
        let d = &p.documents[&doc];
        let text = d.text.as_ref().unwrap();
        let li = d.annotations[&ids[0]].anchor().unwrap();
        assert_eq!(li.covered_text(text), "Li Kenong");
        assert_eq!(d.meta.source.as_ref().unwrap().hash, hash);
        h.undo(&mut p).unwrap().unwrap();
        assert_eq!(p, before);
    }

    /// A project with one annotation marked for review with two candidates.
    fn with_review() -> (Project, DocId, AnnId) {
        let (mut p, doc, ids) = changed(OLD, NEW, &[(39, 46)]);
        let d = p.documents.get_mut(&doc).unwrap();
        let text = d.text.clone().unwrap();
        let cand = |s: usize| crate::model::reanchor::Candidate {
            anchor: TextAnchor::span(&text, s, s + 7).unwrap(),
            kind: crate::model::reanchor::MatchKind::Exact,
            score: 700,
        };
        let a = d.annotations.get_mut(&ids[0]).unwrap();
        a.reanchor = Some(AnchorReview {
            kind: ReviewKind::NeedsReview,
            source_hash: "h".into(),
            candidates: vec![cand(48), cand(9)],
        });
        (p, doc, ids[0])
    }

    #[test]
    fn accept_pick_respan_and_accept_all_clear_the_mark_and_undo() {
        let (p, doc, ann) = with_review();
        let text = |p: &Project| {
            let d = &p.documents[&doc];
            d.annotations[&ann]
                .anchor()
                .unwrap()
                .covered_text(d.text.as_ref().unwrap())
        };
        for (tx, start) in [
            (accept(&p, doc, ann, 0).unwrap(), 48),
            (accept(&p, doc, ann, 1).unwrap(), 9),
            (respan(&p, doc, ann, &[Span::new(48, 55)]).unwrap(), 48),
            (accept_all(&p, doc).unwrap(), 48),
        ] {
            let mut q = p.clone();
            let mut h = History::default();
            h.commit(&mut q, tx).unwrap();
            let a = &q.documents[&doc].annotations[&ann];
            assert_eq!(a.reanchor, None);
            assert_eq!(a.anchor().unwrap().fragments[0].start, start);
            assert_eq!(text(&q), "Kaesong");
            assert_eq!(review_items(&q.documents[&doc]), vec![]);
            h.undo(&mut q).unwrap().unwrap();
            assert_eq!(q, p);
        }
        assert_eq!(review_items(&p.documents[&doc]), vec![ann]);
        assert!(matches!(
            accept(&p, doc, ann, 2),
            Err(OpError::NoItem { index: 3, .. })
        ));
        let tx = accept(&p, doc, ann, 0).unwrap();
        let mut q = p.clone();
        tx.apply(&mut q).unwrap();
        assert_eq!(accept(&q, doc, ann, 0), Err(OpError::NoChange));
        assert_eq!(accept_all(&q, doc), Err(OpError::NoChange));
    }
}
