//! A page as a page image at reading resolution: [`RENDER_DPI`](super::RENDER_DPI), the
//! longer side kept between [`MIN_SIDE`](super::MIN_SIDE) and
//! [`MAX_SIDE`](super::MAX_SIDE) pixels, on white. Text pages are written as PNG (sharp
//! and small); pages that are mostly a picture (scans) as JPEG, quality 85.

use super::{MAX_SIDE, MIN_SIDE, RENDER_DPI};
use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::page::Page;
use hayro::vello_cpu::color::palette::css::WHITE;
use image::ImageEncoder as _;

/// An encoded page image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// `png` or `jpg`.
    pub ext: &'static str,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// The scale from PDF points to pixels for a page of `w` × `h` points.
pub fn scale_for(w: f32, h: f32) -> f32 {
    let long = w.max(h).max(1.0);
    let s = RENDER_DPI / 72.0;
    if long * s > MAX_SIDE {
        MAX_SIDE / long
    } else if long * s < MIN_SIDE {
        (MIN_SIDE / long).min(4.0 * s)
    } else {
        s
    }
}

/// Renders `page`; `photo` chooses JPEG over PNG.
pub fn render_page<'a>(
    page: &'a Page<'a>,
    cache: &hayro::RenderCache<'a>,
    settings: &InterpreterSettings,
    photo: bool,
) -> Result<Rendered, String> {
    let (w, h) = page.render_dimensions();
    let scale = scale_for(w, h);
    let pixmap = hayro::render(
        page,
        cache,
        settings,
        &hayro::RenderSettings::default(),
        &hayro::PixmapSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: WHITE,
        },
    );
    let (width, height) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
    if width == 0 || height == 0 {
        return Err("the page has no area".into());
    }
    // Opaque white background, so the premultiplied pixels are the colours.
    let rgba = pixmap.data_as_u8_slice();
    let mut rgb = Vec::with_capacity(width as usize * height as usize * 3);
    for px in rgba.chunks_exact(4) {
        rgb.extend_from_slice(&px[..3]);
    }
    let mut bytes = Vec::new();
    if photo {
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85)
            .write_image(&rgb, width, height, image::ExtendedColorType::Rgb8)
            .map_err(|e| e.to_string())?;
        Ok(Rendered {
            ext: "jpg",
            bytes,
            width,
            height,
        })
    } else {
        image::codecs::png::PngEncoder::new_with_quality(
            &mut bytes,
            image::codecs::png::CompressionType::Fast,
            image::codecs::png::FilterType::Sub,
        )
        .write_image(&rgb, width, height, image::ExtendedColorType::Rgb8)
        .map_err(|e| e.to_string())?;
        Ok(Rendered {
            ext: "png",
            bytes,
            width,
            height,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_resolution() {
        // A4 at 150 dpi.
        assert!((scale_for(595.0, 842.0) - 150.0 / 72.0).abs() < 1e-6);
        // A poster is capped, a ticket raised.
        assert!((scale_for(2000.0, 3000.0) * 3000.0 - MAX_SIDE).abs() < 1e-3);
        assert!((scale_for(100.0, 200.0) * 200.0 - MIN_SIDE).abs() < 1e-3);
    }
}
