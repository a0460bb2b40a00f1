//! The smallest interactive page: a signal, a label that reads it, and buttons that change it.
//! Only the label's text node is touched when the count changes.
//!
//! `cargo run --example counter` (headless: `-- --headless --keys enter,enter,right,enter`)

use touchline::ui::components::{Button, ButtonProps, ButtonVariant};
use touchline::ui::prelude::*;
use touchline::ui::{Theme, provide_theme};

fn counter() -> View {
    let theme = provide_theme(Theme::dark());
    let t = theme.get_untracked();
    let count = signal(0i32);
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} align=Align::Center
                justify=Align::Center gap={t.spacing.lg} background={t.colors.background}>
            <text size={t.type_scale.title} bold color={t.colors.text}>"Counter"</text>
            <text size=160 bold color={t.colors.accent}>{move || count.get().to_string()}</text>
            <row gap={t.spacing.md}>
                <Button label="+1" autofocus on_select={move |()| count.update(|c| *c += 1)} />
                <Button label="−1" variant=ButtonVariant::Secondary on_select={move |()| count.update(|c| *c -= 1)} />
                <Button label="Reset" variant=ButtonVariant::Secondary disabled={move || count.get() == 0}
                        on_select={move |()| count.set(0)} />
            </row>
            <text size={t.type_scale.caption} color={t.colors.text_muted}>
                {move || if count.get() == 0 { String::from("Press OK to count") } else { format!("{} presses", count.get().abs()) }}
            </text>
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Counter", counter)
}

fn main() -> std::process::ExitCode {
    touchline::run_example_with_keys(counter, &["enter", "enter", "enter"])
}
