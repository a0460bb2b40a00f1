//! [`Resource`]: the state of an async load (loading, ready, failed) as a signal, with retry.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use crate::reactive::{Scope, Signal, on_cleanup, run_in, signal};
use crate::task::{TaskHandle, spawn_local};

/// Where a load is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Load<T, E> {
    /// Not finished.
    Loading,
    /// Finished with a value.
    Ready(T),
    /// Finished with an error.
    Failed(E),
}

type Loader<T, E> = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<T, E>>>>>;

/// An async value: starts loading when created, can be loaded again, and stops loading
/// when its scope is disposed.
pub struct Resource<T: 'static, E: 'static> {
    state: Signal<Load<T, E>>,
    loader: Loader<T, E>,
    task: Rc<Cell<Option<TaskHandle>>>,
    scope: Option<Scope>,
}

impl<T: 'static, E: 'static> Clone for Resource<T, E> {
    fn clone(&self) -> Self {
        Self { state: self.state, loader: self.loader.clone(), task: self.task.clone(), scope: self.scope }
    }
}

/// A resource loading `load()` now and on every [`Resource::refetch`].
pub fn resource<T, E, F>(load: impl Fn() -> F + 'static) -> Resource<T, E>
where
    T: 'static,
    E: 'static,
    F: Future<Output = Result<T, E>> + 'static,
{
    let loader: Loader<T, E> = Rc::new(move || Box::pin(load()));
    let resource =
        Resource { state: signal(Load::Loading), loader, task: Rc::default(), scope: Scope::current() };
    let task = resource.task.clone();
    on_cleanup(move || {
        if let Some(t) = task.take() {
            t.cancel();
        }
    });
    resource.refetch();
    resource
}

impl<T: 'static, E: 'static> Resource<T, E> {
    /// Loads again (a retry): the state goes back to loading; a load in flight is dropped.
    pub fn refetch(&self) {
        if let Some(old) = self.task.take() {
            old.cancel();
        }
        self.state.set(Load::Loading);
        let (state, future) = (self.state, (self.loader)());
        let start = move || {
            spawn_local(async move {
                let result = future.await;
                state.set(match result {
                    Ok(value) => Load::Ready(value),
                    Err(error) => Load::Failed(error),
                });
            })
        };
        // The task belongs to the resource's scope, wherever the retry came from.
        let handle = run_in(self.scope, start);
        self.task.set(handle);
    }

    /// Reads the state by reference (tracked).
    pub fn with<R>(&self, f: impl FnOnce(&Load<T, E>) -> R) -> R {
        self.state.with(f)
    }

    /// Whether it is loading (tracked).
    pub fn loading(&self) -> bool {
        self.state.with(|s| matches!(s, Load::Loading))
    }

    /// The state (tracked).
    pub fn get(&self) -> Load<T, E>
    where
        T: Clone,
        E: Clone,
    {
        self.state.get()
    }
}
