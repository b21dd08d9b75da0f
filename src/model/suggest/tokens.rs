//! Text as a run of folded tokens with code-point spans: words (UAX #29 segments holding a
//! letter or digit, folded by [`crate::model::matching::fold`]), punctuation segments as
//! they are, and every run of white space as one space. Tokens are interned as numbers so
//! matching a dictionary of phrases is a walk over integers.

use crate::model::matching::fold;
use std::collections::HashMap;
use unicode_segmentation::UnicodeSegmentation;

/// The id of the one white-space token.
pub const SPACE: u32 = 0;

/// One token of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tok {
    pub id: u32,
    pub start: u32,
    pub end: u32,
    /// A word starting with a lowercase letter ("hull", not "Hull").
    pub lower: bool,
    /// A word (not punctuation or space).
    pub word: bool,
}

/// Folded strings ↔ numbers.
#[derive(Clone, Debug)]
pub struct Interner {
    ids: HashMap<Box<str>, u32>,
}

impl Default for Interner {
    fn default() -> Self {
        let mut ids = HashMap::new();
        ids.insert(Box::from(" "), SPACE);
        Self { ids }
    }
}

impl Interner {
    pub fn id(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.ids.len() as u32;
        self.ids.insert(Box::from(s), id);
        id
    }

    /// The id of `s` when it has one (lookups that must not grow the table).
    pub fn get(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }
}

/// The id of a word no dictionary holds (lookup-only tokenizing).
pub const UNKNOWN: u32 = u32::MAX;

/// The tokens of `text`, interning new folded words.
pub fn tokenize(text: &str, interner: &mut Interner) -> Vec<Tok> {
    tokenize_with(text, |s| interner.id(s))
}

/// The tokens of `text` by the ids `interner` already has; other words are [`UNKNOWN`].
pub fn tokenize_known(text: &str, interner: &Interner) -> Vec<Tok> {
    tokenize_with(text, |s| interner.get(s).unwrap_or(UNKNOWN))
}

/// Folds one word segment into `buf`: ASCII directly, the rest by
/// [`crate::model::matching::fold`].
fn fold_into(seg: &str, buf: &mut String) {
    buf.clear();
    if seg.is_ascii() {
        buf.extend(seg.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        buf.push_str(&fold(seg));
    }
}

fn tokenize_with(text: &str, mut id_of: impl FnMut(&str) -> u32) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::new();
    let mut buf = String::new();
    let mut at: u32 = 0;
    for seg in text.split_word_bounds() {
        let n = if seg.is_ascii() {
            seg.len()
        } else {
            seg.chars().count()
        } as u32;
        let (start, end) = (at, at + n);
        at = end;
        if seg.chars().all(char::is_whitespace) {
            if let Some(last) = out.last_mut()
                && last.id == SPACE
            {
                last.end = end;
            } else {
                out.push(Tok {
                    id: SPACE,
                    start,
                    end,
                    lower: false,
                    word: false,
                });
            }
            continue;
        }
        let word = seg.chars().any(char::is_alphanumeric);
        let lower = seg.chars().next().is_some_and(char::is_lowercase);
        let id = if word {
            fold_into(seg, &mut buf);
            id_of(&buf)
        } else {
            id_of(seg)
        };
        out.push(Tok {
            id,
            start,
            end,
            lower,
            word,
        });
    }
    out
}

/// The token ids of a phrase (a mention's text or a registry name), without white space at
/// its edges; empty when it holds no word.
pub fn phrase(text: &str, interner: &mut Interner) -> (Vec<u32>, bool) {
    let toks = tokenize(text, interner);
    let first = toks.iter().position(|t| t.word);
    let last = toks.iter().rposition(|t| t.word);
    match (first, last) {
        (Some(a), Some(b)) => (toks[a..=b].iter().map(|t| t.id).collect(), toks[a].lower),
        _ => (Vec::new(), false),
    }
}
