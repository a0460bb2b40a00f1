//! A league-size catalog made from a real one, **for benchmarks and load tests only**: the
//! real data has two matches, and pages need hundreds to show what they cost at scale.
//!
//! [`league`] repeats the base catalog's matches under new ids, in made-up competitions
//! ("Benchmark League 3 · Round 12") on made-up dates, one round a week. Teams, scores and
//! highlights stay the base match's, so every page works on a league match; its files (details,
//! pictures, video) are the base match's, written under the new id by
//! `touchline-matchdata league`.

use crate::{Catalog, MatchDetails, MatchSummary, Moment, details_path, match_dir};

/// The first round's date, as days since 1970-01-01 (2024-08-03, a Saturday).
const FIRST_ROUND_DAY: i64 = 19_938;

/// A league catalog and where its matches come from.
#[derive(Clone, Debug, PartialEq)]
pub struct League {
    /// Every league match, latest first, and their moments.
    pub catalog: Catalog,
    /// For each match of `catalog` (same order), the id of the base match it repeats: its
    /// files are that match's files.
    pub repeats: Vec<String>,
}

/// `competitions` competitions of `matches_per_competition` rounds each, every match a repeat
/// of one of `base`'s (taken in turn), latest first: round `r` of every competition is played
/// on the same day, a week after round `r - 1`. Top moments are the base moments of each
/// match, in the catalog's order. An empty base gives an empty league.
pub fn league(base: &Catalog, competitions: usize, matches_per_competition: usize) -> League {
    let mut catalog = Catalog {
        version: base.version,
        matches: Vec::new(),
        top_moments: Vec::new(),
        credits: base.credits.clone(),
    };
    let mut repeats = Vec::new();
    if base.matches.is_empty() {
        return League { catalog, repeats };
    }
    // Latest first: the last round first, competitions in order within a round.
    for round in (0..matches_per_competition).rev() {
        let date = format_date(FIRST_ROUND_DAY + 7 * round as i64);
        for competition in 0..competitions {
            let source = &base.matches[(round * competitions + competition) % base.matches.len()];
            let id = format!("l{}r{}-{}", competition + 1, round + 1, source.id);
            let summary = MatchSummary {
                id: id.clone(),
                competition: format!("Benchmark League {} · Round {}", competition + 1, round + 1),
                date: date.clone(),
                details: details_path(&id),
                video: rebase(&source.video, &source.id, &id),
                thumbnail: rebase(&source.thumbnail, &source.id, &id),
                ..source.clone()
            };
            catalog.top_moments.extend(
                base.top_moments.iter().filter(|moment| moment.match_id == source.id).map(|moment| Moment {
                    match_id: id.clone(),
                    thumbnail: rebase(&moment.thumbnail, &source.id, &id),
                    video: rebase(&moment.video, &source.id, &id),
                    ..moment.clone()
                }),
            );
            catalog.matches.push(summary);
            repeats.push(source.id.clone());
        }
    }
    League { catalog, repeats }
}

/// The details of a league match: `base`'s (the match it repeats) under the league match's
/// `summary`, its pictures' paths under the league match's folder.
pub fn repeat_details(base: &MatchDetails, summary: &MatchSummary) -> MatchDetails {
    let mut details = base.clone();
    for highlight in &mut details.highlights {
        highlight.thumbnail = rebase(&highlight.thumbnail, &base.summary.id, &summary.id);
    }
    details.summary = summary.clone();
    details
}

/// `path` under the folder of match `to` when it is under match `from`'s; otherwise as it is
/// (an absolute URL, a shared file).
fn rebase(path: &str, from: &str, to: &str) -> String {
    match path.strip_prefix(&match_dir(from)).and_then(|rest| rest.strip_prefix('/')) {
        Some(rest) => format!("{}/{rest}", match_dir(to)),
        None => path.to_owned(),
    }
}

/// `YYYY-MM-DD` of a day counted from 1970-01-01 (proleptic Gregorian; Howard Hinnant's
/// `civil_from_days`).
fn format_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Clip, Score, TeamSummary};

    fn summary(id: &str, competition: &str) -> MatchSummary {
        let team = |code: &str| TeamSummary {
            name: code.into(),
            short_name: code.into(),
            code: code.into(),
            color: "#ffffff".into(),
        };
        MatchSummary {
            id: id.into(),
            competition: competition.into(),
            date: "2019-11-09".into(),
            venue: "V".into(),
            home: team("HOM"),
            away: team("AWA"),
            score: Score { home: 2, away: 1 },
            duration_s: 5600.0,
            details: details_path(id),
            video: format!("matches/{id}/video.webm"),
            thumbnail: format!("matches/{id}/thumbnail.png"),
        }
    }

    fn moment(match_id: &str, n: usize) -> Moment {
        Moment {
            match_id: match_id.into(),
            highlight_id: format!("goal-{n}"),
            title: format!("Scorer {n}"),
            subtitle: String::new(),
            clip: Clip { start_s: 10.0, end_s: 30.0 },
            thumbnail: format!("matches/{match_id}/moments/goal-{n}.png"),
            video: format!("matches/{match_id}/video.webm"),
        }
    }

    fn base() -> Catalog {
        Catalog {
            version: 1,
            matches: vec![summary("a", "Cup A · Final"), summary("b", "Cup B · Round 2")],
            top_moments: vec![moment("a", 1), moment("a", 2), moment("b", 1)],
            credits: Vec::new(),
        }
    }

    #[test]
    fn every_competition_plays_every_round_latest_first() {
        let league = league(&base(), 3, 4);
        let matches = &league.catalog.matches;
        assert_eq!(matches.len(), 12);
        assert_eq!(league.repeats.len(), 12);
        let ids: std::collections::HashSet<_> = matches.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids.len(), 12, "ids are unique");
        assert!(matches.windows(2).all(|pair| pair[0].date >= pair[1].date), "latest first");
        assert_eq!(matches[0].date, "2024-08-24");
        assert_eq!(matches[11].date, "2024-08-03");
        for c in 1..=3 {
            let name = format!("Benchmark League {c}");
            assert_eq!(matches.iter().filter(|m| m.competition_name() == name).count(), 4, "{name}");
        }
        assert_eq!(matches[0].competition, "Benchmark League 1 · Round 4");
    }

    #[test]
    fn league_matches_keep_their_base_match_under_their_own_folder() {
        let base = base();
        let league = league(&base, 2, 3);
        for (summary, source_id) in league.catalog.matches.iter().zip(&league.repeats) {
            let source = base.matches.iter().find(|m| &m.id == source_id).expect("a base match");
            assert_eq!((&summary.home, summary.score), (&source.home, source.score));
            let dir = format!("matches/{}/", summary.id);
            for path in [&summary.details, &summary.video, &summary.thumbnail] {
                assert!(path.starts_with(&dir), "{path} under {dir}");
            }
            assert!(summary.thumbnail.ends_with("/thumbnail.png"));
        }
        // Each league match brings its base match's moments, in order.
        let moments = &league.catalog.top_moments;
        let expected: usize = league.repeats.iter().map(|id| if id == "a" { 2 } else { 1 }).sum();
        assert_eq!(moments.len(), expected);
        for moment in moments {
            assert!(league.catalog.matches.iter().any(|m| m.id == moment.match_id));
            assert!(moment.thumbnail.starts_with(&format!("matches/{}/moments/", moment.match_id)));
        }
        assert!(
            league.catalog.top_moments.iter().all(|m| base.top_moments.iter().any(|b| b.title == m.title))
        );
    }

    #[test]
    fn an_empty_base_gives_an_empty_league() {
        let empty = Catalog { matches: Vec::new(), top_moments: Vec::new(), ..base() };
        let league = league(&empty, 8, 30);
        assert!(league.catalog.matches.is_empty() && league.repeats.is_empty());
    }

    #[test]
    fn repeated_details_name_the_league_match() {
        let base_summary = summary("a", "Cup A · Final");
        let details = MatchDetails {
            summary: base_summary.clone(),
            periods: Vec::new(),
            home_squad: Vec::new(),
            away_squad: Vec::new(),
            events: Vec::new(),
            highlights: vec![crate::Highlight {
                id: "goal-1".into(),
                event: 0,
                kind: crate::EventKind::Goal,
                video_s: 20.0,
                clip: Clip { start_s: 8.0, end_s: 28.0 },
                title: String::new(),
                subtitle: String::new(),
                thumbnail: "matches/a/moments/goal-1.png".into(),
            }],
        };
        let league = league(&base(), 1, 1);
        let repeated = repeat_details(&details, &league.catalog.matches[0]);
        assert_eq!(repeated.summary.id, "l1r1-a");
        assert_eq!(repeated.highlights[0].thumbnail, "matches/l1r1-a/moments/goal-1.png");
        assert_eq!(repeated.highlights[0].clip, details.highlights[0].clip);
    }

    #[test]
    fn dates_are_civil_dates() {
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(format_date(FIRST_ROUND_DAY), "2024-08-03");
        assert_eq!(format_date(FIRST_ROUND_DAY + 7 * 30), "2025-03-01");
        assert_eq!(format_date(19_782), "2024-02-29");
    }

    #[test]
    fn competition_names_drop_the_stage() {
        assert_eq!(summary("a", "FIFA World Cup 2018 · Final").competition_name(), "FIFA World Cup 2018");
        assert_eq!(summary("a", "Friendly").competition_name(), "Friendly");
    }
}
