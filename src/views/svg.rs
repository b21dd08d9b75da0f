//! Pictures of the views for papers and slides: the timeline and the network as SVG
//! (written here in plain Rust), and PNG rasterized from that same SVG with `resvg`.
//! Also the calendar ticks of a time axis ([`ticks`]), which the timeline panel draws too.
//!
//! Output is deterministic: the same data gives byte-identical SVG.

use super::network::{EdgeKind, Network};
use super::timeline::Timeline;
use super::{Minute, civil_from_days, days_from_civil};
use crate::model::schema::parse_color;
use crate::model::{Project, Slug};
use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

/// Why a picture could not be rasterized.
#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    #[error("the SVG cannot be read: {0}")]
    Parse(String),
    #[error("the picture is empty or too large to rasterize ({0} × {1} px)")]
    Size(u32, u32),
    #[error("cannot encode the PNG: {0}")]
    Encode(String),
}

/// Width of a timeline picture, in pixels.
pub const TIMELINE_WIDTH: f32 = 1200.0;
/// Width and height of a network picture, in pixels.
pub const NETWORK_SIZE: f32 = 1000.0;

const LABEL_W: f32 = 180.0;
const AXIS_H: f32 = 34.0;
const ROW_H: f32 = 26.0;
const MARGIN: f32 = 12.0;

/// The calendar unit of a tick step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Year,
    Month,
    Day,
    Minute,
}

/// Tick steps from coarse to fine: (unit, count, approximate length in minutes).
const STEPS: &[(Unit, i64, i64)] = &[
    (Unit::Year, 100, 100 * 525_960),
    (Unit::Year, 50, 50 * 525_960),
    (Unit::Year, 20, 20 * 525_960),
    (Unit::Year, 10, 10 * 525_960),
    (Unit::Year, 5, 5 * 525_960),
    (Unit::Year, 2, 2 * 525_960),
    (Unit::Year, 1, 525_960),
    (Unit::Month, 6, 6 * 43_830),
    (Unit::Month, 3, 3 * 43_830),
    (Unit::Month, 1, 43_830),
    (Unit::Day, 14, 14 * 1440),
    (Unit::Day, 7, 7 * 1440),
    (Unit::Day, 2, 2 * 1440),
    (Unit::Day, 1, 1440),
    (Unit::Minute, 720, 720),
    (Unit::Minute, 360, 360),
    (Unit::Minute, 180, 180),
    (Unit::Minute, 60, 60),
    (Unit::Minute, 30, 30),
    (Unit::Minute, 15, 15),
    (Unit::Minute, 5, 5),
    (Unit::Minute, 1, 1),
];

/// Calendar-aligned ticks inside `[from, to)`: at most about `max` of them, on whole years,
/// months, days or hours (down to minutes), each with its label ("1951", "1951-07",
/// "1951-07-10", "07-10 15:00"). Empty when the range is empty.
pub fn ticks(from: Minute, to: Minute, max: usize) -> Vec<(Minute, String)> {
    if to <= from {
        return Vec::new();
    }
    let max = max.max(2) as i64;
    let span = to - from;
    let &(unit, k, _) = STEPS
        .iter()
        .rev()
        .find(|(_, _, len)| span / len <= max)
        .unwrap_or(&STEPS[0]);
    let mut out = Vec::new();
    let (y0, m0, _) = civil_from_days(from.div_euclid(1440));
    match unit {
        Unit::Year => {
            let mut y = y0.div_euclid(k) * k;
            loop {
                let t = days_from_civil(y, 1, 1) * 1440;
                if t >= to {
                    break;
                }
                if t >= from {
                    out.push((t, format!("{y:04}")));
                }
                y += k;
            }
        }
        Unit::Month => {
            // Months counted from year 0, aligned to the step (quarters start in January).
            let mut i = (y0 * 12 + m0 - 1).div_euclid(k) * k;
            loop {
                let (y, m) = (i.div_euclid(12), i.rem_euclid(12) + 1);
                let t = days_from_civil(y, m, 1) * 1440;
                if t >= to {
                    break;
                }
                if t >= from {
                    out.push((t, format!("{y:04}-{m:02}")));
                }
                i += k;
            }
        }
        Unit::Day | Unit::Minute => {
            let step = if unit == Unit::Day { k * 1440 } else { k };
            let mut t = from.div_euclid(step) * step;
            if t < from {
                t += step;
            }
            while t < to {
                let (y, m, d) = civil_from_days(t.div_euclid(1440));
                let r = t.rem_euclid(1440);
                // The first tick of hours names the year too: an axis of "07-10 15:00"
                // alone does not say which year it is.
                let label = if unit == Unit::Day {
                    format!("{y:04}-{m:02}-{d:02}")
                } else if out.is_empty() {
                    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", r / 60, r % 60)
                } else {
                    format!("{m:02}-{d:02} {:02}:{:02}", r / 60, r % 60)
                };
                out.push((t, label));
                t += step;
            }
        }
    }
    out
}

/// `#rrggbb` of a schema type's colour, else grey.
pub fn type_color(project: &Project, id: &Slug) -> [u8; 3] {
    project
        .schema
        .color(id)
        .and_then(parse_color)
        .unwrap_or([128, 128, 128])
}

/// The colour of an edge kind: the schema colour of communications (lighter for copies),
/// meetings and the relation type.
pub fn edge_color(project: &Project, kind: &EdgeKind) -> [u8; 3] {
    match kind {
        EdgeKind::Communication => type_color(project, &Slug::new("communication")),
        EdgeKind::Copy => {
            let [r, g, b] = type_color(project, &Slug::new("communication"));
            let light = |c: u8| ((u16::from(c) + 2 * 255) / 3) as u8;
            [light(r), light(g), light(b)]
        }
        EdgeKind::Meeting => type_color(project, &Slug::new("meeting")),
        EdgeKind::Relation(s) => type_color(project, s),
    }
}

fn hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Escapes text for an XML attribute or element.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\t' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

/// Cuts `s` to `n` characters, with an ellipsis when cut.
fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_owned();
    }
    let mut o: String = s.chars().take(n.saturating_sub(1)).collect();
    o.push('…');
    o
}

/// The timeline as SVG, [`TIMELINE_WIDTH`] wide: a label column, the time axis with
/// calendar ticks, one row per [`Timeline::rows`] entry with each event as a bar over its
/// range (an open end runs dashed to the edge), and the undated events listed below.
/// Every event is a `<g class="event">` whose `<title>` is its label and date.
pub fn timeline_svg(project: &Project, t: &Timeline) -> String {
    let plot_x = LABEL_W + MARGIN;
    let plot_w = TIMELINE_WIDTH - plot_x - MARGIN;
    let undated_h = if t.undated.is_empty() {
        0.0
    } else {
        24.0 + 18.0 * t.undated.len() as f32
    };
    let tops = t.row_tops(ROW_H);
    let rows_h = tops.last().copied().unwrap_or(0.0).max(ROW_H);
    let height = AXIS_H + rows_h + undated_h + 2.0 * MARGIN;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{TIMELINE_WIDTH}" height="{height}" viewBox="0 0 {TIMELINE_WIDTH} {height}" font-family="sans-serif" font-size="12">"#
    );
    s.push('\n');
    let _ = writeln!(
        s,
        r##"<rect class="background" x="0" y="0" width="{TIMELINE_WIDTH}" height="{height}" fill="#ffffff"/>"##
    );
    // The axis spans the extent with a 2 % margin each side (at least an hour).
    let (from, to) = t.extent.map_or((0, 1), |(a, b)| {
        let pad = ((b - a) / 50).max(30);
        (a - pad, b + pad)
    });
    let x_of = |m: Minute| plot_x + ((m - from) as f64 / (to - from) as f64 * plot_w as f64) as f32;
    let top = MARGIN + AXIS_H;
    let bottom = top + rows_h;
    s.push_str("<g class=\"axis\">\n");
    if t.extent.is_some() {
        for (m, label) in ticks(from, to, 8) {
            let x = x_of(m);
            // A label that would run past the picture's edge ends at the edge instead.
            let half = label.chars().count() as f32 * 3.5;
            let (anchor, tx) = if x + half > TIMELINE_WIDTH - 2.0 {
                ("end", TIMELINE_WIDTH - 2.0)
            } else {
                ("middle", x)
            };
            let _ = writeln!(
                s,
                r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{bottom:.1}" stroke="#dddddd"/><text x="{tx:.1}" y="{:.1}" text-anchor="{anchor}" fill="#333333">{}</text>"##,
                top - 6.0,
                top - 10.0,
                esc(&label)
            );
        }
    }
    s.push_str("</g>\n");
    if t.rows.is_empty() {
        let _ = writeln!(
            s,
            r##"<text x="{plot_x}" y="{:.1}" fill="#666666">No dated events.</text>"##,
            top + 17.0
        );
    }
    for (i, row) in t.rows.iter().enumerate() {
        let y = top + tops.get(i).copied().unwrap_or(0.0);
        let row_h = ROW_H * f32::from(row.lane_count);
        let _ = writeln!(
            s,
            r##"<g class="row"><rect x="0" y="{y:.1}" width="{TIMELINE_WIDTH}" height="{row_h}" fill="{}"/><text x="{MARGIN}" y="{:.1}" fill="#111111">{}</text></g>"##,
            if i % 2 == 0 { "#f6f6f6" } else { "#ffffff" },
            y + 17.0,
            esc(&cut(&row.label, 26))
        );
        for (&ei, &lane) in row.events.iter().zip(&row.lanes) {
            let y = y + ROW_H * f32::from(lane);
            let Some(e) = t.events.get(ei) else { continue };
            let Some(r) = &e.range else { continue };
            let color = hex(type_color(project, &e.type_id));
            let x0 = r.start.map_or(plot_x, x_of);
            let x1 = r.end.map_or(plot_x + plot_w, x_of);
            let w = (x1 - x0).max(4.0);
            let x0 = if x1 - x0 < 4.0 {
                (x0 + x1) / 2.0 - 2.0
            } else {
                x0
            };
            let open = r.start.is_none() || r.end.is_none();
            let _ = writeln!(
                s,
                r#"<g class="event"><title>{} · {} · {}</title><rect x="{x0:.1}" y="{:.1}" width="{w:.1}" height="{:.1}" rx="2" fill="{color}" fill-opacity="{}" stroke="{color}"{}/></g>"#,
                esc(&e.label),
                esc(&r.label),
                esc(&e.doc_title),
                y + 6.0,
                ROW_H - 12.0,
                if open { "0.25" } else { "0.8" },
                if open {
                    r#" stroke-dasharray="4 3""#
                } else {
                    ""
                }
            );
        }
    }
    if !t.undated.is_empty() {
        let y = bottom + 20.0;
        let _ = writeln!(
            s,
            r##"<g class="undated"><text x="{MARGIN}" y="{y:.1}" font-weight="bold" fill="#111111">Undated ({})</text>"##,
            t.undated.len()
        );
        for (i, e) in t.undated.iter().enumerate() {
            let _ = writeln!(
                s,
                r##"<text class="event" x="{MARGIN}" y="{:.1}" fill="#333333">{} · {}</text>"##,
                y + 18.0 * (i + 1) as f32,
                esc(&cut(&e.label, 80)),
                esc(&cut(&e.doc_title, 60))
            );
        }
        s.push_str("</g>\n");
    }
    s.push_str("</svg>\n");
    s
}

/// The network as SVG, [`NETWORK_SIZE`] square: `positions` (one per node, in the unit
/// square, from [`super::network::layout`]) scaled into the picture; edges as lines coloured
/// by kind ([`edge_color`]), as wide as their weight allows, directed ones ending in an
/// arrow; nodes as circles coloured by entity type and sized by degree, with their labels.
/// Every node is a `<g class="node">` and every edge a `<g class="edge">` with a `<title>`.
pub fn network_svg(project: &Project, net: &Network, positions: &[[f32; 2]]) -> String {
    let size = NETWORK_SIZE;
    let inner = size - 2.0 * 60.0;
    let at = |i: usize| {
        let p = positions.get(i).copied().unwrap_or([0.5, 0.5]);
        (60.0 + p[0] * inner, 60.0 + p[1] * inner)
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(
        s,
        r##"<rect class="background" x="0" y="0" width="{size}" height="{size}" fill="#ffffff"/>"##
    );
    // One arrow marker per edge colour, in first-use order.
    let mut colors: Vec<String> = Vec::new();
    for e in net.edges.iter().filter(|e| e.directed) {
        let c = hex(edge_color(project, &e.kind));
        if !colors.contains(&c) {
            colors.push(c);
        }
    }
    s.push_str("<defs>\n");
    for (i, c) in colors.iter().enumerate() {
        let _ = writeln!(
            s,
            r#"<marker id="arrow{i}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{c}"/></marker>"#
        );
    }
    s.push_str("</defs>\n");
    let radius = |deg: usize| 4.0 + (deg as f32).sqrt().min(12.0);
    for e in &net.edges {
        let (Some(a), Some(b)) = (net.nodes.get(e.source), net.nodes.get(e.target)) else {
            continue;
        };
        let (x1, y1) = at(e.source);
        let (x2, y2) = at(e.target);
        // Stop a directed edge at the target's rim so its arrow shows.
        let (dx, dy) = (x2 - x1, y2 - y1);
        let len = (dx * dx + dy * dy).sqrt().max(1e-3);
        let back = radius(b.degree) + 1.0;
        let (x2e, y2e) = if e.directed {
            (x2 - dx / len * back, y2 - dy / len * back)
        } else {
            (x2, y2)
        };
        let c = hex(edge_color(project, &e.kind));
        let marker = match colors.iter().position(|x| *x == c) {
            Some(i) if e.directed => format!(r#" marker-end="url(#arrow{i})""#),
            _ => String::new(),
        };
        let width = 1.0 + (e.weight as f32).ln_1p() * 1.5;
        let _ = writeln!(
            s,
            r#"<g class="edge"><title>{} → {}: {} × {}</title><line x1="{x1:.1}" y1="{y1:.1}" x2="{x2e:.1}" y2="{y2e:.1}" stroke="{c}" stroke-opacity="0.7" stroke-width="{width:.2}"{marker}/></g>"#,
            esc(&a.label),
            esc(&b.label),
            esc(e.kind.label(project)),
            e.weight
        );
    }
    for (i, n) in net.nodes.iter().enumerate() {
        let (x, y) = at(i);
        let r = radius(n.degree);
        let c = hex(type_color(project, &n.type_id));
        let _ = writeln!(
            s,
            r##"<g class="node"><title>{}</title><circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}" fill="{c}" stroke="#333333" stroke-width="0.8"/><text x="{:.1}" y="{:.1}" fill="#111111">{}</text></g>"##,
            esc(&n.label),
            x + r + 3.0,
            y + 4.0,
            esc(&cut(&n.label, 30))
        );
    }
    s.push_str("</svg>\n");
    s
}

/// The system fonts, listed once per process (text in the PNG needs them; without any
/// font, text is left out of the PNG and the shapes still render).
fn fonts() -> Arc<resvg::usvg::fontdb::Database> {
    static DB: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        db.load_system_fonts();
        db.set_sans_serif_family("DejaVu Sans");
        Arc::new(db)
    })
    .clone()
}

/// Rasterizes an SVG (one of the pictures above) to PNG bytes at `scale` (1.0: one pixel
/// per SVG unit), on a white background.
pub fn png_from_svg(svg: &str, scale: f32) -> Result<Vec<u8>, PictureError> {
    use resvg::tiny_skia;
    let opt = resvg::usvg::Options {
        fontdb: fonts(),
        ..Default::default()
    };
    let tree =
        resvg::usvg::Tree::from_str(svg, &opt).map_err(|e| PictureError::Parse(e.to_string()))?;
    let size = tree.size();
    let (w, h) = (
        (size.width() * scale).ceil() as u32,
        (size.height() * scale).ceil() as u32,
    );
    if w > 16_384 || h > 16_384 {
        return Err(PictureError::Size(w, h));
    }
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or(PictureError::Size(w, h))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| PictureError::Encode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::iso_bounds;

    #[test]
    fn ticks_follow_the_calendar_at_every_zoom() {
        let y = |s| iso_bounds(s).unwrap().0;
        let t = ticks(y("1950"), y("1954"), 5);
        let labels: Vec<&str> = t.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["1950", "1951", "1952", "1953"]);
        let t = ticks(y("1951-07"), y("1951-07-03"), 2);
        assert_eq!(t[0].1, "1951-07-01");
        assert_eq!(t.len(), 2);
        let t = ticks(y("1951-07-10T14:00"), y("1951-07-10T18:00"), 8);
        let labels: Vec<&str> = t.iter().map(|(_, l)| l.as_str()).collect();
        // The first tick of hours names the year.
        assert_eq!(
            labels[..3],
            ["1951-07-10 14:00", "07-10 14:30", "07-10 15:00"]
        );
        let t = ticks(y("1951-01"), y("1952-01"), 6);
        let labels: Vec<&str> = t.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["1951-01", "1951-04", "1951-07", "1951-10"]);
        assert!(ticks(5, 5, 8).is_empty());
        for w in ticks(y("1900"), y("2000"), 10).windows(2) {
            assert!(w[0].0 < w[1].0);
        }
    }

    #[test]
    fn escaping_and_cutting() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
    }

    fn sample() -> Project {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951");
        crate::store::load(&dir).unwrap().project
    }

    /// Every `<title>` of an element of `class`, read back with quick-xml.
    fn titles(svg: &str, class: &str) -> Vec<String> {
        use quick_xml::events::Event;
        let mut r = quick_xml::Reader::from_str(svg);
        let (mut out, mut depth_in, mut depth, mut in_title) = (Vec::new(), None, 0, false);
        loop {
            match r.read_event().unwrap() {
                Event::Start(e) => {
                    depth += 1;
                    let is_class = e.attributes().flatten().any(|a| {
                        a.key.as_ref() == b"class" && a.value.as_ref() == class.as_bytes()
                    });
                    if is_class && depth_in.is_none() {
                        depth_in = Some(depth);
                    }
                    in_title = e.name().as_ref() == b"title" && depth_in.is_some();
                }
                Event::Text(t) if in_title => out.push(t.decode().unwrap().into_owned()),
                Event::GeneralRef(g) if in_title => {
                    if let Some(s) = out.last_mut() {
                        s.push_str(&format!("&{};", String::from_utf8_lossy(&g)));
                    }
                }
                Event::End(_) => {
                    if depth_in == Some(depth) {
                        depth_in = None;
                    }
                    depth -= 1;
                    in_title = false;
                }
                Event::Eof => break,
                _ => {}
            }
        }
        out
    }

    #[test]
    fn timeline_svg_holds_the_sample_events_and_parses() {
        use crate::views::Index;
        use crate::views::timeline::{RowMode, TimelineFilter};
        let p = sample();
        let t = Timeline::build(
            &p,
            &Index::build(&p),
            &TimelineFilter::default(),
            RowMode::ByType,
        );
        let svg = timeline_svg(&p, &t);
        assert_eq!(svg, timeline_svg(&p, &t), "deterministic");
        let events = titles(&svg, "event");
        assert_eq!(events.len(), t.events.len());
        assert!(
            events
                .iter()
                .any(|e| e.contains("1951-07-10T15:00") && e.contains("1951-07-10T17:00")),
            "the 10 July session as a range: {events:?}"
        );
        for row in &t.rows {
            assert!(
                svg.contains(&esc(&cut(&row.label, 26))),
                "row {}",
                row.label
            );
        }
        // Rasterized, it decodes to a picture of the SVG's size that is not blank.
        let png = png_from_svg(&svg, 1.0).unwrap();
        let img = image::load_from_memory(&png).unwrap().to_rgba8();
        assert_eq!(img.width(), TIMELINE_WIDTH as u32);
        let colors: std::collections::BTreeSet<[u8; 4]> = img.pixels().map(|p| p.0).collect();
        assert!(colors.len() > 8, "the PNG has bars, not one colour");
    }

    #[test]
    fn overlapping_events_get_lanes_and_every_axis_label_stays_in_the_picture() {
        use crate::views::Index;
        use crate::views::timeline::{RowMode, TimelineFilter};
        let p = sample();
        let t = Timeline::build(
            &p,
            &Index::build(&p),
            &TimelineFilter::default(),
            RowMode::ByType,
        );
        // In each row, two events in the same lane never overlap in time.
        for row in &t.rows {
            assert_eq!(row.lanes.len(), row.events.len());
            for (i, (&a, &la)) in row.events.iter().zip(&row.lanes).enumerate() {
                for (&b, &lb) in row.events.iter().zip(&row.lanes).skip(i + 1) {
                    if la != lb {
                        continue;
                    }
                    let (ra, rb) = (
                        t.events[a].range.as_ref().unwrap(),
                        t.events[b].range.as_ref().unwrap(),
                    );
                    let end_a = ra.end.or(ra.start.map(|s| s + 1)).unwrap_or(i64::MAX);
                    let start_b = rb.start.unwrap_or(i64::MIN);
                    assert!(
                        end_a <= start_b || lb + 1 == crate::views::timeline::MAX_LANES,
                        "{} and {} overlap in lane {la}",
                        t.events[a].label,
                        t.events[b].label
                    );
                }
            }
        }
        assert!(
            t.rows.iter().any(|r| r.lane_count > 1),
            "the sample has overlapping events in a row"
        );
        // The axis: every label's text ends inside the picture.
        let svg = timeline_svg(&p, &t);
        for line in svg
            .lines()
            .filter(|l| l.contains("<line x1") && l.contains("<text"))
        {
            let x: f32 = line
                .split("<text x=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .and_then(|v| v.parse().ok())
                .unwrap();
            let label = line
                .split('>')
                .nth(2)
                .and_then(|r| r.split('<').next())
                .unwrap();
            let half = label.chars().count() as f32 * 3.5;
            let right = if line.contains("text-anchor=\"end\"") {
                x
            } else {
                x + half
            };
            assert!(right <= TIMELINE_WIDTH, "{label} ends at {right}");
        }
    }

    #[test]
    fn network_svg_holds_every_node_and_edge_and_parses() {
        use crate::views::Index;
        use crate::views::network::{Network, NetworkFilter, layout};
        let p = sample();
        let net = Network::build(&p, &Index::build(&p), &NetworkFilter::default());
        let pos = layout(&net);
        let svg = network_svg(&p, &net, &pos);
        let nodes = titles(&svg, "node");
        assert_eq!(nodes.len(), net.nodes.len());
        assert!(nodes.iter().any(|n| n.contains("Li Kenong")), "{nodes:?}");
        let edges = titles(&svg, "edge");
        assert_eq!(edges.len(), net.edges.len());
        assert!(
            edges
                .iter()
                .any(|e| e.starts_with("Li Kenong") && e.contains("Copy")),
            "Li Kenong's copies: {edges:?}"
        );
        assert!(svg.contains("marker-end"), "directed edges have arrows");
        let png = png_from_svg(&svg, 0.5).unwrap();
        let img = image::load_from_memory(&png).unwrap();
        assert_eq!(img.width(), (NETWORK_SIZE * 0.5) as u32);
    }

    #[test]
    fn a_broken_svg_is_an_error() {
        assert!(matches!(
            png_from_svg("<svg", 1.0),
            Err(PictureError::Parse(_))
        ));
    }
}
