//! Embeds the version and git revision shown by `--version` and the About box.

use std::process::Command;

/// `git` with `args` in this crate's folder: its trimmed output, if it succeeded.
fn git(args: &[&str]) -> Option<String> {
    Command::new("git")
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

fn main() {
    let rev = git(&["rev-parse", "--short=10", "HEAD"]).unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=MARGINALIA_GIT_REV={rev}");
    // Re-run when HEAD moves: HEAD itself (per worktree) and the branch refs (shared by
    // worktrees), wherever git keeps them.
    match (
        git(&["rev-parse", "--git-dir"]),
        git(&["rev-parse", "--git-common-dir"]),
    ) {
        (Some(dir), Some(common)) => {
            // Only paths that exist: cargo re-runs the script every build for a missing one.
            for p in [
                format!("{dir}/HEAD"),
                format!("{common}/refs/heads"),
                format!("{common}/packed-refs"),
            ] {
                if std::path::Path::new(&p).exists() {
                    println!("cargo:rerun-if-changed={p}");
                }
            }
        }
        _ => {
            println!("cargo:rerun-if-changed=.git/HEAD");
            println!("cargo:rerun-if-changed=.git/refs/heads");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
