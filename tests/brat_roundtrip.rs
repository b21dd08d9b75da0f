//! brat corpora round trip: import, save, load, export brat; every T, E, R, *, A, N and #
//! line comes back with the same offsets and text.
//!
//! brat ids are not preserved (Marginalia names annotations by UUID), so lines are compared
//! as multisets after replacing every id by the content it names: a T by its type, offsets
//! and text; an E by its type, its trigger and its (role, argument) pairs; an R by its type
//! and arguments; and so on, recursively.
#![allow(clippy::unwrap_used)]

use marginalia::interchange::brat;
use marginalia::interchange::brat::slug_for;
use marginalia::interchange::export::{self, ExportOptions, Exporter};
use marginalia::interchange::formats;
use marginalia::interchange::import::{self, ImportError};
use marginalia::model::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The shared brat corpora: `$MARGINALIA_SHARED/corpora/brat`, else `../shared/corpora/brat`
/// beside the repository. Fails with the path when they are missing.
fn corpora() -> PathBuf {
    let shared = std::env::var_os("MARGINALIA_SHARED").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared")),
        PathBuf::from,
    );
    let p = shared.join("corpora/brat");
    assert!(
        p.is_dir(),
        "the brat corpora are missing: {} (set MARGINALIA_SHARED to the shared folder)",
        p.display()
    );
    p
}

/// The lines of an `.ann` file with ids replaced by what they name, sorted.
fn canonical(ann: &str) -> Vec<String> {
    let lines: Vec<Vec<&str>> = ann
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
        .collect();
    let by_id: HashMap<&str, &Vec<&str>> = lines.iter().map(|l| (l[0], l)).collect();
    fn name(by_id: &HashMap<&str, &Vec<&str>>, id: &str, depth: usize) -> String {
        assert!(depth < 20, "cycle at {id}");
        let l = by_id.get(id).unwrap_or_else(|| panic!("undefined id {id}"));
        let fields: Vec<&str> = l[1].split_whitespace().collect();
        match id.chars().next().unwrap() {
            'T' => format!("T[{}|{}]", l[1], l[2]),
            'E' => {
                let (ty, trig) = fields[0].split_once(':').unwrap();
                let mut args: Vec<String> = fields[1..]
                    .iter()
                    .map(|a| {
                        let (role, target) = a.split_once(':').unwrap();
                        format!("{role}={}", name(by_id, target, depth + 1))
                    })
                    .collect();
                args.sort();
                format!(
                    "E[{ty}|{}|{}]",
                    name(by_id, trig, depth + 1),
                    args.join(",")
                )
            }
            'R' => {
                let mut args: Vec<String> = fields[1..]
                    .iter()
                    .map(|a| {
                        let (role, target) = a.split_once(':').unwrap();
                        format!("{role}={}", name(by_id, target, depth + 1))
                    })
                    .collect();
                args.sort();
                format!("R[{}|{}]", fields[0], args.join(","))
            }
            _ => panic!("{id} cannot be referred to"),
        }
    }
    let mut out: Vec<String> = lines
        .iter()
        .map(|l| {
            let id = l[0];
            let fields: Vec<&str> = l[1].split_whitespace().collect();
            match id.chars().next().unwrap() {
                'T' | 'E' | 'R' => name(&by_id, id, 0),
                '*' => {
                    let mut members: Vec<String> =
                        fields[1..].iter().map(|m| name(&by_id, m, 0)).collect();
                    members.sort();
                    format!("*[{}|{}]", fields[0], members.join(","))
                }
                'A' | 'M' => format!(
                    "A[{}|{}|{}]",
                    fields[0],
                    name(&by_id, fields[1], 0),
                    fields.get(2).unwrap_or(&"")
                ),
                'N' => format!(
                    "N[{}|{}|{}|{}]",
                    fields[0],
                    name(&by_id, fields[1], 0),
                    fields[2],
                    l.get(2).unwrap_or(&"")
                ),
                '#' => format!(
                    "#[{}|{}|{}]",
                    fields[0],
                    name(&by_id, fields[1], 0),
                    l.get(2).unwrap_or(&"")
                ),
                other => panic!("unexpected line kind {other}"),
            }
        })
        .collect();
    out.sort();
    out
}

fn ann_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            ann_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "ann") {
            out.push(p);
        }
    }
}

/// Imports `collection`, reopens the saved project, exports it and compares every `.ann`.
fn round_trip(collection: &Path) -> usize {
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp.path().join("project");
    let importer = formats::importer("brat").unwrap();
    let file = import::run(importer.as_ref(), collection, &proj).unwrap();
    let loaded = marginalia::store::load(&file).unwrap();
    let out = tmp.path().join("export");
    brat::BratExporter
        .export(
            &loaded.project,
            &out,
            &ExportOptions::default(),
            &mut |_| {},
        )
        .unwrap();
    let mut originals = Vec::new();
    ann_files(collection, &mut originals);
    assert!(!originals.is_empty());
    let mut lines = 0;
    for orig in &originals {
        let rel = orig.strip_prefix(collection).unwrap();
        let exported = out.join(rel);
        let a = std::fs::read_to_string(orig).unwrap();
        let b = std::fs::read_to_string(&exported)
            .unwrap_or_else(|e| panic!("{}: {e}", exported.display()));
        let (ca, cb) = (canonical(&a), canonical(&b));
        assert_eq!(ca, cb, "{}", rel.display());
        lines += ca.len();
        let txt_a = std::fs::read_to_string(orig.with_extension("txt")).unwrap();
        let txt_b = std::fs::read_to_string(exported.with_extension("txt")).unwrap();
        assert_eq!(txt_a, txt_b, "{}", rel.display());
    }
    lines
}

#[test]
#[ignore = "needs ../shared/corpora/brat; run by .ci/checks/interchange_corpora.sh"]
fn news_tutorial_round_trips() {
    let c = corpora();
    let n = round_trip(&c.join("tutorials/news"));
    assert_eq!(n, 168);
}

#[test]
#[ignore = "needs ../shared/corpora/brat; run by .ci/checks/interchange_corpora.sh"]
fn bio_tutorial_round_trips() {
    let c = corpora();
    let n = round_trip(&c.join("tutorials/bio"));
    assert_eq!(n, 152);
}

#[test]
#[ignore = "needs ../shared/corpora/brat; run by .ci/checks/interchange_corpora.sh"]
fn conll2002_spanish_round_trips_with_the_conf_at_the_top() {
    let c = corpora();
    // The documents are in esp/, the annotation.conf one folder up: the import reads the
    // conf only inside the folder it imports, so it imports that folder.
    let n = round_trip(&c.join("corpora/CoNLL-ST_2002"));
    assert_eq!(n, 540);
}

#[test]
#[ignore = "needs ../shared/corpora/brat; run by .ci/checks/interchange_corpora.sh"]
fn imported_schema_follows_annotation_conf() {
    let c = corpora();
    let tmp = tempfile::tempdir().unwrap();
    let importer = formats::importer("brat").unwrap();
    let file = import::run(
        importer.as_ref(),
        &c.join("tutorials/news"),
        &tmp.path().join("p"),
    )
    .unwrap();
    let loaded = marginalia::store::load(&file).unwrap();
    let s = &loaded.project.schema;
    assert_eq!(slug_for("GPE").as_str(), "gpe__c");
    assert_eq!(slug_for("Person-Arg").as_str(), "person_arg__u7_h6");
    let gpe = s.entity(&slug_for("GPE")).unwrap();
    assert_eq!(gpe.label, "Geo-political entity");
    assert_eq!(gpe.color, "#ffd412");
    let marry = s.event(&Slug::new("marry")).unwrap();
    let person_arg = marry.role(&slug_for("Person-Arg")).unwrap();
    assert_eq!((person_arg.min, person_arg.max), (2, Some(2)));
    let merge = s.event(&slug_for("Merge-org")).unwrap();
    let org = merge.role(&slug_for("Org-Arg")).unwrap();
    assert_eq!((org.min, org.max), (1, None));
    assert_eq!(org.fillers, vec![Slug::new("organization")]);
    let die = s.event(&Slug::new("die")).unwrap();
    let agent = die.role(&slug_for("Agent-Arg")).unwrap();
    assert_eq!((agent.min, agent.max), (0, Some(1)));
    assert_eq!(agent.fillers.len(), 3, "the <POG> macro expands");
    let report = s.event(&Slug::new("report")).unwrap();
    let ev_arg = report.role(&slug_for("Event-Arg")).unwrap();
    assert!(ev_arg.fillers.contains(&slug_for("Merge-org")));
    assert!(
        s.event(&Slug::new("life")).is_none(),
        "abstract nodes are dropped"
    );
    let located = s.relation(&Slug::new("located")).unwrap();
    assert_eq!(located.from, vec![Slug::new("person")]);
    assert_eq!(located.to, vec![slug_for("GPE")]);
    assert!(s.relation(&Slug::new("alias")).unwrap().symmetric);
    let mention = s.attribute(&Slug::new("mention")).unwrap();
    assert_eq!(
        mention.kind,
        schema::AttrKind::Choice(vec!["Name".into(), "Nominal".into(), "Other".into()])
    );
    assert_eq!(
        s.attribute(&Slug::new("negation")).unwrap().kind,
        schema::AttrKind::YesNo
    );
    // The normalization became a registry entry with its authority id and name.
    let entry = loaded
        .project
        .registry
        .values()
        .find(|e| e.name == "Carlos Salinas de Gortari")
        .unwrap();
    assert_eq!(entry.authority[0].id, "64488");
    assert_eq!(
        entry.authority[0].scheme,
        Authority::Other("Wikipedia".into())
    );
    assert_eq!(loaded.project.mentions_of(entry.id).len(), 1);
}

fn brat_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (name, content) in files {
        std::fs::write(d.path().join(name), content).unwrap();
    }
    d
}

fn import_err(files: &[(&str, &str)]) -> ImportError {
    let src = brat_dir(files);
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("p");
    let importer = formats::importer("brat").unwrap();
    let e = import::run(importer.as_ref(), src.path(), &dest).unwrap_err();
    assert!(!dest.exists(), "a failed import left {}", dest.display());
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
    e
}

#[test]
fn malformed_line_names_file_and_line() {
    let e = import_err(&[
        ("a.txt", "Kim Il Sung"),
        ("a.ann", "T1\tPerson 0 3\tKim\nT2\tPerson 4 x\tIl\n"),
    ]);
    match &e {
        ImportError::Syntax { path, line, .. } => {
            assert!(path.ends_with("a.ann"), "{e}");
            assert_eq!(*line, 2);
        }
        other => panic!("{other}"),
    }
    assert!(e.to_string().contains("line 2"), "{e}");
}

#[test]
fn offsets_that_miss_the_text_are_an_error() {
    let e = import_err(&[
        ("a.txt", "Ким Ир Сен"),
        ("a.ann", "T1\tPerson 0 3\tКим\nT2\tPerson 4 7\tИр\n"),
    ]);
    match &e {
        ImportError::Syntax {
            path,
            line,
            message,
        } => {
            assert!(path.ends_with("a.ann"));
            assert_eq!(*line, 2);
            assert!(message.contains("\"Ир \""), "{message}");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn undefined_reference_is_an_error() {
    let e = import_err(&[
        ("a.txt", "Kim Il Sung"),
        ("a.ann", "T1\tPerson 0 3\tKim\nR1\tRel Arg1:T1 Arg2:T9\t\n"),
    ]);
    assert!(e.to_string().contains("T9"), "{e}");
}

#[test]
fn crlf_source_offsets_map_to_normalized_text_and_unknown_types_are_added() {
    // brat counts the \r; Marginalia's offsets do not.
    let src = brat_dir(&[
        ("a.txt", "To Cde.\r\nFILIPPOV 李克农\r\n"),
        (
            "a.ann",
            "T1\tAgent 9 17\tFILIPPOV\nT2\tAgent 18 21\t李克农\nT3\tSend 0 2\tTo\nE1\tSend:T3 Who:T1 Who2:T2\nA1\tFlag T1\nA2\tKind T2 Cover\n",
        ),
    ]);
    let out = tempfile::tempdir().unwrap();
    let importer = formats::importer("brat").unwrap();
    let file = import::run(importer.as_ref(), src.path(), &out.path().join("p")).unwrap();
    let loaded = marginalia::store::load(&file).unwrap();
    let doc = loaded.project.documents.values().next().unwrap();
    let text = doc.text.as_ref().unwrap();
    let quotes: Vec<&str> = doc
        .annotations
        .values()
        .filter_map(|a| a.as_mention())
        .map(|m| text.slice(m.anchor.extent().start, m.anchor.extent().end))
        .collect();
    assert_eq!(quotes, ["FILIPPOV", "李克农"]);
    let s = &loaded.project.schema;
    assert!(s.entity(&Slug::new("agent")).is_some());
    let send = s.event(&Slug::new("send")).unwrap();
    assert!(send.role(&Slug::new("who")).is_some());
    let ev = doc.annotations.values().find_map(|a| a.as_event()).unwrap();
    assert_eq!(ev.roles[&Slug::new("who")].len(), 2);
    assert_eq!(
        s.attribute(&Slug::new("kind")).unwrap().kind,
        schema::AttrKind::Choice(vec!["Cover".into()])
    );
    assert_eq!(s.problems(), Vec::<String>::new());
    // Exported again, offsets count the LF-normalized text.
    let exp = out.path().join("exp");
    brat::BratExporter
        .export(
            &loaded.project,
            &exp,
            &ExportOptions::default(),
            &mut |_| {},
        )
        .unwrap();
    let ann = std::fs::read_to_string(exp.join("a.ann")).unwrap();
    assert!(ann.contains("Agent 8 16\tFILIPPOV"), "{ann}");
    assert!(ann.contains("Who:T2 Who2:T3"), "{ann}");
    assert_eq!(
        std::fs::read_to_string(exp.join("a.txt")).unwrap(),
        "To Cde.\nFILIPPOV 李克农\n"
    );
}

mod offsets {
    use super::*;
    use proptest::prelude::*;

    fn project_with(text: &str, spans: &[Vec<Span>]) -> Project {
        let t = SourceText::from_str_normalizing(text);
        let mut doc = Document {
            meta: DocumentMeta {
                id: DocId::new(),
                title: "doc".into(),
                source: Some(SourceInfo {
                    path: RelPath::parse("doc.txt").unwrap(),
                    hash: String::new(),
                    line_ending: t.line_ending(),
                    bom: false,
                }),
                images: vec![],
                status: DocStatus::NotStarted,
                archival: ArchivalMeta::default(),
            },
            text: Some(t.clone()),
            annotations: Default::default(),
        };
        for s in spans {
            let a = Annotation::new(Body::Mention(Mention {
                type_id: Slug::new("person"),
                anchor: TextAnchor::new(&t, s).unwrap(),
                entry: None,
                date: None,
            }));
            doc.annotations.insert(a.id, a);
        }
        let mut p = Project::new("prop");
        p.documents.insert(doc.id(), doc);
        p
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        /// Mentions over Cyrillic, CJK, Korean, combining marks, emoji and CRLF text come
        /// back from a brat export and import with the same fragments and quotes.
        #[test]
        fn brat_offsets_round_trip(
            s in "(\\PC|\r\n|\n|e\u{301}|한|毛|Ж|😀| ){1,80}",
            picks in prop::collection::vec((0usize..1000, 1usize..6, any::<bool>()), 1..6),
        ) {
            let t = SourceText::from_str_normalizing(&s);
            let n = t.len_chars();
            let mut spans = Vec::new();
            for (a, len, two) in picks {
                let start = a % n;
                let end = (start + len).min(n);
                if start == end {
                    continue;
                }
                let mut frags = vec![Span::new(start, end)];
                if two && end + 2 < n {
                    frags.push(Span::new(end + 1, (end + 3).min(n)));
                }
                spans.push(frags);
            }
            let project = project_with(&s, &spans);
            let tmp = tempfile::tempdir().unwrap();
            brat::BratExporter
                .export(&project, &tmp.path().join("e"), &ExportOptions::default(), &mut |_| {})
                .unwrap();
            let importer = formats::importer("brat").unwrap();
            let file = import::run(importer.as_ref(), &tmp.path().join("e"), &tmp.path().join("p")).unwrap();
            let loaded = marginalia::store::load(&file).unwrap();
            let anchors = |p: &Project| {
                let mut v: Vec<(Vec<Span>, String)> = p
                    .documents
                    .values()
                    .flat_map(|d| d.annotations.values())
                    .filter_map(|a| a.anchor())
                    .map(|a| (a.fragments.clone(), a.quote.exact.clone()))
                    .collect();
                v.sort();
                v
            };
            prop_assert_eq!(anchors(&loaded.project), anchors(&project));
            let doc = loaded.project.documents.values().next().unwrap();
            prop_assert_eq!(doc.text.as_ref().unwrap().as_str(), t.as_str());
        }
    }
}

/// What the brat export of an annotation should come back as, independent of ids: a
/// mention by type and fragments, an event by type and trigger fragments.
type Key = (char, String, Vec<(usize, usize)>);

fn frags(a: &TextAnchor) -> Vec<(usize, usize)> {
    a.fragments.iter().map(|s| (s.start, s.end)).collect()
}

/// The brat round trip of a type, role or attribute id.
fn mapped(s: &Slug) -> String {
    slug_for(&brat::brat_name(s)).to_string()
}

fn key_of(a: &Annotation, original: bool) -> Option<Key> {
    let m = |s: &Slug| if original { mapped(s) } else { s.to_string() };
    match &a.body {
        Body::Mention(x) => Some(('M', m(&x.type_id), frags(&x.anchor))),
        Body::Event(e) => e.trigger.as_ref().map(|t| ('E', m(&e.type_id), frags(t))),
        Body::Relation(_) => None,
    }
}

/// Everything about one document that brat can hold, as comparable strings, sorted.
/// With `original`, the parts brat cannot hold are left out and the sentences the exporter
/// must report for them are pushed onto `expected_omissions`.
fn comparable(
    project: &Project,
    doc: &Document,
    original: bool,
    expected_omissions: &mut Vec<String>,
) -> Vec<String> {
    let mut out = Vec::new();
    let key = |t: &Target| match t {
        Target::Annotation(id) => doc.annotations.get(id).and_then(|a| key_of(a, original)),
        // The exporter writes an entry as the first mention (by position) linked to it.
        Target::Entry(e) if original => doc
            .annotations
            .values()
            .filter_map(|a| a.as_mention().map(|m| (a, m)))
            .filter(|(_, m)| m.entry == Some(*e))
            .min_by_key(|(a, m)| {
                let x = m.anchor.extent();
                (x.start, std::cmp::Reverse(x.end), a.id)
            })
            .and_then(|(a, _)| key_of(a, original)),
        Target::Entry(_) => None,
    };
    let mut omissions = Vec::new();
    let mut omit_as = |format: &str, what: &str, a: &Annotation| {
        omissions.push(export::omission(format, what, project, doc, a));
    };
    let mut symmetric: HashMap<String, Vec<(Key, Key)>> = HashMap::new();
    for a in doc.annotations.values() {
        // brat has no page images: the region is reported, a region without words is not written.
        if original && a.region.is_some() {
            omit_as("brat", "a region of a page image", a);
            if a.anchor().is_some_and(|an| an.fragments.is_empty()) {
                continue;
            }
        }
        let head = match &a.body {
            Body::Mention(m) => {
                let entry = m.entry.and_then(|e| project.registry.get(&e)).map(|e| {
                    let mut ids: Vec<String> = e
                        .authority
                        .iter()
                        .map(|x| format!("{}:{}", x.scheme.as_str(), x.id))
                        .collect();
                    ids.sort();
                    format!("{} {ids:?}", e.name.replace(['\n', '\t'], " "))
                });
                format!("mention {:?} entry {entry:?}", key_of(a, original))
            }
            Body::Event(e) => {
                if e.trigger.is_none() {
                    assert!(original, "a re-imported event always has a trigger");
                    omit_as("brat", "an event without a trigger", a);
                    continue;
                }
                let mut roles = Vec::new();
                for (role, fillers) in &e.roles {
                    for f in fillers {
                        match key(f) {
                            Some(k) => roles.push(format!(
                                "{}={k:?}",
                                if original {
                                    mapped(role)
                                } else {
                                    role.to_string()
                                }
                            )),
                            None => {
                                let label = project
                                    .schema
                                    .event(&e.type_id)
                                    .and_then(|t| t.role(role))
                                    .map_or(role.as_str(), |r| r.label.as_str());
                                omit_as(
                                    "brat",
                                    &format!(
                                        "the {label} role filler \"{}\" (a registry entry no mention in the document links to, or an annotation not written)",
                                        project.target_label(doc.id(), f)
                                    ),
                                    a,
                                );
                            }
                        }
                    }
                }
                format!("event {:?} roles {roles:?}", key_of(a, original))
            }
            Body::Relation(r) => {
                let (Some(from), Some(to)) = (key(&r.from), key(&r.to)) else {
                    omit_as(
                        "brat",
                        "a relation whose argument is a registry entry no mention in the document links to, or an annotation not written",
                        a,
                    );
                    continue;
                };
                let ty = if original {
                    mapped(&r.type_id)
                } else {
                    r.type_id.to_string()
                };
                if project
                    .schema
                    .relation(&r.type_id)
                    .is_some_and(|t| t.symmetric)
                {
                    symmetric.entry(ty).or_default().push((from, to));
                    if original {
                        for (present, what) in [
                            (!a.attributes.is_empty(), "attributes"),
                            (!a.note.is_empty(), "a note"),
                            (a.cert.is_some(), "certainty"),
                            (!a.resp.is_empty(), "the annotator"),
                        ] {
                            if present {
                                omit_as(
                                    "brat (a symmetric relation, written as a `*` line without id)",
                                    what,
                                    a,
                                );
                            }
                        }
                    }
                    continue;
                }
                format!("relation {ty} {from:?} -> {to:?}")
            }
        };
        // Attributes: yes/no and choices stay attributes; other kinds become note lines.
        let mut attrs = Vec::new();
        let mut note_lines = Vec::new();
        for (k, v) in &a.attributes {
            match v {
                AttrValue::YesNo(false) if original => {}
                AttrValue::YesNo(_) => attrs.push(format!(
                    "{}={v}",
                    if original { mapped(k) } else { k.to_string() }
                )),
                AttrValue::Choice(c) if original => {
                    attrs.push(format!("{}={}", mapped(k), brat::brat_value(c)))
                }
                AttrValue::Choice(c) => attrs.push(format!("{k}={c}")),
                other if original => {
                    let label = project
                        .schema
                        .attribute(k)
                        .map_or(k.as_str(), |d| d.label.as_str());
                    note_lines.push(format!("{label}: {other}"));
                }
                other => panic!("re-imported attribute {k}={other} was written as a note"),
            }
        }
        if !a.note.is_empty() {
            note_lines.extend(a.note.split('\n').map(str::to_owned));
        }
        if original {
            let date = match &a.body {
                Body::Mention(m) => m.date.is_some(),
                Body::Event(e) => e.date.is_some(),
                Body::Relation(_) => false,
            };
            for (present, what) in [
                (a.cert.is_some(), "certainty"),
                (!a.resp.is_empty(), "the annotator"),
                (date, "a normalized date"),
            ] {
                if present {
                    omit_as("brat", what, a);
                }
            }
        } else if !original {
            assert!(a.cert.is_none() && a.resp.is_empty(), "{a:?}");
        }
        out.push(format!(
            "{head} attrs {attrs:?} note {:?}",
            note_lines.join("\n")
        ));
    }
    // Symmetric relations: compare which annotations each type groups together.
    for (ty, pairs) in symmetric {
        let mut groups: Vec<Vec<Key>> = Vec::new();
        for (a, b) in pairs {
            let ia = groups.iter().position(|g| g.contains(&a));
            let ib = groups.iter().position(|g| g.contains(&b));
            match (ia, ib) {
                (None, None) => groups.push(vec![a, b]),
                (Some(i), None) => groups[i].push(b),
                (None, Some(i)) => groups[i].push(a),
                (Some(i), Some(j)) if i != j => {
                    let g = groups.remove(i.max(j));
                    groups[i.min(j)].extend(g);
                }
                _ => {}
            }
        }
        for mut g in groups {
            g.sort();
            out.push(format!("equivalent {ty} {g:?}"));
        }
    }
    out.sort();
    expected_omissions.extend(omissions);
    out
}

#[test]
fn sample_project_brat_reimport_equals_the_project() {
    let project_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951");
    let original = marginalia::store::load(&project_dir).unwrap().project;
    let tmp = tempfile::tempdir().unwrap();
    let exp = tmp.path().join("brat");
    let report = brat::BratExporter
        .export(&original, &exp, &ExportOptions::default(), &mut |_| {})
        .unwrap();
    let importer = formats::importer("brat").unwrap();
    let file = import::run(importer.as_ref(), &exp, &tmp.path().join("p")).unwrap();
    let back = marginalia::store::load(&file).unwrap().project;
    assert_eq!(back.documents.len(), original.documents.len());

    let mut expected_omissions = Vec::new();
    let mut compared = 0;
    for doc in original.documents.values() {
        let text = doc.text_or_empty().as_str();
        let other = back
            .documents
            .values()
            .find(|d| d.text_or_empty().as_str() == text)
            .unwrap_or_else(|| {
                panic!(
                    "no re-imported document has the text of \"{}\"",
                    doc.meta.title
                )
            });
        let want = comparable(&original, doc, true, &mut expected_omissions);
        let got = comparable(&back, other, false, &mut Vec::new());
        assert_eq!(got, want, "document \"{}\"", doc.meta.title);
        compared += want.len();
    }
    assert!(compared > 50, "only {compared} annotations compared");

    // Whatever did not come back is exactly what the report lists, and nothing else.
    let mut reported: Vec<String> = report
        .omitted
        .iter()
        .filter(|l| {
            !l.starts_with("brat cannot express registry entries")
                && !l.starts_with("brat cannot express the archival description")
                && !l.starts_with("brat cannot express page images")
                && !l.starts_with("brat cannot express page breaks")
        })
        .cloned()
        .collect();
    reported.sort();
    expected_omissions.sort();
    let missing: Vec<_> = expected_omissions
        .iter()
        .filter(|l| !reported.contains(l))
        .collect();
    let extra: Vec<_> = reported
        .iter()
        .filter(|l| !expected_omissions.contains(l))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "lost without a report: {missing:#?}\nreported but not lost: {extra:#?}"
    );
    assert_eq!(reported, expected_omissions);
    // Document metadata does not come back; the report names each described document.
    for doc in original.documents.values() {
        let line = format!(
            "brat cannot express the archival description of \"{}\"",
            doc.meta.title
        );
        assert_eq!(
            report.omitted.contains(&line),
            doc.meta.archival != ArchivalMeta::default(),
            "{line}"
        );
    }
    // Registry entries come back only through mentions' N lines; the report says so.
    let linked = back.registry.len();
    if linked < original.registry.len() {
        assert!(
            report.omitted.iter().any(|l| l.contains(&format!(
                "{} of {} entries",
                original.registry.len() - linked,
                original.registry.len()
            ))),
            "{:?}",
            report.omitted
        );
    }
}

/// brat keeps span and relation names apart: brat's own CoNLL-X corpus declares
/// `_question_` both as a span type and as a relation type. Both import (the relation's
/// slug carries the `r` flag) and both are written back under their brat name.
#[test]
fn a_span_type_and_a_relation_type_may_share_a_name() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("annotation.conf"),
        "[entities]\nPER\n_question_\n[relations]\n_question_\tArg1:PER, Arg2:_question_\n[events]\n[attributes]\n",
    )
    .unwrap();
    std::fs::write(src.join("a.txt"), "Who asked what ?\n").unwrap();
    let ann =
        "T1\tPER 0 3\tWho\nT2\t_question_ 4 15\tasked what \nR1\t_question_ Arg1:T1 Arg2:T2\t\n";
    std::fs::write(src.join("a.ann"), ann).unwrap();
    let importer = formats::importer("brat").unwrap();
    let file = import::run(importer.as_ref(), &src, &tmp.path().join("p")).unwrap();
    let p = marginalia::store::load(&file).unwrap().project;
    let rel = &p.schema.relation_types[0];
    assert_eq!(rel.label, "_question_");
    assert!(
        p.schema
            .entity(&marginalia::interchange::brat::slug_for("_question_"))
            .is_some()
    );
    assert_ne!(
        rel.id,
        marginalia::interchange::brat::slug_for("_question_")
    );
    let out = tmp.path().join("out");
    formats::exporter("brat")
        .unwrap()
        .export(&p, &out, &ExportOptions::default(), &mut |_| {})
        .unwrap();
    let back = std::fs::read_to_string(out.join("a.ann")).unwrap();
    assert!(back.contains("\t_question_ 4 15\t"), "{back}");
    assert!(back.contains("\t_question_ Arg1:T"), "{back}");
    let conf = std::fs::read_to_string(out.join("annotation.conf")).unwrap();
    let relations = conf.split("[relations]").nth(1).unwrap();
    assert!(relations.contains("_question_"), "{conf}");
}
