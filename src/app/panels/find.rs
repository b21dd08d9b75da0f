//! Find in the document (a bar above the reader) and find in the project (a result list).
//! Enter goes to the next hit and selects it; Escape closes and keeps the selection.
//! Each document is folded once into a [`FindIndex`] (kept until the project changes), so
//! a keystroke searches the folded text without copying the document: accents and, unless
//! "Match case" is on, letter case are folded.

use super::View;
use crate::app::{AppState, Focus, Message, Queue};
use crate::model::DocId;
use crate::model::query::find::{FindIndex, short_title, words_around};
use std::collections::HashMap;

#[derive(Default)]
pub struct Find {
    pub whole_words: bool,
    pub case_sensitive: bool,
    /// Folded documents, for the project generation and case setting they were made with.
    indexes: HashMap<DocId, (u64, FindIndex)>,
}

impl Find {
    /// Find with these options and nothing folded yet.
    pub fn new(whole_words: bool, case_sensitive: bool) -> Self {
        Self {
            whole_words,
            case_sensitive,
            indexes: HashMap::new(),
        }
    }

    /// The folded text of `doc`, made now when missing or out of date.
    fn index<'a>(
        indexes: &'a mut HashMap<DocId, (u64, FindIndex)>,
        p: &crate::model::Project,
        doc: DocId,
        generation: u64,
        case_sensitive: bool,
    ) -> Option<&'a FindIndex> {
        let text = p.documents.get(&doc)?.text.as_ref()?;
        // Folded copies of an older project state are dropped as soon as one is remade.
        indexes.retain(|_, (g, _)| *g == generation);
        let fresh = indexes
            .get(&doc)
            .is_some_and(|(g, i)| *g == generation && i.case_sensitive() == case_sensitive);
        if !fresh {
            indexes.insert(doc, (generation, FindIndex::new(text, case_sensitive)));
        }
        indexes.get(&doc).map(|(_, i)| i)
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
        let generation = st.generation();
        let key = (st.find.query.clone(), doc, generation);
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
                let idx = Self::index(&mut self.indexes, p, doc, generation, self.case_sensitive);
                let found = idx
                    .map(|i| i.search(&st.find.query, self.whole_words))
                    .unwrap_or_default();
                st.find.hits = found.hits;
                st.find.truncated = found.truncated;
                st.find.current = st
                    .find
                    .hits
                    .partition_point(|s| s.start < st.sel.span().start);
                st.find.hits_for = Some(key.clone());
            }
            let n = st.find.hits.len();
            ui.label(if n == 0 {
                "no hits".to_owned()
            } else if st.find.truncated {
                format!("{} of the first {n}", (st.find.current % n) + 1)
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
        let generation = st.generation();
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
                ui.horizontal(|ui| {
                    ui.checkbox(&mut self.whole_words, "Whole words");
                    ui.checkbox(&mut self.case_sensitive, "Match case");
                });
                let key = (
                    st.find.project_query.clone(),
                    generation,
                    self.whole_words,
                    self.case_sensitive,
                );
                if st.find.project_hits_for.as_ref() != Some(&key) {
                    st.find.project_hits.clear();
                    let docs: Vec<DocId> = p.documents.keys().copied().collect();
                    'docs: for doc in docs {
                        let Some(t) = p.documents.get(&doc).and_then(|d| d.text.as_ref()) else {
                            continue;
                        };
                        let title = p
                            .documents
                            .get(&doc)
                            .map(|d| short_title(&d.meta.title, 28))
                            .unwrap_or_default();
                        let Some(idx) =
                            Self::index(&mut self.indexes, p, doc, generation, self.case_sensitive)
                        else {
                            continue;
                        };
                        for s in idx.search(&st.find.project_query, self.whole_words).hits {
                            let (before, hit, after) = words_around(t, s, 5);
                            let line = t.line_of(s.start) + 1;
                            st.find.project_hits.push((
                                doc,
                                s,
                                format!("{title}, line {line}: {before}[{hit}]{after}"),
                            ));
                            if st.find.project_hits.len() >= 2000 {
                                break 'docs;
                            }
                        }
                    }
                    st.find.project_hits_for = Some(key);
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
