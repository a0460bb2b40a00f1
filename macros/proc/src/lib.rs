//! Touchline's `view!` and `#[component]` macros.
//!
//! This crate is only the `proc_macro` entry points; the parsers and code generators live in
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
///         <Button label="Play" on_select={move |_| play()}>
///             <slot:actions><text>"More"</text></slot:actions>
///             "Play now"
///         </Button>
///     </column>
/// }
/// ```
///
/// - Lowercase tags are elements: `::touchline_ui::elements::NAME()`, then `.ATTR(VALUE)` per
///   attribute and `.child(CHILD)` per child. Keyword tags and attributes work (`<box>` calls
///   `r#box()`, `ref={r}` calls `.r#ref(r)`).
/// - Capitalized tags are components (see [`macro@component`]): `Name(NameProps::builder()
///   .ATTR(VALUE)... .build())`. What the tag encloses is the `children` prop, except
///   `<slot:NAME>...</slot:NAME>` children, whose content is the `NAME` prop. A slot may only be
///   a direct child of a component, at most once per name, and takes no attributes.
/// - `<> ... </>` is a fragment; several roots form one too; an empty body is an empty view.
/// - Attribute values are literals (`24`, `"x"`, `true`, `-3`), paths (`theme.surface`,
///   `Color::RED`) or braced expressions (`{a + b}`); a bare attribute means `true`.
/// - Children are tags, string literals and braced expressions.
///
/// Mistakes are reported where they were written: an unknown element, attribute or prop at its
/// name, a value of the wrong type at the value, a missing required prop at the component's tag.
///
/// The result is an expression of type `::touchline_ui::View`.
#[proc_macro]
pub fn view(input: TokenStream) -> TokenStream {
    touchline_macros_syntax::expand(input.into()).into()
}

/// Makes a function a component: its parameters become the props `view!` sets by name.
///
/// ```ignore
/// /// A button with a label, an optional icon and a row of actions under it.
/// #[component]
/// pub fn Button(
///     /// What the button says; a value or a closure reading signals.
///     label: Prop<String>,
///     /// An icon before the label.
///     #[prop(optional)]
///     icon: Option<String>,
///     #[prop(default = 1.0)]
///     scale: f32,
///     #[prop(into)]
///     hint: String,
///     /// Called when OK is pressed on the button.
///     on_select: Callback,
///     /// Filled by `<slot:actions>`; empty if not given.
///     #[prop(optional)]
///     actions: Children,
///     children: Children,
/// ) -> View {
///     view! { <column scale=scale>{children}{actions}</column> }
/// }
///
/// view! {
///     <Button label={move || title.get()} hint="Starts playback" on_select={move |_| play()}>
///         <slot:actions><text>"Trailer"</text></slot:actions>
///         "Play"
///     </Button>
/// }
/// ```
///
/// This generates `pub struct ButtonProps` (the function's visibility and doc comment, a field per
/// parameter with the parameter's doc comment) deriving a typed builder, and rewrites the function
/// to `pub fn Button(props: ButtonProps) -> View`, which binds every prop before the original body.
/// Without a return type, the function returns `View` and its body's value is converted with
/// `IntoView`.
///
/// What a setter takes depends on the last segment of the parameter's type:
///
/// - `Prop<T>`: a value or a closure returning one (`impl IntoProp<T>`);
/// - `Callback<A>` (a bare `Callback` takes `()`): a closure `impl Fn(A) + 'static`;
/// - `Children`, `ChildrenFn`: the content `view!` passes (what the tag encloses, or a slot's);
/// - `String`: `impl Into<String>`;
/// - `Option<T>` with `#[prop(optional)]`: what a `T` prop takes, put in `Some`;
/// - anything else: the type itself, or `impl Into<T>` with `#[prop(into)]`.
///
/// Options, in `#[prop(...)]` on a parameter:
///
/// - `optional`: the prop may be left out; it is then the type's `Default::default()`;
/// - `default = EXPR`: the prop may be left out; it is then `EXPR` (converted like a setter's
///   argument for `Prop<T>`, `String` and `into`);
/// - `into`: the setter takes `impl Into<T>`.
///
/// Leaving out a required prop, naming an unknown one or giving one twice is a compile error at
/// the tag or attribute. Components are capitalized (so `view!` can tell them from elements), take
/// no `self`, no pattern parameters and no generics.
#[proc_macro_attribute]
pub fn component(attr: TokenStream, item: TokenStream) -> TokenStream {
    touchline_macros_syntax::component::expand(attr.into(), item.into()).into()
}
