//! Flexbox: grow ratios, fixed and shrinking items, wrapping, every `justify`, and an
//! absolutely placed badge.
//!
//! `cargo run --example layout_flex`

use touchline::ui::prelude::*;

const PAGE: Color = Color::hex(0x0c111d);
const TRACK: Color = Color::hex(0x1d2939);
const LABEL: Color = Color::hex(0x98a2b3);

fn cell(color: u32, label: &str) -> View {
    view! {
        <row height=72 radius=12 background={Color::hex(color)} align=Align::Center justify=Align::Center
                padding_x=16 shrink=0>
            <text size=24 bold>{label.to_owned()}</text>
        </row>
    }
}

fn grow_cell(color: u32, grow: i32) -> View {
    view! {
        <row height=72 grow=grow radius=12 background={Color::hex(color)} align=Align::Center justify=Align::Center>
            <text size=24 bold>{format!("grow {grow}")}</text>
        </row>
    }
}

fn justified(justify: Align, name: &str) -> View {
    view! {
        <column gap=8>
            <text size=20 color=LABEL>{format!("justify: {name}")}</text>
            <row width=820 height=72 padding=8 radius=16 background=TRACK justify=justify gap=0>
                {cell(0x2e90fa, "A")}
                {cell(0x12b76a, "B")}
                {cell(0xf79009, "C")}
            </row>
        </column>
    }
}

fn layout_flex() -> View {
    let chips: Vec<View> = [
        "Premier League",
        "La Liga",
        "Serie A",
        "Bundesliga",
        "Ligue 1",
        "Eredivisie",
        "Primeira Liga",
        "MLS",
        "Süper Lig",
    ]
    .iter()
    .map(|name| cell(0x344054, name))
    .collect();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=64 gap=32 background=PAGE>
            <text size=48 bold>"Flexbox"</text>
            <row width=1792 gap=16 padding=8 radius=16 background=TRACK>
                {grow_cell(0x2e90fa, 1)}
                {grow_cell(0x12b76a, 2)}
                {grow_cell(0xf79009, 3)}
                {cell(0xf04438, "fixed")}
            </row>
            <row gap=48>
                <column gap=24>
                    {justified(Align::Start, "start")}
                    {justified(Align::Center, "center")}
                    {justified(Align::SpaceBetween, "space-between")}
                    {justified(Align::SpaceEvenly, "space-evenly")}
                </column>
                <column gap=8>
                    <text size=20 color=LABEL>"wrap, with an absolutely placed badge"</text>
                    <row width=900 wrap=true gap=12 padding=16 radius=16 background=TRACK>
                        {chips}
                        <row absolute=true top=-12 right=-12 width=48 height=48 radius=24
                                background={Color::hex(0xf04438)} align=Align::Center justify=Align::Center>
                            <text size=22 bold>"9"</text>
                        </row>
                    </row>
                </column>
            </row>
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Layout: flex", layout_flex)
}

fn main() -> std::process::ExitCode {
    touchline::run_example(layout_flex)
}
