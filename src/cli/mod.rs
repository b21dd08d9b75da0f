//! The command line: `marginalia [PROJECT]`, `marginalia check`, and friends.

pub mod check;

pub use crate::build_info::{VERSION, sample_project};
