//! The shipped fonts, with per-weight tables that make measuring cheap.

use bevy_ecs::prelude::*;
use fontdue::{Font, FontSettings};

/// Font weights of the shipped family (Inter).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum FontWeight {
    /// Inter Regular (400).
    #[default]
    Regular,
    /// Inter SemiBold (600).
    SemiBold,
    /// Inter Bold (700).
    Bold,
}

impl FontWeight {
    /// Every shipped weight, lightest first.
    pub const ALL: [FontWeight; 3] = [FontWeight::Regular, FontWeight::SemiBold, FontWeight::Bold];

    /// The CSS numeric weight.
    pub const fn numeric(self) -> u16 {
        match self {
            FontWeight::Regular => 400,
            FontWeight::SemiBold => 600,
            FontWeight::Bold => 700,
        }
    }

    fn slot(self) -> usize {
        match self {
            FontWeight::Regular => 0,
            FontWeight::SemiBold => 1,
            FontWeight::Bold => 2,
        }
    }
}

static INTER_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/Inter-Regular.otf");
static INTER_SEMIBOLD: &[u8] = include_bytes!("../../../assets/fonts/Inter-SemiBold.otf");
static INTER_BOLD: &[u8] = include_bytes!("../../../assets/fonts/Inter-Bold.otf");

/// A glyph as layout needs it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct GlyphInfo {
    /// Glyph index in the font; 0 is `.notdef`.
    pub(crate) index: u16,
    /// Advance width in font units.
    pub(crate) advance: f32,
    /// Whether the glyph draws nothing (a space of some kind).
    pub(crate) blank: bool,
}

/// Characters below this are looked up in a table.
const LATIN_END: u32 = 0x180;
/// General punctuation (dashes, quotes, ellipsis, spaces) is looked up in a second table.
const PUNCT_START: u32 = 0x2000;
const PUNCT_END: u32 = 0x2070;

/// One weight: the parsed font and the glyphs of the common characters, resolved once.
pub(crate) struct Face {
    pub(crate) font: Font,
    units_per_em: f32,
    latin: Box<[GlyphInfo]>,
    punct: Box<[GlyphInfo]>,
    /// "…", which ends a clamped text.
    pub(crate) ellipsis: GlyphInfo,
    /// Line ascent and descent (negative) in font units.
    ascent: f32,
    descent: f32,
}

impl Face {
    fn new(bytes: &'static [u8]) -> Result<Self, &'static str> {
        let font = Font::from_bytes(bytes, FontSettings { scale: 40.0, ..FontSettings::default() })?;
        let units_per_em = font.units_per_em();
        let info =
            |c: u32| char::from_u32(c).map(|c| Self::resolve(&font, units_per_em, c)).unwrap_or_default();
        let latin = (0..LATIN_END).map(info).collect();
        let punct = (PUNCT_START..PUNCT_END).map(info).collect();
        let ellipsis = Self::resolve(&font, units_per_em, '\u{2026}');
        let (ascent, descent) = font
            .horizontal_line_metrics(units_per_em)
            .map(|m| (m.ascent, m.descent))
            .unwrap_or((units_per_em * 0.8, -units_per_em * 0.2));
        Ok(Self { font, units_per_em, latin, punct, ellipsis, ascent, descent })
    }

    fn resolve(font: &Font, units_per_em: f32, c: char) -> GlyphInfo {
        let index = font.lookup_glyph_index(c);
        // At one pixel per font unit the metrics are in font units.
        let metrics = font.metrics_indexed(index, units_per_em);
        GlyphInfo {
            index,
            advance: metrics.advance_width,
            blank: metrics.bounds.width <= 0.0 || metrics.bounds.height <= 0.0,
        }
    }

    /// The glyph of a character (`.notdef`, index 0, when the font lacks it).
    #[inline]
    pub(crate) fn glyph(&self, c: char) -> GlyphInfo {
        let u = u32::from(c);
        if u < LATIN_END {
            self.latin[u as usize]
        } else if (PUNCT_START..PUNCT_END).contains(&u) {
            self.punct[(u - PUNCT_START) as usize]
        } else {
            Self::resolve(&self.font, self.units_per_em, c)
        }
    }

    /// Pixels per font unit at a size, as fontdue computes it.
    #[inline]
    pub(crate) fn scale(&self, px: f32) -> f32 {
        px / self.units_per_em
    }

    /// Kerning between two glyphs, in pixels.
    #[inline]
    pub(crate) fn kern(&self, left: u16, right: u16, px: f32) -> f32 {
        self.font.horizontal_kern_indexed(left, right, px).unwrap_or(0.0)
    }

    /// Advance of a glyph index, in pixels.
    pub(crate) fn advance_px(&self, index: u16, px: f32) -> f32 {
        self.font.metrics_indexed(index, px).advance_width
    }

    /// Ascent and descent (negative) in pixels.
    pub(crate) fn line_metrics(&self, px: f32) -> (f32, f32) {
        let scale = self.scale(px);
        (self.ascent * scale, self.descent * scale)
    }
}

/// The fonts, every weight parsed when the engine starts.
///
/// Parsing is the costliest part of a start (fontdue builds every glyph's geometry up front:
/// about 4 ms a weight compiled, 185 ms on the Pulley interpreter). Doing it in
/// `touchline_init` puts it in the host's start-up snapshot (docs/host-abi.md), so warm
/// starts and restarts after a crash never pay it, and no page's first frame does.
#[derive(Resource)]
pub struct Fonts {
    regular: Face,
    /// SemiBold and Bold; `None` if a weight failed to parse (Regular stands in).
    heavier: [Option<Face>; 2],
}

impl Fonts {
    /// Parses every weight (Regular must parse; a heavier weight that does not falls back).
    pub fn load() -> Result<Self, &'static str> {
        Ok(Self {
            regular: Face::new(INTER_REGULAR)?,
            heavier: [Face::new(INTER_SEMIBOLD).ok(), Face::new(INTER_BOLD).ok()],
        })
    }

    /// The font for a weight.
    pub fn font(&self, weight: FontWeight) -> &Font {
        &self.face(weight).font
    }

    pub(crate) fn face(&self, weight: FontWeight) -> &Face {
        match weight {
            FontWeight::Regular => &self.regular,
            _ => self.heavier[weight.slot() - 1].as_ref().unwrap_or(&self.regular),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> Fonts {
        Fonts::load().expect("shipped fonts parse")
    }

    /// Characters the README promises, besides Basic Latin and Latin-1/Extended-A.
    const EXTRAS: &str = "ȘșȚțƒˆˇ˘˙˚˛˜˝‐‑‒–—―‘’‚‛“”„‟†‡•…‰′″‹›⁄€™−←↑→↓▶\u{2009}\u{200A}\u{202F}";

    #[test]
    fn every_weight_parses_at_load() {
        let fonts = fonts();
        assert!(fonts.heavier.iter().all(Option::is_some), "a heavier weight did not parse");
        for weight in [FontWeight::SemiBold, FontWeight::Bold] {
            assert!(!std::ptr::eq(fonts.face(weight), &fonts.regular), "{weight:?} fell back to Regular");
        }
    }

    #[test]
    fn every_weight_covers_latin_1_and_extended_a() {
        let fonts = fonts();
        let ranges = (0x20u32..=0x7E).chain(0xA0..=0x17F);
        let chars: Vec<char> = ranges.filter_map(char::from_u32).chain(EXTRAS.chars()).collect();
        for weight in FontWeight::ALL {
            let face = fonts.face(weight);
            let missing: Vec<String> = chars
                .iter()
                .filter(|&&c| c != 'ŉ' && face.font.lookup_glyph_index(c) == 0)
                .map(|c| format!("U+{:04X} {c}", u32::from(*c)))
                .collect();
            assert!(missing.is_empty(), "{weight:?} lacks {missing:?}");
            // The tables agree with the font's own lookup.
            for &c in &chars {
                assert_eq!(face.glyph(c).index, face.font.lookup_glyph_index(c), "{weight:?} {c}");
            }
            assert_ne!(face.ellipsis.index, 0);
            assert!(face.glyph(' ').blank && face.glyph('\u{A0}').blank && !face.glyph('a').blank);
        }
        // Inter has no U+0149; layout spells it with an apostrophe instead.
        assert_eq!(fonts.font(FontWeight::Regular).lookup_glyph_index('ŉ'), 0);
    }

    #[test]
    fn advances_match_fontdue() {
        let fonts = fonts();
        for weight in FontWeight::ALL {
            let face = fonts.face(weight);
            for c in ['a', 'W', 'é', '…', '€', '→'] {
                let info = face.glyph(c);
                let px = 37.0;
                assert_eq!(info.advance * face.scale(px), face.font.metrics(c, px).advance_width);
            }
        }
    }

    #[test]
    fn weights_are_ordered() {
        let fonts = fonts();
        let width = |w: FontWeight| {
            let face = fonts.face(w);
            "Touchline".chars().map(|c| face.glyph(c).advance).sum::<f32>()
        };
        assert!(width(FontWeight::Regular) < width(FontWeight::SemiBold));
        assert!(width(FontWeight::SemiBold) < width(FontWeight::Bold));
        assert_eq!(FontWeight::SemiBold.numeric(), 600);
    }
}
