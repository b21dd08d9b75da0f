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
