//! brat standoff export: per document a `.txt` (the LF-normalized text) and a `.ann`, plus
//! `annotation.conf` and `visual.conf` generated from the schema.
//!
//! Offsets in the `.ann` count code points in the exported `.txt`, as brat reads them.
//! What brat cannot hold is left out or moved: events without a trigger are not written
//! (brat anchors everything in the text); a role filler or relation end that is a registry
//! entry is written as the first mention (by position) in the document linked to that
//! entry, and left out when there is none; text, number and date attributes become `AnnotatorNotes` lines
//! ("Label: value"); certainty, annotator and normalized dates are not written. A
//! multi-line note becomes one `#` line per line. A relation type marked `symmetric` is
//! treated as brat's `symmetric-transitive` (an equivalence): its relations are written as
//! `*` lines, one per connected group (brat gives `*` lines no id, so their notes and
//! attributes are not written). A mention linked to a registry entry gets one `N`
//! line per authority id (`Wikidata:Q855`), or `Marginalia:<entry id>` when it has none.
//!
//! Everything left out is listed, one sentence per annotation, in the [`ExportReport`];
//! `tests/brat_roundtrip.rs` checks that a re-import of the sample project loses exactly that.
//!
//! Type, role and attribute names: see [`brat_name`] and [`slug_for`], an invertible pair.

use super::{
    ExportError, ExportReport, Exporter, Part, Progress, omission, omit_parts, write_file,
};
use crate::model::schema::AttrKind;
use crate::model::{
    AnnId, Annotation, AttrValue, Authority, Body, DocId, Document, EntryId, Project, Slug, Target,
};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

/// The normalization database name used for registry entries without authority ids.
pub const MARGINALIA_RID: &str = "Marginalia";

/// Writes brat standoff folders.
pub struct BratExporter;

impl Exporter for BratExporter {
    fn id(&self) -> &'static str {
        "brat"
    }

    fn label(&self) -> &'static str {
        "brat standoff"
    }

    fn export(
        &self,
        project: &Project,
        out_dir: &Path,
        progress: Progress<'_>,
    ) -> Result<ExportReport, ExportError> {
        check_names(project, out_dir)?;
        let mut files = vec![
            write_file(
                out_dir,
                "annotation.conf",
                annotation_conf(project).as_bytes(),
            )?,
            write_file(out_dir, "visual.conf", visual_conf(project).as_bytes())?,
        ];
        let mut omitted = Vec::new();
        let unlinked = project.registry.len() - linked_entries(project);
        if unlinked > 0 {
            omitted.push(format!(
                "brat cannot express registry entries that no mention links to: {unlinked} of {} entries in \"{}\"",
                project.registry.len(),
                project.info.name
            ));
        }
        if !project.registry.is_empty() {
            omitted.push(format!(
                "brat cannot express registry entries' types, aliases and notes (only names and authority ids, in N lines): {} entries in \"{}\"",
                project.registry.len(),
                project.info.name
            ));
        }
        let bases = document_bases(project);
        let n = project.documents.len().max(1);
        progress(0.0);
        for (i, doc) in project.documents.values().enumerate() {
            let base = &bases[&doc.id()];
            let text = doc.text_or_empty().as_str();
            files.push(write_file(
                out_dir,
                &format!("{base}.txt"),
                text.as_bytes(),
            )?);
            let (ann, lost) = document_ann_report(project, doc);
            super::omit_archival(&mut omitted, "brat", doc);
            omitted.extend(lost);
            files.push(write_file(out_dir, &format!("{base}.ann"), ann.as_bytes())?);
            progress((i + 1) as f32 / n as f32);
        }
        progress(1.0);
        Ok(ExportReport { files, omitted })
    }
}

/// The brat name for a slug. Plain slugs get a capital first letter (`agenda_point` →
/// `Agenda_point`); slugs made by [`slug_for`] from other brat names carry, after a final
/// `__`, flags that restore them exactly: `c` all capitals, `l` lowercase first letter,
/// `p` drop a leading `t` (names not starting with a letter), `u<i>` capital at char `i`,
/// `h<i>` hyphen at char `i` (`be_born__h2` → `Be-born`, `per__c` → `PER`).
pub fn brat_name(slug: &Slug) -> String {
    let s = slug.as_str();
    let (base, flags) = match s.rsplit_once("__") {
        Some((base, flags)) => match parse_flags(flags) {
            Some(f) => (base, f),
            None => (s, Flags::default()),
        },
        None => (s, Flags::default()),
    };
    let base = if flags.prefix {
        base.strip_prefix('t').unwrap_or(base)
    } else {
        base
    };
    let mut chars: Vec<char> = base.chars().collect();
    if flags.caps {
        for c in &mut chars {
            *c = c.to_ascii_uppercase();
        }
    } else if !flags.lower
        && let Some(c) = chars.first_mut()
    {
        *c = c.to_ascii_uppercase();
    }
    for &i in &flags.upper {
        if let Some(c) = chars.get_mut(i) {
            *c = c.to_ascii_uppercase();
        }
    }
    for &i in &flags.hyphen {
        if let Some(c) = chars.get_mut(i) {
            *c = '-';
        }
    }
    chars.into_iter().collect()
}

/// The slug for a brat name; `brat_name(&slug_for(n)) == n` for every name of ASCII
/// letters, digits, `_` and `-` (other characters become `_`, as brat itself stores them).
pub fn slug_for(name: &str) -> Slug {
    let chars: Vec<char> = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let letters: Vec<char> = chars
        .iter()
        .copied()
        .filter(char::is_ascii_alphabetic)
        .collect();
    let mut flags: Vec<String> = Vec::new();
    let caps = letters.len() > 1 && letters.iter().all(char::is_ascii_uppercase);
    if caps {
        flags.push("c".into());
    } else {
        if !chars.first().is_some_and(char::is_ascii_uppercase) {
            flags.push("l".into());
        }
        for (i, c) in chars.iter().enumerate().skip(1) {
            if c.is_ascii_uppercase() {
                flags.push(format!("u{i}"));
            }
        }
    }
    for (i, c) in chars.iter().enumerate() {
        if *c == '-' {
            flags.push(format!("h{i}"));
        }
    }
    let mut base: String = chars
        .iter()
        .map(|c| {
            if *c == '-' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    if !base.starts_with(|c: char| c.is_ascii_lowercase()) {
        base.insert(0, 't');
        flags.push("p".into());
    }
    // `l` alone on a name that starts with a non-letter is implied by `p`.
    if flags.iter().any(|f| f == "p") && !chars.first().is_some_and(char::is_ascii_alphabetic) {
        flags.retain(|f| f != "l");
    }
    if flags.is_empty() && !base.contains("__") && !base.ends_with('_') {
        Slug(base)
    } else {
        Slug(format!("{base}__{}", flags.join("_")))
    }
}

#[derive(Default)]
struct Flags {
    caps: bool,
    lower: bool,
    prefix: bool,
    upper: Vec<usize>,
    hyphen: Vec<usize>,
}

fn parse_flags(s: &str) -> Option<Flags> {
    let mut f = Flags::default();
    if s.is_empty() {
        return Some(f);
    }
    for tok in s.split('_') {
        match tok {
            "c" => f.caps = true,
            "l" => f.lower = true,
            "p" => f.prefix = true,
            t if t.len() > 1 && t.starts_with('u') => f.upper.push(t[1..].parse().ok()?),
            t if t.len() > 1 && t.starts_with('h') => f.hyphen.push(t[1..].parse().ok()?),
            _ => return None,
        }
    }
    Some(f)
}

/// Fails when two schema ids would get the same brat name.
fn check_names(project: &Project, out_dir: &Path) -> Result<(), ExportError> {
    let s = &project.schema;
    let mut seen: HashMap<String, &Slug> = HashMap::new();
    let ids = s
        .entity_types
        .iter()
        .map(|t| &t.id)
        .chain(s.event_types.iter().map(|t| &t.id))
        .chain(s.relation_types.iter().map(|t| &t.id));
    for id in ids {
        if let Some(other) = seen.insert(brat_name(id), id)
            && other != id
        {
            return Err(ExportError::Format {
                path: out_dir.join("annotation.conf"),
                message: format!(
                    "types \"{other}\" and \"{id}\" would both be called \"{}\" in brat",
                    brat_name(id)
                ),
            });
        }
    }
    Ok(())
}

/// A brat attribute value: whitespace, `|` and `,` become `_`.
pub fn brat_value(v: &str) -> String {
    v.chars()
        .map(|c| {
            if c.is_whitespace() || c == '|' || c == ',' {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// The normalization database name brat files use for an authority.
pub fn authority_rid(a: &Authority) -> &str {
    match a {
        Authority::Wikidata => "Wikidata",
        Authority::Viaf => "VIAF",
        Authority::Gnd => "GND",
        Authority::GeoNames => "GeoNames",
        Authority::Lcnaf => "LCNAF",
        Authority::Other(s) => s,
    }
}

/// File names without extension, per document, relative to the export folder: the source
/// path without `.txt` (`sources/cable.txt` → `sources/cable`), else `document-<id>`;
/// made unique with `-2`, `-3` ….
pub fn document_bases(project: &Project) -> BTreeMap<DocId, String> {
    let mut used = std::collections::HashSet::new();
    let mut out = BTreeMap::new();
    for doc in project.documents.values() {
        let base = match &doc.meta.source {
            Some(src) => {
                let p = src.path.as_str();
                p.strip_suffix(".txt").unwrap_or(p).to_owned()
            }
            None => format!("document-{}", doc.id()),
        };
        let mut name = base.clone();
        let mut n = 2;
        while !used.insert(name.to_lowercase()) {
            name = format!("{base}-{n}");
            n += 1;
        }
        out.insert(doc.id(), name);
    }
    out
}

fn type_list(types: &[Slug]) -> String {
    if types.is_empty() {
        "<ANY>".to_owned()
    } else {
        types.iter().map(brat_name).collect::<Vec<_>>().join("|")
    }
}

/// `annotation.conf` for the project's schema.
pub fn annotation_conf(project: &Project) -> String {
    let s = &project.schema;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# brat annotation configuration generated by Marginalia from the schema of \"{}\".\n",
        project.info.name.replace('\n', " ")
    );
    out.push_str("[entities]\n\n");
    for t in &s.entity_types {
        let _ = writeln!(out, "{}", brat_name(&t.id));
    }
    out.push_str("\n[relations]\n\n");
    for r in &s.relation_types {
        let _ = write!(
            out,
            "{}\tArg1:{}, Arg2:{}",
            brat_name(&r.id),
            type_list(&r.from),
            type_list(&r.to)
        );
        if r.symmetric {
            out.push_str(", <REL-TYPE>:symmetric-transitive");
        }
        out.push('\n');
    }
    out.push_str("\n[events]\n\n");
    for e in &s.event_types {
        out.push_str(&brat_name(&e.id));
        let roles: Vec<String> = e
            .roles
            .iter()
            .map(|r| {
                let marker = match (r.min, r.max) {
                    (1, Some(1)) => String::new(),
                    (0, Some(1)) => "?".into(),
                    (0, None) => "*".into(),
                    (1, None) => "+".into(),
                    (a, Some(b)) if a == b => format!("{{{a}}}"),
                    (a, Some(b)) => format!("{{{a}-{b}}}"),
                    (_, None) => "+".into(),
                };
                format!("{}{marker}:{}", brat_name(&r.id), type_list(&r.fillers))
            })
            .collect();
        if !roles.is_empty() {
            out.push('\t');
            out.push_str(&roles.join(", "));
        }
        out.push('\n');
    }
    out.push_str("\n[attributes]\n\n");
    for a in &s.attributes {
        let arg = type_list(&a.applies_to);
        match &a.kind {
            AttrKind::YesNo => {
                let _ = writeln!(out, "{}\tArg:{arg}", brat_name(&a.id));
            }
            AttrKind::Choice(values) => {
                let vals: Vec<String> = values.iter().map(|v| brat_value(v)).collect();
                let _ = writeln!(
                    out,
                    "{}\tArg:{arg}, Value:{}",
                    brat_name(&a.id),
                    vals.join("|")
                );
            }
            AttrKind::Text | AttrKind::Number | AttrKind::Date => {
                let _ = writeln!(
                    out,
                    "# {} ({}) is written as an AnnotatorNotes line",
                    brat_name(&a.id),
                    a.label.replace('\n', " ")
                );
            }
        }
    }
    out
}

fn label_text(s: &str) -> String {
    s.replace(['|', '\n', '\t'], " ")
}

/// `visual.conf`: labels and colors of types, labels of roles and attributes.
pub fn visual_conf(project: &Project) -> String {
    let s = &project.schema;
    let mut out =
        String::from("# brat visual configuration generated by Marginalia.\n\n[labels]\n\n");
    let mut seen = std::collections::HashSet::new();
    let mut label = |out: &mut String, id: &Slug, l: &str| {
        let name = brat_name(id);
        if seen.insert(name.clone()) {
            let _ = writeln!(out, "{name} | {}", label_text(l));
        }
    };
    for t in &s.entity_types {
        label(&mut out, &t.id, &t.label);
    }
    for t in &s.event_types {
        label(&mut out, &t.id, &t.label);
    }
    for t in &s.relation_types {
        label(&mut out, &t.id, &t.label);
    }
    for t in &s.event_types {
        for r in &t.roles {
            label(&mut out, &r.id, &r.label);
        }
    }
    for a in &s.attributes {
        label(&mut out, &a.id, &a.label);
    }
    out.push_str("\n[drawing]\n\n");
    out.push_str("SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken\n");
    out.push_str("ARC_DEFAULT\tcolor:black, arrowHead:triangle-5\n\n");
    for t in &s.entity_types {
        let _ = writeln!(out, "{}\tbgColor:{}", brat_name(&t.id), t.color);
    }
    for t in &s.event_types {
        let _ = writeln!(out, "{}\tbgColor:{}", brat_name(&t.id), t.color);
    }
    for t in &s.relation_types {
        let _ = write!(out, "{}\tcolor:{}", brat_name(&t.id), t.color);
        if t.symmetric {
            out.push_str(", arrowHead:none");
        }
        out.push('\n');
    }
    out
}

/// The order annotations are written in: by position of their anchor, then id.
fn position_key(a: &Annotation) -> (usize, std::cmp::Reverse<usize>, AnnId) {
    match a.anchor() {
        Some(anchor) => {
            let e = anchor.extent();
            (e.start, std::cmp::Reverse(e.end), a.id)
        }
        None => (usize::MAX, std::cmp::Reverse(0), a.id),
    }
}

fn fragments_field(a: &crate::model::TextAnchor) -> String {
    a.fragments
        .iter()
        .map(|s| format!("{} {}", s.start, s.end))
        .collect::<Vec<_>>()
        .join(";")
}

fn text_field(a: &crate::model::TextAnchor, doc: &Document) -> String {
    a.covered_text(doc.text_or_empty()).replace('\n', " ")
}

/// How many registry entries at least one mention links to.
fn linked_entries(project: &Project) -> usize {
    let linked: std::collections::HashSet<EntryId> = project
        .documents
        .values()
        .flat_map(|d| d.annotations.values())
        .filter_map(|a| a.as_mention().and_then(|m| m.entry))
        .filter(|e| project.registry.contains_key(e))
        .collect();
    linked.len()
}

/// The `.ann` text for one document.
pub fn document_ann(project: &Project, doc: &Document) -> String {
    document_ann_report(project, doc).0
}

/// The `.ann` text for one document, and what it leaves out (see [`ExportReport`]).
pub fn document_ann_report(project: &Project, doc: &Document) -> (String, Vec<String>) {
    const BRAT: &str = "brat";
    let mut omitted = Vec::new();
    let schema = &project.schema;
    let mut anchored: Vec<&Annotation> = doc
        .annotations
        .values()
        .filter(|a| a.anchor().is_some())
        .collect();
    anchored.sort_by_key(|a| position_key(a));

    // Pass 1: brat ids. Triggers with the same type and fragments share one T line.
    let mut brat_id: HashMap<AnnId, String> = HashMap::new();
    let mut entry_ref: HashMap<EntryId, String> = HashMap::new();
    let mut trigger_t: HashMap<AnnId, (String, bool)> = HashMap::new();
    let mut trigger_by_span: HashMap<(Slug, Vec<crate::model::Span>), String> = HashMap::new();
    let (mut nt, mut ne, mut nr) = (0, 0, 0);
    for a in &anchored {
        match &a.body {
            Body::Mention(m) => {
                nt += 1;
                brat_id.insert(a.id, format!("T{nt}"));
                if let Some(e) = m.entry {
                    entry_ref.entry(e).or_insert_with(|| format!("T{nt}"));
                }
            }
            Body::Event(ev) => {
                let Some(trig) = &ev.trigger else { continue };
                let key = (ev.type_id.clone(), trig.fragments.clone());
                let (t, new) = match trigger_by_span.get(&key) {
                    Some(t) => (t.clone(), false),
                    None => {
                        nt += 1;
                        let t = format!("T{nt}");
                        trigger_by_span.insert(key, t.clone());
                        (t, true)
                    }
                };
                trigger_t.insert(a.id, (t, new));
                ne += 1;
                brat_id.insert(a.id, format!("E{ne}"));
            }
            Body::Relation(_) => {}
        }
    }
    for a in doc.annotations.values() {
        if let Body::Event(ev) = &a.body
            && ev.trigger.is_none()
        {
            omitted.push(omission(
                BRAT,
                "an event without a trigger",
                project,
                doc,
                a,
            ));
        }
    }
    let is_symmetric = |ty: &Slug| schema.relation(ty).is_some_and(|r| r.symmetric);
    let mut relations: Vec<(&Annotation, String, String)> = Vec::new();
    let mut equiv: BTreeMap<Slug, Vec<(String, String)>> = BTreeMap::new();
    for a in doc.annotations.values() {
        let Body::Relation(r) = &a.body else { continue };
        let (Some(from), Some(to)) = (
            reference(&brat_id, &entry_ref, &r.from),
            reference(&brat_id, &entry_ref, &r.to),
        ) else {
            omitted.push(omission(
                BRAT,
                "a relation whose argument is a registry entry no mention in the document links to, or an annotation not written",
                project,
                doc,
                a,
            ));
            continue;
        };
        if is_symmetric(&r.type_id) {
            omit_parts(
                &mut omitted,
                "brat (a symmetric relation, written as a `*` line without id)",
                &[
                    Part::Attributes,
                    Part::Note,
                    Part::Certainty,
                    Part::Annotator,
                ],
                project,
                doc,
                a,
            );
            equiv
                .entry(r.type_id.clone())
                .or_default()
                .push((from.clone(), to.clone()));
        } else {
            relations.push((a, from.clone(), to.clone()));
        }
    }
    for (a, _, _) in &relations {
        nr += 1;
        brat_id.insert(a.id, format!("R{nr}"));
    }

    // Pass 2: lines.
    let mut out = String::new();
    let mut written: Vec<&Annotation> = Vec::new();
    for a in &anchored {
        match &a.body {
            Body::Mention(m) => {
                let _ = writeln!(
                    out,
                    "{}\t{} {}\t{}",
                    brat_id[&a.id],
                    brat_name(&m.type_id),
                    fragments_field(&m.anchor),
                    text_field(&m.anchor, doc)
                );
                written.push(a);
            }
            Body::Event(ev) => {
                let Some(trig) = &ev.trigger else { continue };
                let (t, new) = &trigger_t[&a.id];
                if *new {
                    let _ = writeln!(
                        out,
                        "{t}\t{} {}\t{}",
                        brat_name(&ev.type_id),
                        fragments_field(trig),
                        text_field(trig, doc)
                    );
                }
                let _ = write!(out, "{}\t{}:{t}", brat_id[&a.id], brat_name(&ev.type_id));
                for (role, fillers) in &ev.roles {
                    let name = brat_name(role);
                    for f in fillers
                        .iter()
                        .filter(|t| reference(&brat_id, &entry_ref, t).is_none())
                    {
                        omitted.push(omission(
                            BRAT,
                            &format!(
                                "the {} role filler \"{}\" (a registry entry no mention in the document links to, or an annotation not written)",
                                project.schema.event(&ev.type_id).and_then(|t| t.role(role)).map_or(role.as_str(), |r| r.label.as_str()),
                                project.target_label(doc.id(), f)
                            ),
                            project,
                            doc,
                            a,
                        ));
                    }
                    for (i, f) in fillers
                        .iter()
                        .filter_map(|t| reference(&brat_id, &entry_ref, t))
                        .enumerate()
                    {
                        if i == 0 {
                            let _ = write!(out, " {name}:{f}");
                        } else {
                            let _ = write!(out, " {name}{}:{f}", i + 1);
                        }
                    }
                }
                out.push('\n');
                written.push(a);
            }
            Body::Relation(_) => {}
        }
    }
    for (a, from, to) in &relations {
        let _ = writeln!(
            out,
            "{}\t{} Arg1:{from} Arg2:{to}\t",
            brat_id[&a.id],
            brat_name(a.type_id())
        );
        written.push(a);
    }
    for (ty, pairs) in &equiv {
        for group in connected_groups(pairs) {
            let _ = writeln!(out, "*\t{} {}", brat_name(ty), group.join(" "));
        }
    }

    let (mut na, mut nn, mut nnote) = (0, 0, 0);
    let mut attrs = String::new();
    let mut norms = String::new();
    let mut notes = String::new();
    for a in &written {
        omit_parts(
            &mut omitted,
            BRAT,
            &[Part::Certainty, Part::Annotator, Part::Date],
            project,
            doc,
            a,
        );
        let id = &brat_id[&a.id];
        let mut note_lines: Vec<String> = Vec::new();
        for (attr, value) in &a.attributes {
            let name = brat_name(attr);
            match value {
                AttrValue::YesNo(true) => {
                    na += 1;
                    let _ = writeln!(attrs, "A{na}\t{name} {id}");
                }
                AttrValue::YesNo(false) => {}
                AttrValue::Choice(v) => {
                    na += 1;
                    let _ = writeln!(attrs, "A{na}\t{name} {id} {}", brat_value(v));
                }
                other => {
                    let label = schema
                        .attribute(attr)
                        .map_or(attr.as_str(), |d| d.label.as_str());
                    note_lines.push(format!("{label}: {other}"));
                }
            }
        }
        if let Body::Mention(m) = &a.body
            && let Some(entry_id) = m.entry
        {
            if !project.registry.contains_key(&entry_id) {
                omitted.push(omission(
                    BRAT,
                    "a link to a missing registry entry",
                    project,
                    doc,
                    a,
                ));
            }
            for (rid, eid, name) in normalizations(project, entry_id) {
                nn += 1;
                let _ = writeln!(norms, "N{nn}\tReference {id} {rid}:{eid}\t{name}");
            }
        }
        if !a.note.is_empty() {
            note_lines.extend(a.note.split('\n').map(str::to_owned));
        }
        for line in note_lines {
            nnote += 1;
            let _ = writeln!(notes, "#{nnote}\tAnnotatorNotes {id}\t{line}");
        }
    }
    out.push_str(&attrs);
    out.push_str(&norms);
    out.push_str(&notes);
    (out, omitted)
}

/// The brat id standing for a role filler or relation argument: the annotation's own, or
/// for a registry entry the first mention (by position) in the document linked to it.
fn reference<'a>(
    ids: &'a HashMap<AnnId, String>,
    entry_ref: &'a HashMap<EntryId, String>,
    t: &Target,
) -> Option<&'a String> {
    match t {
        Target::Annotation(id) => ids.get(id),
        Target::Entry(e) => entry_ref.get(e),
    }
}

/// `(RID, EID, name)` for each N line of a mention linked to `entry`.
fn normalizations(project: &Project, entry: EntryId) -> Vec<(String, String, String)> {
    let Some(e) = project.registry.get(&entry) else {
        return Vec::new();
    };
    let name = e.name.replace(['\n', '\t'], " ");
    if e.authority.is_empty() {
        return vec![(MARGINALIA_RID.to_owned(), e.id.to_string(), name)];
    }
    e.authority
        .iter()
        .map(|a| {
            (
                authority_rid(&a.scheme).to_owned(),
                a.id.clone(),
                name.clone(),
            )
        })
        .collect()
}

/// Groups of brat ids connected by the pairs, each in first-seen order.
fn connected_groups(pairs: &[(String, String)]) -> Vec<Vec<String>> {
    let mut order: Vec<String> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (a, b) in pairs {
        for x in [a, b] {
            if !index.contains_key(x.as_str()) {
                index.insert(x, order.len());
                order.push(x.clone());
            }
        }
    }
    let mut parent: Vec<usize> = (0..order.len()).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for (a, b) in pairs {
        let (x, y) = (
            find(&mut parent, index[a.as_str()]),
            find(&mut parent, index[b.as_str()]),
        );
        if x != y {
            parent[y.max(x)] = x.min(y);
        }
    }
    let mut groups: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (i, name) in order.iter().enumerate() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(name.clone());
    }
    groups.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in [
            "Person",
            "GPE",
            "PER",
            "Be-born",
            "Org-Arg",
            "Transfer-money",
            "Gene_expression",
            "Arg1",
            "protein",
            "1st",
            "_x",
            "-x",
            "a__b",
            "Trailing_",
            "ÄB",
            "X",
            "x",
            "MiXeD-Case_9",
        ] {
            let slug = slug_for(name);
            assert!(Slug::is_valid(slug.as_str()), "{name} → {slug}");
            let expect: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            assert_eq!(brat_name(&slug), expect, "{name} → {slug}");
        }
        assert_eq!(slug_for("Person").as_str(), "person");
        assert_eq!(slug_for("PER").as_str(), "per__c");
        assert_eq!(slug_for("Be-born").as_str(), "be_born__h2");
        assert_eq!(brat_name(&Slug::new("agenda_point")), "Agenda_point");
    }

    #[test]
    fn equivalence_groups() {
        let p = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        let g = connected_groups(&[p("T1", "T2"), p("T5", "T6"), p("T2", "T3")]);
        assert_eq!(g, vec![vec!["T1", "T2", "T3"], vec!["T5", "T6"]]);
    }
}
