//! Requests (ABI 1.1): a bundle's `touchline_requests`, image loading between frames, and the
//! answers with the next frame's events. The fixtures are shared with the device host's CTest
//! suite (`native-host/device/tests/fixtures`).

mod support;

use std::cell::RefCell;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Instant;

use touchline_abi::display_list::{ImageCmd, RectF};
use touchline_abi::{DisplayListWriter, Event, ImageError, Key, RequestWriter};
use touchline_desktop::session::virtual_time_us;
use touchline_desktop::{Bundle, BundleOptions, FrameSource, HostError, RunOptions, Session, SourceTimings};

/// Forwards to a source and records the events of every frame.
struct Recording<S> {
    inner: S,
    events: Rc<RefCell<Vec<Vec<Event>>>>,
}

impl<S: FrameSource> FrameSource for Recording<S> {
    fn viewport(&self) -> (u32, u32) {
        self.inner.viewport()
    }
    fn frame(&mut self, time_us: u64, events: &[Event], payload: &[u8]) -> Result<&[u8], HostError> {
        self.events.borrow_mut().push(events.to_vec());
        self.inner.frame(time_us, events, payload)
    }
    fn timings(&self) -> SourceTimings {
        self.inner.timings()
    }
    fn requests(&self) -> &[u8] {
        self.inner.requests()
    }
}

fn bundle(name: &str) -> Bundle {
    let options = BundleOptions { width: 64, height: 48, ..BundleOptions::default() };
    Bundle::from_bytes(&support::shared_fixture(name), options).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A session over a recorded source, with `assets` as the asset root.
fn session<S: FrameSource + 'static>(source: S, assets: &Path) -> (Session, Rc<RefCell<Vec<Vec<Event>>>>) {
    let events = Rc::new(RefCell::new(Vec::new()));
    let recording = Recording { inner: source, events: events.clone() };
    let options =
        RunOptions { headless: true, quiet: true, assets: assets.to_path_buf(), ..RunOptions::default() };
    (Session::new(Box::new(recording), options, Instant::now()).expect("session"), events)
}

fn pixel(session: &Session, x: u32, y: u32) -> [u8; 4] {
    let c = session.renderer().pixmap().pixel(x, y).expect("inside").demultiply();
    [c.red(), c.green(), c.blue(), c.alpha()]
}

const RED: [u8; 4] = [255, 0, 0, 255];
const BLUE: [u8; 4] = [0, 0, 255, 255];
const BLACK: [u8; 4] = [0, 0, 0, 255];

#[test]
fn images_load_between_frames_and_answers_come_with_the_next_frame() {
    let assets = support::write_assets(&support::temp_dir("requests-load"));
    let (mut session, events) = session(bundle("images"), &assets);

    session.step(virtual_time_us(0), &[]).expect("frame 0");
    assert_eq!(pixel(&session, 20, 20), BLACK, "not loaded yet when frame 0 is drawn");
    assert_eq!(session.renderer().images().len(), 1, "loaded right after frame 0");
    assert_eq!(session.pending_answers(), 5);

    // Input events first, then the answers in request order.
    let report = session.step(virtual_time_us(1), &[Event::key_down(Key::Right)]).expect("frame 1");
    assert_eq!(report.events, 6);
    assert_eq!(
        events.borrow()[1],
        vec![
            Event::key_down(Key::Right),
            Event::image_loaded(1, 8, 6),
            Event::image_failed(2, ImageError::BadUrl),
            Event::image_failed(3, ImageError::NotFound),
            Event::image_failed(4, ImageError::Decode),
            Event::image_failed(5, ImageError::BadUrl),
        ]
    );
    // Fill into (16, 12, 32, 24): left half red, right half blue.
    assert_eq!(pixel(&session, 20, 20), RED);
    assert_eq!(pixel(&session, 44, 30), BLUE);
    assert_eq!(pixel(&session, 10, 10), BLACK);

    // Frame 2 unloads it: still drawn in frame 2, gone from frame 3 on.
    session.step(virtual_time_us(2), &[]).expect("frame 2");
    assert_eq!(pixel(&session, 20, 20), RED);
    assert!(session.renderer().images().is_empty());
    session.step(virtual_time_us(3), &[]).expect("frame 3");
    assert_eq!(pixel(&session, 20, 20), BLACK);
    assert!(events.borrow()[0].is_empty() && events.borrow()[2].is_empty() && events.borrow()[3].is_empty());
    assert!(
        session.summary().ends_with(" images_loaded=1 images_failed=4 announcements=0"),
        "{}",
        session.summary()
    );
    let _ = std::fs::remove_dir_all(&assets);
}

#[test]
fn malformed_records_are_reported_and_the_run_goes_on() {
    let assets = support::write_assets(&support::temp_dir("requests-malformed"));
    let (mut session, events) = session(bundle("requests_malformed"), &assets);
    for i in 0..8 {
        session.step(virtual_time_us(i), &[]).unwrap_or_else(|e| panic!("frame {i}: {e}"));
    }
    // The record before the bad one in frame 0 still counted.
    assert_eq!(events.borrow()[1], vec![Event::image_loaded(1, 8, 6)]);
    assert!(events.borrow().iter().enumerate().all(|(i, e)| i == 1 || e.is_empty()));
    let _ = std::fs::remove_dir_all(&assets);
}

#[test]
fn bad_request_buffers_fail_the_frame() {
    for name in ["requests_oob", "requests_too_big", "requests_records_oob"] {
        let (mut session, _) = session(bundle(name), Path::new("assets"));
        session.step(virtual_time_us(0), &[]).expect("frame 0 is good");
        match session.step(virtual_time_us(1), &[]) {
            Err(e @ HostError::BadRequests(_)) => {
                assert!(!e.is_load_error());
                assert!(e.to_string().starts_with("bundle returned a bad request buffer: "), "{e}");
            }
            other => panic!("{name}: expected BadRequests, got {other:?}"),
        }
        assert_eq!(pixel(&session, 32, 24), RED, "{name}: the last good frame stays");
    }
    let options = BundleOptions { width: 64, height: 48, ..BundleOptions::default() };
    match Bundle::from_bytes(&support::shared_fixture("requests_wrong_type"), options) {
        Err(HostError::MissingExport { name, problem }) => {
            assert_eq!((name, problem.as_str()), ("touchline_requests", "does not have type () -> i32"));
        }
        other => panic!("expected MissingExport, got {other:?}"),
    }
}

/// A native source that asks for images by URL in frame 0 and draws handle 1.
struct NativeImages {
    writer: DisplayListWriter,
    requests: RequestWriter,
    urls: Vec<String>,
    frames: u32,
}

impl NativeImages {
    fn new(urls: Vec<String>) -> Self {
        Self { writer: DisplayListWriter::new(), requests: RequestWriter::default(), urls, frames: 0 }
    }
}

impl FrameSource for NativeImages {
    fn viewport(&self) -> (u32, u32) {
        (64, 48)
    }
    fn frame(&mut self, _: u64, _: &[Event], _: &[u8]) -> Result<&[u8], HostError> {
        self.requests.clear();
        if self.frames == 0 {
            for (i, url) in self.urls.iter().enumerate() {
                self.requests.load_image(i as u32 + 1, url);
            }
        }
        self.frames += 1;
        self.writer.begin(64, 48, 0);
        self.writer.image(&ImageCmd { handle: 1, fit: 2, rect: RectF { x: 0.0, y: 0.0, w: 64.0, h: 48.0 } });
        Ok(self.writer.finish())
    }
    fn requests(&self) -> &[u8] {
        self.requests.bytes()
    }
}

#[test]
fn file_urls_and_native_sources_load_images() {
    let dir = support::temp_dir("requests-file-url");
    let assets = support::write_assets(&dir);
    let url = format!("file://{}", assets.join("images/crest.png").display());
    let (mut session, events) =
        session(NativeImages::new(vec![url, "file://localhost/etc/hosts".into()]), Path::new("/nowhere"));
    session.step(0, &[]).expect("frame 0");
    session.step(1, &[]).expect("frame 1");
    assert_eq!(
        events.borrow()[1],
        vec![Event::image_loaded(1, 8, 6), Event::image_failed(2, ImageError::BadUrl)]
    );
    // Contain: 8x6 in 64x48 fills it exactly.
    assert_eq!(pixel(&session, 2, 2), RED);
    assert_eq!(pixel(&session, 60, 45), BLUE);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn more_answers_than_a_frame_holds_wait_for_the_next() {
    // 4096 events fill a 64 KiB batch; 5000 failed loads take two frames.
    let urls = vec!["missing.png".to_string(); 5000];
    let (mut session, events) = session(NativeImages::new(urls), Path::new("/nowhere"));
    for i in 0..3 {
        session.step(i, &[Event::key_down(Key::Up)]).expect("frame");
    }
    let events = events.borrow();
    assert_eq!(events[1].len(), 4096);
    assert_eq!(events[1][0], Event::key_down(Key::Up), "input events keep their place");
    assert_eq!(events[1][1], Event::image_failed(1, ImageError::NotFound));
    assert_eq!(events[2].len(), 1 + 5000 - 4095);
    assert_eq!(events[2].last(), Some(&Event::image_failed(5000, ImageError::NotFound)));
}

#[test]
fn run_native_takes_the_assets_flag() {
    let dir = support::temp_dir("requests-native-flag");
    let assets = support::write_assets(&dir.join("art"));
    let png = dir.join("out.png");
    let args: Vec<String> = [
        "app",
        "--headless",
        "--frames",
        "2",
        "--assets",
        assets.to_str().expect("utf-8"),
        "--screenshot",
        png.to_str().expect("utf-8"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let code =
        touchline_desktop::run_native(Box::new(NativeImages::new(vec!["images/crest.png".into()])), args);
    assert_eq!(code, ExitCode::SUCCESS);
    let (w, _, rgba) = touchline_desktop::screenshot::read_rgba(&png).expect("PNG");
    let at = |x: u32, y: u32| rgba[((y * w + x) * 4) as usize..((y * w + x) * 4 + 4) as usize].to_vec();
    assert_eq!(at(2, 2), RED.to_vec());
    assert_eq!(at(60, 45), BLUE.to_vec());
    let _ = std::fs::remove_dir_all(&dir);
}

fn host(args: &[&OsStr], cwd: Option<&Path>) -> std::process::Output {
    support::run_host(Path::new(env!("CARGO_BIN_EXE_touchline-desktop")), args, cwd)
}

fn wasm(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(format!("{name}.wasm"));
    std::fs::write(&path, support::shared_fixture(name)).expect("write wasm");
    path
}

#[test]
fn cli_loads_images_from_the_default_asset_root() {
    let dir = support::temp_dir("requests-cli");
    support::write_assets(&dir.join("assets"));
    let bundle = wasm(&dir, "images");
    let png = dir.join("shot.png");
    let args = [
        OsStr::new("run"),
        bundle.as_os_str(),
        OsStr::new("--size"),
        OsStr::new("64x48"),
        OsStr::new("--screenshot"),
        png.as_os_str(),
    ];
    // No --assets: `assets` in the current directory.
    let o = host(&args, Some(&dir));
    let out = support::text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("frame 0001 t=16.666ms events=5 "), "{out}");
    for line in [
        "warning: frame 0000: image 2 (../secret.png): bad URL",
        "warning: frame 0000: image 3 (images/missing.png): not found",
        "warning: frame 0000: image 4 (images/garbage.png): cannot decode",
        "warning: frame 0000: image 5 (http://example.com/a.png): bad URL",
        "bundle: image 1 loaded 8x6",
        "bundle: image 5 failed: bad URL",
        " images_loaded=1 images_failed=4 announcements=0\n",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
    let (w, _, rgba) = touchline_desktop::screenshot::read_rgba(&png).expect("PNG");
    assert_eq!(&rgba[((20 * w + 20) * 4) as usize..][..4], &RED);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cli_reports_malformed_requests_and_bad_buffers() {
    let dir = support::temp_dir("requests-cli-bad");
    let assets = support::write_assets(&dir.join("assets"));
    let bundle = wasm(&dir, "requests_malformed");
    let args = [
        OsStr::new("run"),
        bundle.as_os_str(),
        OsStr::new("--size=64x48"),
        OsStr::new("--frames=8"),
        OsStr::new("--quiet"),
        OsStr::new("--assets"),
        assets.as_os_str(),
    ];
    let o = host(&args, None);
    let out = support::text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    for line in [
        "error: bundle made a malformed request in frame 0: request 1 at byte 32 is malformed: length is not a \
         multiple of 4 of at least 8",
        "error: bundle made a malformed request in frame 1: request 0 at byte 0 is malformed: URL runs past the record",
        "error: bundle made a malformed request in frame 2: request 0 at byte 0 is malformed: URL is not UTF-8",
        "error: bundle made a malformed request in frame 3: request 0 at byte 0 is malformed: URL longer than 2048 \
         bytes",
        "error: bundle made a malformed request in frame 4: request 0 at byte 0 is malformed: header runs past the end",
        "error: bundle made a malformed request in frame 5: request 0 at byte 0 is malformed: payload too short",
        "error: bundle made a malformed request in frame 6: request 0 at byte 0 is malformed: runs past the end",
        "bundle: image 1 loaded 8x6",
        "summary: frames=8 ",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }

    for (name, message) in [
        (
            "requests_oob",
            "the RequestBuffer at 0x7ffffff0..+16 is outside linear memory (131072 bytes) (frame 1)",
        ),
        ("requests_too_big", "requests are 1048580 bytes, more than the 1048576 allowed (frame 1)"),
        (
            "requests_records_oob",
            "the request list at 0x1ffe0..+64 is outside linear memory (131072 bytes) (frame 1)",
        ),
    ] {
        let bundle = wasm(&dir, name);
        let o = host(&[OsStr::new("run"), bundle.as_os_str(), OsStr::new("--size=64x48")], None);
        let out = support::text(&o);
        assert_eq!(o.status.code(), Some(3), "{name}: {out}");
        assert!(
            out.contains(&format!("error: bundle returned a bad request buffer: {message}")),
            "{name}: {out}"
        );
        assert!(out.contains("summary: frames=1 "), "{out}");
    }
    let bundle = wasm(&dir, "requests_wrong_type");
    let o = host(&[OsStr::new("run"), bundle.as_os_str()], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        support::text(&o).contains("error: bundle export `touchline_requests` does not have type () -> i32")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn announcements_are_spoken_kept_and_not_answered() {
    let (mut session, events) = session(bundle("announce"), Path::new("assets"));
    for i in 0..3 {
        // The fixture traps on any answer.
        session.step(virtual_time_us(i), &[]).unwrap_or_else(|e| panic!("frame {i}: {e}"));
    }
    assert_eq!(
        session.announcements(),
        ["Tile 3, button, 3 of 12", "Équipe à domicile", "bell? tab? next?line"]
    );
    assert!(events.borrow().iter().all(Vec::is_empty));
    assert!(session.summary().ends_with(" announcements=3"), "{}", session.summary());
}

#[test]
fn cli_prints_announcements_and_reports_malformed_ones() {
    let dir = support::temp_dir("requests-cli-announce");
    let bundle = wasm(&dir, "announce");
    let o = host(
        &[OsStr::new("run"), bundle.as_os_str(), OsStr::new("--size=64x48"), OsStr::new("--frames=3")],
        None,
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", support::text(&o));
    for line in [
        "announce: Tile 3, button, 3 of 12\nframe 0000 ",
        "announce: Équipe à domicile\nannounce: bell? tab? next?line\nframe 0001 ",
        " images_loaded=0 images_failed=0 announcements=3\n",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }

    let bundle = wasm(&dir, "announce_malformed");
    let args = [OsStr::new("run"), bundle.as_os_str(), OsStr::new("--size=64x48"), OsStr::new("--frames=6")];
    let o = host(&args, None);
    let out = support::text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    for line in [
        "announce: Tile 3, button, 3 of 12\n",
        "error: bundle made a malformed request in frame 0: request 1 at byte 36 is malformed: text runs past the \
         record",
        "error: bundle made a malformed request in frame 1: request 0 at byte 0 is malformed: text is not UTF-8",
        "error: bundle made a malformed request in frame 2: request 0 at byte 0 is malformed: text longer than 1024 \
         bytes",
        "error: bundle made a malformed request in frame 3: request 0 at byte 0 is malformed: payload too short",
        "announce: still here\nframe 0004 ",
        " announcements=2\n",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
    assert!(!out.contains("not spoken"), "records after a malformed one are not carried out:\n{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
