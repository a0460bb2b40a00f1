//! Focus: which node has it, moving it with the D-pad, and the events the UI layer reacts to.
//!
//! The rules are in `docs/focus.md`: [`profile`] scores destinations (Android's FocusFinder
//! by default, Chromium's spatial navigation as `web`), [`tree`] runs a move through scopes.

pub mod announce;
pub mod geometry;
pub mod keys;
pub mod profile;
pub mod reveal;
pub mod tree;

pub use announce::{AccessibleLabel, Announcement, Announcements, Role};
pub use geometry::{Direction, DirectionSet, FocusRect};
pub use keys::{HeldKeys, KeyAction, KeyPhase, KeyTiming};
pub use profile::{Android, ScoringProfile, Web, profile_named};
pub use reveal::{RevealDefaults, ScrollIntoView};
pub use tree::{FocusMemory, FocusTree, FocusTreeBuilder, FocusTreeError, ScopeRules};

use bevy_ecs::lifecycle::HookContext;
use bevy_ecs::prelude::*;
use bevy_ecs::world::DeferredWorld;
use touchline_abi::Key;

use crate::animation_systems::{Animator, Property, Value};
use crate::input::FrameInput;
use crate::layout::SceneRoot;
use crate::scene::{ComputedRect, Focusable, SceneChanges, ScrollOffset};

/// What happened to a node, for the UI layer's handlers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UiEventKind {
    /// The node gained focus.
    Focus,
    /// The node lost focus.
    Blur,
    /// OK was pressed (and released before the long-press threshold) on the focused node.
    Select,
    /// OK was held past the long-press threshold on the focused node.
    LongSelect,
    /// Back was pressed while the node had focus.
    Back,
}

/// An event for the UI layer: a kind and the node it happened to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UiEvent {
    /// What.
    pub kind: UiEventKind,
    /// The node.
    pub target: Entity,
}

/// The focused node, and the events the frame produced so far.
#[derive(Resource, Debug, Default)]
pub struct FocusState {
    /// The focused node, if any.
    pub focused: Option<Entity>,
    /// Events not yet taken by the UI layer.
    pub events: Vec<UiEvent>,
}

impl FocusState {
    /// Moves focus to `target`, emitting blur and focus events.
    pub fn set(&mut self, target: Option<Entity>) {
        if self.focused == target {
            return;
        }
        if let Some(old) = self.focused {
            self.events.push(UiEvent { kind: UiEventKind::Blur, target: old });
        }
        self.focused = target;
        if let Some(new) = target {
            self.events.push(UiEvent { kind: UiEventKind::Focus, target: new });
        }
    }
}

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

/// The focused node and the item it showed, as of the last frame.
#[derive(Resource, Debug, Default)]
pub struct FollowedItem {
    node: Option<Entity>,
    item: Option<u64>,
}

/// Keeps focus on its item when the focused node was recycled to show another: focus moves to
/// the node of the same scope that shows the item now, if any.
pub fn follow_focused_item(
    mut focus: ResMut<FocusState>,
    mut followed: ResMut<FollowedItem>,
    mut announcements: ResMut<Announcements>,
    keys: Query<&FocusKey>,
    parents: Query<&ChildOf>,
    scopes: Query<(), With<FocusScope>>,
    children: Query<&Children>,
    focusable: Query<(), With<Focusable>>,
) {
    if let (Some(node), Some(item)) = (focus.focused, followed.item)
        && followed.node == Some(node)
        && keys.get(node).ok().map(|k| k.0) != Some(item)
    {
        let mut scope = parents.get(node).ok().map(ChildOf::parent);
        while let Some(s) = scope.filter(|&s| !scopes.contains(s)) {
            scope = parents.get(s).ok().map(ChildOf::parent);
        }
        let mut stack: Vec<Entity> = scope.into_iter().collect();
        while let Some(e) = stack.pop() {
            if keys.get(e).is_ok_and(|k| k.0 == item) && focusable.contains(e) {
                focus.set(Some(e));
                announcements.carry_over(node, e);
                break;
            }
            if let Ok(kids) = children.get(e) {
                stack.extend(kids.iter());
            }
        }
    }
    followed.node = focus.focused;
    followed.item = focus.focused.and_then(|n| keys.get(n).ok()).map(|k| k.0);
}

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

/// The focus tree of the current layout (built on the first key press after a change) and
/// what each remembering scope remembers.
#[derive(Resource)]
pub struct FocusGraph {
    tree: Option<FocusTree<Entity>>,
    memory: FocusMemory<Entity>,
    profile: &'static dyn ScoringProfile,
    /// How many times the tree was built, for tests and the inspector.
    pub builds: u64,
}

impl Default for FocusGraph {
    fn default() -> Self {
        Self { tree: None, memory: FocusMemory::default(), profile: &Android, builds: 0 }
    }
}

impl std::fmt::Debug for FocusGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FocusGraph")
            .field("built", &self.tree.is_some())
            .field("profile", &self.profile.name())
            .field("builds", &self.builds)
            .finish()
    }
}

impl FocusGraph {
    /// The scoring profile in use.
    pub fn profile(&self) -> &'static dyn ScoringProfile {
        self.profile
    }

    /// Switches the scoring profile.
    pub fn set_profile(&mut self, profile: &'static dyn ScoringProfile) {
        self.profile = profile;
    }

    /// The focus tree, built from the scene if layout changed since the last build.
    pub fn tree_or_build(&mut self, scene: &FocusScene) -> &FocusTree<Entity> {
        if self.tree.is_none() {
            self.builds += 1;
        }
        self.tree.get_or_insert_with(|| scene.build_tree())
    }

    /// The focus tree, if built since layout last changed.
    pub fn tree(&self) -> Option<&FocusTree<Entity>> {
        self.tree.as_ref()
    }

    /// Forgets the tree: the next move rebuilds it.
    pub fn invalidate(&mut self) {
        self.tree = None;
    }

    /// Records a focus change in the remembering scopes.
    pub fn remember(&mut self, node: Entity) {
        if let Some(tree) = &self.tree
            && let Some(slot) = tree.slot(node)
        {
            self.memory.record(tree, slot);
        }
    }
}

/// Rebuilds nothing, but forgets the focus tree when rectangles may have moved.
pub fn invalidate_focus_tree(changes: Res<SceneChanges>, mut graph: ResMut<FocusGraph>) {
    if changes.layout || changes.scrolled {
        graph.tree = None;
    }
}

fn direction_of(key: Key) -> Option<Direction> {
    Some(match key {
        Key::Up => Direction::Up,
        Key::Down => Direction::Down,
        Key::Left => Direction::Left,
        Key::Right => Direction::Right,
        _ => return None,
    })
}

/// The scene's focusables and scopes, as the focus engine sees them.
#[derive(bevy_ecs::system::SystemParam)]
pub struct FocusScene<'w, 's> {
    root: Res<'w, SceneRoot>,
    pub(crate) children: Query<'w, 's, &'static Children>,
    parents: Query<'w, 's, &'static ChildOf>,
    nodes: Query<
        'w,
        's,
        (
            &'static ComputedRect,
            Has<Focusable>,
            Option<&'static FocusScope>,
            Option<&'static FocusOverrides>,
            Option<&'static FocusKey>,
        ),
    >,
    scrolls: Query<'w, 's, &'static ScrollOffset>,
    animator: Res<'w, Animator>,
}

impl FocusScene<'_, '_> {
    /// The node's focus scope as the focus tree sees it: the nearest ancestor that is a scope
    /// or focusable (`None`: the root).
    pub fn scope_of(&self, node: Entity) -> Option<Entity> {
        let mut at = self.parents.get(node).ok().map(ChildOf::parent);
        while let Some(e) = at {
            if self.nodes.get(e).is_ok_and(|(_, focusable, scope, ..)| focusable || scope.is_some()) {
                return Some(e);
            }
            at = self.parents.get(e).ok().map(ChildOf::parent);
        }
        None
    }

    /// The node's place (from 1) among the focusables inside `scope` (the whole scene for
    /// `None`) in tree order, and their count, by a walk that allocates only its stack.
    pub fn position_among_focusables(&self, node: Entity, scope: Option<Entity>) -> Option<(usize, usize)> {
        let start = scope.unwrap_or(self.root.0);
        let (mut count, mut index) = (0, None);
        let mut stack: Vec<Entity> =
            self.children.get(start).map(|k| k.iter().rev().collect()).unwrap_or_default();
        while let Some(e) = stack.pop() {
            if self
                .nodes
                .get(e)
                .is_ok_and(|(rect, focusable, ..)| focusable && rect.width > 0.0 && rect.height > 0.0)
            {
                count += 1;
                if e == node {
                    index = Some(count);
                }
            }
            if let Ok(kids) = self.children.get(e) {
                stack.extend(kids.iter().rev());
            }
        }
        index.map(|i| (i, count))
    }

    /// Builds the focus tree: focusable nodes and scopes in tree order; other nodes are
    /// transparent. Focusables with no area (hidden) are left out.
    pub fn build_tree(&self) -> FocusTree<Entity> {
        let mut builder = FocusTreeBuilder::new();
        // Rectangles are taken where they will be once running scrolls arrive: focus moves
        // through the layout the user is about to see, not a frame of an animation.
        let mut pending: Vec<(Entity, Option<usize>, [f32; 2])> = vec![(self.root.0, None, [0.0, 0.0])];
        let mut scopes: Vec<(usize, &FocusScope)> = Vec::new();
        let mut overrides: Vec<(usize, &FocusOverrides)> = Vec::new();
        while let Some((entity, parent, [dx, dy])) = pending.pop() {
            let mut slot_for_children = parent;
            if let Ok((rect, focusable, scope, over, item)) = self.nodes.get(entity) {
                let focus_rect = FocusRect::from_f32(rect.x + dx, rect.y + dy, rect.width, rect.height);
                let focusable = focusable && focus_rect.width() > 0 && focus_rect.height() > 0;
                if focusable || scope.is_some() {
                    // Depth-first order holds by construction, so push cannot fail.
                    if let Ok(slot) = builder.push(entity, focus_rect, parent, focusable) {
                        slot_for_children = Some(slot);
                        if let Some(scope) = scope {
                            scopes.push((slot, scope));
                        }
                        if let Some(over) = over {
                            overrides.push((slot, over));
                        }
                        if let Some(item) = item {
                            let _ = builder.set_item_key(slot, item.0);
                        }
                    }
                }
            }
            if let Ok(kids) = self.children.get(entity) {
                let mut shift = [dx, dy];
                if let Ok(current) = self.scrolls.get(entity)
                    && let Some(Value::Pair([x, y])) = self.animator.target(entity, Property::Scroll)
                {
                    shift = [dx + current.x - x, dy + current.y - y];
                }
                pending.extend(kids.iter().rev().map(|k| (k, slot_for_children, shift)));
            }
        }
        // Entities become slots once every node is in.
        let slot_of = |builder: &FocusTreeBuilder<Entity>, e: Entity| builder.slot(e);
        for (slot, scope) in scopes {
            let rules = ScopeRules {
                boundary: scope.boundary,
                remember: scope.remember,
                preferred: scope.preferred.and_then(|e| slot_of(&builder, e)),
                wrap: scope.wrap,
                index_align: scope.index_align,
                rtl: scope.rtl,
            };
            let _ = builder.set_scope(slot, rules);
        }
        for (slot, over) in overrides {
            for dir in Direction::ALL {
                if let Some(target) = over.targets[dir.index()].and_then(|e| slot_of(&builder, e)) {
                    let _ = builder.set_override(slot, dir, target);
                }
            }
        }
        builder.build()
    }
}

/// A move about to happen, as [`FocusHooks::before_move`] sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FocusMove {
    /// The focused node.
    pub from: Entity,
    /// Where focus would go.
    pub to: Entity,
    /// The arrow.
    pub direction: Direction,
    /// Whether the arrow is held (a repeat), not a fresh press.
    pub repeat: bool,
}

/// What the UI layer sees before the engine acts on a key. Hooks run inside the frame's
/// input step, so they decide only; effects go through signals the UI reads afterwards.
#[derive(Default)]
pub struct FocusHooks {
    /// Every key action, with the focused node; returning true consumes it: no move, select,
    /// long select or back follows.
    pub on_key: Option<Box<dyn FnMut(KeyAction, Option<Entity>) -> bool>>,
    /// Every move before it happens; returning false cancels it (focus stays).
    pub before_move: Option<Box<dyn FnMut(&FocusMove) -> bool>>,
}

impl std::fmt::Debug for FocusHooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FocusHooks")
            .field("on_key", &self.on_key.is_some())
            .field("before_move", &self.before_move.is_some())
            .finish()
    }
}

/// Handles the frame's keys: arrows (and their repeats) move focus through the focus tree,
/// OK selects on release or long-selects when held, Back goes back.
pub fn navigate_focus(
    input: Res<FrameInput>,
    timing: Res<KeyTiming>,
    mut held: ResMut<HeldKeys>,
    mut hooks: NonSendMut<FocusHooks>,
    mut focus: ResMut<FocusState>,
    mut graph: ResMut<FocusGraph>,
    mut followed: ResMut<FollowedItem>,
    scene: FocusScene,
) {
    for action in held.advance(&timing, input.time_us, &input.keys) {
        if hooks.on_key.as_mut().is_some_and(|hook| hook(action, focus.focused)) {
            continue;
        }
        if let Some(dir) = direction_of(action.key) {
            if !matches!(action.phase, KeyPhase::Down | KeyPhase::Repeat(_)) {
                continue;
            }
            let Some(current) = focus.focused else { continue };
            graph.tree_or_build(&scene);
            let FocusGraph { tree, memory, profile, .. } = &mut *graph;
            let Some(tree) = tree.as_ref() else { continue };
            let Some(from) = tree.slot(current) else { continue };
            let Some(to) = tree.navigate(*profile, memory, from, dir) else { continue };
            let proposed = FocusMove {
                from: current,
                to: tree.key(to),
                direction: dir,
                repeat: action.phase != KeyPhase::Down,
            };
            if hooks.before_move.as_mut().is_some_and(|hook| !hook(&proposed)) {
                continue;
            }
            memory.record(tree, to);
            focus.set(Some(proposed.to));
            // The item it shows now: the UI may recycle the node before the frame ends.
            *followed = FollowedItem { node: Some(proposed.to), item: tree.item_key(to) };
        } else {
            let kind = match (action.key, action.phase) {
                (Key::Select, KeyPhase::Up { long: false }) => UiEventKind::Select,
                (Key::Select, KeyPhase::LongPress) => UiEventKind::LongSelect,
                (Key::Back, KeyPhase::Down) => UiEventKind::Back,
                _ => continue,
            };
            let target = focus.focused.unwrap_or(scene.root.0);
            focus.events.push(UiEvent { kind, target });
        }
    }
}

/// Keeps focus on a live focusable node: the first in tree order when it has none.
pub fn ensure_focus(
    root: Res<SceneRoot>,
    mut focus: ResMut<FocusState>,
    children: Query<&Children>,
    focusable: Query<(), With<Focusable>>,
) {
    if focus.focused.is_some_and(|e| focusable.contains(e)) {
        return;
    }
    let mut first = None;
    let mut stack = vec![root.0];
    while let Some(entity) = stack.pop() {
        if focusable.contains(entity) {
            first = Some(entity);
            break;
        }
        if let Ok(kids) = children.get(entity) {
            stack.extend(kids.iter().rev());
        }
    }
    if focus.focused.is_some() || first.is_some() {
        // The old node is gone: no blur for it.
        focus.focused = None;
        focus.set(first);
    }
}
