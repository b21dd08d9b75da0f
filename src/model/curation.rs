//! Curation (issue 26): the annotators' layers of an independent document compared — mentions,
//! events and relations — and the curator's choices turned into the shared layer, the
//! adjudicated set every export writes. Each choice (accept a version, merge versions,
//! accept all where all agree) is one transaction, one undo step; the copied annotation keeps
//! its original `created` stamp and note, and records in [`Annotation::adjudicated_from`]
//! whose versions it was taken from (the session's stamper stamps the curator as the one who
//! changed it last). Choosing another version of a place replaces the version chosen
//! before in the same step. An event's or relation's fillers and ends in a layer are taken
//! into the shared layer with it (or mapped to their curated copies).

use super::layers::layers_of;
use super::{
    AnnId, Annotation, Body, DocId, Document, Edit, EntryId, Project, Slug, Span, Target,
    Transaction,
};
use std::collections::{BTreeMap, BTreeSet};

/// How the annotators' versions of one place in the text differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Every annotator has the same annotation (type, spans, link / roles / ends).
    Agreed,
    /// Same spans and type, different registry links (a mention), role fillers (an
    /// event) or ends (a relation).
    LinkDiffers,
    /// Same spans, different types.
    TypeDiffers,
    /// Overlapping annotations with different spans.
    SpanDiffers,
    /// Only some annotators have it.
    OnlySome,
}

/// What a place holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Item {
    Mention,
    Event,
    Relation,
}

/// One annotator's version at a place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub who: String,
    pub id: AnnId,
    /// The shared layer holds an annotation equal to this version.
    pub curated: bool,
}

/// One place where annotations of the layers meet (a connected group of overlapping
/// mentions; events with overlapping triggers, or of one type without a trigger; relations
/// from the same annotation), with each version.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    pub item: Item,
    pub kind: Kind,
    /// Start of the earliest mention or trigger (of a relation: of its source), for
    /// ordering and jumping.
    pub start: usize,
    /// The annotators' versions, by annotator then start.
    pub versions: Vec<Version>,
    /// Whether the shared layer already holds one of the versions.
    pub curated: bool,
    /// The annotators with a layer in the document who have no version here.
    pub missing: Vec<String>,
}

/// One end of a relation or a role filler, compared across layers by what it is, not by id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum End {
    Entry(EntryId),
    Mention(Slug, Vec<Span>),
    Event(Slug, Vec<Span>),
    Missing,
}

/// An annotation as compared across layers: type, spans, and the rest (link, roles, ends).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Sig {
    item: Item,
    type_id: Slug,
    spans: Vec<Span>,
    rest: Vec<(Slug, End)>,
}

fn end(doc: &Document, t: &Target) -> End {
    match t {
        Target::Entry(e) => End::Entry(*e),
        Target::Annotation(id) => match doc.annotations.get(id).map(|a| &a.body) {
            Some(Body::Mention(m)) => End::Mention(m.type_id.clone(), m.anchor.fragments.clone()),
            Some(Body::Event(e)) => End::Event(
                e.type_id.clone(),
                e.trigger
                    .as_ref()
                    .map_or_else(Vec::new, |t| t.fragments.clone()),
            ),
            _ => End::Missing,
        },
    }
}

fn sig(doc: &Document, a: &Annotation) -> Sig {
    match &a.body {
        Body::Mention(m) => Sig {
            item: Item::Mention,
            type_id: m.type_id.clone(),
            spans: m.anchor.fragments.clone(),
            rest: m
                .entry
                .map(|e| (Slug::new("entry"), End::Entry(e)))
                .into_iter()
                .collect(),
        },
        Body::Event(e) => {
            let mut rest: Vec<(Slug, End)> = e
                .roles
                .iter()
                .flat_map(|(r, fs)| fs.iter().map(move |f| (r.clone(), f)))
                .map(|(r, f)| (r, end(doc, f)))
                .collect();
            rest.sort();
            Sig {
                item: Item::Event,
                type_id: e.type_id.clone(),
                spans: e
                    .trigger
                    .as_ref()
                    .map_or_else(Vec::new, |t| t.fragments.clone()),
                rest,
            }
        }
        Body::Relation(r) => Sig {
            item: Item::Relation,
            type_id: r.type_id.clone(),
            spans: Vec::new(),
            rest: vec![
                (Slug::new("from"), end(doc, &r.from)),
                (Slug::new("to"), end(doc, &r.to)),
            ],
        },
    }
}

fn classify(sigs: &[&Sig], who: usize, n: usize, annotators: usize) -> Kind {
    let spans: BTreeSet<&[Span]> = sigs.iter().map(|s| s.spans.as_slice()).collect();
    let types: BTreeSet<&Slug> = sigs.iter().map(|s| &s.type_id).collect();
    let all: BTreeSet<&Sig> = sigs.iter().copied().collect();
    if spans.len() > 1 {
        Kind::SpanDiffers
    } else if types.len() > 1 {
        Kind::TypeDiffers
    } else if who != annotators || n != annotators {
        Kind::OnlySome
    } else if all.len() > 1 {
        Kind::LinkDiffers
    } else {
        Kind::Agreed
    }
}

/// Groups annotations with extents by overlap (a sweep over the sorted extents).
fn overlapping(mut xs: Vec<(Span, &Annotation)>) -> Vec<Vec<&Annotation>> {
    xs.sort_by_key(|(e, a)| (e.start, e.end, a.id));
    let mut groups: Vec<Vec<&Annotation>> = Vec::new();
    let mut reach = 0;
    for (e, a) in xs {
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
}

fn extent(spans: &[Span]) -> Option<Span> {
    Some(Span {
        start: spans.iter().map(|s| s.start).min()?,
        end: spans.iter().map(|s| s.end).max()?,
    })
}

/// The differences between the layers of `doc`: mentions in text order, then events, then
/// relations.
pub fn differences(project: &Project, doc: &Document) -> Vec<Difference> {
    let annotators = layers_of(project, doc);
    let layered: Vec<&Annotation> = doc
        .annotations
        .values()
        .filter(|a| a.layer.is_some())
        .collect();
    let sigs: BTreeMap<AnnId, Sig> = layered.iter().map(|a| (a.id, sig(doc, a))).collect();
    let shared: BTreeSet<Sig> = doc
        .annotations
        .values()
        .filter(|a| a.layer.is_none())
        .map(|a| sig(doc, a))
        .collect();
    let sigs = &sigs;
    let layered = &layered;
    let of = |item: Item| {
        layered
            .iter()
            .copied()
            .filter(move |a| sigs[&a.id].item == item)
    };
    let mut groups: Vec<(Item, Vec<&Annotation>)> = Vec::new();
    let with_extent = |item: Item| -> Vec<(Span, &Annotation)> {
        of(item)
            .filter_map(|a| extent(&sigs[&a.id].spans).map(|e| (e, a)))
            .collect()
    };
    groups.extend(
        overlapping(with_extent(Item::Mention))
            .into_iter()
            .map(|g| (Item::Mention, g)),
    );
    groups.extend(
        overlapping(with_extent(Item::Event))
            .into_iter()
            .map(|g| (Item::Event, g)),
    );
    let mut untriggered: BTreeMap<&Slug, Vec<&Annotation>> = BTreeMap::new();
    for a in of(Item::Event).filter(|a| sigs[&a.id].spans.is_empty()) {
        untriggered.entry(&sigs[&a.id].type_id).or_default().push(a);
    }
    groups.extend(untriggered.into_values().map(|g| (Item::Event, g)));
    let mut by_source: BTreeMap<&End, Vec<&Annotation>> = BTreeMap::new();
    for a in of(Item::Relation) {
        by_source.entry(&sigs[&a.id].rest[0].1).or_default().push(a);
    }
    groups.extend(by_source.into_values().map(|g| (Item::Relation, g)));
    groups
        .into_iter()
        .map(|(item, g)| {
            let who: BTreeSet<&str> = g.iter().filter_map(|a| a.layer.as_deref()).collect();
            let gs: Vec<&Sig> = g.iter().map(|a| &sigs[&a.id]).collect();
            let kind = classify(&gs, who.len(), g.len(), annotators.len());
            let mut versions: Vec<Version> = g
                .iter()
                .map(|a| Version {
                    who: a.layer.clone().unwrap_or_default(),
                    id: a.id,
                    curated: shared.contains(&sigs[&a.id]),
                })
                .collect();
            versions.sort_by(|a, b| a.who.cmp(&b.who));
            let start = match item {
                Item::Relation => match &gs[0].rest[0].1 {
                    End::Mention(_, s) | End::Event(_, s) => s.first().map_or(0, |s| s.start),
                    _ => 0,
                },
                _ => gs
                    .iter()
                    .filter_map(|s| extent(&s.spans))
                    .map(|e| e.start)
                    .min()
                    .unwrap_or(0),
            };
            Difference {
                item,
                kind,
                start,
                curated: versions.iter().any(|v| v.curated),
                missing: annotators
                    .iter()
                    .filter(|n| !who.contains(n.as_str()))
                    .cloned()
                    .collect(),
                versions,
            }
        })
        .collect()
}

/// Builds one curation transaction: adopts layer annotations into the shared layer,
/// mapping fillers and ends to their shared copies (adopting them too when there is none).
struct Adopt<'a> {
    doc: &'a Document,
    id: DocId,
    shared: BTreeMap<Sig, AnnId>,
    layer_sigs: Vec<(Sig, String)>,
    tx: Transaction,
}

impl<'a> Adopt<'a> {
    fn new(project: &'a Project, doc: DocId, label: &str) -> Option<Self> {
        let d = project.documents.get(&doc)?;
        let mut shared = BTreeMap::new();
        let mut layer_sigs = Vec::new();
        for a in d.annotations.values() {
            match &a.layer {
                None => {
                    shared.entry(sig(d, a)).or_insert(a.id);
                }
                Some(w) => layer_sigs.push((sig(d, a), w.clone())),
            }
        }
        Some(Self {
            doc: d,
            id: doc,
            shared,
            layer_sigs,
            tx: Transaction::new(label),
        })
    }

    fn from(&self, s: &Sig) -> Vec<String> {
        let mut out: Vec<String> = self
            .layer_sigs
            .iter()
            .filter(|(x, _)| x == s)
            .map(|(_, w)| w.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    fn target(&mut self, t: Target, depth: u8) -> Target {
        match t {
            Target::Annotation(x) => self.adopt(x, depth + 1).map_or(t, Target::Annotation),
            e => e,
        }
    }

    /// The id of the shared copy of `id` (its own id when it is shared already).
    fn adopt(&mut self, id: AnnId, depth: u8) -> Option<AnnId> {
        let doc = self.doc;
        let a = doc.annotations.get(&id)?;
        if a.layer.is_none() {
            return Some(id);
        }
        let s = sig(doc, a);
        if let Some(have) = self.shared.get(&s) {
            return Some(*have);
        }
        if depth > 4 {
            return None;
        }
        let mut out = a.clone();
        out.adjudicated_from = self.from(&s);
        self.remap(&mut out, depth);
        Some(self.add(s, out))
    }

    fn remap(&mut self, out: &mut Annotation, depth: u8) {
        match &mut out.body {
            Body::Event(e) => {
                let mut roles = std::mem::take(&mut e.roles);
                for fs in roles.values_mut() {
                    for f in fs.iter_mut() {
                        *f = self.target(*f, depth);
                    }
                }
                if let Body::Event(e) = &mut out.body {
                    e.roles = roles;
                }
            }
            Body::Relation(r) => {
                let (from, to) = (r.from, r.to);
                let (from, to) = (self.target(from, depth), self.target(to, depth));
                if let Body::Relation(r) = &mut out.body {
                    r.from = from;
                    r.to = to;
                }
            }
            Body::Mention(_) => {}
        }
    }

    fn add(&mut self, s: Sig, mut out: Annotation) -> AnnId {
        out.id = AnnId::new();
        out.layer = None;
        out.modified = None;
        self.shared.insert(s, out.id);
        let id = out.id;
        self.tx = std::mem::replace(&mut self.tx, Transaction::new("")).with(Edit::Annotation {
            doc: self.id,
            before: None,
            after: Some(Box::new(out)),
        });
        id
    }

    /// Removes the shared annotations equal to versions of `place` other than `keep`, so
    /// choosing another version replaces the one chosen before. One that a shared event or
    /// relation points at stays.
    fn replace(&mut self, place: &Difference, keep: &[AnnId]) {
        let doc = self.doc;
        let others: BTreeSet<Sig> = place
            .versions
            .iter()
            .filter(|v| !keep.contains(&v.id))
            .filter_map(|v| doc.annotations.get(&v.id))
            .map(|a| sig(doc, a))
            .collect();
        let pointed: BTreeSet<AnnId> = doc
            .annotations
            .values()
            .filter(|a| a.layer.is_none())
            .flat_map(targets)
            .collect();
        for a in doc.annotations.values().filter(|a| a.layer.is_none()) {
            let s = sig(doc, a);
            if others.contains(&s) && !pointed.contains(&a.id) {
                self.shared.remove(&s);
                self.tx =
                    std::mem::replace(&mut self.tx, Transaction::new("")).with(Edit::Annotation {
                        doc: self.id,
                        before: Some(Box::new(a.clone())),
                        after: None,
                    });
            }
        }
    }

    fn finish(self, label: &str) -> Option<Transaction> {
        let mut tx = self.tx;
        tx.label = label.to_owned();
        (!tx.is_empty()).then_some(tx)
    }
}

fn targets(a: &Annotation) -> Vec<AnnId> {
    let ann = |t: &Target| match t {
        Target::Annotation(x) => Some(*x),
        Target::Entry(_) => None,
    };
    match &a.body {
        Body::Event(e) => e.roles.values().flatten().filter_map(ann).collect(),
        Body::Relation(r) => [&r.from, &r.to].into_iter().filter_map(ann).collect(),
        Body::Mention(_) => Vec::new(),
    }
}

/// Accepts the layer annotations `chosen` of document `doc` into the shared layer, as one
/// transaction. Annotations already there (equal type, spans and link, roles or ends) are
/// not added twice; an event's fillers and a relation's ends come along.
pub fn accept(project: &Project, doc: DocId, chosen: &[AnnId]) -> Option<Transaction> {
    let mut b = Adopt::new(project, doc, "Accept version")?;
    for id in chosen {
        b.adopt(*id, 0);
    }
    b.finish("Accept version")
}

/// What choosing a version did: the transaction (`None` when the shared layer held it
/// already and nothing else of the place) and the shared annotation that is the choice.
#[derive(Clone, Debug)]
pub struct Choice {
    pub tx: Option<Transaction>,
    pub shared: Option<AnnId>,
}

/// Chooses version `id` at `place`: accepts it and takes out the place's other versions the
/// shared layer held, in one transaction ("Accept ada's version").
pub fn choose(project: &Project, doc: DocId, place: &Difference, id: AnnId) -> Option<Choice> {
    let mut b = Adopt::new(project, doc, "")?;
    b.replace(place, &[id]);
    let shared = b.adopt(id, 0);
    let who = place
        .versions
        .iter()
        .find(|v| v.id == id)
        .map_or("", |v| v.who.as_str());
    Some(Choice {
        tx: b.finish(&format!("Accept {who}'s version")),
        shared,
    })
}

/// A merge of the versions at a place: each part taken from one version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Merge {
    /// The version whose spans (mention) or trigger (event) are taken.
    pub span: AnnId,
    /// The version whose type is taken.
    pub type_of: AnnId,
    /// The version whose link (mention), role fillers (event) or ends (relation) are taken.
    pub link: AnnId,
}

/// Merges versions at `place` into one shared annotation (see [`Merge`]), replacing the
/// place's versions the shared layer held, in one transaction. `adjudicated_from` names the
/// annotators of every version a part came from. `None` when the parts are not of one kind.
pub fn merge(
    project: &Project,
    doc: DocId,
    place: &Difference,
    parts: Merge,
) -> Option<Transaction> {
    let mut b = Adopt::new(project, doc, "")?;
    let d = b.doc;
    let (span, ty, link) = (
        d.annotations.get(&parts.span)?,
        d.annotations.get(&parts.type_of)?,
        d.annotations.get(&parts.link)?,
    );
    let mut out = span.clone();
    match (&mut out.body, &ty.body, &link.body) {
        (Body::Mention(m), Body::Mention(t), Body::Mention(l)) => {
            m.type_id = t.type_id.clone();
            m.entry = l.entry;
            m.date = l.date.clone().or(m.date.take());
        }
        (Body::Event(e), Body::Event(t), Body::Event(l)) => {
            e.type_id = t.type_id.clone();
            e.roles = l.roles.clone();
        }
        (Body::Relation(r), Body::Relation(t), Body::Relation(l)) => {
            r.type_id = t.type_id.clone();
            r.from = l.from;
            r.to = l.to;
        }
        _ => return None,
    }
    let mut from: Vec<String> = [span, ty, link]
        .iter()
        .filter_map(|a| a.layer.clone())
        .collect();
    from.sort();
    from.dedup();
    out.adjudicated_from = from;
    b.replace(place, &[]);
    b.remap(&mut out, 0);
    let s = sig(d, &out);
    if !b.shared.contains_key(&s) {
        b.add(s, out);
    }
    b.finish("Merge versions")
}

/// Accepts every annotation all annotators agree on and that is not curated yet, as one
/// transaction ("accept all where all agree"): mentions, events and relations.
pub fn accept_agreed(project: &Project, doc: DocId) -> Option<Transaction> {
    let d = project.documents.get(&doc)?;
    let chosen: Vec<AnnId> = differences(project, d)
        .into_iter()
        .filter(|x| x.kind == Kind::Agreed && !x.curated)
        .filter_map(|x| x.versions.first().map(|v| v.id))
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
            .find(|v| v.who == "ben")
            .unwrap()
            .id;
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

    fn shared(p: &Project, doc: DocId) -> Vec<Annotation> {
        p.documents[&doc]
            .annotations
            .values()
            .filter(|a| a.layer.is_none())
            .cloned()
            .collect()
    }

    fn version(d: &Difference, who: &str) -> AnnId {
        d.versions.iter().find(|v| v.who == who).unwrap().id
    }

    #[test]
    fn choosing_another_version_replaces_the_first_choice_in_one_step() {
        let (mut p, doc) = project();
        let place = differences(&p, &p.documents[&doc])[2].clone();
        assert_eq!(place.kind, Kind::TypeDiffers);
        let c = choose(&p, doc, &place, version(&place, "ada")).unwrap();
        c.tx.unwrap().apply(&mut p).unwrap();
        assert_eq!(shared(&p, doc)[0].type_id().0, "person");
        assert_eq!(Some(shared(&p, doc)[0].id), c.shared);
        let place = differences(&p, &p.documents[&doc])[2].clone();
        assert!(place.versions.iter().any(|v| v.who == "ada" && v.curated));
        let before = p.clone();
        let c = choose(&p, doc, &place, version(&place, "ben")).unwrap();
        let tx = c.tx.unwrap();
        let inv = tx.invert();
        tx.apply(&mut p).unwrap();
        let s = shared(&p, doc);
        assert_eq!(s.len(), 1, "Ben's replaces Ada's");
        assert_eq!(s[0].type_id().0, "place");
        assert_eq!(s[0].adjudicated_from, ["ben"]);
        inv.apply(&mut p).unwrap();
        assert_eq!(p, before, "one undo restores Ada's choice");
        // Choosing what is curated already changes nothing but says which it is.
        let c = choose(&p, doc, &place, version(&place, "ada")).unwrap();
        assert!(c.tx.is_none());
        assert_eq!(c.shared, Some(shared(&p, doc)[0].id));
    }

    #[test]
    fn a_merge_takes_the_span_of_one_version_and_the_type_of_another() {
        let (mut p, doc) = project();
        let place = differences(&p, &p.documents[&doc])[3].clone();
        assert_eq!(place.kind, Kind::SpanDiffers);
        let (ada, ben) = (version(&place, "ada"), version(&place, "ben"));
        let tx = merge(
            &p,
            doc,
            &place,
            Merge {
                span: ben,
                type_of: ada,
                link: ada,
            },
        )
        .unwrap();
        tx.apply(&mut p).unwrap();
        let s = shared(&p, doc);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].anchor().unwrap().extent().start, 26);
        assert_eq!(s[0].type_id().0, "place");
        assert_eq!(s[0].adjudicated_from, ["ada", "ben"]);
    }

    /// Events and relations: Ada and Ben have the same "letter" event with one role each
    /// filled differently, and the same relation; accepting the agreed set takes the relation
    /// and its ends; choosing Ada's event takes its filler mention into the shared layer
    /// with it.
    #[test]
    fn events_and_relations_are_curated_with_their_fillers() {
        use crate::model::{Event, Relation};
        let (mut p, doc) = project();
        let d = &p.documents[&doc];
        let find = |who: &str, start: usize| {
            d.annotations
                .values()
                .find(|a| {
                    a.layer.as_deref() == Some(who) && a.anchor().unwrap().extent().start == start
                })
                .unwrap()
                .id
        };
        let t = d.text.clone().unwrap();
        let (mao_a, mao_b) = (find("ada", 0), find("ben", 0));
        let mut tx = Transaction::new("events");
        for (who, filler, to) in [
            ("ada", mao_a, find("ada", 20)),
            ("ben", mao_b, find("ben", 11)),
        ] {
            let mut ev = Annotation::new(Body::Event(Event {
                type_id: Slug::new("letter"),
                trigger: Some(TextAnchor::span(&t, 11, 16).unwrap()),
                roles: [(Slug::new("sender"), vec![Target::Annotation(filler)])]
                    .into_iter()
                    .chain(
                        (who == "ada")
                            .then(|| (Slug::new("recipient"), vec![Target::Annotation(to)])),
                    )
                    .collect(),
                date: None,
            }));
            ev.layer = Some(who.into());
            let mut rel = Annotation::new(Body::Relation(Relation {
                type_id: Slug::new("knows"),
                from: Target::Annotation(filler),
                to: Target::Entry(EntryId::new()),
            }));
            rel.layer = Some(who.into());
            if let (Body::Relation(r), "ben") = (&mut rel.body, who) {
                r.type_id = Slug::new("met");
            }
            for a in [ev, rel] {
                tx = tx.with(Edit::Annotation {
                    doc,
                    before: None,
                    after: Some(Box::new(a)),
                });
            }
        }
        tx.apply(&mut p).unwrap();
        let diffs = differences(&p, &p.documents[&doc]);
        let ev = diffs
            .iter()
            .find(|d| d.item == Item::Event)
            .unwrap()
            .clone();
        assert_eq!(
            ev.kind,
            Kind::LinkDiffers,
            "same trigger and type, roles differ"
        );
        let rel = diffs.iter().find(|d| d.item == Item::Relation).unwrap();
        assert_eq!(rel.kind, Kind::TypeDiffers);
        let c = choose(&p, doc, &ev, version(&ev, "ada")).unwrap();
        c.tx.unwrap().apply(&mut p).unwrap();
        let s = shared(&p, doc);
        // The event, its sender (Mao Zedong) and recipient (毛泽东) mentions.
        assert_eq!(s.len(), 3);
        let e = s.iter().find(|a| a.id == c.shared.unwrap()).unwrap();
        let Body::Event(e) = &e.body else { panic!() };
        for fs in e.roles.values() {
            for f in fs {
                let Target::Annotation(f) = f else { panic!() };
                assert!(
                    p.documents[&doc].annotations[f].layer.is_none(),
                    "fillers are shared copies"
                );
            }
        }
        let ev = differences(&p, &p.documents[&doc])
            .into_iter()
            .find(|d| d.item == Item::Event)
            .unwrap();
        assert!(ev.curated);
    }
}
