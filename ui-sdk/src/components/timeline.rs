//! `Timeline`: a video's timeline with its playhead and focusable event markers (goals, cards,
//! shots) that seek to their moment on OK.

use crate::components::text::{Text, TextProps, TextVariant};
use crate::prelude::*;
use crate::theme::{Theme, use_theme};

// Times are milliseconds as `f64`, which `IntoProp` does not cover yet: a value or a closure
// returning one. (To move into `prop.rs`'s `into_prop!` list.)
/// What happened at a marker.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MarkerKind {
    /// A goal: a large dot in the accent colour.
    Goal,
    /// A booking: a card-shaped marker in a yellow drawn from the theme.
    Card,
    /// A shot: a small dot in the muted text colour.
    Shot,
    /// Anything else (kick-off, half-time): a thin upright bar in the text colour.
    #[default]
    Other,
}

impl MarkerKind {
    /// The marker's colour in `theme`.
    pub fn color(self, theme: &Theme) -> Color {
        let c = &theme.colors;
        match self {
            MarkerKind::Goal => c.accent,
            // The theme has no yellow: lighten danger (red) with success (green) channel by
            // channel, as light mixes: amber in the dark theme, ochre in the light one.
            MarkerKind::Card => lighten(c.danger, c.success),
            MarkerKind::Shot => c.text_muted,
            MarkerKind::Other => c.text,
        }
    }

    /// The marker's size `[width, height]` in pixels.
    pub fn size(self) -> [f32; 2] {
        match self {
            MarkerKind::Goal => [26.0, 26.0],
            MarkerKind::Card => [16.0, 24.0],
            MarkerKind::Shot => [18.0, 18.0],
            MarkerKind::Other => [6.0, 28.0],
        }
    }

    /// The marker's corner radius: dots are round, cards and bars slightly rounded.
    pub fn radius(self) -> f32 {
        match self {
            MarkerKind::Goal | MarkerKind::Shot => self.size()[0] / 2.0,
            MarkerKind::Card | MarkerKind::Other => 3.0,
        }
    }

    /// What a screen reader calls the kind ("Goal").
    pub fn name(self) -> &'static str {
        match self {
            MarkerKind::Goal => "Goal",
            MarkerKind::Card => "Card",
            MarkerKind::Shot => "Shot",
            MarkerKind::Other => "Event",
        }
    }
}

/// The larger of two colours channel by channel (opaque).
fn lighten(a: Color, b: Color) -> Color {
    let [ar, ag, ab, _] = a.0.to_be_bytes();
    let [br, bg, bb, _] = b.0.to_be_bytes();
    Color::rgb(ar.max(br), ag.max(bg), ab.max(bb))
}

/// An event on the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineMarker {
    /// When it happened, in milliseconds from the start.
    pub at_ms: f64,
    /// What it is called, shown when focused and announced ("23' Goal, Rashford").
    pub label: String,
    /// What kind of event it is.
    pub kind: MarkerKind,
    /// A handle on the marker, so a page can move focus to it (to the moment it jumped to).
    pub node_ref: Option<NodeRef>,
}

impl TimelineMarker {
    /// A marker at `at_ms`.
    pub fn new(at_ms: f64, kind: MarkerKind, label: impl Into<String>) -> Self {
        Self { at_ms, label: label.into(), kind, node_ref: None }
    }

    /// The marker with `node_ref` attached to it.
    pub fn with_ref(mut self, node_ref: NodeRef) -> Self {
        self.node_ref = Some(node_ref);
        self
    }
}

/// `at_ms` as a time on a timeline `duration_ms` long: NaN and negatives are the start, times
/// past the end the end; a timeline without a valid duration has only its start.
pub fn clamp_time(at_ms: f64, duration_ms: f64) -> f64 {
    if duration_ms.is_nan() || duration_ms <= 0.0 || at_ms.is_nan() {
        return 0.0;
    }
    at_ms.clamp(0.0, duration_ms)
}

/// Where `at_ms` falls on a timeline `duration_ms` long, 0–1.
fn fraction(at_ms: f64, duration_ms: f64) -> f32 {
    let at = clamp_time(at_ms, duration_ms);
    if at <= 0.0 { 0.0 } else { (at / duration_ms).clamp(0.0, 1.0) as f32 }
}

/// The height of the timeline's box: room for focused (grown) markers.
const HEIGHT: f32 = 48.0;
/// The track's thickness.
const TRACK: f32 = 8.0;
/// The playhead's diameter.
const KNOB: f32 = 24.0;
/// How much a focused marker grows.
const FOCUS_SCALE: f32 = 1.5;
/// The width of the box the focused marker's label is centred in.
const TIP: f32 = 480.0;

/// A video timeline `width` pixels wide: the track, the part played so far up to the playhead,
/// and a marker per event at `at_ms / duration_ms` of the width. Markers are focusable (a focus
/// scope that remembers the last one, so left and right walk them and focus comes back where it
/// was); a focused marker grows, shows and announces its label, and OK on it calls `on_seek`
/// with its time. Times out of range clamp to the track; a duration that is zero, negative or
/// NaN puts everything at the start.
///
/// ```ignore
/// view! {
///     <Timeline duration_ms=5_400_000.0 position_ms={move || player.position_ms()}
///               markers={events} on_seek={move |ms| player.seek(ms)} />
/// }
/// ```
#[component]
pub fn Timeline(
    /// The video's length in milliseconds.
    duration_ms: Prop<f64>,
    /// The playhead, in milliseconds.
    position_ms: Prop<f64>,
    /// The events to mark.
    #[prop(optional)]
    markers: Vec<TimelineMarker>,
    /// Called with a marker's time (clamped to the video) when OK is pressed on it.
    on_seek: Callback<f64>,
    /// Width in pixels.
    #[prop(default = 1600.0)]
    width: f32,
) -> View {
    let theme = use_theme();
    let width = width.max(0.0);
    let track_top = (HEIGHT - TRACK) / 2.0;
    let played = {
        let (duration, position) = (duration_ms.clone(), position_ms);
        move || fraction(position.get(), duration.get()) * width
    };
    let (ring_width, focus_transition, quick) =
        theme.with_untracked(|t| (t.focus.ring_width, t.focus.transition, t.motion.quick));
    let (tip_x, tip_y, tip_radius) = theme.with_untracked(|t| (t.spacing.sm, t.spacing.xs, t.radius.md));
    let knob_shadow = Shadow { color: Color::rgba(0, 0, 0, 120), offset: [0.0, 2.0], blur: 8.0, spread: 0.0 };
    let markers: Vec<View> = markers
        .into_iter()
        .map(|marker| {
            let TimelineMarker { at_ms, label, kind, node_ref } = marker;
            let node_ref = node_ref.unwrap_or_default();
            let [w, h] = kind.size();
            let focused = signal(false);
            let duration = duration_ms.clone();
            let seek_duration = duration_ms.clone();
            let on_seek = on_seek.clone();
            let tip = label.clone();
            let radius = kind.radius();
            // A box from the track's start to the marker's right edge, the marker at its end:
            // layout (and so focus) sees the marker where it is drawn, as the duration changes.
            let reach = move || fraction(at_ms, duration.get()) * width + w / 2.0;
            let ring = move || if focused.get() { theme.with(|t| t.focus.ring) } else { Color::TRANSPARENT };
            // The label's box is centred on the marker, above the timeline.
            let tip_right = w / 2.0 - TIP / 2.0;
            view! {
                <row absolute left=0 top=0 height=HEIGHT width_px=reach justify=Align::End
                     align=Align::Center>
                    <r#box ref={&node_ref} width=w height=h shrink=0 radius=radius focusable role=Role::Button
                           label={label.as_str()} focus_color={Color::TRANSPARENT}
                           on_focus={move || focused.set(true)} on_blur={move || focused.set(false)}
                           on_select={move || on_seek.call(clamp_time(at_ms, seek_duration.get()))}
                           background={move || theme.with(|t| kind.color(t))}
                           border_width=ring_width border_color=ring transition=focus_transition
                           scale={move || if focused.get() { FOCUS_SCALE } else { 1.0 }} />
                    <column absolute bottom={HEIGHT + 4.0} right=tip_right width=TIP align=Align::Center
                            visible={move || focused.get()} transition=quick
                            opacity={move || if focused.get() { 1.0 } else { 0.0 }}>
                        <row padding_x=tip_x padding_y=tip_y radius=tip_radius
                             background={move || theme.with(|t| t.colors.surface_raised)}>
                            <Text variant=TextVariant::Caption max_lines=1>{tip}</Text>
                        </row>
                    </column>
                </row>
            }
        })
        .collect();
    view! {
        <r#box width=width height=HEIGHT shrink=0>
            <r#box absolute left=0 top=track_top width=width height=TRACK radius={TRACK / 2.0}
                   background={move || theme.with(|t| t.colors.track)} />
            <row absolute left=0 top=track_top height=TRACK width_px=played radius={TRACK / 2.0}
                 justify=Align::End align=Align::Center background={move || theme.with(|t| t.colors.accent)}>
                <r#box width=KNOB height=KNOB radius={KNOB / 2.0} shrink=0 translate={[KNOB / 2.0, 0.0]}
                       background={move || theme.with(|t| t.colors.text)} shadow=knob_shadow />
            </row>
            <r#box absolute left=0 top=0 width=width height=HEIGHT focus_scope remember>{markers}</r#box>
        </r#box>
    }
}
