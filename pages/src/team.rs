//! A team's matches: the By team rail's destination.

use std::rc::Rc;

use touchline_catalog::Catalog;
use touchline_ui::components::{Deferred, DeferredProps, Rail, RailProps};
use touchline_ui::prelude::*;
use touchline_ui::use_theme;

use crate::data::{CatalogSource, use_catalog};
use crate::home::{MATCH_TILE, match_tile};
use crate::navigation::{self, Navigator};

/// The page in the designer preview, over the fixture catalog.
pub fn preview() -> touchline_ui::preview::Preview {
    touchline_ui::preview::Preview::page("Team", touchline_ui::Route::with("team", crate::data::FIXTURE_TEAM))
}

/// The page for the team with the code `code` (`FRA`).
pub fn team_page(code: String) -> View {
    let t = use_theme().get_untracked();
    let source = use_catalog();
    let content = source.clone();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding_x={t.spacing.xl}
                padding_y={t.spacing.lg} gap={t.spacing.lg} background={t.colors.background}>
            <Deferred load={move || source.clone().catalog()}
                      view={move |catalog: Catalog| team_matches(&catalog, &code, content.clone())} />
        </column>
    }
}

fn team_matches(catalog: &Catalog, code: &str, source: CatalogSource) -> View {
    let t = use_theme().get_untracked();
    let navigator = Navigator::here();
    let matches: Rc<Vec<_>> = Rc::new(
        catalog.matches.iter().filter(|m| m.home.code == code || m.away.code == code).cloned().collect(),
    );
    let name = matches
        .first()
        .map(|m| if m.home.code == code { m.home.name.clone() } else { m.away.name.clone() })
        .unwrap_or_else(|| code.to_owned());
    let (tiles, picked) = (matches.clone(), matches.clone());
    let count = match matches.len() {
        1 => String::from("1 match"),
        n => format!("{n} matches"),
    };
    view! {
        <column gap={t.spacing.md}>
            <text size={t.type_scale.title} bold color={t.colors.text}>{name}</text>
            <text size={t.type_scale.body} color={t.colors.text_muted}>{count}</text>
            <Rail count={matches.len()} item_width={MATCH_TILE.0} item_height={MATCH_TILE.1} label="Matches"
                  on_select={move |i: usize| navigator.open(navigation::match_details(&picked[i].id))}
                  view={move |item: Memo<usize>| match_tile(tiles.clone(), item, source.clone())} />
        </column>
    }
}
