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
//! annotation is a small diff.

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
}

/// The project file, as written (borrowing from the model).
#[derive(Serialize)]
pub(crate) struct ProjectFileOut<'a> {
    pub format_version: u32,
    pub info: &'a ProjectInfo,
    pub schema: &'a Schema,
    pub registry: Vec<&'a Entry>,
    pub documents: Vec<&'a DocRef>,
}

/// A document's annotation file, as read.
#[derive(Debug, Deserialize)]
pub struct DocumentFile {
    pub format_version: u32,
    pub document: DocumentMeta,
    #[serde(default)]
    pub annotations: Vec<Annotation>,
}

/// A document's annotation file, as written.
#[derive(Serialize)]
pub(crate) struct DocumentFileOut<'a> {
    pub format_version: u32,
    pub document: &'a DocumentMeta,
    pub annotations: Vec<&'a Annotation>,
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

/// The RON style every file is written in. Strings are escaped (so a note holding `\r`,
/// NUL or a bidi control cannot put it raw into the file); [`tidy_escapes`] then undoes the
/// escapes a reader does not need.
pub(crate) fn pretty() -> ron::ser::PrettyConfig {
    ron::ser::PrettyConfig::new()
        .new_line("\n")
        .indentor("    ")
        .struct_names(false)
        .escape_strings(true)
        .separate_tuple_members(false)
        .compact_arrays(false)
}

/// Whether `c` may stand unescaped inside a string: printable, and escaped by RON's writer
/// only because it is a combining mark (`\u{301}`) or a single quote.
fn readable_unescaped(c: char) -> bool {
    if c == '\'' {
        return true;
    }
    let mut buf = [0u8; 8];
    buf[0] = b'a';
    let s = &*c.encode_utf8(&mut buf[1..]);
    // `str::escape_debug` escapes combining marks only at the start of a string.
    let mut probe = String::with_capacity(5);
    probe.push('a');
    probe.push_str(s);
    probe.escape_debug().eq(probe.chars())
}

/// Makes RON written with `escape_strings(true)` readable again without losing safety:
/// inside strings, `\'` and escapes of printable combining marks become the characters
/// themselves; escapes of control, format (bidi, zero-width, BOM), separator and unassigned
/// characters stay. Char literals, which RON writes raw, get the same escaping.
///
/// Relies on the shape of RON's escaped output: outside strings and chars there is no `"`,
/// `'` or `\`, and inside strings every `\` starts an escape.
pub(crate) fn tidy_escapes(ron: String) -> String {
    if !ron.contains('\\') && !ron.contains('\'') {
        return ron;
    }
    let mut out = String::with_capacity(ron.len());
    let mut chars = ron.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                while let Some(c) = chars.next() {
                    match c {
                        '"' => {
                            out.push('"');
                            break;
                        }
                        '\\' => match chars.next() {
                            Some('\'') => out.push('\''),
                            Some('u') => {
                                let mut hex = String::new();
                                for h in chars.by_ref() {
                                    if h == '}' {
                                        break;
                                    }
                                    if h != '{' {
                                        hex.push(h);
                                    }
                                }
                                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                                    Some(ch) if readable_unescaped(ch) => out.push(ch),
                                    _ => {
                                        out.push_str("\\u{");
                                        out.push_str(&hex);
                                        out.push('}');
                                    }
                                }
                            }
                            Some(other) => {
                                out.push('\\');
                                out.push(other);
                            }
                            None => out.push('\\'),
                        },
                        c => out.push(c),
                    }
                }
            }
            '\'' => {
                // RON writes a char literal as `'c'`, or `'\\'` / `'\''`.
                let ch = match chars.next() {
                    Some('\\') => chars.next(),
                    other => other,
                };
                if chars.peek() == Some(&'\'') {
                    chars.next();
                }
                match ch {
                    Some(ch @ ('\\' | '\'')) => {
                        out.push_str("'\\");
                        out.push(ch);
                        out.push('\'');
                    }
                    Some(ch) if ch.escape_debug().eq(std::iter::once(ch)) => {
                        out.push('\'');
                        out.push(ch);
                        out.push('\'');
                    }
                    Some(ch) => out.push_str(&format!("'\\u{{{:x}}}'", u32::from(ch))),
                    None => out.push('\''),
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AttrValue, Slug, schema::EntityType};

    fn write<T: Serialize>(v: &T) -> String {
        tidy_escapes(ron::ser::to_string_pretty(v, pretty()).unwrap())
    }

    fn read<T: serde::de::DeserializeOwned>(s: &str) -> T {
        ron::Options::default().from_str(s).unwrap()
    }

    /// Regression: with raw strings, a note holding `\r` or NUL went into the file as is
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
            "\"#", "r#\"x\"#", "\"##\"###", "\\", "a\\\"b", "'", "\\'", "\\u{301}", "#\"",
            "\"", "ends with \\",
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
        // Zero-width joiners are invisible, so they stay escaped.
        let family = "👨\u{200d}👩".to_owned();
        let out = write(&family);
        assert_eq!(out, "\"👨\\u{200d}👩\"");
        assert_eq!(read::<String>(&out), family);
    }

    #[test]
    fn char_literals_survive() {
        for c in ['p', '\'', '\\', '"', '\r', '\n', '\0', '\u{301}', '\u{202e}', 'Ж', '😀'] {
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
