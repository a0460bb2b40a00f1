//! Views: what `view!` produces and what components return.
//!
//! A view is a description; mounting it creates scene nodes and the effects that keep them
//! up to date. Dynamic views (closures) and keyed lists mount between two invisible markers
//! and re-render only their own range when their signals change.

use std::rc::Rc;

use crate::elements::Element;
use crate::list::ListView;
use crate::prop::Prop;

/// A description of UI to mount.
pub enum View {
    /// Nothing.
    Empty,
    /// An element with its children.
    Element(Box<Element>),
    /// Text, fixed or following signals.
    Text(Prop<String>),
    /// Several views side by side.
    Fragment(Vec<View>),
    /// A view recomputed when the signals it reads change (conditional rendering).
    Dynamic(Rc<dyn Fn() -> View>),
    /// A keyed list: items are added, removed and moved, never rebuilt.
    List(Box<ListView>),
}

/// A component's view, its root element tagged with where the component was written, so
/// that the designer preview's pick mode can name it (`view!` wraps every component in it).
/// Release builds leave the view as it is.
#[doc(hidden)]
pub fn sourced(view: View, name: &'static str, file: &'static str, line: u32) -> View {
    match view {
        View::Element(mut element) if cfg!(debug_assertions) => {
            element.source = Some(touchline_engine::SourceTag { name, file, line });
            View::Element(element)
        }
        other => other,
    }
}

impl View {
    /// Nothing.
    pub fn empty() -> Self {
        View::Empty
    }

    /// Several views side by side.
    pub fn fragment(views: Vec<View>) -> Self {
        View::Fragment(views)
    }

    /// A view recomputed whenever a signal `f` reads changes.
    pub fn dynamic<V: IntoView>(f: impl Fn() -> V + 'static) -> Self {
        View::Dynamic(Rc::new(move || f().into_view()))
    }

    /// The text this view shows when it is a child of a `<text>` element: its texts joined.
    pub fn into_text(self) -> String {
        match self {
            View::Text(Prop::Static(s)) => s,
            View::Text(Prop::Dynamic(f)) => f(),
            View::Fragment(views) => views.into_iter().map(View::into_text).collect(),
            View::Dynamic(f) => f().into_text(),
            View::Empty | View::Element(_) | View::List(_) => String::new(),
        }
    }
}

impl View {
    /// The text this view shows as a child of a `<text>` element, as one property: fixed
    /// when every part is, otherwise following the signals its closures read (also inside
    /// fragments: `"Score: " {move || score.get()}` stays live). Elements show no text.
    pub fn into_text_prop(self) -> Prop<String> {
        match self {
            View::Text(p) => p,
            View::Dynamic(f) => Prop::Dynamic(Rc::new(move || f().into_text())),
            View::Fragment(views) => {
                let parts: Vec<Prop<String>> = views.into_iter().map(View::into_text_prop).collect();
                if parts.iter().all(|p| matches!(p, Prop::Static(_))) {
                    Prop::Static(parts.iter().map(Prop::get).collect())
                } else {
                    Prop::Dynamic(Rc::new(move || parts.iter().map(Prop::get).collect()))
                }
            }
            other => Prop::Static(other.into_text()),
        }
    }
}

impl std::fmt::Debug for View {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            View::Empty => f.write_str("Empty"),
            View::Element(_) => f.write_str("Element"),
            View::Text(Prop::Static(s)) => write!(f, "Text({s:?})"),
            View::Text(Prop::Dynamic(_)) => f.write_str("Text(dynamic)"),
            View::Fragment(v) => f.debug_tuple("Fragment").field(v).finish(),
            View::Dynamic(_) => f.write_str("Dynamic"),
            View::List(_) => f.write_str("List"),
        }
    }
}

/// Anything that can be shown: elements, strings, closures, lists, options.
pub trait IntoView {
    /// Converts.
    fn into_view(self) -> View;
}

impl IntoView for View {
    fn into_view(self) -> View {
        self
    }
}

impl IntoView for () {
    fn into_view(self) -> View {
        View::Empty
    }
}

impl IntoView for Element {
    fn into_view(self) -> View {
        View::Element(Box::new(self))
    }
}

impl IntoView for &str {
    fn into_view(self) -> View {
        View::Text(Prop::Static(self.to_owned()))
    }
}

impl IntoView for String {
    fn into_view(self) -> View {
        View::Text(Prop::Static(self))
    }
}

macro_rules! display_into_view {
    ($($ty:ty),*) => {$(
        impl IntoView for $ty {
            fn into_view(self) -> View {
                View::Text(Prop::Static(self.to_string()))
            }
        }
    )*};
}

display_into_view!(i32, i64, u32, u64, usize, f32, f64, char);

/// A closure is a dynamic view: it reruns when the signals it reads change. A closure
/// returning text inside `<text>` just updates the text.
impl<F, V> IntoView for F
where
    F: Fn() -> V + 'static,
    V: IntoView,
{
    fn into_view(self) -> View {
        View::dynamic(self)
    }
}

impl<V: IntoView> IntoView for Vec<V> {
    fn into_view(self) -> View {
        View::Fragment(self.into_iter().map(IntoView::into_view).collect())
    }
}

impl<V: IntoView> IntoView for Option<V> {
    fn into_view(self) -> View {
        self.map_or(View::Empty, IntoView::into_view)
    }
}

/// What a component's tag encloses, built when the component asks for it (inside its own
/// scope, so context it provides reaches its children).
pub struct Children(Box<dyn FnOnce() -> View>);

impl Children {
    /// Children from views already built.
    pub fn new(views: Vec<View>) -> Self {
        Children(Box::new(move || View::Fragment(views)))
    }

    /// Children built by `f` when the component asks.
    pub fn lazy<V: IntoView>(f: impl FnOnce() -> V + 'static) -> Self {
        Children(Box::new(move || f().into_view()))
    }

    /// Builds the children.
    pub fn build(self) -> View {
        (self.0)()
    }
}

impl Default for Children {
    fn default() -> Self {
        Children(Box::new(|| View::Empty))
    }
}

impl std::fmt::Debug for Children {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Children")
    }
}

impl IntoView for Children {
    fn into_view(self) -> View {
        self.build()
    }
}

/// Children a component can build more than once (each time it shows them again).
#[derive(Clone)]
pub struct ChildrenFn(Rc<dyn Fn() -> View>);

impl ChildrenFn {
    /// Children built by `f`, each time.
    pub fn new<V: IntoView>(f: impl Fn() -> V + 'static) -> Self {
        ChildrenFn(Rc::new(move || f().into_view()))
    }

    /// Builds the children once more.
    pub fn build(&self) -> View {
        (self.0)()
    }
}

impl Default for ChildrenFn {
    fn default() -> Self {
        ChildrenFn(Rc::new(|| View::Empty))
    }
}

impl std::fmt::Debug for ChildrenFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChildrenFn")
    }
}

/// How `view!` passes a component's children: a closure building them, turned into whichever
/// of [`Children`] or [`ChildrenFn`] the component takes.
pub trait ToChildren<F> {
    /// Converts.
    fn to_children(f: F) -> Self;
}

impl<F: FnOnce() -> View + 'static> ToChildren<F> for Children {
    fn to_children(f: F) -> Self {
        Children(Box::new(f))
    }
}

impl<F: Fn() -> View + 'static> ToChildren<F> for ChildrenFn {
    fn to_children(f: F) -> Self {
        ChildrenFn(Rc::new(f))
    }
}
