//! `run_native` / `run_native_with`: an in-process frame source under the same loop.

use std::path::PathBuf;
use std::process::ExitCode;

use touchline_abi::display_list::{RectCmd, RectF};
use touchline_abi::{DisplayListWriter, Event, Key};
use touchline_desktop::{FrameSource, HostError, run_native, run_native_with};

/// Draws a full-width bar whose width grows with each Right key.
struct Bars {
    size: (u32, u32),
    writer: DisplayListWriter,
    rights: u32,
    frames: u32,
}

impl Bars {
    fn new(width: u32, height: u32) -> Self {
        Self { size: (width, height), writer: DisplayListWriter::new(), rights: 0, frames: 0 }
    }
}

impl FrameSource for Bars {
    fn viewport(&self) -> (u32, u32) {
        self.size
    }

    fn frame(&mut self, _time_us: u64, events: &[Event], _: &[u8]) -> Result<&[u8], HostError> {
        self.frames += 1;
        self.rights += events.iter().filter(|e| *e == &Event::key_down(Key::Right)).count() as u32;
        self.writer.begin(self.size.0, self.size.1, 0);
        self.writer.rect(&RectCmd {
            rect: RectF { x: 0.0, y: 0.0, w: 10.0 * self.rights as f32, h: 10.0 },
            fill: 0x00ff_00ff,
            ..RectCmd::default()
        });
        Ok(self.writer.finish())
    }
}

fn temp_png(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("touchline-desktop-native-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn run_native_with_honours_size_keys_and_screenshot() {
    let png = temp_png("with.png");
    let code = run_native_with(
        |w, h| {
            assert_eq!((w, h), (80, 20));
            Ok(Box::new(Bars::new(w, h)))
        },
        args(&[
            "example",
            "--headless",
            "--size",
            "80x20",
            "--keys",
            "right,right,right",
            "--screenshot",
            png.to_str().expect("utf-8"),
        ]),
    );
    assert_eq!(code, ExitCode::SUCCESS);
    let (w, h, rgba) = touchline_desktop::screenshot::read_rgba(&png).expect("PNG");
    assert_eq!((w, h), (80, 20));
    let at = |x: usize| &rgba[(5 * 80 + x) * 4..(5 * 80 + x) * 4 + 4];
    assert_eq!(at(29), &[0, 255, 0, 255], "three Rights: 30 px of bar");
    assert_eq!(at(30), &[0, 0, 0, 255]);
}

#[test]
fn run_native_with_a_built_source() {
    let png = temp_png("built.png");
    let code = run_native(
        Box::new(Bars::new(40, 10)),
        args(&[
            "--headless",
            "--frames",
            "3",
            "--keys",
            "right",
            "--screenshot",
            png.to_str().expect("utf-8"),
        ]),
    );
    assert_eq!(code, ExitCode::SUCCESS);
    let (w, h, _) = touchline_desktop::screenshot::read_rgba(&png).expect("PNG");
    assert_eq!((w, h), (40, 10), "the source's viewport is the size");

    let mismatch = run_native(Box::new(Bars::new(40, 10)), args(&["--headless", "--size", "80x20"]));
    assert_eq!(mismatch, ExitCode::from(2));
    let bad_flag = run_native(Box::new(Bars::new(40, 10)), args(&["--headless", "--nope"]));
    assert_eq!(bad_flag, ExitCode::from(2));
}

#[test]
fn a_failing_native_source_exits_3() {
    struct Broken;
    impl FrameSource for Broken {
        fn viewport(&self) -> (u32, u32) {
            (8, 8)
        }
        fn frame(&mut self, _: u64, _: &[Event], _: &[u8]) -> Result<&[u8], HostError> {
            Err(HostError::Source("boom".into()))
        }
    }
    assert_eq!(run_native(Box::new(Broken), args(&["--headless"])), ExitCode::from(3));
    let unusable =
        run_native_with(|_, _| Err(HostError::Source("cannot build".into())), args(&["--headless"]));
    assert_eq!(unusable, ExitCode::from(1));
}
