//! Moving between pages, and the routes of the app's pages.
//!
//! A page takes its [`Navigator`] when it is built (the router is found in the page's scope,
//! not in a key handler's); without a router (an example showing one page) it does nothing.

use touchline_ui::{Route, Router, use_context};

/// Opens pages and goes back, through the router above the page, if any.
#[derive(Clone)]
pub struct Navigator(Option<Router>);

impl Navigator {
    /// The navigator of the page being built.
    pub fn here() -> Self {
        Self(use_context::<Router>())
    }

    /// Opens `route` on top. A page the app does not have is the router's to report; focus
    /// stays where it is.
    pub fn open(&self, route: Route) {
        if let Some(router) = &self.0 {
            let _ = router.push(route);
        }
    }

    /// Back to the page below; false when there is none.
    pub fn back(&self) -> bool {
        self.0.as_ref().is_some_and(Router::back)
    }
}

/// Where playback starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartAt {
    /// Where the viewer left the match, or its start.
    Resume,
    /// The start.
    Beginning,
    /// A highlight's clip (its id).
    Highlight(String),
}

/// The route to Home.
pub fn home() -> Route {
    Route::new("home")
}

/// The route to a match's details.
pub fn match_details(match_id: &str) -> Route {
    Route::with("match", match_id)
}

/// The route to a match's playback: the parameter is the match, then `/start` or
/// `/<highlight id>` when it does not resume.
pub fn watch(match_id: &str, from: &StartAt) -> Route {
    match from {
        StartAt::Resume => Route::with("watch", match_id),
        StartAt::Beginning => Route::with("watch", format!("{match_id}/start")),
        StartAt::Highlight(id) => Route::with("watch", format!("{match_id}/{id}")),
    }
}

/// A playback route's match and start.
pub fn parse_watch(param: &str) -> (String, StartAt) {
    match param.split_once('/') {
        None => (param.to_owned(), StartAt::Resume),
        Some((match_id, "start")) => (match_id.to_owned(), StartAt::Beginning),
        Some((match_id, highlight)) => (match_id.to_owned(), StartAt::Highlight(highlight.to_owned())),
    }
}

/// The route to a match's highlight reel.
pub fn reel(match_id: &str) -> Route {
    Route::with("reel", match_id)
}

/// The route to a team's matches.
pub fn team(code: &str) -> Route {
    Route::with("team", code)
}

/// The route to the settings.
pub fn settings() -> Route {
    Route::new("settings")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watch_routes_round_trip() {
        for from in [StartAt::Resume, StartAt::Beginning, StartAt::Highlight("goal-3".into())] {
            let route = watch("france-croatia-2018", &from);
            assert_eq!(parse_watch(route.param()), ("france-croatia-2018".to_owned(), from));
        }
    }
}
