//! Home: what to watch, from the match catalog. Rails: the latest matches, the top moments
//! (every goal, across matches), one per competition with at least two matches, and the
//! teams; down and up keep the position across rails. The catalog is fetched when the page
//! opens: a spinner meanwhile, an error with Retry when it fails.

use std::rc::Rc;

use touchline_catalog::{Catalog, MatchSummary, TeamSummary};
use touchline_ui::components::{
    Button, ButtonProps, ButtonVariant, Deferred, DeferredProps, Image, ImageProps, ProgressBar,
    ProgressBarProps, Rail, RailProps,
};
use touchline_ui::prelude::*;
use touchline_ui::use_theme;

use crate::data::{CatalogSource, kit_color, use_catalog};
use crate::navigation::{self, Navigator, StartAt};
use crate::preferences::{Resume, Spoilers};

/// A match tile's picture (16:9) and the tile.
const MATCH_PICTURE: (f32, f32) = (528.0, 297.0);
pub(crate) const MATCH_TILE: (f32, f32) = (528.0, 419.0);
/// A moment tile's picture and the tile.
const MOMENT_PICTURE: (f32, f32) = (384.0, 216.0);
const MOMENT_TILE: (f32, f32) = (384.0, 338.0);
/// A team tile.
const TEAM_TILE: (f32, f32) = (320.0, 120.0);

/// The page in the designer preview, over the fixture catalog.
pub fn preview() -> touchline_ui::preview::Preview {
    touchline_ui::preview::Preview::page("Home", touchline_ui::Route::new("home"))
}

/// The page: the header, then the rails once the catalog is in.
pub fn home_page() -> View {
    let t = use_theme().get_untracked();
    let source = use_catalog();
    let navigator = Navigator::here();
    let content = source.clone();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding_x={t.spacing.xl}
                padding_y={t.spacing.lg} gap={t.spacing.lg} background={t.colors.background}
                overflow=Overflow::Scroll reveal_padding={t.spacing.xl}>
            <row gap={t.spacing.md} align=Align::End>
                <text size={t.type_scale.title} bold color={t.colors.text}>"Touchline"</text>
                <text size={t.type_scale.body} color={t.colors.text_muted}>"Football, replayed"</text>
            </row>
            <Deferred load={move || source.clone().catalog()}
                      view={move |catalog: Catalog| home_rails(Rc::new(catalog), content.clone(), navigator.clone())} />
        </column>
    }
}

/// A team and how many matches of it the catalog has.
#[derive(Clone, Debug, PartialEq)]
struct TeamEntry {
    team: TeamSummary,
    matches: usize,
}

/// Every team of the catalog, in the order their first match appears (latest first).
fn teams_of(catalog: &Catalog) -> Vec<TeamEntry> {
    let mut teams: Vec<TeamEntry> = Vec::new();
    for team in catalog.matches.iter().flat_map(|summary| [&summary.home, &summary.away]) {
        match teams.iter_mut().find(|entry| entry.team.code == team.code) {
            Some(entry) => entry.matches += 1,
            None => teams.push(TeamEntry { team: team.clone(), matches: 1 }),
        }
    }
    teams
}

/// A competition with a rail of its own: its name and its matches, latest first.
#[derive(Clone, Debug, PartialEq)]
struct CompetitionEntry {
    name: String,
    matches: Vec<MatchSummary>,
}

/// The competitions of the catalog that have at least two matches (one match is no rail: the
/// Latest matches rail shows it), the one with the latest match first, each with its matches
/// latest first.
fn competitions_of(catalog: &Catalog) -> Vec<CompetitionEntry> {
    let mut competitions: Vec<CompetitionEntry> = Vec::new();
    for summary in &catalog.matches {
        let name = summary.competition_name();
        match competitions.iter_mut().find(|entry| entry.name == name) {
            Some(entry) => entry.matches.push(summary.clone()),
            None => {
                competitions.push(CompetitionEntry { name: name.to_owned(), matches: vec![summary.clone()] })
            }
        }
    }
    competitions.retain(|entry| entry.matches.len() >= 2);
    for entry in &mut competitions {
        // `YYYY-MM-DD` sorts as text; stable, so a day's matches keep the catalog's order.
        entry.matches.sort_by(|a, b| b.date.cmp(&a.date));
    }
    competitions.sort_by(|a, b| b.matches[0].date.cmp(&a.matches[0].date));
    competitions
}

/// A rail of match tiles: OK opens the match.
fn matches_rail(
    label: String,
    matches: Rc<Vec<MatchSummary>>,
    source: CatalogSource,
    navigator: Navigator,
) -> View {
    let (tiles, picked) = (matches.clone(), matches.clone());
    view! {
        <Rail count={matches.len()} item_width={MATCH_TILE.0} item_height={MATCH_TILE.1} label={label}
              on_select={move |i: usize| navigator.open(navigation::match_details(&picked[i].id))}
              view={move |item: Memo<usize>| match_tile(tiles.clone(), item, source.clone())} />
    }
}

/// The rails of a loaded catalog.
fn home_rails(catalog: Rc<Catalog>, source: CatalogSource, navigator: Navigator) -> View {
    let t = use_theme().get_untracked();
    let settings = navigator.clone();
    let latest = matches_rail(
        "Latest matches".into(),
        Rc::new(catalog.matches.clone()),
        source.clone(),
        navigator.clone(),
    );
    let competitions: Vec<View> = competitions_of(&catalog)
        .into_iter()
        .map(|entry| {
            let rail =
                matches_rail(entry.name.clone(), Rc::new(entry.matches), source.clone(), navigator.clone());
            section(entry.name, rail)
        })
        .collect();
    let moments = {
        let (tiles, picked, navigator) = (catalog.clone(), catalog.clone(), navigator.clone());
        view! {
            <Rail count={catalog.top_moments.len()} item_width={MOMENT_TILE.0} item_height={MOMENT_TILE.1}
                  label="Top moments"
                  on_select={move |i: usize| {
                      let moment = &picked.top_moments[i];
                      navigator.open(navigation::watch(&moment.match_id, &StartAt::Highlight(moment.highlight_id.clone())));
                  }}
                  view={move |item: Memo<usize>| moment_tile(tiles.clone(), item, source.clone())} />
        }
    };
    let teams = Rc::new(teams_of(&catalog));
    let by_team = {
        let (tiles, picked) = (teams.clone(), teams.clone());
        view! {
            <Rail count={teams.len()} item_width={TEAM_TILE.0} item_height={TEAM_TILE.1} label="By team"
                  on_select={move |i: usize| navigator.open(navigation::team(&picked[i].team.code))}
                  view={move |item: Memo<usize>| team_tile(tiles.clone(), item)} />
        }
    };
    view! {
        <column gap={t.spacing.md}>
            {section("Latest matches", latest)}
            {section("Top moments", moments)}
            {competitions}
            {section("By team", by_team)}
            <row gap={t.spacing.md} padding_y={t.spacing.md}>
                <Button label="Settings" variant=ButtonVariant::Secondary
                        on_select={move |()| settings.open(navigation::settings())} />
            </row>
        </column>
    }
}

/// A rail under its heading.
fn section(title: impl Into<String>, rail: View) -> View {
    let title = title.into();
    let t = use_theme().get_untracked();
    view! {
        <column gap={t.spacing.xs}>
            <text size={t.type_scale.heading} bold color={t.colors.text}>{title}</text>
            {rail}
        </column>
    }
}

/// A match: its picture (with how much was watched, when it can be resumed), the teams and
/// score (unless spoilers are hidden), the competition and date.
pub(crate) fn match_tile(matches: Rc<Vec<MatchSummary>>, item: Memo<usize>, source: CatalogSource) -> View {
    let t = use_theme().get_untracked();
    let summary = move || matches[item.get()].clone();
    let picture = summary.clone();
    let (score, when, resume) = (summary.clone(), summary.clone(), summary);
    let resume = memo(move || Resume::progress(&resume()));
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)}>
            {move || {
                let summary = picture();
                view! { <Image src={source.url(&summary.thumbnail)} width={MATCH_PICTURE.0} height={MATCH_PICTURE.1} radius=0.0 /> }
            }}
            <row absolute left=0 top={MATCH_PICTURE.1 - 56.0} width={MATCH_PICTURE.0} height=56 padding_x={t.spacing.sm}
                 gap={t.spacing.sm} align=Align::Center visible={move || resume.get().is_some()}
                 background={Color::rgba(0, 0, 0, 170)}>
                <text size={t.type_scale.caption} bold color={t.colors.text}>"Resume"</text>
                <ProgressBar value={move || resume.get().unwrap_or(0.0)} width=400.0 height=6.0 />
            </row>
            <column padding_x={t.spacing.sm} padding_y={t.spacing.sm} gap={t.spacing.xs}>
                <text size={t.type_scale.body} bold color={t.colors.text} max_lines=1>{move || {
                    Spoilers::get().headline(&score())
                }}</text>
                <text size={t.type_scale.caption} color={t.colors.text_muted} max_lines=1>{move || {
                    let s = when();
                    format!("{} · {}", s.date, s.competition)
                }}</text>
            </column>
        </column>
    }
}

/// A goal: its picture, the scorer and minute, the score after it.
fn moment_tile(catalog: Rc<Catalog>, item: Memo<usize>, source: CatalogSource) -> View {
    let t = use_theme().get_untracked();
    let moment = move || catalog.top_moments[item.get()].clone();
    let (picture, title, subtitle) = (moment.clone(), moment.clone(), moment);
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)}>
            {move || {
                let moment = picture();
                view! { <Image src={source.url(&moment.thumbnail)} width={MOMENT_PICTURE.0} height={MOMENT_PICTURE.1} radius=0.0 /> }
            }}
            <column padding_x={t.spacing.sm} padding_y={t.spacing.sm} gap={t.spacing.xs}>
                <text size={t.type_scale.body} bold color={t.colors.text} max_lines=1>{move || title().title}</text>
                <text size={t.type_scale.caption} color={t.colors.text_muted} max_lines=1>{move || match Spoilers::get() {
                    Spoilers::Shown => subtitle().subtitle,
                    Spoilers::Hidden => String::new(),
                }}</text>
            </column>
        </column>
    }
}

/// A team: its colour, name and how many matches.
fn team_tile(teams: Rc<Vec<TeamEntry>>, item: Memo<usize>) -> View {
    let t = use_theme().get_untracked();
    let entry = move || teams[item.get()].clone();
    let (colour, name, count) = (entry.clone(), entry.clone(), entry);
    view! {
        <row width={Length::Percent(1.0)} height={Length::Percent(1.0)} gap={t.spacing.md} align=Align::Center
             padding_x={t.spacing.md}>
            <r#box width=12 height=72 radius=6
                   background={move || kit_color(&colour().team.color).unwrap_or(t.colors.accent)} />
            <column gap={t.spacing.xs}>
                <text size={t.type_scale.heading} bold color={t.colors.text} max_lines=1>{move || name().team.short_name}</text>
                <text size={t.type_scale.caption} color={t.colors.text_muted}>{move || match count().matches {
                    1 => String::from("1 match"),
                    n => format!("{n} matches"),
                }}</text>
            </column>
        </row>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(code: &str) -> TeamSummary {
        TeamSummary { name: code.into(), short_name: code.into(), code: code.into(), color: "#ffffff".into() }
    }

    fn summary(home: &str, away: &str) -> MatchSummary {
        MatchSummary {
            id: format!("{home}-{away}"),
            competition: String::new(),
            date: String::new(),
            venue: String::new(),
            home: team(home),
            away: team(away),
            score: Default::default(),
            duration_s: 0.0,
            details: String::new(),
            video: String::new(),
            thumbnail: String::new(),
        }
    }

    fn catalog_of(matches: Vec<MatchSummary>) -> Catalog {
        Catalog { version: 1, matches, top_moments: Vec::new(), credits: Vec::new() }
    }

    #[test]
    fn teams_are_listed_once_with_their_match_count() {
        let catalog = catalog_of(vec![summary("FRA", "HRV"), summary("BEL", "FRA")]);
        let teams: Vec<_> = teams_of(&catalog).into_iter().map(|e| (e.team.code, e.matches)).collect();
        assert_eq!(teams, [("FRA".into(), 2), ("HRV".into(), 1), ("BEL".into(), 1)]);
    }

    #[test]
    fn competitions_with_two_matches_get_a_rail_latest_first() {
        let played = |home: &str, away: &str, competition: &str, date: &str| MatchSummary {
            competition: competition.into(),
            date: date.into(),
            ..summary(home, away)
        };
        let catalog = catalog_of(vec![
            played("FRA", "HRV", "FIFA World Cup 2018 · Final", "2018-07-15"),
            // Out of order in the catalog: the rails still show the latest first.
            played("DOR", "BMU", "Bundesliga 2019/2020 · Round 30", "2020-05-26"),
            played("BEL", "ENG", "FIFA World Cup 2018 · Third place", "2018-07-14"),
            played("BMU", "DOR", "Bundesliga 2019/2020 · Round 11", "2019-11-09"),
            played("BMU", "FCB", "Bundesliga 2019/2020 · Round 12", "2020-06-01"),
            // One match of its competition: no rail.
            played("ARG", "FRA", "FIFA World Cup 2018 Qualifier · Round 1", "2017-03-01"),
        ]);
        let rails: Vec<(String, Vec<String>)> = competitions_of(&catalog)
            .into_iter()
            .map(|entry| (entry.name, entry.matches.into_iter().map(|m| m.id).collect()))
            .collect();
        let ids = |ids: &[&str]| ids.iter().map(|id| id.to_string()).collect::<Vec<_>>();
        assert_eq!(
            rails,
            [
                ("Bundesliga 2019/2020".to_owned(), ids(&["BMU-FCB", "DOR-BMU", "BMU-DOR"])),
                ("FIFA World Cup 2018".to_owned(), ids(&["FRA-HRV", "BEL-ENG"])),
            ]
        );
        // The real catalog: two competitions of one match each, so Home keeps its three rails.
        let real = catalog_of(vec![
            played("BMU", "DOR", "Bundesliga 2019/2020 · Round 11", "2019-11-09"),
            played("FRA", "HRV", "FIFA World Cup 2018 · Final", "2018-07-15"),
        ]);
        assert!(competitions_of(&real).is_empty());
    }
}
