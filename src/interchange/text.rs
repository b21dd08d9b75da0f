//! Plain-text import: every `.txt` and `.md` file under a folder (recursively, any case of
//! the extension, hidden entries skipped; see
//! [`collect_sources`](super::common::collect_sources)) becomes a document of a
//! new project with the default schema. The files are copied into the project folder under
//! the same relative paths.
//!
//! Page images come along by the convention of [`crate::facsimile::pages`]: `NAME.001.jpg`,
//! `NAME.002.jpg` … beside `NAME.txt`, or a `NAME/` folder of images beside it. They are
//! copied under the same relative paths and listed, in page order, as the document's
//! images; numbered images without a transcription become image-only documents. Each
//! image's header is checked on import (never its pixels).

use super::common::{SourceTree, copy_file_into, copy_into};
use super::import::{ImportError, Importer};
use crate::facsimile::{self, pages};
use crate::model::{ArchivalMeta, DocId, DocStatus, Document, DocumentMeta, Project, RelPath};
use crate::store;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Reads a folder of transcriptions.
pub struct TextImporter;

impl Importer for TextImporter {
    fn id(&self) -> &'static str {
        "text"
    }

    fn label(&self) -> &'static str {
        "Folder of text files"
    }

    fn import(
        &self,
        source: &Path,
        cx: &mut crate::interchange::import::ImportContext<'_>,
    ) -> Result<Project, ImportError> {
        let staging = cx.staging;
        if !source.is_dir() {
            return Err(ImportError::Invalid {
                path: source.to_path_buf(),
                message: "a text import reads a folder of .txt and .md files".into(),
            });
        }
        let tree = SourceTree::scan(source)?;
        let mut project = Project::new("");
        let mut claimed = BTreeSet::new();
        for file in tree.with_extension(super::common::SOURCE_EXTENSIONS) {
            let dest = copy_into(&tree, &file, staging)?;
            let mut doc = store::document_from_source(staging, &dest)?;
            let images = pages::for_source(&file, tree.files());
            doc.meta.images = copy_pages(&tree, &images, staging)?;
            claimed.extend(images);
            project.documents.insert(doc.id(), doc);
        }
        for (title, images) in pages::unclaimed_sets(tree.files(), &claimed) {
            let doc = Document {
                meta: DocumentMeta {
                    id: DocId::new(),
                    title,
                    source: None,
                    images: copy_pages(&tree, &images, staging)?,
                    status: DocStatus::NotStarted,
                    archival: ArchivalMeta::default(),
                },
                text: None,
                annotations: Default::default(),
            };
            project.documents.insert(doc.id(), doc);
        }
        Ok(project)
    }
}

/// Whether `p` is a regular file with a transcription's extension.
pub fn is_source(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_file())
        && p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            super::common::SOURCE_EXTENSIONS
                .iter()
                .any(|x| e.eq_ignore_ascii_case(x))
        })
}

/// A new project over the transcriptions under `dir`, kept where they are (the window's
/// "New project from folder"; [`TextImporter`] copies them instead), and the project file
/// it is to be saved as. Walks the folder as every importer does
/// ([`collect_sources`](super::common::collect_sources)).
pub fn project_in_place(dir: &Path) -> Result<(Project, std::path::PathBuf), ImportError> {
    let name = dir.file_name().map_or_else(
        || "Project".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut project = Project::new(name.clone());
    for src in super::common::collect_sources(dir)? {
        let d = store::document_from_source(dir, &src)?;
        project.documents.insert(d.id(), d);
    }
    let file = dir.join(format!(
        "{}{}",
        super::common::slug_file_name(&name),
        store::PROJECT_SUFFIX
    ));
    Ok((project, file))
}

/// Checks the headers of page images, copies them into `staging` and returns their paths
/// relative to it.
fn copy_pages(
    tree: &SourceTree,
    images: &[PathBuf],
    staging: &Path,
) -> Result<Vec<RelPath>, ImportError> {
    let limits = facsimile::DecodeLimits::default();
    images
        .iter()
        .map(|img| {
            facsimile::decode::header(img, &limits).map_err(|e| ImportError::Invalid {
                path: img.clone(),
                message: e.reason(),
            })?;
            let dest = copy_file_into(tree, img, staging)?;
            RelPath::from_native(staging, &dest).map_err(|e| ImportError::Invalid {
                path: dest,
                message: e.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_txt_and_md_recursively() {
        let src = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(src.path().join("sub/.hidden")).unwrap();
        std::fs::write(src.path().join("a.txt"), "Ким Ир Сен\r\n").unwrap();
        std::fs::write(src.path().join("sub/b.md"), "# 李克农").unwrap();
        std::fs::write(src.path().join("sub/c.pdf"), "x").unwrap();
        std::fs::write(src.path().join("sub/.hidden/d.txt"), "x").unwrap();
        let out = tempfile::tempdir().unwrap();
        let dest = out.path().join("proj");
        let file = crate::interchange::import::run(&TextImporter, src.path(), &dest).unwrap();
        let loaded = store::load(&file).unwrap();
        let mut paths: Vec<String> = loaded
            .project
            .documents
            .values()
            .map(|d| d.meta.source.as_ref().unwrap().path.to_string())
            .collect();
        paths.sort();
        assert_eq!(paths, ["a.txt", "sub/b.md"]);
        assert!(!loaded.project.schema.entity_types.is_empty());
        let a = loaded
            .project
            .documents
            .values()
            .find(|d| d.meta.title == "a")
            .unwrap();
        assert_eq!(a.text.as_ref().unwrap().as_str(), "Ким Ир Сен\n");
        assert!(dest.join("sub/b.md").is_file());
        assert_eq!(loaded.problems, vec![]);
    }

    fn page(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        image::RgbImage::new(4, 6).save(path).unwrap();
    }

    #[test]
    fn page_images_come_along_by_name() {
        let src = tempfile::tempdir().unwrap();
        let s = src.path();
        std::fs::write(s.join("cable.txt"), "FILIPPOV").unwrap();
        page(&s.join("cable.002.jpg"));
        page(&s.join("cable.001.png"));
        std::fs::write(s.join("letter.md"), "Dear").unwrap();
        page(&s.join("letter/b.png"));
        page(&s.join("letter/a.png"));
        page(&s.join("scan.1.tif"));
        let out = tempfile::tempdir().unwrap();
        let dest = out.path().join("proj");
        let file = crate::interchange::import::run(&TextImporter, s, &dest).unwrap();
        let loaded = store::load(&file).unwrap();
        assert_eq!(loaded.problems, vec![]);
        let images = |title: &str| -> Vec<String> {
            let d = loaded
                .project
                .documents
                .values()
                .find(|d| d.meta.title == title);
            d.unwrap()
                .meta
                .images
                .iter()
                .map(|p| p.to_string())
                .collect()
        };
        assert_eq!(images("cable"), ["cable.001.png", "cable.002.jpg"]);
        assert_eq!(images("letter"), ["letter/a.png", "letter/b.png"]);
        assert_eq!(images("scan"), ["scan.1.tif"]);
        let scan = loaded
            .project
            .documents
            .values()
            .find(|d| d.meta.title == "scan");
        assert!(scan.unwrap().meta.source.is_none());
        assert!(dest.join("letter/b.png").is_file());
    }

    #[test]
    fn a_hostile_page_image_stops_the_import_naming_it() {
        let src = tempfile::tempdir().unwrap();
        std::fs::write(src.path().join("cable.txt"), "x").unwrap();
        std::fs::write(src.path().join("cable.001.jpg"), "not a jpeg").unwrap();
        let out = tempfile::tempdir().unwrap();
        let dest = out.path().join("proj");
        let e = crate::interchange::import::run(&TextImporter, src.path(), &dest).unwrap_err();
        let msg = e.to_string();
        assert!(msg.ends_with("cable.001.jpg"), "{msg}");
        assert!(msg.contains("not a PNG, JPEG or TIFF"), "{msg}");
        assert_eq!(msg.matches("cable.001.jpg").count(), 1, "{msg}");
        assert!(!dest.exists());
    }

    #[test]
    fn a_file_is_refused_and_nothing_is_left() {
        let src = tempfile::tempdir().unwrap();
        let f = src.path().join("a.txt");
        std::fs::write(&f, "x").unwrap();
        let out = tempfile::tempdir().unwrap();
        let dest = out.path().join("proj");
        assert!(crate::interchange::import::run(&TextImporter, &f, &dest).is_err());
        assert!(!dest.exists());
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
    }
}
