//! `Deferred`: shows a fallback while its future runs, then its content, or an error with a
//! Retry button when it fails.

use std::fmt::Display;
use std::future::Future;
use std::marker::PhantomData;
use std::rc::Rc;

use crate::components::button::{Button, ButtonProps, ButtonVariant};
use crate::prelude::*;
use crate::resource::{Load, resource};
use crate::theme::use_theme;

/// What `Deferred` shows when loading fails: the error and a retry callback.
pub type ErrorView<E> = Rc<dyn Fn(&E, Callback) -> View>;

/// Props of [`Deferred`].
#[derive(crate::__private::TypedBuilder)]
#[builder(crate_module_path = crate::__private::typed_builder)]
pub struct DeferredProps<T, E, F, L, V, C>
where
    L: Fn() -> F + 'static,
    F: Future<Output = Result<T, E>> + 'static,
    V: Fn(T) -> C + 'static,
{
    /// Starts the load (again, on retry): `{|| fetch_json::<Catalog>("data/catalog.json")}`.
    load: L,
    /// The content, built from the loaded value.
    view: V,
    /// Shown while loading (a spinner when not given).
    #[builder(default, setter(transform = |f: impl Fn() -> View + 'static| Some(ChildrenFn::new(f))))]
    fallback: Option<ChildrenFn>,
    /// Shown when loading fails (a message and Retry when not given).
    #[builder(default, setter(transform = |f: impl Fn(&E, Callback) -> View + 'static| Some(Rc::new(f) as ErrorView<E>)))]
    error: Option<ErrorView<E>>,
    #[builder(default, setter(skip))]
    _types: PhantomData<fn() -> (T, C)>,
}

/// Loads with `load`, showing `fallback` (a spinner) meanwhile, then `view(value)`, or on
/// failure `error(&e, retry)` (the error and a Retry button). Focus inside it moves into
/// what replaces the fallback or the error; dropping the component cancels the load.
#[allow(non_snake_case)]
pub fn Deferred<T, E, F, L, V, C>(props: DeferredProps<T, E, F, L, V, C>) -> View
where
    T: Clone + 'static,
    E: Display + 'static,
    L: Fn() -> F + 'static,
    F: Future<Output = Result<T, E>> + 'static,
    V: Fn(T) -> C + 'static,
    C: IntoView,
{
    let DeferredProps { load, view, fallback, error, .. } = props;
    let data = resource(load);
    let retry_with = data.clone();
    let retry = Callback::new(move |()| retry_with.refetch());
    View::dynamic(move || {
        // Only the state is tracked: what the content reads is its own business.
        enum Shown<T> {
            Loading,
            Ready(T),
            Failed,
        }
        let shown = data.with(|state| match state {
            Load::Loading => Shown::Loading,
            Load::Ready(value) => Shown::Ready(value.clone()),
            Load::Failed(_) => Shown::Failed,
        });
        untrack(|| match shown {
            Shown::Loading => match &fallback {
                Some(fallback) => fallback.build(),
                None => default_fallback(),
            },
            Shown::Ready(value) => view(value).into_view(),
            Shown::Failed => data.with(|state| match state {
                Load::Failed(e) => match &error {
                    Some(error) => error(e, retry.clone()),
                    None => default_error(&e.to_string(), retry.clone()),
                },
                _ => View::empty(),
            }),
        })
    })
}

/// A spinner-like "Loading…" label (the `Spinner` component when it is available).
fn default_fallback() -> View {
    let theme = use_theme();
    let (size, color) = theme.with_untracked(|t| (t.type_scale.body, t.colors.text_muted));
    view! { <text size={size} color={color} label="Loading">"Loading…"</text> }
}

/// The error and a Retry button that takes focus (it is all there is to do here).
fn default_error(message: &str, retry: Callback) -> View {
    let theme = use_theme();
    let (size, color, gap) = theme.with_untracked(|t| (t.type_scale.body, t.colors.danger, t.spacing.sm));
    let message = format!("Could not load: {message}");
    view! {
        <column gap={gap} align=Align::Start>
            <text size={size} color={color}>{message}</text>
            <Button label="Retry" variant=ButtonVariant::Secondary on_select={move |()| retry.call(())} />
        </column>
    }
}
