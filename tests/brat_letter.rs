//! brat to the letter: numbered roles keep their numbers (the `Site2` that pairs with the
//! second theme), note types other than `AnnotatorNotes` keep their type, `[spans]` is read
//! as `[entities]` with unused types kept, and the omission report groups repeated items.
#![allow(clippy::unwrap_used)]

use marginalia::interchange::brat;
use marginalia::interchange::export::{ExportOptions, Exporter, group_omissions};
use marginalia::interchange::formats;
use marginalia::interchange::import;
use marginalia::model::*;
use std::collections::HashMap;

const TEXT: &str = "TRAF2 binds CD40 at the N-terminus and the C-terminus of RIP.\n";

const CONF: &str = "[spans]\n\nProtein\nEntity\nGene\n\n[relations]\n\n[events]\n\n\
Binding\tTheme+:Protein, Site*:Entity\n\n[attributes]\n";

/// Imports `files` as a brat folder, reloads the saved project and exports it as brat.
fn round_trip(files: &[(&str, &str)]) -> (Project, String) {
    let src = tempfile::tempdir().unwrap();
    for (name, content) in files {
        std::fs::write(src.path().join(name), content).unwrap();
    }
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp.path().join("project");
    let importer = formats::importer("brat").unwrap();
    let file = import::run(importer.as_ref(), src.path(), &proj).unwrap();
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
    let ann = std::fs::read_to_string(out.join("a.ann")).unwrap();
    (loaded.project, ann)
}

/// The text each `T` id of `ann` covers.
fn t_text(ann: &str) -> HashMap<String, String> {
    ann.lines()
        .filter(|l| l.starts_with('T'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_owned(), f[2].to_owned())
        })
        .collect()
}

/// Every `E` line as its sorted `role=text` pairs.
fn events(ann: &str) -> Vec<Vec<String>> {
    let texts = t_text(ann);
    let mut out: Vec<Vec<String>> = ann
        .lines()
        .filter(|l| l.starts_with('E'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let mut args: Vec<String> = f[1]
                .split_whitespace()
                .skip(1)
                .map(|a| {
                    let (role, id) = a.split_once(':').unwrap();
                    format!("{role}={}", texts[id])
                })
                .collect();
            args.sort();
            args
        })
        .collect();
    out.sort();
    out
}

fn offsets(word: &str, nth: usize) -> (usize, usize) {
    let (byte, _) = TEXT.match_indices(word).nth(nth).unwrap();
    let start = TEXT[..byte].chars().count();
    (start, start + word.chars().count())
}

fn t_line(id: &str, ty: &str, word: &str, nth: usize) -> String {
    let (a, b) = offsets(word, nth);
    format!("{id}\t{ty} {a} {b}\t{word}\n")
}

#[test]
fn numbered_roles_keep_their_numbers() {
    let mut ann = String::new();
    ann += &t_line("T1", "Protein", "TRAF2", 0);
    ann += &t_line("T2", "Protein", "CD40", 0);
    ann += &t_line("T3", "Binding", "binds", 0);
    ann += &t_line("T4", "Entity", "C-terminus", 0);
    ann += &t_line("T5", "Protein", "RIP", 0);
    ann += &t_line("T6", "Entity", "N-terminus", 0);
    // The site pairs with the second theme; a lone `Site` would move it to the first.
    ann += "E1\tBinding:T3 Theme:T1 Theme2:T2 Site2:T4\n";
    // `Theme1` is written as `Theme1`.
    ann += "E2\tBinding:T3 Theme1:T5\n";
    // Default numbering (`Site`, `Site2`) still fills one role in order.
    ann += "E3\tBinding:T3 Theme:T2 Theme2:T5 Site:T6 Site2:T4\n";
    let (project, out) = round_trip(&[("annotation.conf", CONF), ("a.txt", TEXT), ("a.ann", &ann)]);
    let expect = events(&ann);
    assert_eq!(events(&out), expect, "exported:\n{out}");
    // E3's sites stay one role of two fillers, in number order.
    let doc = project.documents.values().next().unwrap();
    let e3 = doc
        .annotations
        .values()
        .filter_map(|a| match &a.body {
            Body::Event(e)
                if e.roles
                    .get(&Slug::new("site"))
                    .is_some_and(|s| s.len() == 2) =>
            {
                Some(e)
            }
            _ => None,
        })
        .count();
    assert_eq!(e3, 1);
}

#[test]
fn note_types_are_kept() {
    let mut ann = String::new();
    ann += &t_line("T1", "Protein", "TRAF2", 0);
    ann += &t_line("T2", "Protein", "CD40", 0);
    ann += "#1\tLemma T1\tDelilah\n#2\tAnnotatorNotes T1\tchecked\n#3\tLemma T2\tcd40\n";
    ann += "#4\tLemma T2\tsecond lemma\n";
    let (project, out) = round_trip(&[("annotation.conf", CONF), ("a.txt", TEXT), ("a.ann", &ann)]);
    let texts = t_text(&out);
    let mut notes: Vec<String> = out
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let (ty, id) = f[1].split_once(' ').unwrap();
            format!("{ty}|{}|{}", texts[id], f[2])
        })
        .collect();
    notes.sort();
    assert_eq!(
        notes,
        [
            "AnnotatorNotes|TRAF2|checked",
            "Lemma|CD40|cd40",
            "Lemma|CD40|second lemma",
            "Lemma|TRAF2|Delilah",
        ],
        "exported:\n{out}"
    );
    let doc = project.documents.values().next().unwrap();
    let traf2 = doc
        .annotations
        .values()
        .find(|a| a.note == "checked")
        .unwrap();
    assert_eq!(
        traf2.attributes.get(&brat::note_slug("Lemma")),
        Some(&AttrValue::Text("Delilah".into()))
    );
}

#[test]
fn spans_section_declares_entities_and_unused_types_are_kept() {
    let ann = t_line("T1", "Protein", "TRAF2", 0);
    let (project, out) = round_trip(&[("annotation.conf", CONF), ("a.txt", TEXT), ("a.ann", &ann)]);
    for t in ["protein", "entity", "gene"] {
        assert!(
            project.schema.entity(&Slug::new(t)).is_some(),
            "{t} is missing from {:?}",
            project.schema.entity_types
        );
    }
    assert!(
        project.schema.event(&Slug::new("binding")).is_some(),
        "the declared but unused event type is kept"
    );
    assert!(out.contains("T1\tProtein"), "{out}");
}

#[test]
fn omission_report_groups_repeated_items() {
    let mut lines: Vec<String> = (0..116)
        .map(|i| format!("brat cannot express the annotator: Person {i} in \"cable\""))
        .collect();
    lines.push("brat cannot express certainty: Person 7 in \"cable\"".into());
    lines.push("brat cannot express the archival description of \"cable\"".into());
    let grouped = group_omissions(lines);
    assert_eq!(
        grouped,
        [
            "brat cannot express the annotator: 116 in 1 document, e.g. Person 0 in \"cable\"; Person 1 in \"cable\"; Person 2 in \"cable\" …",
            "brat cannot express certainty: Person 7 in \"cable\"",
            "brat cannot express the archival description of \"cable\"",
        ]
    );
    // A few are grouped too, every place named.
    let few: Vec<String> = (0..3)
        .map(|i| format!("brat cannot express a note: Person {i} in \"cable\""))
        .collect();
    assert_eq!(
        group_omissions(few),
        [
            "brat cannot express a note: 3 in 1 document, e.g. Person 0 in \"cable\"; Person 1 in \"cable\"; Person 2 in \"cable\""
        ]
    );
}

/// A configuration with macros, a type hierarchy, normalization ids on types,
/// `<ENTITY-NESTING>`, comments and drawing settings Marginalia has no place for.
const RICH_CONF: &str = "# Epigenetics, after the brat EPI task configuration\n\
[entities]\n\nProtein\nEntity|GO:0005575\n\n\
[relations]\n\n<ENTITY-NESTING>\tArg1:<ENTITY>, Arg2:<ENTITY>\n\
Equiv\tArg1:Protein, Arg2:Protein, <REL-TYPE>:symmetric-transitive\n\n\
[events]\n\n<PROT>=Protein|Entity\n!Modification\n\
\tAcetylation|GO:0006473\tTheme:<PROT>, Site?:Entity\n\
\tBinding\tTheme+:<PROT>, Site*:Entity\n\
Regulation\tTheme:<EVENT>|Protein\n\n\
[attributes]\n\nNegation\tArg:<EVENT>\n";

const RICH_VISUAL: &str = "[labels]\n\nProtein | Protein | Pro\n\n[drawing]\n\n\
SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken\n\
Protein\tbgColor:#7fa2ff\n";

#[test]
fn annotation_conf_with_macros_nesting_and_normalization_ids_round_trips_byte_for_byte() {
    let ann = format!(
        "{}\n{}\nE1\tBinding:T2 Theme:T1\n",
        t_line("T1", "Protein", "TRAF2", 0),
        t_line("T2", "Binding", "binds", 0)
    );
    let src = tempfile::tempdir().unwrap();
    for (name, content) in [
        ("a.txt", TEXT),
        ("a.ann", ann.as_str()),
        ("annotation.conf", RICH_CONF),
        ("visual.conf", RICH_VISUAL),
    ] {
        std::fs::write(src.path().join(name), content).unwrap();
    }
    let tmp = tempfile::tempdir().unwrap();
    let file = import::run(
        formats::importer("brat").unwrap().as_ref(),
        src.path(),
        &tmp.path().join("project"),
    )
    .unwrap();
    let loaded = marginalia::store::load(&file).unwrap();
    let export = |project: &Project, name: &str| {
        let out = tmp.path().join(name);
        brat::BratExporter
            .export(project, &out, &ExportOptions::default(), &mut |_| {})
            .unwrap();
        (
            std::fs::read_to_string(out.join("annotation.conf")).unwrap(),
            std::fs::read_to_string(out.join("visual.conf")).unwrap(),
        )
    };
    let (conf, visual) = export(&loaded.project, "unchanged");
    assert_eq!(conf, RICH_CONF);
    assert_eq!(visual, RICH_VISUAL);

    // Once the tagset changes, the kept file no longer describes it: generated instead,
    // with the new type declared.
    let mut changed = loaded.project.clone();
    changed
        .schema
        .entity_types
        .push(marginalia::model::schema::EntityType {
            id: Slug::new("site"),
            label: "Site".into(),
            color: "#aabbcc".into(),
            hotkey: None,
            dated: false,
            description: String::new(),
        });
    let (conf, _) = export(&changed, "changed");
    assert_ne!(conf, RICH_CONF);
    assert!(conf.lines().any(|l| l == "Site"), "{conf}");
    assert!(conf.lines().any(|l| l.starts_with("Acetylation")), "{conf}");
}
