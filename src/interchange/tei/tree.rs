//! The element tree the TEI reader parses into: the shared one of [`crate::interchange::common::xml`]
//! (iterative, nested at most [`MAX_DEPTH`] deep).

pub use crate::interchange::common::xml::{El, MAX_DEPTH, Node, parse};
