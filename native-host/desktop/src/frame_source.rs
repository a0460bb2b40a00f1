//! [`FrameSource`]: whatever produces display lists, a bundle or a natively compiled app.

use touchline_abi::Event;

use crate::HostError;

/// What the source spent before its first frame, for the `summary:` line.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SourceTimings {
    /// Compiling the module (0 for native sources).
    pub compile_ms: f64,
    /// Instantiating it, `_initialize` included (0 for native sources).
    pub instantiate_ms: f64,
    /// `touchline_init` (or the native equivalent), or copying in the start-up snapshot.
    pub init_ms: f64,
    /// Whether the source started from a start-up snapshot instead of running its init.
    pub init_from_snapshot: bool,
}

/// Produces one display list per frame.
///
/// The host calls [`FrameSource::frame`] once per frame with the frame's virtual (scripted
/// runs) or real (interactive runs) time, the events since the last frame (input, then
/// answers to requests) and the payload area after them (ABI 1.3: the bodies of the batch's
/// `FetchDone` events, each padded to 4, as `touchline_abi::fetch_bodies` reads them), and
/// renders the returned bytes, a display list as in `docs/host-abi.md`. The bytes are
/// borrowed until the next call; a native app can return its `DisplayListWriter::finish()`.
pub trait FrameSource {
    /// The viewport the source was built for, `(width, height)` in pixels.
    fn viewport(&self) -> (u32, u32);

    /// Runs one frame over `events` and the `payload` area after them, and returns its
    /// display list.
    fn frame(&mut self, time_us: u64, events: &[Event], payload: &[u8]) -> Result<&[u8], HostError>;

    /// Load timings for the summary line; native sources may keep the default (zeros).
    fn timings(&self) -> SourceTimings {
        SourceTimings::default()
    }

    /// The requests the last [`FrameSource::frame`] made (ABI 1.1): encoded request records,
    /// as `touchline_abi::read_requests` decodes them, borrowed until the next frame. The host
    /// reads them after every frame and answers them as events with the next frame's. The
    /// default is none; a bundle hands over what its `touchline_requests` export points at.
    fn requests(&self) -> &[u8] {
        &[]
    }

    /// The `(major, minor)` ABI version the source speaks: the host hands 1.4 events (bus
    /// messages, restored state) only to sources of 1.4 or later. Native sources speak this
    /// build's.
    fn abi_version(&self) -> (u32, u32) {
        (touchline_abi::ABI_VERSION_MAJOR, touchline_abi::ABI_VERSION_MINOR)
    }

    /// Starts the source afresh after a trap (a bundle: a new instance of its module), and
    /// returns how long that took in milliseconds. Sources that cannot say so.
    fn restart(&mut self) -> Result<f64, HostError> {
        Err(HostError::Source("this source cannot be restarted".into()))
    }

    /// What ended the source, after a failed [`FrameSource::frame`] that was a trap.
    fn trap_kind(&self) -> Option<crate::bundle::TrapKind> {
        None
    }

    /// The last error the source logged (a bundle's panic message, before its trap).
    fn last_error_log(&self) -> Option<&str> {
        None
    }

    /// Whether the running instance started from a start-up snapshot (docs/host-abi.md)
    /// rather than running its init.
    fn started_from_snapshot(&self) -> bool {
        false
    }

    /// Bytes of memory the source's code has (a bundle: its linear memory), if it knows.
    fn memory_bytes(&self) -> Option<usize> {
        None
    }
}

impl<T: FrameSource + ?Sized> FrameSource for Box<T> {
    fn viewport(&self) -> (u32, u32) {
        (**self).viewport()
    }
    fn frame(&mut self, time_us: u64, events: &[Event], payload: &[u8]) -> Result<&[u8], HostError> {
        (**self).frame(time_us, events, payload)
    }
    fn timings(&self) -> SourceTimings {
        (**self).timings()
    }
    fn requests(&self) -> &[u8] {
        (**self).requests()
    }
    fn abi_version(&self) -> (u32, u32) {
        (**self).abi_version()
    }
    fn restart(&mut self) -> Result<f64, HostError> {
        (**self).restart()
    }
    fn trap_kind(&self) -> Option<crate::bundle::TrapKind> {
        (**self).trap_kind()
    }
    fn last_error_log(&self) -> Option<&str> {
        (**self).last_error_log()
    }
    fn started_from_snapshot(&self) -> bool {
        (**self).started_from_snapshot()
    }
    fn memory_bytes(&self) -> Option<usize> {
        (**self).memory_bytes()
    }
}
