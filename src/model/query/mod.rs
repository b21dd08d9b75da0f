//! Reading the project for display: what panels, pickers and lists show. Nothing here
//! builds an edit; the operations that do are in [`super::ops`].

pub mod events;
pub mod find;
pub mod registry;
pub mod schema;
pub mod text;
