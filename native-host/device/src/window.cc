#include "window.h"

#if TOUCHLINE_HAVE_SDL

#include <SDL.h>

#include <cstdint>
#include <cstring>

#include "cairo_ptr.h"
#include "png.h"

namespace touchline::host {
namespace {

struct SdlVideo {
  SdlVideo() = default;
  SdlVideo(const SdlVideo &) = delete;
  SdlVideo &operator=(const SdlVideo &) = delete;
  ~SdlVideo() { SDL_QuitSubSystem(SDL_INIT_VIDEO); }
};
struct WindowDeleter {
  void operator()(SDL_Window *w) const { SDL_DestroyWindow(w); }
};
struct RendererDeleter {
  void operator()(SDL_Renderer *r) const { SDL_DestroyRenderer(r); }
};
struct TextureDeleter {
  void operator()(SDL_Texture *t) const { SDL_DestroyTexture(t); }
};

std::string sdl_error(const char *what) { return std::string(what) + ": " + SDL_GetError(); }

// Keyboard to remote keys: arrows, Enter = Select, Escape/Backspace = Back,
// Space = PlayPause, F12 = Inspector.
bool map_key(SDL_Keycode code, abi::Key &key) {
  switch (code) {
    case SDLK_UP: key = abi::Key::Up; return true;
    case SDLK_DOWN: key = abi::Key::Down; return true;
    case SDLK_LEFT: key = abi::Key::Left; return true;
    case SDLK_RIGHT: key = abi::Key::Right; return true;
    case SDLK_RETURN:
    case SDLK_KP_ENTER: key = abi::Key::Select; return true;
    case SDLK_ESCAPE:
    case SDLK_BACKSPACE: key = abi::Key::Back; return true;
    case SDLK_SPACE: key = abi::Key::PlayPause; return true;
    case SDLK_F12: key = abi::Key::Inspector; return true;
    default: return false;
  }
}

}  // namespace

struct Window::Impl {
  // Members are destroyed in reverse: texture, renderer, window, then SDL video.
  std::unique_ptr<SdlVideo> video;
  std::unique_ptr<SDL_Window, WindowDeleter> window;
  std::unique_ptr<SDL_Renderer, RendererDeleter> renderer;
  std::unique_ptr<SDL_Texture, TextureDeleter> texture;
  int width = 0;
  int height = 0;
  bool vsync = false;
};

Window::Window(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Window::~Window() = default;

Result<std::unique_ptr<Window>> Window::open(int width, int height, const std::string &title) {
  if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) return Error{sdl_error("cannot start SDL video")};
  auto impl = std::make_unique<Impl>();
  impl->video = std::make_unique<SdlVideo>();
  impl->width = width;
  impl->height = height;
  impl->window.reset(SDL_CreateWindow(title.c_str(), SDL_WINDOWPOS_CENTERED,
                                      SDL_WINDOWPOS_CENTERED, width, height, SDL_WINDOW_SHOWN));
  if (!impl->window) return Error{sdl_error("cannot open a window")};
  impl->renderer.reset(SDL_CreateRenderer(impl->window.get(), -1, SDL_RENDERER_PRESENTVSYNC));
  if (!impl->renderer) impl->renderer.reset(SDL_CreateRenderer(impl->window.get(), -1, 0));
  if (!impl->renderer) return Error{sdl_error("cannot create an SDL renderer")};
  SDL_RendererInfo info;
  if (SDL_GetRendererInfo(impl->renderer.get(), &info) == 0) {
    impl->vsync = (info.flags & SDL_RENDERER_PRESENTVSYNC) != 0;
  }
  // cairo's ARGB32 is a native-endian 32-bit ARGB word: SDL's ARGB8888.
  impl->texture.reset(SDL_CreateTexture(impl->renderer.get(), SDL_PIXELFORMAT_ARGB8888,
                                        SDL_TEXTUREACCESS_STREAMING, width, height));
  if (!impl->texture) return Error{sdl_error("cannot create a texture")};
  SDL_SetRenderDrawColor(impl->renderer.get(), 0, 0, 0, 255);
  SDL_RenderClear(impl->renderer.get());
  SDL_RenderPresent(impl->renderer.get());
  return std::unique_ptr<Window>(new Window(std::move(impl)));
}

bool Window::vsync() const { return impl_->vsync; }

void Window::present(cairo_surface_t *frame) {
  if (frame != nullptr && cairo_image_surface_get_width(frame) == impl_->width &&
      cairo_image_surface_get_height(frame) == impl_->height) {
    cairo_surface_flush(frame);
    SDL_UpdateTexture(impl_->texture.get(), nullptr, cairo_image_surface_get_data(frame),
                      cairo_image_surface_get_stride(frame));
  }
  SDL_RenderClear(impl_->renderer.get());
  SDL_RenderCopy(impl_->renderer.get(), impl_->texture.get(), nullptr, nullptr);
  SDL_RenderPresent(impl_->renderer.get());
}

bool Window::poll(std::vector<abi::Event> *events) {
  bool open = true;
  SDL_Event e;
  while (SDL_PollEvent(&e)) {
    if (e.type == SDL_QUIT ||
        (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_CLOSE)) {
      open = false;
    } else if ((e.type == SDL_KEYDOWN || e.type == SDL_KEYUP) && events != nullptr) {
      abi::Key key;
      if (!map_key(e.key.keysym.sym, key)) continue;
      abi::Event event{};
      event.kind = static_cast<uint32_t>(e.type == SDL_KEYDOWN ? abi::EventKind::KeyDown
                                                               : abi::EventKind::KeyUp);
      event.a = static_cast<uint32_t>(key);
      events->push_back(event);
    }
  }
  return open;
}

Status Window::screenshot(const std::string &path) {
  SDL_Renderer *renderer = impl_->renderer.get();
  int w = 0;
  int h = 0;
  if (SDL_GetRendererOutputSize(renderer, &w, &h) != 0) {
    return Error{sdl_error("cannot read the window size")};
  }
  // Draw the frame again and read the back buffer before presenting it: what is read is
  // exactly what is shown.
  SDL_RenderClear(renderer);
  SDL_RenderCopy(renderer, impl_->texture.get(), nullptr, nullptr);
  CairoSurface image(cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h));
  if (cairo_surface_status(image.get()) != CAIRO_STATUS_SUCCESS) {
    return Error{"cannot allocate the screenshot"};
  }
  cairo_surface_flush(image.get());
  if (SDL_RenderReadPixels(renderer, nullptr, SDL_PIXELFORMAT_ARGB8888,
                           cairo_image_surface_get_data(image.get()),
                           cairo_image_surface_get_stride(image.get())) != 0) {
    return Error{sdl_error("cannot read the window's pixels")};
  }
  cairo_surface_mark_dirty(image.get());
  SDL_RenderPresent(renderer);
  return write_png(image.get(), path);
}

}  // namespace touchline::host

#else  // !TOUCHLINE_HAVE_SDL

namespace touchline::host {

struct Window::Impl {};

Window::Window(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Window::~Window() = default;

Result<std::unique_ptr<Window>> Window::open(int, int, const std::string &) {
  return Error{"this touchline-host was built without SDL2"};
}
void Window::present(cairo_surface_t *) {}
bool Window::poll(std::vector<abi::Event> *) { return false; }
Status Window::screenshot(const std::string &) { return Error{"no window"}; }
bool Window::vsync() const { return false; }

}  // namespace touchline::host

#endif
