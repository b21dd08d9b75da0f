//! The conflict review: each record a merge could not decide (from disk, or recorded in the
//! files by the git merge driver), mine and theirs side by side with the text an annotation
//! anchors to; keep mine, theirs or both, per record or for all. A choice is one undoable
//! transaction (queued as [`Message::Apply`]); saving is refused until none is left.

use super::View;
use crate::app::{AppState, Message};
use crate::model::merge::{Choice, Conflict, Record, resolve};
use crate::model::{Annotation, Body, Project};

/// Shows the review while `AppState::conflicts_open` is set. Holds the reason the last
/// choice was refused, if it was.
#[derive(Default)]
pub struct ConflictsWindow {
    refused: Option<String>,
}

impl View for ConflictsWindow {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        if !st.conflicts_open {
            return;
        }
        let Some(session) = st.session.as_ref() else {
            st.conflicts_open = false;
            return;
        };
        let project = &session.project;
        let mut open = true;
        let mut chosen: Option<(Vec<usize>, Choice)> = None;
        let shown = super::show_window(
            super::window(ui.ctx(), "Merge conflicts")
                .open(&mut open)
                .default_width(760.0)
                .default_pos(ui.ctx().content_rect().center_top() + egui::vec2(-380.0, 50.0)),
            ui.ctx(),
            |ui| {
                let n = project.conflicts.len();
                if n == 0 {
                    ui.label("No conflicts left: the project can be saved.");
                    return;
                }
                ui.label(format!(
                    "{n} record{} changed differently on both sides. Choose which version to keep; until every conflict is resolved, saving is refused and both versions stay recorded, so nothing is lost. Each choice can be undone.",
                    if n == 1 { " was" } else { "s were" }
                ));
                ui.horizontal(|ui| {
                    let all: Vec<usize> = (0..n).collect();
                    for c in [Choice::Mine, Choice::Theirs, Choice::Both] {
                        let enabled = c != Choice::Both
                            || project.conflicts.iter().all(Conflict::can_keep_both);
                        if ui
                            .add_enabled(
                                enabled,
                                egui::Button::new(format!("{} for all", c.label())),
                            )
                            .clicked()
                        {
                            chosen = Some((all.clone(), c));
                        }
                    }
                });
                if let Some(why) = &self.refused {
                    ui.colored_label(ui.visuals().error_fg_color, why);
                }
                ui.separator();
                egui::ScrollArea::vertical()
                    .max_height(480.0)
                    .show(ui, |ui| {
                        for (i, c) in project.conflicts.iter().enumerate() {
                            ui.push_id(i, |ui| {
                                if let Some(choice) = conflict_ui(ui, project, c) {
                                    chosen = Some((vec![i], choice));
                                }
                            });
                            ui.separator();
                        }
                    });
            },
        );
        if super::esc_closes(ui.ctx(), &shown) {
            open = false;
        }
        if let Some((which, choice)) = chosen {
            match resolve(project, &which, choice) {
                Ok(tx) => {
                    self.refused = None;
                    st.queue.push(Message::Apply(tx));
                }
                Err(e) => self.refused = Some(format!("Not resolved: {e}")),
            }
        }
        if !open {
            st.conflicts_open = false;
        }
    }
}

/// One conflict: what it is about, both versions side by side, and the three choices.
fn conflict_ui(ui: &mut egui::Ui, project: &Project, c: &Conflict) -> Option<Choice> {
    ui.strong(c.summary());
    ui.columns(2, |cols| {
        version_ui(
            &mut cols[0],
            project,
            &format!("Mine ({})", c.ours_label),
            c.ours.as_ref(),
        );
        version_ui(
            &mut cols[1],
            project,
            &format!("Theirs ({})", c.theirs_label),
            c.theirs.as_ref(),
        );
    });
    let mut out = None;
    ui.horizontal(|ui| {
        for choice in [Choice::Mine, Choice::Theirs, Choice::Both] {
            let enabled = choice != Choice::Both || c.can_keep_both();
            if ui
                .add_enabled(enabled, egui::Button::new(choice.label()))
                .clicked()
            {
                out = Some(choice);
            }
        }
    });
    out
}

fn version_ui(ui: &mut egui::Ui, project: &Project, heading: &str, r: Option<&Record>) {
    ui.label(egui::RichText::new(heading).strong());
    let Some(r) = r else {
        ui.label("(deleted)");
        return;
    };
    for line in describe(project, r) {
        ui.label(line);
    }
    let all = ron::ser::to_string_pretty(r, ron::ser::PrettyConfig::new())
        .unwrap_or_else(|e| format!("cannot show: {e}"));
    egui::CollapsingHeader::new("All fields")
        .id_salt(heading)
        .show(ui, |ui| {
            ui.monospace(all);
        });
}

/// A few lines a person can compare: for an annotation its type, the text it anchors to
/// (with context), its note and link; for other records their name.
pub fn describe(project: &Project, r: &Record) -> Vec<String> {
    match r {
        Record::Annotation(a) => describe_annotation(project, a),
        Record::Entry(e) => {
            let mut v = vec![format!("{} ({})", e.name, project.schema.label(&e.type_id))];
            if !e.aliases.is_empty() {
                let names: Vec<&str> = e.aliases.iter().map(|a| a.name.as_str()).collect();
                v.push(format!("also: {}", names.join(", ")));
            }
            if !e.note.is_empty() {
                v.push(format!("note: {}", e.note));
            }
            v
        }
        Record::Document(m) => vec![
            format!("title: {}", m.title),
            format!("status: {:?}", m.status),
        ],
        Record::Info(i) => vec![format!("name: {}", i.name), i.description.clone()],
        Record::EntityType(t) => vec![format!("entity type \"{}\"", t.label)],
        Record::EventType(t) => vec![format!("event type \"{}\"", t.label)],
        Record::RelationType(t) => vec![format!("relation type \"{}\"", t.label)],
        Record::Attribute(t) => vec![format!("attribute \"{}\"", t.label)],
        Record::DocumentFile(p) => vec![format!("annotation file {p}")],
    }
}

fn describe_annotation(project: &Project, a: &Annotation) -> Vec<String> {
    let (kind, ty) = match &a.body {
        Body::Mention(m) => ("mention", &m.type_id),
        Body::Event(e) => ("event", &e.type_id),
        Body::Relation(r) => ("relation", &r.type_id),
    };
    let mut v = vec![format!("{kind}: {}", project.schema.label(ty))];
    if let Some(anchor) = a.anchor() {
        let q = &anchor.quote;
        v.push(format!("text: \"{}\"", q.exact));
        let flat = |s: &str| s.replace(['\n', '\r', '\t'], " ");
        v.push(format!(
            "in: …{}[{}]{}…",
            flat(&q.prefix).trim_start(),
            flat(&q.exact),
            flat(&q.suffix).trim_end()
        ));
    }
    if let Body::Mention(m) = &a.body
        && let Some(e) = m.entry
    {
        let name = project
            .registry
            .get(&e)
            .map_or_else(|| format!("entry {}", e.short()), |x| x.name.clone());
        v.push(format!("linked to: {name}"));
    }
    if let Body::Event(e) = &a.body {
        let fillers: usize = e.roles.values().map(Vec::len).sum();
        v.push(format!(
            "{}, {}",
            crate::words::count(e.roles.len(), "role", "roles"),
            crate::words::count(fillers, "filler", "fillers")
        ));
    }
    if !a.note.is_empty() {
        v.push(format!("note: {}", a.note));
    }
    if let Some(c) = a.cert {
        v.push(format!("certainty: {c:?}"));
    }
    v
}
