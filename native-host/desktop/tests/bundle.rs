//! The bundle runner on tiny hand-written modules (tests/fixtures/*.wat).

use std::path::{Path, PathBuf};

use touchline_abi::{Event, Key};
use touchline_desktop::{Bundle, BundleOptions, EngineKind, FrameSource, HostError, Renderer};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(format!("{name}.wat"));
    wat::parse_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Writes `bytes` to a fresh file in a per-test temp dir.
fn temp_file(test: &str, name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("touchline-desktop-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write temp file");
    path
}

fn small(engine: EngineKind) -> BundleOptions {
    BundleOptions { width: 64, height: 48, engine, ..BundleOptions::default() }
}

fn load(name: &str) -> Result<Bundle, HostError> {
    Bundle::from_bytes(&fixture(name), small(EngineKind::Cranelift))
}

fn pixel(r: &Renderer, x: u32, y: u32) -> [u8; 4] {
    let c = r.pixmap().pixel(x, y).expect("inside").demultiply();
    [c.red(), c.green(), c.blue(), c.alpha()]
}

fn renders_red_rect(engine: EngineKind) {
    let path = temp_file(&format!("minimal-{engine:?}"), "minimal.wasm", &fixture("minimal"));
    let mut bundle = Bundle::load(&path, small(engine)).expect("minimal bundle loads");
    assert_eq!(bundle.abi_version(), (1, 0));
    assert_eq!(bundle.viewport(), (64, 48));
    let list = bundle.frame(0, &[], &[]).expect("frame 0").to_vec();
    assert_eq!(list.len(), 64);
    let mut renderer = Renderer::new(64, 48).expect("renderer");
    let stats = renderer.render(&list).expect("renders");
    assert_eq!(stats.commands, 1);
    assert_eq!(pixel(&renderer, 32, 24), [255, 0, 0, 255], "the rect is red");
    assert_eq!(pixel(&renderer, 2, 2), [0, 0, 0, 255], "outside is black");
    assert_eq!(pixel(&renderer, 8, 8), [255, 0, 0, 255]);
    assert_eq!(pixel(&renderer, 56, 40), [0, 0, 0, 255]);

    // Events reach the bundle's input buffer: Right turns the rect green for that frame.
    let green = bundle
        .frame(16_666, &[Event::key_down(Key::Right), Event::key_up(Key::Right)], &[])
        .expect("frame 1");
    renderer.render(green).expect("renders");
    assert_eq!(pixel(&renderer, 32, 24), [0, 255, 0, 255]);
    let red = bundle.frame(33_333, &[Event::key_down(Key::Left)], &[]).expect("frame 2");
    renderer.render(red).expect("renders");
    assert_eq!(pixel(&renderer, 32, 24), [255, 0, 0, 255]);

    let t = bundle.timings();
    assert!(t.compile_ms > 0.0 && t.instantiate_ms > 0.0, "{t:?}");
}

#[test]
fn minimal_bundle_renders_a_red_rect() {
    renders_red_rect(EngineKind::Cranelift);
}

#[test]
fn minimal_bundle_runs_on_pulley() {
    renders_red_rect(EngineKind::Pulley);
}

#[test]
fn wrong_abi_major_is_refused_before_anything_runs() {
    let e = load("wrong_abi").expect_err("ABI 2.0 must be refused");
    assert!(matches!(e, HostError::AbiMismatch { bundle_major: 2, bundle_minor: 0 }), "{e:?}");
    assert_eq!(e.to_string(), "bundle speaks ABI 2.0, this host speaks 1.x");
    assert!(e.is_load_error());
}

#[test]
fn not_wasm_and_missing_files_are_refused() {
    let path = temp_file("notwasm", "notes.wasm", b"this is not a wasm module\n");
    let e = Bundle::load(&path, small(EngineKind::Cranelift)).expect_err("text is not wasm");
    assert!(matches!(e, HostError::NotWasm { .. }), "{e:?}");
    assert!(e.to_string().contains("is not a wasm module"), "{e}");

    let missing = path.with_file_name("does-not-exist.wasm");
    let e = Bundle::load(&missing, small(EngineKind::Cranelift)).expect_err("missing file");
    assert!(matches!(e, HostError::MissingFile { .. }), "{e:?}");

    // The right magic with garbage after it fails to compile, as a typed error.
    let e = Bundle::from_bytes(b"\0asm\x01\0\0\0\xff\xff\xff", small(EngineKind::Cranelift))
        .expect_err("garbage module");
    assert!(matches!(e, HostError::Compile(_)), "{e:?}");
}

#[test]
fn missing_export_is_named() {
    let e = load("missing_export").expect_err("no touchline_frame");
    match &e {
        HostError::MissingExport { name, .. } => assert_eq!(*name, "touchline_frame"),
        other => panic!("expected MissingExport, got {other:?}"),
    }
    assert!(e.is_load_error());
}

#[test]
fn trap_in_frame_is_a_typed_trap_and_the_instance_stays_dead() {
    let mut bundle = load("trap_frame").expect("loads (ABI 1.3 is fine)");
    assert_eq!(bundle.abi_version(), (1, 3));
    bundle.frame(0, &[], &[]).expect("frame 0 is good");
    let e = bundle.frame(40_000, &[], &[]).expect_err("frame at 40 ms traps");
    match &e {
        HostError::Trap { during, message } => {
            assert_eq!(*during, "touchline_frame");
            assert!(message.contains("unreachable"), "trap message names the cause: {message}");
        }
        other => panic!("expected a trap, got {other:?}"),
    }
    assert!(!e.is_load_error());
    assert!(
        matches!(bundle.frame(0, &[], &[]), Err(HostError::Trap { .. })),
        "a trapped instance stays dead"
    );
}

#[test]
fn frame_output_outside_memory_is_bad_output() {
    let mut bundle = load("bad_output").expect("loads");
    let e = bundle.frame(0, &[], &[]).expect_err("pointer outside memory");
    assert!(matches!(e, HostError::BadOutput(_)), "{e:?}");
    assert!(e.to_string().contains("outside linear memory"), "{e}");
}

#[test]
fn wasi_imports_are_linked() {
    let mut bundle = load("wasi_hello").expect("a module importing WASI loads");
    assert_eq!(bundle.frame(0, &[], &[]).expect("frame").len(), 64);
}

#[test]
fn a_frame_stuck_in_a_loop_is_interrupted() {
    for engine in [EngineKind::Cranelift, EngineKind::Pulley] {
        let options = BundleOptions { call_timeout: std::time::Duration::from_millis(200), ..small(engine) };
        let mut bundle = Bundle::from_bytes(&fixture("spin"), options).expect("loads");
        let started = std::time::Instant::now();
        let e = bundle.frame(0, &[], &[]).expect_err("interrupted");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{engine:?} took {:?}",
            started.elapsed()
        );
        match &e {
            HostError::Trap { during, message } => {
                assert_eq!(*during, "touchline_frame");
                assert!(message.contains("time limit"), "{message}");
            }
            other => panic!("expected a trap, got {other:?}"),
        }
    }
}
