//! The app's highlight reel over the fixture catalog: France–Croatia's six goals in order, a
//! title card before each clip. Right skips, left goes back, OK plays a card at once or
//! pauses, up reaches the filter (goals only / all highlights).
//!
//! The video is rendered for the examples by `tools/example-videos.sh` (about a minute, not in
//! git); without it the page shows that the video is not available.
//!
//! `cargo run --example highlight_reel` (headless: `-- --headless --frames 90 --screenshot reel.png`)

use touchline::pages::{data, reel, theme};
use touchline::ui::prelude::*;
use touchline::ui::provide_theme;

fn page() -> View {
    provide_theme(theme::app_theme());
    data::provide_example_catalog();
    reel::highlight_reel_page("france-croatia-2018".to_owned())
}

fn main() -> std::process::ExitCode {
    touchline::run_example(page)
}
