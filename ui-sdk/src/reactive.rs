//! Signals and effects: a small API of our own over `leptos_reactive`, so the dependency can
//! be swapped without touching pages.

use leptos_reactive::{RwSignal, SignalGet, SignalSet, SignalUpdate, SignalWith};

/// A piece of state that UI reads and writes. Cheap to copy into closures.
pub struct Signal<T: 'static>(RwSignal<T>);

impl<T: 'static> Clone for Signal<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Signal<T> {}

/// Creates a signal holding `value`.
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

    /// Reads the value by reference, tracked.
    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.0.with(f)
    }

    /// Replaces the value and notifies readers.
    pub fn set(&self, value: T) {
        self.0.set(value);
    }

    /// Changes the value in place and notifies readers.
    pub fn update(&self, f: impl FnOnce(&mut T)) {
        self.0.update(f);
    }
}

/// Runs `f` now and again whenever a signal it read changes.
pub fn effect(f: impl Fn() + 'static) {
    leptos_reactive::create_effect(move |_| f());
}
