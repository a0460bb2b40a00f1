//! Signals, memos, effects, scopes and context: a small API of our own over
//! `leptos_reactive`, so the dependency can be swapped without touching pages.
//!
//! Reactivity is fine-grained: an effect reruns when a signal it read changes, in the same
//! call as the change, and queues exactly the scene edits it makes. Everything reactive is
//! owned by the scope it was created in (a component's, a dynamic region's, a list item's)
//! and is disposed with it.

use leptos_reactive::{
    Owner, RwSignal, SignalDispose, SignalGet, SignalGetUntracked, SignalSet, SignalUpdate,
    SignalUpdateUntracked, SignalWith, SignalWithUntracked,
};

/// A piece of state that UI reads and writes. Cheap to copy into closures.
pub struct Signal<T: 'static>(RwSignal<T>);

impl<T: 'static> Clone for Signal<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Signal<T> {}

impl<T: 'static> std::fmt::Debug for Signal<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signal")
    }
}

/// Creates a signal holding `value`, owned by the current scope.
pub fn signal<T: 'static>(value: T) -> Signal<T> {
    Signal(leptos_reactive::create_rw_signal(value))
}

impl<T: 'static> Signal<T> {
    /// The current value, tracked: an effect that calls this reruns when it changes.
    pub fn get(&self) -> T
    where
        T: Clone,
    {
        self.0.get()
    }

    /// The current value without tracking it.
    pub fn get_untracked(&self) -> T
    where
        T: Clone,
    {
        self.0.get_untracked()
    }

    /// Reads the value by reference, tracked.
    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.0.with(f)
    }

    /// Reads the value by reference without tracking it.
    pub fn with_untracked<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.0.with_untracked(f)
    }

    /// Replaces the value and notifies readers.
    pub fn set(&self, value: T) {
        self.0.set(value);
    }

    /// Changes the value in place and notifies readers.
    pub fn update(&self, f: impl FnOnce(&mut T)) {
        self.0.update(f);
    }

    /// Changes the value in place without notifying anyone.
    pub fn update_untracked(&self, f: impl FnOnce(&mut T)) {
        self.0.update_untracked(f);
    }

    /// Whether the scope that owned the signal is gone (reading it then would panic).
    pub fn is_disposed(&self) -> bool {
        self.0.try_with_untracked(|_| ()).is_none()
    }

    /// Disposes the signal now rather than with its scope.
    pub fn dispose(self) {
        self.0.dispose();
    }
}

/// A value derived from signals, recomputed when they change and only passed on when it
/// differs: readers of a memo rerun only when its value really changed.
pub struct Memo<T: 'static>(leptos_reactive::Memo<T>);

impl<T: 'static> Clone for Memo<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Memo<T> {}

/// Creates a memo of `f`, owned by the current scope.
pub fn memo<T: PartialEq + 'static>(f: impl Fn() -> T + 'static) -> Memo<T> {
    Memo(leptos_reactive::create_memo(move |_| f()))
}

impl<T: 'static> Memo<T> {
    /// The current value, tracked.
    pub fn get(&self) -> T
    where
        T: Clone,
    {
        self.0.get()
    }

    /// Reads the value by reference, tracked.
    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.0.with(f)
    }

    /// The current value without tracking it.
    pub fn get_untracked(&self) -> T
    where
        T: Clone,
    {
        self.0.get_untracked()
    }

    /// Reads the value by reference without tracking it.
    pub fn with_untracked<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.0.with_untracked(f)
    }
}

/// Runs `f` now and again whenever a signal it read changes, until its scope is disposed.
pub fn effect(f: impl Fn() + 'static) {
    leptos_reactive::create_effect(move |_| f());
}

/// Runs `f` when the current scope is disposed (a component unmounts, a region re-renders).
pub fn on_cleanup(f: impl FnOnce() + 'static) {
    leptos_reactive::on_cleanup(f);
}

/// Runs `f` without tracking the signals it reads.
pub fn untrack<T>(f: impl FnOnce() -> T) -> T {
    leptos_reactive::untrack(f)
}

/// Runs `f`, holding back effects until it returns: several changes, one update.
pub fn batch<T>(f: impl FnOnce() -> T) -> T {
    leptos_reactive::batch(f)
}

/// Makes `value` available to everything created in the current scope and below it.
pub fn provide_context<T: Clone + 'static>(value: T) {
    leptos_reactive::provide_context(value);
}

/// The nearest value of type `T` a scope above provided.
pub fn use_context<T: Clone + 'static>() -> Option<T> {
    leptos_reactive::use_context::<T>()
}

/// A reactive scope: owns signals, effects, tasks and child scopes, and disposes them all
/// at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scope(Owner);

impl Scope {
    /// The scope code is running in.
    pub fn current() -> Option<Self> {
        Owner::current().map(Self)
    }

    /// Runs `f` in this scope: what it creates is owned here; what it reads is not tracked
    /// (a handler reading a signal must not subscribe the scope's effect to it). `None` when
    /// the scope is gone.
    pub fn run<T>(self, f: impl FnOnce() -> T) -> Option<T> {
        leptos_reactive::try_with_owner(self.0, || leptos_reactive::untrack(f)).ok()
    }
}

/// Runs `f` in `scope` (see [`Scope::run`]) when there is one, else as is. `None` when the
/// scope is gone.
pub(crate) fn run_in<T>(scope: Option<Scope>, f: impl FnOnce() -> T) -> Option<T> {
    match scope {
        Some(scope) => scope.run(f),
        None => Some(f()),
    }
}

/// A child scope; dropping it disposes everything created in it.
pub struct ScopeGuard {
    scope: Scope,
    _disposer: leptos_reactive::Disposer,
}

impl ScopeGuard {
    /// The scope.
    pub fn scope(&self) -> Scope {
        self.scope
    }
}

/// Runs `f` in a new scope, a child of the current one, and returns its value with the
/// guard that owns the scope.
pub fn child_scope<T: 'static>(f: impl FnOnce() -> T) -> (T, ScopeGuard) {
    let f = std::cell::Cell::new(Some(f));
    let run = leptos_reactive::as_child_of_current_owner(move |()| {
        let owner = Owner::current().expect("a child scope has an owner");
        let f = f.take().expect("a child scope runs once");
        (f(), Scope(owner))
    });
    let ((value, scope), disposer) = run(());
    (value, ScopeGuard { scope, _disposer: disposer })
}
