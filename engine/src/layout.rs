//! Layout: mirrors the scene into a taffy tree and writes [`ComputedRect`]s.
//!
//! Only what changed is touched: new nodes get taffy nodes, changed styles, children and
//! texts mark their taffy nodes dirty, and taffy relayouts dirty subtrees only.

use bevy_ecs::entity::EntityHashMap;
use bevy_ecs::prelude::*;
use taffy::prelude::*;

use crate::scene::{ComputedRect, NodeStyle, TextContent};
use crate::text::{Fonts, layout_text};

/// The viewport in pixels.
#[derive(Resource, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Viewport {
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

/// The root of the scene: laid out to fill the viewport.
#[derive(Resource, Clone, Copy, Debug)]
pub struct SceneRoot(pub Entity);

/// The taffy tree mirroring the scene.
/// Not `Send` (taffy's style is not), so it is a non-send resource: engines are single-threaded.
pub struct LayoutTree {
    taffy: TaffyTree<Entity>,
    nodes: EntityHashMap<NodeId>,
    /// Set when any layout input changed this frame.
    pub changed: bool,
}

impl Default for LayoutTree {
    fn default() -> Self {
        Self { taffy: TaffyTree::new(), nodes: EntityHashMap::default(), changed: false }
    }
}

/// Creates, updates and removes taffy nodes to match the scene.
pub fn sync_layout_tree(
    mut tree: NonSendMut<LayoutTree>,
    added: Query<(Entity, &NodeStyle), Added<NodeStyle>>,
    styles: Query<(Entity, &NodeStyle), Changed<NodeStyle>>,
    children: Query<(Entity, &Children), (With<NodeStyle>, Changed<Children>)>,
    texts: Query<Entity, Changed<TextContent>>,
    mut removed: RemovedComponents<NodeStyle>,
) {
    let tree = &mut *tree;
    for entity in removed.read() {
        if let Some(node) = tree.nodes.remove(&entity) {
            let _ = tree.taffy.remove(node);
            tree.changed = true;
        }
    }
    for (entity, style) in &added {
        if let Ok(node) = tree.taffy.new_leaf_with_context(style.0.to_taffy(), entity) {
            tree.nodes.insert(entity, node);
            tree.changed = true;
        }
    }
    for (entity, style) in &styles {
        if let Some(&node) = tree.nodes.get(&entity) {
            let _ = tree.taffy.set_style(node, style.0.to_taffy());
            tree.changed = true;
        }
    }
    for (entity, kids) in &children {
        let Some(&node) = tree.nodes.get(&entity) else { continue };
        let kid_nodes: Vec<NodeId> = kids.iter().filter_map(|k| tree.nodes.get(&k).copied()).collect();
        let _ = tree.taffy.set_children(node, &kid_nodes);
        tree.changed = true;
    }
    for entity in &texts {
        if let Some(&node) = tree.nodes.get(&entity) {
            let _ = tree.taffy.mark_dirty(node);
            tree.changed = true;
        }
    }
}

/// Runs taffy from the root and writes absolute [`ComputedRect`]s.
pub fn compute_layout(
    mut tree: NonSendMut<LayoutTree>,
    root: Res<SceneRoot>,
    viewport: Res<Viewport>,
    fonts: Res<Fonts>,
    text_nodes: Query<&TextContent>,
    child_lists: Query<&Children>,
    mut rects: Query<&mut ComputedRect>,
) {
    if !tree.changed && !viewport.is_changed() {
        return;
    }
    let tree = &mut *tree;
    tree.changed = false;
    let Some(&root_node) = tree.nodes.get(&root.0) else { return };
    let space = Size {
        width: AvailableSpace::Definite(viewport.width as f32),
        height: AvailableSpace::Definite(viewport.height as f32),
    };
    let measured = tree.taffy.compute_layout_with_measure(root_node, space, |inputs, _, entity, style| {
        let text = entity.and_then(|e| text_nodes.get(*e).ok());
        taffy::compute_leaf_layout(
            inputs,
            style,
            |_, _| 0.0,
            |known, available| {
                let Some(text) = text else { return Size::ZERO };
                let max_width = known.width.or(match available.width {
                    AvailableSpace::Definite(w) => Some(w),
                    AvailableSpace::MinContent => Some(0.0),
                    AvailableSpace::MaxContent => None,
                });
                let laid = layout_text(&fonts, &text.text, &text.style, max_width);
                Size {
                    width: known.width.unwrap_or(laid.width().ceil()),
                    height: known.height.unwrap_or(laid.height()),
                }
            },
        )
    });
    if measured.is_err() {
        return;
    }
    // Walk the tree, turning parent-relative locations into viewport positions.
    let mut stack = vec![(root.0, 0.0f32, 0.0f32)];
    while let Some((entity, px, py)) = stack.pop() {
        let Some(&node) = tree.nodes.get(&entity) else { continue };
        let Ok(layout) = tree.taffy.layout(node) else { continue };
        let rect = ComputedRect {
            x: px + layout.location.x,
            y: py + layout.location.y,
            width: layout.size.width,
            height: layout.size.height,
        };
        if let Ok(mut computed) = rects.get_mut(entity) {
            computed.set_if_neq(rect);
        }
        if let Ok(kids) = child_lists.get(entity) {
            stack.extend(kids.iter().map(|k| (k, rect.x, rect.y)));
        }
    }
}
