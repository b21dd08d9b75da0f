//! Fonts: egui's defaults (Latin, Cyrillic, Greek) plus a bundled subset of Noto Sans CJK
//! (OFL, `assets/fonts/`) for Chinese, Japanese kana and Hangul, as the lowest-priority
//! fallback. Characters outside the subset fall back to system fonts (`system_fonts`).

use egui::FontFamily;
use egui::epaint::text::{FontData, FontInsert, FontPriority, InsertFontFamily};

/// The bundled CJK subset.
pub const CJK_SUBSET: &[u8] = include_bytes!("../../assets/fonts/NotoSansCJK-subset.otf");

/// Adds the CJK fallback to both font families. Cheap to call again.
pub fn install(ctx: &egui::Context) {
    ctx.add_font(FontInsert::new(
        "noto-sans-cjk-subset",
        FontData::from_static(CJK_SUBSET),
        vec![
            InsertFontFamily {
                family: FontFamily::Proportional,
                priority: FontPriority::Lowest,
            },
            InsertFontFamily {
                family: FontFamily::Monospace,
                priority: FontPriority::Lowest,
            },
        ],
    ));
}
