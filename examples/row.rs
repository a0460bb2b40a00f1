//! `Row`: children left to right, spaced by the theme's medium spacing unless a gap is given,
//! with every distribution along the row.
//!
//! `cargo run --example row` (headless: `-- --headless --frames 10 --screenshot row.png`)

use touchline::ui::components::{Column, ColumnProps, Row, RowProps, Text, TextProps, TextVariant};
use touchline::ui::prelude::*;
use touchline::ui::use_theme;

fn tile() -> View {
    let theme = use_theme();
    let radius = theme.with_untracked(|t| t.radius.md);
    view! { <r#box width=120 height=64 radius=radius background={move || theme.with(|t| t.colors.accent)} /> }
}

fn strip(name: &'static str, justify: Align, gap: Option<f32>) -> View {
    let theme = use_theme();
    let tiles = || vec![tile(), tile(), tile()];
    let row = match gap {
        Some(gap) => view! { <Row gap=gap justify=justify width={Length::Percent(1.0)}>{tiles()}</Row> },
        None => view! { <Row justify=justify width={Length::Percent(1.0)}>{tiles()}</Row> },
    };
    view! {
        <Column gap=8.0>
            <Text variant=TextVariant::Caption muted>{name}</Text>
            <row width=1000 padding=16 radius=14 background={move || theme.with(|t| t.colors.surface)}>{row}</row>
        </Column>
    }
}

fn page() -> View {
    let theme = use_theme();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=96 gap=40
                background={move || theme.with(|t| t.colors.background)}>
            <Text variant=TextVariant::Title>"Row"</Text>
            {strip("start, the theme's gap (24 px)", Align::Start, None)}
            {strip("start, gap 8", Align::Start, Some(8.0))}
            {strip("centre", Align::Center, None)}
            {strip("end", Align::End, None)}
            {strip("space between", Align::SpaceBetween, None)}
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Row", page)
}

fn main() -> std::process::ExitCode {
    touchline::run_example(page)
}
