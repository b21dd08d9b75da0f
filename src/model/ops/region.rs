//! Regions and pages: drawing a region on a page image as a mention, changing its shape,
//! linking it to the text mention that transcribes it, adding page images and page breaks,
//! and the mapping between pages and text offsets that keeps the viewer and the reader in
//! step. Like every operation, each builds a [`Transaction`] and changes nothing itself.

use super::core;
use super::error::OpError;
use crate::model::document::{Document, DocumentMeta, PageBreak, RelPath};
use crate::model::edit::{Edit, Transaction};
use crate::model::ids::{AnnId, DocId, Slug};
use crate::model::project::Project;
use crate::model::region::{PageRegion, Shape};

/// Whether `ann` of `doc` is a text mention: a mention with at least one fragment of text.
fn is_text_mention(doc: &Document, ann: AnnId) -> bool {
    doc.annotations
        .get(&ann)
        .and_then(|a| a.as_mention())
        .is_some_and(|m| !m.anchor.fragments.is_empty())
}

fn check_text_link(doc: &Document, region: AnnId, text: Option<AnnId>) -> Result<(), OpError> {
    match text {
        Some(t) if t == region || !is_text_mention(doc, t) => Err(OpError::WrongAnnotation {
            ann: t,
            kind: "a text mention of this document",
        }),
        _ => Ok(()),
    }
}

fn check_page(doc: &Document, page: usize) -> Result<(), OpError> {
    if page < doc.meta.images.len() {
        Ok(())
    } else {
        Err(OpError::NoPage {
            page: page + 1,
            pages: doc.meta.images.len(),
        })
    }
}

/// A new region mention of entity type `type_id`: `region`'s page must exist, its shape be
/// valid and its text link (if any) name a text mention of `doc`. Returns the transaction
/// and the new annotation's id.
pub fn add_region(
    project: &Project,
    doc: DocId,
    region: PageRegion,
    type_id: &Slug,
) -> Result<(Transaction, AnnId), OpError> {
    if project.schema.entity(type_id).is_none() {
        return Err(OpError::unknown_entity_type(type_id));
    }
    let d = core::document(project, doc)?;
    check_page(d, region.page)?;
    region.shape.check()?;
    let ann = region.into_mention(type_id.clone());
    let id = ann.id;
    let text = ann.region.as_ref().and_then(|r| r.text);
    check_text_link(d, id, text)?;
    let label = format!("Mark region as {}", project.schema.label(type_id));
    Ok((
        Transaction::new(label).with(Edit::add_annotation(doc, ann)),
        id,
    ))
}

/// The region of annotation `ann`, or an error saying it has none.
fn region_of(project: &Project, doc: DocId, ann: AnnId) -> Result<&PageRegion, OpError> {
    core::annotation(project, doc, ann)?
        .region
        .as_ref()
        .ok_or(OpError::WrongAnnotation {
            ann,
            kind: "a region",
        })
}

/// Gives region `ann` a new shape (moved, resized, a vertex dragged).
pub fn set_shape(
    project: &Project,
    doc: DocId,
    ann: AnnId,
    shape: Shape,
) -> Result<Transaction, OpError> {
    region_of(project, doc, ann)?;
    shape.check()?;
    core::update_annotation(project, doc, ann, "Change region", |a| {
        if let Some(r) = &mut a.region {
            r.shape = shape;
        }
    })
}

/// Links region `ann` to the text mention `text` that transcribes it (`None` unlinks).
pub fn link_text(
    project: &Project,
    doc: DocId,
    ann: AnnId,
    text: Option<AnnId>,
) -> Result<Transaction, OpError> {
    region_of(project, doc, ann)?;
    check_text_link(core::document(project, doc)?, ann, text)?;
    let label = if text.is_some() {
        "Link region to text"
    } else {
        "Unlink region from text"
    };
    core::update_annotation(project, doc, ann, label, |a| {
        if let Some(r) = &mut a.region {
            r.text = text;
        }
    })
}

fn meta_tx(
    label: &str,
    before: &DocumentMeta,
    after: DocumentMeta,
) -> Result<Transaction, OpError> {
    if after == *before {
        return Err(OpError::NoChange);
    }
    Ok(Transaction::new(label).with(Edit::DocumentMeta {
        before: Box::new(before.clone()),
        after: Box::new(after),
    }))
}

/// Appends page images (paths relative to the project folder) to `doc`, skipping ones it
/// already has; [`OpError::NoChange`] when every one is there.
pub fn add_pages(
    project: &Project,
    doc: DocId,
    images: &[RelPath],
) -> Result<Transaction, OpError> {
    let meta = &core::document(project, doc)?.meta;
    let mut after = meta.clone();
    for img in images {
        if !after.images.contains(img) {
            after.images.push(img.clone());
        }
    }
    meta_tx("Add pages", meta, after)
}

/// Records that a new page of the original begins at code point `offset` of the text,
/// numbered `n` (may be empty); kept in text order. [`OpError::NoChange`] when one is there.
pub fn add_page_break(
    project: &Project,
    doc: DocId,
    offset: usize,
    n: &str,
) -> Result<Transaction, OpError> {
    let len = core::text(project, doc)?.len_chars();
    let meta = &core::document(project, doc)?.meta;
    if offset > len || meta.archival.page_breaks.iter().any(|b| b.offset == offset) {
        return Err(OpError::NoChange);
    }
    let mut after = meta.clone();
    let breaks = &mut after.archival.page_breaks;
    let at = breaks.partition_point(|b| b.offset < offset);
    breaks.insert(
        at,
        PageBreak {
            offset,
            n: n.trim().to_owned(),
            facs: String::new(),
        },
    );
    meta_tx("Add page break", meta, after)
}

/// Changes the printed number `n` and the image reference `facs` of page break `index`.
pub fn edit_page_break(
    project: &Project,
    doc: DocId,
    index: usize,
    n: &str,
    facs: &str,
) -> Result<Transaction, OpError> {
    let meta = &core::document(project, doc)?.meta;
    let mut after = meta.clone();
    let len = after.archival.page_breaks.len();
    let b = after
        .archival
        .page_breaks
        .get_mut(index)
        .ok_or_else(|| OpError::BadPosition {
            what: "the page breaks".into(),
            index,
            len,
        })?;
    b.n = n.trim().to_owned();
    b.facs = facs.trim().to_owned();
    meta_tx("Edit page break", meta, after)
}

/// Removes page break `index`.
pub fn remove_page_break(
    project: &Project,
    doc: DocId,
    index: usize,
) -> Result<Transaction, OpError> {
    let meta = &core::document(project, doc)?.meta;
    let mut after = meta.clone();
    let len = after.archival.page_breaks.len();
    if index >= len {
        return Err(OpError::BadPosition {
            what: "the page breaks".into(),
            index,
            len,
        });
    }
    after.archival.page_breaks.remove(index);
    meta_tx("Remove page break", meta, after)
}

/// Moves page image `from` to position `to`; regions drawn on the pages move with them
/// (their page numbers follow), so each stays on its image.
pub fn move_page(
    project: &Project,
    doc: DocId,
    from: usize,
    to: usize,
) -> Result<Transaction, OpError> {
    let d = core::document(project, doc)?;
    let n = d.meta.images.len();
    for i in [from, to] {
        if i >= n {
            return Err(OpError::NoPage { page: i, pages: n });
        }
    }
    if from == to {
        return Err(OpError::NoChange);
    }
    let mut after = d.meta.clone();
    let img = after.images.remove(from);
    after.images.insert(to, img);
    // Where each old page index lands.
    let mut order: Vec<usize> = (0..n).collect();
    let moved = order.remove(from);
    order.insert(to, moved);
    let new_index = |old: usize| order.iter().position(|&o| o == old).unwrap_or(old);
    let mut tx = meta_tx("Move page", &d.meta, after)?;
    for a in d.annotations.values() {
        if let Some(r) = &a.region
            && new_index(r.page) != r.page
        {
            let mut b = a.clone();
            if let Some(r) = &mut b.region {
                r.page = new_index(r.page);
            }
            tx.push(Edit::update_annotation(doc, a.clone(), b));
        }
    }
    Ok(tx)
}

/// Removes page image `page` from the document (the file stays where it is). Refused while
/// regions are drawn on it — delete or keep them first; regions on later pages follow their
/// images.
pub fn remove_page(project: &Project, doc: DocId, page: usize) -> Result<Transaction, OpError> {
    let d = core::document(project, doc)?;
    let n = d.meta.images.len();
    if page >= n {
        return Err(OpError::NoPage { page, pages: n });
    }
    let on_it = d
        .annotations
        .values()
        .filter(|a| a.region.as_ref().is_some_and(|r| r.page == page))
        .count();
    if on_it > 0 {
        return Err(OpError::InUse {
            what: format!("page {}", page + 1),
            uses: format!("{on_it} region(s) drawn on it"),
        });
    }
    let mut after = d.meta.clone();
    after.images.remove(page);
    let mut tx = meta_tx("Remove page", &d.meta, after)?;
    for a in d.annotations.values() {
        if let Some(r) = &a.region
            && r.page > page
        {
            let mut b = a.clone();
            if let Some(r) = &mut b.region {
                r.page -= 1;
            }
            tx.push(Edit::update_annotation(doc, a.clone(), b));
        }
    }
    Ok(tx)
}

/// Where each page of `doc` begins in the text, as `(offset, page)` in text order, from its
/// page breaks. A break whose `facs` names one of the images (its file name or path) starts
/// that image's page; otherwise breaks count pages in order: the first starts page 0 when
/// it is at the start of the text, page 1 when text comes before it (the first page).
pub fn page_starts(doc: &Document) -> Vec<(usize, usize)> {
    let breaks = &doc.meta.archival.page_breaks;
    let skip = usize::from(breaks.first().is_some_and(|b| b.offset > 0));
    let by_facs = |facs: &str| {
        let facs = facs.trim_start_matches('#');
        (!facs.is_empty())
            .then(|| {
                doc.meta.images.iter().position(|img| {
                    img.as_str() == facs
                        || img.file_name() == facs
                        || img
                            .file_name()
                            .rsplit_once('.')
                            .is_some_and(|(s, _)| s == facs)
                })
            })
            .flatten()
    };
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(breaks.len() + 1);
    if skip == 1 {
        out.push((0, 0));
    }
    for (k, b) in breaks.iter().enumerate() {
        let page = by_facs(&b.facs).unwrap_or(k + skip);
        out.push((b.offset, page));
    }
    out
}

/// The page shown at text offset `offset` (`None` when the document records no page breaks).
pub fn page_at(starts: &[(usize, usize)], offset: usize) -> Option<usize> {
    // The first start is at offset 0 (see `page_starts`), so every offset has one before it.
    let i = starts.partition_point(|s| s.0 <= offset);
    starts.get(i.checked_sub(1)?).map(|s| s.1)
}

/// Where `page` begins in the text (`None` when no break starts it).
pub fn page_offset(starts: &[(usize, usize)], page: usize) -> Option<usize> {
    starts.iter().find(|s| s.1 == page).map(|s| s.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ops::events::tests::{commit_and_check_undo, fixture, mention};

    fn with_pages(n: usize) -> (Project, DocId) {
        let (mut p, doc) = fixture();
        if let Some(d) = p.documents.get_mut(&doc) {
            d.meta.images = (1..=n)
                .map(|i| RelPath::parse(&format!("scans/cable.{i:03}.jpg")).unwrap())
                .collect();
        }
        (p, doc)
    }

    fn rect(x: u32, y: u32, width: u32, height: u32) -> Shape {
        Shape::Rect {
            x,
            y,
            width,
            height,
        }
    }

    #[test]
    fn pages_move_and_go_with_their_regions_and_page_breaks_are_edited() {
        let (mut p, doc) = with_pages(3);
        let person = Slug::new("person");
        let on = |page| PageRegion {
            page,
            shape: rect(1, 1, 5, 5),
            text: None,
        };
        let (tx, first) = add_region(&p, doc, on(0), &person).unwrap();
        commit_and_check_undo(&mut p, tx);
        let (tx, last) = add_region(&p, doc, on(2), &person).unwrap();
        commit_and_check_undo(&mut p, tx);
        let page_of = |p: &Project, a| p.annotation(doc, a).unwrap().region.as_ref().unwrap().page;
        let images = |p: &Project| p.documents[&doc].meta.images.clone();
        let before = images(&p);
        // The first page to the end: regions follow their images.
        let tx = move_page(&p, doc, 0, 2).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(
            images(&p),
            [before[1].clone(), before[2].clone(), before[0].clone()]
        );
        assert_eq!((page_of(&p, first), page_of(&p, last)), (2, 1));
        // A page with a region on it is not removed; an empty one is, later regions follow.
        assert!(matches!(
            remove_page(&p, doc, 2),
            Err(OpError::InUse { .. })
        ));
        let tx = remove_page(&p, doc, 0).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(images(&p).len(), 2);
        assert_eq!((page_of(&p, first), page_of(&p, last)), (1, 0));
        assert!(matches!(
            remove_page(&p, doc, 5),
            Err(OpError::NoPage { .. })
        ));
        assert!(crate::model::validate::validate(&p).is_empty());
        // Page breaks: number and image edited, then removed.
        let tx = add_page_break(&p, doc, 3, "").unwrap();
        commit_and_check_undo(&mut p, tx);
        let tx = edit_page_break(&p, doc, 0, " 563 ", "cable.002.jpg").unwrap();
        commit_and_check_undo(&mut p, tx);
        let b = &p.documents[&doc].meta.archival.page_breaks[0];
        assert_eq!((b.n.as_str(), b.facs.as_str()), ("563", "cable.002.jpg"));
        assert_eq!(
            edit_page_break(&p, doc, 0, "563", "cable.002.jpg"),
            Err(OpError::NoChange)
        );
        let tx = remove_page_break(&p, doc, 0).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert!(p.documents[&doc].meta.archival.page_breaks.is_empty());
        assert!(remove_page_break(&p, doc, 0).is_err());
    }

    #[test]
    fn a_region_is_drawn_reshaped_linked_and_undone() {
        let (mut p, doc) = with_pages(2);
        let text = mention(&mut p, doc, "person", "Nam Il");
        let region = PageRegion {
            page: 1,
            shape: rect(10, 20, 30, 40),
            text: None,
        };
        let (tx, id) = add_region(&p, doc, region, &Slug::new("person")).unwrap();
        commit_and_check_undo(&mut p, tx);
        let get = |p: &Project| p.annotation(doc, id).unwrap().region.clone().unwrap();
        assert_eq!(get(&p).page, 1);
        let tri = Shape::Polygon(vec![(1, 1), (9, 1), (5, 8)]);
        let tx = set_shape(&p, doc, id, tri.clone()).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(get(&p).shape, tri);
        let tx = link_text(&p, doc, id, Some(text)).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(get(&p).text, Some(text));
        assert_eq!(
            crate::model::region::regions_showing(&p.documents[&doc], text),
            vec![id]
        );
        let tx = link_text(&p, doc, id, None).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(get(&p).text, None);
        assert!(crate::model::validate::validate(&p).is_empty());
    }

    #[test]
    fn bad_regions_and_links_are_refused() {
        let (mut p, doc) = with_pages(1);
        let text = mention(&mut p, doc, "person", "Nam Il");
        let person = Slug::new("person");
        let on = |page, shape| PageRegion {
            page,
            shape,
            text: None,
        };
        assert_eq!(
            add_region(&p, doc, on(1, rect(0, 0, 5, 5)), &person).unwrap_err(),
            OpError::NoPage { page: 2, pages: 1 }
        );
        assert!(matches!(
            add_region(&p, doc, on(0, rect(0, 0, 0, 5)), &person),
            Err(OpError::Region(_))
        ));
        assert!(add_region(&p, doc, on(0, rect(0, 0, 5, 5)), &Slug::new("nope")).is_err());
        // A text mention has no region to reshape or link.
        assert!(set_shape(&p, doc, text, rect(0, 0, 5, 5)).is_err());
        assert!(link_text(&p, doc, text, None).is_err());
        let (tx, id) = add_region(&p, doc, on(0, rect(0, 0, 5, 5)), &person).unwrap();
        tx.apply(&mut p).unwrap();
        // A region cannot transcribe itself or another region.
        assert!(link_text(&p, doc, id, Some(id)).is_err());
        let (tx2, other) = add_region(&p, doc, on(0, rect(1, 1, 5, 5)), &person).unwrap();
        tx2.apply(&mut p).unwrap();
        assert!(link_text(&p, doc, id, Some(other)).is_err());
        assert!(set_shape(&p, doc, id, Shape::Polygon(vec![(0, 0), (1, 1)])).is_err());
        assert_eq!(
            set_shape(&p, doc, id, rect(0, 0, 5, 5)).unwrap_err(),
            OpError::NoChange
        );
    }

    #[test]
    fn pages_and_page_breaks_are_added_once() {
        let (mut p, doc) = with_pages(1);
        let new = [
            RelPath::parse("scans/cable.001.jpg").unwrap(),
            RelPath::parse("scans/cable.002.jpg").unwrap(),
        ];
        let tx = add_pages(&p, doc, &new).unwrap();
        commit_and_check_undo(&mut p, tx);
        assert_eq!(p.documents[&doc].meta.images.len(), 2);
        assert_eq!(add_pages(&p, doc, &new).unwrap_err(), OpError::NoChange);
        let tx = add_page_break(&p, doc, 30, " 2 ").unwrap();
        commit_and_check_undo(&mut p, tx);
        let tx = add_page_break(&p, doc, 10, "").unwrap();
        commit_and_check_undo(&mut p, tx);
        let offsets: Vec<usize> = p.documents[&doc]
            .meta
            .archival
            .page_breaks
            .iter()
            .map(|b| b.offset)
            .collect();
        assert_eq!(offsets, [10, 30], "kept in text order");
        assert_eq!(p.documents[&doc].meta.archival.page_breaks[1].n, "2");
        assert_eq!(
            add_page_break(&p, doc, 30, "").unwrap_err(),
            OpError::NoChange
        );
        assert!(add_page_break(&p, doc, 100_000, "").is_err());
    }

    #[test]
    fn pages_map_to_text_and_back() {
        let (mut p, doc) = with_pages(3);
        let d = p.documents.get_mut(&doc).unwrap();
        assert_eq!(page_at(&page_starts(d), 5), None, "no breaks, no mapping");
        let pb = |offset, facs: &str| PageBreak {
            offset,
            n: String::new(),
            facs: facs.into(),
        };
        // Text before the first break is on the first page.
        d.meta.archival.page_breaks = vec![pb(20, ""), pb(50, "")];
        let s = page_starts(d);
        assert_eq!(s, [(0, 0), (20, 1), (50, 2)]);
        assert_eq!(page_at(&s, 0), Some(0));
        assert_eq!(page_at(&s, 19), Some(0));
        assert_eq!(page_at(&s, 20), Some(1));
        assert_eq!(page_at(&s, 99), Some(2));
        assert_eq!(page_offset(&s, 1), Some(20));
        assert_eq!(page_offset(&s, 7), None);
        // A break at the start opens the first page; `facs` naming an image wins.
        d.meta.archival.page_breaks = vec![pb(0, ""), pb(40, "#cable.003")];
        let s = page_starts(d);
        assert_eq!(s, [(0, 0), (40, 2)]);
        assert_eq!(page_at(&s, 39), Some(0));
        assert_eq!(page_at(&s, 40), Some(2));
    }
}
