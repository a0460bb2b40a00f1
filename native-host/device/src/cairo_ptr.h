// Owning handles for cairo objects.
#pragma once

#include <cairo.h>

#include <memory>

namespace touchline::host {

struct CairoSurfaceDeleter {
  void operator()(cairo_surface_t *s) const { cairo_surface_destroy(s); }
};
struct CairoContextDeleter {
  void operator()(cairo_t *cr) const { cairo_destroy(cr); }
};
struct CairoPatternDeleter {
  void operator()(cairo_pattern_t *p) const { cairo_pattern_destroy(p); }
};

using CairoSurface = std::unique_ptr<cairo_surface_t, CairoSurfaceDeleter>;
using CairoContext = std::unique_ptr<cairo_t, CairoContextDeleter>;
using CairoPattern = std::unique_ptr<cairo_pattern_t, CairoPatternDeleter>;

}  // namespace touchline::host
