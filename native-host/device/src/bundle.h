// A Touchline bundle (a wasm32-wasip1 reactor) loaded into wasmtime: compile (or load a
// precompiled module), link WASI and `touchline_host.log`, check the ABI version, initialise,
// and run frames (and, when the bundle exports `touchline_requests`, collect each frame's
// requests). Every number the bundle hands back is checked against its linear memory before
// anything is read.
//
// The sandbox: WASI without preopened directories; linear memory capped per instance (a
// growth past the limit fails, and a trap after that is reported as out of memory); every
// call bounded in time by epoch interruption, a watchdog thread advancing the engine's epoch
// every kEpochTickMs (a frame gets the frame budget, the start — instantiation, the ABI
// version, `_initialize`, `touchline_init` — the longer init budget). A trapped instance can be
// replaced by a fresh one of the same compiled module (restart()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "abi.h"
#include "result.h"

namespace touchline::host {

enum class EngineKind { Cranelift, Pulley };
// "cranelift" or "pulley" (the summary's engine=, the precompiled module's file name).
const char *engine_name(EngineKind engine);

// How often the watchdog advances the epoch: the granularity of the time limits.
constexpr uint32_t kEpochTickMs = 10;
constexpr uint32_t kDefaultFrameBudgetMs = 1000;
constexpr uint32_t kDefaultInitBudgetMs = 30000;
constexpr uint64_t kDefaultMemoryLimitBytes = 256ull << 20;

// What ended an instance, as the `recovered:` line and the crash telemetry name it (the same
// words as TrapKind::name() in the desktop host).
enum class TrapKind {
  Panic,        // the bundle panicked (Rust's panic = "abort": an `unreachable`)
  Watchdog,     // the watchdog interrupted a call that ran past its budget
  OutOfMemory,  // a memory growth past the limit was refused, then the bundle trapped
  Fault,        // a load or store outside linear memory, or another wasm trap
  Exit,         // the bundle called proc_exit
};
const char *trap_kind_name(TrapKind kind);

// Where the module came from.
enum class ModuleSource { Compiled, Cached };
const char *module_source_name(ModuleSource source);  // "compiled" or "cached"

// The host version in precompiled modules' file names (another version never loads them).
const char *host_version();
// `DIR/<sha256>-<engine>-<host version>.cwasm` (and `….cwasm.sha256` beside it).
std::string precompiled_module_path(const std::string &dir, const std::string &sha256, EngineKind engine);

struct LoadOptions {
  std::string path;
  EngineKind engine = EngineKind::Cranelift;
  uint32_t width = 1920;
  uint32_t height = 1080;
  uint32_t frame_budget_ms = kDefaultFrameBudgetMs;  // each frame's calls (rounded up to ticks)
  uint32_t init_budget_ms = kDefaultInitBudgetMs;    // instantiation, _initialize, touchline_init
  uint64_t memory_limit_bytes = kDefaultMemoryLimitBytes;
  // The `major << 16 | minor` the bundle must export (a manifest's `abi`): checked right
  // after touchline_abi_version, before `_initialize` or `touchline_init` run.
  std::optional<uint32_t> expected_abi;
  // Non-empty: keep precompiled modules there (precompiled_module_path) and load one instead
  // of compiling when it is there and its hash verifies.
  std::string module_cache_dir;
  // The bundle file's SHA-256 (lowercase hex) when the caller knows it; else computed when
  // module_cache_dir is set.
  std::string sha256;
  // Start later instances from the memory `touchline_init` left (docs/host-abi.md, "Start-up
  // snapshots"), kept beside the precompiled module when module_cache_dir is set.
  bool startup_snapshots = true;
};

struct LoadTimings {
  double read_ms = 0;
  double compile_ms = 0;  // compiling, or reading, checking and deserializing a cached module
  double instantiate_ms = 0;
  double init_ms = 0;  // _initialize + touchline_init, or copying in the start-up snapshot
  bool init_from_snapshot = false;
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
  Trap,         // the bundle trapped (or exited); the instance is dead until restart()
  Malformed,    // it returned a pointer/length/list that does not hold up
  BadRequests,  // touchline_requests returned a RequestBuffer that does not hold up
};

struct FrameError {
  FrameFailure kind = FrameFailure::Trap;
  std::string message;  // one line
  std::string detail;   // more lines (a wasm backtrace), possibly empty
  TrapKind trap = TrapKind::Fault;  // with FrameFailure::Trap: what ended the instance
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
  // `payload` (the padded payloads of the batch's FetchDone, BusMessage and RestoreState
  // events, at most MAX_INPUT_PAYLOAD_BYTES) written after the records in the input buffer,
  // then calls `touchline_requests` if exported. On success the returned view points at the
  // display list in the bundle's memory; its header has not been checked yet
  // (DisplayListReader does that).
  bool frame(int64_t time_us, const std::vector<abi::Event> &events,
             const std::vector<uint8_t> &payload, FrameView &out, FrameError &error);

  // The request records of the last successful frame (ABI 1.1), copied out of the bundle's
  // memory; empty when it made none or does not export `touchline_requests`.
  const std::vector<uint8_t> &requests() const;

  // Replaces the instance with a fresh one of the same compiled module (after a trap): new
  // store and linear memory, started from the start-up snapshot (else `_initialize` and
  // `touchline_init` again). Returns how long that
  // took in ms; an error when the new instance does not start (the bundle stays dead).
  Result<double> restart();

  // Whether the live instance started from the start-up snapshot (else touchline_init ran).
  bool started_from_snapshot() const;

  // What ended the instance, after a frame failed with a trap (until restart()).
  std::optional<TrapKind> trapped() const;

  // Bytes of linear memory the instance has now.
  size_t memory_bytes() const;

  const LoadTimings &timings() const { return timings_; }
  uint32_t abi_version() const { return abi_version_; }
  ModuleSource module_source() const { return module_source_; }

 private:
  struct Impl;
  explicit Bundle(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
  LoadTimings timings_;
  uint32_t abi_version_ = 0;
  ModuleSource module_source_ = ModuleSource::Compiled;
};

}  // namespace touchline::host
