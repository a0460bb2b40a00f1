//! Views: what `view!` produces and what components return.

use crate::elements::Element;
use crate::prop::Prop;

/// A description of UI to mount: an element, some text, or several of them.
pub enum View {
    /// Nothing.
    Empty,
    /// An element with its children.
    Element(Box<Element>),
    /// Text, fixed or following signals.
    Text(Prop<String>),
    /// Several views side by side.
    Fragment(Vec<View>),
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
}

/// Anything that can be shown: elements, strings, closures returning strings, lists.
pub trait IntoView {
    /// Converts.
    fn into_view(self) -> View;
}

impl IntoView for View {
    fn into_view(self) -> View {
        self
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

impl<F: Fn() -> String + 'static> IntoView for F {
    fn into_view(self) -> View {
        View::Text(Prop::Dynamic(std::rc::Rc::new(self)))
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

/// The children a component was given.
pub struct Children(pub Vec<View>);

impl Children {
    /// Wraps views.
    pub fn new(views: Vec<View>) -> Self {
        Children(views)
    }
}

impl IntoView for Children {
    fn into_view(self) -> View {
        View::Fragment(self.0)
    }
}
