//! Page layouts from OCR and HTR engines, whatever format they came in (PAGE XML, ALTO,
//! hOCR): pages of regions of lines with their places on a page image, and how such a book
//! becomes a document. Each format's reader (`page`, `alto`, `hocr`) fills a [`Book`];
//! [`Builder::add_book`] turns it into a document:
//!
//! - the text: each region's lines joined with `\n` exactly as the engine gives them
//!   (hyphens and all), regions separated by a blank line, pages likewise, with a page
//!   break (`n` = the page label where the source has one, `facs` = the image's file name)
//!   at the start of each page;
//! - the page images, one per page, copied into the project (or reported missing);
//! - each line (type `text_line`) and each region (`text_region`, or `graphic_region` for
//!   a region without text) a region mention on its page image whose anchor is its text, so
//!   selecting a line on the scan selects its words and the reverse; the engine's
//!   confidence as attribute `confidence`, word confidences as `word_confidence`, the
//!   element's id in the file as `layout_id`, the region's kind (`heading`, `marginalia` …)
//!   as `region_type`;
//! - tags within lines (Transkribus `custom` tags, ALTO named-entity tags) and typographic
//!   emphasis (PAGE/ALTO `TextStyle`) as mentions of their types;
//! - whatever the readers met and could not keep, counted by kind in a [`NotKept`] report.
//!
//! Where the files come from is shared too: [`import_layout`] reads a file, a METS file or a
//! folder (every METS in it is a book; other files are a document per page or per folder,
//! [`Group`]).

use super::common::xml::El;
use super::common::{SourceTree, admit_attribute, copy_file_into, join_inside, unique_name};
use super::import::{ImportContext, ImportError, Importer};
use crate::facsimile;
use crate::model::region::{PageRegion, Shape};
use crate::model::schema::EntityType;
use crate::model::{
    AnnId, Annotation, ArchivalMeta, AttrValue, Body, DocStatus, Document, Mention, NormalizedDate,
    PageBreak, Project, RelPath, Slug, SourceText, TextAnchor,
};
use crate::store;
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------
// What the readers fill.

/// A document to be: pages in order, from one file, a METS file or a folder.
#[derive(Clone, Debug, Default)]
pub struct Book {
    pub title: String,
    /// The file or folder it was read from (named in reports and errors).
    pub origin: PathBuf,
    /// Where its text goes in the project, without extension (`OCR-D-GT-PAGE/PAGE_0017`).
    pub stem: String,
    pub pages: Vec<LayoutPage>,
    /// Archival description (METS/MODS identifiers, IIIF metadata).
    pub archival: ArchivalMeta,
}

/// One page: its image, its size in the file's coordinates, and its regions in reading order.
#[derive(Clone, Debug, Default)]
pub struct LayoutPage {
    /// The file that describes the page (for reports).
    pub file: PathBuf,
    /// The page image as the file names it (relative to the file, or a METS-given path).
    pub image: Option<String>,
    /// The image found for it by the METS file, when there is one (takes precedence).
    pub image_file: Option<PathBuf>,
    /// Width and height in the coordinates the shapes use; `None` when not given.
    pub size: Option<(f64, f64)>,
    /// The page number as printed, or empty.
    pub label: String,
    pub regions: Vec<Region>,
}

/// A region of a page: a block of text lines, or a graphic without text.
#[derive(Clone, Debug, Default)]
pub struct Region {
    pub id: String,
    /// The kind of region as the engine names it (`heading`, `paragraph`, `marginalia` …).
    pub kind: String,
    /// Outline in the file's coordinates.
    pub outline: Option<Vec<(f64, f64)>>,
    pub confidence: Option<f64>,
    pub lines: Vec<Line>,
    /// Text of a region without lines (some engines give only the region's text).
    pub text: Option<String>,
    /// A region that shows no text (an image, a graphic).
    pub graphic: bool,
}

/// A line of text with its outline, confidence and what is tagged in it.
#[derive(Clone, Debug, Default)]
pub struct Line {
    pub id: String,
    pub text: String,
    pub outline: Option<Vec<(f64, f64)>>,
    pub confidence: Option<f64>,
    /// Word texts with their confidences, for `word_confidence`.
    pub word_confidences: Vec<(String, f64)>,
    /// Tags and emphasis, in code points of `text`.
    pub tags: Vec<Tag>,
}

/// Something tagged within a line: a mention of `type_id` over `[start, end)` (code points
/// of the line's text), with attributes, an optional date and note. A tag marked
/// `continued` joins the next line's tag of the same type into one annotation.
#[derive(Clone, Debug, PartialEq)]
pub struct Tag {
    pub type_id: Slug,
    pub label: String,
    pub start: usize,
    pub end: usize,
    pub attributes: Vec<(Slug, AttrValue)>,
    pub date: Option<NormalizedDate>,
    pub note: String,
    pub continued: bool,
}

impl Tag {
    pub fn new(type_id: &str, label: &str, start: usize, end: usize) -> Self {
        Self {
            type_id: Slug::new(type_id),
            label: label.to_owned(),
            start,
            end,
            attributes: Vec::new(),
            date: None,
            note: String::new(),
            continued: false,
        }
    }
}

/// The emphasis a `TextStyle` can give (PAGE attribute names; ALTO's `FONTSTYLE` values map
/// to them), kept as `text_style` mentions with attribute `rendition`.
pub const EMPHASIS: &[&str] = &[
    "bold",
    "italic",
    "underlined",
    "strikethrough",
    "superscript",
    "subscript",
    "smallCaps",
    "letterSpaced",
];

/// A `text_style` tag over `[start, end)` with the emphasis `names` (space-separated in
/// `rendition`); `None` when there is none.
pub fn style_tag(names: &[&str], start: usize, end: usize) -> Option<Tag> {
    if names.is_empty() || start >= end {
        return None;
    }
    let mut t = Tag::new("text_style", "Text style", start, end);
    t.attributes
        .push((Slug::new("rendition"), AttrValue::Text(names.join(" "))));
    Some(t)
}

// ---------------------------------------------------------------------------------------
// What was not kept.

/// What an import met and did not keep, counted by kind, with the first place of each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NotKept {
    kinds: BTreeMap<String, (usize, String)>,
}

impl NotKept {
    /// Counts one `kind` (a phrase: "PAGE glyphs (Glyph)"), first seen at `place`.
    pub fn add(&mut self, kind: impl Into<String>, place: impl std::fmt::Display) {
        self.add_n(kind, 1, place);
    }

    /// Counts `n` of `kind`.
    pub fn add_n(&mut self, kind: impl Into<String>, n: usize, place: impl std::fmt::Display) {
        if n == 0 {
            return;
        }
        let e = self
            .kinds
            .entry(kind.into())
            .or_insert_with(|| (0, place.to_string()));
        e.0 += n;
    }

    /// Adds everything of `other`.
    pub fn merge(&mut self, other: NotKept) {
        for (k, (n, place)) in other.kinds {
            self.add_n(k, n, place);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// How many of `kind` were counted.
    pub fn count(&self, kind: &str) -> usize {
        self.kinds.get(kind).map_or(0, |e| e.0)
    }

    /// Hands what was counted to an import's report: one item per kind with its count and
    /// its first place, sorted by kind.
    pub fn report_into(self, report: &mut super::import::ImportReport) {
        for (kind, (n, place)) in self.kinds {
            report.drop(kind, n, "", place);
        }
    }

    /// One line per kind: "not kept: KIND: N (first in PLACE)", sorted by kind.
    pub fn lines(&self) -> Vec<String> {
        self.kinds
            .iter()
            .map(|(k, (n, place))| format!("not kept: {k}: {n} (first in {place})"))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------
// Sources: files, METS, folders.

/// How pages not tied together by a METS file are grouped into documents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Group {
    /// A METS file is a book; other files a document each (a page, or the pages one file
    /// holds).
    #[default]
    Auto,
    /// Every page a document of its own, METS or not.
    Page,
    /// A METS file is a book, and so are the other files of one folder (in file-name order,
    /// numbers compared as numbers).
    Book,
}

impl Group {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "auto" => Some(Self::Auto),
            "page" => Some(Self::Page),
            "book" => Some(Self::Book),
            _ => None,
        }
    }
}

/// One layout format's reader: which files are its own, and how a file becomes pages.
pub trait LayoutFormat {
    /// The format's name in messages ("PAGE XML").
    fn name(&self) -> &'static str;
    /// Its importer's name on the command line (`--format page`).
    fn id(&self) -> &'static str;
    /// Its importer's name in menus.
    fn label(&self) -> &'static str;
    /// File extensions to look at in a folder.
    fn extensions(&self) -> &'static [&'static str];
    /// Whether the METS file group or MIME type `use_or_mime` holds this format's files.
    fn in_mets_group(&self, use_or_mime: &str) -> bool;
    /// Whether the parsed root element is one of this format's files.
    fn is_own(&self, root: &El) -> bool;
    /// Parses a file's text into its root element (XML or, for hOCR, lenient XHTML).
    fn parse(&self, text: &str, file: &Path) -> Result<El, ImportError>;
    /// The pages `root` (read from `file`) describes.
    fn pages(
        &self,
        root: &El,
        file: &Path,
        not_kept: &mut NotKept,
    ) -> Result<Vec<LayoutPage>, ImportError>;
}

/// Reads files of one layout format (PAGE, ALTO, hOCR: [`LayoutFormat`]), folders of them
/// and METS files that list them, with [`import_layout`]; registered once per format in
/// `interchange::formats`.
#[derive(Clone, Copy, Debug, Default)]
pub struct LayoutImporter<F> {
    pub format: F,
    /// How pages become documents.
    pub group: Group,
}

impl<F: Default> LayoutImporter<F> {
    /// The importer grouping pages as `group`.
    pub fn grouped(group: Group) -> Self {
        Self {
            format: F::default(),
            group,
        }
    }
}

impl<F: LayoutFormat + Send + Sync> Importer for LayoutImporter<F> {
    fn id(&self) -> &'static str {
        self.format.id()
    }

    fn label(&self) -> &'static str {
        self.format.label()
    }

    fn import(&self, source: &Path, cx: &mut ImportContext<'_>) -> Result<Project, ImportError> {
        let (p, n) = import_layout(&self.format, source, cx.staging, self.group)?;
        n.report_into(&mut cx.report);
        Ok(p)
    }
}

/// The largest layout or METS file read (PAGE files with glyphs reach a few MB a page).
pub const MAX_LAYOUT_BYTES: u64 = 64 << 20;

/// Reads `file` (a regular file, at most [`MAX_LAYOUT_BYTES`]) as UTF-8 and parses it.
fn parse_file(
    file: &Path,
    parse: impl Fn(&str, &Path) -> Result<El, ImportError>,
) -> Result<El, ImportError> {
    let bytes = store::read_guarded(file, MAX_LAYOUT_BYTES)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        ImportError::Syntax {
            path: file.to_path_buf(),
            line: e.as_bytes()[..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1,
            message: "invalid UTF-8".into(),
        }
    })?;
    parse(text.trim_start_matches('\u{feff}'), file)
}

/// Reads and parses a layout (or METS) file of `format`.
pub fn parse_layout_file(format: &dyn LayoutFormat, file: &Path) -> Result<El, ImportError> {
    parse_file(file, |t, p| format.parse(t, p))
}

/// Imports `source` (a layout file, a METS file, or a folder of them) with `format` into
/// `staging`: the project and what was not kept.
pub fn import_layout(
    format: &dyn LayoutFormat,
    source: &Path,
    staging: &Path,
    group: Group,
) -> Result<(Project, NotKept), ImportError> {
    let (root, files): (PathBuf, Vec<PathBuf>) = if source.is_dir() {
        let tree = SourceTree::scan(source)?;
        let mut files = tree.with_extension(format.extensions());
        files.extend(tree.with_extension(&["xml"]).into_iter().filter(|f| {
            f.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.eq_ignore_ascii_case("mets.xml"))
        }));
        files.sort();
        files.dedup();
        (source.to_path_buf(), files)
    } else {
        let dir = source
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        (dir, vec![source.to_path_buf()])
    };
    // A single file's images are beside it, or one folder up when it is in a `page/`
    // folder (Transkribus and eScriptorium keep PAGE files there, below the images).
    let in_page_folder = root
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.eq_ignore_ascii_case("page"));
    let tree = if source.is_dir() {
        SourceTree::scan(&root)?
    } else {
        match root
            .parent()
            .filter(|p| in_page_folder && !p.as_os_str().is_empty())
        {
            Some(up) => SourceTree::scan_depth(up, 2)?,
            None => SourceTree::scan_shallow(&root)?,
        }
    };
    let mut not_kept = NotKept::default();
    let mut books: Vec<Book> = Vec::new();
    // Parse everything first: METS files claim the layout files they list.
    let mut mets = Vec::new();
    let mut layouts = Vec::new();
    for file in &files {
        let el = parse_layout_file(format, file)?;
        if el.name == "mets" {
            mets.push((file.clone(), el));
        } else if format.is_own(&el) {
            layouts.push((file.clone(), el));
        } else if !source.is_dir() {
            return Err(ImportError::Invalid {
                path: file.clone(),
                message: format!("not a {} file (root element <{}>)", format.name(), el.name),
            });
        } else {
            not_kept.add(
                format!("files that are not {} (skipped)", format.name()),
                file.display(),
            );
        }
    }
    let mut claimed: HashSet<PathBuf> = HashSet::new();
    for (file, el) in &mets {
        let book = super::mets::read_book(format, &tree, file, el, &mut claimed, &mut not_kept)?;
        if group == Group::Page {
            books.extend(split_pages(book));
        } else {
            books.push(book);
        }
    }
    let mut loose: BTreeMap<PathBuf, Vec<(PathBuf, Vec<LayoutPage>)>> = BTreeMap::new();
    for (file, el) in &layouts {
        if claimed.contains(file) {
            continue;
        }
        let pages = format.pages(el, file, &mut not_kept)?;
        let folder = file.parent().unwrap_or(&root).to_path_buf();
        loose.entry(folder).or_default().push((file.clone(), pages));
    }
    for (folder, mut files) in loose {
        if group == Group::Book && files.len() > 1 {
            files.sort_by(|a, b| natural_cmp(&a.0.to_string_lossy(), &b.0.to_string_lossy()));
            let title = folder
                .file_name()
                .map_or_else(|| "pages".to_owned(), |n| n.to_string_lossy().into_owned());
            let stem = match tree.rel(&folder) {
                r if r.is_empty() => title.clone(),
                r => format!("{r}/{title}"),
            };
            books.push(Book {
                title,
                origin: folder.clone(),
                stem,
                pages: files.into_iter().flat_map(|(_, p)| p).collect(),
                archival: ArchivalMeta::default(),
            });
        } else {
            for (file, pages) in files {
                let rel = tree.rel(&file);
                let stem = rel
                    .rsplit_once('.')
                    .map_or(rel.as_str(), |(s, _)| s)
                    .to_owned();
                let title = file
                    .file_stem()
                    .map_or_else(|| stem.clone(), |s| s.to_string_lossy().into_owned());
                let book = Book {
                    title,
                    origin: file.clone(),
                    stem,
                    pages,
                    archival: ArchivalMeta::default(),
                };
                if group == Group::Page && book.pages.len() > 1 {
                    books.extend(split_pages(book));
                } else {
                    books.push(book);
                }
            }
        }
    }
    if books.is_empty() {
        return Err(ImportError::Invalid {
            path: source.to_path_buf(),
            message: format!("no {} files here", format.name()),
        });
    }
    let mut builder = Builder::new(Project::new(""), tree, staging);
    for book in books {
        builder.add_book(book)?;
    }
    let (project, more) = builder.finish();
    not_kept.merge(more);
    Ok((project, not_kept))
}

/// A book as one book per page (titled "TITLE, page N" or with the page's label).
fn split_pages(book: Book) -> Vec<Book> {
    let n = book.pages.len();
    if n <= 1 {
        return vec![book];
    }
    book.pages
        .into_iter()
        .enumerate()
        .map(|(i, page)| {
            let which = if page.label.is_empty() {
                format!("{}", i + 1)
            } else {
                page.label.clone()
            };
            Book {
                title: format!("{}, page {which}", book.title),
                origin: page.file.clone(),
                stem: format!("{}.{:0width$}", book.stem, i + 1, width = digits(n)),
                archival: book.archival.clone(),
                pages: vec![page],
            }
        })
        .collect()
}

fn digits(n: usize) -> usize {
    n.to_string().len().max(3)
}

/// Compares file names with runs of digits as numbers (`p2` before `p10`).
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn parts(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut digit = None;
        for (i, c) in s.char_indices() {
            let d = c.is_ascii_digit();
            if digit.is_some_and(|x| x != d) {
                out.push((digit == Some(true), &s[start..i]));
                start = i;
            }
            digit = Some(d);
        }
        if start < s.len() {
            out.push((digit == Some(true), &s[start..]));
        }
        out
    }
    let (pa, pb) = (parts(a), parts(b));
    for (x, y) in pa.iter().zip(&pb) {
        let ord = match (x, y) {
            ((true, x), (true, y)) => {
                let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                x.len().cmp(&y.len()).then_with(|| x.cmp(y))
            }
            ((_, x), (_, y)) => x.cmp(y),
        };
        if ord.is_ne() {
            return ord;
        }
    }
    pa.len().cmp(&pb.len()).then_with(|| a.cmp(b))
}

// ---------------------------------------------------------------------------------------
// Points and shapes.

/// A points list as PAGE and ALTO write it (`"x,y x,y …"`, or ALTO's `"x y x y"`), in
/// file coordinates; `None` when it is not one.
pub fn parse_points(s: &str) -> Option<Vec<(f64, f64)>> {
    let nums: Vec<f64> = s
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .map(|t| t.parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect::<Option<_>>()?;
    if nums.len() < 2 || !nums.len().is_multiple_of(2) {
        return None;
    }
    Some(nums.chunks(2).map(|c| (c[0], c[1])).collect())
}

/// The corners of the box at (`x`, `y`) of `w` × `h`.
pub fn box_points(x: f64, y: f64, w: f64, h: f64) -> Vec<(f64, f64)> {
    vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
}

/// A region shape from file-coordinate `points`, scaled by `scale` and kept inside a
/// `bounds` image: an axis-aligned four-corner outline becomes a rectangle, others a
/// polygon; `None` when nothing with an area is left. `clamped` is set when a point lay
/// outside the image.
fn shape_of(
    points: &[(f64, f64)],
    scale: (f64, f64),
    bounds: Option<(u32, u32)>,
    clamped: &mut bool,
) -> Option<Shape> {
    let (mx, my) = bounds.map_or((f64::from(u32::MAX), f64::from(u32::MAX)), |(w, h)| {
        (f64::from(w), f64::from(h))
    });
    let mut pts: Vec<(u32, u32)> = Vec::with_capacity(points.len());
    for &(x, y) in points {
        let (sx, sy) = (x * scale.0, y * scale.1);
        let (cx, cy) = (sx.clamp(0.0, mx), sy.clamp(0.0, my));
        if (cx - sx).abs() > 0.5 || (cy - sy).abs() > 0.5 {
            *clamped = true;
        }
        // Clamped to [0, u32::MAX] above, so the cast cannot truncate beyond rounding.
        let p = (cx.round() as u32, cy.round() as u32);
        if pts.last() != Some(&p) {
            pts.push(p);
        }
    }
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    let xs: Vec<u32> = pts.iter().map(|p| p.0).collect();
    let ys: Vec<u32> = pts.iter().map(|p| p.1).collect();
    let (x0, x1) = (*xs.iter().min()?, *xs.iter().max()?);
    let (y0, y1) = (*ys.iter().min()?, *ys.iter().max()?);
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    let axis_box = pts.len() == 4
        && pts
            .iter()
            .all(|&(x, y)| (x == x0 || x == x1) && (y == y0 || y == y1))
        && pts.windows(2).all(|w| w[0].0 == w[1].0 || w[0].1 == w[1].1);
    if axis_box || pts.len() < 3 {
        return Some(Shape::Rect {
            x: x0,
            y: y0,
            width: x1 - x0,
            height: y1 - y0,
        });
    }
    Some(Shape::Polygon(pts))
}

// ---------------------------------------------------------------------------------------
// Books into documents.

/// The layout types a book's regions and tags use, with labels, colours and descriptions.
const LAYOUT_TYPES: &[(&str, &str, &str, &str)] = &[
    (
        "text_line",
        "Text line",
        "#9e9e9e",
        "A line of text on a page image, as an OCR/HTR engine found it.",
    ),
    (
        "text_region",
        "Text region",
        "#bdbdbd",
        "A block of lines on a page image (paragraph, heading, marginal note …).",
    ),
    (
        "graphic_region",
        "Graphic region",
        "#8d6e63",
        "A picture, ornament or other region without text on a page image.",
    ),
    (
        "text_style",
        "Text style",
        "#7e57c2",
        "Typographic emphasis as the source marks it (bold, italic, letter-spaced …).",
    ),
];

/// Adds entity type `id` to `project`'s schema unless it has it: labelled `label`, with
/// the layout colour and description for layout types, else a grey.
pub fn ensure_entity_type(project: &mut Project, id: &Slug, label: &str) {
    if project.schema.entity_types.iter().any(|t| &t.id == id) {
        return;
    }
    let known = LAYOUT_TYPES.iter().find(|t| t.0 == id.as_str());
    project.schema.entity_types.push(EntityType {
        id: id.clone(),
        label: known.map_or(label, |k| k.1).to_owned(),
        color: known.map_or("#78909c", |k| k.2).to_owned(),
        hotkey: None,
        dated: id.as_str() == "date",
        description: known.map_or("", |k| k.3).to_owned(),
    });
}

/// Turns books into documents of one project, writing their texts and copying their page
/// images into the project folder.
pub struct Builder {
    project: Project,
    tree: SourceTree,
    dest: PathBuf,
    used: HashSet<String>,
    not_kept: NotKept,
}

/// A page's image as placed in the project: its path, and its pixel size when it could be read.
struct PlacedImage {
    rel: RelPath,
    size: Option<(u32, u32)>,
}

impl Builder {
    /// Builds into `project`, reading images from `tree` and writing under `dest` (the
    /// staging folder of a new project, or an open project's folder).
    pub fn new(project: Project, tree: SourceTree, dest: &Path) -> Self {
        Self {
            project,
            tree,
            dest: dest.to_path_buf(),
            used: HashSet::new(),
            not_kept: NotKept::default(),
        }
    }

    /// The project and everything not kept.
    pub fn finish(self) -> (Project, NotKept) {
        (self.project, self.not_kept)
    }

    /// Adds `book` as one document.
    pub fn add_book(&mut self, book: Book) -> Result<(), ImportError> {
        let mut text = String::new();
        let mut breaks = Vec::new();
        let mut images = Vec::new();
        // (page, region outline, confidence…) resolved after the text is made.
        let mut pending: Vec<Pending> = Vec::new();
        let mut chars = 0usize;
        let push = |text: &mut String, chars: &mut usize, s: &str| {
            text.push_str(s);
            *chars += s.chars().count();
        };
        let mut open_tags: BTreeMap<Slug, usize> = BTreeMap::new();
        for (page_index, page) in book.pages.iter().enumerate() {
            let image = self.place_image(page)?;
            let scale = match (page.size, image.size) {
                (Some((w, h)), Some((iw, ih))) if w > 0.0 && h > 0.0 => {
                    (f64::from(iw) / w, f64::from(ih) / h)
                }
                _ => (1.0, 1.0),
            };
            let bounds = image.size.or_else(|| {
                page.size.map(|(w, h)| {
                    // Finite and positive sizes from the reader; rounding up keeps every
                    // point of the page inside.
                    (
                        w.ceil().min(f64::from(u32::MAX)) as u32,
                        h.ceil().min(f64::from(u32::MAX)) as u32,
                    )
                })
            });
            if page_index > 0 {
                push(&mut text, &mut chars, "\n\n");
            }
            breaks.push(PageBreak {
                offset: chars,
                n: page.label.clone(),
                facs: image.rel.file_name().to_owned(),
            });
            images.push(image.rel);
            let mut first_region = true;
            for region in &page.regions {
                let has_text = region.lines.iter().any(|l| !l.text.is_empty())
                    || region.text.as_deref().is_some_and(|t| !t.is_empty());
                if has_text && !first_region {
                    push(&mut text, &mut chars, "\n\n");
                }
                let start = chars;
                if region.lines.is_empty()
                    && let Some(t) = &region.text
                {
                    push(&mut text, &mut chars, &one_line(t));
                }
                let mut first_line = true;
                for line in &region.lines {
                    if line.text.is_empty() && line.outline.is_none() {
                        continue;
                    }
                    if !first_line {
                        push(&mut text, &mut chars, "\n");
                    }
                    first_line = false;
                    let line_start = chars;
                    push(&mut text, &mut chars, &one_line(&line.text));
                    let line_len = chars - line_start;
                    for tag in &line.tags {
                        let (s, e) = (tag.start.min(line_len), tag.end.min(line_len));
                        if s >= e {
                            self.not_kept.add(
                                format!("tags outside their line's text ({})", tag.type_id),
                                page.file.display(),
                            );
                            continue;
                        }
                        let span = (line_start + s, line_start + e);
                        // A tag continued from the previous line's same type joins it.
                        let joined = open_tags.remove(&tag.type_id).filter(|&i| {
                            matches!(&pending[i], Pending::Tag { tag: t, .. } if t.type_id == tag.type_id)
                        });
                        if let Some(i) = joined {
                            if let Pending::Tag { spans, tag: t } = &mut pending[i] {
                                spans.push(span);
                                t.attributes.extend(tag.attributes.iter().cloned());
                                t.continued = tag.continued;
                            }
                            if tag.continued {
                                open_tags.insert(tag.type_id.clone(), i);
                            }
                            continue;
                        }
                        if tag.continued {
                            open_tags.insert(tag.type_id.clone(), pending.len());
                        }
                        pending.push(Pending::Tag {
                            tag: tag.clone(),
                            spans: vec![span],
                        });
                    }
                    if let Some(points) = &line.outline {
                        pending.push(Pending::Region {
                            type_id: "text_line",
                            page: page_index,
                            points: points.clone(),
                            scale,
                            bounds,
                            span: (line_start, chars),
                            id: line.id.clone(),
                            kind: String::new(),
                            confidence: line.confidence,
                            words: line.word_confidences.clone(),
                            file: page.file.clone(),
                        });
                    }
                }
                if chars > start || region.lines.iter().any(|l| l.outline.is_some()) {
                    first_region = false;
                }
                if let Some(points) = &region.outline {
                    let graphic = region.graphic || !has_text;
                    pending.push(Pending::Region {
                        type_id: if graphic {
                            "graphic_region"
                        } else {
                            "text_region"
                        },
                        page: page_index,
                        points: points.clone(),
                        scale,
                        bounds,
                        span: if graphic {
                            (start, start)
                        } else {
                            (start, chars)
                        },
                        id: region.id.clone(),
                        kind: region.kind.clone(),
                        confidence: region.confidence,
                        words: Vec::new(),
                        file: page.file.clone(),
                    });
                }
            }
        }
        // The text file, beside where the book came from.
        let name = unique_name(&book.stem, "txt", &mut self.used);
        let path = join_inside(&self.dest, &name).map_err(|message| ImportError::Invalid {
            path: book.origin.clone(),
            message,
        })?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| ImportError::io("create folder", parent, e))?;
        }
        store::fs::write_new(&path, text.as_bytes())?;
        let mut doc = store::document_from_source(&self.dest, &path)?;
        doc.meta.title = book.title.clone();
        doc.meta.images = images;
        doc.meta.status = DocStatus::NotStarted;
        doc.meta.archival = book.archival.clone();
        doc.meta.archival.page_breaks = breaks;
        let source_text = doc.text.clone().unwrap_or_default();
        for p in pending {
            if let Some(a) = self.annotation(&source_text, p) {
                doc.annotations.insert(a.id, a);
            }
        }
        self.project.documents.insert(doc.id(), doc);
        Ok(())
    }

    /// The project path and size of `page`'s image, copied into the project when found.
    fn place_image(&mut self, page: &LayoutPage) -> Result<PlacedImage, ImportError> {
        let base = page.file.parent().unwrap_or(self.tree.root()).to_path_buf();
        // The image the file names (its coordinates are that image's): beside the file,
        // in a folder above it (Transkribus keeps PAGE files in `page/` below the images;
        // OCR-D names images relative to the METS file's folder), or at the root of what is
        // imported; else the scan the METS file gives for the page.
        let named = page.image.as_deref().and_then(|name| {
            let rel = RelPath::parse(name).ok()?;
            self.tree
                .nearest(&base, rel.as_str())
                .or_else(|| Some(rel.to_native(self.tree.root())).filter(|p| self.tree.contains(p)))
        });
        let found = named.or_else(|| page.image_file.clone());
        if let Some(file) = found.filter(|f| self.tree.contains(f)) {
            let size = facsimile::decode::header(&file, &facsimile::DecodeLimits::default())
                .map_err(|e| ImportError::Invalid {
                    path: file.clone(),
                    message: e.reason(),
                })?;
            let dest = copy_file_into(&self.tree, &file, &self.dest)?;
            let rel =
                RelPath::from_native(&self.dest, &dest).map_err(|e| ImportError::Invalid {
                    path: dest,
                    message: e.to_string(),
                })?;
            return Ok(PlacedImage {
                rel,
                size: Some(size),
            });
        }
        // Missing: listed where it was expected, so putting it there makes the page whole.
        let rel_file = self.tree.rel(&page.file);
        let rel_dir = rel_file.rsplit_once('/').map_or("", |(d, _)| d);
        let expected = page
            .image
            .as_deref()
            .and_then(|n| RelPath::parse(n).ok())
            .map(|r| {
                if rel_dir.is_empty() {
                    r.as_str().to_owned()
                } else {
                    format!("{rel_dir}/{r}")
                }
            })
            .unwrap_or_else(|| {
                let stem = rel_file
                    .rsplit_once('.')
                    .map_or(rel_file.as_str(), |(s, _)| s);
                format!("{stem}.png")
            });
        let rel = RelPath::parse(&expected).map_err(|e| ImportError::Invalid {
            path: page.file.clone(),
            message: e.to_string(),
        })?;
        let what = if page.image.is_some() {
            "page images not found (listed as missing: put each at its path in the project)"
        } else {
            "pages that name no page image (listed as missing under the file's name)"
        };
        self.not_kept.add(
            what,
            format!(
                "{} ({})",
                page.file.display(),
                page.image.as_deref().unwrap_or("no image named")
            ),
        );
        Ok(PlacedImage { rel, size: None })
    }

    fn annotation(&mut self, text: &SourceText, p: Pending) -> Option<Annotation> {
        match p {
            Pending::Tag { tag, spans } => {
                ensure_entity_type(&mut self.project, &tag.type_id, &tag.label);
                let spans: Vec<_> = spans
                    .into_iter()
                    .map(|(s, e)| crate::model::anchor::Span::new(s, e))
                    .collect();
                let anchor = TextAnchor::new(text, &spans).ok()?;
                let mut a = Annotation::new(Body::Mention(Mention {
                    type_id: tag.type_id.clone(),
                    anchor,
                    entry: None,
                    date: tag.date.clone(),
                }));
                a.note = tag.note.clone();
                for (k, v) in tag.attributes {
                    admit_attribute(&mut self.project.schema, &tag.type_id, &k, &v);
                    a.attributes.insert(k, v);
                }
                Some(a)
            }
            Pending::Region {
                type_id,
                page,
                points,
                scale,
                bounds,
                span,
                id,
                kind,
                confidence,
                words,
                file,
            } => {
                let mut clamped = false;
                let Some(shape) = shape_of(&points, scale, bounds, &mut clamped) else {
                    self.not_kept.add(
                        format!("outlines without an area ({type_id})"),
                        format!("{} ({id})", file.display()),
                    );
                    return None;
                };
                if clamped {
                    self.not_kept.add(
                        "outline points outside the page image (moved onto its edge)",
                        format!("{} ({id})", file.display()),
                    );
                }
                let type_id = Slug::new(type_id);
                ensure_entity_type(&mut self.project, &type_id, "");
                let anchor = if span.0 < span.1 {
                    TextAnchor::span(text, span.0, span.1).ok()?
                } else {
                    TextAnchor {
                        fragments: Vec::new(),
                        quote: Default::default(),
                    }
                };
                let mut a = Annotation::new(Body::Mention(Mention {
                    type_id: type_id.clone(),
                    anchor,
                    entry: None,
                    date: None,
                }));
                a.region = Some(PageRegion {
                    page,
                    shape,
                    text: None,
                });
                let mut attrs: Vec<(&str, AttrValue)> = Vec::new();
                if !id.is_empty() {
                    attrs.push(("layout_id", AttrValue::Text(id)));
                }
                if !kind.is_empty() {
                    attrs.push(("region_type", AttrValue::Choice(kind)));
                }
                if let Some(c) = confidence.filter(|c| c.is_finite()) {
                    attrs.push(("confidence", AttrValue::Number(c)));
                }
                if !words.is_empty() {
                    let mut s = String::new();
                    for (w, c) in &words {
                        if !s.is_empty() {
                            s.push_str("; ");
                        }
                        let _ = write!(s, "{w} {c}");
                    }
                    attrs.push(("word_confidence", AttrValue::Text(s)));
                }
                for (k, v) in attrs {
                    let k = Slug::new(k);
                    admit_attribute(&mut self.project.schema, &type_id, &k, &v);
                    a.attributes.insert(k, v);
                }
                Some(a)
            }
        }
    }
}

/// A line's text on one line: line breaks inside it become spaces.
fn one_line(s: &str) -> String {
    if s.contains(['\n', '\r']) {
        s.replace("\r\n", " ").replace(['\n', '\r'], " ")
    } else {
        s.to_owned()
    }
}

/// An annotation to make once the document's text exists.
enum Pending {
    Tag {
        tag: Tag,
        spans: Vec<(usize, usize)>,
    },
    Region {
        type_id: &'static str,
        page: usize,
        points: Vec<(f64, f64)>,
        scale: (f64, f64),
        bounds: Option<(u32, u32)>,
        span: (usize, usize),
        id: String,
        kind: String,
        confidence: Option<f64>,
        words: Vec<(String, f64)>,
        file: PathBuf,
    },
}

/// The ids of the region mentions of type `type_id` in `doc`, in page and then text order:
/// what the layout tests compare between formats.
pub fn regions_of(doc: &Document, type_id: &str) -> Vec<AnnId> {
    let mut v: Vec<(usize, usize, AnnId)> = doc
        .annotations
        .values()
        .filter(|a| a.type_id().as_str() == type_id)
        .filter_map(|a| {
            let r = a.region.as_ref()?;
            let start = a.anchor().map_or(0, |an| an.extent().start);
            Some((r.page, start, a.id))
        })
        .collect();
    v.sort();
    v.into_iter().map(|t| t.2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_from_points() {
        let mut c = false;
        let rect = shape_of(
            &box_points(10.0, 20.0, 30.0, 40.0),
            (1.0, 1.0),
            None,
            &mut c,
        );
        assert_eq!(
            rect,
            Some(Shape::Rect {
                x: 10,
                y: 20,
                width: 30,
                height: 40
            })
        );
        let tri = shape_of(
            &[(0.0, 0.0), (10.0, 0.0), (5.0, 8.0)],
            (2.0, 2.0),
            None,
            &mut c,
        );
        assert_eq!(tri, Some(Shape::Polygon(vec![(0, 0), (20, 0), (10, 16)])));
        assert!(!c);
        let out = shape_of(
            &[(-5.0, 0.0), (50.0, 0.0), (50.0, 9.0)],
            (1.0, 1.0),
            Some((20, 10)),
            &mut c,
        );
        assert!(c);
        assert_eq!(out, Some(Shape::Polygon(vec![(0, 0), (20, 0), (20, 9)])));
        assert_eq!(
            shape_of(&[(1.0, 1.0), (1.0, 5.0)], (1.0, 1.0), None, &mut c),
            None
        );
        assert_eq!(parse_points("1,2 3,4"), Some(vec![(1.0, 2.0), (3.0, 4.0)]));
        assert_eq!(parse_points("1 2 3 4"), Some(vec![(1.0, 2.0), (3.0, 4.0)]));
        assert_eq!(parse_points("1,2 3"), None);
        assert_eq!(parse_points("1,NaN"), None);
    }

    #[test]
    fn natural_order() {
        let mut v = vec!["p10.xml", "p2.xml", "p1.xml", "p02b.xml"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["p1.xml", "p2.xml", "p02b.xml", "p10.xml"]);
    }

    #[test]
    fn not_kept_counts_by_kind() {
        let mut n = NotKept::default();
        n.add("glyphs", "a.xml");
        n.add_n("glyphs", 4, "b.xml");
        n.add("separators", "b.xml");
        assert_eq!(n.count("glyphs"), 5);
        assert_eq!(
            n.lines(),
            [
                "not kept: glyphs: 5 (first in a.xml)",
                "not kept: separators: 1 (first in b.xml)"
            ]
        );
    }
}
