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

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
pub use touchline_abi::{BusSource, MAX_BUS_MESSAGE_BYTES};

use crate::context;
use crate::reactive::{Scope, on_cleanup};

/// One message from the bus.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BusMessage {
    /// Who sent it: the JS VM or the host.
    pub source: BusSource,
    /// Its `"type"`.
    pub kind: String,
    /// The whole message as sent: a JSON object (read its fields with [`BusMessage::parse`]).
    pub text: String,
}

impl BusMessage {
    /// The message's fields as `T` (a struct deriving `Deserialize`; unknown fields ignored).
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.text)
    }
}

/// What a message must start with: an object with a string `type`. (A typed struct keeps
/// `serde_json::Value`, and its code, out of the bundle.)
#[derive(Deserialize)]
struct Head<'a> {
    #[serde(rename = "type", borrow)]
    kind: std::borrow::Cow<'a, str>,
}

/// The `type` of a JSON message, if it is an object with a string `type`.
fn message_kind(text: &str) -> Option<String> {
    if !text.trim_start().starts_with('{') {
        return None;
    }
    serde_json::from_str::<Head<'_>>(text).ok().map(|head| head.kind.into_owned())
}

/// Why a message was not posted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BusError {
    /// The encoded message is over [`MAX_BUS_MESSAGE_BYTES`].
    #[error("a bus message of {0} bytes is over the 65536-byte limit")]
    TooLarge(usize),
    /// The fields do not serialize to a JSON object (or the type is empty).
    #[error("a bus message must be a JSON object with a non-empty \"type\"")]
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
        bytes: &[u8],
    ) -> Result<(BusMessage, Vec<(Handler, Option<Scope>)>), String> {
        let text = std::str::from_utf8(bytes).ok();
        let kind = text.and_then(message_kind);
        let (Some(text), Some(kind)) = (text, kind) else {
            self.stats.malformed += 1;
            let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(80)]).into_owned();
            return Err(format!("bus: dropped a malformed message: {shown:?}"));
        };
        self.stats.received += 1;
        let handlers = self.handlers.iter().map(|(_, h, scope)| (h.clone(), *scope)).collect();
        Ok((BusMessage { source, kind, text: text.to_owned() }, handlers))
    }
}

/// Posts a message of type `kind` with `fields` (a struct or map serializing to a JSON object,
/// without a `type` of its own) to the JS VM: `{"type":kind, ...fields}`. The host delivers
/// it after this frame.
pub fn post(kind: &str, fields: &impl Serialize) -> Result<(), BusError> {
    let text = encode(kind, fields);
    context::with(|cx| {
        let mut bus = cx.bus.borrow_mut();
        let text = match text {
            Ok(text) if text.len() <= MAX_BUS_MESSAGE_BYTES as usize => text,
            Ok(text) => {
                bus.stats.refused += 1;
                return Err(BusError::TooLarge(text.len()));
            }
            Err(e) => {
                bus.stats.refused += 1;
                return Err(e);
            }
        };
        bus.outbox.push(text);
        Ok(())
    })
    .unwrap_or(Err(BusError::NoApp))
}

/// `{"type":kind,` then the fields' object without its opening brace.
fn encode(kind: &str, fields: &impl Serialize) -> Result<String, BusError> {
    let body = serde_json::to_string(fields).map_err(|_| BusError::NoType)?;
    let rest = body.strip_prefix('{').filter(|_| !kind.is_empty()).ok_or(BusError::NoType)?;
    let kind = serde_json::to_string(kind).map_err(|_| BusError::NoType)?;
    Ok(if rest == "}" { format!("{{\"type\":{kind}}}") } else { format!("{{\"type\":{kind},{rest}") })
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
    #[derive(Serialize)]
    struct Metric<'a> {
        name: &'a str,
        value: f64,
        t_ms: u64,
    }
    let t_ms = crate::task::now_us() / 1000;
    // A metric is small: only a name longer than the limit could be refused.
    let _ = post("metric", &Metric { name, value, t_ms });
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
    #[derive(Serialize)]
    struct Log<'a> {
        level: &'a str,
        message: String,
    }
    let message: String = message.chars().take(1024).collect();
    let _ = post("log", &Log { level: level_name, message });
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
    #[derive(Deserialize)]
    struct Fault {
        fault: String,
    }
    let fault = message.parse::<Fault>().map(|f| f.fault).ok();
    match fault.as_deref() {
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
