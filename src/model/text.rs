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

/// Why bytes could not be read as a source text.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("invalid UTF-8 at byte offset {offset}")]
    InvalidUtf8 { offset: usize },
}

/// Number of code points between entries of the char→byte checkpoint table.
const CHECKPOINT: usize = 128;

/// A document's text, LF-normalized, with fast code-point ↔ byte conversion.
///
/// Invariant: `text` contains no `\r`; `checkpoints[i]` is the byte offset of code point
/// `i * CHECKPOINT` (empty when the text is ASCII, where the two offsets coincide).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceText {
    text: String,
    len_chars: usize,
    line_ending: LineEnding,
    had_bom: bool,
    checkpoints: Vec<usize>,
    /// Code-point offset of the start of each line.
    line_starts: Vec<usize>,
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
        let mut checkpoints = Vec::new();
        let mut line_starts = vec![0];
        let mut len_chars = 0;
        let ascii = text.is_ascii();
        for (i, (byte, c)) in text.char_indices().enumerate() {
            if !ascii && i % CHECKPOINT == 0 {
                checkpoints.push(byte);
            }
            if c == '\n' {
                line_starts.push(i + 1);
            }
            len_chars = i + 1;
        }
        Self {
            text,
            len_chars,
            line_ending,
            had_bom: false,
            checkpoints,
            line_starts,
        }
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
        if self.checkpoints.is_empty() {
            return offset.min(self.text.len());
        }
        if offset >= self.len_chars {
            return self.text.len();
        }
        let base = self.checkpoints[offset / CHECKPOINT];
        let skip = offset % CHECKPOINT;
        self.text[base..]
            .char_indices()
            .nth(skip)
            .map_or(self.text.len(), |(b, _)| base + b)
    }

    /// Code-point offset of byte offset `byte`, which must lie on a char boundary.
    pub fn char_of(&self, byte: usize) -> usize {
        if self.checkpoints.is_empty() {
            return byte.min(self.text.len());
        }
        let idx = self.checkpoints.partition_point(|&b| b <= byte) - 1;
        let base = self.checkpoints[idx];
        idx * CHECKPOINT + self.text[base..byte.min(self.text.len())].chars().count()
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

    proptest! {
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
