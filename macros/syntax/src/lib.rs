//! The syntax of Touchline's `view!` macro: parsing and code generation, as a plain library.
//!
//! The proc-macro crate `touchline-macros` is a thin shim over [`expand`]; everything else lives here
//! so it can be unit-tested on token streams without a compiler in the loop.
//!
//! # Grammar
//!
//! ```text
//! body      := node*
//! node      := element | component | fragment | text | braced
//! element   := '<' tag attr* '/>' | '<' tag attr* '>' node* '</' tag '>'      (tag starts lowercase)
//! component := same as element, with a tag that starts uppercase
//! fragment  := '<>' node* '</>'
//! text      := string literal
//! braced    := '{' expression or statements '}'
//! attr      := name ( '=' value )?                                         (no value means `true`)
//! value     := literal | '-' number | braced | path
//! path      := '::'? ident ( ( '::' | '.' ) ident )*                        (`theme.surface`)
//! ```
//!
//! Tag and attribute names are Rust identifiers; keywords are fine (`<box>` calls `r#box()`).
//! Any other attribute value (`a + b`, `move || ...`, `f(x)`) is rejected with a hint to wrap it in
//! braces.
//!
//! # Output
//!
//! See [`codegen`] for the exact shape. For example
//!
//! ```text
//! view! { <text size=64 bold>"Hi"</text> }
//! ```
//!
//! expands to
//!
//! ```text
//! ::touchline_ui::IntoView::into_view(
//!     ::touchline_ui::elements::text().size(64).bold(true).child("Hi")
//! )
//! ```

pub mod ast;
pub mod codegen;
mod ident;
mod parse;

pub use ast::{AttrValue, Attribute, BracedExpr, Component, Element, Fragment, Node, TagName, ViewBody};

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
