// touchline-make-test-assets DIR: writes the images the request fixtures load, so no binary
// is checked in: DIR/images/crest.png (8x6, the left half red, the right half blue, as the
// desktop host's tests write it), DIR/images/garbage.png (text, not an image) and, for the
// fetch fixtures, DIR/data/hello.txt ("hello, touchline\n").

#include <cairo.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: touchline-make-test-assets DIR\n");
    return 2;
  }
  const std::filesystem::path images = std::filesystem::path(argv[1]) / "images";
  std::error_code ec;
  std::filesystem::create_directories(images, ec);
  if (ec) {
    std::fprintf(stderr, "cannot create %s: %s\n", images.c_str(), ec.message().c_str());
    return 1;
  }
  cairo_surface_t *crest = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 8, 6);
  cairo_surface_flush(crest);
  unsigned char *data = cairo_image_surface_get_data(crest);
  const int stride = cairo_image_surface_get_stride(crest);
  for (int y = 0; y < 6; ++y) {
    for (int x = 0; x < 8; ++x) {
      const uint32_t argb = x < 4 ? 0xffff0000u : 0xff0000ffu;
      std::memcpy(data + y * stride + x * 4, &argb, 4);
    }
  }
  cairo_surface_mark_dirty(crest);
  const std::string crest_path = (images / "crest.png").string();
  const cairo_status_t status = cairo_surface_write_to_png(crest, crest_path.c_str());
  cairo_surface_destroy(crest);
  if (status != CAIRO_STATUS_SUCCESS) {
    std::fprintf(stderr, "cannot write %s: %s\n", crest_path.c_str(), cairo_status_to_string(status));
    return 1;
  }
  const auto write_text = [](const std::filesystem::path &path, const char *text) {
    std::FILE *f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) return false;
    const bool written = std::fputs(text, f) >= 0;
    return std::fclose(f) == 0 && written;
  };
  if (!write_text(images / "garbage.png", "not an image\n")) {
    std::fprintf(stderr, "cannot write %s\n", (images / "garbage.png").c_str());
    return 1;
  }
  const std::filesystem::path data_dir = std::filesystem::path(argv[1]) / "data";
  std::filesystem::create_directories(data_dir, ec);
  if (ec || !write_text(data_dir / "hello.txt", "hello, touchline\n")) {
    std::fprintf(stderr, "cannot write %s\n", (data_dir / "hello.txt").c_str());
    return 1;
  }
  return 0;
}
