//! The frame loop shared by headless and window runs: step a [`FrameSource`], render, answer
//! its requests, report.
//!
//! Requests (ABI 1.1) are read after the frame is rendered, so an image loaded for a frame is
//! drawn from the next one on, and answered synchronously: each `LoadImage` is resolved,
//! decoded and answered with an `ImageLoaded` or `ImageFailed` event that goes out with the
//! next frame's events, after that frame's input events, in request order. Under a URL asset
//! root ([`RunOptions::assets_url`]) a relative image URL is fetched on a worker thread instead
//! and answered with the first frame that starts after it arrived. `Announce`
//! requests (ABI 1.2) are "spoken": each prints one `announce: TEXT` line on stdout (control
//! characters shown as `?`, whether or not the run is `--quiet`), is kept in
//! [`Session::announcements`] and counted in the summary; none is answered.
//!
//! `Fetch` requests (ABI 1.3, [`crate::fetch`]) for files and assets are answered
//! synchronously like images; `http(s)://` ones run on worker threads and each answer goes out
//! with the first frame that starts after it finished. Answers wait in one queue, in the order
//! they were known; a frame takes them, after its input events, while they fit: at most
//! `MAX_EVENT_BATCH_BYTES` of records and `MAX_INPUT_PAYLOAD_BYTES` of fetched bodies. Each
//! fetch answer prints `fetch: URL -> STATUS (N bytes)` or `fetch: URL -> failed: REASON` on
//! stdout when it is delivered (before the line of the frame it goes to), unless the run is
//! `--quiet`. `CancelFetch` drops a fetch, and its answer if it is still queued.
//!
//! ABI 1.4: `SaveState` requests are kept (the latest one), `PostMessage` requests go to the
//! bus towards the legacy JS VM ([`Session::messages_to_js`]), and messages for the bundle
//! (from JS, or the host's own) go out with the next frame's events, bounded per direction
//! with drop counters. With [`RunOptions::recover`] a trap does not end the run: the source
//! is restarted, its first frame gets the kept state (`RestoreState`), and the trapping
//! frame is the only stale one (the last good pixels stay on screen). An instance that traps
//! before [`STARTUP_FRAMES`] frames, [`MAX_STARTUP_TRAPS`] times in a row, is given up on.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use touchline_abi::event::EVENT_SIZE;
use touchline_abi::input::padded_len;
use touchline_abi::{
    Event, EventKind, FetchError, FetchMethod, HostInput, ImageError, Key, MAX_EVENT_BATCH_BYTES,
    MAX_FETCH_BODY_BYTES, MAX_INPUT_PAYLOAD_BYTES, Request, read_requests,
};

use crate::fetch::{self, Fetcher, Target};
use crate::frame_source::FrameSource;
use crate::images::{AssetRoot, Located};
use crate::renderer::{Renderer, VideoPicture};
use crate::{HostError, images, screenshot};

/// The most events one frame can carry.
const MAX_EVENTS_PER_FRAME: usize = MAX_EVENT_BATCH_BYTES as usize / EVENT_SIZE;

/// An instance that has run this many frames (two seconds at 60 Hz) has started: a trap
/// after it is not a start-up trap.
pub const STARTUP_FRAMES: u64 = 120;
/// Start-up traps in a row after which a bundle is given up on (and, delivered, demoted).
pub const MAX_STARTUP_TRAPS: u32 = 3;
/// Messages each bus direction holds before it drops new ones (and counts them).
pub const MAX_QUEUED_MESSAGES: usize = 256;

/// How long an image under a URL asset root may take to arrive.
pub const IMAGE_HTTP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// How many of the run's latest announcements a [`Session`] keeps.
pub const KEPT_ANNOUNCEMENTS: usize = 64;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: the bundle cannot be used.
pub const EXIT_UNUSABLE: u8 = 1;
/// Exit code: bad command line.
pub const EXIT_USAGE: u8 = 2;
/// Exit code: the bundle failed during a frame.
pub const EXIT_FRAME_FAILED: u8 = 3;

/// What to run and how, from the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOptions {
    /// No window, even when there is a display.
    pub headless: bool,
    /// Viewport `(width, height)`.
    pub size: (u32, u32),
    /// Scripted keys.
    pub keys: Vec<Key>,
    /// Frames between scripted keys (≥ 1).
    pub key_interval: u32,
    /// Frames to run; `None`: headless `2 + keys × interval`, window until closed.
    pub frames: Option<u32>,
    /// PNG of the last frame.
    pub screenshot: Option<PathBuf>,
    /// Directory for `frame-NNNN.tldl` dumps.
    pub dump_dir: Option<PathBuf>,
    /// No per-frame lines.
    pub quiet: bool,
    /// The asset root relative image URLs resolve under (`--assets`, default `assets`).
    pub assets: PathBuf,
    /// An asset root URL (`--assets http://…/`, or a delivered release's `assets`), ending in
    /// `/`; when set it takes precedence over [`Self::assets`]: relative image, fetch and video
    /// URLs are fetched from under it.
    pub assets_url: Option<String>,
    /// Restart the source after a trap and restore its saved state (`--recover`).
    pub recover: bool,
    /// Faults to make a `fault-injection` test bundle commit (`--inject-fault`).
    pub faults: Vec<InjectedFault>,
    /// Where the app's storage area is kept between runs (`--storage`; ABI 1.5).
    pub storage: Option<PathBuf>,
}

/// A fault a test asks the bundle to commit: the host posts
/// `{"type":"touchline.fault","fault":KIND}` to it on frame `frame` (and every `every` frames
/// after, when set). Only bundles built with the `fault-injection` feature obey.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InjectedFault {
    /// `panic`, `loop` or `oom`.
    pub fault: String,
    /// The first frame it is posted on.
    pub frame: u64,
    /// Repeat period in frames.
    pub every: Option<u64>,
}

impl std::str::FromStr for InjectedFault {
    type Err = String;

    /// `KIND@FRAME` or `KIND@FRAME/EVERY` (`panic@300`, `panic@1000/1000`).
    fn from_str(spec: &str) -> Result<Self, String> {
        let (fault, when) = spec.split_once('@').ok_or_else(|| format!("{spec:?}: expected KIND@FRAME"))?;
        if !matches!(fault, "panic" | "loop" | "oom") {
            return Err(format!("{fault:?}: the faults are panic, loop and oom"));
        }
        let number = |text: &str| text.parse::<u64>().map_err(|_| format!("{text:?} is not a frame number"));
        let (frame, every) = match when.split_once('/') {
            Some((frame, every)) => (number(frame)?, Some(number(every)?.max(1))),
            None => (number(when)?, None),
        };
        Ok(Self { fault: fault.to_owned(), frame, every })
    }
}

impl InjectedFault {
    /// True when the fault is posted on frame `index`.
    pub fn due(&self, index: u64) -> bool {
        match self.every {
            Some(every) => index >= self.frame && (index - self.frame).is_multiple_of(every),
            None => index == self.frame,
        }
    }
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            headless: false,
            size: (1920, 1080),
            keys: Vec::new(),
            key_interval: 1,
            frames: None,
            screenshot: None,
            dump_dir: None,
            quiet: false,
            assets: PathBuf::from("assets"),
            assets_url: None,
            recover: false,
            faults: Vec::new(),
            storage: None,
        }
    }
}

impl RunOptions {
    /// Where relative URLs resolve: [`Self::assets_url`] when set, else [`Self::assets`].
    pub fn asset_root(&self) -> AssetRoot<'_> {
        match &self.assets_url {
            Some(url) => AssetRoot::Url(url),
            None => AssetRoot::Dir(&self.assets),
        }
    }

    /// Frames a headless run makes: `--frames`, else `2 + keys × interval`.
    pub fn headless_frames(&self) -> u64 {
        match self.frames {
            Some(n) => u64::from(n),
            None => 2 + self.keys.len() as u64 * u64::from(self.key_interval.max(1)),
        }
    }

    /// True when a window run should use the virtual clock and the key script (any of
    /// `--keys`, `--frames` or `--screenshot`), so that it matches a headless run.
    pub fn scripted(&self) -> bool {
        !self.keys.is_empty() || self.frames.is_some() || self.screenshot.is_some()
    }

    /// The scripted events of frame `index`: key `j` at frame `1 + j × interval`, as a
    /// `KeyDown` and a `KeyUp`.
    pub fn scripted_events(&self, index: u64) -> Vec<Event> {
        let interval = u64::from(self.key_interval.max(1));
        if index == 0 || !(index - 1).is_multiple_of(interval) {
            return Vec::new();
        }
        match self.keys.get(((index - 1) / interval) as usize) {
            Some(&key) => vec![Event::key_down(key), Event::key_up(key)],
            None => Vec::new(),
        }
    }

    /// True when there is no display to open a window on.
    pub fn no_display() -> bool {
        let set = |name| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        !set("DISPLAY") && !set("WAYLAND_DISPLAY")
    }
}

/// The virtual time of frame `index` in scripted runs: `index × 1_000_000 / 60` µs.
pub fn virtual_time_us(index: u64) -> u64 {
    index * 1_000_000 / 60
}

/// What one frame did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameReport {
    /// Frame number, from 0.
    pub index: u64,
    /// The time handed to the source.
    pub time_us: u64,
    /// Events delivered.
    pub events: usize,
    /// Commands in the list.
    pub commands: u32,
    /// Bytes in the list.
    pub bytes: usize,
    /// Time spent in the source (the bundle's `touchline_frame` and the copy).
    pub engine_us: u64,
    /// Time spent rendering.
    pub render_us: u64,
    /// The list said the pixels did not change.
    pub unchanged: bool,
}

impl std::fmt::Display for FrameReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "frame {:04} t={}.{:03}ms events={} commands={} bytes={} engine_us={}",
            self.index,
            self.time_us / 1000,
            self.time_us % 1000,
            self.events,
            self.commands,
            self.bytes,
            self.engine_us
        )
    }
}

/// A source, its renderer and the run's bookkeeping.
pub struct Session {
    source: Box<dyn FrameSource>,
    renderer: Renderer,
    options: RunOptions,
    launch: Instant,
    next_index: u64,
    engine_us: Vec<u64>,
    render_us: Vec<u64>,
    first_frame_ms: Option<f64>,
    /// Answers to requests, for the next frames' events.
    answers: VecDeque<Answer>,
    /// Network fetches on worker threads.
    fetcher: Fetcher,
    /// Images under a URL asset root, fetched on worker threads by handle, with the URL the
    /// bundle asked for (for the warning line).
    image_fetcher: Fetcher,
    image_urls: std::collections::HashMap<u32, String>,
    /// The input of the frame being run (kept for its allocations).
    input: HostInput,
    images_loaded: u64,
    images_failed: u64,
    announcements: Announcements,
    recovery: RecoveryState,
    /// The app's storage area (ABI 1.5).
    storage: crate::storage::AppStorage,
    /// Hand the storage area to the next frame (an instance's first).
    storage_next: bool,
    bus: HostBus,
    /// Decides what runs after start-up traps (a delivered bundle: demotion).
    guard: Option<Box<dyn SourceGuard>>,
    /// The legacy JS VM, when the run has a script.
    js: Option<crate::legacy_js::LegacyJs>,
    /// The JS VM's reports on their way to the collector.
    reports: Fetcher,
    next_report: u32,
    reports_sent: u64,
    reports_failed: u64,
    /// The open video and its clock (ABI 1.6).
    video: crate::video::Video,
    /// The last frame's display list, kept for tools that read it (the designer preview).
    kept_list: Option<Vec<u8>>,
}

/// What a host that knows where its bundle came from decides when it misbehaves: the
/// delivered-bundle runner ([`crate::launch`]) demotes a bundle that keeps trapping at
/// start-up and runs the previous good one.
pub trait SourceGuard {
    /// The source trapped before it had run [`STARTUP_FRAMES`] frames. `Ok(None)`: restart it;
    /// `Ok(Some(source))`: run this one instead (from a fresh start); an error ends the run.
    fn startup_trap(&mut self) -> Result<Option<Box<dyn FrameSource>>, HostError>;
    /// The source ran [`STARTUP_FRAMES`] frames: it is good.
    fn started(&mut self);
    /// Fields for the `summary:` line, each with its leading space.
    fn summary(&self) -> String {
        String::new()
    }
}

/// One trap the session recovered from.
#[derive(Clone, Debug, PartialEq)]
pub struct Crash {
    /// The frame that trapped (it shows the previous frame's pixels).
    pub frame: u64,
    /// What ended the instance.
    pub kind: crate::bundle::TrapKind,
    /// The trap's message.
    pub message: String,
    /// Milliseconds from the trap (the call returning it) to the new instance's first frame on
    /// screen: the restart, the restore and that frame.
    pub recovery_ms: f64,
    /// The new instance was given the saved state.
    pub restored: bool,
    /// The new instance started from the start-up snapshot (init did not run again).
    pub from_snapshot: bool,
}

#[derive(Debug, Default)]
struct RecoveryState {
    /// The latest `SaveState` bytes.
    saved: Option<Vec<u8>>,
    saves: u64,
    /// Hand the saved state to the next frame.
    restore_next: bool,
    /// Frames run by the current instance.
    frames_since_start: u64,
    /// Start-up traps in a row.
    startup_traps: u32,
    crashes: Vec<Crash>,
    /// When the last trap happened, until the next good frame.
    recovering_since: Option<(Instant, usize)>,
}

/// The host's two bus queues and their counters.
#[derive(Debug, Default)]
struct HostBus {
    to_bundle: VecDeque<(touchline_abi::BusSource, Vec<u8>)>,
    to_js: VecDeque<String>,
    /// Messages dropped because a queue was full or a message too large.
    dropped: u64,
    /// Messages from the bundle that were not JSON objects with a string `type`.
    malformed: u64,
    /// Messages the bundle posted (valid ones).
    from_bundle: u64,
}

impl HostBus {
    fn queue_for_bundle(&mut self, source: touchline_abi::BusSource, text: Vec<u8>) {
        if self.to_bundle.len() >= MAX_QUEUED_MESSAGES
            || text.len() > touchline_abi::MAX_BUS_MESSAGE_BYTES as usize
        {
            self.dropped += 1;
            return;
        }
        self.to_bundle.push_back((source, text));
    }

    fn queue_for_js(&mut self, text: String) {
        if self.to_js.len() >= MAX_QUEUED_MESSAGES {
            self.dropped += 1;
            return;
        }
        self.to_js.push_back(text);
    }
}

/// True when `text` is a JSON object with a string `"type"`: what a bus message must be.
pub fn is_bus_message(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .is_some_and(|value| value.get("type").is_some_and(serde_json::Value::is_string))
}

/// An answer waiting for a frame: an event, the body of a `FetchDone`, and the `fetch:` line
/// printed when it is delivered.
#[derive(Debug)]
struct Answer {
    event: Event,
    body: Vec<u8>,
    line: Option<String>,
}

impl Answer {
    fn event(event: Event) -> Self {
        Self { event, body: Vec::new(), line: None }
    }

    /// True when this answers fetch `id`.
    fn answers_fetch(&self, id: u32) -> bool {
        let kind = EventKind::from_u32(self.event.kind);
        matches!(kind, Some(EventKind::FetchDone | EventKind::FetchFailed)) && self.event.a == id
    }
}

/// The run's announcements: the latest [`KEPT_ANNOUNCEMENTS`], oldest first, as printed, and
/// how many there were in all.
#[derive(Debug, Default)]
struct Announcements {
    kept: Vec<String>,
    count: u64,
}

impl Announcements {
    /// Speaks `text`: prints its `announce:` line (control characters shown as `?`) and keeps
    /// it, forgetting the oldest one kept when there are [`KEPT_ANNOUNCEMENTS`].
    fn speak(&mut self, text: &str) {
        let line = printable(text);
        println!("announce: {line}");
        self.count += 1;
        if self.kept.len() == KEPT_ANNOUNCEMENTS {
            // 64 pointers to move: cheap, and the kept ones stay one slice.
            self.kept.remove(0);
        }
        self.kept.push(line);
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("renderer", &self.renderer)
            .field("options", &self.options)
            .field("next_index", &self.next_index)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// A session over `source`, rendering at its viewport. `launch` is when the process (or
    /// the run) started, for `launch_to_first_frame_ms`.
    pub fn new(
        source: Box<dyn FrameSource>,
        options: RunOptions,
        launch: Instant,
    ) -> Result<Self, HostError> {
        let (width, height) = source.viewport();
        let renderer = Renderer::new(width, height)?;
        let storage = crate::storage::AppStorage::open(options.storage.clone());
        if let Some(dir) = &options.dump_dir {
            std::fs::create_dir_all(dir)
                .map_err(|e| HostError::Output { path: dir.clone(), message: e.to_string() })?;
        }
        Ok(Self {
            source,
            renderer,
            options,
            launch,
            next_index: 0,
            engine_us: Vec::new(),
            render_us: Vec::new(),
            first_frame_ms: None,
            answers: VecDeque::new(),
            fetcher: Fetcher::default(),
            image_fetcher: Fetcher::default(),
            image_urls: std::collections::HashMap::new(),
            input: HostInput::new(),
            images_loaded: 0,
            images_failed: 0,
            announcements: Announcements::default(),
            recovery: RecoveryState::default(),
            storage,
            storage_next: true,
            bus: HostBus::default(),
            guard: None,
            js: None,
            reports: Fetcher::default(),
            next_report: 0,
            reports_sent: 0,
            reports_failed: 0,
            video: crate::video::Video::default(),
            kept_list: None,
        })
    }

    /// The last error the running source logged (a bundle's panic message).
    pub fn source_error_log(&self) -> Option<&str> {
        self.source.last_error_log()
    }

    /// Keeps each frame's display list for [`Session::display_list`].
    pub fn keep_display_list(&mut self) {
        self.kept_list.get_or_insert_with(Vec::new);
    }

    /// The last frame's display list, when kept ([`Session::keep_display_list`]).
    pub fn display_list(&self) -> Option<&[u8]> {
        self.kept_list.as_deref()
    }

    /// Runs `source` instead of the current source from the next frame, as a restart would:
    /// its first frame gets the storage area and the state the old one saved, so it shows the
    /// same pages with focus where it was. Answers, images and the video of the old instance
    /// are dropped (the new one asks again); the renderer follows the new viewport.
    pub fn replace_source(&mut self, source: Box<dyn FrameSource>) -> Result<(), HostError> {
        let (width, height) = source.viewport();
        self.renderer = Renderer::new(width, height)?;
        self.source = source;
        self.answers.clear();
        self.fetcher = Fetcher::default();
        self.image_fetcher = Fetcher::default();
        self.image_urls.clear();
        self.begin_instance(self.recovery.saved.is_some());
        self.recovery.startup_traps = 0;
        Ok(())
    }

    /// A new instance of the source starts with the next frame (a restart or a replacement):
    /// it gets the storage area and, when `restore`, the saved state; it knows of no video.
    fn begin_instance(&mut self, restore: bool) {
        self.recovery.restore_next = restore;
        self.storage_next = true;
        self.video.reset();
        self.recovery.frames_since_start = 0;
    }

    /// Lets `guard` decide what runs after start-up traps (and hear when the source started).
    pub fn set_guard(&mut self, guard: Box<dyn SourceGuard>) {
        self.guard = Some(guard);
    }

    /// Runs the legacy JS VM beside the bundle: after each frame it gets what the bundle
    /// posted, then a tick; what it posts goes to the bundle with the next frame.
    pub fn set_legacy_js(&mut self, js: crate::legacy_js::LegacyJs) {
        self.js = Some(js);
    }

    /// The legacy JS VM, if the run has one.
    pub fn legacy_js(&self) -> Option<&crate::legacy_js::LegacyJs> {
        self.js.as_ref()
    }

    /// `(sent, failed)` reports the legacy JS sent to its collector so far.
    pub fn reports(&self) -> (u64, u64) {
        (self.reports_sent, self.reports_failed)
    }

    /// The source's memory (a bundle's linear memory), if it knows.
    pub fn source_memory_bytes(&self) -> Option<usize> {
        self.source.memory_bytes()
    }

    /// The traps recovered from so far.
    pub fn crashes(&self) -> &[Crash] {
        &self.recovery.crashes
    }

    /// The state the bundle last handed over (`SaveState`, ABI 1.4).
    pub fn saved_state(&self) -> Option<&[u8]> {
        self.recovery.saved.as_deref()
    }

    /// Sets the state the next instance starts from (a host restoring a saved session).
    pub fn set_saved_state(&mut self, state: Vec<u8>) {
        self.recovery.saved = Some(state);
    }

    /// The open video (ABI 1.6): its position and state, for scripted tests.
    pub fn video(&self) -> &crate::video::Video {
        &self.video
    }

    /// Takes the messages the bundle posted for the legacy JS VM, oldest first.
    pub fn messages_to_js(&mut self) -> Vec<String> {
        self.bus.to_js.drain(..).collect()
    }

    /// Queues a message for the bundle (from the JS VM, or the host's own); delivered with
    /// the next frame. Dropped and counted when the queue is full or it is too large.
    pub fn post_to_bundle(&mut self, source: touchline_abi::BusSource, text: &str) {
        self.bus.queue_for_bundle(source, text.as_bytes().to_vec());
    }

    /// `(dropped, malformed)` bus messages so far.
    pub fn bus_counters(&self) -> (u64, u64) {
        (self.bus.dropped, self.bus.malformed)
    }

    /// The options.
    pub fn options(&self) -> &RunOptions {
        &self.options
    }

    /// The renderer, whose pixmap is the last good frame.
    pub fn renderer(&self) -> &Renderer {
        &self.renderer
    }

    /// Index of the next frame.
    pub fn next_index(&self) -> u64 {
        self.next_index
    }

    /// Answers to requests not yet delivered.
    pub fn pending_answers(&self) -> usize {
        self.answers.len()
    }

    /// Network fetches started or queued and not yet answered (nor cancelled).
    pub fn fetches_in_flight(&self) -> usize {
        self.fetcher.live()
    }

    /// Images under a URL asset root being fetched, not yet answered (nor unloaded).
    pub fn images_in_flight(&self) -> usize {
        self.image_fetcher.live()
    }

    /// The run's latest announcements (`Announce` requests, ABI 1.2), oldest first, at most
    /// [`KEPT_ANNOUNCEMENTS`], each as printed on its `announce:` line (control characters
    /// shown as `?`).
    pub fn announcements(&self) -> &[String] {
        &self.announcements.kept
    }

    /// How many announcements the run has made, including those no longer kept.
    pub fn announcement_count(&self) -> u64 {
        self.announcements.count
    }

    /// Runs frame [`Self::next_index`]: the source over `events` and the answers to earlier
    /// requests (network fetches that finished since the last frame included), the dump, the
    /// renderer, the frame's requests, the frame line.
    pub fn step(&mut self, time_us: u64, events: &[Event]) -> Result<FrameReport, HostError> {
        let index = self.next_index;
        self.next_index += 1;
        self.collect_fetches();
        self.collect_images(index);
        self.input.clear();
        let speaks_1_4 = self.source.abi_version() >= (1, 4);
        let speaks_1_6 = self.source.abi_version() >= (1, 6);
        self.video.advance(time_us);
        self.queue_video_events();
        // A starting instance's first frame: the storage area first, then any saved state.
        if std::mem::take(&mut self.storage_next)
            && self.source.abi_version() >= (1, 5)
            && let Some(data) = self.storage.data()
        {
            // The area is bounded when it is read and when it is written.
            let _ = self.input.push_storage_data(data);
        }
        if std::mem::take(&mut self.recovery.restore_next)
            && speaks_1_4
            && let Some(state) = &self.recovery.saved
            && self.input.push_restore_state(state).is_err()
        {
            eprintln!("warning: frame {index:04}: the saved state is too large to restore");
        }
        for &event in events.iter().take(MAX_EVENTS_PER_FRAME) {
            self.input.push(event);
        }
        for fault in self.options.faults.iter().filter(|f| f.due(index)) {
            let text = serde_json::json!({ "type": "touchline.fault", "fault": fault.fault }).to_string();
            self.bus.queue_for_bundle(touchline_abi::BusSource::Host, text.into_bytes());
        }
        if speaks_1_4 {
            while let Some((source, text)) = self.bus.to_bundle.front() {
                let payload = self.input.payload.len() + padded_len(text.len());
                if self.input.events.len() >= MAX_EVENTS_PER_FRAME
                    || payload > MAX_INPUT_PAYLOAD_BYTES as usize
                {
                    break;
                }
                // Too large was refused when it was queued.
                let _ = self.input.push_bus_message(*source, text);
                self.bus.to_bundle.pop_front();
            }
        }
        // Answers in order, while they fit; the first that does not waits with the rest.
        while let Some(answer) = self.answers.front() {
            let payload = self.input.payload.len() + padded_len(answer.body.len());
            if self.input.events.len() >= MAX_EVENTS_PER_FRAME || payload > MAX_INPUT_PAYLOAD_BYTES as usize {
                break;
            }
            let Some(answer) = self.answers.pop_front() else { break };
            if let Some(line) = &answer.line {
                println!("{line}");
            }
            if answer.event.kind == EventKind::FetchDone as u32 {
                self.input.push_fetch_done(answer.event.a, answer.event.b as u32, &answer.body);
            } else {
                self.input.push(answer.event);
            }
        }
        if speaks_1_6
            && self.input.events.len() < MAX_EVENTS_PER_FRAME
            && let Some(position) = self.video.position_event()
        {
            self.input.push(position);
        }
        let batch_len = self.input.events.len();
        let started = Instant::now();
        let list = match self.source.frame(time_us, &self.input.events, &self.input.payload) {
            Ok(list) => list,
            Err(error @ HostError::Trap { .. }) if self.options.recover => {
                return self.recover(index, time_us, batch_len, started, &error);
            }
            Err(error) => return Err(error),
        };
        let engine_us = started.elapsed().as_micros() as u64;
        if let Some(dir) = &self.options.dump_dir {
            let path = dir.join(format!("frame-{index:04}.tldl"));
            std::fs::write(&path, list).map_err(|e| HostError::Output { path, message: e.to_string() })?;
        }
        let started = Instant::now();
        // Decode only for a list that shows the video: a hidden surface costs nothing.
        let shown = self.video.is_open() && self.renderer.shows_video(list);
        let picture = shown
            .then(|| self.video.picture())
            .flatten()
            .map(|(pixmap, changed)| VideoPicture { pixmap, changed });
        let stats = self.renderer.render_with_video(list, picture)?;
        let render_us = started.elapsed().as_micros() as u64;
        // An unchanged frame's list only says so: the kept one is still what is on screen.
        if let Some(kept) = self.kept_list.as_mut().filter(|_| !stats.unchanged) {
            kept.clear();
            kept.extend_from_slice(list);
        }
        let bytes = list.len();
        self.answer_requests(index, time_us);
        self.queue_video_events();
        self.run_legacy_js(time_us);
        let report = FrameReport {
            index,
            time_us,
            events: batch_len,
            commands: stats.commands,
            bytes,
            engine_us,
            render_us,
            unchanged: stats.unchanged,
        };
        self.engine_us.push(engine_us);
        self.render_us.push(render_us);
        if self.first_frame_ms.is_none() {
            self.first_frame_ms = Some(self.launch.elapsed().as_secs_f64() * 1000.0);
        }
        self.recovery.frames_since_start += 1;
        if self.recovery.frames_since_start == STARTUP_FRAMES {
            self.recovery.startup_traps = 0;
            if let Some(guard) = &mut self.guard {
                guard.started();
            }
        }
        if let Some((since, crash)) = self.recovery.recovering_since.take()
            && let Some(crash) = self.recovery.crashes.get_mut(crash)
        {
            crash.recovery_ms = since.elapsed().as_secs_f64() * 1000.0;
        }
        if !self.options.quiet {
            println!("{report}");
        }
        Ok(report)
    }

    /// After a trap in frame `index`: restarts the source, hands its first frame the saved
    /// state (unless it already trapped at start-up twice in a row: the state may be what
    /// kills it), tells the JS VM, and reports the frame as unchanged: the last good pixels
    /// stay. Gives up (the error) after [`MAX_STARTUP_TRAPS`] start-up traps in a row.
    fn recover(
        &mut self,
        index: u64,
        time_us: u64,
        events: usize,
        trapped_at: Instant,
        error: &HostError,
    ) -> Result<FrameReport, HostError> {
        // Recovery is timed from the trap (a watchdog trap comes a frame budget after the
        // frame began: that is detection, not recovery).
        let trap_returned = Instant::now();
        let kind = self.source.trap_kind().unwrap_or(crate::bundle::TrapKind::Fault);
        let message = match error {
            HostError::Trap { message, .. } => message.clone(),
            other => other.to_string(),
        };
        eprintln!("{}", frame_error_line(index, error));
        let startup = self.recovery.frames_since_start < STARTUP_FRAMES;
        self.recovery.startup_traps = if startup { self.recovery.startup_traps + 1 } else { 1 };
        let replacement = match &mut self.guard {
            Some(guard) if startup => guard.startup_trap()?,
            _ if startup && self.recovery.startup_traps >= MAX_STARTUP_TRAPS => {
                return Err(HostError::StartupTraps { count: self.recovery.startup_traps, last: message });
            }
            _ => None,
        };
        let begun = Instant::now();
        let restart_ms = match replacement {
            // Another bundle: it starts fresh, without the state the failed one saved.
            Some(source) => {
                self.source = source;
                self.recovery.startup_traps = 0;
                self.recovery.saved = None;
                begun.elapsed().as_secs_f64() * 1000.0
            }
            None => self.source.restart()?,
        };
        let restored = self.recovery.saved.is_some() && self.recovery.startup_traps < 2;
        self.begin_instance(restored);
        println!(
            "recovered: frame {index:04}: {} ({}); restarted in {restart_ms:.1} ms{}{}",
            kind.name(),
            first_line(&message),
            if self.source.started_from_snapshot() { " from the start-up snapshot" } else { "" },
            if restored { ", restoring the saved state" } else { "" }
        );
        let telemetry = serde_json::json!({
            "type": "crash",
            "frame": index,
            "kind": kind.name(),
            "message": first_line(&message),
            "restart_ms": restart_ms,
        });
        self.bus.queue_for_js(telemetry.to_string());
        let from_snapshot = self.source.started_from_snapshot();
        self.recovery.crashes.push(Crash {
            frame: index,
            kind,
            message,
            recovery_ms: f64::NAN,
            restored,
            from_snapshot,
        });
        self.recovery.recovering_since = Some((trap_returned, self.recovery.crashes.len() - 1));
        let report = FrameReport {
            index,
            time_us,
            events,
            commands: 0,
            bytes: 0,
            engine_us: trapped_at.elapsed().as_micros() as u64,
            render_us: 0,
            unchanged: true,
        };
        if !self.options.quiet {
            println!("{report}");
        }
        Ok(report)
    }

    /// Carries out the requests of frame `index`: loads and frees images, queues the answers.
    /// A malformed record is reported on stderr and ends the reading; the frame stands.
    fn answer_requests(&mut self, index: u64, time_us: u64) {
        let bytes = self.source.requests();
        if bytes.is_empty() {
            return;
        }
        for request in read_requests(bytes) {
            match request {
                Ok(Request::LoadImage { handle, url }) => {
                    // A new load replaces one still in flight under the handle.
                    self.image_fetcher.cancel(handle);
                    self.image_urls.remove(&handle);
                    let pixmap = match images::locate(self.options.asset_root(), url) {
                        Ok(Located::Http(location)) => {
                            let (get, limit) = (FetchMethod::Get, images::MAX_IMAGE_FILE_BYTES);
                            let timeout = IMAGE_HTTP_TIMEOUT;
                            self.image_fetcher.start_limited(handle, get, timeout, &location, &[], limit);
                            self.image_urls.insert(handle, url.to_owned());
                            continue;
                        }
                        Ok(Located::File(path)) => images::load_file(&path),
                        Err(error) => Err(error),
                    };
                    let mut sink = ImageSink {
                        renderer: &mut self.renderer,
                        answers: &mut self.answers,
                        loaded: &mut self.images_loaded,
                        failed: &mut self.images_failed,
                    };
                    sink.answer(index, handle, url, pixmap);
                }
                Ok(Request::UnloadImage { handle }) => {
                    self.renderer.images_mut().remove(handle);
                    // A load still in flight is dropped: it is never answered.
                    self.image_fetcher.cancel(handle);
                    self.image_urls.remove(&handle);
                }
                Ok(Request::Announce { text }) => self.announcements.speak(text),
                Ok(Request::Fetch { id, method, timeout_ms, url, body }) => {
                    let fetch = FetchRequest { id, method, timeout_ms, url, body };
                    start_fetch(&mut self.fetcher, &mut self.answers, &self.options, &fetch);
                }
                Ok(Request::CancelFetch { id }) => cancel_fetch(&mut self.fetcher, &mut self.answers, id),
                Ok(Request::SaveState { state }) => {
                    self.recovery.saved = Some(state.to_vec());
                    self.recovery.saves += 1;
                }
                Ok(Request::PostMessage { text }) => {
                    if is_bus_message(text) {
                        self.bus.from_bundle += 1;
                        self.bus.queue_for_js(text.to_owned());
                    } else {
                        self.bus.malformed += 1;
                        eprintln!(
                            "warning: frame {index:04}: the bundle posted a malformed bus message: {}",
                            printable(&text.chars().take(80).collect::<String>())
                        );
                    }
                }
                Ok(Request::WriteStorage { data }) => self.storage.write(data),
                Ok(Request::OpenVideo { player, url }) => {
                    self.video.open(self.options.asset_root(), player, url, time_us);
                }
                Ok(Request::ControlVideo { player, op, value }) => {
                    self.video.control(player, op, value, time_us)
                }
                Ok(Request::Unknown(_)) => {}
                Err(e) => eprintln!("error: bundle made a malformed request in frame {index}: {e}"),
            }
        }
    }

    fn image_sink(&mut self) -> ImageSink<'_> {
        ImageSink {
            renderer: &mut self.renderer,
            answers: &mut self.answers,
            loaded: &mut self.images_loaded,
            failed: &mut self.images_failed,
        }
    }

    /// Decodes and answers the images under a URL asset root that arrived (in frame `index`,
    /// whose events carry the answers; so do its warning lines).
    fn collect_images(&mut self, index: u64) {
        for finished in self.image_fetcher.poll() {
            let Some(url) = self.image_urls.remove(&finished.id) else { continue };
            let pixmap = images::from_http(finished.outcome);
            self.image_sink().answer(index, finished.id, &url, pixmap);
        }
    }

    /// Queues the video's state changes and failures as answers, in order.
    fn queue_video_events(&mut self) {
        for event in self.video.take_events() {
            self.answers.push_back(Answer::event(event));
        }
    }

    /// Hands the legacy JS VM what the bundle posted, then a tick; queues what it posts for the
    /// bundle and sends its reports. Without a VM the messages wait (bounded) for
    /// [`Self::messages_to_js`].
    fn run_legacy_js(&mut self, time_us: u64) {
        for finished in self.reports.poll() {
            match finished.outcome {
                Ok((status, _)) if (200..300).contains(&status) => self.reports_sent += 1,
                _ => self.reports_failed += 1,
            }
        }
        let Some(js) = &mut self.js else { return };
        for message in self.bus.to_js.drain(..) {
            js.deliver(&message);
        }
        js.tick(time_us as f64 / 1000.0);
        for text in js.take_posts() {
            self.bus.queue_for_bundle(touchline_abi::BusSource::Js, text.into_bytes());
        }
        for post in js.take_http_posts() {
            self.next_report = self.next_report.wrapping_add(1);
            let timeout = std::time::Duration::from_secs(5);
            self.reports.start(self.next_report, FetchMethod::Post, timeout, &post.url, post.body.as_bytes());
        }
    }

    /// Queues the answers of the network fetches that finished.
    fn collect_fetches(&mut self) {
        for finished in self.fetcher.poll() {
            answer_fetch(&mut self.answers, &self.options, finished.id, &finished.url, finished.outcome);
        }
    }

    /// Writes the last good frame as a PNG.
    pub fn write_screenshot(&self, path: &std::path::Path) -> Result<(), HostError> {
        if !self.renderer.has_frame() {
            return Err(HostError::Output {
                path: path.to_path_buf(),
                message: "no frame was rendered".into(),
            });
        }
        screenshot::write_pixmap(path, self.renderer.pixmap())
    }

    /// The `summary:` line.
    pub fn summary(&self) -> String {
        let timings = self.source.timings();
        let (mean, p50, max) = stats(&self.engine_us);
        let (render_mean, _, render_max) = stats(&self.render_us);
        let mut line = format!(
            "summary: frames={} launch_to_first_frame_ms={:.1} compile_ms={:.1} instantiate_ms={:.1} \
             init_ms={:.1} init={} engine_us_mean={mean} engine_us_p50={p50} engine_us_max={max} \
             render_us_mean={render_mean} render_us_max={render_max} images_loaded={} images_failed={} \
             announcements={}",
            self.engine_us.len(),
            self.first_frame_ms.unwrap_or(0.0),
            timings.compile_ms,
            timings.instantiate_ms,
            timings.init_ms,
            if timings.init_from_snapshot { "snapshot" } else { "ran" },
            self.images_loaded,
            self.images_failed,
            self.announcements.count,
        );
        if self.options.storage.is_some() {
            line.push_str(&format!(" storage_writes={}", self.storage.writes));
        }
        if self.video.opened + self.video.failed > 0 {
            line.push_str(&format!(
                " videos_opened={} videos_failed={} video_frames={}",
                self.video.opened,
                self.video.failed,
                self.video.decoded()
            ));
        }
        if let Some(js) = &self.js {
            let c = js.counters();
            line.push_str(&format!(
                " js_errors={} js_malformed={} js_delivered={} js_posted={} js_dropped={} reports_sent={} \
                 reports_failed={}",
                c.errors,
                c.malformed,
                c.delivered,
                c.posted,
                c.dropped,
                self.reports_sent,
                self.reports_failed
            ));
        }
        if let Some(guard) = &self.guard {
            line.push_str(&guard.summary());
        }
        if self.options.recover {
            let recoveries: Vec<f64> =
                self.recovery.crashes.iter().map(|c| c.recovery_ms).filter(|ms| ms.is_finite()).collect();
            let max = recoveries.iter().copied().fold(0.0, f64::max);
            let mean = if recoveries.is_empty() {
                0.0
            } else {
                recoveries.iter().sum::<f64>() / recoveries.len() as f64
            };
            line.push_str(&format!(
                " crashes={} recovered={} recovery_ms_mean={mean:.1} recovery_ms_max={max:.1} state_saves={} \
                 bus_from_bundle={} bus_dropped={} bus_malformed={}",
                self.recovery.crashes.len(),
                recoveries.len(),
                self.recovery.saves,
                self.bus.from_bundle,
                self.bus.dropped,
                self.bus.malformed,
            ));
        }
        line
    }

    /// Runs the headless loop: `headless_frames()` frames on the virtual clock with the key
    /// script, then the screenshot and the summary. A failing frame stops the run with exit
    /// code 3; the last good frame is still written.
    pub fn run_headless(&mut self) -> ExitCode {
        let frames = self.options.headless_frames();
        let code = run_scripted(self, frames, |_, _| {});
        self.finish(code, None)
    }

    /// Writes the screenshot (from `window_pixels` if given, else the last good frame) and
    /// prints the summary; returns the exit code.
    pub fn finish(&self, mut code: u8, window_pixels: Option<(u32, u32, &[u8])>) -> ExitCode {
        if let Some(path) = &self.options.screenshot {
            let written = match window_pixels {
                Some((w, h, rgba)) => screenshot::write_rgba(path, w, h, rgba),
                None => self.write_screenshot(path),
            };
            match written {
                Ok(()) => {}
                Err(e) => {
                    eprintln!("error: {e}");
                    if code == EXIT_OK {
                        code = EXIT_USAGE;
                    }
                }
            }
        }
        println!("{}", self.summary());
        ExitCode::from(code)
    }
}

/// Runs `frames` frames of `stage` on the virtual clock with its session's key script,
/// calling `before(stage, index)` ahead of each. A failing frame is printed and ends the run;
/// returns the exit code.
pub fn run_scripted<S: crate::window::Stage + ?Sized>(
    stage: &mut S,
    frames: u64,
    mut before: impl FnMut(&mut S, u64),
) -> u8 {
    for index in 0..frames {
        before(stage, index);
        let events = stage.session().options().scripted_events(index);
        if let Err(e) = stage.step(virtual_time_us(index), &events) {
            eprintln!("{}", frame_error_line(index, &e));
            return exit_code_for_frame_error(&e);
        }
    }
    EXIT_OK
}

/// The `error:` line for a failed frame, as `docs/host-abi.md` spells it:
/// `error: bundle trapped in frame N: …` for a trap, else `error: <error> (frame N)`.
pub fn frame_error_line(index: u64, error: &HostError) -> String {
    match error {
        HostError::Trap { during, message } => {
            format!("error: bundle trapped in frame {index}: {message} (in {during})")
        }
        other => format!("error: {other} (frame {index})"),
    }
}

/// Exit code for an error from [`Session::step`]: 2 for an unwritable dump, 3 otherwise.
pub fn exit_code_for_frame_error(error: &HostError) -> u8 {
    match error {
        HostError::Output { .. } => EXIT_USAGE,
        _ => EXIT_FRAME_FAILED,
    }
}

/// Where an image's answer goes: the store, the answer queue, the summary's counters.
struct ImageSink<'a> {
    renderer: &'a mut Renderer,
    answers: &'a mut VecDeque<Answer>,
    loaded: &'a mut u64,
    failed: &'a mut u64,
}

impl ImageSink<'_> {
    /// Keeps a loaded image under `handle` and queues `ImageLoaded`, or queues `ImageFailed`
    /// and prints the warning line (frame `index`).
    fn answer(&mut self, index: u64, handle: u32, url: &str, pixmap: Result<tiny_skia::Pixmap, ImageError>) {
        let loaded = pixmap.and_then(|pixmap| {
            let size = (pixmap.width() as i32, pixmap.height() as i32);
            self.renderer.images_mut().insert(handle, pixmap).map(|()| size)
        });
        match loaded {
            Ok((width, height)) => {
                *self.loaded += 1;
                self.answers.push_back(Answer::event(Event::image_loaded(handle, width, height)));
            }
            Err(error) => {
                *self.failed += 1;
                eprintln!(
                    "warning: frame {index:04}: image {handle} ({}): {}",
                    printable(url),
                    images::error_name(error)
                );
                self.answers.push_back(Answer::event(Event::image_failed(handle, error)));
            }
        }
    }
}

/// A decoded `Fetch` request.
struct FetchRequest<'a> {
    id: u32,
    method: FetchMethod,
    timeout_ms: u32,
    url: &'a str,
    body: &'a [u8],
}

/// Starts a fetch: files are read now and answered with the next frame; network URLs go to
/// the worker threads. A fetch already under the same id is cancelled first.
fn start_fetch(
    fetcher: &mut Fetcher,
    answers: &mut VecDeque<Answer>,
    options: &RunOptions,
    fetch: &FetchRequest<'_>,
) {
    cancel_fetch(fetcher, answers, fetch.id);
    let outcome = match fetch::resolve(options.asset_root(), fetch.url) {
        Ok(Target::File(path)) => fetch::fetch_file(&path),
        Ok(Target::Http(url)) => {
            fetcher.start(fetch.id, fetch.method, fetch::timeout(fetch.timeout_ms), &url, fetch.body);
            return;
        }
        Err(error) => Err(error),
    };
    answer_fetch(answers, options, fetch.id, fetch.url, outcome);
}

/// Drops fetch `id`: running, queued, or answered and not yet delivered.
fn cancel_fetch(fetcher: &mut Fetcher, answers: &mut VecDeque<Answer>, id: u32) {
    fetcher.cancel(id);
    answers.retain(|answer| !answer.answers_fetch(id));
}

/// Queues a fetch's answer, with its `fetch:` line unless the run is `--quiet`.
fn answer_fetch(
    answers: &mut VecDeque<Answer>,
    options: &RunOptions,
    id: u32,
    url: &str,
    outcome: fetch::Outcome,
) {
    let outcome = match outcome {
        Ok((_, body)) if body.len() > MAX_FETCH_BODY_BYTES as usize => Err(FetchError::TooLarge),
        other => other,
    };
    let line = (!options.quiet).then(|| fetch_line(url, &outcome));
    answers.push_back(match outcome {
        Ok((status, body)) => Answer { event: Event::fetch_done(id, status, body.len() as u32), body, line },
        Err(error) => Answer { line, ..Answer::event(Event::fetch_failed(id, error)) },
    });
}

/// The line a fetch's answer prints: `fetch: URL -> 200 (1234 bytes)` or
/// `fetch: URL -> failed: timeout` (control characters in the URL shown as `?`).
pub fn fetch_line(url: &str, outcome: &fetch::Outcome) -> String {
    match outcome {
        Ok((status, body)) => format!("fetch: {} -> {status} ({} bytes)", printable(url), body.len()),
        Err(error) => format!("fetch: {} -> failed: {}", printable(url), error.name()),
    }
}

/// The first line of `text`.
fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// `text` with control characters replaced by `?`, safe to print on a terminal.
fn printable(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { '?' } else { c }).collect()
}

/// `(mean, p50, max)` of the samples, 0s when empty.
fn stats(samples: &[u64]) -> (u64, u64, u64) {
    if samples.is_empty() {
        return (0, 0, 0);
    }
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let mean = sorted.iter().sum::<u64>() / sorted.len() as u64;
    (mean, sorted[sorted.len() / 2], sorted[sorted.len() - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_script_timing() {
        let opts =
            RunOptions { keys: vec![Key::Right, Key::Select], key_interval: 3, ..RunOptions::default() };
        assert_eq!(opts.headless_frames(), 8);
        assert!(opts.scripted_events(0).is_empty());
        assert_eq!(opts.scripted_events(1), vec![Event::key_down(Key::Right), Event::key_up(Key::Right)]);
        assert!(opts.scripted_events(2).is_empty());
        assert!(opts.scripted_events(3).is_empty());
        assert_eq!(opts.scripted_events(4), vec![Event::key_down(Key::Select), Event::key_up(Key::Select)]);
        assert!(opts.scripted_events(7).is_empty());
        assert_eq!(virtual_time_us(3), 50_000);
    }

    #[test]
    fn frame_line_format() {
        let r = FrameReport {
            index: 3,
            time_us: 50_000,
            events: 2,
            commands: 57,
            bytes: 12345,
            engine_us: 123,
            render_us: 9,
            unchanged: false,
        };
        assert_eq!(r.to_string(), "frame 0003 t=50.000ms events=2 commands=57 bytes=12345 engine_us=123");
    }

    /// A native source whose frame `i` makes the announcements `script[i]`.
    struct Announcer {
        script: Vec<Vec<String>>,
        frame: usize,
        list: touchline_abi::DisplayListWriter,
        requests: touchline_abi::RequestWriter,
    }

    impl FrameSource for Announcer {
        fn viewport(&self) -> (u32, u32) {
            (16, 16)
        }
        fn frame(&mut self, _: u64, events: &[Event], _: &[u8]) -> Result<&[u8], HostError> {
            assert!(events.is_empty(), "announcements are not answered: {events:?}");
            self.requests.clear();
            for text in self.script.get(self.frame).into_iter().flatten() {
                self.requests.announce(text);
            }
            self.frame += 1;
            self.list.begin(16, 16, 0);
            Ok(self.list.finish())
        }
        fn requests(&self) -> &[u8] {
            self.requests.bytes()
        }
    }

    #[test]
    fn announcements_are_kept_bounded_and_counted() {
        let many: Vec<String> = (0..70).map(|i| format!("item {i}")).collect();
        let source = Announcer {
            script: vec![
                vec!["Tile 3, button, 3 of 12".into()],
                vec![],
                vec!["Équipe à domicile".into(), "bell\u{7} tab\t next\u{85}line".into()],
                many,
            ],
            frame: 0,
            list: touchline_abi::DisplayListWriter::new(),
            requests: touchline_abi::RequestWriter::default(),
        };
        let options = RunOptions { headless: true, quiet: true, ..RunOptions::default() };
        let mut session = Session::new(Box::new(source), options, Instant::now()).expect("session");
        session.step(virtual_time_us(0), &[]).expect("frame 0");
        assert_eq!(session.announcements(), ["Tile 3, button, 3 of 12"]);
        session.step(virtual_time_us(1), &[]).expect("frame 1");
        session.step(virtual_time_us(2), &[]).expect("frame 2");
        assert_eq!(
            session.announcements(),
            ["Tile 3, button, 3 of 12", "Équipe à domicile", "bell? tab? next?line"]
        );
        assert_eq!(session.pending_answers(), 0, "not answered");
        assert!(session.summary().ends_with(" images_failed=0 announcements=3"), "{}", session.summary());

        // 73 in all: the latest 64 are kept, oldest first; all are counted.
        session.step(virtual_time_us(3), &[]).expect("frame 3");
        let kept = session.announcements();
        assert_eq!(kept.len(), KEPT_ANNOUNCEMENTS);
        assert_eq!(kept[0], "item 6");
        assert_eq!(kept[KEPT_ANNOUNCEMENTS - 1], "item 69");
        assert_eq!(session.announcement_count(), 73);
        assert!(session.summary().ends_with(" announcements=73"), "{}", session.summary());
    }

    #[test]
    fn stats_of_samples() {
        assert_eq!(stats(&[]), (0, 0, 0));
        assert_eq!(stats(&[5, 1, 3]), (3, 3, 5));
    }
}
