//! Touchline's UI SDK: pages are written with signals and the JSX-like [`view!`] macro, and
//! never meet the ECS underneath.
//!
//! ```ignore
//! let chosen = signal(String::from("nobody"));
//! view! {
//!     <column gap=24>
//!         <text size=48>{move || format!("Chosen: {}", chosen.get())}</text>
//!         <r#box focusable on_select={move || chosen.set("Ada".into())} />
//!     </column>
//! }
//! ```

// Generated code names `::touchline_ui`; inside this crate that is the crate itself.
extern crate self as touchline_ui;

pub mod app;
#[doc(hidden)]
pub mod bundle;
pub mod bus;
pub mod callback;
pub mod components;
mod context;
pub mod elements;
pub mod fetch;
pub mod list;
pub mod node_ref;
mod ops;
pub mod preview;
pub mod prop;
pub mod reactive;
pub mod resource;
pub mod router;
pub mod storage;
pub mod task;
pub mod theme;
pub mod video;
pub mod view;

pub use app::{App, AppError, AppState, AppStats};
pub use callback::Callback;
pub use elements::Element;
pub use elements::{Key, KeyPhase, KeyPress};
pub use fetch::{FetchError, Response, fetch, fetch_json, fetch_with_timeout};
pub use list::{For, ForProps, keyed};
pub use node_ref::NodeRef;
pub use prop::{IntoProp, Prop};
pub use reactive::{
    Memo, Scope, Signal, batch, effect, memo, on_cleanup, provide_context, signal, untrack, use_context,
};
pub use resource::{Load, Resource, resource};
pub use router::{FocusPath, Route, Router, RouterError, RouterState, use_router};
pub use task::{TaskHandle, interval, now_us, sleep, sleep_until, spawn_local};
pub use theme::{Theme, provide_theme, use_theme};
pub use touchline_engine::focus::Role;
pub use touchline_engine::{
    Align, Color, Easing, Edges, FontWeight, Gradient, GridFlow, ImageFit, Length, Overflow, Shadow, Spring,
    TextAlign, Transition,
};
pub use touchline_macros::{component, view};
pub use video::{VideoError, VideoPlayer, VideoStatus, video_player};
pub use view::{Children, ChildrenFn, IntoView, ToChildren, View};

/// What page code usually needs.
pub mod prelude {
    pub use crate::{
        Align, Callback, Children, ChildrenFn, Color, Easing, Edges, FontWeight, For, ForProps, Gradient,
        GridFlow, ImageFit, IntoView, Key, KeyPhase, KeyPress, Length, Memo, NodeRef, Overflow, Role, Shadow,
        Signal, Spring, TextAlign, Transition, View, batch, effect, memo, on_cleanup, provide_context,
        signal, spawn_local, untrack, use_context, view,
    };
    pub use crate::{Prop, component};
}

/// What generated code (`#[component]`, `view!`) refers to; not for pages.
#[doc(hidden)]
pub mod __private {
    pub use typed_builder::{self, TypedBuilder};
}
