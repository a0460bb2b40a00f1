// The app's storage area (ABI 1.5, docs/host-abi.md "Storage"): the one place a bundle's data
// outlives it. The bundle writes the whole area with WriteStorage; the host keeps it in a file
// of its own choosing (--storage FILE; with --manifest, CACHE/storage/app.json) and hands it to
// every instance in its first frame. The bundle never names a path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace touchline::host {

class AppStorage {
 public:
  // The area kept at `path` (empty: only for this run). A missing file is an empty area; one
  // that cannot be read or is larger than MAX_STORAGE_BYTES is left alone (a `warning:` line)
  // and the run starts with an empty area, which its next write replaces.
  explicit AppStorage(std::string path);

  // What to hand a starting instance, if anything.
  const std::optional<std::vector<uint8_t>> &data() const { return data_; }

  // Keeps what the bundle wrote (the request reader bounded it), on disk when there is a
  // file; a failed write is a `warning:` line and the area is still kept for this run.
  void write(std::vector<uint8_t> bytes);

  bool kept_on_disk() const { return !path_.empty(); }
  uint64_t writes() const { return writes_; }

 private:
  std::string path_;
  std::optional<std::vector<uint8_t>> data_;
  uint64_t writes_ = 0;
};

}  // namespace touchline::host
