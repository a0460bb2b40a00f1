//! `Toast`: a message at the bottom centre that slides and fades in, and goes away by itself
//! after its duration (3 s here). One is shown as the page opens; the buttons show others,
//! and a new message restarts the timer.
//!
//! `cargo run --example toast` (headless: `-- --headless --frames 30 --screenshot toast.png`)

use touchline::ui::components::{
    Button, ButtonProps, ButtonVariant, Column, ColumnProps, Row, RowProps, Text, TextProps, TextVariant,
    Toast, ToastProps,
};
use touchline::ui::prelude::*;
use touchline::ui::use_theme;

/// The page.
pub fn page() -> View {
    let theme = use_theme();
    let toast = signal(Some(String::from("Arsenal v Chelsea added to My List")));
    let say = move |text: &'static str| move |()| toast.set(Some(text.to_owned()));
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=96 gap=56
                background={move || theme.with(|t| t.colors.background)}>
            <Column gap=8.0>
                <Text variant=TextVariant::Title>"Toast"</Text>
                <Text muted>"Shown at the bottom, gone after three seconds; it never takes focus."</Text>
            </Column>
            <Row>
                <Button label="Add to My List" on_select={say("Arsenal v Chelsea added to My List")} />
                <Button label="Remind me" variant=ButtonVariant::Secondary
                        on_select={say("We'll remind you 15 minutes before kick-off")} />
                <Button label="Share" variant=ButtonVariant::Secondary
                        on_select={say("Link copied to your phone")} />
            </Row>
            <Toast message=toast />
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Toast", page)
}

fn main() -> std::process::ExitCode {
    touchline::run_example(page)
}
