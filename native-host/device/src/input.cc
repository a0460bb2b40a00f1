#include "input.h"

namespace touchline::host {

void HostInput::push_with_payload(const abi::Event &event, const uint8_t *bytes, size_t len) {
  events.push_back(event);
  if (len > 0) payload.insert(payload.end(), bytes, bytes + len);
  payload.resize(padded_len(payload.size()), 0);
}

void HostInput::push_fetch_done(uint32_t id, uint32_t status, const uint8_t *body, size_t len) {
  push_with_payload(abi::Event{static_cast<uint32_t>(abi::EventKind::FetchDone), id,
                               static_cast<int32_t>(status), static_cast<int32_t>(len)},
                    body, len);
}

bool HostInput::push_bus_message(BusSource source, std::string_view text) {
  if (text.size() > abi::MAX_BUS_MESSAGE_BYTES) return false;
  push_with_payload(abi::Event{static_cast<uint32_t>(abi::EventKind::BusMessage),
                               static_cast<uint32_t>(source), 0, static_cast<int32_t>(text.size())},
                    reinterpret_cast<const uint8_t *>(text.data()), text.size());
  return true;
}

bool HostInput::push_restore_state(const uint8_t *state, size_t len) {
  return push_bounded(abi::EventKind::RestoreState, abi::MAX_STATE_BYTES, state, len);
}

bool HostInput::push_storage_data(const uint8_t *data, size_t len) {
  return push_bounded(abi::EventKind::StorageData, abi::MAX_STORAGE_BYTES, data, len);
}

bool HostInput::push_bounded(abi::EventKind kind, uint32_t limit, const uint8_t *bytes, size_t len) {
  if (len > limit) return false;
  push_with_payload(abi::Event{static_cast<uint32_t>(kind), 0, 0, static_cast<int32_t>(len)}, bytes, len);
  return true;
}

}  // namespace touchline::host
