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

use touchline_ui::preview::Previews;
use touchline_ui::{Route, Router, View, provide_theme};

/// The app's router: every page by name, starting on the profile picker.
pub fn router() -> Router {
    pages(Router::new(Route::new("profiles")))
}

/// Registers every page of the app with `router`.
pub fn pages(router: Router) -> Router {
    router
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

/// Every page in the designer preview, with the fixture catalog (no server) and the theme.
pub fn previews() -> Previews {
    Previews::new()
        .with_fixtures(|| {
            provide_theme(theme::app_theme());
            data::provide_example_catalog();
        })
        .with(profiles::preview())
        .with(home::preview())
        .with(match_details::preview())
        .with(playback::preview())
        .with(reel::preview())
        .with(team::preview())
        .with(settings::preview())
}

#[cfg(feature = "bundle-exports")]
touchline_ui::bundle!(crate::app);
