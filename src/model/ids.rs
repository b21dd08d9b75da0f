//! Stable identifiers.
//!
//! Documents, annotations and registry entries are named by UUID v7: time-ordered, so a
//! file sorted by id lists records in creation order, and never reused or renumbered.
//! Schema types, roles and attributes are named by short slugs (`person`, `copy_to`), which
//! stay fixed when their human-readable label is renamed.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7())
            }

            /// The first 8 hex digits, enough to tell ids apart in messages.
            pub fn short(&self) -> String {
                self.0.simple().to_string()[..8].to_owned()
            }

            /// The last 8 hex digits: random in a UUID v7, so records made in the same
            /// minute (whose first digits, the time, are all alike) are told apart.
            pub fn tail(&self) -> String {
                let s = self.0.simple().to_string();
                s[s.len() - 8..].to_owned()
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s).map(Self)
            }
        }
    };
}

uuid_id!(
    /// Identifies a document within a project.
    DocId
);
uuid_id!(
    /// Identifies an annotation (mention, event or relation); unique across the project.
    AnnId
);
uuid_id!(
    /// Identifies a registry entry (a person, organization, place …).
    EntryId
);

/// A slug naming a schema type, role slot or attribute, e.g. `person`, `copy_to`.
///
/// Invariant: non-empty, ASCII lowercase letters, digits and `_`, starting with a letter.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Slug(pub String);

impl Slug {
    /// Wraps a string the caller knows to be a valid slug.
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    /// Whether `s` satisfies the slug invariant.
    pub fn is_valid(s: &str) -> bool {
        let mut chars = s.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    }

    /// Derives a slug from a human label: "Agenda point" → `agenda_point`.
    pub fn from_label(label: &str) -> Self {
        let mut out = String::new();
        for c in label.chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
        }
        let trimmed = out.trim_end_matches('_');
        let mut s = trimmed.to_owned();
        if !s.starts_with(|c: char| c.is_ascii_lowercase()) {
            s.insert_str(0, "t_");
        }
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Slug {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_time_ordered() {
        let a = AnnId::new();
        let b = AnnId::new();
        assert!(a < b);
    }

    #[test]
    fn slug_from_label() {
        assert_eq!(Slug::from_label("Agenda point").as_str(), "agenda_point");
        assert_eq!(Slug::from_label("Date/Time").as_str(), "date_time");
        assert_eq!(Slug::from_label("1st").as_str(), "t_1st");
        assert_eq!(Slug::from_label("Лицо").as_str(), "t_");
        assert!(Slug::is_valid("copy_to"));
        assert!(!Slug::is_valid("Copy"));
        assert!(!Slug::is_valid(""));
    }
}
