//! Under a real X server (Xvfb), the example's window shows the same pixels as headless mode:
//! the window screenshot is read back from the X server, not from the renderer.

mod support;

use std::process::Command;

#[test]
fn profiles_page_window_equals_headless() {
    support::require_xvfb();
    let binary = support::example("profiles_page");
    let dir = support::scratch("window_matches_headless");
    let (window_png, headless_png) = (dir.join("window.png"), dir.join("headless.png"));
    let common = ["--size", "1280x720", "--keys", "right,enter", "--frames", "6"];

    let headless = support::run_host(
        &binary,
        &common
            .iter()
            .map(AsRef::as_ref)
            .chain(["--headless".as_ref(), "--screenshot".as_ref(), headless_png.as_os_str()])
            .collect::<Vec<_>>(),
    );
    assert_eq!(headless.status.code(), Some(0), "{}", support::text(&headless));

    let window = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x720x24"])
        .arg(&binary)
        .args(common)
        .arg("--screenshot")
        .arg(&window_png)
        .output()
        .expect("xvfb-run");
    let log = support::text(&window);
    assert_eq!(window.status.code(), Some(0), "windowed run failed:\n{log}");
    assert!(!log.to_lowercase().contains("headless"), "the run fell back to headless:\n{log}");

    let (a, b) = (support::read_png(&window_png), support::read_png(&headless_png));
    let d = support::diff(&a, &b, 0);
    println!("window vs headless: {d:?}");
    assert_eq!(d.pixels_over, 0, "the window shows different pixels: {d:?}");
}
