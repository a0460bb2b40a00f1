// The test video of the video tests (ABI 1.6): 4 s of WebM/VP8 at 10 frames a second, 128x72
// (16:9, so a 4:3 surface shows bars), one solid colour a second: red, green, blue, white.
// Written with GStreamer (appsrc -> videoconvert -> vp8enc -> webmmux -> filesink), a keyframe
// every second.
#pragma once

#include <cstdint>
#include <string>

#include "result.h"

namespace touchline::test {

constexpr int kTestVideoWidth = 128;
constexpr int kTestVideoHeight = 72;
constexpr int kTestVideoFps = 10;
constexpr int kTestVideoSeconds = 4;
// 0xRRGGBB of second s.
constexpr uint32_t kTestVideoColors[kTestVideoSeconds] = {0xff0000, 0x00ff00, 0x0000ff, 0xffffff};

// Writes the test video to `path` (its directory must exist).
host::Status write_test_video(const std::string &path);

}  // namespace touchline::test
