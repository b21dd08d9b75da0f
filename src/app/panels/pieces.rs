//! The reader's layout units ("pieces"): each source line, with very long lines cut into
//! pieces of at most [`PIECE_CHARS`] code points (at a space near the limit when there is
//! one), so that a one-line 10 MB source is laid out a screenful at a time, never as one
//! galley. Pieces are contiguous, in text order, and cover every line (an empty line is one
//! empty piece); ranges exclude the line's newline.

use crate::model::SourceText;
use std::ops::Range;

/// Longest piece, in code points.
pub const PIECE_CHARS: usize = 2_000;
/// How far back from the limit a piece may end early to break at a space.
const BREAK_LOOKBACK: usize = 200;

/// The pieces of one text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pieces {
    /// Start offset of each piece (code points), ascending.
    starts: Vec<usize>,
    /// End offset of each piece (exclusive; the line end for a line's last piece).
    ends: Vec<usize>,
}

impl Pieces {
    pub fn new(text: &SourceText) -> Self {
        let mut p = Self::default();
        for l in 0..text.line_count() {
            let r = text.line_range(l);
            let mut a = r.start;
            loop {
                if r.end - a <= PIECE_CHARS {
                    p.starts.push(a);
                    p.ends.push(r.end);
                    break;
                }
                let limit = a + PIECE_CHARS;
                let window = text.slice(limit - BREAK_LOOKBACK, limit);
                let b = match window.char_indices().rfind(|(_, c)| *c == ' ') {
                    Some((byte, _)) => limit - BREAK_LOOKBACK + window[..byte].chars().count() + 1,
                    None => limit,
                };
                p.starts.push(a);
                p.ends.push(b);
                a = b;
            }
        }
        p
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The code points of piece `i` (empty when out of range).
    pub fn range(&self, i: usize) -> Range<usize> {
        match (self.starts.get(i), self.ends.get(i)) {
            (Some(&a), Some(&b)) => a..b,
            _ => 0..0,
        }
    }

    /// The piece holding `offset` (a line end belongs to the line's last piece).
    pub fn of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_one_piece_each() {
        let t = SourceText::from_str_normalizing("ab\n\ncd");
        let p = Pieces::new(&t);
        assert_eq!(p.len(), 3);
        assert_eq!((p.range(0), p.range(1), p.range(2)), (0..2, 3..3, 4..6));
        assert_eq!((p.of(2), p.of(3), p.of(4), p.of(6)), (0, 1, 2, 2));
    }

    #[test]
    fn a_long_line_is_cut_into_contiguous_pieces_at_spaces() {
        let line = "word ".repeat(2_000_000 / 5);
        let t = SourceText::from_str_normalizing(&format!("{line}\nend"));
        let p = Pieces::new(&t);
        let n = t.line_range(0).end;
        let mut at = 0;
        for i in 0..p.len() - 1 {
            let r = p.range(i);
            assert_eq!(r.start, at, "contiguous");
            assert!(r.len() <= PIECE_CHARS && !r.is_empty());
            if r.end < n {
                assert_eq!(t.slice(r.end - 1, r.end), " ", "cut after a space");
            }
            at = r.end;
        }
        assert_eq!(at, n);
        assert_eq!(p.range(p.len() - 1), n + 1..n + 4);
        assert_eq!(
            p.of(n),
            p.len() - 2,
            "the newline belongs to the line's last piece"
        );
        // Without spaces the cut is at the limit.
        let t = SourceText::from_str_normalizing(&"x".repeat(5_000));
        let p = Pieces::new(&t);
        assert_eq!(
            (p.range(0), p.range(1), p.range(2)),
            (0..2000, 2000..4000, 4000..5000)
        );
    }
}
