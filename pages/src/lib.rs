//! The Touchline app's pages. Built for `wasm32-wasip1`, this crate is the bundle hosts run.
//!
//! Pages are components: `view!` markup over signals, reading the app theme. Nothing here
//! names the ECS.

pub mod data;
pub mod home;
pub mod profiles;
pub mod theme;

use touchline_ui::{Route, Router, View, provide_theme};

/// The app: its theme, and the router starting on the profile picker.
pub fn app() -> View {
    provide_theme(theme::app_theme());
    let router = Router::new(Route::new("profiles")).page("profiles", |_| profiles::profiles_page());
    router.view()
}

touchline_ui::bundle!(crate::app);
