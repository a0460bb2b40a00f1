//! `touchline-desktop bench BENCH.wasm [--engine cranelift|pulley] [--iterations N] [--quick]`:
//! the engine benchmarks (`bench/`, the `touchline-bench` crate) run inside wasm, on the same
//! wasmtime configuration as app bundles ([`crate::bundle`]: Cranelift or Pulley, WASI preview
//! 1, epoch interruption), timed from here with the wall clock.
//!
//! The module is `touchline-bench` built as a cdylib (`cargo build -p touchline-bench --profile
//! bundle --target wasm32-wasip1`). It describes its scenarios itself; this harness knows no
//! scenario by name. For each one, on a fresh instance (so a trap or a memory high-water mark
//! does not carry over): `touchline_bench_setup(i)` (untimed), warm-up steps, then the timed
//! steps — each `touchline_bench_step(i)` timed alone, then `touchline_bench_after_step(i)`
//! (untimed: it checks the step's frame and resets what must be reset). A time scenario prints
//! the median and p90 of one step; a memory scenario runs one step and prints the size of linear
//! memory after it. Each line carries the target and whether the median (or the memory) meets it;
//! a last line sums up. Missing a target is not an error (exit 0): the figures are the output.
//!
//! The bench ABI (exports, status codes) is documented in `bench/src/wasm.rs`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;
use wasmtime::{Memory, Store, TypedFunc};

use crate::HostError;
use crate::bundle::{Compiled, EngineKind, HostState, read_module, typed};
use crate::session::{EXIT_FRAME_FAILED, EXIT_OK, EXIT_UNUSABLE};

/// The bench ABI version this host speaks.
pub const BENCH_ABI_VERSION: i32 = 1;

const EXPORT_ABI_VERSION: &str = "touchline_bench_abi_version";
const EXPORT_COUNT: &str = "touchline_bench_count";
const EXPORT_DESCRIBE: &str = "touchline_bench_describe";
const EXPORT_SETUP: &str = "touchline_bench_setup";
const EXPORT_STEP: &str = "touchline_bench_step";
const EXPORT_AFTER_STEP: &str = "touchline_bench_after_step";
const EXPORT_TEARDOWN: &str = "touchline_bench_teardown";
const EXPORT_ERROR: &str = "touchline_bench_error";
const EXPORT_INITIALIZE: &str = "_initialize";

/// Timed steps per scenario by default, and with `--quick`.
const DEFAULT_ITERATIONS: u32 = 300;
const QUICK_ITERATIONS: u32 = 20;
/// The longest description or error message read from the module.
const MAX_TEXT_BYTES: u64 = 4096;
/// Most scenarios a module may declare.
const MAX_SCENARIOS: i32 = 64;
/// One call into the module may run this long (a memory scenario on Pulley takes seconds).
const CALL_TIMEOUT: Duration = Duration::from_secs(120);
const MIB: f64 = 1024.0 * 1024.0;

/// `touchline-desktop bench`'s arguments.
#[derive(Args, Clone, Debug, PartialEq, Eq)]
pub struct BenchArgs {
    /// The bench module: target/wasm32-wasip1/bundle/touchline_bench.wasm, built by
    /// `cargo build -p touchline-bench --profile bundle --target wasm32-wasip1`.
    pub module: PathBuf,
    /// Wasm back end.
    #[arg(long, value_enum, default_value_t = EngineKind::Cranelift)]
    pub engine: EngineKind,
    /// Timed steps per scenario [default: 300, or 20 with --quick].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub iterations: Option<u32>,
    /// A short run (CI): few steps; every figure is still printed.
    #[arg(long)]
    pub quick: bool,
    /// Only the scenarios whose name contains this.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
}

/// How the scenarios run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BenchOptions {
    /// Back end.
    pub engine: EngineKind,
    /// Timed steps per time scenario.
    pub iterations: u32,
    /// Untimed steps before them.
    pub warmup: u32,
    /// Only scenarios whose name contains this.
    pub filter: Option<String>,
}

impl BenchArgs {
    /// The options these arguments ask for.
    pub fn options(&self) -> BenchOptions {
        let iterations =
            self.iterations.unwrap_or(if self.quick { QUICK_ITERATIONS } else { DEFAULT_ITERATIONS });
        BenchOptions {
            engine: self.engine,
            iterations,
            warmup: (iterations / 10).max(2),
            filter: self.filter.clone(),
        }
    }
}

/// What can go wrong running a bench module.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The file could not be read, compiled or instantiated.
    #[error("{0}")]
    Load(HostError),
    /// The module is wasm but not a bench module (an export is missing or mistyped, or it
    /// speaks another bench ABI).
    #[error(
        "{path} is not a bench module: {reason} (build one with `cargo build -p touchline-bench \
         --profile bundle --target wasm32-wasip1`)"
    )]
    NotBench {
        /// The module.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A scenario's description record is malformed.
    #[error("scenario {index}'s description is malformed: {reason}")]
    BadDescription {
        /// The scenario's index.
        index: i32,
        /// What is wrong.
        reason: String,
    },
    /// A scenario reported a failure or trapped.
    #[error("{scenario}: {during} failed: {message}")]
    Scenario {
        /// The scenario's name.
        scenario: String,
        /// The export that failed.
        during: &'static str,
        /// The module's message, or the trap.
        message: String,
    },
}

impl BenchError {
    /// The process exit code for this error: 1 when the module cannot be used, 3 when a
    /// scenario failed.
    pub fn exit_code(&self) -> u8 {
        match self {
            BenchError::Scenario { .. } => EXIT_FRAME_FAILED,
            _ => EXIT_UNUSABLE,
        }
    }
}

/// What a scenario is judged by.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Metric {
    /// The median time of one step, at most `limit` microseconds.
    StepTime,
    /// Linear memory after one step, at most `limit` bytes.
    LinearMemory,
}

/// A scenario, as the module describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioInfo {
    /// Its index in the module.
    pub index: i32,
    /// Short name.
    pub name: String,
    /// What it is judged by.
    pub metric: Metric,
    /// The target: microseconds or bytes.
    pub limit: f64,
    /// What it builds and measures.
    pub description: String,
}

impl ScenarioInfo {
    /// Parses a record `name \t step_us|memory_bytes \t limit \t description`.
    pub fn parse(index: i32, record: &str) -> Result<Self, BenchError> {
        let bad = |reason: String| BenchError::BadDescription { index, reason };
        let fields: Vec<&str> = record.splitn(4, '\t').collect();
        let [name, metric, limit, description] = fields[..] else {
            return Err(bad(format!("expected 4 tab-separated fields, got {:?}", record)));
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(bad(format!("`{name}` is not a scenario name")));
        }
        let metric = match metric {
            "step_us" => Metric::StepTime,
            "memory_bytes" => Metric::LinearMemory,
            other => return Err(bad(format!("unknown metric `{other}`"))),
        };
        let limit: f64 = limit
            .parse()
            .ok()
            .filter(|l: &f64| l.is_finite() && *l > 0.0)
            .ok_or_else(|| bad(format!("`{limit}` is not a positive number")))?;
        Ok(Self { index, name: name.to_owned(), metric, limit, description: description.to_owned() })
    }

    /// The target, as printed: `≤ 5 ms`, `≤ 20 µs`, `≤ 16 MiB`.
    pub fn target_text(&self) -> String {
        match self.metric {
            Metric::StepTime if self.limit >= 1000.0 => format!("≤ {} ms", self.limit / 1000.0),
            Metric::StepTime => format!("≤ {} µs", self.limit),
            Metric::LinearMemory => format!("≤ {} MiB", self.limit / MIB),
        }
    }
}

/// A scenario's figures.
#[derive(Clone, Debug, PartialEq)]
pub enum Figures {
    /// Per-step times of a time scenario.
    Time {
        /// Median of one step, µs.
        median_us: f64,
        /// 90th percentile of one step, µs.
        p90_us: f64,
        /// Fastest step, µs.
        min_us: f64,
        /// Timed steps.
        steps: u32,
        /// Length of the last step's display list, bytes.
        list_bytes: i32,
    },
    /// Linear memory of a memory scenario.
    Memory {
        /// Linear memory after the step, bytes.
        bytes: u64,
        /// Linear memory before the setup (module data and stack), bytes.
        at_start: u64,
        /// Linear memory after the setup (the empty engine), bytes.
        after_setup: u64,
        /// How long the one step took, µs.
        step_us: f64,
        /// Length of its display list, bytes.
        list_bytes: i32,
    },
}

impl Figures {
    /// The figure the target judges: the median step in µs, or the memory in bytes.
    pub fn judged(&self) -> f64 {
        match *self {
            Figures::Time { median_us, .. } => median_us,
            Figures::Memory { bytes, .. } => bytes as f64,
        }
    }
}

/// One scenario's outcome.
#[derive(Debug)]
pub struct Outcome {
    /// The scenario.
    pub info: ScenarioInfo,
    /// Its figures, or why there are none.
    pub result: Result<Figures, BenchError>,
}

impl Outcome {
    /// Whether it met its target (`None` when it failed).
    pub fn met(&self) -> Option<bool> {
        self.result.as_ref().ok().map(|f| f.judged() <= self.info.limit)
    }

    /// The line printed for it: `bench NAME: ... (target ≤ X) ok` or `... MISSED by N%`.
    pub fn line(&self) -> String {
        let name = &self.info.name;
        let target = self.info.target_text();
        let figures = match &self.result {
            Err(e) => return format!("bench {name}: error: {e} (target {target})"),
            Ok(f) => f,
        };
        let verdict = if figures.judged() <= self.info.limit {
            "ok".to_owned()
        } else {
            format!("MISSED by {:.0}%", (figures.judged() / self.info.limit - 1.0) * 100.0)
        };
        match *figures {
            Figures::Time { median_us, p90_us, .. } => format!(
                "bench {name}: median {} p90 {} (target {target}) {verdict}",
                time_text(median_us),
                time_text(p90_us)
            ),
            Figures::Memory { bytes, .. } => {
                format!(
                    "bench {name}: linear memory {:.2} MiB (target {target}) {verdict}",
                    bytes as f64 / MIB
                )
            }
        }
    }

    /// The detail line under it.
    pub fn detail(&self) -> Option<String> {
        let detail = match self.result.as_ref().ok()? {
            Figures::Time { min_us, steps, list_bytes, .. } => {
                format!(
                    "min {}, {steps} timed steps, a {list_bytes}-byte display list in the last frame",
                    time_text(*min_us)
                )
            }
            Figures::Memory { at_start, after_setup, step_us, list_bytes, .. } => format!(
                "{:.2} MiB before the setup, {:.2} MiB after it; the step took {}, a {list_bytes}-byte display list",
                *at_start as f64 / MIB,
                *after_setup as f64 / MIB,
                time_text(*step_us)
            ),
        };
        Some(format!("    {detail}; {}", self.info.description))
    }
}

/// `1.23 ms`, `123 µs`, `12.3 µs`, `1.23 µs`.
pub fn time_text(us: f64) -> String {
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else if us >= 100.0 {
        format!("{us:.0} µs")
    } else if us >= 10.0 {
        format!("{us:.1} µs")
    } else {
        format!("{us:.2} µs")
    }
}

/// The `p`-th percentile (0–1) of sorted samples, nearest rank.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// The median of sorted samples.
fn median(sorted: &[f64]) -> f64 {
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The bench exports of one instance (handles: cheap to clone).
#[derive(Clone)]
struct Exports {
    count: TypedFunc<(), i32>,
    describe: TypedFunc<i32, i64>,
    setup: TypedFunc<i32, i32>,
    step: TypedFunc<i32, i32>,
    after_step: TypedFunc<i32, i32>,
    teardown: TypedFunc<i32, i32>,
    error: TypedFunc<(), i64>,
}

/// A fresh instance of the bench module.
struct Live {
    store: Store<HostState>,
    memory: Memory,
    exports: Exports,
    budget_ticks: u64,
}

impl Live {
    /// Calls `f`, bounded by the watchdog.
    fn call<P: wasmtime::WasmParams, R: wasmtime::WasmResults>(
        &mut self,
        f: &TypedFunc<P, R>,
        args: P,
    ) -> wasmtime::Result<R> {
        self.store.set_epoch_deadline(self.budget_ticks);
        f.call(&mut self.store, args)
    }

    /// The UTF-8 text at a packed `(len << 32) | ptr`, checked against linear memory.
    fn text(&self, packed: i64) -> Result<String, String> {
        let packed = packed as u64;
        let (ptr, len) = (packed & 0xffff_ffff, packed >> 32);
        if len > MAX_TEXT_BYTES {
            return Err(format!("{len} bytes of text, more than the {MAX_TEXT_BYTES} allowed"));
        }
        let data = self.memory.data(&self.store);
        let (start, end) = (ptr as usize, (ptr + len) as usize);
        let bytes = data.get(start..end).ok_or_else(|| {
            format!("text at {start:#x}..+{len} is outside linear memory ({} bytes)", data.len())
        })?;
        String::from_utf8(bytes.to_vec()).map_err(|_| "text is not UTF-8".to_owned())
    }

    /// The module's last error message.
    fn last_error(&mut self) -> String {
        let error = self.exports.error.clone();
        match self.call(&error, ()) {
            Ok(packed) => self.text(packed).unwrap_or_else(|e| format!("(unreadable message: {e})")),
            Err(e) => format!("(no message: {EXPORT_ERROR} failed: {})", failure(&e)),
        }
    }

    /// Calls a status-returning export for scenario `index`; a negative status or a trap is a
    /// [`BenchError::Scenario`].
    fn status(
        &mut self,
        f: &TypedFunc<i32, i32>,
        index: i32,
        scenario: &str,
        during: &'static str,
    ) -> Result<i32, BenchError> {
        let fail = |message: String| BenchError::Scenario { scenario: scenario.to_owned(), during, message };
        let status = self.call(f, index).map_err(|e| fail(failure(&e)))?;
        if status < 0 {
            let message = self.last_error();
            return Err(fail(format!("status {status}: {message}")));
        }
        Ok(status)
    }

    fn memory_size(&self) -> u64 {
        self.memory.data_size(&self.store) as u64
    }
}

/// A compiled bench module and the scenarios it describes.
pub struct BenchModule {
    path: PathBuf,
    compiled: Compiled,
    scenarios: Vec<ScenarioInfo>,
}

impl std::fmt::Debug for BenchModule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BenchModule").field("path", &self.path).field("scenarios", &self.scenarios).finish()
    }
}

impl BenchModule {
    /// Reads and compiles the module at `path` the way bundles are, checks it is a bench module
    /// and reads its scenarios.
    pub fn load(path: &Path, engine: EngineKind) -> Result<Self, BenchError> {
        let bytes = read_module(path).map_err(BenchError::Load)?;
        let compiled = Compiled::new(&bytes, engine, CALL_TIMEOUT).map_err(|e| {
            BenchError::Load(match e {
                HostError::Compile(message) => HostError::Compile(format!("{}: {message}", path.display())),
                other => other,
            })
        })?;
        let mut module = Self { path: path.to_path_buf(), compiled, scenarios: Vec::new() };
        let mut live = module.instantiate()?;
        let not_bench = |reason: String| BenchError::NotBench { path: path.to_path_buf(), reason };
        let count = live.exports.count.clone();
        let count = live
            .call(&count, ())
            .map_err(|e| not_bench(format!("{EXPORT_COUNT} failed: {}", failure(&e))))?;
        if !(1..=MAX_SCENARIOS).contains(&count) {
            return Err(not_bench(format!("it declares {count} scenarios (1 to {MAX_SCENARIOS} allowed)")));
        }
        for index in 0..count {
            let describe = live.exports.describe.clone();
            let packed = live
                .call(&describe, index)
                .map_err(|e| not_bench(format!("{EXPORT_DESCRIBE} failed: {}", failure(&e))))?;
            let record = live.text(packed).map_err(|reason| BenchError::BadDescription { index, reason })?;
            module.scenarios.push(ScenarioInfo::parse(index, &record)?);
        }
        Ok(module)
    }

    /// The scenarios, in the module's order.
    pub fn scenarios(&self) -> &[ScenarioInfo] {
        &self.scenarios
    }

    /// How long compiling the module took, in milliseconds.
    pub fn compile_ms(&self) -> f64 {
        self.compiled.compile_ms
    }

    /// A fresh instance: exports checked, bench ABI version checked, `_initialize` called.
    fn instantiate(&self) -> Result<Live, BenchError> {
        let (mut store, instance, memory) = self.compiled.instantiate().map_err(BenchError::Load)?;
        let not_bench = |e: HostError| BenchError::NotBench {
            path: self.path.clone(),
            reason: match e {
                HostError::MissingExport { name, problem } => format!("export `{name}` {problem}"),
                other => other.to_string(),
            },
        };
        let abi_version: TypedFunc<(), i32> =
            typed(&instance, &mut store, EXPORT_ABI_VERSION, "() -> i32").map_err(not_bench)?;
        let exports = Exports {
            count: typed(&instance, &mut store, EXPORT_COUNT, "() -> i32").map_err(not_bench)?,
            describe: typed(&instance, &mut store, EXPORT_DESCRIBE, "(i32) -> i64").map_err(not_bench)?,
            setup: typed(&instance, &mut store, EXPORT_SETUP, "(i32) -> i32").map_err(not_bench)?,
            step: typed(&instance, &mut store, EXPORT_STEP, "(i32) -> i32").map_err(not_bench)?,
            after_step: typed(&instance, &mut store, EXPORT_AFTER_STEP, "(i32) -> i32").map_err(not_bench)?,
            teardown: typed(&instance, &mut store, EXPORT_TEARDOWN, "(i32) -> i32").map_err(not_bench)?,
            error: typed(&instance, &mut store, EXPORT_ERROR, "() -> i64").map_err(not_bench)?,
        };
        let initialize: Option<TypedFunc<(), ()>> = match instance.get_func(&mut store, EXPORT_INITIALIZE) {
            Some(f) => Some(f.typed(&store).map_err(|_| BenchError::NotBench {
                path: self.path.clone(),
                reason: format!("export `{EXPORT_INITIALIZE}` does not have type () -> ()"),
            })?),
            None => None,
        };
        let mut live = Live { store, memory, exports, budget_ticks: self.compiled.budget_ticks };
        let version = live.call(&abi_version, ()).map_err(|e| load_failure(&e, EXPORT_ABI_VERSION))?;
        if version != BENCH_ABI_VERSION {
            return Err(BenchError::NotBench {
                path: self.path.clone(),
                reason: format!("it speaks bench ABI {version}, this host speaks {BENCH_ABI_VERSION}"),
            });
        }
        if let Some(initialize) = initialize {
            live.call(&initialize, ()).map_err(|e| load_failure(&e, EXPORT_INITIALIZE))?;
        }
        Ok(live)
    }

    /// What one call into the module costs, in µs: the median of timed calls to a trivial
    /// export (so step times can be read net of it).
    pub fn call_overhead_us(&self) -> Result<f64, BenchError> {
        let mut live = self.instantiate()?;
        let count = live.exports.count.clone();
        let mut samples = Vec::with_capacity(1000);
        for _ in 0..1000 {
            live.store.set_epoch_deadline(live.budget_ticks);
            let start = Instant::now();
            let result = count.call(&mut live.store, ());
            samples.push(start.elapsed().as_secs_f64() * 1e6);
            result.map_err(|e| load_failure(&e, EXPORT_COUNT))?;
        }
        samples.sort_by(f64::total_cmp);
        Ok(median(&samples))
    }

    /// Runs one scenario on a fresh instance.
    pub fn run(&self, info: &ScenarioInfo, options: &BenchOptions) -> Result<Figures, BenchError> {
        let mut live = self.instantiate()?;
        let (index, name) = (info.index, info.name.as_str());
        let Exports { setup, step, after_step, teardown, .. } = live.exports.clone();
        let at_start = live.memory_size();
        live.status(&setup, index, name, EXPORT_SETUP)?;
        let figures = match info.metric {
            Metric::LinearMemory => {
                let after_setup = live.memory_size();
                live.store.set_epoch_deadline(live.budget_ticks);
                let start = Instant::now();
                let result = step.call(&mut live.store, index);
                let step_us = start.elapsed().as_secs_f64() * 1e6;
                let list_bytes = step_result(&mut live, result, name)?;
                live.status(&after_step, index, name, EXPORT_AFTER_STEP)?;
                Figures::Memory { bytes: live.memory_size(), at_start, after_setup, step_us, list_bytes }
            }
            Metric::StepTime => {
                for _ in 0..options.warmup {
                    live.status(&step, index, name, EXPORT_STEP)?;
                    live.status(&after_step, index, name, EXPORT_AFTER_STEP)?;
                }
                let mut samples = Vec::with_capacity(options.iterations as usize);
                let mut list_bytes = 0;
                for _ in 0..options.iterations {
                    live.store.set_epoch_deadline(live.budget_ticks);
                    let start = Instant::now();
                    let result = step.call(&mut live.store, index);
                    samples.push(start.elapsed().as_secs_f64() * 1e6);
                    list_bytes = step_result(&mut live, result, name)?;
                    live.status(&after_step, index, name, EXPORT_AFTER_STEP)?;
                }
                samples.sort_by(f64::total_cmp);
                Figures::Time {
                    median_us: median(&samples),
                    p90_us: percentile(&samples, 0.9),
                    min_us: samples.first().copied().unwrap_or_default(),
                    steps: options.iterations,
                    list_bytes,
                }
            }
        };
        live.status(&teardown, index, name, EXPORT_TEARDOWN)?;
        Ok(figures)
    }
}

/// A failed call into the module, on one line: the trap (a Rust panic in the module is a trap)
/// and the wasm frames it happened in, a `proc_exit`, or the error.
fn failure(error: &wasmtime::Error) -> String {
    if let Some(exit) = error.downcast_ref::<wasmtime_wasi::I32Exit>() {
        return format!("the module called proc_exit({})", exit.0);
    }
    let Some(trap) = error.downcast_ref::<wasmtime::Trap>() else { return format!("{error:#}") };
    let reason = trap.to_string();
    let mut text = format!("trapped: {}", reason.strip_prefix("wasm trap: ").unwrap_or(&reason));
    if *trap == wasmtime::Trap::Interrupt {
        text += " (the call ran past the host's time limit)";
    }
    if let Some(backtrace) = error.downcast_ref::<wasmtime::WasmBacktrace>() {
        let frames: Vec<String> = backtrace
            .frames()
            .iter()
            .take(6)
            .map(|f| f.func_name().map_or_else(|| format!("wasm function {}", f.func_index()), str::to_owned))
            .collect();
        if !frames.is_empty() {
            text += &format!(" in {}", frames.join(" < "));
        }
    }
    text
}

/// A failed call while loading the module: a trap is a [`HostError::Trap`].
fn load_failure(error: &wasmtime::Error, during: &'static str) -> BenchError {
    let message = failure(error);
    BenchError::Load(if error.downcast_ref::<wasmtime::Trap>().is_some() {
        HostError::Trap { during, message }
    } else {
        HostError::Instantiate(format!("{during}: {message}"))
    })
}

/// A timed step's result: its display list's length, or the failure (trap or negative status).
fn step_result(live: &mut Live, result: wasmtime::Result<i32>, scenario: &str) -> Result<i32, BenchError> {
    let fail = |message: String| BenchError::Scenario {
        scenario: scenario.to_owned(),
        during: EXPORT_STEP,
        message,
    };
    let status = result.map_err(|e| fail(failure(&e)))?;
    if status < 0 {
        let message = live.last_error();
        return Err(fail(format!("status {status}: {message}")));
    }
    Ok(status)
}

/// Runs every scenario (that the filter selects) and prints a line per scenario and a summary.
/// Returns the outcomes; an error only when the module cannot be used at all.
pub fn run_and_print(path: &Path, options: &BenchOptions) -> Result<Vec<Outcome>, BenchError> {
    let module = BenchModule::load(path, options.engine)?;
    let overhead = module.call_overhead_us()?;
    let engine = match options.engine {
        EngineKind::Cranelift => "cranelift",
        EngineKind::Pulley => "pulley",
    };
    println!(
        "bench: {} on {engine} (compiled in {:.0} ms); {} timed steps per scenario after {} warm-up steps, each \
         on a fresh instance; one call into wasm costs {}",
        path.display(),
        module.compile_ms(),
        options.iterations,
        options.warmup,
        time_text(overhead),
    );
    if cfg!(debug_assertions) {
        println!(
            "bench: note: this is a debug build of the host; its calls into wasm and WASI clock reads are slow \
             and inflate short steps: use a release build (tools/bench.sh) for figures"
        );
    }
    let mut outcomes = Vec::new();
    for info in module.scenarios() {
        if options.filter.as_ref().is_some_and(|f| !info.name.contains(f.as_str())) {
            continue;
        }
        let outcome = Outcome { info: info.clone(), result: module.run(info, options) };
        println!("{}", outcome.line());
        if let Some(detail) = outcome.detail() {
            println!("{detail}");
        }
        outcomes.push(outcome);
    }
    println!("{}", summary(&outcomes, engine));
    Ok(outcomes)
}

/// `bench summary: 5 scenarios on cranelift: 4 met, 1 missed (scroll_rail_1000 +12%), 0 failed`.
pub fn summary(outcomes: &[Outcome], engine: &str) -> String {
    let met = outcomes.iter().filter(|o| o.met() == Some(true)).count();
    let missed: Vec<String> = outcomes
        .iter()
        .filter(|o| o.met() == Some(false))
        .filter_map(|o| {
            let figures = o.result.as_ref().ok()?;
            Some(format!("{} +{:.0}%", o.info.name, (figures.judged() / o.info.limit - 1.0) * 100.0))
        })
        .collect();
    let failed: Vec<&str> =
        outcomes.iter().filter(|o| o.result.is_err()).map(|o| o.info.name.as_str()).collect();
    let mut line = format!(
        "bench summary: {} scenarios on {engine}: {met} met, {} missed",
        outcomes.len(),
        missed.len()
    );
    if !missed.is_empty() {
        line += &format!(" ({})", missed.join(", "));
    }
    line += &format!(", {} failed", failed.len());
    if !failed.is_empty() {
        line += &format!(" ({})", failed.join(", "));
    }
    line
}

/// `touchline-desktop bench`: exit 0 when every scenario ran (met or missed), 1 when the
/// module cannot be used, 3 when a scenario failed.
pub fn run(args: &BenchArgs) -> ExitCode {
    match run_and_print(&args.module, &args.options()) {
        Ok(outcomes) if outcomes.iter().all(|o| o.result.is_ok()) => ExitCode::from(EXIT_OK),
        Ok(outcomes) => {
            for o in &outcomes {
                if let Err(e) = &o.result {
                    eprintln!("error: {e}");
                }
            }
            ExitCode::from(EXIT_FRAME_FAILED)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_parse_and_bad_ones_are_typed_errors() {
        let info =
            ScenarioInfo::parse(0, "create_1000\tstep_us\t5000\tspawn a page\twith a tab").expect("valid");
        assert_eq!((info.name.as_str(), info.metric, info.limit), ("create_1000", Metric::StepTime, 5000.0));
        assert_eq!(info.description, "spawn a page\twith a tab", "the description is the rest");
        assert_eq!(info.target_text(), "≤ 5 ms");
        let memory = ScenarioInfo::parse(4, "memory_20000\tmemory_bytes\t16777216\tbig").expect("valid");
        assert_eq!(memory.target_text(), "≤ 16 MiB");
        assert_eq!(ScenarioInfo::parse(1, "idle\tstep_us\t20\tx").expect("valid").target_text(), "≤ 20 µs");
        for bad in [
            "",
            "a\tstep_us\t5",
            "a b\tstep_us\t5\tx",
            "a\tbytes\t5\tx",
            "a\tstep_us\t-1\tx",
            "a\tstep_us\tNaN\tx",
        ] {
            let e = ScenarioInfo::parse(2, bad).expect_err(bad);
            assert!(matches!(e, BenchError::BadDescription { index: 2, .. }), "{bad:?}: {e}");
        }
    }

    #[test]
    fn lines_show_the_figures_the_target_and_the_verdict() {
        let info = ScenarioInfo::parse(0, "create_1000\tstep_us\t5000\tx").expect("valid");
        let time = |median_us: f64| Figures::Time {
            median_us,
            p90_us: 3400.0,
            min_us: 3000.0,
            steps: 20,
            list_bytes: 9,
        };
        let ok = Outcome { info: info.clone(), result: Ok(time(3210.0)) };
        assert_eq!(ok.line(), "bench create_1000: median 3.21 ms p90 3.40 ms (target ≤ 5 ms) ok");
        let missed = Outcome { info: info.clone(), result: Ok(time(5600.0)) };
        assert_eq!(
            missed.line(),
            "bench create_1000: median 5.60 ms p90 3.40 ms (target ≤ 5 ms) MISSED by 12%"
        );
        let failed = Outcome {
            info: info.clone(),
            result: Err(BenchError::Scenario {
                scenario: "create_1000".into(),
                during: EXPORT_STEP,
                message: "boom".into(),
            }),
        };
        assert!(
            failed
                .line()
                .starts_with("bench create_1000: error: create_1000: touchline_bench_step failed: boom")
        );
        let memory = ScenarioInfo::parse(4, "memory_20000\tmemory_bytes\t16777216\tbig").expect("valid");
        let mem = Outcome {
            info: memory,
            result: Ok(Figures::Memory {
                bytes: 12 * 1024 * 1024,
                at_start: 1 << 20,
                after_setup: 2 << 20,
                step_us: 9000.0,
                list_bytes: 80,
            }),
        };
        assert_eq!(mem.line(), "bench memory_20000: linear memory 12.00 MiB (target ≤ 16 MiB) ok");
        assert_eq!(
            summary(&[ok, missed, failed, mem], "cranelift"),
            "bench summary: 4 scenarios on cranelift: 2 met, 1 missed (create_1000 +12%), 1 failed (create_1000)"
        );
    }

    #[test]
    fn times_and_percentiles() {
        assert_eq!(time_text(3210.0), "3.21 ms");
        assert_eq!(time_text(123.4), "123 µs");
        assert_eq!(time_text(12.34), "12.3 µs");
        assert_eq!(time_text(1.234), "1.23 µs");
        let sorted: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(median(&sorted), 5.5);
        assert_eq!(percentile(&sorted, 0.9), 9.0);
        assert_eq!(median(&[1.0, 2.0, 3.0]), 2.0);
    }

    #[test]
    fn parses_bench_flags() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            bench: BenchArgs,
        }
        let cli = Cli::try_parse_from(["t", "b.wasm", "--engine", "pulley", "--quick", "--filter", "idle"])
            .expect("valid");
        assert_eq!(cli.bench.module, PathBuf::from("b.wasm"));
        assert_eq!(cli.bench.options().engine, EngineKind::Pulley);
        assert_eq!(cli.bench.options().filter.as_deref(), Some("idle"));
        for bad in
            [vec!["t"], vec!["t", "b.wasm", "--iterations", "0"], vec!["t", "b.wasm", "--engine", "v8"]]
        {
            assert!(Cli::try_parse_from(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn quick_and_iterations() {
        let args = |quick, iterations| BenchArgs {
            module: "b.wasm".into(),
            engine: EngineKind::Cranelift,
            iterations,
            quick,
            filter: None,
        };
        assert_eq!(args(false, None).options().iterations, DEFAULT_ITERATIONS);
        assert_eq!(args(true, None).options().iterations, QUICK_ITERATIONS);
        assert_eq!(args(true, Some(5)).options().iterations, 5, "--iterations wins over --quick");
        assert_eq!(args(true, Some(5)).options().warmup, 2);
    }
}
