//! The app's Home page over the fixture catalog (`assets/examples/catalog`: the real matches'
//! catalog as `touchline-matchdata` writes it), run natively: rails of the latest matches, the
//! top moments and the teams, loaded through the host like the app's.
//!
//! `cargo run --example home_page` (headless: `-- --headless --frames 30 --keys down,right --screenshot home.png`)

use touchline::pages::{data, home, theme};
use touchline::ui::prelude::*;
use touchline::ui::provide_theme;

fn page() -> View {
    provide_theme(theme::app_theme());
    data::provide_catalog("examples/catalog");
    home::home_page()
}

fn main() -> std::process::ExitCode {
    touchline::run_example(page)
}
