//! Line breaking: wrapping, forced breaks, breaking long words, clamping with an ellipsis.
//!
//! This runs inside taffy's measure function, possibly several times per text node and
//! frame, so it allocates nothing but its output (one glyph vector per line) and looks the
//! common characters up in the per-weight tables of [`Face`].

use super::fonts::{Face, GlyphInfo};
use super::{Fonts, TextAlign, TextStyle};

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
    /// Its visible glyphs. Spaces only advance the pen and are not listed.
    pub glyphs: Vec<PlacedGlyph>,
    /// Advance width of the line, without trailing spaces.
    pub width: f32,
}

impl TextLine {
    /// How far right of the box's left edge the line starts for an alignment, in whole
    /// pixels. A line wider than the box starts at its left edge whatever the alignment.
    pub fn align_offset(&self, align: TextAlign, box_width: f32) -> f32 {
        let free = box_width - self.width;
        if free.is_nan() || free <= 0.0 {
            return 0.0;
        }
        match align {
            TextAlign::Start => 0.0,
            TextAlign::Center => (free / 2.0).round(),
            TextAlign::End => free.round(),
        }
    }
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
    /// Whether text was cut at [`TextStyle::max_lines`] (the last line ends in "…").
    pub truncated: bool,
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

/// Breaks `text` into lines no wider than `max_width`.
///
/// Lines break at spaces; a word wider than `max_width` is broken between characters so it
/// never overflows (only a single glyph wider than the width can). `'\n'` forces a break.
/// With [`TextStyle::max_lines`] set and more lines needed, the first `max_lines` lines are
/// kept and the last one ends in "…", dropping its last characters as needed for the
/// ellipsis to fit; the layout is then [`truncated`](TextLayout::truncated).
///
/// Tabs count as spaces; U+200B (zero-width space) is a break opportunity; soft hyphens,
/// other zero-width characters and control characters are dropped; `ŉ`, which Inter lacks,
/// is drawn as `’n`.
pub fn layout_text(fonts: &Fonts, text: &str, style: &TextStyle, max_width: Option<f32>) -> TextLayout {
    let face = fonts.face(style.weight);
    let px = style.size;
    let (ascent, descent) = face.line_metrics(px);
    let line_height = (px * style.line_height).round();
    // Centre the font's own extent in the line box.
    let ascent = ((line_height - (ascent - descent)) / 2.0 + ascent).round();
    let max_lines = if style.max_lines == 0 { usize::MAX } else { style.max_lines as usize };
    let mut breaker = Breaker::new(face, px, max_width.unwrap_or(f32::INFINITY), max_lines);
    let mut paragraphs = text.split('\n').peekable();
    while let Some(paragraph) = paragraphs.next() {
        if !breaker.paragraph(paragraph) || !breaker.end_paragraph(paragraphs.peek().is_some()) {
            break;
        }
    }
    TextLayout { lines: breaker.lines, line_height, ascent, truncated: breaker.truncated }
}

/// The width of the widest word: the narrowest box the text fits without breaking inside
/// words (CSS's min-content width, for taffy's `AvailableSpace::MinContent`).
pub fn min_content_width(fonts: &Fonts, text: &str, style: &TextStyle) -> f32 {
    let face = fonts.face(style.weight);
    let (px, scale) = (style.size, face.scale(style.size));
    let (mut widest, mut word, mut prev) = (0.0f32, 0.0f32, None);
    let mut add = |info: GlyphInfo, word: &mut f32, prev: &mut Option<u16>| {
        if let Some(p) = *prev {
            *word += face.kern(p, info.index, px);
        }
        *word += info.advance * scale;
        *prev = Some(info.index);
        widest = widest.max(*word);
    };
    for c in text.chars() {
        match classify(face, c) {
            Unit::Skip => {}
            Unit::Space(_) | Unit::Break | Unit::Newline => (word, prev) = (0.0, None),
            Unit::Glyph(info) => add(info, &mut word, &mut prev),
            Unit::Pair(a, b) => {
                add(a, &mut word, &mut prev);
                add(b, &mut word, &mut prev);
            }
        }
    }
    widest
}

/// What one character contributes.
enum Unit {
    /// Nothing.
    Skip,
    /// A line break opportunity without a glyph.
    Break,
    /// A forced break (only seen by [`min_content_width`]; layout splits paragraphs first).
    Newline,
    /// A breaking space: advances the pen, may end a line.
    Space(GlyphInfo),
    /// A glyph.
    Glyph(GlyphInfo),
    /// Two glyphs, for a character the font spells with two.
    Pair(GlyphInfo, GlyphInfo),
}

#[inline]
fn classify(face: &Face, c: char) -> Unit {
    match c {
        ' ' | '\t' => Unit::Space(face.glyph(' ')),
        '\n' => Unit::Newline,
        '\u{200B}' => Unit::Break,
        '\u{AD}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => Unit::Skip,
        c if c.is_control() => Unit::Skip,
        'ŉ' => Unit::Pair(face.glyph('\u{2019}'), face.glyph('n')),
        c => Unit::Glyph(face.glyph(c)),
    }
}

/// Line-breaking state: the finished lines, the line being filled and the word being placed.
struct Breaker<'a> {
    face: &'a Face,
    px: f32,
    scale: f32,
    limit: f32,
    max_lines: usize,
    lines: Vec<TextLine>,
    truncated: bool,

    /// Glyphs of the current line.
    glyphs: Vec<PlacedGlyph>,
    /// Pen position on the current line.
    pen: f32,
    /// Pen position after the line's last non-space.
    content_end: f32,
    /// Whether the line has anything but spaces.
    has_content: bool,
    /// The previous glyph, for kerning.
    prev: Option<u16>,

    /// Whether a word is being placed (no break opportunity since its first character).
    in_word: bool,
    /// Characters of the word placed so far.
    word_chars: usize,
    /// Index in `glyphs` of the word's first glyph.
    word_glyphs: usize,
    /// Pen position where the word starts.
    word_pen: f32,
    /// `content_end` before the word.
    before_end: f32,
    /// Whether the line had content before the word.
    before_content: bool,
}

impl<'a> Breaker<'a> {
    fn new(face: &'a Face, px: f32, limit: f32, max_lines: usize) -> Self {
        Self {
            face,
            px,
            scale: face.scale(px),
            limit,
            max_lines,
            lines: Vec::new(),
            truncated: false,
            glyphs: Vec::new(),
            pen: 0.0,
            content_end: 0.0,
            has_content: false,
            prev: None,
            in_word: false,
            word_chars: 0,
            word_glyphs: 0,
            word_pen: 0.0,
            before_end: 0.0,
            before_content: false,
        }
    }

    /// Places a paragraph's characters; false once the text is cut at `max_lines`.
    fn paragraph(&mut self, paragraph: &str) -> bool {
        for c in paragraph.chars() {
            let placed = match classify(self.face, c) {
                Unit::Skip | Unit::Newline => true,
                Unit::Break => {
                    self.in_word = false;
                    true
                }
                Unit::Space(info) => {
                    self.space(info);
                    true
                }
                Unit::Glyph(info) => self.glyph(info),
                Unit::Pair(a, b) => self.glyph(a) && self.glyph(b),
            };
            if !placed {
                return false;
            }
        }
        true
    }

    /// Whether the line being filled is the last one allowed.
    fn on_last_line(&self) -> bool {
        self.lines.len() + 1 >= self.max_lines
    }

    fn space(&mut self, info: GlyphInfo) {
        self.in_word = false;
        let x = self.pen + self.kern_before(info.index);
        self.pen = x + info.advance * self.scale;
        self.prev = Some(info.index);
    }

    #[inline]
    fn kern_before(&self, index: u16) -> f32 {
        self.prev.map_or(0.0, |p| self.face.kern(p, index, self.px))
    }

    /// Places a glyph of a word, breaking the line before the word or inside it when the
    /// glyph would overflow. False once the text is cut at `max_lines`.
    fn glyph(&mut self, info: GlyphInfo) -> bool {
        if !self.in_word {
            self.in_word = true;
            self.word_chars = 0;
            self.word_glyphs = self.glyphs.len();
            self.word_pen = self.pen;
            self.before_end = self.content_end;
            self.before_content = self.has_content;
        }
        let advance = info.advance * self.scale;
        let mut x = self.pen + self.kern_before(info.index);
        if x + advance > self.limit && self.has_content {
            if self.before_content {
                // The word goes to the next line.
                if !self.wrap_word() {
                    return false;
                }
                x = self.pen + self.kern_before(info.index);
            }
            if x + advance > self.limit && self.has_content {
                // The word alone is wider than the line: break it before this character.
                if !self.break_word() {
                    return false;
                }
                x = 0.0;
            }
        }
        if !info.blank {
            self.glyphs.push(PlacedGlyph { index: info.index, x });
        }
        self.pen = x + advance;
        self.content_end = self.pen;
        self.has_content = true;
        self.prev = Some(info.index);
        self.word_chars += 1;
        true
    }

    /// Ends the line before the current word and moves the word's glyphs to a new line.
    fn wrap_word(&mut self) -> bool {
        if self.on_last_line() {
            self.glyphs.truncate(self.word_glyphs);
            self.content_end = self.before_end;
            self.ellipsize();
            return false;
        }
        let word = self.glyphs.split_off(self.word_glyphs);
        let line = std::mem::replace(&mut self.glyphs, word);
        self.lines.push(TextLine { glyphs: line, width: self.before_end });
        let shift = self.word_pen;
        for g in &mut self.glyphs {
            g.x -= shift;
        }
        self.pen -= shift;
        self.has_content = self.word_chars > 0;
        self.content_end = if self.has_content { self.pen } else { 0.0 };
        if !self.has_content {
            self.prev = None;
        }
        self.word_glyphs = 0;
        self.word_pen = 0.0;
        self.before_end = 0.0;
        self.before_content = false;
        true
    }

    /// Ends the line inside the current word (which started the line).
    fn break_word(&mut self) -> bool {
        if self.on_last_line() {
            self.ellipsize();
            return false;
        }
        self.push_line();
        // The rest of the word continues the word on the new line.
        self.in_word = true;
        true
    }

    /// Ends a paragraph; false (and an ellipsis) when more text follows but no more lines
    /// are allowed.
    fn end_paragraph(&mut self, more: bool) -> bool {
        if more && self.on_last_line() {
            self.ellipsize();
            return false;
        }
        self.push_line();
        self.in_word = false;
        true
    }

    /// Finishes the current line and starts an empty one (the caller says whether a word
    /// goes on).
    fn push_line(&mut self) {
        let glyphs = std::mem::take(&mut self.glyphs);
        self.lines.push(TextLine { glyphs, width: self.content_end });
        self.pen = 0.0;
        self.content_end = 0.0;
        self.has_content = false;
        self.prev = None;
        self.word_chars = 0;
        self.word_glyphs = 0;
        self.word_pen = 0.0;
        self.before_end = 0.0;
        self.before_content = false;
    }

    /// Ends the current line with "…", dropping glyphs until it fits, as the last line.
    fn ellipsize(&mut self) {
        let ellipsis = self.face.ellipsis;
        let advance = ellipsis.advance * self.scale;
        let mut end = self.content_end;
        while end + advance > self.limit && self.glyphs.pop().is_some() {
            // The end of what is left, which also drops the spaces before the dropped glyph.
            end = self.glyphs.last().map_or(0.0, |g| g.x + self.face.advance_px(g.index, self.px));
        }
        if end + advance > self.limit {
            // Nothing is left (or only blank glyphs): the line is the ellipsis alone.
            end = 0.0;
        }
        let prev = self.glyphs.last().map(|g| g.index);
        let x = end + prev.map_or(0.0, |p| self.face.kern(p, ellipsis.index, self.px));
        self.glyphs.push(PlacedGlyph { index: ellipsis.index, x });
        self.content_end = x + advance;
        self.truncated = true;
        let glyphs = std::mem::take(&mut self.glyphs);
        self.lines.push(TextLine { glyphs, width: self.content_end });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::FontWeight;

    fn fonts() -> Fonts {
        Fonts::load().expect("shipped fonts parse")
    }

    fn style() -> TextStyle {
        TextStyle::default()
    }

    fn ellipsis(fonts: &Fonts, weight: FontWeight) -> u16 {
        fonts.font(weight).lookup_glyph_index('…')
    }

    fn glyph_count(text: &str) -> usize {
        text.chars().filter(|c| !c.is_whitespace()).count()
    }

    #[test]
    fn wraps_at_spaces_within_the_width() {
        let fonts = fonts();
        let style = style();
        let one_line = layout_text(&fonts, "Who is watching today", &style, None);
        assert_eq!(one_line.lines.len(), 1);
        assert!(!one_line.truncated);
        let max = one_line.width() / 2.0;
        let narrow = layout_text(&fonts, "Who is watching today", &style, Some(max));
        assert!(narrow.lines.len() >= 2, "expected a wrap, got {narrow:?}");
        assert!(narrow.lines.iter().all(|l| l.width <= max), "{narrow:?}");
        assert_eq!(narrow.height(), narrow.lines.len() as f32 * narrow.line_height);
        // Words are not split: the lines hold whole words, and all glyphs are kept.
        let total: usize = narrow.lines.iter().map(|l| l.glyphs.len()).sum();
        assert_eq!(total, glyph_count("Who is watching today"));
        let who = layout_text(&fonts, "Who", &style, None);
        assert_eq!(narrow.lines[0].glyphs[..3], who.lines[0].glyphs[..]);
        // Each wrapped line starts at its left edge.
        assert!(narrow.lines.iter().all(|l| l.glyphs[0].x.abs() < 3.0));
    }

    #[test]
    fn wrapping_matches_the_unwrapped_line() {
        // A line that fits exactly wraps nowhere; one pixel less moves the last word.
        let fonts = fonts();
        let text = "Premier League highlights";
        let full = layout_text(&fonts, text, &style(), None);
        let exact = layout_text(&fonts, text, &style(), Some(full.width()));
        assert_eq!(exact.lines.len(), 1);
        assert_eq!(exact, full);
        let less = layout_text(&fonts, text, &style(), Some(full.width() - 1.0));
        assert_eq!(less.lines.len(), 2);
        assert_eq!(less.lines[1].glyphs.len(), glyph_count("highlights"));
    }

    #[test]
    fn trailing_and_repeated_spaces_do_not_count() {
        let fonts = fonts();
        let plain = layout_text(&fonts, "abc", &style(), None);
        let spaced = layout_text(&fonts, "abc    ", &style(), None);
        assert_eq!(plain.width(), spaced.width());
        assert_eq!(plain.lines[0].glyphs, spaced.lines[0].glyphs);
        let tab = layout_text(&fonts, "a\tb", &style(), None);
        let space = layout_text(&fonts, "a b", &style(), None);
        assert_eq!(tab, space);
    }

    #[test]
    fn breaks_a_word_wider_than_the_line() {
        let fonts = fonts();
        let word = "Supercalifragilisticexpialidocious";
        for max in [40.0, 120.0, 200.0] {
            let laid = layout_text(&fonts, word, &style(), Some(max));
            assert!(laid.lines.len() >= 2, "{max}: {laid:?}");
            assert!(laid.lines.iter().all(|l| l.width <= max && !l.glyphs.is_empty()), "{max}: {laid:?}");
            let total: usize = laid.lines.iter().map(|l| l.glyphs.len()).sum();
            assert_eq!(total, word.len(), "no glyph is lost");
            assert!(!laid.truncated);
            // Lines are filled: the next line's first glyph would not have fitted.
            for pair in laid.lines.windows(2) {
                let next = fonts.font(FontWeight::Regular).metrics_indexed(pair[1].glyphs[0].index, 32.0);
                assert!(pair[0].width + next.advance_width > max, "{max}: {laid:?}");
            }
        }
        // A long word after a short one starts its own line first.
        let laid = layout_text(&fonts, &format!("a {word} b"), &style(), Some(200.0));
        assert_eq!(laid.lines[0].glyphs.len(), 1);
        assert!(laid.lines.iter().all(|l| l.width <= 200.0));
        // A box narrower than one glyph still makes progress: one glyph a line.
        let laid = layout_text(&fonts, "WWW", &style(), Some(1.0));
        assert_eq!(laid.lines.len(), 3);
    }

    #[test]
    fn newlines_force_breaks() {
        let fonts = fonts();
        let laid = layout_text(&fonts, "one\ntwo", &style(), None);
        assert_eq!(laid.lines.len(), 2);
        let laid = layout_text(&fonts, "a\n\nb\r\n", &style(), None);
        assert_eq!(laid.lines.len(), 4);
        assert!(laid.lines[1].glyphs.is_empty() && laid.lines[1].width == 0.0);
        assert_eq!(laid.lines[2].glyphs.len(), 1, "\\r is dropped");
        let empty = layout_text(&fonts, "", &style(), Some(100.0));
        assert_eq!(empty.lines.len(), 1);
        assert_eq!(empty.height(), empty.line_height);
    }

    #[test]
    fn max_lines_ends_in_an_ellipsis_that_fits() {
        let fonts = fonts();
        let text = "Highlights: the late winner, the missed penalty, the red card and every goal from a \
                    wild night under the lights, with the reactions of both managers";
        for weight in FontWeight::ALL {
            for max_lines in [1, 2, 3] {
                for max in [150.0, 300.0, 451.0] {
                    let style = TextStyle { max_lines, weight, ..style() };
                    let laid = layout_text(&fonts, text, &style, Some(max));
                    assert_eq!(laid.lines.len(), max_lines as usize, "{laid:?}");
                    assert!(laid.truncated);
                    assert_eq!(laid.height(), max_lines as f32 * laid.line_height);
                    let last = laid.lines.last().expect("lines");
                    assert_eq!(last.glyphs.last().map(|g| g.index), Some(ellipsis(&fonts, weight)));
                    assert!(laid.lines.iter().all(|l| l.width <= max), "{max}: {laid:?}");
                    // Only the last line has an ellipsis.
                    let ellipses = laid
                        .lines
                        .iter()
                        .flat_map(|l| &l.glyphs)
                        .filter(|g| g.index == ellipsis(&fonts, weight));
                    assert_eq!(ellipses.count(), 1);
                }
            }
        }
        // Text that fits is not touched.
        let style = TextStyle { max_lines: 2, ..style() };
        let fits = layout_text(&fonts, "Live now", &style, Some(400.0));
        assert!(!fits.truncated);
        assert_eq!(fits, layout_text(&fonts, "Live now", &TextStyle::default(), Some(400.0)));
    }

    #[test]
    fn the_ellipsis_replaces_trailing_characters_and_spaces() {
        let fonts = fonts();
        let style = TextStyle { max_lines: 1, ..style() };
        let ell = ellipsis(&fonts, style.weight);
        // The second word does not fit: the first line keeps the first word, no space, "…".
        let hello = layout_text(&fonts, "Hello", &TextStyle::default(), None);
        let max = hello.width() + fonts.font(style.weight).metrics('…', style.size).advance_width;
        let laid = layout_text(&fonts, "Hello wonderful world", &style, Some(max));
        let line = &laid.lines[0];
        assert_eq!(line.glyphs.len(), 6, "{line:?}");
        assert_eq!(line.glyphs[..5], hello.lines[0].glyphs[..]);
        assert_eq!(line.glyphs[5].index, ell);
        assert!((line.glyphs[5].x - hello.width()).abs() < 0.01, "no space before the ellipsis");
        // Too tight for the whole first word and the ellipsis: characters go.
        let laid = layout_text(&fonts, "Hello wonderful world", &style, Some(hello.width()));
        let line = &laid.lines[0];
        assert!(line.glyphs.len() < 6 && line.width <= hello.width(), "{line:?}");
        assert_eq!(line.glyphs.last().map(|g| g.index), Some(ell));
        // A single long word is cut inside.
        let laid = layout_text(&fonts, "Supercalifragilisticexpialidocious", &style, Some(200.0));
        assert_eq!(laid.lines.len(), 1);
        assert!(laid.truncated && laid.width() <= 200.0);
        // Forced breaks count too.
        let style = TextStyle { max_lines: 2, ..TextStyle::default() };
        let laid = layout_text(&fonts, "a\nb\nc", &style, None);
        assert_eq!(laid.lines.len(), 2);
        assert!(laid.truncated);
        assert_eq!(laid.lines[1].glyphs.len(), 2);
        assert_eq!(laid.lines[1].glyphs[1].index, ell);
        // A box narrower than the ellipsis keeps only the ellipsis.
        let style = TextStyle { max_lines: 1, ..TextStyle::default() };
        let laid = layout_text(&fonts, "Hello world", &style, Some(5.0));
        assert_eq!(laid.lines[0].glyphs, [PlacedGlyph { index: ell, x: 0.0 }]);
    }

    #[test]
    fn align_offsets_are_whole_pixels() {
        let line = TextLine { glyphs: Vec::new(), width: 100.4 };
        assert_eq!(line.align_offset(TextAlign::Start, 301.0), 0.0);
        assert_eq!(line.align_offset(TextAlign::Center, 301.0), 100.0);
        assert_eq!(line.align_offset(TextAlign::End, 301.0), 201.0);
        // Overflowing lines start at the left edge.
        for align in [TextAlign::Start, TextAlign::Center, TextAlign::End] {
            assert_eq!(line.align_offset(align, 50.0), 0.0);
            assert_eq!(line.align_offset(align, f32::NAN), 0.0);
        }
        // With real text: centred lines of a wrapped paragraph share a centre.
        let fonts = fonts();
        let laid = layout_text(&fonts, "Who is watching today", &style(), Some(200.0));
        for l in &laid.lines {
            let centre = l.align_offset(TextAlign::Center, 200.0) + l.width / 2.0;
            assert!((centre - 100.0).abs() <= 0.5, "{l:?}");
            assert!((l.align_offset(TextAlign::End, 200.0) + l.width - 200.0).abs() <= 0.5, "{l:?}");
        }
    }

    #[test]
    fn accented_latin_has_no_missing_glyphs() {
        let fonts = fonts();
        let text = "Ça va, Zoë? Ångström, Łódź, Ÿ — „Ștefan“ ‹ŉ› € ½ ß Œuvre déjà façade";
        for weight in FontWeight::ALL {
            let style = TextStyle { weight, ..style() };
            let laid = layout_text(&fonts, text, &style, Some(400.0));
            let glyphs: Vec<u16> = laid.lines.iter().flat_map(|l| l.glyphs.iter().map(|g| g.index)).collect();
            assert!(!glyphs.contains(&0), "{weight:?}: .notdef in {laid:?}");
            // Every non-space character has a glyph; ŉ has two.
            assert_eq!(glyphs.len(), glyph_count(text) + 1);
        }
        // Invisible characters are dropped; U+200B lets a word break there.
        let soft = layout_text(&fonts, "foot\u{AD}ball\u{FEFF}", &style(), None);
        assert_eq!(soft, layout_text(&fonts, "football", &style(), None));
        let zwsp = layout_text(&fonts, "foot\u{200B}ball", &style(), Some(soft.width() - 1.0));
        assert_eq!(zwsp.lines.len(), 2);
        assert_eq!(zwsp.lines[0].glyphs.len(), 4);
    }

    #[test]
    fn no_break_space_keeps_words_together() {
        let fonts = fonts();
        let text = "Kick-off 20\u{A0}h";
        let full = layout_text(&fonts, text, &style(), None);
        let laid = layout_text(&fonts, text, &style(), Some(full.width() - 1.0));
        assert_eq!(laid.lines.len(), 2);
        assert_eq!(laid.lines[1].glyphs.len(), 3, "\"20 h\" moves as one word: {laid:?}");
    }

    #[test]
    fn min_content_is_the_widest_word() {
        let fonts = fonts();
        let style = style();
        let widest = layout_text(&fonts, "watching", &style, None).width();
        let min = min_content_width(&fonts, "Who is\nwatching today", &style);
        assert!((min - widest).abs() < 0.01, "{min} vs {widest}");
        // Laid out at its min-content width, no word is broken.
        let laid = layout_text(&fonts, "Who is watching today", &style, Some(min));
        assert!(laid.lines.iter().any(|l| l.glyphs.len() == "watching".len()), "{laid:?}");
        assert!(laid.lines.iter().all(|l| l.width <= min), "{laid:?}");
        assert_eq!(min_content_width(&fonts, "", &style), 0.0);
    }

    #[test]
    fn sizes_scale_the_layout() {
        let fonts = fonts();
        for size in [14.0, 96.0] {
            let style = TextStyle { size, ..style() };
            let laid = layout_text(&fonts, "Ångström", &style, None);
            assert_eq!(laid.line_height, (size * 1.25).round());
            assert!(laid.ascent > 0.0 && laid.ascent < laid.line_height);
            assert!(laid.width() > size * 3.0 && laid.width() < size * 6.0, "{size}: {}", laid.width());
        }
    }

    #[test]
    fn bold_is_wider_than_regular() {
        let fonts = fonts();
        let regular = layout_text(&fonts, "Touchline", &TextStyle::default(), None);
        let bold_style = TextStyle { weight: FontWeight::Bold, ..TextStyle::default() };
        let bold = layout_text(&fonts, "Touchline", &bold_style, None);
        assert!(bold.width() > regular.width());
    }
}
