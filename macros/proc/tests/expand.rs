//! Real expansions of `view!` and `#[component]`, compiled and run against a stand-in of the
//! `touchline_ui` API whose views render to strings (see `support/mock_ui.rs`).

#![allow(missing_docs)]

extern crate self as touchline_ui;

include!("support/mock_ui.rs");

use touchline_macros::{component, view};

#[derive(Clone)]
struct Profile {
    name: &'static str,
}

struct Theme {
    surface: u32,
}

/// A profile's tile.
#[component]
fn ProfileTile(
    profile: Profile,
    #[prop(optional)] focusable: bool,
    /// Under the name.
    #[prop(optional)]
    children: Children,
) -> View {
    elements::r#box().focusable(focusable).child(profile.name).child(children.build()).into_view()
}

/// Its content, in a fragment.
#[component]
fn Badge(children: Children) -> View {
    children.build()
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
            <ProfileTile profile={ana.clone()} focusable />
            <ProfileTile profile=ana focusable=false>"online"</ProfileTile>
            <Badge>"new" <text/></Badge>
        </row>
    };
    assert_eq!(
        view.render(),
        concat!(
            "<row>",
            "<box focusable=true>\"Ana\"()</box>",
            "<box focusable=false>\"Ana\"\"online\"</box>",
            "<>\"new\"<text></text></>",
            "</row>"
        )
    );
}

/// Every kind of prop, each rendered in turn.
#[component]
fn Button(
    label: Prop<String>,
    #[prop(optional)] icon: Option<String>,
    #[prop(default = 2.5)] scale: f32,
    #[prop(into)] hint: Hint,
    on_select: Callback,
    #[prop(optional)] on_focus: Option<Callback<u32>>,
    #[prop(optional)] actions: Children,
    #[prop(optional)] r#type: String,
    children: Children,
) {
    on_select.call(());
    if let Some(on_focus) = on_focus {
        on_focus.call(7);
    }
    View::fragment(vec![
        label.get().into_view(),
        icon.unwrap_or_else(|| "no icon".into()).into_view(),
        format!("{scale}").into_view(),
        hint.0.into_view(),
        actions.build(),
        r#type.into_view(),
        children.build(),
    ])
}

struct Hint(String);

impl From<&str> for Hint {
    fn from(text: &str) -> Self {
        Hint(text.to_uppercase())
    }
}

#[test]
fn component_props_slots_and_children() {
    use std::cell::Cell;
    use std::rc::Rc;

    let selected = Rc::new(Cell::new(0));
    let focused = Rc::new(Cell::new(0));
    let (s, f) = (selected.clone(), focused.clone());
    let view = view! {
        <Button label={|| "Play".to_string()} icon="play" hint="go" type="primary"
            on_select={move |()| s.set(s.get() + 1)} on_focus={move |n| f.set(n)}>
            "before"
            <slot:actions><text/>"more"</slot:actions>
            "after"
        </Button>
    };
    assert_eq!(
        view.render(),
        "<>\"Play\"\"play\"\"2.5\"\"GO\"<><text></text>\"more\"</>\"primary\"<>\"before\"\"after\"</></>"
    );
    assert_eq!((selected.get(), focused.get()), (1, 7));

    let view = view! { <Button label="Stop" scale=1.0 hint="x" on_select={|_| ()}>"only"</Button> };
    assert_eq!(view.render(), "<>\"Stop\"\"no icon\"\"1\"\"X\"()\"\"\"only\"</>");
}

/// Builds its content twice.
#[component]
fn Twice(children: ChildrenFn) -> impl IntoView {
    View::fragment(vec![children.build(), children.build()])
}

/// Never builds its content.
#[component]
fn Hidden(children: Children) -> View {
    drop(children);
    View::empty()
}

#[test]
fn content_is_built_when_the_component_asks() {
    use std::cell::Cell;
    use std::rc::Rc;

    let built = Rc::new(Cell::new(0));
    let b = built.clone();
    let view = view! { <Twice>{ b.set(b.get() + 1); "x" }</Twice> };
    assert_eq!(view.render(), "<>\"x\"\"x\"</>");
    assert_eq!(built.get(), 2);

    let b = built.clone();
    let view = view! { <Hidden>{ b.set(b.get() + 1); "x" }</Hidden> };
    assert_eq!(view, View::Empty);
    assert_eq!(built.get(), 2);
}

#[test]
fn a_prop_may_be_called_props() {
    #[component]
    fn Echo(props: String, mut count: u32) -> View {
        count += 1;
        format!("{props}{count}").into_view()
    }
    assert_eq!(view! { <Echo props="n" count=1 /> }, View::Text("n2".into()));
}
