//! WebAnno TSV 3.3, the exchange format of INCEpTION and WebAnno.
//!
//! [`read`] parses a file into a [`TsvDoc`] and [`write`] prints one; [`map`] converts
//! between a [`TsvDoc`] and a Marginalia document. The importer and exporter below tie
//! them to the [`Importer`] and [`Exporter`] traits. See `docs/interchange-webanno.md` for
//! how layers map onto the schema and what each direction keeps.
//!
//! Offsets in a [`TsvDoc`] count UTF-16 code units, as the format does.

pub mod map;
pub mod read;
pub mod write;

use super::common::{self, SourceTree};
use super::export::{ExportError, ExportReport, Exporter, Output, Progress};
use super::import::{ImportError, Importer};
use crate::model::Project;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The first line of every file.
pub const FORMAT_LINE: &str = "#FORMAT=WebAnno TSV 3.3";
/// The layer of tokens (never declared in a header; every row is one).
pub const TOKEN_LAYER: &str = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token";
/// The layer of sentences (the `#Text=` blocks).
pub const SENTENCE_LAYER: &str = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Sentence";
/// The slot target type that allows any annotation (targets then carry disambiguation ids).
pub const ANY_TYPE: &str = "uima.tcas.Annotation";

/// What kind of layer a header line declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LayerKind {
    /// `#T_SP=`: spans, with primitive and slot features.
    Span,
    /// `#T_CH=`: coreference-style chains of span links.
    Chain,
    /// `#T_RL=`: binary relations attached to a base span layer.
    Relation,
}

impl LayerKind {
    /// The header prefix, without `#` and `=`.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Span => "T_SP",
            Self::Chain => "T_CH",
            Self::Relation => "T_RL",
        }
    }
}

/// One column of a layer in the body, in header order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Column {
    /// A primitive feature; the value is a string.
    Feature(String),
    /// The roles of a slot (link) feature: `ROLE_<layer>:<feature>_<link type>`.
    SlotRole { feature: String, link_type: String },
    /// The targets of the slot feature declared in the column before; `target` is the
    /// target layer or [`ANY_TYPE`].
    SlotTarget { target: String },
    /// A chain layer's `referenceType` column (values carry `[chain]`).
    ChainType,
    /// A chain layer's `referenceRelation` column (values carry `->chain-link`).
    ChainRelation,
    /// A relation layer's governor column `BT_<base layer>`.
    Governor { base: String },
    /// The single column of a span layer without features.
    Placeholder,
}

/// A layer declared in the header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layer {
    pub kind: LayerKind,
    /// The UIMA type name, e.g. `webanno.custom.Span`.
    pub name: String,
    /// Invariant: at least one column.
    pub columns: Vec<Column>,
}

impl Layer {
    /// The header line's text after `#T_xx=`.
    pub fn spec(&self) -> String {
        let mut s = self.name.clone();
        if self.columns == [Column::Placeholder] {
            s.push('|');
            return s;
        }
        for c in &self.columns {
            s.push('|');
            match c {
                Column::Feature(f) => s.push_str(f),
                Column::SlotRole { feature, link_type } => {
                    s.push_str(&format!("ROLE_{}:{feature}_{link_type}", self.name));
                }
                Column::SlotTarget { target } => s.push_str(target),
                Column::ChainType => s.push_str("referenceType"),
                Column::ChainRelation => s.push_str("referenceRelation"),
                Column::Governor { base } => s.push_str(&format!("BT_{base}")),
                Column::Placeholder => {}
            }
        }
        s
    }

    /// The primitive feature names, in column order.
    pub fn features(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().filter_map(|c| match c {
            Column::Feature(f) => Some(f.as_str()),
            _ => None,
        })
    }

    /// The slot features' names, in column order.
    pub fn slots(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().filter_map(|c| match c {
            Column::SlotRole { feature, .. } => Some(feature.as_str()),
            _ => None,
        })
    }

    /// The target layer of slot feature `feature`.
    pub fn slot_target(&self, feature: &str) -> Option<&str> {
        let i = self
            .columns
            .iter()
            .position(|c| matches!(c, Column::SlotRole { feature: f, .. } if f == feature))?;
        match self.columns.get(i + 1) {
            Some(Column::SlotTarget { target }) => Some(target),
            _ => None,
        }
    }

    /// A relation layer's base layer.
    pub fn base(&self) -> Option<&str> {
        self.columns.iter().find_map(|c| match c {
            Column::Governor { base } => Some(base.as_str()),
            _ => None,
        })
    }
}

/// A sentence: `[begin, end)` in UTF-16 units, its optional `#Sentence.id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    pub begin: usize,
    pub end: usize,
    pub id: Option<String>,
}

/// A token: `[begin, end)` in UTF-16 units. Invariant: tokens are sorted and disjoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub begin: usize,
    pub end: usize,
}

/// What a relation end or slot filler points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Node {
    /// An index into [`TsvDoc::spans`].
    Span(usize),
    /// An index into [`TsvDoc::tokens`].
    Token(usize),
}

/// One slot filler of a span annotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The slot feature's name.
    pub feature: String,
    /// The role; `None` is written `*`.
    pub role: Option<String>,
    pub target: Node,
}

/// A span annotation (also a chain link, on a chain layer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpanAnn {
    /// Index into [`TsvDoc::layers`].
    pub layer: usize,
    /// UTF-16 units; `begin == end` for a zero-width span.
    pub begin: usize,
    pub end: usize,
    /// Primitive feature values by name (chain links: `referenceType`,
    /// `referenceRelation`); absent means null (`*`).
    pub features: Vec<(String, String)>,
    /// Slot fillers, in order.
    pub links: Vec<Link>,
}

impl SpanAnn {
    pub fn feature(&self, name: &str) -> Option<&str> {
        self.features
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A relation from `governor` to `dependent`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelAnn {
    pub layer: usize,
    pub governor: Node,
    pub dependent: Node,
    pub features: Vec<(String, String)>,
}

/// A chain: the links (span annotations of a chain layer) in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    pub layer: usize,
    pub links: Vec<usize>,
}

/// A whole TSV document. Invariant: every index points into its list; sentences and
/// tokens are sorted; every token lies in a sentence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TsvDoc {
    /// The document text (text between sentences, which the format does not store, is a
    /// line break followed by spaces).
    pub text: String,
    pub layers: Vec<Layer>,
    pub sentences: Vec<Sentence>,
    pub tokens: Vec<Token>,
    pub spans: Vec<SpanAnn>,
    pub relations: Vec<RelAnn>,
    pub chains: Vec<Chain>,
}

/// Escapes a feature value or role as INCEpTION does: `\ [ ] | _ -> ; *`, TAB and LF.
pub fn escape_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '[' | ']' | '|' | '_' | ';' | '*' => {
                out.push('\\');
                out.push(c);
            }
            '-' if chars.peek() == Some(&'>') => {
                chars.next();
                out.push_str("\\->");
            }
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out
}

/// Undoes [`escape_value`]; a backslash before anything else is kept.
pub fn unescape_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (text, len) = match after.chars().next() {
            Some(c @ ('\\' | '[' | ']' | '|' | '_' | ';' | '*')) => (c.to_string(), 1),
            Some('t') => ("\t".to_owned(), 1),
            Some('n') => ("\n".to_owned(), 1),
            Some('-') if after.starts_with("->") => ("->".to_owned(), 2),
            _ => ("\\".to_owned(), 0),
        };
        out.push_str(&text);
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

/// Escapes sentence and token text as INCEpTION does: backslash, TAB, LF, CR, form feed
/// and backspace as `\\ \t \n \r \f \b`; other control characters except 8–13 get a
/// backslash before them.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{c}' => out.push_str("\\f"),
            '\u{8}' => out.push_str("\\b"),
            c if (c as u32) < 8 || (14..32).contains(&(c as u32)) => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Undoes [`escape_text`]; a backslash before anything else is kept.
pub fn unescape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (c, len) = match after.chars().next() {
            Some('\\') => ('\\', 1),
            Some('t') => ('\t', 1),
            Some('n') => ('\n', 1),
            Some('r') => ('\r', 1),
            Some('f') => ('\u{c}', 1),
            Some('b') => ('\u{8}', 1),
            Some(c) if (c as u32) < 8 || (14..32).contains(&(c as u32)) => (c, 1),
            _ => ('\\', 0),
        };
        out.push(c);
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

/// Splits `s` at every `sep` that is not escaped by a backslash.
pub fn split_unescaped(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            parts.push(&s[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&s[start..]);
    parts
}

/// UTF-16 length of `s`.
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Reads WebAnno TSV 3.3: one `.tsv` file, or every `.tsv` file under a folder, one
/// document each (titled by its path in the folder).
pub struct WebAnnoTsvImporter;

impl Importer for WebAnnoTsvImporter {
    fn id(&self) -> &'static str {
        "webanno-tsv"
    }

    fn label(&self) -> &'static str {
        "WebAnno TSV 3.3 (INCEpTION)"
    }

    fn import(
        &self,
        source: &Path,
        cx: &mut crate::interchange::import::ImportContext<'_>,
    ) -> Result<Project, ImportError> {
        let staging = cx.staging;
        let files = tsv_files(source)?;
        let mut project = Project::new("");
        project.schema = crate::model::Schema::default();
        let mut builder = map::ImportBuilder::default();
        let mut taken = BTreeSet::new();
        for (file, rel) in files {
            let raw = common::read_regular_text(&file)?;
            let doc = read::parse(&raw).map_err(|e| ImportError::Syntax {
                path: file.clone(),
                line: e.line,
                message: e.message,
            })?;
            // The text goes where the .tsv was, relative to the source folder, with safe
            // file names.
            let parts: Vec<String> = rel.iter().map(|p| common::slug_file_name(p)).collect();
            let base = parts.join("/");
            let mut name = base.clone();
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}-{n}");
                n += 1;
            }
            let dest = common::join_inside(staging, &format!("{name}.txt")).map_err(|message| {
                ImportError::Invalid {
                    path: file.clone(),
                    message,
                }
            })?;
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| ImportError::io("create folder", parent, e))?;
            }
            std::fs::write(&dest, doc.text.as_bytes())
                .map_err(|e| ImportError::io("write", &dest, e))?;
            let mut document = crate::store::document_from_source(staging, &dest)?;
            document.meta.title = rel.join("/");
            builder
                .add_document(&mut project, &mut document, &doc)
                .map_err(|message| ImportError::Invalid {
                    path: file.clone(),
                    message,
                })?;
            project.documents.insert(document.id(), document);
        }
        Ok(project)
    }
}

/// The `.tsv` files `source` names — itself, or those under the folder (recursively, as
/// in an INCEpTION project export: `annotation/<document>/<user>.tsv`), sorted — each with
/// its path relative to the folder, without `.tsv`, as a list of parts.
fn tsv_files(source: &Path) -> Result<Vec<(PathBuf, Vec<String>)>, ImportError> {
    let stem = |p: &Path| {
        p.file_stem().map_or_else(
            || "document".to_owned(),
            |s| s.to_string_lossy().into_owned(),
        )
    };
    if source.is_file() {
        return Ok(vec![(source.to_path_buf(), vec![stem(source)])]);
    }
    let files = SourceTree::scan(source)?.with_extension(&["tsv"]);
    if files.is_empty() {
        return Err(ImportError::Invalid {
            path: source.to_path_buf(),
            message:
                "no .tsv file here; a WebAnno TSV import reads a .tsv file or a folder of them"
                    .into(),
        });
    }
    Ok(files
        .into_iter()
        .map(|f| {
            let rel = f.strip_prefix(source).unwrap_or(&f);
            let mut parts: Vec<String> = rel
                .parent()
                .into_iter()
                .flat_map(|p| p.iter())
                .map(|c| c.to_string_lossy().into_owned())
                .collect();
            parts.push(stem(&f));
            (f, parts)
        })
        .collect())
}

/// Writes one WebAnno TSV 3.3 file per document.
pub struct WebAnnoTsvExporter;

impl Exporter for WebAnnoTsvExporter {
    fn id(&self) -> &'static str {
        "webanno-tsv"
    }

    fn label(&self) -> &'static str {
        "WebAnno TSV 3.3 (INCEpTION)"
    }

    fn write(
        &self,
        project: &Project,
        out: &mut Output,
        progress: Progress<'_>,
    ) -> Result<ExportReport, ExportError> {
        let mut report = ExportReport::default();
        if !project.registry.is_empty() {
            report.omitted.push(format!(
                "WebAnno TSV cannot express the registry (names, types, aliases, authority ids, notes): {} entries in \"{}\"",
                project.registry.len(),
                project.info.name
            ));
        }
        let layers = map::ExportLayers::new(project);
        let mut taken = BTreeSet::new();
        let n = project.documents.len().max(1);
        progress(0.0);
        for (i, doc) in project.documents.values().enumerate() {
            let tsv = layers.document(project, doc, &mut report.omitted);
            let base = common::slug_file_name(&doc.meta.title);
            let mut name = base.clone();
            let mut k = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}-{k}");
                k += 1;
            }
            let text = write::print(&tsv);
            report
                .files
                .push(out.add(&format!("{name}.tsv"), text.into_bytes())?);
            progress((i + 1) as f32 / n as f32);
        }
        progress(1.0);
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips() {
        let nasty = "#*'\"`´\t:;{}|[ ]()\\§$%?=&_\n a->b";
        let e = escape_value(nasty);
        // As in the suite's testTokenBoundedSpanWithSpecialSymbolsValue.
        assert_eq!(e, "#\\*'\"`´\\t:\\;{}\\|\\[ \\]()\\\\§$%?=&\\_\\n a\\->b");
        assert_eq!(unescape_value(&e), nasty);
        assert_eq!(unescape_value("a\\xb\\"), "a\\xb\\");
        let text = "a\tb\\c\r\u{1}d\u{b}";
        assert_eq!(escape_text(text), "a\\tb\\\\c\\r\\\u{1}d\u{b}");
        assert_eq!(unescape_text(&escape_text(text)), text);
        // `\t` is a TAB; a backslash before any other letter stays.
        assert_eq!(unescape_text("C:\\temp\\x"), "C:\temp\\x");
    }

    #[test]
    fn split_respects_escapes() {
        assert_eq!(split_unescaped("a\\|b|c", '|'), vec!["a\\|b", "c"]);
        assert_eq!(split_unescaped("a\\\\|b", '|'), vec!["a\\\\", "b"]);
        assert_eq!(split_unescaped("", '|'), vec![""]);
    }

    #[test]
    fn utf16_counts_surrogate_pairs() {
        assert_eq!(utf16_len("a😊"), 3);
    }
}
