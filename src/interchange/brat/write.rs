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
//! Type, role and attribute names: see [`brat_name`] and [`super::slug_for`], an invertible
//! pair.

use super::{ANNOTATOR_NOTES, MARGINALIA_RID, authority_rid, brat_name, brat_value, note_type};
use crate::interchange::export::{
    ExportError, ExportReport, Exporter, Output, Part, Progress, omission, omit_parts,
};
use crate::model::schema::AttrKind;
use crate::model::{
    AnnId, Annotation, AttrValue, Body, DocId, Document, EntryId, Project, Slug, Target,
};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

/// Writes brat standoff folders.
pub struct BratExporter;

impl Exporter for BratExporter {
    fn id(&self) -> &'static str {
        "brat"
    }

    fn label(&self) -> &'static str {
        "brat standoff"
    }

    fn write(
        &self,
        project: &Project,
        output: &mut Output,
        progress: Progress<'_>,
    ) -> Result<ExportReport, ExportError> {
        let out_dir = &output.dir().to_path_buf();
        check_names(project, out_dir)?;
        let mut files = vec![
            output.add(
                "annotation.conf",
                kept_or(project, "annotation.conf", annotation_conf),
            )?,
            output.add("visual.conf", kept_or(project, "visual.conf", visual_conf))?,
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
        // The `.ann` files are made per document in parallel, then added in document order.
        let made: Vec<(&Document, String, Vec<String>)> = project
            .documents
            .values()
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|doc| {
                let (ann, lost) = document_ann_report(project, doc);
                (doc, ann, lost)
            })
            .collect();
        for (i, (doc, ann, lost)) in made.into_iter().enumerate() {
            let base = bases.get(&doc.id()).ok_or_else(|| ExportError::Format {
                path: out_dir.clone(),
                message: format!("document \"{}\" has no file name", doc.meta.title),
            })?;
            let text = doc.text_or_empty().as_str();
            files.push(output.add(&format!("{base}.txt"), text.as_bytes().to_vec())?);
            crate::interchange::export::omit_archival(&mut omitted, "brat", doc);
            crate::interchange::facs::omit_facsimile(&mut omitted, "brat", project, doc);
            omitted.extend(lost);
            files.push(output.add(&format!("{base}.ann"), ann.into_bytes())?);
            progress((i + 1) as f32 / n as f32);
        }
        progress(1.0);
        Ok(ExportReport { files, omitted })
    }
}

/// Fails when two schema ids would get the same brat name in one namespace: span types
/// (entities and events) share one, relation types have their own (as in brat).
fn check_names(project: &Project, out_dir: &Path) -> Result<(), ExportError> {
    let s = &project.schema;
    let spans: Vec<&Slug> = s
        .entity_types
        .iter()
        .map(|t| &t.id)
        .chain(s.event_types.iter().map(|t| &t.id))
        .collect();
    let relations: Vec<&Slug> = s.relation_types.iter().map(|t| &t.id).collect();
    for ids in [spans, relations] {
        check_namespace(ids, out_dir)?;
    }
    Ok(())
}

fn check_namespace(ids: Vec<&Slug>, out_dir: &Path) -> Result<(), ExportError> {
    let mut seen: HashMap<String, &Slug> = HashMap::new();
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

/// The configuration file `file` as the user wrote it, where the project was imported
/// from brat and its schema has not changed since; else `generate`d from the schema.
fn kept_or(project: &Project, file: &str, generate: fn(&Project) -> String) -> Vec<u8> {
    match project.schema.origin("brat", file) {
        Some(text) => text.as_bytes().to_vec(),
        None => generate(project).into_bytes(),
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
            AttrKind::Text if note_type(&a.id).is_some() => {
                let _ = writeln!(
                    out,
                    "# {} notes are written as `#` lines of that type",
                    brat_name(&a.id)
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
    // A region mention without transcribed words has no span to write.
    let mut anchored: Vec<&Annotation> = doc
        .annotations
        .values()
        .filter(|a| a.anchor().is_some_and(|an| !an.fragments.is_empty()))
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
        let mut typed_notes: Vec<(String, String)> = Vec::new();
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
                AttrValue::Text(v) if note_type(attr).is_some() => {
                    let ty = note_type(attr).unwrap_or_else(|| brat_name(attr));
                    typed_notes.extend(v.split('\n').map(|l| (ty.clone(), l.to_owned())));
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
            let _ = writeln!(notes, "#{nnote}\t{ANNOTATOR_NOTES} {id}\t{line}");
        }
        for (ty, line) in typed_notes {
            nnote += 1;
            let _ = writeln!(notes, "#{nnote}\t{ty} {id}\t{line}");
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
    fn equivalence_groups() {
        let p = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        let g = connected_groups(&[p("T1", "T2"), p("T5", "T6"), p("T2", "T3")]);
        assert_eq!(g, vec![vec!["T1", "T2", "T3"], vec!["T5", "T6"]]);
    }
}
