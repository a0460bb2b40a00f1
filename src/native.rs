//! Running apps natively in the desktop host, for examples.

use std::process::ExitCode;

use touchline_abi::Event;
use touchline_desktop::{FrameSource, HostError};
use touchline_ui::{App, View};

/// An app compiled into this process, as a frame source for the desktop host: the same
/// engine and pages as the bundle, without wasm, so developers can set breakpoints.
pub struct NativeApp {
    app: App,
    viewport: (u32, u32),
}

impl NativeApp {
    /// Starts the app `root` builds for a viewport.
    pub fn new(width: u32, height: u32, root: impl FnOnce() -> View + 'static) -> Result<Self, HostError> {
        let app = App::new(width, height, root).map_err(|e| HostError::Source(e.to_string()))?;
        Ok(Self { app, viewport: (width, height) })
    }
}

impl FrameSource for NativeApp {
    fn viewport(&self) -> (u32, u32) {
        self.viewport
    }

    fn frame(&mut self, time_us: u64, events: &[Event], payload: &[u8]) -> Result<&[u8], HostError> {
        Ok(self.app.frame(time_us, events, payload))
    }

    fn requests(&self) -> &[u8] {
        self.app.engine().requests()
    }
}

/// Runs a view natively in the desktop host with the process's command line
/// (`--headless`, `--frames N`, `--keys …`, `--screenshot out.png`, `--size WxH`).
pub fn run_example(root: fn() -> View) -> ExitCode {
    touchline_desktop::run_native_with(
        |w, h| Ok(Box::new(NativeApp::new(w, h, root)?) as Box<dyn FrameSource>),
        std::env::args(),
    )
}

/// Like [`run_example`], but presses `keys` (key-script names, as `--keys` takes them) from
/// the first frame unless the command line gives its own `--keys`.
pub fn run_example_with_keys(root: fn() -> View, keys: &[&str]) -> ExitCode {
    let mut args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--keys") && !keys.is_empty() {
        args.push("--keys".to_owned());
        args.push(keys.join(","));
    }
    touchline_desktop::run_native_with(
        |w, h| Ok(Box::new(NativeApp::new(w, h, root)?) as Box<dyn FrameSource>),
        args,
    )
}
