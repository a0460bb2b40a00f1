// The on-disk delivery cache (docs/delivery.md, "The cache"):
//
//   CACHE/bundles/<sha256>.wasm   verified bundles (<sha256>.js: legacy JS)
//   CACHE/partial/<sha256>.part   interrupted downloads
//   CACHE/good.json               {"format":1,"good":[{"version","sha256","abi","js_sha256"},...],
//                                  "demoted":[sha256,...],"startup_traps":{sha256:N,...}}: good
//                                  versions newest first (at most 3), `abi` as {"major","minor"},
//                                  `js_sha256` null without legacy JS; start-up traps in a row
//                                  (the key left out when there are none), as the desktop host
//                                  writes it
//   CACHE/manifest.json, manifest.etag   the last manifest that verified, and its ETag
//
// Every file is written to a temporary name and renamed. A cached bundle is re-hashed each
// time it is used; one that fails its hash is deleted and counts as missing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace touchline::host {

constexpr size_t kMaxGoodVersions = 3;
constexpr size_t kMaxDemoted = 32;         // the newest; older hashes are forgotten
constexpr uint32_t kStartupTrapsToDemote = 3;

// One good version: a bundle that ran kGoodAfterFrames frames without a trap.
struct GoodEntry {
  std::string version;
  std::string sha256;
  uint32_t abi_major = 0;
  uint32_t abi_minor = 0;
  std::string js_sha256;  // empty: no legacy JS

  bool operator==(const GoodEntry &o) const {
    return version == o.version && sha256 == o.sha256 && abi_major == o.abi_major &&
           abi_minor == o.abi_minor && js_sha256 == o.js_sha256;
  }
};

// good.json.
struct GoodList {
  std::vector<GoodEntry> good;       // newest first
  std::vector<std::string> demoted;  // sha256s, oldest first
  std::map<std::string, uint32_t> startup_traps;  // sha256 -> start-up traps in a row

  bool is_demoted(const std::string &sha256) const;
};

// good.json as text, and back (unknown keys are ignored; a field of the wrong type is an error).
std::string good_list_to_json(const GoodList &list);
Result<GoodList> good_list_from_json(std::string_view text);

// Writes `bytes` to `path` through a temporary file in the same directory and a rename.
Status write_file_atomic(const std::string &path, std::string_view bytes);
// A whole (small) file; an error when it cannot be read.
Result<std::string> read_text_file(const std::string &path);

class Cache {
 public:
  explicit Cache(std::string dir);

  // Creates the directories (bundles/, partial/).
  Status prepare() const;

  const std::string &dir() const { return dir_; }
  std::string bundle_path(const std::string &sha256) const;  // bundles/<sha256>.wasm
  std::string js_path(const std::string &sha256) const;      // bundles/<sha256>.js
  std::string partial_path(const std::string &sha256) const;
  std::string good_path() const;

  // True when `path` exists and holds bytes whose SHA-256 is `sha256`; a file that is there
  // but fails the check is deleted.
  bool verify(const std::string &path, const std::string &sha256) const;

  // good.json; a missing file is an empty list, one that does not parse too (with a warning
  // in `warning` when asked).
  GoodList load_good(std::string *warning = nullptr) const;
  Status save_good(const GoodList &list) const;

  // Puts `entry` first (an older entry of the same sha256 goes), keeps kMaxGoodVersions,
  // deletes the cached files of versions that fall off the list (remove_bundle_files) and
  // clears its trap count.
  Status mark_good(const GoodEntry &entry) const;

  // Counts a start-up trap of `sha256` and returns the count in a row. The
  // kStartupTrapsToDemote-th demotes it: it leaves `good`, joins `demoted` (at most
  // kMaxDemoted kept), its files are deleted (remove_bundle_files) and its count is cleared.
  // A count that cannot be saved still counts.
  uint32_t record_startup_trap(const std::string &sha256) const;

  // Deletes a bundle's files: the bundle, a partial download, and its precompiled modules and
  // start-up snapshots (`modules/<sha256>-…`, every engine, host version and viewport).
  void remove_bundle_files(const std::string &sha256) const;

  // The last manifest that verified and the ETag it came with, when both are cached.
  struct CachedManifest {
    std::string text;
    std::string etag;
  };
  std::optional<CachedManifest> load_manifest() const;
  Status save_manifest(const std::string &text, const std::string &etag) const;
  // Forgets the cached manifest (it no longer verifies).
  void forget_manifest() const;

 private:
  std::string path(const char *name) const;

  std::string dir_;
};

}  // namespace touchline::host
