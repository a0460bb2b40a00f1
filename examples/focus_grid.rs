//! A mosaic of cards in a CSS grid — a 2×2 hero, wide, tall and small cards. The arrows follow
//! Android's FocusFinder rules (`docs/focus.md`): a card in line with the focused one beats a
//! nearer one off to the side, and among the rest the lowest `13·gap² + offset²` wins.
//!
//! `cargo run --example focus_grid`

use touchline::ui::prelude::*;

const PAGE: Color = Color::hex(0x0c111d);
const HUES: [u32; 6] = [0x155eef, 0x027a48, 0xb54708, 0x6941c6, 0xc11574, 0x0e9384];

/// A card: its title, where it sits in the grid (`"column / span"`, `"row / span"`).
const CARDS: [(&str, &str, &str); 11] = [
    ("Match of the day", "1 / span 2", "1 / span 2"),
    ("Goals", "3 / span 2", "1"),
    ("Saves", "5", "1"),
    ("Cards", "6", "1 / span 2"),
    ("Bayern v Dortmund", "3", "2"),
    ("France v Croatia", "4 / span 2", "2"),
    ("Top moments", "1", "3"),
    ("By team", "2 / span 3", "3"),
    ("Replays", "5 / span 2", "3"),
    ("Settings", "1 / span 3", "4"),
    ("About", "4 / span 3", "4"),
];

fn card(index: usize, title: &'static str, column: &str, row: &str, focused: Signal<String>) -> View {
    let hue = HUES[index % HUES.len()];
    view! {
        <column focusable label=title role=Role::Tile on_focus={move || focused.set(title.to_owned())}
                grid_column=column grid_row=row radius=20 padding=24 justify=Align::End
                background={Color::hex(hue)}>
            <text size=30 bold>{title}</text>
        </column>
    }
}

fn focus_grid() -> View {
    let focused = signal(String::new());
    let cards: Vec<View> = CARDS
        .iter()
        .enumerate()
        .map(|(i, &(title, column, row))| card(i, title, column, row, focused))
        .collect();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=80 gap=32 background=PAGE>
            <text size=48 bold>"Focus grid"</text>
            <text size=26 color={Color::hex(0x98a2b3)}>{move || format!("Focused: {}", focused.get())}</text>
            <grid columns="repeat(6, 1fr)" rows="repeat(4, 1fr)" gap=24 grow=1>{cards}</grid>
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Focus: grid", focus_grid)
}

fn main() -> std::process::ExitCode {
    touchline::run_example(focus_grid)
}
