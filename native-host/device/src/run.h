// One run of a bundle: load it, drive frames (scripted or live), answer its requests (images
// are loaded between frames, and the answers go out with the next frame's events), carry the
// bus (ABI 1.4), play its video on the frame clock (ABI 1.6), recover from traps (--recover),
// print per-frame lines and the summary, write the screenshot. Returns the process exit code.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "abi.h"
#include "bundle.h"
#include "delivery.h"

namespace touchline::host {

// Exit codes (docs/host-abi.md).
enum ExitCode : int {
  kExitOk = 0,
  kExitBadBundle = 1,   // missing, not wasm, wrong ABI major, missing export, trap in init
  kExitUsage = 2,       // bad command line
  kExitFrameError = 3,  // trap or malformed display list during a frame
};

// A fault a test asks a `fault-injection` bundle to commit (--inject-fault KIND@FRAME[/EVERY]):
// the host posts {"type":"touchline.fault","fault":KIND} to it as a BusMessage on frame `frame`
// (and every `every` frames after, when set).
struct InjectedFault {
  std::string fault;  // panic, loop or oom
  uint64_t frame = 0;
  std::optional<uint64_t> every;  // at least 1

  bool due(uint64_t index) const {
    if (every) return index >= frame && (index - frame) % *every == 0;
    return index == frame;
  }
};
// `KIND@FRAME` or `KIND@FRAME/EVERY`; the error says what is wrong (as the desktop host's).
Result<InjectedFault> parse_injected_fault(std::string_view spec);

// An instance that has run this many frames has started: a trap after it is not a start-up
// trap (the same count as kGoodAfterFrames).
constexpr uint64_t kStartupFrames = 120;
// Start-up traps in a row after which a bundle is given up on (delivered: demoted).
constexpr uint32_t kMaxStartupTraps = 3;

struct Options {
  std::string bundle;                      // BUNDLE.wasm, or
  std::optional<DeliveryOptions> delivery;  // --manifest URL (docs/delivery.md)
  bool headless = false;
  uint32_t width = 1920;
  uint32_t height = 1080;
  std::vector<std::optional<abi::Key>> keys;  // --keys; nullopt: `wait`, no key in that slot
  uint32_t key_interval = 1;
  std::optional<uint64_t> frames;
  std::string screenshot;
  std::vector<std::pair<uint64_t, std::string>> screenshots_at;  // --screenshot-at FRAME=FILE
  std::string dump_dir;
  bool quiet = false;
  EngineKind engine = EngineKind::Cranelift;
  std::string assets = "assets";  // where relative URLs resolve: a directory or an http(s) URL ending in `/`
  bool assets_given = false;      // --assets was given (else a release's own assets win)
  // After a trap in a frame, restart the bundle and hand it its saved state (--recover; always
  // on with --manifest) instead of stopping with exit code 3.
  bool recover = false;
  std::vector<InjectedFault> faults;                 // --inject-fault
  uint32_t frame_budget_ms = kDefaultFrameBudgetMs;  // --frame-budget-ms
  uint64_t memory_limit_mb = kDefaultMemoryLimitBytes >> 20;  // --memory-limit-mb
  std::string module_cache;  // --module-cache DIR: precompiled modules of a BUNDLE.wasm run
  bool startup_snapshots = true;  // not --no-startup-snapshot
  // The legacy JS run beside the bundle (docs/legacy-js.md): --legacy-js FILE; empty: with
  // --manifest the release's (verified, in the cache), else none.
  std::string legacy_js;
  std::string storage;  // --storage FILE: the app's storage area (default with --manifest: CACHE/storage/app.json)
  std::optional<std::string> collector;  // --collector URL: host.config.collectorUrl
};

// `launched` is when the process started, for launch_to_first_frame_ms. With `delivery`, the
// bundle is the one delivery hands over: one that does not start makes way for the last good
// one, one that runs kGoodAfterFrames frames becomes good, one that traps before that counts
// a start-up trap, and the third in a row demotes it: the last good one starts in its place.
int run(const Options &options, std::chrono::steady_clock::time_point launched);

}  // namespace touchline::host
