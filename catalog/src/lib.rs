//! The match catalog the app fetches at run time: what `touchline-matchdata` writes and
//! `touchline serve` (or any CDN) serves, and what the pages read.
//!
//! Layout of a catalog directory (every URL in it is relative to the catalog's root):
//!
//! ```text
//! catalog.json                      Catalog: every match, the top moments, the credits
//! matches/<id>/match.json           MatchDetails: squads, event timeline, highlights
//! matches/<id>/thumbnail.png        the match tile's picture
//! matches/<id>/moments/<n>.png      one picture per highlight
//! matches/<id>/video.webm           the match video (its timeline is `video_s` below)
//! ```
//!
//! Times: every `video_s` is seconds into the match video, which is the match itself played
//! back to back: the first half from its kick-off, the second half straight after the first
//! half's final whistle. `clock` is what a broadcast shows at that moment ("58:36"; the second
//! half's clock starts at 45:00), so stoppage time shows as "47:13".

use serde::{Deserialize, Serialize};

pub mod league;

/// The version of this schema; a catalog with another major version is not read.
pub const SCHEMA_VERSION: u32 = 1;

/// `catalog.json`: the whole catalog.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    /// [`SCHEMA_VERSION`] of the writer.
    pub version: u32,
    /// Every match, latest first.
    pub matches: Vec<MatchSummary>,
    /// Goal clips across all matches, latest match first, in match order within a match.
    pub top_moments: Vec<Moment>,
    /// Where the data comes from; shown in Settings → About.
    pub credits: Vec<Credit>,
}

/// A match as a tile shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatchSummary {
    /// Stable id, also the folder name (`france-croatia-2018`).
    pub id: String,
    /// Competition and stage, joined by " · " ("FIFA World Cup 2018 · Final"); see
    /// [`MatchSummary::competition_name`].
    pub competition: String,
    /// Kick-off date, `YYYY-MM-DD`.
    pub date: String,
    /// Stadium.
    pub venue: String,
    /// Home team.
    pub home: TeamSummary,
    /// Away team.
    pub away: TeamSummary,
    /// Final score.
    pub score: Score,
    /// Length of the match video in seconds.
    pub duration_s: f64,
    /// URL of [`MatchDetails`].
    pub details: String,
    /// URL of the match video.
    pub video: String,
    /// URL of the tile's picture.
    pub thumbnail: String,
}

impl MatchSummary {
    /// The competition without its stage: "FIFA World Cup 2018" of "FIFA World Cup 2018 ·
    /// Final". Matches of one competition share it whatever their round.
    pub fn competition_name(&self) -> &str {
        self.competition.split(" · ").next().unwrap_or_default().trim()
    }
}

/// A team as a tile shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamSummary {
    /// Full name ("FC Bayern München").
    pub name: String,
    /// Short name for tight spaces ("Bayern").
    pub short_name: String,
    /// Three letters ("FCB").
    pub code: String,
    /// Kit colour, `#rrggbb`.
    pub color: String,
}

/// Goals of the home and the away team.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    /// Home team's goals.
    pub home: u8,
    /// Away team's goals.
    pub away: u8,
}

impl core::fmt::Display for Score {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}–{}", self.home, self.away)
    }
}

/// Which team.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The home team.
    Home,
    /// The away team.
    Away,
}

/// A goal clip on the Home page's "Top moments" rail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Moment {
    /// The match it is from.
    pub match_id: String,
    /// The highlight's id within the match.
    pub highlight_id: String,
    /// "Pogba 58:36".
    pub title: String,
    /// "France 3–1 Croatia" (the score after it).
    pub subtitle: String,
    /// The clip in the match video.
    pub clip: Clip,
    /// URL of the moment's picture.
    pub thumbnail: String,
    /// URL of the match video.
    pub video: String,
}

/// Where some data comes from and under what licence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    /// What it covers ("France 4–2 Croatia: match events").
    pub what: String,
    /// Who made it, as they ask to be credited.
    pub source: String,
    /// Licence name ("CC BY 4.0").
    pub licence: String,
}

/// `matches/<id>/match.json`: everything the match pages show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatchDetails {
    /// The tile's data.
    pub summary: MatchSummary,
    /// The halves, in order.
    pub periods: Vec<Period>,
    /// Home team's squad.
    pub home_squad: Vec<Player>,
    /// Away team's squad.
    pub away_squad: Vec<Player>,
    /// Notable events in match order: goals, shots, saves, cards, substitutions, corners,
    /// fouls, offsides. The timeline's markers.
    pub events: Vec<MatchEvent>,
    /// Events worth a clip, in match order: goals, shots, saves, cards, substitutions.
    pub highlights: Vec<Highlight>,
}

/// One half.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Period {
    /// 1 or 2.
    pub number: u8,
    /// Where it starts in the video.
    pub start_s: f64,
    /// How long it lasted, stoppage time included.
    pub duration_s: f64,
    /// What the clock shows at its kick-off (0 or 2700).
    pub clock_start_s: f64,
}

/// A player in a squad.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Player {
    /// Shirt number, when the data has it.
    pub number: Option<u8>,
    /// Name as shown ("K. Mbappé").
    pub name: String,
    /// Position ("Goalkeeper", "Defender", …, or the data's own code).
    pub role: String,
    /// In the starting eleven.
    pub starter: bool,
}

/// Kinds of event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A goal (penalties included).
    Goal,
    /// An own goal; `side` is the team of the player who scored it, the other team gains.
    OwnGoal,
    /// A shot that did not score.
    Shot,
    /// A goalkeeper's save.
    Save,
    /// A yellow card.
    YellowCard,
    /// A red card (second yellows included).
    RedCard,
    /// A substitution; `player` comes on, `detail` names who goes off.
    Substitution,
    /// A corner kick.
    Corner,
    /// A foul.
    Foul,
    /// An offside.
    Offside,
}

impl EventKind {
    /// Whether it changes the score.
    pub fn is_goal(self) -> bool {
        matches!(self, Self::Goal | Self::OwnGoal)
    }

    /// A short label for markers and title cards.
    pub fn label(self) -> &'static str {
        match self {
            Self::Goal => "Goal",
            Self::OwnGoal => "Own goal",
            Self::Shot => "Shot",
            Self::Save => "Save",
            Self::YellowCard => "Yellow card",
            Self::RedCard => "Red card",
            Self::Substitution => "Substitution",
            Self::Corner => "Corner",
            Self::Foul => "Foul",
            Self::Offside => "Offside",
        }
    }
}

/// Something that happened in the match.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatchEvent {
    /// When, in the video.
    pub video_s: f64,
    /// The broadcast clock at that moment ("58:36").
    pub clock: String,
    /// What.
    pub kind: EventKind,
    /// The acting player's team.
    pub side: Side,
    /// The acting player.
    pub player: String,
    /// More words: "Penalty", "Saved by Subašić", "Off: Gnabry".
    pub detail: Option<String>,
    /// The score once this event has happened.
    pub score: Score,
}

/// An event with a clip around it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Highlight {
    /// Stable within the match (`goal-1`, `shot-4`, …).
    pub id: String,
    /// Index of the event in [`MatchDetails::events`].
    pub event: usize,
    /// What.
    pub kind: EventKind,
    /// When the event happens, in the video.
    pub video_s: f64,
    /// The clip at the default length.
    pub clip: Clip,
    /// "Goal · Pogba".
    pub title: String,
    /// "58:36 · France 3–1 Croatia".
    pub subtitle: String,
    /// URL of its picture.
    pub thumbnail: String,
}

/// A window of the match video.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Clip {
    /// First second shown.
    pub start_s: f64,
    /// Last second shown.
    pub end_s: f64,
}

impl Clip {
    /// The window around an event of this kind at the default length: more build-up for
    /// goals, a short look for cards and substitutions.
    pub fn around(kind: EventKind, video_s: f64, video_len_s: f64) -> Self {
        let (before, after) = match kind {
            EventKind::Goal | EventKind::OwnGoal => (12.0, 8.0),
            EventKind::Shot | EventKind::Save => (8.0, 5.0),
            _ => (4.0, 4.0),
        };
        Self {
            start_s: round_ms((video_s - before).max(0.0)),
            end_s: round_ms((video_s + after).min(video_len_s)),
        }
    }

    /// The clip scaled around `at` (the event) by `factor`, for the clip-length setting.
    pub fn scaled(self, at: f64, factor: f64, video_len_s: f64) -> Self {
        Self {
            start_s: round_ms((at - (at - self.start_s) * factor).max(0.0)),
            end_s: round_ms((at + (self.end_s - at) * factor).min(video_len_s)),
        }
    }

    /// Length in seconds.
    pub fn len_s(self) -> f64 {
        self.end_s - self.start_s
    }

    /// Whether `video_s` is inside the window (ends included).
    pub fn contains(self, video_s: f64) -> bool {
        (self.start_s..=self.end_s).contains(&video_s)
    }
}

impl MatchDetails {
    /// The score at `video_s`: every goal at or before it counts.
    pub fn score_at(&self, video_s: f64) -> Score {
        self.events
            .iter()
            .take_while(|event| event.video_s <= video_s)
            .last()
            .map_or(Score::default(), |event| event.score)
    }

    /// The broadcast clock at `video_s`.
    pub fn clock_at(&self, video_s: f64) -> String {
        format_clock(clock_s_at(&self.periods, video_s))
    }

    /// The first highlight whose event is after `video_s` (by more than `margin_s`, so a jump
    /// from inside a clip goes to the next one, not the same).
    pub fn next_highlight(&self, video_s: f64, margin_s: f64) -> Option<&Highlight> {
        self.highlights.iter().find(|highlight| highlight.video_s > video_s + margin_s)
    }

    /// The last highlight whose event is before `video_s` (by more than `margin_s`).
    pub fn previous_highlight(&self, video_s: f64, margin_s: f64) -> Option<&Highlight> {
        self.highlights.iter().rev().find(|highlight| highlight.video_s < video_s - margin_s)
    }
}

/// The broadcast clock at `video_s`, in seconds (2700 at the second half's kick-off), for
/// `periods` in order: the half playing then (the first before it starts, the last after the
/// end).
pub fn clock_s_at(periods: &[Period], video_s: f64) -> f64 {
    let period = periods.iter().rev().find(|period| video_s >= period.start_s).or(periods.first());
    period.map_or(video_s, |period| period.clock_start_s + (video_s - period.start_s))
}

/// Where a match's files are, relative to the catalog's root.
pub fn match_dir(match_id: &str) -> String {
    format!("matches/{match_id}")
}

/// Where a match's details are, relative to the catalog's root: the tool writes them there, and
/// pages that know only a match's id (from a route) fetch them from there.
pub fn details_path(match_id: &str) -> String {
    format!("{}/match.json", match_dir(match_id))
}

/// Rounds to the millisecond: catalog times are kept at that precision, so they read cleanly
/// and survive a trip through JSON unchanged.
pub fn round_ms(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

/// `mm:ss`, minutes unbounded ("95:02"); negative times show as 00:00.
pub fn format_clock(seconds: f64) -> String {
    let whole = seconds.max(0.0).floor() as u64;
    format!("{:02}:{:02}", whole / 60, whole % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details(goals: &[(f64, Score)]) -> MatchDetails {
        let summary = MatchSummary {
            id: "m".into(),
            competition: String::new(),
            date: String::new(),
            venue: String::new(),
            home: TeamSummary {
                name: "H".into(),
                short_name: "H".into(),
                code: "HHH".into(),
                color: "#ffffff".into(),
            },
            away: TeamSummary {
                name: "A".into(),
                short_name: "A".into(),
                code: "AAA".into(),
                color: "#000000".into(),
            },
            score: Score::default(),
            duration_s: 5600.0,
            details: String::new(),
            video: String::new(),
            thumbnail: String::new(),
        };
        let events: Vec<MatchEvent> = goals
            .iter()
            .map(|&(video_s, score)| MatchEvent {
                video_s,
                clock: format_clock(video_s),
                kind: EventKind::Goal,
                side: Side::Home,
                player: "P".into(),
                detail: None,
                score,
            })
            .collect();
        let highlights = events
            .iter()
            .enumerate()
            .map(|(index, event)| Highlight {
                id: format!("goal-{}", index + 1),
                event: index,
                kind: event.kind,
                video_s: event.video_s,
                clip: Clip::around(event.kind, event.video_s, 5600.0),
                title: String::new(),
                subtitle: String::new(),
                thumbnail: String::new(),
            })
            .collect();
        MatchDetails {
            summary,
            periods: vec![
                Period { number: 1, start_s: 0.0, duration_s: 2900.0, clock_start_s: 0.0 },
                Period { number: 2, start_s: 2900.0, duration_s: 2700.0, clock_start_s: 2700.0 },
            ],
            home_squad: Vec::new(),
            away_squad: Vec::new(),
            events,
            highlights,
        }
    }

    #[test]
    fn score_counts_goals_up_to_the_moment() {
        let one = Score { home: 1, away: 0 };
        let two = Score { home: 2, away: 0 };
        let m = details(&[(100.0, one), (3000.0, two)]);
        assert_eq!(m.score_at(99.9), Score::default());
        assert_eq!(m.score_at(100.0), one);
        assert_eq!(m.score_at(2999.0), one);
        assert_eq!(m.score_at(9999.0), two);
    }

    #[test]
    fn clock_runs_on_in_stoppage_time_and_restarts_at_45_in_the_second_half() {
        let m = details(&[]);
        assert_eq!(m.clock_at(0.0), "00:00");
        assert_eq!(m.clock_at(2833.0), "47:13");
        assert_eq!(m.clock_at(2900.0), "45:00");
        assert_eq!(m.clock_at(2900.0 + 816.1), "58:36");
    }

    #[test]
    fn next_and_previous_highlight_skip_the_one_you_are_in() {
        let m = details(&[(100.0, Score::default()), (200.0, Score::default()), (300.0, Score::default())]);
        assert_eq!(m.next_highlight(0.0, 1.0).map(|h| h.video_s), Some(100.0));
        assert_eq!(m.next_highlight(100.0, 1.0).map(|h| h.video_s), Some(200.0));
        assert_eq!(m.next_highlight(300.0, 1.0).map(|h| h.video_s), None);
        assert_eq!(m.previous_highlight(200.0, 1.0).map(|h| h.video_s), Some(100.0));
        assert_eq!(m.previous_highlight(100.0, 1.0).map(|h| h.video_s), None);
    }

    #[test]
    fn clips_stay_inside_the_video_and_scale_around_the_event() {
        let clip = Clip::around(EventKind::Goal, 5.0, 100.0);
        assert_eq!(clip, Clip { start_s: 0.0, end_s: 13.0 });
        let clip = Clip::around(EventKind::Goal, 50.0, 100.0).scaled(50.0, 2.0, 100.0);
        assert_eq!(clip, Clip { start_s: 26.0, end_s: 66.0 });
        assert!(clip.contains(26.0) && clip.contains(66.0) && !clip.contains(66.1));
    }

    #[test]
    fn round_trips_through_json() {
        let m = details(&[(100.0, Score { home: 1, away: 0 })]);
        let text = serde_json::to_string(&m).expect("serializes");
        let back: MatchDetails = serde_json::from_str(&text).expect("parses");
        assert_eq!(back, m);
        assert!(text.contains("\"kind\":\"goal\""), "{text}");
    }
}
