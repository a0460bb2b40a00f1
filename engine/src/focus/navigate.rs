//! Moving focus: arrow presses and repeats through the focus tree, the UI layer's hooks, OK,
//! long OK and Back, keeping focus on a live node, and on its item when its node is recycled.

use bevy_ecs::prelude::*;
use touchline_abi::Key;

use super::{
    Announcements, Direction, FocusGraph, FocusKey, FocusScene, FocusScope, FocusState, HeldKeys, KeyAction,
    KeyPhase, KeyTiming, UiEvent, UiEventKind,
};
use crate::input::FrameInput;
use crate::layout::SceneRoot;
use crate::scene::{Focusable, NodeStyle};
use crate::style::Display;

fn direction_of(key: Key) -> Option<Direction> {
    Some(match key {
        Key::Up => Direction::Up,
        Key::Down => Direction::Down,
        Key::Left => Direction::Left,
        Key::Right => Direction::Right,
        _ => return None,
    })
}

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
    /// Every key action, with the focus path (the focused node, then its ancestors up to the
    /// root; empty when nothing has focus); returning true consumes it: no move, select, long
    /// select or back follows.
    pub on_key: Option<Box<dyn FnMut(KeyAction, &[Entity]) -> bool>>,
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
        if let Some(hook) = hooks.on_key.as_mut() {
            let path = focus.focused.map(|node| scene.path_to_root(node)).unwrap_or_default();
            if hook(action, &path) {
                continue;
            }
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

/// Keeps focus on a live, shown focusable node: the first shown one in tree order when it has
/// none (a node under a `display: none` ancestor is hidden, and so is a page below the top
/// of a router's stack).
pub fn ensure_focus(
    root: Res<SceneRoot>,
    mut focus: ResMut<FocusState>,
    children: Query<&Children>,
    parents: Query<&ChildOf>,
    styles: Query<&NodeStyle>,
    focusable: Query<(), With<Focusable>>,
) {
    let hidden = |node: Entity| styles.get(node).is_ok_and(|s| s.display == Display::None);
    let shown = |node: Entity| {
        let mut at = Some(node);
        while let Some(e) = at {
            if hidden(e) {
                return false;
            }
            at = parents.get(e).ok().map(ChildOf::parent);
        }
        true
    };
    if focus.focused.is_some_and(|e| focusable.contains(e) && shown(e)) {
        return;
    }
    let mut first = None;
    let mut stack = vec![root.0];
    while let Some(entity) = stack.pop() {
        if hidden(entity) {
            continue;
        }
        if focusable.contains(entity) {
            first = Some(entity);
            break;
        }
        if let Ok(kids) = children.get(entity) {
            stack.extend(kids.iter().rev());
        }
    }
    if focus.focused.is_some() || first.is_some() {
        // The old node is gone or hidden: no blur for it.
        focus.focused = None;
        focus.set(first);
    }
}
