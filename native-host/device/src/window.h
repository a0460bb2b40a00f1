// An SDL2 window that shows the renderer's cairo surface through a streaming texture and
// turns the keyboard into remote keys. Built only when SDL2 is found (TOUCHLINE_HAVE_SDL).
#pragma once

#include <cairo.h>

#include <memory>
#include <string>
#include <vector>

#include "abi.h"
#include "result.h"

namespace touchline::host {

class Window {
 public:
  // Opens a width x height window. Fails when there is no display (or no SDL in this build).
  static Result<std::unique_ptr<Window>> open(int width, int height, const std::string &title);

  ~Window();
  Window(const Window &) = delete;
  Window &operator=(const Window &) = delete;

  // Uploads an ARGB32 surface of the window's size (if not null) and presents the texture.
  // With vsync this waits for the display, which paces live runs.
  void present(cairo_surface_t *frame);

  // Drains pending window events: key presses become KeyDown/KeyUp events appended to
  // `events` (when non-null); returns false once the window was closed.
  bool poll(std::vector<abi::Event> *events);

  // Reads the presented pixels back from the window (SDL_RenderReadPixels) as a PNG.
  Status screenshot(const std::string &path);

  // True when presenting waits for vertical sync (no need to pace frames ourselves).
  bool vsync() const;

 private:
  struct Impl;
  explicit Window(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace touchline::host
