//! `touchline-desktop run --manifest URL`: the device's launch, on the desktop. Delivery
//! ([`crate::delivery`]) picks a verified bundle; this starts it from a precompiled module
//! when the cache has one (a warm start compiles nothing), falls back to the previous good
//! bundle when it does not start, and, as the session's [`SourceGuard`], demotes it when it
//! keeps trapping at start-up and marks it good once it has run.

use crate::HostError;
use crate::bundle::{Bundle, BundleOptions, Compiled, EngineKind};
use crate::delivery::cache::ModuleKey;
use crate::delivery::{Delivery, Launch, NoBundle, Source, TrapOutcome};
use crate::frame_source::FrameSource;
use crate::session::SourceGuard;

/// Names precompiled modules: another host build never loads this one's.
pub const HOST_VERSION: &str = concat!("desktop-", env!("CARGO_PKG_VERSION"), "-wasmtime48");

/// How the module of the running bundle was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModuleSource {
    /// Compiled now (and stored for the next launch).
    Compiled,
    /// Loaded from the cache's precompiled modules.
    Cached,
}

impl ModuleSource {
    fn name(self) -> &'static str {
        match self {
            ModuleSource::Compiled => "compiled",
            ModuleSource::Cached => "cached",
        }
    }
}

/// A delivered bundle, running: what the session asks when it misbehaves.
pub struct DeliveredRun {
    delivery: Delivery,
    current: Launch,
    options: BundleOptions,
    module: ModuleSource,
}

/// Why a delivered launch could not start anything.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    /// Delivery failed and the cache has no good bundle (exit code 1).
    #[error(transparent)]
    NoBundle(#[from] NoBundle),
}

fn engine_name(engine: EngineKind) -> &'static str {
    match engine {
        EngineKind::Cranelift => "cranelift",
        EngineKind::Pulley => "pulley",
    }
}

impl DeliveredRun {
    /// Launches: delivery, then the first bundle that starts (printing every `delivery:` line).
    pub fn start(delivery: Delivery, options: BundleOptions) -> Result<(Self, Bundle), LaunchError> {
        let mut launch = delivery.launch().inspect_err(print_lines)?;
        print_lines_of(&launch);
        loop {
            match start_bundle(&delivery, &launch, options) {
                Ok((bundle, module)) => {
                    let run = Self { delivery, current: launch, options, module };
                    return Ok((run, bundle));
                }
                Err(detail) => {
                    launch =
                        delivery.fallback_after_start_failure(&launch, &detail).inspect_err(print_lines)?;
                    print_lines_of(&launch);
                }
            }
        }
    }

    /// The launch running now.
    pub fn current(&self) -> &Launch {
        &self.current
    }

    /// Whether its module was compiled or loaded precompiled.
    pub fn module_source(&self) -> ModuleSource {
        self.module
    }
}

impl SourceGuard for DeliveredRun {
    fn startup_trap(&mut self) -> Result<Option<Box<dyn FrameSource>>, HostError> {
        let outcome = self
            .delivery
            .record_startup_trap(&self.current)
            .map_err(|e| HostError::Source(format!("the delivery cache: {e}")))?;
        let TrapOutcome::Demoted { next, .. } = outcome else { return Ok(None) };
        let mut next = (*next).inspect_err(print_lines).map_err(|e| HostError::StartupTraps {
            count: crate::session::MAX_STARTUP_TRAPS,
            last: e.to_string(),
        })?;
        print_lines_of(&next);
        loop {
            match start_bundle(&self.delivery, &next, self.options) {
                Ok((bundle, module)) => {
                    self.current = next;
                    self.module = module;
                    return Ok(Some(Box::new(bundle)));
                }
                Err(detail) => {
                    next = self
                        .delivery
                        .fallback_after_start_failure(&next, &detail)
                        .inspect_err(print_lines)
                        .map_err(|e| HostError::Source(e.to_string()))?;
                    print_lines_of(&next);
                }
            }
        }
    }

    fn started(&mut self) {
        if let Err(e) = self.delivery.mark_good(&self.current) {
            eprintln!("warning: the delivery cache: {e}");
        }
    }

    fn summary(&self) -> String {
        let source = match self.current.source {
            Source::Network => "network",
            Source::Cache => "cache",
            Source::Fallback { .. } => "fallback",
        };
        format!(" bundle_source={source} module={} version={}", self.module.name(), self.current.version)
    }
}

/// Starts `launch`'s bundle, from the precompiled module when the cache has a good one. The
/// error is the `DETAIL` of a `bundle does not start` failure.
fn start_bundle(
    delivery: &Delivery,
    launch: &Launch,
    options: BundleOptions,
) -> Result<(Bundle, ModuleSource), String> {
    let cache = delivery.cache();
    let engine = engine_name(options.engine);
    let packed = (u32::from(launch.abi.major) << 16) | u32::from(launch.abi.minor);
    let options = BundleOptions { expected_abi: Some(packed), ..options };
    let precompiled = cache
        .checked_module(&launch.sha256, engine, HOST_VERSION)
        .and_then(|path| Compiled::deserialize_file(&path, options.engine, options.call_timeout).ok());
    let key = ModuleKey { sha256: &launch.sha256, engine, host_version: HOST_VERSION };
    let (compiled, module) = match precompiled {
        Some(compiled) => (compiled, ModuleSource::Cached),
        None => {
            let compiled = Compiled::new(&launch.bundle, options.engine, options.call_timeout)
                .map_err(|e| e.to_string())?;
            match compiled.serialize() {
                Ok(bytes) => {
                    if let Err(e) = cache.store_module(&launch.sha256, engine, HOST_VERSION, &bytes) {
                        eprintln!("warning: cannot keep the compiled module: {e}");
                    }
                }
                Err(e) => eprintln!("warning: cannot serialize the compiled module: {e}"),
            }
            (compiled, ModuleSource::Compiled)
        }
    };
    // A snapshot only with the module it was made by (a recompiled module starts afresh).
    let snapshot = (module == ModuleSource::Cached && options.startup_snapshots)
        .then(|| cache.load_snapshot(&key, options.width, options.height))
        .flatten();
    let bundle =
        Bundle::from_compiled_and_snapshot(compiled, options, snapshot).map_err(|e| e.to_string())?;
    if !bundle.timings().init_from_snapshot
        && let Some(image) = bundle.startup_snapshot()
        && let Err(e) = cache.store_snapshot(&key, options.width, options.height, image)
    {
        eprintln!("warning: cannot keep the start-up snapshot: {e}");
    }
    Ok((bundle, module))
}

fn print_lines_of(launch: &Launch) {
    for line in &launch.lines {
        println!("{line}");
    }
}

fn print_lines(failure: &NoBundle) {
    for line in &failure.lines {
        println!("{line}");
    }
}
