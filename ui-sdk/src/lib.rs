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

pub mod app;
#[doc(hidden)]
pub mod bundle;
pub mod callback;
pub mod elements;
pub mod prop;
pub mod reactive;
pub mod view;

pub use app::{App, AppError};
pub use callback::Callback;
pub use elements::Element;
pub use prop::{IntoProp, Prop};
pub use reactive::{Signal, effect, signal};
pub use touchline_engine::focus::Role;
pub use touchline_engine::{
    Align, Color, Easing, Edges, FontWeight, Gradient, GridFlow, ImageFit, Length, Overflow, Shadow, Spring,
    TextAlign, Transition,
};
pub use touchline_macros::view;
pub use view::{Children, IntoView, View};

/// What page code usually needs.
pub mod prelude {
    pub use crate::{
        Align, Color, Easing, Edges, FontWeight, Gradient, GridFlow, ImageFit, IntoView, Length, Overflow,
        Role, Shadow, Signal, Spring, TextAlign, Transition, View, effect, signal, view,
    };
}

/// What generated code (`#[component]`, `view!`) refers to; not for pages.
#[doc(hidden)]
pub mod __private {
    pub use typed_builder::{self, TypedBuilder};
}
