//! The syntax tree of a `view!` body.
//!
//! Every node keeps the spans of the tokens it was parsed from, so the generated code can point the
//! compiler's own errors (unknown element, unknown attribute, wrong value type) back at what the user
//! wrote.

use proc_macro2::Span;
use syn::{Expr, Ident, Lit, LitStr, Token, token};

use crate::ident::rust_ident;

/// Everything between the braces of `view! { ... }`: zero or more root nodes.
///
/// No root expands to an empty view, one root to that root's view, several roots to a fragment.
#[derive(Debug, Clone)]
pub struct ViewBody {
    /// The top-level nodes, in source order.
    pub roots: Vec<Node>,
}

/// One node of the tree: something that can stand at the root or among an element's children.
#[derive(Debug, Clone)]
pub enum Node {
    /// A lowercase tag: `<row gap=8>...</row>` or `<box />`.
    Element(Element),
    /// A capitalized tag: `<ProfileTile profile=p />`.
    Component(Component),
    /// `<> ... </>`.
    Fragment(Fragment),
    /// A string literal child: `"Who's watching?"`.
    Text(LitStr),
    /// A braced expression child: `{ format!("{n}") }`.
    Expr(BracedExpr),
}

/// The name of a lowercase tag, as the user wrote it (`box`, `r#box`, `text`).
#[derive(Debug, Clone)]
pub struct TagName {
    /// The name without any `r#` prefix, spanned at the tag.
    pub ident: Ident,
}

impl TagName {
    /// The plain name, `box` for both `<box>` and `<r#box>`.
    pub fn name(&self) -> String {
        self.ident.to_string()
    }

    /// The identifier to call in generated code: raw (`r#box`) when the name is a keyword.
    pub fn rust_ident(&self) -> Ident {
        rust_ident(&self.ident)
    }
}

/// A lowercase tag, built through `::touchline_ui::elements::NAME()`.
#[derive(Debug, Clone)]
pub struct Element {
    /// The tag name.
    pub name: TagName,
    /// The attributes, in source order (no name appears twice).
    pub attrs: Vec<Attribute>,
    /// The children, in source order (empty for a self-closing tag).
    pub children: Vec<Node>,
    /// Whether the tag was written `<name ... />`.
    pub self_closing: bool,
}

/// A capitalized tag: a call to the component function with its props built by
/// `NAMEProps::builder()`.
#[derive(Debug, Clone)]
pub struct Component {
    /// The component function's name, spanned at the tag.
    pub name: Ident,
    /// The props, in source order (no name appears twice).
    pub attrs: Vec<Attribute>,
    /// The named slots among the children, in source order (no name appears twice, and none is
    /// also an attribute).
    pub slots: Vec<Slot>,
    /// The other children, passed as the `children` prop when there are any.
    pub children: Vec<Node>,
    /// Whether the tag was written `<Name ... />`.
    pub self_closing: bool,
}

/// `<slot:NAME> ... </slot:NAME>` directly inside a component: its content is the component's
/// `NAME` prop, the way the component's other content is its `children` prop.
#[derive(Debug, Clone)]
pub struct Slot {
    /// The `<` of the opening tag.
    pub open: Token![<],
    /// The word `slot`.
    pub slot: Ident,
    /// The `:` between `slot` and the name.
    pub colon: Token![:],
    /// The prop the content fills, without any `r#` prefix, spanned where it was written.
    pub name: Ident,
    /// The content, in source order.
    pub children: Vec<Node>,
    /// Whether the tag was written `<slot:NAME/>` (an empty slot).
    pub self_closing: bool,
}

impl Slot {
    /// The plain name of the prop, `actions` for `<slot:actions>`.
    pub fn name(&self) -> String {
        self.name.to_string()
    }

    /// The setter to call in generated code: raw (`r#type`) when the name is a keyword.
    pub fn rust_ident(&self) -> Ident {
        rust_ident(&self.name)
    }
}

/// `<> ... </>`: several views side by side without a container.
#[derive(Debug, Clone)]
pub struct Fragment {
    /// The `<` of the opening `<>`.
    pub open: Token![<],
    /// The children, in source order.
    pub children: Vec<Node>,
}

/// `name=value`, or a bare `name` (shorthand for `name=true`).
#[derive(Debug, Clone)]
pub struct Attribute {
    /// The attribute name without any `r#` prefix, spanned where it was written.
    pub name: Ident,
    /// The value.
    pub value: AttrValue,
}

impl Attribute {
    /// The plain name, `on_select` or `type`.
    pub fn name(&self) -> String {
        self.name.to_string()
    }

    /// The identifier to use in generated code: raw (`r#type`) when the name is a keyword.
    pub fn rust_ident(&self) -> Ident {
        rust_ident(&self.name)
    }
}

/// The right-hand side of an attribute.
#[derive(Debug, Clone)]
pub enum AttrValue {
    /// A literal, possibly negated: `24`, `"x"`, `true`, `1.5`, `-3`.
    Lit {
        /// The `-` of a negative number.
        neg: Option<Token![-]>,
        /// The literal itself.
        lit: Lit,
    },
    /// A path or field chain without operators: `size`, `theme.surface`, `Color::RED`.
    Path(Expr),
    /// A braced expression: `{ move || chosen.set(1) }`.
    Braced(BracedExpr),
    /// No value at all (`<box focusable>`): means `true`, spanned at the attribute name.
    Flag(Span),
}

/// A `{ ... }` block, used as an attribute value or a child.
#[derive(Debug, Clone)]
pub struct BracedExpr {
    /// The braces.
    pub brace: token::Brace,
    /// What the braces hold: the inner expression when they hold exactly one (`{ a + b }` gives
    /// `a + b`), otherwise a block expression with the statements (`{ let x = 1; x }`).
    pub expr: Expr,
}
