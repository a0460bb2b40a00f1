//! The command line, as `docs/host-abi.md` specifies it:
//!
//! ```text
//! touchline-desktop run BUNDLE.wasm [--headless] [--size WxH] [--keys right,right,enter]
//!     [--key-interval N] [--frames N] [--screenshot out.png] [--dump-display-list DIR]
//!     [--quiet] [--assets DIR|URL] [--engine cranelift|pulley]
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
    /// Where relative image, fetch and video URLs resolve: a directory (`images/crest.png` is
    /// DIR/images/crest.png) or an http(s) URL (URL/images/crest.png, fetched). Default:
    /// `assets`; with --manifest, the release's assets when its manifest names them.
    #[arg(long, value_name = "DIR|URL", value_parser = parse_assets)]
    pub assets: Option<AssetsArg>,
}

/// `--assets`: a directory or an `http(s)://` URL (ending in `/`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssetsArg {
    /// A directory.
    Dir(PathBuf),
    /// A URL, with its `/` appended.
    Url(String),
}

/// Parses `--assets`: an `http://` or `https://` URL (checked as a fetch URL; a `/` appended
/// when missing), else a directory.
pub fn parse_assets(s: &str) -> Result<AssetsArg, String> {
    if crate::fetch::is_http(s) {
        return crate::fetch::asset_root_url(s)
            .map(AssetsArg::Url)
            .ok_or_else(|| format!("`{s}` is not a usable URL (printable ASCII, with a host)"));
    }
    if s.is_empty() {
        return Err("the asset directory is empty".into());
    }
    Ok(AssetsArg::Dir(PathBuf::from(s)))
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
            assets: match &self.assets {
                Some(AssetsArg::Dir(dir)) => dir.clone(),
                _ => PathBuf::from("assets"),
            },
            assets_url: match &self.assets {
                Some(AssetsArg::Url(url)) => Some(url.clone()),
                _ => None,
            },
            recover: false,
            faults: Vec::new(),
            storage: None,
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
    Run(Box<RunArgs>),
    /// Run the engine benchmarks of a bench module (`touchline-bench` built for wasm32-wasip1)
    /// and print each figure against its target.
    Bench(crate::bench::BenchArgs),
    /// Press keys through a fault-injection bundle for a long time with a crash at a fixed
    /// period; print recovery and memory figures (exit 1 if memory grew or a crash was not
    /// recovered).
    Soak(crate::soak::SoakArgs),
    /// Preview every page and component example as you edit it: builds the preview bundle,
    /// shows a searchable picker, rebuilds and swaps the bundle when a source changes
    /// (docs/designers.md). F2 switches the device profile.
    Preview(Box<PreviewArgs>),
}

#[derive(Args, Debug)]
struct PreviewArgs {
    /// The workspace to build and watch (default: the one around the current directory).
    #[arg(long, value_name = "DIR")]
    workspace: Option<PathBuf>,
    /// The device shown (its size and back end; `--size` is ignored).
    #[arg(long, value_enum, default_value_t = crate::preview::DeviceProfile::FullHd)]
    profile: crate::preview::DeviceProfile,
    /// Open this preview (its name in the picker, e.g. `Home`) instead of the picker.
    #[arg(long, value_name = "NAME")]
    page: Option<String>,
    /// Run this preview bundle (`target/wasm32-wasip1/preview/touchline_preview.wasm`) instead
    /// of building one; nothing is rebuilt.
    #[arg(long, value_name = "WASM")]
    bundle: Option<PathBuf>,
    /// Print every preview (kind, name, where it is registered) and exit.
    #[arg(long)]
    list: bool,
    /// Do not rebuild when a source changes (headless runs never do).
    #[arg(long)]
    no_watch: bool,
    /// Show the TV safe areas (action-safe 5%, title-safe 10%) over the page (F3 toggles).
    #[arg(long)]
    guides: bool,
    /// Show each key pressed, bottom right (default in a window; F4 toggles).
    #[arg(long)]
    remote_overlay: bool,
    /// Pick mode at a point (viewport pixels): name the component there and where it is
    /// written, and outline it (in a window, F5 and the pointer do this).
    #[arg(long, value_name = "X,Y", value_parser = parse_point)]
    pick: Option<(f32, f32)>,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args, Debug)]
struct RunArgs {
    /// The bundle, e.g. target/wasm32-wasip1/bundle/touchline_pages.wasm (or `--manifest`).
    #[arg(required_unless_present = "manifest", conflicts_with = "manifest")]
    bundle: Option<PathBuf>,
    /// Launch like a device: fetch and verify the release this manifest names
    /// (docs/delivery.md), run it from the cache, fall back to the last good one. Implies
    /// `--recover`.
    #[arg(long, value_name = "URL")]
    manifest: Option<String>,
    /// The delivery cache (with `--manifest`).
    #[arg(long, value_name = "DIR", requires = "manifest")]
    cache: Option<PathBuf>,
    /// The release signing key to trust instead of the built-in development key (64 hex).
    #[arg(long, value_name = "HEX", requires = "manifest")]
    public_key: Option<String>,
    /// Total time for each download (with `--manifest`).
    #[arg(long, value_name = "MS", requires = "manifest")]
    download_timeout_ms: Option<u64>,
    /// The legacy JS to run beside the bundle (with `--manifest`: the release's, unless given).
    #[arg(long, value_name = "FILE")]
    legacy_js: Option<PathBuf>,
    /// Where the legacy JS sends its reports (`host.config.collectorUrl`).
    #[arg(long, value_name = "URL")]
    collector: Option<String>,
    /// Wasm back end.
    #[arg(long, value_enum, default_value_t = EngineKind::Cranelift)]
    engine: EngineKind,
    /// After a trap, restart the bundle and restore its saved page stack and focus (instead
    /// of stopping with exit code 3).
    #[arg(long)]
    recover: bool,
    /// Make a `fault-injection` test bundle fail: `panic@FRAME`, `loop@FRAME`, `oom@FRAME`,
    /// or `KIND@FRAME/EVERY` to repeat. May be given many times.
    #[arg(long = "inject-fault", value_name = "KIND@FRAME")]
    faults: Vec<crate::session::InjectedFault>,
    /// The longest one frame may run before the watchdog interrupts it (a trap).
    #[arg(long, value_name = "MS", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    frame_budget_ms: u64,
    /// The most linear memory the bundle may have (MiB); growing past it fails.
    #[arg(long, value_name = "MIB", default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=4096))]
    memory_limit_mb: u64,
    /// Keep the app's storage area in this file between runs (with --manifest the default is
    /// CACHE/storage/app.json).
    #[arg(long, value_name = "FILE")]
    storage: Option<PathBuf>,
    /// Initialise every instance (by default restarts, and warm starts from the cache, copy in
    /// the memory the first `touchline_init` left).
    #[arg(long)]
    no_startup_snapshot: bool,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Parser, Debug)]
#[command(about = "A Touchline app, run natively by the desktop host.")]
struct NativeCli {
    #[command(flatten)]
    common: CommonArgs,
}

/// Parses `X,Y`.
fn parse_point(s: &str) -> Result<(f32, f32), String> {
    let (x, y) = s.split_once(',').ok_or_else(|| format!("`{s}` is not X,Y, e.g. 960,540"))?;
    let coordinate = |v: &str| v.trim().parse::<f32>().ok().filter(|v| v.is_finite() && *v >= 0.0);
    match (coordinate(x), coordinate(y)) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ => Err(format!("`{s}`: X and Y are pixels from the top left")),
    }
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
        Cmd::Soak(soak) => return crate::soak::run(&soak),
        Cmd::Preview(preview) => return run_preview(&preview),
    };
    let mut options = run.common.options();
    options.recover = run.recover || run.manifest.is_some();
    options.faults = run.faults.clone();
    options.storage = run.storage.clone().or_else(|| {
        run.manifest
            .as_ref()
            .map(|_| crate::delivery::cache_dir(run.cache.as_deref()).join("storage").join("app.json"))
    });
    let bundle_options = BundleOptions {
        width: options.size.0,
        height: options.size.1,
        engine: run.engine,
        frame_budget: std::time::Duration::from_millis(run.frame_budget_ms),
        memory_limit: (run.memory_limit_mb as usize) << 20,
        startup_snapshots: !run.no_startup_snapshot,
        ..BundleOptions::default()
    };
    let (source, guard, delivered_js): (Box<dyn FrameSource>, Option<crate::launch::DeliveredRun>, _) =
        match (&run.manifest, &run.bundle) {
            (Some(url), _) => match delivered(url, &run, bundle_options) {
                Ok((run, bundle)) => {
                    let js = run.current().legacy_js.clone();
                    (Box::new(bundle), Some(run), js)
                }
                Err(code) => return code,
            },
            (None, Some(path)) => match Bundle::load(path, bundle_options) {
                Ok(bundle) => (Box::new(bundle), None, None),
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(if e.is_load_error() { EXIT_UNUSABLE } else { EXIT_USAGE });
                }
            },
            (None, None) => return ExitCode::from(EXIT_USAGE),
        };
    let js_source = match &run.legacy_js {
        Some(path) => match std::fs::read(path) {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                return ExitCode::from(EXIT_USAGE);
            }
        },
        None => delivered_js,
    };
    // A delivered run without --assets takes the release's assets (the manifest's `assets`).
    if run.common.assets.is_none()
        && let Some(url) = guard.as_ref().and_then(|g| g.current().assets_url.clone())
    {
        options.assets_url = Some(url);
    }
    let version = guard.as_ref().map(|g| g.current().version.clone()).unwrap_or_else(|| "dev".into());
    let session = Session::new(source, options, launch).map(|mut session| {
        if let Some(guard) = guard {
            session.set_guard(Box::new(guard));
        }
        if let Some(js) = js_source.as_deref().and_then(|bytes| start_legacy_js(bytes, &run, &version)) {
            session.set_legacy_js(js);
        }
        session
    });
    match session {
        Ok(session) => run_built_session(session),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_UNUSABLE)
        }
    }
}

/// The workspace around `dir`: the nearest ancestor with a `preview/` package.
fn find_workspace(dir: &std::path::Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join("Cargo.toml").is_file() && d.join("preview/Cargo.toml").is_file())
        .map(Into::into)
}

/// Frames a headless preview runs without `--frames`: a second and a half, enough for a page
/// to slide in and load its fixtures.
const PREVIEW_HEADLESS_FRAMES: u32 = 90;

/// `touchline-desktop preview`.
fn run_preview(args: &PreviewArgs) -> ExitCode {
    use crate::preview::{PreviewOptions, Previewer};
    let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    // A prebuilt bundle needs no workspace: its fixtures are under the current directory's assets/.
    let found = args.workspace.clone().or_else(|| find_workspace(&here));
    let Some(workspace) = found.or_else(|| args.bundle.as_ref().map(|_| here.clone())) else {
        eprintln!(
            "error: no Touchline workspace (a directory with preview/Cargo.toml) around {}",
            here.display()
        );
        return ExitCode::from(EXIT_USAGE);
    };
    let mut run = args.common.options();
    let headless = run.headless || args.list;
    if headless && run.frames.is_none() {
        run.frames = Some(if args.list {
            2
        } else {
            PREVIEW_HEADLESS_FRAMES + run.keys.len() as u32 * run.key_interval
        });
    }
    match &args.bundle {
        Some(bundle) => println!("preview: {} ({})", bundle.display(), args.profile),
        None => {
            println!("preview: building the preview bundle in {} ({})…", workspace.display(), args.profile)
        }
    }
    let options = PreviewOptions {
        workspace,
        target_dir: None,
        bundle: args.bundle.clone(),
        profile: args.profile,
        page: args.page.clone(),
        watch: !headless && !args.no_watch,
        guides: args.guides,
        remote_overlay: args.remote_overlay || !headless,
        run,
    };
    let mut previewer = match Previewer::start(options) {
        Ok(previewer) => previewer,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_UNUSABLE);
        }
    };
    if args.list {
        return list_previews(&mut previewer);
    }
    if !headless {
        match window::run_stage(previewer) {
            Ok(code) => return code,
            Err((back, e)) => {
                eprintln!("warning: no window ({e}); running headless");
                previewer = back;
            }
        }
    }
    let frames = previewer.session().options().headless_frames();
    // A pick a few frames before the end, so the outline is in the screenshot.
    let pick_at = frames.saturating_sub(4);
    let mut code = crate::session::run_scripted(&mut previewer, frames, |previewer, index| {
        if index == pick_at
            && let Some((x, y)) = args.pick
        {
            previewer.set_picking(true);
            previewer.pick(x, y);
        }
    });
    match (&previewer.showing().name, &args.page) {
        (Some(name), _) => println!(
            "preview: showing {name} ({}) at {}",
            previewer.showing().location.as_deref().unwrap_or("?"),
            previewer.profile()
        ),
        (None, Some(page)) if !previewer.registry().iter().any(|p| p.name == *page) => {
            eprintln!("error: no preview is called {page:?} (`touchline-desktop preview --list` names them)");
            code = EXIT_USAGE;
        }
        _ => {}
    }
    previewer.session().finish(code, None)
}

/// `preview --list`: a line per preview.
fn list_previews(previewer: &mut crate::preview::Previewer) -> ExitCode {
    // The registry comes with the first frame.
    let code = crate::session::run_scripted(previewer, 2, |_, _| {});
    if code != crate::session::EXIT_OK {
        return ExitCode::from(code);
    }
    for preview in previewer.registry() {
        println!("{:<10} {:<24} {}", preview.kind, preview.name, preview.location);
    }
    ExitCode::SUCCESS
}

/// `--manifest`: delivery, then the first bundle that starts. Exit code 1 when nothing can run.
fn delivered(
    url: &str,
    run: &RunArgs,
    options: BundleOptions,
) -> Result<(crate::launch::DeliveredRun, Bundle), ExitCode> {
    use crate::delivery::{Delivery, LaunchOptions, PublicKey, cache_dir};
    let mut launch = LaunchOptions::new(url, cache_dir(run.cache.as_deref()));
    if let Some(hex) = &run.public_key {
        launch.public_key = PublicKey::from_hex(hex).map_err(|e| {
            eprintln!("error: --public-key: {e}");
            ExitCode::from(EXIT_USAGE)
        })?;
    }
    if let Some(ms) = run.download_timeout_ms {
        launch.net.manifest_timeout = std::time::Duration::from_millis(ms);
        launch.net.download_timeout = std::time::Duration::from_millis(ms);
    }
    let delivery = Delivery::new(launch).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(EXIT_UNUSABLE)
    })?;
    crate::launch::DeliveredRun::start(delivery, options).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(EXIT_UNUSABLE)
    })
}

/// Starts the legacy JS VM; a script that does not load is reported and the run goes on
/// without it.
fn start_legacy_js(source: &[u8], run: &RunArgs, version: &str) -> Option<crate::legacy_js::LegacyJs> {
    let config = crate::legacy_js::JsConfig {
        collector_url: run.collector.clone(),
        app_version: version.to_owned(),
        device: "touchline-desktop".into(),
        heap_limit: 0,
    };
    match crate::legacy_js::LegacyJs::load(&String::from_utf8_lossy(source), &config) {
        Ok(js) => Some(js),
        Err(e) => {
            eprintln!("js: error: {e}");
            None
        }
    }
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
    match Session::new(source, options, launch) {
        Ok(session) => run_built_session(session),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Runs a session headless or in a window, as its options say.
fn run_built_session(mut session: Session) -> ExitCode {
    if session.options().headless {
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
    use crate::images::AssetRoot;

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
        assert_eq!(run.bundle, Some(PathBuf::from("b.wasm")));
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
        assert_eq!(run.common.options().assets_url, None);
    }

    #[test]
    fn assets_take_a_directory_or_a_url() {
        let options = |value: &str| {
            let cli = Cli::try_parse_from(["t", "run", "b.wasm", "--assets", value]).expect("valid");
            let Cmd::Run(run) = cli.command else { panic!("a run command") };
            run.common.options()
        };
        let o = options("http://127.0.0.1:8080/rel/assets");
        assert_eq!(o.assets_url.as_deref(), Some("http://127.0.0.1:8080/rel/assets/"), "a `/` appended");
        assert_eq!(o.asset_root(), AssetRoot::Url("http://127.0.0.1:8080/rel/assets/"));
        assert_eq!(options("HTTPS://cdn.example/a/").assets_url.as_deref(), Some("HTTPS://cdn.example/a/"));
        let o = options("art/pictures");
        assert_eq!((o.assets, o.assets_url), (PathBuf::from("art/pictures"), None));
        for bad in ["http://", "https:///x", "http://h/a b", ""] {
            let e = Cli::try_parse_from(["t", "run", "b.wasm", "--assets", bad]).expect_err(bad);
            assert!(e.use_stderr(), "{bad:?}");
        }
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
