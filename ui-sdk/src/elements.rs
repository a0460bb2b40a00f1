//! The built-in elements `view!` knows: `<row>`, `<column>`, `<text>`, `<box>`.
//!
//! Each tag calls the function of the same name here; each attribute calls the builder
//! method of the same name, so a misspelt attribute is a compile error at the attribute.

use std::rc::Rc;

use touchline_engine::style::Direction;
use touchline_engine::{Align, Color, Edges, FocusRing, FontWeight, Length, Style, TextStyle, Visual};

use crate::prop::{IntoProp, Prop};
use crate::view::{IntoView, View};

/// An event handler.
pub type Handler = Rc<dyn Fn()>;

/// Handlers an element can carry.
#[derive(Clone, Default)]
pub struct Handlers {
    /// OK pressed while focused (bubbles).
    pub on_select: Option<Handler>,
    /// Gained focus.
    pub on_focus: Option<Handler>,
    /// Lost focus.
    pub on_blur: Option<Handler>,
    /// Back pressed while focused (bubbles).
    pub on_back: Option<Handler>,
}

/// What kind of node an element makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElementKind {
    /// A box laying out children left to right.
    Row,
    /// A box laying out children top to bottom.
    Column,
    /// Text from its children.
    Text,
    /// A plain box.
    Box,
}

/// Numbers accepted as pixel values: `gap=24` and `gap=24.5` both work.
pub trait Px {
    /// The value in pixels.
    fn px(self) -> f32;
}

impl Px for i32 {
    fn px(self) -> f32 {
        self as f32
    }
}

impl Px for f32 {
    fn px(self) -> f32 {
        self
    }
}

impl Px for f64 {
    fn px(self) -> f32 {
        self as f32
    }
}

/// An element being described; mounted into the scene by the app.
pub struct Element {
    pub(crate) kind: ElementKind,
    pub(crate) style: Style,
    pub(crate) visual: Visual,
    pub(crate) text_style: TextStyle,
    pub(crate) background: Option<Prop<Color>>,
    pub(crate) border_color: Option<Prop<Color>>,
    pub(crate) text_color: Option<Prop<Color>>,
    pub(crate) focusable: bool,
    pub(crate) focus_ring: Option<FocusRing>,
    pub(crate) handlers: Handlers,
    pub(crate) children: Vec<View>,
}

impl Element {
    fn new(kind: ElementKind) -> Self {
        let direction = if kind == ElementKind::Column { Direction::Column } else { Direction::Row };
        Self {
            kind,
            style: Style { direction, ..Style::default() },
            visual: Visual::default(),
            text_style: TextStyle::default(),
            background: None,
            border_color: None,
            text_color: None,
            focusable: false,
            focus_ring: None,
            handlers: Handlers::default(),
            children: Vec::new(),
        }
    }

    /// Adds a child.
    pub fn child(mut self, child: impl IntoView) -> Self {
        self.children.push(child.into_view());
        self
    }

    /// Width.
    pub fn width(mut self, width: impl Into<Length>) -> Self {
        self.style.width = width.into();
        self
    }

    /// Height.
    pub fn height(mut self, height: impl Into<Length>) -> Self {
        self.style.height = height.into();
        self
    }

    /// Inner spacing on every side.
    pub fn padding(mut self, px: impl Px) -> Self {
        self.style.padding = Edges::all(px.px());
        self
    }

    /// Inner spacing left and right.
    pub fn padding_x(mut self, px: impl Px) -> Self {
        let v = px.px();
        self.style.padding.left = v;
        self.style.padding.right = v;
        self
    }

    /// Inner spacing top and bottom.
    pub fn padding_y(mut self, px: impl Px) -> Self {
        let v = px.px();
        self.style.padding.top = v;
        self.style.padding.bottom = v;
        self
    }

    /// Outer spacing on every side.
    pub fn margin(mut self, px: impl Px) -> Self {
        self.style.margin = Edges::all(px.px());
        self
    }

    /// Space between children.
    pub fn gap(mut self, px: impl Px) -> Self {
        self.style.gap = px.px();
        self
    }

    /// Cross-axis alignment of children.
    pub fn align(mut self, align: Align) -> Self {
        self.style.align_items = align;
        self
    }

    /// Main-axis distribution of children.
    pub fn justify(mut self, justify: Align) -> Self {
        self.style.justify_content = justify;
        self
    }

    /// Share of the parent's free space this element takes.
    pub fn grow(mut self, grow: impl Px) -> Self {
        self.style.grow = grow.px();
        self
    }

    /// Fill colour.
    pub fn background(mut self, color: impl IntoProp<Color>) -> Self {
        self.background = Some(color.into_prop());
        self
    }

    /// Border colour.
    pub fn border_color(mut self, color: impl IntoProp<Color>) -> Self {
        self.border_color = Some(color.into_prop());
        self
    }

    /// Border width.
    pub fn border_width(mut self, px: impl Px) -> Self {
        self.visual.border_width = px.px();
        self
    }

    /// Corner radius.
    pub fn radius(mut self, px: impl Px) -> Self {
        self.visual.corner_radius = px.px();
        self
    }

    /// Font size of text.
    pub fn size(mut self, px: impl Px) -> Self {
        self.text_style.size = px.px();
        self
    }

    /// Bold text.
    pub fn bold(mut self, bold: bool) -> Self {
        self.text_style.weight = if bold { FontWeight::Bold } else { FontWeight::Regular };
        self
    }

    /// Text colour.
    pub fn color(mut self, color: impl IntoProp<Color>) -> Self {
        self.text_color = Some(color.into_prop());
        self
    }

    /// Whether the element can take focus.
    pub fn focusable(mut self, focusable: bool) -> Self {
        self.focusable = focusable;
        self
    }

    /// Colour of the focus ring.
    pub fn focus_color(mut self, color: Color) -> Self {
        self.focus_ring = Some(FocusRing { color, ..self.focus_ring.unwrap_or_default() });
        self
    }

    /// Called when OK is pressed on the element (or a focused descendant without a handler).
    pub fn on_select(mut self, handler: impl Fn() + 'static) -> Self {
        self.handlers.on_select = Some(Rc::new(handler));
        self
    }

    /// Called when the element gains focus.
    pub fn on_focus(mut self, handler: impl Fn() + 'static) -> Self {
        self.handlers.on_focus = Some(Rc::new(handler));
        self
    }

    /// Called when the element loses focus.
    pub fn on_blur(mut self, handler: impl Fn() + 'static) -> Self {
        self.handlers.on_blur = Some(Rc::new(handler));
        self
    }

    /// Called when Back is pressed on the element (or a focused descendant).
    pub fn on_back(mut self, handler: impl Fn() + 'static) -> Self {
        self.handlers.on_back = Some(Rc::new(handler));
        self
    }
}

/// `<row>`: children left to right.
pub fn row() -> Element {
    Element::new(ElementKind::Row)
}

/// `<column>`: children top to bottom.
pub fn column() -> Element {
    Element::new(ElementKind::Column)
}

/// `<text>`: text from its children (strings, or closures returning strings).
pub fn text() -> Element {
    Element::new(ElementKind::Text)
}

/// `<box>`: a plain box.
pub fn r#box() -> Element {
    Element::new(ElementKind::Box)
}
