//! TEI and W3C Web Annotation interchange: golden files for both exports of a small fixture
//! project, and export → import round trips.
//!
//! Set `UPDATE_GOLDEN=1` to rewrite `tests/golden/` after an intended change.
#![allow(clippy::unwrap_used)]

use marginalia::interchange::export::{ExportOptions, Exporter};
use marginalia::interchange::import::{self, Importer};
use marginalia::interchange::{tei, w3c};
use marginalia::model::registry::Authority;
use marginalia::model::*;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn uuid(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 | n)
}

/// The code-point span of the `nth` occurrence of `needle` in `text`.
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

fn doc(n: u128, path: &str, title: &str, raw: &str) -> Document {
    let text = SourceText::from_str_normalizing(raw);
    Document {
        meta: DocumentMeta {
            id: DocId(uuid(n)),
            title: title.to_owned(),
            source: Some(SourceInfo {
                path: RelPath::parse(path).unwrap(),
                hash: String::new(),
                line_ending: text.line_ending(),
                bom: false,
            }),
            images: Vec::new(),
            status: DocStatus::InProgress,
            archival: ArchivalMeta::default(),
        },
        text: Some(text),
        annotations: BTreeMap::new(),
    }
}

struct Builder<'a> {
    doc: &'a mut Document,
    next: u128,
}

impl Builder<'_> {
    fn add(&mut self, body: Body) -> AnnId {
        let id = AnnId(uuid(self.next));
        self.next += 1;
        let mut a = Annotation::new(body);
        a.id = id;
        self.doc.annotations.insert(id, a);
        id
    }

    fn mention(&mut self, ty: &str, spans: &[Span], entry: Option<EntryId>) -> AnnId {
        let anchor = TextAnchor::new(self.doc.text.as_ref().unwrap(), spans).unwrap();
        self.add(Body::Mention(Mention {
            type_id: Slug::new(ty),
            anchor,
            entry,
            date: None,
        }))
    }

    fn span(&self, needle: &str, nth: usize) -> Span {
        find(self.doc.text.as_ref().unwrap(), needle, nth)
    }

    fn get(&mut self, id: AnnId) -> &mut Annotation {
        self.doc.annotations.get_mut(&id).unwrap()
    }
}

fn entry(n: u128, ty: &str, name: &str) -> Entry {
    let mut e = Entry::new(Slug::new(ty), name);
    e.id = EntryId(uuid(n));
    e
}

/// A small project: a Russian cable with CRLF line ends and a Chinese/English report, with
/// nested, overlapping and discontinuous mentions, date ranges, an event and a relation.
fn fixture() -> Project {
    let mut p = Project::new("Interchange fixture");
    let mut stalin = entry(100, "person", "Stalin, Joseph Vissarionovich");
    stalin.aliases.push(Alias {
        name: "Filippov".into(),
        kind: AliasKind::CoverName,
        note: "used in cables to Moscow".into(),
    });
    stalin.aliases.push(Alias {
        name: "Филиппов".into(),
        kind: AliasKind::Transliteration,
        note: String::new(),
    });
    stalin.authority.push(AuthorityId {
        scheme: Authority::Wikidata,
        id: "Q855".into(),
    });
    let mut mao = entry(101, "person", "Mao Zedong");
    mao.aliases.push(Alias {
        name: "毛泽东".into(),
        kind: AliasKind::Variant,
        note: String::new(),
    });
    let kim = entry(102, "person", "Kim Il Sung");
    let mut kpa = entry(103, "organization", "Korean People's Army");
    kpa.note = "Armed forces of the DPRK".into();
    let mut kaesong = entry(104, "place", "Kaesong");
    kaesong.authority.push(AuthorityId {
        scheme: Authority::GeoNames,
        id: "1895406".into(),
    });
    let agenda = entry(105, "topic", "Armistice agenda");
    for e in [stalin, mao, kim, kpa, kaesong, agenda] {
        p.registry.insert(e.id, e);
    }

    // Document 1: Russian, CRLF.
    let mut d1 = doc(
        1,
        "sources/cable-21677-ru.txt",
        "Шифртелеграмма № 21677",
        "Товарищу ФИЛИППОВУ.\r\n\r\nМао Цзэдун сообщает: переговоры в Кэсоне начались 10 июля 1951 г. в 10:00.\r\nЛи Кэ-нун «докладывает» & <ждёт> указаний.\r\n",
    );
    d1.meta.archival = ArchivalMeta {
        archive: "Archive of the President of the Russian Federation (APRF)".into(),
        collection: "Fond 45, Opis 1".into(),
        call_number: "Delo 339, Listy 17-19".into(),
        citation: "Wilson Center Digital Archive, Cable No. 21677".into(),
        url: "https://digitalarchive.wilsoncenter.org/document/113728".into(),
        original_language: "ru".into(),
        translation_note: "Transcription of the Russian original.".into(),
        date: Some(NormalizedDate::when("1951-07-11")),
        ..ArchivalMeta::default()
    };
    {
        let mut b = Builder {
            doc: &mut d1,
            next: 1000,
        };
        let to = b.span("ФИЛИППОВУ", 0);
        let filippov = b.mention("person", &[to], Some(EntryId(uuid(100))));
        b.get(filippov).cert = Some(Certainty::High);
        b.get(filippov).resp = "Анна Петрова".into();
        b.get(filippov).note = "Cover name for Stalin.\nSee the registry.".into();
        b.get(filippov)
            .attributes
            .insert(Slug::new("cover_name"), AttrValue::YesNo(true));
        b.get(filippov)
            .attributes
            .insert(Slug::new("rank"), AttrValue::Text("Generalissimo".into()));
        let mao_s = b.span("Мао Цзэдун", 0);
        let mao_m = b.mention("person", &[mao_s], Some(EntryId(uuid(101))));
        let ks = b.span("Кэсоне", 0);
        b.mention("place", &[ks], Some(EntryId(uuid(104))));
        let date_s = b.span("10 июля 1951 г. в 10:00", 0);
        let date_m = b.mention("date", &[date_s], None);
        if let Body::Mention(m) = &mut b.get(date_m).body {
            m.date = Some(NormalizedDate::when("1951-07-10T10:00"));
        }
        // A mention across a line break.
        let li = b.span("Ли Кэ-нун", 0);
        let li_m = b.mention("person", &[li], None);
        b.get(li_m).cert = Some(Certainty::Medium);
        let trig = b.span("сообщает", 0);
        let to_m = filippov;
        let mut roles = BTreeMap::new();
        roles.insert(Slug::new("sender"), vec![Target::Annotation(mao_m)]);
        roles.insert(Slug::new("recipient"), vec![Target::Annotation(to_m)]);
        roles.insert(Slug::new("date"), vec![Target::Annotation(date_m)]);
        roles.insert(
            Slug::new("copy_to"),
            vec![Target::Entry(EntryId(uuid(103)))],
        );
        let trigger = TextAnchor::new(b.doc.text.as_ref().unwrap(), &[trig]).unwrap();
        let ev = b.add(Body::Event(Event {
            type_id: Slug::new("communication"),
            trigger: Some(trigger),
            roles,
            date: None,
        }));
        b.get(ev).resp = "Анна Петрова".into();
    }
    p.documents.insert(d1.id(), d1);

    // Document 2: Chinese and English, LF; nested, overlapping, discontinuous, ranges.
    let mut d2 = doc(
        2,
        "sources/report-zh.txt",
        "李克农报告 No. 2",
        "毛泽东致菲利波夫。\n\nThe Kaesong delegation of Kim Il Sung and Peng Dehuai met between 10 and 12 July 1951.\nSee cable No. 21677 on the armistice agenda.\n\n\n末尾",
    );
    {
        let mut b = Builder {
            doc: &mut d2,
            next: 2000,
        };
        let mao_s = b.span("毛泽东", 0);
        let mao_m = b.mention("person", &[mao_s], Some(EntryId(uuid(101))));
        let fil = b.span("菲利波夫", 0);
        let fil_m = b.mention("person", &[fil], Some(EntryId(uuid(100))));
        // Nested: a place inside an organization.
        let org = b.span("The Kaesong delegation", 0);
        b.mention("organization", &[org], None);
        let ks = b.span("Kaesong", 0);
        b.mention("place", &[ks], Some(EntryId(uuid(104))));
        // Overlapping: "Kim Il Sung" and "Sung and Peng" cross.
        let kim = b.span("Kim Il Sung", 0);
        let kim_m = b.mention("person", &[kim], Some(EntryId(uuid(102))));
        let cross = b.span("Sung and Peng", 0);
        let cross_m = b.mention("topic", &[cross], None);
        b.get(cross_m).note = "Deliberately crossing span.".into();
        let peng = b.span("Peng Dehuai", 0);
        b.mention("person", &[peng], None);
        // Date range.
        let range = b.span("between 10 and 12 July 1951", 0);
        let range_m = b.mention("date", &[range], None);
        if let Body::Mention(m) = &mut b.get(range_m).body {
            m.date = Some(NormalizedDate::range("1951-07-10", "1951-07-12"));
        }
        // Discontinuous: "cable" + "21677".
        let c1 = b.span("cable", 0);
        let c2 = b.span("21677", 0);
        let docref = b.mention("docref", &[c1, c2], None);
        b.get(docref)
            .attributes
            .insert(Slug::new("count"), AttrValue::Number(21677.0));
        let topic = b.span("armistice agenda", 0);
        b.mention("topic", &[topic], Some(EntryId(uuid(105))));
        let end = b.span("末尾", 0);
        b.mention("topic", &[end], None);
        // An event with roles and no trigger; a relation.
        let mut roles = BTreeMap::new();
        roles.insert(
            Slug::new("participant"),
            vec![Target::Annotation(kim_m), Target::Entry(EntryId(uuid(103)))],
        );
        roles.insert(
            Slug::new("place"),
            vec![Target::Annotation(AnnId(uuid(2003)))],
        );
        roles.insert(Slug::new("time"), vec![Target::Annotation(range_m)]);
        let ev = b.add(Body::Event(Event {
            type_id: Slug::new("meeting"),
            trigger: None,
            roles,
            date: Some(NormalizedDate::range("1951-07-10", "1951-07-12")),
        }));
        b.get(ev).cert = Some(Certainty::Low);
        b.get(ev)
            .attributes
            .insert(Slug::new("status"), AttrValue::Choice("held".into()));
        let rel = b.add(Body::Relation(Relation {
            type_id: Slug::new("member_of"),
            from: Target::Annotation(kim_m),
            to: Target::Entry(EntryId(uuid(103))),
        }));
        b.get(rel).note = "Supreme commander.".into();
        let _ = (mao_m, fil_m);
    }
    p.documents.insert(d2.id(), d2);
    p
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Exports with `exporter` to a temp folder and compares every file with `tests/golden/<sub>`.
fn check_golden(exporter: &dyn Exporter, sub: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let files = exporter
        .export(
            &fixture(),
            tmp.path(),
            &ExportOptions::default(),
            &mut |_| {},
        )
        .unwrap()
        .files;
    let golden = golden_dir().join(sub);
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    for f in &files {
        let rel = f.strip_prefix(tmp.path()).unwrap();
        let got = std::fs::read_to_string(f).unwrap();
        let want_path = golden.join(rel);
        if update {
            std::fs::create_dir_all(want_path.parent().unwrap()).unwrap();
            std::fs::write(&want_path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&want_path)
            .unwrap_or_else(|e| panic!("{e}: {} (run with UPDATE_GOLDEN=1)", want_path.display()));
        assert_eq!(got, want, "export differs from {}", want_path.display());
    }
    assert!(!files.is_empty());
}

#[test]
fn tei_export_matches_golden() {
    check_golden(&tei::TeiExporter, "tei");
}

#[test]
fn w3c_export_matches_golden() {
    check_golden(&w3c::W3cExporter, "w3c");
}

/// Exports `project` with `exporter` and imports the result with `importer`.
fn round_trip(project: &Project, exporter: &dyn Exporter, importer: &dyn Importer) -> Project {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("export");
    exporter
        .export(project, &out, &ExportOptions::default(), &mut |_| {})
        .unwrap();
    let staging = tmp.path().join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    marginalia::interchange::import::import_into(importer, &out, &staging)
        .map(|(p, _)| p)
        .unwrap()
}

/// Annotations with `cert` cleared (W3C does not carry it).
fn without_cert(doc: &Document) -> BTreeMap<AnnId, Annotation> {
    doc.annotations
        .iter()
        .map(|(k, a)| {
            let mut a = a.clone();
            a.cert = None;
            (*k, a)
        })
        .collect()
}

#[test]
fn tei_round_trip_keeps_everything() {
    let p = fixture();
    let back = round_trip(&p, &tei::TeiExporter, &tei::TeiImporter);
    assert_eq!(back.info.name, p.info.name);
    assert_eq!(back.registry, p.registry);
    assert_eq!(back.documents.len(), p.documents.len());
    for (id, d) in &p.documents {
        let b = &back.documents[id];
        assert_eq!(b.text_or_empty().as_str(), d.text_or_empty().as_str());
        assert_eq!(b.meta.title, d.meta.title);
        assert_eq!(b.meta.archival, d.meta.archival);
        assert_eq!(b.annotations, d.annotations, "document {}", d.meta.title);
    }
}

#[test]
fn w3c_round_trip_keeps_mentions_events_relations() {
    let p = fixture();
    let back = round_trip(&p, &w3c::W3cExporter, &w3c::W3cImporter);
    assert_eq!(back.registry, p.registry);
    for (id, d) in &p.documents {
        let b = &back.documents[id];
        assert_eq!(b.text_or_empty().as_str(), d.text_or_empty().as_str());
        assert_eq!(b.meta.title, d.meta.title);
        assert_eq!(
            without_cert(b),
            without_cert(d),
            "document {}",
            d.meta.title
        );
    }
}

#[test]
fn w3c_import_without_registry_makes_typed_entries() {
    let p = fixture();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("export");
    w3c::W3cExporter
        .export(&p, &out, &ExportOptions::default(), &mut |_| {})
        .unwrap();
    std::fs::remove_file(out.join("registry.json")).unwrap();
    let staging = tmp.path().join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    let back = marginalia::interchange::import::import_into(&w3c::W3cImporter, &out, &staging)
        .map(|(p, _)| p)
        .unwrap();
    let mut linked = 0;
    for (id, d) in &p.documents {
        let b = &back.documents[id];
        for (aid, a) in &d.annotations {
            let (Some(m), Some(bm)) = (a.as_mention(), b.annotations[aid].as_mention()) else {
                continue;
            };
            assert_eq!(m.entry.is_some(), bm.entry.is_some());
            if let Some(e) = bm.entry {
                assert_eq!(back.registry[&e].type_id, m.type_id);
                linked += 1;
            }
        }
    }
    let want = p
        .documents
        .values()
        .flat_map(|d| d.annotations.values())
        .filter(|a| a.as_mention().is_some_and(|m| m.entry.is_some()))
        .count();
    assert!(want > 0);
    assert_eq!(linked, want);
    // Stalin (by Wikidata URL) is one entry for both documents' mentions.
    assert_eq!(
        back.registry
            .values()
            .filter(|e| e.authority.iter().any(|a| a.id.contains("Q855")))
            .count(),
        1
    );
}

#[test]
fn import_run_via_cli_path_creates_a_loadable_project() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("tei");
    tei::TeiExporter
        .export(&fixture(), &out, &ExportOptions::default(), &mut |_| {})
        .unwrap();
    let file = import::run(&tei::TeiImporter, &out, &tmp.path().join("proj")).unwrap();
    let loaded = marginalia::store::load(&file).unwrap();
    assert_eq!(loaded.project.documents.len(), 2);
    assert_eq!(
        loaded.project.annotation_count(),
        fixture().annotation_count()
    );
}

fn text_strategy() -> impl Strategy<Value = String> {
    "([a-z]|Ж|ё|毛|泽|한|국|e\u{301}|😀| |\n|\n\n|\r\n|&|<){1,80}"
}

fn random_project(raw: &str, spans: &[(usize, usize, usize)]) -> Project {
    let mut p = Project::new("prop");
    let mut d = doc(1, "sources/t.txt", "t", raw);
    let n = d.text.as_ref().unwrap().len_chars();
    let mut b = Builder {
        doc: &mut d,
        next: 10,
    };
    for &(a, len, gap) in spans {
        let start = a % n;
        let end = (start + 1 + len % 6).min(n);
        let mut frags = vec![Span::new(start, end)];
        // Sometimes a second fragment, making a discontinuous mention.
        let s2 = end + 1 + gap % 4;
        if gap % 3 == 0 && s2 < n {
            frags.push(Span::new(s2, (s2 + 1 + len % 3).min(n)));
        }
        let ty = ["person", "place", "topic", "date"][len % 4];
        b.mention(ty, &frags, None);
    }
    p.documents.insert(d.id(), d);
    p
}

fn mention_spans(p: &Project) -> Vec<(AnnId, String, Vec<Span>)> {
    let d = p.documents.values().next().unwrap();
    d.annotations
        .values()
        .filter_map(|a| {
            a.as_mention()
                .map(|m| (a.id, m.type_id.0.clone(), m.anchor.fragments.clone()))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn offsets_survive_both_round_trips(
        raw in text_strategy(),
        spans in proptest::collection::vec((0usize..400, 0usize..12, 0usize..9), 0..8),
    ) {
        let p = random_project(&raw, &spans);
        let want = mention_spans(&p);
        let text = p.documents.values().next().unwrap().text_or_empty().as_str().to_owned();
        for (exp, imp) in [
            (&tei::TeiExporter as &dyn Exporter, &tei::TeiImporter as &dyn Importer),
            (&w3c::W3cExporter, &w3c::W3cImporter),
        ] {
            let back = round_trip(&p, exp, imp);
            let bd = back.documents.values().next().unwrap();
            prop_assert_eq!(bd.text_or_empty().as_str(), text.as_str());
            prop_assert_eq!(&mention_spans(&back), &want);
        }
    }
}

/// The sample project (or `$SAMPLE_PROJECT`) survives both round trips; skipped when absent.
#[test]
fn sample_project_round_trips() {
    let path = std::env::var_os("SAMPLE_PROJECT").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951"),
        PathBuf::from,
    );
    if !path.exists() {
        eprintln!("skipped: no sample project at {}", path.display());
        return;
    }
    let p = marginalia::store::load(&path).unwrap().project;
    let tei = round_trip(&p, &tei::TeiExporter, &tei::TeiImporter);
    let w3c = round_trip(&p, &w3c::W3cExporter, &w3c::W3cImporter);
    assert_eq!(tei.registry, p.registry);
    assert_eq!(w3c.registry, p.registry);
    for (id, d) in &p.documents {
        for (fmt, back) in [("tei", &tei), ("w3c", &w3c)] {
            let b = &back.documents[id];
            assert_eq!(
                b.text_or_empty().as_str(),
                d.text_or_empty().as_str(),
                "{fmt}"
            );
            assert_eq!(b.meta.title, d.meta.title, "{fmt}");
            for (aid, a) in &d.annotations {
                let got = b
                    .annotations
                    .get(aid)
                    .unwrap_or_else(|| panic!("{fmt}: {aid} lost"));
                let (mut got, mut want) = (got.clone(), a.clone());
                if fmt == "w3c" {
                    (got.cert, want.cert) = (None, None);
                }
                assert_eq!(got, want, "{fmt}");
            }
            assert_eq!(b.annotations.len(), d.annotations.len(), "{fmt}");
        }
        assert_eq!(tei.documents[id].meta.archival, d.meta.archival);
    }
}
