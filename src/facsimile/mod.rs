//! Page images (facsimiles): decoding untrusted scans, a pyramid of downsampled levels,
//! tiles small enough for any GPU, a bounded tile cache and a background decoder.
//!
//! Plain Rust with no UI dependency: the viewer asks [`Pyramid::visible_tiles`] what to
//! draw, takes tiles from a [`TileCache`], and polls a [`BackgroundDecoder`] so the UI
//! thread never decodes. See `docs/facsimiles.md`.

pub mod background;
pub mod cache;
pub mod check;
pub mod decode;
pub mod pages;
pub mod pyramid;
pub mod tiles;

pub use background::{BackgroundDecoder, DecodeEvent};
pub use cache::TileCache;
pub use decode::{DecodeError, DecodeLimits, decode_page};
pub use pyramid::{Pyramid, Tile};
pub use tiles::{NEW_TILES_PER_FRAME, Rotation, TILE_SIZE, TileKey, TileRequest, ViewRect};
