//! Golden files for every export of a small fixture project with fixed ids: Cyrillic,
//! CJK and Korean text, a CRLF source, nested, overlapping and discontinuous mentions, an
//! event with a repeated role, relations (one symmetric), attributes, notes and a
//! normalization. Run with `MARGINALIA_UPDATE_GOLDEN=1` to rewrite `tests/golden/`.
#![allow(clippy::unwrap_used)]

use marginalia::interchange::export::ExportOptions;
use marginalia::interchange::formats;
use marginalia::model::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const CABLE: &str = "To Cde. FILIPPOV\r\nЛи Кэ-нун (李克农) reports: Kim Il Sung and Peng Dehuai met at Kaesong on 10 July 1951.\r\nRef. =cmd, see also @home. Kim and Peng agreed.\r\n";
const KOREAN: &str = "김일성 장군과 毛泽东 주석이\n회담하였다.\n";

fn uuid(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(n)
}

/// Code-point span of the `nth` occurrence of `needle`.
fn find(text: &SourceText, needle: &str, nth: usize) -> Span {
    let s = text.as_str();
    let mut from = 0;
    let mut byte = 0;
    for _ in 0..=nth {
        byte = from + s[from..].find(needle).unwrap_or_else(|| panic!("{needle}"));
        from = byte + needle.len();
    }
    let start = text.char_of(byte);
    Span::new(start, start + needle.chars().count())
}

struct Fixture {
    project: Project,
}

impl Fixture {
    fn doc(&mut self, id: u128, path: &str, raw: &str) -> DocId {
        let text = SourceText::from_str_normalizing(raw);
        let doc = Document {
            meta: DocumentMeta {
                id: DocId(uuid(id)),
                title: path
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .trim_end_matches(".txt")
                    .into(),
                source: Some(SourceInfo {
                    path: RelPath::parse(path).unwrap(),
                    hash: "0".repeat(64),
                    line_ending: text.line_ending(),
                    bom: false,
                }),
                images: vec![],
                status: DocStatus::InProgress,
                archival: ArchivalMeta::default(),
            },
            text: Some(text),
            annotations: BTreeMap::new(),
        };
        let id = doc.id();
        self.project.documents.insert(id, doc);
        id
    }

    fn text(&self, doc: DocId) -> SourceText {
        self.project.documents[&doc].text.clone().unwrap()
    }

    fn add(&mut self, doc: DocId, id: u128, body: Body) -> AnnId {
        let mut a = Annotation::new(body);
        a.id = AnnId(uuid(id));
        let id = a.id;
        self.project
            .documents
            .get_mut(&doc)
            .unwrap()
            .annotations
            .insert(id, a);
        id
    }

    fn ann(&mut self, doc: DocId, id: AnnId) -> &mut Annotation {
        self.project
            .documents
            .get_mut(&doc)
            .unwrap()
            .annotations
            .get_mut(&id)
            .unwrap()
    }

    fn mention(
        &mut self,
        doc: DocId,
        id: u128,
        ty: &str,
        spans: &[(&str, usize)],
        entry: Option<EntryId>,
    ) -> AnnId {
        let text = self.text(doc);
        let spans: Vec<Span> = spans.iter().map(|(s, n)| find(&text, s, *n)).collect();
        self.add(
            doc,
            id,
            Body::Mention(Mention {
                type_id: Slug::new(ty),
                anchor: TextAnchor::new(&text, &spans).unwrap(),
                entry,
                date: None,
            }),
        )
    }
}

fn fixture() -> Project {
    let mut project = Project::new("Golden fixture");
    project.schema = ron::from_str(include_str!("golden/fixture-schema.ron")).unwrap();
    // alias_of as an equivalence, to exercise brat's `*` lines.
    project
        .schema
        .relation_types
        .iter_mut()
        .find(|r| r.id.as_str() == "alias_of")
        .unwrap()
        .symmetric = true;
    let mut f = Fixture { project };
    let mut stalin = Entry::new(Slug::new("person"), "Stalin, Joseph Vissarionovich");
    stalin.id = EntryId(uuid(0xe1));
    stalin.authority.push(AuthorityId {
        scheme: Authority::Wikidata,
        id: "Q855".into(),
    });
    stalin.aliases.push(Alias {
        name: "Filippov".into(),
        kind: AliasKind::CoverName,
        note: String::new(),
    });
    let mut li = Entry::new(Slug::new("person"), "Li Kenong");
    li.id = EntryId(uuid(0xe2));
    let mut kim = Entry::new(Slug::new("person"), "=Kim Il Sung");
    kim.id = EntryId(uuid(0xe3));
    for e in [stalin, li, kim] {
        f.project.registry.insert(e.id, e);
    }

    let cable = f.doc(1, "sources/cable.txt", CABLE);
    let filippov = f.mention(
        cable,
        0x101,
        "person",
        &[("FILIPPOV", 0)],
        Some(EntryId(uuid(0xe1))),
    );
    {
        let a = f.ann(cable, filippov);
        a.attributes
            .insert(Slug::new("cover_name"), AttrValue::YesNo(true));
        a.note = "Stalin's cover name\nin cables to Mao".into();
        a.cert = Some(Certainty::High);
        a.resp = "ak".into();
    }
    let li_ru = f.mention(
        cable,
        0x102,
        "person",
        &[("Ли Кэ-нун", 0)],
        Some(EntryId(uuid(0xe2))),
    );
    let li_zh = f.mention(
        cable,
        0x103,
        "person",
        &[("李克农", 0)],
        Some(EntryId(uuid(0xe2))),
    );
    let kim = f.mention(
        cable,
        0x104,
        "person",
        &[("Kim Il Sung", 0)],
        Some(EntryId(uuid(0xe3))),
    );
    // Nested inside "Kim Il Sung".
    f.mention(cable, 0x105, "person", &[("Kim", 0)], None);
    // Overlapping "Kim Il Sung" and "Peng Dehuai" without nesting.
    f.mention(cable, 0x106, "topic", &[("Sung and Peng", 0)], None);
    let peng = f.mention(cable, 0x107, "person", &[("Peng Dehuai", 0)], None);
    f.ann(cable, peng)
        .attributes
        .insert(Slug::new("rank"), AttrValue::Text("Commander, CPV".into()));
    // Discontinuous: "Kim … Peng" as the two commanders.
    let pair = f.mention(
        cable,
        0x108,
        "organization",
        &[("Kim", 1), ("Peng", 1)],
        None,
    );
    f.ann(cable, pair).resp = "+ak".into();
    let kaesong = f.mention(cable, 0x109, "place", &[("Kaesong", 0)], None);
    let date = f.mention(cable, 0x10a, "date", &[("10 July 1951", 0)], None);
    if let Body::Mention(m) = &mut f.ann(cable, date).body {
        m.date = Some(NormalizedDate::when("1951-07-10"));
    }
    f.mention(cable, 0x10b, "docref", &[("=cmd", 0)], None);
    f.mention(cable, 0x10c, "place", &[("@home", 0)], None);

    let text = f.text(cable);
    let met = TextAnchor::new(&text, &[find(&text, "met", 0)]).unwrap();
    let mut roles = BTreeMap::new();
    roles.insert(
        Slug::new("participant"),
        vec![Target::Annotation(kim), Target::Annotation(peng)],
    );
    roles.insert(Slug::new("place"), vec![Target::Annotation(kaesong)]);
    roles.insert(Slug::new("time"), vec![Target::Annotation(date)]);
    let meeting = f.add(
        cable,
        0x201,
        Body::Event(Event {
            type_id: Slug::new("meeting"),
            trigger: Some(met),
            roles,
            date: None,
        }),
    );
    {
        let a = f.ann(cable, meeting);
        a.attributes
            .insert(Slug::new("status"), AttrValue::Choice("held".into()));
        a.note = "First armistice talks".into();
    }
    let mut comm_roles = BTreeMap::new();
    comm_roles.insert(Slug::new("sender"), vec![Target::Annotation(li_ru)]);
    comm_roles.insert(
        Slug::new("recipient"),
        vec![Target::Entry(EntryId(uuid(0xe1)))],
    );
    let reports = TextAnchor::new(&text, &[find(&text, "reports", 0)]).unwrap();
    f.add(
        cable,
        0x202,
        Body::Event(Event {
            type_id: Slug::new("communication"),
            trigger: Some(reports),
            roles: comm_roles,
            date: None,
        }),
    );
    f.add(
        cable,
        0x301,
        Body::Relation(Relation {
            type_id: Slug::new("alias_of"),
            from: Target::Annotation(li_ru),
            to: Target::Annotation(li_zh),
        }),
    );
    let rel = f.add(
        cable,
        0x302,
        Body::Relation(Relation {
            type_id: Slug::new("subordinate_of"),
            from: Target::Annotation(peng),
            to: Target::Annotation(filippov),
        }),
    );
    f.ann(cable, rel).note = "Implied by the chain of command".into();

    let korean = f.doc(2, "sources/korean.txt", KOREAN);
    f.mention(
        korean,
        0x401,
        "person",
        &[("김일성", 0)],
        Some(EntryId(uuid(0xe3))),
    );
    f.mention(korean, 0x402, "person", &[("毛泽东", 0)], None);
    f.mention(korean, 0x403, "topic", &[("회담", 0)], None);
    f.project
}

fn files_under(dir: &Path, base: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files_under(&p, base, out);
        } else {
            out.push(p.strip_prefix(base).unwrap().to_path_buf());
        }
    }
}

/// Exports the fixture in `format` and compares with `tests/golden/<format>/`; returns the
/// export folder (inside `tmp`).
fn check_golden(format: &str, tmp: &tempfile::TempDir) -> PathBuf {
    let project = fixture();
    let exporter = formats::exporter(format).unwrap();
    let mut last = -1.0;
    let written = exporter
        .export(&project, tmp.path(), &ExportOptions::default(), &mut |p| {
            assert!(
                p >= last && (0.0..=1.0).contains(&p),
                "progress {p} after {last}"
            );
            last = p;
        })
        .unwrap();
    assert_eq!(last, 1.0);
    let mut produced = Vec::new();
    files_under(tmp.path(), tmp.path(), &mut produced);
    produced.sort();
    let mut listed: Vec<PathBuf> = written
        .files
        .iter()
        .map(|p| p.strip_prefix(tmp.path()).unwrap().to_path_buf())
        .collect();
    listed.sort();
    assert_eq!(produced, listed, "returned files");
    let golden = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format);
    if std::env::var_os("MARGINALIA_UPDATE_GOLDEN").is_some() {
        let _ = std::fs::remove_dir_all(&golden);
        for rel in &produced {
            let dest = golden.join(rel);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(tmp.path().join(rel), dest).unwrap();
        }
    }
    let mut expected = Vec::new();
    files_under(&golden, &golden, &mut expected);
    expected.sort();
    assert_eq!(produced, expected, "files of the {format} export");
    for rel in &produced {
        let got = std::fs::read_to_string(tmp.path().join(rel)).unwrap();
        let want = std::fs::read_to_string(golden.join(rel)).unwrap();
        assert_eq!(got, want, "{format}: {}", rel.display());
    }
    tmp.path().to_path_buf()
}

#[test]
fn brat_golden() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = check_golden("brat", &tmp);
    let ann = std::fs::read_to_string(dir.join("sources/cable.ann")).unwrap();
    // brat offsets are code points into the exported (LF) .txt.
    let txt = std::fs::read_to_string(dir.join("sources/cable.txt")).unwrap();
    assert!(!txt.contains('\r'));
    let chars: Vec<char> = txt.chars().collect();
    for line in ann.lines().filter(|l| l.starts_with('T')) {
        let parts: Vec<&str> = line.split('\t').collect();
        let offsets = parts[1].split_once(' ').unwrap().1;
        let text: Vec<String> = offsets
            .split(';')
            .map(|f| {
                let (a, b) = f.split_once(' ').unwrap();
                chars[a.parse::<usize>().unwrap()..b.parse::<usize>().unwrap()]
                    .iter()
                    .collect()
            })
            .collect();
        assert_eq!(text.join(" "), parts[2], "{line}");
    }
    assert!(
        ann.contains(" Wikidata:Q855\tStalin, Joseph Vissarionovich\n"),
        "{ann}"
    );
    assert!(ann.contains("Participant:"), "{ann}");
    assert!(ann.contains("Participant2:"), "{ann}");
    assert!(ann.lines().any(|l| l.starts_with("*\tAlias_of ")), "{ann}");
}

#[test]
fn brat_export_reimports_with_the_same_annotations() {
    let project = fixture();
    let tmp = tempfile::tempdir().unwrap();
    let exp = tmp.path().join("exp");
    formats::exporter("brat")
        .unwrap()
        .export(&project, &exp, &ExportOptions::default(), &mut |_| {})
        .unwrap();
    let importer = marginalia::interchange::formats::importer("brat").unwrap();
    let file = marginalia::interchange::import::run(importer.as_ref(), &exp, &tmp.path().join("p"))
        .unwrap();
    let loaded = marginalia::store::load(&file).unwrap();
    let spans = |p: &Project| {
        let mut v: Vec<(String, String, Vec<Span>)> = p
            .documents
            .values()
            .flat_map(|d| d.annotations.values().map(move |a| (d, a)))
            .filter_map(|(d, a)| {
                a.anchor()
                    .map(|an| (d.meta.title.clone(), brat_type(a), an.fragments.clone()))
            })
            .collect();
        v.sort();
        v
    };
    fn brat_type(a: &Annotation) -> String {
        marginalia::interchange::brat::brat_name(a.type_id())
    }
    let want = spans(&project);
    assert_eq!(want.len(), 17);
    assert_eq!(spans(&loaded.project), want);
    // Normalizations link the same mentions to entries with the same authority ids.
    let stalin = loaded
        .project
        .registry
        .values()
        .find(|e| e.name.starts_with("Stalin"))
        .unwrap();
    assert_eq!(stalin.authority[0].id, "Q855");
    let li = loaded
        .project
        .registry
        .get(&EntryId(uuid(0xe2)))
        .expect("entries without authority ids keep their id");
    assert_eq!(loaded.project.mentions_of(li.id).len(), 2);
}

#[test]
fn csv_golden_and_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = check_golden("csv", &tmp);
    let read = |name: &str| {
        let mut r = csv::Reader::from_path(dir.join(name)).unwrap();
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        let rows: Vec<Vec<String>> = r
            .records()
            .map(|rec| rec.unwrap().iter().map(String::from).collect())
            .collect();
        (header, rows)
    };
    let (h, rows) = read("mentions.csv");
    assert_eq!(h[0], "document");
    assert_eq!(h.len(), 15);
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let filippov = rows.iter().find(|r| r[col("text")] == "FILIPPOV").unwrap();
    assert_eq!(filippov[col("entry name")], "Stalin, Joseph Vissarionovich");
    assert_eq!(
        filippov[col("note")],
        "Stalin's cover name\nin cables to Mao"
    );
    assert_eq!(filippov[col("cert")], "high");
    let cmd = rows
        .iter()
        .find(|r| r[col("text")].contains("cmd"))
        .unwrap();
    assert_eq!(cmd[col("text")], "'=cmd", "formula injection is guarded");
    assert!(rows.iter().any(|r| r[col("text")] == "'@home"));
    assert!(rows.iter().any(|r| r[col("resp")] == "'+ak"));
    let pair = rows.iter().find(|r| r[col("text")] == "Kim Peng").unwrap();
    assert_eq!(pair[col("fragments")].split(';').count(), 2);
    let date = rows
        .iter()
        .find(|r| r[col("text")] == "10 July 1951")
        .unwrap();
    assert_eq!(date[col("date when")], "1951-07-10");
    assert!(rows.iter().any(|r| r[col("text")] == "毛泽东"));

    let (h, rows) = read("entities.csv");
    assert_eq!(
        h,
        [
            "id",
            "type",
            "name",
            "aliases",
            "authority ids",
            "mention count"
        ]
    );
    let kim = rows.iter().find(|r| r[2].contains("Kim")).unwrap();
    assert_eq!(kim[2], "'=Kim Il Sung");
    assert_eq!(kim[5], "2");
    let stalin = rows.iter().find(|r| r[2].starts_with("Stalin")).unwrap();
    assert_eq!(stalin[3], "Filippov (cover-name)");
    assert_eq!(stalin[4], "wikidata:Q855");

    let (h, rows) = read("events.csv");
    assert_eq!(h[4], "role");
    let participants: Vec<&Vec<String>> = rows.iter().filter(|r| r[4] == "Participant").collect();
    assert_eq!(participants.len(), 2, "one row per role filler");
    assert!(
        rows.iter()
            .any(|r| r[4] == "Recipient" && r[7] == uuid(0xe1).to_string())
    );

    let (h, rows) = read("relations.csv");
    assert_eq!(&h[3..5], ["Source", "Target"]);
    assert_eq!(rows.len(), 2);
}

#[test]
fn jsonl_golden_and_offsets() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = check_golden("jsonl", &tmp);
    let text = std::fs::read_to_string(dir.join("documents.jsonl")).unwrap();
    let mut n = 0;
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let chars: Vec<char> = v["text"].as_str().unwrap().chars().collect();
        for s in v["spans"].as_array().unwrap() {
            let (a, b) = (
                s["start"].as_u64().unwrap() as usize,
                s["end"].as_u64().unwrap() as usize,
            );
            let covered: String = chars[a..b].iter().collect();
            if s.get("fragments").is_none() {
                assert_eq!(covered, s["text"].as_str().unwrap());
            }
            n += 1;
        }
        for l in v["label"].as_array().unwrap() {
            let l = l.as_array().unwrap();
            assert_eq!(l.len(), 3);
            assert!(l[0].as_u64().unwrap() < l[1].as_u64().unwrap());
        }
    }
    assert_eq!(n, 15);
}

#[test]
fn conll_golden() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = check_golden("conll", &tmp);
    let text = std::fs::read_to_string(dir.join("documents.conll")).unwrap();
    assert_eq!(text.matches("-DOCSTART- -X- O O").count(), 2);
    // The outermost mention wins: "Kim Il Sung" over the nested "Kim".
    assert!(
        text.contains("Kim _ _ B-PER\nIl _ _ I-PER\nSung _ _ I-PER\n"),
        "{text}"
    );
    assert!(text.contains("김일성 _ _ B-PER\n"), "{text}");
}

/// What each format leaves out of the fixture, one sentence a line, against
/// `tests/golden/omitted/<format>.txt`.
#[test]
fn omission_reports_golden() {
    let project = fixture();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/omitted");
    for exporter in formats::exporters() {
        let tmp = tempfile::tempdir().unwrap();
        let report = exporter
            .export(&project, tmp.path(), &ExportOptions::default(), &mut |_| {})
            .unwrap();
        let text: String = report.omitted.iter().map(|l| format!("{l}\n")).collect();
        let golden = dir.join(format!("{}.txt", exporter.id()));
        if std::env::var_os("MARGINALIA_UPDATE_GOLDEN").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&golden, &text).unwrap();
        }
        let expected = std::fs::read_to_string(&golden).unwrap();
        assert_eq!(text, expected, "{}", golden.display());
    }
}

const LETTER: &str = "Kim Il Sung met Peng Dehuai at Kaesong (开城).\n";

/// An independently annotated document after curation: the shared layer holds three
/// mentions, an event and a relation a curator ("cur") adjudicated from Ada's and Ben's
/// versions (created by the annotator, last changed by the curator); Ada's uncurated
/// mention of Kaesong is still in her layer.
fn curated_fixture() -> Project {
    let mut project = Project::new("Curated fixture");
    project.schema = ron::from_str(include_str!("golden/fixture-schema.ron")).unwrap();
    project.info.independent = Some(marginalia::model::layers::Independence {
        all: true,
        ..Default::default()
    });
    let mut f = Fixture { project };
    let doc = f.doc(0x10, "sources/letter.txt", LETTER);
    let kim = f.mention(doc, 0x501, "person", &[("Kim Il Sung", 0)], None);
    let peng = f.mention(doc, 0x502, "person", &[("Peng Dehuai", 0)], None);
    let text = f.text(doc);
    let meeting = f.add(
        doc,
        0x503,
        Body::Event(Event {
            type_id: Slug::new("meeting"),
            trigger: Some(TextAnchor::new(&text, &[find(&text, "met", 0)]).unwrap()),
            roles: [(
                Slug::new("participant"),
                vec![Target::Annotation(kim), Target::Annotation(peng)],
            )]
            .into_iter()
            .collect(),
            date: None,
        }),
    );
    let rel = f.add(
        doc,
        0x504,
        Body::Relation(Relation {
            type_id: Slug::new("subordinate_of"),
            from: Target::Annotation(peng),
            to: Target::Annotation(kim),
        }),
    );
    let kaesong_cjk = f.mention(doc, 0x505, "place", &[("开城", 0)], None);
    let stamp = |by: &str, at: i64| Stamp {
        by: by.into(),
        at: UtcTime(at),
    };
    for (id, from) in [
        (kim, &["ada", "ben"][..]),
        (peng, &["ben"][..]),
        (meeting, &["ada", "ben"][..]),
        (rel, &["ada"][..]),
        (kaesong_cjk, &["ada", "ben"][..]),
    ] {
        let a = f.ann(doc, id);
        a.created = Some(stamp(from[0], 1_700_000_000));
        a.modified = Some(stamp("cur", 1_700_090_000));
        a.adjudicated_from = from.iter().map(|s| s.to_string()).collect();
    }
    let layer = f.mention(doc, 0x506, "place", &[("Kaesong", 0)], None);
    let a = f.ann(doc, layer);
    a.layer = Some("ada".into());
    a.created = Some(stamp("ada", 1_700_000_000));
    f.project
}

/// The adjudicated set in every export: goldens under `tests/golden/curated/<format>/` and
/// each format's omission report (`omitted/<format>.txt`). TEI (`@resp` to the annotators'
/// and the curator's `respStmt`s), W3C (`creator`s and `dcterms:contributor`) and JSONL
/// (`adjudicated_from`, `adjudicated_by`) write who adjudicated and from whose versions;
/// every other format reports each adjudicated annotation as left out; every format
/// reports Ada's uncurated layer mention.
#[test]
fn curated_set_golden_in_every_format() {
    let project = curated_fixture();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/curated");
    let update = std::env::var_os("MARGINALIA_UPDATE_GOLDEN").is_some();
    for exporter in formats::exporters() {
        let tmp = tempfile::tempdir().unwrap();
        let report = exporter
            .export(&project, tmp.path(), &ExportOptions::default(), &mut |_| {})
            .unwrap();
        let mut produced = Vec::new();
        files_under(tmp.path(), tmp.path(), &mut produced);
        produced.sort();
        let golden = base.join(exporter.id());
        let text: String = report.omitted.iter().map(|l| format!("{l}\n")).collect();
        let omitted = base.join("omitted").join(format!("{}.txt", exporter.id()));
        if update {
            let _ = std::fs::remove_dir_all(&golden);
            for rel in &produced {
                let dest = golden.join(rel);
                std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
                std::fs::copy(tmp.path().join(rel), dest).unwrap();
            }
            std::fs::create_dir_all(omitted.parent().unwrap()).unwrap();
            std::fs::write(&omitted, &text).unwrap();
        }
        let mut expected = Vec::new();
        if golden.is_dir() {
            files_under(&golden, &golden, &mut expected);
        }
        expected.sort();
        assert_eq!(produced, expected, "files of the {} export", exporter.id());
        for rel in &produced {
            let got = std::fs::read(tmp.path().join(rel)).unwrap();
            let want = std::fs::read(golden.join(rel)).unwrap();
            assert!(got == want, "{}: {}", exporter.id(), rel.display());
        }
        assert_eq!(
            text,
            std::fs::read_to_string(&omitted).unwrap(),
            "{}",
            omitted.display()
        );
        assert!(
            text.contains("annotator's layer, not curated"),
            "{}: the layer mention is reported",
            exporter.id()
        );
        let keeps = ["tei", "w3c", "jsonl"].contains(&exporter.id());
        assert_eq!(
            !text.contains("who adjudicated it"),
            keeps,
            "{}: adjudication kept or reported",
            exporter.id()
        );
    }
}

/// What TEI and W3C write of the adjudication reads back: `adjudicated_from`, the original
/// annotator as creator and the curator as the last to change it.
#[test]
fn adjudication_round_trips_through_tei_and_w3c() {
    let project = curated_fixture();
    for format in ["tei", "w3c"] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        formats::exporter(format)
            .unwrap()
            .export(&project, &out, &ExportOptions::default(), &mut |_| {})
            .unwrap();
        let staging = tmp.path().join("staging");
        std::fs::create_dir_all(&staging).unwrap();
        let importer = formats::importer(format).unwrap();
        let (back, _) =
            marginalia::interchange::import::import_into(importer.as_ref(), &out, &staging)
                .unwrap();
        let mut got: Vec<(String, Vec<String>, String, String)> = back
            .documents
            .values()
            .flat_map(|d| d.annotations.values())
            .filter(|a| !a.adjudicated_from.is_empty())
            .map(|a| {
                (
                    a.type_id().0.clone(),
                    a.adjudicated_from.clone(),
                    a.annotator().to_owned(),
                    a.adjudicator().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        got.sort();
        let mut want: Vec<(String, Vec<String>, String, String)> = project
            .documents
            .values()
            .flat_map(|d| d.annotations.values())
            .filter(|a| !a.adjudicated_from.is_empty())
            .map(|a| {
                (
                    a.type_id().0.clone(),
                    a.adjudicated_from.clone(),
                    a.annotator().to_owned(),
                    "cur".to_owned(),
                )
            })
            .collect();
        want.sort();
        assert_eq!(got, want, "{format}");
    }
}
