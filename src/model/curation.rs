//! Curation (issue 26): the annotators' layers of an independent document compared mention
//! by mention, and the curator's choices turned into the shared layer — the adjudicated set
//! every export writes. Each choice is one transaction (one undo step); the copied mention
//! keeps its original `created` stamp and note, and records in
//! [`Annotation::adjudicated_from`] whose versions it was taken from (the session's stamper
//! stamps the curator as the one who changed it last).
//!
//! Only mentions are curated here; events and relations of the layers are left in them.

use super::layers::layers_of;
use super::{AnnId, Annotation, DocId, Document, Edit, EntryId, Project, Slug, Span, Transaction};
use std::collections::BTreeSet;

/// How the annotators' versions of one place in the text differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Every annotator has the same mention (type, spans, link).
    Agreed,
    /// Same spans and type, different registry links.
    LinkDiffers,
    /// Same spans, different types.
    TypeDiffers,
    /// Overlapping mentions with different spans.
    SpanDiffers,
    /// Only some annotators have it.
    OnlySome,
}

/// One place where mentions of the layers overlap (a connected group of overlapping
/// mentions), with each version.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    pub kind: Kind,
    /// Start of the earliest mention, for ordering and jumping.
    pub start: usize,
    /// (annotator, mention id) of every mention in the group, by annotator then start.
    pub versions: Vec<(String, AnnId)>,
    /// Whether the shared layer already holds a mention equal to one of the versions.
    pub curated: bool,
}

type Key<'a> = (&'a Slug, &'a [Span], Option<EntryId>);

fn key(a: &Annotation) -> Option<Key<'_>> {
    let m = a.as_mention()?;
    Some((&m.type_id, &m.anchor.fragments, m.entry))
}

/// The differences between the layers of `doc`, in text order.
pub fn differences(project: &Project, doc: &Document) -> Vec<Difference> {
    let annotators = layers_of(project, doc);
    let mut ms: Vec<&Annotation> = doc
        .annotations
        .values()
        .filter(|a| a.layer.is_some() && a.as_mention().is_some())
        .collect();
    ms.sort_by_key(|a| a.anchor().map(|x| (x.extent().start, x.extent().end)));
    let shared: Vec<Key> = doc
        .annotations
        .values()
        .filter(|a| a.layer.is_none())
        .filter_map(key)
        .collect();
    // Groups of overlapping mentions, by a sweep over their extents.
    let mut groups: Vec<Vec<&Annotation>> = Vec::new();
    let mut reach = 0;
    for a in ms {
        let Some(e) = a.anchor().map(|x| x.extent()) else {
            continue;
        };
        match groups.last_mut() {
            Some(g) if e.start < reach => {
                g.push(a);
                reach = reach.max(e.end);
            }
            _ => {
                groups.push(vec![a]);
                reach = e.end;
            }
        }
    }
    groups
        .into_iter()
        .map(|g| {
            let who: BTreeSet<&str> = g.iter().filter_map(|a| a.layer.as_deref()).collect();
            let keys: BTreeSet<Key> = g.iter().filter_map(|a| key(a)).collect();
            let spans: BTreeSet<&[Span]> = keys.iter().map(|k| k.1).collect();
            let types: BTreeSet<&Slug> = keys.iter().map(|k| k.0).collect();
            let all = who.len() == annotators.len() && g.len() == annotators.len();
            let kind = if spans.len() > 1 {
                Kind::SpanDiffers
            } else if types.len() > 1 {
                Kind::TypeDiffers
            } else if !all {
                Kind::OnlySome
            } else if keys.len() > 1 {
                Kind::LinkDiffers
            } else {
                Kind::Agreed
            };
            let mut versions: Vec<(String, AnnId)> = g
                .iter()
                .map(|a| (a.layer.clone().unwrap_or_default(), a.id))
                .collect();
            versions.sort();
            Difference {
                kind,
                start: g
                    .first()
                    .and_then(|a| a.anchor())
                    .map_or(0, |x| x.extent().start),
                curated: keys.iter().any(|k| shared.contains(k)),
                versions,
            }
        })
        .collect()
}

/// The shared-layer copy of layer mention `id`: a new id, no layer, its `created` stamp and
/// note kept, `adjudicated_from` the annotators with an equal mention.
fn adopted(doc: &Document, id: AnnId) -> Option<Annotation> {
    let a = doc.annotations.get(&id)?;
    let k = key(a)?;
    let mut from: Vec<String> = doc
        .annotations
        .values()
        .filter(|b| b.layer.is_some() && key(b) == Some(k))
        .filter_map(|b| b.layer.clone())
        .collect();
    from.sort();
    from.dedup();
    let mut out = a.clone();
    out.id = AnnId::new();
    out.layer = None;
    out.modified = None;
    out.adjudicated_from = from;
    Some(out)
}

/// Accepts the layer mentions `chosen` of document `doc` into the shared layer, as one
/// transaction. Mentions already there (equal type, spans and link) are not added twice.
pub fn accept(project: &Project, doc: DocId, chosen: &[AnnId]) -> Option<Transaction> {
    let d = project.documents.get(&doc)?;
    let mut have: BTreeSet<(Slug, Vec<Span>, Option<EntryId>)> = d
        .annotations
        .values()
        .filter(|a| a.layer.is_none())
        .filter_map(key)
        .map(|(t, s, e)| (t.clone(), s.to_vec(), e))
        .collect();
    let mut tx = Transaction::new("Accept version");
    for id in chosen {
        let Some(a) = adopted(d, *id) else { continue };
        let Some((t, s, e)) = key(&a) else { continue };
        if !have.insert((t.clone(), s.to_vec(), e)) {
            continue;
        }
        tx = tx.with(Edit::Annotation {
            doc,
            before: None,
            after: Some(Box::new(a)),
        });
    }
    (!tx.is_empty()).then_some(tx)
}

/// Accepts every mention all annotators agree on and that is not curated yet, as one
/// transaction ("accept all where all agree").
pub fn accept_agreed(project: &Project, doc: DocId) -> Option<Transaction> {
    let d = project.documents.get(&doc)?;
    let chosen: Vec<AnnId> = differences(project, d)
        .into_iter()
        .filter(|x| x.kind == Kind::Agreed && !x.curated)
        .filter_map(|x| x.versions.first().map(|(_, id)| *id))
        .collect();
    accept(project, doc, &chosen).map(|mut tx| {
        tx.label = "Accept all where all agree".to_owned();
        tx
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::layers::Independence;
    use crate::model::{Body, DocStatus, Mention, SourceText, TextAnchor};

    fn project() -> (Project, DocId) {
        let mut p = Project::new("curation");
        p.info.independent = Some(Independence {
            all: true,
            ..Independence::default()
        });
        let text = "Mao Zedong wrote to 毛泽东 in 北京.";
        let mut d = Document {
            meta: crate::model::DocumentMeta {
                id: DocId::new(),
                title: "letter".into(),
                source: None,
                images: Vec::new(),
                status: DocStatus::InProgress,
                archival: Default::default(),
            },
            text: Some(SourceText::from_str_normalizing(text)),
            annotations: Default::default(),
        };
        let t = d.text.clone().unwrap();
        for (who, ty, s, e) in [
            ("ada", "person", 0, 10),
            ("ben", "person", 0, 10),
            ("ada", "person", 20, 23),
            ("ben", "place", 20, 23),
            ("ada", "place", 27, 29),
            ("ben", "place", 26, 29),
            ("ben", "person", 11, 16),
        ] {
            let mut a = Annotation::new(Body::Mention(Mention {
                type_id: Slug::new(ty),
                anchor: TextAnchor::span(&t, s, e).unwrap(),
                entry: None,
                date: None,
            }));
            a.layer = Some(who.into());
            d.annotations.insert(a.id, a);
        }
        let id = d.id();
        p.documents.insert(id, d);
        (p, id)
    }

    #[test]
    fn differences_are_classified_and_agreement_is_accepted_in_one_step() {
        let (mut p, doc) = project();
        let diffs = differences(&p, &p.documents[&doc]);
        let kinds: Vec<Kind> = diffs.iter().map(|d| d.kind).collect();
        assert_eq!(
            kinds,
            [
                Kind::Agreed,
                Kind::OnlySome,
                Kind::TypeDiffers,
                Kind::SpanDiffers
            ]
        );
        let tx = accept_agreed(&p, doc).unwrap();
        assert_eq!(tx.edits.len(), 1);
        let inverse = tx.invert();
        tx.apply(&mut p).unwrap();
        let curated: Vec<&Annotation> = p.documents[&doc]
            .annotations
            .values()
            .filter(|a| a.layer.is_none())
            .collect();
        assert_eq!(curated.len(), 1);
        assert_eq!(curated[0].adjudicated_from, ["ada", "ben"]);
        assert!(differences(&p, &p.documents[&doc])[0].curated);
        // Nothing left to accept where all agree; accepting again adds nothing.
        assert!(accept_agreed(&p, doc).is_none());
        // Ben's type for 毛泽东 is chosen: one step, undoable.
        let ben_place = diffs[2]
            .versions
            .iter()
            .find(|(w, _)| w == "ben")
            .unwrap()
            .1;
        let tx2 = accept(&p, doc, &[ben_place]).unwrap();
        let before = p.clone();
        let inv2 = tx2.invert();
        tx2.apply(&mut p).unwrap();
        let added = p.documents[&doc]
            .annotations
            .values()
            .find(|a| a.layer.is_none() && a.type_id().0 == "place")
            .unwrap();
        assert_eq!(added.adjudicated_from, ["ben"]);
        inv2.apply(&mut p).unwrap();
        assert_eq!(p, before);
        inverse.apply(&mut p).unwrap();
        assert!(
            p.documents[&doc]
                .annotations
                .values()
                .all(|a| a.layer.is_some())
        );
    }
}
