//! Source text: decoding, line-ending normalization and code-point offsets.
//!
//! Every offset in Marginalia counts Unicode scalar values (code points) in the text
//! *after* a byte-order mark is stripped and every `\r\n` or lone `\r` is replaced by `\n`.
//! The original line-ending style is remembered so an export can write it back.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// How lines ended in the file as read from disk.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineEnding {
    /// `\n` only (or no line breaks at all).
    #[default]
    Lf,
    /// `\r\n` only.
    Crlf,
    /// Lone `\r` only (classic Mac).
    Cr,
    /// More than one style; normalized to `\n`.
    Mixed,
}

impl LineEnding {
    /// The separator to write when restoring this style (`Mixed` restores as `\n`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Crlf => "\r\n",
            Self::Cr => "\r",
            Self::Lf | Self::Mixed => "\n",
        }
    }
}

/// A code-point range that does not lie within the text.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("range [{start}, {end}) does not lie within the text of {len} characters")]
pub struct RangeError {
    pub start: usize,
    pub end: usize,
    pub len: usize,
}

/// The code-point offsets just after each `\n` of `s`, which starts at code point `c0`.
fn line_breaks(s: &str, c0: usize) -> impl Iterator<Item = usize> + '_ {
    s.chars()
        .enumerate()
        .filter(|&(_, c)| c == '\n')
        .map(move |(i, _)| c0 + i + 1)
}

/// Why bytes could not be read as a source text.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("invalid UTF-8 at byte offset {offset}")]
    InvalidUtf8 { offset: usize },
}

/// Largest number of code points between two entries of the char↔byte checkpoint table.
const CHECKPOINT: usize = 128;

/// A document's text, LF-normalized, with fast code-point ↔ byte conversion.
///
/// Invariant: `text` contains no `\r`; `checkpoints` is sorted, starts with `(0, 0)`, holds
/// `(code point, byte)` pairs of the same character boundaries, at most [`CHECKPOINT`] code
/// points apart; `line_starts` holds the code-point offset of the start of each line.
/// Equality compares the text, line-ending style and BOM only (the indexes follow from
/// them, but an edited text may place its checkpoints elsewhere than a fresh one).
#[derive(Clone, Debug, Default)]
pub struct SourceText {
    text: String,
    len_chars: usize,
    line_ending: LineEnding,
    had_bom: bool,
    checkpoints: Vec<(usize, usize)>,
    /// Code-point offset of the start of each line.
    line_starts: Vec<usize>,
}

impl PartialEq for SourceText {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
            && self.line_ending == other.line_ending
            && self.had_bom == other.had_bom
    }
}

impl Eq for SourceText {}

/// Checkpoints every [`CHECKPOINT`] code points of `s`, which starts at code point `c0`
/// and byte `b0` of the whole text; returns them and the number of code points in `s`.
fn checkpoints_of(s: &str, c0: usize, b0: usize, out: &mut Vec<(usize, usize)>) -> usize {
    if s.is_ascii() {
        out.extend((0..s.len()).step_by(CHECKPOINT).map(|i| (c0 + i, b0 + i)));
        return s.len();
    }
    let mut n = 0;
    for (i, (b, _)) in s.char_indices().enumerate() {
        if i % CHECKPOINT == 0 {
            out.push((c0 + i, b0 + b));
        }
        n = i + 1;
    }
    n
}

impl SourceText {
    /// Decodes raw file bytes: strips a UTF-8 BOM, rejects invalid UTF-8, normalizes line endings.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let (had_bom, body) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => (true, rest),
            None => (false, bytes),
        };
        let s = std::str::from_utf8(body).map_err(|e| DecodeError::InvalidUtf8 {
            offset: e.valid_up_to() + if had_bom { 3 } else { 0 },
        })?;
        let mut t = Self::from_str_normalizing(s);
        t.had_bom = had_bom;
        Ok(t)
    }

    /// Builds from a string, normalizing `\r\n` and `\r` to `\n`.
    pub fn from_str_normalizing(s: &str) -> Self {
        let (text, line_ending) = normalize_line_endings(s);
        Self::from_normalized(text, line_ending)
    }

    fn from_normalized(text: String, line_ending: LineEnding) -> Self {
        debug_assert!(!text.contains('\r'));
        let mut checkpoints = Vec::with_capacity(text.len() / CHECKPOINT + 1);
        let len_chars = checkpoints_of(&text, 0, 0, &mut checkpoints);
        if checkpoints.is_empty() {
            checkpoints.push((0, 0));
        }
        let mut line_starts = vec![0];
        line_starts.extend(line_breaks(&text, 0));
        Self {
            text,
            len_chars,
            line_ending,
            had_bom: false,
            checkpoints,
            line_starts,
        }
    }

    /// Replaces code points `[start, end)` with `replacement` (which must hold no `\r`),
    /// updating the indexes around the change only: the cost is one move of the bytes
    /// after it plus a pass over the index entries, not a new scan of the whole text.
    /// Fails when the range is not within the text.
    pub fn replace_range(
        &mut self,
        start: usize,
        end: usize,
        replacement: &str,
    ) -> Result<(), RangeError> {
        if start > end || end > self.len_chars {
            return Err(RangeError {
                start,
                end,
                len: self.len_chars,
            });
        }
        debug_assert!(!replacement.contains('\r'));
        let (sb, eb) = (self.byte_of(start), self.byte_of(end));
        self.text.replace_range(sb..eb, replacement);
        let inserted = replacement.chars().count();
        let dc = inserted as isize - (end - start) as isize;
        let db = replacement.len() as isize - (eb - sb) as isize;
        let shift = |x: usize, d: isize| (x as isize + d) as usize;

        // Checkpoints: keep those up to the last one at or before `start`, rescan from it
        // to the first one after `end`, shift the rest.
        let i0 = self
            .checkpoints
            .partition_point(|&(c, _)| c <= start)
            .saturating_sub(1);
        let i1 = self.checkpoints.partition_point(|&(c, _)| c <= end);
        let (c0, b0) = self.checkpoints.get(i0).copied().unwrap_or((0, 0));
        let region_end = self
            .checkpoints
            .get(i1)
            .map_or(self.text.len(), |&(_, b)| shift(b, db));
        let mut fresh = Vec::new();
        checkpoints_of(&self.text[b0..region_end], c0, b0, &mut fresh);
        let tail: Vec<(usize, usize)> = self.checkpoints[i1..]
            .iter()
            .map(|&(c, b)| (shift(c, dc), shift(b, db)))
            .collect();
        self.checkpoints.truncate(i0);
        self.checkpoints.extend(fresh);
        self.checkpoints.extend(tail);
        if self.checkpoints.is_empty() {
            self.checkpoints.push((0, 0));
        }

        // Line starts: those whose preceding line break was deleted go, the inserted
        // text's line breaks come in, the rest shift.
        if self.line_starts.is_empty() {
            self.line_starts.push(0);
        }
        let a = self.line_starts.partition_point(|&p| p <= start);
        let b = self.line_starts.partition_point(|&p| p <= end);
        let added: Vec<usize> = line_breaks(replacement, start).collect();
        let n_added = added.len();
        self.line_starts.splice(a..b, added);
        for p in &mut self.line_starts[a + n_added..] {
            *p = shift(*p, dc);
        }
        self.len_chars = shift(self.len_chars, dc);
        Ok(())
    }

    /// The LF-normalized text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Length in code points.
    pub fn len_chars(&self) -> usize {
        self.len_chars
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn line_ending(&self) -> LineEnding {
        self.line_ending
    }

    pub fn had_bom(&self) -> bool {
        self.had_bom
    }

    /// Sets the line-ending style and BOM to restore when written (a changed text keeps
    /// those of the text it was made from).
    pub fn set_line_ending_and_bom(&mut self, line_ending: LineEnding, had_bom: bool) {
        self.line_ending = line_ending;
        self.had_bom = had_bom;
    }

    /// Number of lines (a trailing `\n` starts a final empty line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Code-point range `[start, end)` of line `line`, without its `\n`.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let start = self.line_starts[line];
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.len_chars, |next| next - 1);
        start..end
    }

    /// The line containing code point `offset` (an offset at the end belongs to the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte offset of code point `offset`; `offset` is clamped to the text's length.
    pub fn byte_of(&self, offset: usize) -> usize {
        if offset >= self.len_chars {
            return self.text.len();
        }
        let i = self
            .checkpoints
            .partition_point(|&(c, _)| c <= offset)
            .saturating_sub(1);
        let (c, b) = self.checkpoints.get(i).copied().unwrap_or((0, 0));
        // An all-ASCII stretch up to the next checkpoint needs no scan.
        let next = self
            .checkpoints
            .get(i + 1)
            .copied()
            .unwrap_or((self.len_chars, self.text.len()));
        if next.0 - c == next.1 - b {
            return b + (offset - c);
        }
        self.text[b..]
            .char_indices()
            .nth(offset - c)
            .map_or(self.text.len(), |(x, _)| b + x)
    }

    /// Code-point offset of byte offset `byte`, which must lie on a char boundary.
    pub fn char_of(&self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        let i = self
            .checkpoints
            .partition_point(|&(_, b)| b <= byte)
            .saturating_sub(1);
        let (c, b) = self.checkpoints.get(i).copied().unwrap_or((0, 0));
        c + self.text[b..byte].chars().count()
    }

    /// The text of code points `[start, end)`, clamped to the text.
    pub fn slice(&self, start: usize, end: usize) -> &str {
        let s = self.byte_of(start);
        let e = self.byte_of(end.max(start));
        &self.text[s..e]
    }

    /// The text restored to its original line endings (without BOM).
    pub fn to_original_line_endings(&self) -> String {
        match self.line_ending {
            LineEnding::Lf | LineEnding::Mixed => self.text.clone(),
            other => self.text.replace('\n', other.as_str()),
        }
    }
}

/// Replaces `\r\n` and lone `\r` with `\n` and reports which styles were seen.
pub fn normalize_line_endings(s: &str) -> (String, LineEnding) {
    if !s.contains('\r') {
        return (s.to_owned(), LineEnding::Lf);
    }
    let (mut lf, mut crlf, mut cr) = (false, false, false);
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                    crlf = true;
                } else {
                    cr = true;
                }
                out.push('\n');
            }
            '\n' => {
                lf = true;
                out.push('\n');
            }
            c => out.push(c),
        }
    }
    let style = match (lf, crlf, cr) {
        (false, true, false) => LineEnding::Crlf,
        (false, false, true) => LineEnding::Cr,
        (_, false, false) => LineEnding::Lf,
        _ => LineEnding::Mixed,
    };
    (out, style)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bom_and_crlf() {
        let t = SourceText::from_bytes(b"\xEF\xBB\xBFa\r\nb\r\n").unwrap();
        assert_eq!(t.as_str(), "a\nb\n");
        assert!(t.had_bom());
        assert_eq!(t.line_ending(), LineEnding::Crlf);
        assert_eq!(t.to_original_line_endings(), "a\r\nb\r\n");
    }

    #[test]
    fn invalid_utf8_names_offset() {
        let err = SourceText::from_bytes(b"abc\xFFdef").unwrap_err();
        assert_eq!(err, DecodeError::InvalidUtf8 { offset: 3 });
        let err = SourceText::from_bytes(b"\xEF\xBB\xBFab\xC3").unwrap_err();
        assert_eq!(err, DecodeError::InvalidUtf8 { offset: 5 });
    }

    #[test]
    fn mixed_and_cr() {
        assert_eq!(normalize_line_endings("a\rb\r").1, LineEnding::Cr);
        assert_eq!(normalize_line_endings("a\r\nb\n").1, LineEnding::Mixed);
        assert_eq!(normalize_line_endings("a\nb").1, LineEnding::Lf);
    }

    #[test]
    fn lines() {
        let t = SourceText::from_str_normalizing("ab\nсд\n\nx");
        assert_eq!(t.line_count(), 4);
        assert_eq!(t.line_range(1), 3..5);
        assert_eq!(t.slice(3, 5), "сд");
        assert_eq!(t.line_of(0), 0);
        assert_eq!(t.line_of(2), 0);
        assert_eq!(t.line_of(3), 1);
        assert_eq!(t.line_of(6), 2);
        assert_eq!(t.line_range(3), 7..8);
    }

    /// Every index of `t` answers as that of a text built fresh from its string.
    fn assert_indexes_fresh(t: &SourceText) {
        let fresh = SourceText::from_str_normalizing(t.as_str());
        assert_eq!(t.len_chars(), fresh.len_chars());
        assert_eq!(t.line_starts, fresh.line_starts);
        for (i, (b, _)) in t.as_str().char_indices().enumerate() {
            assert_eq!(t.byte_of(i), b);
            assert_eq!(t.char_of(b), i);
        }
        assert_eq!(t.byte_of(t.len_chars()), t.as_str().len());
        assert_eq!(t.char_of(t.as_str().len()), t.len_chars());
        for w in t.checkpoints.windows(2) {
            assert!(w[0].0 < w[1].0 && w[1].0 - w[0].0 <= CHECKPOINT);
        }
    }

    #[test]
    fn replace_range_out_of_bounds_is_refused() {
        let mut t = SourceText::from_str_normalizing("abc");
        assert_eq!(
            t.replace_range(2, 5, "x"),
            Err(RangeError {
                start: 2,
                end: 5,
                len: 3
            })
        );
        let mut e = SourceText::default();
        e.replace_range(0, 0, "ж\n").unwrap();
        assert_indexes_fresh(&e);
    }

    proptest! {
        #[test]
        fn replace_range_keeps_indexes_as_fresh(
            s in "(\\PC|\n|e\u{301}|한|毛|Ж|😀|abcdefghijklmnopqrstuvwxyz){0,300}",
            edits in prop::collection::vec((0usize..2000, 0usize..300, "(\\PC|\n|한|x{1,200}){0,4}"), 1..8),
        ) {
            let mut t = SourceText::from_str_normalizing(&s);
            let mut model: Vec<char> = t.as_str().chars().collect();
            for (at, n, ins) in edits {
                let len = t.len_chars();
                let start = at % (len + 1);
                let end = (start + n).min(len);
                t.replace_range(start, end, &ins).unwrap();
                model.splice(start..end, ins.chars());
                prop_assert_eq!(t.as_str(), model.iter().collect::<String>());
                assert_indexes_fresh(&t);
            }
        }

        #[test]
        fn offsets_round_trip(s in "(\\PC|\r\n|\r|\n|e\u{301}|한|毛|Ж|😀){0,400}") {
            let t = SourceText::from_str_normalizing(&s);
            prop_assert!(!t.as_str().contains('\r'));
            let chars: Vec<(usize, char)> = t.as_str().char_indices().collect();
            prop_assert_eq!(t.len_chars(), chars.len());
            for (i, (b, _)) in chars.iter().enumerate() {
                prop_assert_eq!(t.byte_of(i), *b);
                prop_assert_eq!(t.char_of(*b), i);
            }
            prop_assert_eq!(t.byte_of(chars.len()), t.as_str().len());
            let restored = SourceText::from_str_normalizing(&t.to_original_line_endings());
            prop_assert_eq!(restored.as_str(), t.as_str());
        }
    }
}
