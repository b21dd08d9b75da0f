//! Interchange with other tools. One module per format holds its vocabulary, its reader
//! and its writer side by side (`tei`, `brat`, `w3c`); export-only formats are single
//! files (`csv`, `jsonl`, `conll`); WebAnno TSV is `webanno_tsv`, and `text` is import-only. No format uses another
//! format's internals: what they share is in [`common`]. [`export`] and [`import`] hold
//! the traits and the safe ways to run them ([`export::run`], [`import::run`]) and name no
//! format; [`formats`] is the one list of every format. Nothing here touches the UI.

pub mod alto;
pub mod brat;
pub mod cmif;
pub mod common;
pub mod conll;
pub mod csv;
pub mod export;
pub mod facs;
pub mod formats;
pub mod gephi;
pub mod gexf;
pub mod hocr;
pub mod iiif;
pub mod import;
pub mod into_project;
pub mod jsonl;
pub mod layout;
pub mod mets;
pub mod page;
pub mod palladio;
pub mod pdf;
pub mod report;
pub mod tei;
pub mod text;
pub mod w3c;
pub mod webanno_tsv;
