//! The designer preview's bundle (`touchline-desktop preview`, docs/designers.md): a picker
//! over every page of the app and every component example that registers a preview, each
//! shown on the real engine with fixture data.

mod examples {
    include!(concat!(env!("OUT_DIR"), "/examples.rs"));
}

use touchline_ui::View;
use touchline_ui::preview::{Previews, preview_app};

/// Every preview: the app's pages (with their fixtures), then the examples'.
pub fn previews() -> Previews {
    examples::example_previews()
        .into_iter()
        .fold(touchline_pages::previews(), Previews::with)
        .with_source_root(env!("TOUCHLINE_WORKSPACE_ROOT"))
}

/// The bundle's root: the picker, and the app's pages.
pub fn app() -> View {
    let previews = previews();
    preview_app(
        previews,
        touchline_pages::pages(touchline_ui::Router::new(touchline_ui::Route::new(
            touchline_ui::preview::PICKER_PAGE,
        ))),
    )
}

touchline_ui::bundle!(crate::app);
