//! What every interchange format shares: the attribute-text codec, file naming (document
//! stems, unique names, safe names for anything taken from imported content), the anchor
//! check before writing, entity labels, and the one folder walker every importer reads
//! through ([`SourceTree`]); [`xml`] escapes text for hand-written XML, [`table`] builds
//! spreadsheet tables.

pub mod table;
pub mod xml;

use super::import::ImportError;
use crate::model::schema::{AttrKind, AttributeDef, Schema};
use crate::model::{AttrValue, Document, NormalizedDate, RelPath, Slug};
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------
// Attribute values and dates as text.

/// A date as an ISO 8601 value or interval (`..` for an open end).
pub fn date_value(d: &NormalizedDate) -> String {
    match (&d.when, &d.not_before, &d.not_after) {
        (Some(w), _, _) => w.clone(),
        (None, a, b) => format!(
            "{}/{}",
            a.as_deref().unwrap_or(".."),
            b.as_deref().unwrap_or("..")
        ),
    }
}

/// Reads a [`date_value`] back; `None` unless it is valid ISO 8601.
pub fn parse_date_value(v: &str) -> Option<NormalizedDate> {
    let d = match v.split_once('/') {
        Some((a, b)) => NormalizedDate {
            when: None,
            not_before: (a != "..").then(|| a.to_owned()),
            not_after: (b != "..").then(|| b.to_owned()),
        },
        None => NormalizedDate::when(v),
    };
    d.validate().ok().map(|()| d)
}

/// An attribute value as (kind, text): `choice`, `text`, `number`, `yes-no`, `date`.
pub fn attr_to_text(v: &AttrValue) -> (&'static str, String) {
    match v {
        AttrValue::Choice(s) => ("choice", s.clone()),
        AttrValue::Text(s) => ("text", s.clone()),
        AttrValue::Number(n) => ("number", n.to_string()),
        AttrValue::YesNo(b) => ("yes-no", if *b { "yes" } else { "no" }.to_owned()),
        AttrValue::Date(d) => ("date", date_value(d)),
    }
}

/// Reads [`attr_to_text`] back.
pub fn attr_from_text(kind: &str, s: &str) -> Option<AttrValue> {
    Some(match kind {
        "choice" => AttrValue::Choice(s.to_owned()),
        "text" => AttrValue::Text(s.to_owned()),
        "number" => AttrValue::Number(s.trim().parse().ok()?),
        "yes-no" => AttrValue::YesNo(match s.trim() {
            "yes" => true,
            "no" => false,
            _ => return None,
        }),
        "date" => AttrValue::Date(parse_date_value(s.trim())?),
        _ => return None,
    })
}

/// The kind name [`attr_to_text`] uses for a schema attribute kind.
pub fn kind_name(k: &AttrKind) -> &'static str {
    match k {
        AttrKind::Choice(_) => "choice",
        AttrKind::Text => "text",
        AttrKind::Number => "number",
        AttrKind::YesNo => "yes-no",
        AttrKind::Date => "date",
    }
}

/// Makes `schema` accept attribute `attr` = `value` on an annotation of type `type_id`, as
/// an import keeps every value it reads: adds the attribute (of the value's kind, for that
/// type) when the schema has none, the type to the types it applies to, and a choice
/// value to its options. A value of another kind than the attribute's is left for
/// validation to report.
pub fn admit_attribute(schema: &mut Schema, type_id: &Slug, attr: &Slug, value: &AttrValue) {
    let Some(def) = schema.attributes.iter_mut().find(|d| &d.id == attr) else {
        schema.attributes.push(AttributeDef {
            id: attr.clone(),
            label: attr.as_str().replace('_', " "),
            kind: match value {
                AttrValue::Choice(c) => AttrKind::Choice(vec![c.clone()]),
                AttrValue::Text(_) => AttrKind::Text,
                AttrValue::Number(_) => AttrKind::Number,
                AttrValue::YesNo(_) => AttrKind::YesNo,
                AttrValue::Date(_) => AttrKind::Date,
            },
            applies_to: vec![type_id.clone()],
        });
        return;
    };
    if !def.applies_to.is_empty() && !def.applies_to.contains(type_id) {
        def.applies_to.push(type_id.clone());
    }
    if let (AttrKind::Choice(options), AttrValue::Choice(c)) = (&mut def.kind, value)
        && !options.contains(c)
    {
        options.push(c.clone());
    }
}

/// The tag label for an entity type: `PER`, `ORG`, `LOC` for person, organization and
/// place (as CoNLL-2003 names them), else the type id in capitals (`DATE`, `DOCREF`).
pub fn ner_label(type_id: &Slug) -> String {
    match type_id.as_str() {
        "person" => "PER".to_owned(),
        "organization" => "ORG".to_owned(),
        "place" => "LOC".to_owned(),
        other => other.to_ascii_uppercase(),
    }
}

// ---------------------------------------------------------------------------------------
// Anchors.

/// Refuses a document whose anchors fall outside its text (missing or changed source):
/// exporting it would lose or misplace those annotations.
pub fn check_anchors(doc: &Document) -> Result<(), String> {
    let len = doc.text_or_empty().len_chars();
    for a in doc.annotations.values() {
        if let Some(an) = a.anchor()
            && an.extent().end > len
        {
            return Err(format!(
                "annotation {} ends at {} but the text has {len} characters{}",
                a.id,
                an.extent().end,
                if doc.text.is_none() {
                    " (its source could not be read)"
                } else {
                    ""
                }
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// File names.

/// The file stem for a document: its source path without extension, else its id.
pub fn doc_file_stem(doc: &Document) -> String {
    match &doc.meta.source {
        Some(src) => {
            let p = src.path.as_str();
            let file = src.path.file_name();
            match file.rfind('.') {
                Some(dot) if dot > 0 => p[..p.len() - (file.len() - dot)].to_owned(),
                _ => p.to_owned(),
            }
        }
        None => doc.meta.id.to_string(),
    }
}

/// `stem.ext`, or `stem-2.ext` … when already used.
pub fn unique_name(stem: &str, ext: &str, used: &mut HashSet<String>) -> String {
    // The last part is cut to a length every file system takes, with room for "-k.ext".
    let (dir, last) = stem.rsplit_once('/').map_or(("", stem), |(d, l)| (d, l));
    let last = truncate_bytes(last, MAX_STEM_BYTES);
    let stem = if dir.is_empty() {
        last.to_owned()
    } else {
        format!("{dir}/{last}")
    };
    let mut name = format!("{stem}.{ext}");
    let mut k = 2;
    while !used.insert(name.clone()) {
        name = format!("{stem}-{k}.{ext}");
        k += 1;
    }
    name
}

/// The longest file-name stem made from imported content, in bytes: file systems take 255
/// bytes per name, and a stem gets a number and an extension added.
pub const MAX_STEM_BYTES: usize = 200;

/// The longest start of `s` of at most `max` bytes that ends on a character boundary.
fn truncate_bytes(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A file name made of the letters, digits, `-` and `_` of `name` (others become `-`,
/// trimmed at the ends, cut to [`MAX_STEM_BYTES`]), or `fallback` when none is left. Never a
/// path, never hidden.
pub fn slug_name(name: &str, fallback: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let s = truncate_bytes(s.trim_matches('-'), MAX_STEM_BYTES).trim_end_matches('-');
    if s.is_empty() {
        fallback.to_owned()
    } else {
        s.to_owned()
    }
}

/// A project file name's stem for a project called `name`.
pub fn slug_file_name(name: &str) -> String {
    slug_name(name, "project")
}

/// `dir` joined with the `/`-separated relative path `rel`, refused (with the reason) unless
/// `rel` is a [`RelPath`]: relative, no `..`, no empty or `.` part, no drive or backslash.
/// The result is always inside `dir`.
pub fn join_inside(dir: &Path, rel: &str) -> Result<PathBuf, String> {
    RelPath::parse(rel)
        .map(|r| r.to_native(dir))
        .map_err(|e| format!("{e} (writing inside {})", dir.display()))
}

// ---------------------------------------------------------------------------------------
// Reading folders.

/// The regular files of a folder an importer may read: found once by one walker, hidden
/// entries (names starting with `.`) skipped, symbolic links followed only where they
/// resolve inside the folder, link loops and dangling links skipped, FIFOs, sockets and
/// devices never listed. Importers read companions (`.ann`, `annotation.conf`,
/// `registry.json`) only when the tree lists them.
#[derive(Clone, Debug)]
pub struct SourceTree {
    root: PathBuf,
    files: BTreeSet<PathBuf>,
}

impl SourceTree {
    /// Every regular file under folder `root`, at any depth.
    pub fn scan(root: &Path) -> Result<Self, ImportError> {
        Self::walk(root, usize::MAX)
    }

    /// The regular files directly in folder `root`.
    pub fn scan_shallow(root: &Path) -> Result<Self, ImportError> {
        Self::walk(root, 1)
    }

    /// The regular files of folder `root` and of the folders at most `depth - 1` below it.
    pub fn scan_depth(root: &Path, depth: usize) -> Result<Self, ImportError> {
        Self::walk(root, depth)
    }

    fn walk(root: &Path, max_depth: usize) -> Result<Self, ImportError> {
        let canonical = root
            .canonicalize()
            .map_err(|e| ImportError::io("read folder", root, e))?;
        if !canonical.is_dir() {
            return Err(ImportError::Invalid {
                path: root.to_path_buf(),
                message: "not a folder".into(),
            });
        }
        let mut files = BTreeSet::new();
        let walker = walkdir::WalkDir::new(root)
            .follow_links(true)
            .max_depth(max_depth)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0 || (!is_hidden(e.path()) && resolves_inside(&canonical, e))
            });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    // A link that loops or points nowhere is not followed.
                    if err.loop_ancestor().is_some() || err.path().is_some_and(is_symlink) {
                        continue;
                    }
                    let path = err.path().unwrap_or(root).to_path_buf();
                    let io = err
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("cannot walk the folder"));
                    return Err(ImportError::io("read folder", path, io));
                }
            };
            if entry.file_type().is_file() {
                files.insert(entry.into_path());
            }
        }
        Ok(Self {
            root: root.to_path_buf(),
            files,
        })
    }

    /// The folder walked.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The files, sorted by path.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(PathBuf::as_path)
    }

    /// Whether `path` (as the tree spells it: root joined with the relative path) is one of
    /// the files.
    pub fn contains(&self, path: &Path) -> bool {
        self.files.contains(path)
    }

    /// The files whose extension is one of `exts` (ASCII case ignored).
    pub fn with_extension(&self, exts: &[&str]) -> Vec<PathBuf> {
        self.files()
            .filter(|p| has_extension(p, exts))
            .map(Path::to_path_buf)
            .collect()
    }

    /// `path` relative to the root, `/`-separated.
    pub fn rel(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// `dir/name`, or the same in the nearest parent folder that has it, looking no higher
    /// than the root.
    pub fn nearest(&self, dir: &Path, name: &str) -> Option<PathBuf> {
        dir.ancestors()
            .take_while(|d| d.starts_with(&self.root))
            .map(|d| d.join(name))
            .find(|p| self.contains(p))
    }
}

/// Whether `p` ends in one of `exts` (ASCII case ignored).
pub fn has_extension(p: &Path, exts: &[&str]) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| exts.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

fn is_hidden(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

fn is_symlink(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
}

/// Whether a walked entry is no link, or a link that resolves inside `canonical_root`.
fn resolves_inside(canonical_root: &Path, e: &walkdir::DirEntry) -> bool {
    !e.path_is_symlink()
        || e.path()
            .canonicalize()
            .is_ok_and(|real| real.starts_with(canonical_root))
}

/// The extensions a transcription may have (any case): `.txt` and `.md`.
pub const SOURCE_EXTENSIONS: &[&str] = &["txt", "md"];

/// The text sources (`.txt` and `.md`, any case) under `dir`, sorted: what a plain-text
/// import and a new project made from a folder take as documents. Reads through
/// [`SourceTree`], so links out of `dir`, loops and special files are never listed.
pub fn collect_sources(dir: &Path) -> Result<Vec<PathBuf>, ImportError> {
    Ok(SourceTree::scan(dir)?.with_extension(SOURCE_EXTENSIONS))
}

/// Copies the source text `file` of `tree` to the same relative path under `staging` and
/// returns the copy's path. The text is checked to be one the project can load, and the
/// path to stay inside `staging`, before anything is created.
pub fn copy_into(tree: &SourceTree, file: &Path, staging: &Path) -> Result<PathBuf, ImportError> {
    copy_checked(tree, file, staging, check_source_bytes)
}

/// Copies `file` of `tree` (a page image, or any other file that is not a source text) to
/// the same relative path under `staging`, the path checked as in [`copy_into`].
pub fn copy_file_into(
    tree: &SourceTree,
    file: &Path,
    staging: &Path,
) -> Result<PathBuf, ImportError> {
    copy_checked(tree, file, staging, |_, _| Ok(()))
}

fn copy_checked(
    tree: &SourceTree,
    file: &Path,
    staging: &Path,
    check: impl Fn(&[u8], &Path) -> Result<(), ImportError>,
) -> Result<PathBuf, ImportError> {
    let rel = tree.rel(file);
    let dest = join_inside(staging, &rel).map_err(|message| ImportError::Invalid {
        path: file.to_path_buf(),
        message,
    })?;
    let bytes = read_regular(file)?;
    check(&bytes, file)?;
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent).map_err(|e| ImportError::io("create folder", parent, e))?;
    }
    std::fs::write(&dest, bytes).map_err(|e| ImportError::io("write", &dest, e))?;
    Ok(dest)
}

/// Refuses, naming the imported `file`, a source text that the project could not load:
/// over the size limit, or not UTF-8. (Checked before copying, so that the error does not
/// name the copy in the staging folder, which is removed.)
fn check_source_bytes(bytes: &[u8], file: &Path) -> Result<(), ImportError> {
    let limit = crate::store::Limits::default().max_source_bytes;
    if bytes.len() as u64 > limit {
        return Err(ImportError::Invalid {
            path: file.to_path_buf(),
            message: format!(
                "the text takes {} bytes, over the limit of {limit} bytes a source may have",
                bytes.len()
            ),
        });
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        let offset = e.valid_up_to();
        return Err(ImportError::Syntax {
            path: file.to_path_buf(),
            line: bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1,
            message: format!("invalid UTF-8 at byte offset {offset}"),
        });
    }
    Ok(())
}

/// Reads a file that must be a regular file (a FIFO or device is refused, never opened).
pub fn read_regular(path: &Path) -> Result<Vec<u8>, ImportError> {
    let meta = std::fs::metadata(path).map_err(|e| ImportError::io("read", path, e))?;
    if !meta.is_file() {
        return Err(ImportError::Invalid {
            path: path.to_path_buf(),
            message: "not a regular file".into(),
        });
    }
    std::fs::read(path).map_err(|e| ImportError::io("read", path, e))
}

/// [`read_regular`] as UTF-8; invalid UTF-8 is an error naming the line.
pub fn read_regular_text(path: &Path) -> Result<String, ImportError> {
    let bytes = read_regular(path)?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        ImportError::Syntax {
            path: path.to_path_buf(),
            line,
            message: "invalid UTF-8".into(),
        }
    })
}

// ---------------------------------------------------------------------------------------
// Authority ids from URIs (TEI @ref/idno, W3C identifying bodies).

/// The identity key of an authority id: the scheme and id, or the URL without its protocol.
pub fn authority_key(a: &crate::model::AuthorityId) -> String {
    match &a.scheme {
        crate::model::registry::Authority::Other(_) => {
            let u = a.id.trim().trim_end_matches('/');
            let u = u
                .strip_prefix("https://")
                .or_else(|| u.strip_prefix("http://"))
                .unwrap_or(u);
            format!("url:{}", u.strip_prefix("www.").unwrap_or(u))
        }
        s => format!("{}:{}", s.as_str(), a.id.trim()),
    }
}

/// An authority id from a URI: GND, Wikidata, VIAF, GeoNames and LCNAF URIs become their
/// scheme and bare id; any other URL is kept whole under `scheme` (the `idno`'s subtype or
/// type, "url" when it has none).
pub fn authority_from_url(url: &str, scheme: &str) -> crate::model::AuthorityId {
    let u = url.trim();
    let bare = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"))
        .unwrap_or(u);
    let bare = bare.strip_prefix("www.").unwrap_or(bare);
    let known = [
        ("d-nb.info/gnd/", crate::model::registry::Authority::Gnd),
        (
            "wikidata.org/entity/",
            crate::model::registry::Authority::Wikidata,
        ),
        (
            "wikidata.org/wiki/",
            crate::model::registry::Authority::Wikidata,
        ),
        ("viaf.org/viaf/", crate::model::registry::Authority::Viaf),
        ("geonames.org/", crate::model::registry::Authority::GeoNames),
        (
            "sws.geonames.org/",
            crate::model::registry::Authority::GeoNames,
        ),
        (
            "id.loc.gov/authorities/names/",
            crate::model::registry::Authority::Lcnaf,
        ),
    ];
    for (prefix, scheme) in known {
        if let Some(id) = bare.strip_prefix(prefix) {
            let id = id.trim_end_matches('/').split('/').next().unwrap_or(id);
            let id = id.trim_end_matches(".html");
            if !id.is_empty() {
                return crate::model::AuthorityId {
                    scheme,
                    id: id.to_owned(),
                };
            }
        }
    }
    let scheme = if scheme.is_empty() || scheme.eq_ignore_ascii_case("url") {
        "url"
    } else {
        scheme
    };
    crate::model::AuthorityId {
        scheme: crate::model::registry::Authority::Other(scheme.to_owned()),
        id: u.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_values() {
        assert_eq!(
            date_value(&NormalizedDate::when("1951-07-11")),
            "1951-07-11"
        );
        assert_eq!(
            date_value(&NormalizedDate::range("1951-07-10", "1951-07-12")),
            "1951-07-10/1951-07-12"
        );
        let open = NormalizedDate {
            not_before: Some("1951".into()),
            ..NormalizedDate::default()
        };
        assert_eq!(date_value(&open), "1951/..");
    }

    #[test]
    fn date_values_parse() {
        assert_eq!(
            parse_date_value("1951-07-10/.."),
            Some(NormalizedDate {
                not_before: Some("1951-07-10".into()),
                ..NormalizedDate::default()
            })
        );
        assert_eq!(
            parse_date_value("1951-07-11T00:00"),
            Some(NormalizedDate::when("1951-07-11T00:00"))
        );
        assert_eq!(parse_date_value("soon"), None);
    }

    #[test]
    fn attribute_values_round_trip() {
        for v in [
            AttrValue::Choice("accepted".into()),
            AttrValue::Text("Major = rank".into()),
            AttrValue::Number(120.0),
            AttrValue::Number(-2.5),
            AttrValue::YesNo(true),
            AttrValue::Date(NormalizedDate::range("1951-07-10", "1951-07-12")),
        ] {
            let (k, s) = attr_to_text(&v);
            assert_eq!(attr_from_text(k, &s), Some(v));
        }
        assert_eq!(attr_from_text("number", "many"), None);
    }

    #[test]
    fn imported_attribute_values_are_admitted_by_the_schema() {
        let mut schema = Schema::default();
        let (place, person) = (Slug::new("place"), Slug::new("person"));
        let status = Slug::new("status");
        admit_attribute(&mut schema, &place, &status, &AttrValue::Choice("a".into()));
        admit_attribute(
            &mut schema,
            &person,
            &status,
            &AttrValue::Choice("b".into()),
        );
        let def = schema.attribute(&status).unwrap();
        assert_eq!(def.kind, AttrKind::Choice(vec!["a".into(), "b".into()]));
        assert_eq!(def.applies_to, vec![place, person]);
    }

    #[test]
    fn names_from_content_stay_plain() {
        assert_eq!(slug_name("x/../../etc/notes", "doc"), "x-------etc-notes");
        assert_eq!(slug_name("..", "doc"), "doc");
        assert_eq!(slug_name("d12", "doc"), "d12");
        assert_eq!(slug_name("Ким Ир Сен", "doc"), "Ким-Ир-Сен");
        // Cut to a length file systems take, on a character boundary, never ending in '-'.
        let long = slug_name(&"Ким-".repeat(100), "doc");
        assert!(
            long.len() <= MAX_STEM_BYTES && long.starts_with("Ким-Ким"),
            "{long}"
        );
        assert!(!long.ends_with('-'));
        let mut used = HashSet::new();
        let a = unique_name(&format!("sub/{}", "x".repeat(300)), "txt", &mut used);
        let b = unique_name(&format!("sub/{}y", "x".repeat(300)), "txt", &mut used);
        assert_eq!(a, format!("sub/{}.txt", "x".repeat(MAX_STEM_BYTES)));
        assert_eq!(b, format!("sub/{}-2.txt", "x".repeat(MAX_STEM_BYTES)));
        let dir = Path::new("/out");
        assert_eq!(
            join_inside(dir, "a/b.txt").unwrap(),
            Path::new("/out/a/b.txt")
        );
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "a//b",
            "./a",
            "a\\..\\b",
            "",
            "c:x",
        ] {
            assert!(join_inside(dir, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sources_are_txt_and_md_in_any_case_and_not_hidden() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("sub/.git")).unwrap();
        for f in [
            "a.txt",
            "B.TXT",
            "sub/c.md",
            "sub/d.pdf",
            ".e.txt",
            "sub/.git/f.txt",
        ] {
            std::fs::write(root.join(f), "x").unwrap();
        }
        let found: Vec<PathBuf> = collect_sources(root).unwrap();
        let rel: Vec<&Path> = found
            .iter()
            .map(|p| p.strip_prefix(root).unwrap())
            .collect();
        assert_eq!(
            rel,
            [
                Path::new("B.TXT"),
                Path::new("a.txt"),
                Path::new("sub/c.md")
            ]
        );
    }

    #[test]
    fn nearest_stops_at_the_root() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("annotation.conf"), "").unwrap();
        let root = tmp.path().join("in");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/a.txt"), "").unwrap();
        let tree = SourceTree::scan(&root).unwrap();
        assert_eq!(tree.nearest(&root.join("sub"), "annotation.conf"), None);
        assert_eq!(tree.files().count(), 1);
        std::fs::write(root.join("annotation.conf"), "").unwrap();
        let tree = SourceTree::scan(&root).unwrap();
        assert_eq!(
            tree.nearest(&root.join("sub"), "annotation.conf"),
            Some(root.join("annotation.conf"))
        );
    }

    #[test]
    fn a_source_text_that_is_not_utf8_is_refused_naming_the_imported_file() {
        let src = tempfile::tempdir().unwrap();
        let staging = tempfile::tempdir().unwrap();
        let file = src.path().join("a.txt");
        std::fs::write(&file, b"line one\nline \xff two\n").unwrap();
        let tree = SourceTree::scan(src.path()).unwrap();
        let err = copy_into(&tree, &file, staging.path()).unwrap_err();
        let ImportError::Syntax { path, line, .. } = &err else {
            panic!("{err}");
        };
        assert_eq!((path, *line), (&file, 2), "{err}");
        assert!(err.to_string().contains("byte offset 14"), "{err}");
        assert!(!staging.path().join("a.txt").exists());
    }
}
