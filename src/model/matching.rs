//! Matching what a user types against names and labels: the registry search, role
//! pickers and the command palette share it.
//!
//! Text is folded before comparing: decomposed to NFD (by `unicode-normalization`),
//! stripped of combining marks and lowercased, so "perez" finds "Pérez" whether the
//! accent was typed as one code point or two. The score is tiered so the order is easy to
//! explain: the whole name, then a prefix, then the start of a word, then anywhere, then
//! the letters in order.

use unicode_normalization::UnicodeNormalization;

pub use unicode_normalization::char::is_combining_mark;

/// Folds `s` for matching: NFD, without combining marks, lowercase.
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// How well the folded `query` matches the folded `name`: 100 the whole name, 80 a prefix,
/// 60 the start of a word, 40 anywhere, 10 its characters in order; `None` no match.
pub fn score_folded(name: &str, query: &str) -> Option<u32> {
    if name == query {
        return Some(100);
    }
    if name.starts_with(query) {
        return Some(80);
    }
    if name
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.starts_with(query))
    {
        return Some(60);
    }
    if name.contains(query) {
        return Some(40);
    }
    let mut it = name.chars();
    query.chars().all(|qc| it.any(|c| c == qc)).then_some(10)
}

/// [`score_folded`] of `name` and `query` after folding both; an empty query matches
/// everything with 0.
pub fn score(name: &str, query: &str) -> Option<u32> {
    let q = fold(query.trim());
    if q.is_empty() {
        return Some(0);
    }
    score_folded(&fold(name), &q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_decomposes_accents() {
        assert_eq!(fold("Pérez"), "perez");
        assert_eq!(fold("Pe\u{301}rez"), "perez");
        assert_eq!(fold("ŁÓDŹ Čapek Ærø"), "łodz capek ærø");
        assert_eq!(fold("Ким Ир Сен"), "ким ир сен");
        assert!(is_combining_mark('\u{301}') && !is_combining_mark('e'));
    }

    #[test]
    fn tiers() {
        assert_eq!(score("Pérez", "perez"), Some(100));
        assert_eq!(score("Pérez Jiménez", "PEREZ"), Some(80));
        assert_eq!(score("Marcos Pérez", "perez"), Some(60));
        assert_eq!(score("Sánchez-Pérez", "chez"), Some(40));
        assert_eq!(score("Tag as Person", "tgp"), Some(10));
        assert_eq!(score("Undo", "x"), None);
        assert_eq!(score("Undo", "  "), Some(0));
    }
}
