//! What uses a schema type, so the schema editor can say what deleting it would touch.
//! Reads only.

use crate::model::ids::{AnnId, DocId, EntryId, Slug};
use crate::model::ops::error::OpError;
use crate::model::project::Project;
use crate::model::schema::{Schema, TypeKind};

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Everything that uses a type, so the user can decide what deleting it should do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeUsage {
    pub kind: TypeKind,
    pub label: String,
    /// Mentions, events or relations of the type.
    pub annotations: Vec<(DocId, AnnId)>,
    /// Registry entries of the (entity) type.
    pub entries: Vec<EntryId>,
    /// Role slots of other event types that only this type may fill, as (event type, role):
    /// they go with it.
    pub emptied_roles: Vec<(Slug, Slug)>,
    /// Relation types whose first or second argument only this type may be: they go with it.
    pub emptied_relation_types: Vec<Slug>,
    /// Attributes that apply only to this type: they go with it.
    pub emptied_attributes: Vec<Slug>,
    /// Other annotations holding a filler, relation or value in what goes with the type.
    pub dependent: Vec<(DocId, AnnId)>,
}

impl TypeUsage {
    /// Whether deleting the type would delete or change any annotation or entry.
    pub fn in_use(&self) -> bool {
        !self.annotations.is_empty() || !self.entries.is_empty() || !self.dependent.is_empty()
    }

    /// "3 annotations, 1 registry entry, 2 other annotations through role Topic of …".
    pub fn describe(&self, schema: &Schema) -> String {
        let mut parts = Vec::new();
        if !self.annotations.is_empty() {
            parts.push(plural(self.annotations.len(), "annotation", "annotations"));
        }
        if !self.entries.is_empty() {
            parts.push(plural(
                self.entries.len(),
                "registry entry",
                "registry entries",
            ));
        }
        let mut gone: Vec<String> = self
            .emptied_roles
            .iter()
            .map(|(t, r)| {
                let role = schema
                    .event(t)
                    .and_then(|e| e.role(r))
                    .map_or(r.as_str(), |r| r.label.as_str());
                format!("role {role} of {}", schema.label(t))
            })
            .collect();
        gone.extend(
            self.emptied_relation_types
                .iter()
                .map(|r| format!("relation type {}", schema.label(r))),
        );
        gone.extend(self.emptied_attributes.iter().map(|a| {
            format!(
                "attribute {}",
                schema.attribute(a).map_or(a.as_str(), |d| d.label.as_str())
            )
        }));
        if !gone.is_empty() {
            parts.push(format!("it alone fills {}", gone.join(", ")));
        }
        if !self.dependent.is_empty() {
            parts.push(plural(
                self.dependent.len(),
                "other annotation uses those",
                "other annotations use those",
            ));
        }
        if parts.is_empty() {
            "not used".into()
        } else {
            parts.join("; ")
        }
    }
}

/// What uses the type `id`.
pub fn type_usage(project: &Project, id: &Slug) -> Result<TypeUsage, OpError> {
    let s = &project.schema;
    let kind = s.kind_of(id).ok_or_else(|| OpError::unknown_type(id))?;
    let only = |v: &[Slug]| v.len() == 1 && v[0] == *id;
    let emptied_roles: Vec<(Slug, Slug)> = s
        .event_types
        .iter()
        .filter(|t| &t.id != id)
        .flat_map(|t| {
            t.roles
                .iter()
                .filter(|r| only(&r.fillers))
                .map(|r| (t.id.clone(), r.id.clone()))
        })
        .collect();
    let emptied_relation_types: Vec<Slug> = s
        .relation_types
        .iter()
        .filter(|r| &r.id != id && (only(&r.from) || only(&r.to)))
        .map(|r| r.id.clone())
        .collect();
    let emptied_attributes: Vec<Slug> = s
        .attributes
        .iter()
        .filter(|a| only(&a.applies_to))
        .map(|a| a.id.clone())
        .collect();
    let mut annotations = Vec::new();
    let mut dependent = Vec::new();
    for doc in project.documents.values() {
        for ann in doc.annotations.values() {
            let key = (doc.id(), ann.id);
            if ann.type_id() == id {
                annotations.push(key);
                continue;
            }
            let in_emptied_role = ann.as_event().is_some_and(|e| {
                emptied_roles
                    .iter()
                    .any(|(t, r)| *t == e.type_id && e.roles.contains_key(r))
            });
            let of_emptied_relation =
                ann.as_relation().is_some() && emptied_relation_types.contains(ann.type_id());
            let has_emptied_attr = emptied_attributes
                .iter()
                .any(|a| ann.attributes.contains_key(a));
            if in_emptied_role || of_emptied_relation || has_emptied_attr {
                dependent.push(key);
            }
        }
    }
    let entries = project
        .registry
        .values()
        .filter(|e| &e.type_id == id)
        .map(|e| e.id)
        .collect();
    Ok(TypeUsage {
        kind,
        label: s.label(id).to_owned(),
        annotations,
        entries,
        emptied_roles,
        emptied_relation_types,
        emptied_attributes,
        dependent,
    })
}
