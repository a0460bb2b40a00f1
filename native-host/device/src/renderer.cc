#include "renderer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

namespace touchline::host {
namespace {

bool finite(float v) { return std::isfinite(v); }
bool finite(const abi::RectF &r) { return finite(r.x) && finite(r.y) && finite(r.w) && finite(r.h); }

void set_color(cairo_t *cr, abi::Rgba color) {
  cairo_set_source_rgba(cr, ((color >> 24) & 0xff) / 255.0, ((color >> 16) & 0xff) / 255.0,
                        ((color >> 8) & 0xff) / 255.0, (color & 0xff) / 255.0);
}

bool transparent(abi::Rgba color) { return (color & 0xff) == 0; }

// A rectangle with corners of radius `r` (already clamped to half the shorter side).
void rounded_rect_path(cairo_t *cr, double x, double y, double w, double h, double r) {
  cairo_new_path(cr);
  if (r <= 0) {
    cairo_rectangle(cr, x, y, w, h);
    return;
  }
  const double right = x + w;
  const double bottom = y + h;
  cairo_new_sub_path(cr);
  cairo_arc(cr, right - r, y + r, r, -M_PI / 2, 0);
  cairo_arc(cr, right - r, bottom - r, r, 0, M_PI / 2);
  cairo_arc(cr, x + r, bottom - r, r, M_PI / 2, M_PI);
  cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
  cairo_close_path(cr);
}

double clamp_radius(float radius, double w, double h) {
  if (!(radius > 0)) return 0;  // also NaN
  return std::min<double>(radius, std::min(w, h) / 2);
}

void draw_rect(cairo_t *cr, const abi::RectCmd &cmd) {
  const abi::RectF &r = cmd.rect;
  if (!finite(r) || !finite(cmd.border_width) || !(r.w > 0) || !(r.h > 0)) return;
  const double radius = clamp_radius(cmd.corner_radius, r.w, r.h);
  if (!transparent(cmd.fill)) {
    rounded_rect_path(cr, r.x, r.y, r.w, r.h, radius);
    set_color(cr, cmd.fill);
    cairo_fill(cr);
  }
  const double bw = cmd.border_width;
  if (bw > 0 && !transparent(cmd.border_color)) {
    set_color(cr, cmd.border_color);
    if (bw >= r.w || bw >= r.h) {
      // The border is as thick as the rect: it covers all of it.
      rounded_rect_path(cr, r.x, r.y, r.w, r.h, radius);
      cairo_fill(cr);
      return;
    }
    const double inset = bw / 2;
    rounded_rect_path(cr, r.x + inset, r.y + inset, r.w - bw, r.h - bw,
                      std::max(radius - inset, 0.0));
    cairo_set_line_width(cr, bw);
    cairo_stroke(cr);
  }
}

// A pure translation (within float noise): its offsets in `tx`, `ty`.
bool translation_only(const cairo_matrix_t &m, double &tx, double &ty) {
  constexpr double kEps = 1e-6;
  if (std::abs(m.xx - 1) >= kEps || std::abs(m.yy - 1) >= kEps || std::abs(m.xy) >= kEps ||
      std::abs(m.yx) >= kEps) {
    return false;
  }
  tx = m.x0;
  ty = m.y0;
  return true;
}

// Gradient end points closer than this are degenerate: the shape is filled with the last
// stop's colour (as in the desktop host).
constexpr float kDegenerateGradientLength = 1.0f / 1024.0f;

void draw_gradient(cairo_t *cr, const LinearGradient &gradient) {
  const abi::LinearGradientCmd &cmd = gradient.cmd;
  const abi::RectF &r = cmd.rect;
  if (!finite(r) || !(r.w > 0) || !(r.h > 0)) return;
  if (!finite(cmd.x0) || !finite(cmd.y0) || !finite(cmd.x1) || !finite(cmd.y1)) return;
  const auto stops = normalize_stops(gradient);
  if (stops.empty()) return;
  bool visible = false;
  for (const auto &stop : stops) visible = visible || !transparent(stop.second);
  if (!visible) return;
  rounded_rect_path(cr, r.x, r.y, r.w, r.h, clamp_radius(cmd.corner_radius, r.w, r.h));
  const float dx = cmd.x1 - cmd.x0;
  const float dy = cmd.y1 - cmd.y0;
  if (!(std::sqrt(dx * dx + dy * dy) >= kDegenerateGradientLength)) {
    set_color(cr, stops.back().second);
    cairo_fill(cr);
    return;
  }
  CairoPattern pattern(cairo_pattern_create_linear(cmd.x0, cmd.y0, cmd.x1, cmd.y1));
  for (const auto &[offset, color] : stops) {
    cairo_pattern_add_color_stop_rgba(pattern.get(), offset, ((color >> 24) & 0xff) / 255.0,
                                      ((color >> 16) & 0xff) / 255.0, ((color >> 8) & 0xff) / 255.0,
                                      (color & 0xff) / 255.0);
  }
  cairo_pattern_set_extend(pattern.get(), CAIRO_EXTEND_PAD);
  if (cairo_pattern_status(pattern.get()) != CAIRO_STATUS_SUCCESS) {
    cairo_new_path(cr);
    return;
  }
  cairo_set_source(cr, pattern.get());
  cairo_fill(cr);
}

// The blur used: at least 1 (NaN counts as 1).
double shadow_blur(float blur) { return blur >= 1 ? static_cast<double>(blur) : 1.0; }

void draw_shadow(cairo_t *cr, const abi::ShadowCmd &cmd, int viewport_w, int viewport_h) {
  const abi::RectF &r = cmd.rect;
  // An infinite blur has no edge to draw; a NaN one counts as 1, a NaN radius as 0.
  if (!finite(r) || !(r.w > 0) || !(r.h > 0) || cmd.blur == std::numeric_limits<float>::infinity()) {
    return;
  }
  if (transparent(cmd.color)) return;
  const double half = shadow_blur(cmd.blur) / 2;
  const double x = r.x;
  const double y = r.y;
  const double w = r.w;
  const double h = r.h;
  cairo_matrix_t ctm;
  cairo_get_matrix(cr, &ctm);
  // The mask's pixel grid, as whole numbers in the space the mask is drawn in, and what to
  // add to a grid position to get local coordinates.
  double grid[4];
  double tx = 0;
  double ty = 0;
  const bool device_grid = translation_only(ctm, tx, ty);
  if (device_grid) {
    // Device pixels: the grid is the device's, clipped to the viewport.
    grid[0] = std::max(std::floor(x - half + tx), 0.0);
    grid[1] = std::max(std::floor(y - half + ty), 0.0);
    grid[2] = std::min(std::ceil(x + w + half + tx), static_cast<double>(viewport_w));
    grid[3] = std::min(std::ceil(y + h + half + ty), static_cast<double>(viewport_h));
  } else {
    // Local pixels, with a margin of one empty pixel for bilinear sampling, clipped to what
    // the viewport covers in local coordinates.
    cairo_matrix_t inverse = ctm;
    if (cairo_matrix_invert(&inverse) != CAIRO_STATUS_SUCCESS) return;
    double lx0 = HUGE_VAL, ly0 = HUGE_VAL, lx1 = -HUGE_VAL, ly1 = -HUGE_VAL;
    const double corners[4][2] = {{0, 0}, {static_cast<double>(viewport_w), 0},
                                  {0, static_cast<double>(viewport_h)},
                                  {static_cast<double>(viewport_w), static_cast<double>(viewport_h)}};
    for (const auto &corner : corners) {
      double px = corner[0];
      double py = corner[1];
      cairo_matrix_transform_point(&inverse, &px, &py);
      lx0 = std::min(lx0, px);
      ly0 = std::min(ly0, py);
      lx1 = std::max(lx1, px);
      ly1 = std::max(ly1, py);
    }
    grid[0] = std::max(std::floor(x - half) - 1, std::floor(lx0 - 2));
    grid[1] = std::max(std::floor(y - half) - 1, std::floor(ly0 - 2));
    grid[2] = std::min(std::ceil(x + w + half) + 1, std::ceil(lx1 + 2));
    grid[3] = std::min(std::ceil(y + h + half) + 1, std::ceil(ly1 + 2));
  }
  if (!(grid[2] > grid[0] && grid[3] > grid[1]) || std::abs(grid[0]) > 1e7 ||
      std::abs(grid[1]) > 1e7) {
    return;
  }
  const double columns = grid[2] - grid[0];
  const double rows = grid[3] - grid[1];
  if (columns * rows > static_cast<double>(Renderer::kMaxShadowMaskPixels)) return;
  CairoSurface mask(cairo_image_surface_create(CAIRO_FORMAT_A8, static_cast<int>(columns),
                                               static_cast<int>(rows)));
  if (cairo_surface_status(mask.get()) != CAIRO_STATUS_SUCCESS) return;
  cairo_surface_flush(mask.get());
  shadow_mask(cmd, grid[0] - tx, grid[1] - ty, static_cast<int>(columns), static_cast<int>(rows),
              cairo_image_surface_get_stride(mask.get()), cairo_image_surface_get_data(mask.get()));
  cairo_surface_mark_dirty(mask.get());

  cairo_save(cr);
  set_color(cr, cmd.color);
  if (device_grid) {
    // Pixel for pixel onto the device: no resampling.
    cairo_identity_matrix(cr);
    cairo_mask_surface(cr, mask.get(), grid[0], grid[1]);
  } else {
    CairoPattern pattern(cairo_pattern_create_for_surface(mask.get()));
    cairo_matrix_t m;
    cairo_matrix_init_translate(&m, -grid[0], -grid[1]);
    cairo_pattern_set_matrix(pattern.get(), &m);
    cairo_pattern_set_filter(pattern.get(), CAIRO_FILTER_BILINEAR);
    cairo_mask(cr, pattern.get());
  }
  cairo_restore(cr);
}

void draw_image(cairo_t *cr, cairo_surface_t *image, const abi::ImageCmd &cmd) {
  ImagePlacement p;
  if (!place_image(cmd.rect, cmd.fit, cairo_image_surface_get_width(image),
                   cairo_image_surface_get_height(image), p)) {
    return;
  }
  cairo_matrix_t placement;
  cairo_matrix_init(&placement, static_cast<float>(p.scale_x), 0, 0, static_cast<float>(p.scale_y),
                    static_cast<float>(p.x), static_cast<float>(p.y));
  cairo_matrix_t to_pattern = placement;
  if (cairo_matrix_invert(&to_pattern) != CAIRO_STATUS_SUCCESS) return;
  cairo_save(cr);
  cairo_matrix_t ctm;
  cairo_get_matrix(cr, &ctm);
  cairo_matrix_t total;
  cairo_matrix_multiply(&total, &placement, &ctm);  // placement first, then the CTM
  double tx = 0;
  double ty = 0;
  if (translation_only(total, tx, ty)) {
    // Mapped 1:1 onto device pixels: snap the image to whole pixels (moving the filled area
    // with it), so both hosts copy pixels instead of resampling them at half-pixel offsets.
    ctm.x0 += std::round(tx) - tx;
    ctm.y0 += std::round(ty) - ty;
    cairo_set_matrix(cr, &ctm);
  }
  CairoPattern pattern(cairo_pattern_create_for_surface(image));
  cairo_pattern_set_matrix(pattern.get(), &to_pattern);
  cairo_pattern_set_extend(pattern.get(), CAIRO_EXTEND_PAD);
  cairo_pattern_set_filter(pattern.get(), CAIRO_FILTER_BILINEAR);
  if (cairo_pattern_status(pattern.get()) == CAIRO_STATUS_SUCCESS) {
    cairo_set_source(cr, pattern.get());
    cairo_new_path(cr);
    cairo_rectangle(cr, p.area.x, p.area.y, p.area.w, p.area.h);
    cairo_fill(cr);
  }
  cairo_restore(cr);
}

// A video frame contained in `rect` (scaled by min(w / iw, h / ih), centred, aspect kept with
// its pixel aspect ratio; the bars are left as they are), sampled bilinearly, edges padded.
void draw_video(cairo_t *cr, const VideoFrame &frame, const abi::RectF &rect) {
  cairo_surface_t *image = frame.surface.get();
  const int width = cairo_image_surface_get_width(image);
  const int height = cairo_image_surface_get_height(image);
  if (!finite(rect) || !(rect.w > 0) || !(rect.h > 0) || width <= 0 || height <= 0 ||
      !(frame.pixel_aspect > 0) || !std::isfinite(frame.pixel_aspect)) {
    return;
  }
  const double shown_w = width * frame.pixel_aspect;  // the picture's width in square pixels
  const double scale = std::min(rect.w / shown_w, rect.h / static_cast<double>(height));
  const double w = shown_w * scale;
  const double h = height * scale;
  const double x = rect.x + (rect.w - w) / 2;
  const double y = rect.y + (rect.h - h) / 2;
  cairo_matrix_t to_pattern;
  cairo_matrix_init(&to_pattern, scale * frame.pixel_aspect, 0, 0, scale, x, y);
  if (cairo_matrix_invert(&to_pattern) != CAIRO_STATUS_SUCCESS) return;
  CairoPattern pattern(cairo_pattern_create_for_surface(image));
  cairo_pattern_set_matrix(pattern.get(), &to_pattern);
  cairo_pattern_set_extend(pattern.get(), CAIRO_EXTEND_PAD);
  cairo_pattern_set_filter(pattern.get(), CAIRO_FILTER_BILINEAR);
  if (cairo_pattern_status(pattern.get()) != CAIRO_STATUS_SUCCESS) return;
  cairo_save(cr);
  cairo_set_source(cr, pattern.get());
  cairo_new_path(cr);
  cairo_rectangle(cr, x, y, w, h);
  cairo_fill(cr);
  cairo_restore(cr);
}

// One entry of the push/pop stack.
struct StackEntry {
  enum class Kind { Clip, Opacity, Transform } kind;
  bool saved;   // a cairo_save (Clip, Transform) or cairo_push_group (Opacity) to undo
  bool hidden;  // everything inside is invisible (empty clip, zero opacity, singular matrix)
};

class FrameState {
 public:
  explicit FrameState(cairo_t *cr) : cr_(cr) {}

  bool hidden() const { return hidden_ > 0; }

  void push(StackEntry::Kind kind, bool saved, bool hidden) {
    stack_.push_back({kind, saved, hidden});
    if (hidden) ++hidden_;
  }

  // Pops the innermost entry if it is of `kind`; false (and nothing done) otherwise.
  bool pop(StackEntry::Kind kind) {
    if (stack_.empty() || stack_.back().kind != kind) return false;
    undo(stack_.back());
    stack_.pop_back();
    return true;
  }

  void push_opacity_alpha(double alpha) { alphas_.push_back(alpha); }

  // Undoes whatever is still pushed at the end of the frame; the number undone.
  size_t unwind() {
    const size_t n = stack_.size();
    while (!stack_.empty()) {
      undo(stack_.back());
      stack_.pop_back();
    }
    return n;
  }

 private:
  void undo(const StackEntry &e) {
    if (e.hidden) --hidden_;
    if (!e.saved) return;
    if (e.kind == StackEntry::Kind::Opacity) {
      const double alpha = alphas_.empty() ? 1.0 : alphas_.back();
      if (!alphas_.empty()) alphas_.pop_back();
      cairo_pop_group_to_source(cr_);
      cairo_paint_with_alpha(cr_, alpha);
    } else {
      cairo_restore(cr_);
    }
  }

  cairo_t *cr_;
  std::vector<StackEntry> stack_;
  std::vector<double> alphas_;  // one per saved opacity group, innermost last
  int hidden_ = 0;
};

}  // namespace

std::vector<std::pair<float, abi::Rgba>> normalize_stops(const LinearGradient &gradient) {
  std::vector<std::pair<float, abi::Rgba>> out;
  float prev = 0;
  for (uint32_t i = 0; i < gradient.cmd.stop_count; ++i) {
    const abi::GradientStop stop = gradient.stop(i);
    const float offset = std::isnan(stop.offset) ? prev : std::clamp(stop.offset, prev, 1.0f);
    prev = offset;
    out.emplace_back(offset, stop.color);
  }
  return out;
}

namespace {

double smoothstep(double t) { return t * t * (3.0 - 2.0 * t); }

// Signed distance from (px, py) to the rounded rectangle (x, y, w, h) with radius r (already
// clamped), negative inside.
double rounded_rect_distance(double px, double py, double x, double y, double w, double h,
                             double r) {
  const double hw = w / 2;
  const double hh = h / 2;
  const double qx = std::abs(px - (x + hw)) - hw + r;
  const double qy = std::abs(py - (y + hh)) - hh + r;
  const double outside = std::hypot(std::max(qx, 0.0), std::max(qy, 0.0));
  return outside + std::min(std::max(qx, qy), 0.0) - r;
}

}  // namespace

void shadow_mask(const abi::ShadowCmd &cmd, double x0, double y0, int columns, int rows,
                 int stride, unsigned char *out) {
  const double x = cmd.rect.x;
  const double y = cmd.rect.y;
  const double w = cmd.rect.w;
  const double h = cmd.rect.h;
  const double r = clamp_radius(cmd.corner_radius, cmd.rect.w, cmd.rect.h);
  const double blur = shadow_blur(cmd.blur);
  for (int j = 0; j < rows; ++j) {
    const double py = y0 + j + 0.5;
    unsigned char *row = out + static_cast<size_t>(j) * stride;
    for (int i = 0; i < columns; ++i) {
      const double px = x0 + i + 0.5;
      const double d = rounded_rect_distance(px, py, x, y, w, h, r);
      const double coverage = smoothstep(std::clamp(0.5 - d / blur, 0.0, 1.0));
      row[i] = static_cast<unsigned char>(std::floor(coverage * 255.0 + 0.5));
    }
  }
}

bool place_image(const abi::RectF &rect, uint32_t fit, int width, int height, ImagePlacement &out) {
  if (!finite(rect) || !(rect.w > 0) || !(rect.h > 0) || width <= 0 || height <= 0) return false;
  const double x = rect.x;
  const double y = rect.y;
  const double w = rect.w;
  const double h = rect.h;
  const double iw = width;
  const double ih = height;
  const double sx = w / iw;
  const double sy = h / ih;
  const auto kind = static_cast<abi::ImageFit>(fit);
  if (kind != abi::ImageFit::Cover && kind != abi::ImageFit::Contain) {  // Fill, and unknown fits
    out = ImagePlacement{x, y, sx, sy, rect};
    return true;
  }
  const double scale = kind == abi::ImageFit::Cover ? std::max(sx, sy) : std::min(sx, sy);
  const double dw = iw * scale;
  const double dh = ih * scale;
  const double dx = x + (w - dw) / 2;
  const double dy = y + (h - dh) / 2;
  const abi::RectF area = kind == abi::ImageFit::Contain
                              ? abi::RectF{static_cast<float>(dx), static_cast<float>(dy),
                                           static_cast<float>(dw), static_cast<float>(dh)}
                              : rect;
  out = ImagePlacement{dx, dy, scale, scale, area};
  return true;
}

Result<Renderer> Renderer::create(int width, int height) {
  if (width <= 0 || height <= 0) return Error{"viewport must not be empty"};
  CairoSurface target(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height));
  const cairo_status_t status = cairo_surface_status(target.get());
  if (status != CAIRO_STATUS_SUCCESS) {
    return Error{std::string("cannot create a ") + std::to_string(width) + "x" +
                 std::to_string(height) + " image: " + cairo_status_to_string(status)};
  }
  return Renderer(std::move(target), width, height);
}

uint64_t Renderer::atlas_bytes() const {
  uint64_t total = 0;
  for (const auto &[id, page] : pages_) {
    total += static_cast<uint64_t>(cairo_image_surface_get_stride(page.get())) *
             static_cast<uint64_t>(cairo_image_surface_get_height(page.get()));
  }
  return total;
}

void Renderer::atlas_page(const abi::AtlasPageCmd &cmd, std::vector<std::string> &warnings) {
  pages_.erase(cmd.page);
  if (cmd.width > kMaxPageSide || cmd.height > kMaxPageSide) {
    warnings.push_back("atlas page " + std::to_string(cmd.page) + " is " +
                       std::to_string(cmd.width) + "x" + std::to_string(cmd.height) +
                       ", larger than " + std::to_string(kMaxPageSide) + " on a side; refused");
    return;
  }
  const uint64_t bytes =
      static_cast<uint64_t>(cairo_format_stride_for_width(CAIRO_FORMAT_A8, cmd.width)) *
      cmd.height;
  if (atlas_bytes() + bytes > kMaxAtlasBytes) {
    warnings.push_back("atlas page " + std::to_string(cmd.page) +
                       " would exceed the atlas budget; refused");
    return;
  }
  // cairo zero-fills new image surfaces.
  CairoSurface page(cairo_image_surface_create(CAIRO_FORMAT_A8, static_cast<int>(cmd.width),
                                               static_cast<int>(cmd.height)));
  if (cairo_surface_status(page.get()) != CAIRO_STATUS_SUCCESS) {
    warnings.push_back("cannot create atlas page " + std::to_string(cmd.page));
    return;
  }
  pages_.emplace(cmd.page, std::move(page));
}

void Renderer::atlas_upload(const AtlasUpload &up, std::vector<std::string> &warnings) {
  const auto it = pages_.find(up.cmd.page);
  if (it == pages_.end()) {
    warnings.push_back("atlas upload to page " + std::to_string(up.cmd.page) +
                       ", which does not exist; skipped");
    return;
  }
  cairo_surface_t *page = it->second.get();
  const int page_w = cairo_image_surface_get_width(page);
  const int page_h = cairo_image_surface_get_height(page);
  const int x = up.cmd.x;
  const int y = up.cmd.y;
  const int w = std::min<int>(up.cmd.w, std::max(page_w - x, 0));
  const int h = std::min<int>(up.cmd.h, std::max(page_h - y, 0));
  if (w != up.cmd.w || h != up.cmd.h) {
    warnings.push_back("atlas upload to page " + std::to_string(up.cmd.page) +
                       " reaches past the page; cut");
  }
  if (w <= 0 || h <= 0) return;
  cairo_surface_flush(page);
  unsigned char *data = cairo_image_surface_get_data(page);
  const int stride = cairo_image_surface_get_stride(page);
  for (int row = 0; row < h; ++row) {
    std::memcpy(data + static_cast<size_t>(y + row) * stride + x,
                up.pixels + static_cast<size_t>(row) * up.cmd.w, static_cast<size_t>(w));
  }
  cairo_surface_mark_dirty_rectangle(page, x, y, w, h);
}

void Renderer::render(const std::vector<Command> &commands, std::vector<std::string> &warnings,
                      const VideoFrame *video) {
  CairoContext context(cairo_create(target_.get()));
  cairo_t *cr = context.get();
  cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
  cairo_set_source_rgba(cr, 0, 0, 0, 1);
  cairo_paint(cr);
  cairo_set_operator(cr, CAIRO_OPERATOR_OVER);

  FrameState state(cr);
  using Kind = StackEntry::Kind;
  for (const Command &command : commands) {
    std::visit(
        [&](const auto &cmd) {
          using T = std::decay_t<decltype(cmd)>;
          if constexpr (std::is_same_v<T, abi::RectCmd>) {
            if (!state.hidden()) draw_rect(cr, cmd);
          } else if constexpr (std::is_same_v<T, GlyphRun>) {
            if (state.hidden() || cmd.run.quad_count == 0 || transparent(cmd.run.color)) return;
            const auto it = pages_.find(cmd.run.page);
            if (it == pages_.end()) {
              warnings.push_back("glyph run uses atlas page " + std::to_string(cmd.run.page) +
                                 ", which does not exist; skipped");
              return;
            }
            set_color(cr, cmd.run.color);
            for (uint32_t i = 0; i < cmd.run.quad_count; ++i) {
              const abi::GlyphQuad q = cmd.quad(i);
              if (q.w == 0 || q.h == 0 || !finite(q.x) || !finite(q.y)) continue;
              // Whole pixels in v1: round, never scale.
              const double x = std::floor(static_cast<double>(q.x) + 0.5);
              const double y = std::floor(static_cast<double>(q.y) + 0.5);
              cairo_save(cr);
              cairo_rectangle(cr, x, y, q.w, q.h);
              cairo_clip(cr);
              cairo_mask_surface(cr, it->second.get(), x - q.u, y - q.v);
              cairo_restore(cr);
            }
          } else if constexpr (std::is_same_v<T, abi::AtlasPageCmd>) {
            atlas_page(cmd, warnings);
          } else if constexpr (std::is_same_v<T, AtlasUpload>) {
            atlas_upload(cmd, warnings);
          } else if constexpr (std::is_same_v<T, abi::ClipCmd>) {
            if (!finite(cmd.rect) || !finite(cmd.corner_radius) || !(cmd.rect.w > 0) ||
                !(cmd.rect.h > 0)) {
              state.push(Kind::Clip, false, true);  // an empty clip hides everything inside
              return;
            }
            cairo_save(cr);
            rounded_rect_path(cr, cmd.rect.x, cmd.rect.y, cmd.rect.w, cmd.rect.h,
                              clamp_radius(cmd.corner_radius, cmd.rect.w, cmd.rect.h));
            cairo_clip(cr);
            state.push(Kind::Clip, true, false);
          } else if constexpr (std::is_same_v<T, abi::OpacityCmd>) {
            const float alpha = cmd.alpha;
            if (!(alpha > 0)) {  // zero, negative or NaN: nothing inside shows
              state.push(Kind::Opacity, false, true);
            } else if (alpha >= 1 || state.hidden()) {
              state.push(Kind::Opacity, false, false);  // no group needed
            } else {
              cairo_push_group(cr);
              state.push_opacity_alpha(alpha);
              state.push(Kind::Opacity, true, false);
            }
          } else if constexpr (std::is_same_v<T, abi::TransformCmd>) {
            bool ok = true;
            for (float v : cmd.m) ok = ok && finite(v);
            cairo_matrix_t m;
            cairo_matrix_init(&m, cmd.m[0], cmd.m[1], cmd.m[2], cmd.m[3], cmd.m[4], cmd.m[5]);
            cairo_matrix_t inverse = m;
            if (!ok || cairo_matrix_invert(&inverse) != CAIRO_STATUS_SUCCESS) {
              state.push(Kind::Transform, false, true);  // a singular matrix squashes to nothing
              return;
            }
            cairo_save(cr);
            cairo_transform(cr, &m);
            state.push(Kind::Transform, true, false);
          } else if constexpr (std::is_same_v<T, PopClip>) {
            if (!state.pop(Kind::Clip)) warnings.push_back("PopClip without a matching PushClip; ignored");
          } else if constexpr (std::is_same_v<T, PopOpacity>) {
            if (!state.pop(Kind::Opacity)) warnings.push_back("PopOpacity without a matching PushOpacity; ignored");
          } else if constexpr (std::is_same_v<T, PopTransform>) {
            if (!state.pop(Kind::Transform)) warnings.push_back("PopTransform without a matching PushTransform; ignored");
          } else if constexpr (std::is_same_v<T, LinearGradient>) {
            if (!state.hidden()) draw_gradient(cr, cmd);
          } else if constexpr (std::is_same_v<T, abi::ShadowCmd>) {
            if (!state.hidden()) draw_shadow(cr, cmd, width_, height_);
          } else if constexpr (std::is_same_v<T, abi::ImageCmd>) {
            if (state.hidden()) return;
            // An unknown (or unloaded) handle draws nothing.
            if (cairo_surface_t *image = images_.get(cmd.handle)) draw_image(cr, image, cmd);
          } else if constexpr (std::is_same_v<T, VideoSurface>) {
            // The video plane: opaque black (a Rect of that fill), then the picture, contained.
            if (state.hidden()) return;
            draw_rect(cr, abi::RectCmd{cmd.rect, kVideoSurfaceFill, 0, 0, 0});
            if (video != nullptr) draw_video(cr, *video, cmd.rect);
          } else {
            // Unknown opcodes: skipped by rule.
          }
        },
        command);
  }
  if (const size_t open = state.unwind(); open > 0) {
    warnings.push_back(std::to_string(open) + " push(es) left open at the end of the list");
  }
  cairo_surface_flush(target_.get());
  if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
    warnings.push_back(std::string("cairo: ") + cairo_status_to_string(cairo_status(cr)));
  }
}

}  // namespace touchline::host
