//! Focus scopes: a side menu and two rails, each a scope that remembers where focus was. Leave
//! a rail and come back, and focus returns to the tile you left, not the nearest one; the
//! first rail wraps around at its ends; the menu comes back to its last entry.
//!
//! `cargo run --example focus_scopes`

use touchline::ui::prelude::*;

const PAGE: Color = Color::hex(0x0c111d);
const MENU: [&str; 4] = ["Home", "Matches", "Highlights", "Settings"];

fn menu_entry(name: &'static str, focused: Signal<String>) -> View {
    view! {
        <row focusable role=Role::MenuItem on_focus={move || focused.set(format!("menu: {name}"))}
             width=280 height=72 radius=14 padding_x=24 align=Align::Center background={Color::hex(0x1d2939)}>
            <text size=28>{name}</text>
        </row>
    }
}

fn tile(rail: &'static str, index: usize, hue: u32, focused: Signal<String>) -> View {
    view! {
        <column focusable role=Role::Tile on_focus={move || focused.set(format!("{rail}: tile {}", index + 1))}
                width=260 height=150 shrink=0 radius=18 padding=18 justify=Align::End background={Color::hex(hue)}>
            <text size=26 bold>{format!("{} {}", rail, index + 1)}</text>
        </column>
    }
}

fn rail(title: &'static str, hue: u32, wraps: bool, focused: Signal<String>) -> View {
    let tiles: Vec<View> = (0..5).map(|i| tile(title, i, hue, focused)).collect();
    let wrap = if wraps { "horizontal" } else { "none" };
    view! {
        <column gap=16>
            <text size=30 bold>{if wraps { format!("{title} (wraps)") } else { title.to_owned() }}</text>
            <row remember focus_wrap=wrap gap=24>{tiles}</row>
        </column>
    }
}

fn focus_scopes() -> View {
    let focused = signal(String::new());
    let entries: Vec<View> = MENU.iter().map(|&name| menu_entry(name, focused)).collect();
    view! {
        <row width={Length::Percent(1.0)} height={Length::Percent(1.0)} background=PAGE>
            <column remember padding=48 gap=16 background={Color::hex(0x101828)}>
                <text size=40 bold>"Touchline"</text>
                {entries}
            </column>
            <column padding=64 gap=48 grow=1>
                <text size=26 color={Color::hex(0x98a2b3)}>{move || format!("Focused: {}", focused.get())}</text>
                {rail("Latest", 0x155eef, true, focused)}
                {rail("Top moments", 0x027a48, false, focused)}
            </column>
        </row>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Focus: scopes", focus_scopes)
}

fn main() -> std::process::ExitCode {
    touchline::run_example(focus_scopes)
}
