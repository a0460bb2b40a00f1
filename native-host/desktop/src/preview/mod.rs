//! The designer preview (`touchline-desktop preview`, docs/designers.md): the preview bundle
//! (`preview/`: a picker over every page and component example that registers a preview) on
//! the real host, rebuilt and swapped in as its sources change, on any device profile.
//!
//! A swap is a restart with the state the old instance saved (ABI 1.4 `SaveState`): the new
//! bundle opens the same pages with focus on the same node, and the app's storage carries over.
//! A build error is posted to the running bundle, which shows it over the last good page.
//! The preview talks to the bundle's picker over the bus (`touchline_ui::preview`).

pub mod build;
pub mod profile;
pub mod reload;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Deserialize;
use touchline_abi::display_list::{Command, DisplayListReader};
use touchline_abi::{BusSource, Event};

pub use build::{BuildError, BundleBuilder};
pub use profile::DeviceProfile;
pub use reload::{Compiler, ReloadEvent, Reloader};

use crate::HostError;
use crate::bundle::{Bundle, BundleOptions, Compiled};
use crate::session::{FrameReport, RunOptions, Session};

/// Frames a swapped-in bundle runs before it counts as good: a trap before then brings the
/// previous build back.
const SETTLE_FRAMES: u64 = 120;
/// Traps in a row (each within [`SETTLE_FRAMES`] of the last restart) after which the preview
/// stops restarting and reports the error.
const MAX_TRAPS_IN_A_ROW: u32 = 3;

/// How to run the preview.
#[derive(Clone, Debug)]
pub struct PreviewOptions {
    /// The workspace whose `preview` package is built and whose sources are watched.
    pub workspace: PathBuf,
    /// Cargo's target directory (`None`: the workspace's).
    pub target_dir: Option<PathBuf>,
    /// A preview bundle built already: run it instead of building one, and never rebuild.
    pub bundle: Option<PathBuf>,
    /// The device shown first.
    pub profile: DeviceProfile,
    /// The preview opened first (its name in the picker), instead of the picker.
    pub page: Option<String>,
    /// Rebuild when a source changes.
    pub watch: bool,
    /// Show the TV safe areas over the page.
    pub guides: bool,
    /// Show each key the bundle is sent, bottom right.
    pub remote_overlay: bool,
    /// The run: headless, frames, keys, screenshot, quiet. Its size is the profile's; its
    /// assets default to the workspace's `assets/` (the fixture catalog).
    pub run: RunOptions,
}

/// Why the preview could not start.
#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    /// The first build failed.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The bundle did not compile or start.
    #[error(transparent)]
    Host(#[from] HostError),
    /// The watcher or the reload thread could not start.
    #[error("{0}")]
    Reload(String),
}

/// One preview the bundle lists (`preview.registry`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ListedPreview {
    /// Its name in the picker.
    pub name: String,
    /// `page` or `component`.
    pub kind: String,
    /// Where it is registered: `file:line`.
    pub location: String,
}

#[derive(Deserialize)]
struct Registry {
    previews: Vec<ListedPreview>,
}

/// What the bundle says is on screen (`preview.showing`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Showing {
    /// The preview, when the page on screen is one (not the picker, not a page navigated to).
    pub name: Option<String>,
    /// Where it is registered.
    pub location: Option<String>,
    /// The route on screen.
    #[serde(default)]
    pub route: Option<ShownRoute>,
}

/// A route, as the bundle posts it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct ShownRoute {
    /// The page's name (`preview` for the picker).
    pub page: String,
    /// Its parameter.
    #[serde(default)]
    pub param: Option<String>,
}

impl Showing {
    /// Whether the picker is on screen.
    pub fn is_picker(&self) -> bool {
        self.route.as_ref().is_some_and(|r| r.page == "preview")
    }
}

/// What pick mode found under the pointer (`preview.picked`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Picked {
    /// The component's name (`Button`), or the page's (`Home (page)`) when no component is
    /// there.
    pub name: String,
    /// Where it is written: `file:line`.
    pub location: String,
    /// Its box.
    pub x: f32,
    /// Its box.
    pub y: f32,
    /// Its box.
    pub width: f32,
    /// Its box.
    pub height: f32,
}

#[derive(Deserialize)]
struct PickAnswer {
    found: Option<Picked>,
}

/// The figures of one reload.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReloadFigures {
    /// From the save to the new bundle's first frame on screen.
    pub edit_to_pixels: Duration,
    /// Cargo's build.
    pub build: Duration,
    /// wasmtime's compile.
    pub compile: Duration,
    /// Functions reused from the last compile, and compiled anew.
    pub functions: (u64, u64),
}

impl std::fmt::Display for ReloadFigures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "reload: edit-to-pixels {:.2} s (build {:.2} s, compile {:.2} s: {} functions compiled, {} reused)",
            self.edit_to_pixels.as_secs_f64(),
            self.build.as_secs_f64(),
            self.compile.as_secs_f64(),
            self.functions.1,
            self.functions.0
        )
    }
}

/// A swap waiting for its first frame, to time it.
struct Swapped {
    edited: Option<Instant>,
    build: Duration,
    compile: Duration,
    functions: (u64, u64),
}

/// The preview: a session on the preview bundle, and the reloader.
pub struct Previewer {
    session: Session,
    /// The running bundle's module (a resize starts it again).
    compiled: Compiled,
    /// The module before the last swap, until the new one has run [`SETTLE_FRAMES`] frames.
    previous: Option<Compiled>,
    frames_since_start: u64,
    traps_in_a_row: u32,
    profile: DeviceProfile,
    reloader: Reloader,
    swapped: Option<Swapped>,
    registry: Vec<ListedPreview>,
    showing: Showing,
    build_error: Option<String>,
    building: bool,
    reloads: Vec<ReloadFigures>,
    guides: bool,
    remote_overlay: bool,
    /// Pick mode: the pointer names the component under it.
    picking: bool,
    picked: Option<Picked>,
    /// Where the pointer is, to ask the bundle once per frame.
    pointer: Option<(f32, f32)>,
    /// Messages the bundle posted that are not the preview's (for tools).
    messages: Vec<String>,
}

impl Previewer {
    /// Builds the bundle (blocking), starts it at the profile's size, opens `page` if given,
    /// and starts watching.
    pub fn start(options: PreviewOptions) -> Result<Self, PreviewError> {
        let builder =
            BundleBuilder { workspace: options.workspace.clone(), target_dir: options.target_dir.clone() };
        let wasm = match &options.bundle {
            Some(path) => {
                std::fs::read(path).map_err(|e| HostError::MissingFile { path: path.clone(), source: e })?
            }
            None => builder.build()?.wasm,
        };
        let mut compiler = Compiler::default();
        let engine = options.profile.engine();
        let (compiled, _) =
            compiler.compile(&wasm, engine).map_err(|e| PreviewError::Host(HostError::Compile(e)))?;
        let mut run = options.run.clone();
        run.size = options.profile.size();
        if run.assets == RunOptions::default().assets {
            run.assets = options.workspace.join("assets");
        }
        let bundle = start_bundle(compiled.clone(), options.profile)?;
        let mut session = Session::new(Box::new(bundle), run, Instant::now())?;
        session.keep_display_list();
        if let Some(name) = &options.page {
            let open = serde_json::json!({ "type": "preview.open", "name": name }).to_string();
            session.post_to_bundle(BusSource::Host, &open);
        }
        let reloader =
            Reloader::start(builder, wasm, compiler, engine, options.watch && options.bundle.is_none())
                .map_err(PreviewError::Reload)?;
        let mut previewer = Self {
            session,
            compiled,
            previous: None,
            frames_since_start: 0,
            traps_in_a_row: 0,
            profile: options.profile,
            reloader,
            swapped: None,
            registry: Vec::new(),
            showing: Showing::default(),
            build_error: None,
            building: false,
            reloads: Vec::new(),
            guides: false,
            remote_overlay: options.remote_overlay,
            picking: false,
            picked: None,
            pointer: None,
            messages: Vec::new(),
        };
        previewer.set_guides(options.guides);
        Ok(previewer)
    }

    /// Runs a frame: swaps in a bundle that is ready, tells the bundle about builds, then
    /// steps the session. Prints the reload's figures after a new bundle's first frame.
    pub fn step(&mut self, time_us: u64, events: &[Event]) -> Result<FrameReport, HostError> {
        while let Some(event) = self.reloader.poll() {
            self.apply(event)?;
        }
        if let Some((x, y)) = self.pointer.take().filter(|_| self.picking) {
            self.pick(x, y);
        }
        if self.remote_overlay {
            for event in events.iter().filter(|e| e.kind == touchline_abi::EventKind::KeyDown as u32) {
                if let Some(key) = touchline_abi::Key::from_u32(event.a) {
                    self.post(&serde_json::json!({ "type": "preview.key", "key": key_label(key) }));
                }
            }
        }
        let report = match self.session.step(time_us, events) {
            Ok(report) => report,
            Err(error @ HostError::Trap { .. }) => {
                self.recover(&error)?;
                self.session.step(time_us, &[])?
            }
            Err(error) => return Err(error),
        };
        self.frames_since_start += 1;
        if self.frames_since_start == SETTLE_FRAMES {
            self.previous = None;
            self.traps_in_a_row = 0;
        }
        self.read_messages();
        if let Some(swapped) = self.swapped.take() {
            if let Some(edited) = swapped.edited {
                let figures = ReloadFigures {
                    edit_to_pixels: edited.elapsed(),
                    build: swapped.build,
                    compile: swapped.compile,
                    functions: swapped.functions,
                };
                println!("{figures}");
                self.reloads.push(figures);
            } else {
                println!("profile: {} (compiled in {:.2} s)", self.profile, swapped.compile.as_secs_f64());
            }
        }
        Ok(report)
    }

    /// After a trap: a bundle swapped in moments ago gives way to the previous build; one that
    /// ran fine is restarted. Either way the page, focus and storage come back, and the panic's
    /// message shows over it.
    fn recover(&mut self, error: &HostError) -> Result<(), HostError> {
        self.traps_in_a_row += 1;
        if self.traps_in_a_row > MAX_TRAPS_IN_A_ROW {
            return Err(HostError::Source(format!(
                "the bundle trapped {MAX_TRAPS_IN_A_ROW} times in a row: {error}"
            )));
        }
        let reason = match self.session.source_error_log() {
            Some(panic) => panic.to_owned(),
            None => error.to_string().lines().next().unwrap_or_default().to_owned(),
        };
        let message = match self.previous.take() {
            Some(previous) => {
                self.compiled = previous;
                // No figure for a build that did not stay.
                self.swapped = None;
                format!("The new build stopped with an error, so the last good build is back.\n{reason}")
            }
            None => format!("The page stopped with an error and was started again.\n{reason}"),
        };
        let bundle = start_bundle(self.compiled.clone(), self.profile)?;
        self.session.replace_source(Box::new(bundle))?;
        self.frames_since_start = 0;
        self.report_failure(message);
        Ok(())
    }

    /// Prints `message` and shows it over the page until a build succeeds.
    fn report_failure(&mut self, message: String) {
        eprintln!("preview: {message}");
        self.post(&serde_json::json!({ "type": "preview.build", "status": "failed", "message": message }));
        self.build_error = Some(message);
    }

    fn apply(&mut self, event: ReloadEvent) -> Result<(), HostError> {
        match event {
            ReloadEvent::Building => {
                self.building = true;
                self.post(&serde_json::json!({ "type": "preview.build", "status": "building" }));
            }
            ReloadEvent::Failed { message } => {
                self.building = false;
                self.report_failure(message);
            }
            ReloadEvent::Ready(ready) => {
                self.building = false;
                self.build_error = None;
                // A profile switched meanwhile compiles again; this one is for the old one.
                if ready.engine != self.profile.engine() {
                    return Ok(());
                }
                let bundle = match start_bundle(ready.compiled.clone(), self.profile) {
                    Ok(bundle) => bundle,
                    // It does not start: the running one stays, with the reason over it.
                    Err(error) => {
                        self.report_failure(format!("The new build does not start: {error}"));
                        return Ok(());
                    }
                };
                self.session.replace_source(Box::new(bundle))?;
                self.previous = Some(std::mem::replace(&mut self.compiled, ready.compiled));
                self.frames_since_start = 0;
                self.swapped = Some(Swapped {
                    edited: ready.edited,
                    build: ready.build,
                    compile: ready.compile,
                    functions: ready.functions,
                });
            }
        }
        Ok(())
    }

    /// Shows the bundle as `profile`: the same module at another size, or compiled for
    /// another back end (in the background; the current one stays until it is ready).
    pub fn set_profile(&mut self, profile: DeviceProfile) -> Result<(), HostError> {
        if profile == self.profile {
            return Ok(());
        }
        let before = self.profile;
        self.profile = profile;
        if profile.engine() != before.engine() {
            self.reloader.recompile(profile.engine());
            return Ok(());
        }
        let bundle = start_bundle(self.compiled.clone(), profile)?;
        self.session.replace_source(Box::new(bundle))?;
        self.swapped =
            Some(Swapped { edited: None, build: Duration::ZERO, compile: Duration::ZERO, functions: (0, 0) });
        Ok(())
    }

    /// Shows or hides the safe-area guides.
    pub fn set_guides(&mut self, on: bool) {
        if on != self.guides {
            self.guides = on;
            self.post(&serde_json::json!({ "type": "preview.guides", "on": on }));
        }
    }

    /// Asks for a rebuild now, as a saved source would.
    pub fn rebuild(&self) {
        self.reloader.changed();
    }

    fn post(&mut self, message: &serde_json::Value) {
        self.session.post_to_bundle(BusSource::Host, &message.to_string());
    }

    /// Types `text` into the picker's search.
    pub fn type_text(&mut self, text: &str) {
        self.post(&serde_json::json!({ "type": "preview.type", "text": text }));
    }

    /// Deletes the search's last letter.
    pub fn erase(&mut self) {
        self.post(&serde_json::json!({ "type": "preview.erase" }));
    }

    /// Asks the bundle which component is at `(x, y)`; the answer ([`Self::picked`]) comes
    /// with the frame, outlined on screen and printed.
    pub fn pick(&mut self, x: f32, y: f32) {
        self.post(&serde_json::json!({ "type": "preview.pick", "x": x, "y": y }));
    }

    /// The last pick's answer.
    pub fn picked(&self) -> Option<&Picked> {
        self.picked.as_ref()
    }

    /// Turns pick mode on or off (off clears the outline).
    pub fn set_picking(&mut self, on: bool) {
        self.picking = on;
        if !on {
            self.picked = None;
            self.post(&serde_json::json!({ "type": "preview.unpick" }));
        }
    }

    /// Opens the preview called `name`.
    pub fn open(&mut self, name: &str) {
        self.post(&serde_json::json!({ "type": "preview.open", "name": name }));
    }

    fn read_messages(&mut self) {
        for text in self.session.messages_to_js() {
            let kind = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_owned));
            match kind.as_deref() {
                Some("preview.registry") => {
                    if let Ok(registry) = serde_json::from_str::<Registry>(&text) {
                        self.registry = registry.previews;
                    }
                }
                Some("preview.picked") => {
                    if let Ok(PickAnswer { found }) = serde_json::from_str::<PickAnswer>(&text) {
                        if let Some(found) = &found
                            && self.picked.as_ref() != Some(found)
                        {
                            println!("pick: {} · {}", found.name, found.location);
                        }
                        self.picked = found;
                    }
                }
                Some("preview.showing") => {
                    if let Ok(showing) = serde_json::from_str::<Showing>(&text) {
                        self.showing = showing;
                    }
                }
                _ => self.messages.push(text),
            }
        }
    }

    /// The session (its options, renderer, screenshots).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The session, to drive it.
    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }

    /// The profile shown.
    pub fn profile(&self) -> DeviceProfile {
        self.profile
    }

    /// Every preview the bundle lists.
    pub fn registry(&self) -> &[ListedPreview] {
        &self.registry
    }

    /// What is on screen.
    pub fn showing(&self) -> &Showing {
        &self.showing
    }

    /// The last build's error, until a build succeeds.
    pub fn build_error(&self) -> Option<&str> {
        self.build_error.as_deref()
    }

    /// Whether a build is running.
    pub fn building(&self) -> bool {
        self.building
    }

    /// Every reload's figures so far.
    pub fn reloads(&self) -> &[ReloadFigures] {
        &self.reloads
    }

    /// Messages the bundle posted besides the preview's own.
    pub fn messages(&self) -> &[String] {
        &self.messages
    }

    /// Every text on screen in the last frame, in paint order (the display list's labels).
    pub fn texts(&self) -> Vec<String> {
        self.text_boxes().into_iter().map(|(text, _)| text).collect()
    }

    /// Every text on screen in the last frame with its box, in paint order.
    pub fn text_boxes(&self) -> Vec<(String, touchline_abi::display_list::RectF)> {
        let Some(list) = self.session.display_list() else { return Vec::new() };
        let Ok(reader) = DisplayListReader::new(list) else { return Vec::new() };
        reader
            .commands()
            .filter_map(Result::ok)
            .filter_map(|command| match command {
                Command::TextLabel(rect, text) => Some((text.to_owned(), rect)),
                _ => None,
            })
            .collect()
    }

    /// The state the bundle last saved (its page stack and focus), as JSON.
    pub fn saved_state(&self) -> Option<serde_json::Value> {
        self.session.saved_state().and_then(|bytes| serde_json::from_slice(bytes).ok())
    }
}

impl crate::window::Stage for Previewer {
    fn session(&self) -> &Session {
        &self.session
    }

    fn step(&mut self, time_us: u64, events: &[Event]) -> Result<FrameReport, HostError> {
        Previewer::step(self, time_us, events)
    }

    /// F2: the next device profile; F3: safe-area guides; F4: the remote overlay; F5: pick
    /// mode (the pointer names the component under it); letters and digits: the picker's search; Backspace on
    /// the picker: deletes a letter (elsewhere it is Back).
    fn host_pointer(&mut self, x: f32, y: f32) {
        self.pointer = Some((x, y));
    }

    fn host_key(&mut self, code: winit::keyboard::KeyCode, text: Option<&str>) -> bool {
        use winit::keyboard::KeyCode;
        match code {
            KeyCode::F2 => {
                let next = self.profile.next();
                if let Err(e) = self.set_profile(next) {
                    eprintln!("error: profile {}: {e}", next.name());
                }
                true
            }
            KeyCode::F3 => {
                self.set_guides(!self.guides);
                true
            }
            KeyCode::F4 => {
                self.remote_overlay = !self.remote_overlay;
                true
            }
            KeyCode::F5 => {
                self.set_picking(!self.picking);
                true
            }
            KeyCode::Backspace if self.showing.is_picker() => {
                self.erase();
                true
            }
            _ => match text.filter(|t| t.chars().all(char::is_alphanumeric) && !t.is_empty()) {
                Some(text) => {
                    self.type_text(text);
                    true
                }
                None => false,
            },
        }
    }
}

/// How the remote overlay names a key.
fn key_label(key: touchline_abi::Key) -> &'static str {
    use touchline_abi::Key;
    match key {
        Key::Up => "↑ Up",
        Key::Down => "↓ Down",
        Key::Left => "← Left",
        Key::Right => "→ Right",
        Key::Select => "OK",
        Key::Back => "Back",
        Key::PlayPause => "Play/Pause",
        Key::Inspector => "Inspector",
    }
}

/// Starts a compiled bundle at the profile's size.
fn start_bundle(compiled: Compiled, profile: DeviceProfile) -> Result<Bundle, HostError> {
    let (width, height) = profile.size();
    let options = BundleOptions { width, height, engine: profile.engine(), ..BundleOptions::default() };
    Bundle::from_compiled(compiled, options)
}
