// touchline-make-test-video DIR: writes the files the video fixtures open, at build time:
// DIR/videos/colors.webm (test_video.h), and text where a video should be:
// DIR/videos/not-a-video.webm and DIR/not-a-video/videos/colors.webm (an asset root whose
// colors.webm is not a video).
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "test_video.h"

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: touchline-make-test-video DIR\n");
    return 2;
  }
  const std::filesystem::path dir = std::filesystem::path(argv[1]) / "videos";
  const std::filesystem::path decoy = std::filesystem::path(argv[1]) / "not-a-video" / "videos";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::filesystem::create_directories(decoy, ec);
  std::ofstream((dir / "not-a-video.webm").string()) << "This is text, not a video.\n";
  std::ofstream((decoy / "colors.webm").string()) << "This is text, not a video.\n";
  const auto written = touchline::test::write_test_video((dir / "colors.webm").string());
  if (!written) {
    std::fprintf(stderr, "touchline-make-test-video: %s\n", written.error().message.c_str());
    return 1;
  }
  return 0;
}
