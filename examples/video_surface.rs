//! `VideoSurface`: a full-screen player with UI drawn over the video (a scoreboard, a live
//! badge, a scrim with the title and the timeline) and a picture-in-picture second camera.
//! Until real playback exists both hosts fill video surfaces black.
//!
//! `cargo run --example video_surface` (headless: `-- --headless --frames 30 --screenshot
//! video.png`)

use touchline::ui::components::{
    Column, ColumnProps, MarkerKind, ProgressBar, ProgressBarProps, Row, RowProps, Text, TextProps,
    TextVariant, Timeline, TimelineMarker, TimelineProps, VideoSurface, VideoSurfaceProps,
};
use touchline::ui::prelude::*;
use touchline::ui::use_theme;

const MINUTE: f64 = 60_000.0;

/// The page.
pub fn page() -> View {
    let theme = use_theme();
    let position = signal(67.0 * MINUTE);
    let markers = vec![
        TimelineMarker::new(12.0 * MINUTE, MarkerKind::Goal, "12' Goal · Ødegaard"),
        TimelineMarker::new(23.0 * MINUTE, MarkerKind::Card, "23' Yellow card · Caicedo"),
        TimelineMarker::new(58.0 * MINUTE, MarkerKind::Goal, "58' Goal · Jackson"),
        TimelineMarker::new(64.0 * MINUTE, MarkerKind::Card, "64' Yellow card · Rice"),
    ];
    let scrim = Gradient::linear(0.0, Color::rgba(0, 0, 0, 230), Color::rgba(0, 0, 0, 0));
    let glass = Color::rgba(11, 16, 32, 210);
    view! {
        <r#box width={Length::Percent(1.0)} height={Length::Percent(1.0)}
               background={move || theme.with(|t| t.colors.background)}>
            <VideoSurface>
                // Scoreboard and live badge, top left.
                <row absolute top=64 left=96 gap=16 align=Align::Center>
                    <row padding_x=24 padding_y=12 gap=24 radius=14 background=glass align=Align::Center>
                        <Text variant=TextVariant::Heading>"ARS  2 – 1  CHE"</Text>
                        <Text variant=TextVariant::Heading muted>"67'"</Text>
                    </row>
                    <row padding_x=16 padding_y=8 radius=6
                         background={move || theme.with(|t| t.colors.danger)}>
                        <Text variant=TextVariant::Caption>"LIVE"</Text>
                    </row>
                </row>
                // A second camera, picture in picture, top right.
                <column absolute top=64 right=96 gap=12 align=Align::End>
                    <column padding=4 radius=18 background={Color::rgba(255, 255, 255, 70)}>
                        <VideoSurface width=480.0 height=270.0 />
                    </column>
                    <Text variant=TextVariant::Caption muted>"Tactical camera"</Text>
                </column>
                // Title and timeline over a scrim, along the bottom.
                <column absolute left=0 right=0 bottom=0 height=420 padding_x=160 padding_y=72 gap=40
                        justify=Align::End gradient=scrim>
                    <Column gap=8.0>
                        <Text variant=TextVariant::Title>"Arsenal v Chelsea"</Text>
                        <Text muted>"Premier League · Emirates Stadium"</Text>
                    </Column>
                    // Room above the track for the focused marker's label.
                    <column>
                        <r#box height=48 />
                        <Timeline duration_ms={90.0 * MINUTE} position_ms={move || position.get()}
                                  markers=markers on_seek={move |ms| position.set(ms)} />
                    </column>
                    <Row gap=16.0 align=Align::Center>
                        <Text variant=TextVariant::Caption muted>"Volume"</Text>
                        <ProgressBar value=0.6 width=200.0 height=6.0 />
                    </Row>
                </column>
            </VideoSurface>
        </r#box>
    }
}

fn main() -> std::process::ExitCode {
    touchline::run_example(page)
}
