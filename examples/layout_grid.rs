//! CSS grid: fixed and `fr` tracks, `repeat()`, spans and explicit placement — a match
//! centre's tiles.
//!
//! `cargo run --example layout_grid`

use touchline::ui::prelude::*;

const PAGE: Color = Color::hex(0x0c111d);

/// A tile placed at `row` / `column` (CSS grid-line syntax; `auto` lets the grid place it).
fn tile(title: &str, color: u32, row: &str, column: &str) -> View {
    view! {
        <column grid_row=row grid_column=column radius=16 padding=20 background={Color::hex(color)}>
            <text size=28 bold>{title.to_owned()}</text>
        </column>
    }
}

fn layout_grid() -> View {
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=64 gap=32 background=PAGE>
            <text size=48 bold>"Grid"</text>
            <grid grow=1 columns="320px repeat(3, 1fr)" rows="1fr 1fr 160px" gap=24>
                {tile("Live: Arsenal 2–1 Chelsea", 0x155eef, "1 / span 2", "2 / span 2")}
                {tile("Standings", 0x344054, "1 / 4", "1")}
                {tile("Next: Inter–Milan", 0x027a48, "auto", "auto")}
                {tile("Goals of the week", 0xb54708, "auto", "auto")}
                {tile("Highlights", 0x6941c6, "3", "2 / -1")}
            </grid>
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Layout: grid", layout_grid)
}

fn main() -> std::process::ExitCode {
    touchline::run_example(layout_grid)
}
