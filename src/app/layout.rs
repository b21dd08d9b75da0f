//! Where the panels go: status bar, find bar, document list, inspector and registry,
//! reader, and the floating windows.
//!
//! The side panels share at most [`SIDE_SHARE`] of the window's width, so the reader (with
//! the page images, when shown) keeps at least the rest: the document list takes at most
//! [`DOCS_SHARE`], the right column what is left of the side share. A width saved by an
//! earlier session is clamped to these caps when it is loaded, and content never widens a
//! panel: each side panel draws into a region of exactly its width ([`fixed_width`]), so a
//! long name is cut or wrapped inside the panel instead of pushing it and the reader.

use super::App;
use super::a11y::{self, Region};
use super::panels::View;

/// Most of the window's width the side panels take together: the reader keeps 45 % (the
/// rest of the 55 % goes to the panels' separators and margins).
pub const SIDE_SHARE: f32 = 0.54;
/// Most of the window's width the document list takes.
pub const DOCS_SHARE: f32 = 0.25;
/// Narrowest the right column is made, in points.
const RIGHT_MIN: f32 = 200.0;

/// Where the panels were laid out in the last frame (for tests and the layout sweep).
#[derive(Clone, Copy, Debug)]
pub struct PanelRects {
    pub window: egui::Rect,
    pub documents: Option<egui::Rect>,
    /// Inspector and registry.
    pub right: Option<egui::Rect>,
    /// The centre: the reader, with the page images when shown (or the start screen).
    pub centre: egui::Rect,
    pub views: Option<egui::Rect>,
    pub status: egui::Rect,
}

impl Default for PanelRects {
    fn default() -> Self {
        Self {
            window: egui::Rect::NOTHING,
            documents: None,
            right: None,
            centre: egui::Rect::NOTHING,
            views: None,
            status: egui::Rect::NOTHING,
        }
    }
}

impl PanelRects {
    /// Widest the right column may be in a window `w` points wide whose document list is
    /// `docs` points wide.
    pub fn right_cap(w: f32, docs: f32) -> f32 {
        (w * SIDE_SHARE - docs).max(RIGHT_MIN)
    }

    /// Widest the document list may be in a window `w` points wide.
    pub fn docs_cap(w: f32) -> f32 {
        (w * DOCS_SHARE).max(140.0)
    }
}

use super::panels::fit as fixed_width;

impl App {
    pub(super) fn panels(&mut self, ui: &mut egui::Ui) {
        let st = &mut self.state;
        let rects = &mut self.panel_rects;
        rects.window = ui.max_rect();
        // Side panels give way on narrow windows so the reader keeps about half the width.
        let w = ui.available_width();
        rects.status = egui::Panel::bottom("status")
            .show(ui, |ui| {
                a11y::region(ui, Region::Status);
                fixed_width(ui, |ui| self.status.ui(ui, st))
            })
            .response
            .rect;
        if st.find.open {
            egui::Panel::top("find").show(ui, |ui| self.find.ui(ui, st));
        }
        // The views across the project take the window's full width below the reader.
        rects.views = None;
        if st.view.is_some() && st.session.is_some() {
            a11y::resize_handle(ui, "views");
            let h = ui.available_height();
            let r = egui::Panel::bottom("views")
                .default_size((h * 0.5).max(200.0))
                .min_size(160.0)
                .max_size((h * 0.8).max(200.0))
                .resizable(true)
                .show(ui, |ui| fixed_width(ui, |ui| self.views.ui(ui, st)));
            rects.views = Some(r.response.rect);
        }
        rects.documents = None;
        let mut docs_w = 0.0;
        if st.prefs.show_documents {
            a11y::resize_handle(ui, "documents");
            let cap = PanelRects::docs_cap(w);
            let r = egui::Panel::left("documents")
                .default_size((w * 0.2).clamp(140.0, 240.0).min(cap))
                .min_size(120.0)
                .max_size(cap)
                .resizable(true)
                .show(ui, |ui| {
                    a11y::region(ui, Region::Documents);
                    fixed_width(ui, |ui| self.doc_list.ui(ui, st))
                });
            docs_w = r.response.rect.width();
            rects.documents = Some(r.response.rect);
        }
        rects.right = None;
        if st.prefs.show_inspector || st.prefs.show_registry {
            a11y::resize_handle(ui, "right");
            let cap = PanelRects::right_cap(w, docs_w);
            let r = egui::Panel::right("right")
                .default_size((w * 0.28).clamp(RIGHT_MIN, 330.0).min(cap))
                .min_size(RIGHT_MIN.min(cap))
                .max_size(cap)
                .resizable(true)
                .show(ui, |ui| {
                    fixed_width(ui, |ui| {
                        if st.prefs.show_registry {
                            a11y::resize_handle(ui, "registry");
                            // The registry starts with half the column when the inspector shares
                            // it (more rows than a fixed 320 points on tall windows), all of it
                            // when alone.
                            let col = ui.available_height();
                            let share = if st.prefs.show_inspector { 0.5 } else { 1.0 };
                            egui::Panel::bottom("registry")
                                .default_size((col * share).max(320.0))
                                .min_size(160.0)
                                .resizable(true)
                                .show(ui, |ui| {
                                    a11y::region(ui, Region::Registry);
                                    self.registry.ui(ui, st)
                                });
                        }
                        if st.prefs.show_inspector {
                            egui::CentralPanel::default().show(ui, |ui| {
                                a11y::region(ui, Region::Inspector);
                                self.inspector.ui(ui, st)
                            });
                        }
                    })
                });
            rects.right = Some(r.response.rect);
        }
        rects.centre = egui::CentralPanel::default()
            .show(ui, |ui| {
                if st.session.is_none() {
                    self.start.ui(ui, st);
                } else {
                    reader_and_pages(ui, st, &mut self.reader, &mut self.pages);
                }
            })
            .response
            .rect;
        self.find.project_window(ui.ctx(), st);
        self.palette.ui(ui, st);
        self.interchange.ui(ui.ctx(), st);
        self.archive.ui(ui.ctx(), st);
        self.entry_page.ui(ui, st);
        self.schema_editor.ui(ui, st);
        self.metadata.ui(ui, st);
        self.about.ui(ui, st);
        super::panels::legend::show(ui.ctx(), st);
        self.problems.ui(ui, st);
        self.agreement.ui(ui, st);
        self.curation.ui(ui, st);
        self.conflicts.ui(ui, st);
        self.review.ui(ui, st);
        super::panels::accept_all::show(ui.ctx(), st);
    }
}

/// The transcription and the page images: side by side, stacked when the centre is
/// narrow (under 640 points), or either alone when the other is hidden or missing.
fn reader_and_pages(
    ui: &mut egui::Ui,
    st: &mut super::AppState,
    reader: &mut super::panels::reader::Reader,
    pane: &mut super::panels::facsimile::Facsimile,
) {
    let doc = st.doc.and_then(|d| st.project()?.documents.get(&d));
    let has_pages = doc.is_some_and(|d| !d.meta.images.is_empty());
    let has_text = doc.is_none_or(|d| d.text.is_some());
    let pages = st.prefs.show_pages && has_pages;
    let text = st.prefs.show_transcription && has_text || !pages;
    // The reader's scroll position from the last frame: the pane is laid out first.
    let offset = reader.first_visible_offset.take();
    if pages && text {
        let (w, h) = (ui.available_width(), ui.available_height());
        if w >= 640.0 {
            a11y::resize_handle(ui, "pages");
            egui::Panel::right("pages")
                .default_size(w * 0.5)
                .min_size(200.0)
                .max_size((w * 0.55).max(200.0))
                .resizable(true)
                .show(ui, |ui| {
                    a11y::region(ui, Region::Pages);
                    pane.ui(ui, st, offset)
                });
        } else {
            a11y::resize_handle(ui, "pages below");
            // Its own id: the side-by-side width is never taken for the stacked height, and
            // the text keeps at least 45 % of the centre, stacked or side by side.
            egui::Panel::bottom("pages below")
                .default_size(h * 0.5)
                .min_size(160.0)
                .max_size((h * 0.55).max(160.0))
                .resizable(true)
                .show(ui, |ui| {
                    a11y::region(ui, Region::Pages);
                    pane.ui(ui, st, offset)
                });
        }
    }
    if text {
        egui::CentralPanel::default().show(ui, |ui| {
            a11y::region(ui, Region::Reader);
            reader.ui(ui, st);
        });
    } else {
        egui::CentralPanel::default().show(ui, |ui| {
            a11y::region(ui, Region::Pages);
            pane.ui(ui, st, offset)
        });
    }
}
