// A frame's input (ABI 1.3, 1.4), as the host writes it into the bundle's input buffer before
// `touchline_frame(time_us, event_count)`: the event records, then the payload area holding the
// bytes of the payload-carrying events in event order, each zero-padded to a multiple of 4 (the
// event's `c` is the unpadded length). Those events are FetchDone (the fetched body, 1.3),
// BusMessage (the message's JSON text) and RestoreState (the saved state), both 1.4. The same
// rules as HostInput in abi/src/input.rs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "abi.h"

namespace touchline::host {

// Who put a BusMessage on the bus (ABI 1.4): the legacy JS VM or the host itself.
using BusSource = abi::BusSource;

constexpr size_t padded_len(size_t len) { return (len + 3) / 4 * 4; }

struct HostInput {
  std::vector<abi::Event> events;  // in delivery order
  std::vector<uint8_t> payload;    // the padded payloads of the events that carry one

  void clear() {
    events.clear();
    payload.clear();
  }

  // An event without a payload.
  void push(const abi::Event &event) { events.push_back(event); }

  // A FetchDone event and its body (the caller keeps bodies within MAX_FETCH_BODY_BYTES).
  void push_fetch_done(uint32_t id, uint32_t status, const uint8_t *body, size_t len);

  // A BusMessage event and its text; false (nothing added) over MAX_BUS_MESSAGE_BYTES.
  bool push_bus_message(BusSource source, std::string_view text);

  // A RestoreState event and the saved bytes; false (nothing added) over MAX_STATE_BYTES.
  bool push_restore_state(const uint8_t *state, size_t len);
  // A StorageData event and the stored bytes (ABI 1.5); false (nothing pushed) over
  // MAX_STORAGE_BYTES.
  bool push_storage_data(const uint8_t *data, size_t len);

  size_t records_len() const { return events.size() * sizeof(abi::Event); }

 private:
  void push_with_payload(const abi::Event &event, const uint8_t *bytes, size_t len);
  // An event of `kind` with `len` payload bytes; false (nothing pushed) over `limit`.
  bool push_bounded(abi::EventKind kind, uint32_t limit, const uint8_t *bytes, size_t len);
};

}  // namespace touchline::host
