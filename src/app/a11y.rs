//! Accessibility: what a screen reader is told beyond egui's own widget nodes, and the
//! keyboard routes between the window's regions.
//!
//! - The reader is one focusable `Document` node (id [`reader_id`]) that is the first Tab
//!   stop after the menu bar, owns the caret and tagging keys while focused, and carries the
//!   visible text as AccessKit text runs (see `panels::reader`).
//! - Each panel is a named `Region`; F6 / Shift+F6 ([`cycle_region`]) move focus between
//!   them; panel resize handles are skipped by Tab.
//! - [`Announcer`] turns selection, edits, undo/redo and saves into one sentence in the
//!   status bar, whose message is a polite live region.

use super::AppState;
use crate::model::{AnnId, DocId, Project};
use egui::accesskit;
use egui::{Context, Id, LayerId, Rect};

/// The reader's widget id: fixed, so focus can be given to it from anywhere.
pub fn reader_id() -> Id {
    Id::unique("marginalia-reader-text")
}

/// A named region of the window, in F6 order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    Reader,
    Pages,
    Documents,
    Inspector,
    Registry,
    Status,
}

impl Region {
    /// F6 order.
    pub const ALL: [Region; 6] = [
        Region::Reader,
        Region::Pages,
        Region::Documents,
        Region::Inspector,
        Region::Registry,
        Region::Status,
    ];

    /// The region's accessible name.
    pub fn name(self) -> &'static str {
        match self {
            Region::Reader => "Reader",
            Region::Pages => "Page images",
            Region::Documents => "Documents",
            Region::Inspector => "Inspector",
            Region::Registry => "Registry",
            Region::Status => "Status bar",
        }
    }
}

fn regions_key() -> Id {
    Id::unique("marginalia-a11y-regions")
}

fn resize_key() -> Id {
    Id::unique("marginalia-a11y-resize-handles")
}

/// The direction a Tab that landed on a resize handle still has to go (moved on next frame).
fn skip_key() -> Id {
    Id::unique("marginalia-a11y-skip-handle")
}

/// Where focus was at the end of the last frame (widget and layer).
fn last_focus_key() -> Id {
    Id::unique("marginalia-a11y-last-focus")
}

/// Whether a drop-down or menu was open as this frame began (Esc then closes only it).
fn popup_key() -> Id {
    Id::unique("marginalia-a11y-popup-open")
}

/// The floating windows shown this frame (layer), and those of the last frame.
fn windows_key() -> Id {
    Id::unique("marginalia-a11y-windows")
}

/// Whether the user has pressed a key or clicked since launch.
fn acted_key() -> Id {
    Id::unique("marginalia-a11y-acted")
}

/// Whether a click left nothing focused (focus is then not given back).
fn clicked_away_key() -> Id {
    Id::unique("marginalia-a11y-clicked-away")
}

/// Whether the last Tab was a Shift+Tab.
fn tab_back_key() -> Id {
    Id::unique("marginalia-a11y-tab-back")
}

/// Whether Esc was pressed as this frame began.
fn esc_key() -> Id {
    Id::unique("marginalia-a11y-esc")
}

fn said_again_key() -> Id {
    Id::unique("marginalia-a11y-said-again")
}

fn given_back_key() -> Id {
    Id::unique("marginalia-a11y-given-back")
}

/// The widget focus was given to after a panel's text field gave it up with Enter (the
/// Link field linking, a search running): the reader. Focus there is not the user's
/// choice, so the typing guard (`menus::TypingGuard`) stays armed: letters a hand still
/// types do nothing until a click, Esc, Tab, F6 or a caret key.
pub fn focus_given_back(ctx: &Context) -> Option<Id> {
    ctx.data(|d| d.get_temp::<Option<Id>>(given_back_key()).flatten())
}

/// Forgets [`focus_given_back`] (the user moved on deliberately).
pub fn forget_focus_given_back(ctx: &Context) {
    ctx.data_mut(|d| d.insert_temp::<Option<Id>>(given_back_key(), None));
}

/// The floating windows that have been given focus since they opened.
fn greeted_key() -> Id {
    Id::unique("marginalia-a11y-greeted")
}

/// For each open floating window, the widget that had focus before it opened.
fn openers_key() -> Id {
    Id::unique("marginalia-a11y-openers")
}

/// Clears the regions recorded for the last frame; called once at the start of a frame.
pub fn begin_frame(ctx: &Context, window_name: &str) {
    let popup = egui::Popup::is_any_open(ctx);
    let handles_last: Vec<Id> = ctx.data(|d| d.get_temp(resize_key()).unwrap_or_default());
    let windows_last: Vec<LayerId> = ctx.data_mut(|d| {
        d.insert_temp::<Vec<(Region, Rect)>>(regions_key(), Vec::new());
        d.insert_temp::<Vec<Id>>(resize_key(), Vec::new());
        d.insert_temp(popup_key(), popup);
        d.remove_temp::<Vec<LayerId>>(windows_key())
            .unwrap_or_default()
    });
    ctx.data_mut(|d| {
        d.insert_temp(windows_key().with("last"), windows_last.clone());
        d.insert_temp(windows_key(), Vec::<LayerId>::new());
    });
    // A Tab that landed on a resize handle last frame moves on from it now: the direction
    // has to be set before the widgets register (egui clears it as a frame begins).
    if let Some(dir) = ctx
        .data_mut(|d| d.remove_temp::<Option<egui::FocusDirection>>(skip_key()))
        .flatten()
    {
        ctx.memory_mut(|m| m.move_focus(dir));
        // Shift+Tab lands a frame later (egui's frame delay): draw that frame too.
        ctx.request_repaint();
    }
    // The direction of the last Tab (a handle it lands on is passed in that direction a
    // frame or two later, when Shift may be up already).
    if let Some(back) = tab_pressed(ctx) {
        ctx.data_mut(|d| d.insert_temp(tab_back_key(), back));
    }
    // Whether the user has pressed a key or clicked since launch.
    if ctx.input(|i| {
        i.events.iter().any(|e| {
            matches!(
                e,
                egui::Event::Key { .. } | egui::Event::PointerButton { .. }
            )
        })
    }) {
        ctx.data_mut(|d| d.insert_temp(acted_key(), true));
    }
    // Esc as the frame began (a text field consumes it before a window's own check).
    let esc = ctx.input(|i| i.key_pressed(egui::Key::Escape));
    ctx.data_mut(|d| d.insert_temp(esc_key(), esc));
    trap_tab_in_windows(ctx, &windows_last);
    wrap_main_tab(ctx, &handles_last);
    // The window's accessible name (the root node egui makes has none).
    let name = if window_name.is_empty() {
        "Marginalia".to_owned()
    } else {
        window_name.to_owned()
    };
    ctx.accesskit_node_builder(egui::accesskit_root_id(), |n| n.set_label(name));
}

/// Names the panel shown in `ui` as region `r` and records its rectangle for F6.
pub fn region(ui: &egui::Ui, r: Region) {
    let rect = ui.max_rect();
    ui.ctx().data_mut(|d| {
        d.get_temp_mut_or_default::<Vec<(Region, Rect)>>(regions_key())
            .push((r, rect))
    });
    ui.ctx().accesskit_node_builder(ui.unique_id(), |n| {
        n.set_role(accesskit::Role::Region);
        n.set_label(r.name());
    });
}

/// Records the resize handle of the panel `salt` shown in `parent` (egui's id for it), so
/// that Tab passes over it.
pub fn resize_handle(parent: &egui::Ui, salt: &str) {
    let id = parent.scope_id().with(salt).with("__resize");
    parent
        .ctx()
        .data_mut(|d| d.get_temp_mut_or_default::<Vec<Id>>(resize_key()).push(id));
}

/// A panel heading, exposed as a heading of level 2 (egui's `ui.heading` is a plain label).
pub fn heading(ui: &mut egui::Ui, text: &str) -> egui::Response {
    heading_at(ui, text, 2)
}

/// A heading of `level` (1: a dialog's or page's title; 2: a panel's).
pub fn heading_at(ui: &mut egui::Ui, text: &str, level: usize) -> egui::Response {
    let r = ui.heading(text);
    let name = text.to_owned();
    ui.ctx().accesskit_node_builder(r.id, |n| {
        n.set_role(accesskit::Role::Heading);
        n.clear_value();
        n.set_label(name);
        n.set_level(level);
    });
    r
}

/// Whether the reader draws a document's text this frame (and so takes focus).
pub fn reader_shows_text(st: &AppState) -> bool {
    st.doc
        .and_then(|d| st.project().and_then(|p| p.documents.get(&d)))
        .is_some_and(|d| d.text.is_some())
}

/// Makes the reader the first Tab stop after the menu bar: call right after the menu bar,
/// when the reader will be drawn this frame. The reader's own widget registers again later;
/// a Tab that landed here is spent, so that second registration does not pass focus on.
pub fn reader_tab_stop(ctx: &Context) {
    ctx.memory_mut(|m| {
        m.interested_in_focus(reader_id(), LayerId::background());
        if m.focused() == Some(reader_id()) {
            m.move_focus(egui::FocusDirection::None);
        }
    });
}

/// Passes focus on when it landed on a panel resize handle (they are not Tab stops): call
/// after the panels are drawn.
pub fn skip_resize_handles(ctx: &Context) {
    // Besides the handles recorded by id, any thin drag-only strip is a panel's resize
    // handle (a nested panel's id is not always the one `resize_handle` works out).
    let thin: Vec<Id> = ctx.viewport(|v| {
        v.this_pass
            .widgets
            .get_layer(LayerId::background())
            .filter(|w| {
                w.sense == egui::Sense::drag() && w.rect.width().min(w.rect.height()) <= 12.0
            })
            .map(|w| w.id)
            .collect()
    });
    let handles: Vec<Id> = ctx.data_mut(|d| {
        let list = d.get_temp_mut_or_default::<Vec<Id>>(resize_key());
        for id in thin {
            if !list.contains(&id) {
                list.push(id);
            }
        }
        list.clone()
    });
    let Some(f) = ctx.memory(|m| m.focused()) else {
        return;
    };
    let last: Option<(Id, LayerId)> = ctx.data(|d| d.get_temp(last_focus_key()).flatten());
    // Only when focus arrived this frame: the frame that moves it on still has it here.
    if handles.contains(&f) && last.is_none_or(|(id, _)| id != f) {
        // The handle keeps focus until the next frame, which moves it on from there (giving
        // focus up here left nothing focused: egui forgets a move asked for after a frame).
        let back = ctx.data(|d| d.get_temp::<bool>(tab_back_key()).unwrap_or(false));
        let dir = if back {
            egui::FocusDirection::Previous
        } else {
            egui::FocusDirection::Next
        };
        ctx.data_mut(|d| d.insert_temp(skip_key(), Some(dir)));
        ctx.request_repaint();
    }
}

/// The focusable widgets of `layer` in the last frame, in Tab order.
fn focusable_in(ctx: &Context, layer: LayerId) -> Vec<Id> {
    ctx.viewport(|v| {
        v.prev_pass
            .widgets
            .get_layer(layer)
            .filter(|w| w.sense.is_focusable() && w.enabled && w.visible)
            .map(|w| w.id)
            .collect()
    })
}

/// The layer of widget `id` in the last frame.
fn layer_of(ctx: &Context, id: Id) -> Option<LayerId> {
    ctx.viewport(|v| {
        v.this_pass
            .widgets
            .get(id)
            .or_else(|| v.prev_pass.widgets.get(id))
            .map(|w| w.layer_id)
    })
}

/// Tab and Shift+Tab stay inside a floating window that has focus: from its last control
/// Tab goes to its first, from its first Shift+Tab to its last.
fn trap_tab_in_windows(ctx: &Context, windows: &[LayerId]) {
    let Some(f) = ctx.memory(|m| m.focused()) else {
        return;
    };
    let Some(layer) = layer_of(ctx, f).filter(|l| windows.contains(l)) else {
        return;
    };
    let Some(back) = tab_pressed(ctx) else {
        return;
    };
    let ids = focusable_in(ctx, layer);
    let (Some(first), Some(last)) = (ids.first().copied(), ids.last().copied()) else {
        return;
    };
    wrap_at_ends(ctx, f, back, first, last);
}

/// Tab on the `last` stop goes to the `first`, Shift+Tab on the `first` to the `last`.
fn wrap_at_ends(ctx: &Context, focused: Id, back: bool, first: Id, last: Id) {
    let target = if back && focused == first {
        last
    } else if !back && focused == last {
        first
    } else {
        return;
    };
    ctx.memory_mut(|m| {
        m.move_focus(egui::FocusDirection::None);
        m.request_focus(target);
    });
}

/// The main window's Tab cycle wraps where it should. The reader is a Tab stop right after
/// the menu bar ([`reader_tab_stop`]) but its widget is made last: from the control before
/// it in drawing order Tab goes to the first control (the Project menu), and Shift+Tab from
/// that first control goes to that last one, not to the reader's late widget.
fn wrap_main_tab(ctx: &Context, handles: &[Id]) {
    let Some(f) = ctx.memory(|m| m.focused()) else {
        return;
    };
    let Some(back) = tab_pressed(ctx) else {
        return;
    };
    if f == reader_id() {
        return;
    }
    let ids = focusable_in(ctx, LayerId::background());
    if ids.last() != Some(&reader_id()) {
        return;
    }
    let stops: Vec<Id> = ids
        .into_iter()
        .filter(|id| *id != reader_id() && !handles.contains(id))
        .collect();
    let (Some(first), Some(last)) = (stops.first().copied(), stops.last().copied()) else {
        return;
    };
    wrap_at_ends(ctx, f, back, first, last);
}

/// `Some(shift held)` when Tab was pressed this frame (the key event's own modifiers: the
/// input's may have changed by the time the frame runs).
fn tab_pressed(ctx: &Context) -> Option<bool> {
    ctx.input(|i| {
        i.events.iter().find_map(|e| match e {
            egui::Event::Key {
                key: egui::Key::Tab,
                pressed: true,
                modifiers,
                ..
            } => Some(modifiers.shift),
            _ => None,
        })
    })
}

/// Whether a drop-down or menu was open when this frame began.
pub fn popup_was_open(ctx: &Context) -> bool {
    ctx.data(|d| d.get_temp::<bool>(popup_key()).unwrap_or(false))
}

/// Whether Esc was pressed this frame while focus was inside the floating window on
/// `layer` and no drop-down was open (Esc then closes only the drop-down).
pub fn esc_in_window(ctx: &Context, layer: LayerId) -> bool {
    if popup_was_open(ctx) || !ctx.data(|d| d.get_temp::<bool>(esc_key()).unwrap_or(false)) {
        return false;
    }
    let last: Option<(Id, LayerId)> = ctx.data(|d| d.get_temp(last_focus_key()).flatten());
    last.is_some_and(|(_, l)| l == layer)
}

/// A floating window on `layer` was shown this frame: records it, gives focus to its first
/// control when it has just opened (remembering where focus was, to give it back when it
/// closes), and keeps Tab inside it.
pub fn window_shown(ctx: &Context, layer: LayerId) {
    window_opened(ctx, layer, false);
}

/// A modal dialog on `layer` was shown this frame: as [`window_shown`], and it takes focus
/// even when it opened by itself (at launch: the annotator prompt, a recovery question).
pub fn dialog_shown(ctx: &Context, layer: LayerId) {
    window_opened(ctx, layer, true);
}

/// The window whose layer has id `id` changed its content under the focus (a file dialog
/// opened a folder): it gives focus to its first control again, as when it opened.
pub fn window_reopened(ctx: &Context, id: Id) {
    ctx.data_mut(|d| {
        d.get_temp_mut_or_default::<Vec<LayerId>>(greeted_key())
            .retain(|l| l.id != id);
    });
    ctx.request_repaint();
}

fn window_opened(ctx: &Context, layer: LayerId, modal: bool) {
    // Greeted: focus was given to it (or was in it already) since it opened. A window's
    // first frame only sizes it (its widgets are not visible yet), so this may take two.
    let greeted: bool = ctx.data(|d| {
        d.get_temp::<Vec<LayerId>>(greeted_key())
            .is_some_and(|w| w.contains(&layer))
    });
    ctx.data_mut(|d| {
        d.get_temp_mut_or_default::<Vec<LayerId>>(windows_key())
            .push(layer)
    });
    if greeted {
        return;
    }
    let greet = || {
        ctx.data_mut(|d| {
            d.get_temp_mut_or_default::<Vec<LayerId>>(greeted_key())
                .push(layer)
        })
    };
    let focused = ctx.memory(|m| m.focused());
    let in_window = |id: Id| {
        ctx.viewport(|v| {
            v.this_pass
                .widgets
                .get(id)
                .is_some_and(|w| w.layer_id == layer)
        })
    };
    // A window that opened by itself before the user did anything (at launch: problems,
    // the re-anchoring review) does not take focus; one the user opened does.
    let acted = ctx.data(|d| d.get_temp::<bool>(acted_key()).unwrap_or(false));
    if focused.is_some_and(in_window) || (!modal && !acted) {
        greet();
        return;
    }
    let first = ctx.viewport(|v| {
        v.this_pass
            .widgets
            .get_layer(layer)
            // Not the title bar's collapse button: the first control of the content.
            .find(|w| {
                w.sense.is_focusable()
                    && w.enabled
                    && w.visible
                    && w.id != layer.id.with("collapse_button")
            })
            .map(|w| w.id)
    });
    if let Some(first) = first {
        greet();
        // Where focus was is the window's opener (kept when the window gives focus to
        // its first control again with nothing focused: `window_reopened`).
        if let Some(f) = focused {
            ctx.data_mut(|d| {
                let openers = d.get_temp_mut_or_default::<Vec<(LayerId, Id)>>(openers_key());
                openers.retain(|(l, _)| *l != layer);
                openers.push((layer, f));
            });
        }
        ctx.memory_mut(|m| m.request_focus(first));
        ctx.request_repaint();
    }
}

/// Names the modal dialog shown as `r` and marks it modal, so a screen reader says what
/// opened ("Dialog: Unsaved changes") and keeps its reading inside. The name is not the
/// heading's own text, so that text still names one node (the heading).
pub fn dialog_node(ctx: &Context, r: &egui::Response, title: &str) {
    let title = format!("Dialog: {title}");
    ctx.accesskit_node_builder(r.id, |n| {
        n.set_role(accesskit::Role::Dialog);
        n.set_modal();
        n.set_label(title);
    });
}

/// Says in words what AccessKit's Unix adapter (accesskit_atspi_common 0.20) drops on the
/// way to AT-SPI, for every widget of the frame: a drop-down's value ("Name"), disabled
/// ("unavailable"), expanded or collapsed, and a keyboard shortcut ("Ctrl+S") go into the
/// description, which the adapter passes on and screen readers
/// speak after the name. (The adapter reports every control enabled and sensitive, has no
/// expanded state and no key binding; the AccessKit tree keeps the proper properties too.)
pub fn expose_dropped_states(ctx: &Context) {
    let ids: Vec<Id> = ctx.viewport(|v| {
        v.this_pass
            .widgets
            .layers()
            .flat_map(|(_, ws)| ws.iter().map(|w| w.id))
            .collect()
    });
    for id in ids {
        if !ctx.has_accesskit_node(id) {
            continue;
        }
        ctx.accesskit_node_builder(id, |n| {
            let mut words: Vec<String> = Vec::new();
            if n.role() == accesskit::Role::ComboBox
                && let Some(value) = n.value().filter(|v| !v.is_empty())
            {
                words.push(value.to_owned());
            }
            if n.is_disabled() {
                words.push("unavailable".to_owned());
            }
            match n.is_expanded() {
                Some(true) => words.push("expanded".to_owned()),
                Some(false) => words.push("collapsed".to_owned()),
                None => {}
            }
            if let Some(k) = n.keyboard_shortcut() {
                words.push(k.to_owned());
            }
            // A heading's level (the adapter passes no `level` attribute on).
            if n.role() == accesskit::Role::Heading
                && let Some(l) = n.level()
            {
                words.push(format!("level {l}"));
            }
            if words.is_empty() {
                return;
            }
            let extra = words.join(", ");
            let d = match n.description() {
                Some(d) if d.contains(&extra) => return,
                Some(d) if !d.is_empty() => format!("{d}, {extra}"),
                _ => extra,
            };
            n.set_description(d);
        });
    }
}

/// Keeps keyboard focus somewhere: call once, last in a frame. When focus dropped to
/// nothing by Esc or because its window closed, it goes back to the widget that
/// had it if that is still shown, else to what had it before the closed window opened, else
/// to the reader, else to the window's first control. A Tab in flight is left alone.
pub fn end_frame(ctx: &Context) {
    expose_dropped_states(ctx);
    herald(ctx);
    let tab = tab_pressed(ctx).is_some();
    let skipping = ctx.data(|d| {
        d.get_temp::<Option<egui::FocusDirection>>(skip_key())
            .flatten()
            .is_some()
    });
    let last: Option<(Id, LayerId)> = ctx.data(|d| d.get_temp(last_focus_key()).flatten());
    let shown = |id: Id| ctx.viewport(|v| v.this_pass.widgets.get(id).is_some());
    let windows: Vec<LayerId> = ctx.data(|d| d.get_temp(windows_key()).unwrap_or_default());
    let greeted: Vec<LayerId> = ctx.data(|d| d.get_temp(greeted_key()).unwrap_or_default());
    // A window that opened and is not greeted yet takes focus next frame.
    let waiting = windows.iter().any(|l| !greeted.contains(l));
    // Focus on a widget that was focused last frame too and is gone now (its window
    // closed) is dropped by egui as this frame ends: take it as dropped already.
    let focus = ctx
        .memory(|m| m.focused())
        .filter(|f| shown(*f) || last.is_none_or(|(id, _)| id != *f));
    // A click that left nothing focused (away from a text field, on a panel's background)
    // is the user's choice: no focus is given back until something has focus again.
    let click = ctx.input(|i| i.pointer.any_pressed() || i.pointer.any_released());
    let clicked_away = ctx.data_mut(|d| {
        let flag = d.get_temp_mut_or_default::<bool>(clicked_away_key());
        if focus.is_some() {
            *flag = false;
        } else if click {
            *flag = true;
        }
        *flag
    });
    // Only where focus was lost to Esc or to a window that closed: a field that gave up
    // focus itself (Enter in the Link field) leaves nothing focused on purpose, and the
    // typing guard (`menus::Typing`) then holds back the plain keys a hand still types.
    let esc = ctx.data(|d| d.get_temp::<bool>(esc_key()).unwrap_or(false));
    // A window or dialog (one that `window_shown` saw) that is not shown any more; a
    // window that fades out after Esc counts as gone at once.
    let seen: Vec<LayerId> =
        ctx.data(|d| d.get_temp(windows_key().with("seen")).unwrap_or_default());
    let window_gone = last.is_some_and(|(_, l)| seen.contains(&l) && !windows.contains(&l));
    // Enter in a text field of a panel (the main window's background layer) that gave up
    // focus: focus goes to the reader, not to nothing (a screen reader hears where it is).
    // So too when the focused widget of a panel went away (Ctrl+Z in the role picker took
    // the event's filler and the picker with it; the selection changed under a field).
    let entered = focus.is_none()
        && !tab
        && !skipping
        && !clicked_away
        && last.is_some_and(|(id, l)| {
            l == LayerId::background()
                && id != reader_id()
                && ((ctx.input(|i| i.key_pressed(egui::Key::Enter))
                    && egui::TextEdit::load_state(ctx, id).is_some())
                    || !shown(id))
        })
        && shown(reader_id());
    if entered {
        ctx.memory_mut(|m| m.request_focus(reader_id()));
        ctx.data_mut(|d| d.insert_temp(given_back_key(), Some(reader_id())));
        ctx.request_repaint();
    } else if focus.is_none()
        && !tab
        && !skipping
        && !waiting
        && !clicked_away
        && (esc || window_gone)
    {
        let openers: Vec<(LayerId, Id)> =
            ctx.data(|d| d.get_temp(openers_key()).unwrap_or_default());
        let opener =
            last.and_then(|(_, l)| openers.iter().find(|(x, _)| *x == l).map(|(_, id)| *id));
        let first = || {
            ctx.viewport(|v| {
                v.this_pass
                    .widgets
                    .get_layer(LayerId::background())
                    .find(|w| w.sense.is_focusable() && w.enabled && w.visible)
                    .map(|w| w.id)
            })
        };
        // Esc in a text field leaves it on purpose (the find bar closes, an edit is given
        // up): focus goes on to the window's opener or the reader, not back into the field
        // (which may be gone next frame, leaving focus nowhere and the typing guard armed).
        let left_by_esc = |id: Id| esc && egui::TextEdit::load_state(ctx, id).is_some();
        let target = last
            .map(|(id, _)| id)
            .filter(|id| shown(*id) && !left_by_esc(*id))
            .or(opener.filter(|id| shown(*id)))
            .or(Some(reader_id()).filter(|id| shown(*id)))
            .or_else(first);
        if let Some(t) = target {
            ctx.memory_mut(|m| m.request_focus(t));
            ctx.request_repaint();
        }
    }
    let now = ctx
        .memory(|m| m.focused())
        .and_then(|f| layer_of(ctx, f).map(|l| (f, l)));
    ctx.data_mut(|d| {
        // The last focus that was somewhere: kept while nothing has focus, so that a window
        // fading out after Esc is seen gone when its layer goes.
        if now.is_some() {
            d.insert_temp(last_focus_key(), now);
        }
        d.get_temp_mut_or_default::<Vec<(LayerId, Id)>>(openers_key())
            .retain(|(l, _)| windows.contains(l));
        d.get_temp_mut_or_default::<Vec<LayerId>>(greeted_key())
            .retain(|l| windows.contains(l));
        // Every window layer seen since the last focus was recorded (kept while it matters).
        let seen = d.get_temp_mut_or_default::<Vec<LayerId>>(windows_key().with("seen"));
        for l in &windows {
            if !seen.contains(l) {
                seen.push(*l);
            }
        }
        let keep = now.or(last).map(|(_, l)| l);
        seen.retain(|l| windows.contains(l) || Some(*l) == keep);
    });
}

/// Whether keyboard focus is in a widget other than the reader (a text field, a button):
/// plain-key shortcuts then belong to that widget.
pub fn focus_elsewhere(ctx: &Context) -> bool {
    ctx.memory(|m| m.focused().is_some_and(|f| f != reader_id()))
}

/// Moves focus to the next (or previous) region that has something to focus, and returns
/// its name. The reader takes focus itself; another panel gives it to its first focusable
/// widget (in drawing order), never to a resize handle.
pub fn cycle_region(ctx: &Context, forward: bool) -> Option<Region> {
    let regions: Vec<(Region, Rect)> = ctx.data(|d| d.get_temp(regions_key()).unwrap_or_default());
    let handles: Vec<Id> = ctx.data(|d| d.get_temp(resize_key()).unwrap_or_default());
    let focused = ctx.memory(|m| m.focused());
    let widgets: Vec<(Id, Rect)> = ctx.viewport(|v| {
        v.this_pass
            .widgets
            .get_layer(LayerId::background())
            .filter(|w| w.sense.is_focusable() && w.enabled && w.visible)
            // The part on screen: a row scrolled half out of a list is not in the panel
            // below it.
            .map(|w| (w.id, w.interact_rect))
            .filter(|(_, r)| r.is_positive())
            .collect()
    });
    let rect_of = |id: Id| widgets.iter().find(|(w, _)| *w == id).map(|(_, r)| *r);
    let present: Vec<Region> = Region::ALL
        .into_iter()
        .filter(|r| regions.iter().any(|(x, _)| x == r))
        .collect();
    if present.is_empty() {
        return None;
    }
    let current = match focused {
        Some(f) if f == reader_id() => present.iter().position(|r| *r == Region::Reader),
        // The smallest region holding the focused widget (regions may nest).
        Some(f) => rect_of(f).and_then(|wr| {
            let inner = regions
                .iter()
                .filter(|(_, rr)| rr.contains(wr.center()))
                .min_by(|a, b| a.1.area().total_cmp(&b.1.area()))?;
            present.iter().position(|r| *r == inner.0)
        }),
        None => None,
    };
    let n = present.len();
    for step in 1..=n {
        let i = match (current, forward) {
            (Some(c), true) => (c + step) % n,
            (Some(c), false) => (c + n - step % n) % n,
            (None, true) => step - 1,
            (None, false) => n - step,
        };
        let r = present[i];
        let target = if r == Region::Reader {
            Some(reader_id())
        } else {
            let rect = regions
                .iter()
                .filter(|(x, _)| *x == r)
                .map(|(_, rr)| *rr)
                .next()?;
            widgets
                .iter()
                .find(|(id, wr)| {
                    *id != reader_id() && !handles.contains(id) && rect.contains(wr.center())
                })
                .map(|(id, _)| *id)
        };
        if let Some(id) = target {
            ctx.memory_mut(|m| m.request_focus(id));
            return Some(r);
        }
    }
    None
}

/// Counts messages said again word for word (a handler set the status to what it already
/// was): the live region speaks only changes, so the status message's node is made anew
/// (a new id: AccessKit's Unix adapter announces a live node when it is added) each time.
pub fn said_again(ctx: &Context) {
    let id = said_again_key();
    ctx.data_mut(|d| *d.get_temp_mut_or_default::<u64>(id) += 1);
}

/// Where the status message is drawn: its node's id changes only when a message is said
/// again (not when the items before it in the status bar come and go, which made it a
/// new live node, announced again, with the same message).
pub fn status_message_scope(ctx: &Context) -> egui::UiBuilder {
    let n = ctx
        .data(|d| d.get_temp::<u64>(said_again_key()))
        .unwrap_or(0);
    egui::UiBuilder::new().scope_id(Id::unique("marginalia-status-message").with(n))
}

/// A list row as it is spoken when it is highlighted: "Save As…, Ctrl+Shift+S, 3 of 12".
pub fn row_said(label: &str, shortcut: Option<String>, index: usize, count: usize) -> String {
    match shortcut {
        Some(sc) => format!("{label}, {sc}, {} of {count}", index + 1),
        None => format!("{label}, {} of {count}", index + 1),
    }
}

/// Marks the node of `id` as a polite live region: screen readers speak its changes.
/// Its text is also said by the focused control (`herald`, for screen readers that do
/// not present live regions).
pub fn live(ctx: &Context, id: Id) {
    let text = ctx.accesskit_node_builder(id, |n| {
        n.set_live(accesskit::Live::Polite);
        n.value().or(n.label()).unwrap_or_default().to_owned()
    });
    if let Some(text) = text {
        ctx.data_mut(|d| {
            d.get_temp_mut_or_default::<Vec<(Id, String)>>(live_key())
                .push((id, text))
        });
    }
}

fn live_key() -> Id {
    Id::unique("marginalia-a11y-live-nodes")
}

fn herald_key() -> Id {
    Id::unique("marginalia-a11y-herald")
}

/// How long focus must have stayed on a control before a message goes into its
/// description (a screen reader presenting the focus change reads the description too).
const SETTLED: f64 = 0.15;

/// What `herald` keeps from frame to frame.
#[derive(Clone, Default)]
struct Herald {
    /// The last text of each live node seen lately (id, text), the newest last; a node
    /// missing from a frame (not laid out) is not new when it comes back.
    last: Vec<(Id, String)>,
    /// A message not said yet (focus was still moving).
    pending: Option<String>,
    /// The focused control whose description says the last message, and the message.
    holder: Option<(Id, String)>,
    /// The focus of the last frame, and since when it is there.
    focus: Option<Id>,
    since: f64,
}

/// Says each new message of the live regions once more in the way Orca 43 (Debian 12)
/// presents: as a change of the focused control's description. AccessKit's Unix adapter
/// says a live region's changes with AT-SPI `object:announcement`, which that Orca has no
/// handler for; a notification's `state-changed:showing` (what Orca 43 presents of an
/// alert) the adapter never emits. A description change of the locus of focus is spoken
/// by every Orca since 3.x (`onDescriptionChanged`). The message is put there once focus
/// has settled, kept while the control keeps focus (and one frame after it leaves, so
/// the change back comes after the focus event and is not read), and cleared for a
/// frame when the same message is said again on the same control.
fn herald(ctx: &Context) {
    let now: Vec<(Id, String)> = ctx
        .data_mut(|d| d.remove_temp(live_key()))
        .unwrap_or_default();
    let mut h: Herald = ctx.data(|d| d.get_temp(herald_key())).unwrap_or_default();
    let fresh: Vec<&str> = now
        .iter()
        .filter(|(id, t)| !t.is_empty() && !h.last.iter().any(|(i, s)| i == id && s == t))
        .map(|(_, t)| t.as_str())
        .collect();
    if !fresh.is_empty() {
        h.pending = Some(fresh.join(". "));
    }
    for (id, t) in &now {
        h.last.retain(|(i, _)| i != id);
        h.last.push((*id, t.clone()));
    }
    // A node made anew for each message said again leaves old ids behind.
    let old = h.last.len().saturating_sub(16);
    h.last.drain(..old);
    let time = ctx.input(|i| i.time);
    let focus = ctx
        .memory(|m| m.focused())
        .filter(|f| ctx.has_accesskit_node(*f));
    if focus != h.focus {
        h.since = time;
    }
    if let Some(msg) = h.pending.clone() {
        match focus {
            Some(f) if time - h.since >= SETTLED => {
                if h.holder.as_ref() == Some(&(f, msg.clone())) {
                    // Said again on the same control: no description this frame, so the
                    // next one is a change.
                    h.holder = None;
                    ctx.request_repaint();
                } else {
                    h.holder = Some((f, msg));
                    h.pending = None;
                }
            }
            Some(_) => ctx.request_repaint_after(std::time::Duration::from_secs_f64(SETTLED)),
            // Nothing to say it on, and nothing will be soon.
            None if h.focus.is_none() => h.pending = None,
            None => ctx.request_repaint(),
        }
    }
    if let Some((id, msg)) = h.holder.clone() {
        if focus == Some(id) || h.focus == Some(id) {
            ctx.accesskit_node_builder(id, |n| n.set_description(msg));
            if focus != Some(id) {
                ctx.request_repaint();
            }
        } else {
            h.holder = None;
        }
    }
    h.focus = focus;
    ctx.data_mut(|d| d.insert_temp(herald_key(), h));
}

/// A menu row's accessible node: the command's name as its label and the shortcut apart,
/// as a menu item (egui reads a button with shortcut text as one name, "Save Ctrl+S").
pub fn menu_item(ctx: &Context, id: Id, label: &str, shortcut: Option<String>) {
    let label = label.to_owned();
    ctx.accesskit_node_builder(id, |n| {
        n.set_role(accesskit::Role::MenuItem);
        n.set_label(label);
        match shortcut {
            Some(s) => n.set_keyboard_shortcut(s),
            None => n.clear_keyboard_shortcut(),
        }
    });
}

/// A menu row that turns something on and off: a checkable menu item, checked when on
/// (AT-SPI "check menu item", state checked).
pub fn menu_check(ctx: &Context, id: Id, on: bool) {
    ctx.accesskit_node_builder(id, |n| {
        n.set_role(accesskit::Role::MenuItemCheckBox);
        n.set_toggled(if on {
            accesskit::Toggled::True
        } else {
            accesskit::Toggled::False
        });
    });
}

/// One annotation in words: "Person: Mao Zedong, linked to Mao Zedong"; an event reads
/// "Meeting event: meeting resumed, 3 roles filled".
pub fn describe_annotation(project: &Project, doc: DocId, ann: AnnId) -> Option<String> {
    let a = project.annotation(doc, ann)?;
    let ty = project.schema.label(a.type_id());
    let text = a
        .anchor()
        .map(|t| {
            t.quote
                .exact
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    let mut s = match a.as_event() {
        Some(e) => {
            let filled: usize = e.roles.values().map(|f| f.len()).sum();
            format!(
                "{ty} event: {text}, {}",
                crate::words::count(filled, "role filler", "role fillers")
            )
        }
        None => format!("{ty}: {text}"),
    };
    if let Some(m) = a.as_mention() {
        match m.entry.and_then(|e| project.registry.get(&e)) {
            Some(e) => s.push_str(&format!(", linked to {}", e.name)),
            None => s.push_str(", not linked"),
        }
    }
    Some(s)
}

/// What was last announced about, to tell the next change.
#[derive(Default)]
pub struct Announcer {
    selected: Option<AnnId>,
    undo: Option<String>,
    redo: Option<String>,
    generation: u64,
    saving: bool,
    doc: Option<DocId>,
    /// The innermost annotation the caret stood in at the last call.
    caret_in: Option<AnnId>,
    /// How many characters were selected at the last call.
    selected_len: usize,
}

/// The innermost (shortest) annotation of `doc` whose text holds `caret` (a caret at an
/// annotation's first character is in it; at its end, not).
fn annotation_at(project: &Project, doc: DocId, caret: usize) -> Option<AnnId> {
    let d = project.documents.get(&doc)?;
    d.annotations_in(caret, caret + 1)
        .filter_map(|a| Some((a.id, a.anchor()?.extent())))
        .min_by_key(|(id, e)| (e.end - e.start, *id))
        .map(|(id, _)| id)
}

impl Announcer {
    /// Puts one sentence in the status message when the selected annotation, the edit
    /// history or the save state changed since the last call (once per frame, after the
    /// frame's actions were handled). Messages the handlers wrote this frame are kept.
    pub fn announce(&mut self, st: &mut AppState, status_before: &str) {
        let Some(s) = st.session.as_ref() else {
            *self = Self::default();
            return;
        };
        let undo = s.history.undo_label().map(str::to_owned);
        let redo = s.history.redo_label().map(str::to_owned);
        let saving = matches!(st.save_state, super::SaveState::Saving);
        let mut parts: Vec<String> = Vec::new();
        let mut handler_spoke = st.status != status_before;
        if s.generation != self.generation && (undo != self.undo || redo != self.redo) {
            // The commit's own message is the edit's label: say it once, as done.
            if handler_spoke && (Some(&st.status) == undo.as_ref()) {
                st.status.clear();
                handler_spoke = false;
            }
            let said = if undo.is_some() && undo == self.redo && redo != self.redo {
                undo.as_ref().map(|l| format!("Redone: {l}"))
            } else if redo.is_some() && redo == self.undo && undo != self.undo {
                redo.as_ref().map(|l| format!("Undone: {l}"))
            } else {
                undo.as_ref().map(|l| format!("Done: {l}"))
            };
            parts.extend(said);
        }
        if st.selected != self.selected || st.doc != self.doc {
            if let (Some(a), Some(d)) = (st.selected, st.doc)
                && let Some(text) = describe_annotation(&s.project, d, a)
            {
                parts.push(text);
            }
        } else if st.selected.is_some() && s.generation != self.generation {
            // The selected annotation itself changed (type, link): read it again.
            if let (Some(a), Some(d)) = (st.selected, st.doc)
                && let Some(text) = describe_annotation(&s.project, d, a)
            {
                parts.push(text);
            }
        }
        // Reading with the caret (arrows, a screen reader's Say All moving it): entering a
        // tagged word says what it is, once, when nothing is selected and nothing else
        // is said ("Person: Mao Zedong, linked to Mao Zedong"); text attributes cannot
        // carry that through AccessKit's Unix adapter (docs/accessibility.md).
        let caret_in = st
            .doc
            .filter(|_| st.sel.span().is_empty())
            .and_then(|d| annotation_at(&s.project, d, st.sel.caret));
        if caret_in != self.caret_in
            && st.doc == self.doc
            && st.selected.is_none()
            && parts.is_empty()
            && !handler_spoke
            && let (Some(a), Some(d)) = (caret_in, st.doc)
            && let Some(text) = describe_annotation(&s.project, d, a)
        {
            parts.push(text);
        }
        self.caret_in = caret_in;
        // A selection made or changed (Shift+arrows, a drag, a screen reader's
        // set_selection) says how long it is, when nothing else is said.
        let selected = st.sel.span().len();
        if selected != self.selected_len
            && selected > 0
            && st.doc == self.doc
            && parts.is_empty()
            && !handler_spoke
        {
            parts.push(format!(
                "Text selected: {}",
                crate::words::count(selected, "character", "characters")
            ));
        }
        self.selected_len = selected;
        if self.saving
            && !saving
            && matches!(st.save_state, super::SaveState::Saved)
            && !handler_spoke
        {
            parts.push("Saved".to_owned());
        }
        self.selected = st.selected;
        self.undo = undo;
        self.redo = redo;
        self.generation = s.generation;
        self.saving = saving;
        self.doc = st.doc;
        if !parts.is_empty() {
            let text = parts.join(". ");
            st.status = if handler_spoke && !st.status.is_empty() {
                format!("{}. {text}", st.status)
            } else {
                text
            };
        }
    }
}
