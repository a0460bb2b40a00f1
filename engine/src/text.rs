//! Text: the fonts the bundle ships, line breaking, measuring, and the glyph atlas.
//!
//! Text is shaped, measured and rasterized here, in the bundle, so that layout and pixels
//! are the same in every host. Glyph positions are whole pixels, so a glyph rasterized once
//! per size can be reused everywhere.

use std::collections::HashMap;

use bevy_ecs::prelude::*;
use fontdue::{Font, FontSettings, Metrics};
use touchline_abi::display_list::{AtlasPageCmd, AtlasUploadCmd};

use crate::color::Color;

/// Font weights of the shipped family (Inter).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum FontWeight {
    /// Inter Regular.
    #[default]
    Regular,
    /// Inter Bold.
    Bold,
}

static INTER_REGULAR: &[u8] = include_bytes!("../../assets/fonts/Inter-Regular.otf");
static INTER_BOLD: &[u8] = include_bytes!("../../assets/fonts/Inter-Bold.otf");

/// The fonts, parsed once.
#[derive(Resource)]
pub struct Fonts {
    regular: Font,
    bold: Font,
}

impl Fonts {
    /// Parses the shipped fonts.
    pub fn load() -> Result<Self, &'static str> {
        let settings = FontSettings { scale: 40.0, ..FontSettings::default() };
        Ok(Self {
            regular: Font::from_bytes(INTER_REGULAR, settings)?,
            bold: Font::from_bytes(INTER_BOLD, settings)?,
        })
    }

    /// The font for a weight.
    pub fn font(&self, weight: FontWeight) -> &Font {
        match weight {
            FontWeight::Regular => &self.regular,
            FontWeight::Bold => &self.bold,
        }
    }
}

/// How a text node's glyphs look.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextStyle {
    /// Font size in pixels.
    pub size: f32,
    /// Weight.
    pub weight: FontWeight,
    /// Colour.
    pub color: Color,
    /// Line height as a multiple of the size.
    pub line_height: f32,
}

impl Default for TextStyle {
    fn default() -> Self {
        Self { size: 32.0, weight: FontWeight::Regular, color: Color::WHITE, line_height: 1.25 }
    }
}

/// One glyph placed on a line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlacedGlyph {
    /// Glyph index in the font.
    pub index: u16,
    /// Pen position of the glyph's origin, from the line's left edge.
    pub x: f32,
}

/// One line of laid-out text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TextLine {
    /// Its glyphs.
    pub glyphs: Vec<PlacedGlyph>,
    /// Advance width of the line.
    pub width: f32,
}

/// Text broken into lines for a width.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TextLayout {
    /// The lines, top to bottom.
    pub lines: Vec<TextLine>,
    /// Height of one line in pixels.
    pub line_height: f32,
    /// Distance from a line's top to its baseline.
    pub ascent: f32,
}

impl TextLayout {
    /// Width of the widest line.
    pub fn width(&self) -> f32 {
        self.lines.iter().map(|l| l.width).fold(0.0, f32::max)
    }

    /// Height of all lines.
    pub fn height(&self) -> f32 {
        self.lines.len() as f32 * self.line_height
    }
}

/// Breaks `text` into lines no wider than `max_width` (at spaces; a word longer than the
/// width gets a line of its own). Newlines force breaks.
pub fn layout_text(fonts: &Fonts, text: &str, style: &TextStyle, max_width: Option<f32>) -> TextLayout {
    let font = fonts.font(style.weight);
    let px = style.size;
    let (ascent, descent) =
        font.horizontal_line_metrics(px).map(|m| (m.ascent, m.descent)).unwrap_or((px * 0.8, -px * 0.2));
    let line_height = (px * style.line_height).round();
    // Centre the font's own extent in the line box.
    let ascent = ((line_height - (ascent - descent)) / 2.0 + ascent).round();
    let mut layout = TextLayout { lines: Vec::new(), line_height, ascent };
    let limit = max_width.unwrap_or(f32::INFINITY);

    for paragraph in text.split('\n') {
        let mut line = TextLine::default();
        let mut pen = 0.0f32;
        let mut prev: Option<u16> = None;
        for word in split_keeping_spaces(paragraph) {
            let start_len = line.glyphs.len();
            let start_pen = pen;
            for ch in word.chars() {
                let index = font.lookup_glyph_index(ch);
                if let Some(p) = prev {
                    pen += font.horizontal_kern_indexed(p, index, px).unwrap_or(0.0);
                }
                line.glyphs.push(PlacedGlyph { index, x: pen });
                pen += font.metrics_indexed(index, px).advance_width;
                prev = Some(index);
            }
            let is_space = word.starts_with(' ');
            if pen > limit && start_len > 0 && !is_space {
                // Move the word to a new line.
                let moved: Vec<PlacedGlyph> = line.glyphs.drain(start_len..).collect();
                line.width = trimmed_width(&line, fonts, style, start_pen);
                layout.lines.push(std::mem::take(&mut line));
                let shift = moved.first().map(|g| g.x).unwrap_or(0.0);
                line.glyphs = moved.into_iter().map(|g| PlacedGlyph { x: g.x - shift, ..g }).collect();
                pen -= shift;
            }
        }
        line.width = trimmed_width(&line, fonts, style, pen);
        layout.lines.push(line);
    }
    layout
}

/// Width of a line without its trailing spaces.
fn trimmed_width(line: &TextLine, fonts: &Fonts, style: &TextStyle, pen: f32) -> f32 {
    let font = fonts.font(style.weight);
    let space = font.lookup_glyph_index(' ');
    let mut width = pen;
    for g in line.glyphs.iter().rev() {
        if g.index != space {
            break;
        }
        width = g.x;
    }
    width
}

/// Splits into runs of non-spaces and runs of spaces, in order.
fn split_keeping_spaces(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let first_is_space = rest.starts_with(' ');
        let end = rest.find(|c: char| (c == ' ') != first_is_space).unwrap_or(rest.len());
        let (head, tail) = rest.split_at(end);
        rest = tail;
        Some(head)
    })
}

/// Where a rasterized glyph lives in the atlas, and how to place it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AtlasSlot {
    /// Page id.
    pub page: u32,
    /// Left in the page.
    pub u: u16,
    /// Top in the page.
    pub v: u16,
    /// Width.
    pub w: u16,
    /// Height.
    pub h: u16,
    /// Offset of the bitmap's left edge from the pen position.
    pub xmin: i16,
    /// Offset of the bitmap's bottom edge above the baseline.
    pub ymin: i16,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct GlyphKey {
    weight: FontWeight,
    index: u16,
    /// Size in quarter pixels, so nearby sizes share nothing but equal sizes share all.
    size_q: u32,
}

/// Side of an atlas page in pixels.
pub const ATLAS_PAGE_SIZE: u32 = 1024;

struct Shelf {
    y: u32,
    height: u32,
    x: u32,
}

struct Page {
    shelves: Vec<Shelf>,
    next_y: u32,
}

/// The glyph atlas: A8 pages the bundle rasterizes into and uploads to the host.
#[derive(Resource, Default)]
pub struct GlyphAtlas {
    pages: Vec<Page>,
    slots: HashMap<GlyphKey, AtlasSlot>,
    new_pages: Vec<AtlasPageCmd>,
    uploads: Vec<(AtlasUploadCmd, Vec<u8>)>,
}

impl GlyphAtlas {
    /// The slot of a glyph, rasterizing and queueing its upload the first time.
    pub fn glyph(&mut self, fonts: &Fonts, weight: FontWeight, index: u16, size: f32) -> Option<AtlasSlot> {
        let key = GlyphKey { weight, index, size_q: (size * 4.0).round() as u32 };
        if let Some(slot) = self.slots.get(&key) {
            return Some(*slot);
        }
        let (metrics, coverage): (Metrics, Vec<u8>) = fonts.font(weight).rasterize_indexed(index, size);
        let (w, h) = (metrics.width as u32, metrics.height as u32);
        let (page, u, v) = if w == 0 || h == 0 { (0, 0, 0) } else { self.allocate(w, h)? };
        let slot = AtlasSlot {
            page,
            u: u as u16,
            v: v as u16,
            w: w as u16,
            h: h as u16,
            xmin: metrics.xmin as i16,
            ymin: metrics.ymin as i16,
        };
        if w > 0 && h > 0 {
            let cmd = AtlasUploadCmd { page, x: slot.u, y: slot.v, w: slot.w, h: slot.h };
            self.uploads.push((cmd, coverage));
        }
        self.slots.insert(key, slot);
        Some(slot)
    }

    /// Pages created and glyphs rasterized since the last call, to put in the display list.
    pub fn take_pending(&mut self) -> (Vec<AtlasPageCmd>, Vec<(AtlasUploadCmd, Vec<u8>)>) {
        (std::mem::take(&mut self.new_pages), std::mem::take(&mut self.uploads))
    }

    /// Number of glyphs in the atlas.
    pub fn glyph_count(&self) -> usize {
        self.slots.len()
    }

    fn allocate(&mut self, w: u32, h: u32) -> Option<(u32, u32, u32)> {
        // One pixel of padding keeps neighbours from bleeding under filtering.
        let (pw, ph) = (w + 1, h + 1);
        if pw > ATLAS_PAGE_SIZE || ph > ATLAS_PAGE_SIZE {
            return None;
        }
        for (page_index, page) in self.pages.iter_mut().enumerate() {
            if let Some((x, y)) = page.place(pw, ph) {
                return Some((page_index as u32, x, y));
            }
        }
        let id = self.pages.len() as u32;
        self.new_pages.push(AtlasPageCmd { page: id, width: ATLAS_PAGE_SIZE, height: ATLAS_PAGE_SIZE });
        let mut page = Page { shelves: Vec::new(), next_y: 0 };
        let (x, y) = page.place(pw, ph)?;
        self.pages.push(page);
        Some((id, x, y))
    }
}

impl Page {
    fn place(&mut self, w: u32, h: u32) -> Option<(u32, u32)> {
        for shelf in &mut self.shelves {
            if h <= shelf.height && shelf.x + w <= ATLAS_PAGE_SIZE {
                let x = shelf.x;
                shelf.x += w;
                return Some((x, shelf.y));
            }
        }
        if self.next_y + h > ATLAS_PAGE_SIZE {
            return None;
        }
        let shelf = Shelf { y: self.next_y, height: h, x: w };
        self.next_y += h;
        let y = shelf.y;
        self.shelves.push(shelf);
        Some((0, y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> Fonts {
        Fonts::load().expect("shipped fonts parse")
    }

    #[test]
    fn wraps_at_spaces_within_the_width() {
        let fonts = fonts();
        let style = TextStyle::default();
        let one_line = layout_text(&fonts, "Who is watching today", &style, None);
        assert_eq!(one_line.lines.len(), 1);
        let narrow = layout_text(&fonts, "Who is watching today", &style, Some(one_line.width() / 2.0));
        assert!(narrow.lines.len() >= 2, "expected a wrap, got {narrow:?}");
        assert!(narrow.width() <= one_line.width() / 2.0 + 0.5);
        assert_eq!(narrow.height(), narrow.lines.len() as f32 * narrow.line_height);
    }

    #[test]
    fn bold_is_wider_than_regular() {
        let fonts = fonts();
        let regular = layout_text(&fonts, "Touchline", &TextStyle::default(), None);
        let bold_style = TextStyle { weight: FontWeight::Bold, ..TextStyle::default() };
        let bold = layout_text(&fonts, "Touchline", &bold_style, None);
        assert!(bold.width() > regular.width());
    }

    #[test]
    fn atlas_rasterizes_each_glyph_once() {
        let fonts = fonts();
        let mut atlas = GlyphAtlas::default();
        let index = fonts.font(FontWeight::Regular).lookup_glyph_index('é');
        assert_ne!(index, 0, "the subset keeps accented Latin");
        let first = atlas.glyph(&fonts, FontWeight::Regular, index, 32.0).expect("fits");
        let (pages, uploads) = atlas.take_pending();
        assert_eq!(pages.len(), 1);
        assert_eq!(uploads.len(), 1);
        assert!(uploads[0].1.iter().any(|&c| c > 200), "glyph has solid coverage");
        let again = atlas.glyph(&fonts, FontWeight::Regular, index, 32.0).expect("cached");
        assert_eq!(first, again);
        assert_eq!(atlas.take_pending().1.len(), 0);
    }
}
