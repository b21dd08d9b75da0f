pub mod webanno_tsv;
