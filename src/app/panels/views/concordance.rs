//! The concordance view: key word in context for a registry entry, an entity type or a
//! search, one line per occurrence, sortable by document, left or right context and date;
//! a click on a line jumps to it in the text.

use super::{DataKey, push_go_to};
use crate::app::{AppState, Message};
use crate::model::{Project, Slug, Span};
use crate::views::concordance::{KwicLine, KwicQuery, KwicSort, kwic};
use crate::views::find_entry;
use std::sync::Arc;

/// What the concordance lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Source {
    #[default]
    Entry,
    Type,
    Search,
}

/// Characters of context on each side.
const WIDTH: usize = 40;

type CacheKey = (DataKey, KwicQuery, KwicSort);

/// The concordance's state: what to list, the sort, and the lines.
#[derive(Default)]
pub struct ConcordanceView {
    pub source: Source,
    /// Registry entry (name, alias or id) for [`Source::Entry`].
    pub entry: String,
    pub entity_type: Option<Slug>,
    pub search: String,
    pub sort: KwicSort,
    cache: Option<(CacheKey, Arc<Vec<KwicLine>>)>,
}

impl ConcordanceView {
    fn query(&self, p: &Project) -> Option<KwicQuery> {
        match self.source {
            Source::Entry => find_entry(p, self.entry.trim()).map(KwicQuery::Entry),
            Source::Type => self.entity_type.clone().map(KwicQuery::Type),
            Source::Search => {
                let s = self.search.trim();
                (s.chars().count() >= 2).then(|| KwicQuery::Search(s.to_owned()))
            }
        }
    }

    /// The lines listed now, if any query is complete.
    pub fn lines(&self) -> Option<&[KwicLine]> {
        self.cache.as_ref().map(|(_, l)| l.as_slice())
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState, key: &DataKey) {
        let Some(p) = st.project() else { return };
        ui.horizontal_wrapped(|ui| {
            ui.selectable_value(&mut self.source, Source::Entry, "Entry");
            ui.selectable_value(&mut self.source, Source::Type, "Type");
            ui.selectable_value(&mut self.source, Source::Search, "Text");
            match self.source {
                Source::Entry => {
                    let l = ui.label("Entry name");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.entry)
                            .hint_text("name or alias")
                            .desired_width(150.0),
                    )
                    .labelled_by(l.id);
                    if let Some(e) =
                        find_entry(p, self.entry.trim()).and_then(|id| p.registry.get(&id))
                        && !self.entry.trim().is_empty()
                    {
                        ui.weak(format!("= {}", e.name));
                    }
                }
                Source::Type => {
                    crate::app::panels::labelled_combo(
                        ui,
                        "Entity type",
                        egui::ComboBox::from_id_salt("Entity type").selected_text(
                            self.entity_type
                                .as_ref()
                                .map_or("pick one", |t| p.schema.label(t)),
                        ),
                        |ui| {
                            for t in &p.schema.entity_types {
                                ui.selectable_value(
                                    &mut self.entity_type,
                                    Some(t.id.clone()),
                                    &t.label,
                                );
                            }
                        },
                    );
                }
                Source::Search => {
                    let l = ui.label("Text");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.search)
                            .hint_text("two letters or more")
                            .desired_width(150.0),
                    )
                    .labelled_by(l.id);
                }
            }
            ui.label("Sort by");
            for (s, label) in [
                (KwicSort::Document, "document"),
                (KwicSort::Left, "left"),
                (KwicSort::Right, "right"),
                (KwicSort::Date, "date"),
            ] {
                ui.selectable_value(&mut self.sort, s, label);
            }
        });
        let Some(q) = self.query(p) else {
            self.cache = None;
            ui.weak("Name an entry, pick a type or type a text.");
            return;
        };
        let ck = (key.clone(), q, self.sort);
        if self.cache.as_ref().is_none_or(|(k, _)| *k != ck) {
            let lines = kwic(p, &ck.1, WIDTH, self.sort);
            self.cache = Some((ck, Arc::new(lines)));
        }
        let Some((_, lines)) = self.cache.clone() else {
            return;
        };
        ui.small(crate::words::count(lines.len(), "line", "lines"));
        let mut go: Option<&KwicLine> = None;
        let row_h = ui.text_style_height(&egui::TextStyle::Monospace) + 4.0;
        egui::ScrollArea::both()
            .id_salt("concordance")
            .auto_shrink([false, false])
            .show_rows(ui, row_h, lines.len(), |ui, range| {
                for l in &lines[range] {
                    let r = ui.add(
                        egui::Button::new(egui::RichText::new(line_text(l)).monospace())
                            .frame(false)
                            .wrap_mode(egui::TextWrapMode::Extend),
                    );
                    if r.clicked() {
                        go = Some(l);
                    }
                }
            });
        if let Some(l) = go {
            if l.link.ann.is_some() {
                push_go_to(st, l.link);
            } else {
                st.push(Message::SelectDocument(l.link.doc));
                st.push(Message::Jump {
                    doc: l.link.doc,
                    span: Span::new(l.start, l.end),
                });
            }
        }
    }
}

/// A concordance line as the view shows it: the left context right-aligned, the keyword in
/// brackets, the right context, then the date and document.
pub fn line_text(l: &KwicLine) -> String {
    let c: Vec<char> = l.left.chars().collect();
    let left: String = c[c.len().saturating_sub(WIDTH)..].iter().collect();
    format!(
        "{left:>WIDTH$} [{}] {:<WIDTH$}  {} {}",
        l.keyword,
        l.right,
        l.date.as_deref().unwrap_or(""),
        l.doc_title
    )
}
