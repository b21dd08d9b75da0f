//! Annotations: mentions, events and relations, with their shared attributes.

use super::anchor::TextAnchor;
use super::date::NormalizedDate;
use super::ids::{AnnId, EntryId, Slug};
use super::stamp::Stamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One annotation. Its `id` is stable for its whole life and unique in the project.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Annotation {
    pub id: AnnId,
    pub body: Body,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<Slug, AttrValue>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// How sure the annotator is (TEI `@cert`); `None`: not stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert: Option<Certainty>,
    /// Who is responsible for the annotation as an import named them (TEI `@resp`, W3C
    /// `creator`); empty for annotations made here, whose maker is `created.by` (see
    /// [`Annotation::annotator`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resp: String,
    /// Set when re-anchoring after a source change could not place this annotation with
    /// certainty; its anchor keeps the old offsets and quote until someone reviews it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reanchor: Option<super::reanchor::AnchorReview>,
    /// The place on a page image this annotation marks (a region mention).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<super::region::PageRegion>,
    /// Who created the annotation, and when; `None` in files from before stamps and for
    /// annotations made without an annotator name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Stamp>,
    /// Who changed it last, and when (equal to `created` until someone changes it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<Stamp>,
    /// The annotator whose independent layer this annotation is in; `None`: the shared
    /// layer, the project's annotations (see `model::layers`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<String>,
    /// For an annotation a curator adjudicated: the annotators whose versions it was taken
    /// from, sorted (see `model::curation`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjudicated_from: Vec<String>,
}

/// What an annotation is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Body {
    Mention(Mention),
    Event(Event),
    Relation(Relation),
}

/// A span of text naming something of an entity type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    #[serde(rename = "type")]
    pub type_id: Slug,
    pub anchor: TextAnchor,
    /// The registry entry this mention refers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<EntryId>,
    /// The normalized value of a date or time mention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NormalizedDate>,
}

/// Something that happened, with role slots filled by mentions, events or registry entries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    #[serde(rename = "type")]
    pub type_id: Slug,
    /// The words that express the event, if any ("The meeting resumed at 1500").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<TextAnchor>,
    /// Role id → fillers, in the order they were added.
    #[serde(default)]
    pub roles: BTreeMap<Slug, Vec<Target>>,
    /// An explicit normalized date, when the time role does not give one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NormalizedDate>,
}

/// A typed, directed link between two annotations or registry entries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Relation {
    #[serde(rename = "type")]
    pub type_id: Slug,
    pub from: Target,
    pub to: Target,
}

/// What a role or relation argument points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Target {
    /// A mention or event in the same document.
    Annotation(AnnId),
    /// A registry entry, when the text only implies it.
    Entry(EntryId),
}

/// An annotator's confidence, as TEI `@cert`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Certainty {
    High,
    Medium,
    Low,
    Unknown,
}

impl Certainty {
    pub const ALL: [Certainty; 4] = [Self::High, Self::Medium, Self::Low, Self::Unknown];

    /// The TEI `@cert` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
            Self::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// The value of a typed attribute. A `Number` should be finite (operations refuse others,
/// validation reports them); equality compares numbers bit for bit, so every value, even a
/// `NaN` read from a damaged file, equals itself and an edit holding it can still apply.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum AttrValue {
    Choice(String),
    Text(String),
    Number(f64),
    YesNo(bool),
    Date(NormalizedDate),
}

impl PartialEq for AttrValue {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Choice(a), Self::Choice(b)) | (Self::Text(a), Self::Text(b)) => a == b,
            (Self::Number(a), Self::Number(b)) => a.to_bits() == b.to_bits(),
            (Self::YesNo(a), Self::YesNo(b)) => a == b,
            (Self::Date(a), Self::Date(b)) => a == b,
            _ => false,
        }
    }
}

impl std::fmt::Display for AttrValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Choice(s) | Self::Text(s) => f.write_str(s),
            Self::Number(n) => write!(f, "{n}"),
            Self::YesNo(b) => f.write_str(if *b { "yes" } else { "no" }),
            Self::Date(d) => write!(f, "{d}"),
        }
    }
}

impl Annotation {
    /// A fresh annotation with a new id and no attributes, note, certainty or annotator.
    pub fn new(body: Body) -> Self {
        Self {
            id: AnnId::new(),
            body,
            attributes: BTreeMap::new(),
            note: String::new(),
            cert: None,
            resp: String::new(),
            reanchor: None,
            region: None,
            created: None,
            modified: None,
            layer: None,
            adjudicated_from: Vec::new(),
        }
    }

    /// Who made the annotation: the name an import gave ([`Annotation::resp`]), else the
    /// creator's stamp; empty when unknown.
    pub fn annotator(&self) -> &str {
        if self.resp.is_empty() {
            self.created.as_ref().map_or("", |s| s.by.as_str())
        } else {
            &self.resp
        }
    }

    /// For an adjudicated annotation (one with [`Annotation::adjudicated_from`]): the curator,
    /// whom the session stamped as the one who changed it last when it was accepted.
    pub fn adjudicator(&self) -> Option<&str> {
        if self.adjudicated_from.is_empty() {
            return None;
        }
        self.modified
            .as_ref()
            .map(|m| m.by.as_str())
            .filter(|n| !n.is_empty())
    }

    /// Whether `name` made this annotation or changed it last.
    pub fn touched_by(&self, name: &str) -> bool {
        self.annotator() == name || self.modified.as_ref().is_some_and(|m| m.by == name)
    }

    /// The schema type of the mention, event or relation.
    pub fn type_id(&self) -> &Slug {
        match &self.body {
            Body::Mention(m) => &m.type_id,
            Body::Event(e) => &e.type_id,
            Body::Relation(r) => &r.type_id,
        }
    }

    pub fn set_type_id(&mut self, id: Slug) {
        match &mut self.body {
            Body::Mention(m) => m.type_id = id,
            Body::Event(e) => e.type_id = id,
            Body::Relation(r) => r.type_id = id,
        }
    }

    /// The text anchor: a mention's span or an event's trigger.
    pub fn anchor(&self) -> Option<&TextAnchor> {
        match &self.body {
            Body::Mention(m) => Some(&m.anchor),
            Body::Event(e) => e.trigger.as_ref(),
            Body::Relation(_) => None,
        }
    }

    pub fn anchor_mut(&mut self) -> Option<&mut TextAnchor> {
        match &mut self.body {
            Body::Mention(m) => Some(&mut m.anchor),
            Body::Event(e) => e.trigger.as_mut(),
            Body::Relation(_) => None,
        }
    }

    pub fn as_mention(&self) -> Option<&Mention> {
        match &self.body {
            Body::Mention(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_event(&self) -> Option<&Event> {
        match &self.body {
            Body::Event(e) => Some(e),
            _ => None,
        }
    }

    pub fn as_relation(&self) -> Option<&Relation> {
        match &self.body {
            Body::Relation(r) => Some(r),
            _ => None,
        }
    }

    /// Whether this annotation points at something `hit` accepts (a mention at its entry,
    /// an event at its role fillers, a relation at its arguments), without allocating.
    pub fn points_at(&self, mut hit: impl FnMut(&Target) -> bool) -> bool {
        match &self.body {
            Body::Mention(m) => m.entry.is_some_and(|e| hit(&Target::Entry(e))),
            Body::Event(e) => e.roles.values().flatten().any(hit),
            Body::Relation(r) => hit(&r.from) || hit(&r.to),
        }
    }

    /// Every annotation or entry this one points at.
    pub fn targets(&self) -> Vec<Target> {
        match &self.body {
            Body::Mention(m) => m.entry.map(Target::Entry).into_iter().collect(),
            Body::Event(e) => e.roles.values().flatten().copied().collect(),
            Body::Relation(r) => vec![r.from, r.to],
        }
    }
}
