//! Events and relations: creating them, anchoring triggers, filling role slots under the
//! schema's constraints, dates, attributes, notes, and deleting annotations together with
//! whatever points at them.
//!
//! Every function reads the project and returns a [`Transaction`]; none changes it.

use crate::model::anchor::{AnchorError, Span, TextAnchor};
use crate::model::annotation::{Annotation, AttrValue, Body, Certainty, Event, Relation, Target};
use crate::model::date::{DateError, NormalizedDate};
use crate::model::edit::{Edit, Transaction};
use crate::model::ids::{AnnId, DocId, EntryId, Slug};
use crate::model::project::Project;
use crate::model::schema::{AttrKind, EventType, RoleSlot, Schema, TypeKind};
use crate::model::validate::{Severity, validate};
use std::collections::{BTreeMap, BTreeSet};
use thiserror::Error;

/// Why an event or relation action is not allowed.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum EventError {
    #[error("document {0} is not in the project")]
    NoDocument(DocId),
    #[error("document \"{0}\" has no text to anchor a trigger in")]
    NoText(String),
    #[error("annotation {0} is not in this document")]
    NoAnnotation(AnnId),
    #[error("registry entry {0} does not exist")]
    NoEntry(EntryId),
    #[error("annotation {0} is not an event")]
    NotAnEvent(AnnId),
    #[error("annotation {0} is not a relation")]
    NotARelation(AnnId),
    #[error("\"{0}\" is not an event type in the schema")]
    UnknownEventType(Slug),
    #[error("\"{0}\" is not a relation type in the schema")]
    UnknownRelationType(Slug),
    #[error("{event} has no role \"{role}\"")]
    UnknownRole { event: String, role: Slug },
    #[error("{what} cannot be filled by a {found}; it takes {allowed}")]
    NotAllowed {
        what: String,
        found: String,
        allowed: String,
    },
    #[error("{what} takes {cardinality} and is already full")]
    RoleFull { what: String, cardinality: String },
    #[error("{what} already has \"{filler}\"")]
    AlreadyFilled { what: String, filler: String },
    #[error("an event cannot fill one of its own roles, and a relation cannot point at itself")]
    SelfReference,
    #[error("a relation cannot fill a role or be the argument of a relation")]
    TargetIsRelation,
    #[error("a relation needs two different arguments")]
    SameArguments,
    #[error("{what} has no filler \"{filler}\"")]
    NotFilled { what: String, filler: String },
    #[error("position {index} is past the {len} fillers of {what}")]
    BadPosition {
        what: String,
        index: usize,
        len: usize,
    },
    #[error("the trigger cannot be anchored: {0}")]
    Anchor(#[from] AnchorError),
    #[error("the date is not valid: {0}")]
    Date(#[from] DateError),
    #[error("\"{0}\" is not an attribute in the schema")]
    UnknownAttribute(Slug),
    #[error("attribute \"{attr}\" does not apply to {ty}")]
    AttributeNotApplicable { attr: String, ty: String },
    #[error("attribute \"{attr}\" takes {expected}, not \"{value}\"")]
    AttributeWrongKind {
        attr: String,
        expected: String,
        value: String,
    },
}

/// The document, or [`EventError::NoDocument`].
fn doc_of(project: &Project, doc: DocId) -> Result<&crate::model::Document, EventError> {
    project
        .documents
        .get(&doc)
        .ok_or(EventError::NoDocument(doc))
}

fn annotation_of(project: &Project, doc: DocId, id: AnnId) -> Result<&Annotation, EventError> {
    doc_of(project, doc)?
        .annotations
        .get(&id)
        .ok_or(EventError::NoAnnotation(id))
}

/// The event annotation `id` with its event body and schema type.
fn event_of(
    project: &Project,
    doc: DocId,
    id: AnnId,
) -> Result<(&Annotation, &Event, &EventType), EventError> {
    let ann = annotation_of(project, doc, id)?;
    let ev = ann.as_event().ok_or(EventError::NotAnEvent(id))?;
    let ty = project
        .schema
        .event(&ev.type_id)
        .ok_or_else(|| EventError::UnknownEventType(ev.type_id.clone()))?;
    Ok((ann, ev, ty))
}

fn role_of<'t>(ty: &'t EventType, role: &Slug) -> Result<&'t RoleSlot, EventError> {
    ty.role(role).ok_or_else(|| EventError::UnknownRole {
        event: ty.label.clone(),
        role: role.clone(),
    })
}

fn role_what(ty: &EventType, slot: &RoleSlot) -> String {
    format!("{} role \"{}\"", ty.label, slot.label)
}

fn allowed_list(schema: &Schema, allowed: &[Slug]) -> String {
    if allowed.is_empty() {
        return "anything".into();
    }
    allowed
        .iter()
        .map(|s| schema.label(s))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The type of what `target` names, after checking it exists in `doc`, is not a relation
/// and is not `own` (the annotation being edited).
fn checked_target_type<'p>(
    project: &'p Project,
    doc: DocId,
    own: Option<AnnId>,
    target: &Target,
) -> Result<&'p Slug, EventError> {
    match target {
        Target::Annotation(a) => {
            if Some(*a) == own {
                return Err(EventError::SelfReference);
            }
            let ann = annotation_of(project, doc, *a)?;
            if ann.as_relation().is_some() {
                return Err(EventError::TargetIsRelation);
            }
            Ok(ann.type_id())
        }
        Target::Entry(e) => project
            .registry
            .get(e)
            .map(|entry| &entry.type_id)
            .ok_or(EventError::NoEntry(*e)),
    }
}

/// Checks that `target` may stand where `allowed` types are accepted.
fn check_allowed(
    project: &Project,
    doc: DocId,
    own: Option<AnnId>,
    target: &Target,
    allowed: &[Slug],
    what: impl Fn() -> String,
) -> Result<(), EventError> {
    let ty = checked_target_type(project, doc, own, target)?;
    if allowed.is_empty() || allowed.contains(ty) {
        return Ok(());
    }
    let kind = match project.schema.kind_of(ty) {
        Some(TypeKind::Event) => " event",
        _ => "",
    };
    Err(EventError::NotAllowed {
        what: what(),
        found: format!("{}{kind}", project.schema.label(ty)),
        allowed: allowed_list(&project.schema, allowed),
    })
}

fn anchor_in(project: &Project, doc: DocId, spans: &[Span]) -> Result<TextAnchor, EventError> {
    let d = doc_of(project, doc)?;
    let text = d
        .text
        .as_ref()
        .ok_or_else(|| EventError::NoText(d.meta.title.clone()))?;
    Ok(TextAnchor::new(text, spans)?)
}

/// A new event of `type_id` in `doc`, anchored on the trigger `spans` or, with `None`, on
/// no text at all (an event the document only implies). Returns the new annotation's id.
pub fn create_event(
    project: &Project,
    doc: DocId,
    type_id: &Slug,
    trigger: Option<&[Span]>,
) -> Result<(Transaction, AnnId), EventError> {
    let ty = project
        .schema
        .event(type_id)
        .ok_or_else(|| EventError::UnknownEventType(type_id.clone()))?;
    doc_of(project, doc)?;
    let trigger = trigger.map(|s| anchor_in(project, doc, s)).transpose()?;
    let ann = Annotation::new(Body::Event(Event {
        type_id: type_id.clone(),
        trigger,
        roles: BTreeMap::new(),
        date: None,
    }));
    let id = ann.id;
    let tx = Transaction::new(format!("New {}", ty.label)).with(Edit::add_annotation(doc, ann));
    Ok((tx, id))
}

/// Sets the event's trigger to `spans`, or removes it with `None`.
pub fn set_trigger(
    project: &Project,
    doc: DocId,
    event: AnnId,
    trigger: Option<&[Span]>,
) -> Result<Transaction, EventError> {
    let (ann, _, ty) = event_of(project, doc, event)?;
    let trigger = trigger.map(|s| anchor_in(project, doc, s)).transpose()?;
    let label = if trigger.is_some() {
        format!("Set trigger of {}", ty.label)
    } else {
        format!("Clear trigger of {}", ty.label)
    };
    Ok(update(doc, ann, label, |a| {
        if let Body::Event(e) = &mut a.body {
            e.trigger = trigger;
        }
    }))
}

/// A transaction replacing `ann` with its copy changed by `f`; empty when nothing changed.
fn update(
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

/// Adds `filler` at the end of the event's `role`, after checking the role exists, the
/// filler's type is one the role takes, the role is not full and does not hold it already.
pub fn add_filler(
    project: &Project,
    doc: DocId,
    event: AnnId,
    role: &Slug,
    filler: Target,
) -> Result<Transaction, EventError> {
    let (ann, ev, ty) = event_of(project, doc, event)?;
    let slot = role_of(ty, role)?;
    let what = || role_what(ty, slot);
    check_allowed(project, doc, Some(event), &filler, &slot.fillers, what)?;
    let current = ev.roles.get(role).map_or(&[][..], Vec::as_slice);
    if current.contains(&filler) {
        return Err(EventError::AlreadyFilled {
            what: what(),
            filler: project.target_label(doc, &filler),
        });
    }
    if slot.max.is_some_and(|max| current.len() >= max as usize) {
        return Err(EventError::RoleFull {
            what: what(),
            cardinality: slot.cardinality(),
        });
    }
    let label = format!("Add {} to {}", project.target_label(doc, &filler), what());
    Ok(update(doc, ann, label, |a| {
        if let Body::Event(e) = &mut a.body {
            e.roles.entry(role.clone()).or_default().push(filler);
        }
    }))
}

/// Removes `filler` from the event's `role` (the role's key goes when it empties).
pub fn remove_filler(
    project: &Project,
    doc: DocId,
    event: AnnId,
    role: &Slug,
    filler: &Target,
) -> Result<Transaction, EventError> {
    let (ann, ev, ty) = event_of(project, doc, event)?;
    let what = match ty.role(role) {
        Some(slot) => role_what(ty, slot),
        // A role the schema lost can still be emptied.
        None => format!("{} role \"{role}\"", ty.label),
    };
    if !ev.roles.get(role).is_some_and(|v| v.contains(filler)) {
        return Err(EventError::NotFilled {
            what,
            filler: project.target_label(doc, filler),
        });
    }
    let label = format!("Remove {} from {what}", project.target_label(doc, filler));
    Ok(update(doc, ann, label, |a| {
        if let Body::Event(e) = &mut a.body
            && let Some(v) = e.roles.get_mut(role)
        {
            v.retain(|t| t != filler);
            if v.is_empty() {
                e.roles.remove(role);
            }
        }
    }))
}

/// Moves the filler at position `from` of the event's `role` to position `to`.
pub fn move_filler(
    project: &Project,
    doc: DocId,
    event: AnnId,
    role: &Slug,
    from: usize,
    to: usize,
) -> Result<Transaction, EventError> {
    let (ann, ev, ty) = event_of(project, doc, event)?;
    let slot = role_of(ty, role)?;
    let len = ev.roles.get(role).map_or(0, Vec::len);
    for index in [from, to] {
        if index >= len {
            return Err(EventError::BadPosition {
                what: role_what(ty, slot),
                index,
                len,
            });
        }
    }
    let label = format!("Reorder {}", role_what(ty, slot));
    Ok(update(doc, ann, label, |a| {
        if let Body::Event(e) = &mut a.body
            && let Some(v) = e.roles.get_mut(role)
        {
            let t = v.remove(from);
            v.insert(to, t);
        }
    }))
}

/// Sets the event's explicit normalized date, or clears it with `None`.
pub fn set_event_date(
    project: &Project,
    doc: DocId,
    event: AnnId,
    date: Option<NormalizedDate>,
) -> Result<Transaction, EventError> {
    let (ann, _, ty) = event_of(project, doc, event)?;
    if let Some(d) = &date {
        d.validate()?;
    }
    let date = date.filter(|d| !d.is_empty());
    Ok(update(doc, ann, format!("Date {}", ty.label), |a| {
        if let Body::Event(e) = &mut a.body {
            e.date = date;
        }
    }))
}

/// The role of an event type that dates it: the first whose fillers are all dated entity
/// types (Meeting → Time, Communication → Date).
pub fn time_role<'s>(schema: &'s Schema, event_type: &Slug) -> Option<&'s RoleSlot> {
    schema.event(event_type)?.roles.iter().find(|r| {
        !r.fillers.is_empty()
            && r.fillers
                .iter()
                .all(|f| schema.entity(f).is_some_and(|t| t.dated))
    })
}

/// Where an event's date comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateSource {
    /// The normalized date of the mention filling the time role.
    Role { role: Slug, mention: AnnId },
    /// The event's own explicit date.
    Explicit,
}

/// An event's date and where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventDate {
    pub date: NormalizedDate,
    pub source: DateSource,
}

/// The event's date: the normalized date of its time role's first dated filler, else its
/// explicit date, else `None`.
pub fn event_date(project: &Project, doc: DocId, event: &Event) -> Option<EventDate> {
    if let Some(slot) = time_role(&project.schema, &event.type_id) {
        let from_role = event
            .roles
            .get(&slot.id)
            .into_iter()
            .flatten()
            .find_map(|t| match t {
                Target::Annotation(a) => {
                    let m = project.annotation(doc, *a)?.as_mention()?;
                    let d = m.date.as_ref().filter(|d| !d.is_empty())?;
                    Some(EventDate {
                        date: d.clone(),
                        source: DateSource::Role {
                            role: slot.id.clone(),
                            mention: *a,
                        },
                    })
                }
                Target::Entry(_) => None,
            });
        if from_role.is_some() {
            return from_role;
        }
    }
    event.date.clone().map(|date| EventDate {
        date,
        source: DateSource::Explicit,
    })
}

/// A new relation of `type_id` from `from` to `to` (annotations in `doc` or registry
/// entries), after checking both arguments against the type's constraints.
pub fn create_relation(
    project: &Project,
    doc: DocId,
    type_id: &Slug,
    from: Target,
    to: Target,
) -> Result<(Transaction, AnnId), EventError> {
    let ty = project
        .schema
        .relation(type_id)
        .ok_or_else(|| EventError::UnknownRelationType(type_id.clone()))?;
    doc_of(project, doc)?;
    if from == to {
        return Err(EventError::SameArguments);
    }
    check_allowed(project, doc, None, &from, &ty.from, || {
        format!("the first argument of \"{}\"", ty.label)
    })?;
    check_allowed(project, doc, None, &to, &ty.to, || {
        format!("the second argument of \"{}\"", ty.label)
    })?;
    let ann = Annotation::new(Body::Relation(Relation {
        type_id: type_id.clone(),
        from,
        to,
    }));
    let id = ann.id;
    let label = format!(
        "{} {} {}",
        project.target_label(doc, &from),
        ty.label,
        project.target_label(doc, &to)
    );
    Ok((
        Transaction::new(label).with(Edit::add_annotation(doc, ann)),
        id,
    ))
}

/// Swaps a relation's arguments, when the type's constraints allow it the other way round.
pub fn reverse_relation(
    project: &Project,
    doc: DocId,
    relation: AnnId,
) -> Result<Transaction, EventError> {
    let ann = annotation_of(project, doc, relation)?;
    let rel = ann
        .as_relation()
        .ok_or(EventError::NotARelation(relation))?;
    let ty = project
        .schema
        .relation(&rel.type_id)
        .ok_or_else(|| EventError::UnknownRelationType(rel.type_id.clone()))?;
    check_allowed(project, doc, Some(relation), &rel.to, &ty.from, || {
        format!("the first argument of \"{}\"", ty.label)
    })?;
    check_allowed(project, doc, Some(relation), &rel.from, &ty.to, || {
        format!("the second argument of \"{}\"", ty.label)
    })?;
    Ok(update(doc, ann, format!("Reverse {}", ty.label), |a| {
        if let Body::Relation(r) = &mut a.body {
            std::mem::swap(&mut r.from, &mut r.to);
        }
    }))
}

/// Sets attribute `attr` of any annotation to `value`, or removes it with `None`, after
/// checking the schema defines it for the annotation's type and the value is of its kind.
pub fn set_attribute(
    project: &Project,
    doc: DocId,
    ann: AnnId,
    attr: &Slug,
    value: Option<AttrValue>,
) -> Result<Transaction, EventError> {
    let a = annotation_of(project, doc, ann)?;
    let schema = &project.schema;
    let def = schema.attribute(attr);
    if let Some(v) = &value {
        let def = def.ok_or_else(|| EventError::UnknownAttribute(attr.clone()))?;
        if !def.applies_to.is_empty() && !def.applies_to.contains(a.type_id()) {
            return Err(EventError::AttributeNotApplicable {
                attr: def.label.clone(),
                ty: schema.label(a.type_id()).to_owned(),
            });
        }
        let fits = match (&def.kind, v) {
            (AttrKind::Choice(opts), AttrValue::Choice(c)) => opts.contains(c),
            (AttrKind::Text, AttrValue::Text(_))
            | (AttrKind::Number, AttrValue::Number(_))
            | (AttrKind::YesNo, AttrValue::YesNo(_)) => true,
            (AttrKind::Date, AttrValue::Date(d)) => {
                d.validate()?;
                true
            }
            _ => false,
        };
        if !fits {
            return Err(EventError::AttributeWrongKind {
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

/// Sets the free-text note of any annotation.
pub fn set_note(
    project: &Project,
    doc: DocId,
    ann: AnnId,
    note: &str,
) -> Result<Transaction, EventError> {
    let a = annotation_of(project, doc, ann)?;
    Ok(update(doc, a, "Edit note".into(), |a| {
        a.note = note.to_owned()
    }))
}

/// Sets how certain the annotator is, or clears it.
pub fn set_certainty(
    project: &Project,
    doc: DocId,
    ann: AnnId,
    cert: Option<Certainty>,
) -> Result<Transaction, EventError> {
    let a = annotation_of(project, doc, ann)?;
    Ok(update(doc, a, "Set certainty".into(), |a| a.cert = cert))
}

/// Deletes an annotation and everything that points at it: role fillers naming it are
/// dropped from their events, relations with it as an argument are deleted.
pub fn delete_annotation(
    project: &Project,
    doc: DocId,
    ann: AnnId,
) -> Result<Transaction, EventError> {
    let a = annotation_of(project, doc, ann)?;
    let doomed = BTreeSet::from([(doc, ann)]);
    let edits = rewrite(project, doomed, &BTreeSet::new(), |_, _| {});
    let label = format!("Delete {}", project.schema.label(a.type_id()));
    Ok(Transaction { label, edits })
}

/// The edits that delete the annotations `doomed` and the registry entries `entries`, change
/// every surviving annotation by `change`, and then drop what would dangle: role fillers
/// naming a deleted annotation or entry (a role's key goes when it empties), relations with
/// a deleted argument (deleted in turn, to a fixed point) and mention links to deleted
/// entries. Entries are removed after the annotations; one edit per changed record.
pub(crate) fn rewrite(
    project: &Project,
    mut doomed: BTreeSet<(DocId, AnnId)>,
    entries: &BTreeSet<EntryId>,
    mut change: impl FnMut(DocId, &mut Annotation),
) -> Vec<Edit> {
    let gone = |doomed: &BTreeSet<(DocId, AnnId)>, doc: DocId, t: &Target| match t {
        Target::Annotation(a) => doomed.contains(&(doc, *a)),
        Target::Entry(e) => entries.contains(e),
    };
    // Change every survivor first, so what dangles is judged on the changed annotations.
    let mut changed: BTreeMap<(DocId, AnnId), Annotation> = BTreeMap::new();
    for doc in project.documents.values() {
        let d = doc.id();
        for ann in doc.annotations.values() {
            if !doomed.contains(&(d, ann.id)) {
                let mut after = ann.clone();
                change(d, &mut after);
                changed.insert((d, ann.id), after);
            }
        }
    }
    loop {
        let more: Vec<(DocId, AnnId)> = changed
            .iter()
            .filter(|(key, a)| {
                !doomed.contains(key)
                    && a.as_relation().is_some_and(|r| {
                        gone(&doomed, key.0, &r.from) || gone(&doomed, key.0, &r.to)
                    })
            })
            .map(|(key, _)| *key)
            .collect();
        if more.is_empty() {
            break;
        }
        doomed.extend(more);
    }
    let mut edits = Vec::new();
    for doc in project.documents.values() {
        let d = doc.id();
        for ann in doc.annotations.values() {
            let key = (d, ann.id);
            if doomed.contains(&key) {
                edits.push(Edit::remove_annotation(d, ann.clone()));
                continue;
            }
            let Some(mut after) = changed.remove(&key) else {
                continue;
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
            if let Some(r) = after
                .region
                .as_mut()
                .filter(|r| r.text.is_some_and(|t| doomed.contains(&(d, t))))
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

/// One role slot of an event as an inspector shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleView {
    pub id: Slug,
    pub label: String,
    /// `1`, `0..1`, `1..n` …
    pub cardinality: String,
    /// The filler types it takes, as labels ("Person or Organization").
    pub allowed: String,
    /// Fillers in order, each with a short label.
    pub fillers: Vec<(Target, String)>,
    /// A required role with fewer fillers than its minimum.
    pub missing: bool,
    /// No more fillers fit.
    pub full: bool,
    /// A role the event has but its type no longer defines.
    pub unknown: bool,
}

/// An event with its roles, as an inspector shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventFrame {
    pub type_id: Slug,
    pub type_label: String,
    /// The trigger's text, if anchored.
    pub trigger: Option<String>,
    /// The type's roles in schema order, then any roles the schema does not define.
    pub roles: Vec<RoleView>,
    pub date: Option<EventDate>,
}

/// The frame of event `event`: every role slot with its fillers and state.
pub fn event_frame(project: &Project, doc: DocId, event: AnnId) -> Result<EventFrame, EventError> {
    let (ann, ev, ty) = event_of(project, doc, event)?;
    let label_all = |role: &Slug| -> Vec<(Target, String)> {
        ev.roles
            .get(role)
            .into_iter()
            .flatten()
            .map(|t| (*t, project.target_label(doc, t)))
            .collect()
    };
    let mut roles: Vec<RoleView> = ty
        .roles
        .iter()
        .map(|slot| {
            let fillers = label_all(&slot.id);
            RoleView {
                id: slot.id.clone(),
                label: slot.label.clone(),
                cardinality: slot.cardinality(),
                allowed: allowed_list(&project.schema, &slot.fillers),
                missing: fillers.len() < slot.min as usize,
                full: slot.max.is_some_and(|m| fillers.len() >= m as usize),
                unknown: false,
                fillers,
            }
        })
        .collect();
    for role in ev.roles.keys().filter(|r| ty.role(r).is_none()) {
        roles.push(RoleView {
            id: role.clone(),
            label: role.to_string(),
            cardinality: String::new(),
            allowed: String::new(),
            fillers: label_all(role),
            missing: false,
            full: true,
            unknown: true,
        });
    }
    Ok(EventFrame {
        type_id: ev.type_id.clone(),
        type_label: ty.label.clone(),
        trigger: ann.anchor().map(|a| a.quote.exact.clone()),
        roles,
        date: event_date(project, doc, ev),
    })
}

/// Something that may fill a role, as a picker lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub target: Target,
    /// The mention's text, the event's type and trigger, or the entry's name.
    pub label: String,
    pub type_label: String,
    /// Where an annotation starts in the text; `None` for entries and triggerless events.
    pub position: Option<usize>,
}

/// What could be added to the event's `role` now: annotations of the document and
/// registry entries whose type the role takes, not already in it and not the event itself,
/// whose label matches `query` (empty matches all). Annotations come first in text order
/// (triggerless events after them), then entries by match quality and name.
pub fn role_candidates(
    project: &Project,
    doc: DocId,
    event: AnnId,
    role: &Slug,
    query: &str,
) -> Result<Vec<Candidate>, EventError> {
    let (_, ev, ty) = event_of(project, doc, event)?;
    let slot = role_of(ty, role)?;
    let mut exclude: Vec<Target> = ev.roles.get(role).cloned().unwrap_or_default();
    exclude.push(Target::Annotation(event));
    candidates(project, doc, &slot.fillers, &exclude, query)
}

/// What could be the second argument of a relation of `type_id` whose first argument is
/// `from` (or, with `reverse`, the first argument when `from` is the second), by the same
/// rules and order as [`role_candidates`].
pub fn relation_candidates(
    project: &Project,
    doc: DocId,
    type_id: &Slug,
    from: Target,
    reverse: bool,
    query: &str,
) -> Result<Vec<Candidate>, EventError> {
    let ty = project
        .schema
        .relation(type_id)
        .ok_or_else(|| EventError::UnknownRelationType(type_id.clone()))?;
    let allowed = if reverse { &ty.from } else { &ty.to };
    candidates(project, doc, allowed, &[from], query)
}

/// Annotations of `doc` (not relations) and registry entries of an `allowed` type (empty:
/// any), except `exclude`, matching `query`: annotations in text order, then entries.
fn candidates(
    project: &Project,
    doc: DocId,
    allowed: &[Slug],
    exclude: &[Target],
    query: &str,
) -> Result<Vec<Candidate>, EventError> {
    use crate::model::registry::fold;
    let fits = |t: &Slug| allowed.is_empty() || allowed.contains(t);
    let q = fold(query.trim());
    let schema = &project.schema;
    let mut anns: Vec<Candidate> = doc_of(project, doc)?
        .annotations
        .values()
        .filter(|a| a.as_relation().is_none() && fits(a.type_id()))
        .filter(|a| !exclude.contains(&Target::Annotation(a.id)))
        .filter_map(|a| {
            let target = Target::Annotation(a.id);
            let label = project.target_label(doc, &target);
            let type_label = schema.label(a.type_id());
            let matches =
                q.is_empty() || fold(&label).contains(&q) || fold(type_label).contains(&q);
            matches.then(|| Candidate {
                target,
                label,
                type_label: type_label.to_owned(),
                position: a.anchor().map(|an| an.extent().start),
            })
        })
        .collect();
    anns.sort_by_key(|c| (c.position.is_none(), c.position, c.target));
    let mut entries: Vec<(u32, String, Candidate)> = project
        .registry
        .values()
        .filter(|e| fits(&e.type_id) && !exclude.contains(&Target::Entry(e.id)))
        .filter_map(|e| {
            let score = e.match_score(query.trim())?;
            Some((
                score,
                fold(&e.name),
                Candidate {
                    target: Target::Entry(e.id),
                    label: e.name.clone(),
                    type_label: schema.label(&e.type_id).to_owned(),
                    position: None,
                },
            ))
        })
        .collect();
    entries.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then(a.2.target.cmp(&b.2.target))
    });
    anns.extend(entries.into_iter().map(|(_, _, c)| c));
    Ok(anns)
}

/// For each annotation, entry or the schema that `tx` would give more validation errors
/// than it has now, the last of its errors after `tx`. A transaction that does not apply
/// counts as one error.
pub(crate) fn new_errors(project: &Project, tx: &Transaction) -> Vec<String> {
    type Loc = (Option<DocId>, Option<AnnId>, Option<EntryId>);
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::annotation::Mention;
    use crate::model::document::{DocStatus, Document, DocumentMeta};
    use crate::model::edit::History;
    use crate::model::registry::Entry;
    use crate::model::text::SourceText;

    pub(crate) const TEXT: &str = "The meeting resumed at 1500 10 July. Nam Il and Joy spoke; \
        Li Kenong reported to Mao, copies to Peng Dehuai and Kim Il Sung, in Kaesong.";

    /// A project with one document over [`TEXT`].
    pub(crate) fn fixture() -> (Project, DocId) {
        let mut p = Project::new("t");
        let meta = DocumentMeta {
            id: DocId::new(),
            title: "cable".into(),
            source: None,
            images: vec![],
            status: DocStatus::NotStarted,
            archival: Default::default(),
        };
        let id = meta.id;
        p.documents.insert(
            id,
            Document {
                meta,
                text: Some(SourceText::from_str_normalizing(TEXT)),
                annotations: Default::default(),
            },
        );
        (p, id)
    }

    /// Commits `tx` through a fresh history, undoes it and checks the project is as before;
    /// then redoes it and returns the history.
    pub(crate) fn commit_and_check_undo(p: &mut Project, tx: Transaction) -> History {
        let before = p.clone();
        let mut h = History::default();
        h.commit(p, tx).unwrap();
        let after = p.clone();
        assert_ne!(*p, before, "the transaction changed nothing");
        h.undo(p).unwrap().unwrap();
        assert_eq!(*p, before, "undo did not restore the project");
        h.redo(p).unwrap().unwrap();
        assert_eq!(*p, after);
        h
    }

    /// Adds a mention of `ty` over the first occurrence of `word`, returns its id.
    pub(crate) fn mention(p: &mut Project, doc: DocId, ty: &str, word: &str) -> AnnId {
        let d = p.documents.get_mut(&doc).unwrap();
        let text = d.text.as_ref().unwrap();
        let byte = text.as_str().find(word).unwrap();
        let start = text.char_of(byte);
        let end = start + word.chars().count();
        let ann = Annotation::new(Body::Mention(Mention {
            type_id: Slug::new(ty),
            anchor: TextAnchor::span(text, start, end).unwrap(),
            entry: None,
            date: None,
        }));
        let id = ann.id;
        d.annotations.insert(id, ann);
        id
    }

    fn span_of(p: &Project, doc: DocId, word: &str) -> Span {
        let text = p.documents[&doc].text.as_ref().unwrap();
        let start = text.char_of(text.as_str().find(word).unwrap());
        Span::new(start, start + word.chars().count())
    }

    pub(crate) fn apply(p: &mut Project, tx: Transaction) {
        tx.apply(p).unwrap();
    }

    pub(crate) fn errors(p: &Project) -> Vec<String> {
        validate(p)
            .into_iter()
            .filter(|x| x.severity == Severity::Error)
            .map(|x| x.message)
            .collect()
    }

    fn roles(p: &Project, doc: DocId, ev: AnnId, role: &str) -> Vec<Target> {
        p.annotation(doc, ev).unwrap().as_event().unwrap().roles[&Slug::new(role)].clone()
    }

    #[test]
    fn meeting_with_trigger_and_roles() {
        let (mut p, doc) = fixture();
        let nam = mention(&mut p, doc, "person", "Nam Il");
        let joy = mention(&mut p, doc, "person", "Joy");
        let kaesong = mention(&mut p, doc, "place", "Kaesong");
        let trig = [span_of(&p, doc, "meeting")];
        let (tx, ev) = create_event(&p, doc, &Slug::new("meeting"), Some(&trig)).unwrap();
        commit_and_check_undo(&mut p, tx);
        let t = p.annotation(doc, ev).unwrap().anchor().unwrap();
        assert_eq!(t.quote.exact, "meeting");
        for who in [nam, joy] {
            let tx = add_filler(&p, doc, ev, &"participant".into(), Target::Annotation(who));
            commit_and_check_undo(&mut p, tx.unwrap());
        }
        let tx = add_filler(&p, doc, ev, &"place".into(), Target::Annotation(kaesong)).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(
            roles(&p, doc, ev, "participant"),
            vec![Target::Annotation(nam), Target::Annotation(joy)]
        );
        // Reorder, then remove.
        let tx = move_filler(&p, doc, ev, &"participant".into(), 1, 0).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(
            roles(&p, doc, ev, "participant"),
            vec![Target::Annotation(joy), Target::Annotation(nam)]
        );
        let tx = remove_filler(&p, doc, ev, &"place".into(), &Target::Annotation(kaesong));
        commit_and_check_undo(&mut p, tx.unwrap());
        let e = p.annotation(doc, ev).unwrap().as_event().unwrap();
        assert!(!e.roles.contains_key(&Slug::new("place")));
        assert_eq!(errors(&p), Vec::<String>::new());
        // Clearing the trigger keeps the event.
        let tx = set_trigger(&p, doc, ev, None).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert!(p.annotation(doc, ev).unwrap().anchor().is_none());
    }

    #[test]
    fn role_constraints_are_enforced() {
        let (mut p, doc) = fixture();
        let nam = mention(&mut p, doc, "person", "Nam Il");
        let kaesong = mention(&mut p, doc, "place", "Kaesong");
        let kaesong2 = mention(&mut p, doc, "place", "Kaesong.");
        let (tx, ev) = create_event(&p, doc, &"meeting".into(), None).unwrap();
        apply(&mut p, tx);
        // A Meeting's place must be a Place.
        let err = add_filler(&p, doc, ev, &"place".into(), Target::Annotation(nam)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Meeting role \"Place\" cannot be filled by a Person; it takes Place"
        );
        // Cardinality 0..1.
        let tx = add_filler(&p, doc, ev, &"place".into(), Target::Annotation(kaesong)).unwrap();
        apply(&mut p, tx);
        let err =
            add_filler(&p, doc, ev, &"place".into(), Target::Annotation(kaesong2)).unwrap_err();
        assert!(matches!(err, EventError::RoleFull { .. }), "{err}");
        // No duplicates, no unknown roles, no self-filling, no missing targets.
        let err = add_filler(&p, doc, ev, &"place".into(), Target::Annotation(kaesong));
        assert!(matches!(err, Err(EventError::AlreadyFilled { .. })));
        let err = add_filler(&p, doc, ev, &"sender".into(), Target::Annotation(nam));
        assert!(matches!(err, Err(EventError::UnknownRole { .. })));
        let err = add_filler(&p, doc, ev, &"agenda_point".into(), Target::Annotation(ev));
        assert_eq!(err.unwrap_err(), EventError::SelfReference);
        let ghost = AnnId::new();
        let err = add_filler(
            &p,
            doc,
            ev,
            &"participant".into(),
            Target::Annotation(ghost),
        );
        assert_eq!(err.unwrap_err(), EventError::NoAnnotation(ghost));
        let err = create_event(&p, doc, &"person".into(), None).unwrap_err();
        assert_eq!(err, EventError::UnknownEventType("person".into()));
        // An event that is not of an allowed event type.
        let (tx, comm) = create_event(&p, doc, &"communication".into(), None).unwrap();
        apply(&mut p, tx);
        let err = add_filler(
            &p,
            doc,
            ev,
            &"agenda_point".into(),
            Target::Annotation(comm),
        );
        assert_eq!(
            err.unwrap_err().to_string(),
            "Meeting role \"Agenda point\" cannot be filled by a Communication event; it takes Agenda point"
        );
        assert_eq!(
            move_filler(&p, doc, ev, &"place".into(), 0, 1).unwrap_err(),
            EventError::BadPosition {
                what: "Meeting role \"Place\"".into(),
                index: 1,
                len: 1
            }
        );
        // Nothing above slipped an invalid filler in.
        assert!(
            errors(&p)
                .iter()
                .all(|e| e.contains("missing required role")),
            "{:?}",
            errors(&p)
        );
    }

    #[test]
    fn agenda_point_of_meeting_and_entry_fillers() {
        let (mut p, doc) = fixture();
        let (tx, meeting) = create_event(&p, doc, &"meeting".into(), None).unwrap();
        apply(&mut p, tx);
        let (tx, point) = create_event(&p, doc, &"agenda_point".into(), None).unwrap();
        apply(&mut p, tx);
        let tx = add_filler(
            &p,
            doc,
            meeting,
            &"agenda_point".into(),
            Target::Annotation(point),
        );
        commit_and_check_undo(&mut p, tx.unwrap());
        // A registry entry fills a role directly when the text only implies it.
        let kpa = Entry::new("organization".into(), "Korean People's Army");
        let kpa_id = kpa.id;
        p.registry.insert(kpa.id, kpa);
        let tx = add_filler(&p, doc, point, &"proposed_by".into(), Target::Entry(kpa_id));
        commit_and_check_undo(&mut p, tx.unwrap());
        let place = Entry::new("place".into(), "Kaesong");
        let place_id = place.id;
        p.registry.insert(place.id, place);
        let err = add_filler(
            &p,
            doc,
            point,
            &"opposed_by".into(),
            Target::Entry(place_id),
        );
        assert!(matches!(err, Err(EventError::NotAllowed { .. })));
        let err = add_filler(
            &p,
            doc,
            point,
            &"opposed_by".into(),
            Target::Entry(EntryId::new()),
        );
        assert!(matches!(err, Err(EventError::NoEntry(_))));
        assert_eq!(errors(&p), Vec::<String>::new());
    }

    #[test]
    fn event_date_from_time_role_or_explicit() {
        let (mut p, doc) = fixture();
        let t = mention(&mut p, doc, "date", "1500 10 July");
        if let Body::Mention(m) = &mut p
            .documents
            .get_mut(&doc)
            .unwrap()
            .annotations
            .get_mut(&t)
            .unwrap()
            .body
        {
            m.date = Some(NormalizedDate::when("1951-07-10T15:00"));
        }
        let (tx, ev) = create_event(&p, doc, &"meeting".into(), None).unwrap();
        apply(&mut p, tx);
        assert_eq!(
            time_role(&p.schema, &"meeting".into()).unwrap().id.as_str(),
            "time"
        );
        assert_eq!(
            time_role(&p.schema, &"communication".into())
                .unwrap()
                .id
                .as_str(),
            "date"
        );
        let evd =
            |p: &Project| event_date(p, doc, p.annotation(doc, ev).unwrap().as_event().unwrap());
        assert_eq!(evd(&p), None);
        let tx = set_event_date(&p, doc, ev, Some(NormalizedDate::when("1951-07-10"))).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(evd(&p).unwrap().source, DateSource::Explicit);
        let tx = add_filler(&p, doc, ev, &"time".into(), Target::Annotation(t)).unwrap();
        apply(&mut p, tx);
        assert_eq!(
            evd(&p).unwrap(),
            EventDate {
                date: NormalizedDate::when("1951-07-10T15:00"),
                source: DateSource::Role {
                    role: "time".into(),
                    mention: t
                }
            }
        );
        let bad = set_event_date(&p, doc, ev, Some(NormalizedDate::when("1951-13")));
        assert!(matches!(bad, Err(EventError::Date(_))));
    }

    #[test]
    fn relations_with_constraints_and_attributes() {
        let (mut p, doc) = fixture();
        let li = mention(&mut p, doc, "person", "Li Kenong");
        let kaesong = mention(&mut p, doc, "place", "Kaesong");
        let cpv = Entry::new("organization".into(), "Chinese People's Volunteers");
        let cpv_id = cpv.id;
        p.registry.insert(cpv.id, cpv);
        let (tx, rel) = create_relation(
            &p,
            doc,
            &"member_of".into(),
            Target::Annotation(li),
            Target::Entry(cpv_id),
        )
        .unwrap();
        commit_and_check_undo(&mut p, tx);
        let err = create_relation(
            &p,
            doc,
            &"member_of".into(),
            Target::Annotation(li),
            Target::Annotation(kaesong),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the second argument of \"Member of\" cannot be filled by a Place; it takes Organization"
        );
        let err = create_relation(
            &p,
            doc,
            &"member_of".into(),
            Target::Annotation(li),
            Target::Annotation(li),
        );
        assert_eq!(err.unwrap_err(), EventError::SameArguments);
        let err = create_relation(
            &p,
            doc,
            &"member_of".into(),
            Target::Annotation(rel),
            Target::Entry(cpv_id),
        );
        assert_eq!(err.unwrap_err(), EventError::TargetIsRelation);
        // member_of reversed would put an organization... no: a person in "to".
        assert!(matches!(
            reverse_relation(&p, doc, rel),
            Err(EventError::NotAllowed { .. })
        ));
        // Attributes: checked against the schema.
        let tx = set_attribute(
            &p,
            doc,
            li,
            &"rank".into(),
            Some(AttrValue::Text("Vice-Minister".into())),
        );
        commit_and_check_undo(&mut p, tx.unwrap());
        let err = set_attribute(
            &p,
            doc,
            rel,
            &"rank".into(),
            Some(AttrValue::Text("x".into())),
        );
        assert!(matches!(
            err,
            Err(EventError::AttributeNotApplicable { .. })
        ));
        let err = set_attribute(
            &p,
            doc,
            li,
            &"cover_name".into(),
            Some(AttrValue::Text("x".into())),
        );
        assert!(matches!(err, Err(EventError::AttributeWrongKind { .. })));
        let err = set_attribute(&p, doc, li, &"nope".into(), Some(AttrValue::YesNo(true)));
        assert_eq!(
            err.unwrap_err(),
            EventError::UnknownAttribute("nope".into())
        );
        let (tx, point) = create_event(&p, doc, &"agenda_point".into(), None).unwrap();
        apply(&mut p, tx);
        let err = set_attribute(
            &p,
            doc,
            point,
            &"outcome".into(),
            Some(AttrValue::Choice("won".into())),
        );
        assert!(matches!(err, Err(EventError::AttributeWrongKind { .. })));
        let tx = set_attribute(
            &p,
            doc,
            point,
            &"outcome".into(),
            Some(AttrValue::Choice("opposed".into())),
        );
        commit_and_check_undo(&mut p, tx.unwrap());
        let tx = set_note(&p, doc, rel, "per the cable's header").unwrap();
        commit_and_check_undo(&mut p, tx);
        let tx = set_certainty(&p, doc, rel, Some(Certainty::Low)).unwrap();
        commit_and_check_undo(&mut p, tx);
        let tx = set_attribute(&p, doc, li, &"rank".into(), None).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert!(p.annotation(doc, li).unwrap().attributes.is_empty());
        assert_eq!(errors(&p), Vec::<String>::new());
    }

    #[test]
    fn frame_and_candidates() {
        let (mut p, doc) = fixture();
        let li = mention(&mut p, doc, "person", "Li Kenong");
        let mao = mention(&mut p, doc, "person", "Mao");
        let kaesong = mention(&mut p, doc, "place", "Kaesong");
        let kim = Entry::new("person".into(), "Kim Il Sung");
        let kim_id = kim.id;
        p.registry.insert(kim.id, kim);
        let trig = [span_of(&p, doc, "reported")];
        let (tx, comm) = create_event(&p, doc, &"communication".into(), Some(&trig)).unwrap();
        apply(&mut p, tx);
        let tx = add_filler(&p, doc, comm, &"sender".into(), Target::Annotation(li)).unwrap();
        apply(&mut p, tx);
        let f = event_frame(&p, doc, comm).unwrap();
        assert_eq!(f.type_label, "Communication");
        assert_eq!(f.trigger.as_deref(), Some("reported"));
        let sender = &f.roles[0];
        assert_eq!((sender.label.as_str(), sender.missing), ("Sender", false));
        assert_eq!(
            sender.fillers,
            vec![(Target::Annotation(li), "Li Kenong".to_owned())]
        );
        let recipient = &f.roles[1];
        assert!(recipient.missing && !recipient.full);
        assert_eq!(recipient.allowed, "Person or Organization");
        // Candidates: allowed types only, not already there, text order, then entries.
        let c = role_candidates(&p, doc, comm, &"recipient".into(), "").unwrap();
        let targets: Vec<Target> = c.iter().map(|c| c.target).collect();
        assert_eq!(
            targets,
            vec![
                Target::Annotation(li),
                Target::Annotation(mao),
                Target::Entry(kim_id)
            ]
        );
        let c = role_candidates(&p, doc, comm, &"sender".into(), "ma").unwrap();
        assert_eq!(
            c.iter().map(|c| c.target).collect::<Vec<_>>(),
            vec![Target::Annotation(mao)]
        );
        let c = role_candidates(&p, doc, comm, &"place".into(), "").unwrap();
        assert_eq!(
            c.iter().map(|c| c.target).collect::<Vec<_>>(),
            vec![Target::Annotation(kaesong)]
        );
        let c = role_candidates(&p, doc, comm, &"forwards".into(), "").unwrap();
        assert!(c.is_empty(), "an event never fills its own role: {c:?}");
        // Relation targets: "Head of" goes from a person to an organization or place.
        let c = relation_candidates(
            &p,
            doc,
            &"head_of".into(),
            Target::Annotation(li),
            false,
            "",
        )
        .unwrap();
        assert_eq!(
            c.iter().map(|c| c.target).collect::<Vec<_>>(),
            vec![Target::Annotation(kaesong)]
        );
        let c = relation_candidates(
            &p,
            doc,
            &"head_of".into(),
            Target::Annotation(kaesong),
            true,
            "",
        )
        .unwrap();
        assert_eq!(
            c.iter().map(|c| c.target).collect::<Vec<_>>(),
            vec![
                Target::Annotation(li),
                Target::Annotation(mao),
                Target::Entry(kim_id)
            ]
        );
    }

    #[test]
    fn deleting_removes_fillers_and_relations_pointing_at_it() {
        let (mut p, doc) = fixture();
        let li = mention(&mut p, doc, "person", "Li Kenong");
        let mao = mention(&mut p, doc, "person", "Mao");
        let (tx, comm) = create_event(&p, doc, &"communication".into(), None).unwrap();
        apply(&mut p, tx);
        let tx = add_filler(&p, doc, comm, &"sender".into(), Target::Annotation(li)).unwrap();
        apply(&mut p, tx);
        let tx = add_filler(&p, doc, comm, &"recipient".into(), Target::Annotation(mao)).unwrap();
        apply(&mut p, tx);
        let (tx, rel) = create_relation(
            &p,
            doc,
            &"subordinate_of".into(),
            Target::Annotation(li),
            Target::Annotation(mao),
        )
        .unwrap();
        apply(&mut p, tx);
        let tx = delete_annotation(&p, doc, li).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert!(p.annotation(doc, li).is_none());
        assert!(p.annotation(doc, rel).is_none());
        let e = p.annotation(doc, comm).unwrap().as_event().unwrap();
        assert!(!e.roles.contains_key(&Slug::new("sender")));
        assert_eq!(
            e.roles[&Slug::new("recipient")],
            vec![Target::Annotation(mao)]
        );
        // No dangling targets are left: only the now-missing sender is reported.
        assert_eq!(
            errors(&p),
            vec!["Communication is missing required role \"Sender\" (1..n)".to_owned()]
        );
    }
}
