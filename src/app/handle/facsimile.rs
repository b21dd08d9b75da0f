//! Page images and regions: selecting a region (and showing its text), turning a drawn
//! region into a region mention, linking a region to the selected text mention, adding
//! pages (copied into the project when they come from outside it) and page breaks.

use crate::app::App;
use crate::app::panels::facsimile::PagesMsg;
use crate::app::state::Dialog;
use crate::facsimile::{DecodeLimits, decode};
use crate::model::ops::region as region_ops;
use crate::model::region::PageRegion;
use crate::model::{AnnId, Slug};
use crate::store::place::{Placed, describe_copies, place_in_project};
use std::path::PathBuf;

/// Folder (inside the project) that page images from outside it are copied into.
pub const PAGES_DIR: &str = "pages";

impl App {
    pub(super) fn pages_message(&mut self, ctx: &egui::Context, m: PagesMsg) {
        match m {
            PagesMsg::SelectRegion(r) => self.select_region(r),
            PagesMsg::AddPages(paths) => self.add_pages(ctx, &paths),
        }
    }

    /// Selects region `r` (also as the window's selected annotation, so the inspector and
    /// the type keys act on it) and scrolls the transcription to its linked text.
    fn select_region(&mut self, r: Option<AnnId>) {
        let st = &mut self.state;
        let (Some(p), Some(d)) = (st.project(), st.doc) else {
            return;
        };
        let region = r
            .and_then(|r| p.annotation(d, r))
            .and_then(|a| a.region.clone());
        if r.is_some() && region.is_none() {
            return;
        }
        let text = region.as_ref().and_then(|g| g.text);
        if let Some(start) = text
            .and_then(|t| p.annotation(d, t))
            .and_then(|a| a.anchor())
            .map(|an| an.extent().start)
        {
            st.scroll_to = Some(start);
        }
        st.pages.region = r;
        st.pages.linked_text = text;
        st.selected = r;
        st.link_query.clear();
    }

    /// Turns the drawn region into a region mention of `ty`; `false` when there is none.
    pub(super) fn tag_region_draft(&mut self, ctx: &egui::Context, ty: &Slug) -> bool {
        let st = &mut self.state;
        let Some(draft) = st.pages.draft.clone() else {
            return false;
        };
        let Some(p) = st.project() else { return false };
        let region = PageRegion {
            page: draft.page,
            shape: draft.shape,
            text: None,
        };
        match region_ops::add_region(p, draft.doc, region, ty) {
            Ok((tx, id)) => {
                if self.commit(ctx, tx) {
                    self.state.pages.draft = None;
                    self.select_region(Some(id));
                }
            }
            Err(e) => {
                st.status = format!("Cannot mark the region: {e}");
                st.pages.draft = None;
            }
        }
        true
    }

    /// Links the region selected in the page pane to the selected text mention.
    pub(super) fn link_to_selected_region(&mut self, ctx: &egui::Context) {
        let st = &mut self.state;
        let (Some(p), Some(d)) = (st.project(), st.doc) else {
            return;
        };
        let Some(region) = st.pages.region else {
            st.status = "Select a region on the page first".into();
            return;
        };
        let Some(text) = st.selected.filter(|t| *t != region) else {
            st.status = "Select the text mention to link (click it in the transcription)".into();
            return;
        };
        match region_ops::link_text(p, d, region, Some(text)) {
            Ok(tx) => {
                if self.commit(ctx, tx) {
                    self.state.pages.linked_text = Some(text);
                    self.state.status = "Linked the region to the text".into();
                }
            }
            Err(crate::model::ops::OpError::NoChange) => {}
            Err(e) => st.status = format!("Cannot link: {e}"),
        }
    }

    pub(super) fn page_break_here(&mut self, ctx: &egui::Context) {
        let st = &mut self.state;
        let (Some(p), Some(d)) = (st.project(), st.doc) else {
            return;
        };
        match region_ops::add_page_break(p, d, st.sel.caret, "") {
            Ok(tx) => {
                self.commit(ctx, tx);
            }
            Err(crate::model::ops::OpError::NoChange) => {
                st.status = "There is already a page break here".into();
            }
            Err(e) => st.status = format!("Cannot add a page break: {e}"),
        }
    }

    /// Adds image files as pages of the open document. Each is checked (its header must be
    /// a PNG, JPEG or TIFF within the limits) and, when outside the project, copied in.
    pub(super) fn add_pages(&mut self, ctx: &egui::Context, paths: &[PathBuf]) {
        let st = &mut self.state;
        let (Some(s), Some(d)) = (st.session.as_ref(), st.doc) else {
            st.status = "Open a document to add pages to".into();
            return;
        };
        let dir = s.dir().to_path_buf();
        let limits = DecodeLimits::default();
        let mut placed: Vec<Placed> = Vec::new();
        let mut errors = Vec::new();
        for path in paths {
            if let Err(e) = decode::header(path, &limits) {
                errors.push(e.to_string());
                continue;
            }
            // The one rule Add documents and `marginalia add --copy` use too.
            match place_in_project(&dir, path, PAGES_DIR, limits.max_file_bytes) {
                Ok(p) => placed.push(p),
                Err(e) => errors.push(e.to_string()),
            }
        }
        let rels: Vec<_> = placed.iter().map(|p| p.rel().clone()).collect();
        let copies = describe_copies(&placed);
        if !rels.is_empty() {
            let Some(p) = self.state.project() else {
                return;
            };
            match region_ops::add_pages(p, d, &rels) {
                Ok(tx) => {
                    if self.commit(ctx, tx) {
                        let n = crate::words::count(rels.len(), "page", "pages");
                        self.state.status = format!("Added {n}. {copies}").trim().to_owned();
                        self.state.prefs.show_pages = true;
                    }
                }
                Err(crate::model::ops::OpError::NoChange) => {
                    self.state.status = "Those pages are already there".into();
                }
                Err(e) => self.state.status = format!("Cannot add pages: {e}"),
            }
        }
        if !errors.is_empty() {
            self.state.dialog = Some(Dialog::Message(format!(
                "Some images were not added:\n{}",
                errors.join("\n")
            )));
        }
    }
}
