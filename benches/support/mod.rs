//! What the benchmarks share: the deterministic generator behind their synthetic projects.
//! (Not a benchmark itself: cargo only finds `benches/*.rs` and `benches/*/main.rs`.)
// Each benchmark uses part of this module.
#![allow(dead_code)]

/// A small deterministic generator (xorshift64*), so every run measures the same project.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// One of `items`, which must not be empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A scan-like `w` × `h` JPEG page at `path`: paper tone, lines of "type" and some noise, so
/// the JPEG is not trivial (the facsimile benchmarks).
pub fn write_scan(w: u32, h: u32, path: &std::path::Path) {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let line = (y / 60) % 2 == 0 && (y % 60) > 20 && (x / 37 + y / 60) % 7 != 0;
        let glyph = line && ((x * 7 + y * 3) % 23) < 9;
        let noise = ((x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) >> 27) as u8;
        if glyph {
            image::Rgb([40 + noise, 38 + noise, 35 + noise])
        } else {
            image::Rgb([236 - noise, 230 - noise, 214 - noise])
        }
    });
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    image::codecs::jpeg::JpegEncoder::new_with_quality(file, 80)
        .encode_image(&img)
        .unwrap();
}
