//! The running app's UI context: what effects, tasks and handlers reach without holding the
//! app (they run while it is busy): the queue of scene edits, the executor, timers and
//! fetches, and the frame time. One per thread, like the reactive runtime.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::bus::Bus;
use crate::fetch::Fetches;
use crate::ops::SceneOp;
use crate::router::WeakRouter;
use crate::task::{Executor, Timers};

/// State shared between the app and the code it runs.
#[derive(Default)]
pub(crate) struct UiContext {
    /// Scene edits queued by effects and handlers, applied before layout.
    pub ops: RefCell<Vec<SceneOp>>,
    pub executor: RefCell<Executor>,
    pub timers: RefCell<Timers>,
    pub fetches: RefCell<Fetches>,
    /// Frame time of the current frame (µs).
    pub now_us: Cell<u64>,
    /// Key presses so far (focus restoring rules ask whether the user acted since).
    pub key_presses: Cell<u64>,
    /// The focused node, as of the last input or scene update.
    pub focused: Cell<Option<touchline_engine::Entity>>,
    /// Bus handlers and the messages waiting to go to the host.
    pub bus: RefCell<Bus>,
    /// The app's router, whose stack and focus the app saves for the host.
    pub router: RefCell<WeakRouter>,
    /// The storage area the host keeps (ABI 1.5).
    pub storage: RefCell<crate::storage::Storage>,
    /// The app's video players and their requests (ABI 1.6).
    pub videos: RefCell<crate::video::Videos>,
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<UiContext>>> = const { RefCell::new(None) };
}

/// Makes `cx` the context code on this thread sees.
pub(crate) fn set_current(cx: Option<Rc<UiContext>>) {
    CURRENT.with(|current| *current.borrow_mut() = cx);
}

/// Runs `f` with the current context; `None` when no app runs on this thread.
pub(crate) fn with<R>(f: impl FnOnce(&UiContext) -> R) -> Option<R> {
    let cx = CURRENT.with(|current| current.borrow().clone())?;
    Some(f(&cx))
}

/// Queues a scene edit (dropped when no app runs).
pub(crate) fn push_op(op: SceneOp) {
    with(|cx| cx.ops.borrow_mut().push(op));
}

/// Runs `f` after the scene edits queued so far, e.g. once the component calling it is
/// mounted (its `NodeRef`s are attached then).
pub(crate) fn after_mount(f: impl FnOnce() + 'static) {
    push_op(SceneOp::Then(Box::new(f)));
}
