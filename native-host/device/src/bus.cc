#include "bus.h"

#include <nlohmann/json.hpp>

#include "abi.h"

namespace touchline::host {

bool is_bus_message(std::string_view text) {
  const nlohmann::json value =
      nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_object()) return false;
  const auto type = value.find("type");
  return type != value.end() && type->is_string();
}

std::string fault_message(const std::string &fault) {
  return nlohmann::json{{"type", "touchline.fault"}, {"fault", fault}}.dump();
}

std::string crash_message(uint64_t frame, const char *kind, const std::string &message, double restart_ms) {
  nlohmann::json j = nlohmann::json::object();
  j["type"] = "crash";
  j["frame"] = frame;
  j["kind"] = kind;
  j["message"] = message;
  j["restart_ms"] = restart_ms;
  // Invalid UTF-8 in a trap message must not throw: replace it.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void HostBus::queue_for_bundle(BusSource source, std::string text) {
  if (to_bundle.size() >= kMaxQueuedMessages || text.size() > abi::MAX_BUS_MESSAGE_BYTES) {
    ++dropped;
    return;
  }
  to_bundle.emplace_back(source, std::move(text));
}

void HostBus::queue_for_js(std::string text) {
  if (to_js.size() >= kMaxQueuedMessages) {
    ++dropped;
    return;
  }
  to_js.push_back(std::move(text));
}

bool HostBus::post_from_bundle(const std::string &text) {
  if (!is_bus_message(text)) {
    ++malformed;
    return false;
  }
  ++from_bundle;
  queue_for_js(text);
  return true;
}

std::vector<std::string> HostBus::take_for_js() {
  std::vector<std::string> out(std::make_move_iterator(to_js.begin()), std::make_move_iterator(to_js.end()));
  to_js.clear();
  return out;
}

}  // namespace touchline::host
