// Display list v1 reader: validates every bound before anything is read, with the same rules
// (and the same error messages) as DisplayListReader in abi/src/display_list.rs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <variant>
#include <vector>

#include "abi.h"
#include "result.h"

namespace touchline::host {

// The quads of a glyph run, still in the list's bytes (decoded one at a time).
struct GlyphRun {
  abi::GlyphRunCmd run;
  const uint8_t *quads;  // run.quad_count * GLYPH_QUAD_SIZE bytes
  abi::GlyphQuad quad(uint32_t i) const;
};

// An atlas upload and its w * h coverage bytes (still in the list's bytes).
struct AtlasUpload {
  abi::AtlasUploadCmd cmd;
  const uint8_t *pixels;
};

// A linear gradient and its stops (still in the list's bytes).
struct LinearGradient {
  abi::LinearGradientCmd cmd;
  const uint8_t *stops;  // cmd.stop_count * GRADIENT_STOP_SIZE bytes
  abi::GradientStop stop(uint32_t i) const;
};

struct VideoSurface {
  abi::RectF rect;
};
struct PopClip {};
struct PopOpacity {};
struct PopTransform {};
struct UnknownCommand {
  uint16_t opcode;
};

// One decoded command. Pointers inside point into the list's bytes, which must outlive it.
using Command = std::variant<abi::RectCmd, GlyphRun, abi::AtlasPageCmd, AtlasUpload,
                             abi::ImageCmd, VideoSurface, abi::ClipCmd, PopClip,
                             abi::OpacityCmd, PopOpacity, abi::TransformCmd, PopTransform,
                             LinearGradient, abi::ShadowCmd, UnknownCommand>;

// A validated view of a display list's bytes.
class DisplayListReader {
 public:
  // Checks the header: size, magic, version, byte_len == len.
  static Result<DisplayListReader> open(const uint8_t *bytes, size_t len);

  const abi::DisplayListHeader &header() const { return header_; }

  // Decodes every command into `out` (cleared first; capacity is kept), stopping with an
  // error at the first malformed one.
  Status decode(std::vector<Command> &out) const;

 private:
  DisplayListReader(const uint8_t *bytes, size_t len, const abi::DisplayListHeader &header)
      : bytes_(bytes), len_(len), header_(header) {}

  const uint8_t *bytes_;
  size_t len_;
  abi::DisplayListHeader header_;
};

}  // namespace touchline::host
