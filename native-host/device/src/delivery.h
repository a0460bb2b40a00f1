// Bundle delivery at launch (docs/delivery.md, "The host's side"): fetch and check the
// manifest (signature, ABI major), take the bundle (and legacy JS) it names from the cache or
// the network, and hand it to the run loop; on any failure print `delivery: failed: REASON`
// and hand over the last good bundle instead. The run loop reports back: a bundle that did
// not start (step 6), one that ran kGoodAfterFrames frames (good), one that failed before
// that (three in a row demote it).
//
// Lines on stdout (the words both hosts print):
//   delivery: failed: REASON
//   delivery: running version V (sha256 S) from the network|the cache
//   delivery: running last good version V (sha256 S)
//   delivery: demoted version V (trapped at start-up 3 times)
// With nothing to run the caller prints `error: no bundle to run: REASON` and exits 1.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "cache.h"
#include "crypto.h"
#include "download.h"
#include "manifest.h"
#include "result.h"

namespace touchline::host {

// A bundle becomes good once it has run this many frames without a trap.
constexpr uint64_t kGoodAfterFrames = 120;

// The public key built in at configure time: tools/keys/dev.public, or the CMake cache
// variable TOUCHLINE_PUBLIC_KEY.
const char *builtin_public_key_hex();

// The failure reason for a demoted bundle: `bundle demoted: version V trapped at start-up 3
// times` (what a manifest naming it fails with, and the reason to hand fallback() after
// startup_trap() demoted the running bundle).
std::string demoted_reason(const std::string &version);

enum class BundleSource { Network, Cache, Fallback };
// "network", "cache", "fallback": the summary line's bundle_source.
const char *bundle_source_name(BundleSource source);

struct DeliveryOptions {
  std::string manifest_url;
  std::string cache_dir = ".touchline-cache";
  std::optional<Ed25519PublicKey> public_key;  // unset: the built-in one
  DownloadOptions download;
};

// A verified bundle in the cache, ready to start.
struct DeliveredBundle {
  std::string path;     // CACHE/bundles/<sha256>.wasm
  std::string js_path;  // CACHE/bundles/<js sha256>.js, empty without legacy JS
  std::string version;
  std::string sha256;
  std::string js_sha256;
  uint32_t abi_major = 0;  // what the bundle must export (the manifest's, or when it was good)
  uint32_t abi_minor = 0;
  BundleSource source = BundleSource::Network;
  // The manifest's `assets`, resolved against its URL: where the app's relative URLs resolve
  // (empty: the manifest names none, or this bundle is a fallback run without a manifest).
  std::string assets_url;

  uint32_t abi_version() const { return abi_major << 16 | abi_minor; }
};

class Delivery {
 public:
  explicit Delivery(DeliveryOptions options);

  // Steps 1-5. On a failure prints `delivery: failed: REASON` and returns the last good
  // bundle (see fallback()); an error (REASON) when there is none.
  Result<DeliveredBundle> launch();

  // Step 6 failed for `bundle` (not wasm, a wrong exported ABI, a missing export, a trap or
  // error in init): prints `delivery: failed: bundle does not start: DETAIL` and returns the
  // next good bundle to try (never one tried already in this run), or an error when none is
  // left.
  Result<DeliveredBundle> start_failed(const DeliveredBundle &bundle, const std::string &detail);

  // The newest good bundle that is not demoted and has not been tried in this run (re-hashed;
  // one that fails is deleted and skipped), after printing `delivery: running last good
  // version V (sha256 S)`; an error (`reason`) when there is none. For the run loop's crash
  // recovery too.
  Result<DeliveredBundle> fallback(const std::string &reason);

  // `bundle` ran kGoodAfterFrames frames without a trap: it goes first in good.json (a
  // fallback too) and its trap count is cleared.
  void mark_good(const DeliveredBundle &bundle);

  // `bundle` trapped before kGoodAfterFrames frames. The third time in a row it is demoted
  // (it leaves `good`; `delivery: demoted version V (trapped at start-up 3 times)`): returns
  // true then, and fallback(demoted_reason(bundle.version)) gives what to run instead (fewer:
  // restart the same bundle, or exit as the run loop does today).
  bool startup_trap(const DeliveredBundle &bundle);

  const Cache &cache() const { return cache_; }

 private:
  // Steps 1-5; the error is the failure reason.
  Result<DeliveredBundle> deliver();

  DeliveryOptions options_;
  Cache cache_;
  std::set<std::string> tried_;  // sha256s handed out in this run
};

}  // namespace touchline::host
