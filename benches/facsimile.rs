//! Facsimile speed and memory on a generated 10,000 × 7,000 JPEG scan (70 megapixels):
//! time to the placeholder (header) and to the first visible level (decode + pyramid, in the
//! background decoder), CPU time per pan/zoom frame for the window-independent work (which
//! tiles are visible, cutting the missing ones, the LRU cache), and peak memory against the
//! decoded image. Prints `header_ms`, `first_visible_ms`, `frame_median_ms`, `frame_p99_ms`,
//! `peak_rss_mb`, `decoded_mb`. Run: `cargo bench --bench facsimile`.
#![allow(clippy::unwrap_used)]

mod support;

use marginalia::facsimile::{
    BackgroundDecoder, DecodeEvent, DecodeLimits, NEW_TILES_PER_FRAME, Rotation, TileCache,
    ViewRect,
};
use std::time::Instant;

const W: u32 = 10_000;
const H: u32 = 7_000;

/// Peak resident memory of this process in MB (Linux `VmHWM`), if known.
fn peak_rss_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn rss_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scan.jpg");
    let t = Instant::now();
    support::write_scan(W, H, &path);
    let file_mb = std::fs::metadata(&path).unwrap().len() as f64 / 1e6;
    println!(
        "generated {W} x {H} JPEG ({file_mb:.1} MB) in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    // Reset the peak so it measures the viewer's work, not the generator's image.
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let base = rss_mb().unwrap_or(0.0);

    let decoder = BackgroundDecoder::spawn(DecodeLimits::default()).unwrap();
    let t = Instant::now();
    decoder.request(1, path.clone());
    let mut header_ms = f64::NAN;
    let pyramid = loop {
        match decoder.wait().unwrap() {
            DecodeEvent::Dimensions { .. } => header_ms = t.elapsed().as_secs_f64() * 1e3,
            DecodeEvent::Ready { pyramid, .. } => break pyramid,
            DecodeEvent::Failed { error, .. } => panic!("{error}"),
        }
    };
    let ready_ms = t.elapsed().as_secs_f64() * 1e3;
    // The first picture: the page fitted into a 1,600 × 1,000 view, its tiles cut.
    let mut cache = TileCache::new(TileCache::DEFAULT_BUDGET);
    let (vw, vh) = (1600.0, 1000.0);
    let fit = (vw / f64::from(W)).min(vh / f64::from(H));
    let full = ViewRect {
        x0: 0.0,
        y0: 0.0,
        x1: f64::from(W),
        y1: f64::from(H),
    };
    for req in pyramid.visible_tiles(full, fit, Rotation::R0) {
        let tile = pyramid.tile(req.key).unwrap();
        cache.insert(0, req.key, tile);
    }
    // The viewer keeps the whole-page thumbnail (the coarsest level, one tile) for fallback.
    let coarsest = pyramid.level_count() - 1;
    let thumb_key = marginalia::facsimile::TileKey {
        level: coarsest,
        col: 0,
        row: 0,
    };
    let thumbnail = std::sync::Arc::new(pyramid.tile(thumb_key).unwrap());
    let first_visible_ms = t.elapsed().as_secs_f64() * 1e3;

    // Pan and zoom: 400 frames zooming from fit to 100 % and back while panning.
    let mut frames = Vec::with_capacity(400);
    let mut tiles_cut = 0usize;
    for i in 0..400 {
        let phase = f64::from(i) / 400.0;
        let zoom = fit * (1.0 / fit).powf((phase * std::f64::consts::PI * 2.0).sin().abs());
        let (cw, ch) = (vw / zoom, vh / zoom);
        let cx = f64::from(W) * (0.2 + 0.6 * phase);
        let cy = f64::from(H) * (0.5 + 0.3 * (phase * 9.0).sin());
        let view = ViewRect {
            x0: cx - cw / 2.0,
            y0: cy - ch / 2.0,
            x1: cx + cw / 2.0,
            y1: cy + ch / 2.0,
        };
        let rotation = if i >= 300 {
            Rotation::R90
        } else {
            Rotation::R0
        };
        let t = Instant::now();
        let mut pixels = 0usize;
        let mut cut = 0;
        for req in pyramid.visible_tiles(view, zoom, rotation) {
            let tile = match cache.get(0, req.key) {
                Some(t) => t,
                None if cut < NEW_TILES_PER_FRAME => {
                    cut += 1;
                    cache.insert(0, req.key, pyramid.tile(req.key).unwrap())
                }
                // Drawn from the nearest cached coarser tile, or the whole-page thumbnail.
                None => {
                    let mut key = req.key.parent();
                    loop {
                        if let Some(t) = cache.get(0, key) {
                            break t;
                        }
                        if key.level + 1 >= pyramid.level_count() {
                            break std::sync::Arc::clone(&thumbnail);
                        }
                        key = key.parent();
                    }
                }
            };
            pixels += tile.rgba.len();
        }
        tiles_cut += cut;
        std::hint::black_box(pixels);
        frames.push(t.elapsed().as_secs_f64() * 1e3);
    }
    frames.sort_by(f64::total_cmp);
    let median = frames[frames.len() / 2];
    let p99 = frames[frames.len() * 99 / 100];
    let decoded_mb = f64::from(W) * f64::from(H) * 3.0 / 1e6;
    let peak = peak_rss_mb().unwrap_or(f64::NAN);
    println!("header_ms {header_ms:.1} (placeholder of the right shape)");
    println!("decode_and_pyramid_ms {ready_ms:.0}");
    println!("first_visible_ms {first_visible_ms:.0} (target <= 1000)");
    println!(
        "frame_median_ms {median:.3} frame_p99_ms {p99:.3} over {} frames, {tiles_cut} tiles cut (targets <= 4, <= 8)",
        frames.len()
    );
    println!(
        "pyramid_mb {:.0} cache_mb {:.0} (budget {})",
        pyramid.bytes() as f64 / 1e6,
        cache.used() as f64 / 1e6,
        TileCache::DEFAULT_BUDGET >> 20
    );
    println!(
        "peak_rss_mb {:.0} above a base of {base:.0} (peak reset: {reset}); decoded_mb {decoded_mb:.0}; ratio {:.2} (target <= 2)",
        peak - base,
        (peak - base) / decoded_mb
    );
}
