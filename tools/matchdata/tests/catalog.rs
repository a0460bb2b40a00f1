//! The catalog built from the real match data (`data/matches`): the goals the data's README
//! lists, scores, clip windows, the files written, and typed errors for broken input.

use std::path::{Path, PathBuf};

use touchline_catalog::{Catalog, EventKind, MatchDetails, Score};
use touchline_matchdata::picture::{Fonts, Painter};
use touchline_matchdata::{DataError, catalog, source};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/matches")
}

/// The goals in `data/matches/README.md`: match, clock, scorer's surname, own goal.
const README_GOALS: &[(&str, &str, &str, bool)] = &[
    ("bayern-dortmund-2019", "16:33", "Lewandowski", false),
    ("bayern-dortmund-2019", "46:06", "Gnabry", false),
    ("bayern-dortmund-2019", "75:19", "Lewandowski", false),
    ("bayern-dortmund-2019", "78:57", "Hummels", true),
    ("france-croatia-2018", "17:58", "Mandžukić", true),
    ("france-croatia-2018", "27:56", "Perišić", false),
    ("france-croatia-2018", "37:58", "Griezmann", false),
    ("france-croatia-2018", "58:36", "Pogba", false),
    ("france-croatia-2018", "64:37", "Mbappé", false),
    ("france-croatia-2018", "68:09", "Mandžukić", false),
];

fn site() -> (Vec<source::MatchSource>, catalog::Site) {
    let sources = source::load_all(&data_dir(), false).expect("the match data loads");
    let site = catalog::build(&sources);
    (sources, site)
}

fn details<'a>(site: &'a catalog::Site, id: &str) -> &'a MatchDetails {
    site.matches.iter().find(|m| m.summary.id == id).expect("the match is in the catalog")
}

#[test]
fn goals_are_the_ones_the_data_readme_lists() {
    let (_, site) = site();
    let mut goals = Vec::new();
    for details in &site.matches {
        for event in details.events.iter().filter(|event| event.kind.is_goal()) {
            let surname = event.player.rsplit(' ').next().unwrap_or_default().to_owned();
            goals.push((
                details.summary.id.clone(),
                event.clock.clone(),
                surname,
                event.kind == EventKind::OwnGoal,
            ));
        }
    }
    let expected: Vec<_> = README_GOALS
        .iter()
        .map(|&(id, clock, name, own)| (id.to_owned(), clock.to_owned(), name.to_owned(), own))
        .collect();
    assert_eq!(goals, expected);
}

#[test]
fn final_scores_and_the_score_after_each_goal() {
    let (_, site) = site();
    let bayern = details(&site, "bayern-dortmund-2019");
    let france = details(&site, "france-croatia-2018");
    assert_eq!(bayern.summary.score, Score { home: 4, away: 0 });
    assert_eq!(france.summary.score, Score { home: 4, away: 2 });
    // Mandžukić's own goal counts for France; his later goal for Croatia.
    let france_goals: Vec<Score> =
        france.events.iter().filter(|event| event.kind.is_goal()).map(|event| event.score).collect();
    let scores = [(1, 0), (1, 1), (2, 1), (3, 1), (4, 1), (4, 2)];
    assert_eq!(france_goals, scores.map(|(home, away)| Score { home, away }));
    assert_eq!(france.score_at(0.0), Score::default());
    assert_eq!(france.score_at(france.summary.duration_s), france.summary.score);
}

#[test]
fn highlights_are_in_order_with_clips_around_their_events() {
    let (_, site) = site();
    for details in &site.matches {
        let mut ids = std::collections::HashSet::new();
        let mut last = f64::MIN;
        for highlight in &details.highlights {
            assert!(ids.insert(highlight.id.clone()), "{} is unique", highlight.id);
            assert!(highlight.video_s >= last, "{} is in match order", highlight.id);
            last = highlight.video_s;
            assert!(highlight.clip.contains(highlight.video_s), "{}'s clip holds its event", highlight.id);
            assert!(highlight.clip.start_s >= 0.0 && highlight.clip.end_s <= details.summary.duration_s);
            assert_eq!(details.events[highlight.event].video_s, highlight.video_s);
        }
        let goals = details.highlights.iter().filter(|h| h.kind.is_goal()).count();
        let score = details.summary.score;
        assert_eq!(
            goals,
            usize::from(score.home + score.away),
            "{}: a highlight per goal",
            details.summary.id
        );
    }
}

#[test]
fn the_second_half_clock_restarts_at_45_minutes() {
    let (_, site) = site();
    let france = details(&site, "france-croatia-2018");
    let second = france.periods[1];
    assert_eq!(france.clock_at(second.start_s), "45:00");
    assert_eq!(france.clock_at(second.start_s - 1.0), "48:28", "first-half stoppage time runs on");
}

#[test]
fn top_moments_are_every_goal_latest_match_first() {
    let (_, site) = site();
    let ids: Vec<&str> = site.catalog.top_moments.iter().map(|moment| moment.match_id.as_str()).collect();
    assert_eq!(ids.len(), README_GOALS.len());
    assert!(ids.iter().take(4).all(|id| *id == "bayern-dortmund-2019"), "{ids:?}");
    assert_eq!(site.catalog.matches[0].id, "bayern-dortmund-2019", "2019 before 2018");
    assert_eq!(site.catalog.credits.len(), 2);
}

#[test]
fn writes_files_that_parse_back_and_keeps_the_licences() {
    let (sources, site) = site();
    let out = tempfile::tempdir().expect("temp dir");
    catalog::write(&site, &sources, out.path()).expect("writes");
    let text = std::fs::read_to_string(out.path().join("catalog.json")).expect("catalog.json");
    let catalog: Catalog = serde_json::from_str(&text).expect("catalog.json parses");
    assert_eq!(catalog, site.catalog);
    for summary in &catalog.matches {
        let text = std::fs::read_to_string(out.path().join(&summary.details)).expect("match.json");
        let details: MatchDetails = serde_json::from_str(&text).expect("match.json parses");
        assert_eq!(&details.summary, summary);
    }
    for file in ["bayern-dortmund-2019/LICENSE", "france-croatia-2018/LICENSE_CC-BY-4.0.txt"] {
        assert!(out.path().join("licences").join(file).is_file(), "{file} is copied");
    }
}

#[test]
fn broken_input_is_a_typed_error_naming_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = source::load(dir.path(), false).expect_err("an empty folder is no match");
    assert!(matches!(missing, DataError::Invalid { .. }), "{missing}");

    let broken = dir.path().join("broken");
    std::fs::create_dir(&broken).expect("mkdir");
    std::fs::write(broken.join("events.json"), "{\"events\": [").expect("write");
    let error = source::load(&broken, false).expect_err("truncated JSON");
    assert!(matches!(error, DataError::Json { .. }), "{error}");
    assert!(error.to_string().contains("events.json"), "{error}");

    std::fs::write(broken.join("events.json"), "{\"events\": [], \"teams\": {}, \"players\": {}}")
        .expect("write");
    let error = source::load(&broken, false).expect_err("no match.json");
    assert!(matches!(error, DataError::Io { .. }), "{error}");
}

#[test]
fn tracking_covers_both_halves_in_video_time() {
    let source = source::load(&data_dir().join("bayern-dortmund-2019"), true).expect("loads with tracking");
    let tracking = source.tracking.as_ref().expect("tracking");
    let first = tracking.frames.first().expect("frames");
    let last = tracking.frames.last().expect("frames");
    assert!(first.video_s.abs() < 1e-9);
    assert!((last.video_s - source.duration_s()).abs() < 0.2, "{} vs {}", last.video_s, source.duration_s());
    // At Lewandowski's first goal the ball is at the left goal (data README: x=-54.3).
    let goal = source.events.iter().find(|event| event.kind == Some(EventKind::Goal)).expect("a goal");
    let at_goal =
        tracking.frames.iter().find(|frame| (frame.video_s - goal.video_s).abs() < 0.05).expect("frame");
    let ball = at_goal.ball.expect("the camera saw the ball");
    assert!(ball.at.x < -50.0, "{ball:?}");
    assert!(at_goal.people.iter().any(|person| person.number == Some(9)), "Lewandowski (9) is tracked");
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).expect("readable dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).expect("under dir").to_owned());
            }
        }
    }
    out.sort();
    out
}

/// The examples and page tests run over `assets/examples/catalog`, a copy of the catalog. It
/// must be what the tool writes today: regenerate it with
/// `cargo run -p touchline-matchdata -- build --out assets/examples/catalog`.
#[test]
fn the_example_catalog_is_what_the_tool_writes() {
    let sources = source::load_all(&data_dir(), true).expect("loads");
    let site = catalog::build(&sources);
    let out = tempfile::tempdir().expect("temp dir");
    catalog::write(&site, &sources, out.path()).expect("writes");
    let mut painter = Painter::new(Fonts::load(&Fonts::default_dir()).expect("fonts"));
    catalog::write_pictures(&site, &sources, out.path(), &mut painter, (480, 270)).expect("pictures");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/examples/catalog");
    let written = files(out.path());
    assert_eq!(files(&fixture), written, "the same files");
    for file in &written {
        let same = std::fs::read(fixture.join(file)).ok() == std::fs::read(out.path().join(file)).ok();
        assert!(same, "{} differs from what the tool writes", file.display());
    }
}
