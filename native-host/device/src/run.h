// One run of a bundle: load it, drive frames (scripted or live), answer its requests (images
// are loaded between frames, and the answers go out with the next frame's events), print
// per-frame lines and the summary, write the screenshot. Returns the process exit code.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "abi.h"
#include "bundle.h"

namespace touchline::host {

// Exit codes (docs/host-abi.md).
enum ExitCode : int {
  kExitOk = 0,
  kExitBadBundle = 1,   // missing, not wasm, wrong ABI major, missing export, trap in init
  kExitUsage = 2,       // bad command line
  kExitFrameError = 3,  // trap or malformed display list during a frame
};

struct Options {
  std::string bundle;
  bool headless = false;
  uint32_t width = 1920;
  uint32_t height = 1080;
  std::vector<abi::Key> keys;
  uint32_t key_interval = 1;
  std::optional<uint64_t> frames;
  std::string screenshot;
  std::string dump_dir;
  bool quiet = false;
  EngineKind engine = EngineKind::Cranelift;
  std::string assets = "assets";  // where relative image URLs resolve
};

// `launched` is when the process started, for launch_to_first_frame_ms.
int run(const Options &options, std::chrono::steady_clock::time_point launched);

}  // namespace touchline::host
