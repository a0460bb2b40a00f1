//! The glyph atlas: A8 pages the bundle rasterizes glyphs into and uploads to the host.
//!
//! Each glyph is rasterized once per (weight, glyph, size) and packed on a shelf of a page.
//! There are at most [`GlyphAtlas::with_max_pages`] pages. When none has room for a new
//! glyph, the page used least recently — and not in the current frame — is evicted: its
//! glyphs are forgotten, it is cleared (an `AtlasPage` command, which the ABI defines as
//! "create or clear") and refilled. A renderer that keeps glyph quads across frames tells
//! them stale by [`GlyphAtlas::page_generation`].

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use bevy_ecs::prelude::*;
use touchline_abi::display_list::{AtlasPageCmd, AtlasUploadCmd};

use super::{FontWeight, Fonts};

/// Side of an atlas page in pixels.
pub const ATLAS_PAGE_SIZE: u32 = 1024;

/// Pages a [`GlyphAtlas::default`] may hold (4 MiB of A8 texture).
pub const DEFAULT_MAX_ATLAS_PAGES: u32 = 4;

/// Where a rasterized glyph lives in the atlas, and how to place it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AtlasSlot {
    /// Page id.
    pub page: u32,
    /// Left in the page.
    pub u: u16,
    /// Top in the page.
    pub v: u16,
    /// Width (0 for a glyph that draws nothing, which has no place in any page).
    pub w: u16,
    /// Height.
    pub h: u16,
    /// Offset of the bitmap's left edge from the pen position.
    pub xmin: i16,
    /// Offset of the bitmap's bottom edge above the baseline.
    pub ymin: i16,
}

/// A glyph at a size: weight, glyph index and size in quarter pixels packed in a `u64`, so
/// nearby sizes share nothing but equal sizes share all.
fn glyph_key(weight: FontWeight, index: u16, size: f32) -> u64 {
    let size_q = (size * 4.0).round() as u32;
    (weight as u64) << 48 | u64::from(index) << 32 | u64::from(size_q)
}

/// A cheap hash for the packed keys (the default SipHash costs more than the lookup).
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        let x = (self.0 ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = x ^ (x >> 29);
    }
}

type SlotMap = HashMap<u64, AtlasSlot, BuildHasherDefault<KeyHasher>>;

/// A glyph rasterized ahead of its first use, not placed on a page yet.
struct Rasterized {
    xmin: i16,
    ymin: i16,
    width: u32,
    height: u32,
    coverage: Vec<u8>,
}

struct Shelf {
    y: u32,
    height: u32,
    x: u32,
}

struct Page {
    shelves: Vec<Shelf>,
    next_y: u32,
    /// The last frame that used a glyph of the page.
    last_used: u64,
    /// Bumped each time the page is evicted.
    generation: u32,
}

/// The glyph atlas: A8 pages the bundle rasterizes into and uploads to the host.
///
/// Each frame, a renderer:
/// 1. calls [`begin_frame`](Self::begin_frame);
/// 2. for glyph runs it cached, checks [`page_generation`](Self::page_generation) (a
///    changed generation means the run's quads are stale) and calls
///    [`mark_used`](Self::mark_used) for each page they draw from — before asking for new
///    glyphs, so those pages are not evicted to make room;
/// 3. calls [`glyph`](Self::glyph) for every other glyph it draws, skipping those it
///    returns `None` for;
/// 4. puts [`take_pending`](Self::take_pending)'s page commands, then its uploads, in the
///    display list before the glyph runs.
///
/// A glyph asked for in a frame stays where it is for the rest of the frame; a page is only
/// evicted when no glyph of it was asked for (or marked) yet in the frame, so anything drawn
/// from it later in that frame must come through [`glyph`](Self::glyph) again.
#[derive(Resource)]
pub struct GlyphAtlas {
    pages: Vec<Page>,
    max_pages: u32,
    slots: SlotMap,
    /// The current frame, counted by [`GlyphAtlas::begin_frame`].
    frame: u64,
    page_cmds: Vec<AtlasPageCmd>,
    uploads: Vec<(AtlasUploadCmd, Vec<u8>)>,
    evictions: u64,
    /// Glyphs rasterized by [`GlyphAtlas::rasterize_ahead`], placed on first use.
    ahead: HashMap<u64, Rasterized, BuildHasherDefault<KeyHasher>>,
}

impl Default for GlyphAtlas {
    fn default() -> Self {
        Self::with_max_pages(DEFAULT_MAX_ATLAS_PAGES)
    }
}

impl GlyphAtlas {
    /// An empty atlas that holds at most `n` pages (at least 1).
    pub fn with_max_pages(n: u32) -> Self {
        Self {
            pages: Vec::new(),
            max_pages: n.max(1),
            slots: SlotMap::default(),
            frame: 0,
            page_cmds: Vec::new(),
            uploads: Vec::new(),
            evictions: 0,
            ahead: HashMap::default(),
        }
    }

    /// Starts a frame: pages count as used in it once [`glyph`](Self::glyph) returns one of
    /// their glyphs or [`mark_used`](Self::mark_used) names them, and those are not evicted
    /// before the next call.
    pub fn begin_frame(&mut self) {
        self.frame += 1;
    }

    /// The slot of a glyph, rasterizing it and queueing its upload the first time, and marks
    /// its page used in this frame.
    ///
    /// When no page has room and there are as many pages as allowed, the least recently used
    /// page that this frame has not used is evicted and the glyph goes there. When every page
    /// was used in this frame, the glyph is not placed and this returns `None`: the caller
    /// skips it this frame (it gets a place in a later frame). `None` also for a glyph larger
    /// than a page, a size that is not positive, or an index the font does not have.
    pub fn glyph(&mut self, fonts: &Fonts, weight: FontWeight, index: u16, size: f32) -> Option<AtlasSlot> {
        if !size.is_finite() || size <= 0.0 {
            return None;
        }
        let key = glyph_key(weight, index, size);
        if let Some(&slot) = self.slots.get(&key) {
            if slot.w > 0 {
                self.mark_used(slot.page);
            }
            return Some(slot);
        }
        let font = fonts.font(weight);
        if index >= font.glyph_count() {
            return None;
        }
        let ahead = self.ahead.remove(&key);
        let (xmin, ymin, w, h) = match &ahead {
            Some(r) => (r.xmin, r.ymin, r.width, r.height),
            None => {
                let m = font.metrics_indexed(index, size);
                (m.xmin as i16, m.ymin as i16, m.width as u32, m.height as u32)
            }
        };
        let mut slot = AtlasSlot { page: 0, u: 0, v: 0, w: 0, h: 0, xmin, ymin };
        if w > 0 && h > 0 {
            let Some((page, u, v)) = self.allocate(w, h) else {
                if let Some(r) = ahead {
                    self.ahead.insert(key, r);
                }
                return None;
            };
            let coverage = match ahead {
                Some(r) => r.coverage,
                None => font.rasterize_indexed(index, size).1,
            };
            slot = AtlasSlot { page, u: u as u16, v: v as u16, w: w as u16, h: h as u16, ..slot };
            let cmd = AtlasUploadCmd { page, x: slot.u, y: slot.v, w: slot.w, h: slot.h };
            self.uploads.push((cmd, coverage));
        }
        self.slots.insert(key, slot);
        Some(slot)
    }

    /// Rasterizes `chars` at a weight and size ahead of their first use; [`glyph`](Self::glyph)
    /// then only places them. A bundle does this in `touchline_init` for the text styles of its
    /// first page, so start-up snapshots hold the bitmaps and no frame on an interpreter —
    /// where rasterizing is the costliest float work — pays for them. Characters the font
    /// lacks, and glyphs placed or rasterized already, are skipped. Returns how many were
    /// rasterized.
    pub fn rasterize_ahead(
        &mut self,
        fonts: &Fonts,
        weight: FontWeight,
        size: f32,
        chars: impl IntoIterator<Item = char>,
    ) -> usize {
        if !size.is_finite() || size <= 0.0 {
            return 0;
        }
        let font = fonts.font(weight);
        let mut count = 0;
        for c in chars {
            let index = font.lookup_glyph_index(c);
            let key = glyph_key(weight, index, size);
            if index == 0 || self.slots.contains_key(&key) || self.ahead.contains_key(&key) {
                continue;
            }
            let (m, coverage) = font.rasterize_indexed(index, size);
            let (xmin, ymin) = (m.xmin as i16, m.ymin as i16);
            let (width, height) = (m.width as u32, m.height as u32);
            self.ahead.insert(key, Rasterized { xmin, ymin, width, height, coverage });
            count += 1;
        }
        count
    }

    /// Glyphs rasterized ahead and not used yet.
    pub fn ahead_count(&self) -> usize {
        self.ahead.len()
    }

    /// Marks a page used in this frame, for glyphs drawn from a cache without
    /// [`glyph`](Self::glyph). Check [`page_generation`](Self::page_generation) first: quads
    /// cached before an eviction point at glyphs that are gone.
    pub fn mark_used(&mut self, page: u32) {
        if let Some(p) = self.pages.get_mut(page as usize) {
            p.last_used = self.frame;
        }
    }

    /// How many times a page has been evicted (0 for a page that does not exist yet).
    pub fn page_generation(&self, page: u32) -> u32 {
        self.pages.get(page as usize).map_or(0, |p| p.generation)
    }

    /// Pages created or cleared and glyphs rasterized since the last call, to put in the
    /// display list in this order (uploads into a page cleared since were dropped).
    pub fn take_pending(&mut self) -> (Vec<AtlasPageCmd>, Vec<(AtlasUploadCmd, Vec<u8>)>) {
        (std::mem::take(&mut self.page_cmds), std::mem::take(&mut self.uploads))
    }

    /// Number of glyphs in the atlas.
    pub fn glyph_count(&self) -> usize {
        self.slots.len()
    }

    /// Number of pages.
    pub fn page_count(&self) -> u32 {
        self.pages.len() as u32
    }

    /// Number of page evictions so far.
    pub fn evictions(&self) -> u64 {
        self.evictions
    }

    /// A place for a `w`×`h` bitmap: `(page, x, y)`.
    fn allocate(&mut self, w: u32, h: u32) -> Option<(u32, u32, u32)> {
        // One pixel of padding keeps neighbours from bleeding under filtering.
        let (pw, ph) = (w + 1, h + 1);
        if pw > ATLAS_PAGE_SIZE || ph > ATLAS_PAGE_SIZE {
            return None;
        }
        let frame = self.frame;
        for (id, page) in self.pages.iter_mut().enumerate() {
            if let Some((x, y)) = page.place(pw, ph) {
                page.last_used = frame;
                return Some((id as u32, x, y));
            }
        }
        let id = if self.page_count() < self.max_pages {
            let id = self.page_count();
            self.pages.push(Page { shelves: Vec::new(), next_y: 0, last_used: frame, generation: 0 });
            self.page_cmds.push(AtlasPageCmd { page: id, width: ATLAS_PAGE_SIZE, height: ATLAS_PAGE_SIZE });
            id
        } else {
            let (victim, _) = self
                .pages
                .iter()
                .enumerate()
                .filter(|(_, p)| p.last_used < frame)
                .min_by_key(|(_, p)| p.last_used)?;
            let id = victim as u32;
            self.evict(id);
            id
        };
        let page = self.pages.get_mut(id as usize)?;
        page.last_used = frame;
        let (x, y) = page.place(pw, ph)?;
        Some((id, x, y))
    }

    /// Forgets a page's glyphs and queues its clearing.
    fn evict(&mut self, id: u32) {
        let Some(page) = self.pages.get_mut(id as usize) else { return };
        page.shelves.clear();
        page.next_y = 0;
        page.generation = page.generation.wrapping_add(1);
        self.evictions += 1;
        self.slots.retain(|_, s| s.w == 0 || s.page != id);
        self.uploads.retain(|(cmd, _)| cmd.page != id);
        // A page created or cleared since the last `take_pending` is blank already.
        if !self.page_cmds.iter().any(|c| c.page == id) {
            self.page_cmds.push(AtlasPageCmd { page: id, width: ATLAS_PAGE_SIZE, height: ATLAS_PAGE_SIZE });
        }
    }
}

impl Page {
    /// A place for a padded `w`×`h` box: on the shortest shelf it fits, unless that wastes
    /// more than a quarter of the shelf's height and a new shelf can be opened.
    fn place(&mut self, w: u32, h: u32) -> Option<(u32, u32)> {
        let best = self
            .shelves
            .iter_mut()
            .filter(|s| h <= s.height && s.x + w <= ATLAS_PAGE_SIZE)
            .min_by_key(|s| s.height);
        let can_open = self.next_y + h <= ATLAS_PAGE_SIZE;
        if let Some(shelf) = best
            && (!can_open || (shelf.height - h) * 4 <= shelf.height)
        {
            let x = shelf.x;
            shelf.x += w;
            return Some((x, shelf.y));
        }
        if !can_open {
            return None;
        }
        // Round shelf heights up a little so glyphs of one size share shelves.
        let height = h.next_multiple_of(4).min(ATLAS_PAGE_SIZE - self.next_y);
        let y = self.next_y;
        self.shelves.push(Shelf { y, height, x: w });
        self.next_y += height;
        Some((0, y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyphs_rasterized_ahead_are_placed_exactly_as_fresh_ones() {
        let fonts = fonts();
        let (mut fresh, mut ahead) = (GlyphAtlas::default(), GlyphAtlas::default());
        assert_eq!(ahead.rasterize_ahead(&fonts, FontWeight::Bold, 40.0, "Wat ch!".chars()), 7, "space too");
        assert_eq!(ahead.rasterize_ahead(&fonts, FontWeight::Bold, 40.0, "Watch".chars()), 0, "once each");
        assert_eq!(ahead.rasterize_ahead(&fonts, FontWeight::Bold, f32::NAN, "W".chars()), 0);
        for c in "Watch".chars() {
            let i = index(&fonts, FontWeight::Bold, c);
            assert_eq!(
                ahead.glyph(&fonts, FontWeight::Bold, i, 40.0),
                fresh.glyph(&fonts, FontWeight::Bold, i, 40.0)
            );
        }
        assert_eq!(ahead.ahead_count(), 2, "' ' and '!' wait for their first use");
        let (fresh_pending, ahead_pending) = (fresh.take_pending(), ahead.take_pending());
        assert_eq!(fresh_pending.0, ahead_pending.0);
        assert_eq!(fresh_pending.1, ahead_pending.1, "the same uploads, byte for byte");
        let w = index(&fonts, FontWeight::Bold, 'W');
        assert_eq!(ahead.rasterize_ahead(&fonts, FontWeight::Bold, 40.0, ['W']), 0, "placed already");
        assert!(ahead.glyph(&fonts, FontWeight::Bold, w, 40.0).is_some());
    }

    fn fonts() -> Fonts {
        Fonts::load().expect("shipped fonts parse")
    }

    fn index(fonts: &Fonts, weight: FontWeight, c: char) -> u16 {
        let index = fonts.font(weight).lookup_glyph_index(c);
        assert_ne!(index, 0, "{c} is in the font");
        index
    }

    /// The live slots of a page do not overlap and stay inside it.
    fn assert_packed(atlas: &GlyphAtlas) {
        let slots: Vec<&AtlasSlot> = atlas.slots.values().filter(|s| s.w > 0).collect();
        for (i, a) in slots.iter().enumerate() {
            assert!(u32::from(a.u) + u32::from(a.w) <= ATLAS_PAGE_SIZE, "{a:?}");
            assert!(u32::from(a.v) + u32::from(a.h) <= ATLAS_PAGE_SIZE, "{a:?}");
            assert!(a.page < atlas.page_count());
            for b in &slots[i + 1..] {
                let apart = a.page != b.page
                    || a.u + a.w <= b.u
                    || b.u + b.w <= a.u
                    || a.v + a.h <= b.v
                    || b.v + b.h <= a.v;
                assert!(apart, "{a:?} overlaps {b:?}");
            }
        }
    }

    const BIG: f32 = 300.0;

    /// Letters to fill pages with at [`BIG`] size.
    fn letters() -> impl Iterator<Item = char> {
        ('A'..='Z').chain('a'..='z').chain('À'..='ÿ')
    }

    /// Requests new big glyphs until one is refused; returns the glyphs placed.
    fn fill(atlas: &mut GlyphAtlas, fonts: &Fonts, weight: FontWeight) -> Vec<(u16, AtlasSlot)> {
        let mut placed = Vec::new();
        for c in letters() {
            let index = index(fonts, weight, c);
            match atlas.glyph(fonts, weight, index, BIG) {
                Some(slot) => placed.push((index, slot)),
                None => return placed,
            }
        }
        panic!("{} pages hold every letter at {BIG}px", atlas.page_count());
    }

    #[test]
    fn atlas_rasterizes_each_glyph_once() {
        let fonts = fonts();
        let mut atlas = GlyphAtlas::default();
        atlas.begin_frame();
        let index = index(&fonts, FontWeight::Regular, 'é');
        let first = atlas.glyph(&fonts, FontWeight::Regular, index, 32.0).expect("fits");
        let (pages, uploads) = atlas.take_pending();
        assert_eq!(pages, [AtlasPageCmd { page: 0, width: ATLAS_PAGE_SIZE, height: ATLAS_PAGE_SIZE }]);
        assert_eq!(uploads.len(), 1);
        assert!(uploads[0].1.iter().any(|&c| c > 200), "glyph has solid coverage");
        assert_eq!(uploads[0].1.len(), usize::from(first.w) * usize::from(first.h));
        let again = atlas.glyph(&fonts, FontWeight::Regular, index, 32.0).expect("cached");
        assert_eq!(first, again);
        assert_eq!(atlas.take_pending().1.len(), 0);
        // Another size or weight is another glyph; a quarter pixel apart is the same one.
        assert_ne!(atlas.glyph(&fonts, FontWeight::Regular, index, 33.0), Some(first));
        assert_eq!(atlas.glyph(&fonts, FontWeight::Regular, index, 32.05), Some(first));
        let bold = atlas.glyph(&fonts, FontWeight::Bold, index, 32.0).expect("fits");
        assert_ne!((bold.u, bold.v), (first.u, first.v));
        assert_eq!(atlas.glyph_count(), 3);
        // Spaces have no bitmap and no upload.
        let space = index_or_zero(&fonts, ' ');
        let slot = atlas.glyph(&fonts, FontWeight::Regular, space, 32.0).expect("blank");
        assert_eq!((slot.w, slot.h), (0, 0));
        assert_eq!(atlas.take_pending().1.len(), 2);
        // Nonsense is refused, not a panic.
        assert_eq!(atlas.glyph(&fonts, FontWeight::Regular, u16::MAX, 32.0), None);
        assert_eq!(atlas.glyph(&fonts, FontWeight::Regular, index, 0.0), None);
        assert_eq!(atlas.glyph(&fonts, FontWeight::Regular, index, 5000.0), None);
    }

    fn index_or_zero(fonts: &Fonts, c: char) -> u16 {
        fonts.font(FontWeight::Regular).lookup_glyph_index(c)
    }

    #[test]
    fn sizes_14_to_96_rasterize_into_a_page() {
        let fonts = fonts();
        let mut atlas = GlyphAtlas::default();
        atlas.begin_frame();
        let text = "Ça va, Zoë? Ångström, Łódź, Ÿ — €99 „Șț“ gjpqy ÉÇ";
        for weight in FontWeight::ALL {
            for size in [14.0, 18.5, 24.0, 48.0, 72.0, 96.0] {
                for c in text.chars().filter(|c| !c.is_whitespace()) {
                    let index = index(&fonts, weight, c);
                    let slot = atlas.glyph(&fonts, weight, index, size).expect("fits");
                    assert!(slot.w > 0 && slot.h > 0, "{c} at {size}");
                    assert!(f32::from(slot.h) <= size * 1.3, "{c} at {size}: {slot:?}");
                }
            }
        }
        assert_eq!(atlas.page_count(), 1, "all of that fits one page");
        assert_eq!(atlas.evictions(), 0);
        assert_packed(&atlas);
        let (_, uploads) = atlas.take_pending();
        assert_eq!(uploads.len(), atlas.glyph_count());
        for (cmd, pixels) in &uploads {
            assert_eq!(pixels.len(), usize::from(cmd.w) * usize::from(cmd.h));
        }
    }

    #[test]
    fn evicts_a_page_unused_this_frame() {
        let fonts = fonts();
        let weight = FontWeight::Bold;
        let mut atlas = GlyphAtlas::with_max_pages(1);

        // Frame 1 fills the page; the next glyph is refused rather than evicting a page
        // this frame uses.
        atlas.begin_frame();
        let first = fill(&mut atlas, &fonts, weight);
        assert!(first.len() >= 8, "{} glyphs fit", first.len());
        assert_eq!(atlas.page_count(), 1);
        assert_eq!(atlas.evictions(), 0);
        assert_packed(&atlas);
        let refused = letters().nth(first.len()).map(|c| index(&fonts, weight, c)).expect("a letter");
        assert_eq!(atlas.glyph(&fonts, weight, refused, BIG), None, "still refused");
        // The glyphs placed this frame are untouched.
        for (index, slot) in &first {
            assert_eq!(atlas.glyph(&fonts, weight, *index, BIG), Some(*slot));
        }
        assert_eq!(atlas.page_generation(0), 0);
        // Frame 1's commands are not taken (the renderer skipped that frame's list, say).

        // Frame 2 needs another glyph: the page, unused in frame 2, is evicted.
        atlas.begin_frame();
        let slot = atlas.glyph(&fonts, weight, refused, BIG).expect("placed after eviction");
        assert_eq!(slot.page, 0);
        assert_eq!((slot.u, slot.v), (0, 0));
        assert_eq!(atlas.evictions(), 1);
        assert_eq!(atlas.page_generation(0), 1);
        assert_eq!(atlas.glyph_count(), 1, "the evicted glyphs are forgotten");
        let (pages, uploads) = atlas.take_pending();
        assert_eq!(pages, [AtlasPageCmd { page: 0, width: ATLAS_PAGE_SIZE, height: ATLAS_PAGE_SIZE }]);
        assert_eq!(uploads.len(), 1, "uploads into the page before it was cleared are dropped");
        assert_eq!(uploads[0].0, AtlasUploadCmd { page: 0, x: 0, y: 0, w: slot.w, h: slot.h });

        // A forgotten glyph is rasterized again, elsewhere in the page.
        let (a, old_a) = first[0];
        let new_a = atlas.glyph(&fonts, weight, a, BIG).expect("fits");
        assert_ne!(new_a, old_a);
        assert_eq!(atlas.take_pending().1.len(), 1);

        // Filling the page again in frame 2 refuses rather than evicting it twice.
        let second = fill(&mut atlas, &fonts, weight);
        assert!(second.len() >= 2);
        assert_eq!(atlas.evictions(), 1);
        assert_eq!(atlas.page_generation(0), 1);
        assert_packed(&atlas);
        let (pages, _) = atlas.take_pending();
        assert!(pages.is_empty());
    }

    #[test]
    fn evicts_the_least_recently_used_page() {
        let fonts = fonts();
        let weight = FontWeight::Regular;
        let w = index(&fonts, weight, 'W');
        // At these sizes a 'W' is more than half a page each way: one glyph fills a page.
        let metrics = fonts.font(weight).metrics_indexed(w, 801.0);
        assert!(2 * (metrics.width + 1) > ATLAS_PAGE_SIZE as usize);
        assert!(2 * (metrics.height + 1) > ATLAS_PAGE_SIZE as usize);
        assert!(metrics.width < ATLAS_PAGE_SIZE as usize && metrics.height < 900);
        let mut atlas = GlyphAtlas::with_max_pages(3);
        let page_of =
            |atlas: &mut GlyphAtlas, size: f32| atlas.glyph(&fonts, weight, w, size).map(|s| s.page);

        for (frame, size) in [801.0, 802.0, 803.0].into_iter().enumerate() {
            atlas.begin_frame();
            assert_eq!(page_of(&mut atlas, size), Some(frame as u32));
        }
        assert_eq!(atlas.take_pending().0.len(), 3);

        // Frame 4 uses page 1; page 0 is the least recently used.
        atlas.begin_frame();
        assert_eq!(page_of(&mut atlas, 802.0), Some(1));
        assert_eq!(page_of(&mut atlas, 804.0), Some(0));
        assert_eq!([0, 1, 2].map(|p| atlas.page_generation(p)), [1, 0, 0]);
        let (pages, uploads) = atlas.take_pending();
        assert_eq!(pages.iter().map(|p| p.page).collect::<Vec<_>>(), [0]);
        assert_eq!(uploads.len(), 1);

        // Frame 5 draws page 2 from a cached run (`mark_used`), so page 0 goes before it,
        // then page 1; then every page is used in this frame and the glyph is refused.
        atlas.begin_frame();
        atlas.mark_used(2);
        assert_eq!(page_of(&mut atlas, 805.0), Some(0));
        assert_eq!(page_of(&mut atlas, 806.0), Some(1));
        assert_eq!(page_of(&mut atlas, 807.0), None);
        assert_eq!([0, 1, 2].map(|p| atlas.page_generation(p)), [2, 1, 0]);
        assert_eq!(atlas.evictions(), 3);
        assert_eq!(atlas.page_count(), 3);
        let (pages, uploads) = atlas.take_pending();
        assert_eq!(pages.iter().map(|p| p.page).collect::<Vec<_>>(), [0, 1]);
        assert_eq!(uploads.iter().map(|(c, _)| c.page).collect::<Vec<_>>(), [0, 1]);
        // The survivors are where they were; the evicted glyphs are gone.
        assert_eq!(page_of(&mut atlas, 803.0), Some(2));
        assert_eq!(atlas.glyph_count(), 3);
        assert_packed(&atlas);
    }

    #[test]
    fn shelves_are_shared_by_glyphs_of_one_size() {
        let fonts = fonts();
        let mut atlas = GlyphAtlas::default();
        atlas.begin_frame();
        for c in "abcdefghijklmnopqrstuvwxyz".chars() {
            let index = index(&fonts, FontWeight::Regular, c);
            atlas.glyph(&fonts, FontWeight::Regular, index, 24.0).expect("fits");
        }
        // A 24 px alphabet takes a couple of shelves, not one per glyph height.
        assert!(atlas.pages[0].shelves.len() <= 4, "{} shelves", atlas.pages[0].shelves.len());
        assert_packed(&atlas);
    }
}
