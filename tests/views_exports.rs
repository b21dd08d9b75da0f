//! The network exports (issue 12 §5) read back as their tools read them: the Gephi and
//! Palladio tables with the csv crate, GEXF with quick-xml against the GEXF 1.3 structure.
//! CMIF is validated against tei_all by `.ci/checks/views_cmif.sh`; here its structure.
#![allow(clippy::unwrap_used)]

use marginalia::interchange::export::{self, ExportOptions};
use marginalia::interchange::formats;
use marginalia::model::registry::Coordinates;
use marginalia::model::{Project, Slug, Target};
use marginalia::views::network::{EdgeKind, Network, NetworkFilter};
use marginalia::views::{Index, find_entry};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn sample() -> Project {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951");
    marginalia::store::load(&dir).unwrap().project
}

/// Exports `project` with format `id` into a fresh folder; returns the folder and report.
fn run(project: &Project, id: &str) -> (tempfile::TempDir, export::ExportReport) {
    let tmp = tempfile::tempdir().unwrap();
    let ex = formats::exporter(id).unwrap();
    let report = ex
        .export(project, tmp.path(), &ExportOptions::default(), &mut |_| {})
        .unwrap();
    (tmp, report)
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_owned))
                .collect()
        })
        .collect();
    (header, rows)
}

#[test]
fn gephi_tables_as_gephi_reads_them() {
    let p = sample();
    let (dir, report) = run(&p, "gephi");
    assert_eq!(report.files.len(), 2);
    let (nh, nodes) = read_csv(&dir.path().join("nodes.csv"));
    assert_eq!(&nh[..3], ["Id", "Label", "Type"]);
    let (eh, edges) = read_csv(&dir.path().join("edges.csv"));
    assert_eq!(&eh[..5], ["Source", "Target", "Type", "Weight", "Label"]);
    let ids: BTreeSet<&str> = nodes.iter().map(|n| n["Id"].as_str()).collect();
    assert_eq!(ids.len(), nodes.len(), "node ids are unique");
    for e in &edges {
        assert!(ids.contains(e["Source"].as_str()) && ids.contains(e["Target"].as_str()));
        assert!(matches!(e["Type"].as_str(), "Directed" | "Undirected"));
        assert!(e["Weight"].parse::<u32>().unwrap() >= 1);
    }
    let label = |id: &str| nodes.iter().find(|n| n["Id"] == id).unwrap()["Label"].clone();
    let li_mao = edges
        .iter()
        .find(|e| label(&e["Source"]) == "Li Kenong" && label(&e["Target"]) == "Mao Zedong")
        .unwrap();
    assert_eq!(li_mao["Type"], "Directed");
    assert_eq!(li_mao["Label"], "Communication");
    assert_eq!(li_mao["Start"], "1951-07-11");
    let copies: BTreeSet<String> = edges
        .iter()
        .filter(|e| label(&e["Source"]) == "Li Kenong" && e["Kind"] == "copy")
        .map(|e| label(&e["Target"]))
        .collect();
    assert_eq!(
        copies,
        BTreeSet::from(["Kim Il Sung".to_owned(), "Peng Dehuai".to_owned()])
    );
    assert!(
        edges
            .iter()
            .any(|e| e["Type"] == "Undirected" && e["Kind"] == "meeting")
    );
    // Same tables as the network view: one implementation.
    let net = Network::build(&p, &Index::build(&p), &NetworkFilter::default());
    assert_eq!(
        (nodes.len(), edges.len()),
        (net.nodes.len(), net.edges.len())
    );
    // Handling events link no two actors: reported, by id.
    assert!(
        report
            .omitted
            .iter()
            .any(|l| l.contains("Archival handling") && l.contains("5dc57c62c0a2"))
    );
}

/// Parses GEXF, checking the structure GEXF 1.3 prescribes; returns nodes (id → start)
/// and edges (source, target, type, weight, spells).
#[allow(clippy::type_complexity)]
fn parse_gexf(
    xml: &str,
) -> (
    BTreeMap<String, Option<String>>,
    Vec<(String, String, String, f64, Vec<(String, String)>)>,
) {
    let mut r = Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut nodes = BTreeMap::new();
    let mut edges = Vec::new();
    let attr = |e: &quick_xml::events::BytesStart, k: &str| -> Option<String> {
        e.try_get_attribute(k)
            .unwrap()
            .map(|a| a.unescape_value().unwrap().into_owned())
    };
    loop {
        let ev = r.read_event().unwrap();
        let (start, empty) = match &ev {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            Event::End(_) => {
                stack.pop();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let e = start.unwrap();
        let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
        let parent = stack.last().cloned().unwrap_or_default();
        match name.as_str() {
            "gexf" => {
                assert!(stack.is_empty());
                assert_eq!(attr(&e, "xmlns").as_deref(), Some("http://gexf.net/1.3"));
                assert_eq!(attr(&e, "version").as_deref(), Some("1.3"));
            }
            "graph" => {
                assert_eq!(parent, "gexf");
                assert_eq!(attr(&e, "mode").as_deref(), Some("dynamic"));
                assert_eq!(attr(&e, "timeformat").as_deref(), Some("dateTime"));
            }
            "node" => {
                assert_eq!(parent, "nodes");
                let id = attr(&e, "id").unwrap();
                assert!(attr(&e, "label").is_some());
                assert!(
                    nodes.insert(id, attr(&e, "start")).is_none(),
                    "unique node id"
                );
            }
            "edge" => {
                assert_eq!(parent, "edges");
                edges.push((
                    attr(&e, "source").unwrap(),
                    attr(&e, "target").unwrap(),
                    attr(&e, "type").unwrap(),
                    attr(&e, "weight").unwrap().parse().unwrap(),
                    Vec::new(),
                ));
            }
            "spell" => {
                assert_eq!(parent, "spells");
                let s = (attr(&e, "start").unwrap(), attr(&e, "end").unwrap());
                edges.last_mut().unwrap().4.push(s);
            }
            "spells" => assert_eq!(parent, "edge"),
            "attvalue" => assert_eq!(parent, "attvalues"),
            "nodes" | "edges" | "attributes" => assert_eq!(parent, "graph"),
            "attribute" => assert_eq!(parent, "attributes"),
            "attvalues" => assert!(parent == "node" || parent == "edge"),
            "meta" => assert_eq!(parent, "gexf"),
            "creator" | "description" => assert_eq!(parent, "meta"),
            other => panic!("unexpected GEXF element <{other}>"),
        }
        if !empty {
            stack.push(name);
        }
    }
    (nodes, edges)
}

fn is_date_time(s: &str) -> bool {
    s.len() == 19
        && s.as_bytes()[10] == b'T'
        && marginalia::model::date::check_iso(&s[..16]).is_ok()
        && &s[16..] == ":00"
}

#[test]
fn gexf_plays_through_time() {
    let p = sample();
    let (dir, report) = run(&p, "gexf");
    let text = std::fs::read_to_string(dir.path().join("network.gexf")).unwrap();
    let (nodes, edges) = parse_gexf(&text);
    let net = Network::build(&p, &Index::build(&p), &NetworkFilter::default());
    assert_eq!(
        (nodes.len(), edges.len()),
        (net.nodes.len(), net.edges.len())
    );
    for (s, t, ty, w, spells) in &edges {
        assert!(nodes.contains_key(s) && nodes.contains_key(t));
        assert!(ty == "directed" || ty == "undirected");
        assert!(*w >= 1.0);
        for (a, b) in spells {
            assert!(is_date_time(a) && is_date_time(b) && a < b, "{a} {b}");
        }
    }
    // The 10 July session: co-participation from 1500 to 1700.
    let meeting = net
        .edges
        .iter()
        .position(|e| e.kind == EdgeKind::Meeting)
        .unwrap();
    assert_eq!(
        edges[meeting].4,
        [(
            "1951-07-10T15:00:00".to_owned(),
            "1951-07-10T17:00:00".to_owned()
        )]
    );
    // Nodes appear when their first dated edge starts; a relation (undated) keeps its ends
    // there all along.
    let peng = find_entry(&p, "Peng Dehuai").unwrap().to_string();
    assert_eq!(nodes[&peng].as_deref(), Some("1951-07-11T00:00:00"));
    let li = find_entry(&p, "Li Kenong").unwrap().to_string();
    assert_eq!(nodes[&li], None);
    assert!(report.omitted.iter().any(|l| l.contains("in time")));
}

#[test]
fn palladio_dates_and_coordinates() {
    let mut p = sample();
    // Give Beijing coordinates and make it the place Mao's cable was sent from.
    let beijing = find_entry(&p, "Beijing").unwrap();
    p.registry.get_mut(&beijing).unwrap().coordinates = Some(Coordinates {
        lat: 39.9042,
        lon: 116.4074,
    });
    let doc = p.documents.values_mut().next().unwrap();
    let cable = doc
        .annotations
        .values_mut()
        .find(|a| a.anchor().is_some_and(|t| t.quote.exact == "sending"))
        .unwrap();
    if let marginalia::model::Body::Event(e) = &mut cable.body {
        e.roles
            .insert(Slug::new("place"), vec![Target::Entry(beijing)]);
    }
    let (dir, report) = run(&p, "palladio");
    let (h, rows) = read_csv(&dir.path().join("palladio-links.csv"));
    assert!(h.contains(&"Date".to_owned()) && h.contains(&"Coordinates".to_owned()));
    for r in &rows {
        for k in ["Date", "End date"] {
            let d = &r[k];
            assert!(
                d.is_empty() || (d.len() == 10 && marginalia::model::date::check_iso(d).is_ok()),
                "{d}"
            );
        }
    }
    let mao = rows
        .iter()
        .find(|r| r["Source"] == "Mao Zedong" && r["Kind"] == "Communication")
        .unwrap();
    assert_eq!(mao["Date"], "1951-07-11");
    assert_eq!(mao["Place"], "Beijing");
    assert_eq!(mao["Coordinates"], "39.9042,116.4074");
    let session = rows.iter().find(|r| r["Kind"] == "Shared meeting").unwrap();
    assert_eq!(session["Date"], "1951-07-10");
    let (_, places) = read_csv(&dir.path().join("palladio-places.csv"));
    let b = places.iter().find(|r| r["Place"] == "Beijing").unwrap();
    let (lat, lon) = b["Coordinates"].split_once(',').unwrap();
    assert_eq!(
        (lat.parse::<f64>().unwrap(), lon.parse::<f64>().unwrap()),
        (39.9042, 116.4074)
    );
    assert!(!report.omitted.iter().any(|l| l.contains("Beijing")));
}

#[test]
fn cmif_letters_with_authority_refs() {
    let p = sample();
    let (dir, report) = run(&p, "cmif");
    let text = std::fs::read_to_string(dir.path().join("cmif.xml")).unwrap();
    let mut r = Reader::from_str(&text);
    let mut letters = 0;
    let mut refs = Vec::new();
    let mut actions = Vec::new();
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"correspDesc" => letters += 1,
                b"correspAction" => actions.push(
                    e.try_get_attribute("type")
                        .unwrap()
                        .unwrap()
                        .unescape_value()
                        .unwrap()
                        .into_owned(),
                ),
                b"persName" | b"orgName" | b"placeName" => {
                    if let Some(a) = e.try_get_attribute("ref").unwrap() {
                        refs.push(a.unescape_value().unwrap().into_owned());
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    let comms = Index::build(&p)
        .events
        .iter()
        .filter(|e| e.type_id.as_str() == "communication")
        .count();
    assert_eq!(letters, comms);
    assert!(actions.iter().any(|a| a == "sent") && actions.iter().any(|a| a == "received"));
    assert!(
        refs.contains(&"https://www.wikidata.org/wiki/Q5816".to_owned()),
        "{refs:?}"
    );
    assert!(text.contains("<date when=\"1951-07-11\"/>"));
    assert!(text.contains("subtype=\"cc\""));
    assert!(report.omitted.iter().any(|l| l.contains("licence")));
}

/// Names without a registry entry keep the case they are written in (they were lowercased),
/// in Gephi's table and in GEXF; "McAdoo" and "MCADOO" are still one node.
#[test]
fn unlinked_names_keep_their_case_in_gephi_and_gexf() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("v.xml");
    std::fs::write(
        &src,
        r#"<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>V</title></titleStmt></fileDesc></teiHeader>
<text><body>
<div type="document" xml:id="d1" n="1"><head>Mr. <persName type="from">McAdoo</persName> to Mr. <persName type="to">Gresham</persName></head><p>Text.</p></div>
<div type="document" xml:id="d2" n="2"><head>Mr. <persName type="from">MCADOO</persName> to Mr. <persName type="to">Gresham</persName></head><p>Text.</p></div>
</body></text></TEI>"#,
    )
    .unwrap();
    let staging = tmp.path().join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    let importer = formats::importer("tei").unwrap();
    let (project, _) =
        marginalia::interchange::import::import_into(importer.as_ref(), &src, &staging).unwrap();
    let (dir, _) = run(&project, "gephi");
    let (_, nodes) = read_csv(&dir.path().join("nodes.csv"));
    let labels: BTreeSet<&str> = nodes.iter().map(|n| n["Label"].as_str()).collect();
    assert_eq!(labels, BTreeSet::from(["Gresham", "McAdoo"]), "{nodes:?}");
    let (dir, _) = run(&project, "gexf");
    let gexf = std::fs::read_to_string(dir.path().join("network.gexf")).unwrap();
    assert!(
        gexf.contains("label=\"McAdoo\"") && gexf.contains("label=\"Gresham\""),
        "{gexf}"
    );
}

/// A node whose registry entry has coordinates carries them as GEXF `latitude`/`longitude`
/// attributes (Gephi's Geo Layout reads them); nodes without coordinates have none, and a
/// project without any declares neither attribute.
#[test]
fn gexf_nodes_carry_registry_coordinates() {
    let plain = sample();
    let (dir, _) = run(&plain, "gexf");
    let text = std::fs::read_to_string(dir.path().join("network.gexf")).unwrap();
    assert!(
        !text.contains("\"latitude\""),
        "no coordinates, no attribute"
    );

    let mut p = sample();
    let net = Network::build(&p, &Index::build(&p), &NetworkFilter::default());
    let (node_id, entry) = net
        .nodes
        .iter()
        .find_map(|n| match &n.actor {
            marginalia::views::Actor::Entry(id) => Some((n.id.clone(), *id)),
            marginalia::views::Actor::Unlinked { .. } => None,
        })
        .unwrap();
    p.registry.get_mut(&entry).unwrap().coordinates = Some(Coordinates {
        lat: 37.9565,
        lon: 126.6775,
    });
    let (dir, _) = run(&p, "gexf");
    let text = std::fs::read_to_string(dir.path().join("network.gexf")).unwrap();
    let (nodes, _) = parse_gexf(&text);
    assert_eq!(nodes.len(), net.nodes.len());
    assert!(text.contains(
        "<attribute id=\"latitude\" title=\"latitude\" type=\"double\"/>\n      <attribute id=\"longitude\" title=\"longitude\" type=\"double\"/>"
    ));
    let start = text.find(&format!("<node id=\"{node_id}\"")).unwrap();
    let node = &text[start..start + text[start..].find("</node>").unwrap()];
    assert!(
        node.contains("<attvalue for=\"latitude\" value=\"37.9565\"/>")
            && node.contains("<attvalue for=\"longitude\" value=\"126.6775\"/>"),
        "{node}"
    );
    assert_eq!(
        text.matches("for=\"latitude\"").count(),
        1,
        "only that node"
    );
}
