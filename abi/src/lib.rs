//! The host ABI: the one definition of everything that crosses between a Touchline bundle
//! and a host.
//!
//! Both hosts read these types: the desktop host through this crate, the C++ device host
//! through `touchline_abi.h`, which `touchline-abi-header-gen` generates from this file with
//! cbindgen during the device host's build. Nothing here is hand-copied anywhere else.
//!
//! Everything is little-endian and 4-byte aligned. See `docs/host-abi.md`.

#![no_std]

extern crate alloc;

pub mod display_list;
pub mod event;
pub mod input;
pub mod request;

pub use display_list::{
    Command, CommandHeader, CommandSummary, DisplayListError, DisplayListHeader, DisplayListReader,
    DisplayListWriter, GlyphQuad, Opcode, command_summary,
};
pub use event::{BusSource, Event, EventKind, FetchError, ImageError, Key, VideoError, VideoState};
pub use input::{
    HostInput, InputError, MAX_BUS_MESSAGE_BYTES, MAX_FETCH_BODY_BYTES, MAX_INPUT_BYTES,
    MAX_INPUT_PAYLOAD_BYTES, MAX_STATE_BYTES, MAX_STORAGE_BYTES, PayloadTooLarge, Payloads, fetch_bodies,
    payloads,
};
pub use request::{
    ControlVideoRequest, DEFAULT_FETCH_TIMEOUT_MS, FetchMethod, FetchRequestError, MAX_ANNOUNCE_BYTES,
    MAX_FETCH_REQUEST_BODY_BYTES, MAX_URL_BYTES, MAX_VIDEO_RATE_MILLI, OpenVideoRequest, PostMessageRequest,
    Request, RequestBuffer, RequestError, RequestWriter, SaveStateRequest, VideoOp, WriteStorageRequest,
    read_requests,
};

/// Major version of the ABI. A host refuses a bundle whose major version differs.
pub const ABI_VERSION_MAJOR: u32 = 1;
/// Minor version of the ABI: additions that older hosts may ignore. Hosts check only the
/// major version, so a 1.2 bundle runs on a 1.1 host and the other way round.
///
/// - 1.1: `LinearGradient` and `Shadow` commands, `Image` drawing, the `touchline_requests`
///   export with `LoadImage` / `UnloadImage`, the `ImageLoaded` / `ImageFailed` events.
/// - 1.2: the `Announce` request (a 1.1 host skips it as an unknown kind).
/// - 1.3: the `Fetch` / `CancelFetch` requests, the `FetchDone` / `FetchFailed` events and
///   the input payload after the event records that carries fetched bodies (an older host
///   skips the requests and never answers them; a 1.2 bundle makes none, so it never gets a
///   payload).
/// - 1.4: the `SaveState` and `PostMessage` requests, the `BusMessage` and `RestoreState`
///   events (both with a payload; a host hands them only to 1.4 bundles, whose payload reader
///   steps over them). An older host skips the requests: nothing is saved or posted.
/// - 1.5: the app's storage area: the `WriteStorage` request and the `StorageData` event (a
///   host hands it only to 1.5 bundles). An older host skips the request: nothing is kept.
/// - 1.6: video: the `OpenVideo` and `ControlVideo` requests, the `VideoState`,
///   `VideoPosition` and `VideoFailed` events (a host hands them only to 1.6 bundles). An older
///   host skips the requests and never answers: the bundle sees no video open.
pub const ABI_VERSION_MINOR: u32 = 6;
/// The version a bundle exports from [`EXPORT_ABI_VERSION`]: `major << 16 | minor`.
pub const ABI_VERSION: u32 = (ABI_VERSION_MAJOR << 16) | ABI_VERSION_MINOR;

/// Splits an exported ABI version into `(major, minor)`.
pub const fn split_abi_version(version: u32) -> (u32, u32) {
    (version >> 16, version & 0xffff)
}

/// The import module a bundle may use besides `wasi_snapshot_preview1`.
pub const HOST_MODULE: &str = "touchline_host";
/// Host import `log(level: i32, ptr: i32, len: i32)`: one UTF-8 log line from the bundle.
pub const IMPORT_LOG: &str = "log";

/// Export `() -> i32`: the bundle's [`ABI_VERSION`]. Callable before initialisation.
pub const EXPORT_ABI_VERSION: &str = "touchline_abi_version";
/// Export `(width: i32, height: i32) -> i32`: builds the app for a viewport;
/// returns a [`Status`].
pub const EXPORT_INIT: &str = "touchline_init";
/// Export `(len: i32) -> i32`: a pointer to a bundle-owned buffer of at least `len` bytes,
/// into which the host writes the frame's input: an array of [`Event`] and, from ABI 1.3, the
/// payload area after it (the bodies of `FetchDone` events; see [`input`]). Returns 0 when
/// `len` exceeds [`MAX_INPUT_BYTES`] (a 1.2 bundle: [`MAX_EVENT_BATCH_BYTES`]).
pub const EXPORT_INPUT_BUFFER: &str = "touchline_input_buffer";
/// Export `(time_us: i64, event_count: i32) -> i32`: runs one frame over the `event_count`
/// events at the start of the input buffer (the rest of the buffer is the payload area);
/// returns a pointer to a [`FrameOutput`], or 0 on failure.
pub const EXPORT_FRAME: &str = "touchline_frame";
/// Export `() -> i32` (ABI 1.1, optional): a pointer to a [`RequestBuffer`] holding the
/// requests the last `touchline_frame` made. A host calls it after every frame when it is
/// exported; the buffer is valid until the next frame.
pub const EXPORT_REQUESTS: &str = "touchline_requests";
/// WASI reactor initialiser; a host calls it once before anything else if it is exported.
pub const EXPORT_WASI_INITIALIZE: &str = "_initialize";

/// The most bytes of event records a host may hand the bundle in one frame (the payload
/// after them has its own limit, [`MAX_INPUT_PAYLOAD_BYTES`]).
pub const MAX_EVENT_BATCH_BYTES: u32 = 64 * 1024;
/// The largest display list a host accepts (bytes).
pub const MAX_DISPLAY_LIST_BYTES: u32 = 64 * 1024 * 1024;
/// The longest log line a host accepts (bytes); longer ones are cut.
pub const MAX_LOG_LINE_BYTES: u32 = 4096;

/// Result codes of the bundle's exports.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Success.
    Ok = 0,
    /// The bundle was already initialised, or a frame came before `init`.
    BadState = -1,
    /// An argument was out of range.
    BadArgument = -2,
}

/// What `touchline_frame` returns a pointer to, in the bundle's linear memory.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameOutput {
    /// Offset of the display list in linear memory.
    pub display_list_ptr: u32,
    /// Length of the display list in bytes.
    pub display_list_len: u32,
    /// [`FRAME_FLAG_UNCHANGED`] and friends.
    pub flags: u32,
    /// Reserved, zero.
    pub reserved: u32,
}

/// Set in [`FrameOutput::flags`] (and the display list header) when the frame's pixels
/// equal the previous frame's: a host may skip rendering and presenting.
pub const FRAME_FLAG_UNCHANGED: u32 = 1;

/// A colour, `0xRRGGBBAA`, straight (not premultiplied) alpha, sRGB.
pub type Rgba = u32;

/// Splits an [`Rgba`] into `[r, g, b, a]`.
pub const fn rgba_components(color: Rgba) -> [u8; 4] {
    color.to_be_bytes()
}
