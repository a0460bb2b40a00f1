//! Touchline's scene engine.
//!
//! A scene is a tree of node entities in a `bevy_ecs` [`World`](bevy_ecs::world::World).
//! Each frame the engine runs its systems in a fixed order — input, focus, then (after the
//! UI layer has reacted to the frame's [`UiEvent`]s) layout, text and render — and produces a
//! display list in the format of [`touchline_abi::display_list`].
//!
//! The engine knows nothing about pages, hosts or the JS VM.

pub mod animation;
pub mod animation_systems;
pub mod color;
pub mod engine;
pub mod focus;
pub mod images;
pub mod input;
pub mod inspector;
pub mod layout;
pub mod render;
pub mod scene;
pub mod shared_styles;
pub mod style;
pub mod text;

pub use animation::{Easing, Spring, Transition};
pub use animation_systems::{Property, Value};
pub use bevy_ecs::entity::Entity;
pub use color::Color;
pub use engine::{AHEAD_MAX_SIZE, Engine, FrameStats, FrameTimings};
pub use focus::{FocusState, UiEvent, UiEventKind};
pub use images::{ImageState, ImageStats};
pub use scene::{
    ComputedRect, FocusRing, Focusable, Gradient, ImageContent, NodeBundle, NodeStyle, ScrollOffset, Shadow,
    SourceTag, TextContent, TextStyle, Transform, VideoSurface, Visual,
};
pub use style::{
    Align, Direction, Display, Edges, GridFlow, GridLine, GridPlacement, Length, Overflow, Position, Repeat,
    Style, TemplateTrack, Track, TrackBreadth, Wrap,
};
pub use text::{FontWeight, TextAlign};
pub use touchline_abi::display_list::ImageFit;
