//! Layout: mirrors the scene into the layout tree and writes [`ComputedRect`]s.
//!
//! Only what changed is touched: new nodes get layout nodes, changed styles, children, texts
//! and image sizes mark their nodes dirty, and taffy relayouts dirty subtrees only. A scroll
//! offset change does not run taffy at all: it only moves absolute positions.

mod cache;
mod tree;

use bevy_ecs::entity::EntityHashMap;
use bevy_ecs::prelude::*;
use taffy::prelude::{AvailableSpace, Size};
pub use tree::{LayoutTree, NodeKind, Relayout};

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

/// Text measurements, and the layouts drawn, per node.
///
/// taffy measures a text node several times per layout (flex basis, min-content size, final
/// size), so measurements are cached per width — as sizes only: of a page of 10,000 labels
/// only the few hundred on screen are drawn, and only their glyph positions are kept.
#[derive(Resource, Debug, Default)]
pub struct TextLayouts {
    measured: EntityHashMap<TextMeasures>,
    drawn: EntityHashMap<(u32, TextLayout)>,
}

/// A node's recent measurements: `(width key, width, height)`, replaced round-robin.
#[derive(Debug, Default)]
struct TextMeasures {
    min_content: Option<f32>,
    sizes: [(u32, f32, f32); TextMeasures::SLOTS],
    len: u8,
    next: u8,
}

impl TextMeasures {
    /// taffy asks for at most three widths per layout: min-content, max-content, final.
    const SLOTS: usize = 3;
}

/// Widths are cached to a quarter pixel: taffy asks with rounded and unrounded variants of a
/// width. No width (unwrapped) is its own key.
fn width_key(max_width: Option<f32>) -> u32 {
    max_width.map_or(u32::MAX, |w| ((w.max(0.0) * 4.0).round() as u32).min(u32::MAX - 1))
}

impl TextLayouts {
    /// The size of `text` broken for `max_width`, laid out at most once per width.
    pub fn measure(
        &mut self,
        fonts: &Fonts,
        entity: Entity,
        text: &TextContent,
        max_width: Option<f32>,
    ) -> (f32, f32) {
        let key = width_key(max_width);
        let entry = self.measured.entry(entity).or_default();
        let len = usize::from(entry.len);
        if let Some(&(_, w, h)) = entry.sizes[..len].iter().find(|(k, _, _)| *k == key) {
            return (w, h);
        }
        let laid = layout_text(fonts, &text.text, &text.style, max_width);
        let size = (laid.width(), laid.height());
        let slot = if len < TextMeasures::SLOTS {
            entry.len += 1;
            len
        } else {
            let slot = usize::from(entry.next);
            entry.next = ((slot + 1) % TextMeasures::SLOTS) as u8;
            slot
        };
        entry.sizes[slot] = (key, size.0, size.1);
        size
    }

    /// The width of the widest word: text breaks inside a word only when it must.
    pub fn min_content(&mut self, fonts: &Fonts, entity: Entity, text: &TextContent) -> f32 {
        let entry = self.measured.entry(entity).or_default();
        *entry.min_content.get_or_insert_with(|| min_content_width(fonts, &text.text, &text.style))
    }

    /// The layout to draw in a box `width` wide: unwrapped when that fits (no second line
    /// breaking), else broken for that width.
    pub fn get_for_box(
        &mut self,
        fonts: &Fonts,
        entity: Entity,
        text: &TextContent,
        width: f32,
    ) -> &TextLayout {
        let unwrapped_fits = self.measured.get(&entity).is_some_and(|m| {
            m.sizes[..usize::from(m.len)].iter().any(|&(k, w, _)| k == u32::MAX && w <= width)
        });
        let max_width = if unwrapped_fits { None } else { Some(width) };
        let key = width_key(max_width);
        let entry = self.drawn.entry(entity).or_insert_with(|| (key, TextLayout::default()));
        if entry.0 != key || entry.1.lines.is_empty() {
            *entry = (key, layout_text(fonts, &text.text, &text.style, max_width));
        }
        &entry.1
    }

    /// Forgets a node's measurements and layout (its text changed or it is gone).
    pub fn forget(&mut self, entity: Entity) {
        self.measured.remove(&entity);
        self.drawn.remove(&entity);
    }
}

/// Parents with a child whose `z_index` is not 0: only their children are sorted when painted.
/// (A parent stays listed when the z-index goes back to 0; sorting then changes nothing.)
#[derive(Resource, Debug, Default)]
pub struct ZOrderedParents(pub bevy_ecs::entity::EntityHashSet);

fn kind(text: bool, image: bool) -> NodeKind {
    if text {
        NodeKind::Text
    } else if image {
        NodeKind::Image
    } else {
        NodeKind::Box
    }
}

/// Creates, updates and removes layout nodes to match the scene.
#[allow(clippy::too_many_arguments)]
pub fn sync_layout_tree(
    mut tree: NonSendMut<LayoutTree>,
    mut changes: ResMut<SceneChanges>,
    mut texts: ResMut<TextLayouts>,
    mut z_ordered: ResMut<ZOrderedParents>,
    added: Query<(Entity, &NodeStyle, Has<TextContent>, Has<ImageContent>), Added<NodeStyle>>,
    styles: Query<(Entity, &NodeStyle, Option<&ChildOf>), Changed<NodeStyle>>,
    children: Query<(Entity, &Children), (With<NodeStyle>, Changed<Children>)>,
    kinds: Query<(Has<TextContent>, Has<ImageContent>)>,
) {
    if !changes.layout {
        return;
    }
    let tree = &mut *tree;
    let changes = &mut *changes;
    // A removed node leaves its parent's child list (and marks the parent for layout) here,
    // including when it was the last child and the parent's `Children` went away.
    // (The renderer drops their paint caches too: the list is cleared at the frame's end.)
    for &entity in &changes.removed {
        tree.remove(entity);
        texts.forget(entity);
        z_ordered.0.remove(&entity);
    }
    for (entity, style, text, image) in &added {
        tree.insert(entity, &style.0, kind(text, image));
    }
    for (entity, style, parent) in &styles {
        tree.set_style(entity, &style.0);
        if style.z_index != 0
            && let Some(parent) = parent
        {
            z_ordered.0.insert(parent.parent());
        }
    }
    // After the inserts, so new children are found; a child moved here leaves its old parent.
    for (entity, kids) in &children {
        tree.set_children(entity, kids.iter());
    }
    for entity in changes.remeasure.drain() {
        texts.forget(entity);
        if let Ok((text, image)) = kinds.get(entity) {
            tree.set_kind(entity, kind(text, image));
        }
        tree.mark_dirty(entity);
    }
}

/// The size of a text or image leaf for taffy.
fn measure_leaf(
    fonts: &Fonts,
    texts: &mut TextLayouts,
    images: &Images,
    entity: Entity,
    content: Leaf<'_>,
    known: Size<Option<f32>>,
    available: Size<AvailableSpace>,
) -> Size<f32> {
    match content {
        Leaf::Text(text) => {
            let max_width = known.width.or(match available.width {
                AvailableSpace::Definite(w) => Some(w),
                AvailableSpace::MinContent => Some(texts.min_content(fonts, entity, text)),
                AvailableSpace::MaxContent => None,
            });
            let (width, height) = texts.measure(fonts, entity, text, max_width);
            Size { width: known.width.unwrap_or(width.ceil()), height: known.height.unwrap_or(height) }
        }
        Leaf::Image(image) => {
            let Some((w, h)) = images.size_of(&image.url) else { return Size::ZERO };
            let (w, h) = (w as f32, h as f32);
            match (known.width, known.height) {
                (Some(kw), Some(kh)) => Size { width: kw, height: kh },
                (Some(kw), None) => Size { width: kw, height: kw * h / w },
                (None, Some(kh)) => Size { width: kh * w / h, height: kh },
                (None, None) => Size { width: w, height: h },
            }
        }
    }
}

/// What a measured leaf shows.
enum Leaf<'a> {
    Text(&'a TextContent),
    Image(&'a ImageContent),
}

/// Runs taffy from the root (when a layout input changed) and writes absolute
/// [`ComputedRect`]s, applying scroll offsets.
#[allow(clippy::too_many_arguments)]
pub fn compute_layout(
    mut tree: NonSendMut<LayoutTree>,
    changes: Res<SceneChanges>,
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
    let mut scope = Relayout::Full;
    if relayout {
        let texts = &mut *texts;
        scope = tree.compute(
            root.0,
            viewport.width as f32,
            viewport.height as f32,
            viewport.is_changed(),
            &mut |entity, kind, known, available| {
                let content = match kind {
                    NodeKind::Text => text_nodes.get(entity).ok().map(Leaf::Text),
                    NodeKind::Image => image_nodes.get(entity).ok().map(Leaf::Image),
                    NodeKind::Box => None,
                };
                content.map_or(Size::ZERO, |content| {
                    measure_leaf(&fonts, texts, &images, entity, content, known, available)
                })
            },
        );
    }
    // Walk the tree, turning parent-relative locations into rounded viewport rectangles:
    // edges are rounded in page space (so adjacent boxes share edges), then scrolled. When
    // only scroll offsets changed, only the scrolled subtrees move. Each entry: the node, its
    // parent's unrounded page position, the scroll offsets of its ancestors.
    let scroll_only = !relayout;
    let mut stack: Vec<(Entity, [f32; 2], [f32; 2])> = Vec::new();
    let scroll_of = |entity: Entity| scrolls.get(entity).map_or([0.0, 0.0], |s| [s.x, s.y]);
    if scroll_only {
        for &scrolled in &changes.scrolled_nodes {
            let (Ok(rect), Some(at)) = (rects.get(scrolled), tree.cumulative(scrolled)) else { continue };
            let own = scroll_of(scrolled);
            let above = [at[0].round() - rect.x, at[1].round() - rect.y];
            if let Ok(kids) = child_lists.get(scrolled) {
                stack.extend(kids.iter().map(|k| (k, at, [above[0] + own[0], above[1] + own[1]])));
            }
        }
    } else if let Relayout::Subtrees(boundaries) = &scope {
        // Only inside the boundaries laid out: each keeps its box, so the walk starts at it with
        // its parent's position and the scroll above it as the last walk left them.
        for &boundary in boundaries {
            let (Ok(rect), Some(at), Some([x, y, _, _])) =
                (rects.get(boundary), tree.cumulative(boundary), tree.unrounded(boundary))
            else {
                continue;
            };
            let above = [at[0].round() - rect.x, at[1].round() - rect.y];
            stack.push((boundary, [at[0] - x, at[1] - y], above));
        }
    } else {
        stack.push((root.0, [0.0, 0.0], [0.0, 0.0]));
    }
    while let Some((entity, parent_at, scrolled)) = stack.pop() {
        let Some([x, y, w, h]) = tree.unrounded(entity) else { continue };
        let at = [parent_at[0] + x, parent_at[1] + y];
        tree.set_cumulative(entity, at);
        let (left, top) = (at[0].round(), at[1].round());
        let rect = ComputedRect {
            x: left - scrolled[0],
            y: top - scrolled[1],
            width: (at[0] + w).round() - left,
            height: (at[1] + h).round() - top,
        };
        if let Ok(mut computed) = rects.get_mut(entity)
            && *computed != rect
        {
            let from = *computed;
            // A node's first layout (all zero) is where it appears, not a move.
            if from != ComputedRect::default() {
                moves.0.push(LayoutMove { entity, from, to: rect, scrolled: scroll_only });
            }
            // No repaint mark: the renderer re-encodes a node whose box differs from the
            // one its commands were encoded for.
            *computed = rect;
        }
        if let Ok(kids) = child_lists.get(entity) {
            let own = scroll_of(entity);
            let inner = [scrolled[0] + own[0], scrolled[1] + own[1]];
            stack.extend(kids.iter().map(|k| (k, at, inner)));
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
