//! TEI import on real editions from ../shared: the Schnitzler letters (correspDesc, PMB/GND
//! ids, commentary notes) and two whole FRUS volumes (source notes, page breaks, footnotes,
//! enclosures). Each test counts what the XML holds and what the import kept, prints both
//! and checks they match (docs/interchange-tei.md records the numbers).

#![allow(clippy::unwrap_used)]

mod support;

use marginalia::interchange::export::{ExportOptions, Exporter};
use marginalia::interchange::import::ImportReport;
use marginalia::interchange::tei::tree::{El, parse};
use marginalia::interchange::tei::{TeiExporter, TeiImporter};
use marginalia::model::{Authority, Body, Certainty, Project, Slug, Target};
use std::path::{Path, PathBuf};

use support::shared;

fn import(src: &Path) -> Project {
    import_reporting(src).0
}

fn import_reporting(src: &Path) -> (Project, ImportReport) {
    let tmp = tempfile::tempdir().unwrap();
    marginalia::interchange::import::import_into(&TeiImporter, src, tmp.path()).unwrap()
}

/// An element's words without its notes (which the import moves to the end), with no
/// white space at all: what must be found in the imported text.
fn words_without_notes(e: &El) -> String {
    let mut out = String::new();
    for c in &e.children {
        match c {
            marginalia::interchange::tei::tree::Node::Text(t) => out.push_str(t),
            marginalia::interchange::tei::tree::Node::El(x) if x.name != "note" => {
                out.push_str(&words_without_notes(x))
            }
            _ => {}
        }
    }
    out.split_whitespace().collect()
}

/// The report's kinds must each be one the importer lists with its reason.
fn assert_report_explained(report: &ImportReport) {
    for line in report.grouped() {
        assert!(
            line.starts_with("TEI rendering (")
                || line.starts_with("TEI <gap> (")
                || line.starts_with("TEI <figure>/<graphic> outside <facsimile> ("),
            "an item without a reason in the report: {line}"
        );
    }
}

fn tree(file: &Path) -> El {
    let text = std::fs::read_to_string(file).unwrap();
    parse(&text, file).unwrap()
}

fn count<'a>(els: impl IntoIterator<Item = &'a El>, pred: impl Fn(&El) -> bool) -> usize {
    els.into_iter().filter(|e| pred(e)).count()
}

fn mentions_of<'a>(p: &'a Project, ty: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    p.documents.values().flat_map(move |d| {
        d.annotations.values().filter_map(move |a| {
            a.as_mention()
                .filter(|m| m.type_id.as_str() == ty)
                .map(|_| a.note.as_str())
        })
    })
}

#[test]
#[ignore = "needs ../shared/corpora/tei; run from .ci/checks/tei_corpora.sh"]
fn letters_keep_correspondence_registry_commentary_and_pages() {
    let dir = shared("corpora/tei/letters");
    let p = import(&dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    let trees: Vec<El> = files.iter().map(|f| tree(f)).collect();
    let all: Vec<&El> = trees.iter().flat_map(El::descendants).collect();
    let xml_pbs = count(all.iter().copied(), |e| e.name == "pb");
    let xml_comments = count(all.iter().copied(), |e| {
        e.name == "note" && e.attr("type") == Some("commentary")
    });
    let got_pbs: usize = p
        .documents
        .values()
        .map(|d| d.meta.archival.page_breaks.len())
        .sum();
    let got_comments = mentions_of(&p, "commentary").count();
    let comms: Vec<_> = p
        .documents
        .values()
        .flat_map(|d| d.annotations.values().filter_map(|a| a.as_event()))
        .filter(|e| e.type_id.as_str() == "communication")
        .collect();
    println!(
        "letters: {} files, documents {}, page breaks {xml_pbs} → {got_pbs}, commentary notes \
         {xml_comments} → {got_comments}, correspDesc {} → communications {}, registry {}",
        files.len(),
        p.documents.len(),
        files.len(),
        comms.len(),
        p.registry.len()
    );
    assert_eq!(p.documents.len(), files.len());
    assert_eq!(got_pbs, xml_pbs);
    assert_eq!(got_comments, xml_comments);
    assert_eq!(comms.len(), files.len());

    // The project is named after the edition; the letter's own title is the document title.
    assert_eq!(
        p.info.name,
        "Arthur Schnitzler: Briefwechsel mit Autorinnen und Autoren"
    );
    assert!(p.info.description.contains("Müller, Martin Anton"));
    let l2 = p
        .documents
        .values()
        .find(|d| d.meta.archival.source_id == "L00002")
        .unwrap();
    assert_eq!(
        l2.meta.title,
        "Jaques Joachim an Arthur Schnitzler, 31. 1. 1890"
    );
    assert_eq!(
        l2.meta.archival.call_number,
        "A:Schnitzler, HS.NZ85.1.3571,1"
    );
    assert_eq!(l2.meta.archival.page_breaks[0].facs, "HS.NZ85.1.3571_0001");
    let t = l2.text_or_empty().as_str();
    assert!(t.contains("Herrn Dr Goldmann erlaube"), "{t}");
    let pb2 = &l2.meta.archival.page_breaks[1];
    let after: String = t.chars().skip(pb2.offset).take(7).collect();
    assert_eq!(after, "theilte");

    // correspDesc: sender, recipient, place and date.
    let ev = l2.annotations.values().find_map(|a| a.as_event()).unwrap();
    let name = |t: &Target| match t {
        Target::Entry(e) => p.registry[e].name.clone(),
        Target::Annotation(_) => String::new(),
    };
    // Registry names as the edition writes them.
    assert_eq!(name(&ev.roles[&Slug::new("sender")][0]), "Joachim, Jaques");
    assert_eq!(
        name(&ev.roles[&Slug::new("recipient")][0]),
        "Schnitzler, Arthur"
    );
    assert_eq!(name(&ev.roles[&Slug::new("place")][0]), "Wien");
    assert_eq!(
        ev.date.as_ref().and_then(|d| d.when.as_deref()),
        Some("1890-01-31")
    );
    // The received action: an archival handling event by the recipient, with the place
    // and the date the edition conjectures (its evidence named, certainty medium).
    let handling = l2
        .annotations
        .values()
        .find(|a| matches!(&a.body, Body::Event(e) if e.type_id.as_str() == "handling"))
        .expect("the received correspAction");
    let h = handling.as_event().unwrap();
    assert_eq!(name(&h.roles[&Slug::new("place")][0]), "Wien");
    assert_eq!(name(&h.roles[&Slug::new("agent")][0]), "Schnitzler, Arthur");
    assert_eq!(
        h.date.as_ref().and_then(|d| d.not_before.as_deref()),
        Some("1890-01-31")
    );
    assert_eq!(handling.cert, Some(Certainty::Medium));
    assert!(handling.note.contains("conjecture"), "{}", handling.note);
    // The neighbouring letters are the communication's note.
    let comm = l2
        .annotations
        .values()
        .find(|a| matches!(&a.body, Body::Event(e) if e.type_id.as_str() == "communication"))
        .unwrap();
    assert!(
        comm.note.contains(
            "Next letter in the correspondence: Konstantin an Schnitzler, 22. 5. 1890 (L00003)"
        ),
        "{}",
        comm.note
    );
    // The archive's full identity.
    let a = &l2.meta.archival;
    assert_eq!(
        (
            a.country.as_str(),
            a.settlement.as_str(),
            a.archive.as_str()
        ),
        ("D", "Marbach am Neckar", "Deutsches Literaturarchiv")
    );
    // Coordinates on every place whose list entry has them.
    let xml_geo: usize = files
        .iter()
        .map(|f| {
            let t = tree(f);
            count(t.descendants(), |e| {
                e.name == "place"
                    && e.attr("xml:id").is_some()
                    && e.elements()
                        .any(|l| l.name == "location" && l.child("geo").is_some())
            })
        })
        .sum();
    let placed: Vec<_> = p
        .registry
        .values()
        .filter(|e| e.type_id.as_str() == "place" && e.coordinates.is_some())
        .collect();
    println!(
        "letters: places with <geo> {xml_geo} → entries with coordinates {}",
        placed.len()
    );
    assert!(placed.len() >= xml_geo.min(1) && !placed.is_empty());
    let wien = placed.iter().find(|e| e.name == "Wien").unwrap();
    let c = wien.coordinates.unwrap();
    assert!((c.lat - 48.2066).abs() < 1e-9 && (c.lon - 16.37341).abs() < 1e-9);
    // Address lines and segments never run together.
    let l3 = p
        .documents
        .values()
        .find(|d| d.meta.archival.source_id == "L00003")
        .unwrap();
    let t3 = l3.text_or_empty().as_str();
    assert!(t3.starts_with("Herrn Arthur Schnitzler\n"), "{t3}");

    // One registry across the files: Schnitzler is one entry, with his GND and Wikidata ids.
    let schnitzler: Vec<_> = p
        .registry
        .values()
        .filter(|e| e.name.contains("Schnitzler") && e.name.contains("Arthur"))
        .collect();
    assert_eq!(schnitzler.len(), 1, "{schnitzler:?}");
    let s = schnitzler[0];
    assert!(s.authority.iter().any(|a| a.scheme == Authority::Gnd));
    assert!(s.authority.iter().any(|a| a.scheme == Authority::Wikidata));
    for c in &comms {
        assert_eq!(c.roles[&Slug::new("recipient")], vec![Target::Entry(s.id)]);
    }
    // The commentary is anchored on the commented passage.
    let comment = l2
        .annotations
        .values()
        .find(|a| {
            a.as_mention()
                .is_some_and(|m| m.type_id.as_str() == "commentary")
        })
        .unwrap();
    let m = comment.as_mention().unwrap();
    assert_eq!(
        m.anchor.covered_text(l2.text_or_empty()),
        "neuen Zeitschrift"
    );
    assert!(
        comment.note.starts_with("Das erste Heft"),
        "{}",
        comment.note
    );
    // Exported back: correspDesc with @when for the plain day, names with authority URIs.
    let out = tempfile::tempdir().unwrap();
    TeiExporter
        .export(&p, out.path(), &ExportOptions::default(), &mut |_| {})
        .unwrap();
    let mut xml = String::new();
    for f in std::fs::read_dir(out.path()).unwrap() {
        let f = f.unwrap().path();
        if f.extension().is_some_and(|e| e == "xml") {
            xml.push_str(&std::fs::read_to_string(f).unwrap());
        }
    }
    assert!(xml.contains(r#"<date when="1890-01-31"/>"#));
    let gnd = s
        .authority
        .iter()
        .find(|a| a.scheme == Authority::Gnd)
        .unwrap();
    assert!(
        xml.lines()
            .any(|l| l.contains(">Schnitzler, Arthur</persName>")
                && l.contains(&format!("https://d-nb.info/gnd/{}", gnd.id))),
        "no GND URI in the correspDesc's @ref"
    );
}

/// What a FRUS volume holds, counted in its XML, and what the import kept.
fn frus_counts(file: &str) {
    let path = shared(&format!("corpora/tei/frus/{file}"));
    let root = tree(&path);
    let docs: Vec<&El> = root
        .descendants()
        .into_iter()
        .filter(|e| e.name == "div" && e.attr("type") == Some("document"))
        .collect();
    let inside = |pred: &dyn Fn(&El) -> bool| -> usize {
        docs.iter()
            .map(|d| count(d.descendants(), |e| pred(e)))
            .sum()
    };
    let xml_sources = inside(&|e| e.name == "note" && e.attr("type") == Some("source"));
    let xml_pbs = inside(&|e| e.name == "pb");
    // Footnotes in the running text (a note inside a source note stays in the citation).
    let xml_notes = inside(&|e| e.name == "note" && e.attr("type") != Some("source"))
        - inside(&|e| {
            e.name == "note"
                && e.attr("type") == Some("source")
                && e.descendants().iter().any(|n| n.name == "note")
        });
    let xml_encl = inside(&|e| {
        e.name == "attachment" || (e.name == "div" && e.attr("type") == Some("enclosure"))
    });

    let (p, report) = import_reporting(&path);
    assert_report_explained(&report);
    println!("{file}: report:\n  {}", report.grouped().join("\n  "));
    // Text outside the documents (front matter, chapter headings and introductions,
    // editorial notes): every heading and paragraph is in a document of its own.
    let outside: Vec<&El> = {
        fn walk<'a>(e: &'a El, out: &mut Vec<&'a El>) {
            for c in e.elements() {
                if c.name == "div" && c.attr("type") == Some("document") || c.name == "note" {
                    continue;
                }
                if matches!(c.name.as_str(), "p" | "head") {
                    out.push(c);
                } else {
                    walk(c, out);
                }
            }
        }
        let mut v = Vec::new();
        walk(root.child("text").unwrap(), &mut v);
        v
    };
    let texts_outside: String = p
        .documents
        .values()
        .filter(|d| d.meta.archival.number.is_empty())
        .map(|d| {
            d.text_or_empty()
                .as_str()
                .split_whitespace()
                .collect::<String>()
        })
        .collect();
    let mut outside_chars = 0;
    for e in &outside {
        let w = words_without_notes(e);
        outside_chars += w.chars().count();
        assert!(
            texts_outside.contains(&w),
            "line {}: text outside the documents was not kept: {w}",
            e.line
        );
    }
    // Every page break of the volume is a page marker of some document; a document
    // starts on the page of the last break before it (at offset 0).
    let xml_all_pbs: std::collections::BTreeSet<String> = root
        .descendants()
        .into_iter()
        .filter(|e| e.name == "pb")
        .map(|e| e.attr("n").unwrap_or_default().to_owned())
        .collect();
    let got_all_pbs: std::collections::BTreeSet<String> = p
        .documents
        .values()
        .flat_map(|d| d.meta.archival.page_breaks.iter().map(|b| b.n.clone()))
        .collect();
    assert_eq!(got_all_pbs, xml_all_pbs);
    println!(
        "{file}: outside the documents: {} headings and paragraphs ({outside_chars} characters without spaces) in {} documents",
        outside.len(),
        p.documents
            .values()
            .filter(|d| d.meta.archival.number.is_empty())
            .count()
    );
    let got_sources: usize = p
        .documents
        .values()
        .map(|d| {
            let c = &d.meta.archival.citation;
            if c.is_empty() {
                0
            } else {
                c.split("; ").count()
            }
        })
        .sum();
    // Page breaks inside the documents (those at offset 0 that came from between documents
    // are counted apart).
    let between: usize = {
        fn walk(e: &El, pending: &mut usize, total: &mut usize) {
            for c in e.elements() {
                if c.name == "div" && c.attr("type") == Some("document") {
                    *total += *pending;
                    *pending = 0;
                } else if c.name == "pb" {
                    *pending += 1;
                } else if c.name != "note" {
                    walk(c, pending, total);
                }
            }
        }
        let (mut pending, mut total) = (0, 0);
        walk(root.child("text").unwrap(), &mut pending, &mut total);
        total
    };
    let got_pbs: usize = p
        .documents
        .values()
        .filter(|d| !d.meta.archival.number.is_empty())
        .map(|d| d.meta.archival.page_breaks.len())
        .sum::<usize>();
    // Footnotes in the numbered documents (editorial notes on chapter headings are in the
    // parts outside them).
    let got_notes = p
        .documents
        .values()
        .filter(|d| !d.meta.archival.number.is_empty())
        .flat_map(|d| d.annotations.values())
        .filter(|a| {
            a.as_mention()
                .is_some_and(|m| m.type_id.as_str() == "footnote")
        })
        .count();
    let with_number = p
        .documents
        .values()
        .filter(|d| !d.meta.archival.number.is_empty() && !d.meta.archival.source_id.is_empty())
        .count();
    let call_numbers = p
        .documents
        .values()
        .filter(|d| !d.meta.archival.call_number.is_empty())
        .count();
    let comms: Vec<_> = p
        .documents
        .values()
        .flat_map(|d| d.annotations.values())
        .filter(|a| matches!(&a.body, Body::Event(e) if e.type_id.as_str() == "communication"))
        .collect();
    let enclosure_comms = comms.iter().filter(|a| !a.note.is_empty()).count();
    let forwarded: usize = comms
        .iter()
        .filter_map(|a| a.as_event())
        .filter_map(|e| e.roles.get(&Slug::new("forwards")))
        .map(Vec::len)
        .sum();
    println!(
        "{file}: documents {} → {}, source notes {xml_sources} → {got_sources}, call numbers {call_numbers}, \
         page breaks {xml_pbs} → {got_pbs}, footnotes {xml_notes} → {got_notes}, \
         number+xml:id {with_number}, enclosures {xml_encl} → communications {enclosure_comms} \
         (forwarded {forwarded}), communications {}, registry {}",
        docs.len(),
        p.documents.len(),
        comms.len(),
        p.registry.len()
    );
    let numbered = p
        .documents
        .values()
        .filter(|d| !d.meta.archival.number.is_empty())
        .count();
    assert_eq!(numbered, docs.len());
    assert!(got_sources >= xml_sources);
    // At most the between-document breaks are added (one equal to a document's own first
    // break is not added twice).
    assert!(
        got_pbs >= xml_pbs && got_pbs <= xml_pbs + between,
        "{got_pbs} page breaks in documents: {xml_pbs} inside, {between} between"
    );
    assert_eq!(got_notes, xml_notes);
    assert_eq!(with_number, docs.len());
    let _ = &got_sources;
    assert!(
        p.info
            .name
            .starts_with("Foreign Relations of the United States")
    );
    // Page markers sit inside the text.
    for d in p.documents.values() {
        let len = d.text_or_empty().as_str().chars().count();
        assert!(d.meta.archival.page_breaks.iter().all(|b| b.offset <= len));
    }
    assert!(enclosure_comms <= xml_encl);
    assert_eq!(forwarded, enclosure_comms);
}

#[test]
#[ignore = "needs ../shared/corpora/tei; run from .ci/checks/tei_corpora.sh"]
fn frus_1894_nicaragua_keeps_the_apparatus() {
    frus_counts("frus1894Nicaragua.xml");
}

#[test]
#[ignore = "needs ../shared/corpora/tei; run from .ci/checks/tei_corpora.sh"]
fn frus_1936_v03_keeps_the_apparatus() {
    frus_counts("frus1936v03.xml");
}
