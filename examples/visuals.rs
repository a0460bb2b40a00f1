//! Visuals: fills, linear gradients, borders, corner radii, inherited opacity, transforms
//! (scale and translate about an origin), drop shadows and clipping.
//!
//! `cargo run --example visuals`

use touchline::ui::prelude::*;

const PAGE: Color = Color::hex(0x0c111d);

fn label(text: &str) -> View {
    view! { <text size=22 color={Color::hex(0xd0d5dd)}>{text.to_owned()}</text> }
}

fn visuals() -> View {
    let sunset = Gradient::stops(
        135.0,
        &[(0.0, Color::hex(0xf79009)), (0.5, Color::hex(0xf04438)), (1.0, Color::hex(0x6941c6))],
    );
    let scrim = Gradient::linear(180.0, Color::rgba(0, 0, 0, 0), Color::rgba(0, 0, 0, 230));
    let shadow = Shadow { color: Color::rgba(0, 0, 0, 200), offset: [0.0, 16.0], blur: 40.0, spread: 0.0 };
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=64 gap=48 background=PAGE>
            <text size=48 bold>"Visuals"</text>
            <row gap=48>
                <column gap=12>
                    {label("gradient, 3 stops")}
                    <r#box width=320 height=200 radius=24 gradient=sunset />
                </column>
                <column gap=12>
                    {label("border and radius")}
                    <r#box width=320 height=200 radius=48 background={Color::hex(0x1d2939)}
                           border_color={Color::hex(0x2e90fa)} border_width=6 />
                </column>
                <column gap=12>
                    {label("drop shadow")}
                    <r#box width=320 height=200 radius=24 background={Color::hex(0x344054)} shadow=shadow />
                </column>
                <column gap=12>
                    {label("scrim over a fill, clipped")}
                    <column width=320 height=200 radius=24 clip=true background={Color::hex(0x039855)}
                            justify=Align::End>
                        <column height=120 gradient=scrim padding=16 justify=Align::End>
                            <text size=28 bold>"Match of the day"</text>
                        </column>
                    </column>
                </column>
            </row>
            <row gap=96 align=Align::Center padding_y=24>
                <column gap=12>
                    {label("opacity 0.5, inherited")}
                    <row opacity=0.5 gap=16 padding=16 radius=16 background={Color::hex(0x2e90fa)}>
                        <r#box width=96 height=96 radius=48 background={Color::WHITE} />
                        <r#box width=96 height=96 radius=48 background={Color::hex(0xf04438)} opacity=0.5 />
                    </row>
                </column>
                <column gap=12>
                    {label("scale 1.2 about the centre")}
                    <r#box height=12 />
                    <r#box width=200 height=120 radius=16 background={Color::hex(0xf79009)} scale=1.2 />
                </column>
                <column gap=12>
                    {label("translate 40, 20")}
                    <r#box width=200 height=120 radius=16 background={Color::hex(0x12b76a)} translate={[40.0, 20.0]} />
                </column>
                <column gap=12>
                    {label("scale 0.8 about the top left")}
                    <r#box width=200 height=120 radius=16 background={Color::hex(0xee46bc)} scale=0.8
                           origin={[0.0, 0.0]} />
                </column>
            </row>
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Visuals", visuals)
}

fn main() -> std::process::ExitCode {
    touchline::run_example(visuals)
}
