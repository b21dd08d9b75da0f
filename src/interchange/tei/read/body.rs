//! The running text: blocks, white space, page breaks, notes and the mentions inline in
//! `text/body`; footnotes and commentary as annotations; FRUS from/to communications.

use super::*;

pub(super) const BLOCKS: &[&str] = &[
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

/// A mention found while building the text.
pub(super) struct Found<'a> {
    pub(super) el: &'a El,
    pub(super) span: Span,
    /// The enclosure it is in (an index into [`TextBuilder::enclosures`]), if any.
    pub(super) enclosure: Option<usize>,
    /// It is inside a `dateline`.
    pub(super) dateline: bool,
}

/// A note's place in the running text: the note marker (where the `note` element stood) and,
/// for commentary, the start of the commented passage (the preceding `anchor`).
pub(super) struct NoteAt<'a> {
    pub(super) el: &'a El,
    pub(super) start: Option<usize>,
    pub(super) at: usize,
}

/// Builds a document's text from body elements, recording mention spans and anchors.
pub(super) struct TextBuilder<'a> {
    pub(super) out: String,
    pub(super) len: usize,
    pub(super) preserve: bool,
    pub(super) pending_space: bool,
    pub(super) need_sep: bool,
    pub(super) paras: usize,
    pub(super) found: Vec<Found<'a>>,
    pub(super) anchors: HashMap<String, usize>,
    pub(super) notes: Vec<&'a El>,
    /// Non-source notes where they stood in the running text.
    pub(super) notes_at: Vec<NoteAt<'a>>,
    /// The last `anchor` outside our own encoding, which a commentary note may close.
    pub(super) last_anchor: Option<usize>,
    /// Page breaks placed in the text; `pending_pages` wait for the next character.
    pub(super) pages: Vec<PageBreak>,
    pub(super) pending_pages: Vec<PageBreak>,
    /// Enclosures (FRUS `frus:attachment`, `div type="enclosure"`) in document order.
    pub(super) enclosures: Vec<&'a El>,
    pub(super) enclosure: Option<usize>,
    pub(super) in_dateline: usize,
    /// A list label just ended: its item continues the line.
    pub(super) after_label: bool,
    /// A line ended (`addrLine`): the next text starts a new line.
    pub(super) pending_line: bool,
    /// Milestones (`milestone`, `cb`) and where they stood, anchored on the word after.
    pub(super) milestones: Vec<(&'a El, usize)>,
    /// What the text has no place for: (kind, element) in document order.
    pub(super) dropped: Vec<(&'static str, &'a El)>,
}

impl<'a> TextBuilder<'a> {
    pub(super) fn new(preserve: bool) -> Self {
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
            pending_line: false,
            milestones: Vec::new(),
            dropped: Vec::new(),
        }
    }

    /// Places pending page breaks at the current end of the text.
    pub(super) fn place_pages(&mut self) {
        for mut p in self.pending_pages.drain(..) {
            p.offset = self.len;
            self.pages.push(p);
        }
    }

    pub(super) fn push(&mut self, s: &str) {
        self.out.push_str(s);
        self.len += s.chars().count();
    }

    /// Emits a pending block separator and (unless at a line start) a pending space.
    pub(super) fn flush(&mut self, with_space: bool) {
        if self.preserve {
            return;
        }
        if self.need_sep {
            if self.len > 0 {
                self.push("\n\n");
            }
            self.need_sep = false;
            self.pending_space = false;
            self.pending_line = false;
        } else if self.pending_line {
            if self.len > 0 && !self.out.ends_with('\n') {
                self.push("\n");
            }
            self.pending_line = false;
            self.pending_space = false;
        } else if self.pending_space && with_space {
            // No space after an opening bracket or quote ("[ Washington" → "[Washington").
            if self.len > 0 && !self.out.ends_with(['\n', ' ', '(', '[', '“', '‘']) {
                self.push(" ");
            }
            self.pending_space = false;
        }
    }

    pub(super) fn text(&mut self, s: &str) {
        if self.preserve {
            self.place_pages();
            self.push(s);
            return;
        }
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if c.is_whitespace() {
                self.pending_space = true;
            } else {
                // No space before closing punctuation ("Muccio )" → "Muccio)"); a ’ that
                // opens a word ("of ’Iraq", a transliterated ʿayn) keeps its space.
                let closing = matches!(c, ')' | ']' | ',' | '.' | ';' | ':' | '!' | '?' | '”')
                    || (c == '’' && !chars.peek().is_some_and(|n| n.is_alphanumeric()));
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

    pub(super) fn block_break(&mut self) {
        self.need_sep = true;
        self.pending_space = false;
    }

    pub(super) fn walk(&mut self, project: &Project, el: &'a El, top: bool) {
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

    pub(super) fn element(&mut self, project: &Project, e: &'a El, top: bool) {
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
            // Address lines are lines; segments are at least words ("Hofmannsthal" and
            // "Rodaun" in two `addrLine`s never run together).
            "addrLine" if !self.preserve => {
                self.walk(project, e, false);
                self.pending_line = true;
            }
            "seg" if !self.preserve => {
                self.pending_space |= self.len > 0;
                self.walk(project, e, false);
                self.pending_space = true;
            }
            // Registries are read as registry entries, not as running text.
            "listPerson" | "listPlace" | "listOrg" | "listObject" | "listNym" | "listEvent"
            | "listRelation"
                if !self.preserve => {}
            "listBibl"
                if !self.preserve
                    && e.elements().next().is_some()
                    && e.elements().all(|b| b.attr("xml:id").is_some()) => {}
            // An empty reference reads as its target, as the edition's link shows it.
            "ref" if !self.preserve && e.text().trim().is_empty() => {
                if let Some(t) = e.attr("target") {
                    self.text(t.replace('#', " ").trim());
                }
            }
            "milestone" | "cb" if !self.preserve => self.milestones.push((e, self.len)),
            "gap" | "graphic" | "fw" | "figure" if !self.preserve => {
                self.dropped.push((drop_kind(&e.name), e));
                if e.name == "figure" {
                    // Its caption is text.
                    for c in e.elements().filter(|c| c.name != "graphic") {
                        self.element(project, c, false);
                    }
                }
            }
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
                let start_byte = self.out.len();
                self.walk(project, e, false);
                // A block that is also a mention (a numbered verse line).
                if mention_type(project, e).is_some() {
                    let inner = &self.out[start_byte..];
                    let lead = inner.chars().take_while(|c| c.is_whitespace()).count();
                    let start = self.len - inner.chars().count() + lead;
                    if self.len > start {
                        self.found.push(Found {
                            el: e,
                            span: Span::new(start, self.len),
                            enclosure: self.enclosure,
                            dateline: self.in_dateline > 0,
                        });
                    }
                }
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
    pub(super) fn append_notes(&mut self, project: &Project) {
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

/// Whether a sender's or recipient's name names an office, not a person: "Embassy in Korea",
/// "the Legation in Nicaragua", "Department of State", "Navy Department", "Foreign Office".
pub(super) fn office_like(name: &str) -> bool {
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

/// Footnotes and commentary notes as annotations where they stand: a note whose marker
/// follows a word is anchored on that word (the passage from its `anchor` for commentary),
/// typed after the note's `@type` ("commentary") or "footnote", with the note's text as the
/// annotation's note ("[n] …"). The note text also stays at the end of the document.
pub(super) fn footnotes(
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
pub(super) fn communications(
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

/// What the report says about an element the text has no place for.
fn drop_kind(name: &str) -> &'static str {
    match name {
        "gap" => "TEI <gap> (text the edition itself omits; there are no words to keep)",
        "graphic" | "figure" => {
            "TEI <figure>/<graphic> outside <facsimile> (an illustration; its caption is kept, the image is not)"
        }
        _ => "TEI <fw> (running heads and catchwords of the printed page)",
    }
}
