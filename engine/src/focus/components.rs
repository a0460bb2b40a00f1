//! The components page code puts on nodes for focus: scopes and their rules, per-direction
//! overrides, and the item a recycled node shows. Their hooks keep the focus tree honest.

use bevy_ecs::lifecycle::HookContext;
use bevy_ecs::prelude::*;
use bevy_ecs::world::DeferredWorld;

use super::{Direction, DirectionSet, FocusGraph};
use crate::scene::SceneChanges;

/// Makes a node a focus scope: its focusable descendants are searched together, with these
/// rules (see `docs/focus.md`).
#[derive(Component, Clone, Debug, Default, PartialEq)]
#[component(immutable, on_insert = on_focus_structure, on_remove = on_scope_remove)]
pub struct FocusScope {
    /// Directions in which focus never leaves the scope (modals: all; side menus: some).
    pub boundary: DirectionSet,
    /// Entering again lands on the node that last had focus inside.
    pub remember: bool,
    /// The node entering lands on when nothing is remembered.
    pub preferred: Option<Entity>,
    /// Directions in which the search restarts from the scope's opposite edge.
    pub wrap: DirectionSet,
    /// Moving between index-aligned scopes (rails) keeps the visible index.
    pub index_align: bool,
    /// The scope is laid out right to left.
    pub rtl: bool,
    /// How many items a virtualized list holds when its nodes show only some of them (by
    /// [`FocusKey`]): announcements then say "item 40 of 1,000", not "node 4 of 14".
    pub item_count: Option<usize>,
}

/// The item a focusable node shows. Virtualized lists recycle nodes for other items as they
/// scroll; with this key, memory restores the item rather than the node, and focus stays on
/// its item when the node it was on is recycled.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[component(immutable, on_insert = on_focus_structure, on_remove = on_focus_structure)]
pub struct FocusKey(pub u64);

/// Per-direction destinations that replace the geometric search from this node (or, on a
/// scope, when a search climbs out of it).
#[derive(Component, Clone, Copy, Debug, Default, PartialEq)]
#[component(immutable, on_insert = on_focus_structure, on_remove = on_focus_structure)]
pub struct FocusOverrides {
    /// Destination per direction, indexed by [`Direction::index`].
    pub targets: [Option<Entity>; 4],
}

impl FocusOverrides {
    /// With `target` as the destination in `dir`.
    pub fn with(mut self, dir: Direction, target: Entity) -> Self {
        self.targets[dir.index()] = Some(target);
        self
    }
}

/// A scope going away takes its memory with it (pages come and go; memory must not grow).
fn on_scope_remove(mut world: DeferredWorld, ctx: HookContext) {
    if let Some(mut graph) = world.get_resource_mut::<FocusGraph>() {
        graph.memory.forget(ctx.entity);
    }
    on_focus_structure(world, ctx);
}

pub(crate) fn on_focus_structure(mut world: DeferredWorld, _ctx: HookContext) {
    if let Some(mut graph) = world.get_resource_mut::<FocusGraph>() {
        graph.tree = None;
    }
    if let Some(mut changes) = world.get_resource_mut::<SceneChanges>() {
        changes.any = true;
    }
}
