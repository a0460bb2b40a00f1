//! `Grid`: equal columns spaced by the theme, filled row by row; focus moves through it in
//! two dimensions.
//!
//! `cargo run --example grid` (headless: `-- --headless --keys right,down --screenshot grid.png`)

use touchline::ui::components::{Grid, GridProps, Text, TextProps, TextVariant};
use touchline::ui::prelude::*;
use touchline::ui::use_theme;

fn page() -> View {
    let theme = use_theme();
    let cells: Vec<View> = (1..=12)
        .map(|n| {
            view! {
                <column height=140 radius=14 padding=20 justify=Align::End focusable
                        background={move || theme.with(|t| t.colors.surface)}>
                    <Text variant=TextVariant::Heading>{format!("Match {n}")}</Text>
                </column>
            }
        })
        .collect();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=96 gap=40
                background={move || theme.with(|t| t.colors.background)}>
            <Text variant=TextVariant::Title>"Grid"</Text>
            <Text muted>"Four equal columns, the theme's gap between cells."</Text>
            <Grid columns=4 width=1728.0>{cells}</Grid>
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Grid", page)
}

fn main() -> std::process::ExitCode {
    touchline::run_example_with_keys(page, &["right", "down"])
}
