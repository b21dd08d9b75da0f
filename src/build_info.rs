//! What this build is: its version with the git revision it was built from, and where the
//! sample project lives. Read by both the window and the command line.

use std::path::PathBuf;

/// The version with the git revision it was built from, e.g. `0.1.0 (6b7bcc6a1f)`.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("MARGINALIA_GIT_REV"),
    ")"
);

/// The git revision this build was made from (`unknown` outside a git checkout).
pub const GIT_REV: &str = env!("MARGINALIA_GIT_REV");

/// The sample project the app opens by default: `projects/korean-armistice-1951` beside the
/// executable's source tree, or under the current folder.
pub fn sample_project() -> PathBuf {
    let rel = PathBuf::from("projects").join("korean-armistice-1951");
    let in_tree = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(&rel);
    if in_tree.exists() { in_tree } else { rel }
}

/// The sample project's folder name, in the repository and in the user's data folder.
pub const SAMPLE_NAME: &str = "korean-armistice-1951";

macro_rules! sample_file {
    ($rel:literal) => {
        (
            $rel,
            include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/projects/korean-armistice-1951/",
                $rel
            )) as &[u8],
        )
    };
}

/// The sample project's files, embedded in the binary: (path inside the project folder,
/// bytes). The first is the project file.
pub const SAMPLE_FILES: &[(&str, &[u8])] = &[
    sample_file!("korean-armistice-1951.marginalia.ron"),
    sample_file!("sources/cable-21677-mao-to-filippov-1951-07-11.txt"),
    sample_file!("sources/cable-21677-mao-to-filippov-1951-07-11.txt.ann.ron"),
    sample_file!("sources/cable-21677-mao-to-filippov-1951-07-11.001.jpg"),
];

/// The sample in the source tree this binary was built from, when the binary runs from
/// inside that tree (`cargo run` in the repository); `None` for an installed binary.
pub fn dev_sample() -> Option<PathBuf> {
    let tree = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tree = tree.canonicalize().unwrap_or(tree);
    let exe = std::env::current_exe().ok()?;
    let exe = exe.canonicalize().unwrap_or(exe);
    let sample = tree.join("projects").join(SAMPLE_NAME);
    (exe.starts_with(&tree) && sample.is_dir()).then_some(sample)
}

/// Marginalia's folder among the user's data: `$XDG_DATA_HOME/marginalia`, else
/// `$HOME/.local/share/marginalia`, else `%APPDATA%\marginalia`. Empty values count as unset.
pub fn user_data_dir_from(
    xdg_data_home: Option<std::ffi::OsString>,
    home: Option<std::ffi::OsString>,
    appdata: Option<std::ffi::OsString>,
) -> Option<PathBuf> {
    let set = |v: Option<std::ffi::OsString>| v.filter(|v| !v.is_empty()).map(PathBuf::from);
    set(xdg_data_home)
        .or_else(|| set(home).map(|h| h.join(".local").join("share")))
        .or_else(|| set(appdata))
        .map(|d| d.join("marginalia"))
}

/// [`user_data_dir_from`] with this process's environment.
pub fn user_data_dir() -> Option<PathBuf> {
    user_data_dir_from(
        std::env::var_os("XDG_DATA_HOME"),
        std::env::var_os("HOME"),
        std::env::var_os("APPDATA"),
    )
}

/// Copying the embedded sample failed.
#[derive(Debug, thiserror::Error)]
#[error("cannot copy the sample project to {}: {source}", path.display())]
pub struct SampleError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// Writes the embedded sample into `data_dir/korean-armistice-1951` and returns its project
/// file. Files already there are kept as they are (a user's edits are never overwritten); only
/// missing files are written.
pub fn install_sample(data_dir: &std::path::Path) -> Result<PathBuf, SampleError> {
    let dir = data_dir.join(SAMPLE_NAME);
    for (rel, bytes) in SAMPLE_FILES {
        let path = dir.join(rel);
        let err = |source| SampleError {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(err)?;
        }
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                use std::io::Write as _;
                f.write_all(bytes)
                    .and_then(|()| f.sync_all())
                    .map_err(err)?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(err(e)),
        }
    }
    Ok(dir.join(SAMPLE_FILES[0].0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_dir_follows_xdg_then_home() {
        let d = user_data_dir_from(Some("/x".into()), Some("/h".into()), None);
        assert_eq!(d, Some(PathBuf::from("/x/marginalia")));
        let d = user_data_dir_from(Some("".into()), Some("/h".into()), None);
        assert_eq!(d, Some(PathBuf::from("/h/.local/share/marginalia")));
        let d = user_data_dir_from(None, None, Some("C:/A".into()));
        assert_eq!(d, Some(PathBuf::from("C:/A/marginalia")));
        assert_eq!(user_data_dir_from(None, None, None), None);
    }

    #[test]
    fn every_file_of_the_repositorys_sample_is_embedded() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("projects")
            .join(SAMPLE_NAME);
        let mut on_disk: Vec<String> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            // A window or test that opened the sample leaves its save lock: not content.
            .filter(|e| !crate::store::is_working_file(&e.file_name().to_string_lossy()))
            .filter_map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(&dir)
                    .ok()?
                    .to_string_lossy()
                    .into_owned();
                Some(rel.replace('\\', "/"))
            })
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = SAMPLE_FILES.iter().map(|(r, _)| (*r).to_owned()).collect();
        embedded.sort();
        assert_eq!(
            embedded, on_disk,
            "SAMPLE_FILES must list every file of the sample"
        );
        for (rel, bytes) in SAMPLE_FILES {
            assert_eq!(
                std::fs::read(dir.join(rel)).ok().as_deref(),
                Some(*bytes),
                "{rel}"
            );
        }
    }

    #[test]
    fn sample_is_copied_once_and_never_overwritten() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let file = install_sample(tmp.path())?;
        assert_eq!(std::fs::read(&file)?, SAMPLE_FILES[0].1);
        let src = tmp.path().join(SAMPLE_NAME).join(SAMPLE_FILES[1].0);
        std::fs::write(&src, "my edits")?;
        assert_eq!(install_sample(tmp.path())?, file);
        assert_eq!(std::fs::read_to_string(&src)?, "my edits");
        Ok(())
    }
}
