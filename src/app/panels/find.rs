//! Find in the document (a bar above the reader) and find in the project (a result list).
//! Enter goes to the next hit and selects it; Escape closes and keeps the selection.

use super::View;
use crate::app::{AppState, Focus, Message, Queue};
use crate::model::ops::tagging::{FindOptions, find_occurrences};

#[derive(Default)]
pub struct Find {
    pub whole_words: bool,
    pub case_sensitive: bool,
}

impl Find {
    fn opts(&self) -> FindOptions {
        FindOptions {
            case_sensitive: self.case_sensitive,
            whole_words: self.whole_words,
        }
    }

    /// The find bar; shown only while find is open.
    pub fn bar(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        let Some((p, doc)) = st
            .session
            .as_ref()
            .map(|s| &s.project)
            .zip(st.doc)
            .filter(|(p, d)| p.documents.contains_key(d))
        else {
            st.find.open = false;
            return;
        };
        let key = (st.find.query.clone(), doc, st.generation());
        let opts = self.opts();
        let mut cmds = Queue::default();
        ui.horizontal(|ui| {
            let l = ui.label("Find in document");
            let r = ui
                .add(egui::TextEdit::singleline(&mut st.find.query).desired_width(260.0))
                .labelled_by(l.id);
            if st.focus == Some(Focus::Find) {
                r.request_focus();
                st.focus = None;
            }
            let changed = ui.checkbox(&mut self.whole_words, "Whole words").changed()
                | ui.checkbox(&mut self.case_sensitive, "Match case")
                    .changed();
            if changed || st.find.hits_for.as_ref() != Some(&key) {
                let text = p.documents.get(&doc).map(|d| d.text_or_empty());
                st.find.hits = text
                    .map(|t| find_occurrences(t, &st.find.query, opts))
                    .unwrap_or_default();
                st.find.current = st
                    .find
                    .hits
                    .partition_point(|s| s.start < st.sel.span().start);
                st.find.hits_for = Some(key.clone());
            }
            let n = st.find.hits.len();
            ui.label(if n == 0 {
                "no hits".to_owned()
            } else {
                format!("{} of {n}", (st.find.current % n) + 1)
            });
            let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let escape = ui.input(|i| i.key_pressed(egui::Key::Escape));
            let back = ui.input(|i| i.modifiers.shift);
            let prev = ui.button("Previous").clicked();
            let next = ui.button("Next").clicked() || (enter && !back);
            if n > 0 && (next || prev || (enter && back)) {
                let i = if next {
                    st.find.current % n
                } else {
                    (st.find.current + n - 1) % n
                };
                let s = st.find.hits[i];
                cmds.push(Message::Jump { doc, span: s });
                st.find.current = if next { i + 1 } else { i };
                if enter {
                    r.request_focus();
                }
            }
            if ui.button("Close").clicked() || (escape && (r.has_focus() || r.lost_focus())) {
                st.find.open = false;
                r.surrender_focus();
            }
        });
        st.queue.extend(cmds);
    }

    /// The find-in-project window.
    pub fn project_window(&mut self, ctx: &egui::Context, st: &mut AppState) {
        if !st.find.project_open {
            return;
        }
        let mut open = true;
        let opts = self.opts();
        let mut cmds = Queue::default();
        egui::Window::new("Find in project")
            .open(&mut open)
            .default_size([480.0, 400.0])
            .show(ctx, |ui| {
                let Some(p) = st.session.as_ref().map(|s| &s.project) else {
                    return;
                };
                let l = ui.label("Search all documents");
                let r = ui
                    .add(
                        egui::TextEdit::singleline(&mut st.find.project_query)
                            .desired_width(f32::INFINITY),
                    )
                    .labelled_by(l.id);
                if st.focus == Some(Focus::ProjectFind) {
                    r.request_focus();
                    st.focus = None;
                }
                if r.changed() || (r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)))
                {
                    st.find.project_hits.clear();
                    for d in p.documents.values() {
                        let Some(t) = &d.text else { continue };
                        for s in find_occurrences(t, &st.find.project_query, opts) {
                            let line = t.line_range(t.line_of(s.start));
                            let ctx_text: String = t
                                .slice(
                                    line.start.max(s.start.saturating_sub(40)),
                                    line.end.min(s.end + 40),
                                )
                                .to_owned();
                            st.find.project_hits.push((
                                d.id(),
                                s,
                                format!("{}: {ctx_text}", d.meta.title),
                            ));
                            if st.find.project_hits.len() >= 2000 {
                                break;
                            }
                        }
                    }
                }
                ui.label(format!("{} hits", st.find.project_hits.len()));
                egui::ScrollArea::vertical().show(ui, |ui| {
                    for (doc, span, label) in &st.find.project_hits {
                        if ui.link(label).clicked() {
                            cmds.push(Message::Jump {
                                doc: *doc,
                                span: *span,
                            });
                        }
                    }
                });
            });
        if !open {
            st.find.project_open = false;
        }
        st.queue.extend(cmds);
    }
}

impl View for Find {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        self.bar(ui, st);
    }
}
