//! The first frame prepared in `touchline_init` (so start-up snapshots hold a laid-out page):
//! the host receives exactly what it would have without it — every list byte, glyph upload
//! and request — while the layout, encoding and rasterizing already happened.

use touchline_abi::{Event, Key, Request, read_requests};
use touchline_engine::text::GlyphAtlas;
use touchline_ui::App;
use touchline_ui::components::{Image, ImageProps};
use touchline_ui::prelude::*;

const FRAME: u64 = 16_667;

/// Focusable tiles with text of two sizes, one of them bold, and an image: everything whose
/// output a prepared frame must hold back (glyph uploads, image loads).
fn page() -> View {
    let chosen = signal(String::from("nobody"));
    view! {
        <column gap=24 padding=40>
            <text size=48.0 bold>"Who's watching?"</text>
            <row gap=16>
                <For each={|| vec!["Alex", "Sam", "Robin"]} key={|name: &&str| *name}
                     view={move |name: &'static str| view! {
                         <column focusable on_select={move || chosen.set(name.to_owned())} padding=12>
                             <text size=28.0>{name}</text>
                         </column>
                     }} />
            </row>
            <Image src="images/crest.png" width=120.0 height=80.0 />
            <text size=20.0>{move || format!("Chosen: {}", chosen.get())}</text>
        </column>
    }
}

/// What the host receives from one frame: the display list and the requests.
#[derive(Debug, PartialEq)]
struct Output {
    list: Vec<u8>,
    requests: Vec<String>,
}

fn run(app: &mut App, frame: u64, events: &[Event]) -> Output {
    let list = app.frame(frame * FRAME, events, &[]).to_vec();
    let requests = read_requests(app.engine().requests())
        .map(|r| match r.expect("valid requests") {
            Request::LoadImage { url, .. } => format!("load {url}"),
            other => format!("{other:?}"),
        })
        .collect();
    Output { list, requests }
}

fn keys(key: Key) -> [Event; 2] {
    [Event::key_down(key), Event::key_up(key)]
}

#[test]
fn a_prepared_first_frame_hands_the_host_exactly_what_an_unprepared_one_does() {
    let mut plain = App::new(960, 540, page).expect("app starts");
    let mut prepared = App::new(960, 540, page).expect("app starts");
    prepared.prepare_first_frame();

    let script: Vec<Vec<Event>> = vec![
        vec![],
        vec![],
        keys(Key::Right).to_vec(),
        vec![],
        keys(Key::Select).to_vec(),
        vec![],
        keys(Key::Right).to_vec(),
        keys(Key::Select).to_vec(),
        vec![],
    ];
    for (frame, events) in script.iter().enumerate() {
        let (a, b) = (run(&mut plain, frame as u64, events), run(&mut prepared, frame as u64, events));
        assert_eq!(a, b, "frame {frame}: the host must not tell the two apart");
        if frame == 0 {
            assert!(a.requests.contains(&"load images/crest.png".to_owned()), "{:?}", a.requests);
            assert!(!a.list.is_empty());
        }
    }
    assert_eq!(prepared.engine().texts(), ["Who's watching?", "Alex", "Sam", "Robin", "Chosen: Robin"]);
}

#[test]
fn preparing_does_the_first_frames_work_ahead() {
    let mut plain = App::new(960, 540, page).expect("app starts");
    let mut prepared = App::new(960, 540, page).expect("app starts");
    assert_eq!(prepared.engine().stats().glyphs, 0, "nothing rasterized before preparing");
    prepared.prepare_first_frame();
    let ahead = prepared.engine().stats();
    assert!(ahead.glyphs > 0 && ahead.nodes > 0, "glyphs rasterized and nodes laid out: {ahead:?}");
    assert!(prepared.engine().focused().is_some(), "the first focus is placed");

    run(&mut plain, 0, &[]);
    run(&mut prepared, 0, &[]);
    let (plain_encoded, prepared_encoded) =
        (plain.engine().stats().render.encoded, prepared.engine().stats().render.encoded);
    // The image asked for in the prepared frame is loading now: its node alone paints again.
    assert!(plain_encoded >= 8 && prepared_encoded <= 1, "encoded: {plain_encoded} vs {prepared_encoded}");
    assert_eq!(prepared.engine().stats().glyphs, ahead.glyphs, "no glyph rasterized in the first frame");
}

#[test]
fn text_that_changes_later_finds_its_glyphs_rasterized_ahead() {
    let ahead = |app: &App| app.engine().world().resource::<GlyphAtlas>().ahead_count();
    let mut app = App::new(960, 540, page).expect("app starts");
    app.prepare_first_frame();
    run(&mut app, 0, &[]);
    let (placed, waiting) = (app.engine().stats().glyphs, ahead(&app));
    assert!(waiting >= 90, "printable ASCII in the page's small styles: {waiting}");
    run(&mut app, 1, &keys(Key::Right));
    run(&mut app, 2, &keys(Key::Select));
    assert_eq!(app.engine().texts().last().map(String::as_str), Some("Chosen: Sam"));
    let new = app.engine().stats().glyphs - placed;
    assert!(new > 0, "'S' and 'm' at 20 px were not on the page");
    assert_eq!(waiting - ahead(&app), new as usize, "every new glyph came from those rasterized ahead");
}

#[test]
fn preparing_twice_or_after_a_frame_changes_nothing() {
    let mut app = App::new(960, 540, page).expect("app starts");
    app.prepare_first_frame();
    app.prepare_first_frame();
    let first = run(&mut app, 0, &[]);
    assert!(!first.list.is_empty() && first.requests.contains(&"load images/crest.png".to_owned()));
    app.prepare_first_frame();
    let second = run(&mut app, 1, &[]);
    assert!(second.requests.is_empty(), "the image was asked for once: {:?}", second.requests);
}

/// A tile that says when it has focus: its handler runs in the first frame when prepared.
fn focus_page() -> View {
    let focused = signal(false);
    view! {
        <column>
            <column focusable on_focus={move || focused.set(true)} padding=12>
                <text>{move || if focused.get() { "focused" } else { "waiting" }}</text>
            </column>
        </column>
    }
}

#[test]
fn the_first_focus_reaches_handlers_in_the_first_frame() {
    let mut plain = App::new(640, 360, focus_page).expect("app starts");
    let mut prepared = App::new(640, 360, focus_page).expect("app starts");
    prepared.prepare_first_frame();
    run(&mut plain, 0, &[]);
    run(&mut prepared, 0, &[]);
    assert_eq!(plain.engine().texts(), ["waiting"], "without preparing, focus is placed by frame 0's layout");
    assert_eq!(prepared.engine().texts(), ["focused"]);
    run(&mut plain, 1, &[]);
    assert_eq!(plain.engine().texts(), ["focused"]);
}
