#include "run.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <thread>
#include <utility>

#include "app_storage.h"
#include "bus.h"
#include "display_list.h"
#include "fetch.h"
#include "images.h"
#include "http_post.h"
#include "input.h"
#include "js_vm.h"
#include "png.h"
#include "renderer.h"
#include "requests.h"
#include "video_session.h"
#include "window.h"

namespace touchline::host {
namespace {

using Clock = std::chrono::steady_clock;

// At exit, how long the host waits for the legacy JS's reports still on their way.
constexpr double kJsReportDrainMs = 2000;

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

// The legacy JS VM beside the bundle (docs/legacy-js.md) and the reports it sends.
struct LegacyJs {
  JsVm vm;
  HttpPoster poster;
  uint64_t reports_sent = 0;
  uint64_t reports_failed = 0;

  explicit LegacyJs(JsVm loaded) : vm(std::move(loaded)) {}

  // Counts the reports that finished.
  void collect() {
    for (const HttpPostDone &done : poster.poll()) {
      if (done.ok()) {
        ++reports_sent;
      } else {
        ++reports_failed;
      }
    }
  }

  // After a frame's requests are carried out: the clock, the messages for JS in order, the
  // tick; what the script posted goes to the bundle (next frame), its reports to the poster.
  void run_frame(HostBus &bus, double now_ms) {
    collect();
    vm.set_now(now_ms);
    for (const std::string &message : bus.take_for_js()) vm.deliver(message);
    vm.tick(now_ms);
    for (std::string &text : vm.take_posts()) bus.queue_for_bundle(BusSource::Js, std::move(text));
    for (HttpPost &post : vm.take_http_posts()) poster.post(std::move(post));
  }

  // At exit: waits (at most `limit_ms`) for the reports still on their way, so that they are
  // sent and counted.
  void finish(double limit_ms) {
    const auto until = Clock::now() + std::chrono::duration<double, std::milli>(limit_ms);
    collect();
    while (poster.live() > 0 && Clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      collect();
    }
  }

  // ` js_errors=N ... reports_failed=N`, as the desktop host prints them.
  std::string summary_fields() const {
    const JsCounters c = vm.counters();
    char text[320];
    std::snprintf(text, sizeof text,
                  " js_errors=%" PRIu64 " js_malformed=%" PRIu64 " js_delivered=%" PRIu64 " js_posted=%" PRIu64
                  " js_dropped=%" PRIu64 " reports_sent=%" PRIu64 " reports_failed=%" PRIu64,
                  c.errors, c.malformed, c.delivered, c.posted, c.dropped, reports_sent, reports_failed);
    return text;
  }
};

// How long an image under an http(s) asset root may take to arrive.
constexpr uint32_t kImageFetchTimeoutMs = 20000;

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

bool is_video_event(const abi::Event &event) {
  return event.kind == static_cast<uint32_t>(abi::EventKind::VideoState) ||
         event.kind == static_cast<uint32_t>(abi::EventKind::VideoPosition) ||
         event.kind == static_cast<uint32_t>(abi::EventKind::VideoFailed);
}

// The `fetch:` line of an answer: `fetch: URL -> 200 (17 bytes)` or
// `fetch: URL -> failed: timeout`, what the desktop host prints.
std::string fetch_line(const std::string &url, const FetchOutcome &outcome) {
  if (outcome) {
    return "fetch: " + printable(url) + " -> " + std::to_string(outcome.value().status) + " (" +
           std::to_string(outcome.value().body.size()) + " bytes)";
  }
  return "fetch: " + printable(url) + " -> failed: " + fetch_error_name(outcome.error());
}

// The first `max_chars` characters of UTF-8 `text` (a character is a lead byte and its
// continuation bytes).
std::string first_chars(const std::string &text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xc0) != 0x80 && chars++ == max_chars) return text.substr(0, i);
  }
  return text;
}

// The first line of `text`.
std::string first_line(const std::string &text) { return text.substr(0, text.find('\n')); }


// Carries out the requests a frame made, loading and freeing images, and queues the answers
// (ImageLoaded / ImageFailed) for the next frames' events. Announcements (ABI 1.2) are
// "spoken": one `announce: TEXT` line on stdout each, not answered. Fetches (ABI 1.3) of
// files are answered at once, network ones when `collect` finds them finished. ABI 1.4: the
// latest SaveState is kept (for a restarted instance), PostMessages go on the bus to JS.
// ABI 1.6: OpenVideo and ControlVideo go to the video session (from 1.6 bundles only; an older
// one's are skipped, as a 1.5 host skips them), its answers join the queue.
struct RequestHandler {
  const std::string &assets;
  Renderer &renderer;
  bool quiet = false;
  std::deque<Answer> answers;
  std::vector<Request> requests;
  Fetcher fetcher;
  // Images under an http(s) asset root, by handle: fetched in the background, decoded when
  // they arrive (their URLs, for the warning lines).
  Fetcher image_fetcher{kMaxImageFileBytes};
  std::map<uint32_t, std::string> image_urls;
  uint64_t images_loaded = 0;
  uint64_t images_failed = 0;
  uint64_t announcements = 0;
  HostBus bus;
  std::optional<std::vector<uint8_t>> saved_state;  // the latest SaveState
  uint64_t state_saves = 0;
  AppStorage storage;  // ABI 1.5: the app's storage area
  VideoSession video;  // ABI 1.6: the bundle's one video
  bool video_abi = false;  // the bundle exports 1.6 or later: video requests and events
  std::vector<abi::Event> video_events;

  RequestHandler(const std::string &assets_root, Renderer &target, bool quiet_run, std::string storage_path)
      : assets(assets_root), renderer(target), quiet(quiet_run), storage(std::move(storage_path)),
        video(assets_root) {}

  void handle(uint64_t frame, const std::vector<uint8_t> &bytes) {
    if (bytes.empty()) return;
    // The records before a malformed one still count.
    const Status read = read_requests(bytes.data(), bytes.size(), requests);
    for (Request &request : requests) {
      if (const auto *load = std::get_if<LoadImage>(&request)) {
        this->load(frame, *load);
      } else if (const auto *unload = std::get_if<UnloadImage>(&request)) {
        renderer.images().remove(unload->handle);
        if (image_urls.erase(unload->handle) > 0) image_fetcher.cancel(unload->handle);
      } else if (const auto *announce = std::get_if<Announce>(&request)) {
        ++announcements;
        std::printf("announce: %s\n", printable(announce->text).c_str());
        std::fflush(stdout);
      } else if (const auto *fetch = std::get_if<Fetch>(&request)) {
        start_fetch(*fetch);
      } else if (const auto *cancel = std::get_if<CancelFetch>(&request)) {
        cancel_fetch(cancel->id);
      } else if (auto *write = std::get_if<WriteStorage>(&request)) {
        storage.write(std::move(write->data));
      } else if (auto *save = std::get_if<SaveState>(&request)) {
        saved_state = std::move(save->state);
        ++state_saves;
      } else if (const auto *post = std::get_if<PostMessage>(&request)) {
        if (!bus.post_from_bundle(post->text)) {
          std::fprintf(stderr, "warning: frame %04" PRIu64 ": the bundle posted a malformed bus message: %s\n",
                       frame, printable(first_chars(post->text, 80)).c_str());
        }
      } else if (const auto *open = std::get_if<OpenVideo>(&request)) {
        if (!video_abi) continue;
        if (auto failure = video.open(*open, video_events)) {
          std::fprintf(stderr, "warning: frame %04" PRIu64 ": video %u (%s): %s: %s\n", frame, open->player,
                       printable(open->url).c_str(), video_error_name(failure->error),
                       printable(failure->message).c_str());
        }
        queue_video_events();
      } else if (const auto *control = std::get_if<ControlVideo>(&request)) {
        if (!video_abi) continue;
        video.control(*control, video_events);
        queue_video_events();
      }
    }
    if (!read) {
      std::fprintf(stderr, "error: bundle made a malformed request in frame %" PRIu64 ": %s\n",
                   frame, read.error().message.c_str());
    }
  }

  // At the start of a frame: the video's clock moves on; its Ended or VideoFailed joins the
  // answers.
  void start_video_frame(uint64_t frame, int64_t time_us) {
    if (auto failure = video.start_frame(time_us, video_events)) {
      std::fprintf(stderr, "warning: frame %04" PRIu64 ": video %u: %s: %s\n", frame,
                   video_events.empty() ? 0u : video_events.back().a, video_error_name(failure->error),
                   printable(failure->message).c_str());
    }
    queue_video_events();
  }

  void queue_video_events() {
    for (const abi::Event &event : video_events) answers.push_back(Answer{event, {}, {}});
    video_events.clear();
  }

  void load(uint64_t frame, const LoadImage &request) {
    // A second load on a handle replaces the first, also one still on its way.
    if (image_urls.erase(request.handle) > 0) image_fetcher.cancel(request.handle);
    // A relative URL under an http(s) asset root: fetched in the background. (Absolute http
    // image URLs stay BadUrl: only the asset root makes network images.)
    if (is_http_url(assets) && !is_http_url(request.url)) {
      auto target = resolve_fetch_url(assets, request.url);
      if (!target) return loaded(frame, request.handle, request.url, abi::ImageError::BadUrl);
      if (target.value().http) {
        image_fetcher.start(request.handle, abi::FetchMethod::Get, kImageFetchTimeoutMs, target.value().where, {});
        image_urls[request.handle] = request.url;
        return;
      }
    }
    loaded(frame, request.handle, request.url, load_image(assets, request.url));
  }

  // Answers image `handle`: ImageLoaded when it decoded and fits the store, else ImageFailed
  // (and a warning line).
  void loaded(uint64_t frame, uint32_t handle, const std::string &url, Result<CairoSurface, abi::ImageError> image) {
    abi::ImageError error = abi::ImageError::Other;
    if (image) {
      const int w = cairo_image_surface_get_width(image.value().get());
      const int h = cairo_image_surface_get_height(image.value().get());
      auto kept = renderer.images().insert(handle, std::move(image.value()));
      if (kept) {
        ++images_loaded;
        answers.push_back(Answer{abi::Event{static_cast<uint32_t>(abi::EventKind::ImageLoaded), handle, w, h},
                                 {},
                                 {}});
        return;
      }
      error = kept.error();
    } else {
      error = image.error();
    }
    ++images_failed;
    std::fprintf(stderr, "warning: frame %04" PRIu64 ": image %u (%s): %s\n", frame, handle, printable(url).c_str(),
                 image_error_name(error));
    answers.push_back(Answer{abi::Event{static_cast<uint32_t>(abi::EventKind::ImageFailed),
                                        handle, static_cast<int32_t>(error), 0},
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

  // Queues the answers of the network fetches, and of the images over http, that finished.
  void collect(uint64_t frame) {
    for (FetchFinished &finished : fetcher.poll()) {
      answer_fetch(finished.id, finished.url, std::move(finished.outcome));
    }
    for (FetchFinished &finished : image_fetcher.poll()) {
      const auto url = image_urls.find(finished.id);
      if (url == image_urls.end()) continue;  // unloaded meanwhile
      loaded(frame, finished.id, url->second, image_of(finished.outcome));
      image_urls.erase(url);
    }
  }

  // An image fetched over http: decoded from a 2xx body; 404 and 410 are NotFound, other
  // statuses and network failures Other.
  static Result<CairoSurface, abi::ImageError> image_of(const FetchOutcome &outcome) {
    if (!outcome) return outcome.error() == abi::FetchError::TooLarge ? abi::ImageError::TooLarge : abi::ImageError::Other;
    const FetchAnswer &answer = outcome.value();
    if (answer.status == 404 || answer.status == 410) return abi::ImageError::NotFound;
    if (answer.status < 200 || answer.status > 299) return abi::ImageError::Other;
    return decode_image(answer.body.data(), answer.body.size());
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

  // Moves answers, in order, into a frame's input while they fit: at most `max_events`
  // records and MAX_INPUT_PAYLOAD_BYTES of padded payloads. Prints the `fetch:` line of each
  // fetch answer delivered.
  void deliver(HostInput &input, size_t max_events) {
    while (!answers.empty() && input.events.size() < max_events) {
      Answer &answer = answers.front();
      if (!video_abi && is_video_event(answer.event)) {
        answers.pop_front();  // a video opened by a bundle that since made way for an older one
        continue;
      }
      if (input.payload.size() + padded_len(answer.body.size()) > abi::MAX_INPUT_PAYLOAD_BYTES) break;
      if (!answer.line.empty()) {
        std::printf("%s\n", answer.line.c_str());
        std::fflush(stdout);
      }
      if (answer.event.kind == static_cast<uint32_t>(abi::EventKind::FetchDone)) {
        input.push_fetch_done(answer.event.a, static_cast<uint32_t>(answer.event.b), answer.body.data(),
                              answer.body.size());
      } else {
        input.push(answer.event);
      }
      answers.pop_front();
    }
  }

  // Moves the bus messages waiting for the bundle into a frame's input while they fit (ABI
  // 1.4 bundles only: an older one's payload reader would not step over them).
  void deliver_bus(HostInput &input, size_t max_events) {
    while (!bus.to_bundle.empty() && input.events.size() < max_events) {
      const auto &[source, text] = bus.to_bundle.front();
      if (input.payload.size() + padded_len(text.size()) > abi::MAX_INPUT_PAYLOAD_BYTES) break;
      input.push_bus_message(source, text);  // too large was refused when it was queued
      bus.to_bundle.pop_front();
    }
  }
};

// Starts `picked` (and, when it does not start — step 6: not wasm, another exported ABI than
// its manifest says, a missing export, a trap in init — the next good bundle, and so on). An
// error when nothing is left to run (the reason, for `error: no bundle to run`).
Result<std::unique_ptr<Bundle>> start_picked(Delivery &delivery, LoadOptions load, Result<DeliveredBundle> picked,
                                             DeliveredBundle &current) {
  for (;;) {
    if (!picked) return picked.error();
    current = picked.value();
    load.path = current.path;
    load.sha256 = current.sha256;
    load.expected_abi = current.abi_version();  // checked before _initialize runs
    auto loaded = Bundle::load(load);
    if (loaded) return std::move(loaded.value());
    picked = delivery.start_failed(current, loaded.error().message);
  }
}

bool has_video_surface(const std::vector<Command> &commands) {
  for (const auto &c : commands) {
    if (std::holds_alternative<VideoSurface>(c)) return true;
  }
  return false;
}

bool touches_atlas(const std::vector<Command> &commands) {
  for (const auto &c : commands) {
    if (std::holds_alternative<abi::AtlasPageCmd>(c) || std::holds_alternative<AtlasUpload>(c)) {
      return true;
    }
  }
  return false;
}

// One trap the run recovered from.
struct Crash {
  uint64_t frame = 0;
  TrapKind kind = TrapKind::Fault;
  std::string message;
  double recovery_ms = NAN;  // from the trap to the next frame drawn; NaN until then
  bool restored = false;     // the new instance was handed the saved state
};

struct Recovery {
  bool restore_next = false;        // hand the saved state to the next frame
  uint64_t frames_since_start = 0;  // frames the current instance ran
  uint32_t startup_traps = 0;       // start-up traps in a row
  std::vector<Crash> crashes;
  std::optional<std::pair<Clock::time_point, size_t>> recovering_since;  // trap time, crash
};

}  // namespace

Result<InjectedFault> parse_injected_fault(std::string_view spec) {
  const auto at = spec.find('@');
  if (at == std::string_view::npos) return Error{"\"" + std::string(spec) + "\": expected KIND@FRAME"};
  InjectedFault fault;
  fault.fault = std::string(spec.substr(0, at));
  if (fault.fault != "panic" && fault.fault != "loop" && fault.fault != "oom") {
    return Error{"\"" + fault.fault + "\": the faults are panic, loop and oom"};
  }
  const auto number = [](std::string_view text, uint64_t &out) {
    if (text.empty() || text.size() > 19) return false;
    out = 0;
    for (char c : text) {
      if (c < '0' || c > '9') return false;
      out = out * 10 + static_cast<uint64_t>(c - '0');
    }
    return true;
  };
  std::string_view when = spec.substr(at + 1);
  const auto slash = when.find('/');
  if (!number(when.substr(0, slash), fault.frame)) {
    return Error{"\"" + std::string(when.substr(0, slash)) + "\" is not a frame number"};
  }
  if (slash != std::string_view::npos) {
    uint64_t every = 0;
    if (!number(when.substr(slash + 1), every)) {
      return Error{"\"" + std::string(when.substr(slash + 1)) + "\" is not a frame number"};
    }
    fault.every = std::max<uint64_t>(every, 1);
  }
  return fault;
}

int run(const Options &options, Clock::time_point launched) {
  LoadOptions load;
  load.path = options.bundle;
  load.engine = options.engine;
  load.width = options.width;
  load.height = options.height;
  load.frame_budget_ms = options.frame_budget_ms;
  load.memory_limit_bytes = options.memory_limit_mb << 20;
  load.module_cache_dir = options.module_cache;
  load.startup_snapshots = options.startup_snapshots;
  // With --manifest a trap never ends the run: the bundle restarts, or makes way for the last
  // good one.
  const bool recover = options.recover || options.delivery.has_value();
  const bool report_module = options.delivery.has_value() || !options.module_cache.empty();
  std::unique_ptr<Bundle> bundle;
  std::optional<Delivery> delivery;
  DeliveredBundle delivered;  // with --manifest: what runs
  if (options.delivery) {
    delivery.emplace(*options.delivery);
    load.module_cache_dir = (std::filesystem::path(options.delivery->cache_dir) / "modules").string();
    auto started = start_picked(*delivery, load, delivery->launch(), delivered);
    if (!started) {
      std::fprintf(stderr, "error: no bundle to run: %s\n", started.error().message.c_str());
      return kExitBadBundle;
    }
    bundle = std::move(started.value());
  } else {
    auto loaded = Bundle::load(load);
    if (!loaded) {
      std::fprintf(stderr, "error: %s\n", loaded.error().message.c_str());
      return kExitBadBundle;
    }
    bundle = std::move(loaded.value());
  }

  auto created = Renderer::create(static_cast<int>(options.width), static_cast<int>(options.height));
  if (!created) {
    std::fprintf(stderr, "error: %s\n", created.error().message.c_str());
    return kExitUsage;
  }
  Renderer &renderer = created.value();

  // The legacy JS: --legacy-js FILE, else (--manifest) the release's, verified in the cache.
  std::unique_ptr<LegacyJs> js;
  {
    std::string js_path = options.legacy_js;
    if (js_path.empty() && delivery) js_path = delivered.js_path;
    if (!js_path.empty()) {
      auto source = read_text_file(js_path);
      if (!source) {
        std::fprintf(stderr, "error: %s\n", source.error().message.c_str());
        return kExitUsage;
      }
      JsVmConfig config;
      config.collector_url = options.collector;
      config.app_version = delivery ? delivered.version : "dev";
      config.device = "touchline-host";
      auto loaded = JsVm::load(source.value(), config);
      if (loaded) {
        js = std::make_unique<LegacyJs>(std::move(loaded.value()));
      } else {
        // The run goes on without JS.
        std::fprintf(stderr, "js: error: %s\n", loaded.error().message.c_str());
      }
      std::fflush(stderr);
    }
  }

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
                               "Touchline - " + (delivery ? delivered.version : options.bundle));
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

  HostInput input;
  std::vector<Command> commands;
  std::vector<std::string> warnings;
  std::vector<double> engine_us;
  std::vector<double> render_us;
  WarningLog warning_log;
  // The storage area: --storage, else (delivered) the cache's storage/app.json.
  std::string storage_path = options.storage;
  if (storage_path.empty() && options.delivery) {
    storage_path = (std::filesystem::path(options.delivery->cache_dir) / "storage" / "app.json").string();
  }
  // A delivered run without --assets takes the release's assets (the manifest's `assets`).
  const std::string assets =
      !options.assets_given && !delivered.assets_url.empty() ? delivered.assets_url : options.assets;
  RequestHandler request_handler(assets, renderer, options.quiet, storage_path);
  bool storage_next = true;  // hand the storage area to the next frame (an instance's first)
  HostBus &bus = request_handler.bus;
  Recovery recovery;
  double launch_to_first_frame_ms = -1;
  bool have_frame = false;  // a good frame was rendered (and, with a window, presented)
  int exit_code = kExitOk;
  const size_t max_events = abi::MAX_EVENT_BATCH_BYTES / sizeof(abi::Event);
  const auto loop_start = Clock::now();
  const auto frame_period = std::chrono::microseconds(1000000 / 60);
  auto next_tick = loop_start;
  bool window_open = true;
  constexpr uint32_t kAbi14 = 1u << 16 | 4u;
  constexpr uint32_t kAbi15 = 1u << 16 | 5u;
  constexpr uint32_t kAbi16 = 1u << 16 | 6u;
  // Video (ABI 1.6): the list last drawn, when it has a VideoSurface (its bytes: the bundle's
  // memory changes), to draw again under an unchanged frame when the picture changes; and the
  // serial of the picture on screen (0: none).
  std::vector<uint8_t> video_list;
  std::vector<Command> replayed;
  uint64_t picture_on_screen = 0;

  // After a trap in frame `i` (its `error:` line printed): restarts the bundle — or, delivered
  // and demoted, starts the last good one — and reports the frame as stale. False: give up.
  const auto recover_from = [&](uint64_t i, int64_t time_us, size_t batch, Clock::time_point trapped_at,
                                const FrameError &trap) -> bool {
    // Recovery is timed from the trap (a watchdog trap comes a frame budget after the frame
    // began: that is detection, not recovery).
    const auto trap_returned = Clock::now();
    const TrapKind kind = bundle->trapped().value_or(trap.trap);
    const bool startup = recovery.frames_since_start < kStartupFrames;
    recovery.startup_traps = startup ? recovery.startup_traps + 1 : 1;
    const auto give_up = [&](const std::string &why) {
      std::fprintf(stderr, "error: %s\n", why.c_str());
      return false;
    };
    const std::string in_a_row = "bundle trapped at start-up " + std::to_string(recovery.startup_traps) +
                                 " times in a row; the last: " + trap.message + " (frame " + std::to_string(i) + ")";
    bool switched = false;
    double restart_ms = 0;
    if (delivery && startup && delivery->startup_trap(delivered)) {
      // Demoted (`delivery: demoted ...`): the newest good bundle starts in its place, fresh.
      const auto begun = Clock::now();
      bundle.reset();
      auto started = start_picked(*delivery, load, delivery->fallback(demoted_reason(delivered.version)), delivered);
      if (!started) return give_up(in_a_row + " (no bundle to run instead: " + started.error().message + ")");
      bundle = std::move(started.value());
      restart_ms = ms_between(begun, Clock::now());
      request_handler.saved_state.reset();  // the old bundle's, not this one's
      recovery.startup_traps = 0;
      switched = true;
    } else {
      if (startup && recovery.startup_traps >= kMaxStartupTraps) return give_up(in_a_row);
      auto restarted = bundle->restart();
      if (!restarted) return give_up("the bundle does not restart: " + restarted.error().message);
      restart_ms = restarted.value();
    }
    // Not after two start-up traps in a row: the state may be what kills it.
    const bool restored = !switched && request_handler.saved_state.has_value() && recovery.startup_traps < 2;
    recovery.restore_next = restored;
    storage_next = true;
    recovery.frames_since_start = 0;
    request_handler.video.forget();  // the new instance never opened it
    const std::string message = first_line(trap.message);
    std::printf("recovered: frame %04" PRIu64 ": %s (%s); restarted in %.1f ms%s%s\n", i, trap_kind_name(kind),
                message.c_str(), restart_ms, bundle->started_from_snapshot() ? " from the start-up snapshot" : "",
                restored ? ", restoring the saved state" : "");
    bus.queue_for_js(crash_message(i, trap_kind_name(kind), message, restart_ms));
    recovery.crashes.push_back(Crash{i, kind, trap.message, NAN, restored});
    recovery.recovering_since = std::make_pair(trap_returned, recovery.crashes.size() - 1);
    if (!options.quiet) {
      std::printf("frame %04" PRIu64 " t=%.3fms events=%zu commands=0 bytes=0 engine_us=%.0f\n", i,
                  static_cast<double>(time_us) / 1000.0, batch,
                  std::chrono::duration<double, std::micro>(Clock::now() - trapped_at).count());
    }
    std::fflush(stdout);
    return true;
  };

  for (uint64_t i = 0; i < frame_limit; ++i) {
    input.clear();
    const bool speaks_1_4 = bundle->abi_version() >= kAbi14;
    request_handler.video_abi = bundle->abi_version() >= kAbi16;
    const int64_t time_us =
        live ? std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - loop_start)
                   .count()
             : static_cast<int64_t>(i * 1000000 / 60);
    // The video's clock moves on at the start of the frame; its VideoPosition will be the
    // frame's last event, so the others leave it a place.
    request_handler.start_video_frame(i, time_us);
    const bool video_position = request_handler.video_abi && request_handler.video.is_open();
    const size_t event_limit = max_events - (video_position ? 1 : 0);
    // An instance's first frame: the storage area first (bounded when read and when written).
    if (std::exchange(storage_next, false) && bundle->abi_version() >= kAbi15 && request_handler.storage.data()) {
      const auto &data = *request_handler.storage.data();
      (void)input.push_storage_data(data.data(), data.size());
    }
    // A restarted instance's first frame starts with the state its predecessor saved.
    if (std::exchange(recovery.restore_next, false) && speaks_1_4 && request_handler.saved_state) {
      const auto &state = *request_handler.saved_state;
      if (!input.push_restore_state(state.data(), state.size())) {
        std::fprintf(stderr, "warning: frame %04" PRIu64 ": the saved state is too large to restore\n", i);
      }
    }
    // Scripted key j goes out at frame 1 + j * interval, as a KeyDown and a KeyUp.
    if (i >= 1 && (i - 1) % options.key_interval == 0) {
      const uint64_t j = (i - 1) / options.key_interval;
      if (j < options.keys.size() && options.keys[j]) {
        abi::Event down{static_cast<uint32_t>(abi::EventKind::KeyDown),
                        static_cast<uint32_t>(*options.keys[j]), 0, 0};
        abi::Event up = down;
        up.kind = static_cast<uint32_t>(abi::EventKind::KeyUp);
        input.push(down);
        input.push(up);
      }
    }
    if (window) {
      window_open = window->poll(live ? &input.events : nullptr);
      if (!window_open) break;
      if (input.events.size() > event_limit) input.events.resize(event_limit);
    }
    // Faults a test asked for go on the bus, then the bus's messages (1.4 bundles only), then
    // answers to earlier requests, in the order they were known: network fetches that
    // finished since the last frame join the queue first.
    for (const InjectedFault &fault : options.faults) {
      if (fault.due(i)) bus.queue_for_bundle(BusSource::Host, fault_message(fault.fault));
    }
    if (speaks_1_4) request_handler.deliver_bus(input, event_limit);
    request_handler.collect(i);
    request_handler.deliver(input, event_limit);
    if (video_position) input.push(*request_handler.video.position_event());

    FrameView view;
    FrameError frame_error;
    const auto engine_start = Clock::now();
    const bool ran = bundle->frame(time_us, input.events, input.payload, view, frame_error);
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
      std::fflush(stderr);
      if (frame_error.kind == FrameFailure::Trap && recover &&
          recover_from(i, time_us, input.events.size(), engine_start, frame_error)) {
        continue;  // the frame stays stale: the last good pixels are on screen
      }
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
    // The video's picture at the position (decoded only when a surface shows it).
    const std::vector<Command> *to_draw = nullptr;
    const VideoFrame *picture = nullptr;
    if (!unchanged) {
      to_draw = &commands;
      if (has_video_surface(commands)) {
        video_list.assign(view.list, view.list + view.len);
        picture = request_handler.video.picture();
      } else {
        video_list.clear();
      }
    } else if (!video_list.empty()) {
      // An unchanged frame over a video whose picture changed: the last list again, without
      // its atlas commands (an AtlasPage would clear a page its glyphs use).
      picture = request_handler.video.picture();
      if ((picture != nullptr ? picture->serial : 0) != picture_on_screen) {
        auto last = DisplayListReader::open(video_list.data(), video_list.size());
        if (last && last.value().decode(replayed)) {
          replayed.erase(std::remove_if(replayed.begin(), replayed.end(),
                                        [](const Command &c) {
                                          return std::holds_alternative<abi::AtlasPageCmd>(c) ||
                                                 std::holds_alternative<AtlasUpload>(c);
                                        }),
                         replayed.end());
          to_draw = &replayed;
        }
      }
    }
    if (to_draw != nullptr) {
      const auto render_start = Clock::now();
      warnings.clear();
      renderer.render(*to_draw, warnings, picture);
      render_us.push_back(
          std::chrono::duration<double, std::micro>(Clock::now() - render_start).count());
      warning_log.report(i, warnings);
      picture_on_screen = picture != nullptr ? picture->serial : 0;
      if (window) window->present(renderer.surface());
    } else if (live) {
      window->present(nullptr);  // nothing new, but keep the display's pace
    }
    // After the frame is drawn: an image loaded now is drawn from the next frame on.
    request_handler.handle(i, bundle->requests());
    // The legacy JS VM (docs/legacy-js.md): the bundle's messages of this frame (and the
    // host's), then its tick at the frame's time; without a VM the messages wait (bounded).
    if (js) js->run_frame(bus, static_cast<double>(time_us) / 1000.0);
    have_frame = true;
    // kStartupFrames frames of one instance: it has started (and, delivered, is good).
    if (++recovery.frames_since_start == kStartupFrames) {
      recovery.startup_traps = 0;
      if (delivery) delivery->mark_good(delivered);
    }
    if (recovery.recovering_since) {
      recovery.crashes[recovery.recovering_since->second].recovery_ms =
          ms_between(recovery.recovering_since->first, Clock::now());
      recovery.recovering_since.reset();
    }
    if (launch_to_first_frame_ms < 0) launch_to_first_frame_ms = ms_between(launched, Clock::now());

    if (!options.quiet) {
      // The open video's position and state, so that a scripted session can be checked against
      // the match clock (the app e2e cases).
      std::string video_fields;
      if (const auto at = request_handler.video.position_ms()) {
        video_fields = " video_ms=" + std::to_string(*at) + " video=" +
                       video_state_name(request_handler.video.state().value_or(abi::VideoState::Ready));
      }
      std::printf("frame %04" PRIu64 " t=%.3fms events=%zu commands=%u bytes=%zu%s engine_us=%.0f\n",
                  i, static_cast<double>(time_us) / 1000.0, input.events.size(),
                  reader.value().header().command_count, view.len, video_fields.c_str(), engine_us.back());
      std::fflush(stdout);
    }
    for (const auto &[frame, file] : options.screenshots_at) {
      if (frame != i) continue;
      Status written = window ? window->screenshot(file) : write_png(renderer.surface(), file);
      if (!written) {
        std::fprintf(stderr, "error: %s\n", written.error().message.c_str());
        if (exit_code == kExitOk) exit_code = kExitUsage;
      }
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

  std::string recovery_fields;
  if (recover) {
    double sum = 0;
    double max = 0;
    size_t recovered = 0;
    for (const Crash &crash : recovery.crashes) {
      if (std::isnan(crash.recovery_ms)) continue;
      sum += crash.recovery_ms;
      max = std::max(max, crash.recovery_ms);
      ++recovered;
    }
    char text[320];
    std::snprintf(text, sizeof text,
                  " crashes=%zu recovered=%zu recovery_ms_mean=%.1f recovery_ms_max=%.1f state_saves=%" PRIu64
                  " bus_from_bundle=%" PRIu64 " bus_dropped=%" PRIu64 " bus_malformed=%" PRIu64,
                  recovery.crashes.size(), recovered, recovered == 0 ? 0.0 : sum / static_cast<double>(recovered),
                  max, request_handler.state_saves, bus.from_bundle, bus.dropped, bus.malformed);
    recovery_fields = text;
  }
  std::string tail;
  if (js) {
    js->finish(kJsReportDrainMs);
    tail += js->summary_fields();
  }
  tail += recovery_fields;
  if (request_handler.storage.kept_on_disk()) {
    tail += " storage_writes=" + std::to_string(request_handler.storage.writes());
  }
  if (bundle && bundle->abi_version() >= kAbi16) {
    const VideoSession &video = request_handler.video;
    tail += " videos_opened=" + std::to_string(video.opened()) + " videos_failed=" + std::to_string(video.failed()) +
            " video_frames=" + std::to_string(video.frames_decoded());
  }
  if (bundle && report_module) tail += std::string(" module=") + module_source_name(bundle->module_source());
  if (delivery) tail += std::string(" bundle_source=") + bundle_source_name(delivered.source);

  const Stats engine = stats_of(engine_us);
  const Stats render = stats_of(render_us);
  const LoadTimings t = bundle ? bundle->timings() : LoadTimings{};
  std::printf(
      "summary: frames=%zu launch_to_first_frame_ms=%.1f compile_ms=%.1f instantiate_ms=%.1f "
      "init_ms=%.1f init=%s engine_us_mean=%.0f engine_us_p50=%.0f engine_us_max=%.0f "
      "render_us_mean=%.0f render_us_max=%.0f engine=%s images_loaded=%" PRIu64
      " images_failed=%" PRIu64 " announcements=%" PRIu64 "%s\n",
      engine_us.size(), launch_to_first_frame_ms, t.compile_ms, t.instantiate_ms, t.init_ms,
      t.init_from_snapshot ? "snapshot" : "ran",
      engine.mean, engine.p50, engine.max, render.mean, render.max, engine_name(options.engine),
      request_handler.images_loaded, request_handler.images_failed, request_handler.announcements,
      tail.c_str());
  std::fflush(stdout);
  return exit_code;
}

}  // namespace touchline::host
