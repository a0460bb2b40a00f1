//! The engine: a world, its systems in a fixed order, and the frame entry points.

use std::sync::Arc;
use std::time::Instant;

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{ScheduleLabel, SingleThreadedExecutor};
use touchline_abi::Event;

use crate::animation::Transition;
use crate::animation_systems::{
    AnimationClock, Animator, LayoutTransition, Property, Value, animate, animate_property,
    start_layout_animations,
};
use crate::focus::announce::announce_focus;
use crate::focus::reveal::{Revealed, reveal_focus};
use crate::focus::{
    AccessibleLabel, Announcement, Announcements, FocusGraph, FocusHooks, FocusKey, FocusMove,
    FocusOverrides, FocusScope, FocusState, FollowedItem, HeldKeys, KeyAction, KeyTiming, RevealDefaults,
    ScoringProfile, ScrollIntoView, UiEvent, ensure_focus, follow_focused_item, invalidate_focus_tree,
    navigate_focus,
};
use crate::images::{ImageStats, Images};
use crate::input::FrameInput;
use crate::inspector::{Inspector, draw_inspector};
use crate::layout::{
    LayoutMoves, LayoutTree, SceneRoot, TextLayouts, Viewport, ZOrderedParents, compute_layout,
    sync_layout_tree,
};
use crate::render::{DisplayList, PaintCaches, RenderStats, render_display_list};
use crate::scene::{
    ComputedRect, FocusRing, Focusable, ImageContent, NodeBundle, NodeStyle, SceneChanges, ScrollOffset,
    TextContent, VideoSurface, Visual,
};
use crate::shared_styles::SharedStyles;
use crate::style::{Length, Style};
use crate::text::{FontWeight, Fonts, GlyphAtlas};

/// Systems that run on the frame's input, before the UI layer reacts.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
struct InputSchedule;

/// Animation: samples running motions and writes the animated components.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
struct AnimationSchedule;

/// Layout: taffy over dirty subtrees, absolute rectangles, focus repair.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
struct LayoutSchedule;

/// Render: the display list from cached per-node commands.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
struct RenderSchedule;

/// The largest text size whose printable ASCII [`Engine::prepare_first_frame`] rasterizes
/// ahead, in pixels (a 48 px glyph is about 1.5 KB of coverage).
pub const AHEAD_MAX_SIZE: f32 = 48.0;

/// Where the last frame's time went, in microseconds (what the inspector shows). Measured only
/// while the inspector is on (zeros otherwise): each clock reading is a host call in a bundle.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FrameTimings {
    /// Input and focus navigation.
    pub input_us: f32,
    /// Animation sampling.
    pub animation_us: f32,
    /// Layout (taffy and absolute rectangles) and focus repair.
    pub layout_us: f32,
    /// Render (encoding changed nodes, assembling the list).
    pub render_us: f32,
    /// The whole frame inside the engine.
    pub total_us: f32,
}

/// Figures about the last frame.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FrameStats {
    /// Commands in the display list.
    pub commands: u32,
    /// Whether the frame equalled the previous one.
    pub unchanged: bool,
    /// Whether the frame was skipped without running any system.
    pub idle: bool,
    /// Render figures (of the last frame that rendered).
    pub render: RenderStats,
    /// Time per stage.
    pub timings: FrameTimings,
    /// Images.
    pub images: ImageStats,
    /// Glyphs in the atlas.
    pub glyphs: u32,
    /// Scene nodes (as of the last layout).
    pub nodes: u32,
}

/// A scene and the systems that turn it into display lists.
pub struct Engine {
    world: World,
    input_schedule: Schedule,
    animation_schedule: Schedule,
    layout_schedule: Schedule,
    render_schedule: Schedule,
    root: Entity,
    last_focus: Option<Entity>,
    frame_start: Option<Instant>,
    timings: FrameTimings,
    idle: bool,
    /// Whether [`Engine::prepare_first_frame`] ran (it forgets the frame it rendered, so the
    /// display list cannot tell).
    first_frame_prepared: bool,
}

/// Why the engine could not start.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The shipped font could not be parsed.
    #[error("the shipped font cannot be read: {0}")]
    Font(&'static str),
}

fn single_threaded(label: impl ScheduleLabel) -> Schedule {
    // One thread on every device: no executor overhead, a fixed order.
    let mut schedule = Schedule::new(label);
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule
}

/// Microseconds since a phase clock reading; 0 when the clock was not read.
fn micros(since: Option<Instant>) -> f32 {
    since.map_or(0.0, |t| t.elapsed().as_secs_f32() * 1e6)
}

impl Engine {
    /// An engine with an empty root node filling a `width × height` viewport.
    pub fn new(width: u32, height: u32) -> Result<Self, EngineError> {
        let mut world = World::new();
        world.init_resource::<SceneChanges>();
        world.init_resource::<SharedStyles>();
        world.insert_resource(Fonts::load().map_err(EngineError::Font)?);
        world.insert_resource(Viewport { width, height });
        world.init_resource::<FrameInput>();
        world.init_resource::<FocusState>();
        world.init_resource::<FocusGraph>();
        world.init_resource::<RevealDefaults>();
        world.init_resource::<Announcements>();
        world.init_resource::<FollowedItem>();
        world.init_resource::<KeyTiming>();
        world.init_resource::<HeldKeys>();
        world.insert_non_send(FocusHooks::default());
        world.init_resource::<Revealed>();
        world.insert_non_send(LayoutTree::default());
        world.init_resource::<LayoutMoves>();
        world.init_resource::<TextLayouts>();
        world.init_resource::<ZOrderedParents>();
        world.init_resource::<GlyphAtlas>();
        world.init_resource::<Images>();
        world.init_resource::<DisplayList>();
        world.init_resource::<PaintCaches>();
        world.init_resource::<Animator>();
        world.init_resource::<AnimationClock>();
        world.init_resource::<Inspector>();
        let root_style =
            Style { width: Length::Percent(1.0), height: Length::Percent(1.0), ..Style::default() };
        let root = world.spawn((NodeStyle(Arc::new(root_style)), ComputedRect::default())).id();
        world.insert_resource(SceneRoot(root));

        let mut input_schedule = single_threaded(InputSchedule);
        input_schedule.add_systems(navigate_focus);
        let mut animation_schedule = single_threaded(AnimationSchedule);
        animation_schedule.add_systems(animate);
        let mut layout_schedule = single_threaded(LayoutSchedule);
        layout_schedule.add_systems(
            (
                sync_layout_tree,
                compute_layout,
                start_layout_animations,
                invalidate_focus_tree,
                follow_focused_item,
                ensure_focus,
                reveal_focus,
                announce_focus,
            )
                .chain(),
        );
        let mut render_schedule = single_threaded(RenderSchedule);
        render_schedule.add_systems((draw_inspector, render_display_list).chain());
        Ok(Self {
            world,
            input_schedule,
            animation_schedule,
            layout_schedule,
            render_schedule,
            root,
            last_focus: None,
            frame_start: None,
            timings: FrameTimings::default(),
            idle: false,
            first_frame_prepared: false,
        })
    }

    /// The root node.
    pub fn root(&self) -> Entity {
        self.root
    }

    /// The world, for the UI layer to spawn and change nodes.
    ///
    /// Change nodes through the engine's setters or by inserting components: the scene's
    /// components are immutable, so every change runs the hooks that mark it for the frame.
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// The world, read-only.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// Spawns a node as the last child of `parent`.
    pub fn spawn(&mut self, parent: Entity, node: NodeBundle) -> Entity {
        let style = self.world.resource_mut::<SharedStyles>().share(node.style);
        let base = (NodeStyle(style), node.visual, ComputedRect::default(), ChildOf(parent));
        // The common shapes (a box, a focusable box, a text, an image) in one spawn each: every
        // later insert would move the node to another archetype table.
        let mut e = match (node.text, node.image, node.focusable) {
            (None, None, false) => self.world.spawn(base),
            (None, None, true) => self.world.spawn((base, Focusable)),
            (Some(text), None, false) => self.world.spawn((base, text)),
            (None, Some(image), false) => self.world.spawn((base, image)),
            (text, image, focusable) => {
                let mut e = self.world.spawn(base);
                if let Some(text) = text {
                    e.insert(text);
                }
                if let Some(image) = image {
                    e.insert(image);
                }
                if focusable {
                    e.insert(Focusable);
                }
                e
            }
        };
        if let Some(ring) = node.focus_ring {
            e.insert(ring);
        }
        e.id()
    }

    /// The children of `parent`, in order.
    pub fn children(&self, parent: Entity) -> &[Entity] {
        self.world.get::<Children>(parent).map_or(&[], |c| &**c)
    }

    /// Moves `nodes` (already children of `parent`, or newly spawned) to `index` among its
    /// children, in the order given: how keyed lists reorder without rebuilding.
    pub fn place_children(&mut self, parent: Entity, index: usize, nodes: &[Entity]) {
        if let Ok(mut e) = self.world.get_entity_mut(parent) {
            e.insert_children(index, nodes);
            // A reorder touches only `Children`: layout and the display list must see it.
            let mut changes = self.world.resource_mut::<SceneChanges>();
            changes.any = true;
            changes.layout = true;
            changes.structure = true;
        }
    }

    /// Tags `node` with where its component was written (the designer preview's pick mode).
    pub fn set_source(&mut self, node: Entity, tag: crate::scene::SourceTag) {
        if let Ok(mut e) = self.world.get_entity_mut(node) {
            e.insert(tag);
        }
    }

    /// The component drawn topmost at `(x, y)` (the nearest tagged node over the topmost
    /// node painted there), with its box; for the designer preview's pick mode.
    pub fn pick(&self, x: f32, y: f32) -> Option<(crate::scene::SourceTag, ComputedRect)> {
        let world = &self.world;
        let inside = |r: &ComputedRect| x >= r.x && y >= r.y && x < r.x + r.width && y < r.y + r.height;
        for &node in self.paint_order().iter().rev() {
            let Some(rect) = world.get::<ComputedRect>(node) else { continue };
            if !inside(rect) {
                continue;
            }
            let mut current = Some(node);
            while let Some(entity) = current {
                if let (Some(tag), Some(rect)) =
                    (world.get::<crate::scene::SourceTag>(entity), world.get::<ComputedRect>(entity))
                {
                    return Some((*tag, *rect));
                }
                current = world.get::<bevy_ecs::hierarchy::ChildOf>(entity).map(|c| c.parent());
            }
        }
        None
    }

    /// Makes a node a video surface (the host composites video at its box) or an ordinary one.
    pub fn set_video_surface(&mut self, node: Entity, video: bool) {
        let Ok(mut e) = self.world.get_entity_mut(node) else { return };
        match (video, e.contains::<VideoSurface>()) {
            (true, false) => {
                e.insert(VideoSurface);
            }
            (false, true) => {
                e.remove::<VideoSurface>();
            }
            _ => {}
        }
    }

    /// The request records this frame hands the host; the UI layer adds its own (fetches)
    /// between [`Self::begin_frame`] and [`Self::end_frame`].
    pub fn request_writer(&mut self) -> impl std::ops::DerefMut<Target = touchline_abi::RequestWriter> + '_ {
        Mut::map_unchanged(self.world.resource_mut::<Images>(), |images| images.requests_mut())
    }

    /// Despawns a node and its descendants.
    pub fn despawn(&mut self, node: Entity) {
        if let Ok(e) = self.world.get_entity_mut(node) {
            e.despawn();
        }
    }

    /// Inserts a component if it differs from the node's current one (so an equal value
    /// marks nothing).
    fn set_if_changed<C: Component + PartialEq>(&mut self, node: Entity, value: C) {
        let Ok(mut e) = self.world.get_entity_mut(node) else { return };
        if e.get::<C>() != Some(&value) {
            e.insert(value);
        }
    }

    /// Replaces a node's text (no-op when equal).
    pub fn set_text(&mut self, node: Entity, text: &str) {
        let Some(content) = self.world.get::<TextContent>(node) else { return };
        if content.text != text {
            let content = TextContent { text: text.to_owned(), style: content.style };
            self.world.entity_mut(node).insert(content);
        }
    }

    /// Replaces a node's text and style (no-op when equal).
    pub fn set_text_content(&mut self, node: Entity, content: TextContent) {
        self.set_if_changed(node, content);
    }

    /// Replaces a node's visual (no-op when equal).
    pub fn set_visual(&mut self, node: Entity, visual: Visual) {
        self.set_if_changed(node, visual);
    }

    /// Replaces a node's style (no-op when equal).
    pub fn set_style(&mut self, node: Entity, style: Style) {
        // Compared before sharing, so an unchanged style is not hashed.
        let Some(current) = self.world.get::<NodeStyle>(node) else { return };
        if **current == style {
            return;
        }
        let style = self.world.resource_mut::<SharedStyles>().share(style);
        self.world.entity_mut(node).insert(NodeStyle(style));
    }

    /// Replaces a node's image (no-op when equal).
    pub fn set_image(&mut self, node: Entity, image: ImageContent) {
        self.set_if_changed(node, image);
    }

    /// Scrolls a scroll container's content to `(x, y)`.
    pub fn set_scroll(&mut self, node: Entity, x: f32, y: f32) {
        self.set_if_changed(node, ScrollOffset { x, y });
    }

    /// A node's scroll offset.
    pub fn scroll(&self, node: Entity) -> ScrollOffset {
        self.world.get::<ScrollOffset>(node).copied().unwrap_or_default()
    }

    /// Sets a node's focus ring.
    pub fn set_focus_ring(&mut self, node: Entity, ring: FocusRing) {
        self.set_if_changed(node, ring);
    }

    /// The focused node.
    pub fn focused(&self) -> Option<Entity> {
        self.world.resource::<FocusState>().focused
    }

    /// Lets a node take focus, or stops it (focus on it moves to the first focusable node).
    pub fn set_focusable(&mut self, node: Entity, focusable: bool) {
        let Ok(mut e) = self.world.get_entity_mut(node) else { return };
        match (e.contains::<Focusable>(), focusable) {
            (false, true) => {
                e.insert(Focusable);
            }
            (true, false) => {
                e.remove::<Focusable>();
            }
            _ => {}
        }
    }

    /// Says which item a (recycled) focusable node shows; see [`FocusKey`].
    pub fn set_focus_key(&mut self, node: Entity, item: u64) {
        self.set_if_changed(node, FocusKey(item));
    }

    /// Makes a node a focus scope with these rules (see `docs/focus.md`).
    pub fn set_focus_scope(&mut self, node: Entity, scope: FocusScope) {
        self.set_if_changed(node, scope);
    }

    /// Sets a node's per-direction focus overrides.
    pub fn set_focus_overrides(&mut self, node: Entity, overrides: FocusOverrides) {
        self.set_if_changed(node, overrides);
    }

    /// Sets how a scroll container reveals its focused descendants.
    pub fn set_scroll_into_view(&mut self, node: Entity, reveal: ScrollIntoView) {
        self.set_if_changed(node, reveal);
    }

    /// Switches the focus scoring profile (`android` by default; see [`crate::focus::profile_named`]).
    pub fn set_focus_profile(&mut self, profile: &'static dyn ScoringProfile) {
        self.world.resource_mut::<FocusGraph>().set_profile(profile);
    }

    /// Sets how a focusable node is announced (label and role).
    pub fn set_accessible_label(&mut self, node: Entity, label: AccessibleLabel) {
        self.set_if_changed(node, label);
    }

    /// The focus announcements of the last frame (also sent to the host as requests).
    pub fn announcements(&self) -> &[Announcement] {
        self.world.resource::<Announcements>().last_frame()
    }

    /// Lets the UI layer see every key action (with the focused node) before the engine acts on
    /// it; the hook returns true to consume it.
    pub fn set_key_hook(&mut self, hook: impl FnMut(KeyAction, &[Entity]) -> bool + 'static) {
        self.world.non_send_mut::<FocusHooks>().on_key = Some(Box::new(hook));
    }

    /// Lets the UI layer cancel a focus move before it happens: the hook returns false to
    /// keep focus where it is.
    pub fn set_move_hook(&mut self, hook: impl FnMut(&FocusMove) -> bool + 'static) {
        self.world.non_send_mut::<FocusHooks>().before_move = Some(Box::new(hook));
    }

    /// How held keys repeat and when OK becomes a long press.
    pub fn set_key_timing(&mut self, timing: KeyTiming) {
        *self.world.resource_mut::<KeyTiming>() = timing;
    }

    /// Moves focus to a node.
    pub fn focus(&mut self, node: Entity) {
        self.world.resource_mut::<FocusState>().set(Some(node));
    }

    /// A node's box as of the last layout.
    pub fn rect(&self, node: Entity) -> Option<ComputedRect> {
        self.world.get::<ComputedRect>(node).copied()
    }

    /// The nodes the last rendered frame painted, in paint order.
    pub fn paint_order(&self) -> &[Entity] {
        &self.world.resource::<DisplayList>().paint_order
    }

    /// The texts of the scene in tree order, hidden (`display: none`) subtrees left out (for
    /// tests, and accessibility).
    pub fn texts(&self) -> Vec<String> {
        self.texts_under(self.root)
    }

    /// The text of the focused node and its descendants, joined by spaces.
    pub fn focused_text(&self) -> Option<String> {
        Some(self.texts_under(self.focused()?).join(" "))
    }

    /// The texts of `node` and its descendants, in tree order.
    fn texts_under(&self, node: Entity) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![node];
        while let Some(entity) = stack.pop() {
            if self.world.get::<NodeStyle>(entity).is_some_and(|s| s.display == crate::style::Display::None) {
                continue;
            }
            if let Some(text) = self.world.get::<TextContent>(entity) {
                out.push(text.text.clone());
            }
            if let Some(kids) = self.world.get::<Children>(entity) {
                stack.extend(kids.iter().rev());
            }
        }
        out
    }

    /// The animator, to start, retarget and stop animations.
    pub fn animator(&mut self) -> Mut<'_, Animator> {
        self.world.resource_mut::<Animator>()
    }

    /// Animates a node's property from its current value (or, mid-flight, from where it is)
    /// to `target`.
    pub fn animate(
        &mut self,
        node: Entity,
        property: Property,
        target: impl Into<Value>,
        transition: Transition,
    ) {
        animate_property(&mut self.world, node, property, target.into(), transition);
    }

    /// Makes a node travel from its old box to its new one whenever layout moves it
    /// (`None` stops doing so).
    pub fn set_layout_transition(&mut self, node: Entity, transition: Option<Transition>) {
        let Ok(mut e) = self.world.get_entity_mut(node) else { return };
        match transition {
            Some(t) => {
                e.insert(LayoutTransition(t));
            }
            None => {
                e.remove::<LayoutTransition>();
            }
        }
    }

    /// The image registry (budget, stats).
    pub fn images_mut(&mut self) -> Mut<'_, Images> {
        self.world.resource_mut::<Images>()
    }

    /// Writes (or stops writing) a `TextLabel` for every text on screen after the scene, for
    /// tools that read what the screen says from the display list.
    pub fn set_text_labels(&mut self, enabled: bool) {
        let mut list = self.world.resource_mut::<DisplayList>();
        if list.text_labels != enabled {
            list.text_labels = enabled;
            self.world.resource_mut::<SceneChanges>().any = true;
        }
    }

    /// Shows or hides the inspector overlay.
    pub fn set_inspector(&mut self, enabled: bool) {
        let mut inspector = self.world.resource_mut::<Inspector>();
        if inspector.enabled != enabled {
            inspector.enabled = enabled;
            self.world.resource_mut::<SceneChanges>().any = true;
        }
    }

    /// First half of a frame: takes the host's events, runs input and focus, and returns
    /// what happened for the UI layer to react to.
    pub fn begin_frame(&mut self, time_us: u64, events: &[Event]) -> Vec<UiEvent> {
        let start = self.phase_clock();
        self.frame_start = start;
        let (resize, has_keys, toggle_inspector) = {
            let mut input = self.world.resource_mut::<FrameInput>();
            input.load(time_us, events);
            let toggle =
                input.keys.iter().filter(|k| k.down && k.key == touchline_abi::Key::Inspector).count();
            (input.resize, !input.keys.is_empty(), toggle % 2 == 1)
        };
        self.world.resource_mut::<AnimationClock>().now_us = time_us;
        if let Some((width, height)) = resize {
            let changed = self.world.resource_mut::<Viewport>().set_if_neq(Viewport { width, height });
            if changed {
                let mut changes = self.world.resource_mut::<SceneChanges>();
                changes.any = true;
                changes.layout = true;
            }
        }
        if toggle_inspector {
            let enabled = !self.world.resource::<Inspector>().enabled;
            self.set_inspector(enabled);
        }
        self.apply_image_events(events);
        // Held keys repeat on frame time, so frames with a key held run input too.
        if has_keys || self.world.resource::<HeldKeys>().any() {
            self.input_schedule.run(&mut self.world);
        }
        self.timings.input_us = micros(start);
        std::mem::take(&mut self.world.resource_mut::<FocusState>().events)
    }

    /// Applies the host's image answers: nodes showing those images repaint, and relayout
    /// when their size depends on the image's.
    fn apply_image_events(&mut self, events: &[Event]) {
        let mut images = self.world.resource_mut::<Images>();
        images.begin_frame();
        let changed = images.apply_events(events);
        if changed.is_empty() {
            return;
        }
        let urls: Vec<String> = changed
            .iter()
            .filter_map(|&h| self.world.resource::<Images>().url(h).map(str::to_owned))
            .collect();
        let mut query = self.world.query::<(Entity, &ImageContent)>();
        let nodes: Vec<Entity> =
            query.iter(&self.world).filter(|(_, image)| urls.contains(&image.url)).map(|(e, _)| e).collect();
        let mut changes = self.world.resource_mut::<SceneChanges>();
        changes.any = true;
        changes.layout = true;
        for node in nodes {
            changes.repaint.insert(node);
            changes.remeasure.insert(node);
        }
    }

    /// Second half of a frame: animation, layout, focus repair and render. Returns the
    /// display list bytes. A frame where nothing changed runs no system at all.
    pub fn end_frame(&mut self) -> &[u8] {
        let start = self.frame_start.take().or_else(|| self.phase_clock());
        let t = self.phase_clock();
        if self.world.resource::<Animator>().is_running() {
            // Animations move and fade subtrees: the display list is rebuilt, not patched.
            self.world.resource_mut::<SceneChanges>().structure = true;
            self.animation_schedule.run(&mut self.world);
        }
        self.timings.animation_us = micros(t);

        if self.world.resource::<Inspector>().enabled {
            // The panel shows the last frame's figures: every frame draws.
            let render = self.world.resource::<DisplayList>().stats;
            let mut inspector = self.world.resource_mut::<Inspector>();
            inspector.timings = self.timings;
            inspector.render = render;
            self.world.resource_mut::<SceneChanges>().any = true;
        }
        let focus_now = self.world.resource::<FocusState>().focused;
        let rendered_once = self.world.resource::<DisplayList>().rendered_once;
        let idle =
            rendered_once && !self.world.resource::<SceneChanges>().any && focus_now == self.last_focus;
        self.idle = idle;
        if idle {
            let viewport = *self.world.resource::<Viewport>();
            self.world.resource_mut::<DisplayList>().write_unchanged(&viewport);
            self.timings.layout_us = 0.0;
            self.timings.render_us = 0.0;
        } else {
            let t = self.phase_clock();
            self.layout_schedule.run(&mut self.world);
            self.timings.layout_us = micros(t);
            let t = self.phase_clock();
            self.render_schedule.run(&mut self.world);
            self.world.resource_mut::<Images>().enforce_budget();
            self.timings.render_us = micros(t);
            self.world.resource_mut::<SceneChanges>().clear();
            self.world.clear_trackers();
            // Layout repairs focus; the ring moves with it.
            self.last_focus = self.world.resource::<FocusState>().focused;
        }
        // Every frame ends the announcements' frame, so an idle one has none.
        if self.world.resource::<Announcements>().is_quiet() {
            // Nothing was said this frame or the last: nothing to hand over or clear.
        } else {
            self.world.resource_scope(|world, mut announcements: Mut<Announcements>| {
                let mut images = world.resource_mut::<Images>();
                for announcement in announcements.finish_frame() {
                    images.requests_mut().announce(&announcement.text());
                }
            });
        }
        self.timings.total_us = micros(start);
        self.display_list()
    }

    /// A clock reading for phase timings, taken only while the inspector shows them: in a
    /// bundle each reading is a host call, and on an interpreter the eight a frame takes cost
    /// as much as a tenth of a steady frame.
    fn phase_clock(&self) -> Option<Instant> {
        self.world.resource::<Inspector>().enabled.then(Instant::now)
    }

    /// Lays out and renders the first frame ahead of the host's first frame, at time 0. A
    /// bundle calls it at the end of `touchline_init`, so a start-up snapshot holds the laid-out
    /// page and its rasterized glyphs and instances started from it skip that work — the
    /// costliest frame on an interpreter. Nothing is handed over: the next frame still sends the
    /// whole list, every glyph upload and any request; its events (the first focus) are in
    /// [`Self::take_events`]. Does nothing a second time, or once a frame was rendered.
    pub fn prepare_first_frame(&mut self) {
        if self.first_frame_prepared || self.world.resource::<DisplayList>().rendered_once {
            return;
        }
        self.first_frame_prepared = true;
        self.world.resource_mut::<DisplayList>().hold_atlas = true;
        let mut events = self.begin_frame(0, &[]);
        self.end_frame();
        let mut focus = self.world.resource_mut::<FocusState>();
        events.append(&mut focus.events);
        focus.events = events;
        let mut list = self.world.resource_mut::<DisplayList>();
        list.hold_atlas = false;
        list.forget_output();
        self.world.resource_mut::<Images>().keep_requests();
        self.rasterize_page_styles_ahead();
    }

    /// Rasterizes printable ASCII in the text styles the page uses, up to
    /// [`AHEAD_MAX_SIZE`]: text that changes later (a status line, a clock, a name) mostly
    /// reuses the styles on screen, and its first glyphs would otherwise be rasterized in a
    /// frame. Larger styles (titles, initials) rarely change and cost the most memory.
    fn rasterize_page_styles_ahead(&mut self) {
        let mut styles: Vec<(FontWeight, f32)> = Vec::new();
        let mut texts = self.world.query::<&TextContent>();
        for text in texts.iter(&self.world) {
            let style = (text.style.weight, text.style.size);
            if style.1 <= AHEAD_MAX_SIZE && !styles.contains(&style) {
                styles.push(style);
            }
        }
        self.world.resource_scope(|world, mut atlas: Mut<GlyphAtlas>| {
            let fonts = world.resource::<Fonts>();
            for (weight, size) in styles {
                atlas.rasterize_ahead(fonts, weight, size, ' '..='~');
            }
        });
    }

    /// The display list of the last frame.
    pub fn display_list(&mut self) -> &[u8] {
        self.world.resource_mut::<DisplayList>().into_inner().bytes()
    }

    /// The requests of the last frame (image loads and unloads), encoded for the host.
    pub fn requests(&self) -> &[u8] {
        self.world.resource::<Images>().requests().bytes()
    }

    /// Number of requests in [`Self::requests`].
    pub fn request_count(&self) -> u32 {
        self.world.resource::<Images>().requests().count()
    }

    /// Events produced after the last [`Self::begin_frame`] (e.g. initial focus), taken.
    pub fn take_events(&mut self) -> Vec<UiEvent> {
        std::mem::take(&mut self.world.resource_mut::<FocusState>().events)
    }

    /// Figures about the last frame.
    pub fn stats(&self) -> FrameStats {
        let list = self.world.resource::<DisplayList>();
        FrameStats {
            commands: list.command_count(),
            unchanged: list.unchanged,
            idle: self.idle,
            render: list.stats,
            timings: self.timings,
            images: self.world.resource::<Images>().stats(),
            glyphs: self.world.resource::<GlyphAtlas>().glyph_count() as u32,
            nodes: self.world.get_non_send::<LayoutTree>().map_or(0, |tree| tree.len() as u32),
        }
    }

    /// A frame with no UI layer: both halves at once (for engine-only apps and tests).
    pub fn frame(&mut self, time_us: u64, events: &[Event]) -> &[u8] {
        self.begin_frame(time_us, events);
        self.end_frame()
    }
}
