//! The Touchline app's pages. Built for `wasm32-wasip1`, this crate is the bundle hosts run.

pub mod profiles;
pub mod theme;

use touchline_ui::View;

/// The app: what the bundle shows at launch.
pub fn app() -> View {
    profiles::profiles_page()
}

touchline_ui::bundle!(crate::app);
