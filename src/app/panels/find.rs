//! Find in the document (a bar above the reader) and find in the project (a result list).
//! Enter goes to the next hit and selects it; Escape closes and keeps the selection.
//! Each document is folded once into a [`FindIndex`], so a keystroke searches the folded
//! text without copying the document: accents and, unless "Match case" is on, letter case
//! are folded. After a change to the project an index follows its document's text (only
//! the changed stretch is refolded) and the hits found before are kept, shifted and searched
//! again only around the change (`FindIndex::search_since`).

use super::View;
use crate::app::{AppState, Focus, Message, Queue};
use crate::model::DocId;
use crate::model::query::find::{FindIndex, Found, short_title, words_around};
use std::collections::HashMap;

#[derive(Default)]
pub struct Find {
    pub whole_words: bool,
    pub case_sensitive: bool,
    /// Folded documents, each for the case setting it was made with. Only the open
    /// document's is kept while the find-in-project window is closed.
    indexes: HashMap<DocId, FindIndex>,
    /// What the find bar found last, as found (before any clamping of the window's copy).
    bar_found: Option<(Searched, Found)>,
    /// The search the find-in-project results answer: query, whole words, match case.
    project_for: Option<(String, bool, bool)>,
    /// What that search found per document, with the index version it was found at.
    project_found: HashMap<DocId, (u64, Found)>,
}

/// One search of the find bar: where, what and at which index version.
struct Searched {
    doc: DocId,
    query: String,
    whole_words: bool,
    version: u64,
}

impl Find {
    /// Find with these options and nothing folded yet.
    pub fn new(whole_words: bool, case_sensitive: bool) -> Self {
        Self {
            whole_words,
            case_sensitive,
            ..Self::default()
        }
    }

    /// The folded text of `doc`: made when missing or folded with the other case
    /// setting, else brought up to the document's text as it is now.
    fn index<'a>(
        indexes: &'a mut HashMap<DocId, FindIndex>,
        p: &crate::model::Project,
        doc: DocId,
        case_sensitive: bool,
    ) -> Option<&'a FindIndex> {
        let text = p.documents.get(&doc)?.text.as_ref()?;
        match indexes.get_mut(&doc) {
            Some(i) if i.case_sensitive() == case_sensitive => {
                i.follow(text);
            }
            _ => {
                indexes.insert(doc, FindIndex::new(text, case_sensitive));
            }
        }
        indexes.get(&doc)
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
        // Wrapped: at 700 points the buttons go to a second row instead of past the edge.
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("Find in document");
            let w = (ui.available_width() - 16.0).clamp(80.0, 260.0);
            let r = ui
                .add(egui::TextEdit::singleline(&mut st.find.query).desired_width(w))
                .labelled_by(l.id);
            if st.focus == Some(Focus::Find) {
                r.request_focus();
                st.focus = None;
            }
            let changed = ui.checkbox(&mut self.whole_words, "Whole words").changed()
                | ui.checkbox(&mut self.case_sensitive, "Match case")
                    .changed();
            if changed || st.find.hits_for.as_ref() != Some(&key) {
                if !st.find.project_open {
                    self.indexes.retain(|d, _| *d == doc);
                }
                let idx = Self::index(&mut self.indexes, p, doc, self.case_sensitive);
                let found = match idx {
                    Some(i) => {
                        let last = self
                            .bar_found
                            .as_ref()
                            .filter(|(s, _)| {
                                s.doc == doc
                                    && s.query == st.find.query
                                    && s.whole_words == self.whole_words
                            })
                            .map(|(s, f)| (s.version, f));
                        let found = i.search_since(&st.find.query, self.whole_words, last);
                        let searched = Searched {
                            doc,
                            query: st.find.query.clone(),
                            whole_words: self.whole_words,
                            version: i.version(),
                        };
                        self.bar_found = Some((searched, found.clone()));
                        found
                    }
                    None => Found::default(),
                };
                st.find.hits = found.hits;
                st.find.truncated = found.truncated;
                st.find.current = st
                    .find
                    .hits
                    .partition_point(|s| s.start < st.sel.span().start);
                st.find.hits_for = Some(key.clone());
            }
            let n = st.find.hits.len();
            // A polite live region: "1 of 5" → "4 of 5" is spoken as it changes.
            let count = ui.label(if n == 0 {
                "no hits".to_owned()
            } else if st.find.truncated {
                format!("{} of the first {n}", (st.find.current % n) + 1)
            } else {
                format!("{} of {n}", (st.find.current % n) + 1)
            });
            crate::app::a11y::live(ui.ctx(), count.id);
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
        let (indexes, project_for, project_found) = (
            &mut self.indexes,
            &mut self.project_for,
            &mut self.project_found,
        );
        let mut cmds = Queue::default();
        let shown = super::show_window_beside(
            super::window(ctx, "Find in project")
                .open(&mut open)
                .default_size([480.0, 400.0]),
            ctx,
            |ui| {
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
                    let search = (
                        st.find.project_query.clone(),
                        self.whole_words,
                        self.case_sensitive,
                    );
                    if project_for.as_ref() != Some(&search) {
                        project_found.clear();
                        *project_for = Some(search);
                    }
                    indexes.retain(|d, _| p.documents.contains_key(d));
                    project_found.retain(|d, _| p.documents.contains_key(d));
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
                        let Some(idx) = Self::index(indexes, p, doc, self.case_sensitive) else {
                            continue;
                        };
                        // Searched again only when the document changed since.
                        if project_found
                            .get(&doc)
                            .is_none_or(|(v, _)| *v != idx.version())
                        {
                            let last = project_found.get(&doc).map(|(v, f)| (*v, f));
                            let found =
                                idx.search_since(&st.find.project_query, self.whole_words, last);
                            project_found.insert(doc, (idx.version(), found));
                        }
                        let Some((_, found)) = project_found.get(&doc) else {
                            continue;
                        };
                        for &s in &found.hits {
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
            },
        );
        if super::esc_closes(ctx, &shown) {
            open = false;
        }
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
