// Tests of the legacy JS VM (src/js_vm.h, Duktape) and the report poster (src/http_post.h),
// one CTest test (`js.NAME`) per function: `touchline-js-vm-tests NAME` runs one,
// `touchline-js-vm-tests` runs all. The app's real script is TOUCHLINE_LEGACY_JS
// (pages/legacy/legacy.js, its path given by CMake).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http_post.h"
#include "js_vm.h"

using namespace touchline::host;
using json = nlohmann::json;

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

#define CHECK_EQ_NUM(a, b)                                                                      \
  do {                                                                                          \
    const auto a_ = (a);                                                                        \
    const auto b_ = (b);                                                                        \
    if (!(a_ == b_)) {                                                                          \
      std::fprintf(stderr, "%s:%d: %s == %g, not %g\n", __FILE__, __LINE__, #a,                 \
                   static_cast<double>(a_), static_cast<double>(b_));                           \
      ++g_failures;                                                                             \
    }                                                                                           \
  } while (0)

const char *const kCollector = "http://collector.test/reports";

std::string read_file(const char *path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A VM and the lines it printed.
struct Harness {
  std::shared_ptr<std::vector<std::string>> lines = std::make_shared<std::vector<std::string>>();
  std::unique_ptr<JsVm> vm;

  bool printed(const std::string &line) const {
    return std::find(lines->begin(), lines->end(), line) != lines->end();
  }
  bool printed_prefix(const std::string &prefix) const {
    return std::any_of(lines->begin(), lines->end(),
                       [&](const std::string &l) { return l.compare(0, prefix.size(), prefix) == 0; });
  }
  void dump() const {
    for (const auto &l : *lines) std::fprintf(stderr, "  printed: %s\n", l.c_str());
  }
};

JsVmConfig config_with(std::optional<std::string> collector, Harness &h) {
  JsVmConfig config;
  config.collector_url = std::move(collector);
  config.app_version = "2.4.1";
  config.device = "test-tv";
  auto lines = h.lines;
  config.print = [lines](std::string_view line) { lines->emplace_back(line); };
  return config;
}

Harness load(const std::string &source, std::optional<std::string> collector = kCollector) {
  Harness h;
  auto vm = JsVm::load(source, config_with(std::move(collector), h));
  if (!vm.ok()) {
    std::fprintf(stderr, "load failed: %s\n", vm.error().message.c_str());
    ++g_failures;
    return h;
  }
  h.vm = std::make_unique<JsVm>(std::move(vm).value());
  return h;
}

Harness load_legacy(std::optional<std::string> collector = kCollector) {
  const std::string source = read_file(TOUCHLINE_LEGACY_JS);
  CHECK(!source.empty());
  Harness h = load(source, std::move(collector));
  if (h.vm) {
    const auto posts = h.vm->take_posts();  // js.ready
    CHECK(posts.size() == 1);
  }
  return h;
}

json parse(const std::string &text) {
  json value = json::parse(text, nullptr, false);
  if (value.is_discarded()) {
    std::fprintf(stderr, "not JSON: %s\n", text.c_str());
    ++g_failures;
  }
  return value;
}

std::string history(std::initializer_list<std::pair<const char *, const char *>> pages) {
  json stack = json::array();
  for (const auto &[page, param] : pages) {
    json entry = {{"page", page}};
    if (param != nullptr) entry["param"] = param;
    stack.push_back(entry);
  }
  return json{{"type", "history"}, {"stack", stack}}.dump();
}

std::string metric(const char *name, double value, const char *page, double t_ms) {
  return json{{"type", "metric"}, {"name", name}, {"value", value}, {"page", page}, {"t_ms", t_ms}}.dump();
}

std::string crash(int frame) {
  return json{{"type", "crash"}, {"frame", frame}, {"kind", "panic"}, {"message", "boom"}, {"restart_ms", 80}}
      .dump();
}

// ---- the app's legacy.js ----

void legacy_loads_and_posts_ready() {
  Harness h = load(read_file(TOUCHLINE_LEGACY_JS));
  if (!h.vm) return;
  const auto posts = h.vm->take_posts();
  CHECK(posts.size() == 1);
  if (posts.size() == 1) {
    const json ready = parse(posts[0]);
    CHECK(ready == json({{"type", "js.ready"}, {"version", "1"}}));
  }
  const JsCounters c = h.vm->counters();
  CHECK(c.posted == 1 && c.errors == 0 && c.dropped == 0 && c.malformed == 0);
  CHECK(h.vm->take_posts().empty());
  CHECK(!h.vm->stopped());
  CHECK(h.vm->heap_bytes() > 0 && h.vm->heap_bytes() < kDefaultJsHeapLimit);
}

void legacy_mirrors_history() {
  Harness h = load_legacy();
  if (!h.vm) return;
  h.vm->set_now(10);
  h.vm->deliver(history({{"home", nullptr}, {"match", "42"}}));
  h.vm->deliver(crash(12));
  auto posts = h.vm->take_http_posts();
  CHECK(posts.size() == 1);
  if (posts.size() != 1) return;
  CHECK_EQ_STR(posts[0].url, kCollector);
  json report = parse(posts[0].body);
  CHECK_EQ_STR(report.value("page", ""), "match");
  CHECK(report.value("depth", 0) == 2);
  CHECK_EQ_STR(report.value("app", ""), "touchline");
  CHECK_EQ_STR(report.value("appVersion", ""), "2.4.1");
  CHECK_EQ_STR(report.value("device", ""), "test-tv");
  CHECK(report["reports"].size() == 1);
  const json &entry = report["reports"][0];
  CHECK_EQ_STR(entry.value("type", ""), "crash");
  CHECK_EQ_STR(entry.value("kind", ""), "panic");
  CHECK_EQ_STR(entry.value("page", ""), "match");
  CHECK(entry.value("frame", 0) == 12 && entry.value("restart_ms", 0) == 80);
  // Back to the home page: the next report says so.
  h.vm->deliver(history({{"home", nullptr}}));
  h.vm->deliver(metric("frame_ms", 16, "home", 20));
  h.vm->deliver(crash(13));
  posts = h.vm->take_http_posts();
  CHECK(posts.size() == 1);
  if (posts.size() != 1) return;
  report = parse(posts[0].body);
  CHECK_EQ_STR(report.value("page", ""), "home");
  CHECK(report.value("depth", 0) == 1);
  CHECK(report["reports"].size() == 2);
  CHECK_EQ_STR(report["reports"][0].value("type", ""), "metric");
  CHECK_EQ_STR(report["reports"][1].value("page", ""), "home");
  CHECK(h.vm->counters().errors == 0 && h.vm->counters().delivered == 5);
}

void legacy_batches_metrics_at_50() {
  Harness h = load_legacy();
  if (!h.vm) return;
  h.vm->deliver(history({{"home", nullptr}}));
  for (int i = 0; i < 49; ++i) {
    h.vm->set_now(100 + i);
    h.vm->deliver(metric("frame_ms", i, "home", 100 + i));
    h.vm->tick(100 + i);
  }
  CHECK(h.vm->take_http_posts().empty());
  h.vm->deliver(metric("frame_ms", 49, "home", 149));
  auto posts = h.vm->take_http_posts();
  CHECK(posts.size() == 1);
  if (posts.size() != 1) return;
  const json report = parse(posts[0].body);
  CHECK(report["reports"].is_array() && report["reports"].size() == 50);
  for (size_t i = 0; i < report["reports"].size(); ++i) {
    const json &entry = report["reports"][i];
    CHECK(entry.value("type", "") == "metric" && entry.value("value", -1) == static_cast<int>(i));
  }
  CHECK(report.value("dropped", -1) == 0);
  // Nothing pending: a tick 5 s later sends nothing.
  h.vm->tick(6000);
  CHECK(h.vm->take_http_posts().empty());
  CHECK(h.vm->counters().http_posts == 1 && h.vm->counters().errors == 0);
}

void legacy_flushes_metrics_after_5000_ms() {
  Harness h = load_legacy();
  if (!h.vm) return;
  h.vm->tick(0);
  h.vm->set_now(1000);
  for (int i = 0; i < 3; ++i) h.vm->deliver(metric("frame_ms", i, "home", 1000));
  h.vm->tick(1000);
  h.vm->tick(4999);
  CHECK(h.vm->take_http_posts().empty());
  h.vm->tick(5000);
  auto posts = h.vm->take_http_posts();
  CHECK(posts.size() == 1);
  if (posts.size() == 1) CHECK(parse(posts[0].body)["reports"].size() == 3);
  h.vm->deliver(metric("frame_ms", 3, "home", 6000));
  h.vm->tick(9999);
  CHECK(h.vm->take_http_posts().empty());
  h.vm->tick(10000);
  posts = h.vm->take_http_posts();
  CHECK(posts.size() == 1);
  if (posts.size() == 1) CHECK(parse(posts[0].body)["reports"].size() == 1);
}

void legacy_flushes_a_crash_at_once() {
  Harness h = load_legacy();
  if (!h.vm) return;
  h.vm->set_now(50);
  h.vm->deliver(metric("a", 1, "home", 50));
  h.vm->deliver(json{{"type", "log"}, {"level", "warn"}, {"message", "slow"}}.dump());
  CHECK(h.vm->take_http_posts().empty());
  h.vm->deliver(crash(7));
  const auto posts = h.vm->take_http_posts();
  CHECK(posts.size() == 1);
  if (posts.size() != 1) return;
  const json report = parse(posts[0].body);
  CHECK(report["reports"].size() == 3);
  CHECK_EQ_STR(report["reports"][1].value("type", ""), "log");
  CHECK_EQ_STR(report["reports"][2].value("type", ""), "crash");
  CHECK(report["reports"][2].value("frame", 0) == 7);
  CHECK_EQ_STR(report["reports"][2].value("message", ""), "boom");
}

void legacy_without_a_collector_sends_nothing() {
  Harness h = load_legacy(std::nullopt);
  if (!h.vm) return;
  h.vm->deliver(crash(1));
  for (int i = 0; i < 60; ++i) h.vm->deliver(metric("m", i, "home", 0));
  h.vm->tick(60000);
  CHECK(h.vm->take_http_posts().empty());
  CHECK(h.vm->counters().errors == 0 && h.vm->counters().delivered == 61);
}

// ---- the host object and errors ----

void handler_throws_and_recovers() {
  Harness h = load(R"JS(
    var n = 0;
    host.onMessage(function (m) {
      n += 1;
      if (m.type === "boom") { throw new Error("boom " + n); }
      if (m.type === "undefined") { nothing.here(); }
      host.post({ type: "seen", n: n });
    });
  )JS");
  if (!h.vm) return;
  h.vm->deliver(R"({"type":"boom"})");
  CHECK(h.vm->counters().errors == 1);
  CHECK(h.printed("js: error: Error: boom 1"));
  h.vm->deliver(R"({"type":"undefined"})");
  CHECK(h.vm->counters().errors == 2);
  CHECK(h.printed_prefix("js: error: ReferenceError"));
  h.vm->deliver(R"({"type":"fine"})");
  const auto posts = h.vm->take_posts();
  CHECK(posts.size() == 1 && posts[0] == R"({"type":"seen","n":3})");
  CHECK(h.vm->counters().errors == 2 && h.vm->counters().delivered == 3);
  if (g_failures) h.dump();
}

void tick_throws_and_recovers() {
  Harness h = load(R"JS(
    host.onTick(function (now) {
      if (now < 100) { throw "too early: " + now; }
      host.post({ type: "tick", now: now });
    });
  )JS");
  if (!h.vm) return;
  h.vm->tick(16);
  CHECK(h.vm->counters().errors == 1 && h.printed("js: error: too early: 16"));
  h.vm->tick(116);
  const auto posts = h.vm->take_posts();
  CHECK(posts.size() == 1 && posts[0] == R"({"type":"tick","now":116})");
}

void throw_at_load_keeps_the_handlers() {
  Harness h = load(R"JS(
    host.onMessage(function (m) { host.post({ type: "got", what: m.type }); });
    throw new TypeError("half-way");
  )JS");
  if (!h.vm) return;
  CHECK(h.vm->counters().errors == 1 && h.printed("js: error: TypeError: half-way"));
  h.vm->deliver(R"({"type":"ping"})");
  const auto posts = h.vm->take_posts();
  CHECK(posts.size() == 1 && posts[0] == R"({"type":"got","what":"ping"})");
}

void syntax_error_is_an_error() {
  Harness h;
  auto vm = JsVm::load("host.onMessage(function (m) {", config_with(kCollector, h));
  CHECK(!vm.ok());
  if (vm.ok()) return;
  const std::string &message = vm.error().message;
  CHECK(message.find("legacy JS does not compile: SyntaxError") == 0);
  if (g_failures) std::fprintf(stderr, "  %s\n", message.c_str());
  CHECK(h.lines->empty());
}

void malformed_messages_are_counted() {
  Harness h = load(R"JS(
    host.onMessage(function (m) { host.post({ type: "got", what: m.type }); });
  )JS");
  if (!h.vm) return;
  const std::string filler_head = R"({"type":"big","s":")";
  const std::string at_limit = filler_head + std::string(kMaxJsMessageBytes - filler_head.size() - 2, 'x') + "\"}";
  const std::string over_limit = filler_head + std::string(kMaxJsMessageBytes - filler_head.size() - 1, 'x') + "\"}";
  CHECK(at_limit.size() == kMaxJsMessageBytes && over_limit.size() == kMaxJsMessageBytes + 1);
  for (const std::string &bad : {std::string("not json"), std::string("[1,2]"), std::string(R"({"type":5})"),
                                 std::string("{}"), std::string(R"("text")"), std::string("null"),
                                 std::string(R"({"type":"x")"), over_limit}) {
    h.vm->deliver(bad);
  }
  h.vm->deliver(at_limit);
  h.vm->deliver(R"({"type":"ok","n":[1,{"a":null}]})");
  const JsCounters c = h.vm->counters();
  CHECK_EQ_NUM(c.malformed, 8);
  CHECK_EQ_NUM(c.delivered, 2);
  CHECK(c.errors == 0);
  const auto posts = h.vm->take_posts();
  CHECK(posts.size() == 2 && posts[0] == R"({"type":"got","what":"big"})" &&
        posts[1] == R"({"type":"got","what":"ok"})");
  CHECK(h.printed_prefix("js: malformed message dropped: not JSON (SyntaxError"));
  CHECK(h.printed("js: malformed message dropped: not an object with a string \"type\""));
  CHECK(h.printed("js: malformed message dropped: over 65536 bytes"));
  if (g_failures) h.dump();
}

void post_refuses_what_is_not_a_message() {
  Harness h = load(R"JS(
    var results = [];
    function attempt(value) { results.push(host.post(value)); }
    attempt(5); attempt(null); attempt(undefined); attempt("{\"type\":\"x\"}"); attempt([1]);
    attempt({ type: 3 }); attempt({ kind: "x" }); attempt(function () {});
    var cyclic = { type: "cyclic" }; cyclic.self = cyclic; attempt(cyclic);
    attempt({ type: "big", s: new Array(70000).join("x") });
    attempt({ type: "json", toJSON: function () { return { type: "replaced" }; } });
    var queued = 1;
    for (var i = 0; i < 300; i++) { if (host.post({ type: "fill", i: i })) { queued += 1; } }
    host.log("info", JSON.stringify(results) + " " + queued);
    host.onMessage(function (m) {
      var head = '{"type":"b","s":"';
      function sized(n) { return { type: "b", s: new Array(n - head.length - 2 + 1).join("y") }; }
      host.log("info", "limit " + host.post(sized(65536)) + " " + host.post(sized(65537)));
    });
  )JS");
  if (!h.vm) return;
  CHECK(h.printed("js: info: [false,false,false,false,false,false,false,false,false,false,true] 256"));
  auto posts = h.vm->take_posts();
  CHECK(posts.size() == kMaxJsQueuedPosts);
  if (posts.size() == kMaxJsQueuedPosts) {
    CHECK(posts[0] == R"({"type":"replaced"})" && posts[1] == R"({"type":"fill","i":0})");
  }
  JsCounters c = h.vm->counters();
  CHECK_EQ_NUM(c.posted, kMaxJsQueuedPosts);
  CHECK_EQ_NUM(c.dropped, 10 + (300 - 255));
  h.vm->deliver(R"({"type":"go"})");
  CHECK(h.printed("js: info: limit true false"));
  posts = h.vm->take_posts();
  CHECK(posts.size() == 1 && posts[0].size() == kMaxJsMessageBytes);
  if (g_failures) h.dump();
}

void http_post_queue_is_bounded() {
  Harness h = load(R"JS(
    host.onMessage(function (m) {
      var sent = 0;
      for (var i = 0; i < 70; i++) { if (host.httpPost("http://c.test/" + i, '{"n":' + i + '}')) { sent += 1; } }
      host.log("info", "sent " + sent);
    });
    host.onTick(function () {
      var limit = "z";
      while (limit.length < (1 << 20)) { limit += limit; }
      host.log("info", "big " + host.httpPost("http://c.test/big", limit + "z") + " " +
               host.httpPost("http://c.test/limit", limit) + " " +
               host.httpPost(42, { toString: function () { return "b"; } }));
    });
  )JS");
  if (!h.vm) return;
  h.vm->deliver(R"({"type":"go"})");
  CHECK(h.printed("js: info: sent 64"));
  auto posts = h.vm->take_http_posts();
  CHECK(posts.size() == kMaxJsQueuedHttpPosts);
  if (posts.size() == kMaxJsQueuedHttpPosts) {
    CHECK(posts[0].url == "http://c.test/0" && posts[0].body == R"({"n":0})");
    CHECK(posts[63].url == "http://c.test/63");
  }
  CHECK(h.vm->counters().http_posts == 64 && h.vm->counters().dropped == 6);
  h.vm->tick(1);
  CHECK(h.printed("js: info: big false true true"));
  posts = h.vm->take_http_posts();
  CHECK(posts.size() == 2);
  if (posts.size() == 2) {
    CHECK(posts[0].body.size() == kMaxJsHttpPostBodyBytes);
    CHECK(posts[1].url == "42" && posts[1].body == "b");
  }
  if (g_failures) h.dump();
}

// Each string differs: Duktape interns strings, so pushing the same one again and again (as
// `a.push(new Array(1e5).join('x'))` does) would only grow the array, 8 bytes a turn.
void heap_bomb_is_caught() {
  Harness h = load(R"JS(
    host.onMessage(function (m) {
      if (m.type === "bomb") {
        var a = [], s = new Array(1e5).join('x'), i = 0;
        while (true) a.push(s + (i++));
      }
      host.post({ type: "alive", n: m.n });
    });
  )JS");
  if (!h.vm) return;
  const size_t before = h.vm->heap_bytes();
  h.vm->deliver(R"({"type":"bomb"})");
  CHECK(h.vm->counters().errors == 1);
  CHECK(h.printed("js: error: Error: alloc failed"));
  CHECK(!h.vm->stopped());
  CHECK(h.vm->heap_bytes() <= kDefaultJsHeapLimit);
  // The bomb's garbage is gone, and the VM works.
  CHECK(h.vm->heap_bytes() < before + (1u << 20));
  h.vm->deliver(R"({"type":"after","n":1})");
  h.vm->deliver(R"({"type":"bomb"})");
  h.vm->deliver(R"({"type":"after","n":2})");
  const auto posts = h.vm->take_posts();
  CHECK(posts.size() == 2 && posts[0] == R"({"type":"alive","n":1})" && posts[1] == R"({"type":"alive","n":2})");
  CHECK(h.vm->counters().errors == 2);
  if (g_failures) h.dump();
}

void small_heap_limit_holds() {
  Harness h;
  JsVmConfig config = config_with(kCollector, h);
  config.heap_limit = 64 * 1024;  // too small for Duktape's built-ins
  auto vm = JsVm::load("host.post({type: 'x'});", config);
  CHECK(!vm.ok());
  if (!vm.ok()) CHECK(vm.error().message.find("the JS VM could not start: the heap limit (65536 bytes)") == 0);
  config.heap_limit = 4u << 20;
  auto fits = JsVm::load(R"JS(
    host.onMessage(function () { var s = "x"; while (true) { s = s + s; } });
  )JS", config);
  CHECK(fits.ok());
  if (!fits.ok()) return;
  fits.value().deliver(R"({"type":"grow"})");
  CHECK(fits.value().counters().errors == 1 && fits.value().heap_bytes() <= (4u << 20));
}

void fatal_error_stops_the_vm() {
  Harness h = load(R"JS(
    host.onMessage(function (m) { host.post({ type: "got" }); });
    host.onTick(function () { host.post({ type: "tick" }); });
  )JS");
  if (!h.vm) return;
  h.vm->deliver(R"({"type":"before"})");
  CHECK(h.vm->take_posts().size() == 1);
  h.vm->raise_fatal_for_test("injected failure");
  CHECK(h.vm->stopped());
  CHECK_EQ_STR(h.vm->fatal_message(), "injected failure");
  CHECK(h.printed("js: fatal: injected failure (the JS VM is stopped)"));
  CHECK(h.vm->counters().errors == 1);
  h.vm->deliver(R"({"type":"after"})");
  h.vm->tick(100);
  CHECK(h.vm->take_posts().empty());
  CHECK(h.vm->counters().delivered == 1 && h.vm->counters().errors == 1);
  h.vm.reset();  // frees the heap's blocks without Duktape
}

void config_and_clock() {
  Harness h = load(R"JS(
    var atLoad = host.now();
    host.onMessage(function (m) {
      host.post({ type: "cfg", url: host.config.collectorUrl, version: host.config.appVersion,
                  device: host.config.device, now: host.now(), atLoad: atLoad });
    });
    host.onTick(function (t) { host.post({ type: "tick", t: t, now: host.now() }); });
    host.log("debug", "hidden unless TOUCHLINE_LOG_DEBUG");
    host.log("warn", "two\nlines\u0007");
  )JS");
  if (!h.vm) return;
  h.vm->set_now(1234.5);
  h.vm->deliver(R"({"type":"q"})");
  h.vm->tick(2000);
  const auto posts = h.vm->take_posts();
  CHECK(posts.size() == 2);
  if (posts.size() == 2) {
    CHECK(parse(posts[0]) == json({{"type", "cfg"}, {"url", kCollector}, {"version", "2.4.1"},
                                   {"device", "test-tv"}, {"now", 1234.5}, {"atLoad", 0}}));
    CHECK(parse(posts[1]) == json({{"type", "tick"}, {"t", 2000}, {"now", 2000}}));
  }
  CHECK(h.printed("js: warn: two?lines?"));
  CHECK(std::getenv("TOUCHLINE_LOG_DEBUG") != nullptr || !h.printed_prefix("js: debug:"));
  Harness none = load("host.post({ type: 'cfg', url: host.config.collectorUrl });", std::nullopt);
  if (!none.vm) return;
  const auto cfg = none.vm->take_posts();
  CHECK(cfg.size() == 1 && cfg[0] == R"({"type":"cfg","url":null})");
  if (g_failures) h.dump();
}

void text_leaves_as_utf8() {
  Harness h = load(R"JS(
    host.post({ type: "u", pair: "\ud83d\ude00", lone: "a\ud800b", accent: "\u00e9" });
    host.onMessage(function (m) { host.post({ type: "echo", s: m.s, n: m.s.length }); });
  )JS");
  if (!h.vm) return;
  auto posts = h.vm->take_posts();
  CHECK(posts.size() == 1);
  if (posts.size() == 1) {
    CHECK_EQ_STR(posts[0], "{\"type\":\"u\",\"pair\":\"\xF0\x9F\x98\x80\",\"lone\":\"a\xEF\xBF\xBD" "b\","
                           "\"accent\":\"\xC3\xA9\"}");
  }
  h.vm->deliver("{\"type\":\"t\",\"s\":\"\xF0\x9F\x98\x80 \xC3\xA9\"}");
  posts = h.vm->take_posts();
  CHECK(posts.size() == 1);
  if (posts.size() == 1) {
    const json echo = parse(posts[0]);
    CHECK(echo.value("s", "") == "\xF0\x9F\x98\x80 \xC3\xA9");
  }
}

// ---- the report poster ----

// A loopback HTTP server: each connection answered on its own thread, by path; it keeps
// what it was sent. It stops (and joins its threads) when destroyed.
class TestServer {
 public:
  struct Request {
    std::string method, path, head, body;
  };

  explicit TestServer(size_t connections) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 128) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
      std::fprintf(stderr, "cannot start the test server\n");
      ++g_failures;
      return;
    }
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this, connections] {
      for (size_t i = 0; i < connections; ++i) {
        const int client = ::accept(fd_, nullptr, nullptr);
        if (client < 0) return;
        accepted_.fetch_add(1);
        std::lock_guard<std::mutex> lock(mutex_);
        handlers_.emplace_back([this, client] {
          handle(client);
          ::close(client);
        });
      }
    });
  }

  ~TestServer() {
    open_gate();
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
    if (acceptor_.joinable()) acceptor_.join();
    if (fd_ >= 0) ::close(fd_);
    std::vector<std::thread> handlers;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      handlers.swap(handlers_);
    }
    for (auto &t : handlers) t.join();
  }

  std::string url(const std::string &path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  void open_gate() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    opened_.notify_all();
  }
  size_t accepted() const { return accepted_.load(); }
  std::vector<Request> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  void wait_gate() {
    std::unique_lock<std::mutex> lock(mutex_);
    opened_.wait_for(lock, std::chrono::seconds(10), [this] { return open_; });
  }

  static void respond(int fd, const std::string &status, const std::string &body) {
    const std::string bytes = "HTTP/1.1 " + status + "\r\nContent-Length: " + std::to_string(body.size()) +
                              "\r\nConnection: close\r\n\r\n" + body;
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  }

  void handle(int fd) {
    timeval timeout{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    Request request;
    std::string &head = request.head;
    char c;
    while (head.size() < 4 || head.compare(head.size() - 4, 4, "\r\n\r\n") != 0) {
      if (::recv(fd, &c, 1, 0) != 1) return;
      head += c;
    }
    request.method = head.substr(0, head.find(' '));
    const size_t path_at = head.find(' ') + 1;
    request.path = head.substr(path_at, head.find(' ', path_at) - path_at);
    std::transform(head.begin(), head.end(), head.begin(), [](char ch) { return static_cast<char>(std::tolower(ch)); });
    size_t length = 0;
    if (const size_t at = head.find("content-length:"); at != std::string::npos) {
      length = std::strtoul(head.c_str() + at + 15, nullptr, 10);
    }
    request.body.assign(length, '\0');
    for (size_t got = 0; got < length;) {
      const ssize_t n = ::recv(fd, request.body.data() + got, length - got, 0);
      if (n <= 0) return;
      got += static_cast<size_t>(n);
    }
    const std::string path = request.path;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      requests_.push_back(std::move(request));
    }
    if (path == "/ok") {
      respond(fd, "200 OK", "thanks");
    } else if (path == "/created") {
      respond(fd, "201 Created", "");
    } else if (path == "/error") {
      respond(fd, "500 Internal Server Error", "boom");
    } else if (path == "/redirect") {
      respond(fd, "302 Found\r\nLocation: /ok", "");
    } else if (path == "/gated") {
      wait_gate();
      respond(fd, "200 OK", "late");
    } else if (path == "/hang") {
      wait_gate();  // and never a word
    } else {
      respond(fd, "404 Not Found", "no such path");
    }
  }

  int fd_ = -1;
  uint16_t port_ = 0;
  std::thread acceptor_;
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
  std::vector<std::thread> handlers_;
  std::vector<Request> requests_;
  std::atomic<size_t> accepted_{0};
};

std::string refused_url() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
  ::close(fd);  // never listened: connections are refused
  return "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/nothing";
}

// Polls until `want` posts have finished (at most 20 s); returns them sorted by URL.
std::vector<HttpPostDone> finish(HttpPoster &poster, size_t want) {
  std::vector<HttpPostDone> done;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (done.size() < want && std::chrono::steady_clock::now() < deadline) {
    for (auto &d : poster.poll()) done.push_back(std::move(d));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(done.size() == want);
  std::sort(done.begin(), done.end(), [](const auto &a, const auto &b) { return a.url < b.url; });
  return done;
}

void http_post_over_loopback() {
  TestServer server(16);
  HttpPoster poster;
  const std::string body = R"({"reports":[{"kind":"metric"}]})";
  CHECK(poster.post({server.url("/ok"), body}));
  CHECK(poster.post({server.url("/created"), "{}"}));
  CHECK(poster.post({server.url("/error"), "{}"}));
  CHECK(poster.post({server.url("/redirect"), "{}"}));
  CHECK(poster.post({refused_url(), "{}"}));
  CHECK(poster.post({"ftp://127.0.0.1/x", "{}"}));
  CHECK(poster.live() == 6 && poster.running() == kMaxHttpPostsInFlight);
  const auto done = finish(poster, 6);
  if (done.size() != 6) return;
  const auto find = [&](const std::string &url) -> const HttpPostDone * {
    for (const auto &d : done) {
      if (d.url == url) return &d;
    }
    return nullptr;
  };
  const HttpPostDone *ok = find(server.url("/ok"));
  const HttpPostDone *created = find(server.url("/created"));
  const HttpPostDone *error = find(server.url("/error"));
  const HttpPostDone *redirect = find(server.url("/redirect"));
  const HttpPostDone *ftp = find("ftp://127.0.0.1/x");
  CHECK(ok && ok->ok() && ok->status == 200);
  CHECK(created && created->ok() && created->status == 201);
  CHECK(error && !error->ok() && error->status == 500 && error->error.empty());
  CHECK(redirect && !redirect->ok() && redirect->status == 302);
  CHECK(ftp && !ftp->ok() && !ftp->error.empty());
  const HttpPostCounters c = poster.counters();
  CHECK(c.ok == 2 && c.failed == 4 && c.dropped == 0);
  CHECK(poster.live() == 0);
  bool seen = false;
  for (const auto &r : server.requests()) {
    CHECK(r.method == "POST");
    CHECK(r.head.find("content-type: application/json\r\n") != std::string::npos);
    CHECK(r.head.find("expect:") == std::string::npos);
    if (r.path == "/ok") seen = r.body == body;
  }
  CHECK(seen);
  CHECK(server.requests().size() == 4);  // the redirect was not followed
}

void http_post_bounds_and_timeout() {
  TestServer server(80);
  HttpPoster poster;
  const size_t capacity = kMaxHttpPostsInFlight + kMaxHttpPostsQueued;
  for (size_t i = 0; i < capacity; ++i) CHECK(poster.post({server.url("/gated"), std::to_string(i)}));
  CHECK(!poster.post({server.url("/gated"), "one too many"}));
  CHECK(poster.counters().dropped == 1);
  CHECK(poster.live() == capacity && poster.running() == kMaxHttpPostsInFlight);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (server.accepted() < kMaxHttpPostsInFlight && std::chrono::steady_clock::now() < deadline) {
    CHECK(poster.poll().empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Give a fifth connection time to show up if the bound did not hold.
  for (int i = 0; i < 60; ++i) {
    CHECK(poster.poll().empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(server.accepted() == kMaxHttpPostsInFlight);
  server.open_gate();
  const auto done = finish(poster, capacity);
  CHECK(std::all_of(done.begin(), done.end(), [](const HttpPostDone &d) { return d.ok(); }));
  CHECK(poster.counters().ok == capacity && poster.counters().failed == 0);

  TestServer silent(2);
  HttpPoster impatient(300);
  const auto started = std::chrono::steady_clock::now();
  CHECK(impatient.post({silent.url("/hang"), "{}"}));
  const auto late = finish(impatient, 1);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  if (late.size() == 1) CHECK(!late[0].ok() && late[0].status == 0 && !late[0].error.empty());
  CHECK(impatient.counters().failed == 1);
}

void legacy_reports_reach_the_collector() {
  TestServer server(4);
  Harness h = load_legacy(server.url("/ok"));
  if (!h.vm) return;
  HttpPoster poster;
  h.vm->deliver(history({{"home", nullptr}, {"settings", nullptr}}));
  h.vm->deliver(crash(3));
  for (auto &post : h.vm->take_http_posts()) CHECK(poster.post(std::move(post)));
  const auto done = finish(poster, 1);
  CHECK(done.size() == 1 && done[0].ok());
  const auto requests = server.requests();
  CHECK(requests.size() == 1);
  if (requests.size() != 1) return;
  const json report = parse(requests[0].body);
  CHECK_EQ_STR(report.value("page", ""), "settings");
  CHECK(report["reports"].size() == 1 && report["reports"][0].value("type", "") == "crash");
}

const std::map<std::string, std::function<void()>> &tests() {
  static const std::map<std::string, std::function<void()>> kTests = {
      {"legacy_loads_and_posts_ready", legacy_loads_and_posts_ready},
      {"legacy_mirrors_history", legacy_mirrors_history},
      {"legacy_batches_metrics_at_50", legacy_batches_metrics_at_50},
      {"legacy_flushes_metrics_after_5000_ms", legacy_flushes_metrics_after_5000_ms},
      {"legacy_flushes_a_crash_at_once", legacy_flushes_a_crash_at_once},
      {"legacy_without_a_collector_sends_nothing", legacy_without_a_collector_sends_nothing},
      {"handler_throws_and_recovers", handler_throws_and_recovers},
      {"tick_throws_and_recovers", tick_throws_and_recovers},
      {"throw_at_load_keeps_the_handlers", throw_at_load_keeps_the_handlers},
      {"syntax_error_is_an_error", syntax_error_is_an_error},
      {"malformed_messages_are_counted", malformed_messages_are_counted},
      {"post_refuses_what_is_not_a_message", post_refuses_what_is_not_a_message},
      {"http_post_queue_is_bounded", http_post_queue_is_bounded},
      {"heap_bomb_is_caught", heap_bomb_is_caught},
      {"small_heap_limit_holds", small_heap_limit_holds},
      {"fatal_error_stops_the_vm", fatal_error_stops_the_vm},
      {"config_and_clock", config_and_clock},
      {"text_leaves_as_utf8", text_leaves_as_utf8},
      {"http_post_over_loopback", http_post_over_loopback},
      {"http_post_bounds_and_timeout", http_post_bounds_and_timeout},
      {"legacy_reports_reach_the_collector", legacy_reports_reach_the_collector},
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
