// A Touchline bundle (a wasm32-wasip1 reactor) loaded into wasmtime: compile, link WASI and
// `touchline_host.log`, check the ABI version, initialise, and run frames (and, when the
// bundle exports `touchline_requests`, collect each frame's requests). Every number the
// bundle hands back is checked against its linear memory before anything is read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "abi.h"
#include "result.h"

namespace touchline::host {

enum class EngineKind { Cranelift, Pulley };

struct LoadOptions {
  std::string path;
  EngineKind engine = EngineKind::Cranelift;
  uint32_t width = 1920;
  uint32_t height = 1080;
};

struct LoadTimings {
  double read_ms = 0;
  double compile_ms = 0;
  double instantiate_ms = 0;
  double init_ms = 0;  // _initialize + touchline_init
};

// One frame's output: the display list bytes, inside the bundle's memory. Valid until the
// next call into the bundle.
struct FrameView {
  const uint8_t *list = nullptr;
  size_t len = 0;
  uint32_t flags = 0;
};

// Why a frame failed.
enum class FrameFailure {
  Trap,         // the bundle trapped (or exited); the instance is dead
  Malformed,    // it returned a pointer/length/list that does not hold up
  BadRequests,  // touchline_requests returned a RequestBuffer that does not hold up
};

struct FrameError {
  FrameFailure kind;
  std::string message;  // one line
  std::string detail;   // more lines (a wasm backtrace), possibly empty
};

class Bundle {
 public:
  // Loads, links, checks the ABI version and initialises the bundle for a viewport.
  // Every failure here means the bundle cannot be used (exit code 1).
  static Result<std::unique_ptr<Bundle>> load(const LoadOptions &options);

  ~Bundle();
  Bundle(const Bundle &) = delete;
  Bundle &operator=(const Bundle &) = delete;

  // Runs one frame over `events` (at most MAX_EVENT_BATCH_BYTES of them) at `time_us`, with
  // `payload` (ABI 1.3: the padded bodies of the batch's FetchDone events, at most
  // MAX_INPUT_PAYLOAD_BYTES) written after the records in the input buffer, then calls
  // `touchline_requests` if exported. On success the returned view points at the display
  // list in the bundle's memory; its header has not been checked yet (DisplayListReader
  // does that).
  bool frame(int64_t time_us, const std::vector<abi::Event> &events,
             const std::vector<uint8_t> &payload, FrameView &out, FrameError &error);

  // The request records of the last successful frame (ABI 1.1), copied out of the bundle's
  // memory; empty when it made none or does not export `touchline_requests`.
  const std::vector<uint8_t> &requests() const;

  const LoadTimings &timings() const { return timings_; }
  uint32_t abi_version() const { return abi_version_; }

 private:
  struct Impl;
  explicit Bundle(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
  LoadTimings timings_;
  uint32_t abi_version_ = 0;
};

}  // namespace touchline::host
