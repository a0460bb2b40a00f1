//! The inspector overlay: every node's box outlined, the focused node marked, and where the
//! last frame's time went (input, animation, layout, render). It toggles with the remote's
//! inspector key (F12 on the desktop); this example starts with it on.
//!
//! `cargo run --example inspector`

use touchline::ui::prelude::*;

fn tile(name: &str) -> View {
    view! {
        <column focusable width=280 height=160 radius=20 padding=20 justify=Align::End
                background={Color::hex(0x1d2939)}>
            <text size=28 bold>{name.to_owned()}</text>
        </column>
    }
}

fn page() -> View {
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=96 gap=48
                justify=Align::Center background={Color::hex(0x0c111d)}>
            <text size=48 bold>"Inspector"</text>
            <row gap=32>{tile("Live")}{tile("Replays")}{tile("Teams")}{tile("Settings")}</row>
        </column>
    }
}

fn main() -> std::process::ExitCode {
    // As if the inspector key was pressed at the first frame, then whatever the user asked.
    touchline::run_example_with_keys(page, &["inspector"])
}
