//! Shared by the desktop host's integration tests that exercise ABI 1.1: the WAT fixtures both
//! hosts use (in `native-host/device/tests/fixtures`), the test images they load, and the
//! device host binary for cross-host checks.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// A fixture shared with the device host's CTest suite, compiled to wasm.
pub fn shared_fixture(name: &str) -> Vec<u8> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../device/tests/fixtures").join(format!("{name}.wat"));
    wat::parse_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A fresh directory for one test.
pub fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("touchline-desktop-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The crest the fixtures load: 8 × 6, the left half red, the right half blue.
pub fn crest_rgba() -> Vec<u8> {
    let mut rgba = Vec::new();
    for _ in 0..6 {
        for x in 0..8 {
            rgba.extend_from_slice(if x < 4 { &[255, 0, 0, 255] } else { &[0, 0, 255, 255] });
        }
    }
    rgba
}

/// What `data/hello.txt`, the file the fetch fixtures fetch, holds.
pub const HELLO: &[u8] = b"hello, touchline\n";

/// Writes the fixtures' asset tree under `dir` (`images/crest.png`, `images/garbage.png`, a
/// text file; `data/hello.txt` for the fetch fixtures) and returns `dir`.
pub fn write_assets(dir: &Path) -> PathBuf {
    let images = dir.join("images");
    std::fs::create_dir_all(&images).expect("images dir");
    touchline_desktop::screenshot::write_rgba(&images.join("crest.png"), 8, 6, &crest_rgba()).expect("crest");
    std::fs::write(images.join("garbage.png"), "not an image\n").expect("garbage");
    std::fs::create_dir_all(dir.join("data")).expect("data dir");
    std::fs::write(dir.join("data/hello.txt"), HELLO).expect("hello.txt");
    dir.to_path_buf()
}

/// The cargo target directory.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"),
    }
}

/// The device host binary: `$TOUCHLINE_DEVICE_HOST` (what `tools/test-all.sh` sets after its
/// CMake build), else built with CMake into `target/device-host` as the workspace's
/// cross-host tests do (the first build compiles wasmtime's C API: minutes).
pub fn device_host() -> &'static Path {
    static HOST: OnceLock<PathBuf> = OnceLock::new();
    HOST.get_or_init(|| {
        if let Some(path) = std::env::var_os("TOUCHLINE_DEVICE_HOST") {
            return PathBuf::from(path);
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let build = target_dir().join("device-host");
        let run = |cmd: &mut Command, what: &str| {
            let status = cmd.status().unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
            assert!(status.success(), "{what} failed: {status}");
        };
        run(
            Command::new("cmake")
                .arg("-S")
                .arg(root.join("native-host/device"))
                .arg("-B")
                .arg(&build)
                .arg("-DCMAKE_BUILD_TYPE=Release"),
            "configuring the device host (cmake)",
        );
        run(Command::new("cmake").arg("--build").arg(&build).arg("-j2"), "building the device host");
        build.join("touchline-host")
    })
}

/// Runs a host binary headless; asserts it was not killed by a signal.
pub fn run_host(host: &Path, args: &[&std::ffi::OsStr], cwd: Option<&Path>) -> std::process::Output {
    let mut cmd = Command::new(host);
    cmd.args(args).env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
    if let Some(cwd) = cwd {
        cmd.current_dir(cwd);
    }
    let output = cmd.output().unwrap_or_else(|e| panic!("cannot start {}: {e}", host.display()));
    assert!(
        output.status.code().is_some(),
        "{} died from a signal: {:?}\nstderr:\n{}",
        host.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Both output streams as text.
pub fn text(output: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}
