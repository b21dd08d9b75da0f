//! Editing the schema: adding, renaming, recoloring and setting the hotkey of entity, event
//! and relation types; role slots and attributes; deleting a type that is in use.
//!
//! Annotations name types, roles and attributes by slug, and slugs never change, so a
//! rename carries every annotation along. Any edit that changes constraints is checked
//! against every annotation and entry using what it changes (see
//! [`super::core::refuse_new_errors`]): it is refused if it would make one invalid.
//! Deleting something in use needs an explicit [`InUse`] policy, and [`type_usage`] says
//! beforehand everything a deletion would touch.

use super::core::{refuse_new_errors, rewrite};
use super::error::OpError;
use crate::model::annotation::{Annotation, Body};
use crate::model::edit::{Edit, Transaction};
use crate::model::ids::{AnnId, DocId, EntryId, Slug};
use crate::model::project::Project;
use crate::model::schema::{
    AttrKind, AttributeDef, EntityType, EventType, RelationType, RoleSlot, Schema, TypeKind,
    parse_color,
};
use std::collections::BTreeSet;

pub use crate::model::query::schema::{TypeUsage, type_usage};

/// What to do with the annotations that use something being deleted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InUse {
    /// Refuse to delete while anything uses it.
    Refuse,
    /// Move every use to this other type (or role, or attribute) first.
    RetypeTo(Slug),
    /// Delete the uses too: annotations and registry entries of a type, with everything
    /// pointing at them; the fillers of a role; the values of an attribute.
    DeleteAnnotations,
}

/// Former name of [`OpError`] for schema edits.
pub type SchemaError = OpError;

fn kind_name(kind: TypeKind) -> &'static str {
    match kind {
        TypeKind::Entity => "an entity type",
        TypeKind::Event => "an event type",
        TypeKind::Relation => "a relation type",
    }
}

fn kind_of(schema: &Schema, id: &Slug) -> Result<TypeKind, OpError> {
    schema.kind_of(id).ok_or_else(|| OpError::unknown_type(id))
}

/// The label, color and hotkey every type kind has.
struct Common<'a> {
    label: &'a mut String,
    color: &'a mut String,
    hotkey: &'a mut Option<char>,
}

fn common_mut<'a>(s: &'a mut Schema, id: &Slug) -> Option<Common<'a>> {
    if let Some(t) = s.entity_types.iter_mut().find(|t| &t.id == id) {
        return Some(Common {
            label: &mut t.label,
            color: &mut t.color,
            hotkey: &mut t.hotkey,
        });
    }
    if let Some(t) = s.event_types.iter_mut().find(|t| &t.id == id) {
        return Some(Common {
            label: &mut t.label,
            color: &mut t.color,
            hotkey: &mut t.hotkey,
        });
    }
    s.relation_types
        .iter_mut()
        .find(|t| &t.id == id)
        .map(|t| Common {
            label: &mut t.label,
            color: &mut t.color,
            hotkey: &mut t.hotkey,
        })
}

/// Every type as (id, label, hotkey).
fn all_types(s: &Schema) -> impl Iterator<Item = (&Slug, &str, Option<char>)> {
    s.entity_types
        .iter()
        .map(|t| (&t.id, t.label.as_str(), t.hotkey))
        .chain(
            s.event_types
                .iter()
                .map(|t| (&t.id, t.label.as_str(), t.hotkey)),
        )
        .chain(
            s.relation_types
                .iter()
                .map(|t| (&t.id, t.label.as_str(), t.hotkey)),
        )
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// A trimmed, non-empty type label no other type has.
fn type_label(s: &Schema, label: &str, except: Option<&Slug>) -> Result<String, OpError> {
    let label = label.trim();
    if label.is_empty() {
        return Err(OpError::EmptyName("a type"));
    }
    if let Some((id, other, _)) =
        all_types(s).find(|(id, l, _)| Some(*id) != except && same_name(l, label))
    {
        return Err(OpError::DuplicateLabel {
            label: label.to_owned(),
            other: format!("type \"{other}\" ({id})"),
        });
    }
    Ok(label.to_owned())
}

/// `#rrggbb`, lowercased.
fn color(c: &str) -> Result<String, OpError> {
    let c = c.trim().to_ascii_lowercase();
    parse_color(&c).ok_or_else(|| OpError::BadColor(c.clone()))?;
    Ok(c)
}

/// A lowercase letter or digit no other type uses (hotkeys are case-insensitive).
fn hotkey(s: &Schema, key: Option<char>, except: Option<&Slug>) -> Result<Option<char>, OpError> {
    let Some(k) = key else { return Ok(None) };
    if !k.is_ascii_alphanumeric() {
        return Err(OpError::BadHotkey(k));
    }
    let k = k.to_ascii_lowercase();
    if let Some((_, by, _)) = all_types(s)
        .find(|(id, _, h)| Some(*id) != except && h.map(|h| h.to_ascii_lowercase()) == Some(k))
    {
        return Err(OpError::HotkeyTaken {
            key: k,
            by: by.to_owned(),
        });
    }
    Ok(Some(k))
}

fn schema_edit(project: &Project, after: Schema) -> Edit {
    Edit::Schema {
        before: Box::new(project.schema.clone()),
        after: Box::new(after),
    }
}

/// A transaction with just the schema change, or empty when nothing changed.
fn schema_tx(project: &Project, label: String, after: Schema) -> Transaction {
    let mut tx = Transaction::new(label);
    if after != project.schema {
        tx.push(schema_edit(project, after));
    }
    tx
}

/// Refuses `tx` if it would give any annotation, entry or the schema new errors.
fn check_still_valid(project: &Project, tx: &Transaction) -> Result<(), OpError> {
    refuse_new_errors(project, tx)
}

/// Adds a new type of `kind` with a slug derived from `label`; returns the slug. A new
/// event type has no roles yet, a new relation type allows any arguments.
pub fn add_type(
    project: &Project,
    kind: TypeKind,
    label: &str,
    col: &str,
    key: Option<char>,
) -> Result<(Transaction, Slug), OpError> {
    let s = &project.schema;
    let label = type_label(s, label, None)?;
    let color = color(col)?;
    let hotkey = hotkey(s, key, None)?;
    let id = s.fresh_slug(&label);
    let mut after = s.clone();
    match kind {
        TypeKind::Entity => after.entity_types.push(EntityType {
            id: id.clone(),
            label: label.clone(),
            color,
            hotkey,
            dated: false,
            description: String::new(),
        }),
        TypeKind::Event => after.event_types.push(EventType {
            id: id.clone(),
            label: label.clone(),
            color,
            hotkey,
            roles: Vec::new(),
            description: String::new(),
        }),
        TypeKind::Relation => after.relation_types.push(RelationType {
            id: id.clone(),
            label: label.clone(),
            color,
            from: Vec::new(),
            to: Vec::new(),
            symmetric: false,
            hotkey,
        }),
    }
    Ok((schema_tx(project, format!("Add type {label}"), after), id))
}

/// Renames a type. Its slug stays, so every annotation of it carries the new name.
pub fn rename_type(project: &Project, id: &Slug, label: &str) -> Result<Transaction, OpError> {
    let label = type_label(&project.schema, label, Some(id))?;
    let mut after = project.schema.clone();
    let c = common_mut(&mut after, id).ok_or_else(|| OpError::unknown_type(id))?;
    let old = std::mem::replace(c.label, label.clone());
    Ok(schema_tx(
        project,
        format!("Rename {old} to {label}"),
        after,
    ))
}

/// Sets a type's `#rrggbb` color.
pub fn recolor_type(project: &Project, id: &Slug, col: &str) -> Result<Transaction, OpError> {
    let color = color(col)?;
    let mut after = project.schema.clone();
    let c = common_mut(&mut after, id).ok_or_else(|| OpError::unknown_type(id))?;
    *c.color = color;
    let label = format!("Recolor {}", c.label);
    Ok(schema_tx(project, label, after))
}

/// Sets or clears a type's hotkey; no two types share one.
pub fn set_hotkey(project: &Project, id: &Slug, key: Option<char>) -> Result<Transaction, OpError> {
    let key = hotkey(&project.schema, key, Some(id))?;
    let mut after = project.schema.clone();
    let c = common_mut(&mut after, id).ok_or_else(|| OpError::unknown_type(id))?;
    *c.hotkey = key;
    let label = format!("Set hotkey of {}", c.label);
    Ok(schema_tx(project, label, after))
}

/// Sets the description of entity or event type `id` (relation types have none): what the
/// type is for, shown in the legend and written to exports that keep it.
pub fn describe_type(project: &Project, id: &Slug, text: &str) -> Result<Transaction, OpError> {
    let mut after = project.schema.clone();
    let text = text.trim().to_owned();
    let label = if let Some(t) = after.entity_types.iter_mut().find(|t| &t.id == id) {
        t.description = text;
        t.label.clone()
    } else if let Some(t) = after.event_types.iter_mut().find(|t| &t.id == id) {
        t.description = text;
        t.label.clone()
    } else {
        return Err(OpError::UnknownType {
            id: id.clone(),
            kind: "an entity or event type",
        });
    };
    Ok(schema_tx(project, format!("Describe {label}"), after))
}

/// Whether mentions of entity type `id` carry a normalized date (the Date/Time type's
/// mentions do): the inspector shows them a date field. Dates already on mentions are kept.
pub fn set_dated(project: &Project, id: &Slug, dated: bool) -> Result<Transaction, OpError> {
    let mut after = project.schema.clone();
    let t = after
        .entity_types
        .iter_mut()
        .find(|t| &t.id == id)
        .ok_or_else(|| OpError::unknown_entity_type(id))?;
    t.dated = dated;
    let label = if dated {
        format!("Date mentions of {}", t.label)
    } else {
        format!("Stop dating mentions of {}", t.label)
    };
    Ok(schema_tx(project, label, after))
}

/// Whether relation type `id` reads the same both ways ("met with").
pub fn set_symmetric(
    project: &Project,
    id: &Slug,
    symmetric: bool,
) -> Result<Transaction, OpError> {
    let mut after = project.schema.clone();
    let t = after
        .relation_types
        .iter_mut()
        .find(|t| &t.id == id)
        .ok_or_else(|| OpError::unknown_relation_type(id))?;
    t.symmetric = symmetric;
    let label = format!(
        "{} {}",
        if symmetric {
            "Make symmetric:"
        } else {
            "Make directed:"
        },
        t.label
    );
    Ok(schema_tx(project, label, after))
}

/// A role slot's editable fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleDef {
    pub label: String,
    /// Entity or event type ids that may fill the role; empty allows any.
    pub fillers: Vec<Slug>,
    pub min: u32,
    pub max: Option<u32>,
}

fn check_role_def(
    s: &Schema,
    ty: &EventType,
    def: &RoleDef,
    except: Option<&Slug>,
) -> Result<String, OpError> {
    let label = def.label.trim();
    if label.is_empty() {
        return Err(OpError::EmptyName("a role"));
    }
    if let Some(other) = ty
        .roles
        .iter()
        .find(|r| Some(&r.id) != except && same_name(&r.label, label))
    {
        return Err(OpError::DuplicateLabel {
            label: label.to_owned(),
            other: format!("role \"{}\" of {}", other.label, ty.label),
        });
    }
    if let Some(bad) = def
        .fillers
        .iter()
        .find(|f| s.entity(f).is_none() && s.event(f).is_none())
    {
        return Err(OpError::UnknownFillerType(bad.clone()));
    }
    if let Some(max) = def.max
        && max < def.min
    {
        return Err(OpError::BadCardinality { min: def.min, max });
    }
    Ok(label.to_owned())
}

fn event_type_mut<'a>(s: &'a mut Schema, id: &Slug) -> Result<&'a mut EventType, OpError> {
    s.event_types
        .iter_mut()
        .find(|t| &t.id == id)
        .ok_or_else(|| OpError::unknown_type(id))
}

/// Adds a role slot to an event type; returns its slug. A required role (`min > 0`) is
/// refused while events of the type exist without it.
pub fn add_role(
    project: &Project,
    event_type: &Slug,
    def: &RoleDef,
) -> Result<(Transaction, Slug), OpError> {
    let s = &project.schema;
    let ty = s
        .event(event_type)
        .ok_or_else(|| OpError::unknown_type(event_type))?;
    let label = check_role_def(s, ty, def, None)?;
    let base = Slug::from_label(&label);
    let id = std::iter::once(base.clone())
        .chain((2..).map(|n| Slug(format!("{}_{n}", base.0))))
        .find(|c| ty.role(c).is_none())
        .unwrap_or(base);
    let mut after = s.clone();
    event_type_mut(&mut after, event_type)?
        .roles
        .push(RoleSlot {
            id: id.clone(),
            label: label.clone(),
            fillers: dedup(def.fillers.clone()),
            min: def.min,
            max: def.max,
        });
    let tx = schema_tx(project, format!("Add role {label} to {}", ty.label), after);
    check_still_valid(project, &tx)?;
    Ok((tx, id))
}

fn dedup(v: Vec<Slug>) -> Vec<Slug> {
    let mut seen = BTreeSet::new();
    v.into_iter().filter(|s| seen.insert(s.clone())).collect()
}

/// Changes a role slot's label, filler types and cardinality; refused if any existing event
/// would break the new constraints.
pub fn edit_role(
    project: &Project,
    event_type: &Slug,
    role: &Slug,
    def: &RoleDef,
) -> Result<Transaction, OpError> {
    let s = &project.schema;
    let ty = s
        .event(event_type)
        .ok_or_else(|| OpError::unknown_type(event_type))?;
    let old = ty.role(role).ok_or_else(|| OpError::UnknownRole {
        ty: ty.label.clone(),
        role: role.clone(),
    })?;
    let loosened = relaxes(&old.fillers, old.min, old.max, def);
    let label = check_role_def(s, ty, def, Some(role))?;
    let mut after = s.clone();
    if let Some(slot) = event_type_mut(&mut after, event_type)?
        .roles
        .iter_mut()
        .find(|r| &r.id == role)
    {
        slot.label = label.clone();
        slot.fillers = dedup(def.fillers.clone());
        slot.min = def.min;
        slot.max = def.max;
    }
    let tx = schema_tx(project, format!("Edit role {label} of {}", ty.label), after);
    // A role that allows at least what it allowed before cannot make an event invalid, so
    // only a tightening needs the check against every event of the type.
    if !loosened {
        check_still_valid(project, &tx)?;
    }
    Ok(tx)
}

/// Whether `def` allows every filling that a role with `fillers`, `min` and `max` allowed:
/// any type (no fillers) or a superset of the types, a minimum no higher and a maximum no
/// lower (`None`: unbounded).
fn relaxes(fillers: &[Slug], min: u32, max: Option<u32>, def: &RoleDef) -> bool {
    let types = def.fillers.is_empty()
        || (!fillers.is_empty() && fillers.iter().all(|f| def.fillers.contains(f)));
    let most = match (def.max, max) {
        (None, _) => true,
        (Some(new), Some(old)) => new >= old,
        (Some(_), None) => false,
    };
    types && def.min <= min && most
}

/// Events of `event_type` that fill `role`.
fn role_users(project: &Project, event_type: &Slug, role: &Slug) -> Vec<(DocId, AnnId)> {
    let mut out = Vec::new();
    for doc in project.documents.values() {
        for ann in doc.annotations.values() {
            if let Some(e) = ann.as_event()
                && &e.type_id == event_type
                && e.roles.contains_key(role)
            {
                out.push((doc.id(), ann.id));
            }
        }
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Removes a role slot. Events that fill it: `Refuse`; `RetypeTo(other_role)` moves their
/// fillers to another role of the same type (checked against its constraints);
/// `DeleteAnnotations` drops the fillers (the filling annotations themselves stay).
pub fn remove_role(
    project: &Project,
    event_type: &Slug,
    role: &Slug,
    policy: &InUse,
) -> Result<Transaction, OpError> {
    let s = &project.schema;
    let ty = s
        .event(event_type)
        .ok_or_else(|| OpError::unknown_type(event_type))?;
    let slot = ty.role(role).ok_or_else(|| OpError::UnknownRole {
        ty: ty.label.clone(),
        role: role.clone(),
    })?;
    let what = format!("role \"{}\" of {}", slot.label, ty.label);
    let users = role_users(project, event_type, role);
    let mut after = s.clone();
    event_type_mut(&mut after, event_type)?
        .roles
        .retain(|r| &r.id != role);
    let mut tx = Transaction::new(format!("Remove {what}"));
    tx.push(schema_edit(project, after));
    if users.is_empty() {
        return Ok(tx);
    }
    let target = match policy {
        InUse::Refuse => {
            return Err(OpError::InUse {
                what,
                uses: plural(users.len(), "event fills it", "events fill it"),
            });
        }
        InUse::RetypeTo(other) if other == role => return Err(OpError::RetypeToSelf { what }),
        InUse::RetypeTo(other) => Some(ty.role(other).ok_or_else(|| OpError::UnknownRole {
            ty: ty.label.clone(),
            role: other.clone(),
        })?),
        InUse::DeleteAnnotations => None,
    };
    for (doc, id) in users {
        let Some(ann) = project.annotation(doc, id) else {
            continue;
        };
        let mut changed = ann.clone();
        if let Body::Event(e) = &mut changed.body {
            let moved = e.roles.remove(role).unwrap_or_default();
            if let Some(t) = target {
                let dest = e.roles.entry(t.id.clone()).or_default();
                for f in moved {
                    if !dest.contains(&f) {
                        dest.push(f);
                    }
                }
            }
        }
        tx.push(Edit::update_annotation(doc, ann.clone(), changed));
    }
    check_still_valid(project, &tx)?;
    Ok(tx)
}

/// Sets the types a relation type's arguments may have (empty: any); refused if an
/// existing relation would break them.
pub fn set_relation_arguments(
    project: &Project,
    relation_type: &Slug,
    from: Vec<Slug>,
    to: Vec<Slug>,
) -> Result<Transaction, OpError> {
    let s = &project.schema;
    let rel = s
        .relation(relation_type)
        .ok_or_else(|| OpError::unknown_type(relation_type))?;
    if let Some(bad) = from
        .iter()
        .chain(&to)
        .find(|f| s.entity(f).is_none() && s.event(f).is_none())
    {
        return Err(OpError::UnknownFillerType(bad.clone()));
    }
    let mut after = s.clone();
    if let Some(r) = after
        .relation_types
        .iter_mut()
        .find(|r| &r.id == relation_type)
    {
        r.from = dedup(from);
        r.to = dedup(to);
    }
    let tx = schema_tx(project, format!("Edit arguments of {}", rel.label), after);
    check_still_valid(project, &tx)?;
    Ok(tx)
}

/// Adds an attribute definition; returns its slug.
pub fn add_attribute(
    project: &Project,
    label: &str,
    kind: AttrKind,
    applies_to: Vec<Slug>,
) -> Result<(Transaction, Slug), OpError> {
    let s = &project.schema;
    let label = attribute_label(s, label, None)?;
    check_kind(&kind)?;
    if let Some(bad) = applies_to.iter().find(|t| s.kind_of(t).is_none()) {
        return Err(OpError::unknown_type(bad));
    }
    let id = s.fresh_slug(&label);
    let mut after = s.clone();
    after.attributes.push(AttributeDef {
        id: id.clone(),
        label: label.clone(),
        kind,
        applies_to: dedup(applies_to),
    });
    Ok((
        schema_tx(project, format!("Add attribute {label}"), after),
        id,
    ))
}

fn check_kind(kind: &AttrKind) -> Result<(), OpError> {
    match kind {
        AttrKind::Choice(c) if c.iter().all(|c| c.trim().is_empty()) => Err(OpError::NoChoices),
        _ => Ok(()),
    }
}

fn attribute_label(s: &Schema, label: &str, except: Option<&Slug>) -> Result<String, OpError> {
    let label = label.trim();
    if label.is_empty() {
        return Err(OpError::EmptyName("an attribute"));
    }
    if let Some(other) = s
        .attributes
        .iter()
        .find(|a| Some(&a.id) != except && same_name(&a.label, label))
    {
        return Err(OpError::DuplicateLabel {
            label: label.to_owned(),
            other: format!("attribute \"{}\"", other.label),
        });
    }
    Ok(label.to_owned())
}

fn attribute_mut<'a>(s: &'a mut Schema, id: &Slug) -> Result<&'a mut AttributeDef, OpError> {
    s.attributes
        .iter_mut()
        .find(|a| &a.id == id)
        .ok_or_else(|| OpError::UnknownAttribute(id.clone()))
}

/// Renames an attribute; values keep their slug and so carry over.
pub fn rename_attribute(project: &Project, id: &Slug, label: &str) -> Result<Transaction, OpError> {
    let label = attribute_label(&project.schema, label, Some(id))?;
    let mut after = project.schema.clone();
    let a = attribute_mut(&mut after, id)?;
    let old = std::mem::replace(&mut a.label, label.clone());
    Ok(schema_tx(
        project,
        format!("Rename {old} to {label}"),
        after,
    ))
}

/// Changes the kind of an attribute (e.g. the options of a choice) and the types it applies
/// to; refused if an existing value would no longer fit.
pub fn edit_attribute(
    project: &Project,
    id: &Slug,
    kind: AttrKind,
    applies_to: Vec<Slug>,
) -> Result<Transaction, OpError> {
    check_kind(&kind)?;
    if let Some(bad) = applies_to
        .iter()
        .find(|t| project.schema.kind_of(t).is_none())
    {
        return Err(OpError::unknown_type(bad));
    }
    let mut after = project.schema.clone();
    let a = attribute_mut(&mut after, id)?;
    a.kind = kind;
    a.applies_to = dedup(applies_to);
    let label = format!("Edit attribute {}", a.label);
    let tx = schema_tx(project, label, after);
    check_still_valid(project, &tx)?;
    Ok(tx)
}

/// Removes an attribute definition. Annotations with a value: `Refuse`;
/// `RetypeTo(other)` moves each value to attribute `other` (checked); `DeleteAnnotations`
/// drops the values (the annotations stay).
pub fn remove_attribute(
    project: &Project,
    id: &Slug,
    policy: &InUse,
) -> Result<Transaction, OpError> {
    let mut after = project.schema.clone();
    let def = attribute_mut(&mut after, id)?.clone();
    after.attributes.retain(|a| &a.id != id);
    let what = format!("attribute \"{}\"", def.label);
    let users: Vec<(DocId, &Annotation)> = project
        .documents
        .values()
        .flat_map(|d| d.annotations.values().map(move |a| (d.id(), a)))
        .filter(|(_, a)| a.attributes.contains_key(id))
        .collect();
    let mut tx = Transaction::new(format!("Remove {what}"));
    tx.push(schema_edit(project, after));
    if users.is_empty() {
        return Ok(tx);
    }
    let target = match policy {
        InUse::Refuse => {
            return Err(OpError::InUse {
                what,
                uses: plural(
                    users.len(),
                    "annotation has a value",
                    "annotations have a value",
                ),
            });
        }
        InUse::RetypeTo(other) if other == id => return Err(OpError::RetypeToSelf { what }),
        InUse::RetypeTo(other) => Some(
            project
                .schema
                .attribute(other)
                .ok_or_else(|| OpError::UnknownAttribute(other.clone()))?,
        ),
        InUse::DeleteAnnotations => None,
    };
    for (doc, ann) in users {
        let mut changed = ann.clone();
        if let Some(v) = changed.attributes.remove(id)
            && let Some(t) = target
        {
            changed.attributes.insert(t.id.clone(), v);
        }
        tx.push(Edit::update_annotation(doc, ann.clone(), changed));
    }
    check_still_valid(project, &tx)?;
    Ok(tx)
}

/// Replaces `old` by `new` in a list of type ids, keeping order and dropping duplicates.
fn replace_in(v: &mut Vec<Slug>, old: &Slug, new: &Slug) {
    if v.contains(old) {
        let replaced: Vec<Slug> = v
            .iter()
            .map(|s| if s == old { new.clone() } else { s.clone() })
            .collect();
        *v = dedup(replaced);
    }
}

/// Deletes type `id` from the schema. What uses it is handled by `policy`:
///
/// - `Refuse`: fails with [`OpError::InUse`] if [`type_usage`] reports any use.
/// - `RetypeTo(other)`: every annotation and entry of the type becomes `other` (same kind),
///   and every role, relation type and attribute that named it names `other` instead;
///   refused if a retyped annotation would break `other`'s constraints.
/// - `DeleteAnnotations`: deletes the annotations and entries of the type and everything
///   pointing at them, and what goes with the type (see [`TypeUsage`]) with its data.
///
/// Role, relation and attribute lists that named the type among others just lose it.
pub fn delete_type(project: &Project, id: &Slug, policy: &InUse) -> Result<Transaction, OpError> {
    let usage = type_usage(project, id)?;
    let s = &project.schema;
    let what = format!("type \"{}\"", usage.label);
    let mut after = s.clone();
    after.entity_types.retain(|t| &t.id != id);
    after.event_types.retain(|t| &t.id != id);
    after.relation_types.retain(|t| &t.id != id);
    let mut tx = Transaction::new(format!("Delete {what}"));

    if let InUse::RetypeTo(new) = policy {
        if new == id {
            return Err(OpError::RetypeToSelf { what });
        }
        let new_kind = kind_of(s, new)?;
        if new_kind != usage.kind {
            return Err(OpError::RetypeKind {
                from: usage.label.clone(),
                to: s.label(new).to_owned(),
                from_kind: kind_name(usage.kind),
                to_kind: kind_name(new_kind),
            });
        }
        for t in &mut after.event_types {
            for r in &mut t.roles {
                replace_in(&mut r.fillers, id, new);
            }
        }
        for r in &mut after.relation_types {
            replace_in(&mut r.from, id, new);
            replace_in(&mut r.to, id, new);
        }
        for a in &mut after.attributes {
            replace_in(&mut a.applies_to, id, new);
        }
        tx.label = format!("Delete {what}, retyping its uses to {}", s.label(new));
        tx.push(schema_edit(project, after));
        tx.edits.extend(rewrite(
            project,
            BTreeSet::new(),
            &BTreeSet::new(),
            None,
            |a| a.type_id() == id,
            |_, a| {
                if a.type_id() == id {
                    a.set_type_id(new.clone());
                }
            },
        ));
        for e in usage.entries.iter().filter_map(|e| project.registry.get(e)) {
            let mut changed = e.clone();
            changed.type_id = new.clone();
            tx.push(Edit::update_entry(e.clone(), changed));
        }
        check_still_valid(project, &tx)?;
        return Ok(tx);
    }

    if *policy == InUse::Refuse && usage.in_use() {
        return Err(OpError::InUse {
            what,
            uses: usage.describe(s),
        });
    }
    for t in &mut after.event_types {
        t.roles
            .retain(|r| !usage.emptied_roles.contains(&(t.id.clone(), r.id.clone())));
        for r in &mut t.roles {
            r.fillers.retain(|f| f != id);
        }
    }
    after
        .relation_types
        .retain(|r| !usage.emptied_relation_types.contains(&r.id));
    for r in &mut after.relation_types {
        r.from.retain(|f| f != id);
        r.to.retain(|f| f != id);
    }
    after
        .attributes
        .retain(|a| !usage.emptied_attributes.contains(&a.id));
    for a in &mut after.attributes {
        a.applies_to.retain(|f| f != id);
    }
    tx.push(schema_edit(project, after));
    let mut doomed: BTreeSet<(DocId, AnnId)> = usage.annotations.iter().copied().collect();
    for (doc, ann) in &usage.dependent {
        if project.annotation(*doc, *ann).is_some_and(|a| {
            a.as_relation().is_some() && usage.emptied_relation_types.contains(a.type_id())
        }) {
            doomed.insert((*doc, *ann));
        }
    }
    let entries: BTreeSet<EntryId> = usage.entries.iter().copied().collect();
    let touches = |a: &Annotation| {
        usage
            .emptied_attributes
            .iter()
            .any(|x| a.attributes.contains_key(x))
            || a.as_event().is_some_and(|e| {
                usage
                    .emptied_roles
                    .iter()
                    .any(|(t, r)| *t == e.type_id && e.roles.contains_key(r))
            })
    };
    tx.edits
        .extend(rewrite(project, doomed, &entries, None, touches, |_, a| {
            for attr in &usage.emptied_attributes {
                a.attributes.remove(attr);
            }
            if let Body::Event(e) = &mut a.body {
                for (t, r) in &usage.emptied_roles {
                    if *t == e.type_id {
                        e.roles.remove(r);
                    }
                }
            }
        }));
    Ok(tx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::{AttrValue, Target};
    use crate::model::ops::events::tests::{
        apply, commit_and_check_undo, errors, fixture, mention,
    };
    use crate::model::ops::events::{add_filler, create_event, create_relation, set_attribute};
    use crate::model::registry::Entry;

    /// A meeting with two participants (one a registry entry), an agenda point on a topic,
    /// and a relation; returns the ids (nam, joy_entry, topic, meeting, point, relation).
    fn populated() -> (Project, DocId, [AnnId; 5], EntryId) {
        let (mut p, doc) = fixture();
        let nam = mention(&mut p, doc, "person", "Nam Il");
        let topic = mention(&mut p, doc, "topic", "reported");
        let joy = Entry::new("person".into(), "Joy, C. Turner");
        let joy_id = joy.id;
        p.registry.insert(joy.id, joy);
        let (tx, meeting) = create_event(&p, doc, &"meeting".into(), None).unwrap();
        apply(&mut p, tx);
        let (tx, point) = create_event(&p, doc, &"agenda_point".into(), None).unwrap();
        apply(&mut p, tx);
        for (ev, role, t) in [
            (meeting, "participant", Target::Annotation(nam)),
            (meeting, "participant", Target::Entry(joy_id)),
            (meeting, "agenda_point", Target::Annotation(point)),
            (point, "topic", Target::Annotation(topic)),
            (point, "proposed_by", Target::Annotation(nam)),
        ] {
            let tx = add_filler(&p, doc, ev, &role.into(), t).unwrap();
            apply(&mut p, tx);
        }
        let (tx, rel) = create_relation(
            &p,
            doc,
            &"subordinate_of".into(),
            Target::Annotation(nam),
            Target::Entry(joy_id),
        )
        .unwrap();
        apply(&mut p, tx);
        let tx = set_attribute(
            &p,
            doc,
            nam,
            &"rank".into(),
            Some(AttrValue::Text("General".into())),
        )
        .unwrap();
        apply(&mut p, tx);
        assert_eq!(errors(&p), Vec::<String>::new());
        (p, doc, [nam, topic, meeting, point, rel], joy_id)
    }

    #[test]
    fn add_rename_recolor_hotkey() {
        let (mut p, doc, [nam, ..], _) = populated();
        let (tx, ship) = add_type(&p, TypeKind::Entity, "Ship", "#112233", Some('X')).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(ship.as_str(), "ship");
        assert_eq!(p.schema.entity(&ship).unwrap().hotkey, Some('x'));
        let (tx, treaty) = add_type(&p, TypeKind::Event, "Treaty", "#445566", None).unwrap();
        commit_and_check_undo(&mut p, tx);
        let (tx, allied) =
            add_type(&p, TypeKind::Relation, "Allied with", "#778899", Some('w')).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert!(p.schema.event(&treaty).is_some() && p.schema.relation(&allied).is_some());
        // Uniqueness of names and hotkeys, across kinds and case.
        assert!(matches!(
            add_type(&p, TypeKind::Event, " person ", "#000000", None),
            Err(OpError::DuplicateLabel { .. })
        ));
        assert_eq!(
            set_hotkey(&p, &treaty, Some('P')).unwrap_err().to_string(),
            "hotkey 'p' is already used by \"Person\""
        );
        assert_eq!(
            set_hotkey(&p, &treaty, Some('!')).unwrap_err(),
            OpError::BadHotkey('!')
        );
        assert_eq!(
            rename_type(&p, &treaty, "Meeting").unwrap_err().to_string(),
            "\"Meeting\" is already the name of type \"Meeting\" (meeting)"
        );
        assert_eq!(
            recolor_type(&p, &ship, "red").unwrap_err(),
            OpError::BadColor("red".into())
        );
        assert_eq!(
            rename_type(&p, &"nope".into(), "X").unwrap_err(),
            OpError::unknown_type(&"nope".into())
        );
        // Renaming carries annotations along: they keep their slug and show the new name.
        let tx = rename_type(&p, &"person".into(), "Individual").unwrap();
        commit_and_check_undo(&mut p, tx);
        let a = p.annotation(doc, nam).unwrap();
        assert_eq!(p.schema.label(a.type_id()), "Individual");
        // Same name in another case is a rename of the type itself, allowed.
        let tx = rename_type(&p, &"person".into(), "INDIVIDUAL").unwrap();
        commit_and_check_undo(&mut p, tx);
        let tx = recolor_type(&p, &"meeting".into(), "#ABCDEF").unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(p.schema.color(&"meeting".into()), Some("#abcdef"));
        let tx = set_hotkey(&p, &"person".into(), None).unwrap();
        commit_and_check_undo(&mut p, tx);
        let tx = set_hotkey(&p, &allied, Some('p')).unwrap();
        commit_and_check_undo(&mut p, tx);
        // Unchanged values give empty transactions.
        assert!(
            recolor_type(&p, &"meeting".into(), "#abcdef")
                .unwrap()
                .is_empty()
        );
        assert_eq!(errors(&p), Vec::<String>::new());
        assert_eq!(p.schema.problems(), Vec::<String>::new());
    }

    #[test]
    fn descriptions_dated_and_symmetric_are_set_and_undone() {
        let (mut p, ..) = populated();
        let tx = describe_type(&p, &Slug::new("person"), "  A named individual.  ").unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(
            p.schema.entity(&Slug::new("person")).unwrap().description,
            "A named individual."
        );
        let tx = describe_type(&p, &Slug::new("meeting"), "A session.").unwrap();
        commit_and_check_undo(&mut p, tx);
        assert!(describe_type(&p, &Slug::new("member_of"), "x").is_err());
        let tx = set_dated(&p, &Slug::new("topic"), true).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert!(p.schema.entity(&Slug::new("topic")).unwrap().dated);
        assert!(set_dated(&p, &Slug::new("meeting"), true).is_err());
        let tx = set_symmetric(&p, &Slug::new("member_of"), true).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert!(
            p.schema
                .relation(&Slug::new("member_of"))
                .unwrap()
                .symmetric
        );
        assert!(
            set_symmetric(&p, &Slug::new("member_of"), true)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn roles_keep_existing_events_valid() {
        let (mut p, _doc, _, _) = populated();
        let def = RoleDef {
            label: "Interpreter".into(),
            fillers: vec!["person".into()],
            min: 0,
            max: None,
        };
        let (tx, role) = add_role(&p, &"meeting".into(), &def).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(role.as_str(), "interpreter");
        // Required role on a type with events lacking it: refused.
        let required = RoleDef {
            label: "Secretary".into(),
            min: 1,
            ..def.clone()
        };
        let err = add_role(&p, &"meeting".into(), &required).unwrap_err();
        assert!(
            matches!(&err, OpError::WouldInvalidate { count: 1, first } if first.contains("Secretary")),
            "{err}"
        );
        assert!(add_role(&p, &"communication".into(), &required).is_ok());
        // Duplicate role labels, unknown fillers, impossible cardinality.
        assert!(matches!(
            add_role(&p, &"meeting".into(), &def),
            Err(OpError::DuplicateLabel { .. })
        ));
        let bad = RoleDef {
            fillers: vec!["ghost".into()],
            label: "G".into(),
            ..def.clone()
        };
        assert_eq!(
            add_role(&p, &"meeting".into(), &bad).unwrap_err(),
            OpError::UnknownFillerType("ghost".into())
        );
        let bad = RoleDef {
            min: 2,
            max: Some(1),
            label: "G".into(),
            ..def.clone()
        };
        assert!(matches!(
            add_role(&p, &"meeting".into(), &bad),
            Err(OpError::BadCardinality { .. })
        ));
        // Narrowing participants to organizations would break the meeting.
        let narrow = RoleDef {
            label: "Participant".into(),
            fillers: vec!["organization".into()],
            min: 0,
            max: None,
        };
        let err = edit_role(&p, &"meeting".into(), &"participant".into(), &narrow).unwrap_err();
        assert!(matches!(err, OpError::WouldInvalidate { .. }), "{err}");
        let one = RoleDef {
            max: Some(1),
            fillers: vec!["person".into()],
            ..narrow.clone()
        };
        assert!(edit_role(&p, &"meeting".into(), &"participant".into(), &one).is_err());
        let renamed = RoleDef {
            label: "Attendee".into(),
            fillers: vec!["person".into(), "organization".into()],
            ..narrow
        };
        let tx = edit_role(&p, &"meeting".into(), &"participant".into(), &renamed).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(errors(&p), Vec::<String>::new());
        // Loosened to any type (not checked against the events), then narrowed again:
        // the narrowing is still checked, so it is refused.
        let any = RoleDef {
            fillers: Vec::new(),
            ..renamed.clone()
        };
        let tx = edit_role(&p, &"meeting".into(), &"participant".into(), &any).unwrap();
        commit_and_check_undo(&mut p, tx);
        let err = edit_role(
            &p,
            &"meeting".into(),
            &"participant".into(),
            &narrow_again(),
        )
        .unwrap_err();
        assert!(matches!(err, OpError::WouldInvalidate { .. }), "{err}");
        assert_eq!(errors(&p), Vec::<String>::new());
    }

    fn narrow_again() -> RoleDef {
        RoleDef {
            label: "Attendee".into(),
            fillers: vec!["organization".into()],
            min: 0,
            max: None,
        }
    }

    #[test]
    fn loosening_is_told_from_tightening() {
        let role = |fillers: &[&str], min, max| RoleDef {
            label: "R".into(),
            fillers: fillers.iter().map(|f| Slug::new(*f)).collect(),
            min,
            max,
        };
        let p = [Slug::new("person")];
        assert!(relaxes(
            &p,
            1,
            Some(2),
            &role(&["person", "organization"], 0, None)
        ));
        assert!(relaxes(&p, 1, Some(2), &role(&[], 1, Some(2))));
        assert!(
            !relaxes(&[], 0, None, &role(&["person"], 0, None)),
            "any → one type"
        );
        assert!(
            !relaxes(&p, 0, None, &role(&["person"], 1, None)),
            "higher minimum"
        );
        assert!(
            !relaxes(&p, 0, None, &role(&["person"], 0, Some(9))),
            "a maximum where none was"
        );
        assert!(
            !relaxes(&p, 0, Some(3), &role(&["person"], 0, Some(2))),
            "lower maximum"
        );
        assert!(
            !relaxes(&p, 0, None, &role(&["organization"], 0, None)),
            "other types"
        );
    }

    #[test]
    fn remove_role_each_policy() {
        let (mut p, doc, [nam, _, meeting, ..], joy) = populated();
        let participant = Slug::new("participant");
        let err = remove_role(&p, &"meeting".into(), &participant, &InUse::Refuse).unwrap_err();
        assert_eq!(
            err.to_string(),
            "role \"Participant\" of Meeting is in use (1 event fills it); retype or delete what uses it"
        );
        // Move to the chair role: it takes one person, and there are two fillers.
        let err = remove_role(
            &p,
            &"meeting".into(),
            &participant,
            &InUse::RetypeTo("chair".into()),
        );
        assert!(matches!(err, Err(OpError::WouldInvalidate { .. })));
        let def = RoleDef {
            label: "Attendee".into(),
            fillers: vec!["person".into()],
            min: 0,
            max: None,
        };
        let (tx, attendee) = add_role(&p, &"meeting".into(), &def).unwrap();
        apply(&mut p, tx);
        let tx = remove_role(
            &p,
            &"meeting".into(),
            &participant,
            &InUse::RetypeTo(attendee.clone()),
        )
        .unwrap();
        let mut q = p.clone();
        commit_and_check_undo(&mut q, tx);
        let ev = q.annotation(doc, meeting).unwrap().as_event().unwrap();
        assert_eq!(
            ev.roles[&attendee],
            vec![Target::Annotation(nam), Target::Entry(joy)]
        );
        assert!(!ev.roles.contains_key(&participant));
        assert_eq!(errors(&q), Vec::<String>::new());
        let tx = remove_role(
            &p,
            &"meeting".into(),
            &participant,
            &InUse::DeleteAnnotations,
        )
        .unwrap();
        commit_and_check_undo(&mut p, tx);
        let ev = p.annotation(doc, meeting).unwrap().as_event().unwrap();
        assert!(!ev.roles.contains_key(&participant));
        assert!(p.annotation(doc, nam).is_some(), "the filler itself stays");
        assert_eq!(errors(&p), Vec::<String>::new());
    }

    #[test]
    fn attributes_add_edit_remove() {
        let (mut p, doc, [nam, ..], _) = populated();
        let (tx, lang) = add_attribute(
            &p,
            "Language",
            AttrKind::Choice(vec!["ru".into(), "zh".into()]),
            vec!["person".into()],
        )
        .unwrap();
        commit_and_check_undo(&mut p, tx);
        let tx = set_attribute(&p, doc, nam, &lang, Some(AttrValue::Choice("ru".into()))).unwrap();
        apply(&mut p, tx);
        assert!(matches!(
            add_attribute(&p, "language", AttrKind::Text, vec![]),
            Err(OpError::DuplicateLabel { .. })
        ));
        assert_eq!(
            add_attribute(&p, "Empty", AttrKind::Choice(vec![]), vec![]).unwrap_err(),
            OpError::NoChoices
        );
        // Dropping a choice in use is refused; adding one is fine.
        let err = edit_attribute(
            &p,
            &lang,
            AttrKind::Choice(vec!["zh".into()]),
            vec!["person".into()],
        );
        assert!(matches!(err, Err(OpError::WouldInvalidate { .. })));
        let tx = edit_attribute(
            &p,
            &lang,
            AttrKind::Choice(vec!["ru".into(), "zh".into(), "ko".into()]),
            vec!["person".into()],
        )
        .unwrap();
        commit_and_check_undo(&mut p, tx);
        let tx = rename_attribute(&p, &lang, "Working language").unwrap();
        commit_and_check_undo(&mut p, tx);
        assert!(matches!(
            remove_attribute(&p, &lang, &InUse::Refuse),
            Err(OpError::InUse { .. })
        ));
        // Moving a choice value into a text attribute does not fit.
        assert!(remove_attribute(&p, &lang, &InUse::RetypeTo("rank".into())).is_err());
        let tx = remove_attribute(&p, &lang, &InUse::DeleteAnnotations).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert!(
            !p.annotation(doc, nam)
                .unwrap()
                .attributes
                .contains_key(&lang)
        );
        assert_eq!(
            p.annotation(doc, nam).unwrap().attributes.len(),
            1,
            "rank stays"
        );
        assert_eq!(errors(&p), Vec::<String>::new());
    }

    #[test]
    fn delete_unused_type() {
        let (mut p, _, _, _) = populated();
        let usage = type_usage(&p, &"stamp".into()).unwrap();
        assert!(!usage.in_use(), "{usage:?}");
        assert_eq!(usage.describe(&p.schema), "not used");
        let tx = delete_type(&p, &"stamp".into(), &InUse::Refuse).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert!(p.schema.entity(&"stamp".into()).is_none());
        assert_eq!(errors(&p), Vec::<String>::new());
    }

    #[test]
    fn delete_type_in_use_refused() {
        let (p, _, _, _) = populated();
        let err = delete_type(&p, &"person".into(), &InUse::Refuse).unwrap_err();
        assert!(matches!(err, OpError::InUse { .. }));
        assert!(
            err.to_string().contains("1 annotation; 1 registry entry"),
            "{err}"
        );
        // Topic is in use, and alone fills the agenda point's topic role.
        let usage = type_usage(&p, &"topic".into()).unwrap();
        assert_eq!(
            usage.emptied_roles,
            vec![
                (Slug::new("meeting"), Slug::new("topic")),
                (Slug::new("agenda_point"), Slug::new("topic"))
            ]
        );
        assert_eq!(usage.dependent.len(), 1);
    }

    #[test]
    fn delete_type_retyping() {
        let (mut p, doc, [nam, _, meeting, _, rel], joy) = populated();
        // Different kinds do not mix.
        let err =
            delete_type(&p, &"person".into(), &InUse::RetypeTo("meeting".into())).unwrap_err();
        assert!(matches!(err, OpError::RetypeKind { .. }), "{err}");
        assert!(matches!(
            delete_type(&p, &"person".into(), &InUse::RetypeTo("person".into())),
            Err(OpError::RetypeToSelf { .. })
        ));
        // Person → Organization: mentions, entries, roles, relations, attributes follow.
        let tx = delete_type(
            &p,
            &"person".into(),
            &InUse::RetypeTo("organization".into()),
        )
        .unwrap();
        commit_and_check_undo(&mut p, tx);
        assert!(p.schema.entity(&"person".into()).is_none());
        assert_eq!(
            p.annotation(doc, nam).unwrap().type_id().as_str(),
            "organization"
        );
        assert_eq!(p.registry[&joy].type_id.as_str(), "organization");
        assert_eq!(
            p.schema.attribute(&"rank".into()).unwrap().applies_to,
            vec![Slug::new("organization")]
        );
        assert_eq!(
            p.schema
                .event(&"meeting".into())
                .unwrap()
                .role(&"chair".into())
                .unwrap()
                .fillers,
            vec![Slug::new("organization")]
        );
        assert!(p.annotation(doc, meeting).is_some() && p.annotation(doc, rel).is_some());
        assert_eq!(errors(&p), Vec::<String>::new());
        // Retyping events whose roles the new type lacks is refused.
        let err = delete_type(
            &p,
            &"meeting".into(),
            &InUse::RetypeTo("communication".into()),
        );
        assert!(
            matches!(err, Err(OpError::WouldInvalidate { .. })),
            "{err:?}"
        );
    }

    #[test]
    fn delete_type_with_annotations() {
        let (mut p, doc, [nam, topic, meeting, point, rel], joy) = populated();
        let tx = delete_type(&p, &"person".into(), &InUse::DeleteAnnotations).unwrap();
        let mut q = p.clone();
        commit_and_check_undo(&mut q, tx);
        assert!(q.annotation(doc, nam).is_none());
        assert!(!q.registry.contains_key(&joy));
        assert!(
            q.annotation(doc, rel).is_none(),
            "relation to deleted mention and entry"
        );
        let ev = q.annotation(doc, meeting).unwrap().as_event().unwrap();
        assert!(!ev.roles.contains_key(&Slug::new("participant")));
        // Rank applied only to persons: it went with them. Chair took only persons: gone too.
        assert!(q.schema.attribute(&"rank".into()).is_none());
        assert!(
            q.schema
                .event(&"meeting".into())
                .unwrap()
                .role(&"chair".into())
                .is_none()
        );
        assert_eq!(
            q.schema
                .event(&"meeting".into())
                .unwrap()
                .role(&"participant".into())
                .unwrap()
                .fillers,
            vec![Slug::new("organization")]
        );
        assert!(q.schema.relation(&"head_of".into()).is_none());
        assert_eq!(errors(&q), Vec::<String>::new());
        assert_eq!(q.schema.problems(), Vec::<String>::new());
        // Topic: the topic mention and the agenda point's topic role go; the point stays.
        let tx = delete_type(&p, &"topic".into(), &InUse::DeleteAnnotations).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert!(p.annotation(doc, topic).is_none());
        let pt = p.annotation(doc, point).unwrap().as_event().unwrap();
        assert!(!pt.roles.contains_key(&Slug::new("topic")));
        assert!(
            p.schema
                .event(&"agenda_point".into())
                .unwrap()
                .role(&"topic".into())
                .is_none()
        );
        // Agenda point events: the meeting loses the filler and its agenda point role.
        let tx = delete_type(&p, &"agenda_point".into(), &InUse::DeleteAnnotations).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert!(p.annotation(doc, point).is_none());
        let ev = p.annotation(doc, meeting).unwrap().as_event().unwrap();
        assert!(!ev.roles.contains_key(&Slug::new("agenda_point")));
        assert!(p.schema.attribute(&"outcome".into()).is_none());
        assert_eq!(errors(&p), Vec::<String>::new());
    }

    #[test]
    fn delete_relation_type_each_policy() {
        let (mut p, doc, [.., rel], _) = populated();
        let sub = Slug::new("subordinate_of");
        let usage = type_usage(&p, &sub).unwrap();
        assert_eq!(usage.annotations, vec![(doc, rel)]);
        assert!(matches!(
            delete_type(&p, &sub, &InUse::Refuse),
            Err(OpError::InUse { .. })
        ));
        // Head of takes a person to an organization or place: Joy is a person.
        assert!(matches!(
            delete_type(&p, &sub, &InUse::RetypeTo("head_of".into())),
            Err(OpError::WouldInvalidate { .. })
        ));
        let tx = delete_type(&p, &sub, &InUse::RetypeTo("sent_copy_to".into())).unwrap();
        let mut q = p.clone();
        commit_and_check_undo(&mut q, tx);
        assert_eq!(
            q.annotation(doc, rel).unwrap().type_id().as_str(),
            "sent_copy_to"
        );
        assert!(q.schema.relation(&sub).is_none());
        let tx = delete_type(&p, &sub, &InUse::DeleteAnnotations).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert!(p.annotation(doc, rel).is_none());
        assert_eq!(errors(&p), Vec::<String>::new());
    }
}
