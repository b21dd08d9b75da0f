//! A page's text layer: every glyph the page draws, with its Unicode value (from the font's
//! `ToUnicode` map, glyph names or encoding, as `hayro-interpret` resolves it), position and
//! size, in drawing order; then lines and paragraphs.
//!
//! Reading order is the order the page draws its text in, which is the reading order of
//! what word processors, TeX and browsers write (columns one after the other). A glyph
//! starts a new line when it sits more than half its size above or below the line, or
//! jumps back to the left; a space is put where the gap to the previous glyph is wider
//! than a fifth of the font size (and the PDF drew no space of its own); a blank line
//! separates lines further apart than 1.8 times the font size. Glyphs with no Unicode
//! value are counted, not guessed.

use hayro::hayro_interpret::font::GlyphRun;
use hayro::hayro_interpret::hayro_cmap::BfString;
use hayro::hayro_interpret::util::TransformExt;
use hayro::hayro_interpret::{
    BlendMode, ClipPath, Context, Device, DrawMode, DrawProps, Image, ImageDrawProps,
    InterpreterSettings, SoftMask, interpret_page,
};
use hayro::hayro_syntax::page::Page;
use hayro::kurbo::{BezPath, Rect};

/// One drawn glyph, in page coordinates (points, origin top-left).
#[derive(Clone, Debug)]
struct Glyph {
    text: String,
    x: f64,
    /// Baseline.
    y: f64,
    /// Where the next glyph would start, when the font says.
    end: Option<f64>,
    size: f64,
}

/// What a page's text layer holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageText {
    /// Lines separated by `\n`, paragraphs by a blank line.
    pub text: String,
    /// Glyphs drawn with no Unicode value.
    pub unmapped: usize,
    /// Share of the page's area that images cover (a scan's page is near 1).
    pub image_cover: f64,
}

#[derive(Default)]
struct Collect {
    glyphs: Vec<Glyph>,
    unmapped: usize,
    image_area: f64,
}

impl<'a> Device<'a> for Collect {
    fn draw_path(&mut self, _: &BezPath, _: DrawProps<'a>, _: &DrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}
    fn draw_glyph_run(&mut self, run: &GlyphRun<'_, 'a>, props: DrawProps<'a>, mode: &DrawMode) {
        let _ = mode;
        for g in run.glyphs() {
            let t = props.transform * g.transform();
            let [a, b, c, d, e, f] = t.as_coeffs();
            // The size of 1000 glyph units on the page (the glyph transform scales by 1/1000).
            let size = (c * c + d * d).sqrt() * 1000.0;
            let advance = match &**g {
                hayro::hayro_interpret::font::Glyph::Outline(o) => o.advance_width(),
                hayro::hayro_interpret::font::Glyph::Type3(t3) => t3.advance_width(),
            };
            let end = advance
                .map(|w| e + f64::from(w) * (a * a + b * b).sqrt())
                .filter(|v| v.is_finite());
            let text = match g.as_unicode() {
                Some(BfString::Char(ch)) => ch.to_string(),
                Some(BfString::String(s)) => s,
                None => {
                    self.unmapped += 1;
                    continue;
                }
            };
            if !(e.is_finite() && f.is_finite() && size.is_finite()) {
                continue;
            }
            self.glyphs.push(Glyph {
                text,
                x: e,
                y: f,
                end,
                size,
            });
        }
    }
    fn draw_image(&mut self, image: Image<'a, '_>, props: ImageDrawProps<'a>) {
        // The transform maps the image's pixels onto the page.
        let [a, b, c, d, _, _] = props.transform.as_coeffs();
        let pixels = f64::from(image.width()) * f64::from(image.height());
        let area = (a * d - b * c).abs() * pixels;
        if area.is_finite() {
            self.image_area += area;
        }
    }
    fn pop_clip(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}

/// The text layer of `page`.
pub fn page_text(page: &Page<'_>, settings: &InterpreterSettings) -> PageText {
    let (w, h) = page.render_dimensions();
    let (w, h) = (f64::from(w), f64::from(h));
    let mut dev = Collect::default();
    let cache = hayro::hayro_interpret::InterpreterCache::new();
    let mut ctx = Context::new(
        page.initial_transform(true).to_kurbo(),
        Rect::new(0.0, 0.0, w, h),
        &cache,
        page.xref(),
        settings.clone(),
    );
    interpret_page(page, &mut ctx, &mut dev);
    let area = (w * h).max(1.0);
    PageText {
        text: lines(&dev.glyphs),
        unmapped: dev.unmapped,
        image_cover: (dev.image_area / area).min(1.0),
    }
}

/// Glyphs in drawing order as lines and paragraphs.
fn lines(glyphs: &[Glyph]) -> String {
    let mut out = String::new();
    let mut prev: Option<&Glyph> = None;
    // Baseline and size of the current line, and of the line before it.
    let mut line: Option<(f64, f64)> = None;
    for g in glyphs {
        if g.text.chars().all(char::is_whitespace) {
            // A drawn space: a space, unless at the start of a line or after one.
            if line.is_some() && !out.ends_with([' ', '\n']) {
                out.push(' ');
            }
            continue;
        }
        let size = g.size.max(1.0);
        match (line, prev) {
            (Some((base, lsize)), Some(p)) => {
                let tol = 0.5 * size.min(lsize);
                let new_line = (g.y - base).abs() > tol || g.x < p.x - 0.5 * size;
                if new_line {
                    while out.ends_with(' ') {
                        out.pop();
                    }
                    let gap = g.y - base;
                    out.push('\n');
                    if gap > 1.8 * lsize.max(size) || gap < -lsize {
                        out.push('\n');
                    }
                    line = Some((g.y, size));
                } else {
                    let p_end = p.end.unwrap_or(p.x + 0.5 * p.size);
                    if g.x - p_end > 0.2 * size && !out.ends_with(' ') {
                        out.push(' ');
                    }
                    line = Some((base, lsize.max(size)));
                }
            }
            _ => line = Some((g.y, size)),
        }
        out.push_str(&g.text);
        prev = Some(g);
    }
    while out.ends_with([' ', '\n']) {
        out.pop();
    }
    // Control characters other than line breaks never reach the text.
    out.chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(t: &str, x: f64, y: f64) -> Glyph {
        Glyph {
            text: t.into(),
            x,
            y,
            end: Some(x + 6.0),
            size: 12.0,
        }
    }

    #[test]
    fn glyphs_into_lines_and_paragraphs() {
        let glyphs = vec![
            g("K", 10.0, 100.0),
            g("i", 16.0, 100.0),
            g("m", 22.0, 100.0),
            g("I", 40.0, 100.0),
            g("r", 46.0, 100.0),
            g(" ", 52.0, 100.0),
            g("S", 58.0, 100.0),
            g("a", 10.0, 114.0),
            g("b", 10.0, 160.0),
        ];
        assert_eq!(lines(&glyphs), "Kim Ir S\na\n\nb");
    }
}
