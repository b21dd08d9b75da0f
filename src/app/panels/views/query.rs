//! The questions view: the structured questions of [`crate::views::query`] with pickers
//! (question, event type, role, entries, period, document selectors) — no query language —
//! and the answers, each a link to the text. `marginalia query` asks the same.

use super::push_go_to;
use crate::app::AppState;
use crate::model::{EntryId, Project, Slug};
use crate::views::query::{DocSelector, Hit, Question, answer};
use crate::views::{Index, find_entry, iso_bounds};

/// Which question is being asked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Ask {
    /// Events where an entry fills a role.
    #[default]
    EntryInRole,
    Communications,
    Period,
    MentionedOnlyIn,
}

impl Ask {
    const ALL: [Ask; 4] = [
        Ask::EntryInRole,
        Ask::Communications,
        Ask::Period,
        Ask::MentionedOnlyIn,
    ];

    fn label(self) -> &'static str {
        match self {
            Ask::EntryInRole => {
                "Events an entry took part in (meetings attended, points opposed …)"
            }
            Ask::Communications => "Communications from X to Y",
            Ask::Period => "What happened on a date or in a period",
            Ask::MentionedOnlyIn => "Entries mentioned in some documents but never in others",
        }
    }
}

/// What a document selector looks at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SelectorKind {
    /// Documents holding an event of a type.
    #[default]
    HasEvent,
    Archive,
    Title,
}

/// A document selector being filled in.
#[derive(Clone, Debug, Default)]
pub struct SelectorPick {
    pub kind: SelectorKind,
    pub event_type: Option<Slug>,
    pub text: String,
}

impl SelectorPick {
    fn selector(&self) -> Option<DocSelector> {
        let t = self.text.trim();
        match self.kind {
            SelectorKind::HasEvent => self.event_type.clone().map(DocSelector::HasEvent),
            SelectorKind::Archive => (!t.is_empty()).then(|| DocSelector::Archive(t.to_owned())),
            SelectorKind::Title => (!t.is_empty()).then(|| DocSelector::Title(t.to_owned())),
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, p: &Project, label: &str) {
        ui.horizontal_wrapped(|ui| {
            crate::app::panels::labelled_combo(
                ui,
                label,
                egui::ComboBox::from_id_salt(label).selected_text(match self.kind {
                    SelectorKind::HasEvent => "documents with an event of type",
                    SelectorKind::Archive => "documents from an archive",
                    SelectorKind::Title => "documents whose title has",
                }),
                |ui| {
                    ui.selectable_value(
                        &mut self.kind,
                        SelectorKind::HasEvent,
                        "documents with an event of type",
                    );
                    ui.selectable_value(
                        &mut self.kind,
                        SelectorKind::Archive,
                        "documents from an archive",
                    );
                    ui.selectable_value(
                        &mut self.kind,
                        SelectorKind::Title,
                        "documents whose title has",
                    );
                },
            );
            match self.kind {
                SelectorKind::HasEvent => event_type_pick(
                    ui,
                    p,
                    &mut self.event_type,
                    &format!("{label}: type"),
                    false,
                ),
                _ => {
                    let l = ui.label(format!("{label}: text"));
                    ui.add(egui::TextEdit::singleline(&mut self.text).desired_width(140.0))
                        .labelled_by(l.id);
                }
            }
        });
    }
}

/// The questions view's state: the question, its fields and the last answer.
#[derive(Default)]
pub struct QueryView {
    pub ask: Ask,
    pub entry: String,
    pub event_type: Option<Slug>,
    pub role: Option<Slug>,
    pub from_entry: String,
    pub to_entry: String,
    pub no_copies: bool,
    /// ISO 8601 dates, the end inclusive at its precision.
    pub period_from: String,
    pub period_to: String,
    pub mentioned_in: SelectorPick,
    pub never_in: SelectorPick,
    /// The last answer, or why the question is incomplete.
    pub answer: Option<Result<Vec<Hit>, String>>,
}

fn entry_field(ui: &mut egui::Ui, p: &Project, label: &str, text: &mut String) {
    ui.horizontal(|ui| {
        let l = ui.label(label);
        ui.add(
            egui::TextEdit::singleline(text)
                .hint_text("name or alias")
                .desired_width(150.0),
        )
        .labelled_by(l.id);
        if !text.trim().is_empty() {
            match find_entry(p, text.trim()).and_then(|id| p.registry.get(&id)) {
                Some(e) => ui.weak(format!("= {}", e.name)),
                None => ui.weak("no such entry"),
            };
        }
    });
}

fn event_type_pick(
    ui: &mut egui::Ui,
    p: &Project,
    value: &mut Option<Slug>,
    label: &str,
    any: bool,
) {
    crate::app::panels::labelled_combo(
        ui,
        label,
        egui::ComboBox::from_id_salt(label)
            .selected_text(value.as_ref().map_or("any", |t| p.schema.label(t))),
        |ui| {
            if any {
                ui.selectable_value(value, None, "any");
            }
            for t in &p.schema.event_types {
                ui.selectable_value(value, Some(t.id.clone()), &t.label);
            }
        },
    );
}

impl QueryView {
    /// The question the fields describe, or what is missing.
    pub fn question(&self, p: &Project) -> Result<Question, String> {
        let entry = |s: &str, what: &str| -> Result<Option<EntryId>, String> {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            find_entry(p, s)
                .map(Some)
                .ok_or_else(|| format!("No registry entry matches \"{s}\" ({what})."))
        };
        match self.ask {
            Ask::EntryInRole => Ok(Question::EntryInRole {
                entry: entry(&self.entry, "entry")?.ok_or("Name an entry.")?,
                event_type: self.event_type.clone(),
                role: self.role.clone(),
            }),
            Ask::Communications => Ok(Question::Communications {
                from: entry(&self.from_entry, "from")?,
                to: entry(&self.to_entry, "to")?,
                copies: !self.no_copies,
            }),
            Ask::Period => {
                let bad = |s: &str| {
                    format!(
                        "\"{s}\" is not a date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm)."
                    )
                };
                let f = self.period_from.trim();
                let (from, mut to) = iso_bounds(f).ok_or_else(|| bad(f))?;
                let t = self.period_to.trim();
                if !t.is_empty() {
                    to = iso_bounds(t).ok_or_else(|| bad(t))?.1;
                }
                if to <= from {
                    return Err("The period ends before it starts.".into());
                }
                Ok(Question::During { from, to })
            }
            Ask::MentionedOnlyIn => Ok(Question::MentionedOnlyIn {
                mentioned_in: self
                    .mentioned_in
                    .selector()
                    .ok_or("Say which documents the entries are mentioned in.")?,
                never_in: self
                    .never_in
                    .selector()
                    .ok_or("Say which documents they are never mentioned in.")?,
            }),
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState, index: &Index) {
        let Some(p) = st.project() else { return };
        crate::app::panels::labelled_combo(
            ui,
            "Question",
            egui::ComboBox::from_id_salt("Question")
                .selected_text(self.ask.label())
                .width(ui.available_width().min(420.0)),
            |ui| {
                for a in Ask::ALL {
                    ui.selectable_value(&mut self.ask, a, a.label());
                }
            },
        );
        match self.ask {
            Ask::EntryInRole => {
                entry_field(ui, p, "Entry", &mut self.entry);
                ui.horizontal_wrapped(|ui| {
                    let before = self.event_type.clone();
                    event_type_pick(ui, p, &mut self.event_type, "Event type", true);
                    if self.event_type != before {
                        self.role = None;
                    }
                    let roles: Vec<(Slug, String)> = match &self.event_type {
                        Some(t) => p
                            .schema
                            .event(t)
                            .map(|t| {
                                t.roles
                                    .iter()
                                    .map(|r| (r.id.clone(), r.label.clone()))
                                    .collect()
                            })
                            .unwrap_or_default(),
                        None => {
                            let mut v: Vec<(Slug, String)> = Vec::new();
                            for t in &p.schema.event_types {
                                for r in &t.roles {
                                    if !v.iter().any(|(id, _)| *id == r.id) {
                                        v.push((r.id.clone(), r.label.clone()));
                                    }
                                }
                            }
                            v
                        }
                    };
                    crate::app::panels::labelled_combo(
                        ui,
                        "Role",
                        egui::ComboBox::from_id_salt("Role").selected_text(
                            self.role
                                .as_ref()
                                .and_then(|r| roles.iter().find(|(id, _)| id == r))
                                .map_or("any", |(_, l)| l.as_str()),
                        ),
                        |ui| {
                            ui.selectable_value(&mut self.role, None, "any");
                            for (id, label) in &roles {
                                ui.selectable_value(&mut self.role, Some(id.clone()), label);
                            }
                        },
                    );
                });
            }
            Ask::Communications => {
                entry_field(ui, p, "From", &mut self.from_entry);
                entry_field(ui, p, "To", &mut self.to_entry);
                ui.checkbox(&mut self.no_copies, "Leave out copies");
            }
            Ask::Period => {
                ui.horizontal_wrapped(|ui| {
                    let l = ui.label("From date");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.period_from)
                            .hint_text("1951-07-10")
                            .desired_width(120.0),
                    )
                    .labelled_by(l.id);
                    let l = ui.label("To date");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.period_to)
                            .hint_text("same day")
                            .desired_width(120.0),
                    )
                    .labelled_by(l.id);
                });
            }
            Ask::MentionedOnlyIn => {
                self.mentioned_in.ui(ui, p, "Mentioned in");
                self.never_in.ui(ui, p, "Never in");
            }
        }
        if ui.button("Ask").clicked() {
            self.answer = Some(self.question(p).map(|q| answer(p, index, &q)));
        }
        let mut go = None;
        match &self.answer {
            None => {}
            Some(Err(e)) => {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            Some(Ok(hits)) => {
                ui.small(crate::words::count(hits.len(), "answer", "answers"));
                egui::ScrollArea::vertical()
                    .id_salt("query-answers")
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        for (i, h) in hits.iter().enumerate() {
                            ui.push_id(i, |ui| {
                                ui.horizontal_wrapped(|ui| {
                                    if let Some(d) = &h.date {
                                        ui.weak(d);
                                    }
                                    if ui.link(&h.label).clicked() {
                                        go = Some(h.link);
                                    }
                                    ui.weak(format!("in {}", h.doc_title));
                                    if !h.detail.is_empty() {
                                        ui.small(&h.detail);
                                    }
                                });
                            });
                        }
                    });
            }
        }
        if let Some(l) = go {
            push_go_to(st, l);
        }
    }
}
