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
