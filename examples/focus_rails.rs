//! Virtualized rails with index alignment. Each rail lists 1,000 matches but mounts only 14
//! tiles: as focus moves, tiles are recycled for the items coming into view (spacers stand for
//! the items on either side), and focus and each rail's memory follow the item, not the tile.
//! Moving down from the 4th visible tile of a rail lands on the 4th visible tile of the next,
//! and a rail scrolls (animated) to keep focus in view.
//!
//! `cargo run --example focus_rails`

use touchline::ui::prelude::*;

const PAGE: Color = Color::hex(0x0c111d);
const RAILS: [(&str, u32); 3] =
    [("Latest matches", 0x155eef), ("Top moments", 0x027a48), ("By team", 0x6941c6)];
/// Items in each rail.
const ITEMS: usize = 1000;
/// Tiles mounted per rail, recycled as the rail scrolls: the ~6 a rail shows, wherever focus
/// sits in them, and one more on each side.
const POOL: usize = 14;
const TILE: f32 = 280.0;
const GAP: f32 = 28.0;
const STEP: f32 = TILE + GAP;

/// The first item the pool shows when `item` has focus: six before it, the rest after (scroll
/// into view keeps the focused tile anywhere between the rail's padded edges).
fn window_start(item: usize) -> usize {
    item.saturating_sub(6).min(ITEMS - POOL)
}

fn tile(rail: usize, slot: usize, first: Signal<usize>, focused: Signal<(usize, usize)>) -> View {
    let hue = RAILS[rail].1;
    let on_focus = move || {
        let item = first.get() + slot;
        focused.set((rail, item));
        first.set(window_start(item));
    };
    view! {
        <column focusable role=Role::Tile item_key={move || (first.get() + slot) as u64} on_focus=on_focus
                width=TILE height=158 shrink=0 radius=18 padding=18 justify=Align::End background={Color::hex(hue)}>
            <text size=26 bold>{move || format!("#{}", first.get() + slot + 1)}</text>
        </column>
    }
}

fn rail(index: usize, focused: Signal<(usize, usize)>) -> View {
    let first = signal(0usize);
    let tiles: Vec<View> = (0..POOL).map(|slot| tile(index, slot, first, focused)).collect();
    view! {
        <column gap=14>
            <text size=30 bold>{RAILS[index].0}</text>
            <row index_align remember item_count=ITEMS overflow=Overflow::Scroll reveal_padding=96 width={Length::Percent(1.0)}
                 padding_y=12 gap=GAP>
                <r#box shrink=0 width_px={move || first.get() as f32 * STEP} />
                {tiles}
                <r#box shrink=0 width_px={move || (ITEMS - POOL - first.get()) as f32 * STEP} />
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
                let (rail, item) = focused.get();
                format!("{}: match {} of {ITEMS} ({POOL} tiles mounted per rail)", RAILS[rail].0, item + 1)
            }}</text>
            {rails}
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Focus: rails", focus_rails)
}

fn main() -> std::process::ExitCode {
    touchline::run_example(focus_rails)
}
