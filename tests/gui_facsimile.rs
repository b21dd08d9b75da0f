//! The page pane in the window (egui_kittest): a two-page scanned document, a rectangle drawn
//! over the stamp with real pointer drags, tagged, linked to its transcription, undone and
//! redone, saved and read back; the pane following the transcription's page breaks; and
//! hostile page images shown as an error in the pane, never a crash.
#![allow(clippy::unwrap_used)]
#![cfg(feature = "gui")]

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use marginalia::app::{App, Command, Message, Prefs};
use marginalia::model::ops::tagging;
use marginalia::model::region::Shape;
use marginalia::model::*;
use marginalia::session::Session;
use marginalia::store;
use std::path::{Path, PathBuf};
use std::time::Duration;

mod support;
use support::gui::project;
use support::images::{encoded, png_claiming};

/// The stamp's box on page 1, in image pixels.
const STAMP: (u32, u32, u32, u32) = (500, 100, 200, 80);

/// A typed page: paper tone, a dark stamp box on the first page.
fn write_page(path: &Path, stamp: bool) {
    let (sx, sy, sw, sh) = STAMP;
    image::RgbImage::from_fn(800, 1000, |x, y| {
        if stamp && (sx..sx + sw).contains(&x) && (sy..sy + sh).contains(&y) {
            image::Rgb([120, 20, 20])
        } else if y % 40 < 12 && (60..740).contains(&x) {
            image::Rgb([60, 60, 60])
        } else {
            image::Rgb([240, 236, 225])
        }
    })
    .save(path)
    .unwrap();
}

/// A project with one document transcribed in `text`, whose pages are `images` (written by
/// the caller under `scans/`) and whose second page begins at `break_at`.
fn make_project(
    dir: &Path,
    text: &str,
    images: &[&str],
    break_at: Option<usize>,
) -> (PathBuf, DocId) {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let src = dir.join("sources/cable.txt");
    std::fs::write(&src, text).unwrap();
    let mut doc = store::document_from_source(dir, &src).unwrap();
    doc.meta.images = images
        .iter()
        .map(|i| RelPath::parse(&format!("scans/{i}")).unwrap())
        .collect();
    if let Some(offset) = break_at {
        doc.meta.archival.page_breaks = vec![PageBreak {
            offset,
            n: "2".into(),
            facs: String::new(),
        }];
    }
    let id = doc.id();
    let mut project = Project::new("Scans");
    project.documents.insert(id, doc);
    let file = dir.join("scans.marginalia.ron");
    Session::create(project, file.clone()).save().unwrap();
    (file, id)
}

/// Runs frames until `done` holds (the decoder works on its own thread), at most 10 s.
fn run_until(h: &mut Harness<'_, App>, what: &str, done: impl Fn(&App) -> bool) {
    for _ in 0..500 {
        h.run_steps(1);
        if done(h.state()) {
            h.run_steps(2);
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting for {what}");
}

fn send(h: &mut Harness<'_, App>, a: impl Into<marginalia::app::Action>) {
    h.state_mut().state.push(a);
    h.run_steps(2);
}

fn regions(p: &Project, doc: DocId) -> Vec<Annotation> {
    p.documents
        .get(&doc)
        .unwrap()
        .annotations
        .values()
        .filter(|a| a.region.is_some())
        .cloned()
        .collect()
}

/// Presses the primary button at `from`, moves to `to` in steps and releases there.
fn drag(h: &mut Harness<'_, App>, from: egui::Pos2, to: egui::Pos2) {
    h.hover_at(from);
    h.run_steps(1);
    h.drag_at(from);
    h.run_steps(1);
    for t in [0.25, 0.5, 0.75, 1.0] {
        h.hover_at(from + (to - from) * t);
        h.run_steps(1);
    }
    h.drop_at(to);
    h.run_steps(2);
}

#[test]
fn draw_tag_link_undo_save_and_reload_a_region() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("scans")).unwrap();
    write_page(&tmp.path().join("scans/cable.001.png"), true);
    write_page(&tmp.path().join("scans/cable.002.png"), false);
    let text = "To Cde. FILIPPOV\nIncoming No. 21677\n\nDeciphered by Zhukov.\n";
    let (file, doc) = make_project(
        tmp.path(),
        text,
        &["cable.001.png", "cable.002.png"],
        Some(text.find("Deciphered").unwrap()),
    );
    let mut h = support::gui::harness_dt(
        App::with_project(Prefs::default(), tmp.path()),
        [1400.0, 900.0],
        0.05,
    );
    run_until(&mut h, "the first page", |a| a.pages.is_ready(0));
    h.get_by_label("Page 1 of 2");
    h.get_by_label("Page image");

    // Draw a rectangle over the stamp with the pointer.
    h.get_by_label("Rectangle").click();
    h.run_steps(2);
    let (sx, sy, sw, sh) = STAMP;
    let at = |h: &Harness<'_, App>, x: u32, y: u32| {
        h.state()
            .pages
            .screen_of(f64::from(x), f64::from(y))
            .unwrap()
    };
    let (from, to) = (at(&h, sx, sy), at(&h, sx + sw, sy + sh));
    drag(&mut h, from, to);
    let draft = h.state().state.pages.draft.clone().expect("a drawn region");
    let Shape::Rect {
        x,
        y,
        width,
        height,
    } = draft.shape
    else {
        panic!("not a rectangle: {:?}", draft.shape)
    };
    // One screen point is under 2 image pixels at this zoom.
    let zoom = h.state().pages.zoom().unwrap();
    let slack = (2.0 / zoom).ceil() as u32;
    assert!(
        x.abs_diff(sx) <= slack && y.abs_diff(sy) <= slack,
        "{x},{y}"
    );
    assert!(width.abs_diff(sw) <= slack && height.abs_diff(sh) <= slack);
    assert!(
        regions(project(&h), doc).is_empty(),
        "not a mention until tagged"
    );

    // Tag it from the popup beside it.
    h.get_by_label("Stamp/Mark  (S)").click();
    h.run_steps(2);
    let rs = regions(project(&h), doc);
    assert_eq!(rs.len(), 1);
    let region_id = rs[0].id;
    assert_eq!(rs[0].type_id().as_str(), "stamp");
    assert_eq!(h.state().state.pages.region, Some(region_id), "selected");
    assert!(h.state().state.pages.draft.is_none());

    // Its transcription: "Incoming No. 21677", tagged in the text, then linked.
    let start = text.find("Incoming").unwrap();
    let span = Span::new(start, start + "Incoming No. 21677".len());
    let (tx, text_id) =
        tagging::tag_mention(project(&h), doc, &[span], &Slug::new("stamp")).unwrap();
    send(&mut h, Message::Apply(tx));
    send(&mut h, Message::SelectAnnotation(Some(text_id)));
    send(&mut h, Command::LinkToSelectedRegion);
    let linked = |h: &Harness<'_, App>| {
        project(h)
            .annotation(doc, region_id)
            .and_then(|a| a.region.as_ref())
            .and_then(|r| r.text)
    };
    assert_eq!(linked(&h), Some(text_id));
    assert_eq!(
        region::regions_showing(project(&h).documents.get(&doc).unwrap(), text_id),
        vec![region_id]
    );

    // Selecting the region by clicking it outlines its text in the reader.
    h.get_by_label("Select").click();
    h.run_steps(1);
    let mid = at(&h, sx + sw / 2, sy + sh / 2);
    h.hover_at(mid);
    h.run_steps(1);
    h.drag_at(mid);
    h.run_steps(1);
    h.drop_at(mid);
    h.run_steps(2);
    assert_eq!(h.state().state.selected, Some(region_id));
    assert_eq!(h.state().state.pages.linked_text, Some(text_id));

    // Undo and redo the link, then everything.
    send(&mut h, Command::Undo);
    assert_eq!(linked(&h), None);
    send(&mut h, Command::Redo);
    assert_eq!(linked(&h), Some(text_id));
    for _ in 0..3 {
        send(&mut h, Command::Undo);
    }
    assert!(regions(project(&h), doc).is_empty());
    assert!(project(&h).annotation(doc, text_id).is_none());
    for _ in 0..3 {
        send(&mut h, Command::Redo);
    }
    assert_eq!(linked(&h), Some(text_id));

    // Save, read the files back.
    send(&mut h, Command::Save);
    assert!(!h.state().state.is_dirty(), "{}", h.state().state.status);
    let back = Session::open(&file).unwrap().project;
    let a = back
        .annotation(doc, region_id)
        .expect("the region was saved");
    let r = a.region.as_ref().unwrap();
    assert_eq!(r.page, 0);
    assert_eq!(r.shape, draft.shape);
    assert_eq!(r.text, Some(text_id));
    assert_eq!(a.type_id().as_str(), "stamp");
    assert!(back.annotation(doc, text_id).is_some());
    let saved = std::fs::read_to_string(tmp.path().join("sources/cable.txt.ann.ron"))
        .or_else(|_| std::fs::read_to_string(&file))
        .unwrap();
    assert!(saved.contains("region:"), "{saved}");
    assert!(saved.contains("Rect("), "{saved}");
}

/// Clicks at `p` (press and release without moving).
fn click(h: &mut Harness<'_, App>, p: egui::Pos2) {
    h.hover_at(p);
    h.run_steps(1);
    h.drag_at(p);
    h.run_steps(1);
    h.drop_at(p);
    h.run_steps(3);
}

#[test]
fn polygon_by_clicks_tagged_by_key_then_reshaped_and_nudged() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("scans")).unwrap();
    write_page(&tmp.path().join("scans/p.001.png"), true);
    let (_, doc) = make_project(tmp.path(), "To Cde. FILIPPOV\n", &["p.001.png"], None);
    let mut h = support::gui::harness_dt(
        App::with_project(Prefs::default(), tmp.path()),
        [1400.0, 900.0],
        0.05,
    );
    run_until(&mut h, "the page", |a| a.pages.is_ready(0));
    let at = |h: &Harness<'_, App>, x: f64, y: f64| h.state().pages.screen_of(x, y).unwrap();
    h.get_by_label("Polygon").click();
    h.run_steps(2);
    // Corners far apart (a screen point is more than one image pixel here).
    for (x, y) in [(100.0, 600.0), (400.0, 600.0), (250.0, 800.0)] {
        let p = at(&h, x, y);
        click(&mut h, p);
    }
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    let draft = h
        .state()
        .state
        .pages
        .draft
        .clone()
        .expect("closed by Enter");
    let Shape::Polygon(pts) = &draft.shape else {
        panic!("{:?}", draft.shape)
    };
    assert_eq!(pts.len(), 3);
    // The Stamp/Mark hotkey tags it.
    h.key_press(egui::Key::S);
    h.run_steps(2);
    let rs = regions(project(&h), doc);
    assert_eq!(rs.len(), 1, "{}", h.state().state.status);
    assert_eq!(rs[0].type_id().as_str(), "stamp");
    let id = rs[0].id;
    let shape = |h: &Harness<'_, App>| {
        project(h)
            .annotation(doc, id)
            .and_then(|a| a.region.clone())
            .unwrap()
            .shape
    };
    // Drag the third vertex down with the Select tool.
    h.get_by_label("Select").click();
    h.run_steps(2);
    let (x2, y2) = (f64::from(pts[2].0), f64::from(pts[2].1));
    let from = at(&h, x2, y2);
    let to = at(&h, x2, y2 + 100.0);
    drag(&mut h, from, to);
    let Shape::Polygon(moved) = shape(&h) else {
        panic!()
    };
    assert_eq!(moved[..2], pts[..2], "other vertices stay");
    assert!(moved[2].1.abs_diff(pts[2].1 + 100) <= 3, "{moved:?}");
    // Shift+Right nudges the whole region right by at least one pixel.
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowRight);
    h.run_steps(2);
    let Shape::Polygon(nudged) = shape(&h) else {
        panic!()
    };
    assert!(
        nudged[0].0 > moved[0].0 && nudged[0].1 == moved[0].1,
        "{nudged:?}"
    );
    // Each is one undo step.
    send(&mut h, Command::Undo);
    assert_eq!(shape(&h), Shape::Polygon(moved.clone()));
    send(&mut h, Command::Undo);
    assert_eq!(shape(&h), draft.shape);
}

#[test]
fn pages_follow_the_transcription_and_back() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("scans")).unwrap();
    write_page(&tmp.path().join("scans/long.001.png"), true);
    write_page(&tmp.path().join("scans/long.002.png"), false);
    let mut text = String::new();
    for i in 0..300 {
        text.push_str(&format!("Line {i} of the cable, typed on the page.\n"));
    }
    let break_at = text.find("Line 200 ").unwrap();
    let (_, doc) = make_project(
        tmp.path(),
        &text,
        &["long.001.png", "long.002.png"],
        Some(break_at),
    );
    let mut h = support::gui::harness_dt(
        App::with_project(Prefs::default(), tmp.path()),
        [1400.0, 900.0],
        0.05,
    );
    run_until(&mut h, "the first page", |a| a.pages.is_ready(0));
    assert_eq!(h.state().pages.page, 0);
    // Scroll the transcription into the second page: the pane turns the page.
    let far = text.find("Line 260 ").unwrap();
    send(
        &mut h,
        Message::Jump {
            doc,
            span: Span::new(far, far + 4),
        },
    );
    run_until(&mut h, "page 2 to follow the text", |a| a.pages.page == 1);
    h.get_by_label("Page 2 of 2");
    // Turning back to page 1 scrolls the transcription to its start.
    h.get_by_label("Previous").click();
    run_until(&mut h, "the text to follow page 1", |a| {
        a.reader.first_visible_offset.is_some_and(|o| o < break_at)
    });
    assert_eq!(h.state().pages.page, 0);
}

#[test]
fn a_narrow_window_stacks_the_pages_under_the_text() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("scans")).unwrap();
    write_page(&tmp.path().join("scans/p.001.png"), true);
    let (_, _) = make_project(tmp.path(), "To Cde. FILIPPOV\n", &["p.001.png"], None);
    let prefs = Prefs {
        show_documents: false,
        ..Default::default()
    };
    let mut h =
        support::gui::harness_dt(App::with_project(prefs, tmp.path()), [700.0, 700.0], 0.05);
    run_until(&mut h, "the page", |a| a.pages.is_ready(0));
    let page = h.get_by_label("Page image").rect();
    let text = h.get_by_label("Document text").rect();
    assert!(
        page.min.y >= text.max.y - 1.0,
        "stacked: {page:?} under {text:?}"
    );
    assert!(page.width() > 150.0 && page.height() > 100.0, "{page:?}");
    // Hiding the transcription gives the pages the whole centre.
    send(&mut h, Command::ToggleTranscription);
    h.run_steps(2);
    assert!(h.query_by_label("Document text").is_none());
    assert!(h.get_by_label("Page image").rect().height() > page.height());
}

/// Opens a document whose only page is `bytes` named `name`; the pane must show an error
/// containing one of `expect` and the file name, and the window go on working.
fn hostile(name: &str, bytes: &[u8], expect: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("scans")).unwrap();
    std::fs::write(tmp.path().join("scans").join(name), bytes).unwrap();
    make_project(tmp.path(), "To Cde. FILIPPOV\n", &[name], None);
    let mut h = support::gui::harness_dt(
        App::with_project(Prefs::default(), tmp.path()),
        [1200.0, 800.0],
        0.05,
    );
    run_until(&mut h, "the error", |a| a.pages.error(0).is_some());
    let e = h.state().pages.error(0).unwrap().to_owned();
    assert!(expect.iter().any(|x| e.contains(x)), "{e}");
    assert!(e.ends_with(name), "names the file last: {e}");
    h.get_by_label_contains("This page cannot be shown");
    // The window still works: the transcription is there and a command runs.
    h.get_by_label("Document text");
    send(&mut h, Command::TogglePages);
    assert!(h.query_by_label("Page image").is_none());
}

#[test]
fn a_decompression_bomb_is_an_error_in_the_pane() {
    hostile("bomb.png", &png_claiming(100_000, 100_000), &["bomb"]);
}

#[test]
fn a_truncated_image_is_an_error_in_the_pane() {
    let mut png = encoded(image::ImageFormat::Png);
    png.truncate(png.len() / 2);
    hostile("cut.png", &png, &["truncated"]);
}

#[test]
fn a_wrong_extension_is_an_error_in_the_pane() {
    hostile(
        "notes.jpg",
        b"Dear Kim, this is a letter, not a scan.",
        &["not a PNG, JPEG or TIFF"],
    );
}

#[test]
fn a_zero_sized_image_is_an_error_in_the_pane() {
    // The PNG decoder itself may reject a zero side as corrupt.
    hostile(
        "empty.png",
        &png_claiming(0, 0),
        &["no pixels", "Invalid image dimensions"],
    );
}

/// Issue 22, item 7: a region has no words of its own, so "Create entry" waits for a name
/// typed above it (it never offers an entry named “”); typed, it names the entry so.
#[test]
fn a_region_offers_no_entry_without_a_name() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("scans")).unwrap();
    write_page(&tmp.path().join("scans/cable.001.png"), true);
    let (_, doc) = make_project(tmp.path(), "To Cde. FILIPPOV\n", &["cable.001.png"], None);
    let mut h = support::gui::harness_dt(
        App::with_project(Prefs::default(), tmp.path()),
        [1400.0, 900.0],
        0.05,
    );
    run_until(&mut h, "the first page", |a| a.pages.is_ready(0));
    h.get_by_label("Rectangle").click();
    h.run_steps(2);
    let (sx, sy, sw, sh) = STAMP;
    let at = |h: &Harness<'_, App>, x: u32, y: u32| {
        h.state()
            .pages
            .screen_of(f64::from(x), f64::from(y))
            .unwrap()
    };
    let (from, to) = (at(&h, sx, sy), at(&h, sx + sw, sy + sh));
    drag(&mut h, from, to);
    h.get_by_label("Stamp/Mark  (S)").click();
    h.run_steps(3);
    let region_id = regions(project(&h), doc)[0].id;
    assert_eq!(h.state().state.selected, Some(region_id));
    assert!(
        h.query_by_label("Create entry “”").is_none(),
        "no entry without a name is offered"
    );
    let waiting = h.get_by_label("Create entry (type its name above)");
    assert!(
        waiting.accesskit_node().is_disabled(),
        "nothing typed: nothing to create"
    );
    waiting.click();
    h.run_steps(3);
    assert!(
        project(&h).registry.is_empty(),
        "a click on it makes nothing"
    );
    let field = h.get_by_label("Link to entry").rect();
    click(&mut h, field.center());
    h.get_by_label("Link to entry").type_text("Red stamp");
    h.run_steps(2);
    h.get_by_label("Create entry “Red stamp”").click();
    h.run_steps(3);
    let entry = project(&h)
        .annotation(doc, region_id)
        .and_then(|a| a.as_mention())
        .and_then(|m| m.entry)
        .expect("the region is linked");
    assert_eq!(project(&h).registry[&entry].name, "Red stamp");
}

/// A window made narrow after it opened wide stacks the pages under the text with the text
/// keeping its share of the height: the side-by-side width is not reused as the stacked
/// height (which left the transcription a strip of two or three lines).
#[test]
fn narrowing_the_window_keeps_the_text_its_share_of_the_height() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("scans")).unwrap();
    write_page(&tmp.path().join("scans/p.001.png"), true);
    let text = "To Cde. FILIPPOV\n".repeat(60);
    let (_, _) = make_project(tmp.path(), &text, &["p.001.png"], None);
    let mut h = support::gui::harness_dt(
        App::with_project(Prefs::default(), tmp.path()),
        [1400.0, 900.0],
        0.05,
    );
    run_until(&mut h, "the page", |a| a.pages.is_ready(0));
    let wide = h.get_by_label("Page image").rect();
    let reader = h.get_by_label("Document text").rect();
    assert!(wide.min.x >= reader.max.x - 1.0, "side by side at 1400");
    h.set_size(egui::vec2(700.0, 900.0));
    h.run_steps(6);
    let page = h.get_by_label("Page image").rect();
    let centre = h.state().panel_rects.centre;
    // The pane begins with its toolbar; the text has everything above it.
    let pane_top = h.get_by_label("Fit page").rect().min.y - 8.0;
    let text_height = pane_top - centre.min.y;
    assert!(page.min.x < 400.0, "stacked at 700: {page:?}");
    assert!(
        text_height >= 0.4 * centre.height(),
        "the text keeps its share: {text_height} of {} points",
        centre.height()
    );
    assert!(page.height() >= 150.0, "the pages too: {page:?}");
}
