//! The app's Profiles page ("Who's watching?"), run natively in the desktop host.
//!
//! `cargo run --example profiles_page` (add `-- --headless --keys right,enter --screenshot p.png`)

fn main() -> std::process::ExitCode {
    touchline::run_example(touchline::pages::app)
}
