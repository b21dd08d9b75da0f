//! The schema (tagset): entity, event and relation types, role slots and attributes.
//!
//! A schema is stored in each project and can be edited there. Types, roles and attributes
//! are named by [`Slug`]s that never change; their labels, colors and hotkeys may.
//! New projects start from the default schema for diplomatic and archival history in
//! `assets/schema/default.ron`.

use super::ids::Slug;
use serde::{Deserialize, Serialize};

/// The default schema shipped with Marginalia, as RON text.
pub const DEFAULT_SCHEMA_RON: &str = include_str!("../../assets/schema/default.ron");

/// A project's tagset.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    #[serde(default)]
    pub entity_types: Vec<EntityType>,
    #[serde(default)]
    pub event_types: Vec<EventType>,
    #[serde(default)]
    pub relation_types: Vec<RelationType>,
    #[serde(default)]
    pub attributes: Vec<AttributeDef>,
    /// Configuration files this schema was imported from, kept as the user wrote them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub origins: Vec<SchemaOrigin>,
}

/// A configuration file a schema was imported from (brat's `annotation.conf`), kept
/// verbatim so an export to the same format writes back what the user wrote — macros,
/// comments, type hierarchy, settings Marginalia has no place for. It describes the schema
/// only while [`Schema::fingerprint`] still equals `fingerprint` (the schema as that file
/// alone declared it); after any change to the types, exporters generate the file instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaOrigin {
    /// The interchange format id (`brat`).
    pub format: String,
    /// The file name in that format (`annotation.conf`).
    pub file: String,
    pub text: String,
    pub fingerprint: String,
}

/// A kind of named thing that mentions and registry entries have: Person, Place …
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntityType {
    pub id: Slug,
    pub label: String,
    /// `#rrggbb`.
    pub color: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotkey: Option<char>,
    /// Mentions of this type carry a normalized date (Date/Time).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dated: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// A kind of event with role slots: Meeting, Agenda point, Communication …
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventType {
    pub id: Slug,
    pub label: String,
    pub color: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotkey: Option<char>,
    #[serde(default)]
    pub roles: Vec<RoleSlot>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// A role an event has, with the types that may fill it and how many fillers it takes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoleSlot {
    pub id: Slug,
    pub label: String,
    /// Entity or event type ids allowed as fillers; empty allows any.
    #[serde(default)]
    pub fillers: Vec<Slug>,
    #[serde(default)]
    pub min: u32,
    /// `None`: no upper bound.
    #[serde(default)]
    pub max: Option<u32>,
}

/// A binary relation type with constraints on its arguments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelationType {
    pub id: Slug,
    pub label: String,
    pub color: String,
    /// Types allowed as the first argument; empty allows any.
    #[serde(default)]
    pub from: Vec<Slug>,
    /// Types allowed as the second argument; empty allows any.
    #[serde(default)]
    pub to: Vec<Slug>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub symmetric: bool,
    /// The key that starts a relation of this type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotkey: Option<char>,
}

/// A typed attribute that annotations of some types may carry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttributeDef {
    pub id: Slug,
    pub label: String,
    pub kind: AttrKind,
    /// Type ids this attribute attaches to; empty: every type.
    #[serde(default)]
    pub applies_to: Vec<Slug>,
}

/// The value kind of an attribute.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AttrKind {
    Choice(Vec<String>),
    Text,
    Number,
    YesNo,
    Date,
}

/// Which of the schema's lists a type id belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeKind {
    Entity,
    Event,
    Relation,
}

impl Schema {
    /// A hash of the types, roles and attributes (not of `origins`): equal fingerprints,
    /// equal tagsets.
    pub fn fingerprint(&self) -> String {
        let types = (
            &self.entity_types,
            &self.event_types,
            &self.relation_types,
            &self.attributes,
        );
        // Plain structs and vectors always serialize; an error would only give an empty
        // (never matching) hash input.
        let text = ron::to_string(&types).unwrap_or_default();
        blake3::hash(text.as_bytes()).to_hex()[..32].to_owned()
    }

    /// The kept text of `format`'s `file`, if it still describes this schema.
    pub fn origin(&self, format: &str, file: &str) -> Option<&str> {
        let fingerprint = self.fingerprint();
        self.origins
            .iter()
            .find(|o| o.format == format && o.file == file && o.fingerprint == fingerprint)
            .map(|o| o.text.as_str())
    }

    /// The default schema for diplomatic and archival history.
    pub fn default_diplomatic() -> Self {
        // The asset is compiled in and checked by a unit test, so this cannot fail at run time.
        #[allow(clippy::expect_used)]
        ron::from_str(DEFAULT_SCHEMA_RON).expect("assets/schema/default.ron is valid")
    }

    pub fn entity(&self, id: &Slug) -> Option<&EntityType> {
        self.entity_types.iter().find(|t| &t.id == id)
    }

    pub fn event(&self, id: &Slug) -> Option<&EventType> {
        self.event_types.iter().find(|t| &t.id == id)
    }

    pub fn relation(&self, id: &Slug) -> Option<&RelationType> {
        self.relation_types.iter().find(|t| &t.id == id)
    }

    pub fn attribute(&self, id: &Slug) -> Option<&AttributeDef> {
        self.attributes.iter().find(|a| &a.id == id)
    }

    /// Which list `id` is in, if any.
    pub fn kind_of(&self, id: &Slug) -> Option<TypeKind> {
        if self.entity(id).is_some() {
            Some(TypeKind::Entity)
        } else if self.event(id).is_some() {
            Some(TypeKind::Event)
        } else if self.relation(id).is_some() {
            Some(TypeKind::Relation)
        } else {
            None
        }
    }

    /// The human label for a type id, or the id itself when unknown.
    pub fn label<'a>(&'a self, id: &'a Slug) -> &'a str {
        self.entity(id)
            .map(|t| t.label.as_str())
            .or_else(|| self.event(id).map(|t| t.label.as_str()))
            .or_else(|| self.relation(id).map(|t| t.label.as_str()))
            .unwrap_or(id.as_str())
    }

    /// The `#rrggbb` color of a type id, if it has one.
    pub fn color(&self, id: &Slug) -> Option<&str> {
        self.entity(id)
            .map(|t| t.color.as_str())
            .or_else(|| self.event(id).map(|t| t.color.as_str()))
            .or_else(|| self.relation(id).map(|t| t.color.as_str()))
    }

    /// A slug derived from `label` that no type, role or attribute uses yet.
    pub fn fresh_slug(&self, label: &str) -> Slug {
        let base = Slug::from_label(label);
        let taken = |s: &Slug| self.kind_of(s).is_some() || self.attribute(s).is_some();
        if !taken(&base) {
            return base;
        }
        (2..)
            .map(|n| Slug(format!("{}_{n}", base.0)))
            .find(|s| !taken(s))
            .unwrap_or(base)
    }

    /// Attributes that apply to a type.
    pub fn attributes_for<'a>(
        &'a self,
        type_id: &'a Slug,
    ) -> impl Iterator<Item = &'a AttributeDef> {
        self.attributes
            .iter()
            .filter(move |a| a.applies_to.is_empty() || a.applies_to.contains(type_id))
    }

    /// Problems in the schema itself: duplicate ids or hotkeys, bad colors, unknown filler types.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        let all_ids = self
            .entity_types
            .iter()
            .map(|t| &t.id)
            .chain(self.event_types.iter().map(|t| &t.id))
            .chain(self.relation_types.iter().map(|t| &t.id));
        for id in all_ids {
            if !Slug::is_valid(id.as_str()) {
                out.push(format!("type id \"{id}\" is not a slug (a-z, 0-9, _)"));
            }
            if !seen.insert(id.clone()) {
                out.push(format!("type id \"{id}\" is defined twice"));
            }
        }
        let mut keys = std::collections::BTreeMap::new();
        let hotkeys = self
            .entity_types
            .iter()
            .map(|t| (t.hotkey, &t.id))
            .chain(self.event_types.iter().map(|t| (t.hotkey, &t.id)))
            .chain(self.relation_types.iter().map(|t| (t.hotkey, &t.id)));
        for (key, id) in hotkeys {
            if let Some(k) = key
                && let Some(other) = keys.insert(k.to_ascii_lowercase(), id)
            {
                out.push(format!(
                    "hotkey '{k}' is used by both \"{other}\" and \"{id}\""
                ));
            }
        }
        let colors = self
            .entity_types
            .iter()
            .map(|t| (&t.color, &t.id))
            .chain(self.event_types.iter().map(|t| (&t.color, &t.id)))
            .chain(self.relation_types.iter().map(|t| (&t.color, &t.id)));
        for (color, id) in colors {
            if parse_color(color).is_none() {
                out.push(format!("type \"{id}\" has color \"{color}\", not #rrggbb"));
            }
        }
        let known = |s: &Slug| self.entity(s).is_some() || self.event(s).is_some();
        for ev in &self.event_types {
            for role in &ev.roles {
                for f in role.fillers.iter().filter(|f| !known(f)) {
                    out.push(format!(
                        "role \"{}\" of event type \"{}\" allows unknown type \"{f}\"",
                        role.id, ev.id
                    ));
                }
                if role.max.is_some_and(|m| m < role.min) {
                    out.push(format!(
                        "role \"{}\" of event type \"{}\" has max below min",
                        role.id, ev.id
                    ));
                }
            }
        }
        for rel in &self.relation_types {
            for f in rel.from.iter().chain(&rel.to).filter(|f| !known(f)) {
                out.push(format!(
                    "relation type \"{}\" allows unknown type \"{f}\"",
                    rel.id
                ));
            }
        }
        out
    }
}

impl EventType {
    pub fn role(&self, id: &Slug) -> Option<&RoleSlot> {
        self.roles.iter().find(|r| &r.id == id)
    }
}

impl RoleSlot {
    /// The cardinality as text: `1`, `0..1`, `0..n`, `1..n`.
    pub fn cardinality(&self) -> String {
        match self.max {
            Some(max) if max == self.min => format!("{max}"),
            Some(max) => format!("{}..{max}", self.min),
            None => format!("{}..n", self.min),
        }
    }

    pub fn allows(&self, type_id: &Slug) -> bool {
        self.fillers.is_empty() || self.fillers.contains(type_id)
    }
}

/// Parses `#rrggbb` into RGB bytes.
pub fn parse_color(s: &str) -> Option<[u8; 3]> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_schema_is_valid() {
        let s = Schema::default_diplomatic();
        assert_eq!(s.problems(), Vec::<String>::new());
        for id in ["person", "organization", "place", "date", "docref", "stamp"] {
            assert!(s.entity(&Slug::new(id)).is_some(), "{id}");
        }
        let meeting = s.event(&Slug::new("meeting")).unwrap();
        assert_eq!(
            meeting
                .role(&Slug::new("participant"))
                .unwrap()
                .cardinality(),
            "0..n"
        );
        assert!(s.event(&Slug::new("agenda_point")).is_some());
        let comm = s.event(&Slug::new("communication")).unwrap();
        assert!(comm.role(&Slug::new("copy_to")).is_some());
        for rel in ["alias_of", "member_of", "represents", "subordinate_of"] {
            assert!(s.relation(&Slug::new(rel)).is_some(), "{rel}");
        }
    }

    #[test]
    fn problems_are_found() {
        let mut s = Schema::default_diplomatic();
        let mut dup = s.entity_types[0].clone();
        dup.color = "red".into();
        s.entity_types.push(dup);
        let p = s.problems();
        assert!(p.iter().any(|m| m.contains("defined twice")), "{p:?}");
        assert!(p.iter().any(|m| m.contains("hotkey")), "{p:?}");
        assert!(p.iter().any(|m| m.contains("not #rrggbb")), "{p:?}");
    }

    #[test]
    fn fresh_slugs_do_not_collide() {
        let s = Schema::default_diplomatic();
        assert_eq!(s.fresh_slug("Person").as_str(), "person_2");
        assert_eq!(s.fresh_slug("Ship").as_str(), "ship");
    }

    #[test]
    fn colors() {
        assert_eq!(parse_color("#ff8000"), Some([255, 128, 0]));
        assert_eq!(parse_color("ff8000"), None);
        assert_eq!(parse_color("#ff80"), None);
    }
}
