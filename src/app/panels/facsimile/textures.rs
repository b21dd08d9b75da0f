//! GPU textures for page tiles: uploaded only when a visible tile needs one, at most
//! [`NEW_TILES_PER_FRAME`](crate::facsimile::NEW_TILES_PER_FRAME) new ones a frame, kept
//! least-recently-used within [`TEXTURE_BUDGET`] tiles (plus the ones the current frame
//! draws), with brightness and contrast applied to the pixels as they are uploaded.

use crate::facsimile::{Tile, TileKey};
use egui::{Color32, ColorImage, TextureHandle, TextureId, TextureOptions};
use std::collections::HashMap;

/// Tiles kept on the GPU beyond those drawn in the current frame: 96 tiles of at most
/// 512 × 512 RGBA, so at most 96 MiB plus the visible tiles (about 60 MiB for a
/// 2,560 × 1,440 pane) — see docs/facsimiles.md.
pub const TEXTURE_BUDGET: usize = 96;

/// Brightness and contrast for faded copies, applied to each tile's pixels on upload
/// (a tint can only darken, and cannot raise contrast).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adjust {
    /// Added to every channel, in `-1.0..=1.0` (fractions of full scale).
    pub brightness: f32,
    /// Spread around mid-grey, in `0.2..=4.0`; 1 leaves the pixels as they are.
    pub contrast: f32,
}

impl Default for Adjust {
    fn default() -> Self {
        Self {
            brightness: 0.0,
            contrast: 1.0,
        }
    }
}

impl Adjust {
    /// The lookup table for one channel value.
    pub fn table(self) -> [u8; 256] {
        let mut t = [0u8; 256];
        for (v, out) in t.iter_mut().enumerate() {
            let x = (v as f32 / 255.0 - 0.5) * self.contrast + 0.5 + self.brightness;
            *out = (x.clamp(0.0, 1.0) * 255.0).round() as u8;
        }
        t
    }

    pub fn is_identity(self) -> bool {
        self == Self::default()
    }
}

/// The tile's pixels as an egui image, each channel mapped through `lut`.
pub fn color_image(tile: &Tile, lut: &[u8; 256]) -> ColorImage {
    let pixels = tile
        .rgba
        .chunks_exact(4)
        .map(|p| {
            Color32::from_rgb(
                lut[usize::from(p[0])],
                lut[usize::from(p[1])],
                lut[usize::from(p[2])],
            )
        })
        .collect();
    ColorImage::new([tile.width as usize, tile.height as usize], pixels)
}

/// The uploaded tiles of the open document's pages.
#[derive(Default)]
pub struct Textures {
    map: HashMap<(usize, TileKey), (TextureHandle, u64)>,
    frame: u64,
    uploads: usize,
    lut: Option<(Adjust, [u8; 256])>,
}

impl Textures {
    /// Starts a frame drawn with `adjust`: a changed adjustment drops every texture (they
    /// are uploaded again, a few a frame).
    pub fn begin_frame(&mut self, adjust: Adjust) {
        self.frame += 1;
        self.uploads = 0;
        if self.lut.is_none_or(|(a, _)| a != adjust) {
            self.map.clear();
            self.lut = Some((adjust, adjust.table()));
        }
    }

    /// The texture of a tile, marked as used this frame.
    pub fn get(&mut self, page: usize, key: TileKey) -> Option<TextureId> {
        let frame = self.frame;
        self.map.get_mut(&(page, key)).map(|(t, used)| {
            *used = frame;
            t.id()
        })
    }

    /// Whether another upload fits in this frame.
    pub fn can_upload(&self) -> bool {
        self.uploads < crate::facsimile::NEW_TILES_PER_FRAME
    }

    /// Uploads `tile` (counts against this frame's uploads).
    pub fn upload(
        &mut self,
        ctx: &egui::Context,
        page: usize,
        key: TileKey,
        tile: &Tile,
    ) -> TextureId {
        self.uploads += 1;
        let lut = match &self.lut {
            Some((_, t)) => *t,
            None => Adjust::default().table(),
        };
        let name = format!("page{page}-l{}-{}-{}", key.level, key.col, key.row);
        let handle = ctx.load_texture(name, color_image(tile, &lut), TextureOptions::LINEAR);
        let id = handle.id();
        self.map.insert((page, key), (handle, self.frame));
        id
    }

    /// Frees the least recently used textures beyond the budget, never one drawn this frame.
    pub fn end_frame(&mut self) {
        if self.map.len() <= TEXTURE_BUDGET {
            return;
        }
        let mut old: Vec<((usize, TileKey), u64)> = self
            .map
            .iter()
            .filter(|(_, (_, used))| *used < self.frame)
            .map(|(k, (_, used))| (*k, *used))
            .collect();
        old.sort_by_key(|(_, used)| *used);
        let excess = self.map.len() - TEXTURE_BUDGET;
        for (k, _) in old.into_iter().take(excess) {
            self.map.remove(&k);
        }
    }

    /// Drops every texture (another document, or its pages changed).
    pub fn clear(&mut self) {
        self.map.clear();
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Uploads in the current frame so far.
    pub fn uploads(&self) -> usize {
        self.uploads
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brightness_and_contrast_tables() {
        let id = Adjust::default().table();
        assert!(id.iter().enumerate().all(|(i, v)| usize::from(*v) == i));
        let bright = Adjust {
            brightness: 0.2,
            contrast: 1.0,
        }
        .table();
        assert_eq!(bright[0], 51);
        assert_eq!(bright[255], 255, "clamped");
        let contrast = Adjust {
            brightness: 0.0,
            contrast: 2.0,
        }
        .table();
        assert_eq!(contrast[60], 0);
        assert_eq!(contrast[160], 193, "2v - 127.5, rounded up");
        let c15 = Adjust {
            brightness: 0.0,
            contrast: 1.5,
        }
        .table();
        assert_eq!(c15[100], 86, "1.5v - 63.75");
        assert_eq!(contrast[200], 255);
        let tile = Tile {
            width: 1,
            height: 1,
            rgba: vec![100, 150, 200, 255],
        };
        let img = color_image(&tile, &bright);
        assert_eq!(img.pixels[0], Color32::from_rgb(151, 201, 251));
    }

    #[test]
    fn textures_stay_within_the_budget_and_uploads_are_capped() {
        let ctx = egui::Context::default();
        let mut t = Textures::default();
        let tile = Tile {
            width: 2,
            height: 2,
            rgba: vec![0; 16],
        };
        let mut n = 0u32;
        for _ in 0..40 {
            t.begin_frame(Adjust::default());
            while t.can_upload() {
                t.upload(
                    &ctx,
                    0,
                    TileKey {
                        level: 0,
                        col: n,
                        row: 0,
                    },
                    &tile,
                );
                n += 1;
            }
            assert_eq!(t.uploads(), crate::facsimile::NEW_TILES_PER_FRAME);
            t.end_frame();
            assert!(t.len() <= TEXTURE_BUDGET.max(crate::facsimile::NEW_TILES_PER_FRAME));
        }
        assert_eq!(t.len(), TEXTURE_BUDGET);
        // The most recent survive; a used one is kept.
        assert!(
            t.get(
                0,
                TileKey {
                    level: 0,
                    col: n - 1,
                    row: 0
                }
            )
            .is_some()
        );
        assert!(
            t.get(
                0,
                TileKey {
                    level: 0,
                    col: 0,
                    row: 0
                }
            )
            .is_none()
        );
        t.begin_frame(Adjust {
            brightness: 0.1,
            contrast: 1.0,
        });
        assert!(t.is_empty(), "a new adjustment uploads again");
    }
}
