//! Marginalia: an annotation workbench for archival documents.
//!
//! Layers, from the bottom: [`model`] (plain data and invertible edits) and [`store`]
//! (RON projects on disk) never touch the UI; [`session`] ties a project to its files and
//! history; [`cli`] is the command line; [`app`] is the window (cargo feature `gui`, on by
//! default).

pub mod annotator;
#[cfg(feature = "gui")]
pub mod app;
pub mod build_info;
pub mod cli;
pub mod facsimile;
pub mod interchange;
pub mod model;
pub mod session;
pub mod store;
pub mod views;
pub mod words;
