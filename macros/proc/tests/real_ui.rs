//! `#[component]` and `view!` against the real `touchline_ui`: the props struct derives the builder
//! re-exported under `touchline_ui::__private` (this crate has no direct `typed-builder` dependency
//! in scope here), and the setters convert into the runtime's own `Prop`, `Callback`, `Children`
//! and `ChildrenFn`. Real views are opaque, so the checks go through their `Debug` output.

#![allow(missing_docs)]

use std::cell::Cell;
use std::rc::Rc;

use touchline_macros::component;
use touchline_ui::{Callback, Children, ChildrenFn, For, ForProps, IntoView, NodeRef, Prop, View, view};

fn text(prop: Prop<String>) -> String {
    match prop {
        Prop::Static(text) => text,
        Prop::Dynamic(compute) => compute(),
    }
}

/// A button: every kind of prop, shown in turn.
#[component]
pub fn Button(
    /// What it says: a value or a closure.
    label: Prop<String>,
    /// An icon before the label.
    #[prop(optional)]
    icon: Option<String>,
    /// Its size.
    #[prop(default = 1.5)]
    scale: f32,
    /// Said to screen readers.
    #[prop(into)]
    hint: String,
    /// Called on OK.
    on_select: Callback,
    /// Called with the index on focus.
    #[prop(optional)]
    on_focus: Option<Callback<u32>>,
    /// Greyed out.
    #[prop(optional)]
    disabled: bool,
    /// Under the label.
    #[prop(optional)]
    actions: Children,
    /// What the tag encloses.
    children: Children,
) -> View {
    on_select.call(());
    if let Some(on_focus) = &on_focus {
        on_focus.call(3);
    }
    View::fragment(vec![
        text(label).into_view(),
        icon.into_view(),
        scale.into_view(),
        hint.into_view(),
        disabled.then_some("disabled").into_view(),
        actions.into_view(),
        children.into_view(),
    ])
}

#[test]
fn props_slots_and_children() {
    let selected = Rc::new(Cell::new(0));
    let focused = Rc::new(Cell::new(0));
    let (s, f) = (selected.clone(), focused.clone());
    let view = view! {
        <Button label="Play" icon={String::new()} hint="Starts" disabled
            on_select={move |_| s.set(s.get() + 1)} on_focus={move |i| f.set(i)}>
            "now"
            <slot:actions>"Trailer" "Info"</slot:actions>
        </Button>
    };
    assert_eq!(
        format!("{view:?}"),
        r#"Fragment([Text("Play"), Text(""), Text("1.5"), Text("Starts"), Text("disabled"), Fragment([Text("Trailer"), Text("Info")]), Text("now")])"#
    );
    assert_eq!((selected.get(), focused.get()), (1, 3));

    // Optional props left out; a closure for a `Prop`; an element as the only child.
    let view = view! {
        <Button label={|| "Later".to_string()} scale=2.0 hint={String::from("h")} on_select={|()| ()}>
            <row />
        </Button>
    };
    assert_eq!(
        format!("{view:?}"),
        r#"Fragment([Text("Later"), Empty, Text("2"), Text("h"), Empty, Empty, Element])"#
    );
}

/// Shows its content twice.
#[component]
fn Twice(children: ChildrenFn) -> impl IntoView {
    View::fragment(vec![children.build(), children.build()])
}

/// Takes content but never shows it.
#[component]
fn Hidden(children: Children) -> View {
    drop(children);
    View::empty()
}

#[test]
fn content_is_built_when_the_component_asks() {
    let built = Rc::new(Cell::new(0));
    let b = built.clone();
    let view = view! { <Twice>{ b.set(b.get() + 1); "x" }</Twice> };
    assert_eq!(format!("{view:?}"), r#"Fragment([Text("x"), Text("x")])"#);
    assert_eq!(built.get(), 2);

    let b = built.clone();
    let view = view! { <Hidden>{ b.set(b.get() + 1); "x" }</Hidden> };
    assert_eq!(format!("{view:?}"), "Empty");
    assert_eq!(built.get(), 2);
}

/// A return type may be left out: the body's value becomes a view.
#[component]
fn Greeting(name: String) {
    format!("Hello, {name}")
}

/// Keyword props are set with keyword attributes.
#[component]
fn Field(r#type: String, #[prop(optional)] r#ref: Option<u32>) -> View {
    format!("{type}{ref:?}", type = r#type, ref = r#ref).into_view()
}

#[test]
fn no_return_type_and_keyword_props() {
    assert_eq!(format!("{:?}", view! { <Greeting name="Ana" /> }), r#"Text("Hello, Ana")"#);
    assert_eq!(format!("{:?}", view! { <Field type="pin" ref=4 /> }), r#"Text("pinSome(4)")"#);
}

#[test]
fn components_nest_and_elements_take_refs() {
    let node = NodeRef::new();
    let view = view! {
        <column ref={&node}>
            <Twice><Greeting name="Ben" /></Twice>
        </column>
    };
    assert_eq!(format!("{view:?}"), "Element");
    assert!(!node.is_mounted());
}

#[test]
fn the_runtime_for_component_takes_the_builder_shape() {
    let view = view! {
        <For each={|| vec![1, 2]} key={|i: &u32| *i} view={|i: u32| i} />
    };
    assert_eq!(format!("{view:?}"), "List");
}
