//! `touchline-desktop run --manifest URL`, end to end through the binary: a cold start
//! downloads and compiles, a warm start loads the precompiled module, a dead server runs the
//! cached bundle, and a release that traps at every start is demoted in the same launch
//! while the previous good one takes over. The pixels say which bundle the user sees:
//! `minimal` draws red at the centre, `glyphs` green near the top left. A release with
//! `--assets` has its catalog and pictures fetched from the release over HTTP.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use touchline_desktop::delivery::{Manifest, SecretKey};
use touchline_desktop::release::{ReleaseInput, read_abi_version, write_release};
use touchline_desktop::serve::{ServeOptions, Server};

struct Fixture {
    release_dir: PathBuf,
    cache_dir: PathBuf,
    out: PathBuf,
    key: SecretKey,
    server: Option<Server>,
}

impl Fixture {
    fn new(name: &str) -> Self {
        let root = support::temp_dir(&format!("launch-{name}"));
        let release_dir = root.join("release");
        std::fs::create_dir_all(&release_dir).expect("release dir");
        let server = Server::start(&release_dir, "127.0.0.1:0", ServeOptions::default()).expect("serve");
        Self {
            cache_dir: root.join("cache"),
            out: root,
            release_dir,
            key: SecretKey::generate().expect("key"),
            server: Some(server),
        }
    }

    fn release(&self, version: &str, fixture: &str) {
        let bytes = support::shared_fixture(fixture);
        let input = ReleaseInput {
            bundle: &bytes,
            legacy_js: None,
            version,
            abi: read_abi_version(&bytes).expect("the fixture exports its ABI"),
            assets: None,
        };
        write_release(&self.release_dir, &input, &self.key).expect("release");
    }

    fn url(&self) -> String {
        match &self.server {
            Some(server) => format!("{}manifest.json", server.url()),
            // Nothing listens there any more.
            None => "http://127.0.0.1:9/manifest.json".into(),
        }
    }

    /// Runs the host headless for `frames` frames; returns (exit code, stdout + stderr, PNG).
    fn run(&self, frames: u32, extra: &[&str]) -> (i32, String, PathBuf) {
        let shot = self.out.join(format!("shot-{}.png", rand_suffix()));
        let output = Command::new(env!("CARGO_BIN_EXE_touchline-desktop"))
            .args(["run", "--manifest", &self.url(), "--cache"])
            .arg(&self.cache_dir)
            .args(["--public-key", &self.key.public().to_hex(), "--download-timeout-ms", "2000"])
            .args([
                "--headless",
                "--quiet",
                "--size",
                "64x48",
                "--frames",
                &frames.to_string(),
                "--screenshot",
            ])
            .arg(&shot)
            .args(extra)
            .output()
            .expect("the host runs");
        let text =
            format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        (output.status.code().unwrap_or(-1), text, shot)
    }
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

fn pixel(png: &Path, x: u32, y: u32) -> [u8; 4] {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).expect("png")));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    let at = ((y * info.width + x) * 4) as usize;
    [buf[at], buf[at + 1], buf[at + 2], buf[at + 3]]
}

fn summary(text: &str) -> &str {
    text.lines().find(|l| l.starts_with("summary:")).unwrap_or("")
}

#[test]
fn cold_start_compiles_and_warm_start_loads_the_precompiled_module() {
    let f = Fixture::new("warm");
    f.release("1.0.0", "minimal");
    let (code, cold, _) = f.run(3, &[]);
    assert_eq!(code, 0, "{cold}");
    assert!(cold.contains("delivery: running version 1.0.0"), "{cold}");
    assert!(summary(&cold).contains("bundle_source=network module=compiled version=1.0.0"), "{cold}");
    assert!(summary(&cold).contains(" init=ran "), "{cold}");
    let (code, warm, shot) = f.run(3, &[]);
    assert_eq!(code, 0, "{warm}");
    assert!(summary(&warm).contains("bundle_source=cache module=cached version=1.0.0"), "{warm}");
    assert!(summary(&warm).contains(" init=snapshot "), "the warm start copies in the snapshot: {warm}");
    assert_eq!(pixel(&shot, 32, 24)[..3], [255, 0, 0], "the cached module runs the same bundle");
}

#[test]
fn a_damaged_precompiled_module_is_compiled_again() {
    let f = Fixture::new("damaged-module");
    f.release("1.0.0", "minimal");
    let (code, cold, _) = f.run(3, &[]);
    assert_eq!(code, 0, "{cold}");
    let modules = f.cache_dir.join("modules");
    let cwasm = std::fs::read_dir(&modules)
        .expect("a modules directory")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "cwasm"))
        .expect("a precompiled module");
    let checksum = std::fs::read_to_string(cwasm.with_extension("cwasm.xxh3")).expect("its checksum");
    assert_eq!(checksum.trim().len(), 16, "{checksum:?}");
    // One flipped byte: the checksum fails, the module is compiled again and kept again.
    let mut bytes = std::fs::read(&cwasm).expect("module");
    bytes[100] ^= 0xff;
    std::fs::write(&cwasm, &bytes).expect("damage it");
    let (code, text, shot) = f.run(3, &[]);
    assert_eq!(code, 0, "{text}");
    assert!(summary(&text).contains("bundle_source=cache module=compiled"), "{text}");
    assert_eq!(pixel(&shot, 32, 24)[..3], [255, 0, 0]);
    let (code, warm, _) = f.run(3, &[]);
    assert_eq!(code, 0, "{warm}");
    assert!(summary(&warm).contains("bundle_source=cache module=cached"), "{warm}");
}

#[test]
fn a_damaged_start_up_snapshot_is_made_again() {
    let f = Fixture::new("damaged-snapshot");
    f.release("1.0.0", "minimal");
    let (code, cold, _) = f.run(3, &[]);
    assert_eq!(code, 0, "{cold}");
    let snapshot = std::fs::read_dir(f.cache_dir.join("modules"))
        .expect("a modules directory")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "snapshot"))
        .expect("a start-up snapshot");
    assert!(snapshot.to_string_lossy().ends_with("-64x48.snapshot"), "{}", snapshot.display());
    let mut bytes = std::fs::read(&snapshot).expect("snapshot");
    bytes[0] ^= 0xff;
    std::fs::write(&snapshot, &bytes).expect("damage it");
    let (code, text, shot) = f.run(3, &[]);
    assert_eq!(code, 0, "{text}");
    assert!(summary(&text).contains("module=cached") && summary(&text).contains(" init=ran "), "{text}");
    assert_eq!(pixel(&shot, 32, 24)[..3], [255, 0, 0]);
    let (code, warm, _) = f.run(3, &[]);
    assert_eq!(code, 0, "{warm}");
    assert!(summary(&warm).contains(" init=snapshot "), "kept again: {warm}");
    // --no-startup-snapshot initialises.
    let (code, plain, _) = f.run(3, &["--no-startup-snapshot"]);
    assert_eq!(code, 0, "{plain}");
    assert!(summary(&plain).contains(" init=ran "), "{plain}");
}

#[test]
fn server_down_runs_the_last_good_bundle() {
    let mut f = Fixture::new("down");
    f.release("1.0.0", "minimal");
    let (code, first, _) = f.run(130, &[]);
    assert_eq!(code, 0, "{first}");
    f.server = None;
    let (code, text, shot) = f.run(3, &[]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("delivery: failed: manifest unreachable"), "{text}");
    assert!(text.contains("delivery: running last good version 1.0.0"), "{text}");
    assert_eq!(pixel(&shot, 32, 24)[..3], [255, 0, 0]);
}

#[test]
fn a_release_that_traps_at_start_is_demoted_and_the_previous_good_one_runs() {
    let f = Fixture::new("demote");
    f.release("1.0.0", "minimal");
    // 130 frames: past start-up, so 1.0.0 becomes good.
    let (code, first, _) = f.run(130, &[]);
    assert_eq!(code, 0, "{first}");
    f.release("2.0.0", "trap_frame2");
    let (code, text, shot) = f.run(20, &[]);
    assert_eq!(code, 0, "the run goes on with the previous good bundle: {text}");
    assert_eq!(text.matches("recovered: frame").count(), 3, "{text}");
    assert!(text.contains("delivery: demoted version 2.0.0 (trapped at start-up 3 times)"), "{text}");
    assert!(summary(&text).contains("version=1.0.0"), "{text}");
    assert_eq!(pixel(&shot, 32, 24)[..3], [255, 0, 0], "the user sees 1.0.0");
    // The next launch does not try 2.0.0 again.
    let (code, again, _) = f.run(3, &[]);
    assert_eq!(code, 0, "{again}");
    assert!(again.contains("bundle demoted: version 2.0.0"), "{again}");
    assert!(!again.contains("recovered:"), "{again}");
}

#[test]
fn no_cache_and_no_server_is_exit_1_with_a_clear_message() {
    let mut f = Fixture::new("nothing");
    f.server = None;
    let (code, text, _) = f.run(3, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("error: no bundle to run: manifest unreachable"), "{text}");
}

/// `remote_assets.wat` (this crate's fixture): fetches `data/hello.txt`, loads
/// `images/crest.png` and `images/missing.png`, logs each answer whenever it comes.
fn remote_assets_fixture() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/remote_assets.wat");
    wat::parse_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fixture's answers all came, and said what the asset tree holds.
fn assert_fixture_answers(text: &str) {
    for line in [
        "bundle: fetch 1: 200, 17 bytes",
        "bundle: image 1 loaded 8x6",
        "bundle: image 2 failed: not found",
        "bundle: all answers arrived",
        "image 2 (images/missing.png): not found",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    assert!(summary(text).contains(" images_loaded=1 images_failed=1 "), "{text}");
}

#[test]
fn a_delivered_run_takes_its_assets_from_the_release_over_http() {
    let root = support::temp_dir("launch-remote-assets");
    let release_dir = root.join("release");
    let src = support::write_assets(&root.join("src-assets"));
    let bundle = root.join("remote_assets.wasm");
    std::fs::write(&bundle, remote_assets_fixture()).expect("write wasm");
    let key = SecretKey::generate().expect("key");
    touchline_desktop::delivery::signing::write_key_pair(&root.join("key"), &key, false).expect("key files");

    // `touchline release --assets SRC` lays the tree out beside the bundle and names it.
    let released = Command::new(env!("CARGO_BIN_EXE_touchline"))
        .args(["release", "--out"])
        .arg(&release_dir)
        .arg("--bundle")
        .arg(&bundle)
        .args(["--no-legacy-js", "--version", "1.0.0", "--key"])
        .arg(root.join("key.secret"))
        .arg("--assets")
        .arg(&src)
        .output()
        .expect("touchline release runs");
    let out = support::text(&released);
    assert!(released.status.success(), "{out}");
    assert!(out.contains("  assets    assets/"), "{out}");
    let manifest = Manifest::parse(&std::fs::read(release_dir.join("manifest.json")).expect("manifest"))
        .expect("a valid manifest");
    assert_eq!(manifest.assets.as_deref(), Some("assets/"));
    assert!(release_dir.join("assets/images/crest.png").is_file());

    let server = Server::start(&release_dir, "127.0.0.1:0", ServeOptions::default()).expect("serve");
    let manifest_url = format!("{}manifest.json", server.url());
    // No `assets` directory where the host runs: every answer must come over HTTP.
    let work = root.join("work");
    std::fs::create_dir_all(&work).expect("work dir");
    let shot = root.join("shot.png");
    let host = Path::new(env!("CARGO_BIN_EXE_touchline-desktop"));
    let cache = root.join("cache");
    let public = key.public().to_hex();
    let delivered = |extra: &[&std::ffi::OsStr]| {
        let mut args: Vec<&std::ffi::OsStr> = Vec::new();
        for arg in ["run", "--manifest", &manifest_url, "--cache"] {
            args.push(arg.as_ref());
        }
        args.push(cache.as_os_str());
        for arg in ["--public-key", &public, "--size", "64x48", "--frames", "1000", "--screenshot"] {
            args.push(arg.as_ref());
        }
        args.push(shot.as_os_str());
        args.extend_from_slice(extra);
        let output = support::run_host(host, &args, Some(&work));
        (output.status.code(), support::text(&output))
    };

    let (code, text) = delivered(&[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("delivery: running version 1.0.0"), "{text}");
    assert!(
        text.contains(&format!("fetch: {}assets/data/hello.txt -> 200 (17 bytes)", server.url())),
        "the fetch went over HTTP: {text}"
    );
    assert_fixture_answers(&text);
    let served: Vec<(String, Option<u16>)> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/assets/"))
        .map(|r| (r.path, r.status))
        .collect();
    for expected in [
        ("/assets/data/hello.txt", 200),
        ("/assets/images/crest.png", 200),
        ("/assets/images/missing.png", 404),
    ] {
        assert!(served.contains(&(expected.0.to_owned(), Some(expected.1))), "{expected:?} in {served:?}");
    }
    // The crest came over the network and is drawn: left half red, right half blue.
    assert_eq!(pixel(&shot, 20, 24)[..3], [255, 0, 0]);
    assert_eq!(pixel(&shot, 44, 24)[..3], [0, 0, 255]);

    // `--assets DIR` still wins over the manifest's: the same answers, from files.
    let before = server.requests().iter().filter(|r| r.path.starts_with("/assets/")).count();
    let (code, text) = delivered(&[std::ffi::OsStr::new("--assets"), src.as_os_str()]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("fetch: data/hello.txt -> 200 (17 bytes)"), "{text}");
    assert_fixture_answers(&text);
    let after = server.requests().iter().filter(|r| r.path.starts_with("/assets/")).count();
    assert_eq!(before, after, "nothing fetched from the release's assets");

    // `--assets URL` (a `/` appended) works without a manifest too.
    let root_url = format!("{}assets", server.url());
    let args = [
        std::ffi::OsStr::new("run"),
        bundle.as_os_str(),
        std::ffi::OsStr::new("--size=64x48"),
        std::ffi::OsStr::new("--frames=1000"),
        std::ffi::OsStr::new("--quiet"),
        std::ffi::OsStr::new("--assets"),
        std::ffi::OsStr::new(&root_url),
    ];
    let output = support::run_host(host, &args, Some(&work));
    let text = support::text(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert_fixture_answers(&text);
}
