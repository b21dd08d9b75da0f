//! Property tests: arbitrary projects survive save → load → save unchanged, byte for byte.
#![allow(clippy::unwrap_used)]

use marginalia::model::schema::EntityType;
use marginalia::model::*;
use marginalia::session::Session;
use marginalia::store;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Text a user could type or paste: any scalar value, weighted towards the ones that are
/// hard to store (quotes, backslashes, raw-string terminators, line breaks, controls).
fn free_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "\\PC{0,6}",
        2 => any::<char>().prop_map(String::from),
        3 => prop::sample::select(vec![
            "\"", "\\", "\"#", "r#\"", "\"##", "#", "'", "\r", "\r\n", "\n", "\t", "\0",
            "\u{feff}", "\u{2028}", "\u{85}", "\u{202e}", "\u{200d}", "e\u{301}", "\u{301}",
            "Ли Кэ-нун", "李克农", "김일성", "👨\u{200d}👩\u{200d}👧", "🇰🇷", "\\u{301}",
            "/*", "*/", "//", ")", "(", ",", "\u{7f}", "\u{1b}[31m", "\u{fffd}",
        ])
        .prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..5).prop_map(|v| v.concat())
}

/// The pieces source texts are made of: every script the project targets, and every
/// line-ending style.
fn source_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "Comrade FILIPPOV ", "товарищ Сталин ", "李克农 ", "毛泽东", "김일성 ", "평양",
            "re\u{301}sume\u{301} ", "\u{301}", "😀", "🇰🇷", "👨\u{200d}👩\u{200d}👧",
            "\r\n", "\r", "\n", "\"#", "\\", "'", "\t", "\u{feff}",
        ])
        .prop_map(String::from),
        1 => "\\PC{1,8}",
        1 => any::<char>().prop_map(String::from),
    ]
}

#[derive(Clone, Debug)]
struct SourcePlan {
    bom: bool,
    text: String,
}

fn source_plan() -> impl Strategy<Value = SourcePlan> {
    (any::<bool>(), prop::collection::vec(source_piece(), 0..40)).prop_map(|(bom, v)| SourcePlan {
        bom,
        text: v.concat(),
    })
}

fn slug() -> impl Strategy<Value = Slug> {
    "[a-z][a-z0-9_]{0,10}".prop_map(Slug::new)
}

fn date() -> impl Strategy<Value = NormalizedDate> {
    let iso = prop_oneof![
        3 => "1[89][0-9]{2}(-(0[1-9]|1[0-2])(-[0-2][1-9](T[0-2][0-9]:[0-5][0-9](:[0-5][0-9])?)?)?)?",
        1 => free_text(),
    ];
    (
        prop::option::of(iso.clone()),
        prop::option::of(iso.clone()),
        prop::option::of(iso),
    )
        .prop_map(|(when, not_before, not_after)| NormalizedDate {
            when,
            not_before,
            not_after,
        })
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("NaN is never equal to itself", |f| !f.is_nan()),
        prop::sample::select(vec![
            0.0,
            -0.0,
            1.0,
            0.1,
            1e300,
            -1e-300,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            9_007_199_254_740_993.0,
        ]),
    ]
}

fn attr_value() -> impl Strategy<Value = AttrValue> {
    prop_oneof![
        free_text().prop_map(AttrValue::Choice),
        free_text().prop_map(AttrValue::Text),
        number().prop_map(AttrValue::Number),
        any::<bool>().prop_map(AttrValue::YesNo),
        date().prop_map(AttrValue::Date),
    ]
}

fn certainty() -> impl Strategy<Value = Option<Certainty>> {
    prop::option::of(prop::sample::select(Certainty::ALL.to_vec()))
}

/// An annotation without ids: indices into the document's mentions and the registry are
/// resolved when the project is built.
#[derive(Clone, Debug)]
enum BodyPlan {
    Mention {
        type_id: Slug,
        spans: Vec<(usize, usize)>,
        entry: Option<usize>,
        date: Option<NormalizedDate>,
    },
    Event {
        type_id: Slug,
        trigger: Option<Vec<(usize, usize)>>,
        roles: Vec<(Slug, Vec<(bool, usize)>)>,
        date: Option<NormalizedDate>,
    },
    Relation {
        type_id: Slug,
        from: (bool, usize),
        to: (bool, usize),
    },
}

#[derive(Clone, Debug)]
struct AnnPlan {
    body: BodyPlan,
    attributes: BTreeMap<Slug, AttrValue>,
    note: String,
    cert: Option<Certainty>,
    resp: String,
}

fn spans() -> impl Strategy<Value = Vec<(usize, usize)>> {
    prop::collection::vec((any::<usize>(), 1usize..12), 1..4)
}

fn body_plan() -> impl Strategy<Value = BodyPlan> {
    let target = (any::<bool>(), any::<usize>());
    prop_oneof![
        4 => (slug(), spans(), prop::option::of(any::<usize>()), prop::option::of(date()))
            .prop_map(|(type_id, spans, entry, date)| BodyPlan::Mention { type_id, spans, entry, date }),
        1 => (
            slug(),
            prop::option::of(spans()),
            prop::collection::vec((slug(), prop::collection::vec(target, 0..3)), 0..4),
            prop::option::of(date()),
        )
            .prop_map(|(type_id, trigger, roles, date)| BodyPlan::Event { type_id, trigger, roles, date }),
        1 => (slug(), target, target)
            .prop_map(|(type_id, from, to)| BodyPlan::Relation { type_id, from, to }),
    ]
}

fn ann_plan() -> impl Strategy<Value = AnnPlan> {
    (
        body_plan(),
        prop::collection::btree_map(slug(), attr_value(), 0..4),
        free_text(),
        certainty(),
        free_text(),
    )
        .prop_map(|(body, attributes, note, cert, resp)| AnnPlan {
            body,
            attributes,
            note,
            cert,
            resp,
        })
}

#[derive(Clone, Debug)]
struct DocPlan {
    source: Option<SourcePlan>,
    title: String,
    status: DocStatus,
    archival: ArchivalMeta,
    anns: Vec<AnnPlan>,
}

fn archival() -> impl Strategy<Value = ArchivalMeta> {
    (
        (free_text(), free_text(), free_text(), free_text()),
        (
            free_text(),
            free_text(),
            free_text(),
            prop::option::of(date()),
        ),
    )
        .prop_map(
            |((archive, collection, call_number, citation), (url, lang, note, date))| {
                ArchivalMeta {
                    archive,
                    collection,
                    call_number,
                    citation,
                    url,
                    original_language: lang,
                    translation_note: note,
                    date,
                    ..ArchivalMeta::default()
                }
            },
        )
}

fn doc_plan() -> impl Strategy<Value = DocPlan> {
    (
        prop::option::weighted(0.85, source_plan()),
        free_text(),
        prop::sample::select(DocStatus::ALL.to_vec()),
        archival(),
        prop::collection::vec(ann_plan(), 0..8),
    )
        .prop_map(|(source, title, status, archival, anns)| DocPlan {
            source,
            title,
            status,
            archival,
            anns,
        })
}

fn entry() -> impl Strategy<Value = Entry> {
    let alias = (
        free_text(),
        prop::sample::select(AliasKind::ALL.to_vec()),
        free_text(),
    )
        .prop_map(|(name, kind, note)| Alias { name, kind, note });
    let scheme = prop_oneof![
        prop::sample::select(vec![
            Authority::Wikidata,
            Authority::Viaf,
            Authority::Gnd,
            Authority::GeoNames,
            Authority::Lcnaf,
        ]),
        free_text().prop_map(Authority::Other),
    ];
    let authority = (scheme, free_text()).prop_map(|(scheme, id)| AuthorityId { scheme, id });
    (
        slug(),
        free_text(),
        prop::collection::vec(alias, 0..3),
        prop::collection::vec(authority, 0..3),
        free_text(),
    )
        .prop_map(|(type_id, name, aliases, authority, note)| {
            let mut e = Entry::new(type_id, name);
            e.aliases = aliases;
            e.authority = authority;
            e.note = note;
            e
        })
}

#[derive(Clone, Debug)]
struct ProjectPlan {
    name: String,
    description: String,
    extra_type: (Slug, String, String, Option<char>),
    entries: Vec<Entry>,
    docs: Vec<DocPlan>,
}

fn project_plan() -> impl Strategy<Value = ProjectPlan> {
    (
        free_text(),
        free_text(),
        (
            slug(),
            free_text(),
            free_text(),
            prop::option::of(any::<char>()),
        ),
        prop::collection::vec(entry(), 0..5),
        prop::collection::vec(doc_plan(), 1..5),
    )
        .prop_map(
            |(name, description, extra_type, entries, docs)| ProjectPlan {
                name,
                description,
                extra_type,
                entries,
                docs,
            },
        )
}

/// Resolves a plan's spans against `text`; `None` when the text is empty.
fn anchor(text: &SourceText, spans: &[(usize, usize)]) -> Option<TextAnchor> {
    let n = text.len_chars();
    if n == 0 {
        return None;
    }
    let spans: Vec<Span> = spans
        .iter()
        .map(|&(start, len)| {
            let start = start % n;
            Span::new(start, (start + len).min(n))
        })
        .collect();
    TextAnchor::new(text, &spans).ok()
}

/// Builds the project on disk (sources only) and in memory.
fn build(dir: &Path, plan: &ProjectPlan) -> Project {
    let mut project = Project::new(plan.name.clone());
    project.info.description = plan.description.clone();
    let (id, label, description, hotkey) = plan.extra_type.clone();
    project.schema.entity_types.push(EntityType {
        id,
        label,
        color: "#123456".into(),
        hotkey,
        dated: hotkey.is_some(),
        description,
    });
    let entries: Vec<EntryId> = plan
        .entries
        .iter()
        .map(|e| {
            project.registry.insert(e.id, e.clone());
            e.id
        })
        .collect();
    for (i, d) in plan.docs.iter().enumerate() {
        let mut doc = match &d.source {
            Some(src) => {
                let folder = dir.join(if i % 2 == 0 {
                    "sources"
                } else {
                    "источники/東京"
                });
                std::fs::create_dir_all(&folder).unwrap();
                let path = folder.join(format!("doc {i} «телеграмма».txt"));
                let mut bytes = if src.bom {
                    b"\xEF\xBB\xBF".to_vec()
                } else {
                    Vec::new()
                };
                bytes.extend_from_slice(src.text.as_bytes());
                std::fs::write(&path, bytes).unwrap();
                store::document_from_source(dir, &path).unwrap()
            }
            None => Document {
                meta: DocumentMeta {
                    id: DocId::new(),
                    title: String::new(),
                    source: None,
                    images: vec![RelPath::parse(&format!("images/{i}/страница 1.png")).unwrap()],
                    status: DocStatus::NotStarted,
                    archival: ArchivalMeta::default(),
                },
                text: None,
                annotations: BTreeMap::new(),
            },
        };
        doc.meta.title = d.title.clone();
        doc.meta.status = d.status;
        doc.meta.archival = d.archival.clone();
        let text = doc.text_or_empty().clone();
        let mut mentions: Vec<AnnId> = Vec::new();
        let target = |(entry, i): (bool, usize), mentions: &[AnnId]| {
            if entry || mentions.is_empty() {
                Target::Entry(
                    entries
                        .get(i % entries.len().max(1))
                        .copied()
                        .unwrap_or_default(),
                )
            } else {
                Target::Annotation(mentions[i % mentions.len()])
            }
        };
        for a in &d.anns {
            let body = match &a.body {
                BodyPlan::Mention {
                    type_id,
                    spans,
                    entry,
                    date,
                } => {
                    let Some(anchor) = anchor(&text, spans) else {
                        continue;
                    };
                    Body::Mention(Mention {
                        type_id: type_id.clone(),
                        anchor,
                        entry: entry.and_then(|e| entries.get(e % entries.len().max(1)).copied()),
                        date: date.clone(),
                    })
                }
                BodyPlan::Event {
                    type_id,
                    trigger,
                    roles,
                    date,
                } => Body::Event(Event {
                    type_id: type_id.clone(),
                    trigger: trigger.as_ref().and_then(|s| anchor(&text, s)),
                    roles: roles
                        .iter()
                        .map(|(r, ts)| {
                            (
                                r.clone(),
                                ts.iter().map(|&t| target(t, &mentions)).collect(),
                            )
                        })
                        .collect(),
                    date: date.clone(),
                }),
                BodyPlan::Relation { type_id, from, to } => Body::Relation(Relation {
                    type_id: type_id.clone(),
                    from: target(*from, &mentions),
                    to: target(*to, &mentions),
                }),
            };
            let mut ann = Annotation::new(body);
            ann.attributes = a.attributes.clone();
            ann.note = a.note.clone();
            ann.cert = a.cert;
            ann.resp = a.resp.clone();
            if matches!(ann.body, Body::Mention(_)) {
                mentions.push(ann.id);
            }
            doc.annotations.insert(ann.id, ann);
        }
        project.documents.insert(doc.id(), doc);
    }
    project
}

/// Every file Marginalia wrote under `dir`, with its bytes.
fn written_files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.to_string_lossy().ends_with(".ron") {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn save_load_save_round_trips(plan in project_plan()) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let project = build(dir, &plan);
        let mut session = Session::create(project, dir.join("p.marginalia.ron"));
        let report = session.save().unwrap();
        prop_assert_eq!(report.written.len(), session.project.documents.len() + 1);
        let first = written_files(dir);
        for (path, bytes) in &first {
            prop_assert!(!bytes.contains(&b'\r'), "CR in {}", path.display());
            prop_assert!(!bytes.contains(&0), "NUL in {}", path.display());
            prop_assert!(std::str::from_utf8(bytes).is_ok(), "not UTF-8: {}", path.display());
        }

        let mut loaded = store::load(dir).unwrap();
        prop_assert_eq!(&loaded.project, &session.project);
        prop_assert!(loaded.disk.read_only.is_none());
        for doc in loaded.project.documents.values() {
            let native = loaded.disk.docs[&doc.id()].file.to_native(dir);
            prop_assert_eq!(&store::document_bytes(doc).unwrap(), &first[&native]);
        }

        let all: BTreeSet<DocId> = loaded.project.documents.keys().copied().collect();
        let report = store::save(&loaded.project, &mut loaded.disk, true, &all).unwrap();
        prop_assert!(report.written.is_empty(), "rewrote {:?}", report.written);
        prop_assert_eq!(written_files(dir), first);
    }
}
