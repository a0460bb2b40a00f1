//! `Column`: children top to bottom, spaced by the theme, with padding and alignment across.
//!
//! `cargo run --example column` (headless: `-- --headless --frames 10 --screenshot column.png`)

use touchline::ui::components::{Column, ColumnProps, Row, RowProps, Text, TextProps, TextVariant};
use touchline::ui::prelude::*;
use touchline::ui::use_theme;

fn bar(width: f32, quiet: bool) -> View {
    let theme = use_theme();
    let radius = theme.with_untracked(|t| t.radius.md);
    let fill = move || theme.with(|t| if quiet { t.colors.surface_raised } else { t.colors.accent });
    view! { <r#box width=width height=56 radius=radius background=fill /> }
}

fn panel(name: &'static str, align: Align) -> View {
    let theme = use_theme();
    view! {
        <Column gap=8.0>
            <Text variant=TextVariant::Caption muted>{name}</Text>
            <column radius=14 background={move || theme.with(|t| t.colors.surface)}>
                <Column padding=24.0 align=align width=360.0>
                    {bar(280.0, false)}{bar(200.0, true)}{bar(120.0, true)}
                </Column>
            </column>
        </Column>
    }
}

fn page() -> View {
    let theme = use_theme();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=96 gap=48
                background={move || theme.with(|t| t.colors.background)}>
            <Text variant=TextVariant::Title>"Column"</Text>
            <Row gap=48.0>
                {panel("start", Align::Start)}
                {panel("centre", Align::Center)}
                {panel("end", Align::End)}
            </Row>
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Column", page)
}

fn main() -> std::process::ExitCode {
    touchline::run_example(page)
}
