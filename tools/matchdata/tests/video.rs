//! Renders a few seconds of a made-up tracked match to WebM, decodes the file back with
//! GStreamer and checks its length, its frames and that the ball is where the data puts it.

use std::path::Path;

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;
use touchline_matchdata::picture::{Fonts, Painter, PitchLayout};
use touchline_matchdata::source::{
    BallPosition, EventKind, MatchSource, Period, PitchPoint, Score, Side, SourceEvent, TeamSource,
    TrackedPerson, Tracking, TrackingFrame,
};
use touchline_matchdata::video::{VideoSettings, render};

const WIDTH: u32 = 320;
const HEIGHT: u32 = 180;
const FPS: u32 = 10;

fn team(name: &str, code: &str, color: &str, number_color: &str) -> TeamSource {
    TeamSource {
        name: name.into(),
        short_name: name.into(),
        code: code.into(),
        color: color.into(),
        number_color: number_color.into(),
        squad: Vec::new(),
    }
}

/// The ball rolls along y = 0 from x = -30 m to x = +30 m in 4 s.
fn ball_x_at(video_s: f64) -> f32 {
    -30.0 + 15.0 * video_s as f32
}

/// Two players a side and a referee, all well away from the ball's line, sampled at 10 Hz
/// for 4 s; a goal at 2 s.
fn synthetic_match() -> MatchSource {
    let frames = (0..=40)
        .map(|sample| {
            let video_s = f64::from(sample) / 10.0;
            let person = |track: i64, side: Option<Side>, number: Option<u8>, x: f32, y: f32| TrackedPerson {
                track,
                side,
                number,
                at: PitchPoint { x: x + video_s as f32, y },
            };
            TrackingFrame {
                video_s,
                ball: Some(BallPosition { at: PitchPoint { x: ball_x_at(video_s), y: 0.0 }, z: Some(0.0) }),
                people: vec![
                    person(1, Some(Side::Home), Some(9), -20.0, 20.0),
                    person(2, Some(Side::Home), Some(10), 10.0, -22.0),
                    person(3, Some(Side::Away), Some(4), 20.0, 18.0),
                    person(4, Some(Side::Away), Some(1), 45.0, -15.0),
                    person(5, None, None, 0.0, 28.0),
                ],
            }
        })
        .collect();
    let goal = SourceEvent {
        video_s: 2.0,
        period: 1,
        period_s: 2.0,
        kind: Some(EventKind::Goal),
        name: "Goal".into(),
        side: Side::Home,
        player: "A. Striker".into(),
        detail: None,
        start: Some(PitchPoint { x: 40.0, y: 0.0 }),
        end: None,
        score: Score { home: 1, away: 0 },
    };
    MatchSource {
        id: "synthetic".into(),
        competition: "Test".into(),
        date: "2024-01-01".into(),
        venue: "Nowhere".into(),
        home: team("Reds", "RED", "#d0021b", "#ffffff"),
        away: team("Blues", "BLU", "#1f4fd1", "#ffffff"),
        periods: vec![Period { number: 1, start_s: 0.0, duration_s: 4.0, clock_start_s: 0.0 }],
        events: vec![goal],
        tracking: Some(Tracking { hz: 10.0, frames }),
        credits: Vec::new(),
        licence_files: Vec::new(),
    }
}

struct DecodedFrame {
    pts_s: f64,
    rgba: Vec<u8>,
}

impl DecodedFrame {
    fn pixel(&self, (x, y): (f32, f32)) -> [u8; 3] {
        let at = (y.round() as usize * WIDTH as usize + x.round() as usize) * 4;
        [self.rgba[at], self.rgba[at + 1], self.rgba[at + 2]]
    }
}

/// Every frame of `path` as RGBA, and the duration the container reports.
fn decode(path: &Path) -> (Vec<DecodedFrame>, f64) {
    gst::init().expect("GStreamer starts");
    let description = format!(
        "filesrc location=\"{}\" ! decodebin ! videoconvert ! video/x-raw,format=RGBA ! appsink name=sink sync=false",
        path.display()
    );
    let pipeline = gst::parse::launch(&description)
        .expect("decode pipeline")
        .downcast::<gst::Pipeline>()
        .expect("a pipeline");
    let sink =
        pipeline.by_name("sink").expect("the appsink").downcast::<gst_app::AppSink>().expect("an appsink");
    pipeline.set_state(gst::State::Playing).expect("decoding starts");
    let mut frames = Vec::new();
    let mut duration_s = None;
    while let Ok(sample) = sink.pull_sample() {
        if duration_s.is_none() {
            duration_s = pipeline.query_duration::<gst::ClockTime>().map(|d| d.nseconds() as f64 / 1e9);
        }
        let buffer = sample.buffer().expect("a frame");
        let caps = sample.caps().expect("caps");
        let info = gstreamer_video::VideoInfo::from_caps(caps).expect("video caps");
        assert_eq!((info.width(), info.height()), (WIDTH, HEIGHT));
        let map = buffer.map_readable().expect("readable frame");
        // Rows are tightly packed at this width (320 × 4 bytes), so the bytes are the image.
        assert_eq!(info.stride()[0] as u32, WIDTH * 4);
        frames.push(DecodedFrame {
            pts_s: buffer.pts().expect("timestamped").nseconds() as f64 / 1e9,
            rgba: map.as_slice().to_vec(),
        });
    }
    let bus = pipeline.bus().expect("bus");
    if let Some(message) = bus.pop_filtered(&[gst::MessageType::Error]) {
        panic!("decoding failed: {message:?}");
    }
    pipeline.set_state(gst::State::Null).expect("decoding stops");
    (frames, duration_s.expect("the container has a duration"))
}

fn frame_at(frames: &[DecodedFrame], pts_s: f64) -> &DecodedFrame {
    frames.iter().find(|frame| (frame.pts_s - pts_s).abs() < 0.01).expect("a frame at that time")
}

fn is_near_white([r, g, b]: [u8; 3]) -> bool {
    r > 200 && g > 200 && b > 200
}

#[test]
fn renders_a_tracked_match_and_the_ball_is_where_the_data_says() {
    let source = synthetic_match();
    let fonts = Fonts::load(&Fonts::default_dir()).expect("the app's fonts");
    let mut painter = Painter::new(fonts);
    let settings = VideoSettings { width: WIDTH, height: HEIGHT, fps: FPS, ..VideoSettings::default() };
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("match.webm");

    let stats = render(&source, 0.0..4.0, &settings, &out, &mut painter).expect("renders");
    assert_eq!(stats.frames, 40);
    assert_eq!(stats.offset_s, 0.0);
    assert!(stats.bytes > 0 && stats.bytes == std::fs::metadata(&out).expect("written").len());
    // Only the finished file is left.
    let names: Vec<_> =
        std::fs::read_dir(dir.path()).expect("dir").map(|entry| entry.expect("entry").file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("match.webm")]);

    let (frames, duration_s) = decode(&out);
    assert_eq!(frames.len(), 40);
    let frame_s = 1.0 / f64::from(FPS);
    assert!((duration_s - 4.0).abs() <= frame_s, "duration {duration_s}");
    assert!((frames[0].pts_s).abs() < 1e-3);

    let layout = PitchLayout::new(WIDTH, HEIGHT);
    let ball_at = |video_s: f64| layout.to_pixel(PitchPoint { x: ball_x_at(video_s), y: 0.0 });
    let (early, late) = (frame_at(&frames, 1.0), frame_at(&frames, 3.0));
    assert!(is_near_white(early.pixel(ball_at(1.0))), "ball at 1 s: {:?}", early.pixel(ball_at(1.0)));
    assert!(!is_near_white(late.pixel(ball_at(1.0))), "no ball there at 3 s: {:?}", late.pixel(ball_at(1.0)));
    assert!(is_near_white(late.pixel(ball_at(3.0))), "ball at 3 s: {:?}", late.pixel(ball_at(3.0)));
    assert!(
        !is_near_white(early.pixel(ball_at(3.0))),
        "no ball there at 1 s: {:?}",
        early.pixel(ball_at(3.0))
    );
}

#[test]
fn a_cut_starts_at_zero_and_shows_its_range() {
    let source = synthetic_match();
    let mut painter = Painter::new(Fonts::load(&Fonts::default_dir()).expect("the app's fonts"));
    let settings = VideoSettings { width: WIDTH, height: HEIGHT, fps: FPS, ..VideoSettings::default() };
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("cut.webm");

    let stats = render(&source, 1.0..3.0, &settings, &out, &mut painter).expect("renders");
    assert_eq!((stats.frames, stats.offset_s), (20, 1.0));
    let (frames, duration_s) = decode(&out);
    assert_eq!(frames.len(), 20);
    assert!((duration_s - 2.0).abs() <= 0.1, "duration {duration_s}");
    // The file's time 0 is video_s 1.
    let layout = PitchLayout::new(WIDTH, HEIGHT);
    let ball = layout.to_pixel(PitchPoint { x: ball_x_at(1.0), y: 0.0 });
    assert!(is_near_white(frame_at(&frames, 0.0).pixel(ball)));

    assert!(render(&source, 3.0..3.0, &settings, &out, &mut painter).is_err(), "an empty range fails");
}
