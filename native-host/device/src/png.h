// PNG output of a cairo image surface.
#pragma once

#include <cairo.h>

#include <string>

#include "result.h"

namespace touchline::host {

// Writes `surface` to `path` as PNG (cairo_surface_write_to_png).
Status write_png(cairo_surface_t *surface, const std::string &path);

}  // namespace touchline::host
