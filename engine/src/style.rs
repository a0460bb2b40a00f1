//! The node style: what page authors set, converted to taffy's style by layout.
//!
//! Our own type (as bevy_ui does) keeps taffy out of the public API and is `Send + Sync`,
//! which taffy's compact style is not.

/// A length: automatic, pixels, or a fraction of the parent.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Length {
    /// Decided by layout.
    #[default]
    Auto,
    /// Pixels at the viewport's scale.
    Px(f32),
    /// A fraction (0–1) of the parent's size.
    Percent(f32),
}

impl From<f32> for Length {
    fn from(px: f32) -> Self {
        Length::Px(px)
    }
}

impl From<i32> for Length {
    fn from(px: i32) -> Self {
        Length::Px(px as f32)
    }
}

/// Edges of a box, clockwise from the top.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Edges {
    /// Top.
    pub top: f32,
    /// Right.
    pub right: f32,
    /// Bottom.
    pub bottom: f32,
    /// Left.
    pub left: f32,
}

impl Edges {
    /// The same on every side.
    pub const fn all(v: f32) -> Self {
        Self { top: v, right: v, bottom: v, left: v }
    }

    /// Vertical and horizontal.
    pub const fn symmetric(vertical: f32, horizontal: f32) -> Self {
        Self { top: vertical, right: horizontal, bottom: vertical, left: horizontal }
    }
}

/// The main axis of a flex container.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Direction {
    /// Children left to right.
    #[default]
    Row,
    /// Children top to bottom.
    Column,
}

/// Alignment of children along an axis.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Align {
    /// The layout's default (stretch across, start along).
    #[default]
    Default,
    /// At the start.
    Start,
    /// Centred.
    Center,
    /// At the end.
    End,
    /// Stretched (cross axis only).
    Stretch,
    /// Space between children (main axis only).
    SpaceBetween,
}

/// Layout style of a node: a flexbox container and/or item.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Style {
    /// Main axis.
    pub direction: Direction,
    /// Width.
    pub width: Length,
    /// Height.
    pub height: Length,
    /// Inner spacing.
    pub padding: Edges,
    /// Outer spacing.
    pub margin: Edges,
    /// Space between children.
    pub gap: f32,
    /// Cross-axis alignment of children.
    pub align_items: Align,
    /// Main-axis distribution of children.
    pub justify_content: Align,
    /// Share of free space this node takes.
    pub grow: f32,
    /// Whether this node shrinks when space is short.
    pub shrink: f32,
    /// Children wrap onto new lines.
    pub wrap: bool,
}

impl Default for Style {
    fn default() -> Self {
        Self {
            direction: Direction::Row,
            width: Length::Auto,
            height: Length::Auto,
            padding: Edges::default(),
            margin: Edges::default(),
            gap: 0.0,
            align_items: Align::Default,
            justify_content: Align::Default,
            grow: 0.0,
            shrink: 1.0,
            wrap: false,
        }
    }
}

impl Style {
    /// Converts to taffy's style.
    pub fn to_taffy(&self) -> taffy::Style {
        use taffy::prelude::*;
        let dim = |l: Length| match l {
            Length::Auto => Dimension::auto(),
            Length::Px(px) => Dimension::length(px),
            Length::Percent(f) => Dimension::percent(f),
        };
        let lp = |v: f32| LengthPercentage::length(v);
        let lpa = |v: f32| LengthPercentageAuto::length(v);
        let items = match self.align_items {
            Align::Default => AlignItems::NORMAL,
            Align::Start => AlignItems::FLEX_START,
            Align::Center => AlignItems::CENTER,
            Align::End => AlignItems::FLEX_END,
            Align::Stretch | Align::SpaceBetween => AlignItems::STRETCH,
        };
        let justify = match self.justify_content {
            Align::Default | Align::Stretch => JustifyContent::NORMAL,
            Align::Start => JustifyContent::FLEX_START,
            Align::Center => JustifyContent::CENTER,
            Align::End => JustifyContent::FLEX_END,
            Align::SpaceBetween => JustifyContent::SPACE_BETWEEN,
        };
        taffy::Style {
            display: Display::Flex,
            flex_direction: match self.direction {
                Direction::Row => FlexDirection::Row,
                Direction::Column => FlexDirection::Column,
            },
            flex_wrap: if self.wrap { FlexWrap::Wrap } else { FlexWrap::NoWrap },
            size: Size { width: dim(self.width), height: dim(self.height) },
            padding: taffy::Rect {
                top: lp(self.padding.top),
                right: lp(self.padding.right),
                bottom: lp(self.padding.bottom),
                left: lp(self.padding.left),
            },
            margin: taffy::Rect {
                top: lpa(self.margin.top),
                right: lpa(self.margin.right),
                bottom: lpa(self.margin.bottom),
                left: lpa(self.margin.left),
            },
            gap: Size { width: lp(self.gap), height: lp(self.gap) },
            align_items: items,
            justify_content: justify,
            flex_grow: self.grow,
            flex_shrink: self.shrink,
            ..Default::default()
        }
    }
}
