//! A page plays a video through the desktop host (ABI 1.6 end to end, natively): the SDK's
//! player opens and plays it, the host's clock moves it on with frame time, and the screen
//! shows the picture of the second the position is in, under the page's UI.

use std::cell::Cell;
use std::rc::Rc;

use touchline::NativeApp;
use touchline::desktop::session::{RunOptions, Session};
use touchline::desktop::video::write_test_pattern;
use touchline::ui::components::{VideoSurface, VideoSurfaceProps};
use touchline::ui::prelude::*;
use touchline::ui::{VideoStatus, video_player};

/// One colour per second of the test video.
const SECONDS: [[u8; 3]; 4] = [[220, 30, 30], [30, 200, 40], [30, 40, 220], [240, 240, 240]];
const FRAME_US: u64 = 16_667;

/// A full-screen video that plays as soon as it is ready, with a white badge over it.
fn page(status: Rc<Cell<Option<Signal<String>>>>) -> View {
    let player = video_player();
    player.open("clip.webm");
    effect(move || {
        if player.status() == VideoStatus::Ready {
            player.play();
        }
    });
    let shown = memo(move || format!("{:?} {:.1}", player.status(), player.position_s()));
    let text = signal(String::new());
    effect(move || text.set(shown.get()));
    status.set(Some(text));
    view! {
        <VideoSurface width=320.0 height=180.0>
            <r#box absolute top=0 left=0 width=8 height=8 background={Color::rgb(255, 255, 255)} />
        </VideoSurface>
    }
}

fn pixel(session: &Session, x: u32, y: u32) -> [u8; 3] {
    let pixel = session.renderer().pixmap().pixel(x, y).expect("inside");
    [pixel.red(), pixel.green(), pixel.blue()]
}

fn near(actual: [u8; 3], expected: [u8; 3]) -> bool {
    actual.iter().zip(expected).all(|(a, e)| a.abs_diff(e) <= 24)
}

#[test]
fn the_picture_follows_the_frame_clock_under_the_ui() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_test_pattern(&dir.path().join("clip.webm"), &SECONDS, 10, (64, 36)).expect("test video");
    let status = Rc::new(Cell::new(None));
    let slot = status.clone();
    let app = NativeApp::new(320, 180, move || page(slot)).expect("app");
    let options = RunOptions {
        headless: true,
        size: (320, 180),
        quiet: true,
        assets: dir.path().to_owned(),
        ..RunOptions::default()
    };
    let mut session = Session::new(Box::new(app), options, std::time::Instant::now()).expect("session");
    let text = || status.get().expect("the page ran").get_untracked();

    // Frame 0 asks to open; frame 1 brings Ready and the page asks to play; from frame 2 on
    // the position moves by one frame time per frame.
    for index in 0..3u64 {
        session.step(index * FRAME_US, &[]).expect("frame");
    }
    assert_eq!(text(), "Playing 0.0");
    let mut index = 3u64;
    for (second, colour) in SECONDS.iter().enumerate().take(3) {
        // The middle of each second.
        let target_us = 2 * FRAME_US + (second as u64 * 1_000_000) + 500_000;
        while index * FRAME_US <= target_us {
            session.step(index * FRAME_US, &[]).expect("frame");
            index += 1;
        }
        let shown = pixel(&session, 160, 90);
        assert!(near(shown, *colour), "second {second} ({}): {shown:?}", text());
        assert_eq!(pixel(&session, 2, 2), [255, 255, 255], "the badge is drawn over the video");
    }
    // Played to the end, the last picture stays.
    while index * FRAME_US <= 2 * FRAME_US + 4_500_000 {
        session.step(index * FRAME_US, &[]).expect("frame");
        index += 1;
    }
    assert!(text().starts_with("Ended 4.0"), "{}", text());
    assert!(near(pixel(&session, 160, 90), SECONDS[3]));
    assert!(session.summary().contains("videos_opened=1 videos_failed=0"), "{}", session.summary());
}
