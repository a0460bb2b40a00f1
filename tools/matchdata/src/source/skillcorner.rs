//! SkillCorner's open broadcast tracking: `match_data.json` (teams, kits, players with their
//! tracking ids), `key_events.csv` (goals and substitutions with their tracking frame, derived
//! from the tracking) and `tracking.json.gz` (10 Hz samples of what the TV camera saw, metres
//! from the centre spot, y up). Used for Bayern 4–0 Dortmund.
//!
//! The data has no event stream: the notable events are the key events' goals and
//! substitutions. Its yellow cards have no time, so they are not events here.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use serde::Deserialize;

use super::{
    BallPosition, MatchSource, Period, PitchPoint, SourceEvent, TeamSource, TrackedPerson, Tracking,
    TrackingFrame, accumulate_score, dir_name, parse_json, read_json,
};
use crate::DataError;
use touchline_catalog::{Credit, EventKind, Player, Score, Side, round_ms};

/// Samples per second in the tracking.
const TRACKING_HZ: f64 = 10.0;

#[derive(Deserialize)]
struct MatchData {
    date_time: String,
    home_team: RawTeam,
    away_team: RawTeam,
    home_team_kit: RawKit,
    away_team_kit: RawKit,
    players: Vec<RawPlayer>,
    referees: Vec<RawReferee>,
    ball: RawBall,
    competition_edition: RawEdition,
    competition_round: RawRound,
    stadium: RawStadium,
}

#[derive(Deserialize)]
struct RawTeam {
    id: u64,
    name: String,
    short_name: String,
    acronym: String,
}

#[derive(Deserialize)]
struct RawKit {
    jersey_color: String,
    number_color: String,
}

#[derive(Deserialize)]
struct RawPlayer {
    first_name: String,
    last_name: String,
    number: Option<u8>,
    trackable_object: i64,
    team_id: u64,
    player_role: RawRole,
    start_time: Option<String>,
}

#[derive(Deserialize)]
struct RawRole {
    name: String,
}

#[derive(Deserialize)]
struct RawReferee {
    trackable_object: i64,
}

#[derive(Deserialize)]
struct RawBall {
    trackable_object: i64,
}

#[derive(Deserialize)]
struct RawEdition {
    competition: RawCompetition,
    season: RawSeason,
}

#[derive(Deserialize)]
struct RawCompetition {
    name: String,
}

#[derive(Deserialize)]
struct RawSeason {
    name: String,
}

#[derive(Deserialize)]
struct RawRound {
    name: String,
}

#[derive(Deserialize)]
struct RawStadium {
    name: String,
}

/// A row of `key_events.csv`.
#[derive(Deserialize)]
struct KeyEvent {
    period: Option<u8>,
    period_s: Option<f64>,
    frame: Option<i64>,
    event: String,
    team: String,
    player: String,
}

#[derive(Deserialize)]
struct RawFrame {
    frame: i64,
    period: Option<u8>,
    data: Vec<RawObject>,
}

#[derive(Deserialize)]
struct RawObject {
    x: f32,
    y: f32,
    z: Option<f32>,
    trackable_object: Option<i64>,
    track_id: Option<i64>,
    group_name: Option<String>,
}

/// Who a tracked object is.
#[derive(Clone, Copy)]
enum Object {
    Ball,
    Person { side: Option<Side>, number: Option<u8> },
}

/// Reads a SkillCorner match folder, tracking included.
pub fn load(dir: &Path) -> Result<MatchSource, DataError> {
    load_with(dir, true)
}

/// Reads a SkillCorner match folder; `with_tracking: false` skips the tracking (the catalog
/// does not need it, and it is the slow part).
pub fn load_with(dir: &Path, with_tracking: bool) -> Result<MatchSource, DataError> {
    let match_path = dir.join("match_data.json");
    let data: MatchData = read_json(&match_path)?;

    let side_of_team = |team_id: u64| {
        if team_id == data.home_team.id {
            Some(Side::Home)
        } else if team_id == data.away_team.id {
            Some(Side::Away)
        } else {
            None
        }
    };
    let team = |raw: &RawTeam, kit: &RawKit, side: Side| {
        let mut players: Vec<&RawPlayer> =
            data.players.iter().filter(|player| side_of_team(player.team_id) == Some(side)).collect();
        // Starters (on from 00:00:00) first, each group by shirt number.
        players.sort_by_key(|player| (player.start_time.as_deref() != Some("00:00:00"), player.number));
        TeamSource {
            name: raw.name.clone(),
            short_name: raw.short_name.clone(),
            code: raw.acronym.clone(),
            color: kit.jersey_color.clone(),
            number_color: kit.number_color.clone(),
            squad: players
                .into_iter()
                .map(|player| Player {
                    number: player.number,
                    name: format!("{} {}", player.first_name, player.last_name),
                    role: player.player_role.name.clone(),
                    starter: player.start_time.as_deref() == Some("00:00:00"),
                })
                .collect(),
        }
    };
    let home = team(&data.home_team, &data.home_team_kit, Side::Home);
    let away = team(&data.away_team, &data.away_team_kit, Side::Away);

    let events_path = dir.join("key_events.csv");
    let mut reader = csv::Reader::from_path(&events_path)
        .map_err(|source| DataError::Csv { path: events_path.clone(), source })?;
    let mut key_events = Vec::new();
    for row in reader.deserialize::<KeyEvent>() {
        key_events.push(row.map_err(|source| DataError::Csv { path: events_path.clone(), source })?);
    }

    // Halves run from their `period_start` frame to their `period_end` frame.
    let mut periods = Vec::new();
    let mut start_frames = Vec::new();
    for number in [1u8, 2] {
        let frame_of = |name: &str| {
            key_events
                .iter()
                .find(|event| event.period == Some(number) && event.event == name)
                .and_then(|event| event.frame)
                .ok_or_else(|| DataError::invalid(&events_path, format!("half {number} has no {name} frame")))
        };
        let (start, end) = (frame_of("period_start")?, frame_of("period_end")?);
        let start_s = periods.last().map_or(0.0, |p: &Period| p.start_s + p.duration_s);
        periods.push(Period {
            number,
            start_s,
            duration_s: (end - start) as f64 / TRACKING_HZ,
            clock_start_s: if number == 1 { 0.0 } else { 2700.0 },
        });
        start_frames.push(start);
    }

    let side_named = |name: &str| {
        if name == data.home_team.short_name {
            Some(Side::Home)
        } else if name == data.away_team.short_name {
            Some(Side::Away)
        } else {
            None
        }
    };
    let mut events = Vec::new();
    let mut substitutions: HashMap<(u8, u64, Side), (Option<String>, Option<String>)> = HashMap::new();
    for key in &key_events {
        let (Some(period), Some(period_s)) = (key.period, key.period_s) else { continue };
        let Some(side) = side_named(&key.team) else { continue };
        let Some(half) = periods.get(usize::from(period).wrapping_sub(1)) else { continue };
        let video_s = round_ms(half.start_s + period_s);
        let kind = match key.event.as_str() {
            "goal" => EventKind::Goal,
            event if event.starts_with("own_goal") => EventKind::OwnGoal,
            "substitution_in" | "substitution_out" => {
                // In and out are two rows at the same moment; they make one event.
                let pair = substitutions.entry((period, (period_s * 10.0) as u64, side)).or_default();
                if key.event == "substitution_in" {
                    pair.0 = Some(key.player.clone());
                } else {
                    pair.1 = Some(key.player.clone());
                }
                continue;
            }
            _ => continue,
        };
        events.push(SourceEvent {
            video_s,
            period,
            period_s,
            kind: Some(kind),
            name: key.event.clone(),
            side,
            player: key.player.clone(),
            detail: None,
            start: None,
            end: None,
            score: Score::default(),
        });
    }
    for ((period, tenths, side), (player_in, player_out)) in substitutions {
        let period_s = tenths as f64 / 10.0;
        events.push(SourceEvent {
            video_s: round_ms(periods[usize::from(period) - 1].start_s + period_s),
            period,
            period_s,
            kind: Some(EventKind::Substitution),
            name: "substitution".to_owned(),
            side,
            player: player_in.unwrap_or_default(),
            detail: player_out.map(|out| format!("Off: {out}")),
            start: None,
            end: None,
            score: Score::default(),
        });
    }
    events.sort_by(|a, b| a.video_s.total_cmp(&b.video_s).then(a.player.cmp(&b.player)));
    accumulate_score(&mut events);

    let tracking = if with_tracking {
        let mut objects: HashMap<i64, Object> = data
            .players
            .iter()
            .map(|player| {
                let side = side_of_team(player.team_id);
                (player.trackable_object, Object::Person { side, number: player.number })
            })
            .collect();
        for referee in &data.referees {
            objects.insert(referee.trackable_object, Object::Person { side: None, number: None });
        }
        objects.insert(data.ball.trackable_object, Object::Ball);
        Some(read_tracking(&dir.join("tracking.json.gz"), &objects, &periods, &start_frames)?)
    } else {
        None
    };

    let competition = format!(
        "{} {} · {}",
        data.competition_edition.competition.name,
        data.competition_edition.season.name,
        data.competition_round.name
    );
    Ok(MatchSource {
        id: dir_name(dir),
        competition,
        date: data.date_time.get(..10).unwrap_or(&data.date_time).to_owned(),
        venue: data.stadium.name.clone(),
        home,
        away,
        periods,
        events,
        tracking,
        credits: vec![Credit {
            what: "Bayern 4–0 Dortmund: tracking and squads".to_owned(),
            source: "SkillCorner open data".to_owned(),
            licence: "MIT".to_owned(),
        }],
        licence_files: vec![dir.join("LICENSE"), dir.join("NOTICE.md")],
    })
}

fn read_tracking(
    path: &Path,
    objects: &HashMap<i64, Object>,
    periods: &[Period],
    start_frames: &[i64],
) -> Result<Tracking, DataError> {
    let file = std::fs::File::open(path).map_err(|source| DataError::io(path, source))?;
    let mut json = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut json)
        .map_err(|source| DataError::io(path, source))?;
    let raw: Vec<RawFrame> = parse_json(path, &json)?;

    let mut frames = Vec::with_capacity(raw.len());
    for sample in raw {
        let Some(number) = sample.period else { continue };
        let index = usize::from(number).wrapping_sub(1);
        let (Some(period), Some(start_frame)) = (periods.get(index), start_frames.get(index)) else {
            continue;
        };
        let period_s = (sample.frame - start_frame) as f64 / TRACKING_HZ;
        if !(0.0..=period.duration_s).contains(&period_s) {
            continue;
        }
        let mut frame =
            TrackingFrame { video_s: round_ms(period.start_s + period_s), ball: None, people: Vec::new() };
        for object in sample.data {
            let at = PitchPoint { x: object.x, y: object.y };
            let known = object.trackable_object.and_then(|id| objects.get(&id).copied());
            let who = match (known, object.group_name.as_deref()) {
                (Some(who), _) => who,
                (None, Some("home team")) => Object::Person { side: Some(Side::Home), number: None },
                (None, Some("away team")) => Object::Person { side: Some(Side::Away), number: None },
                (None, Some(_)) => Object::Person { side: None, number: None },
                (None, None) => continue,
            };
            match who {
                Object::Ball => frame.ball = Some(BallPosition { at, z: object.z }),
                Object::Person { side, number } => frame.people.push(TrackedPerson {
                    track: object.track_id.or(object.trackable_object).unwrap_or_default(),
                    side,
                    number,
                    at,
                }),
            }
        }
        frames.push(frame);
    }
    Ok(Tracking { hz: TRACKING_HZ, frames })
}
