//! The command palette (Ctrl+Shift+P): every command of the table, filtered as you type;
//! Up and Down move the highlighted row (shown selected), Enter runs it, Esc closes.

use super::View;
use crate::app::command::{palette_score, table};
use crate::app::{AppState, Focus};

/// Rows listed at most.
const ROWS: usize = 40;

#[derive(Default)]
pub struct Palette {
    /// The highlighted row, and the query it was chosen for (a new query starts at the top).
    highlight: usize,
    query: String,
    /// What was last said about the rows (spoken again only when it changes).
    said: String,
}

impl View for Palette {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        if !st.palette_open {
            return;
        }
        let ctx = ui.ctx().clone();
        let specs = table(st.session.as_ref().map(|s| &s.project).map(|p| &p.schema));
        let mut run = None;
        let mut close = false;
        super::show_window(
            super::window(&ctx, "Command palette")
                .collapsible(false)
                .resizable(false)
                .anchor(egui::Align2::CENTER_TOP, [0.0, 60.0])
                .max_width((ctx.content_rect().width() - 32.0).clamp(200.0, 440.0)),
            &ctx,
            |ui| {
                let l = ui.label("Command");
                let r = ui
                    .add(
                        egui::TextEdit::singleline(&mut st.palette_query)
                            .desired_width(f32::INFINITY),
                    )
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
                hits.truncate(ROWS);
                if self.query != st.palette_query {
                    self.query.clone_from(&st.palette_query);
                    self.highlight = 0;
                }
                let (down, up) = ui.input(|i| {
                    (
                        i.key_pressed(egui::Key::ArrowDown),
                        i.key_pressed(egui::Key::ArrowUp),
                    )
                });
                if down {
                    self.highlight = (self.highlight + 1).min(hits.len().saturating_sub(1));
                }
                if up {
                    self.highlight = self.highlight.saturating_sub(1);
                }
                self.highlight = self.highlight.min(hits.len().saturating_sub(1));
                if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    run = hits.get(self.highlight).map(|h| h.1.command.clone());
                }
                if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    close = true;
                }
                if hits.is_empty() {
                    ui.weak("No command matches.");
                }
                // Said as the rows change (typing, Up/Down): the highlighted row, where it
                // is among the rows, and its shortcut.
                let said = match hits.get(self.highlight) {
                    Some((_, s)) => crate::app::a11y::row_said(
                        &s.label,
                        s.shortcut
                            .map(|sc| crate::app::command::shortcut_text(&sc, ctx.os().is_mac())),
                        self.highlight,
                        hits.len(),
                    ),
                    None => "No command matches".to_owned(),
                };
                if said != self.said {
                    st.status.clone_from(&said);
                    self.said = said;
                }
                egui::ScrollArea::vertical()
                    .max_height(360.0)
                    .show(ui, |ui| {
                        for (i, (_, s)) in hits.iter().enumerate() {
                            let on = i == self.highlight;
                            let mut b = egui::Button::selectable(on, s.label.as_str());
                            if let Some(sc) = s.shortcut {
                                b = b.shortcut_text(crate::app::command::shortcut_text(
                                    &sc,
                                    ctx.os().is_mac(),
                                ));
                            }
                            let resp = ui.add(b);
                            if on && (down || up) {
                                resp.scroll_to_me(None);
                            }
                            if resp.clicked() {
                                run = Some(s.command.clone());
                            }
                        }
                    });
                // Keep typing in the field while Up/Down move the highlight.
                if !close && run.is_none() && (down || up) {
                    r.request_focus();
                }
            },
        );
        if let Some(c) = run {
            st.queue.push(c);
            close = true;
        }
        if close {
            st.palette_open = false;
            self.said.clear();
        }
    }
}
