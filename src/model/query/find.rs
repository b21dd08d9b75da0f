//! Find as you type: a document's text folded once ([`FindIndex`]) and searched per
//! keystroke without copying it again. Folding is [`crate::model::matching::fold`]'s
//! (NFD, without combining marks, lowercase unless case matters), so "perez" finds
//! "Pérez"; every folded byte keeps the code-point offset of the character it came from,
//! so hits come back as spans of the original text.

use crate::model::anchor::Span;
use crate::model::matching::is_combining_mark;
use crate::model::query::text::is_word_char;
use crate::model::text::SourceText;
use unicode_normalization::UnicodeNormalization;

/// At most this many hits are collected; a longer list is cut (and says so).
pub const MAX_HITS: usize = 200_000;

/// A document's text folded for searching.
#[derive(Clone, Debug)]
pub struct FindIndex {
    /// The folded text.
    folded: String,
    /// For each byte of `folded`, the code-point offset in the original text of the
    /// character it came from; one more entry for the end (the original length).
    origin: Vec<u32>,
    case_sensitive: bool,
}

/// What a search found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Found {
    /// Hits in text order, non-overlapping.
    pub hits: Vec<Span>,
    /// More than [`MAX_HITS`] hits: the list stops there.
    pub truncated: bool,
}

impl FindIndex {
    /// Folds `text` once; `case_sensitive` keeps letter case (accents are folded either way).
    pub fn new(text: &SourceText, case_sensitive: bool) -> Self {
        let s = text.as_str();
        let mut folded = String::with_capacity(s.len());
        let mut origin = Vec::with_capacity(s.len() + 1);
        for (i, c) in s.chars().enumerate() {
            let at = u32::try_from(i).unwrap_or(u32::MAX);
            let before = folded.len();
            if c.is_ascii() {
                folded.push(if case_sensitive {
                    c
                } else {
                    c.to_ascii_lowercase()
                });
            } else {
                for d in std::iter::once(c).nfd().filter(|d| !is_combining_mark(*d)) {
                    if case_sensitive {
                        folded.push(d);
                    } else {
                        folded.extend(d.to_lowercase());
                    }
                }
            }
            origin.resize(origin.len() + (folded.len() - before), at);
        }
        origin.push(u32::try_from(text.len_chars()).unwrap_or(u32::MAX));
        Self {
            folded,
            origin,
            case_sensitive,
        }
    }

    /// Whether this index keeps letter case.
    pub fn case_sensitive(&self) -> bool {
        self.case_sensitive
    }

    /// Every occurrence of `needle` (folded the same way), as spans of the original text;
    /// with `whole_words`, only those with no letter or digit right before or after. A
    /// Chinese or Japanese character is a word of its own, as in [`super::text`].
    pub fn search(&self, needle: &str, whole_words: bool) -> Found {
        let needle = fold_needle(needle, self.case_sensitive);
        let mut found = Found::default();
        if needle.is_empty() {
            return found;
        }
        let hay = self.folded.as_str();
        let mut from = 0;
        while let Some(rel) = hay[from..].find(&needle) {
            let b = from + rel;
            let e = b + needle.len();
            let ok = !whole_words || (boundary_before(hay, b) && boundary_after(hay, e));
            if ok {
                let (start, end) = (self.origin[b], self.origin[e]);
                // A hit inside one decomposed character ("e" of "é") is no hit of its own.
                let whole_start = b == 0 || self.origin[b - 1] != self.origin[b];
                let whole_end = e == hay.len() || self.origin[e] != self.origin[e - 1];
                if whole_start && whole_end {
                    found.hits.push(Span::new(start as usize, end as usize));
                    if found.hits.len() >= MAX_HITS {
                        found.truncated = true;
                        break;
                    }
                }
                from = e;
            } else {
                from = b + hay[b..].chars().next().map_or(1, char::len_utf8);
            }
        }
        found
    }
}

/// `needle` folded as [`FindIndex::new`] folds the text.
fn fold_needle(needle: &str, case_sensitive: bool) -> String {
    let n: String = needle.nfd().filter(|c| !is_combining_mark(*c)).collect();
    if case_sensitive { n } else { n.to_lowercase() }
}

/// A character that is a word by itself (CJK ideographs, kana): boundaries on both sides.
fn is_own_word(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

fn boundary_before(hay: &str, b: usize) -> bool {
    let (prev, next) = (hay[..b].chars().next_back(), hay[b..].chars().next());
    match (prev, next) {
        (None, _) => true,
        (Some(p), Some(n)) if is_own_word(p) || is_own_word(n) => true,
        (Some(p), _) => !is_word_char(p),
    }
}

fn boundary_after(hay: &str, e: usize) -> bool {
    let (prev, next) = (hay[..e].chars().next_back(), hay[e..].chars().next());
    match (prev, next) {
        (_, None) => true,
        (Some(p), Some(n)) if is_own_word(p) || is_own_word(n) => true,
        (_, Some(n)) => !is_word_char(n),
    }
}

/// A few words around `span` in `text`: up to `words` words before and after, on the same
/// line, as (before, the hit, after); an ellipsis marks a cut.
pub fn words_around(text: &SourceText, span: Span, words: usize) -> (String, String, String) {
    let n = text.len_chars();
    let (s, e) = (span.start.min(n), span.end.min(n));
    let line_start = text.line_range(text.line_of(s)).start;
    let line_end = text.line_range(text.line_of(e)).end;
    // Look at most 12 characters per word each way.
    let reach = words * 12;
    let before = text.slice(line_start.max(s.saturating_sub(reach)), s);
    let after = text.slice(e, line_end.min(e + reach));
    let before_words: Vec<&str> = before.split_whitespace().collect();
    let after_words: Vec<&str> = after.split_whitespace().collect();
    let keep_before = &before_words[before_words.len().saturating_sub(words)..];
    let keep_after = &after_words[..after_words.len().min(words)];
    let mut b = keep_before.join(" ");
    if before.ends_with(char::is_whitespace) && !b.is_empty() {
        b.push(' ');
    }
    if keep_before.len() < before_words.len() || (line_start < s.saturating_sub(reach)) {
        b.insert(0, '…');
    }
    let mut a = keep_after.join(" ");
    if after.starts_with(char::is_whitespace) && !a.is_empty() {
        a.insert(0, ' ');
    }
    if keep_after.len() < after_words.len() || line_end > e + reach {
        a.push('…');
    }
    (b, text.slice(s, e).to_owned(), a)
}

/// A document title cut to about `max` characters at a word boundary, for lists that
/// repeat it on every row.
pub fn short_title(title: &str, max: usize) -> String {
    if title.chars().count() <= max {
        return title.to_owned();
    }
    let mut out = String::new();
    for w in title.split_whitespace() {
        if !out.is_empty() && out.chars().count() + 1 + w.chars().count() > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    if out.is_empty() {
        out = title.chars().take(max).collect();
    }
    out.trim_end_matches([',', ';', ':']).to_owned() + "…"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> SourceText {
        SourceText::from_str_normalizing(s)
    }

    fn spans(t: &SourceText, f: &Found) -> Vec<String> {
        f.hits
            .iter()
            .map(|s| t.slice(s.start, s.end).to_owned())
            .collect()
    }

    #[test]
    fn accents_and_case_fold_and_offsets_are_the_originals() {
        let t = text("Ms Pe\u{301}rez met PÉREZ and perezoso; Ærø, İstanbul.");
        let idx = FindIndex::new(&t, false);
        let f = idx.search("perez", false);
        assert_eq!(spans(&t, &f), ["Pe\u{301}rez", "PÉREZ", "perez"]);
        let f = idx.search("pérez", true);
        assert_eq!(spans(&t, &f), ["Pe\u{301}rez", "PÉREZ"], "whole words");
        let cased = FindIndex::new(&t, true);
        assert_eq!(spans(&t, &cased.search("Perez", false)), ["Pe\u{301}rez"]);
        // After a character that folds to two ("İ" → "i̇" lowercased), offsets stay right.
        assert_eq!(spans(&t, &idx.search("stanbul", false)), ["stanbul"]);
        assert_eq!(spans(&t, &idx.search("ærø", true)), ["Ærø"]);
    }

    #[test]
    fn whole_words_respect_letters_and_cjk() {
        let t = text("Kim Il Sung; Kimchi. 毛泽东 met 金日成");
        let idx = FindIndex::new(&t, false);
        assert_eq!(idx.search("kim", true).hits.len(), 1);
        assert_eq!(idx.search("kim", false).hits.len(), 2);
        assert_eq!(spans(&t, &idx.search("泽", true)), ["泽"]);
        assert_eq!(idx.search("", true), Found::default());
    }

    #[test]
    fn context_is_a_few_words_on_the_line() {
        let t =
            text("First line.\nThe delegation of Nam Il arrived at Kaesong on the tenth.\nLast.");
        let s = t.as_str().find("Nam Il").unwrap();
        let start = t.as_str()[..s].chars().count();
        let (b, hit, a) = words_around(&t, Span::new(start, start + 6), 3);
        assert_eq!(hit, "Nam Il");
        assert_eq!(b, "The delegation of ");
        assert_eq!(a, " arrived at Kaesong…");
        assert_eq!(
            short_title(
                "Cable No. 21677, Mao Zedong to Cde. Filippov [Stalin], 11 July 1951",
                24
            ),
            "Cable No. 21677, Mao…"
        );
        assert_eq!(short_title("Short", 24), "Short");
    }
}
