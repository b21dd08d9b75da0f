//! Interchange formats shared by import and export.

pub mod webanno_tsv;
