//! The app's match page over the fixture catalog: France 4–2 Croatia, with "Watch match",
//! "Highlight reel" and the key moments (OK on one would play it in the app).
//!
//! `cargo run --example match_details` (headless: `-- --headless --frames 30 --keys down,down --screenshot match.png`)

use touchline::pages::{data, match_details, theme};
use touchline::ui::prelude::*;
use touchline::ui::provide_theme;

fn page() -> View {
    provide_theme(theme::app_theme());
    data::provide_example_catalog();
    match_details::match_details_page("france-croatia-2018".to_owned())
}

fn main() -> std::process::ExitCode {
    touchline::run_example(page)
}
