//! Events a host hands the bundle once per frame.

/// Kinds of [`Event`]. Stored as `u32` in the record so that a host sending an unknown kind
/// is a typed error, not undefined behaviour.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// A remote key went down. `a` is a [`Key`].
    KeyDown = 1,
    /// A remote key came up. `a` is a [`Key`].
    KeyUp = 2,
    /// The viewport changed size: `b` × `c` pixels.
    Resize = 3,
    /// An image asked for with `LoadImage` is decoded: `a` is its handle, `b` × `c` its
    /// size in pixels (ABI 1.1).
    ImageLoaded = 4,
    /// An image could not be loaded: `a` is its handle, `b` an [`ImageError`] (ABI 1.1).
    ImageFailed = 5,
    /// A fetch (the `Fetch` request) got an answer: `a` is its id, `b` the HTTP status (200,
    /// 404, ...), `c` the length of the body in bytes. The body is not in the record: it is in
    /// the payload area after the frame's records (see [`crate::input`]). ABI 1.3.
    FetchDone = 6,
    /// A fetch got no answer: `a` is its id, `b` a [`FetchError`]. ABI 1.3.
    FetchFailed = 7,
    /// A message for the bundle on the bus (from the legacy JS VM, or the host itself): `a` a
    /// [`BusSource`], `c` the length of its UTF-8 JSON text, which is in the payload area
    /// like a fetched body (at most [`crate::MAX_BUS_MESSAGE_BYTES`]). ABI 1.4.
    BusMessage = 8,
    /// The state this bundle handed the host with `SaveState` before its last instance
    /// ended (a trap the host recovered from): `c` the length of the saved bytes, which are
    /// in the payload area (at most [`crate::MAX_STATE_BYTES`]). Only ever the first event
    /// of a restarted instance's first frame. ABI 1.4.
    RestoreState = 9,
    /// The app's storage area as the bundle last wrote it with `WriteStorage`, kept by the host
    /// across launches (docs/host-abi.md, "Storage"): `c` the length of the bytes, which are in
    /// the payload area (at most [`crate::MAX_STORAGE_BYTES`]). The first event of every
    /// instance's first frame when the host holds any. ABI 1.5.
    StorageData = 10,
    /// The video `a` (its player id from `OpenVideo`) changed state: `b` a [`VideoState`], `c`
    /// its duration in milliseconds (0 while unknown). ABI 1.6.
    VideoState = 11,
    /// Where the open video `a` is: `b` its position in milliseconds, `c` the rate it plays at
    /// in thousandths (0 while paused, ended or seeking). Sent in every frame while a video is
    /// open, first in the frame after `OpenVideo`. ABI 1.6.
    VideoPosition = 12,
    /// The video `a` could not be opened or played on: `b` a [`VideoError`]. The video is
    /// closed. ABI 1.6.
    VideoFailed = 13,
}

/// States of a video (ABI 1.6), in [`EventKind::VideoState`] events.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VideoState {
    /// Opened, paused; the duration is known.
    Ready = 0,
    /// Playing.
    Playing = 1,
    /// Paused by a `Pause` request.
    Paused = 2,
    /// Played to the end; paused on the last frame.
    Ended = 3,
    /// Closed by a `Close` request or replaced by another `OpenVideo`.
    Closed = 4,
}

impl VideoState {
    /// The state for a raw value, if known.
    pub const fn from_u32(value: u32) -> Option<Self> {
        Some(match value {
            0 => Self::Ready,
            1 => Self::Playing,
            2 => Self::Paused,
            3 => Self::Ended,
            4 => Self::Closed,
            _ => return None,
        })
    }
}

/// Why a video could not be opened or played (ABI 1.6).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VideoError {
    /// Something else; the host's log says what.
    Other = 0,
    /// Nothing at the URL (a missing file, a 404).
    NotFound = 1,
    /// The file is not a video the host can decode.
    Decode = 2,
    /// The URL breaks the URL rules.
    BadUrl = 3,
    /// The network failed or timed out.
    Network = 4,
}

impl VideoError {
    /// The error for a raw value; unknown values are [`Self::Other`].
    pub const fn from_u32(value: u32) -> Self {
        match value {
            1 => Self::NotFound,
            2 => Self::Decode,
            3 => Self::BadUrl,
            4 => Self::Network,
            _ => Self::Other,
        }
    }
}

/// Who put a [`EventKind::BusMessage`] on the bus (ABI 1.4).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BusSource {
    /// The legacy JS VM (`host.post(...)` in its script).
    Js = 0,
    /// The host itself (telemetry of a recovered crash, test fault injection, ...).
    Host = 1,
}

impl EventKind {
    /// The kind for a raw value, if known.
    pub const fn from_u32(value: u32) -> Option<Self> {
        Some(match value {
            1 => Self::KeyDown,
            2 => Self::KeyUp,
            3 => Self::Resize,
            4 => Self::ImageLoaded,
            5 => Self::ImageFailed,
            6 => Self::FetchDone,
            7 => Self::FetchFailed,
            8 => Self::BusMessage,
            9 => Self::RestoreState,
            10 => Self::StorageData,
            11 => Self::VideoState,
            12 => Self::VideoPosition,
            13 => Self::VideoFailed,
            _ => return None,
        })
    }
}

/// Why a host could not load an image.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageError {
    /// Some other reason (and unknown codes).
    Other = 0,
    /// Nothing at that URL.
    NotFound = 1,
    /// The bytes are not an image the host can decode.
    Decode = 2,
    /// The image is larger than the host accepts.
    TooLarge = 3,
    /// The URL's scheme or form is not supported.
    BadUrl = 4,
}

impl ImageError {
    /// The error for a raw value; unknown values are [`ImageError::Other`].
    pub const fn from_u32(value: u32) -> Self {
        match value {
            1 => Self::NotFound,
            2 => Self::Decode,
            3 => Self::TooLarge,
            4 => Self::BadUrl,
            _ => Self::Other,
        }
    }
}

/// Why a fetch got no answer (ABI 1.3), in [`EventKind::FetchFailed`]'s `b`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchError {
    /// Some other reason (and unknown codes).
    Other = 0,
    /// The connection failed: refused, reset, no such host (DNS), a TLS failure.
    Network = 1,
    /// No complete answer within the fetch's `timeout_ms` (or the host's default, 30 s).
    Timeout = 2,
    /// The URL's scheme or form is not supported, or it escapes the asset root.
    BadUrl = 3,
    /// The body is larger than [`crate::MAX_FETCH_BODY_BYTES`].
    TooLarge = 4,
}

impl FetchError {
    /// The error for a raw value; unknown values are [`FetchError::Other`].
    pub const fn from_u32(value: u32) -> Self {
        match value {
            1 => Self::Network,
            2 => Self::Timeout,
            3 => Self::BadUrl,
            4 => Self::TooLarge,
            _ => Self::Other,
        }
    }

    /// A short lower-case name, as both hosts print it on their `fetch:` lines.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Other => "other",
            Self::Network => "network error",
            Self::Timeout => "timeout",
            Self::BadUrl => "bad URL",
            Self::TooLarge => "too large",
        }
    }
}

/// Remote-control keys.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// D-pad up.
    Up = 1,
    /// D-pad down.
    Down = 2,
    /// D-pad left.
    Left = 3,
    /// D-pad right.
    Right = 4,
    /// OK / Enter / Select.
    Select = 5,
    /// Back.
    Back = 6,
    /// Play/pause.
    PlayPause = 7,
    /// Toggles the engine's inspector overlay.
    Inspector = 8,
}

impl Key {
    /// The key for a raw value, if known.
    pub const fn from_u32(value: u32) -> Option<Self> {
        Some(match value {
            1 => Self::Up,
            2 => Self::Down,
            3 => Self::Left,
            4 => Self::Right,
            5 => Self::Select,
            6 => Self::Back,
            7 => Self::PlayPause,
            8 => Self::Inspector,
            _ => return None,
        })
    }

    /// Parses a key-script name (`up`, `down`, `left`, `right`, `enter`/`select`/`ok`,
    /// `back`, `play`, `inspector`), as hosts' `--keys` flags spell them.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "up" => Self::Up,
            "down" => Self::Down,
            "left" => Self::Left,
            "right" => Self::Right,
            "enter" | "select" | "ok" => Self::Select,
            "back" | "escape" => Self::Back,
            "play" | "playpause" => Self::PlayPause,
            "inspector" | "f12" => Self::Inspector,
            _ => return None,
        })
    }
}

/// One event record: 16 bytes, little-endian. The meaning of `a`, `b`, `c` depends on `kind`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Event {
    /// An [`EventKind`] value.
    pub kind: u32,
    /// First argument (the key for key events).
    pub a: u32,
    /// Second argument.
    pub b: i32,
    /// Third argument.
    pub c: i32,
}

/// Size of one [`Event`] record in bytes.
pub const EVENT_SIZE: usize = 16;

impl Event {
    /// A key-down event.
    pub const fn key_down(key: Key) -> Self {
        Self { kind: EventKind::KeyDown as u32, a: key as u32, b: 0, c: 0 }
    }

    /// A key-up event.
    pub const fn key_up(key: Key) -> Self {
        Self { kind: EventKind::KeyUp as u32, a: key as u32, b: 0, c: 0 }
    }

    /// A resize event.
    pub const fn resize(width: i32, height: i32) -> Self {
        Self { kind: EventKind::Resize as u32, a: 0, b: width, c: height }
    }

    /// An image-loaded event.
    pub const fn image_loaded(handle: u32, width: i32, height: i32) -> Self {
        Self { kind: EventKind::ImageLoaded as u32, a: handle, b: width, c: height }
    }

    /// An image-failed event.
    pub const fn image_failed(handle: u32, error: ImageError) -> Self {
        Self { kind: EventKind::ImageFailed as u32, a: handle, b: error as i32, c: 0 }
    }

    /// A fetch-done event (ABI 1.3): fetch `id` answered with HTTP `status` and a body of
    /// `body_len` bytes, which travels in the frame's payload area (build both with
    /// [`crate::HostInput::push_fetch_done`]).
    pub const fn fetch_done(id: u32, status: u32, body_len: u32) -> Self {
        Self { kind: EventKind::FetchDone as u32, a: id, b: status as i32, c: body_len as i32 }
    }

    /// A fetch-failed event (ABI 1.3).
    pub const fn fetch_failed(id: u32, error: FetchError) -> Self {
        Self { kind: EventKind::FetchFailed as u32, a: id, b: error as i32, c: 0 }
    }

    /// A bus-message event (ABI 1.4) for a message of `len` bytes in the payload (build both
    /// with [`crate::HostInput::push_bus_message`]).
    pub const fn bus_message(source: BusSource, len: u32) -> Self {
        Self { kind: EventKind::BusMessage as u32, a: source as u32, b: 0, c: len as i32 }
    }

    /// A restore-state event (ABI 1.4) for `len` saved bytes in the payload (build both with
    /// [`crate::HostInput::push_restore_state`]).
    pub const fn restore_state(len: u32) -> Self {
        Self { kind: EventKind::RestoreState as u32, a: 0, b: 0, c: len as i32 }
    }

    /// A storage-data event (ABI 1.5) for `len` bytes in the payload (build both with
    /// [`crate::HostInput::push_storage_data`]).
    pub const fn storage_data(len: u32) -> Self {
        Self { kind: EventKind::StorageData as u32, a: 0, b: 0, c: len as i32 }
    }

    /// A video-state event (ABI 1.6).
    pub const fn video_state(player: u32, state: VideoState, duration_ms: u32) -> Self {
        Self { kind: EventKind::VideoState as u32, a: player, b: state as i32, c: duration_ms as i32 }
    }

    /// A video-position event (ABI 1.6): `rate_milli` is 0 unless the video is playing.
    pub const fn video_position(player: u32, position_ms: u32, rate_milli: u32) -> Self {
        Self { kind: EventKind::VideoPosition as u32, a: player, b: position_ms as i32, c: rate_milli as i32 }
    }

    /// A video-failed event (ABI 1.6).
    pub const fn video_failed(player: u32, error: VideoError) -> Self {
        Self { kind: EventKind::VideoFailed as u32, a: player, b: error as i32, c: 0 }
    }

    /// Encodes the record as 16 little-endian bytes.
    pub fn to_bytes(&self) -> [u8; EVENT_SIZE] {
        let mut out = [0u8; EVENT_SIZE];
        out[0..4].copy_from_slice(&self.kind.to_le_bytes());
        out[4..8].copy_from_slice(&self.a.to_le_bytes());
        out[8..12].copy_from_slice(&self.b.to_le_bytes());
        out[12..16].copy_from_slice(&self.c.to_le_bytes());
        out
    }

    /// Decodes a record from 16 little-endian bytes.
    pub fn from_bytes(bytes: &[u8; EVENT_SIZE]) -> Self {
        let word = |i: usize| [bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]];
        Self {
            kind: u32::from_le_bytes(word(0)),
            a: u32::from_le_bytes(word(4)),
            b: i32::from_le_bytes(word(8)),
            c: i32::from_le_bytes(word(12)),
        }
    }

    /// Decodes a batch of records; trailing bytes that do not fill a record are ignored.
    pub fn decode_batch(bytes: &[u8]) -> impl Iterator<Item = Event> + '_ {
        bytes.chunks_exact(EVENT_SIZE).map(|chunk| {
            let mut record = [0u8; EVENT_SIZE];
            record.copy_from_slice(chunk);
            Event::from_bytes(&record)
        })
    }
}
