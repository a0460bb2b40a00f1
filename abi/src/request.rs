//! Requests a bundle makes of its host (ABI 1.1): load or unload an image, speak an
//! accessibility announcement (ABI 1.2), fetch a URL or cancel a fetch (ABI 1.3), and later
//! video and bus messages. A frame's requests come out with the frame, through
//! [`crate::EXPORT_REQUESTS`]; the host answers them as [`crate::Event`]s in a later frame
//! (announcements and cancellations are not answered).
//!
//! Layout: records one after another, each a [`RequestHeader`] (`kind`, `len` counting the
//! header, a multiple of 4) and its payload, so a host can skip kinds it does not know.

use alloc::vec::Vec;

/// Size of [`RequestHeader`] in bytes.
pub const REQUEST_HEADER_SIZE: usize = 8;
/// The longest URL a request may carry (bytes).
pub const MAX_URL_BYTES: u32 = 2048;
/// The longest text an [`RequestKind::Announce`] request may carry (bytes, ABI 1.2).
pub const MAX_ANNOUNCE_BYTES: u32 = 1024;
/// The largest body a [`RequestKind::Fetch`] request may carry (bytes, ABI 1.3).
pub const MAX_FETCH_REQUEST_BODY_BYTES: u32 = 64 * 1024;
/// What a fetch's `timeout_ms` of 0 means: 30 seconds (ABI 1.3).
pub const DEFAULT_FETCH_TIMEOUT_MS: u32 = 30_000;
/// The most bytes of requests a bundle may hand over in one frame.
pub const MAX_REQUEST_BYTES: u32 = 1024 * 1024;

/// What [`crate::EXPORT_REQUESTS`] returns a pointer to, in the bundle's linear memory.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestBuffer {
    /// Offset of the first record in linear memory.
    pub ptr: u32,
    /// Length of all records in bytes.
    pub len: u32,
    /// Number of records.
    pub count: u32,
    /// Reserved, zero.
    pub reserved: u32,
}

/// Starts every request record.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestHeader {
    /// A [`RequestKind`] value.
    pub kind: u16,
    /// Reserved, zero.
    pub reserved: u16,
    /// Length of the record in bytes, this header included; a multiple of 4.
    pub len: u32,
}

/// Kinds of request.
#[repr(u16)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestKind {
    /// [`LoadImageRequest`] + `url_len` UTF-8 bytes (padded to 4): decode the image at the
    /// URL and keep it under `handle`. Answered by `ImageLoaded` or `ImageFailed`.
    LoadImage = 1,
    /// [`UnloadImageRequest`]: free the image held under `handle`. Not answered.
    UnloadImage = 2,
    /// [`AnnounceRequest`] + `text_len` UTF-8 bytes (padded to 4): speak the text to the
    /// user (screen reader / text to speech), e.g. what just took focus. Not answered.
    /// ABI 1.2; a 1.1 host skips it as an unknown kind.
    Announce = 3,
    /// [`FetchRequest`] + `url_len` UTF-8 bytes + `body_len` body bytes (padded to 4): fetch
    /// the URL. Answered by `FetchDone` (with the body in the input payload) or `FetchFailed`.
    /// ABI 1.3; an older host skips it as an unknown kind and never answers.
    Fetch = 4,
    /// [`CancelFetchRequest`]: drop the fetch `id`; it is never answered. Not answered itself.
    /// ABI 1.3.
    CancelFetch = 5,
    /// [`SaveStateRequest`] + `len` bytes (padded to 4): the state the bundle wants back if
    /// its instance ends (the page stack and focus, as the bundle encodes them). The host
    /// keeps the latest and hands it to the next instance as a `RestoreState` event after a
    /// trap. Not answered. ABI 1.4.
    SaveState = 6,
    /// [`PostMessageRequest`] + `len` UTF-8 bytes of JSON (padded to 4): a message for the
    /// legacy JS VM, which the host queues and delivers. Not answered. ABI 1.4.
    PostMessage = 7,
    /// [`WriteStorageRequest`] + `len` bytes (padded to 4): the app's whole storage area, which
    /// the host keeps (on disk, across launches) and hands every later instance as a
    /// `StorageData` event. Not answered. ABI 1.5.
    WriteStorage = 8,
    /// [`OpenVideoRequest`] + `url_len` UTF-8 bytes (padded to 4): open the video at the URL
    /// in player `player`, paused at 0, replacing whatever video was open (hosts play one at
    /// a time, under the display list's `VideoSurface`). Answered by `VideoState` (`Ready`,
    /// with the duration) or `VideoFailed`. ABI 1.6.
    OpenVideo = 9,
    /// [`ControlVideoRequest`]: play, pause, seek, set the rate of or close the open video.
    /// Answered by `VideoState` when the state changes; the position comes every frame with
    /// `VideoPosition`. ABI 1.6.
    ControlVideo = 10,
}

impl RequestKind {
    /// The kind for a raw value, if known.
    pub const fn from_u16(value: u16) -> Option<Self> {
        Some(match value {
            1 => Self::LoadImage,
            2 => Self::UnloadImage,
            3 => Self::Announce,
            4 => Self::Fetch,
            5 => Self::CancelFetch,
            6 => Self::SaveState,
            7 => Self::PostMessage,
            8 => Self::WriteStorage,
            9 => Self::OpenVideo,
            10 => Self::ControlVideo,
            _ => return None,
        })
    }
}

/// Payload of [`RequestKind::LoadImage`].
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoadImageRequest {
    /// The handle the bundle will draw the image by (non-zero, chosen by the bundle).
    pub handle: u32,
    /// Length of the URL that follows, in bytes (≤ [`MAX_URL_BYTES`]).
    pub url_len: u32,
}

/// Payload of [`RequestKind::UnloadImage`].
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UnloadImageRequest {
    /// The image to free.
    pub handle: u32,
}

/// Payload of [`RequestKind::Announce`] (ABI 1.2).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AnnounceRequest {
    /// Length of the UTF-8 text that follows, in bytes (≤ [`MAX_ANNOUNCE_BYTES`]).
    pub text_len: u32,
}

/// Payload of [`RequestKind::Fetch`] (ABI 1.3), followed by `url_len` URL bytes and then
/// `body_len` body bytes, the record zero-padded to a multiple of 4.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FetchRequest {
    /// The bundle's id for the fetch; its answer carries it.
    pub id: u32,
    /// A [`FetchMethod`] value (0 GET, 1 POST; anything else makes the record malformed).
    pub method: u32,
    /// The most milliseconds the whole fetch may take; 0 means [`DEFAULT_FETCH_TIMEOUT_MS`].
    pub timeout_ms: u32,
    /// Length of the UTF-8 URL that follows, in bytes (≤ [`MAX_URL_BYTES`]).
    pub url_len: u32,
    /// Length of the body that follows the URL, in bytes (≤ [`MAX_FETCH_REQUEST_BODY_BYTES`]).
    pub body_len: u32,
}

/// Payload of [`RequestKind::CancelFetch`] (ABI 1.3).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CancelFetchRequest {
    /// The fetch to drop.
    pub id: u32,
}

/// Payload of [`RequestKind::SaveState`] (ABI 1.4).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SaveStateRequest {
    /// Length of the state that follows, in bytes (≤ [`crate::MAX_STATE_BYTES`]).
    pub len: u32,
}

/// Payload of [`RequestKind::PostMessage`] (ABI 1.4).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PostMessageRequest {
    /// Length of the UTF-8 JSON text that follows, in bytes (≤ [`crate::MAX_BUS_MESSAGE_BYTES`]).
    pub len: u32,
}

/// Payload of [`RequestKind::WriteStorage`] (ABI 1.5).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteStorageRequest {
    /// Length of the storage area that follows, in bytes (≤ [`crate::MAX_STORAGE_BYTES`]).
    pub len: u32,
}

/// Payload of [`RequestKind::OpenVideo`] (ABI 1.6).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenVideoRequest {
    /// The bundle's id for this video (non-zero); its events carry it.
    pub player: u32,
    /// Length of the UTF-8 URL that follows, in bytes (≤ [`MAX_URL_BYTES`]).
    pub url_len: u32,
}

/// Payload of [`RequestKind::ControlVideo`] (ABI 1.6).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ControlVideoRequest {
    /// The video, as opened.
    pub player: u32,
    /// A [`VideoOp`] value (anything else makes the record malformed).
    pub op: u32,
    /// The op's argument: the position in milliseconds for `Seek` (clamped to the video by
    /// the host), the rate in thousandths for `SetRate` (1000 is normal speed, at most
    /// [`MAX_VIDEO_RATE_MILLI`]; 0 is malformed), otherwise 0.
    pub value: u32,
}

/// The fastest rate a bundle may ask for: 16× (ABI 1.6).
pub const MAX_VIDEO_RATE_MILLI: u32 = 16_000;

/// What a [`ControlVideoRequest`] does (ABI 1.6).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VideoOp {
    /// Play from the position at the rate set (an ended video plays from the start).
    Play = 0,
    /// Pause, keeping the frame on screen.
    Pause = 1,
    /// Go to `value` milliseconds, keeping playing or paused.
    Seek = 2,
    /// Play at `value` thousandths of normal speed.
    SetRate = 3,
    /// Close the video; its surface shows nothing.
    Close = 4,
}

impl VideoOp {
    /// The op for a raw value, if known.
    pub const fn from_u32(value: u32) -> Option<Self> {
        Some(match value {
            0 => Self::Play,
            1 => Self::Pause,
            2 => Self::Seek,
            3 => Self::SetRate,
            4 => Self::Close,
            _ => return None,
        })
    }
}

/// The HTTP method of a fetch (ABI 1.3).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchMethod {
    /// `GET`; the request body, if any, is not sent.
    Get = 0,
    /// `POST` with the request body.
    Post = 1,
}

impl FetchMethod {
    /// The method for a raw value, if known.
    pub const fn from_u32(value: u32) -> Option<Self> {
        match value {
            0 => Some(Self::Get),
            1 => Some(Self::Post),
            _ => None,
        }
    }

    /// `"GET"` or `"POST"`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
        }
    }
}

/// Why [`RequestWriter::fetch`] wrote nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FetchRequestError {
    /// The URL is longer than [`MAX_URL_BYTES`] (its length in bytes).
    #[error("fetch URL is {0} bytes, more than the 2048 allowed")]
    UrlTooLong(usize),
    /// The body is longer than [`MAX_FETCH_REQUEST_BODY_BYTES`] (its length in bytes).
    #[error("fetch body is {0} bytes, more than the 65536 allowed")]
    BodyTooLong(usize),
}

/// One decoded request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request<'a> {
    /// Load the image at `url` under `handle`.
    LoadImage {
        /// The bundle's handle for it.
        handle: u32,
        /// Where it is: a path relative to the host's asset root, or `file://`/`http(s)://`.
        url: &'a str,
    },
    /// Free the image under `handle`.
    UnloadImage {
        /// The handle.
        handle: u32,
    },
    /// Speak `text` to the user (ABI 1.2).
    Announce {
        /// What to say: valid UTF-8, at most [`MAX_ANNOUNCE_BYTES`] bytes.
        text: &'a str,
    },
    /// Fetch `url` (ABI 1.3); answered by `FetchDone` or `FetchFailed` with `id`.
    Fetch {
        /// The bundle's id for it.
        id: u32,
        /// GET or POST.
        method: FetchMethod,
        /// The most milliseconds it may take; 0: the host's default, 30 s.
        timeout_ms: u32,
        /// Where: a path under the host's asset root, `file:///abs/path`, `http://` or
        /// `https://`. Valid UTF-8, at most [`MAX_URL_BYTES`] bytes.
        url: &'a str,
        /// What a POST sends; at most [`MAX_FETCH_REQUEST_BODY_BYTES`] bytes.
        body: &'a [u8],
    },
    /// Drop the fetch `id`: it is never answered (ABI 1.3).
    CancelFetch {
        /// The fetch.
        id: u32,
    },
    /// Keep `state` for the next instance (ABI 1.4).
    SaveState {
        /// The bundle's encoding of what to restore; at most [`crate::MAX_STATE_BYTES`].
        state: &'a [u8],
    },
    /// Post `text` to the legacy JS VM (ABI 1.4).
    PostMessage {
        /// The message: valid UTF-8 (JSON, which the host checks), at most
        /// [`crate::MAX_BUS_MESSAGE_BYTES`].
        text: &'a str,
    },
    /// Keep `data` as the app's storage area (ABI 1.5).
    WriteStorage {
        /// The bundle's encoding of everything it stores; at most [`crate::MAX_STORAGE_BYTES`].
        data: &'a [u8],
    },
    /// Open the video at `url` as `player` (ABI 1.6).
    OpenVideo {
        /// The bundle's id for it.
        player: u32,
        /// Where: resolved like a fetch URL. Valid UTF-8, at most [`MAX_URL_BYTES`] bytes.
        url: &'a str,
    },
    /// Play, pause, seek, set the rate of or close video `player` (ABI 1.6).
    ControlVideo {
        /// The video.
        player: u32,
        /// What to do.
        op: VideoOp,
        /// Milliseconds for `Seek`, thousandths for `SetRate` (1..=[`MAX_VIDEO_RATE_MILLI`]).
        value: u32,
    },
    /// A kind this reader does not know; hosts skip it.
    Unknown(u16),
}

/// Why a request buffer could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The buffer is larger than [`MAX_REQUEST_BYTES`].
    #[error("request buffer is {0} bytes, more than the 1 MiB limit")]
    TooLarge(usize),
    /// A record runs past the end, is misaligned or too short, or carries a bad URL,
    /// announcement text, fetch method or fetch body.
    #[error("request {index} at byte {offset} is malformed: {reason}")]
    BadRecord {
        /// Index of the record.
        index: u32,
        /// Byte offset of its header.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
}

/// Decodes a request buffer, validating every bound; stops at the first malformed record.
pub fn read_requests(bytes: &[u8]) -> impl Iterator<Item = Result<Request<'_>, RequestError>> + '_ {
    let mut offset = 0usize;
    let mut index = 0u32;
    let mut failed = bytes.len() > MAX_REQUEST_BYTES as usize;
    let mut too_large = failed;
    core::iter::from_fn(move || {
        if too_large {
            too_large = false;
            return Some(Err(RequestError::TooLarge(bytes.len())));
        }
        if failed || offset >= bytes.len() {
            return None;
        }
        let result = decode_request(bytes, offset, index);
        match &result {
            Ok((_, next)) => offset = *next,
            Err(_) => failed = true,
        }
        index += 1;
        Some(result.map(|(request, _)| request))
    })
}

fn decode_request(bytes: &[u8], offset: usize, index: u32) -> Result<(Request<'_>, usize), RequestError> {
    let bad = |reason| RequestError::BadRecord { index, offset, reason };
    let word = |at: usize| -> Option<u32> {
        bytes.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let header = word(offset).zip(word(offset + 4)).ok_or_else(|| bad("header runs past the end"))?;
    let kind = (header.0 & 0xffff) as u16;
    let len = header.1 as usize;
    if len < REQUEST_HEADER_SIZE || !len.is_multiple_of(4) {
        return Err(bad("length is not a multiple of 4 of at least 8"));
    }
    let end =
        offset.checked_add(len).filter(|end| *end <= bytes.len()).ok_or_else(|| bad("runs past the end"))?;
    let payload = &bytes[offset + REQUEST_HEADER_SIZE..end];
    let field = |i: usize| -> Result<u32, RequestError> {
        payload
            .get(i * 4..i * 4 + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(|| bad("payload too short"))
    };
    // A u32 length (at most `limit`), then that many bytes (ABI 1.4 and 1.5 records).
    let length_prefixed = |limit: u32, too_long, runs_past| -> Result<&[u8], RequestError> {
        let len = field(0)?;
        if len > limit {
            return Err(bad(too_long));
        }
        payload.get(4..4 + len as usize).ok_or_else(|| bad(runs_past))
    };
    let request = match RequestKind::from_u16(kind) {
        Some(RequestKind::LoadImage) => {
            let handle = field(0)?;
            let url_len = field(1)?;
            if url_len > MAX_URL_BYTES {
                return Err(bad("URL longer than 2048 bytes"));
            }
            let url_bytes =
                payload.get(8..8 + url_len as usize).ok_or_else(|| bad("URL runs past the record"))?;
            let url = core::str::from_utf8(url_bytes).map_err(|_| bad("URL is not UTF-8"))?;
            Request::LoadImage { handle, url }
        }
        Some(RequestKind::UnloadImage) => Request::UnloadImage { handle: field(0)? },
        Some(RequestKind::Announce) => {
            let text_len = field(0)?;
            if text_len > MAX_ANNOUNCE_BYTES {
                return Err(bad("text longer than 1024 bytes"));
            }
            let text_bytes =
                payload.get(4..4 + text_len as usize).ok_or_else(|| bad("text runs past the record"))?;
            let text = core::str::from_utf8(text_bytes).map_err(|_| bad("text is not UTF-8"))?;
            Request::Announce { text }
        }
        Some(RequestKind::Fetch) => {
            let id = field(0)?;
            let method = field(1)?;
            let timeout_ms = field(2)?;
            let url_len = field(3)?;
            let body_len = field(4)?;
            let method = FetchMethod::from_u32(method).ok_or_else(|| bad("unknown fetch method"))?;
            if url_len > MAX_URL_BYTES {
                return Err(bad("URL longer than 2048 bytes"));
            }
            if body_len > MAX_FETCH_REQUEST_BODY_BYTES {
                return Err(bad("body longer than 65536 bytes"));
            }
            // Both lengths are bounded above, so these sums cannot overflow.
            let url_end = 20 + url_len as usize;
            let url_bytes = payload.get(20..url_end).ok_or_else(|| bad("URL runs past the record"))?;
            let body = payload
                .get(url_end..url_end + body_len as usize)
                .ok_or_else(|| bad("body runs past the record"))?;
            let url = core::str::from_utf8(url_bytes).map_err(|_| bad("URL is not UTF-8"))?;
            Request::Fetch { id, method, timeout_ms, url, body }
        }
        Some(RequestKind::CancelFetch) => Request::CancelFetch { id: field(0)? },
        Some(RequestKind::SaveState) => Request::SaveState {
            state: length_prefixed(
                crate::MAX_STATE_BYTES,
                "state longer than 65536 bytes",
                "state runs past the record",
            )?,
        },
        Some(RequestKind::PostMessage) => {
            let bytes = length_prefixed(
                crate::MAX_BUS_MESSAGE_BYTES,
                "message longer than 65536 bytes",
                "message runs past the record",
            )?;
            let text = core::str::from_utf8(bytes).map_err(|_| bad("message is not UTF-8"))?;
            Request::PostMessage { text }
        }
        Some(RequestKind::WriteStorage) => Request::WriteStorage {
            data: length_prefixed(
                crate::MAX_STORAGE_BYTES,
                "storage longer than 65536 bytes",
                "storage runs past the record",
            )?,
        },
        Some(RequestKind::OpenVideo) => {
            let player = field(0)?;
            let url_len = field(1)?;
            if url_len > MAX_URL_BYTES {
                return Err(bad("URL longer than 2048 bytes"));
            }
            let url_bytes =
                payload.get(8..8 + url_len as usize).ok_or_else(|| bad("URL runs past the record"))?;
            let url = core::str::from_utf8(url_bytes).map_err(|_| bad("URL is not UTF-8"))?;
            Request::OpenVideo { player, url }
        }
        Some(RequestKind::ControlVideo) => {
            let player = field(0)?;
            let op = VideoOp::from_u32(field(1)?).ok_or_else(|| bad("unknown video op"))?;
            let value = field(2)?;
            if op == VideoOp::SetRate && !(1..=MAX_VIDEO_RATE_MILLI).contains(&value) {
                return Err(bad("video rate not within 1..=16000 thousandths"));
            }
            Request::ControlVideo { player, op, value }
        }
        None => Request::Unknown(kind),
    };
    Ok((request, end))
}

/// Builds a frame's requests. The engine keeps one and reuses its buffer.
#[derive(Clone, Debug, Default)]
pub struct RequestWriter {
    bytes: Vec<u8>,
    count: u32,
}

impl RequestWriter {
    /// Forgets the last frame's requests.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.count = 0;
    }

    /// The encoded records.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Number of records.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// Appends a load-image request; URLs longer than [`MAX_URL_BYTES`] are cut at a
    /// character boundary (the host will then fail to find them, and say so).
    pub fn load_image(&mut self, handle: u32, url: &str) {
        let url = cut_at_char_boundary(url, MAX_URL_BYTES).as_bytes();
        let start = self.open(RequestKind::LoadImage);
        self.put_u32(handle);
        self.put_u32(url.len() as u32);
        self.bytes.extend_from_slice(url);
        self.close(start);
    }

    /// Appends an unload-image request.
    pub fn unload_image(&mut self, handle: u32) {
        let start = self.open(RequestKind::UnloadImage);
        self.put_u32(handle);
        self.close(start);
    }

    /// Appends an announce request (ABI 1.2): the host speaks `text`. Text longer than
    /// [`MAX_ANNOUNCE_BYTES`] is cut at the last character boundary that fits, not refused.
    pub fn announce(&mut self, text: &str) {
        let text = cut_at_char_boundary(text, MAX_ANNOUNCE_BYTES).as_bytes();
        let start = self.open(RequestKind::Announce);
        self.put_u32(text.len() as u32);
        self.bytes.extend_from_slice(text);
        self.close(start);
    }

    /// Appends a fetch request (ABI 1.3). Strict, unlike [`Self::load_image`]: a URL longer
    /// than [`MAX_URL_BYTES`] or a body longer than [`MAX_FETCH_REQUEST_BODY_BYTES`] writes
    /// nothing and is an error (a cut URL would fetch something else). `timeout_ms` 0 means
    /// the host's default, [`DEFAULT_FETCH_TIMEOUT_MS`]; a GET's body is not sent.
    pub fn fetch(
        &mut self,
        id: u32,
        method: FetchMethod,
        timeout_ms: u32,
        url: &str,
        body: &[u8],
    ) -> Result<(), FetchRequestError> {
        if url.len() > MAX_URL_BYTES as usize {
            return Err(FetchRequestError::UrlTooLong(url.len()));
        }
        if body.len() > MAX_FETCH_REQUEST_BODY_BYTES as usize {
            return Err(FetchRequestError::BodyTooLong(body.len()));
        }
        let start = self.open(RequestKind::Fetch);
        self.put_u32(id);
        self.put_u32(method as u32);
        self.put_u32(timeout_ms);
        self.put_u32(url.len() as u32);
        self.put_u32(body.len() as u32);
        self.bytes.extend_from_slice(url.as_bytes());
        self.bytes.extend_from_slice(body);
        self.close(start);
        Ok(())
    }

    /// Appends a cancel-fetch request (ABI 1.3): the host drops fetch `id` and never answers it.
    pub fn cancel_fetch(&mut self, id: u32) {
        let start = self.open(RequestKind::CancelFetch);
        self.put_u32(id);
        self.close(start);
    }

    /// Appends a save-state request (ABI 1.4). More than [`crate::MAX_STATE_BYTES`] writes
    /// nothing and is an error (a cut state would not restore).
    pub fn save_state(&mut self, state: &[u8]) -> Result<(), crate::PayloadTooLarge> {
        self.length_prefixed(RequestKind::SaveState, state, crate::MAX_STATE_BYTES)
    }

    /// Appends a post-message request (ABI 1.4): `text`, a JSON message for the legacy JS VM.
    /// More than [`crate::MAX_BUS_MESSAGE_BYTES`] writes nothing and is an error.
    pub fn post_message(&mut self, text: &str) -> Result<(), crate::PayloadTooLarge> {
        self.length_prefixed(RequestKind::PostMessage, text.as_bytes(), crate::MAX_BUS_MESSAGE_BYTES)
    }

    /// Appends a write-storage request (ABI 1.5): `data` replaces the app's storage area.
    /// More than [`crate::MAX_STORAGE_BYTES`] writes nothing and is an error.
    pub fn write_storage(&mut self, data: &[u8]) -> Result<(), crate::PayloadTooLarge> {
        self.length_prefixed(RequestKind::WriteStorage, data, crate::MAX_STORAGE_BYTES)
    }

    /// Appends an open-video request (ABI 1.6). Strict like [`Self::fetch`]: a URL longer
    /// than [`MAX_URL_BYTES`] writes nothing and is an error.
    pub fn open_video(&mut self, player: u32, url: &str) -> Result<(), FetchRequestError> {
        if url.len() > MAX_URL_BYTES as usize {
            return Err(FetchRequestError::UrlTooLong(url.len()));
        }
        let start = self.open(RequestKind::OpenVideo);
        self.put_u32(player);
        self.put_u32(url.len() as u32);
        self.bytes.extend_from_slice(url.as_bytes());
        self.close(start);
        Ok(())
    }

    /// Appends a control-video request (ABI 1.6). A `SetRate` value is clamped to
    /// 1..=[`MAX_VIDEO_RATE_MILLI`], so what is written is always well-formed.
    pub fn control_video(&mut self, player: u32, op: VideoOp, value: u32) {
        let value = if op == VideoOp::SetRate { value.clamp(1, MAX_VIDEO_RATE_MILLI) } else { value };
        let start = self.open(RequestKind::ControlVideo);
        self.put_u32(player);
        self.put_u32(op as u32);
        self.put_u32(value);
        self.close(start);
    }

    fn length_prefixed(
        &mut self,
        kind: RequestKind,
        bytes: &[u8],
        limit: u32,
    ) -> Result<(), crate::PayloadTooLarge> {
        if bytes.len() > limit as usize {
            return Err(crate::PayloadTooLarge { len: bytes.len(), limit });
        }
        let start = self.open(kind);
        self.put_u32(bytes.len() as u32);
        self.bytes.extend_from_slice(bytes);
        self.close(start);
        Ok(())
    }

    fn open(&mut self, kind: RequestKind) -> usize {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(&(kind as u16).to_le_bytes());
        self.bytes.extend_from_slice(&0u16.to_le_bytes());
        self.put_u32(0); // len, patched in close()
        start
    }

    fn close(&mut self, start: usize) {
        while !self.bytes.len().is_multiple_of(4) {
            self.bytes.push(0);
        }
        let len = ((self.bytes.len() - start) as u32).to_le_bytes();
        self.bytes[start + 4..start + 8].copy_from_slice(&len);
        self.count += 1;
    }

    fn put_u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
fn cut_at_char_boundary(text: &str, max: u32) -> &str {
    let mut cut = text.len().min(max as usize);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    &text[..cut]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_requests() {
        let mut w = RequestWriter::default();
        w.load_image(7, "images/crest é.png");
        w.unload_image(3);
        let got: Vec<_> = read_requests(w.bytes()).collect::<Result<_, _>>().expect("valid");
        assert_eq!(
            got,
            [Request::LoadImage { handle: 7, url: "images/crest é.png" }, Request::UnloadImage { handle: 3 }]
        );
        assert_eq!(w.count(), 2);
    }

    #[test]
    fn round_trips_video_requests() {
        let mut w = RequestWriter::default();
        w.open_video(4, "matches/x/video.webm").expect("short URL");
        w.control_video(4, VideoOp::Seek, 993_500);
        w.control_video(4, VideoOp::SetRate, 0);
        w.control_video(4, VideoOp::SetRate, 99_000);
        let got: Vec<_> = read_requests(w.bytes()).collect::<Result<_, _>>().expect("valid");
        assert_eq!(
            got,
            [
                Request::OpenVideo { player: 4, url: "matches/x/video.webm" },
                Request::ControlVideo { player: 4, op: VideoOp::Seek, value: 993_500 },
                Request::ControlVideo { player: 4, op: VideoOp::SetRate, value: 1 },
                Request::ControlVideo { player: 4, op: VideoOp::SetRate, value: MAX_VIDEO_RATE_MILLI },
            ]
        );
        let long = "v".repeat(MAX_URL_BYTES as usize + 1);
        assert_eq!(w.open_video(5, &long), Err(FetchRequestError::UrlTooLong(long.len())));
        assert_eq!(w.count(), 4, "a refused URL writes nothing");
    }

    #[test]
    fn rejects_malformed_video_requests() {
        let record = |kind: RequestKind, words: &[u32]| {
            let mut bytes = Vec::new();
            bytes.extend_from_slice(&(kind as u16).to_le_bytes());
            bytes.extend_from_slice(&0u16.to_le_bytes());
            bytes.extend_from_slice(&(8 + 4 * words.len() as u32).to_le_bytes());
            for word in words {
                bytes.extend_from_slice(&word.to_le_bytes());
            }
            bytes
        };
        fn first(bytes: &[u8]) -> Result<Request<'_>, RequestError> {
            read_requests(bytes).next().expect("one record")
        }
        assert_eq!(
            first(&record(RequestKind::ControlVideo, &[1, 9, 0])),
            Err(bad_record(0, 0, "unknown video op"))
        );
        assert_eq!(
            first(&record(RequestKind::ControlVideo, &[1, VideoOp::SetRate as u32, 0])),
            Err(bad_record(0, 0, "video rate not within 1..=16000 thousandths"))
        );
        assert_eq!(
            first(&record(RequestKind::ControlVideo, &[1, 0])),
            Err(bad_record(0, 0, "payload too short"))
        );
        assert_eq!(
            first(&record(RequestKind::OpenVideo, &[1, 64])),
            Err(bad_record(0, 0, "URL runs past the record"))
        );
        assert_eq!(
            first(&record(RequestKind::OpenVideo, &[1, MAX_URL_BYTES + 1])),
            Err(bad_record(0, 0, "URL longer than 2048 bytes"))
        );
    }

    #[test]
    fn rejects_malformed_records() {
        let mut w = RequestWriter::default();
        w.load_image(1, "a.png");
        let good = w.bytes().to_vec();
        // URL length pointing past the record.
        let mut long_url = good.clone();
        long_url[12] = 200;
        assert!(matches!(read_requests(&long_url).next(), Some(Err(RequestError::BadRecord { .. }))));
        // Invalid UTF-8 in the URL.
        let mut bad_utf8 = good.clone();
        bad_utf8[16] = 0xff;
        assert!(matches!(read_requests(&bad_utf8).next(), Some(Err(RequestError::BadRecord { .. }))));
        // Truncated.
        assert!(matches!(read_requests(&good[..6]).next(), Some(Err(RequestError::BadRecord { .. }))));
        // Too large.
        let huge = alloc::vec![0u8; MAX_REQUEST_BYTES as usize + 4];
        assert!(matches!(read_requests(&huge).next(), Some(Err(RequestError::TooLarge(_)))));
    }

    /// A hand-made announce record: `text_len` as given, then `text`, padded to 4.
    fn announce_record(text_len: u32, text: &[u8]) -> Vec<u8> {
        let len = (REQUEST_HEADER_SIZE + 4 + text.len()).next_multiple_of(4);
        let mut bytes = alloc::vec![];
        bytes.extend_from_slice(&(RequestKind::Announce as u16).to_le_bytes());
        bytes.extend_from_slice(&0u16.to_le_bytes());
        bytes.extend_from_slice(&(len as u32).to_le_bytes());
        bytes.extend_from_slice(&text_len.to_le_bytes());
        bytes.extend_from_slice(text);
        bytes.resize(len, 0);
        bytes
    }

    fn bad_record(index: u32, offset: usize, reason: &'static str) -> RequestError {
        RequestError::BadRecord { index, offset, reason }
    }

    #[test]
    fn round_trips_announcements() {
        assert_eq!(core::mem::size_of::<AnnounceRequest>(), 4);
        let mut w = RequestWriter::default();
        w.announce("Tile 3, button, 3 of 12");
        w.load_image(2, "a.png");
        w.announce("Équipe à domicile — sélectionnée, 1 sur 4 ⚽");
        w.announce("");
        let bytes = w.bytes();
        // Header, text_len, 23 bytes of text padded to 24.
        assert_eq!(&bytes[..12], &[3, 0, 0, 0, 36, 0, 0, 0, 23, 0, 0, 0]);
        assert_eq!(&bytes[35..36], &[0], "zero padding");
        assert!(bytes.len().is_multiple_of(4));
        let got: Vec<_> = read_requests(bytes).collect::<Result<_, _>>().expect("valid");
        assert_eq!(
            got,
            [
                Request::Announce { text: "Tile 3, button, 3 of 12" },
                Request::LoadImage { handle: 2, url: "a.png" },
                Request::Announce { text: "Équipe à domicile — sélectionnée, 1 sur 4 ⚽" },
                Request::Announce { text: "" },
            ]
        );
        assert_eq!(w.count(), 4);
        // Exactly the limit is fine.
        let full = "x".repeat(MAX_ANNOUNCE_BYTES as usize);
        let record = announce_record(MAX_ANNOUNCE_BYTES, full.as_bytes());
        assert_eq!(read_requests(&record).collect::<Vec<_>>(), [Ok(Request::Announce { text: &full })]);
    }

    #[test]
    fn long_announcements_are_cut_at_a_char_boundary() {
        let texts = |w: &RequestWriter| -> Vec<alloc::string::String> {
            read_requests(w.bytes())
                .map(|r| match r {
                    Ok(Request::Announce { text }) => text.into(),
                    other => panic!("not an announcement: {other:?}"),
                })
                .collect()
        };
        let mut w = RequestWriter::default();
        // 1 + 600 × 2 bytes: byte 1024 falls inside an 'é', so the cut is at 1023.
        let accented = alloc::format!("a{}", "é".repeat(600));
        w.announce(&accented);
        // 1025 ASCII bytes: cut to exactly 1024.
        w.announce(&"y".repeat(1025));
        // 4-byte characters after 2 ASCII bytes: boundaries at 2 + 4k, so 1022.
        w.announce(&alloc::format!("zz{}", "𝄞".repeat(400)));
        let got = texts(&w);
        assert_eq!(got[0], alloc::format!("a{}", "é".repeat(511)));
        assert_eq!(got[0].len(), 1023);
        assert_eq!(got[1], "y".repeat(1024));
        assert_eq!(got[2], alloc::format!("zz{}", "𝄞".repeat(255)));
        assert_eq!(got[2].len(), 1022);
        assert_eq!(w.count(), 3, "cut, not refused");
    }

    #[test]
    fn rejects_malformed_announcements() {
        let good = announce_record(5, b"hello");
        assert_eq!(read_requests(&good).collect::<Vec<_>>(), [Ok(Request::Announce { text: "hello" })]);
        // text_len larger than the record (the record holds 8 bytes of text).
        assert_eq!(
            read_requests(&announce_record(200, b"hello")).collect::<Vec<_>>(),
            [Err(bad_record(0, 0, "text runs past the record"))]
        );
        assert_eq!(
            read_requests(&announce_record(9, b"hello")).collect::<Vec<_>>(),
            [Err(bad_record(0, 0, "text runs past the record"))]
        );
        // Over the limit, even when the record holds that much.
        let long = "x".repeat(MAX_ANNOUNCE_BYTES as usize + 1);
        assert_eq!(
            read_requests(&announce_record(MAX_ANNOUNCE_BYTES + 1, long.as_bytes())).collect::<Vec<_>>(),
            [Err(bad_record(0, 0, "text longer than 1024 bytes"))]
        );
        assert_eq!(
            read_requests(&announce_record(u32::MAX, b"")).collect::<Vec<_>>(),
            [Err(bad_record(0, 0, "text longer than 1024 bytes"))]
        );
        // Not UTF-8: a stray continuation byte, a truncated sequence, a surrogate.
        for text in [&b"\x80bc"[..], b"ab\xc3", b"\xed\xa0\x80"] {
            assert_eq!(
                read_requests(&announce_record(text.len() as u32, text)).collect::<Vec<_>>(),
                [Err(bad_record(0, 0, "text is not UTF-8"))],
                "{text:?}"
            );
        }
        // No room for text_len.
        assert_eq!(
            read_requests(&[3, 0, 0, 0, 8, 0, 0, 0]).collect::<Vec<_>>(),
            [Err(bad_record(0, 0, "payload too short"))]
        );
        // A truncated record after a good one: the good one stands, then the error, then nothing.
        let mut two = good.clone();
        two.extend_from_slice(&good[..good.len() - 4]);
        assert_eq!(
            read_requests(&two).collect::<Vec<_>>(),
            [Ok(Request::Announce { text: "hello" }), Err(bad_record(1, 20, "runs past the end"))]
        );
        assert_eq!(
            read_requests(&good[..6]).collect::<Vec<_>>(),
            [Err(bad_record(0, 0, "header runs past the end"))]
        );
        // The messages hosts print.
        assert_eq!(
            alloc::format!("{}", bad_record(1, 20, "text runs past the record")),
            "request 1 at byte 20 is malformed: text runs past the record"
        );
    }

    /// A hand-made fetch record: the five fields as given, then `tail` (URL and body), padded.
    fn fetch_record(fields: [u32; 5], tail: &[u8]) -> Vec<u8> {
        let len = (REQUEST_HEADER_SIZE + 20 + tail.len()).next_multiple_of(4);
        let mut bytes = alloc::vec![];
        bytes.extend_from_slice(&(RequestKind::Fetch as u16).to_le_bytes());
        bytes.extend_from_slice(&0u16.to_le_bytes());
        bytes.extend_from_slice(&(len as u32).to_le_bytes());
        for field in fields {
            bytes.extend_from_slice(&field.to_le_bytes());
        }
        bytes.extend_from_slice(tail);
        bytes.resize(len, 0);
        bytes
    }

    #[test]
    fn round_trips_fetches() {
        assert_eq!(core::mem::size_of::<FetchRequest>(), 20);
        assert_eq!(core::mem::size_of::<CancelFetchRequest>(), 4);
        let mut w = RequestWriter::default();
        w.fetch(7, FetchMethod::Get, 0, "data/teams.json", b"").expect("fits");
        w.fetch(8, FetchMethod::Post, 2500, "http://127.0.0.1:8080/score?x=é", b"{\"a\":1}").expect("fits");
        w.cancel_fetch(7);
        w.load_image(1, "a.png");
        let bytes = w.bytes();
        // Header (len 8 + 20 + 15 padded to 44), id, method, timeout, url_len, body_len.
        assert_eq!(
            &bytes[..28],
            &[4, 0, 0, 0, 44, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 15, 0, 0, 0, 0, 0, 0, 0]
        );
        assert_eq!(&bytes[28..43], b"data/teams.json");
        assert_eq!(bytes[43], 0, "zero padding");
        let got: Vec<_> = read_requests(bytes).collect::<Result<_, _>>().expect("valid");
        assert_eq!(
            got,
            [
                Request::Fetch {
                    id: 7,
                    method: FetchMethod::Get,
                    timeout_ms: 0,
                    url: "data/teams.json",
                    body: b""
                },
                Request::Fetch {
                    id: 8,
                    method: FetchMethod::Post,
                    timeout_ms: 2500,
                    url: "http://127.0.0.1:8080/score?x=é",
                    body: b"{\"a\":1}",
                },
                Request::CancelFetch { id: 7 },
                Request::LoadImage { handle: 1, url: "a.png" },
            ]
        );
        assert_eq!(w.count(), 4);
        // Exactly the limits are fine, and a body may hold any bytes.
        let url = "u".repeat(MAX_URL_BYTES as usize);
        let body = alloc::vec![0xffu8; MAX_FETCH_REQUEST_BODY_BYTES as usize];
        let mut w = RequestWriter::default();
        w.fetch(u32::MAX, FetchMethod::Post, u32::MAX, &url, &body).expect("at the limits");
        assert_eq!(
            read_requests(w.bytes()).collect::<Vec<_>>(),
            [Ok(Request::Fetch {
                id: u32::MAX,
                method: FetchMethod::Post,
                timeout_ms: u32::MAX,
                url: &url,
                body: &body
            })]
        );
        assert_eq!(
            (FetchMethod::from_u32(0), FetchMethod::from_u32(1)),
            (Some(FetchMethod::Get), Some(FetchMethod::Post))
        );
        assert_eq!(FetchMethod::from_u32(2), None);
        assert_eq!(FetchMethod::Post.name(), "POST");
    }

    #[test]
    fn fetch_writer_refuses_what_does_not_fit() {
        let mut w = RequestWriter::default();
        w.unload_image(1);
        let before = w.bytes().to_vec();
        let long_url = "u".repeat(MAX_URL_BYTES as usize + 1);
        assert_eq!(
            w.fetch(1, FetchMethod::Get, 0, &long_url, b""),
            Err(FetchRequestError::UrlTooLong(MAX_URL_BYTES as usize + 1))
        );
        let long_body = alloc::vec![0u8; MAX_FETCH_REQUEST_BODY_BYTES as usize + 1];
        assert_eq!(
            w.fetch(2, FetchMethod::Post, 0, "a", &long_body),
            Err(FetchRequestError::BodyTooLong(MAX_FETCH_REQUEST_BODY_BYTES as usize + 1))
        );
        assert_eq!(w.bytes(), &before[..], "nothing written");
        assert_eq!(w.count(), 1);
        assert_eq!(
            alloc::format!("{}", FetchRequestError::UrlTooLong(3000)),
            "fetch URL is 3000 bytes, more than the 2048 allowed"
        );
    }

    #[test]
    fn rejects_malformed_fetches() {
        let good = fetch_record([1, 0, 0, 5, 3], b"a.txtxyz");
        assert_eq!(
            read_requests(&good).collect::<Vec<_>>(),
            [Ok(Request::Fetch {
                id: 1,
                method: FetchMethod::Get,
                timeout_ms: 0,
                url: "a.txt",
                body: b"xyz"
            })]
        );
        let cases: [(Vec<u8>, &str); 11] = [
            (fetch_record([1, 2, 0, 5, 0], b"a.txt"), "unknown fetch method"),
            (fetch_record([1, u32::MAX, 0, 5, 0], b"a.txt"), "unknown fetch method"),
            (fetch_record([1, 0, 0, MAX_URL_BYTES + 1, 0], b""), "URL longer than 2048 bytes"),
            (fetch_record([1, 0, 0, u32::MAX, 0], b""), "URL longer than 2048 bytes"),
            (
                fetch_record([1, 1, 0, 1, MAX_FETCH_REQUEST_BODY_BYTES + 1], b"a"),
                "body longer than 65536 bytes",
            ),
            (fetch_record([1, 1, 0, 1, u32::MAX], b"a"), "body longer than 65536 bytes"),
            // The record holds 8 bytes after the fields (5 + 3 padding).
            (fetch_record([1, 0, 0, 9, 0], b"a.txt"), "URL runs past the record"),
            (fetch_record([1, 1, 0, 5, 4], b"a.txtxyz"), "body runs past the record"),
            (fetch_record([1, 1, 0, 8, 1], b"a.txtxyz"), "body runs past the record"),
            (fetch_record([1, 0, 0, 3, 0], b"\xffab"), "URL is not UTF-8"),
            (fetch_record([1, 0, 0, 2, 0], b"a\xc3"), "URL is not UTF-8"),
        ];
        for (record, reason) in &cases {
            assert_eq!(
                read_requests(record).collect::<Vec<_>>(),
                [Err(bad_record(0, 0, reason))],
                "{reason}"
            );
        }
        // No room for the five fields.
        for len in [8u32, 12, 24] {
            let mut short = alloc::vec![4, 0, 0, 0];
            short.extend_from_slice(&len.to_le_bytes());
            short.resize(len as usize, 0);
            assert_eq!(
                read_requests(&short).collect::<Vec<_>>(),
                [Err(bad_record(0, 0, "payload too short"))]
            );
        }
        assert_eq!(
            read_requests(&[5, 0, 0, 0, 8, 0, 0, 0]).collect::<Vec<_>>(),
            [Err(bad_record(0, 0, "payload too short"))]
        );
        // The records before a bad one stand; none after it is read.
        let mut three = good.clone();
        three.extend_from_slice(&cases[0].0);
        three.extend_from_slice(&good);
        assert_eq!(
            read_requests(&three).collect::<Vec<_>>(),
            [
                Ok(Request::Fetch {
                    id: 1,
                    method: FetchMethod::Get,
                    timeout_ms: 0,
                    url: "a.txt",
                    body: b"xyz"
                }),
                Err(bad_record(1, good.len(), "unknown fetch method")),
            ]
        );
    }

    #[test]
    fn skips_unknown_kinds() {
        let mut bytes = alloc::vec![];
        bytes.extend_from_slice(&99u16.to_le_bytes());
        bytes.extend_from_slice(&0u16.to_le_bytes());
        bytes.extend_from_slice(&12u32.to_le_bytes());
        bytes.extend_from_slice(&0u32.to_le_bytes());
        let mut w = RequestWriter::default();
        w.unload_image(5);
        bytes.extend_from_slice(w.bytes());
        let got: Vec<_> = read_requests(&bytes).collect::<Result<_, _>>().expect("valid");
        assert_eq!(got, [Request::Unknown(99), Request::UnloadImage { handle: 5 }]);
    }

    #[test]
    fn round_trips_state_and_messages() {
        let mut w = RequestWriter::default();
        w.save_state(br#"{"stack":[1]}"#).expect("fits");
        w.post_message(r#"{"type":"metric","v":"é"}"#).expect("fits");
        w.save_state(b"").expect("fits");
        w.write_storage(br#"{"last_profile":"2"}"#).expect("fits");
        let got: Vec<_> = read_requests(w.bytes()).collect::<Result<_, _>>().expect("valid");
        assert_eq!(
            got,
            [
                Request::SaveState { state: br#"{"stack":[1]}"# },
                Request::PostMessage { text: r#"{"type":"metric","v":"é"}"# },
                Request::SaveState { state: b"" },
                Request::WriteStorage { data: br#"{"last_profile":"2"}"# },
            ]
        );
        let mut w = RequestWriter::default();
        let over = alloc::vec![b'x'; crate::MAX_STORAGE_BYTES as usize + 1];
        assert!(w.write_storage(&over).is_err() && w.bytes().is_empty());
        // At the limits, then one byte over: nothing is written.
        let mut w = RequestWriter::default();
        let max = alloc::vec![b'x'; crate::MAX_STATE_BYTES as usize];
        w.save_state(&max).expect("at the limit");
        let text = alloc::string::String::from_utf8(max.clone()).expect("ascii");
        w.post_message(&text).expect("at the limit");
        let before = w.bytes().len();
        let over = alloc::vec![b'x'; crate::MAX_STATE_BYTES as usize + 1];
        assert_eq!(w.save_state(&over), Err(crate::PayloadTooLarge { len: over.len(), limit: 65536 }));
        let over_text = alloc::string::String::from_utf8(over).expect("ascii");
        assert!(w.post_message(&over_text).is_err());
        assert_eq!((w.bytes().len(), w.count()), (before, 2));
        assert_eq!(read_requests(w.bytes()).filter(Result::is_ok).count(), 2);
    }

    #[test]
    fn rejects_malformed_state_and_messages() {
        let bad_record = |reason| RequestError::BadRecord { index: 0, offset: 0, reason };
        let record = |kind: u16, len_field: u32, payload: &[u8]| {
            let mut bytes = alloc::vec![];
            let len = (12 + payload.len()).next_multiple_of(4) as u32;
            bytes.extend_from_slice(&kind.to_le_bytes());
            bytes.extend_from_slice(&0u16.to_le_bytes());
            bytes.extend_from_slice(&len.to_le_bytes());
            bytes.extend_from_slice(&len_field.to_le_bytes());
            bytes.extend_from_slice(payload);
            bytes.resize(len as usize, 0);
            bytes
        };
        let first = |bytes: &[u8]| read_requests(bytes).next().map(|r| r.map(|_| ()));
        assert_eq!(first(&record(6, 9, b"abcd")), Some(Err(bad_record("state runs past the record"))));
        assert_eq!(first(&record(6, 65537, b"")), Some(Err(bad_record("state longer than 65536 bytes"))));
        assert_eq!(first(&record(7, 5, b"abcd")), Some(Err(bad_record("message runs past the record"))));
        assert_eq!(first(&record(7, 70000, b"")), Some(Err(bad_record("message longer than 65536 bytes"))));
        assert_eq!(first(&record(7, 2, &[0xc3, 0x28])), Some(Err(bad_record("message is not UTF-8"))));
        assert_eq!(first(&record(8, 9, b"abcd")), Some(Err(bad_record("storage runs past the record"))));
        assert_eq!(first(&record(8, 65537, b"")), Some(Err(bad_record("storage longer than 65536 bytes"))));
        let mut short = record(7, 0, b"");
        short.truncate(8);
        short[4..8].copy_from_slice(&8u32.to_le_bytes());
        assert_eq!(first(&short), Some(Err(bad_record("payload too short"))));
    }
}
