//! `Button`: primary and secondary, a disabled one focus skips, and a label that follows a
//! signal. Focus grows the button and draws the theme's ring.
//!
//! `cargo run --example button` (headless: `-- --headless --keys right,enter`)

use touchline::ui::components::{Button, ButtonProps, ButtonVariant};
use touchline::ui::prelude::*;
use touchline::ui::{Theme, provide_theme};

fn buttons() -> View {
    let t = provide_theme(Theme::dark()).get_untracked();
    let plays = signal(0u32);
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding={t.spacing.xl}
                gap={t.spacing.lg} background={t.colors.background}>
            <text size={t.type_scale.title} bold color={t.colors.text}>"Buttons"</text>
            <row gap={t.spacing.md}>
                <Button label={move || if plays.get() == 0 { String::from("Play") } else { format!("Played {}×", plays.get()) }}
                        on_select={move |()| plays.update(|p| *p += 1)} />
                <Button label="Highlights" variant=ButtonVariant::Secondary on_select={|()| {}} />
                <Button label="Download" variant=ButtonVariant::Secondary disabled=true on_select={|()| {}} />
                <Button label="Settings" variant=ButtonVariant::Secondary on_select={|()| {}} />
            </row>
            <text size={t.type_scale.caption} color={t.colors.text_muted}>"“Download” is disabled: focus skips it."</text>
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Button", buttons)
}

fn main() -> std::process::ExitCode {
    touchline::run_example_with_keys(buttons, &["right", "enter"])
}
