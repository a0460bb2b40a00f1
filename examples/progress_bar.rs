//! `ProgressBar`: fixed values from empty to full (out-of-range ones clamp), a download that
//! fills up, and a "continue watching" row whose bars animate to their values with the
//! theme's quick motion.
//!
//! `cargo run --example progress_bar` (headless: `-- --headless --frames 30 --screenshot
//! progress.png`)

use std::time::Duration;

use touchline::ui::components::{
    Column, ColumnProps, ProgressBar, ProgressBarProps, Row, RowProps, Text, TextProps, TextVariant,
};
use touchline::ui::prelude::*;
use touchline::ui::{interval, sleep, use_theme};

/// A bar at a fixed value, labelled.
fn fixed(value: f32) -> View {
    view! {
        <Row align=Align::Center>
            <column width=160>
                <Text variant=TextVariant::Caption muted>{format!("value {value}")}</Text>
            </column>
            <ProgressBar value=value width=640.0 />
        </Row>
    }
}

/// A "continue watching" tile whose bar grows to `watched` once the page is up.
fn resume_tile(title: &str, watched: f32) -> View {
    let theme = use_theme();
    let shown = signal(0.0f32);
    spawn_local(async move {
        sleep(Duration::from_millis(100)).await;
        shown.set(watched);
    });
    let title = title.to_owned();
    view! {
        <column width=400 padding=24 gap=20 radius=28 background={move || theme.with(|t| t.colors.surface)}>
            <r#box height=180 radius=14 background={move || theme.with(|t| t.colors.surface_raised)} />
            <Text max_lines=1>{title}</Text>
            <ProgressBar value={move || shown.get()} width=352.0 height=6.0 />
        </column>
    }
}

/// The page.
pub fn page() -> View {
    let theme = use_theme();
    let download = signal(0.0f32);
    spawn_local(async move {
        let mut ticks = interval(Duration::from_millis(250));
        loop {
            ticks.tick().await;
            download.update(|d| *d = if *d >= 1.0 { 0.0 } else { (*d + 0.1).min(1.0) });
        }
    });
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=96 gap=56
                background={move || theme.with(|t| t.colors.background)}>
            <Column gap=8.0>
                <Text variant=TextVariant::Title>"Progress bar"</Text>
                <Text muted>
                    "The fill follows its value (0 to 1, clamped), animated with the theme's quick motion."
                </Text>
            </Column>
            <Row gap=96.0>
                <Column gap=20.0>
                    {fixed(0.0)}{fixed(0.25)}{fixed(0.5)}{fixed(0.75)}{fixed(1.0)}{fixed(1.5)}
                </Column>
                <Column gap=16.0>
                    <Text variant=TextVariant::Heading>"Downloading Arsenal v Chelsea"</Text>
                    <ProgressBar value={move || download.get()} width=720.0 height=16.0 />
                    <Text muted>{move || format!("{:.0} %", download.get() * 100.0)}</Text>
                </Column>
            </Row>
            <Column gap=16.0>
                <Text variant=TextVariant::Heading>"Continue watching"</Text>
                <Row>
                    {resume_tile("Arsenal v Chelsea", 0.72)}
                    {resume_tile("Derby day: the build-up", 0.35)}
                    {resume_tile("Goals of the month", 0.9)}
                    {resume_tile("Liverpool v Everton", 0.12)}
                </Row>
            </Column>
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Progress bar", page)
}

fn main() -> std::process::ExitCode {
    touchline::run_example(page)
}
