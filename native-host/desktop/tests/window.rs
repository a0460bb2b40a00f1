//! A real window under Xvfb shows exactly the pixels of a headless run. Fails where `xvfb-run`
//! is missing: the project's setup installs it.

use std::path::{Path, PathBuf};
use std::process::Command;

use touchline_desktop::screenshot::read_rgba;

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("touchline-desktop-window-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn window_screenshot_equals_headless_screenshot() {
    if Command::new("xvfb-run").arg("--help").output().is_err() {
        panic!("xvfb-run is not installed: tools/test-all.sh installs it (apt-get install xvfb xauth)");
    }
    let dir = temp_dir();
    let wat = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal.wat");
    let wasm = dir.join("minimal.wasm");
    std::fs::write(&wasm, wat::parse_file(&wat).expect("fixture compiles")).expect("write wasm");
    let (win_png, head_png) = (dir.join("window.png"), dir.join("headless.png"));
    let bin = env!("CARGO_BIN_EXE_touchline-desktop");
    let args = |png: &Path| {
        vec![
            "run".to_string(),
            wasm.display().to_string(),
            "--size".into(),
            "64x48".into(),
            "--keys".into(),
            "right".into(),
            "--frames".into(),
            "2".into(),
            "--screenshot".into(),
            png.display().to_string(),
        ]
    };

    let window = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 640x480x24", bin])
        .args(args(&win_png))
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run under xvfb-run");
    let stderr = String::from_utf8_lossy(&window.stderr);
    assert_eq!(window.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("no window"), "a window must have opened: {stderr}");
    assert!(!stderr.contains("could not be read back"), "the screenshot must come from the window: {stderr}");

    let headless = Command::new(bin).args(args(&head_png)).arg("--headless").output().expect("run headless");
    assert_eq!(headless.status.code(), Some(0), "{}", String::from_utf8_lossy(&headless.stderr));

    let (ww, wh, win) = read_rgba(&win_png).expect("window PNG");
    let (hw, hh, head) = read_rgba(&head_png).expect("headless PNG");
    assert_eq!((ww, wh), (hw, hh));
    assert_eq!((ww, wh), (64, 48));
    // Frame 1 got the scripted Right key: the rect is green in both.
    let centre = ((24 * 64 + 32) * 4) as usize;
    assert_eq!(&win[centre..centre + 4], &[0, 255, 0, 255]);
    assert!(win == head, "window and headless pixels differ");
    let _ = std::fs::remove_dir_all(&dir);
}
