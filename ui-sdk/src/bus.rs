//! The message bus to the device's legacy JavaScript VM (ABI 1.4).
//!
//! The bundle and the JS VM share no memory: they exchange JSON messages through the host,
//! which queues them (bounded, per direction) and delivers them once per frame. Every
//! message is an object with a `"type"`: the bundle posts `history` (it owns the page
//! history; JS mirrors it), `metric` and `log` (JS owns reporting: it batches them and sends
//! them to a collector). Messages for the bundle reach the [`on_message`] handlers of mounted
//! components. A message that is not a JSON object with a string `type`, or is over
//! [`MAX_BUS_MESSAGE_BYTES`], is counted and logged, never a panic.

use std::rc::Rc;

use serde_json::{Value, json};
pub use touchline_abi::{BusSource, MAX_BUS_MESSAGE_BYTES};

use crate::context;
use crate::reactive::{Scope, on_cleanup};

/// One message from the bus.
#[derive(Clone, Debug, PartialEq)]
pub struct BusMessage {
    /// Who sent it: the JS VM or the host.
    pub source: BusSource,
    /// Its `"type"`.
    pub kind: String,
    /// The whole message (an object; `kind` is its `"type"`).
    pub body: Value,
}

/// Why a message was not posted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BusError {
    /// The encoded message is over [`MAX_BUS_MESSAGE_BYTES`].
    #[error("a bus message of {0} bytes is over the 65536-byte limit")]
    TooLarge(usize),
    /// The message is not an object with a string `"type"`.
    #[error("a bus message must be a JSON object with a string \"type\"")]
    NoType,
    /// No app runs on this thread.
    #[error("no app is running")]
    NoApp,
}

/// What the bus did so far in this app.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BusStats {
    /// Messages handed to the host.
    pub posted: u64,
    /// Messages refused by [`post`] (too large, no type).
    pub refused: u64,
    /// Messages received and dispatched.
    pub received: u64,
    /// Messages received that were not JSON objects with a string `type` (dropped).
    pub malformed: u64,
}

type Handler = Rc<dyn Fn(&BusMessage)>;

/// The handlers of mounted components and what is waiting to go out.
#[derive(Default)]
pub(crate) struct Bus {
    handlers: Vec<(u64, Handler, Option<Scope>)>,
    next_id: u64,
    /// Encoded messages for the host, in post order.
    pub outbox: Vec<String>,
    pub stats: BusStats,
}

impl Bus {
    /// Parses a message from the host and returns the handlers to run it through; a message
    /// that is not an object with a string `type` is counted and comes back as what to log.
    #[allow(clippy::type_complexity)]
    pub fn receive(
        &mut self,
        source: BusSource,
        text: &[u8],
    ) -> Result<(BusMessage, Vec<(Handler, Option<Scope>)>), String> {
        let body = serde_json::from_slice::<Value>(text).ok();
        let kind = body.as_ref().and_then(|b| b.get("type")).and_then(Value::as_str).map(str::to_owned);
        let (Some(body), Some(kind)) = (body, kind) else {
            self.stats.malformed += 1;
            let shown = String::from_utf8_lossy(&text[..text.len().min(80)]).into_owned();
            return Err(format!("bus: dropped a malformed message: {shown:?}"));
        };
        self.stats.received += 1;
        let handlers = self.handlers.iter().map(|(_, h, scope)| (h.clone(), *scope)).collect();
        Ok((BusMessage { source, kind, body }, handlers))
    }
}

/// Posts `message` (a JSON object with a string `"type"`) to the JS VM; the host delivers it
/// after this frame.
pub fn post(message: Value) -> Result<(), BusError> {
    if !message.get("type").is_some_and(Value::is_string) {
        context::with(|cx| cx.bus.borrow_mut().stats.refused += 1);
        return Err(BusError::NoType);
    }
    let text = message.to_string();
    context::with(|cx| {
        let mut bus = cx.bus.borrow_mut();
        if text.len() > MAX_BUS_MESSAGE_BYTES as usize {
            bus.stats.refused += 1;
            return Err(BusError::TooLarge(text.len()));
        }
        bus.outbox.push(text);
        Ok(())
    })
    .unwrap_or(Err(BusError::NoApp))
}

/// Runs `handler` for every message from the bus while the calling component is mounted
/// (untracked, in the component's scope).
pub fn on_message(handler: impl Fn(&BusMessage) + 'static) {
    let scope = Scope::current();
    let Some(id) = context::with(|cx| {
        let mut bus = cx.bus.borrow_mut();
        bus.next_id += 1;
        let id = bus.next_id;
        bus.handlers.push((id, Rc::new(handler), scope));
        id
    }) else {
        return;
    };
    on_cleanup(move || {
        context::with(|cx| cx.bus.borrow_mut().handlers.retain(|(h, _, _)| *h != id));
    });
}

/// What the bus did so far (zero when no app runs).
pub fn stats() -> BusStats {
    context::with(|cx| cx.bus.borrow().stats).unwrap_or_default()
}

/// Posts a metric for the JS VM's reports: `{"type":"metric","name":…,"value":…,"t_ms":…}`.
pub fn metric(name: &str, value: f64) {
    let t_ms = crate::task::now_us() / 1000;
    // A metric is small: only a name longer than the limit could be refused.
    let _ = post(json!({ "type": "metric", "name": name, "value": value, "t_ms": t_ms }));
}

/// Posts a log line for the JS VM's reports (and writes it to the host's log):
/// `{"type":"log","level":"warn","message":…}`. Levels as in [`crate::bundle::log`].
pub fn log(level: i32, message: &str) {
    crate::bundle::log(level, message);
    let level_name = match level {
        0 => "error",
        1 => "warn",
        2 => "info",
        _ => "debug",
    };
    let message: String = message.chars().take(1024).collect();
    let _ = post(json!({ "type": "log", "level": level_name, "message": message }));
}

/// Test bundles only (the `fault-injection` feature): a `{"type":"touchline.fault","fault":…}`
/// message makes the bundle fail the way a bug would, so hosts can prove they recover:
/// `panic` panics (a trap), `loop` never returns from the frame (the host's watchdog must
/// interrupt it), `oom` allocates until memory runs out (the host's memory limit must stop it).
#[cfg(feature = "fault-injection")]
pub(crate) fn inject_fault(message: &BusMessage) {
    if message.kind != "touchline.fault" {
        return;
    }
    match message.body.get("fault").and_then(Value::as_str) {
        Some("panic") => panic!("injected fault: panic"),
        Some("loop") => {
            crate::bundle::log(1, "injected fault: an endless loop");
            let mut spins = 0u64;
            loop {
                spins = std::hint::black_box(spins.wrapping_add(1));
            }
        }
        Some("oom") => {
            crate::bundle::log(1, "injected fault: allocating until memory runs out");
            let mut hog: Vec<Vec<u8>> = Vec::new();
            loop {
                // Written, so the pages are really used.
                hog.push(vec![0xa5; 16 << 20]);
                std::hint::black_box(&hog);
            }
        }
        other => crate::bundle::log(1, &format!("injected fault: unknown fault {other:?}")),
    }
}
