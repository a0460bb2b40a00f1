//! A rail of 1,000 match tiles: focus moves along it and the rail scrolls by animating its
//! scroll offset. Only the tiles inside the rail's clip are drawn, so a frame costs the
//! same for 10 tiles or 1,000.
//!
//! `cargo run --example scroll_rail`

use touchline::ui::prelude::*;

const PAGE: Color = Color::hex(0x0c111d);
const TILE_WIDTH: f32 = 320.0;
const GAP: f32 = 32.0;
const TILES: usize = 1000;

fn tile(index: usize, focused: Signal<usize>) -> View {
    let hue = [0x155eef, 0x027a48, 0xb54708, 0x6941c6, 0xc11574][index % 5];
    view! {
        <column focusable on_focus={move || focused.set(index)} width=TILE_WIDTH height=200 shrink=0 radius=20
                padding=20 justify=Align::End background={Color::hex(hue)}>
            <text size=28 bold>{format!("Match {}", index + 1)}</text>
            <text size=20 color={Color::hex(0xd0d5dd)}>"Highlights"</text>
        </column>
    }
}

fn scroll_rail() -> View {
    let focused = signal(0usize);
    let tiles: Vec<View> = (0..TILES).map(|i| tile(i, focused)).collect();
    // Keep the focused tile second from the left once the rail has scrolled.
    let offset = move || (focused.get().saturating_sub(1) as f32) * (TILE_WIDTH + GAP);
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=96 gap=40 background=PAGE>
            <text size=48 bold>"Scroll rail"</text>
            <text size=24 color={Color::hex(0x98a2b3)}>{move || format!("Tile {} of {TILES}", focused.get() + 1)}</text>
            <row width=1728 height=260 padding_y=30 gap=GAP scroll_x=offset
                 transition={Transition::tween_ms(250, Easing::EaseOut)}>
                {tiles}
            </row>
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Scroll rail", scroll_rail)
}

fn main() -> std::process::ExitCode {
    touchline::run_example(scroll_rail)
}
