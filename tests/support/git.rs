//! Temporary git repositories for the tests of the merge driver (tests/merge_git.rs,
//! tests/gui_conflicts.rs): git run isolated from the user's and the system's
//! configuration, and a project committed after `marginalia git-setup`.

use std::path::Path;
use std::process::{Command, Output};

/// Whether a `git` command runs on this machine.
pub fn available() -> bool {
    Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs git in `dir`, isolated from the user's and the system's configuration, with a
/// fixed author.
pub fn output(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join(".no-config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.org")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.org")
        .output()
        .expect("git runs")
}

/// [`output`] that must succeed; returns its standard output.
pub fn run(dir: &Path, args: &[&str]) -> String {
    let o = output(dir, args);
    assert!(
        o.status.success(),
        "git {args:?} failed: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Makes the project folder `dir` a repository on branch `main`, set up with
/// `marginalia git-setup` (the binary `bin`), with everything committed as `message`.
pub fn init_with_setup(dir: &Path, bin: &str, message: &str) {
    run(dir, &["init", "-q", "-b", "main"]);
    let o = Command::new(bin)
        .args(["git-setup", "."])
        .current_dir(dir)
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git-setup: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    run(dir, &["add", "-A"]);
    run(dir, &["commit", "-q", "-m", message]);
}
