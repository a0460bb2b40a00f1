//! The engine: a world, its systems in a fixed order, and the frame entry points.

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{ScheduleLabel, SingleThreadedExecutor};
use touchline_abi::Event;

use crate::focus::{FocusState, UiEvent, ensure_focus, navigate_focus};
use crate::input::FrameInput;
use crate::layout::{LayoutTree, SceneRoot, Viewport, compute_layout, sync_layout_tree};
use crate::render::{DisplayList, render_display_list};
use crate::scene::{ComputedRect, FocusRing, Focusable, NodeBundle, NodeStyle, TextContent, Visual};
use crate::style::{Length, Style};
use crate::text::{Fonts, GlyphAtlas};

/// Systems that run on the frame's input, before the UI layer reacts.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
struct InputSchedule;

/// Systems that run after the UI layer reacted: layout, text, render.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
struct UpdateSchedule;

/// Figures about the last frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameStats {
    /// Commands in the display list.
    pub commands: u32,
    /// Whether the frame equalled the previous one.
    pub unchanged: bool,
}

/// A scene and the systems that turn it into display lists.
pub struct Engine {
    world: World,
    input_schedule: Schedule,
    update_schedule: Schedule,
    root: Entity,
}

/// Why the engine could not start.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The shipped font could not be parsed.
    #[error("the shipped font cannot be read: {0}")]
    Font(&'static str),
}

impl Engine {
    /// An engine with an empty root node filling a `width × height` viewport.
    pub fn new(width: u32, height: u32) -> Result<Self, EngineError> {
        let mut world = World::new();
        world.insert_resource(Fonts::load().map_err(EngineError::Font)?);
        world.insert_resource(Viewport { width, height });
        world.init_resource::<FrameInput>();
        world.init_resource::<FocusState>();
        world.insert_non_send(LayoutTree::default());
        world.init_resource::<GlyphAtlas>();
        world.init_resource::<DisplayList>();
        let root_style =
            Style { width: Length::Percent(1.0), height: Length::Percent(1.0), ..Style::default() };
        let root = world.spawn((NodeStyle(root_style), ComputedRect::default())).id();
        world.insert_resource(SceneRoot(root));

        // One thread on every device: no executor overhead, a fixed order.
        let mut input_schedule = Schedule::new(InputSchedule);
        input_schedule.set_executor(SingleThreadedExecutor::new());
        input_schedule.add_systems(navigate_focus);
        let mut update_schedule = Schedule::new(UpdateSchedule);
        update_schedule.set_executor(SingleThreadedExecutor::new());
        update_schedule
            .add_systems((sync_layout_tree, compute_layout, ensure_focus, render_display_list).chain());
        Ok(Self { world, input_schedule, update_schedule, root })
    }

    /// The root node.
    pub fn root(&self) -> Entity {
        self.root
    }

    /// The world, for the UI layer to spawn and change nodes.
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// The world, read-only.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// Spawns a node as the last child of `parent`.
    pub fn spawn(&mut self, parent: Entity, node: NodeBundle) -> Entity {
        let mut e =
            self.world.spawn((NodeStyle(node.style), node.visual, ComputedRect::default(), ChildOf(parent)));
        if let Some(text) = node.text {
            e.insert(text);
        }
        if node.focusable {
            e.insert(Focusable);
        }
        if let Some(ring) = node.focus_ring {
            e.insert(ring);
        }
        e.id()
    }

    /// Despawns a node and its descendants.
    pub fn despawn(&mut self, node: Entity) {
        if let Ok(e) = self.world.get_entity_mut(node) {
            e.despawn();
        }
    }

    /// Replaces a node's text (no-op when equal, so nothing is marked changed).
    pub fn set_text(&mut self, node: Entity, text: &str) {
        if let Some(mut content) = self.world.get_mut::<TextContent>(node)
            && content.text != text
        {
            content.text = text.to_owned();
        }
    }

    /// Replaces a node's visual (no-op when equal).
    pub fn set_visual(&mut self, node: Entity, visual: Visual) {
        if let Some(mut v) = self.world.get_mut::<Visual>(node) {
            v.set_if_neq(visual);
        }
    }

    /// Sets a node's focus ring.
    pub fn set_focus_ring(&mut self, node: Entity, ring: FocusRing) {
        if let Ok(mut e) = self.world.get_entity_mut(node) {
            e.insert(ring);
        }
    }

    /// The focused node.
    pub fn focused(&self) -> Option<Entity> {
        self.world.resource::<FocusState>().focused
    }

    /// Moves focus to a node.
    pub fn focus(&mut self, node: Entity) {
        self.world.resource_mut::<FocusState>().set(Some(node));
    }

    /// A node's box as of the last layout.
    pub fn rect(&self, node: Entity) -> Option<ComputedRect> {
        self.world.get::<ComputedRect>(node).copied()
    }

    /// The texts of the scene in tree order (for tests, and accessibility later).
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
            if let Some(text) = self.world.get::<TextContent>(entity) {
                out.push(text.text.clone());
            }
            if let Some(kids) = self.world.get::<Children>(entity) {
                stack.extend(kids.iter().rev());
            }
        }
        out
    }

    /// First half of a frame: takes the host's events, runs input and focus, and returns
    /// what happened for the UI layer to react to.
    pub fn begin_frame(&mut self, time_us: u64, events: &[Event]) -> Vec<UiEvent> {
        let resize = {
            let mut input = self.world.resource_mut::<FrameInput>();
            input.load(time_us, events);
            input.resize
        };
        if let Some((width, height)) = resize {
            self.world.resource_mut::<Viewport>().set_if_neq(Viewport { width, height });
        }
        self.input_schedule.run(&mut self.world);
        std::mem::take(&mut self.world.resource_mut::<FocusState>().events)
    }

    /// Second half of a frame: layout, text and render. Returns the display list bytes.
    pub fn end_frame(&mut self) -> &[u8] {
        self.update_schedule.run(&mut self.world);
        self.world.clear_trackers();
        self.display_list()
    }

    /// The display list of the last frame.
    pub fn display_list(&mut self) -> &[u8] {
        self.world.resource_mut::<DisplayList>().into_inner().bytes()
    }

    /// Events produced after the last [`Self::begin_frame`] (e.g. initial focus), taken.
    pub fn take_events(&mut self) -> Vec<UiEvent> {
        std::mem::take(&mut self.world.resource_mut::<FocusState>().events)
    }

    /// Figures about the last frame.
    pub fn stats(&self) -> FrameStats {
        let list = self.world.resource::<DisplayList>();
        FrameStats { commands: list.command_count(), unchanged: list.unchanged }
    }

    /// A frame with no UI layer: both halves at once (for engine-only apps and tests).
    pub fn frame(&mut self, time_us: u64, events: &[Event]) -> &[u8] {
        self.begin_frame(time_us, events);
        self.end_frame()
    }
}
