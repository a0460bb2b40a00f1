//! Crash recovery from the bundle's side (ABI 1.4): the app hands the host its page stack and
//! focus whenever they change, and a new instance given that state (`RestoreState`) puts the
//! user back on the same page, on the same node, with back still going where it went. The
//! bus: messages reach mounted handlers, malformed ones are counted, posts reach the host.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use touchline_abi::{BusSource, Event, HostInput, Key, Request, read_requests};
use touchline_ui::prelude::*;
use touchline_ui::{App, Route, Router, bus, sleep, use_router};

const FRAME: u64 = 16_667;

fn tiles(name: &'static str, on_select: impl Fn(u32) + Clone + 'static) -> Vec<View> {
    (0..4)
        .map(|i| {
            let on_select = on_select.clone();
            view! {
                <column width=120 height=80 focusable on_select={move || on_select(i)}>
                    <text>{format!("{name} {i}")}</text>
                </column>
            }
        })
        .collect()
}

/// Home: four tiles, each opening its details. Details: a title and three buttons that show
/// up only after a load (100 ms), like a page waiting for its data.
fn app() -> View {
    let router = Router::new(Route::new("home"))
        .page("home", |_| {
            let router = use_router();
            let open = move |i: u32| {
                let _ = router.push(Route::with("details", i.to_string()));
            };
            view! { <row gap=10>{tiles("home", open)}</row> }
        })
        .page("details", |route: &Route| {
            let loaded = signal(false);
            spawn_local(async move {
                sleep(Duration::from_millis(100)).await;
                loaded.set(true);
            });
            let title = format!("details of {}", route.param());
            view! {
                <column gap=10>
                    <text>{title}</text>
                    {move || if loaded.get() { view! { <row gap=10>{tiles("button", |_| {})}</row> } } else { View::empty() }}
                </column>
            }
        });
    router.view()
}

struct Rig {
    app: App,
    frame: u64,
    /// The last state the app handed over, as a host keeps it.
    saved: Option<Vec<u8>>,
    saves: u32,
    /// Bus messages the app posted, in order.
    posted: Vec<String>,
}

impl Rig {
    fn new(root: fn() -> View) -> Self {
        let app = App::new(1280, 720, root).expect("app starts");
        Rig { app, frame: 0, saved: None, saves: 0, posted: Vec::new() }
    }

    fn step_with(&mut self, input: &HostInput) {
        self.frame += 1;
        self.app.frame(self.frame * FRAME, &input.events, &input.payload);
        for request in read_requests(self.app.engine().requests()) {
            match request.expect("the app writes valid requests") {
                Request::SaveState { state } => {
                    self.saved = Some(state.to_vec());
                    self.saves += 1;
                }
                Request::PostMessage { text } => self.posted.push(text.to_owned()),
                _ => {}
            }
        }
    }

    fn idle(&mut self, frames: u32) {
        for _ in 0..frames {
            self.step_with(&HostInput::new());
        }
    }

    fn press(&mut self, key: Key) {
        let mut input = HostInput::new();
        input.push(Event::key_down(key));
        input.push(Event::key_up(key));
        self.step_with(&input);
        self.idle(30);
    }

    fn restore(&mut self, state: &[u8]) {
        let mut input = HostInput::new();
        input.push_restore_state(state).expect("fits");
        self.step_with(&input);
    }

    fn focused(&self) -> String {
        self.app.engine().focused_text().unwrap_or_default()
    }
}

#[test]
fn a_new_instance_restores_the_stack_and_focus_and_back_still_works() {
    let mut rig = Rig::new(app);
    rig.idle(2);
    rig.press(Key::Right);
    rig.press(Key::Right);
    rig.press(Key::Select);
    rig.press(Key::Right);
    assert_eq!(rig.focused(), "button 1");
    let saved = rig.saved.clone().expect("the app saved its state");
    let text = String::from_utf8(saved.clone()).expect("utf-8");
    assert!(text.contains(r#""stack":[{"page":"home"},{"page":"details","param":"2"}]"#), "{text}");

    // A new instance (the host restarted the bundle): the first frame carries the state.
    let mut fresh = Rig::new(app);
    fresh.restore(&saved);
    assert!(fresh.app.stats().restore.restored);
    assert_eq!(fresh.app.engine().texts(), ["details of 2"], "the details page is on screen at once");
    fresh.idle(10);
    assert_eq!(fresh.focused(), "button 1", "focus went back once the buttons loaded");
    assert!(fresh.app.stats().restore.focus_restored);
    fresh.press(Key::Back);
    assert_eq!(fresh.focused(), "home 2", "back goes to the tile that opened the page");
    // And the new instance saves in turn: what it saves now is the home page.
    let again = String::from_utf8(fresh.saved.clone().expect("saved")).expect("utf-8");
    assert!(
        again.contains(r#""stack":[{"page":"home"}]"#) && again.contains(r#""focus":[[0,2]]"#),
        "{again}"
    );
}

#[test]
fn state_is_saved_only_when_the_stack_or_focus_changes() {
    let mut rig = Rig::new(app);
    rig.idle(5);
    let after_start = rig.saves;
    assert!(after_start >= 1, "the first focus is saved");
    rig.idle(60);
    assert_eq!(rig.saves, after_start, "idle frames save nothing");
    rig.press(Key::Right);
    assert_eq!(rig.saves, after_start + 1, "a focus move saves once");
    rig.press(Key::Left);
    rig.press(Key::Left);
    assert_eq!(rig.saves, after_start + 2, "a key that moves nothing saves nothing");
}

#[test]
fn a_key_before_the_content_loads_cancels_the_focus_restore() {
    let mut rig = Rig::new(app);
    rig.idle(2);
    rig.press(Key::Select);
    rig.press(Key::Right);
    rig.press(Key::Right);
    let saved = rig.saved.clone().expect("saved");

    let mut fresh = Rig::new(app);
    fresh.restore(&saved);
    // The user presses a key while the buttons are still loading: they decide now, and
    // focus goes where it goes on a fresh page, not where it was.
    let mut input = HostInput::new();
    input.push(Event::key_down(Key::Down));
    input.push(Event::key_up(Key::Down));
    fresh.step_with(&input);
    fresh.idle(30);
    assert!(!fresh.app.stats().restore.focus_restored);
    assert_eq!(fresh.focused(), "button 0");
}

#[test]
fn unreadable_saved_states_are_refused_and_the_app_starts_fresh() {
    for bad in [
        &b"not json"[..],
        br#"{"version":2}"#,
        br#"{"version":1,"router":{"version":1,"stack":[]}}"#,
        br#"{"version":1,"router":{"version":1,"stack":[{"page":"nowhere"}]}}"#,
        br#"{"version":1,"router":{"version":1,"stack":[{"page":"home"}],"focus":[[99,4]]}}"#,
    ] {
        let mut rig = Rig::new(app);
        rig.restore(bad);
        rig.idle(5);
        assert_eq!(rig.focused(), "home 0", "{}", String::from_utf8_lossy(bad));
        let stats = rig.app.stats().restore;
        assert!(stats.refused || !stats.focus_restored, "{}", String::from_utf8_lossy(bad));
        rig.press(Key::Right);
        assert_eq!(rig.focused(), "home 1", "the app keeps running");
    }
}

thread_local! {
    static HEARD: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// A component listening to the bus while it is mounted, and replying to pings.
fn listener() -> View {
    let shown = signal(true);
    let listening = move || {
        if !shown.get() {
            return View::empty();
        }
        bus::on_message(|message| {
            HEARD.with(|h| h.borrow_mut().push(format!("{:?} {}", message.source, message.kind)));
            if message.kind == "ping" {
                bus::post("pong", &serde_json::json!({})).expect("posts");
            }
        });
        view! { <text>"listening"</text> }
    };
    let hide = Rc::new(move || shown.set(false));
    HIDE.with(|h| *h.borrow_mut() = Some(hide));
    view! { <column>{listening}</column> }
}

thread_local! {
    static HIDE: RefCell<Option<Rc<dyn Fn()>>> = RefCell::new(None);
}

#[test]
fn bus_messages_reach_mounted_handlers_and_posts_reach_the_host() {
    let mut rig = Rig::new(listener);
    rig.idle(1);
    let mut input = HostInput::new();
    input.push_bus_message(BusSource::Js, br#"{"type":"ping"}"#).expect("fits");
    input.push_bus_message(BusSource::Js, b"{not json").expect("fits");
    input.push_bus_message(BusSource::Js, br#"[1,2]"#).expect("fits");
    input.push_bus_message(BusSource::Host, br#"{"type":"crash","reason":"x"}"#).expect("fits");
    rig.step_with(&input);
    assert_eq!(HEARD.with(|h| h.borrow().clone()), ["Js ping", "Host crash"]);
    assert_eq!(rig.posted[0], r#"{"type":"pong"}"#);
    let logs: Vec<&String> =
        rig.posted[1..].iter().filter(|m| m.contains("dropped a malformed message")).collect();
    assert_eq!(logs.len(), 2, "each malformed message is reported to JS: {:?}", rig.posted);
    let stats = rig.app.stats().bus;
    assert_eq!((stats.received, stats.malformed, stats.posted), (2, 2, 3), "pong and two reports");
    // Unmounted, the handler hears nothing more.
    HIDE.with(|h| h.borrow().clone().expect("mounted"))();
    rig.idle(1);
    rig.step_with(&input);
    assert_eq!(HEARD.with(|h| h.borrow().len()), 2);
}

#[test]
fn posts_are_bounded_and_must_have_a_type() {
    let mut rig = Rig::new(|| {
        let big = "x".repeat(bus::MAX_BUS_MESSAGE_BYTES as usize);
        let results = [
            bus::post("ok", &serde_json::json!({})),
            bus::post("big", &serde_json::json!({ "data": big })),
            bus::post("", &serde_json::json!({ "no": "type" })),
            bus::post("string", &"just a string"),
        ];
        RESULTS.with(|r| *r.borrow_mut() = results.to_vec());
        View::empty()
    });
    rig.idle(1);
    let results = RESULTS.with(|r| r.borrow().clone());
    assert_eq!(results[0], Ok(()));
    assert!(matches!(results[1], Err(bus::BusError::TooLarge(n)) if n > 65536));
    assert_eq!(results[2], Err(bus::BusError::NoType));
    assert_eq!(results[3], Err(bus::BusError::NoType));
    assert_eq!(rig.posted, [r#"{"type":"ok"}"#]);
}

thread_local! {
    static RESULTS: RefCell<Vec<Result<(), bus::BusError>>> = const { RefCell::new(Vec::new()) };
}

#[test]
fn the_router_mirrors_its_history_and_page_views_on_the_bus() {
    let mut rig = Rig::new(app);
    rig.idle(2);
    rig.press(Key::Select);
    rig.press(Key::Back);
    let history: Vec<&String> = rig.posted.iter().filter(|m| m.contains(r#""type":"history""#)).collect();
    assert_eq!(history.len(), 3, "{:?}", rig.posted);
    assert!(history[1].contains(r#"{"page":"details","param":"0"}"#));
    let views = rig.posted.iter().filter(|m| m.contains("page_view")).count();
    assert_eq!(views, 3, "home, details, home again");
}
