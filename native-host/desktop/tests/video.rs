//! Video in the desktop host (ABI 1.6): a WebM made here (one colour per second) is decoded at
//! the positions asked for, forwards and backwards; the host's clock, states and events follow
//! `docs/host-abi.md`; bad files and URLs are typed failures, never a crash.

use std::path::Path;

use touchline_abi::{Event, EventKind, VideoError, VideoOp, VideoState};
use touchline_desktop::images::AssetRoot;
use touchline_desktop::video::{Decoder, Video, resolve_uri, write_test_pattern};

/// The colour of each second of the test video.
const SECONDS: [[u8; 3]; 4] = [[220, 30, 30], [30, 200, 40], [30, 40, 220], [240, 240, 240]];
const FPS: u32 = 10;

/// Writes a 4 s, 64×36, 10 fps VP8/WebM whose second `n` is `SECONDS[n]`.
fn make_video(path: &Path) {
    write_test_pattern(path, &SECONDS, FPS, (64, 36)).expect("the test video is written");
}

/// The centre pixel of a picture, as RGB.
fn centre(pixmap: &tiny_skia::Pixmap) -> [u8; 3] {
    let pixel = pixmap.pixel(pixmap.width() / 2, pixmap.height() / 2).expect("inside");
    [pixel.red(), pixel.green(), pixel.blue()]
}

fn near(actual: [u8; 3], expected: [u8; 3]) -> bool {
    actual.iter().zip(expected).all(|(a, e)| a.abs_diff(e) <= 24)
}

fn video_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    make_video(&dir.path().join("clip.webm"));
    dir
}

#[test]
fn decodes_the_picture_at_any_position_forwards_and_backwards() {
    let dir = video_dir();
    let uri = resolve_uri(AssetRoot::Dir(dir.path()), "clip.webm").expect("resolves");
    let mut decoder = Decoder::open(&uri).expect("opens");
    assert!(decoder.duration_ms().abs_diff(4000) <= 100, "{} ms", decoder.duration_ms());
    for (position, second) in [(2500, 2), (500, 0), (3950, 3), (1000, 1), (1099, 1), (0, 0)] {
        decoder.advance_to(position).expect("decodes");
        let colour = centre(decoder.current().expect("a picture"));
        assert!(near(colour, SECONDS[second]), "at {position} ms: {colour:?}, expected second {second}");
    }
    // Playing through decodes each picture once, in order: one change per frame.
    decoder.advance_to(0).expect("decodes");
    let mut changes = 0;
    for position in (40..4000).step_by(40) {
        changes += usize::from(decoder.advance_to(position).expect("decodes"));
    }
    assert_eq!(changes, 39, "40 pictures, the first shown before the loop");
}

fn kinds(events: &[Event]) -> Vec<(u32, u32, i32)> {
    events.iter().map(|event| (event.kind, event.a, event.b)).collect()
}

#[test]
fn the_clock_follows_frame_time_and_the_rate_and_stops_at_the_end() {
    let dir = video_dir();
    let mut video = Video::default();
    video.open(AssetRoot::Dir(dir.path()), 7, "clip.webm", 0);
    let events = video.take_events();
    assert_eq!(kinds(&events), [(EventKind::VideoState as u32, 7, VideoState::Ready as i32)]);
    let duration = events[0].c;
    assert_eq!(video.position_event(), Some(Event::video_position(7, 0, 0)));

    video.control(7, VideoOp::Play, 0, 100_000);
    assert_eq!(kinds(&video.take_events()), [(EventKind::VideoState as u32, 7, VideoState::Playing as i32)]);
    video.advance(1_100_000);
    assert_eq!(video.position_event(), Some(Event::video_position(7, 1000, 1000)), "1 s after the Play");
    video.control(7, VideoOp::SetRate, 2000, 1_100_000);
    video.advance(1_600_000);
    assert_eq!(video.position_event(), Some(Event::video_position(7, 2000, 2000)), "0.5 s at 2×");
    let (picture, changed) = video.picture().expect("a picture");
    assert!(changed && near(centre(picture), SECONDS[2]));

    video.control(7, VideoOp::Seek, 60_000, 1_600_000);
    assert_eq!(kinds(&video.take_events()), [(EventKind::VideoState as u32, 7, VideoState::Ended as i32)]);
    assert_eq!(
        video.position_event(),
        Some(Event::video_position(7, duration as u32, 0)),
        "clamped to the end"
    );

    video.control(9, VideoOp::Close, 0, 1_600_000);
    assert!(video.is_open(), "another player's control is ignored");
    video.control(7, VideoOp::Play, 0, 2_000_000);
    video.advance(2_250_000);
    assert_eq!(
        video.position_event(),
        Some(Event::video_position(7, 500, 2000)),
        "an ended video replays, still at 2×"
    );

    video.open(AssetRoot::Dir(dir.path()), 8, "clip.webm", 2_250_000);
    let events = kinds(&video.take_events());
    let states = [VideoState::Playing, VideoState::Closed, VideoState::Ready].map(|state| state as i32);
    assert_eq!(
        events,
        [
            (EventKind::VideoState as u32, 7, states[0]),
            (EventKind::VideoState as u32, 7, states[1]),
            (EventKind::VideoState as u32, 8, states[2])
        ],
        "the first video closes before the second is ready"
    );
}

#[test]
fn bad_videos_are_typed_failures() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("notes.webm"), "this is not a video").expect("write");
    let mut video = Video::default();
    for (player, url, error) in [
        (1, "missing.webm", VideoError::NotFound),
        (2, "../escape.webm", VideoError::BadUrl),
        (3, "ftp://host/x.webm", VideoError::BadUrl),
        (4, "notes.webm", VideoError::Decode),
    ] {
        video.open(AssetRoot::Dir(dir.path()), player, url, 0);
        assert_eq!(video.take_events(), [Event::video_failed(player, error)], "{url}");
        assert!(!video.is_open());
        assert_eq!(video.position_event(), None);
    }
    assert_eq!(video.failed, 4);
}
