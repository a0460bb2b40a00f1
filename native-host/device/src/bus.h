// The host's side of the bus (ABI 1.4, docs/legacy-js.md): JSON messages between the bundle and
// the legacy JS VM (and the host's own: crash telemetry, test faults), queued per direction,
// each queue bounded with a drop counter. The run loop moves them: what the bundle posts in a
// frame (PostMessage) goes to `to_js`; what waits in `to_bundle` goes out with the next frame's
// events as BusMessage events, to bundles of ABI 1.4 or later only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "input.h"

namespace touchline::host {

// Messages each direction holds before it drops new ones (and counts them).
constexpr size_t kMaxQueuedMessages = 256;

// True when `text` is a JSON object with a string "type": what a bus message must be.
bool is_bus_message(std::string_view text);

// `{"fault":KIND,"type":"touchline.fault"}`: what --inject-fault posts to the bundle.
std::string fault_message(const std::string &fault);

// `{"frame":N,"kind":KIND,"message":M,"restart_ms":X,"type":"crash"}`: the telemetry of a
// recovered trap, for the JS VM (keys sorted, as serde_json writes them in the desktop host).
std::string crash_message(uint64_t frame, const char *kind, const std::string &message, double restart_ms);

struct HostBus {
  std::deque<std::pair<BusSource, std::string>> to_bundle;
  std::deque<std::string> to_js;
  uint64_t dropped = 0;      // refused: a full queue, or a message over MAX_BUS_MESSAGE_BYTES
  uint64_t malformed = 0;    // the bundle's posts that were not JSON objects with a string type
  uint64_t from_bundle = 0;  // the bundle's valid posts

  // Queues a message for the bundle (the next frame's events); dropped and counted when the
  // queue is full or the message too large.
  void queue_for_bundle(BusSource source, std::string text);
  // Queues a message for the JS VM; dropped and counted when the queue is full.
  void queue_for_js(std::string text);
  // A PostMessage of the bundle: queued for JS when it is a bus message, else counted as
  // malformed. False when malformed.
  bool post_from_bundle(const std::string &text);
  // Takes the messages for the JS VM, oldest first.
  std::vector<std::string> take_for_js();
};

}  // namespace touchline::host
