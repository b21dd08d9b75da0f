//! The Curation window (issue 26): the open document's places where the annotators'
//! independent layers differ, side by side (`model::curation::differences`), each version
//! with an "Accept" button that copies it into the shared layer — the adjudicated set that
//! exports write — and "Accept all where all agree". Every choice is one transaction queued
//! as `Message::Apply`, so one Undo takes it back. Reached by `Command::ToggleCuration`.

use super::View;
use crate::app::{AppState, Command, Message, Queue};
use crate::model::curation::{self, Kind};

#[derive(Default)]
pub struct CurationWindow;

fn kind_label(k: Kind) -> &'static str {
    match k {
        Kind::Agreed => "all agree",
        Kind::LinkDiffers => "link differs",
        Kind::TypeDiffers => "type differs",
        Kind::SpanDiffers => "span differs",
        Kind::OnlySome => "only some have it",
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
        super::show_window(
            super::window(ui.ctx(), "Curation")
                .open(&mut open)
                .default_width(560.0)
                .default_pos(ui.ctx().content_rect().center_top() + egui::vec2(-280.0, 80.0)),
            ui.ctx(),
            |ui| {
                let diffs = curation::differences(project, doc);
                ui.label(format!(
                    "“{}”: {} places in the annotators' layers, {} curated.",
                    super::cut(&doc.meta.title, 60),
                    diffs.len(),
                    diffs.iter().filter(|d| d.curated).count()
                ));
                if ui.button("Accept all where all agree").clicked()
                    && let Some(tx) = curation::accept_agreed(project, doc_id)
                {
                    cmds.push(Message::Apply(tx));
                }
                egui::ScrollArea::vertical()
                    .max_height(480.0)
                    .show(ui, |ui| {
                        for (i, d) in diffs.iter().enumerate() {
                            ui.push_id(i, |ui| {
                                ui.separator();
                                ui.horizontal_wrapped(|ui| {
                                    ui.strong(kind_label(d.kind));
                                    if d.curated {
                                        ui.label("(curated)");
                                    }
                                });
                                for (who, id) in &d.versions {
                                    let Some(a) = doc.annotations.get(id) else {
                                        continue;
                                    };
                                    let quote =
                                        a.anchor().map_or(String::new(), |x| x.quote.exact.clone());
                                    ui.horizontal_wrapped(|ui| {
                                        ui.label(format!(
                                            "{who}: {} “{}”",
                                            a.type_id().0,
                                            super::cut(&quote, 40)
                                        ));
                                        if super::small_action(
                                            ui,
                                            "Accept",
                                            &format!(
                                                "Accept {who}'s {} “{}”",
                                                a.type_id().0,
                                                super::cut(&quote, 40)
                                            ),
                                        )
                                        .clicked()
                                            && let Some(tx) =
                                                curation::accept(project, doc_id, &[*id])
                                        {
                                            cmds.push(Message::Apply(tx));
                                        }
                                    });
                                }
                            });
                        }
                    });
                if ui.button("Close").clicked() {
                    cmds.push(Command::ToggleCuration);
                }
            },
        );
        st.queue.extend(cmds);
        if !open {
            st.curation_open = false;
        }
    }
}
