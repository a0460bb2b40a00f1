// Request records (ABI 1.1; Announce 1.2; Fetch and CancelFetch 1.3; SaveState and
// PostMessage 1.4; WriteStorage 1.5; OpenVideo and ControlVideo 1.6): what a bundle asks of
// its host in a frame, handed
// over through `touchline_requests`. The reader validates every bound with the same rules
// (and the same error messages) as read_requests in abi/src/request.rs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "abi.h"
#include "result.h"

namespace touchline::host {

// Decode the image at `url` and keep it under `handle`; answered with ImageLoaded or
// ImageFailed.
struct LoadImage {
  uint32_t handle;
  std::string url;  // valid UTF-8, at most MAX_URL_BYTES
};

// Free the image under `handle`; not answered.
struct UnloadImage {
  uint32_t handle;
};

// Speak `text` to the user (ABI 1.2); not answered.
struct Announce {
  std::string text;  // valid UTF-8, at most MAX_ANNOUNCE_BYTES
};

// Fetch `url` (ABI 1.3); answered with FetchDone or FetchFailed carrying `id`.
struct Fetch {
  uint32_t id;
  abi::FetchMethod method;
  uint32_t timeout_ms;        // 0: the host's default (DEFAULT_FETCH_TIMEOUT_MS)
  std::string url;            // valid UTF-8, at most MAX_URL_BYTES
  std::vector<uint8_t> body;  // at most MAX_FETCH_REQUEST_BODY_BYTES
};

// Drop fetch `id`: it is never answered (ABI 1.3); not answered itself.
struct CancelFetch {
  uint32_t id;
};

// Keep `state` for the next instance, handed back as a RestoreState event after a trap the
// host recovered from (ABI 1.4); not answered.
struct SaveState {
  std::vector<uint8_t> state;  // at most MAX_STATE_BYTES
};

// Post `text` (JSON, which the host checks) to the legacy JS VM over the bus (ABI 1.4); not
// answered.
struct PostMessage {
  std::string text;  // valid UTF-8, at most MAX_BUS_MESSAGE_BYTES
};

// Keep `data` as the app's storage area, on disk across launches, and hand it to every
// instance in its first frame as a StorageData event (ABI 1.5); not answered.
struct WriteStorage {
  std::vector<uint8_t> data;  // at most MAX_STORAGE_BYTES
};

// Open the video at `url` as `player`, closing the one open first (ABI 1.6); answered with
// VideoState Ready or VideoFailed.
struct OpenVideo {
  uint32_t player;
  std::string url;  // valid UTF-8, at most MAX_URL_BYTES; resolved like a fetch URL
};

// Play, pause, seek, set the rate of or close the open video (ABI 1.6); answered with a
// VideoState when its state changes.
struct ControlVideo {
  uint32_t player;
  abi::VideoOp op;
  uint32_t value;  // milliseconds for Seek; thousandths (1..=MAX_VIDEO_RATE_MILLI) for SetRate
};

// A kind this reader does not know; skipped.
struct UnknownRequest {
  uint16_t kind;
};

using Request = std::variant<LoadImage, UnloadImage, Announce, Fetch, CancelFetch, SaveState, PostMessage,
                             WriteStorage, OpenVideo, ControlVideo, UnknownRequest>;

// Decodes `len` bytes of records into `out` (cleared first). Stops at the first malformed
// record: the records before it are in `out`, and the error says what is wrong.
Status read_requests(const uint8_t *bytes, size_t len, std::vector<Request> &out);

// True when `bytes` are well-formed UTF-8 (as Rust's str::from_utf8 judges it).
bool valid_utf8(const uint8_t *bytes, size_t len);

}  // namespace touchline::host
