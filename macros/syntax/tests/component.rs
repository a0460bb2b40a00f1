//! `#[component]`: the generated props struct and function, and every mistake with its message
//! and position.

use proc_macro2::TokenStream;
use quote::quote;
use touchline_macros_syntax::component::{expand, try_expand};

/// Token strings without whitespace (see `codegen.rs`).
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Asserts that `#[component]` on `item` expands to `expected`.
fn same(item: &str, expected: TokenStream) {
    let item: TokenStream = item.parse().expect("test input must tokenize");
    let got = match try_expand(TokenStream::new(), item) {
        Ok(tokens) => tokens.to_string(),
        Err(e) => panic!("should expand, got {:?}", e.into_iter().map(|e| e.to_string()).collect::<Vec<_>>()),
    };
    assert_eq!(squash(&got), squash(&expected.to_string()));
}

/// The errors `#[component(attr)]` on `item` gives: message, line and column of each.
fn errors_with(attr: &str, item: &str) -> Vec<(String, usize, usize)> {
    let attr: TokenStream = attr.parse().expect("attr must tokenize");
    let item: TokenStream = item.parse().expect("item must tokenize");
    match try_expand(attr, item) {
        Ok(tokens) => panic!("should be rejected, expanded to {tokens}"),
        Err(e) => e
            .into_iter()
            .map(|e| {
                let start = e.span().start();
                (e.to_string(), start.line, start.column)
            })
            .collect(),
    }
}

/// Asserts the single error of `#[component]` on the one-line `item`: its message, and that it
/// starts at the first `at`.
fn rejects(item: &str, message: &str, at: &str) {
    let all = errors_with("", item);
    assert_eq!(all.len(), 1, "`{item}` should give exactly one error, got {all:?}");
    let (got, line, column) = &all[0];
    assert_eq!(got, message, "message for `{item}`");
    let expected = item.find(at).unwrap_or_else(|| panic!("`{at}` is not in `{item}`"));
    assert_eq!((*line, *column), (1, expected), "position for `{item}` (expected at `{at}`)");
}

#[test]
fn every_kind_of_prop() {
    same(
        r#"
        /// A button.
        pub fn Button(
            /// What it says.
            label: Prop<String>,
            #[prop(optional)] icon: Option<String>,
            #[prop(default = 1.0)] scale: f32,
            #[prop(into)] hint: String,
            on_select: Callback,
            #[prop(optional)] actions: Children,
            children: Children,
        ) -> View {
            let size = scale * 2.0;
            view! { <row/> }
        }
        "#,
        quote! {
            #[doc = " A button."]
            #[derive(::touchline_ui::__private::TypedBuilder)]
            #[builder(crate_module_path = ::touchline_ui::__private::typed_builder)]
            pub struct ButtonProps {
                #[doc = " What it says."]
                #[builder(setter(transform = |value: impl ::touchline_ui::IntoProp<String>|
                    ::touchline_ui::IntoProp::<String>::into_prop(value)))]
                pub label: Prop<String>,
                #[builder(default, setter(strip_option, into))]
                pub icon: Option<String>,
                #[builder(default = 1.0)]
                pub scale: f32,
                #[builder(setter(into))]
                pub hint: String,
                #[builder(setter(transform = |handler: impl ::core::ops::Fn(()) + 'static|
                    ::touchline_ui::Callback::<()>::new(handler)))]
                pub on_select: Callback,
                #[builder(default)]
                pub actions: Children,
                pub children: Children,
            }

            #[doc = " A button."]
            #[allow(non_snake_case)]
            pub fn Button(props: ButtonProps) -> View {
                let ButtonProps { label, icon, scale, hint, on_select, actions, children } = props;
                let size = scale * 2.0;
                view! { <row/> }
            }
        },
    );
}

#[test]
fn optional_options_are_set_like_their_inner_type() {
    same(
        "fn Tile(
            #[prop(optional)] title: Option<Prop<String>>,
            #[prop(optional)] on_focus: Option<Callback<u32>>,
            #[prop(optional)] footer: Option<Children>,
            #[prop(optional, into)] color: Option<Color>,
            #[prop(optional)] index: Option<u32>,
        ) -> impl IntoView { () }",
        quote! {
            #[derive(::touchline_ui::__private::TypedBuilder)]
            #[builder(crate_module_path = ::touchline_ui::__private::typed_builder)]
            struct TileProps {
                #[builder(default, setter(transform = |value: impl ::touchline_ui::IntoProp<String>|
                    ::core::option::Option::Some(::touchline_ui::IntoProp::<String>::into_prop(value))))]
                title: Option<Prop<String>>,
                #[builder(default, setter(transform = |handler: impl ::core::ops::Fn(u32) + 'static|
                    ::core::option::Option::Some(::touchline_ui::Callback::<u32>::new(handler))))]
                on_focus: Option<Callback<u32>>,
                #[builder(default, setter(strip_option))]
                footer: Option<Children>,
                #[builder(default, setter(strip_option, into))]
                color: Option<Color>,
                #[builder(default, setter(strip_option))]
                index: Option<u32>,
            }

            #[allow(non_snake_case)]
            fn Tile(props: TileProps) -> impl IntoView {
                let TileProps { title, on_focus, footer, color, index } = props;
                ()
            }
        },
    );
}

#[test]
fn defaults_are_converted_like_the_setter_argument() {
    same(
        r#"pub(crate) fn Tile(
            #[prop(default = 0.5)] opacity: Prop<f32>,
            #[prop(default = "none")] name: String,
            #[prop(into, default = 3u8)] width: u32,
            #[prop(default = None)] index: Option<u32>,
            #[prop(default = Callback::new(|_| ()))] on_select: Callback,
        ) -> View { todo!() }"#,
        quote! {
            #[derive(::touchline_ui::__private::TypedBuilder)]
            #[builder(crate_module_path = ::touchline_ui::__private::typed_builder)]
            pub(crate) struct TileProps {
                #[builder(default = ::touchline_ui::IntoProp::<f32>::into_prop(0.5),
                    setter(transform = |value: impl ::touchline_ui::IntoProp<f32>|
                        ::touchline_ui::IntoProp::<f32>::into_prop(value)))]
                pub(crate) opacity: Prop<f32>,
                #[builder(default = ::core::convert::Into::<::std::string::String>::into("none"), setter(into))]
                pub(crate) name: String,
                #[builder(default = ::core::convert::Into::<u32>::into(3u8), setter(into))]
                pub(crate) width: u32,
                #[builder(default = None)]
                pub(crate) index: Option<u32>,
                #[builder(default = Callback::new(|_| ()),
                    setter(transform = |handler: impl ::core::ops::Fn(()) + 'static|
                        ::touchline_ui::Callback::<()>::new(handler)))]
                pub(crate) on_select: Callback,
            }

            #[allow(non_snake_case)]
            pub(crate) fn Tile(props: TileProps) -> View {
                let TileProps { opacity, name, width, index, on_select } = props;
                todo!()
            }
        },
    );
}

#[test]
fn without_a_return_type_the_body_becomes_a_view() {
    same(
        "fn Label(text: String) { text }",
        quote! {
            #[derive(::touchline_ui::__private::TypedBuilder)]
            #[builder(crate_module_path = ::touchline_ui::__private::typed_builder)]
            struct LabelProps {
                #[builder(setter(into))]
                text: String,
            }

            #[allow(non_snake_case)]
            fn Label(props: LabelProps) -> ::touchline_ui::View {
                let LabelProps { text } = props;
                ::touchline_ui::IntoView::into_view({ text })
            }
        },
    );
}

#[test]
fn no_props_mut_props_keyword_props_and_attributes() {
    same(
        "/// Space.\n#[cfg(test)]\n#[inline]\npub fn Spacer() -> View { View::empty() }",
        quote! {
            #[doc = " Space."]
            #[cfg(test)]
            #[derive(::touchline_ui::__private::TypedBuilder)]
            #[builder(crate_module_path = ::touchline_ui::__private::typed_builder)]
            pub struct SpacerProps {}

            #[doc = " Space."]
            #[cfg(test)]
            #[inline]
            #[allow(non_snake_case)]
            pub fn Spacer(props: SpacerProps) -> View {
                let SpacerProps {} = props;
                View::empty()
            }
        },
    );
    same(
        "fn Input(mut count: u32, r#type: Kind) -> View { count += 1; v }",
        quote! {
            #[derive(::touchline_ui::__private::TypedBuilder)]
            #[builder(crate_module_path = ::touchline_ui::__private::typed_builder)]
            struct InputProps {
                count: u32,
                r#type: Kind,
            }

            #[allow(non_snake_case)]
            fn Input(props: InputProps) -> View {
                let InputProps { mut count, r#type } = props;
                count += 1;
                v
            }
        },
    );
}

#[test]
fn not_a_function() {
    let message = |what: &str| {
        format!(
            "`#[component]` goes on a function whose parameters are the props, like \
             `#[component] fn Card(title: Prop<String>, children: Children) -> View`; this is {what}"
        )
    };
    rejects("pub struct Button { label: String }", &message("a struct"), "struct");
    rejects("enum Button { A }", &message("an enum"), "enum");
    rejects("impl Button {}", &message("an impl block"), "impl");
    rejects("const BUTTON: u32 = 1;", &message("a constant"), "const");
}

#[test]
fn self_receiver() {
    rejects(
        "fn Button(&self, label: String) -> View { v }",
        "a component cannot take `self`: it is a free function whose parameters are its props",
        "&self",
    );
}

#[test]
fn pattern_parameters() {
    let message = "a component parameter must be a plain name, because each one becomes a prop that \
                   `view!` sets by name: take it as `name: Type` and destructure it in the body";
    rejects("fn Point((x, y): (i32, i32)) -> View { v }", message, "(x, y)");
    rejects("fn Point(Pos { x, y }: Pos) -> View { v }", message, "Pos {");
    rejects("fn Point(ref x: i32) -> View { v }", message, "ref");
    rejects("fn Point(_: i32) -> View { v }", message, "_");
}

#[test]
fn generics() {
    let message = "generic components are not supported: give the props concrete types (`Prop<T>` for a \
                   value that may follow signals, `Callback<A>` for a handler, `Children` for content, or \
                   a `Box<dyn ...>`)";
    rejects("fn List<T: Clone>(items: Vec<T>) -> View { v }", message, "<T");
    rejects("fn List<'a>(items: Vec<u32>) -> View { v }", message, "<'a");
    rejects("fn List(items: Vec<u32>) -> View where u32: Clone { v }", message, "where");
    rejects(
        "fn List(on_select: impl Fn()) -> View { v }",
        "an `impl Trait` parameter would make the component generic, which is not supported: take \
         `Callback<A>` for a handler, `Prop<T>` for a value or a closure, `Children` for content, or a \
         `Box<dyn ...>`",
        "impl",
    );
}

#[test]
fn lowercase_names() {
    rejects(
        "fn profile_tile(name: String) -> View { v }",
        "component names start with an uppercase letter, so `view!` can tell a component \
         (`<ProfileTile>`) from an element (`<row>`): rename it `ProfileTile`",
        "profile_tile",
    );
    rejects(
        "fn button() -> View { v }",
        "component names start with an uppercase letter, so `view!` can tell a component (`<Button>`) \
         from an element (`<row>`): rename it `Button`",
        "button",
    );
}

#[test]
fn other_signature_mistakes() {
    rejects(
        "async fn Page() -> View { v }",
        "a component cannot be `async`: it returns its view at once; start async work inside it and show \
         the result through a signal",
        "async",
    );
    rejects(
        "fn Label(text: &str) -> View { v }",
        "a prop cannot be borrowed: the props struct owns its values; take an owned type (`String` rather \
         than `&str`) or share one with `Rc<...>`",
        "&str",
    );
    rejects(
        "fn Label(#[allow(unused)] text: String) -> View { v }",
        "only doc comments and `#[prop(...)]` (`optional`, `default = ...` or `into`) can go on a \
         component parameter",
        "#[allow",
    );
    let all = errors_with("optional", "fn Label(text: String) -> View { v }");
    assert_eq!(
        all,
        [(
            "`#[component]` takes no arguments; options go on the parameters: `#[prop(...)]` with \
             `optional`, `default = ...` or `into`"
                .to_string(),
            1,
            0
        )]
    );
}

#[test]
fn prop_options() {
    rejects(
        "fn Label(#[prop(strip_option)] text: Option<String>) -> View { v }",
        "unknown prop option `strip_option`; expected `optional`, `default = ...` or `into`",
        "strip_option",
    );
    rejects(
        "fn Label(#[prop(optional, default = 1)] size: u32) -> View { v }",
        "`optional` and `default` cannot go together: `optional` defaults to the type's \
         `Default::default()`, `default = ...` to the value given; keep one",
        "default",
    );
    rejects(
        "fn Label(#[prop(default = 1)] #[prop(optional)] size: u32) -> View { v }",
        "`optional` and `default` cannot go together: `optional` defaults to the type's \
         `Default::default()`, `default = ...` to the value given; keep one",
        "optional",
    );
    rejects(
        "fn Label(#[prop(default)] size: u32) -> View { v }",
        "`default` needs a value: `#[prop(default = 1.0)]`; for the type's `Default::default()`, write \
         `#[prop(optional)]`",
        "default",
    );
    rejects(
        "fn Label(#[prop(optional = true)] size: u32) -> View { v }",
        "`optional` takes no value: write `#[prop(optional)]`",
        "true",
    );
    rejects("fn Label(#[prop(into())] size: u32) -> View { v }", "`into` takes no parentheses", "()");
    rejects(
        "fn Label(#[prop(into, into)] size: u32) -> View { v }",
        "`into` is given twice; remove one",
        "into)]",
    );
    rejects(
        "fn Label(#[prop] size: u32) -> View { v }",
        "write `#[prop(...)]` with `optional`, `default = ...` or `into`",
        "#[prop]",
    );
    rejects(
        "fn Label(#[prop(into)] text: Prop<String>) -> View { v }",
        "`into` does not apply to a `Prop<T>` prop: its setter already takes a value or a closure returning \
         one (`impl IntoProp<T>`); remove it",
        "into",
    );
    rejects(
        "fn Label(#[prop(into)] on_select: Callback<u32>) -> View { v }",
        "`into` does not apply to a `Callback<A>` prop: its setter already takes a closure \
         (`impl Fn(A) + 'static`); remove it",
        "into",
    );
}

#[test]
fn every_mistake_is_reported_at_once() {
    let item =
        "fn button(&self, (a, b): (u8, u8), #[prop(x)] c: u8, #[prop(optional, default = 1)] d: u8) {}";
    let messages: Vec<String> = errors_with("", item).into_iter().map(|(m, ..)| m).collect();
    assert_eq!(messages.len(), 5, "{messages:#?}");
    assert!(messages[0].starts_with("component names start with an uppercase letter"));
    assert!(messages[1].starts_with("a component cannot take `self`"));
    assert!(messages[2].starts_with("a component parameter must be a plain name"));
    assert!(messages[3].starts_with("unknown prop option `x`"));
    assert!(messages[4].starts_with("`optional` and `default` cannot go together"));
}

#[test]
fn errors_keep_the_item_without_its_prop_attributes() {
    let item: TokenStream = "fn button(#[prop(optional)] a: u8) -> View { v }".parse().expect("tokens");
    let out = expand(TokenStream::new(), item).to_string();
    assert!(out.starts_with(":: core :: compile_error !"), "{out}");
    assert!(out.contains("fn button (a : u8) -> View { v }"), "{out}");
    let item: TokenStream = "struct Button;".parse().expect("tokens");
    let out = expand(TokenStream::new(), item).to_string();
    assert!(out.ends_with("struct Button ;"), "{out}");
}
