//! Archive files in the window (issue 25): a PAGE XML file and a PDF dropped on the window
//! are imported in the background into the open project, with a progress window, and go
//! through the new-documents window (title, status) with what was not kept as its note;
//! Apply and undo work as for text files; a long import is cancelled with the window's
//! Cancel button (clicked at its place) and adds nothing.
#![allow(clippy::unwrap_used)]
#![cfg(feature = "gui")]

mod support;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::app::{App, Dialog, Prefs};
use marginalia::build_info;
use marginalia::model::Project;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn harness(app: App) -> Harness<'static, App> {
    Harness::builder()
        .with_size([1000.0, 800.0])
        .with_step_dt(0.1)
        .build_ui_state(|ui, app: &mut App| app.frame(ui), app)
}

fn project<'a>(h: &'a Harness<'_, App>) -> &'a Project {
    &h.state().state.session.as_ref().unwrap().project
}

/// A file dropped on the window, as the platform hands it to egui.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn drop_files(h: &mut Harness<'_, App>, files: &[PathBuf]) {
    for f in files {
        h.input_mut()
            .dropped_files
            .push(std::sync::Arc::new(Dropped(f.clone())));
    }
    h.run_steps(2);
}

/// Steps the window until `done` or 60 s.
fn until(h: &mut Harness<'_, App>, done: impl Fn(&Harness<'_, App>) -> bool) {
    let start = Instant::now();
    while !done(h) {
        assert!(start.elapsed() < Duration::from_secs(120), "timed out");
        h.run_steps(1);
        std::thread::sleep(Duration::from_millis(20));
    }
    h.run_steps(2);
}

fn new_documents_open(h: &Harness<'_, App>) -> bool {
    matches!(h.state().state.dialog, Some(Dialog::NewDocuments(_)))
}

const PAGE_XML: &str = r#"<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">
<Page imageFilename="brief.png" imageWidth="80" imageHeight="60">
<TextRegion id="r1"><Coords points="2,2 78,2 78,50 2,50"/>
<TextLine id="l1" custom="person {offset:7; length:4;}"><Coords points="2,2 78,2 78,20 2,20"/><Baseline points="2,19 78,19"/><TextEquiv><Unicode>Lieber Kant,</Unicode></TextEquiv></TextLine>
<TextLine id="l2"><Coords points="2,25 78,25 78,45 2,45"/><TextEquiv><Unicode>in Königsberg</Unicode></TextEquiv></TextLine>
</TextRegion></Page></PcGts>"#;

#[test]
fn a_dropped_page_file_and_pdf_become_documents_through_the_new_documents_window() {
    let home = tempfile::tempdir().unwrap();
    let file = build_info::install_sample(home.path()).unwrap();
    let outside = tempfile::tempdir().unwrap();
    let page = outside.path().join("brief.xml");
    std::fs::write(&page, PAGE_XML).unwrap();
    image::RgbImage::from_pixel(80, 60, image::Rgb([240, 240, 230]))
        .save(outside.path().join("brief.png"))
        .unwrap();
    let pdf = outside.path().join("minutes.pdf");
    std::fs::write(
        &pdf,
        support::pdf::pdf(&support::pdf::book(2, 3), &Default::default()),
    )
    .unwrap();
    let mut h = harness(App::with_project(Prefs::default(), &file));
    h.run_steps(3);
    let before = project(&h).documents.len();
    drop_files(&mut h, &[page, pdf]);
    until(&mut h, new_documents_open);
    assert_eq!(project(&h).documents.len(), before + 2);
    let Some(Dialog::NewDocuments(nd)) = &h.state().state.dialog else {
        unreachable!()
    };
    assert_eq!(nd.rows.len(), 2);
    assert!(
        nd.note.as_deref().is_some_and(|n| n.contains("baselines")),
        "what was not kept is said: {:?}",
        nd.note
    );
    h.get_by_label("Title of brief.txt");
    h.get_by_label("Title of minutes.txt");
    let p = project(&h);
    let brief = p
        .documents
        .values()
        .find(|d| d.meta.title == "brief")
        .unwrap();
    let dir = file.parent().unwrap();
    assert!(
        brief.meta.images[0].to_native(dir).is_file(),
        "image copied into the project"
    );
    assert!(brief.meta.images[0].as_str().starts_with("sources/"));
    assert_eq!(
        brief
            .annotations
            .values()
            .filter(|a| a.region.is_some())
            .count(),
        3,
        "two lines and their region on the page"
    );
    assert!(
        p.schema
            .entity_types
            .iter()
            .any(|t| t.id.as_str() == "text_line")
    );
    let minutes = p
        .documents
        .values()
        .find(|d| d.meta.title == "minutes")
        .unwrap();
    assert_eq!(minutes.meta.images.len(), 2);
    assert_eq!(minutes.meta.archival.page_breaks.len(), 2);
    // Apply with the pointer, then undo: titles first, then the documents.
    h.get_by_label("Apply").click();
    h.run_steps(3);
    assert!(!new_documents_open(&h));
    h.state_mut().state.push(marginalia::app::Command::Undo);
    h.run_steps(2);
    h.state_mut().state.push(marginalia::app::Command::Undo);
    h.run_steps(2);
    assert_eq!(
        project(&h).documents.len(),
        before,
        "the add is one undo step"
    );
}

#[test]
fn cancelling_a_long_import_with_the_pointer_adds_nothing() {
    let home = tempfile::tempdir().unwrap();
    let file = build_info::install_sample(home.path()).unwrap();
    let outside = tempfile::tempdir().unwrap();
    let pdf = outside.path().join("long.pdf");
    std::fs::write(
        &pdf,
        support::pdf::pdf(&support::pdf::book(400, 40), &Default::default()),
    )
    .unwrap();
    let mut h = harness(App::with_project(Prefs::default(), &file));
    h.run_steps(3);
    let before = project(&h).documents.len();
    drop_files(&mut h, &[pdf]);
    h.run_steps(2);
    assert!(
        h.state().archive.busy(),
        "the import runs in the background"
    );
    h.get_by_label("Cancel").click();
    until(&mut h, |h| !h.state().archive.busy());
    assert_eq!(project(&h).documents.len(), before);
    assert!(
        h.state().state.status.contains("cancelled"),
        "{}",
        h.state().state.status
    );
    let dir = file.parent().unwrap();
    let staged: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".marginalia-adding")
        })
        .collect();
    assert!(staged.is_empty(), "nothing left behind");
    assert!(!Path::new(&dir.join("sources/long.txt")).exists());
}
