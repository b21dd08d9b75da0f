//! Events and relations: creating them, anchoring triggers, filling role slots under the
//! schema's constraints, dates; reversing relations.
//!
//! Every function reads the project and returns a [`Transaction`]; none changes it. What an
//! inspector shows of an event (its frame, role candidates, its date) is in
//! [`crate::model::query::events`], re-exported here.

use super::core::{self, update};
use super::error::OpError;
use crate::model::anchor::{Span, TextAnchor};
use crate::model::annotation::{Annotation, Body, Event, Relation, Target};
use crate::model::date::NormalizedDate;
use crate::model::edit::{Edit, Transaction};
use crate::model::ids::{AnnId, DocId, Slug};
use crate::model::project::Project;
use crate::model::schema::{EventType, RoleSlot, Schema, TypeKind};
use std::collections::BTreeMap;

pub use super::core::{delete_annotation, kind_name, set_attribute, set_certainty, set_note};
pub use crate::model::query::events::{
    Candidate, DateSource, EventDate, EventFrame, RoleView, event_date, event_frame,
    relation_candidates, role_candidates, time_role,
};

/// Former name of [`OpError`] for event and relation actions.
pub type EventError = OpError;

/// The event annotation `id` with its event body and schema type.
pub(crate) fn event_of(
    project: &Project,
    doc: DocId,
    id: AnnId,
) -> Result<(&Annotation, &Event, &EventType), OpError> {
    let ann = core::annotation(project, doc, id)?;
    let ev = ann.as_event().ok_or(OpError::not_an_event(id))?;
    let ty = project
        .schema
        .event(&ev.type_id)
        .ok_or_else(|| OpError::unknown_event_type(&ev.type_id))?;
    Ok((ann, ev, ty))
}

pub(crate) fn role_of<'t>(ty: &'t EventType, role: &Slug) -> Result<&'t RoleSlot, OpError> {
    ty.role(role).ok_or_else(|| OpError::UnknownRole {
        ty: ty.label.clone(),
        role: role.clone(),
    })
}

pub(crate) fn role_what(ty: &EventType, slot: &RoleSlot) -> String {
    format!("{} role \"{}\"", ty.label, slot.label)
}

pub(crate) fn allowed_list(schema: &Schema, allowed: &[Slug]) -> String {
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
) -> Result<&'p Slug, OpError> {
    match target {
        Target::Annotation(a) => {
            if Some(*a) == own {
                return Err(OpError::SelfReference);
            }
            let ann = core::annotation(project, doc, *a)?;
            if ann.as_relation().is_some() {
                return Err(OpError::TargetIsRelation);
            }
            Ok(ann.type_id())
        }
        Target::Entry(e) => project
            .registry
            .get(e)
            .map(|entry| &entry.type_id)
            .ok_or(OpError::NoEntry(*e)),
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
) -> Result<(), OpError> {
    let ty = checked_target_type(project, doc, own, target)?;
    if allowed.is_empty() || allowed.contains(ty) {
        return Ok(());
    }
    let kind = match project.schema.kind_of(ty) {
        Some(TypeKind::Event) => " event",
        _ => "",
    };
    Err(OpError::NotAllowed {
        what: what(),
        found: format!("{}{kind}", project.schema.label(ty)),
        allowed: allowed_list(&project.schema, allowed),
    })
}

fn anchor_in(project: &Project, doc: DocId, spans: &[Span]) -> Result<TextAnchor, OpError> {
    Ok(TextAnchor::new(core::text(project, doc)?, spans)?)
}

/// A new event of `type_id` in `doc`, anchored on the trigger `spans` or, with `None`, on
/// no text at all (an event the document only implies). Returns the new annotation's id.
pub fn create_event(
    project: &Project,
    doc: DocId,
    type_id: &Slug,
    trigger: Option<&[Span]>,
) -> Result<(Transaction, AnnId), OpError> {
    let ty = project
        .schema
        .event(type_id)
        .ok_or_else(|| OpError::unknown_event_type(type_id))?;
    core::document(project, doc)?;
    let trigger = trigger.map(|s| anchor_in(project, doc, s)).transpose()?;
    if let Some(t) = &trigger
        && let Some(same) = super::tagging::already_tagged(project, doc, &t.fragments, type_id)
    {
        return Err(OpError::AlreadyTagged {
            ann: same,
            quote: t.quote.exact.clone(),
            ty: ty.label.clone(),
        });
    }
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
) -> Result<Transaction, OpError> {
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

/// Adds `filler` at the end of the event's `role`, after checking the role exists, the
/// filler's type is one the role takes, the role is not full and does not hold it already.
pub fn add_filler(
    project: &Project,
    doc: DocId,
    event: AnnId,
    role: &Slug,
    filler: Target,
) -> Result<Transaction, OpError> {
    let (ann, ev, ty) = event_of(project, doc, event)?;
    let slot = role_of(ty, role)?;
    let what = || role_what(ty, slot);
    check_allowed(project, doc, Some(event), &filler, &slot.fillers, what)?;
    let current = ev.roles.get(role).map_or(&[][..], Vec::as_slice);
    if current.contains(&filler) {
        return Err(OpError::AlreadyFilled {
            what: what(),
            filler: project.target_label(doc, &filler),
        });
    }
    if slot.max.is_some_and(|max| current.len() >= max as usize) {
        return Err(OpError::RoleFull {
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
) -> Result<Transaction, OpError> {
    let (ann, ev, ty) = event_of(project, doc, event)?;
    let what = match ty.role(role) {
        Some(slot) => role_what(ty, slot),
        // A role the schema lost can still be emptied.
        None => format!("{} role \"{role}\"", ty.label),
    };
    if !ev.roles.get(role).is_some_and(|v| v.contains(filler)) {
        return Err(OpError::NotFilled {
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
) -> Result<Transaction, OpError> {
    let (ann, ev, ty) = event_of(project, doc, event)?;
    let slot = role_of(ty, role)?;
    let len = ev.roles.get(role).map_or(0, Vec::len);
    for index in [from, to] {
        if index >= len {
            return Err(OpError::BadPosition {
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
) -> Result<Transaction, OpError> {
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

/// A new relation of `type_id` from `from` to `to` (annotations in `doc` or registry
/// entries), after checking both arguments against the type's constraints.
pub fn create_relation(
    project: &Project,
    doc: DocId,
    type_id: &Slug,
    from: Target,
    to: Target,
) -> Result<(Transaction, AnnId), OpError> {
    let ty = project
        .schema
        .relation(type_id)
        .ok_or_else(|| OpError::unknown_relation_type(type_id))?;
    core::document(project, doc)?;
    if from == to {
        return Err(OpError::SameArguments);
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
) -> Result<Transaction, OpError> {
    let ann = core::annotation(project, doc, relation)?;
    let rel = ann.as_relation().ok_or(OpError::not_a_relation(relation))?;
    let ty = project
        .schema
        .relation(&rel.type_id)
        .ok_or_else(|| OpError::unknown_relation_type(&rel.type_id))?;
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::annotation::{AttrValue, Certainty, Mention};
    use crate::model::document::{DocStatus, Document, DocumentMeta};
    use crate::model::edit::History;
    use crate::model::ids::EntryId;
    use crate::model::registry::Entry;
    use crate::model::text::SourceText;
    use crate::model::validate::{Severity, validate};

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
        assert!(matches!(err, OpError::RoleFull { .. }), "{err}");
        // No duplicates, no unknown roles, no self-filling, no missing targets.
        let err = add_filler(&p, doc, ev, &"place".into(), Target::Annotation(kaesong));
        assert!(matches!(err, Err(OpError::AlreadyFilled { .. })));
        let err = add_filler(&p, doc, ev, &"sender".into(), Target::Annotation(nam));
        assert!(matches!(err, Err(OpError::UnknownRole { .. })));
        let err = add_filler(&p, doc, ev, &"agenda_point".into(), Target::Annotation(ev));
        assert_eq!(err.unwrap_err(), OpError::SelfReference);
        let ghost = AnnId::new();
        let err = add_filler(
            &p,
            doc,
            ev,
            &"participant".into(),
            Target::Annotation(ghost),
        );
        assert_eq!(err.unwrap_err(), OpError::NoAnnotation { doc, ann: ghost });
        let err = create_event(&p, doc, &"person".into(), None).unwrap_err();
        assert_eq!(err, OpError::unknown_event_type(&"person".into()));
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
            OpError::BadPosition {
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
        assert!(matches!(err, Err(OpError::NotAllowed { .. })));
        let err = add_filler(
            &p,
            doc,
            point,
            &"opposed_by".into(),
            Target::Entry(EntryId::new()),
        );
        assert!(matches!(err, Err(OpError::NoEntry(_))));
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
        assert!(matches!(bad, Err(OpError::Date(_))));
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
        assert_eq!(err.unwrap_err(), OpError::SameArguments);
        let err = create_relation(
            &p,
            doc,
            &"member_of".into(),
            Target::Annotation(rel),
            Target::Entry(cpv_id),
        );
        assert_eq!(err.unwrap_err(), OpError::TargetIsRelation);
        // member_of reversed would put an organization... no: a person in "to".
        assert!(matches!(
            reverse_relation(&p, doc, rel),
            Err(OpError::NotAllowed { .. })
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
        assert!(matches!(err, Err(OpError::AttributeNotApplicable { .. })));
        let err = set_attribute(
            &p,
            doc,
            li,
            &"cover_name".into(),
            Some(AttrValue::Text("x".into())),
        );
        assert!(matches!(err, Err(OpError::AttributeWrongKind { .. })));
        let err = set_attribute(&p, doc, li, &"nope".into(), Some(AttrValue::YesNo(true)));
        assert_eq!(err.unwrap_err(), OpError::UnknownAttribute("nope".into()));
        let (tx, point) = create_event(&p, doc, &"agenda_point".into(), None).unwrap();
        apply(&mut p, tx);
        let err = set_attribute(
            &p,
            doc,
            point,
            &"outcome".into(),
            Some(AttrValue::Choice("won".into())),
        );
        assert!(matches!(err, Err(OpError::AttributeWrongKind { .. })));
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
        // Candidates: allowed types only, not already there, nearest the trigger first, then entries.
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
        // Nearest to Kaesong first (Mao is nearer than Li Kenong), entries after.
        assert_eq!(
            c.iter().map(|c| c.target).collect::<Vec<_>>(),
            vec![
                Target::Annotation(mao),
                Target::Annotation(li),
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
