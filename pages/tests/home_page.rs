//! The Home page, run natively over the fixture catalog (`assets/examples/catalog`), with this
//! test as the host: it answers the page's fetches from the files and its image loads. The
//! rails show the real matches and goals, focus moves across them, OK opens a match, and a
//! catalog that cannot be fetched shows an error with Retry that works. Over a league-size
//! catalog made from it (the latency benchmark's), Home has over 1,000 nodes and a rail per
//! competition.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use touchline_abi::{Event, HostInput, Key, Request, read_requests};
use touchline_catalog::Catalog;
use touchline_catalog::league::league;
use touchline_pages::{data, home, theme};
use touchline_ui::prelude::*;
use touchline_ui::{App, Route, Router, provide_theme};

const FRAME: u64 = 16_667;

fn assets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets")
}

/// The app: the Home page (over the catalog at `base`) and a stand-in match page.
fn app(base: &'static str) -> App {
    App::new(1920, 1080, move || {
        provide_theme(theme::app_theme());
        data::provide_catalog(base);
        let router =
            Router::new(Route::new("home")).page("home", |_| home::home_page()).page("match", |route| {
                let id = route.param().to_owned();
                view! { <text focusable>{format!("match {id}")}</text> }
            });
        router.view()
    })
    .expect("app starts")
}

/// A request the page made that this host answers.
enum Asked {
    /// A fetch: its id and URL.
    Fetch(u32, String),
    /// An image load: its handle and URL.
    Image(u32, String),
}

/// The host's side: answers each frame's requests in the next frame.
struct Host {
    app: App,
    frame: u64,
    answers: HostInput,
    /// URLs the page fetched, in order.
    fetched: Vec<String>,
    /// Image URLs it asked for.
    images: Vec<String>,
    /// Whether fetches fail (the network is down).
    offline: bool,
    /// Bodies served from memory instead of the assets (a generated catalog), by URL.
    served: HashMap<String, Vec<u8>>,
    /// URL prefixes served from another folder: a league match's files are its base match's.
    aliases: Vec<(String, String)>,
}

impl Host {
    fn new(base: &'static str) -> Self {
        Host {
            app: app(base),
            frame: 0,
            answers: HostInput::new(),
            fetched: Vec::new(),
            images: Vec::new(),
            offline: false,
            served: HashMap::new(),
            aliases: Vec::new(),
        }
    }

    /// Home over the league of `competitions` × `matches` made from the fixture catalog, as
    /// `touchline-matchdata league` writes it (the same function), served from memory.
    fn league(competitions: usize, matches: usize) -> Self {
        let base: Catalog = serde_json::from_slice(
            &std::fs::read(assets().join("examples/catalog/catalog.json")).expect("the fixture catalog"),
        )
        .expect("it parses");
        let league = league(&base, competitions, matches);
        let mut host = Host::new("examples/catalog");
        let body = serde_json::to_vec(&league.catalog).expect("serializes");
        host.served.insert("examples/catalog/catalog.json".into(), body);
        for (summary, source) in league.catalog.matches.iter().zip(&league.repeats) {
            host.aliases.push((
                format!("examples/catalog/matches/{}/", summary.id),
                format!("examples/catalog/matches/{source}/"),
            ));
        }
        host
    }

    /// The file a URL names under the assets.
    fn path(&self, url: &str) -> PathBuf {
        let aliased = self
            .aliases
            .iter()
            .find_map(|(from, to)| url.strip_prefix(from.as_str()).map(|rest| to.clone() + rest));
        assets().join(aliased.as_deref().unwrap_or(url))
    }

    fn step(&mut self, events: &[Event]) {
        // Input first, then the answers to the last frame's requests, as hosts order them.
        let answers = std::mem::take(&mut self.answers);
        let mut all = events.to_vec();
        all.extend_from_slice(&answers.events);
        self.app.frame(self.frame * FRAME, &all, &answers.payload);
        self.frame += 1;
        // Owned, so the answers can be queued while the app's request buffer is not borrowed.
        let asked: Vec<Asked> = read_requests(self.app.engine().requests())
            .filter_map(|r| match r.expect("valid requests") {
                Request::Fetch { id, url, .. } => Some(Asked::Fetch(id, url.to_owned())),
                Request::LoadImage { handle, url } => Some(Asked::Image(handle, url.to_owned())),
                _ => None,
            })
            .collect();
        for request in asked {
            match request {
                Asked::Fetch(id, url) if self.offline => {
                    self.fetched.push(url);
                    self.answers.push_fetch_failed(id, touchline_abi::FetchError::Network);
                }
                Asked::Fetch(id, url) => {
                    let body = match self.served.get(&url) {
                        Some(body) => body.clone(),
                        None => std::fs::read(self.path(&url)).unwrap_or_else(|e| panic!("{url}: {e}")),
                    };
                    self.fetched.push(url);
                    self.answers.push_fetch_done(id, 200, &body);
                }
                Asked::Image(handle, url) => {
                    assert!(self.path(&url).is_file(), "the page asks for a picture that exists: {url}");
                    self.images.push(url);
                    self.answers.push(Event::image_loaded(handle, 480, 270));
                }
            }
        }
    }

    fn press(&mut self, key: Key) {
        self.step(&[Event::key_down(key), Event::key_up(key)]);
    }

    fn settle(&mut self) {
        for _ in 0..6 {
            self.step(&[]);
        }
    }

    fn texts(&self) -> Vec<String> {
        self.app.engine().texts()
    }

    fn focused(&self) -> String {
        self.app.engine().focused_text().unwrap_or_default()
    }

    fn nodes(&self) -> u32 {
        self.app.engine().stats().nodes
    }
}

#[test]
fn rails_show_the_catalog_and_focus_moves_across_them() {
    let mut host = Host::new("examples/catalog");
    host.settle();
    assert_eq!(host.fetched, ["examples/catalog/catalog.json"], "one fetch, at run time");
    let texts = host.texts();
    for expected in ["Latest matches", "Top moments", "By team", "France 4–2 Croatia", "Lewandowski 16:33"]
    {
        assert!(texts.iter().any(|t| t == expected), "{expected:?} in {texts:?}");
    }
    // Two competitions of one match each: no competition rails.
    assert!(!texts.iter().any(|t| t == "Bundesliga 2019/2020" || t == "FIFA World Cup 2018"), "{texts:?}");
    println!("Home over the fixture catalog: {} scene nodes", host.nodes());
    assert!(
        host.images.iter().any(|url| url == "examples/catalog/matches/france-croatia-2018/thumbnail.png")
    );
    assert!(
        host.focused().starts_with("Bayern Munchen 4–0 Dortmund"),
        "the latest match: {}",
        host.focused()
    );

    host.press(Key::Right);
    assert!(host.focused().starts_with("France 4–2 Croatia"), "{}", host.focused());
    host.press(Key::Down);
    assert!(
        host.focused().starts_with("Gnabry 46:06"),
        "index-aligned: the second moment: {}",
        host.focused()
    );
    host.press(Key::Down);
    assert!(host.focused().starts_with("Dortmund"), "the second team: {}", host.focused());
    host.press(Key::Up);
    host.press(Key::Up);
    assert!(host.focused().starts_with("France 4–2 Croatia"), "back up to the match: {}", host.focused());

    host.press(Key::Select);
    host.settle();
    assert!(host.texts().contains(&"match france-croatia-2018".to_owned()), "{:?}", host.texts());
    host.press(Key::Back);
    host.settle();
    assert!(host.focused().starts_with("France 4–2 Croatia"), "Back returns to the tile: {}", host.focused());
}

#[test]
fn a_failed_fetch_shows_retry_which_loads_the_catalog() {
    let mut host = Host::new("examples/catalog");
    host.offline = true;
    host.settle();
    assert!(!host.texts().iter().any(|t| t == "Latest matches"));
    assert!(host.focused().contains("Retry"), "Retry takes focus: {} in {:?}", host.focused(), host.texts());
    host.offline = false;
    host.press(Key::Select);
    host.settle();
    assert!(host.texts().iter().any(|t| t == "Latest matches"), "{:?}", host.texts());
    assert_eq!(host.fetched.len(), 2);
}

#[test]
fn a_league_size_catalog_gives_home_over_a_thousand_nodes_and_a_rail_per_competition() {
    let mut host = Host::league(8, 30);
    host.settle();
    let nodes = host.nodes();
    println!("Home over the league catalog (8 competitions x 30 matches): {nodes} scene nodes");
    assert!(nodes >= 1_000, "Home has {nodes} nodes");

    // The rails in order: the competitions between Top moments and By team.
    let texts = host.texts();
    let mut headings = vec!["Latest matches".to_owned(), "Top moments".to_owned()];
    headings.extend((1..=8).map(|c| format!("Benchmark League {c}")));
    headings.push("By team".to_owned());
    let at: Vec<usize> = headings
        .iter()
        .map(|h| texts.iter().position(|t| t == h).unwrap_or_else(|| panic!("{h:?} in {texts:?}")))
        .collect();
    assert!(at.windows(2).all(|pair| pair[0] < pair[1]), "{headings:?} in order at {at:?}");

    // Focus crosses every rail, index-aligned: the latest match, a moment, each league's
    // latest round, then the teams.
    assert!(host.focused().contains("Benchmark League 1 · Round 30"), "{}", host.focused());
    host.press(Key::Down);
    assert!(host.focused().starts_with("Lewandowski 16:33"), "the first moment: {}", host.focused());
    host.press(Key::Down);
    assert!(host.focused().contains("Benchmark League 1 · Round 30"), "{}", host.focused());
    host.press(Key::Right);
    assert!(host.focused().contains("Benchmark League 1 · Round 29"), "{}", host.focused());
    for league in 2..=8 {
        host.press(Key::Down);
        let focused = host.focused();
        assert!(focused.contains(&format!("Benchmark League {league} · Round 29")), "{focused}");
    }
    host.press(Key::Down);
    assert!(host.focused().ends_with("120 matches"), "a team, in 120 matches: {}", host.focused());
    host.press(Key::Up);
    assert!(host.focused().contains("Benchmark League 8 · Round 29"), "remembered: {}", host.focused());

    // OK opens the league match, as on Latest matches.
    host.press(Key::Select);
    host.settle();
    let opened = host.texts().into_iter().find(|t| t.starts_with("match ")).unwrap_or_default();
    assert!(opened.starts_with("match l8r29-"), "{opened:?} in {:?}", host.texts());
}
