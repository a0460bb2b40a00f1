// The bundle's video (ABI 1.6) as docs/host-abi.md, "Video", describes it: one open at a time,
// its state and position kept on the host's frame clock (never GStreamer's), and the events it
// owes the bundle. The run loop calls start_frame() before each frame, hands it the OpenVideo
// and ControlVideo requests after the frame that made them, and appends position_event() as
// the frame's last event.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "abi.h"
#include "requests.h"
#include "video.h"

namespace touchline::host {

// `ready`, `playing`, `paused`, `ended` or `closed`, as the per-frame lines print it.
const char *video_state_name(abi::VideoState state);

class VideoSession {
 public:
  explicit VideoSession(std::string assets) : assets_(std::move(assets)) {}

  // At the start of a frame at `time_us`: a playing video moves on by the time since the frame
  // before (for the first frame after a Play or Seek: since the frame that asked) times its
  // rate, stopping at the end (Ended, in `events`). A playback error closes it (VideoFailed, in
  // `events`) and is returned for the log.
  std::optional<VideoFailure> start_frame(int64_t time_us, std::vector<abi::Event> &events);

  // Carries out an OpenVideo: the open video is closed first (its Closed goes first), then
  // `events` gets Ready (paused at 0, with the duration) or VideoFailed; the failure is also
  // returned for the log.
  std::optional<VideoFailure> open(const OpenVideo &request, std::vector<abi::Event> &events);

  // Carries out a ControlVideo for the open video (others are ignored); a state change puts its
  // VideoState in `events`.
  void control(const ControlVideo &request, std::vector<abi::Event> &events);

  // Closes the open video without an event: a restarted instance never opened it.
  void forget();

  bool is_open() const { return open_.has_value(); }

  // The open video's VideoPosition (position in ms; the rate while playing, else 0).
  std::optional<abi::Event> position_event() const;
  // The open video's position and state; nullopt with none open.
  std::optional<int64_t> position_ms() const;
  std::optional<abi::VideoState> state() const;

  // The frame to paint at the position (decoded on demand); null with no open video or no
  // frame yet.
  const VideoFrame *picture();

  uint64_t opened() const { return opened_; }
  uint64_t failed() const { return failed_; }
  uint64_t frames_decoded() const;

 private:
  struct Open {
    uint32_t player;
    VideoPlayer video;
    abi::VideoState state = abi::VideoState::Ready;
    int64_t position_us = 0;
    uint32_t rate_milli = 1000;
  };

  void close();
  abi::Event state_event(abi::VideoState state) const;
  int64_t duration_us() const { return open_->video.duration_ms() * 1000; }

  std::string assets_;
  std::optional<Open> open_;
  int64_t frame_time_us_ = 0;  // the time of the frame last started
  uint64_t opened_ = 0;
  uint64_t failed_ = 0;
  uint64_t frames_of_closed_ = 0;  // frames decoded by videos closed since
};

}  // namespace touchline::host
