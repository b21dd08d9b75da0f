//! Files and folders dropped on the window: a project opens, a folder of sources becomes a
//! new project, source files are added to the open project, images become pages of the open
//! document.

use super::App;
use super::message::Message;
use crate::interchange::text::is_source;
use crate::store;
use std::path::PathBuf;

impl App {
    pub(super) fn dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if dropped.is_empty() {
            return;
        }
        let mut sources = Vec::new();
        let mut images = Vec::new();
        for p in dropped {
            let name = p.to_string_lossy();
            if name.ends_with(store::PROJECT_SUFFIX) {
                self.state.push(Message::Open(p));
            } else if p.is_dir() {
                if store::resolve_project_file(&p).is_ok() {
                    self.state.push(Message::Open(p));
                } else {
                    self.state.push(Message::NewFromFolder(p));
                }
            } else if is_source(&p)
                || crate::interchange::into_project::detect(&p.to_string_lossy()).is_some()
            {
                sources.push(p);
            } else if is_page_image(&p) {
                images.push(p);
            }
        }
        if !sources.is_empty() {
            self.state.push(Message::AddDocuments(sources));
        }
        // Images dropped on the window become pages of the open document.
        if !images.is_empty() {
            self.state.push(Message::Pages(
                super::panels::facsimile::PagesMsg::AddPages(images),
            ));
        }
    }
}

/// Whether `p` is named like a page image (PNG, JPEG, TIFF).
fn is_page_image(p: &std::path::Path) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        crate::facsimile::pages::IMAGE_EXTENSIONS
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}
