//! `touchline-desktop soak`: many scripted key presses through the app with a crash injected
//! at a fixed period, sampling the host's resident memory and the bundle's linear memory, to
//! show that neither grows after warm-up and that every crash is recovered.
//!
//! ```text
//! touchline-desktop soak target/wasm32-wasip1/bundle-faults/touchline_pages.wasm \
//!     --keys 100000 --crash-every 1000
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;
use touchline_abi::{Event, Key};

use crate::HostError;
use crate::bundle::{Bundle, BundleOptions, EngineKind};
use crate::session::{InjectedFault, RunOptions, Session, virtual_time_us};

/// `touchline-desktop soak`'s flags.
#[derive(Args, Debug, Clone)]
pub struct SoakArgs {
    /// A bundle built with `--features fault-injection` (`--profile bundle-faults`).
    pub bundle: PathBuf,
    /// Key presses to make (one per frame).
    #[arg(long, default_value_t = 100_000)]
    pub keys: u64,
    /// A panic is injected every this many key presses (0: never).
    #[arg(long, default_value_t = 1000)]
    pub crash_every: u64,
    /// Viewport.
    #[arg(long, value_parser = crate::cli::parse_size, default_value = "1280x720")]
    pub size: (u32, u32),
    /// Wasm back end.
    #[arg(long, value_enum, default_value_t = EngineKind::Cranelift)]
    pub engine: EngineKind,
    /// Growth allowed after warm-up, MiB, for the host's RSS and the bundle's memory each.
    #[arg(long, default_value_t = 8)]
    pub max_growth_mb: u64,
}

/// What a soak measured.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SoakReport {
    /// Frames (= key presses) run.
    pub frames: u64,
    /// Faults injected.
    pub injected: u64,
    /// Traps recovered.
    pub recovered: u64,
    /// Host RSS after warm-up (the first tenth), bytes.
    pub rss_warm: usize,
    /// Highest host RSS after warm-up, bytes.
    pub rss_max: usize,
    /// Bundle linear memory after warm-up, bytes.
    pub bundle_warm: usize,
    /// Highest bundle linear memory after warm-up, bytes.
    pub bundle_max: usize,
    /// Slowest recovery (trap to the next frame on screen), ms.
    pub recovery_ms_max: f64,
    /// Mean recovery, ms.
    pub recovery_ms_mean: f64,
    /// Wall time.
    pub elapsed: Duration,
}

impl SoakReport {
    /// Host RSS growth after warm-up, bytes.
    pub fn rss_growth(&self) -> usize {
        self.rss_max.saturating_sub(self.rss_warm)
    }

    /// Bundle memory growth after warm-up, bytes.
    pub fn bundle_growth(&self) -> usize {
        self.bundle_max.saturating_sub(self.bundle_warm)
    }
}

/// The key script: around the profiles, into one and back, over and over.
const WALK: [Key; 10] = [
    Key::Right,
    Key::Right,
    Key::Right,
    Key::Left,
    Key::Select,
    Key::Back,
    Key::Left,
    Key::Down,
    Key::Up,
    Key::Left,
];

/// The host's resident set, from `/proc/self/statm` (0 where there is none).
pub fn resident_bytes() -> usize {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|statm| statm.split_whitespace().nth(1).and_then(|pages| pages.parse::<usize>().ok()))
        .map_or(0, |pages| pages * 4096)
}

/// Runs the soak over a started session (recovery on, the fault period in its options).
pub fn soak(session: &mut Session, keys: u64, crash_every: u64) -> Result<SoakReport, HostError> {
    let started = Instant::now();
    let warm_up = keys / 10;
    let mut report = SoakReport::default();
    for index in 0..keys {
        let key = WALK[(index % WALK.len() as u64) as usize];
        let events = [Event::key_down(key), Event::key_up(key)];
        session.step(virtual_time_us(index), &events)?;
        if index >= warm_up && index % 100 == 0 {
            let rss = resident_bytes();
            let bundle = session.source_memory_bytes().unwrap_or(0);
            if report.rss_warm == 0 {
                report.rss_warm = rss;
                report.bundle_warm = bundle;
            }
            report.rss_max = report.rss_max.max(rss);
            report.bundle_max = report.bundle_max.max(bundle);
        }
    }
    report.frames = keys;
    report.injected = (keys - 1).checked_div(crash_every).unwrap_or(0);
    let recoveries: Vec<f64> =
        session.crashes().iter().map(|c| c.recovery_ms).filter(|ms| ms.is_finite()).collect();
    report.recovered = recoveries.len() as u64;
    report.recovery_ms_max = recoveries.iter().copied().fold(0.0, f64::max);
    report.recovery_ms_mean =
        if recoveries.is_empty() { 0.0 } else { recoveries.iter().sum::<f64>() / recoveries.len() as f64 };
    report.elapsed = started.elapsed();
    Ok(report)
}

/// A session over `bundle` set up for a soak: headless, quiet, recovering, a panic every
/// `crash_every` frames.
pub fn soak_session(bundle: Bundle, size: (u32, u32), crash_every: u64) -> Result<Session, HostError> {
    let faults = if crash_every == 0 {
        Vec::new()
    } else {
        vec![InjectedFault { fault: "panic".into(), frame: crash_every, every: Some(crash_every) }]
    };
    let options =
        RunOptions { headless: true, quiet: true, size, recover: true, faults, ..RunOptions::default() };
    Session::new(Box::new(bundle), options, Instant::now())
}

/// `touchline-desktop soak`: prints the figures; exit 0 when every crash was recovered and
/// neither memory grew past the allowance after warm-up, else 1.
pub fn run(args: &SoakArgs) -> ExitCode {
    let options = BundleOptions {
        width: args.size.0,
        height: args.size.1,
        engine: args.engine,
        ..BundleOptions::default()
    };
    let result = Bundle::load(&args.bundle, options)
        .and_then(|bundle| soak_session(bundle, args.size, args.crash_every))
        .and_then(|mut session| soak(&mut session, args.keys, args.crash_every));
    let report = match result {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let mib = |bytes: usize| bytes as f64 / (1024.0 * 1024.0);
    println!(
        "soak: keys={} injected={} recovered={} recovery_ms_mean={:.1} recovery_ms_max={:.1} \
         rss_warm_mib={:.1} rss_max_mib={:.1} bundle_warm_mib={:.1} bundle_max_mib={:.1} elapsed_s={:.1}",
        report.frames,
        report.injected,
        report.recovered,
        report.recovery_ms_mean,
        report.recovery_ms_max,
        mib(report.rss_warm),
        mib(report.rss_max),
        mib(report.bundle_warm),
        mib(report.bundle_max),
        report.elapsed.as_secs_f64()
    );
    let allowance = (args.max_growth_mb as usize) << 20;
    let ok = report.recovered == report.injected
        && report.rss_growth() <= allowance
        && report.bundle_growth() <= allowance;
    ExitCode::from(if ok { 0 } else { 1 })
}
