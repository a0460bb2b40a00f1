// Renders display list commands with cairo into an ARGB32 image surface, following the rules
// in docs/host-abi.md. Glyph atlas pages are A8 surfaces that live across frames; decoded
// images (ABI 1.1) live in the renderer's ImageStore until unloaded.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cairo_ptr.h"
#include "display_list.h"
#include "images.h"
#include "result.h"
#include "video.h"

namespace touchline::host {

// What a VideoSurface command paints first: opaque black, drawn as a Rect of that fill
// (anti-aliased, through the transform, clip and opacity), as the desktop host does. The video's
// frame (ABI 1.6), when there is one, is painted over it, contained.
constexpr abi::Rgba kVideoSurfaceFill = 0x000000ffu;

class Renderer {
 public:
  // Largest atlas page side and the most bytes all pages may hold; bigger requests are
  // refused with a warning (a bundle must not make the host allocate without bound).
  static constexpr uint32_t kMaxPageSide = 8192;
  static constexpr uint64_t kMaxAtlasBytes = 256ull * 1024 * 1024;
  // The most pixels a shadow's coverage mask may have (after clipping to the viewport); a
  // larger shadow is not drawn.
  static constexpr uint64_t kMaxShadowMaskPixels = 4096ull * 4096;

  static Result<Renderer> create(int width, int height);

  // Draws one frame: clears to opaque black, then runs `commands` in order; VideoSurface
  // commands show `video` (ABI 1.6; none: black). Commands the renderer cannot honour (a
  // missing page, a pop without a push, non-finite numbers, ...) are skipped and described in
  // `warnings`; they never leave the renderer in a bad state.
  void render(const std::vector<Command> &commands, std::vector<std::string> &warnings,
              const VideoFrame *video = nullptr);

  // The frame, as a cairo ARGB32 image surface (premultiplied, native-endian).
  cairo_surface_t *surface() const { return target_.get(); }
  int width() const { return width_; }
  int height() const { return height_; }

  // The decoded images Image commands draw, by handle.
  ImageStore &images() { return images_; }
  const ImageStore &images() const { return images_; }

 private:
  Renderer(CairoSurface target, int width, int height)
      : target_(std::move(target)), width_(width), height_(height) {}

  void atlas_page(const abi::AtlasPageCmd &cmd, std::vector<std::string> &warnings);
  void atlas_upload(const AtlasUpload &up, std::vector<std::string> &warnings);
  uint64_t atlas_bytes() const;

  CairoSurface target_;
  int width_;
  int height_;
  std::unordered_map<uint32_t, CairoSurface> pages_;
  ImageStore images_;
};

// Gradient stops as both hosts use them: offsets clamped to [0, 1] and to at least the
// previous stop's (NaN counts as the previous offset). `.first` offset, `.second` colour.
std::vector<std::pair<float, abi::Rgba>> normalize_stops(const LinearGradient &gradient);

// The A8 coverage of a shadow, `columns` x `rows` bytes (rows `stride` apart): the pixel at
// (i, j) sampled at (x0 + i + 0.5, y0 + j + 0.5) in the shadow's local coordinates, by the
// formula in ShadowCmd's documentation; the same numbers as shadow_mask in the desktop host.
void shadow_mask(const abi::ShadowCmd &cmd, double x0, double y0, int columns, int rows,
                 int stride, unsigned char *out);

// Where an image goes in `rect` for a fit (unknown fits are Fill): the image's top-left
// corner and scale in local coordinates, and the rectangle to fill (the image's own for Fill
// and Contain, `rect` for Cover). False when nothing shows.
struct ImagePlacement {
  double x, y, scale_x, scale_y;
  abi::RectF area;
};
bool place_image(const abi::RectF &rect, uint32_t fit, int width, int height, ImagePlacement &out);

}  // namespace touchline::host
