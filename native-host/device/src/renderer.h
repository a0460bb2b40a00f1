// Renders display list commands with cairo into an ARGB32 image surface, following the rules
// in docs/host-abi.md. Glyph atlas pages are A8 surfaces that live across frames.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "cairo_ptr.h"
#include "display_list.h"
#include "result.h"

namespace touchline::host {

class Renderer {
 public:
  // Largest atlas page side and the most bytes all pages may hold; bigger requests are
  // refused with a warning (a bundle must not make the host allocate without bound).
  static constexpr uint32_t kMaxPageSide = 8192;
  static constexpr uint64_t kMaxAtlasBytes = 256ull * 1024 * 1024;

  static Result<Renderer> create(int width, int height);

  // Draws one frame: clears to opaque black, then runs `commands` in order. Commands the
  // renderer cannot honour (a missing page, a pop without a push, non-finite numbers, ...)
  // are skipped and described in `warnings`; they never leave the renderer in a bad state.
  void render(const std::vector<Command> &commands, std::vector<std::string> &warnings);

  // The frame, as a cairo ARGB32 image surface (premultiplied, native-endian).
  cairo_surface_t *surface() const { return target_.get(); }
  int width() const { return width_; }
  int height() const { return height_; }

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
};

}  // namespace touchline::host
