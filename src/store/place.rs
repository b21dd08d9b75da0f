//! Bringing a file into a project folder. A file already inside the folder is used where it
//! is. A file outside is copied into a folder of the project (`sources/` for texts, `pages/`
//! for page images) under its own name, never over a different file: when a file of that
//! name holds the same bytes it is used, otherwise the copy is numbered (`letter-2.txt`).
//! The copy is atomic and never replaces anything put there meanwhile
//! ([`write_new_first`](super::fs::write_new_first)). Add documents (the window and
//! `marginalia add --copy`) and Add pages all go through [`place_in_project`].

use super::StoreError;
use super::load::read_limited;
use crate::model::RelPath;
use std::path::{Path, PathBuf};

/// Where a file ended up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placed {
    /// It was inside the project folder already.
    InPlace(RelPath),
    /// Copied from `from` (outside the project) to `rel`.
    Copied { rel: RelPath, from: PathBuf },
    /// The project already had the same bytes at `rel`; nothing was written.
    Same { rel: RelPath, from: PathBuf },
}

impl Placed {
    /// The file's path inside the project.
    pub fn rel(&self) -> &RelPath {
        match self {
            Self::InPlace(rel) | Self::Copied { rel, .. } | Self::Same { rel, .. } => rel,
        }
    }

    /// Whether the file came from outside the project folder.
    pub fn from_outside(&self) -> Option<&Path> {
        match self {
            Self::InPlace(_) => None,
            Self::Copied { from, .. } | Self::Same { from, .. } => Some(from),
        }
    }
}

/// Places `src` in the project folder `dir`: itself when inside, else a copy in
/// `dir/folder/` (see the module docs). Files over `limit` bytes are refused before they are
/// read; so are links, devices and FIFOs (the store's guarded reader).
pub fn place_in_project(
    dir: &Path,
    src: &Path,
    folder: &str,
    limit: u64,
) -> Result<Placed, StoreError> {
    let canon_dir = dir
        .canonicalize()
        .map_err(|e| StoreError::io("resolve folder", dir, e))?;
    let canon = src
        .canonicalize()
        .map_err(|e| StoreError::io("read", src, e))?;
    if canon.starts_with(&canon_dir) {
        let rel = RelPath::from_native(&canon_dir, &canon).map_err(|e| StoreError::Invalid {
            path: src.to_path_buf(),
            message: e.to_string(),
        })?;
        return Ok(Placed::InPlace(rel));
    }
    let name = src
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| StoreError::Invalid {
            path: src.to_path_buf(),
            message: "not a file name".into(),
        })?;
    // The file itself (a link is followed to it): a regular file, within the limit.
    let bytes = read_limited(&canon, limit)?;
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s.to_owned(), format!(".{e}")),
        _ => (name.clone(), String::new()),
    };
    let target = dir.join(folder);
    std::fs::create_dir_all(&target).map_err(|e| StoreError::io("create folder", &target, e))?;
    let names: Vec<String> = (1..10_000)
        .map(|n| {
            if n == 1 {
                name.clone()
            } else {
                format!("{stem}-{n}{ext}")
            }
        })
        .collect();
    let rel = |file: &str| {
        RelPath::parse(&format!("{folder}/{file}")).map_err(|e| StoreError::Invalid {
            path: target.join(file),
            message: e.to_string(),
        })
    };
    // The same bytes under one of these names already: use that file.
    for file in &names {
        let path = target.join(file);
        if std::fs::symlink_metadata(&path).is_err() {
            break;
        }
        if read_limited(&path, limit).is_ok_and(|there| there == bytes) {
            return Ok(Placed::Same {
                rel: rel(file)?,
                from: src.to_path_buf(),
            });
        }
    }
    match super::fs::write_new_first(names.iter().map(|f| target.join(f)), &bytes)? {
        Some(dest) => {
            let file = dest
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok(Placed::Copied {
                rel: rel(&file)?,
                from: src.to_path_buf(),
            })
        }
        None => Err(StoreError::Invalid {
            path: target,
            message: format!("too many files named like {name}"),
        }),
    }
}

/// One line for people about the files of `placed` that came from outside: "Copied
/// letter.txt from outside the project into sources/letter.txt." Empty when none did.
pub fn describe_copies(placed: &[Placed]) -> String {
    let outside: Vec<String> = placed
        .iter()
        .filter_map(|p| {
            let from = p.from_outside()?;
            let name = from.file_name().map_or_else(
                || from.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            Some(match p {
                Placed::Same { rel, .. } => format!("{name} (already there as {rel})"),
                _ if p.rel().as_str().ends_with(&format!("/{name}")) => {
                    format!("{name} as {}", p.rel())
                }
                _ => format!("{name} as {} (that name was taken)", p.rel()),
            })
        })
        .collect();
    match outside.len() {
        0 => String::new(),
        1 => format!("Copied from outside the project: {}.", outside[0]),
        n => format!(
            "Copied {n} files from outside the project: {}.",
            outside.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const LIMIT: u64 = 1 << 20;

    #[test]
    fn inside_in_place_outside_copied_never_over_a_different_file() {
        let project = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let inside = project.path().join("scans/p1.png");
        std::fs::create_dir_all(inside.parent().unwrap()).unwrap();
        std::fs::write(&inside, b"inside").unwrap();
        assert_eq!(
            place_in_project(project.path(), &inside, "pages", LIMIT).unwrap(),
            Placed::InPlace(RelPath::parse("scans/p1.png").unwrap())
        );
        let src = outside.path().join("p2.png");
        std::fs::write(&src, b"first").unwrap();
        let first = place_in_project(project.path(), &src, "pages", LIMIT).unwrap();
        assert_eq!(first.rel().as_str(), "pages/p2.png");
        assert!(matches!(first, Placed::Copied { .. }));
        // The same bytes again: the copy already there is used.
        let again = place_in_project(project.path(), &src, "pages", LIMIT).unwrap();
        assert!(matches!(again, Placed::Same { .. }), "{again:?}");
        assert_eq!(again.rel().as_str(), "pages/p2.png");
        // Different bytes under the same name: numbered, the first copy kept.
        std::fs::write(&src, b"second").unwrap();
        let second = place_in_project(project.path(), &src, "pages", LIMIT).unwrap();
        assert_eq!(second.rel().as_str(), "pages/p2-2.png");
        let read = |p: &str| std::fs::read(project.path().join(p)).unwrap();
        assert_eq!(read("pages/p2.png"), b"first");
        assert_eq!(read("pages/p2-2.png"), b"second");
        assert_eq!(
            describe_copies(&[first, second]),
            "Copied 2 files from outside the project: p2.png as pages/p2.png, \
             p2.png as pages/p2-2.png (that name was taken)."
        );
        let missing = place_in_project(
            project.path(),
            &outside.path().join("none.png"),
            "pages",
            LIMIT,
        );
        assert!(missing.unwrap_err().to_string().contains("none.png"));
    }

    #[test]
    fn too_large_and_special_files_are_refused_before_reading() {
        let project = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let big = outside.path().join("big.txt");
        std::fs::write(&big, vec![b'a'; 100]).unwrap();
        assert!(place_in_project(project.path(), &big, "sources", 10).is_err());
        assert!(!project.path().join("sources/big.txt").exists());
        #[cfg(unix)]
        {
            let link = outside.path().join("link.txt");
            std::os::unix::fs::symlink(&big, &link).unwrap();
            // A link chosen from outside is followed: the copy is of the file it names.
            let placed = place_in_project(project.path(), &link, "sources", LIMIT).unwrap();
            assert_eq!(
                std::fs::read(project.path().join(placed.rel().as_str())).unwrap(),
                vec![b'a'; 100]
            );
        }
    }
}
