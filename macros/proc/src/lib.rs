//! Touchline's `view!` macro.
//!
//! This crate is only the `proc_macro` entry point; the parser and code generator live in
//! `touchline-macros-syntax`, where they are unit-tested on token streams.

use proc_macro::TokenStream;

/// Builds a view tree from JSX-like markup.
///
/// ```ignore
/// view! {
///     <column gap=24 padding=48 background=theme.surface>
///         <text size=64 bold=true>"Who's watching?"</text>
///         <row gap=32>
///             {profiles.iter().map(|p| profile_tile(p.clone(), chosen)).collect::<Vec<_>>()}
///         </row>
///         <text size=32>{move || format!("Chosen: {}", chosen.get())}</text>
///         <box focusable on_select={move || set_chosen.set(1)} />
///     </column>
/// }
/// ```
///
/// - Lowercase tags are elements: `::touchline_ui::elements::NAME()`, then `.ATTR(VALUE)` per
///   attribute and `.child(CHILD)` per child. Keyword tags work (`<box>` calls `r#box()`).
/// - Capitalized tags are components: `Name(NameProps { attr: value, children })`.
/// - `<> ... </>` is a fragment; several roots form one too; an empty body is an empty view.
/// - Attribute values are literals (`24`, `"x"`, `true`, `-3`), paths (`theme.surface`,
///   `Color::RED`) or braced expressions (`{a + b}`); a bare attribute means `true`.
/// - Children are tags, string literals and braced expressions.
///
/// The result is an expression of type `::touchline_ui::View`.
#[proc_macro]
pub fn view(input: TokenStream) -> TokenStream {
    touchline_macros_syntax::expand(input.into()).into()
}
