//! Suggestions in the reader, drawn unlike annotations: a dashed underline in a lighter
//! shade of the type's colour (annotations have solid bars), the current suggestion with a
//! thin dashed box. They are not annotations: never in the line index, the hover card, the
//! counts or the accessibility nodes of annotations.

use super::{BAR_ROOM, Frame, Reader, span_rects};
use crate::model::schema::parse_color;
use crate::model::suggest::Suggestion;
use egui::{Color32, Pos2, Rect, Stroke, pos2, vec2};

/// Dash and gap of the underline, in points.
const DASH: f32 = 4.0;
const GAP: f32 = 3.0;

/// The lighter shade suggestions are drawn in: the type's colour, half faded.
pub fn shade(project: &crate::model::Project, s: &Suggestion) -> Color32 {
    let base = project
        .schema
        .entity(&s.type_id)
        .and_then(|t| parse_color(&t.color))
        .map_or(Color32::GRAY, |[r, g, b]| Color32::from_rgb(r, g, b));
    base.gamma_multiply(0.6)
}

impl Reader {
    /// The suggestions over the piece `r` of the text, laid out as `g` at `top`.
    pub(super) fn draw_suggestions(
        &mut self,
        f: &Frame<'_>,
        list: &[Suggestion],
        current: Option<usize>,
        r: &std::ops::Range<usize>,
        g: &egui::Galley,
        top: Pos2,
    ) {
        let first = list.partition_point(|s| s.span.end <= r.start);
        for (i, s) in list.iter().enumerate().skip(first) {
            if s.span.start >= r.end {
                break;
            }
            let (a, b) = (s.span.start.max(r.start), s.span.end.min(r.end));
            if b <= a {
                continue;
            }
            let color = shade(f.project, s);
            for rr in span_rects(g, a - r.start, b - r.start) {
                let rr: Rect = rr.translate(top.to_vec2());
                let y = rr.max.y - BAR_ROOM + 1.0;
                f.painter.extend(egui::Shape::dashed_line(
                    &[pos2(rr.min.x, y), pos2(rr.max.x, y)],
                    Stroke::new(1.5, color),
                    DASH,
                    GAP,
                ));
                if current == Some(i) {
                    let b = rr.shrink2(vec2(-1.0, BAR_ROOM - 2.0));
                    f.painter.extend(egui::Shape::dashed_line(
                        &[
                            b.left_top(),
                            b.right_top(),
                            b.right_bottom(),
                            b.left_bottom(),
                            b.left_top(),
                        ],
                        Stroke::new(1.0, f.outline),
                        DASH,
                        GAP,
                    ));
                }
                self.suggestions_drawn.push((i, rr));
            }
        }
    }
}

impl Reader {
    /// What the suggestion under the pointer is, and how to take it.
    pub(super) fn suggestion_card(
        &self,
        resp: &egui::Response,
        list: &[Suggestion],
        project: &crate::model::Project,
    ) {
        let Some(hp) = resp.hover_pos() else { return };
        let Some(s) = self
            .suggestions_drawn
            .iter()
            .find(|(_, r)| r.contains(hp))
            .and_then(|(i, _)| list.get(*i))
        else {
            return;
        };
        let text = crate::app::suggest::describe(project, s);
        resp.clone().on_hover_ui_at_pointer(|ui| {
            ui.label(text);
            ui.weak("Click to accept it; or . and , to go to it, then Enter or Backspace.");
        });
    }
}
