//! TEI P5 import: plain text from the body, mentions from inline `persName`, `placeName`,
//! `orgName`, `date`, `rs` … (and from our `standOff` encoding), registry entries from
//! `listPerson`/`listOrg`/`listPlace`/`listObject` and from named elements with an
//! `xml:id` outside the body (FRUS front-matter persons lists), events and relations.
//!
//! Text conventions: with `xml:space="preserve"` on the body (our own export) paragraphs are
//! joined by `"\n\n"`, `<lb/>` is `"\n"` and text is taken as it is. Otherwise block
//! elements (`p`, `head`, `opener`, `dateline`, `closer` …) are separated by `"\n\n"`,
//! `<lb/>` is `"\n"`, runs of white space become one space and are trimmed at block
//! edges. `note`s are moved out of the running text to the end of their document as
//! blocks `"[n] …"`; a `note type="source"` (in a document's `head` or directly in it)
//! becomes its citation. No space is kept after an opening bracket or before closing
//! punctuation (pretty-printed `(<persName>\n Clubb\n</persName>)` reads `(Clubb)`).
//! A body with `div type="document"` (a FRUS volume) yields one document per such div.
//! `persName` (or `gloss`) `type="from"` and `"to"` in a document yield a Communication event.

use super::tree::{El, Node, parse};
use super::{
    ANN_ID_PREFIX, DOC_ID_PREFIX, ENTRY_ID_PREFIX, TRIGGER_PTR, ZONE_ID_PREFIX, uuid_after,
};
use crate::interchange::common::{
    SourceTree, admit_attribute, attr_from_text, join_inside, read_regular_text, slug_name,
    unique_name,
};
use crate::interchange::facs::{page_image, parse_points};
use crate::interchange::import::{ImportError, Importer};
use crate::model::date::check_iso;
use crate::model::region::{PageRegion, Shape};
use crate::model::registry::Authority;
use crate::model::schema::{EntityType, EventType, RelationType};
use crate::model::{
    Alias, AliasKind, AnnId, Annotation, ArchivalMeta, AuthorityId, Body, Certainty, DocId,
    Document, Entry, EntryId, Event, Mention, NormalizedDate, PageBreak, Project, RelPath,
    Relation, Slug, Span, Target, TextAnchor,
};
use crate::model::{Stamp, UtcTime};
use crate::store;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The TEI importer.
pub struct TeiImporter;

impl Importer for TeiImporter {
    fn id(&self) -> &'static str {
        "tei"
    }

    fn label(&self) -> &'static str {
        "TEI P5 XML"
    }

    fn import(&self, source: &Path, staging: &Path) -> Result<Project, ImportError> {
        let files = xml_files(source)?;
        if files.is_empty() {
            return Err(ImportError::Invalid {
                path: source.to_path_buf(),
                message: "no .xml files found".into(),
            });
        }
        let mut project = Project::new(String::new());
        let mut seen = Seen::default();
        for (rel, file) in files {
            let text = read_regular_text(&file)?;
            let root = parse(&text, &file)?;
            import_tree(&mut project, &mut seen, &root, &rel, &file, staging)?;
        }
        Ok(project)
    }
}

/// What earlier files and parts of this import used: annotation ids (with the file that
/// used each) and text file names, so neither is taken twice.
#[derive(Default)]
struct Seen {
    annotations: HashMap<AnnId, PathBuf>,
    texts: HashSet<String>,
    /// Registry entries by identity key (authority URI, `@key`, edition-scoped `xml:id`),
    /// so the same person in many files is one entry.
    entry_keys: HashMap<String, EntryId>,
}

/// The `.xml` files under `source` (or `source` itself), with their stems relative to it.
fn xml_files(source: &Path) -> Result<Vec<(String, PathBuf)>, ImportError> {
    if !source.is_dir() {
        let base = source
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let file = base.join(source.file_name().unwrap_or_default());
        if !SourceTree::scan_shallow(base)?.contains(&file) {
            return Err(ImportError::Invalid {
                path: source.to_path_buf(),
                message:
                    "not a regular file in its folder (hidden, a link out of it, or a special file)"
                        .into(),
            });
        }
        let stem = source.file_stem().map_or_else(
            || "document".to_owned(),
            |s| s.to_string_lossy().into_owned(),
        );
        return Ok(vec![(stem, file)]);
    }
    let tree = SourceTree::scan(source)?;
    Ok(tree
        .with_extension(&["xml"])
        .into_iter()
        .map(|p| (tree.rel(&p.with_extension("")), p))
        .collect())
}

// ---------------------------------------------------------------------------------------
// Building the project.

const BLOCKS: &[&str] = &[
    "p",
    "ab",
    "head",
    "opener",
    "closer",
    "dateline",
    "salute",
    "signed",
    "postscript",
    "div",
    "list",
    "item",
    "lg",
    "l",
    "table",
    "row",
    "cell",
    "attachment",
    "quote",
    "byline",
    "docAuthor",
    "trailer",
    "argument",
    "epigraph",
    "label",
    "listBibl",
    "bibl",
    "figure",
    "figDesc",
];

/// The entity type of a name-like element, or `None` when it is not one.
fn mention_type(project: &Project, el: &El) -> Option<Slug> {
    let dated = || {
        let wanted = el.attr("type").map(Slug::new);
        match wanted {
            Some(t) if project.schema.entity(&t).is_some_and(|e| e.dated) => t,
            _ => Slug::new("date"),
        }
    };
    match el.name.as_str() {
        "persName" => Some(Slug::new("person")),
        "orgName" => Some(Slug::new("organization")),
        "placeName" | "geogName" | "settlement" | "country" | "region" | "district" | "bloc" => {
            Some(Slug::new("place"))
        }
        "date" | "time" => Some(dated()),
        "gloss" => match el.attr("type") {
            Some("from" | "to") => Some(Slug::new("person")),
            // An abbreviation in the text pointing at its list entry.
            _ if el.attr("target").is_some() => Some(Slug::new("abbreviation")),
            _ => None,
        },
        // A speech in a drama or transcript, linked to its speaker by `@who`.
        "sp" if el.attr("who").is_some() => Some(Slug::new("speech")),
        "rs" | "name" => {
            let t = el.attr("type").unwrap_or("name");
            Some(match t {
                "person" | "persName" => Slug::new("person"),
                "org" | "organization" | "orgName" => Slug::new("organization"),
                "place" | "placeName" => Slug::new("place"),
                t => slug_of(t),
            })
        }
        _ => None,
    }
}

/// Reads an ISO value as we store it: drops a time zone, keeps it only if valid.
fn iso(v: &str) -> Option<String> {
    let v = v.trim();
    let cut = match v.split_once('T') {
        Some((d, t)) => {
            let end = t.find(['+', '-', 'Z']).unwrap_or(t.len());
            format!("{d}T{}", &t[..end])
        }
        None => v.to_owned(),
    };
    check_iso(&cut).ok().map(|()| cut)
}

fn date_of(el: &El) -> Option<NormalizedDate> {
    let get = |a: &str, b: &str| el.attr(a).or_else(|| el.attr(b)).and_then(iso);
    let d = NormalizedDate {
        when: get("when", "when-iso"),
        not_before: get("notBefore", "notBefore-iso").or_else(|| get("from", "from-iso")),
        not_after: get("notAfter", "notAfter-iso").or_else(|| get("to", "to-iso")),
    };
    (!d.is_empty()).then_some(d)
}

/// `s` as a slug: itself when valid, else derived from it as from a label.
fn slug_of(s: &str) -> Slug {
    if Slug::is_valid(s) {
        Slug::new(s)
    } else {
        Slug::from_label(s)
    }
}

/// Per-file state: XML ids of entries and respStmts.
struct Ctx {
    /// The file is our own export: text is exact, not indented.
    exact: bool,
    entries: HashMap<String, EntryId>,
    resp: HashMap<String, String>,
    /// Scopes edition-internal ids (`#pmb123`) across files: the `xml:base` of the `TEI`
    /// element when it has one (files of one edition share it), else the file.
    edition: String,
}

impl Ctx {
    fn entry_ref(&self, el: &El) -> Option<EntryId> {
        let r = el
            .attr("ref")
            .or_else(|| el.attr("corresp"))
            .or_else(|| el.attr("who"))
            .or_else(|| el.attr("target").filter(|_| el.name == "gloss"))?;
        let first = r.split_whitespace().next()?;
        self.entries.get(first.strip_prefix('#')?).copied()
    }

    fn resp_of(&self, el: &El) -> String {
        el.attr("resp").map_or_else(String::new, |r| {
            let key = r.trim().trim_start_matches('#');
            self.resp
                .get(key)
                .cloned()
                .unwrap_or_else(|| key.to_owned())
        })
    }
}

fn ensure_entity_type(project: &mut Project, id: &Slug) {
    if project.schema.kind_of(id).is_none() {
        project.schema.entity_types.push(EntityType {
            id: id.clone(),
            label: id.as_str().replace('_', " "),
            color: "#888888".into(),
            hotkey: None,
            dated: false,
            description: "Added by TEI import.".into(),
        });
    }
}

fn ensure_event_type(project: &mut Project, id: &Slug) {
    if project.schema.kind_of(id).is_none() {
        project.schema.event_types.push(EventType {
            id: id.clone(),
            label: id.as_str().replace('_', " "),
            color: "#888888".into(),
            hotkey: None,
            roles: Vec::new(),
            description: "Added by TEI import.".into(),
        });
    }
}

fn ensure_relation_type(project: &mut Project, id: &Slug) {
    if project.schema.kind_of(id).is_none() {
        project.schema.relation_types.push(RelationType {
            id: id.clone(),
            label: id.as_str().replace('_', " "),
            color: "#888888".into(),
            from: Vec::new(),
            to: Vec::new(),
            hotkey: None,
            symmetric: false,
        });
    }
}

/// Reads the registry lists and FRUS-style named elements with ids outside `body`. An entry
/// whose edition-scoped `xml:id` or authority URI an earlier file already had is that
/// entry: its new authority ids are added and an empty note is filled.
fn read_registry(project: &mut Project, root: &El, ctx: &mut Ctx, seen: &mut Seen) {
    fn walk<'a>(
        project: &mut Project,
        e: &'a El,
        ctx: &mut Ctx,
        seen: &mut Seen,
        in_body: bool,
        item: Option<&'a El>,
    ) {
        for c in e.elements() {
            let ty = match c.name.as_str() {
                "person" => Some(Slug::new("person")),
                "org" | "personGrp" => Some(Slug::new("organization")),
                "place" => Some(Slug::new("place")),
                "object" => Some(slug_of(c.attr("type").unwrap_or("object"))),
                "persName" | "orgName" | "placeName" if !in_body && c.attr("xml:id").is_some() => {
                    mention_type(project, c)
                }
                // An abbreviations list: `<item><term xml:id="t_ARA1">ARA</term>, Bureau …</item>`.
                "term" if !in_body && c.attr("xml:id").is_some() => Some(Slug::new("abbreviation")),
                _ => None,
            };
            if let (Some(ty), Some(xid)) = (ty, c.attr("xml:id")) {
                let id = uuid_after(xid, ENTRY_ID_PREFIX).map_or_else(EntryId::new, EntryId);
                let mut entry = entry_from(c, id, ty, ctx.exact);
                if c.name != "person" && entry.note.is_empty() {
                    // FRUS persons lists: `<item><persName xml:id=…>X</persName>, Ambassador …</item>`.
                    entry.note = item.map(|i| description_after(i, c)).unwrap_or_default();
                }
                let mut keys = vec![format!("{}#{xid}", ctx.edition)];
                keys.extend(entry.authority.iter().map(authority_key));
                let known = keys.iter().find_map(|k| seen.entry_keys.get(k)).copied();
                let id = match known.and_then(|k| project.registry.get_mut(&k)) {
                    Some(old) => {
                        for a in entry.authority {
                            if !old.authority.contains(&a) {
                                old.authority.push(a);
                            }
                        }
                        if old.note.is_empty() {
                            old.note = entry.note;
                        }
                        old.id
                    }
                    None => {
                        ensure_entity_type(project, &entry.type_id);
                        project.registry.entry(id).or_insert(entry);
                        id
                    }
                };
                for k in keys {
                    seen.entry_keys.entry(k).or_insert(id);
                }
                ctx.entries.insert(xid.to_owned(), id);
                continue;
            }
            let item = if c.name == "item" { Some(c) } else { item };
            walk(project, c, ctx, seen, in_body || c.name == "body", item);
        }
    }
    walk(project, root, ctx, seen, false, None);
}

/// The text after `name` in the list `item` that holds it (a persons list's description:
/// "Ambassador in Russia"), without leading punctuation.
fn description_after(item: &El, name: &El) -> String {
    let holds =
        |e: &El| std::ptr::eq(e, name) || e.descendants().iter().any(|d| std::ptr::eq(*d, name));
    let mut after = false;
    let mut out = String::new();
    for c in &item.children {
        match c {
            Node::El(e) if !after && holds(e) => after = true,
            Node::El(e) if after => out.push_str(&e.text()),
            Node::Text(t) if after => out.push_str(t),
            _ => {}
        }
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    out.trim_start_matches([',', ';', ':', ' ', '—', '–'])
        .trim()
        .to_owned()
}

/// The identity key of an authority id: the scheme and id, or the URL without its protocol.
fn authority_key(a: &AuthorityId) -> String {
    match &a.scheme {
        Authority::Other(_) => {
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
fn authority_from_url(url: &str, scheme: &str) -> AuthorityId {
    let u = url.trim();
    let bare = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"))
        .unwrap_or(u);
    let bare = bare.strip_prefix("www.").unwrap_or(bare);
    let known = [
        ("d-nb.info/gnd/", Authority::Gnd),
        ("wikidata.org/entity/", Authority::Wikidata),
        ("wikidata.org/wiki/", Authority::Wikidata),
        ("viaf.org/viaf/", Authority::Viaf),
        ("geonames.org/", Authority::GeoNames),
        ("sws.geonames.org/", Authority::GeoNames),
        ("id.loc.gov/authorities/names/", Authority::Lcnaf),
    ];
    for (prefix, scheme) in known {
        if let Some(id) = bare.strip_prefix(prefix) {
            let id = id.trim_end_matches('/').split('/').next().unwrap_or(id);
            let id = id.trim_end_matches(".html");
            if !id.is_empty() {
                return AuthorityId {
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
    AuthorityId {
        scheme: Authority::Other(scheme.to_owned()),
        id: u.to_owned(),
    }
}

fn entry_from(el: &El, id: EntryId, type_id: Slug, exact: bool) -> Entry {
    let mut e = Entry::new(type_id, String::new());
    e.id = id;
    if matches!(
        el.name.as_str(),
        "persName" | "orgName" | "placeName" | "term"
    ) {
        e.name = collapse(&el.text());
        return e;
    }
    let holder = el.child("objectIdentifier").unwrap_or(el);
    let names: Vec<&El> = holder
        .elements()
        .filter(|c| {
            matches!(
                c.name.as_str(),
                "persName" | "orgName" | "placeName" | "objectName" | "name" | "geogName"
            )
        })
        .collect();
    let canonical = names
        .iter()
        .position(|n| n.attr("type") == Some("canonical"))
        .unwrap_or(0);
    for (i, n) in names.iter().enumerate() {
        if i == canonical {
            e.name = n.text_in(exact);
        } else {
            e.aliases.push(Alias {
                name: n.text_in(exact),
                kind: n
                    .attr("type")
                    .and_then(AliasKind::parse)
                    .unwrap_or(AliasKind::Variant),
                note: n.attr("n").unwrap_or_default().to_owned(),
            });
        }
    }
    for idno in holder.elements().filter(|c| c.name == "idno") {
        let id = idno.text_in(exact);
        if id.trim().is_empty() {
            continue;
        }
        let a = if id.trim().starts_with("http://") || id.trim().starts_with("https://") {
            let scheme = idno
                .attr("subtype")
                .filter(|s| !s.is_empty())
                .or_else(|| idno.attr("type"))
                .unwrap_or("url");
            authority_from_url(&id, scheme)
        } else {
            AuthorityId {
                scheme: Authority::parse(idno.attr("type").unwrap_or("other")),
                id,
            }
        };
        if !e.authority.contains(&a) {
            e.authority.push(a);
        }
    }
    if let Some(n) = el.child("note") {
        e.note = n.text_in(exact);
    }
    e
}

/// A mention found while building the text.
struct Found<'a> {
    el: &'a El,
    span: Span,
    /// The enclosure it is in (an index into [`TextBuilder::enclosures`]), if any.
    enclosure: Option<usize>,
    /// It is inside a `dateline`.
    dateline: bool,
}

/// A note's place in the running text: the note marker (where the `note` element stood) and,
/// for commentary, the start of the commented passage (the preceding `anchor`).
struct NoteAt<'a> {
    el: &'a El,
    start: Option<usize>,
    at: usize,
}

/// Builds a document's text from body elements, recording mention spans and anchors.
struct TextBuilder<'a> {
    out: String,
    len: usize,
    preserve: bool,
    pending_space: bool,
    need_sep: bool,
    paras: usize,
    found: Vec<Found<'a>>,
    anchors: HashMap<String, usize>,
    notes: Vec<&'a El>,
    /// Non-source notes where they stood in the running text.
    notes_at: Vec<NoteAt<'a>>,
    /// The last `anchor` outside our own encoding, which a commentary note may close.
    last_anchor: Option<usize>,
    /// Page breaks placed in the text; `pending_pages` wait for the next character.
    pages: Vec<PageBreak>,
    pending_pages: Vec<PageBreak>,
    /// Enclosures (FRUS `frus:attachment`, `div type="enclosure"`) in document order.
    enclosures: Vec<&'a El>,
    enclosure: Option<usize>,
    in_dateline: usize,
    /// A list label just ended: its item continues the line.
    after_label: bool,
}

impl<'a> TextBuilder<'a> {
    fn new(preserve: bool) -> Self {
        Self {
            out: String::new(),
            len: 0,
            preserve,
            pending_space: false,
            need_sep: false,
            paras: 0,
            found: Vec::new(),
            anchors: HashMap::new(),
            notes: Vec::new(),
            notes_at: Vec::new(),
            last_anchor: None,
            pages: Vec::new(),
            pending_pages: Vec::new(),
            enclosures: Vec::new(),
            enclosure: None,
            in_dateline: 0,
            after_label: false,
        }
    }

    /// Places pending page breaks at the current end of the text.
    fn place_pages(&mut self) {
        for mut p in self.pending_pages.drain(..) {
            p.offset = self.len;
            self.pages.push(p);
        }
    }

    fn push(&mut self, s: &str) {
        self.out.push_str(s);
        self.len += s.chars().count();
    }

    /// Emits a pending block separator and (unless at a line start) a pending space.
    fn flush(&mut self, with_space: bool) {
        if self.preserve {
            return;
        }
        if self.need_sep {
            if self.len > 0 {
                self.push("\n\n");
            }
            self.need_sep = false;
            self.pending_space = false;
        } else if self.pending_space && with_space {
            // No space after an opening bracket or quote ("[ Washington" → "[Washington").
            if self.len > 0 && !self.out.ends_with(['\n', ' ', '(', '[', '“', '‘']) {
                self.push(" ");
            }
            self.pending_space = false;
        }
    }

    fn text(&mut self, s: &str) {
        if self.preserve {
            self.place_pages();
            self.push(s);
            return;
        }
        for c in s.chars() {
            if c.is_whitespace() {
                self.pending_space = true;
            } else {
                // No space before closing punctuation ("Muccio )" → "Muccio)").
                let closing =
                    matches!(c, ')' | ']' | ',' | '.' | ';' | ':' | '!' | '?' | '”' | '’');
                self.flush(!closing);
                self.pending_space = false;
                if !self.pending_pages.is_empty() {
                    self.place_pages();
                }
                self.out.push(c);
                self.len += 1;
            }
        }
    }

    fn block_break(&mut self) {
        self.need_sep = true;
        self.pending_space = false;
    }

    fn walk(&mut self, project: &Project, el: &'a El, top: bool) {
        for c in &el.children {
            match c {
                Node::Text(t) => {
                    if self.preserve && top {
                        continue; // indentation between paragraphs
                    }
                    self.text(t);
                }
                Node::El(e) => self.element(project, e, top),
            }
        }
    }

    fn element(&mut self, project: &Project, e: &'a El, top: bool) {
        match e.name.as_str() {
            "lb" => {
                if self.preserve {
                    self.push("\n");
                } else {
                    self.flush(false);
                    self.pending_space = false;
                    self.push("\n");
                }
            }
            "anchor" => {
                if let Some(id) = e.attr("xml:id") {
                    let at = if self.preserve && top && self.paras > 0 {
                        self.len + 1
                    } else {
                        self.len
                    };
                    self.anchors.insert(id.to_owned(), at);
                }
                if !self.preserve {
                    self.last_anchor = Some(self.len);
                }
            }
            "note" => {
                if e.attr("type") != Some("source") && !self.preserve {
                    self.notes_at.push(NoteAt {
                        el: e,
                        start: self.last_anchor.take(),
                        at: self.len,
                    });
                }
                self.notes.push(e);
            }
            "pb" => {
                let pb = PageBreak {
                    offset: 0,
                    n: e.attr("n").unwrap_or_default().to_owned(),
                    facs: e.attr("facs").unwrap_or_default().to_owned(),
                };
                if self.preserve {
                    // Our export: exactly where it stands, as an anchor.
                    let offset = if top && self.paras > 0 {
                        self.len + 1
                    } else {
                        self.len
                    };
                    self.pages.push(PageBreak { offset, ..pb });
                } else {
                    self.pending_pages.push(pb);
                }
            }
            // A gap in the line (`<space/>`) separates words.
            "space" if !self.preserve => self.pending_space = true,
            // An inline reference reads inline: "(Nr. 358, S. 4)".
            "bibl" if !self.preserve => self.walk(project, e, false),
            // Page furniture and images carry no running text.
            "cb" | "milestone" | "gap" | "graphic" | "fw" => {}
            "choice" => {
                let pick = e
                    .elements()
                    .find(|c| matches!(c.name.as_str(), "corr" | "expan" | "reg"))
                    .or_else(|| e.elements().next());
                if let Some(p) = pick {
                    self.walk(project, p, false);
                }
            }
            "p" if self.preserve => {
                if self.paras > 0 {
                    self.push("\n\n");
                }
                self.paras += 1;
                self.walk(project, e, false);
            }
            name if !self.preserve && BLOCKS.contains(&name) => {
                let enclosure =
                    name == "attachment" || (name == "div" && e.attr("type") == Some("enclosure"));
                let outer = self.enclosure;
                if enclosure {
                    self.enclosure = Some(self.enclosures.len());
                    self.enclosures.push(e);
                }
                self.in_dateline += usize::from(name == "dateline");
                if !(name == "item" && self.after_label) {
                    self.block_break();
                }
                self.after_label = false;
                self.walk(project, e, false);
                if name == "label" {
                    // A list label ("1.") starts its item's line.
                    self.need_sep = false;
                    self.pending_space = true;
                    self.after_label = true;
                } else {
                    self.block_break();
                }
                self.in_dateline -= usize::from(name == "dateline");
                self.enclosure = outer;
            }
            _ => {
                if mention_type(project, e).is_some() {
                    self.flush(true);
                    let start_byte = self.out.len();
                    self.walk(project, e, false);
                    // Outside `preserve`, a space emitted inside the element at its start is
                    // indentation, not part of the name.
                    let inner = &self.out[start_byte..];
                    let lead = if self.preserve {
                        0
                    } else {
                        inner.chars().take_while(|c| c.is_whitespace()).count()
                    };
                    let start = self.len - inner.chars().count() + lead;
                    if self.len > start {
                        self.found.push(Found {
                            el: e,
                            span: Span::new(start, self.len),
                            enclosure: self.enclosure,
                            dateline: self.in_dateline > 0,
                        });
                    }
                } else {
                    self.walk(project, e, top && self.preserve && e.name == "div");
                }
            }
        }
    }

    /// Appends the collected notes as blocks `[n] …` (their own notes too).
    fn append_notes(&mut self, project: &Project) {
        let mut i = 0;
        while i < self.notes.len() {
            let n = self.notes[i];
            self.block_break();
            if let Some(label) = n.attr("n") {
                self.text(&format!("[{label}] "));
            }
            let was = self.preserve;
            self.preserve = false;
            self.walk(project, n, false);
            self.preserve = was;
            i += 1;
        }
    }
}

/// One document to be made from a part of the body.
struct Part<'a> {
    el: &'a El,
    stem: String,
    title: String,
    doc_id: Option<DocId>,
    /// The document number (`@n`) and `xml:id` in the edition.
    number: String,
    source_id: String,
    /// The header's `correspDesc`, for a file that is one letter.
    corresp: Option<&'a El>,
    /// Whether this part is the whole file (it gets every page of the `<facsimile>`, not
    /// only the pages it points at).
    whole: bool,
}

fn import_tree(
    project: &mut Project,
    seen: &mut Seen,
    root: &El,
    rel: &str,
    file: &Path,
    staging: &Path,
) -> Result<(), ImportError> {
    let invalid = |message: String| ImportError::Invalid {
        path: file.to_path_buf(),
        message,
    };
    let teis: Vec<&El> = match root.name.as_str() {
        "TEI" => vec![root],
        "teiCorpus" => root
            .descendants()
            .into_iter()
            .filter(|e| e.name == "TEI")
            .collect(),
        other => return Err(invalid(format!("root element is <{other}>, not <TEI>"))),
    };
    for (ti, tei) in teis.iter().enumerate() {
        let stem = if teis.len() > 1 {
            format!("{rel}-{}", ti + 1)
        } else {
            rel.to_owned()
        };
        import_tei(project, seen, tei, &stem, file, staging)?;
    }
    Ok(())
}

fn import_tei(
    project: &mut Project,
    seen: &mut Seen,
    tei: &El,
    stem: &str,
    file: &Path,
    staging: &Path,
) -> Result<(), ImportError> {
    let text_el = tei.child("text");
    let body = text_el.and_then(|t| t.child("body"));
    let preserve = body.is_some_and(|b| b.attr("xml:space") == Some("preserve"))
        || text_el.and_then(|t| t.attr("xml:space")) == Some("preserve");
    let mut ctx = Ctx {
        exact: preserve,
        entries: HashMap::new(),
        resp: HashMap::new(),
        edition: tei
            .attr("xml:base")
            .map_or_else(|| format!("file:{}", file.display()), str::to_owned),
    };
    let header = tei.child("teiHeader");
    if let Some(h) = header {
        for r in h.descendants().into_iter().filter(|e| e.name == "respStmt") {
            if let (Some(id), Some(name)) =
                (r.attr("xml:id"), r.child("name").or(r.child("persName")))
            {
                ctx.resp.insert(id.to_owned(), name.text_in(preserve));
            }
        }
        if project.info.name.is_empty()
            && let Some(p) = h
                .descendants()
                .into_iter()
                .find(|e| e.name == "publicationStmt")
        {
            let t = p.text();
            if let Some(name) = t
                .strip_prefix("Exported from the Marginalia project \"")
                .and_then(|r| r.strip_suffix("\"."))
            {
                project.info.name = name.to_owned();
            }
        }
        if !preserve {
            volume_info(project, h);
        }
    }
    read_registry(project, tei, &mut ctx, seen);
    // A file with a header and a standOff but no text is a registry (the export's
    // `registry.xml`, a personography): its entries and their stamps, no document.
    if text_el.is_none() && tei.child("standOff").is_some() {
        if let Some(h) = header {
            read_changes(project, &ctx, h);
        }
        return Ok(());
    }
    let Some(body) = body else {
        return Err(ImportError::Invalid {
            path: file.to_path_buf(),
            message: "no <text><body> in the TEI document".into(),
        });
    };
    // A letter's own title (`level="a"`) before the series title.
    let titles: Vec<&El> = header
        .and_then(|h| h.child("fileDesc"))
        .and_then(|f| f.child("titleStmt"))
        .map(|t| t.elements().filter(|e| e.name == "title").collect())
        .unwrap_or_default();
    let title = titles
        .iter()
        .find(|t| t.attr("level") == Some("a"))
        .or_else(|| titles.first())
        .map(|t| t.text_in(preserve))
        .unwrap_or_else(|| stem.rsplit('/').next().unwrap_or(stem).to_owned());
    let corresp = header
        .and_then(|h| h.child("profileDesc"))
        .and_then(|p| p.child("correspDesc"));
    let doc_divs: Vec<&El> = body
        .descendants()
        .into_iter()
        .filter(|e| e.name == "div" && e.attr("type") == Some("document"))
        .collect();
    let parts: Vec<Part<'_>> = if doc_divs.is_empty() {
        vec![Part {
            el: body,
            stem: stem.to_owned(),
            title,
            doc_id: tei
                .attr("xml:id")
                .and_then(|i| uuid_after(i, DOC_ID_PREFIX))
                .map(DocId),
            number: String::new(),
            source_id: tei
                .attr("xml:id")
                .filter(|i| uuid_after(i, DOC_ID_PREFIX).is_none())
                .unwrap_or_default()
                .to_owned(),
            corresp,
            whole: true,
        }]
    } else {
        // Each div's xml:id names its text file: it must be unique, and it becomes a slug.
        let mut ids: HashMap<&str, usize> = HashMap::new();
        for d in &doc_divs {
            if let Some(id) = d.attr("xml:id")
                && let Some(first) = ids.insert(id, d.line)
            {
                return Err(ImportError::Syntax {
                    path: file.to_path_buf(),
                    line: d.line,
                    message: format!(
                        "xml:id \"{id}\" of this <div type=\"document\"> is already used on line {first}"
                    ),
                });
            }
        }
        doc_divs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let label = d
                    .attr("xml:id")
                    .map_or_else(|| format!("{}", i + 1), str::to_owned);
                let head = d.child("head").map(|h| {
                    let mut h = h.clone();
                    h.children
                        .retain(|c| !matches!(c, Node::El(e) if e.name == "note"));
                    h.text()
                });
                let n = format!("{}", i + 1);
                Part {
                    el: d,
                    stem: format!("{stem}-{}", slug_name(&label, &n)),
                    title: head.filter(|h| !h.is_empty()).unwrap_or(label),
                    doc_id: None,
                    number: d.attr("n").unwrap_or_default().to_owned(),
                    source_id: d.attr("xml:id").unwrap_or_default().to_owned(),
                    corresp: None,
                    whole: false,
                }
            })
            .collect()
    };
    // Read once per file: its images are copied once, whatever the number of documents.
    let facsimile = Facsimile::read(tei, file, staging)?;
    for part in parts {
        import_part(
            project, seen, &ctx, tei, header, &part, &facsimile, preserve, file, staging,
        )?;
    }
    if let Some(h) = header {
        read_changes(project, &ctx, h);
    }
    Ok(())
}

/// Stamps from `revisionDesc/change` elements that name an annotation or entry (`@target`,
/// `@type` `created` or `modified`, `@when`, `@who` → a `respStmt`), as the TEI export
/// writes them. An annotation whose creator is its `@resp` keeps the name in its stamp only.
fn read_changes(project: &mut Project, ctx: &Ctx, header: &El) {
    let mut stamps: HashMap<AnnId, [Option<Stamp>; 2]> = HashMap::new();
    let mut entry_stamps: HashMap<EntryId, [Option<Stamp>; 2]> = HashMap::new();
    for c in header
        .descendants()
        .into_iter()
        .filter(|e| e.name == "change")
    {
        let slot = match c.attr("type") {
            Some("created") => 0,
            Some("modified") => 1,
            _ => continue,
        };
        let (Some(at), Some(target)) = (c.attr("when").and_then(UtcTime::parse), c.attr("target"))
        else {
            continue;
        };
        let by = c.attr("who").map_or_else(String::new, |w| {
            let key = w.trim().trim_start_matches('#');
            ctx.resp.get(key).cloned().unwrap_or_else(|| key.to_owned())
        });
        for t in target
            .split_whitespace()
            .filter_map(|t| t.strip_prefix('#'))
        {
            let s = Some(Stamp { by: by.clone(), at });
            if let Some(id) = uuid_after(t, ANN_ID_PREFIX) {
                stamps.entry(AnnId(id)).or_default()[slot] = s;
            } else if let Some(id) = uuid_after(t, ENTRY_ID_PREFIX) {
                entry_stamps.entry(EntryId(id)).or_default()[slot] = s;
            }
        }
    }
    for (id, [created, modified]) in entry_stamps {
        if let Some(e) = project.registry.get_mut(&id) {
            e.created = created;
            e.modified = modified;
        }
    }
    if stamps.is_empty() {
        return;
    }
    for doc in project.documents.values_mut() {
        for a in doc.annotations.values_mut() {
            if let Some([created, modified]) = stamps.remove(&a.id) {
                if created.as_ref().is_some_and(|c| c.by == a.resp) {
                    a.resp.clear();
                }
                a.created = created;
                a.modified = modified;
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn import_part(
    project: &mut Project,
    seen: &mut Seen,
    ctx: &Ctx,
    tei: &El,
    header: Option<&El>,
    part: &Part<'_>,
    facsimile: &Facsimile,
    preserve: bool,
    file: &Path,
    staging: &Path,
) -> Result<(), ImportError> {
    let mut tb = TextBuilder::new(preserve);
    // A document's source notes are its citation, not running text: all of them, in order
    // (a file number and "[Telegram]"); a file number is also its call number.
    let sources: Vec<String> = part
        .el
        .descendants()
        .into_iter()
        .filter(|n| n.name == "note" && n.attr("type") == Some("source"))
        .map(|n| collapse(&n.text()))
        .filter(|t| !t.is_empty())
        .collect();
    let citation = sources.join("; ");
    let call_number = sources
        .iter()
        .find_map(|s| file_number(s))
        .unwrap_or_default();
    tb.walk(project, part.el, true);
    tb.place_pages();
    tb.notes.retain(|n| n.attr("type") != Some("source"));
    tb.append_notes(project);
    if !tb.preserve {
        // A trailing space or separator never pends past the end.
        tb.pending_space = false;
    }

    // Write the text and make the document: the path is checked to stay inside `staging`
    // before anything is created.
    let txt_rel = unique_name(&part.stem, "txt", &mut seen.texts);
    let txt_path = join_inside(staging, &txt_rel).map_err(|message| ImportError::Invalid {
        path: file.to_path_buf(),
        message,
    })?;
    if let Some(parent) = txt_path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| ImportError::io("create folder", parent, e))?;
    }
    std::fs::write(&txt_path, tb.out.as_bytes())
        .map_err(|e| ImportError::io("write", &txt_path, e))?;
    let mut doc = store::document_from_source(staging, &txt_path)?;
    if let Some(id) = part.doc_id
        && !project.documents.contains_key(&DocId(id.0))
    {
        doc.meta.id = id;
    }
    doc.meta.title = part.title.clone();
    doc.meta.archival = archival(header, &citation, &tb);
    if doc.meta.archival.call_number.is_empty() {
        doc.meta.archival.call_number = call_number;
    }
    if !part.number.is_empty() {
        doc.meta.archival.number.clone_from(&part.number);
    }
    if !part.source_id.is_empty() {
        doc.meta.archival.source_id.clone_from(&part.source_id);
    }
    doc.meta.archival.page_breaks = std::mem::take(&mut tb.pages);
    let mut facsimile = facsimile.clone();
    let text = doc.text_or_empty().clone();
    let bad_anchor = |e: &El, err: String| ImportError::Invalid {
        path: file.to_path_buf(),
        message: format!("line {}: <{}>: {err}", e.line, e.name),
    };

    let mut ann_ids: HashMap<String, AnnId> = HashMap::new();
    let new_id = |xid: Option<&str>, ann_ids: &mut HashMap<String, AnnId>| {
        if let Some(known) = xid.and_then(|x| ann_ids.get(x)) {
            return *known;
        }
        let id = xid
            .and_then(|x| uuid_after(x, ANN_ID_PREFIX))
            .map_or_else(AnnId::new, AnnId);
        if let Some(x) = xid {
            ann_ids.insert(x.to_owned(), id);
        }
        id
    };
    let mut annotations: BTreeMap<AnnId, Annotation> = BTreeMap::new();
    // (from|to|date|place, enclosure, annotation) for Communication events.
    let mut from_to: Vec<(&str, Option<usize>, AnnId)> = Vec::new();

    let make_mention = |project: &mut Project,
                        el: &El,
                        spans: &[Span],
                        id: AnnId,
                        unresolved: &mut HashMap<String, EntryId>|
     -> Result<Annotation, ImportError> {
        let mut type_id = mention_type(project, el).unwrap_or_else(|| Slug::new("name"));
        // A FRUS sender or recipient that is an office ("the Embassy in Korea") is an
        // organization, not a person.
        if type_id.as_str() == "person"
            && matches!(el.attr("type"), Some("from" | "to"))
            && office_like(&collapse(&el.text()))
        {
            type_id = Slug::new("organization");
        }
        // Our export writes other dated types as `date type="<id>"`.
        if ctx.exact
            && el.name == "date"
            && let Some(t) = el.attr("type").filter(|t| Slug::is_valid(t))
            && project.schema.kind_of(&Slug::new(t)).is_none()
        {
            type_id = Slug::new(t);
            ensure_entity_type(project, &type_id);
            if let Some(et) = project
                .schema
                .entity_types
                .iter_mut()
                .find(|e| e.id == type_id)
            {
                et.dated = true;
            }
        }
        ensure_entity_type(project, &type_id);
        // No spans: a region mention without transcribed words (the caller checks it has a zone).
        let anchor = if spans.is_empty() {
            TextAnchor {
                fragments: Vec::new(),
                quote: Default::default(),
            }
        } else {
            TextAnchor::new(&text, spans).map_err(|e| bad_anchor(el, e.to_string()))?
        };
        let mut entry = ctx.entry_ref(el);
        let pointer = el
            .attr("ref")
            .or_else(|| el.attr("corresp"))
            .or_else(|| el.attr("who"))
            .and_then(|r| r.split_whitespace().next());
        let key = match (pointer, el.attr("key")) {
            (Some(r), _) if r.starts_with('#') => Some(format!("{}{r}", ctx.edition)),
            (Some(r), _) if r.starts_with("http://") || r.starts_with("https://") => {
                Some(authority_key(&authority_from_url(r, "url")))
            }
            (_, Some(k)) => Some(format!("key:{k}")),
            _ => None,
        };
        if entry.is_none()
            && let Some(key) = key
        {
            // A pointer to an entry we have no list for (or an authority URI, or a @key):
            // one entry per pointer across all files, named as here.
            let eid = *unresolved.entry(key).or_insert_with(|| {
                let mut e = Entry::new(type_id.clone(), anchor.covered_text(&text));
                if let Some(local) = pointer.and_then(|r| r.strip_prefix('#')) {
                    e.id = uuid_after(local, ENTRY_ID_PREFIX).map_or_else(EntryId::new, EntryId);
                } else if let Some(r) = pointer.filter(|r| r.starts_with("http")) {
                    e.authority.push(authority_from_url(r, "url"));
                }
                let eid = e.id;
                project.registry.entry(eid).or_insert(e);
                eid
            });
            entry = Some(eid);
        }
        let date = if project.schema.entity(&type_id).is_some_and(|t| t.dated) {
            date_of(el)
        } else {
            None
        };
        let mut a = Annotation::new(Body::Mention(Mention {
            type_id,
            anchor,
            entry,
            date,
        }));
        a.id = id;
        a.cert = el.attr("cert").and_then(Certainty::parse);
        a.resp = ctx.resp_of(el);
        Ok(a)
    };

    // (text mention, its `@facs`) for linking regions once every annotation is made.
    let mut facs_links: Vec<(AnnId, &str, &El)> = Vec::new();
    for f in &tb.found {
        let id = new_id(f.el.attr("xml:id"), &mut ann_ids);
        let a = make_mention(project, f.el, &[f.span], id, &mut seen.entry_keys)?;
        if let Some(fx) = f.el.attr("facs") {
            facs_links.push((id, fx, f.el));
        }
        if matches!(f.el.name.as_str(), "persName" | "gloss")
            && let Some(t @ ("from" | "to")) = f.el.attr("type")
        {
            from_to.push((t, f.enclosure, id));
        }
        if f.el.name == "date" {
            from_to.push(("date", f.enclosure, id));
        }
        if f.dateline
            && a.as_mention()
                .is_some_and(|m| m.type_id.as_str() == "place")
        {
            from_to.push(("place", f.enclosure, id));
        }
        add_annotation(&mut annotations, seen, a, file, f.el)?;
    }

    let stand_off: Vec<&El> = if part.doc_id.is_some() || preserve {
        tei.elements().filter(|e| e.name == "standOff").collect()
    } else {
        Vec::new()
    };
    let pairs = |el: &El, target: &str| -> Result<Vec<Span>, ImportError> {
        let ids: Vec<&str> = target
            .split_whitespace()
            .map(|t| t.trim_start_matches('#'))
            .collect();
        ids.chunks(2)
            .map(|c| {
                let get = |k: &str| {
                    tb.anchors
                        .get(k)
                        .copied()
                        .ok_or_else(|| bad_anchor(el, format!("no anchor \"{k}\" in the text")))
                };
                let s = get(c[0])?;
                let e = get(c.get(1).copied().unwrap_or(c[0]))?;
                Ok(Span::new(s.min(e), s.max(e)))
            })
            .collect()
    };
    // Every standOff annotation's id first, so pointers may point forward.
    for so in &stand_off {
        for e in so.descendants() {
            if matches!(e.name.as_str(), "event" | "relation")
                || (e.name == "annotation" && e.attr("motivation") == Some("identifying"))
            {
                new_id(e.attr("xml:id"), &mut ann_ids);
            }
        }
    }
    // Standoff mentions.
    for so in &stand_off {
        for list in so.elements().filter(|e| e.name == "listAnnotation") {
            if list.attr("type") != Some("mentions") {
                continue;
            }
            for an in list.elements().filter(|e| e.name == "annotation") {
                let Some(inner) = an
                    .elements()
                    .filter(|n| n.name == "note")
                    .flat_map(El::elements)
                    .find(|e| mention_type(project, e).is_some())
                else {
                    continue;
                };
                // Zones in the target are the mention's own place on a page.
                let target = an.attr("target").unwrap_or_default();
                let (zones, anchors): (Vec<&str>, Vec<&str>) = target
                    .split_whitespace()
                    .partition(|t| facsimile.zones.contains_key(t.trim_start_matches('#')));
                let spans = pairs(an, &anchors.join(" "))?;
                let id = new_id(an.attr("xml:id"), &mut ann_ids);
                if spans.is_empty() && zones.is_empty() {
                    return Err(bad_anchor(
                        an,
                        "a standoff mention needs anchors or a zone in its @target".into(),
                    ));
                }
                let mut a = make_mention(project, inner, &spans, id, &mut seen.entry_keys)?;
                if let Some(z) = zones.first() {
                    a.region = facsimile.region(z);
                    facsimile.own(z, id);
                }
                if let Some(fx) = inner.attr("facs") {
                    facs_links.push((id, fx, inner));
                }
                add_annotation(&mut annotations, seen, a, file, an)?;
            }
        }
    }
    let target_of = |r: &str, ann_ids: &HashMap<String, AnnId>| -> Option<Target> {
        let k = r.trim().trim_start_matches('#');
        ann_ids
            .get(k)
            .map(|a| Target::Annotation(*a))
            .or_else(|| ctx.entries.get(k).map(|e| Target::Entry(*e)))
    };
    // Events and relations.
    for so in &stand_off {
        for ev in so
            .elements()
            .filter(|e| e.name == "listEvent")
            .flat_map(El::elements)
            .filter(|e| e.name == "event")
        {
            let id = new_id(ev.attr("xml:id"), &mut ann_ids);
            let type_id = slug_of(ev.attr("type").unwrap_or("event"));
            ensure_event_type(project, &type_id);
            let mut trigger = None;
            let mut roles: BTreeMap<Slug, Vec<Target>> = BTreeMap::new();
            for p in ev.elements().filter(|e| e.name == "ptr") {
                let ty = p.attr("type").unwrap_or("participant");
                let tgt = p.attr("target").unwrap_or_default();
                if ty == TRIGGER_PTR {
                    let spans = pairs(p, tgt)?;
                    trigger = Some(
                        TextAnchor::new(&text, &spans).map_err(|e| bad_anchor(p, e.to_string()))?,
                    );
                } else if let Some(t) = target_of(tgt, &ann_ids) {
                    roles.entry(slug_of(ty)).or_default().push(t);
                }
            }
            let mut a = Annotation::new(Body::Event(Event {
                type_id,
                trigger,
                roles,
                date: date_of(ev),
            }));
            a.id = id;
            a.cert = ev.attr("cert").and_then(Certainty::parse);
            a.resp = ctx.resp_of(ev);
            add_annotation(&mut annotations, seen, a, file, ev)?;
        }
        for rel in so
            .elements()
            .filter(|e| e.name == "listRelation")
            .flat_map(El::elements)
            .filter(|e| e.name == "relation")
        {
            let (Some(from), Some(to)) = (
                rel.attr("active").and_then(|r| target_of(r, &ann_ids)),
                rel.attr("passive").and_then(|r| target_of(r, &ann_ids)),
            ) else {
                continue;
            };
            let id = new_id(rel.attr("xml:id"), &mut ann_ids);
            let type_id = slug_of(rel.attr("name").unwrap_or("related"));
            ensure_relation_type(project, &type_id);
            let mut a = Annotation::new(Body::Relation(Relation { type_id, from, to }));
            a.id = id;
            a.cert = rel.attr("cert").and_then(Certainty::parse);
            a.resp = ctx.resp_of(rel);
            add_annotation(&mut annotations, seen, a, file, rel)?;
        }
        // Notes.
        for an in so
            .elements()
            .filter(|e| e.name == "listAnnotation" && e.attr("type") == Some("notes"))
            .flat_map(El::elements)
        {
            let Some(t) = an
                .attr("target")
                .and_then(|r| ann_ids.get(r.trim_start_matches('#')))
            else {
                continue;
            };
            let Some(a) = annotations.get_mut(t) else {
                continue;
            };
            for n in an.elements().filter(|e| e.name == "note") {
                match (n.attr("type"), n.attr("n")) {
                    (Some("attribute"), Some(k)) => {
                        if let Some(v) = attr_from_text(
                            n.attr("subtype").unwrap_or("text"),
                            &n.text_in(preserve),
                        ) && Slug::is_valid(k)
                        {
                            let k = Slug::new(k);
                            admit_attribute(&mut project.schema, a.type_id(), &k, &v);
                            a.attributes.insert(k, v);
                        }
                    }
                    _ => a.note = n.text_in(preserve),
                }
            }
        }
    }
    if !preserve {
        footnotes(project, &mut tb, &text, &mut annotations, file)?;
        communications(project, &tb, &from_to, &mut annotations);
        if let Some(c) = part.corresp {
            correspondence(project, ctx, seen, c, &mut annotations);
        }
    }
    facsimile.link(&facs_links, &mut annotations, seen, file)?;
    doc.annotations = annotations;
    facsimile.place(&mut doc, part.whole);
    project.documents.insert(doc.id(), doc);
    Ok(())
}

/// A TEI file's `<facsimile>`: its pages (surfaces with a `graphic`) and zones.
#[derive(Clone, Default)]
struct Facsimile {
    /// Page images in surface order.
    images: Vec<RelPath>,
    /// Surface `xml:id` → page index.
    surfaces: HashMap<String, usize>,
    /// Zone `xml:id` → (page index, shape).
    zones: HashMap<String, (usize, Shape)>,
    /// Zone `xml:id` → the region mention made for it.
    owners: HashMap<String, AnnId>,
}

impl Facsimile {
    /// Reads the `<facsimile>` children of `tei`. A surface without `<graphic url>` has no
    /// page image and is skipped with its zones; a zone without coordinates is skipped.
    fn read(tei: &El, file: &Path, staging: &Path) -> Result<Self, ImportError> {
        let mut out = Self::default();
        let surfaces: Vec<&El> = tei
            .elements()
            .filter(|e| e.name == "facsimile")
            .flat_map(El::descendants)
            .filter(|e| e.name == "surface")
            .collect();
        if surfaces.is_empty() {
            return Ok(out);
        }
        let base = file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let tree = SourceTree::scan(base)?;
        let bad = |el: &El, message: String| ImportError::Syntax {
            path: file.to_path_buf(),
            line: el.line,
            message,
        };
        for s in surfaces {
            let Some(url) = s
                .descendants()
                .into_iter()
                .find(|g| g.name == "graphic")
                .and_then(|g| g.attr("url"))
            else {
                continue;
            };
            let path = page_image(&tree, base, url, staging).map_err(|m| bad(s, m))?;
            let page = match out.images.iter().position(|p| *p == path) {
                Some(i) => i,
                None => {
                    out.images.push(path);
                    out.images.len() - 1
                }
            };
            if let Some(id) = s.attr("xml:id") {
                out.surfaces.insert(id.to_owned(), page);
            }
            for z in s.descendants().into_iter().filter(|z| z.name == "zone") {
                let Some(id) = z.attr("xml:id") else { continue };
                let Some(shape) = zone_shape(z).map_err(|m| bad(z, format!("<zone>: {m}")))? else {
                    continue;
                };
                out.zones.insert(id.to_owned(), (page, shape));
            }
        }
        Ok(out)
    }

    /// A region for zone pointer `z` (`#id` or `id`), not yet linked.
    fn region(&self, z: &str) -> Option<PageRegion> {
        self.zones
            .get(z.trim_start_matches('#'))
            .map(|(page, shape)| PageRegion {
                page: *page,
                shape: shape.clone(),
                text: None,
            })
    }

    /// Records that zone `z` is the place of region mention `id`.
    fn own(&mut self, z: &str, id: AnnId) {
        self.owners.insert(z.trim_start_matches('#').to_owned(), id);
    }

    /// Applies the text mentions' `@facs`: a zone named after the mention itself (our
    /// `z-<uuid>`) is its own place; a zone of another region mention links that region to
    /// the text mention; any other zone becomes a new region mention of the text mention's
    /// type and entry, linked to it.
    fn link(
        &mut self,
        links: &[(AnnId, &str, &El)],
        annotations: &mut BTreeMap<AnnId, Annotation>,
        seen: &mut Seen,
        file: &Path,
    ) -> Result<(), ImportError> {
        let zone_ids = |zones: &HashMap<String, (usize, Shape)>, fx: &str| -> Vec<String> {
            fx.split_whitespace()
                .map(|t| t.trim_start_matches('#').to_owned())
                .filter(|t| zones.contains_key(t))
                .collect()
        };
        for (id, fx, _) in links {
            for z in zone_ids(&self.zones, fx) {
                if uuid_after(&z, ZONE_ID_PREFIX) == Some(id.0)
                    && let Some(a) = annotations.get_mut(id)
                {
                    a.region = self.region(&z);
                    self.own(&z, *id);
                }
            }
        }
        for (id, fx, el) in links {
            for z in zone_ids(&self.zones, fx) {
                if let Some(owner) = self.owners.get(&z).copied() {
                    if owner != *id
                        && let Some(r) = annotations.get_mut(&owner).and_then(|a| a.region.as_mut())
                        && r.text.is_none()
                    {
                        r.text = Some(*id);
                    }
                    continue;
                }
                let Some(text_mention) = annotations.get(id) else {
                    continue;
                };
                let mut a = text_mention.clone();
                a.id = uuid_after(&z, ZONE_ID_PREFIX).map_or_else(AnnId::new, AnnId);
                a.note.clear();
                a.attributes.clear();
                if let Some(an) = a.anchor_mut() {
                    an.fragments.clear();
                    an.quote = Default::default();
                }
                a.region = self.region(&z).map(|r| PageRegion {
                    text: Some(*id),
                    ..r
                });
                self.own(&z, a.id);
                add_annotation(annotations, seen, a, file, el)?;
            }
        }
        Ok(())
    }

    /// Gives `doc` its page images: every page for a whole file, else the pages its
    /// regions and page breaks point at (in surface order); page breaks pointing at a
    /// surface record its image's path.
    fn place(&self, doc: &mut Document, whole: bool) {
        if self.images.is_empty() {
            return;
        }
        let surface_of = |facs: &str| self.surfaces.get(facs.trim_start_matches('#')).copied();
        let mut used: Vec<bool> = vec![whole; self.images.len()];
        for a in doc.annotations.values() {
            if let Some(r) = &a.region
                && let Some(u) = used.get_mut(r.page)
            {
                *u = true;
            }
        }
        for pb in &doc.meta.archival.page_breaks {
            if let Some(u) = surface_of(&pb.facs).and_then(|p| used.get_mut(p)) {
                *u = true;
            }
        }
        let mut new_index = vec![0; self.images.len()];
        doc.meta.images.clear();
        for (i, img) in self.images.iter().enumerate() {
            if used[i] {
                new_index[i] = doc.meta.images.len();
                doc.meta.images.push(img.clone());
            }
        }
        for a in doc.annotations.values_mut() {
            if let Some(r) = &mut a.region {
                r.page = new_index[r.page];
            }
        }
        for pb in &mut doc.meta.archival.page_breaks {
            if let Some(p) = surface_of(&pb.facs) {
                pb.facs = self.images[p].as_str().to_owned();
            }
        }
    }
}

/// A zone's shape: `@points` as a polygon, else `@ulx @uly @lrx @lry` as a rectangle;
/// `None` when it has neither.
fn zone_shape(z: &El) -> Result<Option<Shape>, String> {
    let shape = if let Some(p) = z.attr("points") {
        Shape::Polygon(parse_points(p)?)
    } else {
        let num = |k: &str| -> Result<Option<u32>, String> {
            z.attr(k)
                .map(|v| parse_points(&format!("{v},0")).map(|p| p[0].0))
                .transpose()
        };
        let (Some(x0), Some(y0), Some(x1), Some(y1)) =
            (num("ulx")?, num("uly")?, num("lrx")?, num("lry")?)
        else {
            return Ok(None);
        };
        Shape::Rect {
            x: x0.min(x1),
            y: y0.min(y1),
            width: x0.abs_diff(x1),
            height: y0.abs_diff(y1),
        }
    };
    shape.check().map_err(|e| e.to_string())?;
    Ok(Some(shape))
}

/// Whether a sender's or recipient's name names an office, not a person: "Embassy in Korea",
/// "the Legation in Nicaragua", "Department of State", "Navy Department", "Foreign Office".
fn office_like(name: &str) -> bool {
    const OFFICES: &[&str] = &[
        "embassy",
        "legation",
        "consulate",
        "consulate-general",
        "department",
        "ministry",
        "office",
        "mission",
        "delegation",
        "commission",
        "government",
        "secretariat",
    ];
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .collect();
    let words = match words.first() {
        Some(&"the") => &words[1..],
        _ => &words[..],
    };
    // "Embassy in Korea", "Department of State"; or "Navy Department", "Foreign Office".
    words.first().is_some_and(|w| OFFICES.contains(w))
        || (words.len() == 2 && OFFICES.contains(&words[1]))
}

/// `s` with runs of white space made one space, trimmed.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The file number in a FRUS source note ("711.90H/41", "File No. 861.51/131",
/// "795.00/7–1051: Telegram" → "795.00/7–1051"): a first word that starts with a digit and
/// has a slash.
fn file_number(note: &str) -> Option<String> {
    let t = note.trim();
    let t = t
        .strip_prefix("File No.")
        .or_else(|| t.strip_prefix("File no."))
        .unwrap_or(t)
        .trim_start();
    let word = t
        .split(|c: char| c.is_whitespace() || c == ':' || c == ',' || c == ';')
        .next()?
        .trim_end_matches('.');
    (word.starts_with(|c: char| c.is_ascii_digit()) && word.contains('/')).then(|| word.to_owned())
}

/// The volume's identity from a header: the project is named after the volume (the complete
/// or monograph title, else the series title) and its description names the series, the
/// editors and the publisher. Fills only what is still empty.
fn volume_info(project: &mut Project, header: &El) {
    let file_desc = header.child("fileDesc");
    let title_stmt = file_desc.and_then(|f| f.child("titleStmt"));
    let titles: Vec<&El> = title_stmt
        .map(|t| t.elements().filter(|e| e.name == "title").collect())
        .unwrap_or_default();
    let find = |pred: &dyn Fn(&El) -> bool| {
        titles
            .iter()
            .find(|t| pred(t))
            .map(|t| collapse(&t.text()))
            .filter(|t| !t.is_empty())
    };
    let series = find(&|t| t.attr("type") == Some("series") || t.attr("level") == Some("s"));
    let volume = find(&|t| t.attr("type") == Some("complete") || t.attr("level") == Some("m"))
        .or_else(|| series.clone());
    if project.info.name.is_empty()
        && let Some(v) = &volume
    {
        project.info.name.clone_from(v);
    }
    if !project.info.description.is_empty() {
        return;
    }
    let mut lines = Vec::new();
    if let Some(v) = &volume {
        lines.push(v.clone());
    }
    if let Some(s) = series.filter(|s| Some(s) != volume.as_ref()) {
        lines.push(format!("Series: {s}"));
    }
    let editors: Vec<String> = title_stmt
        .into_iter()
        .flat_map(El::elements)
        .filter(|e| e.name == "editor")
        .flat_map(|e| {
            let names: Vec<String> = e
                .elements()
                .filter(|n| matches!(n.name.as_str(), "name" | "persName"))
                .map(|n| collapse(&n.text()))
                .collect();
            if names.is_empty() {
                vec![collapse(&e.text())]
            } else {
                names
            }
        })
        .filter(|n| !n.is_empty())
        .collect();
    if !editors.is_empty() {
        lines.push(format!("Editors: {}", editors.join("; ")));
    }
    if let Some(ps) = file_desc.and_then(|f| f.child("publicationStmt")) {
        let part = |n: &str| ps.child(n).map(|e| collapse(&e.text()));
        let publ: Vec<String> = [part("publisher"), part("pubPlace"), part("date")]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect();
        if !publ.is_empty() {
            lines.push(format!("Published: {}", publ.join(", ")));
        }
    }
    project.info.description = lines.join("\n");
}

/// Footnotes and commentary notes as annotations where they stand: a note whose marker
/// follows a word is anchored on that word (the passage from its `anchor` for commentary),
/// typed after the note's `@type` ("commentary") or "footnote", with the note's text as the
/// annotation's note ("[n] …"). The note text also stays at the end of the document.
fn footnotes(
    project: &mut Project,
    tb: &mut TextBuilder<'_>,
    text: &crate::model::SourceText,
    annotations: &mut BTreeMap<AnnId, Annotation>,
    file: &Path,
) -> Result<(), ImportError> {
    if tb.notes_at.is_empty() {
        return Ok(());
    }
    let chars: Vec<char> = tb.out.chars().collect();
    let notes = std::mem::take(&mut tb.notes_at);
    for n in &notes {
        let at = n.at.min(chars.len());
        let span = match n.start {
            Some(mut s) if s < at && chars[s..at].iter().any(|c| !c.is_whitespace()) => {
                // The anchor stood before a pending space.
                while chars[s].is_whitespace() {
                    s += 1;
                }
                Span::new(s, at)
            }
            _ => {
                // The word the marker follows, else the word after it.
                let mut s = at;
                while s > 0 && !chars[s - 1].is_whitespace() {
                    s -= 1;
                }
                if s < at {
                    Span::new(s, at)
                } else {
                    let mut e = at;
                    while e < chars.len() && chars[e].is_whitespace() {
                        e += 1;
                    }
                    let s = e;
                    while e < chars.len() && !chars[e].is_whitespace() {
                        e += 1;
                    }
                    Span::new(s, e)
                }
            }
        };
        let Ok(anchor) = TextAnchor::new(text, &[span]) else {
            continue; // an empty document: the note is still in its text
        };
        let ty = slug_of(n.el.attr("type").unwrap_or("footnote"));
        let ty = if project
            .schema
            .kind_of(&ty)
            .is_some_and(|k| k != crate::model::schema::TypeKind::Entity)
        {
            Slug::new("footnote")
        } else {
            ty
        };
        ensure_entity_type(project, &ty);
        let mut nb = TextBuilder::new(false);
        nb.walk(project, n.el, false);
        let body = nb.out;
        let mut a = Annotation::new(Body::Mention(Mention {
            type_id: ty,
            anchor,
            entry: None,
            date: None,
        }));
        a.note = match n.el.attr("n") {
            Some(label) => format!("[{label}] {body}"),
            None => body,
        };
        if annotations.insert(a.id, a).is_some() {
            return Err(ImportError::Invalid {
                path: file.to_path_buf(),
                message: format!("line {}: a note's annotation id is taken", n.el.line),
            });
        }
    }
    Ok(())
}

/// FRUS-style from/to names: a Communication event for the document and one for each
/// enclosure with its own sender, recipient, date and place; the covering Communication
/// `forwards` its enclosures'. Only with both ends: a Communication without a recipient
/// would not validate.
fn communications(
    project: &mut Project,
    tb: &TextBuilder<'_>,
    from_to: &[(&str, Option<usize>, AnnId)],
    annotations: &mut BTreeMap<AnnId, Annotation>,
) {
    let mut made: Vec<(Option<usize>, AnnId)> = Vec::new();
    let groups = std::iter::once(None).chain((0..tb.enclosures.len()).map(Some));
    for g in groups {
        let of = |kind: &str| -> Vec<AnnId> {
            from_to
                .iter()
                .filter(|(k, e, _)| *k == kind && *e == g)
                .map(|(_, _, id)| *id)
                .collect()
        };
        let (from, to) = (of("from"), of("to"));
        if from.is_empty() || to.is_empty() {
            continue;
        }
        let mut roles: BTreeMap<Slug, Vec<Target>> = BTreeMap::new();
        roles.insert(
            Slug::new("sender"),
            from.into_iter().map(Target::Annotation).collect(),
        );
        roles.insert(
            Slug::new("recipient"),
            to.into_iter().map(Target::Annotation).collect(),
        );
        let date = of("date").first().copied();
        if let Some(d) = date {
            roles.insert(Slug::new("date"), vec![Target::Annotation(d)]);
        }
        if let Some(p) = of("place").first() {
            roles.insert(Slug::new("place"), vec![Target::Annotation(*p)]);
        }
        let ty = Slug::new("communication");
        ensure_event_type(project, &ty);
        let mut a = Annotation::new(Body::Event(Event {
            type_id: ty,
            trigger: None,
            roles,
            date: None,
        }));
        if let Some(e) = g.and_then(|i| tb.enclosures.get(i)) {
            a.note = e
                .descendants()
                .into_iter()
                .filter(|n| n.name == "note" && n.attr("type") == Some("source"))
                .map(|n| collapse(&n.text()))
                .collect::<Vec<_>>()
                .join("; ");
            if a.note.is_empty() {
                a.note = "Enclosure".into();
            }
        }
        made.push((g, a.id));
        annotations.insert(a.id, a);
    }
    // The covering communication forwards its enclosures.
    if let Some((None, cover)) = made.first().copied() {
        let enclosed: Vec<Target> = made
            .iter()
            .filter(|(g, _)| g.is_some())
            .map(|(_, id)| Target::Annotation(*id))
            .collect();
        if !enclosed.is_empty()
            && let Some(Body::Event(ev)) = annotations.get_mut(&cover).map(|a| &mut a.body)
        {
            ev.roles.insert(Slug::new("forwards"), enclosed);
        }
    }
}

/// A letter's `correspDesc`: a Communication event with the sender and recipient (and the
/// place and date of sending) as registry entries, linked by `@ref` to the file's lists or
/// to an authority URI shared across files.
fn correspondence(
    project: &mut Project,
    ctx: &Ctx,
    seen: &mut Seen,
    corresp: &El,
    annotations: &mut BTreeMap<AnnId, Annotation>,
) {
    let mut roles: BTreeMap<Slug, Vec<Target>> = BTreeMap::new();
    let mut date = None;
    for action in corresp.elements().filter(|e| e.name == "correspAction") {
        let sent = action.attr("type") == Some("sent");
        let role = match action.attr("type") {
            Some("sent") => "sender",
            Some("received") => "recipient",
            _ => continue,
        };
        for c in action.elements() {
            let (ty, role) = match c.name.as_str() {
                "persName" | "name" => ("person", role),
                "orgName" => ("organization", role),
                "placeName" if sent => ("place", "place"),
                "date" if sent => {
                    date = date_of(c);
                    continue;
                }
                _ => continue,
            };
            let id = header_entry(project, ctx, seen, c, ty);
            let slot = roles.entry(Slug::new(role)).or_default();
            if !slot.contains(&Target::Entry(id)) {
                slot.push(Target::Entry(id));
            }
        }
    }
    if !(roles.contains_key(&Slug::new("sender")) && roles.contains_key(&Slug::new("recipient"))) {
        return;
    }
    let ty = Slug::new("communication");
    ensure_event_type(project, &ty);
    let a = Annotation::new(Body::Event(Event {
        type_id: ty,
        trigger: None,
        roles,
        date,
    }));
    annotations.insert(a.id, a);
}

/// The registry entry a header name points at: the file's list entry for `#id`, the entry
/// an earlier file made for the same authority URI or `@key`, else a new entry named as here.
fn header_entry(project: &mut Project, ctx: &Ctx, seen: &mut Seen, el: &El, ty: &str) -> EntryId {
    if let Some(id) = ctx.entry_ref(el) {
        return id;
    }
    let name = collapse(&el.text());
    let r = el.attr("ref").and_then(|r| r.split_whitespace().next());
    let key = match (r, el.attr("key")) {
        (Some(r), _) if r.starts_with('#') => format!("{}{r}", ctx.edition),
        (Some(r), _) => authority_key(&authority_from_url(r, "url")),
        (None, Some(k)) => format!("key:{k}"),
        (None, None) => format!("name:{ty}:{name}"),
    };
    if let Some(id) = seen.entry_keys.get(&key) {
        return *id;
    }
    let mut e = Entry::new(Slug::new(ty), name);
    if let Some(r) = r.filter(|r| r.starts_with("http")) {
        e.authority.push(authority_from_url(r, "url"));
    }
    ensure_entity_type(project, &e.type_id);
    let id = e.id;
    project.registry.insert(id, e);
    seen.entry_keys.insert(key, id);
    id
}

/// Adds `a` to a document's `annotations`, refusing an id this document or an earlier one
/// already uses (the same `xml:id` twice, or the same annotation in two files).
fn add_annotation(
    annotations: &mut BTreeMap<AnnId, Annotation>,
    seen: &mut Seen,
    a: Annotation,
    file: &Path,
    el: &El,
) -> Result<(), ImportError> {
    let id = a.id;
    let dup = |message: String| ImportError::Syntax {
        path: file.to_path_buf(),
        line: el.line,
        message,
    };
    if annotations.insert(id, a).is_some() {
        return Err(dup(format!(
            "<{}> has the id of another annotation in this document ({id})",
            el.name
        )));
    }
    if let Some(other) = seen.annotations.insert(id, file.to_path_buf()) {
        return Err(dup(format!(
            "<{}> has the id of an annotation in another document ({id}, in {})",
            el.name,
            other.display()
        )));
    }
    Ok(())
}

fn archival(header: Option<&El>, citation: &str, tb: &TextBuilder<'_>) -> ArchivalMeta {
    let mut m = ArchivalMeta {
        citation: citation.to_owned(),
        ..ArchivalMeta::default()
    };
    let source_desc = header
        .and_then(|h| h.child("fileDesc"))
        .and_then(|f| f.child("sourceDesc"));
    if let Some(sd) = source_desc
        && tb.preserve
    {
        if let Some(ms) = sd.child("msDesc").and_then(|m| m.child("msIdentifier")) {
            m.archive = ms
                .child("repository")
                .map(|e| e.text_in(true))
                .unwrap_or_default();
            m.collection = ms
                .child("collection")
                .map(|e| e.text_in(true))
                .unwrap_or_default();
            m.call_number = ms
                .child("idno")
                .map(|e| e.text_in(true))
                .unwrap_or_default();
        }
        if let Some(b) = sd.child("bibl") {
            for c in b.elements() {
                match (c.name.as_str(), c.attr("type")) {
                    ("date", _) => m.date = date_of(c),
                    ("textLang", _) => {
                        m.original_language = c
                            .attr("mainLang")
                            .map_or_else(|| c.text_in(true), str::to_owned);
                    }
                    ("ref", _) => m.url = c.attr("target").unwrap_or_default().to_owned(),
                    ("idno", Some("number")) => m.number = c.text_in(true),
                    ("idno", Some("source-id")) => m.source_id = c.text_in(true),
                    ("note", Some("citation")) => m.citation = c.text_in(true),
                    ("note", Some("translation")) => m.translation_note = c.text_in(true),
                    _ => {}
                }
            }
        }
    }
    // An edition's manuscript description (a letter's `listWit/witness/msDesc`): the
    // holding archive and the shelfmark.
    if !tb.preserve
        && let Some(ms) = source_desc.and_then(|sd| {
            sd.descendants()
                .into_iter()
                .find(|e| e.name == "msIdentifier")
        })
    {
        let get = |n: &str| ms.child(n).map(|e| collapse(&e.text())).unwrap_or_default();
        m.archive = get("repository");
        m.collection = get("collection");
        m.call_number = get("idno");
    }
    if m.date.is_none() && !tb.preserve {
        m.date = tb
            .found
            .iter()
            .find(|f| f.el.name == "date")
            .and_then(|f| date_of(f.el));
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import_str(xml: &str) -> Result<Project, ImportError> {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("in.xml");
        std::fs::write(&src, xml).unwrap();
        let staging = tmp.path().join("staging");
        std::fs::create_dir_all(&staging).unwrap();
        TeiImporter.import(&src, &staging)
    }

    fn mentions(doc: &crate::model::Document) -> Vec<(String, String)> {
        let text = doc.text_or_empty();
        let mut v: Vec<_> = doc
            .annotations
            .values()
            .filter_map(|a| a.as_mention())
            .map(|m| (m.type_id.0.clone(), m.anchor.covered_text(text)))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn frus_telegrams() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/tei/frus1951v07-excerpt.xml");
        let tmp = tempfile::tempdir().unwrap();
        let p = TeiImporter.import(&path, tmp.path()).unwrap();
        assert_eq!(p.documents.len(), 2);
        let docs: Vec<_> = p.documents.values().collect();
        let d = docs
            .iter()
            .find(|d| d.meta.title.starts_with("The Ambassador"))
            .unwrap();
        assert_eq!(
            d.meta.title,
            "The Ambassador in Korea (Muccio) to the Secretary of State"
        );
        assert_eq!(d.meta.archival.citation, "795.00/7–1051: Telegram");
        assert_eq!(
            d.meta.archival.date,
            Some(NormalizedDate::when("1951-07-10T15:00:00"))
        );
        let t = d.text_or_empty().as_str();
        assert!(
            t.starts_with(
                "The Ambassador in Korea (Muccio) to the Secretary of State\n\nPusan, July 10, 1951—3 p.m.\n\nLiaison officers returned from Kaesong this morning."
            ),
            "{t}"
        );
        assert!(
            t.contains("Full text follows by air pouch.\nSent Department 31"),
            "{t}"
        );
        assert!(t.ends_with("Muccio\n\n[2] In telegram C–66184, Ridgway had proposed the Danish hospital ship Jutlandia."), "{t}");
        assert_eq!(
            mentions(d),
            vec![
                ("date".into(), "July 10, 1951—3 p.m.".into()),
                // The footnote is anchored on the word its marker follows.
                ("footnote".into(), "place.".into()),
                ("organization".into(), "CINCUNC".into()),
                ("person".into(), "Joy".into()),
                ("person".into(), "Muccio".into()),
                ("person".into(), "Muccio".into()),
                ("person".into(), "Nam Il".into()),
                ("person".into(), "Ridgway".into()),
                ("person".into(), "Secretary of State".into()),
                ("place".into(), "Kaesong".into()),
                ("place".into(), "Pusan".into()),
            ]
        );
        let footnote = d
            .annotations
            .values()
            .find(|a| {
                a.as_mention()
                    .is_some_and(|m| m.type_id.as_str() == "footnote")
            })
            .unwrap();
        assert_eq!(
            footnote.note,
            "[2] In telegram C–66184, Ridgway had proposed the Danish hospital ship Jutlandia."
        );
        // The persons list became the registry; @corresp links to it.
        let muccio = p
            .registry
            .values()
            .find(|e| e.name == "Muccio, John J.")
            .unwrap();
        assert_eq!(muccio.type_id.as_str(), "person");
        assert_eq!(p.registry.len(), 3);
        let linked: Vec<_> = d
            .annotations
            .values()
            .filter_map(|a| a.as_mention())
            .filter(|m| m.entry == Some(muccio.id))
            .collect();
        assert_eq!(linked.len(), 2);
        // persName type="from" became the sender of a Communication, with the dateline date.
        let ev = d.annotations.values().find_map(|a| a.as_event()).unwrap();
        assert_eq!(ev.type_id.as_str(), "communication");
        assert_eq!(ev.roles[&Slug::new("sender")].len(), 2);
        assert_eq!(ev.roles[&Slug::new("recipient")].len(), 1);
        assert!(ev.roles.contains_key(&Slug::new("date")));
        // The second telegram: the source note is a child of the div (older volumes), the
        // recipient a gloss, the dateline bracketed, a page break inside a paragraph.
        let d2 = docs
            .iter()
            .find(|d| d.meta.title.starts_with("The Secretary"))
            .unwrap();
        assert_eq!(
            d2.meta.title,
            "The Secretary of State (Acheson) to the Embassy in Korea"
        );
        assert_eq!(d2.meta.archival.citation, "795.00/7–1051: Telegram");
        assert_eq!(
            d2.text_or_empty().as_str(),
            "The Secretary of State (Acheson) to the Embassy in Korea\n\n[Washington,] July 10, 1951—7 p.m.\n\nsecret\n\n12. For Muccio. Your 31 received. Department concurs in CINCUNC proposal.\n\nAcheson"
        );
        assert_eq!(
            mentions(d2),
            vec![
                // `<gloss target="#t_CINCUNC1">`: an abbreviation pointing at the terms list.
                ("abbreviation".into(), "CINCUNC".into()),
                ("date".into(), "July 10, 1951—7 p.m.".into()),
                ("organization".into(), "Embassy in Korea".into()),
                ("person".into(), "Acheson".into()),
                ("person".into(), "Muccio".into()),
                ("place".into(), "Washington".into()),
            ]
        );
        let ev2 = d2.annotations.values().find_map(|a| a.as_event()).unwrap();
        assert_eq!(ev2.roles[&Slug::new("recipient")].len(), 1);
        assert_eq!(ev2.roles[&Slug::new("sender")].len(), 1);
    }

    #[test]
    fn whitespace_is_collapsed_outside_preserve() {
        let p = import_str(
            "<TEI xmlns='http://www.tei-c.org/ns/1.0'><text><body>\n  <p>  Kim   Il\n Sung <lb/> met <persName ref='#x'> Peng\n Dehuai </persName>.</p>\n<p>Ж&amp;&#x6BDB;</p></body></text></TEI>",
        )
        .unwrap();
        let d = p.documents.values().next().unwrap();
        assert_eq!(
            d.text_or_empty().as_str(),
            "Kim Il Sung\nmet Peng Dehuai.\n\nЖ&毛"
        );
        assert_eq!(mentions(d), vec![("person".into(), "Peng Dehuai".into())]);
        // An unresolved pointer still yields an entry named after the mention.
        assert_eq!(p.registry.values().next().unwrap().name, "Peng Dehuai");
    }

    #[test]
    fn malformed_xml_names_the_line() {
        let err =
            import_str("<TEI>\n<text>\n<body>\n<p>oops</q>\n</body></text></TEI>").unwrap_err();
        match &err {
            ImportError::Syntax { line, path, .. } => {
                assert_eq!(*line, 4, "{err}");
                assert!(path.ends_with("in.xml"));
            }
            other => panic!("{other:?}"),
        }
        let err = import_str("<TEI>\n<text><body><p>never closed").unwrap_err();
        assert!(matches!(err, ImportError::Syntax { line: 2, .. }), "{err}");
        let err = import_str("<TEI><text><body><p>&nbsp;</p></body></text></TEI>").unwrap_err();
        assert!(matches!(err, ImportError::Syntax { line: 1, .. }), "{err}");
        assert!(err.to_string().contains("in.xml"));
    }

    #[test]
    fn custom_types_survive_our_round_trip() {
        use crate::interchange::export::{ExportOptions, Exporter as _};
        let mut p = Project::new("custom");
        p.schema.entity_types.push(EntityType {
            id: Slug::new("era"),
            label: "Era".into(),
            color: "#123456".into(),
            hotkey: None,
            dated: true,
            description: String::new(),
        });
        p.schema.entity_types.push(EntityType {
            id: Slug::new("ship"),
            label: "Ship".into(),
            color: "#123456".into(),
            hotkey: None,
            dated: false,
            description: String::new(),
        });
        let text =
            crate::model::SourceText::from_str_normalizing("In the 1950s the Jutlandia sailed.");
        let mut doc = crate::model::Document {
            meta: crate::model::DocumentMeta {
                id: DocId::new(),
                title: "t".into(),
                source: None,
                images: Vec::new(),
                status: crate::model::DocStatus::NotStarted,
                archival: ArchivalMeta::default(),
            },
            text: Some(text.clone()),
            annotations: BTreeMap::new(),
        };
        for (ty, s, e, date) in [
            ("era", 7, 12, Some(NormalizedDate::range("1950", "1959"))),
            ("ship", 17, 26, None),
        ] {
            let a = Annotation::new(Body::Mention(Mention {
                type_id: Slug::new(ty),
                anchor: TextAnchor::span(&text, s, e).unwrap(),
                entry: None,
                date,
            }));
            doc.annotations.insert(a.id, a);
        }
        let want = doc.annotations.clone();
        p.documents.insert(doc.id(), doc);
        let tmp = tempfile::tempdir().unwrap();
        crate::interchange::tei::TeiExporter
            .export(
                &p,
                &tmp.path().join("out"),
                &ExportOptions::default(),
                &mut |_| {},
            )
            .unwrap();
        let staging = tmp.path().join("staging");
        std::fs::create_dir_all(&staging).unwrap();
        let back = TeiImporter
            .import(&tmp.path().join("out"), &staging)
            .unwrap();
        assert_eq!(back.documents.values().next().unwrap().annotations, want);
        assert!(back.schema.entity(&Slug::new("era")).unwrap().dated);
        assert!(back.schema.entity(&Slug::new("ship")).is_some());
    }

    #[test]
    fn archival_apparatus_is_kept() {
        let p = import_str(concat!(
            "<TEI xmlns='http://www.tei-c.org/ns/1.0'><teiHeader><fileDesc><titleStmt>",
            "<title type='complete'>FRUS 1918, Russia</title><title type='series'>FRUS</title>",
            "<editor><persName>Ed One</persName></editor></titleStmt></fileDesc></teiHeader>",
            "<text><body><div type='document' xml:id='d7' n='7'>",
            "<note type='source'>File No. 861.51/131</note><note type='source'>[Telegram]</note>",
            "<head>The <gloss type='from'>Ambassador</gloss> to the <gloss type='to'>Department of State</gloss></head>",
            "<p>düster,<space/>so<note n='1'>See No. 3.</note> went <pb n='12' facs='0012'/>on.</p>",
            "<list><label>1.</label><item>First (<bibl>Nr. 358</bibl>)</item></list>",
            "<div type='enclosure'><head><persName type='from'>A</persName> to <persName type='to'>B</persName></head>",
            "<p>Enclosed.</p></div>",
            "<sp who='#x'><speaker>X</speaker><p>Hello.</p></sp>",
            "</div></body></text></TEI>"
        ))
        .unwrap();
        assert_eq!(p.info.name, "FRUS 1918, Russia");
        assert!(p.info.description.contains("Series: FRUS"));
        assert!(p.info.description.contains("Editors: Ed One"));
        let d = p.documents.values().next().unwrap();
        let a = &d.meta.archival;
        assert_eq!(a.citation, "File No. 861.51/131; [Telegram]");
        assert_eq!(a.call_number, "861.51/131");
        assert_eq!((a.number.as_str(), a.source_id.as_str()), ("7", "d7"));
        let t = d.text_or_empty().as_str();
        assert!(t.contains("düster, so went on."), "{t}");
        assert!(t.contains("1. First (Nr. 358)"), "{t}");
        let pb = &a.page_breaks[0];
        assert_eq!((pb.n.as_str(), pb.facs.as_str()), ("12", "0012"));
        assert_eq!(t.chars().skip(pb.offset).take(3).collect::<String>(), "on.");
        let m = mentions(d);
        assert!(m.contains(&("footnote".into(), "so".into())), "{m:?}");
        assert!(
            m.contains(&("organization".into(), "Department of State".into())),
            "{m:?}"
        );
        assert!(
            m.contains(&("speech".into(), "X\n\nHello.".into())),
            "{m:?}"
        );
        // The enclosure is its own communication, forwarded by the covering one.
        let evs: Vec<_> = d
            .annotations
            .values()
            .filter_map(|a| a.as_event())
            .collect();
        assert_eq!(evs.len(), 2);
        let cover = evs
            .iter()
            .find(|e| e.roles.contains_key(&Slug::new("forwards")))
            .unwrap();
        assert_eq!(cover.roles[&Slug::new("sender")].len(), 1);
        assert!(office_like("the Embassy in Korea") && office_like("Navy Department"));
        // The persons list's description is the entry's note.
        let p = import_str(concat!(
            "<TEI xmlns='http://www.tei-c.org/ns/1.0'><text><front><div xml:id='persons'><list>",
            "<item><hi><persName xml:id='p_FD1'>Francis, David R.</persName></hi>, Ambassador in Russia</item>",
            "</list></div><div xml:id='terms'><list><item><hi><term xml:id='t_ARA1'>ARA</term></hi>, ",
            "Bureau of Inter-American Affairs</item></list></div></front><body><div type='document'>",
            "<p><persName corresp='#p_FD1'>Francis</persName> wrote to <gloss target='#t_ARA1'>ARA</gloss>.</p>",
            "</div></body></text></TEI>"
        ))
        .unwrap();
        let francis = p
            .registry
            .values()
            .find(|e| e.name.starts_with("Francis"))
            .unwrap();
        assert_eq!(francis.note, "Ambassador in Russia");
        let ara = p.registry.values().find(|e| e.name == "ARA").unwrap();
        assert_eq!(ara.type_id.as_str(), "abbreviation");
        assert_eq!(ara.note, "Bureau of Inter-American Affairs");
        let d = p.documents.values().next().unwrap();
        let linked = d
            .annotations
            .values()
            .filter_map(|a| a.as_mention())
            .filter(|m| m.entry == Some(ara.id) || m.entry == Some(francis.id))
            .count();
        assert_eq!(linked, 2);
        assert!(!office_like("Secretary of State") && !office_like("Mr. Baker"));
    }

    #[test]
    fn authority_uris_are_recognized() {
        let a = authority_from_url("http://d-nb.info/gnd/118609807/", "");
        assert_eq!((a.scheme, a.id.as_str()), (Authority::Gnd, "118609807"));
        let a = authority_from_url("http://www.wikidata.org/entity/Q44331", "wikidata");
        assert_eq!((a.scheme, a.id.as_str()), (Authority::Wikidata, "Q44331"));
        let a = authority_from_url("https://pmb.acdh.oeaw.ac.at/entity/2121/", "pmb");
        assert_eq!(a.scheme, Authority::Other("pmb".into()));
        assert_eq!(
            authority_key(&a),
            authority_key(&authority_from_url(
                "http://pmb.acdh.oeaw.ac.at/entity/2121",
                "url"
            ))
        );
        assert_eq!(
            file_number("795.00/7–1051: Telegram").as_deref(),
            Some("795.00/7–1051")
        );
        assert_eq!(file_number("[Telegram]"), None);
    }

    #[test]
    fn not_tei_is_refused() {
        let err = import_str("<html><body/></html>").unwrap_err();
        assert!(matches!(err, ImportError::Invalid { .. }), "{err}");
    }

    #[test]
    fn iso_values_drop_time_zones() {
        assert_eq!(
            iso("1951-07-10T15:00:00+09:00").as_deref(),
            Some("1951-07-10T15:00:00")
        );
        assert_eq!(
            iso("1951-07-10T06:00:00Z").as_deref(),
            Some("1951-07-10T06:00:00")
        );
        assert_eq!(iso("1951-07").as_deref(), Some("1951-07"));
        assert_eq!(iso("July 1951"), None);
    }
}
