//! The components a scene node is made of.

use bevy_ecs::prelude::*;

use crate::color::Color;
use crate::style::Style;
pub use crate::text::TextStyle;

/// A node's layout style. Every scene node has one.
#[derive(Component, Clone, Copy, Debug, Default, PartialEq)]
pub struct NodeStyle(pub Style);

/// How a node's box is painted.
#[derive(Component, Clone, Copy, Debug, Default, PartialEq)]
pub struct Visual {
    /// Fill colour.
    pub background: Color,
    /// Border colour.
    pub border_color: Color,
    /// Border width in pixels, drawn inside the box.
    pub border_width: f32,
    /// Corner radius in pixels.
    pub corner_radius: f32,
}

/// Text shown in a node; the node is measured from it.
#[derive(Component, Clone, Debug, Default, PartialEq)]
pub struct TextContent {
    /// The UTF-8 text.
    pub text: String,
    /// Its style.
    pub style: TextStyle,
}

/// Marks a node that can take focus.
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct Focusable;

/// How the focus ring is drawn around a focused node.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
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

/// A node's box in viewport pixels, written by layout.
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
    /// Whether the node can take focus.
    pub focusable: bool,
    /// Focus ring override for a focusable node.
    pub focus_ring: Option<FocusRing>,
}
