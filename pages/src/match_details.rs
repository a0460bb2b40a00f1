//! Match details: the teams and score, when and where, "Watch match" (or "Resume" where the
//! viewer stopped) and "Highlight reel", and the key moments, each of which plays from its
//! clip. The match is fetched when the page opens.

use std::rc::Rc;

use touchline_catalog::{EventKind, Highlight, MatchDetails, TeamSummary, format_clock};
use touchline_ui::components::{
    Button, ButtonProps, ButtonVariant, Deferred, DeferredProps, Image, ImageProps, ProgressBar,
    ProgressBarProps,
};
use touchline_ui::prelude::*;
use touchline_ui::use_theme;

use crate::data::{CatalogSource, kit_color, use_catalog};
use crate::navigation::{self, Navigator, StartAt};
use crate::preferences::{Resume, Spoilers};

/// The match picture.
const PICTURE: (f32, f32) = (768.0, 432.0);
/// A key moment's row height.
const MOMENT_ROW: f32 = 72.0;

/// The page in the designer preview, over the fixture catalog.
pub fn preview() -> touchline_ui::preview::Preview {
    touchline_ui::preview::Preview::page(
        "Match details",
        touchline_ui::Route::with("match", crate::data::FIXTURE_MATCH),
    )
}

/// The page for the match `match_id`.
pub fn match_details_page(match_id: String) -> View {
    let t = use_theme().get_untracked();
    let source = use_catalog();
    let content = source.clone();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding_x={t.spacing.xl}
                padding_y={t.spacing.lg} background={t.colors.background}>
            <Deferred load={move || source.clone().match_details(match_id.clone())}
                      view={move |details: MatchDetails| details_view(Rc::new(details), content.clone())} />
        </column>
    }
}

fn details_view(details: Rc<MatchDetails>, source: CatalogSource) -> View {
    let t = use_theme().get_untracked();
    let navigator = Navigator::here();
    let id = details.summary.id.clone();
    let resume = {
        let id = id.clone();
        move || Resume::get(&id)
    };
    let watch = {
        let (id, navigator, resume) = (id.clone(), navigator.clone(), resume.clone());
        move || {
            let from = if resume().is_some() { StartAt::Resume } else { StartAt::Beginning };
            navigator.open(navigation::watch(&id, &from));
        }
    };
    let watch_label = {
        let resume = resume.clone();
        move || match resume() {
            Some(at) => format!("Resume {}", format_clock(at)),
            None => String::from("Watch match"),
        }
    };
    let from_start = {
        let (id, navigator) = (id.clone(), navigator.clone());
        move || navigator.open(navigation::watch(&id, &StartAt::Beginning))
    };
    let reel = {
        let (id, navigator) = (id.clone(), navigator.clone());
        move || navigator.open(navigation::reel(&id))
    };
    let summary = details.summary.clone();
    let headline_of = summary.clone();
    let progress = {
        let summary = summary.clone();
        memo(move || Resume::progress(&summary))
    };
    let moments: Vec<View> = details
        .highlights
        .iter()
        .map(|highlight| moment_row(highlight.clone(), details.clone(), navigator.clone()))
        .collect();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} gap={t.spacing.lg}>
            <row gap={t.spacing.xl} align=Align::Start>
                <column grow=1 gap={t.spacing.md}>
                    <text size={t.type_scale.body} color={t.colors.text_muted}>
                        {format!("{} · {}", summary.competition, summary.date)}
                    </text>
                    <row gap={t.spacing.md} align=Align::Center>
                        {kit_bar(&summary.home)}
                        <text size={t.type_scale.display} bold color={t.colors.text} max_lines=1>
                            {move || Spoilers::get().headline(&headline_of)}
                        </text>
                        {kit_bar(&summary.away)}
                    </row>
                    <text size={t.type_scale.body} color={t.colors.text_muted}>{summary.venue.clone()}</text>
                    <row gap={t.spacing.md} padding_y={t.spacing.md} align=Align::Center>
                        <Button label={watch_label} on_select={move |()| watch()} autofocus=true />
                        <row visible={move || resume().is_some()}>
                            <Button label="From the start" variant=ButtonVariant::Secondary
                                    on_select={move |()| from_start()} />
                        </row>
                        <Button label="Highlight reel" variant=ButtonVariant::Secondary on_select={move |()| reel()} />
                    </row>
                    <row visible={move || progress.get().is_some()} gap={t.spacing.sm} align=Align::Center>
                        <ProgressBar value={move || progress.get().unwrap_or(0.0)} width=480.0 />
                    </row>
                </column>
                <Image src={source.url(&summary.thumbnail)} width={PICTURE.0} height={PICTURE.1} />
            </row>
            <text size={t.type_scale.heading} bold color={t.colors.text}>"Key moments"</text>
            <column grow=1 gap={t.spacing.xs} overflow=Overflow::Scroll reveal_padding={t.spacing.lg}
                    focus_scope remember>
                {moments}
            </column>
        </column>
    }
}

/// A team's colour, as an upright bar.
fn kit_bar(team: &TeamSummary) -> View {
    let t = use_theme().get_untracked();
    let color = kit_color(&team.color).unwrap_or(t.colors.accent);
    view! { <r#box width=12 height=64 radius=6 background=color shrink=0 /> }
}

/// The colour that marks a kind of moment.
pub fn moment_color(kind: EventKind) -> Color {
    let t = use_theme().get_untracked();
    match kind {
        EventKind::Goal | EventKind::OwnGoal => t.colors.accent,
        EventKind::YellowCard => Color::hex(0xfacc15),
        EventKind::RedCard => t.colors.danger,
        EventKind::Substitution => t.colors.success,
        _ => t.colors.text_muted,
    }
}

/// A key moment: its clock, kind, who, and the score after it; OK plays its clip.
fn moment_row(highlight: Highlight, details: Rc<MatchDetails>, navigator: Navigator) -> View {
    let t = use_theme().get_untracked();
    let event = details.events.get(highlight.event).cloned();
    let clock = event.as_ref().map(|e| e.clock.clone()).unwrap_or_default();
    let score = event.map(|e| e.score);
    let focused = signal(false);
    let (match_id, highlight_id) = (details.summary.id.clone(), highlight.id.clone());
    let score_text = move || match (Spoilers::get(), score) {
        (Spoilers::Shown, Some(score)) => score.to_string(),
        _ => String::new(),
    };
    view! {
        <row focusable role=Role::Button height=MOMENT_ROW shrink=0 gap={t.spacing.md} align=Align::Center
             padding_x={t.spacing.md} radius={t.radius.md} focus_color={Color::TRANSPARENT}
             on_focus={move || focused.set(true)} on_blur={move || focused.set(false)}
             on_select={move || navigator.open(navigation::watch(&match_id, &StartAt::Highlight(highlight_id.clone())))}
             background={move || if focused.get() { t.colors.surface_raised } else { t.colors.surface }}>
            <text size={t.type_scale.body} bold color={t.colors.text} width=96 shrink=0>{clock}</text>
            <r#box width=16 height=16 radius=8 shrink=0 background={moment_color(highlight.kind)} />
            <text size={t.type_scale.body} color={t.colors.text} grow=1 max_lines=1>{highlight.title.clone()}</text>
            <text size={t.type_scale.body} bold color={t.colors.text_muted} shrink=0>{score_text}</text>
        </row>
    }
}
