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
fn component_without_children() {
    same(
        "<ProfileTile profile=p wide/>",
        quote!(::touchline_ui::IntoView::into_view(ProfileTile(ProfileTileProps { profile: p, wide: true }))),
    );
    same("<Spacer/>", quote!(::touchline_ui::IntoView::into_view(Spacer(SpacerProps {}))));
}

#[test]
fn component_with_children() {
    same(
        r#"<Card title="x"><text/>"y"</Card>"#,
        quote!(::touchline_ui::IntoView::into_view(Card(CardProps {
            title: "x",
            children: ::touchline_ui::Children::new(::std::vec![
                ::touchline_ui::IntoView::into_view(::touchline_ui::elements::text()),
                ::touchline_ui::IntoView::into_view("y")
            ])
        }))),
    );
}

#[test]
fn components_nest_in_elements() {
    same(
        "<row><Tile/></row>",
        quote!(::touchline_ui::IntoView::into_view(
            ::touchline_ui::elements::row().child(::touchline_ui::IntoView::into_view(Tile(TileProps {})))
        )),
    );
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
