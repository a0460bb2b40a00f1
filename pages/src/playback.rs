//! Playback: the match video full screen, and over it an overlay (the match, the score at the
//! moment shown, the timeline with a marker per highlight, the play state) that any key brings
//! up and that hides after a few idle seconds while the video plays.
//!
//! Keys, with focus on the timeline's playhead (where it starts):
//! - left / right: back or on 10 s; held, a scrub that speeds up, with the time it will land on
//!   shown, committed when the key comes up;
//! - up / down: the previous / next highlight, whose marker then takes focus; left and right
//!   then walk the markers, OK plays the one focused, Back returns to the playhead;
//! - OK (or play/pause): pause or play; Back leaves, keeping the position for "Resume".

use std::rc::Rc;
use std::time::Duration;

use touchline_catalog::{Clip, EventKind, MatchDetails, format_clock};
use touchline_ui::components::{
    Button, ButtonProps, Deferred, DeferredProps, MarkerKind, Spinner, SpinnerProps, Timeline,
    TimelineMarker, TimelineProps, VideoSurface, VideoSurfaceProps,
};
use touchline_ui::prelude::*;
use touchline_ui::{VideoPlayer, VideoStatus, now_us, use_theme, video_player};

use crate::data::{CatalogSource, use_catalog};
use crate::deadline::when_due;
use crate::navigation::{Navigator, StartAt, parse_watch};
use crate::preferences::{ClipLength, Resume};
use crate::reel::HighlightView;

/// A tap of left or right moves this far.
pub const SEEK_STEP_S: f64 = 10.0;
/// The overlay hides after this long without a key, while the video plays.
pub const OVERLAY_IDLE: Duration = Duration::from_secs(4);
/// Up within this long of a clip's start goes to the clip before, as a music player does.
const RESTART_WINDOW_S: f64 = 3.0;
/// The timeline's width.
const TIMELINE_WIDTH: f32 = 1728.0;

/// How far the `repeat`-th repeat of a held left or right moves the scrub: faster the longer
/// the key is held (10 s, then 30 s, then 60 s a step).
pub fn scrub_step_s(repeat: u32) -> f64 {
    match repeat {
        0..=4 => 10.0,
        5..=12 => 30.0,
        _ => 60.0,
    }
}

/// A highlight as playback jumps to it: its event and its clip at the chosen length.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Jump {
    /// When the event happens.
    pub video_s: f64,
    /// The clip played.
    pub clip: Clip,
}

/// Which highlight of `jumps` (in event order) "next" (`forward`) or "previous" goes to from
/// `position_s`. `current` is the one jumped to last: while the position is inside its clip,
/// next and previous step from it (clips overlap, so the position alone is ambiguous);
/// otherwise next is the first event after the position and previous the last event before
/// it (or, within the first seconds of its clip, the one before that).
pub fn jump_target(jumps: &[Jump], position_s: f64, current: Option<usize>, forward: bool) -> Option<usize> {
    let current = current.filter(|&i| jumps.get(i).is_some_and(|jump| jump.clip.contains(position_s)));
    match (current, forward) {
        (Some(i), true) => (i + 1 < jumps.len()).then_some(i + 1),
        (Some(i), false) if position_s - jumps[i].clip.start_s > RESTART_WINDOW_S => Some(i),
        (Some(i), false) => i.checked_sub(1),
        (None, true) => jumps.iter().position(|jump| jump.video_s > position_s),
        (None, false) => jumps.iter().rposition(|jump| jump.video_s < position_s),
    }
}

/// The timeline marker of an event kind.
pub fn marker_kind(kind: EventKind) -> MarkerKind {
    match kind {
        EventKind::Goal | EventKind::OwnGoal => MarkerKind::Goal,
        EventKind::YellowCard | EventKind::RedCard => MarkerKind::Card,
        EventKind::Shot | EventKind::Save => MarkerKind::Shot,
        _ => MarkerKind::Other,
    }
}

/// The page in the designer preview, over the fixture catalog.
pub fn preview() -> touchline_ui::preview::Preview {
    touchline_ui::preview::Preview::page(
        "Playback",
        touchline_ui::Route::with("watch", crate::data::FIXTURE_MATCH),
    )
}

/// The page for a playback route (`france-croatia-2018`, `…/start`, `…/goal-3`).
pub fn playback_page(param: String) -> View {
    let (match_id, from) = parse_watch(&param);
    full_screen_match(match_id, move |details, source| player_view(details, from.clone(), source))
}

/// A full-screen video page for the match `match_id`: black with a spinner while its details
/// load, then `content` (an error with Retry when they cannot be fetched).
pub(crate) fn full_screen_match(
    match_id: String,
    content: impl Fn(Rc<MatchDetails>, CatalogSource) -> View + 'static,
) -> View {
    let source = use_catalog();
    let loaded = source.clone();
    let t = use_theme().get_untracked();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} background={Color::BLACK}
                align=Align::Center justify=Align::Center>
            <Deferred load={move || source.clone().match_details(match_id.clone())}
                      view={move |details: MatchDetails| content(Rc::new(details), loaded.clone())}
                      fallback={move || view! { <Spinner size={t.type_scale.display} /> }} />
        </column>
    }
}

/// The overlay's visibility: shown on any key, hidden `OVERLAY_IDLE` after the last one while
/// the video plays.
#[derive(Clone, Copy)]
struct Overlay {
    shown: Signal<bool>,
    /// When it hides (frame time, µs); `None` keeps it up.
    hide_at: Signal<Option<u64>>,
}

impl Overlay {
    fn new() -> Self {
        let overlay = Overlay { shown: signal(true), hide_at: signal(None) };
        when_due(overlay.hide_at, move || overlay.shown.set(false));
        overlay
    }

    /// Shows it; it hides after the idle time when `linger` is false.
    fn poke(self, linger: bool) {
        self.shown.set(true);
        let deadline = (!linger).then(|| now_us() + OVERLAY_IDLE.as_micros() as u64);
        self.hide_at.set(deadline);
    }
}

/// The video and its overlay, once the match is loaded.
fn player_view(details: Rc<MatchDetails>, from: StartAt, source: CatalogSource) -> View {
    let t = use_theme().get_untracked();
    let navigator = Navigator::here();
    let match_id = details.summary.id.clone();
    let player = video_player();
    player.open(source.video_url(&details.summary.video));
    let length = untrack(ClipLength::get);
    let jumps: Rc<Vec<Jump>> = Rc::new(
        details
            .highlights
            .iter()
            .map(|h| Jump { video_s: h.video_s, clip: length.clip(h, details.summary.duration_s) })
            .collect(),
    );
    let start_s = match &from {
        StartAt::Beginning => 0.0,
        StartAt::Resume => untrack(|| Resume::get(&match_id)).unwrap_or(0.0),
        StartAt::Highlight(id) => {
            details.highlights.iter().position(|h| &h.id == id).map_or(0.0, |i| jumps[i].clip.start_s)
        }
    };
    let overlay = Overlay::new();
    let started = signal(false);
    // Ready: go to where playback starts, and play.
    effect(move || {
        if player.status() == VideoStatus::Ready && !started.get_untracked() {
            if start_s > 0.0 {
                player.seek(start_s);
            }
            player.play();
            started.set(true);
            overlay.poke(false);
        }
    });
    // Paused keeps the overlay up; playing again starts its idle time.
    effect(move || match player.status() {
        VideoStatus::Paused | VideoStatus::Ended => overlay.poke(true),
        VideoStatus::Playing if started.get_untracked() => overlay.poke(false),
        _ => {}
    });
    // The resume position, every ten seconds of video and when leaving.
    let keep_position = {
        let match_id = match_id.clone();
        move || {
            if started.get_untracked() {
                Resume::store(&match_id, player.position_s_untracked(), player.duration_s_untracked());
            }
        }
    };
    let tens = memo(move || (player.position_s() / 10.0).floor() as i64);
    {
        let keep_position = keep_position.clone();
        effect(move || {
            tens.get();
            if matches!(player.status(), VideoStatus::Playing | VideoStatus::Paused | VideoStatus::Ended) {
                untrack(&keep_position);
            }
        });
    }

    let scrub = signal(None::<f64>);
    let current = signal(None::<usize>);
    let playhead = NodeRef::new();
    let marker_refs: Vec<NodeRef> = jumps.iter().map(|_| NodeRef::new()).collect();
    // Up/down: the previous/next highlight (again on each repeat while held); consumed in
    // every phase, so focus does not move.
    let on_jump_key = {
        let (jumps, marker_refs, details) = (jumps.clone(), marker_refs.clone(), details.clone());
        move |press: KeyPress| -> bool {
            if !matches!(press.key, Key::Up | Key::Down) {
                return false;
            }
            if !matches!(press.phase, KeyPhase::Down | KeyPhase::Repeat(_)) {
                return true;
            }
            let (forward, position) = (press.key == Key::Down, player.position_s_untracked());
            if let Some(i) = jump_target(&jumps, position, current.get_untracked(), forward) {
                HighlightView::post(&details.summary.id, &details.highlights[i].id, "jump", i, jumps.len());
                current.set(Some(i));
                scrub.set(None);
                player.seek(jumps[i].clip.start_s);
                marker_refs[i].focus();
            }
            true
        }
    };
    // Any key shows the overlay (handlers that consume a key call this themselves, as the
    // page's handler does not see it then).
    let wake = move |press: KeyPress| {
        if matches!(press.phase, KeyPhase::Down | KeyPhase::Repeat(_)) {
            overlay.poke(player.status_untracked() != VideoStatus::Playing);
        }
    };
    let on_playhead_key = {
        let on_jump_key = on_jump_key.clone();
        move |press: KeyPress| -> bool {
            wake(press);
            if on_jump_key(press) {
                return true;
            }
            let direction = match press.key {
                Key::Left => -1.0,
                Key::Right => 1.0,
                _ => return false,
            };
            match press.phase {
                KeyPhase::Down => player.seek(player.position_s_untracked() + direction * SEEK_STEP_S),
                KeyPhase::Repeat(n) => {
                    let from = scrub.get_untracked().unwrap_or_else(|| player.position_s_untracked());
                    let duration = player.duration_s_untracked();
                    scrub.set(Some((from + direction * scrub_step_s(n)).clamp(0.0, duration.max(0.0))));
                }
                KeyPhase::Up { .. } => {
                    if let Some(target) = scrub.get_untracked() {
                        scrub.set(None);
                        player.seek(target);
                    }
                }
                KeyPhase::LongPress => {}
            }
            true
        }
    };
    // Keys anywhere on the page: any key shows the overlay; play/pause; Back from a marker
    // returns to the playhead, Back from the playhead leaves (keeping the position).
    let on_page_key = {
        let keep_position = keep_position.clone();
        move |press: KeyPress| -> bool {
            wake(press);
            if press.phase != KeyPhase::Down {
                return false;
            }
            match press.key {
                Key::PlayPause => {
                    player.toggle();
                    true
                }
                Key::Back => {
                    keep_position();
                    false
                }
                _ => false,
            }
        }
    };
    let on_markers_key = {
        let playhead = playhead.clone();
        move |press: KeyPress| -> bool {
            wake(press);
            if on_jump_key(press) {
                return true;
            }
            match press.key {
                Key::Back => {
                    if press.phase == KeyPhase::Down {
                        playhead.focus();
                    }
                    true
                }
                _ => false,
            }
        }
    };
    // Hidden, the overlay gives focus back to the playhead.
    {
        let playhead = playhead.clone();
        effect(move || {
            if !overlay.shown.get() {
                playhead.focus();
            }
        });
    }
    let markers: Vec<TimelineMarker> = details
        .highlights
        .iter()
        .zip(&marker_refs)
        .map(|(h, node_ref)| {
            let clock = details.events.get(h.event).map(|e| e.clock.as_str()).unwrap_or_default();
            TimelineMarker::new(h.video_s * 1000.0, marker_kind(h.kind), format!("{clock} {}", h.title))
                .with_ref(node_ref.clone())
        })
        .collect();
    let on_seek = {
        let (jumps, playhead) = (jumps.clone(), playhead.clone());
        move |at_ms: f64| {
            let at = at_ms / 1000.0;
            let i = jumps.iter().position(|jump| (jump.video_s - at).abs() < 0.001);
            current.set(i);
            player.seek(i.map_or(at, |i| jumps[i].clip.start_s));
            playhead.focus();
        }
    };

    let shown_at = move || scrub.get().unwrap_or_else(|| player.position_s());
    let clock = {
        let details = details.clone();
        memo(move || details.clock_at(shown_at()))
    };
    let score = {
        let details = details.clone();
        memo(move || details.score_at(player.position_s()))
    };
    let summary = details.summary.clone();
    let failed = move || matches!(player.status(), VideoStatus::Failed(_));
    let state = move || match player.status() {
        VideoStatus::Idle | VideoStatus::Opening | VideoStatus::Ready => String::from("Loading"),
        VideoStatus::Playing => String::from("Playing"),
        VideoStatus::Paused => String::from("Paused"),
        VideoStatus::Ended => String::from("Ended"),
        VideoStatus::Closed => String::from("Closed"),
        VideoStatus::Failed(error) => format!("Failed: {error}"),
    };
    let times = move || {
        let duration = player.duration_s();
        format!("{} / {}", format_clock(shown_at()), format_clock(duration))
    };
    let (home, away) = (summary.home.code.clone(), summary.away.code.clone());
    let overlay_opacity = move || if overlay.shown.get() && !failed() { 1.0 } else { 0.0 };
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} on_key=on_page_key>
            <VideoSurface>
                <column absolute left=0 top=0 right=0 bottom=0 justify=Align::End
                        opacity=overlay_opacity transition={t.motion.quick}>
                    <column grow=1 visible={move || scrub.get().is_some()} align=Align::Center justify=Align::Center
                            gap={t.spacing.xs}>
                        <column padding_x={t.spacing.lg} padding_y={t.spacing.md} radius={t.radius.md}
                                align=Align::Center background={Color::rgba(11, 16, 32, 220)}>
                            <text size={t.type_scale.display} bold color={t.colors.text}>{move || clock.get()}</text>
                            <text size={t.type_scale.body} color={t.colors.text_muted}>{times}</text>
                        </column>
                    </column>
                    <column padding_x=96 padding_y=56 gap={t.spacing.md}
                            gradient={Gradient::linear(180.0, Color::rgba(0, 0, 0, 0), Color::rgba(0, 0, 0, 220))}>
                        <r#box height=96 />
                        <row gap={t.spacing.lg} align=Align::End>
                            <column grow=1 gap={t.spacing.xs}>
                                <text size={t.type_scale.title} bold color={t.colors.text} max_lines=1>
                                    {format!("{} v {}", summary.home.short_name, summary.away.short_name)}
                                </text>
                                <text size={t.type_scale.body} color={t.colors.text_muted} max_lines=1>
                                    {format!("{} · {}", summary.competition, summary.date)}
                                </text>
                            </column>
                            <row padding_x={t.spacing.md} padding_y={t.spacing.sm} radius={t.radius.md}
                                 gap={t.spacing.md} background={Color::rgba(11, 16, 32, 220)} align=Align::Center>
                                <text size={t.type_scale.heading} bold color={t.colors.text}>
                                    {move || format!("{home} {} {away}", score.get())}
                                </text>
                                <text size={t.type_scale.heading} color={t.colors.accent}>{move || clock.get()}</text>
                            </row>
                        </row>
                        // Room for a focused marker's label above the timeline.
                        <r#box height=32 />
                        <r#box on_key=on_markers_key>
                            <Timeline duration_ms={move || player.duration_s() * 1000.0}
                                      position_ms={move || shown_at() * 1000.0} markers=markers
                                      on_seek=on_seek width=TIMELINE_WIDTH />
                        </r#box>
                        <row gap={t.spacing.lg} align=Align::Center>
                            <row ref={&playhead} focusable autofocus role=Role::Slider label="Playback position"
                                 on_key=on_playhead_key on_select={move || player.toggle()} gap={t.spacing.md}
                                 align=Align::Center focus_color={Color::TRANSPARENT} grow=1>
                                <text size={t.type_scale.heading} bold color={t.colors.text}>{state}</text>
                                <text size={t.type_scale.body} color={t.colors.text_muted}>{times}</text>
                            </row>
                            <text size={t.type_scale.caption} color={t.colors.text_muted}>
                                "Left / right: 10 s · Hold: scrub · Up / down: highlights · OK: pause · Back: leave"
                            </text>
                        </row>
                    </column>
                </column>
                {video_unavailable(player, navigator.clone())}
            </VideoSurface>
        </column>
    }
}

/// What shows instead of a black screen when the video cannot be played: why, and Back, which
/// takes focus.
pub(crate) fn video_unavailable(player: VideoPlayer, navigator: Navigator) -> View {
    let t = use_theme().get_untracked();
    let failure = move || match player.status() {
        VideoStatus::Failed(error) => Some(error),
        _ => None,
    };
    let back_button = NodeRef::new();
    {
        let back_button = back_button.clone();
        effect(move || {
            if failure().is_some() {
                back_button.focus();
            }
        });
    }
    let reason = move || {
        let text = failure().map(|error| error.to_string()).unwrap_or_default();
        let mut chars = text.chars();
        chars
            .next()
            .map(|first| format!("{}{}. Try again later.", first.to_uppercase(), chars.as_str()))
            .unwrap_or_default()
    };
    view! {
        <column absolute left=0 top=0 right=0 bottom=0 visible={move || failure().is_some()} align=Align::Center
                justify=Align::Center gap={t.spacing.lg} background={t.colors.background}>
            <text size={t.type_scale.title} bold color={t.colors.text}>"This match's video is not available"</text>
            <text size={t.type_scale.body} color={t.colors.text_muted}>{reason}</text>
            <Button label="Back" node_ref=back_button on_select={move |()| { navigator.back(); }} />
        </column>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jumps(events: &[f64]) -> Vec<Jump> {
        events
            .iter()
            .map(|&video_s| Jump { video_s, clip: Clip { start_s: video_s - 12.0, end_s: video_s + 8.0 } })
            .collect()
    }

    #[test]
    fn next_steps_from_the_clip_jumped_to() {
        // The second clip starts before the first event: position alone would find the first
        // again.
        let jumps = jumps(&[100.0, 105.0, 300.0]);
        assert_eq!(jump_target(&jumps, 0.0, None, true), Some(0));
        assert_eq!(jump_target(&jumps, 88.0, Some(0), true), Some(1));
        assert_eq!(jump_target(&jumps, 93.0, Some(1), true), Some(2));
        assert_eq!(jump_target(&jumps, 288.0, Some(2), true), None, "no highlight after the last");
        // Outside the clip jumped to, the position decides.
        assert_eq!(jump_target(&jumps, 200.0, Some(0), true), Some(2));
    }

    #[test]
    fn previous_restarts_a_clip_then_steps_back() {
        let jumps = jumps(&[100.0, 105.0, 300.0]);
        assert_eq!(jump_target(&jumps, 292.0, Some(2), false), Some(2), "well into the clip: its start");
        assert_eq!(jump_target(&jumps, 290.0, Some(2), false), Some(1), "near its start: the one before");
        assert_eq!(jump_target(&jumps, 88.5, Some(0), false), None, "nothing before the first");
        assert_eq!(jump_target(&jumps, 200.0, None, false), Some(1));
        assert_eq!(jump_target(&jumps, 50.0, None, false), None);
    }

    #[test]
    fn held_keys_scrub_faster() {
        assert!(scrub_step_s(1) < scrub_step_s(6) && scrub_step_s(6) < scrub_step_s(20));
    }
}
