//! The annotation model: documents, text anchors, annotations, schema and registry.
//!
//! Plain Rust with no UI dependency; every change goes through [`edit`].

pub mod agreement;
pub mod anchor;
pub mod annotation;
pub mod caret;
pub mod changeset;
pub mod conflict;
pub mod curation;
pub mod date;
pub mod document;
pub mod edit;
pub mod ids;
pub mod layers;
pub mod matching;
pub mod merge;
pub mod ops;
pub mod project;
pub mod query;
pub mod reanchor;
pub mod region;
pub mod registry;
pub mod schema;
pub mod stamp;
pub mod suggest;
pub mod text;
pub mod validate;

pub use anchor::{Span, TextAnchor, TextQuote};
pub use annotation::{Annotation, AttrValue, Body, Certainty, Event, Mention, Relation, Target};
pub use date::NormalizedDate;
pub use document::{
    ArchivalMeta, Canvas, DocStatus, Document, DocumentMeta, PageBreak, RelPath, SourceInfo,
};
pub use edit::{Edit, History, Touched, Transaction};
pub use ids::{AnnId, DocId, EntryId, Slug};
pub use project::{Counts, Project, ProjectInfo};
pub use region::{PageRegion, Shape};
pub use registry::{Alias, AliasKind, Authority, AuthorityId, Entry};
pub use schema::Schema;
pub use stamp::{Clock, Stamp, Stamper, UtcTime};
pub use text::{LineEnding, SourceText};
pub use validate::{Problem, Severity};
