//! brat standoff: the vocabulary both directions share (type, role and attribute names,
//! attribute values, normalization database names), the reader ([`read`]) and the writer
//! ([`write`]).

pub mod read;
pub mod write;

pub use read::BratImporter;
pub use write::BratExporter;

use crate::model::{Authority, Slug};

/// The normalization database name used for registry entries without authority ids.
pub const MARGINALIA_RID: &str = "Marginalia";

/// The note type brat writes for free-text notes; other `#` types are kept by name.
pub const ANNOTATOR_NOTES: &str = "AnnotatorNotes";

/// The attribute id holding the notes of brat note type `name` (`Lemma` → `lemma__n`);
/// [`note_type`] inverts it.
pub fn note_slug(name: &str) -> Slug {
    let s = slug_for(name);
    match s.as_str().rsplit_once("__") {
        Some((_, flags)) if parse_flags(flags).is_some() => Slug(format!("{s}_n")),
        _ => Slug(format!("{s}__n")),
    }
}

/// The brat note type an attribute id made by [`note_slug`] stands for.
pub fn note_type(slug: &Slug) -> Option<String> {
    let (_, flags) = slug.as_str().rsplit_once("__")?;
    let f = parse_flags(flags)?;
    f.note.then(|| brat_name(slug))
}

/// The slug of relation type `name`: [`slug_for`], or, when a span (entity or event) type
/// has that slug (`_question_` in brat's own CoNLL-X corpus is both), the same with the
/// flag `r`, which [`brat_name`] ignores. brat keeps relation and span names apart;
/// Marginalia's schema has one namespace.
pub fn relation_slug_for(name: &str, span_type: impl Fn(&Slug) -> bool) -> Slug {
    let s = slug_for(name);
    if !span_type(&s) {
        return s;
    }
    match s.as_str().rsplit_once("__") {
        Some((_, flags)) if parse_flags(flags).is_some() => Slug(format!("{s}_r")),
        _ => Slug(format!("{s}__r")),
    }
}

/// The brat name for a slug. Plain slugs get a capital first letter (`agenda_point` →
/// `Agenda_point`); slugs made by [`slug_for`] from other brat names carry, after a final
/// `__`, flags that restore them exactly: `c` all capitals, `l` lowercase first letter,
/// `p` drop a leading `t` (names not starting with a letter), `u<i>` capital at char `i`,
/// `h<i>` hyphen at char `i` (`be_born__h2` → `Be-born`, `per__c` → `PER`).
pub fn brat_name(slug: &Slug) -> String {
    let s = slug.as_str();
    let (base, flags) = match s.rsplit_once("__") {
        Some((base, flags)) => match parse_flags(flags) {
            Some(f) => (base, f),
            None => (s, Flags::default()),
        },
        None => (s, Flags::default()),
    };
    let base = if flags.prefix {
        base.strip_prefix('t').unwrap_or(base)
    } else {
        base
    };
    let mut chars: Vec<char> = base.chars().collect();
    if flags.caps {
        for c in &mut chars {
            *c = c.to_ascii_uppercase();
        }
    } else if !flags.lower
        && let Some(c) = chars.first_mut()
    {
        *c = c.to_ascii_uppercase();
    }
    for &i in &flags.upper {
        if let Some(c) = chars.get_mut(i) {
            *c = c.to_ascii_uppercase();
        }
    }
    for &i in &flags.hyphen {
        if let Some(c) = chars.get_mut(i) {
            *c = '-';
        }
    }
    chars.into_iter().collect()
}

/// The slug for a brat name; `brat_name(&slug_for(n)) == n` for every name of ASCII
/// letters, digits, `_` and `-` (other characters become `_`, as brat itself stores them).
pub fn slug_for(name: &str) -> Slug {
    let chars: Vec<char> = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let letters: Vec<char> = chars
        .iter()
        .copied()
        .filter(char::is_ascii_alphabetic)
        .collect();
    let mut flags: Vec<String> = Vec::new();
    let caps = letters.len() > 1 && letters.iter().all(char::is_ascii_uppercase);
    if caps {
        flags.push("c".into());
    } else {
        if !chars.first().is_some_and(char::is_ascii_uppercase) {
            flags.push("l".into());
        }
        for (i, c) in chars.iter().enumerate().skip(1) {
            if c.is_ascii_uppercase() {
                flags.push(format!("u{i}"));
            }
        }
    }
    for (i, c) in chars.iter().enumerate() {
        if *c == '-' {
            flags.push(format!("h{i}"));
        }
    }
    let mut base: String = chars
        .iter()
        .map(|c| {
            if *c == '-' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    if !base.starts_with(|c: char| c.is_ascii_lowercase()) {
        base.insert(0, 't');
        flags.push("p".into());
    }
    // `l` alone on a name that starts with a non-letter is implied by `p`.
    if flags.iter().any(|f| f == "p") && !chars.first().is_some_and(char::is_ascii_alphabetic) {
        flags.retain(|f| f != "l");
    }
    if flags.is_empty() && !base.contains("__") && !base.ends_with('_') {
        Slug(base)
    } else {
        Slug(format!("{base}__{}", flags.join("_")))
    }
}

#[derive(Default)]
struct Flags {
    caps: bool,
    lower: bool,
    prefix: bool,
    upper: Vec<usize>,
    hyphen: Vec<usize>,
    /// The attribute stands for a brat note type ([`note_slug`]).
    note: bool,
}

fn parse_flags(s: &str) -> Option<Flags> {
    let mut f = Flags::default();
    if s.is_empty() {
        return Some(f);
    }
    for tok in s.split('_') {
        match tok {
            "c" => f.caps = true,
            "l" => f.lower = true,
            "p" => f.prefix = true,
            "n" => f.note = true,
            // A relation type kept apart from a span type of the same brat name.
            "r" => {}
            t if t.len() > 1 && t.starts_with('u') => f.upper.push(t[1..].parse().ok()?),
            t if t.len() > 1 && t.starts_with('h') => f.hyphen.push(t[1..].parse().ok()?),
            _ => return None,
        }
    }
    Some(f)
}

/// A brat attribute value: whitespace, `|` and `,` become `_`.
pub fn brat_value(v: &str) -> String {
    v.chars()
        .map(|c| {
            if c.is_whitespace() || c == '|' || c == ',' {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// The normalization database name brat files use for an authority.
pub fn authority_rid(a: &Authority) -> &str {
    match a {
        Authority::Wikidata => "Wikidata",
        Authority::Viaf => "VIAF",
        Authority::Gnd => "GND",
        Authority::GeoNames => "GeoNames",
        Authority::Lcnaf => "LCNAF",
        Authority::Other(s) => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in [
            "Person",
            "GPE",
            "PER",
            "Be-born",
            "Org-Arg",
            "Transfer-money",
            "Gene_expression",
            "Arg1",
            "protein",
            "1st",
            "_x",
            "-x",
            "a__b",
            "Trailing_",
            "ÄB",
            "X",
            "x",
            "MiXeD-Case_9",
        ] {
            let slug = slug_for(name);
            assert!(Slug::is_valid(slug.as_str()), "{name} → {slug}");
            let expect: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            assert_eq!(brat_name(&slug), expect, "{name} → {slug}");
        }
        assert_eq!(slug_for("Person").as_str(), "person");
        assert_eq!(slug_for("PER").as_str(), "per__c");
        assert_eq!(slug_for("Be-born").as_str(), "be_born__h2");
        assert_eq!(brat_name(&Slug::new("agenda_point")), "Agenda_point");
    }
}
