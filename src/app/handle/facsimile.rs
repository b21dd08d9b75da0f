//! Page images and regions: selecting a region (and showing its text), turning a drawn
//! region into a region mention, linking a region to the selected text mention, adding
//! pages (copied into the project when they come from outside it) and page breaks.

use crate::app::App;
use crate::app::panels::facsimile::PagesMsg;
use crate::app::state::Dialog;
use crate::facsimile::{DecodeLimits, decode};
use crate::model::ops::region as region_ops;
use crate::model::region::PageRegion;
use crate::model::{AnnId, RelPath, Slug};
use anyhow::Context as _;
use std::path::{Path, PathBuf};

/// Folder (inside the project) that page images from outside it are copied into.
pub const PAGES_DIR: &str = "pages";

/// The path of `src` inside the project folder `dir`: itself when it is inside, else a copy
/// in `dir/pages/` under its own name (numbered `-2`, `-3` … when taken; nothing is
/// overwritten).
fn place_in_project(dir: &Path, src: &Path) -> anyhow::Result<RelPath> {
    let canon_dir = dir
        .canonicalize()
        .with_context(|| format!("cannot resolve the project folder {}", dir.display()))?;
    // The file is named last, after the reason.
    let canon = src
        .canonicalize()
        .map_err(|e| anyhow::anyhow!("cannot read the image ({e}): {}", src.display()))?;
    if canon.starts_with(&canon_dir) {
        return RelPath::from_native(&canon_dir, &canon)
            .map_err(|e| anyhow::anyhow!("{e}: {}", src.display()));
    }
    let name = src
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .with_context(|| format!("no file name: {}", src.display()))?;
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s.to_owned(), format!(".{e}")),
        None => (name.clone(), String::new()),
    };
    let folder = dir.join(PAGES_DIR);
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    let mut bytes = Vec::new();
    crate::store::fs::open_regular(src)
        .and_then(|mut f| std::io::Read::read_to_end(&mut f, &mut bytes))
        .map_err(|e| anyhow::anyhow!("cannot read the image ({e}): {}", src.display()))?;
    let names = (1..10_000).map(|n| {
        if n == 1 {
            name.clone()
        } else {
            format!("{stem}-{n}{ext}")
        }
    });
    // Atomic, and never over a file there (or put there meanwhile).
    if let Some(dest) =
        crate::store::fs::write_new_first(names.map(|file| folder.join(file)), &bytes)?
    {
        let file = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        return RelPath::parse(&format!("{PAGES_DIR}/{file}"))
            .map_err(|e| anyhow::anyhow!("{e}: {}", dest.display()));
    }
    anyhow::bail!("too many files named like {name} in {}", folder.display())
}

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
        let mut rels = Vec::new();
        let mut errors = Vec::new();
        for path in paths {
            if let Err(e) = decode::header(path, &limits) {
                errors.push(e.to_string());
                continue;
            }
            match place_in_project(&dir, path) {
                Ok(rel) => rels.push(rel),
                Err(e) => errors.push(format!("{e:#}")),
            }
        }
        if !rels.is_empty() {
            let Some(p) = self.state.project() else {
                return;
            };
            match region_ops::add_pages(p, d, &rels) {
                Ok(tx) => {
                    if self.commit(ctx, tx) {
                        self.state.status = format!("Added {} page(s)", rels.len());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_from_outside_are_copied_in_without_overwriting() {
        let project = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let inside = project.path().join("scans/p1.png");
        std::fs::create_dir_all(inside.parent().unwrap()).unwrap();
        std::fs::write(&inside, b"inside").unwrap();
        assert_eq!(
            place_in_project(project.path(), &inside).unwrap().as_str(),
            "scans/p1.png"
        );
        let src = outside.path().join("p2.png");
        std::fs::write(&src, b"first").unwrap();
        assert_eq!(
            place_in_project(project.path(), &src).unwrap().as_str(),
            "pages/p2.png"
        );
        std::fs::write(&src, b"second").unwrap();
        assert_eq!(
            place_in_project(project.path(), &src).unwrap().as_str(),
            "pages/p2-2.png"
        );
        let read = |p: &str| std::fs::read(project.path().join(p)).unwrap();
        assert_eq!(read("pages/p2.png"), b"first", "the first copy is kept");
        assert_eq!(read("pages/p2-2.png"), b"second");
        let missing = place_in_project(project.path(), &outside.path().join("none.png"));
        assert!(format!("{:#}", missing.unwrap_err()).ends_with("none.png"));
    }
}
