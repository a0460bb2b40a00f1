// touchline-png-probe FILE.png X Y RRGGBB [TOLERANCE]: exit 0 when the pixel at (X, Y) has
// that colour (each channel within TOLERANCE, default 2), 1 otherwise (and says what it saw).
// touchline-png-probe --same A.png B.png: exit 0 when both images have the same size and
// every pixel is equal, 1 otherwise (and says how many differ, and where the first one is).
// touchline-png-probe --like A.png B.png THRESHOLD MAX_FRACTION MAX_MEAN: exit 0 when both have
// the same size, at most MAX_FRACTION of the pixels differ by more than THRESHOLD in a channel
// and the mean channel difference is at most MAX_MEAN (as the Rust tests' support::diff): two
// hosts' screenshots of one page, whose scalers and rasterizers may move an edge a little.

#include <cairo.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

// A PNG as cairo reads it; null (and a message) when it cannot be read.
cairo_surface_t *read_png(const char *path) {
  cairo_surface_t *image = cairo_image_surface_create_from_png(path);
  if (cairo_surface_status(image) != CAIRO_STATUS_SUCCESS) {
    std::fprintf(stderr, "png-probe: cannot read %s: %s\n", path, cairo_status_to_string(cairo_surface_status(image)));
    cairo_surface_destroy(image);
    return nullptr;
  }
  cairo_surface_flush(image);
  return image;
}

// Reads both images and, when they have the same size (and, if `same_format`, format), returns
// `compare(a, b, w, h)`; otherwise says how they differ and returns 1.
template <typename Compare>
int compare_pair(const char *a_path, const char *b_path, bool same_format, Compare compare) {
  cairo_surface_t *a = read_png(a_path);
  cairo_surface_t *b = read_png(b_path);
  int rc = 1;
  if (a != nullptr && b != nullptr) {
    const int w = cairo_image_surface_get_width(a);
    const int h = cairo_image_surface_get_height(a);
    if (w != cairo_image_surface_get_width(b) || h != cairo_image_surface_get_height(b) ||
        (same_format && cairo_image_surface_get_format(a) != cairo_image_surface_get_format(b))) {
      std::printf("png-probe: %s is %dx%d, %s is %dx%d%s: DIFFERENT\n", a_path, w, h, b_path,
                  cairo_image_surface_get_width(b), cairo_image_surface_get_height(b),
                  same_format ? " (or another format)" : "");
    } else {
      rc = compare(a, b, w, h);
    }
  }
  if (a != nullptr) cairo_surface_destroy(a);
  if (b != nullptr) cairo_surface_destroy(b);
  return rc;
}

int same(const char *a_path, const char *b_path) {
  return compare_pair(a_path, b_path, true, [&](cairo_surface_t *a, cairo_surface_t *b, int w, int h) {
    long differing = 0;
    int first_x = -1;
    int first_y = -1;
    for (int y = 0; y < h; ++y) {
      const unsigned char *ra = cairo_image_surface_get_data(a) + static_cast<size_t>(y) * cairo_image_surface_get_stride(a);
      const unsigned char *rb = cairo_image_surface_get_data(b) + static_cast<size_t>(y) * cairo_image_surface_get_stride(b);
      for (int x = 0; x < w; ++x) {
        if (std::memcmp(ra + static_cast<size_t>(x) * 4, rb + static_cast<size_t>(x) * 4, 4) != 0) {
          if (differing++ == 0) {
            first_x = x;
            first_y = y;
          }
        }
      }
    }
    if (differing == 0) {
      std::printf("png-probe: %s and %s: the same %dx%d pixels\n", a_path, b_path, w, h);
      return 0;
    }
    std::printf("png-probe: %s and %s: %ld of %ld pixels differ, the first at (%d, %d): DIFFERENT\n", a_path, b_path,
                differing, static_cast<long>(w) * h, first_x, first_y);
    return 1;
  });
}

// Pixel (x, y) as ARGB: an RGB24 image's unused top byte reads as 0xff.
uint32_t argb_at(cairo_surface_t *image, int x, int y) {
  uint32_t pixel;
  std::memcpy(&pixel,
              cairo_image_surface_get_data(image) + static_cast<size_t>(y) * cairo_image_surface_get_stride(image) +
                  static_cast<size_t>(x) * 4,
              4);
  return cairo_image_surface_get_format(image) == CAIRO_FORMAT_ARGB32 ? pixel : (pixel | 0xff000000u);
}

int like(const char *a_path, const char *b_path, int threshold, double max_fraction, double max_mean) {
  return compare_pair(a_path, b_path, false, [&](cairo_surface_t *a, cairo_surface_t *b, int w, int h) {
    long over = 0;
    uint64_t total = 0;
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        const uint32_t pa = argb_at(a, x, y);
        const uint32_t pb = argb_at(b, x, y);
        int most = 0;
        for (int shift = 0; shift < 32; shift += 8) {
          const int d = std::abs(static_cast<int>((pa >> shift) & 0xff) - static_cast<int>((pb >> shift) & 0xff));
          most = std::max(most, d);
          total += static_cast<uint64_t>(d);
        }
        if (most > threshold) ++over;
      }
    }
    const double pixels = static_cast<double>(w) * h;
    const double fraction = static_cast<double>(over) / pixels;
    const double mean = static_cast<double>(total) / (pixels * 4);
    const bool alike = fraction <= max_fraction && mean <= max_mean;
    std::printf("png-probe: %s vs %s: %ld pixels (%.5f) differ by more than %d, mean difference %.3f "
                "(at most %.5f and %.3f): %s\n",
                a_path, b_path, over, fraction, threshold, mean, max_fraction, max_mean, alike ? "alike" : "DIFFERENT");
    return alike ? 0 : 1;
  });
}

}  // namespace

int main(int argc, char **argv) {
  if (argc == 4 && std::strcmp(argv[1], "--same") == 0) return same(argv[2], argv[3]);
  if (argc == 7 && std::strcmp(argv[1], "--like") == 0) {
    return like(argv[2], argv[3], std::atoi(argv[4]), std::atof(argv[5]), std::atof(argv[6]));
  }
  if (argc != 5 && argc != 6) {
    std::fprintf(stderr,
                 "usage: touchline-png-probe FILE.png X Y RRGGBB [TOLERANCE]\n"
                 "       touchline-png-probe --same A.png B.png\n"
                 "       touchline-png-probe --like A.png B.png THRESHOLD MAX_FRACTION MAX_MEAN\n");
    return 2;
  }
  const int x = std::atoi(argv[2]);
  const int y = std::atoi(argv[3]);
  const unsigned long want = std::strtoul(argv[4], nullptr, 16);
  const int tolerance = argc == 6 ? std::atoi(argv[5]) : 2;

  cairo_surface_t *image = cairo_image_surface_create_from_png(argv[1]);
  if (cairo_surface_status(image) != CAIRO_STATUS_SUCCESS) {
    std::fprintf(stderr, "png-probe: cannot read %s: %s\n", argv[1],
                 cairo_status_to_string(cairo_surface_status(image)));
    cairo_surface_destroy(image);
    return 1;
  }
  const int w = cairo_image_surface_get_width(image);
  const int h = cairo_image_surface_get_height(image);
  if (x < 0 || y < 0 || x >= w || y >= h) {
    std::fprintf(stderr, "png-probe: (%d, %d) is outside the %dx%d image\n", x, y, w, h);
    cairo_surface_destroy(image);
    return 1;
  }
  cairo_surface_flush(image);
  const unsigned char *row =
      cairo_image_surface_get_data(image) + static_cast<size_t>(y) * cairo_image_surface_get_stride(image);
  uint32_t pixel;
  std::memcpy(&pixel, row + static_cast<size_t>(x) * 4, 4);
  const cairo_format_t format = cairo_image_surface_get_format(image);
  cairo_surface_destroy(image);

  // Premultiplied ARGB (or RGB24): undo the premultiplication.
  const unsigned a = format == CAIRO_FORMAT_ARGB32 ? (pixel >> 24) & 0xff : 255;
  auto channel = [&](int shift) -> int {
    const unsigned v = (pixel >> shift) & 0xff;
    return a == 0 ? 0 : static_cast<int>((v * 255 + a / 2) / a);
  };
  const int got[3] = {channel(16), channel(8), channel(0)};
  const int exp[3] = {static_cast<int>((want >> 16) & 0xff), static_cast<int>((want >> 8) & 0xff),
                      static_cast<int>(want & 0xff)};
  bool ok = true;
  for (int i = 0; i < 3; ++i) ok = ok && std::abs(got[i] - exp[i]) <= tolerance;
  std::printf("png-probe: %s (%d, %d) = %02x%02x%02x alpha %02x, expected %06lx: %s\n", argv[1], x,
              y, got[0], got[1], got[2], a, want, ok ? "ok" : "MISMATCH");
  return ok ? 0 : 1;
}
