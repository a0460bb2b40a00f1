//! Text: the fonts the bundle ships, line breaking, measuring, and the glyph atlas.
//!
//! Text is shaped, measured and rasterized here, in the bundle, so that layout and pixels
//! are the same in every host. Glyph positions are whole pixels, so a glyph rasterized once
//! per size can be reused everywhere.
//!
//! - [`Fonts`]: Inter Regular, SemiBold and Bold (Latin, Latin-1 Supplement, Latin
//!   Extended-A and typographic punctuation; see `assets/fonts/README.md`).
//! - [`layout_text`]: breaks text into lines for a width — at spaces, inside words too long
//!   for a line, at `'\n'` — and clamps it to [`TextStyle::max_lines`] with an ellipsis.
//!   The layout's size is what taffy's measure function reports.
//! - [`GlyphAtlas`]: A8 pages the glyphs are rasterized into once per size; pages no frame
//!   uses are evicted when space runs out.

mod atlas;
mod fonts;
mod lines;

pub use atlas::{ATLAS_PAGE_SIZE, AtlasSlot, DEFAULT_MAX_ATLAS_PAGES, GlyphAtlas};
pub use fonts::{FontWeight, Fonts};
pub use lines::{PlacedGlyph, TextLayout, TextLine, layout_text, min_content_width};

use crate::color::Color;

/// Where lines sit horizontally in their box.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum TextAlign {
    /// Against the left edge.
    #[default]
    Start,
    /// Centred.
    Center,
    /// Against the right edge.
    End,
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
    /// Horizontal alignment of each line in the node's box.
    pub align: TextAlign,
    /// At most this many lines, the last one ending in "…" when the text is cut; 0 for no
    /// limit.
    pub max_lines: u32,
}

impl Default for TextStyle {
    fn default() -> Self {
        Self {
            size: 32.0,
            weight: FontWeight::Regular,
            color: Color::WHITE,
            line_height: 1.25,
            align: TextAlign::Start,
            max_lines: 0,
        }
    }
}
