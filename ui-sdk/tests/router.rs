//! The router on a real app: push shows the new page and focuses into it, back returns to
//! the node that had focus, pages below keep their state, the stack saves and restores.

use std::cell::RefCell;
use std::rc::Rc;

use touchline_abi::{Event, Key};
use touchline_ui::prelude::*;
use touchline_ui::{App, Route, Router, RouterError, use_router};

const FRAME: u64 = 16_667;

fn list_page(name: &'static str) -> View {
    let picks = signal(0u32);
    let tiles: Vec<View> = (0..4)
        .map(|i| {
            view! {
                <column width=120 height=80 focusable label={&format!("{name} {i}")}
                        on_select={move || { picks.update(|p| *p += 1); let _ = use_router_later(i); }}>
                    <text>{format!("{name} {i}")}</text>
                </column>
            }
        })
        .collect();
    view! {
        <column gap=10>
            <text>{move || format!("{name} picks {}", picks.get())}</text>
            <row gap=10>{tiles}</row>
        </column>
    }
}

thread_local! {
    static ROUTER: RefCell<Option<Router>> = const { RefCell::new(None) };
}

/// Pages push from their handlers through the router in context; the test keeps a handle.
fn use_router_later(i: u32) -> Result<(), RouterError> {
    ROUTER.with(|r| {
        r.borrow().as_ref().map(|r| r.push(Route::with("details", i.to_string()))).unwrap_or(Ok(()))
    })
}

struct Rig {
    app: App,
    frame: u64,
}

impl Rig {
    fn new() -> Self {
        let app = App::new(1280, 720, || {
            let router = Router::new(Route::new("home"))
                .page("home", |_| list_page("home"))
                .page("details", |route: &Route| {
                    let router = use_router();
                    let title = format!("details of {}", route.param());
                    view! {
                        <column>
                            <text>{title}</text>
                            <r#box width=200 height=60 focusable label="play" on_select={move || { router.back(); }} />
                        </column>
                    }
                });
            ROUTER.with(|r| *r.borrow_mut() = Some(router.clone()));
            router.view()
        })
        .expect("app starts");
        let mut rig = Rig { app, frame: 0 };
        rig.idle(2);
        rig
    }

    fn step(&mut self, events: &[Event]) {
        self.frame += 1;
        self.app.frame(self.frame * FRAME, events, &[]);
    }

    fn idle(&mut self, frames: u32) {
        for _ in 0..frames {
            self.step(&[]);
        }
    }

    fn press(&mut self, key: Key) {
        self.step(&[Event::key_down(key), Event::key_up(key)]);
        self.idle(30);
    }

    fn focused(&self) -> String {
        self.app.engine().focused_text().unwrap_or_default()
    }

    fn router(&self) -> Router {
        ROUTER.with(|r| r.borrow().clone().expect("router made"))
    }
}

#[test]
fn push_then_back_restores_focus_and_page_state() {
    let mut rig = Rig::new();
    assert_eq!(rig.focused(), "home 0");
    rig.press(Key::Right);
    rig.press(Key::Right);
    assert_eq!(rig.focused(), "home 2");
    rig.press(Key::Select);
    assert_eq!(rig.app.engine().texts(), ["details of 2"], "only the top page is shown");
    assert_eq!(rig.focused(), "", "focus went into the new page (its box has no text)");
    assert_eq!(rig.router().depth(), 2);
    rig.press(Key::Back);
    assert_eq!(rig.router().depth(), 1);
    assert_eq!(rig.focused(), "home 2", "back restores the node that had focus");
    assert!(rig.app.engine().texts().contains(&"home picks 1".to_owned()), "the page kept its state");
    assert_eq!(rig.app.engine().texts().len(), 5, "the leaving page is gone after its animation");
}

#[test]
fn select_on_the_details_page_goes_back_too() {
    let mut rig = Rig::new();
    rig.press(Key::Right);
    rig.press(Key::Select);
    rig.press(Key::Select);
    assert_eq!(rig.router().depth(), 1);
    assert_eq!(rig.focused(), "home 1");
}

#[test]
fn back_on_the_first_page_does_nothing() {
    let mut rig = Rig::new();
    assert!(!rig.router().back());
    rig.press(Key::Back);
    assert_eq!(rig.router().depth(), 1);
    assert_eq!(rig.focused(), "home 0");
}

#[test]
fn the_stack_saves_and_restores() {
    let mut rig = Rig::new();
    rig.press(Key::Right);
    rig.press(Key::Select);
    let saved = rig.router().save();
    assert_eq!(saved, r#"{"version":1,"stack":[{"page":"home"},{"page":"details","param":"1"}]}"#);
    let restored = Rc::new(RefCell::new(None));
    let out = restored.clone();
    let saved_copy = saved.clone();
    let mut fresh = App::new(1280, 720, move || {
        let router = Router::new(Route::new("home")).page("home", |_| list_page("home")).page(
            "details",
            |route: &Route| view! { <text>{format!("details of {}", route.param())}</text> },
        );
        *out.borrow_mut() = Some(router.restore(&saved_copy));
        router.view()
    })
    .expect("app starts");
    fresh.frame(0, &[], &[]);
    assert_eq!(restored.borrow().clone(), Some(Ok(())));
    assert_eq!(fresh.engine().texts(), ["details of 1"]);
}

#[test]
fn bad_saved_stacks_are_typed_errors() {
    let mut results = Vec::new();
    let app = App::new(320, 240, || {
        let router = Router::new(Route::new("home")).page("home", |_| View::empty());
        let out: Vec<Result<(), RouterError>> = [
            "not json",
            r#"{"version":9,"stack":[{"page":"home"}]}"#,
            r#"{"version":1,"stack":[]}"#,
            r#"{"version":1,"stack":[{"page":"nowhere"}]}"#,
        ]
        .iter()
        .map(|s| router.restore(s))
        .collect();
        RESULTS.with(|r| *r.borrow_mut() = out);
        assert!(matches!(router.push(Route::new("nowhere")), Err(RouterError::UnknownPage(_))));
        router.view()
    });
    assert!(app.is_ok());
    RESULTS.with(|r| results.extend(r.borrow().iter().cloned()));
    assert!(matches!(results[0], Err(RouterError::BadState(_))));
    assert_eq!(results[1], Err(RouterError::Version(9)));
    assert_eq!(results[2], Err(RouterError::Empty));
    assert_eq!(results[3], Err(RouterError::UnknownPage("nowhere".into())));
}

thread_local! {
    static RESULTS: RefCell<Vec<Result<(), RouterError>>> = const { RefCell::new(Vec::new()) };
}
