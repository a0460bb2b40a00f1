//! `Spinner`: an activity indicator that reads from across a room.

use std::f32::consts::{FRAC_PI_2, TAU};
use std::time::Duration;

use crate::prelude::*;
use crate::task::interval;
use crate::theme::use_theme;

/// How many dots ring the spinner.
pub const SPINNER_DOTS: usize = 8;

/// How long each dot stays lit, in frame time.
pub const SPINNER_STEP: Duration = Duration::from_millis(100);

/// The opacity of a dot `behind` steps behind the lit one: a short fading trail.
fn trail(behind: usize) -> f32 {
    match behind {
        0 => 1.0,
        1 => 0.75,
        2 => 0.55,
        _ => 0.35,
    }
}

/// An activity indicator: eight dots on a circle in the accent colour, one lit and advancing
/// every 100 ms of frame time with a fading trail behind it. The stepping task belongs to the
/// spinner and stops when it unmounts. Announced as "Loading".
#[component]
pub fn Spinner(
    /// The diameter in pixels.
    #[prop(default = 64.0)]
    size: f32,
) -> View {
    let theme = use_theme();
    let lit = signal(0usize);
    spawn_local(async move {
        let mut ticks = interval(SPINNER_STEP);
        loop {
            ticks.tick().await;
            lit.update(|l| *l = (*l + 1) % SPINNER_DOTS);
        }
    });
    let size = size.max(4.0);
    let dot = size * 0.2;
    let orbit = (size - dot) / 2.0;
    let transition = theme.with_untracked(|t| t.motion.quick);
    let dots: Vec<View> = (0..SPINNER_DOTS)
        .map(|i| {
            // Clockwise from the top.
            let angle = i as f32 / SPINNER_DOTS as f32 * TAU - FRAC_PI_2;
            let (left, top) = (orbit + orbit * angle.cos(), orbit + orbit * angle.sin());
            let behind = move || (lit.get() + SPINNER_DOTS - i) % SPINNER_DOTS;
            view! {
                <r#box absolute left=left top=top width=dot height=dot radius={dot / 2.0}
                       transition=transition
                       background={move || {
                           // The trail fades through the colour's alpha, not `opacity`: a plain
                           // fill needs no compositing layer in the host.
                           let accent = theme.with(|t| t.colors.accent);
                           accent.with_alpha((f32::from(accent.alpha()) * trail(behind())).round() as u8)
                       }}
                       scale={move || if behind() == 0 { 1.0 } else { 0.8 }} />
            }
        })
        .collect();
    view! {
        <r#box width=size height=size shrink=0 label="Loading">{dots}</r#box>
    }
}
