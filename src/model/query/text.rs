//! Reading a document's text: snapping a selection to whole words and finding occurrences
//! of a string, for the reader and "tag all occurrences". Word boundaries are those of
//! Unicode's text segmentation (UAX #29, by `unicode-segmentation`): Latin, Cyrillic and
//! Hangul words run between spaces and punctuation, each Chinese ideograph is a word of its
//! own, and "don't" or "Kim's" stay whole.

use crate::model::anchor::Span;
use crate::model::ids::{DocId, Slug};
use crate::model::project::Project;
use crate::model::text::SourceText;
use unicode_segmentation::UnicodeSegmentation;

/// Whether `c` belongs to a word: a letter, digit or combining mark.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || crate::model::matching::is_combining_mark(c)
}

/// The words of `text` as code-point spans, in order: segments holding a letter or digit.
fn word_spans(text: &str) -> impl Iterator<Item = Span> + '_ {
    let mut chars = 0;
    text.split_word_bounds().filter_map(move |seg| {
        let start = chars;
        chars += seg.chars().count();
        seg.chars()
            .any(char::is_alphanumeric)
            .then(|| Span::new(start, chars))
    })
}

/// Widens `span` to the whole words it touches and trims spaces and punctuation at its
/// edges. A span touching no word is left as it is.
pub fn snap_to_words(text: &SourceText, span: Span) -> Span {
    let n = text.len_chars();
    let (s, e) = (span.start.min(n), span.end.min(n));
    if s >= e {
        return Span::new(s, s);
    }
    let mut words = word_spans(text.as_str())
        .skip_while(|w| w.end <= s)
        .take_while(|w| w.start < e);
    let Some(first) = words.next() else {
        return Span::new(s, e);
    };
    let last = words.last().unwrap_or(first);
    Span::new(first.start, last.end)
}

/// How to match text when finding occurrences.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FindOptions {
    pub case_sensitive: bool,
    /// Only hits that start and end at word boundaries.
    pub whole_words: bool,
}

impl Default for FindOptions {
    fn default() -> Self {
        Self {
            case_sensitive: false,
            whole_words: true,
        }
    }
}

fn fold_char(c: char, case_sensitive: bool) -> char {
    if case_sensitive {
        c
    } else {
        // One code point in, one out, so offsets stay put.
        let mut l = c.to_lowercase();
        match (l.next(), l.next()) {
            (Some(x), None) => x,
            _ => c,
        }
    }
}

/// Every occurrence of `needle` in `text`, as code-point spans, in order, non-overlapping.
pub fn find_occurrences(text: &SourceText, needle: &str, opts: FindOptions) -> Vec<Span> {
    let needle: Vec<char> = needle
        .chars()
        .map(|c| fold_char(c, opts.case_sensitive))
        .collect();
    if needle.is_empty() {
        return Vec::new();
    }
    let hay: Vec<char> = text
        .as_str()
        .chars()
        .map(|c| fold_char(c, opts.case_sensitive))
        .collect();
    // Code-point offsets where a segment starts, and the end of the text.
    let mut bounds = vec![false; hay.len() + 1];
    if opts.whole_words {
        let mut at = 0;
        for seg in text.as_str().split_word_bounds() {
            bounds[at] = true;
            at += seg.chars().count();
        }
        bounds[hay.len()] = true;
    }
    let m = needle.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i + m <= hay.len() {
        if hay[i] == needle[0] && hay[i..i + m] == needle[..] {
            let ok = !opts.whole_words || (bounds[i] && bounds[i + m]);
            if ok {
                out.push(Span::new(i, i + m));
                i += m;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// One place "tag all occurrences" proposes to tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub doc: DocId,
    pub span: Span,
    /// A mention of the same type already covers exactly this span.
    pub already_tagged: bool,
}

/// Occurrences of `needle` in one document (`Some(doc)`) or the whole project, for review
/// before [`crate::model::ops::tagging::tag_all`].
pub fn occurrences(
    project: &Project,
    doc: Option<DocId>,
    needle: &str,
    type_id: &Slug,
    opts: FindOptions,
) -> Vec<Occurrence> {
    let mut out = Vec::new();
    for d in project.documents.values() {
        if doc.is_some_and(|id| id != d.id()) {
            continue;
        }
        let Some(text) = &d.text else { continue };
        for span in find_occurrences(text, needle, opts) {
            let already_tagged = d.annotations.values().any(|a| {
                a.as_mention()
                    .is_some_and(|m| &m.type_id == type_id && m.anchor.fragments == [span])
            });
            out.push(Occurrence {
                doc: d.id(),
                span,
                already_tagged,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "To Cde. FILIPPOV.\nMao Zedong met Filippov; Ким Ир Сен 김일성 毛泽东 スターリン don't.";

    fn pos(needle: &str) -> usize {
        let b = TEXT.find(needle).unwrap();
        TEXT[..b].chars().count()
    }

    #[test]
    fn snapping_widens_to_words_and_trims() {
        let t = SourceText::from_str_normalizing(TEXT);
        let f = pos("FILIPPOV");
        // "LIPP" → "FILIPPOV"
        assert_eq!(
            snap_to_words(&t, Span::new(f + 2, f + 6)),
            Span::new(f, f + 8)
        );
        // " FILIPPOV." → "FILIPPOV"
        assert_eq!(
            snap_to_words(&t, Span::new(f - 1, f + 9)),
            Span::new(f, f + 8)
        );
        let k = pos("Ир");
        assert_eq!(snap_to_words(&t, Span::new(k, k + 1)), Span::new(k, k + 2));
        let h = pos("김일성");
        assert_eq!(
            snap_to_words(&t, Span::new(h + 1, h + 2)),
            Span::new(h, h + 3)
        );
        // Chinese: each ideograph is a word, so only the selected characters.
        let m = pos("泽东");
        assert_eq!(snap_to_words(&t, Span::new(m, m + 2)), Span::new(m, m + 2));
        // An apostrophe inside a word keeps it whole.
        let d = pos("don't");
        assert_eq!(snap_to_words(&t, Span::new(d, d + 1)), Span::new(d, d + 5));
        // Only punctuation: left as selected.
        let dot = pos(".\nMao");
        assert_eq!(
            snap_to_words(&t, Span::new(dot, dot + 1)),
            Span::new(dot, dot + 1)
        );
        // Decomposed accents stay with their letter.
        let t = SourceText::from_str_normalizing("Pe\u{301}rez said");
        assert_eq!(snap_to_words(&t, Span::new(0, 1)), Span::new(0, 6));
        assert!(is_word_char('\u{301}') && is_word_char('é') && !is_word_char('-'));
    }

    #[test]
    fn find_respects_case_and_words() {
        let t = SourceText::from_str_normalizing(TEXT);
        let hits = find_occurrences(&t, "filippov", FindOptions::default());
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0], Span::new(pos("FILIPPOV"), pos("FILIPPOV") + 8));
        let exact = FindOptions {
            case_sensitive: true,
            whole_words: true,
        };
        assert_eq!(find_occurrences(&t, "Filippov", exact).len(), 1);
        assert!(find_occurrences(&t, "ilippo", FindOptions::default()).is_empty());
        let loose = FindOptions {
            case_sensitive: false,
            whole_words: false,
        };
        assert_eq!(find_occurrences(&t, "ilippo", loose).len(), 2);
        // Chinese matches inside runs; Hangul only as a whole word.
        assert_eq!(
            find_occurrences(&t, "泽东", FindOptions::default()).len(),
            1
        );
        assert_eq!(
            find_occurrences(&t, "김일성", FindOptions::default()).len(),
            1
        );
        assert!(find_occurrences(&t, "김일", FindOptions::default()).is_empty());
        assert!(find_occurrences(&t, "don", FindOptions::default()).is_empty());
        assert!(find_occurrences(&t, "", FindOptions::default()).is_empty());
    }
}
