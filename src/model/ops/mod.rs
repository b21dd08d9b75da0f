//! Operations: user actions expressed as [`Transaction`](super::Transaction)s over a
//! [`Project`](super::Project). Each builds the edits and checks the schema's constraints;
//! none mutates the project itself, so every action can be undone. [`core`] holds what they
//! share; [`error::OpError`] is why any of them refuses.

pub mod core;
pub mod document;
pub mod error;
pub mod events;
pub mod region;
pub mod registry;
pub mod review;
pub mod schema;
pub mod tagging;
pub mod text;

pub use error::OpError;
