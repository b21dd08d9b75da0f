//! One error vocabulary for every operation: why a user action cannot be built.
//!
//! Each variant names what was missing or refused, with the ids and labels needed to say so
//! (a document, an annotation *in* a document, an entry, a type); errors from the layers
//! below (anchors, dates) are carried, not flattened.

use crate::model::anchor::AnchorError;
use crate::model::date::DateError;
use crate::model::ids::{AnnId, DocId, EntryId, Slug};
use thiserror::Error;

/// Why an operation is not allowed.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum OpError {
    // --- Something the operation names is not there.
    #[error("document {0} is not in the project")]
    NoDocument(DocId),
    #[error("document \"{title}\" has no text")]
    NoText { doc: DocId, title: String },
    #[error("annotation {ann} is not in document {doc}")]
    NoAnnotation { doc: DocId, ann: AnnId },
    #[error("registry entry {0} does not exist")]
    NoEntry(EntryId),
    /// `kind` is "a type", "an entity type", "an event type" or "a relation type".
    #[error("\"{id}\" is not {kind} in the schema")]
    UnknownType { id: Slug, kind: &'static str },
    #[error("\"{0}\" is not an entity or event type, so nothing can be restricted to it")]
    UnknownFillerType(Slug),
    #[error("{ty} has no role \"{role}\"")]
    UnknownRole { ty: String, role: Slug },
    #[error("\"{0}\" is not an attribute in the schema")]
    UnknownAttribute(Slug),
    /// `kind` is "a mention", "an event" or "a relation".
    #[error("annotation {ann} is not {kind}")]
    WrongAnnotation { ann: AnnId, kind: &'static str },
    #[error("\"{entry}\" has no {what} number {index}")]
    NoItem {
        entry: String,
        what: &'static str,
        index: usize,
    },

    // --- Input that cannot be used.
    /// `what` is "an entry", "a type", "a document" …
    #[error("{0} needs a name")]
    EmptyName(&'static str),
    #[error("nothing to change")]
    NoChange,
    #[error("the anchor cannot be made: {0}")]
    Anchor(#[from] AnchorError),
    #[error("the date is not valid: {0}")]
    Date(#[from] DateError),
    /// The values as given (text: an error must compare equal to itself).
    #[error("latitude {lat} and longitude {lon} are not a place on the globe (−90…90, −180…180)")]
    BadCoordinates { lat: String, lon: String },
    #[error("\"{0}\" is not a web address; it must start with http:// or https://")]
    BadUrl(String),
    #[error("\"{0}\" is not a color; use #rrggbb")]
    BadColor(String),
    #[error("'{0}' cannot be a hotkey; use a letter or digit")]
    BadHotkey(char),
    #[error("at least {min} and at most {max} is impossible")]
    BadCardinality { min: u32, max: u32 },
    #[error("a choice attribute needs at least one choice")]
    NoChoices,
    #[error("\"{id}\" is not a {scheme} id; expected {expected}")]
    BadAuthorityId {
        scheme: String,
        id: String,
        expected: &'static str,
    },
    #[error("position {index} is past the {len} fillers of {what}")]
    BadPosition {
        what: String,
        index: usize,
        len: usize,
    },
    #[error("attribute \"{attr}\" takes {expected}, not \"{value}\"")]
    AttributeWrongKind {
        attr: String,
        expected: String,
        value: String,
    },

    // --- Refused by the schema's constraints.
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
    #[error("{what} has no filler \"{filler}\"")]
    NotFilled { what: String, filler: String },
    #[error("an event cannot fill one of its own roles, and a relation cannot point at itself")]
    SelfReference,
    #[error("a relation cannot fill a role or be the argument of a relation")]
    TargetIsRelation,
    #[error("a relation needs two different arguments")]
    SameArguments,
    #[error("attribute \"{attr}\" does not apply to {ty}")]
    AttributeNotApplicable { attr: String, ty: String },
    #[error("this would make {count} annotation(s) or entries invalid; first: {first}")]
    WouldInvalidate { count: usize, first: String },

    // --- Refused by what is already there.
    #[error("“{quote}” is already tagged as {ty}")]
    AlreadyTagged {
        ann: AnnId,
        quote: String,
        ty: String,
    },
    #[error("\"{label}\" is already the name of {other}")]
    DuplicateLabel { label: String, other: String },
    #[error("hotkey '{key}' is already used by \"{by}\"")]
    HotkeyTaken { key: char, by: String },
    #[error("\"{entry}\" already has the name \"{name}\" ({kind})")]
    DuplicateAlias {
        entry: String,
        name: String,
        kind: String,
    },
    #[error("\"{entry}\" already has {scheme} id {id}")]
    DuplicateAuthority {
        entry: String,
        scheme: String,
        id: String,
    },
    #[error("{what} is in use ({uses}); retype or delete what uses it")]
    InUse { what: String, uses: String },
    #[error("cannot move the uses of {what} onto itself")]
    RetypeToSelf { what: String },
    #[error("cannot retype {from} to {to}: one is {from_kind}, the other {to_kind}")]
    RetypeKind {
        from: String,
        to: String,
        from_kind: &'static str,
        to_kind: &'static str,
    },
    #[error("an entry cannot be merged with itself")]
    SameEntry,
    #[error(
        "cannot merge \"{keep}\" ({keep_type}) with \"{absorb}\" ({absorb_type}): types differ"
    )]
    TypesDiffer {
        keep: String,
        keep_type: String,
        absorb: String,
        absorb_type: String,
    },
    #[error("mention {0} is not linked to the entry being split")]
    MentionNotOfEntry(AnnId),
    #[error("a split must move at least one mention, alias or authority id")]
    NothingToSplit,
    #[error("page {page} does not exist; the document has {pages} page image(s)")]
    NoPage { page: usize, pages: usize },
    #[error("the region cannot be drawn: {0}")]
    Region(#[from] crate::model::region::RegionError),
}

impl OpError {
    /// `id` is not a type of any kind.
    pub fn unknown_type(id: &Slug) -> Self {
        Self::UnknownType {
            id: id.clone(),
            kind: "a type",
        }
    }

    /// `id` is not an entity type.
    pub fn unknown_entity_type(id: &Slug) -> Self {
        Self::UnknownType {
            id: id.clone(),
            kind: "an entity type",
        }
    }

    /// `id` is not an event type.
    pub fn unknown_event_type(id: &Slug) -> Self {
        Self::UnknownType {
            id: id.clone(),
            kind: "an event type",
        }
    }

    /// `id` is not a relation type.
    pub fn unknown_relation_type(id: &Slug) -> Self {
        Self::UnknownType {
            id: id.clone(),
            kind: "a relation type",
        }
    }

    /// Annotation `ann` is not a mention.
    pub fn not_a_mention(ann: AnnId) -> Self {
        Self::WrongAnnotation {
            ann,
            kind: "a mention",
        }
    }

    /// Annotation `ann` is not an event.
    pub fn not_an_event(ann: AnnId) -> Self {
        Self::WrongAnnotation {
            ann,
            kind: "an event",
        }
    }

    /// Annotation `ann` is not a relation.
    pub fn not_a_relation(ann: AnnId) -> Self {
        Self::WrongAnnotation {
            ann,
            kind: "a relation",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_what_is_missing() {
        let doc = DocId::new();
        let ann = AnnId::new();
        let e = OpError::NoAnnotation { doc, ann };
        assert_eq!(
            e.to_string(),
            format!("annotation {ann} is not in document {doc}")
        );
        assert_eq!(
            OpError::unknown_event_type(&Slug::new("person")).to_string(),
            "\"person\" is not an event type in the schema"
        );
        assert_eq!(
            OpError::not_a_relation(ann).to_string(),
            format!("annotation {ann} is not a relation")
        );
        assert_eq!(
            OpError::EmptyName("an entry").to_string(),
            "an entry needs a name"
        );
    }
}
