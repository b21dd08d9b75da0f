//! The window's panels, one file each. A panel draws into the `Ui` the app gives it and
//! changes project data only by queuing [`Command`](super::Command)s and
//! [`Message`](super::Message)s.

pub mod about;
pub mod accept_all;
pub mod agreement;
pub mod archive;
pub mod conflicts;
pub mod curation;
pub mod doc_list;
pub mod entry_page;
pub mod event_frame;
pub mod facsimile;
pub mod find;
pub mod inspector;
pub mod interchange;
pub mod legend;
pub mod metadata;
pub mod palette;
pub mod pieces;
pub mod problems;
pub mod reader;
pub mod reader_edit;
pub mod registry;
pub mod review;
pub mod schema_editor;
pub mod status;
pub mod views;

use super::AppState;

/// A panel's contents (placement is the app's business).
pub trait View {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState);
}

/// A single-line text field with an accessible label shown before it.
pub fn labelled_field(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    hint: &str,
) -> egui::Response {
    ui.horizontal(|ui| {
        let l = ui.label(label);
        ui.add(
            egui::TextEdit::singleline(text)
                .hint_text(hint)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(l.id)
    })
    .inner
}

/// A drop-down with its label before it, as forms read ("Sort [Best match ▼]"); egui's
/// `ComboBox::from_label` puts the label after the box, where it reads as the next field's.
/// Where the two do not fit side by side (a narrow panel), the label goes above the box and
/// the box takes the width there is. `combo` is built with `ComboBox::from_id_salt`; screen
/// readers get the label too.
pub fn labelled_combo<R>(
    ui: &mut egui::Ui,
    label: impl Into<egui::WidgetText>,
    combo: egui::ComboBox,
    add: impl FnOnce(&mut egui::Ui) -> R,
) -> egui::InnerResponse<Option<R>> {
    let label: egui::WidgetText = label.into();
    let font = egui::TextStyle::Body.resolve(ui.style());
    let label_w = ui.fonts_mut(|f| {
        f.layout_no_wrap(label.text().to_owned(), font, egui::Color32::WHITE)
            .size()
            .x
    });
    let room = ui.available_width();
    let combo_w = ui.spacing().combo_width + 2.0 * ui.spacing().button_padding.x;
    let show = |ui: &mut egui::Ui, combo: egui::ComboBox| {
        let l = ui.label(label);
        let mut r = combo.show_ui(ui, add);
        r.response = r.response.labelled_by(l.id);
        r
    };
    // In a row that wraps, label and box are two of its items: the box goes to the next
    // line when the row is full.
    if ui.layout().main_wrap && ui.layout().is_horizontal() {
        return show(ui, combo);
    }
    if label_w + ui.spacing().item_spacing.x + combo_w <= room {
        ui.horizontal(|ui| show(ui, combo)).inner
    } else {
        let w = (room - 2.0 * ui.spacing().button_padding.x).max(40.0);
        ui.vertical(|ui| show(ui, combo.width(w))).inner
    }
}

/// A floating window that fits the screen: never wider than the window the app runs in
/// (less a margin) and kept on it; its rows wrap or are cut inside it. Every window of the
/// app is made here.
pub fn window<'a>(ctx: &egui::Context, title: impl Into<egui::WidgetText>) -> egui::Window<'a> {
    let w = (ctx.content_rect().width() - 24.0).max(200.0);
    let h = (ctx.content_rect().height() - 24.0).max(200.0);
    egui::Window::new(title)
        .max_width(w)
        .max_height(h)
        .constrain(true)
}

/// `s` cut to `n` characters with "…" (whole when it fits).
pub fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Draws `add` within the available width of `ui`, clipped to it: what the content asks for
/// beyond that (a row that does not wrap) is cut off, and whatever holds it — a side panel,
/// a window — keeps its width (egui would otherwise grow a panel or window to its widest
/// content, and a panel would keep and save that width).
pub fn fit<R>(ui: &mut egui::Ui, add: impl FnOnce(&mut egui::Ui) -> R) -> R {
    let rect = ui.available_rect_before_wrap();
    let mut child = ui.new_child(egui::UiBuilder::new().max_rect(rect).layout(*ui.layout()));
    child.shrink_clip_rect(rect);
    let r = add(&mut child);
    let used = child.min_rect();
    ui.advance_cursor_after_rect(egui::Rect::from_min_size(
        rect.min,
        egui::vec2(
            (used.max.x - rect.min.x).clamp(0.0, rect.width()),
            (used.max.y - rect.min.y).max(0.0),
        ),
    ));
    r
}

/// Shows window `w` (made by [`window`]) with its content drawn through [`fit`]: a long row
/// is cut at the window's edge instead of widening it past the screen.
pub fn show_window<R>(
    w: egui::Window<'_>,
    ctx: &egui::Context,
    add: impl FnOnce(&mut egui::Ui) -> R,
) -> Option<egui::InnerResponse<Option<R>>> {
    let r = w.show(ctx, |ui| fit(ui, add));
    if let Some(r) = &r {
        crate::app::a11y::window_shown(ctx, r.response.layer_id);
    }
    r
}

/// Shows window `w` like [`show_window`] but without taking focus when it opens: for a
/// window that follows the work beside it (Find in project follows the text being
/// corrected; the re-anchoring review is worked with J/K/Enter from the reader), where the
/// keys must stay in the reader.
pub fn show_window_beside<R>(
    w: egui::Window<'_>,
    ctx: &egui::Context,
    add: impl FnOnce(&mut egui::Ui) -> R,
) -> Option<egui::InnerResponse<Option<R>>> {
    w.show(ctx, |ui| fit(ui, add))
}

/// Whether Esc closes the window shown as `r` this frame: pressed while focus was inside it,
/// with no drop-down of it open (Esc then closes only the drop-down).
pub fn esc_closes<R>(ctx: &egui::Context, r: &Option<egui::InnerResponse<Option<R>>>) -> bool {
    r.as_ref()
        .is_some_and(|r| crate::app::a11y::esc_in_window(ctx, r.response.layer_id))
}

/// A small button showing `text` ("Up", "×") that says what it does in full — on hover and
/// to screen readers ("Move page 2 up").
pub fn small_action(ui: &mut egui::Ui, text: &str, what: &str) -> egui::Response {
    let r = ui.small_button(text).on_hover_text(what);
    let label = what.to_owned();
    ui.ctx()
        .accesskit_node_builder(r.id, |node| node.set_label(label));
    r
}
