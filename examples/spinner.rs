//! `Spinner`: the activity indicator at four sizes, and in the places it usually sits: a
//! loading card and a dark "buffering" panel, as over video. Its dots step every 100 ms of frame
//! time; the task stops when the spinner unmounts.
//!
//! `cargo run --example spinner` (headless: `-- --headless --frames 30 --screenshot spinner.png`)

use touchline::ui::components::{
    Column, ColumnProps, Row, RowProps, Spinner, SpinnerProps, Text, TextProps, TextVariant,
};
use touchline::ui::prelude::*;
use touchline::ui::use_theme;

/// A spinner of `size` with its size under it.
fn sized(size: f32) -> View {
    view! {
        <Column align=Align::Center gap=16.0>
            <column width=160 height=160 align=Align::Center justify=Align::Center>
                <Spinner size=size />
            </column>
            <Text variant=TextVariant::Caption muted>{format!("{size} px")}</Text>
        </Column>
    }
}

/// The page.
pub fn page() -> View {
    let theme = use_theme();
    let surface = move || theme.with(|t| t.colors.surface);
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=96 gap=56
                background={move || theme.with(|t| t.colors.background)}>
            <Column gap=8.0>
                <Text variant=TextVariant::Title>"Spinner"</Text>
                <Text muted>"Eight dots, one lit, stepping every 100 ms with a fading trail."</Text>
            </Column>
            <Row gap=48.0 align=Align::End>
                {sized(32.0)}{sized(64.0)}{sized(96.0)}{sized(128.0)}
            </Row>
            <Row gap=48.0>
                <row width=720 height=200 padding=40 gap=32 radius=28 align=Align::Center background=surface>
                    <Spinner size=72.0 />
                    <Column gap=8.0>
                        <Text variant=TextVariant::Heading>"Loading highlights"</Text>
                        <Text muted>"Premier League · Matchweek 12"</Text>
                    </Column>
                </row>
                <column width=720 height=200 radius=28 align=Align::Center justify=Align::Center gap=20
                        background={Color::rgba(0, 0, 0, 200)}>
                    <Spinner size=56.0 />
                    <Text variant=TextVariant::Caption>"Buffering…"</Text>
                </column>
            </Row>
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Spinner", page)
}

fn main() -> std::process::ExitCode {
    touchline::run_example(page)
}
