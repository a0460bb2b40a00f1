//! The highlight reel: every highlight of a match in order, each clip introduced by a title
//! card. The video is sought to the clip's start (paused) while the card shows, then plays to
//! the clip's end, then the next card. Right skips on, left goes back, OK plays a card at once
//! or pauses a clip; up reaches the filter (goals only or every highlight).

use std::rc::Rc;
use std::time::Duration;

use serde::Serialize;
use touchline_catalog::{Clip, MatchDetails};
use touchline_ui::components::{
    Button, ButtonProps, ButtonVariant, ProgressBar, ProgressBarProps, VideoSurface, VideoSurfaceProps,
};
use touchline_ui::prelude::*;
use touchline_ui::{VideoStatus, bus, now_us, use_theme, video_player};

use crate::data::CatalogSource;
use crate::deadline::when_due;
use crate::match_details::moment_color;
use crate::navigation::Navigator;
use crate::playback::{full_screen_match, video_unavailable};
use crate::preferences::{ClipLength, ReelFilter, Spoilers};

/// How long a title card shows before its clip plays.
pub const TITLE_CARD: Duration = Duration::from_millis(2500);
/// Left within this long of a clip's start goes to the clip before; later, to its start.
const RESTART_WINDOW_S: f64 = 3.0;

/// One clip of the reel.
#[derive(Clone, Debug, PartialEq)]
pub struct ReelClip {
    /// The highlight's id (`goal-4`).
    pub id: String,
    /// "Goal · Pogba".
    pub title: String,
    /// "Goal".
    pub kind: touchline_catalog::EventKind,
    /// The broadcast clock of its event ("58:36").
    pub clock: String,
    /// The score after it ("3–1").
    pub score: String,
    /// The window played.
    pub clip: Clip,
}

/// The reel of `details` under `filter`, clips at `length`, in match order.
pub fn reel_clips(details: &MatchDetails, filter: ReelFilter, length: ClipLength) -> Vec<ReelClip> {
    details
        .highlights
        .iter()
        .filter(|highlight| filter.keeps(highlight))
        .map(|highlight| {
            let event = details.events.get(highlight.event);
            ReelClip {
                id: highlight.id.clone(),
                title: highlight.title.clone(),
                kind: highlight.kind,
                clock: event.map(|e| e.clock.clone()).unwrap_or_default(),
                score: event.map(|e| e.score.to_string()).unwrap_or_default(),
                clip: length.clip(highlight, details.summary.duration_s),
            }
        })
        .collect()
}

/// The `highlight_view` message for the JS VM's analytics: which highlight was shown, from
/// where (`reel` or `jump`), and its place.
#[derive(Serialize)]
pub struct HighlightView<'a> {
    /// The match.
    #[serde(rename = "match")]
    pub match_id: &'a str,
    /// The highlight's id.
    pub highlight: &'a str,
    /// `reel` (its title card) or `jump` (playback's next / previous).
    pub via: &'a str,
    /// Its place (from 0).
    pub index: usize,
    /// Of how many.
    pub count: usize,
}

impl HighlightView<'_> {
    /// Posts it; analytics are best effort, so a refused message is dropped.
    pub fn post(match_id: &str, highlight: &str, via: &str, index: usize, count: usize) {
        let _ = bus::post("highlight_view", &HighlightView { match_id, highlight, via, index, count });
    }
}

/// Where the reel is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// The video is opening.
    Waiting,
    /// A clip's title card, the video paused at the clip's start.
    Card,
    /// A clip playing.
    Playing,
    /// After the last clip.
    Finished,
}

/// The page in the designer preview, over the fixture catalog.
pub fn preview() -> touchline_ui::preview::Preview {
    touchline_ui::preview::Preview::page(
        "Highlight reel",
        touchline_ui::Route::with("reel", crate::data::FIXTURE_MATCH),
    )
}

/// The page for a match's reel.
pub fn highlight_reel_page(match_id: String) -> View {
    full_screen_match(match_id, reel_view)
}

fn reel_view(details: Rc<MatchDetails>, source: CatalogSource) -> View {
    let t = use_theme().get_untracked();
    let navigator = Navigator::here();
    let player = video_player();
    player.open(source.video_url(&details.summary.video));
    let filter = signal(untrack(ReelFilter::get));
    let length = untrack(ClipLength::get);
    let clips = {
        let details = details.clone();
        memo(move || reel_clips(&details, filter.get(), length))
    };
    let index = signal(0usize);
    let stage = signal(Stage::Waiting);
    let card_until = signal(None::<u64>);

    // In a signal, so the closures that go to a clip stay `Copy`.
    let match_id = signal(details.summary.id.clone());
    // Goes to clip `i`: its card over the paused video at the clip's start, or the end.
    let go_to = move |i: usize| {
        let (clip, count) = clips.with_untracked(|clips| (clips.get(i).cloned(), clips.len()));
        index.set(i);
        player.pause();
        match clip {
            Some(clip) => {
                player.seek(clip.clip.start_s);
                match_id.with_untracked(|id| HighlightView::post(id, &clip.id, "reel", i, count));
                stage.set(Stage::Card);
                card_until.set(Some(now_us() + TITLE_CARD.as_micros() as u64));
            }
            None => {
                stage.set(Stage::Finished);
                card_until.set(None);
            }
        }
    };
    let play_clip = move || {
        card_until.set(None);
        stage.set(Stage::Playing);
        player.play();
    };
    // The card's time: one timer, replaced when another card shows.
    when_due(card_until, move || {
        if stage.get_untracked() == Stage::Card {
            play_clip();
        }
    });
    // The video is ready: the first card.
    effect(move || {
        if player.status() == VideoStatus::Ready && stage.get_untracked() == Stage::Waiting {
            go_to(0);
        }
    });
    // A clip played to its end (or the video did): the next card.
    effect(move || {
        if stage.get() != Stage::Playing {
            return;
        }
        let end = clips.with(|clips| clips.get(index.get_untracked()).map(|c| c.clip.end_s));
        let over = end.is_none_or(|end| player.position_s() >= end) || player.status() == VideoStatus::Ended;
        if over {
            untrack(|| go_to(index.get_untracked() + 1));
        }
    });
    // A new filter starts the reel again.
    let choose = move |chosen: ReelFilter| {
        if filter.get_untracked() != chosen {
            filter.set(chosen);
            if stage.get_untracked() != Stage::Waiting {
                go_to(0);
            }
        }
    };
    let stage_ref = NodeRef::new();
    let on_stage_key = move |press: KeyPress| -> bool {
        if press.phase != KeyPhase::Down {
            return false;
        }
        let i = index.get_untracked();
        match (press.key, stage.get_untracked()) {
            (_, Stage::Waiting) => false,
            (Key::Right, Stage::Card | Stage::Playing) => {
                go_to(i + 1);
                true
            }
            (Key::Left, Stage::Card | Stage::Playing | Stage::Finished) => {
                let into = clips.with_untracked(|clips| {
                    clips.get(i).map(|c| player.position_s_untracked() - c.clip.start_s)
                });
                let restart = stage.get_untracked() == Stage::Playing
                    && into.is_some_and(|into| into > RESTART_WINDOW_S);
                go_to(if restart { i } else { i.saturating_sub(1) });
                true
            }
            (Key::Select, Stage::Card) => {
                play_clip();
                true
            }
            (Key::Select | Key::PlayPause, Stage::Playing) => {
                player.toggle();
                true
            }
            _ => false,
        }
    };

    let count = move || clips.with(Vec::len);
    let card = move || clips.with(|clips| clips.get(index.get()).cloned());
    let (card_kind, card_title, card_subtitle, lower_third) = (card, card, card, card);
    let progress = move || {
        let Some(clip) = card().map(|c| c.clip) else { return 0.0 };
        ((player.position_s() - clip.start_s) / clip.len_s().max(0.001)) as f32
    };
    let position_label = move || format!("{} of {}", (index.get() + 1).min(count()), count());
    let subtitle = move |clip: &ReelClip| match Spoilers::get() {
        Spoilers::Shown => format!("{} · {}", clip.clock, clip.score),
        Spoilers::Hidden => clip.clock.clone(),
    };
    let again = move || go_to(0);
    // At the end, focus goes to "Play again".
    let play_again = NodeRef::new();
    {
        let play_again = play_again.clone();
        effect(move || {
            if stage.get() == Stage::Finished {
                play_again.focus();
            }
        });
    }
    let (to_match, stage_focus) = (navigator.clone(), stage_ref.clone());
    let filter_chip = move |chip: ReelFilter| {
        let variant =
            move || if filter.get() == chip { ButtonVariant::Primary } else { ButtonVariant::Secondary };
        view! {
            <row>{move || view! { <Button label={chip.label()} variant={variant()} on_select={move |()| choose(chip)} /> }}</row>
        }
    };
    let summary = details.summary.clone();
    view! {
        <VideoSurface>
            <column absolute left=0 top=0 right=0 bottom=0 on_key=on_stage_key>
                <row padding_x=96 padding_y=48 gap={t.spacing.md} align=Align::Center
                     gradient={Gradient::linear(180.0, Color::rgba(0, 0, 0, 200), Color::rgba(0, 0, 0, 0))}>
                    <column grow=1>
                        <text size={t.type_scale.title} bold color={t.colors.text} max_lines=1>
                            {format!("Highlights · {} v {}", summary.home.short_name, summary.away.short_name)}
                        </text>
                    </column>
                    {filter_chip(ReelFilter::Goals)}
                    {filter_chip(ReelFilter::All)}
                </row>
                <column ref={&stage_ref} focusable autofocus role=Role::Button label="Highlight reel" grow=1
                        focus_color={Color::TRANSPARENT} justify=Align::End>
                    <column absolute left=0 top=0 right=0 bottom=0 align=Align::Center justify=Align::Center
                            gap={t.spacing.md} background={Color::rgba(11, 16, 32, 225)}
                            visible={move || stage.get() == Stage::Card}>
                        <row gap={t.spacing.sm} align=Align::Center>
                            <r#box width=20 height=20 radius=10
                                   background={move || card_kind().map_or(t.colors.accent, |c| moment_color(c.kind))} />
                            <text size={t.type_scale.body} bold color={t.colors.text_muted}>{position_label}</text>
                        </row>
                        <text size={t.type_scale.display} bold color={t.colors.text}>
                            {move || card_title().map(|c| c.title).unwrap_or_default()}
                        </text>
                        <text size={t.type_scale.heading} color={t.colors.text_muted}>
                            {move || card_subtitle().map(|c| subtitle(&c)).unwrap_or_default()}
                        </text>
                        <text size={t.type_scale.caption} color={t.colors.text_muted}>
                            "OK: play now · Right: skip · Left: previous · Up: filter"
                        </text>
                    </column>
                    <row visible={move || stage.get() == Stage::Playing} padding_x=96 padding_y=56 gap={t.spacing.lg}
                         align=Align::Center
                         gradient={Gradient::linear(180.0, Color::rgba(0, 0, 0, 0), Color::rgba(0, 0, 0, 200))}>
                        <text size={t.type_scale.heading} bold color={t.colors.text} max_lines=1>
                            {move || lower_third().map(|c| format!("{} · {}", c.title, c.clock)).unwrap_or_default()}
                        </text>
                        <text size={t.type_scale.body} color={t.colors.text_muted}>{position_label}</text>
                        <ProgressBar value=progress width=480.0 />
                    </row>
                    <column absolute left=0 top=0 right=0 bottom=0 align=Align::Center justify=Align::Center
                            gap={t.spacing.lg} background={t.colors.background}
                            visible={move || stage.get() == Stage::Finished}>
                        <text size={t.type_scale.title} bold color={t.colors.text}>"End of the reel"</text>
                        <text size={t.type_scale.body} color={t.colors.text_muted}>
                            {move || format!("{} highlights · {}", count(), filter.get().label())}
                        </text>
                        <row gap={t.spacing.md}>
                            <Button label="Play again" node_ref={play_again.clone()} on_select={move |()| { again(); stage_focus.focus(); }} />
                            <Button label="Back to the match" variant=ButtonVariant::Secondary
                                    on_select={move |()| { to_match.back(); }} />
                        </row>
                    </column>
                    {video_unavailable(player, navigator.clone())}
                </column>
            </column>
        </VideoSurface>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details() -> MatchDetails {
        let json = include_str!("../../assets/examples/catalog/matches/france-croatia-2018/match.json");
        serde_json::from_str(json).expect("the fixture match")
    }

    #[test]
    fn the_goals_reel_is_the_six_goals_in_order() {
        let clips = reel_clips(&details(), ReelFilter::Goals, ClipLength::Standard);
        let clocks: Vec<&str> = clips.iter().map(|c| c.clock.as_str()).collect();
        assert_eq!(clocks, ["17:58", "27:56", "37:58", "58:36", "64:37", "68:09"]);
        assert!(clips.windows(2).all(|pair| pair[0].clip.start_s < pair[1].clip.start_s));
        assert_eq!(clips[3].score, "3–1");
    }

    #[test]
    fn all_highlights_and_clip_lengths() {
        let details = details();
        let all = reel_clips(&details, ReelFilter::All, ClipLength::Standard);
        assert_eq!(all.len(), details.highlights.len());
        let short = reel_clips(&details, ReelFilter::Goals, ClipLength::Short);
        let long = reel_clips(&details, ReelFilter::Goals, ClipLength::Long);
        assert!(short[0].clip.len_s() < long[0].clip.len_s());
    }
}
