#include "bundle.h"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <sstream>
#include <thread>
#include <tuple>
#include <utility>
#include <variant>

#include <wasmtime.hh>

#include "cache.h"
#include "crypto.h"
#include "module_cache.h"

#ifndef TOUCHLINE_HOST_VERSION
#define TOUCHLINE_HOST_VERSION "dev"
#endif

namespace touchline::host {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string trim(const std::string &s) {
  const auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  const auto end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

// wasmtime's messages are anyhow's `{:?}`: a headline, maybe a wasm backtrace, then a
// "Caused by:" list. Splits one into a single line (headline and causes) and the rest.
struct Message {
  std::string line;
  std::string detail;
};

Message split_message(const std::string &debug) {
  std::istringstream in(debug);
  std::string raw;
  std::vector<std::string> heads;
  std::vector<std::string> causes;
  std::string detail;
  enum { Head, Trace, Causes } section = Head;
  while (std::getline(in, raw)) {
    const std::string line = trim(raw);
    if (line.empty()) continue;
    if (line == "Caused by:") {
      section = Causes;
      continue;
    }
    if (section == Head && line.rfind("error while executing at wasm backtrace:", 0) == 0) {
      section = Trace;
      continue;
    }
    switch (section) {
      case Head: heads.push_back(line); break;
      case Trace: detail += "    " + line + "\n"; break;
      case Causes: {
        // "0: msg" numbering when there are several causes.
        const auto colon = line.find(": ");
        const bool numbered = colon != std::string::npos && colon > 0 &&
                              line.find_first_not_of("0123456789") == colon;
        causes.push_back(numbered ? line.substr(colon + 2) : line);
        break;
      }
    }
  }
  std::string one;
  for (const auto &part : heads) one += (one.empty() ? "" : ": ") + part;
  for (const auto &part : causes) one += (one.empty() ? "" : ": ") + part;
  if (one.empty()) one = trim(debug);
  return {one, detail};
}

Message describe(const wasmtime::TrapError &error) {
  if (const auto *err = std::get_if<wasmtime::Error>(&error.data)) {
    if (const auto code = err->i32_exit()) {
      return {"the bundle exited with proc_exit(" + std::to_string(*code) + ")", {}};
    }
  }
  return split_message(error.message());
}

// What a call's failure says ended the instance (a refused memory growth is checked by the
// caller first).
TrapKind classify(const wasmtime::TrapError &error) {
  if (const auto *err = std::get_if<wasmtime::Error>(&error.data)) {
    if (err->i32_exit()) return TrapKind::Exit;
  }
  if (const auto *trap = std::get_if<wasmtime::Trap>(&error.data)) {
    if (const auto code = trap->code()) {
      if (*code == WASMTIME_TRAP_CODE_INTERRUPT) return TrapKind::Watchdog;
      if (*code == WASMTIME_TRAP_CODE_UNREACHABLE_CODE_REACHED) return TrapKind::Panic;
      return TrapKind::Fault;
    }
  }
  // No trap code (a host error): the words, as the desktop host judges them.
  const std::string message = error.message();
  if (message.find("proc_exit") != std::string::npos) return TrapKind::Exit;
  if (message.find("interrupt") != std::string::npos) return TrapKind::Watchdog;
  if (message.find("unreachable") != std::string::npos) return TrapKind::Panic;
  return TrapKind::Fault;
}

Result<std::vector<uint8_t>> read_file(const std::string &path) {
  struct Closer {
    void operator()(std::FILE *f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file(std::fopen(path.c_str(), "rb"));
  if (!file) return Error{"cannot read " + path + ": " + std::strerror(errno)};
  std::vector<uint8_t> bytes;
  uint8_t chunk[1 << 16];
  for (;;) {
    const size_t n = std::fread(chunk, 1, sizeof chunk, file.get());
    bytes.insert(bytes.end(), chunk, chunk + n);
    if (n < sizeof chunk) break;
  }
  if (std::ferror(file.get())) {
    // fopen succeeds on a directory on Linux; reading it fails with EISDIR.
    return Error{"cannot read " + path + ": " + std::strerror(errno)};
  }
  return bytes;
}

Status check_magic(const std::string &path, const std::vector<uint8_t> &bytes) {
  static const uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6d};  // "\0asm"
  static const uint8_t kCoreVersion[4] = {0x01, 0x00, 0x00, 0x00};
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 4) != 0) {
    return Error{path + " is not a WebAssembly module (it does not start with \"\\0asm\")"};
  }
  if (std::memcmp(bytes.data() + 4, kCoreVersion, 4) != 0) {
    return Error{path + " is not a WebAssembly core module (binary version " +
                 std::to_string(bytes[4] | bytes[5] << 8) + ", layer " +
                 std::to_string(bytes[6] | bytes[7] << 8) +
                 "; a component is not a bundle)"};
  }
  return ok_status();
}

// `touchline_host.log(level, ptr, len)`: one line from the bundle, to stderr.
void host_log(wasmtime::Caller &caller, int32_t level, int32_t ptr, int32_t len) noexcept {
  try {
    const auto ext = caller.get_export("memory");
    if (!ext) return;
    const auto *memory = std::get_if<wasmtime::Memory>(&*ext);
    if (memory == nullptr) return;
    const auto data = memory->data(caller);
    const uint64_t start = static_cast<uint32_t>(ptr);
    uint64_t length = static_cast<uint32_t>(len);
    if (start > data.size() || length > data.size() - start) return;  // ignored, per the ABI
    if (length > abi::MAX_LOG_LINE_BYTES) length = abi::MAX_LOG_LINE_BYTES;
    static const char *const kLevels[] = {"error", "warn", "info", "debug"};
    if (level == 3 && std::getenv("TOUCHLINE_LOG_DEBUG") == nullptr) return;
    std::string line(reinterpret_cast<const char *>(data.data() + start), length);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    for (char &c : line) {
      // Keep the terminal safe: no control characters (UTF-8 bytes are >= 0x80, kept).
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t') c = '?';
      if (c == 0x7f) c = '?';
    }
    const std::string name = level >= 0 && level <= 3 ? kLevels[level]
                                                       : "level " + std::to_string(level);
    std::fprintf(stderr, "bundle %s: %s\n", name.c_str(), line.c_str());
  } catch (...) {
    // Never unwind through wasm frames.
  }
}

template <typename Params, typename Results>
Result<wasmtime::TypedFunc<Params, Results>> typed_export(wasmtime::Store &store,
                                                          wasmtime::Instance &instance,
                                                          const char *name,
                                                          const char *signature) {
  const auto ext = instance.get(store, name);
  if (!ext) return Error{"the bundle does not export `" + std::string(name) + "`"};
  const auto *func = std::get_if<wasmtime::Func>(&*ext);
  if (func == nullptr) {
    return Error{"the bundle's export `" + std::string(name) + "` is not a function"};
  }
  auto typed = func->typed<Params, Results>(store);
  if (!typed) {
    return Error{"the bundle's export `" + std::string(name) + "` has the wrong type (expected " +
                 signature + ")"};
  }
  return typed.ok();
}


// ---- the memory limit ----
//
// wasmtime's C API caps memory only through a StoreLimits (wasmtime_store_limiter), which
// cannot say that it refused a growth. So the engine creates every linear memory through this
// memory creator instead: it reserves the address space wasmtime asks for (plus the guard
// region its compiled code relies on), makes pages accessible as the memory grows, and refuses
// (and records) a growth past the limit; wasm sees memory.grow fail (-1), as with a limiter.

struct MemoryGuard {
  uint64_t limit = kDefaultMemoryLimitBytes;
  std::atomic<bool> refused{false};  // a growth (or a minimum) past the limit was refused
};

struct GuardedMemory {
  MemoryGuard *guard = nullptr;
  uint8_t *base = nullptr;
  size_t size = 0;         // accessible bytes (the wasm memory's size)
  size_t capacity = 0;     // reserved bytes it may grow to without moving
  size_t mapped = 0;       // capacity + the guard region
  size_t accessible = 0;   // size rounded up to the OS page size
};

size_t os_page_size() {
  static const size_t page = [] {
    const long p = ::sysconf(_SC_PAGESIZE);
    return p > 0 ? static_cast<size_t>(p) : size_t{4096};
  }();
  return page;
}

size_t round_up(size_t n, size_t to) { return n % to == 0 ? n : n + (to - n % to); }

wasmtime_error_t *memory_error(const std::string &text) { return wasmtime_error_new(text.c_str()); }

uint8_t *guarded_get(void *env, size_t *byte_size, size_t *byte_capacity) {
  auto *m = static_cast<GuardedMemory *>(env);
  *byte_size = m->size;
  *byte_capacity = m->capacity;
  return m->base;
}

wasmtime_error_t *guarded_grow(void *env, size_t new_size) {
  auto *m = static_cast<GuardedMemory *>(env);
  if (new_size > m->guard->limit) {
    m->guard->refused = true;
    return memory_error("linear memory of " + std::to_string(new_size) + " bytes is over the host's limit of " +
                        std::to_string(m->guard->limit) + " bytes");
  }
  if (new_size > m->capacity) return memory_error("linear memory cannot grow past its reservation");
  const size_t want = round_up(new_size, os_page_size());
  if (want > m->accessible) {
    if (::mprotect(m->base + m->accessible, want - m->accessible, PROT_READ | PROT_WRITE) != 0) {
      return memory_error(std::string("cannot grow linear memory: ") + std::strerror(errno));
    }
    m->accessible = want;
  }
  m->size = new_size;
  return nullptr;
}

void guarded_free(void *env) {
  auto *m = static_cast<GuardedMemory *>(env);
  if (m->base != nullptr) ::munmap(m->base, m->mapped);
  delete m;
}

wasmtime_error_t *guarded_new(void *env, const wasm_memorytype_t * /*type*/, size_t minimum, size_t maximum,
                              size_t reserved, size_t guard_bytes, wasmtime_linear_memory_t *out) {
  auto *guard = static_cast<MemoryGuard *>(env);
  if (minimum > guard->limit) {
    guard->refused = true;
    return memory_error("a linear memory of at least " + std::to_string(minimum) +
                        " bytes is over the host's limit of " + std::to_string(guard->limit) + " bytes");
  }
  const size_t page = os_page_size();
  // No reservation asked for: the memory may be placed as we like; it never needs more than
  // the limit (or its type's maximum).
  size_t capacity = reserved;
  if (capacity == 0) {
    const uint64_t most = std::min<uint64_t>(guard->limit, maximum);
    capacity = round_up(static_cast<size_t>(std::max<uint64_t>(most, minimum)), page);
  }
  auto memory = std::make_unique<GuardedMemory>();
  memory->guard = guard;
  memory->capacity = capacity;
  memory->mapped = capacity + round_up(guard_bytes, page);
  void *base = ::mmap(nullptr, memory->mapped, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) {
    return memory_error("cannot reserve " + std::to_string(memory->mapped) +
                        " bytes for a linear memory: " + std::strerror(errno));
  }
  memory->base = static_cast<uint8_t *>(base);
  if (minimum > 0) {
    memory->accessible = round_up(minimum, page);
    if (::mprotect(memory->base, memory->accessible, PROT_READ | PROT_WRITE) != 0) {
      const std::string why = std::strerror(errno);
      ::munmap(memory->base, memory->mapped);
      memory->base = nullptr;
      return memory_error("cannot map a linear memory of " + std::to_string(minimum) + " bytes: " + why);
    }
  }
  memory->size = minimum;
  out->env = memory.release();
  out->get_memory = guarded_get;
  out->grow_memory = guarded_grow;
  out->finalizer = guarded_free;
  return nullptr;
}

void delete_guard(void *env) { delete static_cast<MemoryGuard *>(env); }

// ---- the watchdog ----

// Advances an engine's epoch every kEpochTickMs until destroyed.
class Watchdog {
 public:
  explicit Watchdog(const wasmtime::Engine &engine) {
    try {
      thread_ = std::thread([this, engine]() {
        while (!stop_.load(std::memory_order_relaxed)) {
          std::this_thread::sleep_for(std::chrono::milliseconds(kEpochTickMs));
          engine.increment_epoch();
        }
      });
    } catch (const std::exception &e) {
      std::fprintf(stderr, "warning: no bundle watchdog (%s); a bundle stuck in a loop will hang the host\n",
                   e.what());
    }
  }
  ~Watchdog() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  Watchdog(const Watchdog &) = delete;
  Watchdog &operator=(const Watchdog &) = delete;

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

uint64_t ticks(uint32_t budget_ms) {
  return std::max<uint64_t>(1, (static_cast<uint64_t>(budget_ms) + kEpochTickMs - 1) / kEpochTickMs);
}

// One running instance of the module.
struct Live {
  explicit Live(wasmtime::Engine &engine) : store(engine) {}

  wasmtime::Store store;
  std::optional<wasmtime::Memory> memory;
  std::optional<wasmtime::TypedFunc<int32_t, int32_t>> input_buffer;
  std::optional<wasmtime::TypedFunc<std::tuple<int64_t, int32_t>, int32_t>> frame;
  std::optional<wasmtime::TypedFunc<std::monostate, int32_t>> requests;  // ABI 1.1, optional
};

}  // namespace

const char *engine_name(EngineKind engine) { return engine == EngineKind::Pulley ? "pulley" : "cranelift"; }

const char *trap_kind_name(TrapKind kind) {
  switch (kind) {
    case TrapKind::Panic: return "panic";
    case TrapKind::Watchdog: return "watchdog";
    case TrapKind::OutOfMemory: return "out of memory";
    case TrapKind::Fault: return "fault";
    case TrapKind::Exit: return "exit";
  }
  return "fault";
}

const char *module_source_name(ModuleSource source) {
  return source == ModuleSource::Cached ? "cached" : "compiled";
}

const char *host_version() { return TOUCHLINE_HOST_VERSION; }

std::string precompiled_module_path(const std::string &dir, const std::string &sha256, EngineKind engine) {
  return (std::filesystem::path(dir) / (sha256 + "-" + engine_name(engine) + "-" + host_version() + ".cwasm")).string();
}

struct Bundle::Impl {
  Impl(wasmtime::Engine e, MemoryGuard *g, LoadOptions o)
      : engine(std::move(e)), watchdog(engine), guard(g), options(std::move(o)) {}

  // Declared in order of construction; destroyed backwards: the instance, the module, the
  // watchdog (joined), then the engine.
  wasmtime::Engine engine;
  Watchdog watchdog;
  MemoryGuard *guard;  // owned by the engine's memory creator
  LoadOptions options;
  std::optional<wasmtime::Module> module;
  std::optional<wasmtime::Linker> linker;
  std::unique_ptr<Live> live;
  std::vector<uint8_t> request_bytes;  // the last frame's records
  std::optional<TrapKind> dead;        // trapped: the instance must not be entered again
  // Linear memory as `touchline_init` left it (docs/host-abi.md, "Start-up snapshots"): later
  // instances start from it instead of initialising. Empty until the first init (or load).
  std::vector<uint8_t> startup_snapshot;
  std::string startup_snapshot_path;  // where it is kept between launches; empty: not kept
  bool from_snapshot = false;         // whether the live instance started from it

  // Copies the snapshot into the fresh instance's memory (growing it to the snapshot's size).
  // False when it does not fit (the memory limit, or a module that starts larger).
  bool restore_snapshot(Live &fresh);

  // Starts a fresh instance (replacing any): the ABI version (and the expected one) before
  // anything else runs, then `_initialize` and `touchline_init`, each within the init budget.
  Status start(LoadTimings &timings, uint32_t &version);
};

Status Bundle::Impl::start(LoadTimings &timings, uint32_t &version) {
  live.reset();  // the old instance's memory goes first
  dead.reset();
  guard->refused = false;
  auto fresh = std::make_unique<Live>(engine);
  wasmtime::Store &store = fresh->store;
  // Tables hold function references; a bundle needs a few thousand. (Memory is capped by the
  // memory creator.)
  store.limiter(-1, 1 << 20, -1, -1, -1);
  wasmtime::WasiConfig wasi;
  wasi.argv({"bundle"});
  wasi.inherit_stdout();
  wasi.inherit_stderr();
  if (auto r = store.context().set_wasi(std::move(wasi)); !r) {
    return Error{"cannot configure WASI: " + split_message(r.err().message()).line};
  }
  const uint64_t init_ticks = ticks(options.init_budget_ms);
  const std::string &path = options.path;

  auto start = Clock::now();
  store.context().set_epoch_deadline(init_ticks);
  auto instance_result = linker->instantiate(store, *module);
  if (!instance_result) {
    return Error{"cannot instantiate " + path + ": " + describe(instance_result.err()).line};
  }
  timings.instantiate_ms = ms_since(start);
  wasmtime::Instance instance = instance_result.ok();

  // The version comes first: a bundle of another major (or, delivered, of another version than
  // its manifest says) is refused before anything else runs.
  auto version_fn =
      typed_export<std::monostate, int32_t>(store, instance, abi::EXPORT_ABI_VERSION, "() -> i32");
  if (!version_fn) return version_fn.error();
  store.context().set_epoch_deadline(init_ticks);
  auto version_result = version_fn.value().call(store, std::monostate());
  if (!version_result) {
    return Error{"the bundle trapped in " + std::string(abi::EXPORT_ABI_VERSION) + ": " +
                 describe(version_result.err()).line};
  }
  version = static_cast<uint32_t>(version_result.ok());
  if (abi_major(version) != abi::ABI_VERSION_MAJOR) {
    return Error{"bundle speaks ABI " + std::to_string(abi_major(version)) + "." +
                 std::to_string(abi_minor(version)) + ", this host speaks " +
                 std::to_string(abi::ABI_VERSION_MAJOR) + ".x"};
  }
  if (options.expected_abi && version != *options.expected_abi) {
    return Error{"it exports ABI " + std::to_string(abi_major(version)) + "." + std::to_string(abi_minor(version)) +
                 ", the manifest says " + std::to_string(abi_major(*options.expected_abi)) + "." +
                 std::to_string(abi_minor(*options.expected_abi))};
  }

  const auto memory_export = instance.get(store, "memory");
  const auto *memory = memory_export ? std::get_if<wasmtime::Memory>(&*memory_export) : nullptr;
  if (memory == nullptr) return Error{"the bundle does not export its linear memory `memory`"};
  fresh->memory = *memory;

  auto init = typed_export<std::tuple<int32_t, int32_t>, int32_t>(store, instance, abi::EXPORT_INIT,
                                                                  "(i32, i32) -> i32");
  if (!init) return init.error();
  auto input = typed_export<int32_t, int32_t>(store, instance, abi::EXPORT_INPUT_BUFFER, "(i32) -> i32");
  if (!input) return input.error();
  auto frame = typed_export<std::tuple<int64_t, int32_t>, int32_t>(store, instance, abi::EXPORT_FRAME,
                                                                   "(i64, i32) -> i32");
  if (!frame) return frame.error();
  fresh->input_buffer = input.value();
  fresh->frame = frame.value();
  if (instance.get(store, abi::EXPORT_REQUESTS)) {
    auto requests = typed_export<std::monostate, int32_t>(store, instance, abi::EXPORT_REQUESTS, "() -> i32");
    if (!requests) return requests.error();
    fresh->requests = requests.value();
  }

  start = Clock::now();
  if (!startup_snapshot.empty() && options.startup_snapshots) {
    if (restore_snapshot(*fresh)) {
      timings.init_ms = ms_since(start);
      timings.init_from_snapshot = true;
      from_snapshot = true;
      live = std::move(fresh);
      return ok_status();
    }
    std::fprintf(stderr, "warning: the start-up snapshot (%zu bytes) does not fit this instance; initialising\n",
                 startup_snapshot.size());
    startup_snapshot.clear();
  }
  if (instance.get(store, abi::EXPORT_WASI_INITIALIZE)) {
    auto initialize = typed_export<std::monostate, std::monostate>(store, instance, abi::EXPORT_WASI_INITIALIZE,
                                                                   "() -> ()");
    if (!initialize) return initialize.error();
    store.context().set_epoch_deadline(init_ticks);
    if (auto r = initialize.value().call(store, std::monostate()); !r) {
      return Error{"the bundle trapped in " + std::string(abi::EXPORT_WASI_INITIALIZE) + ": " +
                   describe(r.err()).line};
    }
  }
  store.context().set_epoch_deadline(init_ticks);
  auto status = init.value().call(store, {static_cast<int32_t>(options.width), static_cast<int32_t>(options.height)});
  if (!status) {
    return Error{"the bundle trapped in " + std::string(abi::EXPORT_INIT) + ": " + describe(status.err()).line};
  }
  if (status.ok() != static_cast<int32_t>(abi::Status::Ok)) {
    const int32_t code = status.ok();
    const char *name = code == static_cast<int32_t>(abi::Status::BadState)      ? " (BadState)"
                       : code == static_cast<int32_t>(abi::Status::BadArgument) ? " (BadArgument)"
                                                                                 : "";
    return Error{std::string(abi::EXPORT_INIT) + " failed with status " + std::to_string(code) + name};
  }
  timings.init_ms = ms_since(start);
  timings.init_from_snapshot = false;
  from_snapshot = false;
  if (startup_snapshot.empty() && options.startup_snapshots) {
    const auto memory = fresh->memory->data(store);
    startup_snapshot.assign(memory.begin(), memory.end());
    if (!startup_snapshot_path.empty()) store_startup_snapshot(startup_snapshot_path, startup_snapshot);
  }
  live = std::move(fresh);
  return ok_status();
}

bool Bundle::Impl::restore_snapshot(Live &fresh) {
  constexpr uint64_t kPage = 65536;
  wasmtime::Memory &memory = *fresh.memory;
  const uint64_t have = memory.size(fresh.store);
  const uint64_t want = startup_snapshot.size() / kPage;
  if (have > want) return false;
  if (want > have && !memory.grow(fresh.store, want - have)) {
    guard->refused = false;  // not the bundle's growth: nothing to report
    return false;
  }
  const auto data = memory.data(fresh.store);
  if (data.size() < startup_snapshot.size()) return false;
  std::memcpy(data.data(), startup_snapshot.data(), startup_snapshot.size());
  return true;
}

Bundle::Bundle(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Bundle::~Bundle() = default;

Result<std::unique_ptr<Bundle>> Bundle::load(const LoadOptions &options) {
  const std::string &path = options.path;
  LoadTimings timings;

  wasmtime::Config config;
  config.epoch_interruption(true);
  if (options.engine == EngineKind::Pulley) {
    if (wasmtime_error_t *err = wasmtime_config_target_set(config.capi(), "pulley64")) {
      return Error{"cannot select the Pulley interpreter: " + split_message(wasmtime::Error(err).message()).line};
    }
  }
  auto *guard = new MemoryGuard;
  guard->limit = options.memory_limit_bytes;
  wasmtime_memory_creator_t creator{guard, guarded_new, delete_guard};
  wasmtime_config_host_memory_creator_set(config.capi(), &creator);  // the config owns `guard` now
  // Copy-on-write images need wasmtime's own mmap memories: data segments are copied instead.
  wasmtime_config_memory_init_cow_set(config.capi(), false);
  auto impl = std::make_unique<Impl>(wasmtime::Engine(std::move(config)), guard, options);

  // A precompiled module when there is one that checks out. With the delivered bundle's hash
  // the bundle itself is not even read (a warm start); a local bundle (--module-cache) is read
  // and hashed first. Else the bundle is compiled (and the result kept).
  ModuleSource source = ModuleSource::Compiled;
  std::string cached_path;
  const bool caching = !options.module_cache_dir.empty();
  auto load_cached = [&](const std::string &bundle_sha256) {
    cached_path = precompiled_module_path(options.module_cache_dir, bundle_sha256, options.engine);
    const auto start = Clock::now();
    if (auto module = load_precompiled(impl->engine, cached_path)) {
      impl->module = std::move(*module);
      source = ModuleSource::Cached;
      timings.compile_ms = ms_since(start);
    }
  };
  if (caching && !options.sha256.empty()) load_cached(options.sha256);
  if (!impl->module) {
    auto start = Clock::now();
    auto bytes = read_file(path);
    if (!bytes) return bytes.error();
    if (auto magic = check_magic(path, bytes.value()); !magic) return magic.error();
    timings.read_ms = ms_since(start);
    if (caching && cached_path.empty()) load_cached(to_hex(sha256(bytes.value().data(), bytes.value().size())));
    if (!impl->module) {
      start = Clock::now();
      auto module = wasmtime::Module::compile(impl->engine, wasmtime::Span<uint8_t>(bytes.value().data(), bytes.value().size()));
      if (!module) return Error{"cannot compile " + path + ": " + split_message(module.err().message()).line};
      impl->module = module.ok();
      timings.compile_ms = ms_since(start);
    }
  }
  if (source == ModuleSource::Compiled && !cached_path.empty()) store_precompiled(*impl->module, cached_path);
  // A kept snapshot belongs to exactly this module (the cache path names it) and viewport.
  if (!cached_path.empty() && options.startup_snapshots) {
    impl->startup_snapshot_path = startup_snapshot_path(cached_path, options.width, options.height);
    if (source == ModuleSource::Cached) {
      if (auto snapshot = load_startup_snapshot(impl->startup_snapshot_path)) impl->startup_snapshot = std::move(*snapshot);
    }
  }

  impl->linker.emplace(impl->engine);
  wasmtime::Linker &linker = *impl->linker;
  if (auto r = linker.define_wasi(); !r) {
    return Error{"cannot link WASI: " + split_message(r.err().message()).line};
  }
  auto logged = linker.func_wrap(abi::HOST_MODULE, abi::IMPORT_LOG,
                                 [](wasmtime::Caller caller, int32_t level, int32_t ptr, int32_t len) {
                                   host_log(caller, level, ptr, len);
                                 });
  if (!logged) {
    return Error{"cannot link touchline_host.log: " + split_message(logged.err().message()).line};
  }

  uint32_t version = 0;
  if (auto started = impl->start(timings, version); !started) return started.error();

  std::unique_ptr<Bundle> bundle(new Bundle(std::move(impl)));
  bundle->timings_ = timings;
  bundle->abi_version_ = version;
  bundle->module_source_ = source;
  return bundle;
}

Result<double> Bundle::restart() {
  const auto start = Clock::now();
  LoadTimings timings;
  uint32_t version = 0;
  if (auto started = impl_->start(timings, version); !started) {
    impl_->dead = TrapKind::Fault;
    return started.error();
  }
  abi_version_ = version;
  return ms_since(start);
}

std::optional<TrapKind> Bundle::trapped() const { return impl_->dead; }

bool Bundle::started_from_snapshot() const { return impl_->from_snapshot; }

size_t Bundle::memory_bytes() const {
  if (!impl_->live || !impl_->live->memory) return 0;
  return impl_->live->memory->data(impl_->live->store).size();
}

bool Bundle::frame(int64_t time_us, const std::vector<abi::Event> &events,
                   const std::vector<uint8_t> &payload, FrameView &out, FrameError &error) {
  Impl &impl = *impl_;
  const auto fail = [&](FrameFailure kind, std::string message, std::string detail = {},
                        TrapKind trap = TrapKind::Fault) {
    if (kind == FrameFailure::Trap) impl.dead = trap;
    error = FrameError{kind, std::move(message), std::move(detail), trap};
    return false;
  };
  if (impl.dead || !impl.live) return fail(FrameFailure::Trap, "the bundle already trapped", {}, impl.dead.value_or(TrapKind::Fault));
  Live &live = *impl.live;
  // A trap after a refused growth (in this frame) is reported as running out of memory.
  impl.guard->refused = false;
  const auto trapped = [&](const wasmtime::TrapError &e) {
    const TrapKind kind = impl.guard->refused ? TrapKind::OutOfMemory : classify(e);
    Message m = describe(e);
    if (kind == TrapKind::Watchdog) m.line += " (the call ran past the host's time limit)";
    return fail(FrameFailure::Trap, m.line, m.detail, kind);
  };
  const uint64_t frame_ticks = ticks(impl.options.frame_budget_ms);
  impl.request_bytes.clear();

  const size_t event_bytes = events.size() * sizeof(abi::Event);
  if (event_bytes > abi::MAX_EVENT_BATCH_BYTES) {
    return fail(FrameFailure::Malformed, "host error: too many events in one frame");
  }
  if (payload.size() > abi::MAX_INPUT_PAYLOAD_BYTES) {
    return fail(FrameFailure::Malformed, "host error: too large an input payload in one frame");
  }
  // The records, then the payload area (ABI 1.3).
  const size_t input_bytes = event_bytes + payload.size();
  if (input_bytes > 0) {
    live.store.context().set_epoch_deadline(frame_ticks);
    auto ptr = live.input_buffer->call(live.store, static_cast<int32_t>(input_bytes));
    if (!ptr) return trapped(ptr.err());
    const uint64_t at = static_cast<uint32_t>(ptr.ok());
    const auto memory = live.memory->data(live.store);
    if (at == 0 || at > memory.size() || input_bytes > memory.size() - at) {
      return fail(FrameFailure::Malformed,
                  std::string(abi::EXPORT_INPUT_BUFFER) + " returned " + std::to_string(at) + " for " +
                      std::to_string(input_bytes) + " bytes, outside linear memory of " +
                      std::to_string(memory.size()));
    }
    if (event_bytes > 0) std::memcpy(memory.data() + at, events.data(), event_bytes);
    if (!payload.empty()) std::memcpy(memory.data() + at + event_bytes, payload.data(), payload.size());
  }

  live.store.context().set_epoch_deadline(frame_ticks);
  auto result = live.frame->call(live.store, {time_us, static_cast<int32_t>(events.size())});
  if (!result) return trapped(result.err());
  const uint64_t at = static_cast<uint32_t>(result.ok());
  const auto memory = live.memory->data(live.store);
  if (at == 0) return fail(FrameFailure::Malformed, std::string(abi::EXPORT_FRAME) + " returned 0 (failure)");
  if (at > memory.size() || sizeof(abi::FrameOutput) > memory.size() - at) {
    return fail(FrameFailure::Malformed, "FrameOutput at " + std::to_string(at) + " is outside linear memory of " +
                                             std::to_string(memory.size()) + " bytes");
  }
  abi::FrameOutput output;
  std::memcpy(&output, memory.data() + at, sizeof output);
  if (output.display_list_len > abi::MAX_DISPLAY_LIST_BYTES) {
    return fail(FrameFailure::Malformed, "display list of " + std::to_string(output.display_list_len) +
                                             " bytes is larger than MAX_DISPLAY_LIST_BYTES (" +
                                             std::to_string(abi::MAX_DISPLAY_LIST_BYTES) + ")");
  }
  const uint64_t list_at = output.display_list_ptr;
  if (list_at > memory.size() || output.display_list_len > memory.size() - list_at) {
    return fail(FrameFailure::Malformed, "display list at " + std::to_string(list_at) + " (" +
                                             std::to_string(output.display_list_len) +
                                             " bytes) is outside linear memory of " + std::to_string(memory.size()) +
                                             " bytes");
  }

  if (live.requests) {
    // Bundle code runs again and may grow (and so move) linear memory: nothing read above
    // is used through a pointer after this; memory only grows, so the list stays in bounds.
    live.store.context().set_epoch_deadline(frame_ticks);
    auto requested = live.requests->call(live.store, std::monostate());
    if (!requested) return trapped(requested.err());
    const uint64_t buffer_at = static_cast<uint32_t>(requested.ok());
    const auto mem = live.memory->data(live.store);
    if (buffer_at != 0) {  // null: no requests
      if (buffer_at > mem.size() || sizeof(abi::RequestBuffer) > mem.size() - buffer_at) {
        return fail(FrameFailure::BadRequests, "RequestBuffer at " + std::to_string(buffer_at) +
                                                   " is outside linear memory of " + std::to_string(mem.size()) +
                                                   " bytes");
      }
      abi::RequestBuffer buffer;
      std::memcpy(&buffer, mem.data() + buffer_at, sizeof buffer);
      if (buffer.len > abi::MAX_REQUEST_BYTES) {
        return fail(FrameFailure::BadRequests, "requests of " + std::to_string(buffer.len) +
                                                   " bytes are larger than MAX_REQUEST_BYTES (" +
                                                   std::to_string(abi::MAX_REQUEST_BYTES) + ")");
      }
      const uint64_t records_at = buffer.ptr;
      if (buffer.len > 0) {
        if (records_at > mem.size() || buffer.len > mem.size() - records_at) {
          return fail(FrameFailure::BadRequests, "request list at " + std::to_string(records_at) + " (" +
                                                     std::to_string(buffer.len) +
                                                     " bytes) is outside linear memory of " +
                                                     std::to_string(mem.size()) + " bytes");
        }
        impl.request_bytes.assign(mem.data() + records_at, mem.data() + records_at + buffer.len);
      }
    }
  }

  const auto final_memory = live.memory->data(live.store);
  out = FrameView{final_memory.data() + list_at, output.display_list_len, output.flags};
  return true;
}

const std::vector<uint8_t> &Bundle::requests() const { return impl_->request_bytes; }

}  // namespace touchline::host
