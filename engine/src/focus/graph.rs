//! The focus tree of the current layout, built from the scene when a key press needs it, and
//! what remembering scopes remember.

use bevy_ecs::prelude::*;

use super::{
    Android, Direction, FocusKey, FocusMemory, FocusOverrides, FocusRect, FocusScope, FocusTree,
    FocusTreeBuilder, ScopeRules, ScoringProfile,
};
use crate::animation_systems::{Animator, Property, Value};
use crate::layout::SceneRoot;
use crate::scene::{ComputedRect, Focusable, SceneChanges, ScrollOffset};

/// The focus tree of the current layout (built on the first key press after a change) and
/// what each remembering scope remembers.
#[derive(Resource)]
pub struct FocusGraph {
    pub(super) tree: Option<FocusTree<Entity>>,
    pub(super) memory: FocusMemory<Entity>,
    pub(super) profile: &'static dyn ScoringProfile,
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
}

/// Rebuilds nothing, but forgets the focus tree when rectangles may have moved.
pub fn invalidate_focus_tree(changes: Res<SceneChanges>, mut graph: ResMut<FocusGraph>) {
    if changes.layout || changes.scrolled {
        graph.tree = None;
    }
}

/// The scene's focusables and scopes, as the focus engine sees them.
#[derive(bevy_ecs::system::SystemParam)]
pub struct FocusScene<'w, 's> {
    pub(super) root: Res<'w, SceneRoot>,
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
    /// `node`, then its ancestors up to the root.
    pub fn path_to_root(&self, node: Entity) -> Vec<Entity> {
        let mut path = vec![node];
        let mut at = self.parents.get(node).ok().map(ChildOf::parent);
        while let Some(e) = at {
            path.push(e);
            at = self.parents.get(e).ok().map(ChildOf::parent);
        }
        path
    }

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
