#include "bundle.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <sstream>
#include <tuple>
#include <utility>
#include <variant>

#include <wasmtime.hh>

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

}  // namespace

struct Bundle::Impl {
  explicit Impl(wasmtime::Engine e) : engine(std::move(e)), store(engine) {}

  wasmtime::Engine engine;
  wasmtime::Store store;  // declared after the engine: destroyed before it
  std::optional<wasmtime::Memory> memory;
  std::optional<wasmtime::TypedFunc<int32_t, int32_t>> input_buffer;
  std::optional<wasmtime::TypedFunc<std::tuple<int64_t, int32_t>, int32_t>> frame;
  std::optional<wasmtime::TypedFunc<std::monostate, int32_t>> requests;  // ABI 1.1, optional
  std::vector<uint8_t> request_bytes;  // the last frame's records
  bool dead = false;  // trapped: the instance must not be entered again
};

Bundle::Bundle(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Bundle::~Bundle() = default;

Result<std::unique_ptr<Bundle>> Bundle::load(const LoadOptions &options) {
  const std::string &path = options.path;
  LoadTimings timings;

  auto start = Clock::now();
  auto bytes = read_file(path);
  if (!bytes) return bytes.error();
  if (auto magic = check_magic(path, bytes.value()); !magic) return magic.error();
  timings.read_ms = ms_since(start);

  wasmtime::Config config;
  if (options.engine == EngineKind::Pulley) {
    if (wasmtime_error_t *err = wasmtime_config_target_set(config.capi(), "pulley64")) {
      return Error{"cannot select the Pulley interpreter: " +
                   split_message(wasmtime::Error(err).message()).line};
    }
  }
  auto impl = std::make_unique<Impl>(wasmtime::Engine(std::move(config)));
  wasmtime::Store &store = impl->store;

  start = Clock::now();
  auto module = wasmtime::Module::compile(
      impl->engine, wasmtime::Span<uint8_t>(bytes.value().data(), bytes.value().size()));
  if (!module) {
    return Error{"cannot compile " + path + ": " + split_message(module.err().message()).line};
  }
  timings.compile_ms = ms_since(start);
  bytes.value() = {};

  wasmtime::Linker linker(impl->engine);
  if (auto r = linker.define_wasi(); !r) {
    return Error{"cannot link WASI: " + split_message(r.err().message()).line};
  }
  auto logged = linker.func_wrap(
      abi::HOST_MODULE, abi::IMPORT_LOG,
      [](wasmtime::Caller caller, int32_t level, int32_t ptr, int32_t len) {
        host_log(caller, level, ptr, len);
      });
  if (!logged) {
    return Error{"cannot link touchline_host.log: " + split_message(logged.err().message()).line};
  }
  wasmtime::WasiConfig wasi;
  wasi.argv({"bundle"});
  wasi.inherit_stdout();
  wasi.inherit_stderr();
  if (auto r = store.context().set_wasi(std::move(wasi)); !r) {
    return Error{"cannot configure WASI: " + split_message(r.err().message()).line};
  }

  start = Clock::now();
  auto instance_result = linker.instantiate(store, module.ok_ref());
  if (!instance_result) {
    return Error{"cannot instantiate " + path + ": " + describe(instance_result.err()).line};
  }
  timings.instantiate_ms = ms_since(start);
  wasmtime::Instance instance = instance_result.ok();

  // The version comes first: a bundle of another major is refused before anything else runs.
  auto version_fn =
      typed_export<std::monostate, int32_t>(store, instance, abi::EXPORT_ABI_VERSION, "() -> i32");
  if (!version_fn) return version_fn.error();
  auto version_result = version_fn.value().call(store, std::monostate());
  if (!version_result) {
    return Error{"the bundle trapped in " + std::string(abi::EXPORT_ABI_VERSION) + ": " +
                 describe(version_result.err()).line};
  }
  const auto version = static_cast<uint32_t>(version_result.ok());
  if (abi_major(version) != abi::ABI_VERSION_MAJOR) {
    return Error{"bundle speaks ABI " + std::to_string(abi_major(version)) + "." +
                 std::to_string(abi_minor(version)) + ", this host speaks " +
                 std::to_string(abi::ABI_VERSION_MAJOR) + ".x"};
  }

  const auto memory_export = instance.get(store, "memory");
  const auto *memory =
      memory_export ? std::get_if<wasmtime::Memory>(&*memory_export) : nullptr;
  if (memory == nullptr) return Error{"the bundle does not export its linear memory `memory`"};
  impl->memory = *memory;

  auto init = typed_export<std::tuple<int32_t, int32_t>, int32_t>(store, instance, abi::EXPORT_INIT,
                                                                  "(i32, i32) -> i32");
  if (!init) return init.error();
  auto input = typed_export<int32_t, int32_t>(store, instance, abi::EXPORT_INPUT_BUFFER,
                                              "(i32) -> i32");
  if (!input) return input.error();
  auto frame = typed_export<std::tuple<int64_t, int32_t>, int32_t>(
      store, instance, abi::EXPORT_FRAME, "(i64, i32) -> i32");
  if (!frame) return frame.error();
  impl->input_buffer = input.value();
  impl->frame = frame.value();
  if (instance.get(store, abi::EXPORT_REQUESTS)) {
    auto requests = typed_export<std::monostate, int32_t>(store, instance, abi::EXPORT_REQUESTS,
                                                          "() -> i32");
    if (!requests) return requests.error();
    impl->requests = requests.value();
  }

  start = Clock::now();
  if (instance.get(store, abi::EXPORT_WASI_INITIALIZE)) {
    auto initialize = typed_export<std::monostate, std::monostate>(
        store, instance, abi::EXPORT_WASI_INITIALIZE, "() -> ()");
    if (!initialize) return initialize.error();
    if (auto r = initialize.value().call(store, std::monostate()); !r) {
      return Error{"the bundle trapped in " + std::string(abi::EXPORT_WASI_INITIALIZE) + ": " +
                   describe(r.err()).line};
    }
  }
  auto status = init.value().call(
      store, {static_cast<int32_t>(options.width), static_cast<int32_t>(options.height)});
  if (!status) {
    return Error{"the bundle trapped in " + std::string(abi::EXPORT_INIT) + ": " +
                 describe(status.err()).line};
  }
  if (status.ok() != static_cast<int32_t>(abi::Status::Ok)) {
    const int32_t code = status.ok();
    const char *name = code == static_cast<int32_t>(abi::Status::BadState)      ? " (BadState)"
                       : code == static_cast<int32_t>(abi::Status::BadArgument) ? " (BadArgument)"
                                                                                 : "";
    return Error{std::string(abi::EXPORT_INIT) + " failed with status " + std::to_string(code) +
                 name};
  }
  timings.init_ms = ms_since(start);

  std::unique_ptr<Bundle> bundle(new Bundle(std::move(impl)));
  bundle->timings_ = timings;
  bundle->abi_version_ = version;
  return bundle;
}

bool Bundle::frame(int64_t time_us, const std::vector<abi::Event> &events,
                   const std::vector<uint8_t> &payload, FrameView &out, FrameError &error) {
  Impl &impl = *impl_;
  const auto fail = [&](FrameFailure kind, std::string message, std::string detail = {}) {
    if (kind == FrameFailure::Trap) impl.dead = true;
    error = FrameError{kind, std::move(message), std::move(detail)};
    return false;
  };
  if (impl.dead) return fail(FrameFailure::Trap, "the bundle already trapped");
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
    auto ptr = impl.input_buffer->call(impl.store, static_cast<int32_t>(input_bytes));
    if (!ptr) {
      const Message m = describe(ptr.err());
      return fail(FrameFailure::Trap, m.line, m.detail);
    }
    const uint64_t at = static_cast<uint32_t>(ptr.ok());
    const auto memory = impl.memory->data(impl.store);
    if (at == 0 || at > memory.size() || input_bytes > memory.size() - at) {
      return fail(FrameFailure::Malformed,
                  std::string(abi::EXPORT_INPUT_BUFFER) + " returned " + std::to_string(at) +
                      " for " + std::to_string(input_bytes) +
                      " bytes, outside linear memory of " + std::to_string(memory.size()));
    }
    if (event_bytes > 0) std::memcpy(memory.data() + at, events.data(), event_bytes);
    if (!payload.empty()) std::memcpy(memory.data() + at + event_bytes, payload.data(), payload.size());
  }

  auto result = impl.frame->call(impl.store, {time_us, static_cast<int32_t>(events.size())});
  if (!result) {
    const Message m = describe(result.err());
    return fail(FrameFailure::Trap, m.line, m.detail);
  }
  const uint64_t at = static_cast<uint32_t>(result.ok());
  const auto memory = impl.memory->data(impl.store);
  if (at == 0) return fail(FrameFailure::Malformed, std::string(abi::EXPORT_FRAME) + " returned 0 (failure)");
  if (at > memory.size() || sizeof(abi::FrameOutput) > memory.size() - at) {
    return fail(FrameFailure::Malformed,
                "FrameOutput at " + std::to_string(at) + " is outside linear memory of " +
                    std::to_string(memory.size()) + " bytes");
  }
  abi::FrameOutput output;
  std::memcpy(&output, memory.data() + at, sizeof output);
  if (output.display_list_len > abi::MAX_DISPLAY_LIST_BYTES) {
    return fail(FrameFailure::Malformed,
                "display list of " + std::to_string(output.display_list_len) +
                    " bytes is larger than MAX_DISPLAY_LIST_BYTES (" +
                    std::to_string(abi::MAX_DISPLAY_LIST_BYTES) + ")");
  }
  const uint64_t list_at = output.display_list_ptr;
  if (list_at > memory.size() || output.display_list_len > memory.size() - list_at) {
    return fail(FrameFailure::Malformed,
                "display list at " + std::to_string(list_at) + " (" +
                    std::to_string(output.display_list_len) +
                    " bytes) is outside linear memory of " + std::to_string(memory.size()) +
                    " bytes");
  }

  if (impl.requests) {
    // Bundle code runs again and may grow (and so move) linear memory: nothing read above
    // is used through a pointer after this; memory only grows, so the list stays in bounds.
    auto requested = impl.requests->call(impl.store, std::monostate());
    if (!requested) {
      const Message m = describe(requested.err());
      return fail(FrameFailure::Trap, m.line, m.detail);
    }
    const uint64_t buffer_at = static_cast<uint32_t>(requested.ok());
    const auto mem = impl.memory->data(impl.store);
    if (buffer_at != 0) {  // null: no requests
      if (buffer_at > mem.size() || sizeof(abi::RequestBuffer) > mem.size() - buffer_at) {
        return fail(FrameFailure::BadRequests,
                    "RequestBuffer at " + std::to_string(buffer_at) +
                        " is outside linear memory of " + std::to_string(mem.size()) + " bytes");
      }
      abi::RequestBuffer buffer;
      std::memcpy(&buffer, mem.data() + buffer_at, sizeof buffer);
      if (buffer.len > abi::MAX_REQUEST_BYTES) {
        return fail(FrameFailure::BadRequests,
                    "requests of " + std::to_string(buffer.len) +
                        " bytes are larger than MAX_REQUEST_BYTES (" +
                        std::to_string(abi::MAX_REQUEST_BYTES) + ")");
      }
      const uint64_t records_at = buffer.ptr;
      if (buffer.len > 0) {
        if (records_at > mem.size() || buffer.len > mem.size() - records_at) {
          return fail(FrameFailure::BadRequests,
                      "request list at " + std::to_string(records_at) + " (" +
                          std::to_string(buffer.len) + " bytes) is outside linear memory of " +
                          std::to_string(mem.size()) + " bytes");
        }
        impl.request_bytes.assign(mem.data() + records_at, mem.data() + records_at + buffer.len);
      }
    }
  }

  const auto final_memory = impl.memory->data(impl.store);
  out = FrameView{final_memory.data() + list_at, output.display_list_len, output.flags};
  return true;
}

const std::vector<uint8_t> &Bundle::requests() const { return impl_->request_bytes; }

}  // namespace touchline::host
