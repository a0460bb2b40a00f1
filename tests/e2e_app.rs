//! The whole app, end to end, through the desktop host: the real bundle on wasmtime, the
//! catalog, pictures and full-length match videos as `touchline-matchdata` writes them (small
//! videos, the real timeline), and a remote pressing keys.
//!
//! - profile → Home → France–Croatia → highlight reel: the reel shows the six goals' title
//!   cards in match order, and when each card shows, the host's player is inside that goal's
//!   clip window (read from the catalog, not from the app);
//! - Watch match → next highlight three times: the player is inside the third highlight's
//!   window; Back keeps the position, and Home and the match page offer to resume it;
//! - seeking past the end stops at the end;
//! - a team's page and Settings open from Home;
//! - Back from each page returns to the tile or button that was focused.
//!
//! Screenshots of each page are compared with reviewed goldens (`tests/goldens/app/`; written
//! only by `BLESS=1 cargo test --test e2e_app`, from this run's screenshots, then reviewed by eye).
//!
//! Time is virtual: each frame is 50 ms, so the reel's two minutes take a few seconds.

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use touchline::abi::{Event, Key, VideoState};
use touchline::desktop::bundle::{Bundle, BundleOptions};
use touchline::desktop::session::{RunOptions, Session};

/// Virtual time per frame.
const FRAME_US: u64 = 50_000;
/// Virtual time per frame while the test only waits for the video to play on: the reel's
/// clips end on the position, whatever the frame rate, and fewer frames keep the test fast.
const COARSE_FRAME_US: u64 = 250_000;
const MATCH: &str = "france-croatia-2018";

/// Screenshots against the goldens: hosts' video scaling and text rasterizing may move edges
/// slightly (as in `hosts_agree`).
const TOLERANCE: support::Tolerance =
    support::Tolerance { threshold: 32, max_fraction_over: 0.002, max_mean_diff: 0.3 };

/// A highlight as the catalog gives it.
#[derive(Clone, Debug)]
struct Highlight {
    id: String,
    kind: String,
    title: String,
    start_ms: u64,
    end_ms: u64,
}

/// The match's highlights and video length, from the catalog the tool wrote.
fn catalog_match(media: &Path) -> (Vec<Highlight>, u64) {
    let path = media.join(format!("catalog/matches/{MATCH}/match.json"));
    let details: Value = serde_json::from_slice(&std::fs::read(&path).expect("match.json")).expect("json");
    let ms = |v: &Value| (v.as_f64().expect("seconds") * 1000.0).round() as u64;
    let highlights = details["highlights"]
        .as_array()
        .expect("highlights")
        .iter()
        .map(|h| Highlight {
            id: h["id"].as_str().expect("id").to_owned(),
            kind: h["kind"].as_str().expect("kind").to_owned(),
            title: h["title"].as_str().expect("title").to_owned(),
            start_ms: ms(&h["clip"]["start_s"]),
            end_ms: ms(&h["clip"]["end_s"]),
        })
        .collect();
    (highlights, ms(&details["summary"]["duration_s"]))
}

/// The TV: the desktop host's session over the app bundle, and what the app told the JS VM.
struct Tv {
    session: Session,
    /// The next frame's time.
    time_us: u64,
    /// Virtual time per frame.
    frame_us: u64,
    /// Every bus message, in order.
    messages: Vec<Value>,
    shots: PathBuf,
}

impl Tv {
    fn new(name: &str) -> Self {
        let media = support::match_media();
        let bundle = Bundle::from_compiled(support::compiled(support::bundle()), BundleOptions::default())
            .expect("the bundle starts");
        let options = RunOptions {
            headless: true,
            size: (1920, 1080),
            quiet: true,
            assets: media.to_owned(),
            ..RunOptions::default()
        };
        let session = Session::new(Box::new(bundle), options, std::time::Instant::now()).expect("session");
        Tv { session, time_us: 0, frame_us: FRAME_US, messages: Vec::new(), shots: support::scratch(name) }
    }

    fn step(&mut self, events: &[Event]) {
        self.session.step(self.time_us, events).expect("a frame");
        self.time_us += self.frame_us;
        for text in self.session.messages_to_js() {
            self.messages.push(serde_json::from_str(&text).expect("bus messages are JSON"));
        }
    }

    fn wait(&mut self, seconds: f64) {
        let until = self.time_us + (seconds * 1e6) as u64;
        while self.time_us < until {
            self.step(&[]);
        }
    }

    /// Runs frames until `done`, for at most `seconds`.
    fn wait_until(&mut self, what: &str, seconds: f64, done: impl Fn(&Tv) -> bool) {
        let last = self.time_us + (seconds * 1e6) as u64;
        while !done(self) {
            assert!(self.time_us < last, "waited {seconds} s for {what}; focus {:?}", self.focused());
            self.step(&[]);
        }
    }

    fn press(&mut self, key: Key) {
        self.step(&[Event::key_down(key)]);
        self.step(&[Event::key_up(key)]);
        self.wait(0.3);
    }

    /// The page on top: its name and parameter.
    fn route(&self) -> (String, String) {
        let history = self.messages.iter().rev().find(|m| m["type"] == "history").expect("a history message");
        let top = history["stack"].as_array().and_then(|s| s.last()).expect("a page");
        (top["page"].as_str().unwrap_or("").to_owned(), top["param"].as_str().unwrap_or("").to_owned())
    }

    /// What the screen reader said last: the focused element.
    fn focused(&self) -> String {
        self.session.announcements().last().cloned().unwrap_or_default()
    }

    fn position_ms(&self) -> u64 {
        self.session.video().position_ms().expect("a video is open")
    }

    fn highlight_views(&self, via: &str) -> Vec<&Value> {
        self.messages.iter().filter(|m| m["type"] == "highlight_view" && m["via"] == via).collect()
    }

    /// Compares the screen with `tests/goldens/app/NAME.png` (or writes it when blessing).
    fn check_screen(&self, name: &str) {
        let shot = self.shots.join(format!("{name}.png"));
        self.session.write_screenshot(&shot).expect("screenshot");
        if let Err(e) = support::compare_with_golden(&shot, &format!("app/{name}.png"), TOLERANCE) {
            panic!("{name}: the screen differs: {e}");
        }
    }

    /// Runs frames until the host plays the video.
    fn wait_for_playback(&mut self) {
        self.wait_until("playback", 10.0, |tv| tv.session.video().state() == Some(VideoState::Playing));
    }

    /// From launch to Home: choose the first profile; Home shows the catalog, the latest
    /// match focused. Both pages are checked against their goldens.
    fn open_home(&mut self) {
        self.wait_until("the profiles", 5.0, |tv| tv.focused().contains("Alex"));
        self.check_screen("profiles");
        self.press(Key::Select);
        assert_eq!(self.route().0, "home");
        self.wait_until("the catalog", 5.0, |tv| tv.focused().starts_with("Bayern Munchen 4–0 Dortmund"));
        self.wait(1.0);
        self.check_screen("home");
    }

    /// OK on the focused tile or button opens `page` (checked against its golden); Back
    /// returns to Home.
    fn visit_from_home(&mut self, page: &str) {
        self.press(Key::Select);
        assert_eq!(self.route().0, page);
        self.wait(1.0);
        self.check_screen(page);
        self.press(Key::Back);
        assert_eq!(self.route().0, "home");
    }

    /// From launch to France–Croatia's page: Home, the second match, open it.
    fn open_france_croatia(&mut self) {
        self.open_home();
        self.press(Key::Right);
        assert!(self.focused().starts_with("France 4–2 Croatia"), "{}", self.focused());
        self.press(Key::Select);
        assert_eq!(self.route(), ("match".to_owned(), MATCH.to_owned()));
        self.wait_until("the match", 5.0, |tv| tv.focused().starts_with("Watch match"));
    }
}

#[test]
fn the_reel_plays_the_six_goals_in_order_inside_their_windows() {
    let mut tv = Tv::new("e2e_reel");
    let (highlights, _) = catalog_match(support::match_media());
    let goals: Vec<&Highlight> =
        highlights.iter().filter(|h| h.kind == "goal" || h.kind == "own_goal").collect();
    assert_eq!(goals.len(), 6, "France 4–2 Croatia has six goals");

    tv.open_france_croatia();
    tv.wait(1.0);
    tv.check_screen("match_details");
    tv.press(Key::Right);
    assert!(tv.focused().starts_with("Highlight reel"), "{}", tv.focused());
    tv.press(Key::Select);
    assert_eq!(tv.route(), ("reel".to_owned(), MATCH.to_owned()));

    tv.frame_us = COARSE_FRAME_US;
    for (i, goal) in goals.iter().enumerate() {
        tv.wait_until(&format!("goal {}'s title card", i + 1), 60.0, |tv| {
            tv.highlight_views("reel").len() > i
        });
        let card = tv.highlight_views("reel")[i].clone();
        assert_eq!(card["highlight"], goal.id.as_str(), "card {} is the next goal in match order", i + 1);
        assert_eq!((card["index"].as_u64(), card["count"].as_u64()), (Some(i as u64), Some(6)));
        // The card shows for 2.5 s over the paused video at the clip's start.
        tv.wait(1.0);
        let at = tv.position_ms();
        assert!(
            (goal.start_ms..=goal.end_ms).contains(&at),
            "at {}'s title card the player is at {at} ms, outside its window {}..={} ms",
            goal.id,
            goal.start_ms,
            goal.end_ms
        );
        if i == 3 {
            tv.check_screen("reel_title_card");
        }
    }
    tv.wait_until("the end of the reel", 60.0, |tv| tv.focused().starts_with("Play again"));
    tv.frame_us = FRAME_US;
    tv.wait(1.0);
    assert_eq!(tv.highlight_views("reel").len(), 6, "six cards, no more");
    tv.check_screen("reel_end");

    // Back to the match page, its reel button focused as it was left.
    tv.press(Key::Back);
    assert_eq!(tv.route().0, "match");
    assert!(tv.focused().starts_with("Highlight reel"), "{}", tv.focused());
}

#[test]
fn playback_jumps_between_highlights_resumes_and_stops_at_the_end() {
    let mut tv = Tv::new("e2e_playback");
    let (highlights, duration_ms) = catalog_match(support::match_media());

    tv.open_france_croatia();
    tv.press(Key::Select);
    assert_eq!(tv.route(), ("watch".to_owned(), format!("{MATCH}/start")));
    tv.wait_for_playback();

    for _ in 0..3 {
        tv.press(Key::Down);
    }
    let third = &highlights[2];
    let at = tv.position_ms();
    assert!(
        (third.start_ms..=third.end_ms).contains(&at),
        "after three jumps the player is at {at} ms, outside the third highlight's window {third:?}"
    );
    let jumps: Vec<&str> =
        tv.highlight_views("jump").iter().filter_map(|m| m["highlight"].as_str()).collect();
    assert_eq!(jumps, [&highlights[0].id, &highlights[1].id, &highlights[2].id]);
    // The focused marker's label animates in; 0.65 s after the key it has settled, and the
    // device host's session (native-host/device/tests/app_session.cc) takes this golden's
    // screenshot as long after its key.
    tv.wait(0.25);
    tv.check_screen("playback_overlay");

    // A jump focuses the highlight's marker; Back returns to the playhead, and Back again
    // leaves, keeping the position: the match page offers to resume there.
    assert!(tv.focused().contains(&third.title), "the third marker is focused: {}", tv.focused());
    tv.press(Key::Back);
    assert_eq!(tv.route().0, "watch");
    assert!(tv.focused().starts_with("Playback position"), "{}", tv.focused());
    let left_at = tv.position_ms();
    tv.press(Key::Back);
    assert_eq!(tv.route().0, "match");
    assert!(tv.focused().starts_with("Resume"), "the watch button offers to resume: {}", tv.focused());
    tv.press(Key::Select);
    assert_eq!(tv.route(), ("watch".to_owned(), MATCH.to_owned()));
    tv.wait_for_playback();
    let resumed = tv.position_ms();
    assert!(resumed.abs_diff(left_at) <= 2_000, "resumed at {resumed} ms, left at {left_at} ms");

    // To the last highlight, then on past the end: the player stops at the end.
    for _ in 0..highlights.len() {
        tv.press(Key::Down);
    }
    let last = highlights.last().expect("highlights");
    assert!((last.start_ms..=last.end_ms).contains(&tv.position_ms()), "at the last highlight");
    tv.press(Key::Back);
    assert!(tv.focused().starts_with("Playback position"), "{}", tv.focused());
    for _ in 0..((duration_ms - last.start_ms) / 10_000 + 3) {
        tv.press(Key::Right);
    }
    assert_eq!(tv.position_ms(), duration_ms, "seeking past the end stops at the end");
    assert_eq!(tv.session.video().state(), Some(VideoState::Ended));

    // Back to the match page, then Home, on the tile that was focused.
    tv.press(Key::Back);
    assert_eq!(tv.route().0, "match");
    tv.press(Key::Back);
    assert_eq!(tv.route().0, "home");
    assert!(tv.focused().starts_with("France 4–2 Croatia"), "the France tile again: {}", tv.focused());
}

#[test]
fn a_team_page_and_settings_open_from_home_and_back_returns_to_their_buttons() {
    let mut tv = Tv::new("e2e_pages");
    tv.open_home();

    // Down twice: the first team of "By team"; OK opens its page.
    tv.press(Key::Down);
    tv.press(Key::Down);
    let team_tile = tv.focused();
    assert!(team_tile.contains("tile"), "a team tile: {team_tile}");
    tv.visit_from_home("team");
    assert_eq!(tv.focused(), team_tile, "Back returns to the team tile");

    // Down once more: the Settings button under the rails.
    tv.press(Key::Down);
    assert!(tv.focused().starts_with("Settings"), "{}", tv.focused());
    tv.visit_from_home("settings");
    assert!(tv.focused().starts_with("Settings"), "Back returns to the Settings button: {}", tv.focused());
}
