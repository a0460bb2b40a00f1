//! Both hosts render ABI 1.1's commands the same way and answer requests the same way (ABI
//! 1.2's announcements and ABI 1.3's fetches included), and draw `VideoSurface` alike.
//!
//! `new_commands.wat` (shared with the device host's CTest suite) draws a LinearGradient,
//! Shadows and Images (contain, cover, and fill under a rotation in a rounded clip, with
//! opacity). Each host renders it headless to a PNG and the two must agree within the repo's
//! cross-host tolerance (`tests/hosts_agree.rs`): at most 0.05 % of pixels more than 32 levels
//! apart in a channel, and a mean difference under 0.05 levels.
//!
//! The device host is `$TOUCHLINE_DEVICE_HOST` (set by `tools/test-all.sh` after its CMake
//! build), or built with CMake into `target/device-host` when that is unset: never skipped.

mod support;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

const THRESHOLD: u8 = 32;
const MAX_FRACTION_OVER: f64 = 0.0005;
const MAX_MEAN_DIFF: f64 = 0.05;

struct Host {
    name: &'static str,
    binary: PathBuf,
    prefix: &'static [&'static str],
}

fn hosts() -> [Host; 2] {
    [
        Host {
            name: "desktop",
            binary: PathBuf::from(env!("CARGO_BIN_EXE_touchline-desktop")),
            prefix: &["run"],
        },
        Host { name: "device", binary: support::device_host().to_path_buf(), prefix: &[] },
    ]
}

fn run(host: &Host, wasm: &Path, extra: &[&OsStr]) -> std::process::Output {
    let mut args: Vec<&OsStr> = host.prefix.iter().map(OsStr::new).collect();
    args.push(wasm.as_os_str());
    args.push(OsStr::new("--headless"));
    args.extend_from_slice(extra);
    let output = support::run_host(&host.binary, &args, None);
    println!("--- {} ---\n{}", host.name, support::text(&output));
    output
}

fn write_wasm(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(format!("{name}.wasm"));
    std::fs::write(&path, support::shared_fixture(name)).expect("write wasm");
    path
}

#[test]
fn hosts_render_gradients_shadows_and_images_alike() {
    let dir = support::temp_dir("agree-abi-1-1");
    let assets = support::write_assets(&dir.join("assets"));
    let wasm = write_wasm(&dir, "new_commands");
    let mut shots = Vec::new();
    for host in hosts() {
        let png = dir.join(format!("{}.png", host.name));
        let dumps = dir.join(format!("{}-lists", host.name));
        let output = run(
            &host,
            &wasm,
            &[
                OsStr::new("--size"),
                OsStr::new("200x150"),
                OsStr::new("--assets"),
                assets.as_os_str(),
                OsStr::new("--screenshot"),
                png.as_os_str(),
                OsStr::new("--dump-display-list"),
                dumps.as_os_str(),
            ],
        );
        assert_eq!(output.status.code(), Some(0), "{} host failed", host.name);
        let text = support::text(&output);
        assert!(text.contains("images_loaded=1 images_failed=0"), "{}: {text}", host.name);
        let frame1 = std::fs::read(dumps.join("frame-0001.tldl")).expect("dump");
        shots.push((host.name, touchline_desktop::screenshot::read_rgba(&png).expect("PNG"), frame1));
    }
    let (_, (w, h, desktop), desktop_list) = &shots[0];
    let (_, (w2, h2, device), device_list) = &shots[1];
    assert_eq!(desktop_list, device_list, "both hosts were handed the same list");
    assert_eq!((w, h), (w2, h2));
    assert_eq!((*w, *h), (200, 150));

    let mut over = 0usize;
    let mut max = 0u8;
    let mut total = 0u64;
    for (a, b) in desktop.chunks_exact(4).zip(device.chunks_exact(4)) {
        let d = (0..4).map(|i| a[i].abs_diff(b[i])).max().unwrap_or(0);
        total += (0..4).map(|i| u64::from(a[i].abs_diff(b[i]))).sum::<u64>();
        max = max.max(d);
        if d > THRESHOLD {
            over += 1;
        }
    }
    let pixels = (*w * *h) as usize;
    let fraction = over as f64 / pixels as f64;
    let mean = total as f64 / (pixels * 4) as f64;
    println!("desktop vs device: {over} pixels over {THRESHOLD} ({fraction:.5}), max {max}, mean {mean:.4}");
    assert!(
        fraction <= MAX_FRACTION_OVER && mean <= MAX_MEAN_DIFF,
        "the hosts differ beyond tolerance: {over} pixels over, max {max}, mean {mean:.4}"
    );

    // And the picture is the one intended, not two equally wrong ones: a few probes.
    let at = |x: u32, y: u32| desktop[((y * w + x) * 4) as usize..][..3].to_vec();
    let near = |got: Vec<u8>, want: [u8; 3]| got.iter().zip(want).all(|(a, b)| a.abs_diff(b) <= 2);
    // Red, green at 0.5, blue from x = 8 to 152: pixel 12's centre is at t = 4.5 / 144.
    assert!(near(at(12, 24), [239, 16, 0]), "gradient near its start: {:?}", at(12, 24));
    assert!(near(at(80, 24), [0, 253, 2]), "gradient in the middle: {:?}", at(80, 24));
    assert!(near(at(148, 24), [0, 12, 243]), "gradient near its end: {:?}", at(148, 24));
    assert_eq!(at(85, 60), vec![0, 0, 0], "contain: the bar left of the image");
    assert_eq!(at(100, 60), vec![255, 0, 0], "contain: the image");
    assert_eq!(at(78, 100), vec![0, 0, 0], "cover: cropped to its box");
    assert_eq!(at(82, 100), vec![255, 0, 0]);
    assert_eq!(at(140, 100), vec![0, 0, 255]);
    assert_eq!(at(40, 76), vec![0x30, 0x30, 0x30], "the box over its shadow");
    assert!(at(13, 76)[2] > 0 && at(13, 76)[2] < 0xff, "the shadow's soft edge: {:?}", at(13, 76));
    assert_eq!(at(8, 76), vec![0, 0, 0], "nothing past blur / 2");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hosts_answer_requests_alike() {
    let dir = support::temp_dir("agree-requests");
    let assets = support::write_assets(&dir.join("assets"));
    // What each host prints about requests: warnings for failed loads, errors for malformed
    // records; the same lines from both.
    let lines = |output: &std::process::Output| -> Vec<String> {
        String::from_utf8_lossy(&output.stderr)
            .lines()
            .filter(|l| {
                l.starts_with("warning: frame") || l.starts_with("error: bundle made a malformed request")
            })
            .map(str::to_string)
            .collect()
    };
    for (fixture, frames) in [
        ("images", "4"),
        ("requests_malformed", "8"),
        ("announce", "3"),
        ("announce_malformed", "6"),
        ("fetch", "3"),
        ("fetch_malformed", "9"),
    ] {
        let wasm = write_wasm(&dir, fixture);
        let mut seen = Vec::new();
        for host in hosts() {
            let output = run(
                &host,
                &wasm,
                &[
                    OsStr::new("--size"),
                    OsStr::new("64x48"),
                    OsStr::new("--frames"),
                    OsStr::new(frames),
                    OsStr::new("--assets"),
                    assets.as_os_str(),
                ],
            );
            assert_eq!(output.status.code(), Some(0), "{} on {fixture}", host.name);
            // Frame lines (without timings), announcements and fetch answers, in the order
            // printed; and the summary's counts of what requests did.
            let stdout = String::from_utf8_lossy(&output.stdout);
            let frames: Vec<String> = stdout
                .lines()
                .filter(|l| {
                    l.starts_with("frame ") || l.starts_with("announce: ") || l.starts_with("fetch: ")
                })
                .map(|l| l.split(" engine_us=").next().unwrap_or(l).to_string())
                .collect();
            let counts = stdout
                .lines()
                .find_map(|l| l.strip_prefix("summary: "))
                .and_then(|l| l.split_once(" images_loaded="))
                .map(|(_, counts)| counts.to_string())
                .unwrap_or_else(|| panic!("{}: no summary line", host.name));
            seen.push((lines(&output), frames, counts));
        }
        assert!(
            !seen[0].0.is_empty()
                || seen[0].1.iter().any(|l| l.starts_with("announce: ") || l.starts_with("fetch: ")),
            "{fixture}: no request lines at all"
        );
        assert_eq!(seen[0], seen[1], "{fixture}: the hosts disagree");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hosts_draw_video_surfaces_alike() {
    let dir = support::temp_dir("agree-video-surface");
    let wasm = write_wasm(&dir, "video_surface");
    let mut shots = Vec::new();
    for host in hosts() {
        let png = dir.join(format!("{}.png", host.name));
        let args = [
            OsStr::new("--size=64x48"),
            OsStr::new("--frames=1"),
            OsStr::new("--screenshot"),
            png.as_os_str(),
        ];
        let output = run(&host, &wasm, &args);
        assert_eq!(output.status.code(), Some(0), "{} host failed", host.name);
        shots.push(touchline_desktop::screenshot::read_rgba(&png).expect("PNG"));
    }
    let ((w, h, desktop), (w2, h2, device)) = (&shots[0], &shots[1]);
    assert_eq!((*w, *h, *w2, *h2), (64, 48, 64, 48));
    let mut max = 0u8;
    let mut total = 0u64;
    for (a, b) in desktop.chunks_exact(4).zip(device.chunks_exact(4)) {
        max = max.max((0..4).map(|i| a[i].abs_diff(b[i])).max().unwrap_or(0));
        total += (0..4).map(|i| u64::from(a[i].abs_diff(b[i]))).sum::<u64>();
    }
    let mean = total as f64 / desktop.len() as f64;
    println!("video surface, desktop vs device: max {max}, mean {mean:.4}");
    // Opaque black through the same transform, clip and opacity as a Rect: only anti-aliased
    // edge pixels may differ, and by little.
    assert!(max <= THRESHOLD && mean <= MAX_MEAN_DIFF * 4.0, "the hosts differ: max {max}, mean {mean:.4}");
    let at = |x: u32, y: u32| desktop[((y * w + x) * 4) as usize..][..3].to_vec();
    assert_eq!(at(8, 4), [0, 0, 0], "the video plane is black");
    assert_eq!(at(28, 13), [255, 255, 255], "and only inside its rect");
    assert_eq!(at(10, 6), [255, 0, 0], "what is drawn after it shows on top");
    assert_eq!(at(45, 25), [0, 0, 0], "transformed and clipped");
    assert_eq!(at(35, 25), [255, 255, 255]);
    assert_eq!(at(20, 28), [0, 0, 0], "rotated");
    let _ = std::fs::remove_dir_all(&dir);
}
