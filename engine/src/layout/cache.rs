//! A compact measurement cache for layout nodes with children.
//!
//! taffy's `Cache` holds a full layout output and nine measurement slots inline: 408 bytes per
//! node whether used or not. This one keeps the same keys and the same replacement policy
//! (adapted from taffy's `tree/cache.rs`, MIT) but stores the final layout behind a pointer
//! and grows its measurement slots one at a time, so a typical container — one final layout,
//! one or two measurements — costs about a third of that.

use taffy::{
    AvailableSpace, CollapsibleMarginSet, LayoutInput, LayoutOutput, RequestedAxis, RunMode, Size, SizingMode,
};

/// At most this many measurements per node, as taffy keeps.
const MEASURE_SLOTS: usize = 9;

// The bits of `f32::INFINITY` and `f32::NEG_INFINITY`.
const INFINITY_BITS: u32 = 0x7f80_0000;
const NEG_INFINITY_BITS: u32 = 0xff80_0000;
const SIGN_BIT_1: u64 = 1 << 63;
const SIGN_BIT_2: u64 = 1 << 31;
const BOTH_SIGN_BITS: u64 = SIGN_BIT_1 | SIGN_BIT_2;
const X_AXIS_VALUE_MASK: u64 = (u32::MAX as u64) << 32;

fn option_key(v: Option<f32>) -> u32 {
    v.map_or(INFINITY_BITS, f32::to_bits)
}

fn available_key(v: AvailableSpace) -> u32 {
    match v {
        AvailableSpace::Definite(v) => (-v).to_bits(),
        AvailableSpace::MinContent => NEG_INFINITY_BITS,
        AvailableSpace::MaxContent => INFINITY_BITS,
    }
}

fn mixed_key(known: Option<f32>, available: AvailableSpace) -> u32 {
    known.map_or_else(|| available_key(available), f32::to_bits)
}

/// What a layout result depends on, packed as taffy packs it: known sizes (or else the
/// available space) per axis, the parent size with the requested axis in its sign bits, and
/// which known sizes are definite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Key {
    known_or_available: u64,
    parent_size: u64,
    definite: [bool; 2],
}

impl Key {
    fn of(input: &LayoutInput) -> Self {
        let axis = match input.axis {
            RequestedAxis::Horizontal => SIGN_BIT_1,
            RequestedAxis::Vertical => SIGN_BIT_2,
            RequestedAxis::Both => BOTH_SIGN_BITS,
        };
        let kd = input.known_dimensions;
        let av = input.available_space;
        let parent = (u64::from(option_key(input.parent_size.width)) << 32)
            | u64::from(option_key(input.parent_size.height));
        Self {
            known_or_available: (u64::from(mixed_key(kd.width, av.width)) << 32)
                | u64::from(mixed_key(kd.height, av.height)),
            parent_size: (parent & !BOTH_SIGN_BITS) | axis,
            definite: [
                input.known_dimensions_are_definite.width || kd.width.is_none(),
                input.known_dimensions_are_definite.height || kd.height.is_none(),
            ],
        }
    }

    fn x_axis_parent_size(&self) -> u64 {
        self.parent_size & X_AXIS_VALUE_MASK & !BOTH_SIGN_BITS
    }

    fn axis_bits(&self) -> u64 {
        self.parent_size & BOTH_SIGN_BITS
    }

    /// A measurement of both axes answers a question about either.
    fn answers(&self, question: &Key) -> bool {
        self.axis_bits() == BOTH_SIGN_BITS || self.axis_bits() == question.axis_bits()
    }
}

/// Results are only valid for the sizing mode and margin collapsing they were computed with.
fn mode_of(input: &LayoutInput) -> u8 {
    u8::from(matches!(input.sizing_mode, SizingMode::InherentSize))
        | u8::from(input.vertical_margins_are_collapsible.start) << 1
        | u8::from(input.vertical_margins_are_collapsible.end) << 2
}

/// The cache of one node.
#[derive(Debug, Default)]
pub struct LayoutCache {
    final_layout: Option<Box<(Key, LayoutOutput)>>,
    measures: Vec<(Key, Size<f32>)>,
    recently_used: u16,
    next: u8,
    mode: u8,
}

impl LayoutCache {
    /// The cached result for these inputs.
    pub fn get(&mut self, input: &LayoutInput) -> Option<LayoutOutput> {
        if self.mode != mode_of(input) {
            return None;
        }
        let key = Key::of(input);
        match input.run_mode {
            RunMode::PerformLayout => {
                self.final_layout.as_ref().filter(|entry| entry.0 == key).map(|entry| entry.1.clone())
            }
            RunMode::ComputeSize => {
                let (index, size) = self.measures.iter().enumerate().find_map(|(i, (k, size))| {
                    (k.known_or_available == key.known_or_available
                        && k.definite == key.definite
                        && k.x_axis_parent_size() == key.x_axis_parent_size()
                        && k.answers(&key))
                    .then_some((i, *size))
                })?;
                self.recently_used |= 1 << index;
                Some(LayoutOutput::from_outer_size(size))
            }
            RunMode::PerformHiddenLayout => None,
        }
    }

    /// Stores a result.
    pub fn store(&mut self, input: &LayoutInput, output: LayoutOutput) {
        if input.run_mode == RunMode::PerformHiddenLayout {
            return;
        }
        let mode = mode_of(input);
        if self.mode != mode {
            self.clear();
            self.mode = mode;
        }
        let key = Key::of(input);
        if input.run_mode == RunMode::PerformLayout {
            match &mut self.final_layout {
                Some(entry) => **entry = (key, output),
                None => self.final_layout = Some(Box::new((key, output))),
            }
            return;
        }
        // A measurement is kept as a size; margin-collapsing metadata could not be rebuilt
        // from it, so results carrying some are not kept.
        if output.margins_can_collapse_through
            || output.top_margin != CollapsibleMarginSet::ZERO
            || output.bottom_margin != CollapsibleMarginSet::ZERO
        {
            return;
        }
        if let Some(index) = self.measures.iter().position(|(k, _)| *k == key) {
            self.measures[index].1 = output.size;
            self.recently_used |= 1 << index;
            return;
        }
        if self.measures.len() < MEASURE_SLOTS {
            self.measures.reserve_exact(1);
            self.measures.push((key, output.size));
            self.recently_used |= 1 << (self.measures.len() - 1);
            return;
        }
        // Full: replace round-robin, giving recently used slots a second chance.
        while self.recently_used & (1 << self.next) != 0 {
            self.recently_used &= !(1 << self.next);
            self.next = (self.next + 1) % MEASURE_SLOTS as u8;
        }
        let index = usize::from(self.next);
        self.measures[index] = (key, output.size);
        self.recently_used |= 1 << index;
        self.next = (self.next + 1) % MEASURE_SLOTS as u8;
    }

    /// Forgets every result (the node or something under it changed).
    pub fn clear(&mut self) {
        self.final_layout = None;
        self.measures.clear();
        self.recently_used = 0;
        self.next = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use taffy::Line;

    fn measure(width: f32) -> LayoutInput {
        LayoutInput {
            run_mode: RunMode::ComputeSize,
            sizing_mode: SizingMode::InherentSize,
            axis: RequestedAxis::Both,
            known_dimensions: Size { width: Some(width), height: None },
            known_dimensions_are_definite: Size { width: true, height: true },
            parent_size: Size::NONE,
            available_space: Size { width: AvailableSpace::MaxContent, height: AvailableSpace::MaxContent },
            vertical_margins_are_collapsible: Line::FALSE,
        }
    }

    fn sized(width: f32) -> LayoutOutput {
        LayoutOutput::from_outer_size(Size { width, height: width })
    }

    #[test]
    fn measurements_are_found_by_their_inputs_and_grow_one_slot_at_a_time() {
        let mut cache = LayoutCache::default();
        assert_eq!(cache.get(&measure(1.0)), None);
        cache.store(&measure(1.0), sized(1.0));
        cache.store(&measure(2.0), sized(2.0));
        assert_eq!(cache.measures.capacity(), 2);
        assert_eq!(cache.get(&measure(1.0)), Some(sized(1.0)));
        assert_eq!(cache.get(&measure(2.0)), Some(sized(2.0)));
        assert_eq!(cache.get(&measure(3.0)), None);
    }

    #[test]
    fn recently_used_measurements_get_a_second_chance() {
        let mut cache = LayoutCache::default();
        for width in 0..MEASURE_SLOTS {
            cache.store(&measure(width as f32), sized(width as f32));
        }
        cache.store(&measure(MEASURE_SLOTS as f32), sized(MEASURE_SLOTS as f32));
        assert_eq!(cache.get(&measure(1.0)), Some(sized(1.0)));
        cache.store(&measure((MEASURE_SLOTS + 1) as f32), sized((MEASURE_SLOTS + 1) as f32));
        assert_eq!(cache.get(&measure(1.0)), Some(sized(1.0)));
        assert_eq!(cache.get(&measure(2.0)), None);
    }

    #[test]
    fn final_layouts_and_modes_are_kept_apart() {
        let mut cache = LayoutCache::default();
        let layout = LayoutInput { run_mode: RunMode::PerformLayout, ..measure(5.0) };
        cache.store(&layout, sized(5.0));
        assert_eq!(cache.get(&layout), Some(sized(5.0)));
        assert_eq!(cache.get(&measure(5.0)), None, "a final layout is not a measurement");
        let content = LayoutInput { sizing_mode: SizingMode::ContentSize, ..layout };
        assert_eq!(cache.get(&content), None, "another sizing mode");
        cache.store(&content, sized(6.0));
        assert_eq!(cache.get(&layout), None, "a mode change clears the cache");
        cache.clear();
        assert_eq!(cache.get(&content), None);
    }
}
