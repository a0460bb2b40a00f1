//! The generated code has exactly the shape the `touchline_ui` builder API expects.

mod common;

use common::expand_str;
use quote::quote;

/// Compares token strings without whitespace: syn re-prints some punctuation with different
/// spacing (`| |` for `||`, `> >` for `>>`), which says nothing about the tokens' meaning here.
fn same(src: &str, expected: proc_macro2::TokenStream) {
    let squash = |s: String| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    assert_eq!(squash(expand_str(src)), squash(expected.to_string()), "expansion of `{src}`");
}

#[test]
fn empty_body_is_the_empty_view() {
    same("", quote!(::touchline_ui::View::empty()));
}

#[test]
fn element_with_attributes_and_children() {
    same(
        r#"<text size=64 bold>"Hi" {name} <row/></text>"#,
        quote!(::touchline_ui::IntoView::into_view(
            ::touchline_ui::elements::text()
                .size(64)
                .bold(true)
                .child("Hi")
                .child(name)
                .child(::touchline_ui::IntoView::into_view(::touchline_ui::elements::row()))
        )),
    );
}

#[test]
fn the_profile_picker_example() {
    same(
        r#"
        <column gap=24 padding=48 background=theme.surface>
            <text size=64 bold=true>"Who's watching?"</text>
            <row gap=32>
                {profiles.iter().map(|p| profile_tile(p.clone(), chosen)).collect::<Vec<_>>()}
            </row>
            <text size=32>{move || format!("Chosen: {}", chosen.get())}</text>
            <box focusable=true on_select={move || set_chosen.set(1)} />
        </column>
        "#,
        quote!(::touchline_ui::IntoView::into_view(
            ::touchline_ui::elements::column()
                .gap(24)
                .padding(48)
                .background(theme.surface)
                .child(::touchline_ui::IntoView::into_view(
                    ::touchline_ui::elements::text().size(64).bold(true).child("Who's watching?")
                ))
                .child(::touchline_ui::IntoView::into_view(
                    ::touchline_ui::elements::row()
                        .gap(32)
                        .child(profiles.iter().map(|p| profile_tile(p.clone(), chosen)).collect::<Vec<_>>())
                ))
                .child(::touchline_ui::IntoView::into_view(
                    ::touchline_ui::elements::text()
                        .size(32)
                        .child(move || format!("Chosen: {}", chosen.get()))
                ))
                .child(::touchline_ui::IntoView::into_view(
                    ::touchline_ui::elements::r#box().focusable(true).on_select(move || set_chosen.set(1))
                ))
        )),
    );
}

#[test]
fn negative_numbers_and_blocks() {
    same(
        "<box x=-3 y={ let a = 1; a }/>",
        quote!(::touchline_ui::IntoView::into_view(::touchline_ui::elements::r#box().x(-3).y({
            let a = 1;
            a
        }))),
    );
}

#[test]
fn keyword_attributes_become_raw_methods() {
    same(
        "<input type=\"text\"/>",
        quote!(::touchline_ui::IntoView::into_view(::touchline_ui::elements::input().r#type("text"))),
    );
}

#[test]
fn several_roots_form_a_fragment() {
    same(
        r#"<row/> "text" {count}"#,
        quote!(::touchline_ui::View::fragment(::std::vec![
            ::touchline_ui::IntoView::into_view(::touchline_ui::elements::row()),
            ::touchline_ui::IntoView::into_view("text"),
            ::touchline_ui::IntoView::into_view(count)
        ])),
    );
}

#[test]
fn explicit_fragment() {
    same(
        r#"<><row/>"a"</>"#,
        quote!(::touchline_ui::View::fragment(::std::vec![
            ::touchline_ui::IntoView::into_view(::touchline_ui::elements::row()),
            ::touchline_ui::IntoView::into_view("a")
        ])),
    );
    same("<></>", quote!(::touchline_ui::View::fragment(::std::vec![])));
}

#[test]
fn fragment_as_a_child() {
    same(
        r#"<row><>"a"</></row>"#,
        quote!(::touchline_ui::IntoView::into_view(
            ::touchline_ui::elements::row()
                .child(::touchline_ui::View::fragment(::std::vec![::touchline_ui::IntoView::into_view("a")]))
        )),
    );
}

#[test]
fn single_text_or_expression_root() {
    same(r#""hello""#, quote!(::touchline_ui::IntoView::into_view("hello")));
    same("{ view }", quote!(::touchline_ui::IntoView::into_view(view)));
}

#[test]
fn keyword_attributes_like_ref_become_raw_methods() {
    same(
        "<row ref={my_ref} key=id/>",
        quote!(::touchline_ui::IntoView::into_view(::touchline_ui::elements::row().r#ref(my_ref).key(id))),
    );
}

#[test]
fn component_without_children() {
    same(
        "<ProfileTile profile=p wide/>",
        component(
            "ProfileTile",
            quote!(ProfileTile(ProfileTileProps::builder().profile(p).wide(true).build())),
        ),
    );
    same("<Spacer/>", component("Spacer", quote!(Spacer(SpacerProps::builder().build()))));
    // An empty pair of tags passes no children either.
    same("<Spacer></Spacer>", component("Spacer", quote!(Spacer(SpacerProps::builder().build()))));
}

#[test]
fn component_with_children() {
    let children = content(quote!(::touchline_ui::View::fragment(::std::vec![
        ::touchline_ui::IntoView::into_view(::touchline_ui::elements::text()),
        ::touchline_ui::IntoView::into_view("y")
    ])));
    same(
        r#"<Card title="x"><text/>"y"</Card>"#,
        component("Card", quote!(Card(CardProps::builder().title("x").children(#children).build()))),
    );
}

/// `::touchline_ui::ToChildren::to_children(move || VIEW)`: how component content is passed.
fn content(view: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    quote!(::touchline_ui::ToChildren::to_children(move || #view))
}

/// A component call as a view, tagged with its name and where it is written.
fn component(name: &str, call: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    quote!(::touchline_ui::view::sourced(::touchline_ui::IntoView::into_view(#call), #name, file!(), line!()))
}

/// `::touchline_ui::IntoView::into_view(EXPR)`.
fn into_view(expr: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    quote!(::touchline_ui::IntoView::into_view(#expr))
}

#[test]
fn a_single_child_is_passed_without_a_fragment() {
    let children = content(into_view(quote!(name)));
    same(
        "<Card>{name}</Card>",
        component("Card", quote!(Card(CardProps::builder().children(#children).build()))),
    );
}

#[test]
fn keyword_props_become_raw_setters() {
    same(
        r#"<Input type="text" key=1/>"#,
        component("Input", quote!(Input(InputProps::builder().r#type("text").key(1).build()))),
    );
}

#[test]
fn slots_become_setters_and_the_rest_are_children() {
    let actions = content(quote!(::touchline_ui::View::fragment(::std::vec![
        ::touchline_ui::IntoView::into_view(::touchline_ui::elements::text()),
        ::touchline_ui::IntoView::into_view("More")
    ])));
    let icon = content(into_view(quote!(icon)));
    let badge = content(quote!(::touchline_ui::View::fragment(::std::vec![])));
    let children = content(into_view(quote!("Play now")));
    same(
        r#"<Button label="Play" on_select={move |_| go()}>
            "Play now"
            <slot:actions><text/>"More"</slot:actions>
            <slot:icon>{icon}</slot:icon>
            <slot:badge/>
        </Button>"#,
        component(
            "Button",
            quote!(Button(
                ButtonProps::builder()
                    .label("Play")
                    .on_select(move |_| go())
                    .actions(#actions)
                    .icon(#icon)
                    .badge(#badge)
                    .children(#children)
                    .build()
            )),
        ),
    );
    // Only slots: no `children` setter.
    let kind = content(into_view(quote!("a")));
    same(
        "<Card><slot:type>\"a\"</slot:type></Card>",
        component("Card", quote!(Card(CardProps::builder().r#type(#kind).build()))),
    );
}

#[test]
fn components_nest_in_elements() {
    let tile = component("Tile", quote!(Tile(TileProps::builder().build())));
    same("<row><Tile/></row>", into_view(quote!(::touchline_ui::elements::row().child(#tile))));
}

/// Where the `nth` token spelled `token` in the expansion of `src` starts: (line, column).
fn span_of(src: &str, token: &str, nth: usize) -> (usize, usize) {
    let tokens: proc_macro2::TokenStream = src.parse().expect("test input must tokenize");
    let expanded = touchline_macros_syntax::expand(tokens);
    fn walk(stream: proc_macro2::TokenStream, out: &mut Vec<(String, proc_macro2::Span)>) {
        for tt in stream {
            if let proc_macro2::TokenTree::Group(g) = &tt {
                walk(g.stream(), out);
            } else {
                out.push((tt.to_string(), tt.span()));
            }
        }
    }
    let mut all = Vec::new();
    walk(expanded, &mut all);
    let span = all
        .iter()
        .filter(|(text, _)| text == token)
        .nth(nth)
        .unwrap_or_else(|| panic!("no {nth}th `{token}` in the expansion of `{src}`"))
        .1;
    (span.start().line, span.start().column)
}

#[test]
fn component_setters_point_at_what_was_written() {
    let src = "<Button label=1 on_select={f}>\"x\"<slot:actions/></Button>";
    let at = |needle: &str| (1, src.find(needle).expect("needle"));
    // The builder, the children and `build` point at the tag (a missing prop is reported there),
    // each setter at its attribute or slot name.
    assert_eq!(span_of(src, "builder", 0), at("Button"));
    assert_eq!(span_of(src, "build", 0), at("Button"));
    assert_eq!(span_of(src, "children", 0), at("Button"));
    assert_eq!(span_of(src, "label", 0), at("label"));
    assert_eq!(span_of(src, "on_select", 0), at("on_select"));
    assert_eq!(span_of(src, "actions", 0), at("actions"));
}

#[test]
fn errors_expand_to_compile_error() {
    let single = expand_str("<row>");
    assert!(single.starts_with(":: core :: compile_error !"), "{single}");
    assert!(single.contains("is never closed"), "{single}");
    // Several errors stay one expression: a block whose tail is the last error.
    let several = expand_str("<row a a b b/>");
    assert_eq!(several.matches("compile_error").count(), 2, "{several}");
    assert!(several.starts_with('{'), "{several}");
}
