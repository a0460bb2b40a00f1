//! Layout animation: when a layout change moves a node, it travels from its old box to its
//! new one. Press OK on a tile to expand it; its neighbours slide aside.
//!
//! `cargo run --example layout_animation`

use touchline::ui::prelude::*;

const PAGE: Color = Color::hex(0x0c111d);

fn tile(index: usize, expanded: Signal<usize>) -> View {
    let spring = Transition::Spring(Spring::GENTLE);
    let colors = [0x155eef, 0x027a48, 0xb54708, 0x6941c6];
    view! {
        <column focusable on_select={move || expanded.set(index)} layout_transition=spring
                radius=24 padding=24 justify=Align::End height=360 background={Color::hex(colors[index % 4])}
                grow={move || if expanded.get() == index { 3.0 } else { 1.0 }}>
            <text size=28 bold>{format!("Tile {}", index + 1)}</text>
        </column>
    }
}

fn layout_animation() -> View {
    let expanded = signal(0usize);
    let tiles: Vec<View> = (0..4).map(|i| tile(i, expanded)).collect();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=96 gap=48 background=PAGE>
            <text size=48 bold>"Layout animation"</text>
            <row gap=32 width=1728>{tiles}</row>
            <text size=24 color={Color::hex(0x98a2b3)}>{move || format!("Expanded: tile {}", expanded.get() + 1)}</text>
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Layout animation", layout_animation)
}

fn main() -> std::process::ExitCode {
    touchline::run_example(layout_animation)
}
