//! The menu bar and keyboard shortcuts, both read from the one command table.

use super::command::{self, CommandSpec};
use super::message::Message;
use super::{App, Command, Menu};

impl App {
    pub(super) fn shortcuts(&mut self, ctx: &egui::Context, table: &[CommandSpec]) {
        // An open menu (or other popup) takes the plain keys; egui closes it on Esc.
        let typing = ctx.egui_wants_keyboard_input() || egui::Popup::is_any_open(ctx);
        let modal = self.state.dialog.is_some() || self.state.palette_open;
        for spec in table {
            let Some(sc) = spec.shortcut else { continue };
            if command::is_plain(&sc) && (typing || modal) {
                continue;
            }
            // Correcting the transcription: plain keys type, except caret moves and Esc.
            // The review queue takes plain keys too (j/k, Enter, digits, Delete).
            if (self.state.text_editing || self.state.review_open)
                && command::is_plain(&sc)
                && !matches!(spec.command, Command::Caret(..) | Command::ClearSelection)
            {
                continue;
            }
            if modal && !matches!(spec.command, Command::Palette | Command::Quit) {
                continue;
            }
            if ctx.input_mut(|i| i.consume_shortcut(&sc)) {
                self.state.push(spec.command.clone());
            }
        }
    }

    pub(super) fn menu_bar(&mut self, ui: &mut egui::Ui, table: &[CommandSpec]) {
        let st = &mut self.state;
        egui::Panel::top("menu").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                for (menu, title) in [
                    (Menu::Project, "Project"),
                    (Menu::Edit, "Edit"),
                    (Menu::View, "View"),
                    (Menu::Annotate, "Annotate"),
                    (Menu::Help, "Help"),
                ] {
                    ui.menu_button(title, |ui| {
                        let is_mac = ui.ctx().os().is_mac();
                        for spec in command::menu_rows(table, menu) {
                            let mut label = spec.label.clone();
                            match (&spec.command, st.session.as_ref()) {
                                (Command::Undo, Some(s)) => {
                                    if let Some(l) = s.history.undo_label() {
                                        label = format!("Undo {l}");
                                    }
                                }
                                (Command::Redo, Some(s)) => {
                                    if let Some(l) = s.history.redo_label() {
                                        label = format!("Redo {l}");
                                    }
                                }
                                (Command::ToggleTextEdit, _) if st.text_editing => {
                                    label = format!("{label}: on");
                                }
                                (Command::ToggleSnap, _) => {
                                    label = format!(
                                        "{label}: {}",
                                        if st.prefs.snap_words { "on" } else { "off" }
                                    );
                                }
                                _ => {}
                            }
                            let mut b = egui::Button::new(label);
                            if let Some(sc) = spec.shortcut {
                                b = b.shortcut_text(command::shortcut_text(&sc, is_mac));
                            }
                            if ui.add(b).clicked() {
                                st.queue.push(spec.command.clone());
                                ui.close();
                            }
                            // Open Recent comes right after Open, as in other programs.
                            if spec.command == Command::OpenDialog && !st.prefs.recent.is_empty() {
                                ui.menu_button("Open Recent", |ui| {
                                    for p in st.prefs.recent.clone() {
                                        if ui.button(p.display().to_string()).clicked() {
                                            st.queue.push(Message::Open(p));
                                            ui.close();
                                        }
                                    }
                                });
                            }
                        }
                    });
                }
            });
        });
    }
}
