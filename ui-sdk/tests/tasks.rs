//! Tasks, timers and fetch in a real app: frame time drives timers, a task dies with its
//! component, and fetch answers arrive as host events with typed errors.

mod support;

use std::time::Duration;

use touchline_abi::{FetchError as HostFetchError, HostInput, Request, read_requests};
use touchline_ui::prelude::*;
use touchline_ui::{App, FetchError, fetch, fetch_json, fetch_with_timeout, interval, sleep};

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
        let (app, state) = support::app_with_state(640, 360, state, view);
        (Rig { app, frame: 0 }, state)
    }

    fn step(&mut self) {
        self.step_with(&HostInput::new());
    }

    fn step_with(&mut self, input: &HostInput) {
        self.app.frame(self.frame * FRAME, &input.events, &input.payload);
        self.frame += 1;
    }

    /// The fetches (id, url) and cancellations the last frame asked of the host.
    fn requests(&self) -> (Vec<(u32, String)>, Vec<u32>) {
        let (mut fetches, mut cancels) = (Vec::new(), Vec::new());
        for request in read_requests(self.app.engine().requests()) {
            match request.expect("well-formed requests") {
                Request::Fetch { id, url, .. } => fetches.push((id, url.to_owned())),
                Request::CancelFetch { id } => cancels.push(id),
                _ => {}
            }
        }
        (fetches, cancels)
    }
}

#[test]
fn timers_follow_frame_time() {
    let (mut rig, log) = Rig::new(
        || signal(Vec::<u64>::new()),
        |log| {
            spawn_local(async move {
                sleep(Duration::from_millis(100)).await;
                log.update(|l| l.push(touchline_ui::now_us()));
                let mut ticks = interval(Duration::from_millis(50));
                for _ in 0..3 {
                    ticks.tick().await;
                    log.update(|l| l.push(touchline_ui::now_us()));
                }
            });
            View::empty()
        },
    );
    for _ in 0..30 {
        rig.step();
    }
    // 100 ms is frame 6 (100.002 ms) at 60 Hz; each 50 ms tick lands on the first frame after.
    assert_eq!(log.get(), [6 * FRAME, 9 * FRAME, 12 * FRAME, 15 * FRAME]);
    assert_eq!(rig.app.stats().live_tasks, 0, "the task finished");
}

#[test]
fn a_task_is_cancelled_when_its_component_unmounts() {
    let (mut rig, (show, ticks)) = Rig::new(
        || (signal(true), signal(0u32)),
        |(show, ticks)| {
            View::dynamic(move || {
                if !show.get() {
                    return View::empty();
                }
                spawn_local(async move {
                    let mut every = interval(Duration::from_millis(16));
                    loop {
                        every.tick().await;
                        ticks.update(|t| *t += 1);
                    }
                });
                view! { <text>"ticking"</text> }
            })
        },
    );
    for _ in 0..10 {
        rig.step();
    }
    let before = ticks.get();
    assert!(before >= 8, "ticked {before} times");
    assert_eq!(rig.app.stats().live_tasks, 1);
    show.set(false);
    rig.step();
    for _ in 0..10 {
        rig.step();
    }
    assert_eq!(ticks.get(), before, "no tick after unmount");
    assert_eq!(rig.app.stats().live_tasks, 0);
    assert_eq!(rig.app.stats().timers, 0, "its timer went with it");
}

#[test]
fn fetch_sends_a_request_and_resolves_with_the_hosts_answer() {
    #[derive(serde::Deserialize, Debug, PartialEq, Clone)]
    struct Catalog {
        matches: Vec<String>,
    }
    let (mut rig, result) = Rig::new(
        || signal(None::<Result<Catalog, FetchError>>),
        |result| {
            spawn_local(async move { result.set(Some(fetch_json::<Catalog>("data/catalog.json").await)) });
            View::empty()
        },
    );
    rig.step();
    let (fetches, _) = rig.requests();
    assert_eq!(fetches.len(), 1);
    let (id, url) = &fetches[0];
    assert_eq!(url, "data/catalog.json");
    let mut input = HostInput::new();
    input.push_fetch_done(*id, 200, br#"{"matches":["fra-cro"]}"#);
    rig.step_with(&input);
    assert_eq!(result.get(), Some(Ok(Catalog { matches: vec!["fra-cro".into()] })));
}

#[test]
fn fetch_errors_are_typed() {
    let (mut rig, results) = Rig::new(
        || signal(Vec::<(usize, Result<u16, FetchError>)>::new()),
        |results| {
            for i in 0..5 {
                spawn_local(async move {
                    let r = match i {
                        4 => fetch_json::<Vec<u32>>("bad.json").await.map(|_| 0),
                        _ => fetch(format!("f{i}")).await.map(|r| r.status),
                    };
                    results.update(|v| v.push((i, r)));
                });
            }
            View::empty()
        },
    );
    rig.step();
    let (fetches, _) = rig.requests();
    let id = |url: &str| fetches.iter().find(|(_, u)| u == url).expect("asked").0;
    let mut input = HostInput::new();
    input.push_fetch_done(id("f0"), 404, b"");
    input.push_fetch_failed(id("f1"), HostFetchError::Timeout);
    input.push_fetch_failed(id("f2"), HostFetchError::Network);
    input.push_fetch_done(id("f3"), 500, b"oops");
    input.push_fetch_done(id("bad.json"), 200, b"{not json");
    rig.step_with(&input);
    let mut got = results.get();
    got.sort_by_key(|(i, _)| *i);
    assert_eq!(got[0], (0, Ok(404)), "any status is an answer to fetch");
    assert_eq!(got[1], (1, Err(FetchError::Timeout)));
    assert_eq!(got[2], (2, Err(FetchError::Network)));
    assert_eq!(got[3], (3, Ok(500)));
    assert!(matches!(got[4], (4, Err(FetchError::Decode(_)))), "{:?}", got[4]);
}

#[test]
fn a_body_running_past_the_payload_is_an_error_not_a_panic() {
    let (mut rig, result) = Rig::new(
        || signal(None::<Result<u16, FetchError>>),
        |result| {
            spawn_local(async move { result.set(Some(fetch("x").await.map(|r| r.status))) });
            View::empty()
        },
    );
    rig.step();
    let id = rig.requests().0[0].0;
    // A FetchDone claiming 100 bytes with a 4-byte payload.
    let events = [touchline_abi::Event::fetch_done(id, 200, 100)];
    rig.app.frame(rig.frame * FRAME, &events, b"abcd");
    assert!(matches!(result.get(), Some(Err(FetchError::Other(_)))), "{:?}", result.get());
}

#[test]
fn an_unanswered_fetch_times_out_on_frame_time() {
    let (mut rig, result) = Rig::new(
        || signal(None::<Result<u16, FetchError>>),
        |result| {
            spawn_local(async move {
                result
                    .set(Some(fetch_with_timeout("slow", Duration::from_millis(100)).await.map(|r| r.status)))
            });
            View::empty()
        },
    );
    // The bundle waits the timeout plus a second's grace for the host to say so itself.
    for _ in 0..60 {
        rig.step();
    }
    assert_eq!(result.get(), None);
    for _ in 0..10 {
        rig.step();
    }
    assert_eq!(result.get(), Some(Err(FetchError::Timeout)));
}

#[test]
fn unmounting_cancels_a_fetch_in_flight() {
    let (mut rig, show) = Rig::new(
        || signal(true),
        |show| {
            View::dynamic(move || {
                if show.get() {
                    spawn_local(async move {
                        let _ = fetch("big.json").await;
                    });
                }
                View::empty()
            })
        },
    );
    rig.step();
    let id = rig.requests().0[0].0;
    show.set(false);
    rig.step();
    assert_eq!(rig.requests().1, [id], "the host is told to stop");
    assert_eq!(rig.app.stats().fetches, 0);
    // A late answer for it is ignored.
    let mut input = HostInput::new();
    input.push_fetch_done(id, 200, b"late");
    rig.step_with(&input);
}
