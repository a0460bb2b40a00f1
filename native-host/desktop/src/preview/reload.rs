//! Hot reload: a watcher on the workspace's sources and a thread that rebuilds and compiles the
//! bundle off the frame loop, so the last good page stays live while cargo runs.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use super::build::{BundleBuilder, is_source};
use crate::bundle::{Compiled, EngineKind};

/// How long the watcher waits after a change for the rest of a save (editors write a file in
/// several steps; `cargo fmt` touches many).
const SETTLE: Duration = Duration::from_millis(60);
/// The longest a call into the bundle's start may run (as for any bundle).
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// What the reload thread is asked to do.
enum Job {
    /// A source changed at this instant.
    Changed(Instant),
    /// Compile the last good bundle for another back end (a profile switch).
    Recompile(EngineKind),
}

/// What the reload thread reports.
pub enum ReloadEvent {
    /// A source changed: a build started.
    Building,
    /// A bundle is compiled and ready to swap in.
    Ready(Box<Ready>),
    /// The build failed: the compiler's message; the running bundle stays.
    Failed {
        /// What the compiler (or cargo) said.
        message: String,
    },
}

/// A compiled bundle and how long it took to get there.
pub struct Ready {
    /// The module, compiled for `engine`.
    pub compiled: Compiled,
    /// Its back end.
    pub engine: EngineKind,
    /// When the edit that caused it was saved (`None`: a recompile for a profile switch).
    pub edited: Option<Instant>,
    /// How long cargo took.
    pub build: Duration,
    /// How long wasmtime took to compile it.
    pub compile: Duration,
    /// Functions reused from the last compile, and compiled anew.
    pub functions: (u64, u64),
}

/// Compiled functions kept between compiles, by Cranelift's cache key (in memory: the
/// preview's run).
#[derive(Debug, Default)]
pub struct FunctionCache {
    functions: Mutex<HashMap<Vec<u8>, Vec<u8>>>,
    /// Lookups and hits since the last [`FunctionCache::take_counts`].
    lookups: AtomicU64,
    hits: AtomicU64,
}

impl FunctionCache {
    /// `(reused, compiled)` functions since the last call.
    pub fn take_counts(&self) -> (u64, u64) {
        let lookups = self.lookups.swap(0, Ordering::Relaxed);
        let hits = self.hits.swap(0, Ordering::Relaxed);
        (hits, lookups.saturating_sub(hits))
    }
}

impl wasmtime::CacheStore for FunctionCache {
    fn get(&self, key: &[u8]) -> Option<Cow<'_, [u8]>> {
        self.lookups.fetch_add(1, Ordering::Relaxed);
        let map = self.functions.lock().ok()?;
        let found = map.get(key).map(|v| Cow::Owned(v.clone()));
        if found.is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        found
    }

    fn insert(&self, key: &[u8], value: Vec<u8>) -> bool {
        self.functions.lock().map(|mut map| map.insert(key.to_vec(), value)).is_ok()
    }
}

/// Compiles bundles with a function cache per back end.
#[derive(Default)]
pub struct Compiler {
    caches: HashMap<EngineKind, Arc<FunctionCache>>,
    last_counts: (u64, u64),
}

impl Compiler {
    /// Compiles `wasm` for `engine`, reusing what earlier compiles for it made.
    pub fn compile(&mut self, wasm: &[u8], engine: EngineKind) -> Result<(Compiled, Duration), String> {
        let cache = self.caches.entry(engine).or_default().clone();
        let started = Instant::now();
        let compiled = Compiled::new_incremental(wasm, engine, CALL_TIMEOUT, cache.clone())
            .map_err(|e| e.to_string())?;
        self.last_counts = cache.take_counts();
        Ok((compiled, started.elapsed()))
    }

    /// `wasm` compiled for `engine` as a [`ReloadEvent`]: ready to swap in, or why not.
    fn ready(
        &mut self,
        wasm: &[u8],
        engine: EngineKind,
        edited: Option<Instant>,
        build: Duration,
    ) -> ReloadEvent {
        match self.compile(wasm, engine) {
            Ok((compiled, compile)) => ReloadEvent::Ready(Box::new(Ready {
                compiled,
                engine,
                edited,
                build,
                compile,
                functions: self.last_counts,
            })),
            Err(message) => ReloadEvent::Failed { message },
        }
    }
}

/// The watcher and the reload thread.
pub struct Reloader {
    jobs: Sender<Job>,
    events: Receiver<ReloadEvent>,
    _watcher: Option<notify::RecommendedWatcher>,
    _thread: JoinHandle<()>,
}

impl Reloader {
    /// Starts the reload thread with the bundle already built (`wasm`) and its compiler; with
    /// `watch`, a watcher on the workspace's sources starts rebuilds.
    pub fn start(
        builder: BundleBuilder,
        wasm: Vec<u8>,
        compiler: Compiler,
        engine: EngineKind,
        watch: bool,
    ) -> Result<Self, String> {
        let (jobs, job_queue) = channel();
        let (report, events) = channel();
        let watcher = if watch { Some(watch_sources(&builder.workspace, jobs.clone())?) } else { None };
        let thread = std::thread::Builder::new()
            .name("preview-reload".into())
            .spawn(move || reload_loop(builder, wasm, compiler, engine, &job_queue, &report))
            .map_err(|e| format!("cannot start the reload thread: {e}"))?;
        Ok(Self { jobs, events, _watcher: watcher, _thread: thread })
    }

    /// Asks for the last good bundle compiled for `engine` (a [`ReloadEvent::Ready`] follows).
    pub fn recompile(&self, engine: EngineKind) {
        let _ = self.jobs.send(Job::Recompile(engine));
    }

    /// Tells the thread a source changed now (what the watcher does; tests and tools that
    /// write files without a watcher call it).
    pub fn changed(&self) {
        let _ = self.jobs.send(Job::Changed(Instant::now()));
    }

    /// The next event, if one is waiting.
    pub fn poll(&self) -> Option<ReloadEvent> {
        self.events.try_recv().ok()
    }
}

/// Watches the workspace recursively; a change to a source sends [`Job::Changed`].
fn watch_sources(workspace: &Path, jobs: Sender<Job>) -> Result<notify::RecommendedWatcher, String> {
    let root = workspace.to_owned();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        let relevant = matches!(
            event.kind,
            notify::EventKind::Create(_) | notify::EventKind::Modify(_) | notify::EventKind::Remove(_)
        );
        if relevant && event.paths.iter().any(|p| is_source(&root, p)) {
            let _ = jobs.send(Job::Changed(Instant::now()));
        }
    })
    .map_err(|e| format!("cannot watch the sources: {e}"))?;
    // The workspace's members, not its target directory (builds write there all the time).
    let entries =
        std::fs::read_dir(workspace).map_err(|e| format!("cannot read {}: {e}", workspace.display()))?;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let mode = if path.is_dir() { RecursiveMode::Recursive } else { RecursiveMode::NonRecursive };
        if path.is_dir() || is_source(workspace, &path) {
            watcher.watch(&path, mode).map_err(|e| format!("cannot watch {}: {e}", path.display()))?;
        }
    }
    Ok(watcher)
}

fn reload_loop(
    builder: BundleBuilder,
    mut good: Vec<u8>,
    mut compiler: Compiler,
    mut engine: EngineKind,
    jobs: &Receiver<Job>,
    report: &Sender<ReloadEvent>,
) {
    while let Ok(job) = jobs.recv() {
        let edited = match job {
            Job::Recompile(kind) => {
                engine = kind;
                if report.send(compiler.ready(&good, engine, None, Duration::ZERO)).is_err() {
                    return;
                }
                continue;
            }
            Job::Changed(at) => at,
        };
        // Let the save finish, then take every change queued meanwhile (and any profile
        // switch: the build compiles for it).
        std::thread::sleep(SETTLE);
        while let Ok(job) = jobs.try_recv() {
            if let Job::Recompile(kind) = job {
                engine = kind;
            }
        }
        if report.send(ReloadEvent::Building).is_err() {
            return;
        }
        let event = match builder.build() {
            Ok(built) => {
                let event = compiler.ready(&built.wasm, engine, Some(edited), built.duration);
                if matches!(event, ReloadEvent::Ready(_)) {
                    good = built.wasm;
                }
                event
            }
            Err(error) => ReloadEvent::Failed { message: error.message() },
        };
        if report.send(event).is_err() {
            return;
        }
    }
}
