//! Text measured, wrapped and rasterized by the engine from the font it ships.
//!
//! `cargo run --example hello_text`

use touchline::ui::prelude::*;

fn hello() -> View {
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=96 gap=32
                background={Color::hex(0x101828)}>
            <text size=96 bold>"Hello, Touchline"</text>
            <text size=40 color={Color::hex(0x98a2b3)}>
                "Text is shaped, measured, wrapped and rasterized inside the bundle, so every host \
                 shows the same pixels. Accents too: Mandžukić, Perišić, Griezmann, Müller, Ødegaard."
            </text>
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Hello text", hello)
}

fn main() -> std::process::ExitCode {
    touchline::run_example(hello)
}
