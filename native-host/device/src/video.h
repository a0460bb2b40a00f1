// Video playback (ABI 1.6): a player over GStreamer that decodes a video's frames on demand,
// for the position the host's frame clock asks for (docs/host-abi.md, "Video").
//
//   uridecodebin (file:// or http(s)://) -> videoconvert -> appsink (BGRA: cairo's ARGB32 on a
//   little-endian CPU; sync=false, a queue of kQueuedFrames, nothing dropped)
//
// No clock of GStreamer's runs the video: the appsink does not sync, so decoding only advances
// as frames are pulled. frame_at(position) pulls forward when the position is a little ahead of
// the frame shown and seeks (flushing, accurate) otherwise, so a scripted run sees the same
// pixels every time. Audio streams are left encoded and unlinked: the hosts play no sound.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "abi.h"
#include "cairo_ptr.h"
#include "result.h"

namespace touchline::host {

// How long opening may take (until the first frame is decoded), for files and over http.
constexpr int64_t kVideoOpenTimeoutMs = 10000;
constexpr int64_t kVideoHttpOpenTimeoutMs = 20000;
// How long frame_at waits for one frame before it gives up for this call (the frame loop must
// not hang on a stalled stream; the next call waits again).
constexpr int64_t kVideoPullTimeoutMs = 2000;
// A position at most this far ahead of the frame shown is reached by decoding forward; further,
// or behind it, by seeking.
constexpr int64_t kVideoStepLimitMs = 1000;
// Frames the appsink queues ahead of the puller.
constexpr unsigned kQueuedFrames = 2;
// The largest picture side the host decodes (as for images): a bigger video is Decode, a frame
// that grows past it mid-stream is skipped.
constexpr int kMaxVideoSide = 8192;

// Why a video could not be opened or played: the code the bundle gets, and for the log the
// details (GStreamer's message and the element that posted it, or the host's reason).
struct VideoFailure {
  abi::VideoError error = abi::VideoError::Other;
  std::string message;
};

// A short lower-case name of an error, as on the host's `warning:` lines.
const char *video_error_name(abi::VideoError error);

// The URI GStreamer opens for a video URL, resolved like a fetch URL (docs/host-abi.md, "Fetch
// URLs"): http(s) as given; a relative path under `assets` or file:///abs/path as a file://
// URI of that file. BadUrl for what the rule refuses, NotFound when the file is not there (or
// is not a regular file).
Result<std::string, VideoFailure> resolve_video_url(const std::string &assets, const std::string &url);

// A decoded frame, as the renderer paints it.
struct VideoFrame {
  int64_t pts_ms = 0;     // its time in the stream
  uint64_t serial = 0;    // unique per frame decoded (in this process): a new picture, a new number
  double pixel_aspect = 1;  // a pixel's width over its height
  CairoSurface surface;   // ARGB32, opaque
};

class VideoPlayer {
 public:
  // Opens `uri` and waits (at most kVideoOpenTimeoutMs, over http kVideoHttpOpenTimeoutMs) until
  // the first frame is decoded and the duration known. Errors: NotFound (no such file, HTTP
  // 404), Decode (not a video GStreamer can decode, one without a video stream, or one over
  // kMaxVideoSide on a side), Network
  // (http: no connection, another HTTP error, a timeout), Other.
  static Result<VideoPlayer, VideoFailure> open(const std::string &uri);

  VideoPlayer(VideoPlayer &&) noexcept;
  VideoPlayer &operator=(VideoPlayer &&) noexcept;
  ~VideoPlayer();

  // The duration in milliseconds; 0 when the stream does not say.
  int64_t duration_ms() const;

  // The last frame whose time is at or before `position_ms` (decoding or seeking to reach it),
  // or null when there is none (before the first frame, or while a stalled stream brings
  // nothing). Valid until the next call or the player's end.
  const VideoFrame *frame_at(int64_t position_ms);

  // A playback error (a bus error since the video opened), once; the player is then done.
  std::optional<VideoFailure> take_failure();

  // Frames decoded (pulled from the appsink) so far.
  uint64_t frames_decoded() const;

 private:
  struct Impl;
  explicit VideoPlayer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace touchline::host
