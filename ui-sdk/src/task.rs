//! Async UI code: a single-threaded executor polled once per frame within a time budget,
//! timers driven by frame time, and tasks cancelled with the scope that spawned them.
//!
//! ```ignore
//! spawn_local(async move {
//!     sleep(Duration::from_secs(3)).await;
//!     toast.set(None);
//! });
//! ```

use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures::task::{ArcWake, waker_ref};

use crate::context;
use crate::reactive::on_cleanup;

/// A spawned task's identity: a slot and the generation that slot had when it was spawned,
/// so a stale handle or waker never touches a later task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TaskId {
    slot: u32,
    generation: u32,
}

type LocalFuture = Pin<Box<dyn Future<Output = ()>>>;

enum Slot {
    Vacant,
    Idle(LocalFuture, Arc<TaskWaker>),
    /// Being polled; cancelling marks it so it is dropped when the poll returns.
    Running {
        cancelled: bool,
    },
}

struct TaskWaker {
    id: TaskId,
    scheduled: AtomicBool,
    queue: Arc<Mutex<VecDeque<TaskId>>>,
}

impl ArcWake for TaskWaker {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        if !arc_self.scheduled.swap(true, Ordering::AcqRel)
            && let Ok(mut queue) = arc_self.queue.lock()
        {
            queue.push_back(arc_self.id);
        }
    }
}

/// What one [`Executor::poll`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PollStats {
    /// Tasks polled.
    pub polled: u32,
    /// Tasks that finished.
    pub finished: u32,
    /// Woken tasks left for the next frame because the budget ran out.
    pub deferred: u32,
}

/// The frame's task executor.
pub(crate) struct Executor {
    slots: Vec<(u32, Slot)>,
    free: Vec<u32>,
    queue: Arc<Mutex<VecDeque<TaskId>>>,
    live: usize,
}

impl Default for Executor {
    fn default() -> Self {
        Self { slots: Vec::new(), free: Vec::new(), queue: Arc::new(Mutex::new(VecDeque::new())), live: 0 }
    }
}

impl Executor {
    pub(crate) fn spawn(&mut self, future: LocalFuture) -> TaskId {
        let slot = self.free.pop().unwrap_or_else(|| {
            self.slots.push((0, Slot::Vacant));
            (self.slots.len() - 1) as u32
        });
        let entry = &mut self.slots[slot as usize];
        entry.0 = entry.0.wrapping_add(1);
        let id = TaskId { slot, generation: entry.0 };
        let waker = Arc::new(TaskWaker { id, scheduled: AtomicBool::new(false), queue: self.queue.clone() });
        entry.1 = Slot::Idle(future, waker.clone());
        self.live += 1;
        // A new task runs in the next poll (this frame's, when spawned before it).
        ArcWake::wake_by_ref(&waker);
        id
    }

    /// Cancels a task; returns its future for the caller to drop once the executor is no
    /// longer borrowed (dropping runs the future's own drops: a fetch tells the host to stop).
    pub(crate) fn cancel(&mut self, id: TaskId) -> Option<LocalFuture> {
        let (generation, slot) = self.slots.get_mut(id.slot as usize)?;
        if *generation != id.generation {
            return None;
        }
        match slot {
            Slot::Idle(..) => {
                let Slot::Idle(future, _) = std::mem::replace(slot, Slot::Vacant) else { return None };
                self.free.push(id.slot);
                self.live -= 1;
                Some(future)
            }
            Slot::Running { cancelled } => {
                *cancelled = true;
                None
            }
            Slot::Vacant => None,
        }
    }

    pub(crate) fn live(&self) -> usize {
        self.live
    }

    /// Takes the next woken task out of its slot, to be polled without holding the executor.
    fn next(&mut self) -> Option<(TaskId, LocalFuture, Arc<TaskWaker>)> {
        loop {
            let id = self.queue.lock().ok()?.pop_front()?;
            let Some((generation, slot)) = self.slots.get_mut(id.slot as usize) else { continue };
            if *generation != id.generation {
                continue;
            }
            if let Slot::Idle(..) = slot
                && let Slot::Idle(future, waker) = std::mem::replace(slot, Slot::Running { cancelled: false })
            {
                return Some((id, future, waker));
            }
        }
    }

    /// Puts a polled task back, or frees its slot when it finished or was cancelled.
    fn finish(
        &mut self,
        id: TaskId,
        pending: Option<(LocalFuture, Arc<TaskWaker>)>,
    ) -> (bool, Option<LocalFuture>) {
        let (_, slot) = &mut self.slots[id.slot as usize];
        let cancelled = matches!(slot, Slot::Running { cancelled: true });
        let dropped = match pending {
            Some((future, waker)) if !cancelled => {
                *slot = Slot::Idle(future, waker);
                return (false, None);
            }
            Some((future, _)) => Some(future),
            None => None,
        };
        *slot = Slot::Vacant;
        self.free.push(id.slot);
        self.live -= 1;
        (true, dropped)
    }

    fn queued(&self) -> u32 {
        self.queue.lock().map_or(0, |q| q.len() as u32)
    }
}

/// Polls woken tasks until none is left or `budget` is spent (at least one task is polled, so
/// every frame makes progress).
pub(crate) fn poll_tasks(budget: Duration) -> PollStats {
    let start = std::time::Instant::now();
    let mut stats = PollStats::default();
    loop {
        if stats.polled > 0 && start.elapsed() >= budget {
            stats.deferred = context::with(|cx| cx.executor.borrow().queued()).unwrap_or(0);
            return stats;
        }
        let Some((id, mut future, waker)) = context::with(|cx| cx.executor.borrow_mut().next()).flatten()
        else {
            return stats;
        };
        waker.scheduled.store(false, Ordering::Release);
        let ready = {
            let task_waker = waker_ref(&waker);
            let mut cx = Context::from_waker(&task_waker);
            future.as_mut().poll(&mut cx).is_ready()
        };
        stats.polled += 1;
        let pending = (!ready).then_some((future, waker));
        // A task cancelled while it ran is dropped here, outside the executor's borrow.
        let (freed, dropped) =
            context::with(|cx| cx.executor.borrow_mut().finish(id, pending)).unwrap_or((true, None));
        drop(dropped);
        stats.finished += u32::from(ready || freed);
    }
}

/// A running task; [`TaskHandle::cancel`] stops it. Dropping the handle does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskHandle(TaskId);

impl TaskHandle {
    /// Stops the task: its future is dropped and never polled again.
    pub fn cancel(self) {
        let future = context::with(|cx| cx.executor.borrow_mut().cancel(self.0));
        drop(future);
    }
}

/// Runs `future` on the UI thread, polled in frames. It belongs to the current scope: when
/// the component that spawned it unmounts, it is cancelled. `None` outside a running app.
pub fn spawn_local(future: impl Future<Output = ()> + 'static) -> TaskHandle {
    let id = context::with(|cx| cx.executor.borrow_mut().spawn(Box::pin(future)));
    let Some(id) = id else {
        crate::bundle::log(1, "spawn_local outside a running app: the task is dropped");
        return TaskHandle(TaskId { slot: u32::MAX, generation: 0 });
    };
    let handle = TaskHandle(id);
    if crate::reactive::Scope::current().is_some() {
        on_cleanup(move || handle.cancel());
    }
    handle
}

/// Timers waiting on frame time: deadline (µs) and a sequence number to tell equal deadlines
/// apart, to the waker of the future waiting.
#[derive(Default)]
pub(crate) struct Timers {
    waiting: BTreeMap<(u64, u64), Waker>,
    next_seq: u64,
}

impl Timers {
    fn add(&mut self, deadline_us: u64, waker: Waker) -> (u64, u64) {
        self.next_seq += 1;
        let key = (deadline_us, self.next_seq);
        self.waiting.insert(key, waker);
        key
    }

    /// Wakes every timer due at `now_us`.
    pub(crate) fn fire(&mut self, now_us: u64) {
        while let Some(entry) = self.waiting.first_entry() {
            if entry.key().0 > now_us {
                break;
            }
            entry.remove().wake();
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.waiting.len()
    }
}

/// The frame time of the current frame, in microseconds since the app started.
pub fn now_us() -> u64 {
    context::with(|cx| cx.now_us.get()).unwrap_or(0)
}

/// A future finishing on the first frame at or after `deadline_us` (frame time).
#[must_use = "a timer does nothing unless awaited"]
pub struct Sleep {
    deadline_us: u64,
    registered: Option<(u64, u64)>,
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let deadline = self.deadline_us;
        if now_us() >= deadline {
            self.cancel_timer();
            return Poll::Ready(());
        }
        self.cancel_timer();
        let waker = cx.waker().clone();
        self.registered = context::with(|ui| ui.timers.borrow_mut().add(deadline, waker));
        Poll::Pending
    }
}

impl Sleep {
    fn cancel_timer(&mut self) {
        if let Some(key) = self.registered.take() {
            context::with(|cx| cx.timers.borrow_mut().waiting.remove(&key));
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        self.cancel_timer();
    }
}

/// A duration in microseconds, saturating.
fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

/// Waits `duration` of frame time.
pub fn sleep(duration: Duration) -> Sleep {
    sleep_until(now_us().saturating_add(micros(duration)))
}

/// Waits until the frame time reaches `deadline_us`.
pub fn sleep_until(deadline_us: u64) -> Sleep {
    Sleep { deadline_us, registered: None }
}

/// Ticks every `period` of frame time; a late frame does not make it catch up with a burst.
pub struct Interval {
    period_us: u64,
    next_us: u64,
}

/// An interval whose first tick is one `period` from now.
pub fn interval(period: Duration) -> Interval {
    let period_us = micros(period).max(1);
    Interval { period_us, next_us: now_us().saturating_add(period_us) }
}

impl Interval {
    /// Waits for the next tick.
    pub async fn tick(&mut self) {
        sleep_until(self.next_us).await;
        let now = now_us();
        self.next_us = self.next_us.saturating_add(self.period_us);
        if self.next_us <= now {
            // Skipped ticks are dropped: the next one is a period after this one.
            self.next_us = now.saturating_add(self.period_us);
        }
    }
}
