//! The menu bar and keyboard shortcuts, both read from the one command table.

use super::command::{self, CommandSpec};
use super::message::Message;
use super::{App, Command, Menu};

/// Keeps letters typed into a text field from falling through to the type keys when the
/// field loses keyboard focus without the user moving it (Enter in a one-line field, the
/// field going away when its record changed): until the user clicks somewhere, presses Esc,
/// Tab or F6, or moves the caret, plain keys do nothing and the status bar says why.
#[derive(Debug, Default)]
pub struct TypingGuard {
    /// A text field had keyboard focus when last looked at.
    was_typing: bool,
    /// Focus left a text field on its own: plain keys are held back.
    pub armed: bool,
}

impl TypingGuard {
    /// Looks at the focus now (called at the start and the end of each frame).
    pub fn observe(&mut self, ctx: &egui::Context) {
        use egui::Key;
        let typing = ctx.text_edit_focused();
        // Focus given to another widget (the reader, a button) is where the user put it;
        // not the reader's focus given back after Enter in a field (a11y::focus_given_back).
        let given = super::a11y::focus_given_back(ctx);
        let focused = ctx.memory(|m| m.focused());
        let elsewhere = focused.is_some() && focused != given;
        let deliberate = ctx.input(|i| {
            i.pointer.any_pressed()
                || i.pointer.any_released()
                || [Key::Escape, Key::Tab, Key::F6]
                    .into_iter()
                    .any(|k| i.key_pressed(k))
        });
        if typing || elsewhere || deliberate {
            self.armed = false;
            if given.is_some() {
                super::a11y::forget_focus_given_back(ctx);
            }
        } else if self.was_typing {
            self.armed = true;
        }
        self.was_typing = typing;
    }

    /// The field went away on purpose (its window was closed: Enter ran the palette's
    /// command, a dialog was answered): nothing to hold back.
    pub fn forget(&mut self) {
        self.was_typing = false;
        self.armed = false;
    }
}

impl App {
    pub(super) fn shortcuts(&mut self, ctx: &egui::Context, table: &[CommandSpec]) {
        self.typing.observe(ctx);
        // An open menu (or other popup) takes the plain keys; egui closes it on Esc. Focus
        // in the reader is no reason to hold them back: the reader owns the tagging keys.
        let menu_open = egui::Popup::is_any_open(ctx);
        let typing = super::a11y::focus_elsewhere(ctx) || menu_open;
        if menu_open && ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
            // Esc closes the menu: focus goes back to its button, not nowhere.
            self.menu_escape = self.open_menu;
        }
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
            let caret = matches!(spec.command, Command::Caret(..));
            if self.typing.armed && command::is_plain(&sc) && !caret {
                if ctx.input_mut(|i| i.consume_shortcut(&sc)) {
                    self.state.status = format!(
                        "“{}” did nothing: the text field you were typing in lost focus. Click where you want to go on, or press Esc, to use the keys again.",
                        command::shortcut_text(&sc, ctx.os().is_mac())
                    );
                }
                continue;
            }
            if ctx.input_mut(|i| i.consume_shortcut(&sc)) {
                if caret {
                    self.typing.armed = false;
                    super::a11y::forget_focus_given_back(ctx);
                }
                self.state.push(spec.command.clone());
            }
        }
    }

    pub(super) fn menu_bar(&mut self, ui: &mut egui::Ui, table: &[CommandSpec]) {
        let st = &mut self.state;
        let mut open_menu = None;
        let mut opened = None;
        egui::Panel::top("menu").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                for (menu, title) in [
                    (Menu::Project, "Project"),
                    (Menu::Edit, "Edit"),
                    (Menu::View, "View"),
                    (Menu::Annotate, "Annotate"),
                    (Menu::Help, "Help"),
                ] {
                    let menu_kind = menu;
                    let menu = ui.menu_button(title, |ui| {
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
                            let mut b = egui::Button::new(label.as_str());
                            if let Some(sc) = spec.shortcut {
                                b = b.shortcut_text(command::shortcut_text(&sc, is_mac));
                            }
                            let r = ui.add(b);
                            super::a11y::menu_item(
                                ui.ctx(),
                                r.id,
                                &label,
                                spec.shortcut.map(|sc| command::shortcut_text(&sc, is_mac)),
                            );
                            // Toggles are checkable items, checked when on.
                            let checked = match spec.command {
                                Command::ToggleDocuments => Some(st.prefs.show_documents),
                                Command::ToggleInspector => Some(st.prefs.show_inspector),
                                Command::ToggleRegistry => Some(st.prefs.show_registry),
                                Command::TogglePages => Some(st.prefs.show_pages),
                                Command::ToggleTranscription => Some(st.prefs.show_transcription),
                                Command::ToggleSnap => Some(st.prefs.snap_words),
                                Command::ToggleTextEdit => Some(st.text_editing),
                                Command::ToggleLegend => Some(st.legend_open),
                                Command::ToggleMetadata => Some(st.metadata_open),
                                _ => None,
                            };
                            if let Some(on) = checked {
                                super::a11y::menu_check(ui.ctx(), r.id, on);
                            }
                            if r.clicked() {
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
                    if menu.inner.is_some() {
                        open_menu = Some(menu.response.id);
                        opened = Some(format!(
                            "{title} menu, {}",
                            crate::words::count(
                                command::menu_rows(table, menu_kind).len(),
                                "item",
                                "items"
                            )
                        ));
                    }
                }
            });
        });
        // Opening a menu says which, and how long it is (its items are read as they are
        // reached).
        if let Some(said) = opened.filter(|_| open_menu != self.open_menu) {
            self.state.status = said;
        }
        self.open_menu = open_menu;
        if let Some(id) = self.menu_escape.take()
            && !egui::Popup::is_any_open(ui.ctx())
        {
            ui.ctx().memory_mut(|m| m.request_focus(id));
        }
    }
}
