//! TEI P5 XML: the vocabulary both directions share (namespace, XML id prefixes, the
//! trigger pointer), the element tree the reader parses into ([`tree`]), the reader
//! ([`read`]) and the writer ([`write`], whose documentation describes the encoding).

pub mod read;
pub mod tree;
pub mod write;

pub use read::TeiImporter;
pub use write::TeiExporter;

use crate::model::{AnnId, DocId, EntryId};

/// The TEI namespace.
pub const TEI_NS: &str = "http://www.tei-c.org/ns/1.0";
/// `ptr/@type` of the pointer to an event trigger's anchors (not a slug, so no role clashes).
pub const TRIGGER_PTR: &str = "trigger-anchor";
/// The prefix of an annotation's XML id, before its uuid.
pub const ANN_ID_PREFIX: &str = "a-";
/// The prefix of a registry entry's XML id, before its uuid.
pub const ENTRY_ID_PREFIX: &str = "e-";
/// The prefix of a document's (the `TEI` element's) XML id, before its uuid.
pub const DOC_ID_PREFIX: &str = "d-";

/// The XML id of an annotation.
pub fn ann_xml_id(id: AnnId) -> String {
    format!("{ANN_ID_PREFIX}{id}")
}

/// The XML id of a registry entry.
pub fn entry_xml_id(id: EntryId) -> String {
    format!("{ENTRY_ID_PREFIX}{id}")
}

/// The prefix of a zone's XML id (a region mention's place on its page), before the
/// region annotation's uuid.
pub const ZONE_ID_PREFIX: &str = "z-";
/// The prefix of a page's `<surface>` XML id, before its 1-based number.
pub const SURFACE_ID_PREFIX: &str = "page-";

/// The XML id of the zone of region mention `id`.
pub fn zone_xml_id(id: AnnId) -> String {
    format!("{ZONE_ID_PREFIX}{id}")
}

/// The XML id of a document.
pub fn doc_xml_id(id: DocId) -> String {
    format!("{DOC_ID_PREFIX}{id}")
}

/// The uuid in an XML id made with `prefix`, if it is one.
pub fn uuid_after(id: &str, prefix: &str) -> Option<uuid::Uuid> {
    id.strip_prefix(prefix)
        .and_then(|u| uuid::Uuid::parse_str(u).ok())
}
