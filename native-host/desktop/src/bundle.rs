//! Runs a bundle — a `wasm32-wasip1` reactor module — on wasmtime, as `docs/host-abi.md` says.
//!
//! Loading: read the file, check it is a core wasm module, compile it (Cranelift, or the
//! Pulley interpreter), instantiate it with WASI preview 1 (stdout and stderr inherited, no
//! preopened directories) and `touchline_host.log`, check every export, check the ABI major
//! **before** calling anything else, call `_initialize` if exported, then `touchline_init`.
//!
//! Each frame: `touchline_input_buffer(len)`, write the event records and the payload after
//! them (ABI 1.3: fetched bodies) there, `touchline_frame`, read
//! the `FrameOutput`, check its pointer and length against linear memory and
//! `MAX_DISPLAY_LIST_BYTES`, check the list header, and copy the bytes out. Then, when the
//! bundle exports `touchline_requests` (ABI 1.1), call it, check the `RequestBuffer` it points
//! at the same way (and its length against `MAX_REQUEST_BYTES`), and copy the records out for
//! [`FrameSource::requests`].

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use touchline_abi::display_list::DISPLAY_LIST_HEADER_SIZE;
use touchline_abi::event::EVENT_SIZE;
use touchline_abi::request::MAX_REQUEST_BYTES;
use touchline_abi::{
    ABI_VERSION_MAJOR, DisplayListReader, EXPORT_ABI_VERSION, EXPORT_FRAME, EXPORT_INIT, EXPORT_INPUT_BUFFER,
    EXPORT_REQUESTS, EXPORT_WASI_INITIALIZE, Event, HOST_MODULE, IMPORT_LOG, MAX_DISPLAY_LIST_BYTES,
    MAX_EVENT_BATCH_BYTES, MAX_INPUT_PAYLOAD_BYTES, MAX_LOG_LINE_BYTES, split_abi_version,
};
use wasmtime::{Caller, Config, Engine, Extern, Instance, Linker, Memory, Module, Store, TypedFunc};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::WasiP1Ctx;

use crate::HostError;
use crate::frame_source::{FrameSource, SourceTimings};

/// The `during` of a [`HostError::Trap`] raised by a frame (exit code 3, not 1).
pub const FRAME_PHASE: &str = "touchline_frame";
const INPUT_PHASE: &str = "touchline_input_buffer";
const REQUESTS_PHASE: &str = EXPORT_REQUESTS;

/// True when a trap's `during` is a per-frame export (exit code 3 rather than 1).
pub fn is_frame_phase(during: &str) -> bool {
    during == FRAME_PHASE || during == INPUT_PHASE || during == REQUESTS_PHASE
}

/// Size of `FrameOutput` in bytes.
const FRAME_OUTPUT_SIZE: usize = 16;
/// Size of `RequestBuffer` in bytes.
const REQUEST_BUFFER_SIZE: usize = 16;
/// How often the watchdog advances the engine's epoch: the granularity of the time limits.
const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Which wasmtime back end runs the bundle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum EngineKind {
    /// Compile to native code with Cranelift.
    #[default]
    Cranelift,
    /// Compile to Pulley bytecode and interpret it (slower; portable).
    Pulley,
}

/// How to load a bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BundleOptions {
    /// Viewport passed to `touchline_init`.
    pub width: u32,
    /// Viewport passed to `touchline_init`.
    pub height: u32,
    /// Back end.
    pub engine: EngineKind,
    /// The longest the bundle's start (instantiation, `touchline_init`) may run before it is
    /// interrupted (a trap), so a bundle stuck in a loop cannot hang the host. Measured in
    /// 10 ms ticks of the watchdog.
    pub call_timeout: Duration,
    /// The longest one frame (`touchline_input_buffer`, `touchline_frame`,
    /// `touchline_requests`) may run before the watchdog interrupts it (a trap).
    pub frame_budget: Duration,
    /// The most linear memory an instance may have, in bytes: a `memory.grow` past it fails
    /// (the bundle's allocator then aborts: a trap, reported as out of memory).
    pub memory_limit: usize,
    /// The exact `major << 16 | minor` the bundle must export (a delivered bundle: its
    /// manifest's `abi`), checked before `_initialize` or `touchline_init` run.
    pub expected_abi: Option<u32>,
    /// Start later instances (restarts; with a cache, later launches) from the linear memory
    /// the first `touchline_init` left instead of initialising (docs/host-abi.md, "Start-up
    /// snapshots").
    pub startup_snapshots: bool,
}

/// The default [`BundleOptions::memory_limit`]: 256 MiB, several times what the app uses.
pub const DEFAULT_MEMORY_LIMIT: usize = 256 << 20;

impl Default for BundleOptions {
    fn default() -> Self {
        Self {
            width: 1920,
            height: 1080,
            engine: EngineKind::Cranelift,
            call_timeout: Duration::from_secs(30),
            frame_budget: Duration::from_secs(1),
            memory_limit: DEFAULT_MEMORY_LIMIT,
            expected_abi: None,
            startup_snapshots: true,
        }
    }
}

/// Advances the engine's epoch every [`EPOCH_TICK`] until dropped.
struct Watchdog {
    stop: Arc<AtomicBool>,
}

impl Watchdog {
    fn start(engine: &Engine) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let (engine, flag) = (engine.clone(), stop.clone());
        let spawned = std::thread::Builder::new().name("touchline-watchdog".into()).spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(EPOCH_TICK);
                engine.increment_epoch();
            }
        });
        if let Err(e) = spawned {
            eprintln!("warning: no bundle watchdog ({e}); a bundle stuck in a loop will hang the host");
        }
        Self { stop }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Per-instance state of the store.
pub(crate) struct HostState {
    wasi: WasiP1Ctx,
    limiter: MemoryLimiter,
    /// The last error line the bundle logged (level 0: a panic's message comes this way
    /// before the trap).
    last_error: Option<String>,
}

/// Caps an instance's linear memory, and remembers a refused growth so a trap after it is
/// reported as running out of memory.
struct MemoryLimiter {
    limit: usize,
    refused: bool,
}

impl wasmtime::ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let allowed = desired <= self.limit;
        self.refused |= !allowed;
        Ok(allowed)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // Tables hold function references; a bundle needs a few thousand.
        Ok(desired <= 1 << 20)
    }
}

/// What ended an instance, as a host reports it (telemetry, the `recovered:` line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrapKind {
    /// The bundle panicked (Rust's `panic = "abort"`: an `unreachable`).
    Panic,
    /// The watchdog interrupted a call that ran past its budget.
    Watchdog,
    /// A `memory.grow` past the memory limit was refused, then the bundle trapped.
    OutOfMemory,
    /// A load or store outside linear memory, or another wasm trap.
    Fault,
    /// The bundle called `proc_exit`.
    Exit,
}

impl TrapKind {
    /// The word for it in lines and telemetry.
    pub fn name(self) -> &'static str {
        match self {
            TrapKind::Panic => "panic",
            TrapKind::Watchdog => "watchdog",
            TrapKind::OutOfMemory => "out of memory",
            TrapKind::Fault => "fault",
            TrapKind::Exit => "exit",
        }
    }
}

/// A loaded, initialised bundle: a [`FrameSource`] that can be restarted after a trap.
pub struct Bundle {
    compiled: Compiled,
    options: BundleOptions,
    live: Live,
    abi_version: (u32, u32),
    timings: SourceTimings,
    /// The last frame's display list, copied out of linear memory.
    list: Vec<u8>,
    /// The last frame's request records, copied out of linear memory.
    request_bytes: Vec<u8>,
    /// Set after a trap: the instance is dead until [`Bundle::restart`].
    dead: Option<TrapKind>,
    /// Linear memory as the first `touchline_init` left it: restarts copy it in.
    snapshot: Option<Vec<u8>>,
    /// Whether the live instance started from `snapshot`.
    from_snapshot: bool,
    /// Epoch ticks each frame may run.
    frame_ticks: u64,
}

/// One running instance of the module.
struct Live {
    store: Store<HostState>,
    memory: Memory,
    input_buffer: TypedFunc<i32, i32>,
    frame: TypedFunc<(i64, i32), i32>,
    /// `touchline_requests`, when exported (ABI 1.1).
    requests: Option<TypedFunc<(), i32>>,
}

/// What starting an instance measured.
struct Started {
    live: Live,
    abi_version: (u32, u32),
    instantiate_ms: f64,
    init_ms: f64,
    /// Whether the snapshot was copied in (else init ran).
    from_snapshot: bool,
}

impl std::fmt::Debug for Bundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bundle")
            .field("width", &self.options.width)
            .field("height", &self.options.height)
            .field("abi_version", &self.abi_version)
            .field("timings", &self.timings)
            .finish_non_exhaustive()
    }
}

impl Bundle {
    /// Reads, compiles, instantiates and initialises the bundle at `path`.
    pub fn load(path: &Path, options: BundleOptions) -> Result<Self, HostError> {
        let bytes = read_module(path)?;
        // Name the file when its bytes are the problem.
        Self::from_bytes(&bytes, options).map_err(|e| match e {
            HostError::Compile(message) => HostError::Compile(format!("{}: {message}", path.display())),
            other => other,
        })
    }

    /// Like [`Self::load`], from the module's bytes (binary; the header is checked by `load`).
    pub fn from_bytes(bytes: &[u8], options: BundleOptions) -> Result<Self, HostError> {
        let compiled = Compiled::new(bytes, options.engine, options.call_timeout)?;
        Self::from_compiled(compiled, options)
    }

    /// Starts an instance of an already compiled module (one compiled for another instance, or
    /// a precompiled one from the cache): no compile time.
    pub fn from_compiled(compiled: Compiled, options: BundleOptions) -> Result<Self, HostError> {
        Self::from_compiled_and_snapshot(compiled, options, None)
    }

    /// Like [`Self::from_compiled`], starting from `snapshot` (what [`Self::startup_snapshot`]
    /// gave for this module and viewport) when there is one and it fits; else init runs.
    pub fn from_compiled_and_snapshot(
        compiled: Compiled,
        options: BundleOptions,
        snapshot: Option<Vec<u8>>,
    ) -> Result<Self, HostError> {
        let mut snapshot = snapshot.filter(|_| options.startup_snapshots);
        let started = start_instance(&compiled, &options, &mut snapshot)?;
        let frame_ticks = ticks(options.frame_budget);
        Ok(Self {
            timings: SourceTimings {
                compile_ms: compiled.compile_ms,
                instantiate_ms: started.instantiate_ms,
                init_ms: started.init_ms,
                init_from_snapshot: started.from_snapshot,
            },
            abi_version: started.abi_version,
            live: started.live,
            compiled,
            options,
            list: Vec::new(),
            request_bytes: Vec::new(),
            dead: None,
            snapshot,
            from_snapshot: started.from_snapshot,
            frame_ticks,
        })
    }

    /// Linear memory as `touchline_init` left it (docs/host-abi.md, "Start-up snapshots"),
    /// for a cache to keep beside the module; `None` with snapshots off.
    pub fn startup_snapshot(&self) -> Option<&[u8]> {
        self.snapshot.as_deref()
    }

    /// Replaces the instance with a fresh one of the same module (after a trap): new linear
    /// memory, started from the start-up snapshot (else `_initialize` and `touchline_init`
    /// again). Returns how long it took (ms). The last display list stays, so a host keeps
    /// showing it meanwhile.
    pub fn restart(&mut self) -> Result<f64, HostError> {
        let begun = Instant::now();
        let started = start_instance(&self.compiled, &self.options, &mut self.snapshot)?;
        self.live = started.live;
        self.abi_version = started.abi_version;
        self.from_snapshot = started.from_snapshot;
        self.dead = None;
        Ok(ms_since(begun))
    }

    /// Why the instance died, when it did (until [`Self::restart`]).
    pub fn trapped(&self) -> Option<TrapKind> {
        self.dead
    }

    /// Bytes of linear memory the instance has now.
    pub fn memory_bytes(&self) -> usize {
        self.live.memory.data_size(&self.live.store)
    }

    /// The `(major, minor)` ABI version the bundle exported.
    pub fn abi_version(&self) -> (u32, u32) {
        self.abi_version
    }

    fn run_frame(&mut self, time_us: u64, events: &[Event], payload: &[u8]) -> Result<(), HostError> {
        self.request_bytes.clear();
        let records_len = events.len() * EVENT_SIZE;
        if records_len > MAX_EVENT_BATCH_BYTES as usize {
            return Err(HostError::Source(format!(
                "{} events exceed the {MAX_EVENT_BATCH_BYTES}-byte batch limit",
                events.len()
            )));
        }
        if payload.len() > MAX_INPUT_PAYLOAD_BYTES as usize {
            return Err(HostError::Source(format!(
                "{} payload bytes exceed the {MAX_INPUT_PAYLOAD_BYTES}-byte limit",
                payload.len()
            )));
        }
        // Records, then the payload area (ABI 1.3).
        let batch_len = records_len + payload.len();
        self.live.store.set_epoch_deadline(self.frame_ticks);
        let ptr = self
            .live
            .input_buffer
            .call(&mut self.live.store, batch_len as i32)
            .map_err(|e| trap_or(e, INPUT_PHASE, HostError::Source))?;
        if batch_len > 0 {
            if ptr == 0 {
                return Err(HostError::BadOutput(format!("touchline_input_buffer({batch_len}) returned 0")));
            }
            let at = self.checked_range(ptr, batch_len, "the input buffer", HostError::BadOutput)?;
            let input = &mut self.live.memory.data_mut(&mut self.live.store)[at];
            for (record, event) in input.chunks_exact_mut(EVENT_SIZE).zip(events) {
                record.copy_from_slice(&event.to_bytes());
            }
            input[records_len..].copy_from_slice(payload);
        }

        self.live.store.set_epoch_deadline(self.frame_ticks);
        let out = self
            .live
            .frame
            .call(&mut self.live.store, (time_us as i64, events.len() as i32))
            .map_err(|e| trap_or(e, FRAME_PHASE, HostError::Source))?;
        if out == 0 {
            return Err(HostError::BadOutput("touchline_frame returned 0 (failure)".into()));
        }
        let at = self.checked_range(out, FRAME_OUTPUT_SIZE, "the FrameOutput", HostError::BadOutput)?;
        let data = self.live.memory.data(&self.live.store);
        let word = |i: usize| {
            let b = &data[at.start + i * 4..at.start + i * 4 + 4];
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        };
        let (list_ptr, list_len) = (word(0), word(1));
        if list_len > MAX_DISPLAY_LIST_BYTES {
            return Err(HostError::BadOutput(format!(
                "display list is {list_len} bytes, more than the {MAX_DISPLAY_LIST_BYTES} allowed"
            )));
        }
        if (list_len as usize) < DISPLAY_LIST_HEADER_SIZE {
            return Err(HostError::BadOutput(format!(
                "display list is {list_len} bytes, shorter than its {DISPLAY_LIST_HEADER_SIZE}-byte header"
            )));
        }
        let at =
            self.checked_range(list_ptr as i32, list_len as usize, "the display list", HostError::BadOutput)?;
        self.list.clear();
        self.list.extend_from_slice(&self.live.memory.data(&self.live.store)[at]);
        DisplayListReader::new(&self.list).map_err(|e| HostError::BadOutput(e.to_string()))?;
        self.fetch_requests()
    }

    /// Copies the frame's request records out, when the bundle exports `touchline_requests`.
    /// A null pointer or an empty buffer means no requests.
    fn fetch_requests(&mut self) -> Result<(), HostError> {
        let Some(requests) = &self.live.requests else { return Ok(()) };
        self.live.store.set_epoch_deadline(self.frame_ticks);
        let ptr = requests
            .call(&mut self.live.store, ())
            .map_err(|e| trap_or(e, REQUESTS_PHASE, HostError::Source))?;
        if ptr == 0 {
            return Ok(());
        }
        let at = self.checked_range(ptr, REQUEST_BUFFER_SIZE, "the RequestBuffer", HostError::BadRequests)?;
        let data = self.live.memory.data(&self.live.store);
        let word = |i: usize| {
            let b = &data[at.start + i * 4..at.start + i * 4 + 4];
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        };
        let (records_ptr, records_len) = (word(0), word(1));
        if records_len > MAX_REQUEST_BYTES {
            return Err(HostError::BadRequests(format!(
                "requests are {records_len} bytes, more than the {MAX_REQUEST_BYTES} allowed"
            )));
        }
        if records_len == 0 {
            return Ok(());
        }
        let at = self.checked_range(
            records_ptr as i32,
            records_len as usize,
            "the request list",
            HostError::BadRequests,
        )?;
        self.request_bytes.extend_from_slice(&self.live.memory.data(&self.live.store)[at]);
        Ok(())
    }

    /// `ptr .. ptr + len` as a range of linear memory, or the error `bad` makes.
    fn checked_range(
        &self,
        ptr: i32,
        len: usize,
        what: &str,
        bad: fn(String) -> HostError,
    ) -> Result<std::ops::Range<usize>, HostError> {
        let size = self.live.memory.data_size(&self.live.store);
        let start = ptr as u32 as usize;
        match start.checked_add(len) {
            Some(end) if end <= size => Ok(start..end),
            _ => Err(bad(format!("{what} at {start:#x}..+{len} is outside linear memory ({size} bytes)"))),
        }
    }
}

impl FrameSource for Bundle {
    fn viewport(&self) -> (u32, u32) {
        (self.options.width, self.options.height)
    }

    fn frame(&mut self, time_us: u64, events: &[Event], payload: &[u8]) -> Result<&[u8], HostError> {
        if self.dead.is_some() {
            return Err(HostError::Trap {
                during: FRAME_PHASE,
                message: "the instance trapped earlier".into(),
            });
        }
        self.live.store.data_mut().limiter.refused = false;
        match self.run_frame(time_us, events, payload) {
            Ok(()) => Ok(&self.list),
            Err(e) => {
                if let HostError::Trap { message, .. } = &e {
                    self.dead = Some(classify_trap(message, self.live.store.data().limiter.refused));
                }
                Err(e)
            }
        }
    }

    fn abi_version(&self) -> (u32, u32) {
        self.abi_version
    }

    fn restart(&mut self) -> Result<f64, HostError> {
        Bundle::restart(self)
    }

    fn trap_kind(&self) -> Option<TrapKind> {
        self.dead
    }

    fn last_error_log(&self) -> Option<&str> {
        self.live.store.data().last_error.as_deref()
    }

    fn started_from_snapshot(&self) -> bool {
        self.from_snapshot
    }

    fn memory_bytes(&self) -> Option<usize> {
        Some(Bundle::memory_bytes(self))
    }

    fn timings(&self) -> SourceTimings {
        self.timings
    }

    fn requests(&self) -> &[u8] {
        &self.request_bytes
    }
}

/// Instantiates `compiled`, checks every export and the ABI major before running anything,
/// then copies in `snapshot` or, without one (or when it does not fit: then it is dropped),
/// runs `_initialize` (if exported) and `touchline_init` and, with snapshots on, keeps the
/// memory they left in `snapshot`.
fn start_instance(
    compiled: &Compiled,
    options: &BundleOptions,
    snapshot: &mut Option<Vec<u8>>,
) -> Result<Started, HostError> {
    let begun = Instant::now();
    let budget_ticks = compiled.budget_ticks;
    let (mut store, instance, memory) = compiled.instantiate_limited(options.memory_limit)?;
    let abi_version: TypedFunc<(), i32> = typed(&instance, &mut store, EXPORT_ABI_VERSION, "() -> i32")?;
    let init: TypedFunc<(i32, i32), i32> = typed(&instance, &mut store, EXPORT_INIT, "(i32, i32) -> i32")?;
    let input_buffer: TypedFunc<i32, i32> =
        typed(&instance, &mut store, EXPORT_INPUT_BUFFER, "(i32) -> i32")?;
    let frame: TypedFunc<(i64, i32), i32> = typed(&instance, &mut store, EXPORT_FRAME, "(i64, i32) -> i32")?;
    let requests: Option<TypedFunc<(), i32>> = match instance.get_func(&mut store, EXPORT_REQUESTS) {
        Some(f) => {
            Some(f.typed(&store).map_err(|_| missing(EXPORT_REQUESTS, "does not have type () -> i32"))?)
        }
        None => None,
    };
    let initialize: Option<TypedFunc<(), ()>> = match instance.get_func(&mut store, EXPORT_WASI_INITIALIZE) {
        Some(f) => Some(
            f.typed(&store).map_err(|_| missing(EXPORT_WASI_INITIALIZE, "does not have type () -> ()"))?,
        ),
        None => None,
    };

    store.set_epoch_deadline(budget_ticks);
    let version = abi_version
        .call(&mut store, ())
        .map_err(|e| trap_or(e, EXPORT_ABI_VERSION, HostError::Instantiate))?;
    let (major, minor) = split_abi_version(version as u32);
    if major != ABI_VERSION_MAJOR {
        return Err(HostError::AbiMismatch { bundle_major: major, bundle_minor: minor });
    }
    if let Some(expected) = options.expected_abi.filter(|expected| *expected != version as u32) {
        let (want_major, want_minor) = split_abi_version(expected);
        return Err(HostError::Instantiate(format!(
            "it exports ABI {major}.{minor}, the manifest says {want_major}.{want_minor}"
        )));
    }
    let live = |store, memory| Live { store, memory, input_buffer, frame, requests };
    if let Some(image) = snapshot.as_deref() {
        let instantiate_ms = ms_since(begun);
        let restoring = Instant::now();
        if restore_snapshot(&mut store, memory, image) {
            return Ok(Started {
                live: live(store, memory),
                abi_version: (major, minor),
                instantiate_ms,
                init_ms: ms_since(restoring),
                from_snapshot: true,
            });
        }
        eprintln!(
            "warning: the start-up snapshot ({} bytes) does not fit this instance; initialising",
            image.len()
        );
        *snapshot = None;
    }
    if let Some(initialize) = initialize {
        store.set_epoch_deadline(budget_ticks);
        initialize
            .call(&mut store, ())
            .map_err(|e| trap_or(e, EXPORT_WASI_INITIALIZE, HostError::Instantiate))?;
    }
    let instantiate_ms = ms_since(begun);

    let begun = Instant::now();
    let (width, height) = (options.width, options.height);
    store.set_epoch_deadline(budget_ticks);
    let status = init
        .call(&mut store, (width as i32, height as i32))
        .map_err(|e| trap_or(e, EXPORT_INIT, HostError::Instantiate))?;
    if status != 0 {
        return Err(HostError::InitFailed { width, height, status });
    }
    let init_ms = ms_since(begun);
    if options.startup_snapshots && snapshot.is_none() {
        *snapshot = Some(memory.data(&store).to_vec());
    }
    Ok(Started {
        live: live(store, memory),
        abi_version: (major, minor),
        instantiate_ms,
        init_ms,
        from_snapshot: false,
    })
}

/// Grows `memory` to the snapshot's size and copies it in; false when it does not fit (the
/// memory limit, or a module whose memory starts larger).
fn restore_snapshot(store: &mut Store<HostState>, memory: Memory, image: &[u8]) -> bool {
    const PAGE: usize = 65536;
    let have = memory.data_size(&*store);
    if !image.len().is_multiple_of(PAGE) || have > image.len() {
        return false;
    }
    if have < image.len() && memory.grow(&mut *store, ((image.len() - have) / PAGE) as u64).is_err() {
        store.data_mut().limiter.refused = false; // not the bundle's growth: nothing to report
        return false;
    }
    memory.data_mut(&mut *store)[..image.len()].copy_from_slice(image);
    true
}

/// What a trap's message and the limiter say ended the instance.
fn classify_trap(message: &str, memory_refused: bool) -> TrapKind {
    if memory_refused {
        TrapKind::OutOfMemory
    } else if message.contains("proc_exit") {
        TrapKind::Exit
    } else if message.contains("interrupt") {
        TrapKind::Watchdog
    } else if message.contains("unreachable") {
        TrapKind::Panic
    } else {
        TrapKind::Fault
    }
}

/// Watchdog ticks in `budget` (at least one).
fn ticks(budget: Duration) -> u64 {
    budget.as_millis().div_ceil(EPOCH_TICK.as_millis()).max(1) as u64
}

/// Checks the 8-byte preamble of a core wasm module.
fn check_wasm_header(bytes: &[u8]) -> Result<(), String> {
    if bytes.len() < 8 || &bytes[0..4] != b"\0asm" {
        return Err("no \\0asm magic number".into());
    }
    match [bytes[4], bytes[5], bytes[6], bytes[7]] {
        [1, 0, 0, 0] => Ok(()),
        [_, _, 1, 0] => Err("it is a wasm component, not a core module".into()),
        version => Err(format!("unsupported wasm version {:#x}", u32::from_le_bytes(version))),
    }
}

/// Reads a module file and checks its header.
pub(crate) fn read_module(path: &Path) -> Result<Vec<u8>, HostError> {
    let bytes =
        std::fs::read(path).map_err(|source| HostError::MissingFile { path: path.to_path_buf(), source })?;
    check_wasm_header(&bytes).map_err(|reason| HostError::NotWasm { path: path.to_path_buf(), reason })?;
    Ok(bytes)
}

/// A module compiled the way bundles run, with the watchdog that bounds each call into its
/// instances; shared by [`Bundle`] and the bench harness ([`crate::bench`]), so both run wasm
/// on the same configuration.
#[derive(Clone)]
pub struct Compiled {
    module: Module,
    /// How long compiling took.
    pub(crate) compile_ms: f64,
    /// Epoch ticks each call may run (set it with `Store::set_epoch_deadline` before a call).
    pub(crate) budget_ticks: u64,
    _watchdog: Arc<Watchdog>,
}

impl Compiled {
    /// Compiles `bytes` for `kind` and starts the watchdog (one per engine).
    pub fn new(bytes: &[u8], kind: EngineKind, call_timeout: Duration) -> Result<Self, HostError> {
        Self::compile(bytes, kind, call_timeout, None)
    }

    /// Like [`Self::new`], reusing the machine code of every function `cache` holds from an
    /// earlier compile (Cranelift's incremental cache; Pulley compiles with Cranelift too): a
    /// bundle rebuilt after a one-line edit compiles only the functions that changed.
    pub fn new_incremental(
        bytes: &[u8],
        kind: EngineKind,
        call_timeout: Duration,
        cache: Arc<dyn wasmtime::CacheStore>,
    ) -> Result<Self, HostError> {
        Self::compile(bytes, kind, call_timeout, Some(cache))
    }

    fn compile(
        bytes: &[u8],
        kind: EngineKind,
        call_timeout: Duration,
        cache: Option<Arc<dyn wasmtime::CacheStore>>,
    ) -> Result<Self, HostError> {
        let engine = make_engine(kind, cache)?;
        let budget_ticks = ticks(call_timeout);
        let started = Instant::now();
        let module = Module::from_binary(&engine, bytes).map_err(|e| HostError::Compile(format!("{e:#}")))?;
        let compile_ms = ms_since(started);
        let watchdog = Watchdog::start(&engine);
        Ok(Self { module, compile_ms, budget_ticks, _watchdog: Arc::new(watchdog) })
    }

    /// The compiled code, for a precompiled-module cache ([`Self::deserialize_file`] reads it).
    pub fn serialize(&self) -> Result<Vec<u8>, HostError> {
        self.module.serialize().map_err(|e| HostError::Compile(format!("{e:#}")))
    }

    /// A module from a file of [`Self::serialize`]'s bytes, without compiling: what a warm
    /// start loads. wasmtime maps the file rather than copying it, and refuses bytes made by
    /// another version or configuration (an error, never a crash); `compile_ms` is the time
    /// loading took.
    ///
    /// The bytes are machine code that will run: the caller must have them from a place only
    /// this host writes, checked against the checksum it wrote beside them (the delivery cache
    /// does both).
    pub fn deserialize_file(
        path: &Path,
        kind: EngineKind,
        call_timeout: Duration,
    ) -> Result<Self, HostError> {
        let engine = make_engine(kind, None)?;
        let started = Instant::now();
        // SAFETY: `Module::deserialize_file` trusts its input to be wasmtime's own output, and
        // the file not to change while mapped. The contract above (our cache, checksummed,
        // replaced only by rename) is what makes it so; anything else wasmtime rejects by its
        // header, version and configuration checks.
        #[allow(unsafe_code)]
        let module = unsafe { Module::deserialize_file(&engine, path) }
            .map_err(|e| HostError::Compile(format!("precompiled module: {e:#}")))?;
        let compile_ms = ms_since(started);
        let watchdog = Watchdog::start(&engine);
        Ok(Self { module, compile_ms, budget_ticks: ticks(call_timeout), _watchdog: Arc::new(watchdog) })
    }

    /// A new instance with WASI preview 1 (stdout and stderr inherited, no preopened
    /// directories) and `touchline_host.log`, and its `memory` export. Only the module's start
    /// function (if any) has run in it.
    pub(crate) fn instantiate(&self) -> Result<(Store<HostState>, Instance, Memory), HostError> {
        self.instantiate_limited(usize::MAX)
    }

    /// Like [`Self::instantiate`], with linear memory capped at `memory_limit` bytes.
    pub(crate) fn instantiate_limited(
        &self,
        memory_limit: usize,
    ) -> Result<(Store<HostState>, Instance, Memory), HostError> {
        let engine = self.module.engine();
        let mut linker: Linker<HostState> = Linker::new(engine);
        wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |s: &mut HostState| &mut s.wasi)
            .map_err(|e| HostError::Instantiate(format!("{e:#}")))?;
        linker
            .func_wrap(HOST_MODULE, IMPORT_LOG, host_log)
            .map_err(|e| HostError::Instantiate(format!("{e:#}")))?;
        let wasi = WasiCtxBuilder::new().inherit_stdout().inherit_stderr().build_p1();
        let limiter = MemoryLimiter { limit: memory_limit, refused: false };
        let mut store = Store::new(engine, HostState { wasi, limiter, last_error: None });
        store.limiter(|state| &mut state.limiter);
        store.set_epoch_deadline(self.budget_ticks);
        let instance = linker
            .instantiate(&mut store, &self.module)
            .map_err(|e| trap_or(e, "instantiation", HostError::Instantiate))?;
        let memory = match instance.get_export(&mut store, "memory") {
            Some(Extern::Memory(memory)) => memory,
            Some(_) => return Err(missing("memory", "is not a memory")),
            None => return Err(missing("memory", "is missing")),
        };
        Ok((store, instance, memory))
    }
}

fn make_engine(kind: EngineKind, cache: Option<Arc<dyn wasmtime::CacheStore>>) -> Result<Engine, HostError> {
    let mut config = Config::new();
    config.parallel_compilation(true);
    config.epoch_interruption(true);
    if kind == EngineKind::Pulley {
        config.target("pulley64").map_err(|e| HostError::Compile(format!("{e:#}")))?;
    }
    if let Some(cache) = cache {
        config.enable_incremental_compilation(cache).map_err(|e| HostError::Compile(format!("{e:#}")))?;
    }
    Engine::new(&config).map_err(|e| HostError::Compile(format!("{e:#}")))
}

pub(crate) fn typed<P, R>(
    instance: &Instance,
    store: &mut Store<HostState>,
    name: &'static str,
    signature: &str,
) -> Result<TypedFunc<P, R>, HostError>
where
    P: wasmtime::WasmParams,
    R: wasmtime::WasmResults,
{
    let func = instance.get_func(&mut *store, name).ok_or_else(|| missing(name, "is missing"))?;
    func.typed(&*store).map_err(|_| missing(name, &format!("does not have type {signature}")))
}

fn missing(name: &'static str, problem: &str) -> HostError {
    HostError::MissingExport { name, problem: problem.to_string() }
}

/// A wasmtime call error as a [`HostError::Trap`] when it is a trap or `proc_exit`, else `other`.
pub(crate) fn trap_or(
    error: wasmtime::Error,
    during: &'static str,
    other: fn(String) -> HostError,
) -> HostError {
    if let Some(exit) = error.downcast_ref::<wasmtime_wasi::I32Exit>() {
        return HostError::Trap { during, message: format!("the bundle called proc_exit({})", exit.0) };
    }
    if let Some(trap) = error.downcast_ref::<wasmtime::Trap>() {
        let hint = if *trap == wasmtime::Trap::Interrupt {
            " (the call ran past the host's time limit)"
        } else {
            ""
        };
        // The trap's own words first: they are what a `recovered:` line shows.
        return HostError::Trap { during, message: format!("{trap}{hint}\n{error:?}") };
    }
    if is_frame_phase(during) {
        // Any other failure of a running instance (host function error, ...) is a trap too.
        return HostError::Trap { during, message: format!("{error:#}") };
    }
    other(format!("{during}: {error:#}"))
}

fn ms_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

/// `touchline_host.log(level, ptr, len)`: one line to stderr as `bundle: <line>`.
fn host_log(mut caller: Caller<'_, HostState>, level: i32, ptr: i32, len: i32) {
    let Some(Extern::Memory(memory)) = caller.get_export("memory") else { return };
    let data = memory.data(&caller);
    let start = ptr as u32 as usize;
    let len = (len as u32).min(MAX_LOG_LINE_BYTES) as usize;
    let Some(bytes) = start.checked_add(len).and_then(|end| data.get(start..end)) else { return };
    let line = String::from_utf8_lossy(bytes);
    let line = line.trim_end_matches(['\n', '\r']).to_owned();
    eprintln!("bundle: {line}");
    if level == 0 {
        caller.data_mut().last_error = Some(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wasm_header_checks() {
        assert!(check_wasm_header(b"\0asm\x01\0\0\0").is_ok());
        assert!(check_wasm_header(b"hello world").is_err());
        assert!(check_wasm_header(b"\0asm").is_err());
        assert!(check_wasm_header(b"\0asm\x0d\0\x01\0").expect_err("component").contains("component"));
    }
}
