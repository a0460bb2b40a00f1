//! The node style: what page authors set, converted to taffy's style by layout.
//!
//! Our own type (as bevy_ui does) keeps taffy out of the public API and is `Send + Sync`,
//! which taffy's compact style is not. It covers taffy's flexbox and grid: sizes and their
//! limits, aspect ratio, padding, margin, gaps, alignment, wrapping, grow and shrink,
//! absolute positioning, grid templates and placement, and overflow (clip and scroll).
//!
//! With the `serde` feature every type deserializes from CSS-like values — lengths from
//! `120`, `"120px"`, `"50%"` or `"auto"`, tracks from `"1fr"` or `"minmax(100px, 1fr)"` —
//! which is how the layout fixtures in `engine/tests/layout-fixtures` are written.

use std::str::FromStr;

/// A length: automatic, pixels, or a fraction of the parent.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize), serde(try_from = "serde_repr::LengthRepr"))]
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

/// A style value that did not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {what}")]
pub struct StyleParseError {
    /// The text that did not parse.
    pub value: String,
    /// What it should have been.
    pub what: &'static str,
}

fn parse_error(value: &str, what: &'static str) -> StyleParseError {
    StyleParseError { value: value.to_owned(), what }
}

/// Parses `120`, `120px`, `-4.5px` into pixels.
fn parse_px(s: &str) -> Option<f32> {
    s.strip_suffix("px").unwrap_or(s).trim().parse::<f32>().ok().filter(|v| v.is_finite())
}

impl FromStr for Length {
    type Err = StyleParseError;

    /// `auto`, `120`, `120px` or `50%`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s == "auto" {
            return Ok(Length::Auto);
        }
        if let Some(pct) = s.strip_suffix('%') {
            let v: f32 = pct.trim().parse().map_err(|_| parse_error(s, "length"))?;
            return Ok(Length::Percent(v / 100.0));
        }
        parse_px(s).map(Length::Px).ok_or_else(|| parse_error(s, "length"))
    }
}

/// Edges of a box, clockwise from the top.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Deserialize),
    serde(try_from = "serde_repr::EdgesRepr<T>", bound = "T: serde::Deserialize<'de> + Copy")
)]
pub struct Edges<T = f32> {
    /// Top.
    pub top: T,
    /// Right.
    pub right: T,
    /// Bottom.
    pub bottom: T,
    /// Left.
    pub left: T,
}

impl<T: Copy> Edges<T> {
    /// The same on every side.
    pub const fn all(v: T) -> Self {
        Self { top: v, right: v, bottom: v, left: v }
    }

    /// Vertical and horizontal.
    pub const fn symmetric(vertical: T, horizontal: T) -> Self {
        Self { top: vertical, right: horizontal, bottom: vertical, left: horizontal }
    }
}

/// Which layout algorithm lays out a node's children.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize), serde(rename_all = "kebab-case"))]
pub enum Display {
    /// Flexbox.
    #[default]
    Flex,
    /// CSS grid.
    Grid,
    /// Block flow: children stacked top to bottom, each as wide as the container.
    Block,
    /// Not laid out and not drawn.
    None,
}

/// How a node is positioned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize), serde(rename_all = "kebab-case"))]
pub enum Position {
    /// In the flow; `inset` nudges it without moving others.
    #[default]
    Relative,
    /// Out of the flow, placed by `inset` inside its parent's padding box.
    Absolute,
}

/// The main axis of a flex container.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize), serde(rename_all = "kebab-case"))]
pub enum Direction {
    /// Children left to right.
    #[default]
    Row,
    /// Children top to bottom.
    Column,
    /// Children right to left.
    RowReverse,
    /// Children bottom to top.
    ColumnReverse,
}

/// Whether flex items wrap onto new lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize), serde(rename_all = "kebab-case"))]
pub enum Wrap {
    /// One line.
    #[default]
    NoWrap,
    /// New lines after.
    Wrap,
    /// New lines before.
    WrapReverse,
}

/// Alignment of children (or of one child) along an axis.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize), serde(rename_all = "kebab-case"))]
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
    /// Stretched.
    Stretch,
    /// On the first baseline.
    Baseline,
    /// Space between children (content alignment only).
    SpaceBetween,
    /// Space around children (content alignment only).
    SpaceAround,
    /// Equal space between and around children (content alignment only).
    SpaceEvenly,
}

/// What happens to content that overflows a node's box.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize), serde(rename_all = "kebab-case"))]
pub enum Overflow {
    /// Drawn outside the box.
    #[default]
    Visible,
    /// Clipped to the box (its padding box, with the node's corner radius); as a flex or
    /// grid item it may shrink below its content size, as in CSS.
    Hidden,
    /// Clipped, and the content moves by the node's [`crate::ScrollOffset`]; as a flex or grid
    /// item it may shrink below its content size, as CSS scroll containers do.
    Scroll,
}

impl Overflow {
    /// Whether content is clipped.
    pub fn clips(self) -> bool {
        !matches!(self, Overflow::Visible)
    }
}

/// One breadth of a grid track.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum TrackBreadth {
    /// Fits the content (`auto`).
    #[default]
    Auto,
    /// Pixels.
    Px(f32),
    /// A fraction (0–1) of the container.
    Percent(f32),
    /// A share of the free space (`fr`); as a minimum it means `auto`.
    Fr(f32),
    /// The content's smallest size.
    MinContent,
    /// The content's largest size.
    MaxContent,
}

impl FromStr for TrackBreadth {
    type Err = StyleParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Ok(match s {
            "auto" => TrackBreadth::Auto,
            "min-content" => TrackBreadth::MinContent,
            "max-content" => TrackBreadth::MaxContent,
            _ => {
                if let Some(fr) = s.strip_suffix("fr") {
                    TrackBreadth::Fr(fr.trim().parse().map_err(|_| parse_error(s, "track size"))?)
                } else {
                    match s.parse::<Length>().map_err(|_| parse_error(s, "track size"))? {
                        Length::Auto => TrackBreadth::Auto,
                        Length::Px(px) => TrackBreadth::Px(px),
                        Length::Percent(f) => TrackBreadth::Percent(f),
                    }
                }
            }
        })
    }
}

/// The size of a grid track: `min` to `max` (equal for a plain size).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize), serde(try_from = "String"))]
pub struct Track {
    /// Smallest breadth.
    pub min: TrackBreadth,
    /// Largest breadth.
    pub max: TrackBreadth,
}

impl Track {
    /// A fixed track.
    pub const fn px(px: f32) -> Self {
        Self { min: TrackBreadth::Px(px), max: TrackBreadth::Px(px) }
    }

    /// A flexible track: `fr` shares of the free space.
    pub const fn fr(fr: f32) -> Self {
        Self { min: TrackBreadth::Auto, max: TrackBreadth::Fr(fr) }
    }

    /// A track sized to its content.
    pub const fn auto() -> Self {
        Self { min: TrackBreadth::Auto, max: TrackBreadth::Auto }
    }

    /// `minmax(min, max)`.
    pub const fn minmax(min: TrackBreadth, max: TrackBreadth) -> Self {
        Self { min, max }
    }
}

impl FromStr for Track {
    type Err = StyleParseError;

    /// `100px`, `25%`, `1fr`, `auto`, `min-content`, `max-content`, `minmax(A, B)`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(args) = s.strip_prefix("minmax(").and_then(|r| r.strip_suffix(')')) {
            let (a, b) = args.split_once(',').ok_or_else(|| parse_error(s, "minmax()"))?;
            return Ok(Track::minmax(a.parse()?, b.parse()?));
        }
        let breadth: TrackBreadth = s.parse()?;
        Ok(match breadth {
            TrackBreadth::Fr(f) => Track::fr(f),
            other => Track { min: other, max: other },
        })
    }
}

impl TryFrom<String> for Track {
    type Error = StyleParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// How many times a `repeat()` repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repeat {
    /// Exactly this many times.
    Count(u16),
    /// As many as fit (empty tracks kept).
    AutoFill,
    /// As many as fit (empty tracks collapsed).
    AutoFit,
}

/// One entry of a grid template: a track or a `repeat()` of tracks.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize), serde(try_from = "String"))]
pub enum TemplateTrack {
    /// One track.
    Single(Track),
    /// `repeat(count, tracks…)`.
    Repeat(Repeat, Vec<Track>),
}

impl FromStr for TemplateTrack {
    type Err = StyleParseError;

    /// A track, or `repeat(3, 1fr)`, `repeat(auto-fill, 200px)`, `repeat(2, 100px 1fr)`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let Some(args) = s.strip_prefix("repeat(").and_then(|r| r.strip_suffix(')')) else {
            return Ok(TemplateTrack::Single(s.parse()?));
        };
        let (count, tracks) = args.split_once(',').ok_or_else(|| parse_error(s, "repeat()"))?;
        let count = match count.trim() {
            "auto-fill" => Repeat::AutoFill,
            "auto-fit" => Repeat::AutoFit,
            n => Repeat::Count(n.parse().map_err(|_| parse_error(s, "repeat() count"))?),
        };
        let tracks = split_tracks(tracks).map(str::parse).collect::<Result<Vec<Track>, _>>()?;
        if tracks.is_empty() {
            return Err(parse_error(s, "repeat() track list"));
        }
        Ok(TemplateTrack::Repeat(count, tracks))
    }
}

impl TryFrom<String> for TemplateTrack {
    type Error = StyleParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// Splits a track list at spaces outside parentheses.
fn split_tracks(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s.trim();
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut depth = 0;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                c == ' ' && depth == 0
            })
            .map_or(rest.len(), |(i, _)| i);
        let (head, tail) = rest.split_at(end);
        rest = tail.trim_start();
        Some(head)
    })
}

/// Parses a whole template: `"100px 1fr repeat(2, 50px)"`.
pub fn parse_template(s: &str) -> Result<Vec<TemplateTrack>, StyleParseError> {
    split_tracks(s).map(str::parse).collect()
}

/// How grid items without a placement are placed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize), serde(rename_all = "kebab-case"))]
pub enum GridFlow {
    /// Fill rows first.
    #[default]
    Row,
    /// Fill columns first.
    Column,
    /// Rows, filling earlier holes.
    RowDense,
    /// Columns, filling earlier holes.
    ColumnDense,
}

/// One end of a grid item's placement.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GridLine {
    /// Automatic placement.
    #[default]
    Auto,
    /// A line number (1-based; negative counts from the end).
    Line(i16),
    /// Span this many tracks.
    Span(u16),
}

/// Where a grid item goes along one axis: `start / end`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize), serde(try_from = "String"))]
pub struct GridPlacement {
    /// First line.
    pub start: GridLine,
    /// Last line.
    pub end: GridLine,
}

impl GridPlacement {
    /// From line `start` to line `end`.
    pub const fn lines(start: i16, end: i16) -> Self {
        Self { start: GridLine::Line(start), end: GridLine::Line(end) }
    }

    /// Auto-placed, spanning `n` tracks.
    pub const fn span(n: u16) -> Self {
        Self { start: GridLine::Auto, end: GridLine::Span(n) }
    }
}

impl FromStr for GridPlacement {
    type Err = StyleParseError;

    /// `auto`, `2`, `1 / 3`, `span 2`, `2 / span 2`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let line = |part: &str| -> Result<GridLine, StyleParseError> {
            let part = part.trim();
            if part == "auto" {
                Ok(GridLine::Auto)
            } else if let Some(n) = part.strip_prefix("span") {
                n.trim().parse().map(GridLine::Span).map_err(|_| parse_error(s, "grid span"))
            } else {
                part.parse().map(GridLine::Line).map_err(|_| parse_error(s, "grid line"))
            }
        };
        match s.split_once('/') {
            Some((a, b)) => Ok(Self { start: line(a)?, end: line(b)? }),
            None => match line(s)? {
                GridLine::Span(n) => Ok(Self::span(n)),
                start => Ok(Self { start, end: GridLine::Auto }),
            },
        }
    }
}

impl TryFrom<String> for GridPlacement {
    type Error = StyleParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// Layout style of a node: a flex or grid container and/or item.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize), serde(default, deny_unknown_fields))]
pub struct Style {
    /// Layout algorithm for the children.
    pub display: Display,
    /// In flow, or absolutely placed.
    pub position: Position,
    /// Offsets from the containing block's edges (absolute) or from the flow position.
    pub inset: Edges<Length>,
    /// Flex main axis.
    pub direction: Direction,
    /// Flex wrapping.
    pub wrap: Wrap,
    /// Width.
    pub width: Length,
    /// Height.
    pub height: Length,
    /// Smallest width.
    pub min_width: Length,
    /// Smallest height.
    pub min_height: Length,
    /// Largest width.
    pub max_width: Length,
    /// Largest height.
    pub max_height: Length,
    /// Width ÷ height, used when one of them is automatic.
    pub aspect_ratio: Option<f32>,
    /// Inner spacing in pixels.
    pub padding: Edges,
    /// Outer spacing (`auto` margins absorb free space).
    pub margin: Edges<Length>,
    /// Space between rows (flex lines, grid rows).
    pub row_gap: f32,
    /// Space between columns (flex items in a row, grid columns).
    pub column_gap: f32,
    /// Cross-axis alignment of children.
    pub align_items: Align,
    /// Cross-axis alignment of this node, overriding the parent's `align_items`.
    pub align_self: Align,
    /// Distribution of flex lines or grid rows.
    pub align_content: Align,
    /// Main-axis distribution of children (flex), or of grid columns.
    pub justify_content: Align,
    /// Inline-axis alignment of grid items in their cells.
    pub justify_items: Align,
    /// Inline-axis alignment of this grid item, overriding `justify_items`.
    pub justify_self: Align,
    /// Share of free space this node takes.
    pub grow: f32,
    /// Share of the shortfall this node gives up.
    pub shrink: f32,
    /// Main size before growing and shrinking.
    pub basis: Length,
    /// Clipping and scrolling of the content.
    pub overflow: Overflow,
    /// Column tracks of a grid container.
    pub grid_template_columns: Vec<TemplateTrack>,
    /// Row tracks of a grid container.
    pub grid_template_rows: Vec<TemplateTrack>,
    /// Size of implicit columns.
    pub grid_auto_columns: Vec<Track>,
    /// Size of implicit rows.
    pub grid_auto_rows: Vec<Track>,
    /// Auto-placement direction.
    pub grid_auto_flow: GridFlow,
    /// Column placement of a grid item.
    pub grid_column: GridPlacement,
    /// Row placement of a grid item.
    pub grid_row: GridPlacement,
    /// Paint order among siblings: higher draws later (on top); equal keeps tree order.
    pub z_index: i32,
}

impl Default for Style {
    fn default() -> Self {
        Self {
            display: Display::Flex,
            position: Position::Relative,
            inset: Edges::all(Length::Auto),
            direction: Direction::Row,
            wrap: Wrap::NoWrap,
            width: Length::Auto,
            height: Length::Auto,
            min_width: Length::Auto,
            min_height: Length::Auto,
            max_width: Length::Auto,
            max_height: Length::Auto,
            aspect_ratio: None,
            padding: Edges::default(),
            margin: Edges::all(Length::Px(0.0)),
            row_gap: 0.0,
            column_gap: 0.0,
            align_items: Align::Default,
            align_self: Align::Default,
            align_content: Align::Default,
            justify_content: Align::Default,
            justify_items: Align::Default,
            justify_self: Align::Default,
            grow: 0.0,
            shrink: 1.0,
            basis: Length::Auto,
            overflow: Overflow::Visible,
            grid_template_columns: Vec::new(),
            grid_template_rows: Vec::new(),
            grid_auto_columns: Vec::new(),
            grid_auto_rows: Vec::new(),
            grid_auto_flow: GridFlow::Row,
            grid_column: GridPlacement::default(),
            grid_row: GridPlacement::default(),
            z_index: 0,
        }
    }
}

impl Style {
    /// Sets both gaps.
    pub fn set_gap(&mut self, gap: f32) {
        self.row_gap = gap;
        self.column_gap = gap;
    }

    /// Converts to taffy's style.
    pub fn to_taffy(&self) -> taffy::Style {
        use taffy::{
            Dimension, FlexDirection, FlexWrap, GridAutoFlow, LengthPercentage, LengthPercentageAuto, Point,
            Size,
        };
        let dim = |l: Length| match l {
            Length::Auto => Dimension::auto(),
            Length::Px(px) => Dimension::length(px),
            Length::Percent(f) => Dimension::percent(f),
        };
        let lpa = |l: Length| match l {
            Length::Auto => LengthPercentageAuto::auto(),
            Length::Px(px) => LengthPercentageAuto::length(px),
            Length::Percent(f) => LengthPercentageAuto::percent(f),
        };
        let lp = |v: f32| LengthPercentage::length(v);
        let overflow = match self.overflow {
            Overflow::Visible => taffy::Overflow::Visible,
            // CSS `hidden`: a scroll container without user scrolling, so as a flex or grid
            // item its automatic minimum size is 0, as in browsers.
            Overflow::Hidden => taffy::Overflow::Hidden,
            Overflow::Scroll => taffy::Overflow::Scroll,
        };
        taffy::Style {
            display: match self.display {
                Display::Flex => taffy::Display::Flex,
                Display::Grid => taffy::Display::Grid,
                Display::Block => taffy::Display::Block,
                Display::None => taffy::Display::None,
            },
            position: match self.position {
                Position::Relative => taffy::Position::Relative,
                Position::Absolute => taffy::Position::Absolute,
            },
            inset: taffy::Rect {
                top: lpa(self.inset.top),
                right: lpa(self.inset.right),
                bottom: lpa(self.inset.bottom),
                left: lpa(self.inset.left),
            },
            flex_direction: match self.direction {
                Direction::Row => FlexDirection::Row,
                Direction::Column => FlexDirection::Column,
                Direction::RowReverse => FlexDirection::RowReverse,
                Direction::ColumnReverse => FlexDirection::ColumnReverse,
            },
            flex_wrap: match self.wrap {
                Wrap::NoWrap => FlexWrap::NoWrap,
                Wrap::Wrap => FlexWrap::Wrap,
                Wrap::WrapReverse => FlexWrap::WrapReverse,
            },
            size: Size { width: dim(self.width), height: dim(self.height) },
            min_size: Size { width: lpa(self.min_width), height: lpa(self.min_height) },
            max_size: Size { width: lpa(self.max_width), height: lpa(self.max_height) },
            aspect_ratio: self.aspect_ratio.filter(|r| r.is_finite() && *r > 0.0),
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
            gap: Size { width: lp(self.column_gap), height: lp(self.row_gap) },
            align_items: align_items(self.align_items).unwrap_or(taffy::AlignItems::NORMAL),
            align_self: align_items(self.align_self),
            justify_items: align_items(self.justify_items).unwrap_or(taffy::AlignItems::NORMAL),
            justify_self: align_items(self.justify_self),
            align_content: content_alignment(self.align_content).unwrap_or(taffy::AlignContent::NORMAL),
            justify_content: content_alignment(self.justify_content).unwrap_or(taffy::AlignContent::NORMAL),
            flex_grow: self.grow,
            flex_shrink: self.shrink,
            flex_basis: dim(self.basis),
            overflow: Point { x: overflow, y: overflow },
            // Scrollbars are not drawn on a TV.
            scrollbar_width: 0.0,
            grid_template_columns: self.grid_template_columns.iter().map(template_track).collect(),
            grid_template_rows: self.grid_template_rows.iter().map(template_track).collect(),
            grid_auto_columns: self.grid_auto_columns.iter().map(track).collect(),
            grid_auto_rows: self.grid_auto_rows.iter().map(track).collect(),
            grid_auto_flow: match self.grid_auto_flow {
                GridFlow::Row => GridAutoFlow::Row,
                GridFlow::Column => GridAutoFlow::Column,
                GridFlow::RowDense => GridAutoFlow::RowDense,
                GridFlow::ColumnDense => GridAutoFlow::ColumnDense,
            },
            grid_column: placement(self.grid_column),
            grid_row: placement(self.grid_row),
            ..Default::default()
        }
    }
}

fn align_items(a: Align) -> Option<taffy::AlignItems> {
    use taffy::AlignItems as A;
    Some(match a {
        Align::Default => return None,
        Align::Start => A::START,
        Align::Center => A::CENTER,
        Align::End => A::END,
        Align::Stretch => A::STRETCH,
        Align::Baseline => A::BASELINE,
        Align::SpaceBetween | Align::SpaceAround | Align::SpaceEvenly => A::STRETCH,
    })
}

fn content_alignment(a: Align) -> Option<taffy::AlignContent> {
    use taffy::AlignContent as A;
    Some(match a {
        Align::Default => return None,
        Align::Start | Align::Baseline => A::START,
        Align::Center => A::CENTER,
        Align::End => A::END,
        Align::Stretch => A::STRETCH,
        Align::SpaceBetween => A::SPACE_BETWEEN,
        Align::SpaceAround => A::SPACE_AROUND,
        Align::SpaceEvenly => A::SPACE_EVENLY,
    })
}

fn min_breadth(b: TrackBreadth) -> taffy::MinTrackSizingFunction {
    use taffy::MinTrackSizingFunction as M;
    match b {
        TrackBreadth::Auto | TrackBreadth::Fr(_) => M::auto(),
        TrackBreadth::Px(px) => M::length(px),
        TrackBreadth::Percent(f) => M::percent(f),
        TrackBreadth::MinContent => M::min_content(),
        TrackBreadth::MaxContent => M::max_content(),
    }
}

fn max_breadth(b: TrackBreadth) -> taffy::MaxTrackSizingFunction {
    use taffy::MaxTrackSizingFunction as M;
    match b {
        TrackBreadth::Auto => M::auto(),
        TrackBreadth::Px(px) => M::length(px),
        TrackBreadth::Percent(f) => M::percent(f),
        TrackBreadth::Fr(fr) => M::fr(fr),
        TrackBreadth::MinContent => M::min_content(),
        TrackBreadth::MaxContent => M::max_content(),
    }
}

fn track(t: &Track) -> taffy::TrackSizingFunction {
    taffy::MinMax { min: min_breadth(t.min), max: max_breadth(t.max) }
}

fn template_track(t: &TemplateTrack) -> taffy::GridTemplateComponent<String> {
    match t {
        TemplateTrack::Single(t) => taffy::GridTemplateComponent::Single(track(t)),
        TemplateTrack::Repeat(count, tracks) => {
            taffy::GridTemplateComponent::Repeat(taffy::GridTemplateRepetition {
                count: match count {
                    Repeat::Count(n) => taffy::RepetitionCount::Count(*n),
                    Repeat::AutoFill => taffy::RepetitionCount::AutoFill,
                    Repeat::AutoFit => taffy::RepetitionCount::AutoFit,
                },
                tracks: tracks.iter().map(track).collect(),
                line_names: Vec::new(),
            })
        }
    }
}

fn placement(p: GridPlacement) -> taffy::Line<taffy::GridPlacement<String>> {
    let line = |l: GridLine| match l {
        GridLine::Auto => taffy::GridPlacement::Auto,
        GridLine::Line(n) => taffy::style_helpers::line(n),
        GridLine::Span(n) => taffy::GridPlacement::Span(n),
    };
    taffy::Line { start: line(p.start), end: line(p.end) }
}

/// Serde shapes that accept CSS-like values.
#[cfg(feature = "serde")]
mod serde_repr {
    use super::*;

    /// A length as JSON: a number of pixels or a string.
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    pub enum LengthRepr {
        Px(f32),
        Text(String),
    }

    impl TryFrom<LengthRepr> for Length {
        type Error = StyleParseError;
        fn try_from(r: LengthRepr) -> Result<Self, Self::Error> {
            match r {
                LengthRepr::Px(px) => Ok(Length::Px(px)),
                LengthRepr::Text(s) => s.parse(),
            }
        }
    }

    /// Edges as JSON: one value, `[vertical, horizontal]`, `[top, right, bottom, left]`
    /// or `{ "top": …, … }`.
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    pub enum EdgesRepr<T> {
        All(T),
        List(Vec<T>),
        Named { top: T, right: T, bottom: T, left: T },
    }

    impl<T: Copy> TryFrom<EdgesRepr<T>> for Edges<T> {
        type Error = String;
        fn try_from(r: EdgesRepr<T>) -> Result<Self, Self::Error> {
            match r {
                EdgesRepr::All(v) => Ok(Edges::all(v)),
                EdgesRepr::List(v) => match v[..] {
                    [a] => Ok(Edges::all(a)),
                    [vertical, horizontal] => Ok(Edges::symmetric(vertical, horizontal)),
                    [top, right, bottom, left] => Ok(Edges { top, right, bottom, left }),
                    _ => Err(format!("edges take 1, 2 or 4 values, not {}", v.len())),
                },
                EdgesRepr::Named { top, right, bottom, left } => Ok(Edges { top, right, bottom, left }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_css_like_values() {
        assert_eq!("120".parse(), Ok(Length::Px(120.0)));
        assert_eq!("12.5px".parse(), Ok(Length::Px(12.5)));
        assert_eq!("50%".parse(), Ok(Length::Percent(0.5)));
        assert_eq!("auto".parse(), Ok(Length::Auto));
        assert!("12em".parse::<Length>().is_err());
        assert_eq!("1fr".parse(), Ok(Track::fr(1.0)));
        assert_eq!(
            "minmax(100px, 2fr)".parse(),
            Ok(Track::minmax(TrackBreadth::Px(100.0), TrackBreadth::Fr(2.0)))
        );
        assert_eq!(
            parse_template("100px repeat(2, 50px 1fr) auto"),
            Ok(vec![
                TemplateTrack::Single(Track::px(100.0)),
                TemplateTrack::Repeat(Repeat::Count(2), vec![Track::px(50.0), Track::fr(1.0)]),
                TemplateTrack::Single(Track::auto()),
            ])
        );
        assert_eq!(
            "2 / span 3".parse(),
            Ok(GridPlacement { start: GridLine::Line(2), end: GridLine::Span(3) })
        );
        assert_eq!("span 2".parse(), Ok(GridPlacement::span(2)));
        assert!("span x".parse::<GridPlacement>().is_err());
    }
}
