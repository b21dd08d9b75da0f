//! The file naming convention that ties page images to a transcription on import.
//!
//! For a transcription `NAME.txt` (or `NAME.md`), its page images are, in this order of
//! preference:
//! 1. the files beside it named `NAME.<number>.<ext>` (`NAME.001.jpg`, `NAME.2.png` …),
//!    in the order of their numbers;
//! 2. otherwise, the images directly in a folder `NAME/` beside it, in file-name order with
//!    runs of digits compared as numbers (`p2.jpg` before `p10.jpg`).
//!
//! `<ext>` is `png`, `jpg`, `jpeg`, `tif` or `tiff`, in any case. Numbered images with no
//! transcription of their `NAME` form an image-only document of their own.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// File extensions read as page images (ASCII case ignored).
pub const IMAGE_EXTENSIONS: [&str; 5] = ["png", "jpg", "jpeg", "tif", "tiff"];

fn is_image(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| IMAGE_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// `(NAME, number)` when `p` is a numbered page image `NAME.<number>.<ext>`.
fn numbered(p: &Path) -> Option<(String, u64)> {
    if !is_image(p) {
        return None;
    }
    let stem = p.file_stem()?.to_str()?;
    let (name, num) = stem.rsplit_once('.')?;
    if name.is_empty() || num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((name.to_owned(), num.parse().ok()?))
}

/// The page images of the transcription `source` among `files`, in page order.
pub fn for_source<'a>(source: &Path, files: impl IntoIterator<Item = &'a Path>) -> Vec<PathBuf> {
    let (Some(dir), Some(name)) = (source.parent(), source.file_stem().and_then(|s| s.to_str()))
    else {
        return Vec::new();
    };
    let folder = dir.join(name);
    let mut siblings: Vec<(u64, PathBuf)> = Vec::new();
    let mut in_folder: Vec<PathBuf> = Vec::new();
    for f in files {
        if f.parent() == Some(dir) {
            if let Some((n, num)) = numbered(f)
                && n == name
            {
                siblings.push((num, f.to_path_buf()));
            }
        } else if f.parent() == Some(folder.as_path()) && is_image(f) {
            in_folder.push(f.to_path_buf());
        }
    }
    if !siblings.is_empty() {
        siblings.sort();
        return siblings.into_iter().map(|(_, p)| p).collect();
    }
    in_folder.sort_by(|a, b| natural_cmp(&file_name(a), &file_name(b)));
    in_folder
}

/// Sets of numbered page images among `files` that are not in `claimed`, grouped by folder
/// and `NAME`, each in page order: image-only documents titled `NAME`.
pub fn unclaimed_sets<'a>(
    files: impl IntoIterator<Item = &'a Path>,
    claimed: &BTreeSet<PathBuf>,
) -> Vec<(String, Vec<PathBuf>)> {
    let mut sets: BTreeMap<(PathBuf, String), Vec<(u64, PathBuf)>> = BTreeMap::new();
    for f in files {
        if claimed.contains(f) {
            continue;
        }
        if let (Some((name, num)), Some(dir)) = (numbered(f), f.parent()) {
            sets.entry((dir.to_path_buf(), name))
                .or_default()
                .push((num, f.to_path_buf()));
        }
    }
    sets.into_iter()
        .map(|((_, name), mut pages)| {
            pages.sort();
            (name, pages.into_iter().map(|(_, p)| p).collect())
        })
        .collect()
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Compares names with runs of ASCII digits taken as numbers.
fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, _) => return Ordering::Less,
            (_, None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.iter().take_while(|c| c.is_ascii_digit()).count();
                let db = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let (na, nb) = (trim_zeros(&a[..da]), trim_zeros(&b[..db]));
                let ord = na.len().cmp(&nb.len()).then(na.cmp(nb)).then(da.cmp(&db));
                if ord != Ordering::Equal {
                    return ord;
                }
                a = &a[da..];
                b = &b[db..];
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                a = &a[1..];
                b = &b[1..];
            }
        }
    }
}

fn trim_zeros(d: &[u8]) -> &[u8] {
    let n = d.iter().take_while(|&&c| c == b'0').count();
    &d[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(v: &[&str]) -> Vec<PathBuf> {
        v.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn numbered_siblings_in_number_order() {
        let files = paths(&[
            "d/cable.10.jpg",
            "d/cable.002.JPG",
            "d/cable.001.png",
            "d/cable.txt",
            "d/cable.notes.jpg",
            "d/cablegram.001.jpg",
            "d/cable.003.pdf",
            "e/cable.004.jpg",
        ]);
        let got = for_source(Path::new("d/cable.txt"), files.iter().map(PathBuf::as_path));
        assert_eq!(
            got,
            paths(&["d/cable.001.png", "d/cable.002.JPG", "d/cable.10.jpg"])
        );
    }

    #[test]
    fn a_folder_of_images_otherwise() {
        let files = paths(&[
            "d/cable.txt",
            "d/cable/p10.jpg",
            "d/cable/p2.jpg",
            "d/cable/readme.txt",
            "d/cable/sub/p1.jpg",
        ]);
        let got = for_source(Path::new("d/cable.txt"), files.iter().map(PathBuf::as_path));
        assert_eq!(got, paths(&["d/cable/p2.jpg", "d/cable/p10.jpg"]));
        assert_eq!(natural_cmp("p02", "p2"), Ordering::Greater);
        assert_eq!(natural_cmp("a9b", "a10a"), Ordering::Less);
    }

    #[test]
    fn unclaimed_numbered_images_form_sets() {
        let files = paths(&[
            "d/a.2.jpg",
            "d/a.1.jpg",
            "d/b.1.tif",
            "d/c.jpg",
            "x/a.1.png",
        ]);
        let claimed = BTreeSet::from([PathBuf::from("d/b.1.tif")]);
        let sets = unclaimed_sets(files.iter().map(PathBuf::as_path), &claimed);
        assert_eq!(
            sets,
            vec![
                ("a".to_owned(), paths(&["d/a.1.jpg", "d/a.2.jpg"])),
                ("a".to_owned(), paths(&["x/a.1.png"])),
            ]
        );
    }
}
