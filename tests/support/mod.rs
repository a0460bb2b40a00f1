//! Shared by the cross-crate tests: builds what they run (the bundle, both hosts) on demand,
//! so `cargo test --test NAME` works alone on a fresh clone.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The cargo target directory.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

fn run_checked(mut cmd: Command, what: &str) {
    let status = cmd.status().unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
    assert!(status.success(), "{what} failed: {status}");
}

/// A prebuilt artifact named by `var` (tools/test-all.sh builds them before the tests), or
/// `build()`'s. A cargo call inside a test waits on the target directory's lock whenever
/// another test (trybuild) holds it, so the full run hands paths in instead.
fn prebuilt_or(var: &str, build: impl FnOnce() -> PathBuf) -> PathBuf {
    std::env::var_os(var).map(PathBuf::from).unwrap_or_else(build)
}

/// `cargo build -q -p PACKAGE --target wasm32-wasip1 --profile PROFILE [--features ...]`, then
/// the module's path.
fn build_wasm(package: &str, profile: &str, features: Option<&str>) -> PathBuf {
    let mut cmd = cargo();
    cmd.args(["build", "-q", "-p", package, "--target", "wasm32-wasip1", "--profile", profile]);
    if let Some(features) = features {
        cmd.args(["--features", features]);
    }
    run_checked(cmd, &format!("building {package} ({profile})"));
    target_dir().join(format!("wasm32-wasip1/{profile}/{}.wasm", package.replace('-', "_")))
}

/// The app bundle, built once per test binary (`--profile bundle`, wasm32-wasip1), or
/// `$TOUCHLINE_BUNDLE`.
pub fn bundle() -> &'static Path {
    static BUNDLE: OnceLock<PathBuf> = OnceLock::new();
    BUNDLE.get_or_init(|| prebuilt_or("TOUCHLINE_BUNDLE", || build_wasm("touchline-pages", "bundle", None)))
}

/// The app bundle built with `--features fault-injection` (`--profile bundle-faults`): obeys
/// `{"type":"touchline.fault"}` bus messages (`--inject-fault`), so tests can crash it. Or
/// `$TOUCHLINE_FAULT_BUNDLE`.
pub fn fault_bundle() -> &'static Path {
    static BUNDLE: OnceLock<PathBuf> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        prebuilt_or("TOUCHLINE_FAULT_BUNDLE", || {
            build_wasm("touchline-pages", "bundle-faults", Some("fault-injection"))
        })
    })
}

/// The designer preview's bundle (`touchline-preview`, `--profile preview`), built once per
/// test binary, or `$TOUCHLINE_PREVIEW_BUNDLE`.
pub fn preview_bundle() -> &'static Path {
    static BUNDLE: OnceLock<PathBuf> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        prebuilt_or("TOUCHLINE_PREVIEW_BUNDLE", || build_wasm("touchline-preview", "preview", None))
    })
}

/// The engine benchmarks' wasm module (`touchline-bench`, built like the bundle), built once per
/// test binary, or `$TOUCHLINE_BENCH_MODULE`; `touchline-desktop bench` runs it.
pub fn bench_module() -> &'static Path {
    static MODULE: OnceLock<PathBuf> = OnceLock::new();
    MODULE.get_or_init(|| {
        prebuilt_or("TOUCHLINE_BENCH_MODULE", || build_wasm("touchline-bench", "bundle", None))
    })
}

/// Builds the workspace's binaries and examples the way `cargo test --workspace` (and
/// nextest) does, once per test binary. Building them with the same feature resolution as
/// the test build makes this a no-op after it, instead of a second compile of the
/// dependency tree that `cargo build -p ...` (other features) would cause.
pub fn build_workspace_targets() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        if std::env::var_os("TOUCHLINE_WORKSPACE_BUILT").is_some() {
            return;
        }
        let mut cmd = cargo();
        cmd.args(["test", "-q", "--workspace", "--no-run"]);
        run_checked(cmd, "building the workspace (cargo test --workspace --no-run)");
    });
}

/// The desktop host binary.
pub fn desktop_host() -> PathBuf {
    build_workspace_targets();
    target_dir().join("debug/touchline-desktop")
}

/// An example's binary.
pub fn example(name: &str) -> PathBuf {
    build_workspace_targets();
    target_dir().join("debug/examples").join(name)
}

/// The device host binary: `$TOUCHLINE_DEVICE_HOST`, or built with CMake into
/// `target/device-host` (the first build compiles wasmtime's C API, minutes).
pub fn device_host() -> &'static Path {
    static HOST: OnceLock<PathBuf> = OnceLock::new();
    HOST.get_or_init(|| {
        if let Some(path) = std::env::var_os("TOUCHLINE_DEVICE_HOST") {
            return PathBuf::from(path);
        }
        let build = target_dir().join("device-host");
        let mut configure = Command::new("cmake");
        configure.arg("-S").arg(root().join("native-host/device")).arg("-B").arg(&build);
        configure.arg("-DCMAKE_BUILD_TYPE=Release");
        run_checked(configure, "configuring the device host (cmake)");
        let mut compile = Command::new("cmake");
        compile.arg("--build").arg(&build).arg("-j2");
        run_checked(compile, "building the device host (cmake --build)");
        build.join("touchline-host")
    })
}

/// A fresh scratch directory under the target dir, named for the test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = target_dir().join("test-scratch").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Writes a WAT fixture from `tests/fixtures` as a .wasm file in `dir`.
pub fn wat_fixture(name: &str, dir: &Path) -> PathBuf {
    let source = root().join("tests/fixtures").join(format!("{name}.wat"));
    let wasm = wat::parse_file(&source).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
    let out = dir.join(format!("{name}.wasm"));
    std::fs::write(&out, wasm).expect("write fixture");
    out
}

/// Runs a host, returning its output; asserts it was not killed by a signal.
pub fn run_host(host: &Path, args: &[&std::ffi::OsStr]) -> Output {
    let output = Command::new(host)
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", host.display()));
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
pub fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// An RGBA image.
pub struct Image {
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
    /// RGBA8 pixels.
    pub rgba: Vec<u8>,
}

/// Reads a PNG as RGBA8.
pub fn read_png(path: &Path) -> Image {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("frame");
    buf.truncate(info.buffer_size());
    let rgba = match info.color_type {
        png::ColorType::Rgba => buf,
        png::ColorType::Rgb => buf.chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect(),
        other => panic!("{}: unexpected colour type {other:?}", path.display()),
    };
    Image { width: info.width, height: info.height, rgba }
}

/// How far two images are apart.
#[derive(Debug)]
pub struct ImageDiff {
    /// Pixels whose largest channel difference exceeds the threshold.
    pub pixels_over: usize,
    /// Fraction of all pixels that is.
    pub fraction_over: f64,
    /// Largest channel difference anywhere.
    pub max_channel_diff: u8,
    /// Mean absolute channel difference.
    pub mean_diff: f64,
}

/// Compares two images of the same size, counting pixels that differ by more than
/// `threshold` in any channel.
pub fn diff(a: &Image, b: &Image, threshold: u8) -> ImageDiff {
    assert_eq!((a.width, a.height), (b.width, b.height), "image sizes differ");
    let mut pixels_over = 0;
    let mut max = 0u8;
    let mut total = 0u64;
    for (pa, pb) in a.rgba.chunks_exact(4).zip(b.rgba.chunks_exact(4)) {
        let d = (0..4).map(|i| pa[i].abs_diff(pb[i])).max().unwrap_or(0);
        total += (0..4).map(|i| u64::from(pa[i].abs_diff(pb[i]))).sum::<u64>();
        max = max.max(d);
        if d > threshold {
            pixels_over += 1;
        }
    }
    let n = (a.width * a.height) as usize;
    ImageDiff {
        pixels_over,
        fraction_over: pixels_over as f64 / n as f64,
        max_channel_diff: max,
        mean_diff: total as f64 / (n * 4) as f64,
    }
}

/// How far a screenshot may differ from its golden: a pixel differs when a channel is off by
/// more than `threshold`; at most `max_fraction_over` of the pixels may, and the mean channel
/// difference may be at most `max_mean_diff`.
#[derive(Clone, Copy, Debug)]
pub struct Tolerance {
    pub threshold: u8,
    pub max_fraction_over: f64,
    pub max_mean_diff: f64,
}

/// Compares `shot` with `tests/goldens/GOLDEN` (`BLESS=1`: writes it there instead, to be
/// reviewed by eye before it is committed). `Err` says how it differs, or that there is none.
pub fn compare_with_golden(shot: &Path, golden: &str, tolerance: Tolerance) -> Result<(), String> {
    let path = root().join("tests/goldens").join(golden);
    if blessing() {
        std::fs::create_dir_all(path.parent().expect("a directory")).expect("the goldens' directory");
        std::fs::copy(shot, &path).expect("the golden is written");
        println!("blessed {}: review it by eye before committing", path.display());
        return Ok(());
    }
    if !path.exists() {
        return Err(format!("no golden {}: run with BLESS=1 once and review it", path.display()));
    }
    let d = diff(&read_png(shot), &read_png(&path), tolerance.threshold);
    println!("{golden} vs golden: {d:?}");
    if d.fraction_over > tolerance.max_fraction_over || d.mean_diff > tolerance.max_mean_diff {
        return Err(format!(
            "{golden} differs from the golden beyond tolerance: {d:?} (see {})",
            shot.display()
        ));
    }
    Ok(())
}

/// True when the test run asked to rewrite goldens (`BLESS=1`).
pub fn blessing() -> bool {
    std::env::var_os("BLESS").is_some_and(|v| v == "1")
}

/// The module at `path` compiled with Cranelift, once per test binary and path: sessions made
/// with `Bundle::from_compiled` then skip compiling (tens of seconds in a debug build).
pub fn compiled(path: &Path) -> touchline_desktop::bundle::Compiled {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static COMPILED: OnceLock<Mutex<HashMap<PathBuf, touchline_desktop::bundle::Compiled>>> = OnceLock::new();
    let mut compiled = COMPILED.get_or_init(Default::default).lock().expect("not poisoned");
    compiled
        .entry(path.to_owned())
        .or_insert_with(|| {
            let bytes = std::fs::read(path).expect("the module was built");
            touchline_desktop::bundle::Compiled::new(
                &bytes,
                touchline_desktop::EngineKind::Cranelift,
                std::time::Duration::from_secs(30),
            )
            .expect("compiles")
        })
        .clone()
}

/// The app's data as `touchline-matchdata` writes it (catalog, pictures and full-length match
/// videos, small: 160×90 at 2 fps, about half a minute to render, the real timeline) under
/// `target/test-media/catalog`; the directory is the asset root hosts are given. Rendered once
/// and kept while the tool's stamps match; a file lock stops test processes running at the same
/// time from rendering it twice.
pub fn match_media() -> &'static Path {
    static MEDIA: OnceLock<PathBuf> = OnceLock::new();
    MEDIA.get_or_init(|| {
        build_workspace_targets();
        let dir = target_dir().join("test-media");
        std::fs::create_dir_all(&dir).expect("test media dir");
        let lock = std::fs::File::create(dir.join(".lock")).expect("test media lock");
        lock.lock().expect("lock the test media");
        let mut tool = Command::new(target_dir().join("debug/touchline-matchdata"));
        tool.current_dir(root()).arg("build").arg("--out").arg(dir.join("catalog"));
        tool.args(["--video", "full", "--video-size", "160x90", "--fps", "2"]);
        run_checked(tool, "rendering the test media (touchline-matchdata build)");
        dir
    })
}

/// Fails the test unless `xvfb-run` is installed (the README's test command installs it).
pub fn require_xvfb() {
    let xvfb = Command::new("sh").args(["-c", "command -v xvfb-run"]).output().expect("sh");
    assert!(
        xvfb.status.success(),
        "xvfb-run is missing: the README's test command installs it (package xvfb)"
    );
}
