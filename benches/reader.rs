//! Reader speed: a 4 MB document with 50,000 annotations, run headless through the real
//! app frame (egui `Context::run_ui` + tessellation, no GPU) while scrolling with the wheel.
//! Prints `first_frame_ms`, `median_ms`, `p99_ms`. Then the same for hostile input (issue 8):
//! one 10 MB line, 10,000 annotations stacked on one span, and a selected annotation with a
//! 100 MB note (`hostile_*`). Run: `cargo bench --bench reader`.

use marginalia::app::{App, Prefs};
use marginalia::model::*;
use marginalia::session::Session;

#[path = "support/mod.rs"]
mod support;

const WORDS: &[&str] = &[
    "the",
    "delegation",
    "Kim",
    "Il",
    "Sung",
    "Peng",
    "Dehuai",
    "armistice",
    "Kaesong",
    "agenda",
    "Ридгуэй",
    "Сталин",
    "proposed",
    "line",
    "demarcation",
    "prisoners",
    "of",
    "war",
    "talks",
    "Mao",
    "Zedong",
    "Filippov",
    "cable",
    "report",
    "meeting",
    "July",
    "1951",
    "Ли",
    "Кэ-нун",
];

fn build(target_bytes: usize, annotations: usize) -> (Project, DocId) {
    let mut s = String::with_capacity(target_bytes + 200);
    let mut i = 0usize;
    while s.len() < target_bytes {
        let words = 8 + (i * 7) % 12;
        for w in 0..words {
            if w > 0 {
                s.push(' ');
            }
            s.push_str(WORDS[(i * 31 + w * 17) % WORDS.len()]);
        }
        s.push_str(".\n");
        if i % 9 == 8 {
            s.push('\n');
        }
        i += 1;
    }
    let text = SourceText::from_str_normalizing(&s);
    let mut doc = Document {
        meta: DocumentMeta {
            id: DocId::new(),
            title: "bench".into(),
            source: None,
            images: vec![],
            status: DocStatus::InProgress,
            archival: Default::default(),
        },
        text: None,
        annotations: Default::default(),
    };
    let types = ["person", "place", "organization", "date", "topic"];
    let lines = text.line_count();
    let mut made = 0;
    let mut l = 0;
    while made < annotations {
        let r = text.line_range(l % lines);
        l += 1;
        if r.len() < 20 {
            continue;
        }
        // One word-sized mention, and on every third line a longer one around it (nesting).
        let a = r.start + (made * 13) % (r.len() - 12);
        for (s, e) in [(a, a + 6), (a.saturating_sub(4).max(r.start), a + 12)] {
            if made >= annotations || (s != a && made % 3 != 0) {
                continue;
            }
            let ann = Annotation::new(Body::Mention(Mention {
                type_id: Slug::new(types[made % types.len()]),
                anchor: TextAnchor::span(&text, s, e).expect("in bounds"),
                entry: None,
                date: None,
            }));
            doc.annotations.insert(ann.id, ann);
            made += 1;
        }
    }
    doc.text = Some(text);
    let id = doc.id();
    let mut p = Project::new("bench");
    p.documents.insert(id, doc);
    (p, id)
}

/// One 10 MB line, 10,000 annotations on its first word, one of them with a 100 MB note.
fn hostile() -> (Project, DocId, AnnId) {
    let text =
        SourceText::from_str_normalizing(&"Kim Il Sung met Peng Dehuai. ".repeat(10_000_000 / 29));
    let mut doc = Document {
        meta: DocumentMeta {
            id: DocId::new(),
            title: "hostile".into(),
            source: None,
            images: vec![],
            status: DocStatus::InProgress,
            archival: Default::default(),
        },
        text: None,
        annotations: Default::default(),
    };
    let mut noted = None;
    for i in 0..10_000 {
        let mut ann = Annotation::new(Body::Mention(Mention {
            type_id: Slug::new("person"),
            anchor: TextAnchor::span(&text, 0, 11).expect("in bounds"),
            entry: None,
            date: None,
        }));
        if i == 0 {
            ann.note = "A long note. ".repeat(100_000_000 / 13);
            noted = Some(ann.id);
        }
        doc.annotations.insert(ann.id, ann);
    }
    doc.text = Some(text);
    let id = doc.id();
    let mut p = Project::new("hostile");
    p.documents.insert(id, doc);
    (p, id, noted.expect("made"))
}

fn main() {
    let (project, doc) = build(4 << 20, 50_000);
    measure("", project, doc, None);
    let (project, doc, noted) = hostile();
    measure("hostile_", project, doc, Some(noted));
}

/// Opens `doc` (selecting `selected`), then scrolls; prints the numbers prefixed by `label`.
fn measure(label: &str, project: Project, doc: DocId, selected: Option<AnnId>) {
    let text = project.documents[&doc].text_or_empty();
    eprintln!(
        "{label}document: {} bytes, {} lines, {} annotations",
        text.as_str().len(),
        text.line_count(),
        project.documents[&doc].annotations.len()
    );
    let mut app = App::new(Prefs::default());
    app.state.session = Some(Session::create(
        project,
        std::env::temp_dir().join("bench.marginalia.ron"),
    ));
    app.state.doc = Some(doc);
    app.state.selected = selected;
    let screen = support::headless::Headless::new(1400.0, 900.0);
    let frame = |app: &mut App, events: Vec<egui::Event>, t: f64| screen.frame(app, events, t);
    let first = frame(&mut app, vec![], 0.0);
    let mut t = 0.0;
    // Settle (fonts, measured heights), then scroll.
    for _ in 0..5 {
        t += 1.0 / 60.0;
        frame(&mut app, vec![], t);
    }
    let centre = egui::pos2(700.0, 450.0);
    let mut times = Vec::new();
    for i in 0..600 {
        t += 1.0 / 60.0;
        let delta = if i < 400 { -120.0 } else { 300.0 };
        let events = vec![
            egui::Event::PointerMoved(centre),
            support::headless::wheel(delta),
        ];
        times.push(frame(&mut app, events, t));
        if i == 399 {
            println!(
                "{label}first_visible_line_after_scrolling {}",
                app.reader.first_visible_line
            );
        }
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let p99 = times[(times.len() * 99) / 100];
    println!("{label}first_frame_ms {first:.1}");
    println!("{label}median_ms {median:.2}");
    println!("{label}p99_ms {p99:.2}");
    println!(
        "{label}visible_lines {} first_visible_line_at_end {}",
        app.reader.last_visible_lines, app.reader.first_visible_line
    );
}
