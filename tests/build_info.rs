//! `marginalia --version` names the git revision the binary was built from.
#![allow(clippy::unwrap_used)]

use std::process::Command;

/// The revision of the checkout this test runs in, as build.rs reads it; `None` outside git.
fn head() -> Option<String> {
    let out = Command::new("git")
        .args(["rev-parse", "--short=10", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    Some(String::from_utf8(out.stdout).ok()?.trim().to_owned())
}

#[test]
fn version_names_the_git_revision_of_the_build() {
    let out = Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    let version = String::from_utf8(out.stdout).unwrap();
    let rev = head().unwrap_or_else(|| "unknown".to_owned());
    assert_eq!(
        version.trim(),
        format!("marginalia {} ({rev})", env!("CARGO_PKG_VERSION")),
        "--version must name the revision checked out (a build from before the last commit?)"
    );
    assert_eq!(marginalia::build_info::GIT_REV, rev);
}
