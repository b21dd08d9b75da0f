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
    Documents,
    Inspector,
    Registry,
    Status,
}

impl Region {
    /// F6 order.
    pub const ALL: [Region; 5] = [
        Region::Reader,
        Region::Documents,
        Region::Inspector,
        Region::Registry,
        Region::Status,
    ];

    /// The region's accessible name.
    pub fn name(self) -> &'static str {
        match self {
            Region::Reader => "Reader",
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

/// Clears the regions recorded for the last frame; called once at the start of a frame.
pub fn begin_frame(ctx: &Context, window_name: &str) {
    ctx.data_mut(|d| {
        d.insert_temp::<Vec<(Region, Rect)>>(regions_key(), Vec::new());
        d.insert_temp::<Vec<Id>>(resize_key(), Vec::new());
    });
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

/// A panel heading, exposed as a heading (egui's `ui.heading` is a plain label).
pub fn heading(ui: &mut egui::Ui, text: &str) -> egui::Response {
    let r = ui.heading(text);
    let name = text.to_owned();
    ui.ctx().accesskit_node_builder(r.id, |n| {
        n.set_role(accesskit::Role::Heading);
        n.clear_value();
        n.set_label(name);
        n.set_level(2);
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
    let handles: Vec<Id> = ctx.data(|d| d.get_temp(resize_key()).unwrap_or_default());
    let Some(f) = ctx.memory(|m| m.focused()) else {
        return;
    };
    if handles.contains(&f) {
        let back = ctx.input(|i| i.modifiers.shift);
        ctx.memory_mut(|m| {
            m.surrender_focus(f);
            m.move_focus(if back {
                egui::FocusDirection::Previous
            } else {
                egui::FocusDirection::Next
            });
        });
        // The move happens as widgets register next frame.
        ctx.request_repaint();
    }
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
            .map(|w| (w.id, w.rect))
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

/// Marks the node of `id` as a polite live region: screen readers speak its changes.
pub fn live(ctx: &Context, id: Id) {
    ctx.accesskit_node_builder(id, |n| n.set_live(accesskit::Live::Polite));
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
