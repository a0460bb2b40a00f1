//! The Wyscout event dataset (Pappalardo et al. 2019): `events.json` (every on-ball event, its
//! teams and players) and `match.json` (the match record: sides, score, line-ups,
//! substitutions by minute). Used for France 4–2 Croatia.
//!
//! Wyscout positions are percentages of the pitch seen from the acting team: x from its own
//! goal (0) to the opponent's (100), y from its left touchline (0) to its right (100). A few
//! events carry (0, 0) or (100, 100) where the data has no position (the end of a shot, a
//! goalkeeper's save); those become the goal mouth the ball goes into, or no position.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::{
    HALF_LENGTH_M, HALF_WIDTH_M, MatchSource, Period, PitchPoint, SourceEvent, TeamSource, accumulate_score,
    dir_name, read_json,
};
use crate::DataError;
use touchline_catalog::{Credit, EventKind, Player, Score, Side, round_ms};

/// Wyscout tag ids this reader uses.
mod tag {
    pub const GOAL: u32 = 101;
    pub const OWN_GOAL: u32 = 102;
    pub const RED_CARD: u32 = 1701;
    pub const YELLOW_CARD: u32 = 1702;
    pub const SECOND_YELLOW_CARD: u32 = 1703;
}

/// Seconds of play kept after a half's last event, so its video does not end on the event.
const HALF_TAIL_S: f64 = 3.0;

#[derive(Deserialize)]
struct EventsFile {
    events: Vec<RawEvent>,
    teams: HashMap<String, RawTeamEntry>,
    players: HashMap<String, Vec<RawPlayerEntry>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEvent {
    event_name: String,
    sub_event_name: String,
    tags: Vec<RawTag>,
    player_id: u64,
    positions: Vec<RawPosition>,
    team_id: u64,
    match_period: String,
    event_sec: f64,
}

#[derive(Deserialize)]
struct RawTag {
    id: u32,
}

#[derive(Clone, Copy, Deserialize)]
struct RawPosition {
    x: f32,
    y: f32,
}

#[derive(Deserialize)]
struct RawTeamEntry {
    team: RawTeam,
}

#[derive(Deserialize)]
struct RawTeam {
    name: String,
    #[serde(rename = "officialName")]
    official_name: String,
    area: RawArea,
}

#[derive(Deserialize)]
struct RawArea {
    alpha3code: String,
}

#[derive(Deserialize)]
struct RawPlayerEntry {
    player: RawPlayer,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPlayer {
    wy_id: u64,
    short_name: String,
    role: RawRole,
}

#[derive(Deserialize)]
struct RawRole {
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MatchFile {
    teams_data: HashMap<String, RawTeamData>,
    dateutc: String,
    venue: String,
    competition_id: u32,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTeamData {
    side: String,
    team_id: u64,
    formation: RawFormation,
}

#[derive(Deserialize)]
struct RawFormation {
    lineup: Vec<RawFormationPlayer>,
    bench: Vec<RawFormationPlayer>,
    #[serde(default)]
    substitutions: Vec<RawSubstitution>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawFormationPlayer {
    player_id: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSubstitution {
    player_in: u64,
    player_out: u64,
    minute: u32,
}

/// Shirt colours the data does not carry: (shirt, number) per team code.
fn kit_colors(code: &str) -> (&'static str, &'static str) {
    match code {
        "FRA" => ("#1f3f95", "#ffffff"),
        "HRV" => ("#e0312b", "#ffffff"),
        _ => ("#dddddd", "#111111"),
    }
}

/// Competition names by Wyscout competition id.
fn competition_name(id: u32) -> String {
    match id {
        28 => "FIFA World Cup 2018 · Final".to_owned(),
        other => format!("Wyscout competition {other}"),
    }
}

/// Reads a Wyscout match folder (`events.json`, `match.json`, licence files).
pub fn load(dir: &Path) -> Result<MatchSource, DataError> {
    let events_path = dir.join("events.json");
    let match_path = dir.join("match.json");
    let events_file: EventsFile = read_json(&events_path)?;
    let match_file: MatchFile = read_json(&match_path)?;

    let side_of_team: HashMap<u64, Side> = match_file
        .teams_data
        .values()
        .map(|team| (team.team_id, if team.side == "home" { Side::Home } else { Side::Away }))
        .collect();
    let team_id = |side: Side| {
        match_file
            .teams_data
            .values()
            .find(|team| side_of_team.get(&team.team_id) == Some(&side))
            .ok_or_else(|| DataError::invalid(&match_path, format!("no {side:?} team")))
    };
    let home_data = team_id(Side::Home)?;
    let away_data = team_id(Side::Away)?;

    let players: HashMap<u64, &RawPlayer> =
        events_file.players.values().flatten().map(|entry| (entry.player.wy_id, &entry.player)).collect();
    let player_name =
        |id: u64| players.get(&id).map(|player| unescape_unicode(&player.short_name)).unwrap_or_default();

    let team = |data: &RawTeamData| -> Result<TeamSource, DataError> {
        let raw = events_file
            .teams
            .get(&data.team_id.to_string())
            .ok_or_else(|| DataError::invalid(&events_path, format!("team {} not listed", data.team_id)))?;
        let code = raw.team.area.alpha3code.clone();
        let (color, number_color) = kit_colors(&code);
        let squad_player = |entry: &RawFormationPlayer, starter: bool| Player {
            number: None,
            name: player_name(entry.player_id),
            role: players.get(&entry.player_id).map(|p| p.role.name.clone()).unwrap_or_default(),
            starter,
        };
        let squad = data
            .formation
            .lineup
            .iter()
            .map(|entry| squad_player(entry, true))
            .chain(data.formation.bench.iter().map(|entry| squad_player(entry, false)))
            .collect();
        Ok(TeamSource {
            name: raw.team.official_name.clone(),
            short_name: raw.team.name.clone(),
            code,
            color: color.to_owned(),
            number_color: number_color.to_owned(),
            squad,
        })
    };
    let home = team(home_data)?;
    let away = team(away_data)?;

    // Halves: as long as their last event, plus a moment.
    let half_length = |period: &str| {
        events_file
            .events
            .iter()
            .filter(|event| event.match_period == period)
            .map(|event| event.event_sec)
            .fold(None, |longest: Option<f64>, sec| Some(longest.map_or(sec, |l| l.max(sec))))
            .map(|last| (last + HALF_TAIL_S).ceil())
    };
    let first = half_length("1H").ok_or_else(|| DataError::invalid(&events_path, "no first-half events"))?;
    let second =
        half_length("2H").ok_or_else(|| DataError::invalid(&events_path, "no second-half events"))?;
    let periods = vec![
        Period { number: 1, start_s: 0.0, duration_s: first, clock_start_s: 0.0 },
        Period { number: 2, start_s: first, duration_s: second, clock_start_s: 2700.0 },
    ];

    let mut events = Vec::with_capacity(events_file.events.len());
    for raw in &events_file.events {
        let period: u8 = match raw.match_period.as_str() {
            "1H" => 1,
            "2H" => 2,
            // Extra time and penalties have no video here; the final had neither.
            _ => continue,
        };
        let Some(side) = side_of_team.get(&raw.team_id).copied() else {
            return Err(DataError::invalid(&events_path, format!("event of unknown team {}", raw.team_id)));
        };
        let (kind, detail) = classify(raw);
        // Save attempts of a conceded goal repeat the goal from the keeper's side.
        if raw.event_name == "Save attempt" && kind.is_none() && has_tag(raw, tag::GOAL) {
            continue;
        }
        let attacks_right = (side == Side::Home) == (period == 1);
        let to_pitch = |position: RawPosition| pitch_point(position, attacks_right);
        let placeholder = |position: &RawPosition| {
            (position.x == 0.0 && position.y == 0.0) || (position.x == 100.0 && position.y == 100.0)
        };
        let goal_mouth = |own: bool| to_pitch(RawPosition { x: if own { 0.0 } else { 100.0 }, y: 50.0 });
        let start = raw.positions.first().filter(|p| !placeholder(p)).map(|p| to_pitch(*p));
        let end = match raw.positions.get(1) {
            Some(_) if kind == Some(EventKind::OwnGoal) => Some(goal_mouth(true)),
            Some(_) if matches!(kind, Some(EventKind::Goal | EventKind::Shot)) => Some(goal_mouth(false)),
            Some(position) if !placeholder(position) => Some(to_pitch(*position)),
            _ => None,
        };
        let start = if kind == Some(EventKind::Save) { start.or(Some(goal_mouth(true))) } else { start };
        events.push(SourceEvent {
            video_s: round_ms(periods[usize::from(period) - 1].start_s + raw.event_sec),
            period,
            period_s: raw.event_sec,
            kind,
            name: raw.event_name.clone(),
            side,
            player: player_name(raw.player_id),
            detail,
            start,
            end,
            score: Score::default(),
        });
    }

    // Substitutions are in the match record by minute only: they go at the minute's start.
    for (data, side) in [(home_data, Side::Home), (away_data, Side::Away)] {
        for substitution in &data.formation.substitutions {
            let clock_s = f64::from(substitution.minute) * 60.0;
            let period = if clock_s < 2700.0 { &periods[0] } else { &periods[1] };
            let period_s = (clock_s - period.clock_start_s).clamp(0.0, period.duration_s);
            events.push(SourceEvent {
                video_s: round_ms(period.start_s + period_s),
                period: period.number,
                period_s,
                kind: Some(EventKind::Substitution),
                name: "Substitution".to_owned(),
                side,
                player: player_name(substitution.player_in),
                detail: Some(format!("Off: {}", player_name(substitution.player_out))),
                start: None,
                end: None,
                score: Score::default(),
            });
        }
    }
    events.sort_by(|a, b| a.video_s.total_cmp(&b.video_s));
    accumulate_score(&mut events);

    let date = match_file.dateutc.get(..10).unwrap_or(&match_file.dateutc).to_owned();
    Ok(MatchSource {
        id: dir_name(dir),
        competition: competition_name(match_file.competition_id),
        date,
        venue: match_file.venue.clone(),
        home,
        away,
        periods,
        events,
        tracking: None,
        credits: vec![Credit {
            what: "France 4–2 Croatia: match events".to_owned(),
            source: "Pappalardo et al. (2019), Wyscout soccer match event dataset".to_owned(),
            licence: "CC BY 4.0".to_owned(),
        }],
        licence_files: vec![dir.join("ATTRIBUTION.md"), dir.join("LICENSE_CC-BY-4.0.txt")],
    })
}

fn has_tag(event: &RawEvent, id: u32) -> bool {
    event.tags.iter().any(|tag| tag.id == id)
}

/// The notable kind of an event, if it is one, and words to show with it.
fn classify(event: &RawEvent) -> (Option<EventKind>, Option<String>) {
    if has_tag(event, tag::OWN_GOAL) {
        return (Some(EventKind::OwnGoal), None);
    }
    let goal = has_tag(event, tag::GOAL);
    match (event.event_name.as_str(), event.sub_event_name.as_str()) {
        ("Shot", _) if goal => (Some(EventKind::Goal), None),
        ("Shot", _) => (Some(EventKind::Shot), None),
        ("Free Kick", "Penalty") if goal => (Some(EventKind::Goal), Some("Penalty".to_owned())),
        ("Free Kick", "Penalty") => (Some(EventKind::Shot), Some("Penalty".to_owned())),
        ("Free Kick", "Free kick shot") if goal => (Some(EventKind::Goal), Some("Free kick".to_owned())),
        ("Free Kick", "Free kick shot") => (Some(EventKind::Shot), Some("Free kick".to_owned())),
        ("Free Kick", "Corner") => (Some(EventKind::Corner), None),
        ("Save attempt", _) if !goal => (Some(EventKind::Save), None),
        ("Foul", _) if has_tag(event, tag::RED_CARD) || has_tag(event, tag::SECOND_YELLOW_CARD) => {
            (Some(EventKind::RedCard), None)
        }
        ("Foul", _) if has_tag(event, tag::YELLOW_CARD) => (Some(EventKind::YellowCard), None),
        ("Foul", _) => (Some(EventKind::Foul), None),
        ("Offside", _) => (Some(EventKind::Offside), None),
        _ => (None, None),
    }
}

/// A Wyscout position (percent, the acting team's view) on the top-down pitch.
fn pitch_point(position: RawPosition, attacks_right: bool) -> PitchPoint {
    let along = (position.x / 100.0 - 0.5) * 2.0 * HALF_LENGTH_M;
    let across = (0.5 - position.y / 100.0) * 2.0 * HALF_WIDTH_M;
    if attacks_right { PitchPoint { x: along, y: across } } else { PitchPoint { x: -along, y: -across } }
}

/// Player names in this dataset keep JSON escapes as text (`Kant\u00e9`); this decodes them.
fn unescape_unicode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\\u") {
        out.push_str(&rest[..at]);
        let code = rest.get(at + 2..at + 6).and_then(|hex| u32::from_str_radix(hex, 16).ok());
        match code.and_then(char::from_u32) {
            Some(decoded) => {
                out.push(decoded);
                rest = &rest[at + 6..];
            }
            None => {
                out.push_str("\\u");
                rest = &rest[at + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescapes_names() {
        assert_eq!(unescape_unicode("N. Kant\\u00e9"), "N. Kanté");
        assert_eq!(unescape_unicode("M. Mand\\u017euki\\u0107"), "M. Mandžukić");
        assert_eq!(unescape_unicode("no escapes"), "no escapes");
        assert_eq!(unescape_unicode("bad \\u12"), "bad \\u12");
    }

    #[test]
    fn positions_turn_with_the_attacking_direction() {
        let corner = RawPosition { x: 100.0, y: 0.0 };
        assert_eq!(pitch_point(corner, true), PitchPoint { x: HALF_LENGTH_M, y: HALF_WIDTH_M });
        assert_eq!(pitch_point(corner, false), PitchPoint { x: -HALF_LENGTH_M, y: -HALF_WIDTH_M });
        assert_eq!(pitch_point(RawPosition { x: 50.0, y: 50.0 }, true), PitchPoint { x: 0.0, y: 0.0 });
    }
}
