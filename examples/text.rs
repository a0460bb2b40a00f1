//! `Text`: the theme's type scale (display, title, heading, body, caption), muted text, long
//! text cut to a few lines with an ellipsis, the three alignments, and text that follows a
//! signal (the match clock ticks every second of frame time).
//!
//! `cargo run --example text` (headless: `-- --headless --frames 30 --screenshot text.png`)

use std::time::Duration;

use touchline::ui::components::{Column, ColumnProps, Row, RowProps, Text, TextProps, TextVariant};
use touchline::ui::prelude::*;
use touchline::ui::{interval, use_theme};

const SCALE: [(TextVariant, &str); 5] = [
    (TextVariant::Display, "Display"),
    (TextVariant::Title, "Title"),
    (TextVariant::Heading, "Heading"),
    (TextVariant::Body, "Body"),
    (TextVariant::Caption, "Caption"),
];

const REPORT: &str = "A frantic second half at the Emirates: Chelsea pulled one back on the hour, \
    hit the post twice and had a late penalty appeal waved away before Arsenal's keeper kept out a \
    stoppage-time header to seal the points.";

/// A box of `width` in the theme's surface colour, holding `content`.
fn card(width: f32, content: View) -> View {
    let theme = use_theme();
    let (pad, radius) = theme.with_untracked(|t| (t.spacing.md, t.radius.md));
    view! {
        <column width=width padding=pad radius=radius background={move || theme.with(|t| t.colors.surface)}>
            {content}
        </column>
    }
}

/// The page.
pub fn page() -> View {
    let theme = use_theme();
    let minute = signal(67u32);
    spawn_local(async move {
        let mut ticks = interval(Duration::from_secs(1));
        loop {
            ticks.tick().await;
            minute.update(|m| *m = (*m + 1).min(90));
        }
    });
    let scale: Vec<View> = SCALE
        .iter()
        .map(|&(variant, name)| {
            let size = move || format!("{name} · {} px", theme.with(|t| variant.size(t)));
            view! {
                <Row align=Align::Center>
                    <column width=220><Text variant=TextVariant::Caption muted>{size}</Text></column>
                    <Text variant=variant>"Kick-off 20:00"</Text>
                </Row>
            }
        })
        .collect();
    let aligned: Vec<View> =
        [(TextAlign::Start, "Start"), (TextAlign::Center, "Centre"), (TextAlign::End, "End")]
            .into_iter()
            .map(|(align, name)| {
                card(720.0, view! { <Text align=align>{format!("{name}-aligned lines")}</Text> })
            })
            .collect();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=96 gap=56
                background={move || theme.with(|t| t.colors.background)}>
            <Column gap=8.0>
                <Text variant=TextVariant::Title>"Text"</Text>
                <Text muted>"The theme's type scale, muted text, line limits and alignment."</Text>
            </Column>
            <Row gap=96.0>
                <Column gap=20.0>{scale}</Column>
                <Column gap=24.0>
                    {card(720.0, view! {
                        <Column gap=8.0>
                            <Text variant=TextVariant::Heading>"Match report"</Text>
                            <Text muted max_lines=2>{REPORT}</Text>
                        </Column>
                    })}
                    {aligned}
                    {card(720.0, view! {
                        <Text variant=TextVariant::Heading>
                            "Live · "{move || format!("{}'", minute.get())}
                        </Text>
                    })}
                </Column>
            </Row>
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Text", page)
}

fn main() -> std::process::ExitCode {
    touchline::run_example(page)
}
