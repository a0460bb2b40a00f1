//! Touchline's scene engine.
//!
//! A scene is a tree of node entities in a `bevy_ecs` [`World`](bevy_ecs::world::World).
//! Each frame the engine runs its systems in a fixed order — input, focus, then (after the
//! UI layer has reacted to the frame's [`UiEvent`]s) layout, text and render — and produces a
//! display list in the format of [`touchline_abi::display_list`].
//!
//! The engine knows nothing about pages, hosts or the JS VM.

pub mod color;
pub mod engine;
pub mod focus;
pub mod input;
pub mod layout;
pub mod render;
pub mod scene;
pub mod style;
pub mod text;

pub use color::Color;
pub use engine::{Engine, FrameStats};
pub use focus::{FocusState, UiEvent, UiEventKind};
pub use scene::{FocusRing, Focusable, NodeBundle, NodeStyle, TextContent, TextStyle, Visual};
pub use style::{Align, Direction, Edges, Length, Style};
pub use text::FontWeight;
