//! The legend (View → Legend): every entity and event type of the schema with its colour,
//! how the reader draws it, and its hotkey.

use super::reader::{Seg, seg_shapes};
use crate::app::{AppState, Command};
use crate::model::Schema;
use crate::model::schema::parse_color;
use egui::{Color32, Rect, Sense, vec2};

/// One type in the legend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegendRow {
    pub label: String,
    /// The hotkey as the user presses it ("P"), if the type has one.
    pub hotkey: Option<String>,
    /// An event type (drawn as a box), not an entity type (an underline).
    pub event: bool,
    pub color: Color32,
}

/// The legend's rows: entity types, then event types, in schema order.
pub fn legend_rows(schema: &Schema) -> Vec<LegendRow> {
    let color =
        |c: &str| parse_color(c).map_or(Color32::GRAY, |[r, g, b]| Color32::from_rgb(r, g, b));
    let key = |k: Option<char>| k.map(|c| c.to_ascii_uppercase().to_string());
    let entities = schema.entity_types.iter().map(|t| LegendRow {
        label: t.label.clone(),
        hotkey: key(t.hotkey),
        event: false,
        color: color(&t.color),
    });
    let events = schema.event_types.iter().map(|t| LegendRow {
        label: t.label.clone(),
        hotkey: key(t.hotkey),
        event: true,
        color: color(&t.color),
    });
    entities.chain(events).collect()
}

/// One legend line's text: "Person — P", or just the label without a hotkey.
pub fn row_text(row: &LegendRow) -> String {
    match &row.hotkey {
        Some(k) => format!("{} — {k}", row.label),
        None => row.label.clone(),
    }
}

/// Shows the legend window while `AppState::legend_open` is set.
pub fn show(ctx: &egui::Context, st: &mut AppState) {
    if !st.legend_open {
        return;
    }
    let Some(schema) = st.project().map(|p| p.schema.clone()) else {
        return;
    };
    let rows = legend_rows(&schema);
    let mut open = true;
    let shown = super::show_window(
        super::window(ctx, "Legend")
            .open(&mut open)
            .collapsible(true)
            .resizable(false)
            .default_pos(ctx.content_rect().right_top() + vec2(-260.0, 60.0)),
        ctx,
        |ui| {
            ui.label("Mentions are underlined; event triggers are boxed.");
            ui.label("Select text, then press a type's key to tag it.");
            for (i, row) in rows.iter().enumerate() {
                if row.event && (i == 0 || !rows[i - 1].event) {
                    ui.separator();
                    ui.strong("Events");
                } else if i == 0 {
                    ui.strong("Entities");
                }
                ui.horizontal(|ui| {
                    let (r, _) = ui.allocate_exact_size(vec2(28.0, 18.0 + 2.0), Sense::hover());
                    let seg = Seg {
                        start: 0,
                        end: 1,
                        ann: crate::model::AnnId::new(),
                        color: row.color,
                        depth: 0,
                        extent_len: 1,
                        event: row.event,
                    };
                    let text_rect =
                        Rect::from_min_max(r.min - vec2(0.0, 7.0), r.max + vec2(0.0, 7.0));
                    ui.painter().extend(seg_shapes(&seg, text_rect));
                    ui.label(row_text(row));
                });
            }
            if ui.button("Close").clicked() {
                st.queue.push(Command::ToggleLegend);
            }
        },
    );
    if super::esc_closes(ctx, &shown) {
        open = false;
    }
    if !open {
        st.legend_open = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_lists_every_type_with_its_hotkey() {
        let schema = Schema::default_diplomatic();
        let rows = legend_rows(&schema);
        assert_eq!(
            rows.len(),
            schema.entity_types.len() + schema.event_types.len()
        );
        for t in &schema.entity_types {
            let r = rows
                .iter()
                .find(|r| r.label == t.label)
                .expect("entity row");
            assert!(!r.event);
            assert_eq!(
                r.hotkey,
                t.hotkey.map(|c| c.to_ascii_uppercase().to_string())
            );
        }
        for t in &schema.event_types {
            let r = rows.iter().find(|r| r.label == t.label).expect("event row");
            assert!(r.event);
            assert_eq!(
                r.hotkey,
                t.hotkey.map(|c| c.to_ascii_uppercase().to_string())
            );
        }
        assert_eq!(row_text(&rows[0]), "Person — P");
    }
}
