// The reports the legacy JS sends (`host.httpPost`, docs/legacy-js.md): JSON bodies POSTed with
// libcurl's multi interface, polled once per frame so the frame loop never waits.
//
//  * Each post sends its body with `Content-Type: application/json` (no `Expect: 100-continue`
//    round trip) to an http:// or https:// URL (any other scheme fails); redirects are not
//    followed (a POST is not repeated elsewhere); the answer's body is read and discarded.
//  * At most kMaxHttpPostsInFlight run at once; up to kMaxHttpPostsQueued more wait, in order.
//    A post beyond that is dropped and counted (`post()` returns false).
//  * Every transfer gets kHttpPostTimeoutMs in all (connecting included).
//  * The outcome is counted: `ok` for a 2xx answer, `failed` for anything else (another
//    status, a refused or reset connection, a timeout, a URL curl will not take).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace touchline::host {

constexpr size_t kMaxHttpPostsInFlight = 4;
constexpr size_t kMaxHttpPostsQueued = 64;
constexpr long kHttpPostTimeoutMs = 5000;

// One report: where it goes and its JSON body.
struct HttpPost {
  std::string url;
  std::string body;
};

// A post that finished: the server's status (0 when none came) or why it failed.
struct HttpPostDone {
  std::string url;
  long status = 0;
  std::string error;  // empty when an answer came (whatever its status)
  bool ok() const { return error.empty() && status >= 200 && status < 300; }
};

struct HttpPostCounters {
  uint64_t ok = 0;       // answered 2xx
  uint64_t failed = 0;   // any other status, or no answer
  uint64_t dropped = 0;  // refused by post(): the queue was full
};

// Runs posts, polled by the frame loop (see above). Destroying it drops whatever is running
// or queued, without waiting.
class HttpPoster {
 public:
  // `timeout_ms`: each transfer's total timeout (tests shorten it).
  explicit HttpPoster(long timeout_ms = kHttpPostTimeoutMs);
  ~HttpPoster();
  HttpPoster(const HttpPoster &) = delete;
  HttpPoster &operator=(const HttpPoster &) = delete;

  // Starts the post, or queues it; false (and counted as dropped) when kMaxHttpPostsQueued
  // already wait.
  bool post(HttpPost post);
  // Drives the transfers without waiting; returns those that finished, in completion order,
  // and starts queued ones in the freed slots.
  std::vector<HttpPostDone> poll();
  // Posts running or queued.
  size_t live() const;
  // Posts running now (at most kMaxHttpPostsInFlight).
  size_t running() const;
  HttpPostCounters counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace touchline::host
