//! W3C Web Annotation (JSON-LD): the vocabulary both directions share (file names, the
//! event-date key, entry IRIs), the reader ([`read`]) and the writer ([`write`], whose
//! documentation describes the conventions).

pub mod read;
pub mod recogito;
pub mod write;

pub use read::W3cImporter;
pub use recogito::RecogitoExporter;
pub use write::W3cExporter;

use crate::model::Entry;
use crate::model::registry::Authority;

/// The Web Annotation JSON-LD context.
pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// The key of an event's own date in its `describing` body (not a slug, so no role clashes).
pub const EVENT_DATE: &str = "event-date";
/// The file listing the registry, beside the collections.
pub const REGISTRY_FILE: &str = "registry.json";

/// The IRI for an entry: its first authority URL, else `urn:uuid:<id>`.
pub fn entry_iri(e: &Entry) -> String {
    e.authority
        .iter()
        .find_map(|a| authority_url(&a.scheme, &a.id))
        .unwrap_or_else(|| format!("urn:uuid:{}", e.id))
}

/// The web address of an authority record, when the scheme has one.
pub fn authority_url(scheme: &Authority, id: &str) -> Option<String> {
    if id.starts_with("http://") || id.starts_with("https://") {
        return Some(id.to_owned());
    }
    let base = match scheme {
        Authority::Wikidata => "https://www.wikidata.org/entity/",
        Authority::Viaf => "https://viaf.org/viaf/",
        Authority::Gnd => "https://d-nb.info/gnd/",
        Authority::GeoNames => "https://sws.geonames.org/",
        Authority::Lcnaf => "https://id.loc.gov/authorities/names/",
        Authority::Other(_) => return None,
    };
    Some(format!("{base}{id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authority_urls() {
        assert_eq!(
            authority_url(&Authority::Wikidata, "Q855").as_deref(),
            Some("https://www.wikidata.org/entity/Q855")
        );
        assert_eq!(authority_url(&Authority::Other("x".into()), "1"), None);
    }
}
