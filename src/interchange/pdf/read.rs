//! The PDF importer: a PDF file, or every PDF under a folder, each one document.
//!
//! - The text layer in reading order ([`super::text`]), a page break at the start of each
//!   page (`n` = the PDF's page label where it has `/PageLabels`, `facs` = the page image),
//!   pages joined by a line break.
//! - Each page rendered to `NAME/p0001.png` (or `.jpg` for scanned pages) beside the text
//!   `NAME.txt`, at reading resolution ([`super::render`]).
//! - A PDF without a text layer (scans only) becomes a document of page images with an empty
//!   transcription (an empty line per page, each starting its page), ready for Edit ▸
//!   Correct transcription.
//! - Encrypted, broken and hostile PDFs are refused with an error naming the file, and
//!   nothing is written (the import builds in a staging folder). The reading runs in a
//!   child process with bounded memory and time ([`super::worker`]).
//! - Reported as not kept: glyphs without a Unicode value, pages that could not be rendered,
//!   the document information (title, author …) and, always, the PDF's own annotations,
//!   outlines and form fields, which are not read.

use super::super::common::{SourceTree, join_inside};
use super::super::import::{ImportContext, ImportError, Importer, ProgressFn};
use super::super::layout::NotKept;
use super::worker::{Record, Stop, extract};
use crate::model::{DocStatus, PageBreak, Project, RelPath};
use crate::store;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// Reads PDFs.
#[derive(Clone, Default)]
pub struct PdfImporter {
    /// Set to stop the import; it then fails as cancelled and leaves nothing behind.
    pub cancel: Option<Arc<AtomicBool>>,
    pub progress: Option<ProgressFn>,
}

impl std::fmt::Debug for PdfImporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PdfImporter")
    }
}

impl Importer for PdfImporter {
    fn id(&self) -> &'static str {
        "pdf"
    }

    fn label(&self) -> &'static str {
        "PDF (text layer and page images)"
    }

    fn import(&self, source: &Path, cx: &mut ImportContext<'_>) -> Result<Project, ImportError> {
        let staging = cx.staging;
        let (root, files) = if source.is_dir() {
            let tree = SourceTree::scan(source)?;
            (source.to_path_buf(), tree.with_extension(&["pdf"]))
        } else {
            let dir = source
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf();
            (dir, vec![source.to_path_buf()])
        };
        if files.is_empty() {
            return Err(ImportError::Invalid {
                path: source.to_path_buf(),
                message: "no PDF files here".into(),
            });
        }
        let tree = SourceTree::scan(&root)?;
        let mut project = Project::new("");
        let mut not_kept = NotKept::default();
        let count = files.len();
        for (i, file) in files.iter().enumerate() {
            let rel = if source.is_dir() {
                tree.rel(file)
            } else {
                file.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            };
            let doc = self.one(file, &rel, staging, &mut not_kept, i, count)?;
            project.documents.insert(doc.id(), doc);
        }
        not_kept.add_n(
            "PDF annotations, outlines and form fields (not read)",
            count,
            files[0].display(),
        );
        not_kept.report_into(&mut cx.report);
        Ok(project)
    }
}

impl PdfImporter {
    fn report(&self, done: f32, what: &str) {
        if let Some(p) = &self.progress {
            p(done.clamp(0.0, 1.0), what);
        }
    }

    /// Imports one PDF as a document under `staging` (its text at `rel` with `.txt`).
    fn one(
        &self,
        file: &Path,
        rel: &str,
        staging: &Path,
        not_kept: &mut NotKept,
        index: usize,
        count: usize,
    ) -> Result<crate::model::Document, ImportError> {
        let bytes = store::read_guarded(file, super::MAX_PDF_BYTES)?;
        let invalid = |message: String| ImportError::Invalid {
            path: file.to_path_buf(),
            message,
        };
        let stem = rel.rsplit_once('.').map_or(rel, |(s, _)| s).to_owned();
        let name = file
            .file_stem()
            .map_or_else(|| stem.clone(), |s| s.to_string_lossy().into_owned());
        let mut pages = 0usize;
        let mut labels: Vec<String> = Vec::new();
        let mut texts: Vec<String> = Vec::new();
        let mut images: Vec<Option<RelPath>> = Vec::new();
        let mut unmapped = 0usize;
        let mut failed: Vec<(usize, String)> = Vec::new();
        let mut rendered = 0usize;
        let base = index as f32 / count as f32;
        let share = 1.0 / count as f32;
        let mut on = |rec: Record| -> Result<(), String> {
            match rec {
                Record::Start {
                    pages: n,
                    labels: l,
                    info,
                    ..
                } => {
                    pages = n;
                    labels = l;
                    texts = vec![String::new(); n];
                    images = vec![None; n];
                    for (k, _) in info {
                        not_kept.add(format!("PDF document information ({k})"), file.display());
                    }
                }
                Record::Text {
                    page,
                    text,
                    unmapped: u,
                    ..
                } => {
                    if let Some(t) = texts.get_mut(page) {
                        *t = text;
                    }
                    unmapped += u;
                    self.report(
                        base + share * 0.1 * (page + 1) as f32 / pages.max(1) as f32,
                        &format!("{name}: text of page {} of {pages}", page + 1),
                    );
                }
                Record::Image {
                    page, ext, bytes, ..
                } => {
                    let img_rel =
                        format!("{stem}/p{:0width$}.{ext}", page + 1, width = digits(pages));
                    let path = join_inside(staging, &img_rel)?;
                    if let Some(parent) = path.parent() {
                        std::fs::create_dir_all(parent)
                            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
                    }
                    store::fs::write_new(&path, &bytes).map_err(|e| e.to_string())?;
                    if let Some(slot) = images.get_mut(page) {
                        *slot = RelPath::parse(&img_rel).ok();
                    }
                    rendered += 1;
                    self.report(
                        base + share * (0.1 + 0.9 * rendered as f32 / pages.max(1) as f32),
                        &format!("{name}: page image {rendered} of {pages}"),
                    );
                }
                Record::ImageFailed { page, reason } => failed.push((page, reason)),
                Record::Error(_) | Record::End | Record::Memory { .. } => {}
            }
            Ok(())
        };
        let cancel = self.cancel.as_deref();
        extract(bytes, true, cancel, &mut on).map_err(|s| match s {
            Stop::Pdf(e) => invalid(e.to_string()),
            Stop::Cancelled => invalid("the import was cancelled".into()),
            Stop::Caller(e) => invalid(e),
        })?;
        if pages == 0 {
            return Err(invalid("the PDF reader gave no pages".into()));
        }
        not_kept.add_n(
            "PDF glyphs without a Unicode value (their text cannot be known)",
            unmapped,
            file.display(),
        );
        for (page, reason) in &failed {
            not_kept.add(
                "PDF pages that could not be rendered (listed as missing images)",
                format!("{} page {} ({reason})", file.display(), page + 1),
            );
        }
        // The text: pages joined by a line break, a page break at each page's start.
        let scans_only = texts.iter().all(|t| t.trim().is_empty());
        let mut text = String::new();
        let mut breaks = Vec::new();
        let mut chars = 0usize;
        let mut image_list = Vec::with_capacity(pages);
        for (i, t) in texts.iter().enumerate() {
            let img = images[i].clone().unwrap_or_else(|| {
                RelPath::parse(&format!(
                    "{stem}/p{:0width$}.png",
                    i + 1,
                    width = digits(pages)
                ))
                .unwrap_or_else(|_| RelPath::parse("page.png").expect("a valid relative path"))
            });
            // Pages are joined by a line break; a scans-only PDF gets one empty line per
            // page, each page's transcription to be typed on its line.
            if i > 0 {
                text.push('\n');
                chars += 1;
            }
            breaks.push(PageBreak {
                offset: chars,
                n: labels.get(i).cloned().unwrap_or_default(),
                facs: img.file_name().to_owned(),
            });
            if !scans_only {
                text.push_str(t);
                chars += t.chars().count();
            }
            image_list.push(img);
        }
        let txt = join_inside(staging, &format!("{stem}.txt")).map_err(invalid)?;
        if let Some(parent) = txt.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| ImportError::io("create folder", parent, e))?;
        }
        store::fs::write_new(&txt, text.as_bytes())?;
        let mut doc = store::document_from_source(staging, &txt)?;
        doc.meta.title = name;
        doc.meta.images = image_list;
        doc.meta.status = DocStatus::NotStarted;
        doc.meta.archival.page_breaks = breaks;
        Ok(doc)
    }
}

fn digits(n: usize) -> usize {
    n.to_string().len().max(4)
}

/// Whether `p` names a PDF file.
pub fn is_pdf(p: &Path) -> bool {
    super::super::common::has_extension(p, &["pdf"])
}
