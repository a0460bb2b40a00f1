//! The syntax of Touchline's `view!` and `#[component]` macros: parsing and code generation, as a
//! plain library.
//!
//! The proc-macro crate `touchline-macros` is a thin shim over [`expand`] (`view!`) and
//! [`component::expand`] (`#[component]`); everything else lives here so it can be unit-tested on
//! token streams without a compiler in the loop.
//!
//! # Grammar of `view!`
//!
//! ```text
//! body      := node*
//! node      := element | component | fragment | text | braced
//! element   := '<' tag attr* '/>' | '<' tag attr* '>' node* '</' tag '>'      (tag starts lowercase)
//! component := '<' Tag attr* '/>' | '<' Tag attr* '>' ( node | slot )* '</' Tag '>'
//!                                                                         (Tag starts uppercase)
//! slot      := '<slot:' name '/>' | '<slot:' name '>' node* '</slot:' name '>'
//!                                            (only directly inside a component, once per name)
//! fragment  := '<>' node* '</>'
//! text      := string literal
//! braced    := '{' expression or statements '}'
//! attr      := name ( '=' value )?                                         (no value means `true`)
//! value     := literal | '-' number | braced | path
//! path      := '::'? ident ( ( '::' | '.' ) ident )*                        (`theme.surface`)
//! ```
//!
//! Tag, attribute and slot names are Rust identifiers; keywords are fine (`<box>` calls `r#box()`,
//! `ref={r}` calls `.r#ref(r)`, `<slot:type>` calls `.r#type(...)`). Any other attribute value
//! (`a + b`, `move || ...`, `f(x)`) is rejected with a hint to wrap it in braces. A slot takes no
//! attributes, and its name may not also be given as an attribute nor be `children`.
//!
//! # Output
//!
//! See [`codegen`] for the exact shape. For example
//!
//! ```text
//! view! {
//!     <text size=64 bold>"Hi"</text>
//!     <Button label="Play" on_select={move |_| play()}>
//!         <slot:actions>"More"</slot:actions>
//!         "Now"
//!     </Button>
//! }
//! ```
//!
//! expands to
//!
//! ```text
//! ::touchline_ui::View::fragment(::std::vec![
//!     ::touchline_ui::IntoView::into_view(
//!         ::touchline_ui::elements::text().size(64).bold(true).child("Hi")
//!     ),
//!     ::touchline_ui::IntoView::into_view(Button(
//!         ButtonProps::builder()
//!             .label("Play")
//!             .on_select(move |_| play())
//!             .actions(::touchline_ui::ToChildren::to_children(move ||
//!                 ::touchline_ui::IntoView::into_view("More")))
//!             .children(::touchline_ui::ToChildren::to_children(move ||
//!                 ::touchline_ui::IntoView::into_view("Now")))
//!             .build()
//!     ))
//! ])
//! ```
//!
//! # `#[component]`
//!
//! See [`component`] for what it accepts and generates: a props struct deriving
//! `::touchline_ui::__private::TypedBuilder` (whose builder `view!` calls above), and the function
//! rewritten to take it.

pub mod ast;
pub mod codegen;
pub mod component;
mod ident;
mod parse;

pub use ast::{
    AttrValue, Attribute, BracedExpr, Component, Element, Fragment, Node, Slot, TagName, ViewBody,
};

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

/// Expands the body of a `view!` invocation: the generated expression, or `compile_error!`s that
/// point at the mistakes.
pub fn expand(input: TokenStream) -> TokenStream {
    match syn::parse2::<ViewBody>(input) {
        Ok(body) => body.into_token_stream(),
        Err(error) => compile_errors(error),
    }
}

/// One `compile_error!` per message, as a single expression: the macro is used in expression
/// position, where several invocations side by side would not parse.
fn compile_errors(error: syn::Error) -> TokenStream {
    let mut errors: Vec<TokenStream> = error.into_iter().map(|e| e.to_compile_error()).collect();
    match errors.pop() {
        Some(last) if errors.is_empty() => last,
        Some(last) => quote!({ #(#errors)* (#last) }),
        None => TokenStream::new(),
    }
}
