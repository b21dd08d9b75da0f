//! Adding archive files to an open project (the window's Add documents and drops): a PDF,
//! a PAGE, ALTO or hOCR file, a METS file or a IIIF manifest (address or file) imported by
//! its format's importer into a staging folder inside the project folder, then moved under
//! `sources/` (or `sources/import-N/` when a file of that name is there: nothing is
//! replaced), its documents' paths made relative to the project, and the types and
//! attributes it uses added to the schema. The caller commits the documents and schema as
//! one undoable step; the files stay on disk when it is undone, as added pages do.

use super::import::{ImportContext, ImportError, ImportOptions, ImportReport, Importer};
use crate::model::schema::Schema;
use crate::model::{Document, Project, RelPath};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// The archive format a dropped or added file (or web address) is, by its name and, for
/// XML, its root element: `pdf`, `page`, `alto` (a METS file: `page` when it lists PAGE
/// files, else `alto`), `hocr` or `iiif`; `None` for anything else.
pub fn detect(source: &str) -> Option<&'static str> {
    let lower = source.trim().to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Some("iiif");
    }
    let path = Path::new(source);
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => Some("pdf"),
        "hocr" => Some("hocr"),
        "json" => Some("iiif"),
        "xml" | "html" | "htm" | "xhtml" => {
            // The first few KB name the root element.
            let head = crate::store::read_guarded(path, super::layout::MAX_LAYOUT_BYTES)
                .ok()
                .map(|b| String::from_utf8_lossy(&b[..b.len().min(64 << 10)]).into_owned())?;
            if head.contains("<PcGts") {
                Some("page")
            } else if head.contains("<alto") {
                Some("alto")
            } else if head.contains("mets:mets") || head.contains("<mets ") {
                Some(if head.contains("prima.page") || head.contains("PAGE") {
                    "page"
                } else {
                    "alto"
                })
            } else if head.contains("ocr_page") {
                Some("hocr")
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The importer for `format` ([`detect`]), with `cancel` and `progress` where the format's
/// import is long (PDF, IIIF): [`super::formats::importer_cancellable`].
pub fn importer(
    format: &str,
    cancel: Option<Arc<AtomicBool>>,
    progress: Option<super::import::ProgressFn>,
) -> Option<Box<dyn Importer>> {
    super::formats::importer_cancellable(format, cancel, progress)
}

/// What an import into a project brings: the documents (paths relative to the project
/// folder, files in place), the schema with what they use added, and what was not kept.
#[derive(Debug)]
pub struct Added {
    pub documents: Vec<Document>,
    pub schema: Schema,
    pub not_kept: ImportReport,
}

/// Imports `source` with `importer` into the project folder `dir` of `project`.
pub fn import_into(
    importer: &dyn Importer,
    source: &Path,
    dir: &Path,
    project: &Project,
) -> Result<Added, ImportError> {
    let staging = dir.join(format!(".marginalia-adding-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(|e| ImportError::io("create folder", &staging, e))?;
    let result = (|| {
        let options = ImportOptions::default();
        let mut cx = ImportContext::new(&staging, &options);
        let imported = importer.import(source, &mut cx)?;
        let not_kept = cx.report;
        // The staged files, and a prefix under which none of them exists yet.
        let mut files = Vec::new();
        for e in walkdir::WalkDir::new(&staging).sort_by_file_name() {
            let e = e.map_err(|e| ImportError::Invalid {
                path: staging.clone(),
                message: e.to_string(),
            })?;
            if e.file_type().is_file() {
                files.push(e.into_path());
            }
        }
        let rel = |p: &Path| RelPath::from_native(&staging, p);
        let mut prefix = "sources".to_owned();
        let mut n = 1;
        while files.iter().any(|f| {
            rel(f).is_ok_and(|r| {
                std::fs::symlink_metadata(dir.join(&prefix).join(r.to_native(Path::new(""))))
                    .is_ok()
            })
        }) {
            n += 1;
            prefix = format!("sources/import-{n}");
        }
        for f in &files {
            let r = rel(f).map_err(|e| ImportError::Invalid {
                path: f.clone(),
                message: e.to_string(),
            })?;
            let dest: PathBuf = RelPath::parse(&format!("{prefix}/{r}"))
                .map_err(|e| ImportError::Invalid {
                    path: f.clone(),
                    message: e.to_string(),
                })?
                .to_native(dir);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| ImportError::io("create folder", parent, e))?;
            }
            std::fs::rename(f, &dest).map_err(|e| ImportError::io("move into place", &dest, e))?;
        }
        let moved = |p: &RelPath| RelPath::parse(&format!("{prefix}/{p}"));
        let mut documents = Vec::new();
        for mut d in imported.documents.into_values() {
            if let Some(src) = &mut d.meta.source {
                src.path = moved(&src.path).map_err(|e| ImportError::Invalid {
                    path: source.to_path_buf(),
                    message: e.to_string(),
                })?;
            }
            for img in &mut d.meta.images {
                *img = moved(img).map_err(|e| ImportError::Invalid {
                    path: source.to_path_buf(),
                    message: e.to_string(),
                })?;
            }
            documents.push(d);
        }
        Ok(Added {
            documents,
            schema: merged_schema(&project.schema, &imported.schema),
            not_kept,
        })
    })();
    let _ = std::fs::remove_dir_all(&staging);
    result
}

/// `ours` with the entity types and attributes of `theirs` it lacks (an attribute it has
/// gains `theirs`'s types and choices).
fn merged_schema(ours: &Schema, theirs: &Schema) -> Schema {
    let mut s = ours.clone();
    for t in &theirs.entity_types {
        if !s.entity_types.iter().any(|x| x.id == t.id)
            && !s.event_types.iter().any(|x| x.id == t.id)
            && !s.relation_types.iter().any(|x| x.id == t.id)
        {
            s.entity_types.push(t.clone());
        }
    }
    for a in &theirs.attributes {
        match s.attributes.iter_mut().find(|x| x.id == a.id) {
            None => s.attributes.push(a.clone()),
            Some(x) => {
                if !x.applies_to.is_empty() {
                    for t in &a.applies_to {
                        if !x.applies_to.contains(t) {
                            x.applies_to.push(t.clone());
                        }
                    }
                }
                if let (
                    crate::model::schema::AttrKind::Choice(mine),
                    crate::model::schema::AttrKind::Choice(other),
                ) = (&mut x.kind, &a.kind)
                {
                    for c in other {
                        if !mine.contains(c) {
                            mine.push(c.clone());
                        }
                    }
                }
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_names_and_roots() {
        let dir = tempfile::tempdir().unwrap();
        let f = |name: &str, body: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, body).unwrap();
            p.to_string_lossy().into_owned()
        };
        assert_eq!(detect("https://example.org/iiif/manifest"), Some("iiif"));
        assert_eq!(detect(&f("a.PDF", "%PDF")), Some("pdf"));
        assert_eq!(
            detect(&f("p.xml", "<?xml?><PcGts xmlns='x'/>")),
            Some("page")
        );
        assert_eq!(detect(&f("a.xml", "<alto/>")), Some("alto"));
        assert_eq!(
            detect(&f("h.html", "<html><div class='ocr_page'/></html>")),
            Some("hocr")
        );
        assert_eq!(detect(&f("t.xml", "<TEI/>")), None);
        assert_eq!(detect(&f("n.txt", "x")), None);
    }

    #[test]
    fn added_files_go_under_sources_without_replacing_any() {
        let src = tempfile::tempdir().unwrap();
        std::fs::write(
            src.path().join("p.xml"),
            "<PcGts><Page imageFilename='p.png' imageWidth='10' imageHeight='10'><TextRegion id='r'><TextLine id='l'><Coords points='1,1 9,1 9,5 1,5'/><TextEquiv><Unicode>Kim</Unicode></TextEquiv></TextLine></TextRegion></Page></PcGts>",
        )
        .unwrap();
        image::RgbImage::new(10, 10)
            .save(src.path().join("p.png"))
            .unwrap();
        let proj = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(proj.path().join("sources")).unwrap();
        std::fs::write(proj.path().join("sources/p.txt"), "mine").unwrap();
        let project = Project::new("x");
        let imp = importer("page", None, None).unwrap();
        let added = import_into(&*imp, &src.path().join("p.xml"), proj.path(), &project).unwrap();
        let d = &added.documents[0];
        assert_eq!(
            d.meta.source.as_ref().unwrap().path.as_str(),
            "sources/import-2/p.txt"
        );
        assert_eq!(d.meta.images[0].as_str(), "sources/import-2/p.png");
        assert_eq!(
            std::fs::read_to_string(proj.path().join("sources/p.txt")).unwrap(),
            "mine"
        );
        assert!(proj.path().join("sources/import-2/p.png").is_file());
        assert!(
            added
                .schema
                .entity_types
                .iter()
                .any(|t| t.id.as_str() == "text_line")
        );
        let leftovers: Vec<_> = std::fs::read_dir(proj.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(".marginalia"))
            .collect();
        assert!(leftovers.is_empty());
    }
}
