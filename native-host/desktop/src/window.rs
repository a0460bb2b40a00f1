//! A real window: winit 0.30 for the window and keys, softbuffer 0.4 for the pixels.
//!
//! The window's inner size is the viewport in physical pixels (no HiDPI scaling). Frames run
//! at 60 Hz. Interactive runs use the real clock and the keyboard; runs with `--keys`,
//! `--frames` or `--screenshot` use the virtual clock and the key script (keyboard events are
//! still delivered after the script's), so they produce the same frames as headless runs.
//! `--frames N` closes the window after N frames; `--screenshot` reads the pixels back from
//! the window system (X11 `GetImage` through softbuffer's `Surface::fetch`), so it shows what
//! the window really shows.
//!
//! Keys: arrows, Enter = Select, Escape/Backspace = Back, Space = PlayPause, F12 = Inspector.

use std::num::NonZeroU32;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::{Duration, Instant};

use softbuffer::{Context, Surface};
use touchline_abi::event::EVENT_SIZE;
use touchline_abi::{Event, Key, MAX_EVENT_BATCH_BYTES};
use winit::application::ApplicationHandler;
use winit::dpi::PhysicalSize;
use winit::event::{ElementState, WindowEvent};
use winit::event_loop::{ActiveEventLoop, ControlFlow, EventLoop, OwnedDisplayHandle};
use winit::keyboard::{KeyCode, PhysicalKey};
use winit::window::{Window, WindowId};

use crate::HostError;
use crate::screenshot::xrgb_to_rgba;
use crate::session::{
    EXIT_OK, FrameReport, Session, exit_code_for_frame_error, frame_error_line, virtual_time_us,
};

const FRAME_PERIOD: Duration = Duration::from_nanos(1_000_000_000 / 60);
const MAX_EVENTS_PER_FRAME: usize = MAX_EVENT_BATCH_BYTES as usize / EVENT_SIZE;

/// The remote key for a keyboard key.
pub fn key_for(code: KeyCode) -> Option<Key> {
    Some(match code {
        KeyCode::ArrowUp => Key::Up,
        KeyCode::ArrowDown => Key::Down,
        KeyCode::ArrowLeft => Key::Left,
        KeyCode::ArrowRight => Key::Right,
        KeyCode::Enter | KeyCode::NumpadEnter => Key::Select,
        KeyCode::Escape | KeyCode::Backspace => Key::Back,
        KeyCode::Space => Key::PlayPause,
        KeyCode::F12 => Key::Inspector,
        _ => return None,
    })
}

/// What a window runs frame by frame: a session, or a driver of one (the designer preview).
pub trait Stage {
    /// The session whose frames the window shows.
    fn session(&self) -> &Session;
    /// Runs a frame.
    fn step(&mut self, time_us: u64, events: &[Event]) -> Result<FrameReport, HostError>;
    /// A key the stage handles itself instead of the bundle (true: handled).
    fn host_key(&mut self, _code: KeyCode, _text: Option<&str>) -> bool {
        false
    }
    /// The pointer moved to `(x, y)` in viewport pixels (remotes have none; tools may).
    fn host_pointer(&mut self, _x: f32, _y: f32) {}
}

impl Stage for Session {
    fn session(&self) -> &Session {
        self
    }

    fn step(&mut self, time_us: u64, events: &[Event]) -> Result<FrameReport, HostError> {
        Session::step(self, time_us, events)
    }
}

/// Runs the session in a window until it is closed or `--frames` frames have run. When no
/// window can be opened (no event loop, no window), the session comes back, untouched if no
/// frame ran, with the reason, so the caller can run it headless.
#[allow(clippy::result_large_err)]
pub fn run_window(session: Session) -> Result<ExitCode, (Session, HostError)> {
    run_stage(session)
}

/// Runs a stage in a window, as [`run_window`] runs a session. The window follows the
/// size of the session's renderer (a preview switching device profiles).
#[allow(clippy::result_large_err)]
pub fn run_stage<S: Stage>(stage: S) -> Result<ExitCode, (S, HostError)> {
    let event_loop = match EventLoop::new() {
        Ok(event_loop) => event_loop,
        Err(e) => return Err((stage, HostError::Window(e.to_string()))),
    };
    let display = event_loop.owned_display_handle();
    let mut app = App::new(stage, display);
    let result = event_loop.run_app(&mut app);
    let stage = app.stage;
    if let Some(e) = app.setup_error {
        return Err((stage, e));
    }
    if let Err(e) = result {
        eprintln!("error: window event loop: {e}");
    }
    Ok(app.exit.unwrap_or_else(|| stage.session().finish(EXIT_OK, None)))
}

struct App<S: Stage> {
    stage: S,
    display: OwnedDisplayHandle,
    window: Option<Rc<Window>>,
    surface: Option<Surface<OwnedDisplayHandle, Rc<Window>>>,
    surface_size: (u32, u32),
    /// Keyboard events since the last frame.
    pending: Vec<Event>,
    scripted: bool,
    frame_limit: Option<u64>,
    started: Option<Instant>,
    next_frame: Instant,
    /// A frame failed: no more frames; the last good one stays on screen.
    failed: Option<u8>,
    /// Why the window could not be opened.
    setup_error: Option<HostError>,
    /// Set when the run is over, with its exit code.
    exit: Option<ExitCode>,
}

impl<S: Stage> App<S> {
    fn new(stage: S, display: OwnedDisplayHandle) -> Self {
        let options = stage.session().options();
        let scripted = options.scripted();
        let frame_limit = options.frames.map(u64::from);
        Self {
            stage,
            display,
            window: None,
            surface: None,
            surface_size: (0, 0),
            pending: Vec::new(),
            scripted,
            frame_limit,
            started: None,
            next_frame: Instant::now(),
            failed: None,
            setup_error: None,
            exit: None,
        }
    }

    fn open(&mut self, event_loop: &ActiveEventLoop) -> Result<(), HostError> {
        let (width, height) = self.stage.session().renderer().size();
        let attributes = Window::default_attributes()
            .with_title("Touchline")
            .with_inner_size(PhysicalSize::new(width, height))
            .with_resizable(false);
        let window =
            Rc::new(event_loop.create_window(attributes).map_err(|e| HostError::Window(e.to_string()))?);
        let context = Context::new(self.display.clone()).map_err(|e| HostError::Window(e.to_string()))?;
        let surface = Surface::new(&context, window.clone()).map_err(|e| HostError::Window(e.to_string()))?;
        self.window = Some(window);
        self.surface = Some(surface);
        self.resize_surface();
        Ok(())
    }

    /// Sizes the surface to the window (the viewport, unless a window manager insists).
    fn resize_surface(&mut self) {
        let (Some(window), Some(surface)) = (&self.window, &mut self.surface) else { return };
        let size = window.inner_size();
        let (w, h) = (size.width.max(1), size.height.max(1));
        if (w, h) == self.surface_size {
            return;
        }
        if let (Some(nw), Some(nh)) = (NonZeroU32::new(w), NonZeroU32::new(h)) {
            match surface.resize(nw, nh) {
                Ok(()) => self.surface_size = (w, h),
                Err(e) => eprintln!("warning: cannot resize the window surface: {e}"),
            }
        }
    }

    /// Copies the last good frame into the window.
    fn present(&mut self) {
        let frame_size = self.stage.session().renderer().size();
        if frame_size != self.surface_size
            && let Some(window) = &self.window
        {
            // The viewport changed (a device profile): the window follows it.
            let _ = window.request_inner_size(PhysicalSize::new(frame_size.0, frame_size.1));
            self.resize_surface();
        }
        let Some(surface) = &mut self.surface else { return };
        let (sw, sh) = self.surface_size;
        if sw == 0 || sh == 0 {
            return;
        }
        let mut buffer = match surface.buffer_mut() {
            Ok(buffer) => buffer,
            Err(e) => {
                eprintln!("warning: cannot draw into the window: {e}");
                return;
            }
        };
        let pixmap = self.stage.session().renderer().pixmap();
        let (pw, ph) = (pixmap.width() as usize, pixmap.height() as usize);
        let (sw, sh) = (sw as usize, sh as usize);
        let data = pixmap.data();
        for y in 0..sh {
            let row = &mut buffer[y * sw..(y + 1) * sw];
            if y >= ph {
                row.fill(0);
                continue;
            }
            let src = &data[y * pw * 4..(y + 1) * pw * 4];
            for (x, out) in row.iter_mut().enumerate() {
                // Frames are opaque, so premultiplied equals straight.
                *out = match src.get(x * 4..x * 4 + 3) {
                    Some(&[r, g, b]) => (u32::from(r) << 16) | (u32::from(g) << 8) | u32::from(b),
                    _ => 0,
                };
            }
        }
        if let Err(e) = buffer.present() {
            eprintln!("warning: cannot present the frame: {e}");
        }
    }

    fn run_frame(&mut self, event_loop: &ActiveEventLoop) {
        let index = self.stage.session().next_index();
        let now = Instant::now();
        let started = *self.started.get_or_insert(now);
        let (time_us, mut events) = if self.scripted {
            (virtual_time_us(index), self.stage.session().options().scripted_events(index))
        } else {
            (now.duration_since(started).as_micros() as u64, Vec::new())
        };
        let take = self.pending.len().min(MAX_EVENTS_PER_FRAME.saturating_sub(events.len()));
        events.extend(self.pending.drain(..take));
        match self.stage.step(time_us, &events) {
            Ok(report) => {
                if !report.unchanged || index == 0 {
                    self.present();
                }
            }
            Err(e) => {
                eprintln!("{}", frame_error_line(index, &e));
                self.failed = Some(exit_code_for_frame_error(&e));
                self.present();
                if self.frame_limit.is_some() {
                    self.finish(event_loop);
                }
                return;
            }
        }
        if self.frame_limit.is_some_and(|n| self.stage.session().next_index() >= n) {
            self.finish(event_loop);
        }
    }

    /// Ends the run: screenshot from the window, summary, exit code.
    fn finish(&mut self, event_loop: &ActiveEventLoop) {
        if self.exit.is_some() {
            return;
        }
        let code = self.failed.unwrap_or(EXIT_OK);
        let pixels =
            if self.stage.session().options().screenshot.is_some() { self.read_back() } else { None };
        let window_pixels = pixels.as_ref().map(|(w, h, rgba)| (*w, *h, rgba.as_slice()));
        if self.stage.session().options().screenshot.is_some() && window_pixels.is_none() {
            eprintln!("warning: the window could not be read back; writing the rendered frame instead");
        }
        self.exit = Some(self.stage.session().finish(code, window_pixels));
        event_loop.exit();
    }

    /// What the window shows, as RGBA.
    fn read_back(&mut self) -> Option<(u32, u32, Vec<u8>)> {
        let surface = self.surface.as_mut()?;
        let (w, h) = self.surface_size;
        match surface.fetch() {
            Ok(pixels) if pixels.len() == w as usize * h as usize => Some((w, h, xrgb_to_rgba(&pixels))),
            Ok(pixels) => {
                eprintln!("warning: read back {} pixels from a {w}x{h} window", pixels.len());
                None
            }
            Err(e) => {
                eprintln!("warning: cannot read the window back: {e}");
                None
            }
        }
    }
}

impl<S: Stage> ApplicationHandler for App<S> {
    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        if self.window.is_some() || self.exit.is_some() {
            return;
        }
        if let Err(e) = self.open(event_loop) {
            self.setup_error = Some(e);
            event_loop.exit();
            return;
        }
        self.next_frame = Instant::now();
        event_loop.set_control_flow(ControlFlow::WaitUntil(self.next_frame));
    }

    fn window_event(&mut self, event_loop: &ActiveEventLoop, _id: WindowId, event: WindowEvent) {
        match event {
            WindowEvent::CloseRequested => self.finish(event_loop),
            WindowEvent::Destroyed => {
                // Destroyed from outside: nothing left to read back.
                self.surface = None;
                self.finish(event_loop);
            }
            WindowEvent::Resized(_) => {
                self.resize_surface();
                self.present();
            }
            WindowEvent::RedrawRequested => self.present(),
            WindowEvent::CursorMoved { position, .. } => {
                self.stage.host_pointer(position.x as f32, position.y as f32)
            }
            WindowEvent::KeyboardInput { event, is_synthetic: false, .. } => {
                let PhysicalKey::Code(code) = event.physical_key else { return };
                if event.state == ElementState::Pressed && self.stage.host_key(code, event.text.as_deref()) {
                    return;
                }
                let Some(key) = key_for(code) else { return };
                self.pending.push(match event.state {
                    ElementState::Pressed => Event::key_down(key),
                    ElementState::Released => Event::key_up(key),
                });
            }
            _ => {}
        }
    }

    fn about_to_wait(&mut self, event_loop: &ActiveEventLoop) {
        if self.exit.is_some() || self.window.is_none() {
            return;
        }
        if self.failed.is_some() {
            event_loop.set_control_flow(ControlFlow::Wait);
            return;
        }
        let now = Instant::now();
        if now >= self.next_frame {
            self.run_frame(event_loop);
            self.next_frame += FRAME_PERIOD;
            if self.next_frame < now {
                self.next_frame = now + FRAME_PERIOD;
            }
        }
        if self.exit.is_none() {
            let flow = if self.failed.is_some() {
                ControlFlow::Wait
            } else {
                ControlFlow::WaitUntil(self.next_frame)
            };
            event_loop.set_control_flow(flow);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyboard_mapping() {
        assert_eq!(key_for(KeyCode::ArrowLeft), Some(Key::Left));
        assert_eq!(key_for(KeyCode::Enter), Some(Key::Select));
        assert_eq!(key_for(KeyCode::Escape), Some(Key::Back));
        assert_eq!(key_for(KeyCode::Backspace), Some(Key::Back));
        assert_eq!(key_for(KeyCode::Space), Some(Key::PlayPause));
        assert_eq!(key_for(KeyCode::F12), Some(Key::Inspector));
        assert_eq!(key_for(KeyCode::KeyA), None);
    }
}
