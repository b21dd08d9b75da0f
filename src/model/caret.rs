//! Caret movement over a document's text: by character, word, line, page and to either end.
//! Offsets are code points over LF-normalized text; a result is always within `0..=len`.
//! Lines here are source lines; the reader moves by wrapped (visual) rows where it has them
//! laid out and falls back to these.

use crate::model::SourceText;
use crate::model::ops::tagging::is_word_char;

/// How the caret moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaretMove {
    CharLeft,
    CharRight,
    WordLeft,
    WordRight,
    LineUp,
    LineDown,
    /// Start / end of the line.
    LineStart,
    LineEnd,
    /// A screenful up / down ([`PAGE_LINES`] source lines without a layout).
    PageUp,
    PageDown,
    /// Start / end of the document.
    DocStart,
    DocEnd,
}

/// Source lines a page moves when the reader has no layout to measure a screenful.
pub const PAGE_LINES: usize = 20;

/// The caret's new offset after moving `m` from `caret` (clamped to the text first).
pub fn move_caret(text: &SourceText, caret: usize, m: CaretMove) -> usize {
    let n = text.len_chars();
    let caret = caret.min(n);
    let char_at = |i: usize| text.slice(i, i + 1).chars().next().unwrap_or(' ');
    match m {
        CaretMove::CharLeft => caret.saturating_sub(1),
        CaretMove::CharRight => (caret + 1).min(n),
        CaretMove::WordRight => {
            let mut i = caret;
            while i < n && !is_word_char(char_at(i)) {
                i += 1;
            }
            while i < n && is_word_char(char_at(i)) {
                i += 1;
            }
            i
        }
        CaretMove::WordLeft => {
            let mut i = caret;
            while i > 0 && !is_word_char(char_at(i - 1)) {
                i -= 1;
            }
            while i > 0 && is_word_char(char_at(i - 1)) {
                i -= 1;
            }
            i
        }
        CaretMove::LineStart => text.line_range(text.line_of(caret)).start,
        CaretMove::LineEnd => text.line_range(text.line_of(caret)).end,
        CaretMove::DocStart => 0,
        CaretMove::DocEnd => n,
        CaretMove::PageUp | CaretMove::PageDown => {
            let step = if m == CaretMove::PageUp {
                CaretMove::LineUp
            } else {
                CaretMove::LineDown
            };
            (0..PAGE_LINES).fold(caret, |c, _| move_caret(text, c, step))
        }
        CaretMove::LineUp | CaretMove::LineDown => {
            let line = text.line_of(caret);
            let col = caret - text.line_range(line).start;
            let target = if m == CaretMove::LineUp {
                match line.checked_sub(1) {
                    Some(l) => l,
                    None => return 0,
                }
            } else if line + 1 < text.line_count() {
                line + 1
            } else {
                return n;
            };
            let r = text.line_range(target);
            (r.start + col).min(r.end)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_by_char_word_and_line() {
        let t = SourceText::from_str_normalizing("Kim met Ridgway.\nThen left.");
        assert_eq!(move_caret(&t, 0, CaretMove::WordRight), 3);
        assert_eq!(move_caret(&t, 3, CaretMove::WordRight), 7);
        assert_eq!(move_caret(&t, 7, CaretMove::WordLeft), 4);
        assert_eq!(move_caret(&t, 0, CaretMove::CharLeft), 0);
        assert_eq!(move_caret(&t, 5, CaretMove::LineDown), 22);
        assert_eq!(move_caret(&t, 22, CaretMove::LineUp), 5);
        assert_eq!(move_caret(&t, 2, CaretMove::LineUp), 0);
        assert_eq!(move_caret(&t, 20, CaretMove::LineDown), t.len_chars());
        assert_eq!(move_caret(&t, 10_000, CaretMove::CharRight), t.len_chars());
    }

    #[test]
    fn moves_to_line_and_document_ends_and_by_page() {
        let t = SourceText::from_str_normalizing("Kim met Ridgway.\nThen left.");
        assert_eq!(move_caret(&t, 5, CaretMove::LineStart), 0);
        assert_eq!(move_caret(&t, 5, CaretMove::LineEnd), 16);
        assert_eq!(move_caret(&t, 20, CaretMove::LineStart), 17);
        assert_eq!(move_caret(&t, 20, CaretMove::LineEnd), t.len_chars());
        assert_eq!(move_caret(&t, 20, CaretMove::DocStart), 0);
        assert_eq!(move_caret(&t, 0, CaretMove::DocEnd), t.len_chars());
        let long: String = (0..50).map(|i| format!("line {i}\n")).collect();
        let t = SourceText::from_str_normalizing(&long);
        let down = move_caret(&t, 0, CaretMove::PageDown);
        assert_eq!(t.line_of(down), PAGE_LINES);
        assert_eq!(move_caret(&t, down, CaretMove::PageUp), 0);
    }
}
