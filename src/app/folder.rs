//! A new project from a folder of `.txt` and `.md` sources. (To be replaced by the shared
//! walker in `import` once it lands.)

use crate::model::Project;
use crate::session::Session;
use crate::store::{self, StoreError};
use std::path::{Path, PathBuf};

/// A source file the app can add: `.txt` or `.md`.
pub fn is_source(p: &Path) -> bool {
    p.is_file()
        && p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("txt") || e.eq_ignore_ascii_case("md"))
}

/// A new project over the `.txt` and `.md` files under `dir` (or the project already there).
pub fn new_project_from_folder(dir: &Path) -> Result<Session, StoreError> {
    if let Ok(file) = store::resolve_project_file(dir) {
        return Session::open(&file);
    }
    let name = dir.file_name().map_or_else(
        || "Project".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut sources = Vec::new();
    collect_sources(dir, &mut sources, 0);
    sources.sort();
    let mut project = Project::new(name.clone());
    for src in &sources {
        let d = store::document_from_source(dir, src)?;
        project.documents.insert(d.id(), d);
    }
    let file = dir.join(format!(
        "{}{}",
        crate::import::slug_file_name(&name),
        store::PROJECT_SUFFIX
    ));
    Ok(Session::create(project, file))
}

fn collect_sources(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let hidden = p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if p.is_dir() && depth < 4 {
            collect_sources(&p, out, depth + 1);
        } else if is_source(&p) {
            out.push(p);
        }
    }
}
