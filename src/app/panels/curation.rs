//! The Curation window (issue 26): the open document's places where the annotators'
//! independent layers differ (`model::curation::differences`) — mentions, events and
//! relations — each place with the annotators' versions side by side in one column per
//! annotator, the part that differs coloured by kind (span, type, link/roles/ends, only
//! some have it). Per place: "Accept" a version (replacing a version chosen before),
//! "Edit" (accept it and select the shared copy in the inspector), or merge (span of one,
//! type of another, link of a third); and "Accept all where all agree". Every choice is one
//! transaction queued as `Message::Apply`, so one Undo takes it back. Clicking a place's
//! kind shows it in the reader. Reached by `Command::ToggleCuration`.

use super::View;
use crate::app::{AppState, Command, Message, Queue};
use crate::model::curation::{self, Difference, Item, Kind, Merge};
use crate::model::{AnnId, Annotation, Body, Document, Project, Span, Target};
use egui::{Color32, RichText};
use std::collections::HashMap;

#[derive(Default)]
pub struct CurationWindow {
    /// Per place (keyed by its first version): the versions chosen for a merge's span,
    /// type and link.
    merge: HashMap<AnnId, [usize; 3]>,
    /// The places of the document last shown, per project generation (not recomputed each
    /// frame while scrolling).
    places: Option<(u64, crate::model::DocId, Vec<Difference>)>,
}

pub fn kind_label(k: Kind, item: Item) -> &'static str {
    match (k, item) {
        (Kind::Agreed, _) => "all agree",
        (Kind::LinkDiffers, Item::Mention) => "link differs",
        (Kind::LinkDiffers, Item::Event) => "roles differ",
        (Kind::LinkDiffers, Item::Relation) => "ends differ",
        (Kind::TypeDiffers, _) => "type differs",
        (Kind::SpanDiffers, _) => "span differs",
        (Kind::OnlySome, _) => "only some have it",
    }
}

/// The colour of a kind: of its label and of the differing part of each version.
pub fn kind_color(k: Kind) -> Color32 {
    match k {
        Kind::Agreed => Color32::from_rgb(0x2e, 0x8b, 0x57),
        Kind::LinkDiffers => Color32::from_rgb(0x3b, 0x6e, 0xd6),
        Kind::TypeDiffers => Color32::from_rgb(0xd0, 0x7a, 0x00),
        Kind::SpanDiffers => Color32::from_rgb(0xc8, 0x30, 0x30),
        Kind::OnlySome => Color32::from_rgb(0x8a, 0x5c, 0xc8),
    }
}

fn item_label(i: Item) -> &'static str {
    match i {
        Item::Mention => "mention",
        Item::Event => "event",
        Item::Relation => "relation",
    }
}

fn quote(a: &Annotation) -> String {
    a.anchor().map_or(String::new(), |x| x.quote.exact.clone())
}

/// A filler or relation end in words.
fn end_text(project: &Project, doc: &Document, t: &Target) -> String {
    match t {
        Target::Entry(e) => project
            .registry
            .get(e)
            .map_or_else(|| "(missing entry)".to_owned(), |x| x.name.clone()),
        Target::Annotation(id) => match doc.annotations.get(id) {
            Some(a) if a.anchor().is_some() => {
                let t = project.schema.label(a.type_id());
                format!("{} “{}”", super::cut(t, 40), super::cut(&quote(a), 60))
            }
            Some(a) => super::cut(project.schema.label(a.type_id()), 60),
            None => "(missing)".to_owned(),
        },
    }
}

/// One version's parts, the differing one coloured.
fn describe(ui: &mut egui::Ui, project: &Project, doc: &Document, a: &Annotation, kind: Kind) {
    let hl = |text: String, on: bool| {
        let t = RichText::new(text);
        if on {
            t.color(kind_color(kind)).strong()
        } else {
            t
        }
    };
    let wrap = |ui: &mut egui::Ui, t: RichText| {
        ui.add(egui::Label::new(t).wrap());
    };
    wrap(
        ui,
        hl(
            super::cut(project.schema.label(a.type_id()), 120),
            kind == Kind::TypeDiffers || kind == Kind::OnlySome,
        ),
    );
    if let Some(x) = a.anchor() {
        let e = x.extent();
        wrap(
            ui,
            hl(
                format!("“{}” {}–{}", super::cut(&quote(a), 120), e.start, e.end),
                kind == Kind::SpanDiffers,
            ),
        );
    }
    let link = kind == Kind::LinkDiffers;
    match &a.body {
        Body::Mention(m) => {
            let t = m.entry.map_or_else(
                || "no link".to_owned(),
                |e| format!("→ {}", end_text(project, doc, &Target::Entry(e))),
            );
            wrap(ui, hl(super::cut(&t, 120), link));
        }
        Body::Event(e) => {
            for (role, fs) in &e.roles {
                for f in fs {
                    let t = format!("{}: {}", role.0, end_text(project, doc, f));
                    wrap(ui, hl(super::cut(&t, 160), link));
                }
            }
        }
        Body::Relation(r) => {
            let t = format!(
                "{} → {}",
                end_text(project, doc, &r.from),
                end_text(project, doc, &r.to)
            );
            wrap(ui, hl(super::cut(&t, 200), link));
        }
    }
}

impl CurationWindow {
    fn place(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        doc: &Document,
        annotators: &[String],
        d: &Difference,
        cmds: &mut Queue,
    ) {
        let doc_id = doc.id();
        ui.separator();
        ui.horizontal_wrapped(|ui| {
            let kind = RichText::new(kind_label(d.kind, d.item))
                .color(kind_color(d.kind))
                .strong();
            let r = ui
                .add(egui::Button::new(kind).frame(false))
                .on_hover_text("Show this place in the reader");
            if r.clicked() {
                cmds.push(Message::Jump {
                    doc: doc_id,
                    span: place_span(doc, d),
                });
            }
            ui.label(format!("{} at {}", item_label(d.item), d.start));
            if d.curated {
                ui.label("· curated");
            }
        });
        ui.columns(annotators.len().max(1), |cols| {
            for (who, col) in annotators.iter().zip(cols.iter_mut()) {
                col.add(egui::Label::new(RichText::new(super::cut(who, 40)).strong()).wrap());
                let mine: Vec<_> = d.versions.iter().filter(|v| &v.who == who).collect();
                if mine.is_empty() {
                    col.weak("— none");
                }
                for v in mine {
                    let Some(a) = doc.annotations.get(&v.id) else {
                        continue;
                    };
                    col.push_id(v.id, |ui| {
                        describe(ui, project, doc, a, d.kind);
                        ui.horizontal_wrapped(|ui| {
                            let what = format!(
                                "Accept {who}'s {} “{}”",
                                super::cut(&a.type_id().0, 40),
                                super::cut(&quote(a), 40)
                            );
                            let accept = if v.curated { "✔ Accepted" } else { "Accept" };
                            if super::small_action(ui, accept, &what).clicked()
                                && let Some(c) = curation::choose(project, doc_id, d, v.id)
                                && let Some(tx) = c.tx
                            {
                                cmds.push(Message::Apply(tx));
                            }
                            let edit = format!("Edit {who}'s version (accept it, then edit it)");
                            if super::small_action(ui, "Edit", &edit).clicked()
                                && let Some(c) = curation::choose(project, doc_id, d, v.id)
                            {
                                if let Some(tx) = c.tx {
                                    cmds.push(Message::Apply(tx));
                                }
                                cmds.push(Message::SelectAnnotation(c.shared));
                            }
                        });
                    });
                }
            }
        });
        if d.versions.len() > 1 && d.kind != Kind::Agreed {
            self.merge_row(ui, project, doc_id, d, cmds);
        }
    }

    fn merge_row(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        doc_id: crate::model::DocId,
        d: &Difference,
        cmds: &mut Queue,
    ) {
        let key = d.versions[0].id;
        let n = d.versions.len();
        let pick = self.merge.entry(key).or_insert([0, 0, 0]);
        for p in pick.iter_mut() {
            *p = (*p).min(n - 1);
        }
        let parts = match d.item {
            Item::Mention => ["span of", "type of", "link of"],
            Item::Event => ["trigger of", "type of", "roles of"],
            Item::Relation => ["—", "type of", "ends of"],
        };
        ui.horizontal_wrapped(|ui| {
            ui.label("Merge:");
            for (i, part) in parts.iter().enumerate() {
                if *part == "—" {
                    continue;
                }
                ui.label(*part);
                let label = |j: usize| {
                    let v = &d.versions[j];
                    let same = d.versions.iter().filter(|x| x.who == v.who).count() > 1;
                    let who = super::cut(&v.who, 20);
                    if same {
                        format!("{who} {}", j + 1)
                    } else {
                        who
                    }
                };
                egui::ComboBox::from_id_salt(("merge", key, i))
                    .selected_text(label(pick[i]))
                    .show_ui(ui, |ui| {
                        for j in 0..n {
                            ui.selectable_value(&mut pick[i], j, label(j));
                        }
                    });
            }
            if d.item == Item::Relation {
                pick[0] = pick[2];
            }
            let parts = Merge {
                span: d.versions[pick[0]].id,
                type_of: d.versions[pick[1]].id,
                link: d.versions[pick[2]].id,
            };
            if super::small_action(ui, "Merge", "Accept the merged version").clicked()
                && let Some(tx) = curation::merge(project, doc_id, d, parts)
            {
                cmds.push(Message::Apply(tx));
            }
        });
    }
}

/// The text a place covers (its versions' extents), for the reader to show.
fn place_span(doc: &Document, d: &Difference) -> Span {
    let ext: Vec<Span> = d
        .versions
        .iter()
        .filter_map(|v| doc.annotations.get(&v.id))
        .filter_map(|a| match &a.body {
            Body::Relation(r) => match r.from {
                Target::Annotation(x) => doc.annotations.get(&x).and_then(|a| a.anchor()),
                Target::Entry(_) => None,
            },
            _ => a.anchor(),
        })
        .map(|x| x.extent())
        .collect();
    Span {
        start: ext.iter().map(|s| s.start).min().unwrap_or(d.start),
        end: ext.iter().map(|s| s.end).max().unwrap_or(d.start),
    }
}

impl View for CurationWindow {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        if !st.curation_open {
            return;
        }
        let (Some(session), Some(doc_id)) = (st.session.as_ref(), st.doc) else {
            return;
        };
        let project = &session.project;
        let Some(doc) = project.documents.get(&doc_id) else {
            return;
        };
        let mut open = true;
        let mut cmds = Queue::default();
        let generation = session.generation;
        if self
            .places
            .as_ref()
            .is_none_or(|(g, d, _)| (*g, *d) != (generation, doc_id))
        {
            self.places = Some((generation, doc_id, curation::differences(project, doc)));
        }
        let diffs = self.places.take().map(|p| p.2).unwrap_or_default();
        let r = super::show_window(
            super::window(ui.ctx(), "Curation")
                .open(&mut open)
                .default_width(620.0)
                .default_height(640.0)
                .default_pos(ui.ctx().content_rect().center_top() + egui::vec2(-310.0, 60.0)),
            ui.ctx(),
            |ui| {
                let annotators: Vec<String> = crate::model::layers::layers_of(project, doc)
                    .into_iter()
                    .collect();
                ui.add(
                    egui::Label::new(format!(
                        "“{}”: {} places in the layers of {}; {} curated, {} where all agree.",
                        super::cut(&doc.meta.title, 60),
                        diffs.len(),
                        super::cut(&annotators.join(", "), 120),
                        diffs.iter().filter(|d| d.curated).count(),
                        diffs.iter().filter(|d| d.kind == Kind::Agreed).count(),
                    ))
                    .wrap(),
                );
                ui.horizontal_wrapped(|ui| {
                    if ui.button("Accept all where all agree").clicked()
                        && let Some(tx) = curation::accept_agreed(project, doc_id)
                    {
                        cmds.push(Message::Apply(tx));
                    }
                    if ui.button("Close").clicked() {
                        cmds.push(Command::ToggleCuration);
                    }
                });
                let h = (ui.available_height() - 8.0).clamp(120.0, 560.0);
                egui::ScrollArea::vertical()
                    .id_salt("curation-places")
                    .max_height(h)
                    .show(ui, |ui| {
                        for d in &diffs {
                            ui.push_id(d.versions[0].id, |ui| {
                                self.place(ui, project, doc, &annotators, d, &mut cmds);
                            });
                        }
                    });
            },
        );
        self.places = Some((generation, doc_id, diffs));
        st.queue.extend(cmds);
        if !open || super::esc_closes(ui.ctx(), &r) {
            st.curation_open = false;
        }
    }
}
