//! Marginalia: an annotation workbench for archival documents.
//!
//! Layers, from the bottom: [`model`] (plain data and invertible edits) and [`store`]
//! (RON projects on disk) never touch the UI; [`session`] ties a project to its files and
//! history; [`cli`] is the command line.

pub mod app;
pub mod cli;
pub mod facsimile;
pub mod interchange;
pub mod model;
pub mod session;
pub mod store;

/// The export and import registries at their earlier paths (`crate::export::all()`).
pub use interchange::{export, import};
