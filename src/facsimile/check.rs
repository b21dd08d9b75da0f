//! Checks of a document's page images that need the files: each image's header is read
//! (never its pixels) and every region is checked to lie inside its page.

use super::decode::{self, DecodeLimits};
use crate::model::{Document, Problem};
use std::path::Path;

/// Problems with `doc`'s page images under the project folder `project_dir`: unreadable or
/// refused images (warnings: the annotations are kept) and regions reaching outside their
/// page (errors).
pub fn page_problems(doc: &Document, project_dir: &Path, limits: &DecodeLimits) -> Vec<Problem> {
    let mut out = Vec::new();
    let sizes: Vec<Option<(u32, u32)>> = doc
        .meta
        .images
        .iter()
        .map(|img| {
            let path = img.to_native(project_dir);
            match decode::header(&path, limits) {
                Ok(size) => Some(size),
                Err(e) => {
                    out.push(Problem::warning(e.to_string()).in_doc(doc.id()));
                    None
                }
            }
        })
        .collect();
    for ann in doc.annotations.values() {
        let Some(region) = &ann.region else {
            continue;
        };
        if let Some(Some((w, h))) = sizes.get(region.page)
            && let Err(e) = region.shape.check_inside(*w, *h)
        {
            out.push(
                Problem::error(format!("region on page {}: {e}", region.page + 1))
                    .in_doc(doc.id())
                    .on(ann.id),
            );
        }
    }
    out
}
