//! The command line: `marginalia [PROJECT]`, `marginalia check`, and friends.

pub mod add;
pub mod agree;
pub mod check;
pub mod crash_trial;
pub mod git_setup;
pub mod merge;
pub mod query;
pub mod reanchor;
pub mod suggest;

pub use crate::build_info::{VERSION, sample_project};
