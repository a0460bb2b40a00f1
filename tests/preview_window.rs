//! Under a real X server (Xvfb), `touchline-desktop preview` opens its window on the picker and
//! on a page at each device profile; what the window shows (read back from the X server) is
//! checked against reviewed goldens in `tests/goldens/preview/` (`BLESS=1` rewrites them, then
//! look at them before committing).

mod support;

use std::process::Command;

/// Per channel, what counts as a different pixel; how many may differ; the mean difference.
const TOLERANCE: support::Tolerance =
    support::Tolerance { threshold: 32, max_fraction_over: 0.002, max_mean_diff: 0.3 };

/// The screens: a golden's name, the preview opened (`None`: the picker), the profile.
const SCREENS: [(&str, Option<&str>, &str); 5] = [
    ("picker", None, "1080p"),
    ("home-720p", Some("Home"), "720p"),
    ("home-1080p", Some("Home"), "1080p"),
    ("home-4k", Some("Home"), "4k"),
    ("home-slow", Some("Home"), "slow"),
];

#[test]
fn preview_window_shows_the_picker_and_a_page_at_each_profile() {
    support::require_xvfb();
    let host = support::desktop_host();
    let bundle = support::preview_bundle();
    let dir = support::scratch("preview_window");
    for (name, page, profile) in SCREENS {
        let shot = dir.join(format!("{name}.png"));
        let mut cmd = Command::new("xvfb-run");
        // A screen that holds the 4K window.
        cmd.args(["-a", "-s", "-screen 0 3840x2160x24"])
            .arg(&host)
            .arg("preview")
            .arg("--bundle")
            .arg(bundle);
        cmd.arg("--workspace").arg(support::root()).args(["--profile", profile, "--frames", "90", "--quiet"]);
        if let Some(page) = page {
            cmd.args(["--page", page]);
        }
        let output = cmd.arg("--screenshot").arg(&shot).output().expect("xvfb-run starts");
        let log = support::text(&output);
        assert_eq!(output.status.code(), Some(0), "{name}: the preview failed:\n{log}");
        assert!(!log.to_lowercase().contains("running headless"), "{name}: no window was opened:\n{log}");
        let image = support::read_png(&shot);
        let (width, height) = match profile {
            "720p" => (1280, 720),
            "4k" => (3840, 2160),
            _ => (1920, 1080),
        };
        assert_eq!((image.width, image.height), (width, height), "{name}: the window is the profile's size");
        if let Err(e) = support::compare_with_golden(&shot, &format!("preview/{name}.png"), TOLERANCE) {
            panic!("{name}: the window differs: {e}");
        }
    }
}
