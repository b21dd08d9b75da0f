//! Rejected suggestions, saved beside a project as `NAME.suggestions.ron` (see
//! [`crate::model::suggest::Rejections`]). A file of its own: it is not part of the
//! annotations (rejecting a suggestion changes no record), so it is written atomically
//! by itself, and a project without it has rejected nothing.

use super::StoreError;
use crate::model::suggest::Rejections;
use std::path::{Path, PathBuf};

/// The largest rejections file read (a million rejections is ~150 MB; far beyond use).
const LIMIT: u64 = 256 << 20;

/// `dir/NAME.marginalia.ron` → `dir/NAME.suggestions.ron`.
pub fn rejections_path(project_file: &Path) -> PathBuf {
    let name = project_file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("project.marginalia.ron");
    let stem = name.strip_suffix(super::PROJECT_SUFFIX).unwrap_or(name);
    project_file.with_file_name(format!("{stem}.suggestions.ron"))
}

/// The project's rejections; none when the file does not exist.
pub fn load_rejections(project_file: &Path) -> Result<Rejections, StoreError> {
    let path = rejections_path(project_file);
    let bytes = match super::read_guarded(&path, LIMIT) {
        Ok(b) => b,
        Err(StoreError::Io { err, .. }) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Rejections::new());
        }
        Err(e) => return Err(e),
    };
    let text = String::from_utf8(bytes).map_err(|e| StoreError::InvalidUtf8 {
        path: path.clone(),
        offset: e.utf8_error().valid_up_to(),
        line: 0,
    })?;
    let r = Rejections::from_ron(&text).map_err(|e| StoreError::Parse {
        path: path.clone(),
        line: e.span.start.line,
        col: e.span.start.col,
        message: e.code.to_string(),
    })?;
    if r.format > Rejections::FORMAT {
        return Err(StoreError::UnsupportedVersion {
            path,
            found: r.format,
            oldest: 1,
            newest: Rejections::FORMAT,
        });
    }
    Ok(r)
}

/// Writes the project's rejections atomically.
pub fn save_rejections(project_file: &Path, r: &Rejections) -> Result<(), StoreError> {
    super::write_atomic(
        &rejections_path(project_file),
        r.to_ron().as_bytes(),
        super::Backup::Skip,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_and_read_back_and_missing_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let pf = dir.path().join("p.marginalia.ron");
        assert_eq!(rejections_path(&pf), dir.path().join("p.suggestions.ron"));
        assert_eq!(load_rejections(&pf).unwrap(), Rejections::new());
        let mut r = Rejections::new();
        r.rejected.insert(crate::model::suggest::RejectKey {
            doc: crate::model::DocId::new(),
            start: 3,
            end: 9,
            type_id: crate::model::Slug::new("person"),
            text: "filippov".into(),
        });
        save_rejections(&pf, &r).unwrap();
        assert_eq!(load_rejections(&pf).unwrap(), r);
        std::fs::write(rejections_path(&pf), "(format: 1, rejected: [(doc: \"x\"").unwrap();
        let e = load_rejections(&pf).unwrap_err().to_string();
        assert!(
            e.contains("line 1") && e.contains("p.suggestions.ron"),
            "{e}"
        );
    }
}
