//! Right to left: the upper rail is an RTL focus scope, laid out from the right. Its first tile
//! is at the right, `left` moves to the next tile, and index alignment with the left-to-right
//! rail below counts tiles in each rail's reading order.
//!
//! `cargo run --example focus_rtl`

use touchline::ui::prelude::*;

const PAGE: Color = Color::hex(0x0c111d);

fn tile(rail: &'static str, index: usize, hue: u32, focused: Signal<String>) -> View {
    view! {
        <column focusable role=Role::Tile on_focus={move || focused.set(format!("{rail}, tile {}", index + 1))}
                width=260 height=150 shrink=0 radius=18 padding=18 justify=Align::End background={Color::hex(hue)}>
            <text size=30 bold>{format!("{}", index + 1)}</text>
        </column>
    }
}

fn focus_rtl() -> View {
    let focused = signal(String::new());
    let rtl: Vec<View> = (0..6).map(|i| tile("right to left", i, 0xb54708, focused)).collect();
    let ltr: Vec<View> = (0..6).map(|i| tile("left to right", i, 0x155eef, focused)).collect();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=80 gap=40 background=PAGE>
            <text size=48 bold>"Focus, right to left"</text>
            <text size=26 color={Color::hex(0x98a2b3)}>{move || format!("Focused: {}", focused.get())}</text>
            <text size=30 bold>"Right to left: 1 is at the right, left goes to 2"</text>
            <row rtl index_align gap=28 width={Length::Percent(1.0)}>{rtl}</row>
            <text size=30 bold>"Left to right"</text>
            <row index_align gap=28 width={Length::Percent(1.0)}>{ltr}</row>
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Focus: right to left", focus_rtl)
}

fn main() -> std::process::ExitCode {
    touchline::run_example(focus_rtl)
}
