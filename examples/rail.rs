//! `Rail`: virtualized rails of 10,000 items each. Only a pool of tiles is mounted and
//! recycled as focus moves; down and up keep the position across rails (index alignment), a
//! rail remembers its item, and scrolls (animated) to keep focus in view.
//!
//! `cargo run --example rail` (headless: `-- --headless --keys right,right,right,down`)

use touchline::ui::components::{Rail, RailProps};
use touchline::ui::prelude::*;
use touchline::ui::{Theme, provide_theme};

const RAILS: [(&str, u32); 3] =
    [("Latest matches", 0x1d4ed8), ("Top moments", 0x047857), ("By team", 0x7c3aed)];
const ITEMS: usize = 10_000;

fn rail(title: &'static str, hue: u32, picked: Signal<String>) -> View {
    let t = touchline::ui::use_theme().get_untracked();
    view! {
        <column gap={t.spacing.sm}>
            <text size={t.type_scale.heading} bold color={t.colors.text}>{title}</text>
            <Rail count=ITEMS item_width=320.0 item_height=180.0 label={title}
                  on_select={move |i| picked.set(format!("{title}: item {} of {ITEMS}", i + 1))}
                  view={move |item: Memo<usize>| view! {
                      <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=20 justify=Align::End
                              background={Color::hex(hue)}>
                          <text size=28 bold>{move || format!("#{}", item.get() + 1)}</text>
                      </column>
                  }} />
        </column>
    }
}

fn rails() -> View {
    let t = provide_theme(Theme::dark()).get_untracked();
    let picked = signal(String::from("Press OK on a tile"));
    let rails: Vec<View> = RAILS.iter().map(|(title, hue)| rail(title, *hue, picked)).collect();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding={t.spacing.xl}
                gap={t.spacing.lg} background={t.colors.background}>
            <text size={t.type_scale.caption} color={t.colors.text_muted}>{move || picked.get()}</text>
            {rails}
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Rail", rails)
}

fn main() -> std::process::ExitCode {
    touchline::run_example_with_keys(rails, &["right", "right", "right", "down"])
}
