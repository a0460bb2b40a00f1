//! Crash recovery in the desktop host, on the real app (the `fault-injection` build): a
//! panic, an endless loop and a memory bomb each end the instance; the host restarts it,
//! hands it the state it saved, and the user is back on the same page with focus on the same
//! tile, having seen one stale frame. The bus survives bad and oversized messages.

mod support;

use std::time::{Duration, Instant};

use touchline_abi::{BusSource, Key};
use touchline_desktop::bundle::TrapKind;
use touchline_desktop::session::{InjectedFault, virtual_time_us};
use touchline_desktop::{Bundle, BundleOptions, HostError, RunOptions, Session};

const FRAMES: u64 = 100;

fn session(faults: &[&str]) -> Session {
    let options = BundleOptions {
        width: 1280,
        height: 720,
        frame_budget: Duration::from_millis(300),
        memory_limit: 128 << 20,
        ..BundleOptions::default()
    };
    let bundle = Bundle::from_compiled(support::compiled(support::fault_bundle()), options)
        .expect("the fault bundle starts");
    let run = RunOptions {
        headless: true,
        quiet: true,
        size: (1280, 720),
        keys: vec![Key::Right, Key::Right],
        key_interval: 10,
        recover: true,
        faults: faults.iter().map(|f| f.parse::<InjectedFault>().expect("fault spec")).collect(),
        ..RunOptions::default()
    };
    Session::new(Box::new(bundle), run, Instant::now()).expect("session")
}

/// Runs the scripted session's next `frames` frames (the key script and virtual time go by
/// the frame index); returns the frames that were stale (the trap's).
fn run(session: &mut Session, frames: u64) -> Vec<u64> {
    let mut stale = Vec::new();
    let first = session.next_index();
    for index in first..first + frames {
        let events = session.options().scripted_events(index);
        let report = session.step(virtual_time_us(index), &events).expect("the session survives");
        // A recovered frame hands the renderer nothing: not even a list header.
        if report.bytes == 0 {
            stale.push(index);
        }
    }
    stale
}

fn pixels(session: &Session) -> Vec<u8> {
    session.renderer().pixmap().data().to_vec()
}

/// The user ends up where a run without the fault ends up: same page, same focused tile,
/// same pixels; the frame that trapped is the only one not drawn; the crash is reported. The
/// new instance starts from the start-up snapshot, so the equal pixels also say the snapshot
/// holds everything `touchline_init` built.
fn assert_recovers(fault: &str, kind: TrapKind) {
    let mut clean = session(&[]);
    run(&mut clean, FRAMES);
    let mut faulty = session(&[&format!("{fault}@40")]);
    let stale = run(&mut faulty, FRAMES);

    let crashes = faulty.crashes();
    assert_eq!(crashes.len(), 1, "{crashes:?}");
    assert_eq!((crashes[0].frame, crashes[0].kind, crashes[0].restored), (40, kind, true));
    assert!(crashes[0].from_snapshot, "the new instance starts from the start-up snapshot");
    assert!(crashes[0].recovery_ms.is_finite(), "a frame was drawn after the restart");
    assert_eq!(stale, [40], "only the trapping frame shows stale pixels");
    assert_eq!(faulty.announcements().last().map(String::as_str), Some("R Robin, tile, 3 of 4"));
    assert!(pixels(&faulty) == pixels(&clean), "the restored screen equals the one without a crash");
    assert_eq!(faulty.saved_state(), clean.saved_state(), "the new instance saves the same state");
    let telemetry = faulty.messages_to_js();
    assert!(
        telemetry.iter().any(|m| m.contains(r#""type":"crash""#) && m.contains(kind.name())),
        "the crash is reported to the JS VM: {telemetry:?}"
    );
}

#[test]
fn bundle_panics_on_frame_n() {
    assert_recovers("panic", TrapKind::Panic);
}

#[test]
fn infinite_loop_in_a_frame() {
    assert_recovers("loop", TrapKind::Watchdog);
}

#[test]
fn memory_bomb() {
    assert_recovers("oom", TrapKind::OutOfMemory);
}

#[test]
fn a_bundle_that_traps_at_every_start_is_given_up_on() {
    // Traps on frame 5 and every 10 frames after: never gets through its start-up.
    let mut session = session(&["panic@5/10"]);
    let mut outcome = Ok(());
    for index in 0..60 {
        if let Err(e) = session.step(virtual_time_us(index), &[]) {
            outcome = Err((index, e));
            break;
        }
    }
    let Err((index, HostError::StartupTraps { count, .. })) = outcome else {
        panic!("expected the host to give up, got {outcome:?}");
    };
    assert_eq!((index, count), (25, 3));
    assert_eq!(session.crashes().len(), 2, "two restarts before giving up");
    assert!(
        session.crashes()[0].restored && !session.crashes()[1].restored,
        "the second restart starts fresh"
    );
}

#[test]
fn malformed_bus_message() {
    let mut session = session(&[]);
    run(&mut session, 20);
    session.messages_to_js();
    session.post_to_bundle(BusSource::Js, "{not json");
    session.post_to_bundle(BusSource::Js, r#"{"no":"type"}"#);
    run(&mut session, 5);
    let to_js = session.messages_to_js();
    let reports = to_js.iter().filter(|m| m.contains("dropped a malformed message")).count();
    assert_eq!(reports, 2, "the bundle reports each one to JS: {to_js:?}");
    // Both sides keep running: a key still moves focus.
    let left = [touchline_abi::Event::key_down(Key::Left), touchline_abi::Event::key_up(Key::Left)];
    let report = session.step(virtual_time_us(session.next_index()), &left).expect("frame");
    assert!(!report.unchanged);
    assert!(session.crashes().is_empty());
}

#[test]
fn oversized_message() {
    let mut session = session(&[]);
    run(&mut session, 5);
    let huge = format!(r#"{{"type":"blob","data":"{}"}}"#, "x".repeat(70_000));
    session.post_to_bundle(BusSource::Js, &huge);
    run(&mut session, 5);
    assert_eq!(session.bus_counters(), (1, 0), "dropped at the host, counted");
    assert!(session.crashes().is_empty());
}

#[test]
fn js_throws() {
    // A legacy script that throws on every history message and echoes everything else.
    let script = r#"
        host.onMessage(function (m) {
            if (m.type === "history") { throw new Error("legacy code cannot read " + m.stack.length); }
            host.post({ type: "js.echo", of: m.type });
        });
    "#;
    let mut session = session(&[]);
    let js = touchline_desktop::legacy_js::LegacyJs::load(script, &Default::default()).expect("loads");
    session.set_legacy_js(js);
    run(&mut session, 30);
    let errors = session.legacy_js().map(|js| js.counters().errors);
    assert!(errors >= Some(1), "the throw was caught and counted: {errors:?}");
    assert_eq!(session.announcements().last().map(String::as_str), Some("R Robin, tile, 3 of 4"));
    // Both sides keep running: the bundle still answers keys, JS still gets messages.
    let left = [touchline_abi::Event::key_down(Key::Left), touchline_abi::Event::key_up(Key::Left)];
    session.step(virtual_time_us(session.next_index()), &left).expect("frame");
    run(&mut session, 5);
    assert_eq!(session.announcements().last().map(String::as_str), Some("S Sam, tile, 2 of 4"));
    assert!(session.legacy_js().is_some_and(|js| js.counters().delivered >= 2));
    assert!(session.crashes().is_empty());
}

#[test]
fn soak_with_a_crash_every_1000_keys() {
    // The CI-sized soak: 10,000 key presses, a panic every 1,000. (`touchline-desktop soak`
    // runs the 100,000-key one and prints the figures.)
    let options = BundleOptions { width: 640, height: 360, ..BundleOptions::default() };
    let bundle = Bundle::from_compiled(support::compiled(support::fault_bundle()), options).expect("starts");
    let mut session = touchline_desktop::soak::soak_session(bundle, (640, 360), 1000).expect("session");
    let report = touchline_desktop::soak::soak(&mut session, 10_000, 1000).expect("the soak runs");
    println!("{report:?}");
    assert_eq!((report.injected, report.recovered), (9, 9), "every crash recovered");
    assert!(report.rss_growth() < 8 << 20, "host RSS grew {} bytes after warm-up", report.rss_growth());
    assert!(report.bundle_growth() < 8 << 20, "bundle memory grew {} bytes", report.bundle_growth());
}
