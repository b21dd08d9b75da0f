//! Unit tests of the TEI importer.

use super::*;

fn import_str(xml: &str) -> Result<Project, ImportError> {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("in.xml");
    std::fs::write(&src, xml).unwrap();
    let staging = tmp.path().join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    crate::interchange::import::import_into(&TeiImporter, &src, &staging).map(|(p, _)| p)
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
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tei/frus1951v07-excerpt.xml");
    let tmp = tempfile::tempdir().unwrap();
    let p = crate::interchange::import::import_into(&TeiImporter, &path, tmp.path())
        .map(|(p, _)| p)
        .unwrap();
    // Two documents, and the text outside them (the persons list, the compilation's and
    // the chapter's headings) as parts of their own, in the volume's order.
    let titles: Vec<&str> = p
        .documents
        .values()
        .map(|d| d.meta.title.as_str())
        .collect();
    assert_eq!(p.documents.len(), 5, "{titles:?}");
    assert_eq!(
        titles[..3],
        [
            "List of Persons",
            "Korea",
            "The opening of armistice negotiations at Kaesong"
        ]
    );
    // The page break between the two documents is where the second one starts.
    let d652 = p
        .documents
        .values()
        .find(|d| d.meta.archival.source_id == "d652")
        .unwrap();
    assert_eq!(d652.meta.archival.page_breaks[0].offset, 0);
    assert_eq!(d652.meta.archival.page_breaks[0].n, "1650");
    let docs: Vec<_> = p
        .documents
        .values()
        .filter(|d| !d.meta.archival.number.is_empty())
        .collect();
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
    let err = import_str("<TEI>\n<text>\n<body>\n<p>oops</q>\n</body></text></TEI>").unwrap_err();
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
    let text = crate::model::SourceText::from_str_normalizing("In the 1950s the Jutlandia sailed.");
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
    let back =
        crate::interchange::import::import_into(&TeiImporter, &tmp.path().join("out"), &staging)
            .unwrap()
            .0;
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

/// A drama as DraCor and TEI Simple encode one: cast with Wikidata ids in `@ana` and their
/// relations in `particDesc`, front matter (title page, dedication, cast list), numbered
/// verse lines, a card milestone, speeches, and a colophon in `back`.
const DRAMA: &str = r##"<TEI xmlns="http://www.tei-c.org/ns/1.0">
<teiHeader><fileDesc><titleStmt><title>Emilia Galotti</title></titleStmt>
<publicationStmt><p>test</p></publicationStmt><sourceDesc><p>test</p></sourceDesc></fileDesc>
<profileDesc><particDesc><listPerson>
<person xml:id="emilia" sex="FEMALE" ana="https://www.wikidata.org/entity/Q1234"><persName>Emilia</persName></person>
<person xml:id="odoardo" sex="MALE" ana="http://www.wikidata.org/entity/Q5678"><persName>Odoardo</persName></person>
<listRelation>
<relation name="parent_of" active="#odoardo" passive="#emilia"/>
<relation name="related_with" mutual="#emilia #odoardo"/>
</listRelation>
</listPerson></particDesc></profileDesc></teiHeader>
<text><front><titlePage><docTitle><titlePart>Emilia Galotti. Ein Trauerspiel</titlePart></docTitle></titlePage>
<div type="dedication"><p>Meinem Freunde.</p></div>
<castList><castItem><role corresp="#emilia">Emilia</role>, Tochter</castItem></castList></front>
<body><div type="act" n="1"><head>Erster Aufzug</head>
<sp who="#emilia"><speaker>Emilia</speaker><l n="1">Ich bin hier.</l><milestone unit="card" n="5"/><l n="2">Und dort.</l></sp>
<sp who="#odoardo"><speaker>Odoardo</speaker><p>Gut.</p></sp></div></body>
<back><div type="colophon"><p>Gedruckt 1772.</p></div></back></text></TEI>"##;

#[test]
fn drama_keeps_front_back_verse_numbers_milestones_cast_ids_and_relations() {
    let p = import_str(DRAMA).unwrap();
    let d = p.documents.values().next().unwrap();
    let text = d.text_or_empty().as_str();
    for kept in [
        "Emilia Galotti. Ein Trauerspiel",
        "Meinem Freunde.",
        "Emilia, Tochter",
        "Gedruckt 1772.",
    ] {
        assert!(text.contains(kept), "{kept}: {text}");
    }
    let entry = |name: &str| p.registry.values().find(|e| e.name == name).unwrap();
    let (emilia, odoardo) = (entry("Emilia"), entry("Odoardo"));
    assert!(
        emilia
            .authority
            .iter()
            .any(|a| a.scheme == Authority::Wikidata && a.id == "Q1234")
    );
    assert!(
        odoardo
            .authority
            .iter()
            .any(|a| a.scheme == Authority::Wikidata && a.id == "Q5678")
    );
    let ann = |ty: &str| -> Vec<&Annotation> {
        d.annotations
            .values()
            .filter(|a| a.type_id().as_str() == ty)
            .collect()
    };
    // Verse numbers and the milestone, as attributes.
    let lines = ann("verse_line");
    let n = |a: &Annotation, k: &str| match a.attributes.get(&Slug::new(k)) {
        Some(crate::model::AttrValue::Text(t)) => t.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines
            .iter()
            .map(|a| (
                n(a, "n"),
                a.as_mention()
                    .unwrap()
                    .anchor
                    .covered_text(d.text_or_empty())
            ))
            .collect::<Vec<_>>(),
        [
            ("1".to_owned(), "Ich bin hier.".to_owned()),
            ("2".to_owned(), "Und dort.".to_owned())
        ]
    );
    let ms = ann("milestone");
    assert_eq!(ms.len(), 1);
    assert_eq!(
        (n(ms[0], "unit"), n(ms[0], "n")),
        ("card".to_owned(), "5".to_owned())
    );
    assert_eq!(
        ms[0]
            .as_mention()
            .unwrap()
            .anchor
            .covered_text(d.text_or_empty()),
        "Und"
    );
    // Speeches are linked to their speakers by relations, not as if they were the person.
    let speeches = ann("speech");
    assert_eq!(speeches.len(), 2);
    assert!(
        speeches
            .iter()
            .all(|s| s.as_mention().unwrap().entry.is_none())
    );
    let rel = |ty: &str| -> Vec<(Target, Target)> {
        ann(ty)
            .iter()
            .filter_map(|a| match &a.body {
                Body::Relation(r) => Some((r.from, r.to)),
                _ => None,
            })
            .collect()
    };
    assert_eq!(rel("spoken_by").len(), 2);
    assert_eq!(
        rel("parent_of"),
        [(Target::Entry(odoardo.id), Target::Entry(emilia.id))]
    );
    assert_eq!(rel("related_with").len(), 1);
    // Nothing for check to warn about.
    let problems = crate::model::validate::validate(&p);
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn a_transliterated_ayn_keeps_its_space_and_closing_quotes_do_not() {
    let p = import_str(
        r##"<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>t</title></titleStmt></fileDesc></teiHeader>
<text><body><p>Kingdom of ’Iraq and the ‘Minister ’ said <hi>“so</hi> ”.</p>
<address><addrLine>Hofmannsthal</addrLine><addrLine>Rodaun</addrLine></address><p><seg>Schnitzler</seg><seg>Wien IX</seg> im Sommer 1889 (<ref target="#L00001"/>)</p></body></text></TEI>"##,
    )
    .unwrap();
    let t = p
        .documents
        .values()
        .next()
        .unwrap()
        .text_or_empty()
        .as_str()
        .to_owned();
    assert!(
        t.contains("Kingdom of ’Iraq and the ‘Minister’ said “so”."),
        "{t}"
    );
    assert!(t.contains("Hofmannsthal\nRodaun"), "{t}");
    assert!(
        t.contains("Schnitzler Wien IX im Sommer 1889 (L00001)"),
        "{t}"
    );
}
