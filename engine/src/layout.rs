//! Layout: mirrors the scene into a taffy tree and writes [`ComputedRect`]s.
//!
//! Only what changed is touched: new nodes get taffy nodes, changed styles, children, texts
//! and image sizes mark their taffy nodes dirty, and taffy relayouts dirty subtrees only. A
//! scroll offset change does not run taffy at all: it only moves absolute positions.

use bevy_ecs::entity::EntityHashMap;
use bevy_ecs::prelude::*;
use taffy::prelude::*;

use crate::images::{ImageState, Images};
use crate::scene::{ComputedRect, ImageContent, NodeStyle, SceneChanges, ScrollOffset, TextContent};
use crate::text::{Fonts, TextLayout, layout_text, min_content_width};

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
}

impl Default for LayoutTree {
    fn default() -> Self {
        let mut taffy = TaffyTree::new();
        // Whole pixels: crisp edges, and glyphs placed on the pixel grid line up.
        taffy.enable_rounding();
        Self { taffy, nodes: EntityHashMap::default() }
    }
}

/// A node whose box moved or resized in this frame's layout, for layout animations.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutMove {
    /// The node.
    pub entity: Entity,
    /// Its box before.
    pub from: ComputedRect,
    /// Its box now.
    pub to: ComputedRect,
    /// Whether only a scroll offset moved it (scrolling is animated by the offset itself).
    pub scrolled: bool,
}

/// The boxes layout moved this frame (first layouts of new nodes are not moves).
#[derive(Resource, Debug, Default)]
pub struct LayoutMoves(pub Vec<LayoutMove>);

/// Text layouts by node and width, so taffy's repeated measuring and the renderer share work.
#[derive(Resource, Debug, Default)]
pub struct TextLayouts {
    map: EntityHashMap<Vec<(Option<u32>, TextLayout)>>,
}

impl TextLayouts {
    /// How many widths are kept per node.
    const PER_NODE: usize = 3;

    /// The layout of `text` for `max_width`, computed at most once per width.
    pub fn get(
        &mut self,
        fonts: &Fonts,
        entity: Entity,
        text: &TextContent,
        max_width: Option<f32>,
    ) -> &TextLayout {
        // Whole-pixel widths: taffy asks with rounded and unrounded variants of a width.
        let key = max_width.map(|w| (w.max(0.0) * 4.0).round() as u32);
        let entries = self.map.entry(entity).or_default();
        let index = match entries.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                if entries.len() == Self::PER_NODE {
                    entries.remove(0);
                }
                entries.push((key, layout_text(fonts, &text.text, &text.style, max_width)));
                entries.len() - 1
            }
        };
        &entries[index].1
    }

    /// The layout to draw in a box `width` wide: the unwrapped layout taffy measured when it
    /// fits (no second line breaking), else one for that width.
    pub fn get_for_box(
        &mut self,
        fonts: &Fonts,
        entity: Entity,
        text: &TextContent,
        width: f32,
    ) -> &TextLayout {
        let fits = self
            .map
            .get(&entity)
            .and_then(|entries| entries.iter().find(|(k, _)| k.is_none()))
            .is_some_and(|(_, layout)| layout.width() <= width);
        self.get(fonts, entity, text, if fits { None } else { Some(width) })
    }

    /// Forgets a node's layouts (its text changed or it is gone).
    pub fn forget(&mut self, entity: Entity) {
        self.map.remove(&entity);
    }
}

/// Parents with a child whose `z_index` is not 0: only their children are sorted when painted.
/// (A parent stays listed when the z-index goes back to 0; sorting then changes nothing.)
#[derive(Resource, Debug, Default)]
pub struct ZOrderedParents(pub bevy_ecs::entity::EntityHashSet);

/// Creates, updates and removes taffy nodes to match the scene.
pub fn sync_layout_tree(
    mut tree: NonSendMut<LayoutTree>,
    mut changes: ResMut<SceneChanges>,
    mut texts: ResMut<TextLayouts>,
    mut z_ordered: ResMut<ZOrderedParents>,
    added: Query<(Entity, &NodeStyle), Added<NodeStyle>>,
    styles: Query<(Entity, &NodeStyle, Option<&ChildOf>), Changed<NodeStyle>>,
    children: Query<(Entity, &Children), (With<NodeStyle>, Changed<Children>)>,
    all_children: Query<&Children>,
) {
    if !changes.layout {
        return;
    }
    let tree = &mut *tree;
    let changes = &mut *changes;
    for entity in changes.removed.drain(..) {
        if let Some(node) = tree.nodes.remove(&entity) {
            let _ = tree.taffy.remove(node);
        }
        texts.forget(entity);
        z_ordered.0.remove(&entity);
    }
    let mut parents_to_sync = Vec::new();
    for (entity, style) in &added {
        if let Ok(node) = tree.taffy.new_leaf_with_context(style.0.to_taffy(), entity) {
            tree.nodes.insert(entity, node);
            parents_to_sync.push(entity);
        }
    }
    for (entity, style, parent) in &styles {
        if let Some(&node) = tree.nodes.get(&entity) {
            let _ = tree.taffy.set_style(node, style.0.to_taffy());
        }
        if style.0.z_index != 0
            && let Some(parent) = parent
        {
            z_ordered.0.insert(parent.parent());
        }
    }
    parents_to_sync.extend(children.iter().map(|(e, _)| e));
    // A removed child leaves its parent's `Children` changed, or removed when it was the last.
    if changes.structure {
        for entity in tree.nodes.keys().copied().collect::<Vec<_>>() {
            if !all_children.contains(entity) {
                parents_to_sync.push(entity);
            }
        }
    }
    for entity in parents_to_sync {
        let Some(&node) = tree.nodes.get(&entity) else { continue };
        let kid_nodes: Vec<NodeId> = all_children
            .get(entity)
            .map(|kids| kids.iter().filter_map(|k| tree.nodes.get(&k).copied()).collect())
            .unwrap_or_default();
        if tree.taffy.children(node).ok().as_deref() != Some(&kid_nodes[..]) {
            let _ = tree.taffy.set_children(node, &kid_nodes);
        }
    }
    for entity in changes.remeasure.drain() {
        texts.forget(entity);
        if let Some(&node) = tree.nodes.get(&entity) {
            let _ = tree.taffy.mark_dirty(node);
        }
    }
}

/// Runs taffy from the root (when a layout input changed) and writes absolute
/// [`ComputedRect`]s, applying scroll offsets.
pub fn compute_layout(
    mut tree: NonSendMut<LayoutTree>,
    mut changes: ResMut<SceneChanges>,
    mut moves: ResMut<LayoutMoves>,
    mut texts: ResMut<TextLayouts>,
    root: Res<SceneRoot>,
    viewport: Res<Viewport>,
    fonts: Res<Fonts>,
    images: Res<Images>,
    text_nodes: Query<&TextContent>,
    image_nodes: Query<&ImageContent>,
    child_lists: Query<&Children>,
    scrolls: Query<&ScrollOffset>,
    mut rects: Query<&mut ComputedRect>,
) {
    moves.0.clear();
    let relayout = changes.layout || viewport.is_changed();
    if !relayout && !changes.scrolled {
        return;
    }
    let tree = &mut *tree;
    let Some(&root_node) = tree.nodes.get(&root.0) else { return };
    if relayout {
        let space = Size {
            width: AvailableSpace::Definite(viewport.width as f32),
            height: AvailableSpace::Definite(viewport.height as f32),
        };
        let measured =
            tree.taffy.compute_layout_with_measure(root_node, space, |inputs, _, entity, style| {
                let Some(&mut entity) = entity else { return taffy::LayoutOutput::HIDDEN };
                taffy::compute_leaf_layout(
                    inputs,
                    style,
                    |_, _| 0.0,
                    |known, available| {
                        if let Ok(text) = text_nodes.get(entity) {
                            let max_width = known.width.or(match available.width {
                                AvailableSpace::Definite(w) => Some(w),
                                // The widest word: text breaks inside a word only when it must.
                                AvailableSpace::MinContent => {
                                    Some(min_content_width(&fonts, &text.text, &text.style))
                                }
                                AvailableSpace::MaxContent => None,
                            });
                            let laid = texts.get(&fonts, entity, text, max_width);
                            return Size {
                                width: known.width.unwrap_or(laid.width().ceil()),
                                height: known.height.unwrap_or(laid.height()),
                            };
                        }
                        if let Ok(image) = image_nodes.get(entity) {
                            let handle_size = images.size_of(&image.url);
                            let Some((w, h)) = handle_size else { return Size::ZERO };
                            let (w, h) = (w as f32, h as f32);
                            return match (known.width, known.height) {
                                (Some(kw), Some(kh)) => Size { width: kw, height: kh },
                                (Some(kw), None) => Size { width: kw, height: kw * h / w },
                                (None, Some(kh)) => Size { width: kh * w / h, height: kh },
                                (None, None) => Size { width: w, height: h },
                            };
                        }
                        Size::ZERO
                    },
                )
            });
        if measured.is_err() {
            return;
        }
    }
    // Walk the tree, turning parent-relative locations into viewport positions. When only
    // scroll offsets changed, only the scrolled subtrees move.
    let scroll_only = !relayout;
    let mut stack = Vec::new();
    if scroll_only {
        for &scrolled in &changes.scrolled_nodes {
            let Ok(rect) = rects.get(scrolled) else { continue };
            let (sx, sy) = scrolls.get(scrolled).map_or((0.0, 0.0), |s| (s.x, s.y));
            if let Ok(kids) = child_lists.get(scrolled) {
                stack.extend(kids.iter().map(|k| (k, rect.x - sx, rect.y - sy)));
            }
        }
    } else {
        stack.push((root.0, 0.0f32, 0.0f32));
    }
    while let Some((entity, px, py)) = stack.pop() {
        let Some(&node) = tree.nodes.get(&entity) else { continue };
        let Ok(layout) = tree.taffy.layout(node) else { continue };
        let rect = ComputedRect {
            x: px + layout.location.x,
            y: py + layout.location.y,
            width: layout.size.width,
            height: layout.size.height,
        };
        if let Ok(mut computed) = rects.get_mut(entity)
            && *computed != rect
        {
            let from = *computed;
            // A node's first layout (all zero) is where it appears, not a move.
            if from != ComputedRect::default() {
                moves.0.push(LayoutMove { entity, from, to: rect, scrolled: scroll_only });
            }
            *computed = rect;
            changes.repaint.insert(entity);
        }
        if let Ok(kids) = child_lists.get(entity) {
            let (sx, sy) = scrolls.get(entity).map_or((0.0, 0.0), |s| (s.x, s.y));
            stack.extend(kids.iter().map(|k| (k, rect.x - sx, rect.y - sy)));
        }
    }
}

impl Images {
    /// The size of the image at a URL, once loaded.
    pub fn size_of(&self, url: &str) -> Option<(u32, u32)> {
        match self.state(self.known_handle(url)?)? {
            ImageState::Loaded { width, height } => Some((width, height)),
            _ => None,
        }
    }
}
