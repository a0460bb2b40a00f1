//! Touchline: a Rust UI engine for living-room devices, and its sports app.
//!
//! This facade re-exports the crates and runs apps natively for examples:
//!
//! ```no_run
//! fn main() -> std::process::ExitCode {
//!     touchline::run_example(touchline::pages::app)
//! }
//! ```

pub use touchline_abi as abi;
#[cfg(not(target_family = "wasm"))]
pub use touchline_desktop as desktop;
pub use touchline_engine as engine;
pub use touchline_pages as pages;
pub use touchline_ui as ui;

#[cfg(not(target_family = "wasm"))]
mod native;
#[cfg(not(target_family = "wasm"))]
pub use native::{NativeApp, run_example, run_example_with_keys};

/// In a wasm bundle there is no desktop host to run an example in: the designer preview's
/// bundle links the examples for their `preview()` registrations, and their `main` is never
/// called there.
#[cfg(target_family = "wasm")]
pub fn run_example(_root: fn() -> touchline_ui::View) -> std::process::ExitCode {
    std::process::ExitCode::FAILURE
}

/// See [`run_example`].
#[cfg(target_family = "wasm")]
pub fn run_example_with_keys(_root: fn() -> touchline_ui::View, _keys: &[&str]) -> std::process::ExitCode {
    std::process::ExitCode::FAILURE
}
