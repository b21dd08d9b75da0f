//! The machinery every operation shares: looking up what an action names (failing with an
//! [`OpError`] that says what is missing), building an annotation's update, the cascade
//! that deletes or changes annotations and entries and drops what would dangle
//! ([`rewrite`]), the check that a transaction makes nothing newly invalid
//! ([`refuse_new_errors`]), and the edits that apply to any annotation: attributes, notes,
//! certainty, deletion.
//!
//! Every function reads the project and returns a [`Transaction`] or a value; none changes it.

use super::error::OpError;
use crate::model::annotation::{Annotation, AttrValue, Body, Certainty, Target};
use crate::model::document::Document;
use crate::model::edit::{Edit, EditError, Transaction};
use crate::model::ids::{AnnId, DocId, EntryId, Slug};
use crate::model::project::Project;
use crate::model::registry::Entry;
use crate::model::schema::{AttrKind, Schema};
use crate::model::text::SourceText;
use crate::model::validate::{
    Problem, Severity, View, annotation_problems, entry_problems, schema_problems, validate,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The document `doc`.
pub fn document(project: &Project, doc: DocId) -> Result<&Document, OpError> {
    project.documents.get(&doc).ok_or(OpError::NoDocument(doc))
}

/// The text of document `doc`; an error when the document has none.
pub fn text(project: &Project, doc: DocId) -> Result<&SourceText, OpError> {
    let d = document(project, doc)?;
    d.text.as_ref().ok_or_else(|| OpError::NoText {
        doc,
        title: d.meta.title.clone(),
    })
}

/// Annotation `ann` of document `doc`.
pub fn annotation(project: &Project, doc: DocId, ann: AnnId) -> Result<&Annotation, OpError> {
    document(project, doc)?
        .annotations
        .get(&ann)
        .ok_or(OpError::NoAnnotation { doc, ann })
}

/// Registry entry `id`.
pub fn entry(project: &Project, id: EntryId) -> Result<&Entry, OpError> {
    project.registry.get(&id).ok_or(OpError::NoEntry(id))
}

/// Refuses a number that is not finite (`NaN`, infinities) as the value of `attr`.
fn check_finite(attr: &str, value: &AttrValue) -> Result<(), OpError> {
    match value {
        AttrValue::Number(n) if !n.is_finite() => Err(OpError::AttributeWrongKind {
            attr: attr.to_owned(),
            expected: "a finite number".into(),
            value: value.to_string(),
        }),
        _ => Ok(()),
    }
}

/// A transaction replacing `ann` with its copy changed by `f`; empty when nothing changed.
pub(crate) fn update(
    doc: DocId,
    ann: &Annotation,
    label: String,
    f: impl FnOnce(&mut Annotation),
) -> Transaction {
    let mut after = ann.clone();
    f(&mut after);
    let mut tx = Transaction::new(label);
    if after != *ann {
        tx.push(Edit::update_annotation(doc, ann.clone(), after));
    }
    tx
}

/// Applies `change` to a copy of annotation `ann` and returns the edit as a transaction;
/// [`OpError::NoChange`] when it changes nothing, and refused when it would store a number
/// that is not finite.
pub fn update_annotation(
    project: &Project,
    doc: DocId,
    ann: AnnId,
    label: &str,
    change: impl FnOnce(&mut Annotation),
) -> Result<Transaction, OpError> {
    let before = annotation(project, doc, ann)?;
    let tx = update(doc, before, label.to_owned(), change);
    let Some(Edit::Annotation {
        after: Some(after), ..
    }) = tx.edits.first()
    else {
        return Err(OpError::NoChange);
    };
    for (attr, value) in &after.attributes {
        if before.attributes.get(attr) != Some(value) {
            check_finite(attr.as_str(), value)?;
        }
    }
    Ok(tx)
}

/// Stamps the records `tx` creates or changes with `stamp`, before it is committed: a new
/// annotation or entry gets `created` and `modified`; a changed one gets `modified`,
/// keeping its `created`. Left alone: removals; records the transaction brings with their
/// own stamps (a `modified` other than the one before: restored from a recovery copy,
/// taken from a merge, re-added as they were), so nobody's work is re-attributed; and
/// annotations whose only change is an anchor moved by a text edit in the same transaction
/// (nobody changed the annotation itself). The stamps are part of the records, so undo
/// restores the old ones.
pub fn stamp(tx: &mut Transaction, stamp: &crate::model::stamp::Stamp) {
    let text_edit = tx.edits.iter().any(|e| matches!(e, Edit::Text { .. }));
    let set = |created: &mut Option<_>, modified: &mut Option<_>| {
        if created.is_none() {
            *created = Some(stamp.clone());
        }
        *modified = Some(stamp.clone());
    };
    for edit in &mut tx.edits {
        match edit {
            Edit::Annotation {
                before,
                after: Some(after),
                ..
            } => {
                let before_modified = before.as_ref().and_then(|b| b.modified.as_ref());
                if after.modified.as_ref() != before_modified
                    || before
                        .as_ref()
                        .is_some_and(|b| text_edit && only_anchor_moved(b, after))
                {
                    continue;
                }
                set(&mut after.created, &mut after.modified);
            }
            Edit::Entry {
                before,
                after: Some(after),
            } => {
                let before_modified = before.as_ref().and_then(|b| b.modified.as_ref());
                if after.modified.as_ref() == before_modified {
                    set(&mut after.created, &mut after.modified);
                }
            }
            _ => {}
        }
    }
}

/// Whether `after` differs from `before` only in its anchor (offsets, quote) and its
/// re-anchoring review, which text edits set mechanically.
fn only_anchor_moved(before: &Annotation, after: &Annotation) -> bool {
    let mut b = before.clone();
    if let (Some(x), Some(y)) = (b.anchor_mut(), after.anchor()) {
        *x = y.clone();
    }
    b.reanchor.clone_from(&after.reanchor);
    b == *after
}

/// What values an attribute kind takes, for messages.
pub fn kind_name(kind: &AttrKind) -> String {
    match kind {
        AttrKind::Choice(opts) => format!("one of {}", opts.join(", ")),
        AttrKind::Text => "text".into(),
        AttrKind::Number => "a number".into(),
        AttrKind::YesNo => "yes or no".into(),
        AttrKind::Date => "a date".into(),
    }
}

/// Sets attribute `attr` of any annotation to `value`, or removes it with `None`, after
/// checking the schema defines it for the annotation's type and the value is of its kind
/// (a number must be finite). Empty when nothing changes.
pub fn set_attribute(
    project: &Project,
    doc: DocId,
    ann: AnnId,
    attr: &Slug,
    value: Option<AttrValue>,
) -> Result<Transaction, OpError> {
    let a = annotation(project, doc, ann)?;
    let schema = &project.schema;
    let def = schema.attribute(attr);
    if let Some(v) = &value {
        let def = def.ok_or_else(|| OpError::UnknownAttribute(attr.clone()))?;
        if !def.applies_to.is_empty() && !def.applies_to.contains(a.type_id()) {
            return Err(OpError::AttributeNotApplicable {
                attr: def.label.clone(),
                ty: schema.label(a.type_id()).to_owned(),
            });
        }
        let fits = match (&def.kind, v) {
            (AttrKind::Choice(opts), AttrValue::Choice(c)) => opts.contains(c),
            (AttrKind::Number, AttrValue::Number(_)) => {
                check_finite(&def.label, v)?;
                true
            }
            (AttrKind::Text, AttrValue::Text(_)) | (AttrKind::YesNo, AttrValue::YesNo(_)) => true,
            (AttrKind::Date, AttrValue::Date(d)) => {
                d.validate()?;
                true
            }
            _ => false,
        };
        if !fits {
            return Err(OpError::AttributeWrongKind {
                attr: def.label.clone(),
                expected: kind_name(&def.kind),
                value: v.to_string(),
            });
        }
    }
    let name = def.map_or(attr.as_str(), |d| d.label.as_str());
    let label = match &value {
        Some(v) => format!("Set {name} to {v}"),
        None => format!("Clear {name}"),
    };
    Ok(update(doc, a, label, |a| match value {
        Some(v) => {
            a.attributes.insert(attr.clone(), v);
        }
        None => {
            a.attributes.remove(attr);
        }
    }))
}

/// Sets the free-text note of any annotation. Empty when nothing changes.
pub fn set_note(
    project: &Project,
    doc: DocId,
    ann: AnnId,
    note: &str,
) -> Result<Transaction, OpError> {
    let a = annotation(project, doc, ann)?;
    Ok(update(doc, a, "Edit note".into(), |a| {
        a.note = note.to_owned()
    }))
}

/// Sets how certain the annotator is, or clears it. Empty when nothing changes.
pub fn set_certainty(
    project: &Project,
    doc: DocId,
    ann: AnnId,
    cert: Option<Certainty>,
) -> Result<Transaction, OpError> {
    let a = annotation(project, doc, ann)?;
    Ok(update(doc, a, "Set certainty".into(), |a| a.cert = cert))
}

/// Deletes an annotation and everything that points at it: role fillers naming it are
/// dropped from their events, relations with it as an argument are deleted.
pub fn delete_annotation(
    project: &Project,
    doc: DocId,
    ann: AnnId,
) -> Result<Transaction, OpError> {
    let a = annotation(project, doc, ann)?;
    let doomed = BTreeSet::from([(doc, ann)]);
    let scope = BTreeSet::from([doc]);
    let edits = rewrite(
        project,
        doomed,
        &BTreeSet::new(),
        Some(&scope),
        |_| false,
        |_, _| {},
    );
    let label = format!("Delete {}", project.schema.label(a.type_id()));
    Ok(Transaction { label, edits })
}

/// The edits that delete the annotations `doomed` and the registry entries `entries`,
/// change every surviving annotation for which `touches` holds by `change`, and then drop
/// what would dangle: role fillers naming a deleted annotation or entry (a role's key goes
/// when it empties), relations with a deleted argument (deleted in turn, to a fixed point)
/// and mention links to deleted entries. Entries are removed after the annotations; one edit
/// per changed record, in document and annotation order.
///
/// `scope` holds the documents where `touches` may hold and `entries` may be named
/// (`None`: all). `touches` must hold for every annotation `change` would change; only
/// those are copied. Annotations point only into their own document, so after one pass
/// over `scope` only the documents where something goes or changes are visited again.
pub(crate) fn rewrite(
    project: &Project,
    mut doomed: BTreeSet<(DocId, AnnId)>,
    entries: &BTreeSet<EntryId>,
    scope: Option<&BTreeSet<DocId>>,
    touches: impl Fn(&Annotation) -> bool,
    mut change: impl FnMut(DocId, &mut Annotation),
) -> Vec<Edit> {
    let gone = |doomed: &BTreeSet<(DocId, AnnId)>, doc: DocId, t: &Target| match t {
        Target::Annotation(a) => doomed.contains(&(doc, *a)),
        Target::Entry(e) => entries.contains(e),
    };
    let names_entry =
        |a: &Annotation| a.points_at(|t| matches!(t, Target::Entry(e) if entries.contains(e)));
    // Change the survivors first, so what dangles is judged on the changed annotations.
    let mut changed: BTreeMap<(DocId, AnnId), Annotation> = BTreeMap::new();
    let mut relevant: BTreeSet<DocId> = doomed.iter().map(|(d, _)| *d).collect();
    let mut first_pass = |doc: &Document| {
        let d = doc.id();
        let mut hit = false;
        for ann in doc.annotations.values() {
            if touches(ann) && !doomed.contains(&(d, ann.id)) {
                let mut after = ann.clone();
                change(d, &mut after);
                if after != *ann {
                    changed.insert((d, ann.id), after);
                    hit = true;
                }
            }
            hit = hit || (!entries.is_empty() && names_entry(ann));
        }
        if hit {
            relevant.insert(d);
        }
    };
    match scope {
        Some(docs) => docs
            .iter()
            .filter_map(|d| project.documents.get(d))
            .for_each(&mut first_pass),
        None => project.documents.values().for_each(&mut first_pass),
    }
    // The documents where something can change or dangle.
    let docs: Vec<&Document> = relevant
        .iter()
        .filter_map(|d| project.documents.get(d))
        .collect();
    // Relations that lose an argument go too; after the first round only documents that
    // lost something more are scanned again.
    let mut scan: Vec<&Document> = docs.clone();
    loop {
        let mut more = Vec::new();
        for doc in &scan {
            let d = doc.id();
            for ann in doc.annotations.values() {
                let key = (d, ann.id);
                if doomed.contains(&key) {
                    continue;
                }
                let now = changed.get(&key).unwrap_or(ann);
                if now
                    .as_relation()
                    .is_some_and(|r| gone(&doomed, d, &r.from) || gone(&doomed, d, &r.to))
                {
                    more.push(key);
                }
            }
        }
        if more.is_empty() {
            break;
        }
        let again: BTreeSet<DocId> = more.iter().map(|(d, _)| *d).collect();
        scan = again
            .iter()
            .filter_map(|d| project.documents.get(d))
            .collect();
        doomed.extend(more);
    }
    // A region that shows a text mention which goes loses that link.
    let shows_doomed = |d: DocId, doomed: &BTreeSet<(DocId, AnnId)>, a: &Annotation| {
        a.region
            .as_ref()
            .is_some_and(|r| r.text.is_some_and(|t| doomed.contains(&(d, t))))
    };
    let dangles = |d: DocId, doomed: &BTreeSet<(DocId, AnnId)>, a: &Annotation| {
        shows_doomed(d, doomed, a)
            || match &a.body {
                Body::Event(e) => e.roles.values().flatten().any(|t| gone(doomed, d, t)),
                Body::Mention(m) => m.entry.is_some_and(|e| entries.contains(&e)),
                Body::Relation(_) => false,
            }
    };
    let mut edits = Vec::new();
    for doc in &docs {
        let d = doc.id();
        for ann in doc.annotations.values() {
            let key = (d, ann.id);
            if doomed.contains(&key) {
                edits.push(Edit::remove_annotation(d, ann.clone()));
                continue;
            }
            let mut after = match changed.remove(&key) {
                Some(a) => a,
                None if dangles(d, &doomed, ann) => ann.clone(),
                None => continue,
            };
            match &mut after.body {
                Body::Event(e) => {
                    let before = ann.as_event().map(|b| &b.roles);
                    for v in e.roles.values_mut() {
                        v.retain(|t| !gone(&doomed, d, t));
                    }
                    e.roles.retain(|k, v| {
                        !v.is_empty() || before.and_then(|b| b.get(k)).is_some_and(Vec::is_empty)
                    });
                }
                Body::Mention(m) => {
                    if m.entry.is_some_and(|e| entries.contains(&e)) {
                        m.entry = None;
                    }
                }
                Body::Relation(_) => {}
            }
            if shows_doomed(d, &doomed, &after)
                && let Some(r) = after.region.as_mut()
            {
                r.text = None;
            }
            if after != *ann {
                edits.push(Edit::update_annotation(d, ann.clone(), after));
            }
        }
    }
    for id in entries {
        if let Some(e) = project.registry.get(id) {
            edits.push(Edit::remove_entry(e.clone()));
        }
    }
    edits
}

/// Where a validation problem is: (document, annotation, entry); all `None` for the schema.
type Loc = (Option<DocId>, Option<AnnId>, Option<EntryId>);

/// For each annotation, entry or the schema that `tx` would give more validation errors
/// than it has now, the last of its errors after `tx`, in location order. A transaction
/// that does not apply counts as one error.
///
/// Only what `tx` can affect is validated, before and after, without copying the project:
/// the annotations and entries it edits, the annotations pointing at an edited annotation
/// or at a removed or retyped entry, and, when it changes the schema, what uses a changed
/// type or attribute. A transaction that adds or removes documents is checked on a copy.
/// With `scope`, annotations naming an entry `tx` removes or retypes are known to be only
/// in those documents (`None`: anywhere).
pub(crate) fn new_errors_in(
    project: &Project,
    tx: &Transaction,
    scope: Option<&BTreeSet<DocId>>,
) -> Vec<String> {
    match Trial::of(project, tx) {
        Err(e) => vec![e.to_string()],
        Ok(Some(trial)) => trial.new_errors(scope),
        Ok(None) => new_errors_by_copy(project, tx),
    }
}

/// [`new_errors_in`] by validating the whole project before and after on a copy.
fn new_errors_by_copy(project: &Project, tx: &Transaction) -> Vec<String> {
    fn locations(project: &Project) -> BTreeMap<Loc, Vec<String>> {
        let mut out: BTreeMap<Loc, Vec<String>> = BTreeMap::new();
        for p in validate(project) {
            if p.severity == Severity::Error {
                out.entry((p.document, p.annotation, p.entry))
                    .or_default()
                    .push(p.message);
            }
        }
        out
    }
    let before = locations(project);
    let mut trial = project.clone();
    if let Err(e) = tx.apply(&mut trial) {
        return vec![e.to_string()];
    }
    locations(&trial)
        .into_iter()
        .filter(|(loc, msgs)| before.get(loc).map_or(0, Vec::len) < msgs.len())
        .filter_map(|(_, mut msgs)| msgs.pop())
        .collect()
}

/// Refuses `tx` with [`OpError::WouldInvalidate`] if it would give any annotation, entry or
/// the schema new errors.
pub(crate) fn refuse_new_errors(project: &Project, tx: &Transaction) -> Result<(), OpError> {
    refuse_new_errors_in(project, tx, None)
}

/// [`refuse_new_errors`] with the `scope` of [`new_errors_in`].
pub(crate) fn refuse_new_errors_in(
    project: &Project,
    tx: &Transaction,
    scope: Option<&BTreeSet<DocId>>,
) -> Result<(), OpError> {
    let worse = new_errors_in(project, tx, scope);
    match worse.first() {
        None => Ok(()),
        Some(first) => Err(OpError::WouldInvalidate {
            count: worse.len(),
            first: first.clone(),
        }),
    }
}

/// [`refuse_new_errors`] for every transaction a session commits: the same check, except
/// that an event still missing a required role is not refused — creating an event and then
/// filling its roles is how events are made (the window marks such roles "required,
/// empty", and `check` reports them until they are filled).
pub(crate) fn refuse_invalid_at_commit(project: &Project, tx: &Transaction) -> Result<(), OpError> {
    let worse: Vec<String> = new_errors_in(project, tx, None)
        .into_iter()
        .filter(|m| !m.contains("is missing required role"))
        .collect();
    match worse.first() {
        None => Ok(()),
        Some(first) => Err(OpError::WouldInvalidate {
            count: worse.len(),
            first: first.clone(),
        }),
    }
}

/// The project as a transaction would leave it, without copying it: what the transaction
/// edits is read from its edits, everything else from the project.
struct Trial<'a> {
    base: &'a Project,
    schema: &'a Schema,
    /// Edited annotations: `None` when removed.
    anns: HashMap<(DocId, AnnId), Option<&'a Annotation>>,
    /// Edited entries: `None` when removed.
    entries: HashMap<EntryId, Option<&'a Entry>>,
}

impl View for Trial<'_> {
    fn schema(&self) -> &Schema {
        self.schema
    }

    fn annotation(&self, doc: DocId, id: AnnId) -> Option<&Annotation> {
        match self.anns.get(&(doc, id)) {
            Some(a) => *a,
            None => self.base.annotation(doc, id),
        }
    }

    fn entry(&self, id: EntryId) -> Option<&Entry> {
        match self.entries.get(&id) {
            Some(e) => *e,
            None => self.base.registry.get(&id),
        }
    }
}

impl<'a> Trial<'a> {
    /// Follows `tx` edit by edit with the checks of [`Edit::apply`]. `Ok(None)` when it
    /// edits documents, their metadata or the project information, which a trial does not
    /// follow.
    fn of(base: &'a Project, tx: &'a Transaction) -> Result<Option<Self>, EditError> {
        let mut t = Trial {
            base,
            schema: &base.schema,
            anns: HashMap::new(),
            entries: HashMap::new(),
        };
        for edit in &tx.edits {
            match edit {
                Edit::Annotation { doc, before, after } => {
                    let id = crate::model::edit::annotation_edit_id(before, after)?;
                    if !base.documents.contains_key(doc) {
                        return Err(EditError::NoDocument(*doc));
                    }
                    if t.annotation(*doc, id) != before.as_deref() {
                        return Err(EditError::AnnotationMismatch(id));
                    }
                    t.anns.insert((*doc, id), after.as_deref());
                }
                Edit::Entry { before, after } => {
                    let id = crate::model::edit::entry_edit_id(before, after)?;
                    if t.entry(id) != before.as_deref() {
                        return Err(EditError::EntryMismatch(id));
                    }
                    t.entries.insert(id, after.as_deref());
                }
                Edit::Schema { before, after } => {
                    if *t.schema != **before {
                        return Err(EditError::SchemaMismatch);
                    }
                    t.schema = &**after;
                }
                Edit::DocumentMeta { .. }
                | Edit::Document { .. }
                | Edit::Info { .. }
                | Edit::Text { .. }
                | Edit::Conflicts { .. } => {
                    return Ok(None);
                }
            }
        }
        Ok(Some(t))
    }

    /// See [`new_errors_in`].
    fn new_errors(&self, scope: Option<&BTreeSet<DocId>>) -> Vec<String> {
        let base = self.base;
        let mut worse: BTreeMap<Loc, String> = BTreeMap::new();
        let mut compare = |loc: Loc, before: Vec<Problem>, after: Vec<Problem>| {
            let errors = |v: Vec<Problem>| -> Vec<String> {
                v.into_iter()
                    .filter(|p| p.severity == Severity::Error)
                    .map(|p| p.message)
                    .collect()
            };
            let (before, mut after) = (errors(before), errors(after));
            if after.len() > before.len()
                && let Some(last) = after.pop()
            {
                worse.insert(loc, last);
            }
        };
        let schema_changed = !std::ptr::eq(self.schema, &base.schema);
        if schema_changed {
            compare(
                (None, None, None),
                schema_problems(&base.schema),
                schema_problems(self.schema),
            );
        }
        let (types, attrs) = if schema_changed {
            changed_defs(&base.schema, self.schema)
        } else {
            Default::default()
        };

        // Entries: the edited ones and those of a changed type.
        let mut entries: BTreeSet<EntryId> = self.entries.keys().copied().collect();
        if !types.is_empty() {
            entries.extend(
                base.registry
                    .values()
                    .filter(|e| types.contains(&e.type_id))
                    .map(|e| e.id),
            );
        }
        for id in &entries {
            let mut before = Vec::new();
            if let Some(e) = base.registry.get(id) {
                entry_problems(base, e, &mut before);
            }
            let mut after = Vec::new();
            if let Some(e) = self.entry(*id) {
                entry_problems(self, e, &mut after);
            }
            compare((None, None, Some(*id)), before, after);
        }

        // Annotations: the edited ones, those pointing at them, and those pointing at an
        // entry that goes or changes type, or using a changed type or attribute.
        let lost_entries: BTreeSet<EntryId> = self
            .entries
            .iter()
            .filter(|(id, after)| {
                let before = base.registry.get(id).map(|e| &e.type_id);
                after.map(|e| &e.type_id) != before
            })
            .map(|(id, _)| *id)
            .collect();
        let edited_docs: BTreeSet<DocId> = self.anns.keys().map(|(d, _)| *d).collect();
        let pointed_at = !self.anns.is_empty() || !lost_entries.is_empty();
        let points_at = |d: DocId, a: &Annotation| {
            pointed_at
                && a.points_at(|t| match t {
                    Target::Annotation(x) => self.anns.contains_key(&(d, *x)),
                    Target::Entry(e) => lost_entries.contains(e),
                })
        };
        let uses_changed = |a: &Annotation| {
            (!types.is_empty() && types.contains(a.type_id()))
                || (!attrs.is_empty() && a.attributes.keys().any(|k| attrs.contains(k)))
        };
        let mut anns: BTreeSet<(DocId, AnnId)> = self.anns.keys().copied().collect();
        let scan_all =
            !types.is_empty() || !attrs.is_empty() || (!lost_entries.is_empty() && scope.is_none());
        for doc in base.documents.values() {
            let d = doc.id();
            if !scan_all && !edited_docs.contains(&d) && !scope.is_some_and(|s| s.contains(&d)) {
                continue;
            }
            for a in doc.annotations.values() {
                if points_at(d, a) || uses_changed(a) {
                    anns.insert((d, a.id));
                }
            }
        }
        let has_error = |v: &[Problem]| v.iter().any(|p| p.severity == Severity::Error);
        for (d, id) in anns {
            // After first: with no error after, there is nothing new, and no need to look
            // at before.
            let mut after = Vec::new();
            if let Some(a) = self.annotation(d, id) {
                annotation_problems(self, d, None, a, &mut after);
            }
            if !has_error(&after) {
                continue;
            }
            let mut before = Vec::new();
            if let Some(a) = base.annotation(d, id) {
                annotation_problems(base, d, None, a, &mut before);
            }
            compare((Some(d), Some(id), None), before, after);
        }
        worse.into_values().collect()
    }
}

/// The type and attribute ids whose definitions differ between two schemas (added,
/// removed or changed).
fn changed_defs(before: &Schema, after: &Schema) -> (BTreeSet<Slug>, BTreeSet<Slug>) {
    fn diff<'s, T: PartialEq + 's>(
        a: impl Iterator<Item = (&'s Slug, &'s T)>,
        b: impl Iterator<Item = (&'s Slug, &'s T)>,
        out: &mut BTreeSet<Slug>,
    ) {
        let a: BTreeMap<&Slug, &T> = a.collect();
        let b: BTreeMap<&Slug, &T> = b.collect();
        for (id, x) in &a {
            if b.get(id) != Some(x) {
                out.insert((*id).clone());
            }
        }
        for id in b.keys() {
            if !a.contains_key(id) {
                out.insert((*id).clone());
            }
        }
    }
    let mut types = BTreeSet::new();
    diff(
        before.entity_types.iter().map(|t| (&t.id, t)),
        after.entity_types.iter().map(|t| (&t.id, t)),
        &mut types,
    );
    diff(
        before.event_types.iter().map(|t| (&t.id, t)),
        after.event_types.iter().map(|t| (&t.id, t)),
        &mut types,
    );
    diff(
        before.relation_types.iter().map(|t| (&t.id, t)),
        after.relation_types.iter().map(|t| (&t.id, t)),
        &mut types,
    );
    let mut attrs = BTreeSet::new();
    diff(
        before.attributes.iter().map(|a| (&a.id, a)),
        after.attributes.iter().map(|a| (&a.id, a)),
        &mut attrs,
    );
    (types, attrs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ops::events::tests::{apply, fixture, mention};
    use crate::model::ops::events::{add_filler, create_event, create_relation};
    use crate::model::ops::{registry, schema, tagging};
    use crate::model::schema::TypeKind;

    /// A document with people, a quantity, a meeting with participants, a relation and an
    /// entry; returns (project, doc, [nam, joy, quantity, meeting, relation], entry).
    fn populated() -> (Project, DocId, [AnnId; 5], EntryId) {
        let (mut p, doc) = fixture();
        let nam = mention(&mut p, doc, "person", "Nam Il");
        let joy = mention(&mut p, doc, "person", "Joy");
        let qty = mention(&mut p, doc, "quantity", "1500");
        let kim = Entry::new("person".into(), "Kim Il Sung");
        let kim_id = kim.id;
        p.registry.insert(kim.id, kim);
        let (tx, meeting) = create_event(&p, doc, &"meeting".into(), None).unwrap();
        apply(&mut p, tx);
        for t in [Target::Annotation(nam), Target::Entry(kim_id)] {
            let tx = add_filler(&p, doc, meeting, &"participant".into(), t).unwrap();
            apply(&mut p, tx);
        }
        let (tx, rel) = create_relation(
            &p,
            doc,
            &"subordinate_of".into(),
            Target::Annotation(joy),
            Target::Entry(kim_id),
        )
        .unwrap();
        apply(&mut p, tx);
        (p, doc, [nam, joy, qty, meeting, rel], kim_id)
    }

    fn schema_tx(p: &Project, f: impl FnOnce(&mut Schema)) -> Transaction {
        let mut after = p.schema.clone();
        f(&mut after);
        Transaction::new("schema").with(Edit::Schema {
            before: Box::new(p.schema.clone()),
            after: Box::new(after),
        })
    }

    #[test]
    fn checking_what_a_transaction_touches_agrees_with_validating_a_copy() {
        let (p, doc, [nam, joy, qty, meeting, _rel], kim) = populated();
        let retype = |id: AnnId, ty: &str| {
            let a = p.annotation(doc, id).unwrap();
            let mut b = a.clone();
            b.set_type_id(ty.into());
            Transaction::new("retype").with(Edit::update_annotation(doc, a.clone(), b))
        };
        let mut entry_to_place = p.registry[&kim].clone();
        entry_to_place.type_id = "place".into();
        let txs = vec![
            // The participant becomes a place: the meeting now holds a wrong filler.
            retype(nam, "place"),
            // The relation's argument becomes an event type's mention.
            retype(joy, "topic"),
            retype(qty, "person"),
            // The entry filling a role and a relation goes, or changes type.
            Transaction::new("rm").with(Edit::remove_entry(p.registry[&kim].clone())),
            Transaction::new("ty")
                .with(Edit::update_entry(p.registry[&kim].clone(), entry_to_place)),
            // Schema edits: a role that takes only organizations, a required role, a
            // relation type that goes, an attribute that no longer applies.
            schema_tx(&p, |s| {
                let m = s.event_types.iter_mut().find(|t| t.id == "meeting".into());
                m.unwrap().roles[0].fillers = vec!["organization".into()];
            }),
            schema_tx(&p, |s| {
                let m = s.event_types.iter_mut().find(|t| t.id == "meeting".into());
                m.unwrap().roles[1].min = 1;
            }),
            schema_tx(&p, |s| {
                s.relation_types.retain(|r| r.id != "subordinate_of".into())
            }),
            schema_tx(&p, |s| s.entity_types.retain(|t| t.id != "person".into())),
            // Deleting the meeting; a transaction that does not apply.
            tagging::delete(&p, doc, meeting).unwrap(),
            Transaction::new("stale").with(Edit::add_annotation(
                doc,
                p.annotation(doc, nam).unwrap().clone(),
            )),
        ];
        let scope = BTreeSet::from([doc]);
        for tx in txs {
            let fast = new_errors_in(&p, &tx, None);
            let slow = new_errors_by_copy(&p, &tx);
            assert_eq!(fast, slow, "{}", tx.label);
            // Every annotation is in `doc`, so it is a correct scope for every entry.
            assert_eq!(new_errors_in(&p, &tx, Some(&scope)), slow, "{}", tx.label);
        }
        // Most of them do make something invalid, so the comparison is not of empty lists.
        let (p2, _, _, _) = populated();
        let tx = schema_tx(&p2, |s| s.entity_types.retain(|t| t.id != "person".into()));
        assert!(!new_errors_in(&p2, &tx, None).is_empty());
    }

    #[test]
    fn schema_edits_are_refused_when_they_break_annotations() {
        let (p, _, _, _) = populated();
        let def = schema::RoleDef {
            label: "Participant".into(),
            fillers: vec!["organization".into()],
            min: 0,
            max: None,
        };
        let err = schema::edit_role(&p, &"meeting".into(), &"participant".into(), &def);
        assert!(
            matches!(err, Err(OpError::WouldInvalidate { count: 1, .. })),
            "{err:?}"
        );
        let (tx, _) = schema::add_type(&p, TypeKind::Entity, "Ship", "#123456", None).unwrap();
        assert_eq!(new_errors_in(&p, &tx, None), Vec::<String>::new());
    }

    #[test]
    fn non_finite_numbers_are_refused() {
        let (p, doc, [_, _, qty, ..], _) = populated();
        for n in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let err = set_attribute(&p, doc, qty, &"count".into(), Some(AttrValue::Number(n)));
            assert!(
                matches!(&err, Err(OpError::AttributeWrongKind { expected, .. }) if expected == "a finite number"),
                "{err:?}"
            );
            let err = update_annotation(&p, doc, qty, "Set count", |a| {
                a.attributes.insert("count".into(), AttrValue::Number(n));
            });
            assert!(
                matches!(err, Err(OpError::AttributeWrongKind { .. })),
                "{err:?}"
            );
        }
        let tx = set_attribute(&p, doc, qty, &"count".into(), Some(AttrValue::Number(3.0)));
        assert_eq!(tx.unwrap().edits.len(), 1);
    }

    #[test]
    fn errors_keep_their_context() {
        let (p, doc, [nam, ..], kim) = populated();
        let ghost_doc = DocId::new();
        let ghost = AnnId::new();
        assert_eq!(
            tagging::delete(&p, ghost_doc, nam),
            Err(OpError::NoDocument(ghost_doc))
        );
        assert_eq!(
            tagging::delete(&p, doc, ghost),
            Err(OpError::NoAnnotation { doc, ann: ghost })
        );
        let err = registry::merge_entries(&p, kim, EntryId::new()).unwrap_err();
        assert!(matches!(err, OpError::NoEntry(_)));
        assert_eq!(
            text(&p, doc).map(|t| t.len_chars() > 0),
            Ok(true),
            "the fixture has text"
        );
    }

    #[test]
    fn rewrite_copies_only_what_changes() {
        let (p, doc, [nam, joy, _, meeting, rel], kim) = populated();
        // Deleting `nam` changes only the meeting it fills.
        let tx = delete_annotation(&p, doc, nam).unwrap();
        assert_eq!(tx.edits.len(), 2);
        // Deleting the entry: the meeting loses a filler, the relation goes.
        let edits = rewrite(
            &p,
            BTreeSet::new(),
            &BTreeSet::from([kim]),
            None,
            |_| false,
            |_, _| {},
        );
        let touched: BTreeSet<AnnId> = edits
            .iter()
            .filter_map(|e| match e {
                Edit::Annotation {
                    before: Some(a), ..
                } => Some(a.id),
                _ => None,
            })
            .collect();
        assert_eq!(touched, BTreeSet::from([meeting, rel]));
        assert!(!touched.contains(&joy));
        assert!(matches!(
            edits.last(),
            Some(Edit::Entry { after: None, .. })
        ));
    }

    fn stamp_at(by: &str, secs: i64) -> crate::model::stamp::Stamp {
        crate::model::stamp::Stamp {
            by: by.into(),
            at: crate::model::stamp::UtcTime(secs),
        }
    }

    /// Stamps `tx` with `s` and commits it through `h`.
    fn commit_stamped(
        p: &mut Project,
        h: &mut crate::model::History,
        mut tx: Transaction,
        s: &crate::model::stamp::Stamp,
    ) {
        stamp(&mut tx, s);
        h.commit(p, tx).unwrap();
    }

    #[test]
    fn stamping_records_who_created_and_who_changed() {
        let (mut p, doc) = crate::model::ops::events::tests::fixture();
        let mut h = crate::model::History::default();
        let (anna, ben) = (stamp_at("Anna", 1_000), stamp_at("Ben", 2_000));
        // Creating an annotation and an entry sets both stamps.
        let span = crate::model::Span::new(4, 11);
        let (tx, ann) = tagging::tag_mention(&p, doc, &[span], &"person".into()).unwrap();
        commit_stamped(&mut p, &mut h, tx, &anna);
        let (tx, kim) = registry::create_entry(&p, &"person".into(), "Kim Il Sung").unwrap();
        commit_stamped(&mut p, &mut h, tx, &anna);
        let a = p.annotation(doc, ann).unwrap();
        assert_eq!(
            (a.created.as_ref(), a.modified.as_ref()),
            (Some(&anna), Some(&anna))
        );
        assert_eq!(a.annotator(), "Anna");
        let e = &p.registry[&kim];
        assert_eq!(
            (e.created.as_ref(), e.modified.as_ref()),
            (Some(&anna), Some(&anna))
        );
        // A change sets `modified` only, on the records it changes.
        let tx = set_note(&p, doc, ann, "who is this?").unwrap();
        commit_stamped(&mut p, &mut h, tx, &ben);
        let tx = registry::rename_entry(&p, kim, "Kim Il-sung", true).unwrap();
        commit_stamped(&mut p, &mut h, tx, &ben);
        let a = p.annotation(doc, ann).unwrap();
        assert_eq!(
            (a.created.as_ref(), a.modified.as_ref()),
            (Some(&anna), Some(&ben))
        );
        assert_eq!(a.annotator(), "Anna", "the creator stays the annotator");
        let e = &p.registry[&kim];
        assert_eq!(
            (e.created.as_ref(), e.modified.as_ref()),
            (Some(&anna), Some(&ben))
        );
        // Undo restores the old stamps with the rest of the record; redo brings Ben's back.
        h.undo(&mut p).unwrap().unwrap();
        h.undo(&mut p).unwrap().unwrap();
        let a = p.annotation(doc, ann).unwrap();
        assert_eq!(a.modified.as_ref(), Some(&anna));
        assert_eq!(p.registry[&kim].modified.as_ref(), Some(&anna));
        h.redo(&mut p).unwrap().unwrap();
        assert_eq!(
            p.annotation(doc, ann).unwrap().modified.as_ref(),
            Some(&ben)
        );
        // A transaction that brings records with their own stamps (a recovery copy, a
        // merge, a re-add) keeps them: Anna's version restored by Carla stays Anna's.
        let carla = stamp_at("Carla", 3_000);
        let current = p.annotation(doc, ann).unwrap().clone();
        let mut restored = current.clone();
        restored.note.clear();
        restored.modified = Some(anna.clone());
        let mut tx = Transaction::new("restore")
            .with(Edit::update_annotation(
                doc,
                current.clone(),
                restored.clone(),
            ))
            .with(Edit::remove_annotation(doc, current.clone()))
            .with(Edit::add_annotation(doc, current.clone()));
        stamp(&mut tx, &carla);
        let afters: Vec<&Annotation> = tx
            .edits
            .iter()
            .filter_map(|e| match e {
                Edit::Annotation { after, .. } => after.as_deref(),
                _ => None,
            })
            .collect();
        assert_eq!(afters, [&restored, &current]);
        let before = p.registry[&kim].clone();
        let mut e = before.clone();
        e.name = "Kim Il-sung".into();
        e.modified = Some(ben.clone());
        let mut tx = Transaction::new("restore").with(Edit::update_entry(before, e.clone()));
        stamp(&mut tx, &carla);
        assert!(matches!(&tx.edits[0], Edit::Entry { after: Some(x), .. } if **x == e));
    }

    #[test]
    fn a_text_edit_does_not_restamp_the_annotations_it_only_moves() {
        let (mut p, doc) = crate::model::ops::events::tests::fixture();
        let mut h = crate::model::History::default();
        let anna = stamp_at("Anna", 1_000);
        let nam = crate::model::ops::events::tests::mention(&mut p, doc, "person", "Nam Il");
        let tx = set_note(&p, doc, nam, "chief delegate").unwrap();
        commit_stamped(&mut p, &mut h, tx, &anna);
        let before = p.annotation(doc, nam).unwrap().clone();
        // Inserting text far before the mention shifts its anchor inside the text edit;
        // inserting right before it (its quote's context changes) edits it explicitly.
        // Neither is a change anybody made to the mention.
        let tx = crate::model::ops::text::edit_text(&p, doc, 0..0, "Cable. ").unwrap();
        commit_stamped(&mut p, &mut h, tx, &stamp_at("Ben", 2_000));
        let start = p.annotation(doc, nam).unwrap().anchor().unwrap().fragments[0].start;
        let tx = crate::model::ops::text::edit_text(&p, doc, start..start, "General ").unwrap();
        assert!(
            tx.edits
                .iter()
                .any(|e| matches!(e, Edit::Annotation { .. })),
            "a mention whose context changes is edited explicitly"
        );
        commit_stamped(&mut p, &mut h, tx, &stamp_at("Ben", 3_000));
        let after = p.annotation(doc, nam).unwrap();
        assert_ne!(after.anchor(), before.anchor(), "the anchor moved");
        assert_eq!(
            after.modified.as_ref(),
            Some(&anna),
            "but nobody changed the mention"
        );
    }
}
