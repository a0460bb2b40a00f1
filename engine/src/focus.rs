//! Focus: which node has it, moving it with the D-pad, and the events the UI layer reacts to.
//!
//! This first cut uses a plain geometric rule: among focusable nodes lying in the direction
//! of travel, the one with the lowest `gap + 2 · offset` wins (gap along the direction,
//! offset across it), ties going to tree order.

use bevy_ecs::prelude::*;
use touchline_abi::Key;

use crate::input::FrameInput;
use crate::layout::SceneRoot;
use crate::scene::{ComputedRect, Focusable};

/// What happened to a node, for the UI layer's handlers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UiEventKind {
    /// The node gained focus.
    Focus,
    /// The node lost focus.
    Blur,
    /// OK was pressed on the focused node.
    Select,
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

/// A direction of travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Towards smaller y.
    Up,
    /// Towards larger y.
    Down,
    /// Towards smaller x.
    Left,
    /// Towards larger x.
    Right,
}

impl Direction {
    fn from_key(key: Key) -> Option<Self> {
        Some(match key {
            Key::Up => Self::Up,
            Key::Down => Self::Down,
            Key::Left => Self::Left,
            Key::Right => Self::Right,
            _ => return None,
        })
    }
}

/// Scores `candidate` as a destination from `from`; `None` when it is not in `dir`.
pub fn score(from: &ComputedRect, candidate: &ComputedRect, dir: Direction) -> Option<f32> {
    let (fx, fy) = from.center();
    let (cx, cy) = candidate.center();
    let (gap, offset, ahead) = match dir {
        Direction::Right => (candidate.x - (from.x + from.width), (cy - fy).abs(), cx > fx),
        Direction::Left => (from.x - (candidate.x + candidate.width), (cy - fy).abs(), cx < fx),
        Direction::Down => (candidate.y - (from.y + from.height), (cx - fx).abs(), cy > fy),
        Direction::Up => (from.y - (candidate.y + candidate.height), (cx - fx).abs(), cy < fy),
    };
    ahead.then_some(gap.max(0.0) + 2.0 * offset)
}

/// Focusable nodes in tree (paint) order.
pub fn focusables_in_tree_order(
    root: Entity,
    children: &Query<&Children>,
    focusable: &Query<&ComputedRect, With<Focusable>>,
) -> Vec<(Entity, ComputedRect)> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(entity) = stack.pop() {
        if let Ok(rect) = focusable.get(entity) {
            out.push((entity, *rect));
        }
        if let Ok(kids) = children.get(entity) {
            stack.extend(kids.iter().rev());
        }
    }
    out
}

/// Handles the frame's keys: arrows move focus, OK selects, Back goes back.
pub fn navigate_focus(
    input: Res<FrameInput>,
    root: Res<SceneRoot>,
    mut focus: ResMut<FocusState>,
    children: Query<&Children>,
    focusable: Query<&ComputedRect, With<Focusable>>,
) {
    for key in input.keys.iter().filter(|k| k.down) {
        if let Some(dir) = Direction::from_key(key.key) {
            let Some(current) = focus.focused else { continue };
            let Ok(from) = focusable.get(current) else { continue };
            let mut best: Option<(f32, Entity)> = None;
            for (entity, rect) in focusables_in_tree_order(root.0, &children, &focusable) {
                if entity == current {
                    continue;
                }
                if let Some(s) = score(from, &rect, dir) {
                    // Strictly lower wins, so ties keep the earlier node in tree order.
                    if best.is_none_or(|(b, _)| s < b) {
                        best = Some((s, entity));
                    }
                }
            }
            if let Some((_, target)) = best {
                focus.set(Some(target));
            }
        } else if let Some(target) = focus.focused.or(Some(root.0)) {
            let kind = match key.key {
                Key::Select => UiEventKind::Select,
                Key::Back => UiEventKind::Back,
                _ => continue,
            };
            focus.events.push(UiEvent { kind, target });
        }
    }
}

/// Keeps focus on a live focusable node: the first in tree order when it has none.
pub fn ensure_focus(
    root: Res<SceneRoot>,
    mut focus: ResMut<FocusState>,
    children: Query<&Children>,
    focusable: Query<&ComputedRect, With<Focusable>>,
) {
    if focus.focused.is_some_and(|e| focusable.contains(e)) {
        return;
    }
    let first = focusables_in_tree_order(root.0, &children, &focusable).first().map(|(e, _)| *e);
    if focus.focused.is_some() || first.is_some() {
        // The old node is gone: no blur for it.
        focus.focused = None;
        focus.set(first);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x: f32, y: f32) -> ComputedRect {
        ComputedRect { x, y, width: 100.0, height: 100.0 }
    }

    #[test]
    fn only_nodes_in_the_direction_qualify() {
        let from = rect(200.0, 200.0);
        assert!(score(&from, &rect(400.0, 200.0), Direction::Right).is_some());
        assert!(score(&from, &rect(0.0, 200.0), Direction::Right).is_none());
        assert!(score(&from, &rect(200.0, 0.0), Direction::Up).is_some());
        assert!(score(&from, &rect(200.0, 0.0), Direction::Down).is_none());
    }

    #[test]
    fn aligned_neighbour_beats_a_diagonal_one() {
        let from = rect(200.0, 200.0);
        let aligned = score(&from, &rect(500.0, 200.0), Direction::Right).expect("qualifies");
        let diagonal = score(&from, &rect(350.0, 400.0), Direction::Right).expect("qualifies");
        assert!(aligned < diagonal);
    }
}
