//! `Timeline`: a 90-minute match with goals, cards, shots and half-time marked. The playhead
//! advances as the match plays; left and right walk the markers (focus starts on the first
//! goal), a focused marker grows and shows its label, and OK seeks to it.
//!
//! `cargo run --example timeline` (headless: `-- --headless --frames 30 --screenshot
//! timeline.png`)

use std::time::Duration;

use touchline::ui::components::{
    Column, ColumnProps, MarkerKind, Row, RowProps, Text, TextProps, TextVariant, Timeline, TimelineMarker,
    TimelineProps,
};
use touchline::ui::prelude::*;
use touchline::ui::{interval, use_theme};

const MINUTE: f64 = 60_000.0;
const DURATION: f64 = 90.0 * MINUTE;

/// What happened in the match.
fn events() -> Vec<TimelineMarker> {
    let at = |minute: f64| minute * MINUTE;
    vec![
        TimelineMarker::new(at(5.0), MarkerKind::Shot, "5' Shot · Saka, saved"),
        TimelineMarker::new(at(12.0), MarkerKind::Goal, "12' Goal · Ødegaard (ARS)"),
        TimelineMarker::new(at(23.0), MarkerKind::Card, "23' Yellow card · Caicedo (CHE)"),
        TimelineMarker::new(at(31.0), MarkerKind::Shot, "31' Shot · Palmer, wide"),
        TimelineMarker::new(at(45.0), MarkerKind::Other, "45' Half-time"),
        TimelineMarker::new(at(58.0), MarkerKind::Goal, "58' Goal · Jackson (CHE)"),
        TimelineMarker::new(at(64.0), MarkerKind::Card, "64' Yellow card · Rice (ARS)"),
        TimelineMarker::new(at(77.0), MarkerKind::Goal, "77' Goal · Saka (ARS)"),
        TimelineMarker::new(at(88.0), MarkerKind::Shot, "88' Shot · Nkunku, blocked"),
    ]
}

/// `ms` as `m:ss`.
fn clock(ms: f64) -> String {
    let seconds = (ms / 1000.0).max(0.0) as u64;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// A legend entry: a swatch of `kind`'s colour and its name.
fn legend(kind: MarkerKind) -> View {
    let theme = use_theme();
    let [w, h] = kind.size();
    view! {
        <Row gap=12.0 align=Align::Center>
            <r#box width=w height=h radius={kind.radius()}
                   background={move || theme.with(|t| kind.color(t))} />
            <Text variant=TextVariant::Caption muted>{kind.name()}</Text>
        </Row>
    }
}

/// The page.
pub fn page() -> View {
    let theme = use_theme();
    let position = signal(34.0 * MINUTE);
    let last_seek = signal(None::<f64>);
    spawn_local(async move {
        // The match plays at 30× speed.
        let mut ticks = interval(Duration::from_millis(100));
        loop {
            ticks.tick().await;
            position.update(|p| *p = (*p + 3_000.0).min(DURATION));
        }
    });
    let seek = move |ms: f64| {
        position.set(ms);
        last_seek.set(Some(ms));
    };
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=96 gap=56
                background={move || theme.with(|t| t.colors.background)}>
            <Column gap=8.0>
                <Text variant=TextVariant::Title>"Timeline"</Text>
                <Text muted>"Left and right walk the events; OK jumps to one."</Text>
            </Column>
            <column padding=64 gap=40 radius=28 background={move || theme.with(|t| t.colors.surface)}>
                <Row justify=Align::SpaceBetween align=Align::Center width=1600.0>
                    <Text variant=TextVariant::Heading>"Arsenal 2–1 Chelsea"</Text>
                    <Text variant=TextVariant::Heading muted>
                        {move || format!("{} / {}", clock(position.get()), clock(DURATION))}
                    </Text>
                </Row>
                // Room above the track for the focused marker's label.
                <column padding_y=56>
                    <Timeline duration_ms=DURATION position_ms={move || position.get()} markers={events()}
                              on_seek=seek width=1600.0 />
                </column>
                <Row justify=Align::SpaceBetween align=Align::Center width=1600.0>
                    <Row gap=40.0>
                        {legend(MarkerKind::Goal)}{legend(MarkerKind::Card)}
                        {legend(MarkerKind::Shot)}{legend(MarkerKind::Other)}
                    </Row>
                    <Text muted>
                        {move || last_seek.get().map_or(String::from("Press OK on an event to jump to it"),
                                                        |ms| format!("Jumped to {}", clock(ms)))}
                    </Text>
                </Row>
            </column>
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Timeline", page)
}

fn main() -> std::process::ExitCode {
    touchline::run_example_with_keys(page, &["right"])
}
