//! The legacy JS VM on the desktop host: QuickJS (the `rquickjs` crate) running the app's
//! `legacy.js` with the `host` object of `docs/legacy-js.md`, the same script the device host
//! runs on Duktape.
//!
//! The host drives it once per frame: [`LegacyJs::deliver`] each message the bundle posted,
//! then [`LegacyJs::tick`]; what the script posts for the bundle and the reports it sends
//! come out of [`LegacyJs::take_posts`] and [`LegacyJs::take_http_posts`]. Every exception the
//! script throws is caught, printed as `js: error: …` and counted; a handler that runs past
//! [`CALL_BUDGET`] is interrupted (an exception too); the heap is capped.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rquickjs::{CatchResultExt, Context, Ctx, Function, Object, Runtime};
use touchline_abi::MAX_BUS_MESSAGE_BYTES;

use crate::session::is_bus_message;

/// The longest one call into the script (a message, a tick, the load) may run.
pub const CALL_BUDGET: Duration = Duration::from_millis(100);
/// The default heap cap.
pub const DEFAULT_HEAP_LIMIT: usize = 32 << 20;
/// Messages for the bundle the script may have queued before `host.post` returns false.
pub const MAX_QUEUED_POSTS: usize = 256;
/// Reports the script may have queued before `host.httpPost` returns false.
pub const MAX_QUEUED_HTTP_POSTS: usize = 64;

/// What the script is told about its host (`host.config`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JsConfig {
    /// Where reports go; `None`: the script keeps them.
    pub collector_url: Option<String>,
    /// The running bundle's version.
    pub app_version: String,
    /// A name for the device.
    pub device: String,
    /// Heap cap in bytes (0: [`DEFAULT_HEAP_LIMIT`]).
    pub heap_limit: usize,
}

/// A report the script asked the host to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpPost {
    /// Where.
    pub url: String,
    /// The JSON body.
    pub body: String,
}

/// What the VM counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JsCounters {
    /// Exceptions (and interrupted calls) the host caught.
    pub errors: u64,
    /// Messages for JS that were not JSON objects with a string `type`.
    pub malformed: u64,
    /// Messages delivered to the script.
    pub delivered: u64,
    /// `host.post` calls queued for the bundle.
    pub posted: u64,
    /// `host.post` / `host.httpPost` calls refused (malformed, too large, queue full).
    pub dropped: u64,
    /// `host.httpPost` calls queued.
    pub http_posts: u64,
}

/// Why the script could not be started.
#[derive(Debug, thiserror::Error)]
pub enum JsError {
    /// QuickJS could not make a runtime or context.
    #[error("the JS VM could not start: {0}")]
    Vm(String),
    /// The script does not parse.
    #[error("legacy JS does not parse: {0}")]
    Load(String),
}

#[derive(Default)]
struct Shared {
    /// The host's clock as of the last tick: what `host.now()` says (a scripted run's
    /// virtual time, so reports are deterministic).
    now_ms: f64,
    posts: Vec<String>,
    http_posts: Vec<HttpPost>,
    counters: JsCounters,
}

/// The `host` object, built over the native functions in `__native` (which it hides).
const PRELUDE: &str = r#"
(function (native, config) {
    "use strict";
    var onMessage = null, onTick = null;
    globalThis.host = {
        onMessage: function (f) { onMessage = f; },
        onTick: function (f) { onTick = f; },
        post: function (message) {
            var text;
            try { text = JSON.stringify(message); } catch (e) { text = undefined; }
            return native.post(typeof text === "string" ? text : "");
        },
        httpPost: function (url, body) { return native.httpPost(String(url), String(body)); },
        log: function (level, text) { native.log(String(level), String(text)); },
        now: function () { return native.now(); },
        config: config
    };
    globalThis.__touchline = {
        deliver: function (text) {
            var message;
            try { message = JSON.parse(text); } catch (e) { native.malformed("not JSON"); return; }
            if (message === null || typeof message !== "object" || typeof message.type !== "string") {
                native.malformed("not an object with a string type");
                return;
            }
            native.delivered();
            if (onMessage) { onMessage(message); }
        },
        tick: function (now) { if (onTick) { onTick(now); } }
    };
})(globalThis.__native, JSON.parse(globalThis.__config));
delete globalThis.__native;
delete globalThis.__config;
"#;

/// A QuickJS VM running the legacy script.
pub struct LegacyJs {
    // Dropped in this order: the context before its runtime.
    context: Context,
    runtime: Runtime,
    shared: Rc<RefCell<Shared>>,
    /// When the running call must stop, in ns since `started` (0: no call running).
    deadline_ns: Arc<AtomicU64>,
    started: Instant,
}

impl std::fmt::Debug for LegacyJs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LegacyJs").field("counters", &self.counters()).finish_non_exhaustive()
    }
}

impl LegacyJs {
    /// Starts a VM and runs `source` in it. A script that does not parse is an error (a host
    /// carries on without one); one that throws while loading is counted and printed like any
    /// other exception, and keeps the handlers it registered before the throw.
    pub fn load(source: &str, config: &JsConfig) -> Result<Self, JsError> {
        let runtime = Runtime::new().map_err(|e| JsError::Vm(e.to_string()))?;
        let limit = if config.heap_limit == 0 { DEFAULT_HEAP_LIMIT } else { config.heap_limit };
        runtime.set_memory_limit(limit);
        let context = Context::full(&runtime).map_err(|e| JsError::Vm(e.to_string()))?;
        let started = Instant::now();
        let deadline_ns = Arc::new(AtomicU64::new(0));
        let watched = deadline_ns.clone();
        runtime.set_interrupt_handler(Some(Box::new(move || {
            let deadline = watched.load(Ordering::Relaxed);
            deadline != 0 && started.elapsed().as_nanos() as u64 > deadline
        })));
        let vm = Self { context, runtime, shared: Rc::default(), deadline_ns, started };
        let config_json = serde_json::json!({
            "collectorUrl": config.collector_url,
            "appVersion": config.app_version,
            "device": config.device,
        })
        .to_string();
        vm.context.with(|ctx| install_native(&ctx, vm.shared.clone(), &config_json)).map_err(JsError::Vm)?;
        vm.guarded(|ctx| ctx.eval::<(), _>(PRELUDE)).map_err(JsError::Vm)?;
        // Parse first (a function body is parsed, not run), so a syntax error is told apart
        // from a throw while running.
        vm.guarded(|ctx| {
            let compile: Function = ctx.eval("(function (source) { new Function(source); })")?;
            compile.call::<_, ()>((source,))
        })
        .map_err(JsError::Load)?;
        if let Err(message) = vm.guarded(|ctx| ctx.eval::<(), _>(source)) {
            vm.shared.borrow_mut().counters.errors += 1;
            eprintln!("js: error: {message}");
        }
        Ok(vm)
    }

    /// Hands the script one message (JSON text); a malformed one is counted and dropped.
    pub fn deliver(&mut self, text: &str) {
        self.call("deliver", |f| f.call::<_, ()>((text,)));
    }

    /// Tells the script a frame went by; `now_ms` is the frame's time, what `host.now()`
    /// says until the next tick.
    pub fn tick(&mut self, now_ms: f64) {
        self.shared.borrow_mut().now_ms = now_ms;
        self.call("tick", |f| f.call::<_, ()>((now_ms,)));
    }

    /// The messages the script posted for the bundle, oldest first.
    pub fn take_posts(&mut self) -> Vec<String> {
        std::mem::take(&mut self.shared.borrow_mut().posts)
    }

    /// The reports the script asked to send, oldest first.
    pub fn take_http_posts(&mut self) -> Vec<HttpPost> {
        std::mem::take(&mut self.shared.borrow_mut().http_posts)
    }

    /// What the VM counted so far.
    pub fn counters(&self) -> JsCounters {
        self.shared.borrow().counters
    }

    /// Bytes of heap the VM uses now.
    pub fn heap_bytes(&self) -> usize {
        self.runtime.memory_usage().malloc_size.max(0) as usize
    }

    fn call(&mut self, name: &str, f: impl for<'js> FnOnce(Function<'js>) -> rquickjs::Result<()>) {
        let result = self.guarded(|ctx| {
            let hooks: Object = ctx.globals().get("__touchline")?;
            let function: Function = hooks.get(name)?;
            f(function)
        });
        if let Err(message) = result {
            self.shared.borrow_mut().counters.errors += 1;
            eprintln!("js: error: {message}");
        }
    }

    /// Runs `f` in the context under the call budget; an exception comes back as its message.
    fn guarded<R>(&self, f: impl for<'js> FnOnce(&Ctx<'js>) -> rquickjs::Result<R>) -> Result<R, String> {
        let deadline = self.started.elapsed() + CALL_BUDGET;
        self.deadline_ns.store(deadline.as_nanos() as u64, Ordering::Relaxed);
        let result = self.context.with(|ctx| f(&ctx).catch(&ctx).map_err(|e| first_line(&e.to_string())));
        self.deadline_ns.store(0, Ordering::Relaxed);
        result
    }
}

fn first_line(text: &str) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("an exception");
    line.trim().chars().take(300).collect()
}

/// Defines `__native` (the functions the prelude wraps) and `__config`.
fn install_native(ctx: &Ctx<'_>, shared: Rc<RefCell<Shared>>, config: &str) -> Result<(), String> {
    let build = || -> rquickjs::Result<()> {
        let native = Object::new(ctx.clone())?;
        let state = shared.clone();
        native.set(
            "post",
            Function::new(ctx.clone(), move |text: String| {
                let mut shared = state.borrow_mut();
                let ok = text.len() <= MAX_BUS_MESSAGE_BYTES as usize
                    && shared.posts.len() < MAX_QUEUED_POSTS
                    && is_bus_message(&text);
                if ok {
                    shared.posts.push(text);
                    shared.counters.posted += 1;
                } else {
                    shared.counters.dropped += 1;
                }
                ok
            })?,
        )?;
        let state = shared.clone();
        native.set(
            "httpPost",
            Function::new(ctx.clone(), move |url: String, body: String| {
                let mut shared = state.borrow_mut();
                if shared.http_posts.len() >= MAX_QUEUED_HTTP_POSTS {
                    shared.counters.dropped += 1;
                    return false;
                }
                shared.http_posts.push(HttpPost { url, body });
                shared.counters.http_posts += 1;
                true
            })?,
        )?;
        native.set(
            "log",
            Function::new(ctx.clone(), |level: String, text: String| {
                // Debug lines only when asked for, as the bundle's own.
                if level == "debug" && std::env::var_os("TOUCHLINE_LOG_DEBUG").is_none() {
                    return;
                }
                let text: String = text.chars().map(|c| if c.is_control() { '?' } else { c }).collect();
                eprintln!("js: {level}: {text}");
            })?,
        )?;
        let state = shared.clone();
        native.set("now", Function::new(ctx.clone(), move || state.borrow().now_ms)?)?;
        let state = shared.clone();
        native.set(
            "malformed",
            Function::new(ctx.clone(), move |reason: String| {
                state.borrow_mut().counters.malformed += 1;
                eprintln!("js: malformed message dropped: {reason}");
            })?,
        )?;
        let state = shared.clone();
        native.set(
            "delivered",
            Function::new(ctx.clone(), move || state.borrow_mut().counters.delivered += 1)?,
        )?;
        ctx.globals().set("__native", native)?;
        ctx.globals().set("__config", config)?;
        Ok(())
    };
    build().map_err(|e| e.to_string())
}
