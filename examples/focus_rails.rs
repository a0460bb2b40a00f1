//! Rails with index alignment: moving down from the 4th visible tile of a rail lands on the
//! 4th visible tile of the next rail, wherever each rail is scrolled, and a rail scrolls (animated)
//! to keep the focused tile in view with an edge padding.
//!
//! `cargo run --example focus_rails`

use touchline::ui::prelude::*;

const PAGE: Color = Color::hex(0x0c111d);
const RAILS: [(&str, u32); 3] =
    [("Latest matches", 0x155eef), ("Top moments", 0x027a48), ("By team", 0x6941c6)];
const TILES: usize = 30;

fn tile(rail: usize, index: usize, hue: u32, focused: Signal<(usize, usize)>) -> View {
    view! {
        <column focusable role=Role::Tile on_focus={move || focused.set((rail, index))}
                width=280 height=158 shrink=0 radius=18 padding=18 justify=Align::End background={Color::hex(hue)}>
            <text size=26 bold>{format!("#{}", index + 1)}</text>
        </column>
    }
}

fn rail(index: usize, focused: Signal<(usize, usize)>) -> View {
    let (title, hue) = RAILS[index];
    let tiles: Vec<View> = (0..TILES).map(|i| tile(index, i, hue, focused)).collect();
    view! {
        <column gap=14>
            <text size=30 bold>{title}</text>
            <row index_align remember overflow=Overflow::Scroll reveal_padding=96 width={Length::Percent(1.0)}
                 padding_y=12 gap=28>
                {tiles}
            </row>
        </column>
    }
}

fn focus_rails() -> View {
    let focused = signal((0usize, 0usize));
    let rails: Vec<View> = (0..RAILS.len()).map(|i| rail(i, focused)).collect();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=72 gap=36 background=PAGE>
            <text size=44 bold>"Focus rails"</text>
            <text size=24 color={Color::hex(0x98a2b3)}>{move || {
                let (rail, tile) = focused.get();
                format!("{}: tile {} of {TILES}", RAILS[rail].0, tile + 1)
            }}</text>
            {rails}
        </column>
    }
}

fn main() -> std::process::ExitCode {
    touchline::run_example(focus_rails)
}
