#include "run.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <memory>
#include <set>
#include <thread>

#include "display_list.h"
#include "fetch.h"
#include "images.h"
#include "png.h"
#include "renderer.h"
#include "requests.h"
#include "window.h"

namespace touchline::host {
namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

bool has_display() {
  const char *x11 = std::getenv("DISPLAY");
  const char *wayland = std::getenv("WAYLAND_DISPLAY");
  return (x11 != nullptr && *x11 != '\0') || (wayland != nullptr && *wayland != '\0');
}

// Mean, median and maximum of per-frame microseconds.
struct Stats {
  double mean = 0;
  double p50 = 0;
  double max = 0;
};

Stats stats_of(std::vector<double> samples) {
  Stats s;
  if (samples.empty()) return s;
  double sum = 0;
  for (double v : samples) sum += v;
  s.mean = sum / static_cast<double>(samples.size());
  s.max = *std::max_element(samples.begin(), samples.end());
  auto mid = samples.begin() + static_cast<std::ptrdiff_t>(samples.size() / 2);
  std::nth_element(samples.begin(), mid, samples.end());
  s.p50 = *mid;
  return s;
}

Status write_file(const std::string &path, const uint8_t *data, size_t len) {
  std::FILE *f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return Error{"cannot write " + path + ": " + std::strerror(errno)};
  const size_t written = len == 0 ? 0 : std::fwrite(data, 1, len, f);
  const bool closed = std::fclose(f) == 0;
  if (written != len || !closed) return Error{"cannot write " + path + ": " + std::strerror(errno)};
  return ok_status();
}

// Prints each distinct renderer warning once, and stops after a few dozen.
class WarningLog {
 public:
  void report(uint64_t frame, const std::vector<std::string> &warnings) {
    for (const auto &w : warnings) {
      if (seen_.size() >= kMax) {
        if (!capped_) std::fprintf(stderr, "warning: further renderer warnings are not shown\n");
        capped_ = true;
        return;
      }
      if (seen_.insert(w).second) {
        std::fprintf(stderr, "warning: frame %04" PRIu64 ": %s\n", frame, w.c_str());
      }
    }
  }

 private:
  static constexpr size_t kMax = 32;
  std::set<std::string> seen_;
  bool capped_ = false;
};

// `text` with control characters (C0, DEL and, in UTF-8, C1: U+0080..U+009F) each replaced by
// one '?', safe to print on a terminal: what the desktop host prints for the same text.
std::string printable(const std::string &text) {
  std::string out;
  out.reserve(text.size());
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = byte(i);
    if (c < 0x20 || c == 0x7f) {
      out += '?';
    } else if (c == 0xc2 && i + 1 < text.size() && byte(i + 1) >= 0x80 && byte(i + 1) <= 0x9f) {
      out += '?';  // U+0080..U+009F: two bytes, one character
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

// An answer waiting for a frame: the event, the body of a FetchDone, and the `fetch:` line
// printed when it is delivered (empty: none).
struct Answer {
  abi::Event event;
  std::vector<uint8_t> body;
  std::string line;

  bool answers_fetch(uint32_t id) const {
    return (event.kind == static_cast<uint32_t>(abi::EventKind::FetchDone) ||
            event.kind == static_cast<uint32_t>(abi::EventKind::FetchFailed)) &&
           event.a == id;
  }
};

// The `fetch:` line of an answer: `fetch: URL -> 200 (17 bytes)` or
// `fetch: URL -> failed: timeout`, what the desktop host prints.
std::string fetch_line(const std::string &url, const FetchOutcome &outcome) {
  if (outcome) {
    return "fetch: " + printable(url) + " -> " + std::to_string(outcome.value().status) + " (" +
           std::to_string(outcome.value().body.size()) + " bytes)";
  }
  return "fetch: " + printable(url) + " -> failed: " + fetch_error_name(outcome.error());
}

constexpr size_t padded(size_t len) { return (len + 3) / 4 * 4; }

// Carries out the requests a frame made, loading and freeing images, and queues the answers
// (ImageLoaded / ImageFailed) for the next frames' events. Announcements (ABI 1.2) are
// "spoken": one `announce: TEXT` line on stdout each, not answered. Fetches (ABI 1.3) of
// files are answered at once, network ones when `collect` finds them finished.
struct RequestHandler {
  const std::string &assets;
  Renderer &renderer;
  bool quiet = false;
  std::deque<Answer> answers;
  std::vector<Request> requests;
  Fetcher fetcher;
  uint64_t images_loaded = 0;
  uint64_t images_failed = 0;
  uint64_t announcements = 0;

  RequestHandler(const std::string &assets_root, Renderer &target, bool quiet_run)
      : assets(assets_root), renderer(target), quiet(quiet_run) {}

  void handle(uint64_t frame, const std::vector<uint8_t> &bytes) {
    if (bytes.empty()) return;
    // The records before a malformed one still count.
    const Status read = read_requests(bytes.data(), bytes.size(), requests);
    for (const Request &request : requests) {
      if (const auto *load = std::get_if<LoadImage>(&request)) {
        this->load(frame, *load);
      } else if (const auto *unload = std::get_if<UnloadImage>(&request)) {
        renderer.images().remove(unload->handle);
      } else if (const auto *announce = std::get_if<Announce>(&request)) {
        ++announcements;
        std::printf("announce: %s\n", printable(announce->text).c_str());
        std::fflush(stdout);
      } else if (const auto *fetch = std::get_if<Fetch>(&request)) {
        start_fetch(*fetch);
      } else if (const auto *cancel = std::get_if<CancelFetch>(&request)) {
        cancel_fetch(cancel->id);
      }
    }
    if (!read) {
      std::fprintf(stderr, "error: bundle made a malformed request in frame %" PRIu64 ": %s\n",
                   frame, read.error().message.c_str());
    }
  }

  void load(uint64_t frame, const LoadImage &request) {
    auto image = load_image(assets, request.url);
    abi::ImageError error = abi::ImageError::Other;
    if (image) {
      const int w = cairo_image_surface_get_width(image.value().get());
      const int h = cairo_image_surface_get_height(image.value().get());
      auto kept = renderer.images().insert(request.handle, std::move(image.value()));
      if (kept) {
        ++images_loaded;
        answers.push_back(Answer{abi::Event{static_cast<uint32_t>(abi::EventKind::ImageLoaded),
                                            request.handle, w, h},
                                 {},
                                 {}});
        return;
      }
      error = kept.error();
    } else {
      error = image.error();
    }
    ++images_failed;
    std::fprintf(stderr, "warning: frame %04" PRIu64 ": image %u (%s): %s\n", frame, request.handle,
                 printable(request.url).c_str(), image_error_name(error));
    answers.push_back(Answer{abi::Event{static_cast<uint32_t>(abi::EventKind::ImageFailed),
                                        request.handle, static_cast<int32_t>(error), 0},
                             {},
                             {}});
  }

  // Files are read now and answered with the next frame; network URLs go to the fetcher. A
  // fetch already live under the same id is cancelled first.
  void start_fetch(const Fetch &request) {
    cancel_fetch(request.id);
    auto target = resolve_fetch_url(assets, request.url);
    if (!target) {
      answer_fetch(request.id, request.url, target.error());
    } else if (target.value().http) {
      fetcher.start(request.id, request.method, request.timeout_ms, target.value().where, request.body);
    } else {
      answer_fetch(request.id, request.url, fetch_file(target.value().where));
    }
  }

  // Drops fetch `id`: running, queued, or answered and not yet delivered.
  void cancel_fetch(uint32_t id) {
    fetcher.cancel(id);
    answers.erase(std::remove_if(answers.begin(), answers.end(),
                                 [&](const Answer &a) { return a.answers_fetch(id); }),
                  answers.end());
  }

  // Queues the answers of the network fetches that finished.
  void collect() {
    for (FetchFinished &finished : fetcher.poll()) {
      answer_fetch(finished.id, finished.url, std::move(finished.outcome));
    }
  }

  void answer_fetch(uint32_t id, const std::string &url, FetchOutcome outcome) {
    if (outcome && outcome.value().body.size() > abi::MAX_FETCH_BODY_BYTES) {
      outcome = abi::FetchError::TooLarge;
    }
    std::string line = quiet ? std::string() : fetch_line(url, outcome);
    if (outcome) {
      const auto len = static_cast<int32_t>(outcome.value().body.size());
      answers.push_back(Answer{abi::Event{static_cast<uint32_t>(abi::EventKind::FetchDone), id,
                                          static_cast<int32_t>(outcome.value().status), len},
                               std::move(outcome.value().body), std::move(line)});
    } else {
      answers.push_back(Answer{abi::Event{static_cast<uint32_t>(abi::EventKind::FetchFailed), id,
                                          static_cast<int32_t>(outcome.error()), 0},
                               {},
                               std::move(line)});
    }
  }

  // Moves answers, in order, into a frame's `events` and `payload` while they fit: at most
  // `max_events` records and MAX_INPUT_PAYLOAD_BYTES of padded bodies. Prints the `fetch:`
  // line of each fetch answer delivered.
  void deliver(std::vector<abi::Event> &events, std::vector<uint8_t> &payload, size_t max_events) {
    while (!answers.empty() && events.size() < max_events) {
      Answer &answer = answers.front();
      if (payload.size() + padded(answer.body.size()) > abi::MAX_INPUT_PAYLOAD_BYTES) break;
      if (!answer.line.empty()) {
        std::printf("%s\n", answer.line.c_str());
        std::fflush(stdout);
      }
      events.push_back(answer.event);
      payload.insert(payload.end(), answer.body.begin(), answer.body.end());
      payload.resize(padded(payload.size()), 0);
      answers.pop_front();
    }
  }
};

bool touches_atlas(const std::vector<Command> &commands) {
  for (const auto &c : commands) {
    if (std::holds_alternative<abi::AtlasPageCmd>(c) || std::holds_alternative<AtlasUpload>(c)) {
      return true;
    }
  }
  return false;
}

}  // namespace

int run(const Options &options, Clock::time_point launched) {
  LoadOptions load;
  load.path = options.bundle;
  load.engine = options.engine;
  load.width = options.width;
  load.height = options.height;
  auto loaded = Bundle::load(load);
  if (!loaded) {
    std::fprintf(stderr, "error: %s\n", loaded.error().message.c_str());
    return kExitBadBundle;
  }
  Bundle &bundle = *loaded.value();

  auto created = Renderer::create(static_cast<int>(options.width), static_cast<int>(options.height));
  if (!created) {
    std::fprintf(stderr, "error: %s\n", created.error().message.c_str());
    return kExitUsage;
  }
  Renderer &renderer = created.value();

  if (!options.dump_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.dump_dir, ec);
    if (ec) {
      std::fprintf(stderr, "error: cannot create %s: %s\n", options.dump_dir.c_str(),
                   ec.message().c_str());
      return kExitUsage;
    }
  }

  std::unique_ptr<Window> window;
  if (!options.headless && has_display()) {
    auto opened = Window::open(static_cast<int>(options.width), static_cast<int>(options.height),
                               "Touchline - " + options.bundle);
    if (opened) {
      window = std::move(opened.value());
    } else {
      std::fprintf(stderr, "warning: %s; running headless\n", opened.error().message.c_str());
    }
  }

  // Scripted (deterministic, virtual time) unless a window runs without --frames.
  const bool live = window != nullptr && !options.frames.has_value();
  const uint64_t frame_limit =
      options.frames.value_or(live ? UINT64_MAX
                                   : 2 + static_cast<uint64_t>(options.keys.size()) *
                                             options.key_interval);

  std::vector<abi::Event> events;
  std::vector<uint8_t> payload;
  std::vector<Command> commands;
  std::vector<std::string> warnings;
  std::vector<double> engine_us;
  std::vector<double> render_us;
  WarningLog warning_log;
  RequestHandler request_handler(options.assets, renderer, options.quiet);
  double launch_to_first_frame_ms = -1;
  bool have_frame = false;  // a good frame was rendered (and, with a window, presented)
  int exit_code = kExitOk;
  const size_t max_events = abi::MAX_EVENT_BATCH_BYTES / sizeof(abi::Event);
  const auto loop_start = Clock::now();
  const auto frame_period = std::chrono::microseconds(1000000 / 60);
  auto next_tick = loop_start;
  bool window_open = true;

  for (uint64_t i = 0; i < frame_limit; ++i) {
    events.clear();
    payload.clear();
    // Scripted key j goes out at frame 1 + j * interval, as a KeyDown and a KeyUp.
    if (i >= 1 && (i - 1) % options.key_interval == 0) {
      const uint64_t j = (i - 1) / options.key_interval;
      if (j < options.keys.size()) {
        abi::Event down{static_cast<uint32_t>(abi::EventKind::KeyDown),
                        static_cast<uint32_t>(options.keys[j]), 0, 0};
        abi::Event up = down;
        up.kind = static_cast<uint32_t>(abi::EventKind::KeyUp);
        events.push_back(down);
        events.push_back(up);
      }
    }
    if (window) {
      window_open = window->poll(live ? &events : nullptr);
      if (!window_open) break;
      if (events.size() > max_events) events.resize(max_events);
    }
    // Answers to earlier requests go out after the frame's input events, in the order they
    // were known: network fetches that finished since the last frame join the queue first.
    request_handler.collect();
    request_handler.deliver(events, payload, max_events);
    const int64_t time_us =
        live ? std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - loop_start)
                   .count()
             : static_cast<int64_t>(i * 1000000 / 60);

    FrameView view;
    FrameError frame_error;
    const auto engine_start = Clock::now();
    const bool ran = bundle.frame(time_us, events, payload, view, frame_error);
    const auto engine_end = Clock::now();
    if (!ran) {
      if (frame_error.kind == FrameFailure::Trap) {
        std::fprintf(stderr, "error: bundle trapped in frame %" PRIu64 ": %s\n", i,
                     frame_error.message.c_str());
      } else if (frame_error.kind == FrameFailure::BadRequests) {
        std::fprintf(stderr, "error: bundle returned a bad request buffer in frame %" PRIu64 ": %s\n",
                     i, frame_error.message.c_str());
      } else {
        std::fprintf(stderr,
                     "error: bundle returned a malformed display list in frame %" PRIu64 ": %s\n", i,
                     frame_error.message.c_str());
      }
      if (!frame_error.detail.empty()) std::fputs(frame_error.detail.c_str(), stderr);
      exit_code = kExitFrameError;
      break;
    }
    engine_us.push_back(std::chrono::duration<double, std::micro>(engine_end - engine_start).count());

    if (!options.dump_dir.empty()) {
      char name[32];
      std::snprintf(name, sizeof name, "frame-%04" PRIu64 ".tldl", i);
      const auto path = (std::filesystem::path(options.dump_dir) / name).string();
      if (auto written = write_file(path, view.list, view.len); !written) {
        std::fprintf(stderr, "error: %s\n", written.error().message.c_str());
        exit_code = kExitUsage;
        break;
      }
    }

    auto reader = DisplayListReader::open(view.list, view.len);
    Status decoded = reader ? reader.value().decode(commands) : Status(reader.error());
    if (!decoded) {
      std::fprintf(stderr, "error: bundle returned a malformed display list in frame %" PRIu64
                           ": %s\n",
                   i, decoded.error().message.c_str());
      exit_code = kExitFrameError;
      break;
    }

    const bool unchanged = (view.flags & abi::FRAME_FLAG_UNCHANGED) != 0 && have_frame &&
                           !touches_atlas(commands);
    if (!unchanged) {
      const auto render_start = Clock::now();
      warnings.clear();
      renderer.render(commands, warnings);
      render_us.push_back(
          std::chrono::duration<double, std::micro>(Clock::now() - render_start).count());
      warning_log.report(i, warnings);
      if (window) window->present(renderer.surface());
    } else if (live) {
      window->present(nullptr);  // nothing new, but keep the display's pace
    }
    // After the frame is drawn: an image loaded now is drawn from the next frame on.
    request_handler.handle(i, bundle.requests());
    have_frame = true;
    if (launch_to_first_frame_ms < 0) launch_to_first_frame_ms = ms_between(launched, Clock::now());

    if (!options.quiet) {
      std::printf("frame %04" PRIu64 " t=%.3fms events=%zu commands=%u bytes=%zu engine_us=%.0f\n",
                  i, static_cast<double>(time_us) / 1000.0, events.size(),
                  reader.value().header().command_count, view.len, engine_us.back());
      std::fflush(stdout);
    }

    if (live && !window->vsync()) {
      next_tick += frame_period;
      const auto now = Clock::now();
      if (next_tick > now) {
        std::this_thread::sleep_for(next_tick - now);
      } else {
        next_tick = now;
      }
    }
  }

  // Live: after a failure the window keeps showing the last good frame until it is closed.
  if (live && exit_code == kExitFrameError && window_open) {
    std::fprintf(stderr, "the last good frame stays up; close the window to exit\n");
    while (window->poll(nullptr)) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  if (!options.screenshot.empty()) {
    if (!have_frame) {
      std::fprintf(stderr, "warning: no frame was rendered; %s not written\n",
                   options.screenshot.c_str());
    } else {
      Status written = window ? window->screenshot(options.screenshot)
                              : write_png(renderer.surface(), options.screenshot);
      if (!written) {
        std::fprintf(stderr, "error: %s\n", written.error().message.c_str());
        if (exit_code == kExitOk) exit_code = kExitUsage;
      }
    }
  }

  const Stats engine = stats_of(engine_us);
  const Stats render = stats_of(render_us);
  const LoadTimings &t = bundle.timings();
  std::printf(
      "summary: frames=%zu launch_to_first_frame_ms=%.1f compile_ms=%.1f instantiate_ms=%.1f "
      "init_ms=%.1f engine_us_mean=%.0f engine_us_p50=%.0f engine_us_max=%.0f "
      "render_us_mean=%.0f render_us_max=%.0f engine=%s images_loaded=%" PRIu64
      " images_failed=%" PRIu64 " announcements=%" PRIu64 "\n",
      engine_us.size(), launch_to_first_frame_ms, t.compile_ms, t.instantiate_ms, t.init_ms,
      engine.mean, engine.p50, engine.max, render.mean, render.max,
      options.engine == EngineKind::Pulley ? "pulley" : "cranelift",
      request_handler.images_loaded, request_handler.images_failed, request_handler.announcements);
  std::fflush(stdout);
  return exit_code;
}

}  // namespace touchline::host
