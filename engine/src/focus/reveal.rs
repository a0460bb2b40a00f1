//! Scroll into view: when focus lands on a node outside a scroll container's viewport (less
//! its edge padding), the container scrolls, animated, just enough to reveal it. Nested
//! containers are handled inside out, each seeing where the node will be once the inner ones
//! arrive; a scroll already under way is retargeted from where it is heading, so fast key
//! repeat never leaves focus off screen.

use bevy_ecs::prelude::*;

use super::{FocusKey, FocusState};
use crate::animation::{Easing, Transition};
use crate::animation_systems::{Animator, Property, Value, animate_property};
use crate::scene::{ComputedRect, NodeStyle, ScrollOffset};
use crate::style::Overflow;

/// How a scroll container reveals focused descendants; without it, [`RevealDefaults`] apply.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct ScrollIntoView {
    /// Space kept between the focused node and the viewport's edge, in pixels.
    pub edge_padding: f32,
    /// How the offset travels.
    pub transition: Transition,
}

/// The engine-wide defaults of [`ScrollIntoView`].
#[derive(Resource, Clone, Copy, Debug, PartialEq)]
pub struct RevealDefaults(pub ScrollIntoView);

impl Default for RevealDefaults {
    fn default() -> Self {
        Self(ScrollIntoView { edge_padding: 48.0, transition: Transition::tween(250_000, Easing::EaseOut) })
    }
}

/// The node last revealed and the item it showed: a frame where neither changed costs one
/// comparison. (A recycled node keeps its entity while its item changes; a page scrolling a
/// container itself is not undone.)
#[derive(Resource, Debug, Default)]
pub struct Revealed(Option<(Entity, Option<u64>)>);

/// How far to move a scroll offset on one axis so that `[lo, hi)` sits inside
/// `[view_lo + pad, view_hi − pad)`; a node larger than that aligns its start.
fn axis_delta(lo: f32, hi: f32, view_lo: f32, view_hi: f32, pad: f32) -> f32 {
    let pad = pad.min(((view_hi - view_lo) / 2.0).max(0.0));
    let (start, end) = (view_lo + pad, view_hi - pad);
    if lo < start || hi - lo > end - start {
        lo - start
    } else if hi > end {
        hi - end
    } else {
        0.0
    }
}

/// The largest scroll offsets of a container: how far its children reach past its box.
fn scroll_extent(world: &World, container: Entity, view: &ComputedRect, current: ScrollOffset) -> (f32, f32) {
    let (mut right, mut bottom) = (view.x + view.width, view.y + view.height);
    if let Some(children) = world.get::<Children>(container) {
        for &child in children {
            if let Some(r) = world.get::<ComputedRect>(child) {
                right = right.max(r.x + r.width + current.x);
                bottom = bottom.max(r.y + r.height + current.y);
            }
        }
    }
    ((right - (view.x + view.width)).max(0.0), (bottom - (view.y + view.height)).max(0.0))
}

/// Scrolls the focused node's scroll containers to reveal it, when focus changed.
pub fn reveal_focus(world: &mut World) {
    let Some(focused) = world.resource::<FocusState>().focused else { return };
    let shown = (focused, world.get::<FocusKey>(focused).map(|k| k.0));
    if world.resource::<Revealed>().0 == Some(shown) {
        return;
    }
    world.resource_mut::<Revealed>().0 = Some(shown);
    let Some(mut rect) = world.get::<ComputedRect>(focused).copied() else { return };
    let defaults = world.resource::<RevealDefaults>().0;
    let mut scrolls = Vec::new();
    let mut at = world.get::<ChildOf>(focused).map(ChildOf::parent);
    while let Some(container) = at {
        at = world.get::<ChildOf>(container).map(ChildOf::parent);
        let scrolls_here = world.get::<NodeStyle>(container).is_some_and(|s| s.overflow == Overflow::Scroll);
        let Some(view) = world.get::<ComputedRect>(container).copied() else { continue };
        if !scrolls_here {
            continue;
        }
        let settings = world.get::<ScrollIntoView>(container).copied().unwrap_or(defaults);
        let current = world.get::<ScrollOffset>(container).copied().unwrap_or_default();
        let heading = match world.resource::<Animator>().target(container, Property::Scroll) {
            Some(Value::Pair([x, y])) => ScrollOffset { x, y },
            _ => current,
        };
        // Where the node will be once this container reaches where it is heading.
        rect.x -= heading.x - current.x;
        rect.y -= heading.y - current.y;
        let pad = settings.edge_padding;
        let dx = axis_delta(rect.x, rect.x + rect.width, view.x, view.x + view.width, pad);
        let dy = axis_delta(rect.y, rect.y + rect.height, view.y, view.y + view.height, pad);
        if dx == 0.0 && dy == 0.0 {
            continue;
        }
        let (max_x, max_y) = scroll_extent(world, container, &view, current);
        let target = ScrollOffset {
            x: (heading.x + dx).clamp(0.0, max_x.max(heading.x.min(0.0))),
            y: (heading.y + dy).clamp(0.0, max_y.max(heading.y.min(0.0))),
        };
        if target != heading {
            scrolls.push((container, target, settings.transition));
            rect.x -= target.x - heading.x;
            rect.y -= target.y - heading.y;
        }
    }
    for (container, target, transition) in scrolls {
        animate_property(world, container, Property::Scroll, Value::Pair([target.x, target.y]), transition);
    }
}

#[cfg(test)]
mod tests {
    use super::axis_delta;

    #[test]
    fn inside_needs_no_scroll() {
        assert_eq!(axis_delta(100.0, 300.0, 0.0, 1920.0, 48.0), 0.0);
    }

    #[test]
    fn past_the_end_scrolls_to_the_padded_edge() {
        assert_eq!(axis_delta(1800.0, 2000.0, 0.0, 1920.0, 48.0), 2000.0 - 1872.0);
    }

    #[test]
    fn before_the_start_scrolls_back() {
        assert_eq!(axis_delta(-150.0, 50.0, 0.0, 1920.0, 48.0), -198.0);
    }

    #[test]
    fn larger_than_the_view_aligns_its_start() {
        assert_eq!(axis_delta(500.0, 3000.0, 0.0, 1920.0, 48.0), 452.0);
    }
}
