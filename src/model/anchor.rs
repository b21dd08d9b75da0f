//! Text anchors: where an annotation sits in a document's text.
//!
//! Offsets count code points in the LF-normalized text (see [`super::text`]); a [`Span`] is
//! half-open, `[start, end)`:
//!
//! ```text
//!  M  a  o     Z  e  d  o  n  g
//!  0  1  2  3  4  5  6  7  8  9  10
//!  └──────┘                          Span { start: 0, end: 3 }   "Mao"
//!              └───────────────┘     Span { start: 4, end: 10 }  "Zedong"
//!           ┊                        Span { start: 3, end: 3 }   empty: a caret, not a span
//! ```
//!
//! A [`TextAnchor`] is one or more spans (a discontinuous mention, as brat allows), sorted
//! and non-overlapping, plus a [`TextQuote`]: the exact text from the first start to the
//! last end, and up to [`CONTEXT_CHARS`] code points before and after it (the W3C
//! `TextQuoteSelector`). The quote lets us notice when a source changed under its
//! annotations; a mismatch is flagged for review, never silently moved.

use super::text::SourceText;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Code points of prefix and suffix context kept in a [`TextQuote`].
pub const CONTEXT_CHARS: usize = 32;

/// A half-open range of code points, `[start, end)`. Invariant: `start <= end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "(usize, usize)", try_from = "(usize, usize)")]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// A span; panics in debug builds when `start > end`.
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "span start {start} > end {end}");
        Self { start, end }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn contains(&self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

impl From<Span> for (usize, usize) {
    fn from(s: Span) -> Self {
        (s.start, s.end)
    }
}

impl TryFrom<(usize, usize)> for Span {
    type Error = String;
    fn try_from((start, end): (usize, usize)) -> Result<Self, String> {
        if start <= end {
            Ok(Self { start, end })
        } else {
            Err(format!("span start {start} is after its end {end}"))
        }
    }
}

/// The quoted text of an anchor with its surrounding context.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextQuote {
    pub exact: String,
    #[serde(default)]
    pub prefix: String,
    #[serde(default)]
    pub suffix: String,
}

/// Where an annotation sits in a text. Invariant: `fragments` is non-empty, sorted,
/// non-overlapping, and each fragment is non-empty.
/// (The one exception: a region mention with no transcribed words has no fragments; see
/// [`super::region`].)
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextAnchor {
    pub fragments: Vec<Span>,
    pub quote: TextQuote,
}

/// Why spans cannot form an anchor in a given text.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum AnchorError {
    #[error("an anchor needs at least one non-empty span")]
    Empty,
    #[error("span [{start}, {end}) lies outside the text of {len} characters")]
    OutOfBounds {
        start: usize,
        end: usize,
        len: usize,
    },
}

/// How an anchor relates to the current text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnchorCheck {
    Ok,
    /// Offsets fall outside the text.
    OutOfBounds,
    /// The text at the offsets is no longer the quoted text.
    QuoteMismatch {
        found: String,
    },
}

impl TextAnchor {
    /// Builds an anchor over `spans` (any order; overlapping or adjacent spans are merged),
    /// taking the quote from `text`.
    pub fn new(text: &SourceText, spans: &[Span]) -> Result<Self, AnchorError> {
        let mut frags: Vec<Span> = spans.iter().copied().filter(|s| !s.is_empty()).collect();
        if frags.is_empty() {
            return Err(AnchorError::Empty);
        }
        frags.sort();
        let mut merged: Vec<Span> = Vec::with_capacity(frags.len());
        for s in frags {
            match merged.last_mut() {
                Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
                _ => merged.push(s),
            }
        }
        let len = text.len_chars();
        if let Some(bad) = merged.iter().find(|s| s.end > len) {
            return Err(AnchorError::OutOfBounds {
                start: bad.start,
                end: bad.end,
                len,
            });
        }
        let quote = quote_for(text, merged[0].start, merged[merged.len() - 1].end);
        Ok(Self {
            fragments: merged,
            quote,
        })
    }

    /// A single-span anchor.
    pub fn span(text: &SourceText, start: usize, end: usize) -> Result<Self, AnchorError> {
        Self::new(text, &[Span { start, end }])
    }

    /// The covering span, from the first fragment's start to the last fragment's end.
    pub fn extent(&self) -> Span {
        let first = self.fragments.first().map_or(0, |s| s.start);
        let last = self.fragments.last().map_or(first, |s| s.end);
        Span::new(first, last)
    }

    /// The text of each fragment.
    pub fn fragment_texts<'t>(&self, text: &'t SourceText) -> Vec<&'t str> {
        self.fragments
            .iter()
            .map(|s| text.slice(s.start, s.end))
            .collect()
    }

    /// The fragments' texts joined by a space (brat's convention for discontinuous spans).
    pub fn covered_text(&self, text: &SourceText) -> String {
        self.fragment_texts(text).join(" ")
    }

    /// Compares the stored quote with `text`.
    pub fn check(&self, text: &SourceText) -> AnchorCheck {
        let extent = self.extent();
        if self.fragments.is_empty() || extent.end > text.len_chars() {
            return AnchorCheck::OutOfBounds;
        }
        let found = text.slice(extent.start, extent.end);
        if found == self.quote.exact {
            AnchorCheck::Ok
        } else {
            AnchorCheck::QuoteMismatch {
                found: found.to_owned(),
            }
        }
    }
}

/// The quote for `[start, end)` with [`CONTEXT_CHARS`] of context each side.
pub fn quote_for(text: &SourceText, start: usize, end: usize) -> TextQuote {
    TextQuote {
        exact: text.slice(start, end).to_owned(),
        prefix: text
            .slice(start.saturating_sub(CONTEXT_CHARS), start)
            .to_owned(),
        suffix: text.slice(end, end + CONTEXT_CHARS).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn anchor_quote_and_context() {
        let t = SourceText::from_str_normalizing("To Cde. FILIPPOV\r\nI am sending");
        let a = TextAnchor::span(&t, 8, 16).unwrap();
        assert_eq!(a.quote.exact, "FILIPPOV");
        assert_eq!(a.quote.prefix, "To Cde. ");
        assert_eq!(a.quote.suffix, "\nI am sending");
        assert_eq!(a.check(&t), AnchorCheck::Ok);
    }

    #[test]
    fn discontinuous_fragments_merge_and_sort() {
        let t = SourceText::from_str_normalizing("Kim Il Sung and Peng Dehuai");
        let a =
            TextAnchor::new(&t, &[Span::new(16, 20), Span::new(0, 3), Span::new(2, 6)]).unwrap();
        assert_eq!(a.fragments, vec![Span::new(0, 6), Span::new(16, 20)]);
        assert_eq!(a.covered_text(&t), "Kim Il Peng");
        assert_eq!(a.extent(), Span::new(0, 20));
    }

    #[test]
    fn errors() {
        let t = SourceText::from_str_normalizing("abc");
        assert_eq!(TextAnchor::span(&t, 1, 1), Err(AnchorError::Empty));
        assert!(matches!(
            TextAnchor::span(&t, 1, 9),
            Err(AnchorError::OutOfBounds { .. })
        ));
    }

    #[test]
    fn changed_text_is_detected() {
        let t = SourceText::from_str_normalizing("Mao Zedong");
        let a = TextAnchor::span(&t, 4, 10).unwrap();
        let t2 = SourceText::from_str_normalizing("Mao Tse-tung");
        assert!(matches!(a.check(&t2), AnchorCheck::QuoteMismatch { .. }));
        let t3 = SourceText::from_str_normalizing("Mao");
        assert_eq!(a.check(&t3), AnchorCheck::OutOfBounds);
    }

    proptest! {
        #[test]
        fn quote_matches_slice(s in "(\\PC|\r\n|e\u{301}|한|毛|Ж|😀){1,200}", a in 0usize..200, b in 0usize..200) {
            let t = SourceText::from_str_normalizing(&s);
            let n = t.len_chars();
            let (lo, hi) = (a.min(b) % (n + 1), a.max(b) % (n + 1));
            let (lo, hi) = (lo.min(hi), lo.max(hi));
            if lo < hi {
                let anchor = TextAnchor::span(&t, lo, hi).unwrap();
                let chars: Vec<char> = t.as_str().chars().collect();
                let expect: String = chars[lo..hi].iter().collect();
                prop_assert_eq!(&anchor.quote.exact, &expect);
                prop_assert!(anchor.quote.prefix.chars().count() <= CONTEXT_CHARS);
                prop_assert!(anchor.quote.suffix.chars().count() <= CONTEXT_CHARS);
                let pre: String = chars[lo.saturating_sub(CONTEXT_CHARS)..lo].iter().collect();
                prop_assert_eq!(&anchor.quote.prefix, &pre);
                prop_assert_eq!(anchor.check(&t), AnchorCheck::Ok);
            }
        }
    }
}
