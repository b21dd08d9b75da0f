//! brat standoff import: a folder of `.txt` + `.ann` files (searched recursively) with the
//! `annotation.conf` nearest to each (in its folder or a parent inside the imported
//! folder, as brat looks it up, never above it).
//!
//! The schema is built from every `annotation.conf` used (entities, events with role types
//! and cardinality, relations with argument types, attributes) and `visual.conf` (labels,
//! colors); a type, role or attribute found in an `.ann` file but not declared is added,
//! never dropped. Type names become slugs with [`slug_for`](super::slug_for), which export
//! inverts.
//!
//! `.ann` lines: `T` (with `;`-separated fragments) becomes a mention, or an event trigger
//! when an `E` line uses it (a `T` of an event type that no `E` uses becomes an event with
//! no roles); `E` an event, numbered roles numbered as the exporter numbers them (`Theme`,
//! `Theme2`) filling the base role in number order, any other numbering (`Theme1`, a
//! `Site2` pairing with the second theme) kept as a role of that name (its base role is made
//! optional where the event leaves it empty);
//! `R` a relation; `*` (equivalence) a chain of relations of a symmetric type; `A`/`M`
//! attributes (binary: yes/no; valued: a choice); `N` links the mention to a registry
//! entry, one per normalization id (`Marginalia:<id>` restores an exported entry); `#`
//! `AnnotatorNotes` the note (several join with line breaks), other note types (`Lemma`) a
//! text attribute per type ([`note_slug`](super::note_slug)). `[spans]` in
//! `annotation.conf` is read as `[entities]`. Offsets count code points of the `.txt` as
//! brat reads it (a BOM or `\r` counts) and are mapped onto the LF-normalized text; a
//! span whose text differs from the line's text is an error naming the file and line.
//! The abstract (`!`) nodes of brat's type hierarchies are not kept.

use super::{ANNOTATOR_NOTES, MARGINALIA_RID, note_slug, relation_slug_for, slug_for};
use crate::interchange::common::{SourceTree, copy_into, read_regular_text};
use crate::interchange::import::{ImportError, Importer};
use crate::model::schema::{
    AttrKind, AttributeDef, EntityType, EventType, RelationType, RoleSlot, SchemaOrigin,
};
use crate::model::{
    Alias, AliasKind, AnnId, Annotation, AttrValue, Authority, AuthorityId, Body, EntryId, Event,
    Mention, Project, Relation, Schema, Slug, SourceText, Span, Target, TextAnchor,
};
use crate::store;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Reads brat standoff folders.
pub struct BratImporter;

impl Importer for BratImporter {
    fn id(&self) -> &'static str {
        "brat"
    }

    fn label(&self) -> &'static str {
        "brat standoff"
    }

    fn import(
        &self,
        source: &Path,
        cx: &mut crate::interchange::import::ImportContext<'_>,
    ) -> Result<Project, ImportError> {
        let staging = cx.staging;
        if !source.is_dir() {
            return Err(ImportError::Invalid {
                path: source.to_path_buf(),
                message: "a brat import reads a folder of .txt and .ann files".into(),
            });
        }
        let tree = SourceTree::scan(source)?;
        let docs = find_documents(&tree)?;
        let mut b = Builder::default();
        let mut confs = BTreeSet::new();
        for (txt, _) in &docs {
            let dir = txt.parent().unwrap_or(source);
            if let Some(conf) = tree.nearest(dir, "annotation.conf") {
                confs.insert(conf);
            }
        }
        for conf in &confs {
            parse_annotation_conf(conf, &mut b)?;
            if let Some(visual) = tree.nearest(conf.parent().unwrap_or(source), "visual.conf") {
                parse_visual_conf(&visual, &mut b)?;
            }
        }
        // A single configuration (with its visual.conf) is kept verbatim for export; its
        // fingerprint is of the schema it alone declares, so types the .ann files add
        // (or any later change) make export generate the files instead.
        let kept = match confs.iter().collect::<Vec<_>>().as_slice() {
            [conf] => {
                let fingerprint = b.clone().finish().fingerprint();
                let mut kept = vec![origin("annotation.conf", conf, &fingerprint)?];
                if let Some(visual) = tree.nearest(conf.parent().unwrap_or(source), "visual.conf") {
                    kept.push(origin("visual.conf", &visual, &fingerprint)?);
                }
                kept
            }
            _ => Vec::new(),
        };
        let mut parsed = Vec::new();
        for (txt, ann) in docs {
            let lines = match &ann {
                Some(a) => parse_ann(a)?,
                None => Vec::new(),
            };
            b.register(&lines);
            parsed.push((txt, ann, lines));
        }
        let mut project = Project::new("");
        project.schema = b.finish();
        project.schema.origins = kept;
        let mut entries: HashMap<(String, String), EntryId> = HashMap::new();
        for (txt, ann, lines) in parsed {
            let dest = copy_into(&tree, &txt, staging)?;
            let mut doc = store::document_from_source(staging, &dest)?;
            if let Some(ann_path) = ann {
                let raw = read_regular_text(&txt)?;
                let text = doc.text.clone().unwrap_or_default();
                let anns =
                    build_annotations(&mut project, &mut entries, &ann_path, &lines, &raw, &text)?;
                doc.annotations = anns.into_iter().map(|a| (a.id, a)).collect();
            }
            project.documents.insert(doc.id(), doc);
        }
        Ok(project)
    }
}

/// `path`'s text kept as the brat file `file` of a schema with `fingerprint`.
fn origin(file: &str, path: &Path, fingerprint: &str) -> Result<SchemaOrigin, ImportError> {
    Ok(SchemaOrigin {
        format: "brat".into(),
        file: file.into(),
        text: read_text(path)?,
        fingerprint: fingerprint.into(),
    })
}

/// The `.txt` files of `tree` (sorted) with their `.ann`, if the tree has one.
fn find_documents(tree: &SourceTree) -> Result<Vec<(PathBuf, Option<PathBuf>)>, ImportError> {
    let mut txts = Vec::new();
    let mut anns = Vec::new();
    for p in tree.files() {
        match p.extension().and_then(|e| e.to_str()) {
            Some("txt") => txts.push(p.to_path_buf()),
            Some("ann") => anns.push(p.to_path_buf()),
            _ => {}
        }
    }
    let txt_set: HashSet<PathBuf> = txts.iter().cloned().collect();
    if let Some(orphan) = anns
        .iter()
        .find(|a| !txt_set.contains(&a.with_extension("txt")))
    {
        return Err(ImportError::Invalid {
            path: orphan.clone(),
            message: "this .ann file has no .txt beside it".into(),
        });
    }
    txts.sort();
    Ok(txts
        .into_iter()
        .map(|t| {
            let a = t.with_extension("ann");
            let ann = tree.contains(&a).then_some(a);
            (t, ann)
        })
        .collect())
}

// ---------------------------------------------------------------------------------------
// Configuration

/// A role as declared or found.
#[derive(Clone)]
struct RoleB {
    name: String,
    min: u32,
    max: Option<u32>,
    types: Vec<String>,
}

#[derive(Clone)]
struct EventB {
    name: String,
    roles: Vec<RoleB>,
}

#[derive(Clone)]
struct RelationB {
    name: String,
    from: Vec<String>,
    to: Vec<String>,
    symmetric: bool,
}

#[derive(Clone)]
struct AttrB {
    name: String,
    targets: Vec<String>,
    values: Option<Vec<String>>,
    /// A note type other than `AnnotatorNotes` (`#1\tLemma T1\tDelilah`): a text attribute.
    note: bool,
}

/// The schema being assembled, by brat names.
#[derive(Clone, Default)]
struct Builder {
    entities: Vec<String>,
    events: Vec<EventB>,
    relations: Vec<RelationB>,
    attributes: Vec<AttrB>,
    labels: HashMap<String, String>,
    colors: HashMap<String, String>,
}

fn push_unique(v: &mut Vec<String>, items: impl IntoIterator<Item = String>) {
    for i in items {
        if !v.contains(&i) {
            v.push(i);
        }
    }
}

impl Builder {
    fn is_event(&self, name: &str) -> bool {
        self.events.iter().any(|e| e.name == name)
    }

    fn is_entity(&self, name: &str) -> bool {
        self.entities.iter().any(|e| e == name)
    }

    fn entity(&mut self, name: &str) {
        if !self.is_entity(name) {
            self.entities.push(name.to_owned());
        }
    }

    fn event(&mut self, name: &str) -> &mut EventB {
        let i = match self.events.iter().position(|e| e.name == name) {
            Some(i) => i,
            None => {
                self.events.push(EventB {
                    name: name.to_owned(),
                    roles: Vec::new(),
                });
                self.events.len() - 1
            }
        };
        &mut self.events[i]
    }

    fn relation(&mut self, name: &str) -> &mut RelationB {
        let i = match self.relations.iter().position(|e| e.name == name) {
            Some(i) => i,
            None => {
                self.relations.push(RelationB {
                    name: name.to_owned(),
                    from: Vec::new(),
                    to: Vec::new(),
                    symmetric: false,
                });
                self.relations.len() - 1
            }
        };
        &mut self.relations[i]
    }

    fn attribute(&mut self, name: &str) -> &mut AttrB {
        let i = match self.attributes.iter().position(|e| e.name == name) {
            Some(i) => i,
            None => {
                self.attributes.push(AttrB {
                    name: name.to_owned(),
                    targets: Vec::new(),
                    values: None,
                    note: false,
                });
                self.attributes.len() - 1
            }
        };
        &mut self.attributes[i]
    }

    /// Adds what the lines of one `.ann` file use and the configuration does not declare.
    fn register(&mut self, lines: &[Line]) {
        let triggers: HashMap<&str, &str> = lines
            .iter()
            .filter_map(|l| match &l.kind {
                Kind::E { ty, trigger, .. } => Some((trigger.as_str(), ty.as_str())),
                _ => None,
            })
            .collect();
        let mut type_of: HashMap<&str, String> = HashMap::new();
        for l in lines {
            match &l.kind {
                Kind::T { ty, .. } => {
                    if let Some(ev) = triggers.get(l.id.as_str()) {
                        self.event(ev);
                        type_of.insert(&l.id, (*ev).to_owned());
                    } else {
                        if !self.is_event(ty) && !self.is_entity(ty) {
                            self.entity(ty);
                        }
                        type_of.insert(&l.id, ty.clone());
                    }
                }
                Kind::E { ty, args, .. } => {
                    let ev = self.event(ty);
                    let names = role_names(args, |r| ev.roles.iter().any(|x| x.name == r));
                    for (name, _) in &names {
                        // `Theme1` alone fills the place of a required `Theme`: the base
                        // role becomes optional, or the event would not pass `check`.
                        let base = split_role(name, |_| false).0;
                        if base != *name
                            && !names.iter().any(|(n, _)| *n == base)
                            && let Some(r) = ev.roles.iter_mut().find(|r| r.name == base)
                        {
                            r.min = 0;
                        }
                    }
                    for (name, _) in names {
                        if !ev.roles.iter().any(|r| r.name == name) {
                            // A numbered role kept under its own name (`Site2`) takes the
                            // filler types of its base role.
                            let base = split_role(&name, |_| false).0;
                            let types = ev
                                .roles
                                .iter()
                                .find(|r| r.name == base)
                                .map(|r| r.types.clone())
                                .unwrap_or_default();
                            ev.roles.push(RoleB {
                                name,
                                min: 0,
                                max: None,
                                types,
                            });
                        }
                    }
                    type_of.insert(&l.id, ty.clone());
                }
                Kind::R { ty, .. } => {
                    self.relation(ty);
                    type_of.insert(&l.id, ty.clone());
                }
                Kind::Equiv { ty, .. } => self.relation(ty).symmetric = true,
                Kind::Note { ty, .. }
                    if ty != ANNOTATOR_NOTES
                        && !self.attributes.iter().any(|a| a.note && &a.name == ty) =>
                {
                    self.attributes.push(AttrB {
                        name: ty.clone(),
                        targets: Vec::new(),
                        values: None,
                        note: true,
                    });
                }
                _ => {}
            }
        }
        let uses: Vec<(String, Option<String>, Option<String>)> = lines
            .iter()
            .filter_map(|l| match &l.kind {
                Kind::A {
                    name,
                    target,
                    value,
                } => Some((
                    name.clone(),
                    type_of.get(target.as_str()).cloned(),
                    value.clone(),
                )),
                _ => None,
            })
            .collect();
        for (name, target_type, value) in uses {
            let (is_ev, is_en) = target_type
                .as_ref()
                .map_or((false, false), |t| (self.is_event(t), self.is_entity(t)));
            let a = self.attribute(&name);
            if let Some(v) = value {
                push_unique(a.values.get_or_insert_with(Vec::new), [v]);
            }
            if let Some(t) = target_type {
                let covered = a.targets.iter().any(|x| {
                    x == &t
                        || x == "<ANY>"
                        || (is_ev && x == "<EVENT>")
                        || (is_en && x == "<ENTITY>")
                });
                if !covered {
                    a.targets.push(t);
                }
            }
        }
    }

    fn label(&self, name: &str) -> String {
        self.labels
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_owned())
    }

    fn color(&self, name: &str, i: usize) -> String {
        const PALETTE: [&str; 10] = [
            "#e4572e", "#4a7bd0", "#2e9e5b", "#c8912a", "#8a5cc2", "#a0522d", "#1b9aaa", "#d1495b",
            "#00798c", "#6c757d",
        ];
        self.colors
            .get(name)
            .cloned()
            .unwrap_or_else(|| PALETTE[i % PALETTE.len()].to_owned())
    }

    /// The schema, with `<ENTITY>`, `<EVENT>`, `<RELATION>` and `<ANY>` expanded.
    fn finish(mut self) -> Schema {
        // Types named in constraints but never declared become entity types.
        let mut referenced: Vec<String> = Vec::new();
        for e in &self.events {
            for r in &e.roles {
                referenced.extend(r.types.iter().cloned());
            }
        }
        for r in &self.relations {
            referenced.extend(r.from.iter().chain(&r.to).cloned());
        }
        for t in referenced {
            if !t.starts_with('<') && !self.is_event(&t) && !self.is_entity(&t) {
                self.entity(&t);
            }
        }
        let entity_slugs: Vec<Slug> = self.entities.iter().map(|n| slug_for(n)).collect();
        let event_slugs: Vec<Slug> = self.events.iter().map(|e| slug_for(&e.name)).collect();
        let span_type = |s: &Slug| entity_slugs.contains(s) || event_slugs.contains(s);
        let rel_slug = |name: &str| relation_slug_for(name, span_type);
        let relation_slugs: Vec<Slug> = self.relations.iter().map(|e| rel_slug(&e.name)).collect();
        let expand = |types: &[String], with_relations: bool| -> Vec<Slug> {
            if types.iter().any(|t| t == "<ANY>") {
                return Vec::new();
            }
            let mut out: Vec<Slug> = Vec::new();
            for t in types {
                let add: Vec<Slug> = match t.as_str() {
                    "<ENTITY>" => entity_slugs.clone(),
                    "<EVENT>" => event_slugs.clone(),
                    "<RELATION>" if with_relations => relation_slugs.clone(),
                    "<RELATION>" => Vec::new(),
                    other => vec![slug_for(other)],
                };
                for s in add {
                    if !out.contains(&s) {
                        out.push(s);
                    }
                }
            }
            out
        };
        let mut n = 0;
        let mut next = || {
            n += 1;
            n - 1
        };
        Schema {
            entity_types: self
                .entities
                .iter()
                .map(|name| EntityType {
                    id: slug_for(name),
                    label: self.label(name),
                    color: self.color(name, next()),
                    hotkey: None,
                    dated: false,
                    description: String::new(),
                })
                .collect(),
            event_types: self
                .events
                .iter()
                .map(|e| EventType {
                    id: slug_for(&e.name),
                    label: self.label(&e.name),
                    color: self.color(&e.name, next()),
                    hotkey: None,
                    roles: e
                        .roles
                        .iter()
                        .map(|r| RoleSlot {
                            id: slug_for(&r.name),
                            label: self.label(&r.name),
                            fillers: expand(&r.types, false),
                            min: r.min,
                            max: r.max,
                        })
                        .collect(),
                    description: String::new(),
                })
                .collect(),
            relation_types: self
                .relations
                .iter()
                .map(|r| RelationType {
                    id: rel_slug(&r.name),
                    label: self.label(&r.name),
                    color: self.color(&r.name, next()),
                    from: expand(&r.from, false),
                    to: expand(&r.to, false),
                    hotkey: None,
                    symmetric: r.symmetric,
                })
                .collect(),
            attributes: self
                .attributes
                .iter()
                .map(|a| AttributeDef {
                    id: if a.note {
                        note_slug(&a.name)
                    } else {
                        slug_for(&a.name)
                    },
                    label: self.label(&a.name),
                    kind: match &a.values {
                        _ if a.note => AttrKind::Text,
                        Some(v) => AttrKind::Choice(v.clone()),
                        None => AttrKind::YesNo,
                    },
                    applies_to: expand(&a.targets, true),
                })
                .collect(),
            origins: Vec::new(),
        }
    }
}

/// The role each argument of an `E` line fills, with its order within that role.
///
/// Numbered roles that count the way the exporter numbers (`Theme`, `Theme2`, `Theme3`)
/// fill their base role in number order. Any other numbering (`Theme1`, or `Site2` without
/// a `Site`, which pairs the site with the second theme) keeps each name as its own role,
/// so the numbers survive a round trip.
fn role_names(args: &[(String, String)], declared: impl Fn(&str) -> bool) -> Vec<(String, u32)> {
    // A numbered name whose base is declared counts under the base even when the name
    // itself was kept as a role (by another event), so each event groups the same way.
    let split: Vec<(String, u32)> = args
        .iter()
        .map(|(r, _)| {
            let (base, n) = split_role(r, |_| false);
            if base != *r && declared(&base) {
                (base, n)
            } else {
                split_role(r, &declared)
            }
        })
        .collect();
    let mut groups: HashMap<&str, Vec<(u32, &str)>> = HashMap::new();
    for ((base, n), (role, _)) in split.iter().zip(args) {
        groups.entry(base).or_default().push((*n, role));
    }
    let plain: HashSet<&str> = groups
        .iter()
        .filter(|(base, members)| {
            let mut members: Vec<(u32, &str)> = members.to_vec();
            members.sort_unstable();
            members.iter().enumerate().all(|(i, (_, role))| {
                if i == 0 {
                    role == *base
                } else {
                    *role == format!("{base}{}", i + 1)
                }
            })
        })
        .map(|(base, _)| *base)
        .collect();
    split
        .iter()
        .zip(args)
        .map(|((base, n), (role, _))| {
            if plain.contains(base.as_str()) {
                (base.clone(), *n)
            } else {
                (role.clone(), 1)
            }
        })
        .collect()
}

/// Splits `Theme2` into (`Theme`, 2); a declared name ending in digits is kept whole.
fn split_role(role: &str, declared: impl Fn(&str) -> bool) -> (String, u32) {
    if declared(role) {
        return (role.to_owned(), 1);
    }
    let base = role.trim_end_matches(|c: char| c.is_ascii_digit());
    if base.is_empty() || base.len() == role.len() {
        return (role.to_owned(), 1);
    }
    let n = role[base.len()..].parse().unwrap_or(1);
    (base.to_owned(), n)
}

fn read_text(path: &Path) -> Result<String, ImportError> {
    read_regular_text(path)
}

/// Parses the cardinality suffix of a role key: `?`, `*`, `+`, `{n}`, `{n-m}`, `{n-}`.
fn role_key(key: &str) -> Option<(String, u32, Option<u32>)> {
    if let Some(inner) = key.strip_suffix('}') {
        let (name, card) = inner.rsplit_once('{')?;
        let (min, max) = match card.split_once('-') {
            Some((a, "")) => (a.trim().parse().ok()?, None),
            Some((a, b)) => (a.trim().parse().ok()?, Some(b.trim().parse().ok()?)),
            None => {
                let n = card.trim().parse().ok()?;
                (n, Some(n))
            }
        };
        return Some((name.to_owned(), min, max));
    }
    Some(match key.chars().last()? {
        '?' => (key[..key.len() - 1].to_owned(), 0, Some(1)),
        '*' => (key[..key.len() - 1].to_owned(), 0, None),
        '+' => (key[..key.len() - 1].to_owned(), 1, None),
        _ => (key.to_owned(), 1, Some(1)),
    })
}

fn parse_annotation_conf(path: &Path, b: &mut Builder) -> Result<(), ImportError> {
    let text = read_text(path)?;
    let mut section = String::new();
    let mut macros: Vec<(String, String)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let syntax = |message: String| ImportError::Syntax {
            path: path.to_path_buf(),
            line: i + 1,
            message,
        };
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.chars().all(|c| c == '-') {
            continue;
        }
        if let Some(inner) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            section = inner.trim().to_ascii_lowercase();
            continue;
        }
        if trimmed.starts_with('<')
            && let Some((name, value)) = trimmed.split_once('=')
            && name.ends_with('>')
        {
            macros.push((name.trim().to_owned(), value.trim().to_owned()));
            continue;
        }
        let mut line = trimmed.to_owned();
        for (m, v) in &macros {
            line = line.replace(m.as_str(), v);
        }
        let (head, rest) = match line.split_once(char::is_whitespace) {
            Some((h, r)) => (h.to_owned(), r.trim().to_owned()),
            None => (line.clone(), String::new()),
        };
        let first = head.split('|').next().unwrap_or_default().trim();
        let is_abstract = first.starts_with('!');
        let name = first.trim_start_matches('!');
        if name.is_empty() {
            return Err(syntax("a type name is missing".into()));
        }
        let mut args: Vec<(String, Vec<String>)> = Vec::new();
        for arg in rest.split(',').map(str::trim).filter(|a| !a.is_empty()) {
            let (key, types) = arg
                .split_once(':')
                .ok_or_else(|| syntax(format!("argument \"{arg}\" is not KEY:TYPE")))?;
            let types: Vec<String> = types
                .split('|')
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect();
            args.push((key.trim().to_owned(), types));
        }
        match section.as_str() {
            "entities" | "spans" if !is_abstract && !name.starts_with('<') => b.entity(name),
            "events" if !is_abstract && !name.starts_with('<') => {
                let mut roles = Vec::new();
                for (key, types) in args {
                    let (role, min, max) = role_key(&key)
                        .ok_or_else(|| syntax(format!("cannot read role \"{key}\"")))?;
                    roles.push(RoleB {
                        name: role,
                        min,
                        max,
                        types,
                    });
                }
                let ev = b.event(name);
                for r in roles {
                    match ev.roles.iter_mut().find(|x| x.name == r.name) {
                        Some(x) => push_unique(&mut x.types, r.types),
                        None => ev.roles.push(r),
                    }
                }
            }
            "relations" if !name.starts_with('<') && name != "ENTITY-NESTING" => {
                let rel = b.relation(name);
                let mut position = 0;
                for (key, types) in args {
                    if key == "<REL-TYPE>" {
                        if types.iter().any(|t| t.contains("symmetric")) {
                            rel.symmetric = true;
                        }
                        continue;
                    }
                    if key.starts_with('<') {
                        continue;
                    }
                    let to_first = match key.as_str() {
                        "Arg1" => true,
                        "Arg2" => false,
                        _ => position == 0,
                    };
                    position += 1;
                    if to_first {
                        push_unique(&mut rel.from, types);
                    } else {
                        push_unique(&mut rel.to, types);
                    }
                }
            }
            "attributes" if !name.starts_with('<') => {
                let attr = b.attribute(name);
                for (key, types) in args {
                    match key.as_str() {
                        "Arg" => push_unique(&mut attr.targets, types),
                        "Value" => push_unique(attr.values.get_or_insert_with(Vec::new), types),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// `#rrggbb` from `#rgb` or `#rrggbb`, lowercase.
fn hex_color(s: &str) -> Option<String> {
    let hex = s.trim().strip_prefix('#')?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        6 => Some(format!("#{}", hex.to_ascii_lowercase())),
        3 => Some(format!(
            "#{}",
            hex.chars()
                .flat_map(|c| [c, c])
                .collect::<String>()
                .to_ascii_lowercase()
        )),
        _ => None,
    }
}

fn parse_visual_conf(path: &Path, b: &mut Builder) -> Result<(), ImportError> {
    let text = read_text(path)?;
    let mut section = String::new();
    for raw in text.lines() {
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(inner) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            section = inner.trim().to_ascii_lowercase();
            continue;
        }
        match section.as_str() {
            "labels" => {
                let terms: Vec<&str> = trimmed.split('|').map(str::trim).collect();
                if let [name, label, ..] = terms.as_slice()
                    && !label.is_empty()
                {
                    b.labels.insert((*name).to_owned(), (*label).to_owned());
                }
            }
            "drawing" => {
                let Some((name, rest)) = trimmed.split_once(char::is_whitespace) else {
                    continue;
                };
                for kv in rest.split(',') {
                    if let Some((k, v)) = kv.trim().split_once(':')
                        && (k == "bgColor" || k == "color")
                        && let Some(c) = hex_color(v)
                    {
                        b.colors.entry(name.to_owned()).or_insert(c);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// .ann files

/// One line of an `.ann` file.
struct Line {
    no: usize,
    id: String,
    kind: Kind,
}

enum Kind {
    T {
        ty: String,
        spans: Vec<(usize, usize)>,
        text: String,
    },
    E {
        ty: String,
        trigger: String,
        args: Vec<(String, String)>,
    },
    R {
        ty: String,
        args: Vec<(String, String)>,
    },
    Equiv {
        ty: String,
        members: Vec<String>,
    },
    A {
        name: String,
        target: String,
        value: Option<String>,
    },
    N {
        target: String,
        rid: String,
        eid: String,
        text: String,
    },
    Note {
        /// `AnnotatorNotes`, or another note type (`Lemma`).
        ty: String,
        target: String,
        text: String,
    },
}

fn parse_ann(path: &Path) -> Result<Vec<Line>, ImportError> {
    let text = read_text(path)?;
    let mut out = Vec::new();
    let mut ids = HashSet::new();
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.trim().is_empty() {
            continue;
        }
        let line = parse_line(raw).map_err(|message| ImportError::Syntax {
            path: path.to_path_buf(),
            line: i + 1,
            message,
        })?;
        if line.id != "*" && !ids.insert(line.id.clone()) {
            return Err(ImportError::Syntax {
                path: path.to_path_buf(),
                line: i + 1,
                message: format!("id {} is used twice", line.id),
            });
        }
        out.push(Line { no: i + 1, ..line });
    }
    Ok(out)
}

fn pair(tok: &str) -> Result<(String, String), String> {
    tok.split_once(':')
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .ok_or_else(|| format!("\"{tok}\" is not ROLE:ID"))
}

fn parse_line(raw: &str) -> Result<Line, String> {
    let (id, rest) = raw
        .split_once('\t')
        .ok_or("expected a tab after the annotation id")?;
    let id = id.trim().to_owned();
    let (fields, text) = match rest.split_once('\t') {
        Some((f, t)) => (f, Some(t)),
        None => (rest, None),
    };
    let toks: Vec<&str> = fields.split_whitespace().collect();
    let kind = match id.chars().next() {
        Some('T') => {
            let (ty, spans) = fields
                .trim()
                .split_once(' ')
                .ok_or("expected TYPE START END")?;
            let mut parsed = Vec::new();
            for frag in spans.split(';') {
                let nums: Vec<&str> = frag.split_whitespace().collect();
                let [a, b] = nums.as_slice() else {
                    return Err(format!("\"{frag}\" is not START END"));
                };
                let (a, b): (usize, usize) = (
                    a.parse().map_err(|_| format!("\"{a}\" is not an offset"))?,
                    b.parse().map_err(|_| format!("\"{b}\" is not an offset"))?,
                );
                if a > b {
                    return Err(format!("span {a} {b} ends before it starts"));
                }
                parsed.push((a, b));
            }
            Kind::T {
                ty: ty.to_owned(),
                spans: parsed,
                text: text.ok_or("the text field is missing")?.to_owned(),
            }
        }
        Some('E') => {
            let (first, args) = toks.split_first().ok_or("expected TYPE:TRIGGER")?;
            let (ty, trigger) = pair(first)?;
            Kind::E {
                ty,
                trigger,
                args: args.iter().map(|t| pair(t)).collect::<Result<_, _>>()?,
            }
        }
        Some('R') => {
            let (ty, args) = toks.split_first().ok_or("expected TYPE ARG1:ID ARG2:ID")?;
            let args: Vec<(String, String)> =
                args.iter().map(|t| pair(t)).collect::<Result<_, _>>()?;
            if args.len() != 2 {
                return Err("a relation needs two arguments".into());
            }
            Kind::R {
                ty: (*ty).to_owned(),
                args,
            }
        }
        Some('*') => {
            let (ty, members) = toks.split_first().ok_or("expected TYPE ID ID …")?;
            if members.len() < 2 {
                return Err("an equivalence needs two or more ids".into());
            }
            Kind::Equiv {
                ty: (*ty).to_owned(),
                members: members.iter().map(|m| (*m).to_owned()).collect(),
            }
        }
        Some('A' | 'M') => match toks.as_slice() {
            [name, target] => Kind::A {
                name: (*name).to_owned(),
                target: (*target).to_owned(),
                value: None,
            },
            [name, target, value] => Kind::A {
                name: (*name).to_owned(),
                target: (*target).to_owned(),
                value: Some((*value).to_owned()),
            },
            _ => return Err("expected NAME ID [VALUE]".into()),
        },
        Some('N') => match toks.as_slice() {
            [_, target, reference] => {
                let (rid, eid) = pair(reference)?;
                Kind::N {
                    target: (*target).to_owned(),
                    rid,
                    eid,
                    text: text.unwrap_or_default().to_owned(),
                }
            }
            _ => return Err("expected Reference ID DB:ID".into()),
        },
        Some('#') => match toks.as_slice() {
            [ty, target] => Kind::Note {
                ty: (*ty).to_owned(),
                target: (*target).to_owned(),
                text: text.unwrap_or_default().to_owned(),
            },
            _ => return Err("expected AnnotatorNotes ID".into()),
        },
        _ => return Err(format!("unknown annotation kind \"{id}\"")),
    };
    Ok(Line { no: 0, id, kind })
}

/// Maps code-point offsets in the raw `.txt` (BOM and `\r` counted, as brat counts them)
/// to offsets in the LF-normalized text.
struct OffsetMap {
    raw: Vec<char>,
    /// `None` when the two coincide.
    map: Option<Vec<usize>>,
}

impl OffsetMap {
    fn new(raw: &str) -> Self {
        let raw: Vec<char> = raw.chars().collect();
        let needs = raw.first() == Some(&'\u{feff}') || raw.contains(&'\r');
        let map = needs.then(|| {
            let mut map = Vec::with_capacity(raw.len() + 1);
            let mut n = 0;
            for (i, &c) in raw.iter().enumerate() {
                map.push(n);
                let skip =
                    (i == 0 && c == '\u{feff}') || (c == '\n' && i > 0 && raw[i - 1] == '\r');
                if !skip {
                    n += 1;
                }
            }
            map.push(n);
            map
        });
        Self { raw, map }
    }

    fn len(&self) -> usize {
        self.raw.len()
    }

    fn to_normalized(&self, raw: usize) -> usize {
        self.map.as_ref().map_or(raw, |m| m[raw])
    }

    fn raw_slice(&self, a: usize, b: usize) -> String {
        self.raw[a..b].iter().collect()
    }
}

fn build_annotations(
    project: &mut Project,
    entries: &mut HashMap<(String, String), EntryId>,
    path: &Path,
    lines: &[Line],
    raw: &str,
    text: &SourceText,
) -> Result<Vec<Annotation>, ImportError> {
    let err = |line: usize, message: String| ImportError::Syntax {
        path: path.to_path_buf(),
        line,
        message,
    };
    let offsets = OffsetMap::new(raw);
    let by_id: HashMap<&str, &Line> = lines.iter().map(|l| (l.id.as_str(), l)).collect();
    // Which T lines are event triggers, and of which events.
    let mut trigger_of: HashMap<&str, &str> = HashMap::new();
    for l in lines {
        if let Kind::E { trigger, .. } = &l.kind {
            trigger_of.entry(trigger.as_str()).or_insert(l.id.as_str());
        }
    }
    let schema = &project.schema;
    let mut ann_id: HashMap<&str, AnnId> = HashMap::new();
    for l in lines {
        match &l.kind {
            Kind::T { .. } if trigger_of.contains_key(l.id.as_str()) => {}
            Kind::T { .. } | Kind::E { .. } | Kind::R { .. } => {
                ann_id.insert(&l.id, AnnId::new());
            }
            _ => {}
        }
    }
    for (t, e) in &trigger_of {
        if let Some(id) = ann_id.get(e).copied() {
            ann_id.insert(t, id);
        }
    }
    let resolve = |line: usize, id: &str| -> Result<AnnId, ImportError> {
        ann_id
            .get(id)
            .copied()
            .ok_or_else(|| err(line, format!("refers to {id}, which is not defined")))
    };
    let anchor = |l: &Line| -> Result<TextAnchor, ImportError> {
        let Kind::T {
            spans, text: said, ..
        } = &l.kind
        else {
            return Err(err(l.no, format!("{} is not a text span", l.id)));
        };
        let mut norm = Vec::new();
        let mut found = Vec::new();
        for &(a, b) in spans {
            if b > offsets.len() {
                return Err(err(
                    l.no,
                    format!(
                        "span {a} {b} lies outside the text of {} characters",
                        offsets.len()
                    ),
                ));
            }
            found.push(offsets.raw_slice(a, b));
            norm.push(Span::new(
                offsets.to_normalized(a),
                offsets.to_normalized(b),
            ));
        }
        let found = found.join(" ");
        let flat = found.replace("\r\n", " ").replace(['\r', '\n'], " ");
        if &found != said && &flat != said {
            return Err(err(
                l.no,
                format!("the offsets cover \"{found}\" but the line says \"{said}\""),
            ));
        }
        TextAnchor::new(text, &norm).map_err(|e| err(l.no, e.to_string()))
    };

    let mut anns: Vec<Annotation> = Vec::new();
    let mut index: HashMap<AnnId, usize> = HashMap::new();
    let mut push = |anns: &mut Vec<Annotation>, a: Annotation| {
        index.insert(a.id, anns.len());
        anns.push(a);
    };
    for l in lines {
        match &l.kind {
            Kind::T { ty, .. } => {
                if trigger_of.contains_key(l.id.as_str()) {
                    continue;
                }
                let slug = slug_for(ty);
                let body = if schema.event(&slug).is_some() {
                    Body::Event(Event {
                        type_id: slug,
                        trigger: Some(anchor(l)?),
                        roles: BTreeMap::new(),
                        date: None,
                    })
                } else {
                    Body::Mention(Mention {
                        type_id: slug,
                        anchor: anchor(l)?,
                        entry: None,
                        date: None,
                    })
                };
                let mut a = Annotation::new(body);
                a.id = ann_id[l.id.as_str()];
                push(&mut anns, a);
            }
            Kind::E { ty, trigger, args } => {
                let trig = by_id
                    .get(trigger.as_str())
                    .ok_or_else(|| err(l.no, format!("trigger {trigger} is not defined")))?;
                let type_id = slug_for(ty);
                let declared = schema.event(&type_id);
                let mut numbered: BTreeMap<Slug, Vec<(u32, Target)>> = BTreeMap::new();
                let names = role_names(args, |r| {
                    declared.is_some_and(|d| d.role(&slug_for(r)).is_some())
                });
                for ((base, n), (_, id)) in names.into_iter().zip(args) {
                    numbered
                        .entry(slug_for(&base))
                        .or_default()
                        .push((n, Target::Annotation(resolve(l.no, id)?)));
                }
                let roles = numbered
                    .into_iter()
                    .map(|(k, mut v)| {
                        v.sort_by_key(|(n, _)| *n);
                        (k, v.into_iter().map(|(_, t)| t).collect())
                    })
                    .collect();
                let mut a = Annotation::new(Body::Event(Event {
                    type_id,
                    trigger: Some(anchor(trig)?),
                    roles,
                    date: None,
                }));
                a.id = ann_id[l.id.as_str()];
                push(&mut anns, a);
            }
            Kind::R { ty, args } => {
                let pick = |name: &str, pos: usize| {
                    args.iter()
                        .find(|(k, _)| k == name)
                        .unwrap_or(&args[pos])
                        .1
                        .clone()
                };
                let (from, to) = (pick("Arg1", 0), pick("Arg2", 1));
                let mut a = Annotation::new(Body::Relation(Relation {
                    type_id: relation_slug_for(ty, |s| {
                        schema.relation(s).is_none() && schema.kind_of(s).is_some()
                    }),
                    from: Target::Annotation(resolve(l.no, &from)?),
                    to: Target::Annotation(resolve(l.no, &to)?),
                }));
                a.id = ann_id[l.id.as_str()];
                push(&mut anns, a);
            }
            Kind::Equiv { ty, members } => {
                for w in members.windows(2) {
                    let a = Annotation::new(Body::Relation(Relation {
                        type_id: relation_slug_for(ty, |s| {
                            schema.relation(s).is_none() && schema.kind_of(s).is_some()
                        }),
                        from: Target::Annotation(resolve(l.no, &w[0])?),
                        to: Target::Annotation(resolve(l.no, &w[1])?),
                    }));
                    push(&mut anns, a);
                }
            }
            _ => {}
        }
    }
    for l in lines {
        let target = match &l.kind {
            Kind::A { target, .. } | Kind::N { target, .. } | Kind::Note { target, .. } => {
                resolve(l.no, target)?
            }
            _ => continue,
        };
        let a = &mut anns[index[&target]];
        match &l.kind {
            Kind::A { name, value, .. } => {
                let v = match value {
                    Some(v) => AttrValue::Choice(v.clone()),
                    None => AttrValue::YesNo(true),
                };
                a.attributes.insert(slug_for(name), v);
            }
            Kind::Note { ty, text, .. } if ty == ANNOTATOR_NOTES => {
                if !a.note.is_empty() {
                    a.note.push('\n');
                }
                a.note.push_str(text);
            }
            Kind::Note { ty, text, .. } => {
                let slot = a
                    .attributes
                    .entry(note_slug(ty))
                    .or_insert_with(|| AttrValue::Text(String::new()));
                if let AttrValue::Text(t) = slot {
                    if !t.is_empty() {
                        t.push('\n');
                    }
                    t.push_str(text);
                }
            }
            Kind::N { rid, eid, text, .. } => {
                let Body::Mention(m) = &mut a.body else {
                    return Err(err(
                        l.no,
                        "only text-bound entity annotations can be normalized here".into(),
                    ));
                };
                let key = (rid.clone(), eid.clone());
                let entry_id = match (entries.get(&key), m.entry) {
                    (Some(&e), None) => e,
                    (Some(&e), Some(current)) if e == current => e,
                    (Some(_), Some(_)) => {
                        return Err(err(
                            l.no,
                            "this mention is normalized to two different entries".into(),
                        ));
                    }
                    (None, current) => {
                        let id = match current {
                            Some(c) => c,
                            None if rid == MARGINALIA_RID => {
                                eid.parse().unwrap_or_else(|_| EntryId::new())
                            }
                            None => EntryId::new(),
                        };
                        let entry = project.registry.entry(id).or_insert_with(|| {
                            let mut e = crate::model::Entry::new(m.type_id.clone(), text.clone());
                            e.id = id;
                            e
                        });
                        if rid != MARGINALIA_RID {
                            entry.authority.push(AuthorityId {
                                scheme: Authority::parse(rid),
                                id: eid.clone(),
                            });
                        }
                        entries.insert(key, id);
                        id
                    }
                };
                m.entry = Some(entry_id);
                if let Some(entry) = project.registry.get_mut(&entry_id)
                    && !entry.names().any(|n| n == text)
                    && !text.is_empty()
                {
                    entry.aliases.push(Alias {
                        name: text.clone(),
                        kind: AliasKind::Variant,
                        note: String::new(),
                    });
                }
            }
            _ => {}
        }
    }
    Ok(anns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_keys() {
        assert_eq!(role_key("Theme+"), Some(("Theme".into(), 1, None)));
        assert_eq!(role_key("Cause?"), Some(("Cause".into(), 0, Some(1))));
        assert_eq!(
            role_key("Person-Arg{2}"),
            Some(("Person-Arg".into(), 2, Some(2)))
        );
        assert_eq!(role_key("X{1-3}"), Some(("X".into(), 1, Some(3))));
        assert_eq!(role_key("X*"), Some(("X".into(), 0, None)));
        assert_eq!(role_key("X"), Some(("X".into(), 1, Some(1))));
        assert_eq!(split_role("Theme2", |_| false), ("Theme".into(), 2));
        assert_eq!(split_role("Arg1", |r| r == "Arg1"), ("Arg1".into(), 1));
    }

    #[test]
    fn crlf_and_bom_offsets() {
        let m = OffsetMap::new("\u{feff}ab\r\ncd");
        // raw: BOM a b \r \n c d ; normalized: a b \n c d
        assert_eq!(m.to_normalized(1), 0);
        assert_eq!(m.to_normalized(5), 3);
        assert_eq!(m.to_normalized(7), 5);
    }

    #[test]
    fn malformed_lines() {
        assert!(parse_line("T1 Person 0 3\tabc").is_err());
        assert!(parse_line("T1\tPerson 0 x\tabc").is_err());
        assert!(parse_line("T1\tPerson 3 0\tabc").is_err());
        assert!(parse_line("R1\tRel Arg1:T1").is_err());
        assert!(parse_line("X1\tFoo").is_err());
        assert!(parse_line("E1\tEv:T1 Theme").is_err());
        assert!(parse_line("T1\tPerson 0 3;5 8\tabc def").is_ok());
    }
}
