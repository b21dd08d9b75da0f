//! What the integration tests share. (Not a test itself: cargo only builds `tests/*.rs` and
//! `tests/*/main.rs`.) A test takes it with `mod support;`.
// Each test uses part of this module.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod fuzz;
pub mod git;
#[cfg(feature = "gui")]
pub mod gui;
pub mod http;
pub mod images;
pub mod pdf;

/// `$MARGINALIA_SHARED/<rel>`, else `../shared/<rel>` beside the repository; fails clearly
/// when missing (the tests that read the shared corpora run from `.ci/checks`).
pub fn shared(rel: &str) -> std::path::PathBuf {
    let base = std::env::var_os("MARGINALIA_SHARED").map_or_else(
        || std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared")),
        std::path::PathBuf::from,
    );
    let p = base.join(rel);
    assert!(
        p.exists(),
        "{} is missing: this test needs the shared corpora (set MARGINALIA_SHARED to the shared folder)",
        p.display()
    );
    p
}
