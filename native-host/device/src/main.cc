// touchline-host: the C++ device host. Parses the command line (docs/host-abi.md, "Host
// command line") and hands over to run().

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "run.h"

namespace {

using namespace touchline::host;

const char kUsage[] =
    "usage: touchline-host BUNDLE.wasm [flags]\n"
    "       touchline-host --manifest URL [--cache DIR] [--public-key HEX] [flags]\n"
    "  --headless                no window (the default when there is no display)\n"
    "  --size WxH                viewport, default 1920x1080\n"
    "  --keys right,right,enter  key script: up down left right enter|select|ok back|escape\n"
    "                            play|playpause inspector|f12, and wait (no key in that slot)\n"
    "  --key-interval N          frames between scripted keys, default 1\n"
    "  --frames N                frames to run; headless default: 2 + keys x interval\n"
    "  --screenshot out.png      PNG of the last frame (window mode: read back from the window)\n"
    "  --screenshot-at N=out.png PNG of frame N (repeatable), e.g. each page of a scripted session\n"
    "  --dump-display-list DIR   DIR/frame-NNNN.tldl, the exact bytes of each frame's list\n"
    "  --quiet                   no per-frame lines\n"
    "  --assets DIR|URL          where relative image, fetch and video URLs resolve, default\n"
    "                            ./assets (with --manifest: the release's assets, if it has them)\n"
    "  --engine cranelift|pulley compile with Cranelift (default) or run on the Pulley interpreter\n"
    "  --recover                 after a trap, restart the bundle and restore its saved state\n"
    "                            (always on with --manifest)\n"
    "  --inject-fault KIND@FRAME[/EVERY]  post {\"type\":\"touchline.fault\",\"fault\":KIND} to a\n"
    "                            fault-injection bundle on that frame (KIND: panic, loop, oom)\n"
    "  --frame-budget-ms N       the longest one frame may run before it is stopped (a trap),\n"
    "                            default 1000\n"
    "  --memory-limit-mb N       the most linear memory the bundle may have, default 256\n"
    "  --module-cache DIR        keep the compiled module in DIR and load it next time\n"
    "                            (BUNDLE.wasm runs; --manifest uses CACHE/modules)\n"
    "  --storage FILE            keep the app's storage area in FILE between runs (with\n"
    "                            --manifest: CACHE/storage/app.json)\n"
    "  --no-startup-snapshot     initialise every instance (default: later ones, and warm\n"
    "                            starts, copy in the memory the first touchline_init left)\n"
    "  --legacy-js FILE          run this legacy JS beside the bundle (docs/legacy-js.md);\n"
    "                            with --manifest the release's runs unless this is given\n"
    "  --collector URL           where the legacy JS sends its reports (host.config.collectorUrl)\n"
    "  --manifest URL            run the release this manifest names (docs/delivery.md)\n"
    "  --cache DIR               the delivery cache, default .touchline-cache\n"
    "  --public-key HEX          the key manifests are signed with (64 hex), default built in\n"
    "  --download-timeout-ms N   every download's total timeout (default: manifest 5000,\n"
    "                            bundle 20000)\n"
    "  --download-connect-timeout-ms N  connect timeout, default 5000\n"
    "  --download-backoff-ms N   wait before the 2nd attempt (x2 before the 3rd), default 200\n"
    "  --help                    this text\n";

// Names as in Key::from_name (abi/src/event.rs).
bool key_from_name(std::string_view name, abi::Key &key) {
  struct Name {
    const char *name;
    abi::Key key;
  };
  static const Name kNames[] = {
      {"up", abi::Key::Up},           {"down", abi::Key::Down},
      {"left", abi::Key::Left},       {"right", abi::Key::Right},
      {"enter", abi::Key::Select},    {"select", abi::Key::Select},
      {"ok", abi::Key::Select},       {"back", abi::Key::Back},
      {"escape", abi::Key::Back},     {"play", abi::Key::PlayPause},
      {"playpause", abi::Key::PlayPause}, {"inspector", abi::Key::Inspector},
      {"f12", abi::Key::Inspector},
  };
  for (const auto &n : kNames) {
    if (name == n.name) {
      key = n.key;
      return true;
    }
  }
  return false;
}

bool parse_u64(std::string_view text, uint64_t &out) {
  if (text.empty() || text.size() > 19) return false;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  out = value;
  return true;
}

bool is_http_url(std::string_view url) {
  std::string lower(url.substr(0, 8));
  for (char &c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return (lower.rfind("http://", 0) == 0 && url.size() > 7) || (lower.rfind("https://", 0) == 0 && url.size() > 8);
}

bool parse_size(std::string_view text, uint32_t &w, uint32_t &h) {
  const auto x = text.find('x');
  if (x == std::string_view::npos) return false;
  uint64_t a = 0;
  uint64_t b = 0;
  if (!parse_u64(text.substr(0, x), a) || !parse_u64(text.substr(x + 1), b)) return false;
  if (a < 1 || b < 1 || a > 16384 || b > 16384) return false;
  w = static_cast<uint32_t>(a);
  h = static_cast<uint32_t>(b);
  return true;
}

struct Parsed {
  Options options;
  bool help = false;
  std::string error;  // non-empty: bad command line
};

Parsed parse(int argc, char **argv) {
  Parsed p;
  Options &o = p.options;
  DeliveryOptions delivery;
  bool delivery_flags = false;  // a delivery flag other than --manifest was given
  const auto fail = [&](std::string message) {
    p.error = std::move(message);
    return p;
  };
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view value;
    bool has_value = false;
    if (arg.rfind("--", 0) == 0) {
      if (const auto eq = arg.find('='); eq != std::string_view::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        has_value = true;
      }
    }
    const auto take = [&](std::string_view &out) {
      if (has_value) {
        out = value;
        return true;
      }
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    std::string_view v;
    if (arg == "--help" || arg == "-h") {
      p.help = true;
    } else if (arg == "--headless") {
      o.headless = true;
    } else if (arg == "--quiet") {
      o.quiet = true;
    } else if (arg == "--size") {
      if (!take(v) || !parse_size(v, o.width, o.height)) {
        return fail("--size wants WxH, each 1 to 16384, e.g. 1920x1080");
      }
    } else if (arg == "--keys") {
      if (!take(v)) return fail("--keys wants a comma-separated list of keys");
      o.keys.clear();
      size_t start = 0;
      while (!v.empty() && start <= v.size()) {
        const auto comma = v.find(',', start);
        const auto name = v.substr(start, comma == std::string_view::npos ? v.npos : comma - start);
        abi::Key key;
        if (name == "wait") {
          o.keys.emplace_back(std::nullopt);
        } else if (key_from_name(name, key)) {
          o.keys.emplace_back(key);
        } else {
          return fail("unknown key `" + std::string(name) +
                      "` in --keys (up, down, left, right, enter, back, play, inspector, wait)");
        }
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
    } else if (arg == "--key-interval") {
      uint64_t n = 0;
      if (!take(v) || !parse_u64(v, n) || n < 1 || n > 1000000) {
        return fail("--key-interval wants a whole number of frames, at least 1");
      }
      o.key_interval = static_cast<uint32_t>(n);
    } else if (arg == "--frames") {
      uint64_t n = 0;
      if (!take(v) || !parse_u64(v, n)) return fail("--frames wants a whole number");
      o.frames = n;
    } else if (arg == "--screenshot") {
      if (!take(v) || v.empty()) return fail("--screenshot wants a file name");
      o.screenshot = std::string(v);
    } else if (arg == "--screenshot-at") {
      const char *wants = "--screenshot-at wants FRAME=FILE, e.g. 120=home.png";
      if (!take(v)) return fail(wants);
      const auto eq = v.find('=');
      uint64_t frame = 0;
      if (eq == std::string_view::npos || eq + 1 == v.size() || !parse_u64(v.substr(0, eq), frame)) {
        return fail(wants);
      }
      o.screenshots_at.emplace_back(frame, std::string(v.substr(eq + 1)));
    } else if (arg == "--dump-display-list") {
      if (!take(v) || v.empty()) return fail("--dump-display-list wants a directory");
      o.dump_dir = std::string(v);
    } else if (arg == "--assets") {
      if (!take(v) || v.empty()) return fail("--assets wants a directory or an http(s) URL");
      o.assets = std::string(v);
      o.assets_given = true;
      if (is_http_url(o.assets) && o.assets.back() != '/') o.assets += '/';
    } else if (arg == "--engine") {
      if (!take(v)) return fail("--engine wants cranelift or pulley");
      if (v == "cranelift") {
        o.engine = EngineKind::Cranelift;
      } else if (v == "pulley") {
        o.engine = EngineKind::Pulley;
      } else {
        return fail("--engine wants cranelift or pulley, not `" + std::string(v) + "`");
      }
    } else if (arg == "--recover") {
      o.recover = true;
    } else if (arg == "--inject-fault") {
      if (!take(v)) return fail("--inject-fault wants KIND@FRAME or KIND@FRAME/EVERY (KIND: panic, loop, oom)");
      auto fault = parse_injected_fault(v);
      if (!fault) return fail("--inject-fault " + fault.error().message);
      o.faults.push_back(fault.value());
    } else if (arg == "--frame-budget-ms") {
      uint64_t n = 0;
      if (!take(v) || !parse_u64(v, n) || n < 1 || n > 3600000) {
        return fail("--frame-budget-ms wants a whole number of milliseconds, 1 to 3600000");
      }
      o.frame_budget_ms = static_cast<uint32_t>(n);
    } else if (arg == "--memory-limit-mb") {
      uint64_t n = 0;
      if (!take(v) || !parse_u64(v, n) || n < 1 || n > 4096) {
        return fail("--memory-limit-mb wants a whole number of MiB, 1 to 4096");
      }
      o.memory_limit_mb = n;
    } else if (arg == "--module-cache") {
      if (!take(v) || v.empty()) return fail("--module-cache wants a directory");
      o.module_cache = std::string(v);
    } else if (arg == "--storage") {
      if (!take(v) || v.empty()) return fail("--storage wants a file");
      o.storage = std::string(v);
    } else if (arg == "--no-startup-snapshot") {
      o.startup_snapshots = false;
    } else if (arg == "--legacy-js") {
      if (!take(v) || v.empty()) return fail("--legacy-js wants a file");
      o.legacy_js = std::string(v);
    } else if (arg == "--collector") {
      if (!take(v) || v.empty()) return fail("--collector wants a URL");
      o.collector = std::string(v);
    } else if (arg == "--manifest") {
      if (!take(v) || !is_http_url(v)) return fail("--manifest wants an http:// or https:// URL");
      delivery.manifest_url = std::string(v);
    } else if (arg == "--cache") {
      if (!take(v) || v.empty()) return fail("--cache wants a directory");
      delivery.cache_dir = std::string(v);
      delivery_flags = true;
    } else if (arg == "--public-key") {
      if (!take(v)) return fail("--public-key wants 64 hex characters (a raw Ed25519 public key)");
      auto key = parse_public_key(v);
      if (!key) return fail("--public-key wants 64 hex characters (a raw Ed25519 public key)");
      delivery.public_key = key.value();
      delivery_flags = true;
    } else if (arg == "--download-timeout-ms" || arg == "--download-connect-timeout-ms" ||
               arg == "--download-backoff-ms") {
      const bool backoff = arg == "--download-backoff-ms";
      uint64_t n = 0;
      if (!take(v) || !parse_u64(v, n) || n > 3600000 || (n == 0 && !backoff)) {
        return fail(std::string(arg) + " wants a whole number of milliseconds" +
                    (backoff ? "" : ", at least 1"));
      }
      if (arg == "--download-timeout-ms") {
        delivery.download.timeout_ms = static_cast<uint32_t>(n);
      } else if (backoff) {
        delivery.download.backoff_ms = static_cast<uint32_t>(n);
      } else {
        delivery.download.connect_timeout_ms = static_cast<uint32_t>(n);
      }
      delivery_flags = true;
    } else if (arg.rfind("-", 0) == 0 && arg.size() > 1) {
      return fail("unknown flag `" + std::string(arg) + "`");
    } else if (o.bundle.empty()) {
      o.bundle = std::string(arg);
    } else {
      return fail("one bundle only (got `" + o.bundle + "` and `" + std::string(arg) + "`)");
    }
    if (has_value && (arg == "--headless" || arg == "--quiet" || arg == "--help" || arg == "--recover")) {
      return fail(std::string(arg) + " takes no value");
    }
  }
  if (p.help) return p;
  if (!delivery.manifest_url.empty()) {
    if (!o.bundle.empty()) {
      return fail("give BUNDLE.wasm or --manifest URL, not both (got `" + o.bundle + "` too)");
    }
    if (!o.module_cache.empty()) {
      return fail("--module-cache goes with BUNDLE.wasm (--manifest keeps modules in CACHE/modules)");
    }
    o.delivery = std::move(delivery);
  } else if (delivery_flags) {
    return fail("--cache, --public-key and --download-* go with --manifest URL");
  } else if (o.bundle.empty()) {
    return fail("no bundle given (BUNDLE.wasm or --manifest URL)");
  }
  return p;
}

}  // namespace

int main(int argc, char **argv) {
  const auto launched = std::chrono::steady_clock::now();
  // A closed stdout (`touchline-host ... | head`) is an error to report, not a way to die.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    Parsed parsed = parse(argc, argv);
    if (parsed.help) {
      std::fputs(kUsage, stdout);
      return kExitOk;
    }
    if (!parsed.error.empty()) {
      std::fprintf(stderr, "error: %s\n%s", parsed.error.c_str(), kUsage);
      return kExitUsage;
    }
    return run(parsed.options, launched);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "error: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "error: internal error\n");
  }
  return kExitBadBundle;
}
