//! The app's settings over the fixture catalog: the reel's filter, the clip length and
//! spoilers change on OK (kept in the app's storage), and the credits of the match data.
//!
//! `cargo run --example settings_page` (headless: `-- --headless --frames 30 --keys enter --screenshot settings.png`)

use touchline::pages::{data, settings, theme};
use touchline::ui::prelude::*;
use touchline::ui::provide_theme;

fn page() -> View {
    provide_theme(theme::app_theme());
    data::provide_example_catalog();
    settings::settings_page()
}

fn main() -> std::process::ExitCode {
    touchline::run_example(page)
}
