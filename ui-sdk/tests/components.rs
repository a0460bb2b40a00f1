//! Deferred, Modal, Rail and Button on a real app.

mod support;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use touchline_abi::{Event, Key};
use touchline_ui::components::{
    Button, ButtonProps, Deferred, DeferredProps, Modal, ModalProps, Rail, RailProps,
};
use touchline_ui::prelude::*;
use touchline_ui::{App, sleep};

const FRAME: u64 = 16_667;

struct Rig {
    app: App,
    frame: u64,
}

impl Rig {
    fn new<S: Clone + 'static>(
        state: impl FnOnce() -> S + 'static,
        view: impl FnOnce(S) -> View + 'static,
    ) -> (Self, S) {
        let (app, state) = support::app_with_state(1920, 1080, state, view);
        let mut rig = Rig { app, frame: 0 };
        rig.idle(2);
        (rig, state)
    }

    fn idle(&mut self, frames: u32) {
        for _ in 0..frames {
            self.frame += 1;
            self.app.frame(self.frame * FRAME, &[], &[]);
        }
    }

    /// Presses a key and runs the frames that show its effect.
    fn tap(&mut self, key: Key) {
        self.frame += 1;
        self.app.frame(self.frame * FRAME, &[Event::key_down(key), Event::key_up(key)], &[]);
        self.idle(2);
    }

    /// Presses a key and lets animations settle.
    fn press(&mut self, key: Key) {
        self.tap(key);
        self.idle(18);
    }

    fn texts(&self) -> Vec<String> {
        self.app.engine().texts()
    }

    fn focused(&self) -> String {
        self.app.engine().focused_text().unwrap_or_default()
    }
}

#[test]
fn deferred_shows_fallback_then_content_then_error_with_retry() {
    // The first load succeeds, a reload fails, the retry succeeds.
    let attempts = Rc::new(Cell::new(0));
    let a = attempts.clone();
    let (mut rig, reload) = Rig::new(
        || signal(0u32),
        move |reload| {
            let a = a.clone();
            view! {
                <column>
                    <Button label="reload" on_select={move |()| reload.update(|r| *r += 1)} />
                    {move || {
                        reload.get();
                        let a = a.clone();
                        view! {
                            <Deferred
                                load={move || {
                                    let n = a.get() + 1;
                                    a.set(n);
                                    async move {
                                        sleep(Duration::from_millis(200)).await;
                                        if n == 2 { Err(String::from("offline")) } else { Ok(vec!["France", "Croatia"]) }
                                    }
                                }}
                                fallback={|| view! { <text>"spinner"</text> }}
                                view={|teams: Vec<&'static str>| view! {
                                    <row>{teams.into_iter().map(|t| view! { <r#box focusable><text>{t}</text></r#box> }).collect::<Vec<_>>()}</row>
                                }} />
                        }
                    }}
                </column>
            }
        },
    );
    assert_eq!(rig.texts(), ["reload", "spinner"], "fallback while loading");
    rig.idle(15);
    assert_eq!(rig.texts(), ["reload", "France", "Croatia"], "then the content");
    reload.set(1);
    rig.idle(1);
    assert_eq!(rig.texts(), ["reload", "spinner"]);
    rig.idle(15);
    let texts = rig.texts();
    assert_eq!(texts[1], "Could not load: offline", "then the error");
    assert_eq!(texts[2], "Retry");
    assert_eq!(attempts.get(), 2);
    rig.press(Key::Down);
    assert_eq!(rig.focused(), "Retry");
    rig.tap(Key::Select);
    assert_eq!(rig.texts(), ["reload", "spinner"], "retry loads again");
    rig.idle(15);
    assert_eq!(rig.texts(), ["reload", "France", "Croatia"]);
    assert_eq!(attempts.get(), 3);
    assert_eq!(rig.focused(), "France", "focus on Retry moved into the content");
}

#[test]
fn a_deferred_that_unmounts_cancels_its_load() {
    let (mut rig, show) = Rig::new(
        || signal(true),
        |show| {
            View::dynamic(move || {
                show.get().then(|| {
                    view! {
                        <Deferred load={|| async { sleep(Duration::from_secs(5)).await; Ok::<u32, String>(1) }}
                                  view={|n: u32| n.to_string()} />
                    }
                })
            })
        },
    );
    assert_eq!(rig.app.stats().live_tasks, 1);
    show.set(false);
    rig.idle(1);
    assert_eq!(rig.app.stats().live_tasks, 0);
    assert_eq!(rig.app.stats().timers, 0);
}

#[test]
fn a_modal_keeps_focus_inside_closes_on_back_and_gives_focus_back() {
    let (mut rig, open) = Rig::new(
        || signal(false),
        |open| {
            view! {
                <column>
                    <row gap=20>
                        <Button label="one" on_select={|()| {}} />
                        <Button label="quit" on_select={move |()| open.set(true)} />
                    </row>
                    <Modal open={open} title="Quit watching?">
                        <text>"Your place is saved."</text>
                        <slot:actions>
                            <Button label="Stay" on_select={move |()| open.set(false)} />
                            <Button label="Quit" on_select={|()| {}} />
                        </slot:actions>
                    </Modal>
                </column>
            }
        },
    );
    assert!(!rig.texts().contains(&"Quit watching?".to_owned()), "closed: not shown");
    rig.press(Key::Right);
    assert_eq!(rig.focused(), "quit");
    rig.press(Key::Select);
    assert!(open.get());
    assert!(rig.texts().contains(&"Quit watching?".to_owned()));
    assert_eq!(rig.focused(), "Stay", "focus moved into the dialog");
    for key in [Key::Up, Key::Left, Key::Down] {
        rig.press(key);
        assert_eq!(rig.focused(), "Stay", "{key:?} stays inside");
    }
    rig.press(Key::Right);
    assert_eq!(rig.focused(), "Quit");
    rig.press(Key::Back);
    assert!(!open.get(), "Back closes");
    assert_eq!(rig.focused(), "quit", "focus went back to the opener");
}

#[test]
fn a_rail_of_ten_thousand_items_mounts_its_pool_only_and_recycles() {
    let (mut rig, picked) = Rig::new(
        || signal(None::<usize>),
        |picked| {
            view! {
                <column width={Length::Percent(1.0)}>
                    <Rail count=10_000 item_width=280.0 item_height=160.0 pool=10 label="Latest"
                          on_select={move |i| picked.set(Some(i))}
                          view={|item: Memo<usize>| view! { <text>{move || format!("match {}", item.get())}</text> }} />
                </column>
            }
        },
    );
    let nodes = rig.app.engine().stats().nodes;
    assert!(nodes < 40, "{nodes} nodes for 10,000 items");
    assert_eq!(rig.focused(), "match 0");
    for _ in 0..25 {
        rig.press(Key::Right);
    }
    assert_eq!(rig.focused(), "match 25");
    assert_eq!(rig.app.engine().stats().nodes, nodes, "tiles were recycled, not added");
    rig.press(Key::Select);
    assert_eq!(picked.get(), Some(25));
    let texts = rig.texts();
    assert!(texts.contains(&"match 21".to_owned()) && !texts.contains(&"match 3".to_owned()), "{texts:?}");
}

#[test]
fn buttons_follow_the_theme_and_disabled_ones_take_no_focus() {
    let (mut rig, disabled) = Rig::new(
        || signal(true),
        |disabled| {
            view! {
                <row gap=20>
                    <Button label="a" on_select={|()| {}} />
                    <Button label="b" disabled={move || disabled.get()} on_select={|()| {}} />
                </row>
            }
        },
    );
    rig.press(Key::Right);
    assert_eq!(rig.focused(), "a", "b is disabled");
    disabled.set(false);
    rig.idle(1);
    rig.press(Key::Right);
    assert_eq!(rig.focused(), "b");
}
