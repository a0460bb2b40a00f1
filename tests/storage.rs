//! The app's storage area in the desktop host (ABI 1.5), on the real app: the profile chosen
//! last is kept in the storage file and chosen again on the next run; a kept area that is not
//! JSON, or a file too large to be one, starts the app empty and is replaced by its next write.

mod support;

use std::path::Path;
use std::time::Instant;

use touchline_abi::Key;
use touchline_desktop::session::virtual_time_us;
use touchline_desktop::{Bundle, BundleOptions, RunOptions, Session};

/// Runs the app for `keys` (one every 10 frames) with its storage area in `storage`, 80 frames
/// (page transitions end); returns the last frame's pixels.
fn run(storage: Option<&Path>, keys: &[Key]) -> Vec<u8> {
    let options = BundleOptions { width: 1280, height: 720, ..BundleOptions::default() };
    let bundle =
        Bundle::from_compiled(support::compiled(support::bundle()), options).expect("the app starts");
    let run = RunOptions {
        headless: true,
        quiet: true,
        size: (1280, 720),
        keys: keys.to_vec(),
        key_interval: 10,
        frames: Some(80),
        storage: storage.map(Path::to_owned),
        ..RunOptions::default()
    };
    let frames = run.headless_frames();
    let mut session = Session::new(Box::new(bundle), run, Instant::now()).expect("session");
    for index in 0..frames {
        let events = session.options().scripted_events(index);
        session.step(virtual_time_us(index), &events).expect("a frame");
    }
    session.renderer().pixmap().data().to_vec()
}

#[test]
fn the_chosen_profile_is_kept_between_runs() {
    let dir = support::scratch("storage_kept");
    let file = dir.join("app.json");
    // OK chooses Sam and opens Home; Back returns to the profiles.
    let chosen = run(Some(&file), &[Key::Right, Key::Select, Key::Back]);
    assert_eq!(std::fs::read_to_string(&file).expect("the area was written"), r#"{"profile":"Sam"}"#);
    // The next run only moves to Sam: Sam is chosen already, from the kept area.
    let again = run(Some(&file), &[Key::Right]);
    assert!(again == chosen, "the kept choice is on screen as it was left");
    let fresh = run(None, &[Key::Right]);
    assert!(fresh != chosen, "without the area nothing is chosen");
}

#[test]
fn an_area_that_is_not_json_or_too_large_starts_empty_and_is_replaced() {
    let dir = support::scratch("storage_bad");
    let fresh = run(None, &[Key::Right]);
    for (name, bytes) in [("not_json.json", b"not json".to_vec()), ("too_large.json", vec![b'{'; 70_000])] {
        let file = dir.join(name);
        std::fs::write(&file, &bytes).expect("write");
        assert!(run(Some(&file), &[Key::Right]) == fresh, "{name}: the app starts empty");
        assert_eq!(std::fs::read(&file).expect("kept"), bytes, "{name}: nothing written without a change");
        run(Some(&file), &[Key::Right, Key::Select]);
        assert_eq!(std::fs::read_to_string(&file).expect("replaced"), r#"{"profile":"Sam"}"#, "{name}");
    }
}
