// Unit tests of the display list reader and the renderer, one CTest test per function:
// `touchline-unit-tests NAME` runs one, `touchline-unit-tests` runs all.
// Lists are built from the generated ABI structs, never from hand-copied layouts.

#include <cairo.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "display_list.h"
#include "renderer.h"

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
