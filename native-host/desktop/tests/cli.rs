//! The `touchline-desktop` binary, end to end, headless.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture_wasm(test: &str, name: &str) -> PathBuf {
    let wat = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(format!("{name}.wat"));
    let bytes = wat::parse_file(&wat).unwrap_or_else(|e| panic!("{}: {e}", wat.display()));
    let path = temp_dir(test).join(format!("{name}.wasm"));
    std::fs::write(&path, bytes).expect("write wasm");
    path
}

fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("touchline-desktop-cli-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn host(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_touchline-desktop"))
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run touchline-desktop")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn png_pixel(path: &Path, x: u32, y: u32) -> [u8; 4] {
    let (w, _, rgba) = touchline_desktop::screenshot::read_rgba(path).expect("readable PNG");
    let i = ((y * w + x) * 4) as usize;
    [rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]]
}

#[test]
fn headless_run_prints_frames_and_writes_screenshot_and_dumps() {
    let wasm = fixture_wasm("ok", "minimal");
    let dir = temp_dir("ok");
    let png = dir.join("shot.png");
    let dumps = dir.join("dumps");
    let o = host(&[
        "run",
        wasm.to_str().expect("utf-8 path"),
        "--size",
        "64x48",
        "--keys",
        "left,right",
        "--key-interval",
        "2",
        "--screenshot",
        png.to_str().expect("utf-8 path"),
        "--dump-display-list",
        dumps.to_str().expect("utf-8 path"),
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "stdout:\n{out}\nstderr:\n{}", stderr(&o));
    let frames: Vec<&str> = out.lines().filter(|l| l.starts_with("frame ")).collect();
    // 2 + keys × interval = 6 frames; key 0 at frame 1, key 1 at frame 3.
    assert_eq!(frames.len(), 6, "{out}");
    assert!(frames[0].starts_with("frame 0000 t=0.000ms events=0 commands=1 bytes=64 engine_us="), "{out}");
    assert!(frames[1].starts_with("frame 0001 t=16.666ms events=2 "), "{out}");
    assert!(frames[2].starts_with("frame 0002 t=33.333ms events=0 "), "{out}");
    assert!(frames[3].starts_with("frame 0003 t=50.000ms events=2 "), "{out}");
    let summary = out.lines().last().expect("summary line");
    for key in ["summary:", "launch_to_first_frame_ms=", "compile_ms=", "instantiate_ms=", "engine_us_p50="] {
        assert!(summary.contains(key), "{summary}");
    }
    assert!(stderr(&o).contains("bundle: init ok"), "log import prints: {}", stderr(&o));
    assert_eq!(png_pixel(&png, 32, 24), [255, 0, 0, 255]);
    assert_eq!(png_pixel(&png, 1, 1), [0, 0, 0, 255]);
    let dump = std::fs::read(dumps.join("frame-0003.tldl")).expect("dump of frame 3");
    assert_eq!(dump.len(), 64);
    assert_eq!(&dump[0..4], b"TLDL");
    assert!(dumps.join("frame-0005.tldl").exists() && !dumps.join("frame-0006.tldl").exists());
}

#[test]
fn quiet_and_frames() {
    let wasm = fixture_wasm("quiet", "minimal");
    let o = host(&["run", wasm.to_str().expect("utf-8"), "--size", "64x48", "--frames", "4", "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains("frame 0"), "{out}");
    assert!(out.contains("summary: frames=4 "), "{out}");
}

#[test]
fn unusable_bundles_exit_1() {
    let wasm = fixture_wasm("abi", "wrong_abi");
    let o = host(&["run", wasm.to_str().expect("utf-8"), "--size", "64x48"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("bundle speaks ABI 2.0, this host speaks 1.x"), "{}", stderr(&o));

    let o = host(&["run", "/nonexistent/bundle.wasm"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot read bundle"), "{}", stderr(&o));

    let text = temp_dir("notwasm").join("x.wasm");
    std::fs::write(&text, "hello").expect("write");
    let o = host(&["run", text.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not a wasm module"), "{}", stderr(&o));
}

#[test]
fn bad_command_lines_exit_2() {
    for args in [
        vec!["run"],
        vec!["run", "x.wasm", "--size", "big"],
        vec!["run", "x.wasm", "--keys", "jump"],
        vec!["fly", "x.wasm"],
    ] {
        let o = host(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn trap_mid_run_exits_3_and_keeps_the_last_good_frame() {
    let wasm = fixture_wasm("trap", "trap_frame");
    let png = temp_dir("trap").join("last.png");
    let o = host(&[
        "run",
        wasm.to_str().expect("utf-8"),
        "--size",
        "64x48",
        "--frames",
        "5",
        "--screenshot",
        png.to_str().expect("utf-8"),
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(3), "{out}\n{}", stderr(&o));
    assert_eq!(out.lines().filter(|l| l.starts_with("frame ")).count(), 2, "frames 0 and 1 are good: {out}");
    assert!(stderr(&o).contains("error: bundle trapped in frame 2: "), "{}", stderr(&o));
    assert!(out.contains("summary: frames=2 "), "{out}");
    assert_eq!(png_pixel(&png, 32, 24), [255, 0, 0, 255], "the last good frame is written");
}

#[test]
fn bad_output_exits_3() {
    let wasm = fixture_wasm("badout", "bad_output");
    let o = host(&["run", wasm.to_str().expect("utf-8"), "--size", "64x48"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("error: bundle returned a bad frame: "), "{err}");
    assert!(err.contains("outside linear memory") && err.contains("(frame 0)"), "{err}");
}
