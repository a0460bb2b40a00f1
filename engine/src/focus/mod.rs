//! Focus: which node has it, moving it with the D-pad, and the events the UI layer reacts to.
//!
//! The rules are in `docs/focus.md`. The pure part: [`geometry`] (rectangles, directions),
//! [`profile`] (Android's FocusFinder by default, Chromium's spatial navigation as `web`) and
//! [`tree`] (a move through scopes). The scene part: [`components`] page code sets,
//! [`graph`] (the focus tree of the current layout), [`navigate`] (keys to moves), [`keys`]
//! (repeat and long press), [`reveal`] (scroll into view) and [`announce`] (what a screen
//! reader says).

pub mod announce;
pub mod components;
pub mod geometry;
pub mod graph;
pub mod keys;
pub mod navigate;
pub mod profile;
pub mod reveal;
pub mod tree;

pub use announce::{AccessibleLabel, Announcement, Announcements, Role};
pub(crate) use components::on_focus_structure;
pub use components::{FocusKey, FocusOverrides, FocusScope};
pub use geometry::{Direction, DirectionSet, FocusRect};
pub use graph::{FocusGraph, FocusScene, invalidate_focus_tree};
pub use keys::{HeldKeys, KeyAction, KeyPhase, KeyTiming};
pub use navigate::{FocusHooks, FocusMove, FollowedItem, ensure_focus, follow_focused_item, navigate_focus};
pub use profile::{Android, ScoringProfile, Web, profile_named};
pub use reveal::{RevealDefaults, ScrollIntoView};
pub use tree::{FocusMemory, FocusTree, FocusTreeBuilder, FocusTreeError, ScopeRules};

use bevy_ecs::prelude::*;

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
