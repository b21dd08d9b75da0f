//! Where the panels go: status bar, find bar, document list, inspector and registry,
//! reader, and the floating windows.

use super::App;
use super::a11y::{self, Region};
use super::panels::View;

impl App {
    pub(super) fn panels(&mut self, ui: &mut egui::Ui) {
        let st = &mut self.state;
        // Side panels give way on narrow windows so the reader keeps about half the width.
        let w = ui.available_width();
        egui::Panel::bottom("status").show(ui, |ui| {
            a11y::region(ui, Region::Status);
            self.status.ui(ui, st)
        });
        if st.find.open {
            egui::Panel::top("find").show(ui, |ui| self.find.ui(ui, st));
        }
        // The views across the project take the window's full width below the reader.
        if st.view.is_some() && st.session.is_some() {
            let h = ui.available_height();
            egui::Panel::bottom("views")
                .default_size((h * 0.5).max(200.0))
                .min_size(160.0)
                .max_size((h * 0.8).max(200.0))
                .resizable(true)
                .show(ui, |ui| self.views.ui(ui, st));
        }
        if st.prefs.show_documents {
            a11y::resize_handle(ui, "documents");
            egui::Panel::left("documents")
                .default_size((w * 0.2).clamp(140.0, 240.0))
                .max_size((w * 0.3).max(140.0))
                .resizable(true)
                .show(ui, |ui| {
                    a11y::region(ui, Region::Documents);
                    self.doc_list.ui(ui, st)
                });
        }
        if st.prefs.show_inspector || st.prefs.show_registry {
            a11y::resize_handle(ui, "right");
            egui::Panel::right("right")
                .default_size((w * 0.28).clamp(200.0, 330.0))
                .max_size((w * 0.45).max(200.0))
                .resizable(true)
                .show(ui, |ui| {
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
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if st.session.is_none() {
                self.start.ui(ui, st);
            } else {
                reader_and_pages(ui, st, &mut self.reader, &mut self.pages);
            }
        });
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
        self.conflicts.ui(ui, st);
        self.review.ui(ui, st);
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
            egui::Panel::right("pages")
                .default_size(w * 0.5)
                .min_size(200.0)
                .max_size((w - 200.0).max(200.0))
                .resizable(true)
                .show(ui, |ui| pane.ui(ui, st, offset));
        } else {
            egui::Panel::bottom("pages")
                .default_size(h * 0.5)
                .min_size(160.0)
                .max_size((h - 120.0).max(160.0))
                .resizable(true)
                .show(ui, |ui| pane.ui(ui, st, offset));
        }
    }
    if text {
        egui::CentralPanel::default().show(ui, |ui| {
            a11y::region(ui, Region::Reader);
            reader.ui(ui, st);
        });
    } else {
        egui::CentralPanel::default().show(ui, |ui| pane.ui(ui, st, offset));
    }
}
