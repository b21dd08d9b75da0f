//! Frame time of the views in the window while panning (issue 15): the timeline and the
//! network of the generated 2,000-document / 200,000-annotation project of `benches/views.rs`,
//! run headless through the real app frame (egui `Context::run_ui` + tessellation, no GPU)
//! as in `benches/reader.rs`, at 1400 × 900, while the pointer drags the plot. Prints
//! `first_frame_ms`, `median_ms` and `p99_ms` for each. Targets: median ≤ 4 ms, p99 ≤ 8 ms.
//! Run: `cargo bench --bench views_frame`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
#[path = "views.rs"]
mod generated;

use marginalia::app::panels::views::ViewKind;
use marginalia::app::{App, Prefs};
use marginalia::session::Session;
use std::time::{Duration, Instant};

const SIZE: egui::Vec2 = egui::vec2(1400.0, 900.0);

struct Bench {
    app: App,
    ctx: egui::Context,
    t: f64,
}

impl Bench {
    /// One frame with `events`; its wall time in milliseconds.
    fn frame(&mut self, events: Vec<egui::Event>) -> f64 {
        self.t += 1.0 / 60.0;
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, SIZE)),
            time: Some(self.t),
            events,
            ..Default::default()
        };
        let start = Instant::now();
        let app = &mut self.app;
        let out = self.ctx.run_ui(input, |ui| app.frame(ui));
        let _ = self.ctx.tessellate(out.shapes, out.pixels_per_point);
        start.elapsed().as_secs_f64() * 1000.0
    }

    /// Drags from `from` by `step` points a frame for `frames` frames (back and forth);
    /// prints the numbers under `label`.
    fn pan(&mut self, label: &str, from: egui::Pos2, step: egui::Vec2, frames: usize) -> bool {
        let button = |pos, pressed| egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        };
        self.frame(vec![egui::Event::PointerMoved(from)]);
        self.frame(vec![button(from, true)]);
        let mut pos = from;
        let mut times = Vec::with_capacity(frames);
        for i in 0..frames {
            let dir = if (i / 100) % 2 == 0 { 1.0 } else { -1.0 };
            pos += step * dir;
            times.push(self.frame(vec![egui::Event::PointerMoved(pos)]));
        }
        self.frame(vec![button(pos, false)]);
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let p99 = times[(times.len() * 99) / 100];
        let ok = median <= 4.0 && p99 <= 8.0;
        println!(
            "{label:<44} median_ms {median:5.2}  p99_ms {p99:5.2}  (target ≤ 4 / ≤ 8){}",
            if ok { "" } else { "  MISSED" }
        );
        ok
    }
}

fn main() {
    let start = Instant::now();
    let (project, _) = generated::make_project();
    let anns: usize = project
        .documents
        .values()
        .map(|d| d.annotations.len())
        .sum();
    println!(
        "generated {} documents, {anns} annotations in {:.0?}",
        project.documents.len(),
        start.elapsed()
    );
    if let Ok(l) = std::fs::read_to_string("/proc/loadavg") {
        println!(
            "load average: {}",
            l.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
        );
    }
    let first_doc = project.documents.keys().next().copied();
    // Side panels hidden (`VIEWS_FRAME_SIDES=1` shows them): the numbers are the views'
    // own; the registry and document lists cost their own time on this project.
    let sides = std::env::var_os("VIEWS_FRAME_SIDES").is_some();
    let mut app = App::new(Prefs {
        show_documents: sides,
        show_inspector: sides,
        show_registry: sides,
        ..Prefs::default()
    });
    app.state.session = Some(Session::create(
        project,
        std::env::temp_dir().join("views-frame-bench.marginalia.ron"),
    ));
    app.state.doc = first_doc;
    app.state.view = Some(ViewKind::Timeline);
    let mut b = Bench {
        app,
        ctx: egui::Context::default(),
        t: 0.0,
    };
    b.app.state.view = None;
    for _ in 0..5 {
        b.frame(vec![]);
    }
    let mut ok = b.pan(
        "no view (reader only), for comparison",
        egui::pos2(700.0, 450.0),
        egui::vec2(0.0, 0.0),
        200,
    );
    b.app.state.view = Some(ViewKind::Timeline);
    let first = b.frame(vec![]);
    println!("timeline first frame (index and rows built)   {first:.0} ms");
    for _ in 0..40 {
        b.frame(vec![]);
    }
    let g = b.app.views.timeline.geometry.expect("timeline drawn");
    ok &= b.pan(
        "timeline, rows by type, whole extent",
        g.plot.center(),
        egui::vec2(-4.0, 0.0),
        400,
    );
    // Zoom to about a month and pan there: more bars apart, fewer merged.
    let centre = g.plot.center();
    for _ in 0..6 {
        b.frame(vec![
            egui::Event::PointerMoved(centre),
            egui::Event::Zoom(1.8),
        ]);
    }
    ok &= b.pan(
        "timeline, rows by type, about a month",
        centre,
        egui::vec2(-4.0, 0.0),
        400,
    );
    b.app.views.timeline.by_entry = true;
    b.app.views.timeline.view = None;
    let t = b.frame(vec![]);
    println!("timeline rows by entry, first frame           {t:.0} ms");
    for _ in 0..5 {
        b.frame(vec![]);
    }
    ok &= b.pan(
        "timeline, rows by entry (3,000 rows)",
        centre,
        egui::vec2(-3.0, 2.0),
        400,
    );

    // The network of the month the timeline shows, then the whole project's.
    b.app.views.timeline.by_entry = false;
    b.frame(vec![]);
    for _ in 0..6 {
        b.frame(vec![
            egui::Event::PointerMoved(centre),
            egui::Event::Zoom(1.8),
        ]);
    }
    for (label, window) in [
        ("network, the timeline's month", true),
        ("network, whole project", false),
    ] {
        b.app.state.view = Some(ViewKind::Network);
        b.app.views.network.timeline_window = window;
        let t = b.frame(vec![]);
        let wait = Instant::now();
        while !b.app.views.network.ready() {
            assert!(
                wait.elapsed() < Duration::from_secs(600),
                "layout timed out"
            );
            std::thread::sleep(Duration::from_millis(20));
            b.frame(vec![]);
        }
        for _ in 0..5 {
            b.frame(vec![]);
        }
        let net = b.app.views.network.network().expect("built");
        println!(
            "{label}: {} nodes, {} edges; first frame {t:.0} ms, layout {:.0?} (background)",
            net.nodes.len(),
            net.edges.len(),
            wait.elapsed()
        );
        let g = b.app.views.network.geometry.expect("network drawn");
        ok &= b.pan(label, g.plot.center(), egui::vec2(-3.0, 2.0), 400);
        // Back to the timeline so the month is its visible period.
        b.app.state.view = Some(ViewKind::Timeline);
        b.frame(vec![]);
    }
    println!(
        "{}",
        if ok {
            "all targets met"
        } else {
            "some targets missed"
        }
    );
}
