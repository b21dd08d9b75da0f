//! Page images and regions in the model: image-only documents, region mentions linked to
//! text mentions, carried through save and load and checked.
#![allow(clippy::unwrap_used)]

use marginalia::facsimile::{DecodeLimits, check::page_problems};
use marginalia::model::region::{self, PageRegion, Shape};
use marginalia::model::*;
use marginalia::session::Session;
use marginalia::store;

struct Fixture {
    session: Session,
    scanned: DocId,
    image_only: DocId,
    word: AnnId,
    stamp: AnnId,
    note: AnnId,
}

fn page(dir: &std::path::Path, name: &str, w: u32, h: u32) -> RelPath {
    std::fs::create_dir_all(dir.join("pages")).unwrap();
    image::RgbImage::from_pixel(w, h, image::Rgb([240, 235, 220]))
        .save(dir.join("pages").join(name))
        .unwrap();
    RelPath::parse(&format!("pages/{name}")).unwrap()
}

fn fixture(dir: &std::path::Path) -> Fixture {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let src = dir.join("sources/cable.txt");
    std::fs::write(&src, "To Cde. FILIPPOV\nNo. 21677\n").unwrap();
    let mut doc = store::document_from_source(dir, &src).unwrap();
    doc.meta.images = vec![
        page(dir, "cable.001.png", 400, 300),
        page(dir, "cable.002.png", 400, 300),
    ];
    let scanned = doc.id();
    let text = doc.text.clone().unwrap();
    let mut image_only = Document {
        meta: DocumentMeta {
            id: DocId::new(),
            title: "Untranscribed letter".into(),
            source: None,
            images: vec![page(dir, "letter.png", 200, 100)],
            status: DocStatus::NotStarted,
            archival: ArchivalMeta::default(),
        },
        text: None,
        annotations: Default::default(),
    };
    let image_only_id = image_only.id();
    let note = PageRegion {
        page: 0,
        shape: Shape::Polygon(vec![(10, 10), (190, 12), (100, 90)]),
        text: None,
    }
    .into_mention(Slug::new("person"));
    let note_id = note.id;
    image_only.annotations.insert(note.id, note);

    let mut project = Project::new("Facsimiles");
    project.documents.insert(scanned, doc);
    project.documents.insert(image_only_id, image_only);
    let mut s = Session::create(project, dir.join("f.marginalia.ron"));
    let word = Annotation::new(Body::Mention(Mention {
        type_id: Slug::new("person"),
        anchor: TextAnchor::span(&text, 8, 16).unwrap(),
        entry: None,
        date: None,
    }));
    let word_id = word.id;
    let mut stamp = PageRegion {
        page: 1,
        shape: Shape::Rect {
            x: 300,
            y: 20,
            width: 80,
            height: 40,
        },
        text: Some(word_id),
    }
    .into_mention(Slug::new("person"));
    stamp.note = "the name on the scan".into();
    let stamp_id = stamp.id;
    s.commit(
        Transaction::new("tag")
            .with(Edit::add_annotation(scanned, word))
            .with(Edit::add_annotation(scanned, stamp)),
    )
    .unwrap();
    Fixture {
        session: s,
        scanned,
        image_only: image_only_id,
        word: word_id,
        stamp: stamp_id,
        note: note_id,
    }
}

#[test]
fn regions_and_image_only_documents_survive_save_and_load() {
    let tmp = tempfile::tempdir().unwrap();
    let mut f = fixture(tmp.path());
    assert_eq!(
        marginalia::model::validate::validate(&f.session.project),
        vec![]
    );
    f.session.save().unwrap();
    let loaded = Session::open(tmp.path()).unwrap();
    assert_eq!(loaded.load_problems, vec![]);
    assert_eq!(loaded.project, f.session.project);

    let doc = &loaded.project.documents[&f.scanned];
    let stamp = doc.annotations[&f.stamp].region.clone().unwrap();
    assert_eq!(stamp.page, 1);
    assert_eq!(stamp.text, Some(f.word));
    assert_eq!(region::regions_showing(doc, f.word), vec![f.stamp]);
    let only = &loaded.project.documents[&f.image_only];
    assert!(only.text.is_none() && only.meta.source.is_none());
    assert_eq!(only.meta.images.len(), 1);
    assert!(only.annotations[&f.note].region.is_some());

    // The region is written where a reader of the file can see it.
    let bytes = store::document_bytes(doc).unwrap();
    let ron = String::from_utf8(bytes).unwrap();
    assert!(ron.contains("region:"), "{ron}");
    assert!(ron.contains("Rect("), "{ron}");

    for d in loaded.project.documents.values() {
        assert_eq!(
            page_problems(d, tmp.path(), &DecodeLimits::default()),
            vec![]
        );
    }
}

#[test]
fn bad_regions_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let mut f = fixture(tmp.path());
    let doc = f.session.project.documents.get_mut(&f.scanned).unwrap();
    let stamp = doc.annotations.get_mut(&f.stamp).unwrap();
    let region = stamp.region.as_mut().unwrap();
    region.shape = Shape::Rect {
        x: 350,
        y: 20,
        width: 80,
        height: 40,
    };
    let problems = page_problems(doc, tmp.path(), &DecodeLimits::default());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].message.contains("outside the 400 × 300"),
        "{problems:?}"
    );

    let region = doc
        .annotations
        .get_mut(&f.stamp)
        .unwrap()
        .region
        .as_mut()
        .unwrap();
    region.page = 2;
    region.text = Some(f.stamp);
    let msgs: Vec<String> = marginalia::model::validate::validate(&f.session.project)
        .into_iter()
        .map(|p| p.message)
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("page 3 but the document has 2")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|m| m.contains("not a text mention")),
        "{msgs:?}"
    );
}

#[test]
fn deleting_the_text_mention_unlinks_its_region() {
    let tmp = tempfile::tempdir().unwrap();
    let mut f = fixture(tmp.path());
    let tx =
        marginalia::model::ops::events::delete_annotation(&f.session.project, f.scanned, f.word)
            .unwrap();
    f.session.commit(tx).unwrap();
    let doc = &f.session.project.documents[&f.scanned];
    assert_eq!(
        doc.annotations[&f.stamp].region.as_ref().unwrap().text,
        None
    );
    assert_eq!(
        marginalia::model::validate::validate(&f.session.project),
        vec![]
    );
}

#[test]
fn a_missing_page_image_is_a_warning_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fixture(tmp.path());
    std::fs::remove_file(tmp.path().join("pages/letter.png")).unwrap();
    let doc = &f.session.project.documents[&f.image_only];
    let problems = page_problems(doc, tmp.path(), &DecodeLimits::default());
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].severity, Severity::Warning);
    assert!(problems[0].message.ends_with("letter.png"), "{problems:?}");
}

#[test]
fn check_reads_page_image_headers() {
    let tmp = tempfile::tempdir().unwrap();
    let mut f = fixture(tmp.path());
    f.session.save().unwrap();
    let file = tmp.path().join("f.marginalia.ron");
    let r = marginalia::cli::check::run(&file).unwrap();
    assert!(r.ok && r.problems.is_empty(), "{:?}", r.problems);
    std::fs::write(tmp.path().join("pages/cable.002.png"), b"truncated").unwrap();
    let r = marginalia::cli::check::run(&file).unwrap();
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    assert!(r.problems[0].message.contains("not a PNG, JPEG or TIFF"));
    assert!(r.problems[0].message.ends_with("cable.002.png"));
}

#[test]
fn the_sample_has_a_readable_facsimile() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951");
    let loaded = store::load(&dir.join("korean-armistice-1951.marginalia.ron")).unwrap();
    let doc = loaded.project.documents.values().next().unwrap();
    assert_eq!(doc.meta.images.len(), 1);
    let path = doc.meta.images[0].to_native(&dir);
    assert!(std::fs::metadata(&path).unwrap().len() <= 300 * 1024);
    let img = marginalia::facsimile::decode_page(&path, &DecodeLimits::default()).unwrap();
    assert_eq!(img.dimensions(), (1700, 2200));
}
