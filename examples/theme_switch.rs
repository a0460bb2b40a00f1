//! Design tokens in a signal: switching the theme restyles every component in place (no
//! remount: focus stays where it is).
//!
//! `cargo run --example theme_switch` (headless: `-- --headless --keys right,enter`)

use touchline::ui::components::{Button, ButtonProps, ButtonVariant};
use touchline::ui::prelude::*;
use touchline::ui::{Theme, provide_theme};

const THEMES: [Theme; 3] = [Theme::dark(), Theme::light(), Theme::high_contrast()];

fn swatch(name: &'static str, color: impl Fn(&Theme) -> Color + 'static, theme: Signal<Theme>) -> View {
    view! {
        <column gap=12 align=Align::Center>
            <r#box width=120 height=120 radius=16 border_width=2 border_color={move || theme.with(|t| t.colors.text_muted)} background={move || theme.with(&color)} />
            <text size=24 color={move || theme.with(|t| t.colors.text_muted)}>{name}</text>
        </column>
    }
}

fn theme_switch() -> View {
    let theme = provide_theme(THEMES[0]);
    let swatches = vec![
        swatch("background", |t| t.colors.background, theme),
        swatch("surface", |t| t.colors.surface, theme),
        swatch("accent", |t| t.colors.accent, theme),
        swatch("text", |t| t.colors.text, theme),
        swatch("focus", |t| t.focus.ring, theme),
    ];
    let buttons: Vec<View> = THEMES
        .iter()
        .map(|choice| {
            let choice = *choice;
            view! {
                <Button label={choice.name} variant={ButtonVariant::Secondary}
                        on_select={move |()| theme.set(choice)} />
            }
        })
        .collect();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=96 gap=56
                background={move || theme.with(|t| t.colors.background)}>
            <text size=64 bold color={move || theme.with(|t| t.colors.text)}>"Theme"</text>
            <text size=32 color={move || theme.with(|t| t.colors.text_muted)}>
                {move || format!("Now: {}. Pick another; focus stays on the button you pressed.", theme.with(|t| t.name))}
            </text>
            <row gap=24>{buttons}</row>
            <row gap=40>{swatches}</row>
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Theme switch", theme_switch)
}

fn main() -> std::process::ExitCode {
    touchline::run_example_with_keys(theme_switch, &["right", "enter"])
}
