#include "png.h"

namespace touchline::host {

Status write_png(cairo_surface_t *surface, const std::string &path) {
  if (surface == nullptr || cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    return Error{"cannot write " + path + ": no image to write"};
  }
  cairo_surface_flush(surface);
  const cairo_status_t status = cairo_surface_write_to_png(surface, path.c_str());
  if (status != CAIRO_STATUS_SUCCESS) {
    return Error{"cannot write " + path + ": " + cairo_status_to_string(status)};
  }
  return ok_status();
}

}  // namespace touchline::host
