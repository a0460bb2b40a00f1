//! A row of focusable tiles: left and right move the focus ring, OK reports the choice.
//!
//! `cargo run --example focus_row`

use touchline::ui::prelude::*;

fn tile(number: u32, picked: Signal<u32>) -> View {
    view! {
        <column focusable on_select={move || picked.set(number)} width=200 height=200 radius=24
                align=Align::Center justify=Align::Center background={Color::hex(0x1d2939)}>
            <text size=72 bold>{number.to_string()}</text>
        </column>
    }
}

fn focus_row() -> View {
    let picked = signal(0u32);
    let tiles: Vec<View> = (1..=5).map(|n| tile(n, picked)).collect();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} align=Align::Center
                justify=Align::Center gap=64 background={Color::hex(0x0c111d)}>
            <row gap=40>{tiles}</row>
            <text size=40>{move || match picked.get() {
                0 => String::from("Press OK on a tile"),
                n => format!("You picked tile {n}"),
            }}</text>
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Focus: row", focus_row)
}

fn main() -> std::process::ExitCode {
    touchline::run_example(focus_row)
}
