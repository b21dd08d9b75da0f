//! What an inspector shows of events and relations: an event's frame (its roles with
//! their fillers and state), its date and where it comes from, and what could fill a role
//! or be a relation's argument. Reads only; nothing here builds an edit.

use crate::model::annotation::{Event, Target};
use crate::model::date::NormalizedDate;
use crate::model::ids::{AnnId, DocId, Slug};
use crate::model::ops::core;
use crate::model::ops::error::OpError;
use crate::model::ops::events::{allowed_list, event_of, role_of};
use crate::model::project::Project;
use crate::model::registry::fold;
use crate::model::schema::{RoleSlot, Schema};

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
pub fn event_frame(project: &Project, doc: DocId, event: AnnId) -> Result<EventFrame, OpError> {
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
) -> Result<Vec<Candidate>, OpError> {
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
) -> Result<Vec<Candidate>, OpError> {
    let ty = project
        .schema
        .relation(type_id)
        .ok_or_else(|| OpError::unknown_relation_type(type_id))?;
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
) -> Result<Vec<Candidate>, OpError> {
    let fits = |t: &Slug| allowed.is_empty() || allowed.contains(t);
    let q = fold(query.trim());
    let schema = &project.schema;
    let mut anns: Vec<Candidate> = core::document(project, doc)?
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
