//! `Image`: host-loaded images in the theme's rounded frame: cover (the default), contain and
//! fill, square and circular corners, and a missing image that keeps the theme's placeholder.
//! Images are read from `assets/` (the host's `--assets` directory).
//!
//! `cargo run --example image` (headless: `-- --headless --frames 30 --screenshot image.png`)

use touchline::ui::components::{
    Column, ColumnProps, Image, ImageProps, Row, RowProps, Text, TextProps, TextVariant,
};
use touchline::ui::prelude::*;
use touchline::ui::use_theme;

/// An image with a caption under it.
fn captioned(caption: &str, image: View) -> View {
    let caption = caption.to_owned();
    view! {
        <Column gap=12.0>
            {image}
            <Text variant=TextVariant::Caption muted>{caption}</Text>
        </Column>
    }
}

/// The page.
pub fn page() -> View {
    let theme = use_theme();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=96 gap=56
                background={move || theme.with(|t| t.colors.background)}>
            <Column gap=8.0>
                <Text variant=TextVariant::Title>"Image"</Text>
                <Text muted>"Rounded by the theme, fitted three ways, with the theme's placeholder."</Text>
            </Column>
            <Row gap=40.0>
                {captioned("Cover (default)", view! {
                    <Image src="images/pitch.png" width=400.0 height=300.0 />
                })}
                {captioned("Contain", view! {
                    <Image src="images/pitch.png" width=400.0 height=300.0 fit=ImageFit::Contain />
                })}
                {captioned("Fill", view! {
                    <Image src="images/pitch.png" width=400.0 height=300.0 fit=ImageFit::Fill />
                })}
            </Row>
            <Row gap=40.0 align=Align::End>
                {captioned("Crest, contained", view! {
                    <Image src="images/crest.png" width=200.0 height=200.0 fit=ImageFit::Contain />
                })}
                {captioned("Square corners", view! {
                    <Image src="images/pitch.png" width=320.0 height=200.0 radius=0.0 />
                })}
                {captioned("Circle", view! {
                    <Image src="images/pitch.png" width=200.0 height=200.0 radius=100.0 />
                })}
                {captioned("Missing: the placeholder stays", view! {
                    <Image src="images/not-there.png" width=320.0 height=200.0 />
                })}
            </Row>
        </column>
    }
}

fn main() -> std::process::ExitCode {
    touchline::run_example(page)
}
