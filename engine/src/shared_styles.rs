//! Equal styles shared between nodes.
//!
//! A page repeats a handful of styles over thousands of nodes (every tile of every rail has
//! the same one). Nodes hold their style through an [`Arc`], and the engine hands out one
//! `Arc` per distinct style, so 20,000 nodes cost a pointer each instead of a style each, and
//! layout converts each distinct style to taffy's once.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;

use bevy_ecs::prelude::Resource;

use crate::style::{Edges, GridLine, GridPlacement, Length, Style};

/// The distinct styles in use, by a hash of their fields.
#[derive(Resource, Debug, Default)]
pub struct SharedStyles {
    by_hash: HashMap<u64, Vec<Arc<Style>>, foldhash::fast::FixedState>,
    count: usize,
    /// Size after the last pruning: the table is pruned when it doubles.
    pruned_at: usize,
}

impl SharedStyles {
    /// The shared copy of `style`.
    pub fn share(&mut self, style: Style) -> Arc<Style> {
        let bucket = self.by_hash.entry(style_hash(&style)).or_default();
        if let Some(shared) = bucket.iter().find(|s| ***s == style) {
            return Arc::clone(shared);
        }
        let shared = Arc::new(style);
        bucket.push(Arc::clone(&shared));
        self.count += 1;
        if self.count > 2 * self.pruned_at.max(64) {
            self.prune();
        }
        shared
    }

    /// Drops the styles no node holds any more.
    pub fn prune(&mut self) {
        self.by_hash.retain(|_, bucket| {
            bucket.retain(|s| Arc::strong_count(s) > 1);
            !bucket.is_empty()
        });
        self.count = self.by_hash.values().map(Vec::len).sum();
        self.pruned_at = self.count;
    }

    /// How many distinct styles are held.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether none are.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// A hash of the scalar fields (grid track lists by length only: equality decides).
fn style_hash(s: &Style) -> u64 {
    fn length(h: &mut impl Hasher, l: Length) {
        match l {
            Length::Auto => 0u8.hash(h),
            Length::Px(v) => (1u8, v.to_bits()).hash(h),
            Length::Percent(v) => (2u8, v.to_bits()).hash(h),
        }
    }
    fn lengths(h: &mut impl Hasher, e: Edges<Length>) {
        for l in [e.top, e.right, e.bottom, e.left] {
            length(h, l);
        }
    }
    fn line(h: &mut impl Hasher, l: GridLine) {
        match l {
            GridLine::Auto => 0i32.hash(h),
            GridLine::Line(n) => (1u8, n).hash(h),
            GridLine::Span(n) => (2u8, n).hash(h),
        }
    }
    fn placement(h: &mut impl Hasher, p: GridPlacement) {
        line(h, p.start);
        line(h, p.end);
    }
    let mut h = foldhash::fast::FixedState::with_seed(0).build_hasher();
    let h = &mut h;
    (s.display as u8, s.position as u8, s.direction as u8, s.wrap as u8, s.overflow as u8).hash(h);
    lengths(h, s.inset);
    for l in [s.width, s.height, s.min_width, s.min_height, s.max_width, s.max_height, s.basis] {
        length(h, l);
    }
    s.aspect_ratio.map(f32::to_bits).hash(h);
    for v in [s.padding.top, s.padding.right, s.padding.bottom, s.padding.left, s.row_gap, s.column_gap] {
        v.to_bits().hash(h);
    }
    lengths(h, s.margin);
    (s.align_items as u8, s.align_self as u8, s.align_content as u8).hash(h);
    (s.justify_content as u8, s.justify_items as u8, s.justify_self as u8).hash(h);
    (s.grow.to_bits(), s.shrink.to_bits(), s.z_index).hash(h);
    (s.grid_template_columns.len(), s.grid_template_rows.len()).hash(h);
    (s.grid_auto_columns.len(), s.grid_auto_rows.len(), s.grid_auto_flow as u8).hash(h);
    placement(h, s.grid_column);
    placement(h, s.grid_row);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_styles_share_one_copy_and_unused_ones_are_dropped() {
        let mut styles = SharedStyles::default();
        let tile = Style { width: Length::Px(200.0), height: Length::Px(120.0), ..Style::default() };
        let a = styles.share(tile.clone());
        let b = styles.share(tile.clone());
        assert!(Arc::ptr_eq(&a, &b));
        let other = styles.share(Style { width: Length::Px(201.0), ..tile.clone() });
        assert!(!Arc::ptr_eq(&a, &other));
        assert_eq!(styles.len(), 2);
        drop(other);
        styles.prune();
        assert_eq!(styles.len(), 1, "the 201-wide style is no longer held by a node");
        assert!(Arc::ptr_eq(&styles.share(tile), &a));
    }

    #[test]
    fn styles_differing_only_in_grid_tracks_are_not_confused() {
        let mut styles = SharedStyles::default();
        let one: Style =
            Style { grid_template_columns: vec!["1fr".parse().expect("a track")], ..Style::default() };
        let two: Style =
            Style { grid_template_columns: vec!["2fr".parse().expect("a track")], ..Style::default() };
        let a = styles.share(one.clone());
        let b = styles.share(two.clone());
        assert!(!Arc::ptr_eq(&a, &b));
        assert_eq!(*a, one);
        assert_eq!(*b, two);
    }
}
