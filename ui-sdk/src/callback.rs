//! [`Callback`]: a cheap-to-clone handler a component takes as a prop (`on_select`, `on_change`).

use std::rc::Rc;

/// A handler taking `A`. Clones share the closure, so passing one down a tree costs a counter.
pub struct Callback<A = ()>(Rc<dyn Fn(A)>);

impl<A> Clone for Callback<A> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<A: 'static> Callback<A> {
    /// Wraps a closure.
    pub fn new(f: impl Fn(A) + 'static) -> Self {
        Self(Rc::new(f))
    }

    /// Calls the handler.
    pub fn call(&self, value: A) {
        (self.0)(value)
    }
}

/// A handler that does nothing: what an optional callback prop holds when not given.
impl<A: 'static> Default for Callback<A> {
    fn default() -> Self {
        Self::new(|_| {})
    }
}

impl<A: 'static, F: Fn(A) + 'static> From<F> for Callback<A> {
    fn from(f: F) -> Self {
        Self::new(f)
    }
}

impl<A> std::fmt::Debug for Callback<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Callback")
    }
}
