//! ALTO (Analyzed Layout and Text Object, versions 2 to 4), as digital libraries, ABBYY,
//! Tesseract, OCR-D and eScriptorium write it: the vocabulary (font styles, named-entity tag
//! types) and the reader ([`read`]). Import only.

pub mod read;

pub use read::{AltoFormat, AltoImporter};

/// ALTO `FONTSTYLE` / `STYLE` values and the emphasis ([`super::layout::EMPHASIS`]) each is.
pub const FONT_STYLES: &[(&str, &str)] = &[
    ("bold", "bold"),
    ("italics", "italic"),
    ("italic", "italic"),
    ("underline", "underlined"),
    ("subscript", "subscript"),
    ("superscript", "superscript"),
    ("smallcaps", "smallCaps"),
    ("fixed", ""),
    ("serif", ""),
];

/// The entity type of a `NamedEntityTag`'s `TYPE` (or `LABEL`): the usual names of people,
/// places, organisations and dates map to the schema's types, anything else is a type of
/// its own name.
pub fn entity_type(name: &str) -> (String, String) {
    let lower = name.to_ascii_lowercase();
    let known = match lower.as_str() {
        "person" | "persname" | "per" | "pers" | "people" => Some(("person", "Person")),
        "place" | "location" | "loc" | "placename" | "geo" | "geogname" => Some(("place", "Place")),
        "organization" | "organisation" | "org" | "orgname" | "corp" | "corpname" => {
            Some(("organization", "Organization"))
        }
        "date" | "time" => Some(("date", "Date/Time")),
        _ => None,
    };
    match known {
        Some((id, label)) => (id.to_owned(), label.to_owned()),
        None => (
            crate::model::Slug::from_label(name).as_str().to_owned(),
            name.to_owned(),
        ),
    }
}
