//! Accessibility announcements: every focus change says what has focus — its label, its role
//! and where it sits ("Bayern v Dortmund, tile, 3 of 12") — for the host to speak.

use bevy_ecs::prelude::*;

use super::{FocusGraph, FocusKey, FocusScene, FocusScope, FocusState};
use crate::scene::{NodeStyle, TextContent};
use crate::style::Display;

/// What kind of control a node is, as a screen reader names it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Role {
    /// Something that acts when selected.
    #[default]
    Button,
    /// A tile in a rail or grid.
    Tile,
    /// A tab of a tab bar.
    Tab,
    /// An entry of a menu.
    MenuItem,
    /// An entry of a list.
    ListItem,
    /// An on/off setting.
    Switch,
    /// A value on a track (a video timeline).
    Slider,
    /// A text field.
    TextField,
}

impl Role {
    /// The word spoken for the role.
    pub fn name(self) -> &'static str {
        match self {
            Role::Button => "button",
            Role::Tile => "tile",
            Role::Tab => "tab",
            Role::MenuItem => "menu item",
            Role::ListItem => "list item",
            Role::Switch => "switch",
            Role::Slider => "slider",
            Role::TextField => "text field",
        }
    }
}

/// How a focusable node is announced. Without it, the node's texts are its label and it is a
/// button.
#[derive(Component, Clone, Debug, Default, PartialEq, Eq)]
pub struct AccessibleLabel {
    /// What the node is called (empty: its texts).
    pub label: String,
    /// What kind of control it is.
    pub role: Role,
}

/// One announcement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Announcement {
    /// The node that took focus.
    pub node: Entity,
    /// Its label.
    pub label: String,
    /// Its role.
    pub role: Role,
    /// Its place among the focusables of its scope, from 1, and their count.
    pub position: Option<(usize, usize)>,
}

impl Announcement {
    /// The sentence a host speaks: "label, role, 3 of 12".
    pub fn text(&self) -> String {
        let mut parts: Vec<String> = Vec::with_capacity(3);
        if !self.label.is_empty() {
            parts.push(self.label.clone());
        }
        parts.push(self.role.name().to_owned());
        if let Some((index, count)) = self.position {
            parts.push(format!("{index} of {count}"));
        }
        parts.join(", ")
    }
}

/// Announcements of the frame being made, those of the last frame, and the node last
/// announced.
#[derive(Resource, Debug, Default)]
pub struct Announcements {
    pending: Vec<Announcement>,
    last_frame: Vec<Announcement>,
    /// The node last announced and the item it showed (a recycled node's item can change
    /// under focus).
    last: Option<(Entity, Option<u64>)>,
}

impl Announcements {
    /// Whether this frame and the last have nothing to say.
    pub fn is_quiet(&self) -> bool {
        self.pending.is_empty() && self.last_frame.is_empty()
    }

    /// Ends a frame: its announcements become the last frame's, and are returned.
    pub fn finish_frame(&mut self) -> &[Announcement] {
        self.last_frame = std::mem::take(&mut self.pending);
        &self.last_frame
    }

    /// Focus moved from `old` to `new` because `old` was recycled and `new` now shows the
    /// same item: nothing new to say.
    pub fn carry_over(&mut self, old: Entity, new: Entity) {
        if let Some((node, _)) = &mut self.last
            && *node == old
        {
            *node = new;
        }
    }

    /// The announcements of the last frame.
    pub fn last_frame(&self) -> &[Announcement] {
        &self.last_frame
    }
}

/// The texts under a node that are shown, in tree order, joined by spaces: a hidden badge
/// ("Resume" on a tile with nothing to resume) is not read out.
fn texts_under(
    node: Entity,
    children: &Query<&Children>,
    texts: &Query<&TextContent>,
    styles: &Query<&NodeStyle>,
) -> String {
    let mut out: Vec<&str> = Vec::new();
    let mut stack = vec![node];
    while let Some(entity) = stack.pop() {
        if styles.get(entity).is_ok_and(|s| s.display == Display::None) {
            continue;
        }
        if let Ok(text) = texts.get(entity) {
            out.push(text.text.trim());
        }
        if let Ok(kids) = children.get(entity) {
            stack.extend(kids.iter().rev());
        }
    }
    out.retain(|t| !t.is_empty());
    out.join(" ")
}

/// The node's place among the focusables of its scope, and their count. With the focus tree
/// built (after any key press) it is a lookup; otherwise (the first focus of a page) a walk of
/// the scope, so that announcing does not build the tree before navigation needs it.
fn position_in_scope(
    node: Entity,
    graph: &FocusGraph,
    scene: &FocusScene,
    scopes: &Query<&FocusScope>,
    items_shown: &Query<&FocusKey>,
) -> Option<(usize, usize)> {
    let scope = scene.scope_of(node);
    // A virtualized list counts its items, not the nodes it recycles for them.
    let items = scope.and_then(|s| scopes.get(s).ok()).and_then(|s| s.item_count);
    if let (Some(count), Ok(item)) = (items, items_shown.get(node)) {
        return Some((item.0 as usize + 1, count));
    }
    if let Some(tree) = graph.tree()
        && let Some(slot) = tree.slot(node)
    {
        let peers = tree.focusables_in(tree.parent(slot));
        let index = peers.partition_point(|&(s, _)| s < slot);
        return Some((index + 1, peers.len()));
    }
    scene.position_among_focusables(node, scope)
}

/// Announces the focused node when focus changed.
pub fn announce_focus(
    focus: Res<FocusState>,
    mut announcements: ResMut<Announcements>,
    graph: Res<FocusGraph>,
    scene: FocusScene,
    labels: Query<&AccessibleLabel>,
    texts: Query<&TextContent>,
    styles: Query<&NodeStyle>,
    items_shown: Query<&FocusKey>,
    scopes: Query<&FocusScope>,
) {
    let now = focus.focused.map(|node| (node, items_shown.get(node).ok().map(|k| k.0)));
    if now == announcements.last {
        return;
    }
    announcements.last = now;
    let Some(node) = focus.focused else { return };
    let position = position_in_scope(node, &graph, &scene, &scopes, &items_shown);
    let given = labels.get(node).ok();
    let label = given
        .map(|l| l.label.clone())
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| texts_under(node, &scene.children, &texts, &styles));
    let role = given.map(|l| l.role).unwrap_or_default();
    announcements.pending.push(Announcement { node, label, role, position });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sentence_has_label_role_and_position() {
        let a = Announcement {
            node: Entity::PLACEHOLDER,
            label: "Bayern v Dortmund".into(),
            role: Role::Tile,
            position: Some((3, 12)),
        };
        assert_eq!(a.text(), "Bayern v Dortmund, tile, 3 of 12");
        let unlabeled = Announcement { label: String::new(), position: None, ..a };
        assert_eq!(unlabeled.text(), "tile");
    }
}
