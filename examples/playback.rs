//! The app's playback page over the fixture catalog: France–Croatia from Pogba's goal, with the
//! overlay (score at the moment shown, the timeline and a marker per highlight). Left/right
//! seek 10 s (hold to scrub), up/down jump between highlights, OK pauses.
//!
//! The video is rendered for the examples by `tools/example-videos.sh` (about a minute, not in
//! git); without it the page shows that the video is not available.
//!
//! `cargo run --example playback` (headless: `-- --headless --frames 120 --keys down --screenshot playback.png`)

use touchline::pages::{data, playback, theme};
use touchline::ui::prelude::*;
use touchline::ui::provide_theme;

fn page() -> View {
    provide_theme(theme::app_theme());
    data::provide_example_catalog();
    playback::playback_page("france-croatia-2018/goal-4".to_owned())
}

fn main() -> std::process::ExitCode {
    touchline::run_example(page)
}
