//! "Accept all of this suggestion in the document / in the project": a window that lists
//! every suggestion of the same string, type and entry as the current one, each with its
//! document and context and a tick box, before anything is accepted. "Accept N" accepts the
//! ticked ones as one undo step (`Message::AcceptSuggestions`); nothing happens until then.

use crate::app::{AppState, Message};
use crate::model::anchor::CONTEXT_CHARS;

/// Shows the review while `st.suggest.accept_all` is set.
pub fn show(ctx: &egui::Context, st: &mut AppState) {
    let Some(review) = st.suggest.accept_all.as_mut() else {
        return;
    };
    let (Some(p), Some(of)) = (st.session.as_ref().map(|s| &s.project), review.of.clone()) else {
        return;
    };
    let what = match of.entry.and_then(|e| p.registry.get(&e)) {
        Some(e) => format!(
            "“{}” as {}, linked to {}",
            of.quote,
            p.schema.label(&of.type_id),
            e.name
        ),
        None => format!("“{}” as {}", of.quote, p.schema.label(&of.type_id)),
    };
    let scope = if review.project_wide {
        "in the project"
    } else {
        "in this document"
    };
    let mut open = true;
    let mut accept = None;
    let mut cancel = false;
    egui::Window::new("Accept all suggestions")
        .id(egui::Id::unique("accept-all-suggestions"))
        .open(&mut open)
        .default_width(520.0)
        .max_width((ctx.content_rect().width() - 32.0).max(240.0))
        .collapsible(false)
        .show(ctx, |ui| {
            ui.label(format!("Accept {what} {scope}:"));
            let Some(items) = &review.items else {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Finding them in every document…");
                });
                return;
            };
            review.keep.resize(items.len(), true);
            if items.is_empty() {
                ui.label("No suggestion of this string is left.");
            }
            egui::ScrollArea::vertical()
                .max_height(360.0)
                .show(ui, |ui| {
                    for (s, keep) in items.iter().zip(review.keep.iter_mut()) {
                        let Some(d) = p.documents.get(&s.doc) else {
                            continue;
                        };
                        let t = d.text_or_empty();
                        let before =
                            t.slice(s.span.start.saturating_sub(CONTEXT_CHARS), s.span.start);
                        let after =
                            t.slice(s.span.end, (s.span.end + CONTEXT_CHARS).min(t.len_chars()));
                        let line = format!(
                            "{}: …{}[{}]{}…",
                            d.meta.title,
                            before.replace('\n', " "),
                            s.quote,
                            after.replace('\n', " ")
                        );
                        ui.checkbox(keep, line);
                    }
                });
            let n = review.keep.iter().filter(|k| **k).count();
            ui.separator();
            ui.horizontal(|ui| {
                let label = format!(
                    "Accept {}",
                    crate::words::count(n, "suggestion", "suggestions")
                );
                if ui.add_enabled(n > 0, egui::Button::new(label)).clicked() {
                    accept = Some(
                        items
                            .iter()
                            .zip(&review.keep)
                            .filter(|(_, k)| **k)
                            .map(|(s, _)| s.clone())
                            .collect::<Vec<_>>(),
                    );
                }
                if ui.button("Cancel").clicked() {
                    cancel = true;
                }
            });
        });
    if let Some(list) = accept {
        st.queue.push(Message::AcceptSuggestions(list));
        st.queue.push(Message::CloseAcceptAll);
    } else if cancel || !open {
        st.queue.push(Message::CloseAcceptAll);
    }
}
