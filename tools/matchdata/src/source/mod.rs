//! The two datasets read into one shape: a match's teams, halves, events with pitch positions
//! and, where the data has it, tracking. Everything after this (catalog, pictures, video)
//! works on [`MatchSource`] and never on a dataset's own format.
//!
//! Pitch coordinates are metres from the centre spot, x to the right of the screen (±52.5),
//! y up (±34), as a top-down camera sees the pitch with the home team attacking right in the
//! first half and left in the second. Times are `video_s`: seconds into the match video (see
//! `touchline_catalog`).

pub mod skillcorner;
pub mod wyscout;

use std::path::{Path, PathBuf};

use crate::DataError;

pub use touchline_catalog::{Credit, EventKind, Period, Player, Score, Side};

/// Half the pitch's length in metres.
pub const HALF_LENGTH_M: f32 = 52.5;
/// Half the pitch's width in metres.
pub const HALF_WIDTH_M: f32 = 34.0;

/// A match, read from its dataset.
#[derive(Clone, Debug)]
pub struct MatchSource {
    /// Stable id, the dataset folder's name (`france-croatia-2018`).
    pub id: String,
    /// Competition and stage.
    pub competition: String,
    /// Kick-off date, `YYYY-MM-DD`.
    pub date: String,
    /// Stadium.
    pub venue: String,
    /// Home team.
    pub home: TeamSource,
    /// Away team.
    pub away: TeamSource,
    /// The halves in order, back to back in the video.
    pub periods: Vec<Period>,
    /// Every event the data has, in time order: the notable ones carry a `kind`, the rest
    /// (passes, duels, …) only move the ball.
    pub events: Vec<SourceEvent>,
    /// Player and ball positions over time, when the data has them.
    pub tracking: Option<Tracking>,
    /// Who to credit, for the catalog and the About screen.
    pub credits: Vec<Credit>,
    /// Licence and attribution files to copy beside the catalog.
    pub licence_files: Vec<PathBuf>,
}

/// A team and its squad.
#[derive(Clone, Debug)]
pub struct TeamSource {
    /// Full name.
    pub name: String,
    /// Short name.
    pub short_name: String,
    /// Three letters.
    pub code: String,
    /// Shirt colour, `#rrggbb`.
    pub color: String,
    /// Shirt number colour, `#rrggbb`.
    pub number_color: String,
    /// Starters first, then substitutes.
    pub squad: Vec<Player>,
}

/// A point on the pitch (see the module docs for the axes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PitchPoint {
    /// Metres right of the centre spot.
    pub x: f32,
    /// Metres above the centre spot.
    pub y: f32,
}

/// Something that happened.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceEvent {
    /// When, in the video.
    pub video_s: f64,
    /// Which half.
    pub period: u8,
    /// Seconds into that half.
    pub period_s: f64,
    /// What, if it is notable; `None` for the events that only move the ball.
    pub kind: Option<EventKind>,
    /// The dataset's own name for it ("Pass", "Duel", "Shot").
    pub name: String,
    /// The acting player's team.
    pub side: Side,
    /// The acting player's name as shown ("K. Mbappé"), empty when unknown.
    pub player: String,
    /// More words ("Penalty", "Off: Gnabry").
    pub detail: Option<String>,
    /// Where the ball is when it happens.
    pub start: Option<PitchPoint>,
    /// Where the ball goes (the end of a pass, the goal for a shot).
    pub end: Option<PitchPoint>,
    /// The score once it has happened.
    pub score: Score,
}

/// Positions over time.
#[derive(Clone, Debug, Default)]
pub struct Tracking {
    /// Samples per second.
    pub hz: f64,
    /// Samples in time order, only those inside a half.
    pub frames: Vec<TrackingFrame>,
}

/// Positions at one moment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrackingFrame {
    /// When, in the video.
    pub video_s: f64,
    /// The ball, if the camera saw it.
    pub ball: Option<BallPosition>,
    /// The people the camera saw.
    pub people: Vec<TrackedPerson>,
}

/// The ball.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BallPosition {
    /// Where on the pitch.
    pub at: PitchPoint,
    /// Height in metres, when known.
    pub z: Option<f32>,
}

/// A player or a referee at one moment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrackedPerson {
    /// The tracker's id for this person, the same from sample to sample while the camera
    /// keeps them in view (the key to interpolate between samples).
    pub track: i64,
    /// Their team; `None` for a referee.
    pub side: Option<Side>,
    /// Shirt number, when known.
    pub number: Option<u8>,
    /// Where on the pitch.
    pub at: PitchPoint,
}

/// Reads a match folder of either dataset, told apart by its files: `events.json` is
/// Wyscout's, `tracking.json.gz` SkillCorner's. `with_tracking: false` skips the tracking.
pub fn load(dir: &Path, with_tracking: bool) -> Result<MatchSource, DataError> {
    if dir.join("events.json").is_file() {
        wyscout::load(dir)
    } else if dir.join("tracking.json.gz").is_file() {
        skillcorner::load_with(dir, with_tracking)
    } else {
        Err(DataError::invalid(
            dir,
            "neither events.json (Wyscout) nor tracking.json.gz (SkillCorner) is here",
        ))
    }
}

/// Reads every match folder in `root` (each sub-folder is one match), in name order.
pub fn load_all(root: &Path, with_tracking: bool) -> Result<Vec<MatchSource>, DataError> {
    let entries = std::fs::read_dir(root).map_err(|source| DataError::io(root, source))?;
    let mut dirs = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| DataError::io(root, source))?;
        if entry.path().is_dir() {
            dirs.push(entry.path());
        }
    }
    dirs.sort();
    dirs.iter().map(|dir| load(dir, with_tracking)).collect()
}

impl MatchSource {
    /// The video's length: both halves.
    pub fn duration_s(&self) -> f64 {
        self.periods.last().map_or(0.0, |period| period.start_s + period.duration_s)
    }

    /// The team on `side`.
    pub fn team(&self, side: Side) -> &TeamSource {
        match side {
            Side::Home => &self.home,
            Side::Away => &self.away,
        }
    }

    /// The score at `video_s`.
    pub fn score_at(&self, video_s: f64) -> Score {
        self.events
            .iter()
            .take_while(|event| event.video_s <= video_s)
            .last()
            .map_or(Score::default(), |event| event.score)
    }

    /// The broadcast clock at `video_s`, in seconds (2700 at the second half's kick-off).
    pub fn clock_s_at(&self, video_s: f64) -> f64 {
        touchline_catalog::clock_s_at(&self.periods, video_s)
    }
}

/// Parses a dataset's JSON file, naming the file in the error.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(path: &Path, bytes: &[u8]) -> Result<T, DataError> {
    serde_json::from_slice(bytes).map_err(|source| DataError::Json { path: path.to_owned(), source })
}

/// Reads and parses a dataset's JSON file.
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, DataError> {
    let bytes = std::fs::read(path).map_err(|source| DataError::io(path, source))?;
    parse_json(path, &bytes)
}

/// A match folder's name: the match's id.
pub(crate) fn dir_name(dir: &Path) -> String {
    dir.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Adds up the score along events in time order: each event's `score` becomes the score once
/// it has happened. An own goal counts for the other side.
pub(crate) fn accumulate_score(events: &mut [SourceEvent]) {
    let mut score = Score::default();
    for event in events {
        let scorer = match event.kind {
            Some(EventKind::Goal) => Some(event.side),
            Some(EventKind::OwnGoal) => Some(match event.side {
                Side::Home => Side::Away,
                Side::Away => Side::Home,
            }),
            _ => None,
        };
        match scorer {
            Some(Side::Home) => score.home += 1,
            Some(Side::Away) => score.away += 1,
            None => {}
        }
        event.score = score;
    }
}
