//! Decoding page images from untrusted files under explicit limits.
//!
//! The format is taken from the file's content, not its extension; PNG, JPEG and TIFF are
//! read. Dimensions are checked from the header before any pixel is allocated, so a
//! decompression bomb (a small file claiming a huge image) is refused cheaply.

use image::{ImageReader, Limits, RgbImage};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Bounds on what a page image may cost to decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Largest accepted width or height, in pixels.
    pub max_side: u32,
    /// Largest accepted width × height.
    pub max_pixels: u64,
    /// Largest allocation the decoder may make at once, in bytes (`image::Limits::max_alloc`).
    pub max_alloc: u64,
    /// Largest accepted file, in bytes.
    pub max_file_bytes: u64,
}

impl Default for DecodeLimits {
    /// Archival scans of up to 120 megapixels and 30,000 px on a side; files up to 256 MiB.
    fn default() -> Self {
        Self {
            max_side: 30_000,
            max_pixels: 120_000_000,
            max_alloc: 1 << 30,
            max_file_bytes: 256 << 20,
        }
    }
}

/// Why a page image could not be read. Every variant names the file.
#[derive(Debug, Error)]
pub enum DecodeError {
    #[error("cannot read page image: {err}: {}", path.display())]
    Io { err: std::io::Error, path: PathBuf },
    #[error("page image is not a regular file: {}", path.display())]
    NotAFile { path: PathBuf },
    #[error("page image is larger than {limit} bytes: {}", path.display())]
    TooLarge { limit: u64, path: PathBuf },
    #[error("not a PNG, JPEG or TIFF image (the content is checked, not the extension): {}", path.display())]
    UnknownFormat { path: PathBuf },
    #[error("page image has no pixels ({width} × {height}): {}", path.display())]
    Empty {
        width: u32,
        height: u32,
        path: PathBuf,
    },
    #[error(
        "page image claims {width} × {height} pixels, more than the limit ({limit}); refused as a possible decompression bomb: {}",
        path.display()
    )]
    Bomb {
        width: u32,
        height: u32,
        limit: String,
        path: PathBuf,
    },
    #[error("page image is truncated or corrupt ({message}): {}", path.display())]
    Corrupt { message: String, path: PathBuf },
}

impl DecodeError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            Self::Io { path, .. }
            | Self::NotAFile { path }
            | Self::TooLarge { path, .. }
            | Self::UnknownFormat { path }
            | Self::Empty { path, .. }
            | Self::Bomb { path, .. }
            | Self::Corrupt { path, .. } => path,
        }
    }

    /// The message without the file name, for callers that name the file themselves.
    pub fn reason(&self) -> String {
        let full = self.to_string();
        let path = format!(": {}", self.path().display());
        full.strip_suffix(&path).unwrap_or(&full).to_owned()
    }
}

/// Reads and decodes the page image at `path` to 8-bit RGB (alpha is dropped: scans are
/// opaque), within `limits`.
pub fn decode_page(path: &Path, limits: &DecodeLimits) -> Result<RgbImage, DecodeError> {
    decode_page_with(path, limits, |_, _| {})
}

/// As [`decode_page`], calling `on_size(width, height)` once the header has been checked
/// and before the pixels are decoded.
pub fn decode_page_with(
    path: &Path,
    limits: &DecodeLimits,
    on_size: impl FnOnce(u32, u32),
) -> Result<RgbImage, DecodeError> {
    let bytes = read_regular_file(path, limits.max_file_bytes)?;
    decode_bytes_with(&bytes, path, limits, on_size)
}

/// Reads only the header of the page image at `path`: its checked width and height.
pub fn header(path: &Path, limits: &DecodeLimits) -> Result<(u32, u32), DecodeError> {
    let bytes = read_regular_file(path, limits.max_file_bytes)?;
    let (width, height) = dimensions(&bytes, path)?;
    check_dimensions(width, height, path, limits)?;
    Ok((width, height))
}

/// Decodes an image already in memory; `path` is only used in errors.
pub fn decode_bytes(
    bytes: &[u8],
    path: &Path,
    limits: &DecodeLimits,
) -> Result<RgbImage, DecodeError> {
    decode_bytes_with(bytes, path, limits, |_, _| {})
}

fn decode_bytes_with(
    bytes: &[u8],
    path: &Path,
    limits: &DecodeLimits,
    on_size: impl FnOnce(u32, u32),
) -> Result<RgbImage, DecodeError> {
    let (width, height) = dimensions(bytes, path)?;
    check_dimensions(width, height, path, limits)?;
    on_size(width, height);
    let mut reader = reader(bytes, path)?;
    let mut lim = Limits::default();
    lim.max_image_width = Some(limits.max_side);
    lim.max_image_height = Some(limits.max_side);
    lim.max_alloc = Some(limits.max_alloc);
    reader.limits(lim);
    let img = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(l) => DecodeError::Bomb {
            width,
            height,
            limit: l.to_string(),
            path: path.to_path_buf(),
        },
        other => DecodeError::Corrupt {
            message: other.to_string(),
            path: path.to_path_buf(),
        },
    })?;
    Ok(img.into_rgb8())
}

/// The width and height a page image's header declares, without decoding its pixels.
pub fn dimensions(bytes: &[u8], path: &Path) -> Result<(u32, u32), DecodeError> {
    reader(bytes, path)?
        .into_dimensions()
        .map_err(|e| DecodeError::Corrupt {
            message: e.to_string(),
            path: path.to_path_buf(),
        })
}

fn check_dimensions(
    width: u32,
    height: u32,
    path: &Path,
    limits: &DecodeLimits,
) -> Result<(), DecodeError> {
    if width == 0 || height == 0 {
        return Err(DecodeError::Empty {
            width,
            height,
            path: path.to_path_buf(),
        });
    }
    let bomb = |limit: String| DecodeError::Bomb {
        width,
        height,
        limit,
        path: path.to_path_buf(),
    };
    if width > limits.max_side || height > limits.max_side {
        return Err(bomb(format!("{} px on a side", limits.max_side)));
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(bomb(format!("{} pixels", limits.max_pixels)));
    }
    Ok(())
}

fn reader<'a>(bytes: &'a [u8], path: &Path) -> Result<ImageReader<Cursor<&'a [u8]>>, DecodeError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|err| DecodeError::Io {
            err,
            path: path.to_path_buf(),
        })?;
    match reader.format() {
        Some(image::ImageFormat::Png | image::ImageFormat::Jpeg | image::ImageFormat::Tiff) => {
            Ok(reader)
        }
        _ => Err(DecodeError::UnknownFormat {
            path: path.to_path_buf(),
        }),
    }
}

/// Reads a regular file (not a folder, device or FIFO) of at most `max` bytes.
fn read_regular_file(path: &Path, max: u64) -> Result<Vec<u8>, DecodeError> {
    let io = |err| DecodeError::Io {
        err,
        path: path.to_path_buf(),
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(DecodeError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    if meta.len() > max {
        return Err(DecodeError::TooLarge {
            limit: max,
            path: path.to_path_buf(),
        });
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(max + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > max {
        return Err(DecodeError::TooLarge {
            limit: max,
            path: path.to_path_buf(),
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_pixel(w, h, image::Rgb([200, 10, 10]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn small_png_decodes() {
        let img = decode_bytes(&png(3, 2), Path::new("a.png"), &DecodeLimits::default()).unwrap();
        assert_eq!(img.dimensions(), (3, 2));
        assert_eq!(img.get_pixel(2, 1).0, [200, 10, 10]);
    }

    #[test]
    fn limits_are_checked_before_decoding() {
        let limits = DecodeLimits {
            max_side: 10,
            ..DecodeLimits::default()
        };
        let e = decode_bytes(&png(11, 1), Path::new("big.png"), &limits).unwrap_err();
        assert!(matches!(e, DecodeError::Bomb { width: 11, .. }), "{e}");
        assert!(e.to_string().ends_with("big.png"), "{e}");
        let limits = DecodeLimits {
            max_pixels: 20,
            ..DecodeLimits::default()
        };
        let e = decode_bytes(&png(5, 5), Path::new("p.png"), &limits).unwrap_err();
        assert!(matches!(e, DecodeError::Bomb { .. }), "{e}");
    }

    #[test]
    fn folders_are_not_page_images() {
        let dir = tempfile::tempdir().unwrap();
        let e = decode_page(dir.path(), &DecodeLimits::default()).unwrap_err();
        assert!(matches!(e, DecodeError::NotAFile { .. }), "{e}");
    }
}
