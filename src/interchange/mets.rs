//! METS (Metadata Encoding and Transmission Standard) as OCR-D, Transkribus and digital
//! libraries write it around page layouts: the physical structure map orders the pages,
//! each page pointing (`fptr`) at its files in the file groups — a scan and the PAGE, ALTO
//! or hOCR file of one [`LayoutFormat`]. One METS file is one book. The MODS title names it;
//! MODS identifiers, holding institution and shelf mark go into its archival description.

use super::common::SourceTree;
use super::common::xml::El;
use super::import::ImportError;
use super::layout::{Book, LayoutFormat, LayoutPage, NotKept};
use crate::model::{ArchivalMeta, RelPath};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// One `mets:file`: its group's USE, MIME type and where it is.
struct MetsFile {
    group: String,
    mime: String,
    href: String,
}

/// Reads the book `mets` (parsed from `file` in `tree`) describes: its pages in the order
/// of the physical structure map (or of the format's file group when there is none), each
/// read from its layout file; the files used are added to `claimed`.
pub fn read_book(
    format: &dyn LayoutFormat,
    tree: &SourceTree,
    file: &Path,
    mets: &El,
    claimed: &mut HashSet<PathBuf>,
    not_kept: &mut NotKept,
) -> Result<Book, ImportError> {
    let dir = file.parent().unwrap_or(tree.root()).to_path_buf();
    let mut files: BTreeMap<String, MetsFile> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    if let Some(sec) = mets.find("fileSec") {
        for grp in sec
            .descendants()
            .into_iter()
            .filter(|e| e.name == "fileGrp")
        {
            let group = grp.attr("USE").unwrap_or_default().to_owned();
            for f in grp.children_named("file") {
                let Some(id) = f.attr("ID") else { continue };
                let href = f
                    .children_named("FLocat")
                    .find_map(|l| l.attr_local("href"))
                    .unwrap_or_default()
                    .to_owned();
                order.push(id.to_owned());
                files.insert(
                    id.to_owned(),
                    MetsFile {
                        group: group.clone(),
                        mime: f.attr("MIMETYPE").unwrap_or_default().to_owned(),
                        href,
                    },
                );
            }
        }
    }
    let is_layout = |f: &MetsFile| format.in_mets_group(&f.mime) || format.in_mets_group(&f.group);
    let is_image = |f: &MetsFile| {
        f.mime.starts_with("image/")
            || (f.mime.is_empty() && {
                let g = f.group.to_ascii_uppercase();
                ["IMG", "IMAGE", "MASTER", "DEFAULT", "ORIGINAL", "MAX"]
                    .iter()
                    .any(|k| g.contains(k))
            })
    };
    // Pages: (label, layout file id, image file id).
    let mut pages: Vec<(String, Option<String>, Option<String>)> = Vec::new();
    let physical = mets.children_named("structMap").find(|s| {
        s.attr("TYPE")
            .is_some_and(|t| t.eq_ignore_ascii_case("PHYSICAL"))
    });
    if let Some(map) = physical {
        for div in map.descendants().into_iter().filter(|d| {
            d.name == "div"
                && d.attr("TYPE")
                    .is_some_and(|t| t.eq_ignore_ascii_case("page"))
        }) {
            let label = div
                .attr("ORDERLABEL")
                .or_else(|| div.attr("LABEL"))
                .unwrap_or_default()
                .to_owned();
            let ids: Vec<&str> = div
                .descendants()
                .into_iter()
                .filter_map(|e| {
                    (e.name == "fptr" || e.name == "area")
                        .then(|| e.attr("FILEID"))
                        .flatten()
                })
                .collect();
            let layout = ids
                .iter()
                .find(|id| files.get(**id).is_some_and(is_layout))
                .map(|s| (*s).to_owned());
            let image = ids
                .iter()
                .find(|id| files.get(**id).is_some_and(is_image))
                .map(|s| (*s).to_owned());
            pages.push((label, layout, image));
        }
    } else {
        let images: Vec<&String> = order
            .iter()
            .filter(|id| files.get(*id).is_some_and(is_image))
            .collect();
        for (i, id) in order
            .iter()
            .filter(|id| files.get(*id).is_some_and(is_layout))
            .enumerate()
        {
            pages.push((
                String::new(),
                Some(id.clone()),
                images.get(i).map(|s| (*s).clone()),
            ));
        }
    }
    let resolve = |id: &str, not_kept: &mut NotKept| -> Option<PathBuf> {
        let href = &files.get(id)?.href;
        let local = href.strip_prefix("file://").unwrap_or(href);
        if local.contains("://") {
            not_kept.add(
                "METS files given by web address (not fetched)",
                format!("{} ({href})", file.display()),
            );
            return None;
        }
        let Ok(rel) = RelPath::parse(local) else {
            not_kept.add(
                "METS file references that are not relative paths",
                format!("{} ({href})", file.display()),
            );
            return None;
        };
        let p = rel.to_native(&dir);
        if tree.contains(&p) {
            Some(p)
        } else {
            not_kept.add(
                "METS file references to files that are not there",
                format!("{} ({href})", file.display()),
            );
            None
        }
    };
    let mut book_pages: Vec<LayoutPage> = Vec::new();
    for (label, layout, image) in pages {
        let image_file = image.as_deref().and_then(|id| resolve(id, not_kept));
        let Some(layout_file) = layout.as_deref().and_then(|id| resolve(id, not_kept)) else {
            // A page with a scan but no layout: an empty page with its image.
            if let Some(img) = image_file {
                book_pages.push(LayoutPage {
                    file: file.to_path_buf(),
                    image: None,
                    image_file: Some(img),
                    size: None,
                    label,
                    regions: Vec::new(),
                });
            } else {
                not_kept.add(
                    "METS pages with neither a layout file nor an image",
                    file.display(),
                );
            }
            continue;
        };
        claimed.insert(layout_file.clone());
        let el = super::layout::parse_layout_file(format, &layout_file)?;
        if !format.is_own(&el) {
            return Err(ImportError::Invalid {
                path: layout_file,
                message: format!(
                    "METS lists it as {} but its root element is <{}> ({})",
                    format.name(),
                    el.name,
                    file.display()
                ),
            });
        }
        for mut p in format.pages(&el, &layout_file, not_kept)? {
            if p.label.is_empty() {
                p.label = label.clone();
            }
            if p.image_file.is_none() {
                p.image_file = image_file.clone();
            }
            book_pages.push(p);
        }
    }
    if book_pages.is_empty() {
        return Err(ImportError::Invalid {
            path: file.to_path_buf(),
            message: format!("this METS file lists no {} pages", format.name()),
        });
    }
    let (title, archival) = mods(mets, not_kept, file);
    let title = title.unwrap_or_else(|| {
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if stem.eq_ignore_ascii_case("mets") {
            // A BagIt bag (OCR-D's workspaces) keeps its payload in `data/`: the bag's name.
            let named = if dir.file_name().is_some_and(|n| n == "data") {
                dir.parent().unwrap_or(&dir)
            } else {
                &dir
            };
            named
                .file_name()
                .map_or(stem, |n| n.to_string_lossy().into_owned())
        } else {
            stem
        }
    });
    let rel = tree.rel(&dir);
    let stem_name = super::common::slug_name(&title, "book");
    Ok(Book {
        title,
        origin: file.to_path_buf(),
        stem: if rel.is_empty() {
            stem_name
        } else {
            format!("{rel}/{stem_name}")
        },
        pages: book_pages,
        archival,
    })
}

/// The MODS title and archival description of the METS file's descriptive metadata.
fn mods(mets: &El, not_kept: &mut NotKept, file: &Path) -> (Option<String>, ArchivalMeta) {
    let mut a = ArchivalMeta::default();
    let Some(m) = mets.find("mods") else {
        return (None, a);
    };
    let text = |e: &El| {
        e.all_text()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let title = m
        .find("titleInfo")
        .and_then(|t| t.find("title"))
        .map(text)
        .filter(|t| !t.is_empty());
    for e in m.descendants() {
        match e.name.as_str() {
            "identifier" | "recordIdentifier" => {
                let v = text(e);
                if v.starts_with("http://") || v.starts_with("https://") {
                    if a.url.is_empty() {
                        a.url = v;
                    }
                } else if a.source_id.is_empty() {
                    a.source_id = v;
                }
            }
            "physicalLocation" if a.archive.is_empty() => a.archive = text(e),
            "shelfLocator" if a.call_number.is_empty() => a.call_number = text(e),
            "titleInfo" | "title" | "mods" | "location" | "recordInfo" | "physicalLocation"
            | "shelfLocator" => {}
            other if e.elements().next().is_none() => {
                not_kept.add(format!("MODS <{other}>"), file.display());
            }
            _ => {}
        }
    }
    (title, a)
}
