#include "video_session.h"

#include <algorithm>
#include <utility>

namespace touchline::host {
namespace {

abi::Event event(abi::EventKind kind, uint32_t a, int64_t b, int64_t c) {
  return abi::Event{static_cast<uint32_t>(kind), a, static_cast<int32_t>(b), static_cast<int32_t>(c)};
}

}  // namespace

abi::Event VideoSession::state_event(abi::VideoState state) const {
  return event(abi::EventKind::VideoState, open_->player, static_cast<int64_t>(state), open_->video.duration_ms());
}

void VideoSession::close() {
  frames_of_closed_ += open_->video.frames_decoded();
  open_.reset();
}

void VideoSession::forget() {
  if (open_) close();
}

std::optional<VideoFailure> VideoSession::start_frame(int64_t time_us, std::vector<abi::Event> &events) {
  const int64_t elapsed_us = time_us - frame_time_us_;
  frame_time_us_ = time_us;
  if (!open_) return std::nullopt;
  if (auto failure = open_->video.take_failure()) {
    events.push_back(event(abi::EventKind::VideoFailed, open_->player, static_cast<int64_t>(failure->error), 0));
    ++failed_;
    close();
    return failure;
  }
  if (open_->state != abi::VideoState::Playing || elapsed_us <= 0) return std::nullopt;
  open_->position_us += elapsed_us * open_->rate_milli / 1000;
  // A duration of 0 is unknown: such a stream plays on.
  if (duration_us() > 0 && open_->position_us >= duration_us()) {
    open_->position_us = duration_us();
    open_->state = abi::VideoState::Ended;
    events.push_back(state_event(abi::VideoState::Ended));
  }
  return std::nullopt;
}

std::optional<VideoFailure> VideoSession::open(const OpenVideo &request, std::vector<abi::Event> &events) {
  if (open_) {
    events.push_back(state_event(abi::VideoState::Closed));
    close();
  }
  auto uri = resolve_video_url(assets_, request.url);
  auto player = uri ? VideoPlayer::open(uri.value()) : Result<VideoPlayer, VideoFailure>(uri.error());
  if (!player) {
    events.push_back(event(abi::EventKind::VideoFailed, request.player, static_cast<int64_t>(player.error().error), 0));
    ++failed_;
    return player.error();
  }
  open_.emplace(Open{request.player, std::move(player.value())});
  ++opened_;
  events.push_back(state_event(abi::VideoState::Ready));
  return std::nullopt;
}

void VideoSession::control(const ControlVideo &request, std::vector<abi::Event> &events) {
  if (!open_ || request.player != open_->player) return;
  Open &video = *open_;
  const auto become = [&](abi::VideoState state) {
    if (video.state == state) return;
    video.state = state;
    events.push_back(state_event(state));
  };
  switch (request.op) {
    case abi::VideoOp::Play:
      if (video.state == abi::VideoState::Ended) video.position_us = 0;  // an ended video plays again
      become(abi::VideoState::Playing);
      break;
    case abi::VideoOp::Pause:
      // Ready and Ended are paused already.
      if (video.state == abi::VideoState::Playing) become(abi::VideoState::Paused);
      break;
    case abi::VideoOp::Seek: {
      const int64_t to_us = static_cast<int64_t>(request.value) * 1000;
      if (duration_us() > 0 && to_us >= duration_us()) {
        video.position_us = duration_us();  // seeking to the end ends it
        become(abi::VideoState::Ended);
      } else {
        video.position_us = to_us;
        // A seek is no state change, but a video back from its end is no longer ended.
        if (video.state == abi::VideoState::Ended) become(abi::VideoState::Paused);
      }
      break;
    }
    case abi::VideoOp::SetRate:
      video.rate_milli = request.value;  // the decoder checked 1..=MAX_VIDEO_RATE_MILLI
      break;
    case abi::VideoOp::Close:
      events.push_back(state_event(abi::VideoState::Closed));
      close();
      break;
  }
}

std::optional<abi::Event> VideoSession::position_event() const {
  if (!open_) return std::nullopt;
  const uint32_t rate = open_->state == abi::VideoState::Playing ? open_->rate_milli : 0;
  return event(abi::EventKind::VideoPosition, open_->player, open_->position_us / 1000, rate);
}

std::optional<int64_t> VideoSession::position_ms() const {
  if (!open_) return std::nullopt;
  return open_->position_us / 1000;
}

std::optional<abi::VideoState> VideoSession::state() const {
  if (!open_) return std::nullopt;
  return open_->state;
}

const char *video_state_name(abi::VideoState state) {
  switch (state) {
    case abi::VideoState::Ready:
      return "ready";
    case abi::VideoState::Playing:
      return "playing";
    case abi::VideoState::Paused:
      return "paused";
    case abi::VideoState::Ended:
      return "ended";
    case abi::VideoState::Closed:
      return "closed";
  }
  return "unknown";
}

const VideoFrame *VideoSession::picture() {
  return open_ ? open_->video.frame_at(open_->position_us / 1000) : nullptr;
}

uint64_t VideoSession::frames_decoded() const {
  return frames_of_closed_ + (open_ ? open_->video.frames_decoded() : 0);
}

}  // namespace touchline::host
