//! The Problems window: what loading the project found (the same list `marginalia check`
//! prints: dangling links, missing or changed sources, anchors flagged for review, a
//! read-only newer format), each with a button that jumps to where it is.

use super::View;
use crate::app::{AppState, Command, Message, Queue};
use crate::model::validate::{Problem, Severity};
use crate::model::{Project, Span};

/// Shows the Problems window while `AppState::problems_open` is set.
#[derive(Default)]
pub struct ProblemsWindow;

impl View for ProblemsWindow {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        if !st.problems_open {
            return;
        }
        let mut open = true;
        let mut cmds = Queue::default();
        let shown = super::show_window(
            super::window(ui.ctx(), "Problems")
                .open(&mut open)
                .default_width(520.0)
                .default_pos(ui.ctx().content_rect().center_top() + egui::vec2(-260.0, 60.0)),
            ui.ctx(),
            |ui| {
                let errors = st
                    .problems
                    .iter()
                    .filter(|p| p.severity == Severity::Error)
                    .count();
                ui.label(format!(
                    "{errors} error(s), {} warning(s) found when the project was opened.",
                    st.problems.len() - errors
                ));
                egui::ScrollArea::vertical()
                    .max_height(360.0)
                    .show(ui, |ui| {
                        for (i, problem) in st.problems.iter().enumerate() {
                            ui.push_id(i, |ui| {
                                ui.horizontal_wrapped(|ui| {
                                    let tag = match problem.severity {
                                        Severity::Error => "Error",
                                        Severity::Warning => "Warning",
                                    };
                                    ui.strong(tag);
                                    ui.label(&problem.message);
                                    if let Some(p) = st.session.as_ref().map(|s| &s.project)
                                        && let Some(go) = jump_to(p, problem)
                                        && ui.button("Go to").clicked()
                                    {
                                        for m in go {
                                            cmds.push(m);
                                        }
                                    }
                                });
                            });
                        }
                    });
                if ui.button("Close").clicked() {
                    cmds.push(Command::ToggleProblems);
                }
            },
        );
        if super::esc_closes(ui.ctx(), &shown) {
            open = false;
        }
        st.queue.extend(cmds);
        if !open {
            st.problems_open = false;
        }
    }
}

/// The messages that show where `problem` is, if it names a place the project still has.
fn jump_to(p: &Project, problem: &Problem) -> Option<Vec<Message>> {
    if let Some(entry) = problem.entry {
        return p
            .registry
            .contains_key(&entry)
            .then(|| vec![Message::OpenEntry(Some(entry))]);
    }
    let doc = problem.document?;
    let d = p.documents.get(&doc)?;
    let mut go = vec![Message::SelectDocument(doc)];
    if let Some(a) = problem.annotation.and_then(|a| d.annotations.get(&a)) {
        let span = a.anchor().map_or(Span::new(0, 0), |an| an.extent());
        go.push(Message::Jump { doc, span });
        go.push(Message::SelectAnnotation(Some(a.id)));
    }
    Some(go)
}
