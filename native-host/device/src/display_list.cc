#include "display_list.h"

#include <cstdio>
#include <cstring>
#include <string>

namespace touchline::host {
namespace {

template <typename T>
T load(const uint8_t *p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
  return value;
}

Error bad_command(uint32_t index, size_t offset, const char *reason) {
  return Error{"command " + std::to_string(index) + " at byte " + std::to_string(offset) +
               " is malformed: " + reason};
}

}  // namespace

abi::GlyphQuad GlyphRun::quad(uint32_t i) const {
  return load<abi::GlyphQuad>(quads + static_cast<size_t>(i) * abi::GLYPH_QUAD_SIZE);
}

abi::GradientStop LinearGradient::stop(uint32_t i) const {
  return load<abi::GradientStop>(stops + static_cast<size_t>(i) * abi::GRADIENT_STOP_SIZE);
}

Result<DisplayListReader> DisplayListReader::open(const uint8_t *bytes, size_t len) {
  if (bytes == nullptr || len < abi::DISPLAY_LIST_HEADER_SIZE) {
    return Error{"display list is " + std::to_string(bytes == nullptr ? 0 : len) +
                 " bytes, shorter than its 24-byte header"};
  }
  const auto header = load<abi::DisplayListHeader>(bytes);
  if (header.magic != abi::DISPLAY_LIST_MAGIC) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "%#010x", header.magic);
    return Error{std::string("display list magic is ") + hex + ", expected \"TLDL\""};
  }
  if (header.version != abi::DISPLAY_LIST_VERSION) {
    return Error{"display list version " + std::to_string(header.version) +
                 " is not supported (this reader speaks 1)"};
  }
  if (header.byte_len != len) {
    return Error{"display list header says " + std::to_string(header.byte_len) + " bytes but " +
                 std::to_string(len) + " were given"};
  }
  return DisplayListReader(bytes, len, header);
}

Status DisplayListReader::decode(std::vector<Command> &out) const {
  out.clear();
  size_t offset = abi::DISPLAY_LIST_HEADER_SIZE;
  for (uint32_t index = 0; index < header_.command_count; ++index) {
    if (offset + abi::COMMAND_HEADER_SIZE > len_) {
      return bad_command(index, offset, "header runs past the end");
    }
    const auto head = load<abi::CommandHeader>(bytes_ + offset);
    const size_t cmd_len = head.len;
    if (cmd_len < abi::COMMAND_HEADER_SIZE || cmd_len % 4 != 0) {
      return bad_command(index, offset, "length is not a multiple of 4 of at least 8");
    }
    if (cmd_len > len_ - offset) {
      return bad_command(index, offset, "runs past the end");
    }
    const uint8_t *payload = bytes_ + offset + abi::COMMAND_HEADER_SIZE;
    const size_t payload_len = cmd_len - abi::COMMAND_HEADER_SIZE;
    const auto need = [&](size_t size) { return payload_len >= size; };
    const auto too_short = [&] { return bad_command(index, offset, "payload too short"); };

    switch (static_cast<abi::Opcode>(head.opcode)) {
      case abi::Opcode::Rect:
        if (!need(sizeof(abi::RectCmd))) return too_short();
        out.emplace_back(load<abi::RectCmd>(payload));
        break;
      case abi::Opcode::GlyphRun: {
        if (!need(sizeof(abi::GlyphRunCmd))) return too_short();
        const auto run = load<abi::GlyphRunCmd>(payload);
        // u32 * 16 cannot overflow size_t on the 64-bit hosts this builds for.
        static_assert(sizeof(size_t) >= 8, "64-bit host");
        const size_t quad_bytes = static_cast<size_t>(run.quad_count) * abi::GLYPH_QUAD_SIZE;
        if (!need(sizeof(abi::GlyphRunCmd) + quad_bytes)) return too_short();
        out.emplace_back(GlyphRun{run, payload + sizeof(abi::GlyphRunCmd)});
        break;
      }
      case abi::Opcode::AtlasPage:
        if (!need(sizeof(abi::AtlasPageCmd))) return too_short();
        out.emplace_back(load<abi::AtlasPageCmd>(payload));
        break;
      case abi::Opcode::AtlasUpload: {
        if (!need(sizeof(abi::AtlasUploadCmd))) return too_short();
        const auto up = load<abi::AtlasUploadCmd>(payload);
        const size_t pixels = static_cast<size_t>(up.w) * up.h;
        if (!need(sizeof(abi::AtlasUploadCmd) + pixels)) return too_short();
        out.emplace_back(AtlasUpload{up, payload + sizeof(abi::AtlasUploadCmd)});
        break;
      }
      case abi::Opcode::Image:
        if (!need(sizeof(abi::ImageCmd))) return too_short();
        out.emplace_back(load<abi::ImageCmd>(payload));
        break;
      case abi::Opcode::VideoSurface:
        if (!need(sizeof(abi::RectF))) return too_short();
        out.emplace_back(VideoSurface{load<abi::RectF>(payload)});
        break;
      case abi::Opcode::PushClip:
        if (!need(sizeof(abi::ClipCmd))) return too_short();
        out.emplace_back(load<abi::ClipCmd>(payload));
        break;
      case abi::Opcode::PopClip:
        out.emplace_back(PopClip{});
        break;
      case abi::Opcode::PushOpacity:
        if (!need(sizeof(abi::OpacityCmd))) return too_short();
        out.emplace_back(load<abi::OpacityCmd>(payload));
        break;
      case abi::Opcode::PopOpacity:
        out.emplace_back(PopOpacity{});
        break;
      case abi::Opcode::PushTransform:
        if (!need(sizeof(abi::TransformCmd))) return too_short();
        out.emplace_back(load<abi::TransformCmd>(payload));
        break;
      case abi::Opcode::PopTransform:
        out.emplace_back(PopTransform{});
        break;
      case abi::Opcode::LinearGradient: {
        if (!need(sizeof(abi::LinearGradientCmd))) return too_short();
        const auto cmd = load<abi::LinearGradientCmd>(payload);
        if (cmd.stop_count < 2 || cmd.stop_count > abi::MAX_GRADIENT_STOPS) {
          return bad_command(index, offset, "gradient needs 2 to 16 stops");
        }
        const size_t stop_bytes = static_cast<size_t>(cmd.stop_count) * abi::GRADIENT_STOP_SIZE;
        if (!need(sizeof(abi::LinearGradientCmd) + stop_bytes)) return too_short();
        out.emplace_back(LinearGradient{cmd, payload + sizeof(abi::LinearGradientCmd)});
        break;
      }
      case abi::Opcode::Shadow:
        if (!need(sizeof(abi::ShadowCmd))) return too_short();
        out.emplace_back(load<abi::ShadowCmd>(payload));
        break;
      default:
        out.emplace_back(UnknownCommand{head.opcode});
        break;
    }
    offset += cmd_len;
  }
  return ok_status();
}

}  // namespace touchline::host
