//! Three-way merge of projects by record id: base, ours, theirs → merged project plus
//! conflicts. No UI and no files; the git merge driver (`store::merge`) and the window build
//! on it.
//!
//! Records are the project info, each schema type (entity, event, relation, attribute, by
//! slug), each registry entry, each document's metadata and each annotation (by id). A
//! record changed on one side only takes that side; changed identically on both, once;
//! changed differently, a [`Conflict`] that keeps every version. Nothing is ever dropped:
//!
//! - both changed: ours stays in place, both versions are in the conflict;
//! - deleted on one side, changed on the other: the changed version stays in place;
//! - deleted on one side while the other side still refers to it (a role filler, relation
//!   argument, the text mention a page region shows, registry link, type or attribute): the
//!   base version is restored and the conflict names the records that refer to it, so no id
//!   dangles.
//!
//! Conflicts are data ([`Project::conflicts`]) saved in the project and annotation files, so a
//! conflicted merge still loads; see `docs/merge.md`.

use super::annotation::{Annotation, Body, Target};
use super::document::{Document, DocumentMeta, RelPath};
use super::edit::{Edit, Transaction};
use super::ids::{AnnId, DocId, EntryId, Slug};
use super::project::{Project, ProjectInfo};
use super::registry::Entry;
use super::schema::{AttributeDef, EntityType, EventType, RelationType, Schema};
use std::collections::{BTreeMap, BTreeSet};

pub use super::conflict::{Conflict, ConflictKind, Record, RecordKey, Side};

/// Names for the two sides, recorded in each conflict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Labels {
    pub ours: String,
    pub theirs: String,
}

impl Default for Labels {
    fn default() -> Self {
        Self {
            ours: "ours".into(),
            theirs: "theirs".into(),
        }
    }
}

/// The result of a merge.
#[derive(Clone, Debug)]
pub struct Merged {
    /// The merged project. Its `conflicts` hold the new conflicts plus the unresolved ones
    /// either side already had.
    pub project: Project,
    /// The conflicts this merge found, in record order.
    pub new_conflicts: Vec<Conflict>,
}

impl Merged {
    /// Whether the merge needs no one's decision.
    pub fn is_clean(&self) -> bool {
        self.new_conflicts.is_empty()
    }
}

/// Collects conflicts while records are merged.
struct Ctx<'a> {
    labels: &'a Labels,
    conflicts: Vec<Conflict>,
}

impl Ctx<'_> {
    fn conflict(
        &mut self,
        record: RecordKey,
        kind: ConflictKind,
        kept: Side,
        [base, ours, theirs]: [Option<Record>; 3],
    ) {
        self.conflicts.push(Conflict {
            record,
            kind,
            kept,
            ours_label: self.labels.ours.clone(),
            theirs_label: self.labels.theirs.clone(),
            base,
            ours,
            theirs,
            referenced_by: Vec::new(),
        });
    }
}

/// A record the merge compares. Two sides that made the same change at different
/// moments (the same content, different `modified` stamps) agree: the later stamp is kept,
/// so nobody has to choose between two equal versions.
trait MergeRecord: Clone + PartialEq {
    /// The version to keep when `self` and `other` differ only in their stamps.
    fn same_change(&self, _other: &Self) -> Option<Self> {
        None
    }
}

/// The later of two stamped versions equal but for their stamps, if they are.
fn later_of<T: Clone + PartialEq>(
    a: &T,
    b: &T,
    stamps: impl Fn(&mut T) -> [&mut Option<super::Stamp>; 2],
) -> Option<T> {
    let bare = |v: &T| {
        let mut v = v.clone();
        for s in stamps(&mut v) {
            *s = None;
        }
        v
    };
    if bare(a) != bare(b) {
        return None;
    }
    let when = |v: &T| {
        let mut v = v.clone();
        let [_, modified] = stamps(&mut v);
        modified.as_ref().map(|s| s.at)
    };
    Some(if when(b) > when(a) {
        b.clone()
    } else {
        a.clone()
    })
}

impl MergeRecord for Annotation {
    fn same_change(&self, other: &Self) -> Option<Self> {
        later_of(self, other, |a| [&mut a.created, &mut a.modified])
    }
}

impl MergeRecord for Entry {
    fn same_change(&self, other: &Self) -> Option<Self> {
        later_of(self, other, |e| [&mut e.created, &mut e.modified])
    }
}

impl MergeRecord for DocumentMeta {}
impl MergeRecord for ProjectInfo {}
impl MergeRecord for RelPath {}
impl MergeRecord for EntityType {}
impl MergeRecord for EventType {}
impl MergeRecord for RelationType {}
impl MergeRecord for AttributeDef {}

/// Merges one record present on at least one side. Returns the merged value (`None`:
/// deleted) and records a conflict when the sides disagree.
fn merge_one<V: MergeRecord>(
    ctx: &mut Ctx<'_>,
    key: impl FnOnce() -> RecordKey,
    wrap: impl Fn(&V) -> Record,
    base: Option<&V>,
    ours: Option<&V>,
    theirs: Option<&V>,
) -> Option<V> {
    if ours == theirs || theirs == base {
        return ours.cloned();
    }
    if ours == base {
        return theirs.cloned();
    }
    if let (Some(o), Some(t)) = (ours, theirs)
        && let Some(v) = o.same_change(t)
    {
        return Some(v);
    }
    let (kind, kept) = match (ours, theirs) {
        (Some(_), Some(_)) => (ConflictKind::BothChanged, Side::Ours),
        (None, _) => (ConflictKind::DeletedByOurs, Side::Theirs),
        (_, None) => (ConflictKind::DeletedByTheirs, Side::Ours),
    };
    let versions = [base.map(&wrap), ours.map(&wrap), theirs.map(&wrap)];
    ctx.conflict(key(), kind, kept, versions);
    ours.or(theirs).cloned()
}

/// Merges maps of records by key.
fn merge_map<K: Ord + Clone, V: MergeRecord>(
    ctx: &mut Ctx<'_>,
    key: impl Fn(&K) -> RecordKey,
    wrap: impl Fn(&V) -> Record,
    base: &BTreeMap<K, V>,
    ours: &BTreeMap<K, V>,
    theirs: &BTreeMap<K, V>,
) -> BTreeMap<K, V> {
    if ours == theirs || theirs == base {
        return ours.clone();
    }
    if ours == base {
        return theirs.clone();
    }
    let keys: BTreeSet<&K> = base
        .keys()
        .chain(ours.keys())
        .chain(theirs.keys())
        .collect();
    let mut out = BTreeMap::new();
    for k in keys {
        let (b, o, t) = (base.get(k), ours.get(k), theirs.get(k));
        if let Some(v) = merge_one(ctx, || key(k), &wrap, b, o, t) {
            out.insert(k.clone(), v);
        }
    }
    out
}

/// Merges an ordered list of records named by slug. The order is ours (or theirs when
/// ours kept the base order), then records only the other side has, in its order.
fn merge_list<V: MergeRecord>(
    ctx: &mut Ctx<'_>,
    id: impl Fn(&V) -> &Slug,
    key: impl Fn(&Slug) -> RecordKey,
    wrap: impl Fn(&V) -> Record,
    [base, ours, theirs]: [&[V]; 3],
) -> Vec<V> {
    if ours == theirs || theirs == base {
        return ours.to_vec();
    }
    if ours == base {
        return theirs.to_vec();
    }
    let map =
        |l: &[V]| -> BTreeMap<Slug, V> { l.iter().map(|v| (id(v).clone(), v.clone())).collect() };
    let merged = merge_map(ctx, key, wrap, &map(base), &map(ours), &map(theirs));
    let ids = |l: &[V]| -> Vec<Slug> { l.iter().map(|v| id(v).clone()).collect() };
    let (first, second) = if ids(ours) == ids(base) {
        (theirs, ours)
    } else {
        (ours, theirs)
    };
    let mut out = Vec::with_capacity(merged.len());
    let mut placed = BTreeSet::new();
    for v in first.iter().chain(second) {
        let slug = id(v);
        if placed.insert(slug.clone())
            && let Some(m) = merged.get(slug)
        {
            out.push(m.clone());
        }
    }
    out
}

fn merge_schema(ctx: &mut Ctx<'_>, base: &Schema, ours: &Schema, theirs: &Schema) -> Schema {
    if ours == theirs || theirs == base {
        return ours.clone();
    }
    if ours == base {
        return theirs.clone();
    }
    Schema {
        entity_types: merge_list(
            ctx,
            |t: &EntityType| &t.id,
            |s| RecordKey::EntityType(s.clone()),
            |t| Record::EntityType(t.clone()),
            [&base.entity_types, &ours.entity_types, &theirs.entity_types],
        ),
        event_types: merge_list(
            ctx,
            |t: &EventType| &t.id,
            |s| RecordKey::EventType(s.clone()),
            |t| Record::EventType(t.clone()),
            [&base.event_types, &ours.event_types, &theirs.event_types],
        ),
        relation_types: merge_list(
            ctx,
            |t: &RelationType| &t.id,
            |s| RecordKey::RelationType(s.clone()),
            |t| Record::RelationType(t.clone()),
            [
                &base.relation_types,
                &ours.relation_types,
                &theirs.relation_types,
            ],
        ),
        attributes: merge_list(
            ctx,
            |t: &AttributeDef| &t.id,
            |s| RecordKey::Attribute(s.clone()),
            |t| Record::Attribute(t.clone()),
            [&base.attributes, &ours.attributes, &theirs.attributes],
        ),
        // Kept files: ours, then any only theirs has. Each names the tagset it describes,
        // so one that no longer matches the merged types is never written back.
        origins: {
            let mut o = ours.origins.clone();
            for t in &theirs.origins {
                if !o.contains(t) {
                    o.push(t.clone());
                }
            }
            o
        },
    }
}

/// Whether two documents hold the same data (the text is read from the source, not merged).
fn same_doc(a: &Document, b: &Document) -> bool {
    a.meta == b.meta && a.annotations == b.annotations
}

fn merge_document(
    ctx: &mut Ctx<'_>,
    id: DocId,
    base: Option<&Document>,
    ours: Option<&Document>,
    theirs: Option<&Document>,
) -> Option<Document> {
    let eq = |a: Option<&Document>, b: Option<&Document>| match (a, b) {
        (Some(a), Some(b)) => same_doc(a, b),
        (None, None) => true,
        _ => false,
    };
    if eq(ours, theirs) || eq(theirs, base) {
        return ours.cloned();
    }
    if eq(ours, base) {
        return theirs.cloned();
    }
    let meta = |d: Option<&Document>| d.map(|d| Record::Document(d.meta.clone()));
    match (ours, theirs) {
        (Some(o), Some(t)) => {
            let empty = BTreeMap::new();
            let b_anns = base.map_or(&empty, |b| &b.annotations);
            let merged_meta = merge_one(
                ctx,
                || RecordKey::Document(id),
                |m: &DocumentMeta| Record::Document(m.clone()),
                base.map(|b| &b.meta),
                Some(&o.meta),
                Some(&t.meta),
            );
            let annotations = merge_map(
                ctx,
                |a: &AnnId| RecordKey::Annotation(id, *a),
                |a: &Annotation| Record::Annotation(a.clone()),
                b_anns,
                &o.annotations,
                &t.annotations,
            );
            // The text follows the source: ours, unless only theirs changed it.
            let text = match base {
                Some(b) if o.text == b.text => t.text.clone(),
                _ => o.text.clone(),
            };
            Some(Document {
                meta: merged_meta.unwrap_or_else(|| o.meta.clone()),
                text,
                annotations,
            })
        }
        (None, Some(t)) => {
            ctx.conflict(
                RecordKey::Document(id),
                ConflictKind::DeletedByOurs,
                Side::Theirs,
                [meta(base), None, meta(Some(t))],
            );
            Some(t.clone())
        }
        (Some(o), None) => {
            ctx.conflict(
                RecordKey::Document(id),
                ConflictKind::DeletedByTheirs,
                Side::Ours,
                [meta(base), meta(Some(o)), None],
            );
            Some(o.clone())
        }
        (None, None) => None,
    }
}

/// Conflicts either side still carries: one resolved (removed) on a side and untouched on
/// the other is resolved; one added on either side is kept.
fn merge_carried(base: &[Conflict], ours: &[Conflict], theirs: &[Conflict]) -> Vec<Conflict> {
    let mut out: Vec<Conflict> = Vec::new();
    for c in ours {
        if (theirs.contains(c) || !base.contains(c)) && !out.contains(c) {
            out.push(c.clone());
        }
    }
    for c in theirs {
        if !base.contains(c) && !out.contains(c) {
            out.push(c.clone());
        }
    }
    out
}

/// Three-way merge of whole projects. The merged project is valid wherever the three inputs
/// are, apart from what the conflicts record; see the module documentation for the rules.
pub fn merge_projects(base: &Project, ours: &Project, theirs: &Project, labels: &Labels) -> Merged {
    let mut ctx = Ctx {
        labels,
        conflicts: Vec::new(),
    };
    let info = merge_one(
        &mut ctx,
        || RecordKey::Info,
        |i: &ProjectInfo| Record::Info(i.clone()),
        Some(&base.info),
        Some(&ours.info),
        Some(&theirs.info),
    )
    .unwrap_or_else(|| ours.info.clone());
    let schema = merge_schema(&mut ctx, &base.schema, &ours.schema, &theirs.schema);
    let registry = merge_map(
        &mut ctx,
        |e: &EntryId| RecordKey::Entry(*e),
        |e: &Entry| Record::Entry(e.clone()),
        &base.registry,
        &ours.registry,
        &theirs.registry,
    );
    let ids: BTreeSet<DocId> = base
        .documents
        .keys()
        .chain(ours.documents.keys())
        .chain(theirs.documents.keys())
        .copied()
        .collect();
    let mut documents = BTreeMap::new();
    for id in ids {
        let (b, o, t) = (
            base.documents.get(&id),
            ours.documents.get(&id),
            theirs.documents.get(&id),
        );
        if let Some(d) = merge_document(&mut ctx, id, b, o, t) {
            documents.insert(id, d);
        }
    }
    let mut project = Project {
        info,
        schema,
        registry,
        documents,
        conflicts: Vec::new(),
    };
    restore_referenced(&mut ctx, &mut project, base, ours, theirs);
    let mut new_conflicts = ctx.conflicts;
    new_conflicts.sort_by(|a, b| a.record.cmp(&b.record));
    let mut all = merge_carried(&base.conflicts, &ours.conflicts, &theirs.conflicts);
    all.extend(new_conflicts.iter().cloned());
    all.sort_by(|a, b| a.record.cmp(&b.record));
    project.conflicts = all;
    Merged {
        project,
        new_conflicts,
    }
}

/// Three-way merge of a project file's document list (document id → annotation file).
/// Returns the merged list and its conflicts.
pub fn merge_document_list(
    base: &BTreeMap<DocId, RelPath>,
    ours: &BTreeMap<DocId, RelPath>,
    theirs: &BTreeMap<DocId, RelPath>,
    labels: &Labels,
) -> (BTreeMap<DocId, RelPath>, Vec<Conflict>) {
    let mut ctx = Ctx {
        labels,
        conflicts: Vec::new(),
    };
    let merged = merge_map(
        &mut ctx,
        |d: &DocId| RecordKey::DocumentFile(*d),
        |f: &RelPath| Record::DocumentFile(f.clone()),
        base,
        ours,
        theirs,
    );
    // The same file added on both sides under two ids (both branches `add`ed the same
    // source): one document, kept under ours' id (else the lower one), as the annotation
    // file's merge makes it ([`rekey_added_document`]); a project listing one file twice
    // would not open.
    let mut by_file: BTreeMap<&RelPath, DocId> = BTreeMap::new();
    for (id, file) in &merged {
        let keep = match by_file.get(file) {
            None => *id,
            Some(other) if ours.contains_key(other) => *other,
            Some(_) if ours.contains_key(id) => *id,
            Some(other) => (*other).min(*id),
        };
        by_file.insert(file, keep);
    }
    let kept: BTreeSet<DocId> = by_file.values().copied().collect();
    let merged = merged
        .iter()
        .filter(|(id, _)| kept.contains(id))
        .map(|(id, f)| (*id, f.clone()))
        .collect();
    (merged, ctx.conflicts)
}

/// An annotation file added on both sides (no base) describing two documents (both
/// branches `add`ed the same source): theirs is taken as the same document under ours' id,
/// so the merge gives one document holding both sides' annotations (its metadata a conflict
/// if the two differ). `theirs` must hold exactly one document.
pub fn rekey_added_document(theirs: &mut Project, ours_id: DocId) {
    let Some((&old, _)) = theirs.documents.iter().next() else {
        return;
    };
    if old == ours_id {
        return;
    }
    if let Some(mut d) = theirs.documents.remove(&old) {
        d.meta.id = ours_id;
        theirs.documents.insert(ours_id, d);
    }
    for c in &mut theirs.conflicts {
        c.record = match &c.record {
            RecordKey::Document(d) if *d == old => RecordKey::Document(ours_id),
            RecordKey::Annotation(d, a) if *d == old => RecordKey::Annotation(ours_id, *a),
            other => other.clone(),
        };
    }
}

/// Every record a project refers to that it does not hold, with who refers to it.
pub fn missing_references(p: &Project) -> BTreeMap<RecordKey, Vec<RecordKey>> {
    let mut out: BTreeMap<RecordKey, Vec<RecordKey>> = BTreeMap::new();
    let mut miss = |k: RecordKey, by: RecordKey| {
        let v = out.entry(k).or_default();
        if !v.contains(&by) {
            v.push(by);
        }
    };
    let entity = |s: &Slug| p.schema.entity(s).is_some();
    for e in p.registry.values() {
        if !entity(&e.type_id) {
            miss(
                RecordKey::EntityType(e.type_id.clone()),
                RecordKey::Entry(e.id),
            );
        }
    }
    for doc in p.documents.values() {
        let d = doc.id();
        for a in doc.annotations.values() {
            let me = RecordKey::Annotation(d, a.id);
            let type_missing = match &a.body {
                Body::Mention(m) => {
                    (!entity(&m.type_id)).then(|| RecordKey::EntityType(m.type_id.clone()))
                }
                Body::Event(e) => p
                    .schema
                    .event(&e.type_id)
                    .is_none()
                    .then(|| RecordKey::EventType(e.type_id.clone())),
                Body::Relation(r) => p
                    .schema
                    .relation(&r.type_id)
                    .is_none()
                    .then(|| RecordKey::RelationType(r.type_id.clone())),
            };
            if let Some(k) = type_missing {
                miss(k, me.clone());
            }
            for attr in a.attributes.keys() {
                if p.schema.attribute(attr).is_none() {
                    miss(RecordKey::Attribute(attr.clone()), me.clone());
                }
            }
            // A region shows a text mention of its own document.
            if let Some(x) = a.region.as_ref().and_then(|r| r.text)
                && !doc.annotations.contains_key(&x)
            {
                miss(RecordKey::Annotation(d, x), me.clone());
            }
            for t in a.targets() {
                match t {
                    Target::Annotation(x) if !doc.annotations.contains_key(&x) => {
                        miss(RecordKey::Annotation(d, x), me.clone());
                    }
                    Target::Entry(e) if !p.registry.contains_key(&e) => {
                        miss(RecordKey::Entry(e), me.clone());
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

/// The key of every record a project holds (the document list of a project file is not a
/// project record).
pub fn record_keys(p: &Project) -> BTreeSet<RecordKey> {
    let mut out = BTreeSet::from([RecordKey::Info]);
    let s = &p.schema;
    out.extend(
        s.entity_types
            .iter()
            .map(|t| RecordKey::EntityType(t.id.clone())),
    );
    out.extend(
        s.event_types
            .iter()
            .map(|t| RecordKey::EventType(t.id.clone())),
    );
    out.extend(
        s.relation_types
            .iter()
            .map(|t| RecordKey::RelationType(t.id.clone())),
    );
    out.extend(
        s.attributes
            .iter()
            .map(|t| RecordKey::Attribute(t.id.clone())),
    );
    out.extend(p.registry.keys().map(|e| RecordKey::Entry(*e)));
    for (d, doc) in &p.documents {
        out.insert(RecordKey::Document(*d));
        out.extend(
            doc.annotations
                .keys()
                .map(|a| RecordKey::Annotation(*d, *a)),
        );
    }
    out
}

/// The version of a record a project holds; `None` when it holds none.
pub fn record(p: &Project, key: &RecordKey) -> Option<Record> {
    match key {
        RecordKey::Info => Some(Record::Info(p.info.clone())),
        RecordKey::EntityType(s) => p.schema.entity(s).cloned().map(Record::EntityType),
        RecordKey::EventType(s) => p.schema.event(s).cloned().map(Record::EventType),
        RecordKey::RelationType(s) => p.schema.relation(s).cloned().map(Record::RelationType),
        RecordKey::Attribute(s) => p.schema.attribute(s).cloned().map(Record::Attribute),
        RecordKey::Entry(e) => p.registry.get(e).cloned().map(Record::Entry),
        RecordKey::Document(d) => p.documents.get(d).map(|d| Record::Document(d.meta.clone())),
        RecordKey::DocumentFile(_) => None,
        RecordKey::Annotation(d, a) => p.annotation(*d, *a).cloned().map(Record::Annotation),
    }
}

/// Puts a record back into a project; `false` when it has nowhere to go.
fn insert(p: &mut Project, key: &RecordKey, record: Record) -> bool {
    match (key, record) {
        (RecordKey::EntityType(_), Record::EntityType(t)) => p.schema.entity_types.push(t),
        (RecordKey::EventType(_), Record::EventType(t)) => p.schema.event_types.push(t),
        (RecordKey::RelationType(_), Record::RelationType(t)) => p.schema.relation_types.push(t),
        (RecordKey::Attribute(_), Record::Attribute(t)) => p.schema.attributes.push(t),
        (RecordKey::Entry(id), Record::Entry(e)) => {
            p.registry.insert(*id, e);
        }
        (RecordKey::Annotation(d, id), Record::Annotation(a)) => match p.documents.get_mut(d) {
            Some(doc) => {
                doc.annotations.insert(*id, a);
            }
            None => return false,
        },
        _ => return false,
    }
    true
}

/// Restores, from the base, every record one side deleted while the merged project still
/// refers to it, recording a conflict for each, until nothing is missing that the base has.
fn restore_referenced(
    ctx: &mut Ctx<'_>,
    merged: &mut Project,
    base: &Project,
    ours: &Project,
    theirs: &Project,
) {
    let mut tried = BTreeSet::new();
    loop {
        let missing = missing_references(merged);
        if !restore(ctx, merged, [base, ours, theirs], missing, &mut tried) {
            break;
        }
    }
}

/// Restores from the base each of `missing` not tried yet, recording a conflict naming who
/// refers to it. Returns whether anything was restored.
fn restore(
    ctx: &mut Ctx<'_>,
    merged: &mut Project,
    [base, ours, theirs]: [&Project; 3],
    missing: BTreeMap<RecordKey, Vec<RecordKey>>,
    tried: &mut BTreeSet<RecordKey>,
) -> bool {
    let mut restored = false;
    for (key, by) in missing {
        if !tried.insert(key.clone()) {
            continue;
        }
        let Some(rec) = record(base, &key) else {
            continue;
        };
        if record(merged, &key).is_some() || !insert(merged, &key, rec.clone()) {
            continue;
        }
        restored = true;
        ctx.conflict(
            key.clone(),
            ConflictKind::DeletedButReferenced,
            Side::Base,
            [Some(rec), record(ours, &key), record(theirs, &key)],
        );
        if let Some(c) = ctx.conflicts.last_mut() {
            c.referenced_by = by;
        }
    }
    restored
}

/// Restores records that the merge deleted but that records outside the merged project
/// still refer to (`referring`: record → who refers to it, e.g. annotations in other files
/// when only the project file is merged), with a conflict for each; then restores what those
/// need in turn.
pub fn restore_referenced_elsewhere(
    merged: &mut Merged,
    [base, ours, theirs]: [&Project; 3],
    referring: BTreeMap<RecordKey, Vec<RecordKey>>,
    labels: &Labels,
) {
    let mut ctx = Ctx {
        labels,
        conflicts: Vec::new(),
    };
    let mut tried = BTreeSet::new();
    if restore(
        &mut ctx,
        &mut merged.project,
        [base, ours, theirs],
        referring,
        &mut tried,
    ) {
        restore_referenced(&mut ctx, &mut merged.project, base, ours, theirs);
    }
    merged.new_conflicts.extend(ctx.conflicts.iter().cloned());
    merged.new_conflicts.sort_by(|a, b| a.record.cmp(&b.record));
    merged.project.conflicts.extend(ctx.conflicts);
    merged
        .project
        .conflicts
        .sort_by(|a, b| a.record.cmp(&b.record));
}

/// The project-wide records (registry entries, types, attributes) an annotation refers to.
pub fn outside_references(a: &Annotation) -> Vec<RecordKey> {
    let mut out = Vec::new();
    out.push(match &a.body {
        Body::Mention(m) => RecordKey::EntityType(m.type_id.clone()),
        Body::Event(e) => RecordKey::EventType(e.type_id.clone()),
        Body::Relation(r) => RecordKey::RelationType(r.type_id.clone()),
    });
    out.extend(a.attributes.keys().map(|k| RecordKey::Attribute(k.clone())));
    for t in a.targets() {
        if let Target::Entry(e) = t {
            out.push(RecordKey::Entry(e));
        }
    }
    out
}

/// The transaction that turns `from` into `to`, record by record: the project info, the
/// schema (whole), each registry entry, each document (added, removed, or replaced whole
/// when its text differs), each document's metadata and annotations, and the recorded
/// conflicts. Applying it to `from` gives `to`; its inverse gives `from` back.
pub fn transaction_between(from: &Project, to: &Project, label: &str) -> Transaction {
    let mut tx = Transaction::new(label);
    if from.info != to.info {
        tx.push(Edit::Info {
            before: from.info.clone(),
            after: to.info.clone(),
        });
    }
    if from.schema != to.schema {
        tx.push(Edit::Schema {
            before: Box::new(from.schema.clone()),
            after: Box::new(to.schema.clone()),
        });
    }
    let ids: BTreeSet<&EntryId> = from.registry.keys().chain(to.registry.keys()).collect();
    for id in ids {
        match (from.registry.get(id), to.registry.get(id)) {
            (Some(a), Some(b)) if a != b => tx.push(Edit::update_entry(a.clone(), b.clone())),
            (Some(a), None) => tx.push(Edit::remove_entry(a.clone())),
            (None, Some(b)) => tx.push(Edit::add_entry(b.clone())),
            _ => {}
        }
    }
    let docs: BTreeSet<&DocId> = from.documents.keys().chain(to.documents.keys()).collect();
    for id in docs {
        let (a, b) = (from.documents.get(id), to.documents.get(id));
        match (a, b) {
            (Some(a), Some(b)) if a.text != b.text => tx.push(Edit::Document {
                before: Some(Box::new(a.clone())),
                after: Some(Box::new(b.clone())),
            }),
            (Some(a), Some(b)) => {
                if a.meta != b.meta {
                    tx.push(Edit::DocumentMeta {
                        before: Box::new(a.meta.clone()),
                        after: Box::new(b.meta.clone()),
                    });
                }
                if a.annotations == b.annotations {
                    continue;
                }
                let anns: BTreeSet<&AnnId> =
                    a.annotations.keys().chain(b.annotations.keys()).collect();
                for aid in anns {
                    match (a.annotations.get(aid), b.annotations.get(aid)) {
                        (Some(x), Some(y)) if x != y => {
                            tx.push(Edit::update_annotation(*id, x.clone(), y.clone()))
                        }
                        (Some(x), None) => tx.push(Edit::remove_annotation(*id, x.clone())),
                        (None, Some(y)) => tx.push(Edit::add_annotation(*id, y.clone())),
                        _ => {}
                    }
                }
            }
            (None, None) => {}
            (a, b) => tx.push(Edit::Document {
                before: a.cloned().map(Box::new),
                after: b.cloned().map(Box::new),
            }),
        }
    }
    if from.conflicts != to.conflicts {
        tx.push(Edit::Conflicts {
            before: from.conflicts.clone(),
            after: to.conflicts.clone(),
        });
    }
    tx
}

/// How a conflict is resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Choice {
    /// Our version ("this window", or the branch merged into); `None` there deletes it.
    Mine,
    /// Their version ("on disk", or the branch merged in).
    Theirs,
    /// Both: when both versions exist and the record can be duplicated (an annotation or
    /// a registry entry), ours keeps its id and theirs is added under a new id; when only
    /// one exists, that one.
    Both,
}

impl Choice {
    pub fn label(self) -> &'static str {
        match self {
            Self::Mine => "Keep mine",
            Self::Theirs => "Keep theirs",
            Self::Both => "Keep both",
        }
    }
}

/// Why a resolution was refused; the project is unchanged.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ResolveError {
    #[error("there is no conflict number {0}")]
    NoConflict(usize),
    #[error("{0}: both versions cannot be kept (one record of this kind per id); choose one")]
    CannotKeepBoth(String),
    #[error("{record}: the chosen version deletes it, but {by} still refer(s) to it")]
    StillReferenced { record: String, by: String },
    #[error("{0}: the chosen version has nowhere to go (its document is not in the project)")]
    Nowhere(String),
}

impl Conflict {
    /// Whether [`Choice::Both`] can keep two records.
    pub fn can_keep_both(&self) -> bool {
        match (&self.ours, &self.theirs) {
            (Some(a), Some(b)) => {
                matches!(
                    (a, b),
                    (Record::Annotation(_), Record::Annotation(_))
                        | (Record::Entry(_), Record::Entry(_))
                )
            }
            _ => true,
        }
    }
}

/// Sets the version a project holds of a record (`None`: none). `false` when it has
/// nowhere to go.
fn set_record(p: &mut Project, key: &RecordKey, want: Option<Record>) -> bool {
    let current = record(p, key);
    if current == want {
        return true;
    }
    match (key, want) {
        (RecordKey::Info, Some(Record::Info(i))) => p.info = i,
        (RecordKey::EntityType(s), w) => set_listed(
            &mut p.schema.entity_types,
            s,
            w,
            |r| {
                if let Record::EntityType(t) = r {
                    Some(t)
                } else {
                    None
                }
            },
            |t| &t.id,
        ),
        (RecordKey::EventType(s), w) => set_listed(
            &mut p.schema.event_types,
            s,
            w,
            |r| {
                if let Record::EventType(t) = r {
                    Some(t)
                } else {
                    None
                }
            },
            |t| &t.id,
        ),
        (RecordKey::RelationType(s), w) => set_listed(
            &mut p.schema.relation_types,
            s,
            w,
            |r| {
                if let Record::RelationType(t) = r {
                    Some(t)
                } else {
                    None
                }
            },
            |t| &t.id,
        ),
        (RecordKey::Attribute(s), w) => set_listed(
            &mut p.schema.attributes,
            s,
            w,
            |r| {
                if let Record::Attribute(t) = r {
                    Some(t)
                } else {
                    None
                }
            },
            |t| &t.id,
        ),
        (RecordKey::Entry(id), Some(Record::Entry(e))) => {
            p.registry.insert(*id, e);
        }
        (RecordKey::Entry(id), None) => {
            p.registry.remove(id);
        }
        (RecordKey::Document(d), Some(Record::Document(m))) => match p.documents.get_mut(d) {
            Some(doc) => doc.meta = m,
            None => return false,
        },
        (RecordKey::Document(d), None) => {
            p.documents.remove(d);
        }
        // The document list is rebuilt from the documents when the project is saved.
        (RecordKey::DocumentFile(_), _) => {}
        (RecordKey::Annotation(d, id), w) => match (p.documents.get_mut(d), w) {
            (Some(doc), Some(Record::Annotation(a))) => {
                doc.annotations.insert(*id, a);
            }
            (Some(doc), None) => {
                doc.annotations.remove(id);
            }
            (None, None) => {}
            _ => return false,
        },
        _ => return false,
    }
    true
}

/// Puts `want` in place of the list item named `slug` (appended when absent), or removes it.
fn set_listed<V>(
    list: &mut Vec<V>,
    slug: &Slug,
    want: Option<Record>,
    unwrap: impl Fn(Record) -> Option<V>,
    id: impl Fn(&V) -> &Slug,
) {
    let at = list.iter().position(|v| id(v) == slug);
    match (at, want.and_then(unwrap)) {
        (Some(i), Some(v)) => list[i] = v,
        (None, Some(v)) => list.push(v),
        (Some(i), None) => {
            list.remove(i);
        }
        (None, None) => {}
    }
}

/// The project with the conflicts at `which` (indexes into `project.conflicts`) resolved by
/// `choice`, as one transaction labelled for undo. Refused, with nothing changed, when a
/// choice would delete a record something still refers to or cannot keep both versions.
pub fn resolve(
    project: &Project,
    which: &[usize],
    choice: Choice,
) -> Result<Transaction, ResolveError> {
    let mut target = project.clone();
    let mut done = BTreeSet::new();
    for &i in which {
        let c = project
            .conflicts
            .get(i)
            .ok_or(ResolveError::NoConflict(i))?;
        done.insert(i);
        let want = match choice {
            Choice::Mine => c.ours.clone(),
            Choice::Theirs => c.theirs.clone(),
            Choice::Both => match (&c.ours, &c.theirs) {
                (Some(_), Some(Record::Annotation(t))) if c.can_keep_both() => {
                    if let RecordKey::Annotation(d, _) = &c.record {
                        let mut copy = t.clone();
                        copy.id = AnnId::new();
                        let key = RecordKey::Annotation(*d, copy.id);
                        if !set_record(&mut target, &key, Some(Record::Annotation(copy))) {
                            return Err(ResolveError::Nowhere(c.record.describe()));
                        }
                    }
                    c.ours.clone()
                }
                (Some(_), Some(Record::Entry(t))) => {
                    let mut copy = t.clone();
                    copy.id = EntryId::new();
                    target.registry.insert(copy.id, copy);
                    c.ours.clone()
                }
                (Some(_), Some(_)) => {
                    return Err(ResolveError::CannotKeepBoth(c.record.describe()));
                }
                (Some(o), None) => Some(o.clone()),
                (None, Some(t)) => Some(t.clone()),
                (None, None) => record(project, &c.record),
            },
        };
        if !set_record(&mut target, &c.record, want) {
            return Err(ResolveError::Nowhere(c.record.describe()));
        }
    }
    target.conflicts = project
        .conflicts
        .iter()
        .enumerate()
        .filter(|(i, _)| !done.contains(i))
        .map(|(_, c)| c.clone())
        .collect();
    let before = missing_references(project);
    for (k, by) in missing_references(&target) {
        if !before.contains_key(&k) {
            let by: Vec<String> = by.iter().map(RecordKey::describe).collect();
            return Err(ResolveError::StillReferenced {
                record: k.describe(),
                by: by.join(", "),
            });
        }
    }
    let label = match (which.len(), choice) {
        (1, c) => format!("Resolve conflict: {}", c.label().to_lowercase()),
        (n, c) => format!("Resolve {n} conflicts: {}", c.label().to_lowercase()),
    };
    Ok(transaction_between(project, &target, &label))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Event, Mention, SourceText, TextAnchor, validate::validate};

    fn text() -> SourceText {
        SourceText::from_str_normalizing("Mao met Nam Il in Kaesong on 10 July.")
    }

    fn mention(ty: &str, start: usize, end: usize) -> Annotation {
        Annotation::new(Body::Mention(Mention {
            type_id: Slug::new(ty),
            anchor: TextAnchor::span(&text(), start, end).unwrap(),
            entry: None,
            date: None,
        }))
    }

    /// A project with one document holding two mentions.
    fn base() -> (Project, DocId, AnnId, AnnId) {
        let mut p = Project::new("t");
        let meta = DocumentMeta {
            id: DocId::new(),
            title: "d".into(),
            source: None,
            images: vec![],
            status: Default::default(),
            archival: Default::default(),
        };
        let (mao, nam) = (mention("person", 0, 3), mention("person", 8, 14));
        let (m, n) = (mao.id, nam.id);
        let d = meta.id;
        p.documents.insert(
            d,
            Document {
                meta,
                text: Some(text()),
                annotations: BTreeMap::from([(m, mao), (n, nam)]),
            },
        );
        (p, d, m, n)
    }

    fn ann_mut(p: &mut Project, d: DocId, a: AnnId) -> &mut Annotation {
        p.documents
            .get_mut(&d)
            .unwrap()
            .annotations
            .get_mut(&a)
            .unwrap()
    }

    fn add(p: &mut Project, d: DocId, a: Annotation) {
        p.documents.get_mut(&d).unwrap().annotations.insert(a.id, a);
    }

    fn errors(p: &Project) -> Vec<String> {
        validate(p)
            .into_iter()
            .filter(|p| p.severity == crate::model::Severity::Error)
            .map(|p| p.message)
            .collect()
    }

    #[test]
    fn one_sided_changes_are_taken() {
        let (b, d, m, n) = base();
        let (mut o, mut t) = (b.clone(), b.clone());
        ann_mut(&mut o, d, m).note = "ours".into();
        ann_mut(&mut t, d, n).note = "theirs".into();
        let place = mention("place", 18, 25);
        add(&mut t, d, place.clone());
        t.info.description = "about Kaesong".into();
        let r = merge_projects(&b, &o, &t, &Labels::default());
        assert!(r.is_clean(), "{:?}", r.new_conflicts);
        assert_eq!(r.project.annotation(d, m).unwrap().note, "ours");
        assert_eq!(r.project.annotation(d, n).unwrap().note, "theirs");
        assert_eq!(r.project.annotation(d, place.id), Some(&place));
        assert_eq!(r.project.info.description, "about Kaesong");
        assert!(r.project.conflicts.is_empty());
    }

    #[test]
    fn identical_changes_are_taken_once() {
        let (b, d, m, _) = base();
        let mut o = b.clone();
        ann_mut(&mut o, d, m).note = "same".into();
        let place = mention("place", 18, 25);
        add(&mut o, d, place.clone());
        let t = o.clone();
        let r = merge_projects(&b, &o, &t, &Labels::default());
        assert!(r.is_clean());
        assert_eq!(r.project, o);
    }

    #[test]
    fn the_same_change_made_at_different_moments_is_one_change_with_the_later_stamp() {
        use crate::model::{Stamp, UtcTime};
        let stamp = |by: &str, at: i64| {
            Some(Stamp {
                by: by.into(),
                at: UtcTime(at),
            })
        };
        let (b, d, m, _) = base();
        let (mut o, mut t) = (b.clone(), b.clone());
        let (ours, theirs) = (ann_mut(&mut o, d, m), ann_mut(&mut t, d, m));
        ours.note = "checked".into();
        ours.modified = stamp("Anna", 100);
        theirs.note = "checked".into();
        theirs.modified = stamp("Boris", 200);
        let r = merge_projects(&b, &o, &t, &Labels::default());
        assert!(r.is_clean(), "{:?}", r.new_conflicts);
        let merged = r.project.annotation(d, m).unwrap();
        assert_eq!(merged.modified, stamp("Boris", 200));
        // A different content still conflicts, stamps or not.
        ann_mut(&mut t, d, m).note = "doubtful".into();
        let r = merge_projects(&b, &o, &t, &Labels::default());
        assert_eq!(r.new_conflicts.len(), 1);
    }

    #[test]
    fn different_changes_conflict_keeping_both() {
        let (b, d, m, _) = base();
        let (mut o, mut t) = (b.clone(), b.clone());
        ann_mut(&mut o, d, m).note = "ours".into();
        ann_mut(&mut t, d, m).note = "theirs".into();
        let r = merge_projects(&b, &o, &t, &Labels::default());
        assert_eq!(r.new_conflicts.len(), 1);
        let c = &r.new_conflicts[0];
        assert_eq!(c.record, RecordKey::Annotation(d, m));
        assert_eq!(c.kind, ConflictKind::BothChanged);
        assert_eq!(c.kept, Side::Ours);
        let note = |r: &Option<Record>| match r {
            Some(Record::Annotation(a)) => a.note.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(note(&c.ours), "ours");
        assert_eq!(note(&c.theirs), "theirs");
        assert_eq!(note(&c.base), "");
        assert_eq!(r.project.annotation(d, m).unwrap().note, "ours");
        assert_eq!(r.project.conflicts, r.new_conflicts);
        assert!(errors(&r.project).is_empty());
    }

    #[test]
    fn deletion_against_edit_conflicts_and_keeps_the_edit() {
        let (b, d, m, _) = base();
        let (mut o, mut t) = (b.clone(), b.clone());
        o.documents.get_mut(&d).unwrap().annotations.remove(&m);
        ann_mut(&mut t, d, m).note = "theirs".into();
        let r = merge_projects(&b, &o, &t, &Labels::default());
        assert_eq!(r.new_conflicts.len(), 1);
        assert_eq!(r.new_conflicts[0].kind, ConflictKind::DeletedByOurs);
        assert_eq!(r.new_conflicts[0].ours, None);
        assert_eq!(r.project.annotation(d, m).unwrap().note, "theirs");

        // A deletion on one side with no change on the other is simply taken.
        let r = merge_projects(&b, &o, &b, &Labels::default());
        assert!(r.is_clean());
        assert_eq!(r.project.annotation(d, m), None);
    }

    #[test]
    fn deleting_a_filler_the_other_side_uses_is_a_conflict_not_a_dangling_id() {
        let (b, d, m, n) = base();
        let (mut o, mut t) = (b.clone(), b.clone());
        o.documents.get_mut(&d).unwrap().annotations.remove(&m);
        let meeting = Annotation::new(Body::Event(Event {
            type_id: Slug::new("meeting"),
            trigger: None,
            roles: BTreeMap::from([(
                Slug::new("participant"),
                vec![Target::Annotation(m), Target::Annotation(n)],
            )]),
            date: None,
        }));
        add(&mut t, d, meeting.clone());
        let r = merge_projects(&b, &o, &t, &Labels::default());
        assert_eq!(r.new_conflicts.len(), 1, "{:?}", r.new_conflicts);
        let c = &r.new_conflicts[0];
        assert_eq!(c.record, RecordKey::Annotation(d, m));
        assert_eq!(c.kind, ConflictKind::DeletedButReferenced);
        assert_eq!(c.referenced_by, vec![RecordKey::Annotation(d, meeting.id)]);
        assert_eq!(c.ours, None);
        assert!(c.theirs.is_some());
        assert!(r.project.annotation(d, m).is_some());
        assert!(r.project.annotation(d, meeting.id).is_some());
        assert!(missing_references(&r.project).is_empty());
        assert!(errors(&r.project).is_empty(), "{:?}", errors(&r.project));
    }

    #[test]
    fn deleting_a_linked_entry_is_a_conflict() {
        let (mut b, d, m, _) = base();
        let mao = Entry::new(Slug::new("person"), "Mao Zedong");
        b.registry.insert(mao.id, mao.clone());
        let (mut o, mut t) = (b.clone(), b.clone());
        o.registry.remove(&mao.id);
        if let Body::Mention(x) = &mut ann_mut(&mut t, d, m).body {
            x.entry = Some(mao.id);
        }
        let r = merge_projects(&b, &o, &t, &Labels::default());
        assert_eq!(r.new_conflicts.len(), 1);
        assert_eq!(r.new_conflicts[0].record, RecordKey::Entry(mao.id));
        assert_eq!(r.project.registry.get(&mao.id), Some(&mao));
        assert!(errors(&r.project).is_empty());
    }

    /// A region mention showing mention `m` of [`base`] (the document gets a page image).
    fn region_showing(p: &mut Project, d: DocId, m: AnnId) -> Annotation {
        let doc = p.documents.get_mut(&d).unwrap();
        doc.meta.images = vec![RelPath::parse("pages/p1.png").unwrap()];
        let region = crate::model::region::PageRegion {
            page: 0,
            shape: crate::model::region::Shape::Rect {
                x: 0,
                y: 0,
                width: 10,
                height: 10,
            },
            text: Some(m),
        }
        .into_mention(Slug::new("person"));
        doc.annotations.insert(region.id, region.clone());
        region
    }

    #[test]
    fn deleting_a_text_mention_a_region_shows_while_the_region_is_edited_is_a_conflict() {
        // Theirs deletes the mention the way the window does (the region loses its link);
        // ours edits the region, which still shows the mention. The region conflicts and
        // ours stays in place, so the mention is restored rather than left dangling.
        let (mut b, d, m, _) = base();
        let region = region_showing(&mut b, d, m);
        // The deleter removes the mention alone, or the region first and then the mention
        // (as in the process trial's failed schedule).
        for (deleter_is_ours, region_too) in [(false, false), (true, false), (false, true)] {
            let (mut editor, mut deleter) = (b.clone(), b.clone());
            ann_mut(&mut editor, d, region.id).note = "the stamp".into();
            if region_too {
                crate::model::ops::tagging::delete(&deleter, d, region.id)
                    .unwrap()
                    .apply(&mut deleter)
                    .unwrap();
            }
            crate::model::ops::tagging::delete(&deleter, d, m)
                .unwrap()
                .apply(&mut deleter)
                .unwrap();
            assert!(errors(&deleter).is_empty(), "{:?}", errors(&deleter));
            let (o, t) = if deleter_is_ours {
                (&deleter, &editor)
            } else {
                (&editor, &deleter)
            };
            let r = merge_projects(&b, o, t, &Labels::default());
            assert!(missing_references(&r.project).is_empty());
            assert!(errors(&r.project).is_empty(), "{:?}", errors(&r.project));
            // Both people's work is there: the edited region (in place or in its
            // conflict) and the deletion (as a conflict about the restored mention).
            let kinds: Vec<_> = r
                .new_conflicts
                .iter()
                .map(|c| (&c.record, c.kind))
                .collect();
            assert!(
                kinds.contains(&(
                    &RecordKey::Annotation(d, region.id),
                    if region_too {
                        ConflictKind::DeletedByTheirs
                    } else {
                        ConflictKind::BothChanged
                    }
                )),
                "{kinds:?}"
            );
            if !deleter_is_ours {
                let c = r
                    .new_conflicts
                    .iter()
                    .find(|c| c.record == RecordKey::Annotation(d, m))
                    .unwrap();
                assert_eq!(c.kind, ConflictKind::DeletedButReferenced);
                assert_eq!(c.referenced_by, vec![RecordKey::Annotation(d, region.id)]);
                assert_eq!(c.theirs, None);
                assert!(r.project.annotation(d, m).is_some());
            }
        }
    }

    #[test]
    fn schema_types_merge_by_slug_and_keep_order() {
        let b = Project::new("t");
        let (mut o, mut t) = (b.clone(), b.clone());
        let mut ship = b.schema.entity_types[0].clone();
        ship.id = Slug::new("ship");
        o.schema.entity_types.push(ship.clone());
        t.schema.entity_types[0].label = "Renamed".into();
        let r = merge_projects(&b, &o, &t, &Labels::default());
        assert!(r.is_clean());
        assert_eq!(r.project.schema.entity_types.last(), Some(&ship));
        assert_eq!(r.project.schema.entity_types[0].label, "Renamed");
        assert_eq!(
            r.project.schema.entity_types.len(),
            b.schema.entity_types.len() + 1
        );
    }

    #[test]
    fn document_deleted_against_annotated_is_kept() {
        let (b, d, _, _) = base();
        let (mut o, mut t) = (b.clone(), b.clone());
        o.documents.remove(&d);
        add(&mut t, d, mention("place", 18, 25));
        let r = merge_projects(&b, &o, &t, &Labels::default());
        assert_eq!(r.new_conflicts.len(), 1);
        assert_eq!(r.new_conflicts[0].record, RecordKey::Document(d));
        assert_eq!(r.project.documents.get(&d), t.documents.get(&d));
    }

    #[test]
    fn carried_conflicts_survive_until_resolved_on_a_side() {
        let (b, d, m, _) = base();
        let (mut o, mut t) = (b.clone(), b.clone());
        ann_mut(&mut o, d, m).note = "ours".into();
        ann_mut(&mut t, d, m).note = "theirs".into();
        let first = merge_projects(&b, &o, &t, &Labels::default()).project;
        assert_eq!(first.conflicts.len(), 1);
        // Both sides start from the conflicted project; one resolves it.
        let mut resolved = first.clone();
        resolved.conflicts.clear();
        let r = merge_projects(&first, &resolved, &first, &Labels::default());
        assert!(r.project.conflicts.is_empty());
        let r = merge_projects(&first, &first, &first, &Labels::default());
        assert_eq!(r.project.conflicts.len(), 1);
    }

    /// Ours and theirs change the note of the same mention: one conflict.
    fn conflicted() -> (Project, DocId, AnnId) {
        let (b, d, m, _) = base();
        let (mut o, mut t) = (b.clone(), b.clone());
        ann_mut(&mut o, d, m).note = "ours".into();
        ann_mut(&mut t, d, m).note = "theirs".into();
        let merged = merge_projects(&b, &o, &t, &Labels::default());
        assert_eq!(merged.project.conflicts.len(), 1);
        (merged.project, d, m)
    }

    #[test]
    fn transaction_between_turns_one_project_into_the_other_and_back() {
        let (a, d, m, n) = base();
        let mut b = a.clone();
        ann_mut(&mut b, d, m).note = "changed".into();
        b.documents.get_mut(&d).unwrap().annotations.remove(&n);
        add(&mut b, d, mention("place", 18, 25));
        b.info.description = "new".into();
        b.conflicts = conflicted().0.conflicts;
        let tx = transaction_between(&a, &b, "t");
        let mut p = a.clone();
        tx.apply(&mut p).unwrap();
        assert_eq!(p, b);
        tx.invert().apply(&mut p).unwrap();
        assert_eq!(p, a);
        assert!(transaction_between(&a, &a, "t").is_empty());
    }

    #[test]
    fn resolving_takes_mine_theirs_or_both_and_removes_the_conflict() {
        let (p, d, m) = conflicted();
        for (choice, notes) in [
            (Choice::Mine, vec!["ours"]),
            (Choice::Theirs, vec!["theirs"]),
            (Choice::Both, vec!["ours", "theirs"]),
        ] {
            let mut q = p.clone();
            resolve(&p, &[0], choice).unwrap().apply(&mut q).unwrap();
            assert!(q.conflicts.is_empty(), "{choice:?}");
            let mut got: Vec<&str> = q.documents[&d]
                .annotations
                .values()
                .map(|a| a.note.as_str())
                .filter(|n| !n.is_empty())
                .collect();
            got.sort();
            assert_eq!(got, notes, "{choice:?}");
            if choice == Choice::Both {
                assert_eq!(q.documents[&d].annotations[&m].note, "ours");
            }
        }
        assert_eq!(
            resolve(&p, &[3], Choice::Mine),
            Err(ResolveError::NoConflict(3))
        );
    }

    #[test]
    fn a_resolution_that_would_leave_a_reference_dangling_is_refused() {
        // Theirs deletes a mention; ours adds an event that points at it: the base version
        // is restored with a DeletedButReferenced conflict. Choosing theirs (deleted) would
        // leave the event's filler dangling.
        let (b, d, m, _) = base();
        let (mut o, mut t) = (b.clone(), b.clone());
        let mut roles = BTreeMap::new();
        roles.insert(Slug::new("who"), vec![Target::Annotation(m)]);
        add(
            &mut o,
            d,
            Annotation::new(Body::Event(Event {
                type_id: Slug::new("meeting"),
                trigger: None,
                roles,
                date: None,
            })),
        );
        t.documents.get_mut(&d).unwrap().annotations.remove(&m);
        let merged = merge_projects(&b, &o, &t, &Labels::default());
        let i = merged
            .project
            .conflicts
            .iter()
            .position(|c| c.kind == ConflictKind::DeletedButReferenced)
            .unwrap();
        let err = resolve(&merged.project, &[i], Choice::Theirs).unwrap_err();
        assert!(matches!(err, ResolveError::StillReferenced { .. }), "{err}");
        assert!(resolve(&merged.project, &[i], Choice::Mine).is_ok());
    }

    #[test]
    fn both_is_refused_for_records_that_cannot_be_duplicated() {
        let (b, _, _, _) = base();
        let (mut o, mut t) = (b.clone(), b.clone());
        o.info.name = "ours".into();
        t.info.name = "theirs".into();
        let p = merge_projects(&b, &o, &t, &Labels::default()).project;
        assert!(!p.conflicts[0].can_keep_both());
        assert!(matches!(
            resolve(&p, &[0], Choice::Both),
            Err(ResolveError::CannotKeepBoth(_))
        ));
        let mut q = p.clone();
        resolve(&p, &[0], Choice::Theirs)
            .unwrap()
            .apply(&mut q)
            .unwrap();
        assert_eq!(q.info.name, "theirs");
    }
}
