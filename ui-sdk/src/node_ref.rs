//! [`NodeRef`]: a handle on an element, for the rare imperative need (focus this button).

use std::cell::Cell;
use std::rc::Rc;

use touchline_engine::Entity;

use crate::context;
use crate::ops::SceneOp;

/// Refers to the element it is given to with `ref={my_ref}` while that element is mounted.
#[derive(Clone, Default)]
pub struct NodeRef(Rc<Cell<Option<Entity>>>);

impl NodeRef {
    /// A ref not attached to anything yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the element is mounted.
    pub fn is_mounted(&self) -> bool {
        self.0.get().is_some()
    }

    /// Moves focus to the element (in this frame, before layout). Does nothing while it is
    /// not mounted.
    pub fn focus(&self) {
        if let Some(node) = self.0.get() {
            context::push_op(SceneOp::Focus(node));
        }
    }

    /// The scene node, for tests and hosts' diagnostics.
    pub fn node(&self) -> Option<Entity> {
        self.0.get()
    }

    pub(crate) fn attach(&self, node: Option<Entity>) {
        self.0.set(node);
    }
}

impl std::fmt::Debug for NodeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NodeRef({:?})", self.0.get())
    }
}

/// Two refs are equal when they are the same handle (clones of one ref).
impl PartialEq for NodeRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
