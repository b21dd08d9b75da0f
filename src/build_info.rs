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
