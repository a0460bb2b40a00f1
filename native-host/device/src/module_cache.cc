#include "module_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <string_view>
#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "cache.h"

namespace touchline::host {
namespace {

constexpr const char *kChecksumSuffix = ".xxh3";

// A read-only private mapping of a whole file (page-cache backed: nothing is copied).
class MappedFile {
 public:
  static std::optional<MappedFile> open(const std::string &path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    struct stat st {};
    void *base = MAP_FAILED;
    if (::fstat(fd, &st) == 0 && st.st_size > 0) {
      base = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    }
    ::close(fd);
    if (base == MAP_FAILED) return std::nullopt;
    return MappedFile(base, static_cast<size_t>(st.st_size));
  }
  MappedFile(MappedFile &&other) noexcept : base_(other.base_), size_(other.size_) { other.base_ = nullptr; }
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;
  MappedFile &operator=(MappedFile &&) = delete;
  ~MappedFile() {
    if (base_ != nullptr) ::munmap(base_, size_);
  }
  const void *data() const { return base_; }
  size_t size() const { return size_; }

 private:
  MappedFile(void *base, size_t size) : base_(base), size_(size) {}
  void *base_;
  size_t size_;
};

std::string first_line_of(const std::string &message) { return message.substr(0, message.find('\n')); }

// The checksum file's text, when it is one (16 lowercase hex digits, then optional whitespace).
std::optional<std::string> read_checksum(const std::string &path) {
  auto text = read_text_file(path);
  if (!text) return std::nullopt;
  std::string checksum = text.value();
  while (!checksum.empty() && (checksum.back() == '\n' || checksum.back() == '\r' || checksum.back() == ' ')) {
    checksum.pop_back();
  }
  if (checksum.size() != 16 || checksum.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return std::nullopt;
  }
  return checksum;
}

// Writes `bytes` to `path`, then the checksum beside it (so a file is never trusted before it
// is whole). Failures are `warning:` lines about `what`.
void store_checked(const std::string &path, const uint8_t *data, size_t size, const char *what) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  const std::string_view view(reinterpret_cast<const char *>(data), size);
  Status written = write_file_atomic(path, view);
  if (written) written = write_file_atomic(path + kChecksumSuffix, module_checksum(data, size) + "\n");
  if (!written) std::fprintf(stderr, "warning: cannot keep the %s: %s\n", what, written.error().message.c_str());
}

constexpr size_t kWasmPageBytes = 65536;

// Deletes a cached file and its checksum: `warning: the WHAT PATH WHY; INSTEAD`.
void forget(const std::string &path, const char *what, const std::string &why, const char *instead) {
  std::fprintf(stderr, "warning: the %s %s %s; %s\n", what, path.c_str(), why.c_str(), instead);
  std::error_code ec;
  std::filesystem::remove(path, ec);
  std::filesystem::remove(path + kChecksumSuffix, ec);
}

// The file at `path`, mapped, when it and its checksum are there and agree and its size is a
// multiple of `unit`; a file that fails is forgotten (and nothing is returned).
std::optional<MappedFile> map_checked(const std::string &path, const char *what, const char *instead,
                                      size_t unit = 1) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  const auto checksum = read_checksum(path + kChecksumSuffix);
  const auto fail = [&](const std::string &why) {
    forget(path, what, why, instead);
    return std::nullopt;
  };
  if (!checksum) return fail(std::string("has no valid ") + kChecksumSuffix + " checksum beside it");
  auto mapped = MappedFile::open(path);
  if (!mapped) return fail("cannot be read");
  if (mapped->size() % unit != 0) return fail("is not whole pages of linear memory");
  if (module_checksum(mapped->data(), mapped->size()) != *checksum) return fail("fails its checksum");
  return mapped;
}

}  // namespace

std::string module_checksum(const void *data, size_t size) {
  char text[24];
  std::snprintf(text, sizeof text, "%016" PRIx64, static_cast<uint64_t>(XXH3_64bits(data, size)));
  return text;
}

std::optional<wasmtime::Module> load_precompiled(wasmtime::Engine &engine, const std::string &path) {
  if (!map_checked(path, "precompiled module", "compiling")) return std::nullopt;
  // wasmtime maps the file itself (the pages just checked are in the page cache): no copy.
  auto module = wasmtime::Module::deserialize_file(engine, path);
  if (!module) {
    forget(path, "precompiled module", "was refused (" + first_line_of(module.err().message()) + ")", "compiling");
    return std::nullopt;
  }
  return module.ok();
}

void store_precompiled(const wasmtime::Module &module, const std::string &path) {
  auto bytes = module.serialize();
  if (!bytes) {
    std::fprintf(stderr, "warning: cannot serialize the module: %s\n", first_line_of(bytes.err().message()).c_str());
    return;
  }
  store_checked(path, bytes.ok().data(), bytes.ok().size(), "precompiled module");
}

std::string startup_snapshot_path(const std::string &module_path, uint32_t width, uint32_t height) {
  std::string base = module_path;
  if (base.size() > 6 && base.compare(base.size() - 6, 6, ".cwasm") == 0) base.resize(base.size() - 6);
  return base + "-" + std::to_string(width) + "x" + std::to_string(height) + ".snapshot";
}

std::optional<std::vector<uint8_t>> load_startup_snapshot(const std::string &path) {
  auto mapped = map_checked(path, "start-up snapshot", "initialising", kWasmPageBytes);
  if (!mapped) return std::nullopt;
  const auto *bytes = static_cast<const uint8_t *>(mapped->data());
  return std::vector<uint8_t>(bytes, bytes + mapped->size());
}

void store_startup_snapshot(const std::string &path, const std::vector<uint8_t> &memory) {
  store_checked(path, memory.data(), memory.size(), "start-up snapshot");
}

}  // namespace touchline::host
