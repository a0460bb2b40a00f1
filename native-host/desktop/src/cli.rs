//! The command line, as `docs/host-abi.md` specifies it:
//!
//! ```text
//! touchline-desktop run BUNDLE.wasm [--headless] [--size WxH] [--keys right,right,enter]
//!     [--key-interval N] [--frames N] [--screenshot out.png] [--dump-display-list DIR]
//!     [--quiet] [--assets DIR] [--engine cranelift|pulley]
//! touchline-desktop bench BENCH.wasm [--engine cranelift|pulley] [--iterations N] [--quick]
//! ```
//!
//! and the same flags, minus the bundle, for natively compiled apps ([`run_native`]).
//! Exit codes: 0 success, 1 the bundle cannot be used, 2 bad command line, 3 a frame failed.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};
use touchline_abi::Key;

use crate::bundle::{Bundle, BundleOptions, EngineKind};
use crate::frame_source::FrameSource;
use crate::session::{EXIT_UNUSABLE, EXIT_USAGE, RunOptions, Session};
use crate::{HostError, window};

/// The flags every run takes.
#[derive(Args, Clone, Debug, PartialEq, Eq)]
pub struct CommonArgs {
    /// No window (the default when neither DISPLAY nor WAYLAND_DISPLAY is set).
    #[arg(long)]
    pub headless: bool,
    /// Viewport size.
    #[arg(long, value_name = "WxH", value_parser = parse_size, default_value = "1920x1080")]
    pub size: (u32, u32),
    /// Key script, e.g. `right,right,enter`.
    #[arg(long, value_name = "KEYS", value_delimiter = ',', value_parser = parse_key)]
    pub keys: Vec<Key>,
    /// Frames between scripted keys.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub key_interval: u32,
    /// Frames to run (headless default: 2 + keys × interval; a window closes itself after N).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub frames: Option<u32>,
    /// PNG of the last frame (window mode: read back from the window).
    #[arg(long, value_name = "PNG")]
    pub screenshot: Option<PathBuf>,
    /// Write DIR/frame-NNNN.tldl, the exact bytes of each frame's display list.
    #[arg(long = "dump-display-list", value_name = "DIR")]
    pub dump_dir: Option<PathBuf>,
    /// No per-frame lines.
    #[arg(long)]
    pub quiet: bool,
    /// Where relative image and fetch URLs resolve (`images/crest.png` is DIR/images/crest.png).
    #[arg(long, value_name = "DIR", default_value = "assets")]
    pub assets: PathBuf,
}

impl CommonArgs {
    /// As [`RunOptions`]; `headless` is also set when there is no display.
    pub fn options(&self) -> RunOptions {
        RunOptions {
            headless: self.headless || RunOptions::no_display(),
            size: self.size,
            keys: self.keys.clone(),
            key_interval: self.key_interval,
            frames: self.frames,
            screenshot: self.screenshot.clone(),
            dump_dir: self.dump_dir.clone(),
            quiet: self.quiet,
            assets: self.assets.clone(),
        }
    }
}

#[derive(Parser, Debug)]
#[command(
    name = "touchline-desktop",
    version,
    about = "Touchline's desktop host: runs a bundle in a window or headless."
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Run a bundle (a wasm32-wasip1 reactor module).
    Run(RunArgs),
    /// Run the engine benchmarks of a bench module (`touchline-bench` built for wasm32-wasip1)
    /// and print each figure against its target.
    Bench(crate::bench::BenchArgs),
}

#[derive(Args, Debug)]
struct RunArgs {
    /// The bundle, e.g. target/wasm32-wasip1/release/touchline_pages.wasm.
    bundle: PathBuf,
    /// Wasm back end.
    #[arg(long, value_enum, default_value_t = EngineKind::Cranelift)]
    engine: EngineKind,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Parser, Debug)]
#[command(about = "A Touchline app, run natively by the desktop host.")]
struct NativeCli {
    #[command(flatten)]
    common: CommonArgs,
}

/// Parses `WxH`.
pub fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(|| format!("`{s}` is not WxH, e.g. 1920x1080"))?;
    let side = |v: &str| match v.trim().parse::<u32>() {
        Ok(n) if (1..=16384).contains(&n) => Ok(n),
        _ => Err(format!("`{s}`: each side must be 1 to 16384 pixels")),
    };
    Ok((side(w)?, side(h)?))
}

/// Parses a key name as `Key::from_name` spells it (case-insensitive).
pub fn parse_key(s: &str) -> Result<Key, String> {
    Key::from_name(&s.trim().to_ascii_lowercase()).ok_or_else(|| {
        format!("unknown key `{s}` (up, down, left, right, enter/select/ok, back, play, inspector)")
    })
}

/// Runs `touchline-desktop` with `args` (the first item is the program name).
pub fn run_cli(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> ExitCode {
    let launch = Instant::now();
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    let run = match cli.command {
        Cmd::Run(run) => run,
        Cmd::Bench(bench) => return crate::bench::run(&bench),
    };
    let options = run.common.options();
    let bundle_options = BundleOptions {
        width: options.size.0,
        height: options.size.1,
        engine: run.engine,
        ..BundleOptions::default()
    };
    let bundle = match Bundle::load(&run.bundle, bundle_options) {
        Ok(bundle) => bundle,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(if e.is_load_error() { EXIT_UNUSABLE } else { EXIT_USAGE });
        }
    };
    run_session(Box::new(bundle), options, launch)
}

/// Runs a natively compiled app with the host's flags (all of `run`'s but the bundle path and
/// `--engine`); what examples call from `main`:
///
/// ```no_run
/// # use touchline_desktop::{FrameSource, HostError};
/// # fn app(w: u32, h: u32) -> Box<dyn FrameSource> { unimplemented!() }
/// fn main() -> std::process::ExitCode {
///     touchline_desktop::run_native_with(|w, h| Ok(app(w, h)), std::env::args())
/// }
/// ```
///
/// `make` builds the source for the `--size` viewport (default 1920x1080). `args` may start
/// with the program name (as `std::env::args()` does) or directly with the flags.
pub fn run_native_with<F>(make: F, args: impl IntoIterator<Item = String>) -> ExitCode
where
    F: FnOnce(u32, u32) -> Result<Box<dyn FrameSource>, HostError>,
{
    let launch = Instant::now();
    let options = match parse_native(args) {
        Ok(options) => options,
        Err(code) => return code,
    };
    match make(options.size.0, options.size.1) {
        Ok(source) => run_session(source, options, launch),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_UNUSABLE)
        }
    }
}

/// Like [`run_native_with`] for a source that is already built: its viewport is the size,
/// and a `--size` that disagrees with it is a command-line error (exit 2).
pub fn run_native(source: Box<dyn FrameSource>, args: impl IntoIterator<Item = String>) -> ExitCode {
    let launch = Instant::now();
    let viewport = source.viewport();
    let mut args: Vec<String> = args.into_iter().collect();
    let size_given = args.iter().any(|a| a == "--size" || a.starts_with("--size="));
    if !size_given {
        let program = if args.first().is_some_and(|a| !a.starts_with('-')) { 1 } else { 0 };
        args.insert(program, format!("--size={}x{}", viewport.0, viewport.1));
    }
    let options = match parse_native(args) {
        Ok(options) => options,
        Err(code) => return code,
    };
    if options.size != viewport {
        eprintln!(
            "error: --size {}x{} differs from the app's viewport {}x{}; build the app with run_native_with \
             to honour --size",
            options.size.0, options.size.1, viewport.0, viewport.1
        );
        return ExitCode::from(EXIT_USAGE);
    }
    run_session(source, options, launch)
}

fn parse_native(args: impl IntoIterator<Item = String>) -> Result<RunOptions, ExitCode> {
    let mut args: Vec<String> = args.into_iter().collect();
    if args.first().is_none_or(|a| a.starts_with('-')) {
        args.insert(0, "touchline-app".to_string());
    }
    match NativeCli::try_parse_from(args) {
        Ok(cli) => Ok(cli.common.options()),
        Err(e) => Err(clap_exit(&e)),
    }
}

/// Runs a source in a window, or headless when asked or when no window can be opened.
pub fn run_session(source: Box<dyn FrameSource>, options: RunOptions, launch: Instant) -> ExitCode {
    let headless = options.headless;
    let mut session = match Session::new(source, options, launch) {
        Ok(session) => session,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if headless {
        return session.run_headless();
    }
    match window::run_window(session) {
        Ok(code) => code,
        Err((mut session, e)) => {
            eprintln!("warning: no window ({e}); running headless");
            session.run_headless()
        }
    }
}

fn clap_exit(e: &clap::Error) -> ExitCode {
    let _ = e.print();
    ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { 0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_run_flags() {
        let cli = Cli::try_parse_from([
            "touchline-desktop",
            "run",
            "b.wasm",
            "--headless",
            "--size",
            "1280x720",
            "--keys",
            "right,Right,enter",
            "--key-interval",
            "4",
            "--frames",
            "9",
            "--screenshot",
            "o.png",
            "--dump-display-list",
            "d",
            "--quiet",
            "--assets",
            "res",
            "--engine",
            "pulley",
        ])
        .expect("valid command line");
        let Cmd::Run(run) = cli.command else { panic!("a run command") };
        assert_eq!(run.bundle, PathBuf::from("b.wasm"));
        assert_eq!(run.engine, EngineKind::Pulley);
        let o = run.common.options();
        assert!(o.headless && o.quiet);
        assert_eq!(o.size, (1280, 720));
        assert_eq!(o.keys, vec![Key::Right, Key::Right, Key::Select]);
        assert_eq!((o.key_interval, o.frames), (4, Some(9)));
        assert_eq!(o.screenshot, Some(PathBuf::from("o.png")));
        assert_eq!(o.dump_dir, Some(PathBuf::from("d")));
        assert_eq!(o.assets, PathBuf::from("res"));
        let default = Cli::try_parse_from(["t", "run", "b.wasm"]).expect("valid");
        let Cmd::Run(run) = default.command else { panic!("a run command") };
        assert_eq!(run.common.options().assets, PathBuf::from("assets"), "the default asset root");
    }

    #[test]
    fn rejects_bad_flags() {
        for bad in [
            vec!["t", "run", "b.wasm", "--size", "12"],
            vec!["t", "run", "b.wasm", "--size", "0x10"],
            vec!["t", "run", "b.wasm", "--keys", "right,jump"],
            vec!["t", "run", "b.wasm", "--key-interval", "0"],
            vec!["t", "run", "b.wasm", "--frames", "0"],
            vec!["t", "run", "b.wasm", "--engine", "v8"],
            vec!["t", "run"],
            vec!["t", "run", "b.wasm", "--bogus"],
        ] {
            let e = Cli::try_parse_from(&bad).expect_err("should be rejected");
            assert!(e.use_stderr(), "{bad:?}");
        }
    }

    #[test]
    fn native_args_with_or_without_program_name() {
        let a = parse_native(["--headless".to_string(), "--frames=3".to_string()]).expect("flags only");
        let b = parse_native(["app".to_string(), "--headless".to_string(), "--frames=3".to_string()])
            .expect("program name first");
        assert_eq!(a, b);
        assert_eq!(a.frames, Some(3));
        let c = parse_native(["--assets=art".to_string()]).expect("--assets");
        assert_eq!(c.assets, PathBuf::from("art"));
    }
}
