#include "requests.h"

#include <cstring>

namespace touchline::host {
namespace {

uint32_t word(const uint8_t *p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// What a length-prefixed record's problems are called (ABI 1.4 and 1.5).
struct LengthPrefixedNames {
  const char *too_long;
  const char *runs_past;
};
constexpr LengthPrefixedNames kState{"state longer than 65536 bytes", "state runs past the record"};
constexpr LengthPrefixedNames kMessage{"message longer than 65536 bytes", "message runs past the record"};
constexpr LengthPrefixedNames kStorage{"storage longer than 65536 bytes", "storage runs past the record"};

// A u32 length (at most `limit`), then that many bytes: sets `bytes`/`len`, or returns what is
// wrong.
const char *length_prefixed(const uint8_t *payload, size_t payload_len, uint32_t limit,
                            const LengthPrefixedNames &names, const uint8_t *&bytes, uint32_t &len) {
  if (payload_len < 4) return "payload too short";
  len = word(payload);
  if (len > limit) return names.too_long;
  if (len > payload_len - 4) return names.runs_past;
  bytes = payload + 4;
  return nullptr;
}

Error bad_record(uint32_t index, size_t offset, const char *reason) {
  return Error{"request " + std::to_string(index) + " at byte " + std::to_string(offset) +
               " is malformed: " + reason};
}

}  // namespace

bool valid_utf8(const uint8_t *bytes, size_t len) {
  size_t i = 0;
  while (i < len) {
    const uint8_t b = bytes[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    uint8_t lo = 0x80;
    uint8_t hi = 0xbf;  // allowed range of the second byte
    if (b >= 0xc2 && b <= 0xdf) {
      n = 1;
    } else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      if (b == 0xe0) lo = 0xa0;  // no overlong forms
      if (b == 0xed) hi = 0x9f;  // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      if (b == 0xf0) lo = 0x90;  // no overlong forms
      if (b == 0xf4) hi = 0x8f;  // nothing past U+10FFFF
    } else {
      return false;
    }
    if (len - i <= n) return false;
    if (bytes[i + 1] < lo || bytes[i + 1] > hi) return false;
    for (size_t k = 2; k <= n; ++k) {
      if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return false;
    }
    i += n + 1;
  }
  return true;
}

Status read_requests(const uint8_t *bytes, size_t len, std::vector<Request> &out) {
  out.clear();
  if (len > abi::MAX_REQUEST_BYTES) {
    return Error{"request buffer is " + std::to_string(len) + " bytes, more than the 1 MiB limit"};
  }
  size_t offset = 0;
  for (uint32_t index = 0; offset < len; ++index) {
    if (len - offset < abi::REQUEST_HEADER_SIZE) {
      return bad_record(index, offset, "header runs past the end");
    }
    abi::RequestHeader head;
    std::memcpy(&head, bytes + offset, sizeof head);
    const size_t record_len = head.len;
    if (record_len < abi::REQUEST_HEADER_SIZE || record_len % 4 != 0) {
      return bad_record(index, offset, "length is not a multiple of 4 of at least 8");
    }
    if (record_len > len - offset) return bad_record(index, offset, "runs past the end");
    const uint8_t *payload = bytes + offset + abi::REQUEST_HEADER_SIZE;
    const size_t payload_len = record_len - abi::REQUEST_HEADER_SIZE;
    switch (static_cast<abi::RequestKind>(head.kind)) {
      case abi::RequestKind::LoadImage: {
        if (payload_len < 8) return bad_record(index, offset, "payload too short");
        const uint32_t handle = word(payload);
        const uint32_t url_len = word(payload + 4);
        if (url_len > abi::MAX_URL_BYTES) {
          return bad_record(index, offset, "URL longer than 2048 bytes");
        }
        if (url_len > payload_len - 8) return bad_record(index, offset, "URL runs past the record");
        const uint8_t *url = payload + 8;
        if (!valid_utf8(url, url_len)) return bad_record(index, offset, "URL is not UTF-8");
        out.emplace_back(LoadImage{handle, std::string(reinterpret_cast<const char *>(url), url_len)});
        break;
      }
      case abi::RequestKind::UnloadImage:
        if (payload_len < 4) return bad_record(index, offset, "payload too short");
        out.emplace_back(UnloadImage{word(payload)});
        break;
      case abi::RequestKind::Announce: {
        if (payload_len < 4) return bad_record(index, offset, "payload too short");
        const uint32_t text_len = word(payload);
        if (text_len > abi::MAX_ANNOUNCE_BYTES) {
          return bad_record(index, offset, "text longer than 1024 bytes");
        }
        if (text_len > payload_len - 4) {
          return bad_record(index, offset, "text runs past the record");
        }
        const uint8_t *text = payload + 4;
        if (!valid_utf8(text, text_len)) return bad_record(index, offset, "text is not UTF-8");
        out.emplace_back(Announce{std::string(reinterpret_cast<const char *>(text), text_len)});
        break;
      }
      case abi::RequestKind::Fetch: {
        if (payload_len < sizeof(abi::FetchRequest)) return bad_record(index, offset, "payload too short");
        abi::FetchRequest fetch;
        std::memcpy(&fetch, payload, sizeof fetch);
        if (fetch.method != static_cast<uint32_t>(abi::FetchMethod::Get) &&
            fetch.method != static_cast<uint32_t>(abi::FetchMethod::Post)) {
          return bad_record(index, offset, "unknown fetch method");
        }
        if (fetch.url_len > abi::MAX_URL_BYTES) {
          return bad_record(index, offset, "URL longer than 2048 bytes");
        }
        if (fetch.body_len > abi::MAX_FETCH_REQUEST_BODY_BYTES) {
          return bad_record(index, offset, "body longer than 65536 bytes");
        }
        // Both lengths are bounded above: no overflow.
        const size_t room = payload_len - sizeof fetch;
        if (fetch.url_len > room) return bad_record(index, offset, "URL runs past the record");
        if (fetch.body_len > room - fetch.url_len) {
          return bad_record(index, offset, "body runs past the record");
        }
        const uint8_t *url = payload + sizeof fetch;
        if (!valid_utf8(url, fetch.url_len)) return bad_record(index, offset, "URL is not UTF-8");
        const uint8_t *body = url + fetch.url_len;
        out.emplace_back(Fetch{fetch.id, static_cast<abi::FetchMethod>(fetch.method), fetch.timeout_ms,
                               std::string(reinterpret_cast<const char *>(url), fetch.url_len),
                               std::vector<uint8_t>(body, body + fetch.body_len)});
        break;
      }
      case abi::RequestKind::CancelFetch:
        if (payload_len < sizeof(abi::CancelFetchRequest)) {
          return bad_record(index, offset, "payload too short");
        }
        out.emplace_back(CancelFetch{word(payload)});
        break;
      // ABI 1.4 and 1.5: a u32 length, then that many bytes (the record padded to 4).
      case abi::RequestKind::SaveState: {
        const uint8_t *state = nullptr;
        uint32_t state_len = 0;
        if (const char *bad = length_prefixed(payload, payload_len, abi::MAX_STATE_BYTES, kState, state, state_len)) {
          return bad_record(index, offset, bad);
        }
        out.emplace_back(SaveState{std::vector<uint8_t>(state, state + state_len)});
        break;
      }
      case abi::RequestKind::PostMessage: {
        const uint8_t *text = nullptr;
        uint32_t text_len = 0;
        if (const char *bad =
                length_prefixed(payload, payload_len, abi::MAX_BUS_MESSAGE_BYTES, kMessage, text, text_len)) {
          return bad_record(index, offset, bad);
        }
        if (!valid_utf8(text, text_len)) return bad_record(index, offset, "message is not UTF-8");
        out.emplace_back(PostMessage{std::string(reinterpret_cast<const char *>(text), text_len)});
        break;
      }
      case abi::RequestKind::WriteStorage: {
        const uint8_t *data = nullptr;
        uint32_t data_len = 0;
        if (const char *bad = length_prefixed(payload, payload_len, abi::MAX_STORAGE_BYTES, kStorage, data, data_len)) {
          return bad_record(index, offset, bad);
        }
        out.emplace_back(WriteStorage{std::vector<uint8_t>(data, data + data_len)});
        break;
      }
      // ABI 1.6. The checks run in the order of decode_request in abi/src/request.rs: a
      // ControlVideo with an unknown op and no value is "unknown video op", not "too short".
      case abi::RequestKind::OpenVideo: {
        if (payload_len < sizeof(abi::OpenVideoRequest)) return bad_record(index, offset, "payload too short");
        abi::OpenVideoRequest open;
        std::memcpy(&open, payload, sizeof open);
        if (open.url_len > abi::MAX_URL_BYTES) return bad_record(index, offset, "URL longer than 2048 bytes");
        if (open.url_len > payload_len - sizeof open) return bad_record(index, offset, "URL runs past the record");
        const uint8_t *url = payload + sizeof open;
        if (!valid_utf8(url, open.url_len)) return bad_record(index, offset, "URL is not UTF-8");
        out.emplace_back(OpenVideo{open.player, std::string(reinterpret_cast<const char *>(url), open.url_len)});
        break;
      }
      case abi::RequestKind::ControlVideo: {
        if (payload_len < 8) return bad_record(index, offset, "payload too short");
        const uint32_t player = word(payload);
        const uint32_t op = word(payload + 4);
        if (op > static_cast<uint32_t>(abi::VideoOp::Close)) return bad_record(index, offset, "unknown video op");
        if (payload_len < sizeof(abi::ControlVideoRequest)) return bad_record(index, offset, "payload too short");
        const uint32_t value = word(payload + 8);
        if (op == static_cast<uint32_t>(abi::VideoOp::SetRate) && (value < 1 || value > abi::MAX_VIDEO_RATE_MILLI)) {
          return bad_record(index, offset, "video rate not within 1..=16000 thousandths");
        }
        out.emplace_back(ControlVideo{player, static_cast<abi::VideoOp>(op), value});
        break;
      }
      default:
        out.emplace_back(UnknownRequest{head.kind});
        break;
    }
    offset += record_len;
  }
  return ok_status();
}

}  // namespace touchline::host
