//! `Row`, `Column` and `Grid`: containers spaced by the theme (its medium spacing unless a gap
//! is given), with padding, alignment and distribution, and a four-column grid of equal tracks.
//!
//! `cargo run --example layout_containers` (headless: `-- --headless --frames 30 --screenshot
//! layout.png`)

use touchline::ui::components::{
    Column, ColumnProps, Grid, GridProps, Row, RowProps, Text, TextProps, TextVariant,
};
use touchline::ui::prelude::*;
use touchline::ui::use_theme;

/// A tile in the accent colour (or the surface colour when `quiet`).
fn tile(width: f32, height: f32, quiet: bool) -> View {
    let theme = use_theme();
    let radius = theme.with_untracked(|t| t.radius.md);
    let fill = move || theme.with(|t| if quiet { t.colors.surface_raised } else { t.colors.accent });
    view! { <r#box width=width height=height radius=radius background=fill /> }
}

/// A labelled strip showing one row distribution.
fn strip(name: &str, justify: Align) -> View {
    let theme = use_theme();
    let name = name.to_owned();
    view! {
        <Column gap=8.0>
            <Text variant=TextVariant::Caption muted>{name}</Text>
            <row width=760 padding=12 radius=14 background={move || theme.with(|t| t.colors.surface)}>
                <Row justify=justify width={Length::Percent(1.0)}>
                    {tile(96.0, 48.0, false)}{tile(96.0, 48.0, false)}{tile(96.0, 48.0, false)}
                </Row>
            </row>
        </Column>
    }
}

/// The page.
pub fn page() -> View {
    let theme = use_theme();
    let cells: Vec<View> = (1..=8)
        .map(|n| {
            view! {
                <column height=120 radius=14 padding=20 justify=Align::End
                        background={move || theme.with(|t| t.colors.surface)}>
                    <Text variant=TextVariant::Heading>{format!("Match {n}")}</Text>
                </column>
            }
        })
        .collect();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=96 gap=48
                background={move || theme.with(|t| t.colors.background)}>
            <Column gap=8.0>
                <Text variant=TextVariant::Title>"Row, Column and Grid"</Text>
                <Text muted>"Gaps default to the theme's medium spacing (24 px)."</Text>
            </Column>
            <Row gap=64.0>
                <Column>
                    {strip("Row, start (default gap)", Align::Start)}
                    {strip("Row, centre", Align::Center)}
                    {strip("Row, space between", Align::SpaceBetween)}
                </Column>
                <Column gap=8.0>
                    <Text variant=TextVariant::Caption muted>"Column, gap 8, padding 24, centred"</Text>
                    <column radius=14 background={move || theme.with(|t| t.colors.surface)}>
                        <Column gap=8.0 padding=24.0 align=Align::Center width=360.0>
                            {tile(280.0, 56.0, false)}{tile(200.0, 56.0, true)}{tile(120.0, 56.0, true)}
                        </Column>
                    </column>
                </Column>
            </Row>
            <Column gap=8.0>
                <Text variant=TextVariant::Caption muted>"Grid, four equal columns"</Text>
                <Grid columns=4 width=1728.0>{cells}</Grid>
            </Column>
        </column>
    }
}

fn main() -> std::process::ExitCode {
    touchline::run_example(page)
}
