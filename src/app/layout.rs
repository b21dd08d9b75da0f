//! Where the panels go: status bar, find bar, document list, inspector and registry,
//! reader, and the floating windows.

use super::App;
use super::panels::View;

impl App {
    pub(super) fn panels(&mut self, ui: &mut egui::Ui) {
        let st = &mut self.state;
        // Side panels give way on narrow windows so the reader keeps about half the width.
        let w = ui.available_width();
        egui::Panel::bottom("status").show(ui, |ui| self.status.ui(ui, st));
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
            egui::Panel::left("documents")
                .default_size((w * 0.2).clamp(140.0, 240.0))
                .max_size((w * 0.3).max(140.0))
                .resizable(true)
                .show(ui, |ui| self.doc_list.ui(ui, st));
        }
        if st.prefs.show_inspector || st.prefs.show_registry {
            egui::Panel::right("right")
                .default_size((w * 0.28).clamp(200.0, 330.0))
                .max_size((w * 0.45).max(200.0))
                .resizable(true)
                .show(ui, |ui| {
                    if st.prefs.show_registry {
                        egui::Panel::bottom("registry")
                            .default_size(320.0)
                            .min_size(160.0)
                            .resizable(true)
                            .show(ui, |ui| self.registry.ui(ui, st));
                    }
                    if st.prefs.show_inspector {
                        egui::CentralPanel::default().show(ui, |ui| self.inspector.ui(ui, st));
                    }
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if st.session.is_none() {
                self.start.ui(ui, st);
            } else {
                self.reader.ui(ui, st);
            }
        });
        self.find.project_window(ui.ctx(), st);
        self.palette.ui(ui, st);
        self.interchange.ui(ui.ctx(), st);
        self.entry_page.ui(ui, st);
        self.schema_editor.ui(ui, st);
        self.metadata.ui(ui, st);
        self.about.ui(ui, st);
        self.problems.ui(ui, st);
    }
}
