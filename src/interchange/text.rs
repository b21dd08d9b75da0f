//! Plain-text import: every `.txt` and `.md` file under a folder (recursively, any case of
//! the extension, hidden entries skipped; see
//! [`collect_sources`](super::common::collect_sources)) becomes a document of a
//! new project with the default schema. The files are copied into the project folder under
//! the same relative paths.

use super::common::{SourceTree, copy_into};
use super::import::{ImportError, Importer};
use crate::model::Project;
use crate::store;
use std::path::Path;

/// Reads a folder of transcriptions.
pub struct TextImporter;

impl Importer for TextImporter {
    fn id(&self) -> &'static str {
        "text"
    }

    fn label(&self) -> &'static str {
        "Folder of text files"
    }

    fn import(&self, source: &Path, staging: &Path) -> Result<Project, ImportError> {
        if !source.is_dir() {
            return Err(ImportError::Invalid {
                path: source.to_path_buf(),
                message: "a text import reads a folder of .txt and .md files".into(),
            });
        }
        let tree = SourceTree::scan(source)?;
        let mut project = Project::new("");
        for file in tree.with_extension(super::common::SOURCE_EXTENSIONS) {
            let dest = copy_into(&tree, &file, staging)?;
            let doc = store::document_from_source(staging, &dest)?;
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
