//! A one-shot timer on frame time that follows a deadline signal: the playback overlay's idle
//! time and the reel's title cards. Setting a new deadline replaces the pending timer (the
//! effect reruns and its last task is cancelled with it); `None` cancels it.

use touchline_ui::{Signal, effect, sleep_until, spawn_local};

/// Calls `due` when frame time reaches `deadline` (µs), for whatever deadline it holds last.
pub fn when_due(deadline: Signal<Option<u64>>, due: impl Fn() + Clone + 'static) {
    effect(move || {
        if let Some(at) = deadline.get() {
            let due = due.clone();
            spawn_local(async move {
                sleep_until(at).await;
                due();
            });
        }
    });
}
