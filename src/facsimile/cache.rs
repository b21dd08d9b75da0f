//! A least-recently-used cache of tiles with a byte budget.

use super::pyramid::Tile;
use super::tiles::TileKey;
use std::collections::HashMap;
use std::sync::Arc;

/// Tiles by `(page, key)`, holding at most `budget` bytes of pixels (one tile larger than
/// the budget is still kept alone, so the newest request can always be drawn).
///
/// Invariant: `used` is the sum of the held tiles' bytes; after an insert, `used <= budget`
/// or exactly one tile is held.
#[derive(Debug)]
pub struct TileCache {
    budget: usize,
    used: usize,
    tick: u64,
    tiles: HashMap<(usize, TileKey), (Arc<Tile>, u64)>,
}

impl TileCache {
    /// The default budget: 64 MiB, 256 full tiles of 512 × 512 RGBA.
    pub const DEFAULT_BUDGET: usize = 64 << 20;

    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            used: 0,
            tick: 0,
            tiles: HashMap::new(),
        }
    }

    /// The tile, marked as just used.
    pub fn get(&mut self, page: usize, key: TileKey) -> Option<Arc<Tile>> {
        self.tick += 1;
        let tick = self.tick;
        self.tiles.get_mut(&(page, key)).map(|(t, used)| {
            *used = tick;
            Arc::clone(t)
        })
    }

    /// Adds or replaces a tile, evicting the least recently used ones over the budget.
    pub fn insert(&mut self, page: usize, key: TileKey, tile: Tile) -> Arc<Tile> {
        self.tick += 1;
        let tile = Arc::new(tile);
        self.used += tile.bytes();
        if let Some((old, _)) = self
            .tiles
            .insert((page, key), (Arc::clone(&tile), self.tick))
        {
            self.used -= old.bytes();
        }
        while self.used > self.budget && self.tiles.len() > 1 {
            let oldest = self
                .tiles
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| *k);
            if let Some((t, _)) = oldest.and_then(|k| self.tiles.remove(&k)) {
                self.used -= t.bytes();
            }
        }
        tile
    }

    /// Drops every tile of `page` (when its image changed or the document closed).
    pub fn forget_page(&mut self, page: usize) {
        let mut freed = 0;
        self.tiles.retain(|(p, _), (t, _)| {
            let keep = *p != page;
            if !keep {
                freed += t.bytes();
            }
            keep
        });
        self.used -= freed;
    }

    /// Bytes of pixels held.
    pub fn used(&self) -> usize {
        self.used
    }

    pub fn budget(&self) -> usize {
        self.budget
    }

    pub fn len(&self) -> usize {
        self.tiles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tiles.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tile(bytes: usize) -> Tile {
        Tile {
            width: 1,
            height: 1,
            rgba: vec![0; bytes],
        }
    }

    fn key(col: u32) -> TileKey {
        TileKey {
            level: 0,
            col,
            row: 0,
        }
    }

    #[test]
    fn least_recently_used_goes_first() {
        let mut c = TileCache::new(300);
        c.insert(0, key(0), tile(100));
        c.insert(0, key(1), tile(100));
        c.insert(0, key(2), tile(100));
        assert!(c.get(0, key(0)).is_some());
        c.insert(0, key(3), tile(100));
        assert!(c.get(0, key(1)).is_none(), "key 1 was least recently used");
        assert!(c.get(0, key(0)).is_some());
        assert_eq!(c.used(), 300);
        assert_eq!(c.len(), 3);
    }

    #[test]
    fn replacing_and_forgetting_keep_the_count() {
        let mut c = TileCache::new(1000);
        c.insert(0, key(0), tile(100));
        c.insert(0, key(0), tile(50));
        c.insert(1, key(0), tile(10));
        assert_eq!(c.used(), 60);
        c.forget_page(0);
        assert_eq!(c.used(), 10);
        assert_eq!(c.len(), 1);
        let big = c.insert(2, key(0), tile(5000));
        assert_eq!(big.bytes(), 5000);
        assert_eq!(c.len(), 1, "an oversized tile is kept alone");
    }
}
