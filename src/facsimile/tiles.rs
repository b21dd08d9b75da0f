//! Tiling math: which tiles of which pyramid level cover a view of a page.
//!
//! Coordinates: the full-size image has pixel coordinates `(x, y)`, origin top-left. The
//! view shows it rotated clockwise by a [`Rotation`]; a [`ViewRect`] is the visible part
//! in *rotated* full-size pixels. Level `l` of the pyramid is the image scaled by `2^-l`
//! (sizes rounded up), cut into [`TILE_SIZE`] squares (smaller at the right and bottom).

/// Side of a tile in pixels of its level. Well below any GPU's maximum texture size
/// (at least 2,048 on every GPU egui runs on).
pub const TILE_SIZE: u32 = 512;

/// How many missing tiles a viewer should cut per frame; the others are drawn from a
/// coarser cached tile ([`TileKey::parent`]) until a later frame cuts them. Keeps a frame's
/// CPU time bounded when a zoom step brings in a whole new level.
pub const NEW_TILES_PER_FRAME: usize = 4;

/// A clockwise rotation of the page by a multiple of 90°.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Rotation {
    #[default]
    R0,
    R90,
    R180,
    R270,
}

impl Rotation {
    /// The next rotation, 90° further clockwise.
    pub fn clockwise(self) -> Self {
        match self {
            Self::R0 => Self::R90,
            Self::R90 => Self::R180,
            Self::R180 => Self::R270,
            Self::R270 => Self::R0,
        }
    }

    /// The size of a `width × height` image once rotated.
    pub fn rotated_size(self, width: u32, height: u32) -> (u32, u32) {
        match self {
            Self::R0 | Self::R180 => (width, height),
            Self::R90 | Self::R270 => (height, width),
        }
    }

    /// Maps an image point to the rotated view of a `width × height` image.
    pub fn to_view(self, width: f64, height: f64, x: f64, y: f64) -> (f64, f64) {
        match self {
            Self::R0 => (x, y),
            Self::R90 => (height - y, x),
            Self::R180 => (width - x, height - y),
            Self::R270 => (y, width - x),
        }
    }

    /// Maps a point of the rotated view back to the `width × height` image.
    pub fn to_image(self, width: f64, height: f64, u: f64, v: f64) -> (f64, f64) {
        match self {
            Self::R0 => (u, v),
            Self::R90 => (v, height - u),
            Self::R180 => (width - u, height - v),
            Self::R270 => (width - v, u),
        }
    }
}

/// An axis-aligned rectangle `[x0, x1) × [y0, y1)` in full-size pixels (rotated view
/// coordinates for a viewport, image coordinates for a tile). Invariant: `x0 <= x1`, `y0 <= y1`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewRect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl ViewRect {
    /// The rectangle from two corners in any order.
    pub fn from_corners(a: (f64, f64), b: (f64, f64)) -> Self {
        Self {
            x0: a.0.min(b.0),
            y0: a.1.min(b.1),
            x1: a.0.max(b.0),
            y1: a.1.max(b.1),
        }
    }

    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }
}

/// Names one tile: level, column and row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileKey {
    pub level: u8,
    pub col: u32,
    pub row: u32,
}

impl TileKey {
    /// The tile of the next coarser level that covers this one.
    pub fn parent(self) -> Self {
        Self {
            level: self.level.saturating_add(1),
            col: self.col / 2,
            row: self.row / 2,
        }
    }
}

/// A tile to draw: its key, its pixels' place in its level, and where it lies on the
/// full-size image (for drawing, rotate with [`Rotation::to_view`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TileRequest {
    pub key: TileKey,
    /// Left, top, width and height in pixels of the tile's level.
    pub level_rect: (u32, u32, u32, u32),
    /// The same area in full-size image pixels (clamped to the image).
    pub image_rect: ViewRect,
}

/// Size of level `level` of a `width × height` image: halved per level, rounded up.
pub fn level_size(width: u32, height: u32, level: u8) -> (u32, u32) {
    let f = 1u64 << level.min(31);
    let scale = |v: u32| u32::try_from(u64::from(v).div_ceil(f)).unwrap_or(u32::MAX);
    (scale(width), scale(height))
}

/// The level to draw at `zoom` (screen pixels per full-size pixel): the coarsest level
/// that still has at least one pixel per screen pixel, within `0..levels`.
pub fn level_for_zoom(zoom: f64, levels: u8) -> u8 {
    let max = levels.saturating_sub(1);
    if !(zoom.is_finite() && zoom > 0.0) || zoom >= 1.0 {
        return 0;
    }
    let l = (1.0 / zoom).log2().floor();
    if l >= f64::from(max) { max } else { l as u8 }
}

/// The tiles of a `width × height` image with `levels` levels that cover `viewport` (in
/// rotated full-size pixels) at `zoom`, nearest the viewport's centre first.
pub fn visible_tiles(
    width: u32,
    height: u32,
    levels: u8,
    viewport: ViewRect,
    zoom: f64,
    rotation: Rotation,
) -> Vec<TileRequest> {
    let (w, h) = (f64::from(width), f64::from(height));
    let finite = [viewport.x0, viewport.y0, viewport.x1, viewport.y1]
        .iter()
        .all(|v| v.is_finite());
    if width == 0 || height == 0 || levels == 0 || !finite {
        return Vec::new();
    }
    let a = rotation.to_image(w, h, viewport.x0, viewport.y0);
    let b = rotation.to_image(w, h, viewport.x1, viewport.y1);
    let r = ViewRect::from_corners(a, b);
    let (x0, y0, x1, y1) = (r.x0.max(0.0), r.y0.max(0.0), r.x1.min(w), r.y1.min(h));
    if x0 >= x1 || y0 >= y1 {
        return Vec::new();
    }
    let level = level_for_zoom(zoom, levels);
    let f = f64::from(1u32 << level);
    let (lw, lh) = level_size(width, height, level);
    let tile = f64::from(TILE_SIZE);
    let cols = lw.div_ceil(TILE_SIZE);
    let rows = lh.div_ceil(TILE_SIZE);
    let c0 = ((x0 / f / tile).floor() as u32).min(cols - 1);
    let c1 = (((x1 / f / tile).ceil() as u32).max(c0 + 1)).min(cols);
    let r0 = ((y0 / f / tile).floor() as u32).min(rows - 1);
    let r1 = (((y1 / f / tile).ceil() as u32).max(r0 + 1)).min(rows);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let mut out = Vec::with_capacity(((c1 - c0) * (r1 - r0)) as usize);
    for row in r0..r1 {
        for col in c0..c1 {
            let lx = col * TILE_SIZE;
            let ly = row * TILE_SIZE;
            let tw = TILE_SIZE.min(lw - lx);
            let th = TILE_SIZE.min(lh - ly);
            let image_rect = ViewRect {
                x0: f64::from(lx) * f,
                y0: f64::from(ly) * f,
                x1: (f64::from(lx + tw) * f).min(w),
                y1: (f64::from(ly + th) * f).min(h),
            };
            out.push(TileRequest {
                key: TileKey { level, col, row },
                level_rect: (lx, ly, tw, th),
                image_rect,
            });
        }
    }
    let dist = |t: &TileRequest| {
        let dx = (t.image_rect.x0 + t.image_rect.x1) / 2.0 - cx;
        let dy = (t.image_rect.y0 + t.image_rect.y1) / 2.0 - cy;
        dx * dx + dy * dy
    };
    out.sort_by(|a, b| dist(a).total_cmp(&dist(b)).then(a.key.cmp(&b.key)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> ViewRect {
        ViewRect { x0, y0, x1, y1 }
    }

    #[test]
    fn rotations_invert() {
        for rot in [Rotation::R0, Rotation::R90, Rotation::R180, Rotation::R270] {
            let (u, v) = rot.to_view(100.0, 50.0, 10.0, 20.0);
            assert_eq!(rot.to_image(100.0, 50.0, u, v), (10.0, 20.0), "{rot:?}");
            let (vw, vh) = rot.rotated_size(100, 50);
            assert!(u >= 0.0 && u <= f64::from(vw) && v >= 0.0 && v <= f64::from(vh));
        }
        assert_eq!(Rotation::R270.clockwise(), Rotation::R0);
    }

    #[test]
    fn level_choice() {
        assert_eq!(level_for_zoom(2.0, 5), 0);
        assert_eq!(level_for_zoom(1.0, 5), 0);
        assert_eq!(level_for_zoom(0.6, 5), 0);
        assert_eq!(level_for_zoom(0.5, 5), 1);
        assert_eq!(level_for_zoom(0.26, 5), 1);
        assert_eq!(level_for_zoom(0.25, 5), 2);
        assert_eq!(level_for_zoom(0.001, 5), 4);
        assert_eq!(level_for_zoom(f64::NAN, 5), 0);
        assert_eq!(level_size(1001, 7, 1), (501, 4));
        let k = TileKey {
            level: 1,
            col: 5,
            row: 2,
        };
        assert_eq!(
            k.parent(),
            TileKey {
                level: 2,
                col: 2,
                row: 1
            }
        );
    }

    #[test]
    fn full_view_at_full_size_covers_every_tile_once() {
        let tiles = visible_tiles(
            1100,
            600,
            3,
            rect(0.0, 0.0, 1100.0, 600.0),
            1.0,
            Rotation::R0,
        );
        assert_eq!(tiles.len(), 3 * 2);
        let area: f64 = tiles
            .iter()
            .map(|t| t.image_rect.width() * t.image_rect.height())
            .sum();
        assert_eq!(area, 1100.0 * 600.0);
        let edge = tiles
            .iter()
            .find(|t| t.key.col == 2 && t.key.row == 1)
            .unwrap();
        assert_eq!(edge.level_rect, (1024, 512, 76, 88));
    }

    #[test]
    fn a_small_viewport_gets_only_its_tiles_centre_first() {
        let tiles = visible_tiles(
            10_000,
            7_000,
            5,
            rect(100.0, 100.0, 600.0, 110.0),
            1.0,
            Rotation::R0,
        );
        let keys: Vec<_> = tiles.iter().map(|t| (t.key.col, t.key.row)).collect();
        assert_eq!(keys, [(0, 0), (1, 0)]);
        // Zoomed out to a quarter, the whole page is in view at level 2.
        let tiles = visible_tiles(
            10_000,
            7_000,
            5,
            rect(-50.0, -50.0, 20_000.0, 20_000.0),
            0.25,
            Rotation::R0,
        );
        assert!(tiles.iter().all(|t| t.key.level == 2));
        assert_eq!(tiles.len(), 5 * 4);
    }

    #[test]
    fn rotated_viewport_maps_to_the_right_corner() {
        // Rotated 90° clockwise, the view's top-left corner shows the image's bottom-left.
        let tiles = visible_tiles(
            2048,
            1024,
            1,
            rect(0.0, 0.0, 10.0, 10.0),
            1.0,
            Rotation::R90,
        );
        assert_eq!(tiles.len(), 1);
        assert_eq!((tiles[0].key.col, tiles[0].key.row), (0, 1));
        let tiles = visible_tiles(
            2048,
            1024,
            1,
            rect(0.0, 0.0, 10.0, 10.0),
            1.0,
            Rotation::R270,
        );
        assert_eq!((tiles[0].key.col, tiles[0].key.row), (3, 0));
        let tiles = visible_tiles(
            2048,
            1024,
            1,
            rect(0.0, 0.0, 10.0, 10.0),
            1.0,
            Rotation::R180,
        );
        assert_eq!((tiles[0].key.col, tiles[0].key.row), (3, 1));
    }

    #[test]
    fn outside_or_degenerate_viewports_get_nothing() {
        let r = rect(5000.0, 0.0, 6000.0, 10.0);
        assert!(visible_tiles(100, 100, 1, r, 1.0, Rotation::R0).is_empty());
        let nan = rect(f64::NAN, 0.0, 1.0, 1.0);
        assert!(visible_tiles(100, 100, 1, nan, 1.0, Rotation::R0).is_empty());
        assert!(visible_tiles(0, 100, 1, rect(0.0, 0.0, 1.0, 1.0), 1.0, Rotation::R0).is_empty());
    }
}
