#include "js_vm.h"

#include <duktape.h>

#include <csetjmp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include <nlohmann/json.hpp>

#include "abi.h"

// How this file talks to Duktape. Duktape (a C library, built without C++ exception support)
// throws with longjmp, and so does our fatal handler. A longjmp over a C++ frame that holds an
// object with a destructor is undefined behaviour, so:
//
//  * every entry into the VM goes through Vm::guarded() (the fatal handler's landing place)
//    and, inside it, through duk_safe_call (which catches what the script throws);
//  * the functions that run between the two (`*_in_vm`, `*_safe`, the native functions the
//    script calls) hold only plain values; whatever needs a std::string is done in a separate
//    noexcept member function that makes no Duktape call that can throw.

namespace touchline::host {
namespace {

static_assert(kMaxJsMessageBytes == abi::MAX_BUS_MESSAGE_BYTES, "a bus message's size limit");

constexpr size_t kMaxErrorBytes = 300;
constexpr const char *kHooksKey = "touchlineHooks";  // in the global stash: the script cannot reach it

// The `host` object, built over the native functions (which the script never sees). Compiled
// as a function expression and called with (native, config); returns the hooks deliver() and
// tick() call.
constexpr char kPrelude[] = R"JS(function (native, config) {
    "use strict";
    var onMessage = null, onTick = null;
    var host = {
        onMessage: function (f) { onMessage = f; },
        onTick: function (f) { onTick = f; },
        post: function (message) {
            var text;
            try { text = JSON.stringify(message); } catch (e) { text = undefined; }
            return native.post(typeof text === "string" ? text : "");
        },
        httpPost: function (url, body) { return native.httpPost(String(url), String(body)); },
        log: function (level, text) { native.log(String(level), String(text)); },
        now: function () { return native.now(); },
        config: config
    };
    return {
        host: host,
        deliver: function (message) { if (onMessage) { onMessage(message); } },
        tick: function (nowMs) { if (onTick) { onTick(nowMs); } }
    };
})JS";

// ---- text leaving the VM ----

// Decodes one (extended) UTF-8 sequence at p[0..n); false when it is not one.
bool decode_utf8(const unsigned char *p, size_t n, uint32_t &cp, size_t &len) {
  const unsigned char b = p[0];
  uint32_t min = 0;
  if (b < 0x80) {
    cp = b;
    len = 1;
    return true;
  } else if ((b & 0xe0) == 0xc0) {
    cp = b & 0x1f, len = 2, min = 0x80;
  } else if ((b & 0xf0) == 0xe0) {
    cp = b & 0x0f, len = 3, min = 0x800;
  } else if ((b & 0xf8) == 0xf0) {
    cp = b & 0x07, len = 4, min = 0x10000;
  } else {
    return false;
  }
  if (len > n) return false;
  for (size_t i = 1; i < len; ++i) {
    if ((p[i] & 0xc0) != 0x80) return false;
    cp = cp << 6 | (p[i] & 0x3f);
  }
  return cp >= min;
}

void append_utf8(std::string &out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | cp >> 6);
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | cp >> 12);
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | cp >> 18);
    out += static_cast<char>(0x80 | (cp >> 12 & 0x3f));
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// A Duktape string as UTF-8. Duktape keeps strings as given (bytes pushed from outside) or as
// CESU-8 (a non-BMP character the script wrote as a surrogate pair): pairs are joined, a lone
// surrogate, a code point past U+10FFFF or a byte that starts no sequence becomes U+FFFD.
std::string to_utf8(const char *text, size_t n) {
  std::string out;
  if (text == nullptr) return out;
  out.reserve(n);
  const auto *p = reinterpret_cast<const unsigned char *>(text);
  for (size_t i = 0; i < n;) {
    uint32_t cp = 0;
    size_t len = 0;
    if (!decode_utf8(p + i, n - i, cp, len)) {
      append_utf8(out, 0xfffd);
      i += 1;
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdbff) {
      uint32_t low = 0;
      size_t low_len = 0;
      if (i + len < n && decode_utf8(p + i + len, n - i - len, low, low_len) && low >= 0xdc00 &&
          low <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        len += low_len;
      } else {
        cp = 0xfffd;
      }
    } else if ((cp >= 0xdc00 && cp <= 0xdfff) || cp > 0x10ffff) {
      cp = 0xfffd;
    }
    append_utf8(out, cp);
    i += len;
  }
  return out;
}

// Cut to at most `max` bytes, not inside a UTF-8 sequence.
void cut_utf8(std::string &s, size_t max) {
  if (s.size() <= max) return;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xc0) == 0x80) --end;
  s.resize(end);
}

// Keeps the terminal safe: control characters shown as '?' (UTF-8 bytes are >= 0x80, kept).
void replace_controls(std::string &s) {
  for (char &c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) c = '?';
  }
}

// A bus message: a JSON object with a string "type" (MAX_BUS_MESSAGE_BYTES is checked apart).
bool is_bus_message_json(const std::string &text) {
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return false;
  const auto type = json.find("type");
  return type != json.end() && type->is_string();
}

// ---- the VM ----

enum class Phase { Start, Parsing, NotMessage, Calling, Compiling, Running };

class Vm {
 public:
  explicit Vm(const JsVmConfig &config)
      : limit_(config.heap_limit == 0 ? kDefaultJsHeapLimit : config.heap_limit),
        print_(config.print),
        log_debug_(std::getenv("TOUCHLINE_LOG_DEBUG") != nullptr) {
    head_.prev = head_.next = &head_;
  }
  Vm(const Vm &) = delete;
  Vm &operator=(const Vm &) = delete;

  ~Vm() {
    if (ctx_ != nullptr && !stopped_) guarded(&destroy_in_vm, nullptr);
    // After a fatal error the heap is not destroyed (Duktape's state is unknown): its blocks
    // are freed here, as they are if destroying it failed half-way.
    free_all_blocks();
  }

  // ---- entry points ----

  // Creates the heap and the host object; an error message when that fails.
  std::string start(const JsVmConfig &config) {
    StartArgs args{this, &config, false};
    if (!guarded(&start_in_vm, &args)) return "a fatal error: " + fatal_;
    if (ctx_ == nullptr) return "the heap could not be created";
    if (used_ > limit_) {
      return "the heap limit (" + std::to_string(limit_) + " bytes) is below what Duktape needs to start (" +
             std::to_string(used_) + " bytes)";
    }
    if (!args.ok) return error_;
    return {};
  }

  // Runs the script; an error message when it does not compile (an exception while it runs
  // is reported and counted).
  std::string run(std::string_view source) {
    RunArgs args{this, source.data(), source.size(), Phase::Start, false};
    if (!guarded(&run_in_vm, &args)) return "a fatal error: " + fatal_;
    if (args.ok) return {};
    if (args.phase == Phase::Compiling) return "does not compile: " + error_;
    report_error();
    return {};
  }

  void deliver(std::string_view json) {
    if (stopped_) return;
    if (json.size() > kMaxJsMessageBytes) {
      malformed("over " + std::to_string(kMaxJsMessageBytes) + " bytes");
      return;
    }
    DeliverArgs args{this, json.data(), json.size(), Phase::Start, false};
    if (!guarded(&deliver_in_vm, &args)) return;
    if (args.phase == Phase::Calling) counters_.delivered += 1;
    if (args.ok) return;
    if (args.phase == Phase::Parsing) {
      malformed("not JSON (" + error_ + ")");
    } else if (args.phase == Phase::NotMessage) {
      malformed("not an object with a string \"type\"");
    } else {
      report_error();
    }
  }

  void tick(double now_ms) {
    now_ms_ = now_ms;
    if (stopped_) return;
    TickArgs args{this, now_ms, false};
    if (!guarded(&tick_in_vm, &args)) return;
    if (!args.ok) report_error();
  }

  void raise_fatal(const char *message) {
    if (stopped_) return;
    guarded(&fatal_in_vm, const_cast<char *>(message));
  }

  void set_now(double now_ms) { now_ms_ = now_ms; }
  std::vector<std::string> take_posts() { return std::exchange(posts_, {}); }
  std::vector<HttpPost> take_http_posts() { return std::exchange(http_posts_, {}); }
  JsCounters counters() const { return counters_; }
  size_t heap_bytes() const { return used_; }
  bool stopped() const { return stopped_; }
  const std::string &fatal_message() const { return fatal_; }

 private:
  // Every allocation carries this header: the bytes it counts against the limit, and a place
  // in the list of live blocks (what free_all_blocks() frees when the heap cannot be destroyed).
  struct alignas(16) Block {
    Block *prev;
    Block *next;
    size_t size;  // of the payload that follows
  };
  static_assert(sizeof(Block) % alignof(std::max_align_t) == 0, "payloads stay aligned");

  struct StartArgs {
    Vm *vm;
    const JsVmConfig *config;
    bool ok;
  };
  struct RunArgs {
    Vm *vm;
    const char *source;
    size_t size;
    Phase phase;
    bool ok;
  };
  struct DeliverArgs {
    Vm *vm;
    const char *json;
    size_t size;
    Phase phase;
    bool ok;
  };
  struct TickArgs {
    Vm *vm;
    double now_ms;
    bool ok;
  };

  // ---- the fatal handler's landing place ----

  // Runs fn(*this, arg) where the fatal handler can land. false when it did: the VM is stopped.
  bool guarded(void (*fn)(Vm &, void *), void *arg) noexcept {
    if (stopped_) return false;
    std::jmp_buf landing;
    fatal_jump_ = &landing;
    if (setjmp(landing) == 0) {
      fn(*this, arg);
      fatal_jump_ = nullptr;
      return true;
    }
    fatal_jump_ = nullptr;
    stopped_ = true;
    counters_.errors += 1;
    try {
      fatal_ = fatal_text_;
      print("js: fatal: " + fatal_ + " (the JS VM is stopped)");
    } catch (...) {
    }
    return false;
  }

  // Duktape's fatal handler: it must not return (Duktape would spin forever), so it jumps back
  // to guarded(). Only plain memory is touched: the heap may be out of memory.
  static void on_fatal(void *udata, const char *message) {
    Vm &vm = *static_cast<Vm *>(udata);
    std::snprintf(vm.fatal_text_, sizeof vm.fatal_text_, "%s", message != nullptr ? message : "unknown");
    vm.stopped_ = true;
    if (vm.fatal_jump_ != nullptr) std::longjmp(*vm.fatal_jump_, 1);
    // Every call into Duktape is guarded; should one not be, there is no way back.
    std::fputs("js: fatal error outside a guarded call\n", stderr);
    std::abort();
  }

  // ---- the allocator ----

  void link(Block *b) {
    b->prev = &head_;
    b->next = head_.next;
    head_.next->prev = b;
    head_.next = b;
  }
  static void unlink(Block *b) {
    b->prev->next = b->next;
    b->next->prev = b->prev;
  }
  void free_all_blocks() {
    while (head_.next != &head_) {
      Block *b = head_.next;
      unlink(b);
      std::free(b);
    }
    used_ = 0;
  }

  // Would `more` bytes go past the limit? Not enforced while duk_create_heap runs: Duktape
  // 2.7 recurses without end when an allocation fails before its heap is set up.
  bool over_limit(size_t more) const { return enforcing_ && (used_ > limit_ || more > limit_ - used_); }

  static void *heap_alloc(void *udata, duk_size_t size) {
    Vm &vm = *static_cast<Vm *>(udata);
    if (size > SIZE_MAX - sizeof(Block) || vm.over_limit(sizeof(Block) + size)) return nullptr;
    auto *b = static_cast<Block *>(std::malloc(sizeof(Block) + size));
    if (b == nullptr) return nullptr;
    b->size = size;
    vm.link(b);
    vm.used_ += sizeof(Block) + size;
    return b + 1;
  }

  static void *heap_realloc(void *udata, void *ptr, duk_size_t size) {
    if (ptr == nullptr) return heap_alloc(udata, size);
    Vm &vm = *static_cast<Vm *>(udata);
    Block *old = static_cast<Block *>(ptr) - 1;
    if (size == 0) {  // Duktape takes NULL for a zero size as success
      heap_free(udata, ptr);
      return nullptr;
    }
    const size_t old_size = old->size;
    if (size > SIZE_MAX - sizeof(Block) || (size > old_size && vm.over_limit(size - old_size))) return nullptr;
    unlink(old);
    auto *b = static_cast<Block *>(std::realloc(old, sizeof(Block) + size));
    if (b == nullptr) {
      vm.link(old);
      return nullptr;
    }
    b->size = size;
    vm.link(b);
    vm.used_ = vm.used_ - old_size + size;
    return b + 1;
  }

  static void heap_free(void *udata, void *ptr) {
    if (ptr == nullptr) return;
    Vm &vm = *static_cast<Vm *>(udata);
    Block *b = static_cast<Block *>(ptr) - 1;
    unlink(b);
    vm.used_ -= sizeof(Block) + b->size;
    std::free(b);
  }

  // ---- inside the VM (plain values only, see the top of the file) ----

  static Vm &of(duk_context *ctx) {
    duk_memory_functions funcs;
    duk_get_memory_functions(ctx, &funcs);
    return *static_cast<Vm *>(funcs.udata);
  }

  static void start_in_vm(Vm &vm, void *arg) {
    vm.ctx_ = duk_create_heap(&Vm::heap_alloc, &Vm::heap_realloc, &Vm::heap_free, &vm, &Vm::on_fatal);
    if (vm.ctx_ == nullptr || vm.used_ > vm.limit_) return;
    vm.enforcing_ = true;
    auto &args = *static_cast<StartArgs *>(arg);
    args.ok = duk_safe_call(vm.ctx_, &start_safe, &args, 0, 1) == DUK_EXEC_SUCCESS;
    if (!args.ok) vm.take_error(vm.ctx_);
    duk_pop(vm.ctx_);
  }

  static duk_ret_t start_safe(duk_context *ctx, void *arg) {
    const JsVmConfig &config = *static_cast<StartArgs *>(arg)->config;
    duk_push_string(ctx, "touchline-host");
    duk_compile_lstring_filename(ctx, DUK_COMPILE_FUNCTION | DUK_COMPILE_STRICT, kPrelude, sizeof kPrelude - 1);
    duk_push_object(ctx);  // native
    const duk_function_list_entry natives[] = {
        {"post", &Vm::native_post, 1},
        {"httpPost", &Vm::native_http_post, 2},
        {"log", &Vm::native_log, 2},
        {"now", &Vm::native_now, 0},
        {nullptr, nullptr, 0},
    };
    duk_put_function_list(ctx, -1, natives);
    duk_push_object(ctx);  // config
    if (config.collector_url) {
      duk_push_lstring(ctx, config.collector_url->data(), config.collector_url->size());
    } else {
      duk_push_null(ctx);
    }
    duk_put_prop_string(ctx, -2, "collectorUrl");
    duk_push_lstring(ctx, config.app_version.data(), config.app_version.size());
    duk_put_prop_string(ctx, -2, "appVersion");
    duk_push_lstring(ctx, config.device.data(), config.device.size());
    duk_put_prop_string(ctx, -2, "device");
    duk_call(ctx, 2);  // -> the hooks
    duk_get_prop_string(ctx, -1, "host");
    duk_put_global_string(ctx, "host");
    duk_push_global_stash(ctx);
    duk_dup(ctx, -2);
    duk_put_prop_string(ctx, -2, kHooksKey);
    return 0;
  }

  static void run_in_vm(Vm &vm, void *arg) {
    auto &args = *static_cast<RunArgs *>(arg);
    args.ok = duk_safe_call(vm.ctx_, &run_safe, &args, 0, 1) == DUK_EXEC_SUCCESS;
    if (!args.ok) vm.take_error(vm.ctx_);
    duk_pop(vm.ctx_);
  }

  static duk_ret_t run_safe(duk_context *ctx, void *arg) {
    auto &args = *static_cast<RunArgs *>(arg);
    args.phase = Phase::Compiling;
    duk_push_string(ctx, "legacy.js");
    duk_compile_lstring_filename(ctx, 0, args.source, args.size);
    args.phase = Phase::Running;
    duk_call(ctx, 0);
    return 0;
  }

  static void deliver_in_vm(Vm &vm, void *arg) {
    auto &args = *static_cast<DeliverArgs *>(arg);
    args.ok = duk_safe_call(vm.ctx_, &deliver_safe, &args, 0, 1) == DUK_EXEC_SUCCESS &&
              args.phase == Phase::Calling;
    if (!args.ok && args.phase != Phase::NotMessage) vm.take_error(vm.ctx_);
    duk_pop(vm.ctx_);
  }

  static duk_ret_t deliver_safe(duk_context *ctx, void *arg) {
    auto &args = *static_cast<DeliverArgs *>(arg);
    args.phase = Phase::Parsing;
    duk_push_lstring(ctx, args.json, args.size);
    duk_json_decode(ctx, -1);  // [message]
    // An object (not an array) whose own "type" is a string.
    bool message = duk_is_object(ctx, -1) && !duk_is_array(ctx, -1);
    if (message) {
      duk_push_string(ctx, "type");
      duk_get_prop_desc(ctx, -2, 0);  // [message descriptor|undefined]
      message = duk_is_object(ctx, -1) && duk_get_prop_string(ctx, -1, "value") && duk_is_string(ctx, -1);
      duk_set_top(ctx, 1);
    }
    if (!message) {
      args.phase = Phase::NotMessage;
      return 0;
    }
    args.phase = Phase::Calling;
    push_hook(ctx, "deliver");
    duk_dup(ctx, 0);
    duk_call(ctx, 1);
    return 0;
  }

  static void tick_in_vm(Vm &vm, void *arg) {
    auto &args = *static_cast<TickArgs *>(arg);
    args.ok = duk_safe_call(vm.ctx_, &tick_safe, &args, 0, 1) == DUK_EXEC_SUCCESS;
    if (!args.ok) vm.take_error(vm.ctx_);
    duk_pop(vm.ctx_);
  }

  static duk_ret_t tick_safe(duk_context *ctx, void *arg) {
    push_hook(ctx, "tick");
    duk_push_number(ctx, static_cast<TickArgs *>(arg)->now_ms);
    duk_call(ctx, 1);
    return 0;
  }

  static void fatal_in_vm(Vm &vm, void *arg) { duk_fatal(vm.ctx_, static_cast<const char *>(arg)); }

  static void destroy_in_vm(Vm &vm, void *) {
    duk_destroy_heap(vm.ctx_);
    vm.ctx_ = nullptr;
  }

  // Pushes hooks[name] (from the stash) and nothing else.
  static void push_hook(duk_context *ctx, const char *name) {
    duk_push_global_stash(ctx);
    duk_get_prop_string(ctx, -1, kHooksKey);
    duk_get_prop_string(ctx, -1, name);
    duk_remove(ctx, -2);
    duk_remove(ctx, -2);
  }

  // The value on top (what was thrown) as error_, its first line.
  void take_error(duk_context *ctx) {
    duk_size_t n = 0;
    const char *text = duk_safe_to_lstring(ctx, -1, &n);
    set_error(text, n);
  }

  void set_error(const char *text, size_t n) noexcept {
    try {
      error_ = to_utf8(text, n);
      const size_t line_end = error_.find('\n');
      if (line_end != std::string::npos) error_.resize(line_end);
      while (!error_.empty() && error_.back() == '\r') error_.pop_back();
      cut_utf8(error_, kMaxErrorBytes);
      replace_controls(error_);
      if (error_.empty()) error_ = "an exception";
    } catch (...) {
      error_.clear();
    }
  }

  // ---- native functions: what `host` calls ----

  static duk_ret_t native_post(duk_context *ctx) {
    duk_size_t n = 0;
    const char *text = duk_get_lstring(ctx, 0, &n);
    const bool ok = of(ctx).post(text, n);
    duk_push_boolean(ctx, ok);
    return 1;
  }

  static duk_ret_t native_http_post(duk_context *ctx) {
    duk_size_t url_size = 0, body_size = 0;
    const char *url = duk_get_lstring(ctx, 0, &url_size);
    const char *body = duk_get_lstring(ctx, 1, &body_size);
    const bool ok = of(ctx).http_post(url, url_size, body, body_size);
    duk_push_boolean(ctx, ok);
    return 1;
  }

  static duk_ret_t native_log(duk_context *ctx) {
    duk_size_t level_size = 0, text_size = 0;
    const char *level = duk_get_lstring(ctx, 0, &level_size);
    const char *text = duk_get_lstring(ctx, 1, &text_size);
    of(ctx).log(level, level_size, text, text_size);
    return 0;
  }

  static duk_ret_t native_now(duk_context *ctx) {
    duk_push_number(ctx, of(ctx).now_ms_);
    return 1;
  }

  bool post(const char *text, size_t n) noexcept {
    try {
      if (text != nullptr && n <= 2 * kMaxJsMessageBytes && posts_.size() < kMaxJsQueuedPosts) {
        std::string json = to_utf8(text, n);
        if (json.size() <= kMaxJsMessageBytes && is_bus_message_json(json)) {
          posts_.push_back(std::move(json));
          counters_.posted += 1;
          return true;
        }
      }
    } catch (...) {
    }
    counters_.dropped += 1;
    return false;
  }

  bool http_post(const char *url, size_t url_size, const char *body, size_t body_size) noexcept {
    try {
      if (url != nullptr && body != nullptr && body_size <= 2 * kMaxJsHttpPostBodyBytes &&
          http_posts_.size() < kMaxJsQueuedHttpPosts) {
        HttpPost post{to_utf8(url, url_size), to_utf8(body, body_size)};
        if (post.body.size() <= kMaxJsHttpPostBodyBytes) {
          http_posts_.push_back(std::move(post));
          counters_.http_posts += 1;
          return true;
        }
      }
    } catch (...) {
    }
    counters_.dropped += 1;
    return false;
  }

  void log(const char *level, size_t level_size, const char *text, size_t text_size) noexcept {
    try {
      std::string name = to_utf8(level, level_size);
      if (name == "debug" && !log_debug_) return;
      replace_controls(name);
      cut_utf8(name, 32);
      std::string line = to_utf8(text, text_size);
      cut_utf8(line, abi::MAX_LOG_LINE_BYTES);
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
      replace_controls(line);
      print("js: " + name + ": " + line);
    } catch (...) {
    }
  }

  // ---- outside the VM ----

  void report_error() {
    counters_.errors += 1;
    print("js: error: " + error_);
  }

  void malformed(const std::string &reason) {
    counters_.malformed += 1;
    print("js: malformed message dropped: " + reason);
  }

  void print(const std::string &line) noexcept {
    try {
      if (print_) {
        print_(line);
        return;
      }
    } catch (...) {
    }
    std::fprintf(stderr, "%s\n", line.c_str());
  }

  Block head_{};
  size_t limit_;
  size_t used_ = 0;
  bool enforcing_ = false;
  duk_context *ctx_ = nullptr;
  std::jmp_buf *fatal_jump_ = nullptr;
  bool stopped_ = false;
  char fatal_text_[512] = {};
  std::string fatal_;
  std::string error_;  // the last exception's first line, or why parsing failed
  std::function<void(std::string_view)> print_;
  bool log_debug_;
  double now_ms_ = 0;
  JsCounters counters_;
  std::vector<std::string> posts_;
  std::vector<HttpPost> http_posts_;
};

}  // namespace

struct JsVm::Impl {
  explicit Impl(const JsVmConfig &config) : vm(config) {}
  Vm vm;
};

Result<JsVm> JsVm::load(std::string_view source, const JsVmConfig &config) {
  auto impl = std::make_unique<Impl>(config);
  if (std::string error = impl->vm.start(config); !error.empty()) {
    return Error{"the JS VM could not start: " + error};
  }
  if (std::string error = impl->vm.run(source); !error.empty()) {
    return Error{"legacy JS " + error};
  }
  return JsVm(std::move(impl));
}

JsVm::JsVm(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JsVm::JsVm(JsVm &&) noexcept = default;
JsVm &JsVm::operator=(JsVm &&) noexcept = default;
JsVm::~JsVm() = default;

void JsVm::deliver(std::string_view json) {
  if (impl_) impl_->vm.deliver(json);
}
void JsVm::set_now(double now_ms) {
  if (impl_) impl_->vm.set_now(now_ms);
}
void JsVm::tick(double now_ms) {
  if (impl_) impl_->vm.tick(now_ms);
}
std::vector<std::string> JsVm::take_posts() { return impl_ ? impl_->vm.take_posts() : std::vector<std::string>{}; }
std::vector<HttpPost> JsVm::take_http_posts() {
  return impl_ ? impl_->vm.take_http_posts() : std::vector<HttpPost>{};
}
JsCounters JsVm::counters() const { return impl_ ? impl_->vm.counters() : JsCounters{}; }
size_t JsVm::heap_bytes() const { return impl_ ? impl_->vm.heap_bytes() : 0; }
bool JsVm::stopped() const { return !impl_ || impl_->vm.stopped(); }
std::string JsVm::fatal_message() const { return impl_ ? impl_->vm.fatal_message() : std::string{}; }
void JsVm::raise_fatal_for_test(const char *message) {
  if (impl_) impl_->vm.raise_fatal(message);
}

}  // namespace touchline::host
