//! Turning the [`ast`](crate::ast) into calls on the `touchline_ui` builder API.
//!
//! Shape of the output (all paths absolute, so the macro works wherever `touchline_ui` is a
//! dependency):
//!
//! - element: `::touchline_ui::IntoView::into_view(::touchline_ui::elements::NAME().ATTR(VALUE)...
//!   .child(CHILD)...)`, with `NAME` spanned at the tag and each `ATTR` at the attribute name, so an
//!   unknown element or attribute is reported where it was written;
//! - component: `::touchline_ui::IntoView::into_view(Name(NameProps::builder().ATTR(VALUE)...
//!   .SLOT(CONTENT)... .children(CONTENT).build()))`: the typed builder `#[component]` derives, one
//!   setter per attribute (spanned at the attribute name, so an unknown prop or a wrong value is
//!   reported there), one per `<slot:SLOT>` (spanned at the slot name), `.children(...)` only when
//!   the tag encloses something besides slots, and `NameProps::builder()` and `.build()` spanned
//!   at the tag, so a missing required prop is reported on the tag. `CONTENT` is
//!   `::touchline_ui::ToChildren::to_children(move || VIEW)`: a closure building the content
//!   when the component asks for it, converted by the setter's type into `Children` or
//!   `ChildrenFn`; `VIEW` is the one enclosed view, or `::touchline_ui::View::fragment(::std::vec![
//!   ...])` over several;
//! - fragment: `::touchline_ui::View::fragment(::std::vec![view, ...])`;
//! - the whole body: nothing gives `::touchline_ui::View::empty()`, one root gives that root's view,
//!   several roots give a fragment.
//!
//! An element child (`CHILD`) is the nested view for tags, the string literal itself for text, and
//! the expression for braces. In a fragment or a component's children, every entry is a view: tags
//! are already views, text and braces are wrapped in `::touchline_ui::IntoView::into_view(...)`.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::LitBool;

use crate::ast::{AttrValue, BracedExpr, Component, Element, Fragment, Node, ViewBody};

impl ToTokens for ViewBody {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self.roots.as_slice() {
            [] => tokens.extend(quote!(::touchline_ui::View::empty())),
            [root] => tokens.extend(root.view()),
            roots => tokens.extend(fragment(roots)),
        }
    }
}

impl ToTokens for Node {
    /// The node as a view expression (type `::touchline_ui::View`).
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(self.view());
    }
}

impl Node {
    /// The node as an expression of type `::touchline_ui::View`.
    pub fn view(&self) -> TokenStream {
        match self {
            Node::Element(element) => element.view(),
            Node::Component(component) => component.view(),
            Node::Fragment(Fragment { children, .. }) => fragment(children),
            Node::Text(text) => quote!(::touchline_ui::IntoView::into_view(#text)),
            Node::Expr(BracedExpr { expr, .. }) => quote!(::touchline_ui::IntoView::into_view(#expr)),
        }
    }

    /// The node as the argument of an element's `.child(...)`: tags as views, text and braced
    /// expressions as they are (the builder converts them).
    pub fn child(&self) -> TokenStream {
        match self {
            Node::Text(text) => text.to_token_stream(),
            Node::Expr(BracedExpr { expr, .. }) => expr.to_token_stream(),
            other => other.view(),
        }
    }
}

/// `::touchline_ui::View::fragment(::std::vec![...])` over `nodes`.
fn fragment(nodes: &[Node]) -> TokenStream {
    let views = nodes.iter().map(Node::view);
    quote!(::touchline_ui::View::fragment(::std::vec![#(#views),*]))
}

impl AttrValue {
    /// The value as an expression, spanned where it was written.
    pub fn expr(&self) -> TokenStream {
        match self {
            AttrValue::Lit { neg, lit } => quote!(#neg #lit),
            AttrValue::Path(expr) => expr.to_token_stream(),
            AttrValue::Braced(BracedExpr { expr, .. }) => expr.to_token_stream(),
            AttrValue::Flag(span) => LitBool::new(true, *span).to_token_stream(),
        }
    }
}

impl Element {
    /// The builder chain, without the final `into_view`.
    pub fn builder(&self) -> TokenStream {
        // The call and each `.attr(...)` are spanned at what the user wrote, so the compiler's
        // errors about them (unknown element, unknown attribute) underline the tag or the attribute
        // rather than the whole macro call.
        let name = self.name.rust_ident();
        let mut out = quote_spanned!(name.span()=> ::touchline_ui::elements::#name());
        for attr in &self.attrs {
            let (method, value) = (attr.rust_ident(), attr.value.expr());
            out.extend(quote_spanned!(method.span()=> .#method(#value)));
        }
        for child in &self.children {
            let child = child.child();
            out.extend(quote!(.child(#child)));
        }
        out
    }

    /// The element as a view.
    pub fn view(&self) -> TokenStream {
        let builder = self.builder();
        quote!(::touchline_ui::IntoView::into_view(#builder))
    }
}

/// A component's enclosed content (its `children` or a slot) as the setter's argument: a closure
/// building the views, converted to the setter's type (`Children` or `ChildrenFn`), spanned at `at`.
fn content(nodes: &[Node], at: Span) -> TokenStream {
    let view = match nodes {
        [node] => node.view(),
        nodes => fragment(nodes),
    };
    quote_spanned!(at=> ::touchline_ui::ToChildren::to_children(move || #view))
}

impl Component {
    /// The component call `Name(NameProps::builder()...build())`, without the final `into_view`.
    pub fn call(&self) -> TokenStream {
        let name = &self.name;
        let props = format_ident!("{}Props", name, span = name.span());
        let mut props_value = quote_spanned!(name.span()=> #props::builder());
        for attr in &self.attrs {
            let (setter, value) = (attr.rust_ident(), attr.value.expr());
            props_value.extend(quote_spanned!(setter.span()=> .#setter(#value)));
        }
        for slot in &self.slots {
            let setter = slot.rust_ident();
            let content = content(&slot.children, setter.span());
            props_value.extend(quote_spanned!(setter.span()=> .#setter(#content)));
        }
        if !self.children.is_empty() {
            let content = content(&self.children, name.span());
            props_value.extend(quote_spanned!(name.span()=> .children(#content)));
        }
        props_value.extend(quote_spanned!(name.span()=> .build()));
        quote!(#name(#props_value))
    }

    /// The component as a view, tagged with its name and where it is written (the designer
    /// preview's pick mode names it).
    pub fn view(&self) -> TokenStream {
        let call = self.call();
        let name = &self.name;
        let (label, at) = (name.to_string(), name.span());
        quote_spanned!(at=> ::touchline_ui::view::sourced(
            ::touchline_ui::IntoView::into_view(#call), #label, file!(), line!()
        ))
    }
}
