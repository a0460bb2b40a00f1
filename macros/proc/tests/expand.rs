//! Real expansions of `view!`, compiled and run against a stand-in of the `touchline_ui` API.

#![allow(missing_docs)]

extern crate self as touchline_ui;

include!("support/mock_ui.rs");

use touchline_macros::view;

#[derive(Clone)]
struct Profile {
    name: &'static str,
}

struct Theme {
    surface: u32,
}

#[allow(non_snake_case)]
fn ProfileTile(props: ProfileTileProps) -> View {
    let tile = elements::r#box().focusable(props.focusable).child(props.profile.name);
    match props.children {
        Some(children) => tile.child(View::fragment(children.0)).into_view(),
        None => tile.into_view(),
    }
}

struct ProfileTileProps {
    profile: Profile,
    focusable: bool,
    children: Option<Children>,
}

#[allow(non_snake_case)]
fn Badge(props: BadgeProps) -> View {
    View::fragment(props.children.0)
}

struct BadgeProps {
    children: Children,
}

#[test]
fn empty() {
    assert_eq!(view! {}, View::Empty);
}

#[test]
fn the_profile_picker() {
    let theme = Theme { surface: 0x202020 };
    let profiles = [Profile { name: "Ana" }, Profile { name: "Ben" }];
    let chosen = 1;
    let view = view! {
        <column gap=24 padding=48 background=theme.surface>
            <text size=64 bold=true>"Who's watching?"</text>
            <row gap=32>
                {profiles.iter().map(|p| p.name.into_view()).collect::<Vec<_>>()}
            </row>
            <text size=32>{format!("Chosen: {}", chosen)}</text>
            <box focusable on_select={move || chosen + 1} />
        </column>
    };
    assert_eq!(
        view.render(),
        concat!(
            "<column gap=24 padding=48 background=0x202020>",
            "<text size=64 bold=true>\"Who's watching?\"</text>",
            "<row gap=32><>\"Ana\"\"Ben\"</></row>",
            "<text size=32>\"Chosen: 1\"</text>",
            "<box focusable=true on_select=2></box>",
            "</column>"
        )
    );
}

#[test]
fn negative_literal_and_block_values() {
    let view = view! { <row gap=-3 padding={ let p = 2; p * 4 } /> };
    assert_eq!(view.render(), "<row gap=-3 padding=8></row>");
}

#[test]
fn keyword_tags_and_attributes() {
    let view = view! { <r#box><input type="text"/></box> };
    assert_eq!(view.render(), "<box><input type=text></input></box>");
}

#[test]
fn fragments_and_several_roots() {
    let view = view! { <row/> "text" <><column/></> };
    assert_eq!(view.render(), "<><row></row>\"text\"<><column></column></></>");
}

#[test]
fn single_text_and_expression_roots() {
    assert_eq!(view! { "hi" }, View::Text("hi".into()));
    let name = String::from("Ana");
    assert_eq!(view! { {name} }, View::Text("Ana".into()));
}

#[test]
fn components() {
    let ana = Profile { name: "Ana" };
    let view = view! {
        <row>
            <ProfileTile profile={ana.clone()} focusable children=None />
            <ProfileTile profile=ana focusable=false children={None}/>
            <Badge>"new" <text/></Badge>
        </row>
    };
    assert_eq!(
        view.render(),
        concat!(
            "<row>",
            "<box focusable=true>\"Ana\"</box>",
            "<box focusable=false>\"Ana\"</box>",
            "<>\"new\"<text></text></>",
            "</row>"
        )
    );
}
