//! The event frame, at the top of the inspector. For a selected event: its type, trigger and
//! date, and every role slot with its fillers in order (required roles still empty are
//! marked); a role is filled by clicking mentions in the reader or by picking from a list
//! with the keyboard. For a selected relation: its arguments. For any selected mention or
//! event: the relations it takes part in, and a form to add one.

use super::View;
use crate::app::{AppState, Message, Queue};
use crate::model::ops::events::{self, Candidate, DateSource, EventFrame};
use crate::model::query::events::{CandidateKind, relation_phrase};
use crate::model::{AnnId, Annotation, DocId, NormalizedDate, Project, Slug, Target};
use egui::Key;

/// Rows a picker shows.
const PICKER_ROWS: usize = 8;

/// The frame's own editing state (never project data).
#[derive(Default)]
pub struct EventFrameView {
    /// The role picker's search text and highlighted row.
    query: String,
    highlight: usize,
    /// Give the picker keyboard focus next frame.
    focus_picker: bool,
    /// What the picker last said (its highlighted row).
    said: String,
    /// The explicit date being typed, and for which event.
    date: Option<(AnnId, String)>,
    /// The new-relation form: type, direction, search text, highlighted row.
    rel_type: Option<Slug>,
    rel_reverse: bool,
    rel_query: String,
    rel_highlight: usize,
}

impl View for EventFrameView {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        let (Some(doc), Some(sel)) = (st.doc, st.selected) else {
            return;
        };
        let mut out = Out {
            doc,
            spans: st.sel.spans(),
            filling: st.filling.clone(),
            cmds: Queue::default(),
            status: None,
            focus_relation: st.focus == Some(crate::app::Focus::Relation),
        };
        if out.focus_relation {
            st.focus = None;
        }
        let Some(p) = st.session.as_ref().map(|s| &s.project) else {
            return;
        };
        let Some(ann) = p.annotation(doc, sel) else {
            return;
        };
        if ann.as_event().is_some() {
            match events::event_frame(p, doc, sel) {
                Ok(frame) => self.event(ui, p, sel, &frame, &mut out),
                Err(e) => {
                    ui.colored_label(ui.visuals().error_fg_color, e.to_string());
                }
            }
        } else if let Some(r) = ann.as_relation() {
            ui.strong(format!("{} relation", p.schema.label(&r.type_id)));
            ui.label(relation_phrase(p, doc, r));
            for (what, t) in [("From", r.from), ("To", r.to)] {
                ui.horizontal(|ui| {
                    ui.label(format!("{what}:"));
                    target_link(ui, p, doc, t, &mut out.cmds);
                });
            }
            if ui
                .button("Reverse")
                .on_hover_text("Swap the two arguments")
                .clicked()
            {
                match events::reverse_relation(p, doc, sel) {
                    Ok(tx) => out.cmds.push(Message::Apply(tx)),
                    Err(e) => out.status = Some(format!("Cannot reverse: {e}")),
                }
            }
            ui.separator();
        }
        if ann.as_relation().is_none() {
            self.relations(ui, p, ann, &mut out);
        }
        if let Some(s) = out.status {
            st.status = s;
        }
        st.queue.extend(out.cmds);
    }
}

/// What the frame read from the app state, and what it wants done.
struct Out {
    doc: DocId,
    /// The reader's selection.
    spans: Vec<crate::model::Span>,
    filling: Option<(AnnId, Slug)>,
    cmds: Queue,
    status: Option<String>,
    /// "Add relation…" was asked for: open the form, focus and show it.
    focus_relation: bool,
}

/// A picker row: the candidate's text, type, kind, place and a few words around; entries
/// in italics so that they stand apart from mentions in the text.
///
/// A row is cut to the panel's width (the whole row on hover): a long document title must
/// not widen the inspector.
fn candidate_row(ui: &mut egui::Ui, c: &Candidate, highlighted: bool) -> egui::Response {
    let full = c.row_text();
    let mut text = egui::RichText::new(&full);
    if c.kind == CandidateKind::Entry {
        text = text.italics();
    }
    ui.add(egui::Button::selectable(highlighted, text).truncate())
        .on_hover_text(full)
}

/// A clickable label for a role filler or relation argument: jumps to a mention or event,
/// opens an entry's page.
fn target_link(ui: &mut egui::Ui, p: &Project, doc: DocId, t: Target, cmds: &mut Queue) {
    let label = p.target_label(doc, &t);
    match t {
        Target::Entry(e) => {
            if ui
                .link(format!("{label} (registry)"))
                .on_hover_text("Open the entry's page")
                .clicked()
            {
                cmds.push(Message::OpenEntry(Some(e)));
            }
        }
        Target::Annotation(a) => {
            let anchor = p.annotation(doc, a).and_then(Annotation::anchor);
            if ui.link(label).clicked() {
                cmds.push(Message::CancelFill);
                if let Some(an) = anchor {
                    let s = an.extent();
                    cmds.push(Message::Jump {
                        doc,
                        span: crate::model::Span::new(s.start, s.start),
                    });
                }
                cmds.push(Message::SelectAnnotation(Some(a)));
            }
        }
    }
}

impl EventFrameView {
    fn event(
        &mut self,
        ui: &mut egui::Ui,
        p: &Project,
        event: AnnId,
        frame: &EventFrame,
        out: &mut Out,
    ) {
        let doc = out.doc;
        ui.strong(format!("{} event", frame.type_label));
        ui.horizontal_wrapped(|ui| {
            match &frame.trigger {
                Some(t) => ui.label(format!("Trigger: “{t}”")),
                None => ui.label("No trigger: the text implies it"),
            };
            if ui
                .add_enabled(
                    !out.spans.is_empty(),
                    egui::Button::new("Trigger := selection"),
                )
                .on_hover_text("Anchor the event on the selected words")
                .clicked()
            {
                match events::set_trigger(p, doc, event, Some(&out.spans)) {
                    Ok(tx) => out.cmds.push(Message::Apply(tx)),
                    Err(e) => out.status = Some(format!("Cannot set the trigger: {e}")),
                }
            }
            if frame.trigger.is_some() && ui.button("Remove trigger").clicked() {
                match events::set_trigger(p, doc, event, None) {
                    Ok(tx) => out.cmds.push(Message::Apply(tx)),
                    Err(e) => out.status = Some(format!("Cannot remove the trigger: {e}")),
                }
            }
        });
        self.date(ui, p, event, frame, out);
        ui.separator();
        self.roles(ui, p, event, frame, out);
        ui.separator();
    }

    /// The event's date: from its time role, else explicit (typed: ISO, or a range).
    fn date(
        &mut self,
        ui: &mut egui::Ui,
        p: &Project,
        event: AnnId,
        frame: &EventFrame,
        out: &mut Out,
    ) {
        let doc = out.doc;
        // Date: from the time role, else explicit.
        let explicit = p
            .annotation(doc, event)
            .and_then(Annotation::as_event)
            .and_then(|e| e.date.clone());
        match &frame.date {
            Some(d) => {
                let from = match &d.source {
                    DateSource::Role { role, .. } => frame
                        .roles
                        .iter()
                        .find(|r| &r.id == role)
                        .map_or_else(|| format!("from {role}"), |r| format!("from {}", r.label)),
                    DateSource::Explicit => "explicit".to_owned(),
                };
                ui.label(format!("Date: {} ({from})", d.date));
            }
            None => {
                ui.weak("Date: none (fill the time role or type one)");
            }
        }
        let shown = explicit.as_ref().map(|d| d.to_string()).unwrap_or_default();
        let mut buf = match &self.date {
            Some((a, b)) if *a == event => b.clone(),
            _ => shown.clone(),
        };
        ui.horizontal(|ui| {
            let l = ui.label("Explicit date");
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut buf)
                        .hint_text("YYYY-MM-DD[Thh:mm], A – B")
                        .desired_width(160.0),
                )
                .labelled_by(l.id);
            if r.changed() || r.has_focus() {
                self.date = Some((event, buf.clone()));
            }
            if r.lost_focus() {
                self.date = None;
                if buf.trim() != shown {
                    // The same forms as a date mention's field: ISO, A – B, after A.
                    match NormalizedDate::parse(&buf) {
                        Ok(d) => {
                            match events::set_event_date(
                                p,
                                doc,
                                event,
                                (!d.is_empty()).then_some(d),
                            ) {
                                Ok(tx) => out.cmds.push(Message::Apply(tx)),
                                Err(e) => out.status = Some(format!("Cannot set the date: {e}")),
                            }
                        }
                        Err(e) => out.status = Some(format!("Not a date: {e}")),
                    }
                }
            }
        });
    }

    /// Every role slot with its fillers in order (moved, removed), and "Add Role…" or the
    /// picker of the role being filled.
    fn roles(
        &mut self,
        ui: &mut egui::Ui,
        p: &Project,
        event: AnnId,
        frame: &EventFrame,
        out: &mut Out,
    ) {
        let doc = out.doc;
        let filling = out.filling.clone().filter(|(e, _)| *e == event);
        for role in &frame.roles {
            ui.horizontal_wrapped(|ui| {
                ui.strong(&role.label);
                if !role.unknown {
                    ui.weak(format!("{} · {}", role.cardinality, role.allowed));
                } else {
                    ui.colored_label(ui.visuals().warn_fg_color, "not in the schema");
                }
                if role.missing {
                    ui.colored_label(ui.visuals().error_fg_color, "required, empty");
                }
            });
            let n = role.fillers.len();
            for (i, (t, _)) in role.fillers.iter().enumerate() {
                // Wrapped: a long name must not widen the inspector.
                ui.horizontal_wrapped(|ui| {
                    ui.add_space(12.0);
                    target_link(ui, p, doc, *t, &mut out.cmds);
                    let label = p.target_label(doc, t);
                    let mv = |from: usize, to: usize| {
                        events::move_filler(p, doc, event, &role.id, from, to)
                    };
                    if i > 0
                        && super::small_action(ui, "Up", &format!("Move {label} up")).clicked()
                        && let Ok(tx) = mv(i, i - 1)
                    {
                        out.cmds.push(Message::Apply(tx));
                    }
                    if i + 1 < n
                        && super::small_action(ui, "Down", &format!("Move {label} down")).clicked()
                        && let Ok(tx) = mv(i, i + 1)
                    {
                        out.cmds.push(Message::Apply(tx));
                    }
                    let what = format!("Remove {label} from {}", role.label);
                    if super::small_action(ui, "×", &what).clicked() {
                        match events::remove_filler(p, doc, event, &role.id, t) {
                            Ok(tx) => out.cmds.push(Message::Apply(tx)),
                            Err(e) => out.status = Some(format!("Cannot remove: {e}")),
                        }
                    }
                });
            }
            let active = filling.as_ref().is_some_and(|(_, r)| *r == role.id);
            if active {
                self.picker(ui, p, event, &role.id, &role.label, out);
            } else if !role.full && !role.unknown {
                ui.horizontal(|ui| {
                    ui.add_space(12.0);
                    if ui
                        .small_button(format!("Add {}…", role.label))
                        .on_hover_text("Then click mentions in the text, or pick from the list")
                        .clicked()
                    {
                        self.query.clear();
                        self.highlight = 0;
                        self.focus_picker = true;
                        self.said.clear();
                        out.cmds.push(Message::FillRole {
                            event,
                            role: role.id.clone(),
                        });
                    }
                });
            }
        }
    }

    /// The keyboard picker for the role being filled: type to search, ↑/↓ to choose,
    /// Enter to add, Esc to stop.
    fn picker(
        &mut self,
        ui: &mut egui::Ui,
        p: &Project,
        event: AnnId,
        role: &Slug,
        role_label: &str,
        out: &mut Out,
    ) {
        let candidates: Vec<Candidate> =
            match events::role_candidates(p, out.doc, event, role, &self.query) {
                Ok(c) => c.into_iter().take(PICKER_ROWS).collect(),
                Err(e) => {
                    out.status = Some(e.to_string());
                    Vec::new()
                }
            };
        // In a narrow column the search gets a line of its own (beside its label it would
        // be a box a few letters wide).
        let field = |ui: &mut egui::Ui, query: &mut String, label: egui::Id| {
            ui.add(
                egui::TextEdit::singleline(query)
                    .hint_text("search; Up/Down, Enter; or click in the text")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label)
        };
        let narrow = ui.available_width() < 320.0;
        let r = ui
            .horizontal(|ui| {
                ui.add_space(12.0);
                let l = ui.label(format!("Filler for {role_label}"));
                (!narrow)
                    .then(|| field(ui, &mut self.query, l.id))
                    .ok_or(l.id)
            })
            .inner;
        let r = match r {
            Ok(r) => r,
            Err(label) => {
                ui.horizontal(|ui| {
                    ui.add_space(12.0);
                    field(ui, &mut self.query, label)
                })
                .inner
            }
        };
        if self.focus_picker {
            r.request_focus();
            self.focus_picker = false;
        }
        if r.changed() {
            self.highlight = 0;
        }
        if r.has_focus() {
            let (down, up) =
                ui.input(|i| (i.key_pressed(Key::ArrowDown), i.key_pressed(Key::ArrowUp)));
            if down {
                self.highlight = (self.highlight + 1).min(candidates.len().saturating_sub(1));
            }
            if up {
                self.highlight = self.highlight.saturating_sub(1);
            }
        }
        // Moving in the picker (typing, Up/Down) says the highlighted row.
        if r.has_focus() || r.changed() {
            let said = match candidates.get(self.highlight) {
                Some(c) => crate::app::a11y::row_said(
                    &c.row_text(),
                    None,
                    self.highlight,
                    candidates.len(),
                ),
                None => "Nothing here fits this role".to_owned(),
            };
            if said != self.said {
                out.status = Some(said.clone());
                self.said = said;
            }
        }
        let mut pick = None;
        if r.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
            pick = candidates.get(self.highlight).map(|c| c.target);
            self.focus_picker = true;
        }
        if r.lost_focus() && ui.input(|i| i.key_pressed(Key::Escape)) {
            out.cmds.push(Message::CancelFill);
        }
        for (i, c) in candidates.iter().enumerate() {
            ui.horizontal(|ui| {
                ui.add_space(24.0);
                if candidate_row(ui, c, i == self.highlight).clicked() {
                    pick = Some(c.target);
                }
            });
        }
        if candidates.is_empty() {
            ui.horizontal(|ui| {
                ui.add_space(24.0);
                ui.weak("Nothing here fits this role");
            });
        }
        ui.horizontal(|ui| {
            ui.add_space(12.0);
            if ui.small_button("Done").clicked() {
                out.cmds.push(Message::CancelFill);
            }
        });
        if let Some(target) = pick {
            self.query.clear();
            self.highlight = 0;
            out.cmds.push(Message::AddFiller {
                event,
                role: role.clone(),
                target,
            });
        }
    }

    /// The relations `ann` takes part in, and a form to add one from it.
    fn relations(&mut self, ui: &mut egui::Ui, p: &Project, ann: &Annotation, out: &mut Out) {
        let doc = out.doc;
        let me = Target::Annotation(ann.id);
        let Some(d) = p.documents.get(&doc) else {
            return;
        };
        let rels: Vec<&Annotation> = d
            .annotations
            .values()
            .filter(|a| a.as_relation().is_some_and(|r| r.from == me || r.to == me))
            .collect();
        let focus = out.focus_relation;
        let mut header = egui::CollapsingHeader::new(format!("Relations ({})", rels.len()))
            .id_salt("relations")
            .default_open(!rels.is_empty());
        if focus {
            header = header.open(Some(true));
        }
        header.show(ui, |ui| {
            for r in &rels {
                let Some(rel) = r.as_relation() else { continue };
                let other = if rel.from == me { rel.to } else { rel.from };
                ui.horizontal_wrapped(|ui| {
                    if ui
                        .link(relation_phrase(p, doc, rel))
                        .on_hover_text("Select the relation")
                        .clicked()
                    {
                        out.cmds.push(Message::CancelFill);
                        out.cmds.push(Message::SelectAnnotation(Some(r.id)));
                    }
                    if matches!(other, Target::Entry(_)) {
                        target_link(ui, p, doc, other, &mut out.cmds);
                    }
                });
            }
            let ty = ann.type_id();
            let types: Vec<(Slug, String)> = p
                .schema
                .relation_types
                .iter()
                .filter(|t| {
                    let side = if self.rel_reverse { &t.to } else { &t.from };
                    side.is_empty() || side.contains(ty)
                })
                .map(|t| (t.id.clone(), t.label.clone()))
                .collect();
            if self
                .rel_type
                .as_ref()
                .is_some_and(|t| !types.iter().any(|(id, _)| id == t))
            {
                self.rel_type = None;
            }
            ui.checkbox(&mut self.rel_reverse, "This is the second argument");
            let combo = crate::app::panels::labelled_combo(
                ui,
                "New relation",
                egui::ComboBox::from_id_salt("New relation").selected_text(
                    self.rel_type
                        .as_ref()
                        .map_or("choose a type", |t| p.schema.label(t)),
                ),
                |ui| {
                    for (id, label) in &types {
                        ui.selectable_value(&mut self.rel_type, Some(id.clone()), label);
                    }
                },
            );
            if focus {
                combo.response.request_focus();
                combo.response.scroll_to_me(Some(egui::Align::Center));
            }
            let Some(rt) = self.rel_type.clone() else {
                return;
            };
            let cands: Vec<Candidate> =
                events::relation_candidates(p, doc, &rt, me, self.rel_reverse, &self.rel_query)
                    .map(|c| c.into_iter().take(PICKER_ROWS).collect())
                    .unwrap_or_default();
            let l = ui.label("Relation target");
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut self.rel_query)
                        .hint_text("search; Up/Down, Enter")
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(l.id);
            if r.changed() {
                self.rel_highlight = 0;
            }
            if r.has_focus() {
                let (down, up) =
                    ui.input(|i| (i.key_pressed(Key::ArrowDown), i.key_pressed(Key::ArrowUp)));
                if down {
                    self.rel_highlight =
                        (self.rel_highlight + 1).min(cands.len().saturating_sub(1));
                }
                if up {
                    self.rel_highlight = self.rel_highlight.saturating_sub(1);
                }
            }
            let mut pick = None;
            if r.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                pick = cands.get(self.rel_highlight).map(|c| c.target);
            }
            for (i, c) in cands.iter().enumerate() {
                if candidate_row(ui, c, i == self.rel_highlight).clicked() {
                    pick = Some(c.target);
                }
            }
            if let Some(other) = pick {
                let (from, to) = if self.rel_reverse {
                    (other, me)
                } else {
                    (me, other)
                };
                match events::create_relation(p, doc, &rt, from, to) {
                    Ok((tx, _)) => {
                        out.cmds.push(Message::Apply(tx));
                        self.rel_query.clear();
                        self.rel_highlight = 0;
                    }
                    Err(e) => out.status = Some(format!("Cannot relate: {e}")),
                }
            }
        });
    }
}
