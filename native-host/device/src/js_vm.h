// The legacy JS VM of docs/legacy-js.md on Duktape (Debian's duktape-dev, 2.x): runs the app's
// `legacy.js` beside the bundle with the doc's `host` object, the same script the desktop host
// runs on QuickJS (native-host/desktop/src/legacy_js.rs). The run loop drives it once per frame:
//
//   vm.set_now(ms);                              // the clock host.now() reads
//   for each message for JS: vm.deliver(json);   // the bundle's, then the host's (crash)
//   vm.tick(ms);                                 // host.onTick
//   vm.take_posts()      -> to the bundle with the next frame's events (BusMessage, source Js)
//   vm.take_http_posts() -> HttpPoster::post (http_post.h)
//
// What the script sees:
//
//  * `host.onMessage(f)`, `host.onTick(f)`: one handler each (a later call replaces it).
//  * `host.post(object)`: JSON.stringify'd and queued for the bundle; false, and counted as
//    dropped, when the value does not serialise to an object with a string `type`, is over
//    kMaxJsMessageBytes encoded, or kMaxJsQueuedPosts already wait.
//  * `host.httpPost(url, body)`: url and body as strings (String()), queued for the run loop;
//    false, and counted as dropped, when the body is over kMaxJsHttpPostBodyBytes (UTF-8) or
//    kMaxJsQueuedHttpPosts already wait.
//  * `host.log(level, text)`: one line `js: LEVEL: TEXT` (control characters shown as `?`, cut to
//    MAX_LOG_LINE_BYTES); `debug` lines only with TOUCHLINE_LOG_DEBUG set, as for the bundle.
//  * `host.now()`: the milliseconds the run loop last gave (set_now() or tick()); 0 before.
//  * `host.config`: `{ collectorUrl: string|null, appVersion, device }`.
//
// Errors. Every call into the script is a Duktape protected call. An exception (at load, in a
// handler, in a tick) is printed as `js: error: MESSAGE` (its first line, at most 300 bytes) and
// counted; the handlers stay registered, the next message or tick runs them again. A script
// that throws while loading still gives a VM (what it registered before the throw stays); only
// a script that does not compile is an error Result. A message that is not JSON, not an object
// with a string `type`, or over kMaxJsMessageBytes is counted as malformed, logged as
// `js: malformed message dropped: REASON` and dropped.
//
// Memory. A custom allocator caps the heap at `heap_limit` bytes (bookkeeping included): past
// it an allocation fails, Duktape collects garbage and retries, then throws `Error: alloc
// failed`, an exception like any other; the host keeps running, and so does the VM once the
// handler's garbage is gone. The cap applies from the end of duk_create_heap (Duktape 2.7
// recurses without end when an allocation fails while it sets its heap up); a limit below what
// that took (about 150 KB) makes load() fail. Duktape interns strings: a loop that keeps
// pushing the same string (`a.push(new Array(1e5).join('x'))`) only grows the array by one slot
// per string and, with no interrupt hook (below), runs for hours rather than hitting the cap.
//
// Fatal errors. Duktape calls its fatal handler for errors it cannot throw (an internal
// failure, an error outside any protected call). Ours records the message, prints
// `js: fatal: MESSAGE (the JS VM is stopped)`, counts an error, and jumps back out to the call
// that entered the VM (longjmp: no C++ object lives in the frames in between). From then on
// the VM is stopped: deliver() and tick() do nothing, take_*() give what was queued before,
// and the heap is never touched again (the allocator frees every block itself).
//
// Limits. Duktape as built by Debian has no interrupt hook (DUK_USE_INTERRUPT_COUNTER and
// DUK_USE_EXEC_TIMEOUT_CHECK are off): a script in an endless loop hangs the frame loop, and
// nothing here can stop it. Unlike QuickJS, a handler is therefore NOT interrupted after
// 100 ms. Strings leave the VM as UTF-8: Duktape keeps a non-BMP character written as a
// surrogate pair in CESU-8, which is joined back into one UTF-8 sequence; a lone surrogate or
// an invalid byte becomes U+FFFD.
//
// A JsVm is not thread-safe; it is used from the frame loop's thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_post.h"
#include "result.h"

namespace touchline::host {

constexpr size_t kMaxJsMessageBytes = 64 * 1024;  // MAX_BUS_MESSAGE_BYTES
constexpr size_t kMaxJsQueuedPosts = 256;
constexpr size_t kMaxJsQueuedHttpPosts = 64;
constexpr size_t kMaxJsHttpPostBodyBytes = 1u << 20;  // not in the doc: a bound on each report
constexpr size_t kDefaultJsHeapLimit = 32u << 20;

struct JsVmConfig {
  // host.config.collectorUrl (null when unset).
  std::optional<std::string> collector_url;
  // host.config.appVersion: the running bundle's version.
  std::string app_version;
  // host.config.device: a name for the device.
  std::string device;
  // The heap cap in bytes (0: kDefaultJsHeapLimit).
  size_t heap_limit = kDefaultJsHeapLimit;
  // Where the VM's `js: ...` lines go (without a newline); empty: stderr.
  std::function<void(std::string_view line)> print;
};

// What the VM counted.
struct JsCounters {
  uint64_t errors = 0;      // exceptions caught (load, handlers, ticks) and a fatal error
  uint64_t malformed = 0;   // messages for JS that were not JSON objects with a string `type`
  uint64_t delivered = 0;   // messages handed to the script
  uint64_t posted = 0;      // host.post calls queued for the bundle
  uint64_t dropped = 0;     // host.post / host.httpPost calls refused
  uint64_t http_posts = 0;  // host.httpPost calls queued
};

class JsVm {
 public:
  // Starts a VM and runs `source` in it. An error only when the VM cannot start ("the JS VM
  // could not start: ...": no heap, a heap_limit below Duktape's start-up needs, a fatal error)
  // or the script does not compile ("legacy JS does not compile: SyntaxError: ..."); nothing
  // is printed for these but a fatal error's line. A script that throws while running is a VM
  // with one error counted (see above).
  static Result<JsVm> load(std::string_view source, const JsVmConfig &config);

  JsVm(JsVm &&) noexcept;
  JsVm &operator=(JsVm &&) noexcept;
  ~JsVm();
  JsVm(const JsVm &) = delete;
  JsVm &operator=(const JsVm &) = delete;

  // Hands the script one message (JSON text); a malformed one is counted, logged and dropped.
  void deliver(std::string_view json);
  // The time host.now() answers from now on, in ms.
  void set_now(double now_ms);
  // set_now(now_ms), then host.onTick(now_ms).
  void tick(double now_ms);

  // The messages the script posted for the bundle (JSON objects, UTF-8), oldest first.
  std::vector<std::string> take_posts();
  // The reports the script asked to send, oldest first.
  std::vector<HttpPost> take_http_posts();

  JsCounters counters() const;
  // Bytes the heap holds now (what heap_limit caps).
  size_t heap_bytes() const;
  // True once a fatal error stopped the VM; fatal_message() says what it was.
  bool stopped() const;
  std::string fatal_message() const;

  // Tests only: raises a Duktape fatal error inside the VM, as an internal failure would.
  void raise_fatal_for_test(const char *message);

 private:
  struct Impl;
  explicit JsVm(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace touchline::host
