//! Both hosts, fed the same bundle and key script, produce identical display-list bytes for
//! every frame, and screenshots matching the reviewed golden.
//!
//! The golden (`tests/goldens/profiles_right_right_enter.png`) is written only by
//! `BLESS=1 cargo test --test hosts_agree` (from the desktop host's screenshot) and reviewed by
//! eye before it is committed; a normal run only compares against it.

mod support;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

const KEYS: &str = "right,right,enter";
/// Enough frames for Home to slide in over the profiles and show that it has no catalog (the
/// hosts' default asset root has none): a fetch answered, an error with Retry.
const FRAMES: &str = "40";
const GOLDEN: &str = "tests/goldens/profiles_right_right_enter.png";

/// Tolerance between a host's screenshot and the golden: the hosts rasterize with different
/// libraries (tiny-skia, cairo), so anti-aliased edges may differ slightly. At most 0.05 % of
/// pixels (about 1,000 at 1080p) may differ by more than 32 levels in a channel, and the mean
/// difference over all channels must stay under 0.05 levels. Measured when this was set:
/// cairo vs the tiny-skia golden, 49 pixels over (max 63 on an edge), mean 0.005.
const THRESHOLD: u8 = 32;
const MAX_FRACTION_OVER: f64 = 0.0005;
const MAX_MEAN_DIFF: f64 = 0.05;

struct Run {
    frames: Vec<(String, Vec<u8>)>,
    screenshot: PathBuf,
}

fn run(name: &str, host: &Path, prefix: &[&str], dir: &Path) -> Run {
    let dumps = dir.join(name);
    let screenshot = dir.join(format!("{name}.png"));
    let mut args: Vec<&OsStr> = prefix.iter().map(OsStr::new).collect();
    args.extend([
        support::bundle().as_os_str(),
        OsStr::new("--headless"),
        OsStr::new("--keys"),
        OsStr::new(KEYS),
        OsStr::new("--frames"),
        OsStr::new(FRAMES),
        OsStr::new("--dump-display-list"),
        dumps.as_os_str(),
        OsStr::new("--screenshot"),
        screenshot.as_os_str(),
    ]);
    let output = support::run_host(host, &args);
    let log = support::text(&output);
    println!("--- {name} host ---\n{log}");
    assert_eq!(output.status.code(), Some(0), "{name} host failed:\n{log}");
    let mut frames: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dumps)
        .expect("dump dir")
        .map(|e| {
            let e = e.expect("entry");
            (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("dump"))
        })
        .collect();
    frames.sort();
    Run { frames, screenshot }
}

#[test]
fn hosts_agree_on_bytes_and_pixels() {
    let dir = support::scratch("hosts_agree");
    let desktop = run("desktop", &support::desktop_host(), &["run"], &dir);
    let device = run("device", support::device_host(), &[], &dir);

    assert_eq!(
        desktop.frames.len(),
        40,
        "frames: {:?}",
        desktop.frames.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert_eq!(
        desktop.frames.iter().map(|f| &f.0).collect::<Vec<_>>(),
        device.frames.iter().map(|f| &f.0).collect::<Vec<_>>(),
        "both hosts dumped the same frames"
    );
    for ((name, a), (_, b)) in desktop.frames.iter().zip(&device.frames) {
        touchline_abi::DisplayListReader::new(a).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(a == b, "{name}: display lists differ ({} vs {} bytes)", a.len(), b.len());
    }

    let golden_path = support::root().join(GOLDEN);
    if support::blessing() {
        std::fs::copy(&desktop.screenshot, &golden_path).expect("write golden");
        println!("blessed {} — review it by eye before committing", golden_path.display());
        return;
    }
    assert!(golden_path.exists(), "no golden at {GOLDEN}: run with BLESS=1 once and review it");
    let golden = support::read_png(&golden_path);
    for (name, shot) in [("desktop", &desktop.screenshot), ("device", &device.screenshot)] {
        let image = support::read_png(shot);
        let d = support::diff(&image, &golden, THRESHOLD);
        println!("{name} vs golden: {d:?}");
        assert!(
            d.fraction_over <= MAX_FRACTION_OVER && d.mean_diff <= MAX_MEAN_DIFF,
            "{name} screenshot differs from the golden beyond tolerance: {d:?}"
        );
    }
}
