//! Both hosts play the same video for the same bundle the same way (ABI 1.6): the shared
//! fixture `tests/fixtures/video_probe.wat` opens a 4 s test pattern (one colour a second),
//! plays it on the headless frame clock and checks every frame's events itself (a trap
//! otherwise). Both hosts must log the same positions and show the same second's colour, with
//! the UI drawn over it, whether the bundle redraws or flags its frames unchanged.

mod support;

use std::ffi::OsStr;
use std::path::Path;

use touchline::desktop::video::write_test_pattern;

/// The test pattern's seconds: red, green, blue, white (as the device host's fixture video).
const SECONDS: [[u8; 3]; 4] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]];

struct Played {
    log: String,
    screenshot: support::Image,
}

fn play(name: &str, host: &Path, prefix: &[&str], dir: &Path, extra: &[&str]) -> Played {
    let probe = support::wat_fixture("video_probe", dir);
    let screenshot = dir.join(format!("{name}.png"));
    let mut args: Vec<&OsStr> = prefix.iter().map(OsStr::new).collect();
    args.extend([probe.as_os_str(), OsStr::new("--headless"), OsStr::new("--size"), OsStr::new("64x48")]);
    args.extend([
        OsStr::new("--assets"),
        dir.as_os_str(),
        OsStr::new("--screenshot"),
        screenshot.as_os_str(),
    ]);
    args.extend(extra.iter().map(OsStr::new));
    let output = support::run_host(host, &args);
    let log = support::text(&output);
    assert_eq!(output.status.code(), Some(0), "{name}:\n{log}");
    Played { log, screenshot: support::read_png(&screenshot) }
}

fn pixel(image: &support::Image, x: u32, y: u32) -> [u8; 3] {
    let at = ((y * image.width + x) * 4) as usize;
    [image.rgba[at], image.rgba[at + 1], image.rgba[at + 2]]
}

fn near(actual: [u8; 3], expected: [u8; 3]) -> bool {
    actual.iter().zip(expected).all(|(a, e)| a.abs_diff(e) <= 40)
}

#[test]
fn both_hosts_show_the_same_second_at_the_same_frame() {
    let dir = support::scratch("video_hosts");
    std::fs::create_dir_all(dir.join("videos")).expect("videos dir");
    write_test_pattern(&dir.join("videos/colors.webm"), &SECONDS, 10, (128, 72)).expect("test video");
    let desktop = support::desktop_host();
    let device = support::device_host();
    for (case, extra, second) in [
        ("playing", &["--frames", "152"][..], 2),
        // Every frame after the key is flagged unchanged: the hosts redraw the picture.
        ("still", &["--frames", "152", "--keys", "select"][..], 2),
        ("last_second", &["--frames", "240"][..], 3),
    ] {
        let runs = [
            ("desktop", play(&format!("{case}_desktop"), &desktop, &["run"], &dir, extra)),
            ("device", play(&format!("{case}_device"), device, &[], &dir, extra)),
        ];
        for (host, played) in &runs {
            assert!(played.log.contains("video ready") && played.log.contains("video playing"), "{host}");
            if second == 2 {
                assert!(played.log.contains("position 2500 at frame 151"), "{host} {case}:\n{}", played.log);
            }
            let centre = pixel(&played.screenshot, 32, 24);
            assert!(near(centre, SECONDS[second]), "{host} {case}: {centre:?}");
            assert_eq!(pixel(&played.screenshot, 1, 1), [255, 255, 255], "{host} {case}: the UI over it");
            assert_eq!(
                pixel(&played.screenshot, 32, 2),
                [0, 0, 0],
                "{host} {case}: a bar above the 16:9 picture"
            );
        }
        let diff = support::diff(&runs[0].1.screenshot, &runs[1].1.screenshot, 24);
        assert_eq!(
            diff.pixels_over, 0,
            "{case}: the hosts' pictures differ by up to {}",
            diff.max_channel_diff
        );
    }
}
