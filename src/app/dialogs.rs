//! Modal dialogs: unsaved changes, a conflict on disk, recovery, "tag all" review, messages.

use super::message::Message;
use super::state::{Dialog, TagAllReview};
use super::{App, Command, recovery};
use crate::model::Project;
use crate::model::ops::tagging::{self, Occurrence};

impl App {
    pub(super) fn dialogs(&mut self, ctx: &egui::Context) {
        self.annotator_prompt(ctx);
        let Some(dialog) = self.state.dialog.clone() else {
            return;
        };
        let mut close = false;
        let st = &mut self.state;
        egui::Modal::new(egui::Id::unique("dialog")).show(ctx, |ui| {
            ui.set_max_width(520.0);
            match &dialog {
                Dialog::Unsaved { then } => {
                    ui.heading("Unsaved changes");
                    ui.label("The project has changes that are not saved yet.");
                    ui.horizontal(|ui| {
                        if ui.button("Save").clicked() {
                            st.queue.push(Command::Save);
                            st.queue.push((**then).clone());
                            close = true;
                        }
                        if ui.button("Discard changes").clicked() {
                            recovery::remove(st.session.as_ref());
                            st.session = None;
                            st.doc = None;
                            st.selected = None;
                            st.allow_close = true;
                            st.queue.push((**then).clone());
                            close = true;
                        }
                        if ui.button("Cancel").clicked() {
                            close = true;
                        }
                    });
                }
                Dialog::Conflict(msg) => {
                    ui.heading("The project changed on disk");
                    ui.label(msg);
                    ui.label("Your changes are not saved. Reload the project from disk (dropping your changes), or keep yours by saving them as a copy.");
                    ui.horizontal(|ui| {
                        if ui.button("Save mine as a copy…").clicked() {
                            st.queue.push(Command::SaveCopyDialog);
                            close = true;
                        }
                        if ui.button("Reload from disk").clicked() {
                            st.queue.push(Message::Reload);
                            close = true;
                        }
                        if ui.button("Cancel").clicked() {
                            close = true;
                        }
                    });
                }
                Dialog::InUse { path, who } => {
                    ui.heading("The project is open elsewhere");
                    ui.label(format!("Open by {who}."));
                    ui.label("Continue to work on it too (changes are merged when either saves), or open it read-only.");
                    ui.horizontal(|ui| {
                        if ui.button("Continue").clicked() {
                            st.queue.push(Message::OpenInUse {
                                path: path.clone(),
                                read_only: false,
                            });
                            close = true;
                        }
                        if ui.button("Open read-only").clicked() {
                            st.queue.push(Message::OpenInUse {
                                path: path.clone(),
                                read_only: true,
                            });
                            close = true;
                        }
                        if ui.button("Cancel").clicked() {
                            close = true;
                        }
                    });
                }
                Dialog::Recovery(r) => {
                    ui.heading("Recover unsaved work?");
                    ui.label(format!(
                        "A recovery copy from an earlier session holds changes to {} document(s) that were never saved.",
                        r.docs.len()
                    ));
                    ui.horizontal(|ui| {
                        if ui.button("Restore changes").clicked() {
                            if let Some(session) = st.session.as_ref() {
                                match r.transaction(&session.project, session.dir()) {
                                    Ok(tx) => st.queue.push(Message::Apply(tx)),
                                    Err(e) => st.status = format!("cannot restore: {e}"),
                                }
                            }
                            close = true;
                        }
                        if ui.button("Discard recovery copy").clicked() {
                            recovery::remove(st.session.as_ref());
                            close = true;
                        }
                    });
                }
                Dialog::TagAll(review) => {
                    let mut review = review.clone();
                    ui.heading(format!("Tag all \"{}\"", review.needle));
                    let project = st.project();
                    // The type to tag as, chosen here (it starts as the selected mention's
                    // type, or the first entity type for a bare text selection).
                    if let Some(p) = project {
                        let mut ty = review.type_id.clone();
                        egui::ComboBox::from_label("Tag as")
                            .selected_text(p.schema.label(&ty))
                            .show_ui(ui, |ui| {
                                for t in &p.schema.entity_types {
                                    ui.selectable_value(&mut ty, t.id.clone(), &t.label);
                                }
                            });
                        if ty != review.type_id {
                            retype(&mut review, p, ty);
                        }
                    }
                    ui.label(format!(
                        "{} occurrence(s); untick any that are not a {}.",
                        review.hits.len(),
                        project.map_or("", |p| p.schema.label(&review.type_id))
                    ));
                    egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
                        for (occ, keep) in &mut review.hits {
                            let label = project
                                .map(|p| occurrence_label(p, occ))
                                .unwrap_or_default();
                            ui.add_enabled(
                                !occ.already_tagged,
                                egui::Checkbox::new(keep, label),
                            );
                        }
                    });
                    ui.horizontal(|ui| {
                        if ui.button("Apply").clicked() {
                            let chosen: Vec<Occurrence> = review
                                .hits
                                .iter()
                                .filter(|(_, k)| *k)
                                .map(|(o, _)| o.clone())
                                .collect();
                            if let Some(p) = st.project() {
                                match tagging::tag_all(p, &review.type_id, review.entry, &chosen) {
                                    Ok(tx) => st.queue.push(Message::Apply(tx)),
                                    Err(e) => st.status = e.to_string(),
                                }
                            }
                            close = true;
                        }
                        if ui.button("Cancel").clicked() {
                            close = true;
                        }
                    });
                    if !close {
                        st.dialog = Some(Dialog::TagAll(review));
                    }
                }
                Dialog::Message(m) => {
                    ui.label(m);
                    if ui.button("OK").clicked() {
                        close = true;
                    }
                }
                Dialog::OfferProject(dir) => {
                    ui.heading("No project in this folder yet");
                    ui.label(super::start::offer_text(dir));
                    ui.horizontal(|ui| {
                        if ui.button("Create a project here").clicked() {
                            st.queue.push(super::Message::NewFromFolder(dir.clone()));
                            close = true;
                        }
                        if ui.button("Cancel").clicked() {
                            close = true;
                        }
                    });
                }
            }
        });
        if close {
            self.state.dialog = None;
        }
    }
}

/// Changes the type a tag-all review tags as: each occurrence is re-checked for a mention
/// of the new type on exactly its span; an occurrence whose "already tagged" state changes
/// is ticked when it can be tagged and unticked when it cannot.
fn retype(review: &mut TagAllReview, p: &Project, ty: crate::model::Slug) {
    for (occ, keep) in &mut review.hits {
        let tagged = p.documents.get(&occ.doc).is_some_and(|d| {
            d.annotations.values().any(|a| {
                a.as_mention()
                    .is_some_and(|m| m.type_id == ty && m.anchor.fragments == [occ.span])
            })
        });
        if tagged != occ.already_tagged {
            occ.already_tagged = tagged;
            *keep = !tagged;
        }
    }
    review.type_id = ty;
}

fn occurrence_label(p: &Project, o: &Occurrence) -> String {
    let Some(d) = p.documents.get(&o.doc) else {
        return String::new();
    };
    let t = d.text_or_empty();
    let before = t
        .slice(o.span.start.saturating_sub(30), o.span.start)
        .replace('\n', " ");
    let after = t.slice(o.span.end, o.span.end + 30).replace('\n', " ");
    let mut s = format!(
        "{}: …{before}[{}]{after}…",
        d.meta.title,
        t.slice(o.span.start, o.span.end)
    );
    if o.already_tagged {
        s.push_str(" (already tagged)");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Slug;
    use crate::model::ops::tagging::{occurrences, tag_mention};
    use crate::model::query::text::FindOptions;

    #[test]
    fn retyping_a_review_rechecks_what_is_already_tagged() {
        let mut p = Project::new("t");
        let meta = crate::model::DocumentMeta {
            id: crate::model::DocId::new(),
            title: "d".into(),
            source: None,
            images: vec![],
            status: crate::model::DocStatus::NotStarted,
            archival: Default::default(),
        };
        let d = meta.id;
        let text = crate::model::SourceText::from_str_normalizing("Paris and Paris.");
        p.documents.insert(
            d,
            crate::model::Document {
                meta,
                text: Some(text),
                annotations: Default::default(),
            },
        );
        let (person, place) = (Slug::new("person"), Slug::new("place"));
        // The second "Paris" is already tagged as a place.
        let target = crate::model::Span::new(10, 15);
        let (tx, _) = tag_mention(&p, d, &[target], &place).unwrap();
        tx.apply(&mut p).unwrap();
        let hits = occurrences(&p, Some(d), "Paris", &person, FindOptions::default());
        assert_eq!(hits.len(), 2);
        let mut review = TagAllReview {
            needle: "Paris".into(),
            type_id: person.clone(),
            entry: None,
            hits: hits
                .into_iter()
                .map(|o| {
                    let keep = !o.already_tagged;
                    (o, keep)
                })
                .collect(),
        };
        let at = |r: &TagAllReview| r.hits.iter().find(|(o, _)| o.span == target).cloned();
        assert_eq!(
            at(&review).map(|(o, k)| (o.already_tagged, k)),
            Some((false, true))
        );
        retype(&mut review, &p, place.clone());
        assert_eq!(review.type_id, place);
        assert_eq!(
            at(&review).map(|(o, k)| (o.already_tagged, k)),
            Some((true, false))
        );
        // The other occurrence stays ticked.
        assert!(review.hits.iter().any(|(o, k)| o.span != target && *k));
        retype(&mut review, &p, person);
        assert_eq!(
            at(&review).map(|(o, k)| (o.already_tagged, k)),
            Some((false, true))
        );
    }
}
