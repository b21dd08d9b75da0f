//! The command line: `marginalia [PROJECT]`, `marginalia check`, and friends.

pub mod check;
pub mod query;

use std::path::PathBuf;

/// The version with the git revision it was built from.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("MARGINALIA_GIT_REV"),
    ")"
);

/// The sample project the app opens by default: `projects/korean-armistice-1951` beside the
/// executable's source tree, or under the current folder.
pub fn sample_project() -> PathBuf {
    let rel = PathBuf::from("projects").join("korean-armistice-1951");
    let in_tree = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(&rel);
    if in_tree.exists() { in_tree } else { rel }
}
