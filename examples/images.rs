//! Images: the engine asks the host to load them by URL and draws a placeholder until the
//! host reports their size; `cover`, `contain` and `fill`; a missing image keeps its
//! placeholder. Images are read from `assets/` (the host's `--assets` directory).
//!
//! `cargo run --example images`

use touchline::ui::prelude::*;

const PAGE: Color = Color::hex(0x0c111d);
const PLACEHOLDER: Color = Color::hex(0x344054);

fn framed(title: &str, src: &str, fit: ImageFit) -> View {
    view! {
        <column gap=12>
            <text size=22 color={Color::hex(0xd0d5dd)}>{title.to_owned()}</text>
            <image src=src fit=fit width=400 height=300 radius=16 placeholder=PLACEHOLDER
                   background={Color::hex(0x1d2939)} />
        </column>
    }
}

fn images() -> View {
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=64 gap=40 background=PAGE>
            <text size=48 bold>"Images"</text>
            <row gap=40>
                {framed("cover", "images/pitch.png", ImageFit::Cover)}
                {framed("contain", "images/pitch.png", ImageFit::Contain)}
                {framed("fill", "images/pitch.png", ImageFit::Fill)}
            </row>
            <row gap=40>
                {framed("crest, contain", "images/crest.png", ImageFit::Contain)}
                {framed("missing: placeholder stays", "images/does-not-exist.png", ImageFit::Cover)}
                <column gap=12>
                    <text size=22 color={Color::hex(0xd0d5dd)}>"sized by the image (auto)"</text>
                    <image src="images/crest.png" />
                </column>
            </row>
        </column>
    }
}

fn main() -> std::process::ExitCode {
    touchline::run_example(images)
}
