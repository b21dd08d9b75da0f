//! PAGE XML (PRImA's Page Analysis and Ground-truth Elements; 2010, 2013 and 2019 schemas),
//! as Transkribus, eScriptorium, OCR-D and Kraken write it: the vocabulary (region kinds,
//! the `custom` attribute Transkribus writes its tags into) and the reader ([`read`]).
//! Import only.

pub mod read;

pub use read::{PageFormat, PageImporter};

use super::layout::{EMPHASIS, Tag, style_tag};
use crate::model::{AttrValue, NormalizedDate, Slug};

/// The region elements whose content is text.
pub const TEXT_REGION: &str = "TextRegion";

/// Region elements kept as regions without text (`graphic_region`), with their kind.
pub const GRAPHIC_REGIONS: &[(&str, &str)] = &[
    ("ImageRegion", "image"),
    ("GraphicRegion", "graphic"),
    ("LineDrawingRegion", "line-drawing"),
    ("ChartRegion", "chart"),
    ("MapRegion", "map"),
    ("MathsRegion", "maths"),
    ("ChemRegion", "chemistry"),
    ("MusicRegion", "music"),
    ("AdvertRegion", "advert"),
    ("CustomRegion", "custom"),
    ("UnknownRegion", "unknown"),
];

/// Region elements that are not kept (counted in the report).
pub const SKIPPED_REGIONS: &[&str] = &["SeparatorRegion", "NoiseRegion"];

/// One entry of a `custom` attribute: `person {offset:0; length:11; firstname:Immanuel;}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomEntry {
    pub name: String,
    pub props: Vec<(String, String)>,
}

impl CustomEntry {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses Transkribus's `custom` attribute: `name {key:value; …} name2 {…}`. Values are
/// unescaped (`\u0020` and the like, as Transkribus escapes `;`, `}` and spaces).
pub fn parse_custom(s: &str) -> Vec<CustomEntry> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        let name = rest[..open].trim().to_owned();
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let body = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        let props = body
            .split(';')
            .filter_map(|kv| {
                let (k, v) = kv.split_once(':')?;
                Some((k.trim().to_owned(), unescape(v.trim())))
            })
            .collect();
        if !name.is_empty() {
            out.push(CustomEntry { name, props });
        }
    }
    out
}

/// Decodes `\uXXXX` escapes.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek() == Some(&'u') {
            let hex: String = chars.clone().skip(1).take(4).collect();
            if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                && hex.len() == 4
            {
                out.push(ch);
                for _ in 0..5 {
                    chars.next();
                }
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// The code-point offset in `text` of UTF-16 offset `u16_offset` (Transkribus counts in
/// Java's UTF-16 units); past the end, the end.
pub fn code_points_at(text: &str, u16_offset: usize) -> usize {
    let mut units = 0;
    for (i, c) in text.chars().enumerate() {
        if units >= u16_offset {
            return i;
        }
        units += c.len_utf16();
    }
    text.chars().count()
}

/// The tag a `custom` entry makes on a line with text `line`, or `None` for entries that
/// are not tags (`readingOrder`, `structure`) or have no extent.
pub fn custom_tag(entry: &CustomEntry, line: &str) -> Option<Tag> {
    if matches!(entry.name.as_str(), "readingOrder" | "structure") {
        return None;
    }
    let offset: usize = entry.get("offset")?.parse().ok()?;
    let length: usize = entry.get("length")?.parse().ok()?;
    let start = code_points_at(line, offset);
    let end = code_points_at(line, offset.saturating_add(length));
    if entry.name == "textStyle" {
        let names: Vec<&str> = EMPHASIS
            .iter()
            .copied()
            .filter(|n| entry.get(n) == Some("true"))
            .collect();
        return style_tag(&names, start, end);
    }
    let (id, label) = match entry.name.as_str() {
        "person" => ("person", "Person"),
        "place" => ("place", "Place"),
        "organization" => ("organization", "Organization"),
        "date" => ("date", "Date/Time"),
        "abbrev" => ("abbreviation", "Abbreviation"),
        other => {
            let slug = Slug::from_label(other);
            let mut t = Tag::new(slug.as_str(), other, start, end);
            fill(&mut t, entry);
            return Some(t);
        }
    };
    let mut t = Tag::new(id, label, start, end);
    fill(&mut t, entry);
    if id == "date" {
        t.date = custom_date(entry);
    }
    Some(t)
}

/// Copies an entry's properties into `t`: `continued`, a `comment` as the note, the rest as
/// text attributes (the date's parts stay too, as written).
fn fill(t: &mut Tag, entry: &CustomEntry) {
    for (k, v) in &entry.props {
        match k.as_str() {
            "offset" | "length" => {}
            "continued" => t.continued = v == "true",
            "comment" => t.note = v.clone(),
            _ if v.is_empty() => {}
            _ => t
                .attributes
                .push((Slug::from_label(k), AttrValue::Text(v.clone()))),
        }
    }
}

/// The normalized date of a Transkribus `date` tag: `when`, else `year`/`month`/`day`.
fn custom_date(entry: &CustomEntry) -> Option<NormalizedDate> {
    if let Some(w) = entry.get("when") {
        let d = NormalizedDate::when(w);
        if d.validate().is_ok() {
            return Some(d);
        }
    }
    let year: i32 = entry.get("year")?.parse().ok()?;
    let mut s = format!("{year:04}");
    if let Some(m) = entry.get("month").and_then(|m| m.parse::<u32>().ok()) {
        s.push_str(&format!("-{m:02}"));
        if let Some(d) = entry.get("day").and_then(|d| d.parse::<u32>().ok()) {
            s.push_str(&format!("-{d:02}"));
        }
    }
    let d = NormalizedDate::when(&s);
    d.validate().is_ok().then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transkribus_custom_tags() {
        let c = parse_custom(
            "readingOrder {index:3;} person {offset:0; length:4; firstname:Imm\\u0061nuel; continued:true;} date {offset:9;length:4;year:1784;} textStyle {offset:5; length:3; bold:true; fontSize:12.0;}",
        );
        assert_eq!(c.len(), 4);
        assert_eq!(c[1].get("firstname"), Some("Immanuel"));
        let line = "Kant am 1784 gr";
        assert_eq!(custom_tag(&c[0], line), None);
        let p = custom_tag(&c[1], line).unwrap();
        assert_eq!(
            (p.type_id.as_str(), p.start, p.end, p.continued),
            ("person", 0, 4, true)
        );
        assert_eq!(
            p.attributes,
            vec![(Slug::new("firstname"), AttrValue::Text("Immanuel".into()))]
        );
        let d = custom_tag(&c[2], line).unwrap();
        assert_eq!(d.date, Some(NormalizedDate::when("1784")));
        let s = custom_tag(&c[3], line).unwrap();
        assert_eq!((s.type_id.as_str(), s.start, s.end), ("text_style", 5, 8));
    }

    #[test]
    fn utf16_offsets_become_code_points() {
        assert_eq!(code_points_at("a🦀b", 3), 2);
        assert_eq!(code_points_at("abc", 10), 3);
    }
}
