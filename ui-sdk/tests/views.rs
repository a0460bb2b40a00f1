//! Dynamic views and keyed lists mounted in a real app: what is on screen follows signals,
//! reorders move nodes, and removed views take their scopes with them.

mod support;

use std::cell::Cell;
use std::rc::Rc;

use touchline_abi::{Event, Key};
use touchline_ui::prelude::*;
use touchline_ui::{App, For, NodeRef, keyed};

const FRAME: u64 = 16_667;

struct Rig {
    app: App,
    frame: u64,
}

impl Rig {
    /// Starts an app whose root `view` builds from `state`, made inside the app's runtime and
    /// handed back so the test can change it.
    fn new<S: Clone + 'static>(
        state: impl FnOnce() -> S + 'static,
        view: impl FnOnce(S) -> View + 'static,
    ) -> (Self, S) {
        let (app, state) = support::app_with_state(640, 360, state, view);
        let mut rig = Rig { app, frame: 0 };
        rig.step(&[]);
        (rig, state)
    }

    fn step(&mut self, events: &[Event]) {
        self.frame += 1;
        self.app.frame(self.frame * FRAME, events, &[]);
    }

    fn press(&mut self, key: Key) {
        self.step(&[Event::key_down(key), Event::key_up(key)]);
        self.step(&[]);
    }

    fn texts(&self) -> Vec<String> {
        self.app.engine().texts()
    }
}

#[test]
fn a_dynamic_view_follows_its_signal_and_text_updates_in_place() {
    let (mut rig, (show, count)) = Rig::new(
        || (signal(true), signal(0)),
        |(show, count)| {
            view! {
                <column>
                    <text>"header"</text>
                    {move || if show.get() { view! { <text>"shown"</text> } } else { view! { <text>"hidden"</text> } }}
                    {move || format!("count {}", count.get())}
                    <text>"footer"</text>
                </column>
            }
        },
    );
    assert_eq!(rig.texts(), ["header", "shown", "count 0", "footer"]);
    show.set(false);
    rig.step(&[]);
    assert_eq!(rig.texts(), ["header", "hidden", "count 0", "footer"], "order kept between the markers");
    let before: Vec<_> = rig.app.engine().paint_order().to_vec();
    count.set(5);
    rig.step(&[]);
    assert_eq!(rig.texts(), ["header", "hidden", "count 5", "footer"]);
    assert_eq!(rig.app.engine().paint_order(), &before[..], "text changed in place: same nodes");
}

#[test]
fn a_keyed_list_reorder_moves_nodes_and_keeps_their_identity() {
    let built = Rc::new(Cell::new(0));
    let refs: Rc<Vec<NodeRef>> = Rc::new((0..10).map(|_| NodeRef::new()).collect());
    let (b, r) = (built.clone(), refs.clone());
    let (mut rig, items) = Rig::new(
        || signal(vec![1u32, 2, 3, 4]),
        move |items| {
            view! {
                <column>
                    <For each={move || items.get()} key={|i: &u32| *i}
                         view={move |i: u32| { b.set(b.get() + 1); view! { <text ref={&r[i as usize]}>{format!("item {i}")}</text> } }} />
                    <text>"end"</text>
                </column>
            }
        },
    );
    assert_eq!(rig.texts(), ["item 1", "item 2", "item 3", "item 4", "end"]);
    assert_eq!(built.get(), 4);
    let node_of = |i: usize| refs[i].node().expect("mounted");
    let (n1, n3) = (node_of(1), node_of(3));
    items.set(vec![3, 1, 4, 2]);
    rig.step(&[]);
    assert_eq!(rig.texts(), ["item 3", "item 1", "item 4", "item 2", "end"]);
    assert_eq!(built.get(), 4, "a reorder builds nothing");
    assert_eq!((node_of(1), node_of(3)), (n1, n3), "same entities, moved");
    items.set(vec![4, 5, 1]);
    rig.step(&[]);
    assert_eq!(rig.texts(), ["item 4", "item 5", "item 1", "end"]);
    assert_eq!(built.get(), 5, "only the new key builds");
    assert!(!refs[2].is_mounted() && !refs[3].is_mounted(), "removed items are unmounted");
    items.set(vec![]);
    rig.step(&[]);
    assert_eq!(rig.texts(), ["end"]);
    items.set(vec![7, 6]);
    rig.step(&[]);
    assert_eq!(rig.texts(), ["item 7", "item 6", "end"]);
}

#[test]
fn keyed_lists_show_duplicate_keys_once() {
    let (rig, _) = Rig::new(
        || signal(vec![1u32, 1, 2]),
        |items| keyed(move || items.get(), |i| *i, |i| view! { <text>{i.to_string()}</text> }),
    );
    assert_eq!(rig.texts(), ["1", "2"]);
}

#[test]
fn a_removed_view_disposes_its_scope() {
    let inner: Rc<Cell<Option<Signal<u32>>>> = Rc::new(Cell::new(None));
    let runs = Rc::new(Cell::new(0));
    let (slot, r) = (inner.clone(), runs.clone());
    let (mut rig, show) = Rig::new(
        || signal(true),
        move |show| {
            View::dynamic(move || {
                if !show.get() {
                    return View::empty();
                }
                let local = signal(1u32);
                slot.set(Some(local));
                let r = r.clone();
                effect(move || {
                    local.get();
                    r.set(r.get() + 1);
                });
                view! { <text>{move || local.get().to_string()}</text> }
            })
        },
    );
    let local = inner.get().expect("built");
    local.set(2);
    rig.step(&[]);
    assert_eq!(rig.texts(), ["2"]);
    assert_eq!(runs.get(), 2);
    show.set(false);
    rig.step(&[]);
    assert!(local.is_disposed(), "the signal went with its view");
    assert_eq!(rig.texts(), Vec::<String>::new());
    assert_eq!(runs.get(), 2, "its effect is gone too");
}

#[test]
fn key_handlers_see_keys_innermost_first_and_can_consume_them() {
    let (mut rig, log) = Rig::new(
        || signal(Vec::<String>::new()),
        |log| {
            view! {
                <row on_key={move |k: KeyPress| { if k.phase == KeyPhase::Down { log.update(|l| l.push(format!("row {:?}", k.key))); } false }}>
                    <r#box width=100 height=100 focusable
                         on_key={move |k: KeyPress| { if k.phase == KeyPhase::Down { log.update(|l| l.push(format!("a {:?}", k.key))); } k.key == Key::Right }} />
                    <r#box width=100 height=100 focusable />
                </row>
            }
        },
    );
    let first = rig.app.engine().focused();
    rig.press(Key::Right);
    assert_eq!(rig.app.engine().focused(), first, "the inner handler consumed Right");
    rig.press(Key::Left);
    assert_eq!(log.get(), ["a Right", "a Left", "row Left"]);
}

#[test]
fn hidden_elements_take_no_focus_and_show_again() {
    let (mut rig, open) = Rig::new(
        || signal(false),
        |open| {
            view! {
                <row>
                    <r#box width=100 height=100 focusable />
                    <column visible={move || open.get()}><text>"panel"</text><r#box width=100 height=100 focusable /></column>
                </row>
            }
        },
    );
    assert_eq!(rig.texts(), Vec::<String>::new());
    let first = rig.app.engine().focused();
    rig.press(Key::Right);
    assert_eq!(rig.app.engine().focused(), first, "nothing to the right while hidden");
    open.set(true);
    rig.step(&[]);
    assert_eq!(rig.texts(), ["panel"]);
    rig.press(Key::Right);
    assert_ne!(rig.app.engine().focused(), first);
}
