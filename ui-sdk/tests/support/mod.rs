//! Shared by the SDK's integration tests.

use std::cell::RefCell;
use std::rc::Rc;

use touchline_ui::{App, View};

/// Starts an app whose root `view` builds from `state`, made inside the app's runtime (signals
/// need one) and handed back so the test can change it.
pub fn app_with_state<S: Clone + 'static>(
    width: u32,
    height: u32,
    state: impl FnOnce() -> S + 'static,
    view: impl FnOnce(S) -> View + 'static,
) -> (App, S) {
    let out = Rc::new(RefCell::new(None));
    let slot = out.clone();
    let app = App::new(width, height, move || {
        let s = state();
        *slot.borrow_mut() = Some(s.clone());
        view(s)
    })
    .expect("app starts");
    let state = out.borrow_mut().take().expect("state made");
    (app, state)
}
