//! The project-wide registry: one entry per real person, organization or place, whatever
//! names the documents use for it ("Filippov" was Stalin's cover name).

use super::ids::{EntryId, Slug};
use super::stamp::Stamp;
use serde::{Deserialize, Serialize};

/// A person, organization, place or other entity known across the project.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: EntryId,
    /// An entity type id from the schema.
    #[serde(rename = "type")]
    pub type_id: Slug,
    /// The canonical name ("Stalin, Joseph Vissarionovich").
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<Alias>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authority: Vec<AuthorityId>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Where a place is, for maps (Palladio); `None`: not recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinates: Option<Coordinates>,
    /// Who created the entry, and when; `None` in files from before stamps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Stamp>,
    /// Who changed it last, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<Stamp>,
}

/// A point on the globe in decimal degrees (WGS 84): latitude −90…90, longitude −180…180.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Coordinates {
    pub lat: f64,
    pub lon: f64,
}

/// Another name for an entry, and what kind of name it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alias {
    pub name: String,
    pub kind: AliasKind,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// What kind of other name an alias is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AliasKind {
    /// A name used to hide identity in correspondence ("Filippov" for Stalin).
    CoverName,
    Pseudonym,
    /// The same name in another romanization ("Mao Tse-tung").
    Transliteration,
    /// A title or office used as a name ("the Chairman").
    Title,
    Misspelling,
    Abbreviation,
    /// Any other variant form, including short forms ("Mao").
    Variant,
    /// The name in its original script ("毛泽东", "Сталин").
    OriginalScript,
}

impl AliasKind {
    pub const ALL: [AliasKind; 8] = [
        Self::CoverName,
        Self::Pseudonym,
        Self::Transliteration,
        Self::Title,
        Self::Misspelling,
        Self::Abbreviation,
        Self::Variant,
        Self::OriginalScript,
    ];

    /// A lowercase, hyphenated name, as exports write it (TEI `@type`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CoverName => "cover-name",
            Self::Pseudonym => "pseudonym",
            Self::Transliteration => "transliteration",
            Self::Title => "title",
            Self::Misspelling => "misspelling",
            Self::Abbreviation => "abbreviation",
            Self::Variant => "variant",
            Self::OriginalScript => "original-script",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The name shown to people: "Cover name".
    pub fn label(self) -> &'static str {
        match self {
            Self::CoverName => "Cover name",
            Self::Pseudonym => "Pseudonym",
            Self::Transliteration => "Transliteration",
            Self::Title => "Title",
            Self::Misspelling => "Misspelling",
            Self::Abbreviation => "Abbreviation",
            Self::Variant => "Variant",
            Self::OriginalScript => "Original script",
        }
    }
}

/// An identifier in an authority file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AuthorityId {
    pub scheme: Authority,
    pub id: String,
}

/// Authority files that entries link to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Authority {
    Wikidata,
    Viaf,
    Gnd,
    GeoNames,
    Lcnaf,
    /// Any other scheme, by name.
    Other(String),
}

impl Authority {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Wikidata => "wikidata",
            Self::Viaf => "viaf",
            Self::Gnd => "gnd",
            Self::GeoNames => "geonames",
            Self::Lcnaf => "lcnaf",
            Self::Other(s) => s,
        }
    }

    pub fn parse(s: &str) -> Self {
        match s.to_ascii_lowercase().as_str() {
            "wikidata" => Self::Wikidata,
            "viaf" => Self::Viaf,
            "gnd" => Self::Gnd,
            "geonames" => Self::GeoNames,
            "lcnaf" => Self::Lcnaf,
            _ => Self::Other(s.to_owned()),
        }
    }
}

impl AuthorityId {
    /// A resolvable URL for the identifier, when the scheme has one.
    pub fn url(&self) -> Option<String> {
        let id = &self.id;
        match self.scheme {
            Authority::Wikidata => Some(format!("https://www.wikidata.org/wiki/{id}")),
            Authority::Viaf => Some(format!("https://viaf.org/viaf/{id}")),
            Authority::Gnd => Some(format!("https://d-nb.info/gnd/{id}")),
            Authority::GeoNames => Some(format!("https://www.geonames.org/{id}")),
            Authority::Lcnaf => Some(format!("https://id.loc.gov/authorities/names/{id}")),
            Authority::Other(_) => None,
        }
    }
}

impl Entry {
    pub fn new(type_id: Slug, name: impl Into<String>) -> Self {
        Self {
            id: EntryId::new(),
            type_id,
            name: name.into(),
            aliases: Vec::new(),
            authority: Vec::new(),
            note: String::new(),
            coordinates: None,
            created: None,
            modified: None,
        }
    }

    /// Who created the entry; empty when unknown.
    pub fn annotator(&self) -> &str {
        self.created.as_ref().map_or("", |s| s.by.as_str())
    }

    /// Whether `name` created this entry or changed it last.
    pub fn touched_by(&self, name: &str) -> bool {
        [&self.created, &self.modified]
            .into_iter()
            .flatten()
            .any(|s| s.by == name)
    }

    /// The canonical name and every alias.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(|a| a.name.as_str()))
    }

    /// How well `query` matches a name of this entry: higher is better, `None` is no match.
    /// The best [`super::matching::score`] over the names; an empty query matches with 0.
    pub fn match_score(&self, query: &str) -> Option<u32> {
        let q = fold(query.trim());
        if q.is_empty() {
            return Some(0);
        }
        self.names()
            .filter_map(|n| super::matching::score_folded(&fold(n), &q))
            .max()
    }
}

pub use super::matching::fold;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_matching_by_alias() {
        let mut stalin = Entry::new(Slug::new("person"), "Stalin, Joseph Vissarionovich");
        stalin.aliases.push(Alias {
            name: "Filippov".into(),
            kind: AliasKind::CoverName,
            note: String::new(),
        });
        assert_eq!(stalin.match_score("filippov"), Some(100));
        assert_eq!(stalin.match_score("Fil"), Some(80));
        assert_eq!(stalin.match_score("joseph"), Some(60));
        assert_eq!(stalin.match_score("sln"), Some(10));
        assert_eq!(stalin.match_score("mao"), None);
        let perez = Entry::new(Slug::new("person"), "Pe\u{301}rez, Carlos");
        assert_eq!(perez.match_score("perez"), Some(80));
        assert_eq!(perez.match_score("Pérez"), Some(80));
    }

    #[test]
    fn coordinates_are_optional_and_round_trip() {
        let mut beijing = Entry::new(Slug::new("place"), "Beijing");
        let old = ron::to_string(&beijing).unwrap();
        assert!(!old.contains("coordinates"));
        assert_eq!(ron::from_str::<Entry>(&old).unwrap(), beijing);
        beijing.coordinates = Some(Coordinates {
            lat: 39.9042,
            lon: 116.4074,
        });
        let text = ron::to_string(&beijing).unwrap();
        assert_eq!(ron::from_str::<Entry>(&text).unwrap(), beijing);
    }

    #[test]
    fn authority_urls() {
        let id = AuthorityId {
            scheme: Authority::Wikidata,
            id: "Q855".into(),
        };
        assert_eq!(
            id.url().as_deref(),
            Some("https://www.wikidata.org/wiki/Q855")
        );
        assert_eq!(Authority::parse("VIAF"), Authority::Viaf);
    }
}
