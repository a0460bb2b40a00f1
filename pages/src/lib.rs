//! The Touchline app's pages. Built for `wasm32-wasip1`, this crate is the bundle hosts run.
//!
//! Pages are components: `view!` markup over signals, reading the app theme. Nothing here
//! names the ECS.

pub mod data;
mod deadline;
pub mod home;
pub mod match_details;
pub mod navigation;
pub mod playback;
pub mod preferences;
pub mod profiles;
pub mod reel;
pub mod settings;
pub mod team;
pub mod theme;

use touchline_ui::{Route, Router, View, provide_theme};

/// The app's router: every page by name, starting on the profile picker.
pub fn router() -> Router {
    Router::new(Route::new("profiles"))
        .page("profiles", |_| profiles::profiles_page())
        .page("home", |_| home::home_page())
        .page("match", |route| match_details::match_details_page(route.param().to_owned()))
        .page("watch", |route| playback::playback_page(route.param().to_owned()))
        .page("reel", |route| reel::highlight_reel_page(route.param().to_owned()))
        .page("team", |route| team::team_page(route.param().to_owned()))
        .page("settings", |_| settings::settings_page())
}

/// The app: its theme, and the router starting on the profile picker.
pub fn app() -> View {
    provide_theme(theme::app_theme());
    router().view()
}

touchline_ui::bundle!(crate::app);
