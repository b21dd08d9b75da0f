//! A page image and its downsampled levels, cut into tiles on request.

use super::tiles::{self, Rotation, TILE_SIZE, TileKey, TileRequest, ViewRect};
use image::RgbImage;

/// A decoded page: level 0 is the full-size image, each next level half the size
/// (rounded up, 2 × 2 box filter), down to the first level that fits in one tile.
///
/// Invariant: at least one level; level `l` has [`tiles::level_size`]`(w, h, l)`.
/// CPU memory: 3 bytes per full-size pixel × 4/3 for all levels.
#[derive(Debug)]
pub struct Pyramid {
    levels: Vec<RgbImage>,
}

/// The RGBA pixels of one tile, ready to upload as a texture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tile {
    pub width: u32,
    pub height: u32,
    /// Row-major RGBA, `width * height * 4` bytes.
    pub rgba: Vec<u8>,
}

impl Tile {
    /// Bytes of pixel data held.
    pub fn bytes(&self) -> usize {
        self.rgba.len()
    }
}

impl Pyramid {
    /// Builds the levels of `full` (a zero-sized image gives a one-level pyramid).
    pub fn new(full: RgbImage) -> Self {
        let mut levels = vec![full];
        while let Some(last) = levels.last() {
            let (w, h) = last.dimensions();
            if w.max(h) <= TILE_SIZE || w.min(h) == 0 || levels.len() >= 16 {
                break;
            }
            let next = halve(last);
            levels.push(next);
        }
        Self { levels }
    }

    /// Width and height of the full-size image.
    pub fn size(&self) -> (u32, u32) {
        self.levels.first().map_or((0, 0), |l| l.dimensions())
    }

    pub fn level_count(&self) -> u8 {
        u8::try_from(self.levels.len()).unwrap_or(u8::MAX)
    }

    /// The pixels of level `level`, if there is one.
    pub fn level(&self, level: u8) -> Option<&RgbImage> {
        self.levels.get(usize::from(level))
    }

    /// The coarsest level: the whole page in one tile, for a first picture or a thumbnail.
    pub fn coarsest(&self) -> Option<&RgbImage> {
        self.levels.last()
    }

    /// Bytes of pixel data over all levels.
    pub fn bytes(&self) -> usize {
        self.levels.iter().map(|l| l.as_raw().len()).sum()
    }

    /// The tiles to draw for `viewport` (rotated full-size pixels) at `zoom`, centre first.
    pub fn visible_tiles(
        &self,
        viewport: ViewRect,
        zoom: f64,
        rotation: Rotation,
    ) -> Vec<TileRequest> {
        let (w, h) = self.size();
        tiles::visible_tiles(w, h, self.level_count(), viewport, zoom, rotation)
    }

    /// Cuts tile `key` out of its level as RGBA; `None` when it is outside the pyramid.
    pub fn tile(&self, key: TileKey) -> Option<Tile> {
        let img = self.level(key.level)?;
        let (lw, lh) = img.dimensions();
        let x0 = key.col.checked_mul(TILE_SIZE)?;
        let y0 = key.row.checked_mul(TILE_SIZE)?;
        if x0 >= lw || y0 >= lh {
            return None;
        }
        let (tw, th) = (TILE_SIZE.min(lw - x0), TILE_SIZE.min(lh - y0));
        let mut rgba = vec![255u8; (tw * th * 4) as usize];
        let raw = img.as_raw();
        let stride = lw as usize * 3;
        for (row, out) in rgba.chunks_exact_mut(tw as usize * 4).enumerate() {
            let start = (y0 as usize + row) * stride + x0 as usize * 3;
            let src = &raw[start..start + tw as usize * 3];
            for (o, px) in out.chunks_exact_mut(4).zip(src.chunks_exact(3)) {
                o[..3].copy_from_slice(px);
            }
        }
        Some(Tile {
            width: tw,
            height: th,
            rgba,
        })
    }
}

/// Halves an image with a 2 × 2 box filter; an odd last row or column is averaged with itself.
fn halve(img: &RgbImage) -> RgbImage {
    let (w, h) = img.dimensions();
    let (nw, nh) = (w.div_ceil(2), h.div_ceil(2));
    let src = img.as_raw();
    let stride = w as usize * 3;
    let mut out = vec![0u8; nw as usize * nh as usize * 3];
    for (ny, row) in out.chunks_exact_mut(nw as usize * 3).enumerate() {
        let y0 = ny * 2;
        let y1 = (y0 + 1).min(h as usize - 1);
        let (r0, r1) = (&src[y0 * stride..][..stride], &src[y1 * stride..][..stride]);
        for (nx, px) in row.chunks_exact_mut(3).enumerate() {
            let x0 = nx * 2 * 3;
            let x1 = ((nx * 2 + 1).min(w as usize - 1)) * 3;
            for c in 0..3 {
                let sum = u16::from(r0[x0 + c])
                    + u16::from(r0[x1 + c])
                    + u16::from(r1[x0 + c])
                    + u16::from(r1[x1 + c]);
                px[c] = ((sum + 2) / 4) as u8;
            }
        }
    }
    RgbImage::from_raw(nw, nh, out).unwrap_or_else(|| RgbImage::new(nw, nh))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_halve_down_to_one_tile() {
        let p = Pyramid::new(RgbImage::new(2100, 1000));
        let sizes: Vec<_> = (0..p.level_count())
            .map(|l| p.level(l).unwrap().dimensions())
            .collect();
        assert_eq!(sizes, [(2100, 1000), (1050, 500), (525, 250), (263, 125)]);
        for (l, s) in sizes.iter().enumerate() {
            assert_eq!(*s, tiles::level_size(2100, 1000, l as u8));
        }
        assert_eq!(p.coarsest().unwrap().dimensions(), (263, 125));
    }

    #[test]
    fn a_zero_sized_image_is_one_level() {
        let p = Pyramid::new(RgbImage::new(0, 100_000));
        assert_eq!(p.level_count(), 1);
        assert!(
            p.tile(TileKey {
                level: 0,
                col: 0,
                row: 0
            })
            .is_none()
        );
    }

    #[test]
    fn halving_averages_and_keeps_odd_edges() {
        let mut img = RgbImage::new(3, 1);
        img.put_pixel(0, 0, image::Rgb([0, 0, 0]));
        img.put_pixel(1, 0, image::Rgb([200, 100, 4]));
        img.put_pixel(2, 0, image::Rgb([9, 9, 9]));
        let h = halve(&img);
        assert_eq!(h.dimensions(), (2, 1));
        assert_eq!(h.get_pixel(0, 0).0, [100, 50, 2]);
        assert_eq!(h.get_pixel(1, 0).0, [9, 9, 9]);
    }

    #[test]
    fn tiles_hold_the_right_pixels() {
        let mut img = RgbImage::new(600, 520);
        img.put_pixel(512, 512, image::Rgb([1, 2, 3]));
        let p = Pyramid::new(img);
        let t = p
            .tile(TileKey {
                level: 0,
                col: 1,
                row: 1,
            })
            .unwrap();
        assert_eq!((t.width, t.height), (88, 8));
        assert_eq!(&t.rgba[..4], &[1, 2, 3, 255]);
        assert!(
            p.tile(TileKey {
                level: 0,
                col: 2,
                row: 0
            })
            .is_none()
        );
        assert!(
            p.tile(TileKey {
                level: 9,
                col: 0,
                row: 0
            })
            .is_none()
        );
    }
}
