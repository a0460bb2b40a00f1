//! From [`MatchSource`]s to the catalog the app fetches: `catalog.json`, one `match.json` per
//! match, and the list of pictures to paint (see `touchline_catalog` for the layout).

use std::path::{Path, PathBuf};

use touchline_catalog::{
    Catalog, Clip, EventKind, Highlight, MatchDetails, MatchEvent, MatchSummary, Moment, SCHEMA_VERSION,
    Score, Side, TeamSummary, details_path, format_clock, match_dir,
};

use crate::DataError;
use crate::picture::{Painter, write_png};
use crate::source::{MatchSource, TeamSource};

/// A save this soon after a shot is that shot's save: one highlight, "Saved by …".
const SAVE_AFTER_SHOT_S: f64 = 4.0;

/// A picture the catalog refers to, to be painted from the match at a moment.
#[derive(Clone, Debug, PartialEq)]
pub struct PictureJob {
    /// Index of the match in the sources.
    pub source: usize,
    /// The moment to paint.
    pub video_s: f64,
    /// Where it goes, relative to the catalog's root.
    pub path: String,
}

/// The whole catalog, ready to write.
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    /// `catalog.json`.
    pub catalog: Catalog,
    /// One `match.json` per match, in the sources' order.
    pub matches: Vec<MatchDetails>,
    /// The pictures the catalog refers to.
    pub pictures: Vec<PictureJob>,
}

/// The match video's path, relative to the catalog's root.
pub fn video_path(id: &str) -> String {
    format!("{}/video.webm", match_dir(id))
}

fn team_summary(team: &TeamSource) -> TeamSummary {
    TeamSummary {
        name: team.name.clone(),
        short_name: team.short_name.clone(),
        code: team.code.clone(),
        color: team.color.clone(),
    }
}

fn score_line(source: &MatchSource, score: Score) -> String {
    format!("{} {} {}", source.home.short_name, score, source.away.short_name)
}

/// Builds the catalog of `sources`.
pub fn build(sources: &[MatchSource]) -> Site {
    let mut matches = Vec::with_capacity(sources.len());
    let mut pictures = Vec::new();
    for (index, source) in sources.iter().enumerate() {
        let (details, jobs) = match_details(index, source);
        matches.push(details);
        pictures.extend(jobs);
    }
    // Latest match first, on the Home page and in the top moments.
    let mut order: Vec<usize> = (0..sources.len()).collect();
    order.sort_by(|&a, &b| sources[b].date.cmp(&sources[a].date).then(sources[a].id.cmp(&sources[b].id)));
    let top_moments = order
        .iter()
        .flat_map(|&index| {
            let details = &matches[index];
            details.highlights.iter().filter(|highlight| highlight.kind.is_goal()).map(move |highlight| {
                Moment {
                    match_id: details.summary.id.clone(),
                    highlight_id: highlight.id.clone(),
                    title: format!(
                        "{} {}",
                        surname(&details.events[highlight.event].player),
                        details.events[highlight.event].clock
                    ),
                    subtitle: score_line(&sources[index], details.events[highlight.event].score),
                    clip: highlight.clip,
                    thumbnail: highlight.thumbnail.clone(),
                    video: details.summary.video.clone(),
                }
            })
        })
        .collect();
    let mut credits: Vec<_> = sources.iter().flat_map(|source| source.credits.iter().cloned()).collect();
    credits.dedup();
    Site {
        catalog: Catalog {
            version: SCHEMA_VERSION,
            matches: order.iter().map(|&index| matches[index].summary.clone()).collect(),
            top_moments,
            credits,
        },
        matches,
        pictures,
    }
}

/// "K. Mbappé" → "Mbappé", "Robert Lewandowski" → "Lewandowski".
fn surname(name: &str) -> &str {
    name.rsplit(' ').next().unwrap_or(name)
}

fn match_details(index: usize, source: &MatchSource) -> (MatchDetails, Vec<PictureJob>) {
    let dir = match_dir(&source.id);
    let duration_s = source.duration_s();
    let first_goal = source.events.iter().find(|event| event.kind.is_some_and(EventKind::is_goal));
    let mut pictures = vec![PictureJob {
        source: index,
        // The tile shows the first goal, or kick-off of a goalless match.
        video_s: first_goal.map_or(0.0, |goal| goal.video_s),
        path: format!("{dir}/thumbnail.png"),
    }];
    let summary = MatchSummary {
        id: source.id.clone(),
        competition: source.competition.clone(),
        date: source.date.clone(),
        venue: source.venue.clone(),
        home: team_summary(&source.home),
        away: team_summary(&source.away),
        score: source.events.last().map_or(Score::default(), |event| event.score),
        duration_s,
        details: details_path(&source.id),
        video: video_path(&source.id),
        thumbnail: format!("{dir}/thumbnail.png"),
    };

    let events: Vec<MatchEvent> = source
        .events
        .iter()
        .filter_map(|event| {
            Some(MatchEvent {
                video_s: event.video_s,
                clock: format_clock(source.clock_s_at(event.video_s)),
                kind: event.kind?,
                side: event.side,
                player: event.player.clone(),
                detail: event.detail.clone(),
                score: event.score,
            })
        })
        .collect();

    let mut highlights: Vec<Highlight> = Vec::new();
    let mut counts: std::collections::HashMap<&'static str, usize> = std::collections::HashMap::new();
    for (event_index, event) in events.iter().enumerate() {
        let id_kind = match event.kind {
            EventKind::Goal | EventKind::OwnGoal => "goal",
            EventKind::Shot => "shot",
            EventKind::Save => {
                // A save right after a shot belongs to that shot's highlight.
                if let Some(shot) = highlights.last_mut().filter(|last| {
                    last.kind == EventKind::Shot
                        && event.video_s - last.video_s <= SAVE_AFTER_SHOT_S
                        && events[last.event].side != event.side
                }) {
                    shot.title = format!("{} (saved by {})", shot.title, surname(&event.player));
                    shot.clip.end_s =
                        shot.clip.end_s.max(Clip::around(event.kind, event.video_s, duration_s).end_s);
                    continue;
                }
                "save"
            }
            EventKind::YellowCard | EventKind::RedCard => "card",
            EventKind::Substitution => "sub",
            EventKind::Corner | EventKind::Foul | EventKind::Offside => continue,
        };
        let count = counts.entry(id_kind).or_default();
        *count += 1;
        let id = format!("{id_kind}-{count}");
        let thumbnail = format!("{dir}/moments/{id}.png");
        pictures.push(PictureJob { source: index, video_s: event.video_s, path: thumbnail.clone() });
        let mut title = format!("{} · {}", event.kind.label(), surname(&event.player));
        if let Some(detail) = &event.detail {
            title = format!("{title} ({detail})");
        }
        highlights.push(Highlight {
            id,
            event: event_index,
            kind: event.kind,
            video_s: event.video_s,
            clip: Clip::around(event.kind, event.video_s, duration_s),
            title,
            subtitle: format!("{} · {}", event.clock, score_line(source, event.score)),
            thumbnail,
        });
    }

    let squad = |side: Side| source.team(side).squad.clone();
    let details = MatchDetails {
        summary,
        periods: source.periods.clone(),
        home_squad: squad(Side::Home),
        away_squad: squad(Side::Away),
        events,
        highlights,
    };
    (details, pictures)
}

/// Writes `catalog.json` and every `match.json` under `out`, and copies each dataset's licence
/// files to `out/licences/<match id>/`.
pub fn write(site: &Site, sources: &[MatchSource], out: &Path) -> Result<Vec<PathBuf>, DataError> {
    let mut written = Vec::new();
    let write_json = |path: PathBuf, value: &dyn erased::Json| -> Result<PathBuf, DataError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| DataError::io(parent, source))?;
        }
        std::fs::write(&path, value.to_json()).map_err(|source| DataError::io(&path, source))?;
        Ok(path)
    };
    written.push(write_json(out.join("catalog.json"), &site.catalog)?);
    for details in &site.matches {
        written.push(write_json(out.join(&details.summary.details), details)?);
    }
    for source in sources {
        let dir = out.join("licences").join(&source.id);
        std::fs::create_dir_all(&dir).map_err(|source| DataError::io(&dir, source))?;
        for file in &source.licence_files {
            let Some(name) = file.file_name() else { continue };
            let target = dir.join(name);
            std::fs::copy(file, &target).map_err(|source| DataError::io(file, source))?;
            written.push(target);
        }
    }
    Ok(written)
}

/// Paints every picture the catalog refers to, `width × height`, as PNG under `out`.
pub fn write_pictures(
    site: &Site,
    sources: &[MatchSource],
    out: &Path,
    painter: &mut Painter,
    (width, height): (u32, u32),
) -> Result<(), DataError> {
    for job in &site.pictures {
        let path = out.join(&job.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| DataError::io(parent, source))?;
        }
        let source = sources
            .get(job.source)
            .ok_or_else(|| DataError::invalid(&path, format!("no match {} for this picture", job.source)))?;
        let picture = painter
            .picture(source, job.video_s, width, height)
            .ok_or_else(|| DataError::invalid(&path, format!("cannot paint a {width}x{height} picture")))?;
        write_png(&picture, &path)?;
    }
    Ok(())
}

/// Pretty JSON for the catalog's types, behind one object-safe trait so [`write`] can take
/// either.
mod erased {
    pub trait Json {
        fn to_json(&self) -> Vec<u8>;
    }

    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> Vec<u8> {
            // The catalog's types are plain data: serializing them cannot fail.
            serde_json::to_vec_pretty(self).unwrap_or_default()
        }
    }
}
