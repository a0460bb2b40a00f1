// Unit tests of the display list reader and the renderer, one CTest test per function:
// `touchline-unit-tests NAME` runs one, `touchline-unit-tests` runs all.
// Lists are built from the generated ABI structs, never from hand-copied layouts.

#include <arpa/inet.h>
#include <cairo.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <stb/stb_image_write.h>

#include <wasmtime.h>

#include "bundle.h"
#include "bus.h"
#include "cache.h"
#include "crypto.h"
#include "module_cache.h"
#include "display_list.h"
#include "fetch.h"
#include "images.h"
#include "input.h"
#include "renderer.h"
#include "requests.h"
#include "run.h"
#include "test_video.h"
#include "video.h"
#include "video_session.h"

using namespace touchline::host;

namespace {

int g_failures = 0;

#define CHECK(cond)                                                                \
  do {                                                                             \
    if (!(cond)) {                                                                 \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++g_failures;                                                                \
    }                                                                              \
  } while (0)

#define CHECK_EQ_STR(a, b)                                                                   \
  do {                                                                                       \
    const std::string a_ = (a), b_ = (b);                                                    \
    if (a_ != b_) {                                                                          \
      std::fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, a_.c_str(),     \
                   b_.c_str());                                                              \
      ++g_failures;                                                                          \
    }                                                                                        \
  } while (0)

// Builds a display list like DisplayListWriter does.
class ListBuilder {
 public:
  ListBuilder(uint32_t w = 64, uint32_t h = 48) : width_(w), height_(h) {
    bytes_.resize(abi::DISPLAY_LIST_HEADER_SIZE);
  }

  template <typename T>
  ListBuilder &cmd(abi::Opcode op, const T &payload, const std::vector<uint8_t> &trailing = {}) {
    return raw(static_cast<uint16_t>(op), &payload, sizeof payload, trailing);
  }
  ListBuilder &pop(abi::Opcode op) { return raw(static_cast<uint16_t>(op), nullptr, 0, {}); }

  ListBuilder &raw(uint16_t opcode, const void *payload, size_t size,
                   const std::vector<uint8_t> &trailing) {
    const size_t start = bytes_.size();
    abi::CommandHeader head{opcode, 0, 0};
    append(&head, sizeof head);
    append(payload, size);
    append(trailing.data(), trailing.size());
    while (bytes_.size() % 4 != 0) bytes_.push_back(0);
    head.len = static_cast<uint32_t>(bytes_.size() - start);
    std::memcpy(bytes_.data() + start, &head, sizeof head);
    ++count_;
    return *this;
  }

  std::vector<uint8_t> finish(uint16_t flags = 0) const {
    std::vector<uint8_t> out = bytes_;
    abi::DisplayListHeader h{abi::DISPLAY_LIST_MAGIC, abi::DISPLAY_LIST_VERSION, flags, width_,
                             height_, count_, static_cast<uint32_t>(out.size())};
    std::memcpy(out.data(), &h, sizeof h);
    return out;
  }

 private:
  void append(const void *p, size_t n) {
    const auto *b = static_cast<const uint8_t *>(p);
    bytes_.insert(bytes_.end(), b, b + n);
  }
  uint32_t width_, height_;
  uint32_t count_ = 0;
  std::vector<uint8_t> bytes_;
};

abi::RectCmd rect(float x, float y, float w, float h, abi::Rgba fill, float radius = 0,
                  abi::Rgba border = 0, float border_width = 0) {
  return abi::RectCmd{{x, y, w, h}, fill, border, border_width, radius};
}

Result<std::vector<Command>> decode(const std::vector<uint8_t> &bytes) {
  auto reader = DisplayListReader::open(bytes.data(), bytes.size());
  if (!reader) return reader.error();
  std::vector<Command> commands;
  if (auto s = reader.value().decode(commands); !s) return s.error();
  return commands;
}

std::string decode_error(const std::vector<uint8_t> &bytes) {
  auto r = decode(bytes);
  return r ? std::string("(no error)") : r.error().message;
}

// Pixel (x, y) of a rendered frame as 0xRRGGBB (frames are opaque).
uint32_t pixel(const Renderer &r, int x, int y) {
  cairo_surface_t *s = r.surface();
  cairo_surface_flush(s);
  uint32_t argb;
  std::memcpy(&argb, cairo_image_surface_get_data(s) + y * cairo_image_surface_get_stride(s) + x * 4, 4);
  return argb & 0xffffff;
}

uint32_t alpha_at(const Renderer &r, int x, int y) {
  cairo_surface_t *s = r.surface();
  uint32_t argb;
  std::memcpy(&argb, cairo_image_surface_get_data(s) + y * cairo_image_surface_get_stride(s) + x * 4, 4);
  return argb >> 24;
}

bool near(uint32_t got, uint32_t want, int tolerance = 2) {
  for (int shift = 0; shift < 24; shift += 8) {
    const int a = static_cast<int>((got >> shift) & 0xff);
    const int b = static_cast<int>((want >> shift) & 0xff);
    if (std::abs(a - b) > tolerance) return false;
  }
  return true;
}

#define CHECK_PIXEL(r, x, y, want)                                                              \
  do {                                                                                          \
    const uint32_t got_ = pixel(r, x, y);                                                       \
    if (!near(got_, want)) {                                                                    \
      std::fprintf(stderr, "%s:%d: pixel (%d, %d) is %06x, expected %06x\n", __FILE__, __LINE__, \
                   x, y, got_, static_cast<uint32_t>(want));                                    \
      ++g_failures;                                                                             \
    }                                                                                           \
  } while (0)

Renderer render(const std::vector<uint8_t> &list, std::vector<std::string> *warnings_out = nullptr,
                int w = 64, int h = 48) {
  auto created = Renderer::create(w, h);
  Renderer r = std::move(created.value());
  auto commands = decode(list);
  CHECK(commands.ok());
  std::vector<std::string> warnings;
  if (commands) r.render(commands.value(), warnings);
  if (warnings_out) *warnings_out = warnings;
  return r;
}

// ---- reader ----

void reader_decodes_every_command() {
  abi::GlyphQuad quad{10.0f, 20.0f, 5, 6, 3, 1};
  std::vector<uint8_t> quad_bytes(sizeof quad);
  std::memcpy(quad_bytes.data(), &quad, sizeof quad);
  const auto list = ListBuilder(1920, 1080)
                        .cmd(abi::Opcode::Rect, rect(1, 2, 3, 4, 0x112233ff, 8, 0xffffffff, 2))
                        .cmd(abi::Opcode::AtlasPage, abi::AtlasPageCmd{0, 512, 512})
                        .cmd(abi::Opcode::AtlasUpload, abi::AtlasUploadCmd{0, 5, 6, 3, 1}, {1, 2, 3})
                        .cmd(abi::Opcode::GlyphRun, abi::GlyphRunCmd{0, 0xffffffff, 1}, quad_bytes)
                        .cmd(abi::Opcode::Image, abi::ImageCmd{7, 1, {0, 0, 10, 10}})
                        .cmd(abi::Opcode::VideoSurface, abi::RectF{0, 0, 100, 50})
                        .cmd(abi::Opcode::PushClip, abi::ClipCmd{{1, 2, 3, 4}, 4})
                        .pop(abi::Opcode::PopClip)
                        .cmd(abi::Opcode::PushOpacity, abi::OpacityCmd{0.5f})
                        .pop(abi::Opcode::PopOpacity)
                        .cmd(abi::Opcode::PushTransform, abi::TransformCmd{{1, 0, 0, 1, 5, 6}})
                        .pop(abi::Opcode::PopTransform)
                        .raw(99, "abcd", 4, {})
                        .finish();
  auto reader = DisplayListReader::open(list.data(), list.size());
  CHECK(reader.ok());
  if (!reader) return;
  CHECK(reader.value().header().width == 1920);
  CHECK(reader.value().header().command_count == 13);
  std::vector<Command> cmds;
  CHECK(reader.value().decode(cmds).ok());
  CHECK(cmds.size() == 13);
  if (cmds.size() != 13) return;
  const auto *r = std::get_if<abi::RectCmd>(&cmds[0]);
  CHECK(r && r->fill == 0x112233ff && r->corner_radius == 8 && r->border_width == 2);
  const auto *up = std::get_if<AtlasUpload>(&cmds[2]);
  CHECK(up && up->cmd.w == 3 && up->pixels[0] == 1 && up->pixels[2] == 3);
  const auto *run = std::get_if<GlyphRun>(&cmds[3]);
  CHECK(run && run->run.quad_count == 1 && run->quad(0).x == 10.0f && run->quad(0).v == 6);
  CHECK(std::holds_alternative<abi::ImageCmd>(cmds[4]));
  CHECK(std::holds_alternative<VideoSurface>(cmds[5]));
  CHECK(std::holds_alternative<PopClip>(cmds[7]));
  const auto *t = std::get_if<abi::TransformCmd>(&cmds[10]);
  CHECK(t && t->m[4] == 5 && t->m[5] == 6);
  const auto *unknown = std::get_if<UnknownCommand>(&cmds[12]);
  CHECK(unknown && unknown->opcode == 99);
}

void reader_rejects_bad_headers() {
  const auto good = ListBuilder().cmd(abi::Opcode::PushOpacity, abi::OpacityCmd{1}).finish();
  CHECK(decode(good).ok());
  std::vector<uint8_t> short_list(good.begin(), good.begin() + 10);
  CHECK_EQ_STR(decode_error(short_list), "display list is 10 bytes, shorter than its 24-byte header");
  auto bad_magic = good;
  bad_magic[0] = 'X';
  CHECK_EQ_STR(decode_error(bad_magic), "display list magic is 0x4c444c58, expected \"TLDL\"");
  auto bad_version = good;
  bad_version[4] = 2;
  CHECK_EQ_STR(decode_error(bad_version), "display list version 2 is not supported (this reader speaks 1)");
  auto longer = good;
  longer.push_back(0);
  CHECK_EQ_STR(decode_error(longer), "display list header says 36 bytes but 37 were given");
  CHECK(!DisplayListReader::open(nullptr, 0).ok());
}

void reader_rejects_bad_commands() {
  const auto good = ListBuilder().cmd(abi::Opcode::PushOpacity, abi::OpacityCmd{1}).finish();
  auto past_end = good;
  past_end[abi::DISPLAY_LIST_HEADER_SIZE + 4] = 200;
  CHECK_EQ_STR(decode_error(past_end), "command 0 at byte 24 is malformed: runs past the end");
  auto huge = good;
  std::memset(huge.data() + abi::DISPLAY_LIST_HEADER_SIZE + 4, 0xfc, 4);  // 0xfcfcfcfc
  CHECK_EQ_STR(decode_error(huge), "command 0 at byte 24 is malformed: runs past the end");
  auto odd = good;
  odd[abi::DISPLAY_LIST_HEADER_SIZE + 4] = 10;
  CHECK_EQ_STR(decode_error(odd), "command 0 at byte 24 is malformed: length is not a multiple of 4 of at least 8");
  auto tiny = good;
  tiny[abi::DISPLAY_LIST_HEADER_SIZE + 4] = 4;
  CHECK_EQ_STR(decode_error(tiny), "command 0 at byte 24 is malformed: length is not a multiple of 4 of at least 8");
  auto too_many = good;
  too_many[16] = 2;  // command_count 2, but only one command's bytes
  CHECK_EQ_STR(decode_error(too_many), "command 1 at byte 36 is malformed: header runs past the end");
  // A Rect whose len covers only half its payload.
  const auto short_rect = ListBuilder().raw(1, "0123456789abcdef", 16, {}).finish();
  CHECK_EQ_STR(decode_error(short_rect), "command 0 at byte 24 is malformed: payload too short");
  // A glyph run claiming more quads than it carries; an upload with fewer pixels than w*h.
  const auto run = ListBuilder().cmd(abi::Opcode::GlyphRun, abi::GlyphRunCmd{0, 0xffffffff, 0xffffffffu}).finish();
  CHECK_EQ_STR(decode_error(run), "command 0 at byte 24 is malformed: payload too short");
  const auto up = ListBuilder().cmd(abi::Opcode::AtlasUpload, abi::AtlasUploadCmd{0, 0, 0, 100, 100}, {1, 2}).finish();
  CHECK_EQ_STR(decode_error(up), "command 0 at byte 24 is malformed: payload too short");
  // Bytes after the last counted command are not read.
  auto extra = ListBuilder().cmd(abi::Opcode::PushOpacity, abi::OpacityCmd{1}).pop(abi::Opcode::PopOpacity).finish();
  extra[16] = 1;
  CHECK(decode(extra).ok());
}

// ---- renderer ----

void render_clears_to_opaque_black() {
  auto r = render(ListBuilder().finish());
  CHECK_PIXEL(r, 0, 0, 0x000000);
  CHECK_PIXEL(r, 63, 47, 0x000000);
  CHECK(alpha_at(r, 10, 10) == 255);
  // A second frame clears what the first drew.
  std::vector<std::string> w;
  auto full = decode(ListBuilder().cmd(abi::Opcode::Rect, rect(0, 0, 64, 48, 0xffffffff)).finish());
  auto empty = decode(ListBuilder().finish());
  r.render(full.value(), w);
  CHECK_PIXEL(r, 5, 5, 0xffffff);
  r.render(empty.value(), w);
  CHECK_PIXEL(r, 5, 5, 0x000000);
}

void render_rect_fill_and_radius() {
  auto r = render(ListBuilder()
                      .cmd(abi::Opcode::Rect, rect(16, 12, 32, 24, 0xff0000ff))
                      .cmd(abi::Opcode::Rect, rect(0, 0, 10, 10, 0x00ff00ff, 5))
                      // radius 100 on a 20x10 rect: clamped to 5 (a stadium)
                      .cmd(abi::Opcode::Rect, rect(40, 38, 20, 10, 0x0000ffff, 100))
                      .finish());
  CHECK_PIXEL(r, 32, 24, 0xff0000);
  CHECK_PIXEL(r, 15, 24, 0x000000);
  CHECK_PIXEL(r, 5, 5, 0x00ff00);
  CHECK_PIXEL(r, 0, 0, 0x000000);  // rounded-off corner
  CHECK_PIXEL(r, 50, 43, 0x0000ff);
  CHECK_PIXEL(r, 40, 38, 0x000000);
  CHECK_PIXEL(r, 45, 43, 0x0000ff);  // a radius of 100 would have eaten this
  // Translucent fill blends over black.
  auto half = render(ListBuilder().cmd(abi::Opcode::Rect, rect(0, 0, 64, 48, 0xffffff80)).finish());
  CHECK_PIXEL(half, 5, 5, 0x808080);
}

void render_border_lies_inside() {
  auto r = render(ListBuilder()
                      .cmd(abi::Opcode::Rect, rect(10, 10, 20, 20, 0x00000000, 0, 0xffffffff, 4))
                      .finish());
  CHECK_PIXEL(r, 10, 20, 0xffffff);  // first column of the rect: border
  CHECK_PIXEL(r, 13, 20, 0xffffff);  // last border column
  CHECK_PIXEL(r, 14, 20, 0x000000);  // inside: transparent fill
  CHECK_PIXEL(r, 9, 20, 0x000000);   // outside the rect: untouched
  CHECK_PIXEL(r, 29, 20, 0xffffff);
  CHECK_PIXEL(r, 30, 20, 0x000000);
  // A border thicker than the rect covers all of it.
  auto thick = render(ListBuilder()
                          .cmd(abi::Opcode::Rect, rect(10, 10, 6, 6, 0xff0000ff, 0, 0x00ff00ff, 10))
                          .finish());
  CHECK_PIXEL(thick, 12, 12, 0x00ff00);
  CHECK_PIXEL(thick, 17, 12, 0x000000);
}

std::vector<uint8_t> glyph_list(float x, float y, uint8_t coverage, bool with_page = true) {
  ListBuilder b;
  if (with_page) {
    b.cmd(abi::Opcode::AtlasPage, abi::AtlasPageCmd{3, 16, 16});
    b.cmd(abi::Opcode::AtlasUpload, abi::AtlasUploadCmd{3, 2, 3, 4, 4}, std::vector<uint8_t>(16, coverage));
  }
  abi::GlyphQuad quad{x, y, 2, 3, 4, 4};
  std::vector<uint8_t> q(sizeof quad);
  std::memcpy(q.data(), &quad, sizeof quad);
  b.cmd(abi::Opcode::GlyphRun, abi::GlyphRunCmd{3, 0x00ff00ff, 1}, q);
  return b.finish();
}

void render_glyphs_through_the_atlas() {
  auto r = render(glyph_list(10.4f, 9.6f, 0xff));  // whole pixels: (10, 10)
  CHECK_PIXEL(r, 10, 10, 0x00ff00);
  CHECK_PIXEL(r, 13, 13, 0x00ff00);
  CHECK_PIXEL(r, 14, 13, 0x000000);
  CHECK_PIXEL(r, 9, 10, 0x000000);
  CHECK_PIXEL(r, 10, 9, 0x000000);
  auto half = render(glyph_list(10, 10, 0x80));
  CHECK_PIXEL(half, 11, 11, 0x008000);
  // Pages live across frames: the second frame only draws.
  std::vector<std::string> w;
  auto second = decode(glyph_list(20, 20, 0, false));
  r.render(second.value(), w);
  CHECK(w.empty());
  CHECK_PIXEL(r, 21, 21, 0x00ff00);
  CHECK_PIXEL(r, 11, 11, 0x000000);
}

void render_opacity_is_group_opacity() {
  // Red then white over it, inside one 50% group: the overlap is 50% white, not a blend of
  // the two translucent draws.
  auto r = render(ListBuilder()
                      .cmd(abi::Opcode::PushOpacity, abi::OpacityCmd{0.5f})
                      .cmd(abi::Opcode::Rect, rect(0, 0, 32, 48, 0xff0000ff))
                      .cmd(abi::Opcode::Rect, rect(16, 0, 32, 48, 0xffffffff))
                      .pop(abi::Opcode::PopOpacity)
                      .cmd(abi::Opcode::Rect, rect(60, 0, 4, 4, 0x0000ffff))
                      .finish());
  CHECK_PIXEL(r, 8, 8, 0x800000);
  CHECK_PIXEL(r, 24, 8, 0x808080);
  CHECK_PIXEL(r, 40, 8, 0x808080);
  CHECK_PIXEL(r, 62, 2, 0x0000ff);  // after the pop: full opacity again
  auto nested = render(ListBuilder()
                           .cmd(abi::Opcode::PushOpacity, abi::OpacityCmd{0.5f})
                           .cmd(abi::Opcode::PushOpacity, abi::OpacityCmd{0.5f})
                           .cmd(abi::Opcode::Rect, rect(0, 0, 64, 48, 0xffffffff))
                           .pop(abi::Opcode::PopOpacity)
                           .pop(abi::Opcode::PopOpacity)
                           .finish());
  CHECK_PIXEL(nested, 8, 8, 0x404040);
  auto zero = render(ListBuilder()
                         .cmd(abi::Opcode::PushOpacity, abi::OpacityCmd{0})
                         .cmd(abi::Opcode::Rect, rect(0, 0, 64, 48, 0xffffffff))
                         .pop(abi::Opcode::PopOpacity)
                         .finish());
  CHECK_PIXEL(zero, 8, 8, 0x000000);
}

void render_clip_and_transform() {
  auto r = render(ListBuilder()
                      .cmd(abi::Opcode::PushClip, abi::ClipCmd{{0, 0, 10, 10}, 0})
                      .cmd(abi::Opcode::Rect, rect(0, 0, 64, 48, 0xff0000ff))
                      .pop(abi::Opcode::PopClip)
                      .cmd(abi::Opcode::PushTransform, abi::TransformCmd{{1, 0, 0, 1, 40, 20}})
                      .cmd(abi::Opcode::Rect, rect(0, 0, 4, 4, 0x00ff00ff))
                      .cmd(abi::Opcode::PushTransform, abi::TransformCmd{{2, 0, 0, 2, 0, 0}})
                      .cmd(abi::Opcode::Rect, rect(5, 5, 2, 2, 0x0000ffff))
                      .pop(abi::Opcode::PopTransform)
                      .pop(abi::Opcode::PopTransform)
                      .cmd(abi::Opcode::Rect, rect(60, 44, 4, 4, 0xffffffff))
                      .finish());
  CHECK_PIXEL(r, 5, 5, 0xff0000);
  CHECK_PIXEL(r, 15, 15, 0x000000);   // clipped away
  CHECK_PIXEL(r, 41, 21, 0x00ff00);   // translated
  CHECK_PIXEL(r, 1, 1, 0xff0000);
  CHECK_PIXEL(r, 51, 31, 0x0000ff);   // (5,5)*2 + (40,20) = (50,30), 4x4
  CHECK_PIXEL(r, 62, 46, 0xffffff);   // everything popped
  // A rounded clip cuts corners.
  auto rounded = render(ListBuilder()
                            .cmd(abi::Opcode::PushClip, abi::ClipCmd{{0, 0, 20, 20}, 10})
                            .cmd(abi::Opcode::Rect, rect(0, 0, 64, 48, 0xffffffff))
                            .pop(abi::Opcode::PopClip)
                            .finish());
  CHECK_PIXEL(rounded, 0, 0, 0x000000);
  CHECK_PIXEL(rounded, 10, 10, 0xffffff);
}

std::vector<uint8_t> stop_bytes(const std::vector<abi::GradientStop> &stops) {
  std::vector<uint8_t> out(stops.size() * sizeof(abi::GradientStop));
  if (!stops.empty()) std::memcpy(out.data(), stops.data(), out.size());
  return out;
}

void render_survives_nonsense() {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<std::string> warnings;
  auto r = render(ListBuilder()
                      .pop(abi::Opcode::PopClip)  // nothing to pop
                      .cmd(abi::Opcode::Rect, rect(nan, 0, 10, 10, 0xffffffff))
                      .cmd(abi::Opcode::Rect, rect(0, 0, inf, 10, 0xffffffff))
                      .cmd(abi::Opcode::Rect, rect(0, 0, -10, 10, 0xffffffff))
                      .cmd(abi::Opcode::Rect, rect(0, 0, 10, 10, 0xffffffff, nan, 0xffffffff, nan))
                      .cmd(abi::Opcode::PushTransform, abi::TransformCmd{{nan, 0, 0, 1, 0, 0}})
                      .cmd(abi::Opcode::Rect, rect(20, 20, 10, 10, 0xffffffff))
                      .pop(abi::Opcode::PopTransform)
                      .cmd(abi::Opcode::PushTransform, abi::TransformCmd{{0, 0, 0, 0, 0, 0}})  // singular
                      .cmd(abi::Opcode::Rect, rect(20, 20, 10, 10, 0xffffffff))
                      .pop(abi::Opcode::PopTransform)
                      .cmd(abi::Opcode::PushOpacity, abi::OpacityCmd{nan})
                      .cmd(abi::Opcode::Rect, rect(20, 20, 10, 10, 0xffffffff))
                      .pop(abi::Opcode::PopOpacity)
                      .cmd(abi::Opcode::PushClip, abi::ClipCmd{{nan, 0, 10, 10}, 0})
                      .cmd(abi::Opcode::Rect, rect(20, 20, 10, 10, 0xffffffff))
                      .pop(abi::Opcode::PopClip)
                      .cmd(abi::Opcode::PushClip, abi::ClipCmd{{0, 0, 64, 48}, 0})  // never popped
                      .pop(abi::Opcode::PopOpacity)  // wrong kind: ignored
                      .cmd(abi::Opcode::GlyphRun, abi::GlyphRunCmd{42, 0xffffffff, 0})
                      .cmd(abi::Opcode::AtlasUpload, abi::AtlasUploadCmd{42, 0, 0, 1, 1}, {1})
                      .cmd(abi::Opcode::AtlasPage, abi::AtlasPageCmd{1, 100000, 100000})
                      .cmd(abi::Opcode::AtlasPage, abi::AtlasPageCmd{2, 4, 4})
                      .cmd(abi::Opcode::AtlasUpload, abi::AtlasUploadCmd{2, 3, 3, 8, 8}, std::vector<uint8_t>(64, 9))
                      .cmd(abi::Opcode::Image, abi::ImageCmd{1, 0, {0, 0, 10, 10}})
                      .cmd(abi::Opcode::VideoSurface, abi::RectF{0, 0, 10, 10})
                      .cmd(abi::Opcode::Shadow, abi::ShadowCmd{{nan, 0, 10, 10}, 0, 4, 0xffffffff})
                      .cmd(abi::Opcode::Shadow, abi::ShadowCmd{{20, 20, 10, 10}, nan, inf, 0xffffffff})
                      .cmd(abi::Opcode::Shadow, abi::ShadowCmd{{20, 20, 10, -10}, 0, 4, 0xffffffff})
                      .cmd(abi::Opcode::LinearGradient,
                           abi::LinearGradientCmd{{20, 20, 10, 10}, 0, nan, 0, 1, 1, 2},
                           stop_bytes({{0, 0xffffffff}, {1, 0xffffffff}}))
                      .cmd(abi::Opcode::LinearGradient,
                           abi::LinearGradientCmd{{20, 20, inf, 10}, 0, 0, 0, 1, 1, 2},
                           stop_bytes({{0, 0xffffffff}, {1, 0xffffffff}}))
                      .raw(777, nullptr, 0, {})
                      .cmd(abi::Opcode::Rect, rect(50, 40, 4, 4, 0x00ff00ff))
                      .finish(),
                  &warnings);
  CHECK_PIXEL(r, 25, 25, 0x000000);  // every hidden draw stayed hidden
  CHECK_PIXEL(r, 5, 5, 0x000000);
  CHECK_PIXEL(r, 51, 41, 0x00ff00);  // and drawing still works afterwards
  std::string all;
  for (const auto &w : warnings) all += w + "\n";
  std::fprintf(stderr, "%s", all.c_str());
  CHECK(all.find("PopClip without a matching PushClip") != std::string::npos);
  CHECK(all.find("PopOpacity without a matching PushOpacity") != std::string::npos);
  CHECK(all.find("left open") != std::string::npos);
  CHECK(all.find("page 42, which does not exist") != std::string::npos);
  CHECK(all.find("100000x100000") != std::string::npos);
  CHECK(all.find("reaches past the page") != std::string::npos);
}

// ---- ABI 1.1: gradients, shadows, images, requests ----


std::vector<uint8_t> gradient_list(abi::RectF r, float x0, float y0, float x1, float y1,
                                   const std::vector<abi::GradientStop> &stops, float radius = 0) {
  return ListBuilder()
      .cmd(abi::Opcode::LinearGradient,
           abi::LinearGradientCmd{r, radius, x0, y0, x1, y1, static_cast<uint32_t>(stops.size())},
           stop_bytes(stops))
      .finish();
}

void reader_decodes_gradients_and_shadows() {
  const std::vector<abi::GradientStop> stops = {{0, 0xff0000ff}, {0.5f, 0x00ff00ff}, {1, 0x0000ffff}};
  const auto list = ListBuilder()
                        .cmd(abi::Opcode::LinearGradient,
                             abi::LinearGradientCmd{{1, 2, 3, 4}, 2, 0, 0, 0, 4, 3}, stop_bytes(stops))
                        .cmd(abi::Opcode::Shadow, abi::ShadowCmd{{1, 2, 3, 4}, 3, 12, 0x00000080})
                        .finish();
  auto cmds = decode(list);
  CHECK(cmds.ok());
  if (!cmds || cmds.value().size() != 2) return;
  const auto *g = std::get_if<LinearGradient>(&cmds.value()[0]);
  CHECK(g && g->cmd.stop_count == 3 && g->cmd.y1 == 4 && g->stop(1).offset == 0.5f &&
        g->stop(2).color == 0x0000ffff);
  const auto *sh = std::get_if<abi::ShadowCmd>(&cmds.value()[1]);
  CHECK(sh && sh->blur == 12 && sh->color == 0x00000080 && sh->corner_radius == 3);
  // Too few or too many stops, and stops missing from the payload.
  for (uint32_t count : {0u, 1u, 17u}) {
    const auto bad = ListBuilder()
                         .cmd(abi::Opcode::LinearGradient,
                              abi::LinearGradientCmd{{0, 0, 1, 1}, 0, 0, 0, 1, 1, count},
                              std::vector<uint8_t>(count * 8, 0))
                         .finish();
    CHECK_EQ_STR(decode_error(bad), "command 0 at byte 24 is malformed: gradient needs 2 to 16 stops");
  }
  const auto short_stops = ListBuilder()
                               .cmd(abi::Opcode::LinearGradient,
                                    abi::LinearGradientCmd{{0, 0, 1, 1}, 0, 0, 0, 1, 1, 3},
                                    std::vector<uint8_t>(16, 0))
                               .finish();
  CHECK_EQ_STR(decode_error(short_stops), "command 0 at byte 24 is malformed: payload too short");
  const auto short_shadow = ListBuilder().raw(14, "0123456789abcdef", 16, {}).finish();
  CHECK_EQ_STR(decode_error(short_shadow), "command 0 at byte 24 is malformed: payload too short");
}

void render_gradient() {
  const abi::RectF full{0, 0, 64, 48};
  auto r = render(gradient_list(full, 8, 0, 56, 0, {{0, 0xff0000ff}, {1, 0x0000ffff}}));
  CHECK_PIXEL(r, 2, 10, 0xff0000);   // before the start: the first stop
  CHECK_PIXEL(r, 62, 40, 0x0000ff);  // past the end: the last stop
  // Pixel 31's centre is at 31.5: t = 23.5 / 48.
  const double t = 23.5 / 48;
  const auto mid = static_cast<uint32_t>(255 * (1 - t)) << 16 | static_cast<uint32_t>(255 * t);
  CHECK_PIXEL(r, 31, 10, mid);
  // Straight-alpha interpolation: half way from opaque red to transparent blue is
  // (127, 0, 127) at alpha 127, so blue shows over black.
  auto straight = render(gradient_list(full, 0, 0, 64, 0, {{0, 0xff0000ff}, {1, 0x0000ff00}}));
  const uint32_t p = pixel(straight, 31, 20);
  CHECK(std::abs(static_cast<int>(p >> 16) - 65) <= 3 && std::abs(static_cast<int>(p & 0xff) - 62) <= 3);
  // A rounded rect, clipped; degenerate points give the last colour; stops are normalised.
  auto rounded = render(ListBuilder()
                            .cmd(abi::Opcode::PushClip, abi::ClipCmd{{0, 0, 40, 48}, 0})
                            .cmd(abi::Opcode::LinearGradient,
                                 abi::LinearGradientCmd{{10, 10, 40, 20}, 10, 0, 10, 0, 30, 2},
                                 stop_bytes({{0, 0xffffffff}, {1, 0xffffffff}}))
                            .pop(abi::Opcode::PopClip)
                            .finish());
  CHECK_PIXEL(rounded, 20, 20, 0xffffff);
  CHECK_PIXEL(rounded, 10, 10, 0x000000);
  CHECK_PIXEL(rounded, 45, 20, 0x000000);
  auto degenerate = render(gradient_list(full, 5, 5, 5, 5, {{0, 0xff0000ff}, {1, 0x00ff00ff}}));
  CHECK_PIXEL(degenerate, 30, 30, 0x00ff00);
  const auto list = gradient_list(full, 0, 0, 1, 0,
                                  {{0.5f, 0xff0000ff}, {0.2f, 0x00ff00ff},
                                   {std::numeric_limits<float>::quiet_NaN(), 0x0000ffff}, {2, 0xffffffff}});
  auto cmds = decode(list);
  const auto normalized = normalize_stops(std::get<LinearGradient>(cmds.value()[0]));
  CHECK(normalized.size() == 4 && normalized[0].first == 0.5f && normalized[1].first == 0.5f &&
        normalized[2].first == 0.5f && normalized[3].first == 1.0f);
  // Under a 2x scale the points scale with the shape.
  auto scaled = render(ListBuilder()
                           .cmd(abi::Opcode::PushTransform, abi::TransformCmd{{2, 0, 0, 2, 0, 0}})
                           .cmd(abi::Opcode::LinearGradient,
                                abi::LinearGradientCmd{{0, 0, 32, 24}, 0, 0, 0, 32, 0, 2},
                                stop_bytes({{0, 0x000000ff}, {1, 0xffffffff}}))
                           .pop(abi::Opcode::PopTransform)
                           .finish());
  CHECK(near(pixel(scaled, 31, 10), 0x7d7d7d, 3));
}

std::vector<uint8_t> shadow_list(abi::RectF r, float radius, float blur, abi::Rgba color) {
  return ListBuilder().cmd(abi::Opcode::Shadow, abi::ShadowCmd{r, radius, blur, color}).finish();
}

void render_shadow() {
  // The left edge at x = 15.5 runs through the centres of column 15.
  const abi::RectF r{15.5f, 11.5f, 32, 24};
  auto s = render(shadow_list(r, 0, 8, 0xffffffff));
  const auto level = [&](int x) { return static_cast<int>(pixel(s, x, 23) >> 16); };
  CHECK(std::abs(level(15) - 128) <= 1);  // half coverage at the edge
  CHECK(level(11) == 0);                   // nothing blur / 2 beyond it
  CHECK(level(10) == 0);
  CHECK(level(12) > 0 && level(12) < 20);
  CHECK(level(20) == 255);  // full blur / 2 inside
  const double t = 0.625;   // column 16: d = -1
  CHECK(std::abs(level(16) - static_cast<int>(std::round(t * t * (3 - 2 * t) * 255))) <= 1);
  auto red = render(shadow_list(r, 0, 8, 0xff000080));
  CHECK_PIXEL(red, 30, 23, 0x800000);
  // The numbers themselves, as the desktop host computes them.
  unsigned char mask[3];
  shadow_mask(abi::ShadowCmd{r, 0, 8, 0xffffffff}, 14, 23, 3, 1, 3, mask);
  CHECK(mask[0] == 0x51 && mask[1] == 0x80 && mask[2] == 0xae);

  const abi::RectF box{16, 12, 32, 24};
  auto square = render(shadow_list(box, 0, 6, 0xffffffff));
  auto round = render(shadow_list(box, 10, 6, 0xffffffff));
  CHECK(pixel(round, 17, 13) < pixel(square, 17, 13));  // a rounded corner is fainter
  auto crisp = render(shadow_list(box, 0, 0, 0xffffffff));  // blur below 1 counts as 1
  CHECK_PIXEL(crisp, 16, 20, 0xffffff);
  CHECK_PIXEL(crisp, 15, 20, 0x000000);
  // Half a pixel to the right: the mask follows device pixels, the edge is at 16.5.
  auto moved = render(ListBuilder()
                          .cmd(abi::Opcode::PushTransform, abi::TransformCmd{{1, 0, 0, 1, 0.5f, 0}})
                          .cmd(abi::Opcode::Shadow, abi::ShadowCmd{{15, 12, 32, 24}, 0, 8, 0xffffffff})
                          .pop(abi::Opcode::PopTransform)
                          .finish());
  CHECK(near(pixel(moved, 15, 20), 0x808080, 1));
  auto scaled = render(ListBuilder()
                           .cmd(abi::Opcode::PushTransform, abi::TransformCmd{{2, 0, 0, 2, 0, 0}})
                           .cmd(abi::Opcode::Shadow, abi::ShadowCmd{{8, 6, 16, 12}, 0, 2, 0xffffffff})
                           .pop(abi::Opcode::PopTransform)
                           .finish());
  CHECK_PIXEL(scaled, 30, 24, 0xffffff);
  CHECK_PIXEL(scaled, 12, 24, 0x000000);
  const int edge = static_cast<int>(pixel(scaled, 15, 24) >> 16);
  CHECK(edge > 60 && edge < 200);
  auto faded = render(ListBuilder()
                          .cmd(abi::Opcode::PushOpacity, abi::OpacityCmd{0.5f})
                          .cmd(abi::Opcode::Shadow, abi::ShadowCmd{box, 0, 4, 0xffffffff})
                          .pop(abi::Opcode::PopOpacity)
                          .finish());
  CHECK_PIXEL(faded, 32, 24, 0x808080);
  // Huge shadows are clipped to the viewport, not allocated whole.
  auto huge = render(shadow_list({-1e6f, -1e6f, 2e6f, 2e6f}, 0, 4, 0x00ff00ff));
  CHECK_PIXEL(huge, 10, 10, 0x00ff00);
}

// A w x h image: red in the left half, blue in the right.
CairoSurface two_tone(int w, int h) {
  CairoSurface s(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h));
  cairo_surface_flush(s.get());
  unsigned char *data = cairo_image_surface_get_data(s.get());
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const uint32_t argb = x < w / 2 ? 0xffff0000u : 0xff0000ffu;
      std::memcpy(data + y * cairo_image_surface_get_stride(s.get()) + x * 4, &argb, 4);
    }
  }
  cairo_surface_mark_dirty(s.get());
  return s;
}

Renderer render_images(const std::vector<uint8_t> &list, int image_w = 4, int image_h = 2) {
  auto created = Renderer::create(64, 48);
  Renderer r = std::move(created.value());
  CHECK(r.images().insert(1, two_tone(image_w, image_h)).ok());
  auto commands = decode(list);
  CHECK(commands.ok());
  std::vector<std::string> warnings;
  if (commands) r.render(commands.value(), warnings);
  CHECK(warnings.empty());
  return r;
}

std::vector<uint8_t> image_list(uint32_t handle, abi::ImageFit fit, abi::RectF rect) {
  return ListBuilder().cmd(abi::Opcode::Image, abi::ImageCmd{handle, static_cast<uint32_t>(fit), rect}).finish();
}

void render_image_fits() {
  const abi::RectF box{8, 8, 48, 32};
  // Fill stretches; bilinear blends the seam.
  auto fill = render_images(image_list(1, abi::ImageFit::Fill, box));
  CHECK_PIXEL(fill, 9, 9, 0xff0000);
  CHECK_PIXEL(fill, 9, 38, 0xff0000);
  CHECK_PIXEL(fill, 54, 38, 0x0000ff);
  CHECK_PIXEL(fill, 7, 9, 0x000000);
  CHECK_PIXEL(fill, 56, 20, 0x000000);
  const uint32_t seam = pixel(fill, 31, 20);
  CHECK((seam >> 16) > 60 && (seam & 0xff) > 60);
  // Contain: 4x2 into 48x32 is 48x24 at rows 12..36; the bars stay untouched.
  auto contain = render_images(image_list(1, abi::ImageFit::Contain, box));
  for (int y : {8, 9, 10, 11, 36, 37, 38, 39}) {
    for (int x : {9, 30, 54}) CHECK_PIXEL(contain, x, y, 0x000000);
  }
  CHECK_PIXEL(contain, 9, 12, 0xff0000);
  CHECK_PIXEL(contain, 54, 35, 0x0000ff);
  auto tall = render_images(image_list(1, abi::ImageFit::Contain, {20, 0, 20, 40}));
  CHECK_PIXEL(tall, 25, 14, 0x000000);
  CHECK_PIXEL(tall, 21, 15, 0xff0000);
  CHECK_PIXEL(tall, 38, 24, 0x0000ff);
  CHECK_PIXEL(tall, 25, 25, 0x000000);
  // Cover: 64x32 from x = 0, cropped to the box.
  auto cover = render_images(image_list(1, abi::ImageFit::Cover, box));
  CHECK_PIXEL(cover, 4, 20, 0x000000);
  CHECK_PIXEL(cover, 60, 20, 0x000000);
  CHECK_PIXEL(cover, 8, 8, 0xff0000);
  CHECK_PIXEL(cover, 55, 39, 0x0000ff);
  CHECK_PIXEL(cover, 20, 7, 0x000000);
  CHECK_PIXEL(cover, 20, 40, 0x000000);
  ImagePlacement p;
  CHECK(place_image(box, static_cast<uint32_t>(abi::ImageFit::Cover), 4, 2, p));
  CHECK(p.x == 0 && p.y == 8 && p.scale_x == 16 && p.scale_y == 16);
  CHECK(place_image(box, 99, 4, 2, p) && p.scale_x == 12 && p.scale_y == 16);  // unknown: Fill
  CHECK(!place_image({0, 0, 0, 10}, 0, 4, 2, p));
  // An unknown handle draws nothing.
  auto unknown = render_images(image_list(9, abi::ImageFit::Fill, box));
  CHECK_PIXEL(unknown, 20, 20, 0x000000);
}

void render_image_transforms_and_snapping() {
  const abi::RectF box{8, 8, 48, 32};
  auto r = render_images(ListBuilder()
                             .cmd(abi::Opcode::PushClip, abi::ClipCmd{{0, 0, 20, 48}, 0})
                             .cmd(abi::Opcode::PushOpacity, abi::OpacityCmd{0.5f})
                             .cmd(abi::Opcode::PushTransform, abi::TransformCmd{{1, 0, 0, 1, 4, 2}})
                             .cmd(abi::Opcode::Image, abi::ImageCmd{1, 0, box})
                             .pop(abi::Opcode::PopTransform)
                             .pop(abi::Opcode::PopOpacity)
                             .pop(abi::Opcode::PopClip)
                             .finish());
  CHECK_PIXEL(r, 13, 11, 0x800000);
  CHECK_PIXEL(r, 11, 11, 0x000000);  // moved by the transform
  CHECK_PIXEL(r, 21, 11, 0x000000);  // clipped
  // 1:1 at a fractional position: snapped to whole pixels, no blending.
  auto snapped = render_images(image_list(1, abi::ImageFit::Fill, {10.4f, 20, 2, 1}), 2, 1);
  CHECK(pixel(snapped, 10, 20) == 0xff0000 && pixel(snapped, 11, 20) == 0x0000ff &&
        pixel(snapped, 12, 20) == 0x000000);
  // Unloading frees it.
  auto created = Renderer::create(64, 48);
  Renderer u = std::move(created.value());
  CHECK(u.images().insert(1, two_tone(4, 2)).ok());
  CHECK(u.images().remove(1));
  CHECK(!u.images().remove(1));
  std::vector<std::string> w;
  auto cmds = decode(image_list(1, abi::ImageFit::Fill, box));
  u.render(cmds.value(), w);
  CHECK_PIXEL(u, 20, 20, 0x000000);
}

// Request records as RequestWriter writes them.
std::vector<uint8_t> load_record(uint32_t handle, const std::string &url) {
  const auto len = static_cast<uint32_t>(url.size());
  const uint32_t total = (16 + len + 3) / 4 * 4;
  std::vector<uint8_t> out(total, 0);
  const uint16_t kind = 1;
  std::memcpy(out.data(), &kind, 2);
  std::memcpy(out.data() + 4, &total, 4);
  std::memcpy(out.data() + 8, &handle, 4);
  std::memcpy(out.data() + 12, &len, 4);
  if (len > 0) std::memcpy(out.data() + 16, url.data(), len);
  return out;
}

// An Announce record (ABI 1.2) with `text_len` as given and `text` after it, padded to 4.
std::vector<uint8_t> announce_record(uint32_t text_len, const std::string &text) {
  const uint32_t total = static_cast<uint32_t>((12 + text.size() + 3) / 4 * 4);
  std::vector<uint8_t> out(total, 0);
  const uint16_t kind = 3;
  std::memcpy(out.data(), &kind, 2);
  std::memcpy(out.data() + 4, &total, 4);
  std::memcpy(out.data() + 8, &text_len, 4);
  if (!text.empty()) std::memcpy(out.data() + 12, text.data(), text.size());
  return out;
}

std::vector<uint8_t> concat(std::vector<uint8_t> a, const std::vector<uint8_t> &b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::string requests_error(const std::vector<uint8_t> &bytes) {
  std::vector<Request> out;
  const Status s = read_requests(bytes.data(), bytes.size(), out);
  return s ? std::string("(no error)") : s.error().message;
}

void requests_round_trip() {
  const std::vector<uint8_t> unload = {2, 0, 0, 0, 12, 0, 0, 0, 3, 0, 0, 0};
  const std::vector<uint8_t> unknown = {99, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0};
  const auto bytes = concat(concat(load_record(7, "images/crest \xc3\xa9.png"), unknown), unload);
  std::vector<Request> out;
  CHECK(read_requests(bytes.data(), bytes.size(), out).ok());
  CHECK(out.size() == 3);
  if (out.size() != 3) return;
  const auto *load = std::get_if<LoadImage>(&out[0]);
  CHECK(load && load->handle == 7 && load->url == "images/crest \xc3\xa9.png");
  const auto *skipped = std::get_if<UnknownRequest>(&out[1]);
  CHECK(skipped && skipped->kind == 99);
  const auto *free = std::get_if<UnloadImage>(&out[2]);
  CHECK(free && free->handle == 3);
  CHECK(read_requests(nullptr, 0, out).ok() && out.empty());
}

void requests_announce_round_trip() {
  const std::string accented = "\xc3\x89quipe \xc3\xa0 domicile";
  const std::string full(abi::MAX_ANNOUNCE_BYTES, 'x');
  const auto bytes = concat(concat(concat(announce_record(23, "Tile 3, button, 3 of 12"),
                                          announce_record(static_cast<uint32_t>(accented.size()), accented)),
                                   announce_record(0, "")),
                            announce_record(abi::MAX_ANNOUNCE_BYTES, full));
  std::vector<Request> out;
  CHECK(read_requests(bytes.data(), bytes.size(), out).ok());
  CHECK(out.size() == 4);
  if (out.size() != 4) return;
  const auto *a = std::get_if<Announce>(&out[0]);
  CHECK(a && a->text == "Tile 3, button, 3 of 12");
  const auto *b = std::get_if<Announce>(&out[1]);
  CHECK(b && b->text == accented);
  const auto *c = std::get_if<Announce>(&out[2]);
  CHECK(c && c->text.empty());
  const auto *d = std::get_if<Announce>(&out[3]);
  CHECK(d && d->text == full);
}

void requests_reject_malformed_announcements() {
  CHECK_EQ_STR(requests_error(announce_record(200, "Menu")),
               "request 0 at byte 0 is malformed: text runs past the record");
  CHECK_EQ_STR(requests_error(announce_record(5, "Menu")),
               "request 0 at byte 0 is malformed: text runs past the record");
  CHECK_EQ_STR(requests_error(announce_record(abi::MAX_ANNOUNCE_BYTES + 1,
                                              std::string(abi::MAX_ANNOUNCE_BYTES + 1, 'x'))),
               "request 0 at byte 0 is malformed: text longer than 1024 bytes");
  CHECK_EQ_STR(requests_error(announce_record(0xffffffffu, "")),
               "request 0 at byte 0 is malformed: text longer than 1024 bytes");
  CHECK_EQ_STR(requests_error(announce_record(4, "caf\xc3")),
               "request 0 at byte 0 is malformed: text is not UTF-8");
  CHECK_EQ_STR(requests_error(announce_record(3, "\xed\xa0\x80")),
               "request 0 at byte 0 is malformed: text is not UTF-8");
  CHECK_EQ_STR(requests_error({3, 0, 0, 0, 8, 0, 0, 0}), "request 0 at byte 0 is malformed: payload too short");
  // A truncated record after a good one: the good one stays.
  const auto good = announce_record(5, "hello");
  auto two = concat(good, std::vector<uint8_t>(good.begin(), good.end() - 4));
  std::vector<Request> out;
  CHECK_EQ_STR(requests_error(two), "request 1 at byte 20 is malformed: runs past the end");
  CHECK(!read_requests(two.data(), two.size(), out).ok() && out.size() == 1);
}

void requests_reject_malformed_records() {
  const auto good = load_record(1, "a.png");
  auto long_url = good;
  long_url[12] = 200;
  CHECK_EQ_STR(requests_error(long_url), "request 0 at byte 0 is malformed: URL runs past the record");
  auto bad_utf8 = good;
  bad_utf8[16] = 0xff;
  CHECK_EQ_STR(requests_error(bad_utf8), "request 0 at byte 0 is malformed: URL is not UTF-8");
  auto too_long = good;
  too_long[12] = 0x01;
  too_long[13] = 0x08;  // 2049
  CHECK_EQ_STR(requests_error(too_long), "request 0 at byte 0 is malformed: URL longer than 2048 bytes");
  CHECK_EQ_STR(requests_error(std::vector<uint8_t>(good.begin(), good.begin() + 6)),
               "request 0 at byte 0 is malformed: header runs past the end");
  auto odd = concat(good, {1, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0});
  std::vector<Request> out;
  CHECK_EQ_STR(requests_error(odd), "request 1 at byte 24 is malformed: length is not a multiple of 4 of at least 8");
  CHECK(!read_requests(odd.data(), odd.size(), out).ok() && out.size() == 1);  // the good one stays
  CHECK_EQ_STR(requests_error({2, 0, 0, 0, 8, 0, 0, 0}), "request 0 at byte 0 is malformed: payload too short");
  CHECK_EQ_STR(requests_error({2, 0, 0, 0, 64, 0, 0, 0, 1, 0, 0, 0}), "request 0 at byte 0 is malformed: runs past the end");
  const std::vector<uint8_t> huge(abi::MAX_REQUEST_BYTES + 4, 0);
  CHECK_EQ_STR(requests_error(huge), "request buffer is 1048580 bytes, more than the 1 MiB limit");
  // UTF-8 as Rust judges it: no overlong forms, surrogates or code points past U+10FFFF.
  const auto utf8 = [](std::vector<uint8_t> b) { return valid_utf8(b.data(), b.size()); };
  CHECK(utf8({'a', 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80}));
  CHECK(!utf8({0xc0, 0xaf}) && !utf8({0xe0, 0x80, 0xaf}) && !utf8({0xed, 0xa0, 0x80}));
  CHECK(!utf8({0xf4, 0x90, 0x80, 0x80}) && !utf8({0xe2, 0x82}) && !utf8({0x80}) && !utf8({0xff}));
}

void image_urls_resolve() {
  const auto ok = [](const std::string &url, const std::string &want) {
    auto r = resolve_image_url("/srv/assets", url);
    if (!r || r.value() != want) {
      std::fprintf(stderr, "resolve_image_url(%s) is %s, expected %s\n", url.c_str(),
                   r ? r.value().c_str() : image_error_name(r.error()), want.c_str());
      ++g_failures;
    }
  };
  ok("images/crest.png", "/srv/assets/images/crest.png");
  ok("./a.png", "/srv/assets/./a.png");
  ok("file:///tmp/x.png", "/tmp/x.png");
  ok("FILE:///tmp/x.png", "/tmp/x.png");
  ok("x/a:b.png", "/srv/assets/x/a:b.png");
  for (const char *bad : {"", "/etc/passwd", "../secret.png", "images/../../secret.png", "images/..",
                          "http://example.com/a.png", "https://example.com/a.png",
                          "data:image/png;base64,AAAA", "file://host/tmp/x.png", "file:relative.png",
                          "file:///"}) {
    auto r = resolve_image_url("/srv/assets", bad);
    if (r || r.error() != abi::ImageError::BadUrl) {
      std::fprintf(stderr, "resolve_image_url(%s) should be BadUrl\n", bad);
      ++g_failures;
    }
  }
  auto nul = resolve_image_url("/srv/assets", std::string("a\0b.png", 7));
  CHECK(!nul && nul.error() == abi::ImageError::BadUrl);
}

void images_decode_and_fit_the_budget() {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("touchline-unit-images-" + std::to_string(static_cast<long>(::getpid())));
  std::filesystem::create_directories(dir / "sub");
  const auto write_png = [&](const std::string &name, int w, int h) {
    CairoSurface s(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h));
    cairo_surface_write_to_png(s.get(), (dir / name).c_str());
  };
  write_png("ok.png", 3, 2);
  write_png("wide.png", 9000, 1);
  write_png("limit.png", 8192, 1);
  {
    std::FILE *f = std::fopen((dir / "text.png").c_str(), "wb");
    std::fputs("not an image", f);
    std::fclose(f);
  }
  const std::string root = dir.string();
  auto ok = load_image(root, "ok.png");
  CHECK(ok.ok() && cairo_image_surface_get_width(ok.value().get()) == 3);
  CHECK(load_image(root, "nothing.png").error() == abi::ImageError::NotFound);
  CHECK(load_image(root, "sub").error() == abi::ImageError::NotFound);
  CHECK(load_image(root, "nothing/inside.png").error() == abi::ImageError::NotFound);
  CHECK(load_image(root, "file:///dev/zero").error() == abi::ImageError::NotFound);  // a device
  CHECK(load_image(root, "text.png").error() == abi::ImageError::Decode);
  CHECK(load_image(root, "wide.png").error() == abi::ImageError::TooLarge);
  CHECK(load_image(root, "limit.png").ok());
  CHECK(load_image("/nowhere", "file://" + (dir / "ok.png").string()).ok());
  // Straight RGBA to premultiplied ARGB: a PNG pixel (255, 255, 255, 128) is 0x80808080.
  {
    CairoSurface s(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1));
    const uint32_t half_white = 0x80808080u;
    std::memcpy(cairo_image_surface_get_data(s.get()), &half_white, 4);
    cairo_surface_mark_dirty(s.get());
    cairo_surface_write_to_png(s.get(), (dir / "half.png").c_str());
    auto half = load_image(root, "half.png");
    CHECK(half.ok());
    if (half) {
      uint32_t got;
      std::memcpy(&got, cairo_image_surface_get_data(half.value().get()), 4);
      CHECK(got == 0x80808080u);
    }
  }
  // JPEG too (written by stb_image_write), and nothing else: a GIF is refused by its magic.
  {
    std::vector<uint8_t> gray(8 * 8 * 3, 200);
    CHECK(stbi_write_jpg((dir / "gray.jpg").c_str(), 8, 8, 3, gray.data(), 90) != 0);
    auto jpeg = load_image(root, "gray.jpg");
    CHECK(jpeg.ok());
    if (jpeg) {
      uint32_t got;
      std::memcpy(&got, cairo_image_surface_get_data(jpeg.value().get()), 4);
      CHECK(got >> 24 == 0xff && std::abs(static_cast<int>(got & 0xff) - 200) <= 2);
    }
    const uint8_t gif[] = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0};
    CHECK(decode_image(gif, sizeof gif).error() == abi::ImageError::Decode);
    CHECK(decode_image(nullptr, 0).error() == abi::ImageError::Decode);
  }
  std::filesystem::remove_all(dir);
  // The store's budget: two 8192 x 8192 images fit, a third does not; a replacement counts
  // the bytes it frees.
  ImageStore store;
  const auto big = [] { return CairoSurface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 8192, 8192)); };
  CHECK(store.insert(1, big()).ok());
  CHECK(store.insert(2, big()).ok());
  auto third = store.insert(3, CairoSurface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1)));
  CHECK(!third.ok() && third.error() == abi::ImageError::TooLarge);
  CHECK(store.insert(2, big()).ok());
  CHECK(store.size() == 2 && store.bytes() == 2ull * 8192 * 8192 * 4);
  CHECK(store.remove(1) && store.bytes() == 8192ull * 8192 * 4);
}

// ---- VideoSurface (drawn as opaque black until video plays) ----

void render_video_surface() {
  const auto white = rect(0, 0, 64, 48, 0xffffffff);
  auto r = render(ListBuilder()
                      .cmd(abi::Opcode::Rect, white)
                      .cmd(abi::Opcode::VideoSurface, abi::RectF{8, 4, 20, 10})
                      // Under a transform and a clip, it paints like a black rect.
                      .cmd(abi::Opcode::PushClip, abi::ClipCmd{{40, 0, 10, 48}, 0})
                      .cmd(abi::Opcode::PushTransform, abi::TransformCmd{{2, 0, 0, 2, 30, 20}})
                      .cmd(abi::Opcode::VideoSurface, abi::RectF{0, 0, 10, 5})
                      .pop(abi::Opcode::PopTransform)
                      .pop(abi::Opcode::PopClip)
                      // Half opacity over white: half black.
                      .cmd(abi::Opcode::PushOpacity, abi::OpacityCmd{0.5f})
                      .cmd(abi::Opcode::VideoSurface, abi::RectF{0, 40, 8, 8})
                      .pop(abi::Opcode::PopOpacity)
                      // Something drawn after it shows on top.
                      .cmd(abi::Opcode::Rect, rect(10, 6, 2, 2, 0xff0000ff))
                      .finish());
  CHECK_PIXEL(r, 8, 4, 0x000000);
  CHECK_PIXEL(r, 27, 13, 0x000000);
  CHECK_PIXEL(r, 28, 13, 0xffffff);  // right of the surface
  CHECK_PIXEL(r, 8, 14, 0xffffff);   // below it
  CHECK_PIXEL(r, 7, 4, 0xffffff);    // left of it
  CHECK_PIXEL(r, 10, 6, 0xff0000);   // drawn over it
  CHECK_PIXEL(r, 45, 25, 0x000000);  // transformed, inside the clip
  CHECK_PIXEL(r, 35, 25, 0xffffff);  // transformed, outside the clip
  CHECK_PIXEL(r, 45, 31, 0xffffff);  // below the scaled surface
  CHECK(near(pixel(r, 4, 44), 0x808080, 1));
  // Half-pixel edges are anti-aliased, as for Rect.
  auto edge = render(ListBuilder()
                         .cmd(abi::Opcode::Rect, white)
                         .cmd(abi::Opcode::VideoSurface, abi::RectF{10.5f, 10, 10, 10})
                         .finish());
  CHECK(near(pixel(edge, 10, 15), 0x808080, 2));
  // Non-finite or empty: nothing, and no harm.
  std::vector<std::string> warnings;
  auto none = render(ListBuilder()
                         .cmd(abi::Opcode::Rect, white)
                         .cmd(abi::Opcode::VideoSurface, abi::RectF{std::nanf(""), 0, 10, 10})
                         .cmd(abi::Opcode::VideoSurface, abi::RectF{0, 0, -5, 10})
                         .finish(),
                     &warnings);
  CHECK_PIXEL(none, 2, 2, 0xffffff);
  CHECK(warnings.empty());
}

// ---- fetch (ABI 1.3) ----

// A Fetch record: the five fields as given, then `tail` (URL and body), padded to 4.
std::vector<uint8_t> fetch_record(std::array<uint32_t, 5> fields, const std::string &tail) {
  const uint32_t total = static_cast<uint32_t>((8 + 20 + tail.size() + 3) / 4 * 4);
  std::vector<uint8_t> out(total, 0);
  const uint16_t kind = static_cast<uint16_t>(abi::RequestKind::Fetch);
  std::memcpy(out.data(), &kind, 2);
  std::memcpy(out.data() + 4, &total, 4);
  std::memcpy(out.data() + 8, fields.data(), 20);
  if (!tail.empty()) std::memcpy(out.data() + 28, tail.data(), tail.size());
  return out;
}

void requests_fetch_round_trip() {
  const std::string json = "{\"a\":1}";
  const std::string url = "http://127.0.0.1:8080/score?x=\xc3\xa9";
  const std::vector<uint8_t> cancel = {5, 0, 0, 0, 12, 0, 0, 0, 7, 0, 0, 0};
  const auto bytes = concat(concat(concat(fetch_record({7, 0, 0, 15, 0}, "data/teams.json"),
                                          fetch_record({8, 1, 2500, static_cast<uint32_t>(url.size()),
                                                        static_cast<uint32_t>(json.size())},
                                                       url + json)),
                                   cancel),
                            load_record(1, "a.png"));
  std::vector<Request> out;
  CHECK(read_requests(bytes.data(), bytes.size(), out).ok());
  CHECK(out.size() == 4);
  if (out.size() != 4) return;
  const auto *get = std::get_if<Fetch>(&out[0]);
  CHECK(get && get->id == 7 && get->method == abi::FetchMethod::Get && get->timeout_ms == 0 &&
        get->url == "data/teams.json" && get->body.empty());
  const auto *post = std::get_if<Fetch>(&out[1]);
  CHECK(post && post->id == 8 && post->method == abi::FetchMethod::Post && post->timeout_ms == 2500 &&
        post->url == url && std::string(post->body.begin(), post->body.end()) == json);
  const auto *cancelled = std::get_if<CancelFetch>(&out[2]);
  CHECK(cancelled && cancelled->id == 7);
  CHECK(std::get_if<LoadImage>(&out[3]) != nullptr);
  // Exactly the limits are fine, and a body may hold any bytes.
  const std::string long_url(abi::MAX_URL_BYTES, 'u');
  const std::string body(abi::MAX_FETCH_REQUEST_BODY_BYTES, '\xff');
  const auto full = fetch_record({0xffffffffu, 1, 0xffffffffu, abi::MAX_URL_BYTES, abi::MAX_FETCH_REQUEST_BODY_BYTES},
                                 long_url + body);
  CHECK(read_requests(full.data(), full.size(), out).ok() && out.size() == 1);
  const auto *big = out.empty() ? nullptr : std::get_if<Fetch>(&out[0]);
  CHECK(big && big->url == long_url && big->body.size() == body.size() && big->body[0] == 0xff);
}

void requests_reject_malformed_fetches() {
  const auto bad = [](const std::vector<uint8_t> &record, const std::string &reason) {
    CHECK_EQ_STR(requests_error(record), "request 0 at byte 0 is malformed: " + reason);
  };
  const auto good = fetch_record({1, 0, 0, 5, 3}, "a.txtxyz");
  CHECK_EQ_STR(requests_error(good), "(no error)");
  bad(fetch_record({1, 2, 0, 5, 0}, "a.txt"), "unknown fetch method");
  bad(fetch_record({1, 0xffffffffu, 0, 5, 0}, "a.txt"), "unknown fetch method");
  bad(fetch_record({1, 0, 0, abi::MAX_URL_BYTES + 1, 0}, ""), "URL longer than 2048 bytes");
  bad(fetch_record({1, 0, 0, 0xffffffffu, 0}, ""), "URL longer than 2048 bytes");
  bad(fetch_record({1, 1, 0, 1, abi::MAX_FETCH_REQUEST_BODY_BYTES + 1}, "a"), "body longer than 65536 bytes");
  bad(fetch_record({1, 1, 0, 1, 0xffffffffu}, "a"), "body longer than 65536 bytes");
  // The record holds 8 bytes after the fields (5 + 3 padding).
  bad(fetch_record({1, 0, 0, 9, 0}, "a.txt"), "URL runs past the record");
  bad(fetch_record({1, 1, 0, 5, 4}, "a.txtxyz"), "body runs past the record");
  bad(fetch_record({1, 1, 0, 8, 1}, "a.txtxyz"), "body runs past the record");
  bad(fetch_record({1, 0, 0, 3, 0}, "\xff" "ab"), "URL is not UTF-8");
  bad(fetch_record({1, 0, 0, 2, 0}, "a\xc3"), "URL is not UTF-8");
  for (uint32_t len : {8u, 12u, 24u}) {
    std::vector<uint8_t> short_record(len, 0);
    short_record[0] = 4;
    std::memcpy(short_record.data() + 4, &len, 4);
    bad(short_record, "payload too short");
  }
  bad({5, 0, 0, 0, 8, 0, 0, 0}, "payload too short");
  // The records before a bad one stand.
  const auto three = concat(concat(good, fetch_record({1, 2, 0, 5, 0}, "a.txt")), good);
  std::vector<Request> out;
  CHECK_EQ_STR(requests_error(three), "request 1 at byte 36 is malformed: unknown fetch method");
  CHECK(!read_requests(three.data(), three.size(), out).ok() && out.size() == 1);
}

void fetch_urls_resolve() {
  const auto file = [](const std::string &url, const std::string &want) {
    auto r = resolve_fetch_url("/srv/assets", url);
    if (!r || r.value().http || r.value().where != want) {
      std::fprintf(stderr, "resolve_fetch_url(%s) is not the file %s\n", url.c_str(), want.c_str());
      ++g_failures;
    }
  };
  const auto http = [](const std::string &url) {
    auto r = resolve_fetch_url("/srv/assets", url);
    if (!r || !r.value().http || r.value().where != url) {
      std::fprintf(stderr, "resolve_fetch_url(%s) is not that URL\n", url.c_str());
      ++g_failures;
    }
  };
  file("data/teams.json", "/srv/assets/data/teams.json");
  file("file:///tmp/x.json", "/tmp/x.json");
  // Under an http(s) asset root (a delivered release's assets) a relative URL is a network
  // fetch of the root plus the path; the relative rules still hold, file:/// is still a file.
  const std::string root = "http://127.0.0.1:8080/release/assets/";
  for (const auto &[url, want] : std::vector<std::pair<std::string, std::string>>{
           {"catalog/catalog.json", root + "catalog/catalog.json"}, {"file:///tmp/x.json", "/tmp/x.json"}}) {
    auto r = resolve_fetch_url(root, url);
    if (!r || r.value().http != (want != "/tmp/x.json") || r.value().where != want) {
      std::fprintf(stderr, "resolve_fetch_url(%s, %s) is not %s\n", root.c_str(), url.c_str(), want.c_str());
      ++g_failures;
    }
  }
  for (const char *bad : {"../secret.json", "/etc/passwd", "my file.json"}) {
    if (resolve_fetch_url(root, bad)) {
      std::fprintf(stderr, "resolve_fetch_url(%s, %s) should be BadUrl\n", root.c_str(), bad);
      ++g_failures;
    }
  }
  http("http://127.0.0.1:8080/a?b=c#d");
  http("HTTPS://example.com");
  http("http://h%C3%A9/%20x");
  for (const char *bad : {"", "/etc/passwd", "../secret.json", "data/../../secret.json", "ftp://example.com/a",
                          "data:text/plain,hi", "file://host/x", "http://", "http:///path", "https://?q",
                          "http://exa mple.com/", "http://example.com/\xc3\xa9", "http://example.com/\t",
                          "http:example.com"}) {
    auto r = resolve_fetch_url("/srv/assets", bad);
    if (r || r.error() != abi::FetchError::BadUrl) {
      std::fprintf(stderr, "resolve_fetch_url(%s) should be BadUrl\n", bad);
      ++g_failures;
    }
  }
  auto nul = resolve_fetch_url("/srv/assets", std::string("a\0b", 3));
  CHECK(!nul && nul.error() == abi::FetchError::BadUrl);
  CHECK(fetch_timeout_ms(0) == 30000 && fetch_timeout_ms(250) == 250 && fetch_timeout_ms(0xffffffffu) == 300000);
  CHECK_EQ_STR(fetch_error_name(abi::FetchError::Timeout), "timeout");
  CHECK_EQ_STR(fetch_error_name(static_cast<abi::FetchError>(99)), "other");
}

void fetch_files_answer_like_a_server() {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("touchline-unit-fetch-" + std::to_string(static_cast<long>(::getpid())));
  std::filesystem::create_directories(dir / "sub");
  const auto write = [&](const std::string &name, const std::string &bytes) {
    std::FILE *f = std::fopen((dir / name).c_str(), "wb");
    if (f == nullptr) return;
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  };
  write("a.json", "{\"a\":1}");
  write("empty", "");
  const auto status = [&](const std::string &path) {
    auto r = fetch_file(path);
    return r ? static_cast<int>(r.value().status) : -1;
  };
  auto a = fetch_file((dir / "a.json").string());
  CHECK(a.ok() && a.value().status == 200 && std::string(a.value().body.begin(), a.value().body.end()) == "{\"a\":1}");
  auto empty = fetch_file((dir / "empty").string());
  CHECK(empty.ok() && empty.value().status == 200 && empty.value().body.empty());
  CHECK(status((dir / "missing.json").string()) == 404);
  CHECK(status((dir / "a.json" / "inside").string()) == 404);
  CHECK(status((dir / "sub").string()) == 404);  // a directory
  CHECK(status("/dev/null") == 404);              // a device
  write("big", std::string(abi::MAX_FETCH_BODY_BYTES, 'z'));
  auto big = fetch_file((dir / "big").string());
  CHECK(big.ok() && big.value().body.size() == abi::MAX_FETCH_BODY_BYTES);
  write("big", std::string(abi::MAX_FETCH_BODY_BYTES + 1, 'z'));
  auto over = fetch_file((dir / "big").string());
  CHECK(!over.ok() && over.error() == abi::FetchError::TooLarge);
  std::filesystem::remove_all(dir);
}

// A loopback HTTP server for the fetch tests: each connection answered on its own thread,
// by path. It stops (and joins its threads) when destroyed.
class TestServer {
 public:
  explicit TestServer(size_t connections) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 16) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
      std::fprintf(stderr, "cannot start the test server\n");
      ++g_failures;
      return;
    }
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this, connections] {
      for (size_t i = 0; i < connections; ++i) {
        const int client = ::accept(fd_, nullptr, nullptr);
        if (client < 0) return;
        accepted_.fetch_add(1);
        std::lock_guard<std::mutex> lock(mutex_);
        handlers_.emplace_back([this, client] {
          handle(client);
          ::close(client);
          answered_.fetch_add(1);
        });
      }
    });
  }

  ~TestServer() {
    open_gate();
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
    if (acceptor_.joinable()) acceptor_.join();
    if (fd_ >= 0) ::close(fd_);
    // Joined without the lock: a handler takes it to wait at the gate.
    std::vector<std::thread> handlers;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      handlers.swap(handlers_);
    }
    for (auto &t : handlers) t.join();
  }

  std::string url(const std::string &path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  void open_gate() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    opened_.notify_all();
  }
  size_t accepted() const { return accepted_.load(); }
  size_t answered() const { return answered_.load(); }

 private:
  void wait_gate() {
    std::unique_lock<std::mutex> lock(mutex_);
    opened_.wait_for(lock, std::chrono::seconds(10), [this] { return open_; });
  }

  static void send_all(int fd, const std::string &bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  }

  static void respond(int fd, const std::string &status, const std::string &body) {
    send_all(fd, "HTTP/1.1 " + status + "\r\nContent-Length: " + std::to_string(body.size()) +
                     "\r\nConnection: close\r\n\r\n" + body);
  }

  void handle(int fd) {
    timeval timeout{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string head;
    char c;
    while (head.size() < 4 || head.compare(head.size() - 4, 4, "\r\n\r\n") != 0) {
      if (::recv(fd, &c, 1, 0) != 1) return;
      head += c;
    }
    const std::string method = head.substr(0, head.find(' '));
    const size_t path_at = head.find(' ') + 1;
    const std::string path = head.substr(path_at, head.find(' ', path_at) - path_at);
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](char ch) { return static_cast<char>(std::tolower(ch)); });
    size_t length = 0;
    if (const size_t at = lower.find("content-length:"); at != std::string::npos) {
      length = std::strtoul(lower.c_str() + at + 15, nullptr, 10);
    }
    std::string body(length, '\0');
    for (size_t got = 0; got < length;) {
      const ssize_t n = ::recv(fd, body.data() + got, length - got, 0);
      if (n <= 0) return;
      got += static_cast<size_t>(n);
    }
    if (path == "/hello") {
      respond(fd, "200 OK", "hello over http");
    } else if (path == "/error") {
      respond(fd, "500 Internal Server Error", "boom");
    } else if (path == "/echo") {
      respond(fd, "200 OK", method + " " + body);
    } else if (path == "/gated") {
      wait_gate();
      respond(fd, "200 OK", "late");
    } else if (path == "/hang") {
      wait_gate();  // and never a word
    } else if (path == "/huge-length") {
      send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 9437184\r\nConnection: close\r\n\r\n" + std::string(1024, 'x'));
    } else if (path == "/huge-body") {
      send_all(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
      const std::string chunk(64 * 1024, 'y');
      for (size_t left = abi::MAX_FETCH_BODY_BYTES + 1; left > 0;) {
        const size_t n = std::min(left, chunk.size());
        const ssize_t sent = ::send(fd, chunk.data(), n, MSG_NOSIGNAL);
        if (sent <= 0) break;
        left -= static_cast<size_t>(sent);
      }
    } else {
      respond(fd, "404 Not Found", "no such path");
    }
  }

  int fd_ = -1;
  uint16_t port_ = 0;
  std::thread acceptor_;
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
  std::vector<std::thread> handlers_;
  std::atomic<size_t> accepted_{0};
  std::atomic<size_t> answered_{0};
};

// Polls until `want` fetches have finished (at most 20 s); returns them sorted by id.
std::vector<FetchFinished> finish(Fetcher &fetcher, size_t want) {
  std::vector<FetchFinished> done;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (done.size() < want && std::chrono::steady_clock::now() < deadline) {
    for (auto &f : fetcher.poll()) done.push_back(std::move(f));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(done.size() == want);
  std::sort(done.begin(), done.end(), [](const auto &a, const auto &b) { return a.id < b.id; });
  return done;
}

bool answered(const FetchFinished &f, uint32_t id, uint32_t status, const std::string &body) {
  const bool ok = f.id == id && f.outcome.ok() && f.outcome.value().status == status &&
                  std::string(f.outcome.value().body.begin(), f.outcome.value().body.end()) == body;
  if (!ok) std::fprintf(stderr, "fetch %u: not %u \"%s\"\n", f.id, status, body.c_str());
  return ok;
}

bool failed(const FetchFinished &f, uint32_t id, abi::FetchError error) {
  const bool ok = f.id == id && !f.outcome.ok() && f.outcome.error() == error;
  if (!ok) {
    std::fprintf(stderr, "fetch %u: not %s but %s\n", f.id, fetch_error_name(error),
                 f.outcome.ok() ? "an answer" : fetch_error_name(f.outcome.error()));
  }
  return ok;
}

std::string refused_url() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
  ::close(fd);  // never listened: connections are refused
  return "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/nothing";
}

void fetch_http_over_loopback() {
  TestServer server(16);
  Fetcher fetcher;
  const std::string json = "{\"score\":[2,1]}";
  fetcher.start(1, abi::FetchMethod::Get, 0, server.url("/hello"), {});
  fetcher.start(2, abi::FetchMethod::Get, 0, server.url("/error"), {});
  fetcher.start(3, abi::FetchMethod::Post, 5000, server.url("/echo"), std::vector<uint8_t>(json.begin(), json.end()));
  fetcher.start(4, abi::FetchMethod::Get, 5000, server.url("/echo"), {'n', 'o'});
  CHECK(fetcher.live() == 4 && fetcher.running() == 4);
  const auto done = finish(fetcher, 4);
  if (done.size() != 4) return;
  CHECK(answered(done[0], 1, 200, "hello over http"));
  CHECK(answered(done[1], 2, 500, "boom"));
  CHECK(answered(done[2], 3, 200, "POST " + json));
  CHECK(answered(done[3], 4, 200, "GET "));
  CHECK(fetcher.live() == 0);
}

void fetch_http_failures() {
  TestServer server(8);
  Fetcher fetcher;
  const auto started = std::chrono::steady_clock::now();
  fetcher.start(1, abi::FetchMethod::Get, 300, server.url("/hang"), {});
  fetcher.start(2, abi::FetchMethod::Get, 0, refused_url(), {});
  fetcher.start(3, abi::FetchMethod::Get, 0, server.url("/huge-length"), {});
  fetcher.start(4, abi::FetchMethod::Get, 0, server.url("/huge-body"), {});
  const auto done = finish(fetcher, 4);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(8));
  if (done.size() != 4) return;
  CHECK(failed(done[0], 1, abi::FetchError::Timeout));
  CHECK(failed(done[1], 2, abi::FetchError::Network));
  CHECK(failed(done[2], 3, abi::FetchError::TooLarge));
  CHECK(failed(done[3], 4, abi::FetchError::TooLarge));
}

void fetch_http_cancel_and_bound() {
  TestServer server(16);
  Fetcher fetcher;
  for (uint32_t id = 1; id <= 6; ++id) fetcher.start(id, abi::FetchMethod::Get, 0, server.url("/gated"), {});
  CHECK(fetcher.live() == 6 && fetcher.running() == kMaxFetchesInFlight);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (server.accepted() < kMaxFetchesInFlight && std::chrono::steady_clock::now() < deadline) {
    fetcher.poll();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Give a fifth connection time to show up if the bound did not hold.
  for (int i = 0; i < 60; ++i) {
    CHECK(fetcher.poll().empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(server.accepted() == kMaxFetchesInFlight);
  // Cancel one running (2) and one queued (6); a new fetch under a live id (3) replaces it.
  CHECK(fetcher.cancel(2) && fetcher.cancel(6) && !fetcher.cancel(99));
  fetcher.start(3, abi::FetchMethod::Get, 0, server.url("/hello"), {});
  CHECK(fetcher.live() == 4);
  server.open_gate();
  const auto done = finish(fetcher, 4);
  if (done.size() != 4) return;
  CHECK(answered(done[0], 1, 200, "late"));
  CHECK(answered(done[1], 3, 200, "hello over http"));
  CHECK(answered(done[2], 4, 200, "late"));
  CHECK(answered(done[3], 5, 200, "late"));
  for (int i = 0; i < 20; ++i) {
    CHECK(fetcher.poll().empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(fetcher.live() == 0 && fetcher.running() == 0);
}

// ---- ABI 1.4: state, the bus, recovery ----

// A length-prefixed record (SaveState 6, PostMessage 7) as the Rust test builds it: the header,
// `len_field`, `payload`, padded to 4.
std::vector<uint8_t> prefixed_record(uint16_t kind, uint32_t len_field, const std::string &payload) {
  const uint32_t len = static_cast<uint32_t>(padded_len(12 + payload.size()));
  std::vector<uint8_t> bytes(len, 0);
  abi::RequestHeader head{kind, 0, len};
  std::memcpy(bytes.data(), &head, sizeof head);
  std::memcpy(bytes.data() + 8, &len_field, 4);
  std::memcpy(bytes.data() + 12, payload.data(), payload.size());
  return bytes;
}

std::vector<uint8_t> save_state_record(const std::string &state) {
  return prefixed_record(6, static_cast<uint32_t>(state.size()), state);
}

std::vector<uint8_t> post_message_record(const std::string &text) {
  return prefixed_record(7, static_cast<uint32_t>(text.size()), text);
}

void requests_state_and_messages_round_trip() {
  const std::string metric = "{\"type\":\"metric\",\"v\":\"\xc3\xa9\"}";
  auto bytes = concat(concat(save_state_record("{\"stack\":[1]}"), post_message_record(metric)),
                      save_state_record(""));
  std::vector<Request> out;
  CHECK(read_requests(bytes.data(), bytes.size(), out).ok());
  CHECK(out.size() == 3);
  if (out.size() == 3) {
    const auto *a = std::get_if<SaveState>(&out[0]);
    CHECK(a && std::string(a->state.begin(), a->state.end()) == "{\"stack\":[1]}");
    const auto *b = std::get_if<PostMessage>(&out[1]);
    CHECK(b && b->text == metric);
    const auto *c = std::get_if<SaveState>(&out[2]);
    CHECK(c && c->state.empty());
  }
  // At the limits.
  const std::string max(abi::MAX_STATE_BYTES, 'x');
  CHECK(abi::MAX_STATE_BYTES == 65536 && abi::MAX_BUS_MESSAGE_BYTES == 65536);
  bytes = concat(save_state_record(max), post_message_record(max));
  CHECK(read_requests(bytes.data(), bytes.size(), out).ok() && out.size() == 2);
  if (out.size() == 2) {
    const auto *s = std::get_if<SaveState>(&out[0]);
    CHECK(s && s->state.size() == abi::MAX_STATE_BYTES);
    const auto *m = std::get_if<PostMessage>(&out[1]);
    CHECK(m && m->text == max);
  }
}

void requests_reject_malformed_state_and_messages() {
  const auto bad = [](const std::vector<uint8_t> &record, const std::string &reason) {
    CHECK_EQ_STR(requests_error(record), "request 0 at byte 0 is malformed: " + reason);
  };
  bad(prefixed_record(6, 9, "abcd"), "state runs past the record");
  bad(prefixed_record(6, 65537, ""), "state longer than 65536 bytes");
  bad(prefixed_record(7, 5, "abcd"), "message runs past the record");
  bad(prefixed_record(7, 70000, ""), "message longer than 65536 bytes");
  bad(prefixed_record(7, 2, "\xc3\x28"), "message is not UTF-8");
  bad(prefixed_record(8, 9, "abcd"), "storage runs past the record");
  bad(prefixed_record(8, 65537, ""), "storage longer than 65536 bytes");
  {
    std::vector<Request> stored;
    const auto record = prefixed_record(8, 3, "{}x");
    CHECK(read_requests(record.data(), record.size(), stored).ok() && stored.size() == 1);
    const auto *write = stored.empty() ? nullptr : std::get_if<WriteStorage>(&stored[0]);
    CHECK(write != nullptr && write->data == std::vector<uint8_t>({'{', '}', 'x'}));
  }
  auto short_record = prefixed_record(7, 0, "");
  short_record.resize(8);
  const uint32_t eight = 8;
  std::memcpy(short_record.data() + 4, &eight, 4);
  bad(short_record, "payload too short");
  short_record[0] = 6;
  bad(short_record, "payload too short");
  short_record[0] = 8;
  bad(short_record, "payload too short");
  // Padding after the bytes is fine; the records before a bad one stand.
  CHECK_EQ_STR(requests_error(prefixed_record(6, 1, "abc")), "(no error)");
  const auto two = concat(save_state_record("ok"), prefixed_record(7, 9, "abcd"));
  std::vector<Request> out;
  CHECK_EQ_STR(requests_error(two), "request 1 at byte 16 is malformed: message runs past the record");
  CHECK(!read_requests(two.data(), two.size(), out).ok() && out.size() == 1);
}

void input_payloads_of_three_kinds() {
  HostInput input;
  const std::string state = "{\"v\":1}";
  CHECK(input.push_restore_state(reinterpret_cast<const uint8_t *>(state.data()), state.size()));
  const std::string body = "body!";
  input.push_fetch_done(3, 200, reinterpret_cast<const uint8_t *>(body.data()), body.size());
  input.push(abi::Event{static_cast<uint32_t>(abi::EventKind::KeyDown), static_cast<uint32_t>(abi::Key::Select), 0, 0});
  CHECK(input.push_bus_message(BusSource::Js, "{\"type\":\"x\"}"));
  const std::string want = std::string("{\"v\":1}\0body!\0\0\0{\"type\":\"x\"}", 28);
  CHECK_EQ_STR(std::string(input.payload.begin(), input.payload.end()), want);
  CHECK(input.events.size() == 4 && input.records_len() == 64);
  if (input.events.size() == 4) {
    const abi::Event &restore = input.events[0];
    CHECK(restore.kind == static_cast<uint32_t>(abi::EventKind::RestoreState) && restore.a == 0 && restore.c == 7);
    const abi::Event &fetch = input.events[1];
    CHECK(fetch.kind == static_cast<uint32_t>(abi::EventKind::FetchDone) && fetch.a == 3 && fetch.b == 200 &&
          fetch.c == 5);
    const abi::Event &message = input.events[3];
    CHECK(message.kind == static_cast<uint32_t>(abi::EventKind::BusMessage) &&
          message.a == static_cast<uint32_t>(BusSource::Js) && message.b == 0 && message.c == 12);
  }
  // Limits per kind; a refused payload adds no event.
  const std::string big(abi::MAX_BUS_MESSAGE_BYTES + 1, ' ');
  CHECK(!input.push_bus_message(BusSource::Host, big));
  CHECK(!input.push_restore_state(reinterpret_cast<const uint8_t *>(big.data()), big.size()));
  CHECK(input.events.size() == 4 && input.payload.size() == 28);
  CHECK(static_cast<uint32_t>(abi::EventKind::BusMessage) == 8 && static_cast<uint32_t>(abi::EventKind::RestoreState) == 9);
  CHECK(static_cast<uint32_t>(abi::RequestKind::SaveState) == 6 && static_cast<uint32_t>(abi::RequestKind::PostMessage) == 7);
}

void bus_messages_and_queues() {
  CHECK(is_bus_message("{\"type\":\"metric\",\"value\":3}"));
  CHECK(is_bus_message(" {\"type\":\"\"} "));
  for (const char *bad : {"not json", "{not json", "{\"no\":\"type\"}", "{\"type\":3}", "[\"type\"]", "\"type\"",
                          "{\"type\":\"x\"} trailing", ""}) {
    if (is_bus_message(bad)) {
      std::fprintf(stderr, "is_bus_message(%s) should be false\n", bad);
      ++g_failures;
    }
  }
  CHECK_EQ_STR(fault_message("panic"), "{\"fault\":\"panic\",\"type\":\"touchline.fault\"}");
  CHECK_EQ_STR(crash_message(40, "out of memory", "wasm trap: \"x\"", 12.5),
               "{\"frame\":40,\"kind\":\"out of memory\",\"message\":\"wasm trap: \\\"x\\\"\",\"restart_ms\":12.5,"
               "\"type\":\"crash\"}");
  HostBus bus;
  CHECK(!bus.post_from_bundle("{\"no\":\"type\"}") && bus.malformed == 1 && bus.to_js.empty());
  CHECK(bus.post_from_bundle("{\"type\":\"history\"}") && bus.from_bundle == 1 && bus.to_js.size() == 1);
  for (size_t i = 0; i < kMaxQueuedMessages + 3; ++i) bus.queue_for_js("{\"type\":\"log\"}");
  CHECK(bus.to_js.size() == kMaxQueuedMessages && bus.dropped == 4);
  CHECK(bus.take_for_js().size() == kMaxQueuedMessages && bus.to_js.empty());
  bus.queue_for_bundle(BusSource::Js, std::string(abi::MAX_BUS_MESSAGE_BYTES + 1, 'x'));
  CHECK(bus.to_bundle.empty() && bus.dropped == 5);
  for (size_t i = 0; i < kMaxQueuedMessages + 1; ++i) bus.queue_for_bundle(BusSource::Host, fault_message("oom"));
  CHECK(bus.to_bundle.size() == kMaxQueuedMessages && bus.dropped == 6);
  CHECK(bus.to_bundle.front().first == BusSource::Host);
}

void injected_fault_specs() {
  auto once = parse_injected_fault("panic@300");
  CHECK(once && once.value().fault == "panic" && once.value().frame == 300 && !once.value().every);
  if (once) CHECK(once.value().due(300) && !once.value().due(299) && !once.value().due(301));
  auto every = parse_injected_fault("loop@5/10");
  CHECK(every && every.value().fault == "loop" && every.value().frame == 5 && every.value().every == 10u);
  if (every) CHECK(every.value().due(5) && every.value().due(15) && every.value().due(25) && !every.value().due(0) &&
                   !every.value().due(10));
  auto zero = parse_injected_fault("oom@2/0");
  CHECK(zero && zero.value().every == 1u);
  const auto error = [](const char *spec) {
    auto r = parse_injected_fault(spec);
    return r ? std::string("(no error)") : r.error().message;
  };
  CHECK_EQ_STR(error("panic"), "\"panic\": expected KIND@FRAME");
  CHECK_EQ_STR(error("crash@3"), "\"crash\": the faults are panic, loop and oom");
  CHECK_EQ_STR(error("panic@x"), "\"x\" is not a frame number");
  CHECK_EQ_STR(error("panic@3/"), "\"\" is not a frame number");
  CHECK_EQ_STR(error("panic@-1"), "\"-1\" is not a frame number");
}

void trap_kind_names() {
  CHECK_EQ_STR(trap_kind_name(TrapKind::Panic), "panic");
  CHECK_EQ_STR(trap_kind_name(TrapKind::Watchdog), "watchdog");
  CHECK_EQ_STR(trap_kind_name(TrapKind::OutOfMemory), "out of memory");
  CHECK_EQ_STR(trap_kind_name(TrapKind::Fault), "fault");
  CHECK_EQ_STR(trap_kind_name(TrapKind::Exit), "exit");
  CHECK_EQ_STR(module_source_name(ModuleSource::Compiled), "compiled");
  CHECK_EQ_STR(module_source_name(ModuleSource::Cached), "cached");
  CHECK_EQ_STR(engine_name(EngineKind::Pulley), "pulley");
  const std::string path = precompiled_module_path("/c/modules", std::string(64, 'a'), EngineKind::Cranelift);
  CHECK_EQ_STR(path, "/c/modules/" + std::string(64, 'a') + "-cranelift-" + host_version() + ".cwasm");
}

// A bundle for the Bundle tests: 2 pages of memory, an empty display list; frame(n) does what
// n says: 1 grows memory until refused then traps, 2 loops forever, 3 traps (unreachable),
// 4 divides by zero, 5 calls proc_exit(7); anything else returns the list.
const char kSandboxWat[] = R"((module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 2)
  (data (i32.const 1024) "\00\08\00\00\18\00\00\00\00\00\00\00\00\00\00\00")
  (data (i32.const 2048) "\54\4c\44\4c\01\00\00\00\40\00\00\00\30\00\00\00\00\00\00\00\18\00\00\00")
  (global $zero (mut i32) (i32.const 0))
  (func (export "touchline_abi_version") (result i32) (i32.const 0x00010004))
  (func (export "touchline_init") (param i32 i32) (result i32) (i32.const 0))
  (func (export "touchline_input_buffer") (param i32) (result i32) (i32.const 65536))
  (func (export "touchline_frame") (param i64) (param $n i32) (result i32)
    (if (i32.eq (local.get $n) (i32.const 1))
      (then (loop $grow (if (i32.eq (memory.grow (i32.const 16)) (i32.const -1)) (then unreachable)) (br $grow))))
    (if (i32.eq (local.get $n) (i32.const 2)) (then (loop $forever (br $forever))))
    (if (i32.eq (local.get $n) (i32.const 3)) (then unreachable))
    (if (i32.eq (local.get $n) (i32.const 4)) (then (drop (i32.div_u (i32.const 1) (global.get $zero)))))
    (if (i32.eq (local.get $n) (i32.const 5)) (then (call $exit (i32.const 7))))
    (i32.const 1024)))
)";

// Writes the wasm of `wat` to `path`.
bool write_wasm(const char *wat, const std::string &path) {
  wasm_byte_vec_t wasm;
  if (wasmtime_error_t *error = wasmtime_wat2wasm(wat, std::strlen(wat), &wasm)) {
    wasmtime_error_delete(error);
    return false;
  }
  std::FILE *f = std::fopen(path.c_str(), "wb");
  const bool ok = f != nullptr && std::fwrite(wasm.data, 1, wasm.size, f) == wasm.size;
  if (f != nullptr) std::fclose(f);
  wasm_byte_vec_delete(&wasm);
  return ok;
}

std::string temp_dir(const char *name) {
  const auto dir = std::filesystem::temp_directory_path() / (std::string("touchline-unit-") + name + "-" +
                                                             std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

void bundle_traps_restarts_and_limits() {
  const std::string dir = temp_dir("sandbox");
  const std::string path = dir + "/sandbox.wasm";
  CHECK(write_wasm(kSandboxWat, path));
  LoadOptions load;
  load.path = path;
  load.width = 64;
  load.height = 48;
  load.frame_budget_ms = 30;
  load.memory_limit_bytes = 4u << 20;
  auto loaded = Bundle::load(load);
  CHECK(loaded.ok());
  if (!loaded) {
    std::fprintf(stderr, "%s\n", loaded.error().message.c_str());
    return;
  }
  Bundle &bundle = *loaded.value();
  CHECK(bundle.abi_version() == (1u << 16 | 4u) && !bundle.trapped());
  const size_t start_bytes = bundle.memory_bytes();
  CHECK(start_bytes == 2 * 65536);
  // n events: what the frame does (the records' contents do not matter).
  const auto run = [&](size_t n, FrameError &error) {
    std::vector<abi::Event> events(n, abi::Event{static_cast<uint32_t>(abi::EventKind::KeyDown), 0, 0, 0});
    FrameView view;
    return bundle.frame(0, events, {}, view, error);
  };
  FrameError error;
  CHECK(run(0, error));
  const struct {
    size_t n;
    TrapKind kind;
    const char *words;
  } kCases[] = {
      {1, TrapKind::OutOfMemory, "unreachable"},
      {2, TrapKind::Watchdog, "interrupt (the call ran past the host's time limit)"},
      {3, TrapKind::Panic, "unreachable"},
      {4, TrapKind::Fault, "divide by zero"},
      {5, TrapKind::Exit, "proc_exit(7)"},
  };
  for (const auto &c : kCases) {
    const auto started = std::chrono::steady_clock::now();
    CHECK(!run(c.n, error));
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    CHECK(error.kind == FrameFailure::Trap && error.trap == c.kind && bundle.trapped() == c.kind);
    if (error.message.find(c.words) == std::string::npos || bundle.trapped() != c.kind) {
      std::fprintf(stderr, "frame(%zu): %s (%s), expected %s and \"%s\"\n", c.n, error.message.c_str(),
                   trap_kind_name(error.trap), trap_kind_name(c.kind), c.words);
      ++g_failures;
    }
    if (c.kind == TrapKind::OutOfMemory) CHECK(bundle.memory_bytes() <= load.memory_limit_bytes);
    if (c.kind == TrapKind::Watchdog) CHECK(ms < 1000);  // 30 ms budget, 10 ms ticks
    // Dead until restarted; then a fresh instance, fresh memory.
    CHECK(!run(0, error) && error.message == "the bundle already trapped");
    auto restarted = bundle.restart();
    CHECK(restarted.ok() && !bundle.trapped() && bundle.memory_bytes() == start_bytes);
    CHECK(run(0, error));
  }
  // A memory that starts over the limit cannot be instantiated.
  load.memory_limit_bytes = 65536;
  auto too_big = Bundle::load(load);
  CHECK(!too_big.ok());
  // The expected ABI is checked before anything else runs.
  load.memory_limit_bytes = 4u << 20;
  load.expected_abi = 1u << 16 | 3u;
  auto other = Bundle::load(load);
  CHECK(!other.ok());
  if (!other.ok()) CHECK_EQ_STR(other.error().message, "it exports ABI 1.4, the manifest says 1.3");
  std::filesystem::remove_all(dir);
}

void bundle_precompiled_modules() {
  const std::string dir = temp_dir("modules");
  const std::string path = dir + "/sandbox.wasm";
  CHECK(write_wasm(kSandboxWat, path));
  for (EngineKind engine : {EngineKind::Cranelift, EngineKind::Pulley}) {
    LoadOptions load;
    load.path = path;
    load.engine = engine;
    load.module_cache_dir = dir + "/modules";
    const auto source = [&]() {
      auto loaded = Bundle::load(load);
      CHECK(loaded.ok());
      if (!loaded) return std::string("(failed: ") + loaded.error().message + ")";
      FrameView view;
      FrameError error;
      CHECK(loaded.value()->frame(0, {}, {}, view, error));
      return std::string(module_source_name(loaded.value()->module_source()));
    };
    CHECK_EQ_STR(source(), "compiled");
    std::vector<uint8_t> bytes;
    {
      std::FILE *f = std::fopen(path.c_str(), "rb");
      int c;
      while (f != nullptr && (c = std::fgetc(f)) != EOF) bytes.push_back(static_cast<uint8_t>(c));
      if (f != nullptr) std::fclose(f);
    }
    const std::string cwasm = precompiled_module_path(load.module_cache_dir, to_hex(sha256(bytes.data(), bytes.size())), engine);
    CHECK(std::filesystem::exists(cwasm) && std::filesystem::exists(cwasm + ".xxh3"));
    CHECK_EQ_STR(source(), "cached");
    // A flipped byte fails the checksum: deleted, compiled, kept again.
    {
      std::FILE *f = std::fopen(cwasm.c_str(), "r+b");
      CHECK(f != nullptr);
      if (f != nullptr) {
        std::fseek(f, 100, SEEK_SET);
        const int c = std::fgetc(f);
        std::fseek(f, 100, SEEK_SET);
        std::fputc(c ^ 0xff, f);
        std::fclose(f);
      }
    }
    CHECK_EQ_STR(source(), "compiled");
    CHECK_EQ_STR(source(), "cached");
    // Bytes wasmtime refuses, with a checksum that matches them: deleted, compiled.
    const std::string junk = "not a compiled module";
    CHECK(write_file_atomic(cwasm, junk).ok());
    CHECK(write_file_atomic(cwasm + ".xxh3", module_checksum(junk.data(), junk.size()) + "\n").ok());
    CHECK_EQ_STR(source(), "compiled");
    CHECK_EQ_STR(source(), "cached");
    // Without the checksum file: compiled.
    std::filesystem::remove(cwasm + ".xxh3");
    CHECK_EQ_STR(source(), "compiled");
  }
  // The other engine's module is not this one's: each has its own file.
  std::filesystem::remove_all(dir);
}

// touchline_init grows memory to 3 pages and stores the width at 70000; a frame draws only when
// both hold (else it returns 0, a malformed frame), and frame(3) traps. So a frame that draws
// proves the instance has init's memory, whether init ran or the snapshot was copied in.
const char kSnapshotWat[] = R"((module
  (memory (export "memory") 1)
  (data (i32.const 1024) "\00\08\00\00\18\00\00\00\00\00\00\00\00\00\00\00")
  (data (i32.const 2048) "\54\4c\44\4c\01\00\00\00\40\00\00\00\30\00\00\00\00\00\00\00\18\00\00\00")
  (func (export "touchline_abi_version") (result i32) (i32.const 0x00010004))
  (func (export "touchline_init") (param $w i32) (param i32) (result i32)
    (drop (memory.grow (i32.const 2)))
    (i32.store (i32.const 70000) (local.get $w))
    (i32.const 0))
  (func (export "touchline_input_buffer") (param i32) (result i32) (i32.const 60000))
  (func (export "touchline_frame") (param i64) (param $n i32) (result i32)
    (if (i32.eq (local.get $n) (i32.const 3)) (then unreachable))
    (if (result i32) (i32.and (i32.eq (memory.size) (i32.const 3)) (i32.eq (i32.load (i32.const 70000)) (i32.const 64)))
      (then (i32.const 1024)) (else (i32.const 0)))))
)";

void bundle_startup_snapshots() {
  const std::string dir = temp_dir("snapshots");
  const std::string path = dir + "/snapshot.wasm";
  CHECK(write_wasm(kSnapshotWat, path));
  LoadOptions load;
  load.path = path;
  load.width = 64;
  load.height = 48;
  load.module_cache_dir = dir + "/modules";
  const auto draws = [](Bundle &bundle) {
    FrameView view;
    FrameError error;
    return bundle.frame(0, {}, {}, view, error);
  };
  const auto traps_and_restarts = [](Bundle &bundle) {
    FrameView view;
    FrameError error;
    std::vector<abi::Event> three(3);
    CHECK(!bundle.frame(0, three, {}, view, error));
    CHECK(error.kind == FrameFailure::Trap);
    CHECK(bundle.restart().ok());
  };
  // Cold: init runs, and the memory it left is kept beside the module.
  std::string snapshot;
  {
    auto cold = Bundle::load(load);
    CHECK(cold.ok());
    if (!cold) return;
    CHECK(!cold.value()->started_from_snapshot() && !cold.value()->timings().init_from_snapshot);
    CHECK(draws(*cold.value()));
    for (const auto &entry : std::filesystem::directory_iterator(load.module_cache_dir)) {
      if (entry.path().extension() == ".snapshot") snapshot = entry.path().string();
    }
    CHECK(snapshot.size() > 16 && snapshot.substr(snapshot.size() - 15) == "-64x48.snapshot");
    CHECK(std::filesystem::file_size(snapshot) == 3 * 65536);
    CHECK(std::filesystem::exists(snapshot + ".xxh3"));
    // A restart copies the snapshot in: the frame still sees init's memory.
    traps_and_restarts(*cold.value());
    CHECK(cold.value()->started_from_snapshot());
    CHECK(draws(*cold.value()));
  }
  // Warm: the snapshot, no init.
  {
    auto warm = Bundle::load(load);
    CHECK(warm.ok() && warm.value()->timings().init_from_snapshot && draws(*warm.value()));
  }
  // A flipped byte fails the checksum: deleted, init runs, kept again.
  {
    std::FILE *f = std::fopen(snapshot.c_str(), "r+b");
    CHECK(f != nullptr);
    if (f != nullptr) {
      std::fseek(f, 70000, SEEK_SET);
      std::fputc(0x41, f);
      std::fclose(f);
    }
    auto damaged = Bundle::load(load);
    CHECK(damaged.ok() && !damaged.value()->timings().init_from_snapshot && draws(*damaged.value()));
    CHECK(std::filesystem::exists(snapshot) && std::filesystem::exists(snapshot + ".xxh3"));
  }
  // Not whole pages (with a checksum that matches): deleted, init runs.
  {
    const std::string odd(1000, 'x');
    CHECK(write_file_atomic(snapshot, odd).ok());
    CHECK(write_file_atomic(snapshot + ".xxh3", module_checksum(odd.data(), odd.size()) + "\n").ok());
    auto odd_sized = Bundle::load(load);
    CHECK(odd_sized.ok() && !odd_sized.value()->timings().init_from_snapshot && draws(*odd_sized.value()));
  }
  // Another viewport has its own snapshot; without snapshots, every instance initialises.
  {
    load.width = 100;
    auto other = Bundle::load(load);
    CHECK(other.ok() && !other.value()->timings().init_from_snapshot);
    load.width = 64;
    load.startup_snapshots = false;
    auto plain = Bundle::load(load);
    CHECK(plain.ok() && !plain.value()->timings().init_from_snapshot && draws(*plain.value()));
    if (plain) {
      traps_and_restarts(*plain.value());
      CHECK(!plain.value()->started_from_snapshot() && draws(*plain.value()));
    }
  }
  std::filesystem::remove_all(dir);
}

// ---- video (ABI 1.6) ----

// An OpenVideo record: player, url_len as given, then `url`, padded to 4.
std::vector<uint8_t> open_video_record(uint32_t player, uint32_t url_len, const std::string &url) {
  const uint32_t total = static_cast<uint32_t>((16 + url.size() + 3) / 4 * 4);
  std::vector<uint8_t> out(total, 0);
  const uint16_t kind = static_cast<uint16_t>(abi::RequestKind::OpenVideo);
  std::memcpy(out.data(), &kind, 2);
  std::memcpy(out.data() + 4, &total, 4);
  std::memcpy(out.data() + 8, &player, 4);
  std::memcpy(out.data() + 12, &url_len, 4);
  if (!url.empty()) std::memcpy(out.data() + 16, url.data(), url.size());
  return out;
}

// A ControlVideo record holding `words` (player, op, value; fewer for short records).
std::vector<uint8_t> control_video_record(const std::vector<uint32_t> &words) {
  const uint32_t total = static_cast<uint32_t>(8 + 4 * words.size());
  std::vector<uint8_t> out(total, 0);
  const uint16_t kind = static_cast<uint16_t>(abi::RequestKind::ControlVideo);
  std::memcpy(out.data(), &kind, 2);
  std::memcpy(out.data() + 4, &total, 4);
  if (!words.empty()) std::memcpy(out.data() + 8, words.data(), 4 * words.size());
  return out;
}

void requests_video_round_trip() {
  const auto op = [](abi::VideoOp o) { return static_cast<uint32_t>(o); };
  const std::string url = "matches/x/video.webm";
  const std::string longest(abi::MAX_URL_BYTES, 'v');
  auto bytes = concat(open_video_record(4, static_cast<uint32_t>(url.size()), url),
                      control_video_record({4, op(abi::VideoOp::Seek), 993500}));
  bytes = concat(bytes, control_video_record({4, op(abi::VideoOp::SetRate), 1}));
  bytes = concat(bytes, control_video_record({4, op(abi::VideoOp::SetRate), abi::MAX_VIDEO_RATE_MILLI}));
  bytes = concat(bytes, control_video_record({5, op(abi::VideoOp::Close), 0}));
  bytes = concat(bytes, open_video_record(6, abi::MAX_URL_BYTES, longest));
  std::vector<Request> out;
  CHECK(read_requests(bytes.data(), bytes.size(), out).ok());
  CHECK(out.size() == 6);
  if (out.size() != 6) return;
  const auto *open = std::get_if<OpenVideo>(&out[0]);
  CHECK(open && open->player == 4 && open->url == url);
  const auto *seek = std::get_if<ControlVideo>(&out[1]);
  CHECK(seek && seek->player == 4 && seek->op == abi::VideoOp::Seek && seek->value == 993500);
  const auto *slowest = std::get_if<ControlVideo>(&out[2]);
  CHECK(slowest && slowest->op == abi::VideoOp::SetRate && slowest->value == 1);
  const auto *fastest = std::get_if<ControlVideo>(&out[3]);
  CHECK(fastest && fastest->value == 16000);
  const auto *close = std::get_if<ControlVideo>(&out[4]);
  CHECK(close && close->player == 5 && close->op == abi::VideoOp::Close);
  const auto *longest_open = std::get_if<OpenVideo>(&out[5]);
  CHECK(longest_open && longest_open->url == longest);
}

void requests_reject_malformed_video() {
  const auto bad = [](const std::vector<uint8_t> &record, const std::string &reason) {
    CHECK_EQ_STR(requests_error(record), "request 0 at byte 0 is malformed: " + reason);
  };
  const auto op = [](abi::VideoOp o) { return static_cast<uint32_t>(o); };
  // OpenVideo, in the order decode_request checks.
  bad(control_video_record({}), "payload too short");
  auto short_open = open_video_record(1, 0, "");
  short_open.resize(12);
  const uint32_t twelve = 12;
  std::memcpy(short_open.data() + 4, &twelve, 4);
  bad(short_open, "payload too short");
  bad(open_video_record(1, abi::MAX_URL_BYTES + 1, ""), "URL longer than 2048 bytes");
  bad(open_video_record(1, 0xffffffffu, "a.webm"), "URL longer than 2048 bytes");
  bad(open_video_record(1, 64, "a.webm"), "URL runs past the record");
  bad(open_video_record(1, 9, "a.webm"), "URL runs past the record");  // 8 bytes of room
  bad(open_video_record(1, 3, "\xff" "ab"), "URL is not UTF-8");
  bad(open_video_record(1, 2, "a\xc3"), "URL is not UTF-8");
  // ControlVideo: the op is judged before the value is missed.
  bad(control_video_record({1}), "payload too short");
  bad(control_video_record({1, 9}), "unknown video op");
  bad(control_video_record({1, 5, 0}), "unknown video op");
  bad(control_video_record({1, 0xffffffffu, 0}), "unknown video op");
  bad(control_video_record({1, op(abi::VideoOp::Play)}), "payload too short");
  bad(control_video_record({1, op(abi::VideoOp::SetRate), 0}), "video rate not within 1..=16000 thousandths");
  bad(control_video_record({1, op(abi::VideoOp::SetRate), 16001}), "video rate not within 1..=16000 thousandths");
  // A rate of 0 is only malformed for SetRate; padding after the fields is fine.
  CHECK_EQ_STR(requests_error(control_video_record({1, op(abi::VideoOp::Play), 0, 0})), "(no error)");
  // The records before a bad one stand.
  const auto two = concat(control_video_record({1, op(abi::VideoOp::Pause), 0}), control_video_record({1, 7, 0}));
  std::vector<Request> out;
  CHECK_EQ_STR(requests_error(two), "request 1 at byte 20 is malformed: unknown video op");
  CHECK(!read_requests(two.data(), two.size(), out).ok() && out.size() == 1);
}

// A VideoFrame of `w` x `h` pixels: the left half `left`, the right half `right` (0xRRGGBB).
VideoFrame two_tone_frame(int w, int h, uint32_t left, uint32_t right, double pixel_aspect = 1) {
  VideoFrame frame;
  frame.serial = 1;
  frame.pixel_aspect = pixel_aspect;
  frame.surface.reset(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h));
  cairo_surface_flush(frame.surface.get());
  for (int y = 0; y < h; ++y) {
    auto *row = reinterpret_cast<uint32_t *>(cairo_image_surface_get_data(frame.surface.get()) +
                                             y * cairo_image_surface_get_stride(frame.surface.get()));
    for (int x = 0; x < w; ++x) row[x] = 0xff000000u | (x < w / 2 ? left : right);
  }
  cairo_surface_mark_dirty(frame.surface.get());
  return frame;
}

void render_video_frame_contained() {
  const auto white = rect(0, 0, 64, 48, 0xffffffff);
  const auto draw = [&](const std::vector<uint8_t> &list, const VideoFrame *frame) {
    Renderer r = std::move(Renderer::create(64, 48).value());
    auto commands = decode(list);
    CHECK(commands.ok());
    std::vector<std::string> warnings;
    if (commands) r.render(commands.value(), warnings, frame);
    CHECK(warnings.empty());
    return r;
  };
  // 4x2 (2:1) in a 64x48 surface: 64x32, centred, black bars above and below.
  const VideoFrame wide = two_tone_frame(4, 2, 0xff0000, 0x0000ff);
  const auto full = ListBuilder().cmd(abi::Opcode::Rect, white).cmd(abi::Opcode::VideoSurface, abi::RectF{0, 0, 64, 48})
                        .cmd(abi::Opcode::Rect, rect(30, 22, 4, 4, 0x00ff00ff))  // drawn after: on top
                        .finish();
  auto r = draw(full, &wide);
  CHECK_PIXEL(r, 8, 24, 0xff0000);
  CHECK_PIXEL(r, 56, 24, 0x0000ff);
  CHECK_PIXEL(r, 32, 2, 0x000000);   // the bar above
  CHECK_PIXEL(r, 32, 45, 0x000000);  // the bar below
  CHECK_PIXEL(r, 8, 9, 0xff0000);    // the picture's first row
  CHECK_PIXEL(r, 8, 7, 0x000000);
  CHECK_PIXEL(r, 31, 23, 0x00ff00);
  // Without a frame the surface is black, as before 1.6.
  auto none = draw(full, nullptr);
  CHECK_PIXEL(none, 8, 24, 0x000000);
  // 2x2 pixels twice as wide as tall: the same 2:1 picture.
  const VideoFrame anamorphic = two_tone_frame(2, 2, 0xff0000, 0x0000ff, 2.0);
  auto a = draw(full, &anamorphic);
  CHECK_PIXEL(a, 8, 24, 0xff0000);
  CHECK_PIXEL(a, 56, 24, 0x0000ff);
  CHECK_PIXEL(a, 32, 2, 0x000000);
  // A tall picture in a wide surface: bars left and right; through a transform, a clip and
  // half opacity over white.
  const VideoFrame tall = two_tone_frame(2, 4, 0xff0000, 0x0000ff);
  auto t = draw(ListBuilder()
                    .cmd(abi::Opcode::Rect, white)
                    .cmd(abi::Opcode::PushTransform, abi::TransformCmd{{1, 0, 0, 1, 8, 4}})
                    .cmd(abi::Opcode::PushClip, abi::ClipCmd{{0, 0, 48, 20}, 0})
                    .cmd(abi::Opcode::PushOpacity, abi::OpacityCmd{0.5f})
                    .cmd(abi::Opcode::VideoSurface, abi::RectF{0, 0, 48, 40})  // picture 20x40 at x 14..34
                    .pop(abi::Opcode::PopOpacity)
                    .pop(abi::Opcode::PopClip)
                    .pop(abi::Opcode::PopTransform)
                    .finish(),
                &tall);
  CHECK(near(pixel(t, 8 + 16, 4 + 10), 0xff8080, 2));  // red at half opacity over white
  CHECK(near(pixel(t, 8 + 30, 4 + 10), 0x8080ff, 2));
  CHECK(near(pixel(t, 8 + 5, 4 + 10), 0x808080, 2));   // the bar: black at half opacity
  CHECK_PIXEL(t, 8 + 16, 4 + 30, 0xffffff);             // clipped away
  // A hidden surface shows nothing.
  auto hidden = draw(ListBuilder()
                         .cmd(abi::Opcode::Rect, white)
                         .cmd(abi::Opcode::PushOpacity, abi::OpacityCmd{0})
                         .cmd(abi::Opcode::VideoSurface, abi::RectF{0, 0, 64, 48})
                         .pop(abi::Opcode::PopOpacity)
                         .finish(),
                     &wide);
  CHECK_PIXEL(hidden, 8, 24, 0xffffff);
}

// A fresh directory for one video test (they may run at once).
std::filesystem::path video_test_dir(const std::string &name) {
  const auto dir = std::filesystem::current_path() / ("video-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The picture's centre pixel as 0xRRGGBB.
uint32_t centre_of(const VideoFrame &frame) {
  cairo_surface_t *s = frame.surface.get();
  uint32_t argb;
  std::memcpy(&argb,
              cairo_image_surface_get_data(s) + cairo_image_surface_get_height(s) / 2 * cairo_image_surface_get_stride(s) +
                  cairo_image_surface_get_width(s) / 2 * 4,
              4);
  return argb & 0xffffff;
}

// The picture at `position_ms` has (about) the colour of that second of the test video, and is
// the frame of that time (10 frames a second).
bool shows_second(VideoPlayer &player, int64_t position_ms) {
  const VideoFrame *frame = player.frame_at(position_ms);
  const uint32_t want = touchline::test::kTestVideoColors[std::min<int64_t>(position_ms / 1000, 3)];
  const bool ok = frame != nullptr && near(centre_of(*frame), want, 24) && frame->pts_ms <= position_ms &&
                  position_ms - frame->pts_ms < 100;
  if (!ok) {
    std::fprintf(stderr, "at %lld ms: %s %06x (pts %lld), expected %06x\n", static_cast<long long>(position_ms),
                 frame ? "frame" : "no frame", frame ? centre_of(*frame) : 0,
                 static_cast<long long>(frame ? frame->pts_ms : -1), want);
  }
  return ok;
}

void video_urls_resolve() {
  const auto dir = video_test_dir("urls");
  std::ofstream((dir / "v.webm").string()) << "x";
  std::filesystem::create_directories(dir / "sub");
  const auto error = [&](const std::string &url) {
    auto r = resolve_video_url(dir.string(), url);
    return r ? std::string("(resolved)") : std::string(video_error_name(r.error().error));
  };
  auto file = resolve_video_url(dir.string(), "v.webm");
  CHECK(file.ok() && file.value().rfind("file:///", 0) == 0 && file.value().find("/v.webm") != std::string::npos);
  auto absolute = resolve_video_url("elsewhere", "file://" + (dir / "v.webm").string());
  CHECK(absolute.ok() && absolute.value() == file.value());
  auto http = resolve_video_url(dir.string(), "HTTP://example.com/m.webm?x=1");
  CHECK(http.ok() && http.value() == "HTTP://example.com/m.webm?x=1");
  for (const char *bad : {"", "/etc/passwd", "../v.webm", "sub/../../v.webm", "ftp://example.com/v.webm",
                          "data:video/webm,x", "file://host/v.webm", "http://", "https:///v.webm", "http://a b/v"}) {
    CHECK_EQ_STR(error(bad), "bad URL");
  }
  CHECK_EQ_STR(error("missing.webm"), "not found");
  CHECK_EQ_STR(error("sub"), "not found");  // a directory
  CHECK_EQ_STR(error("file://" + (dir / "missing.webm").string()), "not found");
  std::filesystem::remove_all(dir);
}

void video_player_decodes_and_seeks() {
  const auto dir = video_test_dir("player");
  const auto written = touchline::test::write_test_video((dir / "colors.webm").string());
  CHECK(written.ok());
  if (!written) {
    std::fprintf(stderr, "%s\n", written.error().message.c_str());
    return;
  }
  auto uri = resolve_video_url(dir.string(), "colors.webm");
  CHECK(uri.ok());
  auto opened = VideoPlayer::open(uri.value());
  CHECK(opened.ok());
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().message.c_str());
    return;
  }
  VideoPlayer player = std::move(opened.value());
  CHECK(std::abs(player.duration_ms() - 4000) <= 100);
  // The first frame, then forward by frame steps (decoding on), into the next second.
  CHECK(shows_second(player, 0));
  for (int64_t at = 16; at <= 1200; at += 16) CHECK(shows_second(player, at));
  const uint64_t stepped = player.frames_decoded();
  CHECK(stepped >= 12 && stepped <= 16);  // frames 0..1200 ms and one ahead: no seek redecoded any
  // The same position again decodes nothing.
  const VideoFrame *same = player.frame_at(1200);
  const uint64_t serial = same != nullptr ? same->serial : 0;
  CHECK(player.frame_at(1200) == same && same != nullptr && same->serial == serial);
  CHECK(player.frames_decoded() == stepped);
  // Far ahead (a seek), back (a seek), and the last frame.
  CHECK(shows_second(player, 2500));
  CHECK(shows_second(player, 500));
  CHECK(shows_second(player, 3999));
  CHECK(shows_second(player, 4000));  // at the end: the last frame stays
  CHECK(shows_second(player, 1999));
  // A new picture, a new serial.
  const VideoFrame *later = player.frame_at(2100);
  CHECK(later != nullptr && later->serial > serial);
  CHECK(!player.take_failure().has_value());
  // Moved: the player goes on in its new place.
  VideoPlayer moved = std::move(player);
  CHECK(shows_second(moved, 3100));
  std::filesystem::remove_all(dir);
}

void video_player_refuses_what_it_cannot_play() {
  const auto dir = video_test_dir("refused");
  std::ofstream((dir / "not-a-video.webm").string()) << "This is text, not a video.\n";
  std::ofstream((dir / "empty.webm").string()).flush();
  const auto fails_with = [&](const std::string &uri, abi::VideoError want) {
    auto opened = VideoPlayer::open(uri);
    const bool ok = !opened.ok() && opened.error().error == want && !opened.error().message.empty();
    if (!ok) {
      std::fprintf(stderr, "%s: %s (%s), expected %s\n", uri.c_str(),
                   opened ? "opened" : video_error_name(opened.error().error),
                   opened ? "" : opened.error().message.c_str(), video_error_name(want));
    }
    return ok;
  };
  const auto file_uri = [&](const std::string &name) { return "file://" + (dir / name).string(); };
  CHECK(fails_with(file_uri("missing.webm"), abi::VideoError::NotFound));
  CHECK(fails_with(file_uri("not-a-video.webm"), abi::VideoError::Decode));
  CHECK(fails_with(file_uri("empty.webm"), abi::VideoError::Decode));
  {
    TestServer server(4);
    CHECK(fails_with(server.url("/no-such-video.webm"), abi::VideoError::NotFound));
  }
  CHECK(fails_with(refused_url(), abi::VideoError::Network));
  std::filesystem::remove_all(dir);
}

// Events as (kind, a, b, c) tuples, to compare in one go.
std::vector<std::array<int64_t, 4>> tuples(std::vector<abi::Event> &events) {
  std::vector<std::array<int64_t, 4>> out;
  for (const auto &e : events) out.push_back({e.kind, e.a, e.b, e.c});
  events.clear();
  return out;
}

void video_session_events_and_clock() {
  const auto dir = video_test_dir("session");
  CHECK(touchline::test::write_test_video((dir / "colors.webm").string()).ok());
  using S = abi::VideoState;
  constexpr int64_t kState = static_cast<int64_t>(abi::EventKind::VideoState);
  constexpr int64_t kPosition = static_cast<int64_t>(abi::EventKind::VideoPosition);
  constexpr int64_t kFailed = static_cast<int64_t>(abi::EventKind::VideoFailed);
  const auto st = [](S s) { return static_cast<int64_t>(s); };
  const auto op = [](uint32_t player, abi::VideoOp o, uint32_t value = 0) { return ControlVideo{player, o, value}; };
  using Events = std::vector<std::array<int64_t, 4>>;
  const auto position = [](VideoSession &s) {
    auto e = s.position_event();
    return e ? std::array<int64_t, 4>{e->kind, e->a, e->b, e->c} : std::array<int64_t, 4>{0, 0, 0, 0};
  };

  VideoSession session(dir.string());
  std::vector<abi::Event> events;
  int64_t t = 0;
  const auto frame = [&](int64_t step_us) {
    t += step_us;
    CHECK(!session.start_frame(t, events).has_value());
  };
  frame(0);
  CHECK(!session.is_open() && !session.position_event() && session.picture() == nullptr);
  CHECK(!session.open(OpenVideo{7, "colors.webm"}, events).has_value());
  const Events opened = tuples(events);
  CHECK(opened.size() == 1);
  const int64_t duration = opened.empty() ? 0 : opened[0][3];
  CHECK(std::abs(duration - 4000) <= 100);
  CHECK((opened == Events{{kState, 7, st(S::Ready), duration}}));
  CHECK((position(session) == std::array<int64_t, 4>{kPosition, 7, 0, 0}));
  // Another player's controls are ignored; Play answers Playing.
  session.control(op(8, abi::VideoOp::Play), events);
  session.control(op(8, abi::VideoOp::Close), events);
  CHECK(tuples(events).empty() && session.is_open());
  session.control(op(7, abi::VideoOp::Play), events);
  CHECK((tuples(events) == Events{{kState, 7, st(S::Playing), duration}}));
  session.control(op(7, abi::VideoOp::Play), events);  // no change, no event
  CHECK(tuples(events).empty());
  CHECK((position(session) == std::array<int64_t, 4>{kPosition, 7, 0, 1000}));
  // The clock: the time since the frame before, times the rate.
  frame(16667);
  CHECK((position(session) == std::array<int64_t, 4>{kPosition, 7, 16, 1000}));
  session.control(op(7, abi::VideoOp::SetRate, 2000), events);
  frame(100000);
  CHECK((position(session) == std::array<int64_t, 4>{kPosition, 7, 216, 2000}));
  CHECK(tuples(events).empty());
  const VideoFrame *red = session.picture();
  CHECK(red != nullptr && near(centre_of(*red), 0xff0000, 24));
  session.control(op(7, abi::VideoOp::Pause), events);
  CHECK((tuples(events) == Events{{kState, 7, st(S::Paused), duration}}));
  frame(500000);
  CHECK((position(session) == std::array<int64_t, 4>{kPosition, 7, 216, 0}));
  session.control(op(7, abi::VideoOp::Pause), events);
  CHECK(tuples(events).empty());
  // A seek is no state change; playing on from it reaches the end: Ended, at the duration.
  session.control(op(7, abi::VideoOp::Seek, static_cast<uint32_t>(duration - 100)), events);
  CHECK(tuples(events).empty());
  CHECK((position(session) == std::array<int64_t, 4>{kPosition, 7, duration - 100, 0}));
  const VideoFrame *white = session.picture();
  CHECK(white != nullptr && near(centre_of(*white), 0xffffff, 24));
  session.control(op(7, abi::VideoOp::Play), events);
  CHECK(tuples(events).size() == 1);
  frame(40000);  // 80 ms at 2x
  CHECK(tuples(events).empty());
  frame(40000);
  CHECK((tuples(events) == Events{{kState, 7, st(S::Ended), duration}}));
  CHECK((position(session) == std::array<int64_t, 4>{kPosition, 7, duration, 0}));
  // Play after the end starts again from 0.
  session.control(op(7, abi::VideoOp::Play), events);
  CHECK((tuples(events) == Events{{kState, 7, st(S::Playing), duration}}));
  CHECK((position(session) == std::array<int64_t, 4>{kPosition, 7, 0, 2000}));
  // Seeking to (or past) the end ends it; back from there it is paused.
  session.control(op(7, abi::VideoOp::Seek, 99999999), events);
  CHECK((tuples(events) == Events{{kState, 7, st(S::Ended), duration}}));
  CHECK((position(session) == std::array<int64_t, 4>{kPosition, 7, duration, 0}));
  session.control(op(7, abi::VideoOp::Seek, 2500), events);
  CHECK((tuples(events) == Events{{kState, 7, st(S::Paused), duration}}));
  const VideoFrame *blue = session.picture();
  CHECK(blue != nullptr && near(centre_of(*blue), 0x0000ff, 24));
  // Another OpenVideo closes this one first.
  CHECK(!session.open(OpenVideo{9, "colors.webm"}, events).has_value());
  CHECK((tuples(events) == Events{{kState, 7, st(S::Closed), duration}, {kState, 9, st(S::Ready), duration}}));
  CHECK((position(session) == std::array<int64_t, 4>{kPosition, 9, 0, 0}));
  session.control(op(7, abi::VideoOp::Play), events);  // the old id: ignored
  CHECK(tuples(events).empty());
  // One that fails: the open one is closed all the same.
  auto failure = session.open(OpenVideo{10, "missing.webm"}, events);
  CHECK(failure.has_value() && failure->error == abi::VideoError::NotFound);
  CHECK((tuples(events) ==
         Events{{kState, 9, st(S::Closed), duration}, {kFailed, 10, static_cast<int64_t>(abi::VideoError::NotFound), 0}}));
  CHECK(!session.is_open() && !session.position_event() && session.picture() == nullptr);
  CHECK(session.open(OpenVideo{11, "../colors.webm"}, events).has_value());
  CHECK((tuples(events) == Events{{kFailed, 11, static_cast<int64_t>(abi::VideoError::BadUrl), 0}}));
  // Close answers Closed; forget() closes without a word.
  CHECK(!session.open(OpenVideo{12, "colors.webm"}, events).has_value());
  tuples(events);
  session.control(op(12, abi::VideoOp::Close), events);
  CHECK((tuples(events) == Events{{kState, 12, st(S::Closed), duration}}));
  CHECK(!session.open(OpenVideo{13, "colors.webm"}, events).has_value());
  tuples(events);
  session.forget();
  CHECK(!session.is_open());
  frame(16667);
  CHECK(tuples(events).empty());
  CHECK(session.opened() == 4 && session.failed() == 2 && session.frames_decoded() >= 3);
  std::filesystem::remove_all(dir);
}

const std::map<std::string, std::function<void()>> &tests() {
  static const std::map<std::string, std::function<void()>> kTests = {
      {"reader_decodes_every_command", reader_decodes_every_command},
      {"reader_rejects_bad_headers", reader_rejects_bad_headers},
      {"reader_rejects_bad_commands", reader_rejects_bad_commands},
      {"render_clears_to_opaque_black", render_clears_to_opaque_black},
      {"render_rect_fill_and_radius", render_rect_fill_and_radius},
      {"render_border_lies_inside", render_border_lies_inside},
      {"render_glyphs_through_the_atlas", render_glyphs_through_the_atlas},
      {"render_opacity_is_group_opacity", render_opacity_is_group_opacity},
      {"render_clip_and_transform", render_clip_and_transform},
      {"render_survives_nonsense", render_survives_nonsense},
      {"reader_decodes_gradients_and_shadows", reader_decodes_gradients_and_shadows},
      {"render_gradient", render_gradient},
      {"render_shadow", render_shadow},
      {"render_image_fits", render_image_fits},
      {"render_image_transforms_and_snapping", render_image_transforms_and_snapping},
      {"requests_round_trip", requests_round_trip},
      {"requests_reject_malformed_records", requests_reject_malformed_records},
      {"requests_announce_round_trip", requests_announce_round_trip},
      {"requests_reject_malformed_announcements", requests_reject_malformed_announcements},
      {"image_urls_resolve", image_urls_resolve},
      {"images_decode_and_fit_the_budget", images_decode_and_fit_the_budget},
      {"render_video_surface", render_video_surface},
      {"requests_fetch_round_trip", requests_fetch_round_trip},
      {"requests_reject_malformed_fetches", requests_reject_malformed_fetches},
      {"fetch_urls_resolve", fetch_urls_resolve},
      {"fetch_files_answer_like_a_server", fetch_files_answer_like_a_server},
      {"fetch_http_over_loopback", fetch_http_over_loopback},
      {"fetch_http_failures", fetch_http_failures},
      {"fetch_http_cancel_and_bound", fetch_http_cancel_and_bound},
      {"requests_state_and_messages_round_trip", requests_state_and_messages_round_trip},
      {"requests_reject_malformed_state_and_messages", requests_reject_malformed_state_and_messages},
      {"input_payloads_of_three_kinds", input_payloads_of_three_kinds},
      {"bus_messages_and_queues", bus_messages_and_queues},
      {"injected_fault_specs", injected_fault_specs},
      {"trap_kind_names", trap_kind_names},
      {"bundle_traps_restarts_and_limits", bundle_traps_restarts_and_limits},
      {"bundle_precompiled_modules", bundle_precompiled_modules},
      {"bundle_startup_snapshots", bundle_startup_snapshots},
      {"requests_video_round_trip", requests_video_round_trip},
      {"requests_reject_malformed_video", requests_reject_malformed_video},
      {"render_video_frame_contained", render_video_frame_contained},
      {"video_urls_resolve", video_urls_resolve},
      {"video_player_decodes_and_seeks", video_player_decodes_and_seeks},
      {"video_player_refuses_what_it_cannot_play", video_player_refuses_what_it_cannot_play},
      {"video_session_events_and_clock", video_session_events_and_clock},
  };
  return kTests;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc > 1 && std::string(argv[1]) == "--list") {
    for (const auto &[name, fn] : tests()) std::printf("%s\n", name.c_str());
    return 0;
  }
  int ran = 0;
  for (const auto &[name, fn] : tests()) {
    if (argc > 1 && name != argv[1]) continue;
    fn();
    ++ran;
  }
  if (ran == 0) {
    std::fprintf(stderr, "no test named %s\n", argc > 1 ? argv[1] : "");
    return 1;
  }
  if (g_failures > 0) {
    std::fprintf(stderr, "%d check(s) failed\n", g_failures);
    return 1;
  }
  std::printf("ok (%d test%s)\n", ran, ran == 1 ? "" : "s");
  return 0;
}
