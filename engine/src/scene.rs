//! The components a scene node is made of, and how their changes are noticed.
//!
//! The components page code sets are immutable: every change is an insert, and an insert
//! runs a hook that records the node in [`SceneChanges`]. A frame then touches only the nodes
//! that changed, and a frame where nothing changed is noticed in O(1), without scanning the
//! scene for change ticks.

use std::sync::Arc;

use bevy_ecs::entity::EntityHashSet;
use bevy_ecs::lifecycle::HookContext;
use bevy_ecs::prelude::*;
use bevy_ecs::world::DeferredWorld;
use touchline_abi::display_list::ImageFit;

use crate::color::Color;
use crate::layout::LayoutTree;
use crate::style::Style;
pub use crate::text::TextStyle;

/// What changed since the last frame; filled by component hooks and engine calls.
#[derive(Resource, Debug, Default)]
pub struct SceneChanges {
    /// Something changed: the frame cannot be skipped.
    pub any: bool,
    /// A layout input changed (style, text, image size, tree shape): taffy must run.
    pub layout: bool,
    /// A scroll offset changed: absolute positions under it move, sizes do not.
    pub scrolled: bool,
    /// The scroll containers whose offset changed.
    pub scrolled_nodes: Vec<Entity>,
    /// Nodes whose own display commands must be encoded again.
    pub repaint: EntityHashSet,
    /// Nodes whose taffy node must be marked dirty (text or image size changed).
    pub remeasure: EntityHashSet,
    /// Nodes removed from the scene, whose taffy nodes must go.
    pub removed: Vec<Entity>,
    /// The scene's structure may have changed (nodes added, removed or moved, a style, a
    /// scroll offset, an animation frame): the display list is rebuilt, not patched.
    pub structure: bool,
}

impl SceneChanges {
    /// Forgets everything, after a frame consumed it.
    pub fn clear(&mut self) {
        self.any = false;
        self.layout = false;
        self.scrolled = false;
        self.scrolled_nodes.clear();
        self.repaint.clear();
        self.remeasure.clear();
        self.removed.clear();
        self.structure = false;
    }
}

fn changes<'w>(world: &'w mut DeferredWorld) -> Option<Mut<'w, SceneChanges>> {
    world.get_resource_mut::<SceneChanges>()
}

// Every insert means a frame must run. Only a node that existed before (one layout knows)
// is marked for repaint or remeasuring: a new node has nothing cached yet, and a page of
// 20,000 new nodes would otherwise fill those sets for nothing.

fn existed(world: &DeferredWorld, entity: Entity) -> bool {
    world.get_non_send::<LayoutTree>().is_some_and(|tree| tree.contains(entity))
}

fn on_style_insert(mut world: DeferredWorld, _ctx: HookContext) {
    // A style is not part of a node's own commands: it reaches them through the node's box.
    if let Some(mut c) = changes(&mut world) {
        c.any = true;
        c.layout = true;
        c.structure = true;
    }
}

fn on_node_remove(mut world: DeferredWorld, ctx: HookContext) {
    if let Some(mut c) = changes(&mut world) {
        c.any = true;
        c.layout = true;
        c.structure = true;
        c.removed.push(ctx.entity);
    }
}

fn on_paint_insert(mut world: DeferredWorld, ctx: HookContext) {
    let existed = existed(&world, ctx.entity);
    if let Some(mut c) = changes(&mut world) {
        c.any = true;
        if existed {
            c.repaint.insert(ctx.entity);
        }
    }
}

fn on_measured_insert(mut world: DeferredWorld, ctx: HookContext) {
    let existed = existed(&world, ctx.entity);
    if let Some(mut c) = changes(&mut world) {
        c.any = true;
        c.layout = true;
        if existed {
            c.repaint.insert(ctx.entity);
            c.remeasure.insert(ctx.entity);
        }
    }
}

fn on_scroll_insert(mut world: DeferredWorld, ctx: HookContext) {
    if let Some(mut c) = changes(&mut world) {
        c.any = true;
        c.scrolled = true;
        c.structure = true;
        c.scrolled_nodes.push(ctx.entity);
    }
}

/// A node's layout style. Every scene node has one.
///
/// Shared: nodes with equal styles hold the same [`Arc`] (see [`crate::shared_styles`]), so a
/// style costs a pointer per node, and layout converts each distinct style once.
#[derive(Component, Clone, Debug, Default, PartialEq)]
#[component(immutable, on_insert = on_style_insert, on_remove = on_node_remove)]
pub struct NodeStyle(pub Arc<Style>);

impl std::ops::Deref for NodeStyle {
    type Target = Style;
    fn deref(&self) -> &Style {
        &self.0
    }
}

/// A linear gradient: colour stops along a line at an angle, as CSS `linear-gradient`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gradient {
    /// Direction in degrees: 0 runs bottom to top, 90 left to right, 180 top to bottom.
    pub angle: f32,
    /// Up to four `(offset 0–1, colour)` stops; `count` of them are used.
    pub stops: [(f32, Color); 4],
    /// Number of stops used (2–4).
    pub count: u8,
}

impl Gradient {
    /// A two-colour gradient.
    pub const fn linear(angle: f32, from: Color, to: Color) -> Self {
        Self { angle, stops: [(0.0, from), (1.0, to), (1.0, to), (1.0, to)], count: 2 }
    }

    /// A gradient through up to four stops (more are ignored; fewer than two repeat).
    pub fn stops(angle: f32, stops: &[(f32, Color)]) -> Self {
        let mut out = [(0.0, Color::TRANSPARENT); 4];
        let count = stops.len().clamp(1, 4);
        for (slot, stop) in out.iter_mut().zip(stops.iter().chain(stops.last()).cycle()).take(4) {
            *slot = *stop;
        }
        Self { angle, stops: out, count: count.max(2) as u8 }
    }

    /// The stops in use.
    pub fn used(&self) -> &[(f32, Color)] {
        &self.stops[..usize::from(self.count.clamp(2, 4))]
    }
}

/// A drop shadow under a node's box.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Shadow {
    /// Colour at full coverage.
    pub color: Color,
    /// Offset `[x, y]` in pixels.
    pub offset: [f32; 2],
    /// Width of the soft edge in pixels.
    pub blur: f32,
    /// Growth of the shadow's shape beyond the box, in pixels.
    pub spread: f32,
}

/// A 2D transform of a node and its subtree: scale about an origin, then translate.
/// It moves pixels only; layout and focus geometry keep the untransformed box.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transform {
    /// Translation `[x, y]` in pixels.
    pub translate: [f32; 2],
    /// Scale `[x, y]`.
    pub scale: [f32; 2],
    /// The fixed point of the scale, as fractions of the box (`[0.5, 0.5]`: its centre).
    pub origin: [f32; 2],
}

impl Default for Transform {
    fn default() -> Self {
        Self::IDENTITY
    }
}

impl Transform {
    /// No change.
    pub const IDENTITY: Transform =
        Transform { translate: [0.0, 0.0], scale: [1.0, 1.0], origin: [0.5, 0.5] };

    /// Whether it changes nothing.
    pub fn is_identity(&self) -> bool {
        self.translate == [0.0, 0.0] && self.scale == [1.0, 1.0]
    }

    /// The affine matrix `[a, b, c, d, e, f]` for a box at `rect`.
    pub fn matrix(&self, rect: &ComputedRect) -> [f32; 6] {
        let ox = rect.x + rect.width * self.origin[0];
        let oy = rect.y + rect.height * self.origin[1];
        let [sx, sy] = self.scale;
        [sx, 0.0, 0.0, sy, ox - sx * ox + self.translate[0], oy - sy * oy + self.translate[1]]
    }
}

/// How a node's box is painted.
///
/// The rare parts (gradient, shadow) are behind pointers: most nodes have neither, and every
/// byte here is paid by every node.
#[derive(Component, Clone, Debug, PartialEq)]
#[component(immutable, on_insert = on_paint_insert)]
pub struct Visual {
    /// Fill colour.
    pub background: Color,
    /// A gradient painted over the fill.
    pub gradient: Option<Arc<Gradient>>,
    /// Border colour.
    pub border_color: Color,
    /// Border width in pixels, drawn inside the box.
    pub border_width: f32,
    /// Corner radius in pixels.
    pub corner_radius: f32,
    /// Opacity of the node and its subtree, 0–1; multiplied down the tree.
    pub opacity: f32,
    /// Transform of the node and its subtree.
    pub transform: Transform,
    /// Drop shadow.
    pub shadow: Option<Arc<Shadow>>,
}

impl Default for Visual {
    fn default() -> Self {
        Self {
            background: Color::TRANSPARENT,
            gradient: None,
            border_color: Color::TRANSPARENT,
            border_width: 0.0,
            corner_radius: 0.0,
            opacity: 1.0,
            transform: Transform::IDENTITY,
            shadow: None,
        }
    }
}

/// Where the component whose root this node is was written (`<Button …/>` at
/// `pages/src/home.rs:120`): the designer preview's pick mode names it. Debug builds only.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourceTag {
    /// The component's name.
    pub name: &'static str,
    /// The file it is used in.
    pub file: &'static str,
    /// The line.
    pub line: u32,
}

/// Text shown in a node; the node is measured from it.
#[derive(Component, Clone, Debug, Default, PartialEq)]
#[component(immutable, on_insert = on_measured_insert)]
pub struct TextContent {
    /// The UTF-8 text.
    pub text: String,
    /// Its style.
    pub style: TextStyle,
}

/// An image shown in a node, loaded by the host from a URL.
#[derive(Component, Clone, Debug, PartialEq)]
#[component(immutable, on_insert = on_measured_insert)]
pub struct ImageContent {
    /// Where the host finds it (see `docs/host-abi.md`).
    pub url: String,
    /// How it fills the box.
    pub fit: ImageFit,
    /// Drawn until the image is loaded (and if it fails).
    pub placeholder: Color,
}

impl ImageContent {
    /// An image that covers its box, with a transparent placeholder.
    pub fn new(url: impl Into<String>) -> Self {
        Self { url: url.into(), fit: ImageFit::Cover, placeholder: Color::TRANSPARENT }
    }
}

/// How far a scroll container's content is scrolled, in pixels (positive: content moves
/// up/left). Rails and grids scroll by setting this, or by animating it.
#[derive(Component, Clone, Copy, Debug, Default, PartialEq)]
#[component(immutable, on_insert = on_scroll_insert)]
pub struct ScrollOffset {
    /// Horizontal offset.
    pub x: f32,
    /// Vertical offset.
    pub y: f32,
}

/// Marks a node that can take focus.
#[derive(Component, Clone, Copy, Debug, Default)]
#[component(on_insert = crate::focus::on_focus_structure, on_remove = crate::focus::on_focus_structure)]
pub struct Focusable;

/// The node is where the host composites video, under the UI drawn after it (the display
/// list's `VideoSurface` command, at the node's box).
#[derive(Component, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[component(immutable, on_insert = on_paint_insert, on_remove = on_paint_insert)]
pub struct VideoSurface;

/// How the focus ring is drawn around a focused node.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
#[component(immutable, on_insert = on_paint_insert)]
pub struct FocusRing {
    /// Ring colour.
    pub color: Color,
    /// Ring thickness in pixels.
    pub width: f32,
    /// Gap between the node and the ring.
    pub offset: f32,
}

impl Default for FocusRing {
    fn default() -> Self {
        Self { color: Color::WHITE, width: 4.0, offset: 6.0 }
    }
}

/// A node's box in viewport pixels, written by layout: scroll offsets of its ancestors
/// are applied; transforms and layout animations are not (they only move pixels).
#[derive(Component, Clone, Copy, Debug, Default, PartialEq)]
pub struct ComputedRect {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

impl ComputedRect {
    /// Centre point.
    pub fn center(&self) -> (f32, f32) {
        (self.x + self.width / 2.0, self.y + self.height / 2.0)
    }

    /// Whether two rectangles overlap.
    pub fn intersects(&self, other: &ComputedRect) -> bool {
        self.x < other.x + other.width
            && other.x < self.x + self.width
            && self.y < other.y + other.height
            && other.y < self.y + self.height
    }

    /// The overlap of two rectangles (zero-sized when they do not overlap).
    pub fn intersection(&self, other: &ComputedRect) -> ComputedRect {
        let x = self.x.max(other.x);
        let y = self.y.max(other.y);
        let right = (self.x + self.width).min(other.x + other.width);
        let bottom = (self.y + self.height).min(other.y + other.height);
        ComputedRect { x, y, width: (right - x).max(0.0), height: (bottom - y).max(0.0) }
    }

    /// The rectangle grown by `by` on every side.
    pub fn inflate(&self, by: f32) -> ComputedRect {
        ComputedRect {
            x: self.x - by,
            y: self.y - by,
            width: self.width + 2.0 * by,
            height: self.height + 2.0 * by,
        }
    }

    /// The rectangle moved by `(dx, dy)`.
    pub fn translate(&self, dx: f32, dy: f32) -> ComputedRect {
        ComputedRect { x: self.x + dx, y: self.y + dy, ..*self }
    }
}

/// Everything needed to spawn a node.
#[derive(Clone, Debug, Default)]
pub struct NodeBundle {
    /// Layout.
    pub style: Style,
    /// Paint.
    pub visual: Visual,
    /// Text, for text nodes.
    pub text: Option<TextContent>,
    /// Image, for image nodes.
    pub image: Option<ImageContent>,
    /// Whether the node can take focus.
    pub focusable: bool,
    /// Focus ring override for a focusable node.
    pub focus_ring: Option<FocusRing>,
}
