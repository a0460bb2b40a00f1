// Images a bundle asks for with LoadImage requests (ABI 1.1): where a URL points, decoding it
// (stb_image, from Debian's libstb-dev) into a premultiplied ARGB32 cairo surface, and the
// store the renderer draws Image commands from. The rules are docs/host-abi.md's, shared with
// the desktop host (native-host/desktop/src/images.rs):
//
//  * a relative path (`images/crest.png`) resolves under the asset root (--assets DIR,
//    default `assets` in the current directory); absolute paths, `..` components, NUL bytes
//    and empty URLs are BadUrl;
//  * `file:///abs/path` loads that file; any other scheme (`http://`, `data:`, ...) and
//    `file://host/...` are BadUrl; URLs are taken literally (no percent-decoding);
//  * a missing file (or anything but a regular file) is NotFound; a file over kMaxImageFileBytes or an image
//    over kMaxImageSide on a side is TooLarge; anything but a PNG or JPEG that decodes is
//    Decode;
//  * the decoded images held at once may take kMaxImageBytes; a load past that is TooLarge.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "abi.h"
#include "cairo_ptr.h"
#include "result.h"

namespace touchline::host {

constexpr uint32_t kMaxImageSide = 8192;
constexpr uint64_t kMaxImageFileBytes = 64ull * 1024 * 1024;
constexpr uint64_t kMaxImageBytes = 512ull * 1024 * 1024;

// A short lower-case name for an error code, as both hosts print it.
const char *image_error_name(abi::ImageError error);

// The file a URL names; relative paths resolve under `assets`.
Result<std::string, abi::ImageError> resolve_image_url(const std::string &assets,
                                                       const std::string &url);

// Decodes a PNG or JPEG (told apart by their first bytes) into a premultiplied ARGB32 surface.
Result<CairoSurface, abi::ImageError> decode_image(const uint8_t *bytes, size_t len);

// Resolves, reads and decodes the image at `url`.
Result<CairoSurface, abi::ImageError> load_image(const std::string &assets, const std::string &url);

// Decoded images by handle, within kMaxImageBytes.
class ImageStore {
 public:
  // The image under `handle`, or null.
  cairo_surface_t *get(uint32_t handle) const;
  // Keeps `image` under `handle`, replacing (and freeing) what was there; TooLarge when the
  // store would pass kMaxImageBytes (and then nothing changes).
  Result<std::monostate, abi::ImageError> insert(uint32_t handle, CairoSurface image);
  // Frees the image under `handle`; false when there was none.
  bool remove(uint32_t handle);
  size_t size() const { return images_.size(); }
  uint64_t bytes() const { return bytes_; }

 private:
  std::unordered_map<uint32_t, CairoSurface> images_;
  uint64_t bytes_ = 0;
};

}  // namespace touchline::host
