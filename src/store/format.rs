//! The on-disk shape of projects: one project file plus one file per document.
//!
//! ```text
//! my-project/
//! ├── my-project.marginalia.ron        ProjectFile: info, schema, registry, document list
//! └── sources/
//!     ├── cable-21677.txt              the source, never written by Marginalia
//!     └── cable-21677.txt.ann.ron      DocumentFile: metadata and annotations
//! ```
//!
//! Why one annotation file per document, beside its source: two scholars who annotate
//! different documents change different files, so git merges them cleanly; saving after an
//! edit writes only the documents that changed, so a 2,000-document project saves one
//! small file, not all of them; and a source travels with its annotations. The project file
//! keeps what is shared: schema, registry and the list of documents.
//!
//! Every list is sorted by id and every file is pretty-printed RON with `\n` line
//! endings, so loading and saving without changes writes identical bytes, and one changed
//! annotation is a small diff. Nesting deeper than four levels is written on one line, so
//! each anchor (fragments and quote) is one line. Strings are always plain `"…"` strings:
//! `"`, `\`, control characters (`\n`, `\r`, NUL …) and invisible ones (bidi controls,
//! zero-width characters, BOM, line separators) are escaped, every other character of every
//! script is written as is (see [`escape_for_file`]).

use crate::model::merge::Conflict;
use crate::model::{Annotation, DocId, DocumentMeta, Entry, ProjectInfo, RelPath, Schema};
use serde::{Deserialize, Serialize};

/// The format version this build writes. Files carry it as `format_version`.
pub const FORMAT_VERSION: u32 = 1;
/// The oldest format version this build reads (older files are migrated on load).
pub const OLDEST_FORMAT_VERSION: u32 = 1;

/// File name suffix of project files.
pub const PROJECT_SUFFIX: &str = ".marginalia.ron";
/// Suffix appended to a source's file name to name its annotation file.
pub const DOC_SUFFIX: &str = ".ann.ron";

pub(crate) const PROJECT_HEADER: &str =
    "// Marginalia project. Paths are relative to this file's folder.\n";
pub(crate) const DOC_HEADER: &str = "// Marginalia annotations for one document. Offsets count Unicode code points in the LF-normalized source.\n";

/// A document's entry in the project file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocRef {
    pub id: DocId,
    /// The document's annotation file, relative to the project folder.
    pub file: RelPath,
}

/// The project file, as read.
#[derive(Debug, Deserialize)]
pub struct ProjectFile {
    pub format_version: u32,
    pub info: ProjectInfo,
    pub schema: Schema,
    #[serde(default)]
    pub registry: Vec<Entry>,
    #[serde(default)]
    pub documents: Vec<DocRef>,
    /// Unresolved merge conflicts about project-wide records (see `model::merge`).
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
}

/// The project file, as written (borrowing from the model).
#[derive(Serialize)]
pub(crate) struct ProjectFileOut<'a> {
    pub format_version: u32,
    pub info: &'a ProjectInfo,
    pub schema: &'a Schema,
    pub registry: Vec<&'a Entry>,
    pub documents: Vec<&'a DocRef>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<&'a Conflict>,
}

/// A document's annotation file, as read.
#[derive(Debug, Deserialize)]
pub struct DocumentFile {
    pub format_version: u32,
    pub document: DocumentMeta,
    #[serde(default)]
    pub annotations: Vec<Annotation>,
    /// Unresolved merge conflicts about this document and its annotations.
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
}

/// A document's annotation file, as written.
#[derive(Serialize)]
pub(crate) struct DocumentFileOut<'a> {
    pub format_version: u32,
    pub document: &'a DocumentMeta,
    pub annotations: Vec<&'a Annotation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<&'a Conflict>,
}

/// Only the version, to tell "newer format" from "malformed" when a full parse fails.
#[derive(Deserialize)]
pub(crate) struct VersionProbe {
    pub format_version: u32,
}

/// The annotation file path for a document: beside its source, or under `annotations/`
/// for documents without a transcription.
pub fn doc_file_for(meta: &DocumentMeta) -> RelPath {
    match &meta.source {
        Some(src) => src.path.with_suffix(DOC_SUFFIX),
        #[allow(clippy::expect_used)]
        None => RelPath::parse(&format!("annotations/{}{DOC_SUFFIX}", meta.id))
            .expect("a UUID forms a valid relative path"),
    }
}

/// The RON style every file is written in. Strings are written raw by RON and then
/// escaped by [`escape_for_file`].
pub(crate) fn pretty() -> ron::ser::PrettyConfig {
    ron::ser::PrettyConfig::new()
        .new_line("\n")
        .indentor("    ")
        .struct_names(false)
        .escape_strings(false)
        .separate_tuple_members(false)
        .compact_arrays(false)
        .depth_limit(4)
}

/// Whether `c` must be escaped in a saved string: control characters (`\r`, NUL, …),
/// and invisible or layout-changing ones (bidi controls, zero-width characters, BOM, line
/// separators, unassigned code points). Every other character, in every script, including
/// combining marks, stays as typed so files read well in diffs.
fn must_escape(c: char) -> bool {
    match c {
        '"' | '\\' => true,
        ' '..='~' => false,
        '\u{0}'..='\u{1f}' | '\u{7f}' => true,
        // Common printable blocks, to skip the general check: Latin-1 letters, Latin
        // Extended, combining diacritics, Greek, Cyrillic, CJK, Hangul.
        '\u{c0}'..='\u{2ff}'
        | '\u{300}'..='\u{36f}'
        | '\u{370}'..='\u{52f}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{ac00}'..='\u{d7a3}' => false,
        _ => {
            // `str::escape_debug` escapes non-printable characters anywhere, and combining
            // marks only at the start, so this asks "printable?" for marks too.
            let mut probe = String::with_capacity(5);
            probe.push('a');
            probe.push(c);
            !probe.escape_debug().eq(probe.chars())
        }
    }
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => {
            use std::fmt::Write;
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

/// Writes string content escaped as needed, as a `"…"` string.
fn push_string(out: &mut String, content: &str) {
    out.push('"');
    if content
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    {
        out.push_str(content);
    } else {
        let mut run = 0;
        for (i, c) in content.char_indices() {
            if must_escape(c) {
                out.push_str(&content[run..i]);
                push_escaped(out, c);
                run = i + c.len_utf8();
            }
        }
        out.push_str(&content[run..]);
    }
    out.push('"');
}

/// Rewrites RON written with `escape_strings(false)` so the file holds no raw control or
/// invisible characters: every string, raw (`r#"…"#`) or plain, becomes a plain `"…"`
/// string escaped by [`must_escape`]; char literals get the same treatment.
///
/// Relies on the shape of RON's output for our types: outside strings and chars there is
/// no `"`, `'` or `\`, and `r` directly before `"` or `#` only starts a raw string (field
/// and variant names are never raw identifiers); a plain string holds no `"` or `\`.
pub(crate) fn escape_for_file(ron: &str) -> String {
    let b = ron.as_bytes();
    let mut out = String::with_capacity(ron.len() + ron.len() / 16);
    let mut run = 0; // start of text not yet copied
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i + 1;
                let end = start + ron[start..].find('"').unwrap_or(ron.len() - start);
                out.push_str(&ron[run..i]);
                push_string(&mut out, &ron[start..end]);
                i = end + 1;
                run = i.min(b.len());
            }
            b'r' if matches!(b.get(i + 1), Some(b'#' | b'"')) => {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                let start = i + 1 + hashes + 1;
                let mut close = String::from("\"");
                close.push_str(&"#".repeat(hashes));
                let end = start + ron[start..].find(&close).unwrap_or(ron.len() - start);
                out.push_str(&ron[run..i]);
                push_string(&mut out, &ron[start..end]);
                i = (end + close.len()).min(b.len());
                run = i;
            }
            b'\'' => {
                // RON writes a char literal as `'c'`, or `'\\'` / `'\''`.
                let rest = &ron[i + 1..];
                let (c, len) = match rest.strip_prefix('\\') {
                    Some(r) => (
                        r.chars().next(),
                        1 + r.chars().next().map_or(0, char::len_utf8),
                    ),
                    None => (
                        rest.chars().next(),
                        rest.chars().next().map_or(0, char::len_utf8),
                    ),
                };
                out.push_str(&ron[run..i]);
                out.push('\'');
                match c {
                    Some('\'') => out.push_str("\\'"),
                    Some('"') => out.push('"'),
                    Some(c) if must_escape(c) => push_escaped(&mut out, c),
                    Some(c) => out.push(c),
                    None => {}
                }
                out.push('\'');
                i = (i + 1 + len + 1).min(b.len());
                run = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&ron[run..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AttrValue, Slug, schema::EntityType};

    fn write<T: Serialize>(v: &T) -> String {
        escape_for_file(&ron::ser::to_string_pretty(v, pretty()).unwrap())
    }

    fn read<T: serde::de::DeserializeOwned>(s: &str) -> T {
        ron::Options::default().from_str(s).unwrap()
    }

    proptest::proptest! {
        /// The contract `escape_for_file` keeps with the pinned `ron` (Cargo.toml pins the
        /// exact version): for any strings and chars, the rewritten file parses back to the
        /// same value and holds no raw control or invisible character. A `ron` release that
        /// changes its output shape fails here before it can corrupt a file.
        #[test]
        fn any_string_or_char_round_trips_escaped(
            texts in proptest::collection::vec(proptest::prelude::any::<String>(), 0..4),
            chars in proptest::collection::vec(proptest::prelude::any::<char>(), 0..4),
        ) {
            let value = (texts.clone(), chars.clone(), std::collections::BTreeMap::from([(texts.concat(), chars.iter().collect::<String>())]));
            let file = write(&value);
            proptest::prop_assert!(
                !file.chars().any(|c| !matches!(c, '\n' | '"' | '\\') && must_escape(c)),
                "raw character left in {file:?}"
            );
            let back: (Vec<String>, Vec<char>, std::collections::BTreeMap<String, String>) =
                ron::from_str(&file).map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{e}: {file}")))?;
            proptest::prop_assert_eq!(back, value);
        }
    }

    /// Regression: with RON's raw strings, a note holding `\r` or NUL went into the file as is
    /// (breaking "LF only" and making git see a binary file).
    #[test]
    fn control_characters_are_escaped() {
        let note = "line\r\nnext\0end\u{1b}[31m\u{2028}\u{202e}\u{feff}\u{85}\t".to_owned();
        let out = write(&note);
        assert!(out.is_ascii(), "{out}");
        assert!(!out.contains('\r') && !out.contains('\n'), "{out}");
        assert_eq!(read::<String>(&out), note);
    }

    /// Regression: quotes, backslashes and `"#` sequences, which raw strings had to fence.
    #[test]
    fn quotes_backslashes_and_hashes_survive() {
        for s in [
            "\"#",
            "r#\"x\"#",
            "\"##\"###",
            "\\",
            "a\\\"b",
            "'",
            "\\'",
            "\\u{301}",
            "#\"",
            "\"",
            "ends with \\",
        ] {
            let out = write(&s.to_owned());
            assert_eq!(read::<String>(&out), s, "{out}");
        }
    }

    #[test]
    fn scripts_and_combining_marks_stay_readable() {
        let s = "Ли Кэ-нун 李克农 김일성 re\u{301}sume\u{301} \u{301}start 😀 Cde.'s".to_owned();
        let out = write(&s);
        assert_eq!(out, format!("\"{s}\""));
        assert_eq!(read::<String>(&out), s);
        // Zero-width joiners are invisible, so they are escaped.
        let family = "👨\u{200d}👩".to_owned();
        let out = write(&family);
        assert_eq!(out, "\"👨\\u{200d}👩\"");
        assert_eq!(read::<String>(&out), family);
    }

    #[test]
    fn char_literals_survive() {
        for c in [
            'p', '\'', '\\', '"', '\r', '\n', '\0', '\u{301}', '\u{202e}', 'Ж', '😀',
        ] {
            let t = EntityType {
                id: Slug::new("x"),
                label: String::new(),
                color: String::new(),
                hotkey: Some(c),
                dated: false,
                description: String::new(),
            };
            let out = write(&t);
            assert!(!out.contains('\r') && !out.contains('\0'), "{out:?}");
            assert_eq!(read::<EntityType>(&out), t, "{out}");
        }
    }

    #[test]
    fn text_attribute_with_escapes_round_trips() {
        let v = AttrValue::Text("say \"hi\"\r\n\\".into());
        assert_eq!(read::<AttrValue>(&write(&v)), v);
    }
}
