//! Text burned into frames: each glyph is rasterized once per size with fontdue, kept, and
//! blended straight into the frame's pixels (the clock and the numbers change every frame, the
//! glyphs do not).

use std::collections::HashMap;

use tiny_skia::PixmapMut;

use super::{Fonts, Rgb};

/// Which of the three Inter weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Weight {
    Regular,
    SemiBold,
    Bold,
}

/// A rasterized glyph, placed relative to the pen on the baseline.
struct Glyph {
    left: i32,
    /// Rows from the baseline to the bitmap's top, downwards (negative above the baseline).
    top: i32,
    width: usize,
    height: usize,
    advance: f32,
    coverage: Vec<u8>,
}

/// Sizes are kept in quarter pixels so a frame's few sizes map to a few cache entries.
fn size_key(size_px: f32) -> u32 {
    (size_px.max(1.0) * 4.0).round() as u32
}

/// The fonts and every glyph drawn so far.
pub(crate) struct TextCache {
    fonts: Fonts,
    glyphs: HashMap<(Weight, char, u32), Glyph>,
}

impl TextCache {
    pub(crate) fn new(fonts: Fonts) -> Self {
        Self { fonts, glyphs: HashMap::new() }
    }

    fn glyph(&mut self, weight: Weight, ch: char, size_px: f32) -> &Glyph {
        let key = size_key(size_px);
        let fonts = &self.fonts;
        self.glyphs.entry((weight, ch, key)).or_insert_with(|| {
            let font = match weight {
                Weight::Regular => &fonts.regular,
                Weight::SemiBold => &fonts.semibold,
                Weight::Bold => &fonts.bold,
            };
            let (metrics, coverage) = font.rasterize(ch, key as f32 / 4.0);
            Glyph {
                left: metrics.xmin,
                top: -(metrics.ymin + metrics.height as i32),
                width: metrics.width,
                height: metrics.height,
                advance: metrics.advance_width,
                coverage,
            }
        })
    }

    /// The width `text` takes, in pixels.
    pub(crate) fn measure(&mut self, text: &str, weight: Weight, size_px: f32) -> f32 {
        text.chars().map(|ch| self.glyph(weight, ch, size_px).advance).sum()
    }

    /// The height of a capital above the baseline, to centre text vertically in a box.
    pub(crate) fn cap_height(&mut self, weight: Weight, size_px: f32) -> f32 {
        self.glyph(weight, 'H', size_px).height as f32
    }

    /// Draws `text` with its baseline starting at (`x`, `baseline`); `alpha` fades it.
    pub(crate) fn draw(
        &mut self,
        pixmap: &mut PixmapMut<'_>,
        text: &str,
        weight: Weight,
        size_px: f32,
        (x, baseline): (f32, f32),
        color: Rgb,
        alpha: f32,
    ) {
        let alpha = (alpha.clamp(0.0, 1.0) * 255.0).round() as u32;
        if alpha == 0 {
            return;
        }
        let mut pen = x;
        let baseline = baseline.round() as i32;
        for ch in text.chars() {
            let glyph = self.glyph(weight, ch, size_px);
            blend_glyph(pixmap, pen.round() as i32 + glyph.left, baseline + glyph.top, glyph, color, alpha);
            pen += glyph.advance;
        }
    }
}

/// Source-over of one glyph's coverage in a solid colour; frames are opaque so the
/// premultiplied and straight colours are the same.
fn blend_glyph(pixmap: &mut PixmapMut<'_>, x0: i32, y0: i32, glyph: &Glyph, color: Rgb, alpha: u32) {
    let width = pixmap.width() as i32;
    let height = pixmap.height() as i32;
    let data = pixmap.data_mut();
    let [red, green, blue] = [color.0 as u32, color.1 as u32, color.2 as u32];
    for row in 0..glyph.height as i32 {
        let y = y0 + row;
        if y < 0 || y >= height {
            continue;
        }
        let coverage_row = &glyph.coverage[row as usize * glyph.width..][..glyph.width];
        for (column, &coverage) in coverage_row.iter().enumerate() {
            let x = x0 + column as i32;
            if coverage == 0 || x < 0 || x >= width {
                continue;
            }
            let a = coverage as u32 * alpha / 255;
            let keep = 255 - a;
            let at = (y as usize * width as usize + x as usize) * 4;
            let pixel = &mut data[at..at + 4];
            pixel[0] = ((red * a + pixel[0] as u32 * keep + 127) / 255) as u8;
            pixel[1] = ((green * a + pixel[1] as u32 * keep + 127) / 255) as u8;
            pixel[2] = ((blue * a + pixel[2] as u32 * keep + 127) / 255) as u8;
            pixel[3] = (a + pixel[3] as u32 * keep / 255) as u8;
        }
    }
}
