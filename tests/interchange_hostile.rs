//! Hostile input to the importers and exporters (issue 8, items 1, 6–10): path traversal
//! through TEI ids, symbolic-link loops and links out of the imported folder, a brat
//! `annotation.conf` above it, deep XML, FIFOs, duplicate ids, output over the load limit,
//! and exports over existing files or into the project's own folder.
//!
//! Each import that must finish runs on a thread with a time limit, so a hang fails the
//! test instead of stalling the run.
#![allow(clippy::unwrap_used)]

use marginalia::interchange::brat::slug_for;
use marginalia::interchange::common::collect_sources;
use marginalia::interchange::export::{ExportError, ExportOptions, Exporter};
use marginalia::interchange::formats;
use marginalia::interchange::import::{self, ImportError, Importer};
use marginalia::interchange::{brat, tei, text, w3c};
use marginalia::model::*;
use marginalia::store;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// Runs `importer` on `source` into `out` on a thread with a 1 MiB stack and a time limit.
fn import_within(
    importer: &'static dyn Importer,
    source: &Path,
    out: &Path,
) -> Result<PathBuf, ImportError> {
    let (tx, rx) = mpsc::channel();
    let (source, out) = (source.to_path_buf(), out.to_path_buf());
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            let _ = tx.send(import::run(importer, &source, &out));
        })
        .unwrap();
    rx.recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("the {} import did not finish", importer.id()))
}

/// Every path under `dir`, relative, sorted (links not followed).
fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(dir).unwrap().display().to_string());
            if std::fs::symlink_metadata(&p).unwrap().is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A project folder that `check` accepts: loads with no error problem.
fn assert_checks(file: &Path) -> store::Loaded {
    let loaded = store::load(file).unwrap();
    let errors: Vec<_> = loaded
        .problems
        .iter()
        .filter(|p| p.severity == validate::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    loaded
}

fn tei_doc(body: &str) -> String {
    format!(
        "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\"><teiHeader><fileDesc><titleStmt><title>t</title></titleStmt></fileDesc></teiHeader>\n<text><body>\n{body}\n</body></text></TEI>\n"
    )
}

#[test]
fn tei_div_ids_with_dot_dot_become_file_names_inside_the_project() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("vol.xml"),
        tei_doc(
            "<div type=\"document\" xml:id=\"x/../../../../notes\"><p>Owned by <persName>Nobody</persName>.</p></div>\n\
             <div type=\"document\" xml:id=\"/etc/cron.d/job\"><p>second</p></div>\n\
             <div type=\"document\" xml:id=\"..\"><p>third</p></div>",
        ),
    )
    .unwrap();
    let out = tmp.path().join("out/proj");
    let file = import_within(&tei::TeiImporter, &src, &out).unwrap();
    let loaded = assert_checks(&file);
    let mut paths: Vec<String> = loaded
        .project
        .documents
        .values()
        .map(|d| d.meta.source.as_ref().unwrap().path.to_string())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "vol-3.txt",
            "vol-etc-cron-d-job.txt",
            "vol-x-------------notes.txt"
        ]
    );
    // Nothing was written outside the new project.
    assert_eq!(
        listing(tmp.path())
            .iter()
            .filter(|p| p.ends_with("notes.txt"))
            .count(),
        1
    );
    assert!(!tmp.path().join("notes.txt").exists());
    assert_eq!(
        listing(&tmp.path().join("out")).len(),
        listing(&out).len() + 1
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_end_and_links_out_of_the_folder_are_not_followed() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "SECRET outside the folder\n").unwrap();
    std::fs::write(outside.join("secret.json"), "{}").unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(src.join("sub")).unwrap();
    std::fs::write(src.join("a.txt"), "Kim Il Sung\n").unwrap();
    std::fs::write(src.join("a.ann"), "T1\tPerson 0 11\tKim Il Sung\n").unwrap();
    // Two loops: links to each other, and a folder linked to its parent.
    symlink(src.join("loop-b"), src.join("loop-a")).unwrap();
    symlink(src.join("loop-a"), src.join("loop-b")).unwrap();
    symlink(&src, src.join("sub/up")).unwrap();
    // Links out: a file (as a passwd link would be) and a folder.
    symlink(outside.join("secret.txt"), src.join("passwd.txt")).unwrap();
    symlink("/etc/passwd", src.join("etc-passwd.txt")).unwrap();
    symlink(&outside, src.join("elsewhere")).unwrap();
    // A link that stays inside is followed.
    symlink(src.join("a.txt"), src.join("sub/same.txt")).unwrap();

    let sources: Vec<String> = collect_sources(&src)
        .unwrap()
        .iter()
        .map(|p| p.strip_prefix(&src).unwrap().display().to_string())
        .collect();
    assert_eq!(sources, ["a.txt", "sub/same.txt"]);

    let importers: [&'static dyn Importer; 2] = [&text::TextImporter, &brat::BratImporter];
    for importer in importers {
        let out = tmp.path().join(format!("out-{}", importer.id()));
        let file = import_within(importer, &src, &out).unwrap();
        let loaded = assert_checks(&file);
        for d in loaded.project.documents.values() {
            assert!(
                !d.text_or_empty().as_str().contains("SECRET"),
                "{}: {}",
                importer.id(),
                d.meta.title
            );
        }
        assert!(!out.join("passwd.txt").exists());
        assert!(!out.join("etc-passwd.txt").exists());
        assert!(!out.join("elsewhere").exists());
    }

    // W3C: the annotated text beside the JSON is a link out, so it is missing.
    let w = tmp.path().join("w3c");
    std::fs::create_dir_all(&w).unwrap();
    std::fs::write(
        w.join("doc.json"),
        r#"{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationPage", "items": []}"#,
    )
    .unwrap();
    symlink(outside.join("secret.txt"), w.join("doc.txt")).unwrap();
    symlink(&w, w.join("again")).unwrap();
    let err = import_within(&w3c::W3cImporter, &w, &tmp.path().join("out-w3c")).unwrap_err();
    assert!(err.to_string().contains("doc.txt"), "{err}");
    assert!(!tmp.path().join("out-w3c").exists());
}

#[test]
fn brat_reads_annotation_conf_only_inside_the_imported_folder() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("annotation.conf"),
        "[entities]\nPlanted_type\n[relations]\n[events]\n[attributes]\n",
    )
    .unwrap();
    let src = tmp.path().join("corpus");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("a.txt"), "Kim Il Sung\n").unwrap();
    std::fs::write(src.join("a.ann"), "T1\tPerson 0 11\tKim Il Sung\n").unwrap();
    let file = import_within(&brat::BratImporter, &src, &tmp.path().join("p")).unwrap();
    let loaded = assert_checks(&file);
    let schema = &loaded.project.schema;
    assert!(schema.kind_of(&slug_for("Person")).is_some());
    assert!(schema.kind_of(&slug_for("Planted_type")).is_none());
}

#[test]
fn deep_xml_is_an_error_naming_file_and_line_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("deep.xml");
    let n = 100_000;
    std::fs::write(
        &src,
        format!(
            "<TEI>\n<text><body><p>{}{}</p></body></text></TEI>",
            "<hi>".repeat(n),
            "</hi>".repeat(n)
        ),
    )
    .unwrap();
    let out = tmp.path().join("proj");
    let err = import_within(&tei::TeiImporter, &src, &out).unwrap_err();
    assert!(
        matches!(err, ImportError::Syntax { line: 2, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("nested more than"), "{err}");
    assert!(err.to_string().ends_with("deep.xml"), "{err}");
    assert_eq!(listing(tmp.path()), ["deep.xml"]);

    // Just under the limit the import works, on the same small stack.
    let n = marginalia::interchange::tei::tree::MAX_DEPTH - 5;
    std::fs::write(
        &src,
        tei_doc(&format!(
            "<p>{}<persName>Kim</persName>{}</p>",
            "<hi>".repeat(n),
            "</hi>".repeat(n)
        )),
    )
    .unwrap();
    let file = import_within(&tei::TeiImporter, &src, &out).unwrap();
    assert_eq!(assert_checks(&file).project.annotation_count(), 1);
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn fifos_are_never_opened_by_any_importer() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("a.xml"), tei_doc("<p>Kim Il Sung</p>")).unwrap();
    std::fs::write(src.join("a.txt"), "Kim Il Sung\n").unwrap();
    std::fs::write(
        src.join("a.json"),
        r#"{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationPage", "items": []}"#,
    )
    .unwrap();
    for name in [
        "b.xml",
        "b.txt",
        "b.ann",
        "b.json",
        "c.txt",
        "annotation.conf",
    ] {
        mkfifo(&src.join(name));
    }
    let importers: [&'static dyn Importer; 4] = [
        &tei::TeiImporter,
        &text::TextImporter,
        &brat::BratImporter,
        &w3c::W3cImporter,
    ];
    for importer in importers {
        let out = tmp.path().join(format!("out-{}", importer.id()));
        let file = import_within(importer, &src, &out).unwrap();
        let loaded = assert_checks(&file);
        assert_eq!(loaded.project.documents.len(), 1, "{}", importer.id());
    }
    // A FIFO given as the source itself is refused, not opened.
    let err =
        import_within(&tei::TeiImporter, &src.join("b.xml"), &tmp.path().join("x")).unwrap_err();
    assert!(err.to_string().contains("b.xml"), "{err}");
    assert!(!tmp.path().join("x").exists());
}

fn w3c_item(id: &str) -> String {
    format!(
        r#"{{"id": "urn:uuid:{id}", "type": "Annotation", "motivation": "identifying",
            "body": [{{"type": "TextualBody", "purpose": "tagging", "value": "Person"}}],
            "target": {{"source": "x", "selector": {{"type": "TextPositionSelector", "start": 0, "end": 3}}}}}}"#
    )
}

#[test]
fn the_same_annotation_id_in_two_w3c_files_is_refused_and_nothing_written() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let id = "01900000-0000-7000-8000-000000000001";
    for stem in ["one", "two"] {
        std::fs::write(
            src.join(format!("{stem}.json")),
            format!(
                r#"{{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationPage", "items": [{}]}}"#,
                w3c_item(id)
            ),
        )
        .unwrap();
        std::fs::write(src.join(format!("{stem}.txt")), "Kim Il Sung").unwrap();
    }
    let out = tmp.path().join("proj");
    let err = import_within(&w3c::W3cImporter, &src, &out).unwrap_err();
    assert!(err.to_string().contains("one.json"), "{err}");
    assert!(err.to_string().ends_with("two.json"), "{err}");
    assert_eq!(
        listing(tmp.path()),
        [
            "src",
            "src/one.json",
            "src/one.txt",
            "src/two.json",
            "src/two.txt"
        ]
    );

    // The same id twice in one file.
    std::fs::remove_file(src.join("two.json")).unwrap();
    std::fs::write(
        src.join("one.json"),
        format!(
            r#"{{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationPage", "items": [{}, {}]}}"#,
            w3c_item(id),
            w3c_item(id)
        ),
    )
    .unwrap();
    let err = import_within(&w3c::W3cImporter, &src, &out).unwrap_err();
    assert!(err.to_string().contains("earlier annotation"), "{err}");
    assert!(!out.exists());
}

#[test]
fn duplicate_tei_ids_are_refused_with_the_line_and_nothing_written() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("vol.xml"),
        tei_doc(
            "<div type=\"document\" xml:id=\"d1\"><p>one</p></div>\n<div type=\"document\" xml:id=\"d1\"><p>two</p></div>",
        ),
    )
    .unwrap();
    let out = tmp.path().join("proj");
    let err = import_within(&tei::TeiImporter, &src, &out).unwrap_err();
    assert!(
        matches!(err, ImportError::Syntax { line: 4, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("\"d1\""), "{err}");
    assert!(!out.exists());

    // The same annotation id in two files (as two copies of one export would have).
    std::fs::remove_file(src.join("vol.xml")).unwrap();
    let mention =
        "<p><persName xml:id=\"a-01900000-0000-7000-8000-000000000001\">Kim</persName></p>";
    std::fs::write(src.join("a.xml"), tei_doc(mention)).unwrap();
    std::fs::write(src.join("b.xml"), tei_doc(mention)).unwrap();
    let err = import_within(&tei::TeiImporter, &src, &out).unwrap_err();
    assert!(err.to_string().contains("a.xml"), "{err}");
    assert!(err.to_string().ends_with("b.xml"), "{err}");
    assert_eq!(listing(tmp.path()), ["src", "src/a.xml", "src/b.xml"]);
}

#[test]
fn output_over_the_load_limit_fails_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let lines = 2_000;
    std::fs::write(src.join("a.txt"), "Kim ".repeat(lines)).unwrap();
    let ann: String = (0..lines)
        .map(|i| format!("T{}\tPerson {} {}\tKim\n", i + 1, i * 4, i * 4 + 3))
        .collect();
    std::fs::write(src.join("a.ann"), ann).unwrap();
    let limits = store::Limits {
        max_ron_bytes: 64 << 10,
        ..store::Limits::default()
    };
    let out = tmp.path().join("proj");
    let err = import::run_with_limits(&brat::BratImporter, &src, &out, limits).unwrap_err();
    assert!(err.to_string().contains("over the limit"), "{err}");
    assert!(err.to_string().ends_with("a.txt"), "{err}");
    assert_eq!(listing(tmp.path()), ["src", "src/a.ann", "src/a.txt"]);
    // Under the default limits the same input imports and checks.
    let file = import::run(&brat::BratImporter, &src, &out).unwrap();
    assert_eq!(assert_checks(&file).project.annotation_count(), lines);
}

/// A project folder made by importing one text with a BOM and CRLF line ends.
fn project_on_disk(tmp: &Path) -> (store::Loaded, PathBuf) {
    let src = tmp.join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("cable.txt"), "\u{feff}Kim Il Sung\r\nPeng\r\n").unwrap();
    let file = import::run(&text::TextImporter, &src, &tmp.join("proj")).unwrap();
    (store::load(&file).unwrap(), tmp.join("proj/cable.txt"))
}

#[test]
fn exports_refuse_existing_files_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let (loaded, _) = project_on_disk(tmp.path());
    let out = tmp.path().join("export");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("cable.txt"), "the user's own file").unwrap();
    let err = brat::BratExporter
        .export(
            &loaded.project,
            &out,
            &ExportOptions::default(),
            &mut |_| {},
        )
        .unwrap_err();
    assert!(matches!(err, ExportError::Exists { .. }), "{err:?}");
    assert_eq!(
        std::fs::read_to_string(out.join("cable.txt")).unwrap(),
        "the user's own file"
    );
    // Refused before anything was written: brat's other files are not there either.
    assert!(!out.join("cable.ann").exists());
    assert!(!out.join("annotation.conf").exists());

    let forced = ExportOptions {
        overwrite: true,
        ..ExportOptions::default()
    };
    let report = brat::BratExporter
        .export(&loaded.project, &out, &forced, &mut |_| {})
        .unwrap();
    assert!(report.files.contains(&out.join("cable.ann")));
    assert_eq!(
        std::fs::read_to_string(out.join("cable.txt")).unwrap(),
        "Kim Il Sung\nPeng\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("cable.txt.bak")).unwrap(),
        "the user's own file"
    );
    // No temporary file is left.
    assert!(
        listing(&out).iter().all(|p| !p.contains(".tmp-")),
        "{:?}",
        listing(&out)
    );
}

#[test]
fn exports_refuse_the_projects_own_folder_even_when_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let (loaded, source) = project_on_disk(tmp.path());
    let before = std::fs::read(&source).unwrap();
    let dir = loaded.disk.dir.clone();
    for overwrite in [false, true] {
        let options = ExportOptions {
            overwrite,
            project_dir: Some(dir.clone()),
        };
        for exporter in formats::exporters() {
            // The folder itself, a folder inside it that exists (where the sources are), and
            // one inside it that does not exist yet.
            let inside = dir.join("notes");
            std::fs::create_dir_all(&inside).unwrap();
            for out in [dir.join("."), inside.clone(), dir.join("new/deeper")] {
                let err = exporter
                    .export(&loaded.project, &out, &options, &mut |_| {})
                    .unwrap_err();
                assert!(matches!(err, ExportError::IntoProject { .. }), "{err:?}");
            }
        }
    }
    assert_eq!(std::fs::read(&source).unwrap(), before);
    assert!(!dir.join("new").exists());
    assert_checks(&loaded.disk.project_file);
}

#[test]
fn anchors_outside_the_text_are_refused_by_tei_and_w3c() {
    let mut p = Project::new("p");
    let text = SourceText::from_str_normalizing("Mao Zedong");
    let mut doc = Document {
        meta: DocumentMeta {
            id: DocId::new(),
            title: "t".into(),
            source: None,
            images: Vec::new(),
            status: DocStatus::NotStarted,
            archival: ArchivalMeta::default(),
        },
        text: None,
        annotations: Default::default(),
    };
    let a = Annotation::new(Body::Mention(Mention {
        type_id: Slug::new("person"),
        anchor: TextAnchor::span(&text, 4, 10).unwrap(),
        entry: None,
        date: None,
    }));
    doc.annotations.insert(a.id, a);
    p.documents.insert(doc.id(), doc);
    let tmp = tempfile::tempdir().unwrap();
    let exporters: [&dyn Exporter; 2] = [&tei::TeiExporter, &w3c::W3cExporter];
    for ex in exporters {
        let err = ex
            .export(&p, tmp.path(), &ExportOptions::default(), &mut |_| {})
            .unwrap_err();
        assert!(err.to_string().contains("could not be read"), "{err}");
    }
    assert_eq!(listing(tmp.path()), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn a_link_planted_at_an_exports_temporary_name_is_not_written_through() {
    let tmp = tempfile::tempdir().unwrap();
    let victim = tmp.path().join("victim.txt");
    std::fs::write(&victim, "mine").unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    // The W3C export always writes registry.json; its temporary name is predictable.
    let planted = store::fs::temp_path(&out.join("registry.json"), std::process::id());
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    let err = w3c::W3cExporter
        .export(
            &Project::new("P"),
            &out,
            &ExportOptions::default(),
            &mut |_| {},
        )
        .unwrap_err();
    assert!(
        err.to_string().contains(".registry.json.tmp-"),
        "the error names the temporary file: {err}"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "mine");
    assert!(!out.join("registry.json").exists());
}
