#include "images.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <sys/stat.h>

// Debian's libstb-dev ships stb_image compiled into libstb (linked through pkg-config `stb`),
// so this is only the declarations.
#include <stb/stb_image.h>

namespace touchline::host {
namespace {

using ImageResult = Result<CairoSurface, abi::ImageError>;

constexpr uint8_t kPngMagic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
constexpr uint8_t kJpegMagic[3] = {0xff, 0xd8, 0xff};

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The length of an RFC 3986 scheme followed by ':' at the start of `url`, or 0.
size_t scheme_length(const std::string &url) {
  const size_t colon = url.find(':');
  if (colon == std::string::npos || colon == 0 || !is_alpha(url[0])) return 0;
  for (size_t i = 1; i < colon; ++i) {
    const char c = url[i];
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return 0;
  }
  return colon;
}

bool iequals(const std::string &a, const char *b) {
  if (a.size() != std::strlen(b)) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

struct FileCloser {
  void operator()(std::FILE *f) const { std::fclose(f); }
};

abi::ImageError io_error(int error) {
  return error == ENOENT || error == ENOTDIR || error == EISDIR ? abi::ImageError::NotFound
                                                                : abi::ImageError::Other;
}

Result<std::vector<uint8_t>, abi::ImageError> read_file(const std::string &path) {
  // Only regular files: a directory, a FIFO (which would block) or a device is not an image.
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) return io_error(errno);
  if (!S_ISREG(info.st_mode)) return abi::ImageError::NotFound;
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) return io_error(errno);
  std::vector<uint8_t> bytes;
  uint8_t chunk[1 << 16];
  for (;;) {
    const size_t n = std::fread(chunk, 1, sizeof chunk, file.get());
    bytes.insert(bytes.end(), chunk, chunk + n);
    if (bytes.size() > kMaxImageFileBytes) return abi::ImageError::TooLarge;
    if (n < sizeof chunk) break;
  }
  if (std::ferror(file.get())) return io_error(errno);
  return bytes;
}

struct StbiFree {
  void operator()(stbi_uc *p) const { stbi_image_free(p); }
};

}  // namespace

const char *image_error_name(abi::ImageError error) {
  switch (error) {
    case abi::ImageError::NotFound: return "not found";
    case abi::ImageError::Decode: return "cannot decode";
    case abi::ImageError::TooLarge: return "too large";
    case abi::ImageError::BadUrl: return "bad URL";
    case abi::ImageError::Other: break;
  }
  return "other";
}

Result<std::string, abi::ImageError> resolve_image_url(const std::string &assets,
                                                       const std::string &url) {
  if (url.empty() || url.find('\0') != std::string::npos) return abi::ImageError::BadUrl;
  if (const size_t scheme = scheme_length(url); scheme > 0) {
    if (!iequals(url.substr(0, scheme), "file")) return abi::ImageError::BadUrl;
    // Only file:///abs/path: an empty authority and an absolute path.
    const std::string rest = url.substr(scheme + 1);
    if (rest.rfind("//", 0) != 0) return abi::ImageError::BadUrl;
    std::string path = rest.substr(2);
    if (path.empty() || path[0] != '/' || path.size() == 1) return abi::ImageError::BadUrl;
    return path;
  }
  if (url[0] == '/') return abi::ImageError::BadUrl;
  size_t start = 0;
  while (start <= url.size()) {
    size_t slash = url.find('/', start);
    if (slash == std::string::npos) slash = url.size();
    if (url.compare(start, slash - start, "..") == 0 && slash - start == 2) {
      return abi::ImageError::BadUrl;
    }
    start = slash + 1;
  }
  if (assets.empty()) return url;
  return assets.back() == '/' ? assets + url : assets + "/" + url;
}

ImageResult decode_image(const uint8_t *bytes, size_t len) {
  const bool png = len >= sizeof kPngMagic && std::memcmp(bytes, kPngMagic, sizeof kPngMagic) == 0;
  const bool jpeg = len >= sizeof kJpegMagic && std::memcmp(bytes, kJpegMagic, sizeof kJpegMagic) == 0;
  if (!png && !jpeg) return abi::ImageError::Decode;
  if (len > kMaxImageFileBytes) return abi::ImageError::TooLarge;
  const int size = static_cast<int>(len);
  // The size first, from the header, so a huge image is refused before it is decoded.
  int w = 0;
  int h = 0;
  int channels = 0;
  if (!stbi_info_from_memory(bytes, size, &w, &h, &channels)) return abi::ImageError::Decode;
  if (w <= 0 || h <= 0) return abi::ImageError::Decode;
  if (static_cast<uint32_t>(w) > kMaxImageSide || static_cast<uint32_t>(h) > kMaxImageSide) {
    return abi::ImageError::TooLarge;
  }
  std::unique_ptr<stbi_uc, StbiFree> rgba(stbi_load_from_memory(bytes, size, &w, &h, &channels, 4));
  if (!rgba) return abi::ImageError::Decode;
  if (static_cast<uint32_t>(w) > kMaxImageSide || static_cast<uint32_t>(h) > kMaxImageSide) {
    return abi::ImageError::TooLarge;
  }
  CairoSurface surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) return abi::ImageError::Other;
  cairo_surface_flush(surface.get());
  unsigned char *data = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  // Straight RGBA bytes to premultiplied native-endian ARGB words, rounding as the desktop
  // host does.
  const auto premul = [](uint32_t c, uint32_t a) {
    const uint32_t t = c * a + 128;
    return (t + (t >> 8)) >> 8;
  };
  for (int y = 0; y < h; ++y) {
    const stbi_uc *src = rgba.get() + static_cast<size_t>(y) * w * 4;
    auto *row = reinterpret_cast<uint32_t *>(data + static_cast<size_t>(y) * stride);
    for (int x = 0; x < w; ++x) {
      const uint32_t a = src[x * 4 + 3];
      const uint32_t r = premul(src[x * 4], a);
      const uint32_t g = premul(src[x * 4 + 1], a);
      const uint32_t b = premul(src[x * 4 + 2], a);
      row[x] = a << 24 | r << 16 | g << 8 | b;
    }
  }
  cairo_surface_mark_dirty(surface.get());
  return surface;
}

ImageResult load_image(const std::string &assets, const std::string &url) {
  auto path = resolve_image_url(assets, url);
  if (!path) return path.error();
  auto bytes = read_file(path.value());
  if (!bytes) return bytes.error();
  return decode_image(bytes.value().data(), bytes.value().size());
}

cairo_surface_t *ImageStore::get(uint32_t handle) const {
  const auto it = images_.find(handle);
  return it == images_.end() ? nullptr : it->second.get();
}

namespace {
uint64_t surface_bytes(cairo_surface_t *s) {
  return static_cast<uint64_t>(cairo_image_surface_get_stride(s)) *
         static_cast<uint64_t>(cairo_image_surface_get_height(s));
}
}  // namespace

Result<std::monostate, abi::ImageError> ImageStore::insert(uint32_t handle, CairoSurface image) {
  const uint64_t size = surface_bytes(image.get());
  const auto it = images_.find(handle);
  const uint64_t replaced = it == images_.end() ? 0 : surface_bytes(it->second.get());
  if (bytes_ - replaced + size > kMaxImageBytes) return abi::ImageError::TooLarge;
  bytes_ = bytes_ - replaced + size;
  images_[handle] = std::move(image);
  return std::monostate{};
}

bool ImageStore::remove(uint32_t handle) {
  const auto it = images_.find(handle);
  if (it == images_.end()) return false;
  bytes_ -= surface_bytes(it->second.get());
  images_.erase(it);
  return true;
}

}  // namespace touchline::host
