//! brat corpora round trip: import, save, load, export brat; every T, E, R, *, A, N and #
//! line comes back with the same offsets and text.
//!
//! brat ids are not preserved (Marginalia names annotations by UUID), so lines are compared
//! as multisets after replacing every id by the content it names: a T by its type, offsets
//! and text; an E by its type, its trigger and its (role, argument) pairs; an R by its type
//! and arguments; and so on, recursively.
#![allow(clippy::unwrap_used)]

use marginalia::export::brat::slug_for;
use marginalia::export::{self, Exporter};
use marginalia::import::{self, ImportError};
use marginalia::model::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const CORPORA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpora/brat");

fn corpora() -> Option<PathBuf> {
    let p = PathBuf::from(CORPORA);
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("note: {CORPORA} is absent; skipping the brat corpus round trip");
        None
    }
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
    let importer = import::by_id("brat").unwrap();
    let file = import::run(importer.as_ref(), collection, &proj).unwrap();
    let loaded = marginalia::store::load(&file).unwrap();
    let out = tmp.path().join("export");
    export::brat::BratExporter
        .export(&loaded.project, &out, &mut |_| {})
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
fn news_tutorial_round_trips() {
    let Some(c) = corpora() else { return };
    let n = round_trip(&c.join("tutorials/news"));
    assert_eq!(n, 168);
}

#[test]
fn bio_tutorial_round_trips() {
    let Some(c) = corpora() else { return };
    let n = round_trip(&c.join("tutorials/bio"));
    assert_eq!(n, 152);
}

#[test]
fn conll2002_spanish_round_trips_with_parent_conf() {
    let Some(c) = corpora() else { return };
    // The documents are in esp/, the annotation.conf one folder up.
    let n = round_trip(&c.join("corpora/CoNLL-ST_2002/esp"));
    assert_eq!(n, 540);
}

#[test]
fn imported_schema_follows_annotation_conf() {
    let Some(c) = corpora() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let importer = import::by_id("brat").unwrap();
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
    let importer = import::by_id("brat").unwrap();
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
    let importer = import::by_id("brat").unwrap();
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
    export::brat::BratExporter
        .export(&loaded.project, &exp, &mut |_| {})
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
            export::brat::BratExporter
                .export(&project, &tmp.path().join("e"), &mut |_| {})
                .unwrap();
            let importer = import::by_id("brat").unwrap();
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
