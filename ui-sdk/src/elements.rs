//! The built-in elements `view!` knows: `<row>`, `<column>`, `<text>`, `<box>`.
//!
//! Each tag calls the function of the same name here; each attribute calls the builder
//! method of the same name, so a misspelt attribute is a compile error at the attribute.

use std::rc::Rc;

use touchline_engine::style::{Direction, parse_template};
use touchline_engine::{
    Align, Color, Display, Edges, FocusRing, FontWeight, Gradient, GridFlow, GridPlacement, ImageContent,
    ImageFit, Length, Overflow, Position, Property, Shadow, Style, TextAlign, TextStyle, Track, Transition,
    Value, Visual, Wrap,
};

use touchline_engine::focus::{
    AccessibleLabel, Direction as FocusDirection, DirectionSet, FocusScope, RevealDefaults, Role,
    ScrollIntoView,
};

use crate::node_ref::NodeRef;
use crate::prop::{IntoProp, Prop};

use crate::view::{IntoView, View};
pub use touchline_abi::Key;
pub use touchline_engine::focus::{KeyAction as KeyPress, KeyPhase};

/// An event handler.
pub type Handler = Rc<dyn Fn()>;

/// A key handler: sees every key action while focus is on the element or inside it, and
/// returns true when it handled the key (no focus move, select or back follows).
pub type KeyHandler = Rc<dyn Fn(KeyPress) -> bool>;

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
    /// Any key while focus is here or inside (innermost first).
    pub on_key: Option<KeyHandler>,
}

impl Handlers {
    /// Whether any UI-event handler is set (`on_key` is routed separately).
    pub fn any_event(&self) -> bool {
        self.on_select.is_some()
            || self.on_focus.is_some()
            || self.on_blur.is_some()
            || self.on_back.is_some()
    }
}

/// An element's focus attributes beyond `focusable`.
#[derive(Clone, Debug, Default)]
pub struct FocusAttributes {
    /// The element is a focus scope with these rules.
    pub scope: Option<FocusScope>,
    /// How the element is announced.
    pub label: Option<AccessibleLabel>,
    /// How the element, a scroll container, reveals focused descendants.
    pub reveal: Option<ScrollIntoView>,
    /// Takes focus whenever it becomes focusable (a dialog's first button).
    pub autofocus: bool,
}

/// Parses a direction list: `"all"`, `"none"`, `"horizontal"`, `"vertical"`, or names
/// (`"left right"`, `"up,down"`).
fn directions(list: &str) -> Result<DirectionSet, String> {
    let mut dirs = Vec::new();
    for word in list.split([' ', ',']).filter(|w| !w.is_empty()) {
        match word {
            "all" => return Ok(DirectionSet::ALL),
            "none" => {}
            "horizontal" => dirs.extend([FocusDirection::Left, FocusDirection::Right]),
            "vertical" => dirs.extend([FocusDirection::Up, FocusDirection::Down]),
            name => dirs
                .push(FocusDirection::from_name(name).ok_or_else(|| format!("unknown direction {name:?}"))?),
        }
    }
    Ok(DirectionSet::of(&dirs))
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
    /// An image loaded by the host.
    Image,
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
    pub(crate) image: Option<ImageContent>,
    /// Properties that may follow signals; changes animate with `transition`.
    pub(crate) animated: Vec<(Property, Prop<Value>)>,
    pub(crate) transition: Transition,
    pub(crate) layout_transition: Option<Transition>,
    pub(crate) focusable: Prop<bool>,
    pub(crate) focus_ring: Option<FocusRing>,
    /// The element as a focus scope, an accessible label, and how it reveals focus.
    pub(crate) focus: FocusAttributes,
    /// The item a recycled element shows (virtualized lists).
    pub(crate) item_key: Option<Prop<u64>>,
    /// Whether the element (and its subtree) is laid out and drawn; hidden ones take no focus.
    pub(crate) visible: Option<Prop<bool>>,
    pub(crate) handlers: Handlers,
    /// Filled with the node while the element is mounted.
    pub(crate) node_ref: Option<NodeRef>,
    /// The element is where the host composites video.
    pub(crate) video: bool,
    /// Where the component this element is the root of was written (debug builds).
    pub(crate) source: Option<touchline_engine::SourceTag>,
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
            image: None,
            animated: Vec::new(),
            transition: Transition::INSTANT,
            layout_transition: None,
            focusable: Prop::Static(false),
            focus_ring: None,
            focus: FocusAttributes::default(),
            item_key: None,
            visible: None,
            handlers: Handlers::default(),
            node_ref: None,
            video: false,
            source: None,
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
        self.style.margin = Edges::all(Length::Px(px.px()));
        self
    }

    /// Outer spacing left and right; negative reaches into the parent's padding.
    pub fn margin_x(mut self, px: impl Px) -> Self {
        let v = Length::Px(px.px());
        self.style.margin.left = v;
        self.style.margin.right = v;
        self
    }

    /// Space between children.
    pub fn gap(mut self, px: impl Px) -> Self {
        self.style.set_gap(px.px());
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

    /// Share of the parent's free space this element takes (may follow signals: a change
    /// relays out, and `layout_transition` makes the move travel).
    pub fn grow(self, grow: impl IntoProp<f32>) -> Self {
        self.animated(Property::Grow, grow)
    }

    fn animated<T: Into<Value> + 'static>(mut self, property: Property, prop: impl IntoProp<T>) -> Self {
        self.animated.push((property, prop.into_prop().map(Into::into)));
        self
    }

    /// Fill colour.
    pub fn background(self, color: impl IntoProp<Color>) -> Self {
        self.animated(Property::Background, color)
    }

    /// Border colour.
    pub fn border_color(self, color: impl IntoProp<Color>) -> Self {
        self.animated(Property::BorderColor, color)
    }

    /// Opacity of the element and its subtree, 0–1.
    pub fn opacity(self, opacity: impl IntoProp<f32>) -> Self {
        self.animated(Property::Opacity, opacity)
    }

    /// Uniform scale about the transform origin (the centre by default).
    pub fn scale(self, scale: impl IntoProp<f32>) -> Self {
        let prop: Prop<f32> = scale.into_prop();
        self.animated(Property::Scale, prop.map(|s| [s, s]))
    }

    /// Translation `[x, y]` in pixels (pixels only: layout keeps the untransformed box).
    pub fn translate(self, offset: impl IntoProp<[f32; 2]>) -> Self {
        self.animated(Property::Translate, offset)
    }

    /// The fixed point of scaling, as fractions of the box.
    pub fn origin(mut self, origin: [f32; 2]) -> Self {
        self.visual.transform.origin = origin;
        self
    }

    /// Horizontal scroll offset of a scroll container.
    pub fn scroll_x(self, x: impl IntoProp<f32>) -> Self {
        let prop: Prop<f32> = x.into_prop();
        self.overflow(Overflow::Scroll).animated(Property::Scroll, prop.map(|x| [x, 0.0]))
    }

    /// Vertical scroll offset of a scroll container.
    pub fn scroll_y(self, y: impl IntoProp<f32>) -> Self {
        let prop: Prop<f32> = y.into_prop();
        self.overflow(Overflow::Scroll).animated(Property::Scroll, prop.map(|y| [0.0, y]))
    }

    /// How changes of signal-driven properties animate (default: they jump).
    pub fn transition(mut self, transition: Transition) -> Self {
        self.transition = transition;
        self
    }

    /// Makes the element travel from its old box to its new one when layout moves it.
    pub fn layout_transition(mut self, transition: Transition) -> Self {
        self.layout_transition = Some(transition);
        self
    }

    /// A linear gradient over the fill.
    pub fn gradient(mut self, gradient: Gradient) -> Self {
        self.visual.gradient = Some(std::sync::Arc::new(gradient));
        self
    }

    /// A drop shadow.
    pub fn shadow(mut self, shadow: Shadow) -> Self {
        self.visual.shadow = Some(std::sync::Arc::new(shadow));
        self
    }

    /// Smallest width.
    pub fn min_width(mut self, width: impl Into<Length>) -> Self {
        self.style.min_width = width.into();
        self
    }

    /// Largest width.
    pub fn max_width(mut self, width: impl Into<Length>) -> Self {
        self.style.max_width = width.into();
        self
    }

    /// Smallest height.
    pub fn min_height(mut self, height: impl Into<Length>) -> Self {
        self.style.min_height = height.into();
        self
    }

    /// Largest height.
    pub fn max_height(mut self, height: impl Into<Length>) -> Self {
        self.style.max_height = height.into();
        self
    }

    /// Width ÷ height, when one of them is automatic.
    pub fn aspect_ratio(mut self, ratio: impl Px) -> Self {
        self.style.aspect_ratio = Some(ratio.px());
        self
    }

    /// Whether this element's children wrap onto new lines.
    pub fn wrap(mut self, wrap: bool) -> Self {
        self.style.wrap = if wrap { Wrap::Wrap } else { Wrap::NoWrap };
        self
    }

    /// Share of the shortfall this element gives up (0: never shrinks).
    pub fn shrink(mut self, shrink: impl Px) -> Self {
        self.style.shrink = shrink.px();
        self
    }

    /// Main size before growing and shrinking.
    pub fn basis(mut self, basis: impl Into<Length>) -> Self {
        self.style.basis = basis.into();
        self
    }

    /// Cross-axis alignment of this element, overriding its parent's `align`.
    pub fn align_self(mut self, align: Align) -> Self {
        self.style.align_self = align;
        self
    }

    /// Distribution of wrapped lines or grid rows.
    pub fn align_content(mut self, align: Align) -> Self {
        self.style.align_content = align;
        self
    }

    /// Clipping and scrolling of the content.
    pub fn overflow(mut self, overflow: Overflow) -> Self {
        self.style.overflow = overflow;
        self
    }

    /// Clips the content to the box (`overflow: hidden`).
    pub fn clip(self, clip: bool) -> Self {
        self.overflow(if clip { Overflow::Hidden } else { Overflow::Visible })
    }

    /// Paint order among siblings: higher draws on top.
    pub fn z_index(mut self, z: i32) -> Self {
        self.style.z_index = z;
        self
    }

    /// Takes the element out of the flow, placed by `top`/`right`/`bottom`/`left`.
    pub fn absolute(mut self, absolute: bool) -> Self {
        self.style.position = if absolute { Position::Absolute } else { Position::Relative };
        self
    }

    /// Offset from the containing block's top edge.
    pub fn top(mut self, top: impl Into<Length>) -> Self {
        self.style.inset.top = top.into();
        self
    }

    /// Offset from the containing block's right edge.
    pub fn right(mut self, right: impl Into<Length>) -> Self {
        self.style.inset.right = right.into();
        self
    }

    /// Offset from the containing block's bottom edge.
    pub fn bottom(mut self, bottom: impl Into<Length>) -> Self {
        self.style.inset.bottom = bottom.into();
        self
    }

    /// Offset from the containing block's left edge.
    pub fn left(mut self, left: impl Into<Length>) -> Self {
        self.style.inset.left = left.into();
        self
    }

    /// Grid column tracks, as CSS: `"200px 1fr repeat(3, 100px)"`. An invalid template is
    /// logged and ignored.
    pub fn columns(mut self, template: &str) -> Self {
        match parse_template(template) {
            Ok(tracks) => self.style.grid_template_columns = tracks,
            Err(e) => crate::bundle::log(1, &format!("columns: {e}")),
        }
        self
    }

    /// Grid row tracks, as CSS.
    pub fn rows(mut self, template: &str) -> Self {
        match parse_template(template) {
            Ok(tracks) => self.style.grid_template_rows = tracks,
            Err(e) => crate::bundle::log(1, &format!("rows: {e}")),
        }
        self
    }

    /// Size of implicit grid rows.
    pub fn auto_rows(mut self, track: &str) -> Self {
        match track.parse::<Track>() {
            Ok(track) => self.style.grid_auto_rows = vec![track],
            Err(e) => crate::bundle::log(1, &format!("auto_rows: {e}")),
        }
        self
    }

    /// Auto-placement direction of a grid.
    pub fn flow(mut self, flow: GridFlow) -> Self {
        self.style.grid_auto_flow = flow;
        self
    }

    /// Column placement in a grid: `"2"`, `"1 / 3"`, `"span 2"`.
    pub fn grid_column(mut self, placement: &str) -> Self {
        match placement.parse::<GridPlacement>() {
            Ok(p) => self.style.grid_column = p,
            Err(e) => crate::bundle::log(1, &format!("grid_column: {e}")),
        }
        self
    }

    /// Row placement in a grid.
    pub fn grid_row(mut self, placement: &str) -> Self {
        match placement.parse::<GridPlacement>() {
            Ok(p) => self.style.grid_row = p,
            Err(e) => crate::bundle::log(1, &format!("grid_row: {e}")),
        }
        self
    }

    /// Font weight of text.
    pub fn weight(mut self, weight: FontWeight) -> Self {
        self.text_style.weight = weight;
        self
    }

    /// Line height of text, as a multiple of its size.
    pub fn line_height(mut self, multiple: impl Px) -> Self {
        self.text_style.line_height = multiple.px();
        self
    }

    /// Most lines of text; the last one shown ends with an ellipsis when text is cut.
    pub fn max_lines(mut self, lines: u32) -> Self {
        self.text_style.max_lines = lines;
        self
    }

    /// Horizontal alignment of text lines in the box.
    pub fn text_align(mut self, align: TextAlign) -> Self {
        self.text_style.align = align;
        self
    }

    /// The image's URL (for `<image>`), resolved by the host.
    pub fn src(mut self, url: &str) -> Self {
        let image = self.image.take().unwrap_or_else(|| ImageContent::new(""));
        self.image = Some(ImageContent { url: url.to_owned(), ..image });
        self
    }

    /// How the image fills the box.
    pub fn fit(mut self, fit: ImageFit) -> Self {
        let image = self.image.take().unwrap_or_else(|| ImageContent::new(""));
        self.image = Some(ImageContent { fit, ..image });
        self
    }

    /// Colour shown until the image is loaded.
    pub fn placeholder(mut self, color: Color) -> Self {
        let image = self.image.take().unwrap_or_else(|| ImageContent::new(""));
        self.image = Some(ImageContent { placeholder: color, ..image });
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
    pub fn color(self, color: impl IntoProp<Color>) -> Self {
        self.animated(Property::TextColor, color)
    }

    /// Whether the element can take focus (a closure makes it follow signals: a dialog's
    /// buttons take focus only while it is open).
    pub fn focusable(mut self, focusable: impl IntoProp<bool>) -> Self {
        self.focusable = focusable.into_prop();
        self
    }

    /// Colour of the focus ring.
    pub fn focus_color(mut self, color: Color) -> Self {
        self.focus_ring = Some(FocusRing { color, ..self.focus_ring.unwrap_or_default() });
        self
    }

    /// Makes the element a focus scope: its focusables are searched first (`docs/focus.md`).
    pub fn focus_scope(mut self, scope: bool) -> Self {
        self.focus.scope = scope.then(|| self.focus.scope.take().unwrap_or_default());
        self
    }

    fn scope_mut(&mut self) -> &mut FocusScope {
        self.focus.scope.get_or_insert_with(FocusScope::default)
    }

    /// A focus scope that lands on its last focused element when focus comes back.
    pub fn remember(mut self, remember: bool) -> Self {
        self.scope_mut().remember = remember;
        self
    }

    /// A focus scope focus never leaves in these directions (`"all"` for a modal).
    pub fn boundary(mut self, directions_list: &str) -> Self {
        match directions(directions_list) {
            Ok(set) => self.scope_mut().boundary = set,
            Err(e) => crate::bundle::log(1, &format!("boundary: {e}")),
        }
        self
    }

    /// A focus scope that wraps around in these directions (`"horizontal"` for a rail).
    pub fn focus_wrap(mut self, directions_list: &str) -> Self {
        match directions(directions_list) {
            Ok(set) => self.scope_mut().wrap = set,
            Err(e) => crate::bundle::log(1, &format!("focus_wrap: {e}")),
        }
        self
    }

    /// A focus scope that keeps the visible index when focus moves to another such scope
    /// (rails on a page).
    pub fn index_align(mut self, align: bool) -> Self {
        self.scope_mut().index_align = align;
        self
    }

    /// A focus scope that is a virtualized list of this many items (its elements show some of
    /// them, by `item_key`): announcements count items.
    pub fn item_count(mut self, count: usize) -> Self {
        self.scope_mut().item_count = Some(count);
        self
    }

    /// A right-to-left focus scope; a row lays its children out from the right.
    pub fn rtl(mut self, rtl: bool) -> Self {
        self.scope_mut().rtl = rtl;
        if rtl && self.style.direction == Direction::Row {
            self.style.direction = Direction::RowReverse;
        }
        self
    }

    /// The item this element shows, when a virtualized list recycles it for other items as it
    /// scrolls: focus and scope memory follow the item, not the element.
    pub fn item_key(mut self, item: impl IntoProp<u64>) -> Self {
        self.item_key = Some(item.into_prop());
        self
    }

    /// A width in pixels that may follow signals (a spacer standing for items not mounted).
    pub fn width_px(self, width: impl IntoProp<f32>) -> Self {
        self.animated(Property::Width, width)
    }

    /// Whether the element and its subtree are shown (laid out, drawn, focusable); may follow
    /// signals. Hidden elements keep their state.
    pub fn visible(mut self, visible: impl IntoProp<bool>) -> Self {
        self.visible = Some(visible.into_prop());
        self
    }

    /// Takes focus when mounted focusable, and whenever it becomes focusable again.
    pub fn autofocus(mut self, autofocus: bool) -> Self {
        self.focus.autofocus = autofocus;
        self
    }

    /// What a screen reader calls the element (its texts when not given).
    pub fn label(mut self, label: &str) -> Self {
        self.focus.label.get_or_insert_with(AccessibleLabel::default).label = label.to_owned();
        self
    }

    /// What kind of control the element is, for a screen reader.
    pub fn role(mut self, role: Role) -> Self {
        self.focus.label.get_or_insert_with(AccessibleLabel::default).role = role;
        self
    }

    /// For a scroll container: the space kept between a focused descendant and its edges when
    /// it scrolls to reveal it.
    pub fn reveal_padding(mut self, px: impl Px) -> Self {
        let defaults = RevealDefaults::default().0;
        self.focus.reveal.get_or_insert(defaults).edge_padding = px.px();
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

    /// Called for every key action (down, repeats, long press, up) while focus is on the
    /// element or inside it, innermost handler first; return true to consume the key.
    pub fn on_key(mut self, handler: impl Fn(KeyPress) -> bool + 'static) -> Self {
        self.handlers.on_key = Some(Rc::new(handler));
        self
    }

    /// Attaches `node_ref` to the element while it is mounted (`ref={my_ref}` in `view!`).
    pub fn r#ref(mut self, node_ref: &NodeRef) -> Self {
        self.node_ref = Some(node_ref.clone());
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

/// `<grid>`: children placed on grid tracks (`columns`, `rows`).
pub fn grid() -> Element {
    let mut element = Element::new(ElementKind::Box);
    element.style.display = Display::Grid;
    element
}

/// `<video_surface>`: the rectangle where the host composites video, under what is drawn
/// after it.
pub fn video_surface() -> Element {
    let mut element = Element::new(ElementKind::Box);
    element.video = true;
    element
}

/// `<image>`: an image the host loads from `src`, fitted with `fit` (cover by default).
pub fn image() -> Element {
    let mut element = Element::new(ElementKind::Image);
    element.image = Some(ImageContent::new(""));
    element
}
