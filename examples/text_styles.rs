//! Text: sizes from 14 to 96 px, three weights, wrapping, line height, alignment, a
//! maximum line count with an ellipsis, and accented Latin.
//!
//! `cargo run --example text_styles`

use touchline::ui::prelude::*;

const PAGE: Color = Color::hex(0x101828);
const CARD: Color = Color::hex(0x1d2939);
const DIM: Color = Color::hex(0x98a2b3);

const REPORT: &str = "Ødegaard threads it through to Saka, who cuts inside past Cucurella and curls \
    a left-footed shot into the far corner. Müller, Griezmann and Mbappé watch from the \
    stands as the Emirates erupts; it is 2–1 with twelve minutes to play.";

fn text_styles() -> View {
    let sizes: Vec<View> = [14, 18, 24, 32, 48, 64, 96]
        .iter()
        .map(|&size| view! { <text size=size>{format!("{size}px Ag")}</text> })
        .collect();
    view! {
        <row width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=64 gap=64 background=PAGE>
            <column gap=8 width=560>{sizes}</column>
            <column gap=32 grow=1>
                <row gap=32 align=Align::End>
                    <text size=48 weight=FontWeight::Regular>"Regular"</text>
                    <text size=48 weight=FontWeight::SemiBold>"SemiBold"</text>
                    <text size=48 weight=FontWeight::Bold>"Bold"</text>
                </row>
                <column padding=24 radius=16 background=CARD gap=12>
                    <text size=20 color=DIM>"Wrapped, line height 1.5"</text>
                    <text size=28 line_height=1.5>{REPORT}</text>
                </column>
                <column padding=24 radius=16 background=CARD gap=12>
                    <text size=20 color=DIM>"At most two lines, then an ellipsis"</text>
                    <text size=28 max_lines=2>{REPORT}</text>
                </column>
                <row gap=24>
                    <column padding=24 radius=16 background=CARD grow=1 gap=8>
                        <text size=24 text_align=TextAlign::Start>"Start"</text>
                        <text size=24 text_align=TextAlign::Center>"Centre"</text>
                        <text size=24 text_align=TextAlign::End>"End"</text>
                    </column>
                    <column padding=24 radius=16 background=CARD grow=1 gap=8>
                        <text size=28>"Ça va, Zoë? Ångström"</text>
                        <text size=28>"Łódź, Škoda, Žilina"</text>
                        <text size=28>"Ñandú, Øresund, İstanbul"</text>
                    </column>
                </row>
            </column>
        </row>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Text styles", text_styles)
}

fn main() -> std::process::ExitCode {
    touchline::run_example(text_styles)
}
