//! Caret moves measured on the reader's layout: Up/Down by wrapped (visual) row, Home/End
//! to the ends of the row, PageUp/PageDown by a screenful. Each works on the pieces drawn in
//! the last frame and says `None` when it cannot measure (the caret off screen), so the
//! caller falls back to moving by source line ([`crate::model::caret`]).

use super::Reader;
use crate::model::caret::CaretMove;
use egui::vec2;

impl Reader {
    /// The drawn piece holding `caret` (a piece that starts at it wins over one ending there).
    fn drawn_at(&self, caret: usize) -> Option<usize> {
        self.drawn
            .iter()
            .position(|(r, _, _)| r.start <= caret && caret < r.end)
            .or_else(|| {
                self.drawn
                    .iter()
                    .position(|(r, _, _)| r.start <= caret && caret <= r.end)
            })
    }

    /// The caret after `m`, measured on the rows drawn in the last frame; `None` for moves
    /// that do not depend on the layout or when the caret was not drawn.
    pub fn visual_caret(&self, caret: usize, m: CaretMove) -> Option<usize> {
        let i = self.drawn_at(caret)?;
        let (r, _, g) = self.drawn.get(i)?;
        let local = super::next_row_cursor(caret - r.start);
        let row = g.layout_from_cursor(local).row;
        let x = g.pos_from_cursor(local).min.x;
        let offset_in = |j: usize, row: Option<usize>, x: f32| -> Option<usize> {
            let (r, _, g) = self.drawn.get(j)?;
            let row = match row {
                Some(row) => g.rows.get(row)?,
                None => g.rows.last()?,
            };
            let c = g.cursor_from_pos(vec2(x, row.rect().center().y));
            Some((r.start + c.index.0).min(r.end))
        };
        match m {
            CaretMove::LineDown => {
                if row + 1 < g.rows.len() {
                    offset_in(i, Some(row + 1), x)
                } else {
                    offset_in(i + 1, Some(0), x)
                }
            }
            CaretMove::LineUp => match row.checked_sub(1) {
                Some(up) => offset_in(i, Some(up), x),
                None => offset_in(i.checked_sub(1)?, None, x),
            },
            CaretMove::LineStart => {
                let rr = g.rows.get(row)?.rect();
                offset_in(i, Some(row), rr.min.x - 1.0)
            }
            CaretMove::LineEnd => match g.rows.get(row + 1) {
                // A wrapped row ends before the next row's first character (the caret
                // there would stand on the next row).
                Some(next) => {
                    let c =
                        g.cursor_from_pos(vec2(next.rect().min.x - 1.0, next.rect().center().y));
                    Some((r.start + c.index.0.saturating_sub(1)).max(caret))
                }
                None => Some(r.end),
            },
            _ => None,
        }
    }

    /// PageUp/PageDown: the caret a screenful (less one line) up or down, at the start of
    /// the line it lands on; the view scrolls by as much. `None` before the first frame.
    pub fn page(&mut self, caret: usize, down: bool) -> Option<usize> {
        let l = &self.layout;
        if l.tops.len() < 2 || self.view_height <= 0.0 {
            return None;
        }
        let line = l.pieces.of(caret).min(l.heights.len().saturating_sub(1));
        let page = (self.view_height - l.line_height).max(l.line_height);
        let y = l.tops.get(line).copied()?;
        let (target, view) = if down {
            (y + page, self.view_top + page)
        } else {
            ((y - page).max(0.0), (self.view_top - page).max(0.0))
        };
        let to = l.line_at(target);
        let total = l.total();
        self.pending_scroll = Some(view.min((total - self.view_height).max(0.0)));
        let r = l.pieces.range(to);
        Some(if down && to == line { r.end } else { r.start })
    }
}
