//! WebAnno TSV 3.3 round trip over INCEpTION's own suite
//! (`../shared/corpora/webanno-tsv/tsv3-suite/*/reference.tsv`): import each reference file
//! into a new project (saved and loaded again from disk), export it, and compare with the
//! reference.
//!
//! The comparison is textual first (byte for byte). Where the bytes differ, the files must
//! be equal after the normalization the format allows: the order of sub-token rows within
//! a token and the numbering of disambiguation ids and chains carry no meaning (INCEpTION
//! orders sub-tokens by the creation order of annotations in its CAS, which a file does not
//! record), so both files are parsed and compared as sets of sentences, tokens and
//! annotations with every reference replaced by what it points at. Each case that is equal
//! only semantically is listed with its reason in `EXPECTED_SEMANTIC`; any other difference
//! fails.
#![allow(clippy::unwrap_used)]

use marginalia::interchange::export::{ExportOptions, Exporter};
use marginalia::interchange::import;
use marginalia::interchange::webanno_tsv::{
    Node, TsvDoc, WebAnnoTsvExporter, WebAnnoTsvImporter, read,
};
use std::path::{Path, PathBuf};

/// The suite, inside the shared corpora folder beside the repository (`../shared`; from a
/// git worktree one level deeper, `../../shared`), or under `$MARGINALIA_SHARED`.
const SUITE: &str = "corpora/webanno-tsv/tsv3-suite";

/// Cases whose export equals the reference only after normalization, and why.
const EXPECTED_SEMANTIC: &[(&str, &str)] = &[(
    "testSubTokenRelation",
    "INCEpTION lists sub-token 3-4 before 0-1 (creation order in its CAS); Marginalia writes sub-tokens by start offset",
)];

fn suite() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut tried: Vec<PathBuf> = std::env::var_os("MARGINALIA_SHARED")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    tried.push(root.join("../shared"));
    tried.push(root.join("../../shared"));
    for t in &tried {
        let p = t.join(SUITE);
        if p.is_dir() {
            return p;
        }
    }
    panic!(
        "the WebAnno TSV suite is missing: expected {SUITE} under one of {tried:?} (set MARGINALIA_SHARED to the shared folder)"
    );
}

/// Imports `tsv` with the command-line path (staging, save), loads the saved project and
/// exports it; returns the exported text.
fn round_trip(tsv: &Path, work: &Path) -> String {
    let out = work.join("project");
    let file = import::run(&WebAnnoTsvImporter, tsv, &out)
        .unwrap_or_else(|e| panic!("import of {}: {e}", tsv.display()));
    let loaded = marginalia::store::load(&file).unwrap();
    // The suite stacks identical spans on purpose (testMultiTokenStackedSpanWithoutFeature
    // Value): both are kept, and `check` rightly warns that they are exact duplicates.
    let problems: Vec<_> = loaded
        .problems
        .iter()
        .filter(|p| {
            !(p.severity == marginalia::model::validate::Severity::Warning
                && p.message.contains("(an exact duplicate of"))
        })
        .collect();
    assert!(
        problems.is_empty(),
        "{}: problems after load: {problems:?}",
        tsv.display(),
    );
    let exp = work.join("export");
    let report = WebAnnoTsvExporter
        .export(
            &loaded.project,
            &exp,
            &ExportOptions::default(),
            &mut |_| {},
        )
        .unwrap();
    assert_eq!(report.files.len(), 1);
    assert!(
        report.omitted.is_empty(),
        "{}: omissions on a TSV round trip: {:?}",
        tsv.display(),
        report.omitted
    );
    std::fs::read_to_string(&report.files[0]).unwrap()
}

/// A description of what a node is, independent of ids and row names.
fn node_key(d: &TsvDoc, n: Node) -> String {
    match n {
        Node::Token(t) => format!("token {}-{}", d.tokens[t].begin, d.tokens[t].end),
        Node::Span(s) => {
            let a = &d.spans[s];
            let mut f = a.features.clone();
            f.sort();
            format!("{} {}-{} {:?}", d.layers[a.layer].name, a.begin, a.end, f)
        }
    }
}

/// Everything a file says, with references replaced by what they name, sorted.
fn canonical(d: &TsvDoc) -> Vec<String> {
    let mut out = vec![format!("text {:?}", d.text)];
    out.extend(
        d.layers
            .iter()
            .map(|l| format!("layer {:?} {}", l.kind, l.spec())),
    );
    out.extend(d.sentences.iter().map(|s| format!("sentence {:?}", s)));
    out.extend(d.tokens.iter().map(|t| format!("token {:?}", t)));
    for (i, _) in d.spans.iter().enumerate() {
        let a = &d.spans[i];
        let mut links: Vec<String> = a
            .links
            .iter()
            .map(|l| format!("{}:{:?}->{}", l.feature, l.role, node_key(d, l.target)))
            .collect();
        if d.layers[a.layer].slots().next().is_none() {
            links.sort();
        }
        out.push(format!(
            "span {} links {:?}",
            node_key(d, Node::Span(i)),
            links
        ));
    }
    for r in &d.relations {
        let mut f = r.features.clone();
        f.sort();
        out.push(format!(
            "relation {} {} -> {} {:?}",
            d.layers[r.layer].name,
            node_key(d, r.governor),
            node_key(d, r.dependent),
            f
        ));
    }
    for c in &d.chains {
        let links: Vec<String> = c
            .links
            .iter()
            .map(|&s| node_key(d, Node::Span(s)))
            .collect();
        out.push(format!("chain {} {:?}", d.layers[c.layer].name, links));
    }
    out.sort();
    out
}

#[test]
fn every_suite_case_round_trips() {
    let suite = suite();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&suite)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("reference.tsv").is_file())
        .collect();
    cases.sort();
    assert_eq!(cases.len(), 60, "the suite has 60 cases");
    let mut textual = 0;
    let mut semantic = Vec::new();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let reference_path = case.join("reference.tsv");
        let reference = std::fs::read_to_string(&reference_path).unwrap();
        let work = tempfile::tempdir().unwrap();
        let exported = round_trip(&reference_path, work.path());
        if exported == reference {
            textual += 1;
            continue;
        }
        let a = canonical(&read::parse(&reference).unwrap());
        let b = match read::parse(&exported) {
            Ok(d) => canonical(&d),
            Err(e) => {
                failures.push(format!("{name}: export does not parse: {e:?}\n{exported}"));
                continue;
            }
        };
        if a == b {
            semantic.push(name);
        } else {
            failures.push(format!(
                "{name}: differs\n--- reference\n{reference}--- exported\n{exported}"
            ));
        }
    }
    eprintln!(
        "WebAnno TSV suite: {textual} of {} byte-identical, {} equal after normalization: {semantic:?}",
        cases.len(),
        semantic.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let expected: Vec<&str> = EXPECTED_SEMANTIC.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        semantic, expected,
        "cases equal only after normalization changed; update EXPECTED_SEMANTIC with the reason"
    );
}

/// The spec's emoji example: offsets count UTF-16 units, Marginalia's anchors count code
/// points, and the export counts UTF-16 again.
#[test]
fn emoji_offsets_round_trip() {
    let text = "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|value\n\n\n#Text=I like it 😊 .\n1-1\t0-1\tI\t_\t\n1-2\t2-6\tlike\t_\t\n1-3\t7-9\tit\t_\t\n1-4\t10-12\t😊\tsmile\t\n1-5\t13-14\t.\t*\t\n";
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("emoji.tsv");
    std::fs::write(&src, text).unwrap();
    let staging = dir.path().join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    let project = marginalia::interchange::import::import_into(&WebAnnoTsvImporter, &src, &staging)
        .map(|(p, _)| p)
        .unwrap();
    let doc = project.documents.values().next().unwrap();
    let smile = doc
        .annotations
        .values()
        .find(|a| !a.attributes.is_empty() && a.anchor().unwrap().quote.exact == "😊")
        .expect("the emoji span");
    assert_eq!(smile.anchor().unwrap().fragments[0].start, 10);
    assert_eq!(smile.anchor().unwrap().fragments[0].end, 11);
    let period = doc
        .annotations
        .values()
        .filter(|a| a.anchor().unwrap().quote.exact == ".")
        .count();
    assert_eq!(period, 2, "the token and the span on \".\"");
    let out = dir.path().join("out");
    let report = WebAnnoTsvExporter
        .export(&project, &out, &ExportOptions::default(), &mut |_| {})
        .unwrap();
    assert_eq!(std::fs::read_to_string(&report.files[0]).unwrap(), text);
}

/// A project made in Marginalia (the sample cable) exports to a file that parses, with one
/// span per mention and one relation per relation whose ends are written.
#[test]
fn sample_project_exports_valid_tsv() {
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/projects/korean-armistice-1951"
    );
    let loaded = marginalia::store::load(Path::new(sample)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let report = WebAnnoTsvExporter
        .export(
            &loaded.project,
            dir.path(),
            &ExportOptions::default(),
            &mut |_| {},
        )
        .unwrap();
    assert_eq!(report.files.len(), loaded.project.documents.len());
    let mentions: usize = loaded
        .project
        .documents
        .values()
        .flat_map(|d| d.annotations.values())
        // A region mention without words has no span (the report names it).
        .filter(|a| {
            a.as_mention()
                .is_some_and(|m| !m.anchor.fragments.is_empty())
        })
        .count();
    let mut spans = 0;
    for f in &report.files {
        let text = std::fs::read_to_string(f).unwrap();
        let d = read::parse(&text).unwrap_or_else(|e| panic!("{}: {e:?}", f.display()));
        assert!(!d.tokens.is_empty());
        spans += d
            .spans
            .iter()
            .filter(|s| d.layers[s.layer].slots().next().is_none())
            .count();
    }
    assert_eq!(spans, mentions, "every mention is a span");
    // Registry links, notes and trigger-less events are reported, not silently dropped.
    assert!(
        report.omitted.iter().any(|o| o.contains("registry link")),
        "{:?}",
        report.omitted
    );
}

/// The spec's longer example (`example2.tsv`, POS, named entities and dependencies) comes
/// back equal after normalization: the file numbers its disambiguation ids with gaps
/// (`PER[2]`, `ORG[4]`), the export numbers them 1, 2, 3 … in order of appearance.
#[test]
fn example2_round_trips() {
    let path = suite().join("../example2.tsv");
    let reference = std::fs::read_to_string(&path).unwrap();
    let work = tempfile::tempdir().unwrap();
    let exported = round_trip(&path, work.path());
    assert_ne!(exported, reference, "the ids are renumbered");
    assert_eq!(
        canonical(&read::parse(&exported).unwrap()),
        canonical(&read::parse(&reference).unwrap())
    );
}

/// A Marginalia project exported to TSV and imported again keeps every single-span mention
/// with its type and text, and every relation (a relation end that is a registry entry is
/// written as the entry's first mention in the document, so each relation is kept). Type labels become Java-style layer names
/// ("Date/Time" → `webanno.custom.DateTime`, imported back as "DateTime"), so labels are
/// compared by their letters and digits, ignoring case.
#[test]
fn sample_project_survives_export_and_import() {
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/projects/korean-armistice-1951"
    );
    let loaded = marginalia::store::load(Path::new(sample)).unwrap();
    let original = &loaded.project;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tsv");
    WebAnnoTsvExporter
        .export(original, &out, &ExportOptions::default(), &mut |_| {})
        .unwrap();
    let staging = dir.path().join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    let back = marginalia::interchange::import::import_into(&WebAnnoTsvImporter, &out, &staging)
        .map(|(p, _)| p)
        .unwrap();
    let mentions = |p: &marginalia::model::Project| {
        let mut v: Vec<(String, String)> = p
            .documents
            .values()
            .flat_map(|d| d.annotations.values())
            .filter_map(|a| {
                let m = a.as_mention()?;
                let label: String = p
                    .schema
                    .label(&m.type_id)
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .map(|c| c.to_ascii_lowercase())
                    .collect();
                (m.anchor.fragments.len() == 1 && label != "token" && label != "sentence")
                    .then(|| (label, m.anchor.quote.exact.clone()))
            })
            .collect();
        v.sort();
        v
    };
    let before = mentions(original);
    assert!(!before.is_empty());
    assert_eq!(mentions(&back), before);
    let relations = back
        .documents
        .values()
        .flat_map(|d| d.annotations.values())
        .filter(|a| a.as_relation().is_some())
        .count();
    // Relations whose ends can be written: annotations, or entries mentioned in the document.
    let writable = original
        .documents
        .values()
        .flat_map(|d| {
            d.annotations.values().filter(move |a| {
                a.as_relation().is_some_and(|r| {
                    [r.from, r.to].iter().all(|t| match t {
                        marginalia::model::Target::Annotation(_) => true,
                        marginalia::model::Target::Entry(e) => d
                            .annotations
                            .values()
                            .any(|m| m.as_mention().is_some_and(|m| m.entry == Some(*e))),
                    })
                })
            })
        })
        .count();
    assert!(writable > 0);
    assert_eq!(relations, writable);
}

/// A folder laid out like an INCEpTION project export (`annotation/<document>/<user>.tsv`)
/// imports every file under it, one document each, titled by its path, sharing one schema.
#[test]
fn folder_import_reads_nested_files() {
    let suite = suite();
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("export");
    for (case, doc, user) in [
        ("testMultiTokenSpanWithFeatureValue", "a.txt", "anna"),
        ("testCrossSentenceSpanWithFeatureValue", "b.txt", "ben"),
    ] {
        let to = src.join("annotation").join(doc);
        std::fs::create_dir_all(&to).unwrap();
        std::fs::copy(
            suite.join(case).join("reference.tsv"),
            to.join(format!("{user}.tsv")),
        )
        .unwrap();
    }
    let staging = dir.path().join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    let project = marginalia::interchange::import::import_into(&WebAnnoTsvImporter, &src, &staging)
        .map(|(p, _)| p)
        .unwrap();
    let mut titles: Vec<&str> = project
        .documents
        .values()
        .map(|d| d.meta.title.as_str())
        .collect();
    titles.sort();
    assert_eq!(titles, ["annotation/a.txt/anna", "annotation/b.txt/ben"]);
    let span_types = project
        .schema
        .entity_types
        .iter()
        .filter(|t| t.label == "Span")
        .count();
    assert_eq!(span_types, 1, "both files' webanno.custom.Span is one type");
    let empty = tempfile::tempdir().unwrap();
    let err =
        marginalia::interchange::import::import_into(&WebAnnoTsvImporter, empty.path(), &staging)
            .unwrap_err()
            .to_string();
    assert!(err.contains("no .tsv file"), "{err}");
}

/// A sentence with a CR LF line break (INCEpTION writes the CR as `\r` at the end of the
/// first `#Text=` line, and counts it in the offsets) comes back byte for byte.
#[test]
fn crlf_sentence_round_trips() {
    let text = "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|value\n\n\n#Text=one\\r\n#Text=two\n1-1\t0-3\tone\tx\t\n1-2\t5-8\ttwo\t_\t\n\n#Text=three\n2-1\t10-15\tthree\ty\t\n";
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("crlf.tsv");
    std::fs::write(&src, text).unwrap();
    let exported = round_trip(&src, dir.path());
    assert_eq!(exported, text);
}
