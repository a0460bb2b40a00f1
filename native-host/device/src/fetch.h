// Fetch requests (ABI 1.3): where a URL points, reading files, and HTTP with libcurl. The
// rules are docs/host-abi.md's, shared with the desktop host (native-host/desktop/src/fetch.rs):
//
//  * `http://` and `https://` URLs (scheme case-insensitive) are fetched with libcurl's multi
//    interface, polled once per frame so the frame loop never waits: at most
//    kMaxFetchesInFlight transfers at once, the rest queued in request order. Such a URL must
//    be printable ASCII (no spaces or control characters) with a non-empty authority, else
//    BadUrl. The answer is the server's status and body (any status, redirects followed up to
//    kMaxRedirects); a failed connection (refused, reset, no such host, TLS) is Network, no
//    complete answer within the timeout Timeout, a body over MAX_FETCH_BODY_BYTES (declared
//    or sent) TooLarge. A POST sends its body as application/octet-stream; a GET sends none.
//  * Every other URL names a file, as image URLs do (resolve_image_url): a relative path under
//    the asset root, or file:///abs/path; anything else is BadUrl. Files are read
//    synchronously, whatever the method: a regular file answers 200 and its bytes, a missing
//    path or anything but a regular file 404 and no body, any other read error 500 and no
//    body; a file over MAX_FETCH_BODY_BYTES is TooLarge.
//  * timeout_ms 0 means DEFAULT_FETCH_TIMEOUT_MS; longer timeouts are capped at
//    kMaxFetchTimeoutMs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "abi.h"
#include "result.h"

namespace touchline::host {

constexpr size_t kMaxFetchesInFlight = 4;
constexpr uint32_t kMaxFetchTimeoutMs = 300000;  // 5 minutes
constexpr long kMaxRedirects = 5;

// What a fetch came to: an HTTP status and a body, or a FetchError.
struct FetchAnswer {
  uint32_t status = 0;
  std::vector<uint8_t> body;
};
using FetchOutcome = Result<FetchAnswer, abi::FetchError>;

// Where a fetch URL points: a file path, or an http(s) URL.
struct FetchTarget {
  bool http = false;
  std::string where;
};

// The timeout, in milliseconds, a fetch gets for its `timeout_ms`.
uint32_t fetch_timeout_ms(uint32_t timeout_ms);

// Whether `text` starts with `http://` or `https://` (case-insensitive).
bool is_http_url(const std::string &text);

// Where `url` points; relative paths resolve under `assets`, a directory or an http(s) URL
// ending in `/` (a delivered release's assets): then they are network fetches.
Result<FetchTarget, abi::FetchError> resolve_fetch_url(const std::string &assets, const std::string &url);

// Reads a file as a fetch answers it (see above).
FetchOutcome fetch_file(const std::string &path);

// A short lower-case name of an error, as both hosts print it on `fetch:` lines.
const char *fetch_error_name(abi::FetchError error);

// A network fetch that finished.
struct FetchFinished {
  uint32_t id;
  std::string url;
  FetchOutcome outcome;
};

// Runs network fetches with libcurl's multi interface, polled by the frame loop: at most
// kMaxFetchesInFlight transfers at once; finished ones are handed back in completion order.
// A cancelled fetch is never handed back (a running transfer is dropped at once).
class Fetcher {
 public:
  // Bodies over `body_limit` bytes are TooLarge (fetches: MAX_FETCH_BODY_BYTES; images under an
  // http asset root take as much as an image file may).
  explicit Fetcher(uint64_t body_limit = abi::MAX_FETCH_BODY_BYTES);
  ~Fetcher();
  Fetcher(const Fetcher &) = delete;
  Fetcher &operator=(const Fetcher &) = delete;

  // Starts (or queues) a fetch of an http(s) URL; a fetch already live under `id` is
  // cancelled first.
  void start(uint32_t id, abi::FetchMethod method, uint32_t timeout_ms, const std::string &url,
             const std::vector<uint8_t> &body);
  // Drops fetch `id`; false when none was live.
  bool cancel(uint32_t id);
  // Drives the transfers (without waiting) and returns those that finished, in completion
  // order; starts queued ones in the freed slots.
  std::vector<FetchFinished> poll();
  // Fetches running or queued.
  size_t live() const;
  // Transfers running now (at most kMaxFetchesInFlight).
  size_t running() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace touchline::host
