//! Touchline's engine benchmarks: the scenarios the product issue sets targets for, as plain
//! functions over [`Engine`], shared by both runners.
//!
//! - Natively, `cargo bench -p touchline-bench` runs them with criterion (`benches/engine.rs`)
//!   and prints the live heap of the memory scenario (`benches/memory.rs`).
//! - In wasm, this crate built as a `cdylib` for `wasm32-wasip1` (`--profile bundle`) exports a
//!   small bench ABI (see the `wasm` module, wasm32 only), and `touchline-desktop bench
//!   BENCH.wasm` loads it with the same wasmtime configuration as app bundles, times each step
//!   from the host with a wall clock, and prints the figures against the targets.
//!
//! Every scenario has an untimed part ([`Scenario::setup`], and [`Bench::after_step`] between
//! steps, which also checks that the step produced the kind of frame it is meant to measure, so
//! a benchmark cannot silently measure nothing) and a timed part ([`Bench::step`]).
//!
//! The targets ([`Target`]) are for wasm on Cranelift; the native figures are for comparison.

use std::fmt;

use bevy_ecs::hierarchy::Children;
use touchline_abi::{Event, Key};
use touchline_engine::engine::EngineError;
use touchline_engine::focus::FocusGraph;
use touchline_engine::{
    Align, Color, Direction, Easing, Edges, Engine, Entity, FontWeight, Length, NodeBundle, NodeStyle,
    Overflow, Property, Style, TextContent, TextStyle, Transition, Visual, Wrap,
};

pub mod sdk;
#[cfg(target_arch = "wasm32")]
mod wasm;

/// Viewport width of every scenario.
pub const WIDTH: u32 = 1920;
/// Viewport height of every scenario.
pub const HEIGHT: u32 = 1080;
/// The frame time step: 60 Hz.
pub const FRAME_US: u64 = 16_667;

/// Tile width in pixels.
pub const TILE_WIDTH: f32 = 200.0;
/// Tile height in pixels.
pub const TILE_HEIGHT: f32 = 120.0;
/// Gap between tiles in a rail.
pub const TILE_GAP: f32 = 24.0;
/// Gap between rails on the page.
pub const RAIL_GAP: f32 = 40.0;
/// Padding around the page.
pub const PAGE_PADDING: f32 = 48.0;
/// Tiles per rail on the pages.
pub const TILES_PER_RAIL: usize = 12;
/// Rails of the 1,000-node page: 40 × (row + 12 × (tile + label)) = 1,000 nodes.
pub const PAGE_RAILS: usize = 40;
/// Rails of the 20,000-node page: 800 × 25 = 20,000 nodes.
pub const BIG_PAGE_RAILS: usize = 800;
/// Tiles of the scroll rail.
pub const RAIL_TILES: usize = 1000;

/// How long one leg of the animation takes: long enough that a frame changes the value only a
/// little, short enough that the value differs from frame to frame in `f32`.
const ANIMATION_LEG_US: u64 = 100_000_000;
/// The rail and tile (of the 1,000-node page) whose opacity animates: on screen.
const ANIMATED_RAIL: usize = 1;
const ANIMATED_TILE: usize = 2;

/// Scene nodes (not counting the engine's root) of a page of `rails` rails: the page column,
/// and per rail its row and [`TILES_PER_RAIL`] tiles with a label each.
pub const fn page_nodes(rails: usize) -> usize {
    1 + rails * (1 + 2 * TILES_PER_RAIL)
}

/// Which scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScenarioId {
    /// Spawn the 1,000-node page into an empty scene and run its first frame.
    Create1000,
    /// One frame of the 1,000-node page where nothing changed.
    IdleFrame1000,
    /// One frame of the 1,000-node page while one tile's opacity animates.
    AnimateOne1000,
    /// One frame after scrolling a rail of 1,000 tiles by one tile.
    ScrollRail1000,
    /// Spawn the 20,000-node page and run its first frame; the figure is memory.
    Memory20000,
    /// One arrow press among 1,000 focusable tiles.
    FocusMove1000,
    /// One arrow press among 10,000 focusable tiles.
    FocusMove10000,
    /// A signal change that updates one label of a 1,000-node page written with the SDK.
    SignalLabel1000,
    /// Mounting a 200-node page written with the SDK, and its first frame.
    Mount200,
}

/// What a scenario is judged by.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Target {
    /// The median time of one step, in microseconds, at most this (wasm, Cranelift).
    StepTime {
        /// Microseconds.
        micros: f64,
    },
    /// The size of the module's linear memory after one step, at most this many bytes.
    LinearMemory {
        /// Bytes.
        bytes: u64,
    },
}

impl Target {
    /// The kind as the bench ABI's description record spells it.
    pub fn kind(&self) -> &'static str {
        match self {
            Target::StepTime { .. } => "step_us",
            Target::LinearMemory { .. } => "memory_bytes",
        }
    }

    /// The limit, in the kind's unit (µs or bytes).
    pub fn limit(&self) -> f64 {
        match *self {
            Target::StepTime { micros } => micros,
            Target::LinearMemory { bytes } => bytes as f64,
        }
    }
}

/// A benchmark scenario: its name, what it builds and measures, and its target.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scenario {
    /// Which one.
    pub id: ScenarioId,
    /// Short name, as both runners print it.
    pub name: &'static str,
    /// What the scene is and what one step does.
    pub description: &'static str,
    /// The product target.
    pub target: Target,
}

/// 16 MB, read as 16 MiB: 256 wasm pages.
pub const MEMORY_TARGET_BYTES: u64 = 16 * 1024 * 1024;

/// Every scenario, in the order the runners run them.
pub const SCENARIOS: [Scenario; 9] = [
    Scenario {
        id: ScenarioId::Create1000,
        name: "create_1000",
        description: "spawn a 1,000-node page (page column + 40 rails x (row + 12 tiles 200x120 with \
                      background, radius and a text label), 1,001 nodes) into an empty 1920x1080 scene, \
                      then one frame: layout, text, display list; the page is despawned untimed between \
                      steps (glyphs are rasterized in the first step only, as in an app)",
        target: Target::StepTime { micros: 5_000.0 },
    },
    Scenario {
        id: ScenarioId::IdleFrame1000,
        name: "idle_frame_1000",
        description: "one frame of the 1,000-node page with no change (an unchanged frame)",
        target: Target::StepTime { micros: 20.0 },
    },
    Scenario {
        id: ScenarioId::AnimateOne1000,
        name: "animate_one_1000",
        description: "one frame of the 1,000-node page while one on-screen tile's opacity runs a long \
                      linear tween (frame time +16,667 us per step)",
        target: Target::StepTime { micros: 200.0 },
    },
    Scenario {
        id: ScenarioId::ScrollRail1000,
        name: "scroll_rail_1000",
        description: "one frame after set_scroll moves a rail (row, overflow scroll, 1920 wide) of 1,000 \
                      focusable tiles 200x120 with background and radius (no labels; 1,001 nodes) by one \
                      tile (224 px), wrapping at the end",
        target: Target::StepTime { micros: 500.0 },
    },
    Scenario {
        id: ScenarioId::Memory20000,
        name: "memory_20000",
        description: "spawn a 20,001-node page (page column + 800 rails x (row + 12 tiles + 12 labels)) and \
                      run its first frame; the figure is the wasm linear memory after it (16 MB read as \
                      16 MiB); the step time is the build + first frame",
        target: Target::LinearMemory { bytes: MEMORY_TARGET_BYTES },
    },
    Scenario {
        id: ScenarioId::FocusMove1000,
        name: "focus_move_1000",
        description: "one arrow press (key down and up, alternating right and left) among 1,000 focusable \
                      tiles in one scope (a 40x25 grid): the move searches all of them; the step is the \
                      input half of the frame (the focus tree is built once, untimed, as layout is \
                      unchanged); the ring's repaint runs untimed after it",
        target: Target::StepTime { micros: 50.0 },
    },
    Scenario {
        id: ScenarioId::FocusMove10000,
        name: "focus_move_10000",
        description: "one arrow press as in focus_move_1000 among 10,000 focusable tiles (a 100x100 grid)",
        target: Target::StepTime { micros: 500.0 },
    },
    Scenario {
        id: ScenarioId::SignalLabel1000,
        name: "signal_label_1000",
        description: "UI SDK: a 1,000-node page written with view! (40 rails x (row + 12 focusable tiles with \
                      a label)) where one label reads a signal; the step sets the signal and runs the frame \
                      (effect, text update, relayout of that text, repaint of that node)",
        target: Target::StepTime { micros: 50.0 },
    },
    Scenario {
        id: ScenarioId::Mount200,
        name: "mount_200",
        description: "UI SDK: a signal shows a 200-node page (8 rails x (row + 12 focusable tiles with a \
                      label), built with view!) in a dynamic region; the step builds and mounts it and runs \
                      its first frame; it is unmounted untimed between steps",
        target: Target::StepTime { micros: 2_000.0 },
    },
];

impl Scenario {
    /// The scenario with this name.
    pub fn by_name(name: &str) -> Option<&'static Scenario> {
        SCENARIOS.iter().find(|s| s.name == name)
    }

    /// The untimed part: builds the engine and the scene the steps work on.
    pub fn setup(&self) -> Result<Bench, BenchError> {
        let engine = Engine::new(WIDTH, HEIGHT).map_err(BenchError::Engine)?;
        let mut bench = Bench {
            scenario: self.id,
            engine,
            time_us: 0,
            page: None,
            animated: None,
            rail: None,
            scroll_index: 0,
            move_right: false,
            sdk: None,
        };
        bench.prepare()?;
        Ok(bench)
    }

    /// The bench ABI's description record: `name \t kind \t limit \t description`, where kind
    /// is `step_us` or `memory_bytes` and limit is in that unit.
    pub fn record(&self) -> String {
        format!("{}\t{}\t{}\t{}", self.name, self.target.kind(), self.target.limit(), self.description)
    }
}

/// Why a scenario could not run, or produced the wrong kind of frame.
#[derive(Debug)]
pub enum BenchError {
    /// The engine could not start.
    Engine(EngineError),
    /// A step's frame is not what the scenario measures (e.g. an idle frame that re-rendered).
    Check(String),
}

impl fmt::Display for BenchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BenchError::Engine(e) => write!(f, "the engine could not start: {e}"),
            BenchError::Check(what) => write!(f, "check failed: {what}"),
        }
    }
}

impl std::error::Error for BenchError {}

/// A scenario set up and ready to step.
pub struct Bench {
    scenario: ScenarioId,
    engine: Engine,
    /// The last frame's time.
    time_us: u64,
    /// The page column, when the scenario has one.
    page: Option<Entity>,
    /// The animated tile, when the current leg ends, and whether it fades out.
    animated: Option<(Entity, u64, bool)>,
    /// The scroll rail.
    rail: Option<Entity>,
    /// How many tiles the rail is scrolled by.
    scroll_index: usize,
    /// Whether the last focus move went right.
    move_right: bool,
    /// The SDK scenarios' app (their own engine).
    sdk: Option<sdk::SdkBench>,
}

impl Bench {
    /// The scenario.
    pub fn scenario(&self) -> ScenarioId {
        self.scenario
    }

    /// The engine (the SDK app's, for the SDK scenarios).
    pub fn engine(&self) -> &Engine {
        match &self.sdk {
            Some(sdk) => sdk.app().engine(),
            None => &self.engine,
        }
    }

    /// The engine (the SDK app's, for the SDK scenarios), to poke at in tests.
    pub fn engine_mut(&mut self) -> &mut Engine {
        match &mut self.sdk {
            Some(sdk) => sdk.app_mut().engine_mut(),
            None => &mut self.engine,
        }
    }

    /// Runs a frame one 60 Hz frame after the last, returning the display list's length.
    fn frame(&mut self) -> usize {
        self.time_us += FRAME_US;
        self.engine.frame(self.time_us, &[]).len()
    }

    /// Builds what the scenario needs, untimed.
    fn prepare(&mut self) -> Result<(), BenchError> {
        match self.scenario {
            ScenarioId::Create1000 | ScenarioId::Memory20000 => {
                // Starts from an empty scene that has rendered once (as an app between pages).
                self.frame();
            }
            ScenarioId::IdleFrame1000 => {
                self.page = Some(spawn_page(&mut self.engine, PAGE_RAILS));
                self.settle()?;
            }
            ScenarioId::AnimateOne1000 => {
                let page = spawn_page(&mut self.engine, PAGE_RAILS);
                self.page = Some(page);
                self.settle()?;
                let tile = page_tile(&self.engine, page, ANIMATED_RAIL, ANIMATED_TILE)
                    .ok_or_else(|| BenchError::Check("the page has no tile to animate".into()))?;
                self.animated = Some((tile, 0, false));
                self.retarget_animation();
            }
            ScenarioId::ScrollRail1000 => {
                let root = self.engine.root();
                self.rail = Some(spawn_scroll_rail(&mut self.engine, root, RAIL_TILES));
                self.settle()?;
            }
            ScenarioId::FocusMove1000 | ScenarioId::FocusMove10000 => {
                let columns = if self.scenario == ScenarioId::FocusMove1000 { 40 } else { 100 };
                let tiles = if self.scenario == ScenarioId::FocusMove1000 { 1_000 } else { 10_000 };
                let root = self.engine.root();
                self.page = Some(spawn_focus_grid(&mut self.engine, root, columns, tiles));
                self.settle()?;
                // The first press builds the focus tree; the timed ones reuse it.
                self.step();
                self.after_step()?;
            }
            ScenarioId::SignalLabel1000 => self.sdk = Some(sdk::SdkBench::label_page()?),
            ScenarioId::Mount200 => self.sdk = Some(sdk::SdkBench::mount_page()?),
        }
        Ok(())
    }

    /// Runs frames until the scene is idle (the first frame lays out and focuses, the second
    /// draws the focus ring's change), so the first timed step starts from a steady scene.
    fn settle(&mut self) -> Result<(), BenchError> {
        for _ in 0..8 {
            self.frame();
            if self.engine.stats().idle {
                return Ok(());
            }
        }
        Err(BenchError::Check("the scene did not settle into idle frames within 8 frames".into()))
    }

    /// Starts the next leg of the opacity animation (fade out to 0.25, or back in to 1) and runs
    /// the frame that takes it up, untimed: the engine starts a motion at the frame after the
    /// call, from the value on screen, so that frame shows no change yet.
    fn retarget_animation(&mut self) {
        let Some((tile, _, fading_out)) = self.animated else { return };
        let out = !fading_out;
        let target = if out { 0.25f32 } else { 1.0 };
        self.engine.animate(
            tile,
            Property::Opacity,
            target,
            Transition::tween(ANIMATION_LEG_US, Easing::Linear),
        );
        self.frame();
        self.animated = Some((tile, self.time_us + ANIMATION_LEG_US, out));
    }

    /// The timed part: one step of the scenario. Returns the length in bytes of the step's
    /// display list (so the work is observable and cannot be optimized away); the frame's
    /// figures are `engine().stats()` until the next frame.
    pub fn step(&mut self) -> u32 {
        if let Some(sdk) = &mut self.sdk {
            return sdk.step().min(u32::MAX as usize) as u32;
        }
        match self.scenario {
            ScenarioId::Create1000 => {
                self.page = Some(spawn_page(&mut self.engine, PAGE_RAILS));
            }
            ScenarioId::Memory20000 => {
                self.page = Some(spawn_page(&mut self.engine, BIG_PAGE_RAILS));
            }
            ScenarioId::IdleFrame1000 | ScenarioId::AnimateOne1000 => {}
            ScenarioId::SignalLabel1000 | ScenarioId::Mount200 => {}
            ScenarioId::FocusMove1000 | ScenarioId::FocusMove10000 => {
                // Only the input half: the move. The frame that repaints the ring is untimed.
                self.time_us += FRAME_US;
                self.move_right = !self.move_right;
                let key = if self.move_right { Key::Right } else { Key::Left };
                let events =
                    self.engine.begin_frame(self.time_us, &[Event::key_down(key), Event::key_up(key)]);
                return events.len() as u32;
            }
            ScenarioId::ScrollRail1000 => {
                if let Some(rail) = self.rail {
                    self.scroll_index = (self.scroll_index + 1) % (max_scroll_steps(RAIL_TILES) + 1);
                    self.engine.set_scroll(rail, self.scroll_index as f32 * (TILE_WIDTH + TILE_GAP), 0.0);
                }
            }
        }
        self.frame().min(u32::MAX as usize) as u32
    }

    /// The untimed part between steps: checks that the step produced the frame the scenario
    /// measures, and undoes what must not carry over (`create_1000` despawns its page and runs a
    /// frame, so the next step starts from an empty scene again).
    pub fn after_step(&mut self) -> Result<(), BenchError> {
        if let Some(sdk) = &mut self.sdk {
            return match self.scenario {
                ScenarioId::Mount200 => sdk.check_mounted_then_unmount(),
                _ => sdk.check_label(),
            };
        }
        let stats = self.engine.stats();
        let fail = |what: String| Err(BenchError::Check(what));
        match self.scenario {
            ScenarioId::Create1000 | ScenarioId::Memory20000 => {
                let rails = if self.scenario == ScenarioId::Create1000 { PAGE_RAILS } else { BIG_PAGE_RAILS };
                // The page and the engine's root.
                let expected = page_nodes(rails) + 1;
                let nodes = scene_nodes(&mut self.engine);
                if stats.idle || nodes != expected || stats.commands < 50 {
                    return fail(format!(
                        "the build's frame should show {expected} nodes and tens of commands, got {nodes} \
                         nodes and {stats:?}"
                    ));
                }
                if self.scenario == ScenarioId::Create1000
                    && let Some(page) = self.page.take()
                {
                    self.engine.despawn(page);
                    self.frame();
                }
            }
            ScenarioId::IdleFrame1000 => {
                if !(stats.idle && stats.unchanged) {
                    return fail(format!("an idle frame should be skipped and unchanged, got {stats:?}"));
                }
            }
            ScenarioId::AnimateOne1000 => {
                if stats.idle || stats.unchanged || stats.render.encoded == 0 || stats.render.encoded > 4 {
                    return fail(format!(
                        "an animation frame should change and re-encode one tile or so, got {stats:?}"
                    ));
                }
                if let Some((_, ends_us, _)) = self.animated
                    && self.time_us + 2 * FRAME_US >= ends_us
                {
                    // Once per ~6,000 frames, before the leg ends: the value changes every frame.
                    self.retarget_animation();
                }
            }
            ScenarioId::ScrollRail1000 => {
                if stats.idle || stats.unchanged || stats.render.emitted == 0 {
                    return fail(format!("a scroll frame should change and draw tiles, got {stats:?}"));
                }
            }
            ScenarioId::SignalLabel1000 | ScenarioId::Mount200 => {}
            ScenarioId::FocusMove1000 | ScenarioId::FocusMove10000 => {
                self.engine.end_frame();
                // Right from the first tile lands on the second; left brings it back.
                let expected = self.page.and_then(|grid| {
                    let tiles = self.engine.world().get::<Children>(grid)?;
                    tiles.get(usize::from(self.move_right)).copied()
                });
                let focused = self.engine.focused();
                if focused.is_none() || focused != expected {
                    return fail(format!(
                        "the press should move focus to {expected:?}, it is on {focused:?}"
                    ));
                }
                let builds = self.engine.world().resource::<FocusGraph>().builds;
                if builds != 1 {
                    return fail(format!("the focus tree should be built once, it was built {builds} times"));
                }
            }
        }
        Ok(())
    }
}

/// The scene's nodes, the root included (`FrameStats::nodes` counts the world's entity slots).
pub fn scene_nodes(engine: &mut Engine) -> usize {
    let world = engine.world_mut();
    let mut nodes = world.query::<&NodeStyle>();
    nodes.iter(world).count()
}

/// How many one-tile scroll steps fit before the rail's end reaches its right edge.
pub fn max_scroll_steps(tiles: usize) -> usize {
    let content = tiles as f32 * TILE_WIDTH + (tiles.saturating_sub(1)) as f32 * TILE_GAP;
    let overflow = (content - WIDTH as f32).max(0.0);
    (overflow / (TILE_WIDTH + TILE_GAP)) as usize
}

/// A grid of `tiles` small focusable tiles, `columns` to a row, all on screen, in one scope.
fn spawn_focus_grid(engine: &mut Engine, parent: Entity, columns: usize, tiles: usize) -> Entity {
    let cell = (WIDTH as f32 - 2.0 * PAGE_PADDING) / columns as f32;
    let rows = tiles.div_ceil(columns);
    let height = ((HEIGHT as f32 - 2.0 * PAGE_PADDING) / rows as f32).min(cell);
    let grid = engine.spawn(
        parent,
        NodeBundle {
            style: Style {
                wrap: Wrap::Wrap,
                padding: Edges::all(PAGE_PADDING),
                width: Length::Percent(1.0),
                ..Style::default()
            },
            ..NodeBundle::default()
        },
    );
    for i in 0..tiles {
        engine.spawn(
            grid,
            NodeBundle {
                style: Style {
                    width: Length::Px(cell - 2.0),
                    height: Length::Px(height - 2.0),
                    margin: Edges::all(Length::Px(1.0)),
                    ..Style::default()
                },
                visual: Visual { background: Color::hex(HUES[i % HUES.len()]), ..Visual::default() },
                focusable: true,
                ..NodeBundle::default()
            },
        );
    }
    grid
}

const HUES: [u32; 6] = [0x155eef, 0x027a48, 0xb54708, 0x6941c6, 0xc11574, 0x0e9384];

fn tile_bundle(index: usize) -> NodeBundle {
    NodeBundle {
        style: Style {
            direction: Direction::Column,
            width: Length::Px(TILE_WIDTH),
            height: Length::Px(TILE_HEIGHT),
            shrink: 0.0,
            padding: Edges::all(12.0),
            justify_content: Align::End,
            ..Style::default()
        },
        visual: Visual {
            background: Color::hex(HUES[index % HUES.len()]),
            corner_radius: 12.0,
            ..Visual::default()
        },
        focusable: true,
        ..NodeBundle::default()
    }
}

fn label_bundle(index: usize) -> NodeBundle {
    NodeBundle {
        text: Some(TextContent {
            text: format!("Match {}", index + 1),
            style: TextStyle {
                size: 20.0,
                weight: FontWeight::SemiBold,
                max_lines: 1,
                ..TextStyle::default()
            },
        }),
        ..NodeBundle::default()
    }
}

/// Spawns a page under the root: a column (the viewport's size, scrolling vertically) of `rails`
/// rails, each a row of [`TILES_PER_RAIL`] focusable tiles with a text label. Returns the page
/// column; [`page_nodes`] counts its nodes.
pub fn spawn_page(engine: &mut Engine, rails: usize) -> Entity {
    let root = engine.root();
    let page = engine.spawn(
        root,
        NodeBundle {
            style: Style {
                direction: Direction::Column,
                width: Length::Percent(1.0),
                height: Length::Percent(1.0),
                padding: Edges::all(PAGE_PADDING),
                row_gap: RAIL_GAP,
                overflow: Overflow::Scroll,
                ..Style::default()
            },
            visual: Visual { background: Color::hex(0x0c111d), ..Visual::default() },
            ..NodeBundle::default()
        },
    );
    for r in 0..rails {
        let rail = engine.spawn(
            page,
            NodeBundle {
                style: Style {
                    width: Length::Percent(1.0),
                    height: Length::Px(TILE_HEIGHT),
                    shrink: 0.0,
                    column_gap: TILE_GAP,
                    overflow: Overflow::Scroll,
                    ..Style::default()
                },
                ..NodeBundle::default()
            },
        );
        for t in 0..TILES_PER_RAIL {
            let index = r * TILES_PER_RAIL + t;
            let tile = engine.spawn(rail, tile_bundle(index));
            engine.spawn(tile, label_bundle(index));
        }
    }
    page
}

/// Spawns a rail of `tiles` focusable tiles (background and radius, no labels) under `parent`:
/// a row 1920 wide that scrolls horizontally. Returns the rail.
pub fn spawn_scroll_rail(engine: &mut Engine, parent: Entity, tiles: usize) -> Entity {
    let rail = engine.spawn(
        parent,
        NodeBundle {
            style: Style {
                width: Length::Px(WIDTH as f32),
                height: Length::Px(TILE_HEIGHT),
                shrink: 0.0,
                column_gap: TILE_GAP,
                overflow: Overflow::Scroll,
                ..Style::default()
            },
            ..NodeBundle::default()
        },
    );
    for t in 0..tiles {
        engine.spawn(rail, tile_bundle(t));
    }
    rail
}

/// The `tile`-th tile of the `rail`-th rail of a page.
pub fn page_tile(engine: &Engine, page: Entity, rail: usize, tile: usize) -> Option<Entity> {
    let world = engine.world();
    let rails = world.get::<Children>(page)?;
    let rail = *rails.get(rail)?;
    world.get::<Children>(rail)?.get(tile).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(id: ScenarioId) -> &'static Scenario {
        SCENARIOS.iter().find(|s| s.id == id).expect("every id has a scenario")
    }

    /// Sets up, runs `steps` steps with their checks, and returns the bench.
    fn run(id: ScenarioId, steps: usize) -> Bench {
        let mut bench = scenario(id).setup().expect("setup");
        for _ in 0..steps {
            bench.step();
            bench.after_step().expect("the step's frame is the kind the scenario measures");
        }
        bench
    }

    #[test]
    fn a_signal_step_repaints_only_its_label() {
        let bench = run(ScenarioId::SignalLabel1000, 5);
        assert_eq!(bench.engine().texts().first().map(String::as_str), Some("Score 5"));
        assert!(bench.engine().texts().len() > 450, "the page is all there");
    }

    #[test]
    fn a_mount_step_mounts_200_nodes_and_unmounts_them_between_steps() {
        let bench = run(ScenarioId::Mount200, 3);
        assert!(bench.engine().texts().is_empty(), "unmounted after the last step's check");
    }

    #[test]
    fn the_page_has_1000_nodes_and_the_big_page_20000() {
        assert_eq!(page_nodes(PAGE_RAILS), 1_001, "page column + 1,000");
        assert_eq!(page_nodes(BIG_PAGE_RAILS), 20_001);
        let names: Vec<&str> = SCENARIOS.iter().map(|s| s.name).collect();
        assert_eq!(
            names,
            [
                "create_1000",
                "idle_frame_1000",
                "animate_one_1000",
                "scroll_rail_1000",
                "memory_20000",
                "focus_move_1000",
                "focus_move_10000",
                "signal_label_1000",
                "mount_200"
            ]
        );
        for s in &SCENARIOS {
            assert_eq!(Scenario::by_name(s.name), Some(s));
            let record = s.record();
            assert_eq!(record.split('\t').count(), 4, "{record}");
            assert!(!s.description.contains('\t'));
        }
    }

    #[test]
    fn a_focus_move_step_moves_focus_and_reuses_the_focus_tree() {
        for id in [ScenarioId::FocusMove1000, ScenarioId::FocusMove10000] {
            let mut bench = scenario(id).setup().expect("setup");
            for _ in 0..4 {
                let events = bench.step();
                assert_eq!(events, 2, "a blur and a focus");
                bench.after_step().expect("focus moved and the tree was reused");
            }
        }
    }

    #[test]
    fn create_builds_the_page_each_step_and_starts_empty_again() {
        let mut bench = scenario(ScenarioId::Create1000).setup().expect("setup");
        assert_eq!(scene_nodes(bench.engine_mut()), 1, "only the root");
        for _ in 0..3 {
            bench.step();
            let stats = bench.engine().stats();
            let commands = stats.commands;
            assert_eq!(scene_nodes(bench.engine_mut()), 1 + page_nodes(PAGE_RAILS));
            assert!(!stats.unchanged && !stats.idle);
            // Background + radius per visible tile, its label's glyph run, the page fill, clips
            // and the focus ring: on the order of a hundred commands, most tiles culled.
            assert!((100..1000).contains(&commands), "{commands} commands");
            assert!(stats.render.culled > 0, "rails below the fold and tiles past the right edge are culled");
            assert!(stats.glyphs > 0);
            bench.after_step().expect("checks");
            assert_eq!(scene_nodes(bench.engine_mut()), 1, "the page is gone before the next step");
        }
    }

    #[test]
    fn idle_frames_are_unchanged() {
        let mut bench = run(ScenarioId::IdleFrame1000, 3);
        let stats = bench.engine().stats();
        assert!(stats.unchanged && stats.idle, "{stats:?}");
        assert_eq!(stats.commands, 0, "an unchanged frame has no commands");
        assert_eq!(scene_nodes(bench.engine_mut()), page_nodes(PAGE_RAILS) + 1);
    }

    #[test]
    fn animation_changes_one_tile_a_little_each_frame() {
        let mut bench = run(ScenarioId::AnimateOne1000, 1);
        let page = bench.page.expect("page");
        let tile = page_tile(bench.engine(), page, ANIMATED_RAIL, ANIMATED_TILE).expect("tile");
        let opacity = |b: &Bench| b.engine().world().get::<Visual>(tile).expect("visual").opacity;
        let before = opacity(&bench);
        bench.step();
        bench.after_step().expect("checks");
        let after = opacity(&bench);
        assert!(after < before && before - after < 0.001, "{before} → {after}");
        let stats = bench.engine().stats();
        assert!(!stats.unchanged && stats.render.encoded <= 4, "{stats:?}");
    }

    #[test]
    fn animation_keeps_changing_across_legs() {
        let mut bench = run(ScenarioId::AnimateOne1000, 0);
        // Jump to just before the first leg ends: the next step starts the way back.
        bench.time_us += ANIMATION_LEG_US - 4 * FRAME_US;
        for _ in 0..6 {
            bench.step();
            bench.after_step().expect("every frame of the ping-pong changes");
        }
        assert!(matches!(bench.animated, Some((_, _, false))), "fading back in");
    }

    #[test]
    fn scrolling_moves_the_tiles_by_one_tile_and_wraps() {
        let mut bench = run(ScenarioId::ScrollRail1000, 0);
        let rail = bench.rail.expect("rail");
        let first = bench.engine().world().get::<Children>(rail).expect("tiles")[0];
        let x0 = bench.engine().rect(first).expect("laid out").x;
        bench.step();
        bench.after_step().expect("checks");
        let x1 = bench.engine().rect(first).expect("laid out").x;
        assert_eq!(x0 - x1, TILE_WIDTH + TILE_GAP);
        let stats = bench.engine().stats();
        assert!(stats.render.emitted >= 9 && stats.render.emitted < 20, "only the visible tiles: {stats:?}");
        let steps = max_scroll_steps(RAIL_TILES);
        assert_eq!(steps, 991);
        bench.scroll_index = steps;
        bench.step();
        bench.after_step().expect("wrapping still changes the frame");
        assert_eq!(bench.engine().rect(first).expect("laid out").x, x0, "wrapped to the start");
    }

    #[test]
    fn the_memory_scene_has_20000_nodes() {
        let mut bench = run(ScenarioId::Memory20000, 1);
        assert_eq!(scene_nodes(bench.engine_mut()), page_nodes(BIG_PAGE_RAILS) + 1);
    }
}
