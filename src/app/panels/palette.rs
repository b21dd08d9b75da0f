//! The command palette (Ctrl+Shift+P): every command of the table, filtered as you type;
//! Enter runs the first.

use super::View;
use crate::app::command::{palette_score, table};
use crate::app::{AppState, Focus};

#[derive(Default)]
pub struct Palette;

impl View for Palette {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        if !st.palette_open {
            return;
        }
        let ctx = ui.ctx().clone();
        let specs = table(st.session.as_ref().map(|s| &s.project).map(|p| &p.schema));
        let mut run = None;
        let mut close = false;
        egui::Window::new("Command palette")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_TOP, [0.0, 60.0])
            .show(&ctx, |ui| {
                let l = ui.label("Command");
                let r = ui
                    .add(egui::TextEdit::singleline(&mut st.palette_query).desired_width(400.0))
                    .labelled_by(l.id);
                if st.focus == Some(Focus::Palette) {
                    r.request_focus();
                    st.focus = None;
                }
                let mut hits: Vec<_> = specs
                    .iter()
                    .filter(|s| s.menu != crate::app::Menu::None || s.shortcut.is_none())
                    .filter_map(|s| palette_score(&s.label, &st.palette_query).map(|k| (k, s)))
                    .collect();
                hits.sort_by_key(|h| std::cmp::Reverse(h.0));
                if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    run = hits.first().map(|h| h.1.command.clone());
                }
                if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    close = true;
                }
                egui::ScrollArea::vertical()
                    .max_height(360.0)
                    .show(ui, |ui| {
                        for (_, s) in hits.iter().take(40) {
                            let mut b = egui::Button::new(&s.label);
                            if let Some(sc) = s.shortcut {
                                b = b.shortcut_text(crate::app::command::shortcut_text(
                                    &sc,
                                    ctx.os().is_mac(),
                                ));
                            }
                            if ui.add(b).clicked() {
                                run = Some(s.command.clone());
                            }
                        }
                    });
            });
        if let Some(c) = run {
            st.queue.push(c);
            close = true;
        }
        if close {
            st.palette_open = false;
        }
    }
}
