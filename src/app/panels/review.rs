//! The re-anchoring review queue: the annotations of the open document that re-anchoring
//! after a source change could not place with certainty (needs review) or at all
//! (orphaned). Each item shows the old quote with its context and every proposed place in
//! the current text, the changed stretch highlighted; it is accepted, placed at another
//! candidate, re-spanned to the reader's selection, or deleted — each an undoable
//! transaction. Keyboard: j / k next and previous, Enter accepts the best place, 1–9 picks
//! a candidate, Delete deletes the annotation; "Accept all" takes the best place of every
//! item of the document.

use super::View;
use crate::app::{AppState, Command, Message, Queue};
use crate::model::anchor::CONTEXT_CHARS;
use crate::model::annotation::Annotation;
use crate::model::ops::OpError;
use crate::model::ops::core::delete_annotation;
use crate::model::ops::review::{accept, accept_all, kind_label, respan, review_items};
use crate::model::{AnnId, SourceText, Transaction};
use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, Key, Modifiers};

/// Bars of annotations waiting for review are drawn in this color in the reader.
pub const REVIEW_MARK: Color32 = Color32::from_rgb(0xd0, 0x30, 0x30);

/// The reader's color for `a` when it waits for review.
pub fn mark_color(a: &Annotation) -> Option<Color32> {
    a.reanchor.as_ref().map(|_| REVIEW_MARK)
}

/// What a key asks of the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ask {
    Next,
    Prev,
    Pick(usize),
    Delete,
}

/// Shows the queue while `AppState::review_open` is set.
#[derive(Default)]
pub struct ReviewWindow {
    /// The item last brought into view in the reader.
    shown: Option<AnnId>,
}

/// `prefix`, `exact` and `suffix` in one line, `exact` underlined and its characters
/// `[hl.0, hl.1)` (code points) on a highlight.
fn quote_job(
    ui: &egui::Ui,
    prefix: &str,
    exact: &str,
    suffix: &str,
    hl: (usize, usize),
) -> LayoutJob {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let color = ui.visuals().text_color();
    let weak = ui.visuals().weak_text_color();
    let plain = TextFormat::simple(font.clone(), weak);
    let quoted = TextFormat {
        underline: egui::Stroke::new(1.0, color),
        ..TextFormat::simple(font.clone(), color)
    };
    let changed = TextFormat {
        background: ui.visuals().warn_fg_color.gamma_multiply(0.35),
        ..quoted.clone()
    };
    let mut job = LayoutJob::default();
    let flat = |s: &str| s.replace('\n', "¶");
    job.append(&format!("…{}", flat(prefix)), 0.0, plain.clone());
    let chars: Vec<char> = exact.chars().collect();
    let (a, b) = (
        hl.0.min(chars.len()),
        hl.1.min(chars.len()).max(hl.0.min(chars.len())),
    );
    for (part, fmt) in [
        (&chars[..a], &quoted),
        (&chars[a..b], &changed),
        (&chars[b..], &quoted),
    ] {
        if !part.is_empty() {
            job.append(&flat(&part.iter().collect::<String>()), 0.0, fmt.clone());
        }
    }
    job.append(&format!("{}…", flat(suffix)), 0.0, plain);
    job
}

/// The stretch `[start, end)` of `new` (code points) that differs from `old`: what is left
/// after their common beginning and end.
fn changed_stretch(old: &str, new: &str) -> (usize, usize) {
    let (o, n): (Vec<char>, Vec<char>) = (old.chars().collect(), new.chars().collect());
    let head = o.iter().zip(&n).take_while(|(a, b)| a == b).count();
    let tail = o[head..]
        .iter()
        .rev()
        .zip(n[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    (head, n.len() - tail)
}

/// Prefix, covered text and suffix of `[start, end)` in `text`.
fn in_context(text: &SourceText, start: usize, end: usize) -> (String, String, String) {
    (
        text.slice(start.saturating_sub(CONTEXT_CHARS), start)
            .to_owned(),
        text.slice(start, end).to_owned(),
        text.slice(end, end + CONTEXT_CHARS).to_owned(),
    )
}

/// Queues a built transaction, or keeps why it could not be built for the status line.
fn push(out: &mut Queue, error: &mut Option<String>, tx: Result<Transaction, OpError>) {
    match tx {
        Ok(tx) => out.push(Message::Apply(tx)),
        Err(e) => *error = Some(format!("Cannot review: {e}")),
    }
}

/// Keys for the queue this frame (plain shortcuts are off while it is open).
fn asked(ctx: &egui::Context) -> Vec<Ask> {
    // The reader keeps focus while one reviews; a text field elsewhere takes the letters.
    if crate::app::a11y::focus_elsewhere(ctx) {
        return Vec::new();
    }
    ctx.input_mut(|i| {
        let mut out = Vec::new();
        let none = Modifiers::NONE;
        if i.consume_key(none, Key::J) {
            out.push(Ask::Next);
        }
        if i.consume_key(none, Key::K) {
            out.push(Ask::Prev);
        }
        if i.consume_key(none, Key::Enter) {
            out.push(Ask::Pick(0));
        }
        let digits = [
            Key::Num1,
            Key::Num2,
            Key::Num3,
            Key::Num4,
            Key::Num5,
            Key::Num6,
            Key::Num7,
            Key::Num8,
            Key::Num9,
        ];
        for (n, k) in digits.into_iter().enumerate() {
            if i.consume_key(none, k) {
                out.push(Ask::Pick(n));
            }
        }
        if i.consume_key(none, Key::Delete) {
            out.push(Ask::Delete);
        }
        out
    })
}

impl View for ReviewWindow {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        if !st.review_open {
            self.shown = None;
            return;
        }
        let ctx = ui.ctx().clone();
        let keys = if st.dialog.is_none() && !st.palette_open {
            asked(&ctx)
        } else {
            Vec::new()
        };
        let mut out = Queue::default();
        let mut error: Option<String> = None;
        let mut open = true;
        let sel = st.sel.spans();
        let (Some(p), Some(doc)) = (st.session.as_ref().map(|s| &s.project), st.doc) else {
            return;
        };
        let Some(d) = p.documents.get(&doc) else {
            return;
        };
        let text = d.text_or_empty();
        let items = review_items(d);
        let mut at = st.review_at.min(items.len().saturating_sub(1));
        for k in &keys {
            match k {
                Ask::Next => at = (at + 1).min(items.len().saturating_sub(1)),
                Ask::Prev => at = at.saturating_sub(1),
                _ => {}
            }
        }
        let current = items.get(at).and_then(|id| d.annotations.get(id));
        if let Some(a) = current
            && self.shown != Some(a.id)
        {
            // Bring the proposed place (or the old one) into view and select the item.
            let span = a
                .reanchor
                .as_ref()
                .and_then(|r| r.candidates.first())
                .map(|c| c.anchor.extent())
                .or_else(|| a.anchor().map(|an| an.extent()));
            if let Some(span) = span {
                out.push(Message::Jump { doc, span });
            }
            out.push(Message::SelectAnnotation(Some(a.id)));
            self.shown = Some(a.id);
        }
        super::show_window_beside(
            super::window(&ctx, "Re-anchoring review")
                .open(&mut open)
                .default_width(560.0)
                .default_pos(ctx.content_rect().center_top() + egui::vec2(-280.0, 80.0)),
            &ctx,
            |ui| {
                let Some(a) = current else {
                    ui.label(format!("Nothing to review in “{}”.", d.meta.title));
                    return;
                };
                let Some(review) = &a.reanchor else { return };
                ui.label(format!(
                    "Item {} of {} in “{}”: {} — {}",
                    at + 1,
                    items.len(),
                    d.meta.title,
                    p.schema.label(a.type_id()),
                    kind_label(review.kind)
                ));
                if let Some(old) = a.anchor() {
                    ui.strong("Before the source changed:");
                    let q = &old.quote;
                    ui.label(quote_job(ui, &q.prefix, &q.exact, &q.suffix, (0, 0)));
                    ui.separator();
                    if review.candidates.is_empty() {
                        ui.label("No acceptable place was found in the changed text.");
                    } else {
                        ui.strong("Proposed places now (changed text highlighted):");
                    }
                    for (i, c) in review.candidates.iter().enumerate() {
                        let ext = c.anchor.extent();
                        let (pre, exact, suf) = in_context(text, ext.start, ext.end);
                        let hl = changed_stretch(&q.exact, &exact);
                        ui.horizontal(|ui| {
                            let label = if i < 9 {
                                format!("{}: accept", i + 1)
                            } else {
                                "accept".to_owned()
                            };
                            if ui.button(label).clicked() {
                                push(&mut out, &mut error, accept(p, doc, a.id, i));
                            }
                            ui.weak(format!("{:.0} %", f32::from(c.score) / 10.0));
                            ui.label(quote_job(ui, &pre, &exact, &suf, hl));
                        });
                    }
                }
                ui.separator();
                ui.horizontal_wrapped(|ui| {
                    if ui
                        .add_enabled(!sel.is_empty(), egui::Button::new("Re-span to selection"))
                        .clicked()
                    {
                        push(&mut out, &mut error, respan(p, doc, a.id, &sel));
                    }
                    if ui.button("Delete annotation (Delete)").clicked() {
                        push(&mut out, &mut error, delete_annotation(p, doc, a.id));
                    }
                    if ui.button("Accept all in document").clicked() {
                        push(&mut out, &mut error, accept_all(p, doc));
                    }
                    if ui.button("Previous (k)").clicked() {
                        at = at.saturating_sub(1);
                    }
                    if ui.button("Next (j)").clicked() {
                        at = (at + 1).min(items.len().saturating_sub(1));
                    }
                });
                ui.weak("Enter accepts the best place; 1–9 picks one; the reader marks items in red until reviewed.");
            },
        );
        if let Some(a) = current {
            for k in keys {
                let tx = match k {
                    Ask::Pick(i) => accept(p, doc, a.id, i),
                    Ask::Delete => delete_annotation(p, doc, a.id),
                    Ask::Next | Ask::Prev => continue,
                };
                push(&mut out, &mut error, tx);
            }
        }
        st.review_at = at;
        st.queue.extend(out);
        if let Some(e) = error {
            st.status = e;
        }
        if !open {
            st.queue.push(Command::ToggleReview);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_stretch_is_what_differs() {
        assert_eq!(changed_stretch("Filippov", "Filipov"), (5, 5));
        assert_eq!(changed_stretch("Filipov", "Filippov"), (5, 6));
        assert_eq!(changed_stretch("Kaesong", "Kaesong"), (7, 7));
        assert_eq!(changed_stretch("Ли Кэ-нун", "Ли Кенун"), (4, 5));
    }
}
