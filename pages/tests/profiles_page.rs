//! The Profiles page, run natively: focus moves between tiles and OK chooses a profile; in the
//! app, OK then opens Home.

use touchline_abi::{DisplayListReader, Event, Key, command_summary};
use touchline_pages::{profiles, theme};
use touchline_ui::{App, View, provide_theme};

/// The page alone, as the example shows it.
fn page() -> View {
    provide_theme(theme::app_theme());
    profiles::profiles_page()
}

fn press(app: &mut App, frame: &mut u64, key: Key) {
    *frame += 1;
    app.frame(*frame * 16_667, &[Event::key_down(key), Event::key_up(key)], &[]);
}

#[test]
fn choosing_a_tile_updates_the_status_line() {
    let mut app = App::new(1920, 1080, page).expect("app starts");
    let mut frame = 0;
    let first = app.frame(0, &[], &[]).to_vec();
    let list = DisplayListReader::new(&first).expect("a valid display list");
    let summary = command_summary(&list);
    assert!(summary.rects >= 6, "background, four avatars and a focus ring: {summary:?}");
    assert!(summary.glyph_runs >= 6, "title, initials, names, status: {summary:?}");
    assert!(summary.atlas_uploads > 20, "glyphs are rasterized and uploaded: {summary:?}");

    assert!(app.engine().texts().contains(&"Choose a profile to start".to_owned()));
    assert_eq!(app.engine().focused_text().as_deref(), Some("A Alex"), "first tile starts focused");

    press(&mut app, &mut frame, Key::Right);
    press(&mut app, &mut frame, Key::Right);
    assert_eq!(app.engine().focused_text().as_deref(), Some("R Robin"));
    press(&mut app, &mut frame, Key::Select);
    assert!(app.engine().texts().contains(&"Watching as Robin".to_owned()), "{:?}", app.engine().texts());

    // Past the last tile focus stays put.
    for _ in 0..3 {
        press(&mut app, &mut frame, Key::Right);
    }
    assert_eq!(app.engine().focused_text().as_deref(), Some("K Kids"));
}

#[test]
fn in_the_app_ok_opens_home() {
    let mut app = App::new(1920, 1080, touchline_pages::app).expect("app starts");
    let mut frame = 0;
    app.frame(0, &[], &[]);
    press(&mut app, &mut frame, Key::Select);
    let texts = app.engine().texts();
    assert!(texts.contains(&"Touchline".to_owned()), "Home's header: {texts:?}");
    assert!(!texts.contains(&"Who's watching?".to_owned()), "the profiles are below, hidden: {texts:?}");
}

#[test]
fn an_idle_frame_is_flagged_unchanged_and_tiny() {
    let mut app = App::new(1280, 720, touchline_pages::app).expect("app starts");
    let first_len = app.frame(0, &[], &[]).len();
    app.frame(16_667, &[], &[]); // the first focus event is delivered here
    let idle = app.frame(33_333, &[], &[]).to_vec();
    let list = DisplayListReader::new(&idle).expect("valid");
    assert_eq!(list.header().flags as u32 & touchline_abi::FRAME_FLAG_UNCHANGED, 1);
    assert_eq!(list.header().command_count, 0);
    assert!(idle.len() < first_len);
}
