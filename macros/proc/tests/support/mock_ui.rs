// A stand-in for the `touchline_ui` API that `view!` and `#[component]` target, whose views render
// to a string so tests can compare whole trees (the real views are opaque). `include!` it at the
// root of a test crate that also says `extern crate self as touchline_ui;`, so the macros' absolute
// `::touchline_ui::...` paths resolve to these items. It mirrors the real signatures the macros
// rely on: `elements::NAME()` builders, `IntoView`, `View::{empty, fragment}`, `Prop`/`IntoProp`,
// `Callback`, `Children`/`ChildrenFn`/`ToChildren`, and `__private::{TypedBuilder, typed_builder}`.
// `tests/real_ui.rs` checks the same expansions against the real crate.

/// A built view tree.
#[derive(Debug, Clone, PartialEq)]
pub enum View {
    /// Nothing.
    Empty,
    /// Views side by side.
    Fragment(Vec<View>),
    /// Text.
    Text(String),
    /// An element with its attributes (name, value) and children.
    Element { name: &'static str, attrs: Vec<(&'static str, String)>, children: Vec<View> },
}

impl View {
    /// The empty view.
    pub fn empty() -> View {
        View::Empty
    }

    /// A fragment of views.
    pub fn fragment(views: Vec<View>) -> View {
        View::Fragment(views)
    }

    /// The tree as compact markup, e.g. `<row gap=8>["a"]</row>`.
    pub fn render(&self) -> String {
        match self {
            View::Empty => "()".into(),
            View::Fragment(views) => format!("<>{}</>", views.iter().map(View::render).collect::<String>()),
            View::Text(text) => format!("{text:?}"),
            View::Element { name, attrs, children } => {
                let attrs: String = attrs.iter().map(|(k, v)| format!(" {k}={v}")).collect();
                let children: String = children.iter().map(View::render).collect();
                format!("<{name}{attrs}>{children}</{name}>")
            }
        }
    }
}

/// Anything that can become a view.
pub trait IntoView {
    /// Converts into a view.
    fn into_view(self) -> View;
}

impl IntoView for View {
    fn into_view(self) -> View {
        self
    }
}

impl IntoView for &str {
    fn into_view(self) -> View {
        View::Text(self.to_string())
    }
}

impl IntoView for String {
    fn into_view(self) -> View {
        View::Text(self)
    }
}

impl IntoView for Vec<View> {
    fn into_view(self) -> View {
        View::Fragment(self)
    }
}

/// Views' helpers that generated code calls.
pub mod view {
    use super::View;

    /// Components are tagged with where they are written; the stand-in renders them as they are.
    pub fn sourced(view: View, _name: &'static str, _file: &'static str, _line: u32) -> View {
        view
    }
}

/// What generated code refers to.
pub mod __private {
    pub use typed_builder::{self, TypedBuilder};
}

/// A value, fixed or computed.
pub enum Prop<T> {
    /// Fixed.
    Static(T),
    /// Computed on demand.
    Dynamic(std::rc::Rc<dyn Fn() -> T>),
}

impl<T: Clone> Prop<T> {
    /// The current value.
    pub fn get(&self) -> T {
        match self {
            Prop::Static(value) => value.clone(),
            Prop::Dynamic(compute) => compute(),
        }
    }
}

/// A value or a closure computing it.
pub trait IntoProp<T> {
    /// Converts.
    fn into_prop(self) -> Prop<T>;
}

macro_rules! into_prop {
    ($($ty:ty),*) => {$(
        impl IntoProp<$ty> for $ty {
            fn into_prop(self) -> Prop<$ty> {
                Prop::Static(self)
            }
        }
        impl<F: Fn() -> $ty + 'static> IntoProp<$ty> for F {
            fn into_prop(self) -> Prop<$ty> {
                Prop::Dynamic(std::rc::Rc::new(self))
            }
        }
    )*};
}

into_prop!(String, f32, bool);

impl IntoProp<String> for &str {
    fn into_prop(self) -> Prop<String> {
        Prop::Static(self.to_owned())
    }
}

/// A handler taking `A`.
pub struct Callback<A = ()>(std::rc::Rc<dyn Fn(A)>);

impl<A: 'static> Callback<A> {
    /// Wraps a closure.
    pub fn new(f: impl Fn(A) + 'static) -> Self {
        Self(std::rc::Rc::new(f))
    }

    /// Calls the handler.
    pub fn call(&self, value: A) {
        (self.0)(value)
    }
}

/// A component's nested content, built when the component asks.
pub struct Children(Box<dyn FnOnce() -> View>);

impl Children {
    /// Content from views already built.
    pub fn new(views: Vec<View>) -> Children {
        Children(Box::new(move || View::Fragment(views)))
    }

    /// Builds the content.
    pub fn build(self) -> View {
        (self.0)()
    }
}

impl Default for Children {
    fn default() -> Self {
        Children(Box::new(|| View::Empty))
    }
}

/// Content a component can build more than once.
pub struct ChildrenFn(std::rc::Rc<dyn Fn() -> View>);

impl ChildrenFn {
    /// Builds the content once more.
    pub fn build(&self) -> View {
        (self.0)()
    }
}

/// How `view!` passes content: a closure, turned into what the setter takes.
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
        ChildrenFn(std::rc::Rc::new(f))
    }
}

/// Element builders.
pub mod elements {
    use super::{IntoView, View};

    /// An element under construction.
    pub struct Element {
        view: View,
    }

    impl IntoView for Element {
        fn into_view(self) -> View {
            self.view
        }
    }

    fn element(name: &'static str) -> Element {
        Element { view: View::Element { name, attrs: Vec::new(), children: Vec::new() } }
    }

    /// A horizontal container.
    pub fn row() -> Element {
        element("row")
    }

    /// A vertical container.
    pub fn column() -> Element {
        element("column")
    }

    /// Text.
    pub fn text() -> Element {
        element("text")
    }

    /// A box (a keyword name: the macro calls `r#box`).
    pub fn r#box() -> Element {
        element("box")
    }

    /// A text field.
    pub fn input() -> Element {
        element("input")
    }

    impl Element {
        fn attr(mut self, key: &'static str, value: String) -> Self {
            if let View::Element { attrs, .. } = &mut self.view {
                attrs.push((key, value));
            }
            self
        }

        /// Adds a child.
        pub fn child(mut self, child: impl IntoView) -> Self {
            if let View::Element { children, .. } = &mut self.view {
                children.push(child.into_view());
            }
            self
        }

        /// Spacing between children.
        pub fn gap(self, gap: i32) -> Self {
            self.attr("gap", gap.to_string())
        }

        /// Inner spacing.
        pub fn padding(self, padding: i32) -> Self {
            self.attr("padding", padding.to_string())
        }

        /// Font size.
        pub fn size(self, size: i32) -> Self {
            self.attr("size", size.to_string())
        }

        /// Bold text.
        pub fn bold(self, bold: bool) -> Self {
            self.attr("bold", bold.to_string())
        }

        /// Whether it takes focus.
        pub fn focusable(self, focusable: bool) -> Self {
            self.attr("focusable", focusable.to_string())
        }

        /// Background colour.
        pub fn background(self, color: u32) -> Self {
            self.attr("background", format!("{color:#08x}"))
        }

        /// Select handler (called right away here, so tests can see it ran).
        pub fn on_select(self, handler: impl Fn() -> i32) -> Self {
            self.attr("on_select", handler().to_string())
        }

        /// A keyword-named attribute.
        pub fn r#type(self, kind: &str) -> Self {
            self.attr("type", kind.to_string())
        }
    }
}
